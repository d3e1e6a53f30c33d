/*
 * What a run asks an HTTP backend, for the fuzz targets of server
 * answers: take the run lock, read the version rows, apply one revision
 * (BEGIN, a body, a version row, COMMIT), run a statement outside a
 * transaction, release the lock. Nothing the answers say may crash it;
 * whatever they are, every call returns.
 */
#include "db/http.h"
#include "fake-http.h"
#include "url.h"

#include <stdlib.h>

/*
 * The backend is opened once (libcurl's set-up is slow) and its run
 * state put back to that of a fresh connection for every input.
 */
static struct db *open_once(const char *text)
{
	static struct db *db;
	struct strbuf err = STRBUF_INIT;
	struct url *u = NULL;
	struct http_db *h;

	if (!db) {
		if (url_parse(&u, text, &err) || db_open(&db, u, 0, &err))
			abort();
		url_free(u);
		strbuf_release(&err);
	}
	h = (struct http_db *)db;
	http_stmts_clear(&h->held);
	h->in_tx = 0;
	h->locked = 0;
	h->lock_token = 0;
	return db;
}

void fake_http_run(const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct db *db = open_once(text);
	struct db_error_pos pos = { 0, "" };
	const char *params[1] = { "rev1" };
	char **rows = NULL;
	size_t n = 0, i;
	int has = 0;

	if (!db_lock(db, NULL, "alembic_version", 0, &err)) {
		strbuf_reset(&err);
		if (!db->ops->has_table(db, NULL, "alembic_version", &has, &err) &&
		    !db->ops->query_column(db, "SELECT version_num FROM alembic_version", &rows, &n, &err)) {
			for (i = 0; i < n; i++)
				free(rows[i]);
			free(rows);
		}
		strbuf_reset(&err);
		if (!db->ops->exec(db, "BEGIN", &err) &&
		    !db->ops->exec_script(db, "CREATE TABLE t (x INTEGER);\nINSERT INTO t VALUES (1);", &pos, &err) &&
		    !db->ops->exec_params(db, "INSERT INTO alembic_version (version_num) VALUES (?1)", params, 1, &err))
			db_commit(db, &pos, &err);
		strbuf_reset(&err);
		db->ops->exec(db, "CREATE TABLE IF NOT EXISTS dbmig_log (id INTEGER)", &err);
		db->ops->unlock(db);
	}
	strbuf_release(&err);
}
