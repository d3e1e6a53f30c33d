/*
 * cmd/check.c: "check" validates the revision graph (SPEC 6): every file
 * parses, every down_revision and depends_on names a revision, no cycle,
 * no duplicate id or label, no branch label with two heads, every file
 * name carries its id when file_template puts it there, and no file of a
 * revision that the protected ref already has was changed (squash
 * excepted). With --staged it checks the index git hands the hook
 * (GIT_INDEX_FILE), which is what the pre-commit hook runs.
 *
 * It loads the files itself rather than through project_load_graph() so
 * that it keeps their bytes (to point at the first changed line) and can
 * name file and line for the duplicate and cycle errors, which the graph
 * reports without a line. Every failure is one "file:line: what" reason.
 * A passing --staged run is remembered (see "The last passing --staged
 * run"), so that the hook costs little on commits that leave the
 * revision files alone.
 */
#include "cmd/cmd.h"
#include "format.h"
#include "revfile.h"
#include "source.h"
#include "usage.h"

#include "version.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct checked {
	struct project *p;
	struct source *src;      /* the files, in source order */
	char **shown;            /* per file: the path shown in messages */
	const char **ids;        /* per file: its revision id (owned by g) */
	struct graph *g;
	char *ref;               /* the protected ref, or NULL */
	char ref_id[41];         /* what it names */
	char *cache_path;        /* --staged: the cache of the last passing run */
	char cache_key[41];      /* "" when nothing may be cached */
	char base_key[41];       /* the key without the files */
	const struct revfile **rfs; /* per file: its header (owned by g) */
};

static void checked_release(struct checked *c)
{
	size_t i;

	if (c->shown) {
		for (i = 0; i < c->src->nfiles; i++)
			free(c->shown[i]);
		free(c->shown);
	}
	free(c->ids);
	free(c->rfs);
	free(c->ref);
	free(c->cache_path);
	graph_free(c->g);
	source_free(c->src);
	project_free(c->p);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static unsigned line_or(unsigned line, unsigned def)
{
	return line ? line : def;
}

/* ------------------------------------------------------------------ */
/* Duplicates and cycles, with file and line                          */

struct named {
	const char *name;
	size_t file;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->file < y->file ? -1 : x->file > y->file;
}

static const struct named *find_named(const struct named *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].name, name);

		if (!c) {
			while (mid > 0 && !strcmp(v[mid - 1].name, name))
				mid--;
			return &v[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Duplicate ids and labels, a label that is also an id, and cycles
 * through down_revision and depends_on. Edges to names that do not exist
 * are skipped here: graph_build() reports them with their line.
 */
static int precheck(struct revfile **rf, char **shown, size_t n, struct strbuf *err)
{
	struct named *ids = xcalloc(n ? n : 1, sizeof(*ids)), *labels = NULL;
	size_t nlabels = 0, alloc = 0, i, j;
	int **edges = NULL;
	size_t *nedges = NULL;
	unsigned char *color = NULL;
	size_t *stack = NULL, *pos = NULL;
	int ret = -1;

	for (i = 0; i < n; i++) {
		ids[i].name = rf[i]->revision;
		ids[i].file = i;
		for (j = 0; j < rf[i]->nlabels; j++) {
			ALLOC_GROW(labels, nlabels + 1, alloc);
			labels[nlabels].name = rf[i]->branch_labels[j];
			labels[nlabels].file = i;
			nlabels++;
		}
	}
	qsort(ids, n, sizeof(*ids), cmp_named);
	if (nlabels)
		qsort(labels, nlabels, sizeof(*labels), cmp_named);
	for (i = 1; i < n; i++) {
		if (!strcmp(ids[i].name, ids[i - 1].name)) {
			size_t a = ids[i - 1].file, b = ids[i].file;

			strbuf_addf(err, "%s:%u: revision '%s' is present more than once (also in %s:%u)",
				    shown[b], rf[b]->revision_line, ids[i].name,
				    shown[a], rf[a]->revision_line);
			goto cleanup;
		}
	}
	for (i = 0; i < nlabels; i++) {
		size_t b = labels[i].file;
		const struct named *id = find_named(ids, n, labels[i].name);

		if (i > 0 && !strcmp(labels[i].name, labels[i - 1].name)) {
			size_t a = labels[i - 1].file;

			strbuf_addf(err, "%s:%u: branch label '%s' of revision %s is already used by revision %s (%s:%u)",
				    shown[b], rf[b]->labels_line, labels[i].name, rf[b]->revision,
				    rf[a]->revision, shown[a], rf[a]->labels_line);
			goto cleanup;
		}
		if (id) {
			strbuf_addf(err, "%s:%u: branch label '%s' of revision %s is also a revision id (%s:%u)",
				    shown[b], rf[b]->labels_line, labels[i].name, rf[b]->revision,
				    shown[id->file], rf[id->file]->revision_line);
			goto cleanup;
		}
	}

	/*
	 * Edges: down_revisions first, then depends_on (an id or a label).
	 * A negative entry -(k+1) marks a depends_on edge to file k.
	 */
	edges = xcalloc(n ? n : 1, sizeof(*edges));
	nedges = xcalloc(n ? n : 1, sizeof(*nedges));
	for (i = 0; i < n; i++) {
		edges[i] = xmalloc((rf[i]->ndown + rf[i]->ndeps + 1) * sizeof(int));
		for (j = 0; j < rf[i]->ndown; j++) {
			const struct named *d = find_named(ids, n, rf[i]->down_revision[j]);

			if (d)
				edges[i][nedges[i]++] = (int)d->file;
		}
		for (j = 0; j < rf[i]->ndeps; j++) {
			const struct named *d = find_named(ids, n, rf[i]->depends_on[j]);

			if (!d)
				d = find_named(labels, nlabels, rf[i]->depends_on[j]);
			if (d)
				edges[i][nedges[i]++] = -(int)d->file - 1;
		}
	}
	/* Depth-first search in id order; a grey target closes a cycle. */
	color = xcalloc(n ? n : 1, 1);
	stack = xmalloc((n ? n : 1) * sizeof(*stack));
	pos = xcalloc(n ? n : 1, sizeof(*pos));
	for (i = 0; i < n; i++) {
		size_t root = ids[i].file, depth = 0;

		if (color[root])
			continue;
		stack[depth++] = root;
		color[root] = 1;
		pos[root] = 0;
		while (depth) {
			size_t v = stack[depth - 1];
			int e, dep;
			size_t t;

			if (pos[v] == nedges[v]) {
				color[v] = 2;
				depth--;
				continue;
			}
			e = edges[v][pos[v]++];
			dep = e < 0;
			t = dep ? (size_t)(-e - 1) : (size_t)e;
			if (t == v) {
				strbuf_addf(err, "%s:%u: %s is detected in revisions (%s)",
					    shown[v], dep ? line_or(rf[v]->deps_line, rf[v]->revision_line)
							  : line_or(rf[v]->down_line, rf[v]->revision_line),
					    dep ? "Dependency self-loop" : "Self-loop", rf[v]->revision);
				goto cleanup;
			}
			if (color[t] == 1) {
				size_t k = depth, m;
				int any_dep = dep;

				while (k > 0 && stack[k - 1] != t)
					k--;
				/* the edges taken from stack[k-1] .. v */
				for (m = k - 1; m + 1 < depth; m++)
					if (edges[stack[m]][pos[stack[m]] - 1] < 0)
						any_dep = 1;
				strbuf_addf(err, "%s:%u: %s is detected in revisions (",
					    shown[v], dep ? line_or(rf[v]->deps_line, rf[v]->revision_line)
							  : line_or(rf[v]->down_line, rf[v]->revision_line),
					    any_dep ? "Dependency cycle" : "Cycle");
				for (m = k - 1; m < depth; m++)
					strbuf_addf(err, "%s%s", m + 1 > k ? ", " : "", rf[stack[m]]->revision);
				strbuf_addstr(err, ")");
				goto cleanup;
			}
			if (!color[t]) {
				color[t] = 1;
				pos[t] = 0;
				stack[depth++] = t;
			}
		}
	}
	ret = 0;
cleanup:
	if (edges)
		for (i = 0; i < n; i++)
			free(edges[i]);
	free(edges);
	free(nedges);
	free(color);
	free(stack);
	free(pos);
	free(ids);
	free(labels);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The last passing --staged run                                       */

/*
 * The hook runs "check --staged" before every commit, and most commits
 * do not touch a revision file. The result of a passing run is kept in
 * <git folder>/dbmig-check-cache under a key made of everything it
 * depends on: this binary (size and mtime), the config files' bytes and
 * the settings read from it, the commit the protected ref names (the
 * "base key"), and every staged revision file's path and blob id. The
 * same key gives the same answer without reading a blob.
 *
 * A commit that edits a body or a comment changes a blob id and not the
 * graph. So the cache also lists each file of the run: its blob id, its
 * header id (revfile_header_id()) and its path. When the base key and
 * the paths are those of the last passing run, only the files whose
 * blob ids changed are read; if each still parses and has the header it
 * had, the graph is the one that passed, and so is every check of it.
 * The protected ref's check is the same too as long as the ref has no
 * file at a changed path and no file with a changed file's old bytes
 * (so none of their revisions): then it compares no changed file.
 * Anything else, or DBMIG_NO_CACHE, runs the whole check. Failures are
 * never cached.
 *
 * The file: "<key> <summary>", "<base key>", then per file
 * "<blob id> <header id> <path>", each a line.
 */
#define CHECK_CACHE "dbmig-check-cache"
/* more changed files than this, and the whole check is as cheap */
#define CHECK_CACHE_MAX_CHANGED 64

static void make_cache_key(struct checked *c)
{
	struct strbuf sb = STRBUF_INIT, ini = STRBUF_INIT, toml = STRBUF_INIT;
	struct stat st;
	size_t i;

	c->cache_key[0] = c->base_key[0] = '\0';
	if (getenv("DBMIG_NO_CACHE") || stat("/proc/self/exe", &st) ||
	    (c->p->ini_path && strbuf_read_file(&ini, c->p->ini_path)) ||
	    (c->p->toml_path && strbuf_read_file(&toml, c->p->toml_path)))
		goto cleanup;
	strbuf_addf(&sb, "git-dbmig check --staged, cache 2\n%s\n%lld %lld.%09ld\n",
		    DBMIG_VERSION, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		    (long)st.st_mtim.tv_nsec);
	strbuf_addf(&sb, "%s\n%s\n%s\n%d\n%s\n%zu\n", c->p->ini_path ? c->p->ini_path : "-",
		    c->p->here, c->p->opts->name, c->p->recursive, c->p->file_template, ini.len);
	strbuf_add(&sb, ini.buf, ini.len);
	strbuf_addf(&sb, "\n%s\n%zu\n", c->p->toml_path ? c->p->toml_path : "-", toml.len);
	strbuf_add(&sb, toml.buf, toml.len);
	for (i = 0; i < c->p->nlocations; i++)
		strbuf_addf(&sb, "\nlocation %s", c->p->locations[i]);
	strbuf_addf(&sb, "\nprotected %s %s\n", c->ref ? c->ref : "-", c->ref_id);
	source_blob_id(c->base_key, sb.buf, sb.len);
	for (i = 0; i < c->src->nfiles; i++) {
		const struct source_file *f = &c->src->files[i];

		/* "%s %s\n" without printf: 100,000 files make it show */
		strbuf_addstr(&sb, f->blob);
		strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, f->path);
		strbuf_addch(&sb, '\n');
	}
	source_blob_id(c->cache_key, sb.buf, sb.len);
cleanup:
	strbuf_release(&sb);
	strbuf_release(&ini);
	strbuf_release(&toml);
}

/* 1 when the cache holds a passing run with this key; prints its summary. */
static int cache_hit(struct checked *c)
{
	struct strbuf ignore = STRBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = NULL;
	int hit = 0;

	make_cache_key(c);
	if (!c->cache_key[0] || source_git_path(&c->cache_path, CHECK_CACHE, &ignore))
		goto cleanup;
	f = fopen(c->cache_path, "r");
	if (!f || (n = getline(&line, &cap, f)) < 43 || line[n - 1] != '\n' ||
	    strncmp(line, c->cache_key, 40) || line[40] != ' ')
		goto cleanup;
	hit = 1;
	if (!c->p->opts->quiet)
		fputs(line + 41, stdout);
cleanup:
	if (f)
		fclose(f);
	free(line);
	strbuf_release(&ignore);
	return hit;
}

/* Replace the cache file with sb; a cache that cannot be written is no error. */
static void cache_write(struct checked *c, const struct strbuf *sb)
{
	struct strbuf tmp = STRBUF_INIT;
	FILE *f;

	strbuf_addf(&tmp, "%s.tmp", c->cache_path);
	f = fopen(tmp.buf, "w");
	if (f) {
		int bad = fwrite(sb->buf, 1, sb->len, f) != sb->len;

		if (fclose(f) || bad || rename(tmp.buf, c->cache_path))
			unlink(tmp.buf);
	}
	strbuf_release(&tmp);
}

/* Remember a passing run; the header ids come from rfs. */
static void cache_store(struct checked *c, const char *summary)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!c->cache_path || !c->cache_key[0])
		return;
	strbuf_addf(&sb, "%s %s%s\n", c->cache_key, summary, c->base_key);
	for (i = 0; i < c->src->nfiles; i++) {
		const struct source_file *sf = &c->src->files[i];
		char hid[41];

		if (strchr(sf->path, '\n'))
			break; /* not a list to read back: no file list at all */
		revfile_header_id(c->rfs[i], hid);
		strbuf_addstr(&sb, sf->blob);
		strbuf_addch(&sb, ' ');
		strbuf_add(&sb, hid, 40);
		strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, sf->path);
		strbuf_addch(&sb, '\n');
	}
	if (i < c->src->nfiles) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s %s%s\n", c->cache_key, summary, c->base_key);
	}
	cache_write(c, &sb);
	strbuf_release(&sb);
}

/* 1 if the protected ref has a file at one of paths or with one of blobs. */
static int ref_has_any(struct checked *c, char **paths, char **blobs, size_t n,
		       struct strbuf *err)
{
	struct source *refs = NULL;
	size_t i, k;
	int has = 0;

	if (source_git_list(&refs, c->ref, c->p->locations, c->p->nlocations,
			    c->p->recursive, err))
		return -1;
	for (i = 0; i < refs->nfiles && !has; i++)
		for (k = 0; k < n && !has; k++)
			has = !strcmp(refs->files[i].path, paths[k]) ||
			      !strcmp(refs->files[i].blob, blobs[k]);
	source_free(refs);
	return has;
}

/*
 * 1 when the staged files are those of the last passing run but for
 * bodies (see above); prints the summary and remembers this run.
 */
static int cache_hit_bodies(struct checked *c)
{
	struct strbuf sb = STRBUF_INIT, ignore = STRBUF_INIT;
	struct source part = { 0 };
	char **oldblob = NULL, **line = NULL;
	size_t *changed = NULL, nchanged = 0, i, files_at;
	const char *end, *summary;
	char *p, *summary_end;
	int hit = 0;

	if (!c->cache_key[0] || !c->cache_path || strbuf_read_file(&sb, c->cache_path))
		goto cleanup;
	p = sb.buf;
	end = sb.buf + sb.len;
	/* "<key> <summary>\n<base key>\n" */
	summary_end = memchr(p, '\n', (size_t)(end - p));
	if (!summary_end || summary_end - p < 42 || p[40] != ' ')
		goto cleanup;
	*summary_end = '\0';
	summary = p + 41;
	p = summary_end + 1;
	if (end - p < 41 || strncmp(p, c->base_key, 40) || p[40] != '\n')
		goto cleanup;
	p += 41;
	files_at = (size_t)(p - sb.buf);
	changed = xcalloc(CHECK_CACHE_MAX_CHANGED, sizeof(*changed));
	oldblob = xcalloc(CHECK_CACHE_MAX_CHANGED, sizeof(*oldblob));
	line = xcalloc(CHECK_CACHE_MAX_CHANGED, sizeof(*line));
	for (i = 0; i < c->src->nfiles; i++) {
		const struct source_file *f = &c->src->files[i];
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t plen = strlen(f->path);

		/* "<blob id> <header id> <path>" */
		if (!nl || (size_t)(nl - p) != 82 + plen || p[40] != ' ' || p[81] != ' ' ||
		    memcmp(p + 82, f->path, plen))
			goto cleanup;
		if (memcmp(p, f->blob, 40)) {
			if (nchanged == CHECK_CACHE_MAX_CHANGED)
				goto cleanup;
			oldblob[nchanged] = xstrndup(p, 40);
			line[nchanged] = p;
			changed[nchanged++] = i;
		}
		p = nl + 1;
	}
	if (p != end || !nchanged)
		goto cleanup;
	part.files = xcalloc(nchanged, sizeof(*part.files));
	for (i = 0; i < nchanged; i++) {
		const struct source_file *f = &c->src->files[changed[i]];

		part.files[i].path = xstrdup(f->path);
		memcpy(part.files[i].blob, f->blob, sizeof(f->blob));
		part.nfiles = part.alloc = i + 1;
	}
	if (source_git_fill(&part, &ignore))
		goto cleanup;
	for (i = 0; i < nchanged; i++) {
		struct revfile *rf = NULL;
		char hid[41];
		int same;

		if (revfile_parse(&rf, part.files[i].path, part.files[i].data,
				  part.files[i].len, &ignore))
			goto cleanup; /* the whole check names what is wrong */
		revfile_header_id(rf, hid);
		same = !memcmp(hid, line[i] + 41, 40);
		revfile_free(rf);
		if (!same)
			goto cleanup;
	}
	if (c->ref) {
		char **paths = xcalloc(nchanged, sizeof(*paths));
		int has;

		for (i = 0; i < nchanged; i++)
			paths[i] = part.files[i].path;
		has = ref_has_any(c, paths, oldblob, nchanged, &ignore);
		free(paths);
		if (has)
			goto cleanup;
	}
	hit = 1;
	if (getenv("DBMIG_TRACE"))
		fprintf(stderr, "trace: check --staged read %zu changed file%s\n",
			nchanged, nchanged == 1 ? "" : "s");
	if (!c->p->opts->quiet)
		printf("%s\n", summary);
	{
		/* the same list, with the changed files' new blob ids */
		struct strbuf out = STRBUF_INIT;

		for (i = 0; i < nchanged; i++)
			memcpy(line[i], c->src->files[changed[i]].blob, 40);
		strbuf_addf(&out, "%s %s\n%s\n", c->cache_key, summary, c->base_key);
		strbuf_add(&out, sb.buf + files_at, sb.len - files_at);
		cache_write(c, &out);
		strbuf_release(&out);
	}
cleanup:
	if (oldblob)
		for (i = 0; i < nchanged; i++)
			free(oldblob[i]);
	free(oldblob);
	for (i = 0; i < part.nfiles; i++) {
		free(part.files[i].path);
		free(part.files[i].data);
	}
	free(part.files);
	free(changed);
	free(line);
	strbuf_release(&sb);
	strbuf_release(&ignore);
	return hit;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

/*
 * Read the files. Returns 1 instead of reading any blob when the staged
 * files are those of the last passing run (see the cache below).
 */
static int load(struct checked *c, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct graph_input *in = NULL;
	struct revfile **rf = NULL;
	char cwd[PATH_MAX];
	size_t i, n = 0, cwdlen = 0;
	int ret = -1;

	if (ctx->opts->staged && !ctx->opts->at) {
		if (source_git_list(&c->src, NULL, c->p->locations, c->p->nlocations,
				    c->p->recursive, err))
			return -1;
		if (cache_hit(c) || cache_hit_bodies(c))
			return 1;
		if (source_git_fill(c->src, err))
			return -1;
	} else if (ctx->opts->at) {
		if (source_git(&c->src, ctx->opts->at, c->p->locations, c->p->nlocations,
			       c->p->recursive, err))
			return -1;
	} else if (source_worktree_unhashed(&c->src, c->p->locations, c->p->nlocations,
					    c->p->recursive, err)) {
		return -1;
	}
	if (getcwd(cwd, sizeof(cwd)))
		cwdlen = strlen(cwd);
	c->shown = xcalloc(c->src->nfiles + 1, sizeof(*c->shown));
	c->ids = xcalloc(c->src->nfiles + 1, sizeof(*c->ids));
	c->rfs = xcalloc(c->src->nfiles + 1, sizeof(*c->rfs));
	rf = xcalloc(c->src->nfiles + 1, sizeof(*rf));
	for (i = 0; i < c->src->nfiles; i++) {
		const char *path = c->src->files[i].path;

		if (cwdlen && !strncmp(path, cwd, cwdlen) && path[cwdlen] == '/')
			path += cwdlen + 1;
		c->shown[i] = xstrdup(path);
	}
	for (n = 0; n < c->src->nfiles; n++) {
		struct source_file *f = &c->src->files[n];

		if (revfile_parse(&rf[n], c->shown[n], f->data, f->len, err))
			goto cleanup;
		c->ids[n] = rf[n]->revision;
		c->rfs[n] = rf[n];
	}
	if (precheck(rf, c->shown, n, err))
		goto cleanup;
	in = xcalloc(n + 1, sizeof(*in));
	for (i = 0; i < n; i++) {
		in[i].rf = rf[i];
		in[i].path = xstrdup(c->shown[i]);
		memcpy(in[i].blob, c->src->files[i].blob, sizeof(in[i].blob));
	}
	n = 0; /* the graph owns them now, also on failure */
	ret = graph_build(&c->g, in, c->src->nfiles, err);
cleanup:
	for (i = 0; i < n; i++)
		revfile_free(rf[i]);
	free(rf);
	free(in);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The protected ref                                                   */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct blobset {
	const char **blobs;
	size_t n;
};

/* Read from the protected ref only the files whose bytes we do not have. */
static int want_unknown_blob(const char *path, const char *blob, void *data)
{
	const struct blobset *set = data;

	return !bsearch(&blob, set->blobs, set->n, sizeof(*set->blobs), cmp_str);
}

/* 1-based number of the first line where a and b differ. */
static unsigned first_diff_line(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;
	unsigned line = 1;

	for (i = 0; i < n && a[i] == b[i]; i++)
		if (a[i] == '\n')
			line++;
	return line;
}

static int same_squashes(const struct revfile *a, const struct revfile *b)
{
	size_t i;

	if (a->nsquashes != b->nsquashes)
		return 0;
	for (i = 0; i < a->nsquashes; i++)
		if (strcmp(a->squashes[i], b->squashes[i]))
			return 0;
	return 1;
}

/* Current file at the repository path "path", or -1. */
static long file_at(const struct checked *c, const char *path)
{
	size_t i, n = strlen(path);

	for (i = 0; i < c->src->nfiles; i++) {
		const char *p = c->src->files[i].path;
		size_t m = strlen(p);

		if (!strcmp(p, path) ||
		    (p[0] == '/' && m > n && p[m - n - 1] == '/' && !strcmp(p + m - n, path)))
			return (long)i;
	}
	return -1;
}

static long file_of_id(const struct checked *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->src->nfiles; i++)
		if (!strcmp(c->ids[i], id))
			return (long)i;
	return -1;
}

/*
 * A revision file that the protected ref has must keep its bytes: found
 * by revision id (so a renamed and edited file is caught) or else by
 * path (a file rewritten to hold another revision). Removing files is
 * allowed (the seed's workflow removes applied scripts), and so is a
 * squash: the new file lists the folded-away ids in "squashes:", a list
 * the protected version did not have yet.
 */
static int check_protected(struct checked *c, struct strbuf *err)
{
	struct blobset set = { NULL, 0 };
	struct source *old = NULL;
	const char *ref = c->ref;
	size_t i;
	int ret = -1;

	if (!ref)
		return 0;
	source_hash_blobs(c->src);
	set.blobs = xcalloc(c->src->nfiles + 1, sizeof(*set.blobs));
	for (i = 0; i < c->src->nfiles; i++)
		set.blobs[set.n++] = c->src->files[i].blob;
	qsort(set.blobs, set.n, sizeof(*set.blobs), cmp_str);
	if (source_git_select(&old, ref, c->p->locations, c->p->nlocations, c->p->recursive,
			      want_unknown_blob, &set, err))
		goto cleanup;
	for (i = 0; i < old->nfiles; i++) {
		const struct source_file *of = &old->files[i];
		struct strbuf ignore = STRBUF_INIT;
		struct revfile *orf = NULL;
		const struct revfile *crf;
		const struct source_file *cf;
		long k = -1;
		int r;

		if (revfile_parse(&orf, of->path, of->data, of->len, &ignore))
			orf = NULL; /* broken there: match by path alone */
		strbuf_release(&ignore);
		if (orf)
			k = file_of_id(c, orf->revision);
		if (k < 0)
			k = file_at(c, of->path);
		if (k < 0) {
			revfile_free(orf);
			continue; /* removed: allowed */
		}
		cf = &c->src->files[k];
		r = graph_find(c->g, c->ids[k]);
		crf = c->g->revs[r].rf;
		if (crf->nsquashes && (!orf || !same_squashes(crf, orf))) {
			revfile_free(orf);
			continue; /* a squash rewrites on purpose */
		}
		if (orf && !strcmp(orf->revision, crf->revision)) {
			int renamed = file_at(c, of->path) != k;

			strbuf_addf(err, "%s:%u: revision '%s' is already in %s%s%s; its file must not change (add a new revision, or fold with 'git dbmig squash')",
				    c->shown[k], first_diff_line(of->data, of->len, cf->data, cf->len),
				    crf->revision, ref, renamed ? " as " : "", renamed ? of->path : "");
		} else
			strbuf_addf(err, "%s:%u: file holds revision '%s' where %s has revision '%s'; a file the protected ref has must not be rewritten (add a new file instead)",
				    c->shown[k], line_or(crf->revision_line, 1), crf->revision, ref,
				    orf ? orf->revision : "(unparsable)");
		revfile_free(orf);
		goto cleanup;
	}
	ret = 0;
cleanup:
	source_free(old);
	free(set.blobs);
	return ret;
}

/* ------------------------------------------------------------------ */

int cmd_check(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct checked c = { 0 };
	struct strbuf summary = STRBUF_INIT;
	const struct graph *g;
	size_t i, k;
	int r, ret = -1, json = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig check [--staged | --at TREE-ISH] [--json]\n");
			return 0;
		}
		if (opt_flag(argv[i], NULL, "--staged")) {
			ctx->opts->staged = 1;
			continue;
		}
		if (opt_flag(argv[i], NULL, "--json")) {
			/* the counts need the graph: no shortcut through the check cache */
			json = 1;
			setenv("DBMIG_NO_CACHE", "1", 1);
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	if (ctx->opts->at && ctx->opts->staged) {
		strbuf_addstr(err, "--at and --staged cannot be used together");
		return -1;
	}
	if (project_open(&c.p, ctx->opts, err) ||
	    source_git_protected_ref(&c.ref, c.ref_id, err))
		goto cleanup;
	r = load(&c, ctx, err);
	if (r > 0) {
		ret = 0; /* the last passing run, same inputs */
		goto cleanup;
	}
	if (r < 0)
		goto cleanup;
	g = c.g;
	if (strstr(c.p->file_template, "%(rev)s")) {
		for (i = 0; i < g->nr; i++) {
			if (!strstr(base_name(g->revs[i].path), g->revs[i].id)) {
				strbuf_addf(err, "%s:%u: file name does not carry its revision id '%s' (file_template is '%s')",
					    g->revs[i].path, g->revs[i].rf->revision_line,
					    g->revs[i].id, c.p->file_template);
				goto cleanup;
			}
		}
	}
	/* A branch label with more than one head. */
	for (k = 0; k < g->nlabels; k++) {
		struct strbuf heads = STRBUF_INIT, args = STRBUF_INIT;
		size_t n = 0;
		int first = -1;

		for (i = 0; i < g->nheads; i++) {
			if (graph_rev_has_label(g, g->heads[i], g->labels[k].name)) {
				strbuf_addf(&heads, "%s%s", n ? ", " : "", g->revs[g->heads[i]].id);
				strbuf_addf(&args, " %s", g->revs[g->heads[i]].id);
				if (first < 0)
					first = g->heads[i];
				n++;
			}
		}
		if (n > 1) {
			const struct revfile *rf = g->revs[first].rf;

			strbuf_addf(err, "%s:%u: branch label '%s' has %zu heads: %s; merge them with 'git dbmig merge -m \"merge %s\"%s'",
				    g->revs[first].path, line_or(rf->down_line, rf->revision_line),
				    g->labels[k].name, n, heads.buf, g->labels[k].name, args.buf);
			strbuf_release(&heads);
			strbuf_release(&args);
			goto cleanup;
		}
		strbuf_release(&heads);
		strbuf_release(&args);
	}
	if (check_protected(&c, err))
		goto cleanup;
	strbuf_addf(&summary, "%zu revisions, %zu heads, %zu branch labels: OK\n",
		    g->nr, g->nheads, g->nlabels);
	if (json)
		printf("{\"ok\": true, \"revisions\": %zu, \"heads\": %zu, \"branch_labels\": %zu}\n",
		       g->nr, g->nheads, g->nlabels);
	else if (!c.p->opts->quiet)
		fputs(summary.buf, stdout);
	cache_store(&c, summary.buf);
	ret = 0;
cleanup:
	if (json && ret) {
		struct strbuf j = STRBUF_INIT;

		format_json_string(&j, err->buf);
		printf("{\"ok\": false, \"error\": %s}\n", j.buf);
		strbuf_release(&j);
	}
	strbuf_release(&summary);
	checked_release(&c);
	return ret;
}
