#!/usr/bin/python3
"""Run the same commands with Alembic and with git-dbmig and compare.

    compare.py --project DIR --bin PATH --commands FILE
               [--mirror DIR] [--workdir DIR] [--alembic-subprocess] [-v]
               [--start-rows REV,REV] [--pre-sql SQL]

Each tool gets its own SQLite file (same starting rows).  The commands of
FILE (one a line; '#' starts a comment; a leading "alembic", "git dbmig" or
"git-dbmig" and a trailing "| sort" are dropped, so the seed document's
lines can be pasted) run in order against both databases, which evolve
through the sequence.  The first mismatch prints a diff and exits 1.

Rules (Alembic orders independent steps by Python set order, so its order
varies from run to run):
  * mutating commands (upgrade, downgrade, stamp): alembic_version rows equal
    as sets; failed-or-not equal; the MULTISET of "upgrade a -> b, msg" step
    lines equal; git-dbmig's order valid (an upgrade step comes after the
    steps of its down_revisions and depends_on targets in the plan, a
    downgrade step before them);
  * read-only commands (heads, branches, current, history, show): the sorted
    set of non-empty stdout lines equal ("Path:" lines normalised); failure
    equal;
  * failure messages are not compared, but a failing git-dbmig must print
    exactly one "FAILED:" line on stderr and must not die from a signal;
  * Alembic tracebacks (ALEMBIC_SEMANTICS 17, 25) are not compared: that is
    "alembic crashed"; git-dbmig must then have failed cleanly (rows
    unchanged) or succeeded, and both databases are restored from copies
    taken before the command;
  * a mismatch is re-checked by running Alembic again (subprocess) under
    PYTHONHASHSEED 0-5: if one of those runs agrees with git-dbmig, it is a
    note, not a mismatch (Alembic is not deterministic there);
  * Alembic before 1.13.1 (ticket #1373) left extra rows after a downgrade
    across a revision whose down revisions depend on one another; git-dbmig
    leaves the rows of 1.13.1 and later.  With such an Alembic, a
    downgrade that mismatches is run again in-process with
    RevisionStep._unmerge_to_revisions replaced by 1.13.1's (the whole
    fix): if that run agrees with git-dbmig in everything and the first
    run differed from it in the rows only, it is a note ("#1373"), not a
    mismatch.  With Alembic 1.13.1 and later nothing is accepted;
  * physical row order (what "downgrade -1" with several rows reads) is
    reported as a note when the sets agree but the orders differ, and
    git-dbmig's table is rewritten in Alembic's order so both go on from the
    same state.

Library use (alembic must be importable in-process unless
alembic_subprocess=True):
    s = Session(project, bin_path, workdir)
    o = s.run("upgrade heads")      # Outcome: .alembic, .dbmig (Result),
                                     # .problems, .crashed, .notes
"""

import argparse
import collections
import contextlib
import io
import os
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import atexit
import tempfile
import traceback

sys.dont_write_bytecode = True      # no __pycache__ in tests/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alembic_mirror  # noqa: E402

ALEMBIC_PYTHON = "/usr/bin/python3"
READ_ONLY = ("heads", "branches", "current", "history", "show")
MUTATING = ("upgrade", "downgrade", "stamp")
_STEP_RE = re.compile(r"Running (upgrade|downgrade) (.*)$")
_LOG_RE = re.compile(r"^(INFO|WARNI|WARN|DEBUG|ERROR|CRITI) +\[")


# ---------------------------------------------------------------------------
# databases

def sqlite_url(path):
    return "sqlite:///" + os.path.abspath(path)


def db_rows(path, table="alembic_version"):
    """Version rows in physical order (as Alembic reads them)."""
    if not os.path.exists(path):
        return []
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT version_num FROM %s" % table)]
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


def set_rows(path, rows, table="alembic_version"):
    """Make the version table hold rows, inserted in this order."""
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE IF NOT EXISTS %s (version_num VARCHAR(32) "
                    "NOT NULL, CONSTRAINT %s_pkc PRIMARY KEY (version_num))"
                    % (table, table))
        con.execute("DELETE FROM %s" % table)
        for r in rows:
            con.execute("INSERT INTO %s (version_num) VALUES (?)" % table, (r,))
        con.commit()
    finally:
        con.close()


def exec_sql(path, sql):
    con = sqlite3.connect(path)
    try:
        con.executescript(sql)
        con.commit()
    finally:
        con.close()


def snapshot(path):
    if os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    return None


def restore(path, data):
    for suffix in ("-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    if data is None:
        if os.path.exists(path):
            os.unlink(path)
    else:
        with open(path, "wb") as f:
            f.write(data)


# ---------------------------------------------------------------------------
# results

class Result:
    def __init__(self, tool, argv, status, stdout, stderr, rows):
        self.tool = tool
        self.argv = argv
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.rows_physical = rows
        self.rows = sorted(rows)
        self.failed = status != 0
        self.crashed = "Traceback (most recent call last)" in stderr
        self.signal = -status if status < 0 else 0
        self.steps = parse_steps(stderr)
        self.failed_lines = [l for l in stderr.splitlines()
                             if l.startswith("FAILED:")]

    def output_set(self):
        return normalise_output(self.stdout)

    def describe(self, indent="    "):
        out = []
        out.append("%sexit status: %s%s" % (
            indent, self.status,
            " (killed by signal %d)" % self.signal if self.signal else ""))
        out.append("%srows: %s" % (indent, self.rows_physical))
        if self.steps:
            out.append("%ssteps (%d):" % (indent, len(self.steps)))
            out.extend("%s  %s" % (indent, s) for s in self.steps)
        lines = [l for l in self.stdout.splitlines() if l.strip()]
        if lines:
            out.append("%sstdout:" % indent)
            out.extend("%s  %s" % (indent, l) for l in lines[:60])
        err = [l for l in self.stderr.splitlines()
               if l.strip() and not _STEP_RE.search(l)
               and "Context impl" not in l and "Will assume" not in l]
        if err:
            out.append("%sstderr (other lines):" % indent)
            out.extend("%s  %s" % (indent, l) for l in err[-20:])
        return "\n".join(out)


def parse_steps(stderr):
    """'upgrade a, b -> c, message' for each Running upgrade/downgrade line."""
    steps = []
    for line in stderr.splitlines():
        m = _STEP_RE.search(line)
        if m:
            steps.append("%s %s" % (m.group(1), m.group(2).rstrip()))
    return steps


def step_revision(step):
    """The revision a step line runs (upgrade: its 'to', downgrade: 'from')."""
    verb, rest = step.split(" ", 1)
    left, _, right = rest.partition(" -> ")
    if verb == "upgrade":
        return verb, right.split(", ", 1)[0].strip()
    return verb, left.strip()


_PAREN_RE = re.compile(r"\(([^()]*)\)")
_SETLIST_RE = re.compile(r"^(\s*(?:Branch names|Branches into|Merges|Parent"
                         r"|Also depends on|Dependencies):\s*)(.*)$")


def _sorted_list(items):
    return ", ".join(sorted(x.strip() for x in items.split(",")))


def normalise_line(line):
    """Alembic prints branch label sets (and some revision sets) in Python
    set order, which varies from run to run: sort every comma-separated
    list in parentheses and after "Branch names:"-like keys."""
    m = _SETLIST_RE.match(line)
    if m:
        line = m.group(1) + _sorted_list(m.group(2))
    return _PAREN_RE.sub(lambda m: "(%s)" % _sorted_list(m.group(1)), line)


def normalise_output(text):
    out = set()
    for line in text.splitlines():
        line = line.rstrip()
        if not line.strip() or _LOG_RE.match(line) or \
                line.startswith("FAILED:"):
            continue
        if line.strip().startswith("Path:"):
            line = line[:line.index("Path:")] + "Path: <path>"
        line = re.sub(r"sqlite:///\S*?\.db\b", "<url>", line)
        out.add(normalise_line(line))
    return sorted(out)


# ---------------------------------------------------------------------------
# graph (for order checks)

class Graph:
    def __init__(self, project):
        _, revs = alembic_mirror.load_project(project)
        self.down = {}
        self.deps = {}
        owner = {}
        for r in revs:
            self.down[r["revision"]] = list(r["down_revision"])
            for lab in r["branch_labels"]:
                owner[lab] = r["revision"]
        for r in revs:
            ds = []
            for d in r["depends_on"]:
                if d in self.down:
                    ds.append(d)
                elif d in owner:
                    ds.append(owner[d])
            self.deps[r["revision"]] = ds
        self.ids = sorted(self.down)
        self.labels = sorted(owner)
        self.label_owner = owner

    def before(self, rev):
        return self.down.get(rev, []) + self.deps.get(rev, [])


def order_problems(steps, graph):
    problems = []
    for verb in ("upgrade", "downgrade"):
        revs = [step_revision(s)[1] for s in steps if s.startswith(verb + " ")]
        pos = {}
        for i, r in enumerate(revs):
            pos.setdefault(r, i)
        for i, r in enumerate(revs):
            for p in graph.before(r):
                if p not in pos:
                    continue
                if verb == "upgrade" and pos[p] > i:
                    problems.append("git-dbmig upgrades %s before %s, which it "
                                    "needs" % (r, p))
                if verb == "downgrade" and pos[p] < i:
                    problems.append("git-dbmig downgrades %s before %s, which "
                                    "needs it" % (p, r))
    return problems


# ---------------------------------------------------------------------------
# running the tools

def _exit_code(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xff
    return 1


def run_alembic_inprocess(ini, url, argv, cwd=None):
    from alembic.config import CommandLine, Config
    import alembic.util.messaging as messaging
    messaging.TERMWIDTH = None
    out, err = io.StringIO(), io.StringIO()
    old_url = os.environ.get("SQLALCHEMY_URL")
    old_cwd = os.getcwd()
    os.environ["SQLALCHEMY_URL"] = url
    status = 0
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cl = CommandLine(prog="alembic")
                options = cl.parser.parse_args(["-c", ini] + list(argv))
                if not hasattr(options, "cmd"):
                    cl.parser.error("too few arguments")
                if hasattr(cl, "_inis_from_config"):
                    # Alembic 1.16+: -c may name an .ini and a .toml
                    toml, ini_ = cl._inis_from_config(options)
                    cfg = Config(file_=ini_, toml_file=toml,
                                 ini_section=options.name, cmd_opts=options,
                                 stdout=out)
                else:
                    cfg = Config(file_=options.config,
                                 ini_section=options.name, cmd_opts=options,
                                 stdout=out)
                cl.run_cmd(cfg, options)
            except SystemExit as e:
                status = _exit_code(e.code)
            except BaseException:      # a crash, like the CLI's traceback
                traceback.print_exc(file=err)
                status = 1
    finally:
        os.chdir(old_cwd)
        if old_url is None:
            os.environ.pop("SQLALCHEMY_URL", None)
        else:
            os.environ["SQLALCHEMY_URL"] = old_url
    return status, out.getvalue(), err.getvalue()


def run_alembic_subprocess(ini, url, argv, cwd=None, timeout=300,
                           hashseed=None):
    env = dict(os.environ)
    env["SQLALCHEMY_URL"] = url
    if hashseed is not None:
        env["PYTHONHASHSEED"] = str(hashseed)
    p = subprocess.run([ALEMBIC_PYTHON, "-m", "alembic", "-c", ini] + list(argv),
                       cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def run_dbmig(bin_path, ini, url, argv, cwd=None, timeout=300):
    env = dict(os.environ)
    env.pop("SQLALCHEMY_URL", None)
    try:
        p = subprocess.run([bin_path, "-c", ini, "--url", url] + list(argv),
                           cwd=cwd, env=env, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except OSError as e:
        return 127, "", "harness: cannot run %s: %s" % (bin_path, e)
    except subprocess.TimeoutExpired as e:
        return -signal.SIGKILL, e.stdout or "", (e.stderr or "") + \
            "\n(timed out after %ss)" % timeout


# ---------------------------------------------------------------------------
# Alembic's ticket #1373

FIXED_1373 = (1, 13, 1)
_alembic_version = []


def alembic_version():
    """The version of the Alembic that ALEMBIC_PYTHON runs, as a tuple."""
    if not _alembic_version:
        try:
            p = subprocess.run([ALEMBIC_PYTHON, "-c", "import alembic; "
                                "print(alembic.__version__)"],
                               capture_output=True, text=True, timeout=60)
            v = tuple(int(x) for x in re.findall(r"\d+", p.stdout)[:3])
        except (OSError, subprocess.TimeoutExpired):
            v = ()
        _alembic_version.append(v)
    return _alembic_version[0]


def _unmerge_to_revisions_fixed(self, heads):
    """What downgrading self.revision leaves in its place, as Alembic
    1.13.1 computes it: its normalised down revisions less the ancestors
    of the other heads; with no other head, less the ancestors of one
    another."""
    rmap = self.revision_map
    others = set(heads).difference([self.revision.revision])
    covered = set()
    if others:
        covered.update(r.revision for r in rmap._get_ancestor_nodes(
            rmap.get_revisions(others), check=False))
    else:
        for to in self.to_revisions:
            covered.update(r.revision for r in rmap._get_ancestor_nodes(
                rmap.get_revisions(to), check=False) if r.revision != to)
    return tuple(set(self.to_revisions).difference(covered))


@contextlib.contextmanager
def alembic_with_1373_fixed():
    from alembic.runtime import migration
    step = migration.RevisionStep
    old = step.__dict__["_unmerge_to_revisions"]
    step._unmerge_to_revisions = _unmerge_to_revisions_fixed
    try:
        yield
    finally:
        step._unmerge_to_revisions = old


# ---------------------------------------------------------------------------
# comparing

Outcome = collections.namedtuple(
    "Outcome", "command alembic dbmig problems crashed notes rows_before")


def _multiset_diff(a, b):
    ca, cb = collections.Counter(a), collections.Counter(b)
    return sorted((ca - cb).elements()), sorted((cb - ca).elements())


def compare_results(argv, ra, rd, graph, rows_before):
    """Problems (list of strings) between an Alembic and a git-dbmig run."""
    problems = []
    cmd = argv[0] if argv else ""
    if rd.signal:
        problems.append("git-dbmig was killed by signal %d" % rd.signal)
    if rd.failed and len(rd.failed_lines) != 1:
        problems.append("git-dbmig failed with %d FAILED: lines on stderr "
                        "(want exactly one)" % len(rd.failed_lines))
    if not rd.failed and rd.failed_lines:
        problems.append("git-dbmig succeeded but printed a FAILED: line")
    if ra.crashed:
        # Alembic crashed: only check that git-dbmig behaved sanely.
        if rd.failed and rd.rows != sorted(rows_before):
            problems.append("git-dbmig failed but changed the rows: %s -> %s"
                            % (sorted(rows_before), rd.rows))
        return problems
    if ra.failed != rd.failed:
        problems.append("alembic %s, git-dbmig %s" % (
            "failed" if ra.failed else "succeeded",
            "failed" if rd.failed else "succeeded"))
    if ra.rows != rd.rows:
        only_a = sorted(set(ra.rows) - set(rd.rows))
        only_d = sorted(set(rd.rows) - set(ra.rows))
        problems.append("rows differ: alembic %s, git-dbmig %s (only alembic: "
                        "%s, only git-dbmig: %s)" % (ra.rows, rd.rows,
                                                     only_a, only_d))
    if cmd in READ_ONLY:
        oa, od = ra.output_set(), rd.output_set()
        if oa != od:
            only_a = [l for l in oa if l not in od]
            only_d = [l for l in od if l not in oa]
            problems.append("output differs:\n      only alembic:   %s\n"
                            "      only git-dbmig: %s" % (
                                "\n                      ".join(only_a) or "-",
                                "\n                      ".join(only_d) or "-"))
    else:
        only_a, only_d = _multiset_diff(ra.steps, rd.steps)
        if only_a or only_d:
            problems.append("steps differ:\n      only alembic:   %s\n"
                            "      only git-dbmig: %s" % (
                                "\n                      ".join(only_a) or "-",
                                "\n                      ".join(only_d) or "-"))
        if graph is not None:
            problems.extend(order_problems(rd.steps, graph))
    return problems


class Session:
    """Two SQLite databases, one per tool, driven by the same commands."""

    def __init__(self, project, bin_path, workdir, mirror_dir=None,
                 alembic_subprocess=False, pre_sql=None, start_rows=None,
                 timeout=300, confirm_hashseeds=(0, 1, 2, 3, 4, 5)):
        self.project = os.path.abspath(project)
        self.ini = os.path.join(self.project, "alembic.ini")
        self.bin = os.path.abspath(bin_path)
        self.workdir = os.path.abspath(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        if not mirror_dir and os.path.isdir("/dev/shm") and \
                os.access("/dev/shm", os.W_OK):
            # tmpfs lists a folder in reverse creation order; see
            # alembic_mirror.mirror() for why that matters
            mirror_dir = tempfile.mkdtemp(prefix="dbmig-mirror-", dir="/dev/shm")
            atexit.register(shutil.rmtree, mirror_dir, True)
        self.mirror_dir = os.path.abspath(
            mirror_dir or os.path.join(self.workdir, "alembic-mirror"))
        self.mirror_ini = alembic_mirror.mirror(self.project, self.mirror_dir)
        ini = alembic_mirror.read_ini(self.ini)
        self.table = ini.get("version_table") or "alembic_version"
        self.graph = Graph(self.project)
        self.db_a = os.path.join(self.workdir, "alembic.db")
        self.db_d = os.path.join(self.workdir, "dbmig.db")
        for p in (self.db_a, self.db_d):
            restore(p, None)
            if pre_sql:
                exec_sql(p, pre_sql)
            if start_rows is not None:
                set_rows(p, start_rows, self.table)
        self.alembic_subprocess = alembic_subprocess
        self.timeout = timeout
        self.confirm_hashseeds = list(confirm_hashseeds or ())
        self.history = []

    def _alembic(self, argv):
        url = sqlite_url(self.db_a)
        if self.alembic_subprocess:
            return run_alembic_subprocess(self.mirror_ini, url, argv,
                                          self.workdir, self.timeout)
        return run_alembic_inprocess(self.mirror_ini, url, argv, self.workdir)

    def _confirm(self, argv, snap_a, rd, rows_before):
        """Re-run Alembic from the same start under other PYTHONHASHSEEDs.
        Returns (matching Result, note) or (None, note about variation)."""
        scratch = os.path.join(self.workdir, "alembic-confirm.db")
        seen = []
        for hs in self.confirm_hashseeds:
            restore(scratch, snap_a)
            st, out, err = run_alembic_subprocess(
                self.mirror_ini, sqlite_url(scratch), argv, self.workdir,
                self.timeout, hashseed=hs)
            r = Result("alembic", argv, st, out, err,
                       db_rows(scratch, self.table))
            key = ("crashed" if r.crashed else
                   "failed" if r.failed else "ok", tuple(r.rows),
                   tuple(sorted(r.steps)))
            if key not in seen:
                seen.append(key)
            if not compare_results(argv, r, rd, self.graph, rows_before):
                restore(scratch, None)
                return r, ("alembic is not deterministic here: the in-process "
                           "run disagreed with git-dbmig, the run with "
                           "PYTHONHASHSEED=%s agrees" % hs)
        restore(scratch, None)
        if len(seen) > 1:
            return None, ("note: alembic itself gives %d different outcomes "
                          "over PYTHONHASHSEED %s: %s" % (
                              len(seen), ",".join(map(str, self.confirm_hashseeds)),
                              "; ".join("%s rows=%s" % (k[0], list(k[1]))
                                        for k in seen)))
        return None, None

    def _known_1373(self, argv, snap_a, ra, rd, rows_before):
        """A downgrade where this Alembic (< 1.13.1) and git-dbmig differ
        because of ticket #1373 only: Alembic with 1.13.1's fix agrees
        with git-dbmig, and without it differs in the rows alone.
        Returns that run's Result, or None."""
        if argv[0] != "downgrade" or ra.crashed or \
                not alembic_version() or alembic_version() >= FIXED_1373:
            return None
        try:
            import alembic.runtime.migration  # noqa: F401
        except ImportError:
            return None
        scratch = os.path.join(self.workdir, "alembic-1373.db")
        restore(scratch, snap_a)
        with alembic_with_1373_fixed():
            st, out, err = run_alembic_inprocess(
                self.mirror_ini, sqlite_url(scratch), argv, self.workdir)
        r = Result("alembic", argv, st, out, err, db_rows(scratch, self.table))
        restore(scratch, None)
        if r.crashed or r.rows == ra.rows or r.status != ra.status or \
                sorted(r.steps) != sorted(ra.steps):
            return None
        if compare_results(argv, r, rd, self.graph, rows_before):
            return None
        return r

    def run(self, command):
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        self.history.append(" ".join(argv))
        rows_before = db_rows(self.db_a, self.table)
        snap_a, snap_d = snapshot(self.db_a), snapshot(self.db_d)
        st, out, err = self._alembic(argv)
        ra = Result("alembic", argv, st, out, err, db_rows(self.db_a, self.table))
        st, out, err = run_dbmig(self.bin, self.ini, sqlite_url(self.db_d), argv,
                                 self.workdir, self.timeout)
        rd = Result("git-dbmig", argv, st, out, err,
                    db_rows(self.db_d, self.table))
        problems = compare_results(argv, ra, rd, self.graph, rows_before)
        notes = []
        ra2 = self._known_1373(argv, snap_a, ra, rd, rows_before) \
            if problems else None
        if ra2 is not None:
            notes.append("#1373: alembic %s leaves rows %s, with 1.13.1's fix "
                         "%s, as git-dbmig does" % (
                             ".".join(map(str, alembic_version())), ra.rows,
                             ra2.rows))
            problems = []
            ra = ra2
            restore(self.db_a, snap_a)
            set_rows(self.db_a, ra.rows_physical, self.table)
        if problems and self.confirm_hashseeds:
            ra2, note = self._confirm(argv, snap_a, rd, rows_before)
            if ra2 is not None:
                # Alembic's own result depends on Python's set order here,
                # and git-dbmig matches one of its outcomes.
                notes.append(note)
                problems = []
                ra = ra2
                restore(self.db_a, snap_a)
                set_rows(self.db_a, rd.rows_physical, self.table)
            elif note:
                problems.append(note)
        if ra.crashed:
            restore(self.db_a, snap_a)
            restore(self.db_d, snap_d)
        elif not problems and ra.rows_physical != rd.rows_physical:
            notes.append("physical row order differs: alembic %s, git-dbmig %s"
                         % (ra.rows_physical, rd.rows_physical))
            set_rows(self.db_d, ra.rows_physical, self.table)
        return Outcome(" ".join(argv), ra, rd, problems, ra.crashed, notes,
                       rows_before)


def format_mismatch(outcome, history=None, header=None):
    out = []
    if header:
        out.append(header)
    if history:
        out.append("  commands so far:")
        out.extend("    %s" % c for c in history)
    out.append("  MISMATCH on: %s" % outcome.command)
    out.append("  rows before: %s" % outcome.rows_before)
    for p in outcome.problems:
        out.append("  - %s" % p)
    out.append("  alembic:")
    out.append(outcome.alembic.describe())
    out.append("  git-dbmig:")
    out.append(outcome.dbmig.describe())
    return "\n".join(out)


# ---------------------------------------------------------------------------
# CLI

def read_commands(path):
    cmds = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            line = re.sub(r"\|\s*sort\s*$", "", line).strip()
            for prefix in ("alembic ", "git dbmig ", "git-dbmig "):
                if line.startswith(prefix):
                    line = line[len(prefix):].strip()
            if line:
                cmds.append(line)
    return cmds


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--project", required=True,
                    help="git-dbmig project folder (alembic.ini + .sql files)")
    ap.add_argument("--bin", required=True, help="git-dbmig binary")
    ap.add_argument("--commands", required=True, help="file of commands")
    ap.add_argument("--mirror", help="where to write the Alembic mirror")
    ap.add_argument("--workdir", help="folder for the databases (default: a "
                    "temporary folder, removed afterwards)")
    ap.add_argument("--alembic-subprocess", action="store_true",
                    help="run alembic as '/usr/bin/python3 -m alembic' "
                    "instead of in this process")
    ap.add_argument("--pre-sql", help="SQL run on both databases first")
    ap.add_argument("--start-rows", metavar="REV,REV",
                    help="version rows both databases start with (in this "
                    "physical order)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)

    if not os.access(a.bin, os.X_OK):
        ap.error("%s is not an executable" % a.bin)
    cmds = read_commands(a.commands)
    tmp = None
    workdir = a.workdir
    if not workdir:
        tmp = tempfile.mkdtemp(prefix="dbmig-compare-")
        workdir = tmp
    rc = 0
    crashed = notes = 0
    try:
        s = Session(a.project, a.bin, workdir, a.mirror,
                    alembic_subprocess=a.alembic_subprocess, pre_sql=a.pre_sql,
                    start_rows=[r for r in (a.start_rows or "").split(",") if r]
                    if a.start_rows is not None else None)
        for c in cmds:
            o = s.run(c)
            if o.problems:
                print(format_mismatch(o, s.history[:-1],
                                      "compare.py: %s" % a.project))
                rc = 1
                break
            tag = "ok  "
            if o.crashed:
                tag = "ok* "
                crashed += 1
            print("%s %s%s" % (tag, o.command, "   (alembic crashed; git-dbmig %s)"
                               % ("failed" if o.dbmig.failed else "succeeded")
                               if o.crashed else ""))
            for n in o.notes:
                notes += 1
                print("     note: %s" % n)
            if a.verbose:
                print(o.dbmig.describe("     "))
        if rc == 0:
            print("compare.py: %d commands match (%d alembic crashes, %d notes)"
                  % (len(cmds), crashed, notes))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
