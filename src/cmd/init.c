/*
 * cmd/init.c: "init DIR" makes a project: alembic.ini beside the current
 * folder, DIR/versions/ and DIR/script.sql.mako, the template "revision"
 * renders. It refuses to overwrite anything.
 */
#include "cmd/cmd.h"
#include "usage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char ini_text[] =
	"# A git-dbmig (and Alembic) configuration.\n"
	"[alembic]\n"
	"# folder of the migration scripts; revisions live in its versions/\n"
	"script_location = %%(here)s/%s\n"
	"# name of new revision files; %%%%(rev)s and %%%%(slug)s are replaced\n"
	"file_template = %%%%(rev)s_%%%%(slug)s\n"
	"truncate_slug_length = 40\n"
	"# more folders of revisions, separated by spaces or commas\n"
	"# version_locations = %%(here)s/bar %%(here)s/bat\n"
	"# recursive_version_locations = false\n"
	"version_table = alembic_version\n"
	"# the database; SQLALCHEMY_URL or --url override it\n"
	"sqlalchemy.url = sqlite:///dbmig.db\n";

static const char template_text[] =
	"-- message: ${message}\n"
	"-- revision: ${up_revision}\n"
	"-- down_revision: ${down_revision | comma,n}\n"
	"-- branch_labels: ${branch_labels | comma,n}\n"
	"-- depends_on: ${depends_on | comma,n}\n"
	"-- create_date: ${create_date}\n"
	"\n"
	"-- migrate:upgrade\n"
	"-- Edit migrations/script.sql.mako to change what new revisions start with.\n"
	"-- Values given with -x KEY=VALUE reach the bodies as placeholders (see README.md).\n"
	"\n"
	"-- migrate:downgrade\n";

static int write_new(const char *path, const char *text, struct strbuf *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	size_t len = strlen(text);

	if (fd < 0) {
		strbuf_addf(err, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || close(fd)) {
		strbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	printf("  Generating %s ...  done\n", path);
	return 0;
}

static int dir_empty_or_missing(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return errno == ENOENT;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

int cmd_init(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	const char *dir = NULL;
	struct strbuf sb = STRBUF_INIT, ini = STRBUF_INIT;
	int i, ret = -1;
	struct stat st;

	for (i = 1; i < argc; i++) {
		const char *v;
		int r;

		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig init DIRECTORY\n");
			return 0;
		}
		if ((r = opt_value(argc, argv, &i, "-t", "--template", &v, err))) {
			if (r < 0)
				return -1;
			continue;
		}
		if (argv[i][0] == '-' || dir)
			return opt_unknown(argv[0], argv[i], err);
		dir = argv[i];
	}
	if (!dir) {
		strbuf_addstr(err, "init: a directory is required\nusage: git dbmig init DIRECTORY");
		return -1;
	}
	if (!dir_empty_or_missing(dir)) {
		strbuf_addf(err, "Directory %s already exists and is not empty", dir);
		return -1;
	}
	{
		char *ini_name = NULL, *toml_name = NULL;
		enum project_found fi, ft;

		if (project_config_files(&ini_name, &toml_name, &fi, &ft, ctx->opts, err))
			goto cleanup;
		strbuf_addstr(&ini, ini_name);
		free(ini_name);
		free(toml_name);
	}
	if (!stat(ini.buf, &st)) {
		strbuf_addf(err, "%s already exists; refusing to overwrite it", ini.buf);
		goto cleanup;
	}
	if (mkdir(dir, 0777) && errno != EEXIST) {
		strbuf_addf(err, "cannot create %s: %s", dir, strerror(errno));
		goto cleanup;
	}
	printf("  Creating directory %s ...  done\n", dir);
	strbuf_addf(&sb, "%s/versions", dir);
	if (mkdir(sb.buf, 0777)) {
		strbuf_addf(err, "cannot create %s: %s", sb.buf, strerror(errno));
		goto cleanup;
	}
	printf("  Creating directory %s ...  done\n", sb.buf);
	strbuf_setf(&sb, "%s/script.sql.mako", dir);
	if (write_new(sb.buf, template_text, err))
		goto cleanup;
	strbuf_reset(&sb);
	strbuf_addf(&sb, ini_text, dir);
	if (write_new(ini.buf, sb.buf, err))
		goto cleanup;
	printf("Please edit configuration/connection/logging settings in '%s' before proceeding.\n", ini.buf);
	ret = 0;
cleanup:
	strbuf_release(&sb);
	strbuf_release(&ini);
	return ret;
}
