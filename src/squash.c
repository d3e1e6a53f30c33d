/*
 * squash: builds a squashed revision's text from a label's straight line
 * of revisions, splits bodies at "-- part:" markers, and splits a
 * squashed revision back in two for a database that stopped inside it.
 */
#include "squash.h"
#include "source.h"
#include "usage.h"

#include <string.h>

#define PART_MARK "-- part: "

void squash_parts_release(struct squash_parts *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].id);
		free(p->v[i].body);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->alloc = 0;
}

static void add_part(struct squash_parts *p, const char *id, size_t idlen,
		     const char *body, size_t len)
{
	struct squash_part *part;

	/* trim blank lines around the part */
	while (len && (body[len - 1] == '\n' || body[len - 1] == '\r' ||
		       body[len - 1] == ' ' || body[len - 1] == '\t'))
		len--;
	while (len && (*body == '\n' || *body == '\r')) {
		body++;
		len--;
	}
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	part = &p->v[p->n++];
	part->id = xstrndup(id, idlen);
	part->body = xstrndup(body, len);
}

void squash_body_parts(struct squash_parts *out, const struct revfile *rf,
		       int upgrade)
{
	const char *body = upgrade ? rf->upgrade : rf->downgrade;
	const char *p, *start, *id = NULL;
	size_t idlen = 0;

	if (!body && rf->nsquashes) {
		/* a header without bodies (from the cache): the parts, empty */
		size_t i;

		for (i = 0; i < rf->nsquashes; i++)
			add_part(out, rf->squashes[i], strlen(rf->squashes[i]), "", 0);
		add_part(out, rf->revision, strlen(rf->revision), "", 0);
		return;
	}
	if (!body)
		body = "";
	start = body;
	for (p = body; *p; ) {
		const char *eol = strchr(p, '\n');
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p);

		if (linelen > strlen(PART_MARK) && !strncmp(p, PART_MARK, strlen(PART_MARK))) {
			const char *mid = p + strlen(PART_MARK);
			size_t n = linelen - strlen(PART_MARK);

			while (n && (mid[n - 1] == '\r' || mid[n - 1] == ' '))
				n--;
			if (id)
				add_part(out, id, idlen, start, (size_t)(p - start));
			else if (p > start) {
				/* text before the first marker: belongs to the first part */
				id = mid;
				idlen = n;
				p = eol ? eol + 1 : p + linelen;
				continue;
			}
			id = mid;
			idlen = n;
			start = eol ? eol + 1 : p + linelen;
		}
		p = eol ? eol + 1 : p + linelen;
	}
	if (id)
		add_part(out, id, idlen, start, strlen(start));
	else
		add_part(out, rf->revision, strlen(rf->revision), body, strlen(body));
}

static void join_list(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", v[i]);
}

static int has(const struct revlist *l, int v)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return 1;
	return 0;
}

/* Is id among up parts [from, to)? */
static int in_range(const struct squash_parts *up, size_t from, size_t to,
		    const char *id)
{
	size_t k;

	for (k = from; k < to; k++)
		if (!strcmp(up->v[k].id, id))
			return 1;
	return 0;
}

/*
 * Write a native file: the header, then upgrade parts [from, to) in order
 * and the matching downgrade parts in the order the downgrade lists them.
 */
static void write_file(struct strbuf *text, const struct revfile *hdr,
		       const char *revision, char *const *down, size_t ndown,
		       char *const *labels, size_t nlabels,
		       char *const *deps, size_t ndeps,
		       const struct squash_parts *up, size_t from, size_t to,
		       const struct squash_parts *dn)
{
	size_t i, first = 1;

	if (hdr->message)
		strbuf_addf(text, "-- message: %s\n", hdr->message);
	strbuf_addf(text, "-- revision: %s\n-- down_revision: ", revision);
	join_list(text, down, ndown);
	strbuf_addstr(text, "\n-- branch_labels: ");
	join_list(text, labels, nlabels);
	strbuf_addstr(text, "\n-- depends_on: ");
	join_list(text, deps, ndeps);
	strbuf_addch(text, '\n');
	if (hdr->create_date)
		strbuf_addf(text, "-- create_date: %s\n", hdr->create_date);
	if (!hdr->transactional)
		strbuf_addstr(text, "-- transactional: false\n");
	if (to - from > 1) {
		strbuf_addstr(text, "-- squashes: ");
		for (i = from; i + 1 < to; i++)
			strbuf_addf(text, "%s%s", i > from ? ", " : "", up->v[i].id);
		strbuf_addch(text, '\n');
	}
	strbuf_addstr(text, "\n-- migrate:upgrade\n");
	for (i = from; i < to; i++)
		strbuf_addf(text, "%s" PART_MARK "%s\n%s%s", i > from ? "\n" : "",
			    up->v[i].id, up->v[i].body, *up->v[i].body ? "\n" : "");
	strbuf_addstr(text, "\n-- migrate:downgrade\n");
	for (i = 0; i < dn->n; i++) {
		if (!in_range(up, from, to, dn->v[i].id))
			continue;
		strbuf_addf(text, "%s" PART_MARK "%s\n%s%s", first ? "" : "\n",
			    dn->v[i].id, dn->v[i].body, *dn->v[i].body ? "\n" : "");
		first = 0;
	}
}

void squash_explain(struct strbuf *err, const struct graph *g)
{
	static const char lead[] = "Can't locate revision identified by '";
	const char *at = strstr(err->buf, lead), *end;
	struct strbuf why = STRBUF_INIT;
	char *id;
	int owner;

	if (!at)
		return;
	at += strlen(lead);
	end = strchr(at, '\'');
	if (!end)
		return;
	id = xstrndup(at, (size_t)(end - at));
	owner = squash_owner(g, id);
	if (owner >= 0)
		strbuf_addf(err, " ('%s' was squashed into %s, %s)", id, g->revs[owner].id,
			    g->revs[owner].path);
	else if (revfile_valid_id(id, strlen(id)) && source_git_find_removed(&why, id))
		strbuf_addf(err, " (%s)", why.buf);
	strbuf_release(&why);
	free(id);
}

int squash_owner(const struct graph *g, const char *id)
{
	size_t i, k;

	for (i = 0; i < g->nr; i++) {
		const struct revfile *rf = g->revs[i].rf;

		for (k = 0; k < rf->nsquashes; k++)
			if (!strcmp(rf->squashes[k], id))
				return (int)i;
	}
	return -1;
}

int squash_build(struct strbuf *text, int *head, struct revlist *folded,
		 const struct graph *g, const char *label, struct strbuf *err)
{
	struct squash_parts up = { NULL, 0, 0 }, dn = { NULL, 0, 0 };
	struct revlist chain = REVLIST_INIT;
	char **deps = NULL;
	size_t ndeps = 0, i, k;
	int base = graph_find_label(g, label), cur, ret = -1, transactional = -1;
	const struct rev *h;

	*head = -1;
	if (base < 0) {
		strbuf_addf(err, "squash: no branch label '%s'", label);
		goto cleanup;
	}
	cur = base;
	while (g->revs[cur].nnext) {
		const struct rev *r = &g->revs[cur];

		if (r->nnext > 1) {
			strbuf_addf(err, "squash %s: %s is a branch point (%zu revisions follow it); merge or squash the branches first",
				    label, r->id, r->nnext);
			goto cleanup;
		}
		cur = r->next[0];
		if (g->revs[cur].ndown > 1) {
			strbuf_addf(err, "squash %s: %s is a merge point; only a straight line can be squashed",
				    label, g->revs[cur].id);
			goto cleanup;
		}
		revlist_add(&chain, cur);
	}
	if (chain.n < 2) {
		strbuf_addf(err, "squash %s: nothing to squash: %s revision%s after %s",
			    label, chain.n ? "one" : "no", chain.n == 1 ? "" : "s",
			    g->revs[base].id);
		goto cleanup;
	}
	for (i = 0; i < chain.n; i++) {
		const struct rev *r = &g->revs[chain.v[i]];
		int last = i + 1 == chain.n;

		if (r->rf->kind != REVFILE_SQL) {
			strbuf_addf(err, "squash %s: %s is an Alembic .py revision; convert it to .sql first",
				    label, r->path);
			goto cleanup;
		}
		if (transactional >= 0 && transactional != r->rf->transactional) {
			strbuf_addf(err, "squash %s: %s is transactional: %s and the revisions before it are not; they cannot share one file",
				    label, r->path, r->rf->transactional ? "true" : "false");
			goto cleanup;
		}
		transactional = r->rf->transactional;
		if (!last && r->rf->nlabels) {
			strbuf_addf(err, "squash %s: %s declares branch label %s; squashing would move it",
				    label, r->id, r->rf->branch_labels[0]);
			goto cleanup;
		}
		for (k = 0; k < r->nallnext; k++) {
			int dep = r->allnext[k];

			if (!last && dep != chain.v[i + 1]) {
				strbuf_addf(err, "squash %s: %s depends on %s, which squash would fold away",
					    label, g->revs[dep].id, r->id);
				goto cleanup;
			}
		}
		for (k = 0; k < r->rf->ndeps; k++) {
			size_t j;
			int d = graph_find(g, r->rf->depends_on[k]);

			if (d >= 0 && has(&chain, d))
				continue;
			for (j = 0; j < ndeps; j++)
				if (!strcmp(deps[j], r->rf->depends_on[k]))
					break;
			if (j == ndeps) {
				deps = xrealloc(deps, (ndeps + 1) * sizeof(*deps));
				deps[ndeps++] = r->rf->depends_on[k];
			}
		}
		squash_body_parts(&up, r->rf, 1);
	}
	/* downgrade parts: newest revision first */
	for (i = chain.n; i > 0; i--)
		squash_body_parts(&dn, g->revs[chain.v[i - 1]].rf, 0);
	for (i = 0; i < up.n; i++) {
		for (k = 0; k < i; k++) {
			if (!strcmp(up.v[k].id, up.v[i].id)) {
				strbuf_addf(err, "squash %s: part '%s' appears twice", label, up.v[i].id);
				goto cleanup;
			}
		}
	}
	h = &g->revs[chain.v[chain.n - 1]];
	{
		char *down[1];

		down[0] = (char *)g->revs[base].id;
		write_file(text, h->rf, h->id, down, 1, h->rf->branch_labels,
			   h->rf->nlabels, deps, ndeps, &up, 0, up.n, &dn);
	}
	*head = chain.v[chain.n - 1];
	for (i = 0; i + 1 < chain.n; i++)
		revlist_add(folded, chain.v[i]);
	ret = 0;
cleanup:
	free(deps);
	revlist_release(&chain);
	squash_parts_release(&up);
	squash_parts_release(&dn);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Splitting a squashed revision for a database that stopped inside it */

static int split_one(struct graph_input *in, size_t *n, size_t idx,
		     const char *at, struct strbuf *err)
{
	struct revfile *rf = in[idx].rf, *lo = NULL, *hi = NULL;
	struct squash_parts up = { NULL, 0, 0 }, dn = { NULL, 0, 0 };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, name = STRBUF_INIT;
	size_t cut, i;
	int ret = -1;
	char *down_hi[1];

	squash_body_parts(&up, rf, 1);
	squash_body_parts(&dn, rf, 0);
	for (cut = 0; cut < up.n; cut++)
		if (!strcmp(up.v[cut].id, at))
			break;
	if (cut + 1 >= up.n) {
		strbuf_addf(err, "%s: lists '%s' in squashes but has no '-- part: %s' before its last part",
			    in[idx].path, at, at);
		goto cleanup;
	}
	cut++;
	write_file(&a, rf, at, rf->down_revision, rf->ndown, NULL, 0,
		   rf->depends_on, rf->ndeps, &up, 0, cut, &dn);
	down_hi[0] = (char *)at;
	write_file(&b, rf, rf->revision, down_hi, 1, rf->branch_labels,
		   rf->nlabels, NULL, 0, &up, cut, up.n, &dn);
	strbuf_addf(&name, "%s (up to %s).sql", in[idx].path, at);
	if (revfile_parse(&lo, name.buf, a.buf, a.len, err))
		goto cleanup;
	strbuf_reset(&name);
	strbuf_addf(&name, "%s (after %s).sql", in[idx].path, at);
	if (revfile_parse(&hi, name.buf, b.buf, b.len, err))
		goto cleanup;
	/* the split halves run as the file did: same lines for messages */
	lo->upgrade_line = hi->upgrade_line = rf->upgrade_line;
	lo->downgrade_line = hi->downgrade_line = rf->downgrade_line;
	revfile_free(rf);
	in[idx].rf = hi;
	in[*n].rf = lo;
	in[*n].path = xstrdup(in[idx].path);
	memcpy(in[*n].blob, in[idx].blob, sizeof(in[*n].blob));
	(*n)++;
	lo = hi = NULL;
	ret = 0;
cleanup:
	(void)i;
	revfile_free(lo);
	revfile_free(hi);
	squash_parts_release(&up);
	squash_parts_release(&dn);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&name);
	return ret;
}

int squash_split_rows(struct graph **gp, const char *const *rows, size_t n,
		      struct strbuf *err)
{
	struct graph *g = *gp;
	struct graph_input *in;
	int *owner = xcalloc(n ? n : 1, sizeof(int));
	size_t i, nin = 0;
	int any = 0, ret = 0;

	for (i = 0; i < n; i++) {
		owner[i] = graph_find(g, rows[i]) < 0 ? squash_owner(g, rows[i]) : -1;
		any |= owner[i] >= 0;
	}
	if (!any) {
		free(owner);
		return 0;
	}
	in = xcalloc(g->nr + n + 1, sizeof(*in));
	for (i = 0; i < g->nr; i++) {
		in[nin].rf = g->revs[i].rf;
		in[nin].path = g->revs[i].path;
		memcpy(in[nin].blob, g->revs[i].blob, sizeof(in[nin].blob));
		g->revs[i].rf = NULL;
		g->revs[i].path = NULL;
		nin++;
	}
	/* the revisions moved out; graph_free() takes NULLs */
	graph_free(g);
	*gp = NULL;
	for (i = 0; i < n && !ret; i++)
		if (owner[i] >= 0)
			ret = split_one(in, &nin, (size_t)owner[i], rows[i], err);
	free(owner);
	if (ret) {
		for (i = 0; i < nin; i++) {
			revfile_free(in[i].rf);
			free(in[i].path);
		}
		free(in);
		return -1;
	}
	ret = graph_build(gp, in, nin, err);
	free(in);
	return ret;
}
