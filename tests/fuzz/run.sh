#!/bin/sh
# Builds the libFuzzer targets with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs each on a copy of its corpus in
# tests/fuzz/corpus/, for FUZZ_SECONDS (default 60) or, with FUZZ_RUNS=N,
# to N executions (FUZZ_RUNS=10000000 for the release figure: see
# tests/fuzz/README). FUZZ_TARGETS="a b" runs only those. The inputs in
# tests/fuzz/regress/<target>/ (crashes found before) run first and must
# pass. A crash stops the run and leaves the input in build/fuzz/; add it
# to tests/fuzz/regress/<target>/ and fix the code.
set -e
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:-}
CC=${FUZZ_CC:-clang}
out=build/fuzz
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc -Itests/fuzz"
common="src/strbuf.c src/usage.c"
libs_all="libgit2 sqlite3 libpq libcurl jansson"
build() {
	name=$1
	shift
	$CC $flags -o "$out/fuzz-$name" "tests/fuzz/fuzz-$name.c" $common "$@" \
		$(pkg-config --cflags --libs libgit2 libmd)
}
# the HTTP backends with a fake transport (tests/fuzz/fake-http.c)
$CC $flags -Dhttp_post=http_post_real $(pkg-config --cflags libcurl jansson) \
	-c -o "$out/http-fuzz.o" src/db/http.c
dbsrc="$out/http-fuzz.o tests/fuzz/fake-http.c tests/fuzz/fuzz-http-run.c src/db/rqlite.c src/db/libsql.c
	src/db/db.c src/db/sqlite.c src/db/postgres.c src/url.c"
build_db() {
	name=$1
	shift
	$CC $flags -o "$out/fuzz-$name" "tests/fuzz/fuzz-$name.c" $common $dbsrc "$@" \
		$(pkg-config --cflags --libs $libs_all)
}
all="revfile config url target toml rqlite hrana split pgerror cache graph gitindex"
targets=${FUZZ_TARGETS:-$all}
for t in $targets; do
	case $t in
	revfile) build revfile src/revfile.c ;;
	config) build config src/config.c src/url.c ;;
	url) build url src/url.c ;;
	target) build target src/revfile.c src/graph.c src/resolve.c ;;
	rqlite | hrana | split) build_db $t ;;
	pgerror) build pgerror src/url.c $(pkg-config --cflags --libs libpq) ;;
	toml) build toml src/toml.c ;;
	cache) build cache src/revfile.c src/binio.c ;;
	gitindex) build gitindex src/gitindex.c ;;
	graph) build graph src/graphcache.c src/graph.c src/revfile.c src/binio.c src/cache.c src/source/worktree.c ;;
	*) echo "fuzz: unknown target '$t' (known: $all)" >&2; exit 1 ;;
	esac
done
total=0
for t in $targets; do
	mkdir -p "$out/corpus-$t"
	cp tests/fuzz/corpus/$t/* "$out/corpus-$t/" 2>/dev/null || true
	if [ -d tests/fuzz/regress/$t ]; then
		"$out/fuzz-$t" tests/fuzz/regress/$t/* >"$out/fuzz-$t.regress.log" 2>&1 ||
			{ tail -30 "$out/fuzz-$t.regress.log"; echo "fuzz-$t: a regression input crashes"; exit 1; }
	fi
	log="$out/fuzz-$t.log"
	if [ -n "$runs" ]; then
		limit="-runs=$runs"
	else
		limit="-max_total_time=$secs"
	fi
	t0=$(date +%s)
	"$out/fuzz-$t" $limit -max_len=4096 -artifact_prefix="$out/$t-" -print_final_stats=1 \
		"$out/corpus-$t" >"$log" 2>&1 || { tail -30 "$log"; echo "fuzz-$t: CRASH (input in $out/)"; exit 1; }
	t1=$(date +%s)
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	n=${n:-$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' | tail -1)}
	el=$((t1 - t0))
	echo "fuzz-$t: ${n:-0} executions in ${el}s ($(( ${n:-0} / (el > 0 ? el : 1) ))/s), no crash"
	total=$((total + ${n:-0}))
done
echo "fuzz: $total executions, 0 crashes"
