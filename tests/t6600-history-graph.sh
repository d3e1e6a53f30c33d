#!/bin/sh
# t6600: history --graph draws branch points and merges as git log --graph.
. "$(dirname "$0")/lib.sh"

make_project
V=migrations/versions
write_rev $V r0 "" "" "" "" ""
write_rev $V p1 r0 "" "" "" ""
write_rev $V p2 r0 "" "" "" ""
write_rev $V m p1,p2 "" "" "" ""
write_rev $V n m "" "" "" ""

test_expect_success 'a branch point and a merge' '
	git dbmig history --graph >out &&
	cat >expect <<-\EOF &&
	* m -> n (head), rev n
	* p1, p2 -> m (mergepoint), rev m
	|\
	* | r0 -> p1, rev p1
	| * r0 -> p2, rev p2
	|/
	* <base> -> r0 (branchpoint), rev r0
	EOF
	diff -u expect out
'

test_expect_success 'the same lines as history, with lanes in front' '
	git dbmig history >plain &&
	grep "\\*" out | sed "s/^[*|\\\\/ ]*//" >stripped &&
	diff -u plain stripped
'

test_expect_success 'graph --format ascii draws the same lanes with ids' '
	git dbmig graph --format ascii >out &&
	cat >expect <<-\EOF &&
	* n (head)
	* m
	|\
	* | p1
	| * p2
	|/
	* r0
	EOF
	diff -u expect out
'

test_done
