/*
 * cache: a file of parsed revision headers, keyed by stat data. See
 * cache.h for the rules that keep it from ever being wrong. The format:
 *
 *   "DBMIGC4\n", the program's key (cache_program_key(): two u64),
 *   u64 written-at (ns), u32 count, entries sorted by path,
 *   then a 32-hex checksum of everything before it (see binio_checksum()).
 *
 * An entry is its path (u32 length counting a closing NUL, the bytes and
 * the NUL), the five u64 of its stat data, and its serialised header
 * (u32 length, bytes). Loaded entries point into the file's bytes.
 *
 * Integers are little-endian; strings are a u32 length (0xffffffff for
 * NULL) and the bytes.
 */
#include "cache.h"
#include "binio.h"
#include "source.h"
#include "usage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "DBMIGC4\n"
#define SUMLEN BINIO_SUMLEN

struct entry {
	const char *path;
	uint64_t key[5];
	const char *blob; /* serialised header */
	size_t len;
	int used;
	int owned;      /* path and blob are ours, else they point into data */
};

struct cache {
	char *file;
	struct strbuf data; /* the file as read: loaded entries point into it */
	uint64_t written_ns;
	struct entry *v;
	size_t n, alloc;
	size_t nsorted;     /* v[0..nsorted) is sorted by path */
	int dirty;
};

void cache_stat_key(uint64_t key[5], const struct stat *st)
{
	key[0] = (uint64_t)st->st_size;
	key[1] = (uint64_t)st->st_mtim.tv_sec * 1000000000ULL + (uint64_t)st->st_mtim.tv_nsec;
	key[2] = (uint64_t)st->st_ctim.tv_sec * 1000000000ULL + (uint64_t)st->st_ctim.tv_nsec;
	key[3] = (uint64_t)st->st_ino;
	key[4] = (uint64_t)st->st_dev;
}

void cache_program_key(uint64_t key[2])
{
	static uint64_t k[2];
	static int done;
	struct stat st;

	if (!done) {
		if (!stat("/proc/self/exe", &st)) {
			k[0] = (uint64_t)st.st_size;
			k[1] = (uint64_t)st.st_mtim.tv_sec * 1000000000ULL +
			       (uint64_t)st.st_mtim.tv_nsec;
		}
		done = 1;
	}
	key[0] = k[0];
	key[1] = k[1];
}

int cache_key_racy(const uint64_t key[5], uint64_t written_ns)
{
	return key[1] + CACHE_RACY_NS >= written_ns || key[2] + CACHE_RACY_NS >= written_ns;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */

static void encode(struct strbuf *sb, const struct revfile *rf)
{
	put_u32(sb, (uint32_t)rf->kind);
	put_str(sb, rf->revision);
	put_strv(sb, rf->down_revision, rf->ndown);
	put_strv(sb, rf->branch_labels, rf->nlabels);
	put_strv(sb, rf->depends_on, rf->ndeps);
	put_strv(sb, rf->squashes, rf->nsquashes);
	put_str(sb, rf->message);
	put_str(sb, rf->create_date);
	put_str(sb, rf->doc);
	put_u32(sb, (uint32_t)rf->transactional);
	put_u32(sb, rf->upgrade_line);
	put_u32(sb, rf->downgrade_line);
	put_u32(sb, rf->revision_line);
	put_u32(sb, rf->down_line);
	put_u32(sb, rf->deps_line);
	put_u32(sb, rf->labels_line);
}

static struct revfile *decode(const char *buf, size_t len)
{
	struct reader r = { (const unsigned char *)buf, (const unsigned char *)buf + len, 0 };
	struct revfile *rf = xcalloc(1, sizeof(*rf));

	rf->kind = (enum revfile_kind)get_u32(&r);
	rf->revision = get_str(&r);
	rf->down_revision = get_strv(&r, &rf->ndown);
	rf->branch_labels = get_strv(&r, &rf->nlabels);
	rf->depends_on = get_strv(&r, &rf->ndeps);
	rf->squashes = get_strv(&r, &rf->nsquashes);
	rf->message = get_str(&r);
	rf->create_date = get_str(&r);
	rf->doc = get_str(&r);
	rf->transactional = (int)get_u32(&r);
	rf->upgrade_line = get_u32(&r);
	rf->downgrade_line = get_u32(&r);
	rf->revision_line = get_u32(&r);
	rf->down_line = get_u32(&r);
	rf->deps_line = get_u32(&r);
	rf->labels_line = get_u32(&r);
	if (r.bad || r.p != r.end || !rf->revision ||
	    (rf->kind != REVFILE_SQL && rf->kind != REVFILE_PY)) {
		revfile_free(rf);
		return NULL;
	}
	return rf;
}

/* ------------------------------------------------------------------ */
/* The cache file                                                      */

static int cmp_entry(const void *a, const void *b);

/*
 * The entries of a cache file's bytes (none if they are not a good
 * cache). The entries point into buf, which must outlive them.
 */
static void load_buffer(struct cache *c, const char *buf, size_t len)
{
	struct reader r;
	char sum[SUMLEN + 1];
	uint32_t count, i;
	uint64_t prog[2];
	int sorted = 1;

	if (len < strlen(MAGIC) + SUMLEN || memcmp(buf, MAGIC, strlen(MAGIC)))
		goto out;
	binio_checksum(sum, buf, len - SUMLEN);
	if (memcmp(sum, buf + len - SUMLEN, SUMLEN))
		goto out;
	r.p = (const unsigned char *)buf + strlen(MAGIC);
	r.end = (const unsigned char *)buf + len - SUMLEN;
	r.bad = 0;
	cache_program_key(prog);
	if (get_u64(&r) != prog[0] || get_u64(&r) != prog[1])
		goto out;
	c->written_ns = get_u64(&r);
	count = get_u32(&r);
	if (count > (uint32_t)(r.end - r.p) / 48) {
		c->written_ns = 0;
		goto out;
	}
	c->v = xcalloc(count ? count : 1, sizeof(*c->v));
	c->alloc = count;
	for (i = 0; i < count && !r.bad; i++) {
		struct entry *e = &c->v[c->n];
		uint32_t n = get_u32(&r);
		int k;

		/* the path: its bytes and a NUL, which the length counts */
		if (r.bad || !n || (size_t)(r.end - r.p) < n || r.p[n - 1] ||
		    strlen((const char *)r.p) != n - 1) {
			r.bad = 1;
			break;
		}
		e->path = (const char *)r.p;
		r.p += n;
		for (k = 0; k < 5; k++)
			e->key[k] = get_u64(&r);
		e->len = get_u32(&r);
		if (r.bad || (size_t)(r.end - r.p) < e->len) {
			r.bad = 1;
			break;
		}
		e->blob = (const char *)r.p;
		r.p += e->len;
		if (c->n && strcmp(c->v[c->n - 1].path, e->path) >= 0)
			sorted = 0;
		c->n++;
	}
	if (r.bad || r.p != r.end) {
		/* a bad cache is an empty one */
		c->n = 0;
		c->written_ns = 0;
	}
	if (!sorted) {
		/* cache_save() writes them sorted; anything else is suspect */
		qsort(c->v, c->n, sizeof(*c->v), cmp_entry);
		for (i = 1; i < c->n; i++) {
			if (!strcmp(c->v[i - 1].path, c->v[i].path)) {
				/* duplicates: a bad cache */
				c->written_ns = 0;
				break;
			}
		}
	}
	c->nsorted = c->n;
out:
	;
}

static void load(struct cache *c)
{
	if (!strbuf_read_file(&c->data, c->file))
		load_buffer(c, c->data.buf, c->data.len);
}

char *cache_file_name(char *const *dirs, size_t ndirs)
{
	const char *base = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct strbuf path = STRBUF_INIT, key = STRBUF_INIT;
	char id[41];
	size_t i;

	if (getenv("DBMIG_NO_CACHE"))
		return NULL;
	if (base && *base)
		strbuf_addf(&path, "%s/git-dbmig", base);
	else if (home && *home)
		strbuf_addf(&path, "%s/.cache/git-dbmig", home);
	else
		return NULL;
	for (i = 0; i < ndirs; i++)
		strbuf_addf(&key, "%s\n", dirs[i]);
	source_blob_id(id, key.buf, key.len);
	strbuf_addf(&path, "/%s", id);
	strbuf_release(&key);
	return strbuf_detach(&path, NULL);
}

struct cache *cache_open(char *const *dirs, size_t ndirs)
{
	char *file = cache_file_name(dirs, ndirs);
	struct cache *c;

	if (!file)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	strbuf_init(&c->data, 0);
	c->file = file;
	load(c);
	return c;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

/* Entries loaded from the file are sorted by path; new ones follow them. */
static struct entry *find(struct cache *c, const char *path)
{
	struct entry key;

	if (!c->nsorted)
		return NULL; /* c->v may be NULL: bsearch() wants an array */
	key.path = path;
	return bsearch(&key, c->v, c->nsorted, sizeof(*c->v), cmp_entry);
}

struct revfile *cache_lookup(struct cache *c, const char *path,
			     const struct stat *st)
{
	struct entry *e;
	uint64_t key[5];
	struct revfile *rf;

	if (!c)
		return NULL;
	e = find(c, path);
	if (!e)
		return NULL;
	cache_stat_key(key, st);
	if (memcmp(key, e->key, sizeof(key)) || cache_key_racy(key, c->written_ns))
		return NULL;
	rf = decode(e->blob, e->len);
	if (rf)
		e->used = 1;
	return rf;
}

void cache_store(struct cache *c, const char *path, const struct stat *st,
		 const struct revfile *rf)
{
	struct strbuf sb = STRBUF_INIT;
	struct entry *e;

	if (!c)
		return;
	e = find(c, path);
	if (!e) {
		ALLOC_GROW(c->v, c->n + 1, c->alloc);
		e = &c->v[c->n++];
		memset(e, 0, sizeof(*e));
		e->path = xstrdup(path);
		e->owned = 1;
	} else if (!e->owned) {
		e->path = xstrdup(e->path);
		e->blob = NULL;
		e->owned = 1;
	}
	free((char *)e->blob);
	cache_stat_key(e->key, st);
	encode(&sb, rf);
	e->len = sb.len;
	e->blob = strbuf_detach(&sb, NULL);
	e->used = 1;
	c->dirty = 1;
}

static int mkdir_p(char *path)
{
	char *s;

	for (s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

void cache_write_file(const char *file, const char *buf, size_t len)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd;

	strbuf_addf(&tmp, "%s.%d.tmp", file, (int)getpid());
	if (mkdir_p(tmp.buf))
		goto out;
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0)
		goto out;
	if (write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	close(fd);
	if (rename(tmp.buf, file))
		unlink(tmp.buf);
out:
	strbuf_release(&tmp);
}

void cache_save(struct cache *c)
{
	struct strbuf sb = STRBUF_INIT;
	struct timespec now;
	char sum[SUMLEN + 1];
	uint64_t prog[2];
	size_t i, kept = 0;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		kept += c->v[i].used;
	if (!c->dirty && kept == c->n)
		return;
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_entry);
	c->nsorted = c->n;
	clock_gettime(CLOCK_REALTIME, &now);
	strbuf_addstr(&sb, MAGIC);
	cache_program_key(prog);
	put_u64(&sb, prog[0]);
	put_u64(&sb, prog[1]);
	put_u64(&sb, (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec);
	put_u32(&sb, (uint32_t)kept);
	for (i = 0; i < c->n; i++) {
		int k;

		if (!c->v[i].used)
			continue;
		put_u32(&sb, (uint32_t)strlen(c->v[i].path) + 1);
		strbuf_add(&sb, c->v[i].path, strlen(c->v[i].path) + 1);
		for (k = 0; k < 5; k++)
			put_u64(&sb, c->v[i].key[k]);
		put_u32(&sb, (uint32_t)c->v[i].len);
		strbuf_add(&sb, c->v[i].blob, c->v[i].len);
	}
	binio_checksum(sum, sb.buf, sb.len);
	strbuf_add(&sb, sum, SUMLEN);
	cache_write_file(c->file, sb.buf, sb.len);
	strbuf_release(&sb);
}

void cache_free(struct cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		if (c->v[i].owned) {
			free((char *)c->v[i].path);
			free((char *)c->v[i].blob);
		}
	}
	free(c->v);
	free(c->file);
	strbuf_release(&c->data);
	free(c);
}
