#ifndef DBREFS_H
#define DBREFS_H
/*
 * dbrefs: maps module branches to git refs (SPEC 6). For every branch
 * label, refs/dbmig/<LABEL> points at a commit graph that mirrors the
 * revision graph: one commit per revision, its tree holding only that
 * revision's file at its path in the repository, its parents the commits
 * of its down_revisions (in declared order), its message the revision's
 * message followed by "Revision: <id>" and "Depends-On: <ids>" trailers.
 * Author and committer are "git-dbmig <dbmig@localhost>" at time 0
 * +0000, so the same revision files give the same commit ids in every
 * clone. A label with several heads points at the first head by id.
 * Refs under refs/dbmig/ that name no label any more are deleted.
 *
 * A struct dbrefs_result owns its strings; dbrefs_result_release()
 * frees them. Nothing here prints.
 */
#include "graph.h"
#include "strbuf.h"

#define DBREFS_PREFIX "refs/dbmig/"

enum dbrefs_action {
	DBREFS_UNCHANGED,
	DBREFS_CREATED,
	DBREFS_UPDATED,
	DBREFS_DELETED,
	DBREFS_SKIPPED,   /* the label is not a valid ref name */
};

struct dbrefs_change {
	char *ref;               /* refs/dbmig/<LABEL> */
	enum dbrefs_action action;
	char old_id[41];         /* "" when the ref did not exist */
	char new_id[41];         /* "" when deleted or skipped */
	const char *head;        /* the revision it points at (owned by the graph) */
	char *other_heads;       /* "a, b" when the label has more heads, else NULL */
};

struct dbrefs_result {
	struct dbrefs_change *changes;  /* labels in name order, then deletions */
	size_t nr, alloc;
};
#define DBREFS_RESULT_INIT { NULL, 0, 0 }

enum dbrefs_flags {
	DBREFS_DRY_RUN = 1 << 0,  /* make the commits, move no ref */
	DBREFS_FROM_GIT = 1 << 1, /* the graph was read from git (--at,
				   * --staged): paths are repository paths and
				   * every blob is in the object database */
};

/*
 * Write the commits and move the refs of the repository found as git
 * finds it (see source_git_repo_open()). Without DBREFS_FROM_GIT the
 * revisions' paths are work-tree files (absolute or relative to the
 * current folder) and their blob ids must be set (read the bodies); they
 * are added to the object database when they are not there yet. Returns -1 with a message on a libgit2 error; the refs
 * already moved stay moved, and the message says so.
 */
int dbrefs_update(struct dbrefs_result *out, const struct graph *g,
		  unsigned flags, struct strbuf *err);
void dbrefs_result_release(struct dbrefs_result *r);

#endif
