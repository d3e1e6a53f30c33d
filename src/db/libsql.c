/*
 * db/libsql.c: the libSQL backend, for sqld (the server behind Turso),
 * through Hrana over HTTP: POST /v2/pipeline with a list of requests,
 * ending with "close" so that no stream stays open on the server between
 * requests. The statements of a transaction travel as one "batch" of
 * steps, BEGIN IMMEDIATE first, each later step run only if the one
 * before it succeeded, then COMMIT, and ROLLBACK if the COMMIT did not
 * run or failed: one request per revision, with real BEGIN, COMMIT and
 * ROLLBACK on the server. Errors are read per step ("step_errors") or
 * per request ("results[].error").
 *
 * URL: libsql://host[:port]/ (https unless ?tls=0) or
 * sqlite+libsql://host[:port]/ (http unless ?secure=true or ?tls=1).
 * A bearer token comes from ?authToken=, else the environment:
 * DBMIG_LIBSQL_AUTH_TOKEN, LIBSQL_AUTH_TOKEN, TURSO_AUTH_TOKEN. A user
 * and password in the URL are sent as basic authentication (sqld's
 * --http-auth). Other parameters: cacert, capath, insecure,
 * connect_timeout, timeout.
 */
#include "db/http.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

static const char *const known_params[] = {
	"authToken", "tls", "secure", "cacert", "capath", "insecure",
	"connect_timeout", "timeout", NULL,
};

static json_t *stmt_json(const struct http_stmt *s)
{
	json_t *st = json_object(), *args = json_array();
	size_t i;

	json_object_set_new(st, "sql", json_string(s->sql));
	for (i = 0; i < s->nparams; i++) {
		json_t *a = json_object();

		if (s->params[i]) {
			json_object_set_new(a, "type", json_string("text"));
			json_object_set_new(a, "value", json_string(s->params[i]));
		} else {
			json_object_set_new(a, "type", json_string("null"));
		}
		json_array_append_new(args, a);
	}
	json_object_set_new(st, "args", args);
	return st;
}

static json_t *step(json_t *stmt, long after, int negate)
{
	json_t *s = json_object();

	json_object_set_new(s, "stmt", stmt);
	if (after >= 0) {
		json_t *c = json_pack("{s:s, s:i}", "type", "ok", "step", (json_int_t)after);

		if (negate)
			c = json_pack("{s:s, s:o}", "type", "not", "cond", c);
		json_object_set_new(s, "condition", c);
	}
	return s;
}

static json_t *sql_stmt(const char *sql)
{
	return json_pack("{s:s}", "sql", sql);
}

/* The message of a Hrana error object. */
static void add_error(struct strbuf *err, json_t *e)
{
	const char *msg = json_string_value(json_object_get(e, "message"));

	strbuf_addstr(err, msg ? msg : "unknown error");
}

/*
 * Send requests (a JSON array, with "close" added) and return the
 * response of the first: 0 with *resp (borrowed from *res), or -1 / an
 * enum http_post_result code.
 */
static int pipeline(struct http_db *h, json_t *requests, json_t **res,
		    json_t **resp, struct strbuf *err)
{
	json_t *body, *first;
	struct strbuf raw = STRBUF_INIT;
	long status = 0;
	int ret;

	*res = *resp = NULL;
	json_array_append_new(requests, json_pack("{s:s}", "type", "close"));
	body = json_pack("{s:n, s:O}", "baton", "requests", requests);
	ret = http_post(&h->client, "/v2/pipeline", body, &status, res, &raw, err);
	json_decref(body);
	if (ret) {
		strbuf_release(&raw);
		return ret;
	}
	if (status != 200 || !*res) {
		const char *msg = json_string_value(json_object_get(*res, "error"));

		strbuf_addf(err, "/v2/pipeline from '%s': ", h->base.display);
		if (msg)
			strbuf_addf(err, "HTTP %ld: %s", status, msg);
		else
			http_describe_status(err, status, &raw);
		strbuf_release(&raw);
		if (status == 200) {
			/* an answer that cannot be read: the request may have run */
			strbuf_addstr(err, " (not JSON)");
			return HTTP_ERR_UNKNOWN;
		}
		return -1;
	}
	strbuf_release(&raw);
	first = json_array_get(json_object_get(*res, "results"), 0);
	if (!first) {
		strbuf_addf(err, "unexpected answer from '%s': no results", h->base.display);
		return -1;
	}
	if (!strcmp(json_string_value(json_object_get(first, "type")) ?: "", "error")) {
		add_error(err, json_object_get(first, "error"));
		return -1;
	}
	*resp = json_object_get(first, "response");
	return 0;
}

static int libsql_run(struct http_db *h, const struct http_stmt *v, size_t n,
		      int tx, struct http_outcome *out, struct strbuf *err)
{
	json_t *steps = json_array(), *requests = json_array(), *res = NULL, *resp;
	json_t *results, *errors;
	size_t i, off = tx ? 1 : 0, commit = n + off, nsteps;
	int ret;

	if (tx)
		json_array_append_new(steps, step(sql_stmt("BEGIN IMMEDIATE"), -1, 0));
	for (i = 0; i < n; i++)
		json_array_append_new(steps, step(stmt_json(&v[i]),
						  i + off ? (long)(i + off - 1) : -1, 0));
	if (tx) {
		json_array_append_new(steps, step(sql_stmt("COMMIT"), (long)commit - 1, 0));
		json_array_append_new(steps, step(sql_stmt("ROLLBACK"), (long)commit, 1));
	}
	nsteps = json_array_size(steps);
	json_array_append_new(requests, json_pack("{s:s, s:{s:o}}", "type", "batch",
						  "batch", "steps", steps));
	ret = pipeline(h, requests, &res, &resp, err);
	json_decref(requests);
	if (ret) {
		json_decref(res);
		return ret;
	}
	results = json_object_get(json_object_get(resp, "result"), "step_results");
	errors = json_object_get(json_object_get(resp, "result"), "step_errors");
	if (!json_is_array(results) || !json_is_array(errors) ||
	    json_array_size(results) != nsteps || json_array_size(errors) != nsteps) {
		strbuf_addf(err, "unexpected answer from '%s': not one result and one error per step of the batch (%zu steps)",
			    h->base.display, nsteps);
		json_decref(res);
		return -1;
	}
	for (i = 0; i < json_array_size(errors); i++) {
		json_t *e = json_array_get(errors, i);

		if (json_is_null(e))
			continue;
		if (i >= off && i < off + n)
			out->failed = (ssize_t)(i - off);
		else if (i == commit)
			strbuf_addstr(err, "COMMIT failed: ");
		else
			strbuf_addstr(err, "BEGIN IMMEDIATE failed: ");
		add_error(err, e);
		json_decref(res);
		return -1;
	}
	for (i = 0; i < commit; i++) {
		if (!json_is_object(json_array_get(results, i))) {
			strbuf_addf(err, "unexpected answer from '%s': step %zu of the batch has no result",
				    h->base.display, i + 1);
			json_decref(res);
			return -1;
		}
	}
	if (tx && !json_is_object(json_array_get(results, commit))) {
		strbuf_addf(err, "unexpected answer from '%s': the transaction did not commit",
			    h->base.display);
		json_decref(res);
		return -1;
	}
	for (i = 0; i < n; i++)
		out->affected[i] = json_integer_value(json_object_get(json_array_get(results, i + off),
								     "affected_row_count"));
	json_decref(res);
	return 0;
}

static char *value_text(json_t *v)
{
	const char *type = json_string_value(json_object_get(v, "type"));
	json_t *val = json_object_get(v, "value");
	struct strbuf sb = STRBUF_INIT;

	if (json_is_string(val))
		return xstrdup(json_string_value(val));
	if (json_is_integer(val))
		strbuf_addf(&sb, "%lld", (long long)json_integer_value(val));
	else if (json_is_real(val))
		strbuf_addf(&sb, "%.17g", json_real_value(val));
	(void)type;
	return strbuf_detach(&sb, NULL);
}

static int libsql_query(struct http_db *h, const struct http_stmt *q,
			char ***cells, size_t *nrows, size_t *ncols,
			struct strbuf *err)
{
	json_t *requests = json_array(), *res = NULL, *resp, *result, *rows;
	size_t i, j, n;
	int ret;

	json_array_append_new(requests, json_pack("{s:s, s:o}", "type", "execute",
						  "stmt", stmt_json(q)));
	ret = pipeline(h, requests, &res, &resp, err);
	json_decref(requests);
	if (ret) {
		json_decref(res);
		return -1;
	}
	result = json_object_get(resp, "result");
	rows = json_object_get(result, "rows");
	if (!json_is_array(json_object_get(result, "cols")) || !json_is_array(rows)) {
		strbuf_addf(err, "unexpected answer from '%s': a query result without cols and rows",
			    h->base.display);
		json_decref(res);
		return -1;
	}
	*ncols = json_array_size(json_object_get(result, "cols"));
	n = *ncols ? json_array_size(rows) : 0;
	for (i = 0; i < n; i++) {
		json_t *row = json_array_get(rows, i);

		if (!json_is_array(row) || json_array_size(row) != *ncols) {
			strbuf_addf(err, "unexpected answer from '%s': row %zu does not have %zu values",
				    h->base.display, i + 1, *ncols);
			json_decref(res);
			return -1;
		}
		for (j = 0; j < *ncols; j++) {
			json_t *v = json_array_get(row, j);
			json_t *val = json_object_get(v, "value");

			if (!json_is_object(v) || !json_is_string(json_object_get(v, "type")) ||
			    (val && (json_is_object(val) || json_is_array(val)))) {
				strbuf_addf(err, "unexpected answer from '%s': row %zu holds a value that is not a Hrana value",
					    h->base.display, i + 1);
				json_decref(res);
				return -1;
			}
		}
	}
	*nrows = n;
	*cells = n ? xcalloc(n * *ncols, sizeof(**cells)) : NULL;
	for (i = 0; i < n; i++)
		for (j = 0; j < *ncols; j++)
			(*cells)[i * *ncols + j] = value_text(json_array_get(json_array_get(rows, i), j));
	json_decref(res);
	return 0;
}

static const struct http_backend libsql_backend = {
	.run = libsql_run,
	.query = libsql_query,
	.release = NULL,
};

static const struct db_ops libsql_ops = {
	.name = "libsql",
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

/* "1"/"true" -> 1, "0"/"false" -> 0, absent -> dflt, else -1. */
static int flag(const char *v, int dflt)
{
	if (!v)
		return dflt;
	if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"))
		return 1;
	if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no"))
		return 0;
	return -1;
}

int db_libsql_open(struct db **out, const struct url *url, unsigned flags,
		   struct strbuf *err)
{
	struct http_db *h = xcalloc(1, sizeof(*h));
	struct http_client_opts o = { 0, 8080, NULL };
	const char *env[] = { "DBMIG_LIBSQL_AUTH_TOKEN", "LIBSQL_AUTH_TOKEN", "TURSO_AUTH_TOKEN" };
	const char *tls = url_param(url, "tls"), *secure = url_param(url, "secure");
	size_t i, k;
	int https;

	*out = NULL;
	h->base.ops = &libsql_ops;
	h->be = &libsql_backend;
	for (i = 0; i < url->nparams; i++) {
		for (k = 0; known_params[k]; k++)
			if (!strcmp(url->params[i].key, known_params[k]))
				break;
		if (!known_params[k]) {
			strbuf_addf(err, "unknown query parameter '%s' in the libsql URL (known:",
				    url->params[i].key);
			for (k = 0; known_params[k]; k++)
				strbuf_addf(err, " %s", known_params[k]);
			strbuf_addch(err, ')');
			goto fail;
		}
	}
	/* libsql:// is Turso's: TLS unless told; sqlite+libsql:// is SQLAlchemy's: plain */
	https = flag(tls ? tls : secure, !strcmp(url->scheme, "libsql"));
	if (https < 0) {
		strbuf_addf(err, "libsql URL: '%s' is not true or false", tls ? tls : secure);
		goto fail;
	}
	o.https = https;
	o.default_port = https ? 443 : 8080;
	o.bearer = url_param(url, "authToken");
	for (i = 0; !o.bearer && i < sizeof(env) / sizeof(env[0]); i++)
		if (getenv(env[i]) && *getenv(env[i]))
			o.bearer = getenv(env[i]);
	if (url->database && *url->database) {
		strbuf_addf(err, "libsql URL: a database name ('%s') is not allowed: the server holds one database",
			    url->database);
		goto fail;
	}
	if (http_db_init(h, &libsql_backend, &libsql_ops, url, &o, err))
		goto fail;
	*out = &h->base;
	return 0;
fail:
	http_db_close(&h->base);
	return -1;
}
