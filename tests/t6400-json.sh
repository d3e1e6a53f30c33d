#!/bin/sh
# t6400: --json output of heads, branches, history, show and check parses
# and carries the documented keys.
. "$(dirname "$0")/lib.sh"

seed_project
json() { "$PYTHON" -c "import json,sys; d=json.load(sys.stdin); $1"; }

test_expect_success 'heads --json lists the heads with their labels' '
	git dbmig heads --json | json "
assert len(d) == 10
h = {x[\"revision\"]: x for x in d}
assert h[\"core_rev3\"][\"branch_labels\"] == [\"CORE\"]
assert h[\"core_rev3\"][\"head\"] and not h[\"core_rev3\"][\"effective_head\"]
assert h[\"init_core_popdata\"][\"effective_head\"]
"
'

test_expect_success 'history --json -i marks the current revision' '
	git dbmig upgrade CORE@head 2>/dev/null &&
	git dbmig history --json -i | json "
assert len(d) == 30
c = [x[\"revision\"] for x in d if x[\"current\"]]
assert c == [\"core_rev3\"], c
v0 = [x for x in d if x[\"revision\"] == \"init_core_version0\"][0]
assert v0[\"depends_on\"] == [\"init_core_popdata\"] and v0[\"down_revision\"] == []
"
'

test_expect_success 'current --json: the expanded revisions, rows marked' '
	git dbmig current --json | json "
c = {x[\"revision\"]: x[\"current\"] for x in d}
assert c == {\"core_rev3\": True, \"init_core_popdata\": False}, c
"
'

test_expect_success 'show --json and branches --json' '
	git dbmig show --json core_rev1 | json "assert d[0][\"message\"] == \"CORE Rev1\" and d[0][\"branches_into\"] == [\"core_rev2\"]" &&
	git dbmig revision -m side --rev-id side1 --head core_rev1 --splice >/dev/null &&
	git dbmig branches --json | json "assert [x[\"revision\"] for x in d] == [\"core_rev1\"] and sorted(d[0][\"branches_into\"]) == [\"core_rev2\", \"side1\"]"
'

test_expect_success 'check --json: ok, and the error when not' '
	rm migrations/versions/side1_side.sql &&
	git dbmig check --json | json "assert d == {\"ok\": True, \"revisions\": 30, \"heads\": 10, \"branch_labels\": 10}, d" &&
	printf -- "-- revision: x1\n-- down_revision: nope\n" >migrations/versions/x1_x.sql &&
	! git dbmig check --json >out 2>err &&
	json "assert not d[\"ok\"] and \"nope\" in d[\"error\"]" <out &&
	grep -q "^FAILED: " err
'

test_expect_success 'upgrade --plan --json: the steps and the rows, nothing written' '
	rm -f migrations/versions/x1_x.sql plan.db &&
	git dbmig --url sqlite:///plan.db upgrade --plan --json MOD1@head | json "
assert d[\"command\"] == \"upgrade\" and d[\"rows_before\"] == []
ids = [s[\"revision\"] for s in d[\"steps\"]]
assert ids[0] == \"init_core_newtable\" and ids[-1] == \"mod1_rev3\", ids
assert len(ids) == 8 and d[\"rows_after\"] == [\"mod1_rev3\"]
" &&
	! test -f plan.db &&
	git dbmig --url sqlite:///plan.db upgrade MOD1@head 2>/dev/null &&
	git dbmig --url sqlite:///plan.db downgrade --plan MOD1@-1 >out &&
	cat >expect <<-\EOF &&
	downgrade mod1_rev3 -> mod1_rev2, MOD1 Rev3
	rows after: mod1_rev2
	EOF
	diff -u expect out && test "$(rows plan.db)" = mod1_rev3
'

test_done
