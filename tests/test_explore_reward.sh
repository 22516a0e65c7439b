#!/bin/sh
# The explorer's reward views against the CLI: the Features table sorted
# by paired salience (its order, its interval and the mark of an interval
# holding 0 as `safer stats --sort paired` gives them), and the Pair
# screen's attribution bars (the features, contributions and margin of
# `safer explain`, each bar on its sign's side of the centre, Enter opening
# the bar's feature).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1

x_fixture
"$SAFER" stats "$X_WS" --sort paired -n 6 --format json >paired.json 2>/dev/null
ok $? "the CLI's paired salience"
x_start "$SAFER explore ws"
x_resize 160 40
x_wait "SAE 256×k16" 60 && x_wait "Features 256 of 256" 30
ok $? "the explorer opens with the latents"
# the reward columns come with the index; a sort by them then
x_keys ":sort paired" Enter
x_wait "sort: |paired|▼"
ok $? ":sort paired sorts by |paired mean|, largest first"
x_keys g
x_settle
x_screen >features.txt
"$PY" - paired.json features.txt <<'PYEOF'
import json, re, sys
want = json.load(open(sys.argv[1]))
rows = []
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"^│\s*(\d+)\s+[-+]\d", line)
    if m:
        cells = re.findall(r"(~?[-+]\d+\.\d+)\s+\[([-+]\d+\.\d+) ([-+]\d+\.\d+)\]", line)
        rows.append((int(m.group(1)), cells[0] if cells else None))
bad = []
for w, (f, cell) in zip(want, rows):
    if cell is None:
        bad.append("feature %d: no paired cells" % f)
        continue
    mean, lo, hi = cell
    spans = w["paired_lo"] <= 0 <= w["paired_hi"]
    if f != w["feature"]:
        bad.append("row of feature %d where the CLI has %d" % (f, w["feature"]))
    if mean.startswith("~") != spans:
        bad.append("feature %d: mark %r but interval [%g, %g]" % (f, mean, w["paired_lo"], w["paired_hi"]))
    for got, ref in ((mean.lstrip("~"), w["paired_mean"]), (lo, w["paired_lo"]), (hi, w["paired_hi"])):
        if abs(float(got) - ref) > 0.0006:
            bad.append("feature %d: %s on screen, %g in the CLI" % (f, got, ref))
if len(rows) < len(want):
    bad.append("only %d rows on screen" % len(rows))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PYEOF
ok $? "the table's order, intervals and ~ marks are the CLI's"
# the smallest means: intervals that hold 0, marked
"$SAFER" stats "$X_WS" --sort id --format json >all.json 2>/dev/null
x_keys ":sort paired asc" Enter
x_wait "sort: |paired|▲"
x_keys g
x_settle
x_screen >features-asc.txt
"$PY" - all.json features-asc.txt <<'PYEOF'
import json, re, sys
ref = {r["feature"]: r for r in json.load(open(sys.argv[1]))}
seen = marked = 0
bad = []
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"^│\s*(\d+)\s+[-+]\d.*?(~?)[-+]\d+\.\d+\s+\[", line)
    if not m:
        continue
    f, mark = int(m.group(1)), m.group(2) == "~"
    spans = ref[f]["paired_lo"] <= 0 <= ref[f]["paired_hi"]
    seen += 1
    marked += mark
    if mark != spans:
        bad.append("feature %d: marked %s, interval [%g, %g]" % (f, mark, ref[f]["paired_lo"], ref[f]["paired_hi"]))
if not marked:
    bad.append("no marked row among %d" % seen)
print("\n".join(bad))
sys.exit(1 if bad else 0)
PYEOF
ok $? "~ marks exactly the rows whose interval holds 0"

# a pair with a clear margin: the first swapped pair of the sample
P=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["mislabelled"][0])' \
	"$top_builddir/tests/explore-fixture/data/truth.json")
"$SAFER" explain "$X_WS" "$P" -n 5 --format json >explain.json 2>explain.err
ok $? "the CLI's attribution of pair $P"
margin=$(sed -n 's/.*margin \([^ ]*\) under.*/\1/p' explain.err)
x_keys ":pair $P" Enter
x_wait "reward attribution · margin" 10
ok $? "the Pair screen shows the attribution"
x_settle
x_screen >pair.txt
"$PY" - explain.json pair.txt "$margin" <<'PYEOF'
import json, re, sys
want = [r for r in json.load(open(sys.argv[1])) if r["feature"] != "residual"]
text = open(sys.argv[2], encoding="utf-8").read()
bad = []
m = re.search(r"margin ([-+]\d+\.\d+) \(", text)
if not m or abs(float(m.group(1)) - float(sys.argv[3])) > 0.00006:
    bad.append("margin %s on screen, %s in the CLI" % (m and m.group(1), sys.argv[3]))
lines = text.splitlines()
for w in want:
    pat = re.compile(r"^│\s+%d\s.*?([-+]\d+\.\d{4}) (.*)│$" % w["feature"])
    hit = [pat.match(l) for l in lines if pat.match(l)]
    if not hit:
        bad.append("no bar for feature %d" % w["feature"])
        continue
    val, bar = float(hit[0].group(1)), hit[0].group(2)
    if abs(val - w["contribution"]) > 0.00006:
        bad.append("feature %d: %g on screen, %g in the CLI" % (w["feature"], val, w["contribution"]))
    left, _, right = bar.partition("│")
    side = "right" if "█" in right and "█" not in left else "left" if "█" in left and "█" not in right else "?"
    if side != ("right" if w["contribution"] > 0 else "left"):
        bad.append("feature %d (%+g): bar on the %s" % (w["feature"], w["contribution"], side))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PYEOF
ok $? "bars: the CLI's features and contributions, each on its sign's side"
x_keys b G
x_wait "residual" 5
ok $? "the bars end with the residual"
second=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[1]["feature"])' explain.json)
x_keys g j Enter
x_wait "Feature $second ·" 10
ok $? "Enter on the second bar opens feature $second"
x_keys q
x_wait "reward attribution" 10
ok $? "q goes back to the pair"
x_keys ":q" Enter
x_wait "EXITED 0" 10
ok $? "the explorer quits cleanly"
done_testing
