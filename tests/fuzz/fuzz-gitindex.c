/*
 * libFuzzer target: git's index file reader. The input is an index
 * without its trailer; an all-zero one is appended (git's skipHash), so
 * that every input reaches the entries rather than a checksum mismatch.
 */
#include "gitindex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int entry(const struct gitindex_entry *e, void *data)
{
	(void)data;
	if (!e->path_len || strlen(e->path) != e->path_len || e->stage > 3)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = calloc(1, size + 20);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	gitindex_parse(buf, size + 20, entry, NULL);
	free(buf);
	return 0;
}
