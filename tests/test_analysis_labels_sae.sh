#!/bin/sh
# Labels belong to one SAE: replacing the workspace's SAE (load-sae, train)
# archives the old SAE's labels under its fingerprint, starts the new SAE's
# set (or restores its archive), says so once, and never loses a label.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/labels_sae_fixture.py" in
ok $? "fixture script writes the data and three SAEs"
"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1
ok $? "init"
fp() { sed -n 's/.*"fingerprint": *"\([0-9a-f]*\)".*/\1/p' ws/sae/cfg.json; }
notes() { grep -c "labels were made for SAE" "$1"; }

"$SAFER" load-sae ws in/saeA >/dev/null 2>&1
A=$(fp)
"$SAFER" label ws 3 --name refusal --safety 5 --note "n3" >/dev/null &&
	"$SAFER" label ws 30 --name harm --safety 4 >/dev/null
ok $? "label two features of SAE A"
grep -aq "$A" ws/labels.msgpack
ok $? "labels.msgpack records SAE A's fingerprint"
"$SAFER" labels ws --export A.json
cp ws/labels.msgpack A.msgpack

"$SAFER" load-sae ws in/saeB >/dev/null 2>&1
B=$(fp)
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ]
ok $? "SAE B has another fingerprint"
"$SAFER" labels ws >list1 2>err1
ok $? "labels after the SAE changed"
[ "$(notes err1)" -eq 1 ] && grep -q "labels-$A.msgpack" err1 && grep -q "empty label set" err1
ok $? "one note on stderr naming the archive and the empty set"
[ "$(wc -l <list1)" -eq 1 ]
ok $? "SAE B starts with no labels"
cmp -s A.msgpack "ws/labels-$A.msgpack"
ok $? "SAE A's labels file archived byte for byte"
"$SAFER" labels ws >/dev/null 2>err2
[ "$(notes err2)" -eq 0 ]
ok $? "the note is said once"
grep -aq "$B" ws/labels.msgpack
ok $? "labels.msgpack now records SAE B"
expect_fail 1 "no feature 30" "B's width applies: feature 30 does not exist" -- "$SAFER" label ws 30 --name x
"$SAFER" label ws 20 --name b20 --safety 3 >/dev/null
ok $? "label a feature of SAE B"
"$SAFER" labels ws --export B.json

"$SAFER" load-sae ws in/saeA >/dev/null 2>&1 && "$SAFER" encode ws >/dev/null 2>&1
"$SAFER" stats ws >/dev/null 2>err3
grep -q "restored its 2 labels" err3 && grep -q "labels-$B.msgpack" err3
ok $? "loading SAE A back restores its labels (stats says so)"
"$SAFER" labels ws --export A2.json 2>/dev/null && cmp -s A.json A2.json
ok $? "SAE A's labels come back unchanged"
"$SAFER" load-sae ws in/saeB >/dev/null 2>&1
"$SAFER" labels ws --export B2.json 2>/dev/null && cmp -s B.json B2.json
ok $? "and SAE B's again"

# another SAE of the same width is still another SAE
"$SAFER" load-sae ws in/saeC >/dev/null 2>&1
C=$(fp)
"$SAFER" labels ws >list4 2>err4
[ "$(notes err4)" -eq 1 ] && [ "$(wc -l <list4)" -eq 1 ] && cmp -s B.json B2.json && [ -f "ws/labels-$B.msgpack" ]
ok $? "same width, other fingerprint: switched too"

# training replaces the SAE as well
"$SAFER" label ws 5 --name c5 >/dev/null 2>&1
"$SAFER" train ws --latents 32 --k 4 --epochs 1 --batch 64 >/dev/null 2>&1
ok $? "train a new SAE"
"$SAFER" labels ws >list5 2>err5
[ "$(notes err5)" -eq 1 ] && grep -q "labels-$C.msgpack" err5 && [ "$(wc -l <list5)" -eq 1 ]
ok $? "after train: C's labels archived, empty set"
"$SAFER" load-sae ws in/saeC >/dev/null 2>&1
"$SAFER" labels ws 2>/dev/null | grep -q "^5	c5	"
ok $? "C's label back after loading C again"

# read-only (opened with --read-only): switch in memory only
"$SAFER" load-sae ws in/saeA >/dev/null 2>&1
cp ws/labels.msgpack ro.msgpack
ls ws >ro.ls
"$SAFER" labels ws --read-only >list6 2>err6
grep -q "read-only, nothing moved yet" err6 && grep -q "^3	refusal	5	n3	" list6
ok $? "read-only: A's restored labels shown, the note says nothing moved"
ls ws >ro2.ls
cmp -s ro.msgpack ws/labels.msgpack && cmp -s ro.ls ro2.ls
ok $? "read-only: no file written"
"$SAFER" labels ws --export A3.json 2>/dev/null && cmp -s A.json A3.json
ok $? "the switch happens at the next writable open"

# a damaged archive: an error naming it, nothing changed
"$SAFER" load-sae ws in/saeB >/dev/null 2>&1
cp ws/labels.msgpack keep.msgpack
cp "ws/labels-$B.msgpack" keepB.msgpack
printf 'junk' >"ws/labels-$B.msgpack"
expect_fail 1 "labels-$B.msgpack" "damaged archive: one-line error naming it" -- "$SAFER" labels ws
cmp -s keep.msgpack ws/labels.msgpack
ok $? "damaged archive: labels.msgpack unchanged"
cp keepB.msgpack "ws/labels-$B.msgpack"

# files from before labels recorded their SAE
"$PY" "$srcdir/tests/labels_sae_fixture.py" in legacy ws/labels.msgpack 24 7 old
"$SAFER" labels ws 2>err7 | grep -q "^7	old	4"
[ $? -eq 0 ] && [ "$(notes err7)" -eq 0 ]
ok $? "legacy file of the same width: taken as the current SAE's"
grep -aq "$B" ws/labels.msgpack || "$SAFER" label ws 8 --name n8 >/dev/null
grep -aq "$B" ws/labels.msgpack
ok $? "legacy file stamped with the SAE at the next change"
"$PY" "$srcdir/tests/labels_sae_fixture.py" in legacy ws/labels.msgpack 32 31 wide
cp ws/labels.msgpack legacy.msgpack
"$SAFER" labels ws >list8 2>err8
[ "$(notes err8)" -eq 1 ] && cmp -s legacy.msgpack ws/labels-legacy-m32.msgpack
ok $? "legacy file of another width: archived as labels-legacy-m32.msgpack"
grep -q "restored its" err8 && grep -q "^20	b20	3" list8
ok $? "and B's archived labels restored"
done_testing
