#!/bin/sh
# t7000-rqlite: the rqlite backend against one rqlited node started by
# the test (tests/lib-http-db.sh): the shared scenarios (the seed's
# deployment example compared with SQLite, failures in the first, a
# middle and the last revision, bad inputs, the run lock and 8
# concurrent upgraders), then what is rqlite's own: the URL forms,
# several hosts of which the first is down, basic authentication that
# never shows the password, and one request per revision.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-http-db.sh"

http_need rqlited
rqlite_start_cluster 1
URL="rqlite://$CLUSTER_HTTP/"

http_scenarios "$URL"

test_expect_success 'URL forms: rqlite+pyrqlite://, SQLALCHEMY_URL, level, a dead host first' '
	BAD_UP= http_setup_chain &&
	dead=$(http_free_port) &&
	git dbmig --url "rqlite+pyrqlite://$CLUSTER_HTTP/?level=linearizable" upgrade c2 2>err &&
	test "$(SQLALCHEMY_URL="rqlite://$CLUSTER_HTTP" git dbmig current 2>/dev/null)" = "c2" &&
	git dbmig --url "rqlite://127.0.0.1:$dead,$CLUSTER_HTTP/?connect_timeout=2" upgrade heads 2>err &&
	test "$(http_rows "$URL")" = c4 &&
	test "$(git dbmig --url "rqlite://127.0.0.1:$dead,$CLUSTER_HTTP/?level=none" current 2>/dev/null)" = "c4 (head)" &&
	http_expect_failure "level '"'"'bogus'"'"' is not" "" git dbmig --url "$URL?level=bogus" current
'

test_expect_success 'one request per revision, and a few for the run' '
	BAD_UP= http_setup_chain &&
	DBMIG_HTTP_TRACE=1 git dbmig --url "$URL" upgrade heads 2>err &&
	test "$(grep -c "^http: POST .*/db/execute?transaction " err)" = 5 &&
	grep "^http: [0-9]* requests$" err &&
	test "$(sed -n "s/^http: \([0-9]*\) requests$/\1/p" err)" -le 10
'

# A second node with basic authentication.
AUTH_FILE="$HTTP_DIR/auth.json"
cat >"$AUTH_FILE" <<'JSON'
[{"username": "deployer", "password": "Rq-Secret-pw", "perms": ["all"]}]
JSON
RQLITE_AUTH=$AUTH_FILE rqlite_start_node auth
AUTH_HTTP=$NODE_HTTP
HQ_USER=deployer HQ_PASS=Rq-Secret-pw rqlite_wait "$AUTH_HTTP" || exit 1

test_expect_success 'basic authentication from the URL; a bad password is a clean FAILED without it' '
	BAD_UP= && rm -rf migrations && make_project &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	git dbmig --url "rqlite://deployer:Rq-Secret-pw@$AUTH_HTTP/" upgrade heads 2>err &&
	test "$(HQ_USER=deployer HQ_PASS=Rq-Secret-pw http_rows "rqlite://$AUTH_HTTP/")" = a &&
	http_expect_failure "HTTP 401" "Wr0ng-pw" \
		git dbmig --url "rqlite://deployer:Wr0ng-pw@$AUTH_HTTP/" current &&
	grep -F -q "rqlite://deployer:***@$AUTH_HTTP/" err &&
	http_expect_failure "HTTP 401" "" git dbmig --url "rqlite://$AUTH_HTTP/" current &&
	sed "s/^/# /" err
'

test_done
