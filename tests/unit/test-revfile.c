/*
 * Unit tests for revfile.c: table-driven. Each row of good_cases is a file
 * and every field we expect from it; each row of error_cases is a file and
 * the exact message. The .py rows start with files written by a real
 * "alembic revision" (Alembic 1.8.1) and go on to the forms Python allows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "revfile.h"
#include "strbuf.h"

/* alembic 1.8.1 "alembic revision": versions/base1_x_y.py */
static const char py_base1[] =
	"\"\"\"x y\n"
	"\n"
	"Revision ID: base1\n"
	"Revises: \n"
	"Create Date: 2026-11-24 19:40:59.309336\n"
	"\n"
	"\"\"\"\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"\n"
	"\n"
	"# revision identifiers, used by Alembic.\n"
	"revision = 'base1'\n"
	"down_revision = None\n"
	"branch_labels = ('L',)\n"
	"depends_on = None\n"
	"\n"
	"\n"
	"def upgrade() -> None:\n"
	"    pass\n"
	"\n"
	"\n"
	"def downgrade() -> None:\n"
	"    pass\n";

/* alembic 1.8.1 "alembic revision": versions/r2_second_one_more_text_here.py */
static const char py_r2[] =
	"\"\"\"second one\n"
	"\n"
	"more text here\n"
	"\n"
	"Revision ID: r2\n"
	"Revises: base1\n"
	"Create Date: 2026-11-24 19:40:59.471707\n"
	"\n"
	"\"\"\"\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"\n"
	"\n"
	"# revision identifiers, used by Alembic.\n"
	"revision = 'r2'\n"
	"down_revision = 'base1'\n"
	"branch_labels = None\n"
	"depends_on = None\n"
	"\n"
	"\n"
	"def upgrade() -> None:\n"
	"    pass\n"
	"\n"
	"\n"
	"def downgrade() -> None:\n"
	"    pass\n";

/* alembic 1.8.1 "alembic revision": versions/m1_other.py */
static const char py_m1[] =
	"\"\"\"other\n"
	"\n"
	"Revision ID: m1\n"
	"Revises: \n"
	"Create Date: 2026-11-24 19:40:59.652368\n"
	"\n"
	"\"\"\"\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"\n"
	"\n"
	"# revision identifiers, used by Alembic.\n"
	"revision = 'm1'\n"
	"down_revision = None\n"
	"branch_labels = ('M',)\n"
	"depends_on = 'r2'\n"
	"\n"
	"\n"
	"def upgrade() -> None:\n"
	"    pass\n"
	"\n"
	"\n"
	"def downgrade() -> None:\n"
	"    pass\n";

/* alembic 1.8.1 "alembic revision": versions/mg_merge_it.py */
static const char py_mg[] =
	"\"\"\"merge it\n"
	"\n"
	"Revision ID: mg\n"
	"Revises: r2, m1\n"
	"Create Date: 2026-11-24 19:40:59.859294\n"
	"\n"
	"\"\"\"\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"\n"
	"\n"
	"# revision identifiers, used by Alembic.\n"
	"revision = 'mg'\n"
	"down_revision = ('r2', 'm1')\n"
	"branch_labels = None\n"
	"depends_on = None\n"
	"\n"
	"\n"
	"def upgrade() -> None:\n"
	"    pass\n"
	"\n"
	"\n"
	"def downgrade() -> None:\n"
	"    pass\n";

/* alembic 1.8.1 "alembic revision": versions/q1_quote_it_and_it_s.py */
static const char py_q1[] =
	"\"\"\"quote \"it\" and it's\n"
	"\n"
	"Revision ID: q1\n"
	"Revises: r2\n"
	"Create Date: 2026-11-24 19:46:32.685399\n"
	"\n"
	"\"\"\"\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"\n"
	"\n"
	"# revision identifiers, used by Alembic.\n"
	"revision = 'q1'\n"
	"down_revision = 'r2'\n"
	"branch_labels = None\n"
	"depends_on = None\n"
	"\n"
	"\n"
	"def upgrade() -> None:\n"
	"    pass\n"
	"\n"
	"\n"
	"def downgrade() -> None:\n"
	"    pass\n";

/* alembic 1.8.1 "alembic revision": versions/md_multi_deps.py */
static const char py_md[] =
	"\"\"\"multi deps\n"
	"\n"
	"Revision ID: md\n"
	"Revises: q1\n"
	"Create Date: 2026-11-24 19:46:34.110857\n"
	"\n"
	"\"\"\"\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"\n"
	"\n"
	"# revision identifiers, used by Alembic.\n"
	"revision = 'md'\n"
	"down_revision = 'q1'\n"
	"branch_labels = ('Y',)\n"
	"depends_on = ['r2', 'base1']\n"
	"\n"
	"\n"
	"def upgrade() -> None:\n"
	"    pass\n"
	"\n"
	"\n"
	"def downgrade() -> None:\n"
	"    pass\n";

/* The script.py.mako of later Alembic releases: annotated assignments. */
static const char py_annotated[] =
	"\"\"\"add account table\n"
	"\n"
	"Revision ID: 1975ea83b712\n"
	"Revises: ae1027a6acf\n"
	"Create Date: 2024-03-01 10:00:00.000001\n"
	"\n"
	"\"\"\"\n"
	"from typing import Sequence, Union\n"
	"\n"
	"from alembic import op\n"
	"import sqlalchemy as sa\n"
	"\n"
	"\n"
	"# revision identifiers, used by Alembic.\n"
	"revision: str = '1975ea83b712'\n"
	"down_revision: Union[str, None] = 'ae1027a6acf'\n"
	"branch_labels: Union[str, Sequence[str], None] = None\n"
	"depends_on: Union[str, Sequence[str], None] = None\n"
	"\n"
	"\n"
	"def upgrade() -> None:\n"
	"    op.create_table('account', sa.Column('id', sa.Integer))\n"
	"\n"
	"\n"
	"def downgrade() -> None:\n"
	"    op.drop_table('account')\n";

/* SPEC 3.1's example. */
static const char sql_spec[] =
	"-- message: Init core create tables\n"
	"-- revision: init_core_newtable\n"
	"-- down_revision:\n"
	"-- branch_labels: INITCORE\n"
	"-- depends_on:\n"
	"-- create_date: 2026-11-24 15:40:00.123456\n"
	"\n"
	"-- migrate:upgrade\n"
	"CREATE TABLE core_account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
	"\n"
	"-- migrate:downgrade\n"
	"DROP TABLE core_account;\n";

struct good_case {
	const char *title;
	const char *name;
	const char *text;
	size_t len;             /* 0: strlen(text) */
	const char *revision;
	const char *down;       /* items joined with ","; NULL for none */
	const char *labels;
	const char *deps;
	const char *squashes;
	const char *message;    /* NULL: expect NULL */
	const char *create_date;
	const char *doc;
	int not_transactional;
	const char *upgrade;
	unsigned upgrade_line;
	const char *downgrade;
	unsigned downgrade_line;
	unsigned revision_line, down_line, labels_line, deps_line;
};

static const struct good_case good_cases[] = {
	/* ---- native .sql ---- */
	{
		.title = "sql: SPEC example",
		.name = "versions/init_core_newtable.sql", .text = sql_spec,
		.revision = "init_core_newtable", .labels = "INITCORE",
		.message = "Init core create tables",
		.create_date = "2026-11-24 15:40:00.123456",
		.upgrade = "CREATE TABLE core_account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
		.upgrade_line = 9,
		.downgrade = "DROP TABLE core_account;", .downgrade_line = 12,
		.revision_line = 2, .down_line = 3, .labels_line = 4,
		.deps_line = 5,
	},
	{
		.title = "sql: merge, lists, squashes, transactional FALSE",
		.name = "m.sql",
		.text = "-- revision: m.1-x_y\n"
			"-- down_revision:  a ,b,c.2  \n"
			"-- depends_on: CORE, r-9\n"
			"-- branch_labels: MOD1,MOD_2\n"
			"-- squashes: s1, s2\n"
			"-- transactional: FALSE\n",
		.revision = "m.1-x_y", .down = "a,b,c.2", .deps = "CORE,r-9",
		.labels = "MOD1,MOD_2", .squashes = "s1,s2",
		.not_transactional = 1,
		.revision_line = 1, .down_line = 2, .labels_line = 4,
		.deps_line = 3,
	},
	{
		.title = "sql: transactional true, empty message and date",
		.name = "t.sql",
		.text = "-- revision: t\n"
			"-- message:\n"
			"-- create_date:   \n"
			"-- transactional: True\n"
			"-- migrate:upgrade\n"
			"SELECT 1;",
		.revision = "t", .message = "",
		.upgrade = "SELECT 1;", .upgrade_line = 6,
		.revision_line = 1,
	},
	{
		.title = "sql: header only, no newline at the end",
		.name = "h.sql", .text = "-- revision: abcdefghijklmnopqrstuvwxyz012345",
		.revision = "abcdefghijklmnopqrstuvwxyz012345",
		.revision_line = 1,
	},
	{
		.title = "sql: CRLF",
		.name = "crlf.sql",
		.text = "-- revision: c1\r\n"
			"-- message: with CRLF \r\n"
			"-- down_revision: b1\r\n"
			"\r\n"
			"-- migrate:upgrade \t\r\n"
			"\r\n"
			"CREATE TABLE a (x int);\r\n"
			"CREATE TABLE b (y int);\r\n"
			"\r\n"
			"-- migrate:downgrade\r\n"
			"DROP TABLE b;\r\n"
			"DROP TABLE a;\r\n",
		.revision = "c1", .down = "b1", .message = "with CRLF",
		.upgrade = "CREATE TABLE a (x int);\r\nCREATE TABLE b (y int);",
		.upgrade_line = 7,
		.downgrade = "DROP TABLE b;\r\nDROP TABLE a;",
		.downgrade_line = 11,
		.revision_line = 1, .down_line = 3,
	},
	{
		.title = "sql: bodies trimmed of blank lines only",
		.name = "b.sql",
		.text = "-- revision: b\n"
			"-- migrate:upgrade\n"
			"\n"
			"   \t\n"
			"  INSERT INTO t VALUES (1);  \n"
			"\n"
			"-- a comment\n"
			"--migration notes are fine\n"
			"INSERT INTO t VALUES (2);\n"
			"  \n"
			"\n"
			"-- migrate:downgrade\n"
			"\n",
		.revision = "b",
		.upgrade = "  INSERT INTO t VALUES (1);  \n"
			   "\n"
			   "-- a comment\n"
			   "--migration notes are fine\n"
			   "INSERT INTO t VALUES (2);",
		.upgrade_line = 5,
		.downgrade = "", .downgrade_line = 13,
		.revision_line = 1,
	},
	{
		.title = "sql: empty upgrade, downgrade absent",
		.name = "e.sql",
		.text = "-- revision: e\n\n-- migrate:upgrade\n",
		.revision = "e", .upgrade = "", .upgrade_line = 4,
		.revision_line = 1,
	},
	{
		.title = "sql: downgrade only",
		.name = "d.sql",
		.text = "-- revision: d\n-- migrate:downgrade\nDROP VIEW v;\n",
		.revision = "d", .downgrade = "DROP VIEW v;", .downgrade_line = 3,
		.revision_line = 1,
	},
	{
		.title = "sql: comments and blank lines before the first section",
		.name = "c.sql",
		.text = "-- revision: c\n"
			"--\n"
			"--no space after the dashes\n"
			"\n"
			"   -- indented comment\n"
			"-- note: not a header key\n"
			"\n"
			"-- migrate:upgrade\n"
			"-- message: inside a body, just SQL\n"
			"SELECT 2;\n",
		.revision = "c",
		.upgrade = "-- message: inside a body, just SQL\nSELECT 2;",
		.upgrade_line = 9,
		.revision_line = 1,
	},
	{
		.title = "sql: UTF-8 byte order mark",
		.name = "bom.sql",
		.text = "\xef\xbb\xbf-- revision: bom\n-- message: caf\xc3\xa9\n",
		.revision = "bom", .message = "caf\xc3\xa9",
		.revision_line = 1,
	},
	{
		.title = "sql: value with colons, tabs around the key",
		.name = "k.sql",
		.text = "-- \trevision\t:k\n"
			"-- message: a: b: c\n",
		.revision = "k", .message = "a: b: c",
		.revision_line = 1,
	},

	/* ---- Alembic .py, as "alembic revision" writes them ---- */
	{
		.title = "py: alembic base with a branch label",
		.name = "a/versions/base1_x_y.py", .text = py_base1,
		.revision = "base1", .labels = "L", .message = "x y",
		.create_date = "2026-11-24 19:40:59.309336",
		.doc = "x y\n\nRevision ID: base1\nRevises: \n"
		       "Create Date: 2026-11-24 19:40:59.309336",
		.revision_line = 13, .down_line = 14, .labels_line = 15,
		.deps_line = 16,
	},
	{
		.title = "py: alembic message of two paragraphs",
		.name = "a/versions/r2_second_one_more_text_here.py",
		.text = py_r2,
		.revision = "r2", .down = "base1", .message = "second one",
		.create_date = "2026-11-24 19:40:59.471707",
		.doc = "second one\n\nmore text here\n\nRevision ID: r2\n"
		       "Revises: base1\nCreate Date: 2026-11-24 19:40:59.471707",
		.revision_line = 15, .down_line = 16, .labels_line = 17,
		.deps_line = 18,
	},
	{
		.title = "py: alembic depends_on a string",
		.name = "a/versions/m1_other.py", .text = py_m1,
		.revision = "m1", .labels = "M", .deps = "r2",
		.message = "other", .create_date = "2026-11-24 19:40:59.652368",
		.doc = "other\n\nRevision ID: m1\nRevises: \n"
		       "Create Date: 2026-11-24 19:40:59.652368",
		.revision_line = 13, .down_line = 14, .labels_line = 15,
		.deps_line = 16,
	},
	{
		.title = "py: alembic merge",
		.name = "a/versions/mg_merge_it.py", .text = py_mg,
		.revision = "mg", .down = "r2,m1", .message = "merge it",
		.create_date = "2026-11-24 19:40:59.859294",
		.doc = "merge it\n\nRevision ID: mg\nRevises: r2, m1\n"
		       "Create Date: 2026-11-24 19:40:59.859294",
		.revision_line = 13, .down_line = 14, .labels_line = 15,
		.deps_line = 16,
	},
	{
		.title = "py: alembic message with quotes",
		.name = "a/versions/q1_quote_it_and_it_s.py", .text = py_q1,
		.revision = "q1", .down = "r2", .message = "quote \"it\" and it's",
		.create_date = "2026-11-24 19:46:32.685399",
		.doc = "quote \"it\" and it's\n\nRevision ID: q1\nRevises: r2\n"
		       "Create Date: 2026-11-24 19:46:32.685399",
		.revision_line = 13, .down_line = 14, .labels_line = 15,
		.deps_line = 16,
	},
	{
		.title = "py: alembic depends_on a list",
		.name = "a/versions/md_multi_deps.py", .text = py_md,
		.revision = "md", .down = "q1", .labels = "Y", .deps = "r2,base1",
		.message = "multi deps",
		.create_date = "2026-11-24 19:46:34.110857",
		.doc = "multi deps\n\nRevision ID: md\nRevises: q1\n"
		       "Create Date: 2026-11-24 19:46:34.110857",
		.revision_line = 13, .down_line = 14, .labels_line = 15,
		.deps_line = 16,
	},
	{
		.title = "py: annotated template of later Alembic releases",
		.name = "1975ea83b712_add_account_table.py", .text = py_annotated,
		.revision = "1975ea83b712", .down = "ae1027a6acf",
		.message = "add account table",
		.create_date = "2024-03-01 10:00:00.000001",
		.doc = "add account table\n\nRevision ID: 1975ea83b712\n"
		       "Revises: ae1027a6acf\nCreate Date: 2024-03-01 10:00:00.000001",
		.revision_line = 15, .down_line = 16, .labels_line = 17,
		.deps_line = 18,
	},

	/* ---- .py forms Python allows ---- */
	{
		.title = "py: comments, raw docstring, multi-line tuple, repeats dropped",
		.name = "t1.py",
		.text = "# -*- coding: utf-8 -*-\n"
			"#!comment\n"
			"\n"
			"r'''Raw \\n doc  \n"
			"\n"
			"Create Date:   2020-01-01 00:00:00   \n"
			"second para'''\n"
			"from typing import Sequence, Union\n"
			"revision: str = \"abc\"\n"
			"down_revision: Union[str, None] = (\n"
			"    \"x1\",  # first\n"
			"    'x2',\n"
			"    \"x1\",\n"
			")\n"
			"branch_labels: Union[str, Sequence[str], None] = None\n"
			"depends_on: Union[str, Sequence[str], None] = ['d1',\n"
			"  'd2']  # trailing\n",
		.revision = "abc", .down = "x1,x2", .deps = "d1,d2",
		.message = "Raw \\n doc  ",
		.doc = "Raw \\n doc  \n\nCreate Date:   2020-01-01 00:00:00   \nsecond para",
		.create_date = "2020-01-01 00:00:00",
		.revision_line = 9, .down_line = 10, .labels_line = 15,
		.deps_line = 16,
	},
	{
		.title = "py: CRLF and a backslash continuation",
		.name = "t2.py",
		.text = "\"\"\"CRLF doc\r\n\r\nmore\r\n\"\"\"\r\n"
			"revision = \\\r\n  \"crlf\"\r\n"
			"down_revision = None\r\n",
		.revision = "crlf", .message = "CRLF doc", .doc = "CRLF doc\n\nmore",
		.revision_line = 5, .down_line = 7,
	},
	{
		.title = "py: concatenation, escapes, code that is not module level",
		.name = "t3.py",
		.text = "\"doc\" ' concatenated' u\" more\\tx\\x41\\101\\u00e9\"\n"
			"revision = 'first'\n"
			"x = \"\"\"\n"
			"revision = 'not_this'\n"
			"\"\"\"\n"
			"def upgrade():\n"
			"    revision = 'nope'\n"
			"    op.execute(f\"{x!r} {'a'} \" \"b\")\n"
			"revision = 'second'; down_revision = 'a', 'b'\n"
			"class K: revision = 'k'\n"
			"if True: branch_labels = 'zz'\n"
			"branch_labels = ('one')\n"
			"depends_on = ()\n"
			"revision.x = 3\n"
			"revision [0]\n"
			"down_revision == 'q'\n"
			"revision: str\n",
		.revision = "second", .down = "a,b", .labels = "one",
		.message = "doc concatenated more\txA\x41\xc3\xa9",
		.doc = "doc concatenated more\txA\x41\xc3\xa9",
		.revision_line = 9, .down_line = 9, .labels_line = 12,
		.deps_line = 13,
	},
	{
		.title = "py: a string after other code is no docstring",
		.name = "t4.py",
		.text = "from __future__ import annotations\n"
			"\"\"\"not a docstring\"\"\"\n"
			"revision = 'r4'\n"
			"down_revision = ['a',]\n",
		.revision = "r4", .down = "a",
		.revision_line = 3, .down_line = 4,
	},
	{
		.title = "py: docstring stripped, one-item tuple, label as a string",
		.name = "t5.py",
		.text = "\"\"\"  \n\n   Leading blank then text\n   line two\n\n\"\"\"\n"
			"revision = r'r5'\n"
			"depends_on = (\"d\",)\n"
			"branch_labels = 'L'\n",
		.revision = "r5", .deps = "d", .labels = "L",
		.message = "Leading blank then text\n   line two",
		.doc = "Leading blank then text\n   line two",
		.revision_line = 7, .labels_line = 9, .deps_line = 8,
	},
	{
		.title = "py: a string expression is no docstring",
		.name = "t6.py",
		.text = "\"\"\"doc\"\"\".strip()\nrevision = 'r6'\n",
		.revision = "r6", .revision_line = 2,
	},
	{
		.title = "py: f-strings and strings hiding assignments",
		.name = "t7.py",
		.text = "x = f\"\"\"\n"
			"revision = 'inside'\n"
			"{ {'a': \"}\"}[\"a\"] }\n"
			"\"\"\"\n"
			"revision = 'r7'\n"
			"y = f'{x:>10}' ; down_revision = 'r6'\n"
			"z = ('''\n"
			"depends_on = 'bad'\n"
			"''')\n"
			"w = f\"{d[\"k\"]}\"\n"
			"branch_labels = \"B\"\n",
		.revision = "r7", .down = "r6", .labels = "B",
		.revision_line = 5, .down_line = 6, .labels_line = 11,
	},
	{
		.title = "py: byte order mark, form feed, later assignment wins",
		.name = "t8.py",
		.text = "\xef\xbb\xbf\"\"\"bom\"\"\"\nrevision = \"r8\"\n\frevision = \"r8b\"\n",
		.revision = "r8b", .message = "bom", .doc = "bom",
		.revision_line = 3,
	},
	{
		.title = "py: empty docstring",
		.name = "t9.py",
		.text = "\"\"\"\n\n\"\"\"\nrevision = 'r9'\n",
		.revision = "r9", .message = "", .doc = "",
		.revision_line = 4,
	},
	{
		.title = "py: escaped newline, unknown escapes kept",
		.name = "t10.py",
		.text = "\"\"\"x\\\ny \\N{BULLET} \\z\"\"\"\n"
			"revision = 'r10'\n"
			"down_revision = 'a\\\nb'\n",
		.revision = "r10", .down = "ab",
		.message = "xy \\N{BULLET} \\z", .doc = "xy \\N{BULLET} \\z",
		.revision_line = 3, .down_line = 4,
	},
	{
		.title = "py: single-quoted docstring, no Create Date",
		.name = "t11.py",
		.text = "'one line'\nrevision = \"r11\"  # comment\n",
		.revision = "r11", .message = "one line", .doc = "one line",
		.revision_line = 2,
	},
	{
		.title = "py: no docstring",
		.name = "t12.py",
		.text = "revision = 'r12'",
		.revision = "r12", .revision_line = 1,
	},
};

struct error_case {
	const char *title;
	const char *name;
	const char *text;
	size_t len;             /* 0: strlen(text) */
	const char *err;
};

static const struct error_case error_cases[] = {
	/* ---- both ---- */
	{ "NUL byte", "versions/x.sql", "-- revision: a\n\nSEL\0ECT", 22,
	  "versions/x.sql:3: binary file (NUL byte)" },
	{ "NUL byte in .py", "x.py", "revision = 'a'\0", 15,
	  "x.py:1: binary file (NUL byte)" },
	{ "unknown suffix", "x.txt", "-- revision: a\n", 0,
	  "x.txt: not a revision file (expected a '.sql' or '.py' name)" },

	/* ---- .sql header ---- */
	{ "empty file", "x.sql", "", 0, "x.sql:1: missing 'revision' in header" },
	{ "blank file", "x.sql", "\n\n  \n", 0,
	  "x.sql:1: missing 'revision' in header" },
	{ "no revision key", "x.sql",
	  "-- message: m\n-- down_revision: a\n\n-- migrate:upgrade\nSELECT 1;\n", 0,
	  "x.sql:1: missing 'revision' in header" },
	{ "empty revision", "x.sql", "-- message: m\n-- revision:  \n", 0,
	  "x.sql:2: missing value for 'revision'" },
	{ "unknown key", "versions/x.sql",
	  "-- revision: a\n-- message: m\n-- down_revison: b\n", 0,
	  "versions/x.sql:3: unknown key 'down_revison'" },
	{ "key case matters", "x.sql", "-- Revision: a\n", 0,
	  "x.sql:1: unknown key 'Revision'" },
	{ "long unknown key is cut", "x.sql",
	  "-- aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1\n", 0,
	  "x.sql:1: unknown key 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'" },
	{ "duplicate key", "x.sql",
	  "-- message: m\n-- revision: a\n-- down_revision:\n-- revision: b\n", 0,
	  "x.sql:4: duplicate key 'revision' (first on line 2)" },
	{ "duplicate empty key", "x.sql",
	  "-- revision: a\n-- depends_on:\n-- depends_on:\n", 0,
	  "x.sql:3: duplicate key 'depends_on' (first on line 2)" },
	{ "malformed header line", "x.sql",
	  "-- revision: a\n-- just a note\n", 0,
	  "x.sql:2: malformed header line '-- just a note' (expected '-- key: value')" },
	{ "empty key", "x.sql", "-- revision: a\n-- : b\n", 0,
	  "x.sql:2: malformed header line '-- : b' (expected '-- key: value')" },
	{ "invalid revision id", "x.sql", "-- message: m\n-- revision: a b\n", 0,
	  "x.sql:2: invalid revision id 'a b' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "revision id too long", "x.sql",
	  "-- revision: abcdefghijklmnopqrstuvwxyz0123456\n", 0,
	  "x.sql:1: invalid revision id 'abcdefghijklmnopqrstuvwxyz0123456' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "invalid down_revision", "x.sql", "-- revision: a\n-- down_revision: b, c/d\n", 0,
	  "x.sql:2: invalid revision id 'c/d' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "invalid branch label", "x.sql", "-- revision: a\n-- branch_labels: L@head\n", 0,
	  "x.sql:2: invalid branch label 'L@head' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "invalid depends_on", "x.sql", "-- revision: a\n-- depends_on: x y\n", 0,
	  "x.sql:2: invalid revision id or branch label 'x y' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "invalid squashes", "x.sql", "-- revision: a\n-- squashes: ok,n\xc3\xb6\n", 0,
	  "x.sql:2: invalid revision id 'n\xc3\xb6' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "control characters are escaped", "x.sql", "-- revision: a\x1b[2Jb\tc\n", 0,
	  "x.sql:1: invalid revision id 'a\\x1b[2Jb\\tc' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "empty item inside", "x.sql", "-- revision: a\n-- down_revision: a,,b\n", 0,
	  "x.sql:2: empty item in 'down_revision'" },
	{ "empty item at the end", "x.sql", "-- revision: a\n-- branch_labels: A, \n", 0,
	  "x.sql:2: empty item in 'branch_labels'" },
	{ "empty item at the start", "x.sql", "-- revision: a\n-- squashes: ,x\n", 0,
	  "x.sql:2: empty item in 'squashes'" },
	{ "repeated item", "x.sql", "-- revision: a\n-- down_revision: b, c, b\n", 0,
	  "x.sql:2: 'b' listed twice in 'down_revision'" },
	{ "repeated label", "x.sql", "-- revision: a\n-- branch_labels: X,Y,Y,X\n", 0,
	  "x.sql:2: 'Y' listed twice in 'branch_labels'" },
	{ "bad transactional", "x.sql", "-- revision: a\n-- transactional: yes\n", 0,
	  "x.sql:2: invalid value 'yes' for 'transactional' (expected true or false)" },

	/* ---- .sql sections ---- */
	{ "upgrade repeated", "x.sql",
	  "-- revision: a\n\n-- migrate:upgrade\nA;\n\n-- migrate:downgrade\nB;\n\n-- migrate:upgrade\nC;\n", 0,
	  "x.sql:9: '-- migrate:upgrade' repeated (first on line 3)" },
	{ "downgrade repeated", "x.sql",
	  "-- revision: a\n-- migrate:downgrade\nB;\n-- migrate:downgrade\n", 0,
	  "x.sql:4: '-- migrate:downgrade' repeated (first on line 2)" },
	{ "downgrade before upgrade", "x.sql",
	  "-- revision: a\n\n-- migrate:downgrade\nB;\n\n-- migrate:upgrade\nA;\n", 0,
	  "x.sql:3: '-- migrate:downgrade' before '-- migrate:upgrade'" },
	{ "dbmate marker", "x.sql",
	  "-- revision: a\n-- migrate:up\nA;\n", 0,
	  "x.sql:2: unknown section marker '-- migrate:up' (expected '-- migrate:upgrade' or '-- migrate:downgrade')" },
	{ "marker without space, inside a body", "x.sql",
	  "-- revision: a\n-- migrate:upgrade\nA;\n--migrate:downgrade\nB;\n", 0,
	  "x.sql:4: unknown section marker '--migrate:downgrade' (expected '-- migrate:upgrade' or '-- migrate:downgrade')" },
	{ "indented marker", "x.sql",
	  "-- revision: a\n\n  -- migrate:upgrade\n", 0,
	  "x.sql:3: unknown section marker '  -- migrate:upgrade' (expected '-- migrate:upgrade' or '-- migrate:downgrade')" },
	{ "marker in capitals", "x.sql",
	  "-- revision: a\n-- migrate:upgrade\nA;\n-- MIGRATE:DOWNGRADE\n", 0,
	  "x.sql:4: unknown section marker '-- MIGRATE:DOWNGRADE' (expected '-- migrate:upgrade' or '-- migrate:downgrade')" },
	{ "marker with a space and a comment", "x.sql",
	  "-- revision: a\n-- migrate: upgrade -- here\n", 0,
	  "x.sql:2: unknown section marker '-- migrate: upgrade -- here' (expected '-- migrate:upgrade' or '-- migrate:downgrade')" },
	{ "SQL right after the header", "x.sql",
	  "-- revision: a\nCREATE TABLE t (x int);\n-- migrate:upgrade\n", 0,
	  "x.sql:2: text outside a '-- migrate:' section: 'CREATE TABLE t (x int);'" },
	{ "SQL before the first section", "x.sql",
	  "-- revision: a\n\n-- comment\nDROP TABLE t;\r\n\n-- migrate:upgrade\n", 0,
	  "x.sql:4: text outside a '-- migrate:' section: 'DROP TABLE t;'" },
	{ "SQL and no section at all", "x.sql",
	  "-- revision: a\n\nSELECT 1;\n", 0,
	  "x.sql:3: text outside a '-- migrate:' section: 'SELECT 1;'" },
	{ "header after a blank first line", "x.sql",
	  "\n-- revision: a\n-- migrate:upgrade\n", 0,
	  "x.sql:2: 'revision' outside the header (the header is the run of '-- key: value' lines from line 1)" },
	{ "header split by a blank line", "x.sql",
	  "-- revision: a\n\n-- down_revision: b\n\n-- migrate:upgrade\n", 0,
	  "x.sql:3: 'down_revision' outside the header (the header is the run of '-- key: value' lines from line 1)" },

	/* ---- .py ---- */
	{ "py: empty file", "x.py", "", 0,
	  "x.py:1: missing module-level 'revision' assignment" },
	{ "py: revision only in a function", "x.py",
	  "\"\"\"doc\"\"\"\ndef f():\n    revision = 'a'\n", 0,
	  "x.py:1: missing module-level 'revision' assignment" },
	{ "py: revision only in a compound statement", "x.py",
	  "if True: revision = 'a'\n", 0,
	  "x.py:1: missing module-level 'revision' assignment" },
	{ "py: revision only annotated", "x.py", "revision: str\n", 0,
	  "x.py:1: missing module-level 'revision' assignment" },
	{ "py: revision in a string", "x.py", "'''\nrevision = 'a'\n'''\n", 0,
	  "x.py:1: missing module-level 'revision' assignment" },
	{ "py: revision None", "x.py", "revision = 'a'\nrevision = None\n", 0,
	  "x.py:2: 'revision' is not a string" },
	{ "py: revision tuple", "x.py", "\n\nrevision = ('a', 'b')\n", 0,
	  "x.py:3: 'revision' is not a string" },
	{ "py: revision from a call", "x.py", "revision = make_id()\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: down_revision from a call", "versions/x.py",
	  "revision = 'a'\ndown_revision = get(\n  'b')\n", 0,
	  "versions/x.py:2: cannot read the value of 'down_revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: None in a tuple", "x.py", "revision = 'a'\ndepends_on = ('b', None)\n", 0,
	  "x.py:2: cannot read the value of 'depends_on' (expected a string, None, or a tuple or list of strings)" },
	{ "py: nested tuple", "x.py", "revision = 'a'\ndepends_on = (('b',),)\n", 0,
	  "x.py:2: cannot read the value of 'depends_on' (expected a string, None, or a tuple or list of strings)" },
	{ "py: unclosed list", "x.py", "revision = 'a'\nbranch_labels = ['b',\n", 0,
	  "x.py:2: cannot read the value of 'branch_labels' (expected a string, None, or a tuple or list of strings)" },
	{ "py: mismatched brackets", "x.py", "revision = 'a'\nbranch_labels = ['b')\n", 0,
	  "x.py:2: cannot read the value of 'branch_labels' (expected a string, None, or a tuple or list of strings)" },
	{ "py: tuple unpacking", "x.py", "revision, down_revision = 'a', None\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: augmented assignment", "x.py", "revision = 'a'\nrevision += 'b'\n", 0,
	  "x.py:2: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: bytes", "x.py", "revision = b'abc'\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: f-string", "x.py", "revision = f'abc'\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: expression", "x.py", "revision = 'a' + 'b'\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: chained assignment", "x.py", "revision = down = 'a'\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: number", "x.py", "revision = 123\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: annotated call", "x.py", "revision: str = str(1)\n", 0,
	  "x.py:1: cannot read the value of 'revision' (expected a string, None, or a tuple or list of strings)" },
	{ "py: invalid id", "x.py", "revision = 'a b'\n", 0,
	  "x.py:1: invalid revision id 'a b' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "py: decoded newline escaped", "x.py", "revision = 'a\\nb'\n", 0,
	  "x.py:1: invalid revision id 'a\\x0ab' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "py: empty id", "x.py", "revision = ''\n", 0,
	  "x.py:1: invalid revision id '' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "py: invalid label", "x.py", "revision = 'a'\n\nbranch_labels = ('ok', 'b@d')\n", 0,
	  "x.py:3: invalid branch label 'b@d' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "py: invalid down_revision", "x.py", "revision = 'a'\ndown_revision = 'x:y'\n", 0,
	  "x.py:2: invalid revision id 'x:y' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "py: invalid depends_on", "x.py", "revision = 'a'\ndepends_on = ['x y']\n", 0,
	  "x.py:2: invalid revision id or branch label 'x y' (letters, digits, '_', '-', '.', at most 32 characters)" },
	{ "py: unterminated string", "x.py", "revision = 'abc\n", 0,
	  "x.py:1: unterminated string in the value of 'revision'" },
	{ "py: escaped NUL", "x.py", "revision = 'a\\x00b'\n", 0,
	  "x.py:1: NUL character in string in the value of 'revision'" },
	{ "py: unterminated docstring", "x.py", "\n\"\"\"abc\nrevision = 'a'\n", 0,
	  "x.py:2: unterminated string in the module docstring" },
};

/* ------------------------------------------------------------------ */

/*
 * cmocka checks for leaks when each test function returns, so a test
 * frees what it parsed; the fixture itself lives from setup to teardown.
 */
struct fixture {
	const void *row;
	struct revfile *rf;
	struct strbuf err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->row = *state;
	strbuf_init(&f->err, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void fixture_release(struct fixture *f)
{
	revfile_free(f->rf);
	f->rf = NULL;
	strbuf_release(&f->err);
}

/* Compare a list with "a,b,c" (NULL: an empty list). */
static void check_list(const char *what, char **v, size_t n,
		       const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, v[i]);
	}
	if (strcmp(sb.buf, want ? want : "")) {
		print_error("%s: got '%s', want '%s'\n", what, sb.buf,
			    want ? want : "");
		strbuf_release(&sb);
		fail();
	}
	strbuf_release(&sb);
}

static void check_str(const char *what, const char *got, const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want)) {
		print_error("%s: got %s%s%s, want %s%s%s\n", what,
			    got ? "'" : "", got ? got : "NULL", got ? "'" : "",
			    want ? "'" : "", want ? want : "NULL", want ? "'" : "");
		fail();
	}
}

static void test_good(void **state)
{
	struct fixture *f = *state;
	const struct good_case *c = f->row;
	size_t len = c->len ? c->len : strlen(c->text);
	size_t nlen = strlen(c->name);
	int is_py = nlen > 3 && !strcmp(c->name + nlen - 3, ".py");
	struct revfile *rf;

	if (revfile_parse(&f->rf, c->name, c->text, len, &f->err) < 0) {
		print_error("unexpected error: %s\n", f->err.buf);
		fail();
	}
	rf = f->rf;
	assert_int_equal(rf->kind, is_py ? REVFILE_PY : REVFILE_SQL);
	check_str("revision", rf->revision, c->revision);
	check_list("down_revision", rf->down_revision, rf->ndown, c->down);
	check_list("branch_labels", rf->branch_labels, rf->nlabels, c->labels);
	check_list("depends_on", rf->depends_on, rf->ndeps, c->deps);
	check_list("squashes", rf->squashes, rf->nsquashes, c->squashes);
	check_str("message", rf->message, c->message);
	check_str("create_date", rf->create_date, c->create_date);
	check_str("doc", rf->doc, c->doc);
	assert_int_equal(rf->transactional, !c->not_transactional);
	check_str("upgrade", rf->upgrade, c->upgrade);
	check_str("downgrade", rf->downgrade, c->downgrade);
	assert_int_equal(rf->upgrade_line, c->upgrade_line);
	assert_int_equal(rf->downgrade_line, c->downgrade_line);
	assert_int_equal(rf->revision_line, c->revision_line);
	assert_int_equal(rf->down_line, c->down_line);
	assert_int_equal(rf->labels_line, c->labels_line);
	assert_int_equal(rf->deps_line, c->deps_line);
	fixture_release(f);
}

static void test_error(void **state)
{
	struct fixture *f = *state;
	const struct error_case *c = f->row;
	size_t len = c->len ? c->len : strlen(c->text);

	f->rf = (struct revfile *)&f->rf;   /* must be reset to NULL */
	strbuf_addstr(&f->err, "stale text is replaced");
	assert_int_equal(revfile_parse(&f->rf, c->name, c->text, len, &f->err), -1);
	assert_null(f->rf);
	assert_string_equal(f->err.buf, c->err);
	fixture_release(f);
}

/* ------------------------------------------------------------------ */

static void test_valid_id(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} rows[] = {
		{ "a", 1 }, { "ae1027a6acf", 1 }, { "A-b_c.9", 1 },
		{ "abcdefghijklmnopqrstuvwxyz012345", 1 },
		{ "abcdefghijklmnopqrstuvwxyz0123456", 0 },
		{ "", 0 }, { "a b", 0 }, { "a/b", 0 }, { "a@head", 0 },
		{ "a+1", 0 }, { "caf\xc3\xa9", 0 }, { "a\tb", 0 }, { "a,b", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(*rows); i++)
		if (revfile_valid_id(rows[i].s, strlen(rows[i].s)) != rows[i].ok) {
			print_error("revfile_valid_id('%s') != %d\n", rows[i].s,
				    rows[i].ok);
			fail();
		}
	/* the length is what counts, not a NUL */
	assert_int_equal(revfile_valid_id("abc def", 3), 1);
	assert_int_equal(revfile_valid_id(NULL, 0), 0);
}

/* revfile_header_id() of a parsed text; the test fails if it does not parse */
static void header_id_of(const char *name, const char *text, char out[41])
{
	struct revfile *rf = NULL;
	struct strbuf err = STRBUF_INIT;

	if (revfile_parse(&rf, name, text, strlen(text), &err))
		fail_msg("%s does not parse: %s", name, err.buf);
	revfile_header_id(rf, out);
	revfile_free(rf);
	strbuf_release(&err);
}

#define HID_HEAD "-- message: m\n-- revision: r1\n"
#define HID_REST "-- down_revision: r0\n-- branch_labels: L\n-- depends_on: d\n"
#define HID_BODY "\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 2;\n"

/*
 * The header id follows the header and nothing else: the same header
 * with other bodies, comments or line positions has the same id; any
 * header field changed gives another, and so do lists that only join
 * the same words differently.
 */
static void test_header_id(void **state)
{
	static const char *const same[] = {
		HID_HEAD HID_REST "\n-- migrate:upgrade\nSELECT 11;\n\n-- migrate:downgrade\nSELECT 2;\n",
		HID_HEAD HID_REST HID_BODY "-- a comment at the end\n",
		HID_HEAD HID_REST "\n\n\n" HID_BODY,
		HID_HEAD HID_REST "\n-- migrate:upgrade\n\n-- migrate:downgrade\nSELECT 2;\n",
	};
	static const char *const other[] = {
		"-- message: m2\n-- revision: r1\n" HID_REST HID_BODY,
		"-- revision: r1\n" HID_REST HID_BODY,
		"-- message: m\n-- revision: r2\n" HID_REST HID_BODY,
		HID_HEAD "-- down_revision: r9\n-- branch_labels: L\n-- depends_on: d\n" HID_BODY,
		HID_HEAD "-- down_revision: r0, r9\n-- branch_labels: L\n-- depends_on: d\n" HID_BODY,
		HID_HEAD "-- down_revision: r0\n-- branch_labels: L, M\n-- depends_on: d\n" HID_BODY,
		HID_HEAD "-- down_revision: r0\n-- branch_labels:\n-- depends_on: d\n" HID_BODY,
		HID_HEAD "-- down_revision: r0\n-- branch_labels: L\n-- depends_on:\n" HID_BODY,
		HID_HEAD "-- down_revision: r0\n-- branch_labels: L\n-- depends_on: d, L\n" HID_BODY,
		HID_HEAD HID_REST "-- squashes: q1\n" HID_BODY,
		HID_HEAD HID_REST "-- transactional: false\n" HID_BODY,
		HID_HEAD HID_REST "-- create_date: 2026-01-01 00:00:00\n" HID_BODY,
		/* one label "L" and "d" moved between lists */
		HID_HEAD "-- down_revision: r0\n-- branch_labels: L, d\n-- depends_on:\n" HID_BODY,
	};
	char base[41], hid[41];
	size_t i, k;

	(void)state;
	header_id_of("r1_a.sql", HID_HEAD HID_REST HID_BODY, base);
	assert_int_equal(strlen(base), 40);
	for (i = 0; i < sizeof(same) / sizeof(*same); i++) {
		header_id_of("r1_a.sql", same[i], hid);
		if (strcmp(hid, base))
			fail_msg("same header, another id: case %zu", i);
	}
	for (i = 0; i < sizeof(other) / sizeof(*other); i++) {
		header_id_of("r1_a.sql", other[i], hid);
		if (!strcmp(hid, base))
			fail_msg("another header, the same id: case %zu", i);
		for (k = 0; k < i; k++) {
			char hk[41];

			header_id_of("r1_a.sql", other[k], hk);
			if (!strcmp(hid, hk))
				fail_msg("cases %zu and %zu share an id", k, i);
		}
	}
	/* a .py file is another kind of revision */
	header_id_of("r1_a.py",
		     "\"\"\"m\"\"\"\nrevision = 'r1'\ndown_revision = 'r0'\n"
		     "branch_labels = ('L',)\ndepends_on = 'd'\n"
		     "def upgrade():\n    pass\n\ndef downgrade():\n    pass\n", hid);
	assert_string_not_equal(hid, base);
}

static void test_free_null(void **state)
{
	revfile_free(NULL);
}

static void test_empty_buffer(void **state)
{
	struct revfile *rf = NULL;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(revfile_parse(&rf, "e.sql", NULL, 0, &err), -1);
	assert_null(rf);
	assert_string_equal(err.buf, "e.sql:1: missing 'revision' in header");
	strbuf_release(&err);
}

/* The length bounds the read: bytes past it are never looked at. */
static void test_length_bounds(void **state)
{
	static const char text[] = "-- revision: abc\n-- revision: dup\n";
	struct revfile *rf = NULL;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(revfile_parse(&rf, "b.sql", text, 17, &err), 0);
	assert_string_equal(rf->revision, "abc");
	revfile_free(rf);
	assert_int_equal(revfile_parse(&rf, "b.py", "revision = 'ab'X", 15, &err), 0);
	assert_string_equal(rf->revision, "ab");
	revfile_free(rf);
	strbuf_release(&err);
}

/* Long and deep inputs: no recursion, nothing quadratic worth noticing. */
static void test_big_inputs(void **state)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct revfile *rf = NULL;
	size_t i;

	strbuf_addstr(&sb, "revision = 'a'\nx = ");
	for (i = 0; i < 100000; i++)
		strbuf_addch(&sb, '(');
	assert_int_equal(revfile_parse(&rf, "deep.py", sb.buf, sb.len, &err), 0);
	revfile_free(rf);

	strbuf_reset(&sb);
	strbuf_addstr(&sb, "-- revision: a\n-- down_revision: ");
	for (i = 0; i < 20000; i++)
		strbuf_addf(&sb, "%si%zu", i ? "," : "", i);
	strbuf_addstr(&sb, ",i7\n");
	assert_int_equal(revfile_parse(&rf, "wide.sql", sb.buf, sb.len, &err), -1);
	assert_string_equal(err.buf, "wide.sql:2: 'i7' listed twice in 'down_revision'");
	strbuf_release(&sb);
	strbuf_release(&err);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_valid_id),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_header_id),
		cmocka_unit_test(test_empty_buffer),
		cmocka_unit_test(test_length_bounds),
		cmocka_unit_test(test_big_inputs),
	};
	size_t ngood = sizeof(good_cases) / sizeof(*good_cases);
	size_t nerr = sizeof(error_cases) / sizeof(*error_cases);
	size_t nfixed = sizeof(fixed) / sizeof(*fixed);
	size_t n = nfixed + ngood + nerr, i, k = 0;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	int ret;

	for (i = 0; i < nfixed; i++)
		tests[k++] = fixed[i];
	for (i = 0; i < ngood; i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate_setup_teardown(
			test_good, setup, teardown, (void *)&good_cases[i]);

		t.name = good_cases[i].title;
		tests[k++] = t;
	}
	for (i = 0; i < nerr; i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate_setup_teardown(
			test_error, setup, teardown, (void *)&error_cases[i]);

		t.name = error_cases[i].title;
		tests[k++] = t;
	}
	ret = _cmocka_run_group_tests("revfile", tests, n, NULL, NULL);
	free(tests);
	return ret;
}
