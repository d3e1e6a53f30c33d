/*
 * Unit tests for resolve.c: Alembic's target grammar, planning and
 * version-row bookkeeping. Table-driven: every row names a small graph
 * (written as text and parsed with revfile_parse(), or the seed graph of
 * ALEMBIC_SEMANTICS.md read from migrations/versions), the version rows
 * before, a command, and what must come out: the plan's steps in order,
 * the table writes heads_apply() makes, the rows after, or the error.
 *
 * Rows are titled "<item>: ..." after the numbered items of
 * ALEMBIC_SEMANTICS.md. Every expectation was checked against
 * "/usr/bin/python3 -m alembic" (1.8.1) on the same graph and rows: the
 * same steps (as a multiset: Alembic's order of independent steps follows
 * Python's set order) and the same rows. Where Alembic crashes (items 17,
 * 25) the row expects a clean error instead. The rows of items 22 (stamp
 * LABEL@head) and 29 were checked against Alembic 1.18.4 too; for item
 * 29 they are 1.13.1's, where 1.8.1 leaves one row more (ticket #1373).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>

#include "graph.h"
#include "resolve.h"
#include "revfile.h"
#include "strbuf.h"

#include "graph-fixture.h"

/* The small graphs of ALEMBIC_SEMANTICS.md and a few more. */
#define G_MERGE "r0; p1 <r0; p2 <r0; m <p1,p2; n <m"       /* item 8 */
#define G_ITEM9 "a1 @A; a2 <a1; a3 <a2; b1 @B ^A"          /* item 9 */
#define G_LINE "x1; x2 <x1; x3 <x2 @MID; x4 <x3"           /* item 10 */
#define G_Y "y1; y2 <y1; y3 <y2 @MID; y2b <y1"             /* item 11 */
#define G_FORK "r; a <r; b <r"                             /* item 13 */
#define G_TWO "a1 @A; a2 <a1; b1 @B; b2 <b1"               /* item 20, 25 */
/* item 29: the graph of Alembic's ticket #1373 */
#define G_1373 "a1; b1 ^a1; m <a1,b1; z"
/* item 29: a child of y2 that also depends on x1, which y2 needs */
#define G_CHILD "x1; x2 <x1; y1 ^x2; y2 <y1; c <y2 @XC ^x1"
/* item 29: a base depending on init_core_version0 and on what needs it */
#define G_INITALL5 "init_core_version0 @CORE; " \
	"init_mod3_newtable @INITMOD3 ^CORE; 82a8e8efb667 @MOD3 ^INITMOD3; " \
	"029bb7093f45 <82a8e8efb667; c03a10daa698; " \
	"init_all_5 @INITALL ^init_core_version0,029bb7093f45"
/* item 22: INITALL@head (core_rev2) lies above init_stock_popdata */
#define G_STOCK "init_core_newtable @INITCORE; " \
	"init_core_funcproc <init_core_newtable; " \
	"init_core_popdata <init_core_funcproc; " \
	"init_core_version0 @CORE ^init_core_popdata; " \
	"init_mod2_newtable @INITMOD2 ^CORE; " \
	"init_mod2_funcproc <init_mod2_newtable; " \
	"init_mod2_popdata <init_mod2_funcproc; " \
	"init_mod2_version0 @MOD2 ^init_mod2_popdata; " \
	"init_stock_newtable @INITSTOCK; " \
	"init_stock_funcproc <init_stock_newtable; " \
	"init_stock_popdata <init_stock_funcproc; " \
	"init_stock_version0 @STOCK ^init_stock_popdata; " \
	"init_all_12 @INITALL ^init_core_popdata,init_mod2_popdata; " \
	"mod2_rev1 <init_mod2_version0; " \
	"core_merge1 <init_stock_version0,init_all_12; core_rev2 <core_merge1"

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

/* Every case struct starts with this; setup builds its graph. */
struct row {
	const char *title;
	const char *graph;   /* compact text, or SEED */
};

/*
 * cmocka counts what a test allocates and has not freed when it returns
 * as a leak, so each test keeps its own error buffer and frees it.
 */
struct fixture {
	const struct row *row;
	struct graph *g;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct strbuf err = STRBUF_INIT;

	fx->row = *state;
	if (build_graph(&fx->g, fx->row->graph, &err)) {
		fprintf(stderr, "%s: cannot build graph: %s\n", fx->row->title, err.buf);
		strbuf_release(&err);
		free(fx);
		return -1;
	}
	strbuf_release(&err);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	graph_free(fx->g);
	free(fx);
	return 0;
}

/* "a b c" -> revisions, through resolve_rows() as the commands do. */
static void parse_rows(struct fixture *fx, const char *text, struct revlist *out)
{
	char *copy = dupstr(text, strlen(text)), *tok, *save = NULL;
	struct strbuf err = STRBUF_INIT;

	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		const char *one[1];

		one[0] = tok;
		if (resolve_rows(fx->g, one, 1, out, &err))
			fail_msg("row '%s': %s", tok, err.buf);
	}
	strbuf_release(&err);
	free(copy);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Space-separated ids, sorted: a set of rows. */
static void format_sorted(struct strbuf *sb, const struct graph *g,
			  const struct revlist *l)
{
	const char **ids = calloc(l->n + 1, sizeof(*ids));
	size_t i;

	for (i = 0; i < l->n; i++)
		ids[i] = g->revs[l->v[i]].id;
	qsort(ids, l->n, sizeof(*ids), cmp_id);
	for (i = 0; i < l->n; i++)
		strbuf_addf(sb, "%s%s", i ? " " : "", ids[i]);
	free(ids);
}

/* ------------------------------------------------------------------ */
/* resolve_revisions() and resolve_revision()                          */

/*
 * "list" is what resolve_revisions() gives (ids in order; "None" for
 * REV_NONE, "base" for REV_BASE, the "base" string Alembic's walk gives);
 * "one" what resolve_revision() gives. A leading '!' means: fails with
 * exactly this message.
 */
struct ident_case {
	struct row r;
	const char *id;
	const char *list;
	const char *one;
};

/* Target forms: items 12 (prefixes), 13 (REV@head), 14 (heads, head), 16 (LABEL@-N). */
static const struct ident_case ident_cases[] = {
	{ { "SEED: heads", SEED }, "heads",
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3",
	  "!Multiple head revisions are present for given argument 'heads'; please specify a specific target revision, '<branchname>@heads' to narrow to a specific head, or 'heads' for all heads" },
	{ { "SEED: head", SEED }, "head",
	  "!Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads",
	  "!Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads" },
	{ { "SEED: base", SEED }, "base",
	  "",
	  "None" },
	{ { "SEED: core_rev3", SEED }, "core_rev3",
	  "core_rev3",
	  "core_rev3" },
	{ { "SEED: core_rev", SEED }, "core_rev",
	  "!Can't locate revision identified by 'core_rev': several start with it: 'core_rev1', 'core_rev2', 'core_rev3'",
	  "!Can't locate revision identified by 'core_rev': several start with it: 'core_rev1', 'core_rev2', 'core_rev3'" },
	{ { "SEED: INITA", SEED }, "INITA",
	  "init_all_modules",
	  "init_all_modules" },
	{ { "SEED: INITC", SEED }, "INITC",
	  "init_core_newtable",
	  "init_core_newtable" },
	{ { "SEED: INITM", SEED }, "INITM",
	  "!Can't locate revision identified by 'INITM': several start with it: 'INITMOD1', 'INITMOD2', 'INITMOD3'",
	  "!Can't locate revision identified by 'INITM': several start with it: 'INITMOD1', 'INITMOD2', 'INITMOD3'" },
	{ { "SEED: zzz", SEED }, "zzz",
	  "!Can't locate revision identified by 'zzz'; please ensure at least four characters are present for partial revision identifier matches",
	  "!Can't locate revision identified by 'zzz'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "SEED: nothing_here", SEED }, "nothing_here",
	  "!Can't locate revision identified by 'nothing_here'",
	  "!Can't locate revision identified by 'nothing_here'" },
	{ { "SEED: CORE", SEED }, "CORE",
	  "init_core_version0",
	  "init_core_version0" },
	{ { "SEED: CORE@head", SEED }, "CORE@head",
	  "core_rev3",
	  "core_rev3" },
	{ { "SEED: CORE@base", SEED }, "CORE@base",
	  "",
	  "None" },
	{ { "SEED: MOD1@head", SEED }, "MOD1@head",
	  "mod1_rev3",
	  "mod1_rev3" },
	{ { "SEED: MOD1@heads", SEED }, "MOD1@heads",
	  "mod1_rev3",
	  "mod1_rev3" },
	{ { "SEED: core_rev1@head", SEED }, "core_rev1@head",
	  "core_rev3",
	  "core_rev3" },
	{ { "SEED: init_core_newtable@head", SEED }, "init_core_newtable@head",
	  "init_core_popdata",
	  "init_core_popdata" },
	{ { "SEED: INITCORE@head", SEED }, "INITCORE@head",
	  "init_core_popdata",
	  "init_core_popdata" },
	{ { "SEED: NOPE@head", SEED }, "NOPE@head",
	  "!Can't locate revision identified by 'NOPE'",
	  "!Can't locate revision identified by 'NOPE'" },
	{ { "SEED: NOPE@core_rev1", SEED }, "NOPE@core_rev1",
	  "!Can't locate revision identified by 'NOPE': no such branch: 'NOPE'",
	  "!Can't locate revision identified by 'NOPE': no such branch: 'NOPE'" },
	{ { "SEED: core_rev2@head", SEED }, "core_rev2@head",
	  "core_rev3",
	  "core_rev3" },
	{ { "SEED: CORE@core_rev1", SEED }, "CORE@core_rev1",
	  "core_rev1",
	  "core_rev1" },
	{ { "SEED: MOD1@core_rev1", SEED }, "MOD1@core_rev1",
	  "!Can't locate revision identified by 'core_rev1': revision core_rev1 is not a member of branch 'MOD1'",
	  "!Can't locate revision identified by 'core_rev1': revision core_rev1 is not a member of branch 'MOD1'" },
	{ { "SEED: mod1_rev3@core_rev3", SEED }, "mod1_rev3@core_rev3",
	  "!Can't locate revision identified by 'core_rev3': revision core_rev3 is not a member of branch 'mod1_rev3'",
	  "!Can't locate revision identified by 'core_rev3': revision core_rev3 is not a member of branch 'mod1_rev3'" },
	{ { "SEED: -1", SEED }, "-1",
	  "core_rev2 base mod1_rev2 mod2_rev2 mod3_rev2",
	  "!Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "SEED: CORE@-1", SEED }, "CORE@-1",
	  "core_rev2",
	  "!Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "SEED: MOD1@-2", SEED }, "MOD1@-2",
	  "mod1_rev1",
	  "!Can't locate revision identified by '-2'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "SEED: INITCORE@-1", SEED }, "INITCORE@-1",
	  "",
	  "!Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "SEED: +1", SEED }, "+1",
	  "!Can't locate revision identified by '+1'; please ensure at least four characters are present for partial revision identifier matches",
	  "!Can't locate revision identified by '+1'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "SEED: core_rev1+1", SEED }, "core_rev1+1",
	  "!Can't locate revision identified by 'core_rev1+1'",
	  "!Can't locate revision identified by 'core_rev1+1'" },
	{ { "SEED: INITALL@head", SEED }, "INITALL@head",
	  "init_all_modules",
	  "init_all_modules" },
	{ { "SEED: INITDEV@head", SEED }, "INITDEV@head",
	  "init_dev_popdata",
	  "init_dev_popdata" },
	{ { "SEED: CORE@core", SEED }, "CORE@core",
	  "!Can't locate revision identified by 'core': several start with it: 'core_rev1', 'core_rev2', 'core_rev3'",
	  "!Can't locate revision identified by 'core': several start with it: 'core_rev1', 'core_rev2', 'core_rev3'" },
	{ { "SEED: MOD1@init_mod1_pop", SEED }, "MOD1@init_mod1_pop",
	  "!Can't locate revision identified by 'init_mod1_pop'",
	  "!Can't locate revision identified by 'init_mod1_pop'" },
	{ { "SEED: mod1_rev2@MOD1", SEED }, "mod1_rev2@MOD1",
	  "init_mod1_version0",
	  "init_mod1_version0" },
	{ { "FORK: head", G_FORK }, "head",
	  "!Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads",
	  "!Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads" },
	{ { "FORK: heads", G_FORK }, "heads",
	  "a b",
	  "!Multiple head revisions are present for given argument 'heads'; please specify a specific target revision, '<branchname>@heads' to narrow to a specific head, or 'heads' for all heads" },
	{ { "FORK: r@head", G_FORK }, "r@head",
	  "!Multiple head revisions are present for given argument 'r@head'; please specify a specific target revision, '<branchname>@r@head' to narrow to a specific head, or 'heads' for all heads",
	  "!Multiple head revisions are present for given argument 'r@head'; please specify a specific target revision, '<branchname>@r@head' to narrow to a specific head, or 'heads' for all heads" },
	{ { "FORK: r@heads", G_FORK }, "r@heads",
	  "a b",
	  "!Multiple head revisions are present for given argument 'r@heads'; please specify a specific target revision, '<branchname>@r@heads' to narrow to a specific head, or 'heads' for all heads" },
	{ { "FORK: a@head", G_FORK }, "a@head",
	  "a",
	  "a" },
	{ { "FORK: r", G_FORK }, "r",
	  "r",
	  "r" },
	{ { "MERGE: head", G_MERGE }, "head",
	  "n",
	  "n" },
	{ { "MERGE: p1@head", G_MERGE }, "p1@head",
	  "n",
	  "n" },
	{ { "MERGE: p1@heads", G_MERGE }, "p1@heads",
	  "n",
	  "n" },
	{ { "MERGE: -1", G_MERGE }, "-1",
	  "m",
	  "!Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "MERGE: -3", G_MERGE }, "-3",
	  "!Ambiguous walk",
	  "!Can't locate revision identified by '-3'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "MERGE: -4", G_MERGE }, "-4",
	  "!Ambiguous walk",
	  "!Can't locate revision identified by '-4'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "LINE: MID", G_LINE }, "MID",
	  "x3",
	  "x3" },
	{ { "LINE: MID@head", G_LINE }, "MID@head",
	  "x4",
	  "x4" },
	{ { "LINE: x1@head", G_LINE }, "x1@head",
	  "x4",
	  "x4" },
	{ { "LINE: MID@base", G_LINE }, "MID@base",
	  "",
	  "None" },
	{ { "LINE: x2@head", G_LINE }, "x2@head",
	  "x4",
	  "x4" },
	{ { "LINE: -1", G_LINE }, "-1",
	  "x3",
	  "!Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "LINE: MID@-2", G_LINE }, "MID@-2",
	  "x2",
	  "!Can't locate revision identified by '-2'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "Y: MID@head", G_Y }, "MID@head",
	  "y3",
	  "y3" },
	{ { "Y: y1@head", G_Y }, "y1@head",
	  "!Multiple head revisions are present for given argument 'y1@head'; please specify a specific target revision, '<branchname>@y1@head' to narrow to a specific head, or 'heads' for all heads",
	  "!Multiple head revisions are present for given argument 'y1@head'; please specify a specific target revision, '<branchname>@y1@head' to narrow to a specific head, or 'heads' for all heads" },
	{ { "Y: y1@heads", G_Y }, "y1@heads",
	  "y2b y3",
	  "!Multiple head revisions are present for given argument 'y1@heads'; please specify a specific target revision, '<branchname>@y1@heads' to narrow to a specific head, or 'heads' for all heads" },
	{ { "Y: y2b@head", G_Y }, "y2b@head",
	  "y2b",
	  "y2b" },
	{ { "Y: y2b@base", G_Y }, "y2b@base",
	  "",
	  "None" },
	{ { "Y: MID@-1", G_Y }, "MID@-1",
	  "y2",
	  "!Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches" },
	{ { "Y: -1", G_Y }, "-1",
	  "y1 y2",
	  "!Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches" },
};

static void check_result(struct fixture *fx, const char *what, int ret,
			 const struct strbuf *got, const struct strbuf *err,
			 const char *want)
{
	if (want[0] == '!') {
		if (!ret)
			fail_msg("%s: %s succeeded with '%s', expected: %s",
				 fx->row->title, what, got->buf, want + 1);
		assert_string_equal(err->buf, want + 1);
	} else {
		if (ret)
			fail_msg("%s: %s failed: %s", fx->row->title, what, err->buf);
		assert_string_equal(got->buf, want);
	}
}

static void test_ident(void **state)
{
	struct fixture *fx = *state;
	const struct ident_case *c = (const struct ident_case *)fx->row;
	struct revlist l = REVLIST_INIT;
	struct strbuf got = STRBUF_INIT, err = STRBUF_INIT;
	int ret, one = 12345;

	ret = resolve_revisions(fx->g, c->id, &l, &err);
	if (!ret)
		format_revs(&got, fx->g, l.v, l.n);
	check_result(fx, "resolve_revisions", ret, &got, &err, c->list);
	revlist_release(&l);

	strbuf_reset(&got);
	strbuf_reset(&err);
	ret = resolve_revision(fx->g, c->id, &one, &err);
	if (!ret)
		format_revs(&got, fx->g, &one, 1);
	check_result(fx, "resolve_revision", ret, &got, &err, c->one);
	strbuf_release(&got);
	strbuf_release(&err);
}

/* ------------------------------------------------------------------ */
/* Plans and version rows                                              */

/*
 * cmd is "upgrade T", "downgrade T" or "stamp T1 T2...". steps is the
 * plan in order: "+rev" an upgrade, "-rev" a downgrade, "=a,b>c" a stamp
 * from rows a and b to c (empty for base). ops are the table writes of
 * heads_apply() over the whole plan ("ins:x", "del:x", "upd:x>y"; NULL:
 * not checked), after the rows left, sorted. error is the message when
 * resolving the plan or applying it fails (steps then say how far the
 * plan got: NULL if it was refused outright). warn: "downgrade -1 from
 * multiple heads is ambiguous".
 */
struct plan_case {
	struct row r;
	const char *rows;
	const char *cmd;
	const char *steps;
	const char *after;
	const char *ops;
	const char *error;
	int warn;
};

static const struct plan_case plan_cases[] = {
	{ { "rows where one is below another overlap", "a1; a2 <a1; a3 <a2; b1 <a1" },
	  "a1 a3", "upgrade heads",
	  NULL, NULL, NULL, "Requested revision a3 overlaps with other requested revisions a1", 0 },
	{ { "rows on separate branches do not overlap", "a1; a2 <a1; a3 <a2; b1 <a1" },
	  "a2 b1", "upgrade heads",
	  "+a3", "a3 b1", "upd:a2>a3", NULL, 0 },
	{ { "1: depends_on collapses rows", SEED },
	  "init_core_popdata init_mod1_popdata", "upgrade CORE@head",
	  "+init_core_version0 +core_rev1 +core_rev2 +core_rev3",
	  "core_rev3 init_mod1_popdata", "upd:init_core_popdata>init_core_version0 upd:init_core_version0>core_rev1 upd:core_rev1>core_rev2 upd:core_rev2>core_rev3", NULL, 0 },
	{ { "1: dependency row replaced by the dependent", SEED },
	  "init_core_popdata", "upgrade init_core_version0",
	  "+init_core_version0",
	  "init_core_version0", "upd:init_core_popdata>init_core_version0", NULL, 0 },
	{ { "2: INITALL@head leaves one row", SEED },
	  "", "upgrade INITALL@head",
	  "+init_core_newtable +init_mod3_newtable +init_mod3_funcproc +init_mod3_popdata +init_mod2_newtable +init_mod2_funcproc +init_mod2_popdata +init_mod1_newtable +init_mod1_funcproc +init_mod1_popdata +init_all_modules",
	  "init_all_modules", NULL, NULL, 0 },
	{ { "2: upgrade heads from empty", SEED },
	  "", "upgrade heads",
	  "+init_core_newtable +init_mod3_newtable +init_mod3_funcproc +init_mod3_popdata +init_mod2_newtable +init_mod2_funcproc +init_mod2_popdata +init_mod3_version0 +mod3_rev1 +mod3_rev2 +mod3_rev3 +init_mod2_version0 +mod2_rev1 +mod2_rev2 +mod2_rev3 +init_mod1_newtable +init_mod1_funcproc +init_mod1_popdata +init_mod1_version0 +mod1_rev1 +mod1_rev2 +mod1_rev3 +init_all_modules +init_dev_popdata +init_core_funcproc +init_core_popdata +init_core_version0 +core_rev1 +core_rev2 +core_rev3",
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", NULL, NULL, 0 },
	{ { "2: upgrade heads twice is a no-op", SEED },
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "upgrade heads",
	  "",
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "", NULL, 0 },
	{ { "3: MOD1@head runs init_core_newtable too", SEED },
	  "", "upgrade MOD1@head",
	  "+init_core_newtable +init_mod1_newtable +init_mod1_funcproc +init_mod1_popdata +init_mod1_version0 +mod1_rev1 +mod1_rev2 +mod1_rev3",
	  "mod1_rev3", NULL, NULL, 0 },
	{ { "3: only the target's needs from a row", SEED },
	  "init_core_newtable", "upgrade init_mod1_version0",
	  "+init_mod1_newtable +init_mod1_funcproc +init_mod1_popdata +init_mod1_version0",
	  "init_mod1_version0", "upd:init_core_newtable>init_mod1_newtable upd:init_mod1_newtable>init_mod1_funcproc upd:init_mod1_funcproc>init_mod1_popdata upd:init_mod1_popdata>init_mod1_version0", NULL, 0 },
	{ { "4: dependency with no applied dependent gets a row", SEED },
	  "mod1_rev3", "upgrade INITCORE@+1",
	  "+init_core_funcproc",
	  "init_core_funcproc mod1_rev3", "ins:init_core_funcproc", NULL, 0 },
	{ { "4: upgrade a dependency chain below a row", SEED },
	  "mod1_rev3", "upgrade init_core_popdata",
	  "+init_core_funcproc +init_core_popdata",
	  "init_core_popdata mod1_rev3", "ins:init_core_funcproc upd:init_core_funcproc>init_core_popdata", NULL, 0 },
	{ { "5: downgrade CORE@base un-collapses", SEED },
	  "core_rev3", "downgrade CORE@base",
	  "-core_rev3 -core_rev2 -core_rev1 -init_core_version0",
	  "init_core_popdata", "upd:core_rev3>core_rev2 upd:core_rev2>core_rev1 upd:core_rev1>init_core_version0 upd:init_core_version0>init_core_popdata", NULL, 0 },
	{ { "5: downgrade CORE@-4 un-collapses", SEED },
	  "core_rev3", "downgrade CORE@-4",
	  "-core_rev3 -core_rev2 -core_rev1 -init_core_version0",
	  "init_core_popdata", "upd:core_rev3>core_rev2 upd:core_rev2>core_rev1 upd:core_rev1>init_core_version0 upd:init_core_version0>init_core_popdata", NULL, 0 },
	{ { "5: downgrade to version0", SEED },
	  "core_rev3", "downgrade init_core_version0",
	  "-core_rev3 -core_rev2 -core_rev1",
	  "init_core_version0", "upd:core_rev3>core_rev2 upd:core_rev2>core_rev1 upd:core_rev1>init_core_version0", NULL, 0 },
	{ { "6: downgrade INITCORE@base drops every dependent", SEED },
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "downgrade INITCORE@base",
	  "-core_rev3 -core_rev2 -core_rev1 -init_core_version0 -init_core_popdata -init_core_funcproc -init_dev_popdata -init_all_modules -mod1_rev3 -mod1_rev2 -mod1_rev1 -init_mod1_version0 -init_mod1_popdata -init_mod1_funcproc -init_mod1_newtable -mod2_rev3 -mod2_rev2 -mod2_rev1 -init_mod2_version0 -mod3_rev3 -mod3_rev2 -mod3_rev1 -init_mod3_version0 -init_mod2_popdata -init_mod2_funcproc -init_mod2_newtable -init_mod3_popdata -init_mod3_funcproc -init_mod3_newtable -init_core_newtable",
	  "", NULL, NULL, 0 },
	{ { "6: downgrade init_core_newtable keeps the modules", SEED },
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "downgrade init_core_newtable",
	  "-core_rev3 -core_rev2 -core_rev1 -init_core_version0 -init_core_popdata -init_core_funcproc",
	  "init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "upd:core_rev3>core_rev2 upd:core_rev2>core_rev1 upd:core_rev1>init_core_version0 upd:init_core_version0>init_core_popdata upd:init_core_popdata>init_core_funcproc del:init_core_funcproc", NULL, 0 },
	{ { "6: downgrade init_core_newtable from one module", SEED },
	  "init_all_modules mod1_rev3 core_rev3", "downgrade init_core_newtable",
	  "-core_rev3 -core_rev2 -core_rev1 -init_core_version0 -init_core_popdata -init_core_funcproc",
	  "init_all_modules mod1_rev3", "upd:core_rev3>core_rev2 upd:core_rev2>core_rev1 upd:core_rev1>init_core_version0 upd:init_core_version0>init_core_popdata upd:init_core_popdata>init_core_funcproc del:init_core_funcproc", NULL, 0 },
	{ { "6: downgrade base from everything", SEED },
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "downgrade base",
	  "-core_rev3 -core_rev2 -core_rev1 -init_core_version0 -init_core_popdata -init_core_funcproc -init_dev_popdata -init_all_modules -mod1_rev3 -mod1_rev2 -mod1_rev1 -init_mod1_version0 -init_mod1_popdata -init_mod1_funcproc -init_mod1_newtable -mod2_rev3 -mod2_rev2 -mod2_rev1 -init_mod2_version0 -mod3_rev3 -mod3_rev2 -mod3_rev1 -init_mod3_version0 -init_mod2_popdata -init_mod2_funcproc -init_mod2_newtable -init_mod3_popdata -init_mod3_funcproc -init_mod3_newtable -init_core_newtable",
	  "", NULL, NULL, 0 },
	{ { "7: head without down_revision children is no downgrade target", SEED },
	  "core_rev3", "downgrade init_core_popdata",
	  NULL,
	  NULL, NULL, "Destination init_core_popdata is not a valid downgrade target from current head(s)", 0 },
	{ { "7: its down_revision parent is", SEED },
	  "core_rev3", "downgrade init_core_newtable",
	  "-core_rev3 -core_rev2 -core_rev1 -init_core_version0 -init_core_popdata -init_core_funcproc",
	  "init_core_newtable", "upd:core_rev3>core_rev2 upd:core_rev2>core_rev1 upd:core_rev1>init_core_version0 upd:init_core_version0>init_core_popdata upd:init_core_popdata>init_core_funcproc upd:init_core_funcproc>init_core_newtable", NULL, 0 },
	{ { "7: a later revision is no downgrade target", SEED },
	  "core_rev1", "downgrade core_rev3",
	  NULL,
	  NULL, NULL, "Destination core_rev3 is not a valid downgrade target from current head(s)", 0 },
	{ { "8: merge", G_MERGE },
	  "p1 p2", "upgrade heads",
	  "+m +n",
	  "n", "del:p1 upd:p2>m upd:m>n", NULL, 0 },
	{ { "8: unmerge", G_MERGE },
	  "n", "downgrade p1",
	  "-n -m",
	  "p1 p2", "upd:n>m ins:p1 upd:m>p2", NULL, 0 },
	{ { "8: unmerge to the fork", G_MERGE },
	  "n", "downgrade r0",
	  "-n -m -p1 -p2",
	  "r0", "upd:n>m ins:p1 upd:m>p2 del:p1 upd:p2>r0", NULL, 0 },
	{ { "8: merge from one side", G_MERGE },
	  "p1", "upgrade heads",
	  "+p2 +m +n",
	  "n", "ins:p2 del:p1 upd:p2>m upd:m>n", NULL, 0 },
	{ { "8: upgrade one side of the fork", G_MERGE },
	  "p1", "upgrade p2",
	  "+p2",
	  "p1 p2", "ins:p2", NULL, 0 },
	{ { "9: depends_on LABEL is the declaring revision", G_ITEM9 },
	  "", "upgrade B@head",
	  "+a1 +b1",
	  "b1", "ins:a1 upd:a1>b1", NULL, 0 },
	{ { "9: A@head from B", G_ITEM9 },
	  "b1", "upgrade A@head",
	  "+a2 +a3",
	  "a3 b1", "ins:a2 upd:a2>a3", NULL, 0 },
	{ { "10: label spreads below MID", G_LINE },
	  "", "upgrade MID@+1",
	  "+x1",
	  "x1", "ins:x1", NULL, 0 },
	{ { "10: MID@head", G_LINE },
	  "", "upgrade MID@head",
	  "+x1 +x2 +x3 +x4",
	  "x4", "ins:x1 upd:x1>x2 upd:x2>x3 upd:x3>x4", NULL, 0 },
	{ { "10: MID@+2 from x1", G_LINE },
	  "x1", "upgrade MID@+2",
	  "+x2 +x3",
	  "x3", "upd:x1>x2 upd:x2>x3", NULL, 0 },
	{ { "11: MID@+1 walks the lineage", G_Y },
	  "", "upgrade MID@+1",
	  "+y1",
	  "y1", "ins:y1", NULL, 0 },
	{ { "11: MID@+1 from y1", G_Y },
	  "y1", "upgrade MID@+1",
	  "+y2",
	  "y2", "upd:y1>y2", NULL, 0 },
	{ { "11: MID@head ignores y2b", G_Y },
	  "", "upgrade MID@head",
	  "+y1 +y2 +y3",
	  "y3", "ins:y1 upd:y1>y2 upd:y2>y3", NULL, 0 },
	{ { "11: MID@base", G_Y },
	  "y3 y2b", "downgrade MID@base",
	  "-y2b -y3 -y2 -y1",
	  "", "del:y2b upd:y3>y2 upd:y2>y1 del:y1", NULL, 0 },
	{ { "12: label prefix INITA", SEED },
	  "", "upgrade INITA",
	  "+init_core_newtable +init_mod3_newtable +init_mod3_funcproc +init_mod3_popdata +init_mod2_newtable +init_mod2_funcproc +init_mod2_popdata +init_mod1_newtable +init_mod1_funcproc +init_mod1_popdata +init_all_modules",
	  "init_all_modules", NULL, NULL, 0 },
	{ { "12: label prefix INITC", SEED },
	  "", "upgrade INITC",
	  "+init_core_newtable",
	  "init_core_newtable", "ins:init_core_newtable", NULL, 0 },
	{ { "12: id prefix", SEED },
	  "", "upgrade init_mod1_new",
	  "+init_core_newtable +init_mod1_newtable",
	  "init_mod1_newtable", "ins:init_core_newtable upd:init_core_newtable>init_mod1_newtable", NULL, 0 },
	{ { "12: ambiguous prefix", SEED },
	  "", "upgrade core_rev",
	  NULL,
	  NULL, NULL, "Can't locate revision identified by 'core_rev': several start with it: 'core_rev1', 'core_rev2', 'core_rev3'", 0 },
	{ { "12: ambiguous label prefix", SEED },
	  "", "upgrade INITM",
	  NULL,
	  NULL, NULL, "Can't locate revision identified by 'INITM': several start with it: 'INITMOD1', 'INITMOD2', 'INITMOD3'", 0 },
	{ { "12: prefix under four characters", SEED },
	  "", "upgrade cor",
	  NULL,
	  NULL, NULL, "Can't locate revision identified by 'cor': several start with it: 'core_rev1', 'core_rev2', 'core_rev3'", 0 },
	{ { "13: rev@head", SEED },
	  "", "upgrade core_rev1@head",
	  "+init_core_newtable +init_core_funcproc +init_core_popdata +init_core_version0 +core_rev1 +core_rev2 +core_rev3",
	  "core_rev3", NULL, NULL, 0 },
	{ { "13: rev@head through the dependency chain", SEED },
	  "", "upgrade init_core_newtable@head",
	  "+init_core_newtable +init_core_funcproc +init_core_popdata",
	  "init_core_popdata", "ins:init_core_newtable upd:init_core_newtable>init_core_funcproc upd:init_core_funcproc>init_core_popdata", NULL, 0 },
	{ { "13: rev@head with several heads", G_FORK },
	  "", "upgrade r@head",
	  NULL,
	  NULL, NULL, "Multiple head revisions are present for given argument 'r@head'; please specify a specific target revision, '<branchname>@r@head' to narrow to a specific head, or 'heads' for all heads", 0 },
	{ { "13: rev@head names a branch", G_FORK },
	  "", "upgrade a@head",
	  "+r +a",
	  "a", "ins:r upd:r>a", NULL, 0 },
	{ { "14: head is ambiguous on the seed", SEED },
	  "core_rev3", "upgrade head",
	  NULL,
	  NULL, NULL, "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads", 0 },
	{ { "14: heads uses real heads only", SEED },
	  "core_rev3", "upgrade heads",
	  "+init_mod3_newtable +init_mod3_funcproc +init_mod3_popdata +init_mod2_newtable +init_mod2_funcproc +init_mod2_popdata +init_mod3_version0 +mod3_rev1 +mod3_rev2 +mod3_rev3 +init_mod2_version0 +mod2_rev1 +mod2_rev2 +mod2_rev3 +init_mod1_newtable +init_mod1_funcproc +init_mod1_popdata +init_mod1_version0 +mod1_rev1 +mod1_rev2 +mod1_rev3 +init_all_modules +init_dev_popdata",
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", NULL, NULL, 0 },
	{ { "14: unknown label", SEED },
	  "", "upgrade NOPE@head",
	  NULL,
	  NULL, NULL, "Can't locate revision identified by 'NOPE'", 0 },
	{ { "14: revision not in the label's lineage", SEED },
	  "", "upgrade MOD1@init_core_newtable",
	  NULL,
	  NULL, NULL, "Can't locate revision identified by 'init_core_newtable': revision init_core_newtable is not a member of branch 'MOD1'", 0 },
	{ { "16: MOD1@-4 to base of the tree", SEED },
	  "mod1_rev3", "downgrade MOD1@-4",
	  "-mod1_rev3 -mod1_rev2 -mod1_rev1 -init_mod1_version0",
	  "init_mod1_popdata", "upd:mod1_rev3>mod1_rev2 upd:mod1_rev2>mod1_rev1 upd:mod1_rev1>init_mod1_version0 upd:init_mod1_version0>init_mod1_popdata", NULL, 0 },
	{ { "16: MOD1@-5", SEED },
	  "mod1_rev3", "downgrade MOD1@-5",
	  NULL,
	  NULL, NULL, "Relative revision -5 didn't produce 5 migrations", 0 },
	{ { "16: CORE@-1", SEED },
	  "core_rev1", "downgrade CORE@-1",
	  "-core_rev1",
	  "init_core_version0", "upd:core_rev1>init_core_version0", NULL, 0 },
	{ { "16: INITCORE@-1 from a CORE row", SEED },
	  "core_rev1", "downgrade INITCORE@-1",
	  "-core_rev1 -init_core_version0 -init_core_popdata",
	  "init_core_funcproc", "upd:core_rev1>init_core_version0 upd:init_core_version0>init_core_popdata upd:init_core_popdata>init_core_funcproc", NULL, 0 },
	{ { "16: -1", SEED },
	  "core_rev1", "downgrade -1",
	  "-core_rev1",
	  "init_core_version0", "upd:core_rev1>init_core_version0", NULL, 0 },
	{ { "16: -2", SEED },
	  "core_rev1", "downgrade -2",
	  "-core_rev1 -init_core_version0",
	  "init_core_popdata", "upd:core_rev1>init_core_version0 upd:init_core_version0>init_core_popdata", NULL, 0 },
	{ { "16: -4 walks off the chain", SEED },
	  "core_rev1", "downgrade -4",
	  NULL,
	  NULL, NULL, "Relative revision -4 didn't produce 4 migrations", 0 },
	{ { "16: rev@-1", SEED },
	  "core_rev1 mod1_rev1", "downgrade core_rev1@-1",
	  "-core_rev1",
	  "init_core_version0 mod1_rev1", "upd:core_rev1>init_core_version0", NULL, 0 },
	{ { "16: rev-1", SEED },
	  "core_rev3", "downgrade core_rev3-1",
	  "-core_rev3",
	  "core_rev2", "upd:core_rev3>core_rev2", NULL, 0 },
	{ { "16: LABEL@rev-1", SEED },
	  "core_rev3", "downgrade CORE@core_rev3-1",
	  "-core_rev3",
	  "core_rev2", "upd:core_rev3>core_rev2", NULL, 0 },
	{ { "17: MOD1@-1 with no MOD1 row", SEED },
	  "core_rev3", "downgrade MOD1@-1",
	  NULL,
	  NULL, NULL, "Relative revision MOD1@-1 didn't produce 1 migrations: no current revision is in branch 'MOD1'", 0 },
	{ { "17: NOPE@-1 from empty", SEED },
	  "", "downgrade NOPE@-1",
	  NULL,
	  NULL, NULL, "Relative revision NOPE@-1 didn't produce 1 migrations: no current revision is in branch 'NOPE'", 0 },
	{ { "18: MOD1@+1 targets version0", SEED },
	  "", "upgrade MOD1@+1",
	  "+init_core_newtable +init_mod1_newtable +init_mod1_funcproc +init_mod1_popdata +init_mod1_version0",
	  "init_mod1_version0", "ins:init_core_newtable upd:init_core_newtable>init_mod1_newtable upd:init_mod1_newtable>init_mod1_funcproc upd:init_mod1_funcproc>init_mod1_popdata upd:init_mod1_popdata>init_mod1_version0", NULL, 0 },
	{ { "18: MOD1@+1 from mod1_rev1", SEED },
	  "mod1_rev1", "upgrade MOD1@+1",
	  "+mod1_rev2",
	  "mod1_rev2", "upd:mod1_rev1>mod1_rev2", NULL, 0 },
	{ { "18: CORE@+2 from a MOD1 row", SEED },
	  "mod1_rev1", "upgrade CORE@+2",
	  "+init_core_funcproc +init_core_popdata +init_core_version0 +core_rev1",
	  "core_rev1 mod1_rev1", "ins:init_core_funcproc upd:init_core_funcproc>init_core_popdata upd:init_core_popdata>init_core_version0 upd:init_core_version0>core_rev1", NULL, 0 },
	{ { "18: INITCORE@+2 from a MOD1 row", SEED },
	  "mod1_rev1", "upgrade INITCORE@+2",
	  "+init_core_funcproc +init_core_popdata",
	  "init_core_popdata mod1_rev1", "ins:init_core_funcproc upd:init_core_funcproc>init_core_popdata", NULL, 0 },
	{ { "18: INITMOD1@+1 past its head", SEED },
	  "mod1_rev1", "upgrade INITMOD1@+1",
	  NULL,
	  NULL, NULL, "Relative revision +1 didn't produce 1 migrations", 0 },
	{ { "18: CORE@+1 at the head", SEED },
	  "core_rev3", "upgrade CORE@+1",
	  NULL,
	  NULL, NULL, "Relative revision +1 didn't produce 1 migrations", 0 },
	{ { "19: rev+N is relative to rev", SEED },
	  "init_core_funcproc mod1_rev2", "upgrade core_rev1+1",
	  "+init_core_popdata +init_core_version0 +core_rev1 +core_rev2",
	  "core_rev2 mod1_rev2", "upd:init_core_funcproc>init_core_popdata upd:init_core_popdata>init_core_version0 upd:init_core_version0>core_rev1 upd:core_rev1>core_rev2", NULL, 0 },
	{ { "19: rev+1", SEED },
	  "core_rev2", "upgrade core_rev2+1",
	  "+core_rev3",
	  "core_rev3", "upd:core_rev2>core_rev3", NULL, 0 },
	{ { "19: rev-1 on upgrade", SEED },
	  "core_rev2", "upgrade core_rev2-1",
	  "",
	  "core_rev2", "", NULL, 0 },
	{ { "19: rev+1 on downgrade", SEED },
	  "core_rev3", "downgrade core_rev1+1",
	  "-core_rev3",
	  "core_rev2", "upd:core_rev3>core_rev2", NULL, 0 },
	{ { "20: +1 from empty with several bases", SEED },
	  "", "upgrade +1",
	  NULL,
	  NULL, NULL, "Ambiguous walk", 0 },
	{ { "20: +1 from several rows", SEED },
	  "core_rev3 mod1_rev3", "upgrade +1",
	  NULL,
	  NULL, NULL, "Ambiguous upgrade from multiple current revisions", 0 },
	{ { "20: +1 from one row", SEED },
	  "core_rev2", "upgrade +1",
	  "+core_rev3",
	  "core_rev3", "upd:core_rev2>core_rev3", NULL, 0 },
	{ { "20: +1 at a head", SEED },
	  "init_core_popdata", "upgrade +1",
	  NULL,
	  NULL, NULL, "Relative revision +1 didn't produce 1 migrations", 0 },
	{ { "20: +2 past a head", SEED },
	  "init_core_popdata", "upgrade +2",
	  NULL,
	  NULL, NULL, "Relative revision +2 didn't produce 2 migrations", 0 },
	{ { "20: +1 from one base", G_LINE },
	  "", "upgrade +1",
	  "+x1",
	  "x1", "ins:x1", NULL, 0 },
	{ { "20: +2 from one base", G_LINE },
	  "", "upgrade +2",
	  "+x1 +x2",
	  "x2", "ins:x1 upd:x1>x2", NULL, 0 },
	{ { "20: -1 on upgrade", SEED },
	  "core_rev2", "upgrade -1",
	  NULL,
	  NULL, NULL, "Relative revision -1 didn't produce 1 migrations", 0 },
	{ { "20: +1 on downgrade", SEED },
	  "core_rev2", "downgrade +1",
	  NULL,
	  NULL, NULL, "Relative revision +1 didn't produce 1 migrations", 0 },
	{ { "20: LABEL@+1 on downgrade", SEED },
	  "core_rev2", "downgrade CORE@+1",
	  NULL,
	  NULL, NULL, "Relative revision +1 didn't produce 1 migrations", 0 },
	{ { "20: +1 from a fork", G_FORK },
	  "r", "upgrade +1",
	  NULL,
	  NULL, NULL, "Ambiguous walk", 0 },
	{ { "21: -1 with several rows takes the first (mod1)", SEED },
	  "mod1_rev3 core_rev3", "downgrade -1",
	  "-mod1_rev3",
	  "core_rev3 mod1_rev2", "upd:mod1_rev3>mod1_rev2", NULL, 1 },
	{ { "21: -1 with several rows takes the first (core)", SEED },
	  "core_rev3 mod1_rev3", "downgrade -1",
	  "-core_rev3",
	  "core_rev2 mod1_rev3", "upd:core_rev3>core_rev2", NULL, 1 },
	{ { "22: stamp into a lineage with no row inserts", SEED },
	  "core_rev2", "stamp mod1_rev1",
	  "=>mod1_rev1",
	  "core_rev2 mod1_rev1", "ins:mod1_rev1", NULL, 0 },
	{ { "22: stamp below rows replaces them", SEED },
	  "core_rev2 mod1_rev1", "stamp init_core_popdata",
	  "=core_rev2>init_core_popdata",
	  "init_core_popdata mod1_rev1", "upd:core_rev2>init_core_popdata", NULL, 0 },
	{ { "22: stamp above a row", SEED },
	  "core_rev1", "stamp core_rev3",
	  "=core_rev1>core_rev3",
	  "core_rev3", "upd:core_rev1>core_rev3", NULL, 0 },
	{ { "22: stamp below a row", SEED },
	  "core_rev3", "stamp core_rev1",
	  "=core_rev3>core_rev1",
	  "core_rev1", "upd:core_rev3>core_rev1", NULL, 0 },
	{ { "22: stamp a dependency of the row", SEED },
	  "core_rev3", "stamp init_core_newtable",
	  "=core_rev3>init_core_newtable",
	  "init_core_newtable", "upd:core_rev3>init_core_newtable", NULL, 0 },
	{ { "22: stamp a common dependency of two rows", SEED },
	  "core_rev1 mod1_rev1", "stamp init_core_newtable",
	  "=core_rev1,mod1_rev1>init_core_newtable",
	  "init_core_newtable", "del:core_rev1 upd:mod1_rev1>init_core_newtable", NULL, 0 },
	{ { "22: stamp the row itself", SEED },
	  "core_rev3", "stamp core_rev3",
	  "",
	  "core_rev3", "", NULL, 0 },
	{ { "23: stamp heads drops a real head", SEED },
	  "core_rev3 mod1_rev1", "stamp heads",
	  "=>init_dev_popdata =core_rev3,mod1_rev1>mod1_rev3 =>mod2_rev3 =>mod3_rev3",
	  "init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "ins:init_dev_popdata del:core_rev3 upd:mod1_rev1>mod1_rev3 ins:mod2_rev3 ins:mod3_rev3", NULL, 0 },
	{ { "23: stamp heads from empty", SEED },
	  "", "stamp heads",
	  "=>core_rev3 =>init_dev_popdata =>mod1_rev3 =>mod2_rev3 =>mod3_rev3",
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "ins:core_rev3 ins:init_dev_popdata ins:mod1_rev3 ins:mod2_rev3 ins:mod3_rev3", NULL, 0 },
	{ { "23: stamp heads from a dependency", SEED },
	  "init_core_newtable", "stamp heads",
	  "=init_core_newtable>core_rev3 =init_core_newtable>init_dev_popdata =init_core_newtable>mod1_rev3 =init_core_newtable>mod2_rev3 =init_core_newtable>mod3_rev3",
	  "core_rev3 init_dev_popdata mod1_rev3 mod2_rev3 mod3_rev3", "upd:init_core_newtable>core_rev3 ins:init_dev_popdata ins:mod1_rev3 ins:mod2_rev3 ins:mod3_rev3", NULL, 0 },
	{ { "24: stamp LABEL@base deletes the row", SEED },
	  "core_rev3 mod1_rev1", "stamp CORE@base",
	  "=core_rev3>",
	  "mod1_rev1", "del:core_rev3", NULL, 0 },
	{ { "24: stamp MOD1@base", SEED },
	  "core_rev3 mod1_rev1", "stamp MOD1@base",
	  "=mod1_rev1>",
	  "core_rev3", "del:mod1_rev1", NULL, 0 },
	{ { "24: stamp base", SEED },
	  "core_rev3 mod1_rev1", "stamp base",
	  "=core_rev3> =mod1_rev1>",
	  "", "del:core_rev3 del:mod1_rev1", NULL, 0 },
	{ { "24: stamp two revisions", SEED },
	  "core_rev1", "stamp mod1_rev1 mod2_rev1",
	  "=>mod1_rev1 =>mod2_rev1",
	  "core_rev1 mod1_rev1 mod2_rev1", "ins:mod1_rev1 ins:mod2_rev1", NULL, 0 },
	{ { "24: stamp two from empty (purged)", SEED },
	  "", "stamp init_all_modules mod1_rev1",
	  "=>init_all_modules =>mod1_rev1",
	  "init_all_modules mod1_rev1", "ins:init_all_modules ins:mod1_rev1", NULL, 0 },
	{ { "24: stamp two in one lineage", SEED },
	  "core_rev1", "stamp core_rev3 mod1_rev1",
	  "=core_rev1>core_rev3 =>mod1_rev1",
	  "core_rev3 mod1_rev1", "upd:core_rev1>core_rev3 ins:mod1_rev1", NULL, 0 },
	{ { "24: stamp CORE@-1 from empty", SEED },
	  "", "stamp CORE@-1",
	  "=>core_rev2",
	  "core_rev2", "ins:core_rev2", NULL, 0 },
	{ { "24: stamp LABEL@-4 of nothing from empty", SEED },
	  "", "stamp INITMOD1@-4 mod1_rev1",
	  "=>mod1_rev1",
	  "mod1_rev1", "ins:mod1_rev1", NULL, 0 },
	{ { "24: stamp -3 from empty", SEED },
	  "", "stamp -3 mod2_rev3",
	  "=>init_core_version0 =>init_mod1_version0 =>init_mod2_version0 =>init_mod3_version0 =>mod2_rev3",
	  "init_core_version0 init_mod1_version0 init_mod2_version0 init_mod3_version0 mod2_rev3", "ins:init_core_version0 ins:init_mod1_version0 ins:init_mod2_version0 ins:init_mod3_version0 ins:mod2_rev3", NULL, 0 },
	{ { "24: stamp CORE@-1 with rows", SEED },
	  "core_rev3", "stamp CORE@-1",
	  NULL,
	  NULL, NULL, "Can't locate revision identified by '-1'; please ensure at least four characters are present for partial revision identifier matches", 0 },
	{ { "22: upgrade INITSTOCK@head", G_STOCK },
	  "", "upgrade INITSTOCK@head",
	  "+init_stock_newtable +init_stock_funcproc +init_stock_popdata",
	  "init_stock_popdata", "ins:init_stock_newtable upd:init_stock_newtable>init_stock_funcproc upd:init_stock_funcproc>init_stock_popdata", NULL, 0 },
	/*
	 * LABEL@head shares lineage with a row if the label's revision or
	 * the head does: init_stock_popdata is below core_rev2 only.
	 */
	{ { "22: stamp LABEL@head replaces the row below the head", G_STOCK },
	  "init_stock_popdata", "stamp INITALL@head",
	  "=init_stock_popdata>core_rev2",
	  "core_rev2", "upd:init_stock_popdata>core_rev2", NULL, 0 },
	{ { "22: stamp LABEL@heads replaces the row below the head", G_STOCK },
	  "init_stock_popdata", "stamp INITALL@heads",
	  "=init_stock_popdata>core_rev2",
	  "core_rev2", "upd:init_stock_popdata>core_rev2", NULL, 0 },
	{ { "22: stamp LABEL@head keeps a row of another lineage", G_STOCK },
	  "init_stock_popdata mod2_rev1", "stamp INITALL@head",
	  "=init_stock_popdata>core_rev2",
	  "core_rev2 mod2_rev1", "upd:init_stock_popdata>core_rev2", NULL, 0 },
	{ { "22: stamp LABEL@head, the label's own lineage", G_STOCK },
	  "init_stock_popdata", "stamp STOCK@head",
	  "=init_stock_popdata>core_rev2",
	  "core_rev2", "upd:init_stock_popdata>core_rev2", NULL, 0 },
	{ { "25: stamp the same revision twice", SEED },
	  "init_core_popdata", "stamp core_rev3 core_rev3",
	  "=init_core_popdata>core_rev3 =init_core_popdata>core_rev3",
	  NULL, NULL, "cannot move version row 'init_core_popdata' to 'core_rev3': 'init_core_popdata' is not in the version table", 0 },
	{ { "25: stamp two below two rows", SEED },
	  "core_rev3 mod1_rev3", "stamp init_mod1_newtable init_core_version0",
	  "=mod1_rev3,core_rev3>init_mod1_newtable =mod1_rev3,core_rev3>init_core_version0",
	  NULL, NULL, "cannot delete version row 'mod1_rev3': it is not in the version table", 0 },
	{ { "25: stamp heads and a revision", SEED },
	  "init_all_modules", "stamp heads init_mod1_funcproc",
	  "=>core_rev3 =init_all_modules>init_dev_popdata =>mod1_rev3 =>mod2_rev3 =>mod3_rev3 =init_all_modules>init_mod1_funcproc",
	  NULL, NULL, "cannot move version row 'init_all_modules' to 'init_mod1_funcproc': 'init_all_modules' is not in the version table", 0 },
	{ { "25: stamp -1 walks to base", SEED },
	  "", "stamp -1",
	  NULL,
	  NULL, NULL, "Can't stamp '-1': it walks down past a base revision", 0 },
	{ { "25: stamp -2 walks to base", G_TWO },
	  "", "stamp -2",
	  NULL,
	  NULL, NULL, "Can't stamp '-2': it walks down past a base revision", 0 },
	{ { "29: upgrade init_all_5", G_INITALL5 },
	  "", "upgrade init_all_5",
	  "+init_core_version0 +init_mod3_newtable +82a8e8efb667 +029bb7093f45 +init_all_5",
	  "init_all_5", NULL, NULL, 0 },
	/*
	 * The only row, downgraded: of its down revisions, drop those that
	 * another one stands for (Alembic 1.13.1+; 1.8.1 left
	 * init_core_version0 too).
	 */
	{ { "29: downgrade INITALL@-1 leaves one row", G_INITALL5 },
	  "init_all_5", "downgrade INITALL@-1",
	  "-init_all_5",
	  "029bb7093f45", "upd:init_all_5>029bb7093f45", NULL, 0 },
	{ { "29: unmerge where one parent depends on the other", G_1373 },
	  "m", "downgrade a1",
	  "-m",
	  "b1", "upd:m>b1", NULL, 0 },
	{ { "29: a child that also depends on what its parent needs", G_CHILD },
	  "c", "downgrade XC@-1",
	  "-c",
	  "y2", "upd:c>y2", NULL, 0 },
	{ { "29: the same downgrade by revision", G_CHILD },
	  "c", "downgrade y2",
	  "-c",
	  "y2", "upd:c>y2", NULL, 0 },
	/* With other rows Alembic checks against those only, 1.18 too. */
	{ { "29: with another row both parents come back", G_1373 },
	  "m z", "downgrade b1",
	  "-m",
	  "a1 b1 z", "ins:a1 upd:m>b1", NULL, 0 },
};

static void format_plan(struct strbuf *sb, const struct graph *g,
			const struct plan *p)
{
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		const struct step *s = &p->steps[i];

		if (i)
			strbuf_addch(sb, ' ');
		switch (s->kind) {
		case STEP_UPGRADE:
			strbuf_addf(sb, "+%s", g->revs[s->rev].id);
			break;
		case STEP_DOWNGRADE:
			strbuf_addf(sb, "-%s", g->revs[s->rev].id);
			break;
		case STEP_STAMP:
			strbuf_addch(sb, '=');
			for (k = 0; k < s->nfrom; k++)
				strbuf_addf(sb, "%s%s", k ? "," : "", g->revs[s->from[k]].id);
			strbuf_addf(sb, ">%s", s->nto ? g->revs[s->to[0]].id : "");
			break;
		}
	}
}

static void format_ops(struct strbuf *sb, const struct graph *g,
		       const struct rowops *ops)
{
	size_t i;

	for (i = 0; i < ops->n; i++) {
		const struct rowop *o = &ops->v[i];

		if (i)
			strbuf_addch(sb, ' ');
		if (o->kind == ROW_INSERT)
			strbuf_addf(sb, "ins:%s", g->revs[o->to].id);
		else if (o->kind == ROW_DELETE)
			strbuf_addf(sb, "del:%s", g->revs[o->from].id);
		else
			strbuf_addf(sb, "upd:%s>%s", g->revs[o->from].id, g->revs[o->to].id);
	}
}

/*
 * Whatever the expected order, a plan must run each revision once, after
 * its down revisions and dependencies (upgrade) or before them
 * (downgrade).
 */
static void check_order(struct fixture *fx, const struct plan *p)
{
	const struct graph *g = fx->g;
	int *pos = malloc((g->nr ? g->nr : 1) * sizeof(int));
	size_t i, k;

	for (i = 0; i < g->nr; i++)
		pos[i] = -1;
	for (i = 0; i < p->n; i++) {
		const struct step *s = &p->steps[i];

		if (s->kind == STEP_STAMP)
			continue;
		if (pos[s->rev] >= 0)
			fail_msg("%s: %s planned twice", fx->row->title, g->revs[s->rev].id);
		pos[s->rev] = (int)i;
	}
	for (i = 0; i < p->n; i++) {
		const struct step *s = &p->steps[i];
		const struct rev *r;

		if (s->kind == STEP_STAMP)
			continue;
		r = &g->revs[s->rev];
		for (k = 0; k < r->nalldown; k++) {
			int d = pos[r->alldown[k]];

			if (d < 0)
				continue;
			if (s->kind == STEP_UPGRADE ? d > (int)i : d < (int)i)
				fail_msg("%s: %s planned on the wrong side of %s",
					 fx->row->title, r->id, g->revs[r->alldown[k]].id);
		}
	}
	free(pos);
}

static void test_plan(void **state)
{
	struct fixture *fx = *state;
	const struct plan_case *c = (const struct plan_case *)fx->row;
	struct revlist rows = REVLIST_INIT;
	struct plan plan = PLAN_INIT;
	struct rowops ops = { NULL, 0, 0 }, alone_ops = { NULL, 0, 0 };
	struct revlist alone = REVLIST_INIT;
	struct heads_reach *reach = NULL;
	struct strbuf got = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf got_alone = STRBUF_INIT, alone_err = STRBUF_INIT;
	const char *targets[8];
	char *cmd = dupstr(c->cmd, strlen(c->cmd)), *verb, *tok, *save = NULL;
	size_t ntargets = 0, i;
	int ret;

	parse_rows(fx, c->rows, &rows);
	verb = strtok_r(cmd, " ", &save);
	while ((tok = strtok_r(NULL, " ", &save)) && ntargets < 8)
		targets[ntargets++] = tok;

	if (!strcmp(verb, "upgrade") || !strcmp(verb, "downgrade")) {
		struct spec cur = { NULL, rows.v, rows.n };

		assert_int_equal(ntargets, 1);
		if (verb[0] == 'u')
			ret = resolve_upgrade(&plan, fx->g, &cur, targets[0], &err);
		else
			ret = resolve_downgrade(&plan, fx->g, &cur, targets[0], &err);
	} else {
		assert_string_equal(verb, "stamp");
		ret = resolve_stamp(&plan, fx->g, &rows, targets, ntargets, &err);
	}
	if (ret) {
		if (!c->error || c->steps)
			fail_msg("%s: planning failed: %s", c->r.title, err.buf);
		assert_string_equal(err.buf, c->error);
		goto cleanup;
	}
	if (!c->steps)
		fail_msg("%s: planning succeeded, expected: %s", c->r.title, c->error);
	format_plan(&got, fx->g, &plan);
	assert_string_equal(got.buf, c->steps);
	assert_int_equal(plan.warn_ambiguous, c->warn);
	check_order(fx, &plan);

	/*
	 * Each step on its own (no reach kept), then the whole plan
	 * sharing one: the same writes, the same rows, the same error.
	 */
	for (i = 0; i < rows.n; i++)
		revlist_add(&alone, rows.v[i]);
	for (i = 0; i < plan.n; i++) {
		ret = heads_apply(fx->g, &alone, &plan.steps[i], &alone_ops, NULL, &alone_err);
		if (ret)
			break;
	}
	for (i = 0; i < plan.n; i++) {
		ret = heads_apply(fx->g, &rows, &plan.steps[i], &ops, &reach, &err);
		if (ret)
			break;
	}
	assert_string_equal(err.buf, alone_err.buf);
	strbuf_reset(&got);
	format_ops(&got, fx->g, &ops);
	strbuf_reset(&got_alone);
	format_ops(&got_alone, fx->g, &alone_ops);
	assert_string_equal(got.buf, got_alone.buf);
	format_revs(&got, fx->g, rows.v, rows.n);
	format_revs(&got_alone, fx->g, alone.v, alone.n);
	assert_string_equal(got.buf, got_alone.buf);
	if (ret) {
		if (!c->error)
			fail_msg("%s: step %zu failed: %s", c->r.title, i + 1, err.buf);
		assert_string_equal(err.buf, c->error);
		goto cleanup;
	}
	if (c->error)
		fail_msg("%s: succeeded, expected: %s", c->r.title, c->error);
	if (c->ops) {
		strbuf_reset(&got);
		format_ops(&got, fx->g, &ops);
		assert_string_equal(got.buf, c->ops);
	}
	strbuf_reset(&got);
	format_sorted(&got, fx->g, &rows);
	assert_string_equal(got.buf, c->after);
cleanup:
	free(cmd);
	free(ops.v);
	free(alone_ops.v);
	heads_reach_free(reach);
	plan_release(&plan);
	revlist_release(&rows);
	revlist_release(&alone);
	strbuf_release(&got);
	strbuf_release(&got_alone);
	strbuf_release(&err);
	strbuf_release(&alone_err);
}

/*
 * Item 21: "downgrade -1" with several rows reads the FIRST row as
 * stored, so the physical order of the rows matters, and what
 * heads_apply() leaves keeps that order (an update stays in place, an
 * insert goes last), as SQLite's table does.
 */
static void test_row_order(void **state)
{
	struct fixture *fx = *state;
	struct heads_reach *reach = NULL;
	struct revlist rows = REVLIST_INIT;
	struct plan plan = PLAN_INIT;
	struct rowops ops = { NULL, 0, 0 };
	struct strbuf got = STRBUF_INIT, err = STRBUF_INIT;
	struct spec cur;
	size_t i;

	parse_rows(fx, "mod1_rev3 core_rev3", &rows);
	cur.str = NULL;
	cur.revs = rows.v;
	cur.n = rows.n;
	assert_int_equal(resolve_downgrade(&plan, fx->g, &cur, "-1", &err), 0);
	for (i = 0; i < plan.n; i++)
		assert_int_equal(heads_apply(fx->g, &rows, &plan.steps[i], &ops, NULL, &err), 0);
	format_revs(&got, fx->g, rows.v, rows.n);
	assert_string_equal(got.buf, "mod1_rev2 core_rev3");
	plan_release(&plan);

	/* an insert goes last: item 4 */
	strbuf_reset(&got);
	revlist_release(&rows);
	parse_rows(fx, "mod1_rev3", &rows);
	cur.revs = rows.v;
	cur.n = rows.n;
	assert_int_equal(resolve_upgrade(&plan, fx->g, &cur, "INITCORE@+1", &err), 0);
	for (i = 0; i < plan.n; i++)
		assert_int_equal(heads_apply(fx->g, &rows, &plan.steps[i], &ops, &reach, &err), 0);
	format_revs(&got, fx->g, rows.v, rows.n);
	assert_string_equal(got.buf, "mod1_rev3 init_core_funcproc");

	heads_reach_free(reach);
	free(ops.v);
	plan_release(&plan);
	revlist_release(&rows);
	strbuf_release(&got);
	strbuf_release(&err);
}

/* A version row naming a revision the graph lacks is refused. */
static void test_unknown_row(void **state)
{
	struct fixture *fx = *state;
	struct revlist rows = REVLIST_INIT;
	struct strbuf err = STRBUF_INIT;
	static const char *const text[] = { "core_rev3", "gone_rev" };

	assert_int_equal(resolve_rows(fx->g, text, 2, &rows, &err), -1);
	assert_string_equal(err.buf,
		"Can't locate revision identified by 'gone_rev' (a version row names a revision that is not in the graph)");
	revlist_release(&rows);
	strbuf_release(&err);
}

/*
 * The current rows may also come as a string (what "history -r X:"
 * passes): "upgrade" from the spec "core_rev1" plans like the row.
 */
static void test_current_as_string(void **state)
{
	struct fixture *fx = *state;
	struct plan plan = PLAN_INIT;
	struct strbuf got = STRBUF_INIT, err = STRBUF_INIT;
	struct spec cur = { "core_rev1", NULL, 0 };

	assert_int_equal(resolve_upgrade(&plan, fx->g, &cur, "CORE@head", &err), 0);
	format_plan(&got, fx->g, &plan);
	assert_string_equal(got.buf, "+core_rev2 +core_rev3");
	plan_release(&plan);
	strbuf_release(&got);
	strbuf_release(&err);
}

/* ------------------------------------------------------------------ */
/* resolve_all_current() (item 15)                                     */

struct current_case {
	struct row r;
	const char *rows;
	const char *current;   /* sorted */
};

static const struct current_case current_cases[] = {
	{ { "15: a CORE row stands for init_core_popdata", SEED },
	  "core_rev3", "core_rev3 init_core_popdata" },
	{ { "15: a MOD1 row", SEED },
	  "mod1_rev3", "init_core_newtable init_mod1_popdata mod1_rev3" },
	{ { "15: two rows", SEED },
	  "core_rev3 mod1_rev1", "core_rev3 init_core_popdata init_mod1_popdata mod1_rev1" },
	{ { "15: init_dev_popdata stands for every init", SEED },
	  "init_dev_popdata",
	  "init_all_modules init_core_newtable init_dev_popdata init_mod1_popdata init_mod2_popdata init_mod3_popdata" },
	{ { "15: init_all_modules", SEED },
	  "init_all_modules",
	  "init_all_modules init_core_newtable init_mod1_popdata init_mod2_popdata init_mod3_popdata" },
	{ { "15: a row with no dependency", SEED },
	  "init_core_newtable", "init_core_newtable" },
	{ { "15: no rows", SEED }, "", "" },
	{ { "15: a merge stands for itself", G_MERGE }, "m", "m" },
	{ { "15: unmerged rows", G_MERGE }, "p1 p2", "p1 p2" },
	{ { "15: depends_on LABEL", G_ITEM9 }, "b1", "a1 b1" },
};

static void test_current(void **state)
{
	struct fixture *fx = *state;
	const struct current_case *c = (const struct current_case *)fx->row;
	struct revlist rows = REVLIST_INIT, all = REVLIST_INIT;
	struct strbuf got = STRBUF_INIT;

	parse_rows(fx, c->rows, &rows);
	resolve_all_current(&all, fx->g, &rows);
	format_sorted(&got, fx->g, &all);
	assert_string_equal(got.buf, c->current);
	revlist_release(&rows);
	revlist_release(&all);
	strbuf_release(&got);
}

/* ------------------------------------------------------------------ */

/*
 * Alembic's _topological_sort() as Alembic writes it, one ancestor set
 * per current head, for test_topo_random() to hold the resolver's
 * faster walk against: todo is every revision, the heads are the real
 * heads in map order.
 */
static void reference_topo(const struct graph *g, struct revlist *out)
{
	unsigned char *todo = malloc(g->nr), **anc = NULL;
	int *cur = NULL;
	size_t ncur = 0, idx = 0, i, k;

	memset(todo, 1, g->nr);
	anc = calloc(g->nr, sizeof(*anc));
	cur = calloc(g->nr, sizeof(*cur));
	for (i = 0; i < g->nr; i++) {
		if (!rev_is_real_head(&g->revs[i]))
			continue;
		anc[ncur] = calloc(g->nr, 1);
		{
			int h = (int)i;

			graph_ancestors(g, &h, 1, WALK_DEPS, anc[ncur]);
		}
		cur[ncur++] = (int)i;
	}
	while (ncur) {
		int cand = cur[idx], added = 0;
		const struct rev *r = &g->revs[cand];

		for (k = 0; k < ncur; k++)
			if (k != idx && anc[k][cand])
				break;
		if (k < ncur) {
			idx = k;
			continue;
		}
		if (todo[cand]) {
			revlist_add(out, cand);
			todo[cand] = 0;
		}
		for (k = 0; k < r->nnormdown; k++) {
			int p = r->normdown[k];
			size_t j;

			for (j = 0; j < ncur && cur[j] != p; j++)
				;
			if (!todo[p] || j < ncur)
				continue;
			if (!added++) {
				cur[idx] = p;
				memset(anc[idx], 0, g->nr);
				graph_ancestors(g, &p, 1, WALK_DEPS, anc[idx]);
			} else {
				anc[ncur] = calloc(g->nr, 1);
				graph_ancestors(g, &p, 1, WALK_DEPS, anc[ncur]);
				cur[ncur++] = p;
			}
		}
		if (!added) {
			free(anc[idx]);
			memmove(anc + idx, anc + idx + 1, (ncur - idx - 1) * sizeof(*anc));
			memmove(cur + idx, cur + idx + 1, (ncur - idx - 1) * sizeof(*cur));
			ncur--;
			idx = idx ? idx - 1 : 0;
		}
	}
	free(todo);
	free(anc);
	free(cur);
}

/* A random valid graph of n revisions: lines, branch points, merges, deps. */
static void random_graph(struct strbuf *text, unsigned *seed, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		int down[3], ndown = 0, j, k;

		*seed = *seed * 1103515245u + 12345u;
		strbuf_addf(text, "%sr%03d", i ? "; " : "", i);
		if (i && (*seed >> 16) % 10) {
			int want = (*seed >> 8) % 5 ? 1 : 2 + (int)((*seed >> 4) % 2);

			for (j = 0; j < want && j < i; j++) {
				int p;

				*seed = *seed * 1103515245u + 12345u;
				p = (*seed >> 16) % 3 ? i - 1 - (int)((*seed >> 8) % (i < 6 ? i : 6))
						     : (int)((*seed >> 8) % i);
				for (k = 0; k < ndown && down[k] != p; k++)
					;
				if (k == ndown)
					down[ndown++] = p;
			}
			for (j = 0; j < ndown; j++)
				strbuf_addf(text, "%sr%03d", j ? "," : " <", down[j]);
		}
		*seed = *seed * 1103515245u + 12345u;
		if (i > 1 && (*seed >> 16) % 6 == 0) {
			int d = (int)((*seed >> 4) % i);

			for (k = 0; k < ndown && down[k] != d; k++)
				;
			if (k == ndown)
				strbuf_addf(text, " ^r%03d", d);
		}
	}
}

static void test_topo_random(void **state)
{
	unsigned seed = 14;
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
		struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
		struct revlist ref = REVLIST_INIT, order = REVLIST_INIT;
		struct spec base = { "base", NULL, 0 }, head = { "heads", NULL, 0 };
		struct graph *g = NULL;

		random_graph(&text, &seed, 2 + round % 120);
		if (build_graph(&g, text.buf, &err))
			fail_msg("cannot build %s: %s", text.buf, err.buf);
		reference_topo(g, &ref);
		if (resolve_history(&order, g, &base, &head, &err))
			fail_msg("history of %s: %s", text.buf, err.buf);
		format_revs(&want, g, ref.v, ref.n);
		format_revs(&got, g, order.v, order.n);
		if (strcmp(want.buf, got.buf))
			fail_msg("graph %s:\nAlembic's walk: %s\nresolver:       %s",
				 text.buf, want.buf, got.buf);
		graph_free(g);
		revlist_release(&ref);
		revlist_release(&order);
		strbuf_release(&text);
		strbuf_release(&err);
		strbuf_release(&want);
		strbuf_release(&got);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct row seed_row = { "seed", SEED };

int main(void)
{
	static const struct {
		const char *name;
		CMUnitTestFunction fn;
	} fixed[] = {
		{ "21: physical row order", test_row_order },
		{ "unknown version row", test_unknown_row },
		{ "current rows as a string", test_current_as_string },
		{ "topological order of random graphs, as Alembic walks", test_topo_random },
	};
	size_t n = N(fixed) + N(ident_cases) + N(plan_cases) + N(current_cases);
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	size_t i, k = 0;
	int ret;

	for (i = 0; i < N(fixed); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate_setup_teardown(
			test_plan, setup, teardown, (void *)&seed_row);

		t.name = fixed[i].name;
		t.test_func = fixed[i].fn;
		tests[k++] = t;
	}
	for (i = 0; i < N(ident_cases); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate_setup_teardown(
			test_ident, setup, teardown, (void *)&ident_cases[i]);

		t.name = ident_cases[i].r.title;
		tests[k++] = t;
	}
	for (i = 0; i < N(plan_cases); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate_setup_teardown(
			test_plan, setup, teardown, (void *)&plan_cases[i]);

		t.name = plan_cases[i].r.title;
		tests[k++] = t;
	}
	for (i = 0; i < N(current_cases); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate_setup_teardown(
			test_current, setup, teardown, (void *)&current_cases[i]);

		t.name = current_cases[i].r.title;
		tests[k++] = t;
	}
	ret = _cmocka_run_group_tests("resolve", tests, k, NULL, NULL);
	free(tests);
	return ret;
}
