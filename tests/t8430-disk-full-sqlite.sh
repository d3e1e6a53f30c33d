#!/bin/sh
# t8430: the SQLite database lives on a small filesystem (a size-limited
# tmpfs the test mounts, as root) that fills up during a run, at a
# different point each time (in a body, at the version row, the
# dbmig_log row or COMMIT, as the free space allows). Every run either
# finishes or ends with one FAILED line naming the revision and the full
# disk; the rows, marker tables and dbmig_log agree (tests/lib-crash.sh);
# once space is freed, a rerun applies each body exactly once.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-crash.sh"

SMALL="$TRASH/small"
mkdir -p "$SMALL"
unmount_small() {
	if mountpoint -q "$SMALL" 2>/dev/null; then
		umount "$SMALL"
	fi
}
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=1024k tmpfs "$SMALL" 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		say "FAILED: $TEST_NAME: cannot mount a small tmpfs (needs root) (CI=true: a skip is a failure)"
		exit 1
	fi
	say "skipped: $TEST_NAME: cannot mount a small tmpfs (needs root)"
	cd / && rm -rf "$TRASH"
	exit 0
fi
trap 'cd /; unmount_small' EXIT

CRASH_URL="sqlite:///$SMALL/test.db"
crash_db_init() {
	rm -f "$SMALL/test.db" "$SMALL/test.db-journal" &&
	sqlite3 "$SMALL/test.db" "CREATE TABLE markers (rev VARCHAR(32) PRIMARY KEY)"
}
crash_state() {
	have=$(sqlite3 "$SMALL/test.db" "SELECT name FROM sqlite_master WHERE type = 'table'") || return 1
	printf 'rows:'
	if echo "$have" | grep -qx alembic_version; then
		sqlite3 "$SMALL/test.db" "SELECT version_num FROM alembic_version" | tr '\n' ' '
	fi
	printf '\nmarkers:'
	sqlite3 "$SMALL/test.db" "SELECT rev FROM markers" | tr '\n' ' '
	printf '\ntables:'
	echo "$have" | sed -n 's/^m_//p' | tr '\n' ' '
	printf '\nlog:'
	if echo "$have" | grep -qx dbmig_log; then
		sqlite3 "$SMALL/test.db" "SELECT revision || '=' || sum(CASE direction WHEN 'upgrade' THEN 1 ELSE -1 END)
			FROM dbmig_log GROUP BY revision" | tr '\n' ' '
	fi
	echo
}

test_expect_success 'setup: the crash graph, each body writing about 60 KB' '
	crash_project &&
	for f in migrations/versions/*_rev.sql; do
		id=$(basename "$f" _rev.sql) &&
		sed -i "s/^INSERT INTO m_$id (x) VALUES (1);\$/&\nINSERT INTO m_$id (x) SELECT randomblob(30000) FROM (SELECT 1 UNION ALL SELECT 2);/" "$f" || exit 1
	done &&
	grep -c randomblob migrations/versions/*.sql | grep -v ":1\$" | wc -l | grep -qx 0
'

# fill_to KB: leave about KB kilobytes free on the small filesystem
fill_to() {
	rm -f "$SMALL/filler" &&
	free=$(df -k --output=avail "$SMALL" | tail -n 1) &&
	if [ "$free" -gt "$1" ]; then
		dd if=/dev/zero of="$SMALL/filler" bs=1k count=$((free - $1)) 2>/dev/null
	fi
}

SEEN="$TRASH/.points"
: >"$SEEN"
for kb in 0 8 24 60 100 160 230 300 380 460 540 620 700; do
	test_expect_success "the disk fills with ${kb} KB free: a clean failure, then a rerun" '
		crash_db_init && fill_to '$kb' &&
		st=0 &&
		timeout 60 git dbmig --url "$CRASH_URL" upgrade heads >run.out 2>run.err || st=$? &&
		cat run.err &&
		if [ $st = 0 ]; then
			echo "finished" >>"$SEEN"
		else
			test $st = 1 &&
			test "$(grep -c "^FAILED: " run.err)" = 1 &&
			grep "^FAILED: .*disk is full" run.err &&
			if grep -q "^FAILED: upgrade [a-z0-9]* failed at" run.err; then
				echo "in a body" >>"$SEEN"
			elif grep -q "^FAILED: cannot commit .*, rev [a-z0-9]*: " run.err; then
				echo "at COMMIT" >>"$SEEN"
			elif grep -q "^FAILED: cannot \(update alembic_version\|write dbmig_log\) after .*, rev [a-z0-9]*: " run.err; then
				echo "at the version or log row" >>"$SEEN"
			else
				grep -q "^FAILED: cannot create \(alembic_version\|dbmig_log\): " run.err &&
				echo "creating the version or log table" >>"$SEEN"
			fi
		fi &&
		crash_check &&
		{ crash_applied; crash_done_steps run.err; } >expect &&
		crash_check expect &&
		rm -f "$SMALL/filler" &&
		crash_finish
	'
done
say "# where the disk filled: $(sort "$SEEN" | uniq -c | sed "s/^ *//" | tr "\n" ";")"
test_expect_success 'the disk filled in a body and at COMMIT, at least' '
	grep -q "in a body" "$SEEN" && grep -q "at COMMIT" "$SEEN"
'


cd /
unmount_small
test_done
