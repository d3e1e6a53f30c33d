/*
 * format: Alembic's output formats, line for line. Where Alembic prints
 * a Python set (branch labels, "Branches into"), the items come sorted.
 */
#include "format.h"
#include "usage.h"

#include <string.h>

static void join_list(struct strbuf *out, char *const *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", items[i]);
}

static void join_revs(struct strbuf *out, const struct graph *g,
		      const int *revs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", g->revs[revs[i]].id);
}

const char *format_doc(const struct rev *r)
{
	return r->rf->message ? r->rf->message : "";
}

void format_longdoc(struct strbuf *out, const struct rev *r)
{
	const struct revfile *rf = r->rf;

	if (rf->doc) {
		strbuf_addstr(out, rf->doc);
		return;
	}
	if (rf->message)
		strbuf_addf(out, "%s\n\n", rf->message);
	strbuf_addf(out, "Revision ID: %s\nRevises: ", rf->revision);
	join_list(out, rf->down_revision, rf->ndown);
	strbuf_addf(out, "\nCreate Date: %s", rf->create_date ? rf->create_date : "");
}

/*
 * The labels in name order, ", " between them. In a big graph a
 * revision carries hundreds, and history prints one list per revision:
 * one pass sums their lengths, one copies them into place.
 */
void format_labels(struct strbuf *out, const struct graph *g, int rev)
{
	const uint64_t *row = g->revs[rev].labelset;
	size_t w, total = 0;
	char *p;

	for (w = 0; w < g->label_words; w++) {
		uint64_t v = row[w];

		while (v) {
			total += g->labels[w * 64 + (size_t)__builtin_ctzll(v)].len + 2;
			v &= v - 1;
		}
	}
	if (!total)
		return;
	strbuf_grow(out, total);
	p = out->buf + out->len;
	for (w = 0; w < g->label_words; w++) {
		uint64_t v = row[w];

		while (v) {
			const struct label *l = &g->labels[w * 64 + (size_t)__builtin_ctzll(v)];

			if (p != out->buf + out->len) {
				*p++ = ',';
				*p++ = ' ';
			}
			memcpy(p, l->name, l->len);
			p += l->len;
			v &= v - 1;
		}
	}
	out->len = (size_t)(p - out->buf);
	out->buf[out->len] = '\0';
}

static void format_down(struct strbuf *out, const struct rev *r)
{
	if (!r->rf->ndown)
		strbuf_addstr(out, "<base>");
	else
		join_list(out, r->rf->down_revision, r->rf->ndown);
}

void format_head_only(struct strbuf *out, const struct graph *g, int rev,
		      unsigned flags)
{
	const struct rev *r = &g->revs[rev];

	if (flags & FMT_PARENTS) {
		format_down(out, r);
		if (r->rf->ndeps) {
			strbuf_addstr(out, " (");
			join_list(out, r->rf->depends_on, r->rf->ndeps);
			strbuf_addstr(out, ")");
		}
		strbuf_addstr(out, " -> ");
	}
	strbuf_addstr(out, r->id);
	if ((flags & FMT_BRANCHES) && r->nlabels) {
		strbuf_addstr(out, " (");
		format_labels(out, g, rev);
		strbuf_addstr(out, ")");
	}
	if (flags & (FMT_HEADS | FMT_TREE)) {
		if (rev_is_real_head(r))
			strbuf_addstr(out, " (head)");
		if (rev_is_head(r) && !rev_is_real_head(r))
			strbuf_addstr(out, " (effective head)");
		if (flags & FMT_CURRENT)
			strbuf_addstr(out, " (current)");
	}
	if (flags & FMT_TREE) {
		if (rev_is_branch_point(r))
			strbuf_addstr(out, " (branchpoint)");
		if (rev_is_merge_point(r))
			strbuf_addstr(out, " (mergepoint)");
	}
	if (flags & FMT_DOC)
		strbuf_addf(out, ", %s", format_doc(r));
}

void format_log_entry(struct strbuf *out, const struct graph *g, int rev,
		      int current)
{
	const struct rev *r = &g->revs[rev];
	struct strbuf doc = STRBUF_INIT;
	const char *p;

	strbuf_addf(out, "Rev: %s%s%s%s%s\n", r->id,
		    rev_is_head(r) ? " (head)" : "",
		    rev_is_branch_point(r) ? " (branchpoint)" : "",
		    rev_is_merge_point(r) ? " (mergepoint)" : "",
		    current ? " (current)" : "");
	strbuf_addstr(out, rev_is_merge_point(r) ? "Merges: " : "Parent: ");
	format_down(out, r);
	strbuf_addch(out, '\n');
	if (r->rf->ndeps) {
		strbuf_addstr(out, "Also depends on: ");
		join_list(out, r->rf->depends_on, r->rf->ndeps);
		strbuf_addch(out, '\n');
	}
	if (rev_is_branch_point(r)) {
		strbuf_addstr(out, "Branches into: ");
		join_revs(out, g, r->next, r->nnext);
		strbuf_addch(out, '\n');
	}
	if (r->nlabels) {
		strbuf_addstr(out, "Branch names: ");
		format_labels(out, g, rev);
		strbuf_addch(out, '\n');
	}
	strbuf_addf(out, "Path: %s\n\n", r->abspath ? r->abspath : r->path);
	format_longdoc(&doc, r);
	p = doc.buf;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		strbuf_addstr(out, "    ");
		strbuf_add(out, p, n);
		strbuf_addch(out, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	strbuf_release(&doc);
}

static void step_ends(struct strbuf *out, const struct graph *g,
		      const struct step *s)
{
	const struct rev *r = s->rev >= 0 ? &g->revs[s->rev] : NULL;

	switch (s->kind) {
	case STEP_UPGRADE:
		join_list(out, r->rf->down_revision, r->rf->ndown);
		strbuf_addf(out, " -> %s", r->id);
		break;
	case STEP_DOWNGRADE:
		strbuf_addf(out, "%s -> ", r->id);
		join_list(out, r->rf->down_revision, r->rf->ndown);
		break;
	case STEP_STAMP:
		join_revs(out, g, s->from, s->nfrom);
		strbuf_addstr(out, " -> ");
		join_revs(out, g, s->to, s->nto);
		break;
	}
}

void format_step_short(struct strbuf *out, const struct graph *g,
		       const struct step *s)
{
	strbuf_addstr(out, s->kind == STEP_UPGRADE ? "upgrade " :
			   s->kind == STEP_DOWNGRADE ? "downgrade " : "stamp_revision ");
	step_ends(out, g, s);
}

void format_step(struct strbuf *out, const struct graph *g,
		 const struct step *s)
{
	format_step_short(out, g, s);
	if (s->kind != STEP_STAMP && *format_doc(&g->revs[s->rev]))
		strbuf_addf(out, ", %s", format_doc(&g->revs[s->rev]));
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

void format_json_string(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			strbuf_addstr(out, "\\\"");
			break;
		case '\\':
			strbuf_addstr(out, "\\\\");
			break;
		case '\n':
			strbuf_addstr(out, "\\n");
			break;
		case '\r':
			strbuf_addstr(out, "\\r");
			break;
		case '\t':
			strbuf_addstr(out, "\\t");
			break;
		default:
			if (c < 0x20)
				strbuf_addf(out, "\\u%04x", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
	strbuf_addch(out, '"');
}

static void json_strv(struct strbuf *out, char *const *v, size_t n)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		format_json_string(out, v[i]);
	}
	strbuf_addch(out, ']');
}

void format_json_revision(struct strbuf *out, const struct graph *g, int rev,
			  int with_current, int current)
{
	const struct rev *r = &g->revs[rev];
	size_t i;
	int l, first = 1;

	strbuf_addstr(out, "{\"revision\": ");
	format_json_string(out, r->id);
	strbuf_addstr(out, ", \"down_revision\": ");
	json_strv(out, r->rf->down_revision, r->rf->ndown);
	strbuf_addstr(out, ", \"depends_on\": ");
	json_strv(out, r->rf->depends_on, r->rf->ndeps);
	strbuf_addstr(out, ", \"branch_labels\": [");
	for (l = graph_rev_label_next(g, rev, 0); l >= 0;
	     l = graph_rev_label_next(g, rev, l + 1)) {
		if (!first)
			strbuf_addstr(out, ", ");
		format_json_string(out, g->labels[l].name);
		first = 0;
	}
	strbuf_addstr(out, "], \"message\": ");
	format_json_string(out, format_doc(r));
	strbuf_addf(out, ", \"head\": %s, \"effective_head\": %s, \"branchpoint\": %s, \"mergepoint\": %s",
		    rev_is_real_head(r) ? "true" : "false",
		    rev_is_head(r) && !rev_is_real_head(r) ? "true" : "false",
		    rev_is_branch_point(r) ? "true" : "false",
		    rev_is_merge_point(r) ? "true" : "false");
	strbuf_addstr(out, ", \"branches_into\": [");
	for (i = 0; i < r->nnext; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		format_json_string(out, g->revs[r->next[i]].id);
	}
	strbuf_addstr(out, "], \"squashes\": ");
	json_strv(out, r->rf->squashes, r->rf->nsquashes);
	strbuf_addstr(out, ", \"path\": ");
	format_json_string(out, r->path);
	if (with_current)
		strbuf_addf(out, ", \"current\": %s", current ? "true" : "false");
	strbuf_addch(out, '}');
}

/* ------------------------------------------------------------------ */
/* history --graph                                                     */

void format_lanes_release(struct format_lanes *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

static void lanes_row(struct strbuf *out, const int *from, size_t nfrom,
		      const int *old, const int *moved, size_t n)
{
	/* one row of "|", "/" and "\" from old lane positions to new ones */
	size_t width = 2 * (nfrom > n ? nfrom : n) + 2, i;
	char *row = xmalloc(width + 1);

	memset(row, ' ', width);
	row[width] = '\0';
	for (i = 0; i < n; i++) {
		size_t o = (size_t)old[i], m = (size_t)moved[i];

		if (m == o)
			row[2 * o] = '|';
		else if (m < o)
			row[2 * o - 1] = '/';
		else
			row[2 * o + 1] = '\\';
	}
	(void)from;
	while (width && row[width - 1] == ' ')
		row[--width] = '\0';
	strbuf_addstr(out, row);
	strbuf_addch(out, '\n');
	free(row);
}

void format_lanes_next(struct strbuf *out, struct format_lanes *l,
		       const struct graph *g, int rev, const char *text)
{
	const struct rev *r = &g->revs[rev];
	size_t col, i, k, nnew = 0;
	int *next, *old, *moved, changed = 0;

	for (col = 0; col < l->n; col++)
		if (l->v[col] == rev)
			break;
	if (col == l->n) {
		for (col = 0; col < l->n; col++)
			if (l->v[col] < 0)
				break;
		if (col == l->n) {
			ALLOC_GROW(l->v, l->n + 1, l->alloc);
			l->n++;
		}
		l->v[col] = rev;
	}
	for (i = 0; i < l->n; i++)
		strbuf_addstr(out, i == col ? "* " : l->v[i] >= 0 ? "| " : "  ");
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');

	/* the lanes after this revision: its parents take its place */
	next = xmalloc((l->n + r->ndown + 1) * sizeof(int));
	old = xmalloc((l->n + r->ndown + 1) * sizeof(int));
	for (i = 0; i < l->n; i++) {
		int v = l->v[i];

		if (i == col) {
			for (k = 0; k < r->ndown; k++) {
				next[nnew] = r->down[k];
				old[nnew++] = (int)col;
			}
			continue;
		}
		if (v < 0 || v == rev)
			continue;
		next[nnew] = v;
		old[nnew++] = (int)i;
	}
	/* lanes that now wait for the same revision join the leftmost */
	moved = xmalloc((nnew + 1) * sizeof(int));
	for (i = 0, k = 0; i < nnew; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (next[j] == next[i])
				break;
		if (j < i) {
			moved[i] = moved[j];
			continue;
		}
		moved[i] = (int)k++;
	}
	for (i = 0; i < nnew; i++)
		if (moved[i] != old[i])
			changed = 1;
	if (changed)
		lanes_row(out, l->v, l->n, old, moved, nnew);
	l->n = 0;
	for (i = 0; i < nnew; i++) {
		if ((size_t)moved[i] < l->n)
			continue;
		ALLOC_GROW(l->v, l->n + 1, l->alloc);
		l->v[l->n++] = next[i];
	}
	free(next);
	free(old);
	free(moved);
}
