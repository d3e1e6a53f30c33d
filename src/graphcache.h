#ifndef GRAPHCACHE_H
#define GRAPHCACHE_H
/*
 * graphcache: the whole revision graph kept between runs, beside the
 * header cache (cache.h), so that a read-only command on an unchanged
 * tree neither looks up every header nor builds the graph again.
 *
 * It is keyed by the exact list of revision files a scan found, each
 * with its stat data (size, mtime, ctime, inode, device): one file
 * added, removed, renamed or touched, and the cache is not used. Nor is
 * it when any file's times are not two seconds older than the moment
 * the scan that wrote it began (CACHE_RACY_NS). A run may skip the scan
 * when the folders it would read are unchanged (graphcache_load_unscanned()).
 * The graph of a git
 * tree (--at) has a file of its own, keyed by each file's path and blob
 * id, which name its bytes. A file that is corrupt,
 * truncated, of another version or inconsistent (an index out of range,
 * ids out of order, a cycle) is ignored, and rebuilt by the next run.
 */
#include "graph.h"
#include "source.h"

#include <stdint.h>

/*
 * The graph cache's file for these version locations, or NULL (no
 * cache): tree 0 for the work tree's files, 1 for the files of a git
 * tree (--at), which are keyed by their blob ids instead of stat data.
 */
char *graphcache_file_name(char *const *dirs, size_t ndirs, int tree);

/*
 * The graph cached in file for exactly the files src lists (paths and
 * stat data, as source_worktree_scan() found them), or -1. Paths under
 * the cwd prefix (cwdlen bytes, then '/') are shown without it.
 */
int graphcache_load(struct graph **out, const char *file,
		    const struct source *src, const char *cwd, size_t cwdlen);

/*
 * The graph cached in file without a scan: when the folders the saved
 * scan of these version locations read are unchanged (their stat data,
 * not racy), a scan now would list the same names, so each listed file
 * is only stat'ed and compared. -1 when anything differs; a scan that
 * saw a symbolic link (whose target can change while its folder does
 * not) saves no listing to trust.
 */
int graphcache_load_unscanned(struct graph **out, const char *file,
			      char *const *locations, size_t nlocations,
			      int recursive, const char *cwd, size_t cwdlen);

/*
 * After graphcache_load() succeeded where graphcache_load_unscanned()
 * did not (a folder changed, but no listed file: an editor's swap file
 * came and went), save src's listing in file, for the next run to skip
 * its scan again. Only when file still holds exactly src's files and
 * the new listing can be trusted; errors are ignored.
 */
void graphcache_relist(const char *file, const struct source *src, uint64_t scan_ns);

/*
 * graphcache_load() on a file's bytes (len of them, which the call takes
 * and frees, or gives to the graph): for the tests and the fuzz target.
 */
int graphcache_load_buffer(struct graph **out, char *buf, size_t len,
			   const struct source *src, const char *cwd, size_t cwdlen);

/*
 * Write g, built from src's files (rev_file[i]: the index in src->files
 * of revision i's file), as the cache for that list, when every file is
 * old enough against scan_ns (the time the scan began). Errors are
 * ignored: the cache is only a shortcut.
 */
void graphcache_save(const char *file, const struct source *src,
		     const struct graph *g, const size_t *rev_file,
		     uint64_t scan_ns);

#endif
