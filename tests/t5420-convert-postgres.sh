#!/bin/sh
# t5420-convert-postgres: "convert --dialect postgresql" on the suite's
# own server (tests/lib-pg.sh): the seed's .py project converted with
# scratch databases made (and dropped) on the server --url names; the
# converted project deployed by git-dbmig against Alembic on the
# original, step by step; the two taking turns on one database; a role
# that may not create databases.
#
# Needs Alembic and psycopg2; without them the script skips, except under
# CI=true.
. "$(dirname "$0")/lib.sh"

require_python alembic psycopg2
. "$TEST_DIR/lib-pg.sh"
GIT_DBMIG_PYTHON=$PYTHON
export GIT_DBMIG_PYTHON

URL_A=$(pg_createdb alembic)
URL_B=$(pg_createdb dbmig)
URL_C=$(pg_createdb turns)

"$PYTHON" "$TEST_DIR/py_project.py" --bind connection seed || exit 1
(cd seed && git init -q && git add -A && git commit -qm seed) || exit 1
cp -r seed orig
dbs_before=$(pg_query "$PG_URL" "SELECT count(*) FROM pg_database")

test_expect_success 'convert --dialect postgresql --url SERVER: every .py revision, proven' '
	git -C seed dbmig convert --dialect postgresql --url "$PG_URL" --as-recorded -x REVISE=first >out 2>err;
	st=$? && cat out && test $st = 0 &&
	grep -x "Converted 30 revisions on postgresql; proof: 60 steps compared, 0 differences" out &&
	test "$(ls seed/migrations/versions | grep -c "\.sql$")" = 30 &&
	test "$(ls seed/migrations/versions | grep -c "\.py$")" = 0 &&
	grep -x "CREATE TABLE core_account (" seed/migrations/versions/*-init_core_newtable_*.sql &&
	grep -x "INSERT INTO core_extra (id, revise) VALUES (1, '\''first'\'');" seed/migrations/versions/*-core_rev3_*.sql &&
	grep -- "ran on a postgresql" seed/migrations/versions/*-core_rev1_*.sql
'

test_expect_success '... and its scratch databases are dropped' '
	test "$(pg_query "$PG_URL" "SELECT count(*) FROM pg_database")" = "$dbs_before" &&
	test "$(pg_query "$PG_URL" "SELECT count(*) FROM pg_database WHERE datname LIKE '\''dbmig_convert_%'\''")" = 0
'

test_expect_success 'deployed by git-dbmig, the converted project matches Alembic on the .py one after every step' '
	printf "%s\n" "$SEED_CMDS" | grep -v "^heads\|^history" >cmds &&
	cat >>cmds <<-EOF &&
	downgrade base
	upgrade MOD2@head
	stamp MOD3@head
	stamp base
	upgrade heads
	downgrade MOD1@base
	downgrade base
	EOF
	sed -i "s/^upgrade /upgrade -x REVISE=first /" cmds &&
	"$PYTHON" "$TEST_DIR/compare_py.py" --project orig --project-b seed --bin git-dbmig \
		--commands cmds --url-a "$URL_A" --url-b "$URL_B" --python "$PYTHON" >compare.out;
	st=$? && cat compare.out && test $st = 0 &&
	grep "^compared 28 commands, 0 differences" compare.out
'

test_expect_success 'the converted project and Alembic on the .py one take turns on one database' '
	(cd orig && SQLALCHEMY_URL=$URL_C "$PYTHON" -m alembic upgrade INITCORE@head) >/dev/null 2>&1 &&
	(cd seed && git dbmig --url "$URL_C" upgrade CORE@head) &&
	test "$(pg_rows "$URL_C")" = core_rev3 &&
	(cd orig && SQLALCHEMY_URL=$URL_C "$PYTHON" -m alembic downgrade CORE@-2) >/dev/null 2>&1 &&
	test "$(pg_rows "$URL_C")" = core_rev1 &&
	(cd seed && git dbmig --url "$URL_C" upgrade heads) &&
	test "$(pg_rows "$URL_C")" = "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3" &&
	(cd orig && SQLALCHEMY_URL=$URL_C "$PYTHON" -m alembic downgrade base) >/dev/null 2>&1 &&
	test "$(pg_rows "$URL_C")" = "" &&
	test "$(pg_query "$URL_C" "SELECT count(*) FROM pg_tables WHERE schemaname = '\''public'\'' AND tablename NOT IN ('\''alembic_version'\'', '\''dbmig_log'\'')")" = 0
'

pg_sql "$PG_URL" "CREATE ROLE dbmig_nocreate LOGIN PASSWORD 'nocreate' NOCREATEDB"
NOCREATE=$(printf '%s\n' "$PG_URL" | sed "s|//[^@]*@|//dbmig_nocreate:nocreate@|")
test_expect_failure_msg 'a scratch server URL whose role may not create a database' \
	"convert cannot create a scratch database on postgresql://dbmig_nocreate:***@" \
	git -C orig dbmig convert --dialect postgresql --url "$NOCREATE"
test_expect_success '... says why, and writes nothing' '
	grep "permission denied to create database" "$TRASH/.err" &&
	test -z "$(git -C orig status --porcelain)"
'
pg_sql "$PG_URL" "DROP ROLE dbmig_nocreate"

test_expect_failure_msg '--dialect postgresql with no server' \
	"convert --dialect postgresql: name with --url a PostgreSQL server" \
	git -C orig dbmig convert --dialect postgresql

test_done
