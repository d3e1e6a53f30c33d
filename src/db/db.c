/*
 * db/db.c: picks the backend for a URL, and the SQL dialect a URL speaks
 * (also for --sql output, which opens no connection). Backend code lives
 * beside it, one file per backend.
 */
#include "db.h"
#include "usage.h"

#include <string.h>

int db_open(struct db **out, const struct url *url, unsigned flags,
	    struct strbuf *err)
{
	*out = NULL;
	switch (url->kind) {
	case URL_SQLITE:
		return db_sqlite_open(out, url, flags, err);
	case URL_POSTGRESQL:
		return db_postgres_open(out, url, flags, err);
	case URL_RQLITE:
		return db_rqlite_open(out, url, flags, err);
	case URL_LIBSQL:
		return db_libsql_open(out, url, flags, err);
	default:
		break;
	}
	strbuf_addf(err, "the %s backend is not available in this build", url->backend);
	return -1;
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

int db_lock(struct db *db, const char *schema, const char *table,
	    long timeout_ms, struct strbuf *err)
{
	db->lock_schema = schema;
	db->lock_table = table;
	return db->ops->lock(db, timeout_ms, err);
}

int db_commit(struct db *db, struct db_error_pos *pos, struct strbuf *err)
{
	if (db->ops->commit)
		return db->ops->commit(db, pos, err);
	return db->ops->exec(db, "COMMIT", err);
}

/*
 * SQLite's, and that of every backend that speaks SQLite (rqlite,
 * libSQL): BEGIN IMMEDIATE takes the write lock at once, so two runs
 * cannot both read and then both write.
 */
const struct db_dialect db_default_dialect = {
	.begin = "BEGIN IMMEDIATE",
	.log_id_column = "id INTEGER PRIMARY KEY",
	.sql_flags = 0,
};

const struct db_dialect *db_dialect(const struct db *db)
{
	return db->ops->dialect ? db->ops->dialect : &db_default_dialect;
}

const struct db_dialect *db_dialect_for_url(const struct url *url)
{
	switch (url->kind) {
	case URL_POSTGRESQL:
		return &db_postgres_dialect;
	default:
		return &db_default_dialect;
	}
}

void db_quote_ident(struct strbuf *out, const char *name)
{
	strbuf_addch(out, '"');
	for (; *name; name++) {
		if (*name == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *name);
	}
	strbuf_addch(out, '"');
}
