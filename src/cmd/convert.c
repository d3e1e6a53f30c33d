/*
 * cmd/convert.c: "convert [REVISION...]" turns Alembic .py revisions into
 * native .sql files. The Python helper runs the whole graph
 * up to its heads and back to base on scratch databases twice, recording
 * what each revision to convert executes; a revision whose SQL the
 * scratch run cannot stand for is refused (or, with --as-recorded,
 * written as recorded, saying so). The files are then written in memory,
 * read back, and proven: a third scratch run with the converted bodies
 * must leave the schema, data and version rows of the first after every
 * step. Only then are the .sql files written and the .py files removed
 * from the work tree and the index, as squash removes folded files.
 */
#include "cmd/cmd.h"
#include "convert.h"
#include "migrate.h"
#include "pyrun.h"
#include "resolve.h"
#include "source.h"
#include "url.h"
#include "usage.h"
#include "gitlib.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONVERT_USAGE "usage: git dbmig convert [--dialect sqlite|postgresql] [--url SCRATCH_URL] [-x KEY=VALUE]...\n" \
	"                         [--as-recorded] [--dry-run] [REVISION...]"

struct conv {
	int rev;                  /* graph index */
	struct convert_body up, down;
	struct strbuf reasons;    /* "; "-separated */
	struct strbuf text;       /* the .sql file */
	struct strbuf path;       /* where it goes */
	struct revfile *rf;       /* text, read back */
};

static int body_json(json_t *obj, const char *key, const struct project *p,
		     const char *body, struct strbuf *err)
{
	struct strbuf b = STRBUF_INIT;

	if (migrate_expand_body(&b, p, body ? body : "", err)) {
		strbuf_release(&b);
		return -1;
	}
	json_object_set_new(obj, key, json_string(b.buf));
	strbuf_release(&b);
	return 0;
}

static json_t *steps_json(const struct graph *g, const struct plan *plan)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < plan->n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "revision", json_string(g->revs[plan->steps[i].rev].id));
		json_array_append_new(a, o);
	}
	return a;
}

static int is_converted(const struct conv *c, size_t n, int rev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].rev == rev)
			return 1;
	return 0;
}

static void body_from_json(struct convert_body *b, json_t *a)
{
	size_t i, n = json_is_array(a) ? json_array_size(a) : 0;

	b->v = xcalloc(n ? n : 1, sizeof(*b->v));
	for (i = 0; i < n; i++) {
		json_t *s = json_array_get(a, i);

		b->v[b->n++] = xstrdup(json_is_string(s) ? json_string_value(s) : "");
	}
}

int cmd_convert(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct pyrun *py = NULL;
	struct url *scratch = NULL;
	struct plan up = PLAN_INIT, down = PLAN_INIT;
	struct revlist rows = REVLIST_INIT;
	struct heads_reach *reach = NULL;
	struct spec empty = { NULL, NULL, 0 }, all;
	struct strbuf xs = STRBUF_INIT, shown = STRBUF_INIT, e = STRBUF_INIT;
	struct conv *c = NULL;
	const char **names = NULL, **xv = NULL;
	const char *dialect = NULL, *server = NULL;
	json_t *req = NULL, *reply = NULL, *sqlrevs, *bodies, *x;
	git_repository *repo = NULL;
	git_index *idx = NULL;
	size_t nnames = 0, nxv = 0, nc = 0, i, k;
	int forced = 0, dry = 0, ret = -1, a;
	long steps = 0;

	names = xcalloc(argc, sizeof(*names));
	xv = xcalloc(argc, sizeof(*xv));
	for (a = 1; a < argc; a++) {
		const char *v;
		int r;

		if (opt_flag(argv[a], "-h", "--help")) {
			printf("%s\n", CONVERT_USAGE);
			ret = 0;
			goto cleanup;
		}
		if (opt_flag(argv[a], NULL, "--as-recorded")) {
			forced = 1;
			continue;
		}
		if (opt_flag(argv[a], "-n", "--dry-run")) {
			dry = 1;
			continue;
		}
		if ((r = opt_value(argc, argv, &a, NULL, "--dialect", &v, err))) {
			if (r < 0)
				goto cleanup;
			dialect = v;
			continue;
		}
		if ((r = opt_value(argc, argv, &a, NULL, "--url", &v, err))) {
			if (r < 0)
				goto cleanup;
			server = v;
			continue;
		}
		if ((r = opt_value(argc, argv, &a, "-x", NULL, &v, err))) {
			if (r < 0)
				goto cleanup;
			xv[nxv++] = v;
			continue;
		}
		if (argv[a][0] == '-') {
			ret = opt_unknown(argv[0], argv[a], err);
			goto cleanup;
		}
		names[nnames++] = argv[a];
	}
	if (dialect && strcmp(dialect, "sqlite") && strcmp(dialect, "postgresql")) {
		strbuf_addf(err, "convert: unknown dialect '%s' (sqlite or postgresql)", dialect);
		goto cleanup;
	}
	if (ctx->opts->at || ctx->opts->staged) {
		strbuf_addstr(err, "convert rewrites the work tree; it cannot be used with --at or --staged");
		goto cleanup;
	}
	ctx->opts->need_bodies = 1;
	if (cmd_setup(ctx, &p, err))
		goto cleanup;

	/* the dialect and the server of the scratch databases */
	if (!dialect) {
		struct url *u = NULL;

		dialect = "sqlite";
		if (p->url && !url_parse(&u, p->url, &e) && u->kind == URL_POSTGRESQL)
			dialect = "postgresql";
		strbuf_reset(&e);
		url_free(u);
	}
	if (!strcmp(dialect, "postgresql")) {
		if (!server && p->url) {
			struct url *u = NULL;

			if (!url_parse(&u, p->url, &e) && u->kind == URL_POSTGRESQL)
				server = p->url;
			strbuf_reset(&e);
			url_free(u);
		}
		if (!server) {
			strbuf_addstr(err, "convert --dialect postgresql: name with --url a PostgreSQL server on which the scratch databases may be created");
			goto cleanup;
		}
		if (url_parse(&scratch, server, err))
			goto cleanup;
		if (scratch->kind != URL_POSTGRESQL) {
			strbuf_addf(err, "convert --dialect postgresql: --url '%s' is not a postgresql:// URL", server);
			goto cleanup;
		}
		url_display(&shown, scratch);
	} else if (server) {
		strbuf_addstr(err, "convert --dialect sqlite: --url is for PostgreSQL; the SQLite scratch databases are temporary files");
		goto cleanup;
	}

	/* which revisions */
	c = xcalloc(p->graph->nr + 1, sizeof(*c));
	for (i = 0; i < nnames; i++) {
		int r;

		if (resolve_revision(p->graph, names[i], &r, err))
			goto cleanup;
		if (r < 0) {
			strbuf_addf(err, "convert: '%s' names no revision", names[i]);
			goto cleanup;
		}
		if (p->graph->revs[r].rf->kind != REVFILE_PY) {
			strbuf_addf(err, "convert: %s is a .sql revision already (%s); convert turns Alembic .py revisions into .sql",
				    p->graph->revs[r].id, p->graph->revs[r].path);
			goto cleanup;
		}
		if (!is_converted(c, nc, r))
			c[nc++].rev = r;
	}
	if (!nnames)
		for (i = 0; i < p->graph->nr; i++)
			if (p->graph->revs[i].rf->kind == REVFILE_PY)
				c[nc++].rev = (int)i;
	if (!nc) {
		strbuf_addstr(err, "convert: the project has no .py revisions to convert");
		goto cleanup;
	}
	for (i = 0; i < nc; i++) {
		strbuf_init(&c[i].reasons, 0);
		strbuf_init(&c[i].text, 0);
		strbuf_init(&c[i].path, 0);
	}

	/* the plan: every revision up to the heads, then back to base */
	if (resolve_upgrade(&up, p->graph, &empty, "heads", err))
		goto cleanup;
	for (i = 0; i < up.n; i++) {
		struct rowops ops = { NULL, 0, 0 };
		int r = heads_apply(p->graph, &rows, &up.steps[i], &ops, &reach, err);

		free(ops.v);
		if (r)
			goto cleanup;
	}
	all.str = NULL;
	all.revs = rows.v;
	all.n = rows.n;
	if (resolve_downgrade(&down, p->graph, &all, "base", err))
		goto cleanup;

	{
		const char **ids = xcalloc(nc, sizeof(*ids));

		for (i = 0; i < nc; i++)
			ids[i] = p->graph->revs[c[i].rev].id;
		ret = pyrun_start(&py, p, ids, nc, "heads", NULL, 0, err);
		free(ids);
		if (ret)
			goto cleanup;
		ret = -1;
	}

	/* record */
	req = json_object();
	json_object_set_new(req, "op", json_string("record"));
	json_object_set_new(req, "dialect", json_string(dialect));
	if (server) {
		json_object_set_new(req, "server_url", json_string(server));
		json_object_set_new(req, "server_display", json_string(shown.buf));
	}
	json_object_set_new(req, "version_table", json_string(p->version_table));
	x = json_array();
	for (k = 0; k < p->opts->nx; k++) {
		strbuf_reset(&e);
		strbuf_addf(&e, "%s=%s", p->opts->x[k].key, p->opts->x[k].value);
		json_array_append_new(x, json_string(e.buf));
		strbuf_addf(&xs, " -x %s", e.buf);
	}
	for (k = 0; k < nxv; k++) {
		json_array_append_new(x, json_string(xv[k]));
		strbuf_addf(&xs, " -x %s", xv[k]);
	}
	strbuf_reset(&e);
	json_object_set_new(req, "x", x);
	sqlrevs = json_array();
	bodies = json_object();
	for (i = 0; i < p->graph->nr; i++) {
		const struct revfile *rf = p->graph->revs[i].rf;
		json_t *b;

		if (rf->kind == REVFILE_PY && !is_converted(c, nc, (int)i))
			continue;
		json_array_append_new(sqlrevs, pyrun_revision_json(p->graph, (int)i));
		if (rf->kind == REVFILE_PY)
			continue;
		b = json_object();
		if (body_json(b, "upgrade", p, rf->upgrade, err) ||
		    body_json(b, "downgrade", p, rf->downgrade, err)) {
			json_decref(b);
			json_decref(bodies);
			json_decref(sqlrevs);
			goto cleanup;
		}
		json_object_set_new(bodies, rf->revision, b);
	}
	json_object_set_new(req, "sql_revisions", sqlrevs);
	json_object_set_new(req, "sql_bodies", bodies);
	{
		json_t *s = json_object();

		json_object_set_new(s, "upgrade", steps_json(p->graph, &up));
		json_object_set_new(s, "downgrade", steps_json(p->graph, &down));
		json_object_set_new(req, "steps", s);
	}
	json_object_set_new(req, "convert", json_array());
	for (i = 0; i < nc; i++)
		json_array_append_new(json_object_get(req, "convert"),
				      json_string(p->graph->revs[c[i].rev].id));
	if (pyrun_request(py, req, &reply, err))
		goto cleanup;

	/* refuse what the scratch run cannot stand for */
	{
		json_t *revs = json_object_get(reply, "revisions");
		struct strbuf refused = STRBUF_INIT;
		size_t nrefused = 0;

		for (i = 0; i < nc; i++) {
			const struct rev *rv = &p->graph->revs[c[i].rev];
			json_t *o = json_object_get(revs, rv->id), *rs;

			body_from_json(&c[i].up, json_object_get(o, "upgrade"));
			body_from_json(&c[i].down, json_object_get(o, "downgrade"));
			rs = json_object_get(o, "reasons");
			for (k = 0; json_is_array(rs) && k < json_array_size(rs); k++)
				strbuf_addf(&c[i].reasons, "%s%s", k ? "; " : "",
					    json_string_value(json_array_get(rs, k)));
			if (c[i].reasons.len && !forced) {
				strbuf_addf(&refused, "%s%s (%s): %s", nrefused ? "; " : "", rv->id,
					    rv->path, c[i].reasons.buf);
				nrefused++;
			}
		}
		if (nrefused) {
			strbuf_addf(err, "convert: %zu revision%s cannot be converted faithfully, so nothing was written: %s "
				    "(--as-recorded converts them with the SQL this run recorded)",
				    nrefused, nrefused == 1 ? "" : "s", refused.buf);
			strbuf_release(&refused);
			goto cleanup;
		}
		strbuf_release(&refused);
	}

	/* the files, in memory, read back */
	json_decref(req);
	req = json_object();
	json_object_set_new(req, "op", json_string("prove"));
	bodies = json_object();
	json_object_set_new(req, "converted", bodies);
	for (i = 0; i < nc; i++) {
		const struct rev *rv = &p->graph->revs[c[i].rev];
		struct strbuf note = STRBUF_INIT;
		json_t *b;

		if (c[i].reasons.len)
			strbuf_addf(&note, "Recorded with%s, and written as recorded (--as-recorded),\nthough %s.",
				    xs.len ? xs.buf : " no -x values", c[i].reasons.buf);
		convert_sql_text(&c[i].text, rv->rf, rv->path, dialect, &c[i].up, &c[i].down,
				 note.len ? note.buf : NULL);
		strbuf_release(&note);
		convert_sql_path(&c[i].path, rv->path);
		if (!access(c[i].path.buf, F_OK)) {
			strbuf_addf(err, "convert %s: %s exists already (nothing was written)",
				    rv->id, c[i].path.buf);
			goto cleanup;
		}
		if (revfile_parse(&c[i].rf, c[i].path.buf, c[i].text.buf, c[i].text.len, err)) {
			strbuf_addstr(err, " (the converted file does not read back; nothing was written)");
			goto cleanup;
		}
		b = json_object();
		json_object_set_new(bodies, rv->id, b);
		if (body_json(b, "upgrade", p, c[i].rf->upgrade, err) ||
		    body_json(b, "downgrade", p, c[i].rf->downgrade, err)) {
			strbuf_addf(err, " (in the SQL recorded for %s, which a .sql body would read as a placeholder; nothing was written)", rv->id);
			goto cleanup;
		}
	}
	json_object_set_new(req, "sql_bodies", json_null());
	json_decref(reply);
	reply = NULL;
	if (pyrun_request(py, req, &reply, err))
		goto cleanup;
	{
		json_t *d = json_object_get(reply, "differences");

		steps = json_integer_value(json_object_get(reply, "steps"));
		if (json_is_array(d) && json_array_size(d)) {
			strbuf_addf(err, "convert: the converted revisions do not do what the .py revisions do (%zu of %ld steps differ; nothing was written): ",
				    json_array_size(d), steps);
			for (k = 0; k < json_array_size(d) && k < 3; k++)
				strbuf_addf(err, "%s%s", k ? "; " : "", json_string_value(json_array_get(d, k)));
			goto cleanup;
		}
	}
	if (dry) {
		for (i = 0; i < nc; i++)
			printf("%s=== %s\n%s", i ? "\n" : "", c[i].path.buf, c[i].text.buf);
		ret = 0;
		goto cleanup;
	}

	/* write: the .sql files, then the .py files go */
	if (source_git_repo_open(&repo, &e) == 0 && git_repository_index(&idx, repo)) {
		strbuf_addstr(err, "convert: cannot read the git index");
		goto cleanup;
	}
	strbuf_reset(&e);
	for (i = 0; i < nc; i++) {
		const char *slash = strrchr(c[i].path.buf, '/');
		char *dir = slash ? xstrndup(c[i].path.buf, (size_t)(slash - c[i].path.buf)) : xstrdup(".");
		int refused = project_check_write_dir(p, dir, err);

		free(dir);
		if (refused)
			goto cleanup;
	}
	for (i = 0; i < nc; i++) {
		const struct rev *rv = &p->graph->revs[c[i].rev];
		char *rel = idx ? cmd_repo_path(repo, rv->path) : NULL;

		if (cmd_write_file(c[i].path.buf, c[i].text.buf, c[i].text.len, 0, err)) {
			free(rel);
			goto cleanup;
		}
		if (unlink(rv->path) && errno != ENOENT) {
			strbuf_addf(err, "convert: cannot remove %s: %s (%s is written; remove it by hand)",
				    rv->path, strerror(errno), c[i].path.buf);
			free(rel);
			goto cleanup;
		}
		if (!idx)
			continue;
		if (rel)
			git_index_remove_bypath(idx, rel);
		free(rel);
		rel = cmd_repo_path(repo, c[i].path.buf);
		if (rel && git_index_add_bypath(idx, rel)) {
			strbuf_addf(err, "convert: cannot stage %s", rel);
			free(rel);
			goto cleanup;
		}
		free(rel);
	}
	if (idx && git_index_write(idx)) {
		strbuf_addstr(err, "convert: cannot write the git index");
		goto cleanup;
	}
	if (!p->opts->quiet) {
		for (i = 0; i < nc; i++)
			printf("Converted %s: %s -> %s%s\n", p->graph->revs[c[i].rev].id,
			       p->graph->revs[c[i].rev].path, c[i].path.buf,
			       c[i].reasons.len ? " (as recorded)" : "");
		printf("Converted %zu revision%s on %s; proof: %ld steps compared, 0 differences\n",
		       nc, nc == 1 ? "" : "s", dialect, steps);
	}
	ret = 0;
cleanup:
	pyrun_finish(py);
	json_decref(req);
	json_decref(reply);
	for (i = 0; c && i < nc; i++) {
		convert_body_release(&c[i].up);
		convert_body_release(&c[i].down);
		strbuf_release(&c[i].reasons);
		strbuf_release(&c[i].text);
		strbuf_release(&c[i].path);
		revfile_free(c[i].rf);
	}
	free(c);
	free(names);
	free(xv);
	git_index_free(idx);
	git_repository_free(repo);
	url_free(scratch);
	plan_release(&up);
	plan_release(&down);
	revlist_release(&rows);
	heads_reach_free(reach);
	strbuf_release(&xs);
	strbuf_release(&shown);
	strbuf_release(&e);
	project_free(p);
	return ret;
}
