#!/bin/sh
# t4700-graph-pictures: graph --format svg and png, laid out by libgvc:
# the SVG parses and holds a node for every revision and a lane for every
# branch label, the PNG decodes at the SVG's size; with --url or
# --target every format (svg, png, mermaid, dot, ascii) marks the
# database's place: states, version rows, ids the graph lacks, a legend;
# --verify adds the schema drift verify finds.
. "$(dirname "$0")/lib.sh"

V=migrations/versions
CHECK="$PYTHON $TEST_DIR/check_picture.py"

test_expect_success 'setup: the seed, partly applied, one file edited, a stray row' '
	mkdir seed && cd seed && seed_project &&
	git dbmig -q upgrade CORE@head && git dbmig -q upgrade MOD1@head &&
	git dbmig history | sed -n "s/.*-> \([a-z0-9_]*\).*/\1/p" | sort >../ids &&
	test "$(wc -l <../ids)" = 30 &&
	echo "-- edited" >>$V/core_rev2_core_rev2.sql &&
	sqlite3 dbmig.db "INSERT INTO alembic_version VALUES ('"'"'zz_stray'"'"')"
'

test_expect_success 'svg: parses, a node per revision, every id and label in its text' '
	cd seed &&
	git dbmig graph --format svg >g.svg &&
	$CHECK svg g.svg ../ids CORE MOD1 MOD2 MOD3 INITCORE INITDEV "down_revision" "depends_on" >res &&
	n=$(git dbmig graph --format dot | grep -c -- "\" -> \"") &&
	grep -q "^nodes 31 edges $n " res &&
	test "$(grep -c "class=\"cluster\"" g.svg)" = 11 &&
	! grep -q "applied" g.svg
'

test_expect_success 'png: decodes, at the size of the svg' '
	cd seed &&
	git dbmig graph --format png >g.png &&
	$CHECK png g.png g.svg
'

test_expect_success 'svg --url: states, the version row, the stray row and the legend' '
	cd seed &&
	git dbmig --url sqlite:///dbmig.db graph --format svg >db.svg &&
	$CHECK svg db.svg ../ids "sqlite:///dbmig.db" "[applied]" "[changed]" "[pending]" \
		"[applied, version row]" "zz_stray" "[unknown, version row]" \
		"in the database, not in the graph" "a version row of the database" >res &&
	grep -q "^nodes 32 " res &&
	git dbmig graph --url sqlite:///dbmig.db --format png >db.png &&
	$CHECK png db.png db.svg
'

test_expect_success 'mermaid, dot and ascii --url mark the same states' '
	cd seed &&
	git dbmig --url sqlite:///dbmig.db status >st &&
	git dbmig --url sqlite:///dbmig.db graph >m &&
	grep -q "^title: git dbmig revision graph and where sqlite:///dbmig.db stands .*not in the graph: zz_stray (unknown)$" m &&
	grep -q "commit id: \"core_rev2\" type: HIGHLIGHT tag: \"changed\"$" m &&
	grep -q "commit id: \"core_rev3\" tag: \"applied, version row\"$" m &&
	grep -q "commit id: \"mod2_rev1\" type: REVERSE tag: \"pending\"$" m &&
	git dbmig --url sqlite:///dbmig.db graph --format dot >d &&
	grep -q "\"core_rev2\" \[label=\"core_rev2\\\\nCORE Rev2\\\\n\[changed\]\", fillcolor=\"#ffc7ce\"" d &&
	grep -q "\"db:zz_stray\"" d &&
	git dbmig --url sqlite:///dbmig.db graph --format ascii >a &&
	grep -q "^database: sqlite:///dbmig.db; \[state\] after each revision; not in the graph: zz_stray \[unknown\]$" a &&
	grep -q "core_rev3 (CORE) (head) \[applied, version row\]$" a &&
	for s in applied changed pending; do
		test "$(grep -c "\[$s[],]" a)" = "$(grep -c "^$s " st)" || { echo "$s differs"; exit 1; }
	done
'

test_expect_success 'graph --target NAME marks that database, with its labels' '
	cd seed &&
	cat >>alembic.ini <<-\INI &&

	[target:orders]
	sqlalchemy.url = sqlite:///%(here)s/dbmig.db
	labels = CORE MOD1
	INI
	git dbmig graph --target orders --format ascii >a &&
	grep -q "mod2_rev1 (MOD2) \[other\]$" a &&
	git dbmig graph --target orders --format svg >t.svg &&
	$CHECK svg t.svg ../ids "[other]" "not one of the target" >/dev/null
'

test_expect_success 'graph --verify: the schema drift verify finds, on every format' '
	cd seed &&
	cp dbmig.db drift.db && sqlite3 drift.db "DELETE FROM alembic_version WHERE version_num = '"'"'zz_stray'"'"';
		ALTER TABLE core_account ADD COLUMN nickname VARCHAR(32)" &&
	git dbmig --url sqlite:///drift.db graph --verify --format svg >v.svg &&
	$CHECK svg v.svg ../ids "schema drift (verify)" "+ column core_account.nickname: VARCHAR(32) NULL" \
		"schema: 1 difference from what the revisions make" >/dev/null &&
	git dbmig --url sqlite:///drift.db graph --verify --format png >v.png &&
	$CHECK png v.png v.svg &&
	git dbmig --url sqlite:///drift.db graph --verify --format ascii >a &&
	sed -n 2p a >line2 &&
	echo "+ column core_account.nickname: VARCHAR(32) NULL" >expect &&
	diff -u expect line2 &&
	grep -q "; schema drift: 1 difference$" a &&
	git dbmig --url sqlite:///drift.db graph --verify >m &&
	grep -q "^title: .*; schema drift: 1 difference$" m &&
	sqlite3 drift.db "ALTER TABLE core_account DROP COLUMN nickname" &&
	git dbmig --url sqlite:///drift.db graph --verify --format svg >ok.svg &&
	$CHECK svg ok.svg ../ids "as the revisions make it" >/dev/null &&
	! grep -q "schema drift (verify)" ok.svg
'

test_expect_success 'look: the pictures kept for a reader (DBMIG_TEST_PICTURES=DIR)' '
	cd seed &&
	if [ -n "${DBMIG_TEST_PICTURES:-}" ]; then
		cp g.png db.png v.png g.svg db.svg v.svg "$DBMIG_TEST_PICTURES"/
	fi
'

cd seed
test_expect_failure_msg 'an unknown format' "graph: unknown format 'gif' (mermaid, dot, ascii, svg or png)" \
	git dbmig graph --format gif
test_expect_failure_msg '--target and --url together' "graph: --target and --url name two databases" \
	git dbmig --url sqlite:///x.db graph --target orders
test_expect_failure_msg 'an unreachable database' "cannot connect to 'postgresql://u:***@127.0.0.1:1/x'" \
	git dbmig graph --url postgresql://u:pw@127.0.0.1:1/x --format svg
test_expect_failure_msg 'a corrupt dbmig_log' "dbmig_log row 1: direction 'up' is neither upgrade nor downgrade" \
	sh -c 'cp dbmig.db bad.db && sqlite3 bad.db "UPDATE dbmig_log SET direction = '"'"'up'"'"'" &&
		git dbmig graph --url sqlite:///bad.db'
test_expect_failure_msg 'an unknown target' "no target 'nowhere'" \
	git dbmig graph --target nowhere
test_expect_failure_msg '--verify without a database' "graph: --verify needs a database: --url URL or --target NAME" \
	git dbmig graph --verify
test_expect_failure_msg '--verify with a version row naming no revision' \
	"graph --verify: the version row 'zz_stray' names no revision to run" \
	git dbmig --url sqlite:///dbmig.db graph --verify
test_expect_failure_msg '--dev-url without --verify' "graph: --dev-url is for --verify" \
	git dbmig --url sqlite:///dbmig.db graph --dev-url postgresql://u@h/d
test_expect_failure_msg '--verify --dev-url on SQLite' "--dev-url is for PostgreSQL databases" \
	git dbmig --url sqlite:///drift.db graph --verify --dev-url postgresql://u@h/d
cd ..

test_expect_success 'a PNG is not written to a terminal' '
	cd seed &&
	if command -v script >/dev/null; then
		! script -qec "git dbmig graph --format png" /dev/null >tty.out &&
		grep -q "FAILED:.* graph: a PNG is binary; redirect it to a file" tty.out
	fi
'

test_expect_success 'Graphviz without its plugins registered: one FAILED line saying what to install' '
	cd seed &&
	mkdir -p nogv &&
	! GVBINDIR=$TRASH/seed/nogv git dbmig graph --format svg >out 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^FAILED: graphviz cannot lay out the graph: .*install the graphviz package" err &&
	test ! -s out
'

test_done
