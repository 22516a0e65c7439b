#!/bin/sh
# Absurd sizes are refused with a message, never a crash, a hang or a
# half-written file. Everything runs under `ulimit -v` (about 1 GB, or the
# size of a sparse input file plus 1 GB where the file must be mapped), so
# an attempt to allocate what a file claims fails visibly instead of
# paging the machine to death.
. "$srcdir/tests/lib.sh"
gen=$srcdir/tests/limits_fixture.py
LIMIT=1000000

# limited KB EXPECTED_CODE PATTERN NAME -- CMD...: with memory capped at KB
# (run_capped in tests/lib.sh).
limited() {
	local kb=$1 code=$2 pat=$3 name=$4
	shift 5
	run_capped "$kb" "$@" >"$TMPD/out" 2>"$TMPD/err"
	local rc=$?
	if [ $rc -eq "$code" ] && grep -Eq -- "$pat" "$TMPD/err"; then
		ok 0 "$name"
	else
		ok 1 "$name"
		diag "exit $rc (want $code); stderr: $(grep -v '%' "$TMPD/err" | head -3)"
	fi
}

"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
	>/dev/null 2>&1 && "$SAFER" train "$ws" --latents 32 --k 4 --epochs 1 >/dev/null 2>&1
ok $? "small workspace with an SAE"
cp -r "$ws/sae" "$TMPD/sae.before"
printf '{"prompt":"p","chosen":"c","rejected":"r"}\n' >"$TMPD/one.jsonl"

# ---- the model width d -----------------------------------------------------
"$PYTHON3" "$gen" wide "$TMPD/wide26.safetensors" 67108864
limited $LIMIT 1 "wide26.safetensors.*width" "activations of width 2^26 refused at init" \
	-- "$SAFER" init "$TMPD/ws26" --pairs "$TMPD/one.jsonl" --acts "$TMPD/wide26.safetensors"
[ ! -e "$TMPD/ws26/manifest.msgpack" ]
ok $? "no manifest left behind"
"$PYTHON3" "$gen" wide "$TMPD/wide20.safetensors" 1048576
limited $LIMIT 0 "" "width 2^20 (the limit) accepted at init" \
	-- "$SAFER" init "$TMPD/ws20" --pairs "$TMPD/one.jsonl" --acts "$TMPD/wide20.safetensors"
limited $LIMIT 1 "memory|too large|would need" "train with the default m = 8d on d = 2^20: refused" \
	-- "$SAFER" train "$TMPD/ws20" --epochs 1
limited $LIMIT 1 "memory|too large|would need" "train with m = 8, batch 256 on d = 2^20: refused" \
	-- "$SAFER" train "$TMPD/ws20" --latents 8 --k 2 --epochs 1
# (Where training fits but encoding does not, the SAE is kept and the
# message says to encode later; a complete SAE is not a half-written file.)
[ ! -e "$TMPD/ws20/latents.bin" ] && "$SAFER" info "$TMPD/ws20" >/dev/null 2>&1
ok $? "refused training left no latents behind and the workspace opens"
left=$( (ls -A "$TMPD/ws20"; ls -A "$TMPD/ws20/sae") 2>/dev/null | grep -- '\.tmp')
[ -z "$left" ]
ok $? "no temporary files left behind ($left)"

# ---- SAE sizes: m, d, k ----------------------------------------------------
"$PYTHON3" "$gen" sae_m "$TMPD/sae_m.safetensors"
kb=$(($(stat -c %s "$TMPD/sae_m.safetensors") / 1024 + LIMIT))
limited $kb 1 "sae_m.safetensors" "SAE with m = 2^28 (a 32 GB file) refused before allocating" \
	-- "$SAFER" load-sae "$ws" "$TMPD/sae_m.safetensors"
"$PYTHON3" "$gen" sae_d "$TMPD/sae_d.safetensors"
kb=$(($(stat -c %s "$TMPD/sae_d.safetensors") / 1024 + LIMIT))
limited $kb 1 "sae_d.safetensors" "SAE with d = 2^30 (a 16 GB file) refused before allocating" \
	-- "$SAFER" load-sae "$ws" "$TMPD/sae_d.safetensors"
mkdir -p "$TMPD/cfgk" "$TMPD/cfgm"
cp "$ws/sae/sae.safetensors" "$TMPD/cfgk/" && cp "$ws/sae/sae.safetensors" "$TMPD/cfgm/"
"$PYTHON3" - "$ws/sae/cfg.json" "$TMPD" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for key, val, d in (("k", 2**31 - 1, "cfgk"), ("num_latents", 10**12, "cfgm")):
    c2 = dict(c)
    c2[key] = val
    json.dump(c2, open("%s/%s/cfg.json" % (sys.argv[2], d), "w"))
PY
limited $LIMIT 1 "cfg.json.*k" "cfg.json with k = 2^31-1 refused" \
	-- "$SAFER" load-sae "$ws" "$TMPD/cfgk"
limited $LIMIT 1 "cfg.json" "cfg.json with num_latents = 10^12 refused" \
	-- "$SAFER" load-sae "$ws" "$TMPD/cfgm"
diff -r "$ws/sae" "$TMPD/sae.before" >/dev/null
ok $? "the workspace's SAE is untouched by the refused imports"

# ---- numbers on the command line -------------------------------------------
limited $LIMIT 2 "latents" "train --latents 2000000000 is a usage error" \
	-- "$SAFER" train "$ws" --latents 2000000000 --k 4
limited $LIMIT 2 "k" "train --k 1000000000 is a usage error" \
	-- "$SAFER" train "$ws" --latents 32 --k 1000000000
limited $LIMIT 2 "batch" "train --batch 10^12 is a usage error" \
	-- "$SAFER" train "$ws" --batch 1000000000000
limited $LIMIT 2 "-n" "top -n 10^12 is a usage error" -- "$SAFER" top "$ws" 1 -n 1000000000000
limited $LIMIT 2 "FEATURE|feature" "top of feature 10^11 is a usage error" \
	-- "$SAFER" top "$ws" 99999999999
limited $LIMIT 1 "feature" "label of feature 2^31 refused" -- "$SAFER" label "$ws" 2147483648 --name x

# ---- lines and files of absurd length --------------------------------------
# a pairs line longer than the 64 MB cap
"$PYTHON3" -c "
import sys
with open(sys.argv[1], 'w') as f:
    f.write('{\"prompt\": \"' + 'a' * (65 << 20) + '\", \"chosen\": \"c\", \"rejected\": \"r\"}\n')
" "$TMPD/longline.jsonl"
limited $LIMIT 1 "longline.jsonl:1.*(limit|long)" "a 65 MB pairs line refused by the line cap" \
	-- "$SAFER" init "$TMPD/wsll" --pairs "$TMPD/longline.jsonl" --acts "$TMPD/data/acts.safetensors"
# a 4 GB labels.msgpack (sparse) is refused by size, not read
cp "$ws/labels.msgpack" "$TMPD/labels.keep" 2>/dev/null
truncate -s 4G "$ws/labels.msgpack"
limited $LIMIT 1 "labels.msgpack" "a 4 GB labels file refused by its size" -- "$SAFER" labels "$ws"
rm -f "$ws/labels.msgpack"
[ -f "$TMPD/labels.keep" ] && cp "$TMPD/labels.keep" "$ws/labels.msgpack"
# a manifest of 4 GB
cp "$ws/manifest.msgpack" "$TMPD/manifest.keep"
truncate -s 4G "$ws/manifest.msgpack"
limited $LIMIT 1 "manifest" "a 4 GB manifest refused by its size" -- "$SAFER" info "$ws"
cp "$TMPD/manifest.keep" "$ws/manifest.msgpack"
done_testing
