# tests/lib-crash.sh: kills git-dbmig with SIGKILL at many points of an
# upgrade or a downgrade and checks, after every kill, that the version
# rows describe exactly the revision bodies that took effect; then that
# a second upgrade finishes the job. Sourced after tests/lib.sh by the
# crash scripts (t8000 SQLite, t8100 PostgreSQL), which define:
#
#   CRASH_URL            the database URL
#   crash_db_init        make an empty database holding only "markers"
#   crash_save NAME      keep the database's current state as NAME
#   crash_restore NAME   put state NAME back (the only state in use)
#   crash_before_kill    succeed if the run holds a transaction open now
#   crash_after_kill     succeed if the killed run left one open
#                        (either may be ":" where it cannot be seen)
#   crash_state          print four lines about the database:
#                          rows: <version rows>
#                          markers: <ids in the markers table>
#                          tables: <ids X of the tables m_X>
#                          log: <id>=<upgrades minus downgrades in dbmig_log>...
#
# The graph (crash_graph) has two branches from one root, a second root,
# a depends_on between the branches and one across roots, a merge and a
# revision after it. Each revision's body creates a table m_<id> and a
# row in markers (primary key: a body run twice fails), and its downgrade
# removes both; so the bodies that took effect are visible twice over,
# once in DDL and once in DML, and dbmig_log counts every run.
#
# After a kill, crash_check asserts:
#   - the applied set implied by the rows (closed over down_revision and
#     depends_on) equals the set of markers, and the set of m_ tables;
#   - no row is an ancestor of another (rows are heads);
#   - in dbmig_log, every applied revision nets one upgrade, every other
#     none (no body lost, none doubled);
#   - for a kill at a chosen point (inside step K), the applied set is the
#     one before the run plus exactly the steps before K.
#
# Kill points: crash_kill_at kills inside the transaction of the K-th
# step (DBMIG_TEST_PAUSE_MS holds the step open before its COMMIT);
# crash_kill_after kills after a delay. Each run adds a line to
# $CRASH_LOG ("chosen", "random killed" or "random finished": a run that
# ended before its kill is no kill point); crash_summary counts them.

CRASH_LOG="$TRASH/.kills"
: >"$CRASH_LOG"
CRASH_SEED=${DBMIG_TEST_SEED:-$(date +%s)}
CRASH_V=migrations/versions
# A run that is to be killed does no leak check at exit (under
# SANITIZE=1): a kill in the middle of it leaves a half report.
CRASH_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# id|down_revisions|depends_on|branch_labels
crash_graph() {
	cat <<-\EOF
	r0|||
	a1|r0||A
	a2|a1||
	a3|a2||
	b1|r0||B
	b2|b1|a2|
	b3|b2||
	c1||b1|C
	c2|c1||
	m1|a3 b3||
	m2|m1|c2|
	d1|m2||
	EOF
}

crash_project() {
	make_project &&
	crash_graph >graph.txt &&
	while IFS='|' read -r id down deps labels; do
		write_rev $CRASH_V "$id" "$(echo $down | sed 's/ /, /g')" "$labels" \
			"$(echo $deps | sed 's/ /, /g')" \
			"CREATE TABLE m_$id (x INTEGER);
INSERT INTO m_$id (x) VALUES (1);
INSERT INTO markers (rev) VALUES ('$id');" \
			"DELETE FROM markers WHERE rev = '$id';
DROP TABLE m_$id;" || return 1
	done <graph.txt
}

cat >"$TRASH/crash_check.py" <<\PY
import sys

graph = {}
for line in open(sys.argv[1]):
    rid, down, deps, _ = line.rstrip("\n").split("|")
    graph[rid] = down.split() + deps.split()
state = {}
for line in open(sys.argv[2]):
    key, _, rest = line.rstrip("\n").partition(":")
    state[key] = rest.split()
expect = None
if len(sys.argv) > 3:
    # the applied set before the run, then the steps that finished
    words = open(sys.argv[3]).read().split()
    expect = set()
    for w in words:
        if w.startswith("+"):
            expect.add(w[1:])
        elif w.startswith("-"):
            expect.discard(w[1:])
        else:
            expect.add(w)

def closure(ids):
    seen, todo = set(), list(ids)
    while todo:
        r = todo.pop()
        if r in seen:
            continue
        if r not in graph:
            sys.exit("version row %r is not a revision" % r)
        seen.add(r)
        todo.extend(graph[r])
    return seen

rows = state.get("rows", [])
bad = []
applied = closure(rows)
markers, tables = set(state.get("markers", [])), set(state.get("tables", []))
if len(state.get("markers", [])) != len(markers):
    bad.append("a marker row is doubled")
if markers != applied:
    bad.append("rows imply %s but the marker rows are %s" % (sorted(applied), sorted(markers)))
if tables != applied:
    bad.append("rows imply %s but the marker tables are %s" % (sorted(applied), sorted(tables)))
for r in rows:
    if any(r in closure(graph[o]) for o in rows if o != r):
        bad.append("version row %s is an ancestor of another row" % r)
log = dict(w.split("=") for w in state.get("log", []))
for r in graph:
    want = 1 if r in applied else 0
    if int(log.get(r, 0)) != want:
        bad.append("dbmig_log nets %s runs of %s, expected %d" % (log.get(r, 0), r, want))
if expect is not None and applied != expect:
    bad.append("expected %s applied, found %s" % (sorted(expect), sorted(applied)))
if bad:
    print("rows: %s" % " ".join(sorted(rows)))
    sys.exit("\n".join(bad))
PY

# The applied set implied by the current rows, as "id id ...".
crash_applied() {
	crash_state >"$TRASH/.state" &&
	"$PYTHON" - "$TRASH/graph.txt" "$TRASH/.state" <<-\PY
	import sys
	graph = {}
	for line in open(sys.argv[1]):
	    rid, down, deps, _ = line.rstrip("\n").split("|")
	    graph[rid] = down.split() + deps.split()
	rows = []
	for line in open(sys.argv[2]):
	    if line.startswith("rows:"):
	        rows = line[5:].split()
	seen, todo = set(), list(rows)
	while todo:
	    r = todo.pop()
	    if r not in seen:
	        seen.add(r)
	        todo.extend(graph[r])
	print(" ".join(sorted(seen)))
	PY
}

# crash_check [EXPECT-FILE]: the state is consistent (and as expected).
crash_check() {
	crash_state >"$TRASH/.state" || return 1
	"$PYTHON" "$TRASH/crash_check.py" "$TRASH/graph.txt" "$TRASH/.state" "$@"
}

# A second upgrade finishes the job: every revision applied, once.
crash_finish() {
	git-dbmig --url "$CRASH_URL" upgrade heads >"$TRASH/.finish.out" 2>"$TRASH/.finish.err" || {
		cat "$TRASH/.finish.err"
		return 1
	}
	crash_graph | cut -d'|' -f1 >"$TRASH/.all"
	crash_check "$TRASH/.all"
}

# Steps that finished before the last "Running" line of $1, as +id / -id.
crash_done_steps() {
	sed -n 's/^Running \(upgrade\|downgrade\) .*, rev \([A-Za-z0-9_]*\).*$/\1 \2/p' "$1" |
		sed '$d' | sed -e 's/^upgrade /+/' -e 's/^downgrade /-/'
}

# crash_kill_at K PAUSE_MS ARGS...: run git-dbmig ARGS with each step
# held open before its COMMIT (DBMIG_TEST_HOLD: the run writes the step's
# number to a file and waits until the file is gone); let the steps before
# the K-th go on, kill the run while the K-th is held; check that exactly
# the steps before K took effect (none of them with --one-transaction
# among ARGS). PAUSE_MS is added to every step as well, so that steps
# take time. Holding, not sleeping: a loaded machine cannot make the kill
# land after the COMMIT.
crash_kill_at() {
	ck_k=$1 ck_pause=$2
	shift 2
	ck_before=$(crash_applied) || return 1
	ck_hold=$TRASH/.hold
	rm -f "$ck_hold"
	DBMIG_TEST_HOLD=$ck_hold DBMIG_TEST_PAUSE_MS=$ck_pause ASAN_OPTIONS=$CRASH_ASAN \
		git-dbmig --url "$CRASH_URL" "$@" >"$TRASH/.run.out" 2>"$TRASH/.run.err" &
	ck_pid=$!
	ck_n=0
	while :; do
		if [ -f "$ck_hold" ]; then
			ck_at=$(cat "$ck_hold")
			[ "$ck_at" -ge "$ck_k" ] && break
			rm -f "$ck_hold"
		elif ! kill -0 $ck_pid 2>/dev/null; then
			echo "run ended before step $ck_k:"
			cat "$TRASH/.run.err"
			return 1
		fi
		ck_n=$((ck_n + 1))
		if [ $ck_n -gt 6000 ]; then
			kill -9 $ck_pid
			echo "step $ck_k never started"
			return 1
		fi
		sleep 0.01
	done
	crash_before_kill || {
		kill -9 $ck_pid
		echo "step $ck_k: no transaction in progress before the kill"
		return 1
	}
	kill -9 $ck_pid 2>/dev/null
	wait $ck_pid
	ck_st=$?
	rm -f "$ck_hold"
	if [ $ck_st != 137 ]; then
		echo "run ended with $ck_st before the kill in step $ck_k:"
		cat "$TRASH/.run.err"
		return 1
	fi
	echo chosen >>"$CRASH_LOG"
	crash_after_kill || {
		echo "step $ck_k: no transaction was in progress at the kill"
		return 1
	}
	case " $* " in
	*" --one-transaction "*) echo "$ck_before" ;;
	*) echo "$ck_before"; crash_done_steps "$TRASH/.run.err" ;;
	esac >"$TRASH/.expect"
	crash_check "$TRASH/.expect" || {
		sed 's/^/run: /' "$TRASH/.run.err"
		return 1
	}
}

# crash_kill_after SECONDS ARGS...: kill git-dbmig ARGS after a delay.
crash_kill_after() {
	ck_delay=$1
	shift
	ASAN_OPTIONS=$CRASH_ASAN git-dbmig --url "$CRASH_URL" "$@" >"$TRASH/.run.out" 2>"$TRASH/.run.err" &
	ck_pid=$!
	sleep "$ck_delay"
	kill -9 $ck_pid 2>/dev/null
	if wait $ck_pid; then
		echo "random finished" >>"$CRASH_LOG"
	elif [ $? = 137 ]; then
		echo "random killed" >>"$CRASH_LOG"
	else
		echo "random finished" >>"$CRASH_LOG"
	fi
	crash_check || {
		echo "after a kill at ${ck_delay}s:"
		sed 's/^/run: /' "$TRASH/.run.err"
		return 1
	}
}

# N delays in [0, MAX) seconds from the run's seed, one a line.
crash_delays() {
	awk -v seed="$CRASH_SEED$3" -v n="$1" -v max="$2" \
		'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.4f\n", rand() * max }'
}

# Seconds a command takes, as a decimal.
crash_time() {
	ct_t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	ct_t1=$(date +%s%N)
	awk -v a="$ct_t0" -v b="$ct_t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'
}

# crash_chosen STATE ARGS...: from state STATE, kill inside each step of
# the plan of ARGS in turn, check, and finish.
crash_chosen() {
	cc_state=$1
	shift
	crash_restore "$cc_state" &&
	cc_n=$(git-dbmig --url "$CRASH_URL" "$@" 2>&1 >/dev/null | grep -c '^Running') &&
	test "$cc_n" -gt 0 || { echo "no plan for: $*"; return 1; }
	cc_k=1
	while [ $cc_k -le "$cc_n" ]; do
		crash_restore "$cc_state" &&
		crash_kill_at $cc_k "$CRASH_PAUSE" "$@" &&
		crash_finish || { echo "kill inside step $cc_k of: $*"; return 1; }
		cc_k=$((cc_k + 1))
	done
}

# crash_random STATE N TAG ARGS...: N kills after random delays within
# the time a whole run of ARGS from STATE takes (the fastest of 3); each
# followed by the check and a finishing run. TAG varies the delays.
crash_random() {
	cr_state=$1 cr_n=$2 cr_tag=$3
	shift 3
	cr_full=
	for cr_i in 1 2 3; do
		crash_restore "$cr_state" &&
		cr_t=$(crash_time env ASAN_OPTIONS="$CRASH_ASAN" git-dbmig --url "$CRASH_URL" "$@") || return 1
		cr_full=$(awk -v a="$cr_t" -v b="${cr_full:-$cr_t}" 'BEGIN { print (a < b ? a : b) }')
	done
	echo "a whole run of '$*' from $cr_state takes ${cr_full}s (fastest of 3)" &&
	cr_max=$(awk -v f="$cr_full" 'BEGIN { printf "%.4f", f * 0.85 }') &&
	for cr_d in $(crash_delays "$cr_n" "$cr_max" "$cr_tag"); do
		crash_restore "$cr_state" &&
		crash_kill_after "$cr_d" "$@" &&
		crash_finish || return 1
	done
}

crash_summary() {
	cs_chosen=$(grep -c '^chosen$' "$CRASH_LOG")
	cs_killed=$(grep -c '^random killed$' "$CRASH_LOG")
	cs_ended=$(grep -c '^random finished$' "$CRASH_LOG")
	say "# kill points tried: $((cs_chosen + cs_killed)) ($cs_chosen inside chosen steps, $cs_killed after random delays; $cs_ended more runs ended before their kill); seed $CRASH_SEED"
}
