#!/bin/sh
# t3400-convert-sqlite: "convert" turns Alembic .py revisions into .sql
# files of the SQL they run, recorded on SQLite scratch databases and
# proven there; the converted project deployed by git-dbmig against the
# original run by Alembic, step by step; the two taking turns on one
# database; the revisions convert refuses, and bad input.

. "$(dirname "$0")/lib.sh"

require_python alembic
GIT_DBMIG_PYTHON=$PYTHON
export GIT_DBMIG_PYTHON

"$PYTHON" "$TEST_DIR/py_project.py" seed || exit 1
(cd seed && git init -q && git add -A && git commit -qm seed) || exit 1
cp -r seed orig

test_expect_failure_msg 'convert refuses the revisions that read -x arguments, names each' \
	"convert: 4 revisions cannot be converted faithfully, so nothing was written: core_rev3 (" \
	git -C seed dbmig convert
test_expect_success '... with the reason and line, and writes nothing' '
	grep "core_rev3 (migrations/versions/[0-9_]*-core_rev3_core_rev3.py): its upgrade reads -x arguments (context.get_x_argument) at [0-9_]*-core_rev3_core_rev3.py:[0-9][0-9]*" "$TRASH/.err" &&
	grep "mod3_rev3 (" "$TRASH/.err" && ! grep "core_rev1 (" "$TRASH/.err" &&
	test -z "$(git -C seed status --porcelain)"
'

test_expect_success '--as-recorded -x REVISE=first converts every .py revision, proven' '
	git -C seed dbmig convert --as-recorded -x REVISE=first >out 2>err &&
	grep -x "Converted 30 revisions on sqlite; proof: 60 steps compared, 0 differences" out &&
	grep -x "Converted core_rev3: migrations/versions/.*-core_rev3_core_rev3.py -> migrations/versions/.*-core_rev3_core_rev3.sql (as recorded)" out &&
	test "$(ls seed/migrations/versions | grep -c "\.py$")" = 0 &&
	test "$(ls seed/migrations/versions | grep -c "\.sql$")" = 30 &&
	test "$(git -C seed status --porcelain | grep -c "^D  .*\.py$")" = 30 &&
	test "$(git -C seed status --porcelain | grep -c "^A  .*\.sql$")" = 30 &&
	test "$(git -C seed status --porcelain | grep -vc "^[AD]  ")" = 0
'

test_expect_success 'the .sql files keep the header and hold the recorded SQL' '
	f=$(ls seed/migrations/versions/*-core_rev3_*.sql) &&
	grep -x -- "-- revision: core_rev3" "$f" && grep -x -- "-- down_revision: core_rev2" "$f" &&
	grep -x -- "-- message: CORE Rev3" "$f" && grep "^-- create_date: 20" "$f" &&
	grep -x -- "-- Recorded with -x REVISE=first, and written as recorded (--as-recorded)," "$f" &&
	grep -x "INSERT INTO core_extra (id, revise) VALUES (1, '\''first'\'');" "$f" &&
	f=$(ls seed/migrations/versions/*-init_mod1_newtable_*.sql) &&
	grep -x -- "-- branch_labels: INITMOD1" "$f" && grep -x -- "-- depends_on: init_core_newtable" "$f" &&
	! grep "Recorded with" "$f" &&
	f=$(ls seed/migrations/versions/*-init_core_popdata_*.sql) &&
	grep -x "INSERT INTO core_account (id, name) VALUES (2, '\''admin'\'');" "$f" &&
	! grep -i "alembic_version\|^BEGIN\|^COMMIT\|PRAGMA" seed/migrations/versions/*.sql &&
	git -C seed dbmig check --staged &&
	git -C orig dbmig heads | sort >h1 && git -C seed dbmig heads | sort >h2 && diff -u h1 h2
'

test_expect_success 'deployed by git-dbmig, the converted project matches Alembic on the .py one after every step' '
	printf "%s\n" "$SEED_CMDS" | grep -v "^heads\|^history" >cmds &&
	cat >>cmds <<-EOF &&
	downgrade base
	upgrade MOD2@head
	stamp MOD3@head
	stamp base
	upgrade INITCORE@+1
	upgrade heads
	downgrade MOD1@base
	downgrade base
	EOF
	sed -i "s/^upgrade /upgrade -x REVISE=first /" cmds &&
	"$PYTHON" "$TEST_DIR/compare_py.py" --project orig --project-b seed --bin git-dbmig \
		--commands cmds --url-a "sqlite:///$TRASH/alembic.db" \
		--url-b "sqlite:///$TRASH/dbmig.db" --python "$PYTHON" >compare.out;
	st=$? && cat compare.out && test $st = 0 &&
	grep "^compared 29 commands, 0 differences" compare.out
'

test_expect_success 'the converted project and Alembic on the .py one take turns on one database' '
	db="sqlite:///$TRASH/turns.db" &&
	(cd orig && SQLALCHEMY_URL=$db "$PYTHON" -m alembic upgrade INITCORE@head) >/dev/null 2>&1 &&
	(cd seed && git dbmig --url "$db" upgrade CORE@head) &&
	test "$(rows turns.db)" = core_rev3 &&
	(cd orig && SQLALCHEMY_URL=$db "$PYTHON" -m alembic downgrade CORE@-2) >/dev/null 2>&1 &&
	test "$(rows turns.db)" = core_rev1 &&
	(cd seed && git dbmig --url "$db" upgrade heads) &&
	(cd orig && SQLALCHEMY_URL=$db "$PYTHON" -m alembic current 2>/dev/null) | grep "(head)$" | sort >cur &&
	test "$(tr "\n" " " <cur)" = "core_rev3 (head) init_dev_popdata (head) mod1_rev3 (head) mod2_rev3 (head) mod3_rev3 (head) " &&
	(cd orig && SQLALCHEMY_URL=$db "$PYTHON" -m alembic downgrade base) >/dev/null 2>&1 &&
	test "$(rows turns.db)" = "" &&
	test "$(sqlite3 turns.db "SELECT count(*) FROM sqlite_master WHERE type = '\''table'\'' AND name NOT IN ('\''alembic_version'\'', '\''dbmig_log'\'')")" = 0
'

# A small project for the refusals and the bad input
mkdir small && cd small || exit 1
"$PYTHON" -m alembic init migrations >/dev/null 2>&1
sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///small.db|' alembic.ini
pyrev() { # pyrev ID DOWN UPGRADE-BODY [DOWNGRADE-BODY]
	cat >"migrations/versions/$1_rev.py" <<-PY
	"""rev $1

	Revision ID: $1
	Create Date: 2026-11-24 12:00:00.000000
	"""
	import datetime, os, uuid
	from alembic import op, context
	import sqlalchemy as sa
	revision = "$1"
	down_revision = $2
	branch_labels = None
	depends_on = None
	def upgrade():
	    $3
	def downgrade():
	    ${4:-pass}
	PY
}
pyrev a1 None "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), sa.Column('v', sa.String(40)))" "op.drop_table('t')"
pyrev a2 '"a1"' "op.bulk_insert(sa.table('t', sa.column('id', sa.Integer), sa.column('v', sa.String)), [{'id': 1, 'v': \"it's\"}, {'id': 2, 'v': None}])" "op.execute('DELETE FROM t')"
write_rev migrations/versions s3 a2 "" "" "INSERT INTO t (id, v) VALUES (3, 'sql');" "DELETE FROM t WHERE id = 3;"
git init -q && git add -A && git commit -qm small

test_expect_success 'a named revision in a project mixing .sql and .py: only it is converted' '
	git dbmig convert a2 >out 2>err &&
	grep -x "Converted 1 revision on sqlite; proof: 6 steps compared, 0 differences" out &&
	test -e migrations/versions/a1_rev.py && ! test -e migrations/versions/a2_rev.py &&
	grep -x "INSERT INTO t (id, v) VALUES (1, '\''it'\'''\''s'\'');" migrations/versions/a2_rev.sql &&
	grep -x "INSERT INTO t (id, v) VALUES (2, NULL);" migrations/versions/a2_rev.sql &&
	grep -x -- "-- message: rev a2" migrations/versions/a2_rev.sql &&
	grep -x -- "-- create_date: 2026-11-24 12:00:00.000000" migrations/versions/a2_rev.sql &&
	git dbmig upgrade heads && test "$(sqlite3 small.db "SELECT count(*) FROM t")" = 3 &&
	git dbmig downgrade base && git commit -qm converted
'

test_expect_failure_msg 'a .sql revision named explicitly is refused' \
	"convert: s3 is a .sql revision already (migrations/versions/s3_rev.sql); convert turns Alembic .py revisions into .sql" \
	git dbmig convert s3
test_expect_failure_msg 'an id that names no revision' \
	"Can't locate revision identified by 'nosuch'" \
	git dbmig convert nosuch

pyrev a4 '"s3"' "n = op.get_bind().execute(sa.text('SELECT count(*) FROM t')).scalar(); op.execute('CREATE TABLE c%d (id INTEGER)' % n)"
test_expect_failure_msg 'a revision that queries rows and uses them is refused' \
	"a4 (migrations/versions/a4_rev.py): its upgrade queries rows ('SELECT count(*) FROM t') at a4_rev.py:14" \
	git dbmig convert a4

pyrev a4 '"s3"' "op.execute(\"INSERT INTO t (id, v) VALUES (10, '%s')\" % uuid.uuid4())"
test_expect_failure_msg 'a revision giving different SQL on a second scratch run is refused' \
	"a4 (migrations/versions/a4_rev.py): its upgrade gives different SQL on a second scratch run ('INSERT INTO t (id, v) VALUES (10, " \
	git dbmig convert a4

pyrev a4 '"s3"' "open(os.path.join(os.environ['HOME'], 'side-effect'), 'w').write('x')"
test_expect_failure_msg 'a revision that calls out (writes a file) is refused' \
	"its upgrade writes the file $HOME/side-effect at a4_rev.py:14" \
	git dbmig convert a4

pyrev a4 '"s3"' "op.execute(\"INSERT INTO t (id, v) VALUES (10, '%s')\" % context.get_x_argument(as_dictionary=True).get('V', 'none'))" "op.execute('DELETE FROM t WHERE id = 10')"
test_expect_success '--as-recorded converts it, saying what it was recorded with' '
	git dbmig convert --as-recorded -x V=given a4 >out &&
	grep "^Converted a4: .* (as recorded)$" out &&
	grep -x -- "-- Recorded with -x V=given, and written as recorded (--as-recorded)," migrations/versions/a4_rev.sql &&
	grep -x "INSERT INTO t (id, v) VALUES (10, '\''given'\'');" migrations/versions/a4_rev.sql &&
	git reset -q --hard && git clean -qfd migrations
'

pyrev a4 '"s3"' "op.execute('INSERT INTO missing_table VALUES (1)')"
test_expect_failure_msg 'a revision that fails in the scratch run' \
	"convert: upgrade a4 failed on the scratch database (record 1 run): at $TRASH/small/migrations/versions/a4_rev.py:14:" \
	git dbmig convert a4
test_expect_success '... nothing is written' '
	test -e migrations/versions/a4_rev.py && ! test -e migrations/versions/a4_rev.sql &&
	test -z "$(git status --porcelain -- migrations | grep -v a4_rev.py)"
'
rm -f migrations/versions/a4_rev.py

test_expect_failure_msg 'the configured Python missing' \
	"git config dbmig.python names '$TRASH/no/python3', which is not an executable Python" \
	sh -c 'git config dbmig.python "$1" && env -u GIT_DBMIG_PYTHON git dbmig convert' - "$TRASH/no/python3"
git config --unset dbmig.python
test_expect_failure_msg 'a project with nothing to convert' \
	"convert: the project has no .py revisions to convert" \
	sh -c 'git dbmig convert a1 >/dev/null && git dbmig convert'
test_expect_failure_msg 'an unknown dialect' \
	"convert: unknown dialect 'oracle' (sqlite or postgresql)" \
	git dbmig convert --dialect oracle
test_expect_failure_msg '--url with the sqlite dialect' \
	"convert --dialect sqlite: --url is for PostgreSQL" \
	git dbmig convert --url postgresql://localhost/x

test_done
