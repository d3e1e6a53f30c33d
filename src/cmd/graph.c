/*
 * cmd/graph.c: "graph [--format mermaid|dot]" prints the revision graph
 * (read from the work tree, --at or --staged like every command) as a
 * mermaid gitGraph (the default) or a graphviz digraph. The drawing is
 * render.c's; this only picks the format.
 */
#include "cmd/cmd.h"
#include "render.h"

#include <stdio.h>
#include <string.h>

int cmd_graph(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf out = STRBUF_INIT;
	const char *format = "mermaid";
	int i, r;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig graph [--format mermaid|dot]\n");
			return 0;
		}
		if ((r = opt_value(argc, argv, &i, "-f", "--format", &format, err))) {
			if (r < 0)
				return -1;
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	if (strcmp(format, "mermaid") && strcmp(format, "dot")) {
		strbuf_addf(err, "graph: unknown format '%s' (mermaid or dot)", format);
		return -1;
	}
	if (cmd_setup(ctx, &p, err))
		return -1;
	if (!strcmp(format, "dot"))
		render_dot(&out, p->graph);
	else
		render_mermaid(&out, p->graph);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	project_free(p);
	return 0;
}
