/*
 * Unit tests for schema.c's pure half: catalog rows into items (and
 * the rows that are not such rows), sorting, and the diff between the
 * revisions' schema and the database's. schema_read() itself is tested
 * against real databases by t4600, t5400 and t7300.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "schema.h"
#include "strbuf.h"

struct diff_case {
	const char *title;
	const char *const want[6];   /* catalog rows, NULL-terminated */
	const char *const have[6];
	size_t n;
	const char *diff;
};

static const struct diff_case cases[] = {
	{ "equal lists: no difference", { "table\tt\tTABLE", "column\tt.a\tINT NULL", NULL },
	  { "column\tt.a\tINT NULL", "table\tt\tTABLE", NULL }, 0, "" },
	{ "a column only in the database", { "table\tt\tTABLE", NULL },
	  { "table\tt\tTABLE", "column\tt.b\tTEXT NULL", NULL }, 1,
	  "+ column t.b: TEXT NULL\n" },
	{ "an index only in the revisions", { "index\tt.ix\tINDEX (a)", "table\tt\tTABLE", NULL },
	  { "table\tt\tTABLE", NULL }, 1,
	  "- index t.ix: INDEX (a)\n" },
	{ "a definition that differs: - then +", { "column\tt.a\tINT NULL", NULL },
	  { "column\tt.a\tINT NOT NULL", NULL }, 1,
	  "- column t.a: INT NULL\n+ column t.a: INT NOT NULL\n" },
	{ "same name, other kind: two differences", { "view\tv\tCREATE VIEW v", NULL },
	  { "table\tv\tTABLE", NULL }, 2,
	  "+ table v: TABLE\n- view v: CREATE VIEW v\n" },
	{ "in name order across both lists", { "table\ta\tTABLE", "table\tc\tTABLE", NULL },
	  { "table\tb\tTABLE", "table\tc\tTABLE", "table\td\tTABLE", NULL }, 3,
	  "- table a: TABLE\n+ table b: TABLE\n+ table d: TABLE\n" },
};

static void fill(struct schema *s, const char *const *rows)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;

	for (i = 0; rows[i]; i++)
		assert_int_equal(schema_add_line(s, rows[i], &err), 0);
	schema_sort(s);
	strbuf_release(&err);
}

static void test_diff(void **state)
{
	const struct diff_case *c = *state;
	struct schema want = SCHEMA_INIT, have = SCHEMA_INIT;
	struct strbuf out = STRBUF_INIT;

	fill(&want, c->want);
	fill(&have, c->have);
	assert_int_equal(schema_diff(&out, &want, &have), c->n);
	assert_string_equal(out.buf, c->diff);
	schema_release(&want);
	schema_release(&have);
	strbuf_release(&out);
}

static void test_bad_line(void **state)
{
	struct schema s = SCHEMA_INIT;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(schema_add_line(&s, "table\tonly two", &err), -1);
	assert_string_equal(err.buf, "unexpected catalog row 'table\tonly two'");
	assert_int_equal(s.n, 0);
	assert_int_equal(schema_add_line(&s, "trigger\ttr\tdef\twith a tab", &err), 0);
	assert_string_equal(s.v[0].def, "def\twith a tab");
	schema_release(&s);
	strbuf_release(&err);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
	size_t i, n = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_diff, (void *)&cases[i]);

		t.name = cases[i].title;
		tests[n++] = t;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_line);
	return _cmocka_run_group_tests("schema", tests, n, NULL, NULL);
}
