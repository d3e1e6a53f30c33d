# git-dbmig's bridge to Alembic: runs the .py revisions of a plan that
# git-dbmig made, through Alembic's own runtime and the project's env.py.
#
# git-dbmig (the C program) reads the graph, takes the run lock, decides
# the steps and the version rows each one must leave, and prints progress.
# It starts this file once per run, with the Python a user's "alembic"
# would use, and speaks to it over two pipes whose descriptors it names in
# GIT_DBMIG_HELPER_FDS ("IN,OUT"): one JSON object a line each way. The
# helper's stdout and stderr are git-dbmig's, so that env.py's logging and
# a body's print() reach the user as they do under Alembic.
#
# Requests, in order:
#   {"op": "load", "config": INI, "name": SECTION, "url": URL or null,
#    "x": ["K=V", ...], "revisions": [ID, ...], "verbose": 0 or 1, ...}
#       imports Alembic and SQLAlchemy, reads the config and the script
#       directory and loads every revision named; answers {"ok": true,
#       "alembic": VERSION, "sqlalchemy": VERSION} or {"error": TEXT}.
#   {"op": "run", "cmd": "upgrade"|"downgrade", "rows_before": [...],
#    "steps": [{"revision", "kind", "blob", "rows_after"}, ...], ...}
#       runs env.py once (as "alembic upgrade" does) with these steps as
#       the migration function's answer; sends {"begin": I} before and
#       {"done": I} after each step, then {"ok": true} or {"error": TEXT,
#       "step": I or null}. The rows Alembic leaves after each step are
#       checked against rows_after before the step commits.
# EOF on IN ends the helper.
#
# Only public or long-stable Alembic API is used (Config, ScriptDirectory,
# EnvironmentContext(fn=...), run_env(), RevisionStep, on_version_apply),
# so that Alembic 1.8 with SQLAlchemy 1.4 and Alembic 1.13 to 1.18 with
# SQLAlchemy 2.0 all work unchanged.

import argparse
import datetime
import functools
import inspect
import io
import json
import logging
import os
import sys
import time
import traceback

# Started as a script, Python put this folder first on sys.path; the
# "alembic" console script has no such entry, and env.py must not find
# this folder's files.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]


class Failure(Exception):
    """An error whose text is the whole message git-dbmig prints."""


class Bridge:
    def __init__(self, rd, wr):
        self.rd = rd
        self.wr = wr
        self.cfg = None
        self.script = None
        self.load = None

    def send(self, obj):
        self.wr.write(json.dumps(obj) + "\n")
        self.wr.flush()

    # -- load ---------------------------------------------------------

    def do_load(self, req):
        missing = []
        for mod in ("sqlalchemy", "alembic"):
            try:
                __import__(mod)
            except ImportError as e:
                missing.append("%s (%s)" % (mod, e))
        if missing:
            raise Failure(
                "the Python %s cannot import %s: install Alembic for it "
                "(pip install alembic, or apt install python3-alembic), or name "
                "another Python with GIT_DBMIG_PYTHON or git config dbmig.python"
                % (sys.executable, ", ".join(missing)))
        import alembic
        import sqlalchemy
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        self.load = req
        if req.get("chdir"):
            # --at/--staged: the files of that commit, checked out here
            os.chdir(req["chdir"])
        ns = argparse.Namespace(
            config=req["config"], name=req["name"], x=list(req.get("x") or []),
            raiseerr=bool(req.get("verbose")), quiet=False, sql=False,
            tag=req.get("tag"), revision=req.get("target"), cmd=None)
        toml = req.get("toml")
        kw = {}
        if toml and "toml_file" in inspect.signature(Config.__init__).parameters:
            kw["toml_file"] = toml  # Alembic 1.16+ reads [tool.alembic] itself
        cfg = Config(req["config"], ini_section=req["name"], cmd_opts=ns, **kw)
        if toml and not kw:
            apply_toml(cfg, toml)
        url = req.get("url")
        if url is not None and req.get("chdir"):
            url = absolute_sqlite(url, req.get("orig_cwd") or ".")
        if url is not None:
            check_dialect(url, req.get("display") or "the database URL")
        if url is not None:
            # --url reaches env.py both ways a env.py reads a URL
            cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
            os.environ["SQLALCHEMY_URL"] = url
        self.cfg = cfg
        try:
            self.script = ScriptDirectory.from_config(cfg)
            env_py = os.path.join(self.script.dir, "env.py")
            if not os.path.exists(env_py):
                raise Failure("%s is missing: Alembic runs .py revisions through the "
                              "project's env.py ('alembic init' writes one)" % env_py)
            if req.get("sql_revisions"):
                add_sql_revisions(self.script, req["sql_revisions"])
            for rev in req.get("revisions") or []:
                if self.script.get_revision(rev) is None:
                    raise Failure("Alembic finds no revision '%s' in %s"
                                  % (rev, self.script.versions))
        except Failure:
            raise
        except Exception as e:
            raise Failure(describe(e, None, "reading the revision files"))
        install_sqlite_transactions()
        quiet_step_lines()
        return {"ok": True, "alembic": alembic.__version__,
                "sqlalchemy": sqlalchemy.__version__,
                "python": sys.executable}

    # -- run ----------------------------------------------------------

    def do_run(self, req):
        from alembic.runtime import migration
        from alembic.runtime.environment import EnvironmentContext

        bridge = self
        script = self.script
        steps = req["steps"]
        one_tx = bool(req.get("one_transaction"))
        as_sql = bool(req.get("sql"))
        log = req.get("log") or {}
        state = {"i": -1, "t0": None, "started": None}
        objs = []

        for i, st in enumerate(steps):
            sc = script.get_revision(st["revision"])
            step = migration.RevisionStep(script.revision_map, sc,
                                          st["kind"] == "upgrade")
            step.migration_fn = wrap(step.migration_fn, i, state, self)
            objs.append(step)

        def fn(heads, context):
            mc = context
            state["calls"] = state.get("calls", 0) + 1
            if state["calls"] > 1:
                # env.py runs the migrations again: on the same database
                # (already where the plan leaves it) that is nothing to
                # do, as under Alembic; on another one (a multi-database
                # env.py, one run_migrations() per engine) it is refused
                done = set(steps[-1]["rows_after"]) if steps else set(req.get("rows_before") or ())
                if set(heads or ()) == done:
                    return []
                raise Failure(
                    "env.py runs the migrations a second time, on a database at %s "
                    "(a multi-database env.py runs them once per engine): git-dbmig "
                    "migrates the one database its URL names, %s, and leaves that "
                    "other one unchanged; give each database its own URL (a --target "
                    "each)" % (", ".join(sorted(heads)) if heads else "base",
                               bridge.load.get("display") or "git-dbmig's URL"))
            vt = getattr(mc, "version_table", None)
            vs = getattr(mc, "version_table_schema", None)
            if vt is not None and (vt != req["version_table"] or
                                   (vs or None) != (req.get("version_table_schema") or None)):
                raise Failure(
                    "env.py configures the version table %s, git-dbmig uses %s: "
                    "set version_table (and version_table_schema) in the config "
                    "to match (nothing was changed)"
                    % (qualified(vs, vt),
                       qualified(req.get("version_table_schema"), req["version_table"])))
            have = set(heads or ())
            want = set(req.get("rows_before") or ())
            if have != want and as_sql:
                raise Failure(
                    "Alembic starts the --sql script from [%s] where git-dbmig "
                    "starts from [%s]" % (", ".join(sorted(have)), ", ".join(sorted(want))))
            if have != want:
                raise Failure(
                    "env.py's database has the version rows [%s] where git-dbmig "
                    "read [%s]: env.py connects to another database than %s "
                    "(nothing was changed)"
                    % (", ".join(sorted(have)), ", ".join(sorted(want)),
                       bridge.load.get("display") or "git-dbmig's URL"))
            if not as_sql:
                end_read_transaction(mc.connection, one_tx)
            return objs

        def applied(ctx, step, heads, run_args):
            i = state["i"]
            want = set(steps[i]["rows_after"])
            if set(heads) != want:
                raise Failure(
                    "Alembic left the version rows [%s] after %s %s where "
                    "git-dbmig's plan says [%s]; the step was rolled back"
                    % (", ".join(sorted(heads)), steps[i]["kind"],
                       steps[i]["revision"], ", ".join(sorted(want))))
            if as_sql:
                return
            finished = now_iso()
            ms = int((time.time() - state["t0"]) * 1000)
            try:
                write_log(ctx, req, steps[i], log, state["started"], finished, ms)
            except Exception as e:
                raise Failure("cannot write dbmig_log after %s %s: %s"
                              % (steps[i]["kind"], steps[i]["revision"], e))

        # EnvironmentContext's module proxy (alembic.context) is set up
        # per class, so the instance's configure() is replaced, not the
        # class subclassed.
        env = EnvironmentContext(self.cfg, script, fn=fn, as_sql=as_sql,
                                 starting_rev=req.get("starting_rev"),
                                 destination_rev=req.get("target"),
                                 tag=req.get("tag"))

        def configure(*args, **kw):
            cbs = kw.get("on_version_apply") or []
            if callable(cbs):
                cbs = [cbs]
            kw["on_version_apply"] = list(cbs) + [applied]
            if as_sql:
                # --sql prints what "alembic upgrade --sql" prints
                return EnvironmentContext.configure(env, *args, **kw)
            # git-dbmig's transaction promise: each revision commits on
            # its own, or (--one-transaction) the whole run together.
            kw["transaction_per_migration"] = not one_tx
            conn = kw.get("connection")
            dialect = getattr(conn, "dialect", None)
            if dialect is not None and dialect.name == "sqlite" and \
                    kw.get("transactional_ddl") is None:
                # real BEGIN/COMMIT, see install_sqlite_transactions()
                kw["transactional_ddl"] = True
            return EnvironmentContext.configure(env, *args, **kw)

        env.configure = configure

        try:
            with env:
                script.run_env()
        except Failure as e:
            raise StepFailure(str(e), state["i"] if state["i"] >= 0 else None)
        except BaseException as e:  # noqa: B036 (SystemExit from env.py too)
            i = state["i"]
            if self.load.get("verbose"):
                traceback.print_exc()
                sys.stderr.flush()
            if i >= 0 and i < len(steps) and state.get("running"):
                st = steps[i]
                sc = script.get_revision(st["revision"])
                raise StepFailure(describe(e, sc.path, "%s %s" % (st["kind"], st["revision"])), i)
            env_py = os.path.join(script.dir, "env.py")
            raise StepFailure(describe(e, env_py, "env.py"), None)
        return {"ok": True}

    def serve(self):
        for line in self.rd:
            line = line.strip()
            if not line:
                continue
            req = json.loads(line)
            try:
                if req["op"] == "load":
                    self.send(self.do_load(req))
                elif req["op"] == "run":
                    self.send(self.do_run(req))
                else:
                    self.send({"error": "unknown request '%s'" % req["op"]})
            except StepFailure as e:
                self.send({"error": e.text, "step": e.step})
            except Failure as e:
                self.send({"error": str(e), "step": None})
            sys.stdout.flush()
            sys.stderr.flush()


class StepFailure(Exception):
    def __init__(self, text, step):
        Exception.__init__(self, text)
        self.text = text
        self.step = step


def wrap(fn, i, state, bridge):
    # Alembic names a step by its function ("-- Running upgrade a -> b")
    @functools.wraps(fn)
    def run(*args, **kw):
        state["i"] = i
        state["running"] = True
        state["t0"] = time.time()
        state["started"] = now_iso()
        bridge.send({"begin": i})
        fn(*args, **kw)
        state["running"] = False
    return run


def add_sql_revisions(script, revs):
    """
    A project that mixes git-dbmig's .sql revisions with .py ones: Alembic
    does not read .sql files, so its revision map gets a Script without
    bodies for each (git-dbmig runs those itself), built from git-dbmig's
    graph, and .py revisions can name them in down_revision and
    depends_on.
    """
    import types
    from alembic.script import Script
    from alembic.script.revision import RevisionMap

    load_py = script._load_revisions

    def one(v):
        v = tuple(v or ())
        return None if not v else v[0] if len(v) == 1 else v

    def load():
        for sc in load_py():
            yield sc
        for r in revs:
            mod = types.ModuleType("git_dbmig_sql_revision")
            mod.__doc__ = r.get("message") or ""
            mod.revision = r["revision"]
            mod.down_revision = one(r.get("down_revision"))
            mod.branch_labels = one(r.get("branch_labels"))
            mod.depends_on = one(r.get("depends_on"))
            yield Script(mod, r["revision"], r["path"])

    script.revision_map = RevisionMap(load)


def apply_toml(cfg, path):
    """[tool.alembic] of pyproject.toml for an Alembic older than 1.16,
    which reads only the ini: its keys become main options, as 1.16 reads
    them (lists joined with os.pathsep, %(here)s the file's folder), where
    the ini does not set them already."""
    try:
        import tomllib
    except ImportError:  # Python 3.10 and older
        try:
            import tomli as tomllib
        except ImportError:
            raise Failure("%s configures Alembic in [tool.alembic], which Alembic %s "
                          "cannot read and this Python has no TOML reader for; use "
                          "Alembic 1.16 or later" % (path, alembic_version()))
    with open(path, "rb") as f:
        table = tomllib.load(f).get("tool", {}).get("alembic", {})
    here = os.path.dirname(os.path.abspath(path))
    fc, section = cfg.file_config, cfg.config_ini_section

    def text(v):
        return str(v).replace("%(here)s", here).replace("%", "%%")

    for key, value in table.items():
        if not isinstance(value, (str, int, float, bool, list)):
            continue
        if fc.has_section(section) and fc.has_option(section, key):
            continue
        if isinstance(value, list):
            cfg.set_main_option(key, os.pathsep.join(text(v) for v in value))
            if key == "version_locations" and not fc.has_option(section, "version_path_separator"):
                cfg.set_main_option("version_path_separator", "os")
        else:
            cfg.set_main_option(key, text(value))


def alembic_version():
    import alembic
    return alembic.__version__


def check_dialect(url, display):
    """rqlite:// or libsql:// with no SQLAlchemy dialect for it: say so now."""
    from sqlalchemy.engine.url import make_url
    try:
        make_url(url).get_dialect()
    except Exception as e:
        raise Failure(
            "SQLAlchemy in %s has no dialect for %s (%s: %s), so Alembic cannot "
            "reach it; install one for that Python, or convert the .py revisions "
            "to .sql (nothing was changed)"
            % (sys.executable, display, type(e).__name__, e))


def absolute_sqlite(url, cwd):
    """sqlite:///relative.db keeps naming the user's folder after a chdir."""
    from sqlalchemy.engine.url import make_url
    try:
        u = make_url(url)
    except Exception:
        return url
    if not u.drivername.startswith("sqlite") or not u.database or \
            u.database == ":memory:" or os.path.isabs(u.database) or \
            u.database.startswith("file:"):
        return url
    return str(u.set(database=os.path.join(cwd, u.database)))


def end_read_transaction(conn, one_tx):
    """
    SQLAlchemy 2.0 begins a transaction for the read of the version rows,
    which on SQLite keeps a shared lock into the first step: a body that
    writes through a connection of its own (the seed's
    metadata.create_all(op.get_context().connection.engine)) would then
    wait for it, "database is locked". Each step begins its own.
    """
    if one_tx or conn is None or conn.dialect.name != "sqlite":
        return
    trans = conn.get_transaction()
    if trans is not None and trans.is_active:
        trans.commit()


def qualified(schema, table):
    return "%s.%s" % (schema, table) if schema else table


def now_iso():
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M:%S.%f") + "Z"


def write_log(ctx, req, st, log, started, finished, ms):
    from sqlalchemy import text

    table = qualified(req.get("version_table_schema"), "dbmig_log")
    ctx.connection.execute(
        text("INSERT INTO %s (revision, direction, blob_id, started_at, "
             "finished_at, duration_ms, os_user, host, tool_version) VALUES "
             "(:r, :d, :b, :s, :f, :ms, :u, :h, :v)" % table),
        {"r": st["revision"], "d": st["kind"], "b": st.get("blob") or None,
         "s": started, "f": finished, "ms": ms, "u": log.get("os_user"),
         "h": log.get("host"), "v": log.get("tool_version")})


def describe(exc, path, what):
    """'what failed at FILE:LINE: Type: message', FILE the deepest frame in path."""
    where = None
    tb = exc.__traceback__
    want = os.path.realpath(path) if path else None
    last = None
    for frame, line in traceback.walk_tb(tb):
        fname = frame.f_code.co_filename
        last = (fname, line)
        if want and os.path.realpath(fname) == want:
            where = (fname, line)
    if isinstance(exc, SyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno or 0)
    if where is None and want is None:
        where = last
    if isinstance(exc, SyntaxError):
        msg = "%s: %s" % (type(exc).__name__, exc.msg)
    else:
        msg = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        msg = " ".join(x.strip() for x in msg.splitlines() if x.strip())
    if where:
        return "%s failed at %s:%s: %s" % (what, where[0], where[1], msg)
    return "%s failed: %s" % (what, msg)


_sqlite_done = False


def install_sqlite_transactions():
    """
    Python's sqlite3 module opens no transaction before DDL, so a .py
    revision that creates a table and then fails would keep the table.
    SQLAlchemy's documented recipe for pysqlite makes BEGIN/COMMIT real,
    so that a revision's body and its version rows commit together, as
    they do for git-dbmig's .sql revisions.
    """
    global _sqlite_done
    if _sqlite_done:
        return
    import sqlite3
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool

    def on_connect(dbapi_conn, record):
        if isinstance(dbapi_conn, sqlite3.Connection):
            dbapi_conn.isolation_level = None

    def on_begin(conn):
        if conn.dialect.name == "sqlite" and conn.dialect.driver == "pysqlite":
            conn.exec_driver_sql("BEGIN")

    event.listen(Pool, "connect", on_connect)
    event.listen(Engine, "begin", on_begin)
    _sqlite_done = True


class _NoStepLines(logging.Filter):
    # git-dbmig prints its own "Running upgrade ..." line for each step
    def filter(self, record):
        return not (record.msg == "Running %s")


def quiet_step_lines():
    lg = logging.getLogger("alembic.runtime.migration")
    for f in lg.filters:
        if isinstance(f, _NoStepLines):
            return
    lg.addFilter(_NoStepLines())


def main():
    fds = os.environ.pop("GIT_DBMIG_HELPER_FDS", None)
    if not fds:
        sys.stderr.write("git_dbmig_alembic.py is started by git-dbmig, not by hand\n")
        return 2
    rfd, wfd = (int(x) for x in fds.split(","))
    rd = io.open(rfd, "r", encoding="utf-8", closefd=True)
    wr = io.open(wfd, "w", encoding="utf-8", closefd=True)
    Bridge(rd, wr).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
