/*
 * libFuzzer target: the header cache file (src/cache.c), which is input
 * too: a file of another version, truncated or made by hand. The input
 * is the file's contents after its magic line; the target adds the
 * magic and a correct checksum (else the cache is ignored at once),
 * loads it, and decodes every entry, which must encode back to the same
 * bytes. The raw input is loaded as a file too.
 */
#include "../../src/cache.c"

#include <git2.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* cache_open() names its file by one (src/source/git.c has the real one) */
void source_blob_id(char out[41], const char *buf, size_t len)
{
	git_oid oid;

	git_odb_hash(&oid, buf, len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, 41, &oid);
}

static void run(const char *buf, size_t len)
{
	struct cache c;
	size_t i;

	memset(&c, 0, sizeof(c));
	load_buffer(&c, buf, len);
	for (i = 0; i < c.n; i++) {
		struct revfile *rf = decode(c.v[i].blob, c.v[i].len);

		if (rf) {
			struct strbuf again = STRBUF_INIT;

			encode(&again, rf);
			if (again.len != c.v[i].len || memcmp(again.buf, c.v[i].blob, again.len))
				abort();
			strbuf_release(&again);
			revfile_free(rf);
		}
	}
	/* loaded entries point into buf */
	free(c.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf file = STRBUF_INIT;
	char sum[SUMLEN + 1];
	uint64_t prog[2];

	strbuf_addstr(&file, MAGIC);
	cache_program_key(prog);
	put_u64(&file, prog[0]);
	put_u64(&file, prog[1]);
	strbuf_add(&file, data, size);
	binio_checksum(sum, file.buf, file.len);
	strbuf_add(&file, sum, SUMLEN);
	run(file.buf, file.len);
	run((const char *)data, size);
	strbuf_release(&file);
	return 0;
}
