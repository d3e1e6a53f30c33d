#!/bin/sh
# t2200: several "upgrade" processes started at once on one SQLite file,
# also a fresh file with no version table yet: every revision is applied
# exactly once, the others wait and then find nothing to do.
. "$(dirname "$0")/lib.sh"

make_project
V=migrations/versions
write_rev $V r1 "" "" "" "CREATE TABLE applied (rev TEXT NOT NULL);
INSERT INTO applied VALUES ('r1');" "DROP TABLE applied;"
for i in 2 3 4 5 6; do
	write_rev $V r$i r$((i - 1)) "" "" "INSERT INTO applied VALUES ('r$i');" "DELETE FROM applied WHERE rev = 'r$i';"
done

run_many() {
	n=$1
	shift
	i=0
	while [ $i -lt "$n" ]; do
		DBMIG_TEST_PAUSE_MS=60 git dbmig "$@" >"out.$i" 2>&1 &
		i=$((i + 1))
	done
	wait
}

test_expect_success 'four upgrades at once on a fresh file' '
	run_many 4 upgrade heads &&
	test "$(rows test.db)" = r6 &&
	test "$(sqlite3 test.db "SELECT count(*), count(DISTINCT rev) FROM applied")" = "6|6" &&
	test "$(cat out.* | grep -c "^Running upgrade")" = 6 &&
	! grep -h "^FAILED" out.*
'

test_expect_success 'upgrades racing downgrades never lose or double a revision' '
	run_many 3 downgrade r3 &&
	test "$(rows test.db)" = r3 &&
	test "$(sqlite3 test.db "SELECT count(*), count(DISTINCT rev) FROM applied")" = "3|3"
'

test_expect_success 'a waiting run gives up after --lock-timeout with a clear message' '
	DBMIG_TEST_PAUSE_MS=1500 git dbmig upgrade heads 2>slow.err &
	sleep 0.5 &&
	! git dbmig upgrade --lock-timeout 0.2 heads 2>fast.err &&
	grep -q "^FAILED: database .test.db. is locked by another git-dbmig run; gave up after 200 ms" fast.err &&
	wait &&
	test "$(rows test.db)" = r6
'

test_done
