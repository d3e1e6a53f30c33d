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

#include <sys/stat.h>

struct revfile;
struct cache;

struct source_file {
	char *path;       /* as shown to the user (relative where possible) */
	char *data;       /* NULL when rf came from the cache */
	size_t len;
	char blob[41];    /* git blob id of the bytes ("" until computed) */
	struct revfile *rf;  /* header from the cache, or NULL; owned here */
	struct stat st;   /* work-tree files: the stat data of the file */
};

struct source {
	struct source_file *files;
	size_t nfiles, alloc;
	int no_blobs;     /* leave blob ids empty: nobody will log them */
	/*
	 * git sources: the real path of the work tree, which the files'
	 * repository paths are relative to; NULL for the work tree source.
	 */
	char *root;
	/*
	 * source_worktree_scan(): every folder it read, in order, each with
	 * its stat data taken before its names were read; dirs_complete is
	 * 0 when one of them could not be stat'ed.
	 */
	char **dirs;
	struct stat *dir_st;
	size_t ndirs, dirs_alloc, dir_st_alloc;
	int dirs_complete;
	/* what it was asked to scan (copies) */
	char **locations;
	size_t nlocations;
	int recursive;
};

/* A revision file name: "*.sql", or "*.py" except __init__.py and ".#*". */
int source_is_revision_name(const char *name);

/*
 * A work-tree file's bytes in one allocation of its size plus a NUL
 * (*out, *len); -1 with errno set when it cannot be read.
 */
int source_read_file(const char *path, char **out, size_t *len);

/* git's blob id for buf, as 40 hex digits. */
void source_blob_id(char out[41], const char *buf, size_t len);

/*
 * Read every revision file in the folders (recursing when recursive),
 * in name order. A folder that does not exist is an error naming it.
 */
int source_worktree(struct source **out, char *const *dirs, size_t ndirs,
		    int recursive, struct strbuf *err);
/*
 * source_worktree() without the blob ids, for a caller that may not
 * need them; source_hash_blobs() computes them later, for every file
 * whose bytes were read and that has none yet.
 */
int source_worktree_unhashed(struct source **out, char *const *dirs, size_t ndirs,
			     int recursive, struct strbuf *err);
void source_hash_blobs(struct source *s);
/*
 * The same, taking a file's parsed header from the cache instead of its
 * bytes when the cache still holds it (see cache.h). Such files have
 * data == NULL and rf set.
 */
int source_worktree_cached(struct source **out, char *const *dirs,
			   size_t ndirs, int recursive, struct cache *cache,
			   struct strbuf *err);
/*
 * source_worktree_cached() in two steps: list the files with their stat
 * data (data and rf NULL, no blob ids) without reading one, then take
 * each file's header from the cache (which may be NULL) or read it. A
 * caller that can decide from the stat data alone (graphcache.h) stops
 * after the first.
 */
int source_worktree_scan(struct source **out, char *const *dirs, size_t ndirs,
			 int recursive, struct strbuf *err);
int source_worktree_fill(struct source *s, struct cache *cache, struct strbuf *err);

/*
 * Read them from git instead: "at" a tree-ish, or the index when at is
 * NULL. dirs are absolute; they are mapped to paths in the repository.
 */
int source_git(struct source **out, const char *at, char *const *dirs,
	       size_t ndirs, int recursive, struct strbuf *err);

/*
 * source_git() reading only some files: want(path, blob, data) is asked
 * for each revision file, with its repository path and 40-hex blob id,
 * before its bytes are read; files it answers 0 for are left out. A
 * tree's files are listed without reading the blobs, so a caller that
 * wants only the files it does not already have pays for those alone.
 */
typedef int (*source_want_fn)(const char *path, const char *blob, void *data);
int source_git_select(struct source **out, const char *at, char *const *dirs,
		      size_t ndirs, int recursive, source_want_fn want,
		      void *want_data, struct strbuf *err);

/*
 * source_git() in two steps: list the files (path and blob id, data
 * NULL) without reading a blob, then read the bytes of every file whose
 * data is still NULL. A caller that can decide from the blob ids alone
 * (check's cache of its last passing run) stops after the first.
 */
int source_git_list(struct source **out, const char *at, char *const *dirs,
		    size_t ndirs, int recursive, struct strbuf *err);
int source_git_fill(struct source *s, struct strbuf *err);

/*
 * Open the repository the way git would for this process: $GIT_DIR and
 * $GIT_WORK_TREE when set (git exports them to hooks; libgit2 1.5's
 * GIT_REPOSITORY_OPEN_FROM_ENV refuses GIT_WORK_TREE), else a search
 * upwards from the current folder. Returns SOURCE_NO_REPO with a
 * message when there is no repository, -1 on other errors. The caller
 * frees *out with git_repository_free().
 */
#define SOURCE_NO_REPO (-3)
struct git_repository;
int source_git_repo_open(struct git_repository **out, struct strbuf *err);

/*
 * The protected ref that check compares against (SPEC 6): the value of
 * "git config dbmig.protectedRef" (an empty value turns the check off),
 * else the upstream of the current branch. *out is NULL when there is
 * none: no repository, a detached or unborn HEAD, no upstream, or an
 * upstream that has not been fetched. A configured ref that names no
 * commit is an error. *out belongs to the caller; id (when not NULL)
 * gets the commit it names, as 40 hex digits.
 */
int source_git_protected_ref(char **out, char id[41], struct strbuf *err);

/*
 * "<git folder>/<name>", a place for git-dbmig's own files in the
 * repository (per worktree). Returns SOURCE_NO_REPO outside one.
 */
int source_git_path(char **out, const char *name, struct strbuf *err);

/*
 * Write every file of commit at (NULL: of the index) under dir, as git
 * would check them out there; *out_top is the work tree's top folder
 * (with a trailing '/'), which dir then stands for.
 */
int source_git_materialise(char **out_top, const char *at, const char *dir,
			   struct strbuf *err);

/*
 * The value of a git config key (the repository's, or the global and
 * system files outside one); *out NULL when unset.
 */
int source_git_config_string(char **out, const char *key, struct strbuf *err);

/*
 * The folder git runs this repository's hooks from: core.hooksPath when
 * set (a relative value is taken from the top of the work tree, as git
 * does), else the hooks folder of the (common) git folder. Returns
 * SOURCE_NO_REPO outside a repository. *out belongs to the caller.
 */
int source_git_hooks_dir(char **out, struct strbuf *err);

/*
 * Look in git history (first parents from HEAD) for the commit that
 * removed the revision file of id; on success append an explanation to
 * out and return 1, else 0. Outside a repository: 0.
 */
int source_git_find_removed(struct strbuf *out, const char *id);

void source_add(struct source *s, const char *path, char *data, size_t len);
void source_free(struct source *s);

#endif
