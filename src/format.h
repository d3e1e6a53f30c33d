#ifndef FORMAT_H
#define FORMAT_H
/*
 * format: every line printed in Alembic's text format (script/base.py's
 * cmd_format, log_entry and the "Running ..." step lines). Appends to a
 * strbuf; never prints.
 */
#include "graph.h"
#include "resolve.h"
#include "strbuf.h"

enum fmt_flags {
	FMT_BRANCHES = 1 << 0,   /* " (LABEL, ...)" */
	FMT_DOC = 1 << 1,        /* ", message" */
	FMT_PARENTS = 1 << 2,    /* "down -> " */
	FMT_TREE = 1 << 3,       /* (branchpoint) (mergepoint) */
	FMT_HEADS = 1 << 4,      /* (head) (effective head) (current) */
	FMT_CURRENT = 1 << 5,    /* this revision is current */
};

/* The revision's message: the docstring's first paragraph. */
const char *format_doc(const struct rev *r);
/* The whole docstring (synthesised for .sql as Alembic's template writes it). */
void format_longdoc(struct strbuf *out, const struct rev *r);

void format_head_only(struct strbuf *out, const struct graph *g, int rev,
		      unsigned flags);
/*
 * "Rev: ..." block of --verbose and show. Its "Path:" line gives
 * rev->abspath (see project_rev_path()), else rev->path.
 */
void format_log_entry(struct strbuf *out, const struct graph *g, int rev,
		      int current);
/* "upgrade a, b -> c, message" (without "Running "). */
void format_step(struct strbuf *out, const struct graph *g,
		 const struct step *s);
/* "a -> b" part for an offline "-- Running" comment. */
void format_step_short(struct strbuf *out, const struct graph *g,
		       const struct step *s);
/*
 * JSON output (--json). format_json_revision() writes one object:
 *   {"revision": "...", "down_revision": [...], "depends_on": [...],
 *    "branch_labels": [...], "message": "...", "head": bool,
 *    "effective_head": bool, "branchpoint": bool, "mergepoint": bool,
 *    "branches_into": [...], "squashes": [...], "path": "...",
 *    "current": bool}
 * (branch_labels after spreading, sorted; "current" only with
 * FMT_CURRENT's caller asking for it). The shape is stable: keys are
 * only ever added.
 */
void format_json_string(struct strbuf *out, const char *s);
void format_json_revision(struct strbuf *out, const struct graph *g, int rev,
			  int with_current, int current);

/*
 * history --graph: lanes drawn in the style of "git log --graph", one
 * revision at a time, newest first; down_revision edges only. The
 * drawer owns its lanes; format_lanes_release() frees them.
 */
struct format_lanes {
	int *v;        /* revision each lane waits for, -1 for none */
	size_t n, alloc;
};
#define FORMAT_LANES_INIT { NULL, 0, 0 }
/* Append the row(s) for rev: its "* " line followed by text, then any
 * lines that merge or split lanes. */
void format_lanes_next(struct strbuf *out, struct format_lanes *l,
		       const struct graph *g, int rev, const char *text);
void format_lanes_release(struct format_lanes *l);

/* The labels of a revision, ", "-joined. */
void format_labels(struct strbuf *out, const struct graph *g, int rev);

#endif
