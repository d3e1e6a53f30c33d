#ifndef CACHE_H
#define CACHE_H
/*
 * cache: parsed revision headers kept between runs, so that a command
 * that only reads the graph (heads, history, check...) need not read
 * every file again. An entry is keyed by what git itself uses to know a
 * work-tree file is unchanged: its stat data (size, mtime, ctime, inode,
 * device). An entry whose mtime is not older than the cache file itself
 * is not trusted ("racily clean", as git's index treats it). The file
 * ends with a checksum: a cache that is corrupt, truncated or of another
 * version is ignored and rebuilt. Bodies are never cached; a command that
 * runs bodies reads the files.
 *
 * The cache owns its entries; cache_lookup() returns a new revfile that
 * belongs to the caller.
 */
#include "revfile.h"
#include "strbuf.h"

#include <sys/stat.h>

struct cache;

/*
 * The cache for these version locations, read from
 * $XDG_CACHE_HOME/git-dbmig (or ~/.cache/git-dbmig). Never fails: a
 * missing or bad cache file gives an empty cache. NULL when there is no
 * place for a cache (no HOME) or DBMIG_NO_CACHE is set.
 */
struct cache *cache_open(char *const *dirs, size_t ndirs);

/* A copy of the header parsed from path when st still matches, or NULL. */
struct revfile *cache_lookup(struct cache *c, const char *path,
			     const struct stat *st);

/* Remember rf (its header) for path with this stat data. */
void cache_store(struct cache *c, const char *path, const struct stat *st,
		 const struct revfile *rf);

/*
 * Write the cache back if anything changed, keeping only entries looked
 * up or stored in this run. Errors are ignored: the cache is only a
 * shortcut.
 */
void cache_save(struct cache *c);
void cache_free(struct cache *c);

#endif
