/*
 * libFuzzer target: the graph cache file (src/graphcache.c), input like
 * any other: damaged, of another version, or made by hand. The input is
 * the file after its key (the list of files and their stat data, which
 * the target writes for a fixed list of three files); the target adds
 * the key and a correct checksum (else the cache is refused at once)
 * and loads it. A graph it accepts must hold what the walks rely on:
 * ids in order, every index in range, labels found by name, no cycle
 * (graph_topo_order() covers every revision).
 *
 * With FUZZ_GRAPH_SEED=FILE set, the target writes a good input (the
 * cache of a small graph) to FILE and exits: tests/fuzz/corpus/graph/.
 */
#include "binio.h"
#include "cache.h"
#include "graph.h"
#include "graphcache.h"
#include "revfile.h"
#include "source.h"
#include "usage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define NFILES 3
#define SCAN_NS (2000ULL * 1000000000ULL)

static const char *const texts[NFILES] = {
	"-- message: core\n-- revision: a1\n-- branch_labels: core\n\n-- migrate:upgrade\n",
	"-- revision: b1\n-- branch_labels: mod, modb\n-- depends_on: core\n\n-- migrate:upgrade\n",
	"-- revision: m1\n-- down_revision: a1, b1\n\n-- migrate:upgrade\n",
};
static struct source src;
static struct strbuf key = STRBUF_INIT;

static void make_source(void)
{
	size_t i;

	src.nfiles = src.alloc = NFILES;
	src.files = xcalloc(NFILES, sizeof(*src.files));
	for (i = 0; i < NFILES; i++) {
		struct source_file *f = &src.files[i];
		char path[32];

		snprintf(path, sizeof(path), "/p/v/%zu.sql", i);
		f->path = xstrdup(path);
		f->st.st_size = (off_t)strlen(texts[i]);
		f->st.st_mtim.tv_sec = 1000;
		f->st.st_ctim.tv_sec = 1000;
		f->st.st_ino = (ino_t)(10 + i);
		f->st.st_dev = 1;
	}
}

/* The bytes graphcache_save() writes before the revisions: magic and key. */
static void make_key(void)
{
	uint64_t prog[2];
	size_t i;

	strbuf_addstr(&key, "DBMIGG3\n");
	cache_program_key(prog);
	put_u64(&key, prog[0]);
	put_u64(&key, prog[1]);
	put_u64(&key, SCAN_NS);
	put_u32(&key, 0); /* no listing: the source names no folder */
	put_u32(&key, NFILES);
	for (i = 0; i < NFILES; i++) {
		uint64_t k[5];
		int j;

		cache_stat_key(k, &src.files[i].st);
		put_cstr(&key, src.files[i].path);
		for (j = 0; j < 5; j++)
			put_u64(&key, k[j]);
	}
}

static void write_seed(const char *out)
{
	struct graph_input in[NFILES];
	struct strbuf err = STRBUF_INIT, file = STRBUF_INIT;
	struct graph *g;
	size_t rev_file[NFILES], i, j;
	char tmp[64];
	FILE *fp;

	for (i = 0; i < NFILES; i++) {
		memset(&in[i], 0, sizeof(in[i]));
		if (revfile_parse(&in[i].rf, src.files[i].path, texts[i], strlen(texts[i]), &err))
			exit(1);
		in[i].path = xstrdup(src.files[i].path);
	}
	if (graph_build(&g, in, NFILES, &err))
		exit(1);
	for (i = 0; i < NFILES; i++)
		for (j = 0; j < NFILES; j++)
			if (!strcmp(g->revs[i].path, src.files[j].path))
				rev_file[i] = j;
	snprintf(tmp, sizeof(tmp), "/tmp/fuzz-graph-seed.%d", (int)getpid());
	graphcache_save(tmp, &src, g, rev_file, SCAN_NS);
	if (strbuf_read_file(&file, tmp) || file.len < key.len + BINIO_SUMLEN ||
	    memcmp(file.buf, key.buf, key.len))
		exit(1);
	unlink(tmp);
	fp = fopen(out, "wb");
	if (!fp || fwrite(file.buf + key.len, 1, file.len - key.len - BINIO_SUMLEN, fp) !=
		   file.len - key.len - BINIO_SUMLEN || fclose(fp))
		exit(1);
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seed = getenv("FUZZ_GRAPH_SEED");

	(void)argc;
	(void)argv;
	make_source();
	make_key();
	if (seed)
		write_seed(seed);
	return 0;
}

static void check(const struct graph *g)
{
	int *order;
	unsigned char *seen;
	size_t i, j;

	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];

		if (graph_find(g, r->id) != (int)i)
			abort();
		for (j = 0; j < r->nalldown; j++)
			if (r->alldown[j] < 0 || (size_t)r->alldown[j] >= g->nr)
				abort();
		for (j = 0; j < r->nallnext; j++)
			if (r->allnext[j] < 0 || (size_t)r->allnext[j] >= g->nr)
				abort();
		for (int l = graph_rev_label_next(g, (int)i, 0); l >= 0;
		     l = graph_rev_label_next(g, (int)i, l + 1))
			if ((size_t)l >= g->nlabels)
				abort();
	}
	for (i = 0; i < g->nlabels; i++)
		if (graph_find_label(g, g->labels[i].name) != g->labels[i].rev)
			abort();
	order = graph_topo_order(g);
	seen = xcalloc(g->nr + 1, 1);
	for (i = 0; i < g->nr; i++) {
		if (order[i] < 0 || (size_t)order[i] >= g->nr || seen[order[i]])
			abort();
		seen[order[i]] = 1;
	}
	free(seen);
	free(order);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf file = STRBUF_INIT;
	char sum[BINIO_SUMLEN + 1];
	struct graph *g;
	size_t len;

	strbuf_add(&file, key.buf, key.len);
	strbuf_add(&file, data, size);
	binio_checksum(sum, file.buf, file.len);
	strbuf_add(&file, sum, BINIO_SUMLEN);
	len = file.len;
	if (!graphcache_load_buffer(&g, strbuf_detach(&file, NULL), len, &src, "/p", 2)) {
		check(g);
		graph_free(g);
	}
	return 0;
}
