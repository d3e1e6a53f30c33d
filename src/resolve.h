#ifndef RESOLVE_H
#define RESOLVE_H
/*
 * resolve: Alembic's target grammar and migration planning on a graph,
 * with no I/O. It answers what Alembic's RevisionMap and ScriptDirectory
 * answer ("heads", "LABEL@head", "MOD1@-1", "core_rev1+1", prefixes...),
 * turns version rows plus a target into ordered steps, and keeps the
 * version rows as Alembic's HeadMaintainer keeps them.
 *
 * Revision lists are arrays of indexes into the graph; REV_NONE and
 * REV_BASE stand for Alembic's None and "base". Every list a function
 * fills belongs to the caller (free with revlist_release / plan_release).
 * Messages use Alembic's wording where Alembic has one.
 */
#include "graph.h"
#include "strbuf.h"

#define REV_NONE (-1)
#define REV_BASE (-2)

struct revlist {
	int *v;
	size_t n, alloc;
};
#define REVLIST_INIT { NULL, 0, 0 }
void revlist_add(struct revlist *l, int rev);
void revlist_release(struct revlist *l);

/*
 * A target as Alembic receives it: a string typed by the user, or a list
 * of revisions (the database's current rows).
 */
struct spec {
	const char *str;      /* when not NULL, the string form */
	const int *revs;      /* else this list */
	size_t n;
};

/* Alembic's get_revisions(): every revision an identifier names. */
int resolve_revisions(const struct graph *g, const char *id,
		      struct revlist *out, struct strbuf *err);
/* Alembic's get_revision(): exactly one (or REV_NONE for "base"). */
int resolve_revision(const struct graph *g, const char *id, int *out,
		     struct strbuf *err);

/* Resolve version rows (full ids) to revisions; an unknown id fails. */
int resolve_rows(const struct graph *g, const char *const *rows, size_t n,
		 struct revlist *out, struct strbuf *err);

enum step_kind {
	STEP_UPGRADE,
	STEP_DOWNGRADE,
	STEP_STAMP,
};

struct step {
	enum step_kind kind;
	int rev;              /* upgrade/downgrade: the revision */
	/* stamp: */
	int *from;
	size_t nfrom;
	int *to;
	size_t nto;
	int stamp_up;
	int branch_move;
};

struct plan {
	struct step *steps;
	size_t n, alloc;
	int warn_ambiguous;   /* "downgrade -1 from multiple heads" */
};
#define PLAN_INIT { NULL, 0, 0, 0 }
void plan_release(struct plan *p);

/* The steps of "upgrade target" from the current rows. */
int resolve_upgrade(struct plan *out, const struct graph *g,
		    const struct spec *current, const char *target,
		    struct strbuf *err);
/* The steps of "downgrade target" from the current rows. */
int resolve_downgrade(struct plan *out, const struct graph *g,
		      const struct spec *current, const char *target,
		      struct strbuf *err);
/* The steps of "stamp targets..." from the current rows. */
int resolve_stamp(struct plan *out, const struct graph *g,
		  const struct revlist *current, const char *const *targets,
		  size_t n, struct strbuf *err);

/*
 * Alembic's walk_revisions(base, head): the revisions "history" prints,
 * newest first. Either bound may be a string or a list (for "current").
 */
int resolve_history(struct revlist *out, const struct graph *g,
		    const struct spec *base, const struct spec *head,
		    struct strbuf *err);

/* Alembic's get_all_current(): rows expanded through dependencies. */
void resolve_all_current(struct revlist *out, const struct graph *g,
			 const struct revlist *rows);

/*
 * Version-row bookkeeping. rows is the table's content in physical
 * order; heads_apply() changes it as Alembic's HeadMaintainer does for
 * one step and appends the table writes to ops.
 */
enum rowop_kind {
	ROW_INSERT,
	ROW_DELETE,
	ROW_UPDATE,
};
struct rowop {
	enum rowop_kind kind;
	int from;  /* DELETE, UPDATE */
	int to;    /* INSERT, UPDATE */
};
struct rowops {
	struct rowop *v;
	size_t n, alloc;
};
/*
 * reach: what the steps of one plan share to answer Alembic's "does
 * another row stand for this revision?" without walking the graph each
 * time. Point it at a NULL pointer before the first step, pass the same
 * one to every step of the plan (rows changed between steps are seen)
 * and heads_reach_free() it after; NULL keeps nothing.
 */
struct heads_reach;
int heads_apply(const struct graph *g, struct revlist *rows,
		const struct step *s, struct rowops *ops,
		struct heads_reach **reach, struct strbuf *err);
void heads_reach_free(struct heads_reach *h);

#endif
