#!/bin/sh
# t8410: the network between git-dbmig and rqlite, and sqld, fails at
# each point of a run, through a fault proxy (tests/faultproxy.py): the
# connection reset before a request reaches the server or right after
# (its answer lost), an answer that never comes (against ?timeout=2),
# cut short or replaced by noise; while taking the run lock, in the
# request of a revision (its body, version row, dbmig_log row and COMMIT
# travel together), while releasing the lock. Over HTTP a request whose
# answer was lost is settled by a strong read of the run lock's row, so
# most of these runs go on and finish; a fault that also strikes that
# read, or every copy of a request, ends the run with one FAILED line.
# Either way the database holds exactly what committed (rows, marker
# tables and dbmig_log agree, tests/lib-crash.sh) and a rerun applies
# each body once. Then an rqlite node that is not the leader, while the
# leader is gone.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-http-db.sh"
. "$TEST_DIR/lib-crash.sh"
. "$TEST_DIR/lib-fault.sh"
trap 'fault_proxy_stop; http_stop' EXIT

http_need rqlited
http_need sqld
# a lock left by a run that lost its connection expires soon
DBMIG_LOCK_EXPIRY=3
export DBMIG_LOCK_EXPIRY
CRASH_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

crash_db_init() {
	http_wipe "$CRASH_URL" &&
	hq "$CRASH_URL" "CREATE TABLE markers (rev VARCHAR(32) PRIMARY KEY)"
}
crash_restore() {
	crash_db_init &&
	case $1 in
	full) git dbmig --url "$CRASH_URL" upgrade heads 2>/dev/null ;;
	esac
}
crash_state() {
	have=$(hq "$CRASH_URL" "SELECT name FROM sqlite_master WHERE type = 'table'") || return 1
	q="SELECT 'markers:' || coalesce((SELECT group_concat(rev, ' ') FROM markers), '')"
	if echo "$have" | grep -qx alembic_version; then
		q="$q UNION ALL SELECT 'rows:' || coalesce((SELECT group_concat(version_num, ' ') FROM alembic_version), '')"
	fi
	if echo "$have" | grep -qx dbmig_log; then
		q="$q UNION ALL SELECT 'log:' || coalesce((SELECT group_concat(revision || '=' || n, ' ') FROM
			(SELECT revision, sum(CASE direction WHEN 'upgrade' THEN 1 ELSE -1 END) AS n FROM dbmig_log GROUP BY revision)), '')"
	fi
	hq "$CRASH_URL" "$q" || return 1
	printf 'tables:%s\n' "$(echo "$have" | sed -n 's/^m_//p' | tr '\n' ' ')"
}

body_of() { printf "INSERT INTO markers (rev) VALUES ('%s')" "$1"; }
step_id() { sed -n "${1}p" "$TRASH/plan.up"; }
TAKE='dbmig_lock (name, owner, expires_at) VALUES'
ASK='SELECT expires_at FROM'

# http_faults BACKEND SERVER-URL PROXY-URL
http_faults() {
	be=$1 CRASH_URL=$2 FAULT_URL=$3
	test_expect_success "$be: setup" '
		rm -rf migrations && crash_project && crash_restore empty &&
		git dbmig --url "$CRASH_URL" upgrade heads --plan | sed -n "s/.*, rev \([a-z0-9]*\)\$/\1/p" >"$TRASH/plan.up" &&
		test "$(wc -l <"$TRASH/plan.up")" = 12
	'
	for fault in drop-before drop-after stall-after truncate garbage; do
		extra=
		case $fault in truncate) extra=', "bytes": 20' ;; garbage) extra=', "bytes": 40' ;; esac
		# at the lock, two faults by default, all five with DBMIG_TEST_LONG=1
		case $fault in drop-after | stall-after) lock_case=1 ;; *) lock_case=${DBMIG_TEST_LONG:-} ;; esac
		[ "$lock_case" = 1 ] && test_expect_success "$be: $fault while taking the run lock" '
			crash_restore empty &&
			fault_rule "{\"action\": \"$fault\", \"match\": \"$TAKE\"$extra}" &&
			FAULT_MAY_RECOVER=1 fault_case $be $fault "taking the lock" "lock" upgrade heads &&
			fault_fired
		'
		test_expect_success "$be: $fault in the request of step 7" '
			crash_restore empty && id=$(step_id 7) &&
			fault_rule "{\"action\": \"$fault\", \"match\": \"$(body_of $id)\"$extra}" &&
			FAULT_MAY_RECOVER=1 fault_case $be $fault "request of step 7" "$id" upgrade heads &&
			fault_fired
		'
	done
	test_expect_success "$be: the answer of step 7 lost, and the question whether it committed too" '
		crash_restore empty && id=$(step_id 7) &&
		fault_rule "{\"action\": \"stall-after\", \"match\": [\"$(body_of $id)\", \"$ASK\"], \"times\": 2}" &&
		fault_case $be "stall-after twice" "request of step 7 and the question" "$id" upgrade heads &&
		grep "^FAILED: cannot commit .*rev $id: timed out after 2 s waiting for an answer from .*; and asking whether it did failed too: timed out" "$TRASH/.run.err"
	'
	test_expect_success "$be: every copy of step 7 dropped before the server" '
		crash_restore empty && id=$(step_id 7) &&
		fault_rule "{\"action\": \"drop-before\", \"match\": \"$(body_of $id)\", \"times\": 10}" &&
		fault_case $be "drop-before x3" "request of step 7" "$id" upgrade heads &&
		grep "three times" "$TRASH/.run.err"
	'
	test_expect_success "$be: the answer of the first step of a downgrade lost" '
		crash_restore full &&
		fault_rule "{\"action\": \"drop-after\", \"match\": \"DELETE FROM markers WHERE rev = '"'"'d1'"'"'\"}" &&
		git dbmig --url "$FAULT_URL" downgrade base 2>err &&
		fault_fired && cat err &&
		crash_check && test "$(http_rows "$CRASH_URL")" = ""
	'
	test_expect_success "$be: a fault while releasing the run lock: the run stands, the lock expires" '
		crash_restore empty &&
		fault_rule "{\"action\": \"drop-before\", \"match\": \"DELETE FROM dbmig_lock\", \"times\": 2}" &&
		git dbmig --url "$FAULT_URL" upgrade heads 2>err &&
		fault_fired &&
		crash_check &&
		test "$(hq "$CRASH_URL" "SELECT count(*) FROM dbmig_lock")" = 1 &&
		git dbmig --url "$CRASH_URL" downgrade base --lock-timeout 10 2>err &&
		crash_check && test "$(http_rows "$CRASH_URL")" = ""
	'
	test_expect_success "$be: connections refused: a clean FAILED naming the server" '
		crash_restore empty &&
		fault_rule "{\"action\": \"refuse\", \"seconds\": 30}" &&
		! git dbmig --url "$FAULT_URL" upgrade heads 2>err &&
		fault_rule "" && cat err &&
		test "$(grep -c "^FAILED: " err)" = 1 &&
		grep "^FAILED: .*\(cannot connect to\|no answer from\) '"'"'${FAULT_URL%%\?*}" err &&
		crash_check && crash_finish
	'
	test_expect_success "$be: a server that never answers: timeout=1, not a hang" '
		crash_restore empty &&
		fault_rule "{\"action\": \"stall-before\", \"match\": \"POST\", \"times\": 100}" &&
		t0=$(date +%s) &&
		! timeout 30 git dbmig --url "${FAULT_URL%%\?*}?timeout=1" current 2>err &&
		t1=$(date +%s) &&
		fault_rule "" && cat err &&
		test $((t1 - t0)) -le 5 &&
		grep "^FAILED: timed out after 1 s waiting for an answer from '"'"'${FAULT_URL%%\?*}?timeout=1'"'"' (timeout=1; " err
	'
}

rqlite_start_cluster 1
fault_proxy_start "$CLUSTER_HTTP"
http_faults rqlite "rqlite://$CLUSTER_HTTP/" "rqlite://127.0.0.1:$FP_PORT/?timeout=2"

test_expect_success 'rqlite: a node that is not the leader, with the leader gone and back' '
	rqlite_start_cluster 2 &&
	leader=$(rqlite_leader) &&
	follower=$(echo "$CLUSTER_HTTP" | tr , "\n" | grep -v "^$leader\$") &&
	CRASH_URL="rqlite://$follower/" &&
	crash_restore empty &&
	http_stop_pid "$(rqlite_pid_of "$leader")" &&
	t0=$(date +%s) &&
	! timeout 30 git dbmig --url "rqlite://$follower/?leader_timeout=2" upgrade heads 2>err &&
	t1=$(date +%s) &&
	cat err &&
	test $((t1 - t0)) -le 10 &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	grep "^FAILED: .*leader" err &&
	rqlite_restart_node "$leader" && rqlite_wait "$follower" &&
	crash_check && test "$(http_rows "$CRASH_URL")" = "" &&
	{ DBMIG_TEST_PAUSE_MS=400 git dbmig --url "rqlite://$follower/?leader_timeout=20" upgrade heads >run.out 2>run.err & } &&
	run=$! &&
	n=0 &&
	until [ "$(grep -c "^Running" run.err)" -ge 4 ]; do
		n=$((n + 1)); [ $n -lt 200 ] || exit 1; sleep 0.05
	done &&
	http_stop_pid "$(rqlite_pid_of "$leader")" &&
	sleep 2 &&
	rqlite_restart_node "$leader" &&
	st=0 && wait $run || st=$? &&
	cat run.err &&
	if [ $st = 0 ]; then
		echo "rqlite | leader gone 2 s, run through a follower | finished on its own" >>"$FAULT_TABLE"
	else
		test "$(grep -c "^FAILED: " run.err)" = 1 &&
		echo "rqlite | leader gone 2 s, run through a follower | clean FAILED: $(grep "^FAILED: " run.err | cut -c9-160)" >>"$FAULT_TABLE"
	fi &&
	crash_check && crash_finish
'

sqld_start
fault_proxy_start "$SQLD_HTTP"
http_faults libsql "sqlite+libsql://$SQLD_HTTP/" "sqlite+libsql://127.0.0.1:$FP_PORT/?timeout=2"

fault_summary

test_done
