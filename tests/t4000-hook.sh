#!/bin/sh
# t4000-hook: "git dbmig hook install/uninstall" and the pre-commit hook in
# real repositories with real commits: the hooks folder git uses
# (core.hooksPath, relative and absolute), chaining a hook the user had,
# idempotence, uninstall restoring it, the temporary index of
# "git commit -a" and "git commit <paths>", and a hook environment with
# GIT_DIR / GIT_WORK_TREE set, and a linked worktree.

. "$(dirname "$0")/lib.sh"

# A repository with a valid one-revision project, committed.
new_repo() {
	git init -q -b main "$1" &&
	(
		cd "$1" &&
		make_project &&
		write_rev migrations/versions a "" MOD1 "" "CREATE TABLE t (x INTEGER);" "DROP TABLE t;" &&
		git add -A &&
		git commit -q -m base
	)
}

# A revision whose down_revision names nothing.
break_graph() {
	write_rev "$1/migrations/versions" bad nope "" "" "SELECT 1;" "SELECT 1;"
}

test_expect_failure_msg "hook install outside a repository says it needs one" \
	"hook install needs a git repository" git dbmig hook install

test_expect_failure_msg "hook uninstall outside a repository says it needs one" \
	"hook uninstall needs a git repository" git dbmig hook uninstall

test_expect_success "install writes executable pre-commit and pre-merge-commit hooks" '
	new_repo r1 &&
	cd r1 &&
	git dbmig hook install >out &&
	grep -q "installed .*/.git/hooks/pre-commit$" out &&
	grep -q "installed .*/.git/hooks/pre-merge-commit$" out &&
	test -x .git/hooks/pre-commit &&
	test -x .git/hooks/pre-merge-commit &&
	grep -q "^exec git dbmig check --staged$" .git/hooks/pre-merge-commit &&
	grep -q "^exec git dbmig check --staged$" .git/hooks/pre-commit &&
	grep -q "^exec 1>&2$" .git/hooks/pre-commit
'

test_expect_success "installing twice changes nothing" '
	cd r1 &&
	cp .git/hooks/pre-commit before &&
	ls -l --time-style=+%s.%N .git/hooks >stat1 &&
	sleep 0.01 &&
	git dbmig hook install >out &&
	test "$(grep -c ": already installed$" out)" = 2 &&
	cmp before .git/hooks/pre-commit &&
	ls -l --time-style=+%s.%N .git/hooks >stat2 &&
	cmp stat1 stat2 &&
	! test -e .git/hooks/pre-commit.dbmig-chained
'

test_expect_success "a valid commit passes the hook" '
	cd r1 &&
	write_rev migrations/versions b a "" "" "SELECT 1;" "SELECT 1;" &&
	git add -A &&
	git commit -q -m "add b" 2>err &&
	grep -q "2 revisions, 1 heads, 1 branch labels: OK" err &&
	test "$(git log -1 --format=%s)" = "add b"
'

test_expect_success "an invalid graph is refused, naming file and line" '
	cd r1 &&
	head=$(git rev-parse HEAD) &&
	break_graph . &&
	git add -A &&
	! git commit -q -m broken 2>err &&
	grep -q "^FAILED: migrations/versions/bad_rev.sql:3: Revision nope referenced from bad is not present" err &&
	test "$(git rev-parse HEAD)" = "$head" &&
	git rm -q --cached migrations/versions/bad_rev.sql &&
	rm migrations/versions/bad_rev.sql
'

test_expect_success "git commit -a: the hook sees the temporary index" '
	cd r1 &&
	head=$(git rev-parse HEAD) &&
	cp migrations/versions/b_rev.sql saved &&
	sed "s/^-- down_revision: a$/-- down_revision: gone/" saved >migrations/versions/b_rev.sql &&
	git dbmig check --staged &&
	! git commit -q -a -m "commit -a" 2>err &&
	grep -q "^FAILED: migrations/versions/b_rev.sql:3: Revision gone referenced from b" err &&
	test "$(git rev-parse HEAD)" = "$head" &&
	cp saved migrations/versions/b_rev.sql
'

test_expect_success "git commit -a with a good change passes" '
	cd r1 &&
	sed "s/SELECT 1;/SELECT 2;/" saved >migrations/versions/b_rev.sql &&
	git commit -q -a -m "edit b" &&
	test "$(git log -1 --format=%s)" = "edit b" &&
	git diff --quiet
'

test_expect_success "git commit <path>: checks that path, not the rest of the index" '
	cd r1 &&
	head=$(git rev-parse HEAD) &&
	break_graph . &&
	git add migrations/versions/bad_rev.sql &&
	write_rev migrations/versions c b "" "" "SELECT 3;" "SELECT 3;" &&
	git add migrations/versions/c_rev.sql &&
	git commit -q -m "only c" migrations/versions/c_rev.sql &&
	test "$(git log -1 --format=%s)" = "only c" &&
	git cat-file -e HEAD:migrations/versions/c_rev.sql &&
	! git cat-file -e HEAD:migrations/versions/bad_rev.sql 2>/dev/null &&
	! git commit -q -m "now bad" migrations/versions/bad_rev.sql 2>err &&
	grep -q "bad_rev.sql:3: Revision nope" err &&
	git rm -q --cached migrations/versions/bad_rev.sql &&
	rm migrations/versions/bad_rev.sql
'

test_expect_success "git commit <path> from a subfolder" '
	cd r1 &&
	mkdir -p sub &&
	sed "s/^-- down_revision: b$/-- down_revision: missing/" migrations/versions/c_rev.sql >c.tmp &&
	mv c.tmp migrations/versions/c_rev.sql &&
	(cd sub && ! git commit -q -m sub ../migrations/versions/c_rev.sql 2>../err) &&
	grep -q "c_rev.sql:3: Revision missing referenced from c" err &&
	git checkout -q migrations/versions/c_rev.sql
'

test_expect_success "install keeps and chains a hook the user had" '
	new_repo r2 &&
	cd r2 &&
	printf "#!/bin/sh\necho user-hook-ran >>\"\$(git rev-parse --git-dir)/../user.log\"\n" >.git/hooks/pre-commit &&
	chmod +x .git/hooks/pre-commit &&
	cp .git/hooks/pre-commit user-hook &&
	git dbmig hook install >out &&
	grep -q "kept as .*pre-commit.dbmig-chained" out &&
	cmp user-hook .git/hooks/pre-commit.dbmig-chained &&
	grep -q "git dbmig check --staged" .git/hooks/pre-commit &&
	git dbmig hook install >out2 &&
	grep -q "already installed" out2 &&
	cmp user-hook .git/hooks/pre-commit.dbmig-chained &&
	write_rev migrations/versions b a "" "" "SELECT 1;" "SELECT 1;" &&
	git add -A && git commit -q -m b 2>err &&
	test "$(cat user.log)" = user-hook-ran &&
	grep -q "OK" err
'

test_expect_success "the chained hook runs first and its failure stops the commit" '
	cd r2 &&
	head=$(git rev-parse HEAD) &&
	printf "#!/bin/sh\necho user hook says no >&2\nexit 3\n" >.git/hooks/pre-commit.dbmig-chained &&
	write_rev migrations/versions c b "" "" "SELECT 1;" "SELECT 1;" &&
	git add -A &&
	! git commit -q -m c 2>err &&
	grep -q "user hook says no" err &&
	! grep -q "OK" err &&
	test "$(git rev-parse HEAD)" = "$head" &&
	cp user-hook .git/hooks/pre-commit.dbmig-chained
'

test_expect_success "the graph is still checked after a passing chained hook" '
	cd r2 &&
	break_graph . && git add -A &&
	! git commit -q -m bad 2>err &&
	grep -q "user-hook-ran" user.log &&
	grep -q "bad_rev.sql:3" err &&
	git rm -q --cached migrations/versions/bad_rev.sql && rm migrations/versions/bad_rev.sql
'

test_expect_success "uninstall restores the user hook" '
	cd r2 &&
	git dbmig hook uninstall >out &&
	grep -q "restored" out &&
	cmp user-hook .git/hooks/pre-commit &&
	! test -e .git/hooks/pre-commit.dbmig-chained
'

test_expect_success "uninstall twice is harmless and leaves the user hook" '
	cd r2 &&
	git dbmig hook uninstall >out &&
	grep -q "pre-commit: no git-dbmig hook there (left the hook there alone)" out &&
	cmp user-hook .git/hooks/pre-commit
'

test_expect_success "uninstall with nothing installed says so" '
	cd r1 &&
	git dbmig hook uninstall &&
	! test -e .git/hooks/pre-commit &&
	git dbmig hook uninstall >out &&
	grep -q "pre-commit: no git-dbmig hook there$" out &&
	grep -q "pre-merge-commit: no git-dbmig hook there$" out
'

test_expect_success "uninstall refuses a checking hook it did not write" '
	cd r2 &&
	cp "$SRC_ROOT/hooks/pre-commit" .git/hooks/pre-commit &&
	! git dbmig hook uninstall 2>err &&
	grep -q "^FAILED: .*pre-commit. runs .git dbmig check --staged. but was not written by .git dbmig hook install.; leaving it alone" err &&
	cmp "$SRC_ROOT/hooks/pre-commit" .git/hooks/pre-commit &&
	cp user-hook .git/hooks/pre-commit
'

test_expect_success "core.hooksPath relative: installed under the work tree, used from a subfolder" '
	new_repo r3 &&
	cd r3 &&
	git config core.hooksPath .githooks &&
	mkdir -p deep/er &&
	(cd deep/er && git dbmig hook install >../../out) &&
	test -x .githooks/pre-commit &&
	! test -e .git/hooks/pre-commit &&
	grep -q "$(pwd)/.githooks/pre-commit" out &&
	break_graph . && git add migrations &&
	! git commit -q -m bad 2>err &&
	grep -q "bad_rev.sql:3" err
'

test_expect_success "core.hooksPath absolute" '
	new_repo r4 &&
	cd r4 &&
	git config core.hooksPath "$TRASH/shared-hooks" &&
	git dbmig hook install &&
	test -x "$TRASH/shared-hooks/pre-commit" &&
	break_graph . && git add -A &&
	! git commit -q -m bad 2>err &&
	grep -q "bad_rev.sql:3" err &&
	git dbmig hook uninstall &&
	! test -e "$TRASH/shared-hooks/pre-commit"
'

test_expect_success "the project hooks/pre-commit: core.hooksPath at a copy of it" '
	new_repo r5 &&
	cd r5 &&
	mkdir hooks && cp "$SRC_ROOT/hooks/pre-commit" hooks/ &&
	git config core.hooksPath hooks &&
	git dbmig hook install >out &&
	grep -q "already runs .git dbmig check --staged.; nothing to install" out &&
	cmp "$SRC_ROOT/hooks/pre-commit" hooks/pre-commit &&
	break_graph . && git add migrations &&
	! git commit -q -m bad 2>err &&
	grep -q "^FAILED: migrations/versions/bad_rev.sql:3" err &&
	git rm -q --cached migrations/versions/bad_rev.sql && rm migrations/versions/bad_rev.sql &&
	write_rev migrations/versions b a "" "" "SELECT 1;" "SELECT 1;" &&
	git add -A && git commit -q -m good &&
	! git dbmig hook uninstall 2>err &&
	grep -q "was not written by" err
'

test_expect_success "hooks/pre-commit follows pre-commit.sample" '
	head -1 "$SRC_ROOT/hooks/pre-commit" | grep -q "^#!/bin/sh$" &&
	grep -q "^exec 1>&2$" "$SRC_ROOT/hooks/pre-commit" &&
	test "$(tail -1 "$SRC_ROOT/hooks/pre-commit")" = "exec git dbmig check --staged" &&
	test -x "$SRC_ROOT/hooks/pre-commit"
'

test_expect_success "GIT_DIR and GIT_WORK_TREE set (separate git folder, no .git in the work tree)" '
	mkdir wt &&
	git init -q -b main --separate-git-dir="$TRASH/sep.git" wt &&
	rm wt/.git &&
	GIT_DIR="$TRASH/sep.git" && GIT_WORK_TREE="$TRASH/wt" &&
	export GIT_DIR GIT_WORK_TREE &&
	(cd wt && make_project && write_rev migrations/versions a "" MOD1 "" "SELECT 1;" "SELECT 1;") &&
	git dbmig hook install &&
	test -x "$TRASH/sep.git/hooks/pre-commit" &&
	mkdir -p wt/sub && cd wt/sub &&
	git add -A .. &&
	git commit -q -m base 2>../../err &&
	grep -q "1 revisions" ../../err &&
	break_graph .. && git add -A .. &&
	! git commit -q -m bad 2>../../err &&
	grep -q "migrations/versions/bad_rev.sql:3: Revision nope" ../../err &&
	test "$(git log --format=%s)" = base
'

test_expect_success "a linked worktree uses the shared hook and its own index" '
	cd r1 &&
	git dbmig hook install &&
	git worktree add -q ../linked &&
	cd ../linked &&
	write_rev migrations/versions d c "" "" "SELECT 4;" "SELECT 4;" &&
	git add -A && git commit -q -m "d in linked" 2>err &&
	grep -q "OK" err &&
	break_graph . && git add -A &&
	! git commit -q -m bad 2>err &&
	grep -q "bad_rev.sql:3" err &&
	cd ../r1 && git dbmig check --staged
'

test_expect_success "hook with no or an unknown subcommand fails" '
	cd r1 &&
	! git dbmig hook 2>err && grep -q "^FAILED: hook: a subcommand is required" err &&
	! git dbmig hook frob 2>err && grep -q "^FAILED: hook: unknown subcommand .frob." err &&
	git dbmig hook -h | grep -q "git dbmig hook install"
'

test_done
