#!/bin/sh
# t1210: the TOML reader (src/toml.c) against Python's tomllib, the
# reader Alembic 1.16+ opens pyproject.toml with. tests/toml_oracle.py
# feeds both the hand-written documents of tests/toml/valid and
# tests/toml/invalid and a few thousand generated and mutated ones; they
# must agree on every document: the same tree, or both refusing it at
# the same line.
. "$(dirname "$0")/lib.sh"

DUMP="$SRC_ROOT/build/tests/toml-dump"

test_expect_success 'toml-dump is built (make build/tests/toml-dump)' '
	test -x "$DUMP"
'

test_expect_success 'tomllib is there to compare with' '
	"$PYTHON" -c "import tomllib"
'

for seed in 1 2; do
	test_expect_success "hand-written and generated documents, seed $seed" '
		"$PYTHON" "$TEST_DIR/toml_oracle.py" "$DUMP" "$TRASH/docs-$seed" $seed 1500 >out &&
		cat out &&
		grep -q " 0 mismatches$" out
	'
done

test_expect_success 'the oracle notices a difference' '
	mkdir -p fake &&
	cat >fake/toml-dump <<-\EOF2 &&
	#!/bin/sh
	# answers "an empty table" for every document
	for f in "$@"; do echo "ok {}"; done
	EOF2
	chmod +x fake/toml-dump &&
	! "$PYTHON" "$TEST_DIR/toml_oracle.py" fake/toml-dump "$TRASH/docs-fake" 1 20 >out &&
	grep -q "git-dbmig accepts, tomllib refuses" out &&
	grep -q "different trees" out
'

test_done
