#ifndef SOURCE_H
#define SOURCE_H
/*
 * source: where revision files come from. One interface, filled by each
 * implementation: the work tree (source/worktree.c) or, through libgit2,
 * a commit's tree or the index (source/git.c). A source lists the files
 * under the version locations and hands out their bytes and git blob ids.
 * The source owns the list; source_free() releases it.
 */
#include "strbuf.h"

struct source_file {
	char *path;       /* as shown to the user (relative where possible) */
	char *data;
	size_t len;
	char blob[41];    /* git blob id of the bytes */
};

struct source {
	struct source_file *files;
	size_t nfiles, alloc;
};

/* A revision file name: "*.sql", or "*.py" except __init__.py and ".#*". */
int source_is_revision_name(const char *name);

/* git's blob id for buf, as 40 hex digits. */
void source_blob_id(char out[41], const char *buf, size_t len);

/*
 * Read every revision file in the folders (recursing when recursive),
 * in name order. A folder that does not exist is an error naming it.
 */
int source_worktree(struct source **out, char *const *dirs, size_t ndirs,
		    int recursive, struct strbuf *err);

/*
 * Read them from git instead: "at" a tree-ish, or the index when at is
 * NULL. dirs are absolute; they are mapped to paths in the repository.
 */
int source_git(struct source **out, const char *at, char *const *dirs,
	       size_t ndirs, int recursive, struct strbuf *err);

void source_add(struct source *s, const char *path, char *data, size_t len);
void source_free(struct source *s);

#endif
