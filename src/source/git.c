/*
 * source/git.c: reads revision files from git through libgit2, from a
 * commit's tree (--at TREE-ISH) or from the index (--staged). The index
 * is the one git hands a hook: GIT_INDEX_FILE when set (git commit -a and
 * git commit <paths> use a temporary index), else the repository's; its
 * entries come from gitindex.c where it can read them, else libgit2.
 * Folders are given as absolute paths and mapped into the repository.
 * The repository is found as git finds it for a hook ($GIT_DIR and
 * $GIT_WORK_TREE first), and the protected ref that check compares
 * against is looked up here, so that only source/ and dbrefs.c talk to
 * libgit2.
 */
#include "source.h"
#include "gitindex.h"
#include "usage.h"
#include "gitlib.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Add a file; data may be NULL (listed, not read yet). */
static void add_file(struct source *s, const char *path, char *data, size_t len,
		     const git_oid *oid)
{
	struct source_file *f;

	ALLOC_GROW(s->files, s->nfiles + 1, s->alloc);
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->data = data;
	f->len = len;
	git_oid_tostr(f->blob, sizeof(f->blob), oid);
}

/*
 * Read one blob straight from the object database: no object cache (a
 * hook reads ten thousand blobs once each) and no second hash, since git
 * already names the bytes.
 */
static int read_blob(char **data, size_t *len, git_odb *odb, const git_oid *oid,
		     const char *path, struct strbuf *err)
{
	git_odb_object *obj = NULL;

	if (git_odb_read(&obj, odb, oid)) {
		lg2_error(err, path);
		return -1;
	}
	if (git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		strbuf_addf(err, "%s: not a blob", path);
		git_odb_object_free(obj);
		return -1;
	}
	*len = git_odb_object_size(obj);
	*data = xmalloc(*len + 1);
	memcpy(*data, git_odb_object_data(obj), *len);
	(*data)[*len] = '\0';
	git_odb_object_free(obj);
	return 0;
}

static int add_blob(struct source *s, git_odb *odb, const git_oid *oid,
		    const char *path, int list_only, struct strbuf *err)
{
	char *data = NULL;
	size_t len = 0;

	if (!list_only && read_blob(&data, &len, odb, oid, path, err))
		return -1;
	add_file(s, path, data, len, oid);
	return 0;
}

struct want {
	source_want_fn fn;
	void *data;
	int list_only;
};

static int wanted(const struct want *w, const char *path, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (!w->fn)
		return 1;
	git_oid_tostr(hex, sizeof(hex), oid);
	return w->fn(path, hex, w->data);
}

static int read_tree(struct source *s, git_repository *repo, git_odb *odb,
		     git_tree *tree, const char *prefix, int recursive,
		     const struct want *w, struct strbuf *err)
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
				ret = read_tree(s, repo, odb, sub, path.buf, recursive, w, err);
				git_tree_free(sub);
			}
		} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
			   git_tree_entry_filemode(e) != GIT_FILEMODE_LINK &&
			   source_is_revision_name(name) &&
			   wanted(w, path.buf, git_tree_entry_id(e))) {
			ret = add_blob(s, odb, git_tree_entry_id(e), path.buf, w->list_only, err);
		}
		strbuf_release(&path);
		if (ret)
			return -1;
	}
	return 0;
}

/* 1 if the index entry at path, with mode, is a revision file under prefix */
static int in_location(const char *path, unsigned mode, const char *prefix, size_t plen,
		       int recursive)
{
	const char *rest, *slash, *name;

	if (plen) {
		if (strncmp(path, prefix, plen) || path[plen] != '/')
			return 0;
		rest = path + plen + 1;
	} else {
		rest = path;
	}
	slash = strrchr(rest, '/');
	if (slash && !recursive)
		return 0;
	name = slash ? slash + 1 : rest;
	return (mode & 0170000) == 0100000 && source_is_revision_name(name);
}

static int read_index(struct source *s, git_odb *odb, git_index *idx,
		      const char *prefix, int recursive, const struct want *w,
		      struct strbuf *err)
{
	size_t i, n = git_index_entrycount(idx), plen = strlen(prefix);

	for (i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);

		if (git_index_entry_stage(e) != 0 ||
		    !in_location(e->path, e->mode, prefix, plen, recursive) ||
		    !wanted(w, e->path, &e->id))
			continue;
		if (add_blob(s, odb, &e->id, e->path, w->list_only, err))
			return -1;
	}
	return 0;
}

/*
 * The index read by gitindex.c rather than libgit2 (see gitindex.h):
 * the revision files under any of the folders, in the index's order,
 * which read_staged() then takes folder by folder as read_index() does.
 */
struct staged_entry {
	char *path;
	unsigned mode;
	git_oid id;
};

struct staged {
	struct staged_entry *v;
	size_t n, alloc;
	char **rels;
	size_t *plens, nrels;
	int recursive;
};

static int collect_staged(const struct gitindex_entry *e, void *data)
{
	struct staged *st = data;
	struct staged_entry *se;
	size_t k;

	if (e->stage)
		return 0;
	for (k = 0; k < st->nrels; k++)
		if (in_location(e->path, e->mode, st->rels[k], st->plens[k], st->recursive))
			break;
	if (k == st->nrels)
		return 0;
	ALLOC_GROW(st->v, st->n + 1, st->alloc);
	se = &st->v[st->n++];
	se->path = xstrndup(e->path, e->path_len);
	se->mode = e->mode;
	git_oid_fromraw(&se->id, e->oid);
	return 0;
}

static int read_staged(struct source *s, git_odb *odb, const struct staged *st, size_t k,
		       const struct want *w, struct strbuf *err)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		const struct staged_entry *e = &st->v[i];

		if ((st->nrels > 1 && !in_location(e->path, e->mode, st->rels[k], st->plens[k],
						   st->recursive)) ||
		    !wanted(w, e->path, &e->id))
			continue;
		if (add_blob(s, odb, &e->id, e->path, w->list_only, err))
			return -1;
	}
	return 0;
}

/*
 * 0 when gitindex.c read the index at path into st. libgit2 sorts the
 * entries of a repository with core.ignorecase without regard to case;
 * that order, and every index gitindex.c leaves alone, is libgit2's.
 */
static int read_index_file(struct staged *st, git_repository *repo, const char *path)
{
	git_config *cfg = NULL;
	int icase = 1;

	if (!git_repository_config_snapshot(&cfg, repo) &&
	    git_config_get_bool(&icase, cfg, "core.ignorecase"))
		icase = 0;
	git_config_free(cfg);
	if (icase || gitindex_read(path, collect_staged, st)) {
		size_t i;

		for (i = 0; i < st->n; i++)
			free(st->v[i].path);
		st->n = 0;
		if (getenv("DBMIG_TRACE"))
			fprintf(stderr, "trace: the index is read by libgit2\n");
		return -1;
	}
	return 0;
}

int source_git(struct source **out, const char *at, char *const *dirs,
	       size_t ndirs, int recursive, struct strbuf *err)
{
	return source_git_select(out, at, dirs, ndirs, recursive, NULL, NULL, err);
}

static int select_files(struct source **out, const char *at, char *const *dirs,
			size_t ndirs, int recursive, const struct want *wp,
			struct strbuf *err);

int source_git_select(struct source **out, const char *at, char *const *dirs,
		      size_t ndirs, int recursive, source_want_fn want,
		      void *want_data, struct strbuf *err)
{
	struct want w = { want, want_data, 0 };

	return select_files(out, at, dirs, ndirs, recursive, &w, err);
}

int source_git_list(struct source **out, const char *at, char *const *dirs,
		    size_t ndirs, int recursive, struct strbuf *err)
{
	struct want w = { NULL, NULL, 1 };

	return select_files(out, at, dirs, ndirs, recursive, &w, err);
}

int source_git_fill(struct source *s, struct strbuf *err)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	size_t i;
	int ret = -1;

	if (source_git_repo_open(&repo, err))
		return -1;
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (git_repository_odb(&odb, repo)) {
		lg2_error(err, "cannot open the object database");
		goto cleanup;
	}
	for (i = 0; i < s->nfiles; i++) {
		struct source_file *f = &s->files[i];
		git_oid oid;

		if (f->data)
			continue;
		if (git_oid_fromstr(&oid, f->blob))
			BUG("no blob id for %s", f->path);
		if (read_blob(&f->data, &f->len, odb, &oid, f->path, err))
			goto cleanup;
	}
	ret = 0;
cleanup:
	git_odb_free(odb);
	git_repository_free(repo);
	return ret;
}

static int select_files(struct source **out, const char *at, char *const *dirs,
			size_t ndirs, int recursive, const struct want *wp,
			struct strbuf *err)
{
	struct want w = *wp;
	struct source *s = xcalloc(1, sizeof(*s));
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_tree *root = NULL;
	git_index *idx = NULL;
	git_odb *odb = NULL;
	struct staged st = { 0 };
	const char *workdir;
	size_t i;
	int ret = -1, fast = 0;

	*out = NULL;
	{
		struct strbuf why = STRBUF_INIT;

		if (source_git_repo_open(&repo, &why)) {
			strbuf_addf(err, "%s needs a git repository: %s",
				    at ? "--at" : "--staged", why.buf);
			strbuf_release(&why);
			goto cleanup;
		}
		strbuf_release(&why);
	}
	/*
	 * git does not re-hash what it reads from its own object store, and
	 * for a hook reading every revision file the hash is the largest
	 * single cost; the ids still come from the index or the tree.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (git_repository_odb(&odb, repo)) {
		lg2_error(err, "cannot open the object database");
		goto cleanup;
	}
	workdir = git_repository_workdir(repo);
	if (!workdir) {
		strbuf_addstr(err, "a bare repository has no work tree to map the version locations into");
		goto cleanup;
	}
	{
		char real[PATH_MAX];
		size_t n;

		s->root = xstrdup(realpath(workdir, real) ? real : workdir);
		n = strlen(s->root);
		while (n > 1 && s->root[n - 1] == '/')
			s->root[--n] = '\0';
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
		struct strbuf path = STRBUF_INIT;

		st.rels = xcalloc(ndirs + 1, sizeof(*st.rels));
		st.plens = xcalloc(ndirs + 1, sizeof(*st.plens));
		st.recursive = recursive;
		for (i = 0; i < ndirs; i++) {
			st.rels[i] = relative_to(workdir, dirs[i]);
			if (!st.rels[i]) {
				strbuf_addf(err, "version location '%s' is outside the repository",
					    dirs[i]);
				goto cleanup;
			}
			st.plens[i] = strlen(st.rels[i]);
			st.nrels = i + 1;
		}
		if (file && *file)
			strbuf_addstr(&path, file);
		else
			strbuf_addf(&path, "%sindex", git_repository_path(repo));
		fast = !read_index_file(&st, repo, path.buf);
		strbuf_release(&path);
		if (fast) {
			/* read_index_file() read it */
		} else if (file && *file) {
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
		if (fast) {
			r = read_staged(s, odb, &st, i, &w, err);
		} else if (root) {
			git_tree_entry *te = NULL;
			git_tree *sub = NULL;

			if (!*rel) {
				r = read_tree(s, repo, odb, root, rel, recursive, &w, err);
			} else if (git_tree_entry_bypath(&te, root, rel)) {
				r = 0; /* the folder is not in that commit: no revisions */
			} else if (git_tree_lookup(&sub, repo, git_tree_entry_id(te))) {
				lg2_error(err, rel);
				r = -1;
			} else {
				r = read_tree(s, repo, odb, sub, rel, recursive, &w, err);
			}
			git_tree_free(sub);
			git_tree_entry_free(te);
		} else {
			r = read_index(s, odb, idx, rel, recursive, &w, err);
		}
		free(rel);
		if (r)
			goto cleanup;
	}
	*out = s;
	s = NULL;
	ret = 0;
cleanup:
	for (i = 0; i < st.n; i++)
		free(st.v[i].path);
	free(st.v);
	for (i = 0; i < st.nrels; i++)
		free(st.rels[i]);
	free(st.rels);
	free(st.plens);
	source_free(s);
	git_odb_free(odb);
	git_index_free(idx);
	git_tree_free(root);
	git_object_free(obj);
	git_repository_free(repo);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The repository and the protected ref                                */

/*
 * libgit2 1.5's git_repository_set_workdir() leaks its path buffer when
 * the folder is the one the repository has already (it compares real
 * paths): skip the call then.
 */
static int set_workdir(git_repository *repo, const char *dir)
{
	const char *cur = git_repository_workdir(repo);
	char a[PATH_MAX], b[PATH_MAX];

	if (cur && realpath(cur, a) && realpath(dir, b) && !strcmp(a, b))
		return 0;
	return git_repository_set_workdir(repo, dir, 0);
}

int source_git_repo_open(struct git_repository **out, struct strbuf *err)
{
	const char *gitdir = getenv("GIT_DIR"), *worktree = getenv("GIT_WORK_TREE");
	git_repository *repo = NULL;
	char cwd[PATH_MAX];

	*out = NULL;
	git_libgit2_init();
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, ".");
	if (gitdir && *gitdir) {
		if (git_repository_open_ext(&repo, gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) {
			strbuf_addf(err, "GIT_DIR '%s' is not a git repository", gitdir);
			return SOURCE_NO_REPO;
		}
	} else if (git_repository_open_ext(&repo, ".", 0, getenv("GIT_CEILING_DIRECTORIES"))) {
		strbuf_addf(err, "not a git repository (or any of the parent directories): %s", cwd);
		return SOURCE_NO_REPO;
	}
	if (worktree && *worktree) {
		if (set_workdir(repo, worktree)) {
			lg2_error(err, worktree);
			git_repository_free(repo);
			return -1;
		}
	} else if (gitdir && *gitdir && !git_repository_is_bare(repo)) {
		/*
		 * git's rule for GIT_DIR without GIT_WORK_TREE: core.worktree
		 * if set, else the current folder is the top of the work tree.
		 * libgit2 would take the git folder's parent instead.
		 */
		git_config *cfg = NULL;
		git_buf wt = GIT_BUF_INIT;
		int has = 0;

		if (!git_repository_config_snapshot(&cfg, repo))
			has = !git_config_get_string_buf(&wt, cfg, "core.worktree");
		git_buf_dispose(&wt);
		git_config_free(cfg);
		if (!has && set_workdir(repo, cwd)) {
			lg2_error(err, cwd);
			git_repository_free(repo);
			return -1;
		}
	}
	*out = repo;
	return 0;
}

struct refspec_match {
	const char *merge;
	git_buf *out;
	int found;
};

static int match_fetch_refspec(const git_config_entry *e, void *data)
{
	struct refspec_match *m = data;
	git_refspec *spec = NULL;

	if (m->found || git_refspec_parse(&spec, e->value, 1))
		return 0;
	if (git_refspec_src_matches(spec, m->merge) &&
	    !git_refspec_transform(m->out, spec, m->merge))
		m->found = 1;
	git_refspec_free(spec);
	return 0;
}

/*
 * The remote-tracking ref of a branch's upstream, as git computes it:
 * branch.<name>.remote and branch.<name>.merge, mapped through the
 * remote's fetch refspecs ("." is the local repository). Done from the
 * config rather than with git_branch_upstream_name(), whose remote lookup
 * leaks in libgit2 1.5.1. Returns 0 and fills out, or -1 when there is
 * no upstream.
 */
static int upstream_of(git_buf *out, git_config *cfg, const char *branch)
{
	struct strbuf key = STRBUF_INIT;
	git_buf remote = GIT_BUF_INIT, merge = GIT_BUF_INIT;
	const char *name;
	int ret = -1;

	if (strncmp(branch, "refs/heads/", 11))
		return -1;
	name = branch + 11;
	strbuf_addf(&key, "branch.%s.remote", name);
	if (git_config_get_string_buf(&remote, cfg, key.buf))
		goto cleanup;
	strbuf_setf(&key, "branch.%s.merge", name);
	if (git_config_get_string_buf(&merge, cfg, key.buf))
		goto cleanup;
	if (!strcmp(remote.ptr, ".")) {
		ret = git_buf_set(out, merge.ptr, strlen(merge.ptr)) ? -1 : 0;
	} else {
		struct refspec_match m = { merge.ptr, out, 0 };

		strbuf_setf(&key, "remote.%s.fetch", remote.ptr);
		git_config_get_multivar_foreach(cfg, key.buf, NULL, match_fetch_refspec, &m);
		ret = m.found ? 0 : -1;
	}
cleanup:
	git_error_clear();
	git_buf_dispose(&remote);
	git_buf_dispose(&merge);
	strbuf_release(&key);
	return ret;
}

int source_git_protected_ref(char **out, char id[41], struct strbuf *err)
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	git_object *obj = NULL;
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	struct strbuf ignore = STRBUF_INIT;
	int r, ret = 0;

	*out = NULL;
	r = source_git_repo_open(&repo, &ignore);
	strbuf_release(&ignore);
	if (r)
		return 0; /* no repository: nothing is protected */
	if (git_repository_config_snapshot(&cfg, repo)) {
		lg2_error(err, "cannot read the git configuration");
		ret = -1;
		goto cleanup;
	}
	r = git_config_get_string_buf(&buf, cfg, "dbmig.protectedRef");
	if (!r) {
		if (!*buf.ptr)
			goto cleanup; /* explicitly turned off */
		if (git_revparse_single(&obj, repo, buf.ptr)) {
			strbuf_addf(err, "dbmig.protectedRef '%s' names no commit", buf.ptr);
			ret = -1;
			goto cleanup;
		}
		*out = xstrdup(buf.ptr);
		if (id)
			git_oid_tostr(id, 41, git_object_id(obj));
		goto cleanup;
	}
	if (r != GIT_ENOTFOUND) {
		lg2_error(err, "dbmig.protectedRef");
		ret = -1;
		goto cleanup;
	}
	/* The default: the current branch's upstream, when it exists. */
	if (git_repository_head(&head, repo) || !git_reference_is_branch(head))
		goto cleanup;
	git_buf_dispose(&buf);
	if (upstream_of(&buf, cfg, git_reference_name(head)))
		goto cleanup;
	if (git_revparse_single(&obj, repo, buf.ptr))
		goto cleanup;
	*out = xstrdup(buf.ptr);
	if (id)
		git_oid_tostr(id, 41, git_object_id(obj));
cleanup:
	git_error_clear();
	git_object_free(obj);
	git_reference_free(head);
	git_buf_dispose(&buf);
	git_config_free(cfg);
	git_repository_free(repo);
	return ret;
}

int source_git_hooks_dir(char **out, struct strbuf *err)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	struct strbuf sb = STRBUF_INIT;
	int r, ret = -1;

	*out = NULL;
	if ((r = source_git_repo_open(&repo, err)))
		return r;
	if (git_repository_config_snapshot(&cfg, repo)) {
		lg2_error(err, "cannot read the git configuration");
		goto cleanup;
	}
	r = git_config_get_path(&buf, cfg, "core.hooksPath");
	if (!r && *buf.ptr) {
		/* git runs hooks from the top of the work tree (a bare
		 * repository: its git folder), so a relative path starts there */
		const char *top = git_repository_workdir(repo);

		if (buf.ptr[0] == '/')
			top = "";
		else if (!top)
			top = git_repository_path(repo);
		strbuf_addf(&sb, "%s%s", top, buf.ptr);
	} else if (r && r != GIT_ENOTFOUND) {
		lg2_error(err, "core.hooksPath");
		goto cleanup;
	} else {
		git_buf_dispose(&buf);
		if (git_repository_item_path(&buf, repo, GIT_REPOSITORY_ITEM_HOOKS)) {
			lg2_error(err, "cannot find the hooks folder");
			goto cleanup;
		}
		strbuf_addstr(&sb, buf.ptr);
	}
	while (sb.len > 1 && sb.buf[sb.len - 1] == '/')
		strbuf_setlen(&sb, sb.len - 1);
	*out = strbuf_detach(&sb, NULL);
	ret = 0;
cleanup:
	strbuf_release(&sb);
	git_buf_dispose(&buf);
	git_config_free(cfg);
	git_repository_free(repo);
	return ret;
}

int source_git_path(char **out, const char *name, struct strbuf *err)
{
	git_repository *repo = NULL;
	struct strbuf sb = STRBUF_INIT;
	int r;

	*out = NULL;
	if ((r = source_git_repo_open(&repo, err)))
		return r;
	strbuf_addf(&sb, "%s%s", git_repository_path(repo), name);
	git_repository_free(repo);
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

int source_git_config_string(char **out, const char *key, struct strbuf *err)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL, *snap = NULL;
	git_buf buf = GIT_BUF_INIT;
	struct strbuf ignore = STRBUF_INIT;
	int r, ret = 0;

	*out = NULL;
	/* outside a repository the global and system files still count */
	if (!source_git_repo_open(&repo, &ignore))
		r = git_repository_config_snapshot(&snap, repo);
	else
		r = git_config_open_default(&cfg) || git_config_snapshot(&snap, cfg);
	strbuf_release(&ignore);
	if (r) {
		lg2_error(err, "cannot read the git configuration");
		ret = -1;
		goto cleanup;
	}
	r = git_config_get_string_buf(&buf, snap, key);
	if (!r)
		*out = xstrdup(buf.ptr);
	else if (r != GIT_ENOTFOUND) {
		lg2_error(err, key);
		ret = -1;
	}
cleanup:
	git_buf_dispose(&buf);
	git_config_free(snap);
	git_config_free(cfg);
	git_repository_free(repo);
	return ret;
}

int source_git_materialise(char **out_top, const char *at, const char *dir,
			   struct strbuf *err)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_index *idx = NULL;
	git_checkout_options co;
	const char *workdir;
	int ret = -1;

	*out_top = NULL;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	if (source_git_repo_open(&repo, err))
		return -1;
	workdir = git_repository_workdir(repo);
	if (!workdir) {
		strbuf_addstr(err, "a bare repository has no work tree to run revisions from");
		goto cleanup;
	}
	co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
	co.target_directory = dir;
	if (at) {
		if (git_revparse_single(&obj, repo, at)) {
			strbuf_addf(err, "--at '%s' names no commit or tree", at);
			goto cleanup;
		}
		if (git_checkout_tree(repo, obj, &co)) {
			lg2_error(err, "cannot write the files of --at into a temporary folder");
			goto cleanup;
		}
	} else {
		const char *file = getenv("GIT_INDEX_FILE");

		if (file && *file ? git_index_open(&idx, file) : git_repository_index(&idx, repo)) {
			lg2_error(err, "cannot read the index");
			goto cleanup;
		}
		if (git_checkout_index(repo, idx, &co)) {
			lg2_error(err, "cannot write the staged files into a temporary folder");
			goto cleanup;
		}
	}
	*out_top = xstrdup(workdir);
	ret = 0;
cleanup:
	git_object_free(obj);
	git_index_free(idx);
	git_repository_free(repo);
	return ret;
}
