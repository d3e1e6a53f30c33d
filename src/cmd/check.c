/*
 * cmd/check.c: "check" validates the revision graph (SPEC 6): every file
 * parses, every down_revision and depends_on names a revision, no cycle,
 * no duplicate id or label, no branch label with two heads, and every
 * file name carries its id when file_template puts it there. With
 * --staged it checks the index, which is what the pre-commit hook runs.
 */
#include "cmd/cmd.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int cmd_check(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	const struct graph *g;
	size_t i, k;
	int ret = -1;

	for (i = 1; i < (size_t)argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig check [--staged | --at TREE-ISH]\n");
			return 0;
		}
		if (opt_flag(argv[i], NULL, "--staged")) {
			ctx->opts->staged = 1;
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	if (cmd_setup(ctx, &p, err))
		return -1;
	g = p->graph;
	if (strstr(p->file_template, "%(rev)s")) {
		for (i = 0; i < g->nr; i++) {
			if (!strstr(base_name(g->revs[i].path), g->revs[i].id)) {
				strbuf_addf(err, "%s:%u: file name does not carry its revision id '%s' (file_template is '%s')",
					    g->revs[i].path, g->revs[i].rf->revision_line,
					    g->revs[i].id, p->file_template);
				goto cleanup;
			}
		}
	}
	/* A branch label with more than one head. */
	for (k = 0; k < g->nlabels; k++) {
		struct strbuf heads = STRBUF_INIT, args = STRBUF_INIT;
		size_t n = 0;
		int first = -1;

		for (i = 0; i < g->nheads; i++) {
			if (graph_rev_has_label(g, g->heads[i], g->labels[k].name)) {
				strbuf_addf(&heads, "%s%s", n ? ", " : "", g->revs[g->heads[i]].id);
				strbuf_addf(&args, " %s", g->revs[g->heads[i]].id);
				if (first < 0)
					first = g->heads[i];
				n++;
			}
		}
		if (n > 1) {
			strbuf_addf(err, "%s: branch label '%s' has %zu heads: %s; merge them with 'git dbmig merge -m \"merge %s\"%s'",
				    g->revs[first].path, g->labels[k].name, n, heads.buf,
				    g->labels[k].name, args.buf);
			strbuf_release(&heads);
			strbuf_release(&args);
			goto cleanup;
		}
		strbuf_release(&heads);
		strbuf_release(&args);
	}
	if (!p->opts->quiet)
		printf("%zu revisions, %zu heads, %zu branch labels: OK\n", g->nr, g->nheads, g->nlabels);
	ret = 0;
cleanup:
	project_free(p);
	return ret;
}
