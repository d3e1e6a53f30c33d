#ifndef PYRUN_H
#define PYRUN_H
/*
 * pyrun: runs Alembic .py revisions through the Python helper
 * (src/pyhelper/git_dbmig_alembic.py), one Python process for a whole
 * run. migrate.c hands it the .py steps of its plan in runs of
 * consecutive steps, with the version rows each step must leave; the
 * helper drives the project's env.py through Alembic's runtime and
 * checks those rows. Everything pyrun hands back belongs to the caller;
 * the struct pyrun is freed with pyrun_finish().
 */
#include "project.h"
#include "resolve.h"
#include "strbuf.h"

struct pyrun;

/* Which Python and how it was chosen. */
struct pyrun_python {
	struct strbuf path;
	const char *how;   /* "GIT_DBMIG_PYTHON", "dbmig.python", ... */
};

/*
 * The Python a user's "alembic" would run: GIT_DBMIG_PYTHON, git config
 * dbmig.python, the active virtualenv ($VIRTUAL_ENV/bin/python), the
 * interpreter of "alembic" on PATH, python3 on PATH. Returns -1 with a
 * message saying how to fix it when none is found.
 */
int pyrun_find_python(struct pyrun_python *out, struct strbuf *err);
void pyrun_python_release(struct pyrun_python *py);

/* The helper script: the build tree's, else the installed one. */
int pyrun_helper_path(struct strbuf *out, struct strbuf *err);

/*
 * Start the helper and have it load Alembic, the config and the
 * revisions revs (ids); nothing touches the database yet. target and
 * tag are what env.py sees as get_revision_argument() and get_tag_argument().
 */
int pyrun_start(struct pyrun **out, const struct project *p,
		const char *const *revs, size_t nrevs, const char *target,
		const char *tag, int verbose, struct strbuf *err);

/* Called when the helper starts step i of a segment (0-based in the plan). */
typedef void (*pyrun_begin_fn)(size_t i, void *data);

/*
 * --sql: steps run offline, the script going to standard output as
 * Alembic writes it; start is the FROM of FROM:TO (NULL: none).
 */
struct pyrun_offline {
	int sql;
	const char *start;
};

/*
 * Run steps [first, last) of plan, all .py upgrades or downgrades.
 * before: the rows before steps[first]; after[i]: the rows after step i.
 * On failure err holds the helper's message (revision, file:line and the
 * Python exception), and *failed_step the plan index or (size_t)-1.
 */
int pyrun_segment(struct pyrun *r, const struct project *p,
		  const struct plan *plan, size_t first, size_t last,
		  const struct revlist *before, const struct revlist *after,
		  int one_transaction, const struct pyrun_offline *offline,
		  pyrun_begin_fn begin, void *data, size_t *failed_step,
		  struct strbuf *err);

/*
 * One request of the convert protocol ("record", "prove"; see the
 * helper): send req, and put the answer into *reply (the caller's, free
 * with json_decref). An {"error": ...} answer fails with its text.
 */
struct json_t;
struct graph;
/*
 * The header of revision i as the helper reads it (a new reference):
 * revision, path, message, down_revision, branch_labels, depends_on.
 */
struct json_t *pyrun_revision_json(const struct graph *g, int i);
int pyrun_request(struct pyrun *r, struct json_t *req, struct json_t **reply,
		  struct strbuf *err);

/* Close the helper's pipes and wait for it; NULL is fine. */
void pyrun_finish(struct pyrun *r);

#endif
