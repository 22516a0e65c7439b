#!/bin/sh
# safer plan --mark/--unmark: a manual plan kept in WS/plan.jsonl, printed
# like the other strategies; refused marks change nothing.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/labels_sae_fixture.py" in
"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" load-sae ws in/saeA >/dev/null 2>&1
ok $? "tiny workspace with an SAE (no latents yet)"
# fields of each line: index action strategy score-is-null
lines() { "$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["index"], r["action"], r["strategy"], r["score"] is None)' "$1"; }

# usage errors: exit 2 and the message (plus the pointer to --help)
usage_fail() {
	local pat=$1 name=$2 err rc
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] && printf '%s\n' "$err" | grep -Eq -- "$pat"
	ok $? "$name"
}

"$SAFER" help plan 2>&1 | grep -q -- "--mark I\[,I...\] --action flip|drop"
ok $? "help plan documents --mark"
"$SAFER" plan ws --mark 1,2 --action flip >p1 2>e1
ok $? "mark two pairs without a plan or latents"
[ "$(lines p1 | tr '\n' ';')" = "1 flip manual False;2 flip manual False;" ]
ok $? "a manual plan of two flips, with scores: the rows were encoded for them"
grep -q "^encoding: " e1 && grep -q "^scores: " e1
ok $? "the steps taken for the scores show on stderr"
cmp -s p1 ws/plan.jsonl
ok $? "printed list is the saved current plan"
grep -q "manual: 2 of the train pairs (2 flips, 0 drops)" e1
ok $? "summary on stderr"

"$SAFER" plan ws --mark 3 --action drop >p2 2>e2
[ "$(lines p2 | tr '\n' ';')" = "1 flip manual False;2 flip manual False;3 drop manual False;" ]
ok $? "marks add to the current plan"
! grep -q "^encoding: " e2
ok $? "the second marking does not encode again"
"$SAFER" plan ws --mark 2 --action drop >p3 2>/dev/null
[ "$(lines p3 | tr '\n' ';')" = "1 flip manual False;2 drop manual False;3 drop manual False;" ]
ok $? "marking again replaces the action"
"$SAFER" plan ws --unmark 1 >p4 2>/dev/null
[ "$(lines p4 | tr '\n' ';')" = "2 drop manual False;3 drop manual False;" ]
ok $? "--unmark takes a pair out"

cp ws/plan.jsonl keep.jsonl
expect_fail 1 "pair 4 is a test pair" "marking a test pair" -- "$SAFER" plan ws --mark 4 --action flip
expect_fail 1 "no pair 20 \(the data has 20\)" "index out of range" -- "$SAFER" plan ws --mark 20 --action flip
expect_fail 1 "pair 9 is a test pair" "one bad index in a list" -- "$SAFER" plan ws --mark 5,9 --action drop
expect_fail 1 "no pair 99" "unmark out of range" -- "$SAFER" plan ws --unmark 99
cmp -s keep.jsonl ws/plan.jsonl
ok $? "refused marks leave the current plan as it was"
usage_fail "needs --action" "--mark without --action" -- "$SAFER" plan ws --mark 1
usage_fail "flip or drop" "unknown action" -- "$SAFER" plan ws --mark 1 --action swap
usage_fail "pair indices" "malformed list" -- "$SAFER" plan ws --mark 1,,2 --action flip
usage_fail "pair indices" "negative index" -- "$SAFER" plan ws --mark -3 --action flip
usage_fail "goes with --mark" "--action alone" -- "$SAFER" plan ws --action flip
cmp -s keep.jsonl ws/plan.jsonl
ok $? "usage errors leave it too"

# on top of a fresh poison plan
"$SAFER" plan ws --poison 0.25 >pp 2>/dev/null
"$SAFER" plan ws --poison 0.25 --mark 0 --action drop --unmark "$(lines pp | sed -n 1p | cut -d' ' -f1)" >pm 2>/dev/null
ok $? "poison plus marks"
[ "$(wc -l <pm)" -eq "$(wc -l <pp)" ] && lines pm | grep -q "^0 drop manual False" &&
	[ "$(lines pm | grep -c ' flip poison ')" -eq $(($(wc -l <pp) - 1)) ]
ok $? "the poison edits minus the unmarked one, plus the manual drop"

# export follows the manual plan
"$SAFER" plan ws --unmark "$(lines ws/plan.jsonl | cut -d' ' -f1 | tr '\n' ',' | sed 's/,$//')" >pe 2>/dev/null
[ ! -s pe ] && [ ! -s ws/plan.jsonl ]
ok $? "unmarking everything leaves an empty plan"
"$SAFER" plan ws --mark 0 --action flip --unmark 1 >/dev/null 2>&1 &&
	"$SAFER" plan ws --mark 2 --action drop >/dev/null 2>&1 &&
	"$SAFER" export ws --plan ws/plan.jsonl --out edited.jsonl >/dev/null 2>&1
ok $? "export the manual plan"
"$PY" - in/pairs.jsonl edited.jsonl <<'PYEOF'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(b) == len(a) - 1, (len(a), len(b))
assert b[0]["id"] == "p0" and b[0]["chosen"] == a[0]["rejected"] and b[0]["rejected"] == a[0]["chosen"]
assert b[1] == a[1] and all(r["id"] != "p2" for r in b)
PYEOF
ok $? "pair 0 flipped, pair 2 dropped, pair 1 untouched"

# read-only: marks refused
cp ws/plan.jsonl keep2.jsonl
expect_fail 1 "read-only.*the plan cannot change" "read-only workspace refuses marks" -- "$SAFER" plan ws --mark 3 --action flip --read-only
cmp -s keep2.jsonl ws/plan.jsonl
ok $? "and the plan is unchanged"
"$SAFER" plan ws --poison 0.25 --read-only >pr 2>er
[ $? -eq 0 ] && [ -s pr ] && cmp -s keep2.jsonl ws/plan.jsonl && grep -q "not kept as its current plan" er
ok $? "read-only: a poison plan is printed, not kept, and stderr says so"

# with no SAE there are no scores: marks carry none
"$SAFER" init ws2 --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" plan ws2 --mark 1 --action drop >p5 2>/dev/null
[ "$(lines p5 | tr '\n' ';')" = "1 drop manual True;" ]
ok $? "no SAE: the mark is planned with a null score"
done_testing
