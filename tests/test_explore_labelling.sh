#!/bin/sh
# The explorer's labelling aids: the Feature screen shows how the feature
# fires per category and side (the figures of `safer stats --by-category`),
# the Features and Edits titles say which rows the ranking and the scores
# use, and the Edits screen plans within a category and up to a score cut
# (c, T) - the same plan as `safer plan --category C --max-score T`.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"
PY=${PYTHON3:-python3}

x_fixture
ws=$X_WS
"$SAFER" stats "$ws" --by-category --format json >"$TMPD/cat.json" 2>/dev/null &&
	"$SAFER" score "$ws" --format json >"$TMPD/sc.json" 2>/dev/null
ok $? "reference figures from the CLI"
# the first feature by rank: what its line should say for the first category
want=$("$PY" - "$TMPD/cat.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))[0]
cats = [k[len("density."):-len(".chosen")] for k in r if k.startswith("density.") and k.endswith(".chosen")]
c = cats[0]
print("%s %.2f%% / %.2f%%" % (c or "(none)", 100 * r["density.%s.chosen" % c], 100 * r["density.%s.rejected" % c]))
PYEOF
)
cat=$(echo "$want" | cut -d' ' -f1)
diag "first feature, first category: $want"

x_start "$SAFER explore ws"
x_wait "rows: sentence" 60
ok $? "the Features title names the rows in use"
x_keys g Enter
x_wait "fires, chosen / rejected, sentence-end rows" 10
ok $? "the Feature screen shows the firing per category"
x_wait "$want" 5
ok $? "with the figures of stats --by-category ($want)"
x_keys q
x_wait "Features" 5

# a cut inside the lowest 20% of the scores of that category
cut=$("$PY" -c "
import json
s = sorted(x['score'] for x in json.load(open('$TMPD/sc.json')) if (x['category'] or '') == '$cat')
print(repr(s[len(s) // 10]))")
diag "category $cat, cut $cut"
x_keys e
x_wait "train pairs by score, sentence-end rows" 10
ok $? "the Edits title names the rows the scores use"
x_keys c
x_wait "plan within category" 5 && x_type "$cat" && x_keys Enter
x_keys T
x_wait "denoise only pairs scoring at most" 5 && x_type "$cut" && x_keys Enter
x_wait "next: category $cat, score ≤" 5
ok $? "c and T set the next plan's limits, shown in the title"
x_keys d
x_wait "denoise: share of the train pairs" 5 && x_type "20%" && x_keys Enter
x_wait "denoise 20% in category $cat scoring at most" 30
ok $? "d plans within them"
x_keys q
x_wait "Features" 5
x_keys q
x_wait "EXITED 0" 10
"$SAFER" plan "$ws" --denoise 0.2 --category "$cat" --max-score "$cut" --read-only \
	>"$TMPD/cli.jsonl" 2>/dev/null
"$PY" - "$ws/plan.jsonl" "$TMPD/cli.jsonl" <<'PYEOF'
import json, sys
a, b = ([json.loads(l) for l in open(f)] for f in sys.argv[1:])
ok = [x["index"] for x in a] == [x["index"] for x in b] and len(a) > 0
ok &= all(x.get("category") == b[0]["category"] and "max_score" in x for x in a)
print("# explorer %d edits, CLI %d" % (len(a), len(b)))
sys.exit(0 if ok else 1)
PYEOF
ok $? "the explorer's plan is the CLI's for the same limits"
x_kill_all
done_testing
