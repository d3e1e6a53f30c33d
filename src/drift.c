/*
 * drift: schema drift, the difference between a live database's catalog
 * and the catalog of a scratch database that ran the same revisions.
 * The scratch database is SQLite in memory for SQLite, rqlite and sqld;
 * for PostgreSQL a database created on the live server (or on the
 * server of a dev URL) and dropped again, whatever happens. The live
 * database is only read. verify and graph --verify use it; schema.c
 * reads and diffs the catalogs.
 */
#include "drift.h"
#include "migrate.h"
#include "schema.h"
#include "url.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* The scratch database                                                */

struct scratch {
	struct db *db;
	struct db *admin;       /* PostgreSQL: where the scratch was made */
	char *name;             /* PostgreSQL: the scratch database's name */
	char *where;            /* for messages: "SQLite in memory", ... */
};

static void scratch_drop(struct scratch *s)
{
	db_close(s->db);
	s->db = NULL;
	if (s->admin && s->name) {
		struct strbuf sql = STRBUF_INIT, ignore = STRBUF_INIT;

		strbuf_addstr(&sql, "DROP DATABASE IF EXISTS ");
		db_quote_ident(&sql, s->name);
		s->admin->ops->exec(s->admin, sql.buf, &ignore);
		strbuf_release(&sql);
		strbuf_release(&ignore);
	}
	db_close(s->admin);
	s->admin = NULL;
	free(s->name);
	free(s->where);
	s->name = s->where = NULL;
}

/*
 * Make an empty database of live's family: SQLite in memory for SQLite,
 * rqlite and sqld; for PostgreSQL a new database on the server of
 * dev_url, or of live_url when there is none.
 */
static int scratch_make(struct scratch *s, const struct url *live,
			const char *dev_url, struct strbuf *err)
{
	struct url *u = NULL;
	struct strbuf sql = STRBUF_INIT, e = STRBUF_INIT, shown = STRBUF_INIT;
	struct timeval tv;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	if (live->kind != URL_POSTGRESQL) {
		if (dev_url) {
			strbuf_addstr(err, "--dev-url is for PostgreSQL databases: the scratch database of SQLite, rqlite and libSQL is SQLite in memory");
			return -1;
		}
		if (url_parse(&u, "sqlite://", err))
			return -1;
		ret = db_open(&s->db, u, DB_CREATE, err);
		s->where = xstrdup("SQLite in memory");
		url_free(u);
		return ret ? -1 : 0;
	}
	if (dev_url && url_parse(&u, dev_url, err))
		goto cleanup;
	if (dev_url && u->kind != URL_POSTGRESQL) {
		strbuf_addstr(err, "--dev-url must be a postgresql:// URL to verify a PostgreSQL database");
		goto cleanup;
	}
	if (db_open(&s->admin, dev_url ? u : live, 0, &e)) {
		strbuf_addf(err, "cannot make a scratch database: %s", e.buf);
		goto cleanup;
	}
	gettimeofday(&tv, NULL);
	{
		struct strbuf name = STRBUF_INIT;

		strbuf_addf(&name, "dbmig_verify_%ld_%06ld", (long)getpid(), (long)tv.tv_usec);
		s->name = strbuf_detach(&name, NULL);
	}
	strbuf_addstr(&sql, "CREATE DATABASE ");
	db_quote_ident(&sql, s->name);
	if (s->admin->ops->exec(s->admin, sql.buf, &e)) {
		free(s->name);
		s->name = NULL;
		strbuf_addf(err, "cannot create a scratch database on %s: %s (give --dev-url a server where you may)",
			    s->admin->display, e.buf);
		goto cleanup;
	}
	{
		/* the same server and credentials, the scratch database */
		struct url copy = *(dev_url ? u : live);

		copy.database = s->name;
		if (db_open(&s->db, &copy, 0, &e)) {
			strbuf_addf(err, "cannot open the scratch database: %s", e.buf);
			goto cleanup;
		}
	}
	strbuf_addf(&shown, "PostgreSQL database %s on %s (dropped after)", s->name,
		    s->admin->display);
	s->where = strbuf_detach(&shown, NULL);
	ret = 0;
cleanup:
	if (ret)
		scratch_drop(s);
	url_free(u);
	strbuf_release(&sql);
	strbuf_release(&e);
	strbuf_release(&shown);
	return ret;
}

/*
 * Run "upgrade ROW" for every version row on the scratch database, or
 * "upgrade heads" once when every revision is applied.
 */
static int scratch_fill(struct scratch *s, struct project *p,
			const struct status *st, struct strbuf *err)
{
	struct migrate_opts o = { 0 };
	int quiet = usage_quiet, ret = 0;
	size_t i;

	o.cmd = MIGRATE_UPGRADE;
	o.ntargets = 1;
	o.lock_timeout_ms = 60000;
	o.one_transaction = 1;   /* a scratch database: all or nothing */
	o.db = s->db;
	usage_quiet = 1;
	for (i = 0; i < st->n && !ret; i++) {
		const char *target = st->v[i].id;
		struct strbuf e = STRBUF_INIT;
		int all = !st->count[STATUS_PENDING] && !st->count[STATUS_OTHER];

		/* everything applied: one plan, "upgrade heads", not one a row */
		if (all && i)
			break;
		if (all)
			target = "heads";
		else if (!st->v[i].version_row || st->v[i].rev < 0)
			continue;
		o.targets = &target;
		if (migrate_run(p, &o, &e)) {
			strbuf_addf(err, "cannot build the scratch schema (%s): %s", s->where, e.buf);
			ret = -1;
		}
		strbuf_release(&e);
	}
	usage_quiet = quiet;
	return ret;
}

/* ------------------------------------------------------------------ */
/* The comparison                                                      */

int drift_schema(struct drift *out, struct project *p, struct db *live,
		 const struct status *st, const char *dev_url, struct strbuf *err)
{
	struct url *u = NULL;
	struct schema want = SCHEMA_INIT, have = SCHEMA_INIT;
	struct scratch sc = { NULL, NULL, NULL, NULL };
	enum schema_dialect d;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	strbuf_init(&out->diff, 0);
	if (url_parse(&u, p->url, err))
		return -1;
	d = u->kind == URL_POSTGRESQL ? SCHEMA_POSTGRES : SCHEMA_SQLITE;
	if (scratch_make(&sc, u, dev_url, err))
		goto cleanup;
	if (d == SCHEMA_POSTGRES && p->version_table_schema) {
		/* the live database has it; a new database must get it too */
		struct strbuf sql = STRBUF_INIT;
		int r;

		strbuf_addstr(&sql, "CREATE SCHEMA IF NOT EXISTS ");
		db_quote_ident(&sql, p->version_table_schema);
		r = sc.db->ops->exec(sc.db, sql.buf, err);
		strbuf_release(&sql);
		if (r)
			goto cleanup;
	}
	if (scratch_fill(&sc, p, st, err) ||
	    schema_read(&have, live, d, p->version_table_schema, p->version_table, err) ||
	    schema_read(&want, sc.db, d, p->version_table_schema, p->version_table, err))
		goto cleanup;
	out->n = schema_diff(&out->diff, &want, &have);
	out->nobjects = have.n;
	out->where = xstrdup(sc.where);
	ret = 0;
cleanup:
	scratch_drop(&sc);
	schema_release(&want);
	schema_release(&have);
	url_free(u);
	return ret;
}

void drift_release(struct drift *d)
{
	strbuf_release(&d->diff);
	free(d->where);
	d->where = NULL;
}
