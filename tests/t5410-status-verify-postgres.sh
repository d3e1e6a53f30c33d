#!/bin/sh
# t5410-status-verify-postgres: "status" and "verify" on PostgreSQL (the
# suite's own server, tests/lib-pg.sh): the same states as on SQLite
# after the same commands; verify after the seed's deployment example,
# with a file edited and a column, an index, a constraint, a view, a
# trigger and a function added by hand; --dev-url; a scratch database
# that cannot be created; an unreachable server.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-pg.sh"

V=migrations/versions

# "STATE ID" of every revision line of a status output.
states() {
	sed -n 's/^\([a-z]*\)  *\([a-z0-9_]*\).*/\1 \2/p' "$1" |
		grep -E '^(applied|changed|outside|pending|other|gone|unknown) '
}

test_expect_success 'setup: the seed in git, the same steps on SQLite and PostgreSQL' '
	mkdir seed && cd seed && seed_project &&
	git init -q && printf "/*\n!/migrations/\n!/alembic.ini\n" >.git/info/exclude &&
	git add . && git commit -q -m seed &&
	url=$(pg_createdb seed) && echo "$url" >../pg.url &&
	for u in "$url" "sqlite:///$PWD/ref.db"; do
		git dbmig -q --url "$u" upgrade CORE@head &&
		git dbmig -q --url "$u" upgrade MOD1@head &&
		git dbmig -q --url "$u" stamp MOD2@head || exit 1
	done
'

test_expect_success 'status on PostgreSQL: the states SQLite has' '
	cd seed && url=$(cat ../pg.url) &&
	echo "-- edited" >>$V/core_rev2_core_rev2.sql &&
	git dbmig --url "$url" status >pg.out &&
	git dbmig --url "sqlite:///$PWD/ref.db" status >sq.out &&
	states pg.out >pg.st && states sq.out >sq.st &&
	diff -u sq.st pg.st &&
	grep -q "^changed  *core_rev2 " pg.out &&
	grep -q "^outside  *mod2_rev3 .*(version row)$" pg.out &&
	grep -q "^Database: postgresql://$PG_USER:\*\*\*@" pg.out &&
	! grep -q "$PG_PASSWORD" pg.out &&
	sed -n "/^CORE /,\$p" pg.out >pg.labels && sed -n "/^CORE /,\$p" sq.out >sq.labels &&
	diff -u sq.labels pg.labels &&
	git dbmig --url "$url" status --json >pg.json &&
	"$PYTHON" -c "
import json
d = json.load(open(\"pg.json\"))
r = {r[\"revision\"]: r for r in d[\"revisions\"]}
assert r[\"core_rev2\"][\"state\"] == \"changed\"
assert r[\"core_rev2\"][\"applied\"][\"duration_ms\"] >= 0
assert r[\"mod1_rev3\"][\"version_row\"] is True
" &&
	git checkout -q $V/core_rev2_core_rev2.sql
'

# Databases named dbmig_verify_* on the server (the scratch ones).
scratch_dbs() {
	pg_query "$PG_ADMIN_URL" "SELECT count(*) FROM pg_database WHERE datname LIKE 'dbmig\_verify\_%'"
}

test_expect_success 'verify: the seed deployment example passes, its scratch database dropped' '
	cd seed && url=$(pg_createdb deploy) && echo "$url" >../deploy.url &&
	echo "$SEED_CMDS" | while read -r cmd; do
		git dbmig -q --url "$url" $cmd >/dev/null 2>&1 || { echo "failed: $cmd"; exit 1; }
	done &&
	git dbmig --url "$url" verify >out 2>err &&
	grep -q "^verify: postgresql://$PG_USER:\*\*\*@.*: ok, 30 applied revisions as committed, schema as they make it ([0-9]* objects)$" out &&
	test "$(scratch_dbs)" = 0
'

test_expect_success 'verify: one file edited, one column added by hand' '
	cd seed && url=$(cat ../deploy.url) &&
	echo "-- edited" >>$V/core_rev1_core_rev1.sql &&
	pg_sql "$url" "ALTER TABLE core_account ADD COLUMN nickname varchar(32) NOT NULL DEFAULT '"'"'x'"'"'" &&
	! git dbmig --url "$url" verify >out 2>err &&
	grep -q "^changed core_rev1 " out &&
	grep -q "^schema: the database differs from what its revisions make on a scratch database (PostgreSQL database dbmig_verify_" out &&
	grep -q "^+ column public.core_account.nickname: character varying(32) NOT NULL DEFAULT '"'"'x'"'"'::character varying$" out &&
	test "$(grep -c "^[-+] " out)" = 1 &&
	grep -q "disagree: 1 revision changed or unknown, 1 schema difference$" err &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	test "$(scratch_dbs)" = 0 &&
	git checkout -q $V/core_rev1_core_rev1.sql
'

test_expect_success 'verify: indexes, constraints, views, triggers and functions' '
	cd seed && url=$(cat ../deploy.url) &&
	pg_sql "$url" "ALTER TABLE core_account DROP COLUMN nickname;
		CREATE INDEX ix_by_hand ON core_account (email);
		ALTER TABLE core_account ADD CONSTRAINT ck_by_hand CHECK (id > 0);
		CREATE VIEW v_by_hand AS SELECT id FROM core_account;
		CREATE FUNCTION f_by_hand() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN NEW; END \$\$;
		CREATE TRIGGER tr_by_hand BEFORE INSERT ON core_account FOR EACH ROW EXECUTE FUNCTION f_by_hand();" &&
	! git dbmig --url "$url" verify >out 2>err &&
	grep -q "^+ index public.core_account.ix_by_hand: CREATE INDEX ix_by_hand ON public.core_account USING btree (email)$" out &&
	grep -q "^+ constraint public.core_account.ck_by_hand: CHECK ((id > 0))$" out &&
	grep -q "^+ view public.v_by_hand: " out &&
	grep -q "^+ column public.v_by_hand.id: integer NULL$" out &&
	grep -q "^+ trigger public.core_account.tr_by_hand: CREATE TRIGGER tr_by_hand BEFORE INSERT ON public.core_account FOR EACH ROW EXECUTE FUNCTION f_by_hand()$" out &&
	grep -q "^+ function public.f_by_hand(): CREATE OR REPLACE FUNCTION public.f_by_hand()" out &&
	grep -q "disagree: 6 schema differences$" err &&
	pg_sql "$url" "DROP TRIGGER tr_by_hand ON core_account; DROP FUNCTION f_by_hand(); DROP VIEW v_by_hand;
		ALTER TABLE core_account DROP CONSTRAINT ck_by_hand; DROP INDEX ix_by_hand" &&
	git dbmig --url "$url" verify >out
'

test_expect_success 'verify --dev-url: the scratch database is made on that server' '
	cd seed && url=$(cat ../deploy.url) &&
	git dbmig --url "$url" verify --dev-url "$(pg_url postgres)" >out &&
	grep -q ": ok, 30 applied" out &&
	test "$(scratch_dbs)" = 0
'

test_expect_success 'verify with version_table_schema: the scratch database gets the schema' '
	cd seed && url=$(pg_createdb vts) &&
	pg_sql "$url" "CREATE SCHEMA dbmig" &&
	cp alembic.ini vts.ini &&
	sed -i "/^\[alembic\]/a version_table_schema = dbmig" vts.ini &&
	n=$(git dbmig -c vts.ini --url "$url" upgrade --plan MOD1@head | grep -c "^upgrade ") &&
	git dbmig -q -c vts.ini --url "$url" upgrade MOD1@head &&
	test "$(pg_query "$url" "SELECT count(*) FROM dbmig.alembic_version")" = 1 &&
	git dbmig -c vts.ini --url "$url" status >out &&
	grep -q "^applied  *mod1_rev3 .*(version row)$" out &&
	git dbmig -c vts.ini --url "$url" verify >out &&
	grep -q ": ok, $n applied revisions as committed, schema as they make it" out &&
	test "$(scratch_dbs)" = 0
'

test_expect_success 'setup: a role that may not create databases' '
	pg_sql "$PG_ADMIN_URL" "DROP ROLE IF EXISTS dbmig_nocreate; CREATE ROLE dbmig_nocreate LOGIN PASSWORD '"'"'pw'"'"' NOCREATEDB" &&
	url=$(cat deploy.url) && db=${url##*/} &&
	pg_sql "$PG_ADMIN_URL" "GRANT CONNECT ON DATABASE \"$db\" TO dbmig_nocreate" &&
	pg_sql "$url" "GRANT USAGE ON SCHEMA public TO dbmig_nocreate; GRANT SELECT ON ALL TABLES IN SCHEMA public TO dbmig_nocreate" &&
	echo "postgresql://dbmig_nocreate:pw@$PG_HOST:$PG_PORT/$db" >nocreate.url
'

cd seed
test_expect_failure_msg 'verify: a scratch database that cannot be created' \
	"cannot create a scratch database on postgresql://dbmig_nocreate:***@" \
	git dbmig --url "$(cat ../nocreate.url)" verify
test_expect_failure_msg 'verify --dev-url: a server that does not answer' \
	"cannot make a scratch database: cannot connect to 'postgresql://nobody:***@127.0.0.1:1/none'" \
	git dbmig --url "$(cat ../deploy.url)" verify --dev-url "postgresql://nobody:secret@127.0.0.1:1/none"
test_expect_failure_msg 'verify --dev-url: not a PostgreSQL URL' \
	"--dev-url must be a postgresql:// URL" \
	git dbmig --url "$(cat ../deploy.url)" verify --dev-url sqlite:///x.db
test_expect_failure_msg 'verify: a server that does not answer' \
	"cannot connect to 'postgresql://nobody:***@127.0.0.1:1/none'" \
	git dbmig --url "postgresql://nobody:secret@127.0.0.1:1/none" verify
test_expect_success 'verify --no-schema works without CREATEDB' '
	git dbmig --url "$(cat ../nocreate.url)" verify --no-schema >out &&
	grep -q ": ok, 30 applied revisions as committed, schema not compared (--no-schema)$" out
'
test_expect_failure_msg 'status: a server that does not answer' \
	"cannot connect to 'postgresql://nobody:***@127.0.0.1:1/none'" \
	git dbmig --url "postgresql://nobody:secret@127.0.0.1:1/none" status
test_expect_success 'status: the password of an unreachable server is not shown' '
	! git dbmig --url "postgresql://nobody:secret@127.0.0.1:1/none" status 2>err &&
	grep -q "^FAILED: " err && ! grep -q secret err
'
cd ..

test_done
