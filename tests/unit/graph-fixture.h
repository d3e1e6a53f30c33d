/*
 * Shared by the graph and resolver unit tests: graphs written as one
 * line of text, turned into real .sql revision texts and built with
 * graph_build(). Included by each test program (they are built one file
 * each), so everything here is static.
 */
#ifndef GRAPH_FIXTURE_H
#define GRAPH_FIXTURE_H

/* Graphs from text                                                    */

/*
 * A graph is written on one line: revisions separated by ';', each an id
 * followed by "<down1,down2", "@LABEL1,LABEL2" and "^dep1,dep2" tokens,
 * e.g. "a1 @A; a2 <a1; b1 @B ^A". Each becomes a real .sql text that
 * revfile_parse() reads. SEED stands for migrations/versions/ (the
 * seed graph of ALEMBIC_SEMANTICS.md), read relative to the current
 * directory: the Makefile runs unit tests from the repository root.
 */
#define SEED NULL
#define SEED_DIR "migrations/versions"

static char *dupstr(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void add_input(struct graph_input **in, size_t *n, size_t *alloc,
		      struct revfile *rf, char *path)
{
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 16;
		*in = realloc(*in, *alloc * sizeof(**in));
	}
	memset(&(*in)[*n], 0, sizeof(**in));
	(*in)[*n].rf = rf;
	(*in)[*n].path = path;
	(*n)++;
}

static void free_inputs(struct graph_input *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		revfile_free(in[i].rf);
		free(in[i].path);
	}
	free(in);
}

/* One compact entry ("x3 <x2 @MID ^y") as the text of a .sql file. */
static void entry_to_sql(struct strbuf *sql, const char *entry, size_t len)
{
	static const char *const keys[] = { "down_revision", "branch_labels", "depends_on" };
	static const char marks[] = "<@^";
	const char *p = entry, *end = entry + len;
	int first = 1;

	while (p < end) {
		const char *q;

		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		for (q = p; q < end && *q != ' '; q++)
			;
		if (first) {
			strbuf_addf(sql, "-- revision: %.*s\n", (int)(q - p), p);
			first = 0;
		} else {
			const char *m = strchr(marks, *p);

			assert_non_null(m);
			strbuf_addf(sql, "-- %s: %.*s\n", keys[m - marks],
				    (int)(q - p - 1), p + 1);
		}
		p = q;
	}
	strbuf_addstr(sql, "\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 2;\n");
}

static int parse_compact(struct graph_input **in, size_t *n, size_t *alloc,
			 const char *text, struct strbuf *err)
{
	const char *p = text;

	while (*p) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		struct strbuf sql = STRBUF_INIT, name = STRBUF_INIT;
		struct revfile *rf = NULL;
		const char *id = p;

		while (*id == ' ')
			id++;
		if (id < p + len) {
			size_t idlen = strcspn(id, " ;");

			entry_to_sql(&sql, p, len);
			strbuf_addf(&name, "%.*s.sql", (int)idlen, id);
			if (revfile_parse(&rf, name.buf, sql.buf, sql.len, err)) {
				strbuf_release(&sql);
				strbuf_release(&name);
				return -1;
			}
			add_input(in, n, alloc, rf, dupstr(name.buf, name.len));
		}
		strbuf_release(&sql);
		strbuf_release(&name);
		p += len;
		if (*p == ';')
			p++;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_seed(struct graph_input **in, size_t *n, size_t *alloc,
		     struct strbuf *err)
{
	DIR *dir = opendir(SEED_DIR);
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, i;
	int ret = 0;

	if (!dir) {
		strbuf_addf(err, "cannot open %s (run from the repository root)", SEED_DIR);
		return -1;
	}
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".sql"))
			continue;
		names = realloc(names, (nnames + 1) * sizeof(*names));
		names[nnames++] = dupstr(de->d_name, len);
	}
	closedir(dir);
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (i = 0; i < nnames; i++) {
		struct strbuf path = STRBUF_INIT, buf = STRBUF_INIT;
		struct revfile *rf = NULL;

		strbuf_addf(&path, "%s/%s", SEED_DIR, names[i]);
		if (!ret && strbuf_read_file(&buf, path.buf)) {
			strbuf_addf(err, "cannot read %s", path.buf);
			ret = -1;
		}
		if (!ret && revfile_parse(&rf, path.buf, buf.buf, buf.len, err))
			ret = -1;
		if (!ret)
			add_input(in, n, alloc, rf, dupstr(path.buf, path.len));
		strbuf_release(&path);
		strbuf_release(&buf);
		free(names[i]);
	}
	free(names);
	return ret;
}

/* Build the graph a test row describes (text == SEED for the seed). */
static int build_graph(struct graph **out, const char *text, struct strbuf *err)
{
	struct graph_input *in = NULL;
	size_t n = 0, alloc = 0;
	int ret;

	*out = NULL;
	ret = text ? parse_compact(&in, &n, &alloc, text, err)
		   : read_seed(&in, &n, &alloc, err);
	if (ret) {
		free_inputs(in, n);
		return -1;
	}
	ret = graph_build(out, in, n, err);
	free(in);   /* graph_build took every rf and path */
	return ret;
}

/*
 * Space-separated ids of a list of revision indexes; REV_NONE (Alembic's
 * None) is "None", REV_BASE (the "base" string of Alembic's walks) "base".
 */
static void format_revs(struct strbuf *sb, const struct graph *g,
			const int *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, v[i] >= 0 ? g->revs[v[i]].id :
			      v[i] == REV_NONE ? "None" : "base");
	}
}

#endif
