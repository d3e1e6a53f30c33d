/*
 * cmd/hook.c: "hook install" and "hook uninstall" put the hooks that run
 * "git dbmig check --staged" before every commit (pre-commit, and
 * pre-merge-commit for the commits "git merge" makes) into the folder git
 * runs hooks from (core.hooksPath respected), and take them out again.
 *
 * A hook the user already had is kept: it is renamed to
 * <name>.dbmig-chained, and the installed hook runs it first and stops
 * when it fails; uninstall puts it back. Installing twice changes
 * nothing, and a hook that already runs "git dbmig check --staged" (the
 * project's hooks/pre-commit, say, with core.hooksPath pointing at it) is
 * left as it is; uninstall removes only the hook install wrote, and says
 * so when there is none. This command does not edit git's configuration.
 */
#include "cmd/cmd.h"
#include "source.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHAINED_SUFFIX ".dbmig-chained"
#define CHECK_COMMAND "git dbmig check --staged"
#define INSTALL_MARKER "written by \"git dbmig hook install\""

/*
 * The hooks git runs before it makes a commit: pre-commit for "git
 * commit", pre-merge-commit for the commit "git merge" (and "git pull")
 * makes itself, which is where two heads in one branch label usually
 * appear.
 */
static const char *const hook_names[] = { "pre-commit", "pre-merge-commit" };
#define NHOOKS (sizeof(hook_names) / sizeof(hook_names[0]))

static void installed_hook(struct strbuf *out, const char *name)
{
	strbuf_addf(out,
		    "#!/bin/sh\n"
		    "#\n"
		    "# git-dbmig %s hook, " INSTALL_MARKER ";\n"
		    "# \"git dbmig hook uninstall\" removes it and puts back the hook it chains.\n"
		    "#\n"
		    "# It runs the %s hook that was here before, if any, and stops\n"
		    "# when that fails; then it checks the staged revision graph.\n"
		    "\n"
		    "chained=\"$(dirname \"$0\")/%s" CHAINED_SUFFIX "\"\n"
		    "if test -x \"$chained\"\n"
		    "then\n"
		    "\t\"$chained\" \"$@\" || exit $?\n"
		    "fi\n"
		    "\n"
		    "# Redirect output to stderr.\n"
		    "exec 1>&2\n"
		    "\n"
		    "exec " CHECK_COMMAND "\n",
		    name, name, name);
}

struct hook_paths {
	const char *name;
	struct strbuf hook;     /* <dir>/<name> */
	struct strbuf chained;  /* <dir>/<name>.dbmig-chained */
	struct strbuf want;     /* the hook install writes */
};

static void hook_paths_init(struct hook_paths *hp, const char *dir, const char *name)
{
	hp->name = name;
	strbuf_init(&hp->hook, 0);
	strbuf_init(&hp->chained, 0);
	strbuf_init(&hp->want, 0);
	strbuf_addf(&hp->hook, "%s/%s", dir, name);
	strbuf_addf(&hp->chained, "%s/%s" CHAINED_SUFFIX, dir, name);
	installed_hook(&hp->want, name);
}

static void hook_paths_release(struct hook_paths *hp)
{
	strbuf_release(&hp->hook);
	strbuf_release(&hp->chained);
	strbuf_release(&hp->want);
}

static int hooks_dir(char **out, const char *what, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	int r = source_git_hooks_dir(out, &why);

	if (r == SOURCE_NO_REPO)
		strbuf_addf(err, "hook %s needs a git repository: %s", what, why.buf);
	else if (r)
		strbuf_addstr(err, why.buf);
	strbuf_release(&why);
	return r ? -1 : 0;
}

static int exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

/* mkdir -p */
static int make_dirs(const char *dir, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = dir;

	while (1) {
		const char *slash = strchr(s + (*s == '/'), '/');

		strbuf_reset(&sb);
		strbuf_add(&sb, dir, slash ? (size_t)(slash - dir) : strlen(dir));
		if (sb.len && mkdir(sb.buf, 0777) && errno != EEXIST) {
			strbuf_addf(err, "cannot create the hooks folder '%s': %s", sb.buf, strerror(errno));
			strbuf_release(&sb);
			return -1;
		}
		if (!slash)
			break;
		s = slash;
	}
	strbuf_release(&sb);
	return 0;
}

/* Write the installed hook through a temporary file, executable. */
static int write_hook(const struct hook_paths *hp, struct strbuf *err)
{
	return cmd_write_file(hp->hook.buf, hp->want.buf, hp->want.len, 0755, err);
}

static int install_one(const struct hook_paths *hp, int quiet, struct strbuf *err)
{
	struct strbuf old = STRBUF_INIT;
	int ret = -1;

	if (!exists(hp->hook.buf)) {
		if (write_hook(hp, err))
			goto cleanup;
		if (!quiet)
			printf("installed %s%s%s%s\n", hp->hook.buf,
			       exists(hp->chained.buf) ? " (it runs " : "",
			       exists(hp->chained.buf) ? hp->chained.buf : "",
			       exists(hp->chained.buf) ? " first)" : "");
		ret = 0;
		goto cleanup;
	}
	if (strbuf_read_file(&old, hp->hook.buf)) {
		strbuf_addf(err, "cannot read '%s': %s", hp->hook.buf, strerror(errno));
		goto cleanup;
	}
	if (!strcmp(old.buf, hp->want.buf)) {
		if (!quiet)
			printf("%s: already installed\n", hp->hook.buf);
	} else if (strstr(old.buf, INSTALL_MARKER)) {
		/* an older hook of ours: refresh it, keep what it chains */
		if (write_hook(hp, err))
			goto cleanup;
		if (!quiet)
			printf("updated %s\n", hp->hook.buf);
	} else if (strstr(old.buf, CHECK_COMMAND)) {
		if (!quiet)
			printf("%s already runs '%s'; nothing to install\n", hp->hook.buf, CHECK_COMMAND);
	} else {
		/* the user's own hook: keep it, and run it first */
		if (exists(hp->chained.buf)) {
			strbuf_addf(err, "cannot keep the existing '%s': '%s' is in the way",
				    hp->hook.buf, hp->chained.buf);
			goto cleanup;
		}
		if (rename(hp->hook.buf, hp->chained.buf)) {
			strbuf_addf(err, "cannot rename '%s' to '%s': %s", hp->hook.buf,
				    hp->chained.buf, strerror(errno));
			goto cleanup;
		}
		if (write_hook(hp, err)) {
			if (rename(hp->chained.buf, hp->hook.buf))
				strbuf_addf(err, "; your hook is left at '%s'", hp->chained.buf);
			goto cleanup;
		}
		if (!quiet)
			printf("installed %s; the hook that was there is kept as %s and runs first\n",
			       hp->hook.buf, hp->chained.buf);
	}
	ret = 0;
cleanup:
	strbuf_release(&old);
	return ret;
}

static int uninstall_one(const struct hook_paths *hp, int quiet, struct strbuf *err)
{
	struct strbuf old = STRBUF_INIT;
	int ret = -1;

	if (!exists(hp->hook.buf)) {
		if (exists(hp->chained.buf)) {
			if (rename(hp->chained.buf, hp->hook.buf)) {
				strbuf_addf(err, "cannot restore '%s': %s", hp->hook.buf, strerror(errno));
				goto cleanup;
			}
			if (!quiet)
				printf("restored %s\n", hp->hook.buf);
		} else if (!quiet) {
			printf("%s: no git-dbmig hook there\n", hp->hook.buf);
		}
		ret = 0;
		goto cleanup;
	}
	if (strbuf_read_file(&old, hp->hook.buf)) {
		strbuf_addf(err, "cannot read '%s': %s", hp->hook.buf, strerror(errno));
		goto cleanup;
	}
	if (!strstr(old.buf, INSTALL_MARKER)) {
		if (strstr(old.buf, CHECK_COMMAND)) {
			strbuf_addf(err, "'%s' runs '%s' but was not written by 'git dbmig hook install'; leaving it alone",
				    hp->hook.buf, CHECK_COMMAND);
			goto cleanup;
		}
		if (!quiet)
			printf("%s: no git-dbmig hook there (left the hook there alone)\n", hp->hook.buf);
		ret = 0;
		goto cleanup;
	}
	if (unlink(hp->hook.buf)) {
		strbuf_addf(err, "cannot remove '%s': %s", hp->hook.buf, strerror(errno));
		goto cleanup;
	}
	if (exists(hp->chained.buf)) {
		if (rename(hp->chained.buf, hp->hook.buf)) {
			strbuf_addf(err, "removed '%s' but cannot restore it from '%s': %s",
				    hp->hook.buf, hp->chained.buf, strerror(errno));
			goto cleanup;
		}
		if (!quiet)
			printf("removed the git-dbmig hook; restored %s\n", hp->hook.buf);
	} else if (!quiet) {
		printf("removed %s\n", hp->hook.buf);
	}
	ret = 0;
cleanup:
	strbuf_release(&old);
	return ret;
}

static int for_each_hook(int argc, const char **argv, struct cmd_ctx *ctx,
			 const char *what,
			 int (*fn)(const struct hook_paths *, int, struct strbuf *),
			 struct strbuf *err)
{
	char *dir = NULL;
	size_t i;
	int ret = -1;

	if (argc > 1) {
		struct strbuf cmd = STRBUF_INIT;

		strbuf_addf(&cmd, "hook %s", what);
		opt_unknown(cmd.buf, argv[1], err);
		strbuf_release(&cmd);
		return -1;
	}
	if (hooks_dir(&dir, what, err))
		return -1;
	if (fn == install_one && make_dirs(dir, err))
		goto cleanup;
	for (i = 0; i < NHOOKS; i++) {
		struct hook_paths hp;
		int r;

		hook_paths_init(&hp, dir, hook_names[i]);
		r = fn(&hp, ctx->opts->quiet, err);
		hook_paths_release(&hp);
		if (r)
			goto cleanup;
	}
	ret = 0;
cleanup:
	free(dir);
	return ret;
}

static int hook_install(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	return for_each_hook(argc, argv, ctx, "install", install_one, err);
}

static int hook_uninstall(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	return for_each_hook(argc, argv, ctx, "uninstall", uninstall_one, err);
}

static const struct {
	const char *name;
	int (*fn)(int, const char **, struct cmd_ctx *, struct strbuf *);
} subcommands[] = {
	{ "install", hook_install },
	{ "uninstall", hook_uninstall },
};

static const char hook_usage[] =
	"usage: git dbmig hook install\n"
	"   or: git dbmig hook uninstall\n";

int cmd_hook(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	size_t i;

	if (argc < 2) {
		fputs(hook_usage, stderr);
		strbuf_addstr(err, "hook: a subcommand is required (install or uninstall)");
		return -1;
	}
	if (opt_flag(argv[1], "-h", "--help")) {
		fputs(hook_usage, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1, ctx, err);
	strbuf_addf(err, "hook: unknown subcommand '%s' (see 'git dbmig hook -h')", argv[1]);
	return -1;
}
