/*
 * revfile: turns the bytes of one revision file into a struct revfile.
 * It reads two formats, chosen by the name's suffix:
 *
 *  - native ".sql" (SPEC 3.1): a header of "-- key: value" lines from
 *    line 1, then "-- migrate:upgrade" and "-- migrate:downgrade"
 *    sections whose bodies are kept verbatim;
 *  - Alembic ".py" (SPEC 3.2): a small tokenizer finds the module-level
 *    assignments to revision, down_revision, branch_labels and depends_on
 *    (and "squashes", which git dbmig squash writes) and the module
 *    docstring. Nothing is executed or imported; any other
 *    code is skipped token by token.
 *
 * It does no I/O and prints nothing: the caller fetches the bytes and
 * gets any problem back as "<name>:<line>: <what>" in a strbuf. It does not
 * look at other files either; whether a down_revision names a revision
 * that exists is the graph's business. Every loop walks the buffer forward
 * with explicit bounds and nothing recurses, so any input is safe.
 */
#include "revfile.h"
#include "source.h"
#include "usage.h"

#include <stdarg.h>
#include <string.h>

#define ID_RULE "(letters, digits, '_', '-', '.', at most 32 characters)"
/* Longest subject quoted in a message before it is cut with "...". */
#define QUOTE_MAX 60
/* Room for QUOTE_MAX bytes escaped as "\xNN", "..." and the NUL. */
#define QUOTE_SIZE (4 * QUOTE_MAX + 4)

struct strlist {
	char **v;
	size_t n, alloc;
};

static void strlist_push(struct strlist *l, char *s)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = s;
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void strlist_clear(struct strlist *l)
{
	free_strv(l->v, l->n);
	l->v = NULL;
	l->n = l->alloc = 0;
}

/* Hand the list over to a revfile field pair. */
static void strlist_move(struct strlist *l, char ***v, size_t *n)
{
	*v = l->v;
	*n = l->n;
	l->v = NULL;
	l->n = l->alloc = 0;
}

struct repeat_idx {
	const char *s;
	size_t i;
};

static int cmp_repeat_idx(const void *a, const void *b)
{
	const struct repeat_idx *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Set rep[i] when v[i] repeats an earlier item. Sorting keeps this
 * O(n log n): a fuzzed header may hold a very long list.
 */
static size_t mark_repeats(char *const *v, size_t n, unsigned char *rep)
{
	struct repeat_idx *idx;
	size_t i, nr = 0;

	memset(rep, 0, n);
	if (n < 2)
		return 0;
	idx = xmalloc(n * sizeof(*idx));
	for (i = 0; i < n; i++) {
		idx[i].s = v[i];
		idx[i].i = i;
	}
	qsort(idx, n, sizeof(*idx), cmp_repeat_idx);
	for (i = 1; i < n; i++)
		if (!strcmp(idx[i - 1].s, idx[i].s)) {
			rep[idx[i].i] = 1;
			nr++;
		}
	free(idx);
	return nr;
}

void revfile_free(struct revfile *rf)
{
	if (!rf)
		return;
	free(rf->revision);
	free_strv(rf->down_revision, rf->ndown);
	free_strv(rf->branch_labels, rf->nlabels);
	free_strv(rf->depends_on, rf->ndeps);
	free_strv(rf->squashes, rf->nsquashes);
	free(rf->part_of);
	free(rf->part_after);
	free(rf->part_upto);
	free(rf->message);
	free(rf->create_date);
	free(rf->doc);
	free(rf->upgrade);
	free(rf->downgrade);
	free(rf);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static char **dup_strv(char *const *v, size_t n)
{
	char **out;
	size_t i;

	if (!n)
		return NULL;
	out = xcalloc(n, sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

struct revfile *revfile_dup(const struct revfile *rf)
{
	struct revfile *c = xmalloc(sizeof(*c));

	*c = *rf;
	c->revision = dup_or_null(rf->revision);
	c->down_revision = dup_strv(rf->down_revision, rf->ndown);
	c->branch_labels = dup_strv(rf->branch_labels, rf->nlabels);
	c->depends_on = dup_strv(rf->depends_on, rf->ndeps);
	c->squashes = dup_strv(rf->squashes, rf->nsquashes);
	c->part_of = dup_or_null(rf->part_of);
	c->part_after = dup_or_null(rf->part_after);
	c->part_upto = dup_or_null(rf->part_upto);
	c->message = dup_or_null(rf->message);
	c->create_date = dup_or_null(rf->create_date);
	c->doc = dup_or_null(rf->doc);
	c->upgrade = dup_or_null(rf->upgrade);
	c->downgrade = dup_or_null(rf->downgrade);
	return c;
}

/* NULL and "" apart, and no string able to pass for the next field */
static void add_field(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_addf(sb, "+%zu:%s\n", strlen(s), s);
	else
		strbuf_addstr(sb, "-\n");
}

static void add_fields(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	strbuf_addf(sb, "%zu\n", n);
	for (i = 0; i < n; i++)
		add_field(sb, v[i]);
}

void revfile_header_id(const struct revfile *rf, char out[41])
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "header 1\n%d %d\n", (int)rf->kind, rf->transactional);
	add_field(&sb, rf->revision);
	add_fields(&sb, rf->down_revision, rf->ndown);
	add_fields(&sb, rf->branch_labels, rf->nlabels);
	add_fields(&sb, rf->depends_on, rf->ndeps);
	add_fields(&sb, rf->squashes, rf->nsquashes);
	add_field(&sb, rf->message);
	add_field(&sb, rf->create_date);
	add_field(&sb, rf->doc);
	add_field(&sb, rf->part_of);
	add_field(&sb, rf->part_after);
	add_field(&sb, rf->part_upto);
	source_blob_id(out, sb.buf, sb.len);
	strbuf_release(&sb);
}

int revfile_valid_id(const char *s, size_t len)
{
	size_t i;

	if (!s || !len || len > REVFILE_ID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return 0;
	}
	return 1;
}

/* --------------------------- Shared helpers ----------------------------- */

__attribute__((format(printf, 4, 5)))
static int error_at(struct strbuf *err, const char *name, unsigned line,
		    const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(err);
	strbuf_addf(err, "%s:%u: ", name, line);
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Copy a subject for a message into q (QUOTE_SIZE bytes): cut to
 * QUOTE_MAX input bytes, so that a fuzzed megabyte line stays one line,
 * with control characters written as C escapes, so that none reaches the
 * user's terminal.
 */
static const char *quote(char *q, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = len > QUOTE_MAX ? QUOTE_MAX : len, i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\t') {
			q[k++] = '\\';
			q[k++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			q[k++] = '\\';
			q[k++] = 'x';
			q[k++] = hex[c >> 4];
			q[k++] = hex[c & 0xf];
		} else {
			q[k++] = (char)c;
		}
	}
	if (n < len) {
		memcpy(q + k, "...", 3);
		k += 3;
	}
	q[k] = '\0';
	return q;
}

static int is_hspace(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Python's str.isspace() for ASCII. */
static int is_pyspace(int c)
{
	return is_hspace(c) || c == '\n' || (c >= 0x1c && c <= 0x1f);
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_hspace((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len && is_hspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

static int lower_eq(const char *s, size_t len, const char *word)
{
	size_t i;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != word[i])
			return 0;
	}
	return 1;
}

enum id_kind {
	ID_REVISION,
	ID_LABEL,
	ID_DEPENDENCY,
};

static const char *id_what(enum id_kind kind)
{
	switch (kind) {
	case ID_REVISION:
		return "revision id";
	case ID_LABEL:
		return "branch label";
	case ID_DEPENDENCY:
		return "revision id or branch label";
	}
	return "id";
}

static int check_id(const char *s, size_t len, enum id_kind kind,
		    const char *name, unsigned line, struct strbuf *err)
{
	char q[QUOTE_SIZE];

	if (revfile_valid_id(s, len))
		return 0;
	return error_at(err, name, line, "invalid %s '%s' " ID_RULE,
			id_what(kind), quote(q, s, len));
}

/* ------------------------- Native .sql files ---------------------------- */

enum value_kind {
	V_TEXT,         /* kept as written; empty is "none" */
	V_ID,
	V_IDS,
	V_BOOL,
};

enum header_key {
	K_MESSAGE,
	K_REVISION,
	K_DOWN_REVISION,
	K_BRANCH_LABELS,
	K_DEPENDS_ON,
	K_CREATE_DATE,
	K_TRANSACTIONAL,
	K_SQUASHES,
	K_NR
};

static const struct {
	const char *name;
	enum value_kind kind;
	enum id_kind id;
} header_keys[K_NR] = {
	[K_MESSAGE] = { "message", V_TEXT, ID_REVISION },
	[K_REVISION] = { "revision", V_ID, ID_REVISION },
	[K_DOWN_REVISION] = { "down_revision", V_IDS, ID_REVISION },
	[K_BRANCH_LABELS] = { "branch_labels", V_IDS, ID_LABEL },
	[K_DEPENDS_ON] = { "depends_on", V_IDS, ID_DEPENDENCY },
	[K_CREATE_DATE] = { "create_date", V_TEXT, ID_REVISION },
	[K_TRANSACTIONAL] = { "transactional", V_BOOL, ID_REVISION },
	[K_SQUASHES] = { "squashes", V_IDS, ID_REVISION },
};

static int find_key(const char *s, size_t len)
{
	int k;

	for (k = 0; k < K_NR; k++)
		if (strlen(header_keys[k].name) == len &&
		    !memcmp(header_keys[k].name, s, len))
			return k;
	return -1;
}

/* "a, b,c" into a list; empty items and repeats are errors. */
static int parse_sql_list(struct strlist *out, const char *s, size_t len,
			  int key, const char *name, unsigned line,
			  struct strbuf *err)
{
	const char *keyname = header_keys[key].name;
	unsigned char *rep;
	size_t i;
	int ret = 0;

	if (!len)
		return 0;
	for (;;) {
		const char *comma = memchr(s, ',', len);
		size_t n = comma ? (size_t)(comma - s) : len;
		const char *p = s;

		trim(&p, &n);
		if (!n)
			return error_at(err, name, line, "empty item in '%s'",
					keyname);
		if (check_id(p, n, header_keys[key].id, name, line, err) < 0)
			return -1;
		strlist_push(out, xstrndup(p, n));
		if (!comma)
			break;
		len -= (size_t)(comma - s) + 1;
		s = comma + 1;
	}

	rep = xmalloc(out->n);
	if (mark_repeats(out->v, out->n, rep))
		for (i = 0; i < out->n; i++)
			if (rep[i]) {
				ret = error_at(err, name, line,
					       "'%s' listed twice in '%s'",
					       out->v[i], keyname);
				break;
			}
	free(rep);
	return ret;
}

enum marker {
	M_NONE,
	M_UPGRADE,
	M_DOWNGRADE,
	M_BAD,
};

/*
 * A line that looks like "--migrate:..." in any spelling but is not one of
 * the two markers exactly is refused: "-- migrate:down" (dbmate's) or an
 * indented marker must not make a downgrade run as part of the upgrade.
 */
static enum marker classify_marker(const char *s, size_t len)
{
	size_t i = 0;

	while (len && is_hspace((unsigned char)s[len - 1]))
		len--;
	if (len == 18 && !memcmp(s, "-- migrate:upgrade", 18))
		return M_UPGRADE;
	if (len == 20 && !memcmp(s, "-- migrate:downgrade", 20))
		return M_DOWNGRADE;
	while (i < len && is_hspace((unsigned char)s[i]))
		i++;
	if (len - i < 2 || s[i] != '-' || s[i + 1] != '-')
		return M_NONE;
	i += 2;
	while (i < len && is_hspace((unsigned char)s[i]))
		i++;
	if (len - i >= 8 && lower_eq(s + i, 8, "migrate:"))
		return M_BAD;
	return M_NONE;
}

static int is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_hspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A "--" comment, maybe indented. */
static int is_comment(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_hspace((unsigned char)s[i]))
		i++;
	return len - i >= 2 && s[i] == '-' && s[i + 1] == '-';
}

/* In a "--" comment line, the "key" of "-- key:" if it is a header key. */
static int comment_header_key(const char *s, size_t len)
{
	size_t i = 0, k;

	while (i < len && is_hspace((unsigned char)s[i]))
		i++;
	if (len - i < 2 || s[i] != '-' || s[i + 1] != '-')
		return -1;
	i += 2;
	while (i < len && is_hspace((unsigned char)s[i]))
		i++;
	k = i;
	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
		i++;
	if (i == k || i >= len || s[i] != ':')
		return -1;
	return find_key(s + k, i - k);
}

struct body {
	int seen;
	unsigned marker_line;
	unsigned first_line;
	size_t first, end;      /* first non-blank line .. end of last one */
	int any;
};

static void body_line(struct body *b, const char *buf, size_t start,
		      size_t end, unsigned line)
{
	if (is_blank(buf + start, end - start))
		return;
	if (!b->any) {
		b->any = 1;
		b->first = start;
		b->first_line = line;
	}
	if (end > start && buf[end - 1] == '\r')
		end--;
	b->end = end;
}

static void body_finish(const struct body *b, const char *buf, char **text,
			unsigned *line)
{
	if (!b->seen)
		return;
	if (b->any) {
		*text = xstrndup(buf + b->first, b->end - b->first);
		*line = b->first_line;
	} else {
		*text = xstrdup("");
		*line = b->marker_line + 1;
	}
}

static int parse_header_line(struct revfile *rf, unsigned *seen,
			     const char *s, size_t len, const char *name,
			     unsigned line, struct strbuf *err)
{
	char q[QUOTE_SIZE];
	const char *colon = memchr(s + 3, ':', len - 3);
	const char *key = s + 3, *val;
	size_t keylen, vallen;
	struct strlist list = { NULL, 0, 0 };
	int k;

	if (!colon)
		goto malformed;
	keylen = (size_t)(colon - key);
	trim(&key, &keylen);
	if (!keylen)
		goto malformed;
	val = colon + 1;
	vallen = (size_t)(s + len - val);
	trim(&val, &vallen);

	k = find_key(key, keylen);
	if (k < 0)
		return error_at(err, name, line, "unknown key '%s'",
				quote(q, key, keylen));
	if (seen[k])
		return error_at(err, name, line,
				"duplicate key '%s' (first on line %u)",
				header_keys[k].name, seen[k]);
	seen[k] = line;

	switch (k) {
	case K_MESSAGE:
		rf->message = xstrndup(val, vallen);
		break;
	case K_CREATE_DATE:
		if (vallen)
			rf->create_date = xstrndup(val, vallen);
		break;
	case K_REVISION:
		if (!vallen)
			return error_at(err, name, line,
					"missing value for 'revision'");
		if (check_id(val, vallen, ID_REVISION, name, line, err) < 0)
			return -1;
		rf->revision = xstrndup(val, vallen);
		rf->revision_line = line;
		break;
	case K_TRANSACTIONAL:
		if (!vallen || lower_eq(val, vallen, "true"))
			rf->transactional = 1;
		else if (lower_eq(val, vallen, "false"))
			rf->transactional = 0;
		else
			return error_at(err, name, line,
					"invalid value '%s' for 'transactional' (expected true or false)",
					quote(q, val, vallen));
		break;
	default:
		if (parse_sql_list(&list, val, vallen, k, name, line, err) < 0) {
			strlist_clear(&list);
			return -1;
		}
		if (k == K_DOWN_REVISION) {
			strlist_move(&list, &rf->down_revision, &rf->ndown);
			rf->down_line = line;
		} else if (k == K_BRANCH_LABELS) {
			strlist_move(&list, &rf->branch_labels, &rf->nlabels);
			rf->labels_line = line;
		} else if (k == K_DEPENDS_ON) {
			strlist_move(&list, &rf->depends_on, &rf->ndeps);
			rf->deps_line = line;
		} else {
			strlist_move(&list, &rf->squashes, &rf->nsquashes);
		}
		break;
	}
	return 0;

malformed:
	return error_at(err, name, line,
			"malformed header line '%s' (expected '-- key: value')",
			quote(q, s, len));
}

enum sql_state {
	S_HEADER,
	S_BETWEEN,
	S_UPGRADE,
	S_DOWNGRADE,
};

static int parse_sql(struct revfile *rf, const char *name, const char *buf,
		     size_t len, struct strbuf *err)
{
	char q[QUOTE_SIZE];
	unsigned seen[K_NR] = { 0 };
	struct body up = { 0 }, down = { 0 };
	enum sql_state state = S_HEADER;
	unsigned line = 1;
	size_t pos = 0;

	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		pos = 3;
	for (; pos < len; line++) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - pos, trimmed = n;
		enum marker m = classify_marker(s, n);
		int k;

		while (trimmed && is_hspace((unsigned char)s[trimmed - 1]))
			trimmed--;
		if (state == S_HEADER) {
			if (m == M_NONE && trimmed > 3 && !memcmp(s, "-- ", 3)) {
				if (parse_header_line(rf, seen, s, trimmed, name,
						      line, err) < 0)
					return -1;
				goto next;
			}
			state = S_BETWEEN;
		}

		if (m == M_BAD)
			return error_at(err, name, line,
					"unknown section marker '%s' (expected '-- migrate:upgrade' or '-- migrate:downgrade')",
					quote(q, s, trimmed));
		if (m == M_UPGRADE) {
			if (up.seen)
				return error_at(err, name, line,
						"'-- migrate:upgrade' repeated (first on line %u)",
						up.marker_line);
			if (down.seen)
				return error_at(err, name, down.marker_line,
						"'-- migrate:downgrade' before '-- migrate:upgrade'");
			up.seen = 1;
			up.marker_line = line;
			state = S_UPGRADE;
			goto next;
		}
		if (m == M_DOWNGRADE) {
			if (down.seen)
				return error_at(err, name, line,
						"'-- migrate:downgrade' repeated (first on line %u)",
						down.marker_line);
			down.seen = 1;
			down.marker_line = line;
			state = S_DOWNGRADE;
			goto next;
		}

		switch (state) {
		case S_UPGRADE:
			body_line(&up, buf, pos, end, line);
			break;
		case S_DOWNGRADE:
			body_line(&down, buf, pos, end, line);
			break;
		default:
			/*
			 * SQL here would never run, and a header line here
			 * would never be read: both are mistakes to report.
			 */
			if (is_blank(s, n))
				break;
			k = comment_header_key(s, n);
			if (k >= 0)
				return error_at(err, name, line,
						"'%s' outside the header (the header is the run of '-- key: value' lines from line 1)",
						header_keys[k].name);
			if (is_comment(s, n))
				break;
			return error_at(err, name, line,
					"text outside a '-- migrate:' section: '%s'",
					quote(q, s, trimmed));
		}
	next:
		pos = nl ? end + 1 : len;
	}

	if (!rf->revision)
		return error_at(err, name, 1, "missing 'revision' in header");
	body_finish(&up, buf, &rf->upgrade, &rf->upgrade_line);
	body_finish(&down, buf, &rf->downgrade, &rf->downgrade_line);
	return 0;
}

/* ------------------- Alembic .py files: a tokenizer --------------------- */

enum tok_type {
	T_EOF,
	T_NEWLINE,      /* end of a logical line (outside brackets) */
	T_NAME,
	T_NUMBER,
	T_STRING,
	T_OP,
};

enum str_flags {
	STR_RAW = 1 << 0,
	STR_BYTES = 1 << 1,
	STR_FORMAT = 1 << 2,    /* f-string or t-string */
	STR_UNTERMINATED = 1 << 3,
};

struct tok {
	enum tok_type type;
	size_t start, end;
	unsigned line;
	size_t depth;           /* bracket depth before this token */
	int col0;               /* starts its physical line, not indented */
	unsigned sflags;
	size_t cstart, cend;    /* T_STRING: between the quotes */
	char op[4];
};

struct pylex {
	const char *buf;
	size_t len, pos;
	size_t line_start;
	unsigned line;
	size_t depth;
};

/* Length of the line break at pos: "\n", "\r\n" or a lone "\r". */
static size_t newline_at(const struct pylex *lx, size_t pos)
{
	if (pos >= lx->len)
		return 0;
	if (lx->buf[pos] == '\n')
		return 1;
	if (lx->buf[pos] == '\r')
		return pos + 1 < lx->len && lx->buf[pos + 1] == '\n' ? 2 : 1;
	return 0;
}

static void lex_newline(struct pylex *lx, size_t nl)
{
	lx->pos += nl;
	lx->line++;
	lx->line_start = lx->pos;
}

static int is_ident(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c >= 0x80 || (!first && c >= '0' && c <= '9');
}

/* Flags for a string prefix such as "rb", or -1 if s is no prefix. */
static int string_prefix(const char *s, size_t len)
{
	unsigned flags = 0, seen = 0;
	size_t i;

	if (len > 2)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned f;

		switch (s[i]) {
		case 'r': case 'R':
			f = STR_RAW;
			break;
		case 'b': case 'B':
			f = STR_BYTES;
			break;
		case 'f': case 'F': case 't': case 'T':
			f = STR_FORMAT;
			break;
		case 'u': case 'U':
			if (len != 1)
				return -1;
			f = 0;
			break;
		default:
			return -1;
		}
		if (seen & f)
			return -1;
		seen |= f;
		flags |= f;
	}
	if ((flags & STR_BYTES) && (flags & STR_FORMAT))
		return -1;
	return (int)flags;
}

/*
 * Skip a string nested in an f-string's replacement field (Python 3.12
 * allows even the outer quote there). Single-quoted ones stop at the end
 * of the line, so a misreading cannot run on through the file.
 */
static void skip_nested_string(struct pylex *lx)
{
	char q = lx->buf[lx->pos];
	int triple = lx->pos + 2 < lx->len && lx->buf[lx->pos + 1] == q &&
		     lx->buf[lx->pos + 2] == q;
	size_t nl;

	lx->pos += triple ? 3 : 1;
	while (lx->pos < lx->len) {
		char c = lx->buf[lx->pos];

		if (c == '\\' && lx->pos + 1 < lx->len) {
			lx->pos++;
			if ((nl = newline_at(lx, lx->pos)))
				lex_newline(lx, nl);
			else
				lx->pos++;
		} else if ((nl = newline_at(lx, lx->pos))) {
			if (!triple)
				return;
			lex_newline(lx, nl);
		} else if (c == q && (!triple ||
				      (lx->pos + 2 < lx->len &&
				       lx->buf[lx->pos + 1] == q &&
				       lx->buf[lx->pos + 2] == q))) {
			lx->pos += triple ? 3 : 1;
			return;
		} else {
			lx->pos++;
		}
	}
}

/* lx->pos is at the opening quote. */
static void lex_string(struct pylex *lx, struct tok *t, unsigned flags)
{
	char q = lx->buf[lx->pos];
	int triple = lx->pos + 2 < lx->len && lx->buf[lx->pos + 1] == q &&
		     lx->buf[lx->pos + 2] == q;
	size_t field = 0, nl;

	t->type = T_STRING;
	t->sflags = flags;
	lx->pos += triple ? 3 : 1;
	t->cstart = lx->pos;
	for (;;) {
		char c;

		if (lx->pos >= lx->len) {
			t->sflags |= STR_UNTERMINATED;
			t->cend = lx->len;
			return;
		}
		c = lx->buf[lx->pos];
		if (c == '\\' && lx->pos + 1 < lx->len) {
			/* even in a raw string, \" does not end it */
			lx->pos++;
			if ((nl = newline_at(lx, lx->pos)))
				lex_newline(lx, nl);
			else
				lx->pos++;
			continue;
		}
		if ((nl = newline_at(lx, lx->pos))) {
			if (!triple) {
				t->sflags |= STR_UNTERMINATED;
				t->cend = lx->pos;
				return;
			}
			lex_newline(lx, nl);
			continue;
		}
		if (c == q && triple && lx->pos + 2 < lx->len &&
		    lx->buf[lx->pos + 1] == q && lx->buf[lx->pos + 2] == q) {
			t->cend = lx->pos;
			lx->pos += 3;
			return;
		}
		if (c == q && !triple && !field) {
			t->cend = lx->pos;
			lx->pos++;
			return;
		}
		if (flags & STR_FORMAT) {
			if (c == '{' && !field && lx->pos + 1 < lx->len &&
			    lx->buf[lx->pos + 1] == '{') {
				lx->pos += 2;
				continue;
			}
			if (c == '{') {
				field++;
			} else if (c == '}' && field) {
				field--;
			} else if (field && (c == '\'' || c == '"')) {
				skip_nested_string(lx);
				continue;
			}
		}
		lx->pos++;
	}
}

static const char *const ops[] = {
	"**=", "//=", ">>=", "<<=", "...",
	"->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=",
	"@=", "&=", "|=", "^=", "**", "//", "<<", ">>",
};

static void lex_next(struct pylex *lx, struct tok *t)
{
	const char *buf = lx->buf;
	size_t nl, i;
	int c;

	memset(t, 0, sizeof(*t));
	for (;;) {
		if (lx->pos >= lx->len) {
			t->type = T_EOF;
			t->start = t->end = lx->len;
			t->line = lx->line;
			return;
		}
		c = (unsigned char)buf[lx->pos];
		if (c == ' ' || c == '\t' || c == '\f') {
			lx->pos++;
		} else if ((nl = newline_at(lx, lx->pos))) {
			t->line = lx->line;
			t->start = lx->pos;
			lex_newline(lx, nl);
			if (!lx->depth) {
				t->type = T_NEWLINE;
				t->end = lx->pos;
				return;
			}
		} else if (c == '#') {
			while (lx->pos < lx->len && !newline_at(lx, lx->pos))
				lx->pos++;
		} else if (c == '\\' && (nl = newline_at(lx, lx->pos + 1))) {
			lx->pos++;
			lex_newline(lx, nl);
		} else {
			break;
		}
	}

	t->start = lx->pos;
	t->line = lx->line;
	t->depth = lx->depth;
	/* a form feed resets Python's indentation count */
	for (i = lx->pos; i > lx->line_start && buf[i - 1] == '\f'; i--)
		;
	t->col0 = i == lx->line_start;

	if (is_ident(c, 1)) {
		int flags;

		while (lx->pos < lx->len &&
		       is_ident((unsigned char)buf[lx->pos], 0))
			lx->pos++;
		flags = string_prefix(buf + t->start, lx->pos - t->start);
		if (flags >= 0 && lx->pos < lx->len &&
		    (buf[lx->pos] == '\'' || buf[lx->pos] == '"'))
			lex_string(lx, t, (unsigned)flags);
		else
			t->type = T_NAME;
	} else if (c == '\'' || c == '"') {
		lex_string(lx, t, 0);
	} else if ((c >= '0' && c <= '9') ||
		   (c == '.' && lx->pos + 1 < lx->len &&
		    buf[lx->pos + 1] >= '0' && buf[lx->pos + 1] <= '9')) {
		t->type = T_NUMBER;
		while (lx->pos < lx->len &&
		       (is_ident((unsigned char)buf[lx->pos], 0) ||
			buf[lx->pos] == '.'))
			lx->pos++;
	} else {
		size_t n = 1;

		t->type = T_OP;
		for (i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
			size_t m = strlen(ops[i]);

			if (lx->len - lx->pos >= m &&
			    !memcmp(buf + lx->pos, ops[i], m)) {
				n = m;
				break;
			}
		}
		memcpy(t->op, buf + lx->pos, n);
		lx->pos += n;
		if (n == 1 && (c == '(' || c == '[' || c == '{'))
			lx->depth++;
		else if (n == 1 && (c == ')' || c == ']' || c == '}') &&
			 lx->depth)
			lx->depth--;
	}
	t->end = lx->pos;
}

/* ------------- Alembic .py files: reading the assignments --------------- */

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read exactly n hex digits at s[i..len), or return -1. */
static long read_hex(const char *s, size_t i, size_t len, size_t n)
{
	long v = 0;
	size_t k;

	if (len - i < n)
		return -1;
	for (k = 0; k < n; k++) {
		int h = hex_value((unsigned char)s[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Append the value of a str literal's contents as Python sees it: line
 * breaks become "\n" and, unless raw, escapes are decoded (a "\N{...}"
 * name is kept as written). Returns -1 if the value holds a NUL, which no
 * C string can carry.
 */
static int decode_string(struct strbuf *sb, const char *s, size_t len,
			 int raw)
{
	size_t start = sb->len, i = 0;

	while (i < len) {
		int c = (unsigned char)s[i], e;
		long v;

		if (c == '\r') {
			strbuf_addch(sb, '\n');
			i += i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		if (c != '\\' || raw || i + 1 >= len) {
			strbuf_addch(sb, c);
			i++;
			continue;
		}
		e = (unsigned char)s[i + 1];
		i += 2;
		switch (e) {
		case '\n':
			break;
		case '\r':
			if (i < len && s[i] == '\n')
				i++;
			break;
		case '\\': case '\'': case '"':
			strbuf_addch(sb, e);
			break;
		case 'a': strbuf_addch(sb, '\a'); break;
		case 'b': strbuf_addch(sb, '\b'); break;
		case 'f': strbuf_addch(sb, '\f'); break;
		case 'n': strbuf_addch(sb, '\n'); break;
		case 'r': strbuf_addch(sb, '\r'); break;
		case 't': strbuf_addch(sb, '\t'); break;
		case 'v': strbuf_addch(sb, '\v'); break;
		case 'x': case 'u': case 'U':
			v = read_hex(s, i, len, e == 'x' ? 2 : e == 'u' ? 4 : 8);
			if (v < 0 || v > 0x10ffff) {
				strbuf_addch(sb, '\\');
				strbuf_addch(sb, e);
				break;
			}
			strbuf_add_utf8(sb, (uint32_t)v);
			i += e == 'x' ? 2 : e == 'u' ? 4 : 8;
			break;
		default:
			if (e >= '0' && e <= '7') {
				unsigned long cp = (unsigned long)(e - '0');
				int k;

				for (k = 1; k < 3 && i < len &&
				     s[i] >= '0' && s[i] <= '7'; k++)
					cp = cp * 8 + (unsigned long)(s[i++] - '0');
				strbuf_add_utf8(sb, (uint32_t)cp);
				break;
			}
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, e);
			break;
		}
	}
	return memchr(sb->buf + start, '\0', sb->len - start) ? -1 : 0;
}

enum graph_name {
	G_REVISION,
	G_DOWN_REVISION,
	G_BRANCH_LABELS,
	G_DEPENDS_ON,
	G_SQUASHES,
	G_NR
};

/* "squashes" is git-dbmig's: the ids a squashed .py revision folds in */
static const char *const graph_names[G_NR] = {
	"revision", "down_revision", "branch_labels", "depends_on", "squashes",
};

enum pyval_kind {
	PV_UNSET,
	PV_NONE,
	PV_STR,
	PV_LIST,
};

struct pyval {
	enum pyval_kind kind;
	struct strlist items;   /* PV_STR: one item */
	unsigned line;
};

struct pyparse {
	struct pylex lx;
	struct tok cur;
	const char *name;
	struct strbuf *err;
};

static void advance(struct pyparse *p)
{
	lex_next(&p->lx, &p->cur);
}

static int cur_op(const struct pyparse *p, const char *op)
{
	return p->cur.type == T_OP && !strcmp(p->cur.op, op);
}

static int cur_name(const struct pyparse *p, const char *word)
{
	size_t n = p->cur.end - p->cur.start;

	return p->cur.type == T_NAME && strlen(word) == n &&
	       !memcmp(p->lx.buf + p->cur.start, word, n);
}

/* At a NEWLINE, the end, or a ";" that ends a simple statement. */
static int at_statement_end(const struct pyparse *p)
{
	return p->cur.type == T_EOF || p->cur.type == T_NEWLINE ||
	       (cur_op(p, ";") && !p->cur.depth);
}

static void skip_statement(struct pyparse *p)
{
	while (!at_statement_end(p))
		advance(p);
}

static void skip_logical_line(struct pyparse *p)
{
	while (p->cur.type != T_EOF && p->cur.type != T_NEWLINE)
		advance(p);
}

/*
 * Read adjacent str literals ("a" 'b' is "ab") into sb. Returns -1 for a
 * bytes literal, an f-string, an unterminated string or a NUL; *why
 * says which.
 */
static int read_strings(struct pyparse *p, struct strbuf *sb,
			const char **why)
{
	while (p->cur.type == T_STRING) {
		unsigned f = p->cur.sflags;

		if (f & STR_UNTERMINATED) {
			*why = "unterminated string";
			return -1;
		}
		if (f & (STR_BYTES | STR_FORMAT)) {
			*why = NULL;
			return -1;
		}
		if (decode_string(sb, p->lx.buf + p->cur.cstart,
				  p->cur.cend - p->cur.cstart,
				  !!(f & STR_RAW)) < 0) {
			*why = "NUL character in string";
			return -1;
		}
		advance(p);
	}
	return 0;
}

static int push_strings(struct pyparse *p, struct strlist *l,
			const char **why)
{
	struct strbuf sb = STRBUF_INIT;

	if (read_strings(p, &sb, why) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	strlist_push(l, strbuf_detach(&sb, NULL));
	return 0;
}

/*
 * A value: a string, None, or a tuple or list of strings, with or without
 * brackets. Anything else would need Python to evaluate it.
 */
static int parse_value(struct pyparse *p, struct pyval *v, const char **why)
{
	if (p->cur.type == T_STRING) {
		if (push_strings(p, &v->items, why) < 0)
			return -1;
		v->kind = PV_STR;
		while (cur_op(p, ",") && !p->cur.depth) {
			v->kind = PV_LIST;
			advance(p);
			if (at_statement_end(p))
				break;
			if (p->cur.type != T_STRING ||
			    push_strings(p, &v->items, why) < 0)
				return -1;
		}
	} else if (cur_name(p, "None")) {
		v->kind = PV_NONE;
		advance(p);
	} else if (cur_op(p, "(") || cur_op(p, "[")) {
		const char *close = cur_op(p, "(") ? ")" : "]";
		int tuple = *close == ')', comma = 0;
		size_t depth = p->cur.depth;

		advance(p);
		for (;;) {
			if (cur_op(p, close) && p->cur.depth == depth + 1) {
				advance(p);
				break;
			}
			if (p->cur.type != T_STRING ||
			    push_strings(p, &v->items, why) < 0)
				return -1;
			if (cur_op(p, ",")) {
				comma = 1;
				advance(p);
			} else if (!cur_op(p, close)) {
				return -1;
			}
		}
		/* ("a") is just "a" */
		v->kind = tuple && !comma && v->items.n == 1 ? PV_STR : PV_LIST;
	} else {
		return -1;
	}
	return at_statement_end(p) ? 0 : -1;
}

static int is_augmented(const struct pyparse *p)
{
	size_t n = strlen(p->cur.op);

	return p->cur.type == T_OP &&
	       ((n >= 2 && p->cur.op[n - 1] == '=' &&
		 strcmp(p->cur.op, "==") && strcmp(p->cur.op, "!=") &&
		 strcmp(p->cur.op, "<=") && strcmp(p->cur.op, ">=")) ||
		!strcmp(p->cur.op, ":="));
}

/* p->cur is the name at column 0; on success it is at the statement's end. */
static int parse_assignment(struct pyparse *p, struct pyval *vals, int g)
{
	struct pyval v = { PV_UNSET, { NULL, 0, 0 }, p->cur.line };
	const char *why = NULL;

	advance(p);
	if (cur_op(p, ":")) {
		/* an annotation, and maybe "= value" after it */
		advance(p);
		while (!at_statement_end(p) &&
		       !(cur_op(p, "=") && !p->cur.depth))
			advance(p);
		if (at_statement_end(p))
			return 0;
	} else if (cur_op(p, ",") || is_augmented(p)) {
		goto unreadable;
	} else if (!cur_op(p, "=")) {
		/* "revision.x = ...", "revision(...)": not a rebinding */
		skip_statement(p);
		return 0;
	}
	advance(p);
	if (parse_value(p, &v, &why) < 0)
		goto unreadable;
	strlist_clear(&vals[g].items);
	vals[g] = v;
	return 0;

unreadable:
	strlist_clear(&v.items);
	if (why)
		return error_at(p->err, p->name, v.line, "%s in the value of '%s'",
				why, graph_names[g]);
	return error_at(p->err, p->name, v.line,
			"cannot read the value of '%s' (expected a string, None, or a tuple or list of strings)",
			graph_names[g]);
}

/* Lines starting a compound statement: what follows on them is a body. */
static int is_compound(const struct pyparse *p)
{
	static const char *const kw[] = {
		"if", "elif", "else", "for", "while", "with", "def", "class",
		"try", "except", "finally", "async", "match", "case",
	};
	size_t i;

	if (cur_op(p, "@"))
		return 1;
	for (i = 0; i < sizeof(kw) / sizeof(*kw); i++)
		if (cur_name(p, kw[i]))
			return 1;
	return 0;
}

/* Returns 1 if a docstring was read into doc, 0 if not, -1 on error. */
static int parse_docstring(struct pyparse *p, struct strbuf *doc)
{
	unsigned line = p->cur.line;
	const char *why = NULL;

	if (read_strings(p, doc, &why) < 0) {
		if (why)
			return error_at(p->err, p->name, line,
					"%s in the module docstring", why);
		strbuf_reset(doc);
		skip_statement(p);
		return 0;
	}
	if (!at_statement_end(p)) {
		/* "x".join(...) is no docstring */
		strbuf_reset(doc);
		skip_statement(p);
		return 0;
	}
	return 1;
}

/* The first "Create Date:" line of the docstring. */
static char *doc_create_date(const char *doc)
{
	const char *s = doc;

	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		const char *v;
		size_t vn;

		trim(&s, &n);
		if (n >= 12 && !memcmp(s, "Create Date:", 12)) {
			v = s + 12;
			vn = n - 12;
			trim(&v, &vn);
			return vn ? xstrndup(v, vn) : NULL;
		}
		if (!eol)
			break;
		s = eol + 1;
	}
	return NULL;
}

static int take_ids(struct pyparse *p, struct pyval *v, enum id_kind kind,
		    char ***out, size_t *n)
{
	struct strlist l = { NULL, 0, 0 };
	unsigned char *rep;
	size_t i;

	for (i = 0; i < v->items.n; i++) {
		const char *s = v->items.v[i];

		if (check_id(s, strlen(s), kind, p->name, v->line, p->err) < 0)
			return -1;
	}
	/* Alembic drops repeats (util.dedupe_tuple), keeping the first */
	rep = xmalloc(v->items.n);
	mark_repeats(v->items.v, v->items.n, rep);
	for (i = 0; i < v->items.n; i++)
		if (!rep[i])
			strlist_push(&l, xstrdup(v->items.v[i]));
	free(rep);
	strlist_move(&l, out, n);
	return 0;
}

static int parse_py(struct revfile *rf, const char *name, const char *buf,
		    size_t len, struct strbuf *err)
{
	struct pyparse p;
	struct pyval vals[G_NR];
	struct strbuf doc = STRBUF_INIT;
	int have_doc = 0, first = 1, ret = -1, g;

	memset(&p, 0, sizeof(p));
	memset(vals, 0, sizeof(vals));
	p.lx.buf = buf;
	p.lx.len = len;
	p.lx.line = 1;
	p.name = name;
	p.err = err;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		p.lx.pos = p.lx.line_start = 3;

	advance(&p);
	while (p.cur.type != T_EOF) {
		int module_level;

		if (p.cur.type == T_NEWLINE) {
			advance(&p);
			continue;
		}
		module_level = p.cur.col0;
		if (is_compound(&p)) {
			skip_logical_line(&p);
			first = 0;
			continue;
		}
		/* simple statements, separated by ";" */
		for (;;) {
			int r;

			if (first && p.cur.type == T_STRING) {
				r = parse_docstring(&p, &doc);
				if (r < 0)
					goto cleanup;
				have_doc = r;
			} else if (module_level && p.cur.type == T_NAME) {
				for (g = 0; g < G_NR; g++)
					if (cur_name(&p, graph_names[g]))
						break;
				if (g < G_NR) {
					if (parse_assignment(&p, vals, g) < 0)
						goto cleanup;
				} else {
					skip_statement(&p);
				}
			} else {
				skip_statement(&p);
			}
			first = 0;
			if (!cur_op(&p, ";"))
				break;
			advance(&p);
			if (at_statement_end(&p))
				break;
		}
	}

	if (vals[G_REVISION].kind == PV_UNSET) {
		error_at(err, name, 1, "missing module-level 'revision' assignment");
		goto cleanup;
	}
	if (vals[G_REVISION].kind != PV_STR) {
		error_at(err, name, vals[G_REVISION].line,
			 "'revision' is not a string");
		goto cleanup;
	}
	{
		const char *rev = vals[G_REVISION].items.v[0];

		if (check_id(rev, strlen(rev), ID_REVISION, name,
			     vals[G_REVISION].line, err) < 0)
			goto cleanup;
		rf->revision = xstrdup(rev);
		rf->revision_line = vals[G_REVISION].line;
	}
	if (take_ids(&p, &vals[G_DOWN_REVISION], ID_REVISION,
		     &rf->down_revision, &rf->ndown) < 0 ||
	    take_ids(&p, &vals[G_BRANCH_LABELS], ID_LABEL,
		     &rf->branch_labels, &rf->nlabels) < 0 ||
	    take_ids(&p, &vals[G_DEPENDS_ON], ID_DEPENDENCY,
		     &rf->depends_on, &rf->ndeps) < 0 ||
	    take_ids(&p, &vals[G_SQUASHES], ID_REVISION,
		     &rf->squashes, &rf->nsquashes) < 0)
		goto cleanup;
	rf->down_line = vals[G_DOWN_REVISION].line;
	rf->labels_line = vals[G_BRANCH_LABELS].line;
	rf->deps_line = vals[G_DEPENDS_ON].line;

	if (have_doc) {
		/* Alembic: longdoc = __doc__.strip(); doc = first paragraph */
		const char *s = doc.buf, *para;
		size_t n = doc.len;

		while (n && is_pyspace((unsigned char)*s))
			s++, n--;
		while (n && is_pyspace((unsigned char)s[n - 1]))
			n--;
		rf->doc = xstrndup(s, n);
		para = strstr(rf->doc, "\n\n");
		rf->message = para ? xstrndup(rf->doc, (size_t)(para - rf->doc))
				   : xstrdup(rf->doc);
		rf->create_date = doc_create_date(rf->doc);
	}
	ret = 0;

cleanup:
	for (g = 0; g < G_NR; g++)
		strlist_clear(&vals[g].items);
	strbuf_release(&doc);
	return ret;
}

/* ---------------------------- Entry point ------------------------------- */

int revfile_parse(struct revfile **out, const char *name, const char *buf,
		  size_t len, struct strbuf *err)
{
	struct revfile *rf = NULL;
	const char *nul;
	int ret = -1;

	*out = NULL;
	if (!name)
		BUG("revfile_parse without a name");
	if (!buf && len)
		BUG("revfile_parse: NULL buffer of %zu bytes", len);
	if (!buf)
		buf = "";

	nul = memchr(buf, '\0', len);
	if (nul) {
		unsigned line = 1;
		const char *s;

		for (s = buf; s < nul; s++)
			if (*s == '\n')
				line++;
		error_at(err, name, line, "binary file (NUL byte)");
		goto cleanup;
	}

	rf = xcalloc(1, sizeof(*rf));
	rf->transactional = 1;
	if (has_suffix(name, ".sql")) {
		rf->kind = REVFILE_SQL;
		if (parse_sql(rf, name, buf, len, err) < 0)
			goto cleanup;
	} else if (has_suffix(name, ".py")) {
		rf->kind = REVFILE_PY;
		if (parse_py(rf, name, buf, len, err) < 0)
			goto cleanup;
	} else {
		strbuf_reset(err);
		strbuf_addf(err, "%s: not a revision file (expected a '.sql' or '.py' name)",
			    name);
		goto cleanup;
	}
	rf->bodies = 1;
	*out = rf;
	rf = NULL;
	ret = 0;

cleanup:
	revfile_free(rf);
	return ret;
}
