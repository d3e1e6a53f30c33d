/*
 * binio: the cache files' little-endian encoding (binio.h).
 */
#include "binio.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

void put_u64(struct strbuf *sb, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	strbuf_add(sb, b, 8);
}

void put_u32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	strbuf_add(sb, b, 4);
}

void put_str(struct strbuf *sb, const char *s)
{
	if (!s) {
		put_u32(sb, 0xffffffffu);
		return;
	}
	put_u32(sb, (uint32_t)strlen(s));
	strbuf_addstr(sb, s);
}

void put_strv(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	put_u32(sb, (uint32_t)n);
	for (i = 0; i < n; i++)
		put_str(sb, v[i]);
}

char *get_str(struct reader *r)
{
	uint32_t n = get_u32(r);
	char *s;

	if (r->bad || n == 0xffffffffu)
		return NULL;
	/* a NUL inside would make a shorter string than was stored */
	if ((size_t)(r->end - r->p) < n || memchr(r->p, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	s = xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

char **get_strv(struct reader *r, size_t *n)
{
	uint32_t count = get_u32(r), i;
	char **v;

	*n = 0;
	if (r->bad || !count)
		return NULL;
	if (count > (uint32_t)(r->end - r->p) / 4) {
		r->bad = 1;
		return NULL;
	}
	v = xcalloc(count, sizeof(char *));
	for (i = 0; i < count && !r->bad; i++) {
		v[i] = get_str(r);
		if (!v[i])
			r->bad = 1;
	}
	*n = count;
	return v;
}

void put_cstr(struct strbuf *sb, const char *s)
{
	if (!s) {
		put_u32(sb, 0xffffffffu);
		return;
	}
	put_u32(sb, (uint32_t)strlen(s));
	strbuf_add(sb, s, strlen(s) + 1);
}

const char *get_cstr(struct reader *r)
{
	uint32_t n = get_u32(r);
	const char *s;

	if (r->bad || n == 0xffffffffu)
		return NULL;
	if ((size_t)(r->end - r->p) <= n || r->p[n] || memchr(r->p, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	s = (const char *)r->p;
	r->p += n + 1;
	return s;
}

void binio_checksum(char out[BINIO_SUMLEN + 1], const char *buf, size_t len)
{
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ len, b = 0xc2b2ae3d27d4eb4fULL, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, buf + i, 8);
		a = (a ^ w) * 0xff51afd7ed558ccdULL;
		a = (a << 31) | (a >> 33);
		b = (b + w) * 0xc4ceb9fe1a85ec53ULL;
		b ^= b >> 29;
	}
	for (; i < len; i++) {
		a = (a ^ (unsigned char)buf[i]) * 0xff51afd7ed558ccdULL;
		b = (b + (unsigned char)buf[i]) * 0xc4ceb9fe1a85ec53ULL;
	}
	a ^= b >> 32;
	b ^= a >> 29;
	a *= 0x94d049bb133111ebULL;
	b *= 0xbf58476d1ce4e5b9ULL;
	snprintf(out, BINIO_SUMLEN + 1, "%016llx%016llx", (unsigned long long)(a ^ (a >> 31)),
		 (unsigned long long)(b ^ (b >> 31)));
}
