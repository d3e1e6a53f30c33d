/*
 * Unit tests for graphcache.c: a saved graph loads back equal, field by
 * field, and a cache for another list of files, for files whose stat
 * data changed or that changed just before the scan, or with a damaged
 * checksum is refused. Every single-byte change to a saved file (with
 * its checksum made good again) loads as a graph that is consistent, or
 * not at all. A cache saved from a real folder's scan loads without a
 * scan only while that folder and its files are as they were.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "binio.h"
#include "graph.h"
#include "graphcache.h"
#include "resolve.h"
#include "revfile.h"
#include "source.h"
#include "strbuf.h"

#include "graph-fixture.h"

#define OLD_NS (1000ULL * 1000000000ULL)
#define SCAN_NS (2000ULL * 1000000000ULL)

/* A source of one file per revision, "/p/<id>.sql", stat data made up. */
static struct source *fake_source(const struct graph *g)
{
	struct source *s = calloc(1, sizeof(*s));
	size_t i;

	s->nfiles = s->alloc = g->nr;
	s->files = calloc(g->nr + 1, sizeof(*s->files));
	for (i = 0; i < g->nr; i++) {
		struct source_file *f = &s->files[i];
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "/p/%s.sql", g->revs[i].id);
		f->path = strbuf_detach(&sb, NULL);
		f->st.st_size = (off_t)(100 + i);
		f->st.st_mtim.tv_sec = (time_t)(OLD_NS / 1000000000ULL);
		f->st.st_ctim.tv_sec = (time_t)(OLD_NS / 1000000000ULL);
		f->st.st_ino = (ino_t)(5000 + i);
		f->st.st_dev = 7;
	}
	return s;
}

static char *cache_path(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/test-graphcache.%d/g.graph", (int)getpid());
	return path;
}

static void remove_cache(void)
{
	char dir[64];

	unlink(cache_path());
	snprintf(dir, sizeof(dir), "/tmp/test-graphcache.%d", (int)getpid());
	rmdir(dir);
}

static void save(const struct graph *g, const struct source *src, uint64_t scan_ns)
{
	size_t *rev_file = calloc(g->nr + 1, sizeof(*rev_file)), i;

	for (i = 0; i < g->nr; i++)
		rev_file[i] = i;
	graphcache_save(cache_path(), src, g, rev_file, scan_ns);
	free(rev_file);
}

static void assert_strv_equal(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void assert_ints_equal(const int *a, size_t na, const int *b, size_t nb)
{
	assert_int_equal(na, nb);
	if (na)
		assert_memory_equal(a, b, na * sizeof(*a));
}

#define OPT_STR_EQUAL(a, b) \
	do { \
		if ((a) && (b)) \
			assert_string_equal((a), (b)); \
		else \
			assert_true(!(a) && !(b)); \
	} while (0)

static void assert_graphs_equal(const struct graph *a, const struct graph *b)
{
	size_t i, w;

	assert_int_equal(a->nr, b->nr);
	for (i = 0; i < a->nr; i++) {
		const struct rev *x = &a->revs[i], *y = &b->revs[i];
		const struct revfile *p = x->rf, *q = y->rf;

		assert_string_equal(x->id, y->id);
		assert_int_equal(p->kind, q->kind);
		assert_strv_equal(p->down_revision, p->ndown, q->down_revision, q->ndown);
		assert_strv_equal(p->branch_labels, p->nlabels, q->branch_labels, q->nlabels);
		assert_strv_equal(p->depends_on, p->ndeps, q->depends_on, q->ndeps);
		assert_strv_equal(p->squashes, p->nsquashes, q->squashes, q->nsquashes);
		OPT_STR_EQUAL(p->message, q->message);
		OPT_STR_EQUAL(p->create_date, q->create_date);
		OPT_STR_EQUAL(p->doc, q->doc);
		assert_int_equal(p->transactional, q->transactional);
		assert_int_equal(p->upgrade_line, q->upgrade_line);
		assert_int_equal(p->downgrade_line, q->downgrade_line);
		assert_int_equal(p->revision_line, q->revision_line);
		assert_int_equal(p->down_line, q->down_line);
		assert_int_equal(p->deps_line, q->deps_line);
		assert_int_equal(p->labels_line, q->labels_line);
		assert_ints_equal(x->down, x->ndown, y->down, y->ndown);
		assert_ints_equal(x->deps, x->ndeps, y->deps, y->ndeps);
		assert_ints_equal(x->normdown, x->nnormdown, y->normdown, y->nnormdown);
		assert_ints_equal(x->alldown, x->nalldown, y->alldown, y->nalldown);
		assert_ints_equal(x->next, x->nnext, y->next, y->nnext);
		assert_ints_equal(x->allnext, x->nallnext, y->allnext, y->nallnext);
		assert_int_equal(x->nlabels, y->nlabels);
		for (w = 0; w < a->label_words; w++)
			assert_true(x->labelset[w] == y->labelset[w]);
	}
	assert_int_equal(a->nlabels, b->nlabels);
	assert_int_equal(a->label_words, b->label_words);
	for (i = 0; i < a->nlabels; i++) {
		assert_string_equal(a->labels[i].name, b->labels[i].name);
		assert_int_equal(a->labels[i].len, b->labels[i].len);
		assert_int_equal(a->labels[i].rev, b->labels[i].rev);
	}
	assert_ints_equal(a->heads, a->nheads, b->heads, b->nheads);
	assert_ints_equal(a->real_heads, a->nreal_heads, b->real_heads, b->nreal_heads);
	assert_ints_equal(a->bases, a->nbases, b->bases, b->nbases);
	assert_ints_equal(a->real_bases, a->nreal_bases, b->real_bases, b->nreal_bases);
}

static const char *const graphs[] = {
	SEED,
	"a1 @A; a2 <a1; b1 @B ^A; b2 <b1; b3 <b1; m <b2,b3 ^a2 @M",
	"x",
	"",
};

static void test_round_trip(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(graphs) / sizeof(*graphs); k++) {
		struct strbuf err = STRBUF_INIT;
		struct graph *g, *loaded;
		struct source *src;

		assert_int_equal(build_graph(&g, graphs[k], &err), 0);
		src = fake_source(g);
		save(g, src, SCAN_NS);
		assert_int_equal(graphcache_load(&loaded, cache_path(), src, "/p", 2), 0);
		assert_graphs_equal(g, loaded);
		{
			struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

			format_revs(&x, g, g->real_heads, g->nreal_heads);
			format_revs(&y, loaded, loaded->real_heads, loaded->nreal_heads);
			assert_string_equal(x.buf, y.buf);
			strbuf_release(&x);
			strbuf_release(&y);
		}
		/* paths are shown relative to the cwd */
		if (g->nr)
			assert_int_equal(strncmp(loaded->revs[0].path, "/p/", 3) != 0, 1);
		graph_free(loaded);
		assert_int_equal(graphcache_load(&loaded, cache_path(), src, "/q", 2), 0);
		if (g->nr)
			assert_int_equal(strncmp(loaded->revs[0].path, "/p/", 3), 0);
		graph_free(loaded);
		source_free(src);
		graph_free(g);
		strbuf_release(&err);
		remove_cache();
	}
}

static void test_refusals(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct graph *g, *loaded;
	struct source *src;
	struct strbuf file = STRBUF_INIT;
	size_t len;

	(void)state;
	assert_int_equal(build_graph(&g, SEED, &err), 0);
	src = fake_source(g);
	save(g, src, SCAN_NS);
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), 0);
	graph_free(loaded);

	/* a file whose stat data changed */
	src->files[3].st.st_size++;
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), -1);
	src->files[3].st.st_size--;
	src->files[3].st.st_ctim.tv_nsec = 1;
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), -1);
	src->files[3].st.st_ctim.tv_nsec = 0;
	/* a file that is not there, or one more */
	src->nfiles--;
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), -1);
	src->nfiles++;
	free(src->files[0].path);
	src->files[0].path = dupstr("/p/renamed.sql", 14);
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), -1);

	/* a checksum that does not match */
	assert_int_equal(strbuf_read_file(&file, cache_path()), 0);
	file.buf[file.len - 1] ^= 1;
	len = file.len;
	assert_int_equal(graphcache_load_buffer(&loaded, strbuf_detach(&file, NULL),
						len, src, "", 0), -1);
	remove_cache();

	/* files changed less than CACHE_RACY_NS before the scan: no cache */
	source_free(src);
	src = fake_source(g);
	save(g, src, OLD_NS + 1000000000ULL);
	assert_int_equal(access(cache_path(), F_OK), -1);
	source_free(src);
	graph_free(g);
	strbuf_release(&err);
	remove_cache();
}

/*
 * The files of a git tree (src->root set) are keyed by their blob ids:
 * no stat data, never racy, and each revision gets its file's blob id.
 */
static void test_tree_keys(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct graph *g, *loaded;
	struct source *src;
	size_t i;

	(void)state;
	assert_int_equal(build_graph(&g, SEED, &err), 0);
	src = fake_source(g);
	src->root = dupstr("/p", 2);
	for (i = 0; i < src->nfiles; i++) {
		memset(&src->files[i].st, 0, sizeof(src->files[i].st));
		snprintf(src->files[i].blob, sizeof(src->files[i].blob),
			 "%040zx", i + 1);
	}
	/* a scan "just now" does not matter: blob ids are not times */
	save(g, src, 0);
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), 0);
	assert_graphs_equal(g, loaded);
	for (i = 0; i < loaded->nr; i++) {
		const char *path = loaded->revs[i].path;
		size_t k;

		for (k = 0; k < src->nfiles; k++)
			if (!strcmp(src->files[k].path, path))
				break;
		assert_true(k < src->nfiles);
		assert_string_equal(loaded->revs[i].blob, src->files[k].blob);
	}
	graph_free(loaded);

	/* one blob id changed: the file's bytes changed */
	src->files[2].blob[39] ^= 1;
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), -1);
	src->files[2].blob[39] ^= 1;
	/* a blob id that is not one: neither kept nor trusted */
	src->files[2].blob[5] = 'x';
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), -1);
	remove_cache();
	save(g, src, 0);
	assert_int_equal(access(cache_path(), F_OK), -1);
	src->files[2].blob[5] = '0';
	/* a tree's cache does not pass for the work tree's */
	save(g, src, 0);
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), 0);
	graph_free(loaded);
	free(src->root);
	src->root = NULL;
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), -1);
	source_free(src);
	graph_free(g);
	strbuf_release(&err);
	remove_cache();
}

/* Every byte changed in turn, the checksum made good: consistent or refused. */
static void test_damage(void **state)
{
	struct strbuf err = STRBUF_INIT, file = STRBUF_INIT;
	struct graph *g, *loaded;
	struct source *src;
	size_t pos, loads = 0;

	(void)state;
	assert_int_equal(build_graph(&g, graphs[1], &err), 0);
	src = fake_source(g);
	save(g, src, SCAN_NS);
	assert_int_equal(strbuf_read_file(&file, cache_path()), 0);
	for (pos = 8; pos + BINIO_SUMLEN < file.len; pos++) {
		char *copy = malloc(file.len);
		char sum[BINIO_SUMLEN + 1];
		size_t i, j;

		memcpy(copy, file.buf, file.len);
		copy[pos] = (char)(copy[pos] + 0x41);
		binio_checksum(sum, copy, file.len - BINIO_SUMLEN);
		memcpy(copy + file.len - BINIO_SUMLEN, sum, BINIO_SUMLEN);
		if (graphcache_load_buffer(&loaded, copy, file.len, src, "", 0))
			continue;
		loads++;
		/* what the walks rely on holds */
		for (i = 0; i < loaded->nr; i++) {
			const struct rev *r = &loaded->revs[i];

			for (j = 0; j < r->nalldown; j++)
				assert_true(r->alldown[j] >= 0 && (size_t)r->alldown[j] < loaded->nr);
			for (j = 0; j < r->nallnext; j++)
				assert_true(r->allnext[j] >= 0 && (size_t)r->allnext[j] < loaded->nr);
			assert_non_null(r->id);
			if (i)
				assert_true(strcmp(loaded->revs[i - 1].id, r->id) < 0);
		}
		for (i = 0; i < loaded->nheads; i++)
			assert_true((size_t)loaded->heads[i] < loaded->nr);
		graph_free(loaded);
	}
	/* changes inside messages and line numbers still load */
	assert_true(loads > 0);
	strbuf_release(&file);
	source_free(src);
	graph_free(g);
	strbuf_release(&err);
	remove_cache();
}

/* ------------------------------------------------------------------ */
/* Loading without a scan                                              */

static char ls_dir[64];

static void ls_write(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", ls_dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Scan ls_dir, save g as its cache with the scan at scan_ns, keep the scan. */
static struct source *ls_save(const struct graph *g, uint64_t scan_ns)
{
	struct strbuf err = STRBUF_INIT;
	char *locs[] = { ls_dir };
	struct source *src;

	assert_int_equal(source_worktree_scan(&src, locs, 1, 0, &err), 0);
	assert_int_equal(src->nfiles, g->nr);
	unlink(cache_path());
	save(g, src, scan_ns);
	strbuf_release(&err);
	return src;
}

static int ls_load(struct graph **out, const char *loc, int recursive)
{
	char *locs[] = { (char *)loc };

	return graphcache_load_unscanned(out, cache_path(), locs, 1, recursive, "", 0);
}

/* Blob ids left out when read, and computed on demand, are git's. */
static void test_unhashed(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct source *src, *hashed;
	char *loc[1], path[128];

	(void)state;
	snprintf(ls_dir, sizeof(ls_dir), "/tmp/test-graphcache-uh.%d", (int)getpid());
	assert_int_equal(mkdir(ls_dir, 0755), 0);
	ls_write("a.sql", "-- a revision\n");
	loc[0] = ls_dir;
	assert_int_equal(source_worktree_unhashed(&src, loc, 1, 0, &err), 0);
	assert_int_equal(src->nfiles, 1);
	assert_string_equal(src->files[0].blob, "");
	source_hash_blobs(src);
	/* printf -- '-- a revision\n' | git hash-object --stdin */
	assert_string_equal(src->files[0].blob, "78c70b617e8096e5c10c0fe3ed18b049ea64e7ef");
	assert_int_equal(source_worktree(&hashed, loc, 1, 0, &err), 0);
	assert_string_equal(hashed->files[0].blob, src->files[0].blob);
	source_free(hashed);
	source_free(src);
	snprintf(path, sizeof(path), "%s/a.sql", ls_dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(ls_dir), 0);
	strbuf_release(&err);
}

static void test_unscanned(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct graph *g, *loaded;
	struct source *src;
	struct timespec times[2];
	struct stat st;
	char path[384], *two[2];
	uint64_t later = now_ns() + 60ULL * 1000000000ULL;
	size_t i;

	(void)state;
	snprintf(ls_dir, sizeof(ls_dir), "/tmp/test-graphcache-ls.%d", (int)getpid());
	assert_int_equal(mkdir(ls_dir, 0755), 0);
	assert_int_equal(build_graph(&g, graphs[1], &err), 0);
	for (i = 0; i < g->nr; i++) {
		snprintf(path, sizeof(path), "%s.sql", g->revs[i].id);
		ls_write(path, "-- a revision\n");
	}
	ls_write("notes.txt", "not a revision\n");

	/* as saved: loads, equal to the graph */
	src = ls_save(g, later);
	assert_int_equal(ls_load(&loaded, ls_dir, 0), 0);
	assert_graphs_equal(g, loaded);
	graph_free(loaded);
	/* another recursion, another location, more locations */
	assert_int_equal(ls_load(&loaded, ls_dir, 1), -1);
	snprintf(path, sizeof(path), "%s/", ls_dir);
	assert_int_equal(ls_load(&loaded, path, 0), -1);
	two[0] = two[1] = ls_dir;
	assert_int_equal(graphcache_load_unscanned(&loaded, cache_path(), two, 2, 0, "", 0), -1);
	/* with a scan, the same file loads too */
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), 0);
	graph_free(loaded);
	/* a damaged byte: the checksum, computed beside the reading, tells */
	{
		struct strbuf file = STRBUF_INIT;
		FILE *f;

		assert_int_equal(strbuf_read_file(&file, cache_path()), 0);
		file.buf[24] ^= 1; /* the scan time: still a good key */
		f = fopen(cache_path(), "w");
		assert_non_null(f);
		assert_int_equal(fwrite(file.buf, 1, file.len, f), file.len);
		fclose(f);
		assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);
		strbuf_release(&file);
	}
	source_free(src);

	/* a listed file changed in place: its folder did not change */
	src = ls_save(g, later);
	ls_write("a2.sql", "-- a revision, changed\n");
	assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);
	source_free(src);

	/*
	 * A file added beside them, even one no scan would list, with the
	 * folder's mtime put back: its ctime tells.
	 */
	src = ls_save(g, later);
	assert_int_equal(stat(ls_dir, &st), 0);
	ls_write("more.txt", "x\n");
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, ls_dir, times, 0), 0);
	assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);
	source_free(src);
	/*
	 * The same files: a new scan's listing is saved, and the next run
	 * needs no scan again; not with another list of files.
	 */
	{
		char *locs[] = { ls_dir };
		struct source *now;

		assert_int_equal(source_worktree_scan(&now, locs, 1, 0, &err), 0);
		assert_int_equal(graphcache_load(&loaded, cache_path(), now, "", 0), 0);
		graph_free(loaded);
		free(now->files[0].path);
		now->files[0].path = dupstr("/elsewhere/a1.sql", 17);
		graphcache_relist(cache_path(), now, later);
		assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);
		source_free(now);
		assert_int_equal(source_worktree_scan(&now, locs, 1, 0, &err), 0);
		graphcache_relist(cache_path(), now, later);
		assert_int_equal(ls_load(&loaded, ls_dir, 0), 0);
		assert_graphs_equal(g, loaded);
		graph_free(loaded);
		/* the same listing again: the file is not written again */
		{
			struct stat before, after;

			assert_int_equal(stat(cache_path(), &before), 0);
			graphcache_relist(cache_path(), now, later + 1);
			assert_int_equal(stat(cache_path(), &after), 0);
			assert_int_equal(before.st_ino, after.st_ino);
		}
		source_free(now);
	}

	/* a listed file removed */
	src = ls_save(g, later);
	snprintf(path, sizeof(path), "%s/m.sql", ls_dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);
	ls_write("m.sql", "-- a revision\n");
	source_free(src);

	/* a folder changed too recently before the scan: files only */
	times[0].tv_sec = 0;
	times[0].tv_nsec = UTIME_OMIT;
	times[1].tv_sec = (time_t)(later / 1000000000ULL) + 5;
	times[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, ls_dir, times, 0), 0);
	src = ls_save(g, later + 4ULL * 1000000000ULL);
	assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), 0);
	graph_free(loaded);
	source_free(src);

	/* a symbolic link in the folder: its target can change, not the folder */
	snprintf(path, sizeof(path), "%s/link.txt", ls_dir);
	assert_int_equal(symlink("/nonexistent/x.sql", path), 0);
	src = ls_save(g, later);
	assert_int_equal(src->dirs_complete, 0);
	assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);
	assert_int_equal(graphcache_load(&loaded, cache_path(), src, "", 0), 0);
	graph_free(loaded);
	source_free(src);

	/* no folder at all */
	unlink(cache_path());
	assert_int_equal(ls_load(&loaded, ls_dir, 0), -1);

	{
		DIR *d = opendir(ls_dir);
		struct dirent *de;

		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", ls_dir, de->d_name);
			unlink(path);
		}
		closedir(d);
		rmdir(ls_dir);
	}
	graph_free(g);
	strbuf_release(&err);
	remove_cache();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_tree_keys),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_unscanned),
		cmocka_unit_test(test_unhashed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
