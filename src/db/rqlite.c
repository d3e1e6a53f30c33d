/*
 * db/rqlite.c: the rqlite backend, rqlite's HTTP API through the shared
 * client of db/http.c. Writes go to /db/execute as a JSON array of
 * statements, each with its parameters bound (["INSERT ... (?1)", "id"]),
 * with "transaction" when they must commit together; reads go to
 * /db/query at the URL's read consistency level (strong by default, so
 * that a run reads what the last one wrote whichever node answers).
 * rqlite reports a failing statement with HTTP 200 and an "error" in its
 * entry of "results"; that is where errors are read from.
 *
 * Any node takes any request: a follower passes it on to the leader (or,
 * asked to, redirects to it; libcurl follows and keeps the POST). While
 * the cluster has no leader, a node answers 503 "leader not found": the
 * request did not reach the log, so it is sent again, for up to the
 * leader_timeout (15 s by default). An answer that is lost after the
 * request went out is left to db/http.c, which asks the cluster whether
 * the transaction committed.
 *
 * URL: rqlite://[user:password@]host:port[,host:port...]/?param=value,
 * also rqlite+pyrqlite://. Parameters: scheme=https (or ssl=true) for
 * TLS, cacert, capath, insecure, level (none, weak, strong,
 * linearizable), connect_timeout, timeout, leader_timeout (seconds).
 */
#include "db/http.h"
#include "usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

struct rqlite_db {
	struct http_db http;
	char *query_path;   /* "/db/query?level=strong" */
	long leader_timeout_ms;
};

static const char *const known_params[] = {
	"scheme", "ssl", "cacert", "capath", "insecure", "level",
	"connect_timeout", "timeout", "leader_timeout", NULL,
};

static long clock_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static json_t *stmt_json(const struct http_stmt *s)
{
	json_t *a;
	size_t i;

	if (!s->nparams)
		return json_string(s->sql);
	a = json_array();
	json_array_append_new(a, json_string(s->sql));
	for (i = 0; i < s->nparams; i++)
		json_array_append_new(a, s->params[i] ? json_string(s->params[i]) : json_null());
	return a;
}

/*
 * An error answer that says the request never reached the log: no
 * leader, or the leader could not even be dialled. Worth sending again.
 */
/*
 * The error text of an answer: its body when the status is not 200, or
 * the top-level "error" of a 200 (a node that could not pass the request
 * on to the leader says so there). NULL for an answer with results.
 */
static const char *answer_error(long status, const struct strbuf *raw, json_t *out)
{
	if (status != 200)
		return raw->buf;
	return json_string_value(json_object_get(out, "error"));
}

static int not_sent(const char *e)
{
	return e && (strstr(e, "leader not found") || strstr(e, "not leader") ||
		     strstr(e, "no leader") || strstr(e, "connect: connection refused"));
}

/*
 * A node that failed to pass the request on to the leader, or a leader
 * that lost its leadership while the entry was in the log: whether it
 * committed is not known (a later leader may still commit it).
 */
static int lost_on_the_way(const char *e)
{
	return e && (strstr(e, "on remote node") || strstr(e, "leadership lost"));
}

/*
 * POST body to path; while the cluster has no leader, wait and send
 * again. A read (idempotent) is sent again after any failure between
 * the nodes. Returns 0 with the parsed JSON, or an enum
 * http_post_result code / -1.
 */
static int post(struct rqlite_db *r, const char *path, json_t *body,
		int idempotent, json_t **out, struct strbuf *err)
{
	struct strbuf raw = STRBUF_INIT, e = STRBUF_INIT;
	long start = clock_ms(), status = 0;
	const char *ae;
	int ret;

	for (;;) {
		strbuf_reset(&e);
		ret = http_post(&r->http.client, path, body, &status, out, &raw, &e);
		if (ret == HTTP_ERR_UNKNOWN && idempotent && !r->http.client.timed_out &&
		    clock_ms() - start < r->leader_timeout_ms) {
			usleep(200000);
			continue;
		}
		if (ret)
			break;
		ae = answer_error(status, &raw, *out);
		if ((not_sent(ae) || (idempotent && lost_on_the_way(ae))) &&
		    clock_ms() - start < r->leader_timeout_ms) {
			json_decref(*out);
			*out = NULL;
			/* ask the next node: this one may be cut off from the rest */
			r->http.client.current = (r->http.client.current + 1) % r->http.client.nbases;
			usleep(200000);
			continue;
		}
		if (status != 200 || !*out) {
			strbuf_addf(&e, "%s from '%s': ", path, r->http.base.display);
			http_describe_status(&e, status, &raw);
			if (status == 200)
				strbuf_addstr(&e, " (not JSON)");
			json_decref(*out);
			*out = NULL;
			/* a 200 that cannot be read: the request may have run */
			ret = lost_on_the_way(ae) || status == 200 ? HTTP_ERR_UNKNOWN : -1;
		} else if (lost_on_the_way(ae)) {
			strbuf_addstr(&e, ae);
			json_decref(*out);
			*out = NULL;
			ret = HTTP_ERR_UNKNOWN;
		}
		break;
	}
	strbuf_add(err, e.buf, e.len);
	strbuf_release(&e);
	strbuf_release(&raw);
	return ret;
}

/* The "results" array of an answer, or NULL with a message. */
static json_t *results_of(struct rqlite_db *r, json_t *res, struct strbuf *err)
{
	json_t *a = json_object_get(res, "results");
	const char *e = json_string_value(json_object_get(res, "error"));

	if (e) {
		strbuf_addstr(err, e);
		return NULL;
	}
	if (!json_is_array(a)) {
		strbuf_addf(err, "unexpected answer from '%s': no \"results\"", r->http.base.display);
		return NULL;
	}
	return a;
}

static int run_request(struct rqlite_db *r, const struct http_stmt *v, size_t n,
		       int tx, size_t base, struct http_outcome *out,
		       struct strbuf *err)
{
	json_t *body = json_array(), *res = NULL, *results;
	size_t i;
	int ret;

	for (i = 0; i < n; i++)
		json_array_append_new(body, stmt_json(&v[i]));
	ret = post(r, tx ? "/db/execute?transaction" : "/db/execute", body, 0, &res, err);
	json_decref(body);
	if (ret)
		return ret;
	results = results_of(r, res, err);
	if (!results) {
		json_decref(res);
		return -1;
	}
	/* an error past the last statement names none of them */
	if (json_array_size(results) > n)
		goto miscounted;
	for (i = 0; i < json_array_size(results); i++) {
		json_t *e = json_array_get(results, i);
		const char *msg = json_string_value(json_object_get(e, "error"));
		json_t *ra = json_object_get(e, "rows_affected");

		if (!json_is_object(e) || (ra && !json_is_integer(ra))) {
			strbuf_addf(err, "unexpected answer from '%s': result %zu is not a statement's result",
				    r->http.base.display, i + 1);
			json_decref(res);
			return -1;
		}
		if (msg) {
			out->failed = (ssize_t)(base + i);
			strbuf_addstr(err, msg);
			json_decref(res);
			return -1;
		}
		out->affected[base + i] = json_integer_value(json_object_get(e, "rows_affected"));
	}
	if (json_array_size(results) == n) {
		json_decref(res);
		return 0;
	}
miscounted:
	strbuf_addf(err, "unexpected answer from '%s': %zu results for %zu statements",
		    r->http.base.display, (size_t)json_array_size(results), n);
	json_decref(res);
	return -1;
}

static int rqlite_run(struct http_db *h, const struct http_stmt *v, size_t n,
		      int tx, struct http_outcome *out, struct strbuf *err)
{
	struct rqlite_db *r = (struct rqlite_db *)h;
	size_t i;
	int ret = 0;

	if (tx || n == 1)
		return run_request(r, v, n, tx, 0, out, err);
	/*
	 * Without a transaction rqlite runs every statement of a request,
	 * also those after a failure: send them one at a time.
	 */
	for (i = 0; i < n && !ret; i++)
		ret = run_request(r, v + i, 1, 0, i, out, err);
	return ret;
}

static char *value_text(json_t *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		strbuf_addf(&sb, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		strbuf_addf(&sb, "%.17g", json_real_value(v));
	else if (json_is_true(v))
		strbuf_addstr(&sb, "1");
	else if (json_is_false(v))
		strbuf_addstr(&sb, "0");
	return strbuf_detach(&sb, NULL);
}

static int rqlite_query(struct http_db *h, const struct http_stmt *q,
			char ***cells, size_t *nrows, size_t *ncols,
			struct strbuf *err)
{
	struct rqlite_db *r = (struct rqlite_db *)h;
	json_t *body = json_array(), *res = NULL, *results, *first, *values;
	const char *msg;
	size_t i, j, n;
	int ret;

	json_array_append_new(body, stmt_json(q));
	ret = post(r, r->query_path, body, 1, &res, err);
	json_decref(body);
	if (ret)
		return -1;
	results = results_of(r, res, err);
	first = results ? json_array_get(results, 0) : NULL;
	if (!first) {
		if (results)
			strbuf_addf(err, "unexpected answer from '%s': no result", h->base.display);
		json_decref(res);
		return -1;
	}
	if ((msg = json_string_value(json_object_get(first, "error")))) {
		strbuf_addstr(err, msg);
		json_decref(res);
		return -1;
	}
	values = json_object_get(first, "values");
	if (!json_is_object(first) || !json_is_array(json_object_get(first, "columns")) ||
	    (values && !json_is_array(values))) {
		strbuf_addf(err, "unexpected answer from '%s': a query result without columns and values",
			    h->base.display);
		json_decref(res);
		return -1;
	}
	*ncols = json_array_size(json_object_get(first, "columns"));
	n = json_array_size(values);
	for (i = 0; i < n; i++) {
		json_t *row = json_array_get(values, i);

		if (!json_is_array(row) || json_array_size(row) != *ncols) {
			strbuf_addf(err, "unexpected answer from '%s': row %zu does not have %zu values",
				    h->base.display, i + 1, *ncols);
			json_decref(res);
			return -1;
		}
		for (j = 0; j < *ncols; j++) {
			json_t *v = json_array_get(row, j);

			if (json_is_object(v) || json_is_array(v)) {
				strbuf_addf(err, "unexpected answer from '%s': row %zu holds a %s",
					    h->base.display, i + 1, json_is_object(v) ? "JSON object" : "JSON array");
				json_decref(res);
				return -1;
			}
		}
	}
	*nrows = n;
	*cells = n && *ncols ? xcalloc(n * *ncols, sizeof(**cells)) : NULL;
	for (i = 0; i < n; i++) {
		json_t *row = json_array_get(values, i);

		for (j = 0; j < *ncols; j++)
			(*cells)[i * *ncols + j] = value_text(json_array_get(row, j));
	}
	if (!*ncols)
		*nrows = 0;
	json_decref(res);
	return 0;
}

static void rqlite_release(struct http_db *h)
{
	struct rqlite_db *r = (struct rqlite_db *)h;

	free(r->query_path);
}

static const struct http_backend rqlite_backend = {
	.run = rqlite_run,
	.query = rqlite_query,
	.release = rqlite_release,
};

static const struct db_ops rqlite_ops = {
	.name = "rqlite",
	.transactional_ddl = 1,
	.exec = http_db_exec,
	.exec_script = http_db_exec_script,
	.exec_params = http_db_exec_params,
	.query_column = http_db_query_column,
	.has_table = http_db_has_table,
	.lock = http_db_lock,
	.unlock = http_db_unlock,
	.close = http_db_close,
	.commit = http_db_commit,
};

static int check_params(const struct url *u, const char *const *known,
			struct strbuf *err)
{
	size_t i, k;

	for (i = 0; i < u->nparams; i++) {
		for (k = 0; known[k]; k++)
			if (!strcmp(u->params[i].key, known[k]))
				break;
		if (!known[k]) {
			strbuf_addf(err, "unknown query parameter '%s' in the %s URL (known:",
				    u->params[i].key, u->backend);
			for (k = 0; known[k]; k++)
				strbuf_addf(err, " %s", known[k]);
			strbuf_addch(err, ')');
			return -1;
		}
	}
	return 0;
}

int db_rqlite_open(struct db **out, const struct url *url, unsigned flags,
		   struct strbuf *err)
{
	struct rqlite_db *r = xcalloc(1, sizeof(*r));
	struct http_client_opts o = { 0, 4001, NULL };
	const char *scheme = url_param(url, "scheme"), *ssl = url_param(url, "ssl");
	const char *level = url_param(url, "level");
	struct strbuf sb = STRBUF_INIT;
	long lt = 15000;

	*out = NULL;
	r->http.base.ops = &rqlite_ops;
	r->http.be = &rqlite_backend;
	if (check_params(url, known_params, err))
		goto fail;
	if (scheme && strcmp(scheme, "http") && strcmp(scheme, "https")) {
		strbuf_addf(err, "rqlite URL: scheme '%s' is neither http nor https", scheme);
		goto fail;
	}
	o.https = (scheme && !strcmp(scheme, "https")) ||
		  (ssl && (!strcmp(ssl, "1") || !strcasecmp(ssl, "true")));
	if (level && strcmp(level, "none") && strcmp(level, "weak") &&
	    strcmp(level, "strong") && strcmp(level, "linearizable")) {
		strbuf_addf(err, "rqlite URL: level '%s' is not none, weak, strong or linearizable", level);
		goto fail;
	}
	if (url->database && *url->database) {
		strbuf_addf(err, "rqlite URL: a database name ('%s') is not allowed: an rqlite cluster holds one database",
			    url->database);
		goto fail;
	}
	if (url_param(url, "leader_timeout")) {
		char *end;
		double s = strtod(url_param(url, "leader_timeout"), &end);

		if (*end || s < 0) {
			strbuf_addf(err, "rqlite URL: leader_timeout '%s' is not a number of seconds",
				    url_param(url, "leader_timeout"));
			goto fail;
		}
		lt = (long)(s * 1000);
	}
	r->leader_timeout_ms = lt;
	strbuf_addf(&sb, "/db/query?level=%s", level ? level : "strong");
	r->query_path = strbuf_detach(&sb, NULL);
	if (http_db_init(&r->http, &rqlite_backend, &rqlite_ops, url, &o, err))
		goto fail;
	*out = &r->http.base;
	return 0;
fail:
	http_db_close(&r->http.base);
	return -1;
}
