#ifndef DB_HTTP_H
#define DB_HTTP_H
/*
 * db/http.h: what the two backends that speak SQLite over HTTP (rqlite,
 * libSQL's sqld) share. Each backend file supplies a transport (struct
 * http_backend: run statements, run a query, over its own JSON API); this
 * module does the rest once for both:
 *   - a libcurl client that posts JSON, with basic or bearer
 *     authentication, TLS options from the URL, and several hosts of
 *     which the next is tried when one cannot be reached;
 *   - the split of a revision body into SQLite statements;
 *   - the db_ops functions: statements between BEGIN and COMMIT are held
 *     and sent at COMMIT in one request, so a revision's body, its
 *     version-row changes and its log row commit together or not at all;
 *   - the run lock, a row of the table dbmig_lock (see http_db_lock()).
 *
 * Ownership: what comes back through an out parameter belongs to the
 * caller (json_t with json_decref(), strings with free()); struct
 * http_db owns its client, its held statements and its lock names.
 */
#include "db.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sys/types.h>

/* ------------------------------------------------------------------
 * HTTP client
 */

struct http_client {
	CURL *curl;
	char **bases;          /* "http://host:port", one per host of the URL */
	size_t nbases;
	size_t current;        /* the host that answered last */
	struct curl_slist *headers;
	char *user, *password; /* basic authentication, or NULL */
	char *cacert, *capath;
	int insecure;          /* no certificate or host name check */
	long connect_timeout_ms;
	long timeout_ms;       /* the whole request; 0: none */
	int timed_out;         /* the last http_post() ran out of time */
	const char *display;   /* borrowed: the URL with secrets masked */
	unsigned long requests;
	int trace;             /* DBMIG_HTTP_TRACE: one stderr line a request */
};

/* What the URL says about TLS and time-outs, checked by the backend. */
struct http_client_opts {
	int https;
	int default_port;
	const char *bearer;    /* token for "Authorization: Bearer", or NULL */
};

/*
 * Set up c for the hosts of u. The URL's user and password become basic
 * authentication. Reads the query parameters cacert, capath, insecure
 * (curl's names) and connect_timeout (default 10), timeout (the whole
 * request, default 60; 0 for none), in seconds.
 */
int http_client_init(struct http_client *c, const struct url *u,
		     const struct http_client_opts *o, const char *display,
		     struct strbuf *err);
void http_client_release(struct http_client *c);

enum http_post_result {
	HTTP_OK = 0,
	/* no host could be reached: nothing was sent */
	HTTP_ERR_CONNECT = -1,
	/* sent, but no complete answer: it may or may not have taken effect */
	HTTP_ERR_UNKNOWN = -4,
};

/*
 * POST the JSON body to path (with a query string, if any) on the
 * current host, trying the others in turn when a host cannot be reached.
 * Follows redirects, keeping the POST (an rqlite follower may send one
 * to the leader). On an answer, returns HTTP_OK with its status in
 * *status and its body in *out (NULL when it is not JSON; the text is in
 * raw). Otherwise an enum http_post_result code, with a message.
 */
int http_post(struct http_client *c, const char *path, json_t *body,
	      long *status, json_t **out, struct strbuf *raw,
	      struct strbuf *err);

/* "HTTP 401 Unauthorized: <first line of body>" and the like. */
void http_describe_status(struct strbuf *err, long status,
			  const struct strbuf *raw);

/* ------------------------------------------------------------------
 * Statements
 */

struct http_stmt {
	char *sql;
	char **params;   /* text, or NULL for SQL NULL */
	size_t nparams;
	unsigned line;   /* 1-based line in the script it came from, or 0 */
};

struct http_stmts {
	struct http_stmt *v;
	size_t n, alloc;
};

void http_stmts_add(struct http_stmts *s, const char *sql, size_t len,
		    const char *const *params, size_t nparams, unsigned line);
void http_stmts_clear(struct http_stmts *s);

/*
 * Split a script into statements, as SQLite's own sqlite3_complete()
 * sees their ends (quotes, comments, CREATE TRIGGER ... END). Blank and
 * comment-only pieces are dropped; each statement keeps its line.
 */
void http_split_script(struct http_stmts *out, const char *sql);

/* ------------------------------------------------------------------
 * The backend
 */

struct http_db;

/* What a transport reports about a run of statements. */
struct http_outcome {
	ssize_t failed;       /* index of the failing statement, or -1 */
	long long *affected;  /* rows changed, one per statement (caller's) */
};

struct http_backend {
	/*
	 * Run n statements, in one transaction when tx (all or nothing),
	 * else one after the other, stopping at the first that fails. A
	 * statement that fails sets out->failed and puts the database's
	 * message into err (return -1); an enum http_post_result code
	 * otherwise.
	 */
	int (*run)(struct http_db *h, const struct http_stmt *v, size_t n,
		   int tx, struct http_outcome *out, struct strbuf *err);
	/*
	 * Rows of one query, every value as text ("" for NULL), row after
	 * row: *cells holds *nrows times *ncols strings.
	 */
	int (*query)(struct http_db *h, const struct http_stmt *q,
		     char ***cells, size_t *nrows, size_t *ncols,
		     struct strbuf *err);
	/* Release what the backend added to its struct. */
	void (*release)(struct http_db *h);
};

struct http_db {
	struct db base;
	const struct http_backend *be;
	struct http_client client;
	struct http_stmts held; /* between BEGIN and COMMIT */
	int in_tx;
	/* the run lock */
	char *lock_table;       /* "dbmig_lock", schema-qualified when needed */
	char *lock_name;        /* the version table it guards */
	char *lock_owner;       /* "host pid N (random)" */
	long lock_expiry_ms;
	long long lock_token;   /* expires_at last written by this run */
	int locked;
};

/*
 * Fill the generic part of h (which the backend allocated, with its
 * own struct around it) for url: display name, client, lock expiry
 * (DBMIG_LOCK_EXPIRY, seconds, default 60).
 */
int http_db_init(struct http_db *h, const struct http_backend *be,
		 const struct db_ops *ops, const struct url *u,
		 const struct http_client_opts *o, struct strbuf *err);

/* The db_ops functions, shared by both backends. */
int http_db_exec(struct db *db, const char *sql, struct strbuf *err);
int http_db_exec_script(struct db *db, const char *sql,
			struct db_error_pos *pos, struct strbuf *err);
int http_db_exec_params(struct db *db, const char *sql,
			const char *const *params, size_t nparams,
			struct strbuf *err);
int http_db_commit(struct db *db, struct db_error_pos *pos, struct strbuf *err);
int http_db_query_column(struct db *db, const char *sql, char ***rows,
			 size_t *nrows, struct strbuf *err);
int http_db_has_table(struct db *db, const char *schema, const char *table,
		      int *out, struct strbuf *err);
/*
 * The run lock: a row (name, owner, expires_at) of dbmig_lock, beside the
 * version table. It is taken by an INSERT ... ON CONFLICT DO UPDATE that
 * only succeeds when there is no row or the row has expired, and every
 * transaction of the run first checks that the row is still this run's
 * (else it fails: "lost the run lock") and pushes its expiry on. A
 * holder that crashed leaves a row that expires lock_expiry_ms after its
 * last transaction. Expiry is judged by the deployers' clocks (rqlite
 * would evaluate the server's 'now' on every node apart).
 */
int http_db_lock(struct db *db, long timeout_ms, struct strbuf *err);
void http_db_unlock(struct db *db);
void http_db_close(struct db *db);

/* Free what query() returned. */
void http_free_cells(char **cells, size_t n);

#endif
