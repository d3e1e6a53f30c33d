#!/bin/sh
# t2150: a refused command leaves no database file behind. upgrade,
# downgrade and stamp create a missing SQLite file (as Alembic does), but
# only once the plan is known to pass every check that can refuse it: a
# bad target, a .py revision with no Python to run it, an ${x.KEY}
# without a value. The read-only commands never create one. And a refusal on an
# existing database changes nothing in it, earlier steps included.
. "$(dirname "$0")/lib.sh"

V=migrations/versions
make_project
write_rev $V r1 "" "" "" "CREATE TABLE t1 (x INTEGER);" "DROP TABLE t1;"
write_rev $V r2 r1 "" "" "CREATE TABLE t2 (v TEXT DEFAULT '\${x.NEEDED}');" "DROP TABLE t2;"
cat >$V/p1_alembic.py <<'PY'
"""an Alembic revision"""
revision = "p1"
down_revision = None
branch_labels = ("PY",)
PY

# refused: command, then the text its one FAILED line must hold
refuse() {
	msg=$1
	shift
	rm -f test.db
	test_expect_failure_msg "$* on a missing file: refused" "$msg" git dbmig "$@"
	test_expect_success "$* on a missing file: no file left" 'test ! -e test.db'
}

# a .py revision with no Python to run it: refused before the file is made
GIT_DBMIG_PYTHON=$TRASH/no-such-python
export GIT_DBMIG_PYTHON
refuse "cannot run migrations/versions/p1_alembic.py" upgrade p1
refuse "(nothing was changed)" upgrade heads
refuse "cannot run migrations/versions/p1_alembic.py" upgrade --one-transaction PY@head
unset GIT_DBMIG_PYTHON
refuse "no -x NEEDED=VALUE was given (nothing was changed)" upgrade r2
refuse "Can't locate revision identified by 'nosuch'" upgrade nosuch
refuse "Relative revision -1 didn't produce 1 migrations" downgrade -1
refuse "Can't locate revision identified by 'nosuch'" stamp nosuch
refuse "does not exist" current
refuse "does not exist" history -i
refuse "does not exist" show current
refuse "a revision is required" upgrade
refuse "is not a number of seconds" upgrade --lock-timeout soon r1

test_expect_success 'upgrade --plan and --sql of a missing file create none' '
	git dbmig upgrade --plan r1 >/dev/null &&
	git dbmig upgrade --sql r1 >/dev/null 2>&1 &&
	test ! -e test.db
'

test_expect_success 'a plan that passes creates the file, as Alembic does' '
	git dbmig upgrade r1 2>/dev/null &&
	test "$(rows test.db)" = r1
'

test_expect_success 'an ${x.KEY} without value refuses before any step runs' '
	git dbmig downgrade base 2>/dev/null &&
	cp test.db before.db &&
	! git dbmig upgrade r2 2>err &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	! grep -q "^Running" err &&
	test "$(rows test.db)" = "" &&
	test "$(sqlite3 test.db .dump)" = "$(sqlite3 before.db .dump)"
'

test_expect_success 'with the value it runs' '
	git dbmig -x NEEDED=yes upgrade r2 2>/dev/null &&
	test "$(rows test.db)" = r2 &&
	test "$(sqlite3 test.db "SELECT dflt_value FROM pragma_table_info('"'t2'"')")" = "'"'yes'"'"
'

test_expect_success 'stamp of a .py revision is allowed and creates the file' '
	rm -f test.db &&
	git dbmig stamp p1 2>/dev/null &&
	test "$(rows test.db)" = p1
'

test_done
