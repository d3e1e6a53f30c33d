#!/usr/bin/python3
"""Differential test of git-dbmig against Alembic on random graphs.

    differential.py --bin PATH [--graphs 30] [--steps 25] [--seed S]
                    [--seeds 1,2,3] [-j N] [--keep-going] [--alembic-subprocess]

For each graph seed: gen_graph writes a small project (8 to 40 revisions,
and with its ``overlaps`` a few more whose down revisions depend on one
another, Alembic's ticket #1373), alembic_mirror mirrors it, and a random
sequence of --steps commands runs with both tools through compare.Session
(one SQLite file per tool; a ``marker`` table is created in both first, so
that a stamp followed by an upgrade does not fail on a missing table).
Some commands aim at those revisions: upgrade or stamp to one, then
downgrade across it (``XID``, ``XDOWN``, ``XLABEL`` below), and stamps of
``LABEL@head`` from whatever rows there are.  The comparison is
compare.py's: exact with Alembic 1.13.1 and later; before, only the rows of
#1373 that Alembic's own code gives without that fix are accepted.

A mismatch prints the graph seed, the commands so far and both results; the
graph stops there (with --keep-going, git-dbmig's rows are reset to
Alembic's and it goes on).  When Alembic itself crashes (a traceback:
ALEMBIC_SEMANTICS 17 and 25), the command is not compared: git-dbmig must
have failed cleanly (one FAILED: line, rows unchanged) or succeeded, and
both databases are restored to their state before the command.  Exit 1 if
any mismatch.  The last line is a one-line summary.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True      # no __pycache__ in tests/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import gen_graph  # noqa: E402

MARKER_SQL = "CREATE TABLE IF NOT EXISTS marker (rev VARCHAR(32) NOT NULL);"


def normalised_down(graph):
    """Alembic's _normalized_down_revisions of every revision: the down
    revisions plus the dependencies that no down_revision ancestor
    already declares."""
    out = {}
    for r in graph.ids:
        chain, todo = set(), list(graph.down[r])
        while todo:
            x = todo.pop()
            if x not in chain:
                chain.add(x)
                todo.extend(graph.down[x])
        declared = set()
        for a in chain:
            declared.update(graph.deps[a])
        nd = list(graph.down[r])
        for d in graph.deps[r]:
            if d not in declared and d not in nd:
                nd.append(d)
        out[r] = nd
    return out


def overlap_shapes(graph):
    """(revisions whose normalised down revisions include one that is an
    ancestor of another, their normalised down revisions, their labels)."""
    nd = normalised_down(graph)
    anc = {}

    def ancestors(r):
        if r not in anc:
            seen, todo = set(), list(nd[r])
            while todo:
                x = todo.pop()
                if x not in seen:
                    seen.add(x)
                    todo.extend(nd[x])
            anc[r] = seen
        return anc[r]

    revs = [r for r in graph.ids
            if any(x != y and x in ancestors(y) for x in nd[r] for y in nd[r])]
    downs = sorted({d for r in revs for d in nd[r]})
    labels = sorted(lab for lab, r in graph.label_owner.items() if r in revs)
    return revs, downs, labels


def applied_set(graph, rows):
    """Every revision a set of rows stands for (down_revisions + deps)."""
    seen, todo = set(), list(rows)
    while todo:
        r = todo.pop()
        if r in seen or r not in graph.down:
            continue
        seen.add(r)
        todo.extend(graph.before(r))
    return seen


# (weight, kind)
COMMANDS = [
    (8, "upgrade heads"),
    (12, "upgrade ID"),
    (10, "upgrade LABEL@head"),
    (6, "upgrade LABEL@+1"),
    (1, "upgrade LABEL@+2"),
    (3, "upgrade +1"),
    (1, "upgrade ID+1"),
    (9, "downgrade ID"),
    (6, "downgrade LABEL@-1"),
    (1, "downgrade LABEL@-2"),
    (4, "downgrade -1"),
    (2, "downgrade base"),
    (4, "downgrade LABEL@base"),
    (4, "stamp ID"),
    (2, "stamp heads"),
    (2, "stamp --purge ID"),
    (1, "stamp ID ID"),
    (1, "stamp LABEL@base"),
    (3, "stamp LABEL@head"),
    (1, "stamp LABEL@heads"),
    (3, "upgrade XID"),
    (1, "stamp --purge XID"),
    (3, "downgrade XDOWN"),
    (3, "downgrade XLABEL@-1"),
    (2, "heads"),
    (2, "heads --resolve-dependencies"),
    (2, "branches"),
    (4, "current"),
    (1, "history"),
    (1, "show ID"),
    (1, "heads -v"),
    (1, "current -v"),
    (1, "branches -v"),
    (1, "history -v"),
    (1, "history -r ID:heads"),
    (1, "show LABEL@head"),
]


def pick_command(rng, graph, rows, shapes=((), (), ())):
    total = sum(w for w, _ in COMMANDS)
    x = rng.uniform(0, total)
    for w, kind in COMMANDS:
        x -= w
        if x <= 0:
            break
    applied = applied_set(graph, rows)
    not_applied = [i for i in graph.ids if i not in applied]
    applied = sorted(applied)

    def pick_id(prefer):
        if prefer and rng.random() < 0.75:
            return rng.choice(prefer)
        return rng.choice(graph.ids)

    words = kind.split()
    out = []
    xrevs, xdowns, xlabels = shapes
    for w in words:
        if w == "XID":
            out.append(rng.choice(xrevs) if xrevs else pick_id(None))
        elif w == "XDOWN":
            out.append(rng.choice(xdowns) if xdowns else pick_id(applied))
        elif w.startswith("XLABEL"):
            out.append(rng.choice(xlabels or graph.labels) + w[6:])
        elif w == "ID":
            if words[0] == "upgrade":
                out.append(pick_id(not_applied))
            elif words[0] == "downgrade":
                out.append(pick_id(applied))
            else:
                out.append(pick_id(None))
        elif w.startswith("LABEL"):
            out.append(rng.choice(graph.labels) + w[5:])
        elif w.startswith("ID+"):
            out.append(pick_id(applied) + w[2:])
        elif w == "ID:heads":
            out.append(pick_id(None) + ":heads")
        else:
            out.append(w)
    if kind == "stamp ID ID" and out[1] == out[2]:
        out.pop()
    return " ".join(out)


def run_graph(args):
    """Run one graph; returns a dict of counts and report text."""
    seed, steps, bin_path, keep_going, alembic_subprocess, keep_dir = args
    rng = random.Random(seed * 7919 + 17)
    nrevs = rng.randint(8, 40)
    res = {"seed": seed, "revs": nrevs, "commands": 0, "mismatches": 0,
           "crashes": 0, "crash_dbmig_failed": 0, "crash_dbmig_ok": 0,
           "notes": 0, "nondet": 0, "known1373": 0, "failed_both": 0,
           "report": [], "error": None}
    tmp = tempfile.mkdtemp(prefix="dbmig-diff-%d-" % seed)
    try:
        proj = os.path.join(tmp, "project")
        gen_graph.gen(seed, nrevs, proj, overlaps=True)
        s = compare.Session(proj, bin_path, os.path.join(tmp, "work"),
                            alembic_subprocess=alembic_subprocess,
                            pre_sql=MARKER_SQL)
        shapes = overlap_shapes(s.graph)
        for _ in range(steps):
            rows = compare.db_rows(s.db_a, s.table)
            cmd = pick_command(rng, s.graph, rows, shapes)
            o = s.run(cmd)
            res["commands"] += 1
            if o.crashed:
                res["crashes"] += 1
                res["crash_dbmig_failed" if o.dbmig.failed
                    else "crash_dbmig_ok"] += 1
            elif o.alembic.failed and o.dbmig.failed:
                res["failed_both"] += 1
            for n in o.notes:
                if n.startswith("alembic is not deterministic"):
                    res["nondet"] += 1
                elif n.startswith("#1373:"):
                    res["known1373"] += 1
                else:
                    res["notes"] += 1
            if o.problems:
                res["mismatches"] += 1
                res["report"].append(compare.format_mismatch(
                    o, s.history[:-1],
                    "=== graph seed %d (%d revisions; regenerate with: "
                    "gen_graph.py --seed %d --revs %d --overlaps --out DIR)"
                    % (seed, nrevs, seed, nrevs)))
                if not keep_going:
                    break
                compare.set_rows(s.db_d, o.alembic.rows_physical, s.table)
        if keep_dir and res["mismatches"]:
            dst = os.path.join(keep_dir, "seed-%d" % seed)
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(proj, dst)
            res["report"].append("  project kept in %s" % dst)
    except Exception as e:  # harness problem, not a mismatch
        import traceback
        res["error"] = "graph seed %d: harness error: %s\n%s" % (
            seed, e, traceback.format_exc())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="git-dbmig binary")
    ap.add_argument("--graphs", type=int, default=30)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--seed", type=int, default=1,
                    help="first graph seed (graphs use seed, seed+1, ...)")
    ap.add_argument("--seeds", help="comma-separated graph seeds "
                    "(overrides --seed/--graphs)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep-going", action="store_true",
                    help="after a mismatch, reset git-dbmig's rows to "
                    "Alembic's and continue the graph")
    ap.add_argument("--keep-projects", metavar="DIR",
                    help="copy the projects of mismatching graphs here")
    ap.add_argument("--alembic-subprocess", action="store_true",
                    help="run alembic as a subprocess (slower)")
    a = ap.parse_args(argv)
    if not os.access(a.bin, os.X_OK):
        ap.error("%s is not an executable" % a.bin)
    if a.seeds:
        seeds = [int(x) for x in a.seeds.split(",") if x.strip()]
    else:
        seeds = list(range(a.seed, a.seed + a.graphs))
    # A private copy: the binary may be rebuilt while the run goes on.
    bindir = tempfile.mkdtemp(prefix="dbmig-diff-bin-")
    bin_copy = os.path.join(bindir, "git-dbmig")
    shutil.copy2(a.bin, bin_copy)
    jobs = [(sd, a.steps, bin_copy, a.keep_going,
             a.alembic_subprocess, a.keep_projects) for sd in seeds]
    t0 = time.time()
    if a.jobs > 1 and len(seeds) > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
            results = pool.imap(run_graph, jobs)
            results = list(_report(results))
    else:
        results = list(_report(map(run_graph, jobs)))
    shutil.rmtree(bindir, ignore_errors=True)
    tot = {k: sum(r[k] for r in results)
           for k in ("commands", "mismatches", "crashes", "crash_dbmig_failed",
                     "crash_dbmig_ok", "notes", "nondet", "known1373",
                     "failed_both")}
    errors = sum(1 for r in results if r["error"])
    bad = [str(r["seed"]) for r in results if r["mismatches"]]
    print("differential: %d graphs, %d commands, %d mismatches%s, "
          "%d alembic crashes (git-dbmig failed %d, succeeded %d), "
          "%d both failed, %d alembic-nondeterministic accepted, "
          "%d #1373 rows of alembic %s accepted, "
          "%d row-order notes, %d harness errors, %.1fs"
          % (len(results), tot["commands"], tot["mismatches"],
             " (seeds %s)" % ",".join(bad) if bad else "",
             tot["crashes"], tot["crash_dbmig_failed"], tot["crash_dbmig_ok"],
             tot["failed_both"], tot["nondet"], tot["known1373"],
             ".".join(map(str, compare.alembic_version())) or "?",
             tot["notes"], errors, time.time() - t0))
    return 1 if tot["mismatches"] or errors else 0


def _report(results):
    for r in results:
        for text in r["report"]:
            print(text)
        if r["error"]:
            print(r["error"])
        sys.stdout.flush()
        yield r


if __name__ == "__main__":
    sys.exit(main())
