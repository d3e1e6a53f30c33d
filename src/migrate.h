#ifndef MIGRATE_H
#define MIGRATE_H
/*
 * migrate: runs upgrade, downgrade and stamp against a database, or
 * prints the SQL script instead (--sql). It plans with resolve.c,
 * simulates the version-row bookkeeping of the whole plan before writing
 * anything, then applies each revision's body, its version-row change
 * and its dbmig_log row in one transaction.
 */
#include "db.h"
#include "project.h"
#include "strbuf.h"

enum migrate_cmd {
	MIGRATE_UPGRADE,
	MIGRATE_DOWNGRADE,
	MIGRATE_STAMP,
};

struct migrate_opts {
	enum migrate_cmd cmd;
	const char *const *targets;
	size_t ntargets;
	int sql;               /* print the script instead */
	int purge;             /* stamp --purge */
	int one_transaction;   /* the whole run in one transaction */
	int plan_only;         /* --plan: print the steps, change nothing */
	int json;              /* --json with --plan */
	long lock_timeout_ms;
	/*
	 * When set, run on this open database instead of opening p->url;
	 * it stays open (verify builds its scratch schema so).
	 */
	struct db *db;
	const char *tag;       /* --tag, for env.py's get_tag_argument() */
	int verbose;           /* -v: a failing .py revision's traceback */
};

int migrate_run(struct project *p, const struct migrate_opts *o,
		struct strbuf *err);

/*
 * ensure_version: create the version table, as Alembic creates it, when
 * the database has none (a missing SQLite file is created); nothing
 * else. With sql, print Alembic's offline script for it instead.
 */
int migrate_ensure_version(struct project *p, int sql, long lock_timeout_ms,
			   struct strbuf *err);

/* Open the project's database. DB_CREATE creates a missing SQLite file. */
int migrate_open_db(struct project *p, unsigned flags, struct db **out,
		    struct strbuf *err);

/*
 * The version rows in the order the database returns them; a missing
 * version table gives none.
 */
int migrate_read_rows(struct project *p, struct db *db, char ***rows,
		      size_t *n, struct strbuf *err);
void migrate_free_rows(char **rows, size_t n);

/*
 * The dbmig_log rows in id order; a missing dbmig_log gives none. A log
 * that cannot be read (a column missing) or holds a row that is not a
 * log row fails with a message saying so.
 */
struct status_log;
int migrate_read_log(struct project *p, struct db *db, struct status_log *log,
		     struct strbuf *err);

/* Substitute ${x.KEY} and ${x.KEY:-default} from -x values. */
int migrate_expand_body(struct strbuf *out, const struct project *p,
			const char *body, struct strbuf *err);

#endif
