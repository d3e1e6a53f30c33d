#!/bin/sh
# t7200-rqlite-cluster: a three-node rqlite cluster on loopback
# (tests/lib-http-db.sh). The shared scenarios run through a URL that
# names every node; then the leader is killed (kill -9) once in the
# middle of an "upgrade": the run either finishes or fails with one clean
# FAILED line, and a rerun leaves every revision applied exactly once.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-http-db.sh"

http_need rqlited
rqlite_start_cluster 3
URL="rqlite://$CLUSTER_HTTP/"

http_scenarios "$URL"

test_expect_success 'a follower first in the URL: writes reach the leader' '
	BAD_UP= http_setup_chain &&
	leader=$(rqlite_leader) &&
	follower=$(echo "$CLUSTER_HTTP" | tr , "\n" | grep -v "^$leader\$" | head -n 1) &&
	DBMIG_HTTP_TRACE=1 git dbmig --url "rqlite://$follower/" upgrade heads 2>err &&
	grep -q "^http: POST http://$follower/" err &&
	test "$(http_rows "$URL")" = c4
'

test_expect_success 'the leader killed during an upgrade: it finishes or fails cleanly, a rerun applies the rest once' '
	http_wipe "$URL" && http_counter_project &&
	leader=$(rqlite_leader) &&
	others=$(echo "$CLUSTER_HTTP" | tr , "\n" | grep -v "^$leader\$" | tr "\n" , | sed "s/,\$//") &&
	url="rqlite://$leader,$others/" &&
	{ DBMIG_LOCK_EXPIRY=5 DBMIG_TEST_PAUSE_MS=300 git dbmig --url "$url" upgrade heads >run.out 2>run.err & } &&
	run=$! &&
	n=0 &&
	until [ "$(grep -c "^Running" run.err)" -ge 4 ]; do
		n=$((n + 1)); [ $n -lt 200 ] || exit 1; sleep 0.05
	done &&
	http_stop_pid "$(rqlite_pid_of "$leader")" &&
	st=0 && wait $run || st=$? &&
	cat run.err &&
	if [ $st = 0 ]; then
		echo "the run finished after the leader was killed" >"$TRASH/outcome"
		! grep -q "^FAILED" run.err
	else
		echo "the run failed cleanly after the leader was killed: $(grep "^FAILED" run.err)" >"$TRASH/outcome"
		test "$(grep -c "^FAILED: " run.err)" = 1
	fi &&
	CLUSTER_HTTP=$others &&
	DBMIG_LOCK_EXPIRY=5 git dbmig --url "$url" upgrade heads --lock-timeout 30 2>rerun.err &&
	cat rerun.err &&
	test "$(http_rows "rqlite://$others/")" = "k6 l6" &&
	test "$(hq "rqlite://$others/" "SELECT count(*), count(DISTINCT rev) FROM counter")" = "13|13" &&
	test "$(hq "rqlite://$others/" "SELECT count(*) FROM dbmig_log")" = 13 &&
	test "$(cat run.err rerun.err | grep -c "^Running upgrade")" -ge 13
'
[ -f "$TRASH/outcome" ] && say "# $(cat "$TRASH/outcome")"

test_done
