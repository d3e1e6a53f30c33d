/*
 * status: compares a database's version rows and dbmig_log rows with the
 * revision graph. The applied revisions are the rows and all their
 * ancestors, dependencies included, as Alembic counts them; the last
 * upgrade row of dbmig_log for a revision says who ran it and which
 * blob, and a blob that differs from the file's now is a changed file.
 * It reads no database and prints nothing: cmd/status.c and
 * cmd/verify.c do.
 */
#include "status.h"
#include "squash.h"
#include "source.h"
#include "revfile.h"
#include "usage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* dbmig_log rows                                                      */

int status_log_add(struct status_log *log, const char *line,
		   struct strbuf *err)
{
	char *f[10], *copy = xstrdup(line), *s = copy, *end;
	struct status_logrow *r;
	size_t n = 0;

	for (;;) {
		char *tab = strchr(s, '\t');

		if (n < 10)
			f[n] = s;
		n++;
		if (!tab)
			break;
		*tab = '\0';
		s = tab + 1;
	}
	if (n != 10) {
		strbuf_addf(err, "dbmig_log row '%s' has %zu columns, not 10", line, n);
		goto fail;
	}
	if (strcmp(f[2], "upgrade") && strcmp(f[2], "downgrade")) {
		strbuf_addf(err, "dbmig_log row %s: direction '%s' is neither upgrade nor downgrade",
			    f[0], f[2]);
		goto fail;
	}
	if (!*f[1]) {
		strbuf_addf(err, "dbmig_log row %s: no revision", f[0]);
		goto fail;
	}
	ALLOC_GROW(log->v, log->n + 1, log->alloc);
	r = &log->v[log->n];
	errno = 0;
	r->id = strtol(f[0], &end, 10);
	if (!*f[0] || *end || errno) {
		strbuf_addf(err, "dbmig_log row id '%s' is not a number", f[0]);
		goto fail;
	}
	r->ms = strtol(f[6], &end, 10);
	if (!*f[6] || *end || errno || r->ms < 0) {
		strbuf_addf(err, "dbmig_log row %s: duration_ms '%s' is not a number", f[0], f[6]);
		goto fail;
	}
	r->revision = xstrdup(f[1]);
	r->direction = xstrdup(f[2]);
	r->blob = xstrdup(f[3]);
	r->started = xstrdup(f[4]);
	r->finished = xstrdup(f[5]);
	r->user = xstrdup(f[7]);
	r->host = xstrdup(f[8]);
	r->tool = xstrdup(f[9]);
	log->n++;
	free(copy);
	return 0;
fail:
	free(copy);
	return -1;
}

void status_log_release(struct status_log *log)
{
	size_t i;

	for (i = 0; i < log->n; i++) {
		struct status_logrow *r = &log->v[i];

		free(r->revision);
		free(r->direction);
		free(r->blob);
		free(r->started);
		free(r->finished);
		free(r->user);
		free(r->host);
		free(r->tool);
	}
	free(log->v);
	log->v = NULL;
	log->n = log->alloc = 0;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */

const char *status_state_name(enum status_state s)
{
	static const char *const names[] = {
		"applied", "changed", "outside", "pending", "other", "gone", "unknown",
	};

	return names[s];
}

static struct status_entry *add_entry(struct status *st, enum status_state s,
				      int rev, const char *id)
{
	struct status_entry *e;

	ALLOC_GROW(st->v, st->n + 1, st->alloc);
	e = &st->v[st->n++];
	memset(e, 0, sizeof(*e));
	e->state = s;
	e->rev = rev;
	e->id = xstrdup(id);
	st->count[s]++;
	return e;
}

static int cmp_ptr_id(const void *a, const void *b)
{
	const struct status_logrow *x = *(const struct status_logrow *const *)a;
	const struct status_logrow *y = *(const struct status_logrow *const *)b;
	int c = strcmp(x->revision, y->revision);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * For each revision of the graph, its last log row (NULL when none);
 * and the last rows of ids the graph does not have, into *gone. A
 * sorted copy makes this n log n, not revisions x rows.
 */
static void index_log(const struct status_logrow **byrev,
		      const struct status_logrow ***gone, size_t *ngone,
		      const struct graph *g, const struct status_log *log)
{
	const struct status_logrow **sorted = xcalloc(log->n ? log->n : 1, sizeof(*sorted));
	size_t i, alloc = 0;

	*gone = NULL;
	*ngone = 0;
	for (i = 0; i < log->n; i++)
		sorted[i] = &log->v[i];
	qsort(sorted, log->n, sizeof(*sorted), cmp_ptr_id);
	for (i = 0; i < log->n; i++) {
		const struct status_logrow *r = sorted[i];
		int rev;

		if (i + 1 < log->n && !strcmp(sorted[i + 1]->revision, r->revision))
			continue; /* not the last row of this id */
		rev = graph_find(g, r->revision);
		if (rev >= 0) {
			byrev[rev] = r;
		} else {
			ALLOC_GROW(*gone, *ngone + 1, alloc);
			(*gone)[(*ngone)++] = r;
		}
	}
	free(sorted);
}

/* Whether r carries label l (an index into g->labels): its label bit row. */
static int has_label(const struct rev *r, int l)
{
	return r->labelset && ((r->labelset[l / 64] >> (l % 64)) & 1);
}

/*
 * For every label, the revisions with it that have no down_revision
 * child with it (among those of only, when not NULL): heads[l], in one
 * pass over the graph.
 */
static void label_heads(struct revlist *heads, const struct graph *g,
			const unsigned char *only)
{
	size_t i, k;
	int l;

	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];

		if (only && !only[i])
			continue;
		for (l = graph_rev_label_next(g, (int)i, 0); l >= 0; l = graph_rev_label_next(g, (int)i, l + 1)) {
			int child = 0;

			for (k = 0; k < r->nnext && !child; k++)
				child = (!only || only[r->next[k]]) &&
					has_label(&g->revs[r->next[k]], l);
			if (!child)
				revlist_add(&heads[l], (int)i);
		}
	}
}

static int wanted_label(const char *name, char *const *labels, size_t n)
{
	size_t i;

	if (!labels)
		return 1;
	for (i = 0; i < n; i++)
		if (!strcmp(labels[i], name))
			return 1;
	return 0;
}

int status_build(struct status *out, const struct graph *g,
		 const char *const *rows, size_t nrows,
		 const struct status_log *log, char *const *labels,
		 size_t nlabels, struct strbuf *err)
{
	struct revlist known = REVLIST_INIT;
	struct plan plan = PLAN_INIT;
	struct spec none = { NULL, NULL, 0 };
	unsigned char *applied = xcalloc(g->nr ? g->nr : 1, 1);
	unsigned char *wanted = xcalloc(g->nr ? g->nr : 1, 1);
	unsigned char *isrow = xcalloc(g->nr ? g->nr : 1, 1);
	unsigned char *listed = xcalloc(g->nr ? g->nr : 1, 1);
	const struct status_logrow **byrev = xcalloc(g->nr ? g->nr : 1, sizeof(*byrev));
	const struct status_logrow **gone = NULL;
	struct revlist *heads = xcalloc(g->nlabels ? g->nlabels : 1, sizeof(*heads));
	struct revlist *at = xcalloc(g->nlabels ? g->nlabels : 1, sizeof(*at));
	unsigned char *reach = xcalloc(g->nr ? g->nr : 1, 1);
	size_t ngone = 0, i, k;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	/* rows: a known id, an id squash folded (its owner's parents are in), or nothing */
	for (i = 0; i < nrows; i++) {
		int rev = graph_find(g, rows[i]), owner;

		if (rev >= 0) {
			revlist_add(&known, rev);
			isrow[rev] = 1;
			continue;
		}
		owner = squash_owner(g, rows[i]);
		for (k = 0; owner >= 0 && k < g->revs[owner].ndown; k++)
			revlist_add(&known, g->revs[owner].down[k]);
	}
	graph_ancestors(g, known.v, known.n, WALK_DEPS, applied);

	/* what upgrade heads (or each wanted label's head) would reach */
	label_heads(heads, g, NULL);
	if (!labels) {
		memset(wanted, 1, g->nr);
	} else {
		for (i = 0; i < g->nlabels; i++)
			if (wanted_label(g->labels[i].name, labels, nlabels))
				graph_ancestors(g, heads[i].v, heads[i].n, WALK_DEPS, wanted);
	}

	index_log(byrev, &gone, &ngone, g, log);
	if (resolve_upgrade(&plan, g, &none, "heads", err))
		goto cleanup;
	for (i = 0; i < plan.n; i++) {
		int rev = plan.steps[i].rev;
		struct status_entry *e;
		const struct status_logrow *lr;

		if (plan.steps[i].kind != STEP_UPGRADE)
			continue;
		listed[rev] = 1;
		lr = byrev[rev];
		if (lr && strcmp(lr->direction, "upgrade"))
			lr = NULL;
		if (!applied[rev]) {
			add_entry(out, wanted[rev] ? STATUS_PENDING : STATUS_OTHER, rev, g->revs[rev].id);
			continue;
		}
		if (!lr) {
			e = add_entry(out, STATUS_OUTSIDE, rev, g->revs[rev].id);
		} else if (*lr->blob && *g->revs[rev].blob && strcmp(lr->blob, g->revs[rev].blob) &&
			   !g->revs[rev].rf->nsquashes) {
			e = add_entry(out, STATUS_CHANGED, rev, g->revs[rev].id);
			e->why = xstrdup("the file changed after it was applied");
		} else {
			e = add_entry(out, STATUS_APPLIED, rev, g->revs[rev].id);
			if (*lr->blob && *g->revs[rev].blob && strcmp(lr->blob, g->revs[rev].blob))
				e->why = xstrdup("the file was rewritten by squash since");
		}
		e->log = lr;
		e->version_row = isrow[rev];
	}
	/* upgrade heads from base runs every revision once */
	for (i = 0; i < g->nr; i++)
		if (!listed[i])
			BUG("status: revision %s is not in the upgrade plan", g->revs[i].id);

	/* ids the graph does not have: version rows, then logged upgrades */
	for (i = 0; i < nrows; i++) {
		const struct status_logrow *lr = NULL;
		struct status_entry *e;
		int dup = 0;

		if (graph_find(g, rows[i]) >= 0)
			continue;
		for (k = 0; k < i; k++)
			dup |= !strcmp(rows[k], rows[i]);
		if (dup)
			continue;
		for (k = 0; k < ngone; k++)
			if (!strcmp(gone[k]->revision, rows[i]))
				lr = gone[k];
		if (squash_owner(g, rows[i]) >= 0) {
			e = add_entry(out, STATUS_GONE, -1, rows[i]);
			e->squashed = 1;
		} else {
			e = add_entry(out, STATUS_UNKNOWN, -1, rows[i]);
		}
		e->version_row = 1;
		e->log = lr && !strcmp(lr->direction, "upgrade") ? lr : NULL;
	}
	for (k = 0; k < ngone; k++) {
		struct status_entry *e;
		int isrowid = 0;

		if (strcmp(gone[k]->direction, "upgrade"))
			continue;
		for (i = 0; i < nrows; i++)
			isrowid |= !strcmp(rows[i], gone[k]->revision);
		if (isrowid)
			continue;
		e = add_entry(out, STATUS_GONE, -1, gone[k]->revision);
		e->squashed = squash_owner(g, gone[k]->revision) >= 0;
		e->log = gone[k];
	}

	/* the heads this database takes that upgrade heads would still run */
	for (i = 0; i < g->nreal_heads; i++)
		out->heads_not_applied += wanted[g->real_heads[i]] && !applied[g->real_heads[i]];

	/* and current --check-heads's own rule, which a depended-on head fails */
	{
		int *rowrevs = xcalloc(nrows ? nrows : 1, sizeof(*rowrevs));
		int *missing = xcalloc(g->nheads ? g->nheads : 1, sizeof(*missing));
		size_t nmissing = 0;

		for (i = 0; i < nrows; i++)
			rowrevs[i] = graph_find(g, rows[i]);
		out->check_heads = graph_rows_are_heads(g, rowrevs, nrows, missing, &nmissing);
		for (i = 0; i < nmissing; i++)
			revlist_add(&out->heads_without_row, missing[i]);
		free(missing);
		free(rowrevs);
	}

	/* one summary per label: where it stands, how far from its head */
	out->labels = xcalloc(g->nlabels ? g->nlabels : 1, sizeof(*out->labels));
	label_heads(at, g, applied);
	for (i = 0; i < g->nlabels; i++) {
		struct status_label *l;

		if (!wanted_label(g->labels[i].name, labels, nlabels))
			continue;
		l = &out->labels[out->nlabels++];
		l->name = g->labels[i].name;
		l->heads = heads[i];
		l->at = at[i];
		memset(&heads[i], 0, sizeof(heads[i]));
		memset(&at[i], 0, sizeof(at[i]));
		/*
		 * The applied set holds every ancestor of its members: a walk
		 * that starts from it as visited sees only what is missing.
		 */
		memcpy(reach, applied, g->nr);
		graph_ancestors(g, l->heads.v, l->heads.n, WALK_DEPS, reach);
		for (k = 0; k < g->nr; k++)
			l->behind += reach[k] && !applied[k];
	}
	ret = 0;
cleanup:
	if (ret)
		status_release(out);
	plan_release(&plan);
	revlist_release(&known);
	for (i = 0; i < g->nlabels; i++) {
		revlist_release(&heads[i]);
		revlist_release(&at[i]);
	}
	free(heads);
	free(at);
	free(reach);
	free(gone);
	free(byrev);
	free(listed);
	free(isrow);
	free(wanted);
	free(applied);
	return ret;
}

void status_explain(struct status *st, const struct graph *g)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		struct status_entry *e = &st->v[i];
		struct strbuf why = STRBUF_INIT;
		int owner;

		if (e->state != STATUS_GONE && e->state != STATUS_UNKNOWN)
			continue;
		owner = squash_owner(g, e->id);
		if (owner >= 0)
			strbuf_addf(&why, "squashed into %s (%s)", g->revs[owner].id,
				    g->revs[owner].path);
		else if (!(revfile_valid_id(e->id, strlen(e->id)) &&
			   source_git_find_removed(&why, e->id)))
			strbuf_addstr(&why, "no revision file has this id");
		free(e->why);
		e->why = strbuf_detach(&why, NULL);
	}
}

int status_entry_is_drift(const struct status_entry *e)
{
	return e->state == STATUS_CHANGED || e->state == STATUS_UNKNOWN;
}

void status_release(struct status *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->v[i].id);
		free(st->v[i].why);
	}
	free(st->v);
	for (i = 0; i < st->nlabels; i++) {
		revlist_release(&st->labels[i].heads);
		revlist_release(&st->labels[i].at);
	}
	free(st->labels);
	revlist_release(&st->heads_without_row);
	memset(st, 0, sizeof(*st));
}
