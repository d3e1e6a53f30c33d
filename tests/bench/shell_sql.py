#!/usr/bin/python3
"""Turn a git-dbmig project into one script for the sqlite3 shell.

    shell_sql.py PROJECT per-revision|whole-run > upgrade.sql

The script does what "upgrade heads" does on a fresh SQLite file, and
nothing more: create alembic_version as Alembic does, then for each
revision in dependency order its upgrade body and the version-row change
(INSERT for a base, UPDATE for a revision with one parent, DELETE + UPDATE
for a merge).  "per-revision" wraps each revision in BEGIN/COMMIT, as
transaction_per_migration does; "whole-run" wraps everything in one.  It is
the floor the benchmark compares git-dbmig with: the same SQL through the
same library, with no graph work.  Non-transactional revisions and
depends_on are not modelled (the benchmark's projects have neither).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import alembic_mirror  # noqa: E402

CREATE = ("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
          "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));\n")


def q(s):
    return "'" + s.replace("'", "''") + "'"


def ordered(revs):
    """Parents before children; ties by id, so the script is stable."""
    by_id = {r["revision"]: r for r in revs}
    kids, npar = {}, {}
    for r in revs:
        npar[r["revision"]] = len(r["down_revision"])
        for d in r["down_revision"]:
            kids.setdefault(d, []).append(r["revision"])
    ready = sorted(i for i, n in npar.items() if n == 0)
    out = []
    while ready:
        i = ready.pop(0)
        out.append(by_id[i])
        for k in sorted(kids.get(i, [])):
            npar[k] -= 1
            if npar[k] == 0:
                ready.append(k)
        ready.sort()
    if len(out) != len(revs):
        raise SystemExit("shell_sql: cycle or missing parent")
    return out


def script(revs, mode):
    parts = [CREATE]
    if mode == "whole-run":
        parts.append("BEGIN;\n")
    for r in ordered(revs):
        if mode == "per-revision":
            parts.append("BEGIN;\n")
        body = r["upgrade"].strip()
        if body:
            parts.append(body + "\n")
        rid, down = r["revision"], r["down_revision"]
        if not down:
            parts.append("INSERT INTO alembic_version (version_num) "
                         "VALUES (%s);\n" % q(rid))
        else:
            for d in down[1:]:
                parts.append("DELETE FROM alembic_version WHERE "
                             "alembic_version.version_num = %s;\n" % q(d))
            parts.append("UPDATE alembic_version SET version_num=%s WHERE "
                         "alembic_version.version_num = %s;\n"
                         % (q(rid), q(down[0])))
        if mode == "per-revision":
            parts.append("COMMIT;\n")
    if mode == "whole-run":
        parts.append("COMMIT;\n")
    return "".join(parts)


def main(argv):
    if len(argv) != 2 or argv[1] not in ("per-revision", "whole-run"):
        sys.stderr.write("usage: shell_sql.py PROJECT per-revision|whole-run\n")
        return 2
    _, revs = alembic_mirror.load_project(argv[0])
    sys.stdout.write(script(revs, argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
