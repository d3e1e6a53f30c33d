/*
 * libFuzzer target: the target grammar. The input is a target string
 * resolved, upgraded to and downgraded to on a small graph with
 * branches, a merge, labels and dependencies, from two sets of rows.
 */
#include "graph.h"
#include "resolve.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"-- revision: a1\n-- branch_labels: AAAA\n",
	"-- revision: a2\n-- down_revision: a1\n",
	"-- revision: a3\n-- down_revision: a2\n",
	"-- revision: b1\n-- branch_labels: BBBB\n-- depends_on: a1\n",
	"-- revision: b2\n-- down_revision: b1\n",
	"-- revision: b3x\n-- down_revision: b1\n",
	"-- revision: m1\n-- down_revision: b2,b3x\n-- branch_labels: MERGE\n",
	"-- revision: c1\n-- depends_on: AAAA,m1\n",
};

static struct graph *build(void)
{
	struct graph_input in[sizeof(files) / sizeof(files[0])];
	struct strbuf err = STRBUF_INIT;
	struct graph *g = NULL;
	size_t i;

	memset(in, 0, sizeof(in));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (revfile_parse(&in[i].rf, "x.sql", files[i], strlen(files[i]), &err))
			abort();
		in[i].path = strdup("x.sql");
	}
	if (graph_build(&g, in, sizeof(files) / sizeof(files[0]), &err))
		abort();
	strbuf_release(&err);
	return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct graph *g;
	struct strbuf err = STRBUF_INIT;
	struct revlist out = REVLIST_INIT, rows = REVLIST_INIT;
	char *target;
	int k;

	if (!g)
		g = build();
	target = malloc(size + 1);
	if (!target)
		return 0;
	memcpy(target, data, size);
	target[size] = '\0';
	resolve_revisions(g, target, &out, &err);
	revlist_release(&out);
	for (k = 0; k < 2; k++) {
		struct plan plan = PLAN_INIT;
		struct spec cur;

		rows.n = 0;
		if (k)
			revlist_add(&rows, graph_find(g, "m1")), revlist_add(&rows, graph_find(g, "a2"));
		cur.str = NULL;
		cur.revs = rows.v;
		cur.n = rows.n;
		strbuf_reset(&err);
		if (!resolve_upgrade(&plan, g, &cur, target, &err)) {
			struct revlist sim = REVLIST_INIT;
			struct rowops ops = { NULL, 0, 0 };
			size_t i;

			for (i = 0; i < rows.n; i++)
				revlist_add(&sim, rows.v[i]);
			for (i = 0; i < plan.n; i++)
				if (heads_apply(g, &sim, &plan.steps[i], &ops, &err))
					break;
			free(ops.v);
			revlist_release(&sim);
		}
		plan_release(&plan);
		strbuf_reset(&err);
		if (!resolve_downgrade(&plan, g, &cur, target, &err))
			plan_release(&plan);
		plan_release(&plan);
		strbuf_reset(&err);
		{
			const char *t[1] = { target };

			if (!resolve_stamp(&plan, g, &rows, t, 1, &err))
				plan_release(&plan);
			plan_release(&plan);
		}
	}
	revlist_release(&rows);
	strbuf_release(&err);
	free(target);
	return 0;
}
