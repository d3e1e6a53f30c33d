#!/usr/bin/python3
"""Run commands with Alembic and with git-dbmig on a .py project; compare.

    compare_py.py --project DIR --bin GIT_DBMIG --commands FILE
                  --url-a URL --url-b URL [--python PY] [-v]

The project is copied twice (a/ and b/ beside it): Alembic ("PY -m
alembic") runs in a/ on database URL-A, git-dbmig in b/ on URL-B, both
through the project's env.py, which reads SQLALCHEMY_URL.  After every
command of FILE (one a line, '#' comments, a leading "alembic" and a
trailing "| sort" dropped, so that the seed document's lines paste as
they are) the two databases must have:
  * the same exit status (0 or not);
  * the same version rows (as sets);
  * the same schema: tables, their columns (name, type, nullable), their
    indexes, and views (dbmig_log, git-dbmig's own table, is left out);
  * the same data in every table, sorted;
  * the same bodies run: each body appends "DIRECTION REVISION" to
    $BODY_TRACE; the lines each command added are compared as multisets
    (Alembic orders independent steps by Python's set order);
and for "current" the same set of output lines.  Prints "compared N
commands, M differences" and exits 1 on any difference.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys

import sqlalchemy as sa

MUTATING = ("upgrade", "downgrade", "stamp")


def read_commands(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.endswith("| sort"):
                line = line[:-6].strip()
            words = line.split()
            if words[0] == "alembic":
                words = words[1:]
            elif words[:2] == ["git", "dbmig"]:
                words = words[2:]
            out.append(words)
    return out


def state(url):
    """(rows, schema, data) of a database."""
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        insp = sa.inspect(eng)
        tables = sorted(t for t in insp.get_table_names() if t != "dbmig_log")
        schema = {}
        data = {}
        rows = set()
        with eng.connect() as c:
            for t in tables:
                cols = [(col["name"], str(col["type"]), bool(col["nullable"]))
                        for col in insp.get_columns(t)]
                idx = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                             for i in insp.get_indexes(t))
                schema[t] = (cols, idx)
                q = c.execute(sa.text('SELECT * FROM "%s"' % t))
                data[t] = sorted(tuple(str(v) for v in r) for r in q)
            if "alembic_version" in tables:
                rows = set(r[0] for r in c.execute(sa.text("SELECT version_num FROM alembic_version")))
        views = sorted(insp.get_view_names())
        schema["(views)"] = views
        return rows, schema, data
    finally:
        eng.dispose()


def read_trace(path, start):
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        lines = []
    return collections.Counter(lines[start:]), len(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--project", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--commands", required=True)
    ap.add_argument("--url-a", required=True)
    ap.add_argument("--url-b", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--project-b", help="git-dbmig's project, when not --project "
                    "(a converted copy); bodies run are then not compared")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    top = os.path.dirname(os.path.abspath(a.project))
    dirs = {}
    for side in ("a", "b"):
        d = os.path.join(top, side)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(a.project_b if side == "b" and a.project_b else a.project, d)
        dirs[side] = d
    traces = {s: os.path.join(top, "trace-" + s) for s in dirs}
    pos = {s: 0 for s in dirs}
    for t in traces.values():
        open(t, "w").close()
    cmds = read_commands(a.commands)
    diffs = 0
    compared = 0
    for words in cmds:
        res = {}
        for side, argv in (("a", [a.python, "-m", "alembic"] + words),
                           ("b", [a.bin] + words)):
            env = dict(os.environ)
            env["SQLALCHEMY_URL"] = a.url_a if side == "a" else a.url_b
            env["BODY_TRACE"] = traces[side]
            env["GIT_DBMIG_PYTHON"] = a.python
            p = subprocess.run(argv, cwd=dirs[side], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True)
            ran, pos[side] = read_trace(traces[side], pos[side])
            res[side] = (p, ran)
            if a.verbose:
                sys.stderr.write("[%s] %s -> %d\n%s" % (side, " ".join(words), p.returncode, p.stderr))
        pa, ra = res["a"]
        pb, rb = res["b"]
        problems = []
        if (pa.returncode == 0) != (pb.returncode == 0):
            problems.append("exit status: alembic %d, git-dbmig %d\n  alembic: %s\n  git-dbmig: %s"
                            % (pa.returncode, pb.returncode, pa.stdout[-500:] + pa.stderr[-500:],
                               pb.stderr[-500:]))
        if pb.returncode != 0 and pb.stderr.count("FAILED: ") != 1:
            problems.append("git-dbmig failed without exactly one FAILED: line")
        if words[0] in MUTATING:
            sa_, sb = state(a.url_a), state(a.url_b)
            for name, i in (("version rows", 0), ("schema", 1), ("data", 2)):
                if sa_[i] != sb[i]:
                    problems.append("%s differ:\n  alembic:   %r\n  git-dbmig: %r" % (name, sa_[i], sb[i]))
            if ra != rb and not a.project_b:
                problems.append("bodies run differ:\n  alembic:   %r\n  git-dbmig: %r"
                                % (sorted(ra.elements()), sorted(rb.elements())))
        elif words[0] == "current":
            la = set(l for l in pa.stdout.splitlines() if l.strip())
            lb = set(l for l in pb.stdout.splitlines() if l.strip())
            if la != lb:
                problems.append("current differs:\n  alembic:   %r\n  git-dbmig: %r" % (sorted(la), sorted(lb)))
        compared += 1
        if problems:
            diffs += 1
            print("DIFF after '%s':\n%s" % (" ".join(words), "\n".join(problems)))
        elif a.verbose:
            print("same after '%s'" % " ".join(words))
    print("compared %d commands, %d differences" % (compared, diffs))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
