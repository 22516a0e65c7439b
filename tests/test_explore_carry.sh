#!/bin/sh
# Reviewing label carry-over in the explorer: :carry FINGERPRINT offers an
# earlier SAE's labels one at a time on the new feature's screen;
# :carry-accept, :carry-skip and :carry-all act on them, and the labels
# saved are those `safer labels --carry-from` suggests.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"
PY=${PYTHON3:-/usr/bin/python3}
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/sae_kinds_ref.py" in >/dev/null && "$PY" "$srcdir/tests/carry_ref.py" c >/dev/null &&
	"$SAFER" init ws --pairs in/data/pairs.jsonl --acts in/data/acts.safetensors >/dev/null &&
	"$SAFER" load-sae ws c/saeA >/dev/null 2>&1
ok $? "a workspace with SAE A"
A=$(sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p' ws/sae/cfg.json)
for f in $(cat c/labelled.txt); do
	"$SAFER" label ws "$f" --name "concept $f" --safety $((f % 5 + 1)) >/dev/null || exit 1
done
"$SAFER" load-sae ws c/saeB >/dev/null 2>&1 && "$SAFER" labels ws >/dev/null 2>&1
ok $? "SAE B replaces it"
first=$(sed -n 1p c/expected.tsv | cut -f2)
second=$(sed -n 2p c/expected.tsv | cut -f2)

x_start "'$SAFER' explore ws"
x_wait "Features" 20
ok $? "the explorer opens"
x_keys ':'; x_type "carry $A"; x_keys Enter
x_wait "carry 1/12:"
ok $? ":carry offers the first suggestion"
x_wait "Feature $first"
ok $? "... on the new feature's own screen ($first)"
x_keys ':'; x_type 'carry-accept'; x_keys Enter
x_wait "label carried; carry 2/12:"
ok $? ":carry-accept takes it and offers the next"
x_wait "Feature $second"
ok $? "... opening the next feature ($second)"
x_keys ':'; x_type 'carry-skip'; x_keys Enter
x_wait "skipped; carry 3/12:"
ok $? ":carry-skip passes over one"
x_keys ':'; x_type 'carry-all'; x_keys Enter
x_wait "10 labels carried; carry from SAE $A: no suggestion left"
ok $? ":carry-all takes the rest and ends the review"
x_keys ':'; x_type 'carry-accept'; x_keys Enter
x_wait "no carry-over under review"
ok $? "with no review, :carry-accept says so"
x_keys ':'; x_type 'q'; x_keys Enter
x_wait "EXITED 0"
ok $? "quit"
"$SAFER" labels ws >labels.tsv
awk -F'\t' -v s="$second" 'NR > 1 && $1 == s' labels.tsv | grep -q . ; r=$?
[ $r -ne 0 ] && [ "$(tail -n +2 labels.tsv | wc -l)" -eq 11 ] &&
	grep -q "^$first	concept 0	1	carried from SAE $A feature 0" labels.tsv
ok $? "the labels saved: all suggestions but the one skipped, each saying where it came from"
done_testing
