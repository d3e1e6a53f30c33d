#!/bin/sh
# t3410-squash-python: squash on a label of Alembic .py revisions (and on
# a mixed label): the squashed project, run by git-dbmig and, from every
# state whose id still exists, by Alembic itself, reaches the schema,
# version rows and data, and runs the bodies, that Alembic reached on the
# project before the squash.

. "$(dirname "$0")/lib.sh"

require_python alembic
GIT_DBMIG_PYTHON=$PYTHON
export GIT_DBMIG_PYTHON

# snap DB: the version rows, schema and data of a SQLite file, as text
snap() {
	"$PYTHON" -c '
import sys
sys.path.insert(0, sys.argv[1])
import compare_py
rows, schema, data = compare_py.state("sqlite:///" + sys.argv[2])
print("rows", sorted(rows))
for t in sorted(schema):
    print("schema", t, schema[t])
for t in sorted(data):
    print("data", t, data[t])
' "$TEST_DIR" "$1"
}

# run TOOL DB ARGS...: alembic or git dbmig on DB, the bodies it ran
# appended to DB.trace
run() {
	tool=$1 db=$2
	shift 2
	if [ "$tool" = alembic ]; then
		set -- "$PYTHON" -m alembic "$@"
	else
		set -- git dbmig "$@"
	fi
	SQLALCHEMY_URL="sqlite:///$TRASH/p/$db" BODY_TRACE="$TRASH/p/$db.trace" "$@"
}

# the states a database can be in, for MOD1: base, its version0, the
# folded ids, its head; and what the seed's "upgrade heads" leaves
STATES='base init_mod1_version0 mod1_rev1 mod1_rev2 mod1_rev3'

test_expect_success 'a .py project, and each state by Alembic before the squash' '
	"$PYTHON" "$TEST_DIR/py_project.py" p && cd p &&
	git init -q . && git add -A && git commit -q -m seed &&
	for s in $STATES; do
		if [ $s != base ]; then run alembic $s.db upgrade $s 2>/dev/null || return 1; fi
		cp $s.db state-$s.db 2>/dev/null || : >state-$s.db
		rm -f $s.db.trace
		run alembic $s.db upgrade heads 2>/dev/null &&
		snap $s.db >before-$s.snap && sort $s.db.trace >before-$s.ran &&
		rm -f $s.db.trace &&
		run alembic $s.db downgrade MOD1@base 2>/dev/null &&
		snap $s.db >before-down-$s.snap && sort $s.db.trace >before-down-$s.ran &&
		rm -f $s.db $s.db.trace || return 1
	done &&
	test "$(rows state-mod1_rev2.db)" = mod1_rev2
'

test_expect_success '--dry-run prints the .py head and changes nothing' '
	cd p && git dbmig squash --dry-run MOD1 >out &&
	grep -q "^squashes = (.mod1_rev1., .mod1_rev2.)$" out &&
	grep -q "^down_revision = .init_mod1_version0.$" out &&
	test -z "$(git status --porcelain -- migrations)"
'

test_expect_success 'squash MOD1: the head runs the parts, the files move as they are' '
	cd p && V=migrations/versions S=migrations/squashed/mod1_rev3 &&
	git show HEAD:$(cd $V && git ls-files "*mod1_rev1_*" | sed "s|^|$V/|") >rev1.orig &&
	git dbmig squash MOD1 >out &&
	grep -q "^Squashed 3 revisions of MOD1 into mod1_rev3 (down_revision init_mod1_version0): mod1_rev1 mod1_rev2$" out &&
	grep -q "^Moved 3 .py revision files into $S$" out &&
	! ls $V/*mod1_rev1_* $V/*mod1_rev2_* 2>/dev/null &&
	test "$(ls $S | wc -l)" = 3 && cmp rev1.orig $S/*mod1_rev1_*.py &&
	git status --porcelain -- migrations >st &&
	grep -q "^R  $V/.*mod1_rev1_mod1_rev1.py -> $S/.*mod1_rev1_mod1_rev1.py$" st &&
	grep -q "^M  $V/.*mod1_rev3_mod1_rev3.py$" st &&
	git dbmig check && git commit -q -m "squash MOD1" &&
	git dbmig history -r init_mod1_version0: >hist &&
	grep -q "^init_mod1_version0 -> mod1_rev3 (MOD1) (head), MOD1 Rev3$" hist &&
	"$PYTHON" -m alembic heads >aheads &&
	grep -q "^mod1_rev3 (MOD1) (head)$" aheads
'

# the same upgrade and downgrade from each state, by each tool that can
for s in $STATES; do
	for tool in dbmig alembic; do
		case $tool.$s in alembic.mod1_rev1|alembic.mod1_rev2) continue ;; esac
		test_expect_success "$tool from $s: upgrade heads and downgrade MOD1@base as before the squash" "
			cd p && rm -f $tool-$s.db.trace && cp state-$s.db $tool-$s.db &&
			run $tool $tool-$s.db upgrade heads 2>err &&
			snap $tool-$s.db >after.snap && diff -u before-$s.snap after.snap &&
			sort $tool-$s.db.trace >after.ran && diff -u before-$s.ran after.ran &&
			rm $tool-$s.db.trace &&
			run $tool $tool-$s.db downgrade MOD1@base 2>err &&
			snap $tool-$s.db >after.snap && diff -u before-down-$s.snap after.snap &&
			sort $tool-$s.db.trace >after.ran && diff -u before-down-$s.ran after.ran
		"
	done
done

test_expect_success 'a database at a folded id: git-dbmig runs only the later parts' '
	cd p && cp state-mod1_rev1.db f.db && rm -f f.db.trace &&
	run dbmig f.db upgrade MOD1@head 2>err &&
	grep -q "^Running upgrade mod1_rev1 -> mod1_rev3, MOD1 Rev3$" err &&
	printf "%s\n" "upgrade mod1_rev2" "upgrade mod1_rev3" >expect &&
	diff -u expect f.db.trace && test "$(rows f.db)" = mod1_rev3
'

test_expect_success 'a database at a folded id: downgrade runs its parts back' '
	cd p && cp state-mod1_rev2.db f.db && rm -f f.db.trace &&
	run dbmig f.db downgrade init_mod1_version0 2>err &&
	printf "%s\n" "downgrade mod1_rev2" "downgrade mod1_rev1" >expect &&
	diff -u expect f.db.trace && test "$(rows f.db)" = init_mod1_version0
'

test_expect_success 'Alembic at a folded id: its "Can'"'"'t locate revision", as for .sql squash' '
	cd p && cp state-mod1_rev1.db f.db &&
	! run alembic f.db upgrade heads 2>err &&
	grep -q "Can.t locate revision identified by .mod1_rev1." err
'

test_expect_success 'status and a folded target explain the folded ids' '
	cd p && cp state-mod1_rev1.db f.db &&
	run dbmig f.db status >st 2>&1 &&
	grep -q "squashed into mod1_rev3" st &&
	! run dbmig f.db upgrade mod1_rev2 2>err &&
	grep -q "^FAILED: Can.t locate revision identified by .mod1_rev2. (.mod1_rev2. was squashed into mod1_rev3" err
'

test_expect_success 'git-dbmig --sql from version0 prints the parts' '
	cd p && cp state-init_mod1_version0.db s.db &&
	run dbmig s.db upgrade --sql init_mod1_version0:mod1_rev3 >sql 2>/dev/null &&
	grep -q "CREATE INDEX ix_mod1_item_note" sql && grep -q "mod1_extra" sql
'

# A mixed label: MOD2 with its rev2 as a .sql revision and a .sql head
# after rev3 using ${x.KEY:-default} and several statements.
test_expect_success 'a mixed label: each state by git-dbmig before the squash' '
	cd p && V=migrations/versions &&
	git rm -q $V/*mod2_rev2_*.py &&
	cat >$V/mod2_rev2.sql <<-EOF &&
	-- message: MOD2 Rev2
	-- revision: mod2_rev2
	-- down_revision: mod2_rev1
	-- migrate:upgrade
	CREATE INDEX ix_mod2_item_note ON mod2_item (note);
	-- migrate:downgrade
	DROP INDEX ix_mod2_item_note;
	EOF
	cat >$V/mod2_rev4.sql <<-EOF &&
	-- message: MOD2 Rev4
	-- revision: mod2_rev4
	-- down_revision: mod2_rev3
	-- migrate:upgrade
	CREATE TABLE mod2_more (id INTEGER, v TEXT);
	INSERT INTO mod2_more VALUES (1, '\''a;b'\'');
	INSERT INTO mod2_more VALUES (2, '\''\${x.MORE:-seven}'\'');
	-- migrate:downgrade
	DROP TABLE mod2_more;
	EOF
	sed -i "s/^down_revision = .*/down_revision = '\''mod2_rev2'\''/" $V/*mod2_rev3_*.py &&
	git add migrations && git commit -q -m "mod2: two .sql revisions" && git dbmig check &&
	for s in base init_mod2_version0 mod2_rev1 mod2_rev2 mod2_rev3 mod2_rev4; do
		if [ $s != base ]; then run dbmig m-$s.db upgrade $s 2>/dev/null || return 1; fi
		cp m-$s.db mstate-$s.db 2>/dev/null || : >mstate-$s.db
		run dbmig m-$s.db upgrade heads 2>/dev/null &&
		snap m-$s.db >mbefore-$s.snap &&
		run dbmig m-$s.db downgrade MOD2@base 2>/dev/null &&
		snap m-$s.db >mbefore-down-$s.snap &&
		rm -f m-$s.db m-$s.db.trace || return 1
	done &&
	grep -q "mod2_more.*seven" mbefore-base.snap
'

test_expect_success 'squash MOD2 (mixed): a .py head in the .sql head'"'"'s place' '
	cd p && V=migrations/versions &&
	git dbmig squash MOD2 >out &&
	grep -q "^Squashed 4 revisions of MOD2 into mod2_rev4 (down_revision init_mod2_version0): mod2_rev1 mod2_rev2 mod2_rev3$" out &&
	grep -q "^Moved 2 .py revision files into migrations/squashed/mod2_rev4$" out &&
	test -e $V/mod2_rev4.py && ! test -e $V/mod2_rev4.sql && ! test -e $V/mod2_rev2.sql &&
	grep -q "^    (.mod2_rev2., .sql.,$" $V/mod2_rev4.py &&
	git dbmig check && git commit -q -m "squash MOD2"
'

for s in base init_mod2_version0 mod2_rev1 mod2_rev2 mod2_rev3 mod2_rev4; do
	test_expect_success "mixed, from $s: git-dbmig as before the squash" "
		cd p && cp mstate-$s.db m-$s.db &&
		run dbmig m-$s.db upgrade heads 2>err &&
		snap m-$s.db >after.snap && diff -u mbefore-$s.snap after.snap &&
		run dbmig m-$s.db downgrade MOD2@base 2>err &&
		snap m-$s.db >after.snap && diff -u mbefore-down-$s.snap after.snap
	"
done

test_expect_success 'mixed: -x reaches the .sql part' '
	cd p && cp mstate-mod2_rev3.db x.db &&
	run dbmig x.db -x MORE=eight upgrade heads 2>err &&
	test "$(sqlite3 x.db "SELECT v FROM mod2_more WHERE id = 2")" = eight
'

# bad input: one FAILED: line, nothing written
test_expect_success 'an unknown label' '
	cd p && ! git dbmig squash NOPE 2>err &&
	test "$(grep -c "^FAILED: squash: no branch label .NOPE.$" err)" = 1 &&
	test -z "$(git status --porcelain -- migrations)"
'

test_expect_success 'a label whose version0 is missing' '
	cd p && rm migrations/versions/*init_mod3_version0_*.py &&
	! git dbmig squash MOD3 2>err &&
	test "$(grep -c "^FAILED: " err)" = 1 && grep -q "init_mod3_version0" err &&
	git checkout -q -- migrations &&
	test -z "$(git status --porcelain -- migrations)"
'

test_expect_success 'a parts folder that exists already' '
	cd p && mkdir -p migrations/squashed/mod3_rev3 &&
	! git dbmig squash MOD3 2>err &&
	test "$(grep -c "^FAILED: squash: migrations/squashed/mod3_rev3 exists already" err)" = 1 &&
	test -z "$(git status --porcelain -- migrations)" &&
	rmdir migrations/squashed/mod3_rev3
'

test_expect_success 'a squashed .py head with revisions after it' '
	cd p && V=migrations/versions &&
	"$PYTHON" -m alembic revision -m "MOD1 Rev4" --rev-id mod1_rev4 --head MOD1@head >/dev/null &&
	! git dbmig squash MOD1 2>err &&
	test "$(grep -c "^FAILED: squash MOD1: .*mod1_rev3_mod1_rev3.py already squashes mod1_rev1" err)" = 1 &&
	rm $V/*mod1_rev4_*.py &&
	test -z "$(git status --porcelain -- migrations)"
'

test_done
