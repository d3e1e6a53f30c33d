#ifndef DB_H
#define DB_H
/*
 * db: one interface over the database backends. Each backend (a file in db/)
 * fills a struct db_ops with static functions and embeds struct db first
 * in its private struct. Callers use the db_* wrappers. A failing call
 * returns -1 and puts the database's own message into err; the caller
 * adds which revision and file it was running.
 */
#include "strbuf.h"
#include "url.h"

struct db;

/* Where a failing statement was: 1-based line within the script. */
struct db_error_pos {
	unsigned line;
	char sqlstate[6];
};

struct db_ops {
	const char *name;
	int transactional_ddl;
	int (*exec)(struct db *db, const char *sql, struct strbuf *err);
	/* Run a script of several statements; *pos set on failure. */
	int (*exec_script)(struct db *db, const char *sql, struct db_error_pos *pos,
			   struct strbuf *err);
	/* Run one statement with text parameters ($1.. or ?1..), no result. */
	int (*exec_params)(struct db *db, const char *sql, const char *const *params,
			   size_t nparams, struct strbuf *err);
	/* First column of every row of a query, in the order returned. */
	int (*query_column)(struct db *db, const char *sql, char ***rows,
			    size_t *nrows, struct strbuf *err);
	int (*has_table)(struct db *db, const char *schema, const char *table,
			 int *out, struct strbuf *err);
	/* Serialise whole runs between processes, waiting up to timeout_ms. */
	int (*lock)(struct db *db, long timeout_ms, struct strbuf *err);
	void (*unlock)(struct db *db);
	void (*close)(struct db *db);
};

struct db {
	const struct db_ops *ops;
	char *display;      /* URL with the password masked */
};

enum db_open_flags {
	DB_CREATE = 1 << 0, /* create a missing SQLite file */
};

/* Returns 0, DB_ERR_MISSING for a missing SQLite file without DB_CREATE, or -1. */
#define DB_ERR_MISSING (-2)
int db_open(struct db **out, const struct url *url, unsigned flags,
	    struct strbuf *err);
void db_close(struct db *db);

/* Backends */
int db_sqlite_open(struct db **out, const struct url *url, unsigned flags,
		   struct strbuf *err);

/* Quote an identifier for SQL text ("name"), doubling quotes. */
void db_quote_ident(struct strbuf *out, const char *name);

#endif
