#!/bin/sh
# t7100-libsql: the libSQL backend against a sqld started by the test
# (tests/lib-http-db.sh): the shared scenarios (the seed's deployment
# example compared with SQLite, failures in the first, a middle and the
# last revision, bad inputs, the run lock and 8 concurrent upgraders),
# then what is libSQL's own: the URL forms (sqlite+libsql://, libsql://
# with TLS unless ?tls=0), a bearer token from ?authToken= or the
# environment that is never shown, basic authentication (sqld's
# --http-auth), and one request per revision.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-http-db.sh"

http_need sqld
sqld_start
URL="sqlite+libsql://$SQLD_HTTP/"

http_scenarios "$URL"

test_expect_success 'URL forms: libsql:// with ?tls=0, ?secure=false, SQLALCHEMY_URL' '
	BAD_UP= http_setup_chain &&
	git dbmig --url "libsql://$SQLD_HTTP/?tls=0" upgrade c2 2>err &&
	test "$(SQLALCHEMY_URL="sqlite+libsql://$SQLD_HTTP?secure=false" git dbmig current 2>/dev/null)" = "c2" &&
	http_expect_failure "cannot connect to '"'"'libsql://$SQLD_HTTP/'"'"'" "" \
		git dbmig --url "libsql://$SQLD_HTTP/" current &&
	grep -q "https://$SQLD_HTTP/v2/pipeline" err &&
	http_expect_failure "is not true or false" "" git dbmig --url "libsql://$SQLD_HTTP/?tls=maybe" current
'

test_expect_success 'one request per revision, and a few for the run' '
	BAD_UP= http_setup_chain &&
	DBMIG_HTTP_TRACE=1 git dbmig --url "$URL" upgrade heads 2>err &&
	test "$(grep -c "^Running upgrade" err)" = 4 &&
	grep "^http: [0-9]* requests$" err &&
	test "$(sed -n "s/^http: \([0-9]*\) requests$/\1/p" err)" -le 10
'

# A second sqld with basic authentication.
sqld_start "deployer:Sq-Secret-pw"
AUTH_HTTP=$SQLD_HTTP

test_expect_success 'basic authentication; a bad password or token is a clean FAILED without it' '
	rm -rf migrations && make_project &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	git dbmig --url "sqlite+libsql://deployer:Sq-Secret-pw@$AUTH_HTTP/" upgrade heads 2>err &&
	test "$(HQ_USER=deployer HQ_PASS=Sq-Secret-pw http_rows "sqlite+libsql://$AUTH_HTTP/")" = a &&
	http_expect_failure "HTTP 401" "Wr0ng-pw" \
		git dbmig --url "sqlite+libsql://deployer:Wr0ng-pw@$AUTH_HTTP/" current &&
	grep -F -q "sqlite+libsql://deployer:***@$AUTH_HTTP/" err &&
	http_expect_failure "HTTP 401" "T0ken-S3cret" \
		git dbmig --url "sqlite+libsql://$AUTH_HTTP/?authToken=T0ken-S3cret" upgrade heads &&
	grep -F -q "authToken=***" err &&
	http_expect_failure "HTTP 401" "Env-T0ken-S3cret" \
		env LIBSQL_AUTH_TOKEN=Env-T0ken-S3cret git dbmig --url "sqlite+libsql://$AUTH_HTTP/" current &&
	sed "s/^/# /" err
'

test_done
