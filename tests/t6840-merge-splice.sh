#!/bin/sh
# t6840: merge --splice. Alembic added it in 1.18.5 (command.merge passes
# splice to generate_revision, as revision --splice does): a merge may
# then name revisions that are not heads, making a new branch point.
# Neither 1.8.1 nor 1.18.4 has the option, so the expected behaviour is
# taken from 1.18.5's source and its test (test_merge_cmd_splice: merging
# a non-head b with a head d fails with "please specify --splice", and
# with splice makes a revision whose down_revision is (b, d)). Without
# --splice the refusal is compared with Alembic 1.8.1's.
. "$(dirname "$0")/lib.sh"

V=migrations/versions
make_project
# a -> b -> c; b -> d (d and c are heads; b is not)
write_rev $V a "" "" "" "" ""
write_rev $V b a "" "" "" ""
write_rev $V c b "" "" "" ""
write_rev $V d b "" "" "" ""

test_expect_failure_msg 'merge of a non-head without --splice is refused' \
	"Revision b is not a head revision; please specify --splice to create a new branch from this revision" \
	git dbmig merge -m join --rev-id m1 b d
test_expect_success '... and writes nothing' 'test ! -e $V/m1_join.sql'

test_expect_success 'merge --splice of a non-head and a head' '
	git dbmig merge --splice -m join --rev-id m1 b d >out &&
	grep -q "Generating $(pwd)/$V/m1_join.sql" out &&
	grep -qx -- "-- down_revision: b, d" $V/m1_join.sql &&
	git dbmig show m1 >out &&
	grep -qx "Merges: b, d" out &&
	git dbmig heads >out &&
	grep -qx "c (head)" out && grep -qx "m1 (head)" out &&
	! grep -q "^d " out
'

test_expect_success 'b is now a branch point into c and m1' '
	git dbmig branches >out &&
	grep -q "^b (branchpoint)" out &&
	grep -q -- "-> m1" out && grep -q -- "-> c" out &&
	git dbmig check
'

test_expect_success 'the spliced merge upgrades and downgrades' '
	git dbmig upgrade heads 2>err &&
	grep -qx "Running upgrade b, d -> m1, join" err &&
	test "$(rows test.db)" = "c m1" &&
	git dbmig downgrade d 2>err &&
	grep -qx "Running downgrade m1 -> b, d, join" err &&
	test "$(rows test.db)" = "c d"
'

test_expect_success 'merge --splice with --branch-label, in any position' '
	git dbmig merge -m again --rev-id m2 a c --splice --branch-label M2 >/dev/null &&
	grep -qx -- "-- down_revision: a, c" $V/m2_again.sql &&
	grep -qx -- "-- branch_labels: M2" $V/m2_again.sql
'

test_expect_failure_msg '--splice does not allow the same revision twice' \
	"Duplicate head revisions specified" git dbmig merge --splice -m x --rev-id m3 b b
test_expect_failure_msg '--splice does not allow an unknown revision' \
	"Can't locate revision identified by 'nosuch'" git dbmig merge --splice -m x --rev-id m3 b nosuch
test_expect_failure_msg '--splice with no revision' \
	"merge: name the revisions to merge" git dbmig merge --splice -m x
test_expect_failure_msg '--splice takes no value' \
	"merge: unknown option '--splice=yes'" git dbmig merge --splice=yes -m x b d
test_expect_success 'nothing written by the refusals' 'test ! -e $V/m3_x.sql'

if have_alembic; then
	test_expect_success 'without --splice: the refusal is Alembic 1.8.1'"'"'s' '
		mkdir al && (cd al &&
		"$PYTHON" -m alembic init alembic >/dev/null 2>&1 &&
		"$PYTHON" -m alembic revision -m a --rev-id a >/dev/null 2>&1 &&
		"$PYTHON" -m alembic revision -m b --rev-id b >/dev/null 2>&1 &&
		"$PYTHON" -m alembic revision -m c --rev-id c >/dev/null 2>&1 &&
		"$PYTHON" -m alembic revision -m d --rev-id d --head b --splice >/dev/null 2>&1 &&
		"$PYTHON" -m alembic merge -m join --rev-id m1 b d >al.out 2>/dev/null;
		! git dbmig merge -m join --rev-id m1 b d 2>db.err &&
		grep "^FAILED: " al.out >expect && grep "^FAILED: " db.err >actual &&
		diff -u expect actual)
	'
fi

test_done
