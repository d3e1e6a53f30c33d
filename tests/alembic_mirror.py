#!/usr/bin/python3
"""Mirror a git-dbmig project as an Alembic project.

    alembic_mirror.py SRC_PROJECT DEST

SRC_PROJECT holds an ``alembic.ini`` whose script_location/version_locations
hold git-dbmig ``.sql`` revisions (SPEC 3.1).  DEST receives a complete
Alembic project that ``/usr/bin/python3 -m alembic -c DEST/alembic.ini``
runs: alembic.ini (with logging sections, so "Running upgrade" INFO lines
reach stderr), alembic/env.py (URL from $SQLALCHEMY_URL, online and offline,
transaction_per_migration=True), alembic/script.py.mako and one
alembic/versions/<stem>.py per revision.  ``.py`` revisions found in the
source are copied verbatim.

Importable: ``mirror(src, dest)``, ``load_project(src)`` and
``parse_sql_revision(text, name)`` are reused by compare.py, gen_graph.py
and the benchmark.  Standard library only (sqlalchemy is used, when
importable, to check that each statement survives ``sa.text()``).
"""

import configparser
import os
import re
import shutil
import sys

__all__ = ["mirror", "load_project", "parse_sql_revision", "read_ini",
           "split_statements", "RevisionError"]


class RevisionError(Exception):
    pass


# ---------------------------------------------------------------------------
# alembic.ini

def read_ini(ini_path, section="alembic"):
    """Return a dict of the [section] keys with %(here)s expanded."""
    ini_path = os.path.abspath(ini_path)
    here = os.path.dirname(ini_path)
    cp = configparser.ConfigParser(defaults={"here": here})
    with open(ini_path, encoding="utf-8") as f:
        cp.read_file(f)
    if not cp.has_section(section):
        raise RevisionError("%s: no [%s] section" % (ini_path, section))
    out = {}
    for key in cp.options(section):
        if key == "here":
            continue
        out[key] = cp.get(section, key)
    out["here"] = here
    return out


def _split_locations(value, sep_opt):
    if sep_opt is None:
        parts = re.split(r"[\s,]+", value)
    else:
        sep_opt = sep_opt.split("#")[0].strip()
        if sep_opt == "os":
            parts = value.split(os.pathsep)
        elif sep_opt == "space":
            parts = value.split(" ")
        elif sep_opt in (":", ";"):
            parts = value.split(sep_opt)
        else:
            parts = re.split(r"[\s,]+", value)
    return [p.strip() for p in parts if p.strip()]


def version_dirs(ini):
    """Folders holding revision files, in a fixed order, without repeats."""
    here = ini["here"]
    loc = ini.get("script_location", "migrations")
    if not os.path.isabs(loc):
        loc = os.path.join(here, loc)
    dirs = [os.path.join(loc, "versions")]
    if ini.get("version_locations"):
        for d in _split_locations(ini["version_locations"],
                                  ini.get("version_path_separator")):
            dirs.append(d if os.path.isabs(d) else os.path.join(here, d))
    seen, out = set(), []
    for d in dirs:
        n = os.path.normpath(d)
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _truthy(v):
    return str(v).strip().lower() in ("1", "true", "yes", "on")


def revision_files(ini):
    recursive = _truthy(ini.get("recursive_version_locations", "false"))
    files = []
    for d in version_dirs(ini):
        if not os.path.isdir(d):
            continue
        if recursive:
            for root, dirnames, names in os.walk(d):
                dirnames[:] = sorted(x for x in dirnames if x != "__pycache__")
                for n in sorted(names):
                    files.append(os.path.join(root, n))
        else:
            for n in sorted(os.listdir(d)):
                files.append(os.path.join(d, n))
    return [f for f in files
            if os.path.isfile(f) and (f.endswith(".sql") or
                                      (f.endswith(".py") and
                                       not os.path.basename(f).startswith("__init__")))]


# ---------------------------------------------------------------------------
# .sql revision files

HEADER_KEYS = ("message", "revision", "down_revision", "branch_labels",
               "depends_on", "create_date", "transactional", "squashes")
_HEADER_RE = re.compile(r"^--\s*([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")
_MARKER_RE = re.compile(r"^--\s*migrate:(upgrade|downgrade)\s*$")


def _list(value):
    return [x.strip() for x in value.split(",") if x.strip()]


def parse_sql_revision(text, name="<string>"):
    """Parse a .sql revision; returns a dict.

    Keys: revision, down_revision (list), branch_labels (list), depends_on
    (list), message, create_date, transactional (bool), upgrade, downgrade
    (body text or ""), path (= name)."""
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines) and lines[i].strip() == "":
        i += 1
    hdr = {}
    while i < len(lines):
        line = lines[i]
        if _MARKER_RE.match(line.strip()):
            break
        m = _HEADER_RE.match(line.strip())
        if not m:
            break
        key, value = m.group(1).lower(), m.group(2).strip()
        if key in hdr:
            raise RevisionError("%s:%d: duplicate key '%s'" % (name, i + 1, key))
        hdr[key] = value
        i += 1
    if "revision" not in hdr or not hdr["revision"]:
        raise RevisionError("%s: no 'revision' header" % name)
    bodies = {"upgrade": [], "downgrade": []}
    cur = None
    for line in lines[i:]:
        m = _MARKER_RE.match(line.strip())
        if m:
            cur = m.group(1)
            continue
        if cur:
            bodies[cur].append(line)
    return {
        "path": name,
        "revision": hdr["revision"],
        "down_revision": _list(hdr.get("down_revision", "")),
        "branch_labels": _list(hdr.get("branch_labels", "")),
        "depends_on": _list(hdr.get("depends_on", "")),
        "message": hdr.get("message", ""),
        "create_date": hdr.get("create_date", ""),
        "transactional": hdr.get("transactional", "true").strip().lower()
        not in ("false", "no", "0", "off"),
        "upgrade": "\n".join(bodies["upgrade"]),
        "downgrade": "\n".join(bodies["downgrade"]),
        "unknown_keys": sorted(k for k in hdr if k not in HEADER_KEYS),
    }


_PY_ASSIGN_RE = re.compile(
    r"^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=]*)?=\s*(.+)$",
    re.M)


def parse_py_revision(text, name="<string>"):
    """Graph fields of an Alembic .py revision (literal assignments only)."""
    import ast
    out = {"path": name, "down_revision": [], "branch_labels": [],
           "depends_on": [], "message": "", "create_date": "",
           "transactional": True, "upgrade": None, "downgrade": None,
           "unknown_keys": []}
    tree = ast.parse(text, name)
    doc = ast.get_docstring(tree, clean=False) or ""
    out["message"] = re.split("\n\n", doc.strip())[0] if doc else ""
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if not isinstance(target, ast.Name):
            continue
        if target.id not in ("revision", "down_revision", "branch_labels",
                             "depends_on"):
            continue
        v = ast.literal_eval(value)
        if target.id == "revision":
            out["revision"] = v
        else:
            if v is None:
                v = []
            elif isinstance(v, str):
                v = [v]
            out[target.id] = list(v)
    if "revision" not in out:
        raise RevisionError("%s: no 'revision' assignment" % name)
    return out


def load_project(src, ini_name="alembic.ini", section="alembic"):
    """Return (ini dict, list of revision dicts) of a git-dbmig project."""
    ini_path = src if src.endswith(".ini") else os.path.join(src, ini_name)
    ini = read_ini(ini_path, section)
    revs = []
    for f in revision_files(ini):
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        if f.endswith(".sql"):
            r = parse_sql_revision(text, f)
            r["format"] = "sql"
        else:
            r = parse_py_revision(text, f)
            r["format"] = "py"
            r["source"] = text
        revs.append(r)
    return ini, revs


# ---------------------------------------------------------------------------
# Splitting a body into statements

def _dollar_balanced(text):
    """True when every $tag$ ... $tag$ quote of text is closed."""
    open_tag = None
    for m in re.finditer(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", text):
        tag = m.group(0)
        if open_tag is None:
            open_tag = tag
        elif tag == open_tag:
            open_tag = None
    return open_tag is None


def _complete(text):
    try:
        import sqlite3
        ok = sqlite3.complete_statement(text)
    except Exception:  # pragma: no cover
        ok = True
    return ok and _dollar_balanced(text)


def _comment_only(piece):
    s = re.sub(r"/\*.*?\*/", "", piece, flags=re.S)
    for line in s.split("\n"):
        line = line.strip()
        if line and not line.startswith("--") and line != ";":
            return False
    return True


def _code_part(line):
    """line without a trailing '-- comment' (quotes respected)."""
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "-" and line.startswith("--", i):
            return line[:i]
        i += 1
    return line


def split_statements(body):
    """Split on ';' at end of line (a trailing '-- comment' allowed); keep a
    piece open while it is not a complete statement (CREATE TRIGGER ...
    BEGIN ...; END; and $$ bodies).  Empty and comment-only pieces are
    dropped."""
    out, cur = [], []
    for line in body.split("\n"):
        cur.append(line)
        if _code_part(line).rstrip().endswith(";"):
            piece = "\n".join(cur)
            if _complete(piece):
                out.append(piece)
                cur = []
    if cur:
        out.append("\n".join(cur))
    stmts = []
    for p in out:
        if _comment_only(p):
            continue
        p = p.strip()
        if p.endswith(";"):          # Alembic's --sql output adds its own
            p = p[:-1].rstrip()
        stmts.append(p)
    return stmts


# ---------------------------------------------------------------------------
# Writing the Alembic project

_BIND_RE = re.compile(r"(?<![:\w\\]):(?=\w)")


def _text_ok(escaped, original):
    try:
        import sqlalchemy as sa
    except Exception:
        return True
    try:
        t = sa.text(escaped)
        return not t._bindparams and str(t) == original
    except Exception:
        return False


def _stmt_code(stmt, indent):
    esc = _BIND_RE.sub(r"\\:", stmt)
    if _text_ok(esc, stmt):
        return "%sop.execute(sa.text(%r))\n" % (indent, esc)
    # sa.text() would see a bind parameter we cannot escape: send the
    # statement to the driver as it is (online), or print it (offline).
    return ("%s_raw(%r)\n" % (indent, stmt))


def _func_code(name, body, transactional):
    stmts = split_statements(body or "")
    code = "def %s() -> None:\n" % name
    if not stmts:
        return code + "    pass\n"
    indent = "    "
    if not transactional:
        code += "    with op.get_context().autocommit_block():\n"
        indent = "        "
    for s in stmts:
        code += _stmt_code(s, indent)
    return code


def _py_value(items):
    if not items:
        return "None"
    if len(items) == 1:
        return repr(items[0])
    return repr(tuple(items))


def _doc_escape(s):
    return s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def revision_module(rev):
    down = rev["down_revision"]
    doc = '"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: %s\n\n"""\n' % (
        _doc_escape(rev["message"]), _doc_escape(rev["revision"]),
        _doc_escape(", ".join(down)), _doc_escape(rev["create_date"]))
    src = doc
    src += "from alembic import op\nimport sqlalchemy as sa\n\n\n"
    src += "# revision identifiers, used by Alembic.\n"
    src += "revision = %r\n" % rev["revision"]
    src += "down_revision = %s\n" % _py_value(down)
    src += "branch_labels = %s\n" % _py_value(rev["branch_labels"])
    src += "depends_on = %s\n\n\n" % _py_value(rev["depends_on"])
    funcs = _func_code("upgrade", rev["upgrade"], rev["transactional"])
    funcs += "\n\n"
    funcs += _func_code("downgrade", rev["downgrade"], rev["transactional"])
    if "_raw(" in funcs:
        src += ("def _raw(sql):\n"
                "    if op.get_context().as_sql:\n"
                "        op.execute(sql)\n"
                "    else:\n"
                "        op.get_bind().exec_driver_sql(sql)\n\n\n")
    return src + funcs


ALEMBIC_INI = """\
# Alembic mirror of %(src)s, written by tests/alembic_mirror.py.
# The database URL comes from $SQLALCHEMY_URL (see alembic/env.py).

[alembic]
script_location = %%(here)s/alembic
prepend_sys_path = .
version_path_separator = os
%(extra)s
[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
datefmt = %%H:%%M:%%S
"""

ENV_PY = '''\
"""Alembic environment of a mirrored git-dbmig project."""
import os
from logging.config import fileConfig

from sqlalchemy import engine_from_config
from sqlalchemy import pool

from alembic import context

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def _url():
    url = os.environ.get("SQLALCHEMY_URL") or config.get_main_option(
        "sqlalchemy.url")
    if not url:
        raise SystemExit("alembic mirror: set SQLALCHEMY_URL")
    return url


def _table_opts():
    opts = {}
    table = config.get_main_option("version_table")
    if table:
        opts["version_table"] = table
    schema = config.get_main_option("version_table_schema")
    if schema:
        opts["version_table_schema"] = schema
    return opts


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        transaction_per_migration=True,
        **_table_opts()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        {"sqlalchemy.url": _url()},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            transaction_per_migration=True,
            **_table_opts()
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

SCRIPT_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''


def mirror(src, dest, section="alembic"):
    """Write at dest an Alembic project equivalent to the git-dbmig project
    src (a folder with alembic.ini, or the ini file itself).  Returns the
    path of dest/alembic.ini."""
    ini, revs = load_project(src, section=section)
    dest = os.path.abspath(dest)
    adir = os.path.join(dest, "alembic")
    vdir = os.path.join(adir, "versions")
    if os.path.isdir(vdir):
        shutil.rmtree(vdir)
    os.makedirs(vdir)
    extra = ""
    for key in ("version_table", "version_table_schema"):
        if ini.get(key):
            extra += "%s = %s\n" % (key, ini[key].replace("%", "%%"))
    ini_path = os.path.join(dest, "alembic.ini")
    with open(ini_path, "w", encoding="utf-8") as f:
        f.write(ALEMBIC_INI % {"src": os.path.abspath(src), "extra": extra})
    with open(os.path.join(adir, "env.py"), "w", encoding="utf-8") as f:
        f.write(ENV_PY)
    with open(os.path.join(adir, "script.py.mako"), "w", encoding="utf-8") as f:
        f.write(SCRIPT_MAKO)
    used = set()
    # Alembic's revision map keeps the order os.listdir() gives, and its
    # plans break ties by that order. Files are written newest id first:
    # on tmpfs, listdir returns the reverse of creation order, so Alembic
    # then sees the revisions in id order, the order git-dbmig uses.
    for r in sorted(revs, key=lambda r: r["revision"] or "", reverse=True):
        stem = os.path.splitext(os.path.basename(r["path"]))[0]
        stem = re.sub(r"[^A-Za-z0-9_]", "_", stem)
        name, n = stem, 1
        while name in used:
            n += 1
            name = "%s_%d" % (stem, n)
        used.add(name)
        text = r["source"] if r["format"] == "py" else revision_module(r)
        with open(os.path.join(vdir, name + ".py"), "w", encoding="utf-8") as f:
            f.write(text)
    return ini_path


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] in ("-h", "--help"):
        sys.stderr.write("usage: alembic_mirror.py SRC_PROJECT DEST\n")
        return 2
    try:
        ini_path = mirror(argv[0], argv[1])
    except (RevisionError, OSError, configparser.Error) as e:
        sys.stderr.write("alembic_mirror: %s\n" % e)
        return 1
    print(ini_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
