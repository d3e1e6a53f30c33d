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
#   {"op": "record", "dialect", "server_url", "steps": {"upgrade": [...],
#    "downgrade": [...]}, "convert": [ID, ...], "sql_revisions",
#    "sql_bodies", "x", ...}
#       convert: runs the steps (the whole graph up, then down) twice on
#       scratch databases of their own, recording the statements each
#       revision of "convert" executes; answers {"revisions": {ID:
#       {"upgrade": [SQL], "downgrade": [SQL], "reasons": [TEXT]}}}.
#   {"op": "prove", "converted": {ID: {"upgrade": TEXT, "downgrade": TEXT}}}
#       runs the same steps with those bodies in place of the .py
#       revisions and compares schema, data and version rows after every
#       step with the first recording run; answers {"steps": N,
#       "differences": [TEXT]}. The scratch databases are dropped.
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
import re
import sys
import time
import traceback

# env.py, the revisions and the project's modules are imported from the
# work tree (or a commit's files): no __pycache__ is left there, so that
# a dry run, a refused command or a read-only one writes no file into the
# repository. Existing .pyc files are still read.
sys.dont_write_bytecode = True

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
            if req.get("sql_revisions") or req.get("squash_splits"):
                add_sql_revisions(self.script, req.get("sql_revisions") or [],
                                  req.get("squash_splits") or [])
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

    # -- convert ------------------------------------------------------

    def do_record(self, req):
        """
        convert, part one: run the plan twice on scratch databases of
        their own, recording what each converted revision executes.
        """
        self.conv = Scratch(self, req)
        try:
            runs = []
            for n in (1, 2):
                runs.append(self.conv.run(
                    "record %d" % n, sql_bodies=req.get("sql_bodies") or {},
                    record=set(req["convert"]), snapshot=(n == 1)))
        except Failure:
            self.conv.drop_all()
            raise
        first, second = runs
        out = {}
        for rev in req["convert"]:
            r = first.revs.get(rev) or Recorded()
            r2 = second.revs.get(rev) or Recorded()
            reasons = list(r.reasons)
            for d in ("upgrade", "downgrade"):
                a, b = getattr(r, d), getattr(r2, d)
                if a != b:
                    k = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]),
                             min(len(a), len(b)))
                    reasons.append(
                        "its %s gives different SQL on a second scratch run (%s, then %s)"
                        % (d, short(a[k]) if k < len(a) else "nothing",
                           short(b[k]) if k < len(b) else "nothing"))
            out[rev] = {"upgrade": r.upgrade, "downgrade": r.downgrade,
                        "reasons": reasons}
        self.conv.snaps = first.snaps
        return {"ok": True, "revisions": out, "scratch": self.conv.where}

    def do_prove(self, req):
        """
        convert, part two: the same plan on a third scratch database with
        the converted revisions as .sql bodies; schema, data and version
        rows after every step must be those of the recording run.
        """
        conv = self.conv
        try:
            bodies = dict(conv.req.get("sql_bodies") or {})
            bodies.update(req["converted"])
            run = conv.run("proof", sql_bodies=bodies, record=set(),
                           snapshot=True, override=set(req["converted"]))
        finally:
            conv.drop_all()
        diffs = []
        for (what, a), (_, b) in zip(conv.snaps, run.snaps):
            if a != b:
                diffs.append("after %s: %s" % (what, snap_diff(a, b)))
        if len(conv.snaps) != len(run.snaps):
            diffs.append("the runs took %d and %d steps" % (len(conv.snaps), len(run.snaps)))
        return {"ok": True, "steps": len(run.snaps), "differences": diffs}

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
                elif req["op"] in ("record", "prove"):
                    try:
                        self.send(self.do_record(req) if req["op"] == "record"
                                  else self.do_prove(req))
                    except Failure:
                        raise
                    except Exception as e:
                        if self.load.get("verbose"):
                            traceback.print_exc()
                        raise Failure("convert failed: %s" % describe(e, None, "the scratch run")
                                      .split(" failed", 1)[-1].lstrip(": "))
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


def header_module(name, doc, h):
    """A module standing for a revision file, with the header git-dbmig
    sent for it (revision, down_revision, branch_labels, depends_on) as
    Alembic reads them from a .py file: None, one id, or a tuple."""
    import types

    def one(v):
        v = tuple(v or ())
        return None if not v else v[0] if len(v) == 1 else v

    mod = types.ModuleType(name)
    mod.__doc__ = doc
    mod.revision = h["revision"]
    mod.down_revision = one(h.get("down_revision"))
    mod.branch_labels = one(h.get("branch_labels"))
    mod.depends_on = one(h.get("depends_on"))
    return mod


def add_sql_revisions(script, revs, splits=()):
    """
    A project that mixes git-dbmig's .sql revisions with .py ones: Alembic
    does not read .sql files, so its revision map gets a Script without
    bodies for each (git-dbmig runs those itself), built from git-dbmig's
    graph, and .py revisions can name them in down_revision and
    depends_on.

    splits: a database whose version table names a revision that "git
    dbmig squash" folded into a .py head. git-dbmig splits the head in
    two at that id for the run; each half here is a Script whose
    upgrade() and downgrade() run a slice of the head's parts through
    its run_parts(), in the place of the head.
    """
    from alembic.script import Script
    from alembic.script.revision import RevisionMap

    load_py = script._load_revisions
    halves = {}
    for h in splits:
        halves.setdefault(h["part_of"], []).append(h)

    def half(sc, h):
        head = sc.module
        if not callable(getattr(head, "run_parts", None)):
            raise Failure("%s lists %s in squashes but has no run_parts(); it was not "
                          "written by git dbmig squash" % (sc.path, h["upto"] or h["after"]))
        mod = header_module(head.__name__ + "_" + re.sub(r"\W", "_", h["revision"]),
                            head.__doc__, h)

        def upgrade():
            head.run_parts("upgrade", after=h.get("after"), upto=h.get("upto"))

        def downgrade():
            head.run_parts("downgrade", after=h.get("after"), upto=h.get("upto"))

        mod.upgrade, mod.downgrade = upgrade, downgrade
        return Script(mod, h["revision"], sc.path)

    def load():
        for sc in load_py():
            if sc.revision in halves:
                for h in halves[sc.revision]:
                    yield half(sc, h)
            else:
                yield sc
        for r in revs:
            mod = header_module("git_dbmig_sql_revision", r.get("message") or "", r)
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


# ------------------------------------------------------------------
# convert: scratch databases, recording, snapshots

_recorder = None   # the Recording being made, or None


class Recorded:
    def __init__(self):
        self.upgrade = []
        self.downgrade = []
        self.reasons = []

    def because(self, why):
        if why not in self.reasons:
            self.reasons.append(why)


class RunResult:
    def __init__(self):
        self.revs = {}
        self.snaps = []


_TX = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END")
_READ = ("SELECT", "WITH", "PRAGMA", "SHOW", "EXPLAIN", "VALUES")
_CATALOG = ("sqlite_master", "sqlite_schema", "sqlite_temp_master", "pragma_",
            "pg_catalog", "information_schema", "pg_", "current_schema",
            "sqlite_version", "version()")


def short(stmt, n=70):
    s = " ".join(stmt.split())
    return "'%s'" % (s if len(s) <= n else s[:n - 3] + "...")


def where_in(path):
    """'FILE:LINE' of the innermost frame in the revision file path."""
    want = os.path.realpath(path) if path else None
    for fs in reversed(traceback.extract_stack()):
        if want and os.path.realpath(fs.filename) == want:
            return "%s:%s" % (os.path.basename(fs.filename), fs.lineno)
    return None


def first_word(stmt):
    s = stmt.lstrip()
    while s.startswith("--") or s.startswith("/*"):
        if s.startswith("--"):
            s = s.split("\n", 1)[1].lstrip() if "\n" in s else ""
        else:
            s = s.split("*/", 1)[1].lstrip() if "*/" in s else ""
    w = s.split(None, 1)
    return (w[0].rstrip(";").upper() if w else ""), s


def sqlite_literal(dialect, v):
    import sqlalchemy as sa
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "X'%s'" % bytes(v).hex().upper()
    if isinstance(v, float) and v != v:
        raise Failure("a NaN parameter has no SQLite literal")
    return str(sa.literal(v).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def sqlite_render(dialect, stmt, params):
    """stmt with its ?, ?NNN or :name parameters written as literals."""
    out = []
    i = 0
    pos = 0
    n = len(stmt)
    while i < n:
        c = stmt[i]
        if c in "'\"`[":
            end = {"[": "]"}.get(c, c)
            j = stmt.find(end, i + 1)
            while j >= 0 and end != "]" and j + 1 < n and stmt[j + 1] == end:
                j = stmt.find(end, j + 2)
            j = n - 1 if j < 0 else j
            out.append(stmt[i:j + 1])
            i = j + 1
            continue
        if c == "-" and stmt.startswith("--", i):
            j = stmt.find("\n", i)
            j = n if j < 0 else j
            out.append(stmt[i:j])
            i = j
            continue
        if c == "?":
            j = i + 1
            while j < n and stmt[j].isdigit():
                j += 1
            k = int(stmt[i + 1:j]) - 1 if j > i + 1 else pos
            pos = k + 1
            out.append(sqlite_literal(dialect, params[k]))
            i = j
            continue
        if c in ":@$" and isinstance(params, dict) and i + 1 < n and \
                (stmt[i + 1].isalpha() or stmt[i + 1] == "_"):
            j = i + 1
            while j < n and (stmt[j].isalnum() or stmt[j] == "_"):
                j += 1
            name = stmt[i + 1:j]
            if name in params:
                out.append(sqlite_literal(dialect, params[name]))
                i = j
                continue
        out.append(c)
        i += 1
    return "".join(out)


def render(cursor, dialect, stmt, params):
    """One statement as the database receives it, parameters as literals."""
    if dialect.name == "sqlite":
        if not params:
            return stmt
        return sqlite_render(dialect, stmt, params)
    if dialect.name == "postgresql" and hasattr(cursor, "mogrify"):
        # psycopg2's own rendering: the text the server is sent
        if params is None:
            return stmt
        m = cursor.mogrify(stmt, params)
        if isinstance(m, bytes):
            # the connection's client encoding, in Python's name for it
            # (SQLAlchemy 2.0's dialect no longer has an encoding)
            enc = getattr(getattr(cursor, "connection", None), "encoding", None)
            try:
                from psycopg2.extensions import encodings
                enc = encodings.get(enc, enc)
            except ImportError:
                pass
            m = m.decode(enc or "utf-8")
        return m
    if not params:
        return stmt
    raise Failure("convert cannot write the parameters of %s as %s literals "
                  "(driver %s)" % (short(stmt), dialect.name, dialect.driver))


def on_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    rec = _recorder
    if rec is None or rec.current is None:
        return
    rec.statement(conn, cursor, statement, parameters, executemany)


def audit(event, args):
    rec = _recorder
    if rec is None or rec.current is None:
        return
    what = None
    if event == "open":
        path, mode, flags = (list(args) + [None, None, None])[:3]
        write = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
            (isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        p = str(path)
        if write and "__pycache__" not in p and not p.endswith(".pyc") and \
                not p.startswith(rec.scratch_dir):
            what = "writes the file %s" % p
    elif event == "socket.connect":
        what = "opens a network connection to %s" % (args[1],)
    elif event in ("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec", "os.spawn"):
        what = "runs a program (%s)" % (args[0] if args else event,)
    elif event == "urllib.Request":
        what = "makes an HTTP request to %s" % (args[0],)
    elif event == "sqlite3.connect":
        db = str(args[0]) if args else ""
        if not db.startswith(rec.scratch_dir):
            what = "opens the SQLite database %s" % db
    if what:
        rec.because(what)


_hooks_done = False


def install_recording():
    global _hooks_done
    if _hooks_done:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    event.listen(Engine, "before_cursor_execute", on_cursor_execute)
    if hasattr(sys, "addaudithook"):
        sys.addaudithook(audit)
    _hooks_done = True


class Recording:
    def __init__(self, scratch, result, record):
        self.scratch = scratch
        self.scratch_dir = scratch.dir
        self.result = result
        self.record = record
        self.current = None   # (revision id, direction, path) while a body runs

    def because(self, why):
        rev, d, path = self.current
        at = where_in(path)
        self.result.revs.setdefault(rev, Recorded()).because(
            "its %s %s%s" % (d, why, " at %s" % at if at else ""))

    def statement(self, conn, cursor, statement, parameters, executemany):
        rev, d, path = self.current
        if rev not in self.record:
            return
        if str(conn.engine.url) != self.scratch.url_str:
            self.because("runs SQL on another database (%s)"
                         % conn.engine.url.render_as_string(hide_password=True)
                         if hasattr(conn.engine.url, "render_as_string") else "runs SQL on another database")
            return
        word, body = first_word(statement)
        if word in _TX:
            return
        vt = self.scratch.version_table
        if re.search(r'(?<![A-Za-z0-9_])"?%s"?(?![A-Za-z0-9_])' % re.escape(vt), body):
            return
        if word in _READ and not (word == "PRAGMA" and "=" in body) and \
                not (word == "WITH" and re.search(r"\b(INSERT|UPDATE|DELETE)\b", body, re.I)):
            low = body.lower()
            if word == "PRAGMA" or any(c in low for c in _CATALOG):
                return  # Alembic's and SQLAlchemy's reflection of the schema
            self.because("queries rows (%s)" % short(body))
            return
        # executemany: a sequence of parameter sets, except for SQLAlchemy
        # 2.0's "insertmanyvalues", one statement of many VALUES rows whose
        # one set of parameters comes flagged as executemany
        many = executemany and isinstance(parameters, (list, tuple)) and \
            all(isinstance(ps, (dict, list, tuple)) for ps in parameters)
        sets = parameters if many else [parameters]
        out = getattr(self.result.revs.setdefault(rev, Recorded()), d)
        for ps in sets:
            out.append(render(cursor, conn.dialect, statement, ps).strip())


class Scratch:
    """Scratch databases for convert: SQLite files in a temporary folder,
    or PostgreSQL databases made on the server --url names."""

    def __init__(self, bridge, req):
        import tempfile
        self.bridge = bridge
        self.req = req
        self.dialect = req["dialect"]
        self.server = req.get("server_url")
        self.version_table = req.get("version_table") or "alembic_version"
        self.dir = tempfile.mkdtemp(prefix="git-dbmig-convert.")
        self.made = []
        self.snaps = []
        self.where = ("SQLite files in %s" % self.dir if self.dialect == "sqlite"
                      else "PostgreSQL databases on %s" % req.get("server_display"))
        self.url_str = None

    def make(self, n):
        if self.dialect == "sqlite":
            return "sqlite:///" + os.path.join(self.dir, "scratch%d.db" % n)
        import sqlalchemy as sa
        from sqlalchemy.engine.url import make_url
        name = "dbmig_convert_%d_%d_%d" % (os.getpid(), int(time.time() * 1000) % 100000000, n)
        try:
            eng = sa.create_engine(self.server, isolation_level="AUTOCOMMIT",
                                   poolclass=sa.pool.NullPool)
            with eng.connect() as c:
                c.exec_driver_sql('CREATE DATABASE "%s"' % name)
            eng.dispose()
        except Exception as e:
            msg = " ".join(str(getattr(e, "orig", None) or e).split())
            raise Failure("convert cannot create a scratch database on %s: %s "
                          "(name with --url a server where the role may CREATE DATABASE; "
                          "nothing was written)" % (self.req.get("server_display"), msg))
        self.made.append(name)
        return make_url(self.server).set(database=name).render_as_string(hide_password=False)

    def drop_all(self):
        import shutil
        if self.made:
            import sqlalchemy as sa
            try:
                eng = sa.create_engine(self.server, isolation_level="AUTOCOMMIT",
                                       poolclass=sa.pool.NullPool)
                with eng.connect() as c:
                    for name in self.made:
                        c.exec_driver_sql(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = '%s' AND pid <> pg_backend_pid()" % name)
                        c.exec_driver_sql('DROP DATABASE IF EXISTS "%s"' % name)
                eng.dispose()
            except Exception as e:
                sys.stderr.write("warning: convert could not drop its scratch databases %s: %s\n"
                                 % (", ".join(self.made), e))
            self.made = []
        shutil.rmtree(self.dir, ignore_errors=True)

    def run(self, what, sql_bodies, record, snapshot, override=()):
        global _recorder
        from alembic.runtime import migration
        from alembic.runtime.environment import EnvironmentContext

        bridge = self.bridge
        script = bridge.script
        self._n = getattr(self, "_n", 0) + 1
        url = self.make(self._n)
        from sqlalchemy.engine.url import make_url
        self.url_str = str(make_url(url))
        bridge.cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        os.environ["SQLALCHEMY_URL"] = url
        bridge.cfg.cmd_opts.x = list(self.req.get("x") or [])
        set_revision_map(script, self.req.get("sql_revisions") or [], sql_bodies, override)
        result = RunResult()
        rec = Recording(self, result, record)
        install_recording()
        for cmd in ("upgrade", "downgrade"):
            steps = self.req["steps"][cmd]
            state = {"i": -1}
            objs = []
            for i, st in enumerate(steps):
                sc = script.get_revision(st["revision"])
                step = migration.RevisionStep(script.revision_map, sc, cmd == "upgrade")
                step.migration_fn = recorded_fn(step.migration_fn, i, state, rec,
                                                st["revision"], cmd, sc.path)
                objs.append(step)

            def fn(heads, context, objs=objs):
                end_read_transaction(context.connection, False)
                return objs

            def applied(ctx, step, heads, run_args, steps=steps, state=state, cmd=cmd):
                if snapshot:
                    result.snaps.append(("%s %s" % (cmd, steps[state["i"]]["revision"]),
                                         snapshot_of(ctx.connection, self.version_table)))

            env = EnvironmentContext(bridge.cfg, script, fn=fn)

            def configure(*args, env=env, applied=applied, **kw):
                cbs = kw.get("on_version_apply") or []
                if callable(cbs):
                    cbs = [cbs]
                kw["on_version_apply"] = list(cbs) + [applied]
                kw["transaction_per_migration"] = True
                conn = kw.get("connection")
                dialect = getattr(conn, "dialect", None)
                if dialect is not None and dialect.name != self.dialect:
                    raise Failure("env.py connects to a %s database where convert made a %s "
                                  "scratch database (%s)" % (dialect.name, self.dialect, self.where))
                if dialect is not None and dialect.name == "sqlite" and \
                        kw.get("transactional_ddl") is None:
                    kw["transactional_ddl"] = True
                return EnvironmentContext.configure(env, *args, **kw)

            env.configure = configure
            x_arg = env.get_x_argument

            def get_x_argument(*args, x_arg=x_arg, **kw):
                if rec.current is not None and rec.current[0] in rec.record:
                    rec.because("reads -x arguments (context.get_x_argument)")
                return x_arg(*args, **kw)

            env.get_x_argument = get_x_argument
            _recorder = rec
            try:
                with env:
                    script.run_env()
            except Failure:
                raise
            except BaseException as e:  # noqa: B036
                i = state["i"]
                if bridge.load.get("verbose"):
                    traceback.print_exc()
                    sys.stderr.flush()
                if 0 <= i < len(steps):
                    sc = script.get_revision(steps[i]["revision"])
                    raise Failure("convert: %s %s failed on the scratch database (%s run): %s"
                                  % (cmd, steps[i]["revision"], what,
                                     describe(e, sc.path, "%s %s" % (cmd, steps[i]["revision"]))
                                     .split(" failed ", 1)[-1]))
                raise Failure("convert: " + describe(e, os.path.join(script.dir, "env.py"), "env.py"))
            finally:
                _recorder = None
                rec.current = None
        return result


def recorded_fn(fn, i, state, rec, rev, direction, path):
    @functools.wraps(fn)
    def run(*args, **kw):
        state["i"] = i
        rec.current = (rev, direction, path)
        try:
            fn(*args, **kw)
        finally:
            rec.current = None
    return run


def run_sql_body(text):
    """A .sql body, as git-dbmig sends it: statement by statement."""
    from alembic import op
    import sqlite3
    conn = op.get_bind()
    raw = conn.connection
    cur = raw.cursor()
    try:
        if conn.dialect.name == "sqlite":
            buf = ""
            for line in text.splitlines(True):
                buf += line
                if sqlite3.complete_statement(buf):
                    if buf.strip():
                        cur.execute(buf)
                    buf = ""
            if buf.strip() and not all(l.strip().startswith("--") or not l.strip()
                                       for l in buf.splitlines()):
                cur.execute(buf)
        elif text.strip():
            cur.execute(text)
    finally:
        cur.close()


def set_revision_map(script, revs, bodies, override):
    """Alembic's revision map with .sql revisions given bodies (and, for
    the proof, the converted revisions in place of their .py files)."""
    from alembic.script import Script
    from alembic.script.revision import RevisionMap

    if not hasattr(script, "_git_dbmig_load_py"):
        script._git_dbmig_load_py = script._load_revisions
    load_py = script._git_dbmig_load_py

    def load():
        for sc in load_py():
            if sc.revision not in override:
                yield sc
        for r in revs:
            if r["revision"] not in bodies and r["revision"] not in override:
                continue
            b = bodies.get(r["revision"]) or {}
            mod = header_module("git_dbmig_sql_revision", r.get("message") or "", r)
            mod.upgrade = functools.partial(run_sql_body, b.get("upgrade") or "")
            mod.downgrade = functools.partial(run_sql_body, b.get("downgrade") or "")
            yield Script(mod, r["revision"], r["path"])

    script.revision_map = RevisionMap(load)


def snapshot_of(conn, version_table):
    """Schema and data of the scratch database, as comparable text."""
    out = []
    q = lambda s: [tuple(r) for r in conn.exec_driver_sql(s).fetchall()]
    if conn.dialect.name == "sqlite":
        objs = q("SELECT type, name, tbl_name, sql FROM sqlite_master "
                 "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name")
        out += [("schema", "%s %s" % (t, n), s) for t, n, _, s in objs]
        tables = [n for t, n, _, _ in objs if t == "table"]
        quote = lambda n: '"%s"' % n.replace('"', '""')
    else:
        ns = "NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
        out += [("schema", "column %s.%s.%s" % r[:3], repr(r[3:])) for r in q(
            "SELECT table_schema, table_name, column_name, data_type, "
            "character_maximum_length, numeric_precision, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema %s" % ns)]
        out += [("schema", "index %s.%s" % r[:2], r[2]) for r in q(
            "SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE schemaname %s" % ns)]
        out += [("schema", "constraint %s.%s" % r[:2], r[2]) for r in q(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace::regnamespace::text %s" % ns)]
        out += [("schema", "view %s.%s" % r[:2], r[2]) for r in q(
            "SELECT schemaname, viewname, definition FROM pg_views WHERE schemaname %s" % ns)]
        out += [("schema", "function %s.%s" % r[:2], r[2]) for r in q(
            "SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
            "pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname %s AND p.prokind IN ('f', 'p')" % ns)]
        out += [("schema", "trigger %s.%s" % r[:2], r[2]) for r in q(
            "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal")]
        out += [("schema", "sequence %s.%s" % r, "") for r in q(
            "SELECT sequence_schema, sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema %s" % ns)]
        tables = ["%s.%s" % r for r in q(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema %s" % ns)]
        quote = lambda n: ".".join('"%s"' % p.replace('"', '""') for p in n.split(".", 1))
    for t in sorted(tables):
        rows = sorted(repr(tuple(r)) for r in q("SELECT * FROM %s" % quote(t)))
        out += [("data", t, r) for r in rows]
    return sorted(out)


def snap_diff(a, b):
    sa_, sb = set(a), set(b)
    only_a = sorted(sa_ - sb)
    only_b = sorted(sb - sa_)
    parts = []
    for k, n, v in only_a[:3]:
        parts.append("the .py revisions give %s %s %s" % (k, n, short(str(v), 60)))
    for k, n, v in only_b[:3]:
        parts.append("the .sql revisions give %s %s %s" % (k, n, short(str(v), 60)))
    more = len(only_a) + len(only_b) - len(parts)
    return "; ".join(parts) + (" (and %d more)" % more if more > 0 else "")


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
