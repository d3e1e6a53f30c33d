#!/bin/sh
# t7300-status-verify-http: "status" and "verify" on rqlite and on sqld
# (tests/lib-http-db.sh): after the seed's deployment example both pass,
# with the states SQLite shows; a column added by hand fails verify with
# the diff taken against a local SQLite scratch database.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-http-db.sh"

http_need rqlited
http_need sqld
rqlite_start_cluster 1
sqld_start
RQ_URL="rqlite://$(rqlite_leader)/"
SQ_URL="sqlite+libsql://$SQLD_HTTP/"

states() {
	sed -n 's/^\([a-z]*\)  *\([a-z0-9_]*\).*/\1 \2/p' "$1" |
		grep -E '^(applied|changed|outside|pending|other|gone|unknown) '
}

test_expect_success 'setup: the seed deployment example on SQLite, rqlite and sqld' '
	mkdir seed && cd seed && seed_project &&
	for u in "sqlite:///$PWD/ref.db" "$RQ_URL" "$SQ_URL"; do
		echo "$SEED_CMDS" | while read -r cmd; do
			git dbmig -q --url "$u" $cmd >/dev/null 2>&1 || { echo "failed on $u: $cmd"; exit 1; }
		done || exit 1
	done
'

for u in "$RQ_URL" "$SQ_URL"; do
	test_expect_success "status and verify on $u" '
		cd seed &&
		git dbmig --url "sqlite:///$PWD/ref.db" status >ref.out &&
		git dbmig --url "$u" status >http.out &&
		states ref.out >ref.st && states http.out >http.st &&
		diff -u ref.st http.st &&
		git dbmig --url "$u" verify >out &&
		grep -q ": ok, 30 applied revisions as committed, schema as they make it" out
	'
	test_expect_success "verify on $u: a column added by hand" '
		cd seed &&
		hq "$u" "ALTER TABLE core_setting ADD COLUMN note TEXT" &&
		! git dbmig --url "$u" verify >out 2>err &&
		grep -q "^schema: .*(SQLite in memory):$" out &&
		grep -q "^+ column core_setting.note: TEXT NULL$" out &&
		test "$(grep -c "^[-+] " out)" = 1 &&
		grep -q "^FAILED: verify: .* disagree: 1 schema difference$" err &&
		hq "$u" "ALTER TABLE core_setting DROP COLUMN note" &&
		git dbmig --url "$u" verify >out
	'
done

cd seed
test_expect_failure_msg 'verify: --dev-url is refused for rqlite' "--dev-url is for PostgreSQL databases" \
	git dbmig --url "$RQ_URL" verify --dev-url postgresql://u@localhost/x
cd ..

test_done
