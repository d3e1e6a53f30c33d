#!/bin/sh
# t4600-verify: "verify" on SQLite: the seed's deployment example passes;
# a file edited after it ran, a column, index, view or trigger added or
# dropped by hand, and a version row that names no revision each fail
# with the difference printed and one FAILED line; --at checks against a
# tag; the database is never changed; and the bad inputs.
. "$(dirname "$0")/lib.sh"

V=migrations/versions

test_expect_success 'setup: the seed deployment example, committed and tagged' '
	mkdir seed && cd seed && seed_project &&
	git init -q && printf "/*\n!/migrations/\n!/alembic.ini\n" >.git/info/exclude &&
	git add . && git commit -q -m seed && git tag v1 &&
	echo "$SEED_CMDS" | while read -r cmd; do
		git dbmig -q $cmd >/dev/null 2>&1 || { echo "failed: $cmd"; exit 1; }
	done &&
	test "$(rows dbmig.db)" = "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3"
'

test_expect_success 'verify passes on the database the revisions made' '
	cd seed &&
	git dbmig verify >out 2>err &&
	grep -q "^verify: sqlite:///dbmig.db: ok, 30 applied revisions as committed, schema as they make it ([0-9]* objects)$" out &&
	test ! -s err
'

test_expect_success 'a file edited after it ran fails, naming it and both blob ids' '
	cd seed &&
	old=$(git rev-parse HEAD:$V/core_rev1_core_rev1.sql) &&
	sum=$(sha256sum dbmig.db) &&
	printf "\n-- a comment added later\n" >>$V/core_rev1_core_rev1.sql &&
	new=$(git hash-object $V/core_rev1_core_rev1.sql) &&
	test_must_fail() { ! "$@"; } &&
	test_must_fail git dbmig verify >out 2>err &&
	grep -q "^changed core_rev1 ($V/core_rev1_core_rev1.sql): blob $old in dbmig_log, $new in the file" out &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	grep -q "^FAILED: verify: sqlite:///dbmig.db and the repository disagree: 1 revision changed or unknown$" err &&
	test "$(sha256sum dbmig.db)" = "$sum" &&
	git dbmig verify --no-schema >out 2>err; test $? = 1 &&
	! grep -q "^schema" out
'

test_expect_success 'verify --at a tag checks against that commit'"'"'s files' '
	cd seed &&
	git commit -q -a -m "edit core_rev1" &&
	git dbmig verify --at v1 >out &&
	grep -q ": ok, 30 applied" out &&
	git dbmig --at v1 verify >out &&
	grep -q ": ok, 30 applied" out &&
	! git dbmig verify --at HEAD >out 2>err &&
	grep -q "^changed core_rev1 " out &&
	git revert --no-edit HEAD >/dev/null
'

test_expect_success 'a column added by hand: the schema diff shows it' '
	cd seed &&
	sqlite3 dbmig.db "ALTER TABLE core_account ADD COLUMN nickname VARCHAR(32) DEFAULT '"'"'x'"'"'" &&
	! git dbmig verify >out 2>err &&
	cat >expect <<-\EOT &&
	schema: the database differs from what its revisions make on a scratch database (SQLite in memory):
	--- the revisions
	+++ the database
	+ column core_account.nickname: VARCHAR(32) NULL DEFAULT '"'"'x'"'"'
	EOT
	diff -u expect out &&
	grep -q "^FAILED: verify: sqlite:///dbmig.db and the repository disagree: 1 schema difference$" err &&
	sqlite3 dbmig.db "ALTER TABLE core_account DROP COLUMN nickname" &&
	git dbmig verify >out
'

test_expect_success 'an index, a view and a trigger, added or dropped' '
	cd seed &&
	cp dbmig.db saved.db &&
	sqlite3 dbmig.db "CREATE INDEX ix_by_hand ON core_account (email);
		CREATE VIEW v_by_hand AS SELECT id FROM core_account;
		CREATE TRIGGER tr_by_hand AFTER INSERT ON core_account BEGIN SELECT 1; END;" &&
	view=$(sqlite3 dbmig.db "SELECT name FROM sqlite_master WHERE type = '"'"'view'"'"' AND name <> '"'"'v_by_hand'"'"' LIMIT 1") &&
	test -n "$view" &&
	sqlite3 dbmig.db "DROP VIEW $view" &&
	! git dbmig verify >out 2>err &&
	grep -q "^+ index core_account.ix_by_hand: INDEX (email) (c) CREATE INDEX ix_by_hand ON core_account (email)$" out &&
	grep -q "^+ view v_by_hand: CREATE VIEW v_by_hand AS SELECT id FROM core_account$" out &&
	grep -q "^+ trigger tr_by_hand: CREATE TRIGGER tr_by_hand AFTER INSERT ON core_account BEGIN SELECT 1; END$" out &&
	grep -q "^- view $view: CREATE VIEW" out &&
	grep -q "disagree: 4 schema differences$" err &&
	mv saved.db dbmig.db
'

test_expect_success 'a changed column definition shows as - and + lines' '
	cd seed &&
	cp dbmig.db saved.db &&
	# the sqlite3 shell of SQLite 3.46+ is defensive by default: turn it off
	printf "%s\n" ".dbconfig defensive off" "PRAGMA writable_schema = ON;" \
		"UPDATE sqlite_master SET sql = replace(sql, '"'"'email VARCHAR(254)'"'"', '"'"'email TEXT NOT NULL'"'"') WHERE name = '"'"'core_account'"'"';" |
		sqlite3 dbmig.db >/dev/null &&
	! git dbmig verify >out 2>err &&
	grep -q "^- column core_account.email: VARCHAR(254) NULL$" out &&
	grep -q "^+ column core_account.email: TEXT NOT NULL$" out &&
	grep -q "disagree: 1 schema difference$" err &&
	mv saved.db dbmig.db
'

test_expect_success 'a version row that names no revision fails; the schema is not compared' '
	cd seed &&
	cp dbmig.db saved.db &&
	sqlite3 dbmig.db "INSERT INTO alembic_version VALUES ('"'"'zz_nowhere'"'"')" &&
	! git dbmig verify >out 2>err &&
	grep -q "^unknown zz_nowhere: a version row that names no revision of the graph: no revision file has this id$" out &&
	grep -q "^schema not compared: the version row '"'"'zz_nowhere'"'"' names no revision to run$" out &&
	grep -q "disagree: 1 revision changed or unknown$" err &&
	mv saved.db dbmig.db
'

test_expect_success 'verify -h prints the usage' '
	git dbmig verify -h >out &&
	grep -q "^usage: git dbmig verify \[--at TREE-ISH\] \[--dev-url URL\] \[--no-schema\]" out
'

# ------------------------------------------------------------------
# Bad inputs

test_expect_success 'setup: a project whose stamped revision cannot run' '
	mkdir bad && cd bad && make_project &&
	write_rev migrations/versions a1 "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	write_rev migrations/versions a2 a1 "" "" "CREATE TABLE t_a (y INTEGER);" "SELECT 1;" &&
	git dbmig -q upgrade a1 && git dbmig -q stamp a2 &&
	cp test.db nolog.db && sqlite3 nolog.db "ALTER TABLE dbmig_log DROP COLUMN blob_id" &&
	echo "not a database at all" >junk.db
'

cd bad
test_expect_failure_msg 'a scratch schema that the revisions cannot build' \
	"cannot build the scratch schema (SQLite in memory): upgrade a2 failed at migrations/versions/a2_rev.sql:" \
	git dbmig verify
test_expect_failure_msg 'a database file that does not exist' "nothere.db" \
	git dbmig --url sqlite:///nothere.db verify
test_expect_failure_msg 'a file that is no database' "file is not a database" \
	git dbmig --url sqlite:///junk.db verify
test_expect_failure_msg 'a corrupt dbmig_log' "cannot read dbmig_log: " \
	git dbmig --url sqlite:///nolog.db verify
test_expect_failure_msg '--dev-url for a SQLite database' "--dev-url is for PostgreSQL databases" \
	git dbmig verify --dev-url postgresql://x@localhost/y
test_expect_failure_msg '--dev-url with --no-schema' "--no-schema turns off" \
	git dbmig verify --dev-url postgresql://x@localhost/y --no-schema
test_expect_failure_msg 'an unknown option' "verify: unknown option '--bogus'" \
	git dbmig verify --bogus
test_expect_failure_msg 'no database URL at all' "no database URL: set sqlalchemy.url in" \
	sh -c 'sed "/sqlalchemy.url/d" alembic.ini >nourl.ini && git dbmig -c nourl.ini verify'
test_expect_failure_msg 'status: no database URL at all' "no database URL: set sqlalchemy.url in" \
	git dbmig -c nourl.ini status
cd ..

test_expect_success 'verify changed neither database' '
	cd bad && test ! -e nothere.db &&
	test "$(rows test.db)" = a2
'

test_done
