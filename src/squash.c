/*
 * squash: builds a squashed revision's text from a label's straight line
 * of revisions (a .sql file with "-- part:" markers, or, when the line
 * has a .py revision, a .py head running its parts), splits bodies at
 * "-- part:" markers, and splits a squashed revision back in two for a
 * database that stopped inside it. It reads and writes no files: the
 * command moves and writes what it is handed.
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

void squash_moves_release(struct squash_moves *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].from);
		free(m->v[i].to);
	}
	free(m->v);
	free(m->dir);
	free(m->head);
	m->v = NULL;
	m->dir = m->head = NULL;
	m->n = m->alloc = 0;
}

void squash_py_literal(struct strbuf *sb, const char *s)
{
	int multi = strchr(s, '\n') != NULL;
	const char *p;

	strbuf_addstr(sb, multi ? "\"\"\"\\\n" : "'");
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\\')
			strbuf_addstr(sb, "\\\\");
		else if (c == '\n' && multi)
			strbuf_addch(sb, '\n');
		else if (c == '\'' && !multi)
			strbuf_addstr(sb, "\\'");
		else if (c == '"' && multi && (p[1] == '"' || !p[1]))
			strbuf_addstr(sb, "\\\"");    /* never three in a row, nor last */
		else if (c == '\t')
			strbuf_addch(sb, '\t');
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, (char)c);
	}
	strbuf_addstr(sb, multi ? "\"\"\"" : "'");
}

/* None, 'a' or ('a', 'b'): how Alembic's template writes a list of ids */
static void py_ids(struct strbuf *sb, char *const *v, size_t n)
{
	size_t i;

	if (!n) {
		strbuf_addstr(sb, "None");
		return;
	}
	if (n == 1) {
		squash_py_literal(sb, v[0]);
		return;
	}
	strbuf_addch(sb, '(');
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		squash_py_literal(sb, v[i]);
	}
	strbuf_addch(sb, ')');
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The folder "squashed/<id>" beside the one holding path. */
static char *parts_dir(const char *path, const char *id)
{
	struct strbuf sb = STRBUF_INIT;
	const char *slash = strrchr(path, '/');

	if (!slash) {
		strbuf_addstr(&sb, "..");
	} else {
		const char *dir = path, *up = NULL, *q;
		size_t n = (size_t)(slash - path);

		for (q = dir; q < slash; q++)
			if (*q == '/')
				up = q;
		if (n == 1 && *dir == '.')
			strbuf_addstr(&sb, "..");
		else if (up)
			strbuf_add(&sb, dir, (size_t)(up - dir));
		else
			strbuf_addch(&sb, '.');
	}
	strbuf_addf(&sb, "/squashed/%s", id);
	return strbuf_detach(&sb, NULL);
}

/*
 * The runtime of a .py head: loads the .py parts from their files,
 * expands ${x.KEY} in .sql parts as git-dbmig does, and runs them on
 * Alembic's connection (statement by statement on SQLite, whose driver
 * takes one at a time; in the --sql script as they are).
 */
static const char py_runtime[] =
"_here = os.path.dirname(os.path.abspath(__file__))\n"
"_modules = {}\n"
"\n"
"\n"
"def _module(rev, name):\n"
"    if rev not in _modules:\n"
"        path = os.path.normpath(os.path.join(_here, name))\n"
"        spec = importlib.util.spec_from_file_location(\n"
"            re.sub(r'\\W', '_', 'squashed_%s_%s' % (revision, rev)), path)\n"
"        module = importlib.util.module_from_spec(spec)\n"
"        spec.loader.exec_module(module)\n"
"        _modules[rev] = module\n"
"    return _modules[rev]\n"
"\n"
"\n"
"def _x_value(m):\n"
"    x = context.get_x_argument(as_dictionary=True)\n"
"    if m.group(1) in x:\n"
"        return x[m.group(1)]\n"
"    if m.group(2) is not None:\n"
"        return m.group(2)\n"
"    raise ValueError('the body uses ${x.%s} but no -x %s=VALUE was given'\n"
"                     % (m.group(1), m.group(1)))\n"
"\n"
"\n"
"def _run_sql(text):\n"
"    text = re.sub(r'\\$\\{x\\.([^}]*?)(?::-([^}]*))?\\}', _x_value, text)\n"
"    if not text.strip():\n"
"        return\n"
"    if context.is_offline_mode():\n"
"        op.get_context().impl.static_output(text.strip() + '\\n')\n"
"        return\n"
"    bind = op.get_bind()\n"
"    run = functools.partial(bind.exec_driver_sql,\n"
"                            execution_options={'no_parameters': True})\n"
"    if bind.dialect.name != 'sqlite':\n"
"        run(text)\n"
"        return\n"
"    import sqlite3\n"
"    stmt = ''\n"
"    for piece in text.split(';'):\n"
"        stmt += piece + ';'\n"
"        if sqlite3.complete_statement(stmt):\n"
"            run(stmt)\n"
"            stmt = ''\n"
"    stmt = stmt[:-1]\n"
"    if re.sub(r'--[^\\n]*', '', stmt).strip():\n"
"        run(stmt)\n"
"\n"
"\n"
"def run_parts(direction, after=None, upto=None):\n"
"    \"\"\"Run the parts after the one named after, up to and with the one\n"
"    named upto (None: from the first, to the last): upgrades in order,\n"
"    downgrades in reverse. git-dbmig runs a slice for a database whose\n"
"    version table names a folded revision.\"\"\"\n"
"    ids = [part[0] for part in PARTS]\n"
"    todo = PARTS[ids.index(after) + 1 if after else 0:\n"
"                 ids.index(upto) + 1 if upto else len(ids)]\n"
"    if direction == 'downgrade':\n"
"        todo = todo[::-1]\n"
"    for part in todo:\n"
"        if part[1] == 'py':\n"
"            getattr(_module(part[0], part[2]), direction)()\n"
"        else:\n"
"            _run_sql(part[2] if direction == 'upgrade' else part[3])\n"
"\n"
"\n"
"def upgrade():\n"
"    run_parts('upgrade')\n"
"\n"
"\n"
"def downgrade():\n"
"    run_parts('downgrade')\n";

/*
 * The .py head for chain (the revisions after base, oldest first), and
 * the moves of its .py files into the parts folder.
 */
static int build_py(struct strbuf *text, struct squash_moves *moves,
		    const struct graph *g, const struct revlist *chain, int base,
		    char *const *deps, size_t ndeps, const char *label,
		    struct strbuf *err)
{
	const struct rev *h = &g->revs[chain->v[chain->n - 1]];
	struct strbuf parts = STRBUF_INIT;
	size_t i, k;
	char *down[1];
	int ret = -1;

	moves->dir = parts_dir(h->path, h->id);
	moves->head = xstrdup(h->path);
	if (h->rf->kind == REVFILE_SQL)
		strcpy(moves->head + strlen(moves->head) - strlen(".sql"), ".py");
	for (i = 0; i < chain->n; i++) {
		const struct rev *r = &g->revs[chain->v[i]];

		if (r->rf->kind == REVFILE_PY) {
			struct squash_move *m;

			if (r->rf->nsquashes) {
				strbuf_addf(err, "squash %s: %s already squashes %s; a .py squash folds revisions that are not squashed themselves (squash the label before adding to it, or convert it to .sql)",
					    label, r->path, r->rf->squashes[0]);
				goto cleanup;
			}
			ALLOC_GROW(moves->v, moves->n + 1, moves->alloc);
			m = &moves->v[moves->n++];
			m->from = xstrdup(r->path);
			{
				struct strbuf to = STRBUF_INIT;

				strbuf_addf(&to, "%s/%s", moves->dir, base_name(r->path));
				m->to = strbuf_detach(&to, NULL);
			}
			for (k = 0; k + 1 < moves->n; k++) {
				if (!strcmp(base_name(moves->v[k].to), base_name(m->to))) {
					strbuf_addf(err, "squash %s: %s and %s have the same file name; the parts folder cannot hold both",
						    label, moves->v[k].from, r->path);
					goto cleanup;
				}
			}
			strbuf_addstr(&parts, "    (");
			squash_py_literal(&parts, r->id);
			strbuf_addstr(&parts, ", 'py', ");
			{
				struct strbuf rel = STRBUF_INIT;

				strbuf_addf(&rel, "../squashed/%s/%s", h->id, base_name(r->path));
				squash_py_literal(&parts, rel.buf);
				strbuf_release(&rel);
			}
			strbuf_addstr(&parts, "),\n");
		} else {
			struct squash_parts up = { NULL, 0, 0 }, dn = { NULL, 0, 0 };
			size_t j;

			if (!r->rf->transactional) {
				strbuf_addf(err, "squash %s: %s is transactional: false; a .py head runs its parts in Alembic's transaction",
					    label, r->path);
				goto cleanup;
			}
			squash_body_parts(&up, r->rf, 1);
			squash_body_parts(&dn, r->rf, 0);
			for (k = 0; k < up.n; k++) {
				const char *dbody = "";

				for (j = 0; j < dn.n; j++)
					if (!strcmp(dn.v[j].id, up.v[k].id))
						dbody = dn.v[j].body;
				strbuf_addstr(&parts, "    (");
				squash_py_literal(&parts, up.v[k].id);
				strbuf_addstr(&parts, ", 'sql',\n     ");
				squash_py_literal(&parts, up.v[k].body);
				strbuf_addstr(&parts, ",\n     ");
				squash_py_literal(&parts, dbody);
				strbuf_addstr(&parts, "),\n");
				}
			squash_parts_release(&up);
			squash_parts_release(&dn);
		}
	}

	/* the docstring, as "alembic revision" writes it */
	strbuf_addstr(text, "\"\"\"");
	strbuf_addstr(text, h->rf->message ? h->rf->message : "");
	strbuf_addf(text, "\n\nRevision ID: %s\nRevises: %s\nCreate Date: %s\n\n",
		    h->id, g->revs[base].id, h->rf->create_date ? h->rf->create_date : "");
	strbuf_addstr(text, "Squashed by git dbmig squash: runs the parts of");
	for (i = 0; i < chain->n; i++)
		strbuf_addf(text, "%s%s", i ? (i + 1 == chain->n ? " and " : ", ") : " ",
			    g->revs[chain->v[i]].id);
	strbuf_addf(text, ",\nupgrades in that order, downgrades in reverse. The files of the .py\nrevisions are in ../squashed/%s/.\n\"\"\"\n", h->id);
	strbuf_addstr(text, "import functools\nimport importlib.util\nimport os\nimport re\n\n"
			    "from alembic import context, op\n\n"
			    "# revision identifiers, used by Alembic.\nrevision = ");
	squash_py_literal(text, h->id);
	strbuf_addstr(text, "\ndown_revision = ");
	down[0] = (char *)g->revs[base].id;
	py_ids(text, down, 1);
	strbuf_addstr(text, "\nbranch_labels = ");
	py_ids(text, h->rf->branch_labels, h->rf->nlabels);
	strbuf_addstr(text, "\ndepends_on = ");
	py_ids(text, deps, ndeps);
	strbuf_addstr(text, "\n\n# git dbmig squash: the revisions folded into this one, oldest first\nsquashes = (");
	for (i = 0; i + 1 < chain->n; i++) {
		squash_py_literal(text, g->revs[chain->v[i]].id);
		strbuf_addstr(text, i + 2 < chain->n ? ", " : chain->n == 2 ? ",)" : ")");
	}
	strbuf_addstr(text, "\n\n# the parts, oldest first: (revision, 'py', its file) or\n"
			    "# (revision, 'sql', upgrade SQL, downgrade SQL)\nPARTS = (\n");
	strbuf_add(text, parts.buf, parts.len);
	strbuf_addstr(text, ")\n\n");
	strbuf_addstr(text, py_runtime);
	ret = 0;
cleanup:
	strbuf_release(&parts);
	return ret;
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
		 struct squash_moves *moves, const struct graph *g,
		 const char *label, struct strbuf *err)
{
	struct squash_parts up = { NULL, 0, 0 }, dn = { NULL, 0, 0 };
	struct revlist chain = REVLIST_INIT;
	char **deps = NULL;
	size_t ndeps = 0, i, k;
	int base = graph_find_label(g, label), cur, ret = -1, transactional = -1, py = 0;
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

		py |= r->rf->kind == REVFILE_PY;
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
	if (py) {
		if (build_py(text, moves, g, &chain, base, deps, ndeps, label, err))
			goto cleanup;
	} else {
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

static char **copy_strv(char *const *v, size_t n)
{
	char **out = n ? xcalloc(n, sizeof(*out)) : NULL;
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static struct revfile *py_half(const struct revfile *rf, const char *id,
			       char *const *down, size_t ndown,
			       char *const *sq, size_t nsq)
{
	struct revfile *h = xcalloc(1, sizeof(*h));

	h->kind = REVFILE_PY;
	h->revision = xstrdup(id);
	h->down_revision = copy_strv(down, ndown);
	h->ndown = ndown;
	h->squashes = copy_strv(sq, nsq);
	h->nsquashes = nsq;
	h->message = rf->message ? xstrdup(rf->message) : NULL;
	h->create_date = rf->create_date ? xstrdup(rf->create_date) : NULL;
	h->doc = rf->doc ? xstrdup(rf->doc) : NULL;
	h->transactional = rf->transactional;
	h->revision_line = rf->revision_line;
	h->down_line = rf->down_line;
	h->part_of = xstrdup(rf->revision);
	/* its body is the helper's slice of the file, read with the whole */
	h->bodies = 1;
	return h;
}

/*
 * A .py squashed revision: two halves that the Python helper runs as
 * slices of its parts (run_parts), the lower one under the folded id.
 */
static int split_py(struct graph_input *in, size_t *n, size_t idx,
		    const char *at, struct strbuf *err)
{
	struct revfile *rf = in[idx].rf, *lo, *hi;
	size_t cut;
	char *down_hi[1];

	for (cut = 0; cut < rf->nsquashes; cut++)
		if (!strcmp(rf->squashes[cut], at))
			break;
	if (cut == rf->nsquashes) {
		strbuf_addf(err, "%s: does not list '%s' in squashes", in[idx].path, at);
		return -1;
	}
	lo = py_half(rf, at, rf->down_revision, rf->ndown, rf->squashes, cut);
	lo->depends_on = copy_strv(rf->depends_on, rf->ndeps);
	lo->ndeps = rf->ndeps;
	lo->part_upto = xstrdup(at);
	down_hi[0] = (char *)at;
	hi = py_half(rf, rf->revision, down_hi, 1, rf->squashes + cut + 1,
		     rf->nsquashes - cut - 1);
	hi->branch_labels = copy_strv(rf->branch_labels, rf->nlabels);
	hi->nlabels = rf->nlabels;
	hi->labels_line = rf->labels_line;
	hi->part_after = xstrdup(at);
	revfile_free(rf);
	in[idx].rf = hi;
	in[*n].rf = lo;
	in[*n].path = xstrdup(in[idx].path);
	memcpy(in[*n].blob, in[idx].blob, sizeof(in[*n].blob));
	(*n)++;
	return 0;
}

static int split_one(struct graph_input *in, size_t *n, size_t idx,
		     const char *at, struct strbuf *err)
{
	struct revfile *rf = in[idx].rf, *lo = NULL, *hi = NULL;
	struct squash_parts up = { NULL, 0, 0 }, dn = { NULL, 0, 0 };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, name = STRBUF_INIT;
	size_t cut, i;
	int ret = -1;
	char *down_hi[1];

	if (rf->kind == REVFILE_PY)
		return split_py(in, n, idx, at, err);
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
		/* a graph from the graph cache keeps them in its blocks */
		in[nin].rf = g->blocks ? revfile_dup(g->revs[i].rf) : g->revs[i].rf;
		if (g->blocks) {
			/* bodies read later are the rev's own; the copy has them now */
			free(g->revs[i].rf->upgrade);
			free(g->revs[i].rf->downgrade);
			g->revs[i].rf->upgrade = g->revs[i].rf->downgrade = NULL;
		}
		in[nin].path = g->blocks ? xstrdup(g->revs[i].path) : g->revs[i].path;
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
