#!/bin/sh
# t8400: the network between git-dbmig and PostgreSQL fails at each
# point of a run, through a fault proxy (tests/faultproxy.py): the
# connection reset before a request reaches the server or right after
# (so that its answer is lost), an answer that never comes (a stall,
# against ?timeout=2), cut short or replaced by noise; at the run lock,
# in a body, at the version row, at the dbmig_log row and at COMMIT. And
# the server itself stopped (pg_ctl -m immediate) and started again in
# the middle of a run. Every time: one FAILED line naming the revision
# and what happened, no hang, no crash, the database holds exactly what
# committed (a COMMIT whose answer was lost is settled by asking the
# server, txid_status()), and a rerun applies each body once
# (tests/lib-crash.sh checks rows, marker tables and dbmig_log agree).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-pg.sh"
. "$TEST_DIR/lib-crash.sh"
. "$TEST_DIR/lib-crash-pg.sh"
. "$TEST_DIR/lib-fault.sh"
trap 'fault_proxy_stop; pg_stop' EXIT

# Where in the plan of 12 steps the faults strike: step 7 (after a
# branch point), and with DBMIG_TEST_LONG=1 the first step too, which
# also creates the version and log tables.
FAULT_STEPS=7
[ "${DBMIG_TEST_LONG:-}" = 1 ] && FAULT_STEPS="1 7"

fault_proxy_start "$PG_HOST:$PG_PORT"
FAULT_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$FP_PORT/$DB?timeout=2"

test_expect_success 'setup: the crash graph, an empty and a full database' '
	crash_project &&
	crash_db_init && crash_save empty &&
	git dbmig --url "$CRASH_URL" upgrade heads 2>/dev/null && crash_save full &&
	git dbmig --url "$CRASH_URL" upgrade heads --plan >/dev/null &&
	crash_restore empty &&
	git dbmig --url "$CRASH_URL" upgrade heads --plan | sed -n "s/.*, rev \([a-z0-9]*\)\$/\1/p" >plan.up &&
	test "$(wc -l <plan.up)" = 12
'

test_expect_success 'through the proxy without a fault: the same run' '
	crash_restore empty &&
	fault_rule "" &&
	git dbmig --url "$FAULT_URL" upgrade heads 2>err &&
	crash_check &&
	test "$(pg_rows "$CRASH_URL")" = d1
'

# step K's revision id, and the text only its body sends
step_id() { sed -n "${1}p" plan.up; }
body_of() { printf "INSERT INTO markers (rev) VALUES ('%s')" "$1"; }
VROW='["INSERT INTO alembic_version", "UPDATE alembic_version", "DELETE FROM alembic_version"]'

for fault in drop-before drop-after stall-after truncate garbage; do
	extra=
	case $fault in truncate) extra=', "bytes": 5' ;; garbage) extra=', "bytes": 40' ;; esac
	test_expect_success "$fault at taking the run lock" '
		crash_restore empty &&
		fault_rule "{\"action\": \"$fault\", \"match\": \"pg_advisory_lock(\"$extra}" &&
		fault_case postgresql $fault "taking the lock" "advisory lock" upgrade heads --lock-timeout 1 &&
		test "$(pg_rows "$CRASH_URL")" = d1
	'
	for k in ${FAULT_STEPS:-7}; do
		test_expect_success "$fault in the body of step $k" '
			crash_restore empty && id=$(step_id '$k') &&
			fault_rule "{\"action\": \"$fault\", \"match\": \"$(body_of $id)\"$extra}" &&
			fault_case postgresql $fault "body of step '$k'" "$id" upgrade heads
		'
		test_expect_success "$fault at COMMIT of step $k" '
			crash_restore empty && id=$(step_id '$k') &&
			fault_rule "{\"action\": \"$fault\", \"after\": \"$(body_of $id)\", \"match\": \"COMMIT\"$extra}" &&
			fault_case postgresql $fault "COMMIT of step '$k'" "$id" upgrade heads &&
			fault_fired
		'
	done
	test_expect_success "$fault at the version row of step 7" '
		crash_restore empty && id=$(step_id 7) &&
		fault_rule "{\"action\": \"$fault\", \"after\": \"$(body_of $id)\", \"match\": $VROW$extra}" &&
		fault_case postgresql $fault "version row of step 7" "$id" upgrade heads
	'
	test_expect_success "$fault at the dbmig_log row of step 7" '
		crash_restore empty && id=$(step_id 7) &&
		fault_rule "{\"action\": \"$fault\", \"after\": \"$(body_of $id)\", \"match\": \"dbmig_log (revision\"$extra}" &&
		fault_case postgresql $fault "dbmig_log row of step 7" "$id" upgrade heads
	'
done

test_expect_success 'the answer to the first COMMIT lost: the server says it committed' '
	crash_restore empty && id=$(step_id 1) &&
	fault_rule "{\"action\": \"drop-after\", \"after\": \"$(body_of $id)\", \"match\": \"COMMIT\"}" &&
	fault_case postgresql drop-after "COMMIT of step 1" "$id" upgrade heads &&
	grep "^FAILED: upgrade  -> r0, rev r0: the answer to COMMIT was lost (.*); asked on a new connection, the server says transaction [0-9]* committed (the database is left at this revision, which committed; the rest of the plan was not run)$" "$TRASH/.run.err"
'

test_expect_success 'the answer to a downgrade step'"'"'s COMMIT lost: the server is asked' '
	crash_restore full &&
	fault_rule "{\"action\": \"drop-after\", \"after\": \"DELETE FROM markers WHERE rev = '"'"'m2'"'"'\", \"match\": \"COMMIT\"}" &&
	fault_case postgresql drop-after "COMMIT of a downgrade step" "m2" downgrade base &&
	grep "^FAILED: downgrade m2 -> .*, rev m2: the answer to COMMIT was lost (.*); asked on a new connection, the server says transaction [0-9]* committed (the database is left at this revision, which committed; the rest of the plan was not run)$" "$TRASH/.run.err"
'

test_expect_success 'a lost COMMIT answer under --one-transaction: the server is asked' '
	crash_restore empty &&
	fault_rule "{\"action\": \"drop-before\", \"match\": \"COMMIT\"}" &&
	! git dbmig --url "$FAULT_URL" upgrade heads --one-transaction 2>err &&
	cat err &&
	grep "^FAILED: cannot commit the run: the answer to COMMIT was lost (.*); asked on a new connection, the server says transaction [0-9]* did not commit$" err &&
	crash_check && test "$(pg_rows "$CRASH_URL")" = "" &&
	crash_finish
'

test_expect_success 'a failure at releasing the run lock: the run stands, the lock goes with the session' '
	crash_restore empty &&
	fault_rule "{\"action\": \"drop-before\", \"match\": \"pg_advisory_unlock(\"}" &&
	git dbmig --url "$FAULT_URL" upgrade heads 2>err &&
	fault_fired &&
	crash_check && test "$(pg_rows "$CRASH_URL")" = d1 &&
	git dbmig --url "$CRASH_URL" downgrade base --lock-timeout 5 2>err &&
	crash_check && test "$(pg_rows "$CRASH_URL")" = ""
'

test_expect_success 'connections refused for a while: a clean FAILED, nothing written' '
	crash_restore empty &&
	fault_rule "{\"action\": \"refuse\", \"seconds\": 3}" &&
	! git dbmig --url "$FAULT_URL" upgrade heads 2>err &&
	cat err &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	grep "^FAILED: cannot connect to '"'"'postgresql://$PG_USER:\*\*\*@127.0.0.1:$FP_PORT/$DB?timeout=2'"'"': " err &&
	! grep -q "$PG_PASSWORD" err &&
	crash_check && test "$(pg_rows "$CRASH_URL")" = "" &&
	crash_finish
'

test_expect_success 'a server that accepts and never answers: connect_timeout, with the URL masked' '
	fault_rule "{\"action\": \"stall-before\", \"match\": \"user\"}" &&
	t0=$(date +%s) &&
	! timeout 20 git dbmig --url "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$FP_PORT/$DB?connect_timeout=2" current 2>err &&
	t1=$(date +%s) &&
	cat err &&
	test $((t1 - t0)) -le 6 &&
	grep "^FAILED: cannot connect to '"'"'postgresql://$PG_USER:\*\*\*@127.0.0.1:$FP_PORT/$DB?connect_timeout=2'"'"': timed out: no answer within 2 s (connect_timeout=2)" err &&
	! grep -q "$PG_PASSWORD" err &&
	fault_rule ""
'

test_expect_success 'a statement that never answers: timeout=1 names the server' '
	crash_restore empty &&
	fault_rule "{\"action\": \"stall-after\", \"match\": \"$(body_of r0)\"}" &&
	t0=$(date +%s) &&
	! timeout 20 git dbmig --url "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$FP_PORT/$DB?timeout=1" upgrade heads 2>err &&
	t1=$(date +%s) &&
	cat err &&
	test $((t1 - t0)) -le 5 &&
	grep "^FAILED: upgrade r0 failed at migrations/versions/r0_rev.sql:[0-9]*: timed out after 1 s waiting for an answer from '"'"'postgresql://$PG_USER:\*\*\*@127.0.0.1:$FP_PORT/$DB?timeout=1'"'"' (timeout=1)" err &&
	fault_rule "" && crash_check && crash_finish
'

test_expect_success 'timeout: a bad value is refused' '
	test_must_fail_msg() { ! "$@" 2>err && grep "^FAILED: .*'"'"'timeout'"'"' of the database URL: '"'"'soon'"'"' is not a number of seconds" err; } &&
	test_must_fail_msg git dbmig --url "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$DB?timeout=soon" current
'

# The server stopped hard in the middle of step K (held open before its
# COMMIT), then started again.
pg_restart_during() {
	k=$1 wait_s=$2
	crash_restore empty &&
	{ DBMIG_TEST_PAUSE_MS=1500 git dbmig --url "$CRASH_URL?timeout=5" upgrade heads >run.out 2>run.err & } &&
	run=$! &&
	n=0 &&
	until [ "$(grep -c "^Running" run.err)" -ge "$k" ]; do
		n=$((n + 1)); [ $n -lt 400 ] || return 1; sleep 0.05
	done &&
	sleep 0.3 &&
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null &&
	sleep "$wait_s" &&
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=off -c max_connections=60" \
		start >/dev/null &&
	st=0 && wait $run || st=$? &&
	cat run.err &&
	test $st = 1 &&
	test "$(grep -c "^FAILED: " run.err)" = 1 &&
	id=$(step_id $k) &&
	grep "^FAILED: .*rev $id: " run.err &&
	crash_done_steps run.err >done.steps &&
	{ crash_applied; cat done.steps; } >/dev/null &&
	crash_check &&
	crash_finish
}
if [ -n "$PG_DIR" ]; then
	test_expect_success 'the server stopped (immediate) in step 3 and started again at once' '
		pg_restart_during 3 0
	'
	test_expect_success 'the server stopped in step 8 and back only after the run gave up' '
		pg_restart_during 8 2
	'
fi

fault_summary

test_done
