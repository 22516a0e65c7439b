#!/bin/sh
# Messages say what is wrong and exit as doc/formats.md says: an SAE's k
# out of range names the range, a cfg.json that is no object or no JSON
# gets one clean line (never "file:-1:"), a tensor of the wrong shape is
# the one named, with the shape expected and found; numeric options out of
# range are usage errors (exit 2) naming the option and its range.
. "$srcdir/tests/lib.sh"
gen=$srcdir/tests/values_fixture.py
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" >/dev/null || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
	>/dev/null 2>&1 && "$SAFER" train "$ws" --latents 32 --k 4 --epochs 1 >/dev/null 2>&1
ok $? "small workspace with an SAE"
cp -r "$ws/sae" "$TMPD/sae.before"

sae() { "$PYTHON3" "$gen" sae "$TMPD/$1" "$1" 32 16; }
for kind in k62 kbig kmeta nok array badjson encT decT bias saelensT; do sae $kind; done

# ---- k --------------------------------------------------------------------
expect_fail 1 "k62/cfg.json: k 4611686018427387904 is out of range \(1 to 32" \
	"cfg.json k = 2^62: out of range, with the bound" -- "$SAFER" load-sae "$ws" "$TMPD/k62"
expect_fail 1 "kbig/cfg.json: k 33 is out of range \(1 to 32" \
	"cfg.json k = m + 1: out of range, with the bound" -- "$SAFER" load-sae "$ws" "$TMPD/kbig"
expect_fail 1 "metadata k \"1099511627776\" is not an integer from 1 to 32" \
	"metadata k = 2^40: out of range, with the bound" -- "$SAFER" load-sae "$ws" "$TMPD/kmeta"
expect_fail 1 "k is unknown \(.*nok/cfg.json gives no k; give --k\)" \
	"cfg.json without k: says the cfg.json gives none" -- "$SAFER" load-sae "$ws" "$TMPD/nok"
"$SAFER" load-sae "$ws" "$TMPD/nok" 2>&1 | grep -q "no cfg.json"
[ $? -ne 0 ]
ok $? "... and does not claim there is no cfg.json"
"$SAFER" load-sae "$ws" "$TMPD/nok" --k 40 >/dev/null 2>"$TMPD/err"
[ $? -eq 1 ] && grep -q "sae.safetensors: k 40 is out of range (1 to 32" "$TMPD/err"
ok $? "--k above the latents: out of range, with the bound ($(cat "$TMPD/err"))"

# ---- cfg.json that is not an object, not JSON, not a file ------------------
expect_fail 1 "array/cfg.json: not a JSON object" "cfg.json holding an array: one clean line" \
	-- "$SAFER" load-sae "$ws" "$TMPD/array"
expect_fail 1 "badjson/cfg.json:2: not valid JSON" "cfg.json not JSON: its line" \
	-- "$SAFER" load-sae "$ws" "$TMPD/badjson"
mkdir "$TMPD/fifo" && cp "$TMPD/kbig/sae.safetensors" "$TMPD/fifo/" && mkfifo "$TMPD/fifo/cfg.json"
timeout 20 "$SAFER" load-sae "$ws" "$TMPD/fifo" >/dev/null 2>"$TMPD/err"
rc=$?
[ $rc -eq 1 ] && grep -q "fifo/cfg.json" "$TMPD/err" && ! grep -q "no cfg.json" "$TMPD/err"
ok $? "cfg.json that is a FIFO: named, not taken for a missing cfg.json (exit $rc: $(cat "$TMPD/err"))"
printf '[1, 2]\n' >"$ws/sae/cfg.json"
for cmd in info stats; do
	"$SAFER" $cmd "$ws" >/dev/null 2>"$TMPD/err"
	! grep -q -- ":-1" "$TMPD/err"
	ok $? "$cmd with the workspace's cfg.json an array: no line -1 ($(head -1 "$TMPD/err"))"
done
printf '{"k": \n' >"$ws/sae/cfg.json"
"$SAFER" stats "$ws" >/dev/null 2>"$TMPD/err"
[ $? -eq 1 ] && grep -q "cfg.json:2: not valid JSON" "$TMPD/err" && ! grep -q -- ":-1" "$TMPD/err"
ok $? "stats with the workspace's cfg.json cut short: its line ($(head -1 "$TMPD/err"))"
rm -rf "$ws/sae" && cp -r "$TMPD/sae.before" "$ws/sae"

# ---- shapes ----------------------------------------------------------------
expect_fail 1 "tensor encoder.weight has shape \[16, 32\], expected \[32, 16\] \(m, d\); it is transposed" \
	"transposed encoder.weight is named, expected vs found" -- "$SAFER" load-sae "$ws" "$TMPD/encT"
expect_fail 1 "tensor W_dec has shape \[16, 32\], expected \[32, 16\] \(m, d\); it is transposed" \
	"transposed W_dec is named, expected vs found" -- "$SAFER" load-sae "$ws" "$TMPD/decT"
expect_fail 1 "tensor encoder.bias has shape \[33\], expected \[32\] \(m\)" \
	"an encoder.bias too long is named" -- "$SAFER" load-sae "$ws" "$TMPD/bias"
expect_fail 1 "tensor W_enc has shape \[32, 16\], expected \[16, 32\] \(d, m\); it is transposed" \
	"SAELens W_enc the wrong way round is named" -- "$SAFER" load-sae "$ws" "$TMPD/saelensT"
diff -r "$ws/sae" "$TMPD/sae.before" >/dev/null
ok $? "the workspace's SAE is untouched by the refused imports"

# ---- option ranges: usage errors naming the option and the range ----------
F=3
range() { # PATTERN -- CMD ARGS...
	local pat=$1
	shift 2
	expect_usage "$pat" "$* is a usage error" -- "$SAFER" "$@"
}
range "--poison needs a number in \(0, 1\], not '1.5'" -- plan "$ws" --poison 1.5
range "--poison needs a number in \(0, 1\]" -- plan "$ws" --poison 0
range "--denoise needs a number in \(0, 1\], not 'nan'" -- plan "$ws" --denoise nan
range "--safety needs an integer from 1 to 5, not '0'" -- label "$ws" $F --safety 0
range "--safety needs an integer from 1 to 5, not '6'" -- label "$ws" $F --safety 6
range "--seeds needs an integer from 1 to 1000" -- eval "$ws" --seeds 0
range "--seed needs an integer from 0 to" -- eval "$ws" --seed -1
range "--iters needs an integer from 1 to 100000" -- eval "$ws" --iters 0
range "--l2 needs a number from 0 to 1e\+06" -- eval "$ws" --l2 -1
range "--l2 needs a number from 0 to 1e\+06" -- eval "$ws" --l2 inf
range "--k needs an integer from 1 to 1048576, not '0'" -- load-sae "$ws" "$TMPD/kbig" --k 0
range "-n needs an integer from 0 to" -- stats "$ws" -n -1
range "-n needs an integer from 1 to 1000000" -- top "$ws" $F -n 0
range "--window needs an integer from 1 to 4096" -- top "$ws" $F --window 5000
for cmd in stats score plan top; do
	extra=""
	[ $cmd = plan ] && extra="--poison 0.1"
	[ $cmd = top ] && extra=$F
	range "--candidates needs an integer from 1 to 1073741824" -- $cmd "$ws" $extra --candidates 0
	range "--threshold needs an integer from 1 to 5" -- $cmd "$ws" $extra --threshold 6
	range "--cap needs an integer from 1 to 1073741824" -- $cmd "$ws" $extra --cap 0
done
range "--top needs an integer from 1 to 1000000" -- judge "$ws" --top 0
range "--jobs needs an integer from 1 to 64" -- judge "$ws" --jobs 65
range "--retries needs an integer from 0 to 100" -- judge "$ws" --retries -1
range "--timeout needs a number from 0.1 to 86400" -- judge "$ws" --timeout 0
range "--k needs an integer from 1 to 65536" -- train "$ws" --k 0
range "--lr needs a number from 1e-12 to 10" -- train "$ws" --lr 100
diff -r "$ws/sae" "$TMPD/sae.before" >/dev/null
ok $? "the SAE is untouched by refused commands"

done_testing
