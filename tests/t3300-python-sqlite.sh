#!/bin/sh
# t3300-python-sqlite: Alembic .py revisions run through Alembic's runtime
# and the project's env.py (the Python helper), on SQLite: the seed's
# deployment example on a project made with "alembic init" and "alembic
# revision", compared with Alembic itself; failures; which Python.

. "$(dirname "$0")/lib.sh"

require_python alembic
GIT_DBMIG_PYTHON=$PYTHON
export GIT_DBMIG_PYTHON

# A small project made as an Alembic user makes it: alembic init, then
# alembic revision, bodies edited by hand.
small_project() {
	"$PYTHON" -m alembic init migrations >/dev/null &&
	sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///small.db|' alembic.ini &&
	"$PYTHON" -m alembic revision -m "create account" --rev-id a1 >/dev/null &&
	"$PYTHON" -m alembic revision -m "add email" --rev-id a2 >/dev/null &&
	"$PYTHON" -m alembic revision -m "half done" --rev-id a3 >/dev/null &&
	"$PYTHON" - <<'PY'
import glob, re
def fill(rev, up, down):
    path = glob.glob("migrations/versions/%s_*.py" % rev)[0]
    s = open(path).read()
    # Alembic 1.8's template: "def upgrade() -> None:" then "pass";
    # 1.13+ put a docstring line between them
    doc = r'(?:    """.*"""\n)?'
    s = re.sub(r"(def upgrade\(\)[^:]*:\n" + doc + r")    pass\n", lambda m: m.group(1) + up + "\n", s)
    s = re.sub(r"(def downgrade\(\)[^:]*:\n" + doc + r")    pass\n", lambda m: m.group(1) + down + "\n", s)
    open(path, "w").write(s)
fill("a1", "    op.create_table('account', sa.Column('id', sa.Integer, primary_key=True),\n"
           "                    sa.Column('name', sa.String(50)))",
     "    op.drop_table('account')")
fill("a2", "    op.add_column('account', sa.Column('email', sa.String(100)))\n"
           "    op.execute(\"INSERT INTO account (name) VALUES ('first')\")",
     "    with op.batch_alter_table('account') as b:\n        b.drop_column('email')")
fill("a3", "    op.create_table('half', sa.Column('id', sa.Integer))\n"
           "    op.execute(\"INSERT INTO account (name) VALUES ('second')\")\n"
           "    raise RuntimeError('stopped halfway')",
     "    op.drop_table('half')")
PY
}

test_expect_success 'the seed deployment example on a .py project: Alembic and git-dbmig agree' '
	"$PYTHON" "$TEST_DIR/py_project.py" seed &&
	printf "%s\n" "$SEED_CMDS" | grep -v "^heads\|^history" >cmds &&
	cat >>cmds <<-EOF &&
	downgrade base
	upgrade -x REVISE=first MOD2@head
	stamp MOD3@head
	stamp base
	upgrade INITCORE@+1
	upgrade heads
	downgrade MOD1@base
	EOF
	"$PYTHON" "$TEST_DIR/compare_py.py" --project seed --bin git-dbmig \
		--commands cmds --url-a "sqlite:///$TRASH/alembic.db" \
		--url-b "sqlite:///$TRASH/dbmig.db" --python "$PYTHON" >compare.out;
	st=$? && cat compare.out && test $st = 0 &&
	grep "^compared 28 commands, 0 differences" compare.out
'

test_expect_success 'dbmig_log names each .py revision with its blob id' '
	sqlite3 "$TRASH/dbmig.db" "SELECT blob_id FROM dbmig_log WHERE revision = '\''core_rev1'\'' LIMIT 1" >blob &&
	git hash-object b/migrations/versions/*-core_rev1_*.py >expect &&
	diff -u expect blob
'

mkdir small && cd small || exit 1
test_expect_success 'a small project: upgrade runs the .py bodies, prints the steps' '
	small_project &&
	git dbmig upgrade a2 2>err &&
	grep -x "Running upgrade  -> a1, create account" err &&
	grep -x "Running upgrade a1 -> a2, add email" err &&
	test "$(rows small.db)" = a2 &&
	test "$(sqlite3 small.db "SELECT name FROM account")" = first
'

test_expect_failure_msg 'a body that raises: FAILED names revision, file, line and exception' \
	"upgrade a3 failed at $TRASH/small/migrations/versions/a3_half_done.py:" \
	git dbmig upgrade heads
test_expect_success '... RuntimeError, no traceback; the database at a2, the failing body rolled back' '
	grep "RuntimeError: stopped halfway (the database is left at the last revision that succeeded)" "$TRASH/.err" &&
	! grep Traceback "$TRASH/.err" &&
	test "$(rows small.db)" = a2 &&
	test "$(sqlite3 small.db "SELECT count(*) FROM account")" = 1 &&
	! sqlite3 small.db .tables | grep -w half
'

test_expect_success '-v prints the traceback' '
	! git dbmig upgrade -v heads 2>err &&
	grep "^Traceback" err && grep -c "^FAILED: " err | grep -x 1
'

test_expect_success 'downgrade and stamp on .py revisions' '
	git dbmig downgrade base &&
	test "$(rows small.db)" = "" &&
	! sqlite3 small.db .tables | grep -w account &&
	git dbmig stamp a2 && test "$(rows small.db)" = a2 &&
	git dbmig stamp base && git dbmig upgrade a1 && test "$(rows small.db)" = a1
'

test_expect_success 'upgrade --sql on .py revisions prints what alembic upgrade --sql prints' '
	git dbmig upgrade --sql a2 >dbmig.sql 2>err &&
	"$PYTHON" -m alembic upgrade --sql a2 >alembic.sql 2>/dev/null &&
	diff -u alembic.sql dbmig.sql &&
	grep -x "Running upgrade a1 -> a2, add email" err &&
	git dbmig upgrade --sql a1:a2 >dbmig.sql &&
	"$PYTHON" -m alembic upgrade --sql a1:a2 >alembic.sql 2>/dev/null &&
	diff -u alembic.sql dbmig.sql && grep "^-- Running upgrade a1 -> a2" dbmig.sql
'

test_expect_success 'Alembic and git-dbmig take turns on one .py database' '
	"$PYTHON" -m alembic upgrade a2 >/dev/null 2>&1 &&
	test "$(rows small.db)" = a2 &&
	git dbmig downgrade -1 && test "$(rows small.db)" = a1 &&
	"$PYTHON" -m alembic upgrade +1 >/dev/null 2>&1 &&
	git dbmig current >cur && grep -x "a2" cur &&
	"$PYTHON" -m alembic downgrade base >/dev/null 2>&1 &&
	git dbmig upgrade a2 && "$PYTHON" -m alembic current 2>/dev/null | grep -x "a2"
'

cp migrations/versions/a3_half_done.py a3.keep
printf '\ndef broken(:\n' >>migrations/versions/a3_half_done.py
test_expect_failure_msg 'a syntax error in a revision: FAILED before anything runs' \
	"a3_half_done.py:$(wc -l <migrations/versions/a3_half_done.py): SyntaxError: invalid syntax (nothing was changed)" \
	git dbmig downgrade base
test_expect_success '... the database is unchanged' 'test "$(rows small.db)" = a2'
cp a3.keep migrations/versions/a3_half_done.py

cp migrations/env.py env.keep
sed -i 's/^config = context.config$/config = context.config\nraise ValueError("env.py is broken")/' migrations/env.py
test_expect_failure_msg 'an env.py that raises: FAILED names env.py, line and exception' \
	"env.py failed at $TRASH/small/migrations/env.py:" \
	git dbmig downgrade base
test_expect_success '... ValueError, and the database is unchanged' '
	grep "ValueError: env.py is broken" "$TRASH/.err" &&
	test "$(rows small.db)" = a2
'
cp env.keep migrations/env.py

sed -i 's/connection=connection, target_metadata=target_metadata/connection=connection, target_metadata=target_metadata, version_table="my_versions"/' migrations/env.py
test_expect_failure_msg 'an env.py with another version table: FAILED before any step' \
	"env.py configures the version table my_versions, git-dbmig uses alembic_version" \
	git dbmig downgrade base
test_expect_success '... the database is unchanged' 'test "$(rows small.db)" = a2'
cp env.keep migrations/env.py

sed -i 's/^    connectable = engine_from_config(/    config.set_main_option("sqlalchemy.url", "sqlite:\/\/\/elsewhere.db")\n&/' migrations/env.py
test_expect_failure_msg 'an env.py that connects elsewhere: FAILED before any step' \
	"env.py's database has the version rows [] where git-dbmig read [a2]" \
	git dbmig downgrade base
test_expect_success '... the database is unchanged' 'test "$(rows small.db)" = a2'
cp env.keep migrations/env.py

test_expect_failure_msg 'GIT_DBMIG_PYTHON naming no Python' \
	"GIT_DBMIG_PYTHON names '/nonexistent/python3', which is not an executable Python" \
	env GIT_DBMIG_PYTHON=/nonexistent/python3 git dbmig downgrade base

mkdir -p "$TRASH/nopy" &&
for t in git sqlite3 sh cat sed grep env; do ln -sf "$(command -v $t)" "$TRASH/nopy/$t"; done
ln -sf "$SRC_ROOT/git-dbmig" "$TRASH/nopy/git-dbmig"
test_expect_failure_msg 'no Python at all' \
	"no Python found to run Alembic .py revisions" \
	env -u GIT_DBMIG_PYTHON -u VIRTUAL_ENV PATH="$TRASH/nopy" git-dbmig downgrade base

cat >"$TRASH/bare-python" <<EOF
#!/bin/sh
exec $PYTHON -S "\$@"
EOF
chmod +x "$TRASH/bare-python"
test_expect_failure_msg 'a Python without Alembic' \
	"cannot import sqlalchemy (No module named 'sqlalchemy'), alembic (No module named 'alembic'): install Alembic" \
	env GIT_DBMIG_PYTHON="$TRASH/bare-python" git dbmig downgrade base
test_expect_success '... the database is unchanged' 'test "$(rows small.db)" = a2'

rm -f small.db
test_expect_success '... and a missing database is not created' '
	! env GIT_DBMIG_PYTHON="$TRASH/bare-python" git dbmig upgrade heads 2>/dev/null &&
	! test -e small.db
'

mkdir -p "$TRASH/venv/bin" "$TRASH/alembic-bin"
ln -sf "$PYTHON" "$TRASH/venv/bin/python"
printf '#!/usr/bin/env %s\nimport sys\n' "$PYTHON" >"$TRASH/alembic-bin/alembic"
chmod +x "$TRASH/alembic-bin/alembic"
test_expect_success 'which Python: VIRTUAL_ENV first, then the interpreter of alembic on PATH' '
	env -u GIT_DBMIG_PYTHON VIRTUAL_ENV="$TRASH/venv" git dbmig doctor >doc 2>&1;
	grep -x "python: $TRASH/venv/bin/python (VIRTUAL_ENV; runs the 3 .py revisions)" doc &&
	env -u GIT_DBMIG_PYTHON -u VIRTUAL_ENV PATH="$TRASH/alembic-bin:$PATH" git dbmig doctor >doc 2>&1;
	grep -x "python: $PYTHON (the interpreter of '\''alembic'\'' on PATH; runs the 3 .py revisions)" doc &&
	git init -q . && git config dbmig.python "$TRASH/venv/bin/python" &&
	env -u GIT_DBMIG_PYTHON git dbmig doctor >doc 2>&1;
	grep -x "python: $TRASH/venv/bin/python (git config dbmig.python; runs the 3 .py revisions)" doc &&
	env -u GIT_DBMIG_PYTHON VIRTUAL_ENV="$TRASH/venv" git dbmig upgrade a1 && test "$(rows small.db)" = a1
'
cd "$TRASH" || exit 1

test_expect_success 'a plan mixing .py and .sql revisions: each runs, each commits on its own' '
	mkdir mixed && cd mixed &&
	"$PYTHON" -m alembic init migrations >/dev/null &&
	sed -i "s|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///mixed.db|" alembic.ini &&
	"$PYTHON" -m alembic revision -m "py one" --rev-id m1 >/dev/null &&
	sed -i "s/^def upgrade() -> None:\$/&\n    op.create_table(\"p1\", sa.Column(\"id\", sa.Integer))/; s/^def downgrade() -> None:\$/&\n    op.drop_table(\"p1\")/" migrations/versions/m1_*.py &&
	write_rev migrations/versions m2 m1 "" "" "CREATE TABLE s2 (id INTEGER);" "DROP TABLE s2;" &&
	"$PYTHON" -m alembic revision -m "py three" --rev-id m3 --head m2 >/dev/null 2>&1 ||
	cat >migrations/versions/m3_py_three.py <<-PY
	"""py three"""
	from alembic import op
	revision = "m3"
	down_revision = "m2"
	branch_labels = None
	depends_on = None
	def upgrade():
	    op.execute("INSERT INTO s2 (id) VALUES (3)")
	def downgrade():
	    op.execute("DELETE FROM s2")
	PY
	git dbmig upgrade heads 2>err &&
	grep -x "Running upgrade m1 -> m2, rev m2" err &&
	grep -x "Running upgrade m2 -> m3, py three" err &&
	test "$(rows mixed.db)" = m3 &&
	test "$(sqlite3 mixed.db "SELECT revision FROM dbmig_log ORDER BY id" | tr "\n" " ")" = "m1 m2 m3 " &&
	test "$(sqlite3 mixed.db "SELECT id FROM s2")" = 3 &&
	git dbmig downgrade base && test "$(rows mixed.db)" = "" &&
	! sqlite3 mixed.db .tables | grep -w "p1\|s2"
'

test_expect_failure_msg '--one-transaction on a mixed plan is refused' \
	"--one-transaction cannot hold both" \
	git -C mixed dbmig upgrade --one-transaction heads
test_expect_success '... nothing was changed' 'test "$(rows mixed/mixed.db)" = ""'

test_expect_success '--one-transaction on .py revisions: a failure rolls back the whole run' '
	cd small && git dbmig downgrade base && rm -f small.db &&
	! git dbmig upgrade --one-transaction heads 2>err &&
	grep "(the whole run was rolled back)" err &&
	test "$(rows small.db)" = "" && ! sqlite3 small.db .tables | grep -w account &&
	git dbmig upgrade --one-transaction a2 && test "$(rows small.db)" = a2
'

test_expect_success '--at and --staged run the .py files of that commit or index, modules included' '
	mkdir atproj && cd atproj && git init -q &&
	"$PYTHON" -m alembic init migrations >/dev/null &&
	sed -i "s|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///at.db|" alembic.ini &&
	mkdir app && printf "VALUE = %s\n" "\"committed\"" >app/__init__.py &&
	cat >migrations/versions/v1_one.py <<-PY &&
	"""one"""
	from alembic import op
	import app
	revision = "v1"
	down_revision = None
	branch_labels = None
	depends_on = None
	def upgrade():
	    op.execute("CREATE TABLE v (value VARCHAR(20))")
	    op.execute("INSERT INTO v VALUES (%r)" % app.VALUE)
	def downgrade():
	    op.execute("DROP TABLE v")
	PY
	git add -A && git commit -qm one &&
	printf "VALUE = %s\n" "\"staged\"" >app/__init__.py && git add app &&
	printf "VALUE = %s\n" "\"worktree\"" >app/__init__.py &&
	git dbmig --at HEAD upgrade heads &&
	test "$(sqlite3 at.db "SELECT value FROM v")" = committed &&
	test "$(sqlite3 at.db "SELECT blob_id FROM dbmig_log")" = "$(git rev-parse HEAD:migrations/versions/v1_one.py)" &&
	git dbmig --staged downgrade base && git dbmig --staged upgrade heads &&
	test "$(sqlite3 at.db "SELECT value FROM v")" = staged &&
	git dbmig downgrade base && git dbmig upgrade heads &&
	test "$(sqlite3 at.db "SELECT value FROM v")" = worktree &&
	! ls "${TMPDIR:-/tmp}" | grep "^git-dbmig-at\."
'

test_expect_success 'a project configured in pyproject.toml [tool.alembic]: the helper reads it too' '
	mkdir tomlproj && cd tomlproj &&
	"$PYTHON" -m alembic init migrations >/dev/null &&
	mkdir app && printf "VALUE = %s\n" "\"from app\"" >app/__init__.py &&
	sed -i -e "s|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///toml.db|" \
		-e "/^script_location/d" -e "/^prepend_sys_path/d" alembic.ini &&
	cat >pyproject.toml <<-TOML &&
	[tool.alembic]
	script_location = "%(here)s/migrations"
	prepend_sys_path = ["."]
	TOML
	cat >migrations/versions/t1_one.py <<-PY &&
	"""one"""
	from alembic import op
	import app
	revision = "t1"
	down_revision = None
	branch_labels = None
	depends_on = None
	def upgrade():
	    op.execute("CREATE TABLE t (value VARCHAR(20))")
	    op.execute("INSERT INTO t VALUES (%r)" % app.VALUE)
	def downgrade():
	    op.execute("DROP TABLE t")
	PY
	git dbmig upgrade heads &&
	test "$(rows toml.db)" = t1 &&
	test "$(sqlite3 toml.db "SELECT value FROM t")" = "from app" &&
	git dbmig downgrade base && test "$(rows toml.db)" = "" &&
	if "$PYTHON" -c "import alembic.config, inspect, sys
sys.exit(0 if \"toml_file\" in inspect.signature(alembic.config.Config.__init__).parameters else 1)"
	then
		# Alembic 1.16+ reads the same project the same way
		"$PYTHON" -m alembic upgrade heads >/dev/null 2>&1 &&
		test "$(rows toml.db)" = t1 &&
		git dbmig downgrade base && test "$(rows toml.db)" = ""
	fi
'

test_expect_success 'an env.py that runs the migrations twice on its database: the second run has nothing to do' '
	mkdir twice && cd twice &&
	"$PYTHON" -m alembic init migrations >/dev/null &&
	sed -i "s|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///twice.db|" alembic.ini &&
	cat >migrations/versions/w1_one.py <<-PY &&
	from alembic import op
	revision = "w1"
	down_revision = None
	branch_labels = None
	depends_on = None
	def upgrade():
	    op.execute("CREATE TABLE w (id INTEGER)")
	def downgrade():
	    op.execute("DROP TABLE w")
	PY
	sed -i "s|^            context.run_migrations()|            context.run_migrations()\n            context.run_migrations()|" migrations/env.py &&
	test "$(grep -c "context.run_migrations()" migrations/env.py)" -ge 3 &&
	git dbmig upgrade heads && test "$(rows twice.db)" = w1 &&
	git dbmig downgrade base && test "$(rows twice.db)" = "" &&
	# env.py and the revision were imported: no __pycache__ left behind
	test -z "$(find . -name __pycache__)" &&
	# Alembic takes the second run on the same database as nothing to do too
	"$PYTHON" -m alembic upgrade heads >/dev/null 2>&1 && test "$(rows twice.db)" = w1 &&
	"$PYTHON" -m alembic downgrade base >/dev/null 2>&1 && test "$(rows twice.db)" = ""
'

test_expect_success 'a multi-database env.py (a run per engine) is refused at the second database' '
	cd twice &&
	cat >>migrations/env.py <<-PY &&
	if not context.is_offline_mode():
	    from sqlalchemy import create_engine
	    with create_engine("sqlite:///other.db").connect() as other:
	        context.configure(connection=other, target_metadata=None)
	        with context.begin_transaction():
	            context.run_migrations()
	PY
	! git dbmig upgrade heads 2>err &&
	grep "^FAILED: env.py runs the migrations a second time, on a database at base (a multi-database env.py" err &&
	grep "give each database its own URL" err &&
	test "$(rows twice.db)" = w1 &&
	! sqlite3 other.db .tables | grep -w w
'

test_expect_success 'a project of .sql revisions never starts Python' '
	mkdir sqlonly && cd sqlonly && make_project &&
	write_rev migrations/versions s1 "" "" "" "CREATE TABLE s (id INTEGER);" "DROP TABLE s;" &&
	GIT_DBMIG_PYTHON=/nonexistent/python3 git dbmig upgrade heads &&
	test "$(rows test.db)" = s1 &&
	GIT_DBMIG_PYTHON=/nonexistent/python3 git dbmig doctor 2>&1 | grep -x "python: not needed (no .py revisions)"
'

test_done
