/*
 * cmd/verify.c: "verify" fails when a database and the repository
 * disagree. Files: a revision whose file changed after it ran (its blob
 * id in dbmig_log is not the file's), a version row that names no
 * revision (status.c decides both). Schema: the same revisions run on a
 * scratch database (SQLite, rqlite, sqld: SQLite in memory; PostgreSQL:
 * a database made on the server, or on --dev-url's, and dropped after),
 * and the live catalog compared with the scratch one (schema.c).
 */
#include "cmd/cmd.h"
#include "fleet.h"
#include "migrate.h"
#include "schema.h"
#include "status.h"
#include "url.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: git dbmig verify [--at TREE-ISH] [--dev-url URL] [--no-schema]\n"
	"   or: git dbmig verify --target NAME|all... [-j N] [--fail-fast] [--at TREE-ISH] [--no-schema]";

struct verify_opts {
	const char *dev_url;
	int no_schema;
};

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
/* One database                                                        */

static int verify_one(struct project *p, const struct project_target *t,
		      const struct verify_opts *vo, struct strbuf *summary,
		      struct strbuf *err)
{
	struct db *db = NULL;
	struct url *u = NULL;
	struct status st = STATUS_INIT;
	struct status_log log = STATUS_LOG_INIT;
	struct schema want = SCHEMA_INIT, have = SCHEMA_INIT;
	struct scratch sc = { NULL, NULL, NULL, NULL };
	struct strbuf out = STRBUF_INIT, diff = STRBUF_INIT, shown = STRBUF_INIT;
	char **rows = NULL;
	size_t nrows = 0, nfiles = 0, nschema = 0, i;
	int ret = -1, compared = 0;
	const char *not_compared = NULL;

	if (url_parse(&u, p->url ? p->url : "", err)) {
		if (!p->url) {
			strbuf_reset(err);
			migrate_open_db(p, 0, &db, err);
		}
		goto cleanup;
	}
	url_display(&shown, u);
	if (migrate_open_db(p, 0, &db, err))
		goto cleanup;
	if (migrate_read_rows(p, db, &rows, &nrows, err) ||
	    migrate_read_log(p, db, &log, err) ||
	    status_build(&st, p->graph, (const char *const *)rows, nrows, &log,
			 t && !t->all_labels ? t->labels : NULL, t ? t->nlabels : 0, err))
		goto cleanup;
	status_explain(&st, p->graph);

	for (i = 0; i < st.n; i++) {
		const struct status_entry *e = &st.v[i];

		if (e->state == STATUS_CHANGED) {
			strbuf_addf(&out, "changed %s (%s): blob %s in dbmig_log, %s in the file: %s\n",
				    e->id, p->graph->revs[e->rev].path, e->log->blob,
				    p->graph->revs[e->rev].blob, e->why);
			nfiles++;
		} else if (e->state == STATUS_UNKNOWN) {
			strbuf_addf(&out, "unknown %s: a version row that names no revision of the graph: %s\n",
				    e->id, e->why);
			nfiles++;
		}
		if (e->version_row && e->rev < 0 && !not_compared)
			not_compared = e->id;
	}

	if (!vo->no_schema && not_compared) {
		strbuf_addf(&out, "schema not compared: the version row '%s' names no revision to run\n",
			    not_compared);
	} else if (!vo->no_schema) {
		enum schema_dialect d = u->kind == URL_POSTGRESQL ? SCHEMA_POSTGRES : SCHEMA_SQLITE;

		if (scratch_make(&sc, u, vo->dev_url, err) ||
		    scratch_fill(&sc, p, &st, err) ||
		    schema_read(&have, db, d, p->version_table_schema, p->version_table, err) ||
		    schema_read(&want, sc.db, d, p->version_table_schema, p->version_table, err))
			goto cleanup;
		nschema = schema_diff(&diff, &want, &have);
		compared = 1;
		if (nschema) {
			strbuf_addf(&out, "schema: the database differs from what its revisions make on a scratch database (%s):\n",
				    sc.where);
			strbuf_addstr(&out, "--- the revisions\n+++ the database\n");
			strbuf_add(&out, diff.buf, diff.len);
		}
	}
	fwrite(out.buf, 1, out.len, stdout);
	if (nfiles || nschema) {
		strbuf_addf(err, "verify: %s and the repository disagree:", shown.buf);
		if (nfiles)
			strbuf_addf(err, " %zu revision%s changed or unknown", nfiles, nfiles == 1 ? "" : "s");
		if (nschema)
			strbuf_addf(err, "%s %zu schema difference%s", nfiles ? "," : "", nschema,
				    nschema == 1 ? "" : "s");
		goto cleanup;
	}
	strbuf_reset(&out);
	{
		size_t applied = st.count[STATUS_APPLIED] + st.count[STATUS_OUTSIDE];

		strbuf_addf(&out, "%zu applied revision%s as committed", applied, applied == 1 ? "" : "s");
		if (compared)
			strbuf_addf(&out, ", schema as they make it (%zu objects)", have.n);
		else if (vo->no_schema)
			strbuf_addstr(&out, ", schema not compared (--no-schema)");
		else
			strbuf_addstr(&out, ", schema not compared");
	}
	if (summary)
		strbuf_add(summary, out.buf, out.len);
	else
		printf("verify: %s: ok, %s\n", shown.buf, out.buf);
	ret = 0;
cleanup:
	scratch_drop(&sc);
	schema_release(&want);
	schema_release(&have);
	status_release(&st);
	status_log_release(&log);
	migrate_free_rows(rows, nrows);
	db_close(db);
	url_free(u);
	strbuf_release(&out);
	strbuf_release(&diff);
	strbuf_release(&shown);
	return ret;
}

static int verify_target(struct project *p, const struct project_target *t,
			 void *data, struct strbuf *summary, struct strbuf *err)
{
	return verify_one(p, t, data, summary, err);
}

int cmd_verify(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct fleet_opts fo = FLEET_OPTS_INIT;
	struct verify_opts vo = { NULL, 0 };
	struct project *p = NULL;
	int i, r, ret = -1;

	for (i = 1; i < argc; i++) {
		const char *v;

		if (opt_flag(argv[i], "-h", "--help")) {
			printf("%s\n", usage_text);
			ret = 0;
			goto cleanup;
		}
		if (opt_flag(argv[i], NULL, "--no-schema")) {
			vo.no_schema = 1;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, NULL, "--dev-url", &vo.dev_url, err))) {
			if (r < 0)
				goto cleanup;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, NULL, "--at", &v, err))) {
			if (r < 0)
				goto cleanup;
			if (ctx->opts->staged) {
				strbuf_addstr(err, "--at and --staged cannot be used together");
				goto cleanup;
			}
			ctx->opts->at = v;
			continue;
		}
		r = fleet_parse_option(&fo, argc, argv, &i, err);
		if (r < 0)
			goto cleanup;
		if (!r) {
			opt_unknown(argv[0], argv[i], err);
			goto cleanup;
		}
	}
	if (vo.dev_url && vo.no_schema) {
		strbuf_addstr(err, "verify: --dev-url is for the schema comparison, which --no-schema turns off");
		goto cleanup;
	}
	/* the blob ids to compare, and the bodies to run on the scratch database */
	ctx->opts->need_bodies = 1;
	if (fleet_check_options(&fo, argv[0], err) || cmd_setup(ctx, &p, err))
		goto cleanup;
	ret = fo.nnames ? fleet_run(p, &fo, verify_target, &vo, err) :
			  verify_one(p, NULL, &vo, NULL, err);
cleanup:
	fleet_opts_release(&fo);
	project_free(p);
	return ret;
}
