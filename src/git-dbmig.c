/*
 * git-dbmig: main(), the global options and the command table. Runs as
 * "git dbmig <command>" (git finds git-dbmig on PATH) or directly, and
 * outside a git repository too. This is the only place that prints the
 * FAILED: line and picks the exit status.
 */
#include "cmd/cmd.h"
#include "usage.h"
#include "url.h"
#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*cmd_fn)(int, const char **, struct cmd_ctx *, struct strbuf *);

static const struct command {
	const char *name;
	cmd_fn fn;
	const char *help;
} commands[] = {
	{ "branches", cmd_branches, "Show current branch points." },
	{ "check", cmd_check, "Check the revision graph (the pre-commit hook runs 'check --staged')." },
	{ "convert", cmd_convert, "Turn Alembic .py revisions into .sql files of the SQL they run, proven on scratch databases." },
	{ "current", cmd_current, "Display the current revision for a database." },
	{ "doctor", cmd_doctor, "Show the config, database and hook in use, and what looks wrong." },
	{ "downgrade", cmd_downgrade, "Revert to a previous version." },
	{ "edit", cmd_edit, "Edit revision script(s) using $EDITOR." },
	{ "ensure_version", cmd_ensure_version, "Create the alembic version table if it doesn't exist already." },
	{ "graph", cmd_graph, "Draw the revision graph and a database's place on it (--format mermaid|dot|ascii|svg|png)." },
	{ "heads", cmd_heads, "Show current available heads in the script directory." },
	{ "history", cmd_history, "List changeset scripts in chronological order." },
	{ "hook", cmd_hook, "Install or uninstall the pre-commit hook (hook install|uninstall)." },
	{ "init", cmd_init, "Initialize a new scripts directory." },
	{ "merge", cmd_merge, "Merge two revisions together. Creates a new migration file." },
	{ "refs", cmd_refs, "Update refs/dbmig/<LABEL>: one git commit per revision." },
	{ "revision", cmd_revision, "Create a new revision file." },
	{ "show", cmd_show, "Show the revision(s) denoted by the given symbol." },
	{ "squash", cmd_squash, "Fold a label's revisions after its version0 into its head." },
	{ "stamp", cmd_stamp, "'stamp' the revision table with the given revision; don't run any migrations." },
	{ "status", cmd_status, "Show where the database stands: every revision, applied, changed or pending." },
	{ "upgrade", cmd_upgrade, "Upgrade to a later version." },
	{ "verify", cmd_verify, "Fail when the database and the repository disagree: changed files, schema drift." },
};

static void print_usage(FILE *f)
{
	size_t i, width = 0;

	fprintf(f, "usage: git dbmig [-c CONFIG] [-n NAME] [-x KEY=VALUE] [-q] [--no-color] [--url URL]\n"
		   "                 [--at TREE-ISH | --staged] <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strlen(commands[i].name) > width)
			width = strlen(commands[i].name);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-*s %s\n", (int)width, commands[i].name, commands[i].help);
}

static int global_value(int argc, const char **argv, int *i, const char *shrt,
			const char *lng, const char **out, struct strbuf *err)
{
	const char *arg = argv[*i];
	size_t n = strlen(lng);

	if (!strncmp(arg, lng, n) && arg[n] == '=') {
		*out = arg + n + 1;
		return 1;
	}
	if ((shrt && !strcmp(arg, shrt)) || !strcmp(arg, lng)) {
		if (*i + 1 >= argc) {
			strbuf_addf(err, "option '%s' needs a value", arg);
			return -1;
		}
		*out = argv[++*i];
		return 1;
	}
	return 0;
}

int main(int argc, const char **argv)
{
	struct options opts = { 0 };
	struct cmd_ctx ctx = { &opts };
	struct strbuf err = STRBUF_INIT;
	size_t xalloc = 0, config_alloc = 0, k;
	int i, ret = 1, no_color = 0;

	opts.name = "alembic";
	/*
	 * libgit2 is initialised where a repository is opened, not here:
	 * its initialisation loads the TLS certificates, which costs more
	 * than reading a small revision graph.
	 */
	for (i = 1; i < argc; i++) {
		const char *v = NULL;
		int r;

		if (argv[i][0] != '-')
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_usage(stdout);
			ret = 0;
			goto out;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("git-dbmig %s\n", DBMIG_VERSION);
			ret = 0;
			goto out;
		}
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			opts.quiet = usage_quiet = 1;
			continue;
		}
		if (!strcmp(argv[i], "--no-color")) {
			no_color = 1;
			continue;
		}
		if (!strcmp(argv[i], "--staged")) {
			opts.staged = 1;
			continue;
		}
		if (!strcmp(argv[i], "--raiseerr"))
			continue;
		if ((r = global_value(argc, argv, &i, "-c", "--config", &v, &err))) {
			if (r < 0)
				goto fail;
			ALLOC_GROW(opts.config, opts.nconfig + 1, config_alloc);
			opts.config[opts.nconfig++] = v;
			continue;
		}
		if ((r = global_value(argc, argv, &i, "-n", "--name", &opts.name, &err)) ||
		    (r = global_value(argc, argv, &i, NULL, "--url", &opts.url, &err)) ||
		    (r = global_value(argc, argv, &i, NULL, "--at", &opts.at, &err))) {
			if (r < 0)
				goto fail;
			continue;
		}
		if ((r = global_value(argc, argv, &i, "-x", "-x", &v, &err))) {
			const char *eq;

			if (r < 0)
				goto fail;
			eq = strchr(v, '=');
			ALLOC_GROW(opts.x, opts.nx + 1, xalloc);
			opts.x[opts.nx].key = eq ? xstrndup(v, (size_t)(eq - v)) : xstrdup(v);
			opts.x[opts.nx].value = xstrdup(eq ? eq + 1 : "");
			opts.nx++;
			continue;
		}
		strbuf_addf(&err, "unknown option '%s'", argv[i]);
		goto fail;
	}
	usage_tty = isatty(2);
	usage_color = usage_tty && !no_color && !(getenv("NO_COLOR") && *getenv("NO_COLOR")) &&
		      !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	usage_color_stdout = isatty(1) && !no_color && !(getenv("NO_COLOR") && *getenv("NO_COLOR")) &&
			     !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	if (opts.at && opts.staged) {
		strbuf_addstr(&err, "--at and --staged cannot be used together");
		goto fail;
	}
	if (i >= argc) {
		print_usage(stderr);
		strbuf_addstr(&err, "a command is required");
		goto fail;
	}
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (!strcmp(commands[k].name, argv[i])) {
			ret = commands[k].fn(argc - i, argv + i, &ctx, &err) ? 1 : 0;
			if (ret)
				goto fail;
			goto out;
		}
	}
	strbuf_addf(&err, "unknown command '%s' (see 'git dbmig --help')", argv[i]);
fail:
	{
		struct strbuf safe = STRBUF_INIT;

		url_redact(&safe, err.len ? err.buf : "unknown error");
		report_failed(safe.buf);
		strbuf_release(&safe);
	}
	ret = 1;
out:
	fflush(stdout);
	for (k = 0; k < opts.nx; k++) {
		free(opts.x[k].key);
		free(opts.x[k].value);
	}
	free(opts.x);
	free(opts.config);
	strbuf_release(&err);
	return ret;
}
