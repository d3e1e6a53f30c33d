#!/bin/sh
# t8000: SIGKILL git-dbmig at many points of upgrades and downgrades on
# SQLite (inside chosen steps' transactions, and after random delays) and
# check after every kill that the version rows describe exactly the
# bodies that took effect, and that a second upgrade finishes the job.
# See tests/lib-crash.sh. DBMIG_TEST_SEED=N repeats a run's random delays.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-crash.sh"

CRASH_URL="sqlite:///$TRASH/test.db"
CRASH_PAUSE=0

crash_db_init() {
	rm -f test.db test.db-journal &&
	sqlite3 test.db "CREATE TABLE markers (rev VARCHAR(32) PRIMARY KEY)"
}
crash_save() { cp test.db "saved-$1.db"; }
crash_restore() { rm -f test.db-journal && cp "saved-$1.db" test.db; }
# A run killed inside a step's transaction leaves a hot rollback journal.
crash_before_kill() { :; }
crash_after_kill() { test -s test.db-journal; }

# One line per query; a table that does not exist yet reads as empty.
crash_state() {
	have=$(sqlite3 test.db "SELECT name FROM sqlite_master WHERE type = 'table'") || return 1
	printf 'rows:'
	if echo "$have" | grep -qx alembic_version; then
		sqlite3 test.db "SELECT version_num FROM alembic_version" | tr '\n' ' '
	fi
	printf '\nmarkers:'
	sqlite3 test.db "SELECT rev FROM markers" | tr '\n' ' '
	printf '\ntables:'
	echo "$have" | sed -n 's/^m_//p' | tr '\n' ' '
	printf '\nlog:'
	if echo "$have" | grep -qx dbmig_log; then
		sqlite3 test.db "SELECT revision || '=' || sum(CASE direction WHEN 'upgrade' THEN 1 ELSE -1 END)
			FROM dbmig_log GROUP BY revision" | tr '\n' ' '
	fi
	echo
}

test_expect_success 'setup: a graph with branches, a merge and depends_on' '
	crash_project &&
	crash_db_init && crash_save empty &&
	git dbmig upgrade a2 2>/dev/null && crash_save at_a2 &&
	git dbmig upgrade C@head 2>/dev/null && crash_save at_c2 &&
	git dbmig upgrade heads 2>/dev/null && crash_save full &&
	crash_check &&
	test "$(rows test.db)" = d1 &&
	test "$(sqlite3 test.db "SELECT count(*) FROM markers")" = 12
'

test_expect_success 'the check sees a lost row, a doubled body and a lost body' '
	crash_restore full &&
	sqlite3 test.db "UPDATE alembic_version SET version_num = '"'m2'"'" &&
	! crash_check >out 2>&1 && cat out && grep "rows imply" out &&
	crash_restore full &&
	sqlite3 test.db "INSERT INTO dbmig_log (revision, direction, started_at, finished_at, duration_ms) VALUES ('"'a1'"', '"'upgrade'"', 0, 0, 0)" &&
	! crash_check >out 2>&1 && grep "dbmig_log nets 2 runs of a1" out &&
	crash_restore full &&
	sqlite3 test.db "DROP TABLE m_c1" &&
	! crash_check >out 2>&1 && grep "marker tables" out
'

test_expect_success 'kill inside each step of an upgrade from nothing' '
	crash_chosen empty upgrade heads
'
test_expect_success 'kill inside each step of upgrades from a2, and from C@head' '
	crash_chosen at_a2 upgrade heads &&
	crash_chosen at_c2 upgrade heads
'
test_expect_success 'kill inside each step of upgrades to a revision with depends_on, and to a merge' '
	crash_chosen empty upgrade b2 &&
	crash_chosen at_a2 upgrade m1
'
test_expect_success 'kill inside each step of a downgrade to base' '
	crash_chosen full downgrade base
'
test_expect_success 'kill inside each step of a downgrade to a1, and to b2' '
	crash_chosen full downgrade a1 &&
	crash_chosen full downgrade b2
'
test_expect_success 'kill inside a --one-transaction run: the start state remains' '
	crash_chosen at_a2 upgrade --one-transaction heads
'

test_expect_success 'random kills during upgrades from nothing' '
	crash_random empty 25 1 upgrade heads &&
	DBMIG_TEST_PAUSE_MS=3 crash_random empty 15 2 upgrade heads
'
test_expect_success 'random kills during an upgrade from a2' '
	crash_random at_a2 10 3 upgrade heads
'
test_expect_success 'random kills during downgrades' '
	crash_random full 15 4 downgrade base &&
	DBMIG_TEST_PAUSE_MS=3 crash_random full 10 5 downgrade r0
'
test_expect_success 'random kills during a --one-transaction upgrade' '
	crash_random empty 10 6 upgrade --one-transaction heads
'

crash_summary
test_done
