/*
 * cmd/revision.c: "revision" and "merge" write a new native .sql revision
 * from <script_location>/script.sql.mako (or a built-in template), named
 * by file_template, after checking it parses back to what was asked.
 */
#include "cmd/cmd.h"
#include "resolve.h"
#include "revfile.h"
#include "usage.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char builtin_template[] =
	"-- message: ${message}\n"
	"-- revision: ${up_revision}\n"
	"-- down_revision: ${down_revision | comma,n}\n"
	"-- branch_labels: ${branch_labels | comma,n}\n"
	"-- depends_on: ${depends_on | comma,n}\n"
	"-- create_date: ${create_date}\n"
	"\n"
	"-- migrate:upgrade\n"
	"\n"
	"-- migrate:downgrade\n";

struct newrev {
	const char *message;
	const char *rev_id;
	const char **heads;        /* --head / merge revisions */
	size_t nheads;
	int splice;
	const char **labels;
	size_t nlabels;
	const char **deps;
	size_t ndeps;
	const char *version_path;
};

/* Render ${name} and ${name | filters} placeholders; ${x.*} stays. */
static int render(struct strbuf *out, const char *tpl, const char *const *keys,
		  const char *const *vals, size_t n, struct strbuf *err)
{
	const char *s = tpl;

	for (;;) {
		const char *open = strstr(s, "${"), *close, *bar;
		size_t i, klen;

		if (!open) {
			strbuf_addstr(out, s);
			return 0;
		}
		strbuf_add(out, s, (size_t)(open - s));
		close = strchr(open, '}');
		if (!close) {
			strbuf_addstr(err, "script.sql.mako: unterminated '${'");
			return -1;
		}
		if (!strncmp(open + 2, "x.", 2)) {
			strbuf_add(out, open, (size_t)(close - open + 1));
			s = close + 1;
			continue;
		}
		bar = memchr(open, '|', (size_t)(close - open));
		{
			const char *k = open + 2, *e = bar ? bar : close;

			while (k < e && isspace((unsigned char)*k))
				k++;
			while (e > k && isspace((unsigned char)e[-1]))
				e--;
			klen = (size_t)(e - k);
			for (i = 0; i < n; i++)
				if (strlen(keys[i]) == klen && !strncmp(keys[i], k, klen))
					break;
			if (i == n) {
				strbuf_addf(err, "script.sql.mako: unknown placeholder '${%.*s}'", (int)klen, k);
				return -1;
			}
			strbuf_addstr(out, vals[i]);
		}
		s = close + 1;
	}
}

/* Alembic's slug: \w+ runs of the message, joined by '_', lowercased. */
static void make_slug(struct strbuf *out, const char *message, int trunc)
{
	const char *p = message;
	int first = 1;

	while (*p) {
		while (*p && !(isalnum((unsigned char)*p) || *p == '_'))
			p++;
		if (!*p)
			break;
		if (!first)
			strbuf_addch(out, '_');
		first = 0;
		while (*p && (isalnum((unsigned char)*p) || *p == '_'))
			strbuf_addch(out, (char)tolower((unsigned char)*p++));
	}
	if (trunc > 0 && out->len > (size_t)trunc) {
		char *last;

		strbuf_setlen(out, (size_t)trunc);
		last = strrchr(out->buf, '_');
		if (last)
			strbuf_setlen(out, (size_t)(last - out->buf));
		strbuf_addch(out, '_');
	}
}

/* Python %-format with %(name)s / %(name)d / %(name).2d / %(name)02d. */
static int format_template(struct strbuf *out, const char *tpl,
			   const char *rev, const char *slug,
			   const struct tm *tm, time_t epoch, struct strbuf *err)
{
	const char *s = tpl;

	while (*s) {
		const char *close;
		char name[32], spec[16];
		size_t nlen, slen;
		long num = 0;
		int is_num = 1;

		if (*s != '%') {
			strbuf_addch(out, *s++);
			continue;
		}
		if (s[1] == '%') {
			strbuf_addch(out, '%');
			s += 2;
			continue;
		}
		if (s[1] != '(' || !(close = strchr(s, ')'))) {
			strbuf_addf(err, "file_template '%s': bad %% placeholder", tpl);
			return -1;
		}
		nlen = (size_t)(close - s - 2);
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, s + 2, nlen);
		name[nlen] = '\0';
		s = close + 1;
		slen = strspn(s, "0123456789.-");
		if (slen >= sizeof(spec) - 2 || !s[slen] || !strchr("sd", s[slen])) {
			strbuf_addf(err, "file_template '%s': bad %% placeholder", tpl);
			return -1;
		}
		if (!strcmp(name, "rev") || !strcmp(name, "slug")) {
			is_num = 0;
		} else if (!strcmp(name, "epoch")) {
			num = (long)epoch;
		} else if (!strcmp(name, "year")) {
			num = tm->tm_year + 1900;
		} else if (!strcmp(name, "month")) {
			num = tm->tm_mon + 1;
		} else if (!strcmp(name, "day")) {
			num = tm->tm_mday;
		} else if (!strcmp(name, "hour")) {
			num = tm->tm_hour;
		} else if (!strcmp(name, "minute")) {
			num = tm->tm_min;
		} else if (!strcmp(name, "second")) {
			num = tm->tm_sec;
		} else {
			strbuf_addf(err, "file_template '%s': unknown name '%s'", tpl, name);
			return -1;
		}
		memcpy(spec, "%", 1);
		memcpy(spec + 1, s, slen);
		if (is_num) {
			spec[slen + 1] = 'l';
			spec[slen + 2] = 'd';
			spec[slen + 3] = '\0';
			strbuf_addf(out, spec, num);
		} else {
			strbuf_addstr(out, !strcmp(name, "rev") ? rev : slug);
		}
		s += slen + 1;
	}
	return 0;
}

static void random_id(char out[13])
{
	unsigned char b[6];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t i;

	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		struct timeval tv;

		gettimeofday(&tv, NULL);
		srand((unsigned)(tv.tv_usec ^ tv.tv_sec ^ getpid()));
		for (i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < sizeof(b); i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (realpath(a, ra) && realpath(b, rb))
		return !strcmp(ra, rb);
	return !strcmp(a, b);
}

static int generate(struct project *p, const struct newrev *nr, struct strbuf *err)
{
	const struct graph *g = p->graph;
	struct revlist heads = REVLIST_INIT;
	struct strbuf tpl = STRBUF_INIT, text = STRBUF_INIT, down = STRBUF_INIT,
		      labels = STRBUF_INIT, deps = STRBUF_INIT, slug = STRBUF_INIT,
		      name = STRBUF_INIT, path = STRBUF_INIT, date = STRBUF_INIT,
		      tplpath = STRBUF_INIT;
	struct revfile *rf = NULL;
	char idbuf[13];
	const char *rev_id = nr->rev_id, *vpath = NULL;
	const char *message = nr->message ? nr->message : "empty message";
	struct timeval tv;
	struct tm tm;
	size_t i, j;
	int ret = -1, fd;

	if (!rev_id) {
		random_id(idbuf);
		rev_id = idbuf;
	}
	if (!revfile_valid_id(rev_id, strlen(rev_id))) {
		strbuf_addf(err, "invalid revision id '%s' (letters, digits, '_', '-', '.', at most %d characters)",
			    rev_id, REVFILE_ID_MAX);
		goto cleanup;
	}
	if (graph_find(g, rev_id) >= 0 || graph_find_label(g, rev_id) >= 0) {
		strbuf_addf(err, "Revision %s is already present", rev_id);
		goto cleanup;
	}
	for (i = 0; i < nr->nlabels; i++) {
		if (!revfile_valid_id(nr->labels[i], strlen(nr->labels[i]))) {
			strbuf_addf(err, "invalid branch label '%s'", nr->labels[i]);
			goto cleanup;
		}
		if (graph_find_label(g, nr->labels[i]) >= 0 || graph_find(g, nr->labels[i]) >= 0) {
			strbuf_addf(err, "Branch name '%s' in revision %s already used by revision %s",
				    nr->labels[i], rev_id,
				    g->revs[graph_find_label(g, nr->labels[i]) >= 0 ?
					    graph_find_label(g, nr->labels[i]) :
					    graph_find(g, nr->labels[i])].id);
			goto cleanup;
		}
	}
	for (i = 0; i < nr->nheads; i++) {
		struct strbuf e = STRBUF_INIT;

		if (resolve_revisions(g, nr->heads[i], &heads, &e)) {
			if (strstr(e.buf, "Multiple head revisions"))
				strbuf_addstr(err, "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge.");
			else
				strbuf_addstr(err, e.buf);
			strbuf_release(&e);
			goto cleanup;
		}
		strbuf_release(&e);
	}
	for (i = 0; i < heads.n; i++) {
		if (heads.v[i] < 0) {
			strbuf_addstr(err, "a relative walk past the base cannot be a head");
			goto cleanup;
		}
		for (j = 0; j < i; j++)
			if (heads.v[j] == heads.v[i]) {
				strbuf_addstr(err, "Duplicate head revisions specified");
				goto cleanup;
			}
		if (!nr->splice && !rev_is_head(&g->revs[heads.v[i]])) {
			strbuf_addf(err, "Revision %s is not a head revision; please specify --splice to create a new branch from this revision",
				    g->revs[heads.v[i]].id);
			goto cleanup;
		}
		strbuf_addf(&down, "%s%s", i ? ", " : "", g->revs[heads.v[i]].id);
	}
	for (i = 0; i < nr->ndeps; i++) {
		int r;

		if (resolve_revision(g, nr->deps[i], &r, err))
			goto cleanup;
		if (r < 0) {
			strbuf_addf(err, "depends_on '%s' names no revision", nr->deps[i]);
			goto cleanup;
		}
		strbuf_addf(&deps, "%s%s", i ? ", " : "",
			    graph_rev_has_label(g, r, nr->deps[i]) ? nr->deps[i] : g->revs[r].id);
	}
	for (i = 0; i < nr->nlabels; i++)
		strbuf_addf(&labels, "%s%s", i ? ", " : "", nr->labels[i]);

	/* Where to write. */
	if (nr->version_path) {
		for (i = 0; i < p->nlocations; i++)
			if (same_dir(nr->version_path, p->locations[i]))
				break;
		if (i == p->nlocations) {
			strbuf_addf(err, "Path %s is not represented in current version locations",
				    nr->version_path);
			goto cleanup;
		}
		vpath = p->locations[i];
	} else if (p->nlocations > 1) {
		for (i = 0; i < heads.n; i++) {
			const char *hp = g->revs[heads.v[i]].path;
			const char *slash = strrchr(hp, '/');

			for (j = 0; slash && j < p->nlocations; j++) {
				struct strbuf d = STRBUF_INIT;

				strbuf_add(&d, hp, (size_t)(slash - hp));
				if (same_dir(d.buf, p->locations[j]))
					vpath = p->locations[j];
				strbuf_release(&d);
			}
			if (vpath)
				break;
		}
		if (!vpath) {
			strbuf_addstr(err, "Multiple version locations present, please specify --version-path");
			goto cleanup;
		}
	} else {
		vpath = p->locations[0];
	}

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strbuf_addf(&date, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (long)tv.tv_usec);
	make_slug(&slug, message, p->truncate_slug_length);
	if (format_template(&name, p->file_template, rev_id, slug.buf, &tm, tv.tv_sec, err))
		goto cleanup;
	if (strchr(name.buf, '/') || !strcmp(name.buf, "..") || !name.len) {
		strbuf_addf(err, "file_template gives '%s', which is not a file name", name.buf);
		goto cleanup;
	}
	strbuf_addstr(&name, ".sql");

	strbuf_addf(&tplpath, "%s/script.sql.mako", p->script_location);
	if (strbuf_read_file(&tpl, tplpath.buf)) {
		if (errno != ENOENT) {
			strbuf_addf(err, "cannot read %s: %s", tplpath.buf, strerror(errno));
			goto cleanup;
		}
		strbuf_reset(&tpl);
		strbuf_addstr(&tpl, builtin_template);
	}
	{
		const char *keys[] = { "message", "up_revision", "down_revision",
				       "branch_labels", "depends_on", "create_date" };
		const char *vals[] = { message, rev_id, down.buf, labels.buf, deps.buf, date.buf };

		if (render(&text, tpl.buf, keys, vals, 6, err))
			goto cleanup;
	}
	/* The rendered file must parse back to what was asked for. */
	if (revfile_parse(&rf, name.buf, text.buf, text.len, err))
		goto cleanup;
	if (strcmp(rf->revision, rev_id) || rf->nlabels != nr->nlabels ||
	    rf->ndown != heads.n || rf->ndeps != nr->ndeps) {
		strbuf_addf(err, "%s does not write the revision's header (revision, down_revision, branch_labels, depends_on)",
			    tplpath.buf);
		goto cleanup;
	}

	if (project_check_write_dir(p, vpath, err))
		goto cleanup;
	if (mkdir(vpath, 0777) && errno != EEXIST) {
		strbuf_addf(err, "cannot create %s: %s", vpath, strerror(errno));
		goto cleanup;
	}
	strbuf_addf(&path, "%s/%s", vpath, name.buf);
	fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		strbuf_addf(err, "cannot create %s: %s", path.buf, strerror(errno));
		goto cleanup;
	}
	if (write(fd, text.buf, text.len) != (ssize_t)text.len || close(fd)) {
		strbuf_addf(err, "cannot write %s: %s", path.buf, strerror(errno));
		unlink(path.buf);
		goto cleanup;
	}
	if (!p->opts->quiet)
		printf("  Generating %s ...  done\n", path.buf);
	ret = 0;
cleanup:
	revfile_free(rf);
	revlist_release(&heads);
	strbuf_release(&tpl);
	strbuf_release(&tplpath);
	strbuf_release(&text);
	strbuf_release(&down);
	strbuf_release(&labels);
	strbuf_release(&deps);
	strbuf_release(&slug);
	strbuf_release(&name);
	strbuf_release(&path);
	strbuf_release(&date);
	return ret;
}

static void push(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static int parse(int merge, int argc, const char **argv, struct newrev *nr,
		 struct strbuf *err)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *v;
		int r;

		if (opt_flag(argv[i], "-h", "--help")) {
			printf(merge ? "usage: git dbmig merge [-m MESSAGE] [--branch-label LABEL] [--rev-id ID] [--splice] REVISIONS...\n"
				     : "usage: git dbmig revision [-m MESSAGE] [--head HEAD] [--splice] [--branch-label LABEL] [--version-path PATH] [--rev-id ID] [--depends-on DEP]...\n");
			return 1;
		}
		if ((r = opt_value(argc, argv, &i, "-m", "--message", &v, err))) {
			if (r < 0)
				return -1;
			nr->message = v;
		} else if ((r = opt_value(argc, argv, &i, NULL, "--rev-id", &v, err))) {
			if (r < 0)
				return -1;
			nr->rev_id = v;
		} else if ((r = opt_value(argc, argv, &i, NULL, "--branch-label", &v, err))) {
			if (r < 0)
				return -1;
			push(&nr->labels, &nr->nlabels, v);
		} else if (!merge && (r = opt_value(argc, argv, &i, NULL, "--head", &v, err))) {
			if (r < 0)
				return -1;
			push(&nr->heads, &nr->nheads, v);
		} else if (!merge && (r = opt_value(argc, argv, &i, NULL, "--depends-on", &v, err))) {
			if (r < 0)
				return -1;
			push(&nr->deps, &nr->ndeps, v);
		} else if (!merge && (r = opt_value(argc, argv, &i, NULL, "--version-path", &v, err))) {
			if (r < 0)
				return -1;
			nr->version_path = v;
		} else if (opt_flag(argv[i], NULL, "--splice")) {
			/* merge --splice: Alembic 1.18.5 */
			nr->splice = 1;
		} else if (!merge && opt_flag(argv[i], NULL, "--autogenerate")) {
			strbuf_addstr(err, "revision: --autogenerate needs SQLAlchemy models; git-dbmig writes SQL revisions by hand");
			return -1;
		} else if (merge && argv[i][0] != '-') {
			push(&nr->heads, &nr->nheads, argv[i]);
		} else {
			return opt_unknown(argv[0], argv[i], err);
		}
	}
	if (!merge && nr->nheads > 1) {
		strbuf_addstr(err, "revision: --head may be given once");
		return -1;
	}
	if (!merge && !nr->nheads)
		push(&nr->heads, &nr->nheads, "head");
	if (merge && !nr->nheads) {
		strbuf_addstr(err, "merge: name the revisions to merge, e.g. 'git dbmig merge -m msg heads'");
		return -1;
	}
	return 0;
}

static int run(int merge, int argc, const char **argv, struct cmd_ctx *ctx,
	       struct strbuf *err)
{
	struct newrev nr = { 0 };
	struct project *p = NULL;
	int r = parse(merge, argc, argv, &nr, err), ret = -1;

	if (r) {
		ret = r > 0 ? 0 : -1;
		goto cleanup;
	}
	if (cmd_setup(ctx, &p, err))
		goto cleanup;
	ret = generate(p, &nr, err);
cleanup:
	free(nr.heads);
	free(nr.labels);
	free(nr.deps);
	project_free(p);
	return ret;
}

int cmd_revision(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	return run(0, argc, argv, ctx, err);
}

int cmd_merge(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	return run(1, argc, argv, ctx, err);
}
