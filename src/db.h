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

enum db_sql_flags {
	/*
	 * --sql: "BEGIN;" comes before the CREATE TABLE of the version
	 * table, which then shares the first revision's transaction.
	 */
	DB_SQL_BEGIN_FIRST = 1 << 0,
	/* --sql: INSERT INTO version table ... RETURNING version_num */
	DB_SQL_RETURNING = 1 << 1,
	/*
	 * --sql: the body of a "transactional: false" revision stands
	 * between "COMMIT;" and "BEGIN;", outside the transaction.
	 */
	DB_SQL_AUTOCOMMIT_BLOCK = 1 << 2,
};

/*
 * What differs in the SQL text git-dbmig writes for a database, online
 * and in --sql output (where no connection is made). Alembic's own
 * output on the same URL is the model.
 */
struct db_dialect {
	const char *begin;         /* starts one revision's transaction */
	const char *log_id_column; /* DDL of dbmig_log.id, auto-generated */
	unsigned sql_flags;        /* enum db_sql_flags */
};

/* Where a failing statement was: 1-based line within the script. */
struct db_error_pos {
	unsigned line;
	char sqlstate[6];
};

struct db_ops {
	const char *name;
	int transactional_ddl;
	/* NULL: db_default_dialect (SQLite's) */
	const struct db_dialect *dialect;
	int (*exec)(struct db *db, const char *sql, struct strbuf *err);
	/* Run a script of several statements; *pos set on failure. */
	int (*exec_script)(struct db *db, const char *sql, struct db_error_pos *pos,
			   struct strbuf *err);
	/*
	 * Run one statement with text parameters, no result. Callers write
	 * ?1, ?2...; a backend whose server wants another style ($1)
	 * translates.
	 */
	int (*exec_params)(struct db *db, const char *sql, const char *const *params,
			   size_t nparams, struct strbuf *err);
	/* First column of every row of a query, in the order returned. */
	int (*query_column)(struct db *db, const char *sql, char ***rows,
			    size_t *nrows, struct strbuf *err);
	int (*has_table)(struct db *db, const char *schema, const char *table,
			 int *out, struct strbuf *err);
	/*
	 * Serialise whole runs between processes, waiting up to timeout_ms.
	 * What is locked is named by db->lock_schema and db->lock_table
	 * (the version table; see db_lock()).
	 */
	int (*lock)(struct db *db, long timeout_ms, struct strbuf *err);
	void (*unlock)(struct db *db);
	void (*close)(struct db *db);
	/*
	 * Optional (NULL: exec("COMMIT")): commit the transaction that
	 * exec(dialect->begin) opened. A backend that sends a transaction's
	 * statements only now (rqlite keeps no transaction open between
	 * requests) returns DB_ERR_SCRIPT when a statement that exec_script()
	 * was given failed, with *pos set as exec_script() would have.
	 */
	int (*commit)(struct db *db, struct db_error_pos *pos, struct strbuf *err);
};

struct db {
	const struct db_ops *ops;
	char *display;      /* URL with the password masked */
	/* Borrowed from the caller for lock(): the version table's name. */
	const char *lock_schema;
	const char *lock_table;
	/*
	 * How many times a revision whose body gave up waiting for a lock
	 * (SQLSTATE 55P03, PostgreSQL's lock_timeout) is tried again; 0
	 * for none.
	 */
	int lock_retries;
};

enum db_open_flags {
	DB_CREATE = 1 << 0, /* create a missing SQLite file */
};

/* Returns 0, DB_ERR_MISSING for a missing SQLite file without DB_CREATE, or -1. */
#define DB_ERR_MISSING (-2)
/* commit(): a statement of a revision body failed; see struct db_ops. */
#define DB_ERR_SCRIPT (-3)
/*
 * commit(): the answer to COMMIT was lost, and the backend, asking the
 * database again, learnt that the transaction did commit. The
 * connection cannot be used any more (err says what happened).
 */
#define DB_ERR_LOST_COMMITTED (-4)
/* commit(): the answer was lost and whether it committed is not known. */
#define DB_ERR_UNKNOWN (-5)
int db_open(struct db **out, const struct url *url, unsigned flags,
	    struct strbuf *err);
void db_close(struct db *db);

/*
 * Take the run lock of the version table schema.table (schema may be
 * NULL), waiting up to timeout_ms. The names are borrowed until
 * db_close().
 */
int db_lock(struct db *db, const char *schema, const char *table,
	    long timeout_ms, struct strbuf *err);

/*
 * Commit the open transaction: ops->commit, or exec("COMMIT"). Returns
 * 0, DB_ERR_SCRIPT (pos set), DB_ERR_LOST_COMMITTED, DB_ERR_UNKNOWN or -1.
 */
int db_commit(struct db *db, struct db_error_pos *pos, struct strbuf *err);

/* The dialect of an open database, never NULL. */
const struct db_dialect *db_dialect(const struct db *db);
/* The dialect a URL's backend speaks, for --sql output (no connection). */
const struct db_dialect *db_dialect_for_url(const struct url *url);
extern const struct db_dialect db_default_dialect;
extern const struct db_dialect db_postgres_dialect;

/* Backends */
int db_sqlite_open(struct db **out, const struct url *url, unsigned flags,
		   struct strbuf *err);
/* libpq; the database must exist (DB_CREATE is ignored). */
int db_postgres_open(struct db **out, const struct url *url, unsigned flags,
		     struct strbuf *err);

/*
 * rqlite's HTTP API through libcurl; every host of the URL is tried in
 * turn. Makes no request until the first statement.
 */
int db_rqlite_open(struct db **out, const struct url *url, unsigned flags,
		   struct strbuf *err);
/* libSQL's sqld, Hrana over HTTP (/v2/pipeline) through libcurl. */
int db_libsql_open(struct db **out, const struct url *url, unsigned flags,
		   struct strbuf *err);

/* Quote an identifier for SQL text ("name"), doubling quotes. */
void db_quote_ident(struct strbuf *out, const char *name);

#endif
