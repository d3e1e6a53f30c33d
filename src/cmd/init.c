/*
 * cmd/init.c: "init DIR" makes a project: DIR/versions/,
 * DIR/script.sql.mako (the template "revision" renders) and the config.
 * With the default template that is alembic.ini (or the -c file), which
 * must not exist yet. With "-t pyproject", as Alembic 1.16+'s template
 * of that name, the settings go into a [tool.alembic] table of
 * pyproject.toml (created, or appended to one that has none) and
 * alembic.ini keeps only the database URL (skipped if it exists). It
 * never overwrites a file.
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
	"script_location = %s\n"
	"# name of new revision files; %%%%(rev)s and %%%%(slug)s are replaced\n"
	"file_template = %%%%(rev)s_%%%%(slug)s\n"
	"truncate_slug_length = 40\n"
	"# more folders of revisions, separated by spaces or commas\n"
	"# version_locations = %%(here)s/bar %%(here)s/bat\n"
	"# recursive_version_locations = false\n"
	"version_table = alembic_version\n"
	"# the database; SQLALCHEMY_URL or --url override it\n"
	"sqlalchemy.url = sqlite:///dbmig.db\n";

static const char toml_text[] =
	"[tool.alembic]\n"
	"# git-dbmig's (and Alembic's) settings; the database URL is in %s\n"
	"\n"
	"# folder of the migration scripts; revisions live in its versions/\n"
	"script_location = \"%s\"\n"
	"\n"
	"# name of new revision files; %%%%(rev)s and %%%%(slug)s are replaced\n"
	"file_template = \"%%%%(rev)s_%%%%(slug)s\"\n"
	"truncate_slug_length = 40\n"
	"\n"
	"# more folders of revisions\n"
	"# version_locations = [\n"
	"#    \"%%(here)s/%s/versions\",\n"
	"#    \"%%(here)s/more\",\n"
	"# ]\n"
	"# recursive_version_locations = false\n"
	"version_table = \"alembic_version\"\n";

static const char toml_ini_text[] =
	"# A git-dbmig (and Alembic) configuration: the settings are in the\n"
	"# [tool.alembic] table of pyproject.toml.\n"
	"[alembic]\n"
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

/*
 * dir as the config file at cfg names it: "%(here)s/REL" (REL from the
 * file's folder, ".." where needed), or dir itself when it is absolute.
 */
static void script_location(struct strbuf *out, const char *dir, const char *cfg)
{
	struct strbuf err = STRBUF_INIT;
	char *adir = NULL, *acfg = NULL;
	const char *a, *b;
	char *slash;
	size_t common = 0;

	if (dir[0] == '/' || config_abspath(&adir, dir, &err) ||
	    config_abspath(&acfg, cfg, &err)) {
		strbuf_addstr(out, dir);
		goto cleanup;
	}
	slash = strrchr(acfg, '/');
	if (slash == acfg) {
		strbuf_addf(out, "%%(here)s%s", adir);
		goto cleanup;
	}
	*slash = '\0';
	/* the longest common folder of the two */
	for (a = acfg, b = adir; *a && *a == *b; a++, b++)
		if (*a == '/')
			common = (size_t)(a - acfg);
	if (!*a && (!*b || *b == '/'))
		common = (size_t)(a - acfg);
	strbuf_addstr(out, "%(here)s");
	for (a = acfg + common; *a; a++)
		if (*a == '/')
			strbuf_addstr(out, "/..");
	strbuf_addf(out, "%s%s", adir[common] == '/' ? "" : "/", adir + common);
cleanup:
	free(adir);
	free(acfg);
	strbuf_release(&err);
}

/* 1 if the pyproject.toml at path has [tool.alembic], 0 if not, -1 on error */
static int has_tool_alembic(const char *path, struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	struct toml_value *doc = NULL;
	int ret = -1;

	if (strbuf_read_file(&buf, path)) {
		strbuf_addf(err, "cannot read %s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (toml_parse(&doc, path, buf.buf, buf.len, err))
		goto cleanup;
	ret = toml_get(toml_get(doc, "tool"), "alembic") != NULL;
cleanup:
	toml_free(doc);
	strbuf_release(&buf);
	return ret;
}

static int append_to(const char *path, const char *text, struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	int fd = -1, ret = -1, nl;

	if (strbuf_read_file(&buf, path)) {
		strbuf_addf(err, "cannot read %s: %s", path, strerror(errno));
		goto cleanup;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot open %s: %s", path, strerror(errno));
		goto cleanup;
	}
	nl = buf.len && buf.buf[buf.len - 1] != '\n';
	strbuf_reset(&buf);
	strbuf_addf(&buf, "%s\n%s", nl ? "\n" : "", text);
	if (write(fd, buf.buf, buf.len) != (ssize_t)buf.len) {
		strbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		goto cleanup;
	}
	printf("  Appending to %s ...  done\n", path);
	ret = 0;
cleanup:
	if (fd >= 0 && close(fd) && !ret) {
		strbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		ret = -1;
	}
	strbuf_release(&buf);
	return ret;
}

int cmd_init(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	const char *dir = NULL, *template = "generic";
	struct strbuf sb = STRBUF_INIT, ini = STRBUF_INIT, toml = STRBUF_INIT;
	struct strbuf loc = STRBUF_INIT;
	int i, ret = -1, pyproject, toml_has = 0, ini_exists;
	struct stat st;

	for (i = 1; i < argc; i++) {
		const char *v;
		int r;

		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig init [-t generic|pyproject] DIRECTORY\n");
			return 0;
		}
		if ((r = opt_value(argc, argv, &i, "-t", "--template", &v, err))) {
			if (r < 0)
				return -1;
			template = v;
			continue;
		}
		if (argv[i][0] == '-' || dir)
			return opt_unknown(argv[0], argv[i], err);
		dir = argv[i];
	}
	if (!dir) {
		strbuf_addstr(err, "init: a directory is required\nusage: git dbmig init [-t generic|pyproject] DIRECTORY");
		return -1;
	}
	if (!dir_empty_or_missing(dir)) {
		strbuf_addf(err, "Directory %s already exists and is not empty", dir);
		return -1;
	}
	/* Alembic's other templates are Python set-ups: the ini form here */
	pyproject = !strcmp(template, "pyproject") || !strcmp(template, "pyproject_async");
	{
		char *ini_name = NULL, *toml_name = NULL;
		enum project_found fi, ft;

		if (project_config_files(&ini_name, &toml_name, &fi, &ft, ctx->opts, err))
			goto cleanup;
		strbuf_addstr(&ini, ini_name);
		strbuf_addstr(&toml, toml_name);
		free(ini_name);
		free(toml_name);
	}
	ini_exists = !stat(ini.buf, &st);
	if (ini_exists && !pyproject) {
		strbuf_addf(err, "%s already exists; refusing to overwrite it", ini.buf);
		goto cleanup;
	}
	if (pyproject && !stat(toml.buf, &st) &&
	    (toml_has = has_tool_alembic(toml.buf, err)) < 0)
		goto cleanup;
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
	if (!pyproject) {
		script_location(&loc, dir, ini.buf);
		strbuf_addf(&sb, ini_text, loc.buf);
		if (write_new(ini.buf, sb.buf, err))
			goto cleanup;
		printf("Please edit configuration/connection/logging settings in '%s' before proceeding.\n", ini.buf);
		ret = 0;
		goto cleanup;
	}
	script_location(&loc, dir, toml.buf);
	strbuf_addf(&sb, toml_text, ini.buf, loc.buf, dir);
	if (toml_has)
		printf("File %s already exists and already has a [tool.alembic] section, skipping\n",
		       toml.buf);
	else if (!stat(toml.buf, &st) ? append_to(toml.buf, sb.buf, err) :
		 write_new(toml.buf, sb.buf, err))
		goto cleanup;
	if (ini_exists)
		printf("File %s already exists, skipping\n", ini.buf);
	else if (write_new(ini.buf, toml_ini_text, err))
		goto cleanup;
	printf("Please edit configuration settings in '%s' and configuration/connection/logging settings in '%s' before proceeding.\n",
	       toml.buf, ini.buf);
	ret = 0;
cleanup:
	strbuf_release(&sb);
	strbuf_release(&ini);
	strbuf_release(&toml);
	strbuf_release(&loc);
	return ret;
}
