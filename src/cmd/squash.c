/*
 * cmd/squash.c: "squash LABEL" folds the label's revisions after its
 * version0 into its head (SPEC 6): the head's file is rewritten with
 * down_revision = the version0, a "squashes:" header and every part
 * marked with the id it came from; the folded files are removed from
 * the work tree and, in a git repository, from the index, where the new
 * head file is staged too. When the label has .py revisions the head
 * becomes a .py file that runs them as parts, and their files move to
 * the parts folder (staged as renames). Nothing is written when any
 * check fails.
 */
#include "cmd/cmd.h"
#include "resolve.h"
#include "source.h"
#include "squash.h"
#include "usage.h"
#include "gitlib.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The parts folder must be new, and outside every version location:
 * Alembic would read the part files there as revisions of their own.
 */
static int check_parts_dir(const struct project *p, const char *dir,
			   struct strbuf *err)
{
	char parent[PATH_MAX], *slash = strrchr(dir, '/');
	struct strbuf up = STRBUF_INIT;
	struct stat st;
	size_t i, n;
	int ret = -1;

	if (!lstat(dir, &st)) {
		strbuf_addf(err, "squash: %s exists already; the parts of a squashed .py revision go into a new folder",
			    dir);
		return -1;
	}
	/* dir is PARENT/squashed/ID: PARENT exists, "squashed" may not */
	strbuf_add(&up, dir, slash ? (size_t)(slash - dir) : 0);
	slash = strrchr(up.buf, '/');
	strbuf_setlen(&up, slash ? (size_t)(slash - up.buf) : 0);
	if (!realpath(up.len ? up.buf : ".", parent)) {
		strbuf_addf(err, "squash: cannot resolve %s: %s", up.buf, strerror(errno));
		goto cleanup;
	}
	for (i = 0; i < p->nlocations; i++) {
		char loc[PATH_MAX];

		if (!realpath(p->locations[i], loc))
			continue;
		n = strlen(loc);
		/* PARENT/squashed inside a location read recursively, or one itself */
		if ((p->recursive && !strncmp(parent, loc, n) &&
		     (parent[n] == '/' || !parent[n])) ||
		    (!strncmp(loc, parent, strlen(parent)) &&
		     !strcmp(loc + strlen(parent), "/squashed"))) {
			strbuf_addf(err, "squash: the parts folder %s would be read as a version location (%s); Alembic would take its files for revisions",
				    dir, p->locations[i]);
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	strbuf_release(&up);
	return ret;
}

static int mkdir_p(const char *dir, struct strbuf *err)
{
	char *copy = xstrdup(dir), *s;
	int ret = 0;

	for (s = copy + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		{
			char c = *s;

			*s = '\0';
			if (mkdir(copy, 0777) && errno != EEXIST) {
				strbuf_addf(err, "squash: cannot create %s: %s", copy, strerror(errno));
				ret = -1;
				break;
			}
			*s = c;
		}
		if (!*s)
			break;
	}
	free(copy);
	return ret;
}

/* Move the .py files into the parts folder; in the index, as renames. */
static int move_parts(const struct squash_moves *moves, git_repository *repo,
		      git_index *idx, struct strbuf *err)
{
	size_t k;

	if (mkdir_p(moves->dir, err))
		return -1;
	for (k = 0; k < moves->n; k++) {
		char *rel = idx ? cmd_repo_path(repo, moves->v[k].from) : NULL;

		if (rename(moves->v[k].from, moves->v[k].to)) {
			strbuf_addf(err, "squash: cannot move %s to %s: %s", moves->v[k].from,
				    moves->v[k].to, strerror(errno));
			free(rel);
			return -1;
		}
		if (rel) {
			git_index_remove_bypath(idx, rel);
			free(rel);
			rel = cmd_repo_path(repo, moves->v[k].to);
			if (rel && git_index_add_bypath(idx, rel)) {
				strbuf_addf(err, "squash: cannot stage %s", rel);
				free(rel);
				return -1;
			}
			free(rel);
		}
	}
	return 0;
}

int cmd_squash(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf text = STRBUF_INIT, check = STRBUF_INIT;
	struct revlist folded = REVLIST_INIT;
	struct stat st;
	struct squash_moves moves = { NULL, NULL, NULL, 0, 0 };
	const char *head_path;
	struct revfile *rf = NULL;
	git_repository *repo = NULL;
	git_index *idx = NULL;
	const char *label = NULL;
	int head, i, ret = -1, dry = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig squash [--dry-run] LABEL\n\n"
			       "Folds LABEL's revisions after its version0 into its head. .sql revisions\n"
			       "become one .sql file of marked parts; with .py revisions the head is a .py\n"
			       "file that runs them as parts, their files moved to squashed/HEAD beside\n"
			       "the versions folder.\n\n"
			       "    -n, --dry-run    print the new head file, change nothing\n");
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
	if (squash_build(&text, &head, &folded, &moves, p->graph, label, err))
		goto cleanup;
	/* The new file must read back as the head, with the folded ids listed. */
	if (revfile_parse(&rf, moves.head ? moves.head : p->graph->revs[head].path, text.buf, text.len, &check) ||
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
	if (moves.dir && check_parts_dir(p, moves.dir, err))
		goto cleanup;
	head_path = moves.head ? moves.head : p->graph->revs[head].path;
	if (strcmp(head_path, p->graph->revs[head].path) && !lstat(head_path, &st)) {
		strbuf_addf(err, "squash: %s exists already", head_path);
		goto cleanup;
	}
	if (moves.dir && move_parts(&moves, repo, idx, err))
		goto cleanup;
	if (cmd_write_file(head_path, text.buf, text.len, 0, err))
		goto cleanup;
	if (strcmp(head_path, p->graph->revs[head].path)) {
		/* a .sql head: its part is in the .py head now */
		char *rel = idx ? cmd_repo_path(repo, p->graph->revs[head].path) : NULL;

		if (rel)
			git_index_remove_bypath(idx, rel);
		free(rel);
		unlink(p->graph->revs[head].path);
	}
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
		char *rel = cmd_repo_path(repo, head_path);

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
		if (moves.dir)
			printf("Moved %zu .py revision file%s into %s\n", moves.n,
			       moves.n == 1 ? "" : "s", moves.dir);
	}
	ret = 0;
cleanup:
	revfile_free(rf);
	git_index_free(idx);
	git_repository_free(repo);
	revlist_release(&folded);
	squash_moves_release(&moves);
	strbuf_release(&text);
	strbuf_release(&check);
	project_free(p);
	return ret;
}
