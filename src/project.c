/*
 * project: finds alembic.ini, reads the settings Alembic reads from its
 * main section, and loads the revision graph from the chosen source.
 * Relative script_location and version_locations are taken from the
 * ini's folder, so that the tool works from any folder of the work tree
 * (Alembic takes them from the current folder, which is the same when it
 * is run where alembic.ini is).
 */
#include "project.h"
#include "cache.h"
#include "revfile.h"
#include "source.h"
#include "usage.h"

#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int file_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* alembic.ini at the root of the enclosing git work tree, or NULL. */
static char *worktree_ini(void)
{
	git_buf root = { 0 };
	git_repository *repo = NULL;
	char *res = NULL;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL))
		return NULL;
	if (git_repository_workdir(repo)) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%salembic.ini", git_repository_workdir(repo));
		if (file_exists(sb.buf))
			res = strbuf_detach(&sb, NULL);
		strbuf_release(&sb);
	}
	git_buf_dispose(&root);
	git_repository_free(repo);
	return res;
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

	if (config_get(p->cfg, p->opts->name, key, &v, &err) != 0)
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

static int get_checked(struct project *p, const char *key, const char **out,
		       struct strbuf *err)
{
	int r = config_get(p->cfg, p->opts->name, key, out, err);

	if (r < 0)
		return -1;
	if (r > 0)
		*out = NULL;
	return 0;
}

int project_open(struct project **out, const struct options *opts,
		 struct strbuf *err)
{
	struct project *p = xcalloc(1, sizeof(*p));
	const char *v, *env;
	char *ini = NULL;

	*out = NULL;
	p->opts = opts;
	if (opts->config) {
		ini = xstrdup(opts->config);
		if (!file_exists(ini)) {
			strbuf_addf(err, "No config file '%s' found", ini);
			goto fail;
		}
	} else if (file_exists("alembic.ini")) {
		ini = xstrdup("alembic.ini");
	} else if (!(ini = worktree_ini())) {
		strbuf_addstr(err, "No config file 'alembic.ini' found, or file has no '[alembic]' section");
		goto fail;
	}
	if (config_load(&p->cfg, ini, err))
		goto fail;
	p->ini_path = xstrdup(config_path(p->cfg));
	p->here = xstrdup(config_here(p->cfg));
	if (!config_has_section(p->cfg, opts->name)) {
		strbuf_addf(err, "No config file '%s' found, or file has no '[%s]' section",
			    ini, opts->name);
		goto fail;
	}
	if (get_checked(p, "script_location", &v, err))
		goto fail;
	if (!v || !*v) {
		strbuf_addf(err, "No 'script_location' key found in configuration section [%s] of %s",
			    opts->name, ini);
		goto fail;
	}
	p->script_location = absolute(p->here, v);

	if (get_checked(p, "version_locations", &v, err))
		goto fail;
	if (v && *v) {
		const char *s = v;
		size_t alloc = 0;

		while (*s) {
			size_t n = strcspn(s, " ,\t\n");

			if (n) {
				char *one = xstrndup(s, n);

				ALLOC_GROW(p->locations, p->nlocations + 1, alloc);
				p->locations[p->nlocations++] = absolute(p->here, one);
				free(one);
			}
			s += n;
			while (*s == ' ' || *s == ',' || *s == '\t' || *s == '\n')
				s++;
		}
	}
	if (!p->nlocations) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s/versions", p->script_location);
		p->locations = xmalloc(sizeof(char *));
		p->locations[p->nlocations++] = strbuf_detach(&sb, NULL);
	}
	if (get_checked(p, "recursive_version_locations", &v, err))
		goto fail;
	p->recursive = v && (!strcasecmp(v, "true") || !strcmp(v, "1") ||
			     !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
	if (get_checked(p, "file_template", &v, err))
		goto fail;
	p->file_template = xstrdup(v && *v ? v : "%(rev)s_%(slug)s");
	if (get_checked(p, "truncate_slug_length", &v, err))
		goto fail;
	p->truncate_slug_length = 40;
	if (v && *v) {
		char *end;
		long n = strtol(v, &end, 10);

		if (*end || n < 0) {
			strbuf_addf(err, "%s: truncate_slug_length '%s' is not a number", ini, v);
			goto fail;
		}
		p->truncate_slug_length = (int)n;
	}
	if (get_checked(p, "version_table", &v, err))
		goto fail;
	p->version_table = xstrdup(v && *v ? v : "alembic_version");
	if (get_checked(p, "version_table_schema", &v, err))
		goto fail;
	p->version_table_schema = v && *v ? xstrdup(v) : NULL;

	if (opts->url) {
		p->url = xstrdup(opts->url);
		p->url_origin = PROJECT_URL_OPTION;
	} else if ((env = getenv("SQLALCHEMY_URL")) && *env) {
		p->url = xstrdup(env);
		p->url_origin = PROJECT_URL_ENV;
	} else {
		if (get_checked(p, "sqlalchemy.url", &v, err))
			goto fail;
		if (v && *v) {
			p->url = xstrdup(v);
			p->url_origin = PROJECT_URL_CONFIG;
		}
	}
	free(ini);
	*out = p;
	return 0;
fail:
	free(ini);
	project_free(p);
	return -1;
}

int project_load_graph(struct project *p, struct strbuf *err)
{
	struct source *src = NULL;
	struct graph_input *in = NULL;
	struct cache *cache = NULL;
	size_t i, n = 0;
	char cwd[PATH_MAX];
	size_t cwdlen = 0;
	int ret = -1;

	if (p->opts->at || p->opts->staged) {
		if (source_git(&src, p->opts->at, p->locations, p->nlocations,
			       p->recursive, err))
			return -1;
	} else {
		if (!p->opts->need_bodies)
			cache = cache_open(p->locations, p->nlocations);
		if (source_worktree_cached(&src, p->locations, p->nlocations,
					   p->recursive, cache, err)) {
			cache_free(cache);
			return -1;
		}
	}
	if (getcwd(cwd, sizeof(cwd)))
		cwdlen = strlen(cwd);
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
		in[n].path = xstrdup(shown);
		memcpy(in[n].blob, f->blob, sizeof(in[n].blob));
		n++;
	}
	if (src->root)
		p->git_root = xstrdup(src->root);
	ret = graph_build(&p->graph, in, n, err);
	n = 0;
cleanup:
	cache_save(cache);
	cache_free(cache);
	for (i = 0; i < n; i++) {
		revfile_free(in[i].rf);
		free(in[i].path);
	}
	free(in);
	source_free(src);
	return ret;
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
	const char *const *sections;
	size_t n = config_sections(p->cfg, &sections), i, k = 0;
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
	if (!*name || !config_has_section(p->cfg, section.buf)) {
		strbuf_addf(err, "no target '%s': %s has no [%s] section", name,
			    p->ini_path, section.buf);
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

void project_free(struct project *p)
{
	size_t i;

	if (!p)
		return;
	config_free(p->cfg);
	free(p->ini_path);
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
