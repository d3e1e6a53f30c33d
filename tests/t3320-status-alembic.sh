#!/bin/sh
# t3320-status-alembic: Alembic and git-dbmig take turns on one SQLite
# database; "status" tells which revisions Alembic applied (no dbmig_log
# row: "outside") from those git-dbmig applied, and "verify" finds the
# schema Alembic made the one the revisions make.
. "$(dirname "$0")/lib.sh"

require_python alembic

seed_project
"$PYTHON" "$TEST_DIR/alembic_mirror.py" . al >/dev/null || exit 1
DB="$TRASH/shared.db"
SQLALCHEMY_URL="sqlite:///$DB"
export SQLALCHEMY_URL
alembic() { (cd al && "$PYTHON" -m alembic "$@"); }

test_expect_success 'Alembic installs CORE, git-dbmig MOD1: status tells them apart' '
	alembic upgrade CORE@head 2>/dev/null &&
	git dbmig -q upgrade MOD1@head &&
	git dbmig status >out &&
	for r in init_core_newtable init_core_funcproc init_core_popdata init_core_version0 \
		 core_rev1 core_rev2 core_rev3; do
		grep -q "^outside  *$r  *no dbmig_log row: applied outside git-dbmig" out ||
			{ echo "$r is not outside"; exit 1; }
	done &&
	for r in init_mod1_newtable init_mod1_popdata mod1_rev1 mod1_rev3; do
		grep -q "^applied  *$r  *[0-9-]* [0-9:]*Z by " out || { echo "$r is not applied"; exit 1; }
	done &&
	grep -q "^outside  *core_rev3 .*(version row)$" out &&
	grep -q "^applied  *mod1_rev3 .*(version row)$" out &&
	grep -q " 7 outside git-dbmig, " out
'

test_expect_success 'verify: the schema Alembic made is the one the revisions make' '
	git dbmig verify >out &&
	grep -q "^verify: sqlite:///$DB: ok, 14 applied revisions as committed, schema as they make it" out
'

test_expect_success 'Alembic downgrades MOD1 one step: status follows the rows' '
	alembic downgrade MOD1@-1 2>/dev/null &&
	git dbmig status >out &&
	grep -q "^pending  *mod1_rev3$" out &&
	grep -q "^applied  *mod1_rev2 .*(version row)$" out &&
	grep -q "^MOD1  *at mod1_rev2, 1 behind mod1_rev3$" out &&
	git dbmig verify >/dev/null
'

test_done
