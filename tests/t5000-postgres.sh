#!/bin/sh
# t5000-postgres: the PostgreSQL backend against the suite's own server
# (tests/lib-pg.sh): the seed's deployment example (rows, output and steps
# equal to a git-dbmig run on SQLite), failures in the first, a middle and
# the last revision of a plan, transactional: false, connection failures
# that keep the password out of the output, version_table_schema and the
# search_path, --sql output, and concurrent upgraders.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-pg.sh"

V=migrations/versions

# Tables of schema ${2:-public} named t_*, sorted, on one line.
pg_tables() {
	pg_query "$1" "SELECT table_name FROM information_schema.tables
		WHERE table_schema = '${2:-public}' AND table_name LIKE 't\_%' ORDER BY 1" |
		tr '\n' ' ' | sed 's/ $//'
}

# ------------------------------------------------------------------
# The seed's deployment example

# SEED_CMDS: the seed's deployment example, from tests/lib.sh

test_expect_success 'seed deployment example: PostgreSQL rows, output and steps equal SQLite' '
	url=$(pg_createdb seed) &&
	mkdir seed && cd seed && seed_project &&
	echo "$SEED_CMDS" | while read -r cmd; do
		sq=0 pg=0
		git dbmig --url "sqlite:///$PWD/ref.db" $cmd >sq.out 2>sq.err || sq=$?
		git dbmig --url "$url" $cmd >pg.out 2>pg.err || pg=$?
		if [ "$sq" != "$pg" ] || ! cmp -s sq.out pg.out || ! cmp -s sq.err pg.err ||
		   [ "$(rows ref.db)" != "$(pg_rows "$url")" ]; then
			echo "differs on: $cmd (exit $sq / $pg)"
			diff -u sq.out pg.out; diff -u sq.err pg.err
			echo "rows: sqlite [$(rows ref.db)] postgresql [$(pg_rows "$url")]"
			exit 1
		fi
		echo "ok: $cmd -> $(pg_rows "$url")"
	done &&
	test "$(pg_rows "$url")" = "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3" &&
	test "$(pg_query "$url" "SELECT count(*) FROM dbmig_log")" = \
	     "$(sqlite3 ref.db "SELECT count(*) FROM dbmig_log")"
'

test_expect_success 'seed example: the module objects exist on PostgreSQL' '
	url=$(pg_url "${PG_PREFIX}seed") &&
	pg_query "$url" "SELECT username FROM core_account ORDER BY id" >accounts &&
	grep -q "^system$" accounts &&
	n=$(pg_query "$url" "SELECT count(*) FROM information_schema.views WHERE table_schema = '"'"'public'"'"'") &&
	test "$n" -gt 0
'

# ------------------------------------------------------------------
# Failures in a plan

# chain c1 -> c2 -> c3 -> c4 on a fresh database; BAD_UP / BAD_DOWN name
# the revision that fails
setup_chain() {
	rm -rf migrations && make_project &&
	url=$(pg_createdb "$1") &&
	for r in c1 c2 c3 c4; do
		case $r in c1) d="" ;; c2) d=c1 ;; c3) d=c2 ;; c4) d=c3 ;; esac
		up="CREATE TABLE t_$r (x INTEGER);"
		down="DROP TABLE t_$r;"
		[ "$r" = "${BAD_UP:-}" ] && up="CREATE TABLE t_$r (x INTEGER);
INSERT INTO no_such_table VALUES (1);"
		[ "$r" = "${BAD_DOWN:-}" ] && down="DROP TABLE t_$r;
DROP TABLE no_such_table;"
		write_rev $V $r "$d" "" "" "$up" "$down" || return 1
	done
}

for bad in c1 c2 c4; do
	case $bad in c1) want_rows="" want_tables="" ;; c2) want_rows=c1 want_tables=t_c1 ;; c4) want_rows=c3 want_tables="t_c1 t_c2 t_c3" ;; esac
	test_expect_success "upgrade failing in $bad stops at the revision before" "
		BAD_UP=$bad setup_chain up_$bad &&
		! git dbmig --url \"\$url\" upgrade heads 2>err &&
		test \$(grep -c '^FAILED: ' err) = 1 &&
		grep -q '^FAILED: upgrade $bad failed at migrations/versions/${bad}_rev.sql:9: relation \"no_such_table\" does not exist (SQLSTATE 42P01) (the database is left at the last revision that succeeded)\$' err &&
		test \"\$(pg_rows \"\$url\")\" = '$want_rows' &&
		test \"\$(pg_tables \"\$url\")\" = '$want_tables'
	"
done

for bad in c4 c3 c1; do
	case $bad in c4) want_rows=c4 want_tables="t_c1 t_c2 t_c3 t_c4" ;; c3) want_rows=c3 want_tables="t_c1 t_c2 t_c3" ;; c1) want_rows=c1 want_tables=t_c1 ;; esac
	test_expect_success "downgrade failing in $bad stops at the revision before" "
		BAD_DOWN=$bad setup_chain down_$bad &&
		git dbmig --url \"\$url\" upgrade heads 2>/dev/null &&
		! git dbmig --url \"\$url\" downgrade base 2>err &&
		test \$(grep -c '^FAILED: ' err) = 1 &&
		grep -q '^FAILED: downgrade $bad failed at migrations/versions/${bad}_rev.sql:12: table \"no_such_table\" does not exist (SQLSTATE 42P01)' err &&
		test \"\$(pg_rows \"\$url\")\" = '$want_rows' &&
		test \"\$(pg_tables \"\$url\")\" = '$want_tables'
	"
done

test_expect_success 'the failing line: a runtime error with no position, a syntax error' '
	rm -rf migrations && make_project && url=$(pg_createdb lines) &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER PRIMARY KEY);
INSERT INTO t_a VALUES (1);

INSERT INTO t_a VALUES (1);
INSERT INTO t_a VALUES (2);" "DROP TABLE t_a;" &&
	! git dbmig --url "$url" upgrade heads 2>err &&
	grep "^FAILED: upgrade a failed at migrations/versions/a_rev.sql:11: duplicate key value violates unique constraint \"t_a_pkey\": Key (x)=(1) already exists. (SQLSTATE 23505)" err &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER PRIMARY KEY);
-- a comment; with a semicolon
INSERT INTO t_a VALUES (1);
SELECT 1 FROM t_a WHERE x = (1
  +);" "DROP TABLE t_a;" &&
	! git dbmig --url "$url" upgrade heads 2>err &&
	grep "^FAILED: upgrade a failed at migrations/versions/a_rev.sql:12: syntax error at or near \")\" (SQLSTATE 42601)" err &&
	test "$(pg_rows "$url")" = "" && test "$(pg_tables "$url")" = ""
'

test_expect_success '--one-transaction rolls the whole run back' '
	BAD_UP=c3 setup_chain one_tx &&
	! git dbmig --url "$url" upgrade --one-transaction heads 2>err &&
	grep -q "whole run was rolled back" err &&
	test "$(pg_rows "$url")" = "" && test "$(pg_tables "$url")" = ""
'

# ------------------------------------------------------------------
# transactional: false

write_conc() {
	rm -rf migrations && make_project &&
	write_rev $V k1 "" "" "" "CREATE TABLE t_k (x INTEGER, y INTEGER);" "DROP TABLE t_k;" &&
	write_rev $V k2 k1 "" "" "$1" "DROP INDEX CONCURRENTLY t_k_y;
DROP INDEX CONCURRENTLY t_k_x;" &&
	if [ "$2" = false ]; then
		sed -i "s/^-- depends_on:.*/&\n-- transactional: false/" $V/k2_rev.sql
	fi
}

test_expect_success 'transactional: false runs CREATE INDEX CONCURRENTLY' '
	url=$(pg_createdb conc) &&
	write_conc "CREATE INDEX CONCURRENTLY t_k_x ON t_k (x);
CREATE INDEX CONCURRENTLY t_k_y ON t_k (y);" false &&
	git dbmig --url "$url" upgrade heads 2>err &&
	grep -A1 -x "Running upgrade k1 -> k2, rev k2" err >lines &&
	test "$(sed -n 2p lines)" = "Revision k2 runs outside a transaction (transactional: false)" &&
	test "$(pg_rows "$url")" = k2 &&
	test "$(pg_query "$url" "SELECT string_agg(indexname, '"' '"' ORDER BY indexname) FROM pg_indexes WHERE tablename = '"'t_k'"'")" = "t_k_x t_k_y" &&
	test "$(pg_query "$url" "SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid = '"'t_k'"'::regclass")" = t &&
	git dbmig --url "$url" downgrade k1 2>err &&
	test "$(pg_rows "$url")" = k1 &&
	test "$(pg_query "$url" "SELECT count(*) FROM pg_indexes WHERE tablename = '"'t_k'"'")" = 0
'

test_expect_success 'CREATE INDEX CONCURRENTLY in a transactional revision fails cleanly' '
	url=$(pg_createdb conc_tx) &&
	write_conc "CREATE INDEX CONCURRENTLY t_k_x ON t_k (x);" true &&
	! git dbmig --url "$url" upgrade heads 2>err &&
	grep "^FAILED: upgrade k2 failed at migrations/versions/k2_rev.sql:8: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (SQLSTATE 25001)" err &&
	test "$(pg_rows "$url")" = k1
'

test_expect_success 'transactional: false failure keeps the statements before it' '
	url=$(pg_createdb conc_fail) &&
	write_conc "CREATE INDEX CONCURRENTLY t_k_x ON t_k (x);
CREATE INDEX CONCURRENTLY t_k_y ON no_such_table (y);" false &&
	! git dbmig --url "$url" upgrade heads 2>err &&
	grep "^FAILED: upgrade k2 failed at migrations/versions/k2_rev.sql:10: relation \"no_such_table\" does not exist (SQLSTATE 42P01) (the revision ran outside a transaction" err &&
	test "$(pg_rows "$url")" = k1 &&
	test "$(pg_query "$url" "SELECT string_agg(indexname, '"' '"') FROM pg_indexes WHERE tablename = '"'t_k'"'")" = t_k_x
'

test_expect_success 'transactional: false splits the body as psql does' '
	url=$(pg_createdb split) &&
	rm -rf migrations && make_project &&
	write_rev $V s1 "" "" "" "CREATE TABLE t_s (x INTEGER, note TEXT);
CREATE FUNCTION f_dollar() RETURNS integer LANGUAGE plpgsql AS \$body\$
BEGIN
  RETURN 1; -- a semicolon; and a quote '"'"'
END;
\$body\$;
CREATE FUNCTION f_atomic(a integer) RETURNS integer LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN a > 0 THEN a ELSE 0 END;
END;
/* a comment; /* nested; */ still comment; */
INSERT INTO t_s VALUES (1, '"'"'semi;colon'"'"'), (2, E'"'"'esc\\'"'"';x'"'"');
CREATE INDEX CONCURRENTLY t_s_x ON t_s (x);
SELECT f_dollar() + f_atomic(1)
  + nope;" "DROP TABLE t_s;" &&
	sed -i "s/^-- depends_on:.*/&\n-- transactional: false/" $V/s1_rev.sql &&
	! git dbmig --url "$url" upgrade heads 2>err &&
	grep "^FAILED: upgrade s1 failed at migrations/versions/s1_rev.sql:23: column \"nope\" does not exist (SQLSTATE 42703)" err &&
	test "$(pg_query "$url" "SELECT f_dollar() + f_atomic(5)")" = 6 &&
	test "$(pg_query "$url" "SELECT string_agg(note, '"'|'"' ORDER BY x) FROM t_s")" = "semi;colon|esc'"'"';x" &&
	test "$(pg_query "$url" "SELECT count(*) FROM pg_indexes WHERE indexname = '"'t_s_x'"'")" = 1 &&
	test "$(pg_rows "$url")" = ""
'

# ------------------------------------------------------------------
# Connecting

rm -rf migrations && make_project &&
write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;"

# Must fail with one FAILED line containing $1, and never show $2.
expect_connect_failure() {
	msg=$1 secret=$2
	shift 2
	! "$@" >out 2>err &&
	test "$(grep -c '^FAILED: ' err)" = 1 &&
	grep -F -q -- "$msg" err &&
	! grep -F -q -- "$secret" out err &&
	grep -F -q ":***@" err
}

test_expect_success 'a bad password is a clean FAILED without the password' '
	expect_connect_failure "password authentication failed for user \"$PG_USER\"" Wr0ng-Pa55word \
		git dbmig --url "postgresql://$PG_USER:Wr0ng-Pa55word@$PG_HOST:$PG_PORT/postgres" upgrade heads &&
	sed "s/^/# /" err
'

test_expect_success 'a refused connection is a clean FAILED without the password' '
	port=$(pg_free_port) &&
	expect_connect_failure "Connection refused" "$PG_PASSWORD" \
		git dbmig --url "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/postgres" current
'

test_expect_success 'an unknown database is a clean FAILED without the password' '
	expect_connect_failure "database \"no_such_db_$$\" does not exist" "$PG_PASSWORD" \
		git dbmig --url "postgresql://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/no_such_db_$$" upgrade heads
'

test_expect_success 'an unknown connection parameter is a clean FAILED' '
	expect_connect_failure "invalid connection option \"bogus\"" "$PG_PASSWORD" \
		git dbmig --url "$PG_URL?bogus=1" current
'

test_expect_success 'URL forms: postgresql+psycopg2://, postgres://, sslmode, connect_timeout, SQLALCHEMY_URL' '
	url=$(pg_createdb forms) &&
	rest=${url#postgresql://} &&
	git dbmig --url "postgresql+psycopg2://$rest?sslmode=disable&connect_timeout=5" upgrade heads 2>err &&
	test "$(git dbmig --url "postgres://$rest" current 2>/dev/null)" = "a (head)" &&
	test "$(SQLALCHEMY_URL="$url?application_name=t5000" git dbmig current 2>/dev/null)" = "a (head)" &&
	test "$(pg_rows "$url")" = a
'

test_expect_success 'several hosts, in the URL or as host parameters: the first that answers' '
	url=$(pg_createdb multi) &&
	dead=$(pg_free_port) &&
	git dbmig --url "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$dead,$PG_HOST:$PG_PORT/${PG_PREFIX}multi" upgrade heads 2>err &&
	test "$(pg_rows "$url")" = a &&
	test "$(git dbmig --url "postgresql+psycopg2://$PG_USER:$PG_PASSWORD@/${PG_PREFIX}multi?host=127.0.0.1:$dead&host=$PG_HOST:$PG_PORT" current 2>/dev/null)" = "a (head)"
'

if [ -n "$PG_DIR" ]; then
	test_expect_success 'host=/socket/folder in the query connects through a unix socket' '
		url=$(pg_createdb sock) &&
		git dbmig --url "postgresql://$PG_USER@/${PG_PREFIX}sock?host=$PG_DIR&port=$PG_PORT" upgrade heads 2>err &&
		test "$(pg_rows "$url")" = a
	'
fi

# ------------------------------------------------------------------
# version_table_schema and search_path

test_expect_success 'version_table_schema puts the version and log tables in that schema' '
	url=$(pg_createdb schema) &&
	pg_sql "$url" "CREATE SCHEMA vs" &&
	rm -rf vsproj && mkdir vsproj && cd vsproj && make_project &&
	echo "version_table_schema = vs" >>alembic.ini &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	write_rev $V b a "" "" "CREATE TABLE t_b (x INTEGER);" "DROP TABLE t_b;" &&
	git dbmig --url "$url" upgrade a 2>err &&
	git dbmig --url "$url" upgrade heads 2>err &&
	test "$(pg_rows "$url" vs.alembic_version)" = b &&
	test "$(pg_query "$url" "SELECT count(*) FROM vs.dbmig_log")" = 2 &&
	test "$(pg_query "$url" "SELECT to_regclass('"'public.alembic_version'"') IS NULL")" = t &&
	test "$(pg_tables "$url")" = "t_a t_b" &&
	test "$(git dbmig --url "$url" current 2>/dev/null)" = "b (head)" &&
	git dbmig --url "$url" downgrade base 2>err &&
	test "$(pg_rows "$url" vs.alembic_version)" = ""
'

test_expect_success 'the search_path set through options is left as the user set it' '
	url=$(pg_createdb search_path) &&
	pg_sql "$url" "CREATE SCHEMA app" &&
	git dbmig --url "$url?options=-csearch_path%3Dapp" upgrade heads 2>err &&
	test "$(pg_rows "$url" app.alembic_version)" = a &&
	test "$(pg_tables "$url" app)" = t_a &&
	test "$(pg_tables "$url")" = "" &&
	test "$(git dbmig --url "$url?options=-csearch_path%3Dapp" current 2>/dev/null)" = "a (head)" &&
	test "$(git dbmig --url "$url" current 2>/dev/null)" = ""
'

# ------------------------------------------------------------------
# --sql

test_expect_success '--sql writes PostgreSQL'"'"'s dialect, as Alembic does' '
	rm -rf sqlproj && mkdir sqlproj && cd sqlproj && make_project &&
	echo "version_table_schema = sch" >>alembic.ini &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	write_rev $V b a "" "" "CREATE INDEX CONCURRENTLY t_a_x ON t_a (x);" "DROP INDEX CONCURRENTLY t_a_x;" &&
	sed -i "s/^-- depends_on:.*/&\n-- transactional: false/" $V/b_rev.sql &&
	git dbmig --url "$PG_URL" upgrade --sql heads >actual 2>err &&
	cat >expect <<-\EOF &&
	BEGIN;

	CREATE TABLE sch.alembic_version (
	    version_num VARCHAR(32) NOT NULL, 
	    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
	);

	-- Running upgrade  -> a

	CREATE TABLE t_a (x INTEGER);

	INSERT INTO sch.alembic_version (version_num) VALUES ('"'a'"') RETURNING sch.alembic_version.version_num;

	COMMIT;

	BEGIN;

	-- Running upgrade a -> b

	COMMIT;

	CREATE INDEX CONCURRENTLY t_a_x ON t_a (x);

	BEGIN;

	UPDATE sch.alembic_version SET version_num='"'b'"' WHERE sch.alembic_version.version_num = '"'a'"';

	COMMIT;

	EOF
	diff -u expect actual &&
	git dbmig --url "$PG_URL" downgrade --sql b:base >actual 2>err &&
	cat >expect <<-\EOF &&
	BEGIN;

	-- Running downgrade b -> a

	COMMIT;

	DROP INDEX CONCURRENTLY t_a_x;

	BEGIN;

	UPDATE sch.alembic_version SET version_num='"'a'"' WHERE sch.alembic_version.version_num = '"'b'"';

	COMMIT;

	BEGIN;

	-- Running downgrade a -> 

	DROP TABLE t_a;

	DELETE FROM sch.alembic_version WHERE sch.alembic_version.version_num = '"'a'"';

	COMMIT;

	DROP TABLE sch.alembic_version;

	EOF
	diff -u expect actual
'

test_expect_success '--sql touches nothing, and psql runs it to the rows of an online run' '
	url=$(pg_createdb sql_script) &&
	online=$(pg_createdb sql_online) &&
	cd seed &&
	git dbmig --url "$url" upgrade --sql INITDEV@head >script.sql 2>/dev/null &&
	test "$(pg_query "$url" "SELECT to_regclass('"'alembic_version'"') IS NULL")" = t &&
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$url" -f script.sql >/dev/null &&
	git dbmig --url "$online" upgrade INITDEV@head 2>/dev/null &&
	test "$(pg_rows "$url")" = "$(pg_rows "$online")" &&
	test "$(pg_rows "$url")" = init_dev_popdata
'

# ------------------------------------------------------------------
# Concurrent deployers

# k0 creates the counter; k1..k6 and l1..l6 are two branches from it
write_counter_project() {
	rm -rf migrations && make_project &&
	write_rev $V k0 "" "" "" "CREATE TABLE counter (rev VARCHAR(32) NOT NULL, pid INTEGER NOT NULL DEFAULT pg_backend_pid());
INSERT INTO counter (rev) VALUES ('k0');" "DROP TABLE counter;" &&
	for b in k l; do
		prev=k0
		for i in 1 2 3 4 5 6; do
			write_rev $V $b$i $prev "" "" "INSERT INTO counter (rev) VALUES ('$b$i');" "DELETE FROM counter WHERE rev = '$b$i';" || return 1
			prev=$b$i
		done
	done
}

test_expect_success '8 concurrent upgraders: every body runs exactly once' '
	url=$(pg_createdb concurrent) &&
	write_counter_project &&
	pids= &&
	for i in 1 2 3 4 5 6 7 8; do
		DBMIG_TEST_PAUSE_MS=20 git dbmig --url "$url" upgrade heads >out.$i 2>err.$i &
		pids="$pids $!"
	done &&
	fails=0 &&
	for p in $pids; do
		wait $p || fails=$((fails + 1))
	done &&
	cat err.* | sed "s/^/# /" &&
	test $fails = 0 &&
	test "$(pg_query "$url" "SELECT count(*), count(DISTINCT rev) FROM counter")" = "13|13" &&
	test "$(cat err.* | grep -c "^Running upgrade")" = 13 &&
	test "$(pg_rows "$url")" = "k6 l6" &&
	test "$(pg_query "$url" "SELECT count(*) FROM dbmig_log")" = 13 &&
	git dbmig --url "$url" upgrade heads 2>err &&
	! grep -q "^Running" err
'

test_expect_success 'a run that cannot get the lock in time gives up with a clear message' '
	url=$(pg_createdb lock) &&
	write_counter_project &&
	{ DBMIG_TEST_PAUSE_MS=400 git dbmig --url "$url" upgrade heads >slow.out 2>slow.err & } &&
	slow=$! &&
	n=0 &&
	until [ "$(pg_query "$url" "SELECT count(*) FROM pg_locks WHERE locktype = '"'advisory'"' AND granted")" = 1 ]; do
		n=$((n + 1)); [ $n -lt 100 ] || exit 1; sleep 0.05
	done &&
	! git dbmig --url "$url" upgrade heads --lock-timeout 0.5 2>err &&
	cat err &&
	grep "^FAILED: database .postgresql://$PG_USER:\*\*\*@.* is locked by another git-dbmig run (held by PostgreSQL backend pid [0-9]*.*); gave up after 500 ms (see --lock-timeout)$" err &&
	! grep -q "^Running" err &&
	wait $slow &&
	test "$(pg_rows "$url")" = "k6 l6"
'

# ------------------------------------------------------------------
# ensure_version

pg_version_table() {
	pg_query "$1" "SELECT c.column_name || ' ' || c.data_type || ' ' || c.character_maximum_length || ' ' || c.is_nullable || ' ' || k.constraint_name
		FROM information_schema.columns c
		JOIN information_schema.table_constraints k
		  ON k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.constraint_type = 'PRIMARY KEY'
		WHERE c.table_schema = '${3:-public}' AND c.table_name = '${2:-alembic_version}'"
}

test_expect_success 'ensure_version creates the version table Alembic creates, and only it' '
	url=$(pg_createdb ensure) &&
	mkdir ensure && (cd ensure && make_project &&
	git dbmig --url "$url" ensure_version &&
	test "$(pg_version_table "$url")" = "version_num character varying 32 NO alembic_version_pkc" &&
	test "$(pg_query "$url" "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"'public'"'")" = 1 &&
	git dbmig --url "$url" ensure_version &&
	test "$(pg_rows "$url")" = "" &&
	printf "version_table = vt\nversion_table_schema = other\n" >>alembic.ini &&
	pg_sql "$url" "CREATE SCHEMA other" &&
	git dbmig --url "$url" ensure_version &&
	test "$(pg_version_table "$url" vt other)" = "version_num character varying 32 NO vt_pkc")
'

test_done
