#!/bin/sh
# t2100: a failing statement stops the run at the last revision that
# succeeded, for upgrade and downgrade, in the first, a middle and the
# last revision of a plan; and bad input leaves the database unchanged.
. "$(dirname "$0")/lib.sh"

V=migrations/versions
# chain c1 -> c2 -> c3 -> c4; BAD_UP / BAD_DOWN name the revision that fails
setup_chain() {
	rm -rf migrations test.db && make_project
	for r in c1 c2 c3 c4; do
		case $r in c1) d="" ;; c2) d=c1 ;; c3) d=c2 ;; c4) d=c3 ;; esac
		up="CREATE TABLE t_$r (x INTEGER);"
		down="DROP TABLE t_$r;"
		[ "$r" = "${BAD_UP:-}" ] && up="CREATE TABLE t_$r (x INTEGER);
INSERT INTO no_such_table VALUES (1);"
		[ "$r" = "${BAD_DOWN:-}" ] && down="DROP TABLE t_$r;
DROP TABLE no_such_table;"
		write_rev $V $r "$d" "" "" "$up" "$down"
	done
}
tables() { sqlite3 test.db "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 't_%' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//'; }

for bad in c1 c2 c4; do
	case $bad in c1) want_rows="" want_tables="" ;; c2) want_rows=c1 want_tables=t_c1 ;; c4) want_rows=c3 want_tables="t_c1 t_c2 t_c3" ;; esac
	test_expect_success "upgrade failing in $bad stops at the revision before" "
		BAD_UP=$bad setup_chain &&
		! git dbmig upgrade heads 2>err &&
		grep -q '^FAILED: upgrade $bad failed at migrations/versions/${bad}_rev.sql:9: no such table: no_such_table' err &&
		test \"\$(rows test.db)\" = '$want_rows' &&
		test \"\$(tables)\" = '$want_tables'
	"
done

for bad in c4 c3 c1; do
	case $bad in c4) want_rows=c4 want_tables="t_c1 t_c2 t_c3 t_c4" ;; c3) want_rows=c3 want_tables="t_c1 t_c2 t_c3" ;; c1) want_rows=c1 want_tables=t_c1 ;; esac
	test_expect_success "downgrade failing in $bad stops at the revision before" "
		BAD_DOWN=$bad setup_chain &&
		git dbmig upgrade heads 2>/dev/null &&
		! git dbmig downgrade base 2>err &&
		grep -q '^FAILED: downgrade $bad failed at migrations/versions/${bad}_rev.sql:12: no such table: no_such_table' err &&
		test \"\$(rows test.db)\" = '$want_rows' &&
		test \"\$(tables)\" = '$want_tables'
	"
done

test_expect_success '--one-transaction rolls the whole run back' '
	BAD_UP=c3 setup_chain &&
	! git dbmig upgrade --one-transaction heads 2>err &&
	grep -q "whole run was rolled back" err &&
	test "$(rows test.db)" = "" && test "$(tables)" = ""
'

setup_chain
git dbmig upgrade c2 2>/dev/null
sqlite3 test.db "CREATE TABLE lk (x INTEGER)"
snapshot() { sqlite3 test.db .dump >"$1"; }
snapshot before.sql

unchanged() { snapshot after.sql && cmp -s before.sql after.sql; }

test_expect_failure_msg 'unknown target' "Can't locate revision identified by 'nope'" \
	git dbmig upgrade nope
test_expect_success 'unknown target leaves the database as it was' 'unchanged'
test_expect_success 'ambiguous prefix lists the candidates' '
	mkdir amb && (cd amb && seed_project &&
	! git dbmig upgrade core_rev 2>err &&
	grep -q "^FAILED: Can.t locate revision identified by .core_rev.: several start with it: .core_rev1., .core_rev2., .core_rev3.$" err &&
	! test -f dbmig.db)
'
test_expect_failure_msg 'a target that is not reachable downward' "is not a valid downgrade target" \
	git dbmig downgrade c4
test_expect_success 'unreachable target leaves the database as it was' 'unchanged'
test_expect_failure_msg 'relative step past the base' "Relative revision -5 didn't produce 5 migrations" \
	git dbmig downgrade -5
test_expect_failure_msg 'range without --sql' "Range revision not allowed" \
	git dbmig upgrade c1:c3

test_expect_success 'a version row naming a revision not in the graph' '
	cp test.db foreign.db &&
	sqlite3 foreign.db "INSERT INTO alembic_version VALUES ('"'"'zzz_gone'"'"')" &&
	sqlite3 foreign.db .dump >f-before.sql &&
	! git dbmig --url sqlite:///foreign.db upgrade heads 2>err &&
	grep -q "^FAILED: Can.t locate revision identified by .zzz_gone." err &&
	sqlite3 foreign.db .dump >f-after.sql && cmp -s f-before.sql f-after.sql
'

test_expect_success 'a file that is not a database' '
	printf "this is not a database at all, just some text\n%.0s" 1 2 3 4 5 6 7 8 9 10 >text.db &&
	cp text.db text.orig &&
	! git dbmig --url sqlite:///text.db upgrade heads 2>err &&
	grep -q "^FAILED: cannot use database .text.db.: file is not a database" err &&
	cmp -s text.db text.orig
'

test_expect_success 'a read-only database' '
	cp test.db ro.db && chmod a-w ro.db &&
	if [ "$(id -u)" = 0 ]; then
		chattr +i ro.db 2>/dev/null || { chmod u+w ro.db; exit 0; }
	fi &&
	! git dbmig --url sqlite:///ro.db upgrade heads 2>err;
	rc=$?; chattr -i ro.db 2>/dev/null; test $rc = 0 &&
	grep -q "^FAILED: " err && test "$(rows ro.db)" = c2
'

test_expect_success 'a read-only command does not create a missing database' '
	! git dbmig --url sqlite:///missing.db current 2>err &&
	grep -q "^FAILED: database file .missing.db. does not exist" err &&
	! test -f missing.db
'

test_expect_failure_msg 'an unknown URL scheme' "unknown database URL scheme" \
	git dbmig --url mysql://u:sekrit@h/db upgrade heads
test_expect_success 'the password never appears' '
	! git dbmig --url "mysql://u:sekrit@h/db" upgrade heads 2>err &&
	! grep -q sekrit err
'

test_expect_success 'a malformed revision file names file and line' '
	printf -- "-- revision: bad1\n-- down_revison: c1\n" >$V/bad1_x.sql &&
	! git dbmig heads 2>err &&
	grep -q "^FAILED: migrations/versions/bad1_x.sql:2: unknown key .down_revison." err &&
	! git dbmig upgrade heads 2>/dev/null && unchanged &&
	rm $V/bad1_x.sql
'

test_expect_success 'a cycle is reported' '
	mkdir cyc && cd cyc && make_project &&
	write_rev migrations/versions x1 x2 "" "" "" "" &&
	write_rev migrations/versions x2 x1 "" "" "" "" &&
	write_rev migrations/versions x0 "" "" "" "" "" &&
	! git dbmig heads 2>err &&
	grep -q "^FAILED: Cycle is detected in revisions (x1, x2)" err
'

test_expect_success 'a dangling down_revision is reported' '
	write_rev $V d9 nothere "" "" "" "" &&
	! git dbmig heads 2>err &&
	grep -q "^FAILED: .*d9_rev.sql:3: Revision nothere referenced from d9 is not present" err &&
	rm $V/d9_rev.sql
'

test_expect_success 'a .py revision without an env.py fails before touching the database' '
	cat >$V/py1_x.py <<-PY &&
	"""py rev

	Revision ID: py1
	"""
	revision = "py1"
	down_revision = "c4"
	branch_labels = None
	depends_on = None
	PY
	git dbmig heads >out && grep -q "^py1 (head)$" out &&
	! GIT_DBMIG_PYTHON=$PYTHON git dbmig upgrade heads 2>err &&
	if have_alembic; then
		grep -q "^FAILED: cannot run .*py1_x.py: .*/migrations/env.py is missing" err
	else
		grep -q "^FAILED: cannot run .*py1_x.py: .*cannot import" err
	fi &&
	unchanged && rm $V/py1_x.py
'

test_expect_success 'a locked database: bounded wait and a clear message' '
	( sqlite3 test.db "CREATE TABLE IF NOT EXISTS lk (x INTEGER);" "BEGIN EXCLUSIVE;" "INSERT INTO lk VALUES (1);" ".shell sleep 3" "ROLLBACK;" >/dev/null & ) &&
	sleep 1 &&
	! git dbmig upgrade --lock-timeout 0.5 heads 2>err &&
	grep -q "^FAILED: .*database is locked" err &&
	sleep 3 && unchanged
'

test_done
