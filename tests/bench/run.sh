#!/bin/sh
#
# "make bench": git-dbmig against Alembic 1.8.1 and against the floors
# (reading the files, reading the blobs, the sqlite3 shell).
#
# For each size (1,000 and 10,000 revisions; only 1,000 with BENCH_QUICK=1)
# it generates a many-module graph with tests/gen_graph.py, mirrors it for
# Alembic with tests/alembic_mirror.py, commits the .sql files to a git
# repository and packs it, then times with hyperfine (mean ± σ over a few
# runs) and measures peak RSS with /usr/bin/time:
#
#   - Alembic and git-dbmig "heads" and "history" on the same graph;
#   - git-dbmig's first run (a fresh copy of the never-run repository, so no
#     cache of parsed headers exists) and its repeated runs, in the
#     worktree and with --at HEAD;
#   - the floors: build/bench/readfiles (tests/bench/readfiles.c) opening,
#     reading and closing every .sql file, and "git cat-file --batch"
#     reading every blob of the packed (and, before "git gc", loose) repository.
#
# Then "upgrade heads" of a straight chain of 1,000 revisions
# (tests/bench/gen_chain.py) on a fresh SQLite file: Alembic, git-dbmig
# (per-revision transactions, then --one-transaction) and the sqlite3
# shell running the same bodies and version-row changes
# (tests/bench/shell_sql.py), per revision and as one transaction.
#
# tests/bench/report.py prints the table and the ratios; ratios matter more
# than absolute times on a noisy machine.  Everything happens in a
# temporary folder, removed at the end (BENCH_KEEP=1 keeps it).
#
# Environment: BENCH_QUICK=1, BENCH_RUNS (fast commands, default 10),
# BENCH_SLOW_RUNS (Alembic, first runs, upgrades; default 5),
# BENCH_CHAIN (chain length, default 1000), BENCH_KEEP=1.

set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/tests/bench
DBMIG=$ROOT/git-dbmig
PY=/usr/bin/python3
RUNS=${BENCH_RUNS:-10}
SLOW=${BENCH_SLOW_RUNS:-5}
CHAIN=${BENCH_CHAIN:-1000}
SIZES="1000 10000"
test -n "${BENCH_QUICK:-}" && SIZES=1000

export LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_AUTHOR_DATE='2026-01-01 00:00:00 +0000'
export GIT_COMMITTER_DATE='2026-01-01 00:00:00 +0000'
unset SQLALCHEMY_URL GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE || :

say () {
	printf 'bench: %s\n' "$*" >&2
}

die () {
	say "$*"
	exit 1
}

missing=
command -v hyperfine >/dev/null || missing="$missing hyperfine"
test -x /usr/bin/time || missing="$missing time"
command -v sqlite3 >/dev/null || missing="$missing sqlite3"
command -v git >/dev/null || missing="$missing git"
command -v cc >/dev/null || missing="$missing cc"
test -z "$missing" || die "missing tools:$missing (apt-get install -y$missing)"
$PY -m alembic --version >/dev/null 2>&1 ||
	die "'$PY -m alembic' does not run; install Alembic 1.8.1"
test -x "$DBMIG" || die "no $DBMIG; run 'make' first"

W=$(mktemp -d "${TMPDIR:-/tmp}/dbmig-bench.XXXXXX")
if test -n "${BENCH_KEEP:-}"; then
	trap 'say "kept $W"' EXIT
else
	trap 'rm -rf "$W"' EXIT
	trap 'exit 130' INT TERM
fi
R=$W/results
mkdir -p "$R" "$ROOT/build/bench"
# A cache git-dbmig might keep outside the repository goes here too, and the
# first-run measurements remove it.
export XDG_CACHE_HOME="$W/xdg"

READFILES=$ROOT/build/bench/readfiles
cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$READFILES" "$BENCH/readfiles.c" ||
	die "cannot compile tests/bench/readfiles.c"

# bench KEY RUNS WARMUP DIR PREPARE COMMAND: hyperfine COMMAND in DIR into
# $R/KEY.json; on failure leave $R/KEY.failed and carry on.
bench () {
	key=$1 runs=$2 warm=$3 dir=$4 prep=$5 cmd=$6
	say "$key: $cmd"
	set -- --runs "$runs" --warmup "$warm" --style basic \
		--export-json "$R/$key.json"
	test -z "$prep" || set -- "$@" --prepare "$prep"
	if ! (cd "$dir" && hyperfine "$@" "$cmd") >>"$W/hyperfine.log" 2>&1
	then
		say "$key failed; see the log below"
		tail -n 5 "$W/hyperfine.log" >&2
		: >"$R/$key.failed"
	fi
}

# rss KEY DIR PREPARE COMMAND: peak RSS (kB) of one run into $R/KEY.rss.
rss () {
	key=$1 dir=$2 prep=$3 cmd=$4
	test -z "$prep" || sh -c "$prep"
	(cd "$dir" && eval "/usr/bin/time -f %M -o '$R/$key.rss' $cmd" \
		>/dev/null 2>&1) || rm -f "$R/$key.rss"
}

# both KEY RUNS WARMUP DIR PREPARE COMMAND: bench, then rss.
both () {
	bench "$@"
	rss "$1" "$4" "$5" "$6"
}

meta () {
	printf '%s %s\n' "$1" "$2" >>"$R/meta"
}

meta sizes "$SIZES"
meta chain "$CHAIN"
meta runs "$RUNS"
meta slow "$SLOW"
meta nproc "$(nproc 2>/dev/null || echo '?')"
meta alembic "$($PY -m alembic --version 2>&1 | sed 's/^alembic //')"
meta sqlite "$(sqlite3 -version | cut -d' ' -f1)"
meta git "$(git --version | sed 's/^git version //')"

for n in $SIZES; do
	k=$($PY -c "import math; print(max(10, round(math.sqrt($n))))")
	P=$W/pristine$n G=$W/g$n A=$W/a$n C=$W/cold
	meta "modules$n" "$k"
	say "$n revisions, $k modules: generating"
	$PY "$ROOT/tests/gen_graph.py" --revs "$n" --seed 1 --out "$P" \
		--modules "$k" >/dev/null
	$PY "$ROOT/tests/alembic_mirror.py" "$P" "$A" >/dev/null
	(cd "$P" && git init -q . && git add -A && git commit -q -m graph)
	(cd "$P" && git ls-tree -r HEAD | awk '$2 == "blob" { print $3 }') \
		>"$W/blobs$n"
	meta "blobs$n" "$(wc -l <"$W/blobs$n")"

	bench "$n.catfile.loose" "$SLOW" 1 "$P" "" \
		"git cat-file --batch <'$W/blobs$n' >/dev/null"
	(cd "$P" && git gc -q && git count-objects -v) >"$W/objects$n"
	grep -q '^count: 0$' "$W/objects$n" || die "git gc left loose objects"
	bench "$n.catfile.packed" "$RUNS" 2 "$P" "" \
		"git cat-file --batch <'$W/blobs$n' >/dev/null"
	bench "$n.readfiles" "$RUNS" 2 "$P" "" \
		"'$READFILES' migrations/versions"
	meta "readfiles$n" "$("$READFILES" "$P/migrations/versions" | tr ' ' _)"

	# First runs: a copy of the never-run repository, with no cache.
	fresh="rm -rf '$C' '$XDG_CACHE_HOME' && cp -a '$P' '$C' && git -C '$C' update-index -q --refresh"
	for cmd in heads history; do
		both "$n.dbmig.$cmd.cold" "$SLOW" 0 "$W" "$fresh" \
			"cd '$C' && '$DBMIG' $cmd"
		both "$n.at.$cmd.cold" "$SLOW" 0 "$W" "$fresh" \
			"cd '$C' && '$DBMIG' --at HEAD $cmd"
	done

	# Repeated runs: another copy, warmed up by hyperfine.
	cp -a "$P" "$G"
	git -C "$G" update-index -q --refresh
	for cmd in heads history; do
		both "$n.alembic.$cmd" "$SLOW" 1 "$A" "" \
			"$PY -m alembic -c alembic.ini $cmd"
		both "$n.dbmig.$cmd" "$RUNS" 2 "$G" "" "'$DBMIG' $cmd"
		both "$n.at.$cmd" "$RUNS" 2 "$G" "" "'$DBMIG' --at HEAD $cmd"
	done

	# Same graph, same answer?
	(cd "$A" && $PY -m alembic -c alembic.ini heads) 2>/dev/null |
		cut -d' ' -f1 | sort >"$W/heads.alembic"
	(cd "$G" && "$DBMIG" heads) 2>/dev/null | cut -d' ' -f1 | sort \
		>"$W/heads.dbmig"
	if cmp -s "$W/heads.alembic" "$W/heads.dbmig"; then
		meta "heads$n" "$(wc -l <"$W/heads.dbmig")_heads,_same_set_as_Alembic"
	else
		meta "heads$n" "DIFFER_from_Alembic"
	fi
	rm -rf "$C" "$G" "$A" "$P"
done

say "upgrade: chain of $CHAIN revisions"
U=$W/up
mkdir -p "$U"
$PY "$BENCH/gen_chain.py" --revs "$CHAIN" --out "$U/chain"
$PY "$ROOT/tests/alembic_mirror.py" "$U/chain" "$U/alembic" >/dev/null
$PY "$BENCH/shell_sql.py" "$U/chain" per-revision >"$U/per-revision.sql"
$PY "$BENCH/shell_sql.py" "$U/chain" whole-run >"$U/whole-run.sql"
db=$U/test.db
last=$(ls "$U/chain/migrations/versions" | sort | tail -n 1 | cut -d_ -f1)

# upgrade KEY RUNS COMMAND: time COMMAND on a fresh $db, then check that it
# applied every revision.
upgrade () {
	bench "$1" "$2" 1 "$U" "rm -f '$db'" "$3"
	rm -f "$db"
	(cd "$U" && sh -c "$3") >/dev/null 2>&1 || :
	got=$(sqlite3 "$db" 'SELECT count(*) FROM marker; SELECT version_num FROM alembic_version;' 2>/dev/null | tr '\n' ' ')
	test "$got" = "$CHAIN $last " || meta "upcheck.$1" "left_'$got'"
}

upgrade up.alembic "$SLOW" \
	"SQLALCHEMY_URL='sqlite:///$db' $PY -m alembic -c alembic/alembic.ini upgrade heads"
upgrade up.dbmig "$SLOW" \
	"cd chain && '$DBMIG' -q --url 'sqlite:///$db' upgrade heads"
upgrade up.dbmig.one "$RUNS" \
	"cd chain && '$DBMIG' -q --url 'sqlite:///$db' upgrade --one-transaction heads"
upgrade up.shell.per "$SLOW" \
	"sqlite3 -batch -bail '$db' <per-revision.sql"
upgrade up.shell.whole "$RUNS" \
	"sqlite3 -batch -bail '$db' <whole-run.sql"

$PY "$BENCH/report.py" "$R"
