#!/bin/sh
# t5400-status-verify-postgres: "status" and "verify" on PostgreSQL (the
# suite's own server, tests/lib-pg.sh): the same states as on SQLite
# after the same commands, a changed file, an unreachable server.
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

cd seed
test_expect_failure_msg 'status: a server that does not answer' \
	"cannot connect to 'postgresql://nobody:***@127.0.0.1:1/none'" \
	git dbmig --url "postgresql://nobody:secret@127.0.0.1:1/none" status
test_expect_success 'status: the password of an unreachable server is not shown' '
	! git dbmig --url "postgresql://nobody:secret@127.0.0.1:1/none" status 2>err &&
	grep -q "^FAILED: " err && ! grep -q secret err
'
cd ..

test_done
