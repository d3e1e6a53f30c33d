/*
 * Unit tests for config.c. The expected values are what Python's
 * ConfigParser({"here": "/tmp/proj"}) gives for the same text (checked
 * with CPython 3.11). Tables: lookups that succeed, files that fail to
 * parse, lookups whose interpolation fails; then the odd cases one by
 * one. No message may contain the password of a sqlalchemy.url.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "strbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define INI "/tmp/proj/alembic.ini"

static struct config *parse_ok(const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct config *cfg = NULL;

	if (config_parse(&cfg, INI, text, strlen(text), &err))
		fail_msg("parse failed: %s", err.buf);
	assert_non_null(cfg);
	assert_int_equal(err.len, 0);
	return cfg;
}

static void assert_get(const struct config *cfg, const char *section,
		       const char *key, const char *expect)
{
	struct strbuf err = STRBUF_INIT;
	const char *v = (const char *)&err;
	int ret = config_get(cfg, section, key, &v, &err);

	if (ret < 0)
		fail_msg("[%s] %s: %s", section, key, err.buf);
	if (!expect) {
		assert_int_equal(ret, 1);
		assert_null(v);
	} else {
		if (ret)
			fail_msg("[%s] %s: absent", section, key);
		assert_non_null(v);
		assert_string_equal(v, expect);
	}
	assert_int_equal(err.len, 0);
}

static void assert_list(size_t n, const char *const *list, const char *expect)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", list[i]);
	assert_string_equal(sb.buf, expect);
	strbuf_release(&sb);
}

/* ------------------------------------------------------------------
 * Lookups that succeed
 */

static const char alembic_ini[] =
	"# A generic, single database configuration.\n"
	"; another comment\n"
	"\n"
	"[alembic]\n"
	"script_location = %(here)s/migrations\n"
	"Version_Table: my_version\n"
	"sqlalchemy.url = postgresql://scott:tiger@localhost/test\n"
	"file_template = %%(rev)s_%%(slug)s\n"
	"empty =\n"
	"colon:value: with = colon\n"
	"spaced key   =   a  value  \n"
	"version_locations =\n"
	"    %(here)s/a\n"
	"    %(here)s/b\n"
	"\n"
	"    # a comment inside the value\n"
	"    %(here)s/c\n"
	"\n"
	"\n"
	"db = %(base)s/%(NAME)s\n"
	"name = local\n"
	"pct = 100%%\n"
	"chain = %(db)s!\n"
	"\n"
	"[DEFAULT]\n"
	"base = /srv\n"
	"name = default\n"
	"\n"
	"[post_write_hooks]\n"
	"hooks = black\n"
	"db = %(base)s/%(name)s\n"
	"\n"
	"[DEFAULT]\n"
	"extra = yes\n";

static const struct get_case {
	const char *section, *key, *value; /* value NULL: absent */
} get_cases[] = {
	{ "alembic", "script_location", "/tmp/proj/migrations" },
	{ "alembic", "version_table", "my_version" },
	{ "alembic", "VERSION_TABLE", "my_version" },
	{ "alembic", "sqlalchemy.url", "postgresql://scott:tiger@localhost/test" },
	{ "alembic", "file_template", "%(rev)s_%(slug)s" },
	{ "alembic", "empty", "" },
	{ "alembic", "colon", "value: with = colon" },
	{ "alembic", "spaced key", "a  value" },
	{ "alembic", "version_locations",
	  "\n/tmp/proj/a\n/tmp/proj/b\n\n/tmp/proj/c" },
	{ "alembic", "db", "/srv/local" },
	{ "alembic", "pct", "100%" },
	{ "alembic", "chain", "/srv/local!" },
	{ "alembic", "base", "/srv" },
	{ "alembic", "extra", "yes" },
	{ "alembic", "here", "/tmp/proj" },
	{ "alembic", "hooks", NULL },
	{ "alembic", "missing", NULL },
	{ "post_write_hooks", "hooks", "black" },
	{ "post_write_hooks", "db", "/srv/default" },
	{ "post_write_hooks", "name", "default" },
	{ "post_write_hooks", "script_location", NULL },
	{ "DEFAULT", "base", "/srv" },
	{ "DEFAULT", "here", "/tmp/proj" },
	{ "DEFAULT", "hooks", NULL },
	{ "nosuch", "base", NULL },
	{ "nosuch", "here", NULL },
	{ "Alembic", "script_location", NULL },
};

static void test_get(void **state)
{
	struct config *cfg = parse_ok(alembic_ini);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(get_cases); i++)
		assert_get(cfg, get_cases[i].section, get_cases[i].key,
			   get_cases[i].value);
	/* and again, now from the kept results */
	for (i = 0; i < ARRAY_SIZE(get_cases); i++)
		assert_get(cfg, get_cases[i].section, get_cases[i].key,
			   get_cases[i].value);
	config_free(cfg);
}

static void test_get_keeps_pointer(void **state)
{
	struct config *cfg = parse_ok(alembic_ini);
	struct strbuf err = STRBUF_INIT;
	const char *a, *b, *c;

	assert_int_equal(config_get(cfg, "alembic", "db", &a, &err), 0);
	assert_int_equal(config_get(cfg, "post_write_hooks", "db", &b, &err), 0);
	assert_int_equal(config_get(cfg, "alembic", "DB", &c, &err), 0);
	assert_ptr_equal(a, c);
	assert_string_equal(a, "/srv/local");
	assert_string_equal(b, "/srv/default");
	config_free(cfg);
}

static void test_sections_and_keys(void **state)
{
	struct config *cfg = parse_ok(alembic_ini);
	const char *const *list;
	size_t n;

	n = config_sections(cfg, &list);
	assert_list(n, list, "alembic,post_write_hooks");
	n = config_keys(cfg, "alembic", &list);
	assert_list(n, list,
		    "script_location,version_table,sqlalchemy.url,file_template,"
		    "empty,colon,spaced key,version_locations,db,name,pct,chain");
	n = config_keys(cfg, "post_write_hooks", &list);
	assert_list(n, list, "hooks,db");
	n = config_keys(cfg, "DEFAULT", &list);
	assert_list(n, list, "base,name,extra");
	list = (const char *const *)&n;
	assert_int_equal(config_keys(cfg, "nosuch", &list), 0);
	assert_null(list);

	assert_true(config_has_section(cfg, "alembic"));
	assert_true(config_has_section(cfg, "post_write_hooks"));
	assert_false(config_has_section(cfg, "DEFAULT"));
	assert_false(config_has_section(cfg, "ALEMBIC"));
	assert_false(config_has_section(cfg, "nosuch"));
	config_free(cfg);
}

static void test_empty_file(void **state)
{
	struct config *cfg = parse_ok("");
	const char *const *list;

	assert_int_equal(config_sections(cfg, &list), 0);
	assert_get(cfg, "DEFAULT", "here", "/tmp/proj");
	config_free(cfg);

	cfg = parse_ok("\n  \n# only comments\n");
	assert_int_equal(config_sections(cfg, &list), 0);
	config_free(cfg);
}

/* Section headers as RawConfigParser's greedy "\[(?P<header>.+)\]". */
static void test_section_names(void **state)
{
	struct config *cfg = parse_ok("  [indented]\nk = 4\n"
				      "[a]]\nk = 1\n"
				      "[b] = c\nk = 2\n"
				      "[ spaced ]\nk = 3\n"
				      "[x] trailing ] text\nk = 5\n");
	const char *const *list;
	size_t n = config_sections(cfg, &list);

	assert_list(n, list, "indented,a],b, spaced ,x] trailing ");
	assert_get(cfg, "a]", "k", "1");
	assert_get(cfg, "b", "k", "2");
	assert_get(cfg, " spaced ", "k", "3");
	assert_get(cfg, "indented", "k", "4");
	assert_get(cfg, "x] trailing ", "k", "5");
	config_free(cfg);
}

/*
 * Continuation lines: deeper than the key's own indentation; a comment
 * or blank line between does not end the value; an indented key right
 * after a header is a key.
 */
static void test_continuation(void **state)
{
	struct config *cfg = parse_ok("[s]\n"
				      "  k = a\n"
				      "  j = b\n"
				      "     more\n"
				      "# comment\n"
				      "\t\t\tand tab\n"
				      "l = a  \n"
				      "\t  b  \n"
				      "m = x\n"
				      "\n"
				      "  \n"
				      "n\t=\tv\tw\t\n"
				      "o = [not a section]\n"
				      "  [nor this] = 1\n"
				      "[t]\n"
				      "  p = 1\n");

	assert_get(cfg, "s", "k", "a");
	assert_get(cfg, "s", "j", "b\nmore\nand tab");
	assert_get(cfg, "s", "l", "a\nb");
	assert_get(cfg, "s", "m", "x");
	assert_get(cfg, "s", "n", "v\tw");
	assert_get(cfg, "s", "o", "[not a section]\n[nor this] = 1");
	assert_get(cfg, "t", "p", "1");
	config_free(cfg);
}

static void test_line_endings(void **state)
{
	struct config *cfg = parse_ok("[s]\r\nk = a\r\n  b\r\nj = c\rl = d\r\r\n");

	assert_get(cfg, "s", "k", "a\nb");
	assert_get(cfg, "s", "j", "c");
	assert_get(cfg, "s", "l", "d");
	config_free(cfg);

	cfg = parse_ok("[s]\nk = no newline at the end");
	assert_get(cfg, "s", "k", "no newline at the end");
	config_free(cfg);
}

/* DEFAULT and a section may override the built-in %(here)s. */
static void test_here_override(void **state)
{
	struct config *cfg = parse_ok("[s]\nk = %(here)s\n"
				      "[t]\nhere = /y\nk = %(here)s\n"
				      "[DEFAULT]\nhere = /x\n");

	assert_get(cfg, "s", "k", "/x");
	assert_get(cfg, "t", "k", "/y");
	assert_get(cfg, "DEFAULT", "here", "/x");
	assert_string_equal(config_here(cfg), "/tmp/proj");
	config_free(cfg);
}

/* Python would reject a folder with '%' in it; we take it as it is. */
static void test_here_with_percent(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct config *cfg;
	const char *text = "[s]\nk = %(here)s/x\n", *v;

	assert_int_equal(config_parse(&cfg, "/tmp/100%(x)s/alembic.ini", text,
				      strlen(text), &err), 0);
	assert_int_equal(config_get(cfg, "s", "k", &v, &err), 0);
	assert_string_equal(v, "/tmp/100%(x)s/x");
	config_free(cfg);
}

/* 10 levels of %(...)s are allowed, as in Python. */
static void test_depth(void **state)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct config *cfg;
	const char *v;
	int i;

	strbuf_addstr(&text, "[s]\n");
	for (i = 0; i < 10; i++)
		strbuf_addf(&text, "k%d = <%%(k%d)s>\n", i, i + 1);
	strbuf_addstr(&text, "k10 = end\n");
	cfg = parse_ok(text.buf);
	assert_get(cfg, "s", "k0", "<<<<<<<<<<end>>>>>>>>>>");
	config_free(cfg);

	strbuf_reset(&text);
	strbuf_addstr(&text, "[s]\n");
	for (i = 0; i < 11; i++)
		strbuf_addf(&text, "k%d = %%(k%d)s\n", i, i + 1);
	strbuf_addstr(&text, "k11 = end\n");
	cfg = parse_ok(text.buf);
	assert_get(cfg, "s", "k1", "end");
	assert_int_equal(config_get(cfg, "s", "k0", &v, &err), -1);
	assert_null(v);
	assert_string_equal(err.buf,
		INI ":2: recursion limit exceeded in value substitution: option"
		" 'k0' in section 's' contains an interpolation key which cannot be"
		" substituted in 10 steps; raw value: '%(k1)s'");
	config_free(cfg);
	strbuf_release(&text);
	strbuf_release(&err);
}

/* ------------------------------------------------------------------
 * Interpolation errors
 */

static const char bad_values[] =
	"[s]\n"
	"self = %(self)s\n"
	"open = %(x\n"
	"fmt = %(x)d\n"
	"noname = %()s\n"
	"trailing = 100%\n"
	"letter = %x\n"
	"nested = a%(letter)sb\n"
	"missing = %(nope)s\n"
	"url = postgresql://scott:tiger@h/%(nodb)s\n"
	"urlpct = postgresql://scott:p%40ss@h/db\n"
	"urlref = postgresql://scott:tiger@h/%(db\n"
	"\n"
	"[DEFAULT]\n"
	"dflt = %(gone)s\n";

static const struct bad_get {
	const char *section, *key, *message;
} bad_gets[] = {
	{ "s", "self",
	  ":2: recursion limit exceeded in value substitution: option 'self' in"
	  " section 's' contains an interpolation key which cannot be"
	  " substituted in 10 steps; raw value: '%(self)s'" },
	{ "s", "open",
	  ":3: bad interpolation variable reference: option 'open' in section"
	  " 's' in '%(x'" },
	{ "s", "fmt",
	  ":4: bad interpolation variable reference: option 'fmt' in section"
	  " 's' in '%(x)d'" },
	{ "s", "noname",
	  ":5: bad interpolation variable reference: option 'noname' in"
	  " section 's' in '%()s'" },
	{ "s", "trailing",
	  ":6: bad interpolation: option 'trailing' in section 's': '%' must be"
	  " followed by '%' or '(' in '100%'" },
	{ "s", "letter",
	  ":7: bad interpolation: option 'letter' in section 's': '%' must be"
	  " followed by '%' or '(' in '%x'" },
	{ "s", "nested",
	  ":8: bad interpolation: option 'nested' in section 's': '%' must be"
	  " followed by '%' or '(' in '%x'" },
	{ "s", "missing",
	  ":9: bad value substitution: option 'missing' in section 's' contains"
	  " an interpolation key 'nope' which is not a valid option name; raw"
	  " value: '%(nope)s'" },
	{ "s", "url",
	  ":10: bad value substitution: option 'url' in section 's' contains an"
	  " interpolation key 'nodb' which is not a valid option name; raw"
	  " value: 'postgresql://scott:***@h/%(nodb)s'" },
	{ "s", "urlpct",
	  ":11: bad interpolation: option 'urlpct' in section 's': '%' must be"
	  " followed by '%' or '(' in 'postgresql://scott:***@h/db'" },
	{ "s", "urlref",
	  ":12: bad interpolation variable reference: option 'urlref' in"
	  " section 's' in 'postgresql://scott:***@h/%(db'" },
	{ "s", "dflt",
	  ":15: bad value substitution: option 'dflt' in section 's' contains"
	  " an interpolation key 'gone' which is not a valid option name; raw"
	  " value: '%(gone)s'" },
	{ "DEFAULT", "dflt",
	  ":15: bad value substitution: option 'dflt' in section 'DEFAULT'"
	  " contains an interpolation key 'gone' which is not a valid option"
	  " name; raw value: '%(gone)s'" },
};

static void test_get_errors(void **state)
{
	struct config *cfg = parse_ok(bad_values);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_gets); i++) {
		const struct bad_get *c = &bad_gets[i];
		struct strbuf err = STRBUF_INIT, expect = STRBUF_INIT;
		const char *v = (const char *)&err;

		if (config_get(cfg, c->section, c->key, &v, &err) != -1)
			fail_msg("[%s] %s did not fail", c->section, c->key);
		assert_null(v);
		strbuf_addf(&expect, "%s%s", INI, c->message);
		assert_string_equal(err.buf, expect.buf);
		assert_null(strstr(err.buf, "tiger"));
		assert_null(strstr(err.buf, "40ss"));
		strbuf_release(&err);
		strbuf_release(&expect);
	}
	config_free(cfg);
}

/* ------------------------------------------------------------------
 * Files that fail to parse
 */

static const struct bad_parse {
	const char *text, *message;
} bad_parses[] = {
	{ "key = v\n",
	  ":1: file contains no section headers: 'key = v'" },
	{ "\n# c\n  sqlalchemy.url = postgresql://scott:tiger@h/db\n[alembic]\n",
	  ":3: file contains no section headers:"
	  " 'sqlalchemy.url = postgresql://scott:***@h/db'" },
	{ "[]\n", ":1: file contains no section headers: '[]'" },
	{ "[a]\nk = 1\n[b]\n[a]\n", ":4: section 'a' already exists" },
	{ "[a]\nk = 1\nK = 2\n",
	  ":3: option 'k' in section 'a' already exists" },
	{ "[a]\nk = 1\n[b]\nk = 1\n[a]\n", ":5: section 'a' already exists" },
	{ "[DEFAULT]\nx = 1\n[a]\n[DEFAULT]\nX: 2\n",
	  ":5: option 'x' in section 'DEFAULT' already exists" },
	{ "[a]\njunk\n",
	  ":2: expected '[section]' or 'key = value', found 'junk'" },
	{ "[a]\n[]\n", ":2: expected '[section]' or 'key = value', found '[]'" },
	{ "[a]\n[b\n", ":2: expected '[section]' or 'key = value', found '[b'" },
	{ "[a]\n= v\n", ":2: missing key name before '=' in '= v'" },
	{ "[a]\n  : v\n", ":2: missing key name before ':' in ': v'" },
	{ "[a]\nk = a\0b\n", ":2: NUL byte in line" },
	{ "[a]\r\nk = 1\rk = 2\r\n",
	  ":3: option 'k' in section 'a' already exists" },
};

static void test_parse_errors(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_parses); i++) {
		const struct bad_parse *c = &bad_parses[i];
		struct strbuf err = STRBUF_INIT, expect = STRBUF_INIT;
		struct config *cfg = (struct config *)&err;
		size_t len = strlen(c->text);

		if (strstr(c->message, "NUL"))
			len += strlen(c->text + len + 1) + 1;
		if (config_parse(&cfg, "x.ini", c->text, len, &err) != -1)
			fail_msg("'%s' parsed", c->text);
		assert_null(cfg);
		strbuf_addf(&expect, "x.ini%s", c->message);
		assert_string_equal(err.buf, expect.buf);
		assert_null(strstr(err.buf, "tiger"));
		strbuf_release(&err);
		strbuf_release(&expect);
	}
}

/* The buffer is taken by its length, not up to a NUL. */
static void test_parse_length(void **state)
{
	struct strbuf err = STRBUF_INIT;
	const char text[] = "[s]\nk = v=x";
	struct config *cfg;
	const char *v;

	assert_int_equal(config_parse(&cfg, INI, text, 9, &err), 0);
	assert_int_equal(config_get(cfg, "s", "k", &v, &err), 0);
	assert_string_equal(v, "v");
	config_free(cfg);
}

static void test_error_appends(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct config *cfg;

	strbuf_addstr(&err, "prefix: ");
	assert_int_equal(config_parse(&cfg, "x.ini", "k=v", 3, &err), -1);
	assert_string_equal(err.buf,
			    "prefix: x.ini:1: file contains no section headers: 'k=v'");
	strbuf_release(&err);
}

/* ------------------------------------------------------------------
 * Paths and files
 */

static const struct path_case {
	const char *in, *path, *here;
} path_cases[] = {
	{ "/tmp/proj/alembic.ini", "/tmp/proj/alembic.ini", "/tmp/proj" },
	{ "/a/./b/../c//alembic.ini", "/a/c/alembic.ini", "/a/c" },
	{ "/alembic.ini", "/alembic.ini", "/" },
	{ "/../x/y.ini", "/x/y.ini", "/x" },
	{ "//srv///a.ini", "/srv/a.ini", "/srv" },
};

static void test_paths(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(path_cases); i++) {
		struct strbuf err = STRBUF_INIT;
		struct config *cfg;

		assert_int_equal(config_parse(&cfg, path_cases[i].in, "", 0, &err), 0);
		assert_string_equal(config_path(cfg), path_cases[i].path);
		assert_string_equal(config_here(cfg), path_cases[i].here);
		config_free(cfg);
	}
}

struct tmpdir {
	char path[PATH_MAX];
	char old_cwd[PATH_MAX];
};

static int tmpdir_setup(void **state)
{
	struct tmpdir *t = test_calloc(1, sizeof(*t));
	char tmpl[] = "/tmp/test-config.XXXXXX";

	if (!mkdtemp(tmpl) || !realpath(tmpl, t->path) ||
	    !getcwd(t->old_cwd, sizeof(t->old_cwd)))
		return -1;
	*state = t;
	return 0;
}

static int tmpdir_teardown(void **state)
{
	struct tmpdir *t = *state;
	char file[PATH_MAX + 32];

	if (chdir(t->old_cwd))
		return -1;
	snprintf(file, sizeof(file), "%s/sub/alembic.ini", t->path);
	unlink(file);
	snprintf(file, sizeof(file), "%s/sub", t->path);
	rmdir(file);
	rmdir(t->path);
	test_free(t);
	return 0;
}

static void test_load(void **state)
{
	struct tmpdir *t = *state;
	struct strbuf err = STRBUF_INIT, expect = STRBUF_INIT;
	char file[PATH_MAX + 32];
	struct config *cfg;
	const char *v;
	FILE *fp;

	snprintf(file, sizeof(file), "%s/sub", t->path);
	assert_int_equal(mkdir(file, 0700), 0);
	snprintf(file, sizeof(file), "%s/sub/alembic.ini", t->path);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("[alembic]\nscript_location = %(here)s/m\n", fp);
	assert_int_equal(fclose(fp), 0);

	/* absolute */
	assert_int_equal(config_load(&cfg, file, &err), 0);
	assert_string_equal(config_path(cfg), file);
	assert_int_equal(config_get(cfg, "alembic", "script_location", &v, &err), 0);
	strbuf_addf(&expect, "%s/sub/m", t->path);
	assert_string_equal(v, expect.buf);
	config_free(cfg);

	/* relative to the current directory, as Alembic's os.path.abspath() */
	assert_int_equal(chdir(t->path), 0);
	assert_int_equal(config_load(&cfg, "sub/alembic.ini", &err), 0);
	assert_string_equal(config_path(cfg), file);
	assert_int_equal(config_get(cfg, "alembic", "script_location", &v, &err), 0);
	assert_string_equal(v, expect.buf);
	config_free(cfg);

	assert_int_equal(chdir("sub"), 0);
	assert_int_equal(config_load(&cfg, "alembic.ini", &err), 0);
	assert_string_equal(config_path(cfg), file);
	strbuf_reset(&expect);
	strbuf_addf(&expect, "%s/sub", t->path);
	assert_string_equal(config_here(cfg), expect.buf);
	config_free(cfg);

	assert_int_equal(config_load(&cfg, "../sub/./alembic.ini", &err), 0);
	assert_string_equal(config_path(cfg), file);
	assert_string_equal(config_here(cfg), expect.buf);
	config_free(cfg);

	/* a parse error names the file as given */
	fp = fopen("alembic.ini", "w");
	assert_non_null(fp);
	fputs("[alembic]\n[alembic]\n", fp);
	assert_int_equal(fclose(fp), 0);
	cfg = (struct config *)&err;
	assert_int_equal(config_load(&cfg, "alembic.ini", &err), -1);
	assert_null(cfg);
	assert_string_equal(err.buf, "alembic.ini:2: section 'alembic' already exists");

	strbuf_release(&err);
	strbuf_release(&expect);
}

static void test_load_missing(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct config *cfg = (struct config *)&err;

	assert_int_equal(config_load(&cfg, "/nonexistent/alembic.ini", &err), -1);
	assert_null(cfg);
	assert_string_equal(err.buf, "could not read config file"
			    " '/nonexistent/alembic.ini': No such file or directory");
	strbuf_release(&err);
}

static void test_free_null(void **state)
{
	config_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_keeps_pointer),
		cmocka_unit_test(test_sections_and_keys),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_section_names),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_here_override),
		cmocka_unit_test(test_here_with_percent),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_get_errors),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_length),
		cmocka_unit_test(test_error_appends),
		cmocka_unit_test(test_paths),
		cmocka_unit_test_setup_teardown(test_load, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
