#!/bin/sh
# t6700: the "Path:" lines of show, history -v, heads -v, branches -v and
# current -v give the file's absolute path as Alembic prints it, on an
# Alembic project (alembic init, .py revisions, a relative
# script_location). Where no symlink is involved Alembic 1.8.1 and 1.18
# agree and the output is compared with 1.8.1's, line for line. Through
# symlinks they differ: 1.8.1 joins the configured folder and the file
# name, 1.18 (script/base.py, _load_revisions: file_path.resolve())
# prints the real path, and that is what is expected here. With --at and
# --staged the path is the one the file has in the work tree.
. "$(dirname "$0")/lib.sh"

require_python alembic

alembic() { "$PYTHON" -m alembic "$@"; }

# Alembic prints revisions (and "Branches into:") in Python's set order:
# compare the blocks between empty lines as a set, each block's "->"
# lines and "Branches into:" ids sorted (current -v's first line is a
# block of its own).
blocks() {
	"$PYTHON" -c '
import re, sys
text = re.sub(r"^(Current revision\(s\) for .*:)\n", r"\1\n\n", sys.stdin.read(), flags=re.M)
blocks = text.split("\n\n")
out = []
for b in blocks:
    lines = b.split("\n")
    for i, l in enumerate(lines):
        if l.startswith("Branches into: "):
            lines[i] = "Branches into: " + ", ".join(sorted(l[15:].split(", ")))
    if lines and all(l.lstrip().startswith("->") for l in lines if l):
        lines.sort()
    out.append("\n".join(lines))
print("\n==\n".join(sorted(out)))
'
}

mkdir real && ln -s real link
cd real || exit 1
REAL=$(pwd -P)
alembic init alembic >/dev/null 2>&1 || exit 1
sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///test.db|' alembic.ini
# a0 -> a1 -> a2, a0 -> b1 (a branch point), c1 (base, depends_on a1)
alembic revision -m "rev a0" --rev-id a0 >/dev/null 2>&1 &&
alembic revision -m "rev a1" --rev-id a1 >/dev/null 2>&1 &&
alembic revision -m "rev a2" --rev-id a2 >/dev/null 2>&1 &&
alembic revision -m "rev b1" --rev-id b1 --head a0 --splice --branch-label B >/dev/null 2>&1 &&
alembic revision -m "rev c1" --rev-id c1 --head base --depends-on a1 >/dev/null 2>&1 || exit 1
alembic stamp a2 b1 >/dev/null 2>&1 || exit 1

same_as_alembic() {
	alembic "$@" 2>/dev/null | blocks >expect &&
	git dbmig "$@" >out && blocks <out >actual &&
	grep -q "^Path: $REAL/alembic/versions/" actual &&
	diff -u expect actual
}

for cmd in "show a1" "show heads" "history -v" "history --verbose -r a0:a2" \
	   "heads -v" "branches -v" "current -v" "show current"; do
	test_expect_success "$cmd: as Alembic, Path: absolute" "same_as_alembic $cmd"
done

test_expect_success 'from a subfolder, -c names the config: the same absolute paths' '
	mkdir -p sub && (cd sub && git dbmig -c ../alembic.ini show a1 >../actual) &&
	grep -qx "Path: $REAL/alembic/versions/a1_rev_a1.py" actual
'

test_expect_success 'cwd reached through a symlink: Python sees the real folder, so do we' '
	(cd ../link && alembic show a1 >../real/expect 2>/dev/null &&
	 git dbmig show a1 >../real/actual) &&
	grep -qx "Path: $REAL/alembic/versions/a1_rev_a1.py" expect &&
	diff -u expect actual
'

test_expect_success '%(here)s through a symlink: the real path (Alembic 1.18), not the link (1.8.1)' '
	sed "s|^script_location = .*|script_location = %(here)s/alembic|" alembic.ini >here.ini &&
	(cd / && alembic -c "$TRASH/link/here.ini" show a1 >"$REAL/old" 2>/dev/null) &&
	{ grep -qx "Path: $TRASH/link/alembic/versions/a1_rev_a1.py" old ||
	  grep -qx "Path: $REAL/alembic/versions/a1_rev_a1.py" old; } &&
	(cd / && git dbmig -c "$TRASH/link/here.ini" history -v >"$REAL/actual") &&
	grep "^Path: " actual >paths &&
	test "$(wc -l <paths)" = 5 &&
	! grep -v "^Path: $REAL/alembic/versions/" paths
'

test_expect_success 'a revision file that is a symlink: the real path of its target' '
	mkdir -p "$TRASH/elsewhere" &&
	mv alembic/versions/c1_rev_c1.py "$TRASH/elsewhere/c1_moved.py" &&
	ln -s "$TRASH/elsewhere/c1_moved.py" alembic/versions/c1_rev_c1.py &&
	git dbmig show c1 >actual &&
	grep -qx "Path: $(cd "$TRASH/elsewhere" && pwd -P)/c1_moved.py" actual &&
	git dbmig heads -v >actual &&
	grep -qx "Path: $(cd "$TRASH/elsewhere" && pwd -P)/c1_moved.py" actual &&
	rm alembic/versions/c1_rev_c1.py &&
	mv "$TRASH/elsewhere/c1_moved.py" alembic/versions/c1_rev_c1.py
'

test_expect_success '--at: the path the file has in the work tree, which need not exist' '
	git init -q . && git add alembic.ini alembic && git commit -q -m init &&
	git rm -q alembic/versions/a1_rev_a1.py &&
	test ! -e alembic/versions/a1_rev_a1.py &&
	git dbmig --at HEAD show a1 >actual &&
	grep -qx "Path: $REAL/alembic/versions/a1_rev_a1.py" actual &&
	(cd ../link && git dbmig --at HEAD heads -v >../real/actual) &&
	grep -qx "Path: $REAL/alembic/versions/a2_rev_a2.py" actual
'

test_expect_success '--staged: the path in the work tree of a file only in the index' '
	git reset -q HEAD -- alembic/versions/a1_rev_a1.py &&
	git checkout -- alembic/versions/a1_rev_a1.py &&
	git mv alembic/versions/a1_rev_a1.py alembic/versions/a1_renamed.py &&
	rm alembic/versions/a1_renamed.py &&
	git dbmig --staged show a1 >actual &&
	grep -qx "Path: $REAL/alembic/versions/a1_renamed.py" actual &&
	git checkout -- alembic/versions/a1_renamed.py
'

test_expect_failure_msg 'show of an unknown revision still fails' \
	"Can't locate revision identified by 'nosuch'" git dbmig show nosuch

test_done
