#!/bin/sh
# t8100: SIGKILL git-dbmig at many points of upgrades and downgrades on
# PostgreSQL (inside chosen steps' transactions, and after random
# delays) and check after every kill that the version rows describe
# exactly the bodies that took effect, and that a second upgrade
# finishes the job. See tests/lib-crash.sh; the server is the suite's
# own (tests/lib-pg.sh). DBMIG_TEST_SEED=N repeats a run's random delays.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-pg.sh"
. "$TEST_DIR/lib-crash.sh"

. "$TEST_DIR/lib-crash-pg.sh"

test_expect_success 'setup: a graph with branches, a merge and depends_on' '
	crash_project &&
	crash_db_init && crash_save empty &&
	git dbmig --url "$CRASH_URL" upgrade a2 2>/dev/null && crash_save at_a2 &&
	git dbmig --url "$CRASH_URL" upgrade heads 2>/dev/null && crash_save full &&
	crash_check &&
	test "$(pg_rows "$CRASH_URL")" = d1 &&
	test "$(pg_query "$CRASH_URL" "SELECT count(*) FROM markers")" = 12
'

test_expect_success 'the check sees a lost row and a doubled body' '
	crash_restore full &&
	pg_sql "$CRASH_URL" "UPDATE alembic_version SET version_num = '"'m2'"'" &&
	! crash_check >out 2>&1 && grep "rows imply" out &&
	crash_restore full &&
	pg_sql "$CRASH_URL" "INSERT INTO dbmig_log (revision, direction, started_at, finished_at, duration_ms) VALUES ('"'a1'"', '"'upgrade'"', 0, 0, 0)" &&
	! crash_check >out 2>&1 && grep "dbmig_log nets 2 runs of a1" out
'

test_expect_success 'kill inside each step of an upgrade from nothing' '
	crash_chosen empty upgrade heads
'
test_expect_success 'kill inside each step of a downgrade to base' '
	crash_chosen full downgrade base
'
test_expect_success 'kill inside each step of a --one-transaction upgrade from a2' '
	crash_chosen at_a2 upgrade --one-transaction heads
'

test_expect_success 'random kills during upgrades' '
	crash_random empty 12 1 upgrade heads &&
	crash_random at_a2 6 2 upgrade heads
'
test_expect_success 'random kills during a downgrade' '
	crash_random full 10 3 downgrade base
'

crash_summary

test_done
