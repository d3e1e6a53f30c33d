#!/usr/bin/python3
"""Print the "make bench" table from the results run.sh left.

    report.py RESULTS_DIR

RESULTS_DIR holds KEY.json (hyperfine --export-json), KEY.rss (peak RSS in
kB, from /usr/bin/time -f %M), KEY.failed, and "meta" (KEY VALUE lines).
Times are hyperfine's mean ± standard deviation.  Ratios divide means, so
they stay comparable between runs on a noisy machine.  A measurement that is
missing prints as "-", one that failed as "FAILED".
"""

import json
import os
import sys


class Results:
    def __init__(self, path):
        self.path = path
        self.meta = {}
        mp = os.path.join(path, "meta")
        if os.path.exists(mp):
            with open(mp) as f:
                for line in f:
                    k, _, v = line.rstrip("\n").partition(" ")
                    self.meta[k] = v.replace("_", " ")

    def failed(self, key):
        return os.path.exists(os.path.join(self.path, key + ".failed"))

    def result(self, key):
        """hyperfine's result for KEY, or None (missing, failed, cut short)."""
        p = os.path.join(self.path, key + ".json")
        if self.failed(key) or not os.path.exists(p):
            return None
        try:
            with open(p) as f:
                return json.load(f)["results"][0]
        except (ValueError, KeyError, IndexError):
            return None

    def time(self, key):
        """(mean, stddev) in seconds, or None."""
        r = self.result(key)
        if r is None:
            return None
        return r["mean"], r.get("stddev") or 0.0

    def cpu(self, key):
        """Mean user + system CPU seconds, or None."""
        r = self.result(key)
        if r is None or "user" not in r or "system" not in r:
            return None
        return r["user"] + r["system"]

    def fmt_cpu(self, key):
        c = self.cpu(key)
        if c is None:
            return "-"
        m = c * 1000
        return "%.*f ms" % (2 if m < 10 else 1 if m < 1000 else 0, m)

    def cpu_ratio(self, num, den):
        a, b = self.cpu(num), self.cpu(den)
        if not a or not b:
            return "-"
        r = a / b
        return "%.*fx" % (2 if r < 10 else 1 if r < 100 else 0, r)

    def rss(self, key):
        """Peak RSS in kB, or None."""
        p = os.path.join(self.path, key + ".rss")
        if not os.path.exists(p):
            return None
        with open(p) as f:
            lines = [x for x in f.read().split() if x.isdigit()]
        return int(lines[-1]) if lines else None

    def fmt_time(self, key):
        t = self.time(key)
        if t is None:
            return "FAILED" if self.failed(key) else "-"
        m, s = t[0] * 1000, t[1] * 1000
        d = 2 if m < 10 else 1 if m < 1000 else 0
        return "%.*f ± %.*f ms" % (d, m, d, s)

    def fmt_rss(self, key):
        r = self.rss(key)
        return "-" if r is None else "%.1f MB" % (r / 1024.0)

    def ratio(self, num, den, rss=False):
        a = self.rss(num) if rss else self.time(num)
        b = self.rss(den) if rss else self.time(den)
        if not a or not b:
            return "-"
        a = a if rss else a[0]
        b = b if rss else b[0]
        if not b:
            return "-"
        r = a / b
        return "%.*fx" % (2 if r < 10 else 1 if r < 100 else 0, r)


def size_table(res, n, out):
    p = "%s." % n
    out.append("")
    out.append("== %s revisions, %s modules (gen_graph.py --seed 1), "
               "%s ==" % (n, res.meta.get("modules" + n, "?"),
                          res.meta.get("readfiles" + n, "?")))
    row = "%-40s %-20s %9s   %-20s %9s"
    out.append(row % ("", "heads: wall", "peak RSS", "history: wall",
                      "peak RSS"))
    for label, key in (("Alembic (warm __pycache__)", "alembic.%s"),
                       ("git-dbmig worktree, first run", "dbmig.%s.cold"),
                       ("git-dbmig worktree, repeated", "dbmig.%s"),
                       ("git-dbmig --at HEAD, first run", "at.%s.cold"),
                       ("git-dbmig --at HEAD, repeated", "at.%s")):
        h, y = p + key % "heads", p + key % "history"
        out.append(row % (label, res.fmt_time(h), res.fmt_rss(h),
                          res.fmt_time(y), res.fmt_rss(y)))
    out.append("%-40s %s" % ("floor: C reader, every .sql file",
                             res.fmt_time(p + "readfiles")))
    out.append("%-40s packed %s; loose %s" % (
        "floor: git cat-file, all %s blobs" % res.meta.get("blobs" + n, "?"),
        res.fmt_time(p + "catfile.packed"), res.fmt_time(p + "catfile.loose")))
    rrow = "%-40s heads %-8s history %-8s %s"
    out.append(rrow % ("ratio Alembic / git-dbmig repeated",
                       res.ratio(p + "alembic.heads", p + "dbmig.heads"),
                       res.ratio(p + "alembic.history", p + "dbmig.history"),
                       "(aim >= 40x)"))
    out.append(rrow % ("ratio git-dbmig first run / C reader",
                       res.ratio(p + "dbmig.heads.cold", p + "readfiles"),
                       res.ratio(p + "dbmig.history.cold", p + "readfiles"),
                       "(aim <= 1.3x)"))
    out.append(rrow % ("ratio --at HEAD first run / cat-file",
                       res.ratio(p + "at.heads.cold", p + "catfile.packed"),
                       res.ratio(p + "at.history.cold", p + "catfile.packed"),
                       "(packed)"))
    out.append(rrow % ("ratio peak RSS, Alembic / git-dbmig",
                       res.ratio(p + "alembic.heads", p + "dbmig.heads", True),
                       res.ratio(p + "alembic.history", p + "dbmig.history",
                                 True), "(repeated)"))
    out.append("check: %s" % res.meta.get("heads" + n, "?"))


def scale_table(res, out):
    sizes = res.meta.get("scale_sizes", "").split()
    if not sizes:
        return
    cmds = res.meta.get("scale_cmds", "").split()
    out.append("")
    out.append("== scale: gen_graph.py --seed 1, modules sqrt(revisions) up to 200; "
               "git-dbmig warm (%s runs), Alembic one run ==" % res.meta.get("scale_runs", "?"))
    out.append("(wall: hyperfine mean ± σ; cpu: mean user + system, steadier on a "
               "shared machine; ratios Alembic / git-dbmig)")
    for n in sizes:
        p = "s%s." % n
        out.append("")
        out.append("-- %s revisions, %s modules --" % (n, res.meta.get("smodules" + n, "?")))
        row = "%-19s %-19s %10s %9s | %-16s %10s %9s | %7s %7s %7s"
        out.append(row % ("", "git-dbmig wall", "cpu", "peak RSS", "Alembic wall",
                          "cpu", "peak RSS", "wall", "cpu", "RSS"))
        for c in ["heads.cold"] + cmds:
            d, a = p + "dbmig." + c, p + "alembic." + c
            out.append(row % (c.replace(":", " "), res.fmt_time(d), res.fmt_cpu(d),
                              res.fmt_rss(d), res.fmt_time(a), res.fmt_cpu(a),
                              res.fmt_rss(a), res.ratio(a, d), res.cpu_ratio(a, d),
                              res.ratio(a, d, True)))
        out.append("%-19s %-19s %10s   first run / floor: wall %s, cpu %s (aim <= 1.5x)" % (
            "floor: read files", res.fmt_time(p + "readfiles"),
            res.fmt_cpu(p + "readfiles"),
            res.ratio(p + "dbmig.heads.cold", p + "readfiles"),
            res.cpu_ratio(p + "dbmig.heads.cold", p + "readfiles")))
    if "10000" in sizes and "100000" in sizes:
        out.append("")
        out.append("-- git-dbmig growth, 10,000 -> 100,000 revisions (aim: time <= 11x; "
                   "peak RSS linear, <= 1/4 of Alembic's) --")
        row = "%-19s %9s %9s %9s   %s"
        out.append(row % ("", "wall", "cpu", "peak RSS", "Alembic at 100,000"))
        for c in ["heads.cold"] + cmds:
            d10, d100 = "s10000.dbmig." + c, "s100000.dbmig." + c
            a100 = "s100000.alembic." + c
            alt = res.fmt_time(a100)
            if alt != "-":
                alt = "%s, %s" % (alt, res.fmt_rss(a100))
            elif res.time("s10000.alembic." + c):
                alt = "left out (minutes)"
            out.append(row % (c.replace(":", " "), res.ratio(d100, d10),
                              res.cpu_ratio(d100, d10), res.ratio(d100, d10, True), alt))
    notes = [c for c in cmds if not res.time("s%s.alembic.%s" % (sizes[0], c))]
    if notes:
        out.append("no Alembic counterpart run: %s" % ", ".join(
            c.replace(":", " ") for c in notes))


def upgrade_table(res, out):
    chain = res.meta.get("chain", "?")
    out.append("")
    out.append("== upgrade heads, %s-revision chain, fresh SQLite file =="
               % chain)
    row = "%-40s %-27s %s"
    out.append(row % ("", "per-revision transactions", "one transaction"))
    out.append(row % ("Alembic (transaction_per_migration)",
                      res.fmt_time("up.alembic"), "-"))
    out.append(row % ("git-dbmig (default / --one-transaction)",
                      res.fmt_time("up.dbmig"), res.fmt_time("up.dbmig.one")))
    out.append(row % ("sqlite3 shell, same SQL",
                      res.fmt_time("up.shell.per"),
                      res.fmt_time("up.shell.whole")))
    out.append(row % ("ratio git-dbmig / sqlite3 shell",
                      res.ratio("up.dbmig", "up.shell.per"),
                      res.ratio("up.dbmig.one", "up.shell.whole")
                      + "   (aim <= 1.3x)"))
    out.append(row % ("git-dbmig, the .py chain (Alembic runtime)",
                      res.fmt_time("up.dbmig.py"), res.fmt_time("up.dbmig.py.one")))
    out.append(row % ("ratio git-dbmig .py / Alembic (goal <= 1.2x)",
                      res.ratio("up.dbmig.py", "up.alembic"),
                      res.ratio("up.dbmig.py.one", "up.alembic")))
    out.append(row % ("ratio Alembic / git-dbmig",
                      res.ratio("up.alembic", "up.dbmig"),
                      res.ratio("up.alembic", "up.dbmig.one")
                      + "   (aim > 20x)"))
    bad = sorted(k[len("upcheck."):] for k in res.meta
                 if k.startswith("upcheck."))
    out.append("check: %s" % (
        "every run applied all %s revisions" % chain if not bad else
        "WRONG DATABASE after " + ", ".join(
            "%s (%s)" % (k, res.meta["upcheck." + k]) for k in bad)))


def main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: report.py RESULTS_DIR\n")
        return 2
    res = Results(argv[0])
    m = res.meta
    sizes = m.get("sizes", "").split()
    out = ["git-dbmig benchmark: Alembic %s, SQLite %s, git %s, %s CPUs; "
           "hyperfine mean ± σ" % (m.get("alembic", "?"), m.get("sqlite", "?"),
                                   m.get("git", "?"), m.get("nproc", "?")),
           "(%s runs; first runs %s; Alembic %s; upgrades %s, "
           "whole-run %s)" % (
               m.get("runs", "?"), m.get("slow", "?"), ", ".join(
                   "%s at %s" % (m.get("arun" + n, "?"), n) for n in sizes),
               m.get("urun", "?"), m.get("runs", "?"))]
    for n in sizes:
        size_table(res, n, out)
    if len(sizes) > 1:
        a, b = sizes[0], sizes[-1]
        out.append("")
        out.append("peak RSS growth %s -> %s revisions (heads, repeated): "
                   "Alembic %s -> %s, git-dbmig %s -> %s" % (
                       a, b, res.fmt_rss(a + ".alembic.heads"),
                       res.fmt_rss(b + ".alembic.heads"),
                       res.fmt_rss(a + ".dbmig.heads"),
                       res.fmt_rss(b + ".dbmig.heads")))
    scale_table(res, out)
    if m.get("chain") and (res.time("up.dbmig") or res.failed("up.dbmig")):
        upgrade_table(res, out)
    print("\n".join(out))
    failed = [f[:-len(".failed")] for f in sorted(os.listdir(argv[0]))
              if f.endswith(".failed")]
    if failed or any(k.startswith("upcheck.") for k in m):
        if failed:
            print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
