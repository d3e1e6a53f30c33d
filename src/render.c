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
#include "squash.h"
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

/* ------------------------------------------------------------------ */
/* A database's place                                                  */

/* The status entry of each revision (NULL: none), g->nr entries. */
static const struct status_entry **place_index(const struct graph *g,
					       const struct render_place *place)
{
	const struct status_entry **v = xcalloc(g->nr ? g->nr : 1, sizeof(*v));
	size_t i;

	for (i = 0; place && i < place->st->n; i++)
		if (place->st->v[i].rev >= 0)
			v[place->st->v[i].rev] = &place->st->v[i];
	return v;
}

static void add_mark(struct strbuf *out, const struct status_entry *e)
{
	strbuf_addstr(out, status_state_name(e->state));
	if (e->version_row)
		strbuf_addstr(out, ", version row");
}

void render_ascii_mark(struct strbuf *out, const struct render_place *place, int rev)
{
	size_t i;

	for (i = 0; place && i < place->st->n; i++) {
		if (place->st->v[i].rev != rev)
			continue;
		strbuf_addstr(out, " [");
		add_mark(out, &place->st->v[i]);
		strbuf_addch(out, ']');
	}
}

static void commit_attrs(struct strbuf *out, const struct graph *g, const struct rev *r,
			 const struct status_entry *e)
{
	size_t i;

	if (is_version0_root(r) || (e && status_entry_is_drift(e)))
		strbuf_addstr(out, " type: HIGHLIGHT");
	else if (e && (e->state == STATUS_PENDING || e->state == STATUS_OTHER))
		strbuf_addstr(out, " type: REVERSE");
	if (r->ndeps || e) {
		strbuf_addstr(out, " tag: \"");
		if (r->ndeps) {
			strbuf_addstr(out, "depends on ");
			for (i = 0; i < r->ndeps; i++)
				strbuf_addf(out, "%s%s", i ? ", " : "", g->revs[r->deps[i]].id);
		}
		if (r->ndeps && e)
			strbuf_addstr(out, "; ");
		if (e)
			add_mark(out, e);
		strbuf_addch(out, '"');
	}
	strbuf_addch(out, '\n');
}

void render_mermaid(struct strbuf *out, const struct graph *g,
		    const struct render_place *place)
{
	const struct status_entry **at = place_index(g, place);
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

	strbuf_addstr(out, "---\ntitle: git dbmig revision graph");
	if (place) {
		/* gitGraph has no legend: the title carries it */
		strbuf_addf(out, " and where %s stands (tags: its state; reversed: not applied; highlighted: drift or version0)",
			    place->database);
		for (i = 0, k = 0; i < place->st->n; i++) {
			const struct status_entry *e = &place->st->v[i];

			if (e->rev >= 0)
				continue;
			strbuf_addf(out, "%s%s (%s)", k++ ? ", " : "; not in the graph: ", e->id,
				    status_state_name(e->state));
		}
		if (place->drift)
			strbuf_addf(out, "; schema drift: %zu difference%s", place->ndrift,
				    place->ndrift == 1 ? "" : "s");
	}
	strbuf_addstr(out, "\n---\n");
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
			commit_attrs(out, g, r, at[v]);
		} else {
			for (i = 1; i < r->ndown; i++) {
				strbuf_addf(out, "    merge \"%s\" id: \"", lanes.name[slot[v][i]]);
				if (i + 1 < r->ndown) {
					strbuf_addf(out, "%s~%zu\"\n", r->id, i);
					continue;
				}
				strbuf_addf(out, "%s\"", r->id);
				commit_attrs(out, g, r, at[v]);
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
	free(at);
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
		if (*s == '\001') {
			/* a line break that ends a left-justified line */
			strbuf_addstr(out, "\\l");
			continue;
		}
		if (*s == '"' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

void render_dot(struct strbuf *out, const struct graph *g,
		const struct render_place *place)
{
	size_t i, j;

	if (place) {
		render_picture_dot(out, g, place);
		return;
	}
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

/* ------------------------------------------------------------------ */
/* The picture's digraph                                               */

static const struct {
	enum status_state state;
	const char *fill;
	const char *text;
} state_style[] = {
	{ STATUS_APPLIED, "#c6efce", "applied, as committed" },
	{ STATUS_CHANGED, "#ffc7ce", "applied, file changed since" },
	{ STATUS_OUTSIDE, "#e4d7f5", "applied outside git-dbmig (no dbmig_log row)" },
	{ STATUS_PENDING, "#ffeb9c", "pending" },
	{ STATUS_OTHER, "#eeeeee", "not one of the target's labels" },
	{ STATUS_GONE, "#f2dcdb", "applied, file gone" },
	{ STATUS_UNKNOWN, "#ff9d9d", "version row naming no revision" },
};

static const char *state_fill(enum status_state s)
{
	size_t i;

	for (i = 0; i < sizeof(state_style) / sizeof(state_style[0]); i++)
		if (state_style[i].state == s)
			return state_style[i].fill;
	return "#ffffff";
}

/* Text for an HTML-like label: &, < and > escaped. */
static void html_text(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			strbuf_addstr(out, "&amp;");
		else if (*s == '<')
			strbuf_addstr(out, "&lt;");
		else if (*s == '>')
			strbuf_addstr(out, "&gt;");
		else
			strbuf_addch(out, *s);
	}
}

/*
 * The lane of each revision: of the labels it carries, the one whose
 * declaring revision comes last in topological order (the nearest); -1
 * for a revision without labels.
 */
static int *lane_labels(const struct graph *g)
{
	int *topo = graph_topo_order(g), *pos = xcalloc(g->nr ? g->nr : 1, sizeof(int));
	int *lane = xmalloc((g->nr ? g->nr : 1) * sizeof(int));
	size_t i;

	for (i = 0; i < g->nr; i++)
		pos[topo[i]] = (int)i;
	for (i = 0; i < g->nr; i++) {
		int l;

		lane[i] = -1;
		for (l = graph_rev_label_next(g, (int)i, 0); l >= 0; l = graph_rev_label_next(g, (int)i, l + 1)) {
			if (lane[i] < 0 || pos[g->labels[l].rev] > pos[g->labels[lane[i]].rev])
				lane[i] = l;
		}
	}
	free(topo);
	free(pos);
	return lane;
}

static void picture_node(struct strbuf *out, const struct graph *g, int v,
			 const struct status_entry *e)
{
	const struct rev *r = &g->revs[v];
	struct strbuf label = STRBUF_INIT;
	const char *msg = r->rf->message ? r->rf->message : "";

	strbuf_addstr(&label, r->id);
	if (*msg) {
		size_t n = strcspn(msg, "\n");

		if (n > 36)
			strbuf_addf(&label, "\n%.33s...", msg);
		else
			strbuf_addf(&label, "\n%.*s", (int)n, msg);
	}
	if (e) {
		strbuf_addstr(&label, "\n[");
		add_mark(&label, e);
		strbuf_addch(&label, ']');
	}
	strbuf_addstr(out, "        ");
	dot_quoted(out, r->id);
	strbuf_addstr(out, " [label=");
	dot_quoted(out, label.buf);
	strbuf_addf(out, ", fillcolor=\"%s\"", e ? state_fill(e->state) : "#ffffff");
	if (is_version0_root(r))
		strbuf_addstr(out, ", style=\"rounded,filled,bold\"");
	if (rev_is_head(r))
		strbuf_addstr(out, ", peripheries=2");
	if (e && e->version_row)
		strbuf_addstr(out, ", penwidth=3, color=\"#1f4e79\"");
	strbuf_addstr(out, "];\n");
	strbuf_release(&label);
}

static void picture_legend(struct strbuf *out, const struct render_place *place)
{
	size_t i;

	strbuf_addstr(out, "    subgraph \"cluster_legend\" {\n"
			   "        label=\"legend\"; style=\"rounded\"; color=\"#999999\";\n"
			   "        \"legend\" [shape=plaintext, style=\"\", label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">");
	if (place) {
		strbuf_addstr(out, "<tr><td colspan=\"2\"><b>");
		html_text(out, place->database);
		strbuf_addstr(out, "</b></td></tr>");
		for (i = 0; i < sizeof(state_style) / sizeof(state_style[0]); i++) {
			size_t n = place->st->count[state_style[i].state];

			if (!n)
				continue;
			strbuf_addf(out, "<tr><td bgcolor=\"%s\">%s</td><td align=\"left\">%zu: %s</td></tr>",
				    state_style[i].fill, status_state_name(state_style[i].state), n,
				    state_style[i].text);
		}
		strbuf_addstr(out, "<tr><td border=\"3\" color=\"#1f4e79\">row</td><td align=\"left\">a version row of the database</td></tr>");
		if (place->drift && place->ndrift)
			strbuf_addf(out, "<tr><td bgcolor=\"#fcd5b4\">drift</td><td align=\"left\">schema: %zu difference%s from what the revisions make</td></tr>",
				    place->ndrift, place->ndrift == 1 ? "" : "s");
		else if (place->drift)
			strbuf_addstr(out, "<tr><td>schema</td><td align=\"left\">as the revisions make it</td></tr>");
	}
	strbuf_addstr(out, "<tr><td>&rarr;</td><td align=\"left\">down_revision</td></tr>"
			   "<tr><td><b>&rArr;</b></td><td align=\"left\">into a merge revision (bold)</td></tr>"
			   "<tr><td>- - &gt;</td><td align=\"left\">depends_on (dashed)</td></tr>"
			   "<tr><td>double frame</td><td align=\"left\">a head</td></tr>"
			   "<tr><td><b>bold frame</b></td><td align=\"left\">a version0 root</td></tr>"
			   "</table>>];\n    }\n");
}

/* The schema diff of graph --verify, one left-justified line each. */
static void picture_drift(struct strbuf *out, const struct render_place *place)
{
	struct strbuf label = STRBUF_INIT;
	const char *s = place->drift;
	size_t lines = 0;

	while (*s) {
		size_t n = strcspn(s, "\n");

		if (lines++ < 14) {
			strbuf_add(&label, s, n > 90 ? 87 : n);
			if (n > 90)
				strbuf_addstr(&label, "...");
			strbuf_addch(&label, '\001');
		}
		s += n;
		if (*s)
			s++;
	}
	if (lines > 14)
		strbuf_addf(&label, "... %zu more lines\001", lines - 14);
	strbuf_addstr(out, "    subgraph \"cluster_drift\" {\n"
			   "        label=\"schema drift (verify): - made by the revisions, + in the database\"; labeljust=l; style=\"rounded\"; color=\"#c00000\";\n"
			   "        \"drift\" [shape=box, style=\"filled\", fillcolor=\"#fcd5b4\", fontname=\"DejaVu Sans Mono\", fontsize=9, label=");
	dot_quoted(out, label.buf);
	strbuf_addstr(out, "];\n    }\n");
	strbuf_release(&label);
}

void render_picture_dot(struct strbuf *out, const struct graph *g,
			const struct render_place *place)
{
	const struct status_entry **at = place_index(g, place);
	int *lane = lane_labels(g);
	size_t i, j, l;

	strbuf_addstr(out, "digraph \"dbmig\" {\n"
			   "    graph [rankdir=LR, newrank=true, nodesep=0.25, ranksep=0.35, fontname=\"DejaVu Sans\", fontsize=12, labelloc=t, label=");
	{
		struct strbuf title = STRBUF_INIT;

		strbuf_addstr(&title, "git dbmig revision graph");
		if (place)
			strbuf_addf(&title, ": %s", place->database);
		dot_quoted(out, title.buf);
		strbuf_release(&title);
	}
	strbuf_addstr(out, "];\n"
			   "    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"DejaVu Sans\", fontsize=10];\n"
			   "    edge [color=\"#444444\", arrowsize=0.7];\n");
	/* one lane per branch label, in name order */
	for (l = 0; l < g->nlabels; l++) {
		int any = 0;

		for (i = 0; i < g->nr && !any; i++)
			any = lane[i] == (int)l;
		if (!any)
			continue;
		strbuf_addstr(out, "    subgraph ");
		{
			struct strbuf name = STRBUF_INIT;

			strbuf_addf(&name, "cluster_%s", g->labels[l].name);
			dot_quoted(out, name.buf);
			strbuf_release(&name);
		}
		strbuf_addstr(out, " {\n        label=");
		dot_quoted(out, g->labels[l].name);
		strbuf_addstr(out, "; labeljust=l; style=\"rounded,filled\"; fillcolor=\"#f5f7fb\"; color=\"#b8c2d6\";\n");
		for (i = 0; i < g->nr; i++)
			if (lane[i] == (int)l)
				picture_node(out, g, (int)i, at[i]);
		strbuf_addstr(out, "    }\n");
	}
	for (i = 0; i < g->nr; i++)
		if (lane[i] < 0)
			picture_node(out, g, (int)i, at[i]);
	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];

		for (j = 0; j < r->ndown; j++) {
			strbuf_addstr(out, "    ");
			dot_quoted(out, g->revs[r->down[j]].id);
			strbuf_addstr(out, " -> ");
			dot_quoted(out, r->id);
			strbuf_addstr(out, r->ndown > 1 ? " [penwidth=2.5, color=\"#1f4e79\"];\n" : ";\n");
		}
		for (j = 0; j < r->ndeps; j++) {
			strbuf_addstr(out, "    ");
			dot_quoted(out, g->revs[r->deps[j]].id);
			strbuf_addstr(out, " -> ");
			dot_quoted(out, r->id);
			strbuf_addstr(out, " [style=dashed, color=\"#888888\", arrowhead=empty];\n");
		}
	}
	if (place) {
		int any = 0;

		for (i = 0; i < place->st->n; i++) {
			const struct status_entry *e = &place->st->v[i];
			struct strbuf name = STRBUF_INIT, label = STRBUF_INIT;
			int owner;

			if (e->rev >= 0)
				continue;
			if (!any++)
				strbuf_addstr(out, "    subgraph \"cluster_not_in_graph\" {\n"
						   "        label=\"in the database, not in the graph\"; labeljust=l; style=\"rounded,dashed\"; color=\"#c00000\";\n");
			strbuf_addf(&name, "db:%s", e->id);
			strbuf_addf(&label, "%s\n[", e->id);
			add_mark(&label, e);
			strbuf_addch(&label, ']');
			if (e->why) {
				size_t n = strcspn(e->why, "(");

				strbuf_addf(&label, "\n%.*s", (int)(n > 40 ? 40 : n), e->why);
			}
			strbuf_addstr(out, "        ");
			dot_quoted(out, name.buf);
			strbuf_addstr(out, " [label=");
			dot_quoted(out, label.buf);
			strbuf_addf(out, ", fillcolor=\"%s\", style=\"rounded,filled,dashed\"%s];\n",
				    state_fill(e->state), e->version_row ? ", penwidth=3, color=\"#1f4e79\"" : "");
			owner = e->squashed ? squash_owner(g, e->id) : -1;
			if (owner >= 0) {
				strbuf_addstr(out, "        ");
				dot_quoted(out, name.buf);
				strbuf_addstr(out, " -> ");
				dot_quoted(out, g->revs[owner].id);
				strbuf_addstr(out, " [style=dotted, color=\"#c00000\", label=\"squashed into\", fontsize=8, constraint=false];\n");
			}
			strbuf_release(&name);
			strbuf_release(&label);
		}
		if (any)
			strbuf_addstr(out, "    }\n");
	}
	if (place && place->drift && place->ndrift)
		picture_drift(out, place);
	picture_legend(out, place);
	strbuf_addstr(out, "}\n");
	free(lane);
	free(at);
}
