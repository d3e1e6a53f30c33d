/*
 * db/sqlite.c: the embedded SQLite backend. Scripts run statement by
 * statement so that a failure can name its line. Whole runs are
 * serialised between processes with flock() on the database file, held
 * on a descriptor that stays open until the connection closes (closing
 * another descriptor of the file would drop SQLite's own fcntl locks).
 */
#include "db.h"
#include "usage.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * exec_params() runs the same few statements once a revision (the
 * version-table change, the dbmig_log row): they are prepared once and kept,
 * as parsing them again costs more than running them. SQLite prepares a
 * kept statement again by itself when the schema changes under it.
 */
#define STMT_CACHE 8

struct sqlite_db {
	struct db base;
	sqlite3 *h;
	char *path;     /* NULL in memory */
	int lockfd;
	struct {
		char *sql;
		sqlite3_stmt *st;
	} kept[STMT_CACHE];
	unsigned next_kept; /* the slot the next new statement takes */
};

static int sqlite_fail(struct sqlite_db *s, struct strbuf *err)
{
	strbuf_addstr(err, sqlite3_errmsg(s->h));
	return -1;
}

static int sqlite_exec(struct db *db, const char *sql, struct strbuf *err)
{
	struct sqlite_db *s = (struct sqlite_db *)db;

	if (sqlite3_exec(s->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_fail(s, err);
	return 0;
}

static unsigned count_lines(const char *from, const char *to)
{
	unsigned n = 0;

	for (; from < to; from++)
		if (*from == '\n')
			n++;
	return n;
}

static int sqlite_exec_script(struct db *db, const char *sql,
			      struct db_error_pos *pos, struct strbuf *err)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	const char *p = sql;

	while (*p) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL, *start = p;
		int rc;

		while (*start == ' ' || *start == '\t' || *start == '\n' || *start == '\r')
			start++;
		rc = sqlite3_prepare_v2(s->h, p, -1, &st, &tail);
		if (rc != SQLITE_OK) {
			pos->line = 1 + count_lines(sql, start);
			return sqlite_fail(s, err);
		}
		if (!st) /* blank or comment only */
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			pos->line = 1 + count_lines(sql, start);
			sqlite_fail(s, err);
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_finalize(st);
		p = tail;
	}
	return 0;
}

/* A statement prepared for sql, kept for the next call with the same text. */
static sqlite3_stmt *kept_stmt(struct sqlite_db *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	unsigned i;

	for (i = 0; i < STMT_CACHE && s->kept[i].sql; i++)
		if (!strcmp(s->kept[i].sql, sql))
			return s->kept[i].st;
	if (sqlite3_prepare_v3(s->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	i = s->next_kept;
	s->next_kept = (i + 1) % STMT_CACHE;
	sqlite3_finalize(s->kept[i].st);
	free(s->kept[i].sql);
	s->kept[i].sql = xstrdup(sql);
	s->kept[i].st = st;
	return st;
}

static int sqlite_exec_params(struct db *db, const char *sql,
			      const char *const *params, size_t nparams,
			      struct strbuf *err)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	sqlite3_stmt *st = kept_stmt(s, sql);
	size_t i;
	int rc;

	if (!st)
		return sqlite_fail(s, err);
	for (i = 0; i < nparams; i++) {
		if (params[i])
			sqlite3_bind_text(st, (int)i + 1, params[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, (int)i + 1);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		sqlite_fail(s, err);
	/*
	 * Reset at once, so that the kept statement holds no lock and no
	 * pointer to params once this returns.
	 */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int sqlite_query_column(struct db *db, const char *sql, char ***rows,
			       size_t *nrows, struct strbuf *err)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*rows = NULL;
	*nrows = 0;
	if (sqlite3_prepare_v2(s->h, sql, -1, &st, NULL) != SQLITE_OK)
		return sqlite_fail(s, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		ALLOC_GROW(*rows, *nrows + 1, alloc);
		(*rows)[(*nrows)++] = xstrdup(t ? (const char *)t : "");
	}
	if (rc != SQLITE_DONE) {
		sqlite_fail(s, err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int sqlite_has_table(struct db *db, const char *schema,
			    const char *table, int *out, struct strbuf *err)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	strbuf_addstr(&sql, "SELECT 1 FROM ");
	if (schema && *schema) {
		db_quote_ident(&sql, schema);
		strbuf_addch(&sql, '.');
	}
	strbuf_addstr(&sql, "sqlite_master WHERE type = 'table' AND name = ?1");
	rc = sqlite3_prepare_v2(s->h, sql.buf, -1, &st, NULL);
	strbuf_release(&sql);
	if (rc != SQLITE_OK)
		return sqlite_fail(s, err);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite_fail(s, err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int sqlite_lock(struct db *db, long timeout_ms, struct strbuf *err)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	struct timespec start, now;

	sqlite3_busy_timeout(s->h, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms);
	if (!s->path)
		return 0;
	if (s->lockfd < 0) {
		s->lockfd = open(s->path, O_RDONLY | O_CLOEXEC);
		if (s->lockfd < 0) {
			strbuf_addf(err, "cannot open '%s' to lock it: %s", s->path, strerror(errno));
			return -1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long waited;

		if (!flock(s->lockfd, LOCK_EX | LOCK_NB))
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			strbuf_addf(err, "cannot lock '%s': %s", s->path, strerror(errno));
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 +
			 (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= timeout_ms) {
			strbuf_addf(err, "database '%s' is locked by another git-dbmig run; gave up after %ld ms (see --lock-timeout)",
				    s->path, timeout_ms);
			return -1;
		}
		usleep(20000);
	}
}

static void sqlite_unlock(struct db *db)
{
	struct sqlite_db *s = (struct sqlite_db *)db;

	if (s->lockfd >= 0)
		flock(s->lockfd, LOCK_UN);
}

static void sqlite_close(struct db *db)
{
	struct sqlite_db *s = (struct sqlite_db *)db;
	unsigned i;

	for (i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(s->kept[i].st);
		free(s->kept[i].sql);
	}
	sqlite3_close(s->h);
	if (s->lockfd >= 0)
		close(s->lockfd);
	free(s->path);
	free(s->base.display);
	free(s);
}

static const struct db_ops sqlite_ops = {
	.name = "sqlite",
	.transactional_ddl = 1,
	.exec = sqlite_exec,
	.exec_script = sqlite_exec_script,
	.exec_params = sqlite_exec_params,
	.query_column = sqlite_query_column,
	.has_table = sqlite_has_table,
	.lock = sqlite_lock,
	.unlock = sqlite_unlock,
	.close = sqlite_close,
};

int db_sqlite_open(struct db **out, const struct url *url, unsigned flags,
		   struct strbuf *err)
{
	struct sqlite_db *s = xcalloc(1, sizeof(*s));
	struct strbuf disp = STRBUF_INIT;
	int oflags = SQLITE_OPEN_READWRITE;
	const char *path = url->database;
	struct stat st;

	*out = NULL;
	s->base.ops = &sqlite_ops;
	s->lockfd = -1;
	url_display(&disp, url);
	s->base.display = strbuf_detach(&disp, NULL);
	if (path && *path && strcmp(path, ":memory:")) {
		s->path = xstrdup(path);
		if (stat(path, &st)) {
			if (!(flags & DB_CREATE)) {
				strbuf_addf(err, "database file '%s' does not exist", path);
				sqlite_close(&s->base);
				return DB_ERR_MISSING;
			}
			oflags |= SQLITE_OPEN_CREATE;
		} else if (!S_ISREG(st.st_mode)) {
			strbuf_addf(err, "database path '%s' is not a file", path);
			goto fail;
		}
	} else {
		path = ":memory:";
		oflags |= SQLITE_OPEN_CREATE;
	}
	if (sqlite3_open_v2(path, &s->h, oflags, NULL) != SQLITE_OK) {
		strbuf_addf(err, "cannot open database '%s': %s", path,
			    s->h ? sqlite3_errmsg(s->h) : "out of memory");
		goto fail;
	}
	/*
	 * Reading the schema tells a file that is not a database at once. A
	 * database that is busy is fine here: waiting for it is lock()'s job,
	 * with the run's timeout.
	 */
	if (sqlite3_exec(s->h, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK &&
	    (sqlite3_errcode(s->h) & 0xff) != SQLITE_BUSY) {
		strbuf_addf(err, "cannot use database '%s': %s", path, sqlite3_errmsg(s->h));
		goto fail;
	}
	sqlite3_busy_timeout(s->h, 10000);
	sqlite3_extended_result_codes(s->h, 1);
	*out = &s->base;
	return 0;
fail:
	sqlite_close(&s->base);
	return -1;
}
