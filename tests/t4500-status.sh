#!/bin/sh
# t4500-status: "status" on SQLite: every revision in the order upgrade
# runs them, applied ones with their dbmig_log row, a file changed after
# it ran, revisions applied outside git-dbmig (Alembic, stamp), version
# rows naming no revision (removed in a commit, squashed), the label
# summaries, --json, colour on a terminal, and the bad inputs.
. "$(dirname "$0")/lib.sh"

V=migrations/versions

# The state column of "status", "STATE ID" a line, revisions only.
states() {
	sed -n 's/^\([a-z]*\)  *\([a-z0-9_]*\).*/\1 \2/p' "$1" |
		grep -E '^(applied|changed|outside|pending|other|gone|unknown) '
}

# Field $2 of the revision $3 of a status --json file $1 (a python expression on r).
jrev() {
	"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = [r for r in d["revisions"] if r["revision"] == sys.argv[3]][0]
print(eval(sys.argv[2]))' "$1" "$2" "$3"
}

test_expect_success 'setup: the seed project in a git repository' '
	mkdir seed && cd seed && seed_project &&
	git init -q && printf "/*\n!/migrations/\n!/alembic.ini\n" >.git/info/exclude &&
	git add . && git commit -q -m seed
'

test_expect_success 'a database not made yet: everything pending, in upgrade order' '
	cd seed &&
	git dbmig status >out &&
	test ! -e dbmig.db &&
	states out >st &&
	test "$(wc -l <st)" = 30 &&
	test "$(grep -c "^pending " st)" = 30 &&
	git dbmig upgrade --plan heads | sed -n "s/^upgrade .* -> \([a-z0-9_]*\).*/pending \1/p" >plan &&
	diff -u plan st &&
	grep -q "^30 revisions: 30 pending; 5 heads not applied$" out &&
	n=$(git dbmig upgrade --plan MOD1@head | grep -c "^upgrade ") &&
	grep -q "^MOD1 *at base, $n behind mod1_rev3$" out
'

test_expect_success 'every head applied: status says why current --check-heads still fails' '
	cd seed &&
	git dbmig -q upgrade heads &&
	git dbmig status >out &&
	grep -q "^\([0-9]*\) revisions: \1 applied; 0 heads not applied$" out &&
	! git dbmig current --check-heads >/dev/null 2>&1 &&
	grep "^current --check-heads fails: heads have no version row: " out >line &&
	grep -q "init_core_popdata (init_core_version0 depends on it)" line &&
	git dbmig status --json >json &&
	"$PYTHON" -c "import json, sys; s = json.load(open(sys.argv[1]))[\"summary\"]
assert s[\"check_heads\"] is False and \"init_core_popdata\" in s[\"heads_without_row\"], s" json &&
	git dbmig upgrade --plan heads >plan && ! grep "^upgrade " plan &&
	git dbmig -q downgrade base
'

test_expect_success 'applied revisions show their dbmig_log row and the version row' '
	cd seed &&
	git dbmig -q upgrade CORE@head &&
	git dbmig -q upgrade INITMOD1@head &&
	git dbmig status >out &&
	states out >st &&
	test "$(grep -c "^applied " st)" = 10 &&
	test "$(grep -c "^pending " st)" = 20 &&
	user=$(id -un) host=$(hostname) &&
	grep "^applied  *core_rev2 " out >line &&
	grep -q " by $user@$host, [0-9]* ms, blob $(git rev-parse --short=7 HEAD:$V/core_rev2_core_rev2.sql)" line &&
	grep -q "^applied  *core_rev3 .*(version row)$" out &&
	grep -q "^applied  *init_mod1_popdata .*(version row)$" out &&
	grep -q "^CORE  *at core_rev3, its head$" out &&
	grep -q "^INITMOD1  *at init_mod1_popdata, its head$" out &&
	grep -q "^MOD1  *at base, 4 behind mod1_rev3$" out
'

test_expect_success 'the labels agree with what upgrade LABEL@head would run' '
	cd seed &&
	for l in MOD1 MOD2 INITALL INITDEV; do
		n=$(git dbmig upgrade --plan $l@head | grep -c "^upgrade ") &&
		grep -q "^$l  *at .*, $n behind " out || { echo "$l: $n"; exit 1; }
	done
'

test_expect_success 'a file edited after it was applied is "changed", with both blob ids' '
	cd seed &&
	old=$(git rev-parse --short=7 HEAD:$V/core_rev1_core_rev1.sql) &&
	echo "-- edited" >>$V/core_rev1_core_rev1.sql &&
	new=$(git hash-object $V/core_rev1_core_rev1.sql | cut -c1-7) &&
	git dbmig status >out &&
	grep "^changed  *core_rev1 " out >line &&
	grep -q "blob $old, file now $new: the file changed after it was applied" line &&
	test "$(states out | grep -c "^changed ")" = 1 &&
	grep -q "1 changed" out &&
	git checkout -q $V/core_rev1_core_rev1.sql &&
	git dbmig status >out &&
	! grep -q "^changed " out
'

test_expect_success 'status --at reads the revisions of a commit' '
	cd seed &&
	echo "-- edited" >>$V/core_rev1_core_rev1.sql &&
	git dbmig --at HEAD status >out &&
	! grep -q "^changed " out &&
	git dbmig status >out &&
	grep -q "^changed  *core_rev1 " out &&
	git checkout -q $V/core_rev1_core_rev1.sql
'

test_expect_success 'a stamped revision is applied outside git-dbmig (no log row)' '
	cd seed &&
	git dbmig -q stamp mod1_rev1 &&
	git dbmig status >out &&
	grep -q "^outside  *init_mod1_version0  *no dbmig_log row: applied outside git-dbmig" out &&
	grep -q "^outside  *mod1_rev1 .*(version row)$" out &&
	test "$(states out | grep -c "^outside ")" = 2
'

test_expect_success 'status --json: states, log rows, labels and summary' '
	cd seed &&
	git dbmig status --json >out.json &&
	test "$(jrev out.json "r[\"state\"]" core_rev2)" = applied &&
	test "$(jrev out.json "r[\"applied\"][\"blob_id\"] == r[\"blob_id\"]" core_rev2)" = True &&
	test "$(jrev out.json "r[\"applied\"][\"os_user\"]" core_rev2)" = "$(id -un)" &&
	test "$(jrev out.json "r[\"version_row\"]" core_rev3)" = True &&
	test "$(jrev out.json "r[\"applied\"]" mod1_rev1)" = None &&
	test "$(jrev out.json "r[\"state\"]" mod1_rev1)" = outside &&
	"$PYTHON" -c "
import json
d = json.load(open(\"out.json\"))
s = d[\"summary\"]
assert d[\"database\"] == \"sqlite:///dbmig.db\", d[\"database\"]
assert d[\"target\"] is None
assert len(d[\"revisions\"]) == 30
assert sum(s[k] for k in (\"applied\", \"changed\", \"outside\", \"pending\")) == 30, s
assert s[\"outside\"] == 2 and s[\"changed\"] == 0, s
l = [l for l in d[\"labels\"] if l[\"label\"] == \"MOD1\"][0]
assert l[\"at\"] == [\"mod1_rev1\"] and l[\"heads\"] == [\"mod1_rev3\"] and l[\"behind\"] == 2, l
"
'

test_expect_success 'a version row naming a file removed in a commit says which commit' '
	cd seed &&
	git dbmig -q upgrade MOD2@head &&
	git rm -q $V/mod2_rev3_mod2_rev3.sql &&
	git commit -q -m "drop mod2_rev3" &&
	c=$(git rev-parse --short=7 HEAD) &&
	git dbmig status >out &&
	grep "^unknown  *mod2_rev3 " out >line &&
	grep -q "a version row that names no revision of the graph: .*mod2_rev3_mod2_rev3.sql was removed in commit $c .drop mod2_rev3." line &&
	grep -q "(version row)$" line &&
	git dbmig status --json >out.json &&
	test "$(jrev out.json "r[\"state\"]" mod2_rev3)" = unknown &&
	test "$(jrev out.json "r[\"applied\"][\"blob_id\"]" mod2_rev3)" = "$(git rev-parse HEAD^:$V/mod2_rev3_mod2_rev3.sql)" &&
	git revert --no-edit HEAD >/dev/null
'

test_expect_success 'a squashed label: the folded ids are gone, squashed into the head' '
	cd seed &&
	git dbmig -q upgrade MOD3@head &&
	git dbmig squash MOD3 >/dev/null 2>&1 &&
	git add -A && git commit -q -m "squash MOD3" &&
	git dbmig status >out &&
	grep -q "^gone  *mod3_rev1 .*applied, its file is gone: squashed into mod3_rev3 " out &&
	grep -q "^gone  *mod3_rev2 .*squashed into mod3_rev3 " out &&
	grep -q "^applied  *mod3_rev3 .*rewritten by squash" out &&
	! grep -q "^changed " out
'

test_expect_success 'colour on a terminal, none on a pipe or with --no-color' '
	cd seed &&
	if command -v script >/dev/null; then
		TERM=xterm script -qec "git dbmig status" /dev/null >tty.out &&
		grep -q "$(printf "\033\\[32mapplied")" tty.out &&
		TERM=xterm script -qec "git dbmig --no-color status" /dev/null >tty.out &&
		! grep -q "$(printf "\033")" tty.out
	fi &&
	git dbmig status >out &&
	! grep -q "$(printf "\033")" out
'

test_expect_success 'status -h prints the usage' '
	git dbmig status -h >out &&
	grep -q "^usage: git dbmig status \[--json\]" out
'

# ------------------------------------------------------------------
# Bad inputs

test_expect_success 'setup: a corrupt dbmig_log, a file that is no database' '
	mkdir bad && cd bad && make_project &&
	write_rev migrations/versions a1 "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	git dbmig -q upgrade heads &&
	cp test.db nolog.db && sqlite3 nolog.db "ALTER TABLE dbmig_log DROP COLUMN host" &&
	cp test.db baddir.db && sqlite3 baddir.db "UPDATE dbmig_log SET direction = '"'"'sideways'"'"'" &&
	cp test.db baddur.db && sqlite3 baddur.db "UPDATE dbmig_log SET duration_ms = '"'"'soon'"'"'" &&
	echo "this is not a database" >junk.db
'

cd bad
test_expect_failure_msg 'dbmig_log without a column' "cannot read dbmig_log: " \
	git dbmig --url sqlite:///nolog.db status
test_expect_failure_msg 'dbmig_log with a direction that is none' \
	"dbmig_log row 1: direction 'sideways' is neither upgrade nor downgrade" \
	git dbmig --url sqlite:///baddir.db status
test_expect_failure_msg 'dbmig_log with a duration that is no number' \
	"dbmig_log row 1: duration_ms 'soon' is not a number" \
	git dbmig --url sqlite:///baddur.db status
test_expect_failure_msg 'a file that is not a database' "file is not a database" \
	git dbmig --url sqlite:///junk.db status
test_expect_failure_msg 'an unknown option' "status: unknown option '--bogus'" \
	git dbmig status --bogus
test_expect_failure_msg '--json with --target' "status: --json reads one database" \
	git dbmig status --json --target all
cd ..

test_done
