#ifndef GRAPH_H
#define GRAPH_H
/*
 * graph: the revision map, built from parsed revision files exactly as
 * Alembic's RevisionMap builds it (script/revision.py): down_revision and
 * depends_on edges, dependencies resolved through branch labels and
 * normalised against ancestors' dependencies, labels spread along
 * branches, heads, "real" heads, bases, cycle detection. No I/O.
 *
 * Revisions are kept sorted by id; an index into graph->revs is the
 * handle every other module uses. The graph owns its revisions, and
 * each revision owns its struct revfile.
 */
#include "revfile.h"
#include <stdint.h>
#include "strbuf.h"

struct rev {
	const char *id;       /* == rf->revision */
	struct revfile *rf;
	char *path;           /* where it was read from, for messages */
	char *abspath;        /* Path: lines; NULL until project_rev_path() */
	char blob[41];        /* git blob id of the file's bytes */
	int *down;            /* versioned down_revision, declared order */
	size_t ndown;
	int *deps;            /* resolved dependencies, declared order, deduped */
	size_t ndeps;
	int *normdown;        /* down + normalised dependencies */
	size_t nnormdown;
	int *alldown;         /* down + all dependencies */
	size_t nalldown;
	int *next;            /* children by down_revision, by index */
	size_t nnext;
	int *allnext;         /* children by down_revision or depends_on */
	size_t nallnext;
	const uint64_t *labelset; /* after spreading: bit i set = graph->labels[i] */
	size_t nlabels;       /* bits set in labelset */
};

struct label {
	const char *name;
	size_t len;           /* strlen(name) */
	int rev;              /* the revision that declares it */
};

struct graph {
	struct rev *revs;
	size_t nr;
	struct label *labels; /* sorted by name */
	size_t nlabels;
	uint64_t *labelbits;  /* every revision's labelset, label_words each */
	size_t label_words;
	int *heads;           /* no down_revision children (Alembic "heads") */
	size_t nheads;
	int *real_heads;      /* no children at all (targets "heads") */
	size_t nreal_heads;
	int *bases;           /* no down_revision */
	size_t nbases;
	int *real_bases;      /* no down_revision and no depends_on */
	size_t nreal_bases;
	/*
	 * A graph loaded from graphcache.c keeps its revisions' revfiles,
	 * paths and arrays in these few blocks instead of one allocation
	 * each; graph_free() frees the blocks. NULL for a built graph.
	 */
	void **blocks;
	size_t nblocks;
	/* the cache file it was loaded from, mapped; graph_free() unmaps it */
	void *map;
	size_t maplen;
};

/* A file handed to graph_build: the graph takes ownership of rf and path. */
struct graph_input {
	struct revfile *rf;
	char *path;
	char blob[41];
};

/*
 * Build the graph from n parsed files (ownership of each rf and path
 * passes to the graph, also on failure). Errors, each naming the file:
 * a duplicate revision id, a branch label used twice or equal to an id,
 * a down_revision or depends_on that names nothing, a self-loop, a cycle.
 */
int graph_build(struct graph **out, struct graph_input *in, size_t n,
		struct strbuf *err);
void graph_free(struct graph *g);

/* Index of the revision with exactly this id, or -1. */
int graph_find(const struct graph *g, const char *id);
/* Index of the label's declaring revision, or -1. */
int graph_find_label(const struct graph *g, const char *label);
/* 1 if rev carries the label (after spreading). */
int graph_rev_has_label(const struct graph *g, int rev, const char *label);
/*
 * The first label rev carries (after spreading) at or after index from
 * of graph->labels, or -1: for (l = graph_rev_label_next(g, rev, 0);
 * l >= 0; l = graph_rev_label_next(g, rev, l + 1)) visits them in name
 * order.
 */
int graph_rev_label_next(const struct graph *g, int rev, int from);

/* Alembic's per-revision predicates. */
#define rev_is_head(r) ((r)->nnext == 0)
#define rev_is_real_head(r) ((r)->nallnext == 0)
#define rev_is_branch_point(r) ((r)->nnext > 1)
#define rev_is_real_branch_point(r) ((r)->nallnext > 1)
#define rev_is_merge_point(r) ((r)->ndown > 1)

/*
 * Sets of revisions are byte arrays of g->nr entries (1 = member),
 * allocated by the caller (xcalloc(g->nr, 1)).
 */
enum walk_flags {
	WALK_DEPS = 1 << 0, /* follow depends_on edges too */
};
/*
 * Add the targets and all their ancestors (normalised down revisions
 * with WALK_DEPS, versioned ones without) to set. The walk stops at a
 * revision already in set, so set must hold ancestors of what it holds
 * (an ancestor set, or none); likewise descendants for
 * graph_descendants().
 */
void graph_ancestors(const struct graph *g, const int *targets, size_t n,
		     unsigned flags, unsigned char *set);
/* Add the targets and all their descendants to set. */
void graph_descendants(const struct graph *g, const int *targets, size_t n,
		       unsigned flags, unsigned char *set);

/*
 * Revision indexes ordered so that every down_revision comes before its
 * children (xmalloc'ed, g->nr entries; the caller frees it).
 */
int *graph_topo_order(const struct graph *g);

/*
 * current --check-heads's rule, as Alembic 1.17.1+ checks it: the
 * version rows (revision indexes, -1 for an id the graph lacks) are
 * exactly the graph's heads. A head that something depends on is never
 * a row once its dependent is applied, so in such a graph this fails.
 * missing (optional, g->nheads entries) gets the heads without a row,
 * *nmissing their number.
 */
int graph_rows_are_heads(const struct graph *g, const int *rows, size_t n,
			 int *missing, size_t *nmissing);

#endif
