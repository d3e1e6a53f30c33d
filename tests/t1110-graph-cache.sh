#!/bin/sh
# t1110: the graph cache is never wrong. Read-only commands print the
# same bytes with it, without it and after any change to the files:
# edits keeping size and mtime, new, removed and renamed files, files
# changed just now, and corrupt, truncated or foreign cache files. An
# upgrade plans from the caches too and reads the files it runs only,
# with what they hold when it runs.
. "$(dirname "$0")/lib.sh"
unset XDG_CACHE_HOME

make_project
V=migrations/versions
write_rev $V aaaa1 "" core "" "" ""
write_rev $V aaaa2 aaaa1 "" "" "" ""
write_rev $V bbbb1 "" mod "core" "" ""
write_rev $V bbbb2 bbbb1 "" "" "" ""
write_rev $V bbbb3 bbbb1 "" "" "" ""
write_rev $V cccc1 "bbbb2, bbbb3" "" "aaaa2" "" ""
D="$HOME/.cache/git-dbmig"
graphfile() { ls "$D"/*.graph 2>/dev/null | grep -v '\.tree\.graph$' | head -1; }
headerfile() { ls "$D"/* 2>/dev/null | grep -v '\.graph$' | head -1; }
# what every read-only command prints, with and without the caches
outputs() {
	for c in "heads" "heads --resolve-dependencies" "branches" "history" \
		"history -v" "history -r aaaa1:cccc1" "show cccc1" "show mod@head" \
		"show nothing" "history -r nothing:"; do
		echo "== $c"
		git dbmig $c 2>&1
		echo "exit $?"
	done
}
same_as_uncached() {
	outputs >cached &&
	DBMIG_NO_CACHE=1 outputs >uncached &&
	diff -u uncached cached
}
# files changed less than two seconds before a run are not trusted
age() { sleep 2.2; }

test_expect_success 'a read-only command writes the graph cache beside the header cache' '
	age &&
	git dbmig heads >out &&
	test -s "$(graphfile)" && test -s "$(headerfile)" &&
	same_as_uncached
'

test_expect_success 'a run with the graph cache reads no header' '
	rm "$(headerfile)" &&
	git dbmig heads >out &&
	test -z "$(headerfile)" &&
	same_as_uncached && test -z "$(headerfile)"
'

test_expect_success 'files changed just now are read, and no graph cache is written for them' '
	g=$(graphfile) && before=$(stat -c %Y.%y "$g") &&
	write_rev $V cccc2 cccc1 "" "" "" "" &&
	git dbmig heads >out && grep -q "^cccc2 (mod) (head)$" out &&
	test "$(stat -c %Y.%y "$g")" = "$before" &&
	same_as_uncached
'

test_expect_success 'an edit that keeps size and mtime is seen' '
	age && git dbmig heads >/dev/null &&
	mtime=$(stat -c %y $V/cccc2_rev.sql) &&
	sed -i "s/^-- message: rev cccc2$/-- message: rev zzzz2/" $V/cccc2_rev.sql &&
	touch -d "$mtime" $V/cccc2_rev.sql &&
	git dbmig history >out &&
	grep -q "cccc1 -> cccc2 (mod) (head), rev zzzz2" out &&
	same_as_uncached
'

test_expect_success 'an edit to the graph itself is seen' '
	age && git dbmig heads >/dev/null &&
	sed -i "s/^-- down_revision: cccc1$/-- down_revision: aaaa2/" $V/cccc2_rev.sql &&
	git dbmig heads >out && grep -q "^cccc1 (mod) (head)$" out &&
	age && git dbmig heads >/dev/null && same_as_uncached
'

test_expect_success 'a renamed and a removed file are seen' '
	mv $V/cccc2_rev.sql $V/cccc2_renamed.sql &&
	git dbmig heads >out && same_as_uncached &&
	age && git dbmig heads >/dev/null &&
	rm $V/cccc2_renamed.sql &&
	git dbmig heads >out && ! grep -q cccc2 out && same_as_uncached
'

test_expect_success 'a broken revision file is reported every time, never cached' '
	age && git dbmig heads >/dev/null &&
	printf -- "-- revision: aaaa4\n-- bogus: 1\n" >$V/aaaa4_x.sql &&
	age &&
	! git dbmig heads 2>err1 && ! git dbmig heads 2>err2 &&
	grep -q "unknown key .bogus." err1 && cmp err1 err2 &&
	rm $V/aaaa4_x.sql
'

test_expect_success 'a cycle is reported every time, never cached' '
	write_rev $V dddd1 dddd2 "" "" "" "" &&
	write_rev $V dddd2 dddd1 "" "" "" "" &&
	age &&
	! git dbmig heads 2>err1 && ! git dbmig heads 2>err2 &&
	grep -qi "cycle" err1 && cmp err1 err2 &&
	rm $V/dddd1_rev.sql $V/dddd2_rev.sql
'

test_expect_success 'a corrupt graph cache is ignored and rewritten' '
	age && git dbmig heads >/dev/null &&
	g=$(graphfile) && cp "$g" good &&
	printf "\001\002garbage" | dd of="$g" bs=1 seek=40 conv=notrunc 2>/dev/null &&
	! cmp -s "$g" good &&
	same_as_uncached &&
	rm "$(headerfile)" && git dbmig heads >/dev/null && test -z "$(headerfile)"
'

test_expect_success 'a truncated, empty or foreign graph cache is ignored' '
	g=$(graphfile) &&
	head -c 100 good >"$g" && same_as_uncached &&
	: >"$g" && same_as_uncached &&
	sed "1s/^DBMIGG3/DBMIGG0/" good >"$g" && same_as_uncached &&
	head -c -1 good >"$g" && same_as_uncached
'

test_expect_success 'a graph cache of another project is not used' '
	mkdir other && (cd other && make_project &&
		write_rev $V eeee1 "" "" "" "" "" && age &&
		git dbmig heads >out && grep -q "^eeee1 (head)$" out) &&
	test "$(ls "$D"/*.graph | wc -l)" = 2 &&
	for g in "$D"/*.graph; do cp "$g" "$g.save"; done &&
	set -- "$D"/*.graph && cp "$1.save" "$2" && cp "$2.save" "$1" &&
	same_as_uncached &&
	(cd other && git dbmig heads >out && grep -q "^eeee1 (head)$" out)
'

test_expect_success 'another build of git-dbmig trusts neither cache' '
	rm -rf "$D" && git dbmig heads >/dev/null &&
	# this build: the graph cache is used, no header is read
	rm "$(headerfile)" && git dbmig heads >/dev/null && test -z "$(headerfile)" &&
	mkdir -p other-build && cp "$SRC_ROOT/git-dbmig" other-build/git-dbmig &&
	touch -d "2001-01-01" other-build/git-dbmig &&
	other-build/git-dbmig heads >out && grep -q cccc1 out &&
	test -n "$(headerfile)" &&
	rm "$(headerfile)" &&
	git dbmig heads >/dev/null && test -n "$(headerfile)"
'

test_expect_success 'DBMIG_NO_CACHE writes no cache' '
	rm -rf "$D" &&
	DBMIG_NO_CACHE=1 git dbmig heads >out && grep -q cccc1 out &&
	test ! -d "$D"
'

# A warm run takes the names from the cache while the folders they came
# from are unchanged: every way a listing changes must still be seen.
test_expect_success 'a file added with its folder'"'"'s mtime put back is seen (by its ctime)' '
	rm -rf "$D" && age && git dbmig heads >/dev/null &&
	rm "$(headerfile)" && git dbmig heads >/dev/null && test -z "$(headerfile)" &&
	dmtime=$(stat -c %y $V) &&
	write_rev $V cccc3 cccc1 "" "" "" "" &&
	touch -d "$dmtime" $V && test "$(stat -c %y $V)" = "$dmtime" &&
	git dbmig heads >out && grep -q "^cccc3 (mod) (head)$" out &&
	same_as_uncached &&
	age && git dbmig heads >/dev/null &&
	dmtime=$(stat -c %y $V) && rm $V/cccc3_rev.sql && touch -d "$dmtime" $V &&
	git dbmig heads >out && ! grep -q cccc3 out && same_as_uncached
'

test_expect_success 'recursive_version_locations turned on and off is seen' '
	write_rev $V/sub ffff1 cccc1 "" "" "" "" &&
	age && git dbmig heads >out && ! grep -q ffff1 out &&
	git dbmig heads >out && ! grep -q ffff1 out &&
	cp alembic.ini alembic.ini.flat &&
	sed -i "/^script_location/a recursive_version_locations = true" alembic.ini &&
	git dbmig heads >out && grep -q "^ffff1 (mod) (head)$" out && same_as_uncached &&
	git dbmig heads >out && grep -q "^ffff1 (mod) (head)$" out &&
	cp alembic.ini.flat alembic.ini &&
	git dbmig heads >out && ! grep -q ffff1 out && same_as_uncached
'

test_expect_success 'a file added to a subfolder (recursion on) is seen' '
	sed -i "/^script_location/a recursive_version_locations = true" alembic.ini &&
	age && git dbmig heads >/dev/null && git dbmig heads >/dev/null &&
	write_rev $V/sub ffff2 ffff1 "" "" "" "" &&
	git dbmig heads >out && grep -q "^ffff2 (mod) (head)$" out && same_as_uncached &&
	rm -r $V/sub && cp alembic.ini.flat alembic.ini &&
	age && git dbmig heads >out && grep -q "^cccc1 (mod) (head)$" out && same_as_uncached
'

test_expect_success 'a symbolic link whose target appears later is seen' '
	mkdir -p elsewhere && ln -s "$PWD/elsewhere/gggg1_rev.sql" $V/gggg1_rev.sql &&
	age && git dbmig heads >out && ! grep -q gggg1 out && git dbmig heads >/dev/null &&
	write_rev elsewhere gggg1 cccc1 "" "" "" "" &&
	git dbmig heads >out && grep -q "^gggg1 (mod) (head)$" out && same_as_uncached &&
	rm $V/gggg1_rev.sql && age && git dbmig heads >/dev/null
'

# the graph of a commit (--at) has a cache of its own, keyed by blob ids
treefile() { ls "$D"/*.tree.graph 2>/dev/null | head -1; }
at_outputs() {
	for c in "heads" "branches" "history" "history -v" "show cccc1" \
		"show nothing"; do
		echo "== $c"
		git dbmig --at "$1" $c 2>&1
		echo "exit $?"
	done
}
at_same_as_uncached() {
	at_outputs "$1" >cached &&
	DBMIG_NO_CACHE=1 at_outputs "$1" >uncached &&
	diff -u uncached cached
}

test_expect_success '--at writes a graph cache of the tree and reads no blob with it' '
	git init -q . && git add -A alembic.ini migrations &&
	git -c user.name=t -c user.email=t@t commit -q -m one &&
	git dbmig --at HEAD heads >out && grep -q "^cccc1 (mod) (head)$" out &&
	test -s "$(treefile)" &&
	at_same_as_uncached HEAD &&
	# with the cache, no blob is read: one may even be gone
	b=$(git rev-parse HEAD:$V/aaaa2_rev.sql) &&
	mv .git/objects/$(echo $b | cut -c1-2)/$(echo $b | cut -c3-) blob.save &&
	git dbmig --at HEAD heads >out2 && cmp out out2 &&
	! DBMIG_NO_CACHE=1 git dbmig --at HEAD heads 2>err &&
	grep -q "^FAILED:" err &&
	mv blob.save .git/objects/$(echo $b | cut -c1-2)/$(echo $b | cut -c3-)
'

test_expect_success '--at another commit, with a file changed in place, is not served the first' '
	write_rev $V cccc1 "bbbb2, bbbb3" "" "" "" "" &&
	git add -A && git -c user.name=t -c user.email=t@t commit -q -m two &&
	git dbmig --at HEAD heads >out && grep -q "^aaaa2 (core) (head)$" out &&
	at_same_as_uncached HEAD && at_same_as_uncached HEAD~1 &&
	git dbmig --at HEAD~1 heads >out && grep -q "^aaaa2 (core) (effective head)$" out
'

test_expect_success 'a corrupt, truncated or work-tree graph cache in its place is ignored' '
	git dbmig --at HEAD heads >/dev/null &&
	t=$(treefile) && cp "$t" good.tree &&
	printf "\001\002garbage" | dd of="$t" bs=1 seek=40 conv=notrunc 2>/dev/null &&
	at_same_as_uncached HEAD &&
	head -c 100 good.tree >"$t" && at_same_as_uncached HEAD &&
	age && git dbmig heads >/dev/null && test -s "$(graphfile)" &&
	cp "$(graphfile)" "$t" && at_same_as_uncached HEAD &&
	git dbmig heads >out && grep -q "^aaaa2 (core) (head)$" out
'

# the revisions whose bodies a run read (DBMIG_TRACE), one a line
bodies_read() { sed -n "s/^trace: body of \([^ ]*\) read from .*/\1/p" "$1" | sort | tr "\n" " "; }

test_expect_success 'an upgrade reads the files it runs and no other; one with nothing to do reads none' '
	rm -f up.db && age && git dbmig heads >/dev/null &&
	DBMIG_TRACE=1 git dbmig --url sqlite:///up.db upgrade aaaa2 2>err &&
	test "$(bodies_read err)" = "aaaa1 aaaa2 " &&
	DBMIG_TRACE=1 git dbmig --url sqlite:///up.db upgrade heads 2>err &&
	test "$(bodies_read err)" = "bbbb1 bbbb2 bbbb3 cccc1 " &&
	DBMIG_TRACE=1 git dbmig --url sqlite:///up.db upgrade heads 2>err &&
	test -z "$(bodies_read err)" &&
	DBMIG_TRACE=1 git dbmig --url sqlite:///up.db downgrade bbbb2 2>err &&
	grep -q "^Running downgrade cccc1 -> " err && test "$(grep -c "^Running " err)" = 1 &&
	test "$(bodies_read err)" = "cccc1 " &&
	DBMIG_TRACE=1 git dbmig --url sqlite:///up.db upgrade --sql bbbb2:cccc1 >out 2>err &&
	ran=$(sed -n "s/^-- Running upgrade .* -> \([^ ,]*\).*/\1/p" out | sort | tr "\n" " ") &&
	test -n "$ran" && test "$(bodies_read err)" = "$ran"
'

test_expect_success 'an upgrade from the caches runs the bodies as the files hold them, and logs their blob ids' '
	rm -f up.db && age && git dbmig heads >/dev/null &&
	git dbmig --url sqlite:///up.db upgrade heads &&
	sqlite3 -separator " " up.db "SELECT revision, blob_id FROM dbmig_log ORDER BY id" >got &&
	for r in aaaa1 aaaa2 bbbb1 bbbb2 bbbb3 cccc1; do
		echo "$r $(git hash-object $V/${r}_rev.sql)"
	done | sort >expect && sort got >got.sorted && diff -u expect got.sorted &&
	git dbmig --url sqlite:///up.db downgrade base &&
	write_rev $V cccc1 "bbbb2, bbbb3" "" "aaaa2" "CREATE TABLE t_new (x INTEGER);" "DROP TABLE t_new;" &&
	git dbmig --url sqlite:///up.db upgrade heads &&
	sqlite3 up.db "SELECT name FROM sqlite_master WHERE name = '"'"'t_new'"'"'" >got &&
	test "$(cat got)" = t_new
'

test_done
