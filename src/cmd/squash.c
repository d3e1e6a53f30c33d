/*
 * cmd/squash.c: "squash LABEL" folds the label's revisions after its
 * version0 into its head (SPEC 6): the head's file is rewritten with
 * down_revision = the version0, a "squashes:" header and every part
 * marked with the id it came from; the folded files are removed from
 * the work tree and, in a git repository, from the index, where the new
 * head file is staged too. Nothing is written when any check fails.
 */
#include "cmd/cmd.h"
#include "resolve.h"
#include "source.h"
#include "squash.h"
#include "usage.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_squash(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf text = STRBUF_INIT, check = STRBUF_INIT;
	struct revlist folded = REVLIST_INIT;
	struct revfile *rf = NULL;
	git_repository *repo = NULL;
	git_index *idx = NULL;
	const char *label = NULL;
	int head, i, ret = -1, dry = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig squash [--dry-run] LABEL\n");
			return 0;
		}
		if (opt_flag(argv[i], "-n", "--dry-run")) {
			dry = 1;
			continue;
		}
		if (argv[i][0] == '-' || label)
			return opt_unknown(argv[0], argv[i], err);
		label = argv[i];
	}
	if (!label) {
		strbuf_addstr(err, "squash: a branch label is required\nusage: git dbmig squash [--dry-run] LABEL");
		return -1;
	}
	if (ctx->opts->at || ctx->opts->staged) {
		strbuf_addstr(err, "squash rewrites the work tree; it cannot be used with --at or --staged");
		return -1;
	}
	ctx->opts->need_bodies = 1;
	if (cmd_setup(ctx, &p, err))
		return -1;
	if (squash_build(&text, &head, &folded, p->graph, label, err))
		goto cleanup;
	/* The new file must read back as the head, with the folded ids listed. */
	if (revfile_parse(&rf, p->graph->revs[head].path, text.buf, text.len, &check) ||
	    strcmp(rf->revision, p->graph->revs[head].id) || rf->nsquashes != folded.n) {
		strbuf_addf(err, "squash %s: the squashed file does not read back: %s", label,
			    check.len ? check.buf : "header mismatch");
		goto cleanup;
	}
	if (dry) {
		fwrite(text.buf, 1, text.len, stdout);
		ret = 0;
		goto cleanup;
	}
	if (source_git_repo_open(&repo, &check) == 0) {
		if (git_repository_index(&idx, repo)) {
			strbuf_addstr(err, "squash: cannot read the git index");
			goto cleanup;
		}
	}
	strbuf_reset(&check);
	{
		const char *hp = p->graph->revs[head].path, *slash = strrchr(hp, '/');
		char *dir = slash ? xstrndup(hp, (size_t)(slash - hp)) : xstrdup(".");
		int refused = project_check_write_dir(p, dir, err);

		free(dir);
		if (refused)
			goto cleanup;
	}
	if (cmd_write_file(p->graph->revs[head].path, text.buf, text.len, err))
		goto cleanup;
	for (k = 0; k < folded.n; k++) {
		const char *path = p->graph->revs[folded.v[k]].path;
		char *rel = idx ? cmd_repo_path(repo, path) : NULL;

		if (rel) {
			git_index_remove_bypath(idx, rel);
			free(rel);
		}
		if (unlink(path) && errno != ENOENT) {
			strbuf_addf(err, "squash: cannot remove %s: %s (the squashed %s is written; remove it by hand)",
				    path, strerror(errno), p->graph->revs[head].path);
			goto cleanup;
		}
	}
	if (idx) {
		char *rel = cmd_repo_path(repo, p->graph->revs[head].path);

		if (rel && git_index_add_bypath(idx, rel)) {
			strbuf_addf(err, "squash: cannot stage %s", rel);
			free(rel);
			goto cleanup;
		}
		free(rel);
		if (git_index_write(idx)) {
			strbuf_addstr(err, "squash: cannot write the git index");
			goto cleanup;
		}
	}
	if (!p->opts->quiet) {
		printf("Squashed %zu revisions of %s into %s (down_revision %s):",
		       folded.n + 1, label, p->graph->revs[head].id, rf->down_revision[0]);
		for (k = 0; k < folded.n; k++)
			printf(" %s", p->graph->revs[folded.v[k]].id);
		printf("\n");
	}
	ret = 0;
cleanup:
	revfile_free(rf);
	git_index_free(idx);
	git_repository_free(repo);
	revlist_release(&folded);
	strbuf_release(&text);
	strbuf_release(&check);
	project_free(p);
	return ret;
}
