#!/bin/sh
# safer report: an audit report in HTML and Markdown from a workspace whose
# pairs, ids, categories, token texts, labels and judge verdicts hold markup;
# none of it may survive as markup, the HTML renders (headless Chromium:
# not a blank page), and the output rules of every user-named file hold.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/report_fixture.py" in &&
	"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train ws --latents 32 --k 4 --epochs 3 --quiet >/dev/null 2>&1
ok $? "a workspace with hostile texts and a trained SAE"
"$SAFER" label ws 0 --name '<script>alert(9)</script> "><img onerror=x>' --safety 5 \
	--note '*note* | <b>' >/dev/null &&
	"$SAFER" label ws 1 --name 'plain name' --safety 2 >/dev/null
ok $? "two labels, one with markup in its name"
cat >judge.sh <<'J'
cat >/dev/null
printf 'Score: 4\nExplanation: fires on <script>alert(7)</script> | *x*\n'
J
"$SAFER" judge ws --cmd "sh $TMPD/judge.sh" --features 2 >/dev/null 2>&1
ok $? "a judge verdict with markup in its explanation"
"$SAFER" plan ws --poison 0.2 --quiet >/dev/null 2>&1
ok $? "a current plan"

"$SAFER" report ws --out r.html --quiet 2>err
ok $? "report --out r.html"
grep -q 'wrote the report to r.html' err
ok $? "it says where it wrote"
"$PY" "$srcdir/tests/report_check.py" html r.html
ok $? "HTML: only the report's own elements; planted markup shown as text"
grep -q 'fires on &lt;script&gt;alert(7)' r.html
ok $? "HTML: the judge's explanation, escaped"
for f in 0 1 2; do grep -q "<h3 id=\"f$f\">" r.html || exit 1; done
ok $? "HTML: a section for each labelled and judged feature"
[ "$(grep -c '<svg' r.html)" -ge 4 ] && grep -q '<mark>' r.html
ok $? "HTML: histograms and plan bars as inline SVG, the activating tokens marked"
grep -q 'sentence-end rows' r.html && grep -q 'Plan and projected effect' r.html &&
	grep -q 'poison 0.2' r.html
ok $? "HTML: the rows in use and the plan stated"
"$SAFER" plan ws --quiet --poison 0.2 2>/dev/null | wc -l >plan.n
[ "$(grep -c '<td>flip</td>' r.html)" -eq "$(cat plan.n)" ]
ok $? "HTML: every edited pair listed ($(cat plan.n))"

"$SAFER" report ws --out r.md --quiet
ok $? "report --out r.md"
"$PY" "$srcdir/tests/report_check.py" md r.md
ok $? "Markdown: no raw HTML; planted text escaped; table rows intact"
grep -q '⟦' r.md && grep -q '^## Safety features' r.md && grep -q '^```' r.md
ok $? "Markdown: marked tokens, sections, histograms as text"
"$SAFER" stats ws --sort id --format json 2>/dev/null >stats.json
"$PY" - r.md stats.json <<'PYEOF'
import json, re, sys
md = open(sys.argv[1], encoding="utf-8").read()
want = {s["feature"]: s["reward_effect"] for s in json.load(open(sys.argv[2]))}
sec = md.split("Feature 1: plain name", 1)[1]
got = float(re.search(r"Reward effect ([-+0-9.e]+) \(w \. d\\?_j", sec).group(1))
ok = abs(got - want[1]) <= 1e-3 * max(abs(want[1]), 1e-3) and "| reward effect |" in md
sys.exit(0 if ok else 1)
PYEOF
ok $? "each feature's reward effect is safer stats' reward_effect, with the head named"
grep -q "Reward effects are under the" r.md
ok $? "the report says which reward head the effects are under"

"$SAFER" report ws --out - --format md --quiet >r2.md
ok $? "--out - --format md writes to standard output"
diff r.md r2.md | grep -v 'written 20' | grep -q '^[<>]'
[ $? -ne 0 ]
ok $? "the same report as the file (but for the time)"
expect_usage "cannot tell the format" "a name without .html or .md needs --format" -- \
	"$SAFER" report ws --out r.txt
expect_usage "--format must be html or md" "--format pdf is refused" -- \
	"$SAFER" report ws --out r.txt --format pdf
expect_usage "--out" "--out is needed" -- "$SAFER" report ws
expect_fail 1 "exists; --force replaces it" "an existing file is kept without --force" -- \
	"$SAFER" report ws --out r.html
"$SAFER" report ws --out r.html --force --quiet 2>/dev/null
ok $? "--force replaces it"
expect_fail 1 "workspace" "the workspace is never an output" -- \
	"$SAFER" report ws --out ws/r.html
expect_fail 1 "pairs|input" "an input is never an output" -- \
	"$SAFER" report ws --out in/pairs.jsonl --format md --force
cmp -s in/pairs.jsonl "$TMPD/in/pairs.jsonl"
ok $? "the input is as it was"
"$SAFER" report ws --out ro.md --read-only --quiet 2>/dev/null && grep -q 'Safety features' ro.md
ok $? "--read-only writes the report too"

grep -q 'fires on chosen rows' r.html && grep -q '<td>safety</td>' r.html
ok $? "HTML: each feature's firing per category and side"
"$SAFER" init bare --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" report bare --out bare.html --quiet 2>/dev/null
ok $? "a workspace without an SAE or a plan has a report too"
grep -q 'no SAE yet' bare.html && grep -q 'No current plan' bare.html &&
	"$PY" "$srcdir/tests/report_check.py" html bare.html | grep -v 'planted text' | grep -q .
[ $? -ne 0 ]
ok $? "... saying what is missing, as safe"

"$SAFER" plan ws --denoise 0.5 --category safety --max-score 0 --quiet >/dev/null 2>&1 &&
	"$SAFER" report ws --out lim.md --quiet 2>/dev/null &&
	grep -q 'denoise 0.5 within category safety, only pairs scoring at most 0:' lim.md
ok $? "the report states a plan's category and score cut"

# The page renders: a screenshot that is not blank (many colours, spread).
if command -v chromium >/dev/null 2>&1; then
	shot=${REPORT_SHOT:-$TMPD/report.png}
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$TMPD/chromium" --screenshot="$shot" --window-size=1200,1800 \
		"file://$TMPD/r.html" >chromium.log 2>&1
	ok $? "headless Chromium takes a screenshot"
	set -- $("$PY" "$srcdir/tests/png_stats.py" "$shot")
	diag "screenshot $shot: ${1}x$2, $3 colours, stddev $4, non-white $5"
	[ "$1" = 1200 ] && [ "$3" -gt 50 ] && "$PY" -c "import sys; sys.exit(not ($4 > 10 and 0.02 < $5 < 0.9))"
	ok $? "the screenshot is not blank"
else
	ok 1 "chromium is installed (scripts/setup installs it)"
fi
done_testing
