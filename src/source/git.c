/*
 * source/git.c: reads revision files from git through libgit2, from a
 * commit's tree (--at TREE-ISH) or from the index (--staged). The index
 * is the one git hands a hook: GIT_INDEX_FILE when set (git commit -a and
 * git commit <paths> use a temporary index), else the repository's.
 * Folders are given as absolute paths and mapped into the repository.
 */
#include "source.h"
#include "usage.h"

#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void lg2_error(struct strbuf *err, const char *what)
{
	const git_error *e = git_error_last();

	strbuf_addf(err, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

/* The folder relative to the work tree, "" for the root, NULL if outside. */
static char *relative_to(const char *workdir, const char *dir)
{
	char wd[PATH_MAX], d[PATH_MAX];
	size_t n;

	if (!realpath(workdir, wd) || !realpath(dir, d)) {
		/* a folder missing from the work tree can still be in git */
		if (!realpath(workdir, wd))
			return NULL;
		if (dir[0] != '/')
			return NULL;
		strncpy(d, dir, sizeof(d) - 1);
		d[sizeof(d) - 1] = '\0';
	}
	n = strlen(wd);
	if (strncmp(wd, d, n))
		return NULL;
	if (d[n] == '\0')
		return xstrdup("");
	if (d[n] != '/')
		return NULL;
	return xstrdup(d + n + 1);
}

static int add_blob(struct source *s, git_repository *repo, const git_oid *oid,
		    const char *path, struct strbuf *err)
{
	git_blob *blob = NULL;
	size_t len;
	char *data;

	if (git_blob_lookup(&blob, repo, oid)) {
		lg2_error(err, path);
		return -1;
	}
	len = (size_t)git_blob_rawsize(blob);
	data = xmalloc(len + 1);
	memcpy(data, git_blob_rawcontent(blob), len);
	data[len] = '\0';
	source_add(s, path, data, len);
	git_blob_free(blob);
	return 0;
}

static int read_tree(struct source *s, git_repository *repo, git_tree *tree,
		     const char *prefix, int recursive, struct strbuf *err)
{
	size_t i, n = git_tree_entrycount(tree);

	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		struct strbuf path = STRBUF_INIT;
		int ret = 0;

		strbuf_addf(&path, "%s%s%s", prefix, *prefix ? "/" : "", name);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE && recursive) {
			git_tree *sub = NULL;

			if (git_tree_lookup(&sub, repo, git_tree_entry_id(e))) {
				lg2_error(err, path.buf);
				ret = -1;
			} else {
				ret = read_tree(s, repo, sub, path.buf, recursive, err);
				git_tree_free(sub);
			}
		} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
			   git_tree_entry_filemode(e) != GIT_FILEMODE_LINK &&
			   source_is_revision_name(name)) {
			ret = add_blob(s, repo, git_tree_entry_id(e), path.buf, err);
		}
		strbuf_release(&path);
		if (ret)
			return -1;
	}
	return 0;
}

static int read_index(struct source *s, git_repository *repo, git_index *idx,
		      const char *prefix, int recursive, struct strbuf *err)
{
	size_t i, n = git_index_entrycount(idx), plen = strlen(prefix);

	for (i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		const char *rest, *slash, *name;

		if (git_index_entry_stage(e) != 0)
			continue;
		if (plen) {
			if (strncmp(e->path, prefix, plen) || e->path[plen] != '/')
				continue;
			rest = e->path + plen + 1;
		} else {
			rest = e->path;
		}
		slash = strrchr(rest, '/');
		if (slash && !recursive)
			continue;
		name = slash ? slash + 1 : rest;
		if ((e->mode & 0170000) != 0100000 || !source_is_revision_name(name))
			continue;
		if (add_blob(s, repo, &e->id, e->path, err))
			return -1;
	}
	return 0;
}

int source_git(struct source **out, const char *at, char *const *dirs,
	       size_t ndirs, int recursive, struct strbuf *err)
{
	struct source *s = xcalloc(1, sizeof(*s));
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_tree *root = NULL;
	git_index *idx = NULL;
	const char *workdir;
	size_t i;
	int ret = -1;

	*out = NULL;
	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL)) {
		strbuf_addf(err, "%s needs a git repository: %s", at ? "--at" : "--staged",
			    git_error_last() && git_error_last()->message ?
			    git_error_last()->message : "not found");
		goto cleanup;
	}
	workdir = git_repository_workdir(repo);
	if (!workdir) {
		strbuf_addstr(err, "a bare repository has no work tree to map the version locations into");
		goto cleanup;
	}
	if (at) {
		if (git_revparse_single(&obj, repo, at)) {
			strbuf_addf(err, "--at '%s' names no commit or tree", at);
			goto cleanup;
		}
		if (git_object_peel((git_object **)&root, obj, GIT_OBJECT_TREE)) {
			strbuf_addf(err, "--at '%s' is not a tree-ish", at);
			goto cleanup;
		}
	} else {
		const char *file = getenv("GIT_INDEX_FILE");

		if (file && *file) {
			if (git_index_open(&idx, file)) {
				lg2_error(err, file);
				goto cleanup;
			}
		} else if (git_repository_index(&idx, repo)) {
			lg2_error(err, "cannot read the index");
			goto cleanup;
		}
	}
	for (i = 0; i < ndirs; i++) {
		char *rel = relative_to(workdir, dirs[i]);
		int r;

		if (!rel) {
			strbuf_addf(err, "version location '%s' is outside the repository", dirs[i]);
			goto cleanup;
		}
		if (root) {
			git_tree_entry *te = NULL;
			git_tree *sub = NULL;

			if (!*rel) {
				r = read_tree(s, repo, root, rel, recursive, err);
			} else if (git_tree_entry_bypath(&te, root, rel)) {
				r = 0; /* the folder is not in that commit: no revisions */
			} else if (git_tree_lookup(&sub, repo, git_tree_entry_id(te))) {
				lg2_error(err, rel);
				r = -1;
			} else {
				r = read_tree(s, repo, sub, rel, recursive, err);
			}
			git_tree_free(sub);
			git_tree_entry_free(te);
		} else {
			r = read_index(s, repo, idx, rel, recursive, err);
		}
		free(rel);
		if (r)
			goto cleanup;
	}
	*out = s;
	s = NULL;
	ret = 0;
cleanup:
	source_free(s);
	git_index_free(idx);
	git_tree_free(root);
	git_object_free(obj);
	git_repository_free(repo);
	return ret;
}
