#!/bin/sh
# Builds the libFuzzer targets with clang (AddressSanitizer and
# UndefinedBehaviorSanitizer) and runs each for FUZZ_SECONDS (default 60)
# on a copy of its corpus in tests/fuzz/corpus/. A crash stops the run
# and leaves the input in build/fuzz/; add it to tests/fuzz/regress/ and
# to the unit tests.
set -e
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
CC=${FUZZ_CC:-clang}
out=build/fuzz
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc"
common="src/strbuf.c src/usage.c"
build() {
	name=$1
	shift
	$CC $flags -o "$out/fuzz-$name" "tests/fuzz/fuzz-$name.c" $common "$@" \
		$(pkg-config --cflags --libs libgit2)
}
build revfile src/revfile.c
build config src/config.c src/url.c
build url src/url.c
build target src/revfile.c src/graph.c src/resolve.c
build toml src/toml.c
total=0
for t in revfile config url target toml; do
	mkdir -p "$out/corpus-$t"
	cp tests/fuzz/corpus/$t/* "$out/corpus-$t/" 2>/dev/null || true
	if [ -d tests/fuzz/regress/$t ]; then
		"$out/fuzz-$t" tests/fuzz/regress/$t/* >/dev/null 2>&1
	fi
	log="$out/fuzz-$t.log"
	"$out/fuzz-$t" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$out/$t-" \
		"$out/corpus-$t" >"$log" 2>&1 || { tail -30 "$log"; echo "fuzz-$t: CRASH (input in $out/)"; exit 1; }
	runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' | tail -1)
	echo "fuzz-$t: ${runs:-0} executions in ${secs}s, no crash"
	total=$((total + ${runs:-0}))
done
echo "fuzz: $total executions, 0 crashes"
