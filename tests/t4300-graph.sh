#!/bin/sh
# t4300-graph: "git dbmig graph": mermaid gitGraph and graphviz dot output
# compared with golden text; the same output on every run; and, for the
# seed project and random graphs from tests/gen_graph.py, a replay of the
# gitGraph under mermaid's rules (tests/... inline checker below) that
# must give back exactly the revision graph's down_revision edges.

. "$(dirname "$0")/lib.sh"

V=migrations/versions

# Replays a gitGraph as mermaid's gitGraph database does (branch, checkout,
# commit, merge and their errors) and compares the commits' parents with
# the down_revisions read from the revision files.
cat >"$TRASH/replay.py" <<'PY'
import glob, re, sys

text = open(sys.argv[1]).read().splitlines()
folder = sys.argv[2]
main = re.search(r"'mainBranchName': '([^']*)'", "\n".join(text)).group(1)
branches = {main: None}      # name -> head commit id
commits = {}                 # id -> (branch, parents)
cur = main
seen_gitgraph = False

def fail(msg):
    sys.exit("replay: " + msg)

for line in text:
    s = line.strip()
    if s == "gitGraph":
        seen_gitgraph = True
        continue
    if not seen_gitgraph or not s:
        continue
    m = re.match(r'(branch|checkout) "([^"]+)"$', s)
    if m:
        if m.group(1) == "branch":
            if m.group(2) in branches:
                fail("branch %s exists" % m.group(2))
            branches[m.group(2)] = branches[cur]
        elif m.group(2) not in branches:
            fail("checkout of unknown branch %s" % m.group(2))
        cur = m.group(2)
        continue
    m = re.match(r'commit id: "([^"]+)"( type: (HIGHLIGHT|REVERSE|NORMAL))?( tag: "[^"]*")?$', s)
    if m:
        cid = m.group(1)
        if cid in commits:
            fail("duplicate commit id " + cid)
        commits[cid] = (cur, [branches[cur]] if branches[cur] else [])
        branches[cur] = cid
        continue
    m = re.match(r'merge "([^"]+)" id: "([^"]+)"( tag: "[^"]*")?$', s)
    if m:
        other, cid = m.group(1), m.group(2)
        if other == cur:
            fail("cannot merge a branch to itself")
        if other not in branches:
            fail("merge of unknown branch " + other)
        mine, theirs = branches[cur], branches[other]
        if not mine:
            fail("current branch %s has no commits" % cur)
        if not theirs:
            fail("branch %s has no commits" % other)
        if mine == theirs:
            fail("merge of the same commit " + mine)
        if commits[mine][0] == other:
            fail("cannot merge branch %s into itself" % other)
        if cid in commits:
            fail("duplicate commit id " + cid)
        commits[cid] = (cur, [mine, theirs])
        branches[cur] = cid
        continue
    fail("unexpected line: " + s)

def flat(p):
    # intermediate merges of an octopus are named "<id>~<n>"
    if "~" in p:
        return [q for pp in commits[p][1] for q in flat(pp)]
    return [p]

got = {c: sorted(q for p in v[1] for q in flat(p)) for c, v in commits.items() if "~" not in c}
want = {}
for f in glob.glob(folder + "/**/*.sql", recursive=True):
    head = {}
    for l in open(f):
        m = re.match(r"-- (\w+):\s*(.*)$", l.rstrip("\n"))
        if not m:
            break
        head[m.group(1)] = m.group(2)
    downs = [d.strip() for d in head.get("down_revision", "").split(",") if d.strip()]
    want[head["revision"]] = sorted(downs)
if got != want:
    missing = set(want) - set(got)
    extra = set(got) - set(want)
    wrong = [c for c in want if c in got and got[c] != want[c]]
    fail("graph differs: missing %s extra %s wrong %s" % (sorted(missing)[:5], sorted(extra)[:5], wrong[:5]))
print("replayed %d commits on %d branches" % (len(commits), len(branches)))
PY

test_expect_success "set up: a small graph with a fork, a merge, labels and a dependency" '
	mkdir small && cd small && make_project &&
	write_rev $V base "" MOD "" "CREATE TABLE t (x INTEGER);" "DROP TABLE t;" &&
	write_rev $V left base "" "" "SELECT 1;" "SELECT 1;" &&
	write_rev $V right base "" "" "SELECT 2;" "SELECT 2;" &&
	write_rev $V joined "left, right" "" "" "SELECT 3;" "SELECT 3;" &&
	write_rev $V v0 "" OTHER joined "SELECT 4;" "SELECT 4;" &&
	write_rev $V o1 v0 "" "" "SELECT 5;" "SELECT 5;" &&
	write_rev $V feat o1 FEAT "" "SELECT 6;" "SELECT 6;" &&
	write_rev $V o2 o1 "" "" "SELECT 7;" "SELECT 7;"
'

test_expect_success "mermaid (the default) is the golden gitGraph" '
	cd small &&
	git dbmig graph >actual &&
	cat >expect <<-\EOF &&
	---
	title: git dbmig revision graph
	---
	%%{init: { '\''gitGraph'\'': {'\''showBranches'\'': true, '\''showCommitLabel'\'': true, '\''mainBranchName'\'': '\''MOD'\''}} }%%
	gitGraph
	    branch "OTHER"
	    checkout "MOD"
	    commit id: "base"
	    branch "right"
	    checkout "MOD"
	    commit id: "left"
	    checkout "right"
	    commit id: "right"
	    checkout "MOD"
	    merge "right" id: "joined"
	    checkout "OTHER"
	    commit id: "v0" type: HIGHLIGHT tag: "depends on joined"
	    commit id: "o1"
	    branch "FEAT"
	    checkout "OTHER"
	    commit id: "o2"
	    checkout "FEAT"
	    commit id: "feat"
	EOF
	diff -u expect actual &&
	git dbmig graph --format mermaid >again && diff -u actual again &&
	"$PYTHON" "$TRASH/replay.py" actual migrations/versions
'

test_expect_success "dot is the golden digraph" '
	cd small &&
	git dbmig graph --format=dot >actual &&
	sed "s/^|//" >expect <<-\EOF &&
	|digraph "dbmig" {
	|    /* solid: down_revision -> revision; dashed: depends_on -> revision */
	|    rankdir=LR;
	|    node [shape=box, style=rounded];
	|    "base" [label="base\n(MOD)\nrev base"];
	|    "feat" [label="feat\n(FEAT)\nrev feat", peripheries=2];
	|    "joined" [label="joined\nrev joined", peripheries=2];
	|    "left" [label="left\nrev left"];
	|    "o1" [label="o1\nrev o1"];
	|    "o2" [label="o2\nrev o2", peripheries=2];
	|    "right" [label="right\nrev right"];
	|    "v0" [label="v0\n(OTHER)\nrev v0", style="rounded,bold"];
	|    "o1" -> "feat";
	|    "left" -> "joined";
	|    "right" -> "joined";
	|    "base" -> "left";
	|    "v0" -> "o1";
	|    "o1" -> "o2";
	|    "base" -> "right";
	|    "joined" -> "v0" [style=dashed];
	|}
	EOF
	diff -u expect actual
'

test_expect_success "dot escapes quotes and backslashes in messages" '
	mkdir q && cd q && make_project &&
	printf -- "-- message: say \"hi\" \\\\ bye\n-- revision: q1\n" >$V/q1_x.sql &&
	git dbmig graph --format dot >actual &&
	grep -q "\"q1\" \[label=\"q1\\\\nsay \\\\\"hi\\\\\" \\\\\\\\ bye\", peripheries=2\];" actual
'

test_expect_success "the seed graph: one branch per label, version0 highlighted, replays" '
	mkdir seed && cd seed && seed_project &&
	git dbmig graph >g.mmd &&
	for l in INITCORE CORE INITMOD1 MOD1 INITMOD2 MOD2 INITMOD3 MOD3 INITALL INITDEV; do
		grep -q "\"$l\"\\|'\''$l'\''" g.mmd || { echo "no branch $l"; exit 1; }
	done &&
	grep -q "commit id: \"init_core_version0\" type: HIGHLIGHT tag: \"depends on init_core_popdata\"" g.mmd &&
	grep -q "commit id: \"init_mod1_version0\" type: HIGHLIGHT" g.mmd &&
	"$PYTHON" "$TRASH/replay.py" g.mmd migrations/versions &&
	git dbmig graph --format dot >g.dot &&
	grep -q "\"init_core_popdata\" -> \"init_core_version0\" \[style=dashed\];" g.dot &&
	grep -q "\"mod1_rev2\" -> \"mod1_rev3\";" g.dot
'

test_expect_success "random graphs (forks, octopus merges, mid-chain labels) replay exactly" '
	for seed in 1 2 3 4 5; do
		rm -rf rnd && "$PYTHON" "$SRC_ROOT/tests/gen_graph.py" --seed $seed --revs 400 --out rnd >/dev/null &&
		(cd rnd && git dbmig graph >g.mmd && git dbmig graph >g2.mmd && cmp g.mmd g2.mmd) &&
		"$PYTHON" "$TRASH/replay.py" rnd/g.mmd rnd/migrations/versions || exit 1
	done
'

test_expect_success "graph reads --staged and --at like every command" '
	cd small && git init -q -b main && git add -A && git commit -q -m small &&
	write_rev $V extra o2 "" "" "SELECT 8;" "SELECT 8;" &&
	git dbmig graph >wt && grep -q "commit id: \"extra\"" wt &&
	git dbmig --staged graph >idx && ! grep -q "extra" idx &&
	git dbmig --at HEAD graph --format dot >at && ! grep -q "extra" at
'

test_expect_failure_msg "an unknown format is refused" \
	"graph: unknown format 'jpeg' (mermaid, dot, ascii, svg or png)" git dbmig graph --format jpeg

test_done
