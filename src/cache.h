#ifndef CACHE_H
#define CACHE_H
/*
 * cache: parsed revision headers kept between runs, so that a command
 * that only reads the graph (heads, history, check...) need not read
 * every file again. An entry is keyed by what git itself uses to know a
 * work-tree file is unchanged: its stat data (size, mtime, ctime, inode,
 * device). An entry whose mtime or ctime is not two seconds older than
 * the cache file itself is not trusted ("racily clean", as git's index
 * treats it: file times are coarse, on some file systems whole seconds,
 * so a file changed again just after it was read can keep its times). The file
 * ends with a checksum: a cache that is corrupt, truncated or of another
 * version is ignored and rebuilt. Bodies are never cached; a command that
 * runs bodies reads the files.
 *
 * The cache owns its entries; cache_lookup() returns a new revfile that
 * belongs to the caller.
 */
#include "revfile.h"
#include "strbuf.h"

#include <stdint.h>
#include <sys/stat.h>

struct cache;

/* How much older than a cache a file's times must be for it to be trusted. */
#define CACHE_RACY_NS (2ULL * 1000000000ULL)

/* A file's stat data as the caches compare it: size, mtime, ctime, inode, device. */
void cache_stat_key(uint64_t key[5], const struct stat *st);
/* 1 when a file with this stat data cannot be trusted in a cache written then. */
int cache_key_racy(const uint64_t key[5], uint64_t written_ns);

/*
 * The program's own stat data (size, mtime of /proc/self/exe; zeros when
 * it cannot be read): both caches hold it and are not used by another
 * build, whose reading of the files may differ.
 */
void cache_program_key(uint64_t key[2]);

/*
 * Write a cache file whole or not at all: a temporary file beside it,
 * renamed over it (folders made as needed, no symlink followed). Errors
 * are ignored: a cache is only a shortcut.
 */
void cache_write_file(const char *file, const char *buf, size_t len);

/*
 * The header cache's file for these version locations (xmalloc'ed;
 * graphcache.c's file is beside it), or NULL when there is no place for
 * a cache (no HOME) or DBMIG_NO_CACHE is set.
 */
char *cache_file_name(char *const *dirs, size_t ndirs);

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
