/*
 * Unit tests for convert.c: the .sql text of a converted .py revision
 * (header from the .py file, recorded statements as bodies, the note of
 * --as-recorded), that it reads back as the same revision, and the .sql
 * path. Recording and the proof run against real databases in t3400 and
 * t5420.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "convert.h"
#include "revfile.h"
#include "strbuf.h"

static const char py[] =
	"\"\"\"Add note\n\nRevision ID: r2\nRevises: r1\nCreate Date: 2026-11-24 12:00:00.000001\n\"\"\"\n"
	"revision = 'r2'\ndown_revision = 'r1'\nbranch_labels = ('MOD',)\ndepends_on = ('c1', 'c2')\n";

static struct revfile *parse_py(void)
{
	struct revfile *rf = NULL;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(revfile_parse(&rf, "v/r2_add_note.py", py, strlen(py), &err), 0);
	strbuf_release(&err);
	return rf;
}

static void test_text(void **state)
{
	struct revfile *rf = parse_py(), *back = NULL;
	char *ups[] = { "\nCREATE TABLE t (\n\tid INTEGER\n)\n\n", "INSERT INTO t VALUES (1);" };
	char *downs[] = { "DROP TABLE t" };
	struct convert_body up = { ups, 2 }, down = { downs, 1 }, none = { NULL, 0 };
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;

	(void)state;
	convert_sql_text(&text, rf, "v/r2_add_note.py", "sqlite", &up, &down, NULL);
	assert_string_equal(text.buf,
		"-- message: Add note\n"
		"-- revision: r2\n"
		"-- down_revision: r1\n"
		"-- branch_labels: MOD\n"
		"-- depends_on: c1, c2\n"
		"-- create_date: 2026-11-24 12:00:00.000001\n"
		"\n"
		"-- Converted by git dbmig convert from r2_add_note.py.\n"
		"-- The bodies are the SQL its upgrade() and downgrade() ran on a sqlite\n"
		"-- scratch database.\n"
		"\n"
		"-- migrate:upgrade\n"
		"CREATE TABLE t (\n\tid INTEGER\n);\n"
		"INSERT INTO t VALUES (1);\n"
		"\n"
		"-- migrate:downgrade\n"
		"DROP TABLE t;\n");
	assert_int_equal(revfile_parse(&back, "v/r2_add_note.sql", text.buf, text.len, &err), 0);
	assert_int_equal(back->kind, REVFILE_SQL);
	assert_string_equal(back->revision, "r2");
	assert_int_equal(back->ndown, 1);
	assert_string_equal(back->down_revision[0], "r1");
	assert_int_equal(back->ndeps, 2);
	assert_string_equal(back->depends_on[1], "c2");
	assert_string_equal(back->branch_labels[0], "MOD");
	assert_string_equal(back->create_date, "2026-11-24 12:00:00.000001");
	revfile_free(back);
	back = NULL;

	/* --as-recorded: the note, a comment line each; empty bodies */
	strbuf_reset(&text);
	convert_sql_text(&text, rf, "r2_add_note.py", "postgresql", &none, &none,
			 "Recorded with -x A=1,\nthough it reads -x arguments.");
	assert_non_null(strstr(text.buf, "\n-- scratch database.\n-- Recorded with -x A=1,\n"
				"-- though it reads -x arguments.\n\n-- migrate:upgrade\n\n-- migrate:downgrade\n"));
	assert_int_equal(revfile_parse(&back, "r2_add_note.sql", text.buf, text.len, &err), 0);
	assert_true(!back->upgrade || !strcmp(back->upgrade, "") || !strcmp(back->upgrade, "\n"));
	revfile_free(back);
	revfile_free(rf);
	strbuf_release(&text);
	strbuf_release(&err);
}

static void test_path(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	convert_sql_path(&sb, "m/versions/2026_11_24-a1_one.py");
	assert_string_equal(sb.buf, "m/versions/2026_11_24-a1_one.sql");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_path),
	};

	return cmocka_run_group_tests_name("convert", tests, NULL, NULL);
}
