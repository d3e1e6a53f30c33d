#!/bin/sh
# t5400-python-postgres: Alembic .py revisions through the Python helper on
# PostgreSQL (the suite's own server, tests/lib-pg.sh): the seed's
# deployment example on a project made with "alembic init" and "alembic
# revision" (the models built on Alembic's connection: the seed's
# connection.engine would wait on PostgreSQL's locks under Alembic too),
# run by Alembic on one database and by git-dbmig on another,
# compared by tests/compare_py.py (rows, schema, data, bodies run); a body
# that fails halfway; the two tools taking turns.
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
URL_C=$(pg_createdb small)

test_expect_success 'the seed deployment example on a .py project: Alembic and git-dbmig agree' '
	"$PYTHON" "$TEST_DIR/py_project.py" --bind connection seed &&
	printf "%s\n" "$SEED_CMDS" | grep -v "^heads\|^history" >cmds &&
	cat >>cmds <<-EOF &&
	downgrade base
	upgrade -x REVISE=first MOD2@head
	stamp MOD3@head
	stamp base
	upgrade heads
	downgrade MOD1@base
	EOF
	"$PYTHON" "$TEST_DIR/compare_py.py" --project seed --bin git-dbmig \
		--commands cmds --url-a "$URL_A" --url-b "$URL_B" --python "$PYTHON" >compare.out;
	st=$? && cat compare.out && test $st = 0 &&
	grep "^compared 27 commands, 0 differences" compare.out
'

test_expect_success 'dbmig_log on PostgreSQL holds the .py revisions with their blob ids' '
	pg_query "$URL_B" "SELECT blob_id FROM dbmig_log WHERE revision = '\''core_rev1'\'' LIMIT 1" >blob &&
	git hash-object b/migrations/versions/*-core_rev1_*.py >expect &&
	diff -u expect blob
'

mkdir small && cd small || exit 1
test_expect_success 'a body that fails halfway: the database at the last revision that succeeded' '
	"$PYTHON" -m alembic init migrations >/dev/null &&
	cat >migrations/versions/p1_one.py <<-PY &&
	"""one"""
	from alembic import op
	import sqlalchemy as sa
	revision = "p1"
	down_revision = None
	branch_labels = None
	depends_on = None
	def upgrade():
	    op.create_table("one", sa.Column("id", sa.Integer, primary_key=True))
	def downgrade():
	    op.drop_table("one")
	PY
	cat >migrations/versions/p2_two.py <<-PY &&
	"""two"""
	from alembic import op
	import sqlalchemy as sa
	revision = "p2"
	down_revision = "p1"
	branch_labels = None
	depends_on = None
	def upgrade():
	    op.create_table("two", sa.Column("id", sa.Integer))
	    op.execute("INSERT INTO one DEFAULT VALUES")
	    op.execute("INSERT INTO missing_table VALUES (1)")
	def downgrade():
	    op.drop_table("two")
	PY
	sed -i "s|^sqlalchemy.url = .*|sqlalchemy.url = $URL_C|" alembic.ini &&
	! git dbmig upgrade heads 2>err &&
	grep "^FAILED: upgrade p2 failed at .*p2_two.py:11: .*missing_table" err &&
	test "$(pg_rows "$URL_C")" = p1 &&
	test "$(pg_query "$URL_C" "SELECT count(*) FROM one")" = 0 &&
	test "$(pg_query "$URL_C" "SELECT count(*) FROM pg_tables WHERE tablename = '\''two'\''")" = 0
'

test_expect_success 'Alembic and git-dbmig take turns on one PostgreSQL database' '
	sed -i "s/INSERT INTO missing_table VALUES (1)/SELECT 1/" migrations/versions/p2_two.py &&
	"$PYTHON" -m alembic upgrade heads >/dev/null 2>&1 &&
	test "$(pg_rows "$URL_C")" = p2 &&
	git dbmig --url "$URL_C" downgrade -1 && test "$(pg_rows "$URL_C")" = p1 &&
	"$PYTHON" -m alembic upgrade heads >/dev/null 2>&1 && test "$(pg_rows "$URL_C")" = p2 &&
	git dbmig --url "$URL_C" downgrade base && test "$(pg_rows "$URL_C")" = "" &&
	git dbmig --url "$URL_C" upgrade --one-transaction heads && test "$(pg_rows "$URL_C")" = p2
'

test_done
