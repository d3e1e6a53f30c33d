/*
 * fleet: runs one command on several databases, the config's
 * [target:NAME] sections. Each target runs in a child process of its own
 * (fork), on the project and revision graph the parent has already
 * loaded, with the target's URL in project->url: the child runs the
 * same single-database code as a plain "upgrade" or "current", so that
 * a failure, a crash or a hang in one target cannot touch another, and
 * no database connection is ever shared. At most -j children run at
 * once. Each child's stdout and stderr, and a result (ok and a summary,
 * or the reason of its failure), go to unlinked temporary files that the
 * parent reads when the child has ended.
 *
 * The parent prints, in the order the targets were selected, each one's
 * output and summary as soon as it and every target before it have
 * ended, so that -j 1 and -j 8 print the same text.
 *
 * It plans nothing and opens no database itself: migrate.c and the
 * commands do that, in the children. Unlike the lower modules it prints:
 * the summary lines are the command's own output.
 */
#include "fleet.h"
#include "graph.h"
#include "url.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Options                                                             */

static void add_name(struct fleet_opts *o, const char *name)
{
	ALLOC_GROW(o->names, o->nnames + 1, o->alloc);
	o->names[o->nnames++] = name;
}

int fleet_parse_option(struct fleet_opts *o, int argc, const char **argv,
		       int *i, struct strbuf *err)
{
	const char *arg = argv[*i], *v = NULL;
	char *end;
	long n;

	if (!strcmp(arg, "--fail-fast")) {
		o->fail_fast = 1;
		return 1;
	}
	if (!strncmp(arg, "--target=", 9)) {
		v = arg + 9;
	} else if (!strcmp(arg, "--target")) {
		if (*i + 1 >= argc) {
			strbuf_addf(err, "option '%s' needs a value", arg);
			return -1;
		}
		v = argv[++*i];
	}
	if (v) {
		if (!*v) {
			strbuf_addstr(err, "--target needs a target name, or 'all'");
			return -1;
		}
		add_name(o, v);
		return 1;
	}
	if (!strncmp(arg, "-j", 2) && arg[2]) {
		v = arg + 2;
	} else if (!strncmp(arg, "--jobs=", 7)) {
		v = arg + 7;
	} else if (!strcmp(arg, "-j") || !strcmp(arg, "--jobs")) {
		if (*i + 1 >= argc) {
			strbuf_addf(err, "option '%s' needs a value", arg);
			return -1;
		}
		v = argv[++*i];
	} else {
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > 4096) {
		strbuf_addf(err, "-j '%s' is not a number of databases from 1 to 4096", v);
		return -1;
	}
	o->jobs = (int)n;
	o->jobs_given = 1;
	return 1;
}

int fleet_check_options(const struct fleet_opts *o, const char *cmd,
			struct strbuf *err)
{
	if (!o->nnames && (o->jobs_given || o->fail_fast)) {
		strbuf_addf(err, "%s: %s only applies with --target (see 'git dbmig %s -h')",
			    cmd, o->jobs_given ? "-j" : "--fail-fast", cmd);
		return -1;
	}
	return 0;
}

void fleet_opts_release(struct fleet_opts *o)
{
	free(o->names);
	o->names = NULL;
	o->nnames = o->alloc = 0;
}

/* ------------------------------------------------------------------ */
/* The target rule                                                     */

size_t fleet_revisions(char ***out, const struct project_target *t,
		       const char *const *revs, size_t n)
{
	size_t i;

	if (n == 1 && !strcmp(revs[0], "heads") && !t->all_labels) {
		*out = xcalloc(t->nlabels, sizeof(**out));
		for (i = 0; i < t->nlabels; i++) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "%s@head", t->labels[i]);
			(*out)[i] = strbuf_detach(&sb, NULL);
		}
		return t->nlabels;
	}
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (i = 0; i < n; i++)
		(*out)[i] = xstrdup(revs[i]);
	return n;
}

void fleet_revisions_free(char **revs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(revs[i]);
	free(revs);
}

/* ------------------------------------------------------------------ */
/* Children and their captured output                                  */

enum slot_state {
	SLOT_PENDING,
	SLOT_RUNNING,
	SLOT_DONE,
	SLOT_NOT_STARTED,
};

struct slot {
	const char *name;            /* borrowed from argv or the config */
	struct project_target *t;    /* NULL when problem says why */
	char *problem;
	enum slot_state state;
	pid_t pid;
	int fd[3];                   /* the child's stdout, stderr, result */
	int failed;
	struct strbuf out, log, summary;
};

/* An unlinked temporary file: the child writes, the parent reads back. */
static int capture_file(struct strbuf *err)
{
	const char *dir = getenv("TMPDIR");
	struct strbuf path = STRBUF_INIT;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	strbuf_addf(&path, "%s/git-dbmig-fleet.XXXXXX", dir);
	fd = mkstemp(path.buf);
	if (fd < 0)
		strbuf_addf(err, "cannot create a file in %s for a target's output: %s",
			    dir, strerror(errno));
	else
		unlink(path.buf);
	strbuf_release(&path);
	return fd;
}

static void read_back(int fd, struct strbuf *sb)
{
	char buf[8192];
	off_t off = 0;
	ssize_t n;

	for (;;) {
		n = pread(fd, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(sb, buf, (size_t)n);
		off += n;
	}
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void close_fds(struct slot *s)
{
	int k;

	for (k = 0; k < 3; k++) {
		if (s->fd[k] >= 0)
			close(s->fd[k]);
		s->fd[k] = -1;
	}
}

static void __attribute__((noreturn))
run_child(struct slot *s, struct project *p, fleet_fn fn, void *data)
{
	struct strbuf summary = STRBUF_INIT, e = STRBUF_INIT, res = STRBUF_INIT;
	int r;

	if (dup2(s->fd[0], 1) < 0 || dup2(s->fd[1], 2) < 0)
		_exit(125);
	/*
	 * The parent filters the log under -q; the steps must be in it.
	 * The log is a file: no progress line, no colour.
	 */
	usage_quiet = 0;
	usage_tty = usage_color = usage_color_stdout = 0;
	free(p->url);
	p->url = xstrdup(s->t->url);
	r = fn(p, s->t, data, &summary, &e);
	fflush(stdout);
	fflush(stderr);
	strbuf_addstr(&res, r ? "failed\n" : "ok\n");
	strbuf_addstr(&res, r ? (e.len ? e.buf : "unknown error") : summary.buf);
	write_all(s->fd[2], res.buf, res.len);
	strbuf_release(&res);
	strbuf_release(&summary);
	strbuf_release(&e);
	_exit(r ? 1 : 0);
}

static int start(struct slot *s, struct project *p, fleet_fn fn, void *data,
		 struct strbuf *why)
{
	int k;

	for (k = 0; k < 3; k++)
		if ((s->fd[k] = capture_file(why)) < 0)
			goto fail;
	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0) {
		strbuf_addf(why, "cannot start a process: %s", strerror(errno));
		goto fail;
	}
	if (!s->pid)
		run_child(s, p, fn, data);
	s->state = SLOT_RUNNING;
	return 0;
fail:
	close_fds(s);
	return -1;
}

/* Read what the ended child left, status being waitpid()'s. */
static void finish(struct slot *s, int status)
{
	struct strbuf res = STRBUF_INIT;
	const char *nl;

	read_back(s->fd[0], &s->out);
	read_back(s->fd[1], &s->log);
	read_back(s->fd[2], &res);
	close_fds(s);
	s->state = SLOT_DONE;
	nl = strchr(res.buf, '\n');
	if (nl && !strncmp(res.buf, "ok\n", 3) && WIFEXITED(status) && !WEXITSTATUS(status)) {
		strbuf_addstr(&s->summary, nl + 1);
	} else if (nl && !strncmp(res.buf, "failed\n", 7)) {
		s->failed = 1;
		strbuf_addstr(&s->summary, nl + 1);
	} else {
		s->failed = 1;
		if (WIFSIGNALED(status))
			strbuf_addf(&s->summary, "its process was killed by signal %d (%s)",
				    WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			strbuf_addf(&s->summary, "its process exited with status %d and no result",
				    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	strbuf_release(&res);
}

/* Each line of text, redacted and prefixed with "name: ". */
static void print_prefixed(FILE *f, const char *name, const char *text,
			   int only_warnings)
{
	struct strbuf safe = STRBUF_INIT;
	const char *s, *nl;

	if (!*text)
		return;
	url_redact(&safe, text);
	for (s = safe.buf; *s; s = nl ? nl + 1 : s + strlen(s)) {
		nl = strchr(s, '\n');
		if (only_warnings && strncmp(s, "WARNING: ", 9))
			continue;
		fprintf(f, "%s: %.*s\n", name, (int)(nl ? nl - s : (long)strlen(s)), s);
	}
	fflush(f);
	strbuf_release(&safe);
}

static void print_slot(const struct slot *s, int quiet)
{
	struct strbuf safe = STRBUF_INIT;

	fflush(stdout);
	print_prefixed(stderr, s->name, s->log.buf, quiet);
	print_prefixed(stdout, s->name, s->out.buf, 0);
	if (s->state == SLOT_NOT_STARTED) {
		printf("%s: not started (--fail-fast: an earlier target failed)\n", s->name);
	} else {
		/* one line, whatever the message */
		size_t k;

		url_redact(&safe, s->summary.buf);
		while (safe.len && safe.buf[safe.len - 1] == '\n')
			strbuf_setlen(&safe, safe.len - 1);
		for (k = 0; k < safe.len; k++)
			if (safe.buf[k] == '\n')
				safe.buf[k] = ' ';
		printf("%s: %s%s\n", s->name, s->failed ? "FAILED: " : "ok, ", safe.buf);
	}
	fflush(stdout);
	strbuf_release(&safe);
}

/* ------------------------------------------------------------------ */
/* Selecting the targets                                               */

static int add_slot(struct slot **slots, size_t *n, size_t *alloc,
		    const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*slots)[i].name, name))
			return 0;
	ALLOC_GROW(*slots, *n + 1, *alloc);
	memset(&(*slots)[*n], 0, sizeof(**slots));
	(*slots)[*n].name = name;
	(*slots)[*n].fd[0] = (*slots)[*n].fd[1] = (*slots)[*n].fd[2] = -1;
	strbuf_init(&(*slots)[*n].out, 0);
	strbuf_init(&(*slots)[*n].log, 0);
	strbuf_init(&(*slots)[*n].summary, 0);
	(*n)++;
	return 0;
}

static int select_targets(struct slot **slots, size_t *n,
			  const struct project *p, const struct fleet_opts *o,
			  struct strbuf *err)
{
	const char **all = NULL;
	size_t nall = project_target_names(p, &all), alloc = 0, i, k;
	int ret = 0;

	*slots = NULL;
	*n = 0;
	for (i = 0; i < o->nnames; i++) {
		if (strcmp(o->names[i], "all")) {
			add_slot(slots, n, &alloc, o->names[i]);
			continue;
		}
		if (!nall) {
			strbuf_addf(err, "--target all: %s has no [target:NAME] section",
				    project_config_name(p));
			ret = -1;
			break;
		}
		for (k = 0; k < nall; k++)
			add_slot(slots, n, &alloc, all[k]);
	}
	free(all);
	return ret;
}

/* Read each target's section; a bad one fails that target only. */
static void load_targets(struct slot *slots, size_t n, const struct project *p)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct strbuf e = STRBUF_INIT;

		if (project_target(&slots[i].t, p, slots[i].name, &e)) {
			slots[i].problem = strbuf_detach(&e, NULL);
			continue;
		}
		for (k = 0; k < slots[i].t->nlabels; k++) {
			if (graph_find_label(p->graph, slots[i].t->labels[k]) < 0) {
				strbuf_addf(&e, "[target:%s]: no branch label '%s' in the revision graph (labels = ...)",
					    slots[i].name, slots[i].t->labels[k]);
				slots[i].problem = strbuf_detach(&e, NULL);
				project_target_free(slots[i].t);
				slots[i].t = NULL;
				break;
			}
		}
		strbuf_release(&e);
	}
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

int fleet_run(struct project *p, const struct fleet_opts *o, fleet_fn fn,
	      void *data, struct strbuf *err)
{
	struct slot *slots = NULL;
	size_t n = 0, next = 0, printed = 0, running = 0, i, nfailed = 0, nskipped = 0;
	int stop = 0, ret = -1;

	if (select_targets(&slots, &n, p, o, err))
		goto cleanup;
	if (p->url_origin == PROJECT_URL_OPTION || p->url_origin == PROJECT_URL_ENV) {
		if (n > 1) {
			strbuf_addf(err, "%s names one database; it cannot be used with %zu targets (unset it, or select one target)",
				    p->url_origin == PROJECT_URL_OPTION ? "--url" : "SQLALCHEMY_URL", n);
			goto cleanup;
		}
	}
	load_targets(slots, n, p);
	if (n == 1 && slots[0].t &&
	    (p->url_origin == PROJECT_URL_OPTION || p->url_origin == PROJECT_URL_ENV)) {
		free(slots[0].t->url);
		slots[0].t->url = xstrdup(p->url);
	}

	for (;;) {
		int status;
		pid_t pid;

		while (!stop && next < n && running < (size_t)o->jobs) {
			struct slot *s = &slots[next++];

			if (!s->t) {
				s->state = SLOT_DONE;
				s->failed = 1;
				strbuf_addstr(&s->summary, s->problem);
			} else if (start(s, p, fn, data, &s->summary)) {
				s->state = SLOT_DONE;
				s->failed = 1;
			} else {
				running++;
				continue;
			}
			if (o->fail_fast)
				stop = 1;
		}
		while (printed < n && slots[printed].state == SLOT_DONE) {
			print_slot(&slots[printed], p->opts->quiet);
			if (o->done)
				o->done(slots[printed].name, slots[printed].failed,
					slots[printed].summary.buf, o->done_data);
			printed++;
		}
		if (!running)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			BUG("waitpid: %s with %zu children running", strerror(errno), running);
		}
		for (i = 0; i < n; i++) {
			if (slots[i].state != SLOT_RUNNING || slots[i].pid != pid)
				continue;
			finish(&slots[i], status);
			running--;
			if (slots[i].failed && o->fail_fast)
				stop = 1;
			break;
		}
	}
	for (; printed < n; printed++) {
		slots[printed].state = SLOT_NOT_STARTED;
		print_slot(&slots[printed], p->opts->quiet);
		if (o->done)
			o->done(slots[printed].name, 1, "not started", o->done_data);
	}
	for (i = 0; i < n; i++) {
		nfailed += slots[i].state == SLOT_DONE && slots[i].failed;
		nskipped += slots[i].state == SLOT_NOT_STARTED;
	}
	if (!nfailed && !nskipped) {
		ret = 0;
		goto cleanup;
	}
	strbuf_addf(err, "%zu of %zu target%s failed", nfailed, n, n == 1 ? "" : "s");
	if (nfailed) {
		const char *sep = " (";

		for (i = 0; i < n; i++) {
			if (slots[i].state != SLOT_DONE || !slots[i].failed)
				continue;
			strbuf_addf(err, "%s%s", sep, slots[i].name);
			sep = ", ";
		}
		strbuf_addch(err, ')');
	}
	if (nskipped)
		strbuf_addf(err, "; %zu not started (--fail-fast)", nskipped);
cleanup:
	for (i = 0; i < n; i++) {
		project_target_free(slots[i].t);
		free(slots[i].problem);
		close_fds(&slots[i]);
		strbuf_release(&slots[i].out);
		strbuf_release(&slots[i].log);
		strbuf_release(&slots[i].summary);
	}
	free(slots);
	return ret;
}

/* ------------------------------------------------------------------ */
/* upgrade, downgrade, stamp                                           */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The version rows, sorted, as "a, b", or "base"; a missing SQLite file is base. */
static int rows_text(struct project *p, struct strbuf *out, struct strbuf *err)
{
	struct db *db = NULL;
	char **rows = NULL;
	size_t n = 0, i;
	int r = migrate_open_db(p, 0, &db, err);

	if (r == DB_ERR_MISSING) {
		strbuf_reset(err);
		strbuf_addstr(out, "base");
		return 0;
	}
	if (r)
		return -1;
	r = migrate_read_rows(p, db, &rows, &n, err);
	db_close(db);
	if (!r) {
		if (n)
			qsort(rows, n, sizeof(*rows), cmp_str);
		for (i = 0; i < n; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", rows[i]);
		if (!n)
			strbuf_addstr(out, "base");
	}
	migrate_free_rows(rows, n);
	return r;
}

/* Lines of this child's captured stderr that start with prefix. */
static size_t count_log_lines(const char *prefix)
{
	struct strbuf log = STRBUF_INIT;
	size_t n = 0, len = strlen(prefix);
	const char *s;

	fflush(stderr);
	read_back(2, &log);
	for (s = log.buf; *s;) {
		const char *nl = strchr(s, '\n');

		n += !strncmp(s, prefix, len);
		if (!nl)
			break;
		s = nl + 1;
	}
	strbuf_release(&log);
	return n;
}

static int migrate_target(struct project *p, const struct project_target *t,
			  void *data, struct strbuf *summary,
			  struct strbuf *err)
{
	const struct migrate_opts *o = data;
	struct migrate_opts one = *o;
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	const char *what = o->cmd == MIGRATE_UPGRADE ? "upgrade" :
			   o->cmd == MIGRATE_DOWNGRADE ? "downgrade" : "stamp";
	struct strbuf prefix = STRBUF_INIT;
	char **revs = NULL;
	size_t n, i, steps;
	int ret = -1;

	if (o->cmd == MIGRATE_DOWNGRADE) {
		/* the rule is about heads: a downgrade goes where it is told */
		struct project_target every = *t;

		every.all_labels = 1;
		n = fleet_revisions(&revs, &every, o->targets, o->ntargets);
	} else {
		n = fleet_revisions(&revs, t, o->targets, o->ntargets);
	}
	if (rows_text(p, &before, err))
		goto cleanup;
	if (o->cmd == MIGRATE_STAMP) {
		one.targets = (const char *const *)revs;
		one.ntargets = n;
		if (migrate_run(p, &one, err))
			goto cleanup;
	} else {
		/*
		 * NEEDSWORK: several label heads run as one upgrade after
		 * the other (as "alembic upgrade A@head; alembic upgrade
		 * B@head" would), each with its own lock and, under
		 * --one-transaction, its own transaction. A resolver that
		 * took a list of targets would make them one plan.
		 */
		for (i = 0; i < n; i++) {
			one.targets = (const char *const *)&revs[i];
			one.ntargets = 1;
			if (migrate_run(p, &one, err))
				goto cleanup;
		}
	}
	if (rows_text(p, &after, err))
		goto cleanup;
	strbuf_addf(&prefix, "Running %s ", o->cmd == MIGRATE_STAMP ? "stamp_revision" : what);
	steps = count_log_lines(prefix.buf);
	if (o->cmd == MIGRATE_STAMP)
		strbuf_addf(summary, "stamped (%s -> %s)", before.buf, after.buf);
	else if (!steps)
		strbuf_addf(summary, "nothing to do (at %s)", after.buf);
	else
		strbuf_addf(summary, "%zu revision%s %s (%s %s -> %s)", steps,
			    steps == 1 ? "" : "s",
			    o->cmd == MIGRATE_UPGRADE ? "applied" : "reverted",
			    what, before.buf, after.buf);
	ret = 0;
cleanup:
	fleet_revisions_free(revs, n);
	strbuf_release(&before);
	strbuf_release(&after);
	strbuf_release(&prefix);
	return ret;
}

int fleet_migrate(struct project *p, const struct fleet_opts *fo,
		  const struct migrate_opts *o, struct strbuf *err)
{
	return fleet_run(p, fo, migrate_target, (void *)o, err);
}
