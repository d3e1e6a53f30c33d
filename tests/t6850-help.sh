#!/bin/sh
# t6850: "git dbmig -h" lists every command, and every line is true: each
# listed command runs and prints its own usage, the manual's synopsis
# names no command the list lacks, and where a line names a command's
# choices (graph's formats) they are the ones the command takes.
. "$(dirname "$0")/lib.sh"

PAGE="$SRC_ROOT/doc/git-dbmig.1"

test_expect_success 'the list of commands' '
	git-dbmig -h >help &&
	sed -n "/^commands:/,\$s/^  \([a-z][-a-z_]*\) .*/\1/p" help >cmds &&
	test "$(wc -l <cmds)" -ge 19 &&
	sort cmds >sorted && diff -u sorted cmds
'

test_expect_success 'each listed command prints its own usage with -h' '
	while read c; do
		git-dbmig "$c" -h >out 2>err || { echo "$c -h failed"; exit 1; }
		grep -q "^usage: git dbmig $c\( \|$\)" out || { echo "$c -h:"; cat out; exit 1; }
	done <cmds
'

test_expect_success 'the synopsis names no command the list lacks' '
	sed -n "/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/s/^\\\\fBgit dbmig \([a-z_]*\)\\\\fR.*/\1/p" "$PAGE" |
		sort -u >synopsis &&
	test -s synopsis &&
	diff -u synopsis sorted
'

test_expect_success 'Alembic 1.18 commands git-dbmig has are all listed' '
	for c in branches check current downgrade edit ensure_version heads history \
		 init merge revision show stamp upgrade; do
		grep -qx "$c" cmds || { echo "missing $c"; exit 1; }
	done
'

test_expect_success 'graph: the formats of the list are the ones graph takes' '
	sed -n "s/^  graph .*(--format \([a-z|]*\))\.$/\1/p" help | tr "|" "\n" >listed &&
	test "$(wc -l <listed)" = 5 &&
	git-dbmig graph -h | sed -n "s/.*--format \([a-z|]*\).*/\1/p" | tr "|" "\n" >usage &&
	diff -u usage listed &&
	make_project &&
	write_rev migrations/versions a1 "" "" "" "" "" &&
	while read f; do
		git dbmig graph --format "$f" >/dev/null || { echo "graph --format $f failed"; exit 1; }
	done <listed
'

test_expect_success 'without a command: the list on stderr and one FAILED line' '
	! git-dbmig 2>err >out &&
	test ! -s out &&
	grep -q "^  ensure_version " err &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	grep -q "^FAILED: a command is required" err
'

test_expect_success 'the README lists the differences from Alembic, current on a missing file first' '
	sed -n "/^## Differences from Alembic/,/^## /p" "$SRC_ROOT/README.md" >diffs &&
	test "$(grep -c "^- \*\*" diffs)" -ge 10 &&
	grep -q "^- \*\*\`current\` on a missing SQLite file fails" diffs &&
	make_project 2>/dev/null; write_rev migrations/versions a1 "" "" "" "" "" &&
	! git dbmig --url sqlite:///missing.db current 2>err &&
	grep -q "^FAILED: .*missing.db.* does not exist" err &&
	test ! -e missing.db
'

test_expect_failure_msg 'an unknown command' \
	"unknown command 'list_templates' (see 'git dbmig --help')" git-dbmig list_templates
test_expect_failure_msg 'a command misspelt with a dash' \
	"unknown command 'ensure-version'" git-dbmig ensure-version

test_done
