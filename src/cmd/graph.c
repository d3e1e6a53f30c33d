/*
 * cmd/graph.c: "graph [--format mermaid|dot]" prints the revision graph
 * (read from the work tree, --at or --staged like every command) as a
 * mermaid gitGraph (the default) or a graphviz digraph. The drawing is
 * render.c's; this only picks the format.
 */
#include "cmd/cmd.h"
#include "resolve.h"
#include "format.h"
#include "render.h"

#include <stdio.h>
#include <string.h>

/* Lanes as history --graph draws them, one line a revision. */
static int draw_ascii(struct strbuf *out, const struct graph *g,
		      struct strbuf *err)
{
	struct spec base = { "base", NULL, 0 }, head = { "heads", NULL, 0 };
	struct revlist order = REVLIST_INIT;
	struct format_lanes lanes = FORMAT_LANES_INIT;
	struct strbuf text = STRBUF_INIT;
	size_t i;

	if (resolve_history(&order, g, &base, &head, err))
		return -1;
	for (i = 0; i < order.n; i++) {
		strbuf_reset(&text);
		format_head_only(&text, g, order.v[i], FMT_BRANCHES | FMT_HEADS);
		format_lanes_next(out, &lanes, g, order.v[i], text.buf);
	}
	strbuf_release(&text);
	format_lanes_release(&lanes);
	revlist_release(&order);
	return 0;
}

int cmd_graph(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf out = STRBUF_INIT;
	const char *format = "mermaid";
	int i, r;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig graph [--format mermaid|dot|ascii]\n");
			return 0;
		}
		if ((r = opt_value(argc, argv, &i, "-f", "--format", &format, err))) {
			if (r < 0)
				return -1;
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	if (strcmp(format, "mermaid") && strcmp(format, "dot") && strcmp(format, "ascii")) {
		strbuf_addf(err, "graph: unknown format '%s' (mermaid, dot or ascii)", format);
		return -1;
	}
	if (cmd_setup(ctx, &p, err))
		return -1;
	if (!strcmp(format, "dot")) {
		render_dot(&out, p->graph);
	} else if (!strcmp(format, "ascii")) {
		if (draw_ascii(&out, p->graph, err)) {
			strbuf_release(&out);
			project_free(p);
			return -1;
		}
	} else {
		render_mermaid(&out, p->graph);
	}
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	project_free(p);
	return 0;
}
