#!/bin/sh
# t4110-staged-index: --staged reads git's index file itself (gitindex.c)
# and lists what libgit2 lists, for every index version git writes
# (2, 3 with intent-to-add entries, 4 with its compressed paths), for
# a conflicted index, two version locations and GIT_INDEX_FILE; an
# index it leaves alone (a split index, a damaged one, a repository
# with core.ignorecase) goes to libgit2, as DBMIG_TRACE shows.

. "$(dirname "$0")/lib.sh"

# what --staged sees, through every command that reads the files
staged() {
	git dbmig --staged history -v &&
	git dbmig --staged heads &&
	git dbmig --staged branches &&
	git dbmig check --staged
}

# staged's output and trace into out.$1 and trace.$1
run_staged() {
	rm -f .git/dbmig-check-cache &&
	DBMIG_TRACE=1 staged >out.$1 2>trace.$1 &&
	grep -v "^trace: check" trace.$1 >t.$1; mv t.$1 trace.$1
}

# the same with libgit2 reading the index: core.ignorecase sends it
# there, and changes nothing else on a folder of lower-case names
run_libgit2() {
	git config core.ignorecase true &&
	run_staged "$1" &&
	git config --unset core.ignorecase &&
	grep -q "^trace: the index is read by libgit2$" trace.$1
}

test_expect_success "set up: two version locations, a file elsewhere, a subfolder" '
	mkdir p && cd p && git init -q -b main && git config gc.auto 0 &&
	cat >alembic.ini <<-INI &&
	[alembic]
	script_location = %(here)s/migrations
	version_locations = %(here)s/migrations/core %(here)s/migrations/mod
	INI
	write_rev migrations/core a "" core "" "SELECT 1;" "SELECT 1;" &&
	write_rev migrations/core b a "" "" "SELECT 2;" "SELECT 2;" &&
	write_rev migrations/mod m1 "" mod b "SELECT 3;" "SELECT 3;" &&
	write_rev migrations/mod m2 m1 "" "" "SELECT 4;" "SELECT 4;" &&
	write_rev migrations/mod/sub s "" "" "" "SELECT 5;" "SELECT 5;" &&
	write_rev elsewhere e "" "" "" "SELECT 6;" "SELECT 6;" &&
	ln -s ../core/a_rev.sql migrations/mod/link_rev.sql &&
	git add -A && git commit -q -m base &&
	run_staged v2 && test ! -s trace.v2 &&
	grep -q "^4 revisions, 2 heads, 2 branch labels: OK$" out.v2 &&
	run_libgit2 lg2 && diff -u out.lg2 out.v2
'

test_expect_success "index versions 3 and 4 read alike" '
	cd p &&
	echo notes >notes.txt && git add -N notes.txt &&
	for v in 3 4; do
		git update-index --index-version $v &&
		od -A n -t x1 -j 4 -N 4 .git/index | grep -q " 00 00 00 0$v" &&
		run_staged v$v && test ! -s trace.v$v &&
		diff -u out.v2 out.v$v || return 1
	done &&
	git rm -q --cached notes.txt && rm notes.txt
'

test_expect_success "staged edits, an intent-to-add file and a removal, in versions 2 and 4" '
	cd p &&
	for v in 2 4; do
		git reset -q --hard && git update-index --index-version $v &&
		write_rev migrations/mod m3 m2 "" "" "SELECT 7;" "SELECT 7;" &&
		git add migrations/mod/m3_rev.sql &&
		git rm -q --cached migrations/core/b_rev.sql &&
		write_rev migrations/core c a "" "" "SELECT 8;" "SELECT 8;" &&
		git add -N migrations/core/c_rev.sql &&
		! DBMIG_TRACE=1 git dbmig check --staged >out.e$v 2>err.e$v &&
		! grep -q "^trace: the index" err.e$v &&
		git config core.ignorecase true &&
		! DBMIG_TRACE=1 git dbmig check --staged >out.l$v 2>err.l$v &&
		git config --unset core.ignorecase &&
		grep -q "^trace: the index is read by libgit2$" err.l$v &&
		grep -v "^trace: " err.l$v >err.lg &&
		diff -u err.lg err.e$v && diff -u out.l$v out.e$v &&
		grep -q "^FAILED: migrations/core/c_rev.sql" err.e$v || return 1
	done &&
	git reset -q --hard && rm -f migrations/core/c_rev.sql migrations/mod/m3_rev.sql
'

test_expect_success "a conflicted index: only stage 0 is read" '
	cd p && git reset -q --hard && git update-index --index-version 2 &&
	git checkout -q -b other &&
	sed "s/SELECT 4;/SELECT 40;/" migrations/mod/m2_rev.sql >t && mv t migrations/mod/m2_rev.sql &&
	git commit -q -am other && git checkout -q main &&
	sed "s/SELECT 4;/SELECT 41;/" migrations/mod/m2_rev.sql >t && mv t migrations/mod/m2_rev.sql &&
	git commit -q -am main && ! git merge -q other >/dev/null 2>&1 &&
	test "$(git ls-files -u | wc -l)" = 3 &&
	run_staged u && test ! -s trace.u &&
	run_libgit2 ul && diff -u out.ul out.u &&
	grep -q "^3 revisions" out.u &&
	git merge --abort
'

test_expect_success "GIT_INDEX_FILE, in version 4" '
	cd p && git reset -q --hard &&
	GIT_INDEX_FILE=$(pwd)/.git/other-index git read-tree HEAD &&
	GIT_INDEX_FILE=$(pwd)/.git/other-index git update-index --index-version 4 &&
	write_rev migrations/core c b "" "" "SELECT 8;" "SELECT 8;" &&
	GIT_INDEX_FILE=$(pwd)/.git/other-index git add migrations/core/c_rev.sql &&
	GIT_INDEX_FILE=$(pwd)/.git/other-index DBMIG_TRACE=1 git dbmig --staged heads >out 2>trace &&
	test ! -s trace && grep -q "^c (core)" out &&
	git dbmig --staged heads >out && ! grep -q "^c " out &&
	rm migrations/core/c_rev.sql .git/other-index
'

test_expect_success "an index without a checksum (index.skipHash) is read" '
	cd p && git reset -q --hard && git update-index --index-version 2 &&
	cp .git/index ../saved-index &&
	size=$(wc -c <.git/index) &&
	dd if=/dev/zero of=.git/index bs=1 seek=$((size - 20)) count=20 conv=notrunc 2>/dev/null &&
	run_staged z && test ! -s trace.z && diff -u out.v2 out.z &&
	cp ../saved-index .git/index
'

test_expect_success "a damaged index goes to libgit2, which names it" '
	cd p && cp .git/index ../saved-index &&
	printf "Z" | dd of=.git/index bs=1 seek=100 conv=notrunc 2>/dev/null &&
	! DBMIG_TRACE=1 git dbmig check --staged >out 2>err &&
	grep -q "^trace: the index is read by libgit2$" err &&
	test "$(grep -c "^FAILED: " err)" = 1 &&
	grep -q "^FAILED: cannot read the index: .*checksum" err &&
	cp ../saved-index .git/index &&
	head -c 300 ../saved-index >.git/index &&
	! git dbmig check --staged 2>err && grep -q "^FAILED: cannot read the index" err &&
	cp ../saved-index .git/index && git dbmig check --staged >/dev/null
'

test_expect_success "a split index goes to libgit2, which refuses it by name" '
	cd p && git update-index --split-index &&
	! DBMIG_TRACE=1 git dbmig check --staged 2>err &&
	grep -q "^trace: the index is read by libgit2$" err &&
	grep -q "^FAILED: cannot read the index: .*'\''link'\''" err &&
	git update-index --no-split-index && git dbmig check --staged >/dev/null
'

test_expect_success "a linked work tree reads its own index" '
	cd p && git worktree add -q ../wt &&
	cd ../wt &&
	write_rev migrations/core c b "" "" "SELECT 8;" "SELECT 8;" &&
	git add migrations/core/c_rev.sql &&
	DBMIG_TRACE=1 git dbmig --staged heads >out 2>trace && test ! -s trace &&
	grep -q "^c (core)" out &&
	cd ../p && git dbmig --staged heads >out && ! grep -q "^c " out
'

test_done
