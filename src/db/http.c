/*
 * db/http.c: the part of the rqlite and libSQL backends that does not
 * depend on the server's API (see http.h): the libcurl client, the split
 * of a script into statements, the statements held from BEGIN to COMMIT,
 * and the run lock kept in a table. JSON is built and read with jansson.
 *
 * Neither rqlite nor sqld over HTTP keeps a transaction open between
 * requests the way a connection does (rqlite has none at all), so a
 * revision is sent whole: BEGIN starts holding statements, COMMIT sends
 * them in one request that the server runs as one transaction. A body's
 * failing statement is then known only at COMMIT; http_db_commit()
 * reports it with its line, as exec_script() would have.
 *
 * This file does not print, except the DBMIG_HTTP_TRACE lines.
 */
#include "db/http.h"
#include "usage.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dynlib.h"
#ifdef DBMIG_DLOPEN
#include "dynlib-sonames.h"

#define CU_FUNCS(X) \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init) \
	X(curl_easy_perform) X(curl_easy_reset) X(curl_easy_setopt) \
	X(curl_easy_strerror) X(curl_global_init) X(curl_slist_append) \
	X(curl_slist_free_all)
static struct { CU_FUNCS(DYNLIB_SLOT) } cu;
static int cu_loaded;
static const char *const cu_names[] = { CU_FUNCS(DYNLIB_NAME) };
#define curl_easy_cleanup (cu.curl_easy_cleanup)
/* curl.h makes these two macros, with or without its type checks */
#undef curl_easy_getinfo
#undef curl_easy_setopt
#define curl_easy_getinfo (cu.curl_easy_getinfo)
#define curl_easy_init (cu.curl_easy_init)
#define curl_easy_perform (cu.curl_easy_perform)
#define curl_easy_reset (cu.curl_easy_reset)
#define curl_easy_setopt (cu.curl_easy_setopt)
#define curl_easy_strerror (cu.curl_easy_strerror)
#define curl_global_init (cu.curl_global_init)
#define curl_slist_append (cu.curl_slist_append)
#define curl_slist_free_all (cu.curl_slist_free_all)
#endif

/* ------------------------------------------------------------------
 * HTTP client
 */

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
	strbuf_add(arg, data, size * n);
	return size * n;
}

static int dump_to_strbuf(const char *buf, size_t size, void *arg)
{
	strbuf_add(arg, buf, size);
	return 0;
}

static int truthy(const char *v)
{
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") ||
		     !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
}

static int seconds_param(const struct url *u, const char *key, long *ms,
			 struct strbuf *err)
{
	const char *v = url_param(u, key);
	char *end;
	double s;

	if (!v)
		return 0;
	errno = 0;
	s = strtod(v, &end);
	if (errno || end == v || *end || s < 0 || s > 86400 * 7) {
		strbuf_addf(err, "query parameter '%s' of the database URL: '%s' is not a number of seconds",
			    key, v);
		return -1;
	}
	*ms = (long)(s * 1000);
	return 0;
}

int http_client_init(struct http_client *c, const struct url *u,
		     const struct http_client_opts *o, const char *display,
		     struct strbuf *err)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	if (DYNLIB_LOAD(cu, DYNLIB_SONAME_CURL, "libcurl", err))
		return -1;
	c->display = display;
	c->connect_timeout_ms = 10000;
	c->timeout_ms = 60000;
	c->trace = getenv("DBMIG_HTTP_TRACE") && *getenv("DBMIG_HTTP_TRACE");
	if (seconds_param(u, "connect_timeout", &c->connect_timeout_ms, err) ||
	    seconds_param(u, "timeout", &c->timeout_ms, err))
		return -1;
	if (!u->nhosts) {
		strbuf_addf(err, "the %s URL '%s' names no host", u->backend, display);
		return -1;
	}
	c->bases = xcalloc(u->nhosts, sizeof(*c->bases));
	for (i = 0; i < u->nhosts; i++) {
		struct strbuf b = STRBUF_INIT;
		const char *h = u->hosts[i].host;

		strbuf_addf(&b, "%s://", o->https ? "https" : "http");
		if (strchr(h, ':'))
			strbuf_addf(&b, "[%s]", h);
		else
			strbuf_addstr(&b, h);
		strbuf_addf(&b, ":%d", u->hosts[i].port ? u->hosts[i].port : o->default_port);
		c->bases[c->nbases++] = strbuf_detach(&b, NULL);
	}
	if (u->user)
		c->user = xstrdup(u->user);
	if (u->password)
		c->password = xstrdup(u->password);
	if (url_param(u, "cacert"))
		c->cacert = xstrdup(url_param(u, "cacert"));
	if (url_param(u, "capath"))
		c->capath = xstrdup(url_param(u, "capath"));
	c->insecure = truthy(url_param(u, "insecure"));
	c->headers = curl_slist_append(NULL, "Content-Type: application/json");
	c->headers = curl_slist_append(c->headers, "Accept: application/json");
	if (o->bearer && *o->bearer) {
		struct strbuf h = STRBUF_INIT;

		strbuf_addf(&h, "Authorization: Bearer %s", o->bearer);
		c->headers = curl_slist_append(c->headers, h.buf);
		memset(h.buf, 0, h.len);
		strbuf_release(&h);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c->curl = curl_easy_init();
	if (!c->curl) {
		strbuf_addstr(err, "cannot start libcurl");
		return -1;
	}
	return 0;
}

static void free_secret(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void http_client_release(struct http_client *c)
{
	size_t i;

	if (c->curl)
		curl_easy_cleanup(c->curl);
	for (i = 0; i < c->nbases; i++)
		free(c->bases[i]);
	free(c->bases);
	/* no headers: libcurl may never have been loaded (a bad URL) */
	if (c->headers)
		curl_slist_free_all(c->headers);
	free(c->user);
	free_secret(c->password);
	free(c->cacert);
	free(c->capath);
	memset(c, 0, sizeof(*c));
}

static long now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int http_post(struct http_client *c, const char *path, json_t *body,
	      long *status, json_t **out, struct strbuf *raw,
	      struct strbuf *err)
{
	struct strbuf body_text = STRBUF_INIT, why = STRBUF_INIT;
	const char *text;
	size_t tried;
	int ret = HTTP_ERR_CONNECT;

	*status = 0;
	*out = NULL;
	/* into our own buffer: jansson's allocator is not ours to free with */
	if (json_dump_callback(body, dump_to_strbuf, &body_text, JSON_COMPACT)) {
		strbuf_release(&body_text);
		strbuf_addstr(err, "cannot encode a request as JSON");
		return -1;
	}
	text = body_text.buf;
	c->timed_out = 0;
	for (tried = 0; tried < c->nbases; tried++) {
		size_t h = (c->current + tried) % c->nbases;
		char ebuf[CURL_ERROR_SIZE];
		struct strbuf url = STRBUF_INIT;
		curl_off_t pretransfer = 0;
		long sent = 0;
		long t0 = now_ms();
		CURLcode rc;
		CURL *k = c->curl;

		curl_easy_reset(k);
		strbuf_addf(&url, "%s%s", c->bases[h], path);
		strbuf_reset(raw);
		ebuf[0] = '\0';
		curl_easy_setopt(k, CURLOPT_URL, url.buf);
		curl_easy_setopt(k, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE, (long)body_text.len);
		curl_easy_setopt(k, CURLOPT_HTTPHEADER, c->headers);
		curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(k, CURLOPT_WRITEDATA, raw);
		curl_easy_setopt(k, CURLOPT_ERRORBUFFER, ebuf);
		curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(k, CURLOPT_MAXREDIRS, 5L);
		curl_easy_setopt(k, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
		/* credentials go to the redirect's host: it is the same cluster */
		curl_easy_setopt(k, CURLOPT_UNRESTRICTED_AUTH, 1L);
		curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
		if (c->timeout_ms)
			curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, c->timeout_ms);
		curl_easy_setopt(k, CURLOPT_USERAGENT, "git-dbmig");
		if (c->user) {
			curl_easy_setopt(k, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(k, CURLOPT_USERNAME, c->user);
			curl_easy_setopt(k, CURLOPT_PASSWORD, c->password ? c->password : "");
		}
		if (c->cacert)
			curl_easy_setopt(k, CURLOPT_CAINFO, c->cacert);
		if (c->capath)
			curl_easy_setopt(k, CURLOPT_CAPATH, c->capath);
		if (c->insecure) {
			curl_easy_setopt(k, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(k, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		rc = curl_easy_perform(k);
		c->requests++;
		if (rc == CURLE_OK)
			curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, status);
		curl_easy_getinfo(k, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
		if (c->trace)
			fprintf(stderr, "http: POST %s -> %ld%s%s (%ld ms)\n", url.buf, *status,
				rc == CURLE_OK ? "" : " ", rc == CURLE_OK ? "" : curl_easy_strerror(rc),
				now_ms() - t0);
		strbuf_release(&url);
		if (rc == CURLE_OK) {
			c->current = h;
			ret = HTTP_OK;
			break;
		}
		c->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		if (why.len)
			strbuf_addstr(&why, "; ");
		/* base + path: a port followed by ':' would read as a password to url_redact() */
		strbuf_addf(&why, "%s%s: %s", c->bases[h], path, *ebuf ? ebuf : curl_easy_strerror(rc));
		/*
		 * Bytes of the request sent, not the pretransfer time: curl 8
		 * (Debian testing) sets that timer on a refused connection too.
		 */
		curl_easy_getinfo(k, CURLINFO_REQUEST_SIZE, &sent);
		if (pretransfer > 0 && sent > 0 && rc != CURLE_COULDNT_CONNECT &&
		    rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_SSL_CONNECT_ERROR &&
		    rc != CURLE_PEER_FAILED_VERIFICATION) {
			/* the request went out: sending it elsewhere could run it twice */
			c->current = h;
			ret = HTTP_ERR_UNKNOWN;
			break;
		}
	}
	if (ret == HTTP_OK) {
		json_error_t jerr;

		*out = json_loadb(raw->buf, raw->len, 0, &jerr);
	} else if (ret == HTTP_ERR_CONNECT) {
		strbuf_addf(err, "cannot connect to '%s': %s", c->display, why.buf);
		if (c->timed_out)
			strbuf_addf(err, " (connect_timeout=%.3g)", (double)c->connect_timeout_ms / 1000);
	} else if (c->timed_out) {
		strbuf_addf(err, "timed out after %.3g s waiting for an answer from '%s' (timeout=%.3g; %s): the request may or may not have taken effect",
			    (double)c->timeout_ms / 1000, c->display, (double)c->timeout_ms / 1000, why.buf);
	} else {
		strbuf_addf(err, "no answer from '%s' (%s): the request may or may not have taken effect",
			    c->display, why.buf);
	}
	strbuf_release(&why);
	strbuf_release(&body_text);
	return ret;
}

void http_describe_status(struct strbuf *err, long status,
			  const struct strbuf *raw)
{
	size_t n = strcspn(raw->buf, "\r\n");

	strbuf_addf(err, "HTTP %ld", status);
	switch (status) {
	case 401: strbuf_addstr(err, " Unauthorized"); break;
	case 403: strbuf_addstr(err, " Forbidden"); break;
	case 404: strbuf_addstr(err, " Not Found"); break;
	case 500: strbuf_addstr(err, " Internal Server Error"); break;
	case 503: strbuf_addstr(err, " Service Unavailable"); break;
	default: break;
	}
	if (n > 300)
		n = 300;
	if (n) {
		strbuf_addstr(err, ": ");
		strbuf_add(err, raw->buf, n);
	}
}

/* ------------------------------------------------------------------
 * Statements
 */

void http_stmts_add(struct http_stmts *s, const char *sql, size_t len,
		    const char *const *params, size_t nparams, unsigned line)
{
	struct http_stmt *st;
	size_t i;

	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	st = &s->v[s->n++];
	st->sql = xstrndup(sql, len);
	st->nparams = nparams;
	st->params = nparams ? xcalloc(nparams, sizeof(*st->params)) : NULL;
	for (i = 0; i < nparams; i++)
		st->params[i] = params[i] ? xstrdup(params[i]) : NULL;
	st->line = line;
}

void http_stmts_clear(struct http_stmts *s)
{
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].sql);
		for (j = 0; j < s->v[i].nparams; j++)
			free(s->v[i].params[j]);
		free(s->v[i].params);
	}
	free(s->v);
	s->v = NULL;
	s->n = s->alloc = 0;
}

/* Skip white space and comments from p; the first byte of a token, or the end. */
static const char *skip_blank(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

static unsigned count_lines(const char *from, const char *to)
{
	unsigned n = 0;

	for (; from < to; from++)
		if (*from == '\n')
			n++;
	return n;
}

void http_split_script(struct http_stmts *out, const char *sql)
{
	struct strbuf piece = STRBUF_INIT;
	const char *p = sql;

	for (;;) {
		const char *start = skip_blank(p), *semi = start, *end = NULL;

		if (!*start)
			break;
		/* the first ';' after which SQLite sees a complete statement */
		while ((semi = strchr(semi, ';'))) {
			strbuf_reset(&piece);
			strbuf_add(&piece, start, (size_t)(semi - start) + 1);
			if (sqlite3_complete(piece.buf)) {
				end = semi + 1;
				break;
			}
			semi++;
		}
		if (!end)
			end = start + strlen(start);
		if (*start != ';')
			http_stmts_add(out, start, (size_t)(end - start), NULL, 0,
				       1 + count_lines(sql, start));
		p = end;
	}
	strbuf_release(&piece);
}

/* ------------------------------------------------------------------
 * Sending statements
 */

/* Drop "SQLite error: " and the like: the message reads as SQLite's own. */
static void add_db_message(struct strbuf *err, const char *msg)
{
	static const char *const prefixes[] = { "SQLite error: ", "SQLite failure: " };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(msg, prefixes[i], n)) {
			msg += n;
			break;
		}
	}
	strbuf_addstr(err, msg);
}

static int run(struct http_db *h, const struct http_stmt *v, size_t n, int tx,
	       long long *affected, ssize_t *failed, struct strbuf *err)
{
	struct http_outcome o = { -1, affected };
	struct strbuf e = STRBUF_INIT;
	int ret;

	ret = h->be->run(h, v, n, tx, &o, &e);
	*failed = o.failed;
	if (ret == -1 && o.failed >= 0)
		add_db_message(err, e.buf);
	else
		strbuf_add(err, e.buf, e.len);
	strbuf_release(&e);
	return ret;
}

static int run_one(struct http_db *h, const char *sql, const char *const *params,
		   size_t nparams, struct strbuf *err)
{
	struct http_stmt st;
	long long affected = 0;
	ssize_t failed;

	st.sql = (char *)sql;
	st.params = (char **)params;
	st.nparams = nparams;
	st.line = 0;
	return run(h, &st, 1, 0, &affected, &failed, err) ? -1 : 0;
}

static int query(struct http_db *h, const char *sql, const char *const *params,
		 size_t nparams, char ***cells, size_t *nrows, size_t *ncols,
		 struct strbuf *err)
{
	struct http_stmt st;
	struct strbuf e = STRBUF_INIT;
	int ret;

	st.sql = (char *)sql;
	st.params = (char **)params;
	st.nparams = nparams;
	st.line = 0;
	*cells = NULL;
	*nrows = *ncols = 0;
	ret = h->be->query(h, &st, cells, nrows, ncols, &e);
	if (ret)
		add_db_message(err, e.buf);
	strbuf_release(&e);
	return ret ? -1 : 0;
}

void http_free_cells(char **cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

/* ------------------------------------------------------------------
 * The run lock: statements
 */

static void lock_guard_sql(struct strbuf *sb, const struct http_db *h)
{
	/*
	 * The row must still hold the expiry this run wrote last: a
	 * transaction sent again after a lost answer can then never run
	 * twice, even should the first copy arrive late.
	 */
	strbuf_addf(sb, "INSERT INTO %s (name, owner, expires_at) SELECT ?1, NULL, 0"
		    " WHERE NOT EXISTS (SELECT 1 FROM %s WHERE name = ?1 AND owner = ?2 AND expires_at = ?3)",
		    h->lock_table, h->lock_table);
}

static void lock_refresh_sql(struct strbuf *sb, const struct http_db *h)
{
	strbuf_addf(sb, "UPDATE %s SET expires_at = ?3 WHERE name = ?1 AND owner = ?2",
		    h->lock_table);
}

/* A new expiry, later than any this run wrote: it also marks a transaction. */
static long long next_token(struct http_db *h)
{
	long long t = (long long)now_ms() + h->lock_expiry_ms;

	if (t <= h->lock_token)
		t = h->lock_token + 1;
	return t;
}

/*
 * After a request whose answer was lost: did the transaction that wrote
 * token commit? A strong read answers for good (on rqlite it goes
 * through the log, so whatever the new leader holds is committed by
 * then). Returns 1 yes, 0 no, -1 unknown.
 */
static int token_committed(struct http_db *h, long long token, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, tok = STRBUF_INIT;
	const char *params[2] = { h->lock_name, h->lock_owner };
	char **cells = NULL;
	size_t nrows = 0, ncols = 0;
	int ret;

	strbuf_addf(&sql, "SELECT expires_at FROM %s WHERE name = ?1 AND owner = ?2",
		    h->lock_table);
	strbuf_addf(&tok, "%lld", token);
	if (query(h, sql.buf, params, 2, &cells, &nrows, &ncols, err))
		ret = -1;
	else
		ret = nrows && ncols && !strcmp(cells[0], tok.buf);
	http_free_cells(cells, nrows * ncols);
	strbuf_release(&sql);
	strbuf_release(&tok);
	return ret;
}

/* ------------------------------------------------------------------
 * db_ops
 */

static int is_word(const char *sql, const char *word)
{
	size_t n = strlen(word);

	while (isspace((unsigned char)*sql))
		sql++;
	return !strncasecmp(sql, word, n) &&
	       (!sql[n] || isspace((unsigned char)sql[n]) || sql[n] == ';');
}

/*
 * Send the held statements as one transaction, with the lock's guard
 * first and its refresh last. A failing statement of a script gives
 * DB_ERR_SCRIPT with its line in *line.
 */
static int flush(struct http_db *h, unsigned *line, struct strbuf *err)
{
	struct http_stmts all = { NULL, 0, 0 };
	struct strbuf guard = STRBUF_INIT, refresh = STRBUF_INIT, tok = STRBUF_INIT;
	long long *affected = NULL, token = 0;
	size_t i;
	int ret = -1, attempt;

	*line = 0;
	if (h->locked) {
		const char *params[3] = { h->lock_name, h->lock_owner, NULL };
		const char *gparams[3] = { h->lock_name, h->lock_owner, NULL };
		struct strbuf prev = STRBUF_INIT;

		token = next_token(h);
		strbuf_addf(&tok, "%lld", token);
		strbuf_addf(&prev, "%lld", h->lock_token);
		params[2] = tok.buf;
		gparams[2] = prev.buf;
		lock_guard_sql(&guard, h);
		lock_refresh_sql(&refresh, h);
		http_stmts_add(&all, guard.buf, guard.len, gparams, 3, 0);
		strbuf_release(&prev);
		for (i = 0; i < h->held.n; i++) {
			const struct http_stmt *s = &h->held.v[i];

			http_stmts_add(&all, s->sql, strlen(s->sql),
				       (const char *const *)s->params, s->nparams, s->line);
		}
		http_stmts_add(&all, refresh.buf, refresh.len, params, 3, 0);
	} else {
		all = h->held;
		h->held.v = NULL;
		h->held.n = h->held.alloc = 0;
	}
	affected = xcalloc(all.n + 1, sizeof(*affected));
	for (attempt = 0; attempt < 3; attempt++) {
		struct strbuf e = STRBUF_INIT, q = STRBUF_INIT;
		ssize_t failed = -1;
		int r = run(h, all.v, all.n, 1, affected, &failed, &e), done = -1;

		if (r == HTTP_ERR_UNKNOWN && h->locked) {
			/* not applied means never will be: then send it again */
			done = token_committed(h, token, &q);
			if (!done) {
				strbuf_release(&e);
				strbuf_release(&q);
				continue;
			}
		}
		if (!r || done == 1) {
			ret = 0;
		} else if (r == HTTP_ERR_UNKNOWN && h->locked) {
			strbuf_addf(err, "%s; and asking whether it did failed too: %s", e.buf, q.buf);
			ret = DB_ERR_UNKNOWN;
		} else if (r == -1 && failed >= 0 && h->locked && failed == 0 &&
			   token_committed(h, token, &q) == 1) {
			/*
			 * The guard found the row already holding this
			 * transaction's expiry: a copy of it, sent earlier (or
			 * again by libcurl on a fresh connection after a reused
			 * one died), committed.
			 */
			ret = 0;
		} else if (r == -1 && failed >= 0 && h->locked && failed == 0) {
			strbuf_addf(err, "lost the run lock: another git-dbmig run took %s after this run's had expired (DBMIG_LOCK_EXPIRY, %ld s)",
				    h->lock_table, h->lock_expiry_ms / 1000);
		} else if (r == -1 && failed >= 0 && h->locked && (size_t)failed == all.n - 1) {
			strbuf_addf(err, "cannot refresh the run lock in %s: %s", h->lock_table, e.buf);
		} else {
			if (r == -1 && failed >= 0)
				*line = all.v[failed].line;
			strbuf_add(err, e.buf, e.len);
			ret = *line ? DB_ERR_SCRIPT : -1;
		}
		strbuf_release(&e);
		strbuf_release(&q);
		break;
	}
	if (attempt == 3) {
		strbuf_addstr(err, "a transaction sent three times got no answer");
		ret = -1;
	}
	if (!ret && h->locked)
		h->lock_token = token;
	free(affected);
	http_stmts_clear(&all);
	strbuf_release(&guard);
	strbuf_release(&refresh);
	strbuf_release(&tok);
	return ret;
}

int http_db_exec(struct db *db, const char *sql, struct strbuf *err)
{
	struct http_db *h = (struct http_db *)db;

	if (is_word(sql, "BEGIN")) {
		if (h->in_tx) {
			strbuf_addstr(err, "cannot start a transaction within a transaction");
			return -1;
		}
		h->in_tx = 1;
		return 0;
	}
	if (is_word(sql, "COMMIT") || is_word(sql, "END")) {
		struct db_error_pos pos = { 0, "" };
		int ret = http_db_commit(db, &pos, err);

		if (ret == DB_ERR_SCRIPT) {
			strbuf_addf(err, " (line %u of a revision body)", pos.line);
			ret = -1;
		}
		return ret;
	}
	if (is_word(sql, "ROLLBACK")) {
		http_stmts_clear(&h->held);
		h->in_tx = 0;
		return 0;
	}
	if (h->in_tx) {
		http_stmts_add(&h->held, sql, strlen(sql), NULL, 0, 0);
		return 0;
	}
	return run_one(h, sql, NULL, 0, err);
}

int http_db_exec_script(struct db *db, const char *sql,
			struct db_error_pos *pos, struct strbuf *err)
{
	struct http_db *h = (struct http_db *)db;
	struct http_stmts st = { NULL, 0, 0 };
	long long *affected;
	ssize_t failed = -1;
	size_t i;
	int ret = 0;

	http_split_script(&st, sql);
	if (h->in_tx) {
		for (i = 0; i < st.n; i++) {
			struct http_stmt *s = &st.v[i];

			http_stmts_add(&h->held, s->sql, strlen(s->sql), NULL, 0, s->line);
		}
		http_stmts_clear(&st);
		return 0;
	}
	/* outside a transaction: one by one, up to the first that fails */
	if (st.n) {
		affected = xcalloc(st.n, sizeof(*affected));
		ret = run(h, st.v, st.n, 0, affected, &failed, err);
		if (ret && failed >= 0)
			pos->line = st.v[failed].line;
		ret = ret ? -1 : 0;
		free(affected);
	}
	http_stmts_clear(&st);
	return ret;
}

int http_db_exec_params(struct db *db, const char *sql,
			const char *const *params, size_t nparams,
			struct strbuf *err)
{
	struct http_db *h = (struct http_db *)db;

	if (h->in_tx) {
		http_stmts_add(&h->held, sql, strlen(sql), params, nparams, 0);
		return 0;
	}
	return run_one(h, sql, params, nparams, err);
}

int http_db_commit(struct db *db, struct db_error_pos *pos, struct strbuf *err)
{
	struct http_db *h = (struct http_db *)db;
	int ret;

	if (!h->in_tx) {
		strbuf_addstr(err, "COMMIT without a transaction");
		return -1;
	}
	h->in_tx = 0;
	ret = flush(h, &pos->line, err);
	http_stmts_clear(&h->held);
	return ret;
}

int http_db_query_column(struct db *db, const char *sql, char ***rows,
			 size_t *nrows, struct strbuf *err)
{
	struct http_db *h = (struct http_db *)db;
	char **cells = NULL;
	size_t n = 0, ncols = 0, i;

	*rows = NULL;
	*nrows = 0;
	if (query(h, sql, NULL, 0, &cells, &n, &ncols, err))
		return -1;
	if (n) {
		*rows = xcalloc(n, sizeof(**rows));
		for (i = 0; i < n; i++) {
			(*rows)[i] = cells[i * ncols];
			cells[i * ncols] = NULL;
		}
	}
	*nrows = n;
	http_free_cells(cells, n * ncols);
	return 0;
}

int http_db_has_table(struct db *db, const char *schema, const char *table,
		      int *out, struct strbuf *err)
{
	struct http_db *h = (struct http_db *)db;
	struct strbuf sql = STRBUF_INIT;
	const char *params[1] = { table };
	char **cells = NULL;
	size_t n = 0, ncols = 0;
	int ret;

	strbuf_addstr(&sql, "SELECT 1 FROM ");
	if (schema && *schema) {
		db_quote_ident(&sql, schema);
		strbuf_addch(&sql, '.');
	}
	strbuf_addstr(&sql, "sqlite_master WHERE type = 'table' AND name = ?1");
	ret = query(h, sql.buf, params, 1, &cells, &n, &ncols, err);
	*out = !ret && n > 0;
	http_free_cells(cells, n * ncols);
	strbuf_release(&sql);
	return ret;
}

/* ------------------------------------------------------------------
 * The run lock
 */

static void make_owner(struct http_db *h)
{
	char host[256] = "";
	unsigned char rnd[6];
	struct strbuf o = STRBUF_INIT;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t i;

	if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
		unsigned long x = (unsigned long)now_ms() ^ ((unsigned long)getpid() << 16);

		for (i = 0; i < sizeof(rnd); i++, x >>= 5)
			rnd[i] = (unsigned char)x;
	}
	if (fd >= 0)
		close(fd);
	gethostname(host, sizeof(host) - 1);
	strbuf_addf(&o, "%s pid %ld (", *host ? host : "?", (long)getpid());
	for (i = 0; i < sizeof(rnd); i++)
		strbuf_addf(&o, "%02x", rnd[i]);
	strbuf_addch(&o, ')');
	h->lock_owner = strbuf_detach(&o, NULL);
}

/* Try once. 1: taken, 0: held by another run, -1: error. */
static int try_lock(struct http_db *h, struct strbuf *err)
{
	struct http_stmts st = { NULL, 0, 0 };
	struct strbuf create = STRBUF_INIT, take = STRBUF_INIT, tok = STRBUF_INIT,
		      now = STRBUF_INIT, e = STRBUF_INIT;
	const char *params[4];
	long long affected[2] = { 0, 0 }, token = next_token(h);
	ssize_t failed = -1;
	const char *bare = strrchr(h->lock_table, '.');
	int ret, r;

	bare = bare ? bare + 1 : h->lock_table;
	strbuf_addf(&create, "CREATE TABLE IF NOT EXISTS %s (name VARCHAR(255) NOT NULL PRIMARY KEY,"
		    " owner VARCHAR(255) NOT NULL, expires_at BIGINT NOT NULL)", h->lock_table);
	strbuf_addf(&take, "INSERT INTO %s (name, owner, expires_at) VALUES (?1, ?2, ?3)"
		    " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at"
		    " WHERE %s.expires_at < ?4", h->lock_table, bare);
	strbuf_addf(&tok, "%lld", token);
	strbuf_addf(&now, "%ld", now_ms());
	params[0] = h->lock_name;
	params[1] = h->lock_owner;
	params[2] = tok.buf;
	params[3] = now.buf;
	http_stmts_add(&st, create.buf, create.len, NULL, 0, 0);
	http_stmts_add(&st, take.buf, take.len, params, 4, 0);
	r = run(h, st.v, st.n, 1, affected, &failed, &e);
	if (!r) {
		ret = affected[1] == 1;
	} else if (r == HTTP_ERR_UNKNOWN) {
		struct strbuf q = STRBUF_INIT;
		int done = token_committed(h, token, &q);

		ret = done;
		if (done < 0)
			strbuf_addf(err, "cannot take the run lock in %s: %s; and asking whether it was taken failed too: %s",
				    h->lock_table, e.buf, q.buf);
		strbuf_release(&q);
	} else {
		strbuf_addf(err, "cannot take the run lock in %s: ", h->lock_table);
		strbuf_add(err, e.buf, e.len);
		ret = -1;
	}
	if (ret == 1)
		h->lock_token = token;
	http_stmts_clear(&st);
	strbuf_release(&create);
	strbuf_release(&take);
	strbuf_release(&tok);
	strbuf_release(&now);
	strbuf_release(&e);
	return ret;
}

/* " (held by OWNER, for N.N s more)", when the row can be read. */
static void describe_holder(struct http_db *h, struct strbuf *out)
{
	struct strbuf sql = STRBUF_INIT, e = STRBUF_INIT;
	const char *params[1] = { h->lock_name };
	char **cells = NULL;
	size_t n = 0, ncols = 0;

	strbuf_addf(&sql, "SELECT owner, expires_at FROM %s WHERE name = ?1", h->lock_table);
	if (!query(h, sql.buf, params, 1, &cells, &n, &ncols, &e) && n && ncols >= 2) {
		long long left = atoll(cells[1]) - (long long)now_ms();

		strbuf_addf(out, " (held by %s, expiring in %.1f s unless renewed)", cells[0],
			    left > 0 ? (double)left / 1000 : 0.0);
	}
	http_free_cells(cells, n * ncols);
	strbuf_release(&sql);
	strbuf_release(&e);
}

int http_db_lock(struct db *db, long timeout_ms, struct strbuf *err)
{
	struct http_db *h = (struct http_db *)db;
	struct strbuf sb = STRBUF_INIT;
	long start = now_ms();
	unsigned seed = (unsigned)getpid() ^ (unsigned)start;

	if (h->locked)
		return 0;
	free(h->lock_table);
	free(h->lock_name);
	if (db->lock_schema && *db->lock_schema) {
		db_quote_ident(&sb, db->lock_schema);
		strbuf_addstr(&sb, ".dbmig_lock");
		h->lock_table = strbuf_detach(&sb, NULL);
		strbuf_addf(&sb, "%s.%s", db->lock_schema, db->lock_table);
		h->lock_name = strbuf_detach(&sb, NULL);
	} else {
		h->lock_table = xstrdup("dbmig_lock");
		h->lock_name = xstrdup(db->lock_table ? db->lock_table : "alembic_version");
	}
	if (!h->lock_owner)
		make_owner(h);
	for (;;) {
		int r = try_lock(h, err);
		long waited;

		if (r < 0)
			return -1;
		if (r == 1) {
			h->locked = 1;
			return 0;
		}
		waited = now_ms() - start;
		if (waited >= timeout_ms) {
			strbuf_addf(err, "database '%s' is locked by another git-dbmig run", db->display);
			describe_holder(h, err);
			strbuf_addf(err, "; gave up after %ld ms (see --lock-timeout)",
				    timeout_ms > 0 ? timeout_ms : 0);
			return -1;
		}
		/* 50-250 ms, not all waiters at once */
		usleep((useconds_t)(50000 + rand_r(&seed) % 200000));
	}
}

void http_db_unlock(struct db *db)
{
	struct http_db *h = (struct http_db *)db;
	struct strbuf sql = STRBUF_INIT, ignore = STRBUF_INIT;
	const char *params[2];

	http_stmts_clear(&h->held);
	h->in_tx = 0;
	if (!h->locked)
		return;
	params[0] = h->lock_name;
	params[1] = h->lock_owner;
	strbuf_addf(&sql, "DELETE FROM %s WHERE name = ?1 AND owner = ?2", h->lock_table);
	run_one(h, sql.buf, params, 2, &ignore);
	h->locked = 0;
	strbuf_release(&sql);
	strbuf_release(&ignore);
}

void http_db_close(struct db *db)
{
	struct http_db *h = (struct http_db *)db;

	if (!h)
		return;
	if (h->client.trace)
		fprintf(stderr, "http: %lu requests\n", h->client.requests);
	if (h->be && h->be->release)
		h->be->release(h);
	http_stmts_clear(&h->held);
	http_client_release(&h->client);
	free(h->lock_table);
	free(h->lock_name);
	free(h->lock_owner);
	free(h->base.display);
	free(h);
}

/* ------------------------------------------------------------------
 * Setting up
 */

/* url_display() with the value of an authToken parameter masked too. */
static char *display_name(const struct url *u)
{
	struct strbuf d = STRBUF_INIT, out = STRBUF_INIT;
	const char *p, *q;

	url_display(&d, u);
	if (!u->database) {
		/* "rqlite://h:1/": a port followed by a quote would look like a password */
		size_t at = strcspn(d.buf + strlen(u->scheme) + 3, "?") + strlen(u->scheme) + 3;
		struct strbuf t = STRBUF_INIT;

		strbuf_add(&t, d.buf, at);
		strbuf_addch(&t, '/');
		strbuf_addstr(&t, d.buf + at);
		strbuf_release(&d);
		d = t;
	}
	p = d.buf;
	while ((q = strstr(p, "authToken=")) && (q == d.buf || q[-1] == '?' || q[-1] == '&')) {
		q += strlen("authToken=");
		strbuf_add(&out, p, (size_t)(q - p));
		strbuf_addstr(&out, "***");
		p = q + strcspn(q, "&");
	}
	strbuf_addstr(&out, p);
	strbuf_release(&d);
	return strbuf_detach(&out, NULL);
}

int http_db_init(struct http_db *h, const struct http_backend *be,
		 const struct db_ops *ops, const struct url *u,
		 const struct http_client_opts *o, struct strbuf *err)
{
	const char *exp = getenv("DBMIG_LOCK_EXPIRY");

	h->base.ops = ops;
	h->be = be;
	h->base.display = display_name(u);
	h->lock_expiry_ms = 60000;
	if (exp && *exp) {
		char *end;
		double s = strtod(exp, &end);

		if (*end || s <= 0 || s > 86400) {
			strbuf_addf(err, "DBMIG_LOCK_EXPIRY '%s' is not a number of seconds", exp);
			return -1;
		}
		h->lock_expiry_ms = (long)(s * 1000);
	}
	return http_client_init(&h->client, u, o, h->base.display, err);
}
