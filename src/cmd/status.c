/*
 * cmd/status.c: "status" prints where a database stands: every revision
 * of the graph in the order upgrade runs them, with its state and, for
 * an applied one, its dbmig_log row (when, by whom, which blob, how
 * long); the ids the graph no longer has; and one line per branch label.
 * With --target, each target's table and summary line, then a matrix:
 * the targets down, their labels across. status.c decides the states;
 * this prints them.
 */
#include "cmd/cmd.h"
#include "fleet.h"
#include "format.h"
#include "migrate.h"
#include "status.h"
#include "url.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

static const char usage_text[] =
	"usage: git dbmig status [--json]\n"
	"   or: git dbmig status --target NAME|all... [-j N] [--fail-fast]";

/* A state's colour on a terminal: green, red, yellow or none. */
static const char *state_color(enum status_state s)
{
	switch (s) {
	case STATUS_APPLIED:
		return "\033[32m";
	case STATUS_CHANGED:
	case STATUS_UNKNOWN:
		return "\033[1;31m";
	case STATUS_GONE:
	case STATUS_OUTSIDE:
		return "\033[35m";
	case STATUS_PENDING:
		return "\033[33m";
	case STATUS_OTHER:
		return "";
	}
	return "";
}

static void add_time(struct strbuf *out, const char *iso)
{
	/* "2026-11-24 12:00:00.123456Z" shown to the second */
	if (strlen(iso) >= 19)
		strbuf_addf(out, "%.19sZ", iso);
	else
		strbuf_addstr(out, iso);
}

static void add_logrow(struct strbuf *out, const struct status_logrow *lr)
{
	add_time(out, lr->started);
	strbuf_addstr(out, " by ");
	if (*lr->user)
		strbuf_addf(out, "%s@", lr->user);
	strbuf_addf(out, "%s, %ld ms", *lr->host ? lr->host : "?", lr->ms);
	if (*lr->blob)
		strbuf_addf(out, ", blob %.7s", lr->blob);
}

static void text_entry(struct strbuf *out, const struct graph *g,
		       const struct status_entry *e, int width, int color)
{
	const char *c = color ? state_color(e->state) : "";

	strbuf_addf(out, "%s%-8s%s %-*s", c, status_state_name(e->state),
		    *c ? "\033[m" : "", width, e->id);
	switch (e->state) {
	case STATUS_APPLIED:
		strbuf_addstr(out, "  ");
		add_logrow(out, e->log);
		if (e->why)
			strbuf_addf(out, " (%s)", e->why);
		break;
	case STATUS_CHANGED:
		strbuf_addstr(out, "  ");
		add_logrow(out, e->log);
		strbuf_addf(out, ", file now %.7s: %s", g->revs[e->rev].blob, e->why);
		break;
	case STATUS_OUTSIDE:
		strbuf_addstr(out, "  no dbmig_log row: applied outside git-dbmig (Alembic, or a stamp)");
		break;
	case STATUS_PENDING:
		break;
	case STATUS_OTHER:
		strbuf_addstr(out, "  not one of the target's labels");
		break;
	case STATUS_GONE:
		strbuf_addstr(out, "  ");
		if (e->log) {
			add_logrow(out, e->log);
			strbuf_addstr(out, "; ");
		}
		strbuf_addf(out, "applied, its file is gone: %s", e->why ? e->why : "");
		break;
	case STATUS_UNKNOWN:
		strbuf_addf(out, "  a version row that names no revision of the graph: %s",
			    e->why ? e->why : "");
		break;
	}
	if (e->version_row)
		strbuf_addstr(out, " (version row)");
	while (out->len && out->buf[out->len - 1] == ' ')
		strbuf_setlen(out, out->len - 1);
	strbuf_addch(out, '\n');
}

static void add_revs(struct strbuf *out, const struct graph *g,
		     const struct revlist *l, const char *none)
{
	size_t i;

	if (!l->n)
		strbuf_addstr(out, none);
	for (i = 0; i < l->n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", g->revs[l->v[i]].id);
}

static int same_revs(const struct revlist *a, const struct revlist *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i] != b->v[i])
			return 0;
	return 1;
}

/* A label's cell of the matrix: "mod1_rev1 (-2)", "a+b" for two. */
static void label_cell(struct strbuf *out, const struct graph *g,
		       const struct status_label *l)
{
	size_t i;

	if (!l->at.n)
		strbuf_addstr(out, "base");
	for (i = 0; i < l->at.n; i++)
		strbuf_addf(out, "%s%s", i ? "+" : "", g->revs[l->at.v[i]].id);
	if (l->behind)
		strbuf_addf(out, " (-%zu)", l->behind);
}

static void text_status(struct strbuf *out, const struct graph *g,
			const struct status *st, const char *display, int color)
{
	size_t i, total = 0;
	int width = 0, lwidth = 0;
	static const char *const words[] = {
		"applied", "changed", "outside git-dbmig", "pending", "for other labels",
		"gone", "unknown version rows",
	};

	if (display)
		strbuf_addf(out, "Database: %s\n", display);
	for (i = 0; i < st->n; i++)
		if ((int)strlen(st->v[i].id) > width)
			width = (int)strlen(st->v[i].id);
	for (i = 0; i < st->n; i++)
		text_entry(out, g, &st->v[i], width, color);
	if (st->nlabels && display)
		strbuf_addch(out, '\n');
	for (i = 0; i < st->nlabels; i++)
		if ((int)strlen(st->labels[i].name) > lwidth)
			lwidth = (int)strlen(st->labels[i].name);
	for (i = 0; i < st->nlabels; i++) {
		const struct status_label *l = &st->labels[i];

		strbuf_addf(out, "%-*s  at ", lwidth, l->name);
		add_revs(out, g, &l->at, "base");
		if (!l->behind && same_revs(&l->at, &l->heads)) {
			strbuf_addstr(out, ", its head\n");
			continue;
		}
		strbuf_addf(out, ", %zu behind ", l->behind);
		add_revs(out, g, &l->heads, "base");
		strbuf_addch(out, '\n');
	}
	for (i = 0; i <= STATUS_UNKNOWN; i++)
		if (i != STATUS_GONE && i != STATUS_UNKNOWN)
			total += st->count[i];
	strbuf_addf(out, "%s%zu revision%s:", st->nlabels || !display ? "" : "\n", total,
		    total == 1 ? "" : "s");
	{
		const char *sep = " ";

		for (i = 0; i <= STATUS_UNKNOWN; i++) {
			if (!st->count[i])
				continue;
			strbuf_addf(out, "%s%zu %s", sep, st->count[i], words[i]);
			sep = ", ";
		}
	}
	strbuf_addf(out, "; %zu head%s not applied\n", st->heads_not_applied,
		    st->heads_not_applied == 1 ? "" : "s");
	/*
	 * Every head applied, and yet Alembic's current --check-heads (and
	 * git-dbmig's) fails: say why, so that the two never seem to differ.
	 */
	if (!st->heads_not_applied && !st->check_heads) {
		strbuf_addstr(out, "current --check-heads fails: ");
		if (st->heads_without_row.n) {
			size_t i;

			strbuf_addstr(out, st->heads_without_row.n == 1 ?
				      "a head has no version row: " : "heads have no version row: ");
			for (i = 0; i < st->heads_without_row.n; i++) {
				const struct rev *h = &g->revs[st->heads_without_row.v[i]];

				strbuf_addf(out, "%s%s", i ? ", " : "", h->id);
				if (h->nallnext)
					strbuf_addf(out, " (%s depends on it)", g->revs[h->allnext[0]].id);
				else
					strbuf_addstr(out, " (not one of this database's labels)");
			}
			strbuf_addch(out, '\n');
		} else {
			strbuf_addstr(out, "a version row names no head\n");
		}
	}
}

static void json_logrow(struct strbuf *out, const struct status_logrow *lr)
{
	if (!lr) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addf(out, "{\"log_id\": %ld, \"started_at\": ", lr->id);
	format_json_string(out, lr->started);
	strbuf_addstr(out, ", \"finished_at\": ");
	format_json_string(out, lr->finished);
	strbuf_addf(out, ", \"duration_ms\": %ld, \"os_user\": ", lr->ms);
	format_json_string(out, lr->user);
	strbuf_addstr(out, ", \"host\": ");
	format_json_string(out, lr->host);
	strbuf_addstr(out, ", \"blob_id\": ");
	format_json_string(out, lr->blob);
	strbuf_addstr(out, ", \"tool_version\": ");
	format_json_string(out, lr->tool);
	strbuf_addch(out, '}');
}

static void json_revlist(struct strbuf *out, const struct graph *g,
			 const struct revlist *l)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < l->n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		format_json_string(out, g->revs[l->v[i]].id);
	}
	strbuf_addch(out, ']');
}

static void json_status(struct strbuf *out, const struct graph *g,
			const struct status *st, const char *display,
			const char *target)
{
	size_t i;

	strbuf_addstr(out, "{\"database\": ");
	format_json_string(out, display);
	strbuf_addstr(out, ", \"target\": ");
	if (target)
		format_json_string(out, target);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ", \"revisions\": [");
	for (i = 0; i < st->n; i++) {
		const struct status_entry *e = &st->v[i];

		strbuf_addstr(out, i ? ",\n  " : "\n  ");
		strbuf_addstr(out, "{\"revision\": ");
		format_json_string(out, e->id);
		strbuf_addf(out, ", \"state\": \"%s\", \"version_row\": %s, \"path\": ",
			    status_state_name(e->state), e->version_row ? "true" : "false");
		if (e->rev >= 0)
			format_json_string(out, g->revs[e->rev].path);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ", \"blob_id\": ");
		if (e->rev >= 0 && *g->revs[e->rev].blob)
			format_json_string(out, g->revs[e->rev].blob);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ", \"applied\": ");
		json_logrow(out, e->log);
		strbuf_addstr(out, ", \"explanation\": ");
		if (e->why)
			format_json_string(out, e->why);
		else
			strbuf_addstr(out, "null");
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, st->n ? "\n], \"labels\": [" : "], \"labels\": [");
	for (i = 0; i < st->nlabels; i++) {
		const struct status_label *l = &st->labels[i];

		strbuf_addstr(out, i ? ",\n  " : "\n  ");
		strbuf_addstr(out, "{\"label\": ");
		format_json_string(out, l->name);
		strbuf_addstr(out, ", \"at\": ");
		json_revlist(out, g, &l->at);
		strbuf_addstr(out, ", \"heads\": ");
		json_revlist(out, g, &l->heads);
		strbuf_addf(out, ", \"behind\": %zu}", l->behind);
	}
	strbuf_addstr(out, st->nlabels ? "\n], \"summary\": {" : "], \"summary\": {");
	for (i = 0; i <= STATUS_UNKNOWN; i++)
		strbuf_addf(out, "\"%s\": %zu, ", status_state_name(i), st->count[i]);
	strbuf_addf(out, "\"heads_not_applied\": %zu, \"check_heads\": %s, \"heads_without_row\": ",
		    st->heads_not_applied, st->check_heads ? "true" : "false");
	json_revlist(out, g, &st->heads_without_row);
	strbuf_addstr(out, "}}\n");
}

struct status_run {
	int json;
};

/* ------------------------------------------------------------------ */
/* The fleet's matrix                                                  */

/*
 * Each target's summary line, "LABEL CELL, LABEL CELL", collected in
 * the parent as fleet_run() prints them.
 */
struct matrix_row {
	char *name;
	int failed;
	char *summary;
};

struct matrix {
	struct matrix_row *v;
	size_t n, alloc;
};

static void matrix_collect(const char *name, int failed, const char *summary,
			   void *data)
{
	struct matrix *m = data;

	ALLOC_GROW(m->v, m->n + 1, m->alloc);
	m->v[m->n].name = xstrdup(name);
	m->v[m->n].failed = failed;
	m->v[m->n].summary = xstrdup(summary);
	m->n++;
}

/* The cell of label in a summary, or NULL. */
static char *matrix_cell(const char *summary, const char *label)
{
	size_t n = strlen(label);
	const char *s = summary;

	while (*s) {
		size_t len = strcspn(s, ",");

		if (len > n && !strncmp(s, label, n) && s[n] == ' ')
			return xstrndup(s + n + 1, len - n - 1);
		s += len;
		while (*s == ',' || *s == ' ')
			s++;
	}
	return NULL;
}

/* Targets down, labels across: where each target is, and how far behind. */
static void matrix_print(struct strbuf *out, const struct matrix *m,
			 const struct graph *g)
{
	size_t i, k, nw = 1 + g->nlabels;
	int *width = xcalloc(nw, sizeof(*width));
	char ***cells = xcalloc(m->n ? m->n : 1, sizeof(*cells));
	unsigned char *used = xcalloc(g->nlabels ? g->nlabels : 1, 1);

	width[0] = (int)strlen("target");
	for (k = 0; k < g->nlabels; k++)
		width[k + 1] = (int)strlen(g->labels[k].name);
	for (i = 0; i < m->n; i++) {
		cells[i] = xcalloc(g->nlabels ? g->nlabels : 1, sizeof(**cells));
		if ((int)strlen(m->v[i].name) > width[0])
			width[0] = (int)strlen(m->v[i].name);
		for (k = 0; k < g->nlabels && !m->v[i].failed; k++) {
			cells[i][k] = matrix_cell(m->v[i].summary, g->labels[k].name);
			if (cells[i][k]) {
				used[k] = 1;
				if ((int)strlen(cells[i][k]) > width[k + 1])
					width[k + 1] = (int)strlen(cells[i][k]);
			}
		}
	}
	strbuf_addf(out, "\n%-*s", width[0], "target");
	for (k = 0; k < g->nlabels; k++)
		if (used[k])
			strbuf_addf(out, "  %-*s", width[k + 1], g->labels[k].name);
	while (out->len && out->buf[out->len - 1] == ' ')
		strbuf_setlen(out, out->len - 1);
	strbuf_addch(out, '\n');
	for (i = 0; i < m->n; i++) {
		strbuf_addf(out, "%-*s", width[0], m->v[i].name);
		if (m->v[i].failed)
			strbuf_addstr(out, "  FAILED");
		for (k = 0; k < g->nlabels && !m->v[i].failed; k++)
			if (used[k])
				strbuf_addf(out, "  %-*s", width[k + 1], cells[i][k] ? cells[i][k] : "-");
		while (out->len && out->buf[out->len - 1] == ' ')
			strbuf_setlen(out, out->len - 1);
		strbuf_addch(out, '\n');
		for (k = 0; k < g->nlabels; k++)
			free(cells[i][k]);
		free(cells[i]);
	}
	free(cells);
	free(used);
	free(width);
}

static void matrix_release(struct matrix *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].summary);
	}
	free(m->v);
}

static int status_one(struct project *p, const struct project_target *t,
		      int json, struct strbuf *summary, struct strbuf *err)
{
	struct status st = STATUS_INIT;
	struct status_log log = STATUS_LOG_INIT;
	struct strbuf out = STRBUF_INIT;
	char *display = NULL;
	int ret;

	ret = cmd_status_load(&st, &log, &display, p, t && !t->all_labels ? t->labels : NULL,
		   t ? t->nlabels : 0, err);
	if (ret)
		goto cleanup;
	if (json)
		json_status(&out, p->graph, &st, display, t ? t->name : NULL);
	else
		text_status(&out, p->graph, &st, t ? NULL : display, usage_color_stdout);
	fwrite(out.buf, 1, out.len, stdout);
	if (summary) {
		size_t i;

		/* one cell per label, tab-separated, for the matrix */
		for (i = 0; i < st.nlabels; i++) {
			if (i)
				strbuf_addstr(summary, ", ");
			strbuf_addf(summary, "%s ", st.labels[i].name);
			label_cell(summary, p->graph, &st.labels[i]);
		}
		if (!st.nlabels)
			strbuf_addf(summary, "%zu applied, %zu pending",
				    st.count[STATUS_APPLIED] + st.count[STATUS_CHANGED] +
				    st.count[STATUS_OUTSIDE], st.count[STATUS_PENDING]);
	}
cleanup:
	free(display);
	strbuf_release(&out);
	status_log_release(&log);
	status_release(&st);
	return ret;
}

static int status_target(struct project *p, const struct project_target *t,
			 void *data, struct strbuf *summary, struct strbuf *err)
{
	return status_one(p, t, ((struct status_run *)data)->json, summary, err);
}

int cmd_status(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct fleet_opts fo = FLEET_OPTS_INIT;
	struct status_run run = { 0 };
	struct matrix m = { NULL, 0, 0 };
	struct project *p = NULL;
	int i, r, ret = -1;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("%s\n", usage_text);
			ret = 0;
			goto cleanup;
		}
		if (opt_flag(argv[i], NULL, "--json")) {
			run.json = 1;
			continue;
		}
		r = fleet_parse_option(&fo, argc, argv, &i, err);
		if (r < 0)
			goto cleanup;
		if (!r) {
			opt_unknown(argv[0], argv[i], err);
			goto cleanup;
		}
	}
	if (run.json && fo.nnames) {
		strbuf_addstr(err, "status: --json reads one database; it cannot be used with --target");
		goto cleanup;
	}
	/* the blob ids of the files, to compare with the ones that ran */
	ctx->opts->need_bodies = 1;
	if (fleet_check_options(&fo, argv[0], err) || cmd_setup(ctx, &p, err))
		goto cleanup;
	if (fo.nnames) {
		struct strbuf out = STRBUF_INIT;

		fo.done = matrix_collect;
		fo.done_data = &m;
		ret = fleet_run(p, &fo, status_target, &run, err);
		if (m.n)
			matrix_print(&out, &m, p->graph);
		fwrite(out.buf, 1, out.len, stdout);
		strbuf_release(&out);
	} else {
		ret = status_one(p, NULL, run.json, NULL, err);
	}
cleanup:
	matrix_release(&m);
	fleet_opts_release(&fo);
	project_free(p);
	return ret;
}
