#!/bin/sh
# t5500-status-verify-fleet: "status" and "verify" over [target:NAME]
# sections: each target's table and summary line, the matrix of targets
# and labels (what each is at, how far behind), the same text with -j 1
# and -j 3, verify's line per target, a drifting target failing alone.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: three targets, two upgraded, one moved back' '
	mkdir f && cd f && seed_project &&
	cat >>alembic.ini <<-\INI &&

	[target:orders]
	sqlalchemy.url = sqlite:///%(here)s/orders.db
	labels = CORE MOD1

	[target:billing]
	sqlalchemy.url = sqlite:///%(here)s/billing.db
	labels = CORE, MOD2

	[target:shipping]
	sqlalchemy.url = sqlite:///%(here)s/shipping.db
	labels = CORE MOD3
	INI
	git dbmig -q upgrade heads --target all >/dev/null &&
	git dbmig -q --url sqlite:///orders.db downgrade MOD1@-2 &&
	git dbmig -q --url sqlite:///shipping.db downgrade base
'

test_expect_success 'status --target all: a table per target, then the matrix' '
	cd f &&
	git dbmig status --target all >out &&
	grep -q "^orders: MOD1  at mod1_rev1, 2 behind mod1_rev3$" out &&
	grep -q "^orders: other  *mod2_rev1  *not one of the target" out &&
	grep -q "^orders: ok, CORE core_rev3, MOD1 mod1_rev1 (-2)$" out &&
	grep -q "^billing: ok, CORE core_rev3, MOD2 mod2_rev3$" out &&
	n=$(git dbmig --url sqlite:///shipping.db upgrade --plan MOD3@head | grep -c "^upgrade ") &&
	sed -n "/^target /,\$p" out >matrix &&
	cat >expect <<-EOF &&
	target    CORE       MOD1            MOD2       MOD3
	orders    core_rev3  mod1_rev1 (-2)  -          -
	billing   core_rev3  -               mod2_rev3  -
	shipping  base (-7)  -               -          base (-$n)
	EOF
	diff -u expect matrix
'

test_expect_success 'status -j 3 prints the same as -j 1' '
	cd f &&
	git dbmig status --target all -j 1 >one &&
	git dbmig status --target all -j 3 >three &&
	diff -u one three
'

test_expect_success 'status: a target whose database cannot be read is FAILED in the matrix' '
	cd f &&
	cp billing.db saved.db && echo "no database" >billing.db &&
	! git dbmig status --target all >out 2>err &&
	grep -q "^billing: FAILED: .*file is not a database" out &&
	grep -q "^billing   FAILED$" out &&
	grep -q "^FAILED: 1 of 3 targets failed (billing)$" err &&
	mv saved.db billing.db
'

test_expect_success 'verify --target all: one line per target; a drifting one fails alone' '
	cd f &&
	git dbmig verify --target all -j 2 >out &&
	grep -q "^orders: ok, 12 applied revisions as committed, schema as they make it" out &&
	grep -q "^billing: ok, 14 applied revisions as committed" out &&
	grep -q "^shipping: ok, 0 applied revisions as committed" out &&
	sqlite3 billing.db "CREATE INDEX ix_hand ON core_setting (value)" &&
	! git dbmig verify --target all -j 2 >out 2>err &&
	grep -q "^billing: + index core_setting.ix_hand: " out &&
	grep -q "^billing: FAILED: verify: sqlite:///.*billing.db and the repository disagree: 1 schema difference$" out &&
	grep -q "^orders: ok, " out && grep -q "^shipping: ok, " out &&
	grep -q "^FAILED: 1 of 3 targets failed (billing)$" err
'

cd f
test_expect_failure_msg 'status: an unknown target' "1 of 1 target failed (nowhere)" \
	git dbmig status --target nowhere
test_expect_failure_msg 'verify: -j without --target' "verify: -j only applies with --target" \
	git dbmig verify -j 2
cd ..

test_done
