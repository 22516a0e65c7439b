#!/bin/sh
# safer load-sae / encode / train on a tiny workspace: imports, refusals
# (one line, exit 1), the latents cache and its staleness, Ctrl-C and
# --resume.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-/usr/bin/python3}
"$PY" "$srcdir/tests/sae_ref.py" bad "$TMPD/in" >/dev/null
ok $? "reference script writes the inputs"
WS=$TMPD/ws
"$SAFER" init "$WS" --pairs "$TMPD/in/data/pairs.jsonl" --acts "$TMPD/in/data/acts.safetensors" >/dev/null
ok $? "init tiny workspace (d 16)"

expect_fail 1 "has no SAE: train one \(safer train .*\) or load one \(safer load-sae .* PATH\)" \
	"encode without an SAE says to train or load one" -- "$SAFER" encode "$WS"
expect_fail 1 "has no SAE: train one" "stats without an SAE says the same" -- "$SAFER" stats "$WS"
expect_fail 1 "tensor W_dec has shape \[32, 15\]" "shapes that disagree" -- "$SAFER" load-sae "$WS" "$TMPD/in/shape"
expect_fail 1 "k 33 is out of range \(1 to 32" "k > m" -- "$SAFER" load-sae "$WS" "$TMPD/in/kbig"
expect_fail 1 "encoder weight \[3, 5\] is not finite" "NaN in weights" -- "$SAFER" load-sae "$WS" "$TMPD/in/nan"
expect_fail 1 "latent 7, entry 1 is not finite" "inf in weights" -- "$SAFER" load-sae "$WS" "$TMPD/in/inf"
long=$TMPD/in/$(printf 'd%.0s' $(seq 4200)).safetensors
expect_fail 1 "path longer than 4095 bytes" "a path too long for the path buffer is refused, not cut" -- "$SAFER" load-sae "$WS" "$long"
expect_fail 1 "d_in 24 contradicts the tensors' d 16" "cfg d_in contradicts" -- "$SAFER" load-sae "$WS" "$TMPD/in/cfgd"
expect_fail 1 "num_latents 64 contradicts" "cfg num_latents contradicts" -- "$SAFER" load-sae "$WS" "$TMPD/in/cfgm"
expect_fail 1 "k is unknown" "no k anywhere" -- "$SAFER" load-sae "$WS" "$TMPD/in/nok"
expect_fail 1 "d 8 differs from the workspace's activations d 16 \(SAE hook layers.7\)" \
	"d mismatch names both and the hook" -- "$SAFER" load-sae "$WS" "$TMPD/in/d8"
expect_fail 1 "cannot open|No such file" "missing file" -- "$SAFER" load-sae "$WS" "$TMPD/in/none.safetensors"
[ ! -e "$WS/sae" ]
ok $? "refusals leave no SAE behind"

"$SAFER" load-sae "$WS" "$TMPD/in/nok" --k 3 >/dev/null
ok $? "--k supplies a missing k"
"$SAFER" load-sae "$WS" "$TMPD/in/good" >/dev/null
ok $? "load a sparsify SAE"
grep -q '"source"' "$WS/sae/cfg.json"
ok $? "cfg.json records the source"
"$SAFER" stats "$WS" >"$TMPD/stats.first" 2>"$TMPD/err"
[ $? -eq 0 ] && grep -q "^encoding: " "$TMPD/err"
ok $? "no latents yet: stats encodes the rows itself, saying so on stderr"
"$SAFER" encode "$WS" | grep -q "up to date"
ok $? "encode afterwards: the cache stats wrote is current"
"$SAFER" encode "$WS" --force | grep -q "encoded 480 rows"
ok $? "encode --force writes latents.bin"
"$SAFER" stats "$WS" >"$TMPD/stats.good" 2>"$TMPD/err"
[ $? -eq 0 ] && cmp -s "$TMPD/stats.first" "$TMPD/stats.good" && ! grep -q "^encoding: " "$TMPD/err"
ok $? "stats reads the latents, as the first time, without encoding"
# A damaged cache is not trusted: a writable open rebuilds it with the SAE.
# (Without the statistics cache, so that stats must read the latents.)
printf 'x' | dd of="$WS/latents.bin" bs=1 seek=200 conv=notrunc 2>/dev/null
rm -f "$WS"/stats-*.bin
"$SAFER" stats "$WS" >"$TMPD/stats.out" 2>"$TMPD/err"
ok $? "damaged latents: stats succeeds"
cmp -s "$TMPD/stats.out" "$TMPD/stats.good"
ok $? "damaged latents: rebuilt, stats unchanged"
[ "$(grep -c 'latents.bin was damaged and has been rebuilt' "$TMPD/err")" -eq 1 ]
ok $? "damaged latents: the rebuild is announced once"
"$SAFER" encode "$WS" | grep -q "up to date"
ok $? "the rebuilt latents are current"
printf 'x' | dd of="$WS/latents.bin" bs=1 seek=200 conv=notrunc 2>/dev/null
rm -f "$WS"/stats-*.bin
expect_fail 1 "damaged|checksum" "damaged latents refused when read-only" -- \
	"$SAFER" stats "$WS" --read-only
"$SAFER" encode "$WS" --force | grep -q "encoded"
ok $? "encode --force rebuilds"

out=$("$SAFER" train "$WS" --latents 32 --k 4 --epochs 3 --batch 16 --seed 3 2>/dev/null)
ok $? "train from scratch"
printf '%s\n' "$out" | grep -Eq "^NMSE [0-9.]+  L0 [0-9.]+  dead [0-9.]+%"
ok $? "train prints the final figures"
grep -q '"normalize": "standardize"' "$WS/sae/cfg.json" && grep -q '"relu": false' "$WS/sae/cfg.json"
ok $? "cfg.json records SAFER's normalize and raw TopK"
"$SAFER" encode "$WS" | grep -q "up to date"
ok $? "train encoded at its end"
fp1=$(grep '"fingerprint"' "$WS/sae/cfg.json")
"$SAFER" train "$WS" --latents 32 --k 4 --epochs 3 --batch 16 --seed 3 >/dev/null 2>&1
fp2=$(grep '"fingerprint"' "$WS/sae/cfg.json")
[ "$fp1" = "$fp2" ]
ok $? "same seed, same SAE"
"$SAFER" train "$WS" --continue --epochs 1 --batch 16 >/dev/null 2>&1
ok $? "continue from the stored SAE (sentence rows)"
"$SAFER" train "$WS" --latents 32 --k 4 --epochs 2 --batch 16 --auxk --k-aux 8 --relu \
	--normalize none >/dev/null 2>&1 && grep -q '"relu": true' "$WS/sae/cfg.json" &&
	grep -q '"auxk": 1' "$WS/sae/cfg.json"
ok $? "train with AuxK, ReLU, no normalisation (recorded in cfg.json)"
"$SAFER" train "$WS" --latents 8 --k 9 2>"$TMPD/err0"
[ $? -eq 2 ] && grep -q "exceeds --latents 8" "$TMPD/err0"
ok $? "k > latents is a usage error"
expect_fail 1 "no checkpoint" "--resume without a checkpoint" -- "$SAFER" train "$WS" --resume

# Ctrl-C: a long run stops at a batch boundary, saves a checkpoint; --resume
# goes on from it (and is interrupted again, further on)
"$SAFER" train "$WS" --latents 32 --k 4 --epochs 100000 --batch 16 --no-encode 2>"$TMPD/err1" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 1 ] && grep -q "checkpoint saved, continue with \`safer train .* --resume\`" "$TMPD/err1"
ok $? "Ctrl-C saves a checkpoint (exit $rc)"
[ -f "$WS/sae/checkpoint.safetensors" ]
ok $? "checkpoint file exists"
s1=$(sed -n 's/.*cancelled at step \([0-9]*\).*/\1/p' "$TMPD/err1")
"$SAFER" train "$WS" --resume 2>"$TMPD/err2" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
s2=$(sed -n 's/.*cancelled at step \([0-9]*\).*/\1/p' "$TMPD/err2")
[ -n "$s1" ] && [ -n "$s2" ] && [ "$s2" -gt "$s1" ]
ok $? "--resume continues from step $s1 (stopped again at $s2)"
# Memory: a run that cannot fit in physical memory is refused up front, in
# one line naming the bytes needed and those there are, before allocating.
cp "$WS/sae/cfg.json" "$TMPD/cfg.keep"
start=$(date +%s)
expect_fail 1 "needs [0-9]+ bytes .*the machine has [0-9]+ bytes" \
	"absurd --latents refused for lack of memory" -- \
	"$SAFER" train "$WS" --latents 16777216 --batch 65536 --epochs 1 --no-encode
[ $(($(date +%s) - start)) -le 5 ]
ok $? "the memory refusal comes at once"
cmp -s "$WS/sae/cfg.json" "$TMPD/cfg.keep"
ok $? "the refused run left the SAE as it was"

# cfg.json is read with a size cap: a huge one is refused naming the file.
"$PY" -c "
import json, sys
c = json.load(open(sys.argv[1]))
open(sys.argv[1], 'w').write(json.dumps(c)[:-1] + ' ' * (1 << 20) + '}')" "$WS/sae/cfg.json"
expect_fail 1 "cfg.json: larger than" "oversized cfg.json refused (stats)" -- "$SAFER" stats "$WS"
expect_fail 1 "cfg.json: larger than" "oversized cfg.json refused (encode)" -- "$SAFER" encode "$WS"
cp "$TMPD/cfg.keep" "$WS/sae/cfg.json"
"$SAFER" encode "$WS" >/dev/null
ok $? "with its cfg.json restored the workspace works again"
done_testing
