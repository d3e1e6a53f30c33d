/*
 * graphcache: the built revision graph kept between runs (graphcache.h
 * says when it is trusted). The file, beside the header cache:
 *
 *   "DBMIGG3\n", the program's key (cache_program_key(): two u64),
 *   u64 scan start (ns); the listing: u32 1 when it may stand for a
 *   scan (else 0, and nothing more of it), u32 recursive, u32 version
 *   location count and each location (cstr), u32 folder count and per
 *   folder its path and the five u64 of its stat data, in scan order;
 *   u32 file count, per file its path (binio
 *   cstr) and the five u64 of its stat data, in scan order;
 *   u32 revision count, u32 strings in all string lists, u32 integers
 *   in all index arrays; per revision (in id order) u32 its file, its
 *   header (kind, revision, down_revision, branch_labels, depends_on,
 *   squashes, message, create_date, doc, transactional, six line
 *   numbers) and its three index arrays (down, deps, normdown: u32
 *   count, u32 each; the rest is derived on loading as graph_build()
 *   derives it); u32 label count, per label
 *   (in name order) u32 revision and u32 which of its branch_labels;
 *   u32 label words, u32 row count, the distinct rows of label bits
 *   (u64 each), each revision's row (u32; none without labels); then a
 *   32-hex checksum of everything before it (binio_checksum()).
 *
 * A loaded graph points into the file's bytes (mapped: graph->map): its
 * revfiles, string lists and index arrays live in a few blocks
 * (graph->blocks).
 */
#include "graphcache.h"
#include "binio.h"
#include "cache.h"
#include "usage.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "DBMIGG3\n"
#define SUMLEN BINIO_SUMLEN

char *graphcache_file_name(char *const *dirs, size_t ndirs, int tree)
{
	char *base = cache_file_name(dirs, ndirs);
	struct strbuf sb = STRBUF_INIT;

	if (!base)
		return NULL;
	strbuf_addf(&sb, tree ? "%s.tree.graph" : "%s.graph", base);
	free(base);
	return strbuf_detach(&sb, NULL);
}

/*
 * A file's key: a work-tree file's stat data, or, for a file of a git
 * tree (src->root set), its blob id, which names its bytes exactly (and
 * so is never racy). -1 when a tree's file has no blob id.
 */
static int file_key(uint64_t key[5], const struct source *src,
		    const struct source_file *f)
{
	unsigned char id[24] = { 0 };
	size_t i, k;

	if (!src->root) {
		cache_stat_key(key, &f->st);
		return 0;
	}
	for (i = 0; i < 40; i++) {
		char c = f->blob[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return -1;
		id[i / 2] = (unsigned char)(id[i / 2] << 4 | v);
	}
	if (f->blob[40])
		return -1;
	for (k = 0; k < 3; k++) {
		key[k] = 0;
		for (i = 0; i < 8; i++)
			key[k] = key[k] << 8 | id[k * 8 + i];
	}
	key[3] = 0x626c6f62ULL; /* "blob" */
	key[4] = 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

static void put_ints(struct strbuf *sb, const int *v, size_t n)
{
	size_t i;

	put_u32(sb, (uint32_t)n);
	for (i = 0; i < n; i++)
		put_u32(sb, (uint32_t)v[i]);
}

static void put_cstrv(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	put_u32(sb, (uint32_t)n);
	for (i = 0; i < n; i++)
		put_cstr(sb, v[i]);
}

static void put_rev(struct strbuf *sb, const struct rev *r)
{
	const struct revfile *rf = r->rf;

	put_u32(sb, (uint32_t)rf->kind);
	put_cstr(sb, rf->revision);
	put_cstrv(sb, rf->down_revision, rf->ndown);
	put_cstrv(sb, rf->branch_labels, rf->nlabels);
	put_cstrv(sb, rf->depends_on, rf->ndeps);
	put_cstrv(sb, rf->squashes, rf->nsquashes);
	put_cstr(sb, rf->message);
	put_cstr(sb, rf->create_date);
	put_cstr(sb, rf->doc);
	put_u32(sb, (uint32_t)rf->transactional);
	put_u32(sb, rf->upgrade_line);
	put_u32(sb, rf->downgrade_line);
	put_u32(sb, rf->revision_line);
	put_u32(sb, rf->down_line);
	put_u32(sb, rf->deps_line);
	put_u32(sb, rf->labels_line);
	put_ints(sb, r->down, r->ndown);
	put_ints(sb, r->deps, r->ndeps);
	put_ints(sb, r->normdown, r->nnormdown);
}

static uint64_t hash_row(const uint64_t *row, size_t words)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < words; i++)
		h = (h ^ row[i]) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

/*
 * The label rows, each distinct row once (revisions along a branch
 * share theirs): u32 row count, the rows, then each revision's row.
 */
static void put_label_rows(struct strbuf *sb, const struct graph *g)
{
	size_t words = g->label_words, size = 1, i, k, nrows = 0;
	int *slot, *row_of = xmalloc((g->nr + 1) * sizeof(*row_of));
	int *first = xmalloc((g->nr + 1) * sizeof(*first));

	while (size < 2 * g->nr + 2)
		size *= 2;
	slot = xmalloc(size * sizeof(*slot));
	for (i = 0; i < size; i++)
		slot[i] = -1;
	for (i = 0; i < g->nr; i++) {
		const uint64_t *row = g->labelbits + i * words;
		size_t h = (size_t)hash_row(row, words) & (size - 1);

		for (;; h = (h + 1) & (size - 1)) {
			if (slot[h] < 0) {
				slot[h] = (int)nrows;
				first[nrows] = (int)i;
				row_of[i] = (int)nrows++;
				break;
			}
			if (!memcmp(g->labelbits + (size_t)first[slot[h]] * words, row,
				    words * sizeof(*row))) {
				row_of[i] = slot[h];
				break;
			}
		}
	}
	put_u32(sb, (uint32_t)(words ? nrows : 0));
	for (i = 0; words && i < nrows; i++)
		for (k = 0; k < words; k++)
			put_u64(sb, g->labelbits[(size_t)first[i] * words + k]);
	for (i = 0; words && i < g->nr; i++)
		put_u32(sb, (uint32_t)row_of[i]);
	free(slot);
	free(row_of);
	free(first);
}

/*
 * The folders a work-tree scan read, so that a later run can tell from
 * their stat data alone that the scan would list the same names: a name
 * added to, removed from or renamed in a folder changes its mtime and
 * ctime. Only when every folder's times are old enough (as for files):
 * -1 when the listing written says it cannot stand for a scan.
 */
static int put_listing(struct strbuf *sb, const struct source *src,
		       uint64_t scan_ns)
{
	size_t i;
	int k;

	for (i = 0; i < src->ndirs; i++) {
		uint64_t key[5];

		cache_stat_key(key, &src->dir_st[i]);
		if (cache_key_racy(key, scan_ns))
			break;
	}
	if (src->root || !src->dirs_complete || !src->nlocations || i < src->ndirs) {
		put_u32(sb, 0);
		return -1;
	}
	put_u32(sb, 1);
	put_u32(sb, (uint32_t)src->recursive);
	put_u32(sb, (uint32_t)src->nlocations);
	for (i = 0; i < src->nlocations; i++)
		put_cstr(sb, src->locations[i]);
	put_u32(sb, (uint32_t)src->ndirs);
	for (i = 0; i < src->ndirs; i++) {
		uint64_t key[5];

		cache_stat_key(key, &src->dir_st[i]);
		put_cstr(sb, src->dirs[i]);
		for (k = 0; k < 5; k++)
			put_u64(sb, key[k]);
	}
	return 0;
}

void graphcache_save(const char *file, const struct source *src,
		     const struct graph *g, const size_t *rev_file,
		     uint64_t scan_ns)
{
	struct strbuf sb = STRBUF_INIT;
	char sum[SUMLEN + 1];
	size_t i, j, nstr = 0, nint = 0;
	uint64_t prog[2];

	if (!file || src->nfiles != g->nr)
		return;
	strbuf_addstr(&sb, MAGIC);
	cache_program_key(prog);
	put_u64(&sb, prog[0]);
	put_u64(&sb, prog[1]);
	put_u64(&sb, scan_ns);
	put_listing(&sb, src, scan_ns);
	put_u32(&sb, (uint32_t)src->nfiles);
	for (i = 0; i < src->nfiles; i++) {
		uint64_t key[5];
		int k;

		if (file_key(key, src, &src->files[i]) ||
		    (!src->root && cache_key_racy(key, scan_ns)))
			goto out; /* changed too recently to be keyed by its times */
		put_cstr(&sb, src->files[i].path);
		for (k = 0; k < 5; k++)
			put_u64(&sb, key[k]);
	}
	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];
		const struct revfile *rf = r->rf;

		nstr += rf->ndown + rf->nlabels + rf->ndeps + rf->nsquashes;
		nint += r->ndown + r->ndeps + r->nnormdown;
	}
	put_u32(&sb, (uint32_t)g->nr);
	put_u32(&sb, (uint32_t)nstr);
	put_u32(&sb, (uint32_t)nint);
	for (i = 0; i < g->nr; i++) {
		put_u32(&sb, (uint32_t)rev_file[i]);
		put_rev(&sb, &g->revs[i]);
	}
	put_u32(&sb, (uint32_t)g->nlabels);
	for (i = 0; i < g->nlabels; i++) {
		const struct revfile *rf = g->revs[g->labels[i].rev].rf;

		for (j = 0; j < rf->nlabels; j++)
			if (rf->branch_labels[j] == g->labels[i].name)
				break;
		put_u32(&sb, (uint32_t)g->labels[i].rev);
		put_u32(&sb, (uint32_t)j);
	}
	put_u32(&sb, (uint32_t)g->label_words);
	put_label_rows(&sb, g);
	binio_checksum(sum, sb.buf, sb.len);
	strbuf_add(&sb, sum, SUMLEN);

	cache_write_file(file, sb.buf, sb.len);
out:
	strbuf_release(&sb);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

static int contains(const int *v, size_t n, int x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static void add_block(struct graph *g, void *block)
{
	g->blocks = xrealloc(g->blocks, (g->nblocks + 1) * sizeof(*g->blocks));
	g->blocks[g->nblocks++] = block;
}

struct pools {
	char **str;
	size_t nstr, str_used;
	int *ints;
	size_t nint, int_used;
};

static char **get_pooled_strv(struct reader *r, struct pools *p, size_t *n)
{
	uint32_t count = get_u32(r), i;
	char **v;

	*n = 0;
	if (r->bad || !count)
		return NULL;
	if (count > p->nstr - p->str_used) {
		r->bad = 1;
		return NULL;
	}
	v = p->str + p->str_used;
	p->str_used += count;
	for (i = 0; i < count; i++) {
		v[i] = (char *)get_cstr(r);
		if (!v[i]) {
			r->bad = 1;
			return NULL;
		}
	}
	*n = count;
	return v;
}

/* An index array from the pool, each value below nr and none twice. */
static int *get_ints(struct reader *r, struct pools *p, size_t nr, size_t *n)
{
	uint32_t count = get_u32(r), i;
	int *v;

	*n = 0;
	if (r->bad || !count)
		return NULL;
	if (count > p->nint - p->int_used) {
		r->bad = 1;
		return NULL;
	}
	v = p->ints + p->int_used;
	p->int_used += count;
	for (i = 0; i < count && !r->bad; i++) {
		uint32_t x = get_u32(r);

		if (x >= nr || contains(v, i, (int)x))
			r->bad = 1;
		v[i] = (int)x;
	}
	if (r->bad)
		return NULL;
	*n = count;
	return v;
}

static int get_rev(struct reader *r, struct pools *p, struct rev *rev,
		   struct revfile *rf, size_t nr)
{
	rf->kind = (enum revfile_kind)get_u32(r);
	rf->revision = (char *)get_cstr(r);
	rf->down_revision = get_pooled_strv(r, p, &rf->ndown);
	rf->branch_labels = get_pooled_strv(r, p, &rf->nlabels);
	rf->depends_on = get_pooled_strv(r, p, &rf->ndeps);
	rf->squashes = get_pooled_strv(r, p, &rf->nsquashes);
	rf->message = (char *)get_cstr(r);
	rf->create_date = (char *)get_cstr(r);
	rf->doc = (char *)get_cstr(r);
	rf->transactional = (int)get_u32(r);
	rf->upgrade_line = get_u32(r);
	rf->downgrade_line = get_u32(r);
	rf->revision_line = get_u32(r);
	rf->down_line = get_u32(r);
	rf->deps_line = get_u32(r);
	rf->labels_line = get_u32(r);
	rev->rf = rf;
	rev->id = rf->revision;
	rev->down = get_ints(r, p, nr, &rev->ndown);
	rev->deps = get_ints(r, p, nr, &rev->ndeps);
	rev->normdown = get_ints(r, p, nr, &rev->nnormdown);
	if (r->bad || !rf->revision || (rf->kind != REVFILE_SQL && rf->kind != REVFILE_PY))
		return -1;
	/* what graph_build() guarantees: at most one edge per declared id */
	if (rev->ndown > rf->ndown || rev->ndeps > rf->ndeps)
		return -1;
	return 0;
}

/*
 * What graph_build() derives from the down revisions and dependencies,
 * made the same way: alldown (down, then the dependencies not among
 * them), next and allnext (children in index order), heads and bases.
 * normdown must be part of alldown. -1 when the arrays do not fit.
 */
static int derive(struct graph *g)
{
	size_t nall = 0, nnext = 0, used = 0, i, j;
	int *ints;

	for (i = 0; i < g->nr; i++) {
		nall += g->revs[i].ndown + g->revs[i].ndeps;
		nnext += g->revs[i].ndown;
	}
	ints = xmalloc((2 * nall + nnext + 1) * sizeof(*ints));
	add_block(g, ints);
	for (i = 0; i < g->nr; i++) {
		struct rev *r = &g->revs[i];

		r->alldown = ints + used;
		for (j = 0; j < r->ndown; j++)
			r->alldown[r->nalldown++] = r->down[j];
		for (j = 0; j < r->ndeps; j++)
			if (!contains(r->alldown, r->nalldown, r->deps[j]))
				r->alldown[r->nalldown++] = r->deps[j];
		used += r->nalldown;
		for (j = 0; j < r->nnormdown; j++)
			if (!contains(r->alldown, r->nalldown, r->normdown[j]))
				return -1;
		for (j = 0; j < r->nalldown; j++) {
			struct rev *d = &g->revs[r->alldown[j]];

			if (r->alldown[j] == (int)i)
				return -1;
			d->nallnext++;
			d->nnext += contains(r->down, r->ndown, r->alldown[j]);
		}
	}
	for (i = 0; i < g->nr; i++) {
		struct rev *r = &g->revs[i];

		r->allnext = ints + used;
		used += r->nallnext;
		r->next = ints + used;
		used += r->nnext;
		r->nallnext = r->nnext = 0;
	}
	for (i = 0; i < g->nr; i++) {
		struct rev *r = &g->revs[i];

		for (j = 0; j < r->nalldown; j++) {
			struct rev *d = &g->revs[r->alldown[j]];

			d->allnext[d->nallnext++] = (int)i;
			if (contains(r->down, r->ndown, r->alldown[j]))
				d->next[d->nnext++] = (int)i;
		}
	}
	g->heads = xmalloc((g->nr + 1) * sizeof(int));
	g->real_heads = xmalloc((g->nr + 1) * sizeof(int));
	g->bases = xmalloc((g->nr + 1) * sizeof(int));
	g->real_bases = xmalloc((g->nr + 1) * sizeof(int));
	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];

		if (rev_is_head(r))
			g->heads[g->nheads++] = (int)i;
		if (rev_is_real_head(r))
			g->real_heads[g->nreal_heads++] = (int)i;
		if (!r->ndown)
			g->bases[g->nbases++] = (int)i;
		if (!r->ndown && !r->rf->ndeps)
			g->real_bases[g->nreal_bases++] = (int)i;
	}
	return 0;
}

/* 1 when alldown has no cycle (Kahn's algorithm over the edges). */
static int acyclic(const struct graph *g)
{
	size_t *indeg = xcalloc(g->nr + 1, sizeof(*indeg));
	int *queue = xmalloc((g->nr + 1) * sizeof(*queue));
	size_t i, j, head = 0, tail = 0;

	for (i = 0; i < g->nr; i++)
		for (j = 0; j < g->revs[i].nalldown; j++)
			indeg[g->revs[i].alldown[j]]++;
	for (i = 0; i < g->nr; i++)
		if (!indeg[i])
			queue[tail++] = (int)i;
	while (head < tail) {
		const struct rev *r = &g->revs[queue[head++]];

		for (j = 0; j < r->nalldown; j++)
			if (!--indeg[r->alldown[j]])
				queue[tail++] = r->alldown[j];
	}
	free(indeg);
	free(queue);
	return tail == g->nr;
}

/* What a caller without a scan asks for: the listing a scan would give. */
struct listing {
	char *const *locations;
	size_t nlocations;
	int recursive;
};

/* The folders of a trusted listing, open, to stat their files by name. */
struct open_dirs {
	const char **path;
	size_t *len;
	int *fd;
	size_t n, cur;
};

static void close_dirs(struct open_dirs *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		close(d->fd[i]);
	free(d->path);
	free(d->len);
	free(d->fd);
	memset(d, 0, sizeof(*d));
}

/*
 * Read the listing. With want, it must be trusted, of the same version
 * locations and recursion, and every folder unchanged since (its stat
 * data as saved, and that not racy against scan_ns): then a scan now
 * would find the same names, and dirs holds the folders, open. Without
 * want (a scan was made), it is only read past.
 */
static int get_listing(struct reader *r, const struct listing *want,
		       uint64_t scan_ns, struct open_dirs *dirs)
{
	uint32_t trusted = get_u32(r), rec, nloc, ndirs, i;
	int k;

	if (r->bad || trusted > 1)
		return -1;
	if (!trusted)
		return want ? -1 : 0;
	rec = get_u32(r);
	nloc = get_u32(r);
	if (r->bad || nloc > (size_t)(r->end - r->p))
		return -1;
	if (want && (rec != (uint32_t)want->recursive || nloc != want->nlocations))
		return -1;
	for (i = 0; i < nloc; i++) {
		const char *loc = get_cstr(r);

		if (!loc || (want && strcmp(loc, want->locations[i])))
			return -1;
	}
	ndirs = get_u32(r);
	/* a folder takes a path and 40 bytes of stat data */
	if (r->bad || ndirs > (size_t)(r->end - r->p) / 41)
		return -1;
	if (want) {
		dirs->path = xcalloc(ndirs + 1, sizeof(*dirs->path));
		dirs->len = xcalloc(ndirs + 1, sizeof(*dirs->len));
		dirs->fd = xcalloc(ndirs + 1, sizeof(*dirs->fd));
	}
	for (i = 0; i < ndirs; i++) {
		const char *path = get_cstr(r);
		uint64_t key[5], now[5];
		struct stat st;
		int fd;

		for (k = 0; k < 5; k++)
			key[k] = get_u64(r);
		if (r->bad || !path)
			return -1;
		if (!want)
			continue;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		dirs->path[dirs->n] = path;
		dirs->len[dirs->n] = strlen(path);
		dirs->fd[dirs->n++] = fd;
		if (fstat(fd, &st))
			return -1;
		cache_stat_key(now, &st);
		if (memcmp(key, now, sizeof(key)) || cache_key_racy(key, scan_ns))
			return -1;
	}
	return 0;
}

/* The stat data of a listed file, by its name in its open folder. */
static int stat_listed(struct open_dirs *d, const char *path, uint64_t key[5])
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	size_t len, i;

	if (!slash)
		return -1;
	len = (size_t)(slash - path);
	if (d->cur >= d->n || d->len[d->cur] != len || memcmp(d->path[d->cur], path, len)) {
		for (i = 0; i < d->n; i++)
			if (d->len[i] == len && !memcmp(d->path[i], path, len))
				break;
		if (i == d->n)
			return -1;
		d->cur = i;
	}
	if (fstatat(d->fd[d->cur], slash + 1, &st, 0) || !S_ISREG(st.st_mode))
		return -1;
	cache_stat_key(key, &st);
	return 0;
}

/*
 * Without a scan, the files are stat'ed and the checksum is computed on
 * a second thread while this one reads the graph: at 100,000 revisions
 * the stat calls alone take as long as the rest. The graph is used only
 * if the thread found every file unchanged and the checksum good.
 */
struct check_job {
	struct open_dirs *dirs;
	const char **paths;
	uint64_t (*keys)[5];
	size_t n;
	uint64_t scan_ns;
	const char *buf;
	size_t len;
	int ok;
	int started;
	pthread_t thread;
};

static void *check_files(void *arg)
{
	struct check_job *j = arg;
	char sum[SUMLEN + 1];
	size_t i;

	j->ok = 0;
	for (i = 0; i < j->n; i++) {
		uint64_t now[5];

		if (stat_listed(j->dirs, j->paths[i], now) ||
		    memcmp(j->keys[i], now, sizeof(now)) || cache_key_racy(j->keys[i], j->scan_ns))
			return NULL;
	}
	binio_checksum(sum, j->buf, j->len - SUMLEN);
	j->ok = !memcmp(sum, j->buf + j->len - SUMLEN, SUMLEN);
	return NULL;
}

static void start_check(struct check_job *j)
{
	/* no thread to be had: the same work, here */
	if (pthread_create(&j->thread, NULL, check_files, j))
		check_files(j);
	else
		j->started = 1;
}

/* Whether the files and the checksum were good; waits for the thread. */
static int finish_check(struct check_job *j)
{
	if (j->started) {
		pthread_join(j->thread, NULL);
		j->started = 0;
	}
	return j->ok;
}

/*
 * The reader over a cache file's bytes, past its magic and the program's
 * key, and the time of the scan that wrote it; the checksum too, unless
 * the caller checks it itself (check_sum 0). -1 when any is wrong.
 */
static int open_bytes(struct reader *r, const char *buf, size_t len, int check_sum,
		      uint64_t *scan_ns)
{
	char sum[SUMLEN + 1];
	uint64_t prog[2];

	if (len < strlen(MAGIC) + SUMLEN || memcmp(buf, MAGIC, strlen(MAGIC)))
		return -1;
	if (check_sum) {
		binio_checksum(sum, buf, len - SUMLEN);
		if (memcmp(sum, buf + len - SUMLEN, SUMLEN))
			return -1;
	}
	r->p = (const unsigned char *)buf + strlen(MAGIC);
	r->end = (const unsigned char *)buf + len - SUMLEN;
	r->bad = 0;
	cache_program_key(prog);
	if (get_u64(r) != prog[0] || get_u64(r) != prog[1])
		return -1;
	*scan_ns = get_u64(r);
	return r->bad ? -1 : 0;
}

/* A file of the key: its path (pointing into the bytes) and its five u64. */
static int get_file(struct reader *r, const char **path, uint64_t key[5])
{
	int k;

	*path = get_cstr(r);
	for (k = 0; k < 5; k++)
		key[k] = get_u64(r);
	return r->bad || !*path ? -1 : 0;
}

/* Whether a saved file is src's file i, with the same key. */
static int same_file(const struct source *src, size_t i, const char *path,
		     const uint64_t key[5])
{
	uint64_t now[5];

	return !strcmp(path, src->files[i].path) && !file_key(now, src, &src->files[i]) &&
	       !memcmp(key, now, sizeof(now));
}

/*
 * The graph in buf, keyed either by src (the files a scan found) or,
 * with src NULL, by want (the files the saved listing names, each
 * stat'ed now).
 */
static int load(struct graph **out, char *buf, size_t len, int mapped,
		const struct source *src, const struct listing *want,
		const char *cwd, size_t cwdlen)
{
	struct open_dirs dirs = { 0 };
	struct check_job job = { 0 };
	struct reader r;
	struct pools p = { 0 };
	struct graph *g = xcalloc(1, sizeof(*g));
	const char **paths = NULL;
	uint64_t (*keys)[5] = NULL;
	uint64_t scan_ns;
	uint32_t nfiles, nr, nlabels, words, nrows;
	unsigned char *seen = NULL;
	size_t *rowbits = NULL;
	size_t i;

	*out = NULL;
	/* block 0: the bytes, unless mapped (the revfiles are block 1) */
	add_block(g, mapped ? NULL : buf);
	if (mapped) {
		g->map = buf;
		g->maplen = len;
	}
	/* without a scan, the checksum is the thread's (check_files()) */
	if (open_bytes(&r, buf, len, !want, &scan_ns))
		goto fail;
	/* the key: exactly the files the scan found, unchanged and not racy */
	if (get_listing(&r, want, scan_ns, &dirs))
		goto fail;
	nfiles = get_u32(&r);
	/* a file takes a path and 40 bytes of its key */
	if (r.bad || (src && nfiles != src->nfiles) || nfiles > (size_t)(r.end - r.p) / 41)
		goto fail;
	paths = xcalloc(nfiles + 1, sizeof(*paths));
	if (want)
		keys = xcalloc(nfiles + 1, sizeof(*keys));
	for (i = 0; i < nfiles; i++) {
		uint64_t key[5];

		if (get_file(&r, &paths[i], key))
			goto fail;
		if (want) {
			memcpy(keys[i], key, sizeof(key));
			continue;
		}
		if (!same_file(src, i, paths[i], key) || (!src->root && cache_key_racy(key, scan_ns)))
			goto fail;
	}
	if (want) {
		job.dirs = &dirs;
		job.paths = paths;
		job.keys = keys;
		job.n = nfiles;
		job.scan_ns = scan_ns;
		job.buf = buf;
		job.len = len;
		start_check(&job);
	}

	nr = get_u32(&r);
	p.nstr = get_u32(&r);
	p.nint = get_u32(&r);
	/* each counted thing takes at least four bytes of the file */
	if (r.bad || nr != nfiles || p.nstr > (size_t)(r.end - r.p) / 4 ||
	    p.nint > (size_t)(r.end - r.p) / 4)
		goto fail;
	g->nr = nr;
	g->revs = xcalloc(nr + 1, sizeof(*g->revs));
	add_block(g, xcalloc(nr + 1, sizeof(struct revfile)));
	p.str = xcalloc(p.nstr + 1, sizeof(*p.str));
	add_block(g, p.str);
	p.ints = xcalloc(p.nint + 1, sizeof(*p.ints));
	add_block(g, p.ints);
	seen = xcalloc(nr + 1, 1);
	for (i = 0; i < nr; i++) {
		struct rev *rev = &g->revs[i];
		uint32_t file = get_u32(&r);

		if (r.bad || file >= nfiles || seen[file])
			goto fail;
		seen[file] = 1;
		rev->path = (char *)paths[file];
		if (src && src->root)
			memcpy(rev->blob, src->files[file].blob, sizeof(rev->blob));
		if (cwdlen && !strncmp(rev->path, cwd, cwdlen) && rev->path[cwdlen] == '/')
			rev->path += cwdlen + 1;
		if (get_rev(&r, &p, rev, (struct revfile *)g->blocks[1] + i, nr))
			goto fail;
		if (i && strcmp(g->revs[i - 1].id, rev->id) >= 0)
			goto fail; /* graph_find() bisects */
	}
	if (p.str_used != p.nstr || p.int_used != p.nint)
		goto fail;

	nlabels = get_u32(&r);
	if (r.bad || nlabels > (size_t)(r.end - r.p) / 8)
		goto fail;
	g->labels = xcalloc(nlabels + 1, sizeof(*g->labels));
	for (i = 0; i < nlabels; i++) {
		uint32_t rev = get_u32(&r), j = get_u32(&r);

		if (r.bad || rev >= nr || j >= g->revs[rev].rf->nlabels)
			goto fail;
		g->labels[i].rev = (int)rev;
		g->labels[i].name = g->revs[rev].rf->branch_labels[j];
		g->labels[i].len = strlen(g->labels[i].name);
		g->nlabels++;
		if (i && strcmp(g->labels[i - 1].name, g->labels[i].name) >= 0)
			goto fail; /* graph_find_label() bisects */
	}
	words = get_u32(&r);
	nrows = get_u32(&r);
	if (r.bad || words != (nlabels + 63) / 64 || (!words && nrows) ||
	    (words && (!nrows || nrows > nr)) ||
	    (size_t)nrows * words > (size_t)(r.end - r.p) / 8)
		goto fail;
	g->label_words = words;
	g->labelbits = xcalloc((size_t)nrows * words + 1, sizeof(uint64_t));
	for (i = 0; i < (size_t)nrows * words; i++)
		g->labelbits[i] = get_u64(&r);
	rowbits = xcalloc(nrows + 1, sizeof(*rowbits));
	for (i = 0; i < nrows; i++) {
		const uint64_t *row = g->labelbits + i * words;
		size_t k;

		/* no bit past the last label */
		if (nlabels % 64 && (row[words - 1] & (~0ULL << (nlabels % 64))))
			goto fail;
		for (k = 0; k < words; k++)
			rowbits[i] += (size_t)__builtin_popcountll(row[k]);
	}
	for (i = 0; i < nr; i++) {
		uint32_t row = words ? get_u32(&r) : 0;

		if (r.bad || (words && row >= nrows))
			goto fail;
		g->revs[i].labelset = g->labelbits + (size_t)row * words;
		g->revs[i].nlabels = words ? rowbits[row] : 0;
	}
	if (r.bad || r.p != r.end || derive(g) || !acyclic(g))
		goto fail;
	if (want && !finish_check(&job))
		goto fail;
	close_dirs(&dirs);
	free(keys);
	free(paths);
	free(seen);
	free(rowbits);
	*out = g;
	return 0;
fail:
	/* the thread reads paths, the dirs and the bytes: it ends first */
	finish_check(&job);
	close_dirs(&dirs);
	free(keys);
	free(paths);
	free(seen);
	free(rowbits);
	graph_free(g);
	return -1;
}

int graphcache_load_buffer(struct graph **out, char *buf, size_t len,
			   const struct source *src, const char *cwd, size_t cwdlen)
{
	return load(out, buf, len, 0, src, NULL, cwd, cwdlen);
}

/*
 * The file is mapped, not read: of 47 MB at 100,000 revisions only the
 * pages touched are faulted in, with no copy. Files are only ever
 * replaced whole (cache_write_file() renames), so the mapped one stays
 * as it was.
 */
static int load_file(struct graph **out, const char *file, const struct source *src,
		     const struct listing *want, const char *cwd, size_t cwdlen)
{
	struct stat st;
	void *map;
	int fd;

	*out = NULL;
	if (!file)
		return -1;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < (off_t)(strlen(MAGIC) + SUMLEN) ||
	    (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return -1;
	}
	/* private and writable: the loader may write into its copy of a page */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	return load(out, map, (size_t)st.st_size, 1, src, want, cwd, cwdlen);
}

int graphcache_load(struct graph **out, const char *file,
		    const struct source *src, const char *cwd, size_t cwdlen)
{
	return load_file(out, file, src, NULL, cwd, cwdlen);
}

void graphcache_relist(const char *file, const struct source *src, uint64_t scan_ns)
{
	struct strbuf old = STRBUF_INIT, sb = STRBUF_INIT;
	struct reader r;
	char sum[SUMLEN + 1];
	const unsigned char *files, *listing;
	uint64_t prog[2], old_ns;
	size_t head;
	uint32_t nfiles, i;

	if (!file || strbuf_read_file(&old, file) ||
	    open_bytes(&r, old.buf, old.len, 1, &old_ns))
		goto out;
	listing = r.p;
	if (old_ns > scan_ns || get_listing(&r, NULL, 0, NULL))
		goto out;
	/* the same files, with the same keys, as this scan found */
	files = r.p;
	nfiles = get_u32(&r);
	if (r.bad || nfiles != src->nfiles)
		goto out;
	for (i = 0; i < nfiles; i++) {
		const char *path;
		uint64_t key[5];

		if (get_file(&r, &path, key) || !same_file(src, i, path, key))
			goto out;
	}
	cache_program_key(prog);
	strbuf_addstr(&sb, MAGIC);
	put_u64(&sb, prog[0]);
	put_u64(&sb, prog[1]);
	put_u64(&sb, scan_ns);
	head = sb.len;
	if (put_listing(&sb, src, scan_ns))
		goto out; /* nothing better to save */
	if (sb.len - head == (size_t)(files - listing) && !memcmp(sb.buf + head, listing, sb.len - head))
		goto out; /* the same listing: it failed for another reason (no folder to open) */
	strbuf_add(&sb, files, (size_t)((const unsigned char *)old.buf + old.len - SUMLEN - files));
	binio_checksum(sum, sb.buf, sb.len);
	strbuf_add(&sb, sum, SUMLEN);
	cache_write_file(file, sb.buf, sb.len);
out:
	strbuf_release(&old);
	strbuf_release(&sb);
}

int graphcache_load_unscanned(struct graph **out, const char *file,
			      char *const *locations, size_t nlocations,
			      int recursive, const char *cwd, size_t cwdlen)
{
	struct listing want = { locations, nlocations, recursive };

	return load_file(out, file, NULL, &want, cwd, cwdlen);
}
