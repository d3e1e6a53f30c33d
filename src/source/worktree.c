/*
 * source/worktree.c: lists and reads revision files from the file system.
 * Folders are read in name order so that listings, and therefore every
 * message about the first bad file, are the same on every run.
 */
#include "source.h"
#include "usage.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void source_blob_id(char out[41], const char *buf, size_t len)
{
	git_oid oid;

	git_odb_hash(&oid, buf, len, GIT_OBJECT_BLOB);
	git_oid_tostr(out, 41, &oid);
}

void source_add(struct source *s, const char *path, char *data, size_t len)
{
	struct source_file *f;

	ALLOC_GROW(s->files, s->nfiles + 1, s->alloc);
	f = &s->files[s->nfiles++];
	f->path = xstrdup(path);
	f->data = data;
	f->len = len;
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
	}
	free(s->files);
	free(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_dir(struct source *s, const char *dir, int recursive,
		    int depth, struct strbuf *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
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
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "__pycache__"))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
		struct stat st;

		strbuf_addf(&path, "%s/%s", dir, names[i]);
		if (stat(path.buf, &st)) {
			if (errno == ELOOP) {
				strbuf_addf(err, "cannot read '%s': %s", path.buf, strerror(errno));
				strbuf_release(&path);
				goto cleanup;
			}
			strbuf_release(&path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (recursive && read_dir(s, path.buf, recursive, depth + 1, err)) {
				strbuf_release(&path);
				goto cleanup;
			}
		} else if (S_ISREG(st.st_mode) && source_is_revision_name(names[i])) {
			if (strbuf_read_file(&data, path.buf)) {
				strbuf_addf(err, "cannot read '%s': %s", path.buf, strerror(errno));
				strbuf_release(&path);
				strbuf_release(&data);
				goto cleanup;
			}
			{
				size_t len = data.len;
				char *buf = strbuf_detach(&data, NULL);

				source_add(s, path.buf, buf, len);
			}
		}
		strbuf_release(&path);
	}
	ret = 0;
cleanup:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

int source_worktree(struct source **out, char *const *dirs, size_t ndirs,
		    int recursive, struct strbuf *err)
{
	struct source *s = xcalloc(1, sizeof(*s));
	size_t i;

	*out = NULL;
	for (i = 0; i < ndirs; i++) {
		if (read_dir(s, dirs[i], recursive, 0, err)) {
			source_free(s);
			return -1;
		}
	}
	*out = s;
	return 0;
}
