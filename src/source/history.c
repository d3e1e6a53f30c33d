/*
 * source/history.c: finds, in git history, the commit that removed a
 * revision file, so that an id that is no longer in the tree can be
 * explained ("removed in commit 1a2b3c4 'squash MOD1'"). It walks first
 * parents from HEAD and compares each commit's tree with its parent's;
 * it only runs when a lookup has already failed.
 */
#include "source.h"
#include "usage.h"
#include "gitlib.h"

#include <string.h>

struct find {
	const char *id;
	const git_diff_delta *hit;
};

static int file_cb(const git_diff_delta *delta, float progress, void *payload)
{
	struct find *f = payload;
	const char *path = delta->old_file.path, *base = strrchr(path, '/');

	(void)progress;
	base = base ? base + 1 : path;
	if (delta->status == GIT_DELTA_DELETED && !strncmp(base, f->id, strlen(f->id)) &&
	    (base[strlen(f->id)] == '_' || base[strlen(f->id)] == '.')) {
		f->hit = delta;
		return 1;
	}
	return 0;
}

int source_git_find_removed(struct strbuf *out, const char *id)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	struct strbuf err = STRBUF_INIT;
	git_oid oid;
	int found = 0, n = 0;

	if (source_git_repo_open(&repo, &err))
		goto cleanup;
	if (git_revwalk_new(&walk, repo) || git_revwalk_push_head(walk))
		goto cleanup;
	git_revwalk_simplify_first_parent(walk);
	while (!found && n++ < 20000 && !git_revwalk_next(&oid, walk)) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *t = NULL, *pt = NULL;
		git_diff *diff = NULL;
		struct find f = { id, NULL };

		if (git_commit_lookup(&c, repo, &oid) || git_commit_parentcount(c) == 0 ||
		    git_commit_parent(&parent, c, 0) || git_commit_tree(&t, c) ||
		    git_commit_tree(&pt, parent) ||
		    git_diff_tree_to_tree(&diff, repo, pt, t, NULL))
			goto next;
		git_diff_foreach(diff, file_cb, NULL, NULL, NULL, &f);
		if (f.hit) {
			char hex[8];
			const char *summary = git_commit_summary(c);

			git_oid_tostr(hex, sizeof(hex), &oid);
			strbuf_addf(out, "%s was removed in commit %s '%s'", f.hit->old_file.path,
				    hex, summary ? summary : "");
			found = 1;
		}
next:
		git_diff_free(diff);
		git_tree_free(t);
		git_tree_free(pt);
		git_commit_free(parent);
		git_commit_free(c);
	}
cleanup:
	git_revwalk_free(walk);
	git_repository_free(repo);
	strbuf_release(&err);
	return found;
}
