#!/bin/sh
#
# "make bench" (and "make bench-status" alone): the time of "status" and
# "verify" on 1,000 and 10,000 revisions (only 1,000 with BENCH_QUICK=1).
#
# For each size it generates a many-module graph with tests/gen_graph.py,
# commits it, applies every revision to a SQLite file (upgrade heads
# --one-transaction), then times with hyperfine (mean ± σ) and measures
# peak RSS with /usr/bin/time:
#
#   - status (text) and status --json;
#   - verify --no-schema (the blob ids of dbmig_log against the files);
#   - verify (also every revision replayed on a SQLite scratch database
#     in memory and the two catalogs compared);
#   - verify with one file edited and one column added by hand, which
#     fails (its exit status is ignored for the timing) and must say so.
#
# Everything happens in a temporary folder, removed at the end
# (BENCH_KEEP=1 keeps it). BENCH_RUNS: runs per command (default 5).

set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
RUNS=${BENCH_RUNS:-5}
SIZES="1000 10000"
test -n "${BENCH_QUICK:-}" && SIZES=1000

export LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
unset SQLALCHEMY_URL GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE || :

say () {
	printf 'bench-status: %s\n' "$*" >&2
}

command -v hyperfine >/dev/null || { say "hyperfine is missing (apt-get install -y hyperfine)"; exit 1; }
test -x /usr/bin/time || { say "/usr/bin/time is missing (apt-get install -y time)"; exit 1; }
test -x "$ROOT/git-dbmig" || { say "no $ROOT/git-dbmig; run 'make' first"; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/dbmig-bench-status.XXXXXX")
if test -n "${BENCH_KEEP:-}"; then
	trap 'say "kept $W"' EXIT
else
	trap 'rm -rf "$W"' EXIT
	trap 'exit 130' INT TERM
fi
mkdir "$W/bin"
cp "$ROOT/git-dbmig" "$W/bin/git-dbmig"
DBMIG=$W/bin/git-dbmig
: >"$W/results"

# measure SIZE NAME IGNORE COMMAND: hyperfine and peak RSS of COMMAND in $G
measure () {
	size=$1 name=$2 ignore=$3 cmd=$4
	say "$size: $name"
	(cd "$G" && hyperfine -N $ignore --runs "$RUNS" --warmup 1 --style none \
		--export-json "$W/h.json" "$cmd") >/dev/null 2>&1 || { say "$name failed"; return 1; }
	rss=$(cd "$G" && /usr/bin/time -f %M sh -c "$cmd >/dev/null 2>&1" 2>&1 >/dev/null | tail -n 1)
	$PY - "$W/h.json" "$size" "$name" "$rss" >>"$W/results" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%s\t%s\t%.3f\t%.3f\t%s" % (sys.argv[2], sys.argv[3], r["mean"], r["stddev"] or 0, sys.argv[4]))
PY
}

for n in $SIZES; do
	k=$($PY -c "import math; print(max(10, round(math.sqrt($n))))")
	G=$W/g$n
	say "$n revisions, $k modules: generating and applying"
	$PY "$ROOT/tests/gen_graph.py" --revs "$n" --seed 1 --out "$G" --modules "$k" >/dev/null
	(cd "$G" && git init -q . && git config gc.auto 0 && git add -A && git commit -q -m graph)
	(cd "$G" && "$DBMIG" -q --url sqlite:///bench.db upgrade --one-transaction heads)
	url=sqlite:///bench.db
	out=$(cd "$G" && "$DBMIG" --url $url status | tail -n 1)
	case $out in
	"$n revisions: $n applied;"*) ;;
	*) say "status after upgrade heads says: $out"; exit 1 ;;
	esac
	measure "$n" "status" "" "'$DBMIG' --url $url status"
	measure "$n" "status --json" "" "'$DBMIG' --url $url status --json"
	measure "$n" "verify --no-schema" "" "'$DBMIG' --url $url verify --no-schema"
	measure "$n" "verify" "" "'$DBMIG' --url $url verify"
	# one file edited, one column added by hand: verify must fail and say both
	f=$(cd "$G" && ls migrations/versions/*.sql | head -n 1)
	printf '\n-- edited after it ran\n' >>"$G/$f"
	t=$(sqlite3 "$G/bench.db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('alembic_version', 'dbmig_log') LIMIT 1")
	sqlite3 "$G/bench.db" "ALTER TABLE \"$t\" ADD COLUMN by_hand TEXT"
	if (cd "$G" && "$DBMIG" --url $url verify >"$W/v.out" 2>"$W/v.err"); then
		say "verify passed on a drifted database"; exit 1
	fi
	grep -q '^changed ' "$W/v.out" && grep -q "^+ column $t.by_hand: TEXT NULL$" "$W/v.out" ||
		{ say "verify did not report the drift"; cat "$W/v.out" >&2; exit 1; }
	measure "$n" "verify (drifted: fails)" "-i" "'$DBMIG' --url $url verify"
	rm -rf "$G"
done

printf '\nstatus and verify on SQLite, every revision applied (mean of %s runs, %s cores)\n' \
	"$RUNS" "$(nproc 2>/dev/null || echo '?')"
printf '  %-12s %-26s %12s %10s %12s\n' revisions command "time (s)" "± (s)" "peak RSS (MB)"
awk -F '\t' '{ printf "  %-12s %-26s %12.3f %10.3f %12.1f\n", $1, $2, $3, $4, $5 / 1024 }' "$W/results"
