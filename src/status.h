#ifndef STATUS_H
#define STATUS_H
/*
 * status: where one database stands against the revision graph, from
 * its version rows and its dbmig_log rows. No I/O except in
 * status_explain(), which asks squash and git history why an id is
 * gone. Everything a struct status holds belongs to it, except the
 * log rows it points to (the caller's struct status_log) and the labels
 * (the graph's); both must outlive it.
 */
#include "graph.h"
#include "resolve.h"
#include "strbuf.h"

/* One dbmig_log row. */
struct status_logrow {
	long id;
	char *revision;
	char *direction;     /* "upgrade" or "downgrade" */
	char *blob;          /* "" when the run logged none */
	char *started;
	char *finished;
	long ms;
	char *user;          /* "" when unknown */
	char *host;
	char *tool;
};

struct status_log {
	struct status_logrow *v;
	size_t n, alloc;
};
#define STATUS_LOG_INIT { NULL, 0, 0 }

/*
 * Add one row read from the database: the columns id, revision,
 * direction, blob_id, started_at, finished_at, duration_ms, os_user,
 * host, tool_version, separated by tabs (NULL read as ""). A row that
 * is not such a row (a column missing, a direction that is neither
 * upgrade nor downgrade, a duration that is not a number) fails with a
 * message naming the row.
 */
int status_log_add(struct status_log *log, const char *line,
		   struct strbuf *err);
void status_log_release(struct status_log *log);

enum status_state {
	STATUS_APPLIED,   /* applied, the file is the one that ran */
	STATUS_CHANGED,   /* applied, the file changed since */
	STATUS_OUTSIDE,   /* applied, no dbmig_log row: Alembic, or a stamp */
	STATUS_PENDING,   /* upgrade heads (the target's label heads) runs it */
	STATUS_OTHER,     /* not applied, not one of the target's labels */
	STATUS_GONE,      /* applied, its file is no longer in the graph */
	STATUS_UNKNOWN,   /* a version row naming no revision at all */
};

/* The word status prints and --json writes for a state. */
const char *status_state_name(enum status_state s);

struct status_entry {
	enum status_state state;
	int rev;                           /* -1 for GONE and UNKNOWN */
	char *id;
	const struct status_logrow *log;   /* the last upgrade that ran it */
	int version_row;                   /* the version table names it */
	int squashed;                      /* GONE: squash folded it */
	char *why;                         /* GONE, UNKNOWN, CHANGED: explanation */
};

struct status_label {
	const char *name;                  /* borrowed from the graph */
	struct revlist heads;              /* the label's head(s) */
	struct revlist at;                 /* newest applied revisions with it */
	size_t behind;                     /* what upgrade LABEL@head would run */
};

struct status {
	struct status_entry *v;
	size_t n, alloc;
	struct status_label *labels;
	size_t nlabels;
	size_t count[STATUS_UNKNOWN + 1];  /* entries per state */
	size_t heads_not_applied;          /* heads (of the target's labels) not applied */
	int check_heads;                   /* current --check-heads passes */
	struct revlist heads_without_row;  /* the graph's heads no version row names */
};
#define STATUS_INIT { NULL, 0, 0, NULL, 0, { 0 }, 0, 0, REVLIST_INIT }

/*
 * Where the database with these version rows and log rows stands. labels
 * (NULL: all) are the branch labels the database holds, as a fleet
 * target's "labels": revisions of other labels that are not applied are
 * STATUS_OTHER, and only the target's labels get a summary. The entries
 * come in the order "upgrade heads" runs them from base, then the ids
 * the graph no longer has. Fails only when the graph cannot be planned.
 */
int status_build(struct status *out, const struct graph *g,
		 const char *const *rows, size_t nrows,
		 const struct status_log *log, char *const *labels,
		 size_t nlabels, struct strbuf *err);

/*
 * Fill in why the GONE and UNKNOWN entries are gone: "squashed into X
 * (path)", or the commit that removed the file, from git history.
 */
void status_explain(struct status *st, const struct graph *g);

/* Whether verify fails on this entry: a changed file or an unknown row. */
int status_entry_is_drift(const struct status_entry *e);

void status_release(struct status *st);

#endif
