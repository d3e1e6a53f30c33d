/*
 * graph: builds Alembic's revision map from parsed revision files and
 * answers the structural questions the resolver asks (ancestors,
 * descendants, heads, bases). It follows Alembic 1.8's RevisionMap
 * construction step by step, but iterates in revision-id order, never in
 * hash order, so that every answer is the same on every run.
 *
 * It does not resolve targets or plan migrations (resolve.c does) and
 * does no I/O.
 */
#include "graph.h"
#include "usage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ------------------------------------------------------------------ */
/* Small int-array helpers                                             */

static void push(int **arr, size_t *n, size_t *alloc, int v)
{
	ALLOC_GROW(*arr, *n + 1, *alloc);
	(*arr)[(*n)++] = v;
}

static int contains(const int *arr, size_t n, int v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (arr[i] == v)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lookup                                                              */

static int cmp_rev(const void *a, const void *b)
{
	const struct graph_input *x = a, *y = b;

	return strcmp(x->rf->revision, y->rf->revision);
}

static int cmp_label(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int graph_find(const struct graph *g, const char *id)
{
	size_t lo = 0, hi = g->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->revs[mid].id, id);

		if (!c)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int graph_find_label(const struct graph *g, const char *name)
{
	size_t lo = 0, hi = g->nlabels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->labels[mid].name, name);

		if (!c)
			return g->labels[mid].rev;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int label_index(const struct graph *g, const char *name)
{
	size_t lo = 0, hi = g->nlabels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g->labels[mid].name, name);

		if (!c)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int graph_rev_has_label(const struct graph *g, int rev, const char *name)
{
	int l = label_index(g, name);

	return l >= 0 && (g->revs[rev].labelset[l / 64] >> (l % 64)) & 1;
}

int graph_rev_label_next(const struct graph *g, int rev, int from)
{
	const uint64_t *row = g->revs[rev].labelset;
	size_t w;
	uint64_t v;

	if (from < 0 || (size_t)from >= g->nlabels)
		return -1;
	w = (size_t)from / 64;
	v = row[w] & (~0ULL << (from % 64));
	for (;;) {
		if (v)
			return (int)(w * 64 + (size_t)__builtin_ctzll(v));
		if (++w >= g->label_words)
			return -1;
		v = row[w];
	}
}

/* ------------------------------------------------------------------ */
/* Walks                                                               */

static void walk(const struct graph *g, const int *targets, size_t n,
		 int up, unsigned flags, unsigned char *set)
{
	int *stack = NULL;
	size_t nstack = 0, alloc = 0, i;

	for (i = 0; i < n; i++)
		if (targets[i] >= 0)
			push(&stack, &nstack, &alloc, targets[i]);
	while (nstack) {
		int v = stack[--nstack];
		const struct rev *r = &g->revs[v];
		const int *edges;
		size_t nedges;

		if (set[v])
			continue;
		set[v] = 1;
		if (up) {
			edges = (flags & WALK_DEPS) ? r->allnext : r->next;
			nedges = (flags & WALK_DEPS) ? r->nallnext : r->nnext;
		} else {
			edges = (flags & WALK_DEPS) ? r->normdown : r->down;
			nedges = (flags & WALK_DEPS) ? r->nnormdown : r->ndown;
		}
		for (i = 0; i < nedges; i++)
			if (!set[edges[i]])
				push(&stack, &nstack, &alloc, edges[i]);
	}
	free(stack);
}

void graph_ancestors(const struct graph *g, const int *targets, size_t n,
		     unsigned flags, unsigned char *set)
{
	walk(g, targets, n, 0, flags, set);
}

void graph_descendants(const struct graph *g, const int *targets, size_t n,
		       unsigned flags, unsigned char *set)
{
	walk(g, targets, n, 1, flags, set);
}

/* Walk along all down revisions (not normalised): cycle detection only. */
static void walk_alldown(const struct graph *g, const int *targets, size_t n,
			 unsigned char *set)
{
	int *stack = NULL;
	size_t nstack = 0, alloc = 0, i;

	for (i = 0; i < n; i++)
		push(&stack, &nstack, &alloc, targets[i]);
	while (nstack) {
		int v = stack[--nstack];
		const struct rev *r = &g->revs[v];

		if (set[v])
			continue;
		set[v] = 1;
		for (i = 0; i < r->nalldown; i++)
			if (!set[r->alldown[i]])
				push(&stack, &nstack, &alloc, r->alldown[i]);
	}
	free(stack);
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */


/* OR row "from" into row "to" of a bit matrix; 1 if anything was new. */
static int or_bits(uint64_t *to, const uint64_t *from, size_t words)
{
	size_t w;
	int changed = 0;

	for (w = 0; w < words; w++) {
		uint64_t v = to[w] | from[w];

		if (v != to[w]) {
			to[w] = v;
			changed = 1;
		}
	}
	return changed;
}

/*
 * Alembic's _add_branches(): a labelled revision's labels go to all its
 * down_revision descendants, and from the last descendant down the
 * straight line below it, to the first real branch point or merge point.
 * Alembic runs it once in set order, with label sets that grow as it
 * goes; iterating to a fixed point gives the same union in any order.
 * Label sets are bit rows here: propagating them parent to child in
 * topological order is the "all descendants" part.
 */
static void spread_labels(struct graph *g)
{
	size_t words = g->label_words, i, k;
	uint64_t *bits = g->labelbits;
	unsigned char *push, *walkdown;
	int *order, *last;
	size_t norder;
	int changed = 1;

	if (!g->nlabels || !g->nr)
		return;
	order = graph_topo_order(g);
	norder = g->nr;
	last = xmalloc(g->nr * sizeof(int));
	/*
	 * Alembic walks down from the last node its descendant walk yields.
	 * That walk gets below the labelled revision only when the
	 * revision's descendants form one straight line with no real branch
	 * point or merge point; then it goes on below the revision. last[i]
	 * is where that downward walk starts, or -1.
	 */
	for (i = 0; i < g->nr; i++) {
		const struct rev *c = &g->revs[i];
		int straight = 1;

		last[i] = -1;
		if (!c->rf->nlabels)
			continue;
		for (;;) {
			if (rev_is_real_branch_point(c) || rev_is_merge_point(c)) {
				straight = 0;
				break;
			}
			if (!c->nnext)
				break;
			c = &g->revs[c->next[0]];
		}
		if (straight && g->revs[i].ndown)
			last[i] = g->revs[i].down[0];
	}
	/*
	 * A row that has not grown since it was last carried on has nothing
	 * new to give: "push" marks rows still to carry to their children,
	 * "walkdown" rows still to carry down their straight line.
	 */
	push = xmalloc(g->nr);
	walkdown = xmalloc(g->nr);
	memset(push, 1, g->nr);
	memset(walkdown, 1, g->nr);
	while (changed) {
		changed = 0;
		for (i = 0; i < norder; i++) {
			size_t v = (size_t)order[i];
			const struct rev *r = &g->revs[v];

			if (!push[v])
				continue;
			push[v] = 0;
			for (k = 0; k < r->nnext; k++) {
				size_t c = (size_t)r->next[k];

				if (or_bits(bits + c * words, bits + v * words, words))
					push[c] = walkdown[c] = 1;
			}
		}
		for (i = 0; i < g->nr; i++) {
			int parent = last[i];

			if (!walkdown[i])
				continue;
			walkdown[i] = 0;
			while (parent >= 0) {
				struct rev *p = &g->revs[parent];

				if (rev_is_real_branch_point(p) || rev_is_merge_point(p))
					break;
				if (or_bits(bits + (size_t)parent * words, bits + i * words, words)) {
					push[parent] = walkdown[parent] = 1;
					changed = 1;
				}
				parent = p->ndown ? p->down[0] : -1;
			}
		}
	}
	free(walkdown);
	free(push);
	free(last);
	free(order);
}

static void format_ids(struct strbuf *sb, const struct graph *g,
		       const unsigned char *set, int member)
{
	size_t i;
	int first = 1;

	for (i = 0; i < g->nr; i++) {
		if (!!set[i] != member)
			continue;
		strbuf_addf(sb, "%s%s", first ? "" : ", ", g->revs[i].id);
		first = 0;
	}
}

/*
 * Alembic only checks that every revision lies between a base and a
 * head, which misses a cycle that a base and a head both reach
 * ("r; a <r,c; b <a; c <b; d <b"). Peel off revisions with no down edge
 * or no child left until none can go: what stays in "left" is on or
 * between cycles. Returns 1 if anything stays.
 */
static int find_cycle(const struct graph *g, int deps, unsigned char *left)
{
	size_t *ndown = xcalloc(g->nr, sizeof(size_t));
	size_t *nup = xcalloc(g->nr, sizeof(size_t));
	int *work = xcalloc(g->nr, sizeof(int));
	size_t nwork = 0, i, k;
	int found = 0;

	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];

		ndown[i] = deps ? r->nalldown : r->ndown;
		nup[i] = deps ? r->nallnext : r->nnext;
		left[i] = ndown[i] && nup[i];
		if (!left[i])
			work[nwork++] = (int)i;
	}
	while (nwork) {
		const struct rev *r = &g->revs[work[--nwork]];
		const int *down = deps ? r->alldown : r->down;
		const int *up = deps ? r->allnext : r->next;
		size_t nd = deps ? r->nalldown : r->ndown;
		size_t nu = deps ? r->nallnext : r->nnext;

		for (k = 0; k < nd; k++)
			if (left[down[k]] && !--nup[down[k]]) {
				left[down[k]] = 0;
				work[nwork++] = down[k];
			}
		for (k = 0; k < nu; k++)
			if (left[up[k]] && !--ndown[up[k]]) {
				left[up[k]] = 0;
				work[nwork++] = up[k];
			}
	}
	for (i = 0; i < g->nr; i++)
		found |= left[i];
	free(ndown);
	free(nup);
	free(work);
	return found;
}

static int detect_cycles(struct graph *g, struct strbuf *err)
{
	unsigned char *a = xcalloc(g->nr, 1), *b = xcalloc(g->nr, 1);
	size_t i;
	int ret = 0;

	if (!g->nr)
		goto cleanup;
	if (!g->nheads || !g->nbases) {
		strbuf_addstr(err, "Cycle is detected in revisions (");
		memset(a, 0, g->nr);
		format_ids(err, g, a, 0);
		strbuf_addstr(err, ")");
		ret = -1;
		goto cleanup;
	}
	graph_ancestors(g, g->heads, g->nheads, 0, a);
	graph_descendants(g, g->bases, g->nbases, 0, b);
	for (i = 0; i < g->nr; i++)
		a[i] = a[i] && b[i];
	for (i = 0; i < g->nr; i++)
		if (!a[i])
			break;
	if (i < g->nr) {
		strbuf_addstr(err, "Cycle is detected in revisions (");
		format_ids(err, g, a, 0);
		strbuf_addstr(err, ")");
		ret = -1;
		goto cleanup;
	}
	if (find_cycle(g, 0, a)) {
		strbuf_addstr(err, "Cycle is detected in revisions (");
		format_ids(err, g, a, 1);
		strbuf_addstr(err, ")");
		ret = -1;
		goto cleanup;
	}

	memset(a, 0, g->nr);
	memset(b, 0, g->nr);
	if (!g->nreal_heads || !g->nreal_bases) {
		strbuf_addstr(err, "Dependency cycle is detected in revisions (");
		format_ids(err, g, a, 0);
		strbuf_addstr(err, ")");
		ret = -1;
		goto cleanup;
	}
	walk_alldown(g, g->real_heads, g->nreal_heads, a);
	graph_descendants(g, g->real_bases, g->nreal_bases, WALK_DEPS, b);
	for (i = 0; i < g->nr; i++)
		a[i] = a[i] && b[i];
	for (i = 0; i < g->nr; i++)
		if (!a[i])
			break;
	if (i < g->nr) {
		strbuf_addstr(err, "Dependency cycle is detected in revisions (");
		format_ids(err, g, a, 0);
		strbuf_addstr(err, ")");
		ret = -1;
	} else if (find_cycle(g, 1, a)) {
		strbuf_addstr(err, "Dependency cycle is detected in revisions (");
		format_ids(err, g, a, 1);
		strbuf_addstr(err, ")");
		ret = -1;
	}
cleanup:
	free(a);
	free(b);
	return ret;
}

/*
 * Alembic's _normalize_depends_on(): drop a dependency that a
 * down_revision ancestor already depends on.
 */
int *graph_topo_order(const struct graph *g)
{
	int *order = xmalloc((g->nr ? g->nr : 1) * sizeof(int));
	int *indeg = xcalloc(g->nr ? g->nr : 1, sizeof(int));
	size_t norder = 0, head = 0, i, k;

	for (i = 0; i < g->nr; i++) {
		indeg[i] = (int)g->revs[i].ndown;
		if (!indeg[i])
			order[norder++] = (int)i;
	}
	while (head < norder) {
		const struct rev *r = &g->revs[order[head++]];

		for (k = 0; k < r->nnext; k++)
			if (--indeg[r->next[k]] == 0)
				order[norder++] = r->next[k];
	}
	if (norder != g->nr)
		BUG("topological order of a graph with a cycle");
	free(indeg);
	return order;
}

/*
 * Alembic's _normalize_depends_on(): drop a dependency that a strict
 * down_revision ancestor already depends on. Each revision gets the set
 * of what its ancestors depend on, as a bit row over the revisions that
 * are depended on, built parents first.
 */
static void normalize_deps(struct graph *g)
{
	int *order = graph_topo_order(g), *slot = xmalloc((g->nr ? g->nr : 1) * sizeof(int));
	size_t ntargets = 0, words, i, j, k, nblocks = 0, blocksalloc = 0;
	uint64_t **row = xcalloc(g->nr ? g->nr : 1, sizeof(*row));
	uint64_t **blocks = NULL, *zero;

	for (i = 0; i < g->nr; i++)
		slot[i] = -1;
	for (i = 0; i < g->nr; i++)
		for (j = 0; j < g->revs[i].ndeps; j++)
			if (slot[g->revs[i].deps[j]] < 0)
				slot[g->revs[i].deps[j]] = (int)ntargets++;
	words = (ntargets + 63) / 64;
	if (!words)
		words = 1;
	zero = xcalloc(words, sizeof(uint64_t));
	/*
	 * A revision whose one parent depends on nothing has its parent's
	 * row: rows are shared down straight lines and only merges and
	 * children of dependent revisions get their own.
	 */
	for (i = 0; i < g->nr; i++) {
		int x = order[i];
		const struct rev *r = &g->revs[x];
		uint64_t *own;

		if (!r->ndown) {
			row[x] = zero;
			continue;
		}
		if (r->ndown == 1 && !g->revs[r->down[0]].ndeps) {
			row[x] = row[r->down[0]];
			continue;
		}
		own = xcalloc(words, sizeof(uint64_t));
		ALLOC_GROW(blocks, nblocks + 1, blocksalloc);
		blocks[nblocks++] = own;
		for (k = 0; k < r->ndown; k++) {
			const struct rev *p = &g->revs[r->down[k]];
			const uint64_t *prow = row[r->down[k]];

			for (j = 0; j < words; j++)
				own[j] |= prow[j];
			for (j = 0; j < p->ndeps; j++) {
				int b = slot[p->deps[j]];

				own[b / 64] |= 1ULL << (b % 64);
			}
		}
		row[x] = own;
	}
	for (i = 0; i < g->nr; i++) {
		struct rev *r = &g->revs[i];
		size_t alloc = 0;

		r->normdown = NULL;
		r->nnormdown = 0;
		for (j = 0; j < r->ndown; j++)
			push(&r->normdown, &r->nnormdown, &alloc, r->down[j]);
		for (j = 0; j < r->ndeps; j++) {
			int b = slot[r->deps[j]];

			if (row[i][b / 64] & (1ULL << (b % 64)))
				continue;
			if (!contains(r->normdown, r->nnormdown, r->deps[j]))
				push(&r->normdown, &r->nnormdown, &alloc, r->deps[j]);
		}
	}
	for (i = 0; i < nblocks; i++)
		free(blocks[i]);
	free(blocks);
	free(zero);
	free(row);
	free(slot);
	free(order);
}

static const char *where(const struct rev *r)
{
	return r->path ? r->path : r->id;
}

/*
 * Set bits in n words. Without -mpopcnt, __builtin_popcountll is a call
 * into libgcc's table loop; where the CPU has the instruction (nearly
 * every x86-64 made since 2008), a copy compiled for it is used.
 */
static size_t count_bits_plain(const uint64_t *w, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += (size_t)__builtin_popcountll(w[i]);
	return c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt")))
static size_t count_bits_popcnt(const uint64_t *w, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += (size_t)__builtin_popcountll(w[i]);
	return c;
}

static size_t count_bits(const uint64_t *w, size_t n)
{
	static int have = -1;

	if (have < 0) {
		__builtin_cpu_init();
		have = __builtin_cpu_supports("popcnt") ? 1 : 0;
	}
	return have ? count_bits_popcnt(w, n) : count_bits_plain(w, n);
}
#else
#define count_bits count_bits_plain
#endif

int graph_build(struct graph **out, struct graph_input *in, size_t n,
		struct strbuf *err)
{
	struct graph *g = xcalloc(1, sizeof(*g));
	size_t i, j, alloc;

	*out = NULL;
	if (n)
		qsort(in, n, sizeof(*in), cmp_rev);
	g->revs = xcalloc(n ? n : 1, sizeof(*g->revs));
	g->nr = n;
	for (i = 0; i < n; i++) {
		g->revs[i].rf = in[i].rf;
		g->revs[i].id = in[i].rf->revision;
		g->revs[i].path = in[i].path;
		memcpy(g->revs[i].blob, in[i].blob, sizeof(in[i].blob));
		in[i].rf = NULL;
		in[i].path = NULL;
	}
	for (i = 1; i < n; i++) {
		if (!strcmp(g->revs[i].id, g->revs[i - 1].id)) {
			strbuf_addf(err, "%s: revision '%s' is present more than once (also in %s)",
				    where(&g->revs[i]), g->revs[i].id, where(&g->revs[i - 1]));
			goto fail;
		}
	}

	/* Branch labels: one namespace with the revision ids. */
	alloc = 0;
	for (i = 0; i < n; i++) {
		struct revfile *rf = g->revs[i].rf;

		for (j = 0; j < rf->nlabels; j++) {
			ALLOC_GROW(g->labels, g->nlabels + 1, alloc);
			g->labels[g->nlabels].name = rf->branch_labels[j];
			g->labels[g->nlabels].len = strlen(rf->branch_labels[j]);
			g->labels[g->nlabels].rev = (int)i;
			g->nlabels++;
		}
	}
	if (g->nlabels)
		qsort(g->labels, g->nlabels, sizeof(*g->labels), cmp_label);
	for (i = 0; i < g->nlabels; i++) {
		int other = graph_find(g, g->labels[i].name);
		int dup = i > 0 && !strcmp(g->labels[i].name, g->labels[i - 1].name);

		if (other >= 0 || dup) {
			int by = dup ? g->labels[i - 1].rev : other;
			const struct rev *r = &g->revs[g->labels[i].rev];

			strbuf_addf(err, "%s: Branch name '%s' in revision %s already used by revision %s",
				    where(r), g->labels[i].name, r->id, g->revs[by].id);
			goto fail;
		}
	}

	/* Edges. */
	for (i = 0; i < n; i++) {
		struct rev *r = &g->revs[i];
		struct revfile *rf = r->rf;
		size_t a1 = 0, a2 = 0, a3 = 0;

		for (j = 0; j < rf->ndown; j++) {
			int d = graph_find(g, rf->down_revision[j]);

			if (d == (int)i) {
				strbuf_addf(err, "%s:%u: Self-loop is detected in revisions (%s)",
					    where(r), rf->down_line, r->id);
				goto fail;
			}
			if (d < 0) {
				strbuf_addf(err, "%s:%u: Revision %s referenced from %s is not present",
					    where(r), rf->down_line, rf->down_revision[j], r->id);
				goto fail;
			}
			if (!contains(r->down, r->ndown, d))
				push(&r->down, &r->ndown, &a1, d);
		}
		for (j = 0; j < rf->ndeps; j++) {
			int d = graph_find(g, rf->depends_on[j]);

			if (d < 0)
				d = graph_find_label(g, rf->depends_on[j]);
			if (d == (int)i) {
				strbuf_addf(err, "%s:%u: Dependency self-loop is detected in revisions (%s)",
					    where(r), rf->deps_line, r->id);
				goto fail;
			}
			if (d < 0) {
				strbuf_addf(err, "%s:%u: depends_on '%s' of revision %s names no revision or branch label",
					    where(r), rf->deps_line, rf->depends_on[j], r->id);
				goto fail;
			}
			if (!contains(r->deps, r->ndeps, d))
				push(&r->deps, &r->ndeps, &a2, d);
		}
		for (j = 0; j < r->ndown; j++)
			push(&r->alldown, &r->nalldown, &a3, r->down[j]);
		for (j = 0; j < r->ndeps; j++)
			if (!contains(r->alldown, r->nalldown, r->deps[j]))
				push(&r->alldown, &r->nalldown, &a3, r->deps[j]);
	}
	for (i = 0; i < n; i++) {
		struct rev *r = &g->revs[i];

		for (j = 0; j < r->nalldown; j++) {
			struct rev *d = &g->revs[r->alldown[j]];
			size_t a;

			a = d->nallnext;
			d->allnext = xrealloc(d->allnext, (a + 1) * sizeof(int));
			d->allnext[d->nallnext++] = (int)i;
			if (contains(r->down, r->ndown, r->alldown[j])) {
				d->next = xrealloc(d->next, (d->nnext + 1) * sizeof(int));
				d->next[d->nnext++] = (int)i;
			}
		}
	}

	{
		size_t ah = 0, arh = 0, ab = 0, arb = 0;

		for (i = 0; i < n; i++) {
			struct rev *r = &g->revs[i];

			if (rev_is_head(r))
				push(&g->heads, &g->nheads, &ah, (int)i);
			if (rev_is_real_head(r))
				push(&g->real_heads, &g->nreal_heads, &arh, (int)i);
			if (!r->ndown)
				push(&g->bases, &g->nbases, &ab, (int)i);
			if (!r->ndown && !r->rf->ndeps)
				push(&g->real_bases, &g->nreal_bases, &arb, (int)i);
		}
	}

	if (detect_cycles(g, err))
		goto fail;
	normalize_deps(g);

	g->label_words = (g->nlabels + 63) / 64;
	g->labelbits = xcalloc(n * g->label_words + 1, sizeof(uint64_t));
	for (i = 0; i < n; i++) {
		struct revfile *rf = g->revs[i].rf;
		uint64_t *row = g->labelbits + i * g->label_words;

		for (j = 0; j < rf->nlabels; j++) {
			int l = label_index(g, rf->branch_labels[j]);

			row[l / 64] |= 1ULL << (l % 64);
		}
	}
	spread_labels(g);
	for (i = 0; i < n; i++) {
		const uint64_t *row = g->labelbits + i * g->label_words;

		g->revs[i].labelset = row;
		g->revs[i].nlabels = count_bits(row, g->label_words);
	}
	*out = g;
	return 0;
fail:
	graph_free(g);
	return -1;
}

void graph_free(struct graph *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nr && g->blocks; i++) {
		/* bodies read later (project_load_body()) are the rev's own */
		if (g->revs[i].rf) {
			free(g->revs[i].rf->upgrade);
			free(g->revs[i].rf->downgrade);
		}
		free(g->revs[i].abspath);
	}
	for (i = 0; i < g->nr && !g->blocks; i++) {
		struct rev *r = &g->revs[i];

		revfile_free(r->rf);
		free(r->path);
		free(r->abspath);
		free(r->down);
		free(r->deps);
		free(r->normdown);
		free(r->alldown);
		free(r->next);
		free(r->allnext);
	}
	for (i = 0; i < g->nblocks; i++)
		free(g->blocks[i]);
	free(g->blocks);
	if (g->map)
		munmap(g->map, g->maplen);
	free(g->labelbits);
	free(g->revs);
	free(g->labels);
	free(g->heads);
	free(g->real_heads);
	free(g->bases);
	free(g->real_bases);
	free(g);
}

int graph_rows_are_heads(const struct graph *g, const int *rows, size_t n,
			 int *missing, size_t *nmissing)
{
	size_t i, k, nm = 0;
	int ok = 1;

	for (i = 0; i < n; i++) {
		int found = 0;

		for (k = 0; !found && k < g->nheads; k++)
			found = g->heads[k] == rows[i];
		ok &= found;
	}
	for (k = 0; k < g->nheads; k++) {
		int found = 0;

		for (i = 0; !found && i < n; i++)
			found = g->heads[k] == rows[i];
		if (!found) {
			ok = 0;
			if (missing)
				missing[nm] = g->heads[k];
			nm++;
		}
	}
	if (nmissing)
		*nmissing = nm;
	return ok;
}
