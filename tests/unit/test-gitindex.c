/*
 * Unit tests for gitindex.c: index files built here byte by byte, as
 * git's Documentation/gitformat-index.txt lays them out, in versions 2,
 * 3 and 4; then every way one can be wrong, none of which may reach the
 * callback. t4110 reads the indexes git itself writes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sha1.h>

#include "gitindex.h"
#include "strbuf.h"

struct ent {
	const char *path;
	unsigned mode, stage, extended;
	unsigned char oid_byte;
};

static void put32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	strbuf_add(sb, b, 4);
}

/* git's varint, as varint.c encodes it */
static void put_varint(struct strbuf *sb, size_t v)
{
	unsigned char b[16];
	size_t pos = sizeof(b) - 1;

	b[pos] = v & 127;
	while (v >>= 7)
		b[--pos] = 128 | (--v & 127);
	strbuf_add(sb, b + pos, sizeof(b) - pos);
}

/* the header and the entries, without extensions or trailer */
static void build(struct strbuf *sb, unsigned version, const struct ent *e, size_t n)
{
	const char *prev = "";
	size_t i;

	strbuf_add(sb, "DIRC", 4);
	put32(sb, version);
	put32(sb, (uint32_t)n);
	for (i = 0; i < n; i++) {
		size_t start = sb->len, len = strlen(e[i].path), k;
		unsigned flags = (e[i].stage << 12) | (len < 0xfff ? (unsigned)len : 0xfff);
		unsigned char oid[20];

		for (k = 0; k < 6; k++)
			put32(sb, 1000 + (uint32_t)k); /* times, dev, ino */
		put32(sb, e[i].mode);
		for (k = 0; k < 3; k++)
			put32(sb, 7); /* uid, gid, size */
		memset(oid, e[i].oid_byte, sizeof(oid));
		strbuf_add(sb, oid, sizeof(oid));
		if (e[i].extended)
			flags |= 0x4000;
		strbuf_addch(sb, (char)(flags >> 8));
		strbuf_addch(sb, (char)flags);
		if (e[i].extended) {
			strbuf_addch(sb, 0x20); /* intent-to-add */
			strbuf_addch(sb, 0);
		}
		if (version == 4) {
			size_t common = 0, plen = strlen(prev);

			while (common < plen && prev[common] == e[i].path[common])
				common++;
			put_varint(sb, plen - common);
			strbuf_addstr(sb, e[i].path + common);
			strbuf_addch(sb, '\0');
		} else {
			strbuf_addstr(sb, e[i].path);
			do
				strbuf_addch(sb, '\0');
			while ((sb->len - start) % 8);
		}
		prev = e[i].path;
	}
}

static void ext(struct strbuf *sb, const char *name, const char *data, size_t len)
{
	strbuf_add(sb, name, 4);
	put32(sb, (uint32_t)len);
	strbuf_add(sb, data, len);
}

static void trailer(struct strbuf *sb)
{
	uint8_t digest[SHA1_DIGEST_LENGTH];
	SHA1_CTX ctx;

	SHA1Init(&ctx);
	SHA1Update(&ctx, (const uint8_t *)sb->buf, sb->len);
	SHA1Final(digest, &ctx);
	strbuf_add(sb, digest, sizeof(digest));
}

struct seen {
	size_t n;
	char got[16][5000];
	unsigned mode[16], stage[16];
	unsigned char oid[16];
	int stop_at;
};

static int record(const struct gitindex_entry *e, void *data)
{
	struct seen *s = data;

	assert_int_equal(strlen(e->path), e->path_len);
	assert_true(s->n < 16 && e->path_len < sizeof(s->got[0]));
	memcpy(s->got[s->n], e->path, e->path_len + 1);
	s->mode[s->n] = e->mode;
	s->stage[s->n] = e->stage;
	s->oid[s->n] = e->oid[0];
	assert_int_equal(e->oid[19], e->oid[0]);
	s->n++;
	return s->stop_at && (int)s->n == s->stop_at ? 42 : 0;
}

static int parse(const struct strbuf *sb, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return gitindex_parse((const unsigned char *)sb->buf, sb->len, record, s);
}

static const struct ent sample[] = {
	{ "alembic.ini", 0100644, 0, 0, 1 },
	{ "migrations/versions/a_rev.sql", 0100644, 0, 0, 2 },
	{ "migrations/versions/b_rev.sql", 0100755, 0, 0, 3 },
	{ "migrations/versions/c_rev.sql", 0100644, 1, 0, 4 },
	{ "migrations/versions/c_rev.sql", 0100644, 2, 0, 5 },
	{ "migrations/x", 0120000, 0, 0, 6 },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static void check_sample(const struct seen *s)
{
	size_t i;

	assert_int_equal(s->n, NSAMPLE);
	for (i = 0; i < NSAMPLE; i++) {
		assert_string_equal(s->got[i], sample[i].path);
		assert_int_equal(s->mode[i], sample[i].mode);
		assert_int_equal(s->stage[i], sample[i].stage);
		assert_int_equal(s->oid[i], sample[i].oid_byte);
	}
}

static void test_versions(void **state)
{
	static struct seen s;
	unsigned v;

	(void)state;
	for (v = 2; v <= 4; v++) {
		struct strbuf sb = STRBUF_INIT;

		build(&sb, v, sample, NSAMPLE);
		ext(&sb, "TREE", "\0\0\0\0", 4);
		ext(&sb, "REUC", "", 0);
		trailer(&sb);
		assert_int_equal(parse(&sb, &s), 0);
		check_sample(&s);
		strbuf_release(&sb);
	}
}

static void test_extended_and_long(void **state)
{
	static struct seen s;
	static char longpath[4200];
	struct ent e[3] = {
		{ "a.sql", 0100644, 0, 1, 9 },
		{ longpath, 0100644, 0, 0, 8 },
		{ "z.sql", 0100644, 0, 1, 7 },
	};
	unsigned v;

	(void)state;
	memset(longpath, 'p', sizeof(longpath) - 1);
	for (v = 3; v <= 4; v++) {
		struct strbuf sb = STRBUF_INIT;

		build(&sb, v, e, 3);
		trailer(&sb);
		assert_int_equal(parse(&sb, &s), 0);
		assert_int_equal(s.n, 3);
		assert_string_equal(s.got[0], "a.sql");
		assert_string_equal(s.got[1], longpath);
		assert_string_equal(s.got[2], "z.sql");
		strbuf_release(&sb);
	}
	{
		/* version 2 has no extended flags */
		struct strbuf sb = STRBUF_INIT;

		build(&sb, 2, e, 1);
		trailer(&sb);
		assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
		assert_int_equal(s.n, 0);
		strbuf_release(&sb);
	}
}

static void test_trailer(void **state)
{
	static struct seen s;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	build(&sb, 2, sample, NSAMPLE);
	/* all zeros: git's index.skipHash, read unchecked */
	for (i = 0; i < 20; i++)
		strbuf_addch(&sb, '\0');
	assert_int_equal(parse(&sb, &s), 0);
	check_sample(&s);
	/* a wrong checksum, or a changed byte under a right one */
	sb.buf[sb.len - 1] = 1;
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	assert_int_equal(s.n, 0);
	strbuf_setlen(&sb, sb.len - 20);
	trailer(&sb);
	assert_int_equal(parse(&sb, &s), 0);
	sb.buf[40] ^= 1;
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	assert_int_equal(s.n, 0);
	strbuf_release(&sb);
}

/* every cut of the entries and extensions, under a right checksum */
static void test_cut(void **state)
{
	static struct seen s;
	unsigned v;

	(void)state;
	for (v = 2; v <= 4; v++) {
		struct strbuf full = STRBUF_INIT;
		size_t entries_end, cut;

		build(&full, v, sample, NSAMPLE);
		entries_end = full.len;
		ext(&full, "TREE", "abcdefgh", 8);
		for (cut = 0; cut < full.len; cut++) {
			struct strbuf sb = STRBUF_INIT;
			int r;

			strbuf_add(&sb, full.buf, cut);
			trailer(&sb);
			r = parse(&sb, &s);
			if (cut == entries_end) {
				assert_int_equal(r, 0);
				check_sample(&s);
			} else {
				assert_int_equal(r, GITINDEX_UNSUPPORTED);
				assert_int_equal(s.n, 0);
			}
			strbuf_release(&sb);
		}
		strbuf_release(&full);
	}
}

static void test_refusals(void **state)
{
	static struct seen s;
	static const char *const required[] = { "link", "sdir", "abcd", "1XYZ" };
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		strbuf_reset(&sb);
		build(&sb, 2, sample, NSAMPLE);
		ext(&sb, "TREE", "", 0);
		ext(&sb, required[i], "12345678", 8);
		trailer(&sb);
		assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
		assert_int_equal(s.n, 0);
	}
	/* an extension longer than what is left */
	strbuf_reset(&sb);
	build(&sb, 2, sample, NSAMPLE);
	strbuf_add(&sb, "TREE", 4);
	put32(&sb, 0xfffffff0u);
	trailer(&sb);
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	/* other versions and signatures */
	for (i = 0; i < 3; i++) {
		static const unsigned versions[] = { 1, 5, 0x80000002u };

		strbuf_reset(&sb);
		build(&sb, versions[i], sample, 1);
		trailer(&sb);
		assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	}
	strbuf_reset(&sb);
	build(&sb, 2, sample, NSAMPLE);
	sb.buf[0] = 'X';
	trailer(&sb);
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	/* more entries counted than there are */
	strbuf_reset(&sb);
	build(&sb, 2, sample, NSAMPLE);
	sb.buf[11] = (char)(NSAMPLE + 1);
	trailer(&sb);
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	/* version 4: a prefix longer than the last path, an empty path */
	strbuf_reset(&sb);
	build(&sb, 4, sample, 1);
	sb.buf[12 + 62] = 1; /* the first entry strips one byte of "" */
	trailer(&sb);
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	strbuf_reset(&sb);
	{
		struct ent e = { "", 0100644, 0, 0, 1 };

		build(&sb, 2, &e, 1);
	}
	trailer(&sb);
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	/* version 2: a length in the flags that is not the path's */
	strbuf_reset(&sb);
	build(&sb, 2, sample, 1);
	sb.buf[12 + 61] = 3;
	trailer(&sb);
	assert_int_equal(parse(&sb, &s), GITINDEX_UNSUPPORTED);
	assert_int_equal(s.n, 0);
	/* too short for a header and a trailer */
	assert_int_equal(gitindex_parse((const unsigned char *)"DIRC", 4, record, &s),
			 GITINDEX_UNSUPPORTED);
	strbuf_release(&sb);
}

static void test_stop_and_file(void **state)
{
	static struct seen s;
	struct strbuf sb = STRBUF_INIT;
	char path[] = "/tmp/test-gitindex.XXXXXX";
	int fd;

	(void)state;
	build(&sb, 4, sample, NSAMPLE);
	trailer(&sb);
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(gitindex_parse((const unsigned char *)sb.buf, sb.len, record, &s), 42);
	assert_int_equal(s.n, 2);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sb.buf, sb.len), (ssize_t)sb.len);
	close(fd);
	memset(&s, 0, sizeof(s));
	assert_int_equal(gitindex_read(path, record, &s), 0);
	check_sample(&s);
	unlink(path);
	assert_int_equal(gitindex_read(path, record, &s), GITINDEX_UNSUPPORTED);
	assert_int_equal(gitindex_read("/tmp", record, &s), GITINDEX_UNSUPPORTED);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_extended_and_long),
		cmocka_unit_test(test_trailer),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_stop_and_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
