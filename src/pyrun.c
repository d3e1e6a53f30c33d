/*
 * pyrun: the C side of the Python helper. It picks the Python (see
 * pyrun_find_python()), finds the helper script, starts it once, and
 * speaks its line protocol (one JSON object a line, described at the top
 * of src/pyhelper/git_dbmig_alembic.py) over two pipes. It does not touch
 * the database itself and prints nothing: progress goes through the
 * caller's begin callback and every failure into err.
 */
#define _GNU_SOURCE /* pipe2 */
#include "pyrun.h"
#include "revfile.h"
#include "source.h"
#include "url.h"
#include "usage.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef DBMIG_LIBEXECDIR
#define DBMIG_LIBEXECDIR "/usr/local/libexec/git-dbmig"
#endif
#define HELPER_NAME "git_dbmig_alembic.py"

struct pyrun {
	pid_t pid;
	int wfd;              /* requests */
	int rfd;              /* replies */
	struct strbuf in;     /* replies read but not yet parsed */
	struct pyrun_python py;
	char *tmpdir;         /* --at/--staged: the files of that commit */
};

/* ------------------------------------------------------------------
 * Which Python
 */

static int is_executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* name with a '/' as it is, else the first executable of PATH */
static int which(struct strbuf *out, const char *name)
{
	const char *path = getenv("PATH"), *p;

	strbuf_reset(out);
	if (strchr(name, '/')) {
		strbuf_addstr(out, name);
		return is_executable(name) ? 0 : -1;
	}
	for (p = path; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		strbuf_reset(out);
		if (len)
			strbuf_add(out, p, len);
		else
			strbuf_addch(out, '.');
		strbuf_addf(out, "/%s", name);
		if (is_executable(out->buf))
			return 0;
		if (!colon)
			break;
		p = colon + 1;
	}
	strbuf_reset(out);
	return -1;
}

/*
 * The interpreter named by the "#!" line of an "alembic" script on PATH,
 * "#!/usr/bin/env python3" included.
 */
static int alembic_interpreter(struct strbuf *out)
{
	struct strbuf script = STRBUF_INIT, line = STRBUF_INIT;
	char buf[512];
	FILE *f;
	char *s, *word, *save = NULL;
	int ret = -1;

	if (which(&script, "alembic"))
		goto cleanup;
	f = fopen(script.buf, "r");
	if (!f)
		goto cleanup;
	if (!fgets(buf, sizeof(buf), f) || strncmp(buf, "#!", 2)) {
		fclose(f);
		goto cleanup;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	s = buf + 2;
	word = strtok_r(s, " \t", &save);
	if (!word)
		goto cleanup;
	if (!strcmp(word, "/usr/bin/env") || !strcmp(word, "/bin/env")) {
		word = strtok_r(NULL, " \t", &save);
		while (word && word[0] == '-')
			word = strtok_r(NULL, " \t", &save);
		if (!word)
			goto cleanup;
	}
	strbuf_addstr(&line, word);
	ret = which(out, line.buf);
cleanup:
	strbuf_release(&script);
	strbuf_release(&line);
	return ret;
}

int pyrun_find_python(struct pyrun_python *out, struct strbuf *err)
{
	const char *env = getenv("GIT_DBMIG_PYTHON");
	const char *venv = getenv("VIRTUAL_ENV");
	char *cfg = NULL;
	struct strbuf e = STRBUF_INIT;

	strbuf_init(&out->path, 0);
	out->how = NULL;
	if (env && *env) {
		out->how = "GIT_DBMIG_PYTHON";
		if (which(&out->path, env)) {
			strbuf_addf(err, "GIT_DBMIG_PYTHON names '%s', which is not an executable Python", env);
			return -1;
		}
		return 0;
	}
	if (source_git_config_string(&cfg, "dbmig.python", &e))
		strbuf_reset(&e); /* an unreadable git config names no Python */
	strbuf_release(&e);
	if (cfg && *cfg) {
		out->how = "git config dbmig.python";
		if (which(&out->path, cfg)) {
			strbuf_addf(err, "git config dbmig.python names '%s', which is not an executable Python", cfg);
			free(cfg);
			return -1;
		}
		free(cfg);
		return 0;
	}
	free(cfg);
	if (venv && *venv) {
		strbuf_addf(&out->path, "%s/bin/python", venv);
		if (is_executable(out->path.buf)) {
			out->how = "VIRTUAL_ENV";
			return 0;
		}
		strbuf_reset(&out->path);
	}
	if (!alembic_interpreter(&out->path)) {
		out->how = "the interpreter of 'alembic' on PATH";
		return 0;
	}
	if (!which(&out->path, "python3")) {
		out->how = "python3 on PATH";
		return 0;
	}
	strbuf_addstr(err, "no Python found to run Alembic .py revisions: install Python 3 with Alembic "
		      "(apt install python3-alembic, or pip install alembic in a virtualenv), "
		      "or name one with GIT_DBMIG_PYTHON or git config dbmig.python");
	return -1;
}

void pyrun_python_release(struct pyrun_python *py)
{
	strbuf_release(&py->path);
	py->how = NULL;
}

int pyrun_helper_path(struct strbuf *out, struct strbuf *err)
{
	const char *dir = getenv("GIT_DBMIG_HELPER_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	strbuf_reset(out);
	if (dir && *dir) {
		strbuf_addf(out, "%s/%s", dir, HELPER_NAME);
		if (!access(out->buf, R_OK))
			return 0;
		strbuf_addf(err, "GIT_DBMIG_HELPER_DIR '%s' holds no %s", dir, HELPER_NAME);
		return -1;
	}
	/* ./git-dbmig in the build tree: the helper is in src/pyhelper */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			strbuf_addf(out, "%s/src/pyhelper/%s", exe, HELPER_NAME);
			if (!access(out->buf, R_OK))
				return 0;
			/* an installed tree moved elsewhere: bin/ beside libexec/ */
			strbuf_reset(out);
			strbuf_addf(out, "%s/../libexec/git-dbmig/%s", exe, HELPER_NAME);
			if (!access(out->buf, R_OK))
				return 0;
			strbuf_reset(out);
		}
	}
	strbuf_addf(out, "%s/%s", DBMIG_LIBEXECDIR, HELPER_NAME);
	if (!access(out->buf, R_OK))
		return 0;
	strbuf_addf(err, "the Python helper %s is missing: reinstall git-dbmig (make install puts it in %s)",
		    out->buf, DBMIG_LIBEXECDIR);
	return -1;
}

/* ------------------------------------------------------------------
 * The pipes
 */

static int dump_to_strbuf(const char *buf, size_t size, void *data)
{
	strbuf_add(data, buf, size);
	return 0;
}

static int send_json(struct pyrun *r, json_t *obj, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	void (*old)(int);
	size_t off = 0;
	int ret = 0;

	if (json_dump_callback(obj, dump_to_strbuf, &text, JSON_COMPACT)) {
		strbuf_addstr(err, "cannot encode a request to the Python helper");
		strbuf_release(&text);
		return -1;
	}
	strbuf_addch(&text, '\n');
	/* a helper that died must give an error here, not kill us */
	old = signal(SIGPIPE, SIG_IGN);
	while (off < text.len) {
		ssize_t w = write(r->wfd, text.buf + off, text.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = -1;
			break;
		}
		off += (size_t)w;
	}
	signal(SIGPIPE, old);
	strbuf_release(&text);
	return ret;
}

/* Wait for the helper and say how it ended. */
static void helper_gone(struct pyrun *r, struct strbuf *err)
{
	int status = 0;

	if (r->pid > 0 && waitpid(r->pid, &status, 0) == r->pid) {
		r->pid = -1;
		if (WIFEXITED(status))
			strbuf_addf(err, "the Python helper (%s) exited with status %d",
				    r->py.path.buf, WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			strbuf_addf(err, "the Python helper (%s) was killed by signal %d",
				    r->py.path.buf, WTERMSIG(status));
		return;
	}
	strbuf_addf(err, "the Python helper (%s) stopped answering", r->py.path.buf);
}

/* The next reply, or -1 (helper gone, err says how). */
static int recv_json(struct pyrun *r, json_t **out, struct strbuf *err)
{
	*out = NULL;
	for (;;) {
		char *nl = memchr(r->in.buf, '\n', r->in.len);
		char buf[8192];
		ssize_t n;

		if (nl) {
			size_t len = (size_t)(nl - r->in.buf);
			json_error_t je;

			*out = json_loadb(r->in.buf, len, 0, &je);
			memmove(r->in.buf, nl + 1, r->in.len - len - 1);
			strbuf_setlen(&r->in, r->in.len - len - 1);
			if (!*out || !json_is_object(*out)) {
				json_decref(*out);
				*out = NULL;
				strbuf_addstr(err, "the Python helper sent a reply that is not a JSON object");
				return -1;
			}
			return 0;
		}
		n = read(r->rfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			helper_gone(r, err);
			return -1;
		}
		strbuf_add(&r->in, buf, (size_t)n);
	}
}

/* {"error": ...} into err; returns 1 for an error reply */
static int reply_error(json_t *reply, struct strbuf *err)
{
	json_t *e = json_object_get(reply, "error");

	if (!e)
		return 0;
	strbuf_addstr(err, json_is_string(e) ? json_string_value(e) : "the Python helper failed");
	return 1;
}

static void add_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, value ? json_string(value) : json_null());
}

static json_t *rows_json(const struct graph *g, const struct revlist *rows)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < rows->n; i++)
		json_array_append_new(a, json_string(g->revs[rows->v[i]].id));
	return a;
}

/* ------------------------------------------------------------------
 * Start, run, finish
 */

static int spawn(struct pyrun *r, const char *helper, struct strbuf *err)
{
	int req[2] = { -1, -1 }, rep[2] = { -1, -1 }, ex[2] = { -1, -1 };
	int saved;
	ssize_t n;

	if (pipe2(req, O_CLOEXEC) || pipe2(rep, O_CLOEXEC) || pipe2(ex, O_CLOEXEC)) {
		strbuf_addf(err, "cannot make pipes for the Python helper: %s", strerror(errno));
		goto fail;
	}
	fflush(stdout);
	fflush(stderr);
	r->pid = fork();
	if (r->pid < 0) {
		strbuf_addf(err, "cannot start the Python helper: %s", strerror(errno));
		goto fail;
	}
	if (!r->pid) {
		char fds[64];
		char *argv[4];

		/* the helper's own ends stay open across exec */
		fcntl(req[0], F_SETFD, 0);
		fcntl(rep[1], F_SETFD, 0);
		snprintf(fds, sizeof(fds), "%d,%d", req[0], rep[1]);
		setenv("GIT_DBMIG_HELPER_FDS", fds, 1);
		argv[0] = r->py.path.buf;
		argv[1] = (char *)helper;
		argv[2] = NULL;
		execv(argv[0], argv);
		saved = errno;
		if (write(ex[1], &saved, sizeof(saved)) < 0)
			_exit(127);
		_exit(127);
	}
	close(req[0]);
	close(rep[1]);
	close(ex[1]);
	r->wfd = req[1];
	r->rfd = rep[0];
	n = read(ex[0], &saved, sizeof(saved));
	close(ex[0]);
	if (n == (ssize_t)sizeof(saved)) {
		waitpid(r->pid, NULL, 0);
		r->pid = -1;
		strbuf_addf(err, "cannot run Python '%s' (%s): %s", r->py.path.buf, r->py.how,
			    strerror(saved));
		return -1;
	}
	return 0;
fail:
	if (req[0] >= 0) {
		close(req[0]);
		close(req[1]);
	}
	if (rep[0] >= 0) {
		close(rep[0]);
		close(rep[1]);
	}
	if (ex[0] >= 0) {
		close(ex[0]);
		close(ex[1]);
	}
	return -1;
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *pyrun_revision_json(const struct graph *g, int i)
{
	const struct revfile *rf = g->revs[i].rf;
	json_t *o = json_object();

	add_str(o, "revision", rf->revision);
	add_str(o, "path", g->revs[i].path);
	add_str(o, "message", rf->message);
	json_object_set_new(o, "down_revision", strings_json(rf->down_revision, rf->ndown));
	json_object_set_new(o, "branch_labels", strings_json(rf->branch_labels, rf->nlabels));
	json_object_set_new(o, "depends_on", strings_json(rf->depends_on, rf->ndeps));
	return o;
}

/* The graph's .sql revisions, for Alembic's revision map (see the helper). */
static json_t *sql_revisions(const struct graph *g)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < g->nr; i++)
		if (g->revs[i].rf->kind != REVFILE_PY)
			json_array_append_new(a, pyrun_revision_json(g, (int)i));
	return a;
}

/*
 * The halves of squashed .py revisions split for this database (see
 * squash_split_rows): the helper puts them into Alembic's revision map
 * in the place of the squashed revision, each running a slice of its
 * parts.
 */
static json_t *squash_splits(const struct graph *g)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < g->nr; i++) {
		const struct revfile *rf = g->revs[i].rf;
		json_t *o;

		if (!rf->part_of)
			continue;
		o = pyrun_revision_json(g, (int)i);
		add_str(o, "part_of", rf->part_of);
		add_str(o, "after", rf->part_after);
		add_str(o, "upto", rf->part_upto);
		json_array_append_new(a, o);
	}
	return a;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	return remove(path);
}

/*
 * --at and --staged: env.py, the revisions and the project's modules
 * must be that commit's (or the index's), so its files are checked out
 * into a temporary folder, and the helper runs there: cwd and config
 * are mapped into it. A relative sqlite:/// URL keeps meaning the user's
 * folder (the helper makes it absolute).
 */
static int materialise(struct pyrun *r, const struct project *p, json_t *req,
		       struct strbuf *err)
{
	const char *tmp = getenv("TMPDIR");
	struct strbuf dir = STRBUF_INIT, sub = STRBUF_INIT;
	char *top = NULL, cwd[PATH_MAX];
	size_t n;
	int ret = -1;

	strbuf_addf(&dir, "%s/git-dbmig-at.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir.buf)) {
		strbuf_addf(err, "cannot make a temporary folder: %s", strerror(errno));
		goto cleanup;
	}
	r->tmpdir = xstrdup(dir.buf);
	if (source_git_materialise(&top, p->opts->at, r->tmpdir, err))
		goto cleanup;
	if (!getcwd(cwd, sizeof(cwd))) {
		strbuf_addf(err, "cannot read the current folder: %s", strerror(errno));
		goto cleanup;
	}
	n = strlen(top);
	strbuf_addf(&sub, "%s/", cwd);
	if (!strncmp(sub.buf, top, n)) {
		strbuf_reset(&sub);
		strbuf_addf(&sub, "%s/%s", r->tmpdir, cwd + n < cwd + strlen(cwd) ? cwd + n : "");
		add_str(req, "chdir", sub.buf);
	}
	add_str(req, "orig_cwd", cwd);
	if (p->ini_path && !strncmp(p->ini_path, top, n)) {
		strbuf_reset(&sub);
		strbuf_addf(&sub, "%s/%s", r->tmpdir, p->ini_path + n);
		add_str(req, "config", sub.buf);
	}
	if (p->toml_path && !strncmp(p->toml_path, top, n)) {
		strbuf_reset(&sub);
		strbuf_addf(&sub, "%s/%s", r->tmpdir, p->toml_path + n);
		add_str(req, "toml", sub.buf);
	}
	ret = 0;
cleanup:
	free(top);
	strbuf_release(&dir);
	strbuf_release(&sub);
	return ret;
}

int pyrun_start(struct pyrun **out, const struct project *p,
		const char *const *revs, size_t nrevs, const char *target,
		const char *tag, int verbose, struct strbuf *err)
{
	struct pyrun *r = xcalloc(1, sizeof(*r));
	struct strbuf helper = STRBUF_INIT, e = STRBUF_INIT;
	json_t *req = NULL, *reply = NULL, *a;
	size_t i;
	int ret = -1;

	*out = NULL;
	r->pid = -1;
	r->wfd = r->rfd = -1;
	strbuf_init(&r->in, 0);
	if (pyrun_find_python(&r->py, err) || pyrun_helper_path(&helper, err) ||
	    spawn(r, helper.buf, err))
		goto cleanup;

	req = json_object();
	add_str(req, "op", "load");
	add_str(req, "config", p->ini_path);
	add_str(req, "toml", p->toml_path);
	add_str(req, "name", p->opts && p->opts->name ? p->opts->name : "alembic");
	add_str(req, "url", p->url);
	if (p->url) {
		struct url *u = NULL;
		struct strbuf d = STRBUF_INIT;

		if (!url_parse(&u, p->url, &e)) {
			url_display(&d, u);
			add_str(req, "display", d.buf);
		}
		strbuf_reset(&e);
		url_free(u);
		strbuf_release(&d);
	}
	a = json_array();
	for (i = 0; p->opts && i < p->opts->nx; i++) {
		struct strbuf kv = STRBUF_INIT;

		strbuf_addf(&kv, "%s=%s", p->opts->x[i].key, p->opts->x[i].value);
		json_array_append_new(a, json_string(kv.buf));
		strbuf_release(&kv);
	}
	json_object_set_new(req, "x", a);
	a = json_array();
	for (i = 0; i < nrevs; i++)
		json_array_append_new(a, json_string(revs[i]));
	json_object_set_new(req, "revisions", a);
	json_object_set_new(req, "sql_revisions", sql_revisions(p->graph));
	json_object_set_new(req, "squash_splits", squash_splits(p->graph));
	add_str(req, "target", target);
	add_str(req, "tag", tag);
	json_object_set_new(req, "verbose", json_integer(verbose));
	if (p->opts && (p->opts->at || p->opts->staged) && materialise(r, p, req, err))
		goto cleanup;
	if (send_json(r, req, err)) {
		helper_gone(r, err);
		goto cleanup;
	}
	if (recv_json(r, &reply, err))
		goto cleanup;
	if (reply_error(reply, err))
		goto cleanup;
	ret = 0;
cleanup:
	json_decref(req);
	json_decref(reply);
	strbuf_release(&helper);
	strbuf_release(&e);
	if (ret) {
		pyrun_finish(r);
		r = NULL;
	}
	*out = r;
	return ret;
}

static json_t *log_json(void)
{
	static char host[256], user[64];
	static int looked_up;
	json_t *o = json_object();

	if (!looked_up) {
		struct passwd *pw = getpwuid(getuid());

		gethostname(host, sizeof(host) - 1);
		if (pw)
			snprintf(user, sizeof(user), "%s", pw->pw_name);
		looked_up = 1;
	}
	add_str(o, "os_user", *user ? user : NULL);
	add_str(o, "host", host);
	add_str(o, "tool_version", DBMIG_VERSION);
	return o;
}

int pyrun_segment(struct pyrun *r, const struct project *p,
		  const struct plan *plan, size_t first, size_t last,
		  const struct revlist *before, const struct revlist *after,
		  int one_transaction, const struct pyrun_offline *offline,
		  pyrun_begin_fn begin, void *data, size_t *failed_step,
		  struct strbuf *err)
{
	const struct graph *g = p->graph;
	json_t *req = json_object(), *steps = json_array(), *reply = NULL;
	size_t i;
	int ret = -1;

	*failed_step = (size_t)-1;
	add_str(req, "op", "run");
	add_str(req, "cmd", plan->steps[first].kind == STEP_UPGRADE ? "upgrade" : "downgrade");
	json_object_set_new(req, "rows_before", rows_json(g, before));
	for (i = first; i < last; i++) {
		const struct step *s = &plan->steps[i];
		const struct rev *rv = &g->revs[s->rev];
		json_t *o = json_object();

		add_str(o, "revision", rv->id);
		add_str(o, "kind", s->kind == STEP_UPGRADE ? "upgrade" : "downgrade");
		add_str(o, "blob", *rv->blob ? rv->blob : NULL);
		add_str(o, "path", rv->path);
		json_object_set_new(o, "rows_after", rows_json(g, &after[i]));
		json_array_append_new(steps, o);
	}
	json_object_set_new(req, "steps", steps);
	json_object_set_new(req, "one_transaction", json_boolean(one_transaction));
	if (offline && offline->sql) {
		json_object_set_new(req, "sql", json_true());
		add_str(req, "starting_rev", offline->start);
	}
	add_str(req, "version_table", p->version_table);
	add_str(req, "version_table_schema", p->version_table_schema);
	json_object_set_new(req, "log", log_json());
	fflush(stdout);
	if (send_json(r, req, err)) {
		helper_gone(r, err);
		goto cleanup;
	}
	for (;;) {
		json_t *v;

		json_decref(reply);
		if (recv_json(r, &reply, err))
			goto cleanup;
		if ((v = json_object_get(reply, "begin")) && json_is_integer(v)) {
			if (begin)
				begin(first + (size_t)json_integer_value(v), data);
			continue;
		}
		if (json_object_get(reply, "done"))
			continue;
		if (reply_error(reply, err)) {
			v = json_object_get(reply, "step");
			if (v && json_is_integer(v))
				*failed_step = first + (size_t)json_integer_value(v);
			goto cleanup;
		}
		break;
	}
	ret = 0;
cleanup:
	json_decref(req);
	json_decref(reply);
	return ret;
}

int pyrun_request(struct pyrun *r, json_t *req, json_t **reply, struct strbuf *err)
{
	*reply = NULL;
	fflush(stdout);
	if (send_json(r, req, err)) {
		helper_gone(r, err);
		return -1;
	}
	if (recv_json(r, reply, err))
		return -1;
	if (reply_error(*reply, err)) {
		json_decref(*reply);
		*reply = NULL;
		return -1;
	}
	return 0;
}

void pyrun_finish(struct pyrun *r)
{
	if (!r)
		return;
	if (r->wfd >= 0)
		close(r->wfd);
	if (r->rfd >= 0)
		close(r->rfd);
	if (r->pid > 0)
		waitpid(r->pid, NULL, 0);
	strbuf_release(&r->in);
	pyrun_python_release(&r->py);
	if (r->tmpdir) {
		nftw(r->tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
		free(r->tmpdir);
	}
	free(r);
}
