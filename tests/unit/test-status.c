/*
 * Unit tests for status.c: the dbmig_log row parser and its errors, and
 * status_build()'s states, order and label summaries. Table-driven: each
 * row is a small graph (as in test-resolve.c), the version rows, the log
 * rows ("ID:DIRECTION:BLOB"), the blob ids of the files now, and the
 * states expected, "state:id" in the order status lists them.
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
#include "status.h"
#include "strbuf.h"

#include "graph-fixture.h"

struct case_ {
	const char *title;
	const char *graph;
	const char *rows;      /* space-separated version rows */
	const char *log;       /* "id:direction:blob" space-separated */
	const char *blobs;     /* "id:blob" of the files now */
	const char *labels;    /* the target's labels, NULL for all */
	const char *expect;    /* "state:id" in order */
	const char *summary;   /* "LABEL=at/behind" space-separated, or NULL */
};

#define G_TWO "a1 @A; a2 <a1; a3 <a2; b1 @B ^a2; b2 <b1"

static const struct case_ cases[] = {
	{ "nothing applied: all pending, in upgrade order", G_TWO, "", "", "", NULL,
	  "pending:a1 pending:a2 pending:b1 pending:b2 pending:a3", "A=base/3 B=base/4" },
	{ "rows and their ancestors are applied, log rows or not", G_TWO, "a2",
	  "a1:upgrade:x a2:upgrade:y", "a1:x a2:y", NULL,
	  "applied:a1 applied:a2 pending:b1 pending:b2 pending:a3", "A=a2/1 B=base/2" },
	{ "a blob that differs is changed; one without a log row is outside", G_TWO, "b2",
	  "a1:upgrade:x b1:upgrade:old b2:upgrade:z", "a1:x b1:new b2:z", NULL,
	  "applied:a1 outside:a2 changed:b1 applied:b2 pending:a3", "A=a2/1 B=b2/0" },
	{ "the last log row counts: a downgrade then a stamp is outside", G_TWO, "a1",
	  "a1:upgrade:x a1:downgrade:x", "a1:x", NULL,
	  "outside:a1 pending:a2 pending:b1 pending:b2 pending:a3", NULL },
	{ "an empty blob in the log is not a change", G_TWO, "a1",
	  "a1:upgrade:", "a1:x", NULL,
	  "applied:a1 pending:a2 pending:b1 pending:b2 pending:a3", NULL },
	{ "a row naming nothing is unknown; a logged id the graph lacks is gone", G_TWO, "a1 zz",
	  "a1:upgrade:x old1:upgrade:q old2:upgrade:q old2:downgrade:q", "a1:x", NULL,
	  "applied:a1 pending:a2 pending:b1 pending:b2 pending:a3 unknown:zz gone:old1", NULL },
	{ "a target's labels: the rest is other, only its labels summed up", G_TWO, "a1",
	  "", "", "A",
	  "outside:a1 pending:a2 other:b1 other:b2 pending:a3", "A=a1/2" },
	{ "a label that depends on another pulls its revisions into pending", G_TWO, "",
	  "", "", "B",
	  "pending:a1 pending:a2 pending:b1 pending:b2 other:a3", "B=base/4" },
};

static void split_add(char ***v, size_t *n, const char *s)
{
	const char *p = s;

	while (*p) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (!len)
			break;
		*v = realloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = dupstr(p, len);
		p += len;
	}
}

static void free_words(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void test_case(void **state)
{
	const struct case_ *c = *state;
	struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;
	struct graph *g = NULL;
	struct status st = STATUS_INIT;
	struct status_log log = STATUS_LOG_INIT;
	char **rows = NULL, **logw = NULL, **blobs = NULL, **labels = NULL;
	size_t nrows = 0, nlog = 0, nblobs = 0, nlabels = 0, i;

	assert_int_equal(build_graph(&g, c->graph, &err), 0);
	split_add(&rows, &nrows, c->rows);
	split_add(&logw, &nlog, c->log);
	split_add(&blobs, &nblobs, c->blobs);
	if (c->labels)
		split_add(&labels, &nlabels, c->labels);
	for (i = 0; i < nlog; i++) {
		struct strbuf line = STRBUF_INIT;
		char *a = strchr(logw[i], ':'), *b;

		assert_non_null(a);
		*a++ = '\0';
		b = strchr(a, ':');
		assert_non_null(b);
		*b++ = '\0';
		strbuf_addf(&line, "%zu\t%s\t%s\t%s\t2026-11-24 12:00:00.000000Z\t2026-11-24 12:00:01.000000Z\t1000\tu\th\t0.1.0",
			    i + 1, logw[i], a, b);
		assert_int_equal(status_log_add(&log, line.buf, &err), 0);
		strbuf_release(&line);
	}
	for (i = 0; i < nblobs; i++) {
		char *colon = strchr(blobs[i], ':');
		int r;

		*colon = '\0';
		r = graph_find(g, blobs[i]);
		assert_true(r >= 0);
		snprintf(g->revs[r].blob, sizeof(g->revs[r].blob), "%s", colon + 1);
	}
	assert_int_equal(status_build(&st, g, (const char *const *)rows, nrows, &log,
				      labels, nlabels, &err), 0);
	for (i = 0; i < st.n; i++)
		strbuf_addf(&got, "%s%s:%s", i ? " " : "", status_state_name(st.v[i].state),
			    st.v[i].id);
	assert_string_equal(got.buf, c->expect);
	if (c->summary) {
		strbuf_reset(&got);
		for (i = 0; i < st.nlabels; i++) {
			strbuf_addf(&got, "%s%s=", i ? " " : "", st.labels[i].name);
			if (!st.labels[i].at.n)
				strbuf_addstr(&got, "base");
			format_revs(&got, g, st.labels[i].at.v, st.labels[i].at.n);
			strbuf_addf(&got, "/%zu", st.labels[i].behind);
		}
		assert_string_equal(got.buf, c->summary);
	}
	status_release(&st);
	status_log_release(&log);
	free_words(rows, nrows);
	free_words(logw, nlog);
	free_words(blobs, nblobs);
	free_words(labels, nlabels);
	graph_free(g);
	strbuf_release(&got);
	strbuf_release(&err);
}

struct bad_row {
	const char *line;
	const char *msg;
};

static const struct bad_row bad_rows[] = {
	{ "1\ta1\tupgrade\tb\ts\tf\t3\tu\th", "has 9 columns, not 10" },
	{ "1\ta1\tsideways\tb\ts\tf\t3\tu\th\tv", "dbmig_log row 1: direction 'sideways' is neither upgrade nor downgrade" },
	{ "x\ta1\tupgrade\tb\ts\tf\t3\tu\th\tv", "dbmig_log row id 'x' is not a number" },
	{ "2\ta1\tupgrade\tb\ts\tf\tsoon\tu\th\tv", "dbmig_log row 2: duration_ms 'soon' is not a number" },
	{ "2\ta1\tupgrade\tb\ts\tf\t-4\tu\th\tv", "dbmig_log row 2: duration_ms '-4' is not a number" },
	{ "3\t\tupgrade\tb\ts\tf\t1\tu\th\tv", "dbmig_log row 3: no revision" },
};

static void test_bad_row(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		struct status_log log = STATUS_LOG_INIT;
		struct strbuf err = STRBUF_INIT;

		assert_int_equal(status_log_add(&log, bad_rows[i].line, &err), -1);
		assert_non_null(strstr(err.buf, bad_rows[i].msg));
		assert_int_equal(log.n, 0);
		status_log_release(&log);
		strbuf_release(&err);
	}
}

static void test_good_row(void **state)
{
	struct status_log log = STATUS_LOG_INIT;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(status_log_add(&log, "7\tcore_rev1\tupgrade\t\tS\tF\t12\t\thost\t0.1.0", &err), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.v[0].id, 7);
	assert_string_equal(log.v[0].revision, "core_rev1");
	assert_string_equal(log.v[0].blob, "");
	assert_int_equal(log.v[0].ms, 12);
	assert_string_equal(log.v[0].user, "");
	assert_string_equal(log.v[0].host, "host");
	status_log_release(&log);
	strbuf_release(&err);
}

struct heads_case {
	const char *graph;
	const char *rows;
	size_t not_applied;
	int check_heads;
	const char *without_row;
};

/* The heads summary and current --check-heads's rule, side by side. */
static const struct heads_case heads_cases[] = {
	{ "a1; a2 <a1", "a2", 0, 1, "" },
	{ "a1; a2 <a1", "a1", 1, 0, "a2" },
	{ "a1; a2 <a1", "", 1, 0, "a2" },
	/* a1 is a head (no down_revision child) that b1 depends on */
	{ "a1 @A; b1 @B ^a1", "b1", 0, 0, "a1" },
	{ "a1 @A; b1 @B ^a1", "a1 b1", 0, 1, "" },
	{ "a1 @A; b1 @B ^a1", "zz", 1, 0, "a1 b1" },
};

static void test_heads(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(heads_cases) / sizeof(heads_cases[0]); i++) {
		const struct heads_case *c = &heads_cases[i];
		struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;
		struct status_log log = STATUS_LOG_INIT;
		struct status st = STATUS_INIT;
		struct graph *g = NULL;
		char **rows = NULL;
		size_t nrows = 0;

		assert_int_equal(build_graph(&g, c->graph, &err), 0);
		split_add(&rows, &nrows, c->rows);
		assert_int_equal(status_build(&st, g, (const char *const *)rows, nrows, &log,
					      NULL, 0, &err), 0);
		assert_int_equal(st.heads_not_applied, c->not_applied);
		assert_int_equal(st.check_heads, c->check_heads);
		format_revs(&got, g, st.heads_without_row.v, st.heads_without_row.n);
		assert_string_equal(got.buf, c->without_row);
		status_release(&st);
		free_words(rows, nrows);
		graph_free(g);
		strbuf_release(&got);
		strbuf_release(&err);
	}
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 3];
	size_t i, n = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_case, (void *)&cases[i]);

		t.name = cases[i].title;
		tests[n++] = t;
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_row);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_good_row);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_heads);
	return _cmocka_run_group_tests("status", tests, n, NULL, NULL);
}
