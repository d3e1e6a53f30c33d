#!/bin/sh
# t5300-fleet-postgres: named targets on several databases of the suite's
# own PostgreSQL server (tests/lib-pg.sh; skipped without the server
# binaries, a failure under CI=true): each database gets its labels' heads,
# -j 1 and -j 3 give the same rows and output, a failing target leaves the
# others as they would be without it, --fail-fast, current --target all,
# an unknown target, passwords kept out of the output, a fleet mixing
# SQLite and PostgreSQL, and two fleet runs at once (the advisory lock).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-pg.sh"

# Tables and views of the public schema, sorted, on one line.
pg_objects() {
	pg_query "$1" "SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//'
}

# fleet_project DIR SET: the seed project in DIR with targets orders,
# billing, shipping (core plus one module) and dev (labels = *), each on a
# fresh database SET_NAME of the server.
fleet_project() {
	mkdir -p "$1" && (cd "$1" && seed_project) || return 1
	for t in "orders:CORE MOD1" "billing:CORE, MOD2" "shipping:CORE MOD3" "dev:*"; do
		name=${t%%:*}
		url=$(pg_createdb "$2_$name") || return 1
		add_target "$1" "$name" "$url" "${t#*:}" || return 1
	done
}

# add_target DIR NAME URL LABELS ("%" doubled for ConfigParser)
add_target() {
	printf '\n[target:%s]\nsqlalchemy.url = %s\nlabels = %s\n' "$2" \
		"$(printf '%s' "$3" | sed 's/%/%%/g')" "$4" >>"$1/alembic.ini"
}

# "name: rows | log rows | objects" for each target database of set $1.
fleet_state() {
	for name in ${2:-orders billing shipping dev}; do
		url=$(pg_url "${PG_PREFIX}$1_$name")
		printf '%s: %s | %s | %s\n' "$name" "$(pg_rows "$url")" \
			"$(pg_query "$url" "SELECT count(*) FROM dbmig_log" 2>/dev/null)" \
			"$(pg_objects "$url")"
	done
}

test_expect_success 'upgrade heads --target all: each database gets its labels'"'"' heads' '
	fleet_project one one &&
	(cd one && git dbmig upgrade heads --target all >../one.out 2>../one.err) &&
	cat >expect <<-EOF &&
	orders: ok, 14 revisions applied (upgrade base -> core_rev3, mod1_rev3)
	billing: ok, 14 revisions applied (upgrade base -> core_rev3, mod2_rev3)
	shipping: ok, 14 revisions applied (upgrade base -> core_rev3, mod3_rev3)
	dev: ok, 30 revisions applied (upgrade base -> core_rev3, init_dev_popdata, mod1_rev3, mod2_rev3, mod3_rev3)
	EOF
	diff -u expect one.out &&
	fleet_state one >state &&
	grep -q "^orders: core_rev3 mod1_rev3 | 14 | .*mod1_item" state &&
	! grep "^orders: .*mod2_invoice" state &&
	grep -q "^billing: core_rev3 mod2_rev3 | 14 | .*mod2_invoice" state &&
	! grep "^billing: .*mod1_item" state &&
	grep -q "^dev: core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3 | 30 | .*all_modules_summary_v" state &&
	grep -q "^orders: Running upgrade mod1_rev2 -> mod1_rev3, MOD1 Rev3$" one.err
'

test_expect_success 'current --target all; a second upgrade has nothing to do' '
	(cd one && git dbmig current --target all -j 4 >../cur.out) &&
	test "$(wc -l <cur.out)" = 4 &&
	grep -q "^orders: ok, core_rev3 (head), init_core_popdata (effective head), init_mod1_popdata (effective head), mod1_rev3 (head)$" cur.out &&
	(cd one && git dbmig upgrade heads --target all -j 4 >../again.out 2>../again.err) &&
	test "$(grep -c ": ok, nothing to do (at " again.out)" = 4 &&
	test ! -s again.err
'

test_expect_success '-j 1 and -j 3 give the same rows, log rows and output' '
	fleet_project j1 j1 && fleet_project j3 j3 &&
	(cd j1 && git dbmig upgrade heads --target all -j 1 >../j1.out 2>../j1.err) &&
	(cd j3 && git dbmig upgrade heads --target all -j 3 >../j3.out 2>../j3.err) &&
	diff -u j1.out j3.out &&
	diff -u j1.err j3.err &&
	fleet_state j1 >j1.state && fleet_state j3 >j3.state &&
	diff -u j1.state j3.state
'

test_expect_success 'a failing target leaves the others as they would be without it' '
	fleet_project bad bad &&
	url=$(pg_createdb bad_broken) &&
	pg_sql "$url" "CREATE TABLE core_account (id INTEGER)" &&
	add_target bad broken "$url" "CORE MOD1" &&
	(cd bad && ! git dbmig upgrade heads --target all -j 3 >../bad.out 2>../bad.err) &&
	grep -q "^broken: FAILED: upgrade init_core_newtable failed at migrations/versions/init_core_newtable_init_core_create_tables.sql:[0-9]*: relation \"core_account\" already exists (SQLSTATE 42P07)" bad.out &&
	grep -q "^FAILED: 1 of 5 targets failed (broken)$" bad.err &&
	test "$(pg_rows "$url")" = "" &&
	test "$(pg_objects "$url")" = "alembic_version core_account dbmig_log" &&
	fleet_state bad >bad.state &&
	diff -u j1.state bad.state
'

test_expect_success '--fail-fast starts no target after the first failure' '
	mkdir ff && (cd ff && seed_project) &&
	add_target ff first "$(pg_createdb ff_first)" "CORE" &&
	url=$(pg_createdb ff_broken) &&
	pg_sql "$url" "CREATE TABLE core_account (id INTEGER)" &&
	add_target ff broken "$url" "CORE" &&
	third=$(pg_createdb ff_third) &&
	add_target ff third "$third" "CORE" &&
	(cd ff && ! git dbmig upgrade heads --target all --fail-fast -j 1 >../ff.out 2>../ff.err) &&
	sed "s/: FAILED: .*/: FAILED/" ff.out >actual &&
	cat >expect <<-EOF &&
	first: ok, 7 revisions applied (upgrade base -> core_rev3)
	broken: FAILED
	third: not started (--fail-fast: an earlier target failed)
	EOF
	diff -u expect actual &&
	grep -q "^FAILED: 1 of 3 targets failed (broken); 1 not started (--fail-fast)$" ff.err &&
	test "$(pg_objects "$third")" = ""
'

test_expect_success 'an unknown target, and a wrong password, fail that target only' '
	mkdir unk && (cd unk && seed_project) &&
	good=$(pg_createdb unk_good) &&
	add_target unk good "$good" "CORE" &&
	add_target unk wrongpw "postgresql://$PG_USER:not-the-$PG_PASSWORD@$PG_HOST:$PG_PORT/${PG_PREFIX}unk_good" "CORE" &&
	(cd unk && ! git dbmig upgrade heads --target nosuch --target wrongpw --target good >../unk.out 2>../unk.err) &&
	grep -q "^nosuch: FAILED: no target '"'"'nosuch'"'"': .*alembic.ini has no \[target:nosuch\] section$" unk.out &&
	grep -q "^wrongpw: FAILED: .*password authentication failed" unk.out &&
	grep -q "^good: ok, 7 revisions applied (upgrade base -> core_rev3)$" unk.out &&
	grep -q "^FAILED: 2 of 3 targets failed (nosuch, wrongpw)$" unk.err &&
	! grep -F "$PG_PASSWORD" unk.out unk.err &&
	(cd unk && git dbmig current -v --target good >../cur.out) &&
	grep -q "^good: Current revision(s) for postgresql://$PG_USER:\*\*\*@" cur.out &&
	! grep -F "$PG_PASSWORD" cur.out
'

test_expect_success 'one fleet over SQLite files and PostgreSQL databases' '
	mkdir mixed && (cd mixed && seed_project) &&
	url=$(pg_createdb mixed_pg) &&
	add_target mixed pg "$url" "CORE MOD2" &&
	printf "\n[target:lite]\nsqlalchemy.url = sqlite:///%%(here)s/lite.db\nlabels = CORE MOD2\n" >>mixed/alembic.ini &&
	(cd mixed && git dbmig upgrade heads --target all -j 2 >../mixed.out 2>/dev/null) &&
	cat >expect <<-EOF &&
	pg: ok, 14 revisions applied (upgrade base -> core_rev3, mod2_rev3)
	lite: ok, 14 revisions applied (upgrade base -> core_rev3, mod2_rev3)
	EOF
	diff -u expect mixed.out &&
	test "$(pg_rows "$url")" = "$(rows mixed/lite.db)" &&
	(cd mixed && git dbmig downgrade --target all -j 2 MOD2@-2 >../mixed.out 2>/dev/null) &&
	test "$(pg_rows "$url")" = "core_rev3 mod2_rev1" &&
	test "$(rows mixed/lite.db)" = "core_rev3 mod2_rev1"
'

test_expect_success 'two fleet runs at once: the advisory lock applies each revision once' '
	fleet_project twice twice || exit 1
	(cd twice && DBMIG_TEST_PAUSE_MS=20 git dbmig upgrade heads --target all -j 2 >../t1.out 2>/dev/null) &
	p1=$!
	(cd twice && DBMIG_TEST_PAUSE_MS=20 git dbmig upgrade heads --target all -j 2 >../t2.out 2>/dev/null) &
	p2=$!
	wait $p1 && wait $p2 &&
	test "$(grep -c ": ok, " t1.out)" = 4 &&
	test "$(grep -c ": ok, " t2.out)" = 4 &&
	fleet_state twice >twice.state &&
	diff -u j1.state twice.state &&
	for name in orders billing shipping dev; do
		u=$(pg_url "${PG_PREFIX}twice_$name") &&
		test "$(pg_query "$u" "SELECT count(*) FROM (SELECT revision FROM dbmig_log GROUP BY revision HAVING count(*) > 1) x")" = 0 ||
		exit 1
	done
'

test_done
