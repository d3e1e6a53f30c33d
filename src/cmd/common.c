/*
 * cmd/common.c: option matching and set-up shared by the commands.
 */
#include "cmd/cmd.h"
#include "migrate.h"
#include "status.h"
#include "url.h"
#include "usage.h"
#include "gitlib.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * Read p's database and work out its status; labels as status_build()
 * takes them. *display gets the URL as shown (password masked).
 */
int cmd_status_load(struct status *st, struct status_log *log, char **display,
		struct project *p, char *const *labels, size_t nlabels,
		struct strbuf *err)
{
	struct db *db = NULL;
	struct url *u = NULL;
	struct strbuf sb = STRBUF_INIT;
	char **rows = NULL;
	size_t nrows = 0;
	int ret = migrate_open_db(p, 0, &db, err);

	*display = NULL;
	if (ret == DB_ERR_MISSING) {
		/* a SQLite file not made yet: nothing applied */
		strbuf_reset(err);
	} else if (ret) {
		return -1;
	} else if (migrate_read_rows(p, db, &rows, &nrows, err) ||
		   migrate_read_log(p, db, log, err)) {
		ret = -1;
		goto cleanup;
	}
	ret = -1;
	if (status_build(st, p->graph, (const char *const *)rows, nrows, log,
			 labels, nlabels, err))
		goto cleanup;
	status_explain(st, p->graph);
	if (url_parse(&u, p->url, err))
		goto cleanup;
	url_display(&sb, u);
	*display = strbuf_detach(&sb, NULL);
	ret = 0;
cleanup:
	url_free(u);
	strbuf_release(&sb);
	migrate_free_rows(rows, nrows);
	db_close(db);
	return ret;
}

/* Path of file relative to the repository's work tree, or NULL. */
char *cmd_repo_path(git_repository *repo, const char *file)
{
	char wd[PATH_MAX], abs[PATH_MAX];
	const char *w = git_repository_workdir(repo);
	size_t n;

	if (!w || !realpath(w, wd) || !realpath(file, abs))
		return NULL;
	n = strlen(wd);
	if (strncmp(abs, wd, n) || abs[n] != '/')
		return NULL;
	return xstrdup(abs + n + 1);
}

int cmd_write_file(const char *path, const char *text, size_t len,
		   mode_t mode, struct strbuf *err)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, ret = -1;

	strbuf_addf(&tmp, "%s.dbmig.tmp", path);
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		strbuf_addf(err, "cannot create %s: %s", tmp.buf, strerror(errno));
		goto cleanup;
	}
	if ((mode && fchmod(fd, mode)) ||
	    write(fd, text, len) != (ssize_t)len || fsync(fd) || close(fd)) {
		strbuf_addf(err, "cannot write %s: %s", tmp.buf, strerror(errno));
		unlink(tmp.buf);
		goto cleanup;
	}
	if (rename(tmp.buf, path)) {
		strbuf_addf(err, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp.buf);
		goto cleanup;
	}
	ret = 0;
cleanup:
	strbuf_release(&tmp);
	return ret;
}

