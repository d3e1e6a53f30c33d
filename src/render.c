/*
 * render: the revision graph as a mermaid gitGraph or a graphviz digraph.
 * No I/O and no hash-table order: revisions are visited by index (that
 * is, by id) or in an order computed from indexes alone, so the text is
 * the same on every run.
 *
 * A gitGraph is built by replaying git commands (commit, branch,
 * checkout, merge), and "branch" can only start a branch at the tip of
 * the checked-out one. The layout below therefore decides, when it draws
 * a revision, where each of its children will start: the child that
 * continues the line (no branch label of its own, this revision as its
 * first down_revision) stays on the same git branch, and every other
 * child gets a new git branch created right there, at the tip. A child
 * that declares branch labels gets a git branch named after them, so
 * each label is one git branch, as in the seed's "Visual". The bases are
 * roots, made as branches of the still empty main branch before the first
 * commit. A merge revision is drawn on the branch of its first
 * down_revision, merging in the branches its other down_revisions left
 * for it; gitGraph merges two branches at a time, so a merge of n
 * revisions is n - 1 merges, the last one carrying the revision id.
 * depends_on has no gitGraph form and is shown as a tag.
 *
 * This module does not check the graph; graph_build() did.
 */
#include "render.h"
#include "usage.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* mermaid gitGraph                                                    */

/* A version0 root: a base that starts from revisions it depends on. */
static int is_version0_root(const struct rev *r)
{
	return r->ndown == 0 && r->ndeps > 0;
}

static int down_index(const struct rev *c, int parent)
{
	size_t j;

	for (j = 0; j < c->ndown; j++)
		if (c->down[j] == parent)
			return (int)j;
	BUG("revision %s is not a child of %d", c->id, parent);
}

/* The child that continues v's git branch, or -1 (see the top comment). */
static int continuation(const struct graph *g, int v)
{
	const struct rev *r = &g->revs[v];
	size_t i;

	for (i = 0; i < r->nnext; i++) {
		const struct rev *c = &g->revs[r->next[i]];

		if (!c->rf->nlabels && c->down[0] == v)
			return r->next[i];
	}
	for (i = 0; i < r->nnext; i++)
		if (!g->revs[r->next[i]].rf->nlabels)
			return r->next[i];
	return -1;
}

/*
 * Drawing order: depth first from the bases, a revision once all it
 * stands on (down_revisions and dependencies) is drawn, and the child
 * that continues a line right after its parent, so that lines come out
 * whole, as in the seed.
 */
static void draw_order(const struct graph *g, const int *cont, int *order)
{
	size_t *left = xcalloc(g->nr + 1, sizeof(*left));
	int *stack = xmalloc((g->nr + 1) * sizeof(*stack));
	size_t i, nstack = 0, k = 0;

	for (i = 0; i < g->nr; i++)
		left[i] = g->revs[i].nalldown;
	for (i = g->nr; i > 0; i--)
		if (!left[i - 1])
			stack[nstack++] = (int)(i - 1);
	while (nstack) {
		int v = stack[--nstack];
		const struct rev *r = &g->revs[v];

		order[k++] = v;
		for (i = r->nallnext; i > 0; i--) {
			int c = r->allnext[i - 1];

			if (c != cont[v] && !--left[c])
				stack[nstack++] = c;
		}
		if (cont[v] >= 0 && !--left[cont[v]])
			stack[nstack++] = cont[v];
	}
	if (k != g->nr)
		BUG("drew %zu of %zu revisions", k, g->nr);
	free(stack);
	free(left);
}

struct lanes {
	char **name;
	size_t nr, alloc;
};

static int lane_add(struct lanes *l, const struct graph *g, int parent, int child)
{
	const struct rev *c = &g->revs[child];
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (parent < 0 || c->down[0] == parent) {
		if (c->rf->nlabels)
			for (i = 0; i < c->rf->nlabels; i++)
				strbuf_addf(&sb, "%s%s", i ? "/" : "", c->rf->branch_labels[i]);
		else
			strbuf_addstr(&sb, c->id);
	} else {
		/* a branch that only waits to be merged into child */
		strbuf_addf(&sb, "%s~%s", g->revs[parent].id, c->id);
	}
	ALLOC_GROW(l->name, l->nr + 1, l->alloc);
	l->name[l->nr] = strbuf_detach(&sb, NULL);
	return (int)l->nr++;
}

static void commit_attrs(struct strbuf *out, const struct graph *g, const struct rev *r)
{
	size_t i;

	if (is_version0_root(r))
		strbuf_addstr(out, " type: HIGHLIGHT");
	if (r->ndeps) {
		strbuf_addstr(out, " tag: \"depends on ");
		for (i = 0; i < r->ndeps; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", g->revs[r->deps[i]].id);
		strbuf_addch(out, '"');
	}
	strbuf_addch(out, '\n');
}

void render_mermaid(struct strbuf *out, const struct graph *g)
{
	size_t n = g->nr, i, k;
	int *cont = xmalloc((n + 1) * sizeof(*cont));
	int *order = xmalloc((n + 1) * sizeof(*order));
	int *root = xmalloc((n + 1) * sizeof(*root));
	int **slot = xcalloc(n + 1, sizeof(*slot));
	struct lanes lanes = { NULL, 0, 0 };
	int cur = -1;

	for (i = 0; i < n; i++) {
		cont[i] = continuation(g, (int)i);
		root[i] = -1;
		slot[i] = xmalloc((g->revs[i].ndown + 1) * sizeof(int));
	}
	draw_order(g, cont, order);
	for (k = 0; k < n; k++)
		if (!g->revs[order[k]].ndown)
			root[order[k]] = lane_add(&lanes, g, -1, order[k]);

	strbuf_addstr(out, "---\ntitle: git dbmig revision graph\n---\n");
	strbuf_addf(out, "%%%%{init: { 'gitGraph': {'showBranches': true, 'showCommitLabel': true, 'mainBranchName': '%s'}} }%%%%\n",
		    lanes.nr ? lanes.name[0] : "main");
	strbuf_addstr(out, "gitGraph\n");
	/* the other roots: branches of the main branch before it has commits */
	for (i = 1; i < lanes.nr; i++)
		strbuf_addf(out, "    branch \"%s\"\n", lanes.name[i]);
	cur = lanes.nr > 1 ? (int)lanes.nr - 1 : 0;

	for (k = 0; k < n; k++) {
		int v = order[k];
		const struct rev *r = &g->revs[v];
		int lane = r->ndown ? slot[v][0] : root[v];

		if (lane != cur)
			strbuf_addf(out, "    checkout \"%s\"\n", lanes.name[lane]);
		cur = lane;
		if (r->ndown <= 1) {
			strbuf_addf(out, "    commit id: \"%s\"", r->id);
			commit_attrs(out, g, r);
		} else {
			for (i = 1; i < r->ndown; i++) {
				strbuf_addf(out, "    merge \"%s\" id: \"", lanes.name[slot[v][i]]);
				if (i + 1 < r->ndown) {
					strbuf_addf(out, "%s~%zu\"\n", r->id, i);
					continue;
				}
				strbuf_addf(out, "%s\"", r->id);
				commit_attrs(out, g, r);
			}
		}
		for (i = 0; i < r->nnext; i++) {
			int c = r->next[i], j = down_index(&g->revs[c], v);

			if (c == cont[v]) {
				slot[c][j] = lane;
				continue;
			}
			slot[c][j] = lane_add(&lanes, g, v, c);
			strbuf_addf(out, "    branch \"%s\"\n", lanes.name[slot[c][j]]);
			cur = slot[c][j];
		}
	}

	for (i = 0; i < lanes.nr; i++)
		free(lanes.name[i]);
	free(lanes.name);
	for (i = 0; i < n; i++)
		free(slot[i]);
	free(slot);
	free(root);
	free(order);
	free(cont);
}

/* ------------------------------------------------------------------ */
/* graphviz                                                            */

static void dot_quoted(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '\n') {
			strbuf_addstr(out, "\\n");
			continue;
		}
		if (*s == '"' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

void render_dot(struct strbuf *out, const struct graph *g)
{
	size_t i, j;

	strbuf_addstr(out, "digraph \"dbmig\" {\n"
			   "    /* solid: down_revision -> revision; dashed: depends_on -> revision */\n"
			   "    rankdir=LR;\n"
			   "    node [shape=box, style=rounded];\n");
	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];
		struct strbuf label = STRBUF_INIT;

		strbuf_addstr(&label, r->id);
		if (r->rf->nlabels) {
			strbuf_addstr(&label, "\n(");
			for (j = 0; j < r->rf->nlabels; j++)
				strbuf_addf(&label, "%s%s", j ? ", " : "", r->rf->branch_labels[j]);
			strbuf_addch(&label, ')');
		}
		if (r->rf->message && *r->rf->message)
			strbuf_addf(&label, "\n%s", r->rf->message);
		strbuf_addstr(out, "    ");
		dot_quoted(out, r->id);
		strbuf_addstr(out, " [label=");
		dot_quoted(out, label.buf);
		if (is_version0_root(r))
			strbuf_addstr(out, ", style=\"rounded,bold\"");
		if (rev_is_head(r))
			strbuf_addstr(out, ", peripheries=2");
		strbuf_addstr(out, "];\n");
		strbuf_release(&label);
	}
	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];

		for (j = 0; j < r->ndown; j++) {
			strbuf_addstr(out, "    ");
			dot_quoted(out, g->revs[r->down[j]].id);
			strbuf_addstr(out, " -> ");
			dot_quoted(out, r->id);
			strbuf_addstr(out, ";\n");
		}
		for (j = 0; j < r->ndeps; j++) {
			strbuf_addstr(out, "    ");
			dot_quoted(out, g->revs[r->deps[j]].id);
			strbuf_addstr(out, " -> ");
			dot_quoted(out, r->id);
			strbuf_addstr(out, " [style=dashed];\n");
		}
	}
	strbuf_addstr(out, "}\n");
}
