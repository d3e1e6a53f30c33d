/*
 * cmd/graph.c: "graph [--format mermaid|dot|ascii|svg|png]" prints the
 * revision graph (read from the work tree, --at or --staged like every
 * command) as a mermaid gitGraph (the default), a graphviz digraph,
 * lanes in the terminal, or a picture laid out by Graphviz. With --url
 * or --target, each format also marks where that database stands
 * (status.c's states), and with --verify its schema drift (drift.c).
 * The drawing is render.c's; this picks the format and reads the
 * database.
 */
#include "cmd/cmd.h"
#include "drift.h"
#include "migrate.h"
#include "resolve.h"
#include "format.h"
#include "render.h"
#include "status.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: git dbmig graph [--format mermaid|dot|ascii|svg|png] [--url URL | --target NAME [--verify [--dev-url URL]]]";

/* Lanes as history --graph draws them, one line a revision. */
static int draw_ascii(struct strbuf *out, const struct graph *g,
		      const struct render_place *place, struct strbuf *err)
{
	struct spec base = { "base", NULL, 0 }, head = { "heads", NULL, 0 };
	struct revlist order = REVLIST_INIT;
	struct format_lanes lanes = FORMAT_LANES_INIT;
	struct strbuf text = STRBUF_INIT;
	size_t i;

	if (resolve_history(&order, g, &base, &head, err))
		return -1;
	if (place) {
		strbuf_addf(out, "database: %s; [state] after each revision", place->database);
		for (i = 0; i < place->st->n; i++)
			if (place->st->v[i].rev < 0)
				strbuf_addf(out, "; not in the graph: %s [%s]", place->st->v[i].id,
					    status_state_name(place->st->v[i].state));
		if (place->drift)
			strbuf_addf(out, "; schema drift: %zu difference%s", place->ndrift,
				    place->ndrift == 1 ? "" : "s");
		strbuf_addch(out, '\n');
		if (place->drift)
			strbuf_addstr(out, place->drift);
	}
	for (i = 0; i < order.n; i++) {
		strbuf_reset(&text);
		format_head_only(&text, g, order.v[i], FMT_BRANCHES | FMT_HEADS);
		render_ascii_mark(&text, place, order.v[i]);
		format_lanes_next(out, &lanes, g, order.v[i], text.buf);
	}
	strbuf_release(&text);
	format_lanes_release(&lanes);
	revlist_release(&order);
	return 0;
}

/*
 * graph --verify: the schema drift verify would find, for the picture.
 * A version row that names no revision leaves nothing to compare with.
 */
static int schema_drift(struct drift *dr, struct project *p, const struct status *st,
			const char *dev_url, struct strbuf *err)
{
	struct db *db = NULL;
	size_t i;
	int ret;

	for (i = 0; i < st->n; i++) {
		if (st->v[i].version_row && st->v[i].rev < 0) {
			strbuf_addf(err, "graph --verify: the version row '%s' names no revision to run; the schema cannot be compared",
				    st->v[i].id);
			return -1;
		}
	}
	if (migrate_open_db(p, 0, &db, err))
		return -1;
	ret = drift_schema(dr, p, db, st, dev_url, err);
	db_close(db);
	return ret;
}

int cmd_graph(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct project_target *t = NULL;
	struct strbuf out = STRBUF_INIT, dot = STRBUF_INIT;
	struct status st = STATUS_INIT;
	struct status_log log = STATUS_LOG_INIT;
	struct render_place place = { NULL, &st, NULL, 0 };
	const struct render_place *at = NULL;
	const char *format = "mermaid", *target = NULL, *url = NULL, *dev_url = NULL;
	struct drift dr = { STRBUF_INIT, 0, 0, NULL };
	char *display = NULL;
	int i, r, ret = -1, verify = 0;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("%s\n", usage_text);
			return 0;
		}
		if (opt_flag(argv[i], NULL, "--verify")) {
			verify = 1;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, "-f", "--format", &format, err)) ||
		    (r = opt_value(argc, argv, &i, NULL, "--dev-url", &dev_url, err)) ||
		    (r = opt_value(argc, argv, &i, NULL, "--target", &target, err)) ||
		    (r = opt_value(argc, argv, &i, NULL, "--url", &url, err))) {
			if (r < 0)
				return -1;
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	if (strcmp(format, "mermaid") && strcmp(format, "dot") && strcmp(format, "ascii") &&
	    strcmp(format, "svg") && strcmp(format, "png")) {
		strbuf_addf(err, "graph: unknown format '%s' (mermaid, dot, ascii, svg or png)", format);
		return -1;
	}
	if (target && (url || ctx->opts->url)) {
		strbuf_addstr(err, "graph: --target and --url name two databases; give one");
		return -1;
	}
	if (!strcmp(format, "png") && isatty(1)) {
		strbuf_addstr(err, "graph: a PNG is binary; redirect it to a file (git dbmig graph --format png >graph.png)");
		return -1;
	}
	if (url)
		ctx->opts->url = url;
	if ((verify || dev_url) && !target && !ctx->opts->url) {
		strbuf_addf(err, "graph: %s needs a database: --url URL or --target NAME",
			    verify ? "--verify" : "--dev-url");
		return -1;
	}
	if (dev_url && !verify) {
		strbuf_addstr(err, "graph: --dev-url is for --verify");
		return -1;
	}
	if (target || ctx->opts->url)
		ctx->opts->need_bodies = 1;   /* the blob ids, for changed files */
	if (cmd_setup(ctx, &p, err))
		return -1;
	if (target) {
		if (project_target(&t, p, target, err))
			goto cleanup;
		free(p->url);
		p->url = xstrdup(t->url);
	}
	if (target || p->url_origin == PROJECT_URL_OPTION) {
		if (cmd_status_load(&st, &log, &display, p,
				    t && !t->all_labels ? t->labels : NULL, t ? t->nlabels : 0, err))
			goto cleanup;
		place.database = display;
		at = &place;
	}
	if (verify && schema_drift(&dr, p, &st, dev_url, err))
		goto cleanup;
	if (verify) {
		place.drift = dr.diff.buf;
		place.ndrift = dr.n;
	}
	if (!strcmp(format, "dot")) {
		render_dot(&out, p->graph, at);
	} else if (!strcmp(format, "ascii")) {
		if (draw_ascii(&out, p->graph, at, err))
			goto cleanup;
	} else if (!strcmp(format, "svg") || !strcmp(format, "png")) {
		render_picture_dot(&dot, p->graph, at);
		if (render_image(&out, dot.buf, format, err))
			goto cleanup;
	} else {
		render_mermaid(&out, p->graph, at);
	}
	fwrite(out.buf, 1, out.len, stdout);
	ret = 0;
cleanup:
	drift_release(&dr);
	free(display);
	status_release(&st);
	status_log_release(&log);
	project_target_free(t);
	strbuf_release(&out);
	strbuf_release(&dot);
	project_leave(p);
	return ret;
}
