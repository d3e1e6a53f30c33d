#!/bin/sh
# t5100-postgres-alembic: git-dbmig against Alembic 1.8.1 on PostgreSQL
# (the suite's own server, tests/lib-pg.sh): the seed's deployment example
# and random graphs through tests/compare.py and tests/differential.py,
# whose SQLite file handling is swapped for one PostgreSQL database per
# file; Alembic's --sql output on a postgresql URL; and the two tools
# taking turns on one database.
#
# Needs Alembic and psycopg2 (Debian: python3-psycopg2); without them the
# script skips, except under CI=true.
#
# Env: T5100_SEEDS  graph seeds for the differential run (default 1..6)
#      T5100_STEPS  commands per graph (default 15)
. "$(dirname "$0")/lib.sh"

require_python alembic psycopg2
. "$TEST_DIR/lib-pg.sh"

ALEMBIC="$PYTHON -m alembic"
# A private copy: the binary may be rebuilt while the comparison runs.
mkdir bin && cp "$SRC_ROOT/git-dbmig" bin/git-dbmig || exit 1
DBMIG_BIN=$TRASH/bin/git-dbmig
PG_BASE_URL=$(pg_url "")
export PG_BASE_URL PG_PREFIX PG_ADMIN_URL

# compare.py's database functions, on PostgreSQL: a "file" path names a
# database (a hash of the path), a missing file is an empty database and
# a snapshot is a copy made with CREATE DATABASE ... TEMPLATE. Nothing of
# compare.py's own logic changes.
cat >pgcompare.py <<'PY'
import hashlib
import os
import re
import sys

sys.path.insert(0, os.environ["TEST_DIR"])
import psycopg2  # noqa: E402
import compare  # noqa: E402
import differential  # noqa: E402

BASE = os.environ["PG_BASE_URL"]
ADMIN = os.environ["PG_ADMIN_URL"].replace("+psycopg2", "")
PREFIX = os.environ["PG_PREFIX"]
_snaps = {}


def _name(path):
    return PREFIX + hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:16]


def _admin(*stmts):
    con = psycopg2.connect(ADMIN)
    con.autocommit = True
    try:
        cur = con.cursor()
        for s in stmts:
            cur.execute(s)
    finally:
        con.close()


def _connect(path):
    return psycopg2.connect(BASE + _name(path))


def pg_url(path):
    return BASE + _name(path)


def db_rows(path, table="alembic_version"):
    try:
        con = _connect(path)
    except psycopg2.OperationalError:
        return []
    try:
        cur = con.cursor()
        cur.execute("SELECT version_num FROM %s" % table)
        return [r[0] for r in cur]
    except psycopg2.Error:
        return []
    finally:
        con.close()


def set_rows(path, rows, table="alembic_version"):
    con = _connect(path)
    try:
        cur = con.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS %s (version_num VARCHAR(32) "
                    "NOT NULL, CONSTRAINT %s_pkc PRIMARY KEY (version_num))"
                    % (table, table))
        cur.execute("DELETE FROM %s" % table)
        for r in rows:
            cur.execute("INSERT INTO %s (version_num) VALUES (%%s)" % table, (r,))
        con.commit()
    finally:
        con.close()


def exec_sql(path, sql):
    con = _connect(path)
    try:
        con.cursor().execute(sql)
        con.commit()
    finally:
        con.close()


def snapshot(path):
    name = _name(path)
    old = _snaps.get(name)
    snap = "%s_s%d" % (name, (int(old.rsplit("_s", 1)[1]) + 1) if old else 0)
    _admin('CREATE DATABASE "%s" TEMPLATE "%s"' % (snap, name))
    if old:
        _admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % old)
    _snaps[name] = snap
    return snap


def restore(path, data):
    name = _name(path)
    _admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    if data is None:
        _admin('CREATE DATABASE "%s"' % name)
    else:
        _admin('CREATE DATABASE "%s" TEMPLATE "%s"' % (name, data))


# "current --verbose" names the URL: each tool has its own database, and
# Alembic 1.8.1 masks the password as XXXXX where git-dbmig writes ***
# (SPEC 2), so URLs of these databases compare equal.
_PG_URL_RE = re.compile(r"postgresql(\+\w+)?://\S*?/" + re.escape(PREFIX) + r"\w+")
_normalise_output = compare.normalise_output


def normalise_output(text):
    return _normalise_output(_PG_URL_RE.sub("<url>", text))


compare.normalise_output = normalise_output
compare.sqlite_url = pg_url
compare.db_rows = db_rows
compare.set_rows = set_rows
compare.exec_sql = exec_sql
compare.snapshot = snapshot
compare.restore = restore

if __name__ == "__main__":
    tool = sys.argv[1]
    sys.exit((compare if tool == "compare" else differential).main(sys.argv[2:]))
PY
export TEST_DIR

test_expect_success 'seed deployment example: Alembic and git-dbmig agree on PostgreSQL' '
	mkdir seed && (cd seed && seed_project) &&
	sed -n "/^alembic heads/,/^CMDS/p" "$TEST_DIR/t3000-seed-deployment.sh" | sed "/^CMDS/d" >commands &&
	test $(grep -c "^alembic" commands) -gt 20 &&
	"$PYTHON" -B pgcompare.py compare --project seed --bin "$DBMIG_BIN" \
		--commands commands --workdir "$TRASH/cmp" >cmp.out 2>&1 &&
	cat cmp.out &&
	grep "^compare.py: [0-9]* commands match" cmp.out
'

test_expect_success 'random graphs: Alembic and git-dbmig agree on PostgreSQL' '
	"$PYTHON" -B pgcompare.py differential --bin "$DBMIG_BIN" \
		--seeds "${T5100_SEEDS:-1,2,3,4,5,6}" --steps "${T5100_STEPS:-15}" -j 3 >diff.out 2>&1;
	st=$? && cat diff.out && test $st = 0 &&
	grep "^differential: .* 0 mismatches" diff.out
'

# A small project: a, b (transactional: false), c; version_table_schema.
mkdir sqlproj && (
	cd sqlproj && make_project &&
	echo "version_table_schema = sch" >>alembic.ini &&
	write_rev migrations/versions a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	write_rev migrations/versions b a "" "" "CREATE INDEX CONCURRENTLY t_a_x ON t_a (x);" "DROP INDEX CONCURRENTLY t_a_x;" &&
	sed -i "s/^-- depends_on:.*/&\n-- transactional: false/" migrations/versions/b_rev.sql &&
	write_rev migrations/versions c b "" "" "INSERT INTO t_a VALUES (1);" "DELETE FROM t_a;" &&
	"$PYTHON" "$TEST_DIR/alembic_mirror.py" . ../sqlmirror >/dev/null
)

for cmd in "upgrade heads" "upgrade a:c" "downgrade c:base" "downgrade c:a" "stamp b" "stamp a:c"; do
	test_expect_success "--sql $cmd: the same script as Alembic's on a postgresql URL" "
		SQLALCHEMY_URL='$PG_URL' $ALEMBIC -c sqlmirror/alembic.ini $cmd --sql 2>/dev/null |
			sed 's/;;\$/;/' >expect &&
		(cd sqlproj && git dbmig --url '$PG_URL' $cmd --sql) >actual 2>/dev/null &&
		test -s expect &&
		diff -u expect actual
	"
done

test_expect_success 'Alembic and git-dbmig take turns on one PostgreSQL database' '
	url=$(pg_createdb turns) &&
	"$PYTHON" "$TEST_DIR/alembic_mirror.py" seed mirror >/dev/null &&
	alembic() { SQLALCHEMY_URL="$url" $ALEMBIC -c mirror/alembic.ini "$@"; } &&
	dbmig() { (cd seed && git dbmig --url "$url" "$@"); } &&
	alembic upgrade INITCORE@head 2>/dev/null &&
	dbmig upgrade INITMOD1@head 2>/dev/null &&
	alembic upgrade CORE@head 2>/dev/null &&
	dbmig upgrade MOD1@head 2>/dev/null &&
	test "$(pg_rows "$url")" = "core_rev3 mod1_rev3" &&
	alembic current 2>/dev/null | sort >a.cur &&
	dbmig current 2>/dev/null | sort >d.cur &&
	diff -u a.cur d.cur &&
	dbmig downgrade MOD1@-1 2>/dev/null &&
	alembic upgrade heads 2>/dev/null &&
	dbmig downgrade base 2>/dev/null &&
	test "$(pg_rows "$url")" = "" &&
	alembic upgrade INITDEV@head 2>/dev/null &&
	test "$(pg_rows "$url")" = init_dev_popdata
'

test_done
