#ifndef GITINDEX_H
#define GITINDEX_H
/*
 * gitindex: git's index file (versions 2, 3 and 4) read straight from
 * its bytes, for the pre-commit hook. libgit2 reads the same file, but
 * hashes it twice with a collision-detecting SHA-1 and builds a path map
 * on the way: about 55 ms of a hook's run at 100,000 files, where this
 * reader takes a few. It lists what libgit2 lists (every entry, in the
 * file's order, with its path, mode, stage and object id) and nothing
 * it does not understand: a file whose checksum is wrong, that is cut
 * short, or that needs what only git reads (a split or sparse index,
 * any extension git calls required, another object format) is left to
 * libgit2 (GITINDEX_UNSUPPORTED), which reads it or names what is wrong.
 */
#include <stddef.h>

#define GITINDEX_UNSUPPORTED 1

struct gitindex_entry {
	const char *path;            /* NUL-terminated; valid until fn returns */
	size_t path_len;
	unsigned mode;
	unsigned stage;              /* 0, or 1-3 for a conflict */
	const unsigned char *oid;    /* 20 bytes */
};

typedef int (*gitindex_fn)(const struct gitindex_entry *e, void *data);

/*
 * Check the whole index in buf first, then hand each entry to fn.
 * Returns 0, GITINDEX_UNSUPPORTED before any call to fn, or the first
 * non-zero value fn returns (which stops the walk).
 */
int gitindex_parse(const unsigned char *buf, size_t len, gitindex_fn fn, void *data);

/*
 * The same for the index file at path, mapped rather than read; a file
 * that cannot be opened or mapped is GITINDEX_UNSUPPORTED too.
 */
int gitindex_read(const char *path, gitindex_fn fn, void *data);

#endif
