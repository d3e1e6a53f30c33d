#ifndef FLEET_H
#define FLEET_H
/*
 * fleet: one command over several databases, the config's
 * [target:NAME] sections (see struct project_target), at most -j of them
 * at a time, with one summary line per target. Everything a function
 * here returns through **out belongs to the caller.
 */
#include "migrate.h"
#include "project.h"
#include "strbuf.h"

/*
 * Told, in the parent, of each target once its summary line is printed:
 * its name, whether it failed, and the summary (or the reason). status
 * collects them for its matrix.
 */
typedef void (*fleet_done_fn)(const char *name, int failed,
			      const char *summary, void *data);

/* The options a command takes to run over targets. */
struct fleet_opts {
	const char **names;   /* --target values, in order; "all" expands */
	size_t nnames, alloc;
	int jobs;             /* -j N: databases at a time, default 1 */
	int jobs_given;
	int fail_fast;        /* --fail-fast: start no target after a failure */
	fleet_done_fn done;   /* NULL, or told of each target */
	void *done_data;
};
#define FLEET_OPTS_INIT { NULL, 0, 0, 1, 0, 0, NULL, NULL }

/*
 * Match --target NAME, -j N (-jN, --jobs N, --jobs=N) or --fail-fast at
 * argv[*i]. Returns 1 (and advances *i past a value) when it is one of
 * them, 0 when not, -1 with a message on a bad or missing value.
 */
int fleet_parse_option(struct fleet_opts *o, int argc, const char **argv,
		       int *i, struct strbuf *err);
/* -1 with a message when -j or --fail-fast came without --target. */
int fleet_check_options(const struct fleet_opts *o, const char *cmd,
			struct strbuf *err);
void fleet_opts_release(struct fleet_opts *o);

/*
 * The work for one target. It runs in a child process of its own, whose
 * stdout and stderr are captured, with p->url set to the target's
 * database; it may change p freely. On success it puts the end of the
 * summary line ("3 revisions applied (...)") into summary; on failure
 * it returns -1 with the reason in err.
 */
typedef int (*fleet_fn)(struct project *p, const struct project_target *t,
			void *data, struct strbuf *summary,
			struct strbuf *err);

/*
 * Run fn for every selected target, -j at a time, and print, in the
 * order the targets were selected, each one's captured output (stderr
 * lines prefixed with "NAME: " on stderr, only warnings under -q; stdout
 * lines likewise on stdout) and its summary line on stdout:
 *
 *     orders: ok, 3 revisions applied (upgrade base -> core_rev3, mod1_rev3)
 *     billing: FAILED: upgrade mod2_rev1 failed at ...
 *     shipping: not started (--fail-fast: an earlier target failed)
 *
 * A target with no section, or a bad one, gets its FAILED line without
 * running. --url or SQLALCHEMY_URL replaces the URL of a single selected
 * target and is refused with several. Returns -1 with "N of M targets
 * failed (...)" in err when any failed or was not started; p must be
 * loaded (project_load_graph) and no database open.
 */
int fleet_run(struct project *p, const struct fleet_opts *o, fleet_fn fn,
	      void *data, struct strbuf *err);

/*
 * The target rule: the revisions "upgrade REV" or "stamp REV..." goes to
 * on target t. "heads" alone, on a target with labels, means each
 * label's head: "LABEL@head" for every label, in the order listed.
 * Anything else (and "heads" on a target with all labels) is kept as
 * given. Free the result with fleet_revisions_free().
 */
size_t fleet_revisions(char ***out, const struct project_target *t,
		       const char *const *revs, size_t n);
void fleet_revisions_free(char **revs, size_t n);

/*
 * upgrade, downgrade or stamp o on every selected target. Under the
 * target rule an upgrade to several label heads runs as one
 * "upgrade LABEL@head" after the other, in one child (see
 * doc/distributed-postgres.md and the README).
 */
int fleet_migrate(struct project *p, const struct fleet_opts *fo,
		  const struct migrate_opts *o, struct strbuf *err);

#endif
