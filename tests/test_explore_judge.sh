#!/bin/sh
# The judge's verdicts in the explorer: the judge column, the unreviewed
# and disagree filters, accepting and overriding a suggestion, J to the
# next one, and :judge running the judge on the worker against a stand-in
# chat-completions server on loopback (tests/judge_server.py).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"
PY=${PYTHON3:-python3}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy OPENAI_API_KEY
cd "$TMPD" || exit 1

"$PY" "$srcdir/tests/judge_ws.py" . &&
	"$SAFER" init ws --pairs pairs.jsonl --acts acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train ws --latents 32 --k 4 --epochs 2 --batch 64 >/dev/null 2>&1
ok $? "a small workspace with an SAE"
mkdir srv
"$PY" "$srcdir/tests/judge_server.py" srv &
srv=$!
trap 'kill $srv 2>/dev/null; x_kill_all; rm -rf "$TMPD"' EXIT
for _ in $(seq 100); do [ -f srv/port ] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat srv/port)/v1
"$SAFER" judge ws --url "$URL" --model good --top 3 >/dev/null 2>&1
ok $? "three features judged from the CLI"
score_of() { "$SAFER" judged ws | awk -F'\t' -v f="$1" '$1==f {print $2}'; }
rating_of() { "$SAFER" labels ws | awk -F'\t' -v f="$1" '$1==f {print $3}'; }

x_start "'$SAFER' explore ws"
x_wait "judge" 20
ok $? "the Features table has a judge column"
x_keys ':'; x_type 'filter unreviewed'; x_keys Enter
x_wait "Features 3 of 32"
ok $? "filter unreviewed: the 3 judged features"
x_keys Enter
x_wait "(a accepts)"
ok $? "the Feature screen shows the judge's verdict"
x_wait "the feature fires on the tokens shown"
ok $? "with its explanation"
f1=$(x_screen | sed -n 's/.*Feature \([0-9]*\) ·.*/\1/p' | head -1)
s1=$(score_of "$f1")
x_keys a
x_wait "(reviewed)"
ok $? "a accepts the judge's score"
for _ in $(seq 50); do [ "$(rating_of "$f1")" = "$s1" ] && break; sleep 0.1; done
[ -n "$s1" ] && [ "$(rating_of "$f1")" = "$s1" ]
ok $? "feature $f1 is rated $s1 by the person now (saved)"
x_keys J
x_wait "(a accepts)"
f2=$(x_screen | sed -n 's/.*Feature \([0-9]*\) ·.*/\1/p' | head -1)
[ -n "$f2" ] && [ "$f2" != "$f1" ]
ok $? "J opens the next unreviewed suggestion ($f2)"
s2=$(score_of "$f2")
other=$((s2 % 5 + 1))
x_keys "$other"
x_wait "(overridden)"
ok $? "rating $other overrides the judge's $s2"
x_keys q
x_keys ':'; x_type 'filter disagree'; x_keys Enter
x_wait "Features 1 of 32"
ok $? "filter disagree: the overridden one"
x_keys ':'; x_type 'filter unreviewed'; x_keys Enter
x_wait "Features 1 of 32"
ok $? "one suggestion left to review"

# :judge on the worker
x_keys ':'; x_type 'filter all'; x_keys Enter
x_keys ':'; x_type "judge candidates $URL good"; x_keys Enter
x_wait "judged " 30
x_screen | grep -q "judged [0-9]* of [0-9]* features (0 without a score)"
ok $? ":judge candidates runs the judge and says how it went"
n=$("$SAFER" judged ws --format json | "$PY" -c "import json,sys; print(len(json.load(sys.stdin)))")
[ "$n" -gt 3 ]
ok $? "the verdicts are saved ($n)"
x_keys ':'; x_type 'filter unreviewed'; x_keys Enter
x_wait "Features $((n - 2)) of 32"
ok $? "and shown at once: $((n - 2)) unreviewed"
x_keys ':'; x_type 'judge this'; x_keys Enter
x_wait "judged 1 of 1 feature" 30
ok $? ":judge this asks again for the current feature, with the URL and model of the last run"
x_keys ':'; x_type 'ratings judge'; x_keys Enter
x_wait "safety sets from ratings: judge"
ok $? ":ratings judge"
x_keys ':'; x_type 'plan poison 10%'; x_keys Enter
x_wait "ratings: judge" 30
ok $? "the Edits screen says which ratings the plan used"
x_keys q
x_wait "filter: unreviewed"
x_keys q
x_wait "EXITED 0"
ok $? "quits cleanly"

done_testing
