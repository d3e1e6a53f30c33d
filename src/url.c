/*
 * url: splits a database URL into its parts the way SQLAlchemy's
 * make_url() does, so that a URL Alembic accepts means the same thing
 * here: the same regular-expression rules for where the user name, the
 * password, the host and the port end, the query string read like
 * urllib's parse_qsl() (blank values dropped, '+' is a space), and the
 * same repr() with the password shown as ***. On top of SQLAlchemy it
 * accepts several comma-separated hosts (an rqlite cluster), decodes the
 * database name, refuses bad percent-escapes and ports instead of
 * passing them on, and rejects a sqlite URL with a host or a user as
 * SQLAlchemy's pysqlite dialect does when it connects.
 *
 * It does not connect, resolve host names or make sqlite paths absolute.
 * url_redact() is the one place that knows what a password looks like;
 * every error message goes through it.
 */
#include "url.h"
#include "usage.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------
 * Schemes
 */

static const struct scheme {
	const char *name;   /* the part before '+' */
	const char *driver; /* required driver, or NULL for any */
	enum url_kind kind;
	const char *backend;
} schemes[] = {
	{ "sqlite", "libsql", URL_LIBSQL, "libsql" },
	{ "sqlite", NULL, URL_SQLITE, "sqlite" },
	{ "postgresql", NULL, URL_POSTGRESQL, "postgresql" },
	{ "postgres", NULL, URL_POSTGRESQL, "postgresql" },
	{ "rqlite", NULL, URL_RQLITE, "rqlite" },
	{ "libsql", NULL, URL_LIBSQL, "libsql" },
};

static const struct scheme *find_scheme(const char *name, size_t namelen,
					const char *driver)
{
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		const struct scheme *s = &schemes[i];

		if (strlen(s->name) != namelen ||
		    strncmp(s->name, name, namelen))
			continue;
		if (s->driver && (!driver || strcmp(s->driver, driver)))
			continue;
		return s;
	}
	return NULL;
}

/* ------------------------------------------------------------------
 * Password redaction
 */

/*
 * Where the user information of the URL body s (the text after "://")
 * ends, following SQLAlchemy's pattern
 * "(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@". Returns the offset of
 * the '@', or -1 when there is none; *colon is the offset of the ':'
 * before a password, or -1.
 */
static long find_userinfo(const char *s, long *colon)
{
	size_t k = strcspn(s, ":/");
	const char *at;
	long i;

	*colon = -1;
	if (s[k] == ':' && (at = strchr(s + k + 1, '@'))) {
		*colon = (long)k;
		return at - s;
	}
	for (i = (long)k - 1; i >= 0; i--)
		if (s[i] == '@')
			return i;
	return -1;
}

static int all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

void url_redact(struct strbuf *out, const char *text)
{
	const char *p = text, *sep;

	while ((sep = strstr(p, "://"))) {
		const char *s = sep + 3;
		long colon, at = find_userinfo(s, &colon);

		strbuf_add(out, p, (size_t)(s - p));
		if (at >= 0 && colon >= 0) {
			strbuf_add(out, s, (size_t)colon + 1);
			strbuf_addstr(out, "***");
			p = s + at;
			continue;
		}
		if (at < 0 && s[0] != '[') {
			/*
			 * "scheme://user:secret/db" has no '@', so for
			 * SQLAlchemy "secret" is a port; it is more likely a
			 * password whose host was forgotten. Hide it unless it
			 * is a number.
			 */
			size_t k = strcspn(s, ":/");

			if (s[k] == ':') {
				const char *v = s + k + 1;
				size_t vlen = strcspn(v, "/?,");

				if (!all_digits(v, vlen)) {
					strbuf_add(out, s, k + 1);
					strbuf_addstr(out, "***");
					p = v + vlen;
					continue;
				}
			}
		}
		p = s;
	}
	strbuf_addstr(out, p);
}

/* ------------------------------------------------------------------
 * Parsing
 */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode len bytes of s into a new string; plus_is_space for
 * query strings. A '%' without two hex digits, or "%00" (which would cut
 * the string short), is an error.
 */
static int decode(char **out, const char *s, size_t len, int plus_is_space)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	*out = NULL;
	strbuf_grow(&sb, len);
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '+' && plus_is_space) {
			strbuf_addch(&sb, ' ');
			continue;
		}
		if (s[i] != '%') {
			strbuf_addch(&sb, s[i]);
			continue;
		}
		if (i + 2 >= len) {
			strbuf_release(&sb);
			return -1;
		}
		hi = hexval((unsigned char)s[i + 1]);
		lo = hexval((unsigned char)s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			strbuf_release(&sb);
			return -1;
		}
		strbuf_addch(&sb, hi * 16 + lo);
		i += 2;
	}
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

static void set_error(struct strbuf *err, const char *text, const char *what)
{
	strbuf_addf(err, "%s '", what);
	url_redact(err, text);
	strbuf_addch(err, '\'');
}

/*
 * Without "://" url_redact() finds no password, but "scheme:/user:pw@h"
 * is a likely typo: hide everything from the first ':' to the last '@'.
 */
static void unparsable_error(struct strbuf *err, const char *text)
{
	const char *colon = strchr(text, ':'), *at = strrchr(text, '@');

	strbuf_addstr(err, "could not parse database URL '");
	if (colon && at && colon < at) {
		strbuf_add(err, text, (size_t)(colon - text) + 1);
		strbuf_addf(err, "***%s'", at);
	} else {
		strbuf_addf(err, "%s'", text);
	}
}

static int parse_port(int *out, const char *s, size_t len)
{
	long v;

	if (!len || len > 5 || !all_digits(s, len))
		return -1;
	v = strtol(s, NULL, 10);
	if (v < 1 || v > 65535)
		return -1;
	*out = (int)v;
	return 0;
}

/* One "host", "host:port", "[v6]" or "[v6]:port" of the host list. */
static int parse_host(struct url_host *h, const char *s, size_t len,
		      const char *text, struct strbuf *err)
{
	const char *end = s + len, *hend, *colon;

	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (!close || close == s + 1 ||
		    (close + 1 < end && close[1] != ':')) {
			set_error(err, text, "invalid IPv6 host in database URL");
			return -1;
		}
		h->host = xstrndup(s + 1, (size_t)(close - s - 1));
		colon = close + 1 < end ? close + 1 : NULL;
	} else {
		colon = memchr(s, ':', len);
		hend = colon ? colon : end;
		h->host = xstrndup(s, (size_t)(hend - s));
	}
	if (colon &&
	    parse_port(&h->port, colon + 1, (size_t)(end - colon - 1))) {
		set_error(err, text, "invalid port in database URL");
		return -1;
	}
	return 0;
}

static int parse_hosts(struct url *u, const char *s, size_t len,
		       const char *text, struct strbuf *err)
{
	const char *end = s + len;
	size_t alloc = 0;

	if (!len)
		return 0;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *e = comma ? comma : end;
		struct url_host *h;

		if (e == s) {
			set_error(err, text, "empty host in database URL");
			return -1;
		}
		ALLOC_GROW(u->hosts, u->nhosts + 1, alloc);
		h = &u->hosts[u->nhosts++];
		h->host = NULL;
		h->port = 0;
		if (parse_host(h, s, (size_t)(e - s), text, err))
			return -1;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* The query string as parse_qsl() reads it: '&'-separated, blanks dropped. */
static int parse_query(struct url *u, const char *q, const char *text,
		       struct strbuf *err)
{
	size_t alloc = 0;

	while (*q) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		struct url_param *p;

		if (!eq || eq + 1 == q + len) {
			q += len + (q[len] == '&');
			continue;
		}
		ALLOC_GROW(u->params, u->nparams + 1, alloc);
		p = &u->params[u->nparams++];
		p->value = NULL;
		if (decode(&p->key, q, (size_t)(eq - q), 1) ||
		    decode(&p->value, eq + 1, (size_t)(q + len - eq - 1), 1)) {
			set_error(err, text,
				  "invalid percent-escape in a query parameter of database URL");
			return -1;
		}
		q += len + (q[len] == '&');
	}
	return 0;
}

static int valid_scheme(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '+')
			return 0;
	return 1;
}

int url_parse(struct url **out, const char *text, struct strbuf *err)
{
	struct url *u = xcalloc(1, sizeof(*u));
	const struct scheme *sch;
	const char *sep = strstr(text, "://"), *plus, *s, *rest;
	size_t hostlen;
	long colon, at;

	*out = NULL;
	if (!sep) {
		unparsable_error(err, text);
		goto fail;
	}
	if (!valid_scheme(text, (size_t)(sep - text))) {
		set_error(err, text, "could not parse database URL");
		goto fail;
	}
	u->scheme = xstrndup(text, (size_t)(sep - text));
	plus = strchr(u->scheme, '+');
	if (plus)
		u->driver = xstrdup(plus + 1);
	sch = find_scheme(u->scheme, plus ? (size_t)(plus - u->scheme) :
			  strlen(u->scheme), u->driver);
	if (!sch || (u->driver && (!*u->driver || strchr(u->driver, '+')))) {
		strbuf_addf(err, "unknown database URL scheme '%s' in '", u->scheme);
		url_redact(err, text);
		strbuf_addch(err, '\'');
		goto fail;
	}
	u->kind = sch->kind;
	u->backend = xstrdup(sch->backend);

	s = sep + 3;
	at = find_userinfo(s, &colon);
	rest = s;
	if (at >= 0) {
		size_t ulen = (size_t)(colon >= 0 ? colon : at);

		if (decode(&u->user, s, ulen, 0)) {
			set_error(err, text,
				  "invalid percent-escape in the user name of database URL");
			goto fail;
		}
		if (colon >= 0 && decode(&u->password, s + colon + 1,
					 (size_t)(at - colon - 1), 0)) {
			set_error(err, text,
				  "invalid percent-escape in the password of database URL");
			goto fail;
		}
		rest = s + at + 1;
	}

	hostlen = strcspn(rest, "/?");
	if (parse_hosts(u, rest, hostlen, text, err))
		goto fail;
	rest += hostlen;

	if (*rest == '/') {
		size_t dblen = strcspn(rest + 1, "?");

		if (decode(&u->database, rest + 1, dblen, 0)) {
			set_error(err, text,
				  "invalid percent-escape in the database name of database URL");
			goto fail;
		}
		rest += 1 + dblen;
	}
	if (*rest == '?' && parse_query(u, rest + 1, text, err))
		goto fail;

	if (u->kind == URL_SQLITE) {
		if (u->user || u->password || u->nhosts) {
			set_error(err, text, "invalid SQLite URL");
			strbuf_addstr(err, ": a user, host or port is not allowed;"
				      " use sqlite:///relative.db, sqlite:////absolute.db"
				      " or sqlite:// (in memory)");
			goto fail;
		}
		if (u->database && (!*u->database ||
				    !strcmp(u->database, ":memory:"))) {
			free(u->database);
			u->database = NULL;
		}
	}
	*out = u;
	return 0;

fail:
	url_free(u);
	return -1;
}

void url_free(struct url *u)
{
	size_t i;

	if (!u)
		return;
	free(u->scheme);
	free(u->backend);
	free(u->driver);
	free(u->user);
	free(u->password);
	for (i = 0; i < u->nhosts; i++)
		free(u->hosts[i].host);
	free(u->hosts);
	free(u->database);
	for (i = 0; i < u->nparams; i++) {
		free(u->params[i].key);
		free(u->params[i].value);
	}
	free(u->params);
	free(u);
}

const char *url_param(const struct url *u, const char *key)
{
	size_t i;

	for (i = 0; i < u->nparams; i++)
		if (!strcmp(u->params[i].key, key))
			return u->params[i].value;
	return NULL;
}

/* ------------------------------------------------------------------
 * Display
 */

/* urllib.parse.quote(): unreserved bytes and those in safe stay. */
static void quote(struct strbuf *out, const char *s, const char *safe,
		  int space_is_plus)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' && space_is_plus)
			strbuf_addch(out, '+');
		else if (isalnum(c) || (c && strchr("_.-~", c)) ||
			 (c && strchr(safe, c)))
			strbuf_addch(out, c);
		else
			strbuf_addf(out, "%%%02X", c);
	}
}

static int cmp_param(const void *a, const void *b)
{
	const struct url_param *const *pa = a, *const *pb = b;
	int c = strcmp((*pa)->key, (*pb)->key);

	/* qsort is not stable: keep the order of repeated keys by hand */
	if (c)
		return c;
	return *pa < *pb ? -1 : *pa > *pb;
}

/* Query parameters that carry a secret: shown as *** like the password. */
static int secret_param(const char *key)
{
	static const char *const names[] = {
		"authtoken", "auth_token", "token", "password", "sslpassword", "secret",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(key, names[i]))
			return 1;
	return 0;
}

void url_display(struct strbuf *out, const struct url *u)
{
	size_t i;

	strbuf_addf(out, "%s://", u->scheme);
	if (u->user) {
		quote(out, u->user, " +", 0);
		if (u->password)
			strbuf_addstr(out, ":***");
		strbuf_addch(out, '@');
	}
	for (i = 0; i < u->nhosts; i++) {
		const struct url_host *h = &u->hosts[i];

		if (i)
			strbuf_addch(out, ',');
		if (strchr(h->host, ':'))
			strbuf_addf(out, "[%s]", h->host);
		else
			strbuf_addstr(out, h->host);
		if (h->port)
			strbuf_addf(out, ":%d", h->port);
	}
	if (u->database)
		strbuf_addf(out, "/%s", u->database);
	if (u->nparams) {
		const struct url_param **sorted =
			xmalloc(u->nparams * sizeof(*sorted));

		for (i = 0; i < u->nparams; i++)
			sorted[i] = &u->params[i];
		qsort(sorted, u->nparams, sizeof(*sorted), cmp_param);
		for (i = 0; i < u->nparams; i++) {
			strbuf_addch(out, i ? '&' : '?');
			quote(out, sorted[i]->key, " ", 1);
			strbuf_addch(out, '=');
			if (secret_param(sorted[i]->key))
				strbuf_addstr(out, "***");
			else
				quote(out, sorted[i]->value, " ", 1);
		}
		free(sorted);
	}
}
