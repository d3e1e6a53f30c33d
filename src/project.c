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

	if (opts->url)
		p->url = xstrdup(opts->url);
	else if ((env = getenv("SQLALCHEMY_URL")) && *env)
		p->url = xstrdup(env);
	else {
		if (get_checked(p, "sqlalchemy.url", &v, err))
			goto fail;
		if (v && *v)
			p->url = xstrdup(v);
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
	graph_free(p->graph);
	free(p);
}
