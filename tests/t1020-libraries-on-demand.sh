#!/bin/sh
# t1020: libgit2, libpq, libcurl and Graphviz are loaded by the command
# that needs them and by no other (src/gitlib.h, src/dynlib.h): a SQLite
# deployment from the work tree maps none of the four; a command on a
# commit maps libgit2, a PostgreSQL URL libpq, an HTTP URL libcurl, an SVG
# picture Graphviz, and none of them Graphviz or the other database's
# library (what a loaded library needs itself is its own business: a
# libpq may bring libcurl for OAuth). The dynamic loader's own log
# (LD_DEBUG) tells what was mapped; at start-up (--version) a run maps
# neither libpq nor Graphviz, and SQLite commands map nothing more. A URL
# refused before its library is loaded still fails cleanly.
. "$(dirname "$0")/lib.sh"

if ! grep -q -- -DDBMIG_DLOPEN "$SRC_ROOT/build/FLAGS" 2>/dev/null ||
   [ "${DBMIG_TEST_VALGRIND:-}" = 1 ]; then
	say "skipped: $TEST_NAME: built with NO_DLOPEN=1, or under valgrind"
	cd / && rm -rf "$TRASH"
	exit 0
fi

# mapped CMD...: run CMD, keep its status in $rc and write to "libs",
# one a line, which of git2, pq, curl and gvc the loader mapped for it
mapped() {
	rm -rf ld && mkdir ld
	rc=0
	LD_DEBUG=files LD_DEBUG_OUTPUT="$PWD/ld/log" "$@" >out 2>err || rc=$?
	cat ld/log.* | sed -n 's/.*file=lib\(git2\|pq\|curl\|curl-gnutls\|gvc\)\.so.*/\1/p' | sort -u >libs
	got=$(cat libs)
}

seed_project

test_expect_success 'a SQLite deployment maps nothing beyond start-up, which maps none of libgit2, libpq and Graphviz' '
	mapped git dbmig --version && test "$rc" = 0 && cp libs start &&
	! grep -qx "git2\|pq\|gvc" start &&
	for cmd in "upgrade heads" "current" "history --verbose" "heads" "downgrade base" \
		   "graph --format dot" "check"; do
		mapped git dbmig --url sqlite:///t.db $cmd &&
		test "$rc" = 0 &&
		# check looks for a protected ref in the repository
		{ test "$cmd" != check || sed -i "/^git2\$/d" libs; } &&
		{ cmp -s start libs || { echo "$cmd mapped: $got"; exit 1; }; }
	done
'

test_expect_success 'a command on a commit or the index loads libgit2, and gives what the work tree gives' '
	git dbmig heads >wt && git init -q && git add -A && git commit -qm all &&
	mapped git dbmig --at HEAD heads &&
	test "$rc" = 0 && grep -qx git2 libs && cmp wt out &&
	echo "-- not a revision" >migrations/versions/zz_broken.sql &&
	git add migrations/versions/zz_broken.sql &&
	mapped git dbmig check --staged;
	test "$rc" = 1 && grep -qx git2 libs && grep -q "zz_broken.sql" err &&
	git rm -q --cached migrations/versions/zz_broken.sql &&
	rm migrations/versions/zz_broken.sql
'

test_expect_success 'an SVG picture loads Graphviz, not libpq' '
	mapped git dbmig graph --format svg &&
	test "$rc" = 0 && grep -q "<svg" out &&
	grep -qx gvc libs && ! grep -qx pq libs
'

test_expect_success 'a PostgreSQL URL loads libpq, not Graphviz; a refused connection fails cleanly' '
	mapped git dbmig --url "postgresql://u:pw@127.0.0.1:1/db" current;
	test "$rc" = 1 && grep -qx pq libs && ! grep -qx gvc libs &&
	test "$(grep -c "^FAILED: " err)" = 1 && grep -q "127.0.0.1" err
'

test_expect_success 'an rqlite URL loads libcurl, not libpq or Graphviz; a refused connection fails cleanly' '
	mapped git dbmig --url "rqlite://127.0.0.1:1/" current;
	test "$rc" = 1 && grep -qx "curl\|curl-gnutls" libs && ! grep -qx "pq\|gvc" libs &&
	test "$(grep -c "^FAILED: " err)" = 1 && grep -q "cannot connect" err
'

for scheme in rqlite libsql; do
	test_expect_success "$scheme: a URL refused before libcurl is loaded fails cleanly" '
		mapped git dbmig --url "'$scheme'://127.0.0.1:1/?bogus=1" current;
		test "$rc" = 1 && test -z "$got" &&
		test "$(grep -c "^FAILED: " err)" = 1 &&
		grep -q "unknown query parameter '"'"'bogus'"'"'" err
	'
done

test_done
