/*
 * cmd/upgrade.c: "upgrade" and "downgrade" (and "stamp"), thin wrappers
 * around migrate_run(), or fleet_migrate() with --target; and
 * "ensure_version", around migrate_ensure_version().
 */
#include "cmd/cmd.h"
#include "fleet.h"
#include "migrate.h"
#include "usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_text[] = {
	"usage: git dbmig upgrade [--sql | --plan [--json]] [--one-transaction] [--lock-timeout SECONDS] [-v] REVISION\n"
	"   or: git dbmig upgrade --target NAME|all... [-j N] [--fail-fast] [--one-transaction] [--lock-timeout SECONDS] REVISION",
	"usage: git dbmig downgrade [--sql | --plan [--json]] [--one-transaction] [--lock-timeout SECONDS] [-v] REVISION\n"
	"   or: git dbmig downgrade --target NAME|all... [-j N] [--fail-fast] [--one-transaction] [--lock-timeout SECONDS] REVISION",
	"usage: git dbmig stamp [--sql | --plan [--json]] [--purge] [--lock-timeout SECONDS] REVISION...\n"
	"   or: git dbmig stamp --target NAME|all... [-j N] [--fail-fast] [--purge] [--lock-timeout SECONDS] REVISION...",
};

static int run(enum migrate_cmd cmd, int argc, const char **argv,
	       struct cmd_ctx *ctx, struct strbuf *err)
{
	struct migrate_opts o = { 0 };
	struct fleet_opts fo = FLEET_OPTS_INIT;
	struct project *p = NULL;
	const char **targets = xcalloc((size_t)argc, sizeof(*targets));
	size_t n = 0;
	int i, ret = -1;

	o.cmd = cmd;
	o.lock_timeout_ms = 60000;
	for (i = 1; i < argc; i++) {
		const char *v;
		int r;

		if (opt_flag(argv[i], "-h", "--help")) {
			printf("%s\n", usage_text[cmd]);
			ret = 0;
			goto cleanup;
		}
		if (opt_flag(argv[i], NULL, "--sql")) {
			o.sql = 1;
			continue;
		}
		if (opt_flag(argv[i], NULL, "--plan")) {
			o.plan_only = 1;
			continue;
		}
		if (opt_flag(argv[i], NULL, "--json")) {
			o.json = o.plan_only = 1;
			continue;
		}
		if (cmd == MIGRATE_STAMP && opt_flag(argv[i], NULL, "--purge")) {
			o.purge = 1;
			continue;
		}
		if (cmd != MIGRATE_STAMP && opt_flag(argv[i], NULL, "--one-transaction")) {
			o.one_transaction = 1;
			continue;
		}
		if ((r = fleet_parse_option(&fo, argc, argv, &i, err))) {
			if (r < 0)
				goto cleanup;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, NULL, "--tag", &v, err))) {
			if (r < 0)
				goto cleanup;
			o.tag = v;
			continue;
		}
		if (opt_flag(argv[i], "-v", "--verbose")) {
			o.verbose = 1;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, NULL, "--lock-timeout", &v, err))) {
			char *end;
			double s;

			if (r < 0)
				goto cleanup;
			s = strtod(v, &end);
			if (*end || s < 0) {
				strbuf_addf(err, "--lock-timeout '%s' is not a number of seconds", v);
				goto cleanup;
			}
			o.lock_timeout_ms = (long)(s * 1000);
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
			opt_unknown(argv[0], argv[i], err);
			goto cleanup;
		}
		if (n && cmd != MIGRATE_STAMP) {
			opt_unknown(argv[0], argv[i], err);
			goto cleanup;
		}
		targets[n++] = argv[i];
	}
	if (!n) {
		strbuf_addf(err, "%s: a revision is required\n%s", argv[0], usage_text[cmd]);
		goto cleanup;
	}
	if (fleet_check_options(&fo, argv[0], err))
		goto cleanup;
	if (fo.nnames && (o.sql || o.plan_only)) {
		strbuf_addf(err, "%s: %s cannot be used with --target (give one database with --url)",
			    argv[0], o.sql ? "--sql" : "--plan");
		goto cleanup;
	}
	o.targets = targets;
	o.ntargets = n;
	/*
	 * The graph may come from the caches, headers only: the run reads
	 * the bodies of the revisions it runs (project_load_body()). From
	 * git (--at, --staged), every file is read with its body.
	 */
	ctx->opts->need_bodies = (o.sql || (cmd != MIGRATE_STAMP && !o.plan_only)) &&
				 (ctx->opts->at || ctx->opts->staged);
	if (cmd_setup(ctx, &p, err))
		goto cleanup;
	ret = fo.nnames ? fleet_migrate(p, &fo, &o, err) : migrate_run(p, &o, err);
cleanup:
	fleet_opts_release(&fo);
	project_free(p);
	free(targets);
	return ret;
}

int cmd_upgrade(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	return run(MIGRATE_UPGRADE, argc, argv, ctx, err);
}

int cmd_downgrade(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	return run(MIGRATE_DOWNGRADE, argc, argv, ctx, err);
}

int cmd_stamp(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	return run(MIGRATE_STAMP, argc, argv, ctx, err);
}

int cmd_ensure_version(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	long lock_timeout_ms = 60000;
	int sql = 0, i, ret = -1;

	for (i = 1; i < argc; i++) {
		const char *v;
		int r;

		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig ensure_version [--sql] [--lock-timeout SECONDS]\n");
			return 0;
		}
		if (opt_flag(argv[i], NULL, "--sql")) {
			sql = 1;
			continue;
		}
		if ((r = opt_value(argc, argv, &i, NULL, "--lock-timeout", &v, err))) {
			char *end;
			double s;

			if (r < 0)
				return -1;
			s = strtod(v, &end);
			if (*end || s < 0) {
				strbuf_addf(err, "--lock-timeout '%s' is not a number of seconds", v);
				return -1;
			}
			lock_timeout_ms = (long)(s * 1000);
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	/* the version table is all it needs: the graph is not read */
	if (project_open(&p, ctx->opts, err))
		return -1;
	ret = migrate_ensure_version(p, sql, lock_timeout_ms, err);
	project_free(p);
	return ret;
}
