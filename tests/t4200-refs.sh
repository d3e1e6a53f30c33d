#!/bin/sh
# t4200-refs: "git dbmig refs" keeps refs/dbmig/<LABEL> as a commit graph
# mirroring the revision graph: one commit per revision with only that
# file in its tree, parents = down_revisions, Revision:/Depends-On:
# trailers, fixed author and time; the same ids in every clone (and from
# the work tree, the index or a commit); updates, stale refs deleted, a
# label with two heads, --dry-run, git log --graph and git push.

. "$(dirname "$0")/lib.sh"

V=migrations/versions

refs_of() {
	git -C "$1" for-each-ref --format='%(objectname) %(refname)' refs/dbmig/
}

# The refs/dbmig commit whose message names revision $2 (in repo $1).
commit_of_rev() {
	git -C "$1" log --all --format='%H %(trailers:key=Revision,valueonly)' |
	awk -v r="$2" '$2 == r { print $1; exit }'
}

test_expect_success "set up: a project outside any repository" '
	mkdir nogit && cd nogit && make_project
'

test_expect_failure_msg "refs outside a repository says it needs one" \
	"refs needs a git repository" sh -c 'cd nogit && git dbmig refs'

test_expect_success "set up: the seed project, committed" '
	mkdir seed && cd seed &&
	seed_project && git init -q -b main && git add -A && git commit -q -m seed
'

test_expect_success "refs creates one ref per branch label" '
	cd seed &&
	git dbmig refs >out &&
	test "$(grep -c "^created refs/dbmig/" out)" = 10 &&
	grep -q "^created refs/dbmig/MOD1 [0-9a-f]\{12\} (mod1_rev3)$" out &&
	refs_of . | sed "s/^[0-9a-f]* //" >names &&
	printf "refs/dbmig/%s\n" CORE INITALL INITCORE INITDEV INITMOD1 INITMOD2 INITMOD3 MOD1 MOD2 MOD3 >expect &&
	diff -u expect names
'

test_expect_success "a second run changes nothing" '
	cd seed &&
	refs_of . >before &&
	git dbmig refs >out &&
	test "$(cat out)" = "refs/dbmig/* up to date" &&
	refs_of . >after &&
	diff -u before after
'

test_expect_success "git log --graph --oneline refs/dbmig/MOD1 shows the module line" '
	cd seed &&
	git log --graph --format=%s refs/dbmig/MOD1 >actual &&
	cat >expect <<-EOF &&
	* MOD1 Rev3
	* MOD1 Rev2
	* MOD1 Rev1
	* Init mod1 revision 0
	EOF
	diff -u expect actual &&
	test "$(git log --graph --oneline refs/dbmig/MOD1 | wc -l)" = 4
'

test_expect_success "a commit: one file at its path, fixed signature, trailers" '
	cd seed &&
	git ls-tree -r --name-only refs/dbmig/MOD1 >actual &&
	echo $V/mod1_rev3_mod1_rev3.sql >expect &&
	diff -u expect actual &&
	test "$(git rev-parse refs/dbmig/MOD1:$V/mod1_rev3_mod1_rev3.sql)" = \
	     "$(git hash-object $V/mod1_rev3_mod1_rev3.sql)" &&
	test "$(git log -1 --format="%an <%ae> %at %ai|%cn <%ce> %ct" refs/dbmig/MOD1)" = \
	     "git-dbmig <dbmig@localhost> 0 1970-01-01 00:00:00 +0000|git-dbmig <dbmig@localhost> 0" &&
	git log -1 --format=%B refs/dbmig/MOD1 >msg &&
	printf "MOD1 Rev3\n\nRevision: mod1_rev3\n\n" >expect &&
	diff -u expect msg &&
	test "$(git rev-parse refs/dbmig/MOD1^)" = "$(commit_of_rev . mod1_rev2)" &&
	test "$(git rev-list --parents -1 refs/dbmig/MOD1~3 | wc -w)" = 1
'

test_expect_success "Depends-On trailer lists the dependencies" '
	cd seed &&
	c=$(commit_of_rev . init_all_modules) &&
	git log -1 --format="%(trailers:key=Depends-On,valueonly)" $c >actual &&
	printf "init_mod1_popdata, init_mod2_popdata, init_mod3_popdata\n\n" >expect &&
	diff -u expect actual &&
	test "$(git log -1 --format=%H refs/dbmig/INITALL)" = "$c"
'

test_expect_success "the same ids from the index and from a commit" '
	cd seed &&
	git dbmig --staged refs >out && test "$(cat out)" = "refs/dbmig/* up to date" &&
	git dbmig --at HEAD refs >out && test "$(cat out)" = "refs/dbmig/* up to date" &&
	(cd migrations && git dbmig refs >../out) && test "$(cat out)" = "refs/dbmig/* up to date"
'

test_expect_success "two clones with the same revisions make the same ids" '
	git clone -q seed clone1 &&
	(cd clone1 && GIT_COMMITTER_NAME=Other GIT_COMMITTER_DATE="2030-01-01 00:00:00 +0000" \
		TZ=Asia/Tokyo git dbmig refs >/dev/null) &&
	mkdir -p elsewhere/deeper && git clone -q seed elsewhere/deeper/clone2 &&
	(cd elsewhere/deeper/clone2/migrations/versions && git dbmig refs >/dev/null) &&
	refs_of seed >a && refs_of clone1 >b && refs_of elsewhere/deeper/clone2 >c &&
	diff -u a b && diff -u a c
'

test_expect_success "a new revision updates the ref on top of the old one" '
	cd seed &&
	old=$(git rev-parse refs/dbmig/MOD1) &&
	write_rev $V mod1_rev4 mod1_rev3 "" "" "SELECT 4;" "SELECT 4;" &&
	git dbmig refs >out &&
	test "$(cat out)" = "updated refs/dbmig/MOD1 $(echo $old | cut -c1-12)..$(git rev-parse refs/dbmig/MOD1 | cut -c1-12) (mod1_rev4)" &&
	test "$(git rev-parse refs/dbmig/MOD1^)" = "$old"
'

test_expect_success "--dry-run says what it would do and moves nothing" '
	cd seed &&
	write_rev $V mod1_rev5 mod1_rev4 "" "" "SELECT 5;" "SELECT 5;" &&
	refs_of . >before &&
	git dbmig refs --dry-run >out &&
	grep -q "^would update refs/dbmig/MOD1 " out &&
	refs_of . >after && diff -u before after &&
	rm $V/mod1_rev5_rev.sql
'

test_expect_success "refs of labels that are gone are deleted, and strays under refs/dbmig/" '
	cd seed &&
	git update-ref refs/dbmig/GONE HEAD &&
	git update-ref refs/dbmig/nested/ref HEAD &&
	dev=$(git rev-parse refs/dbmig/INITDEV) &&
	rm $V/init_dev_popdata_seed_development_data.sql &&
	git dbmig refs >out &&
	cat >expect <<-EOF &&
	deleted refs/dbmig/GONE (was $(git rev-parse HEAD | cut -c1-12))
	deleted refs/dbmig/INITDEV (was $(echo $dev | cut -c1-12))
	deleted refs/dbmig/nested/ref (was $(git rev-parse HEAD | cut -c1-12))
	EOF
	diff -u expect out &&
	! git rev-parse -q --verify refs/dbmig/INITDEV &&
	test "$(refs_of . | wc -l)" = 9
'

test_expect_success "a label with two heads: a warning, and the first head by id" '
	cd seed &&
	write_rev $V mod1_rev4b mod1_rev3 "" "" "SELECT 44;" "SELECT 44;" &&
	git dbmig refs >out 2>err &&
	grep -q "^WARNING: branch label .MOD1. has more than one head (mod1_rev4, mod1_rev4b); refs/dbmig/MOD1 points at mod1_rev4, the first by id" err &&
	test "$(git rev-parse refs/dbmig/MOD1)" = "$(commit_of_rev . mod1_rev4)" &&
	rm $V/mod1_rev4b_rev.sql
'

test_expect_success "git push origin refs/dbmig/* shares them" '
	cd seed &&
	git init -q --bare ../shared.git &&
	git push -q ../shared.git "refs/dbmig/*:refs/dbmig/*" &&
	refs_of ../shared.git >theirs && refs_of . >ours && diff -u ours theirs
'

test_expect_success "a merge revision is a merge commit; ids are stable (golden)" '
	mkdir small && cd small && make_project && git init -q -b main &&
	write_rev $V base "" MOD "" "CREATE TABLE t (x INTEGER);" "DROP TABLE t;" &&
	write_rev $V left base "" "" "SELECT 1;" "SELECT 1;" &&
	write_rev $V right base "" "" "SELECT 2;" "SELECT 2;" &&
	write_rev $V joined "left, right" "" "" "SELECT 3;" "SELECT 3;" &&
	write_rev $V other "" OTHER MOD "SELECT 4;" "SELECT 4;" &&
	git dbmig refs >/dev/null &&
	test "$(git rev-list --parents -1 refs/dbmig/MOD | wc -w)" = 3 &&
	test "$(git rev-parse refs/dbmig/MOD^1)" = "$(commit_of_rev . left)" &&
	test "$(git rev-parse refs/dbmig/MOD^2)" = "$(commit_of_rev . right)" &&
	git log --graph --format="%s" refs/dbmig/MOD | sed "s/ *$//" >actual &&
	cat >expect <<-\EOF &&
	*   rev joined
	|\
	| * rev right
	* | rev left
	|/
	* rev base
	EOF
	diff -u expect actual &&
	refs_of . >actual &&
	cat >expect <<-\EOF &&
	e8deb43840d3d970a230312656e35afd5c47f51a refs/dbmig/MOD
	62063993e26b5e4df754f46845308ffa8a5ed8c5 refs/dbmig/OTHER
	EOF
	diff -u expect actual
'

test_done
