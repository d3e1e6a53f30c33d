#!/usr/bin/python3
"""Write a random, valid git-dbmig project.

    gen_graph.py --seed N --revs M --out DIR [--modules K] [--overlaps]
                 [--stats]

The project (DIR/alembic.ini + DIR/migrations/versions/*.sql) has M
revisions and is the same for the same (seed, revs, modules).  It uses what
Alembic supports: several bases, K module chains each with a branch label
on its first revision (MODA, MODB, ...), branch points, merges of 2-3 heads
of the same or of different modules, modules that start from another
module's revision, cross-module depends_on by revision id and by branch
label, labels placed mid-chain (Lnnnn) and labels on heads (Tnnnn, no
revision after them).  Edges always point to an earlier revision, so there
are no cycles.  Ids look like r0042_ab.

With --overlaps, a few revisions more (about one per eight, from a
random stream of their own, so that the first M revisions stay as they
are) whose normalised down revisions depend on one another, the shape of
Alembic's ticket #1373: a merge of Y and of X, where X is an ancestor of Y
only through a depends_on; a base that depends on X and Y, X any ancestor
of Y; a child of Y that also depends on X.  Most carry a label (Xnnnn) so
that ``Xnnnn@-1`` reaches them.

Bodies: upgrade ``INSERT INTO marker (rev) VALUES ('<id>');``, downgrade
``DELETE FROM marker WHERE rev = '<id>';``; a base's upgrade first runs
``CREATE TABLE IF NOT EXISTS marker (rev VARCHAR(32) NOT NULL);``.

Importable: ``generate(seed, revs, modules=None, overlaps=False)``
returns the list of revision dicts, ``write_project(revisions, out)``
writes them, ``gen(seed, revs, out, modules=None, overlaps=False)`` does
both.  Standard library only;
M=10000 takes well under a few seconds.
"""

import argparse
import datetime
import math
import os
import random
import re
import shutil
import sys

__all__ = ["generate", "write_project", "gen", "default_modules",
           "module_label"]


class _IndexedSet:
    """A set with O(1) add, remove and random choice."""

    __slots__ = ("items", "pos")

    def __init__(self):
        self.items = []
        self.pos = {}

    def add(self, x):
        if x not in self.pos:
            self.pos[x] = len(self.items)
            self.items.append(x)

    def discard(self, x):
        i = self.pos.pop(x, None)
        if i is None:
            return
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.pos[last] = i

    def __len__(self):
        return len(self.items)

    def __contains__(self, x):
        return x in self.pos

    def choice(self, rng):
        return self.items[rng.randrange(len(self.items))]

    def sample(self, rng, k):
        return rng.sample(self.items, k)


def module_label(m):
    """0 -> MODA, 25 -> MODZ, 26 -> MODBA, ..."""
    s = ""
    while True:
        s = chr(ord("A") + m % 26) + s
        m //= 26
        if m == 0:
            break
    return "MOD" + s


def default_modules(revs):
    return max(1, min(max(1, revs // 4), int(round(math.sqrt(revs) / 1.5))))


def generate(seed, revs, modules=None, overlaps=False):
    """Return a list of revision dicts, parents before children."""
    rng = random.Random(seed)
    m_total = revs
    k = modules if modules else default_modules(m_total)
    k = max(1, min(k, m_total))
    width = max(4, len(str(max(0, m_total - 1))))

    # module of each revision: every module gets one, the rest at random
    seq = list(range(k)) + [rng.randrange(k) for _ in range(m_total - k)]
    rng.shuffle(seq)

    letters = "abcdefghijklmnopqrstuvwxyz"
    base_date = datetime.datetime(2026, 1, 1, 8, 0, 0)
    out = []
    heads = _IndexedSet()                  # global heads (no child)
    mod_heads = [_IndexedSet() for _ in range(k)]
    mod_revs = [[] for _ in range(k)]
    module_of = []
    labels = []                            # (label, declaring index)
    used_labels = set()

    def new_label(prefix, i):
        lab = "%s%0*d" % (prefix, width, i)
        used_labels.add(lab)
        return lab

    def pick_deps(i, m, down, n):
        deps, targets = [], set(down)
        for _ in range(n):
            if labels and rng.random() < 0.4:
                lab, j = labels[rng.randrange(len(labels))]
                name = lab
            elif i > 0:
                j = rng.randrange(i)
                name = out[j]["revision"]
            else:
                continue
            if j in targets or module_of[j] == m and rng.random() < 0.75:
                continue
            targets.add(j)
            deps.append(name)
        return deps

    for i, m in enumerate(seq):
        rid = "r%0*d_%s%s" % (width, i, rng.choice(letters), rng.choice(letters))
        my_labels = []
        down = []
        kind = "extend"
        if not mod_revs[m]:
            kind = "module"
            my_labels.append(module_label(m))
            used_labels.add(my_labels[0])
            if i > 0 and rng.random() < 0.15:
                down = [rng.randrange(i)]          # module hangs off another
            deps = pick_deps(i, m, down, 1) if rng.random() < 0.45 else []
        else:
            mh = mod_heads[m]
            r = rng.random()
            others = len(heads) - len(mh)
            if len(mh) >= 2 and r < 0.25:
                kind = "merge"
                n = 3 if len(mh) >= 3 and rng.random() < 0.3 else 2
                down = mh.sample(rng, n)
                if others > 0 and rng.random() < 0.1:
                    for _ in range(4):
                        h = heads.choice(rng)
                        if h not in down:
                            down.append(h)
                            break
            elif len(mh) >= 1 and others > 0 and r < 0.27:
                kind = "xmerge"
                down = [mh.choice(rng)]
                for _ in range(4):
                    h = heads.choice(rng)
                    if h not in down:
                        down.append(h)
                        break
            elif r < 0.35 or len(mh) == 0:
                kind = "branch"
                down = [mod_revs[m][rng.randrange(len(mod_revs[m]))]]
            else:
                down = [mh.choice(rng)]
            if rng.random() < 0.07:
                my_labels.append(new_label("L", i))
            deps = pick_deps(i, m, down, 1 + (rng.random() < 0.25)) \
                if rng.random() < 0.15 else []
        for d in down:
            heads.discard(d)
            mod_heads[module_of[d]].discard(d)
        heads.add(i)
        mod_heads[m].add(i)
        mod_revs[m].append(i)
        module_of.append(m)
        for lab in my_labels:
            labels.append((lab, i))
        name = my_labels[0] if my_labels else module_label(m)
        date = base_date + datetime.timedelta(
            seconds=61 * i, microseconds=rng.randrange(1000000))
        out.append({
            "revision": rid,
            "down_revision": down,          # indexes for now
            "branch_labels": my_labels,
            "depends_on": deps,
            "message": "%s %s %d" % (name, kind, len(mod_revs[m])),
            "create_date": date.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "module": module_label(m),
            "kind": kind,
        })

    # labels on some heads: no revision comes after them
    n_tip = max(1, m_total // 100)
    for i in sorted(heads.sample(rng, min(n_tip, len(heads)))):
        out[i]["branch_labels"].append(new_label("T", i))

    for r in out:
        r["down_revision"] = [out[j]["revision"] for j in r["down_revision"]]
    if overlaps:
        add_overlaps(out, random.Random(seed * 7907 + 3), width)
    return out


def _ancestors(by_id, rid, with_deps):
    """rid's ancestors (not rid) along down_revision, and depends_on too
    when with_deps (labels resolved to their declaring revision)."""
    seen, todo = set(), [rid]
    while todo:
        r = by_id[todo.pop()]
        nxt = list(r["down_revision"])
        if with_deps:
            nxt += [_dep_target(by_id, d) for d in r["depends_on"]]
        for x in nxt:
            if x not in seen:
                seen.add(x)
                todo.append(x)
    return seen


def _dep_target(by_id, name):
    if name in by_id:
        return name
    for r in by_id.values():
        if name in r["branch_labels"]:
            return r["revision"]
    raise KeyError(name)


def add_overlaps(out, rng, width):
    """Append revisions whose down revisions overlap through depends_on
    (see the module docstring).  Nothing is added below a T label, whose
    revision must stay a head."""
    by_id = {r["revision"]: r for r in out}
    letters = "abcdefghijklmnopqrstuvwxyz"
    last = datetime.datetime.strptime(out[-1]["create_date"],
                                      "%Y-%m-%d %H:%M:%S.%f")
    n = max(1, len(out) // 8)
    for _ in range(n * 4):
        if n == 0:
            break
        open_ = [r["revision"] for r in out
                 if not any(lab.startswith("T") for lab in r["branch_labels"])]
        y = rng.choice(open_)
        anc = _ancestors(by_id, y, True)
        only_dep = anc - _ancestors(by_id, y, False)
        shape = rng.choice(("merge", "base", "child"))
        if shape == "merge":
            xs = sorted(x for x in only_dep if x in open_)
        elif shape == "base":
            xs = sorted(anc)
        else:
            # a dependency the chain below y already declares is
            # normalised away: pick one that it does not
            declared = set()
            for a in _ancestors(by_id, y, False) | {y}:
                declared.update(_dep_target(by_id, d)
                                for d in by_id[a]["depends_on"])
            xs = sorted(x for x in anc if x not in declared)
        if not xs:
            continue
        x = rng.choice(xs)
        xname = x
        labs = by_id[x]["branch_labels"]
        if shape != "merge" and labs and rng.random() < 0.3:
            xname = labs[0]
        i = len(out)
        rid = "r%0*d_%s%s" % (width, i, rng.choice(letters), rng.choice(letters))
        if shape == "merge":
            down, deps = [x, y] if rng.random() < 0.5 else [y, x], []
        elif shape == "base":
            down, deps = [], [xname, y] if rng.random() < 0.5 else [y, xname]
        else:
            down, deps = [y], [xname]
        mine = ["X%0*d" % (width, i)] if rng.random() < 0.6 else []
        last += datetime.timedelta(seconds=61,
                                   microseconds=rng.randrange(1000000))
        r = {
            "revision": rid,
            "down_revision": down,
            "branch_labels": mine,
            "depends_on": deps,
            "message": "%s overlap %s" % (mine[0] if mine else "X", shape),
            "create_date": last.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "module": "X",
            "kind": "overlap",
        }
        out.append(r)
        by_id[rid] = r
        n -= 1


def _slug(message):
    s = "_".join(re.sub(r"\W", " ", message).lower().split())
    return s[:40].rstrip("_") or "rev"


def render(r):
    rid = r["revision"]
    up = ""
    if not r["down_revision"]:
        up += "CREATE TABLE IF NOT EXISTS marker (rev VARCHAR(32) NOT NULL);\n"
    up += "INSERT INTO marker (rev) VALUES ('%s');\n" % rid
    down = "DELETE FROM marker WHERE rev = '%s';\n" % rid
    return ("-- message: %s\n-- revision: %s\n-- down_revision: %s\n"
            "-- branch_labels: %s\n-- depends_on: %s\n-- create_date: %s\n"
            "\n-- migrate:upgrade\n%s\n-- migrate:downgrade\n%s" % (
                r["message"], rid, ",".join(r["down_revision"]),
                ",".join(r["branch_labels"]), ",".join(r["depends_on"]),
                r["create_date"], up, down))


ALEMBIC_INI = """\
# Random git-dbmig project written by tests/gen_graph.py (%(what)s).
[alembic]
script_location = %%(here)s/migrations
sqlalchemy.url = sqlite:///%%(here)s/dbmig.db
"""


def write_project(revisions, out, what="generated"):
    vdir = os.path.join(out, "migrations", "versions")
    if os.path.isdir(vdir):
        shutil.rmtree(vdir)
    os.makedirs(vdir)
    with open(os.path.join(out, "alembic.ini"), "w") as f:
        f.write(ALEMBIC_INI % {"what": what})
    for r in revisions:
        name = "%s_%s.sql" % (r["revision"], _slug(r["message"]))
        with open(os.path.join(vdir, name), "w") as f:
            f.write(render(r))
    return out


def gen(seed, revs, out, modules=None, overlaps=False):
    revisions = generate(seed, revs, modules, overlaps)
    write_project(revisions, out, "seed=%s revs=%s modules=%s%s"
                  % (seed, revs, modules or default_modules(revs),
                     " overlaps" if overlaps else ""))
    return revisions


def stats(revisions):
    n_children = {}
    for r in revisions:
        for d in r["down_revision"]:
            n_children[d] = n_children.get(d, 0) + 1
    labels = {lab for r in revisions for lab in r["branch_labels"]}
    s = {
        "revisions": len(revisions),
        "bases": sum(1 for r in revisions if not r["down_revision"]),
        "heads": sum(1 for r in revisions if r["revision"] not in n_children),
        "merges": sum(1 for r in revisions if len(r["down_revision"]) > 1),
        "branch_points": sum(1 for v in n_children.values() if v > 1),
        "labels": len(labels),
        "mid_labels": sum(1 for r in revisions for lab in r["branch_labels"]
                          if lab.startswith("L")),
        "tip_labels": sum(1 for r in revisions for lab in r["branch_labels"]
                          if lab.startswith("T")),
        "deps_by_id": sum(1 for r in revisions for d in r["depends_on"]
                          if d not in labels),
        "deps_by_label": sum(1 for r in revisions for d in r["depends_on"]
                             if d in labels),
    }
    return s


def main(argv=None):
    ap = argparse.ArgumentParser(description="random git-dbmig project")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--revs", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--modules", type=int, default=None)
    ap.add_argument("--overlaps", action="store_true",
                    help="add revisions whose down revisions depend on one "
                    "another")
    ap.add_argument("--stats", action="store_true",
                    help="print feature counts on stdout")
    a = ap.parse_args(argv)
    if a.revs < 1:
        ap.error("--revs must be at least 1")
    revisions = gen(a.seed, a.revs, a.out, a.modules, a.overlaps)
    if a.stats:
        for k, v in stats(revisions).items():
            print("%s: %s" % (k, v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
