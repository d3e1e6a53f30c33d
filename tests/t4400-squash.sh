#!/bin/sh
# t4400: squash LABEL folds the label's revisions after its version0 into
# its head; a database stopped at a folded id goes on from there.
. "$(dirname "$0")/lib.sh"

seed_project
git init -q . && git add -A && git commit -q -m seed
V=migrations/versions

test_expect_success 'a database at mod1_rev1 before the squash' '
	git dbmig upgrade mod1_rev1 2>/dev/null &&
	test "$(rows dbmig.db)" = mod1_rev1 &&
	cp dbmig.db at-rev1.db
'

test_expect_success '--dry-run prints the file and changes nothing' '
	git dbmig squash --dry-run MOD1 >out &&
	grep -q "^-- squashes: mod1_rev1, mod1_rev2$" out &&
	test -z "$(git status --porcelain -- migrations)"
'

test_expect_success 'squash MOD1 rewrites the head and removes the folded files' '
	git dbmig squash MOD1 >out &&
	grep -q "^Squashed 3 revisions of MOD1 into mod1_rev3 (down_revision init_mod1_version0): mod1_rev1 mod1_rev2$" out &&
	f=$V/mod1_rev3_mod1_rev3.sql &&
	grep -q "^-- down_revision: init_mod1_version0$" $f &&
	grep -q "^-- squashes: mod1_rev1, mod1_rev2$" $f &&
	test "$(grep -c "^-- part: " $f)" = 6 &&
	! test -e $V/mod1_rev1_mod1_rev1.sql && ! test -e $V/mod1_rev2_mod1_rev2.sql &&
	git status --porcelain -- migrations >st &&
	grep -q "^D  $V/mod1_rev1_mod1_rev1.sql$" st &&
	grep -q "^M  $f$" st &&
	git commit -q -m "squash MOD1"
'

test_expect_success 'downgrade parts come in reverse order' '
	sed -n "/^-- migrate:downgrade/,\$p" $V/mod1_rev3_mod1_rev3.sql | grep "^-- part: " >parts &&
	printf "%s\n" "-- part: mod1_rev3" "-- part: mod1_rev2" "-- part: mod1_rev1" >expect &&
	diff -u expect parts
'

test_expect_success 'the graph: mod1_rev3 hangs from the version0' '
	git dbmig history -r init_mod1_version0: >out &&
	grep -q "^init_mod1_version0 -> mod1_rev3 (MOD1) (head), MOD1 Rev3$" out &&
	git dbmig check
'

test_expect_success '--plan from a folded id is the same from the caches (headers only)' '
	cp at-rev1.db plan.db &&
	sleep 2.2 && git dbmig heads >/dev/null &&
	for o in "" --json; do
		git dbmig --url sqlite:///plan.db upgrade --plan $o MOD1@head || return 1
	done >cached &&
	for o in "" --json; do
		DBMIG_NO_CACHE=1 git dbmig --url sqlite:///plan.db upgrade --plan $o MOD1@head || return 1
	done >uncached &&
	diff -u uncached cached &&
	grep -q "^rows after: mod1_rev3$" cached
'

test_expect_success 'a database stopped at a folded id runs only the parts after it' '
	cp at-rev1.db dbmig.db &&
	git dbmig current >cur && grep -q "^mod1_rev1$" cur &&
	git dbmig upgrade MOD1@head 2>err &&
	grep -q "^Running upgrade mod1_rev1 -> mod1_rev3, MOD1 Rev3$" err &&
	test "$(grep -c "^Running" err)" = 1 &&
	test "$(rows dbmig.db)" = mod1_rev3 &&
	sqlite3 dbmig.db "SELECT count(*) FROM mod1_location" >/dev/null
'

test_expect_success 'downgrading a squashed revision runs every part back' '
	git dbmig downgrade init_mod1_version0 2>err &&
	test "$(rows dbmig.db)" = init_mod1_version0 &&
	! sqlite3 dbmig.db "SELECT unit FROM mod1_item" 2>/dev/null
'

test_expect_success 'a folded id as a target is explained' '
	! git dbmig upgrade mod1_rev2 2>err &&
	grep -q "^FAILED: Can.t locate revision identified by .mod1_rev2. (.mod1_rev2. was squashed into mod1_rev3" err
'

test_expect_success 'an id whose file was removed is explained from git history' '
	git rm -q $V/mod3_rev3_mod3_rev3.sql && git commit -q -m "drop mod3 rev3" &&
	! git dbmig upgrade mod3_rev3 2>err &&
	grep -q "^FAILED: .*mod3_rev3_mod3_rev3.sql was removed in commit [0-9a-f]* .drop mod3 rev3." err
'

test_expect_failure_msg 'nothing to squash' "nothing to squash" \
	git dbmig squash MOD1
test_expect_failure_msg 'an unknown label' "no branch label 'NOPE'" \
	git dbmig squash NOPE

test_expect_success 'a revision that something else depends on is not folded' '
	write_rev $V dep_on_c1 "" "" core_rev1 "" "" &&
	! git dbmig squash CORE 2>err &&
	grep -q "^FAILED: squash CORE: dep_on_c1 depends on core_rev1, which squash would fold away" err &&
	test -e $V/core_rev1_core_rev1.sql && rm $V/dep_on_c1_rev.sql
'

test_expect_success 'a branch point is refused' '
	write_rev $V core_side core_rev1 "" "" "" "" &&
	! git dbmig squash CORE 2>err &&
	grep -q "core_rev1 is a branch point" err && rm $V/core_side_rev.sql
'

test_done
