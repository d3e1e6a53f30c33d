/*
 * config: reads an alembic.ini the way Alembic does, through Python's
 * ConfigParser({"here": <folder of the file>}) in its default, strict
 * mode. The parser follows RawConfigParser._read() line by line: "[name]"
 * headers (the last ']' closes the name, as its greedy regex does), "key =
 * value" or "key: value" split at the first delimiter, keys lowercased,
 * full-line "#" and ";" comments (also when indented), lines indented
 * deeper than their key continuing its value (joined with "\n", empty
 * lines kept inside, trailing ones dropped), a DEFAULT section whose keys
 * every section sees, and errors for a duplicate section or key or for a
 * key before any section. Lines end at "\n", "\r\n" or "\r", as in a file
 * Python opens in text mode.
 *
 * Values are interpolated on demand, as ConfigParser.get() does with
 * BasicInterpolation: "%(name)s" from the same section, DEFAULT or the
 * built-in "here", "%%" for "%", at most 10 levels deep. The result is
 * kept so that every pointer handed out lives as long as the config.
 * Messages that quote a value or a line pass it through url_redact(), as
 * sqlalchemy.url may hold a password.
 *
 * It does not know what the keys mean: that is the callers' business.
 */
#include "config.h"
#include "url.h"
#include "usage.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_SECTION "DEFAULT"
#define MAX_INTERPOLATION_DEPTH 10

struct value {
	char *raw;
	int line;
};

struct section {
	char *name;
	char **keys; /* lowercased, file order */
	struct value *vals;
	size_t nr, keys_alloc, vals_alloc;
};

/* One interpolated value, owned by the config once handed out. */
struct cooked {
	const struct section *sect; /* NULL for DEFAULT */
	char *key;
	char *value;
};

struct cooked_list {
	struct cooked *items;
	size_t nr, alloc;
};

struct config {
	char *name; /* the path as given, for messages */
	char *path;
	char *here;
	struct section defaults;
	struct section *sections;
	size_t nr, alloc;
	char **names;
	size_t names_alloc;
	/*
	 * Filled by config_get() through a const config: a memo, not a
	 * change anyone can see.
	 */
	struct cooked_list *cooked;
};

/* ------------------------------------------------------------------
 * Paths
 */

static int get_cwd(struct strbuf *out, struct strbuf *err)
{
	size_t size = 256;

	for (;;) {
		strbuf_grow(out, size);
		if (getcwd(out->buf, out->alloc)) {
			strbuf_setlen(out, strlen(out->buf));
			return 0;
		}
		if (errno != ERANGE) {
			strbuf_addf(err, "cannot get the current directory: %s",
				    strerror(errno));
			return -1;
		}
		size = out->alloc * 2;
	}
}

/*
 * Python's os.path.abspath(): join to the current directory and fold
 * ".", ".." and repeated slashes.
 */
static int absolute_path(char **out, const char *path, struct strbuf *err)
{
	struct strbuf joined = STRBUF_INIT, res = STRBUF_INIT;
	const char *p;
	int ret = -1;

	*out = NULL;
	if (path[0] != '/') {
		if (get_cwd(&joined, err))
			goto cleanup;
		strbuf_addch(&joined, '/');
	}
	strbuf_addstr(&joined, path);

	for (p = joined.buf; *p;) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = res.len ? strrchr(res.buf, '/') : NULL;

			if (slash)
				strbuf_setlen(&res, (size_t)(slash - res.buf));
		} else if (len && !(len == 1 && p[0] == '.')) {
			strbuf_addch(&res, '/');
			strbuf_add(&res, p, len);
		}
		p += len;
	}
	if (!res.len)
		strbuf_addch(&res, '/');
	*out = strbuf_detach(&res, NULL);
	ret = 0;

cleanup:
	strbuf_release(&joined);
	strbuf_release(&res);
	return ret;
}

int config_abspath(char **out, const char *path, struct strbuf *err)
{
	return absolute_path(out, path, err);
}

/* os.path.abspath(os.path.dirname(path)), as Alembic computes "here". */
static int folder_of(char **out, const char *path, struct strbuf *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int ret;

	if (!slash)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	ret = absolute_path(out, dir, err);
	free(dir);
	return ret;
}

/* ------------------------------------------------------------------
 * Sections
 */

static void lowercase(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void section_release(struct section *sect)
{
	size_t i;

	for (i = 0; i < sect->nr; i++) {
		free(sect->keys[i]);
		free(sect->vals[i].raw);
	}
	free(sect->keys);
	free(sect->vals);
	free(sect->name);
}

static long find_key(const struct section *sect, const char *key)
{
	size_t i;

	for (i = 0; i < sect->nr; i++)
		if (!strcmp(sect->keys[i], key))
			return (long)i;
	return -1;
}

static const struct section *find_section(const struct config *cfg,
					  const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nr; i++)
		if (!strcmp(cfg->sections[i].name, name))
			return &cfg->sections[i];
	return NULL;
}

/* ------------------------------------------------------------------
 * Parsing
 */

struct parser {
	struct config *cfg;
	struct section *cursect; /* NULL before the first header */
	int has_opt;             /* ConfigParser's "optname" is set */
	size_t optidx;
	size_t indent_level;
	struct strbuf val;       /* the value of the current key so far */
	int lineno;
};

/* Store the value being read, without its trailing blank lines. */
static void flush_value(struct parser *ps)
{
	struct strbuf *v = &ps->val;

	while (v->len && isspace((unsigned char)v->buf[v->len - 1]))
		strbuf_setlen(v, v->len - 1);
	if (ps->has_opt)
		ps->cursect->vals[ps->optidx].raw = strbuf_detach(v, NULL);
	strbuf_reset(v);
	ps->has_opt = 0;
}

static void quote_line(struct strbuf *err, const char *b, size_t len)
{
	char *line = xstrndup(b, len);

	strbuf_addch(err, '\'');
	url_redact(err, line);
	strbuf_addch(err, '\'');
	free(line);
}

static int parse_header(struct parser *ps, const char *b, size_t len,
			struct strbuf *err)
{
	struct config *cfg = ps->cfg;
	char *name = xstrndup(b, len);
	struct section *sect;

	flush_value(ps);
	if (!strcmp(name, DEFAULT_SECTION)) {
		free(name);
		ps->cursect = &cfg->defaults;
		return 0;
	}
	if (find_section(cfg, name)) {
		strbuf_addf(err, "%s:%d: section '%s' already exists",
			    cfg->name, ps->lineno, name);
		free(name);
		return -1;
	}
	ALLOC_GROW(cfg->sections, cfg->nr + 1, cfg->alloc);
	ALLOC_GROW(cfg->names, cfg->nr + 1, cfg->names_alloc);
	sect = &cfg->sections[cfg->nr];
	memset(sect, 0, sizeof(*sect));
	sect->name = name;
	cfg->names[cfg->nr++] = name;
	ps->cursect = sect;
	return 0;
}

static int parse_option(struct parser *ps, const char *b, size_t len,
			struct strbuf *err)
{
	struct section *sect = ps->cursect;
	size_t klen = 0, vstart;
	char *key;

	while (klen < len && b[klen] != '=' && b[klen] != ':')
		klen++;

	if (klen >= len) {
		strbuf_addf(err, "%s:%d: expected '[section]' or 'key = value', found ",
			    ps->cfg->name, ps->lineno);
		quote_line(err, b, len);
		return -1;
	}
	vstart = klen + 1;
	while (klen && isspace((unsigned char)b[klen - 1]))
		klen--;
	if (!klen) {
		strbuf_addf(err, "%s:%d: missing key name before '%c' in ",
			    ps->cfg->name, ps->lineno, b[vstart - 1]);
		quote_line(err, b, len);
		return -1;
	}
	key = xstrndup(b, klen);
	lowercase(key);
	if (find_key(sect, key) >= 0) {
		strbuf_addf(err, "%s:%d: option '%s' in section '%s' already exists",
			    ps->cfg->name, ps->lineno, key,
			    sect->name ? sect->name : DEFAULT_SECTION);
		free(key);
		return -1;
	}

	flush_value(ps);
	ALLOC_GROW(sect->keys, sect->nr + 1, sect->keys_alloc);
	ALLOC_GROW(sect->vals, sect->nr + 1, sect->vals_alloc);
	sect->keys[sect->nr] = key;
	sect->vals[sect->nr].raw = NULL;
	sect->vals[sect->nr].line = ps->lineno;
	ps->optidx = sect->nr++;
	ps->has_opt = 1;
	while (vstart < len && isspace((unsigned char)b[vstart]))
		vstart++;
	strbuf_add(&ps->val, b + vstart, len - vstart);
	return 0;
}

/* One line, without its line terminator. */
static int parse_line(struct parser *ps, const char *line, size_t len,
		      struct strbuf *err)
{
	const char *b = line, *e = line + len, *close;
	size_t indent;

	if (memchr(line, '\0', len)) {
		strbuf_addf(err, "%s:%d: NUL byte in line", ps->cfg->name,
			    ps->lineno);
		return -1;
	}
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	if (b < e && (*b == '#' || *b == ';'))
		return 0;
	if (b == e) {
		/* kept inside a value; trailing ones go in flush_value() */
		if (ps->has_opt)
			strbuf_addch(&ps->val, '\n');
		return 0;
	}

	indent = (size_t)(b - line);
	if (ps->has_opt && indent > ps->indent_level) {
		strbuf_addch(&ps->val, '\n');
		strbuf_add(&ps->val, b, (size_t)(e - b));
		return 0;
	}
	ps->indent_level = indent;

	if (*b == '[') {
		for (close = e - 1; close > b + 1 && *close != ']'; close--)
			;
		if (close > b + 1)
			return parse_header(ps, b + 1, (size_t)(close - b - 1),
					    err);
	}
	if (!ps->cursect) {
		strbuf_addf(err, "%s:%d: file contains no section headers: ",
			    ps->cfg->name, ps->lineno);
		quote_line(err, b, (size_t)(e - b));
		return -1;
	}
	return parse_option(ps, b, (size_t)(e - b), err);
}

int config_parse(struct config **out, const char *path, const char *buf,
		 size_t len, struct strbuf *err)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct parser ps = { .cfg = cfg, .val = STRBUF_INIT };
	const char *p = buf, *end = buf + len;

	*out = NULL;
	cfg->name = xstrdup(path);
	cfg->cooked = xcalloc(1, sizeof(*cfg->cooked));
	if (absolute_path(&cfg->path, path, err) ||
	    folder_of(&cfg->here, path, err))
		goto fail;

	while (p < end) {
		size_t n = 0;

		while (p + n < end && p[n] != '\n' && p[n] != '\r')
			n++;
		ps.lineno++;
		if (parse_line(&ps, p, n, err))
			goto fail;
		p += n;
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p += 2;
		else if (p < end)
			p++;
	}
	flush_value(&ps);
	strbuf_release(&ps.val);
	*out = cfg;
	return 0;

fail:
	strbuf_release(&ps.val);
	config_free(cfg);
	return -1;
}

int config_load(struct config **out, const char *path, struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	int ret = -1;

	*out = NULL;
	if (strbuf_read_file(&buf, path)) {
		strbuf_addf(err, "could not read config file '%s': %s", path,
			    strerror(errno));
		goto cleanup;
	}
	ret = config_parse(out, path, buf.buf, buf.len, err);

cleanup:
	strbuf_release(&buf);
	return ret;
}

void config_free(struct config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	section_release(&cfg->defaults);
	for (i = 0; i < cfg->nr; i++)
		section_release(&cfg->sections[i]);
	free(cfg->sections);
	free(cfg->names);
	if (cfg->cooked) {
		for (i = 0; i < cfg->cooked->nr; i++) {
			free(cfg->cooked->items[i].key);
			free(cfg->cooked->items[i].value);
		}
		free(cfg->cooked->items);
		free(cfg->cooked);
	}
	free(cfg->name);
	free(cfg->path);
	free(cfg->here);
	free(cfg);
}

/* ------------------------------------------------------------------
 * Lookups and interpolation
 */

const char *config_path(const struct config *cfg)
{
	return cfg->path;
}

const char *config_here(const struct config *cfg)
{
	return cfg->here;
}

int config_has_section(const struct config *cfg, const char *section)
{
	return find_section(cfg, section) != NULL;
}

size_t config_sections(const struct config *cfg, const char *const **out)
{
	*out = (const char *const *)cfg->names;
	return cfg->nr;
}

size_t config_keys(const struct config *cfg, const char *section,
		   const char *const **out)
{
	const struct section *sect = strcmp(section, DEFAULT_SECTION) ?
		find_section(cfg, section) : &cfg->defaults;

	*out = NULL;
	if (!sect)
		return 0;
	*out = (const char *const *)sect->keys;
	return sect->nr;
}

/*
 * The raw value of key as section sect sees it (sect NULL: DEFAULT), or
 * NULL. *here is set when it is the built-in %(here)s, which is used as
 * it is: a folder name with a '%' in it is not a syntax error.
 */
static const struct value *lookup(const struct config *cfg,
				  const struct section *sect, const char *key,
				  int *here)
{
	static const struct value none;
	long i;

	*here = 0;
	if (sect && (i = find_key(sect, key)) >= 0)
		return &sect->vals[i];
	if ((i = find_key(&cfg->defaults, key)) >= 0)
		return &cfg->defaults.vals[i];
	if (!strcmp(key, "here")) {
		*here = 1;
		return &none;
	}
	return NULL;
}

struct interp {
	const struct config *cfg;
	const struct section *sect;
	const char *section;
	const char *option;
	const struct value *orig;
};

static void interp_error(const struct interp *in, struct strbuf *err,
			 const char *what)
{
	strbuf_addf(err, "%s:%d: %s: option '%s' in section '%s'",
		    in->cfg->name, in->orig->line, what, in->option,
		    in->section);
}

static void quote_value(struct strbuf *err, const char *v)
{
	strbuf_addch(err, '\'');
	url_redact(err, v);
	strbuf_addch(err, '\'');
}

/* BasicInterpolation._interpolate_some() */
static int interpolate(const struct interp *in, struct strbuf *acc,
		       const char *value, int depth, struct strbuf *err)
{
	const char *rest = value;

	if (depth > MAX_INTERPOLATION_DEPTH) {
		interp_error(in, err, "recursion limit exceeded in value substitution");
		strbuf_addf(err, " contains an interpolation key which cannot be"
			    " substituted in %d steps; raw value: ",
			    MAX_INTERPOLATION_DEPTH);
		quote_value(err, in->orig->raw);
		return -1;
	}
	while (*rest) {
		const char *pct = strchr(rest, '%'), *close;
		const struct value *v;
		char *name;
		int here;

		if (!pct) {
			strbuf_addstr(acc, rest);
			break;
		}
		strbuf_add(acc, rest, (size_t)(pct - rest));
		rest = pct;
		if (rest[1] == '%') {
			strbuf_addch(acc, '%');
			rest += 2;
			continue;
		}
		if (rest[1] != '(') {
			interp_error(in, err, "bad interpolation");
			strbuf_addstr(err, ": '%' must be followed by '%' or '(' in ");
			quote_value(err, value);
			return -1;
		}
		close = strchr(rest + 2, ')');
		if (!close || close == rest + 2 || close[1] != 's') {
			interp_error(in, err, "bad interpolation variable reference");
			strbuf_addstr(err, " in ");
			quote_value(err, value);
			return -1;
		}
		name = xstrndup(rest + 2, (size_t)(close - rest - 2));
		lowercase(name);
		rest = close + 2;
		v = lookup(in->cfg, in->sect, name, &here);
		if (!v) {
			interp_error(in, err, "bad value substitution");
			strbuf_addf(err, " contains an interpolation key '%s' which"
				    " is not a valid option name; raw value: ", name);
			quote_value(err, in->orig->raw);
			free(name);
			return -1;
		}
		free(name);
		if (here)
			strbuf_addstr(acc, in->cfg->here);
		else if (!strchr(v->raw, '%'))
			strbuf_addstr(acc, v->raw);
		else if (interpolate(in, acc, v->raw, depth + 1, err))
			return -1;
	}
	return 0;
}

int config_get(const struct config *cfg, const char *section, const char *key,
	       const char **out, struct strbuf *err)
{
	struct cooked_list *cl = cfg->cooked;
	struct strbuf acc = STRBUF_INIT;
	const struct section *sect = NULL;
	const struct value *v;
	struct interp in;
	char *lkey = NULL;
	size_t i;
	int here, ret = 1;

	*out = NULL;
	if (strcmp(section, DEFAULT_SECTION) &&
	    !(sect = find_section(cfg, section)))
		goto cleanup;
	lkey = xstrdup(key);
	lowercase(lkey);

	for (i = 0; i < cl->nr; i++) {
		const struct cooked *c = &cl->items[i];

		if (c->sect == sect && !strcmp(c->key, lkey)) {
			*out = c->value;
			ret = 0;
			goto cleanup;
		}
	}

	v = lookup(cfg, sect, lkey, &here);
	if (!v)
		goto cleanup;
	if (here) {
		*out = cfg->here;
		ret = 0;
		goto cleanup;
	}

	in.cfg = cfg;
	in.sect = sect;
	in.section = section;
	in.option = lkey;
	in.orig = v;
	if (interpolate(&in, &acc, v->raw, 1, err)) {
		ret = -1;
		goto cleanup;
	}
	ALLOC_GROW(cl->items, cl->nr + 1, cl->alloc);
	cl->items[cl->nr].sect = sect;
	cl->items[cl->nr].key = lkey;
	cl->items[cl->nr].value = strbuf_detach(&acc, NULL);
	*out = cl->items[cl->nr++].value;
	lkey = NULL;
	ret = 0;

cleanup:
	free(lkey);
	strbuf_release(&acc);
	return ret;
}
