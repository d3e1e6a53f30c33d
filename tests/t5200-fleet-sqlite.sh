#!/bin/sh
# t5200-fleet-sqlite: named targets ([target:NAME] sections) on several
# SQLite files: the target rule ("upgrade heads" = each label's head),
# -j 1 and -j 3 giving the same rows and output, a failing target leaving
# the others as they would be without it, --fail-fast, "current --target
# all", unknown and bad targets, --url/SQLALCHEMY_URL with targets.
. "$(dirname "$0")/lib.sh"

# A copy of the seed project in folder $1 with targets whose databases
# are files of that folder (%(here)s): three microservices holding core
# plus their module, a shared development database with every module
# (labels = *) and one with the development data (labels = INITDEV).
fleet_project() {
	mkdir -p "$1" && (cd "$1" && seed_project) &&
	cat >>"$1/alembic.ini" <<'INI'

[target:orders]
sqlalchemy.url = sqlite:///%(here)s/orders.db
labels = CORE MOD1

[target:billing]
sqlalchemy.url = sqlite:///%(here)s/billing.db
labels = CORE, MOD2

[target:shipping]
sqlalchemy.url = sqlite:///%(here)s/shipping.db
labels = CORE MOD3

[target:dev]
sqlalchemy.url = sqlite:///%(here)s/dev.db
labels = *

[target:devdata]
sqlalchemy.url = sqlite:///%(here)s/devdata.db
labels = INITDEV
INI
}

# Add [target:$2] to $1/alembic.ini with labels $3.
add_target() {
	printf '\n[target:%s]\nsqlalchemy.url = sqlite:///%%(here)s/%s.db\nlabels = %s\n' \
		"$2" "$2" "$3" >>"$1/alembic.ini"
}

# Every database of folder $1: "name: rows | log rows | tables".
fleet_state() {
	for db in "$1"/*.db; do
		[ -f "$db" ] || continue
		printf '%s: %s | %s | %s\n' "$(basename "$db" .db)" "$(rows "$db")" \
			"$(sqlite3 "$db" "SELECT count(*) FROM dbmig_log" 2>/dev/null)" \
			"$(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY 1" | tr '\n' ' ')"
	done
}

fleet_project one

test_expect_success 'upgrade heads --target all: each database gets its labels'"'"' heads' '
	cd one &&
	git dbmig upgrade heads --target all -j 1 >out 2>err &&
	cat >expect <<-EOF &&
	orders: ok, 14 revisions applied (upgrade base -> core_rev3, mod1_rev3)
	billing: ok, 14 revisions applied (upgrade base -> core_rev3, mod2_rev3)
	shipping: ok, 14 revisions applied (upgrade base -> core_rev3, mod3_rev3)
	dev: ok, 30 revisions applied (upgrade base -> core_rev3, init_dev_popdata, mod1_rev3, mod2_rev3, mod3_rev3)
	devdata: ok, 12 revisions applied (upgrade base -> init_dev_popdata)
	EOF
	diff -u expect out &&
	test "$(rows orders.db)" = "core_rev3 mod1_rev3" &&
	test "$(rows billing.db)" = "core_rev3 mod2_rev3" &&
	test "$(rows shipping.db)" = "core_rev3 mod3_rev3" &&
	test "$(rows dev.db)" = "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3" &&
	test "$(rows devdata.db)" = "init_dev_popdata" &&
	sqlite3 orders.db "SELECT count(*) FROM mod1_item" &&
	! sqlite3 orders.db "SELECT count(*) FROM mod2_invoice" 2>/dev/null &&
	! sqlite3 billing.db "SELECT count(*) FROM mod1_item" 2>/dev/null &&
	grep -q "^orders: Running upgrade core_rev2 -> core_rev3, CORE Rev3$" err &&
	grep -q "^billing: Running upgrade mod2_rev2 -> mod2_rev3, MOD2 Rev3$" err &&
	! grep -q "^orders: .*mod2" err
'

test_expect_success 'a second run has nothing to do; current --target all' '
	cd one &&
	git dbmig upgrade heads --target all -j 3 >out 2>err &&
	cat >expect <<-EOF &&
	orders: ok, nothing to do (at core_rev3, mod1_rev3)
	billing: ok, nothing to do (at core_rev3, mod2_rev3)
	shipping: ok, nothing to do (at core_rev3, mod3_rev3)
	dev: ok, nothing to do (at core_rev3, init_dev_popdata, mod1_rev3, mod2_rev3, mod3_rev3)
	devdata: ok, nothing to do (at init_dev_popdata)
	EOF
	diff -u expect out &&
	test ! -s err &&
	git dbmig current --target orders --target billing >out &&
	cat >expect <<-EOF &&
	orders: ok, core_rev3 (head), init_core_popdata (effective head), init_mod1_popdata (effective head), mod1_rev3 (head)
	billing: ok, core_rev3 (head), init_core_popdata (effective head), init_mod2_popdata (effective head), mod2_rev3 (head)
	EOF
	diff -u expect out &&
	git dbmig current --target all -j 2 >out &&
	test "$(wc -l <out)" = 5 &&
	grep -q "^devdata: ok, init_all_modules (effective head), init_core_newtable, init_dev_popdata (head), init_mod1_popdata (effective head), init_mod2_popdata (effective head), init_mod3_popdata (effective head)$" out
'

test_expect_success 'current -v --target prints each database'"'"'s entries, prefixed' '
	cd one &&
	git dbmig current -v --target shipping >out &&
	grep -q "^shipping: Current revision(s) for sqlite:///.*/one/shipping.db:$" out &&
	grep -q "^shipping: Rev: mod3_rev3 (head)$" out &&
	tail -n 1 out | grep -q "^shipping: ok, core_rev3 (head), "
'

test_expect_success 'the same rule on a database that already holds some revisions' '
	cd one &&
	git dbmig --url sqlite:///partial.db upgrade INITMOD1@head 2>/dev/null &&
	git dbmig --url sqlite:///partial.db upgrade core_rev1 2>/dev/null &&
	add_target . partial "CORE MOD1" &&
	git dbmig upgrade heads --target partial >out 2>err &&
	test "$(cat out)" = "partial: ok, 6 revisions applied (upgrade core_rev1, init_mod1_popdata -> core_rev3, mod1_rev3)" &&
	test "$(rows partial.db)" = "core_rev3 mod1_rev3"
'

if have_alembic; then
	test_expect_success 'the rule leaves the rows Alembic leaves upgrading to every label head at once' '
		cd one &&
		"$PYTHON" "$TEST_DIR/alembic_mirror.py" . alembic >/dev/null &&
		for labels in "CORE MOD1" "MOD3 CORE" "INITCORE MOD2" "MOD1 MOD2 MOD3" "INITDEV CORE"; do
			for start in "" INITCORE@head MOD1@head; do
				rm -f cmp_a.db cmp_d.db &&
				if [ -n "$start" ]; then
					SQLALCHEMY_URL=sqlite:///$PWD/cmp_a.db "$PYTHON" -m alembic -c alembic/alembic.ini upgrade "$start" 2>/dev/null &&
					git dbmig --url sqlite:///cmp_d.db upgrade "$start" 2>/dev/null || exit 1
				fi
				SQLALCHEMY_URL=sqlite:///$PWD/cmp_a.db "$PYTHON" - $labels <<-PY || exit 1
				import logging, sys
				from alembic import command
				from alembic.config import Config
				logging.disable(logging.CRITICAL)
				command.upgrade(Config("alembic/alembic.ini"), tuple(l + "@head" for l in sys.argv[1:]))
				PY
				add_target . cmp_d "$labels" &&
				git dbmig upgrade heads --target cmp_d >/dev/null 2>&1 || exit 1
				if [ "$(rows cmp_a.db)" != "$(rows cmp_d.db)" ]; then
					echo "labels $labels from [$start]: Alembic [$(rows cmp_a.db)] git-dbmig [$(rows cmp_d.db)]"
					exit 1
				fi
				sed -i "/^\[target:cmp_d\]/,\$d" alembic.ini
			done
		done
	'
else
	say "# skipping the Alembic comparison: alembic is not installed"
fi

test_expect_success '-j 1 and -j 3 give the same rows, log rows and output' '
	fleet_project j1 && fleet_project j3 &&
	(cd j1 && git dbmig upgrade heads --target all -j 1 >../j1.out 2>../j1.err) &&
	(cd j3 && git dbmig upgrade heads --target all -j 3 >../j3.out 2>../j3.err) &&
	diff -u j1.out j3.out &&
	diff -u j1.err j3.err &&
	fleet_state j1 >j1.state && fleet_state j3 >j3.state &&
	diff -u j1.state j3.state &&
	test "$(wc -l <j1.state)" = 5
'

# A target whose database already has a table the first CORE revision
# creates: its upgrade fails at once.
broken_db() {
	sqlite3 "$1/broken.db" "CREATE TABLE core_account (id INTEGER)"
}

test_expect_success 'a failing target leaves the others as they would be without it' '
	fleet_project ref && fleet_project bad &&
	add_target bad broken "CORE MOD1" && broken_db bad &&
	(cd ref && git dbmig upgrade heads --target all -j 3 >/dev/null 2>&1) &&
	(cd bad && ! git dbmig upgrade heads --target all -j 3 >../bad.out 2>../bad.err) &&
	grep -q "^broken: FAILED: upgrade init_core_newtable failed at migrations/versions/init_core_newtable_init_core_create_tables.sql:[0-9]*: table core_account already exists" bad.out &&
	test "$(grep -c ": ok, " bad.out)" = 5 &&
	test "$(grep -c "^FAILED: " bad.err)" = 1 &&
	grep -q "^FAILED: 1 of 6 targets failed (broken)$" bad.err &&
	test "$(rows bad/broken.db)" = "" &&
	fleet_state ref >ref.state &&
	fleet_state bad | grep -v "^broken: " >bad.state &&
	diff -u ref.state bad.state
'

test_expect_success '--fail-fast starts no target after the first failure' '
	fleet_project ff &&
	sed -i "/^\[target:orders\]/,\$d" ff/alembic.ini &&
	add_target ff first "CORE" &&
	add_target ff broken "CORE MOD1" && broken_db ff &&
	add_target ff third "CORE MOD2" &&
	(cd ff && ! git dbmig upgrade heads --target all --fail-fast -j 1 >../ff.out 2>../ff.err) &&
	sed "s/: FAILED: .*/: FAILED/" ff.out >actual &&
	cat >expect <<-EOF &&
	first: ok, 7 revisions applied (upgrade base -> core_rev3)
	broken: FAILED
	third: not started (--fail-fast: an earlier target failed)
	EOF
	diff -u expect actual &&
	grep -q "^FAILED: 1 of 3 targets failed (broken); 1 not started (--fail-fast)$" ff.err &&
	test "$(rows ff/first.db)" = "core_rev3" &&
	test ! -f ff/third.db
'

test_expect_success '--fail-fast: a target already running when one fails finishes' '
	fleet_project ff2 &&
	sed -i "/^\[target:orders\]/,\$d" ff2/alembic.ini &&
	add_target ff2 broken "CORE MOD1" && broken_db ff2 &&
	add_target ff2 slow "CORE" &&
	add_target ff2 third "CORE MOD2" &&
	(cd ff2 && ! DBMIG_TEST_PAUSE_MS=150 git dbmig upgrade heads --target all --fail-fast -j 2 >../ff2.out 2>/dev/null) &&
	sed "s/: FAILED: .*/: FAILED/" ff2.out >actual &&
	cat >expect <<-EOF &&
	broken: FAILED
	slow: ok, 7 revisions applied (upgrade base -> core_rev3)
	third: not started (--fail-fast: an earlier target failed)
	EOF
	diff -u expect actual &&
	test "$(rows ff2/slow.db)" = "core_rev3" &&
	test ! -f ff2/third.db
'

test_expect_success 'an unknown target name fails that target only' '
	fleet_project unk &&
	(cd unk && ! git dbmig upgrade heads --target orders --target nosuch --target billing >../unk.out 2>../unk.err) &&
	cat >expect <<-EOF &&
	orders: ok, 14 revisions applied (upgrade base -> core_rev3, mod1_rev3)
	nosuch: FAILED: no target '"'"'nosuch'"'"': $PWD/unk/alembic.ini has no [target:nosuch] section
	billing: ok, 14 revisions applied (upgrade base -> core_rev3, mod2_rev3)
	EOF
	diff -u expect unk.out &&
	grep -q "^FAILED: 1 of 3 targets failed (nosuch)$" unk.err &&
	(cd unk && ! git dbmig current --target nosuch >../unk.out 2>/dev/null) &&
	grep -q "^nosuch: FAILED: no target" unk.out
'

test_expect_success 'a bad target section: misspelt key, unknown label, no URL, "*" with labels' '
	fleet_project badsec &&
	printf "\n[target:typo]\nsqlalchemy.url = sqlite:///x.db\nlables = CORE\n" >>badsec/alembic.ini &&
	add_target badsec nolabel "CORE MODX" &&
	printf "\n[target:nourl]\nlabels = CORE\n" >>badsec/alembic.ini &&
	add_target badsec star "* CORE" &&
	(cd badsec && ! git dbmig upgrade heads --target typo --target nolabel --target nourl --target star --target orders >../bs.out 2>../bs.err) &&
	grep -q "^typo: FAILED: unknown key '"'"'lables'"'"' in \[target:typo\] of .*alembic.ini (a target has sqlalchemy.url and labels)$" bs.out &&
	grep -q "^nolabel: FAILED: \[target:nolabel\]: no branch label '"'"'MODX'"'"' in the revision graph" bs.out &&
	grep -q "^nourl: FAILED: \[target:nourl\] of .*alembic.ini has no sqlalchemy.url$" bs.out &&
	grep -q "^star: FAILED: \[target:star\]: labels '"'"'\*'"'"' (all of them) cannot be listed with other labels$" bs.out &&
	grep -q "^orders: ok, 14 revisions applied" bs.out &&
	test ! -f badsec/x.db && test ! -f badsec/nolabel.db &&
	grep -q "^FAILED: 4 of 5 targets failed (typo, nolabel, nourl, star)$" bs.err
'

test_expect_success 'an explicit revision applies as given to every selected target' '
	fleet_project expl &&
	(cd expl && git dbmig upgrade MOD1@head --target billing --target shipping >../expl.out 2>/dev/null) &&
	test "$(rows expl/billing.db)" = "mod1_rev3" &&
	test "$(rows expl/shipping.db)" = "mod1_rev3" &&
	(cd expl && git dbmig downgrade --target billing --target shipping MOD1@-1 2>/dev/null >../expl.out) &&
	cat >expect <<-EOF &&
	billing: ok, 1 revision reverted (downgrade mod1_rev3 -> mod1_rev2)
	shipping: ok, 1 revision reverted (downgrade mod1_rev3 -> mod1_rev2)
	EOF
	diff -u expect expl.out &&
	(cd expl && git dbmig downgrade --target all base >../expl.out 2>/dev/null) &&
	grep -q "^billing: ok, 7 revisions reverted (downgrade mod1_rev2 -> base)$" expl.out &&
	grep -q "^orders: ok, nothing to do (at base)$" expl.out
'

test_expect_success 'stamp heads --target follows the same rule' '
	fleet_project st &&
	(cd st && git dbmig stamp heads --target orders >../st.out 2>/dev/null) &&
	test "$(cat st.out)" = "orders: ok, stamped (base -> core_rev3, mod1_rev3)" &&
	test "$(rows st/orders.db)" = "core_rev3 mod1_rev3"
'

test_expect_success '--one-transaction: each label head is one transaction' '
	fleet_project ot &&
	add_target ot late "CORE MOD1" &&
	sqlite3 ot/late.db "CREATE TABLE mod1_item (id INTEGER)" &&
	(cd ot && ! git dbmig upgrade --one-transaction heads --target late >../ot.out 2>/dev/null) &&
	grep -q "^late: FAILED: upgrade init_mod1_newtable failed at .*(the whole run was rolled back)$" ot.out &&
	test "$(rows ot/late.db)" = "core_rev3"
'

test_expect_success '--url and SQLALCHEMY_URL: one target only' '
	fleet_project url &&
	(cd url && ! git dbmig --url sqlite:///other.db upgrade heads --target all >../url.out 2>../url.err) &&
	grep -q "^FAILED: --url names one database; it cannot be used with 5 targets" url.err &&
	test ! -s url.out && test -z "$(ls url/*.db 2>/dev/null)" &&
	(cd url && ! SQLALCHEMY_URL=sqlite:///other.db git dbmig current --target orders --target billing 2>../url.err) &&
	grep -q "^FAILED: SQLALCHEMY_URL names one database" url.err &&
	(cd url && SQLALCHEMY_URL=sqlite:///other.db git dbmig upgrade heads --target orders >../url.out 2>/dev/null) &&
	grep -q "^orders: ok, 14 revisions applied" url.out &&
	test "$(rows url/other.db)" = "core_rev3 mod1_rev3" &&
	test ! -f url/orders.db
'

test_expect_success 'option errors: -j without --target, bad -j, --sql with --target, --target all without targets' '
	fleet_project opt &&
	cd opt &&
	! git dbmig upgrade -j 2 heads 2>err && grep -q "^FAILED: upgrade: -j only applies with --target" err &&
	! git dbmig upgrade --fail-fast heads 2>err && grep -q "^FAILED: upgrade: --fail-fast only applies with --target" err &&
	! git dbmig upgrade -j 0 --target all heads 2>err && grep -q "^FAILED: -j '"'"'0'"'"' is not a number" err &&
	! git dbmig upgrade --sql --target all heads 2>err && grep -q "^FAILED: upgrade: --sql cannot be used with --target" err &&
	sed -i "/^\[target:/,\$d" alembic.ini &&
	! git dbmig upgrade --target all heads 2>err && grep -q "^FAILED: --target all: .*alembic.ini has no \[target:NAME\] section$" err &&
	test -z "$(ls *.db 2>/dev/null)"
'

test_expect_success '-q keeps the summary lines and drops the steps' '
	fleet_project quiet &&
	(cd quiet && git dbmig -q upgrade heads --target orders -j2 >../q.out 2>../q.err) &&
	test "$(cat q.out)" = "orders: ok, 14 revisions applied (upgrade base -> core_rev3, mod1_rev3)" &&
	test ! -s q.err
'

test_done
