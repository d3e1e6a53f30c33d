/*
 * Unit tests for squash.c: Python literals for the .py head, the .py
 * head of a label with .py and .sql revisions (its header read back,
 * its parts, the moves), and the split of a squashed .py revision for
 * a database at a folded id. Alembic running the result is t3410's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "graph.h"
#include "revfile.h"
#include "squash.h"
#include "strbuf.h"

static void test_py_literal(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "mod1_rev1", "'mod1_rev1'" },
		{ "it's", "'it\\'s'" },
		{ "a\\b", "'a\\\\b'" },
		{ "", "''" },
		{ "x\ny", "\"\"\"\\\nx\ny\"\"\"" },
		{ "say \"\"\"hi\"\"\"\n", "\"\"\"\\\nsay \\\"\\\"\"hi\\\"\\\"\"\n\"\"\"" },
		{ "q\n\"", "\"\"\"\\\nq\n\\\"\"\"\"" },
		{ "cr\r\n", "\"\"\"\\\ncr\\x0d\n\"\"\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;

		squash_py_literal(&sb, cases[i].in);
		assert_string_equal(sb.buf, cases[i].out);
		strbuf_release(&sb);
	}
}

static const char *const files[][2] = {
	{ "m/versions/v0.py", "revision = 'v0'\ndown_revision = None\nbranch_labels = ('MOD',)\n" },
	{ "m/versions/r1_one.py", "\"\"\"One\n\"\"\"\nrevision = 'r1'\ndown_revision = 'v0'\ndepends_on = 'c1'\n"
				  "def upgrade():\n    pass\n" },
	{ "m/versions/r2.sql", "-- revision: r2\n-- down_revision: r1\n-- migrate:upgrade\n"
			       "CREATE TABLE t (v TEXT);\nINSERT INTO t VALUES ('it''s');\n"
			       "-- migrate:downgrade\nDROP TABLE t;\n" },
	{ "m/versions/r3_three.py", "\"\"\"Three\n\nRevision ID: r3\nCreate Date: 2026-01-02 03:04:05\n\"\"\"\n"
				    "revision = 'r3'\ndown_revision = 'r2'\n" },
	{ "m/versions/c1.py", "revision = 'c1'\ndown_revision = None\n" },
};

static struct graph *build(const char *const (*f)[2], size_t n)
{
	struct graph_input in[8];
	struct strbuf err = STRBUF_INIT;
	struct graph *g = NULL;
	size_t i;

	memset(in, 0, sizeof(in));
	for (i = 0; i < n; i++) {
		assert_int_equal(revfile_parse(&in[i].rf, f[i][0], f[i][1], strlen(f[i][1]), &err), 0);
		in[i].path = malloc(strlen(f[i][0]) + 1);
		strcpy(in[i].path, f[i][0]);
	}
	assert_int_equal(graph_build(&g, in, n, &err), 0);
	strbuf_release(&err);
	return g;
}

static void test_build_py(void **state)
{
	struct graph *g = build(files, 5);
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct revlist folded = REVLIST_INIT;
	struct squash_moves moves = { NULL, NULL, NULL, 0, 0 };
	struct revfile *rf = NULL;
	int head;

	(void)state;
	assert_int_equal(squash_build(&text, &head, &folded, &moves, g, "MOD", &err), 0);
	assert_string_equal(g->revs[head].id, "r3");
	assert_int_equal(folded.n, 2);
	assert_string_equal(moves.dir, "m/squashed/r3");
	assert_string_equal(moves.head, "m/versions/r3_three.py");
	assert_int_equal(moves.n, 2);
	assert_string_equal(moves.v[0].from, "m/versions/r1_one.py");
	assert_string_equal(moves.v[0].to, "m/squashed/r3/r1_one.py");
	assert_string_equal(moves.v[1].to, "m/squashed/r3/r3_three.py");
	/* the header reads back: the head's id hanging from the version0 */
	assert_int_equal(revfile_parse(&rf, moves.head, text.buf, text.len, &err), 0);
	assert_string_equal(rf->revision, "r3");
	assert_int_equal(rf->ndown, 1);
	assert_string_equal(rf->down_revision[0], "v0");
	assert_int_equal(rf->nsquashes, 2);
	assert_string_equal(rf->squashes[0], "r1");
	assert_string_equal(rf->squashes[1], "r2");
	assert_int_equal(rf->ndeps, 1);
	assert_string_equal(rf->depends_on[0], "c1");
	assert_string_equal(rf->message, "Three");
	/* the parts in order, the .sql one as text */
	assert_non_null(strstr(text.buf,
		"PARTS = (\n    ('r1', 'py', '../squashed/r3/r1_one.py'),\n"
		"    ('r2', 'sql',\n     \"\"\"\\\nCREATE TABLE t (v TEXT);\nINSERT INTO t VALUES ('it''s');\"\"\",\n"
		"     'DROP TABLE t;'),\n"
		"    ('r3', 'py', '../squashed/r3/r3_three.py'),\n)\n"));
	assert_non_null(strstr(text.buf, "\ndef upgrade():\n    run_parts('upgrade')\n"));
	revfile_free(rf);
	squash_moves_release(&moves);
	revlist_release(&folded);
	strbuf_release(&text);
	strbuf_release(&err);
	graph_free(g);
}

static const char *const squashed[][2] = {
	{ "m/versions/v0.py", "revision = 'v0'\ndown_revision = None\nbranch_labels = 'MOD'\n" },
	{ "m/versions/r3.py", "\"\"\"Three\n\"\"\"\nrevision = 'r3'\ndown_revision = 'v0'\n"
			      "squashes = ('r1', 'r2')\n" },
};

static void test_split_py(void **state)
{
	struct graph *g = build(squashed, 2);
	struct strbuf err = STRBUF_INIT;
	const char *rows[] = { "r2" };
	const struct revfile *lo, *hi;

	(void)state;
	assert_int_equal(squash_split_rows(&g, rows, 1, &err), 0);
	assert_int_equal(g->nr, 3);
	lo = g->revs[graph_find(g, "r2")].rf;
	hi = g->revs[graph_find(g, "r3")].rf;
	assert_int_equal(lo->kind, REVFILE_PY);
	assert_string_equal(lo->part_of, "r3");
	assert_string_equal(lo->part_upto, "r2");
	assert_null(lo->part_after);
	assert_string_equal(lo->down_revision[0], "v0");
	assert_int_equal(lo->nsquashes, 1);
	assert_string_equal(lo->squashes[0], "r1");
	assert_string_equal(hi->part_of, "r3");
	assert_string_equal(hi->part_after, "r2");
	assert_null(hi->part_upto);
	assert_string_equal(hi->down_revision[0], "r2");
	assert_int_equal(hi->nsquashes, 0);
	/* an id it does not squash: nothing to split */
	rows[0] = "zz";
	assert_int_equal(squash_split_rows(&g, rows, 1, &err), 0);
	strbuf_release(&err);
	graph_free(g);
}

static void test_refusals(void **state)
{
	static const char *const again[][2] = {
		{ "m/versions/v0.py", "revision = 'v0'\ndown_revision = None\nbranch_labels = 'MOD'\n" },
		{ "m/versions/r3.py", "revision = 'r3'\ndown_revision = 'v0'\nsquashes = ('r1',)\n" },
		{ "m/versions/r4.py", "revision = 'r4'\ndown_revision = 'r3'\n" },
	};
	struct graph *g = build(again, 3);
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct revlist folded = REVLIST_INIT;
	struct squash_moves moves = { NULL, NULL, NULL, 0, 0 };
	int head;

	(void)state;
	assert_int_equal(squash_build(&text, &head, &folded, &moves, g, "MOD", &err), -1);
	assert_string_equal(err.buf, "squash MOD: m/versions/r3.py already squashes r1; a .py squash folds revisions that are not squashed themselves (squash the label before adding to it, or convert it to .sql)");
	strbuf_reset(&err);
	assert_int_equal(squash_build(&text, &head, &folded, &moves, g, "NOPE", &err), -1);
	assert_string_equal(err.buf, "squash: no branch label 'NOPE'");
	squash_moves_release(&moves);
	revlist_release(&folded);
	strbuf_release(&text);
	strbuf_release(&err);
	graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_py_literal),
		cmocka_unit_test(test_build_py),
		cmocka_unit_test(test_split_py),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
