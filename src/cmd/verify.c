/*
 * cmd/verify.c: "verify" fails when a database and the repository
 * disagree. Files: a revision whose file changed after it ran (its blob
 * id in dbmig_log is not the file's), a version row that names no
 * revision (status.c decides both). Schema: drift.c runs the same
 * revisions on a scratch database and compares the catalogs.
 */
#include "cmd/cmd.h"
#include "drift.h"
#include "fleet.h"
#include "migrate.h"
#include "status.h"
#include "url.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

static const char usage_text[] =
	"usage: git dbmig verify [--at TREE-ISH] [--dev-url URL] [--no-schema]\n"
	"   or: git dbmig verify --target NAME|all... [-j N] [--fail-fast] [--at TREE-ISH] [--no-schema]";

struct verify_opts {
	const char *dev_url;
	int no_schema;
};

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
	struct drift dr = { STRBUF_INIT, 0, 0, NULL };
	struct strbuf out = STRBUF_INIT, shown = STRBUF_INIT;
	char **rows = NULL;
	size_t nrows = 0, nfiles = 0, nschema = 0, i;
	int ret = -1, compared = 0;
	const char *not_compared = NULL;

	/* a missing SQLite file fails here: there is nothing to verify */
	if (migrate_open_db(p, 0, &db, err) || url_parse(&u, p->url, err))
		goto cleanup;
	url_display(&shown, u);
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
		if (drift_schema(&dr, p, db, &st, vo->dev_url, err))
			goto cleanup;
		nschema = dr.n;
		compared = 1;
		if (nschema) {
			strbuf_addf(&out, "schema: the database differs from what its revisions make on a scratch database (%s):\n",
				    dr.where);
			strbuf_addstr(&out, "--- the revisions\n+++ the database\n");
			strbuf_add(&out, dr.diff.buf, dr.diff.len);
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
			strbuf_addf(&out, ", schema as they make it (%zu objects)", dr.nobjects);
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
	drift_release(&dr);
	status_release(&st);
	status_log_release(&log);
	migrate_free_rows(rows, nrows);
	db_close(db);
	url_free(u);
	strbuf_release(&out);
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
