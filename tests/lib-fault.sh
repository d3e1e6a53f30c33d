# tests/lib-fault.sh: faults in the network between git-dbmig and its
# server, through tests/faultproxy.py. Source it after tests/lib.sh and
# tests/lib-crash.sh (whose crash_* functions say what the database holds
# and whether it agrees with itself).
#
#   fault_proxy_start HOST:PORT   start a proxy to that server; sets
#                                 FP_PORT (where to connect) and FP_PID
#   fault_rule JSON               the next fault (see faultproxy.py);
#                                 "" passes everything (and keeps the
#                                 log of the last one)
#   fault_fired                   succeed if the last rule struck
#   fault_case NAME EXPECT-ID ARGS...
#       with a rule in force, run git-dbmig ARGS (under `timeout`) on
#       FAULT_URL and check: it fails with exactly one FAILED line that
#       names EXPECT-ID (a revision, or what was struck), in
#       FAULT_MAX_S seconds at most, without a crash; the database holds
#       exactly the steps that committed (the steps before the failing
#       one, and that one too when the message says it committed); a
#       rerun without the fault (crash_finish) applies every body once.
#       Each case adds a line to $FAULT_TABLE. With FAULT_MAY_RECOVER=1
#       a run that finishes without a FAILED line passes too (over HTTP
#       a request whose answer was lost is settled and the run goes on),
#       if the database then holds every step once.
#
# The tables in $FAULT_TABLE ("backend | fault | point | outcome")
# are printed by fault_summary.

FAULT_TABLE="$TRASH/.faults"
: >"$FAULT_TABLE"
FAULT_MAX_S=${FAULT_MAX_S:-20}
FP_PIDS=

fault_proxy_start() {
	FP_SEQ=$((${FP_SEQ:-0} + 1))
	FP_DIR="$TRASH/.fp$FP_SEQ"
	mkdir -p "$FP_DIR"
	: >"$FP_DIR/log"
	"$PYTHON" "$TEST_DIR/faultproxy.py" "$FP_DIR/port" "$1" "$FP_DIR/rule" "$FP_DIR/log" \
		2>"$FP_DIR/err" &
	FP_PID=$!
	FP_PIDS="$FP_PIDS $FP_PID"
	n=0
	while [ ! -s "$FP_DIR/port" ]; do
		n=$((n + 1))
		[ $n -lt 100 ] || { say "FAILED: $TEST_NAME: the fault proxy did not start"; cat "$FP_DIR/err"; exit 1; }
		sleep 0.05
	done
	FP_PORT=$(cat "$FP_DIR/port")
}

fault_proxy_stop() {
	for p in $FP_PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	FP_PIDS=
}

# A new rule file each time (a new inode), so the proxy sees the change.
fault_rule() {
	if [ -n "$1" ]; then
		: >"$FP_DIR/log"
	fi
	printf '%s\n' "$1" >"$FP_DIR/rule.new" &&
	mv "$FP_DIR/rule.new" "$FP_DIR/rule"
}

fault_fired() {
	grep -q '^fired ' "$FP_DIR/log"
}

# fault_case BACKEND FAULT POINT EXPECT ARGS...
fault_case() {
	fc_backend=$1 fc_fault=$2 fc_point=$3 fc_expect=$4
	shift 4
	fc_before=$(crash_applied) || return 1
	fc_t0=$(date +%s)
	fc_st=0
	ASAN_OPTIONS=$CRASH_ASAN timeout -s KILL $((FAULT_MAX_S + 10)) \
		git-dbmig --url "$FAULT_URL" "$@" >"$TRASH/.run.out" 2>"$TRASH/.run.err" || fc_st=$?
	fc_secs=$(($(date +%s) - fc_t0))
	fault_rule ""
	fc_bad=
	fc_outcome="clean FAILED in ${fc_secs}s"
	if [ $fc_st = 0 ] && [ "${FAULT_MAY_RECOVER:-}" = 1 ] && ! grep -q '^FAILED' "$TRASH/.run.err"; then
		fc_outcome="recovered (asked the server, went on) in ${fc_secs}s"
	elif [ $fc_st = 0 ]; then
		fc_bad="the run succeeded"
	elif [ $fc_st -ge 124 ]; then
		fc_bad="the run ended with status $fc_st (hang or crash)"
	elif [ "$(grep -c '^FAILED: ' "$TRASH/.run.err")" != 1 ]; then
		fc_bad="not one FAILED line"
	elif ! grep '^FAILED: ' "$TRASH/.run.err" | grep -F -q -- "$fc_expect"; then
		fc_bad="the FAILED line does not name '$fc_expect'"
	elif [ "$fc_secs" -gt "$FAULT_MAX_S" ]; then
		fc_bad="took ${fc_secs}s"
	fi
	if [ -n "$fc_bad" ]; then
		echo "$fc_backend | $fc_fault | $fc_point | $fc_bad" >>"$FAULT_TABLE"
		echo "$fc_fault at $fc_point: $fc_bad"
		sed 's/^/run: /' "$TRASH/.run.err"
		return 1
	fi
	# what committed: the steps before the failing one, and that one if
	# the database said so
	{
		echo "$fc_before"
		case " $* " in
		*" --one-transaction "*) ;;
		*) crash_done_steps "$TRASH/.run.err" ;;
		esac
		if [ $fc_st = 0 ]; then
			crash_graph | cut -d'|' -f1
		elif grep -q '^FAILED: .*server says transaction [0-9]* committed' "$TRASH/.run.err"; then
			sed -n 's/^Running \(upgrade\|downgrade\) .*, rev \([A-Za-z0-9_]*\).*$/\1 \2/p' "$TRASH/.run.err" |
				sed -n '$p' | sed -e 's/^upgrade /+/' -e 's/^downgrade /-/'
		fi
	} >"$TRASH/.expect"
	if grep -q '^FAILED: .*a rerun finds out about this one' "$TRASH/.run.err"; then
		crash_check || fc_bad="the database disagrees with itself"
	else
		crash_check "$TRASH/.expect" || fc_bad="the database does not hold what committed"
	fi
	if [ -z "$fc_bad" ]; then
		crash_finish || fc_bad="the rerun did not finish the job"
	fi
	if [ -n "$fc_bad" ]; then
		echo "$fc_backend | $fc_fault | $fc_point | $fc_bad" >>"$FAULT_TABLE"
		echo "$fc_fault at $fc_point: $fc_bad"
		sed 's/^/run: /' "$TRASH/.run.err"
		return 1
	fi
	echo "$fc_backend | $fc_fault | $fc_point | $fc_outcome, rerun correct" >>"$FAULT_TABLE"
	grep '^FAILED: ' "$TRASH/.run.err" || :
}

fault_summary() {
	say "# fault cases: $(wc -l <"$FAULT_TABLE") ($(grep -c 'rerun correct' "$FAULT_TABLE") clean failure and correct rerun)"
	sed 's/^/#   /' "$FAULT_TABLE"
}
