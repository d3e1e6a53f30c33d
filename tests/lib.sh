# tests/lib.sh: sourced by every tNNNN-*.sh end-to-end script.
#
# Puts the built git-dbmig first in PATH (so "git dbmig" runs it), fixes
# the locale, time zone and git identity, makes a fresh work folder
# ($TRASH) and removes it at the end unless a test failed or
# DBMIG_TEST_KEEP=1. DBMIG_TEST_VALGRIND=1 runs git-dbmig under
# valgrind's memcheck.
#
#   test_expect_success "title" 'commands'
#   test_expect_failure_msg "title" "expected FAILED text" command...
#   test_done

set -u
LC_ALL=C
TZ=UTC
export LC_ALL TZ
GIT_AUTHOR_NAME="A U Thor"
GIT_AUTHOR_EMAIL=author@example.com
GIT_COMMITTER_NAME="C O Mitter"
GIT_COMMITTER_EMAIL=committer@example.com
GIT_AUTHOR_DATE="2026-11-24 12:00:00 +0000"
GIT_COMMITTER_DATE="2026-11-24 12:00:00 +0000"
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL \
	GIT_AUTHOR_DATE GIT_COMMITTER_DATE
unset SQLALCHEMY_URL GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
# Python writes __pycache__ as on a machine where nobody turned it off
unset PYTHONDONTWRITEBYTECODE
GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_NOSYSTEM

TEST_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_ROOT=$(dirname "$TEST_DIR")
TEST_NAME=$(basename "$0" .sh)
PYTHON=/usr/bin/python3

BIN_DIR="$SRC_ROOT/build/test-bin"
mkdir -p "$BIN_DIR"
rm -f "$BIN_DIR/git-dbmig"
if [ "${DBMIG_TEST_VALGRIND:-}" = 1 ]; then
	cat >"$BIN_DIR/git-dbmig" <<VG
#!/bin/sh
exec valgrind -q --error-exitcode=126 --leak-check=full --errors-for-leak-kinds=definite --suppressions="$TEST_DIR/valgrind-graphviz.supp" "$SRC_ROOT/git-dbmig" "\$@"
VG
	chmod +x "$BIN_DIR/git-dbmig"
else
	ln -sf "$SRC_ROOT/git-dbmig" "$BIN_DIR/git-dbmig"
fi
PATH="$BIN_DIR:$PATH"
export PATH

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/$TEST_NAME.XXXXXX")
export HOME="$TRASH/home"
mkdir -p "$HOME"
cd "$TRASH" || exit 1

test_count=0
test_failed=0

say() { printf '%s\n' "$*"; }

test_expect_success() {
	test_count=$((test_count + 1))
	if ( eval "$2" ) >"$TRASH/.out" 2>&1; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
	fi
}

# Run a command that must fail with one FAILED: line containing $2.
test_expect_failure_msg() {
	title=$1 msg=$2
	shift 2
	test_count=$((test_count + 1))
	if "$@" >"$TRASH/.out" 2>"$TRASH/.err"; then
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $title (succeeded)"
		sed 's/^/#   /' "$TRASH/.out" "$TRASH/.err"
		return
	fi
	if [ "$(grep -c '^FAILED: ' "$TRASH/.err")" != 1 ] || ! grep -F -q -- "$msg" "$TRASH/.err"; then
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $title (wrong message; expected '$msg')"
		sed 's/^/#   /' "$TRASH/.err"
		return
	fi
	say "ok $test_count - $title"
}

# Sorted version rows of a SQLite file.
rows() {
	sqlite3 "$1" "SELECT version_num FROM ${2:-alembic_version} ORDER BY 1" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

# The seed document's "Deployment example", one git dbmig command a line
# (plus a verbose history), for the backends' scenario tests.
SEED_CMDS='heads
history
upgrade INITCORE@head
upgrade INITMOD1@head
upgrade INITMOD2@head
upgrade INITMOD3@head
current
upgrade CORE@head
upgrade MOD1@head
upgrade MOD2@head
upgrade MOD3@head
current
downgrade CORE@base
downgrade MOD1@-1
downgrade MOD2@-2
downgrade MOD3@-3
current
downgrade base
upgrade INITALL@head
downgrade base
upgrade INITDEV@head
upgrade heads
current
history --verbose'

# A copy of the seed project (alembic.ini + migrations/) in the current folder.
seed_project() {
	cp "$SRC_ROOT/alembic.ini" . &&
	cp -r "$SRC_ROOT/migrations" .
}

# Write a .sql revision: write_rev DIR ID DOWN LABELS DEPS UPGRADE DOWNGRADE
write_rev() {
	mkdir -p "$1"
	{
		printf -- '-- message: %s\n-- revision: %s\n-- down_revision: %s\n' "rev $2" "$2" "$3"
		printf -- '-- branch_labels: %s\n-- depends_on: %s\n\n' "$4" "$5"
		printf -- '-- migrate:upgrade\n%s\n\n-- migrate:downgrade\n%s\n' "$6" "$7"
	} >"$1/$2_rev.sql"
}

# A project in the current folder: alembic.ini with script_location=migrations.
make_project() {
	cat >alembic.ini <<INI
[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///test.db
INI
	mkdir -p migrations/versions
}

have_alembic() { "$PYTHON" -c 'import alembic' >/dev/null 2>&1; }

# Ends the script unless $PYTHON imports every module named
# ("require_python alembic psycopg2"): skipped, or in CI failed.
require_python() {
	"$PYTHON" -c "import $(echo "$*" | tr ' ' ',')" >/dev/null 2>&1 && return 0
	if [ "${CI:-}" = true ]; then
		say "FAILED: $TEST_NAME: $* required in CI (for $PYTHON)"
		exit 1
	fi
	say "skipped: $TEST_NAME: $* not installed for $PYTHON"
	cd / && rm -rf "$TRASH"
	exit 0
}

test_done() {
	say "# $TEST_NAME: $test_count tests, $test_failed failed"
	cd /
	if [ "$test_failed" = 0 ] && [ "${DBMIG_TEST_KEEP:-}" != 1 ]; then
		rm -rf "$TRASH"
	else
		say "# kept $TRASH"
	fi
	[ "$test_failed" = 0 ]
	exit $?
}
