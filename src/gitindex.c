/*
 * gitindex.c: git's index file read from its bytes (see gitindex.h).
 * The format is git's Documentation/gitformat-index.txt: a 12-byte
 * header ("DIRC", version, entry count), the entries, the extensions,
 * and the SHA-1 of everything before it. Numbers are big-endian.
 */
#include "gitindex.h"
#include "strbuf.h"

#include <fcntl.h>
#include <sha1.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_LEN 12
#define OID_LEN 20
#define TRAILER_LEN 20
/* ctime, mtime (seconds and nanoseconds each), dev, ino: then the mode */
#define MODE_AT 24
/* then uid, gid and size, the object id and the flags */
#define OID_AT 40
#define FLAGS_AT (OID_AT + OID_LEN)
#define ENTRY_MIN (FLAGS_AT + 2)
#define FLAG_EXTENDED 0x4000u
#define NAME_MASK 0x0fffu

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* git's varint (varint.c): 7 bits a byte, high bit first, +1 per continuation */
static int varint(const unsigned char **pp, const unsigned char *end, size_t *out)
{
	const unsigned char *p = *pp;
	size_t v;

	if (p >= end)
		return -1;
	v = *p & 127;
	while (*p++ & 128) {
		if (p >= end || v >= (SIZE_MAX >> 8))
			return -1;
		v = ((v + 1) << 7) | (*p & 127);
	}
	*pp = p;
	*out = v;
	return 0;
}

/*
 * Walk the n entries that start after the header; with fn NULL only
 * check them. Returns 0 with *after at the end of the last entry,
 * GITINDEX_UNSUPPORTED for a malformed entry, or what fn stopped with.
 */
static int walk(const unsigned char *buf, const unsigned char *end, uint32_t version,
		uint32_t n, gitindex_fn fn, void *data, const unsigned char **after)
{
	const unsigned char *p = buf + HEADER_LEN;
	struct strbuf path = STRBUF_INIT;
	uint32_t i;
	int ret = GITINDEX_UNSUPPORTED;

	for (i = 0; i < n; i++) {
		const unsigned char *entry = p, *name, *nul;
		struct gitindex_entry e;
		size_t hdr = ENTRY_MIN;
		unsigned flags;

		if ((size_t)(end - p) < ENTRY_MIN)
			goto done;
		flags = (unsigned)p[FLAGS_AT] << 8 | p[FLAGS_AT + 1];
		if (flags & FLAG_EXTENDED) {
			if (version < 3 || (size_t)(end - p) < ENTRY_MIN + 2)
				goto done;
			hdr += 2;
		}
		name = p + hdr;
		if (version == 4) {
			size_t strip;

			/* a prefix of the last path, then a NUL-terminated rest */
			if (varint(&name, end, &strip) || strip > path.len)
				goto done;
			nul = memchr(name, '\0', (size_t)(end - name));
			if (!nul)
				goto done;
			strbuf_setlen(&path, path.len - strip);
			strbuf_add(&path, name, (size_t)(nul - name));
			e.path = path.buf;
			e.path_len = path.len;
			p = nul + 1;
		} else {
			size_t len = flags & NAME_MASK, size;

			/* the flags hold the length, up to 0xfff for longer paths */
			nul = memchr(name, '\0', (size_t)(end - name));
			if (!nul || (len < NAME_MASK && (size_t)(nul - name) != len) ||
			    (size_t)(nul - name) < len)
				goto done;
			e.path = (const char *)name;
			e.path_len = (size_t)(nul - name);
			/* then 1 to 8 NULs, to a multiple of 8 bytes */
			size = (hdr + e.path_len + 8) & ~(size_t)7;
			if ((size_t)(end - p) < size)
				goto done;
			p += size;
		}
		if (!e.path_len)
			goto done;
		if (fn) {
			int r;

			e.mode = be32(entry + MODE_AT);
			e.stage = (flags >> 12) & 3;
			e.oid = entry + OID_AT;
			r = fn(&e, data);
			if (r) {
				ret = r;
				goto done;
			}
		}
	}
	*after = p;
	ret = 0;
done:
	strbuf_release(&path);
	return ret;
}

int gitindex_parse(const unsigned char *buf, size_t len, gitindex_fn fn, void *data)
{
	static const unsigned char zero[TRAILER_LEN];
	const unsigned char *end, *p;
	uint32_t version, n;

	if (len < HEADER_LEN + TRAILER_LEN || memcmp(buf, "DIRC", 4))
		return GITINDEX_UNSUPPORTED;
	version = be32(buf + 4);
	n = be32(buf + 8);
	if (version < 2 || version > 4)
		return GITINDEX_UNSUPPORTED;
	end = buf + len - TRAILER_LEN;
	/* an all-zero trailer is git's index.skipHash: nothing to check */
	if (memcmp(end, zero, TRAILER_LEN)) {
		uint8_t digest[SHA1_DIGEST_LENGTH];
		SHA1_CTX ctx;

		SHA1Init(&ctx);
		SHA1Update(&ctx, buf, len - TRAILER_LEN);
		SHA1Final(digest, &ctx);
		if (memcmp(digest, end, TRAILER_LEN))
			return GITINDEX_UNSUPPORTED;
	}
	if (walk(buf, end, version, n, NULL, NULL, &p))
		return GITINDEX_UNSUPPORTED;
	/*
	 * Each extension: a 4-byte name, a 4-byte size, the data. One whose
	 * name does not start with a capital letter must be understood to
	 * read the entries right ("link": split index, "sdir": sparse).
	 */
	while (p < end) {
		uint32_t size;

		if ((size_t)(end - p) < 8 || p[0] < 'A' || p[0] > 'Z')
			return GITINDEX_UNSUPPORTED;
		size = be32(p + 4);
		if ((size_t)(end - p) - 8 < size)
			return GITINDEX_UNSUPPORTED;
		p += 8 + (size_t)size;
	}
	return walk(buf, end, version, n, fn, data, &p);
}

int gitindex_read(const char *path, gitindex_fn fn, void *data)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return GITINDEX_UNSUPPORTED;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < HEADER_LEN + TRAILER_LEN) {
		close(fd);
		return GITINDEX_UNSUPPORTED;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return GITINDEX_UNSUPPORTED;
	ret = gitindex_parse(map, (size_t)st.st_size, fn, data);
	munmap(map, (size_t)st.st_size);
	return ret;
}
