/*
 * migrate: applies plans. Order of work for one run:
 *   1. open the database and take the run lock (another run waits);
 *   2. read the version rows and plan from them;
 *   3. refuse a plan that holds an ${x.KEY} without a value, and
 *      simulate the row bookkeeping of every step, so that a refusal
 *      writes nothing (a missing SQLite file is created only after these
 *      checks pass on the plan from no rows); for a plan with Alembic
 *      .py revisions, start the Python helper (pyrun.c) and have it load
 *      Alembic and the revisions, still before anything is written;
 *   4. create the version table (as Alembic does, even for an empty
 *      plan) and the dbmig_log table;
 *   5. for each .sql step: BEGIN, body, version rows, log row, COMMIT;
 *      each run of consecutive .py steps goes to the helper, which runs
 *      them through Alembic's runtime and the project's env.py on its
 *      own connection, one transaction a revision as well, and checks
 *      that Alembic leaves the rows simulated in 3.
 * A failure rolls back the step in progress; earlier steps stay.
 */
#include "migrate.h"
#include "format.h"
#include "pyrun.h"
#include "resolve.h"
#include "squash.h"
#include "status.h"
#include "usage.h"
#include "version.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/*
 * For the crash tests: with DBMIG_TEST_HOLD=PATH, each step, its work
 * done and its COMMIT not yet sent, writes its number (from 1) to PATH
 * and waits until the test removes the file (or kills the run). Unlike
 * a fixed pause, this holds however loaded the machine is. Two minutes
 * at most, so a test that never answers cannot hang a run for good.
 */
static void test_hold(size_t step)
{
	const char *path = getenv("DBMIG_TEST_HOLD");
	struct strbuf tmp = STRBUF_INIT;
	FILE *f;
	int i;

	if (!path || !*path)
		return;
	/* written aside and renamed, so that the test never reads half of it */
	strbuf_addf(&tmp, "%s.tmp", path);
	f = fopen(tmp.buf, "w");
	if (!f || fprintf(f, "%zu\n", step) < 0 || fclose(f) || rename(tmp.buf, path)) {
		strbuf_release(&tmp);
		return;
	}
	strbuf_release(&tmp);
	for (i = 0; i < 24000 && access(path, F_OK) == 0; i++)
		usleep(5000);
}

static void table_name(struct strbuf *sb, const struct project *p,
		       const char *table)
{
	if (p->version_table_schema) {
		strbuf_addstr(sb, p->version_table_schema);
		strbuf_addch(sb, '.');
	}
	strbuf_addstr(sb, table);
}

int migrate_open_db(struct project *p, unsigned flags, struct db **out,
		    struct strbuf *err)
{
	struct url *u = NULL;
	int ret;

	*out = NULL;
	if (!p->url) {
		if (p->ini_path)
			strbuf_addf(err, "no database URL: set sqlalchemy.url in %s, SQLALCHEMY_URL or --url",
				    p->ini_path);
		else
			strbuf_addf(err, "no database URL: set sqlalchemy.url in an alembic.ini beside %s"
				    " (Alembic does not read it from [tool.alembic]), SQLALCHEMY_URL or --url",
				    p->toml_path);
		return -1;
	}
	if (url_parse(&u, p->url, err))
		return -1;
	ret = db_open(out, u, flags, err);
	url_free(u);
	return ret;
}

int migrate_read_rows(struct project *p, struct db *db, char ***rows,
		      size_t *n, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	int has = 0, ret;

	*rows = NULL;
	*n = 0;
	if (db->ops->has_table(db, p->version_table_schema, p->version_table, &has, err))
		return -1;
	if (!has)
		return 0;
	strbuf_addstr(&sql, "SELECT version_num FROM ");
	table_name(&sql, p, p->version_table);
	ret = db->ops->query_column(db, sql.buf, rows, n, err);
	strbuf_release(&sql);
	return ret;
}

int migrate_read_log(struct project *p, struct db *db, struct status_log *log,
		     struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, e = STRBUF_INIT;
	char **lines = NULL;
	size_t n = 0, i;
	int has = 0, ret = -1;
	static const char *const cols[] = {
		"CAST(id AS VARCHAR(20))", "revision", "direction", "blob_id",
		"started_at", "finished_at", "CAST(duration_ms AS VARCHAR(20))",
		"os_user", "host", "tool_version",
	};

	if (db->ops->has_table(db, p->version_table_schema, "dbmig_log", &has, err))
		return -1;
	if (!has)
		return 0;
	/* one text column a row, tab-separated: query_column reads one column */
	strbuf_addstr(&sql, "SELECT ");
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		strbuf_addf(&sql, "%sCOALESCE(%s, '')", i ? " || '\t' || " : "", cols[i]);
	strbuf_addstr(&sql, " FROM ");
	table_name(&sql, p, "dbmig_log");
	strbuf_addstr(&sql, " ORDER BY id");
	if (db->ops->query_column(db, sql.buf, &lines, &n, &e)) {
		strbuf_addf(err, "cannot read dbmig_log: %s", e.buf);
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		if (status_log_add(log, lines[i] ? lines[i] : "", err))
			goto cleanup;
	ret = 0;
cleanup:
	migrate_free_rows(lines, n);
	strbuf_release(&sql);
	strbuf_release(&e);
	return ret;
}

void migrate_free_rows(char **rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

int migrate_expand_body(struct strbuf *out, const struct project *p,
			const char *body, struct strbuf *err)
{
	const char *s = body;

	for (;;) {
		const char *open = strstr(s, "${x."), *close, *dflt;
		char *key;
		const char *val;

		if (!open) {
			strbuf_addstr(out, s);
			return 0;
		}
		strbuf_add(out, s, (size_t)(open - s));
		close = strchr(open, '}');
		if (!close) {
			strbuf_addstr(err, "unterminated '${x.' placeholder");
			return -1;
		}
		dflt = strstr(open, ":-");
		if (dflt && dflt > close)
			dflt = NULL;
		key = xstrndup(open + 4, (size_t)((dflt ? dflt : close) - open - 4));
		val = project_xarg(p, key);
		if (!val && dflt) {
			strbuf_add(out, dflt + 2, (size_t)(close - dflt - 2));
		} else if (!val) {
			strbuf_addf(err, "the body uses ${x.%s} but no -x %s=VALUE was given", key, key);
			free(key);
			return -1;
		} else {
			strbuf_addstr(out, val);
		}
		free(key);
		s = close + 1;
	}
}

/* SQL-literal form of a string, for --sql output only. */
static void sql_literal(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/*
 * The version table's DDL as SQLAlchemy compiles it for Alembic: lines
 * indented by a tab when sent to the database, by four spaces in --sql
 * output (Alembic's static_output replaces the tabs), so that even the
 * text SQLite keeps in sqlite_master is Alembic's.
 */
static void version_table_ddl(struct strbuf *sb, const struct project *p,
			      int online)
{
	const char *ind = online ? "\t" : "    ";

	strbuf_addstr(sb, "CREATE TABLE ");
	table_name(sb, p, p->version_table);
	strbuf_addf(sb, " (\n%sversion_num VARCHAR(32) NOT NULL, \n%sCONSTRAINT %s_pkc PRIMARY KEY (version_num)\n)",
		    ind, ind, p->version_table);
}

static void log_table_ddl(struct strbuf *sb, const struct project *p,
			  const struct db_dialect *d)
{
	strbuf_addstr(sb, "CREATE TABLE IF NOT EXISTS ");
	table_name(sb, p, "dbmig_log");
	strbuf_addf(sb, " (\n    %s,\n    revision VARCHAR(32) NOT NULL,\n", d->log_id_column);
	strbuf_addstr(sb, "    direction VARCHAR(9) NOT NULL,\n    blob_id CHAR(40),\n"
		      "    started_at VARCHAR(32) NOT NULL,\n    finished_at VARCHAR(32) NOT NULL,\n"
		      "    duration_ms INTEGER NOT NULL,\n    os_user VARCHAR(64),\n"
		      "    host VARCHAR(255),\n    tool_version VARCHAR(32)\n)");
}

/* The statement for one row operation, with ?1/?2 placeholders. */
static void rowop_sql(struct strbuf *sb, const struct project *p,
		      const struct rowop *o)
{
	switch (o->kind) {
	case ROW_INSERT:
		strbuf_addstr(sb, "INSERT INTO ");
		table_name(sb, p, p->version_table);
		strbuf_addstr(sb, " (version_num) VALUES (?1)");
		break;
	case ROW_DELETE:
		strbuf_addstr(sb, "DELETE FROM ");
		table_name(sb, p, p->version_table);
		strbuf_addstr(sb, " WHERE version_num = ?1");
		break;
	case ROW_UPDATE:
		strbuf_addstr(sb, "UPDATE ");
		table_name(sb, p, p->version_table);
		strbuf_addstr(sb, " SET version_num = ?2 WHERE version_num = ?1");
		break;
	}
}

/* The same statement as Alembic writes it in --sql output. */
static void rowop_offline(struct strbuf *sb, const struct project *p,
			  const struct db_dialect *d, const struct graph *g,
			  const struct rowop *o)
{
	const char *vt = p->version_table;

	switch (o->kind) {
	case ROW_INSERT:
		strbuf_addstr(sb, "INSERT INTO ");
		table_name(sb, p, vt);
		strbuf_addstr(sb, " (version_num) VALUES (");
		sql_literal(sb, g->revs[o->to].id);
		strbuf_addch(sb, ')');
		if (d->sql_flags & DB_SQL_RETURNING) {
			strbuf_addstr(sb, " RETURNING ");
			table_name(sb, p, vt);
			strbuf_addstr(sb, ".version_num");
		}
		strbuf_addstr(sb, ";\n\n");
		break;
	case ROW_DELETE:
		strbuf_addstr(sb, "DELETE FROM ");
		table_name(sb, p, vt);
		strbuf_addstr(sb, " WHERE ");
		table_name(sb, p, vt);
		strbuf_addstr(sb, ".version_num = ");
		sql_literal(sb, g->revs[o->from].id);
		strbuf_addstr(sb, ";\n\n");
		break;
	case ROW_UPDATE:
		strbuf_addstr(sb, "UPDATE ");
		table_name(sb, p, vt);
		strbuf_addstr(sb, " SET version_num=");
		sql_literal(sb, g->revs[o->to].id);
		strbuf_addstr(sb, " WHERE ");
		table_name(sb, p, vt);
		strbuf_addstr(sb, ".version_num = ");
		sql_literal(sb, g->revs[o->from].id);
		strbuf_addstr(sb, ";\n\n");
		break;
	}
}

static void now_iso(char *buf, size_t n, struct timeval *tv)
{
	struct tm tm;

	gettimeofday(tv, NULL);
	gmtime_r(&tv->tv_sec, &tm);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)tv->tv_usec);
}

static int write_log(struct db *db, const struct project *p,
		     const struct rev *r, const char *direction,
		     const char *started, const char *finished, long ms,
		     struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT, dur = STRBUF_INIT;
	static char host[256], user[64];
	static int looked_up;
	const char *params[9];
	int ret;

	if (!looked_up) {
		/* once a run: getpwuid() reads /etc/passwd every time */
		struct passwd *pw = getpwuid(getuid());

		gethostname(host, sizeof(host) - 1);
		if (pw)
			snprintf(user, sizeof(user), "%s", pw->pw_name);
		looked_up = 1;
	}
	strbuf_addf(&dur, "%ld", ms);
	strbuf_addstr(&sql, "INSERT INTO ");
	table_name(&sql, p, "dbmig_log");
	strbuf_addstr(&sql, " (revision, direction, blob_id, started_at, finished_at, duration_ms, os_user, host, tool_version)"
		      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	params[0] = r->id;
	params[1] = direction;
	params[2] = r->blob;
	params[3] = started;
	params[4] = finished;
	params[5] = dur.buf;
	params[6] = *user ? user : NULL;
	params[7] = host;
	params[8] = DBMIG_VERSION;
	ret = db->ops->exec_params(db, sql.buf, params, 9, err);
	strbuf_release(&sql);
	strbuf_release(&dur);
	return ret;
}

static int apply_rowops(struct db *db, const struct project *p,
			const struct graph *g, const struct rowops *ops,
			size_t from, size_t to, struct strbuf *err)
{
	size_t i;

	for (i = from; i < to; i++) {
		struct strbuf sql = STRBUF_INIT;
		const char *params[2];
		size_t np = 0;
		int ret;

		rowop_sql(&sql, p, &ops->v[i]);
		if (ops->v[i].kind != ROW_INSERT)
			params[np++] = g->revs[ops->v[i].from].id;
		if (ops->v[i].kind != ROW_DELETE)
			params[np++] = g->revs[ops->v[i].to].id;
		if (ops->v[i].kind == ROW_INSERT)
			params[0] = g->revs[ops->v[i].to].id;
		ret = db->ops->exec_params(db, sql.buf, params, np, err);
		strbuf_release(&sql);
		if (ret)
			return -1;
	}
	return 0;
}

static int plan_for(struct project *p, const struct migrate_opts *o,
		    const struct revlist *rows, struct plan *plan,
		    struct strbuf *err)
{
	const struct graph *g = p->graph;
	struct spec cur = { NULL, rows->v, rows->n };

	int ret = -1;

	switch (o->cmd) {
	case MIGRATE_UPGRADE:
		ret = resolve_upgrade(plan, g, &cur, o->targets[0], err);
		break;
	case MIGRATE_DOWNGRADE:
		ret = resolve_downgrade(plan, g, &cur, o->targets[0], err);
		break;
	case MIGRATE_STAMP:
		ret = resolve_stamp(plan, g, rows, o->targets, o->ntargets, err);
		break;
	}
	if (ret)
		squash_explain(err, g);
	return ret;
}

static long elapsed_ms(const struct timeval *a, const struct timeval *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_usec - a->tv_usec) / 1000;
}

static int is_py_step(const struct graph *g, const struct step *s)
{
	return s->kind != STEP_STAMP && g->revs[s->rev].rf->kind == REVFILE_PY;
}

/*
 * 1 when the plan has .py revisions to run, 0 when not, -1 when it mixes
 * .sql and .py revisions under --one-transaction: they run on two
 * connections, which no single transaction can span.
 */
static int plan_needs_python(const struct graph *g, const struct plan *plan,
			     const struct migrate_opts *o, struct strbuf *err)
{
	size_t i;
	int py = -1, sql = -1;

	for (i = 0; i < plan->n; i++) {
		const struct step *s = &plan->steps[i];

		if (s->kind == STEP_STAMP)
			continue;
		if (is_py_step(g, s)) {
			if (py < 0)
				py = (int)i;
		} else if (sql < 0) {
			sql = (int)i;
		}
	}
	if (py < 0)
		return 0;
	if (sql >= 0 && o->one_transaction) {
		strbuf_addf(err, "--one-transaction cannot hold both %s and %s: .sql revisions run on git-dbmig's connection and .py revisions on Alembic's, "
			    "and one transaction cannot span two connections; run without --one-transaction (nothing was changed)",
			    g->revs[plan->steps[sql].rev].path, g->revs[plan->steps[py].rev].path);
		return -1;
	}
	return 1;
}

/* Start the Python helper for the .py steps of plan, before anything is written. */
static int start_python(struct pyrun **out, struct project *p,
			const struct plan *plan, const struct migrate_opts *o,
			struct strbuf *err)
{
	const struct graph *g = p->graph;
	const char **ids = xcalloc(plan->n + 1, sizeof(*ids));
	struct strbuf e = STRBUF_INIT;
	const char *first = NULL;
	size_t i, n = 0;
	int ret;

	for (i = 0; i < plan->n; i++) {
		if (is_py_step(g, &plan->steps[i])) {
			ids[n++] = g->revs[plan->steps[i].rev].id;
			if (!first)
				first = g->revs[plan->steps[i].rev].path;
		}
	}
	ret = pyrun_start(out, p, ids, n, o->ntargets ? o->targets[0] : NULL,
			  o->tag, o->verbose, &e);
	if (ret)
		strbuf_addf(err, "cannot run %s: %s (nothing was changed)", first, e.buf);
	strbuf_release(&e);
	free(ids);
	return ret;
}

struct announce {
	const struct graph *g;
	const struct plan *plan;
	struct timeval start;
};

/* The "Running upgrade ..." line of step i, and the progress line. */
static void announce_step(size_t i, void *data)
{
	struct announce *an = data;
	const struct step *s = &an->plan->steps[i];
	const struct rev *r = s->kind == STEP_STAMP ? NULL : &an->g->revs[s->rev];
	struct strbuf line = STRBUF_INIT;
	int transactional = !r || r->rf->transactional;

	format_step(&line, an->g, s);
	/* Alembic's exact line; what differs goes on a line of its own */
	info("Running %s", line.buf);
	if (!transactional)
		info("Revision %s runs outside a transaction (transactional: false)", r->id);
	if (an->plan->n > 3) {
		struct timeval now;

		gettimeofday(&now, NULL);
		progress("[%zu/%zu] %s %s, %.1fs", i + 1, an->plan->n,
			 s->kind == STEP_DOWNGRADE ? "downgrade" : s->kind == STEP_UPGRADE ? "upgrade" : "stamp",
			 r ? r->id : "", (double)elapsed_ms(&an->start, &now) / 1000.0);
	}
	strbuf_release(&line);
}

/* Split "FROM:TO" for --sql; returns the starting rows. */
static int offline_start(struct project *p, const char *target,
			 const char **to, struct revlist *rows,
			 struct strbuf *err)
{
	const char *colon = strchr(target, ':');
	int r;

	*to = target;
	if (!colon)
		return 0;
	*to = colon + 1;
	if (colon == target)
		return 0;
	{
		char *from = xstrndup(target, (size_t)(colon - target));
		int ret = 0;

		if (strcmp(from, "base")) {
			ret = resolve_revision(p->graph, from, &r, err);
			if (!ret && r >= 0)
				revlist_add(rows, r);
		}
		free(from);
		return ret;
	}
}

/*
 * --sql on a plan of .py revisions: Alembic writes the script, through
 * env.py's offline path, as "alembic upgrade --sql" does. A plan that
 * mixes .sql and .py revisions is refused: the two scripts would not
 * make one that runs.
 */
static int offline_python(struct project *p, const struct migrate_opts *o,
			  const struct plan *plan, const struct revlist *rows,
			  struct strbuf *err)
{
	const struct graph *g = p->graph;
	struct revlist sim = REVLIST_INIT, *after = xcalloc(plan->n + 1, sizeof(*after));
	struct heads_reach *reach = NULL;
	struct rowops ops = { NULL, 0, 0 };
	struct pyrun *py = NULL;
	struct pyrun_offline off = { 1, NULL };
	struct announce an = { g, plan, { 0, 0 } };
	const char *colon = o->ntargets ? strchr(o->targets[0], ':') : NULL;
	char *start = NULL;
	size_t i, k, failed;
	int ret = -1;

	for (i = 0; i < plan->n; i++) {
		if (plan->steps[i].kind != STEP_STAMP && !is_py_step(g, &plan->steps[i])) {
			strbuf_addf(err, "--sql cannot mix %s with .py revisions in one script; "
				    "print the .sql and the .py parts with two FROM:TO ranges",
				    g->revs[plan->steps[i].rev].path);
			goto cleanup;
		}
	}
	for (i = 0; i < rows->n; i++)
		revlist_add(&sim, rows->v[i]);
	for (i = 0; i < plan->n; i++) {
		if (heads_apply(g, &sim, &plan->steps[i], &ops, &reach, err))
			goto cleanup;
		for (k = 0; k < sim.n; k++)
			revlist_add(&after[i], sim.v[k]);
	}
	if (colon && colon != o->targets[0])
		start = xstrndup(o->targets[0], (size_t)(colon - o->targets[0]));
	off.start = start;
	if (start_python(&py, p, plan, o, err))
		goto cleanup;
	gettimeofday(&an.start, NULL);
	if (pyrun_segment(py, p, plan, 0, plan->n, rows, after, 0, &off,
			  announce_step, &an, &failed, err))
		goto cleanup;
	ret = 0;
cleanup:
	pyrun_finish(py);
	for (i = 0; i <= plan->n; i++)
		revlist_release(&after[i]);
	free(after);
	free(ops.v);
	free(start);
	revlist_release(&sim);
	heads_reach_free(reach);
	return ret;
}

static int run_offline(struct project *p, const struct migrate_opts *o,
		       struct strbuf *err)
{
	const struct graph *g = p->graph;
	struct revlist rows = REVLIST_INIT;
	struct heads_reach *reach = NULL;
	struct plan plan = PLAN_INIT;
	struct rowops ops = { NULL, 0, 0 };
	struct strbuf out = STRBUF_INIT;
	struct migrate_opts local = *o;
	const char *to = NULL;
	const char **targets = NULL;
	const struct db_dialect *d = &db_default_dialect;
	size_t i;
	int ret = -1, had_rows;

	if (o->purge) {
		strbuf_addstr(err, "Can't use --purge with --sql mode");
		goto cleanup;
	}
	if (p->url) {
		struct url *u = NULL;

		if (url_parse(&u, p->url, err))
			goto cleanup;
		d = db_dialect_for_url(u);
		url_free(u);
	}
	targets = xcalloc(o->ntargets ? o->ntargets : 1, sizeof(*targets));
	for (i = 0; i < o->ntargets; i++) {
		if (i && strchr(o->targets[i], ':')) {
			strbuf_addstr(err, "Stamp operation with --sql only supports a single starting revision at a time");
			goto cleanup;
		}
		if (!i) {
			if (offline_start(p, o->targets[0], &to, &rows, err))
				goto cleanup;
			targets[0] = to;
		} else {
			targets[i] = o->targets[i];
		}
	}
	if (o->cmd == MIGRATE_DOWNGRADE && !strchr(o->targets[0], ':')) {
		strbuf_addstr(err, "downgrade with --sql requires <fromrev>:<torev>");
		goto cleanup;
	}
	local.targets = targets;
	if (plan_for(p, &local, &rows, &plan, err))
		goto cleanup;
	if (plan_needs_python(g, &plan, o, err)) {
		for (i = 0; i < plan.n; i++)
			if (plan.steps[i].kind != STEP_STAMP &&
			    project_load_body(p, (size_t)plan.steps[i].rev, err))
				goto cleanup;
		ret = offline_python(p, o, &plan, &rows, err);
		goto cleanup;
	}
	had_rows = rows.n > 0;
	for (i = 0; i < plan.n; i++) {
		const struct step *s = &plan.steps[i];
		size_t first = ops.n, k;

		if (s->kind != STEP_STAMP && project_load_body(p, (size_t)s->rev, err))
			goto cleanup;

		if (d->sql_flags & DB_SQL_BEGIN_FIRST)
			strbuf_addstr(&out, "BEGIN;\n\n");
		if (!rows.n && !had_rows) {
			version_table_ddl(&out, p, 0);
			strbuf_addstr(&out, ";\n\n");
			had_rows = 1;
		}
		{
			struct strbuf line = STRBUF_INIT;

			format_step(&line, g, s);
			info("Running %s", line.buf);
			strbuf_release(&line);
		}
		if (!(d->sql_flags & DB_SQL_BEGIN_FIRST))
			strbuf_addstr(&out, "BEGIN;\n\n");
		strbuf_addstr(&out, "-- Running ");
		format_step_short(&out, g, s);
		strbuf_addstr(&out, "\n\n");
		if (s->kind != STEP_STAMP) {
			const struct revfile *rf = g->revs[s->rev].rf;
			const char *body = s->kind == STEP_UPGRADE ? rf->upgrade : rf->downgrade;
			int outside = !rf->transactional &&
				      (d->sql_flags & DB_SQL_AUTOCOMMIT_BLOCK);

			if (body && *body) {
				/* As Alembic's autocommit_block() writes it */
				if (outside)
					strbuf_addstr(&out, "COMMIT;\n\n");
				if (migrate_expand_body(&out, p, body, err))
					goto cleanup;
				strbuf_addstr(&out, "\n\n");
				if (outside)
					strbuf_addstr(&out, "BEGIN;\n\n");
			}
		}
		if (heads_apply(g, &rows, s, &ops, &reach, err))
			goto cleanup;
		for (k = first; k < ops.n; k++)
			rowop_offline(&out, p, d, g, &ops.v[k]);
		strbuf_addstr(&out, "COMMIT;\n\n");
	}
	if (had_rows && !rows.n) {
		strbuf_addstr(&out, "DROP TABLE ");
		table_name(&out, p, p->version_table);
		strbuf_addstr(&out, ";\n\n");
	}
	fwrite(out.buf, 1, out.len, stdout);
	ret = 0;
cleanup:
	free(targets);
	free(ops.v);
	plan_release(&plan);
	revlist_release(&rows);
	heads_reach_free(reach);
	strbuf_release(&out);
	return ret;
}

static void json_revs(struct strbuf *out, const struct graph *g,
		      const int *v, size_t n)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		format_json_string(out, g->revs[v[i]].id);
	}
	strbuf_addch(out, ']');
}

/*
 * --plan: the steps a run would take from the database's rows now, and
 * the rows it would leave, as Alembic-style lines or as JSON:
 *   {"command": "upgrade", "target": "...", "rows_before": [...],
 *    "steps": [{"kind": "upgrade", "revision": "...", "from": [...],
 *               "to": [...], "message": "...", "transactional": true,
 *               "path": "..."}],
 *    "rows_after": [...]}
 * Reads only: no lock, no version table, a missing database stays missing.
 */
static int run_plan(struct project *p, const struct migrate_opts *o,
		    struct strbuf *err)
{
	const struct graph *g;
	struct db *db = NULL;
	char **rowtext = NULL;
	size_t nrows = 0, i, k;
	struct revlist rows = REVLIST_INIT, sim = REVLIST_INIT;
	struct heads_reach *reach = NULL;
	struct plan plan = PLAN_INIT;
	struct rowops ops = { NULL, 0, 0 };
	struct strbuf out = STRBUF_INIT;
	int ret = migrate_open_db(p, 0, &db, err);

	if (ret == DB_ERR_MISSING) {
		strbuf_reset(err);
	} else if (ret) {
		ret = -1;
		goto cleanup;
	} else if (migrate_read_rows(p, db, &rowtext, &nrows, err) ||
		   squash_split_rows(&p->graph, (const char *const *)rowtext, nrows, err)) {
		ret = -1;
		goto cleanup;
	}
	ret = -1;
	g = p->graph;
	if (resolve_rows(g, (const char *const *)rowtext, nrows, &rows, err)) {
		squash_explain(err, g);
		goto cleanup;
	}
	if (plan_for(p, o, &rows, &plan, err))
		goto cleanup;
	for (i = 0; i < rows.n; i++)
		revlist_add(&sim, rows.v[i]);
	if (o->json) {
		strbuf_addf(&out, "{\"command\": \"%s\", \"target\": ",
			    o->cmd == MIGRATE_UPGRADE ? "upgrade" : o->cmd == MIGRATE_DOWNGRADE ? "downgrade" : "stamp");
		format_json_string(&out, o->targets[0]);
		strbuf_addstr(&out, ", \"rows_before\": ");
		json_revs(&out, g, rows.v, rows.n);
		strbuf_addstr(&out, ", \"steps\": [");
	}
	for (i = 0; i < plan.n; i++) {
		const struct step *s = &plan.steps[i];

		if (heads_apply(g, &sim, s, &ops, &reach, err))
			goto cleanup;
		if (!o->json) {
			format_step(&out, g, s);
			strbuf_addch(&out, '\n');
			continue;
		}
		strbuf_addstr(&out, i ? ",\n  " : "\n  ");
		if (s->kind == STEP_STAMP) {
			strbuf_addstr(&out, "{\"kind\": \"stamp\", \"from\": ");
			json_revs(&out, g, s->from, s->nfrom);
			strbuf_addstr(&out, ", \"to\": ");
			json_revs(&out, g, s->to, s->nto);
			strbuf_addch(&out, '}');
			continue;
		} else {
			const struct rev *r = &g->revs[s->rev];
			const int *from = s->kind == STEP_UPGRADE ? r->down : &s->rev;
			size_t nfrom = s->kind == STEP_UPGRADE ? r->ndown : 1;
			const int *to = s->kind == STEP_UPGRADE ? &s->rev : r->down;
			size_t nto = s->kind == STEP_UPGRADE ? 1 : r->ndown;

			strbuf_addf(&out, "{\"kind\": \"%s\", \"revision\": ",
				    s->kind == STEP_UPGRADE ? "upgrade" : "downgrade");
			format_json_string(&out, r->id);
			strbuf_addstr(&out, ", \"from\": ");
			json_revs(&out, g, from, nfrom);
			strbuf_addstr(&out, ", \"to\": ");
			json_revs(&out, g, to, nto);
			strbuf_addstr(&out, ", \"message\": ");
			format_json_string(&out, format_doc(r));
			strbuf_addf(&out, ", \"transactional\": %s, \"path\": ",
				    r->rf->transactional ? "true" : "false");
			format_json_string(&out, r->path);
			strbuf_addch(&out, '}');
		}
	}
	if (o->json) {
		strbuf_addstr(&out, plan.n ? "\n], \"rows_after\": " : "], \"rows_after\": ");
		json_revs(&out, g, sim.v, sim.n);
		strbuf_addstr(&out, "}\n");
	} else {
		strbuf_addstr(&out, "rows after:");
		for (k = 0; k < sim.n; k++)
			strbuf_addf(&out, " %s", g->revs[sim.v[k]].id);
		strbuf_addch(&out, '\n');
	}
	fwrite(out.buf, 1, out.len, stdout);
	ret = 0;
cleanup:
	strbuf_release(&out);
	free(ops.v);
	plan_release(&plan);
	revlist_release(&rows);
	revlist_release(&sim);
	heads_reach_free(reach);
	migrate_free_rows(rowtext, nrows);
	db_close(db);
	return ret;
}


/*
 * Everything that can refuse a plan, before anything is written: a .sql
 * body whose ${x.KEY} has no value, a stamp whose row bookkeeping cannot
 * be recorded. Simulates the row changes of every step from rows into
 * ops (opstart[i]: the first of step i's, opstart[plan->n]: the end),
 * and, when after is given, the rows after each step into after[i].
 */
static int check_plan(struct project *p, const struct migrate_opts *o,
		      const struct revlist *rows, const struct plan *plan,
		      struct rowops *ops, size_t *opstart, struct revlist *after,
		      struct strbuf *err)
{
	const struct graph *g = p->graph;
	struct revlist sim = REVLIST_INIT;
	struct heads_reach *reach = NULL;
	size_t i;
	int ret = -1;

	for (i = 0; i < rows->n; i++)
		revlist_add(&sim, rows->v[i]);
	for (i = 0; i < plan->n; i++) {
		const struct step *s = &plan->steps[i];

		if (s->kind != STEP_STAMP) {
			const struct rev *r = &g->revs[s->rev];
			const char *text;
			struct strbuf body = STRBUF_INIT, e = STRBUF_INIT;
			int bad = 0;

			/* every body the plan runs, read before anything is written */
			if (project_load_body(p, (size_t)s->rev, &e)) {
				strbuf_addf(err, "%s (nothing was changed)", e.buf);
				strbuf_release(&e);
				goto cleanup;
			}
			text = s->kind == STEP_UPGRADE ? r->rf->upgrade : r->rf->downgrade;

			/* a .py body is Python, run by Alembic: no ${x.KEY} in it */
			if (r->rf->kind != REVFILE_PY && text && migrate_expand_body(&body, p, text, &e)) {
				strbuf_addf(err, "%s %s (%s): %s (nothing was changed)",
					    s->kind == STEP_UPGRADE ? "upgrade" : "downgrade",
					    r->id, r->path, e.buf);
				bad = 1;
			}
			strbuf_release(&body);
			strbuf_release(&e);
			if (bad)
				goto cleanup;
		}
		opstart[i] = ops->n;
		if (heads_apply(g, &sim, s, ops, &reach, err)) {
			if (s->kind == STEP_STAMP) {
				/* Alembic's head bookkeeping crashes on these stamps */
				struct strbuf why = STRBUF_INIT;

				strbuf_addf(&why, "cannot stamp %s: the revisions overlap the version rows in a way the version table cannot record (%s); stamp them one at a time (nothing was changed)",
					    o->ntargets > 1 ? "these revisions together" : o->targets[0], err->buf);
				strbuf_reset(err);
				strbuf_addstr(err, why.buf);
				strbuf_release(&why);
			}
			goto cleanup;
		}
		if (after) {
			size_t k;

			for (k = 0; k < sim.n; k++)
				revlist_add(&after[i], sim.v[k]);
		}
		if (getenv("DBMIG_TRACE")) {
			size_t k;

			fprintf(stderr, "trace: step %s:", g->revs[s->rev >= 0 ? s->rev : 0].id);
			for (k = 0; k < sim.n; k++)
				fprintf(stderr, " %s", g->revs[sim.v[k]].id);
			fputc('\n', stderr);
		}
	}
	opstart[plan->n] = ops->n;
	ret = 0;
cleanup:
	revlist_release(&sim);
	heads_reach_free(reach);
	return ret;
}

/* How a step of run_online() ended. */
enum step_result {
	STEP_OK = 0,
	STEP_FAILED,         /* rolled back (or ran outside a transaction) */
	STEP_COMMITTED_LOST, /* committed, then the connection was lost */
	STEP_UNKNOWN,        /* the answer to COMMIT lost, the outcome unknown */
};

/* Put a printf-style prefix before what err holds. */
__attribute__((format(printf, 2, 3)))
static void prefix_error(struct strbuf *err, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_add(&sb, err->buf, err->len);
	strbuf_reset(err);
	strbuf_add(err, sb.buf, sb.len);
	strbuf_release(&sb);
}

static int run_online(struct project *p, const struct migrate_opts *o,
		      struct strbuf *err)
{
	const struct graph *g = p->graph;
	struct db *db = NULL;
	char **rowtext = NULL;
	size_t nrows = 0, i;
	struct revlist rows = REVLIST_INIT;
	struct plan plan = PLAN_INIT;
	struct rowops ops = { NULL, 0, 0 };
	size_t *opstart = NULL;
	struct revlist *after = NULL;   /* the rows after each step */
	struct pyrun *py = NULL;
	struct announce an;
	int ret = -1, in_tx = 0, need_py, tries = 0;
	const char *pause = getenv("DBMIG_TEST_PAUSE_MS");

	/*
	 * A database that does not exist yet is created only once the plan
	 * is known to be good: a bad target leaves no empty file behind.
	 */
	if (o->db)
		db = o->db;
	ret = o->db ? 0 : migrate_open_db(p, 0, &db, err);
	if (ret == DB_ERR_MISSING) {
		struct revlist none = REVLIST_INIT;

		strbuf_reset(err);
		ret = plan_for(p, o, &none, &plan, err);
		if (!ret) {
			/* the plan from no rows is the one that will run */
			opstart = xcalloc(plan.n + 1, sizeof(*opstart));
			ret = check_plan(p, o, &none, &plan, &ops, opstart, NULL, err);
			free(opstart);
			opstart = NULL;
			ops.n = 0;
		}
		/* a missing Python must not leave an empty database file either */
		if (!ret && (need_py = plan_needs_python(p->graph, &plan, o, err)))
			ret = need_py < 0 ? -1 : start_python(&py, p, &plan, o, err);
		plan_release(&plan);
		if (ret)
			goto cleanup;
		ret = migrate_open_db(p, DB_CREATE, &db, err);
	}
	if (ret) {
		ret = -1;
		goto cleanup;
	}
	ret = -1;
	if (db_lock(db, p->version_table_schema, p->version_table,
		    o->lock_timeout_ms, err))
		goto cleanup;
	if (migrate_read_rows(p, db, &rowtext, &nrows, err))
		goto cleanup;
	/* rows naming an id that squash folded away split the squashed revision */
	if (!o->purge) {
		for (i = 0; i < nrows; i++) {
			int owner = graph_find(g, rowtext[i]) < 0 ? squash_owner(g, rowtext[i]) : -1;

			if (owner >= 0 && project_load_body(p, (size_t)owner, err))
				goto cleanup;
		}
		if (squash_split_rows(&p->graph, (const char *const *)rowtext, nrows, err))
			goto cleanup;
		g = p->graph;
		if (resolve_rows(g, (const char *const *)rowtext, nrows, &rows, err)) {
			squash_explain(err, g);
			goto cleanup;
		}
	}
	if (plan_for(p, o, &rows, &plan, err))
		goto cleanup;
	if (plan.warn_ambiguous)
		warning("downgrade -1 from multiple heads is ambiguous; this usage will be disallowed in a future release.");

	/* Refuse before writing anything. */
	need_py = plan_needs_python(g, &plan, o, err);
	if (need_py < 0)
		goto cleanup;
	opstart = xcalloc(plan.n + 1, sizeof(*opstart));
	/* the rows after each step, for the Python helper to check */
	if (need_py)
		after = xcalloc(plan.n + 1, sizeof(*after));
	if (check_plan(p, o, &rows, &plan, &ops, opstart, after, err))
		goto cleanup;
	if (need_py && !py && start_python(&py, p, &plan, o, err))
		goto cleanup;

	if (!nrows || o->purge) {
		struct strbuf ddl = STRBUF_INIT;
		int has = 0;

		if (db->ops->has_table(db, p->version_table_schema, p->version_table, &has, err))
			goto cleanup;
		if (!has) {
			version_table_ddl(&ddl, p, 1);
			if (db->ops->exec(db, ddl.buf, err)) {
				prefix_error(err, "cannot create %s: ", p->version_table);
				strbuf_release(&ddl);
				goto cleanup;
			}
		} else if (o->purge) {
			strbuf_addstr(&ddl, "DELETE FROM ");
			table_name(&ddl, p, p->version_table);
			if (db->ops->exec(db, ddl.buf, err)) {
				strbuf_release(&ddl);
				goto cleanup;
			}
		}
		strbuf_release(&ddl);
	}
	if (plan.n && o->cmd != MIGRATE_STAMP) {
		struct strbuf ddl = STRBUF_INIT;

		log_table_ddl(&ddl, p, db_dialect(db));
		if (db->ops->exec(db, ddl.buf, err)) {
			prefix_error(err, "cannot create dbmig_log: ");
			strbuf_release(&ddl);
			goto cleanup;
		}
		strbuf_release(&ddl);
	}

	/* with .py revisions the one transaction is Alembic's, on its connection */
	if (o->one_transaction && !py) {
		if (db->ops->exec(db, db_dialect(db)->begin, err))
			goto cleanup;
		in_tx = 1;
	}
	an.g = g;
	an.plan = &plan;
	gettimeofday(&an.start, NULL);
	for (i = 0; i < plan.n; i++) {
		const struct step *s = &plan.steps[i];
		const struct rev *r = s->kind == STEP_STAMP ? NULL : &g->revs[s->rev];
		struct strbuf line = STRBUF_INIT, body = STRBUF_INIT, e = STRBUF_INIT;
		struct timeval t0, t1;
		char started[96], finished[96];
		int transactional = !r || r->rf->transactional;
		int fail = STEP_OK, lock_wait = 0;

		if (py && is_py_step(g, s)) {
			size_t j = i, failed;

			while (j < plan.n && is_py_step(g, &plan.steps[j]))
				j++;
			if (pyrun_segment(py, p, &plan, i, j, i ? &after[i - 1] : &rows, after,
					  o->one_transaction, NULL, announce_step, &an, &failed, err)) {
				if (!strstr(err->buf, "(nothing was changed)"))
					strbuf_addstr(err, o->one_transaction ?
						      " (the whole run was rolled back)" :
						      " (the database is left at the last revision that succeeded)");
				goto cleanup;
			}
			i = j - 1;
			continue;
		}
		format_step(&line, g, s);
		if (!tries)
			announce_step(i, &an);
		now_iso(started, sizeof(started), &t0);
		if (r) {
			const char *text = s->kind == STEP_UPGRADE ? r->rf->upgrade : r->rf->downgrade;

			if (!r->rf->bodies)
				BUG("%s runs without its bodies read", r->id);

			if (text && migrate_expand_body(&body, p, text, &e)) {
				strbuf_addf(err, "%s %s (%s): %s", s->kind == STEP_UPGRADE ? "upgrade" : "downgrade",
					    r->id, r->path, e.buf);
				fail = STEP_FAILED;
			}
		}
		if (!fail && in_tx == 1 && !transactional) {
			/*
			 * A revision that cannot run in a transaction ends the
			 * run's transaction; the run goes on in a new one after it.
			 */
			if (db->ops->exec(db, "COMMIT", &e)) {
				strbuf_addf(err, "cannot commit before %s: %s", line.buf, e.buf);
				fail = STEP_FAILED;
			} else {
				in_tx = 0;
			}
		}
		if (!fail && !in_tx && transactional) {
			if (db->ops->exec(db, db_dialect(db)->begin, &e)) {
				strbuf_addf(err, "cannot begin the transaction of %s: %s", line.buf, e.buf);
				fail = STEP_FAILED;
			} else {
				in_tx = 2;
			}
		}
		if (!fail && body.len) {
			struct db_error_pos pos = { 0, "" };

			if (db->ops->exec_script(db, body.buf, &pos, &e)) {
				unsigned line0 = s->kind == STEP_UPGRADE ? r->rf->upgrade_line : r->rf->downgrade_line;

				strbuf_addf(err, "%s %s failed at %s:%u: %s",
					    s->kind == STEP_UPGRADE ? "upgrade" : "downgrade",
					    r->id, r->path, line0 + (pos.line ? pos.line - 1 : 0), e.buf);
				fail = STEP_FAILED;
				lock_wait = !strcmp(pos.sqlstate, "55P03");
			}
		}
		if (!fail && !transactional) {
			if (db->ops->exec(db, db_dialect(db)->begin, &e)) {
				strbuf_addf(err, "cannot begin the transaction of %s: %s", line.buf, e.buf);
				fail = STEP_FAILED;
			} else {
				in_tx = 2;
			}
		}
		if (!fail && apply_rowops(db, p, g, &ops, opstart[i], opstart[i + 1], &e)) {
			strbuf_addf(err, "cannot update %s after %s: %s", p->version_table, line.buf, e.buf);
			fail = STEP_FAILED;
		}
		now_iso(finished, sizeof(finished), &t1);
		if (!fail && r && write_log(db, p, r, s->kind == STEP_UPGRADE ? "upgrade" : "downgrade",
					    started, finished, elapsed_ms(&t0, &t1), &e)) {
			strbuf_addf(err, "cannot write dbmig_log after %s: %s", line.buf, e.buf);
			fail = STEP_FAILED;
		}
		if (!fail && pause)
			usleep((useconds_t)atol(pause) * 1000);
		if (!fail)
			test_hold(i + 1);
		if (!fail && in_tx == 2) {
			struct db_error_pos pos = { 0, "" };
			int rc = db_commit(db, &pos, &e);

			if (rc == DB_ERR_SCRIPT && r) {
				/* a backend that sends the body only now (rqlite) */
				unsigned line0 = s->kind == STEP_UPGRADE ? r->rf->upgrade_line : r->rf->downgrade_line;

				strbuf_addf(err, "%s %s failed at %s:%u: %s",
					    s->kind == STEP_UPGRADE ? "upgrade" : "downgrade",
					    r->id, r->path, line0 + (pos.line ? pos.line - 1 : 0), e.buf);
				fail = STEP_FAILED;
			} else if (rc == DB_ERR_LOST_COMMITTED) {
				/* it is done, but this run cannot go on without its connection */
				strbuf_addf(err, "%s: %s", line.buf, e.buf);
				in_tx = 0;
				fail = STEP_COMMITTED_LOST;
			} else if (rc) {
				strbuf_addf(err, "cannot commit %s: %s", line.buf, e.buf);
				fail = rc == DB_ERR_UNKNOWN ? STEP_UNKNOWN : STEP_FAILED;
			} else {
				in_tx = 0;
			}
		}
		if (!fail && !in_tx && o->one_transaction && i + 1 < plan.n) {
			if (db->ops->exec(db, db_dialect(db)->begin, &e)) {
				strbuf_addf(err, "cannot begin a transaction after %s: %s", line.buf, e.buf);
				fail = STEP_FAILED;
			} else {
				in_tx = 1;
			}
		}
		strbuf_release(&body);
		strbuf_release(&e);
		if (fail && lock_wait && transactional && !o->one_transaction &&
		    tries < db->lock_retries) {
			/*
			 * The body gave up waiting for a lock (lock_timeout):
			 * roll back, let the other transaction finish, and try
			 * the revision again, as one does by hand.
			 */
			long delay = 500L << (tries < 5 ? tries : 5);
			struct strbuf ignore = STRBUF_INIT;

			if (delay > 10000)
				delay = 10000;
			db->ops->exec(db, "ROLLBACK", &ignore);
			strbuf_release(&ignore);
			in_tx = 0;
			tries++;
			info("%s: could not get a lock in time (lock_timeout); trying again in %.1f s (%d of %d)",
			     line.buf, (double)delay / 1000, tries, db->lock_retries);
			strbuf_reset(err);
			strbuf_release(&line);
			usleep((useconds_t)delay * 1000);
			i--;
			continue;
		}
		if (fail && lock_wait && tries)
			strbuf_addf(err, " (tried %d times)", tries + 1);
		tries = 0;
		strbuf_release(&line);
		if (fail) {
			if (in_tx) {
				struct strbuf ignore = STRBUF_INIT;

				db->ops->exec(db, "ROLLBACK", &ignore);
				strbuf_release(&ignore);
				in_tx = 0;
			}
			if (fail == STEP_UNKNOWN)
				strbuf_addstr(err, " (the revisions before this one are committed; a rerun finds out about this one from the version table)");
			else if (fail == STEP_COMMITTED_LOST)
				strbuf_addf(err, " (the database is left at this revision, %s; the rest of the plan was not run)",
					    o->one_transaction ? "with the run's earlier steps" : "which committed");
			else if (!r || r->rf->transactional)
				strbuf_addstr(err, o->one_transaction ?
					      " (the whole run was rolled back)" :
					      " (the database is left at the last revision that succeeded)");
			else
				strbuf_addstr(err, " (the revision ran outside a transaction: its statements before the failing one took effect)");
			goto cleanup;
		}
	}
	if (in_tx) {
		struct db_error_pos pos = { 0, "" };
		struct strbuf e = STRBUF_INIT;
		int rc = db_commit(db, &pos, &e);

		in_tx = 0;
		if (rc == DB_ERR_LOST_COMMITTED) {
			warning("%s", e.buf);
		} else if (rc) {
			strbuf_addf(err, "cannot commit the run: %s", e.buf);
			strbuf_release(&e);
			goto cleanup;
		}
		strbuf_release(&e);
	}
	ret = 0;
cleanup:
	if (in_tx && db) {
		struct strbuf ignore = STRBUF_INIT;

		db->ops->exec(db, "ROLLBACK", &ignore);
		strbuf_release(&ignore);
	}
	progress_done();
	pyrun_finish(py);
	for (i = 0; after && i <= plan.n; i++)
		revlist_release(&after[i]);
	free(after);
	free(opstart);
	free(ops.v);
	plan_release(&plan);
	revlist_release(&rows);
	migrate_free_rows(rowtext, nrows);
	if (db)
		db->ops->unlock(db);
	if (!o->db)
		db_close(db);
	return ret;
}

int migrate_run(struct project *p, const struct migrate_opts *o,
		struct strbuf *err)
{
	if (o->sql)
		return run_offline(p, o, err);
	if (o->plan_only)
		return run_plan(p, o, err);
	if (o->cmd != MIGRATE_STAMP) {
		size_t i;

		for (i = 0; i < o->ntargets; i++) {
			if (strchr(o->targets[i], ':')) {
				strbuf_addstr(err, "Range revision not allowed");
				return -1;
			}
		}
	}
	return run_online(p, o, err);
}

/* ------------------------------------------------------------------ */
/* ensure_version                                                      */

int migrate_ensure_version(struct project *p, int sql, long lock_timeout_ms,
			   struct strbuf *err)
{
	struct strbuf ddl = STRBUF_INIT;
	struct db *db = NULL;
	int has = 0, ret = -1;

	version_table_ddl(&ddl, p, !sql);
	if (sql) {
		/*
		 * Alembic's offline run creates the table and, as it ends with
		 * no version rows, drops it again; with no revision to run,
		 * there is no transaction to write either.
		 */
		if (p->url) {
			struct url *u = NULL;

			if (url_parse(&u, p->url, err))
				goto cleanup;
			url_free(u);
		}
		strbuf_addstr(&ddl, ";\n\nDROP TABLE ");
		table_name(&ddl, p, p->version_table);
		strbuf_addstr(&ddl, ";\n\n");
		fwrite(ddl.buf, 1, ddl.len, stdout);
		ret = 0;
		goto cleanup;
	}
	if (migrate_open_db(p, DB_CREATE, &db, err))
		goto cleanup;
	if (db_lock(db, p->version_table_schema, p->version_table, lock_timeout_ms, err))
		goto cleanup;
	if (db->ops->has_table(db, p->version_table_schema, p->version_table, &has, err))
		goto unlock;
	if (!has && db->ops->exec(db, ddl.buf, err))
		goto unlock;
	ret = 0;
unlock:
	db->ops->unlock(db);
cleanup:
	db_close(db);
	strbuf_release(&ddl);
	return ret;
}
