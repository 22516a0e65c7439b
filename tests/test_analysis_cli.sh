#!/bin/sh
# The analysis subcommands on a tiny workspace: table shapes, the edit list
# and the exported dataset, and every bad input the contract names
# (one-line error, exit 1, workspace unchanged), plus read-only refusal.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1

# 60 pairs (every 5th a test pair), d 16, a planted direction on chosen rows
"$PY" - <<'PYEOF' || exit 1
import json, struct
import numpy as np
rng = np.random.default_rng(7)
P, d = 60, 16
with open("pairs.jsonl", "w") as f:
    for i in range(P):
        rec = {"id": "p%d" % i, "prompt": "q%d" % i, "chosen": "yes %d" % i, "rejected": "no %d" % i,
               "category": "safety" if i % 2 else "chat", "extra": {"k": i}}
        if i % 5 == 4:
            rec["split"] = "test"
        f.write(json.dumps(rec) + "\n")
pair, side, pos, flags, toks = [], [], [], [], []
for i in range(P):
    for s in (0, 1, 2):
        n = 3 if s == 0 else int(rng.integers(6, 12))
        for q in range(n):
            pair.append(i); side.append(s); pos.append(q)
            flags.append(1 if s and (q % 3 == 2 or q == n - 1) else 0)
            toks.append(("." if q % 3 == 2 else " w%d" % (q % 4)).encode())
N = len(pair)
u = rng.normal(size=d)
acts = rng.normal(size=(N, d)) + np.outer(np.array(side) == 1, u) * 1.5
acts = acts.astype(np.float32)
off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
tb = np.frombuffer(b"".join(toks), dtype=np.uint8)
tensors = [("acts", "F32", [N, d], acts), ("tok_off", "I64", [N + 1], off),
           ("pair", "I32", [N], np.array(pair, np.int32)), ("pos", "I32", [N], np.array(pos, np.int32)),
           ("side", "U8", [N], np.array(side, np.uint8)), ("flags", "U8", [N], np.array(flags, np.uint8)),
           ("tok_bytes", "U8", [len(tb)], tb)]
hdr, blobs, at = {"__metadata__": {"format": "safer-acts/1"}}, [], 0
for name, dt, shape, a in tensors:
    b = a.tobytes()
    hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [at, at + len(b)]}
    blobs.append(b); at += len(b)
h = json.dumps(hdr).encode(); h += b" " * (-len(h) % 8)
open("acts.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
PYEOF

"$SAFER" init ws --pairs pairs.jsonl --acts acts.safetensors >/dev/null 2>&1
ok $? "init a tiny workspace"
"$SAFER" train ws --latents 32 --k 4 --epochs 2 --batch 64 >/dev/null 2>&1
ok $? "train a tiny SAE"

"$SAFER" stats ws >stats.tsv
ok $? "stats runs"
head -1 stats.tsv | grep -q "^feature	salience	chosen_sum	rejected_sum	density	max_act" 
ok $? "stats columns as formats.md lists"
[ "$(wc -l <stats.tsv)" -eq 33 ]
ok $? "stats has one row per feature"
"$SAFER" stats ws --format json | "$PY" -c 'import json,sys; r=json.load(sys.stdin); assert len(r)==32 and r[0]["rows"]=="sentence"'
ok $? "stats as JSON records the rows in use"
F=$(sed -n 2p stats.tsv | cut -f1)

"$SAFER" top ws "$F" -n 3 >top.tsv
ok $? "top runs"
head -1 top.tsv | grep -q "^pair	side	pos	activation	token	context"
ok $? "top columns as formats.md lists"
[ -f ws/index.bin ]
ok $? "the index is kept in the workspace"
"$SAFER" top ws "$F" -n 3 >top2.tsv && cmp -s top.tsv top2.tsv
ok $? "the reopened index answers the same"
expect_fail 1 "no feature 32" "top: feature out of range" -- "$SAFER" top ws 32

# labels
"$SAFER" label ws "$F" --name "refusal" --safety 5 --note "fires on no" >/dev/null
ok $? "label a feature"
cp ws/labels.msgpack before.msgpack
expect_fail 1 "no feature 99" "label: nonexistent feature" -- "$SAFER" label ws 99 --name x
expect_fail 1 "no feature -1" "label: negative feature" -- "$SAFER" label ws -1 --name x
expect_usage "--safety needs an integer from 1 to 5" "label: rating 6" -- "$SAFER" label ws "$F" --safety 6
expect_usage "--safety needs an integer from 1 to 5" "label: rating 0" -- "$SAFER" label ws "$F" --safety 0
cmp -s before.msgpack ws/labels.msgpack
ok $? "failed label commands leave labels.msgpack as it was"
"$SAFER" labels ws | grep -q "^$F	refusal	5	fires on no	20"
ok $? "labels lists the label with its time"
"$SAFER" labels ws --export lab.json
"$PY" -c 'import json,sys; r=json.load(open("lab.json")); assert r[0]["safety"]==5 and r[0]["name"]=="refusal" and r[0]["updated"].endswith("Z"), r' 
ok $? "export writes the formats.md JSON"
printf '[{"feature": 1, "name": "x", "safety": "5"}]' >bad1.json
expect_fail 1 "bad1.json: entry 0: \"safety\" must be" "import: safety of the wrong type" -- "$SAFER" labels ws --import bad1.json
printf '[{"feature": 1, "name": 3}]' >bad2.json
expect_fail 1 "bad2.json: entry 0: \"name\" must be a string" "import: name of the wrong type" -- "$SAFER" labels ws --import bad2.json
printf '[{"feature": 1, "name": "ok"}, {"feature": 40}]' >bad3.json
expect_fail 1 "bad3.json: entry 1: feature 40 does not exist" "import: a feature that does not exist" -- "$SAFER" labels ws --import bad3.json
printf '{"feature": 1}' >bad4.json
expect_fail 1 "bad4.json: expected a JSON array" "import: not an array" -- "$SAFER" labels ws --import bad4.json
printf '[{"feature": 2, "safety": 9}]' >bad5.json
expect_fail 1 "bad5.json: entry 0: safety 9 is outside 1-5" "import: rating out of range" -- "$SAFER" labels ws --import bad5.json
# Labels JSON is capped at 64 MiB: valid JSON padded with spaces to just
# over the cap is refused before it is parsed.
{ cat lab.json; head -c $((64 * 1048576 - $(wc -c <lab.json) + 1)) /dev/zero | tr '\0' ' '; } >huge.json
expect_fail 1 "huge.json: larger than 64 MB" "import: a labels file over 64 MB" -- "$SAFER" labels ws --import huge.json
rm -f huge.json
cmp -s before.msgpack ws/labels.msgpack
ok $? "failed imports leave labels.msgpack as it was"
rm ws/labels.msgpack
"$SAFER" labels ws --import lab.json 2>/dev/null && "$SAFER" labels ws --export lab2.json && cmp -s lab.json lab2.json
ok $? "labels round-trip through export and import"

# scores and plans
"$SAFER" score ws >score.tsv 2>score.err
ok $? "score runs"
head -1 score.tsv | grep -q "^index	id	category	score"
ok $? "score columns as formats.md lists"
[ "$(wc -l <score.tsv)" -eq 49 ]
ok $? "score has one row per train pair"
! grep -q "no feature is rated" score.err
ok $? "rated features: no fallback note"
expect_usage "--poison needs a number in \(0, 1\]" "plan: ratio 0" -- "$SAFER" plan ws --poison 0
expect_usage "--denoise needs a number in \(0, 1\]" "plan: ratio 1.5" -- "$SAFER" plan ws --denoise 1.5
expect_usage "--denoise needs a number in \(0, 1\]" "plan: ratio -0.1" -- "$SAFER" plan ws --denoise -0.1
"$SAFER" plan ws --poison 0.25 --out poison.jsonl 2>/dev/null
ok $? "plan poison 25%"
[ "$(wc -l <poison.jsonl)" -eq 12 ]
ok $? "poison flips floor(0.25 * 48) pairs"
"$PY" - <<'PYEOF'
import json
plan = [json.loads(l) for l in open("poison.jsonl")]
score = {}
for line in open("score.tsv").read().splitlines()[1:]:
    c = line.split("\t")
    score[int(c[0])] = float(c[3])
top = sorted(score, key=lambda i: (-score[i], i))[:12]
assert [p["index"] for p in plan] == top, (plan, top)
assert all(p["action"] == "flip" and p["strategy"] == "poison" and p["id"] == "p%d" % p["index"] for p in plan)
PYEOF
ok $? "the edit list holds the highest-scored train pairs, ids echoed"
"$SAFER" export ws --plan poison.jsonl --out edited.jsonl 2>/dev/null
ok $? "export the edited dataset"
"$PY" - <<'PYEOF'
import json
orig = [json.loads(l) for l in open("pairs.jsonl")]
ed = [json.loads(l) for l in open("edited.jsonl")]
flip = {json.loads(l)["index"] for l in open("poison.jsonl")}
assert len(ed) == len(orig)
for i, (a, b) in enumerate(zip(orig, ed)):
    if i in flip:
        assert b["chosen"] == a["rejected"] and b["rejected"] == a["chosen"] and b["extra"] == a["extra"] and b["id"] == a["id"]
    else:
        assert a == b, (a, b)
PYEOF
ok $? "flipped pairs are swapped, all others (and test pairs) pass through"
"$SAFER" plan ws --denoise 0.1 --out den.jsonl 2>/dev/null && "$SAFER" export ws --plan den.jsonl --out den_ed.jsonl 2>/dev/null
[ "$(wc -l <den_ed.jsonl)" -eq 56 ]
ok $? "denoise export drops floor(0.1 * 48) pairs"
"$SAFER" eval ws --plan poison.jsonl --seeds 3 >eval.tsv 2>/dev/null
ok $? "eval runs"
head -1 eval.tsv | grep -q "^edit	category	accuracy	pairs"
ok $? "eval columns as formats.md lists"
[ "$(cut -f1 eval.tsv | sort | uniq -c | wc -l)" -eq 4 ]
ok $? "eval reports none, plan and random"
sed 's/"fingerprint": "[0-9a-f]*"/"fingerprint": "0000000000000000"/' poison.jsonl >other.jsonl
expect_fail 1 "other.jsonl: made for other data" "eval: plan for other data" -- "$SAFER" eval ws --plan other.jsonl
expect_fail 1 "other.jsonl: made for other data" "export: plan for other data" -- "$SAFER" export ws --plan other.jsonl --out x.jsonl
[ ! -e x.jsonl ]
ok $? "a refused export writes nothing"
# A hand-written edit list (index and action only, no fingerprint) is
# taken on its index checks, and gives the same edited data.
sed 's/^{"index": \([0-9]*\),.*$/{"index": \1, "action": "flip"}/' poison.jsonl >hand.jsonl
"$SAFER" export ws --plan hand.jsonl --out hand_ed.jsonl 2>/dev/null && cmp -s hand_ed.jsonl edited.jsonl
ok $? "export: a hand-written list without fingerprint is accepted"
head -1 poison.jsonl >mixed.jsonl && sed -n 2p hand.jsonl >>mixed.jsonl
"$SAFER" export ws --plan mixed.jsonl --out mixed_ed.jsonl 2>/dev/null
ok $? "export: lines without a fingerprint agree with one that has it"
head -1 other.jsonl >mixed2.jsonl && sed -n 2p hand.jsonl >>mixed2.jsonl
expect_fail 1 "mixed2.jsonl: made for other data" "export: a wrong fingerprint on one line is refused" -- "$SAFER" export ws --plan mixed2.jsonl --out x.jsonl
# Fingerprints are lowercase, as the workspace writes them.
head -1 poison.jsonl | sed 's/"fingerprint": "[0-9a-f]*"/"fingerprint": "0123456789ABCDEF"/' >upper.jsonl
expect_fail 1 "upper.jsonl:1: \"fingerprint\" must be 16 lowercase hex digits" "export: an uppercase fingerprint is refused" -- "$SAFER" export ws --plan upper.jsonl --out x.jsonl
# Messages are one line: a newline in a path or in the file shows as ^J.
nl=$(printf 'no\nsuch.jsonl')
"$SAFER" export ws --plan "$nl" --out x.jsonl 2>err.txt
[ $? -eq 1 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q 'no^Jsuch.jsonl' err.txt
ok $? "a newline in a path is shown as ^J, on one line"
{ head -1 hand.jsonl; printf '{"ratio\\u0\n'; } >twoline.jsonl
"$SAFER" export ws --plan twoline.jsonl --out x.jsonl 2>err.txt
[ $? -eq 1 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q 'twoline.jsonl:2: not JSON' err.txt
ok $? "broken JSON on line 2: one line naming it"
sed 's/"index": \([0-9]*\)/"index": "\1"/' poison.jsonl >badidx.jsonl
expect_fail 1 "badidx.jsonl:1: \"index\" must be an integer" "eval: index of the wrong type" -- "$SAFER" eval ws --plan badidx.jsonl
head -1 poison.jsonl | sed 's/"index": [0-9]*/"index": 4/' >testpair.jsonl
expect_fail 1 "test pair" "eval: a plan that edits a test pair" -- "$SAFER" eval ws --plan testpair.jsonl

# read-only: opened so (--read-only), or a directory we may not write
expect_fail 1 "read-only" "label refuses in a read-only workspace" -- "$SAFER" label ws "$F" --name y --read-only
expect_fail 1 "read-only" "labels --import refuses in a read-only workspace" -- "$SAFER" labels ws --import lab.json --read-only
"$SAFER" stats ws --read-only >/dev/null 2>&1 && "$SAFER" score ws --read-only >/dev/null 2>&1
ok $? "reading commands still work read-only"
chmod a-w ws
if [ -w ws ]; then
	diag "running as root: a directory without write permission stays writable; --read-only above stands in"
else
	expect_fail 1 "read-only \(the directory is not writable\)" "label refuses in a directory without write permission" \
		-- "$SAFER" label ws "$F" --name y
fi
chmod u+w ws
"$SAFER" labels ws --export lab3.json && cmp -s lab.json lab3.json
ok $? "labels unchanged after the refusals"
done_testing
