#ifndef SCHEMA_H
#define SCHEMA_H
/*
 * schema: what a database holds, read from its own catalog, as a sorted
 * list of items (kind, name, definition in the database's own terms),
 * and the difference between two such lists. verify compares a live
 * database with a scratch database that ran the same revisions. A
 * struct schema owns its items.
 */
#include "db.h"
#include "strbuf.h"

struct schema_item {
	char *kind;   /* "table", "column", "index", "constraint", "view", "trigger", "function" */
	char *name;   /* "core_account.email" (PostgreSQL: "public.core_account.email") */
	char *def;    /* "VARCHAR(254) NULL", a CREATE statement, ... */
};

struct schema {
	struct schema_item *v;
	size_t n, alloc;
};
#define SCHEMA_INIT { NULL, 0, 0 }

/* Which catalog to read: SQLite's (also rqlite's and sqld's) or PostgreSQL's. */
enum schema_dialect {
	SCHEMA_SQLITE,
	SCHEMA_POSTGRES,
};

/*
 * Read db's tables, columns (type, null, default, primary key),
 * indexes, constraints (foreign keys; on PostgreSQL also checks,
 * unique and primary keys), views, triggers and (PostgreSQL) functions,
 * leaving out git-dbmig's own tables: the version table (version_table,
 * in version_schema when not NULL), dbmig_log and, on rqlite and sqld,
 * dbmig_lock. Sorted by name and kind.
 */
int schema_read(struct schema *out, struct db *db, enum schema_dialect d,
		const char *version_schema, const char *version_table,
		struct strbuf *err);

/*
 * Add one item from a "KIND<TAB>NAME<TAB>DEF" line; -1 with a message
 * when the line has not three fields. schema_sort() puts the list in
 * order after adding.
 */
int schema_add_line(struct schema *s, const char *line, struct strbuf *err);
void schema_sort(struct schema *s);

/*
 * The difference from want (the revisions, on a scratch database) to
 * have (the live database), one line an item, in name order:
 *   "- KIND NAME: DEF"  only in want (missing from the database)
 *   "+ KIND NAME: DEF"  only in have (not made by the revisions)
 * and a "-" and a "+" line for an item whose definition differs.
 * Returns the number of items that differ.
 */
size_t schema_diff(struct strbuf *out, const struct schema *want,
		   const struct schema *have);

void schema_release(struct schema *s);

#endif
