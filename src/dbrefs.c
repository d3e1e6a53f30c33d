/*
 * dbrefs: the deterministic refs/dbmig/<LABEL> commit graphs (see
 * dbrefs.h). Every input of a commit id is fixed by the revision files
 * alone: the blob (the file's bytes), a tree made of that one file at its
 * repository path (mode 100644 whatever the file's mode), the parents
 * (the down_revisions' commits, declared order), the message, and a
 * fixed signature at time 0. Commits are made only for the revisions
 * some label's head stands on, parents first.
 *
 * It does not read revision files or check the graph; the caller loaded
 * and checked both.
 */
#include "dbrefs.h"
#include "source.h"
#include "usage.h"
#include "gitlib.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define DBMIG_NAME "git-dbmig"
#define DBMIG_EMAIL "dbmig@localhost"

static void lg2_error(struct strbuf *err, const char *what)
{
	const git_error *e = git_error_last();

	strbuf_addf(err, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

struct ctx {
	unsigned flags;
	git_repository *repo;
	git_odb *odb;
	git_signature *sig;
	char workdir[PATH_MAX];   /* real path, "" for a bare repository */
	const struct graph *g;
	git_oid *commit;          /* per revision */
	unsigned char *want;      /* per revision: needed by some label */
};

/* The file's path in the repository. */
static int repo_path(struct strbuf *out, const struct ctx *c, const struct rev *r,
		     struct strbuf *err)
{
	char real[PATH_MAX];
	size_t n = strlen(c->workdir);

	if (c->flags & DBREFS_FROM_GIT) {
		strbuf_addstr(out, r->path); /* already a repository path */
		return 0;
	}
	if (!realpath(r->path, real)) {
		strbuf_addf(err, "cannot resolve '%s'", r->path);
		return -1;
	}
	if (!n || strncmp(real, c->workdir, n) || real[n] != '/') {
		strbuf_addf(err, "%s: revision file is outside the work tree of the repository", r->path);
		return -1;
	}
	strbuf_addstr(out, real + n + 1);
	return 0;
}

static int blob_of(git_oid *out, struct ctx *c, const struct rev *r, struct strbuf *err)
{
	if (git_oid_fromstr(out, r->blob))
		BUG("no blob id for %s (were the bodies read?)", r->id);
	if (git_odb_exists(c->odb, out))
		return 0;
	if (c->flags & DBREFS_FROM_GIT) {
		strbuf_addf(err, "%s: blob %s of revision %s is not in the repository",
			    r->path, r->blob, r->id);
		return -1;
	}
	/* a work tree file that is not in git yet: the same bytes, the same id */
	if (git_blob_create_from_disk(out, c->repo, r->path)) {
		lg2_error(err, r->path);
		return -1;
	}
	return 0;
}

/* A tree holding only "path" (a/b/c.sql) with the blob. */
static int tree_of(git_oid *out, struct ctx *c, const char *path, const git_oid *blob,
		   struct strbuf *err)
{
	git_oid id = *blob;
	git_filemode_t mode = GIT_FILEMODE_BLOB;
	const char *end = path + strlen(path);

	while (end > path) {
		git_treebuilder *tb = NULL;
		const char *start = end;
		char *name;
		int r;

		while (start > path && start[-1] != '/')
			start--;
		name = xstrndup(start, (size_t)(end - start));
		r = git_treebuilder_new(&tb, c->repo, NULL) ||
		    git_treebuilder_insert(NULL, tb, name, &id, mode) ||
		    git_treebuilder_write(&id, tb);
		git_treebuilder_free(tb);
		free(name);
		if (r) {
			lg2_error(err, path);
			return -1;
		}
		mode = GIT_FILEMODE_TREE;
		end = start > path ? start - 1 : path;
	}
	*out = id;
	return 0;
}

static int commit_of(struct ctx *c, int v, struct strbuf *err)
{
	const struct graph *g = c->g;
	const struct rev *r = &g->revs[v];
	struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;
	const git_oid **parents = xcalloc(r->ndown + 1, sizeof(*parents));
	git_oid blob, tree;
	size_t j;
	int ret = -1;

	if (blob_of(&blob, c, r, err) || repo_path(&path, c, r, err) ||
	    tree_of(&tree, c, path.buf, &blob, err))
		goto cleanup;
	strbuf_addf(&msg, "%s\n\nRevision: %s\n",
		    r->rf->message && *r->rf->message ? r->rf->message : r->id, r->id);
	if (r->ndeps) {
		strbuf_addstr(&msg, "Depends-On: ");
		for (j = 0; j < r->ndeps; j++)
			strbuf_addf(&msg, "%s%s", j ? ", " : "", g->revs[r->deps[j]].id);
		strbuf_addch(&msg, '\n');
	}
	for (j = 0; j < r->ndown; j++)
		parents[j] = &c->commit[r->down[j]];
	if (git_commit_create_from_ids(&c->commit[v], c->repo, NULL, c->sig, c->sig, NULL,
				       msg.buf, &tree, r->ndown, parents)) {
		lg2_error(err, r->id);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(parents);
	strbuf_release(&path);
	strbuf_release(&msg);
	return ret;
}

/* Commits of every wanted revision, parents first. */
static int make_commits(struct ctx *c, struct strbuf *err)
{
	const struct graph *g = c->g;
	size_t *left = xcalloc(g->nr + 1, sizeof(*left));
	int *stack = xmalloc((g->nr + 1) * sizeof(*stack));
	size_t i, nstack = 0;
	int ret = -1;

	for (i = 0; i < g->nr; i++) {
		left[i] = g->revs[i].ndown;
		if (!left[i])
			stack[nstack++] = (int)i;
	}
	while (nstack) {
		int v = stack[--nstack];
		const struct rev *r = &g->revs[v];

		if (c->want[v] && commit_of(c, v, err))
			goto cleanup;
		for (i = 0; i < r->nnext; i++)
			if (!--left[r->next[i]])
				stack[nstack++] = r->next[i];
	}
	ret = 0;
cleanup:
	free(stack);
	free(left);
	return ret;
}

static struct dbrefs_change *add_change(struct dbrefs_result *out, const char *ref)
{
	struct dbrefs_change *ch;

	ALLOC_GROW(out->changes, out->nr + 1, out->alloc);
	ch = &out->changes[out->nr++];
	memset(ch, 0, sizeof(*ch));
	ch->ref = xstrdup(ref);
	return ch;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Delete refs/dbmig/<name> whose name is no label. */
static int prune(struct ctx *c, struct dbrefs_result *out, unsigned flags, struct strbuf *err)
{
	git_reference_iterator *it = NULL;
	const char *name;
	char **stale = NULL;
	size_t nstale = 0, alloc = 0, i;
	size_t plen = strlen(DBREFS_PREFIX);
	int r, ret = -1;

	if (git_reference_iterator_new(&it, c->repo)) {
		lg2_error(err, "cannot list the refs");
		return -1;
	}
	while (!(r = git_reference_next_name(&name, it))) {
		if (strncmp(name, DBREFS_PREFIX, plen))
			continue;
		if (!strchr(name + plen, '/') && graph_find_label(c->g, name + plen) >= 0)
			continue;
		ALLOC_GROW(stale, nstale + 1, alloc);
		stale[nstale++] = xstrdup(name);
	}
	if (r != GIT_ITEROVER) {
		lg2_error(err, "cannot list the refs");
		goto cleanup;
	}
	if (nstale)
		qsort(stale, nstale, sizeof(*stale), cmp_str);
	for (i = 0; i < nstale; i++) {
		struct dbrefs_change *ch = add_change(out, stale[i]);
		git_oid old;

		ch->action = DBREFS_DELETED;
		if (!git_reference_name_to_id(&old, c->repo, stale[i]))
			git_oid_tostr(ch->old_id, sizeof(ch->old_id), &old);
		if (!(flags & DBREFS_DRY_RUN) && git_reference_remove(c->repo, stale[i])) {
			lg2_error(err, stale[i]);
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	for (i = 0; i < nstale; i++)
		free(stale[i]);
	free(stale);
	git_reference_iterator_free(it);
	return ret;
}

int dbrefs_update(struct dbrefs_result *out, const struct graph *g,
		  unsigned flags, struct strbuf *err)
{
	struct ctx c = { 0 };
	int *target = xcalloc(g->nlabels + 1, sizeof(*target));
	size_t i, k;
	int ret = -1;

	c.g = g;
	c.flags = flags;
	c.commit = xcalloc(g->nr + 1, sizeof(*c.commit));
	c.want = xcalloc(g->nr + 1, 1);
	{
		struct strbuf why = STRBUF_INIT;

		if (source_git_repo_open(&c.repo, &why)) {
			strbuf_addf(err, "refs needs a git repository: %s", why.buf);
			strbuf_release(&why);
			goto cleanup;
		}
		strbuf_release(&why);
	}
	if (git_repository_odb(&c.odb, c.repo) ||
	    git_signature_new(&c.sig, DBMIG_NAME, DBMIG_EMAIL, 0, 0)) {
		lg2_error(err, "cannot prepare the commits");
		goto cleanup;
	}
	if (git_repository_workdir(c.repo) && !realpath(git_repository_workdir(c.repo), c.workdir))
		c.workdir[0] = '\0';

	/* Each label's head: the first head by id that carries it. */
	for (k = 0; k < g->nlabels; k++) {
		target[k] = -1;
		for (i = 0; i < g->nheads; i++) {
			if (graph_rev_has_label(g, g->heads[i], g->labels[k].name)) {
				target[k] = g->heads[i];
				break;
			}
		}
		if (target[k] < 0)
			target[k] = g->labels[k].rev; /* cannot happen: labels spread to heads */
	}
	graph_ancestors(g, target, g->nlabels, 0, c.want);
	if (make_commits(&c, err))
		goto cleanup;

	for (k = 0; k < g->nlabels; k++) {
		struct strbuf ref = STRBUF_INIT, others = STRBUF_INIT;
		struct dbrefs_change *ch;
		git_reference *nref = NULL;
		git_oid old;
		int valid = 0, had;

		strbuf_addf(&ref, DBREFS_PREFIX "%s", g->labels[k].name);
		ch = add_change(out, ref.buf);
		ch->head = g->revs[target[k]].id;
		for (i = 0; i < g->nheads; i++)
			if (g->heads[i] != target[k] &&
			    graph_rev_has_label(g, g->heads[i], g->labels[k].name))
				strbuf_addf(&others, "%s%s", others.len ? ", " : "", g->revs[g->heads[i]].id);
		if (others.len)
			ch->other_heads = strbuf_detach(&others, NULL);
		strbuf_release(&others);
		if (git_reference_name_is_valid(&valid, ref.buf) || !valid) {
			ch->action = DBREFS_SKIPPED;
			strbuf_release(&ref);
			continue;
		}
		git_oid_tostr(ch->new_id, sizeof(ch->new_id), &c.commit[target[k]]);
		had = !git_reference_name_to_id(&old, c.repo, ref.buf);
		if (had)
			git_oid_tostr(ch->old_id, sizeof(ch->old_id), &old);
		if (had && git_oid_equal(&old, &c.commit[target[k]])) {
			ch->action = DBREFS_UNCHANGED;
			strbuf_release(&ref);
			continue;
		}
		ch->action = had ? DBREFS_UPDATED : DBREFS_CREATED;
		if (!(flags & DBREFS_DRY_RUN) &&
		    git_reference_create(&nref, c.repo, ref.buf, &c.commit[target[k]], 1,
					 "git dbmig refs")) {
			lg2_error(err, ref.buf);
			strbuf_release(&ref);
			free(ch->ref);
			free(ch->other_heads);
			out->nr--; /* not made: the result lists what was */
			goto cleanup;
		}
		git_reference_free(nref);
		strbuf_release(&ref);
	}
	if (prune(&c, out, flags, err))
		goto cleanup;
	ret = 0;
cleanup:
	git_signature_free(c.sig);
	git_odb_free(c.odb);
	git_repository_free(c.repo);
	free(c.commit);
	free(c.want);
	free(target);
	return ret;
}

void dbrefs_result_release(struct dbrefs_result *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->changes[i].ref);
		free(r->changes[i].other_heads);
	}
	free(r->changes);
	r->changes = NULL;
	r->nr = r->alloc = 0;
}
