# tests/lib-pg.sh: a PostgreSQL server for the tests. Source it after
# tests/lib.sh.
#
# Without DBMIG_TEST_PG_URL it starts the suite's own server: initdb and
# pg_ctl from /usr/lib/postgresql/*/bin (or PATH) into a temporary
# folder, listening on a free loopback port (and a socket in that folder),
# password authentication over TCP. initdb refuses to run as root, so
# root runs the server as the unprivileged user dbmigtest (created when
# missing), which owns the folder. The server is stopped and its folder
# removed when the script exits, also after a failure or a signal; when a
# test failed, its log is copied into $TRASH.
#
# DBMIG_TEST_PG_URL=postgresql://user:pass@host:port/db points the tests
# at an existing server instead; the role must be allowed to create
# databases. Every database a test makes is dropped at the end.
#
# When there is neither, the script says why and skips (exit 0), except
# under CI=true, where a skip is a failure.
#
# After sourcing:
#   PG_HOST PG_PORT PG_USER PG_PASSWORD   the server and an admin role
#   PG_URL        postgresql:// URL of a fresh database made for the script
#   pg_createdb NAME           make a fresh database for NAME, print its URL
#                              (its real name has this script's prefix)
#   pg_url DB                  URL of database DB on the server
#   pg_sql URL SQL             run SQL (psql, stop at the first error)
#   pg_query URL SQL           print the result, unaligned, one row a line
#   pg_rows URL [TABLE]        sorted version rows on one line, as rows()

pg_skip() {
	if [ "${CI:-}" = true ]; then
		say "FAILED: $TEST_NAME: $1 (CI=true: a skip is a failure)"
		cd / && rm -rf "$TRASH"
		exit 1
	fi
	say "skipped: $TEST_NAME: $1"
	cd / && rm -rf "$TRASH"
	exit 0
}

pg_bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	d=$(command -v initdb 2>/dev/null) && [ -n "$d" ] && dirname "$d"
}

PG_BIN=$(pg_bindir)
PSQL=
for p in ${PG_BIN:+"$PG_BIN/psql"} $(command -v psql 2>/dev/null); do
	if [ -x "$p" ]; then
		PSQL=$p
		break
	fi
done

# psql takes libpq URIs: drop SQLAlchemy's "+driver".
pg_libpq_uri() {
	printf '%s\n' "$1" | sed -e 's|^postgres\(ql\)*+[A-Za-z0-9_]*://|postgresql://|'
}

pg_sql() {
	PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" \
		"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$(pg_libpq_uri "$1")" -c "$2" >/dev/null
}

pg_query() {
	PGCONNECT_TIMEOUT=10 "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -d "$(pg_libpq_uri "$1")" -c "$2"
}

pg_rows() {
	pg_query "$1" "SELECT version_num FROM ${2:-alembic_version} ORDER BY 1" 2>/dev/null |
		tr '\n' ' ' | sed 's/ $//'
}

pg_url() {
	printf 'postgresql://%s:%s@%s:%s/%s\n' "$PG_USER" "$PG_PASSWORD" "$PG_HOST" "$PG_PORT" "$1"
}

# Every database of this script starts with this, so that pg_stop finds
# them all, also those made in the subshell of a test.
PG_PREFIX="dbmig_$(echo "$TEST_NAME" | tr -c 'A-Za-z0-9\n' _ | tr A-Z a-z)_$$_"
pg_createdb() {
	pg_sql "$PG_ADMIN_URL" "DROP DATABASE IF EXISTS \"$PG_PREFIX$1\" WITH (FORCE)" &&
	pg_sql "$PG_ADMIN_URL" "CREATE DATABASE \"$PG_PREFIX$1\"" || return 1
	pg_url "$PG_PREFIX$1"
}

PG_DIR=
PG_OWNER=
pg_as_owner() {
	if [ -n "$PG_OWNER" ]; then
		runuser -u "$PG_OWNER" -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	if [ -z "$PG_DIR" ] && [ -n "${PG_ADMIN_URL:-}" ] && [ -n "$PSQL" ]; then
		for db in $(pg_query "$PG_ADMIN_URL" "SELECT datname FROM pg_database WHERE starts_with(datname, '$PG_PREFIX')" 2>/dev/null); do
			pg_sql "$PG_ADMIN_URL" "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" 2>/dev/null
		done
	fi
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
		if [ -f "$PG_DIR/data/postmaster.pid" ]; then
			pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
		fi
		if [ "${test_failed:-0}" != 0 ] && [ -d "$TRASH" ]; then
			cp "$PG_DIR/log" "$TRASH/postgresql.log" 2>/dev/null
		fi
		rm -rf "$PG_DIR"
		PG_DIR=
	fi
}

pg_free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

pg_start_own() {
	if [ "$(id -u)" = 0 ]; then
		PG_OWNER=dbmigtest
		if ! id "$PG_OWNER" >/dev/null 2>&1; then
			useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER" 2>/dev/null ||
				pg_skip "cannot create the unprivileged user $PG_OWNER for the test server"
		fi
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbmig-pg.XXXXXX") || exit 1
	chmod 755 "$PG_DIR"
	if [ -n "$PG_OWNER" ] && ! runuser -u "$PG_OWNER" -- test -x "$PG_DIR"; then
		# TMPDIR is closed to the server's user: use /tmp
		rmdir "$PG_DIR"
		PG_DIR=$(mktemp -d /tmp/dbmig-pg.XXXXXX) || exit 1
		chmod 755 "$PG_DIR"
	fi
	PG_USER=dbmig
	PG_PASSWORD="pg-Secret-$$"
	PG_HOST=127.0.0.1
	printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile"
	[ -n "$PG_OWNER" ] && chown -R "$PG_OWNER" "$PG_DIR"
	if ! pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" \
		--pwfile="$PG_DIR/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
		-E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1; then
		cat "$PG_DIR/initdb.log" >&2
		say "FAILED: $TEST_NAME: initdb failed"
		exit 1
	fi
	rm -f "$PG_DIR/pwfile"
	tries=0
	while :; do
		PG_PORT=$(pg_free_port)
		if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c max_connections=60" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 3 ]; then
			cat "$PG_DIR/log" >&2
			say "FAILED: $TEST_NAME: the PostgreSQL test server did not start"
			exit 1
		fi
	done
	PG_ADMIN_URL=$(pg_url postgres)
}

trap 'pg_stop' EXIT
trap 'exit 130' INT TERM HUP

if [ -z "$PSQL" ]; then
	pg_skip "psql not found (install postgresql-client)"
fi
if [ -n "${DBMIG_TEST_PG_URL:-}" ]; then
	PG_ADMIN_URL=$DBMIG_TEST_PG_URL
	eval "$("$PYTHON" - "$DBMIG_TEST_PG_URL" <<'PY'
import shlex, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1].replace("+psycopg2", ""))
for k, v in (("PG_HOST", u.hostname or "127.0.0.1"), ("PG_PORT", u.port or 5432),
             ("PG_USER", urllib.parse.unquote(u.username or "")),
             ("PG_PASSWORD", urllib.parse.unquote(u.password or ""))):
    print("%s=%s" % (k, shlex.quote(str(v))))
PY
)"
	pg_query "$PG_ADMIN_URL" "SELECT 1" >/dev/null ||
		pg_skip "cannot connect to DBMIG_TEST_PG_URL"
elif [ -z "$PG_BIN" ]; then
	pg_skip "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql or set DBMIG_TEST_PG_URL"
else
	pg_start_own
fi
PG_URL=$(pg_createdb main) || {
	say "FAILED: $TEST_NAME: cannot create a test database"
	exit 1
}
