#!/bin/sh
# t3310-python-fleet: Alembic .py revisions in fleets (--target, -j) of
# SQLite databases, each target with its own Python helper; and a .py
# revision bound for an rqlite or libSQL server, which SQLAlchemy has no
# dialect for here: FAILED before any step runs, naming the file and the
# URL with its password masked.
. "$(dirname "$0")/lib.sh"

require_python alembic
GIT_DBMIG_PYTHON=$PYTHON
export GIT_DBMIG_PYTHON

"$PYTHON" -m alembic init migrations >/dev/null || exit 1
sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///main.db|' alembic.ini
cat >>alembic.ini <<'INI'

[target:east]
sqlalchemy.url = sqlite:///east.db

[target:west]
sqlalchemy.url = sqlite:///west.db
INI
for i in 1 2 3; do
	down=None
	test $i = 1 || down="\"f$((i - 1))\""
	cat >migrations/versions/f${i}_step.py <<PY
"""step $i"""
from alembic import op
revision = "f$i"
down_revision = $down
branch_labels = None
depends_on = None
def upgrade():
    op.execute("CREATE TABLE t$i (id INTEGER)")
def downgrade():
    op.execute("DROP TABLE t$i")
PY
done

test_expect_success 'upgrade --target all -j 2 runs the .py revisions on every database' '
	git dbmig upgrade --target all -j 2 heads 2>err &&
	test "$(rows east.db)" = f3 && test "$(rows west.db)" = f3 &&
	sqlite3 east.db .tables | grep -w t3 && sqlite3 west.db .tables | grep -w t3 &&
	! test -e main.db
'

test_expect_success 'downgrade --target west only touches west' '
	git dbmig downgrade --target west f1 &&
	test "$(rows west.db)" = f1 && test "$(rows east.db)" = f3 &&
	! sqlite3 west.db .tables | grep -w t2
'

# the HTTP servers last: a missing one ends the script here (http_need)
. "$TEST_DIR/lib-http-db.sh"
http_need rqlited
rqlite_start_node 1
rqlite_wait "$NODE_HTTP" || exit 1
test_expect_failure_msg 'a .py revision bound for rqlite: FAILED, nothing run' \
	"has no dialect for rqlite://$NODE_HTTP/" \
	git dbmig --url "rqlite://$NODE_HTTP/" upgrade heads
test_expect_success '... naming the file, and no version table was made' '
	grep "^FAILED: cannot run migrations/versions/f1_step.py: " "$TRASH/.err" &&
	test "$(http_rows "rqlite://$NODE_HTTP/")" = ""
'
http_need sqld
sqld_start u:s3cret
test_expect_failure_msg 'a .py revision bound for libSQL: FAILED, the password masked' \
	"has no dialect for sqlite+libsql://u:***@$SQLD_HTTP/" \
	git dbmig --url "sqlite+libsql://u:s3cret@$SQLD_HTTP/" upgrade heads
test_expect_success '... and the password is nowhere in the output' '
	! grep s3cret "$TRASH/.err"
'

test_done
