/*
 * source/worktree.c: lists and reads revision files from the file system.
 * Folders are read in name order so that listings, and therefore every
 * message about the first bad file, are the same on every run.
 */
#include "source.h"
#include "cache.h"
#include "revfile.h"
#include "usage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sha1.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int source_is_revision_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	if (n > 4 && !strcmp(name + n - 4, ".sql"))
		return 1;
	if (n > 3 && !strcmp(name + n - 3, ".py"))
		return strcmp(name, "__init__.py") != 0;
	return 0;
}

/*
 * git's own formula: SHA-1 of "blob <size>" and a NUL, then the bytes.
 * libmd does the hashing (dpkg needs it, so every Debian has it); libgit2
 * is not loaded for it.
 */
void source_blob_id(char out[41], const char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA1_DIGEST_LENGTH];
	char head[32];
	SHA1_CTX ctx;
	int n = snprintf(head, sizeof(head), "blob %zu", len);
	size_t i;

	SHA1Init(&ctx);
	SHA1Update(&ctx, (const uint8_t *)head, (size_t)n + 1);
	SHA1Update(&ctx, (const uint8_t *)buf, len);
	SHA1Final(digest, &ctx);
	for (i = 0; i < SHA1_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[40] = '\0';
}

void source_add(struct source *s, const char *path, char *data, size_t len)
{
	struct source_file *f;

	ALLOC_GROW(s->files, s->nfiles + 1, s->alloc);
	f = &s->files[s->nfiles++];
	f->path = xstrdup(path);
	f->data = data;
	f->len = len;
	f->rf = NULL;
	memset(&f->st, 0, sizeof(f->st));
	if (s->no_blobs)
		f->blob[0] = '\0';
	else
		source_blob_id(f->blob, data, len);
}

void source_free(struct source *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].data);
		revfile_free(s->files[i].rf);
	}
	free(s->files);
	free(s->root);
	for (i = 0; i < s->ndirs; i++)
		free(s->dirs[i]);
	free(s->dirs);
	free(s->dir_st);
	for (i = 0; i < s->nlocations; i++)
		free(s->locations[i]);
	free(s->locations);
	free(s);
}

struct named {
	char *name;
	unsigned char type;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Sort names (and their d_type) by name. */
static void sort_names(char **names, unsigned char *types, size_t n)
{
	struct named *v = xmalloc((n ? n : 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].name = names[i];
		v[i].type = types[i];
	}
	qsort(v, n, sizeof(*v), cmp_named);
	for (i = 0; i < n; i++) {
		names[i] = v[i].name;
		types[i] = v[i].type;
	}
	free(v);
}

int source_read_file(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t size, got = 0;
	char *buf;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	buf = xmalloc(size + 1);
	for (;;) {
		char probe[512];
		ssize_t r;

		if (got == size) {
			/* the end, unless the file grew since fstat */
			r = read(fd, probe, sizeof(probe));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				if (r < 0) {
					free(buf);
					close(fd);
					return -1;
				}
				break;
			}
			size = size * 2 + (size_t)r + 4096;
			buf = xrealloc(buf, size + 1);
			memcpy(buf + got, probe, (size_t)r);
			got += (size_t)r;
			continue;
		}
		r = read(fd, buf + got, size - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/*
 * The revision files under dir. With scan set, only their paths and stat
 * data (source_worktree_fill() reads them later); else their headers
 * from the cache or, failing that, their bytes.
 */
static int read_dir(struct source *s, const char *dir, int recursive,
		    int depth, struct cache *cache, int scan, struct strbuf *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	unsigned char *types = NULL;
	size_t n = 0, alloc = 0, talloc = 0, i, dirlen;
	struct strbuf path = STRBUF_INIT;
	int ret = -1;

	if (depth > 40) {
		strbuf_addf(err, "version location '%s' nests too deeply (a symlink loop?)", dir);
		return -1;
	}
	d = opendir(dir);
	if (!d) {
		strbuf_addf(err, "cannot read version location '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (scan) {
		/* before the names: a name added while they are read changes it */
		struct stat dst;

		if (fstat(dirfd(d), &dst)) {
			s->dirs_complete = 0;
		} else {
			ALLOC_GROW(s->dirs, s->ndirs + 1, s->dirs_alloc);
			ALLOC_GROW(s->dir_st, s->ndirs + 1, s->dir_st_alloc);
			s->dirs[s->ndirs] = xstrdup(dir);
			s->dir_st[s->ndirs++] = dst;
		}
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "__pycache__"))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		ALLOC_GROW(types, n + 1, talloc);
		names[n] = xstrdup(de->d_name);
		types[n++] = de->d_type;
	}
	sort_names(names, types, n);
	strbuf_addstr(&path, dir);
	strbuf_addch(&path, '/');
	dirlen = path.len;
	for (i = 0; i < n; i++) {
		int is_dir = types[i] == DT_DIR, is_reg = types[i] == DT_REG;
		struct stat st;

		strbuf_setlen(&path, dirlen);
		strbuf_addstr(&path, names[i]);
		/*
		 * A plain file relative to the open folder: the kernel then
		 * walks one name, not the whole path. A symbolic link by its
		 * whole path, whose resolution counts every link on the way
		 * (ELOOP for a loop).
		 */
		if (scan && (types[i] == DT_UNKNOWN || types[i] == DT_LNK))
			/*
			 * what a link names can change while the folder does
			 * not: its listing cannot stand for a scan
			 */
			s->dirs_complete = 0;
		if (cache || scan || types[i] == DT_UNKNOWN || types[i] == DT_LNK) {
			if (types[i] == DT_REG ? fstatat(dirfd(d), names[i], &st, 0)
					       : stat(path.buf, &st)) {
				if (errno == ELOOP) {
					strbuf_addf(err, "cannot read '%s': %s", path.buf, strerror(errno));
					goto cleanup;
				}
				continue;
			}
			is_dir = S_ISDIR(st.st_mode);
			is_reg = S_ISREG(st.st_mode);
		}
		if (is_dir) {
			if (recursive && read_dir(s, path.buf, recursive, depth + 1, cache, scan, err))
				goto cleanup;
		} else if (is_reg && source_is_revision_name(names[i])) {
			char *buf;
			size_t len;
			struct revfile *rf = scan ? NULL : cache_lookup(cache, path.buf, &st);

			if (rf || scan) {
				struct source_file *f;

				ALLOC_GROW(s->files, s->nfiles + 1, s->alloc);
				f = &s->files[s->nfiles++];
				memset(f, 0, sizeof(*f));
				f->path = xstrdup(path.buf);
				f->rf = rf;
				f->st = st;
				continue;
			}
			if (source_read_file(path.buf, &buf, &len)) {
				strbuf_addf(err, "cannot read '%s': %s", path.buf, strerror(errno));
				goto cleanup;
			}
			source_add(s, path.buf, buf, len);
			if (cache)
				s->files[s->nfiles - 1].st = st;
		}
	}
	ret = 0;
cleanup:
	closedir(d);
	strbuf_release(&path);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(types);
	return ret;
}

static int read_dirs(struct source **out, char *const *dirs, size_t ndirs,
		     int recursive, struct cache *cache, int no_blobs,
		     struct strbuf *err)
{
	struct source *s = xcalloc(1, sizeof(*s));
	size_t i;

	*out = NULL;
	s->no_blobs = no_blobs;
	for (i = 0; i < ndirs; i++) {
		if (read_dir(s, dirs[i], recursive, 0, cache, 0, err)) {
			source_free(s);
			return -1;
		}
	}
	*out = s;
	return 0;
}

int source_worktree_cached(struct source **out, char *const *dirs,
			   size_t ndirs, int recursive, struct cache *cache,
			   struct strbuf *err)
{
	/* a cached read is a read-only command: no log rows, no blob ids */
	return read_dirs(out, dirs, ndirs, recursive, cache, cache != NULL, err);
}

int source_worktree_scan(struct source **out, char *const *dirs, size_t ndirs,
			 int recursive, struct strbuf *err)
{
	struct source *s = xcalloc(1, sizeof(*s));
	size_t i;

	*out = NULL;
	s->no_blobs = 1;
	s->dirs_complete = 1;
	s->recursive = recursive;
	s->nlocations = ndirs;
	s->locations = xcalloc(ndirs + 1, sizeof(*s->locations));
	for (i = 0; i < ndirs; i++)
		s->locations[i] = xstrdup(dirs[i]);
	for (i = 0; i < ndirs; i++) {
		if (read_dir(s, dirs[i], recursive, 0, NULL, 1, err)) {
			source_free(s);
			return -1;
		}
	}
	*out = s;
	return 0;
}

int source_worktree_fill(struct source *s, struct cache *cache, struct strbuf *err)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++) {
		struct source_file *f = &s->files[i];

		if (f->data || f->rf)
			continue;
		f->rf = cache_lookup(cache, f->path, &f->st);
		if (!f->rf && source_read_file(f->path, &f->data, &f->len)) {
			strbuf_addf(err, "cannot read '%s': %s", f->path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int source_worktree(struct source **out, char *const *dirs, size_t ndirs,
		    int recursive, struct strbuf *err)
{
	return source_worktree_cached(out, dirs, ndirs, recursive, NULL, err);
}

int source_worktree_unhashed(struct source **out, char *const *dirs, size_t ndirs,
			     int recursive, struct strbuf *err)
{
	return read_dirs(out, dirs, ndirs, recursive, NULL, 1, err);
}

void source_hash_blobs(struct source *s)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++) {
		struct source_file *f = &s->files[i];

		if (!f->blob[0] && f->data)
			source_blob_id(f->blob, f->data, f->len);
	}
	s->no_blobs = 0;
}
