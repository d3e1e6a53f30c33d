#!/bin/sh
# t1100: the header cache is never wrong: edits (even keeping size and
# mtime), removed files, and corrupt, truncated or foreign cache files.
. "$(dirname "$0")/lib.sh"

make_project
V=migrations/versions
write_rev $V aaaa1 "" A "" "" ""
write_rev $V aaaa2 aaaa1 "" "" "" ""
cachefile() { ls "$HOME"/.cache/git-dbmig/* 2>/dev/null | head -1; }

test_expect_success 'a read-only command writes the cache' '
	git dbmig heads >out &&
	grep -q "^aaaa2 (A) (head)$" out &&
	test -f "$(cachefile)"
'

test_expect_success 'an edit that keeps size and mtime is still seen' '
	sleep 1 && git dbmig heads >/dev/null &&
	mtime=$(stat -c %y $V/aaaa2_rev.sql) &&
	sed -i "s/^-- message: rev aaaa2$/-- message: rev aaaa9/" $V/aaaa2_rev.sql &&
	touch -d "$mtime" $V/aaaa2_rev.sql &&
	git dbmig history >out &&
	grep -q "aaaa1 -> aaaa2 (A) (head), rev aaaa9" out
'

test_expect_success 'a new and a removed file are seen' '
	write_rev $V aaaa3 aaaa2 "" "" "" "" &&
	git dbmig heads >out && grep -q "^aaaa3 (A) (head)$" out &&
	rm $V/aaaa3_rev.sql &&
	git dbmig heads >out && grep -q "^aaaa2 (A) (head)$" out
'

test_expect_success 'a corrupt cache is ignored and rewritten' '
	f=$(cachefile) &&
	printf "\001\002garbage" | dd of="$f" bs=1 seek=20 conv=notrunc 2>/dev/null &&
	git dbmig heads >out && grep -q "^aaaa2 (A) (head)$" out &&
	git dbmig heads >out2 && cmp out out2
'

test_expect_success 'a cache whose entries still parse but were altered is ignored' '
	git dbmig heads >/dev/null &&
	f=$(cachefile) &&
	# the ids inside the cached headers, not the paths (aaaa2_rev.sql)
	sed "s/aaaa2\([^_]\)/aaaa9\1/g" "$f" >"$f.t" && ! cmp -s "$f" "$f.t" &&
	mv "$f.t" "$f" &&
	git dbmig heads >out && grep -q "^aaaa2 (A) (head)$" out &&
	! grep -q aaaa9 out
'

test_expect_success 'a truncated or empty cache is ignored' '
	f=$(cachefile) &&
	head -c 30 "$f" >"$f.t" && mv "$f.t" "$f" &&
	git dbmig heads >out && grep -q "^aaaa2 (A) (head)$" out &&
	: >"$f" && git dbmig history >out && test "$(wc -l <out)" = 2
'

test_expect_success 'a broken revision file is reported every time, never cached' '
	printf -- "-- revision: aaaa4\n-- bogus: 1\n" >$V/aaaa4_x.sql &&
	! git dbmig heads 2>err1 && ! git dbmig heads 2>err2 &&
	grep -q "unknown key .bogus." err1 && cmp err1 err2 &&
	rm $V/aaaa4_x.sql
'

test_expect_success 'DBMIG_NO_CACHE and an unwritable cache folder still work' '
	DBMIG_NO_CACHE=1 git dbmig heads >out && grep -q aaaa2 out &&
	XDG_CACHE_HOME=/proc/nonexistent git dbmig heads >out && grep -q aaaa2 out
'

test_done
