/*
 * project: finds the config files (alembic.ini and pyproject.toml, as
 * Alembic 1.16+'s command line picks them), reads the settings Alembic
 * reads (each from the ini's main section if it has the key, else from
 * [tool.alembic], else the default, as Config.get_alembic_option does),
 * and loads the revision graph from the chosen source. Relative
 * script_location and version_locations are taken from the folder of
 * the file that gives them, so that the tool works from any folder of
 * the work tree (Alembic takes them from the current folder, which is
 * the same when it is run where the files are).
 *
 * What a setting means is decided here; how an ini or a TOML document
 * is read is config.c's and toml.c's business.
 */
#include "project.h"
#include "graphcache.h"
#include "cache.h"
#include "revfile.h"
#include "source.h"
#include "usage.h"
#include "gitlib.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int file_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

#define FREE_AND_NULL(p) do { free(p); (p) = NULL; } while (0)

/* The root of the enclosing git work tree, with a trailing '/', or NULL. */
static char *worktree_root(void)
{
	git_repository *repo = NULL;
	char *res = NULL;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL))
		return NULL;
	if (git_repository_workdir(repo))
		res = xstrdup(git_repository_workdir(repo));
	git_repository_free(repo);
	return res;
}

/* The absolute path of a pyproject.toml, as config_path() is for an ini. */
static char *absolute_toml_path(const char *path)
{
	struct strbuf err = STRBUF_INIT;
	char *res = NULL;

	if (config_abspath(&res, path, &err))
		res = xstrdup(path);
	strbuf_release(&err);
	return res;
}

/* The folder of an absolute path: Path(path).parent */
static int folder_of_path(char **out, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*out = NULL;
		return -1;
	}
	*out = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	return 0;
}

static char *absolute(const char *base, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (path[0] == '/')
		strbuf_addstr(&sb, path);
	else
		strbuf_addf(&sb, "%s/%s", base, path);
	/* drop trailing slashes */
	while (sb.len > 1 && sb.buf[sb.len - 1] == '/')
		strbuf_setlen(&sb, sb.len - 1);
	return strbuf_detach(&sb, NULL);
}

const char *project_get(struct project *p, const char *key, const char *def)
{
	struct strbuf err = STRBUF_INIT;
	const char *v = NULL;

	if (!p->cfg || config_get(p->cfg, p->opts->name, key, &v, &err) != 0)
		v = NULL;
	strbuf_release(&err);
	return v ? v : def;
}

const char *project_xarg(const struct project *p, const char *key)
{
	size_t i;

	for (i = p->opts->nx; i > 0; i--)
		if (!strcmp(p->opts->x[i - 1].key, key))
			return p->opts->x[i - 1].value;
	return NULL;
}

/* ------------------------------------------------------------------
 * Which files: Alembic's CommandLine._inis_from_config()
 */

#define TOML_NAME "pyproject.toml"
#define INI_NAME "alembic.ini"

static int is_toml_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return !strcmp(slash ? slash + 1 : path, TOML_NAME);
}

int project_config_files(char **ini, char **toml, enum project_found *ini_found,
			 enum project_found *toml_found, const struct options *opts,
			 struct strbuf *err)
{
	const char *env = getenv("ALEMBIC_CONFIG");
	const char *def_ini = INI_NAME, *def_toml = TOML_NAME;
	const char *c_ini = NULL, *c_toml = NULL;
	enum project_found def_ini_found = PROJECT_FOUND_CWD;
	enum project_found def_toml_found = PROJECT_FOUND_CWD;
	size_t i;

	*ini = *toml = NULL;
	if (env && *env) {
		if (is_toml_name(env)) {
			def_toml = env;
			def_toml_found = PROJECT_FOUND_ENV;
		} else {
			def_ini = env;
			def_ini_found = PROJECT_FOUND_ENV;
		}
	}
	for (i = 0; i < opts->nconfig; i++) {
		const char *name = opts->config[i];

		if (is_toml_name(name)) {
			if (c_toml) {
				strbuf_addstr(err, "pyproject.toml indicated more than once");
				return -1;
			}
			c_toml = name;
		} else {
			if (c_ini) {
				strbuf_addstr(err, "only one ini file may be indicated");
				return -1;
			}
			c_ini = name;
		}
	}
	*ini = xstrdup(c_ini ? c_ini : def_ini);
	*ini_found = c_ini ? PROJECT_FOUND_OPTION : def_ini_found;
	*toml = xstrdup(c_toml ? c_toml : def_toml);
	*toml_found = c_toml ? PROJECT_FOUND_OPTION : def_toml_found;
	return 0;
}

/* ------------------------------------------------------------------
 * Reading the files
 */

/* Read pyproject.toml; messages name it by its absolute path. */
static int load_toml(struct project *p, const char *name, struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	const struct toml_value *tool;
	char *path = absolute_toml_path(name);
	int ret = -1;

	if (strbuf_read_file(&buf, path)) {
		strbuf_addf(err, "could not read config file '%s': %s", path,
			    strerror(errno));
		goto cleanup;
	}
	if (toml_parse(&p->toml, path, buf.buf, buf.len, err))
		goto cleanup;
	/* toml_data.get("tool", {}).get("alembic", {}), and a dict */
	tool = toml_get(p->toml, "tool");
	if (tool && tool->type != TOML_TABLE) {
		strbuf_addf(err, "%s:%d: Incorrect TOML format: 'tool' is %s %s, not a table",
			    path, tool->line, tool->type == TOML_ARRAY ? "an" : "a",
			    toml_type_name(tool->type));
		goto cleanup;
	}
	p->tool = toml_get(tool, "alembic");
	if (p->tool && p->tool->type != TOML_TABLE) {
		strbuf_addf(err, "%s:%d: Incorrect TOML format: 'tool.alembic' is %s %s, not a table",
			    path, p->tool->line, p->tool->type == TOML_ARRAY ? "an" : "a",
			    toml_type_name(p->tool->type));
		goto cleanup;
	}
	p->toml_path = path;
	path = NULL;
	ret = 0;
cleanup:
	free(path);
	strbuf_release(&buf);
	return ret;
}

/* Read the files given (either may be NULL). */
static int load_files(struct project *p, const char *ini, const char *toml,
		      struct strbuf *err)
{
	if (ini) {
		if (config_load(&p->cfg, ini, err))
			return -1;
		p->ini_path = xstrdup(config_path(p->cfg));
	}
	if (toml && load_toml(p, toml, err))
		return -1;
	return 0;
}

static void unload_files(struct project *p)
{
	config_free(p->cfg);
	p->cfg = NULL;
	toml_free(p->toml);
	p->toml = NULL;
	p->tool = NULL;
	FREE_AND_NULL(p->ini_path);
	FREE_AND_NULL(p->toml_path);
}

static int has_settings(const struct project *p)
{
	return (p->cfg && config_has_section(p->cfg, p->opts->name)) || p->tool;
}

static int find_files(struct project *p, struct strbuf *err)
{
	char *ini = NULL, *toml = NULL, *root = NULL;
	int ini_ok, toml_ok, ret = -1;

	if (project_config_files(&ini, &toml, &p->ini_found, &p->toml_found,
				 p->opts, err))
		goto cleanup;
	ini_ok = file_exists(ini);
	toml_ok = file_exists(toml);
	if (!ini_ok && p->ini_found != PROJECT_FOUND_CWD) {
		strbuf_addf(err, "No config file '%s' found", ini);
		goto cleanup;
	}
	if (!toml_ok && p->toml_found != PROJECT_FOUND_CWD) {
		strbuf_addf(err, "No config file '%s' found", toml);
		goto cleanup;
	}
	if (load_files(p, ini_ok ? ini : NULL, toml_ok ? toml : NULL, err))
		goto cleanup;
	/*
	 * Neither file named and neither of the current folder usable: the
	 * two at the root of the work tree, if they are.
	 */
	if (!ini_ok && !p->tool && p->ini_found == PROJECT_FOUND_CWD &&
	    p->toml_found == PROJECT_FOUND_CWD && (root = worktree_root())) {
		struct strbuf r_ini = STRBUF_INIT, r_toml = STRBUF_INIT;
		int r;

		strbuf_addf(&r_ini, "%s" INI_NAME, root);
		strbuf_addf(&r_toml, "%s" TOML_NAME, root);
		ini_ok = file_exists(r_ini.buf);
		toml_ok = file_exists(r_toml.buf);
		if (ini_ok || toml_ok) {
			struct project q = { .opts = p->opts };

			r = load_files(&q, ini_ok ? r_ini.buf : NULL,
				       toml_ok ? r_toml.buf : NULL, err);
			if (!r && has_settings(&q)) {
				unload_files(p);
				p->cfg = q.cfg;
				p->toml = q.toml;
				p->tool = q.tool;
				p->ini_path = q.ini_path;
				p->toml_path = q.toml_path;
				p->ini_found = p->toml_found = PROJECT_FOUND_WORKTREE;
			} else {
				unload_files(&q);
			}
		} else {
			r = 0;
		}
		strbuf_release(&r_ini);
		strbuf_release(&r_toml);
		if (r)
			goto cleanup;
	}
	if (!has_settings(p)) {
		strbuf_addf(err, "No config file '%s' found, or file has no '[%s]' section",
			    p->ini_path ? p->ini_path : ini, p->opts->name);
		if (!p->toml_path)
			strbuf_addf(err, " (and no %s)", toml);
		else
			strbuf_addf(err, " (and no [tool.alembic] in %s)", p->toml_path);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(ini);
	free(toml);
	free(root);
	return ret;
}

/* ------------------------------------------------------------------
 * Settings: Alembic's Config.get_alembic_option(), the ini first
 */

/*
 * A string value of the ini's main section: 0 and *out, 1 when absent
 * (or no ini, or no such section), -1 on a bad interpolation.
 */
static int ini_get(struct project *p, const char *key, const char **out,
		   struct strbuf *err)
{
	int r;

	*out = NULL;
	if (!p->cfg)
		return 1;
	r = config_get(p->cfg, p->opts->name, key, out, err);
	if (r > 0)
		*out = NULL;
	return r;
}

/* value % {"here": folder of pyproject.toml}: only %(here)s and %% */
static int toml_interpolate(struct project *p, const char *key,
			    const struct toml_value *v, struct strbuf *out,
			    struct strbuf *err)
{
	const char *s = v->str, *end = v->str + v->len;
	char *here = NULL;
	int ret = -1;

	if (memchr(v->str, '\0', v->len)) {
		strbuf_addf(err, "%s:%d: [tool.alembic] %s holds a NUL character",
			    p->toml_path, v->line, key);
		return -1;
	}
	while (s < end) {
		const char *pct = memchr(s, '%', (size_t)(end - s));

		if (!pct) {
			strbuf_add(out, s, (size_t)(end - s));
			break;
		}
		strbuf_add(out, s, (size_t)(pct - s));
		if (pct[1] == '%') {
			strbuf_addch(out, '%');
			s = pct + 2;
		} else if (!strncmp(pct, "%(here)s", 8)) {
			if (!here && folder_of_path(&here, p->toml_path))
				goto cleanup;
			strbuf_addstr(out, here);
			s = pct + 8;
		} else {
			strbuf_addf(err, "%s:%d: bad interpolation in [tool.alembic] %s: '%s'"
				    " (only %%(here)s and %%%% may follow a %%)",
				    p->toml_path, v->line, key, v->str);
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	free(here);
	return ret;
}

static const char *a_type(enum toml_type t)
{
	return t == TOML_ARRAY || t == TOML_INTEGER ? "an" : "a";
}

/*
 * A string setting: from the ini if it has the key, else from
 * [tool.alembic] (interpolated). 0 and *out (owned by the caller, NULL
 * when absent) and *from, -1 on an error.
 */
static int get_string(struct project *p, const char *key, char **out,
		      enum project_origin *from, struct strbuf *err)
{
	const struct toml_value *v;
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	int r;

	*out = NULL;
	*from = PROJECT_DEFAULT;
	if ((r = ini_get(p, key, &s, err)) < 0)
		return -1;
	if (!r) {
		*out = xstrdup(s);
		*from = PROJECT_FROM_INI;
		return 0;
	}
	if (!(v = toml_get(p->tool, key)))
		return 0;
	if (v->type != TOML_STRING) {
		strbuf_addf(err, "%s:%d: [tool.alembic] %s must be a string, not %s %s",
			    p->toml_path, v->line, key, a_type(v->type), toml_type_name(v->type));
		return -1;
	}
	if (toml_interpolate(p, key, v, &sb, err)) {
		strbuf_release(&sb);
		return -1;
	}
	*out = strbuf_detach(&sb, NULL);
	*from = PROJECT_FROM_TOML;
	return 0;
}

/* the folder that relative paths of a setting are taken from */
static const char *base_of(struct project *p, enum project_origin from,
			   char **toml_here)
{
	if (from != PROJECT_FROM_TOML)
		return p->here;
	if (!*toml_here && folder_of_path(toml_here, p->toml_path))
		return p->here;
	return *toml_here;
}

static void add_location(struct project *p, const char *base, const char *s,
			 size_t n, size_t *alloc)
{
	char *one = xstrndup(s, n);

	ALLOC_GROW(p->locations, p->nlocations + 1, *alloc);
	p->locations[p->nlocations++] = absolute(base, one);
	free(one);
}

/*
 * The ini's path_separator (or, for version_locations, the deprecated
 * version_path_separator): *sep is 0 when neither is set.
 */
static int path_separator(struct project *p, int legacy_too, char *sep,
			  struct strbuf *err)
{
	static const char *const names[] = { "path_separator", "version_path_separator" };
	const char *v = NULL;
	size_t i;
	int r = 1;

	*sep = 0;
	for (i = 0; i < (legacy_too ? 2U : 1U) && r > 0; i++)
		if ((r = ini_get(p, names[i], &v, err)) < 0)
			return -1;
	if (r > 0)
		return 0;
	i--;
	if (!strcmp(v, "space"))
		*sep = ' ';
	else if (!strcmp(v, "newline"))
		*sep = '\n';
	else if (!strcmp(v, "os") || !strcmp(v, ":"))
		*sep = ':';
	else if (!strcmp(v, ";"))
		*sep = ';';
	else {
		strbuf_addf(err, "%s: '%s' is not a valid value for %s; expected 'space', 'newline', 'os', ':', ';'",
			    p->ini_path, v, names[i]);
		return -1;
	}
	return 0;
}

/* Config.get_version_locations_list() */
static int read_locations(struct project *p, char **toml_here, struct strbuf *err)
{
	const struct toml_value *v;
	const char *s;
	size_t alloc = 0, i;
	char sep;
	int r;

	if ((r = ini_get(p, "version_locations", &s, err)) < 0)
		return -1;
	if (!r && *s) {
		p->locations_from = PROJECT_FROM_INI;
		if (path_separator(p, 1, &sep, err))
			return -1;
		while (*s) {
			/*
			 * No separator: the legacy split on spaces and commas
			 * (newlines and tabs too, which Alembic would keep in
			 * a path that then never exists).
			 */
			size_t n = sep ? strcspn(s, (char[]){ sep, '\0' }) : strcspn(s, " ,\t\n");
			size_t b = 0, e = n;

			while (sep && b < e && isspace((unsigned char)s[b]))
				b++;
			while (sep && e > b && isspace((unsigned char)s[e - 1]))
				e--;
			if (e > b)
				add_location(p, p->here, s + b, e - b, &alloc);
			s += n;
			while (*s && (sep ? *s == sep : strchr(" ,\t\n", *s) != NULL))
				s++;
		}
		return 0;
	}
	if (!(v = toml_get(p->tool, "version_locations")))
		return 0;
	if (v->type != TOML_ARRAY) {
		strbuf_addf(err, "%s:%d: [tool.alembic] version_locations must be an array of strings, not %s %s",
			    p->toml_path, v->line, a_type(v->type), toml_type_name(v->type));
		return -1;
	}
	p->locations_from = PROJECT_FROM_TOML;
	for (i = 0; i < v->nr; i++) {
		struct strbuf sb = STRBUF_INIT;
		const struct toml_value *item = v->items[i];

		if (item->type != TOML_STRING) {
			strbuf_addf(err, "%s:%d: [tool.alembic] version_locations must be an array of strings; item %zu is %s %s",
				    p->toml_path, item->line, i + 1, a_type(item->type),
				    toml_type_name(item->type));
			return -1;
		}
		if (toml_interpolate(p, "version_locations", item, &sb, err)) {
			strbuf_release(&sb);
			return -1;
		}
		if (sb.len)
			add_location(p, base_of(p, PROJECT_FROM_TOML, toml_here), sb.buf,
				     sb.len, &alloc);
		strbuf_release(&sb);
	}
	return 0;
}

/* Config.get_alembic_boolean_option() */
static int read_recursive(struct project *p, struct strbuf *err)
{
	const struct toml_value *v;
	const char *s;
	int r;

	if ((r = ini_get(p, "recursive_version_locations", &s, err)) < 0)
		return -1;
	if (!r) {
		p->recursive = !strcmp(s, "true");
		p->recursive_from = PROJECT_FROM_INI;
		return 0;
	}
	if (!(v = toml_get(p->tool, "recursive_version_locations")))
		return 0;
	if (v->type != TOML_BOOLEAN) {
		strbuf_addf(err, "%s:%d: boolean value expected for TOML parameter 'recursive_version_locations'",
			    p->toml_path, v->line);
		return -1;
	}
	p->recursive = v->boolean;
	p->recursive_from = PROJECT_FROM_TOML;
	return 0;
}

static int read_truncate(struct project *p, struct strbuf *err)
{
	const struct toml_value *v = NULL;
	const char *s;
	char *end;
	long n;
	int r;

	p->truncate_slug_length = 40;
	if ((r = ini_get(p, "truncate_slug_length", &s, err)) < 0)
		return -1;
	if (r) {
		if (!(v = toml_get(p->tool, "truncate_slug_length")))
			return 0;
		if (v->type == TOML_INTEGER) {
			if (v->integer < 0 || v->integer > INT_MAX) {
				strbuf_addf(err, "%s:%d: [tool.alembic] truncate_slug_length %lld is out of range",
					    p->toml_path, v->line, v->integer);
				return -1;
			}
			p->truncate_slug_length = v->integer ? (int)v->integer : 40;
			p->truncate_from = PROJECT_FROM_TOML;
			return 0;
		}
		if (v->type != TOML_STRING) {
			strbuf_addf(err, "%s:%d: [tool.alembic] truncate_slug_length must be an integer, not %s %s",
				    p->toml_path, v->line, a_type(v->type), toml_type_name(v->type));
			return -1;
		}
		s = v->str;
	}
	if (!*s && !v)
		return 0;
	n = strtol(s, &end, 10);
	if (!*s || *end || n < 0 || n > INT_MAX) {
		if (v)
			strbuf_addf(err, "%s:%d: [tool.alembic] truncate_slug_length '%s' is not a number",
				    p->toml_path, v->line, s);
		else
			strbuf_addf(err, "%s: truncate_slug_length '%s' is not a number",
				    p->ini_path, s);
		return -1;
	}
	/* ScriptDirectory: truncate_slug_length or 40 */
	p->truncate_slug_length = n ? (int)n : 40;
	p->truncate_from = v ? PROJECT_FROM_TOML : PROJECT_FROM_INI;
	return 0;
}

const char *project_config_name(const struct project *p)
{
	return p->ini_path ? p->ini_path : p->toml_path;
}

int project_open(struct project **out, const struct options *opts,
		 struct strbuf *err)
{
	struct project *p = xcalloc(1, sizeof(*p));
	char *v = NULL, *toml_here = NULL;
	const char *env, *s;
	enum project_origin from;
	int r;

	*out = NULL;
	p->opts = opts;
	if (find_files(p, err))
		goto fail;
	if (p->cfg)
		p->here = xstrdup(config_here(p->cfg));
	else if (folder_of_path(&p->here, p->toml_path))
		goto fail;

	if (get_string(p, "script_location", &v, &from, err))
		goto fail;
	if (!v || !*v) {
		if (p->cfg && config_has_section(p->cfg, opts->name))
			strbuf_addf(err, "No 'script_location' key found in configuration section [%s] of %s",
				    opts->name, p->ini_path);
		else
			strbuf_addf(err, "No 'script_location' key found in [tool.alembic] of %s",
				    p->toml_path);
		if (p->cfg && p->tool && config_has_section(p->cfg, opts->name))
			strbuf_addf(err, " or in [tool.alembic] of %s", p->toml_path);
		goto fail;
	}
	p->script_location = absolute(base_of(p, from, &toml_here), v);
	p->script_location_from = from;
	FREE_AND_NULL(v);

	if (read_locations(p, &toml_here, err))
		goto fail;
	if (!p->nlocations) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s/versions", p->script_location);
		p->locations = xmalloc(sizeof(char *));
		p->locations[p->nlocations++] = strbuf_detach(&sb, NULL);
		p->locations_from = PROJECT_DEFAULT;
	}
	/* only checked: git-dbmig runs no Python */
	if ((r = ini_get(p, "prepend_sys_path", &s, err)) < 0)
		goto fail;
	if (!r && *s) {
		char sep;

		if (path_separator(p, 0, &sep, err))
			goto fail;
	}
	if (read_recursive(p, err))
		goto fail;
	if (get_string(p, "file_template", &v, &p->file_template_from, err))
		goto fail;
	p->file_template = v && *v ? v : xstrdup("%(rev)s_%(slug)s");
	if (!v || !*v) {
		free(v);
		p->file_template_from = PROJECT_DEFAULT;
	}
	v = NULL;
	if (read_truncate(p, err))
		goto fail;
	if (get_string(p, "version_table", &v, &p->version_table_from, err))
		goto fail;
	p->version_table = v && *v ? v : xstrdup("alembic_version");
	if (!v || !*v) {
		free(v);
		p->version_table_from = PROJECT_DEFAULT;
	}
	v = NULL;
	if (get_string(p, "version_table_schema", &v, &p->version_table_schema_from, err))
		goto fail;
	if (v && !*v) {
		FREE_AND_NULL(v);
		p->version_table_schema_from = PROJECT_DEFAULT;
	}
	p->version_table_schema = v;
	v = NULL;

	if (opts->url) {
		p->url = xstrdup(opts->url);
		p->url_origin = PROJECT_URL_OPTION;
	} else if ((env = getenv("SQLALCHEMY_URL")) && *env) {
		p->url = xstrdup(env);
		p->url_origin = PROJECT_URL_ENV;
	} else {
		/* the ini only: Alembic's env.py reads it with get_main_option() */
		if (ini_get(p, "sqlalchemy.url", &s, err) < 0)
			goto fail;
		if (s && *s) {
			p->url = xstrdup(s);
			p->url_origin = PROJECT_URL_CONFIG;
		}
	}
	free(toml_here);
	*out = p;
	return 0;
fail:
	free(v);
	free(toml_here);
	project_free(p);
	return -1;
}

struct rf_file {
	const struct revfile *rf;
	size_t file;
};

static int cmp_rf_file(const void *a, const void *b)
{
	const struct revfile *x = ((const struct rf_file *)a)->rf;
	const struct revfile *y = ((const struct rf_file *)b)->rf;

	return x < y ? -1 : x > y;
}

/*
 * Save the graph built from src's files in the graph cache: which file
 * each revision came from, found by its revfile (pairs[], one per file).
 */
static void save_graph_cache(const char *file, const struct source *src,
			     const struct graph *g, struct rf_file *pairs,
			     uint64_t scan_ns)
{
	size_t *rev_file, i;

	if (!file || g->nr != src->nfiles)
		return;
	qsort(pairs, g->nr, sizeof(*pairs), cmp_rf_file);
	rev_file = xmalloc((g->nr + 1) * sizeof(*rev_file));
	for (i = 0; i < g->nr; i++) {
		struct rf_file key = { g->revs[i].rf, 0 }, *hit;

		hit = bsearch(&key, pairs, g->nr, sizeof(*pairs), cmp_rf_file);
		if (!hit) {
			free(rev_file);
			return;
		}
		rev_file[i] = hit->file;
	}
	graphcache_save(file, src, g, rev_file, scan_ns);
	free(rev_file);
}

int project_load_graph(struct project *p, struct strbuf *err)
{
	struct source *src = NULL;
	struct graph_input *in = NULL;
	struct rf_file *pairs = NULL;
	struct cache *cache = NULL;
	char *graph_file = NULL;
	uint64_t scan_ns = 0;
	size_t i, n = 0;
	char cwd[PATH_MAX];
	size_t cwdlen = 0;
	int ret = -1;

	if (getcwd(cwd, sizeof(cwd)))
		cwdlen = strlen(cwd);
	if (p->opts->at && !p->opts->staged && !p->opts->need_bodies) {
		/*
		 * A read-only command on a commit: the graph cache of trees,
		 * keyed by the blob ids the tree lists, else the blobs.
		 */
		graph_file = graphcache_file_name(p->locations, p->nlocations, 1);
		if (source_git_list(&src, p->opts->at, p->locations, p->nlocations,
				    p->recursive, err))
			goto cleanup;
		if (graph_file && !graphcache_load(&p->graph, graph_file, src, cwd, cwdlen)) {
			if (src->root)
				p->git_root = xstrdup(src->root);
			ret = 0;
			goto cleanup;
		}
		if (source_git_fill(src, err))
			goto cleanup;
		if (graph_file)
			pairs = xcalloc(src->nfiles + 1, sizeof(*pairs));
	} else if (p->opts->at || p->opts->staged) {
		if (source_git(&src, p->opts->at, p->locations, p->nlocations,
			       p->recursive, err))
			return -1;
	} else if (p->opts->need_bodies) {
		if (source_worktree(&src, p->locations, p->nlocations, p->recursive, err))
			return -1;
	} else {
		/*
		 * A read-only command: the whole graph from the graph cache
		 * when no file changed, else headers from the header cache.
		 */
		struct timespec now;

		graph_file = graphcache_file_name(p->locations, p->nlocations, 0);
		clock_gettime(CLOCK_REALTIME, &now);
		scan_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
		if (graph_file &&
		    !graphcache_load_unscanned(&p->graph, graph_file, p->locations, p->nlocations,
					       p->recursive, cwd, cwdlen)) {
			ret = 0;
			goto cleanup;
		}
		if (source_worktree_scan(&src, p->locations, p->nlocations,
					 p->recursive, err))
			goto cleanup;
		if (graph_file && !graphcache_load(&p->graph, graph_file, src, cwd, cwdlen)) {
			graphcache_relist(graph_file, src, scan_ns);
			ret = 0;
			goto cleanup;
		}
		cache = cache_open(p->locations, p->nlocations);
		if (source_worktree_fill(src, cache, err))
			goto cleanup;
		if (graph_file)
			pairs = xcalloc(src->nfiles + 1, sizeof(*pairs));
	}
	in = xcalloc(src->nfiles ? src->nfiles : 1, sizeof(*in));
	for (i = 0; i < src->nfiles; i++) {
		struct source_file *f = &src->files[i];
		const char *shown = f->path;

		if (cwdlen && !strncmp(shown, cwd, cwdlen) && shown[cwdlen] == '/')
			shown += cwdlen + 1;
		if (f->rf) {
			in[n].rf = f->rf;
			f->rf = NULL;
		} else {
			if (revfile_parse(&in[n].rf, shown, f->data, f->len, err))
				goto cleanup;
			cache_store(cache, f->path, &f->st, in[n].rf);
		}
		if (pairs) {
			pairs[n].rf = in[n].rf;
			pairs[n].file = i;
		}
		in[n].path = xstrdup(shown);
		memcpy(in[n].blob, f->blob, sizeof(in[n].blob));
		n++;
	}
	if (src->root)
		p->git_root = xstrdup(src->root);
	ret = graph_build(&p->graph, in, n, err);
	n = 0;
	if (!ret && pairs)
		save_graph_cache(graph_file, src, p->graph, pairs, scan_ns);
cleanup:
	cache_save(cache);
	cache_free(cache);
	for (i = 0; i < n; i++) {
		revfile_free(in[i].rf);
		free(in[i].path);
	}
	free(in);
	free(pairs);
	free(graph_file);
	source_free(src);
	return ret;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int same_strv(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return 1;
}

/* What the graph and the plan took from the header. */
static int same_header(const struct revfile *a, const struct revfile *b)
{
	return a->kind == b->kind && a->transactional == b->transactional &&
	       same_str(a->revision, b->revision) &&
	       same_strv(a->down_revision, a->ndown, b->down_revision, b->ndown) &&
	       same_strv(a->branch_labels, a->nlabels, b->branch_labels, b->nlabels) &&
	       same_strv(a->depends_on, a->ndeps, b->depends_on, b->ndeps) &&
	       same_strv(a->squashes, a->nsquashes, b->squashes, b->nsquashes) &&
	       same_str(a->message, b->message) && same_str(a->doc, b->doc);
}

int project_load_body(struct project *p, size_t rev, struct strbuf *err)
{
	struct rev *r = &p->graph->revs[rev];
	struct revfile *rf = r->rf, *now = NULL;
	char *data = NULL;
	size_t len = 0;

	if (rf->bodies && r->blob[0])
		return 0;
	if (p->opts->at || p->opts->staged)
		BUG("a graph read from git without the bodies of %s", r->id);
	if (rf->part_of) {
		/* a half of a split squash: made with its bodies, from a whole file */
		strbuf_addf(err, "the bodies of %s (%s) were not read", r->id, r->path);
		return -1;
	}
	if (getenv("DBMIG_TRACE"))
		fprintf(stderr, "trace: body of %s read from %s\n", r->id, r->path);
	if (source_read_file(r->path, &data, &len)) {
		strbuf_addf(err, "cannot read '%s': %s", r->path, strerror(errno));
		return -1;
	}
	if (revfile_parse(&now, r->path, data, len, err)) {
		free(data);
		return -1;
	}
	if (!same_header(rf, now)) {
		strbuf_addf(err, "'%s' changed while this run was reading the revisions; run it again", r->path);
		revfile_free(now);
		free(data);
		return -1;
	}
	free(rf->upgrade);
	free(rf->downgrade);
	rf->upgrade = now->upgrade;
	rf->downgrade = now->downgrade;
	rf->upgrade_line = now->upgrade_line;
	rf->downgrade_line = now->downgrade_line;
	now->upgrade = now->downgrade = NULL;
	rf->bodies = 1;
	source_blob_id(r->blob, data, len);
	revfile_free(now);
	free(data);
	return 0;
}

/* path with "." and ".." folded and "//" squeezed, without touching the disk */
static char *lexical_path(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char cwd[PATH_MAX];
	const char *s;

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)))
		strbuf_addstr(&sb, cwd);
	for (s = path; *s;) {
		size_t n = strcspn(s, "/");

		if (!n || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = strrchr(sb.buf, '/');

			strbuf_setlen(&sb, slash ? (size_t)(slash - sb.buf) : 0);
		} else {
			strbuf_addch(&sb, '/');
			strbuf_add(&sb, s, n);
		}
		s += n;
		while (*s == '/')
			s++;
	}
	if (!sb.len)
		strbuf_addch(&sb, '/');
	return strbuf_detach(&sb, NULL);
}

const char *project_rev_path(struct project *p, int rev)
{
	struct rev *r = &p->graph->revs[rev];
	char real[PATH_MAX];

	if (r->abspath)
		return r->abspath;
	if (p->git_root) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s/%s", p->git_root, r->path);
		r->abspath = strbuf_detach(&sb, NULL);
	} else if (realpath(r->path, real)) {
		r->abspath = xstrdup(real);
	} else {
		/* gone since it was read: the path it was read from */
		r->abspath = lexical_path(r->path);
	}
	return r->abspath;
}

static int path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (!path[n] || path[n] == '/');
}

int project_check_write_dir(const struct project *p, const char *dir,
			    struct strbuf *err)
{
	char *ldir = lexical_path(dir), *lhere = lexical_path(p->here);
	char rhere[PATH_MAX], rdir[PATH_MAX];
	struct strbuf probe = STRBUF_INIT;
	int ret = 0;

	if (!path_is_under(ldir, lhere) || !realpath(lhere, rhere))
		goto cleanup;
	/* the nearest folder of dir that exists: mkdir makes the rest */
	strbuf_addstr(&probe, ldir);
	while (!realpath(probe.buf, rdir)) {
		char *slash = strrchr(probe.buf, '/');

		if (errno != ENOENT || !slash || slash == probe.buf)
			goto cleanup;
		strbuf_setlen(&probe, (size_t)(slash - probe.buf));
	}
	if (!path_is_under(rdir, rhere)) {
		strbuf_addf(err, "refusing to write in '%s': a symlink takes it out of the project to '%s'",
			    dir, rdir);
		ret = -1;
	}
cleanup:
	strbuf_release(&probe);
	free(ldir);
	free(lhere);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Fleet targets: [target:NAME] sections                               */

#define TARGET_PREFIX "target:"

size_t project_target_names(const struct project *p, const char ***out)
{
	const char *const *sections = NULL;
	size_t n = p->cfg ? config_sections(p->cfg, &sections) : 0, i, k = 0;
	size_t plen = strlen(TARGET_PREFIX);

	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (i = 0; i < n; i++)
		if (!strncmp(sections[i], TARGET_PREFIX, plen) && sections[i][plen])
			(*out)[k++] = sections[i] + plen;
	return k;
}

static int add_labels(struct project_target *t, const char *section,
		      const char *v, struct strbuf *err)
{
	size_t alloc = 0, i;
	int star = 0;

	while (*v) {
		size_t n = strcspn(v, " ,\t\n");

		if (n == 1 && *v == '*') {
			star = 1;
		} else if (n) {
			char *one = xstrndup(v, n);
			int dup = 0;

			for (i = 0; i < t->nlabels; i++)
				dup |= !strcmp(t->labels[i], one);
			if (dup) {
				free(one);
			} else {
				ALLOC_GROW(t->labels, t->nlabels + 1, alloc);
				t->labels[t->nlabels++] = one;
			}
		}
		v += n;
		while (*v == ' ' || *v == ',' || *v == '\t' || *v == '\n')
			v++;
	}
	if (star && t->nlabels) {
		strbuf_addf(err, "[%s]: labels '*' (all of them) cannot be listed with other labels",
			    section);
		return -1;
	}
	t->all_labels = !t->nlabels;
	return 0;
}

int project_target(struct project_target **out, const struct project *p,
		   const char *name, struct strbuf *err)
{
	struct project_target *t = NULL;
	struct strbuf section = STRBUF_INIT;
	const char *const *keys;
	const char *v = NULL;
	size_t nkeys, i;
	int r;

	*out = NULL;
	strbuf_addf(&section, TARGET_PREFIX "%s", name);
	if (!*name || !p->cfg || !config_has_section(p->cfg, section.buf)) {
		if (p->cfg)
			strbuf_addf(err, "no target '%s': %s has no [%s] section", name,
				    p->ini_path, section.buf);
		else
			strbuf_addf(err, "no target '%s': targets are [%s] sections of an ini, and no ini is read",
				    name, section.buf);
		strbuf_release(&section);
		return PROJECT_ERR_NO_TARGET;
	}
	nkeys = config_keys(p->cfg, section.buf, &keys);
	for (i = 0; i < nkeys; i++) {
		if (strcmp(keys[i], "sqlalchemy.url") && strcmp(keys[i], "labels")) {
			strbuf_addf(err, "unknown key '%s' in [%s] of %s (a target has sqlalchemy.url and labels)",
				    keys[i], section.buf, p->ini_path);
			goto fail;
		}
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	r = config_get(p->cfg, section.buf, "sqlalchemy.url", &v, err);
	if (r < 0)
		goto fail;
	if (r > 0 || !v || !*v) {
		strbuf_addf(err, "[%s] of %s has no sqlalchemy.url", section.buf, p->ini_path);
		goto fail;
	}
	t->url = xstrdup(v);
	r = config_get(p->cfg, section.buf, "labels", &v, err);
	if (r < 0)
		goto fail;
	if (add_labels(t, section.buf, r > 0 ? "" : v, err))
		goto fail;
	strbuf_release(&section);
	*out = t;
	return 0;
fail:
	strbuf_release(&section);
	project_target_free(t);
	return -1;
}

void project_target_free(struct project_target *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nlabels; i++)
		free(t->labels[i]);
	free(t->labels);
	free(t->name);
	free(t->url);
	free(t);
}

static struct project *left_projects[4];

void project_leave(struct project *p)
{
	size_t i;

	for (i = 0; p && i < sizeof(left_projects) / sizeof(left_projects[0]); i++) {
		if (!left_projects[i]) {
			left_projects[i] = p;
			return;
		}
	}
	project_free(p);
}

void project_free(struct project *p)
{
	size_t i;

	if (!p)
		return;
	config_free(p->cfg);
	toml_free(p->toml);
	free(p->ini_path);
	free(p->toml_path);
	free(p->here);
	free(p->script_location);
	for (i = 0; i < p->nlocations; i++)
		free(p->locations[i]);
	free(p->locations);
	free(p->file_template);
	free(p->version_table);
	free(p->version_table_schema);
	free(p->url);
	free(p->git_root);
	graph_free(p->graph);
	free(p);
}
