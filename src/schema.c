/*
 * schema: reads a database's objects from its catalog into sorted
 * (kind, name, definition) items, and diffs two lists. Every query
 * returns one text column, "KIND<TAB>NAME<TAB>DEF", so that it goes
 * through the backends' query_column() unchanged: SQLite's catalog
 * (sqlite_master and the pragma table functions) serves SQLite, rqlite
 * and sqld alike; PostgreSQL's is pg_catalog, with its own
 * format_type(), pg_get_expr(), pg_get_constraintdef(),
 * pg_get_triggerdef() and pg_get_functiondef() spelling each object as
 * PostgreSQL itself would. It changes nothing.
 */
#include "schema.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Items                                                               */

int schema_add_line(struct schema *s, const char *line, struct strbuf *err)
{
	const char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
	struct schema_item *it;

	if (!t2) {
		strbuf_addf(err, "unexpected catalog row '%s'", line);
		return -1;
	}
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	it = &s->v[s->n++];
	it->kind = xstrndup(line, (size_t)(t1 - line));
	it->name = xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
	it->def = xstrdup(t2 + 1);
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const struct schema_item *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->kind, y->kind);
}

void schema_sort(struct schema *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_item);
}

void schema_release(struct schema *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].kind);
		free(s->v[i].name);
		free(s->v[i].def);
	}
	free(s->v);
	s->v = NULL;
	s->n = s->alloc = 0;
}

static void diff_line(struct strbuf *out, char sign, const struct schema_item *it)
{
	strbuf_addf(out, "%c %s %s: %s\n", sign, it->kind, it->name, it->def);
}

size_t schema_diff(struct strbuf *out, const struct schema *want,
		   const struct schema *have)
{
	size_t i = 0, k = 0, n = 0;

	while (i < want->n || k < have->n) {
		int c = i >= want->n ? 1 : k >= have->n ? -1 : cmp_item(&want->v[i], &have->v[k]);

		if (c < 0) {
			diff_line(out, '-', &want->v[i++]);
			n++;
		} else if (c > 0) {
			diff_line(out, '+', &have->v[k++]);
			n++;
		} else {
			if (strcmp(want->v[i].def, have->v[k].def)) {
				diff_line(out, '-', &want->v[i]);
				diff_line(out, '+', &have->v[k]);
				n++;
			}
			i++;
			k++;
		}
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Catalog queries                                                     */

/*
 * SQLite: tables and what hangs off them come from the pragma table
 * functions of each table of sqlite_master; the automatic indexes of
 * UNIQUE and PRIMARY KEY constraints keep their deterministic names.
 * @SKIP@ stands for the list of tables to leave out.
 */
static const char *const sqlite_queries[] = {
	"SELECT 'table' || '\t' || name || '\t' || 'TABLE' FROM sqlite_master "
	"WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN (@SKIP@)",

	"SELECT 'column' || '\t' || m.name || '.' || p.name || '\t' || "
	"CASE WHEN p.type = '' THEN '(no type)' ELSE p.type END || "
	"CASE WHEN p.\"notnull\" THEN ' NOT NULL' ELSE ' NULL' END || "
	"COALESCE(' DEFAULT ' || p.dflt_value, '') || "
	"CASE WHEN p.pk THEN ' PRIMARY KEY ' || p.pk ELSE '' END "
	"FROM sqlite_master m JOIN pragma_table_info(m.name) p "
	"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT IN (@SKIP@)",

	"SELECT 'index' || '\t' || m.name || '.' || il.name || '\t' || "
	"CASE WHEN il.\"unique\" THEN 'UNIQUE ' ELSE '' END || 'INDEX (' || "
	"(SELECT group_concat(COALESCE(ii.name, '<expression>'), ', ') FROM "
	"(SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii) || ')' || "
	"CASE WHEN il.partial THEN ' WHERE ...' ELSE '' END || ' (' || il.origin || ')' || "
	"COALESCE(' ' || (SELECT sql FROM sqlite_master x WHERE x.type = 'index' AND x.name = il.name), '') "
	"FROM sqlite_master m JOIN pragma_index_list(m.name) il "
	"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT IN (@SKIP@)",

	"SELECT 'constraint' || '\t' || m.name || '.fk' || f.id || '.' || f.seq || '\t' || "
	"'FOREIGN KEY (' || f.\"from\" || ') REFERENCES ' || f.\"table\" || "
	"COALESCE(' (' || f.\"to\" || ')', '') || ' ON UPDATE ' || f.on_update || ' ON DELETE ' || f.on_delete "
	"FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f "
	"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT IN (@SKIP@)",

	"SELECT type || '\t' || name || '\t' || COALESCE(sql, '') FROM sqlite_master "
	"WHERE type IN ('view', 'trigger') AND tbl_name NOT IN (@SKIP@)",
};

/*
 * PostgreSQL: every schema but the system ones. @SKIP@ stands for the
 * list of "schema.table" names to leave out.
 */
#define PG_USER_NS "n.nspname NOT IN ('pg_catalog', 'information_schema') " \
	"AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
static const char *const pg_queries[] = {
	"SELECT 'table' || E'\\t' || n.nspname || '.' || c.relname || E'\\t' || "
	"CASE c.relkind WHEN 'p' THEN 'PARTITIONED TABLE' ELSE 'TABLE' END "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind IN ('r', 'p') AND " PG_USER_NS " AND n.nspname || '.' || c.relname NOT IN (@SKIP@)",

	"SELECT 'column' || E'\\t' || n.nspname || '.' || c.relname || '.' || a.attname || E'\\t' || "
	"format_type(a.atttypid, a.atttypmod) || "
	"CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END || "
	"COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') "
	"FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
	"WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND " PG_USER_NS
	" AND n.nspname || '.' || c.relname NOT IN (@SKIP@)",

	"SELECT 'index' || E'\\t' || n.nspname || '.' || t.relname || '.' || i.relname || E'\\t' || "
	"pg_get_indexdef(i.oid) "
	"FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
	"JOIN pg_namespace n ON n.oid = t.relnamespace "
	"WHERE " PG_USER_NS " AND n.nspname || '.' || t.relname NOT IN (@SKIP@)",

	"SELECT 'constraint' || E'\\t' || n.nspname || '.' || c.relname || '.' || con.conname || E'\\t' || "
	"pg_get_constraintdef(con.oid) "
	"FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	/*
	 * PostgreSQL 18 keeps NOT NULL as constraints of type 'n' too; the
	 * column's line already says NOT NULL, as on older servers
	 */
	"WHERE con.contype <> 'n' AND " PG_USER_NS " AND n.nspname || '.' || c.relname NOT IN (@SKIP@)",

	"SELECT 'view' || E'\\t' || n.nspname || '.' || c.relname || E'\\t' || pg_get_viewdef(c.oid) "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.relkind IN ('v', 'm') AND " PG_USER_NS " AND n.nspname || '.' || c.relname NOT IN (@SKIP@)",

	"SELECT 'trigger' || E'\\t' || n.nspname || '.' || c.relname || '.' || t.tgname || E'\\t' || "
	"pg_get_triggerdef(t.oid) "
	"FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
	"JOIN pg_namespace n ON n.oid = c.relnamespace "
	"WHERE NOT t.tgisinternal AND " PG_USER_NS " AND n.nspname || '.' || c.relname NOT IN (@SKIP@)",

	"SELECT 'function' || E'\\t' || n.nspname || '.' || p.proname || '(' || "
	"pg_get_function_identity_arguments(p.oid) || ')' || E'\\t' || "
	"regexp_replace(pg_get_functiondef(p.oid), '\\s+', ' ', 'g') "
	"FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
	"WHERE p.prokind IN ('f', 'p') AND " PG_USER_NS " "
	"AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = p.oid AND dep.deptype = 'e')",
};

static void add_literal(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

int schema_read(struct schema *out, struct db *db, enum schema_dialect d,
		const char *version_schema, const char *version_table,
		struct strbuf *err)
{
	const char *const *queries = d == SCHEMA_POSTGRES ? pg_queries : sqlite_queries;
	size_t nq = d == SCHEMA_POSTGRES ? sizeof(pg_queries) / sizeof(pg_queries[0]) :
		    sizeof(sqlite_queries) / sizeof(sqlite_queries[0]);
	struct strbuf skip = STRBUF_INIT, sql = STRBUF_INIT, name = STRBUF_INIT;
	size_t q, i;
	int ret = -1;

	/* the tables git-dbmig keeps for itself */
	for (i = 0; i < 3; i++) {
		static const char *const own[] = { NULL, "dbmig_log", "dbmig_lock" };

		strbuf_reset(&name);
		if (d == SCHEMA_POSTGRES)
			strbuf_addf(&name, "%s.", version_schema ? version_schema : "public");
		strbuf_addstr(&name, i ? own[i] : version_table);
		if (i)
			strbuf_addstr(&skip, ", ");
		add_literal(&skip, name.buf);
	}
	if (d == SCHEMA_POSTGRES && !version_schema) {
		/* the version table is found through the search_path: leave out the first one */
		strbuf_addstr(&skip, ", current_schema() || '.' || ");
		add_literal(&skip, version_table);
		strbuf_addstr(&skip, ", current_schema() || '.dbmig_log'");
	}
	for (q = 0; q < nq; q++) {
		char **rows = NULL;
		size_t n = 0;
		int r;

		const char *at = strstr(queries[q], "@SKIP@");

		strbuf_reset(&sql);
		if (at) {
			strbuf_add(&sql, queries[q], (size_t)(at - queries[q]));
			strbuf_addstr(&sql, skip.buf);
			strbuf_addstr(&sql, at + 6);
		} else {
			strbuf_addstr(&sql, queries[q]);
		}
		r = db->ops->query_column(db, sql.buf, &rows, &n, err);
		for (i = 0; !r && i < n; i++)
			r = schema_add_line(out, rows[i] ? rows[i] : "", err);
		for (i = 0; i < n; i++)
			free(rows[i]);
		free(rows);
		if (r)
			goto cleanup;
	}
	schema_sort(out);
	ret = 0;
cleanup:
	if (ret)
		schema_release(out);
	strbuf_release(&skip);
	strbuf_release(&sql);
	strbuf_release(&name);
	return ret;
}
