#!/usr/bin/python3
"""Make an Alembic project of .py revisions the way Alembic users make them.

    py_project.py DIR [--python PY] [--chain N]

"alembic init migrations" in DIR, then the seed document's revisions
(shared/seed/alembic-branches-example.md, "Create the migration
scripts") with "alembic revision" and the same options, each body filled
in: tables from SQLAlchemy models (metadata.create_all on the context's
engine, as the seed does), op.create_table, op.add_column,
op.batch_alter_table, op.create_index, op.execute, op.bulk_insert, and
"-x REVISE=..." read through context.get_x_argument(). env.py reads
SQLALCHEMY_URL as the seed's does; alembic.ini has a dated file_template
and prepend_sys_path = ., through which the revisions import the
project's own modules (app/models.py, app/trace.py); --bind connection
makes create_all() use op.get_bind() instead.  Every body records
that it ran in the file named by BODY_TRACE, so that two tools' runs can
be compared body by body.

--chain N makes a plain chain of N revisions instead (for the benchmark).
"""

import argparse
import glob
import os
import re
import subprocess
import sys

MODELS = '''"""The project's models, one declarative base a module."""
import sqlalchemy as sa
try:
    from sqlalchemy.orm import declarative_base
except ImportError:  # SQLAlchemy 1.3
    from sqlalchemy.ext.declarative import declarative_base

DBCoreBase = declarative_base()
DBMod1Base = declarative_base()
DBMod2Base = declarative_base()
DBMod3Base = declarative_base()


class CoreAccount(DBCoreBase):
    __tablename__ = "core_account"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)


def _module_table(base, name):
    return type(name.title().replace("_", ""), (base,), {
        "__tablename__": name,
        "id": sa.Column(sa.Integer, primary_key=True),
        "account_id": sa.Column(sa.Integer, nullable=False),
        "label": sa.Column(sa.String(40)),
    })


Mod1Item = _module_table(DBMod1Base, "mod1_item")
Mod2Item = _module_table(DBMod2Base, "mod2_item")
Mod3Item = _module_table(DBMod3Base, "mod3_item")

BASES = {"core": DBCoreBase, "mod1": DBMod1Base, "mod2": DBMod2Base,
         "mod3": DBMod3Base}
'''

TRACE = '''"""Append "DIRECTION REVISION" to $BODY_TRACE: which bodies ran."""
import os


def trace(direction, revision):
    path = os.environ.get("BODY_TRACE")
    if path:
        with open(path, "a") as f:
            f.write("%s %s\\n" % (direction, revision))
'''

# the seed's "alembic revision" lines: (message, rev-id, head, depends, label)
SEED = []
SEED += [("Init core create tables", "init_core_newtable", "base", [], "INITCORE"),
         ("Init core create replacables", "init_core_funcproc", "INITCORE@head", [], None),
         ("Init core seed system data", "init_core_popdata", "INITCORE@head", [], None),
         ("Init core revision 0", "init_core_version0", "base", ["init_core_popdata"], "CORE")]
for m in ("mod1", "mod2", "mod3"):
    M = m.upper()
    SEED += [("Init %s create tables" % m, "init_%s_newtable" % m, "base", ["init_core_newtable"], "INIT" + M),
             ("Init %s create replacables" % m, "init_%s_funcproc" % m, "INIT%s@head" % M, [], None),
             ("Init %s seed system data" % m, "init_%s_popdata" % m, "INIT%s@head" % M, [], None),
             ("Init %s revision 0" % m, "init_%s_version0" % m, "base", ["init_%s_popdata" % m], M)]
SEED += [("Init modules", "init_all_modules", "base", ["init_mod1_popdata", "init_mod2_popdata", "init_mod3_popdata"], "INITALL"),
         ("Seed development data", "init_dev_popdata", "base", ["init_all_modules"], "INITDEV")]
for m in ("core", "mod1", "mod2", "mod3"):
    for n in (1, 2, 3):
        SEED.append(("%s Rev%d" % (m.upper(), n), "%s_rev%d" % (m, n), "%s@head" % m.upper(), [], None))


# what the models' create_all() runs on: the seed's own choice, the
# context's engine (a connection of its own), or op.get_bind(), Alembic's
# connection, which PostgreSQL needs: there a second connection waits for
# the locks of the first, which waits for the body to end.
BIND = "op.get_context().connection.engine"


def bodies(rev):
    """(upgrade, downgrade) Python bodies for a seed revision."""
    m = re.match(r"init_(core|mod\d)_(newtable|funcproc|popdata|version0)$", rev)
    if m:
        mod, part = m.groups()
        base = "BASES[%r]" % mod
        tbl = "core_account" if mod == "core" else "%s_item" % mod
        if part == "newtable":
            return ("%s.metadata.create_all(%s)" % (base, BIND),
                    "%s.metadata.drop_all(%s)" % (base, BIND))
        if part == "funcproc":
            return ("op.execute(\"CREATE VIEW %s_v AS SELECT '%s' AS module\")" % (mod, tbl),
                    "op.execute('DROP VIEW %s_v')" % mod)
        if part == "popdata":
            if mod == "core":
                up = ("op.bulk_insert(CoreAccount.__table__, [{'id': 1, 'name': 'system'}, "
                      "{'id': 2, 'name': 'admin'}])")
                return up, "op.execute('DELETE FROM core_account')"
            up = ("op.bulk_insert(BASES[%r].metadata.tables[%r], "
                  "[{'id': 1, 'account_id': 1, 'label': 'seed'}])" % (mod, tbl))
            return up, "op.execute('DELETE FROM %s')" % tbl
        return "pass", "pass"
    if rev == "init_all_modules":
        return "pass", "pass"
    if rev == "init_dev_popdata":
        return ("op.execute(\"INSERT INTO core_account (id, name) VALUES (100, 'developer')\")",
                "op.execute('DELETE FROM core_account WHERE id = 100')")
    m = re.match(r"(core|mod\d)_rev(\d)$", rev)
    mod, n = m.group(1), int(m.group(2))
    tbl = "core_account" if mod == "core" else "%s_item" % mod
    if n == 1:
        return ("op.add_column(%r, sa.Column('note', sa.String(80)))" % tbl,
                "with op.batch_alter_table(%r) as b:\n        b.drop_column('note')" % tbl)
    if n == 2:
        return ("op.create_index('ix_%s_note', %r, ['note'])" % (tbl, tbl),
                "op.drop_index('ix_%s_note', table_name=%r)" % (tbl, tbl))
    up = ("revise = context.get_x_argument(as_dictionary=True).get('REVISE', 'none')\n"
          "    op.create_table('%s_extra', sa.Column('id', sa.Integer, primary_key=True),\n"
          "                    sa.Column('revise', sa.String(20)))\n"
          "    op.execute(sa.text(\"INSERT INTO %s_extra (id, revise) VALUES (1, :r)\").bindparams(r=revise))"
          % (mod, mod))
    return up, "op.drop_table('%s_extra')" % mod


def alembic(py, cwd, *args):
    """alembic ARGS in cwd: in this process (Alembic's own CommandLine) when
    py is this Python, which is 30 times faster than a process each."""
    if os.path.realpath(py) != os.path.realpath(sys.executable):
        subprocess.run([py, "-m", "alembic"] + list(args), cwd=cwd, check=True,
                       stdout=subprocess.DEVNULL)
        return
    import contextlib
    import io
    from alembic.config import CommandLine
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            CommandLine(prog="alembic").main(argv=list(args))
    finally:
        os.chdir(old)


def fill(path, rev, up, down):
    with open(path) as f:
        s = f.read()
    imports = ("from alembic import context\n"
               "from app.models import BASES, CoreAccount\n"
               "from app.trace import trace\n")
    s = s.replace("from alembic import op\n", "from alembic import op\n" + imports, 1)
    # "def upgrade() -> None:" (1.8+) or "def upgrade():"
    s = re.sub(r"(def upgrade\(\)[^:]*:\n)(    .*\n)+?(?=\n|\Z)",
               lambda mo: "%s    trace('upgrade', %r)\n    %s\n" % (mo.group(1), rev, up), s, count=1)
    s = re.sub(r"(def downgrade\(\)[^:]*:\n)(    .*\n)+?(?=\n|\Z)",
               lambda mo: "%s    trace('downgrade', %r)\n    %s\n" % (mo.group(1), rev, down), s, count=1)
    with open(path, "w") as f:
        f.write(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--chain", type=int, default=0)
    ap.add_argument("--bind", choices=("engine", "connection"), default="engine",
                    help="create_all() on the context's engine (as the seed) "
                    "or on op.get_bind()")
    a = ap.parse_args()
    global BIND
    if a.bind == "connection":
        BIND = "op.get_bind()"
    os.makedirs(a.dir, exist_ok=True)
    alembic(a.python, a.dir, "init", "migrations")
    ini = os.path.join(a.dir, "alembic.ini")
    with open(ini) as f:
        s = f.read()
    s = s.replace("sqlalchemy.url = driver://user:pass@localhost/dbname",
                  "sqlalchemy.url = sqlite:///project.db")
    s = re.sub(r"# file_template = .*\n",
               "file_template = %%(year)d_%%(month).2d_%%(day).2d-%%(rev)s_%%(slug)s\n", s, count=1)
    if "prepend_sys_path" not in s.split("[post_write_hooks]")[0].replace("# sys.path", ""):
        s = s.replace("[alembic]\n", "[alembic]\nprepend_sys_path = .\n", 1)
    with open(ini, "w") as f:
        f.write(s)
    env = os.path.join(a.dir, "migrations", "env.py")
    with open(env) as f:
        s = f.read()
    s = "import os\n" + s.replace(
        "config = context.config\n",
        "config = context.config\n\n# as the seed's env.py: SQLALCHEMY_URL wins over alembic.ini\n"
        "if os.environ.get('SQLALCHEMY_URL'):\n"
        "    config.set_main_option('sqlalchemy.url', os.environ['SQLALCHEMY_URL'])\n", 1)
    with open(env, "w") as f:
        f.write(s)
    # what an Alembic user who keeps the project in git ignores
    with open(os.path.join(a.dir, ".gitignore"), "w") as f:
        f.write("__pycache__/\n")
    os.makedirs(os.path.join(a.dir, "app"), exist_ok=True)
    for name, text in (("__init__.py", ""), ("models.py", MODELS), ("trace.py", TRACE)):
        with open(os.path.join(a.dir, "app", name), "w") as f:
            f.write(text)
    versions = os.path.join(a.dir, "migrations", "versions")
    if a.chain:
        for i in range(1, a.chain + 1):
            rev = "r%04d" % i
            alembic(a.python, a.dir, "revision", "-m", "step %d" % i, "--rev-id", rev)
            path = glob.glob(os.path.join(versions, "*-%s_*.py" % rev))[0]
            fill(path, rev, "op.execute('CREATE TABLE t%04d (id INTEGER)')" % i,
                 "op.execute('DROP TABLE t%04d')" % i)
        return 0
    for msg, rev, head, deps, label in SEED:
        args = ["revision", "-m", msg, "--rev-id", rev, "--head=" + head]
        for d in deps:
            args.append("--depends-on=" + d)
        if label:
            args += ["--branch-label", label]
        alembic(a.python, a.dir, *args)
        path = glob.glob(os.path.join(versions, "*-%s_*.py" % rev))[0]
        up, down = bodies(rev)
        fill(path, rev, up, down)
    return 0


if __name__ == "__main__":
    sys.exit(main())
