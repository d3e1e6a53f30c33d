#!/usr/bin/python3
"""Checks a picture git dbmig graph drew, for the tests (t4700).

    check_picture.py svg FILE.svg IDS_FILE [TEXT...]
        the SVG parses; it has one node per id of IDS_FILE (one a line)
        plus the legend, and every id and every TEXT appears in its text
        elements; prints "nodes N edges M width W height H" (points)
    check_picture.py png FILE.png FILE.svg
        the PNG decodes (every chunk's CRC, the IDAT stream inflates to
        height rows of width pixels); its size is the SVG's at 96 dpi
"""
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

NS = "{http://www.w3.org/2000/svg}"


def svg_size(path):
    root = ET.parse(path).getroot()
    w = float(root.get("width").rstrip("pt"))
    h = float(root.get("height").rstrip("pt"))
    return root, w, h


def check_svg(path, ids_file, texts):
    root, w, h = svg_size(path)
    ids = [l.strip() for l in open(ids_file) if l.strip()]
    nodes = [g for g in root.iter(NS + "g") if g.get("class") == "node"]
    edges = [g for g in root.iter(NS + "g") if g.get("class") == "edge"]
    titles = [g.find(NS + "title").text for g in nodes]
    words = " ".join(t.text or "" for t in root.iter(NS + "text"))
    missing = [i for i in ids if i not in titles]
    if missing:
        sys.exit("svg: no node for " + ", ".join(missing))
    extra = [t for t in titles if t not in ids and t not in ("legend", "drift") and not t.startswith("db:")]
    if extra:
        sys.exit("svg: nodes that are no revision: " + ", ".join(extra))
    for t in ids + texts:
        if t not in words:
            sys.exit("svg: the text '%s' is not in the picture" % t)
    print("nodes %d edges %d width %d height %d" % (len(nodes), len(edges), w, h))


def check_png(path, svg):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("png: no PNG signature")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            sys.exit("png: bad CRC in chunk %r" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
        if kind == b"IEND":
            break
    w, h, depth, color = ihdr[:4]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    raw = zlib.decompress(idat)
    if len(raw) != h * (1 + w * channels * depth // 8):
        sys.exit("png: %d bytes of pixels for %dx%d" % (len(raw), w, h))
    _, sw, sh = svg_size(svg)
    ew, eh = round(sw * 96 / 72), round(sh * 96 / 72)
    if abs(w - ew) > 2 or abs(h - eh) > 2:
        sys.exit("png: %dx%d, the svg says %dx%d" % (w, h, ew, eh))
    print("png %dx%d" % (w, h))


if sys.argv[1] == "svg":
    check_svg(sys.argv[2], sys.argv[3], sys.argv[4:])
else:
    check_png(sys.argv[2], sys.argv[3])
