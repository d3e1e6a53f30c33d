#!/bin/sh
# t6810: current --check-heads (-c). Alembic 1.8.1 has no such option; the
# expected behaviour is taken from Alembic 1.18's command.current (added
# in 1.17.1): when the set of version rows is not the set of the graph's
# heads (script.get_heads(): every revision without a down_revision
# child, effective heads included), fail with "Database is not on all
# head revisions" before printing any revision; with -v the "Current
# revision(s) for ..." line comes first.
. "$(dirname "$0")/lib.sh"

V=migrations/versions
make_project
# a1 -> a2; b1 (base, label B)
write_rev $V a1 "" "" "" "" ""
write_rev $V a2 a1 "" "" "" ""
write_rev $V b1 "" B "" "" ""

test_expect_success 'setup: an empty version table' '
	git dbmig upgrade a1 2>/dev/null && git dbmig downgrade base 2>/dev/null
'

test_expect_failure_msg 'no rows: fails' \
	"FAILED: Database is not on all head revisions" git dbmig current --check-heads

test_expect_success 'no rows: nothing on stdout' '
	! git dbmig current --check-heads >out 2>/dev/null &&
	test ! -s out
'

test_expect_success 'one head of two applied: fails, no revision printed' '
	git dbmig upgrade a2 2>/dev/null &&
	! git dbmig current -c >out 2>err &&
	test ! -s out &&
	test "$(cat err)" = "FAILED: Database is not on all head revisions"
'

test_expect_success '-v: the URL line comes before the failure, as in Alembic' '
	! git dbmig current -v --check-heads >out 2>err &&
	test "$(cat out)" = "Current revision(s) for sqlite:///test.db:" &&
	grep -qx "FAILED: Database is not on all head revisions" err
'

test_expect_success 'every head applied: prints what current prints, exit 0' '
	git dbmig upgrade heads 2>/dev/null &&
	git dbmig current >expect &&
	git dbmig current --check-heads >actual &&
	diff -u expect actual &&
	git dbmig current -v -c >actual &&
	grep -q "^Rev: a2 (head)" actual &&
	git dbmig current --check-heads --json >actual &&
	grep -q "\"revision\": \"b1\"" actual
'

test_expect_success 'a row below a head fails again' '
	git dbmig stamp a1 2>/dev/null &&
	test "$(rows test.db)" = "a1 b1" &&
	! git dbmig current --check-heads >/dev/null 2>&1
'

test_expect_success 'an effective head is a head: with one, the check cannot pass (as Alembic 1.18)' '
	write_rev $V c1 "" "" a2 "" "" &&
	git dbmig heads >heads &&
	grep -qx "a2 (effective head)" heads &&
	git dbmig upgrade heads 2>/dev/null &&
	test "$(rows test.db)" = "b1 c1" &&
	! git dbmig current --check-heads 2>err &&
	grep -qx "FAILED: Database is not on all head revisions" err &&
	rm $V/c1_rev.sql && git dbmig stamp --purge a2 b1 2>/dev/null
'

test_expect_success '--target: each database checked on its own' '
	cat >>alembic.ini <<-\EOF &&
	[target:ok]
	sqlalchemy.url = sqlite:///test.db
	[target:behind]
	sqlalchemy.url = sqlite:///behind.db
	EOF
	git dbmig --url sqlite:///behind.db upgrade a1 2>/dev/null &&
	! git dbmig current --check-heads --target ok --target behind >out 2>&1 &&
	grep -q "^ok: ok" out &&
	grep -q "^behind: FAILED: Database is not on all head revisions" out
'

test_expect_failure_msg 'a missing database is refused, not created' \
	"does not exist" git dbmig --url sqlite:///none.db current --check-heads
test_expect_success '... and no file is left' 'test ! -e none.db'

test_expect_failure_msg 'an argument is refused' \
	"current: unexpected argument 'heads'" git dbmig current --check-heads heads
test_expect_failure_msg 'a misspelt option is refused' \
	"current: unknown option '--check-head'" git dbmig current --check-head

test_done
