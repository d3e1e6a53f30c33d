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

DB="${PG_PREFIX}crash"
CRASH_URL=$(pg_url "$DB")
CRASH_PAUSE=0

crash_db_init() {
	url=$(pg_createdb crash) &&
	pg_sql "$url" "CREATE TABLE markers (rev VARCHAR(32) PRIMARY KEY)"
}
# Saved states are template databases; a restore copies one back.
crash_save() {
	pg_sql "$PG_ADMIN_URL" "DROP DATABASE IF EXISTS \"${PG_PREFIX}s_$1\"" &&
	pg_sql "$PG_ADMIN_URL" "CREATE DATABASE \"${PG_PREFIX}s_$1\" TEMPLATE \"$DB\""
}
crash_restore() {
	pg_sql "$PG_ADMIN_URL" "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" &&
	pg_sql "$PG_ADMIN_URL" "CREATE DATABASE \"$DB\" TEMPLATE \"${PG_PREFIX}s_$1\""
}
# The run's own session sits idle in its open transaction, in the pause.
crash_before_kill() {
	test "$(pg_query "$CRASH_URL" "SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()
		AND state = 'idle in transaction'")" = 1
}
crash_after_kill() { :; }

crash_state() {
	have=$(pg_query "$CRASH_URL" "SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public'") || return 1
	q="SELECT 'markers:' || coalesce(string_agg(rev, ' '), '') FROM markers"
	if echo "$have" | grep -qx alembic_version; then
		q="$q; SELECT 'rows:' || coalesce(string_agg(version_num, ' '), '') FROM alembic_version"
	fi
	if echo "$have" | grep -qx dbmig_log; then
		q="$q; SELECT 'log:' || coalesce(string_agg(revision || '=' || n, ' '), '') FROM
			(SELECT revision, sum(CASE direction WHEN 'upgrade' THEN 1 ELSE -1 END) AS n
			 FROM dbmig_log GROUP BY revision) AS l"
	fi
	pg_query "$CRASH_URL" "$q" || return 1
	printf 'tables:'
	echo "$have" | sed -n 's/^m_//p' | tr '\n' ' '
	echo
}

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
