#!/bin/sh
# t4100-check: every failure "git dbmig check" knows, each with its
# message and file:line; --staged against the work tree; the protected
# ref (upstream by default, dbmig.protectedRef) refusing edits of pushed
# revisions, through real commits, while squash is let through; the
# two-developer fork of MOD1 and its merge.

. "$(dirname "$0")/lib.sh"

V=migrations/versions

# check in folder $1 must fail with $2 in its one FAILED line
check_fails() {
	(cd "$1" && ! git dbmig check >../.cout 2>../.cerr) &&
	test "$(grep -c "^FAILED: " .cerr)" = 1 &&
	grep -F -q -- "$2" .cerr || { cat .cerr; false; }
}

# A fresh project folder (no git) with a -> b under MOD1.
fresh() {
	rm -rf "$1" && mkdir "$1" &&
	(cd "$1" && make_project && printf "err\nout\nt\n" >.gitignore &&
	 write_rev $V a "" MOD1 "" "SELECT 1;" "SELECT 1;" &&
	 write_rev $V b a "" "" "SELECT 2;" "SELECT 2;")
}

test_expect_success "a valid graph passes, outside a git repository too" '
	fresh p && cd p &&
	git dbmig check >out &&
	test "$(cat out)" = "2 revisions, 1 heads, 1 branch labels: OK"
'

test_expect_success "malformed header: unknown key, with its line" '
	fresh p &&
	printf -- "-- message: x\n-- revision: x\n-- down_revison: a\n" >p/$V/x_rev.sql &&
	check_fails p "$V/x_rev.sql:3: unknown key '\''down_revison'\''"
'

test_expect_success "malformed header: a line that is not key: value" '
	fresh p &&
	printf -- "-- message: x\n-- revision: x\n-- down_revision a\n" >p/$V/x_rev.sql &&
	check_fails p "$V/x_rev.sql:3:"
'

test_expect_success "malformed header: an invalid id" '
	fresh p &&
	printf -- "-- revision: x\n-- down_revision: a b\n" >p/$V/x_rev.sql &&
	check_fails p "$V/x_rev.sql:2:"
'

test_expect_success "dangling down_revision" '
	fresh p &&
	write_rev p/$V c nope "" "" "SELECT 3;" "SELECT 3;" &&
	check_fails p "$V/c_rev.sql:3: Revision nope referenced from c is not present"
'

test_expect_success "dangling depends_on" '
	fresh p &&
	write_rev p/$V c b "" NOPE "SELECT 3;" "SELECT 3;" &&
	check_fails p "$V/c_rev.sql:5: depends_on '\''NOPE'\'' of revision c names no revision or branch label"
'

test_expect_success "cycle through down_revision" '
	fresh p &&
	write_rev p/$V c d "" "" "SELECT 3;" "SELECT 3;" &&
	write_rev p/$V d c "" "" "SELECT 4;" "SELECT 4;" &&
	check_fails p ":3: Cycle is detected in revisions (c, d)" &&
	grep -q "FAILED: $V/d_rev.sql:3: Cycle" .cerr
'

test_expect_success "cycle through depends_on" '
	fresh p &&
	write_rev p/$V c b "" e "SELECT 3;" "SELECT 3;" &&
	write_rev p/$V e c "" "" "SELECT 5;" "SELECT 5;" &&
	check_fails p "Dependency cycle is detected in revisions (" &&
	grep -q "FAILED: $V/e_rev.sql:3: Dependency cycle is detected in revisions (c, e)" .cerr
'

test_expect_success "self-loop" '
	fresh p &&
	write_rev p/$V c c "" "" "SELECT 3;" "SELECT 3;" &&
	check_fails p "$V/c_rev.sql:3: Self-loop is detected in revisions (c)" &&
	fresh p &&
	write_rev p/$V c b "" c "SELECT 3;" "SELECT 3;" &&
	check_fails p "$V/c_rev.sql:5: Dependency self-loop is detected in revisions (c)"
'

test_expect_success "duplicate revision id names both files and lines" '
	fresh p &&
	write_rev p/$V b a "" "" "SELECT 9;" "SELECT 9;" &&
	mv p/$V/b_rev.sql p/$V/b_again.sql &&
	write_rev p/$V b a "" "" "SELECT 2;" "SELECT 2;" &&
	check_fails p ":2: revision '\''b'\'' is present more than once (also in $V/b_" &&
	grep -q "b_again.sql:2" .cerr && grep -q "b_rev.sql:2" .cerr
'

test_expect_success "duplicate branch label" '
	fresh p &&
	write_rev p/$V c "" MOD1 "" "SELECT 3;" "SELECT 3;" &&
	check_fails p "$V/c_rev.sql:4: branch label '\''MOD1'\'' of revision c is already used by revision a ($V/a_rev.sql:4)"
'

test_expect_success "branch label equal to a revision id" '
	fresh p &&
	write_rev p/$V c "" b "" "SELECT 3;" "SELECT 3;" &&
	check_fails p "$V/c_rev.sql:4: branch label '\''b'\'' of revision c is also a revision id ($V/b_rev.sql:2)"
'

test_expect_success "two heads in one branch label, with the merge to run" '
	fresh p &&
	write_rev p/$V c b "" "" "SELECT 3;" "SELECT 3;" &&
	write_rev p/$V d b "" "" "SELECT 4;" "SELECT 4;" &&
	check_fails p "$V/c_rev.sql:3: branch label '\''MOD1'\'' has 2 heads: c, d; merge them with '\''git dbmig merge -m \"merge MOD1\" c d'\''"
'

test_expect_success "file name without its revision id" '
	fresh p &&
	mv p/$V/b_rev.sql p/$V/second.sql &&
	check_fails p "$V/second.sql:2: file name does not carry its revision id '\''b'\''"
'

test_expect_success "a file_template without the id does not ask for it" '
	fresh p &&
	mv p/$V/b_rev.sql p/$V/second.sql &&
	printf "file_template = %%%%(slug)s\n" >>p/alembic.ini &&
	(cd p && git dbmig check)
'

test_expect_success "--staged reads the index, not the work tree" '
	fresh s && cd s && git init -q -b main && git add -A && git commit -q -m base &&
	write_rev $V c nope "" "" "SELECT 3;" "SELECT 3;" &&
	git dbmig check --staged &&
	! git dbmig check 2>err && grep -q "c_rev.sql:3" err &&
	git add -A &&
	! git dbmig check --staged 2>err && grep -q "c_rev.sql:3" err &&
	git dbmig --at HEAD check &&
	rm $V/c_rev.sql && git add -A &&
	GIT_INDEX_FILE=$(pwd)/other-index git read-tree HEAD &&
	write_rev $V c nope "" "" "SELECT 3;" "SELECT 3;" &&
	GIT_INDEX_FILE=$(pwd)/other-index git add $V/c_rev.sql &&
	git dbmig check --staged &&
	! GIT_INDEX_FILE=$(pwd)/other-index git dbmig check --staged 2>err &&
	grep -q "c_rev.sql:3" err
'

test_expect_success "--staged remembers a passing run, keyed on every input" '
	fresh cc && cd cc && git init -q -b main && git config gc.auto 0 &&
	git add -A && git commit -q -m base &&
	git dbmig check --staged >out &&
	test -f .git/dbmig-check-cache &&
	blob=$(git rev-parse :$V/a_rev.sql) &&
	obj=.git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	mv $obj ../saved-object &&
	git dbmig check --staged >out2 && diff -u out out2 &&
	! DBMIG_NO_CACHE=1 git dbmig check --staged 2>err &&
	grep -q "^FAILED: " err &&
	cp alembic.ini ../ini && echo "# changed" >>alembic.ini &&
	! git dbmig check --staged 2>err &&
	cp ../ini alembic.ini && git dbmig check --staged &&
	write_rev $V c b "" "" "SELECT 3;" "SELECT 3;" && git add $V/c_rev.sql &&
	! git dbmig check --staged 2>err &&
	git rm -q --cached $V/c_rev.sql && git dbmig check --staged &&
	git config dbmig.protectedRef HEAD &&
	! git dbmig check --staged 2>err &&
	git config --unset dbmig.protectedRef &&
	mv ../saved-object $obj &&
	git add -A && git dbmig check --staged >out3 &&
	grep -q "3 revisions" out3
'

test_expect_success "--staged after a body edit reads the changed file alone" '
	fresh cb && cd cb && git init -q -b main && git config gc.auto 0 &&
	write_rev $V c b "" "" "SELECT 3;" "SELECT 3;" &&
	git add -A && git commit -q -m base &&
	git dbmig check --staged >out &&
	echo "-- a comment" >>$V/b_rev.sql &&
	sed "s/SELECT 3;/SELECT 33;/" $V/c_rev.sql >t && mv t $V/c_rev.sql &&
	git add $V/b_rev.sql $V/c_rev.sql &&
	DBMIG_TRACE=1 git dbmig check --staged >out2 2>trace &&
	diff -u out out2 &&
	grep -q "^trace: check --staged read 2 changed files$" trace &&
	DBMIG_TRACE=1 git dbmig check --staged >out3 2>trace &&
	diff -u out out3 && test ! -s trace &&
	git dbmig -q check --staged >out4 && test ! -s out4
'

test_expect_success "--staged after a body edit: a file that no longer parses fails" '
	cd cb && git reset -q --hard && git dbmig check --staged >/dev/null &&
	echo "-- migrate:sideways" >>$V/b_rev.sql && git add $V/b_rev.sql &&
	! git dbmig check --staged 2>err &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	grep -q "b_rev.sql:[0-9]*: unknown section marker" err
'

test_expect_success "--staged after a header edit runs the whole check" '
	cd cb && git reset -q --hard && git dbmig check --staged >/dev/null &&
	sed "s/^-- down_revision: b$/-- down_revision: nope/" $V/c_rev.sql >t && mv t $V/c_rev.sql &&
	git add $V/c_rev.sql &&
	! DBMIG_TRACE=1 git dbmig check --staged 2>err &&
	grep -q "^FAILED: .*c_rev.sql:3: .*nope" err && ! grep -q "changed file" err &&
	git reset -q --hard && git dbmig check --staged >/dev/null &&
	sed "s/^-- down_revision: b$/-- down_revision: a/" $V/c_rev.sql >t && mv t $V/c_rev.sql &&
	git add $V/c_rev.sql &&
	! git dbmig check --staged 2>err &&
	grep -q "has 2 heads" err &&
	git reset -q --hard && git dbmig check --staged >/dev/null &&
	sed "s/^-- message: rev c$/-- message: rev c, better/" $V/c_rev.sql >t && mv t $V/c_rev.sql &&
	git add $V/c_rev.sql &&
	DBMIG_TRACE=1 git dbmig check --staged >out 2>trace &&
	grep -q "3 revisions" out && test ! -s trace
'

test_expect_success "--staged after a body edit: a file added or renamed runs the whole check" '
	cd cb && git reset -q --hard && git dbmig check --staged >/dev/null &&
	echo "-- a comment" >>$V/b_rev.sql && write_rev $V d c "" "" "SELECT 4;" "SELECT 4;" &&
	git add -A && DBMIG_TRACE=1 git dbmig check --staged >out 2>trace &&
	grep -q "4 revisions" out && test ! -s trace &&
	git reset -q --hard && rm -f $V/d_rev.sql && git dbmig check --staged >/dev/null &&
	echo "-- a comment" >>$V/b_rev.sql && git mv $V/c_rev.sql $V/c_rev_renamed.sql &&
	git add -A && DBMIG_TRACE=1 git dbmig check --staged >out 2>trace &&
	grep -q "3 revisions" out && test ! -s trace
'

test_expect_success "--staged after a body edit: a damaged cache is not trusted" '
	cd cb && git reset -q --hard && git dbmig check --staged >/dev/null &&
	cp .git/dbmig-check-cache ../good-cache &&
	echo "-- a comment" >>$V/c_rev.sql && git add $V/c_rev.sql &&
	size=$(wc -c <../good-cache) &&
	for cut in 1 2 3 20 40 41 42 80 81 82 83; do
		head -c $((size - cut)) ../good-cache >.git/dbmig-check-cache &&
		DBMIG_TRACE=1 git dbmig check --staged >out 2>trace &&
		grep -q "3 revisions" out && test ! -s trace || return 1
	done &&
	{ head -n 1 ../good-cache; echo 0000000000000000000000000000000000000000; tail -n +3 ../good-cache; } >.git/dbmig-check-cache &&
	DBMIG_TRACE=1 git dbmig check --staged >out 2>trace && test ! -s trace &&
	sed "s|$V/b_rev.sql$|$V/bb_rev.sql|" ../good-cache >.git/dbmig-check-cache &&
	DBMIG_TRACE=1 git dbmig check --staged >out 2>trace && test ! -s trace &&
	{ cat ../good-cache; tail -n 1 ../good-cache; } >.git/dbmig-check-cache &&
	DBMIG_TRACE=1 git dbmig check --staged >out 2>trace && test ! -s trace &&
	sed "\\|$V/c_rev.sql$|s/^\(.\{41\}\)./\1x/" ../good-cache >.git/dbmig-check-cache &&
	DBMIG_TRACE=1 git dbmig check --staged >out 2>trace && test ! -s trace &&
	cp ../good-cache .git/dbmig-check-cache &&
	DBMIG_TRACE=1 git dbmig check --staged >out 2>trace &&
	grep -q "3 revisions" out && grep -q "read 1 changed file" trace
'

test_expect_success "--staged after a body edit: the protected ref still guards its files" '
	cd cb && git reset -q --hard && git config dbmig.protectedRef refs/heads/main &&
	write_rev $V d c "" "" "SELECT 4;" "SELECT 4;" && git add $V/d_rev.sql &&
	git dbmig check --staged >/dev/null &&
	echo "-- a comment" >>$V/d_rev.sql && git add $V/d_rev.sql &&
	DBMIG_TRACE=1 git dbmig check --staged >out 2>trace &&
	grep -q "4 revisions" out && grep -q "read 1 changed file" trace &&
	echo "-- a comment" >>$V/b_rev.sql && git add $V/b_rev.sql &&
	! git dbmig check --staged 2>err &&
	grep -q "^FAILED: $V/b_rev.sql:.*revision '\''b'\'' is already in refs/heads/main" err &&
	git checkout -q HEAD -- $V/b_rev.sql && git mv $V/c_rev.sql $V/c_moved.sql &&
	git commit -q -m moved && git mv $V/c_moved.sql $V/c_rev.sql &&
	git dbmig check --staged >/dev/null &&
	echo "-- a comment" >>$V/c_rev.sql && git add $V/c_rev.sql &&
	! git dbmig check --staged 2>err &&
	grep -q "^FAILED: $V/c_rev.sql:.*revision '\''c'\'' is already in refs/heads/main as " err &&
	git config --unset dbmig.protectedRef
'

# ------------------------------------------------------------------
# The protected ref

test_expect_success "set up: origin with a -> b -> c pushed, a clone with upstream" '
	fresh up && cd up &&
	write_rev $V c b "" "" "SELECT 3;" "SELECT 3;" &&
	git init -q -b main && git add -A && git commit -q -m "a b c" &&
	git init -q --bare -b main ../origin.git &&
	git remote add origin ../origin.git &&
	git push -q -u origin main &&
	cd .. && git clone -q origin.git dev &&
	cd dev && git dbmig hook install >/dev/null &&
	test "$(git rev-parse --abbrev-ref @{upstream})" = origin/main
'

test_expect_success "protected: a body edit fails naming file and changed line" '
	cd dev &&
	sed "s/SELECT 2;/SELECT 22;/" $V/b_rev.sql >t && mv t $V/b_rev.sql &&
	! git dbmig check 2>err &&
	grep -q "^FAILED: $V/b_rev.sql:8: revision '\''b'\'' is already in refs/remotes/origin/main; its file must not change" err &&
	git add -A && head=$(git rev-parse HEAD) &&
	! git commit -q -m "edit b" 2>err &&
	grep -q "^FAILED: $V/b_rev.sql:8: revision '\''b'\'' is already in refs/remotes/origin/main" err &&
	test "$(git rev-parse HEAD)" = "$head" &&
	git reset -q --hard
'

test_expect_success "protected: a header edit fails too, at the header line" '
	cd dev &&
	sed "s/^-- message: rev b$/-- message: better words/" $V/b_rev.sql >t && mv t $V/b_rev.sql &&
	git add -A &&
	! git commit -q -m "edit b header" 2>err &&
	grep -q "^FAILED: $V/b_rev.sql:1: revision '\''b'\''" err &&
	git reset -q --hard
'

test_expect_success "protected: renamed and edited is caught by revision id" '
	cd dev &&
	git mv $V/b_rev.sql $V/b_renamed.sql &&
	sed "s/SELECT 2;/SELECT 22;/" $V/b_renamed.sql >t && mv t $V/b_renamed.sql &&
	git add -A &&
	! git commit -q -m "rename+edit" 2>err &&
	grep -q "^FAILED: $V/b_renamed.sql:8: revision '\''b'\'' is already in refs/remotes/origin/main as $V/b_rev.sql" err &&
	git reset -q --hard
'

test_expect_success "protected: a plain rename, a new revision and removing files pass" '
	cd dev &&
	git mv $V/b_rev.sql $V/b_renamed.sql &&
	write_rev $V d c "" "" "SELECT 4;" "SELECT 4;" &&
	git add -A && git commit -q -m "rename b, add d" &&
	git rm -q $V/d_rev.sql $V/c_rev.sql && git commit -q -m "drop c d" &&
	git reset -q --hard origin/main
'

test_expect_success "protected: a file rewritten to hold another revision" '
	cd dev &&
	write_rev $V rev b "" "" "SELECT 26;" "SELECT 26;" &&
	mv $V/rev_rev.sql $V/c_rev.sql &&
	! git dbmig check 2>err &&
	grep -q "^FAILED: $V/c_rev.sql:2: file holds revision '\''rev'\'' where refs/remotes/origin/main has revision '\''c'\''" err &&
	git reset -q --hard
'

test_expect_success "protected: a squash (squashes: key) may rewrite, a later hand edit may not" '
	cd dev &&
	{
		printf -- "-- message: rev c\n-- revision: c\n-- down_revision: a\n"
		printf -- "-- branch_labels:\n-- depends_on:\n-- squashes: b\n\n"
		printf -- "-- migrate:upgrade\n-- part b\nSELECT 2;\n-- part c\nSELECT 3;\n\n"
		printf -- "-- migrate:downgrade\n-- part c\nSELECT 3;\n-- part b\nSELECT 2;\n"
	} >$V/c_rev.sql &&
	git rm -q $V/b_rev.sql && git add -A &&
	git commit -q -m "squash b into c" 2>err &&
	grep -q "2 revisions" err &&
	git push -q origin main &&
	sed "s/SELECT 3;/SELECT 33;/" $V/c_rev.sql >t && mv t $V/c_rev.sql &&
	git add -A &&
	! git commit -q -m "hand edit" 2>err &&
	grep -q "^FAILED: $V/c_rev.sql:12: revision '\''c'\'' is already in refs/remotes/origin/main" err &&
	git reset -q --hard
'

test_expect_success "protected: dbmig.protectedRef names another ref" '
	cd dev &&
	git tag v1 HEAD &&
	git config dbmig.protectedRef v1 &&
	sed "s/SELECT 1;/SELECT 11;/" $V/a_rev.sql >t && mv t $V/a_rev.sql &&
	! git dbmig check 2>err &&
	grep -q "^FAILED: $V/a_rev.sql:8: revision '\''a'\'' is already in v1;" err &&
	git reset -q --hard
'

test_expect_success "protected: an empty dbmig.protectedRef turns the check off" '
	cd dev &&
	git config dbmig.protectedRef "" &&
	sed "s/SELECT 1;/SELECT 11;/" $V/a_rev.sql >t && mv t $V/a_rev.sql &&
	git dbmig check &&
	git reset -q --hard
'

test_expect_success "protected: a dbmig.protectedRef that names nothing fails" '
	cd dev &&
	git config dbmig.protectedRef no/such/ref &&
	! git dbmig check 2>err &&
	grep -q "^FAILED: dbmig.protectedRef '\''no/such/ref'\'' names no commit" err &&
	git config --unset dbmig.protectedRef
'

test_expect_success "protected: no upstream and no config, nothing is protected" '
	cd up &&
	git branch --unset-upstream &&
	sed "s/SELECT 1;/SELECT 11;/" $V/a_rev.sql >t && mv t $V/a_rev.sql &&
	git dbmig check &&
	git checkout -q -- $V/a_rev.sql
'

# ------------------------------------------------------------------
# The two-developer fork of MOD1, and its merge

test_expect_success "two developers each add MOD1 rev4; the merge is refused until merged" '
	git clone -q origin.git alice && git clone -q origin.git bob &&
	(cd alice && git dbmig hook install >/dev/null &&
	 write_rev $V rev4a c "" "" "SELECT 41;" "SELECT 41;" &&
	 git add -A && git commit -q -m "alice rev4" && git push -q origin main) &&
	cd bob && git dbmig hook install >/dev/null &&
	write_rev $V rev4b c "" "" "SELECT 42;" "SELECT 42;" &&
	git add -A && git commit -q -m "bob rev4" &&
	git fetch -q origin &&
	! git merge -q --no-edit origin/main 2>err &&
	grep -q "^FAILED: $V/rev4a_rev.sql:3: branch label '\''MOD1'\'' has 2 heads: rev4a, rev4b; merge them with '\''git dbmig merge -m \"merge MOD1\" rev4a rev4b'\''" err
'

test_expect_success "after git dbmig merge the commit goes through" '
	cd bob &&
	git dbmig merge -m "merge MOD1" rev4a rev4b >out 2>&1 &&
	git add -A && git commit -q --no-edit 2>err &&
	grep -q "OK" err &&
	git dbmig heads | grep -q "(MOD1) (head)" &&
	test "$(git rev-list --parents -1 HEAD | wc -w)" = 3
'

test_done
