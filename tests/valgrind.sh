#!/bin/sh
# tests/valgrind.sh [tNNNN-*.sh...]: runs end-to-end scripts with every
# git-dbmig run under valgrind's memcheck (DBMIG_TEST_VALGRIND=1, see
# tests/lib.sh), by default a representative subset. Each run writes its
# report to a file of its own (VALGRIND_OPTS=--log-file), so that an
# error or a definite leak in a run that a test expects to fail, whose
# exit status the test does not look at, is not lost: any report fails
# this script, which prints it.
cd "$(dirname "$0")" || exit 1
[ $# -gt 0 ] || set -- t1000-revisions.sh t1100-cache.sh t2000-apply-sqlite.sh \
	t2100-failures-sqlite.sh t4000-hook.sh t4100-check.sh t4200-refs.sh t4400-squash.sh \
	t5000-postgres.sh t8200-bad-input.sh t8300-security.sh
command -v valgrind >/dev/null || { echo "FAILED: valgrind not found"; exit 1; }

logs=$(mktemp -d "${TMPDIR:-/tmp}/dbmig-valgrind.XXXXXX") || exit 1
VALGRIND_OPTS="--log-file=$logs/vg.%p"
DBMIG_TEST_VALGRIND=1
export VALGRIND_OPTS DBMIG_TEST_VALGRIND

failed=
for t in "$@"; do
	echo "*** $t (valgrind)"
	sh "$t" || failed="$failed $t"
done
runs=$(ls "$logs" | wc -l)
reports=$(find "$logs" -type f -size +0 | sort)
if [ -n "$reports" ]; then
	for f in $reports; do
		echo "--- $f"
		cat "$f"
	done
	echo "FAILED: valgrind reports in $(echo "$reports" | wc -l) of $runs git-dbmig runs (kept in $logs)"
	exit 1
fi
rm -rf "$logs"
if [ -n "$failed" ]; then
	echo "FAILED scripts under valgrind:$failed"
	exit 1
fi
echo "valgrind: $runs git-dbmig runs, no errors, no definite leaks"
