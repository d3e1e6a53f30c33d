#!/bin/sh
# t3200: Alembic and git-dbmig take turns on one SQLite database with the
# seed's revisions: each continues where the other stopped.
. "$(dirname "$0")/lib.sh"

require_python alembic

seed_project
"$PYTHON" "$TEST_DIR/alembic_mirror.py" . al >/dev/null || exit 1
DB="$TRASH/shared.db"
SQLALCHEMY_URL="sqlite:///$DB"
export SQLALCHEMY_URL
alembic() { (cd al && "$PYTHON" -m alembic "$@"); }

test_expect_success 'Alembic installs CORE, git-dbmig continues with MOD1' '
	alembic upgrade INITCORE@head 2>/dev/null &&
	test "$(rows "$DB")" = init_core_popdata &&
	git dbmig upgrade MOD1@head 2>err &&
	! grep -q "init_core_newtable," err &&
	test "$(rows "$DB")" = "init_core_popdata mod1_rev3"
'

test_expect_success 'Alembic continues from what git-dbmig left' '
	alembic upgrade CORE@head 2>err &&
	grep -q "Running upgrade init_core_version0 -> core_rev1" err &&
	test "$(rows "$DB")" = "core_rev3 mod1_rev3"
'

test_expect_success 'git-dbmig upgrades the rest, Alembic finds nothing to do' '
	git dbmig upgrade heads 2>/dev/null &&
	alembic upgrade heads 2>err &&
	! grep -q "Running upgrade" err &&
	test "$(rows "$DB")" = "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3"
'

test_expect_success 'Alembic downgrades a module, git-dbmig downgrades the rest to base' '
	alembic downgrade MOD2@-2 2>/dev/null &&
	git dbmig current >cur && grep -q "^mod2_rev1$" cur &&
	git dbmig downgrade base 2>/dev/null &&
	test "$(rows "$DB")" = "" &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE type IN ('"'"'table'"'"', '"'"'view'"'"') AND name NOT IN ('"'"'alembic_version'"'"', '"'"'dbmig_log'"'"')")" = 0
'

test_done
