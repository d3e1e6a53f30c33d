/*
 * Unit tests for toml.c. What a document holds is checked through a
 * compact rendering of the tree (render() below). Python 3.11's tomllib
 * accepts every row of ok_cases and refuses every row of bad_cases at
 * the same line, except the integers that do not fit in 64 bits, which
 * it accepts (TOML 1.0 lets a reader refuse them; git-dbmig does);
 * tests/t1210-toml-oracle.sh compares the two readers on thousands of
 * documents. Tables: documents that parse, documents that fail (with
 * the line of the message); then the odd cases one by one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"
#include "toml.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAME "/tmp/proj/pyproject.toml"

/*
 * {k: v, ...} tables, [a, b] arrays, "s" strings (bytes below 0x20 as
 * \xNN), integers, floats as %g, true/false, dates as d(TEXT).
 */
static void render(struct strbuf *sb, const struct toml_value *v)
{
	size_t i;

	switch (v->type) {
	case TOML_TABLE:
	case TOML_ARRAY:
		strbuf_addch(sb, v->type == TOML_TABLE ? '{' : '[');
		for (i = 0; i < v->nr; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			if (v->type == TOML_TABLE)
				strbuf_addf(sb, "%s: ", v->keys[i]);
			render(sb, v->items[i]);
		}
		strbuf_addch(sb, v->type == TOML_TABLE ? '}' : ']');
		break;
	case TOML_STRING:
		strbuf_addch(sb, '"');
		for (i = 0; i < v->len; i++) {
			unsigned char c = (unsigned char)v->str[i];

			if (c < 0x20)
				strbuf_addf(sb, "\\x%02x", c);
			else
				strbuf_addch(sb, c);
		}
		strbuf_addch(sb, '"');
		break;
	case TOML_INTEGER:
		strbuf_addf(sb, "%lld", v->integer);
		break;
	case TOML_FLOAT:
		strbuf_addf(sb, "%g", v->number);
		break;
	case TOML_BOOLEAN:
		strbuf_addstr(sb, v->boolean ? "true" : "false");
		break;
	case TOML_DATETIME:
		strbuf_addf(sb, "d(%s)", v->str);
		break;
	}
}

static struct toml_value *parse_ok(const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct toml_value *doc = NULL;

	if (toml_parse(&doc, NAME, text, strlen(text), &err))
		fail_msg("parse failed: %s\n--\n%s", err.buf, text);
	assert_non_null(doc);
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
	return doc;
}

/* ------------------------------------------------------------------
 * Documents that parse
 */

struct ok_case {
	const char *text;
	const char *tree;
};

static const struct ok_case ok_cases[] = {
	{ "", "{}" },
	{ "# only a comment\n\n \t\n", "{}" },
	{ "a = 1", "{a: 1}" },
	{ "a=1\nb =\t\"x\"  # c\n", "{a: 1, b: \"x\"}" },
	/* keys */
	{ "a.b.c = 1\na . b . d = 2", "{a: {b: {c: 1, d: 2}}}" },
	{ "\"a.b\" = 1\n'c d' = 2\n\"\" = 3\n1234 = 4\n-_- = 5", "{a.b: 1, c d: 2, : 3, 1234: 4, -_-: 5}" },
	{ "true = 1\ninf = 2\nnan.x = 3", "{true: 1, inf: 2, nan: {x: 3}}" },
	{ "\"\\u00e9\" = 1", "{\xc3\xa9: 1}" },
	/* tables */
	{ "[a]\nx = 1\n[b.c]\ny = 2", "{a: {x: 1}, b: {c: {y: 2}}}" },
	{ "[ a . \"b\" ]\nx = 1", "{a: {b: {x: 1}}}" },
	{ "[a.b.c]\n[a]\nx = 1\n[a.b]\ny = 2", "{a: {b: {c: {}, y: 2}, x: 1}}" },
	{ "[t]\na.b = 1\na.c = 2", "{t: {a: {b: 1, c: 2}}}" },
	{ "[x.y]\n[x.z]", "{x: {y: {}, z: {}}}" },
	/* arrays of tables */
	{ "[[p]]\nn = 1\n[[p]]\nn = 2", "{p: [{n: 1}, {n: 2}]}" },
	{ "[[p]]\n[p.s]\nk = 1\n[[p.l]]\nq = 1\n[[p]]\n[p.s]\nk = 2",
	  "{p: [{s: {k: 1}, l: [{q: 1}]}, {s: {k: 2}}]}" },
	{ "[[tool.alembic.post_write_hooks]]\nname = \"black\"\n",
	  "{tool: {alembic: {post_write_hooks: [{name: \"black\"}]}}}" },
	/* strings */
	{ "s = \"\\b\\t\\n\\f\\r\\\"\\\\\"", "{s: \"\\x08\\x09\\x0a\\x0c\\x0d\"\\\"}" },
	{ "s = \"\\u00E9\\U0001F600\"", "{s: \"\xc3\xa9\xf0\x9f\x98\x80\"}" },
	{ "s = 'C:\\path\\x'", "{s: \"C:\\path\\x\"}" },
	{ "s = \"\"\"\nfirst\nsecond\"\"\"", "{s: \"first\\x0asecond\"}" },
	{ "s = \"\"\"a \\\n   \n  b\"\"\"", "{s: \"a b\"}" },
	{ "s = \"\"\"a\\   \n  b\"\"\"", "{s: \"ab\"}" },
	{ "s = \"\"\"\"\"x\"\"\"\"\"", "{s: \"\"\"x\"\"\"}" },
	{ "s = '''\nraw \\n ''two'''''", "{s: \"raw \\n ''two''\"}" },
	{ "s = \"\"\"\"\"\"", "{s: \"\"}" },
	{ "s = \"a\\u0000b\"", "{s: \"a\\x00b\"}" },
	{ "s = \"tab\there\"", "{s: \"tab\\x09here\"}" },
	{ "s = \"x\"\r\nt = \"\"\"a\r\nb\"\"\"\r\n", "{s: \"x\", t: \"a\\x0ab\"}" },
	/* numbers */
	{ "a = +99\nb = -17\nc = 0\nd = -0\ne = 1_000", "{a: 99, b: -17, c: 0, d: 0, e: 1000}" },
	{ "h = 0xDEAD_beef\no = 0o755\nb = 0b1101", "{h: 3735928559, o: 493, b: 13}" },
	{ "max = 9223372036854775807\nmin = -9223372036854775808",
	  "{max: 9223372036854775807, min: -9223372036854775808}" },
	{ "a = 1.5\nb = -2e-2\nc = 5E+22\nd = 1e06\ne = 224_617.445_991", "{a: 1.5, b: -0.02, c: 5e+22, d: 1e+06, e: 224617}" },
	{ "a = inf\nb = -inf\nc = +inf", "{a: inf, b: -inf, c: inf}" },
	{ "t = true\nf = false", "{t: true, f: false}" },
	/* dates and times, kept as written */
	{ "a = 1979-05-27T07:32:00Z\nb = 1979-05-27 07:32:00.999999-07:00",
	  "{a: d(1979-05-27T07:32:00Z), b: d(1979-05-27 07:32:00.999999-07:00)}" },
	{ "a = 1979-05-27t07:32:00z\nb = 2000-02-29\nc = 07:32:00\nd = 00:00:00.1234567",
	  "{a: d(1979-05-27t07:32:00z), b: d(2000-02-29), c: d(07:32:00), d: d(00:00:00.1234567)}" },
	{ "a = [1979-05-27 , 07:32:00]", "{a: [d(1979-05-27), d(07:32:00)]}" },
	/* arrays */
	{ "a = []\nb = [ ]\nc = [1,]\nd = [1, [2, [\"x\"]], {k = 1}]",
	  "{a: [], b: [], c: [1], d: [1, [2, [\"x\"]], {k: 1}]}" },
	{ "a = [\n  1, # one\n  # nothing ]\n  2\n  ,\n]", "{a: [1, 2]}" },
	{ "a = [\"mixed\", 1, 1.5, true]", "{a: [\"mixed\", 1, 1.5, true]}" },
	/* inline tables */
	{ "p = { x = 1, y.z = 2, y.w = 3 }\nq = {}", "{p: {x: 1, y: {z: 2, w: 3}}, q: {}}" },
	{ "r = {a = {b = {c = 1}}, d = [1, {e = 2}]}", "{r: {a: {b: {c: 1}}, d: [1, {e: 2}]}}" },
};

static void test_ok_cases(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		struct toml_value *doc = parse_ok(ok_cases[i].text);
		struct strbuf sb = STRBUF_INIT;

		render(&sb, doc);
		if (strcmp(sb.buf, ok_cases[i].tree))
			fail_msg("case %zu:\n%s\n-- gives\n%s\n-- expected\n%s", i,
				 ok_cases[i].text, sb.buf, ok_cases[i].tree);
		strbuf_release(&sb);
		toml_free(doc);
	}
}

/* ------------------------------------------------------------------
 * Documents that fail: "<name>:<line>: " and a part of the message
 */

struct bad_case {
	const char *text;
	int line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	/* duplicates and redefinitions, as tomllib refuses them */
	{ "a = 1\na = 2", 2, "duplicate key 'a'" },
	{ "a = 1\n\"a\" = 2", 2, "duplicate key 'a'" },
	{ "[a]\nx = 1\n[a]", 3, "cannot declare the table twice: 'a'" },
	{ "[t]\na.b = 1\n[t.a]", 3, "cannot declare the table twice: 't.a'" },
	{ "[a.b]\nc = 1\n[a]\nb.d = 2", 4, "cannot redefine the table 'a.b'" },
	{ "a = 1\n[a]", 2, "cannot overwrite a value with a table: 'a'" },
	{ "a = {b = 1}\n[a]", 2, "cannot declare the table twice: 'a'" },
	{ "a = {b = 1}\na.c = 2", 2, "cannot change the inline table or array 'a'" },
	{ "a = {b = 1, b = 2}", 1, "duplicate key in an inline table: 'b'" },
	{ "a = {b = {c = 1}, b.d = 2}", 1, "cannot change the inline table or array 'b.d'" },
	{ "a = [{b = 1}]\n[[a]]", 2, "cannot change the inline table or array 'a'" },
	{ "[a]\n[[a]]", 2, "cannot overwrite a value with an array of tables: 'a'" },
	{ "[[a]]\n[a]", 2, "cannot declare the table twice: 'a'" },
	{ "a.b = 1\na = 2", 2, "duplicate key 'a'" },
	{ "a = 1\na.b = 2", 2, "duplicate key 'a.b'" },
	{ "a = [\n1,\n2]\na = 3", 4, "duplicate key 'a'" },
	/* strings */
	{ "a = \"abc\n", 1, "invalid character in a string: '\\n'" },
	{ "a = \"abc", 1, "unterminated string" },
	{ "a = \"\"\"abc\n\n", 3, "unterminated string" },
	{ "a = 'abc\ndef'", 1, "invalid character in a literal string: '\\n'" },
	{ "a = 'abc", 1, "unterminated a literal string" },
	{ "a = '''abc\n", 2, "unterminated a multi-line literal string" },
	{ "a = \"\\x41\"", 1, "unescaped '\\' in a string" },
	{ "a = \"\\uD800\"", 1, "U+D800 is not a Unicode scalar value" },
	{ "a = \"\\U00110000\"", 1, "U+110000 is not a Unicode scalar value" },
	{ "a = \"\\u12\"", 1, "invalid \\u escape: expected 4 hexadecimal digits" },
	{ "a = \"\"\"x\\  y\"\"\"", 1, "only whitespace may follow a line-ending backslash" },
	{ "a = \"x\x01y\"", 1, "invalid character in a string: '\\x01'" },
	{ "# x\x7f\na = 1", 1, "invalid character in a comment: '\\x7f'" },
	{ "a = 1\rb = 2", 1, "found '\\r'" },
	{ "a = \"\xff\"", 1, "invalid UTF-8 (byte 0xff at offset 5)" },
	{ "a = 1\nb = \"\xed\xa0\x80\"", 2, "invalid UTF-8" },
	{ "a = \"\xc0\xaf\"", 1, "invalid UTF-8" },
	{ "a = \"\xe2\x82\"", 1, "invalid UTF-8" },
	{ "\xef\xbb\xbf" "a = 1", 1, "byte order mark" },
	/* numbers */
	{ "a = 01", 1, "found '1'" },
	{ "a = 1__0", 1, "found '_'" },
	{ "a = 10_", 1, "found '_'" },
	{ "a = +0x10", 1, "found 'x'" },
	{ "a = 0x", 1, "found 'x'" },
	{ "a = 1.", 1, "found '.'" },
	{ "a = .5", 1, "invalid value: found '.'" },
	{ "a = 1e", 1, "found 'e'" },
	{ "a = Inf", 1, "invalid value: found 'I'" },
	{ "a = 9223372036854775808", 1, "integer 9223372036854775808 does not fit in 64 bits" },
	{ "a = -9223372036854775809", 1, "does not fit in 64 bits" },
	{ "a = 0x1_0000_0000_0000_0000", 1, "integer 0x1_0000_0000_0000_0000 does not fit in 64 bits" },
	/* dates */
	{ "a = 2001-02-29", 1, "2001-02-29 is not a day of the calendar" },
	{ "a = 1900-02-29", 1, "is not a day of the calendar" },
	{ "a = 2001-04-31T00:00:00", 1, "is not a day of the calendar" },
	{ "a = 0000-01-01", 1, "is not a day of the calendar" },
	{ "a = 07:32", 1, "found '7'" },
	{ "a = 1979-05-27T07:32:00+24:00", 1, "found '+'" },
	{ "a = 1979-13-01", 1, "found '-'" },
	/* statements */
	{ "a = True", 1, "invalid value: found 'T'" },
	{ "a =\n", 1, "invalid value: found '\\n'" },
	{ "a", 1, "expected '=' after a key, found end of file" },
	{ "a 1", 1, "expected '=' after a key, found '1'" },
	{ "a = 1 b = 2", 1, "expected the end of the line after a statement, found 'b'" },
	{ "a = [1 2]", 1, "unclosed array: expected ',' or ']', found '2'" },
	{ "a = [1,,2]", 1, "invalid value: found ','" },
	{ "a = [1,\n2\n", 3, "found end of file" },
	{ "a = {b = 1,}", 1, "invalid key: a key cannot start with '}'" },
	{ "a = {b = 1,\nc = 2}", 1, "a key cannot start with '\\n'" },
	{ "a = {b = 1", 1, "unclosed inline table: expected ',' or '}', found end of file" },
	{ "[a\nb = 1", 1, "expected ']' at the end of a table header, found '\\n'" },
	{ "[[a] ]", 1, "expected ']]' at the end of an array of tables header, found ']'" },
	{ "[]", 1, "a key cannot start with ']'" },
	{ "a..b = 1", 1, "a key cannot start with '.'" },
	{ "\"\"\"a\"\"\" = 1", 1, "expected '=' after a key, found '\"'" },
	{ "\xc3\xa9 = 1", 1, "a line cannot start with '\xc3\xa9'" },
	{ "x = 1\n\n= 1", 3, "invalid statement: a line cannot start with '='" },
	{ "a = \"\"\"x\"\"\"\"\"\" ", 1, "found '\"'" },
};

static void test_bad_cases(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct strbuf err = STRBUF_INIT, prefix = STRBUF_INIT;
		struct toml_value *doc = (struct toml_value *)&err;
		int ret;

		ret = toml_parse(&doc, NAME, c->text, strlen(c->text), &err);
		strbuf_addf(&prefix, NAME ":%d: ", c->line);
		if (!ret)
			fail_msg("case %zu parses:\n%s", i, c->text);
		assert_int_equal(ret, -1);
		assert_null(doc);
		if (strncmp(err.buf, prefix.buf, prefix.len) || !strstr(err.buf, c->msg))
			fail_msg("case %zu:\n%s\n-- says\n%s\n-- expected %s...%s", i, c->text,
				 err.buf, prefix.buf, c->msg);
		strbuf_release(&err);
		strbuf_release(&prefix);
	}
}

/* ------------------------------------------------------------------
 * One by one
 */

static void test_nul_inside(void **state)
{
	static const char text[] = "s = \"a\\u0000b\"\nt = 'x\0y'\n";
	struct strbuf err = STRBUF_INIT;
	struct toml_value *doc = parse_ok("s = \"a\\u0000b\"");
	const struct toml_value *s = toml_get(doc, "s");

	assert_non_null(s);
	assert_int_equal(s->len, 3);
	assert_memory_equal(s->str, "a\0b", 3);
	toml_free(doc);

	/* a raw NUL byte is a control character */
	assert_int_equal(toml_parse(&doc, NAME, text, sizeof(text) - 1, &err), -1);
	assert_non_null(strstr(err.buf, NAME ":2: invalid character in a literal string: '\\x00'"));
	strbuf_release(&err);
}

static void test_get_and_lines(void **state)
{
	struct toml_value *doc = parse_ok("# head\n\n[tool.alembic]\nscript_location = \"m\"\n"
					  "version_locations = [\n  \"a\",\n  \"b\",\n]\n");
	const struct toml_value *tool = toml_get(doc, "tool");
	const struct toml_value *al = toml_get(tool, "alembic");
	const struct toml_value *vl = toml_get(al, "version_locations");

	assert_non_null(al);
	assert_int_equal(al->type, TOML_TABLE);
	assert_int_equal(al->line, 3);
	assert_int_equal(toml_get(al, "script_location")->line, 4);
	assert_int_equal(vl->type, TOML_ARRAY);
	assert_int_equal(vl->line, 5);
	assert_int_equal(vl->nr, 2);
	assert_int_equal(vl->items[1]->line, 7);
	assert_string_equal(vl->items[1]->str, "b");
	assert_null(toml_get(al, "missing"));
	assert_null(toml_get(vl, "a"));
	assert_null(toml_get(NULL, "a"));
	assert_string_equal(toml_type_name(vl->type), "array");
	assert_string_equal(toml_type_name(TOML_BOOLEAN), "boolean");
	toml_free(doc);
}

static void test_floats(void **state)
{
	struct toml_value *doc = parse_ok("a = nan\nb = -nan\nc = -0.0\nd = 1e400\ne = 5e-324");

	assert_true(isnan(toml_get(doc, "a")->number));
	assert_true(isnan(toml_get(doc, "b")->number));
	assert_true(signbit(toml_get(doc, "c")->number));
	assert_true(isinf(toml_get(doc, "d")->number));
	assert_true(toml_get(doc, "e")->number > 0);
	toml_free(doc);
}

static void test_depth(void **state)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct toml_value *doc = NULL;
	int i;

	strbuf_addstr(&text, "a = ");
	for (i = 0; i < TOML_MAX_DEPTH; i++)
		strbuf_addch(&text, '[');
	for (i = 0; i < TOML_MAX_DEPTH; i++)
		strbuf_addch(&text, ']');
	assert_int_equal(toml_parse(&doc, NAME, text.buf, text.len, &err), 0);
	toml_free(doc);

	strbuf_reset(&text);
	strbuf_addstr(&text, "a = ");
	for (i = 0; i <= TOML_MAX_DEPTH; i++)
		strbuf_addstr(&text, i % 2 ? "{b = " : "[");
	assert_int_equal(toml_parse(&doc, NAME, text.buf, text.len, &err), -1);
	assert_non_null(strstr(err.buf, "nest more than 128 deep"));
	strbuf_release(&text);
	strbuf_release(&err);
}

static void test_array_of_tables_reset(void **state)
{
	/* each [[p]] is a fresh table: [p.s] may be declared again */
	struct toml_value *doc = parse_ok("[[p]]\n[p.s]\n[[p]]\n[p.s]\nx = 1\n");
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	static const char twice[] = "[[p]]\n[p.s]\n[p.s]\n";

	render(&sb, doc);
	assert_string_equal(sb.buf, "{p: [{s: {}}, {s: {x: 1}}]}");
	toml_free(doc);
	assert_int_equal(toml_parse(&doc, NAME, twice, strlen(twice), &err), -1);
	assert_non_null(strstr(err.buf, ":3: cannot declare the table twice: 'p.s'"));
	strbuf_release(&sb);
	strbuf_release(&err);
}

static void test_error_appends(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct toml_value *doc = NULL;

	strbuf_addstr(&err, "before; ");
	assert_int_equal(toml_parse(&doc, "x.toml", "a = ", 4, &err), -1);
	assert_string_equal(err.buf, "before; x.toml:1: invalid value: found end of file");
	strbuf_release(&err);
}

static void test_free_null(void **state)
{
	toml_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_cases),
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_nul_inside),
		cmocka_unit_test(test_get_and_lines),
		cmocka_unit_test(test_floats),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_array_of_tables_reset),
		cmocka_unit_test(test_error_appends),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
