/*
 * cmd/show.c: the read-only commands "heads", "branches", "history",
 * "show" and "current", in Alembic's output format (SPEC 5), and "edit",
 * which opens the revisions "show" would print in an editor.
 */
#include "cmd/cmd.h"
#include "fleet.h"
#include "format.h"
#include "migrate.h"
#include "resolve.h"
#include "squash.h"
#include "usage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void out_line(struct strbuf *sb)
{
	fwrite(sb->buf, 1, sb->len, stdout);
	fputc('\n', stdout);
	strbuf_reset(sb);
}

/* The database's rows, resolved; the database must exist. */
static int current_rows(struct project *p, struct revlist *rows,
			char ***text, size_t *n, struct strbuf *err)
{
	struct db *db = NULL;
	int ret = -1;

	if (migrate_open_db(p, 0, &db, err))
		return -1;
	if (migrate_read_rows(p, db, text, n, err))
		goto cleanup;
	if (squash_split_rows(&p->graph, (const char *const *)*text, *n, err) ||
	    resolve_rows(p->graph, (const char *const *)*text, *n, rows, err))
		goto cleanup;
	ret = 0;
cleanup:
	db_close(db);
	return ret;
}

static int json_flag;

/* rev, with the absolute path its "Path:" line shows looked up */
static int log_rev(struct project *p, int rev)
{
	project_rev_path(p, rev);
	return rev;
}

static int parse_flags(int argc, const char **argv, const char *usage,
		       int *verbose, int *resolve_deps, struct strbuf *err)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("%s\n", usage);
			return 1;
		}
		if (opt_flag(argv[i], NULL, "--json"))
			json_flag = 1;
		else if (opt_flag(argv[i], "-v", "--verbose"))
			*verbose = 1;
		else if (resolve_deps && opt_flag(argv[i], NULL, "--resolve-dependencies"))
			*resolve_deps = 1;
		else
			return opt_unknown(argv[0], argv[i], err);
	}
	return 0;
}

int cmd_heads(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf sb = STRBUF_INIT;
	int verbose = 0, resolve = 0, r;
	size_t i;

	r = parse_flags(argc, argv, "usage: git dbmig heads [-v] [--resolve-dependencies] [--json]",
			&verbose, &resolve, err);
	if (r)
		return r > 0 ? 0 : -1;
	if (cmd_setup(ctx, &p, err))
		return -1;
	{
		const int *h = resolve ? p->graph->real_heads : p->graph->heads;
		size_t n = resolve ? p->graph->nreal_heads : p->graph->nheads;

		if (json_flag)
			strbuf_addch(&sb, '[');
		for (i = 0; i < n; i++) {
			if (json_flag) {
				strbuf_addstr(&sb, i ? ",\n " : "");
				format_json_revision(&sb, p->graph, h[i], 0, 0);
				continue;
			}
			if (verbose)
				format_log_entry(&sb, p->graph, log_rev(p, h[i]), 0);
			else
				format_head_only(&sb, p->graph, h[i], FMT_BRANCHES | FMT_HEADS);
			out_line(&sb);
		}
		if (json_flag) {
			strbuf_addch(&sb, ']');
			out_line(&sb);
		}
	}
	strbuf_release(&sb);
	project_leave(p);
	return 0;
}

int cmd_branches(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct revlist order = REVLIST_INIT;
	struct spec base = { "base", NULL, 0 }, head = { "heads", NULL, 0 };
	int verbose = 0, r, ret = -1;
	size_t i, k;

	r = parse_flags(argc, argv, "usage: git dbmig branches [-v] [--json]", &verbose, NULL, err);
	if (r)
		return r > 0 ? 0 : -1;
	if (cmd_setup(ctx, &p, err))
		return -1;
	if (resolve_history(&order, p->graph, &base, &head, err))
		goto cleanup;
	if (json_flag)
		strbuf_addch(&sb, '[');
	for (i = 0, k = 0; json_flag && i < order.n; i++) {
		if (!rev_is_branch_point(&p->graph->revs[order.v[i]]))
			continue;
		strbuf_addstr(&sb, k++ ? ",\n " : "");
		format_json_revision(&sb, p->graph, order.v[i], 0, 0);
	}
	if (json_flag) {
		strbuf_addch(&sb, ']');
		out_line(&sb);
		order.n = 0;
	}
	for (i = 0; i < order.n; i++) {
		const struct rev *rv = &p->graph->revs[order.v[i]];

		if (!rev_is_branch_point(rv))
			continue;
		if (verbose)
			format_log_entry(&sb, p->graph, log_rev(p, order.v[i]), 0);
		else
			format_head_only(&sb, p->graph, order.v[i], FMT_BRANCHES | FMT_TREE);
		strbuf_addch(&sb, '\n');
		for (k = 0; k < rv->nnext; k++) {
			size_t pad;

			if (k)
				strbuf_addch(&sb, '\n');
			for (pad = 0; pad < strlen(rv->id); pad++)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb, " -> ");
			format_head_only(&sb, p->graph, rv->next[k],
					 FMT_BRANCHES | FMT_TREE | (verbose ? FMT_DOC : 0));
		}
		strbuf_addch(&sb, '\n');
		out_line(&sb);
	}
	ret = 0;
cleanup:
	revlist_release(&order);
	strbuf_release(&sb);
	project_leave(p);
	return ret;
}

int cmd_history(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct revlist order = REVLIST_INIT, rows = REVLIST_INIT;
	char **text = NULL;
	size_t ntext = 0, i;
	const char *range = NULL;
	char *lo = NULL, *hi = NULL;
	struct spec base = { "base", NULL, 0 }, head = { "heads", NULL, 0 };
	int verbose = 0, indicate = 0, ret = -1, need_db, draw = 0;
	struct format_lanes lanes = FORMAT_LANES_INIT;

	for (i = 1; i < (size_t)argc; i++) {
		int ii = (int)i, r;

		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig history [-r [START]:[END]] [-v] [-i] [--graph | --json]\n");
			return 0;
		}
		if (opt_flag(argv[i], "-v", "--verbose")) {
			verbose = 1;
			continue;
		}
		if (opt_flag(argv[i], "-i", "--indicate-current")) {
			indicate = 1;
			continue;
		}
		if (opt_flag(argv[i], NULL, "--json")) {
			json_flag = 1;
			continue;
		}
		if (opt_flag(argv[i], NULL, "--graph")) {
			draw = 1;
			continue;
		}
		r = opt_value(argc, argv, &ii, "-r", "--rev-range", &range, err);
		if (r < 0)
			return -1;
		if (r) {
			i = (size_t)ii;
			continue;
		}
		return opt_unknown(argv[0], argv[i], err);
	}
	if (range) {
		const char *colon = strchr(range, ':');

		if (!colon || strchr(colon + 1, ':')) {
			strbuf_addstr(err, "History range requires [start]:[end], [start]:, or :[end]");
			return -1;
		}
		lo = xstrndup(range, (size_t)(colon - range));
		hi = xstrdup(colon + 1);
		if (*lo)
			base.str = lo;
		if (*hi)
			head.str = hi;
	}
	if (cmd_setup(ctx, &p, err))
		goto cleanup;
	need_db = indicate || !strcmp(base.str, "current") || !strcmp(head.str, "current");
	if (need_db && current_rows(p, &rows, &text, &ntext, err))
		goto cleanup;
	if (!strcmp(base.str, "current")) {
		base.str = NULL;
		base.revs = rows.v;
		base.n = rows.n;
	}
	if (!strcmp(head.str, "current")) {
		head.str = NULL;
		head.revs = rows.v;
		head.n = rows.n;
	}
	if (resolve_history(&order, p->graph, &base, &head, err))
		goto cleanup;
	for (i = 0; i < order.n; i++) {
		size_t k;
		int cur = 0;

		for (k = 0; indicate && k < rows.n; k++)
			if (rows.v[k] == order.v[i])
				cur = 1;
		if (json_flag) {
			strbuf_addstr(&sb, i ? " " : "[");
			format_json_revision(&sb, p->graph, order.v[i], indicate, cur);
			strbuf_addstr(&sb, i + 1 < order.n ? "," : "]");
			out_line(&sb);
			continue;
		}
		if (verbose)
			format_log_entry(&sb, p->graph, log_rev(p, order.v[i]), cur);
		else
			format_head_only(&sb, p->graph, order.v[i],
					 FMT_BRANCHES | FMT_DOC | FMT_PARENTS | FMT_TREE |
					 (cur ? FMT_CURRENT : 0));
		if (draw) {
			struct strbuf drawn = STRBUF_INIT;

			format_lanes_next(&drawn, &lanes, p->graph, order.v[i], sb.buf);
			fwrite(drawn.buf, 1, drawn.len, stdout);
			strbuf_release(&drawn);
			strbuf_reset(&sb);
			continue;
		}
		out_line(&sb);
	}
	if (json_flag && !order.n)
		printf("[]\n");
	ret = 0;
cleanup:
	format_lanes_release(&lanes);
	free(lo);
	free(hi);
	migrate_free_rows(text, ntext);
	revlist_release(&order);
	revlist_release(&rows);
	strbuf_release(&sb);
	project_leave(p);
	return ret;
}

int cmd_show(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct revlist revs = REVLIST_INIT;
	char **text = NULL;
	size_t ntext = 0, i;
	const char *rev = NULL;
	int ret = -1;

	for (i = 1; i < (size_t)argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig show [--json] REVISION\n");
			return 0;
		}
		if (opt_flag(argv[i], NULL, "--json")) {
			json_flag = 1;
			continue;
		}
		if (rev || (argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9')))
			return opt_unknown(argv[0], argv[i], err);
		rev = argv[i];
	}
	if (!rev) {
		strbuf_addstr(err, "show: a revision is required\nusage: git dbmig show REVISION");
		return -1;
	}
	if (cmd_setup(ctx, &p, err))
		return -1;
	if (!strcmp(rev, "current")) {
		if (current_rows(p, &revs, &text, &ntext, err))
			goto cleanup;
	} else if (resolve_revisions(p->graph, rev, &revs, err)) {
		goto cleanup;
	}
	for (i = 0; i < revs.n; i++) {
		if (revs.v[i] < 0)
			continue;
		if (json_flag) {
			strbuf_addstr(&sb, sb.len ? ",\n " : "[");
			format_json_revision(&sb, p->graph, revs.v[i], 0, 0);
			continue;
		}
		format_log_entry(&sb, p->graph, log_rev(p, revs.v[i]), 0);
		out_line(&sb);
	}
	if (json_flag) {
		strbuf_addstr(&sb, sb.len ? "]" : "[]");
		out_line(&sb);
	}
	ret = 0;
cleanup:
	migrate_free_rows(text, ntext);
	revlist_release(&revs);
	strbuf_release(&sb);
	project_leave(p);
	return ret;
}

/*
 * What "current" prints for p's database. With oneline, the revisions
 * also go there on one line ("a (head), b"), and only the -v form is
 * printed (a fleet's summary line carries the short one).
 */
/* current --check-heads: graph_rows_are_heads(), Alembic's words */
static int check_heads(const struct graph *g, const struct revlist *rows,
		       struct strbuf *err)
{
	if (graph_rows_are_heads(g, rows->v, rows->n, NULL, NULL))
		return 0;
	strbuf_addstr(err, "Database is not on all head revisions");
	return -1;
}

struct current_opts {
	int verbose;
	int check_heads;
};

static int show_current(struct project *p, const struct current_opts *co,
			struct strbuf *oneline, struct strbuf *err)
{
	int verbose = co->verbose;
	struct strbuf sb = STRBUF_INIT;
	struct revlist rows = REVLIST_INIT, all = REVLIST_INIT;
	char **text = NULL;
	size_t ntext = 0, i;
	int print = verbose || !oneline, ret = -1;

	if (current_rows(p, &rows, &text, &ntext, err))
		goto cleanup;
	if (verbose) {
		struct url *u = NULL;

		if (!url_parse(&u, p->url, err)) {
			strbuf_addstr(&sb, "Current revision(s) for ");
			url_display(&sb, u);
			strbuf_addch(&sb, ':');
			out_line(&sb);
			url_free(u);
		} else {
			goto cleanup;
		}
	}
	if (co->check_heads && check_heads(p->graph, &rows, err))
		goto cleanup;
	resolve_all_current(&all, p->graph, &rows);
	if (json_flag && !oneline) {
		/* the revisions current expands to; "current" marks the rows themselves */
		strbuf_addch(&sb, '[');
		for (i = 0; i < all.n; i++) {
			size_t k;
			int row = 0;

			for (k = 0; k < rows.n; k++)
				row |= rows.v[k] == all.v[i];
			strbuf_addstr(&sb, i ? ",\n " : "");
			format_json_revision(&sb, p->graph, all.v[i], 1, row);
		}
		strbuf_addch(&sb, ']');
		out_line(&sb);
		ret = 0;
		goto cleanup;
	}
	for (i = 0; i < all.n; i++) {
		if (oneline) {
			if (i)
				strbuf_addstr(oneline, ", ");
			format_head_only(oneline, p->graph, all.v[i], FMT_HEADS | FMT_TREE);
		}
		if (!print)
			continue;
		if (verbose)
			format_log_entry(&sb, p->graph, log_rev(p, all.v[i]), 0);
		else
			format_head_only(&sb, p->graph, all.v[i], FMT_HEADS | FMT_TREE);
		out_line(&sb);
	}
	if (oneline && !all.n)
		strbuf_addstr(oneline, "no version rows");
	ret = 0;
cleanup:
	migrate_free_rows(text, ntext);
	revlist_release(&rows);
	revlist_release(&all);
	strbuf_release(&sb);
	return ret;
}

static int current_target(struct project *p, const struct project_target *t,
			  void *data, struct strbuf *summary, struct strbuf *err)
{
	return show_current(p, data, summary, err);
}

int cmd_current(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct fleet_opts fo = FLEET_OPTS_INIT;
	struct project *p = NULL;
	struct current_opts co = { 0, 0 };
	int i, r, ret = -1;

	for (i = 1; i < argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig current [-c | --check-heads] [-v | --json]\n"
			       "   or: git dbmig current [-c | --check-heads] [-v] --target NAME|all... [-j N] [--fail-fast]\n");
			ret = 0;
			goto cleanup;
		}
		if (opt_flag(argv[i], "-v", "--verbose")) {
			co.verbose = 1;
			continue;
		}
		if (opt_flag(argv[i], "-c", "--check-heads")) {
			co.check_heads = 1;
			continue;
		}
		if (opt_flag(argv[i], NULL, "--json")) {
			json_flag = 1;
			continue;
		}
		r = fleet_parse_option(&fo, argc, argv, &i, err);
		if (r < 0)
			goto cleanup;
		if (!r) {
			opt_unknown(argv[0], argv[i], err);
			goto cleanup;
		}
	}
	if (json_flag && fo.nnames) {
		strbuf_addstr(err, "current: --json reads one database; it cannot be used with --target");
		goto cleanup;
	}
	if (fleet_check_options(&fo, argv[0], err) || cmd_setup(ctx, &p, err))
		goto cleanup;
	ret = fo.nnames ? fleet_run(p, &fo, current_target, &co, err) :
			  show_current(p, &co, NULL, err);
cleanup:
	fleet_opts_release(&fo);
	project_free(p);
	return ret;
}

/* ------------------------------------------------------------------ */
/* edit                                                                */

static int file_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/*
 * The editor, found as Alembic's util/editor.py finds it: $EDITOR, then
 * $VISUAL, taken as they are when they name an existing file; a bare
 * command name joins the candidates (EDITOR first, VISUAL second, before
 * sensible-editor), which are looked for in each folder of $PATH. The
 * value is a file name, never a shell command line.
 */
static char *find_editor(void)
{
	const char *cand[8] = { "sensible-editor", "editor", "nano", "vim", "code" };
	static const char *const vars[] = { "EDITOR", "VISUAL" };
	size_t n = 5, i, k;
	const char *path;

	for (i = 0; i < 2; i++) {
		const char *v = getenv(vars[i]);

		if (!v)
			continue;
		if (file_exists(v))
			return xstrdup(v);
		if (!strchr(v, '/')) {
			for (k = n; k > i; k--)
				cand[k] = cand[k - 1];
			cand[i] = v;
			n++;
		}
	}
	path = getenv("PATH");
	for (i = 0; i < n; i++) {
		const char *s = path ? path : "";

		for (;;) {
			size_t len = strcspn(s, ":");
			struct strbuf sb = STRBUF_INIT;

			if (len)
				strbuf_addf(&sb, "%.*s/%s", (int)len, s, cand[i]);
			else
				strbuf_addstr(&sb, cand[i]);
			if (file_exists(sb.buf))
				return strbuf_detach(&sb, NULL);
			strbuf_release(&sb);
			if (!s[len])
				break;
			s += len + 1;
		}
	}
	return NULL;
}

/* Python's repr() of a str, as Alembic's messages show the command. */
static void py_repr(struct strbuf *out, const char *s)
{
	int dq = strchr(s, '\'') && !strchr(s, '"');

	strbuf_addch(out, dq ? '"' : '\'');
	for (; *s; s++) {
		if (*s == '\\' || (!dq && *s == '\''))
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, dq ? '"' : '\'');
}

/* Run editor on path and wait; the message is Alembic's (subprocess's). */
static int run_editor(const char *editor, const char *path, struct strbuf *err)
{
	struct strbuf cmd = STRBUF_INIT;
	int pipefd[2], status, code = 0;
	pid_t pid;

	strbuf_addstr(&cmd, "[");
	py_repr(&cmd, editor);
	strbuf_addstr(&cmd, ", ");
	py_repr(&cmd, path);
	strbuf_addstr(&cmd, "]");
	fflush(stdout);
	fflush(stderr);
	if (pipe(pipefd)) {
		strbuf_addf(err, "Error executing editor (%s)", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		strbuf_addf(err, "Error executing editor (%s)", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		goto fail;
	}
	if (!pid) {
		int e;

		close(pipefd[0]);
		fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
		execl(editor, editor, path, (char *)NULL);
		e = errno;
		if (write(pipefd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &code, sizeof(code)) == (ssize_t)sizeof(code)) {
		close(pipefd[0]);
		waitpid(pid, &status, 0);
		strbuf_addf(err, "Error executing editor ([Errno %d] %s: ", code, strerror(code));
		py_repr(err, editor);
		strbuf_addch(err, ')');
		goto fail;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			strbuf_addf(err, "Error executing editor (%s)", strerror(errno));
			goto fail;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status)) {
		strbuf_addf(err, "Error executing editor (Command '%s' returned non-zero exit status %d.)",
			    cmd.buf, WEXITSTATUS(status));
		goto fail;
	}
	if (WIFSIGNALED(status)) {
		strbuf_addf(err, "Error executing editor (Command '%s' died with signal %d.)",
			    cmd.buf, WTERMSIG(status));
		goto fail;
	}
	strbuf_release(&cmd);
	return 0;
fail:
	strbuf_release(&cmd);
	return -1;
}

int cmd_edit(int argc, const char **argv, struct cmd_ctx *ctx, struct strbuf *err)
{
	struct project *p = NULL;
	struct revlist revs = REVLIST_INIT;
	char **text = NULL;
	size_t ntext = 0, i, n = 0;
	const char *rev = NULL;
	char *editor = NULL;
	int ret = -1;

	for (i = 1; i < (size_t)argc; i++) {
		if (opt_flag(argv[i], "-h", "--help")) {
			printf("usage: git dbmig edit REVISION\n");
			return 0;
		}
		if (rev || (argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9')))
			return opt_unknown(argv[0], argv[i], err);
		rev = argv[i];
	}
	if (!rev) {
		strbuf_addstr(err, "edit: a revision is required\nusage: git dbmig edit REVISION");
		return -1;
	}
	if (ctx->opts->at || ctx->opts->staged) {
		strbuf_addf(err, "edit opens the files of the work tree; it cannot be used with %s",
			    ctx->opts->at ? "--at" : "--staged");
		return -1;
	}
	if (cmd_setup(ctx, &p, err))
		return -1;
	if (!strcmp(rev, "current")) {
		if (current_rows(p, &revs, &text, &ntext, err))
			goto cleanup;
		if (!revs.n) {
			strbuf_addstr(err, "No current revisions");
			goto cleanup;
		}
	} else if (resolve_revisions(p->graph, rev, &revs, err)) {
		goto cleanup;
	}
	for (i = 0; i < revs.n; i++)
		n += revs.v[i] >= 0;
	if (!n) {
		strbuf_addf(err, "No revision files indicated by symbol '%s'", rev);
		goto cleanup;
	}
	editor = find_editor();
	if (!editor) {
		strbuf_addstr(err, "Error executing editor (No suitable editor found. Please set the \"EDITOR\" or \"VISUAL\" environment variables)");
		goto cleanup;
	}
	for (i = 0; i < revs.n; i++)
		if (revs.v[i] >= 0 && run_editor(editor, project_rev_path(p, revs.v[i]), err))
			goto cleanup;
	ret = 0;
cleanup:
	free(editor);
	migrate_free_rows(text, ntext);
	revlist_release(&revs);
	project_free(p);
	return ret;
}
