#!/usr/bin/python3
"""Compare git-dbmig's TOML reader (src/toml.c, through build/tests/toml-dump)
with Python's tomllib on a corpus of documents:

  - the hand-written ones in tests/toml/valid/ and tests/toml/invalid/
    (tomllib must agree with the folder they are in),
  - documents generated at random from a random tree, written with every
    form TOML has (bare, quoted and dotted keys, the four kinds of strings,
    integers in four bases, floats, dates and times, nested and multi-line
    arrays, inline tables, [tables] and [[arrays of tables]], comments,
    CRLF line ends),
  - and those documents mutated (a byte inserted, removed or replaced, a
    line doubled or moved), most of which are no longer TOML.

For each document both readers must accept it and give the same tree, or
both refuse it; when both refuse it, they must name the same line (tomllib
says "at line N", or "end of document": then any line will do).

One difference is deliberate and kept out of the random corpus: tomllib
accepts integers of any size, git-dbmig refuses those that do not fit in
64 bits (TOML 1.0 allows either); tests/unit/test-toml.c covers it.

usage: toml_oracle.py DUMP_BINARY WORKDIR [SEED] [COUNT]
"""
import json
import math
import os
import random
import re
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------
# Comparing


def tagged_equal(c, p):
    """c: toml-dump's tagged JSON; p: what tomllib gave."""
    if isinstance(p, dict):
        return _dict_equal(c, p)
    if isinstance(p, list):
        return isinstance(c, list) and len(c) == len(p) and all(
            tagged_equal(a, b) for a, b in zip(c, p))
    if not (isinstance(c, dict) and set(c) == {"type", "value"} and
            isinstance(c["type"], str) and isinstance(c["value"], str)):
        return False
    t, v = c["type"], c["value"]
    if isinstance(p, bool):
        return t == "bool" and v == ("true" if p else "false")
    if isinstance(p, int):
        return t == "integer" and int(v) == p
    if isinstance(p, float):
        if t != "float":
            return False
        f = float(v)
        if math.isnan(p):
            return math.isnan(f)
        return f == p and math.copysign(1, f) == math.copysign(1, p)
    if isinstance(p, str):
        return t == "string" and v == p
    # a date, time or date-time: git-dbmig keeps the text as written;
    # it must denote the same value
    if t != "datetime":
        return False
    try:
        return tomllib.loads("x = " + v)["x"] == p and type(
            tomllib.loads("x = " + v)["x"]) is type(p)
    except tomllib.TOMLDecodeError:
        return False


def _dict_equal(c, p):
    if not isinstance(c, dict) or set(c) != set(p):
        return False
    return all(tagged_equal(c[k], p[k]) for k in p)


def tomllib_result(data):
    """("ok", tree) or ("error", line or None, message)."""
    try:
        text = data.decode()
    except UnicodeDecodeError as e:
        return ("error", data[:e.start].count(b"\n") + 1, str(e))
    try:
        return ("ok", tomllib.loads(text))
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)$", str(e))
        return ("error", int(m.group(1)) if m else None, str(e))
    except RecursionError:
        return ("error", None, "recursion")


# ----------------------------------------------------------------------
# Random documents

KEYS = ["a", "b", "c", "key", "x-y", "_1", "1", "true", "inf", "a.b", "a b",
        "é", "", "\u2603", "tab\there", 'q"uote', "it's", "new\nline"]
CHARS = (["a", "b", " ", "z", "0", "\t", "\n", '"', "'", "\\", "#", "=",
          "[", "]", "{", "}", ",", ".", "é", "\u2603", "\U0001F600", "\x01",
          "\x7f", "\x00", "\r", "$", "%(here)s"])


def rand_str(r):
    return "".join(r.choice(CHARS) for _ in range(r.randint(0, 8)))


def bare_ok(k):
    return k != "" and re.fullmatch(r"[A-Za-z0-9_-]+", k) is not None


def basic_escape(s, multiline=False):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n" and multiline:
            out.append("\n")
        elif ch in "\b\t\n\f\r" and ch != "\t":
            out.append({"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[ch])
        elif ch == "\t":
            out.append("\t")
        elif o < 0x20 or o == 0x7f:
            out.append("\\u%04x" % o)
        elif o > 0x7f and random.random() < 0.3:
            out.append("\\u%04X" % o if o < 0x10000 else "\\U%08x" % o)
        else:
            out.append(ch)
    return "".join(out)


def write_key_part(r, k):
    if bare_ok(k) and r.random() < 0.7:
        return k
    if ("'" not in k and "\n" not in k and
            not any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7f for c in k) and
            r.random() < 0.4):
        return "'" + k + "'"
    return '"' + basic_escape(k) + '"'


def write_key(r, parts):
    sep = [".", " . ", ". ", " ."]
    return r.choice(sep).join(write_key_part(r, p) for p in parts)


def write_string(r, s):
    ctrl = any((ord(c) < 0x20 and c not in "\t\n") or ord(c) == 0x7f for c in s)
    choice = r.random()
    if choice < 0.2 and "'" not in s and "\n" not in s and not ctrl:
        return "'" + s + "'"
    if choice < 0.4 and "'''" not in s and not ctrl and not s.endswith("'"):
        return "'''" + ("\n" if s.startswith("\n") or r.random() < 0.5 else "") + s + "'''"
    if choice < 0.6:
        body = basic_escape(s, multiline=True)
        if r.random() < 0.3 and body and not body[0].isspace():
            body = "\\\n   " + body
        return '"""' + ("\n" if s.startswith("\n") or r.random() < 0.5 else "") + body + '"""'
    return '"' + basic_escape(s) + '"'


def underscored(r, digits):
    if len(digits) < 2 or r.random() < 0.6:
        return digits
    out = digits[0]
    for d in digits[1:]:
        out += ("_" if r.random() < 0.3 else "") + d
    return out


def write_int(r):
    n = r.choice([0, 1, 7, 42, 255, 1000, 2 ** 31, 2 ** 63 - 1,
                  r.randint(0, 10 ** 6), r.randint(0, 2 ** 62)])
    form = r.random()
    if form < 0.15:
        return "0x" + underscored(r, format(n, r.choice(["x", "X"])))
    if form < 0.25:
        return "0o" + underscored(r, format(n, "o"))
    if form < 0.35:
        return "0b" + underscored(r, format(n, "b"))
    if n and r.random() < 0.3:
        return "-" + underscored(r, str(n)) if n <= 2 ** 63 else str(n)
    return ("+" if r.random() < 0.1 else "") + underscored(r, str(n))


def write_float(r):
    form = r.random()
    if form < 0.1:
        return r.choice(["inf", "+inf", "-inf", "nan", "+nan", "-nan", "-0.0", "+0.0"])
    if form < 0.4:
        return repr(r.choice([0.1, 1.5, 3.14159, 1e300, 5e-324, 2.5e-10,
                              r.uniform(-1e6, 1e6)])).replace("e+", r.choice(["e+", "e", "E+"]))
    ip = underscored(r, str(r.randint(0, 10 ** 5)))
    if ip.startswith("0") and len(ip) > 1:
        ip = "0"
    s = r.choice(["", "-", "+"]) + ip
    if r.random() < 0.7:
        s += "." + underscored(r, str(r.randint(0, 10 ** 4)))
        if r.random() < 0.4:
            s += r.choice("eE") + r.choice(["", "+", "-"]) + underscored(r, str(r.randint(0, 300)))
    else:
        s += r.choice("eE") + r.choice(["", "+", "-"]) + underscored(r, str(r.randint(0, 300)))
    return s


def write_datetime(r):
    y, mo = r.randint(1, 9999), r.randint(1, 12)
    d = r.randint(1, 28 if mo == 2 else 30)
    date = "%04d-%02d-%02d" % (y, mo, d)
    time = "%02d:%02d:%02d" % (r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))
    if r.random() < 0.4:
        time += "." + "".join(r.choice("0123456789") for _ in range(r.randint(1, 9)))
    form = r.random()
    if form < 0.25:
        return date
    if form < 0.4:
        return time
    s = date + r.choice("Tt ") + time
    if form < 0.6:
        return s
    if r.random() < 0.3:
        return s + r.choice("Zz")
    return s + "%s%02d:%02d" % (r.choice("+-"), r.randint(0, 23), r.randint(0, 59))


def write_scalar(r):
    kind = r.random()
    if kind < 0.35:
        return write_string(r, rand_str(r))
    if kind < 0.55:
        return write_int(r)
    if kind < 0.7:
        return write_float(r)
    if kind < 0.8:
        return r.choice(["true", "false"])
    return write_datetime(r)


def array_ws(r, multiline):
    if not multiline:
        return r.choice(["", " "])
    return r.choice(["", " ", "\n", "\n  ", " # c\n", "\n# comment ]\n  "])


def write_value(r, depth):
    kind = r.random()
    if depth < 4 and kind < 0.15:
        multiline = r.random() < 0.4
        items = [write_value(r, depth + 1) for _ in range(r.randint(0, 4))]
        out = "["
        for i, it in enumerate(items):
            out += array_ws(r, multiline) + it + array_ws(r, multiline)
            if i + 1 < len(items) or r.random() < 0.3:
                out += ","
        return out + array_ws(r, multiline) + "]"
    if depth < 4 and kind < 0.25:
        keys = r.sample(KEYS, r.randint(0, 3))
        pairs = []
        for k in keys:
            if r.random() < 0.2:
                pairs.append(write_key(r, [k, r.choice(KEYS)]) + " = " + write_value(r, depth + 1))
            else:
                pairs.append(write_key(r, [k]) + r.choice(["=", " = ", " =  "]) +
                             write_value(r, depth + 1))
        return "{" + r.choice(["", " "]) + ", ".join(pairs) + r.choice(["", " "]) + "}"
    return write_scalar(r)


def random_document(r):
    lines = []
    headers = []
    for _ in range(r.randint(1, 12)):
        kind = r.random()
        if kind < 0.15:
            lines.append(r.choice(["", "# a comment", "   ", "#", "# é \t x"]))
        elif kind < 0.3:
            parts = [r.choice(KEYS) for _ in range(r.randint(1, 3))]
            headers.append(parts)
            lines.append("[" + r.choice(["", " "]) + write_key(r, parts) + r.choice(["", " "]) + "]" +
                         r.choice(["", "  # t"]))
        elif kind < 0.4:
            parts = headers[-1] if headers and r.random() < 0.5 else [r.choice(KEYS)]
            lines.append("[[" + write_key(r, parts) + "]]")
        else:
            parts = [r.choice(KEYS) for _ in range(r.randint(1, 3 if r.random() < 0.3 else 1))]
            lines.append(r.choice(["", "  ", "\t"]) + write_key(r, parts) +
                         r.choice([" = ", "=", " =\t"]) + write_value(r, 0) +
                         r.choice(["", " ", " # trailing"]))
    text = "\n".join(lines) + r.choice(["", "\n"])
    if r.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8", "surrogatepass")


MUTATIONS = [b"[", b"]", b"=", b'"', b"'", b"\\", b"\n", b".", b",", b"{", b"}",
             b"#", b" ", b"\r", b"\x00", b"\x7f", "é".encode(), b"\xff", b"\xed\xa0\x80",
             b"_", b"0", b"e", b":", b"-", b"T", b"Z", b"+", b"x", b"\t", b'"""', b"'''"]


def mutate(r, data):
    data = bytearray(data)
    for _ in range(r.randint(1, 3)):
        op = r.random()
        pos = r.randint(0, len(data))
        if op < 0.35:
            data[pos:pos] = r.choice(MUTATIONS)
        elif op < 0.6 and data:
            del data[min(pos, len(data) - 1)]
        elif op < 0.8 and data:
            data[min(pos, len(data) - 1):min(pos, len(data) - 1) + 1] = r.choice(MUTATIONS)
        else:
            lines = bytes(data).split(b"\n")
            i, j = r.randrange(len(lines)), r.randrange(len(lines))
            if r.random() < 0.5:
                lines.insert(j, lines[i])
            else:
                lines.insert(j, lines.pop(i))
            data = bytearray(b"\n".join(lines))
    return bytes(data)


# ----------------------------------------------------------------------
# Running

def main():
    dump, work = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1500
    r = random.Random(seed)
    random.seed(seed)
    os.makedirs(work, exist_ok=True)

    cases = []  # (name, bytes, expected "valid"/"invalid"/None)
    for kind in ("valid", "invalid"):
        d = os.path.join(HERE, "toml", kind)
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                cases.append((kind + "/" + name, f.read(), kind))
    for i in range(count):
        doc = random_document(r)
        cases.append(("random-%d" % i, doc, None))
        cases.append(("mutated-%d" % i, mutate(r, doc), None))

    paths = []
    for i, (name, data, _) in enumerate(cases):
        path = os.path.join(work, "%05d.toml" % i)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    results = []
    for start in range(0, len(paths), 500):
        out = subprocess.run([dump] + paths[start:start + 500], check=True,
                             stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
        results += out.split("\n")[:-1]
    if len(results) != len(paths):
        print("toml-dump printed %d lines for %d files" % (len(results), len(paths)))
        return 1

    bad = 0
    stats = {"valid": 0, "invalid": 0}
    for (name, data, expect), path, res in zip(cases, paths, results):
        py = tomllib_result(data)
        stats["valid" if py[0] == "ok" else "invalid"] += 1
        problem = None
        if expect == "valid" and py[0] != "ok":
            problem = "tomllib refuses a document of tests/toml/valid: %s" % py[2]
        elif expect == "invalid" and py[0] == "ok":
            problem = "tomllib accepts a document of tests/toml/invalid"
        elif res.startswith("ok "):
            if py[0] != "ok":
                problem = "git-dbmig accepts, tomllib refuses: %s" % py[2]
            elif not tagged_equal(json.loads(res[3:]), py[1]):
                problem = "different trees:\n  git-dbmig: %s\n  tomllib:   %r" % (res[3:], py[1])
        elif res.startswith("error "):
            m = re.match(r"error [^:]*:(\d+): ", res)
            big = re.search(r": integer ([-+]?[0-9a-fA-FxXoObB_]+) does not fit in 64 bits$", res)
            if big and not -2 ** 63 <= int(big.group(1), 0) < 2 ** 63:
                pass  # the one deliberate difference (see above)
            elif py[0] == "ok":
                problem = "git-dbmig refuses, tomllib accepts: %s" % res
            elif not m:
                problem = "no line in the message: %s" % res
            elif py[1] is not None and int(m.group(1)) != py[1]:
                problem = "line %s, tomllib says line %d: %s | %s" % (m.group(1), py[1], res, py[2])
        else:
            problem = "unexpected output: %s" % res
        if problem:
            bad += 1
            if bad <= 20:
                print("%s (%s): %s\n  document: %r" % (name, path, problem, data[:300]))
    print("toml oracle: %d documents (%d valid, %d invalid for tomllib), %d mismatches"
          % (len(cases), stats["valid"], stats["invalid"], bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
