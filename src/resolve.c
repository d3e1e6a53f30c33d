/*
 * resolve: Alembic's target grammar, upgrade/downgrade/stamp planning and
 * version-row bookkeeping, over a graph from graph.c.
 *
 * The functions mirror Alembic's RevisionMap (script/revision.py),
 * ScriptDirectory._stamp_revs (script/base.py) and HeadMaintainer
 * (runtime/migration.py) one for one, as of 1.18, so that a difference
 * from Alembic can be traced to one place. Where 1.8 and 1.18 differ
 * (the rows a downgrade leaves, ticket #1373), this follows 1.18. Where
 * Alembic iterates a Python set, this code iterates in revision-id
 * order, so every plan is the same on every run. Where Alembic crashes (an assertion or KeyError in its head
 * bookkeeping), this code refuses with a message before anything is
 * written. No I/O.
 */
#include "resolve.h"
#include "usage.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MULTIPLE_HEADS_MSG \
	"Multiple head revisions are present for given argument '%s'; " \
	"please specify a specific target revision, '<branchname>@%s' to " \
	"narrow to a specific head, or 'heads' for all heads"

/* ------------------------------------------------------------------ */
/* Lists                                                               */

void revlist_add(struct revlist *l, int rev)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = rev;
}

void revlist_release(struct revlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

static int revlist_has(const struct revlist *l, int rev)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == rev)
			return 1;
	return 0;
}

static void revlist_add_unique(struct revlist *l, int rev)
{
	if (!revlist_has(l, rev))
		revlist_add(l, rev);
}

static void revlist_remove_at(struct revlist *l, size_t i)
{
	memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(int));
	l->n--;
}

static void step_release(struct step *s)
{
	free(s->from);
	free(s->to);
}

void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		step_release(&p->steps[i]);
	free(p->steps);
	p->steps = NULL;
	p->n = p->alloc = 0;
}

static struct step *plan_add(struct plan *p, enum step_kind kind, int rev)
{
	struct step *s;

	ALLOC_GROW(p->steps, p->n + 1, p->alloc);
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->rev = rev;
	return s;
}

struct slist {
	char **v;
	size_t n, alloc;
};
#define SLIST_INIT { NULL, 0, 0 }

static void slist_add(struct slist *l, const char *s)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = xstrdup(s);
}

static void slist_release(struct slist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

static unsigned char *newset(const struct graph *g)
{
	return xcalloc(g->nr ? g->nr : 1, 1);
}

/* ------------------------------------------------------------------ */
/* Identifier lookup                                                   */

static int resolve_ident(const struct graph *g, const char *id,
			 const char *check_branch, int *out, struct strbuf *err);

/* Alembic's _resolve_revision_number(): ids named by one identifier. */
static int resolve_number(const struct graph *g, const char *id,
			  struct slist *ids, char **label, struct strbuf *err);

/*
 * Add the lineage of rev (its ancestors and descendants) to set. Both
 * walks start from empty sets: a walk stops at what its set already
 * holds, and set may already hold another revision's descendants, whose
 * ancestors are not all in it ("LABEL@head" is the label's lineage and
 * the head's).
 */
static void lineage_set(const struct graph *g, int rev, unsigned flags,
			unsigned char *set)
{
	unsigned char *anc = newset(g), *desc = newset(g);
	size_t i;

	graph_ancestors(g, &rev, 1, flags, anc);
	graph_descendants(g, &rev, 1, flags, desc);
	for (i = 0; i < g->nr; i++)
		set[i] |= anc[i] | desc[i];
	free(anc);
	free(desc);
}

/*
 * Alembic's filter_for_lineage(): keep the targets that share lineage
 * with what check_against names.
 */
static int filter_for_lineage(const struct graph *g, const int *targets,
			      size_t n, const char *check_against,
			      unsigned flags, struct revlist *out,
			      struct strbuf *err)
{
	struct slist ids = SLIST_INIT;
	char *label = NULL;
	unsigned char *set = NULL;
	size_t i;
	int ret = -1, nshares = 0;

	if (resolve_number(g, check_against, &ids, &label, err))
		goto cleanup;
	/*
	 * Alembic resolves the label and ids lazily, once per target: with
	 * no targets, a name that resolves to nothing ("MOD1@-1") is no error.
	 */
	if (!n) {
		ret = 0;
		goto cleanup;
	}
	set = newset(g);
	if (label) {
		int r;

		if (resolve_ident(g, label, NULL, &r, err))
			goto cleanup;
		if (r >= 0)
			lineage_set(g, r, flags, set);
		nshares++;
	}
	for (i = 0; i < ids.n; i++) {
		int r;

		if (resolve_ident(g, ids.v[i], NULL, &r, err))
			goto cleanup;
		if (r >= 0)
			lineage_set(g, r, flags, set);
		nshares++;
	}
	for (i = 0; i < n; i++)
		if (!nshares || (targets[i] >= 0 && set[targets[i]]))
			revlist_add(out, targets[i]);
	ret = 0;
cleanup:
	slist_release(&ids);
	free(label);
	free(set);
	return ret;
}

static int current_head(const struct graph *g, const char *label,
			struct slist *ids, struct strbuf *err)
{
	struct revlist heads = REVLIST_INIT;
	int ret = -1;

	if (label) {
		if (filter_for_lineage(g, g->heads, g->nheads, label, 0, &heads, err))
			goto cleanup;
	} else {
		size_t i;

		for (i = 0; i < g->nheads; i++)
			revlist_add(&heads, g->heads[i]);
	}
	if (heads.n > 1) {
		struct strbuf arg = STRBUF_INIT;

		if (label)
			strbuf_addf(&arg, "%s@head", label);
		else
			strbuf_addstr(&arg, "head");
		strbuf_addf(err, MULTIPLE_HEADS_MSG, arg.buf, arg.buf);
		strbuf_release(&arg);
		goto cleanup;
	}
	if (heads.n)
		slist_add(ids, g->revs[heads.v[0]].id);
	ret = 0;
cleanup:
	revlist_release(&heads);
	return ret;
}

static int resolve_number(const struct graph *g, const char *id,
			  struct slist *ids, char **label, struct strbuf *err)
{
	const char *at;
	size_t i;

	*label = NULL;
	if (!id)
		return 0;
	at = strchr(id, '@');
	if (at) {
		if (at > id)
			*label = xstrndup(id, (size_t)(at - id));
		id = at + 1;
	}
	if (!strcmp(id, "heads")) {
		if (*label) {
			struct revlist l = REVLIST_INIT;

			if (filter_for_lineage(g, g->heads, g->nheads, *label, 0, &l, err)) {
				revlist_release(&l);
				goto fail;
			}
			for (i = 0; i < l.n; i++)
				slist_add(ids, g->revs[l.v[i]].id);
			revlist_release(&l);
		} else {
			for (i = 0; i < g->nreal_heads; i++)
				slist_add(ids, g->revs[g->real_heads[i]].id);
		}
		return 0;
	}
	if (!strcmp(id, "head")) {
		if (current_head(g, *label, ids, err))
			goto fail;
		return 0;
	}
	if (!strcmp(id, "base"))
		return 0;
	slist_add(ids, id);
	return 0;
fail:
	free(*label);
	*label = NULL;
	return -1;
}

static int resolve_branch(const struct graph *g, const char *branch, int *out,
			  struct strbuf *err)
{
	struct strbuf sub = STRBUF_INIT;
	int r = graph_find(g, branch);

	if (r < 0)
		r = graph_find_label(g, branch);
	if (r >= 0) {
		*out = r;
		return 0;
	}
	if (resolve_ident(g, branch, NULL, out, &sub)) {
		strbuf_addf(err, "Can't locate revision identified by '%s': no such branch: '%s'",
			    branch, branch);
		strbuf_release(&sub);
		return -1;
	}
	return 0;
}

static int shares_lineage(const struct graph *g, int a, int b)
{
	unsigned char *set = newset(g);
	int res;

	lineage_set(g, b, 0, set);
	res = set[a];
	free(set);
	return res;
}

/* Alembic's _revision_for_ident(): one identifier to one revision. */
static int resolve_ident(const struct graph *g, const char *id,
			 const char *check_branch, int *out, struct strbuf *err)
{
	int branch_rev = REV_NONE, rev;

	*out = REV_NONE;
	if (check_branch && *check_branch &&
	    resolve_branch(g, check_branch, &branch_rev, err))
		return -1;
	if (!id)
		return 0;
	rev = graph_find(g, id);
	if (rev < 0)
		rev = graph_find_label(g, id);
	if (rev < 0) {
		struct revlist cand = REVLIST_INIT, keep = REVLIST_INIT;
		struct slist names = SLIST_INIT;
		size_t len = strlen(id), i;

		for (i = 0; i < g->nr; i++) {
			const char *k = g->revs[i].id;

			if (strlen(k) > 3 && !strncmp(k, id, len)) {
				revlist_add(&cand, (int)i);
				slist_add(&names, k);
			}
		}
		for (i = 0; i < g->nlabels; i++) {
			const char *k = g->labels[i].name;

			if (strlen(k) > 3 && !strncmp(k, id, len)) {
				revlist_add(&cand, g->labels[i].rev);
				slist_add(&names, k);
			}
		}
		if (branch_rev >= 0 && cand.n) {
			unsigned char *set = newset(g);
			struct slist kept = SLIST_INIT;

			lineage_set(g, branch_rev, 0, set);
			for (i = 0; i < cand.n; i++) {
				if (set[cand.v[i]]) {
					revlist_add(&keep, cand.v[i]);
					slist_add(&kept, names.v[i]);
				}
			}
			free(set);
			revlist_release(&cand);
			slist_release(&names);
			cand = keep;
			names = kept;
		}
		if (!cand.n) {
			strbuf_addf(err, "Can't locate revision identified by '%s'", id);
			if (len < 4)
				strbuf_addstr(err, "; please ensure at least four characters are present for partial revision identifier matches");
		} else if (cand.n > 1) {
			strbuf_addf(err, "Can't locate revision identified by '%s': several start with it: ", id);
			for (i = 0; i < names.n; i++)
				strbuf_addf(err, "%s'%s'", i ? ", " : "", names.v[i]);
		} else {
			rev = cand.v[0];
		}
		revlist_release(&cand);
		slist_release(&names);
		if (rev < 0)
			return -1;
	}
	if (branch_rev >= 0 && !shares_lineage(g, rev, branch_rev)) {
		strbuf_addf(err, "Can't locate revision identified by '%s': revision %s is not a member of branch '%s'",
			    id, g->revs[rev].id, check_branch);
		return -1;
	}
	*out = rev;
	return 0;
}

/* Python's int(): optional blanks, sign, digits. */
static int parse_pyint(const char *s, long *out)
{
	char *end;
	long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -1;
	if ((*s == '+' || *s == '-') && !isdigit((unsigned char)s[1]))
		return -1;
	if (*s != '+' && *s != '-' && !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int walk_steps(const struct graph *g, int start, long steps,
		      const char *label, int no_overwalk, int *out,
		      struct strbuf *err);

int resolve_revisions(const struct graph *g, const char *id,
		      struct revlist *out, struct strbuf *err)
{
	struct slist ids = SLIST_INIT;
	char *label = NULL;
	size_t i;
	long n;
	int ret = -1;

	if (resolve_number(g, id, &ids, &label, err))
		goto cleanup;
	if (ids.n == 1 && !parse_pyint(ids.v[0], &n) && n < 0) {
		for (i = 0; i < g->nreal_heads; i++) {
			int h = g->real_heads[i], r;

			if (label && !graph_rev_has_label(g, h, label))
				continue;
			if (walk_steps(g, h, n, NULL, 1, &r, err))
				goto cleanup;
			revlist_add(out, r);
		}
		ret = 0;
		goto cleanup;
	}
	for (i = 0; i < ids.n; i++) {
		int r;

		if (resolve_ident(g, ids.v[i], label, &r, err))
			goto cleanup;
		revlist_add(out, r);
	}
	ret = 0;
cleanup:
	slist_release(&ids);
	free(label);
	return ret;
}

int resolve_revision(const struct graph *g, const char *id, int *out,
		     struct strbuf *err)
{
	struct slist ids = SLIST_INIT;
	char *label = NULL;
	int ret = -1;

	*out = REV_NONE;
	if (resolve_number(g, id, &ids, &label, err))
		goto cleanup;
	if (ids.n > 1) {
		strbuf_addf(err, MULTIPLE_HEADS_MSG, id, id);
		goto cleanup;
	}
	ret = resolve_ident(g, ids.n ? ids.v[0] : NULL, label, out, err);
cleanup:
	slist_release(&ids);
	free(label);
	return ret;
}

int resolve_rows(const struct graph *g, const char *const *rows, size_t n,
		 struct revlist *out, struct strbuf *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int r = graph_find(g, rows[i]);

		if (r < 0) {
			strbuf_addf(err, "Can't locate revision identified by '%s' (a version row names a revision that is not in the graph)",
				    rows[i]);
			return -1;
		}
		revlist_add(out, r);
	}
	return 0;
}

/* get_revisions() of a list: a spec in either form. */
static int spec_revisions(const struct graph *g, const struct spec *s,
			  struct revlist *out, struct strbuf *err)
{
	size_t i;

	if (s->str)
		return resolve_revisions(g, s->str, out, err);
	for (i = 0; i < s->n; i++)
		revlist_add(out, s->revs[i]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Relative targets                                                    */

struct relative {
	char *label;   /* before '@', NULL if none */
	char *symbol;  /* word before the sign, NULL if none */
	char *relstr;  /* "+2", "-1" */
	long rel;
};

static void relative_release(struct relative *r)
{
	free(r->label);
	free(r->symbol);
	free(r->relstr);
	memset(r, 0, sizeof(*r));
}

static int is_word(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int match_rest(const char *s, struct relative *r)
{
	size_t k = 0, d;

	while (is_word(s[k]))
		k++;
	if ((s[k] != '+' && s[k] != '-') || !isdigit((unsigned char)s[k + 1]))
		return 0;
	for (d = k + 1; isdigit((unsigned char)s[d]); d++)
		;
	r->symbol = k ? xstrndup(s, k) : NULL;
	r->relstr = xstrndup(s + k, d - k);
	errno = 0;
	r->rel = strtol(r->relstr, NULL, 10);
	if (errno)
		r->rel = r->rel < 0 ? LONG_MIN / 2 : LONG_MAX / 2;
	return 1;
}

/*
 * Alembic's _relative_destination regex, (?:(.+?)@)?(\w+)?((?:\+|-)\d+),
 * matched at the start of the string.
 */
static int match_relative(const char *s, struct relative *r)
{
	const char *p;

	memset(r, 0, sizeof(*r));
	for (p = strchr(s, '@'); p; p = strchr(p + 1, '@')) {
		if (p == s)
			continue;
		if (match_rest(p + 1, r)) {
			r->label = xstrndup(s, (size_t)(p - s));
			return 1;
		}
	}
	return match_rest(s, r);
}

static int walk_steps(const struct graph *g, int start, long steps,
		      const char *label, int no_overwalk, int *out,
		      struct strbuf *err)
{
	int initial = start;
	long i, count = steps < 0 ? -steps : steps;

	for (i = 0; i < count; i++) {
		struct revlist children = REVLIST_INIT;

		if (steps > 0) {
			const int *up;
			size_t nup;

			if (initial == REV_BASE) {
				strbuf_addstr(err, "Ambiguous walk: cannot walk up from base");
				return -1;
			}
			up = initial == REV_NONE ? g->bases : g->revs[initial].next;
			nup = initial == REV_NONE ? g->nbases : g->revs[initial].nnext;
			if (label) {
				if (filter_for_lineage(g, up, nup, label, 0, &children, err)) {
					revlist_release(&children);
					return -1;
				}
			} else {
				size_t k;

				for (k = 0; k < nup; k++)
					revlist_add(&children, up[k]);
			}
		} else if (initial != REV_BASE) {
			const int *down;
			size_t ndown, k;

			down = initial == REV_NONE ? g->heads : g->revs[initial].down;
			ndown = initial == REV_NONE ? g->nheads : g->revs[initial].ndown;
			for (k = 0; k < ndown; k++)
				revlist_add(&children, down[k]);
			if (!children.n)
				revlist_add(&children, REV_BASE);
		}
		if (!children.n) {
			*out = no_overwalk ? REV_NONE : initial;
			return 0;
		}
		if (children.n > 1) {
			revlist_release(&children);
			strbuf_addstr(err, "Ambiguous walk");
			return -1;
		}
		initial = children.v[0];
		revlist_release(&children);
	}
	*out = initial;
	return 0;
}

static int didnt_produce(struct strbuf *err, const char *relstr, long rel)
{
	strbuf_addf(err, "Relative revision %s didn't produce %ld migrations",
		    relstr, rel < 0 ? -rel : rel);
	return -1;
}

/*
 * All revisions that are ancestors (with dependencies) of the rows,
 * reduced to branch heads: Alembic's _get_all_current().
 */
void resolve_all_current(struct revlist *out, const struct graph *g,
			 const struct revlist *rows)
{
	unsigned char *top = newset(g), *drop = newset(g);
	size_t i, k;

	for (i = 0; i < rows->n; i++)
		if (rows->v[i] >= 0)
			graph_ancestors(g, &rows->v[i], 1, WALK_DEPS, top);
	/* _filter_into_branch_heads: drop anything with a descendant in the set */
	for (i = 0; i < g->nr; i++) {
		const struct rev *r = &g->revs[i];

		if (!top[i])
			continue;
		for (k = 0; k < r->nnext; k++) {
			if (top[r->next[k]]) {
				drop[i] = 1;
				break;
			}
		}
	}
	/*
	 * A direct child in the set is enough: the set is closed under
	 * ancestors, so any descendant in it brings its down_revision chain.
	 */
	for (i = 0; i < g->nr; i++)
		if (top[i] && !drop[i])
			revlist_add(out, (int)i);
	free(top);
	free(drop);
}

/* Returns the branch label and target (REV_NONE for base) of a downgrade. */
static int parse_downgrade_target(const struct graph *g,
				  const struct spec *current,
				  const char *target, int assert_rel,
				  char **label_out, int *rev_out,
				  struct strbuf *err)
{
	struct relative m;
	int ret = -1;

	*label_out = NULL;
	*rev_out = REV_NONE;
	if (!target)
		return 0;
	if (match_relative(target, &m)) {
		if (m.rel >= 0) {
			int start;

			if (!m.symbol) {
				didnt_produce(err, m.relstr, m.rel);
				goto cleanup;
			}
			if (resolve_revision(g, m.symbol, &start, err) ||
			    walk_steps(g, start, m.rel, m.label, assert_rel, rev_out, err))
				goto cleanup;
			if (*rev_out == REV_NONE) {
				strbuf_addstr(err, "Walked too far");
				goto cleanup;
			}
			*label_out = m.label;
			m.label = NULL;
			ret = 0;
			goto cleanup;
		} else {
			int relative_revision = !m.symbol, start;
			struct revlist cur = REVLIST_INIT;
			struct strbuf full = STRBUF_INIT;
			char *symbol = m.symbol ? xstrdup(m.symbol) : NULL;
			char *label = m.label ? xstrdup(m.label) : NULL;

			if (relative_revision) {
				if (spec_revisions(g, current, &cur, err))
					goto rel_fail;
				if (label) {
					struct revlist sl = REVLIST_INIT;

					if (filter_for_lineage(g, cur.v, cur.n, label, 0, &sl, err)) {
						revlist_release(&sl);
						goto rel_fail;
					}
					if (!sl.n) {
						struct revlist all = REVLIST_INIT;

						resolve_all_current(&all, g, &cur);
						if (filter_for_lineage(g, all.v, all.n, label, 0, &sl, err)) {
							revlist_release(&all);
							revlist_release(&sl);
							goto rel_fail;
						}
						revlist_release(&all);
					}
					if (sl.n != 1) {
						if (!sl.n)
							strbuf_addf(err, "Relative revision %s@%s didn't produce %ld migrations: no current revision is in branch '%s'",
								    label, m.relstr, -m.rel, label);
						else
							strbuf_addf(err, "Relative revision %s@%s is ambiguous: %zu current revisions are in branch '%s'",
								    label, m.relstr, sl.n, label);
						revlist_release(&sl);
						goto rel_fail;
					}
					symbol = xstrdup(g->revs[sl.v[0]].id);
					revlist_release(&sl);
				} else {
					size_t i, j;
					int multi = 0;

					if (!cur.n) {
						didnt_produce(err, m.relstr, m.rel);
						goto rel_fail;
					}
					for (i = 0; i < cur.n; i++)
						for (j = 0; j < i; j++)
							if (cur.v[i] != cur.v[j])
								multi = 1;
					/* Alembic takes the first row as stored, with a warning */
					symbol = xstrdup(g->revs[cur.v[0]].id);
					label = xstrdup(symbol);
					if (multi)
						ret = 1; /* the caller warns */
				}
			}
			if (label)
				strbuf_addf(&full, "%s@%s", label, symbol);
			else
				strbuf_addstr(&full, symbol);
			if (resolve_revision(g, full.buf, &start, err) ||
			    walk_steps(g, start, m.rel, NULL, assert_rel, rev_out, err))
				goto rel_fail;
			if (*rev_out == REV_NONE) {
				if (relative_revision)
					didnt_produce(err, m.relstr, m.rel);
				else
					strbuf_addstr(err, "Walked too far");
				goto rel_fail;
			}
			*label_out = label;
			label = NULL;
			ret = ret == 1 ? 1 : 0;
			goto rel_done;
rel_fail:
			ret = -1;
rel_done:
			revlist_release(&cur);
			strbuf_release(&full);
			free(symbol);
			free(label);
			goto cleanup;
		}
	} else {
		const char *at = strrchr(target, '@');
		const char *symbol = at ? at + 1 : target;

		if (at && at > target)
			*label_out = xstrndup(target, (size_t)(at - target));
		if (resolve_revision(g, symbol, rev_out, err)) {
			free(*label_out);
			*label_out = NULL;
			goto cleanup;
		}
		ret = 0;
	}
cleanup:
	relative_release(&m);
	return ret;
}

static int parse_upgrade_target(const struct graph *g,
				const struct spec *current,
				const struct spec *target, int assert_rel,
				struct revlist *out, struct strbuf *err)
{
	struct relative m;
	int ret = -1;

	if (!target->str || !match_relative(target->str, &m))
		return spec_revisions(g, target, out, err);

	if (m.rel > 0) {
		if (!m.symbol) {
			struct revlist cur = REVLIST_INIT, start = REVLIST_INIT;
			int r, first;

			if (spec_revisions(g, current, &cur, err))
				goto up_fail;
			if (!m.label) {
				if (!cur.n)
					revlist_add(&start, REV_NONE);
				else
					for (size_t i = 0; i < cur.n; i++)
						revlist_add(&start, cur.v[i]);
			} else {
				if (filter_for_lineage(g, cur.v, cur.n, m.label, 0, &start, err))
					goto up_fail;
				if (!start.n) {
					unsigned char *anc = newset(g);
					struct revlist active = REVLIST_INIT, all = REVLIST_INIT;
					unsigned char *downs = newset(g);
					size_t i, k;

					for (i = 0; i < cur.n; i++)
						if (cur.v[i] >= 0)
							graph_ancestors(g, &cur.v[i], 1, WALK_DEPS, anc);
					for (i = 0; i < g->nr; i++)
						if (anc[i])
							revlist_add(&all, (int)i);
					if (filter_for_lineage(g, all.v, all.n, m.label, 0, &active, err)) {
						free(anc);
						free(downs);
						revlist_release(&all);
						revlist_release(&active);
						goto up_fail;
					}
					for (i = 0; i < active.n; i++) {
						const struct rev *rv = &g->revs[active.v[i]];

						for (k = 0; k < rv->nnormdown; k++)
							downs[rv->normdown[k]] = 1;
					}
					for (i = 0; i < active.n; i++)
						if (!downs[active.v[i]])
							revlist_add(&start, active.v[i]);
					if (!start.n)
						revlist_add(&start, REV_NONE);
					free(anc);
					free(downs);
					revlist_release(&all);
					revlist_release(&active);
				}
			}
			if (start.n > 1) {
				strbuf_addstr(err, "Ambiguous upgrade from multiple current revisions");
				goto up_fail;
			}
			first = start.v[0];
			if (walk_steps(g, first, m.rel, m.label, assert_rel, &r, err))
				goto up_fail;
			if (r == REV_NONE) {
				didnt_produce(err, m.relstr, m.rel);
				goto up_fail;
			}
			revlist_add(out, r);
			ret = 0;
up_fail:
			revlist_release(&cur);
			revlist_release(&start);
			goto cleanup;
		} else {
			int start, r;

			if (resolve_revision(g, m.symbol, &start, err) ||
			    walk_steps(g, start, m.rel, m.label, assert_rel, &r, err))
				goto cleanup;
			if (r < 0) {
				didnt_produce(err, m.relstr, m.rel);
				goto cleanup;
			}
			revlist_add(out, r);
			ret = 0;
		}
	} else {
		struct strbuf full = STRBUF_INIT;
		int start, r;

		if (!m.symbol) {
			strbuf_addf(err, "Relative revision %ld didn't produce %ld migrations",
				    m.rel, m.rel < 0 ? -m.rel : m.rel);
			goto cleanup;
		}
		if (m.label)
			strbuf_addf(&full, "%s@%s", m.label, m.symbol);
		else
			strbuf_addstr(&full, m.symbol);
		if (resolve_revision(g, full.buf, &start, err) ||
		    walk_steps(g, start, m.rel, NULL, assert_rel, &r, err)) {
			strbuf_release(&full);
			goto cleanup;
		}
		strbuf_release(&full);
		if (r < 0) {
			/* Alembic asserts here; walking below base targets nothing. */
			didnt_produce(err, m.relstr, m.rel);
			goto cleanup;
		}
		revlist_add(out, r);
		ret = 0;
	}
cleanup:
	relative_release(&m);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Collecting and ordering                                             */

/* Error if one target is an ancestor of another (Alembic's check=True). */
static int check_overlap(const struct graph *g, const struct revlist *t,
			 struct strbuf *err)
{
	unsigned char *set = newset(g);
	struct revlist below = REVLIST_INIT;
	size_t i, j;
	int ret = 0;

	/*
	 * One walk from every target's parents marks what lies strictly
	 * below some target; only when a target is among them does the
	 * walk per target below find which, for the message.
	 */
	for (i = 0; i < t->n; i++)
		if (t->v[i] >= 0)
			for (j = 0; j < g->revs[t->v[i]].nnormdown; j++)
				revlist_add(&below, g->revs[t->v[i]].normdown[j]);
	graph_ancestors(g, below.v, below.n, WALK_DEPS, set);
	revlist_release(&below);
	for (i = 0; i < t->n; i++)
		if (t->v[i] >= 0 && set[t->v[i]])
			break;
	if (i == t->n) {
		free(set);
		return 0;
	}
	for (i = 0; i < t->n && !ret; i++) {
		int first = 1;

		if (t->v[i] < 0)
			continue;
		memset(set, 0, g->nr);
		graph_ancestors(g, &t->v[i], 1, WALK_DEPS, set);
		for (j = 0; j < t->n; j++) {
			if (t->v[j] < 0 || t->v[j] == t->v[i] || !set[t->v[j]])
				continue;
			if (first)
				strbuf_addf(err, "Requested revision %s overlaps with other requested revisions ",
					    g->revs[t->v[i]].id);
			strbuf_addf(err, "%s%s", first ? "" : ", ", g->revs[t->v[j]].id);
			first = 0;
			ret = -1;
		}
	}
	free(set);
	return ret;
}

static int collect_upgrade(const struct graph *g, const struct spec *upper,
			   const struct spec *lower, int inclusive,
			   int implicit_base, int assert_rel,
			   unsigned char *needs, struct revlist *targets,
			   struct strbuf *err)
{
	struct revlist cur = REVLIST_INIT, tmp = REVLIST_INIT;
	unsigned char *required = newset(g), *curset = newset(g);
	size_t i;
	int ret = -1;

	if (parse_upgrade_target(g, lower, upper, assert_rel, &tmp, err))
		goto cleanup;
	for (i = 0; i < tmp.n; i++) {
		if (tmp.v[i] < 0) {
			strbuf_addf(err, "Destination %s is not a valid upgrade target",
				    upper->str ? upper->str : "heads");
			goto cleanup;
		}
		revlist_add(targets, tmp.v[i]);
	}
	if (lower->str && strchr(lower->str, '@')) {
		const char *at = strchr(lower->str, '@');
		char *branch = xstrndup(lower->str, (size_t)(at - lower->str));
		int br;

		if (resolve_revision(g, branch, &br, err)) {
			free(branch);
			goto cleanup;
		}
		if (br >= 0 && !strcmp(g->revs[br].id, branch)) {
			if (g->revs[br].nlabels != 1) {
				strbuf_addf(err, "revision %s used as a branch must carry exactly one branch label",
					    branch);
				free(branch);
				goto cleanup;
			}
			free(branch);
			branch = xstrdup(g->labels[graph_rev_label_next(g, br, 0)].name);
		}
		tmp.n = 0;
		for (i = 0; i < targets->n; i++)
			if (graph_rev_has_label(g, targets->v[i], branch))
				revlist_add_unique(&tmp, targets->v[i]);
		targets->n = 0;
		for (i = 0; i < tmp.n; i++)
			revlist_add(targets, tmp.v[i]);
		free(branch);
	}
	if (check_overlap(g, targets, err))
		goto cleanup;
	graph_ancestors(g, targets->v, targets->n, WALK_DEPS, required);

	if (spec_revisions(g, lower, &cur, err))
		goto cleanup;
	if (!implicit_base) {
		for (i = 0; i < cur.n; i++) {
			if (cur.v[i] >= 0 && !required[cur.v[i]]) {
				strbuf_addf(err, "Requested range %s:%s does not refer to ancestor/descendant revisions along the same branch",
					    lower->str ? lower->str : "current",
					    upper->str ? upper->str : "current");
				goto cleanup;
			}
		}
	}
	if (cur.n && cur.v[0] == REV_NONE && lower->str) {
		struct spec up = *upper;
		char *label = NULL;
		int rev;

		if (parse_downgrade_target(g, &up, lower->str, assert_rel, &label, &rev, err) < 0)
			goto cleanup;
		free(label);
		cur.n = 0;
		if (rev >= 0)
			revlist_add(&cur, rev);
	}
	if (check_overlap(g, &cur, err))
		goto cleanup;
	graph_ancestors(g, cur.v, cur.n, WALK_DEPS, curset);
	for (i = 0; i < g->nr; i++)
		needs[i] = required[i] && !curset[i];
	if (inclusive) {
		for (i = 0; i < cur.n; i++)
			if (cur.v[i] >= 0)
				needs[cur.v[i]] = 1;
	}
	if (cur.n && !implicit_base) {
		unsigned char *desc = newset(g);

		graph_descendants(g, cur.v, cur.n, 0, desc);
		for (i = 0; i < g->nr; i++)
			needs[i] = needs[i] && desc[i];
		free(desc);
	}
	ret = 0;
cleanup:
	revlist_release(&cur);
	revlist_release(&tmp);
	free(required);
	free(curset);
	return ret;
}

static int collect_downgrade(const struct graph *g, const struct spec *upper,
			     const char *target, int assert_rel,
			     unsigned char *drop, struct revlist *heads,
			     int *warn, struct strbuf *err)
{
	struct revlist roots = REVLIST_INIT;
	unsigned char *active = newset(g);
	char *label = NULL;
	int trev, ret = -1, pr;
	size_t i;

	pr = parse_downgrade_target(g, upper, target, assert_rel, &label, &trev, err);
	if (pr < 0)
		goto cleanup;
	*warn = pr == 1;
	if (trev == REV_BASE)
		trev = REV_NONE;
	if (trev == REV_NONE) {
		for (i = 0; i < g->nr; i++)
			if (!g->revs[i].ndown)
				revlist_add(&roots, (int)i);
	} else {
		for (i = 0; i < g->revs[trev].nnext; i++)
			revlist_add(&roots, g->revs[trev].next[i]);
	}
	if (label && roots.n > 1) {
		unsigned char *anc = newset(g);
		struct revlist keep = REVLIST_INIT;
		int br;

		if (resolve_branch(g, label, &br, err)) {
			free(anc);
			goto cleanup;
		}
		graph_ancestors(g, &br, 1, 0, anc);
		for (i = 0; i < roots.n; i++)
			if (anc[roots.v[i]])
				revlist_add(&keep, roots.v[i]);
		free(anc);
		revlist_release(&roots);
		roots = keep;
		if (!roots.n) {
			strbuf_addstr(err, "Not a valid downgrade target from current heads");
			goto cleanup;
		}
	}
	if (spec_revisions(g, upper, heads, err))
		goto cleanup;
	graph_descendants(g, roots.v, roots.n, WALK_DEPS, drop);
	for (i = 0; i < heads->n; i++)
		if (heads->v[i] >= 0)
			graph_ancestors(g, &heads->v[i], 1, WALK_DEPS, active);
	for (i = 0; i < g->nr; i++)
		drop[i] = drop[i] && active[i];
	if (trev != REV_NONE && !revlist_has(heads, trev)) {
		for (i = 0; i < g->nr; i++)
			if (drop[i])
				break;
		if (i == g->nr) {
			strbuf_addf(err, "Destination %s is not a valid downgrade target from current head(s)",
				    target);
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	free(label);
	free(active);
	revlist_release(&roots);
	return ret;
}

/*
 * Revisions a plan needs that the walk down from its heads never reached
 * (Alembic fails an assertion there): an error naming them.
 */
static int unordered(const struct graph *g, const unsigned char *todo,
		     struct strbuf *err)
{
	size_t i, n = 0;

	for (i = 0; i < g->nr; i++) {
		if (!todo[i])
			continue;
		strbuf_addf(err, "%s%s", n++ ? ", " : "the range leaves revisions that are not below its upper end: ",
			    g->revs[i].id);
	}
	return n ? -1 : 0;
}

/*
 * topo_sort() in time close to linear in the todo set. Alembic keeps each
 * current head's ancestors and asks, for the candidate, which heads come
 * first among those above it. Here the heads carry keys in list order
 * (a head that moves down keeps its key; heads added at the end get new,
 * larger ones), and every todo revision left to print keeps the smallest
 * key of the heads above it or on it (own[]). The candidate is below
 * another head exactly when one of its children is left to print, and
 * that head is the one with the smallest key among the children's. The
 * printed revisions are closed upwards (nothing is printed before a todo
 * revision above it), and keys only ever grow: a print or a head that
 * leaves the list recomputes the parents and, if theirs grew, what lies
 * below them.
 *
 * Todo revisions that no head reaches are left in todo, as Alembic leaves
 * them, for unordered() to name.
 */
struct topo {
	const struct graph *g;
	int *start, *child; /* children of i: child[start[i] .. start[i + 1]) */
	int *pstart, *par;  /* normalised down revisions, packed the same way */
	unsigned char *live; /* todo, below a head, not printed yet */
	int *key;           /* key of the head on i, or INT_MAX */
	int *own;           /* smallest key on or above i */
	struct revlist work;
};

static int topo_own(const struct topo *t, int v)
{
	int m = t->key[v], k;

	for (k = t->start[v]; k < t->start[v + 1]; k++)
		if (t->live[t->child[k]] && t->own[t->child[k]] < m)
			m = t->own[t->child[k]];
	return m;
}

/* Recompute own[] of rev's parents and of whatever lies below a change. */
static void topo_update(struct topo *t, int rev)
{
	int k;

	for (k = t->pstart[rev]; k < t->pstart[rev + 1]; k++)
		if (t->live[t->par[k]])
			revlist_add(&t->work, t->par[k]);
	while (t->work.n) {
		int v = t->work.v[--t->work.n];
		int m = topo_own(t, v);

		if (m == t->own[v])
			continue;
		t->own[v] = m;
		for (k = t->pstart[v]; k < t->pstart[v + 1]; k++)
			if (t->live[t->par[k]])
				revlist_add(&t->work, t->par[k]);
	}
}

static int topo_sort_keys(const struct graph *g, unsigned char *todo,
			  struct revlist *cur, struct revlist *out,
			  struct strbuf *err)
{
	size_t n = g->nr ? g->nr : 1, i, k, idx = 0, norder = 0, head = 0;
	int *left = xcalloc(n, sizeof(int)); /* children left to print */
	int *fill = xcalloc(n, sizeof(int)), *order = xmalloc(n * sizeof(int));
	struct revlist keys = REVLIST_INIT; /* key of each current head */
	struct topo t = { g, NULL, NULL, NULL, NULL, NULL, NULL, NULL, REVLIST_INIT };
	int nextkey = 0;

	t.live = xcalloc(n, 1);
	t.key = xmalloc(n * sizeof(int));
	t.own = xmalloc(n * sizeof(int));
	for (i = 0; i < n; i++)
		t.key[i] = t.own[i] = INT_MAX;
	for (i = 0; i < cur->n; i++)
		revlist_add(&t.work, cur->v[i]);
	while (t.work.n) {
		int v = t.work.v[--t.work.n];
		const struct rev *r = &g->revs[v];

		if (t.live[v] || !todo[v])
			continue;
		t.live[v] = 1;
		for (k = 0; k < r->nnormdown; k++)
			if (!t.live[r->normdown[k]])
				revlist_add(&t.work, r->normdown[k]);
	}
	t.start = xcalloc(n + 1, sizeof(int));
	for (i = 0; i < g->nr; i++)
		if (t.live[i])
			for (k = 0; k < g->revs[i].nnormdown; k++)
				t.start[g->revs[i].normdown[k] + 1]++;
	for (i = 0; i < g->nr; i++) {
		left[i] = t.start[i + 1];
		t.start[i + 1] += t.start[i];
	}
	t.child = xmalloc(((size_t)t.start[g->nr] + 1) * sizeof(int));
	t.pstart = xmalloc((n + 1) * sizeof(int));
	t.par = xmalloc(((size_t)t.start[g->nr] + 1) * sizeof(int));
	t.pstart[0] = 0;
	for (i = 0; i < g->nr; i++) {
		int np = t.pstart[i];

		if (t.live[i])
			for (k = 0; k < g->revs[i].nnormdown; k++)
				t.par[np++] = g->revs[i].normdown[k];
		t.pstart[i + 1] = np;
	}
	for (i = 0; i < g->nr; i++) {
		if (!t.live[i])
			continue;
		for (k = 0; k < g->revs[i].nnormdown; k++) {
			int p = g->revs[i].normdown[k];

			t.child[t.start[p] + fill[p]++] = (int)i;
		}
	}
	for (i = 0; i < cur->n; i++) {
		t.key[cur->v[i]] = nextkey;
		revlist_add(&keys, nextkey++);
	}
	/* own[] from the top down: children before parents */
	for (i = 0; i < g->nr; i++) {
		fill[i] = left[i];
		if (t.live[i] && !fill[i])
			order[norder++] = (int)i;
	}
	while (head < norder) {
		int v = order[head++];
		const struct rev *r = &g->revs[v];

		t.own[v] = topo_own(&t, v);
		for (k = 0; k < r->nnormdown; k++)
			if (t.live[r->normdown[k]] && !--fill[r->normdown[k]])
				order[norder++] = r->normdown[k];
	}

	while (cur->n) {
		int cand = cur->v[idx];
		const struct rev *r;
		size_t nadd = 0, lo, hi;
		int m = INT_MAX;

		if (left[cand]) {
			/* the first head above: the smallest key among the children */
			for (k = (size_t)t.start[cand]; k < (size_t)t.start[cand + 1]; k++)
				if (t.live[t.child[k]] && t.own[t.child[k]] < m)
					m = t.own[t.child[k]];
			lo = 0;
			hi = keys.n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (keys.v[mid] < m)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == keys.n || keys.v[lo] != m || lo == idx)
				BUG("a revision left to print below no other head");
			idx = lo;
			continue;
		}
		revlist_add(out, cand);
		todo[cand] = 0;
		t.live[cand] = 0;
		r = &g->revs[cand];
		for (k = 0; k < r->nnormdown; k++)
			left[r->normdown[k]]--;
		for (k = 0; k < r->nnormdown; k++) {
			int p = r->normdown[k];

			if (!todo[p] || t.key[p] != INT_MAX)
				continue;
			if (!nadd++) {
				cur->v[idx] = p;
				t.key[p] = t.key[cand];
			} else {
				revlist_add(cur, p);
				t.key[p] = nextkey;
				revlist_add(&keys, nextkey++);
			}
		}
		t.key[cand] = INT_MAX;
		if (!nadd) {
			memmove(cur->v + idx, cur->v + idx + 1,
				(cur->n - idx - 1) * sizeof(*cur->v));
			memmove(keys.v + idx, keys.v + idx + 1,
				(keys.n - idx - 1) * sizeof(*keys.v));
			cur->n--;
			keys.n--;
			idx = idx ? idx - 1 : 0;
		}
		topo_update(&t, cand);
	}
	free(t.start);
	free(t.child);
	free(t.pstart);
	free(t.par);
	free(t.live);
	free(t.key);
	free(t.own);
	revlist_release(&t.work);
	revlist_release(&keys);
	free(left);
	free(fill);
	free(order);
	return unordered(g, todo, err);
}

/*
 * Alembic's _topological_sort(): revisions after their down revisions and
 * dependencies, walking one head's line as long as no other head needs
 * what comes next. Output is newest first.
 */
static int topo_sort(const struct graph *g, unsigned char *todo,
		     const struct revlist *heads, struct revlist *out,
		     struct strbuf *err)
{
	struct revlist cur = REVLIST_INIT;
	unsigned char *ishead = newset(g);
	size_t i;
	int ret;

	/* heads that are in todo, unique, in map (id) order */
	for (i = 0; i < heads->n; i++)
		if (heads->v[i] >= 0)
			ishead[heads->v[i]] = 1;
	for (i = 0; i < g->nr; i++)
		if (todo[i] && ishead[i])
			revlist_add(&cur, (int)i);
	free(ishead);
	ret = topo_sort_keys(g, todo, &cur, out, err);
	revlist_release(&cur);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Plans                                                               */

int resolve_upgrade(struct plan *out, const struct graph *g,
		    const struct spec *current, const char *target,
		    struct strbuf *err)
{
	unsigned char *needs = newset(g);
	struct revlist targets = REVLIST_INIT, order = REVLIST_INIT;
	struct spec up = { target, NULL, 0 };
	size_t i;
	int ret = -1;

	if (collect_upgrade(g, &up, current, 0, 1, 1, needs, &targets, err))
		goto cleanup;
	if (topo_sort(g, needs, &targets, &order, err))
		goto cleanup;
	for (i = order.n; i > 0; i--)
		plan_add(out, STEP_UPGRADE, order.v[i - 1]);
	ret = 0;
cleanup:
	free(needs);
	revlist_release(&targets);
	revlist_release(&order);
	return ret;
}

int resolve_downgrade(struct plan *out, const struct graph *g,
		      const struct spec *current, const char *target,
		      struct strbuf *err)
{
	unsigned char *drop = newset(g);
	struct revlist heads = REVLIST_INIT, order = REVLIST_INIT;
	size_t i;
	int ret = -1, warn = 0;

	if (collect_downgrade(g, current, target, 1, drop, &heads, &warn, err))
		goto cleanup;
	out->warn_ambiguous = warn;
	if (topo_sort(g, drop, &heads, &order, err))
		goto cleanup;
	for (i = 0; i < order.n; i++)
		plan_add(out, STEP_DOWNGRADE, order.v[i]);
	ret = 0;
cleanup:
	free(drop);
	revlist_release(&heads);
	revlist_release(&order);
	return ret;
}

int resolve_history(struct revlist *out, const struct graph *g,
		    const struct spec *base, const struct spec *head,
		    struct strbuf *err)
{
	unsigned char *needs = newset(g);
	struct revlist targets = REVLIST_INIT;
	int ret = -1;

	if (collect_upgrade(g, head, base, 1, 0, 0, needs, &targets, err))
		goto cleanup;
	if (topo_sort(g, needs, &targets, out, err))
		goto cleanup;
	ret = 0;
cleanup:
	free(needs);
	revlist_release(&targets);
	return ret;
}

static void stamp_step(struct plan *p, const int *from, size_t nfrom,
		       int to, int up, int branch_move)
{
	struct step *s = plan_add(p, STEP_STAMP, to);

	if (nfrom) {
		s->from = xmalloc(nfrom * sizeof(int));
		memcpy(s->from, from, nfrom * sizeof(int));
	}
	s->nfrom = nfrom;
	if (to >= 0) {
		s->to = xmalloc(sizeof(int));
		s->to[0] = to;
		s->nto = 1;
	}
	s->stamp_up = up;
	s->branch_move = branch_move;
}

int resolve_stamp(struct plan *out, const struct graph *g,
		  const struct revlist *current, const char *const *targets,
		  size_t n, struct strbuf *err)
{
	static const char *const base_only[] = { "base" };
	struct revlist filtered = REVLIST_INIT, dests = REVLIST_INIT;
	unsigned char *set = newset(g);
	size_t i, k;
	int ret = -1;

	if (!n) {
		targets = base_only;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		struct revlist f = REVLIST_INIT;

		if (filter_for_lineage(g, current->v, current->n, targets[i],
				       WALK_DEPS, &f, err)) {
			revlist_release(&f);
			goto cleanup;
		}
		for (k = 0; k < f.n; k++)
			revlist_add_unique(&filtered, f.v[k]);
		revlist_release(&f);
	}
	for (i = 0; i < n; i++) {
		size_t before = dests.n;

		if (resolve_revisions(g, targets[i], &dests, err))
			goto cleanup;
		/* Alembic crashes on the "base" that a walk below a base gives. */
		for (k = before; k < dests.n; k++) {
			if (dests.v[k] == REV_BASE) {
				strbuf_addf(err, "Can't stamp '%s': it walks down past a base revision",
					    targets[i]);
				goto cleanup;
			}
		}
	}
	if (!dests.n)
		revlist_add(&dests, REV_NONE);

	for (i = 0; i < dests.n; i++) {
		int dest = dests.v[i], below = 0, above = 0;

		if (dest < 0) {
			for (k = 0; k < filtered.n; k++)
				stamp_step(out, &filtered.v[k], 1, REV_NONE, 0, 1);
			continue;
		}
		if (revlist_has(&filtered, dest))
			continue;
		memset(set, 0, g->nr);
		graph_descendants(g, &dest, 1, WALK_DEPS, set);
		for (k = 0; k < filtered.n; k++)
			if (filtered.v[k] != dest && set[filtered.v[k]])
				above = 1;
		if (above) {
			stamp_step(out, filtered.v, filtered.n, dest, 0, 0);
			continue;
		}
		memset(set, 0, g->nr);
		graph_ancestors(g, &dest, 1, WALK_DEPS, set);
		for (k = 0; k < filtered.n; k++)
			if (filtered.v[k] != dest && set[filtered.v[k]])
				below = 1;
		if (below)
			stamp_step(out, filtered.v, filtered.n, dest, 1, 0);
		else
			stamp_step(out, NULL, 0, dest, 1, 1);
	}
	ret = 0;
cleanup:
	free(set);
	revlist_release(&filtered);
	revlist_release(&dests);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Version rows                                                        */

static void op(struct rowops *ops, enum rowop_kind kind, int from, int to)
{
	ALLOC_GROW(ops->v, ops->n + 1, ops->alloc);
	ops->v[ops->n].kind = kind;
	ops->v[ops->n].from = from;
	ops->v[ops->n].to = to;
	ops->n++;
}

/*
 * What heads_apply() keeps between the steps of one plan. Alembic asks,
 * at every merge and unmerge, which down revisions another row already
 * stands for; walking every other row's ancestors answers it in a walk
 * of the whole graph per step. Instead, "in" holds every row's
 * ancestors (and may hold more: it only shrinks when a downgraded
 * revision has no child in it, so it stays closed under ancestors), and
 * the question becomes a walk up from the down revision through "in",
 * where any path to a row must run. pos makes "is it a row?" one
 * lookup instead of a scan of the rows.
 */
struct heads_reach {
	struct revlist *rows;  /* the rows of the step being applied */
	int *pos;          /* index of a revision in rows, or -1 */
	int dups;          /* rows name a revision twice: pos is unused */
	struct revlist snap;  /* rows as the last step left them */
	unsigned char *in;
	unsigned *target;  /* == tepoch: a row the walk looks for */
	/*
	 * Or, when the targets are the step's rows less a few (t_except)
	 * and pos is good, no marks: pos tells a row in one lookup, where
	 * marking every row would cost a pass over them at every merge.
	 */
	int t_by_pos;
	const int *t_except;
	size_t t_nexcept;
	unsigned *seen;    /* == sepoch: visited by this walk */
	unsigned tepoch, sepoch;
	int *stack;
	size_t nstack, alloc;
};

static int row_index(const struct heads_reach *h, int rev)
{
	size_t i;

	if (!h->dups)
		return h->pos[rev];
	for (i = 0; i < h->rows->n; i++)
		if (h->rows->v[i] == rev)
			return (int)i;
	return -1;
}

/* A new row: "in" gets its ancestors. */
static void reach_add(const struct graph *g, struct heads_reach *h, int rev)
{
	if (!h->in[rev])
		graph_ancestors(g, &rev, 1, WALK_DEPS, h->in);
}

static int row_delete(const struct graph *g, struct heads_reach *h, int rev,
		      struct rowops *ops, struct strbuf *err)
{
	struct revlist *rows = h->rows;
	int i = row_index(h, rev);
	size_t k;

	if (i < 0) {
		strbuf_addf(err, "cannot delete version row '%s': it is not in the version table",
			    g->revs[rev].id);
		return -1;
	}
	revlist_remove_at(rows, (size_t)i);
	if (!h->dups) {
		h->pos[rev] = -1;
		for (k = (size_t)i; k < rows->n; k++)
			h->pos[rows->v[k]] = (int)k;
	}
	op(ops, ROW_DELETE, rev, REV_NONE);
	return 0;
}

static void row_insert(const struct graph *g, struct heads_reach *h, int rev,
		       struct rowops *ops)
{
	if (row_index(h, rev) >= 0)
		return;
	revlist_add(h->rows, rev);
	if (!h->dups)
		h->pos[rev] = (int)h->rows->n - 1;
	reach_add(g, h, rev);
	op(ops, ROW_INSERT, REV_NONE, rev);
}

static int row_update(const struct graph *g, struct heads_reach *h, int from,
		      int to, struct rowops *ops, struct strbuf *err)
{
	int i = row_index(h, from);

	if (i < 0) {
		strbuf_addf(err, "cannot move version row '%s' to '%s': '%s' is not in the version table",
			    g->revs[from].id, g->revs[to].id, g->revs[from].id);
		return -1;
	}
	if (row_index(h, to) >= 0)
		return row_delete(g, h, from, ops, err);
	h->rows->v[i] = to;
	if (!h->dups) {
		h->pos[from] = -1;
		h->pos[to] = i;
	}
	reach_add(g, h, to);
	op(ops, ROW_UPDATE, from, to);
	return 0;
}

void heads_reach_free(struct heads_reach *h)
{
	if (!h)
		return;
	free(h->pos);
	revlist_release(&h->snap);
	free(h->in);
	free(h->target);
	free(h->seen);
	free(h->stack);
	free(h);
}

static struct heads_reach *reach_new(const struct graph *g)
{
	struct heads_reach *h = xcalloc(1, sizeof(*h));
	size_t n = g->nr ? g->nr : 1, i;

	h->pos = xmalloc(n * sizeof(int));
	for (i = 0; i < n; i++)
		h->pos[i] = -1;
	h->in = xcalloc(n, 1);
	h->target = xcalloc(n, sizeof(unsigned));
	h->seen = xcalloc(n, sizeof(unsigned));
	return h;
}

/*
 * Take the rows of this step: unless they are as the last step left
 * them, index them again and add their ancestors to "in".
 */
static void reach_bind(const struct graph *g, struct heads_reach *h,
		       struct revlist *rows)
{
	size_t i;

	h->rows = rows;
	if (h->snap.n == rows->n &&
	    (!rows->n || !memcmp(h->snap.v, rows->v, rows->n * sizeof(int))))
		return;
	for (i = 0; i < h->snap.n; i++)
		h->pos[h->snap.v[i]] = -1;
	h->dups = 0;
	for (i = 0; i < rows->n && !h->dups; i++) {
		if (h->pos[rows->v[i]] >= 0)
			h->dups = 1;
		h->pos[rows->v[i]] = (int)i;
	}
	if (h->dups)
		for (i = 0; i < rows->n; i++)
			h->pos[rows->v[i]] = -1;
	for (i = 0; i < rows->n; i++)
		reach_add(g, h, rows->v[i]);
}

/* Remember the rows this step left. */
static void reach_snap(struct heads_reach *h)
{
	h->snap.n = 0;
	ALLOC_GROW(h->snap.v, h->rows->n + 1, h->snap.alloc);
	memcpy(h->snap.v, h->rows->v, h->rows->n * sizeof(int));
	h->snap.n = h->rows->n;
}

/* Start a new set of targets: the rows, less the n revisions in except. */
static void reach_targets(const struct graph *g, struct heads_reach *h,
			  const struct revlist *rows, const int *except, size_t n)
{
	size_t i;

	h->t_by_pos = rows == h->rows && !h->dups;
	h->t_except = except;
	h->t_nexcept = n;
	if (h->t_by_pos)
		return;
	if (!++h->tepoch) {
		memset(h->target, 0, g->nr * sizeof(unsigned));
		h->tepoch = 1;
	}
	for (i = 0; i < rows->n; i++)
		h->target[rows->v[i]] = h->tepoch;
	for (i = 0; i < n; i++)
		h->target[except[i]] = 0;
}

static int reach_is_target(const struct heads_reach *h, int rev)
{
	size_t i;

	if (!h->t_by_pos)
		return h->target[rev] == h->tepoch;
	if (h->pos[rev] < 0)
		return 0;
	for (i = 0; i < h->t_nexcept; i++)
		if (h->t_except[i] == rev)
			return 0;
	return 1;
}

/* 1 if rev is a target or an ancestor (with dependencies) of one. */
static int reach_stands_for(const struct graph *g, struct heads_reach *h,
			    int rev)
{
	if (!++h->sepoch) {
		memset(h->seen, 0, g->nr * sizeof(unsigned));
		h->sepoch = 1;
	}
	h->nstack = 0;
	ALLOC_GROW(h->stack, 1, h->alloc);
	h->stack[h->nstack++] = rev;
	while (h->nstack) {
		int v = h->stack[--h->nstack];
		const struct rev *r = &g->revs[v];
		size_t k;

		if (h->seen[v] == h->sepoch)
			continue;
		h->seen[v] = h->sepoch;
		if (reach_is_target(h, v))
			return 1;
		for (k = 0; k < r->nallnext; k++) {
			int c = r->allnext[k];

			if (h->in[c] && h->seen[c] != h->sepoch) {
				ALLOC_GROW(h->stack, h->nstack + 1, h->alloc);
				h->stack[h->nstack++] = c;
			}
		}
	}
	return 0;
}

/*
 * RevisionStep._unmerge_to_revisions(): the rows that downgrading rev
 * leaves in its place. Its normalised down revisions, less what the
 * other rows already stand for; when rev is the only row, less those
 * that another of them stands for (Alembic 1.13.1, ticket #1373: before,
 * a merge of a1 and b1, b1 depending on a1, left both a1 and b1). With
 * other rows, Alembic 1.13.1+ still checks only against them.
 */
static void unmerge_to(const struct graph *g, struct heads_reach *h,
		       const struct revlist *rows, int rev, struct revlist *out)
{
	const struct rev *r = &g->revs[rev];
	int others = rows->n > (size_t)(row_index(h, rev) >= 0);
	size_t j, k;

	if (others) {
		reach_targets(g, h, rows, &rev, 1);
		for (k = 0; k < r->nnormdown; k++)
			if (!reach_stands_for(g, h, r->normdown[k]))
				revlist_add(out, r->normdown[k]);
		return;
	}
	/* the down revisions that are no strict ancestor of another one */
	for (k = 0; k < r->nnormdown; k++) {
		int strict = 0;

		if (r->nnormdown > 1) {
			struct revlist downs = REVLIST_INIT;

			for (j = 0; j < r->nnormdown; j++)
				if (j != k)
					revlist_add(&downs, r->normdown[j]);
			reach_targets(g, h, &downs, NULL, 0);
			strict = reach_stands_for(g, h, r->normdown[k]);
			revlist_release(&downs);
		}
		if (!strict)
			revlist_add(out, r->normdown[k]);
	}
}

static int apply_revision_step(const struct graph *g, struct heads_reach *h,
			       struct revlist *rows, const struct step *s,
			       struct rowops *ops, struct strbuf *err)
{
	const struct rev *r = &g->revs[s->rev];
	int up = s->kind == STEP_UPGRADE, in_rows = row_index(h, s->rev) >= 0;
	size_t k, present = 0;
	int ret = 0;

	if (!up && in_rows) {
		struct revlist to = REVLIST_INIT;

		/* should_delete_branch */
		if (!r->nnormdown)
			return row_delete(g, h, s->rev, ops, err);
		unmerge_to(g, h, rows, s->rev, &to);
		if (!to.n) {
			revlist_release(&to);
			return row_delete(g, h, s->rev, ops, err);
		}
		if (r->nnormdown > 1) {
			/* should_unmerge_branches */
			for (k = 0; k + 1 < to.n; k++)
				row_insert(g, h, to.v[k], ops);
			ret = row_update(g, h, s->rev, to.v[to.n - 1], ops, err);
			revlist_release(&to);
			return ret;
		}
		revlist_release(&to);
		return row_update(g, h, s->rev, r->normdown[0], ops, err);
	}
	if (!up) {
		strbuf_addf(err, "cannot downgrade %s: the version table has no row for it (rows describe other heads)",
			    r->id);
		return -1;
	}
	for (k = 0; k < r->nnormdown; k++)
		if (row_index(h, r->normdown[k]) >= 0)
			present++;
	if (!r->nnormdown || !present) {
		/* should_create_branch */
		row_insert(g, h, s->rev, ops);
		return 0;
	}
	if (r->nnormdown > 1 && present > 1) {
		/* should_merge_branches / merge_branch_idents */
		struct revlist from = REVLIST_INIT;

		reach_targets(g, h, rows, r->normdown, r->nnormdown);
		for (k = 0; k < r->nnormdown; k++)
			if (row_index(h, r->normdown[k]) >= 0 &&
			    !reach_stands_for(g, h, r->normdown[k]))
				revlist_add(&from, r->normdown[k]);
		if (!from.n) {
			row_insert(g, h, s->rev, ops);
			return 0;
		}
		for (k = 0; k + 1 < from.n && !ret; k++)
			ret = row_delete(g, h, from.v[k], ops, err);
		if (!ret)
			ret = row_update(g, h, from.v[from.n - 1], s->rev, ops, err);
		revlist_release(&from);
		return ret;
	}
	/* update_version_num */
	for (k = 0; k < r->nnormdown; k++)
		if (row_index(h, r->normdown[k]) >= 0)
			return row_update(g, h, r->normdown[k], s->rev, ops, err);
	BUG("no down revision present");
}

static int apply_stamp_step(const struct graph *g, struct heads_reach *h,
			    const struct step *s, struct rowops *ops,
			    struct strbuf *err)
{
	size_t k;
	int ret = 0;

	if (!s->stamp_up && s->branch_move)
		return row_delete(g, h, s->from[0], ops, err);
	if (s->stamp_up && s->nto && row_index(h, s->to[0]) < 0) {
		int missing_from = 0;

		for (k = 0; k < s->nfrom; k++)
			if (row_index(h, s->from[k]) < 0)
				missing_from = 1;
		if (s->branch_move || missing_from) {
			row_insert(g, h, s->to[0], ops);
			return 0;
		}
	}
	if (s->nfrom > 1) {
		for (k = 0; k + 1 < s->nfrom && !ret; k++)
			ret = row_delete(g, h, s->from[k], ops, err);
		if (!ret)
			ret = row_update(g, h, s->from[s->nfrom - 1], s->to[0], ops, err);
		return ret;
	}
	if (s->nfrom != 1 || s->nto != 1) {
		strbuf_addstr(err, "cannot stamp: nothing to move from");
		return -1;
	}
	return row_update(g, h, s->from[0], s->to[0], ops, err);
}

int heads_apply(const struct graph *g, struct revlist *rows,
		const struct step *s, struct rowops *ops,
		struct heads_reach **reach, struct strbuf *err)
{
	struct heads_reach *h = reach && *reach ? *reach : reach_new(g);
	const struct rev *r;
	size_t k;
	int ret;

	if (reach)
		*reach = h;
	reach_bind(g, h, rows);
	if (s->kind == STEP_STAMP) {
		ret = apply_stamp_step(g, h, s, ops, err);
		goto out;
	}
	ret = apply_revision_step(g, h, rows, s, ops, err);
	/* a downgraded revision no row stands for any more leaves "in" */
	r = &g->revs[s->rev];
	if (!ret && s->kind != STEP_UPGRADE && row_index(h, s->rev) < 0) {
		for (k = 0; k < r->nallnext; k++)
			if (h->in[r->allnext[k]])
				break;
		if (k == r->nallnext)
			h->in[s->rev] = 0;
	}
out:
	reach_snap(h);
	if (!reach)
		heads_reach_free(h);
	return ret;
}
