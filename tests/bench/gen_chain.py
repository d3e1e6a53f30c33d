#!/usr/bin/python3
"""Write a git-dbmig project whose revisions form one straight chain.

    gen_chain.py --revs N --out DIR

The upgrade benchmark wants N revisions applied one after the other, with
no branch or merge to blur the per-revision cost.  gen_graph.py always adds
branches and merges, so this reuses its file format (write_project(), the
same header, the same marker-table bodies) with a linear down_revision.
Ids look like c0042; the base creates the marker table.
"""

import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gen_graph  # noqa: E402


def chain(revs):
    width = max(4, len(str(revs - 1)))
    base_date = datetime.datetime(2026, 1, 1, 8, 0, 0)
    out = []
    for i in range(revs):
        rid = "c%0*d" % (width, i)
        out.append({
            "revision": rid,
            "down_revision": [out[-1]["revision"]] if out else [],
            "branch_labels": ["CHAIN"] if not out else [],
            "depends_on": [],
            "message": "chain step %d" % i,
            "create_date": (base_date + datetime.timedelta(seconds=61 * i))
            .strftime("%Y-%m-%d %H:%M:%S.%f"),
        })
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description="a linear git-dbmig project")
    ap.add_argument("--revs", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    if a.revs < 1:
        ap.error("--revs must be at least 1")
    gen_graph.write_project(chain(a.revs), a.out, "chain of %d" % a.revs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
