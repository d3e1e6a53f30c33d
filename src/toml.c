/*
 * toml: reads a TOML 1.0 document from a buffer into a tree of struct
 * toml_value, following the rules of Python's tomllib (3.11), which is
 * what Alembic reads pyproject.toml with: the whole buffer must be UTF-8
 * (no byte order mark), "\r\n" is read as "\n" (a lone "\r" is a control
 * character, refused), and statements are taken one line at a time:
 * "key = value", "[table]", "[[array.of.tables]]", comments.
 *
 * Which tables may be declared, extended or appended to is decided as
 * tomllib does, with flags kept apart from the data and keyed by name:
 * EXPLICIT for a table made by a [header] (or by dotted keys of an
 * earlier section), FROZEN for inline tables and arrays, which nothing
 * may add to. An error names the line where tomllib reports it.
 *
 * It does not know what a pyproject.toml means; dates and times are
 * checked (a real calendar day) and kept as written, not converted.
 */
#include "toml.h"
#include "usage.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------
 * Values
 */

static struct toml_value *value_new(enum toml_type type, int line)
{
	struct toml_value *v = xcalloc(1, sizeof(*v));

	v->type = type;
	v->line = line;
	return v;
}

void toml_free(struct toml_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->nr; i++) {
		toml_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->klen);
	free(v->str);
	free(v);
}

static long table_find(const struct toml_value *t, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (t->klen[i] == len && !memcmp(t->keys[i], key, len))
			return (long)i;
	return -1;
}

static void table_add(struct toml_value *t, const char *key, size_t len,
		      struct toml_value *v)
{
	size_t alloc = t->alloc;

	ALLOC_GROW(t->items, t->nr + 1, t->alloc);
	if (alloc != t->alloc) {
		t->keys = xrealloc(t->keys, t->alloc * sizeof(*t->keys));
		t->klen = xrealloc(t->klen, t->alloc * sizeof(*t->klen));
	}
	t->keys[t->nr] = xstrndup(key, len);
	t->klen[t->nr] = len;
	t->items[t->nr++] = v;
}

static void array_add(struct toml_value *a, struct toml_value *v)
{
	ALLOC_GROW(a->items, a->nr + 1, a->alloc);
	a->items[a->nr++] = v;
}

const struct toml_value *toml_get(const struct toml_value *table,
				  const char *key)
{
	long i;

	if (!table || table->type != TOML_TABLE)
		return NULL;
	i = table_find(table, key, strlen(key));
	return i < 0 ? NULL : table->items[i];
}

const char *toml_type_name(enum toml_type type)
{
	switch (type) {
	case TOML_TABLE: return "table";
	case TOML_ARRAY: return "array";
	case TOML_STRING: return "string";
	case TOML_INTEGER: return "integer";
	case TOML_FLOAT: return "float";
	case TOML_BOOLEAN: return "boolean";
	case TOML_DATETIME: return "datetime";
	}
	return "value";
}

/* ------------------------------------------------------------------
 * Keys: a dotted key is a list of parts, each any string (NULs too)
 */

struct part {
	char *s;
	size_t len;
};

struct key {
	struct part *parts;
	size_t nr, alloc;
};

#define KEY_INIT { NULL, 0, 0 }

static void key_add(struct key *k, const char *s, size_t len)
{
	ALLOC_GROW(k->parts, k->nr + 1, k->alloc);
	k->parts[k->nr].s = xstrndup(s, len);
	k->parts[k->nr++].len = len;
}

static void key_release(struct key *k)
{
	size_t i;

	for (i = 0; i < k->nr; i++)
		free(k->parts[i].s);
	free(k->parts);
	k->parts = NULL;
	k->nr = k->alloc = 0;
}

/* dst = a[0..na) + b[0..nb) */
static void key_join(struct key *dst, const struct key *a, size_t na,
		     const struct key *b, size_t nb)
{
	size_t i;

	for (i = 0; i < na; i++)
		key_add(dst, a->parts[i].s, a->parts[i].len);
	for (i = 0; i < nb; i++)
		key_add(dst, b->parts[i].s, b->parts[i].len);
}

/* The key as TOML would write it, for messages: a.b."c d" */
static void key_quote(struct strbuf *sb, const struct key *k)
{
	size_t i, j;

	for (i = 0; i < k->nr; i++) {
		const struct part *p = &k->parts[i];
		int bare = p->len > 0;

		for (j = 0; j < p->len; j++) {
			unsigned char c = (unsigned char)p->s[j];

			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '-'))
				bare = 0;
		}
		if (i)
			strbuf_addch(sb, '.');
		if (bare) {
			strbuf_add(sb, p->s, p->len);
			continue;
		}
		strbuf_addch(sb, '"');
		for (j = 0; j < p->len; j++) {
			unsigned char c = (unsigned char)p->s[j];

			if (c == '"' || c == '\\')
				strbuf_addf(sb, "\\%c", c);
			else if (c < 0x20 || c == 0x7f)
				strbuf_addf(sb, "\\u%04x", c);
			else
				strbuf_addch(sb, c);
		}
		strbuf_addch(sb, '"');
	}
}

/* ------------------------------------------------------------------
 * Flags, by key name (tomllib's Flags)
 */

enum flag {
	FLAG_FROZEN = 1 << 0,   /* inline table or array: immutable */
	FLAG_EXPLICIT = 1 << 1, /* cannot be opened with [table] again */
};

struct flagnode {
	char *name;
	size_t len;
	unsigned flags, rflags; /* rflags hold for everything below too */
	struct flagnode *kids;
	size_t nr, alloc;
};

static void flag_release(struct flagnode *n)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		flag_release(&n->kids[i]);
	free(n->kids);
	free(n->name);
}

static struct flagnode *flag_child(struct flagnode *n, const struct part *p,
				   int create)
{
	size_t i;

	for (i = 0; i < n->nr; i++)
		if (n->kids[i].len == p->len && !memcmp(n->kids[i].name, p->s, p->len))
			return &n->kids[i];
	if (!create)
		return NULL;
	ALLOC_GROW(n->kids, n->nr + 1, n->alloc);
	memset(&n->kids[n->nr], 0, sizeof(n->kids[n->nr]));
	n->kids[n->nr].name = xstrndup(p->s, p->len);
	n->kids[n->nr].len = p->len;
	return &n->kids[n->nr++];
}

static void flag_set(struct flagnode *root, const struct key *k, unsigned flag,
		     int recursive)
{
	struct flagnode *n = root;
	size_t i;

	for (i = 0; i < k->nr; i++)
		n = flag_child(n, &k->parts[i], 1);
	if (recursive)
		n->rflags |= flag;
	else
		n->flags |= flag;
}

static int flag_is(struct flagnode *root, const struct key *k, unsigned flag)
{
	struct flagnode *n = root;
	size_t i;

	if (!k->nr)
		return 0;
	for (i = 0; i + 1 < k->nr; i++) {
		if (!(n = flag_child(n, &k->parts[i], 0)))
			return 0;
		if (n->rflags & flag)
			return 1;
	}
	n = flag_child(n, &k->parts[k->nr - 1], 0);
	return n && ((n->flags | n->rflags) & flag);
}

static void flag_unset_all(struct flagnode *root, const struct key *k)
{
	struct flagnode *n = root, *kid;
	size_t i;

	for (i = 0; i + 1 < k->nr; i++)
		if (!(n = flag_child(n, &k->parts[i], 0)))
			return;
	if (!(kid = flag_child(n, &k->parts[k->nr - 1], 0)))
		return;
	i = (size_t)(kid - n->kids);
	flag_release(kid);
	memmove(kid, kid + 1, (n->nr - i - 1) * sizeof(*kid));
	n->nr--;
}

/* ------------------------------------------------------------------
 * The parser's state and messages
 */

struct parser {
	const char *name;
	char *src;              /* the document with "\r\n" read as "\n" */
	size_t len;
	struct toml_value *root;
	struct flagnode flags;
	struct key *pending;    /* EXPLICIT once the next header comes */
	size_t npending, pending_alloc;
	int depth;
	struct strbuf *err;
};

static int line_at(const struct parser *ps, size_t pos)
{
	int line = 1;
	size_t i;

	for (i = 0; i < pos && i < ps->len; i++)
		line += ps->src[i] == '\n';
	return line;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *ps, size_t pos, const char *fmt, ...)
{
	va_list ap;

	strbuf_addf(ps->err, "%s:%d: ", ps->name, line_at(ps, pos));
	va_start(ap, fmt);
	strbuf_vaddf(ps->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* The character at pos for a message: 'x', '\n', '\x01' or "end of file". */
static void char_name(struct strbuf *sb, const struct parser *ps, size_t pos)
{
	unsigned char c;

	if (pos >= ps->len) {
		strbuf_addstr(sb, "end of file");
		return;
	}
	c = (unsigned char)ps->src[pos];
	if (c == '\n')
		strbuf_addstr(sb, "'\\n'");
	else if (c == '\t')
		strbuf_addstr(sb, "'\\t'");
	else if (c == '\r')
		strbuf_addstr(sb, "'\\r'");
	else if (c < 0x20 || c == 0x7f)
		strbuf_addf(sb, "'\\x%02x'", c);
	else if (c == '\'')
		strbuf_addstr(sb, "\"'\"");
	else if (c < 0x80)
		strbuf_addf(sb, "'%c'", c);
	else {
		size_t n = 1;

		while (pos + n < ps->len && ((unsigned char)ps->src[pos + n] & 0xc0) == 0x80)
			n++;
		strbuf_addch(sb, '\'');
		strbuf_add(sb, ps->src + pos, n);
		strbuf_addch(sb, '\'');
	}
}

static int fail_char(struct parser *ps, size_t pos, const char *what)
{
	struct strbuf c = STRBUF_INIT;
	int ret;

	char_name(&c, ps, pos);
	ret = fail(ps, pos, "%s %s", what, c.buf);
	strbuf_release(&c);
	return ret;
}

static int fail_key(struct parser *ps, size_t pos, const char *what,
		    const struct key *k)
{
	struct strbuf q = STRBUF_INIT;
	int ret;

	key_quote(&q, k);
	ret = fail(ps, pos, "%s '%s'", what, q.buf);
	strbuf_release(&q);
	return ret;
}

/* ------------------------------------------------------------------
 * Characters
 */

#define IS_WS(c) ((c) == ' ' || (c) == '\t')
#define IS_CTRL(c) ((unsigned char)(c) < 0x20 || (c) == 0x7f)
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

static int is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       IS_DIGIT(c) || c == '_' || c == '-';
}

static int is_hex(int c)
{
	return IS_DIGIT(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int at(const struct parser *ps, size_t pos)
{
	return pos < ps->len ? (unsigned char)ps->src[pos] : -1;
}

static int starts(const struct parser *ps, size_t pos, const char *s)
{
	size_t n = strlen(s);

	return pos <= ps->len && ps->len - pos >= n && !memcmp(ps->src + pos, s, n);
}

static size_t skip_ws(const struct parser *ps, size_t pos)
{
	while (pos < ps->len && IS_WS(ps->src[pos]))
		pos++;
	return pos;
}

static size_t skip_ws_nl(const struct parser *ps, size_t pos)
{
	while (pos < ps->len && (IS_WS(ps->src[pos]) || ps->src[pos] == '\n'))
		pos++;
	return pos;
}

/*
 * Where "end" next occurs from pos (or the end of the document when
 * !must_end); fails on a control character before it other than a tab
 * (and a newline if newline_ok).
 */
static int skip_until(struct parser *ps, size_t pos, const char *end,
		      int must_end, int newline_ok, const char *what,
		      size_t *out)
{
	size_t n = strlen(end), stop = ps->len, i;

	for (i = pos; i + n <= ps->len; i++)
		if (!memcmp(ps->src + i, end, n)) {
			stop = i;
			break;
		}
	if (stop == ps->len && must_end)
		return fail(ps, ps->len, "unterminated %s: expected %s%s%s before the end of the file",
			    what, n > 1 ? "'" : "\"", end, n > 1 ? "'" : "\"");
	for (i = pos; i < stop; i++) {
		char c = ps->src[i];

		if (IS_CTRL(c) && c != '\t' && !(newline_ok && c == '\n')) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "invalid character in %s:", what);
			fail_char(ps, i, sb.buf);
			strbuf_release(&sb);
			return -1;
		}
	}
	*out = stop;
	return 0;
}

static int skip_comment(struct parser *ps, size_t *pos)
{
	if (at(ps, *pos) == '#')
		return skip_until(ps, *pos + 1, "\n", 0, 0, "a comment", pos);
	return 0;
}

static int skip_comments_and_array_ws(struct parser *ps, size_t *pos)
{
	for (;;) {
		size_t before = *pos;

		*pos = skip_ws_nl(ps, *pos);
		if (skip_comment(ps, pos))
			return -1;
		if (*pos == before)
			return 0;
	}
}

/* Python's UTF-8 decoder: no overlong forms, surrogates or > U+10FFFF. */
static int check_utf8(struct parser *ps, const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)buf[i];
		size_t n, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			goto bad;
		}
		if (len - i <= n)
			goto bad;
		for (k = 1; k <= n; k++) {
			unsigned char cc = (unsigned char)buf[i + k];

			if ((cc & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (cc & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += n + 1;
	}
	return 0;
bad:
	{
		int line = 1;
		size_t j;

		for (j = 0; j < i; j++)
			line += buf[j] == '\n';
		strbuf_addf(ps->err, "%s:%d: invalid UTF-8 (byte 0x%02x at offset %zu)",
			    ps->name, line, (unsigned char)buf[i], i);
	}
	return -1;
}

/* ------------------------------------------------------------------
 * Strings
 */

static int parse_hex_char(struct parser *ps, size_t *pos, size_t n,
			  struct strbuf *out)
{
	uint32_t cp = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int c = at(ps, *pos + i);

		if (c < 0 || !is_hex(c))
			return fail(ps, *pos, "invalid \\%c escape: expected %zu hexadecimal digits",
				    n == 4 ? 'u' : 'U', n);
		cp = cp * 16 + (uint32_t)(IS_DIGIT(c) ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	*pos += n;
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return fail(ps, *pos, "escaped character U+%04X is not a Unicode scalar value",
			    (unsigned)cp);
	strbuf_add_utf8(out, cp);
	return 0;
}

static int parse_escape(struct parser *ps, size_t *pos, int multiline,
			struct strbuf *out)
{
	int c = at(ps, *pos + 1);

	*pos += 2;
	if (multiline && (c == ' ' || c == '\t' || c == '\n')) {
		/* a line-ending backslash: drop the whitespace after it */
		if (c != '\n') {
			*pos = skip_ws(ps, *pos);
			if (*pos >= ps->len)
				return 0;
			if (ps->src[*pos] != '\n')
				return fail(ps, *pos, "unescaped '\\' in a string: only whitespace may follow a line-ending backslash");
			(*pos)++;
		}
		*pos = skip_ws_nl(ps, *pos);
		return 0;
	}
	switch (c) {
	case 'u': return parse_hex_char(ps, pos, 4, out);
	case 'U': return parse_hex_char(ps, pos, 8, out);
	case 'b': strbuf_addch(out, '\b'); return 0;
	case 't': strbuf_addch(out, '\t'); return 0;
	case 'n': strbuf_addch(out, '\n'); return 0;
	case 'f': strbuf_addch(out, '\f'); return 0;
	case 'r': strbuf_addch(out, '\r'); return 0;
	case '"': strbuf_addch(out, '"'); return 0;
	case '\\': strbuf_addch(out, '\\'); return 0;
	}
	return fail(ps, *pos, "unescaped '\\' in a string: unknown escape");
}

/* From just after the opening quote(s) to just after the closing ones. */
static int parse_basic_str(struct parser *ps, size_t *pos, int multiline,
			   struct strbuf *out)
{
	size_t start = *pos;

	for (;;) {
		int c = at(ps, *pos);

		if (c < 0)
			return fail(ps, *pos, "unterminated string");
		if (c == '"') {
			if (!multiline) {
				strbuf_add(out, ps->src + start, *pos - start);
				(*pos)++;
				return 0;
			}
			if (starts(ps, *pos, "\"\"\"")) {
				strbuf_add(out, ps->src + start, *pos - start);
				*pos += 3;
				return 0;
			}
			(*pos)++;
			continue;
		}
		if (c == '\\') {
			strbuf_add(out, ps->src + start, *pos - start);
			if (parse_escape(ps, pos, multiline, out))
				return -1;
			start = *pos;
			continue;
		}
		if (IS_CTRL(c) && c != '\t' && !(multiline && c == '\n'))
			return fail_char(ps, *pos, "invalid character in a string:");
		(*pos)++;
	}
}

static int parse_literal_str(struct parser *ps, size_t *pos, struct strbuf *out)
{
	size_t start = *pos + 1, end;

	if (skip_until(ps, start, "'", 1, 0, "a literal string", &end))
		return -1;
	strbuf_add(out, ps->src + start, end - start);
	*pos = end + 1;
	return 0;
}

static int parse_multiline_str(struct parser *ps, size_t *pos, int literal,
			       struct strbuf *out)
{
	char delim = literal ? '\'' : '"';

	*pos += 3;
	if (at(ps, *pos) == '\n')
		(*pos)++;
	if (literal) {
		size_t end;

		if (skip_until(ps, *pos, "'''", 1, 1, "a multi-line literal string", &end))
			return -1;
		strbuf_add(out, ps->src + *pos, end - *pos);
		*pos = end + 3;
	} else if (parse_basic_str(ps, pos, 1, out)) {
		return -1;
	}
	/* up to two more quotes before the closing three belong to the string */
	if (at(ps, *pos) != delim)
		return 0;
	strbuf_addch(out, delim);
	(*pos)++;
	if (at(ps, *pos) != delim)
		return 0;
	strbuf_addch(out, delim);
	(*pos)++;
	return 0;
}

/* ------------------------------------------------------------------
 * Keys
 */

static int parse_key_part(struct parser *ps, size_t *pos, struct key *k)
{
	struct strbuf sb = STRBUF_INIT;
	int c = at(ps, *pos), ret = 0;

	if (c >= 0 && is_bare(c)) {
		size_t start = *pos;

		while (*pos < ps->len && is_bare((unsigned char)ps->src[*pos]))
			(*pos)++;
		key_add(k, ps->src + start, *pos - start);
		return 0;
	}
	if (c == '\'') {
		ret = parse_literal_str(ps, pos, &sb);
	} else if (c == '"') {
		(*pos)++;
		ret = parse_basic_str(ps, pos, 0, &sb);
	} else {
		return fail_char(ps, *pos, "invalid key: a key cannot start with");
	}
	if (!ret)
		key_add(k, sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

static int parse_key(struct parser *ps, size_t *pos, struct key *k)
{
	if (parse_key_part(ps, pos, k))
		return -1;
	*pos = skip_ws(ps, *pos);
	while (at(ps, *pos) == '.') {
		*pos = skip_ws(ps, *pos + 1);
		if (parse_key_part(ps, pos, k))
			return -1;
		*pos = skip_ws(ps, *pos);
	}
	return 0;
}

/* ------------------------------------------------------------------
 * Dates, times and numbers: tomllib's regular expressions, by hand
 */

static int digits(const struct parser *ps, size_t pos, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!IS_DIGIT(at(ps, pos + i)))
			return 0;
	return 1;
}

static int num2(const struct parser *ps, size_t pos)
{
	return (ps->src[pos] - '0') * 10 + (ps->src[pos + 1] - '0');
}

/* HH:MM:SS[.frac]; returns its length, 0 when it does not match */
static size_t match_time(const struct parser *ps, size_t pos)
{
	size_t n = 8;

	if (!digits(ps, pos, 2) || at(ps, pos + 2) != ':' || !digits(ps, pos + 3, 2) ||
	    at(ps, pos + 5) != ':' || !digits(ps, pos + 6, 2))
		return 0;
	if (num2(ps, pos) > 23 || num2(ps, pos + 3) > 59 || num2(ps, pos + 6) > 59)
		return 0;
	if (at(ps, pos + 8) == '.' && IS_DIGIT(at(ps, pos + 9))) {
		n = 9;
		while (IS_DIGIT(at(ps, pos + n)))
			n++;
	}
	return n;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/*
 * A date, date-time or time at pos: 1 and *end when one matches, 0 when
 * none does, -1 for a date that the calendar does not have.
 */
static int match_datetime(struct parser *ps, size_t pos, size_t *end)
{
	size_t n, t;
	int year, month, day, c;

	if (!digits(ps, pos, 4) || at(ps, pos + 4) != '-' || !digits(ps, pos + 5, 2) ||
	    at(ps, pos + 7) != '-' || !digits(ps, pos + 8, 2)) {
		if (!(t = match_time(ps, pos)))
			return 0;
		*end = pos + t;
		return 1;
	}
	year = num2(ps, pos) * 100 + num2(ps, pos + 2);
	month = num2(ps, pos + 5);
	day = num2(ps, pos + 8);
	if (month < 1 || month > 12 || day < 1 || day > 31) {
		/* the expression does not match: try a time, then a number */
		if (!(t = match_time(ps, pos)))
			return 0;
		*end = pos + t;
		return 1;
	}
	n = 10;
	c = at(ps, pos + n);
	if ((c == 'T' || c == 't' || c == ' ') && (t = match_time(ps, pos + n + 1))) {
		n += 1 + t;
		c = at(ps, pos + n);
		if (c == 'Z' || c == 'z') {
			n++;
		} else if ((c == '+' || c == '-') && digits(ps, pos + n + 1, 2) &&
			   at(ps, pos + n + 3) == ':' && digits(ps, pos + n + 4, 2) &&
			   num2(ps, pos + n + 1) <= 23 && num2(ps, pos + n + 4) <= 59) {
			n += 6;
		}
	}
	if (year < 1 || day > days_in_month(year, month))
		return fail(ps, pos, "invalid date or datetime: %.10s is not a day of the calendar",
			    ps->src + pos);
	*end = pos + n;
	return 1;
}

/* [0-9](_?[0-9])* in the given digit class; returns the end */
static size_t match_digits(const struct parser *ps, size_t pos, int (*ok)(int))
{
	if (!ok(at(ps, pos)))
		return pos;
	pos++;
	for (;;) {
		if (ok(at(ps, pos)))
			pos++;
		else if (at(ps, pos) == '_' && ok(at(ps, pos + 1)))
			pos += 2;
		else
			return pos;
	}
}

static int ok_dec(int c) { return IS_DIGIT(c); }
static int ok_hex(int c) { return c >= 0 && is_hex(c); }
static int ok_oct(int c) { return c >= '0' && c <= '7'; }
static int ok_bin(int c) { return c == '0' || c == '1'; }

/*
 * A number at pos: 1 and the value in v when one matches, 0 when none
 * does, -1 for an integer that does not fit in 64 bits.
 */
static int match_number(struct parser *ps, size_t pos, size_t *end,
			struct toml_value *v)
{
	struct strbuf text = STRBUF_INIT;
	size_t p = pos, i, frac;
	int base = 10, is_float = 0, ret = 1;

	if (at(ps, p) == '0' && (at(ps, p + 1) == 'x' || at(ps, p + 1) == 'o' ||
				 at(ps, p + 1) == 'b')) {
		int c = at(ps, p + 1);
		int (*ok)(int) = c == 'x' ? ok_hex : c == 'o' ? ok_oct : ok_bin;
		size_t e = match_digits(ps, p + 2, ok);

		if (e > p + 2) {
			base = c == 'x' ? 16 : c == 'o' ? 8 : 2;
			p = e;
			goto convert;
		}
	}
	if (at(ps, p) == '+' || at(ps, p) == '-')
		p++;
	if (at(ps, p) == '0')
		p++;
	else if (at(ps, p) >= '1' && at(ps, p) <= '9')
		p = match_digits(ps, p, ok_dec);
	else
		return 0;
	if (at(ps, p) == '.' && (frac = match_digits(ps, p + 1, ok_dec)) > p + 1) {
		p = frac;
		is_float = 1;
	}
	if (at(ps, p) == 'e' || at(ps, p) == 'E') {
		size_t q = p + 1, e;

		if (at(ps, q) == '+' || at(ps, q) == '-')
			q++;
		if ((e = match_digits(ps, q, ok_dec)) > q) {
			p = e;
			is_float = 1;
		}
	}
convert:
	for (i = base == 10 ? pos : pos + 2; i < p; i++)
		if (ps->src[i] != '_')
			strbuf_addch(&text, ps->src[i]);
	*end = p;
	if (is_float) {
		v->type = TOML_FLOAT;
		v->number = strtod(text.buf, NULL);
	} else {
		char *stop;

		v->type = TOML_INTEGER;
		errno = 0;
		v->integer = strtoll(text.buf, &stop, base);
		if (errno == ERANGE) {
			ret = fail(ps, pos, "integer %.*s does not fit in 64 bits",
				   (int)(p - pos), ps->src + pos);
		}
	}
	strbuf_release(&text);
	return ret;
}

/* ------------------------------------------------------------------
 * Values
 */

static int parse_value(struct parser *ps, size_t *pos, struct toml_value **out);
static int set_value(struct parser *ps, struct toml_value *table,
		     struct flagnode *flags, const struct key *header,
		     struct key *k, struct toml_value *v, size_t pos, int inline_table);

static int parse_array(struct parser *ps, size_t *pos, struct toml_value *a)
{
	(*pos)++;
	if (skip_comments_and_array_ws(ps, pos))
		return -1;
	if (at(ps, *pos) == ']') {
		(*pos)++;
		return 0;
	}
	for (;;) {
		struct toml_value *v;

		if (parse_value(ps, pos, &v))
			return -1;
		array_add(a, v);
		if (skip_comments_and_array_ws(ps, pos))
			return -1;
		if (at(ps, *pos) == ']') {
			(*pos)++;
			return 0;
		}
		if (at(ps, *pos) != ',')
			return fail_char(ps, *pos, "unclosed array: expected ',' or ']', found");
		(*pos)++;
		if (skip_comments_and_array_ws(ps, pos))
			return -1;
		if (at(ps, *pos) == ']') {
			(*pos)++;
			return 0;
		}
	}
}

static int parse_key_value(struct parser *ps, size_t *pos, struct key *k,
			   struct toml_value **v)
{
	*v = NULL;
	if (parse_key(ps, pos, k))
		return -1;
	if (at(ps, *pos) != '=')
		return fail_char(ps, *pos, "expected '=' after a key, found");
	*pos = skip_ws(ps, *pos + 1);
	return parse_value(ps, pos, v);
}

static int parse_inline_table(struct parser *ps, size_t *pos, struct toml_value *t)
{
	struct flagnode flags = { 0 };
	struct key none = KEY_INIT;
	int ret = -1;

	*pos = skip_ws(ps, *pos + 1);
	if (at(ps, *pos) == '}') {
		(*pos)++;
		return 0;
	}
	for (;;) {
		struct key k = KEY_INIT;
		struct toml_value *v;

		if (parse_key_value(ps, pos, &k, &v) ||
		    set_value(ps, t, &flags, &none, &k, v, *pos, 1)) {
			toml_free(v);
			key_release(&k);
			goto cleanup;
		}
		*pos = skip_ws(ps, *pos);
		if (at(ps, *pos) == '}') {
			(*pos)++;
			key_release(&k);
			break;
		}
		if (at(ps, *pos) != ',') {
			fail_char(ps, *pos, "unclosed inline table: expected ',' or '}', found");
			key_release(&k);
			goto cleanup;
		}
		if (v->type == TOML_TABLE || v->type == TOML_ARRAY)
			flag_set(&flags, &k, FLAG_FROZEN, 1);
		key_release(&k);
		*pos = skip_ws(ps, *pos + 1);
	}
	ret = 0;
cleanup:
	flag_release(&flags);
	return ret;
}

static int parse_value(struct parser *ps, size_t *pos, struct toml_value **out)
{
	int c = at(ps, *pos), line = line_at(ps, *pos), r;
	struct toml_value *v = value_new(TOML_STRING, line);
	struct strbuf sb = STRBUF_INIT;
	size_t end = 0;

	*out = NULL;
	if (c == '"' || c == '\'') {
		if (starts(ps, *pos, c == '"' ? "\"\"\"" : "'''")) {
			r = parse_multiline_str(ps, pos, c == '\'', &sb);
		} else if (c == '\'') {
			r = parse_literal_str(ps, pos, &sb);
		} else {
			(*pos)++;
			r = parse_basic_str(ps, pos, 0, &sb);
		}
		if (r)
			goto fail;
		v->len = sb.len;
		v->str = strbuf_detach(&sb, NULL);
		goto done;
	}
	if (c == 't' && starts(ps, *pos, "true")) {
		v->type = TOML_BOOLEAN;
		v->boolean = 1;
		*pos += 4;
		goto done;
	}
	if (c == 'f' && starts(ps, *pos, "false")) {
		v->type = TOML_BOOLEAN;
		*pos += 5;
		goto done;
	}
	if (c == '[' || c == '{') {
		if (ps->depth >= TOML_MAX_DEPTH) {
			fail(ps, *pos, "arrays and inline tables nest more than %d deep",
			     TOML_MAX_DEPTH);
			goto fail;
		}
		ps->depth++;
		v->type = c == '[' ? TOML_ARRAY : TOML_TABLE;
		r = c == '[' ? parse_array(ps, pos, v) : parse_inline_table(ps, pos, v);
		ps->depth--;
		if (r)
			goto fail;
		goto done;
	}
	if ((r = match_datetime(ps, *pos, &end))) {
		if (r < 0)
			goto fail;
		v->type = TOML_DATETIME;
		v->len = end - *pos;
		v->str = xstrndup(ps->src + *pos, v->len);
		*pos = end;
		goto done;
	}
	if ((r = match_number(ps, *pos, &end, v))) {
		if (r < 0)
			goto fail;
		*pos = end;
		goto done;
	}
	if (starts(ps, *pos, "inf") || starts(ps, *pos, "nan") ||
	    ((c == '+' || c == '-') && (starts(ps, *pos + 1, "inf") || starts(ps, *pos + 1, "nan")))) {
		size_t n = c == '+' || c == '-' ? 4 : 3;
		char *text = xstrndup(ps->src + *pos, n);

		v->type = TOML_FLOAT;
		v->number = strtod(text, NULL);
		free(text);
		*pos += n;
		goto done;
	}
	fail_char(ps, *pos, "invalid value: found");
fail:
	strbuf_release(&sb);
	toml_free(v);
	return -1;
done:
	*out = v;
	return 0;
}

/* ------------------------------------------------------------------
 * Tables
 */

/*
 * The table at path k[0..n) from t, made as needed (tomllib's
 * get_or_create_nest): through an array of tables, its last one when
 * lists is set. NULL when a value that is not a table is in the way.
 */
static struct toml_value *nest(struct parser *ps, struct toml_value *t,
			       const struct key *k, size_t n, int lists, int line)
{
	size_t i;

	for (i = 0; i < n; i++) {
		long j = table_find(t, k->parts[i].s, k->parts[i].len);

		if (j < 0) {
			struct toml_value *sub = value_new(TOML_TABLE, line);

			table_add(t, k->parts[i].s, k->parts[i].len, sub);
			t = sub;
			continue;
		}
		t = t->items[j];
		if (lists && t->type == TOML_ARRAY) {
			if (!t->nr)
				return NULL;
			t = t->items[t->nr - 1];
		}
		if (t->type != TOML_TABLE)
			return NULL;
	}
	return t;
}

static void add_pending(struct parser *ps, const struct key *k)
{
	struct key *copy;

	ALLOC_GROW(ps->pending, ps->npending + 1, ps->pending_alloc);
	copy = &ps->pending[ps->npending++];
	memset(copy, 0, sizeof(*copy));
	key_join(copy, k, k->nr, NULL, 0);
}

static void finalize_pending(struct parser *ps)
{
	size_t i;

	for (i = 0; i < ps->npending; i++) {
		flag_set(&ps->flags, &ps->pending[i], FLAG_EXPLICIT, 0);
		key_release(&ps->pending[i]);
	}
	ps->npending = 0;
}

/*
 * Put v at header + k in table: tomllib's key_value_rule (a statement)
 * or its inline-table loop. Takes v on success; pos is where errors are
 * reported (after the value, as tomllib does).
 */
static int set_value(struct parser *ps, struct toml_value *table,
		     struct flagnode *flags, const struct key *header,
		     struct key *k, struct toml_value *v, size_t pos, int inline_table)
{
	struct key path = KEY_INIT;
	struct toml_value *t;
	const struct part *stem = &k->parts[k->nr - 1];
	size_t i;
	int ret = -1;

	if (inline_table) {
		if (flag_is(flags, k, FLAG_FROZEN)) {
			fail_key(ps, pos, "cannot change the inline table or array", k);
			goto cleanup;
		}
		if (!(t = nest(ps, table, k, k->nr - 1, 0, v->line))) {
			fail_key(ps, pos, "cannot overwrite a value with a table: key", k);
			goto cleanup;
		}
		if (table_find(t, stem->s, stem->len) >= 0) {
			fail_key(ps, pos, "duplicate key in an inline table:", k);
			goto cleanup;
		}
		table_add(t, stem->s, stem->len, v);
		ret = 0;
		goto cleanup;
	}

	for (i = 1; i < k->nr; i++) {
		key_release(&path);
		key_join(&path, header, header->nr, k, i);
		if (flag_is(flags, &path, FLAG_EXPLICIT)) {
			fail_key(ps, pos, "cannot redefine the table", &path);
			goto cleanup;
		}
		add_pending(ps, &path);
	}
	key_release(&path);
	key_join(&path, header, header->nr, k, k->nr - 1);
	if (flag_is(flags, &path, FLAG_FROZEN)) {
		fail_key(ps, pos, "cannot change the inline table or array", &path);
		goto cleanup;
	}
	if (!(t = nest(ps, table, &path, path.nr, 1, v->line)) ||
	    table_find(t, stem->s, stem->len) >= 0) {
		key_release(&path);
		key_join(&path, header, header->nr, k, k->nr);
		fail_key(ps, pos, "cannot overwrite a value: duplicate key", &path);
		goto cleanup;
	}
	if (v->type == TOML_TABLE || v->type == TOML_ARRAY) {
		key_release(&path);
		key_join(&path, header, header->nr, k, k->nr);
		flag_set(flags, &path, FLAG_FROZEN, 1);
	}
	table_add(t, stem->s, stem->len, v);
	ret = 0;
cleanup:
	key_release(&path);
	return ret;
}

/* "[key]" or "[[key]]" at pos; the new header goes into *header. */
static int parse_header(struct parser *ps, size_t *pos, struct key *header)
{
	int list = at(ps, *pos + 1) == '[';
	int line = line_at(ps, *pos);
	struct toml_value *t;
	struct key k = KEY_INIT;
	int ret = -1;

	finalize_pending(ps);
	*pos = skip_ws(ps, *pos + (list ? 2 : 1));
	if (parse_key(ps, pos, &k))
		goto cleanup;
	if (!list) {
		if (flag_is(&ps->flags, &k, FLAG_EXPLICIT) ||
		    flag_is(&ps->flags, &k, FLAG_FROZEN)) {
			fail_key(ps, *pos, "cannot declare the table twice:", &k);
			goto cleanup;
		}
		flag_set(&ps->flags, &k, FLAG_EXPLICIT, 0);
		if (!(t = nest(ps, ps->root, &k, k.nr, 1, line))) {
			fail_key(ps, *pos, "cannot overwrite a value with a table:", &k);
			goto cleanup;
		}
		t->line = line;
		if (at(ps, *pos) != ']') {
			fail_char(ps, *pos, "expected ']' at the end of a table header, found");
			goto cleanup;
		}
		(*pos)++;
	} else {
		struct toml_value *parent;
		const struct part *stem = &k.parts[k.nr - 1];
		long j = -1;

		if (flag_is(&ps->flags, &k, FLAG_FROZEN)) {
			fail_key(ps, *pos, "cannot change the inline table or array", &k);
			goto cleanup;
		}
		flag_unset_all(&ps->flags, &k);
		flag_set(&ps->flags, &k, FLAG_EXPLICIT, 0);
		if (!(parent = nest(ps, ps->root, &k, k.nr - 1, 1, line)) ||
		    ((j = table_find(parent, stem->s, stem->len)) >= 0 &&
		     parent->items[j]->type != TOML_ARRAY)) {
			fail_key(ps, *pos, "cannot overwrite a value with an array of tables:", &k);
			goto cleanup;
		}
		if (j < 0) {
			table_add(parent, stem->s, stem->len, value_new(TOML_ARRAY, line));
			j = (long)parent->nr - 1;
		}
		array_add(parent->items[j], value_new(TOML_TABLE, line));
		if (!starts(ps, *pos, "]]")) {
			fail_char(ps, *pos, "expected ']]' at the end of an array of tables header, found");
			goto cleanup;
		}
		*pos += 2;
	}
	key_release(header);
	*header = k;
	k.parts = NULL;
	k.nr = k.alloc = 0;
	ret = 0;
cleanup:
	key_release(&k);
	return ret;
}

/* ------------------------------------------------------------------
 * Documents
 */

static int parse_document(struct parser *ps)
{
	struct key header = KEY_INIT;
	size_t pos = 0;
	int ret = -1;

	for (;;) {
		int c;

		pos = skip_ws(ps, pos);
		if ((c = at(ps, pos)) < 0)
			break;
		if (c == '\n') {
			pos++;
			continue;
		}
		if (is_bare(c) || c == '"' || c == '\'') {
			struct key k = KEY_INIT;
			struct toml_value *v;

			if (parse_key_value(ps, &pos, &k, &v) ||
			    set_value(ps, ps->root, &ps->flags, &header, &k, v, pos, 0)) {
				toml_free(v);
				key_release(&k);
				goto cleanup;
			}
			key_release(&k);
			pos = skip_ws(ps, pos);
		} else if (c == '[') {
			if (parse_header(ps, &pos, &header))
				goto cleanup;
			pos = skip_ws(ps, pos);
		} else if (!pos && starts(ps, pos, "\xef\xbb\xbf")) {
			fail(ps, pos, "invalid statement: the file starts with a byte order mark");
			goto cleanup;
		} else if (c != '#') {
			fail_char(ps, pos, "invalid statement: a line cannot start with");
			goto cleanup;
		}
		if (skip_comment(ps, &pos))
			goto cleanup;
		if ((c = at(ps, pos)) < 0)
			break;
		if (c != '\n') {
			fail_char(ps, pos, "expected the end of the line after a statement, found");
			goto cleanup;
		}
		pos++;
	}
	ret = 0;
cleanup:
	key_release(&header);
	return ret;
}

int toml_parse(struct toml_value **out, const char *name, const char *buf,
	       size_t len, struct strbuf *err)
{
	struct parser ps = { 0 };
	size_t i, n = 0;
	int ret = -1;

	*out = NULL;
	ps.name = name;
	ps.err = err;
	if (check_utf8(&ps, buf, len))
		return -1;
	ps.src = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			continue;
		ps.src[n++] = buf[i];
	}
	ps.src[n] = '\0';
	ps.len = n;
	ps.root = value_new(TOML_TABLE, 1);
	if (!parse_document(&ps)) {
		*out = ps.root;
		ps.root = NULL;
		ret = 0;
	}
	for (i = 0; i < ps.npending; i++)
		key_release(&ps.pending[i]);
	free(ps.pending);
	flag_release(&ps.flags);
	toml_free(ps.root);
	free(ps.src);
	return ret;
}
