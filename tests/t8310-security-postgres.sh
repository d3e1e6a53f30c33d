#!/bin/sh
# t8310: security properties on PostgreSQL (the suite's own server,
# tests/lib-pg.sh).
#
#  - Revision ids never reach SQL text: with log_statement = all on the
#    test database, the server's log shows every statement; after
#    upgrade, downgrade and stamp no logged statement holds an id, the
#    version-table writes hold $1/$2, and the ids arrive as parameters.
#    (Needs the suite's own server, whose log the script can read.)
#  - The password of the URL, also percent-encoded, is never printed by
#    any command, whether it connects, is refused or is turned away for a
#    wrong password, and never stored in the database.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-pg.sh"

V=migrations/versions
make_project
write_rev $V rev.one-1 "" "" "" "CREATE TABLE t1 (x INTEGER);" "DROP TABLE t1;"
write_rev $V rev_two-2 rev.one-1 "" "" "CREATE TABLE t2 (x INTEGER);" "DROP TABLE t2;"
write_rev $V rev.three-3 rev.one-1 "" rev_two-2 "CREATE TABLE t3 (x INTEGER);" "DROP TABLE t3;"
IDS="rev.one-1 rev_two-2 rev.three-3"

if [ -n "$PG_DIR" ]; then
	test_expect_success 'ids reach the server only as bound parameters (log_statement = all)' '
		url=$(pg_createdb bound) &&
		pg_sql "$PG_ADMIN_URL" "ALTER DATABASE \"${PG_PREFIX}bound\" SET log_statement = '"'all'"'" &&
		start=$(wc -l <"$PG_DIR/log") &&
		git dbmig --url "$url" upgrade heads 2>/dev/null &&
		git dbmig --url "$url" downgrade rev.one-1 2>/dev/null &&
		git dbmig --url "$url" stamp base 2>/dev/null &&
		git dbmig --url "$url" stamp rev_two-2 2>/dev/null &&
		git dbmig --url "$url" stamp rev.three-3 2>/dev/null &&
		git dbmig --url "$url" stamp --purge rev.one-1 2>/dev/null &&
		git dbmig --url "$url" current >/dev/null 2>&1 &&
		test "$(pg_rows "$url")" = rev.one-1 &&
		sleep 0.5 &&
		tail -n +$((start + 1)) "$PG_DIR/log" >log &&
		grep -E "LOG: +(statement|execute [^:]*):" log >statements &&
		grep -E "DETAIL: +[Pp]arameters:" log >params &&
		wc -l statements params &&
		for id in $IDS; do
			grep -q "'"'"'$id'"'"'" params || { echo "$id never a parameter"; exit 1; }
			if grep -F "$id" statements; then
				echo "$id pasted into SQL text"; exit 1
			fi
		done &&
		grep -E "(INSERT INTO|UPDATE|DELETE FROM) (public\.)?\"?alembic_version" statements |
			sed "s/.*: //" | sort -u >writes &&
		cat writes &&
		grep -q "^INSERT INTO alembic_version (version_num) VALUES (\$1)$" writes &&
		grep -q "^UPDATE alembic_version SET version_num = \$2 WHERE version_num = \$1$" writes &&
		grep -q "^DELETE FROM alembic_version WHERE version_num = \$1$" writes
	'
else
	say "# log_statement check skipped: the server is DBMIG_TEST_PG_URL's, its log is not readable here"
fi

# Every command, with the URL given as --url, SQLALCHEMY_URL and in
# alembic.ini; fails when $1 (a pattern) shows in any output.
no_password_shown() {
	pat=$1 url=$2
	sed -i "/^sqlalchemy.url/d" alembic.ini &&
	for cmd in "upgrade heads" "current" "history -r current:" "heads" "downgrade rev.one-1" \
		   "stamp heads" "upgrade --sql heads" "downgrade --sql rev.one-1:base" "doctor" \
		   "check" "show heads" "upgrade nope" "upgrade --lock-timeout 0 heads"; do
		git dbmig --url "$url" $cmd >out 2>&1
		SQLALCHEMY_URL=$url git dbmig $cmd >>out 2>&1
		printf "sqlalchemy.url = %s\n" "$(echo "$url" | sed "s/%/%%/g")" >>alembic.ini
		git dbmig $cmd >>out 2>&1
		sed -i "/^sqlalchemy.url/d" alembic.ini
		cat out >>all.out
		if grep -E -- "$pat" out; then
			echo "shown by: $cmd"
			return 1
		fi
	done
}

# the password, each character percent-encoded
encoded=$(printf %s "$PG_PASSWORD" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')

test_expect_success 'the password is never shown: plain and percent-encoded, connecting' '
	url=$(pg_createdb pw) &&
	no_password_shown "$PG_PASSWORD|$encoded" "$url" &&
	no_password_shown "$PG_PASSWORD|$encoded" "postgresql+psycopg2://$PG_USER:$encoded@$PG_HOST:$PG_PORT/${PG_PREFIX}pw" &&
	grep -q "Running upgrade" all.out &&
	grep -q ":\*\*\*@" all.out
'

test_expect_success 'the password is never shown: refused, wrong password, unknown database' '
	dead=$(pg_free_port) &&
	no_password_shown "$PG_PASSWORD" "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$dead/x" &&
	no_password_shown "Wr0ng-Pa55" "postgresql://$PG_USER:Wr0ng-Pa55@$PG_HOST:$PG_PORT/postgres" &&
	no_password_shown "$PG_PASSWORD" "postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/no_such_db" &&
	grep -q "Connection refused" all.out &&
	grep -q "password authentication failed" all.out
'

test_expect_success 'the password is not stored in the database' '
	url=$(pg_url "${PG_PREFIX}pw") &&
	pg_query "$url" "SELECT * FROM dbmig_log" >log.rows &&
	test -s log.rows &&
	! grep -F -- "$PG_PASSWORD" log.rows
'

test_done
