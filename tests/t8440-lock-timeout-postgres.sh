#!/bin/sh
# t8440: PostgreSQL's lock_timeout for migrations. A long transaction in
# another session holds a lock on a table that a revision must alter.
# Without lock_timeout the revision's ALTER TABLE waits in the lock
# queue, and every query on the table queues behind it; with
# ?lock_timeout=S it gives up after S seconds, rolls back, and is tried
# again (lock_retries times) until the other transaction is done, while
# the other sessions' queries go on.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-pg.sh"

V=migrations/versions
URL=$PG_URL

# hold_lock SECONDS: a session that reads t (ACCESS SHARE) and then sits
# in its transaction; waits until the lock is held
hold_lock() {
	PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -d "$(pg_libpq_uri "$URL")" \
		-c "BEGIN" -c "SELECT count(*) FROM t" -c "SELECT pg_sleep($1)" -c "COMMIT" >/dev/null 2>&1 &
	HOLDER=$!
	n=0
	until [ "$(pg_query "$URL" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		WHERE c.relname = 't' AND l.granted AND l.pid <> pg_backend_pid()")" -ge 1 ]; do
		n=$((n + 1)); [ $n -lt 100 ] || return 1; sleep 0.05
	done
}

# seconds a read of t takes from another session, as a decimal
read_time() {
	t0=$(date +%s%N)
	pg_query "$URL" "SELECT count(*) FROM t" >/dev/null
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}

test_expect_success 'setup: a table and two revisions, the second alters it' '
	make_project &&
	write_rev $V a1 "" "" "" "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);" "DROP TABLE t;" &&
	write_rev $V a2 a1 "" "" "ALTER TABLE t ADD COLUMN y INTEGER;
INSERT INTO t (x, y) VALUES (2, 2);" "ALTER TABLE t DROP COLUMN y;" &&
	git dbmig --url "$URL" upgrade a1 2>err &&
	test "$(pg_rows "$URL")" = a1
'

test_expect_success 'without lock_timeout: other readers of the table wait behind the ALTER' '
	hold_lock 2 &&
	{ git dbmig --url "$URL" upgrade heads 2>run.err & } && run=$! &&
	sleep 0.5 &&
	took=$(read_time) &&
	wait $run && wait $HOLDER &&
	echo "a read took ${took}s" &&
	awk -v t="$took" "BEGIN { exit !(t >= 1.0) }" &&
	test "$(pg_rows "$URL")" = a2 &&
	git dbmig --url "$URL" downgrade a1 2>err
'

test_expect_success 'lock_timeout with retries: the revision waits its turn, readers do not' '
	hold_lock 3 &&
	t0=$(date +%s) &&
	{ git dbmig --url "$URL?lock_timeout=0.3&lock_retries=8" upgrade heads 2>run.err & } && run=$! &&
	sleep 0.5 &&
	took1=$(read_time) && sleep 0.3 && took2=$(read_time) &&
	wait $run && wait $HOLDER &&
	cat run.err &&
	echo "reads took ${took1}s and ${took2}s" &&
	awk -v a="$took1" -v b="$took2" "BEGIN { exit !(a < 1.0 && b < 1.0) }" &&
	grep "^upgrade a1 -> a2, rev a2: could not get a lock in time (lock_timeout); trying again in 0.5 s (1 of 8)$" run.err &&
	test "$(grep -c "^Running upgrade" run.err)" = 1 &&
	test "$(pg_rows "$URL")" = a2 &&
	test "$(pg_query "$URL" "SELECT count(*) FROM t WHERE y = 2")" = 1 &&
	test "$(pg_query "$URL" "SELECT sum(CASE direction WHEN '"'"'upgrade'"'"' THEN 1 ELSE -1 END) FROM dbmig_log WHERE revision = '"'"'a2'"'"'")" = 1 &&
	git dbmig --url "$URL" downgrade a1 2>err
'

test_expect_success 'retries run out: one FAILED line, the revision not applied, then a rerun' '
	hold_lock 6 &&
	! git dbmig --url "$URL?lock_timeout=0.2&lock_retries=2" upgrade heads 2>run.err &&
	cat run.err &&
	test "$(grep -c "^FAILED: " run.err)" = 1 &&
	grep "^FAILED: upgrade a2 failed at migrations/versions/a2_rev.sql:9: canceling statement due to lock timeout (SQLSTATE 55P03) (tried 3 times) (the database is left at the last revision that succeeded)$" run.err &&
	test "$(grep -c "trying again" run.err)" = 2 &&
	test "$(pg_rows "$URL")" = a1 &&
	test "$(pg_query "$URL" "SELECT count(*) FROM information_schema.columns WHERE table_name = '"'"'t'"'"' AND column_name = '"'"'y'"'"'")" = 0 &&
	kill $HOLDER 2>/dev/null; wait $HOLDER;
	pg_sql "$PG_ADMIN_URL" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '"'"'SELECT pg_sleep%'"'"'" &&
	git dbmig --url "$URL?lock_timeout=0.2" upgrade heads 2>err &&
	test "$(pg_rows "$URL")" = a2 &&
	git dbmig --url "$URL" downgrade a1 2>err
'

test_expect_success 'lock_retries=0: no second try' '
	hold_lock 3 &&
	! git dbmig --url "$URL?lock_timeout=0.2&lock_retries=0" upgrade heads 2>run.err &&
	! grep -q "trying again" run.err &&
	grep "^FAILED: upgrade a2 failed at .*lock timeout (SQLSTATE 55P03) (the database" run.err &&
	wait $HOLDER &&
	test "$(pg_rows "$URL")" = a1
'

test_expect_success 'the run lock still waits by --lock-timeout, not by lock_timeout' '
	{ DBMIG_TEST_PAUSE_MS=1500 git dbmig --url "$URL" upgrade heads 2>slow.err & } && slow=$! &&
	n=0 && until grep -q "^Running" slow.err; do n=$((n + 1)); [ $n -lt 100 ] || exit 1; sleep 0.05; done &&
	git dbmig --url "$URL?lock_timeout=0.1" current --verbose >/dev/null 2>&1 &&
	git dbmig --url "$URL?lock_timeout=0.1" downgrade a1 --lock-timeout 10 2>err &&
	wait $slow &&
	test "$(pg_rows "$URL")" = a1
'

test_expect_success 'bad lock_timeout and lock_retries values are refused' '
	! git dbmig --url "$URL?lock_timeout=soon" current 2>err &&
	grep "^FAILED: .*query parameter '"'"'lock_timeout'"'"' of the database URL: '"'"'soon'"'"' is not a number of seconds" err &&
	! git dbmig --url "$URL?lock_timeout=1&lock_retries=-1" current 2>err &&
	grep "^FAILED: .*query parameter '"'"'lock_retries'"'"' of the database URL: '"'"'-1'"'"' is not a number from 0 to 1000" err
'

test_done
