#ifndef BINIO_H
#define BINIO_H
/*
 * binio: the little-endian encoding the cache files share (cache.c's
 * headers, graphcache.c's graph). Integers are little-endian; a string
 * is a u32 length (0xffffffff for NULL) and its bytes. A reader never
 * reads past its end: a short or malformed buffer sets bad and the
 * getters return 0 or NULL from then on.
 */
#include "strbuf.h"

#include <stddef.h>
#include <stdint.h>

void put_u64(struct strbuf *sb, uint64_t v);
void put_u32(struct strbuf *sb, uint32_t v);
void put_str(struct strbuf *sb, const char *s);
void put_strv(struct strbuf *sb, char *const *v, size_t n);
/* A string stored with its NUL, so that a reader can point into the buffer. */
void put_cstr(struct strbuf *sb, const char *s);

struct reader {
	const unsigned char *p, *end;
	int bad;
};

/* Inline: a graph cache of 100,000 revisions holds a million of them. */
static inline uint64_t get_u64(struct reader *r)
{
	uint64_t v = 0;
	int i;

	if (r->end - r->p < 8) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < 8; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += 8;
	return v;
}

static inline uint32_t get_u32(struct reader *r)
{
	uint32_t v = 0;
	int i;

	if (r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < 4; i++)
		v |= (uint32_t)r->p[i] << (8 * i);
	r->p += 4;
	return v;
}
/* A new copy of the string (put_str), or NULL; bad when it holds a NUL. */
char *get_str(struct reader *r);
char **get_strv(struct reader *r, size_t *n);
/*
 * The string put_cstr() stored, pointing into the buffer, or NULL; bad
 * when it lacks its NUL or holds another one.
 */
const char *get_cstr(struct reader *r);

/*
 * 32 hex digits (and a NUL) over the bytes: two 64-bit multiply-rotate
 * lanes, 8 bytes at a time. It only has to notice a torn or damaged
 * file, and costs a byte of work per byte where SHA-1 (with libgit2's
 * collision detection) costs thirty.
 */
#define BINIO_SUMLEN 32
void binio_checksum(char out[BINIO_SUMLEN + 1], const char *buf, size_t len);

#endif
