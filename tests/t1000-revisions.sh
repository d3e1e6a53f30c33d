#!/bin/sh
# t1000: init, revision, merge and the read-only commands, in Alembic's
# words.
. "$(dirname "$0")/lib.sh"

test_expect_success 'init makes a project that works as it is' '
	git dbmig init migrations >out &&
	test -f alembic.ini && test -d migrations/versions &&
	test -f migrations/script.sql.mako &&
	git dbmig heads >heads && test ! -s heads
'

test_expect_failure_msg 'init refuses a folder that is not empty' "already exists and is not empty" \
	git dbmig init migrations

test_expect_success 'revision --head=base --branch-label writes a native file from the template' '
	git dbmig revision -m "Init core create tables" --rev-id init_core_newtable --head=base --branch-label INITCORE >out &&
	f=migrations/versions/init_core_newtable_init_core_create_tables.sql &&
	test -f $f &&
	grep -q "^  Generating .*$f ...  done$" out &&
	grep -q "^-- revision: init_core_newtable$" $f &&
	grep -q "^-- branch_labels: INITCORE$" $f &&
	grep -q "^-- migrate:upgrade$" $f
'

test_expect_success 'the seed commands build its graph' '
	git dbmig revision -m "Init core create replacables" --rev-id init_core_funcproc --head=INITCORE@head >/dev/null &&
	git dbmig revision -m "Init core seed system data"   --rev-id init_core_popdata  --head=INITCORE@head >/dev/null &&
	git dbmig revision -m "Init core revision 0"         --rev-id init_core_version0 --head=base --depends-on=init_core_popdata --branch-label CORE >/dev/null &&
	git dbmig revision -m "Init mod1 create tables"      --rev-id init_mod1_newtable --head=base --depends-on=init_core_newtable --branch-label INITMOD1 >/dev/null &&
	git dbmig revision -m "CORE Rev1" --rev-id core_rev1 --head=CORE@head >/dev/null &&
	git dbmig heads | sort >out &&
	cat >expect <<-EOF &&
	core_rev1 (CORE) (head)
	init_core_popdata (INITCORE) (effective head)
	init_mod1_newtable (INITMOD1) (head)
	EOF
	diff -u expect out
'

test_expect_success 'depends_on keeps a label as written and resolves a prefix' '
	git dbmig revision -m "dep" --rev-id dep1 --head=base --depends-on=INITMOD1 --depends-on=init_core_ver >/dev/null &&
	grep -q "^-- depends_on: INITMOD1, init_core_version0$" migrations/versions/dep1_dep.sql
'

test_expect_success 'history prints Alembic lines' '
	git dbmig history >out &&
	grep -q "^<base> (init_core_popdata) -> init_core_version0 (CORE), Init core revision 0$" out &&
	grep -q "^init_core_version0 -> core_rev1 (CORE) (head), CORE Rev1$" out &&
	grep -q "^<base> -> init_core_newtable (INITCORE) (branchpoint)\\?, Init core create tables$" out ||
	grep -q "^<base> -> init_core_newtable (INITCORE), Init core create tables$" out
'

test_expect_success 'show prints the verbose block with a synthesised docstring' '
	git dbmig show core_rev1 >out &&
	grep -q "^Rev: core_rev1 (head)$" out &&
	grep -q "^Parent: init_core_version0$" out &&
	grep -q "^Branch names: CORE$" out &&
	grep -q "^    CORE Rev1$" out &&
	grep -q "^    Revision ID: core_rev1$" out &&
	grep -q "^    Revises: init_core_version0$" out
'

test_expect_success 'a revision on a non-head needs --splice' '
	! git dbmig revision -m x --rev-id sp1 --head=init_core_newtable 2>err &&
	grep -q "^FAILED: Revision init_core_newtable is not a head revision; please specify --splice" err &&
	git dbmig revision -m x --rev-id sp1 --head=init_core_newtable --splice >/dev/null &&
	git dbmig branches >out &&
	grep -q "^init_core_newtable (INITCORE) (branchpoint)$" out &&
	grep -q "^                   -> sp1 (INITCORE) (head)$" out
'

test_expect_success 'merge joins heads' '
	git dbmig merge -m "join" --rev-id m1 core_rev1 sp1 >/dev/null &&
	grep -q "^-- down_revision: core_rev1, sp1$" migrations/versions/m1_join.sql &&
	git dbmig history -r core_rev1: >out &&
	grep -q "^core_rev1, sp1 -> m1 .*(head) (mergepoint), join$" out
'

test_expect_failure_msg 'revision with several heads and no --head' "Multiple heads are present" \
	git dbmig revision -m y
test_expect_failure_msg '--rev-id with a path separator' "invalid revision id '../../x'" \
	git dbmig revision -m x --rev-id ../../x --head=base
test_expect_failure_msg '--rev-id longer than 32 characters' "invalid revision id" \
	git dbmig revision -m x --rev-id 0123456789012345678901234567890123 --head=base
test_expect_failure_msg '--version-path outside the version locations' "is not represented in current version locations" \
	git dbmig revision -m x --rev-id vp1 --head=base --version-path /tmp
test_expect_failure_msg 'an id that exists' "Revision core_rev1 is already present" \
	git dbmig revision -m x --rev-id core_rev1 --head=base
test_expect_success 'nothing was written by the refused commands' '
	! ls migrations/versions | grep -q -e "^x" -e vp1 -e 0123
'

test_expect_success 'a random 12-hex-digit id when none is given' '
	git dbmig revision -m "auto id" --head=base >out &&
	ls migrations/versions | grep -q -E "^[0-9a-f]{12}_auto_id.sql$"
'

test_expect_success 'an Alembic .py revision is read for its graph' '
	cat >migrations/versions/ab12_py.py <<-PY &&
	"""from alembic

	Revision ID: ab12cd
	Revises: m1
	"""
	from alembic import op
	revision: str = "ab12cd"
	down_revision = "m1"
	branch_labels = ("PYL",)
	depends_on = None
	def upgrade():
	    op.execute("SELECT 1")
	PY
	git dbmig heads >out &&
	grep -q "^ab12cd (CORE, INITCORE, PYL) (head)$" out &&
	git dbmig show ab12 >out && grep -q "^    from alembic$" out
'

test_expect_success 'a history range the walk cannot order fails cleanly' '
	mkdir rng && (cd rng && make_project &&
	write_rev migrations/versions aaa1 "" "" "" "" "" &&
	write_rev migrations/versions aaa2 aaa1 "" "" "" "" &&
	write_rev migrations/versions bbb1 "" "" aaa2 "" "" &&
	! git dbmig history -r aaa1:heads 2>err;
	test $? = 0 &&
	test "$(grep -c "^FAILED: the range leaves revisions that are not below its upper end: aaa1, aaa2$" err)" = 1)
'

test_expect_success 'outside a git repository everything above still worked' '
	! git rev-parse --git-dir 2>/dev/null
'

test_done
