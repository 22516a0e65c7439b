#!/bin/sh
# Labels across SAEs: when a labelled SAE is replaced, its weights are kept
# and `safer labels --carry-from` suggests where its labels go in the new
# SAE by decoder cosine (one to one, best first, >= 0.9), matching a numpy
# reference (tests/carry_ref.py); nothing changes until confirmed.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-/usr/bin/python3}
"$PY" "$srcdir/tests/sae_kinds_ref.py" "$TMPD/in" >/dev/null &&
	"$PY" "$srcdir/tests/carry_ref.py" "$TMPD/c" >/dev/null
ok $? "reference scripts write the inputs and the expected matching"
WS=$TMPD/ws
"$SAFER" init "$WS" --pairs "$TMPD/in/data/pairs.jsonl" --acts "$TMPD/in/data/acts.safetensors" >/dev/null &&
	"$SAFER" load-sae "$WS" "$TMPD/c/saeA" >/dev/null 2>&1
ok $? "a workspace with SAE A"
A=$(sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p' "$WS/sae/cfg.json")
for f in $(cat "$TMPD/c/labelled.txt"); do
	"$SAFER" label "$WS" "$f" --name "concept $f" --safety $((f % 5 + 1)) --note "n$f" >/dev/null || exit 1
done
"$SAFER" load-sae "$WS" "$TMPD/c/saeB" >/dev/null 2>&1
[ -f "$WS/sae-$A.safetensors" ]
ok $? "the replaced SAE's weights are kept, since it had labels"
"$SAFER" labels "$WS" >/dev/null 2>"$TMPD/err"
grep -q "labels --carry-from $A (:carry in the explorer) suggests which fit it" "$TMPD/err"
ok $? "the switch of label sets offers carrying them over"
"$SAFER" label "$WS" 6 --name "already here" >/dev/null
"$SAFER" labels "$WS" --carry-from "$A" >"$TMPD/sug" 2>"$TMPD/err"
ok $? "labels --carry-from lists suggestions"
tail -n +2 "$TMPD/sug" | cut -f1,2 >"$TMPD/got"
cut -f1,2 "$TMPD/c/expected.tsv" >"$TMPD/want"
cmp -s "$TMPD/got" "$TMPD/want"
ok $? "the suggestions are numpy's matching, in its order (one to one, best first, >= 0.9)"
"$PY" - "$TMPD/sug" "$TMPD/c/expected.tsv" <<'PYEOF'
import sys
got = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()[1:]]
want = [l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
sys.exit(0 if all(abs(float(g[2]) - float(w[2])) < 1e-5 for g, w in zip(got, want)) else 1)
PYEOF
ok $? "the cosines equal numpy's to 1e-5"
grep -q "^4	6	.*	concept 4	5	labelled$" "$TMPD/sug"
ok $? "a new feature that has a label already is marked, not suggested over"
! grep -q "^1[234]	" "$TMPD/sug"
ok $? "old features whose best match is taken by a closer one get none (one to one)"
"$SAFER" labels "$WS" --format json >"$TMPD/before.json"
[ "$(grep -c '"feature"' "$TMPD/before.json")" -eq 1 ]
ok $? "suggestions change nothing"
"$SAFER" labels "$WS" --carry-from "$A" --accept 27,8 >"$TMPD/acc" 2>/dev/null
"$SAFER" labels "$WS" >"$TMPD/now"
grep -q "^27	concept 0	1	n0 | carried from SAE $A feature 0 (decoder cosine 1.000)" "$TMPD/now" &&
	grep -q "^8	concept 2	3	" "$TMPD/now" && [ "$(tail -n +2 "$TMPD/now" | wc -l)" -eq 3 ]
ok $? "--accept carries the listed ones: name, rating, and a note saying where from"
"$SAFER" labels "$WS" --carry-from "$A" --apply >"$TMPD/app" 2>/dev/null
"$SAFER" labels "$WS" >"$TMPD/now"
[ "$(grep -c '	carried$' "$TMPD/app")" -eq 9 ] && grep -q "^6	already here" "$TMPD/now" &&
	[ "$(tail -n +2 "$TMPD/now" | wc -l)" -eq 12 ]
ok $? "--apply carries the rest, never over a label"
expect_fail 1 "is the workspace's own SAE" "carrying from the current SAE is refused" -- \
	"$SAFER" labels "$WS" --carry-from "$(sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p' "$WS/sae/cfg.json")"
expect_fail 1 "the weights of SAE 0123456789abcdef are not kept" "an unknown SAE is refused, saying why" -- \
	"$SAFER" labels "$WS" --carry-from 0123456789abcdef
expect_fail 1 "needs an SAE fingerprint" "a malformed fingerprint is refused" -- \
	"$SAFER" labels "$WS" --carry-from xyz
expect_usage "--apply and --accept go with --carry-from" "--apply alone is a usage error" -- \
	"$SAFER" labels "$WS" --apply
expect_usage "--min-cosine" "--min-cosine checks its range" -- \
	"$SAFER" labels "$WS" --carry-from "$A" --min-cosine 2
done_testing
