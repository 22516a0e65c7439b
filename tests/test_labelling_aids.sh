#!/bin/sh
# What a person labelling features needs from the CLI: how a feature fires
# per category and side (stats --by-category, checked against a count made
# here from the activation file and `top`), the activating token marked in
# top's context (--mark), which rows a ranking or a score uses, and plans
# that stop where the evidence stops (denoise --max-score, --category),
# checked against the scores.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/report_fixture.py" in &&
	"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train ws --latents 32 --k 4 --epochs 3 --quiet >/dev/null 2>&1 &&
	for f in 0 1 2 3 4 5 6 7; do "$SAFER" label ws $f --safety 5 >/dev/null || exit 1; done
ok $? "a workspace with two categories, an SAE and eight rated features"

# ---- stats --by-category
"$SAFER" stats ws --by-category --format json >cat.json 2>/dev/null
ok $? "stats --by-category"
"$SAFER" stats ws --by-category --rows all --format json >cat_all.json 2>/dev/null
ok $? "stats --by-category --rows all"
for f in 0 3 7; do
	"$SAFER" top ws $f -n 100000 --format json >top$f.json 2>/dev/null || exit 1
	"$SAFER" top ws $f -n 100000 --rows all --format json >topall$f.json 2>/dev/null || exit 1
done
"$PY" - in <<'PYEOF'
import json, struct, sys
import numpy as np
d = sys.argv[1]
h = open(d + "/acts.safetensors", "rb").read()
n = struct.unpack("<Q", h[:8])[0]
hdr = json.loads(h[8:8 + n])
def arr(name, dt):
    b, e = hdr[name]["data_offsets"]
    return np.frombuffer(h[8 + n + b:8 + n + e], dt)
pair, side, flags = arr("pair", np.int32), arr("side", np.uint8), arr("flags", np.uint8)
cats = [json.loads(l).get("category", "") for l in open(d + "/pairs.jsonl")]
bad = []
for mode, stats_f, top_f in (("sentence", "cat.json", "top%d.json"), ("all", "cat_all.json", "topall%d.json")):
    use = (side > 0) & ((flags & 1 > 0) if mode == "sentence" else True)
    rows = {}
    for r in np.nonzero(use)[0]:
        k = (cats[pair[r]], int(side[r]))
        rows[k] = rows.get(k, 0) + 1
    st = {x["feature"]: x for x in json.load(open(stats_f))}
    for f in (0, 3, 7):
        fires = {}
        for x in json.load(open(top_f % f)):
            k = (cats[x["pair"]], 1 if x["side"] == "chosen" else 2)
            fires[k] = fires.get(k, 0) + 1
        for c in sorted(set(cats)):
            for s, name in ((1, "chosen"), (2, "rejected")):
                want = fires.get((c, s), 0) / rows[(c, s)]
                got = st[f]["density.%s.%s" % (c, name)]
                if abs(got - want) > 1e-6:
                    bad.append("%s f%d %s %s: %g, want %g" % (mode, f, c, name, got, want))
    if len(st[0]) != 16 + 2 * len(set(cats)):  # the 16 columns of plain stats
        bad.append("columns: %s" % sorted(st[0]))
print("\n".join("# " + b for b in bad))
sys.exit(1 if bad else 0)
PYEOF
ok $? "density per category and side = the rows top lists / the rows in use (both rows modes)"
"$SAFER" stats ws --by-category 2>/dev/null | head -1 | tr '\t' '\n' | tail -4 | tr '\n' ' ' >hdr
grep -q '^density.<i>chat</i>.chosen density.<i>chat</i>.rejected density.safety.chosen density.safety.rejected $' hdr
ok $? "TSV header: density.C.chosen and density.C.rejected per category ($(cat hdr))"
"$SAFER" stats ws 2>/dev/null | head -1 | grep -q 'density\.safety'
[ $? -ne 0 ]
ok $? "without --by-category the columns are as before"

# ---- top --mark
"$SAFER" top ws 0 -n 3 --format json >mk_u.json 2>top.err &&
	"$SAFER" top ws 0 -n 3 --format json --mark ASCII >mk_a.json 2>/dev/null &&
	"$SAFER" top ws 0 -n 3 --format json --mark none >mk_n.json 2>/dev/null
ok $? "top with --mark unicode (default), ascii, none"
"$PY" - <<'PYEOF'
import json, sys
u, a, n = (json.load(open(f)) for f in ("mk_u.json", "mk_a.json", "mk_n.json"))
bad = []
for x, y, z in zip(u, a, n):
    for row, o, c in ((x, "\u27e6", "\u27e7"), (y, "[[", "]]")):
        ctx = row["context"]
        i, j = ctx.find(o), ctx.find(c)
        if i < 0 or j < 0 or ctx[i + len(o):j] != row["token"]:
            bad.append("mark %s: %r (token %r)" % (o, ctx, row["token"]))
        elif ctx[:i] + ctx[i + len(o):j] + ctx[j + len(c):] != z["context"]:
            bad.append("unmarked text differs: %r vs %r" % (ctx, z["context"]))
    if "\u27e6" in z["context"] or "[[" in z["context"]:
        bad.append("--mark none marked: %r" % z["context"])
print("\n".join("# " + b for b in bad))
sys.exit(1 if bad or not u else 0)
PYEOF
ok $? "the mark wraps exactly the activating token; without it the text is the same"
expect_usage "--mark must be unicode, ascii or none" "--mark is checked" -- "$SAFER" top ws 0 --mark bold
grep -q 'rows in use: sentence-end rows (--rows sentence)' top.err
ok $? "top says which rows it ranks"

# ---- rows stated for scores
"$SAFER" score ws --format json >sc.json 2>sc.err
ok $? "score"
grep -q 'scores over sentence-end rows (--rows sentence)' sc.err &&
	"$PY" -c "import json,sys; r=json.load(open('sc.json')); sys.exit(not all(x['rows']=='sentence' for x in r))"
ok $? "score says its rows on stderr and in the rows column"
"$SAFER" score ws --rows all --format json 2>sc_all.err | grep -q '"rows":"all"' &&
	grep -q 'all token rows (--rows all)' sc_all.err
ok $? "--rows all: said so"

# ---- plan --denoise R --max-score T, --category C
check_plan() { # ratio cut category(or -) plan.jsonl: the indices the scores predict
	"$PY" - "$@" <<'PYEOF'
import json, math, sys
ratio, cut, cat, planf = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
sc = json.load(open("sc.json"))
tr = [x for x in sc if cat == "-" or (x["category"] or "") == cat]
want = math.floor(ratio * len(tr) + 1e-9)
order = sorted(tr, key=lambda x: (x["score"], x["index"]))[:want]
if cut != "-":
    order = [x for x in order if x["score"] <= float(cut)]
got = [json.loads(l) for l in open(planf)]
ok = [x["index"] for x in order] == [g["index"] for g in got]
ok &= all(g["action"] == "drop" for g in got)
ok &= all((g.get("max_score") == float(cut)) if cut != "-" else "max_score" not in g for g in got)
ok &= all((g.get("category") == cat) if cat != "-" else "category" not in g for g in got)
if not ok:
    print("# want", [x["index"] for x in order], "got", [g["index"] for g in got])
sys.exit(0 if ok else 1)
PYEOF
}
# a cut inside the lowest half: some of the pairs denoise 0.5 would drop score above it
cut=$("$PY" -c "import json; s=sorted(x['score'] for x in json.load(open('sc.json'))); print(repr(s[len(s)//8]) if s[len(s)//8] < s[len(s)//2 - 1] else 'none')")
diag "scores: cut $cut"
"$SAFER" plan ws --denoise 0.5 --quiet >p1.jsonl 2>/dev/null && check_plan 0.5 - - p1.jsonl
ok $? "denoise 0.5: the lowest half"
"$SAFER" plan ws --denoise 0.5 --max-score "$cut" >p2.jsonl 2>p2.err && check_plan 0.5 "$cut" - p2.jsonl
ok $? "denoise 0.5 --max-score $cut: only those scoring at most $cut ($(wc -l <p2.jsonl) of $(wc -l <p1.jsonl))"
[ "$(wc -l <p2.jsonl)" -lt "$(wc -l <p1.jsonl)" ] && grep -q "denoise 0.5 scoring at most -\?[0-9]" p2.err
ok $? "the cut stops the plan early, and stderr says so"
"$SAFER" plan ws --denoise 0.5 --category safety >p3.jsonl 2>p3.err && check_plan 0.5 - safety p3.jsonl
ok $? "denoise 0.5 --category safety: N and the pairs from that category only"
grep -q 'in category safety' p3.err && grep -q 'scores over sentence-end rows' p3.err
ok $? "stderr names the category and the rows"
"$SAFER" plan ws --denoise 0.3 --category '<i>chat</i>' --max-score "$cut" >p4.jsonl 2>/dev/null &&
	check_plan 0.3 "$cut" '<i>chat</i>' p4.jsonl
ok $? "both limits together"
"$SAFER" plan ws --poison 0.25 --category safety >p5.jsonl 2>/dev/null &&
	"$PY" - <<'PYEOF'
import json, math, sys
sc = [x for x in json.load(open("sc.json")) if x["category"] == "safety"]
want = sorted(sc, key=lambda x: (-x["score"], x["index"]))[:math.floor(0.25 * len(sc) + 1e-9)]
got = [json.loads(l) for l in open("p5.jsonl")]
sys.exit(0 if [x["index"] for x in want] == [g["index"] for g in got] and
         all(g["action"] == "flip" for g in got) else 1)
PYEOF
ok $? "poison 0.25 --category safety flips that category's highest"
"$SAFER" eval ws --format json >ev.json 2>/dev/null
ok $? "eval reads the limited plan back (the workspace's current plan)"
expect_usage "--max-score goes with --denoise" "--max-score with --poison is refused" -- \
	"$SAFER" plan ws --poison 0.1 --max-score 0
expect_usage "--category goes with --poison or --denoise" "--category alone is refused" -- \
	"$SAFER" plan ws --category safety --unmark 1
expect_usage "--max-score needs a number" "--max-score needs a number" -- \
	"$SAFER" plan ws --denoise 0.1 --max-score abc
expect_fail 1 'no train pair has category "nope"' "an unknown category is an error naming it" -- \
	"$SAFER" plan ws --denoise 0.1 --category nope --quiet
done_testing
