# tests/lib-crash-pg.sh: what tests/lib-crash.sh needs from a PostgreSQL
# database (see there), for the scripts that kill git-dbmig or break its
# connection on PostgreSQL (t8100, t8400). Source it after lib-pg.sh and
# lib-crash.sh.

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

