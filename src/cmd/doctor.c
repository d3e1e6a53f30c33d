/*
 * cmd/doctor.c: "doctor" says what git-dbmig would use, one
 * "name: value" line each, and marks what looks wrong with a leading
 * "! " and a "  hint: " line under it: the git repository, the config
 * file and how it was found, the section, script_location, every version
 * location, the graph, the Python that runs .py revisions (and how it
 * was chosen), the database URL (password masked) and where it
 * came from, the backend, the database and its version rows, the
 * pre-commit hook.
 *
 * It only reads: a missing SQLite file is reported, never created, and
 * nothing is written to a database. Problems are reported, not failed
 * on, so that one run shows them all; only a config that cannot be read
 * makes it fail, since nothing after that can be known.
 */
#include "cmd/cmd.h"
#include "migrate.h"
#include "pyrun.h"
#include "source.h"
#include "url.h"
#include "usage.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_COMMAND "git dbmig check"
#define FRAMEWORK_HOOK_ID "git-dbmig-check"

static const char doctor_usage[] = "usage: git dbmig doctor";

struct doctor {
	int problems;
};

/* ------------------------------------------------------------------
 * Output
 */

static void line(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void line(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A problem: "! name: value", then "  hint: ..." when hint is not NULL. */
static void problem(struct doctor *d, const char *name, const char *value,
		    const char *hint)
{
	d->problems++;
	printf("! %s: %s\n", name, value);
	if (hint)
		printf("  hint: %s\n", hint);
}

/* ------------------------------------------------------------------
 * Files
 */

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Revision files in dir (and below it when recursive); -1 if unreadable. */
static long count_revision_files(const char *dir, int recursive)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	long n = 0;

	if (!dh)
		return -1;
	while ((de = readdir(dh))) {
		struct strbuf sub = STRBUF_INIT;

		if (de->d_name[0] == '.')
			continue;
		strbuf_addf(&sub, "%s/%s", dir, de->d_name);
		if (is_dir(sub.buf)) {
			if (recursive && strcmp(de->d_name, "__pycache__")) {
				long k = count_revision_files(sub.buf, recursive);

				if (k > 0)
					n += k;
			}
		} else if (source_is_revision_name(de->d_name)) {
			n++;
		}
		strbuf_release(&sub);
	}
	closedir(dh);
	return n;
}

/* ------------------------------------------------------------------
 * Git: repository and pre-commit hook
 */

/*
 * The pre-commit framework's .pre-commit-config.yaml: in the current
 * folder or the nearest folder above it, stopping at the folder that
 * holds .git (the top of the work tree). Returns 1 and fills path and
 * text when found.
 */
static int framework_config(struct strbuf *path, struct strbuf *text)
{
	char dir[PATH_MAX];
	char *slash;

	if (!getcwd(dir, sizeof(dir)))
		return 0;
	for (;;) {
		strbuf_reset(path);
		strbuf_addf(path, "%s/.pre-commit-config.yaml", dir);
		if (!strbuf_read_file(text, path->buf))
			return 1;
		strbuf_reset(path);
		strbuf_addf(path, "%s/.git", dir);
		if (!access(path->buf, F_OK) || !strcmp(dir, "/"))
			return 0;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

static void check_git(struct doctor *d)
{
	struct strbuf why = STRBUF_INIT, hook = STRBUF_INIT, text = STRBUF_INIT;
	char *dir = NULL;
	int r = source_git_hooks_dir(&dir, &why);

	if (r == SOURCE_NO_REPO) {
		line("git", "not a git repository");
		line("hook", "not applicable outside a git repository");
		goto cleanup;
	}
	if (r) {
		problem(d, "git", why.buf, "check the repository with 'git status'");
		goto cleanup;
	}
	line("git", "repository");
	line("hooks folder", "%s", dir);
	strbuf_addf(&hook, "%s/pre-commit", dir);
	if (strbuf_read_file(&text, hook.buf)) {
		if (errno == ENOENT)
			problem(d, "hook", "no pre-commit hook: commits are not checked",
				"run 'git dbmig hook install', or use the pre-commit framework (see README.md)");
		else
			problem(d, "hook", "cannot read the pre-commit hook",
				"check the permissions of the hooks folder");
		goto cleanup;
	}
	if (strstr(text.buf, CHECK_COMMAND) || strstr(text.buf, "git-dbmig check")) {
		if (access(hook.buf, X_OK))
			problem(d, "hook", "installed but not executable, so git skips it",
				"chmod +x the pre-commit hook, or run 'git dbmig hook install'");
		else
			line("hook", "installed (%s runs '" CHECK_COMMAND "')", hook.buf);
	} else if (strstr(text.buf, "pre-commit.com") || strstr(text.buf, "pre_commit")) {
		struct strbuf cfg = STRBUF_INIT, yaml = STRBUF_INIT;

		if (framework_config(&cfg, &yaml) && strstr(yaml.buf, FRAMEWORK_HOOK_ID))
			line("hook", "installed through the pre-commit framework (%s lists '"
			     FRAMEWORK_HOOK_ID "')", cfg.buf);
		else
			problem(d, "hook", "the pre-commit framework's hook, but its config does not list '"
				FRAMEWORK_HOOK_ID "'",
				"add the '" FRAMEWORK_HOOK_ID "' hook to .pre-commit-config.yaml (see README.md)");
		strbuf_release(&cfg);
		strbuf_release(&yaml);
	} else {
		problem(d, "hook", "the pre-commit hook does not run '" CHECK_COMMAND " --staged'",
			"run 'git dbmig hook install' (it keeps the existing hook and runs it first)");
	}
cleanup:
	free(dir);
	strbuf_release(&why);
	strbuf_release(&hook);
	strbuf_release(&text);
}

/* ------------------------------------------------------------------
 * Config, locations, graph
 */

static const char *found_how(enum project_found how)
{
	switch (how) {
	case PROJECT_FOUND_OPTION: return "from -c";
	case PROJECT_FOUND_ENV: return "from ALEMBIC_CONFIG";
	case PROJECT_FOUND_CWD: return "in the current folder";
	case PROJECT_FOUND_WORKTREE: return "at the root of the work tree";
	}
	return "";
}

/* " (from alembic.ini)", " (from [tool.alembic] of pyproject.toml)", " (default)" */
static void origin(struct strbuf *sb, const struct project *p,
		   enum project_origin from)
{
	const char *path = from == PROJECT_FROM_INI ? p->ini_path :
			   from == PROJECT_FROM_TOML ? p->toml_path : NULL;
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (!path)
		strbuf_addstr(sb, " (default)");
	else if (from == PROJECT_FROM_INI)
		strbuf_addf(sb, " (from [%s] of %s)", p->opts->name, slash ? slash + 1 : path);
	else
		strbuf_addf(sb, " (from [tool.alembic] of %s)", slash ? slash + 1 : path);
}

static void show_config(struct project *p)
{
	struct strbuf sb = STRBUF_INIT;

	if (p->ini_path)
		line("config", "%s (%s)", p->ini_path, found_how(p->ini_found));
	if (p->toml_path)
		line("config", "%s (%s%s)", p->toml_path, found_how(p->toml_found),
		     p->tool ? "" : "; it has no [tool.alembic]");
	if (p->cfg)
		line("section", "[%s]%s%s", p->opts->name,
		     strcmp(p->opts->name, "alembic") ? " (from -n)" : "",
		     config_has_section(p->cfg, p->opts->name) ? "" : " (not in the ini)");
	origin(&sb, p, p->file_template_from);
	line("file_template", "%s%s", p->file_template, sb.buf);
	strbuf_reset(&sb);
	origin(&sb, p, p->truncate_from);
	line("truncate_slug_length", "%d%s", p->truncate_slug_length, sb.buf);
	strbuf_reset(&sb);
	origin(&sb, p, p->recursive_from);
	line("recursive_version_locations", "%s%s", p->recursive ? "true" : "false", sb.buf);
	strbuf_release(&sb);
}

static void check_locations(struct doctor *d, struct project *p)
{
	size_t i;

	struct strbuf from = STRBUF_INIT;

	strbuf_addstr(&from, p->script_location);
	origin(&from, p, p->script_location_from);
	if (is_dir(p->script_location))
		line("script_location", "%s", from.buf);
	else
		problem(d, "script_location", from.buf,
			"the folder does not exist; 'git dbmig init DIRECTORY' makes one, or fix script_location");
	strbuf_reset(&from);
	origin(&from, p, p->locations_from);
	if (p->locations_from == PROJECT_DEFAULT)
		line("version_locations", "%s/versions%s", p->script_location, from.buf);
	else
		line("version_locations", "%zu folder%s%s", p->nlocations,
		     p->nlocations == 1 ? "" : "s", from.buf);
	strbuf_release(&from);
	for (i = 0; i < p->nlocations; i++) {
		struct strbuf v = STRBUF_INIT;
		long n = count_revision_files(p->locations[i], p->recursive);

		if (n < 0) {
			strbuf_addf(&v, "%s (missing)", p->locations[i]);
			problem(d, "version location", v.buf,
				"create the folder, or fix version_locations");
		} else {
			line("version location", "%s (%ld revision file%s%s)", p->locations[i],
			     n, n == 1 ? "" : "s", p->recursive ? ", recursive" : "");
		}
		strbuf_release(&v);
	}
}

/* The Python that would run the .py revisions, and how it was chosen. */
static void check_python(struct doctor *d, struct project *p)
{
	struct pyrun_python py;
	struct strbuf err = STRBUF_INIT, helper = STRBUF_INIT;
	size_t i, npy = 0;

	for (i = 0; i < p->graph->nr; i++)
		npy += p->graph->revs[i].rf->kind == REVFILE_PY;
	if (!npy) {
		line("python", "not needed (no .py revisions)");
		return;
	}
	if (pyrun_find_python(&py, &err)) {
		problem(d, "python", err.buf,
			"set GIT_DBMIG_PYTHON or git config dbmig.python to a Python with Alembic");
	} else {
		line("python", "%s (%s; runs the %zu .py revision%s)", py.path.buf, py.how,
		     npy, npy == 1 ? "" : "s");
		if (pyrun_helper_path(&helper, &err))
			problem(d, "python helper", err.buf, "run 'make install' again");
		else
			line("python helper", "%s", helper.buf);
	}
	pyrun_python_release(&py);
	strbuf_release(&helper);
	strbuf_release(&err);
}

static void check_graph(struct doctor *d, struct project *p)
{
	struct strbuf err = STRBUF_INIT;
	const struct options *o = p->opts;

	line("source", "%s%s", o->at ? "commit " : o->staged ? "the index" : "the work tree",
	     o->at ? o->at : "");
	if (project_load_graph(p, &err)) {
		struct strbuf safe = STRBUF_INIT;

		url_redact(&safe, err.buf);
		problem(d, "graph", safe.buf, "'git dbmig check' names every problem of the graph");
		strbuf_release(&safe);
	} else {
		line("graph", "%zu revision%s, %zu head%s, %zu branch label%s", p->graph->nr,
		     p->graph->nr == 1 ? "" : "s", p->graph->nheads,
		     p->graph->nheads == 1 ? "" : "s", p->graph->nlabels,
		     p->graph->nlabels == 1 ? "" : "s");
		check_python(d, p);
	}
	strbuf_release(&err);
}

/* ------------------------------------------------------------------
 * Database
 */

static void show_rows(struct doctor *d, struct project *p, char **rows, size_t n)
{
	struct strbuf sb = STRBUF_INIT, unknown = STRBUF_INIT;
	size_t i;

	if (!n) {
		line("rows", "none (nothing applied yet)");
		return;
	}
	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s%s", i ? " " : "", rows[i]);
		if (p->graph && graph_find(p->graph, rows[i]) < 0)
			strbuf_addf(&unknown, "%s%s", unknown.len ? " " : "", rows[i]);
	}
	line("rows", "%s", sb.buf);
	if (unknown.len) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "no revision file for %s", unknown.buf);
		problem(d, "rows", sb.buf,
			"the files may be on another branch or commit; try 'git dbmig --at REF current', or 'stamp' to repair");
	}
	strbuf_release(&sb);
	strbuf_release(&unknown);
}

static void check_database(struct doctor *d, struct project *p)
{
	struct strbuf err = STRBUF_INIT, disp = STRBUF_INIT, safe = STRBUF_INIT;
	struct url *u = NULL;
	struct db *db = NULL;
	char **rows = NULL;
	size_t nrows = 0;
	const char *env = getenv("SQLALCHEMY_URL");
	int r;

	if (!p->url) {
		problem(d, "url", "none configured",
			"set sqlalchemy.url in the config, SQLALCHEMY_URL, or pass --url");
		goto cleanup;
	}
	if (url_parse(&u, p->url, &err)) {
		problem(d, "url", err.buf, "see 'Configuration' in git-dbmig(1) for the URL forms");
		goto cleanup;
	}
	url_display(&disp, u);
	if (p->opts->url)
		line("url", "%s (from --url)", disp.buf);
	else if (env && *env)
		line("url", "%s (from SQLALCHEMY_URL)", disp.buf);
	else
		line("url", "%s (from sqlalchemy.url in %s)", disp.buf, p->ini_path);
	line("backend", "%s%s%s%s", u->backend, u->driver ? " (driver '" : "",
	     u->driver ? u->driver : "", u->driver ? "' ignored)" : "");
	if (u->kind == URL_SQLITE) {
		if (!u->database || !*u->database || !strcmp(u->database, ":memory:")) {
			line("database", "in memory: nothing is kept between runs");
		} else {
			char abs[PATH_MAX];

			if (u->database[0] != '/' && getcwd(abs, sizeof(abs)))
				line("database file", "%s/%s (relative to the current folder)", abs, u->database);
			else
				line("database file", "%s", u->database);
		}
	}
	strbuf_reset(&safe);
	origin(&safe, p, p->version_table_from);
	line("version table", "%s%s%s%s", p->version_table_schema ? p->version_table_schema : "",
	     p->version_table_schema ? "." : "", p->version_table, safe.buf);
	strbuf_reset(&safe);

	r = migrate_open_db(p, 0, &db, &err);
	url_redact(&safe, err.buf);
	if (r == DB_ERR_MISSING) {
		problem(d, "database", safe.buf,
			"'git dbmig upgrade' creates it; if it should exist, check the folder you run from");
		goto cleanup;
	}
	if (r) {
		problem(d, "database", safe.buf, "check the URL, the server and the credentials");
		goto cleanup;
	}
	line("database", "answers");
	if (migrate_read_rows(p, db, &rows, &nrows, &err)) {
		strbuf_reset(&safe);
		url_redact(&safe, err.buf);
		problem(d, "rows", safe.buf, NULL);
		goto cleanup;
	}
	show_rows(d, p, rows, nrows);
cleanup:
	migrate_free_rows(rows, nrows);
	db_close(db);
	url_free(u);
	strbuf_release(&err);
	strbuf_release(&disp);
	strbuf_release(&safe);
}

/* ------------------------------------------------------------------
 * The command
 */

int cmd_doctor(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct doctor d = { 0 };
	struct project *p = NULL;
	const char *const *sections;
	struct strbuf targets = STRBUF_INIT;
	size_t i, n;
	int ret = -1;

	for (i = 1; i < (size_t)argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("%s\n", doctor_usage);
			return 0;
		}
		return opt_unknown(argv[0], argv[i], err);
	}

	if (project_open(&p, ctx->opts, err)) {
		struct strbuf safe = STRBUF_INIT;

		url_redact(&safe, err->buf);
		problem(&d, "config", safe.buf,
			"pass -c FILE, run from the folder that holds alembic.ini, or 'git dbmig init'");
		strbuf_release(&safe);
		check_git(&d);
		goto cleanup;
	}
	show_config(p);
	n = p->cfg ? config_sections(p->cfg, &sections) : 0;
	for (i = 0; i < n; i++)
		if (!strncmp(sections[i], "target:", 7))
			strbuf_addf(&targets, "%s%s", targets.len ? " " : "", sections[i] + 7);
	if (targets.len)
		line("targets", "%s", targets.buf);
	check_locations(&d, p);
	check_graph(&d, p);
	check_database(&d, p);
	check_git(&d);
	if (d.problems)
		printf("%d problem%s found\n", d.problems, d.problems == 1 ? "" : "s");
	else
		printf("no problems found\n");
	ret = 0;
cleanup:
	fflush(stdout);
	strbuf_release(&targets);
	project_free(p);
	return ret;
}
