/*
 * cmd/common.c: option matching and set-up shared by the commands.
 */
#include "cmd/cmd.h"
#include "usage.h"

#include <string.h>

int opt_flag(const char *arg, const char *shrt, const char *lng)
{
	return (shrt && !strcmp(arg, shrt)) || (lng && !strcmp(arg, lng));
}

int opt_value(int argc, const char **argv, int *i, const char *shrt,
	      const char *lng, const char **value, struct strbuf *err)
{
	const char *arg = argv[*i];
	size_t n = lng ? strlen(lng) : 0;

	if (lng && !strncmp(arg, lng, n) && arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	if (!opt_flag(arg, shrt, lng))
		return 0;
	if (*i + 1 >= argc) {
		strbuf_addf(err, "option '%s' needs a value", arg);
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

int opt_unknown(const char *cmd, const char *arg, struct strbuf *err)
{
	if (arg[0] == '-' && arg[1])
		strbuf_addf(err, "%s: unknown option '%s' (see 'git dbmig %s -h')", cmd, arg, cmd);
	else
		strbuf_addf(err, "%s: unexpected argument '%s' (see 'git dbmig %s -h')", cmd, arg, cmd);
	return -1;
}

int cmd_setup(struct cmd_ctx *ctx, struct project **out, struct strbuf *err)
{
	if (project_open(out, ctx->opts, err))
		return -1;
	if (project_load_graph(*out, err)) {
		project_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
