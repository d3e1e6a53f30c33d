#!/bin/sh
# t8420: an HTTP server that answers like a broken or malicious rqlite
# or sqld (tests/badserver.py): huge, truncated, wrongly typed and
# wrongly numbered results, not JSON at all, an error status. Each run
# must end with one FAILED line saying the answer was wrong, within its
# time-out, and no malformed answer may pass for success.
. "$(dirname "$0")/lib.sh"

BAD_DIR="$TRASH/.bad"
mkdir -p "$BAD_DIR"
"$PYTHON" "$TEST_DIR/badserver.py" "$BAD_DIR/port" 2>"$BAD_DIR/err" &
BAD_PID=$!
trap 'kill $BAD_PID 2>/dev/null; wait $BAD_PID 2>/dev/null' EXIT
n=0
while [ ! -s "$BAD_DIR/port" ]; do
	n=$((n + 1))
	[ $n -lt 100 ] || { say "FAILED: $TEST_NAME: the bad server did not start"; exit 1; }
	sleep 0.05
done
BAD_PORT=$(cat "$BAD_DIR/port")

test_expect_success 'setup: a project' '
	make_project &&
	write_rev migrations/versions a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;"
'

# bad_case MODE URL-SCHEME EXPECTED-TEXT COMMAND...
bad_case() {
	mode=$1 scheme=$2 want=$3
	shift 3
	test_expect_success "$scheme server answering $mode: $* fails cleanly" '
		echo '"$mode"' >"$BAD_DIR/port.mode" &&
		st=0 &&
		timeout 30 git dbmig --url "'"$scheme"'://u:S3cret-pw@127.0.0.1:$BAD_PORT/?timeout=5" '"$*"' >out 2>err || st=$? &&
		cat err &&
		test $st = 1 &&
		test "$(grep -c "^FAILED: " err)" = 1 &&
		grep "^FAILED: " err | grep -F -- "'"$want"'" &&
		! grep -q S3cret-pw err &&
		! grep -q "^Running" err
	'
}

for m in rq-huge rq-results-numbers rq-too-few rq-too-many rq-error-past-end rq-affected-string; do
	bad_case $m rqlite "unexpected answer from 'rqlite://u:***@127.0.0.1:$BAD_PORT/?timeout=5'" upgrade heads
done
bad_case rq-results-string rqlite 'no \"results\"' upgrade heads
bad_case rq-truncated rqlite "HTTP 200" upgrade heads
bad_case rq-not-json rqlite "HTTP 200: <html>gateway" upgrade heads
bad_case rq-status-500 rqlite "HTTP 500 Internal Server Error: internal trouble" upgrade heads
bad_case rq-values-string rqlite "a query result without columns and values" current
bad_case rq-row-short rqlite "row 1 does not have 2 values" current
bad_case rq-row-object rqlite "row 1 holds a JSON object" current
bad_case rq-truncated rqlite "HTTP 200" current

for m in hr-steps-short hr-steps-null; do
	bad_case $m sqlite+libsql "unexpected answer from 'sqlite+libsql://u:***@127.0.0.1:$BAD_PORT/?timeout=5'" upgrade heads
done
bad_case hr-truncated sqlite+libsql "HTTP 200" upgrade heads
bad_case hr-no-results sqlite+libsql "no results" upgrade heads
bad_case hr-results-string sqlite+libsql "no results" upgrade heads
bad_case hr-huge sqlite+libsql "unexpected answer" upgrade heads
bad_case hr-rows-string sqlite+libsql "a query result without cols and rows" current
bad_case hr-row-bare sqlite+libsql "row 1 holds a value that is not a Hrana value" current

test_done
