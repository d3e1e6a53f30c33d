/*
 * cmd/refs.c: "refs [-n|--dry-run]" makes refs/dbmig/<LABEL> mirror the
 * revision graph (SPEC 6; dbrefs.c does the work) and prints what
 * changed, one line a ref. A label with several heads gets a warning and
 * a ref to the first head by id. Revision files are read as every command
 * reads them: the work tree, or --at / --staged.
 */
#include "cmd/cmd.h"
#include "dbrefs.h"
#include "usage.h"

#include <stdio.h>

static void print_changes(const struct dbrefs_result *res, int dry_run)
{
	size_t i, changed = 0;

	for (i = 0; i < res->nr; i++) {
		const struct dbrefs_change *ch = &res->changes[i];

		if (ch->other_heads)
			warning("branch label '%s' has more than one head (%s, %s); %s points at %s, the first by id; merge them with 'git dbmig merge'",
				ch->ref + sizeof(DBREFS_PREFIX) - 1, ch->head, ch->other_heads,
				ch->ref, ch->head);
		switch (ch->action) {
		case DBREFS_UNCHANGED:
			continue;
		case DBREFS_CREATED:
			printf("%s %s %.12s (%s)\n", dry_run ? "would create" : "created",
			       ch->ref, ch->new_id, ch->head);
			break;
		case DBREFS_UPDATED:
			printf("%s %s %.12s..%.12s (%s)\n", dry_run ? "would update" : "updated",
			       ch->ref, ch->old_id, ch->new_id, ch->head);
			break;
		case DBREFS_DELETED:
			printf("%s %s (was %.12s)\n", dry_run ? "would delete" : "deleted",
			       ch->ref, ch->old_id);
			break;
		case DBREFS_SKIPPED:
			warning("branch label '%s' cannot be a git ref name; no %s",
				ch->ref + sizeof(DBREFS_PREFIX) - 1, ch->ref);
			continue;
		}
		changed++;
	}
	if (!changed)
		printf("refs/dbmig/* up to date\n");
}

int cmd_refs(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct dbrefs_result res = DBREFS_RESULT_INIT;
	struct project *p = NULL;
	unsigned flags = 0;
	int i, ret = -1;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig refs [-n | --dry-run]\n");
			return 0;
		}
		if (opt_flag(argv[i], "-n", "--dry-run")) {
			flags |= DBREFS_DRY_RUN;
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	/* blob ids are needed, so every file is read (no header cache) */
	ctx->opts->need_bodies = 1;
	if (ctx->opts->at || ctx->opts->staged)
		flags |= DBREFS_FROM_GIT;
	if (cmd_setup(ctx, &p, err))
		return -1;
	ret = dbrefs_update(&res, p->graph, flags, err);
	if (ret && res.nr)
		strbuf_addstr(err, " (the refs listed above were changed)");
	if (!ctx->opts->quiet || ret)
		print_changes(&res, flags & DBREFS_DRY_RUN);
	dbrefs_result_release(&res);
	project_free(p);
	return ret;
}
