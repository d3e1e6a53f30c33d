#!/bin/sh
# t3000-seed-deployment: the seed document's "Deployment example" command
# list, run by Alembic 1.8.1 (on a mirror of the project) and by git-dbmig,
# each tool on its own SQLite file, compared by tests/compare.py.
#
# Env: GIT_DBMIG   binary under test (default: ../git-dbmig next to tests/)
#      T3000_PROJECT  project folder (default: the repository root, which
#                  holds alembic.ini and migrations/)
#      CI=true     a missing alembic is an error instead of a skip

here=$(cd "$(dirname "$0")" && pwd) || exit 1
root=$(dirname "$here")
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
	echo "t3000: git-dbmig binary '$bin' is missing (set GIT_DBMIG or run make)" >&2
	exit 1
fi

project=${T3000_PROJECT:-$root}
if [ ! -f "$project/alembic.ini" ] || [ ! -d "$project/migrations/versions" ]; then
	echo "t3000: no alembic.ini + migrations/versions in '$project'" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/t3000.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# A private copy: the tools read the same files, nothing is written in the
# repository, and git-dbmig runs outside a git work tree.
mkdir "$tmp/project" &&
cp "$project/alembic.ini" "$tmp/project/" &&
cp -R "$project/migrations" "$tmp/project/" &&
cp "$bin" "$tmp/git-dbmig" || exit 1	# it may be rebuilt while we run

cat >"$tmp/commands" <<'CMDS'
# shared/seed/alembic-branches-example.md, "Deployment example"
alembic heads | sort
alembic history

alembic upgrade    INITCORE@head
alembic upgrade    INITMOD1@head
alembic upgrade    INITMOD2@head
alembic upgrade    INITMOD3@head
alembic current

alembic upgrade    CORE@head
alembic upgrade    MOD1@head
alembic upgrade    MOD2@head
alembic upgrade    MOD3@head
alembic current

alembic downgrade  CORE@base
alembic downgrade  MOD1@-1
alembic downgrade  MOD2@-2
alembic downgrade  MOD3@-3
alembic current

alembic downgrade  base
alembic upgrade    INITALL@head
alembic downgrade  base
alembic upgrade    INITDEV@head

alembic upgrade    heads
alembic current
CMDS

cd "$tmp" || exit 1
"$PY" "$here/compare.py" --project "$tmp/project" --bin "$tmp/git-dbmig" \
	--commands "$tmp/commands" --workdir "$tmp/work"
