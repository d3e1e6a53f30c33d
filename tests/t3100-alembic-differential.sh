#!/bin/sh
# t3100-alembic-differential: random revision graphs (tests/gen_graph.py
# --overlaps), random command sequences, the installed Alembic vs git-dbmig
# (tests/differential.py): exact with Alembic 1.13.1 and later; with an
# older one only its rows of ticket #1373 are accepted (tests/compare.py).
#
# Env: GIT_DBMIG   binary under test (default: ../git-dbmig next to tests/)
#      T3100_SEEDS comma-separated graph seeds (default: a fixed list)
#      T3100_STEPS commands per graph (default 25)
#      T3100_JOBS  parallel graphs (default: 2)
#      CI=true     a missing alembic is an error instead of a skip

here=$(cd "$(dirname "$0")" && pwd) || exit 1
PY=/usr/bin/python3

if ! "$PY" -c 'import alembic' >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "alembic is required in CI" >&2
		exit 1
	fi
	echo "skipped: alembic not installed"
	exit 0
fi

bin=${GIT_DBMIG:-$here/../git-dbmig}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
if [ ! -x "$bin" ]; then
	echo "t3100: git-dbmig binary '$bin' is missing (set GIT_DBMIG or run make)" >&2
	exit 1
fi

seeds=${T3100_SEEDS:-1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,114,257,292}
cd "${TMPDIR:-/tmp}" || exit 1
exec "$PY" "$here/differential.py" --bin "$bin" --seeds "$seeds" \
	--steps "${T3100_STEPS:-25}" --jobs "${T3100_JOBS:-2}"
