#!/bin/sh
# JumpReLU and ReLU SAEs, and SAELens's options, as SAELens and sparsify
# save them (tests/sae_kinds_ref.py, a numpy stand-in of their save code):
# each loads, and the statistics safer computes on the varying number of
# active latents per row equal an independent numpy encoder's; the
# refusals say why.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-/usr/bin/python3}
REF=$srcdir/tests/sae_kinds_ref.py
"$PY" "$REF" "$TMPD/in" >/dev/null
ok $? "reference script writes the SAEs and the statistics"
WS=$TMPD/ws
"$SAFER" init "$WS" --pairs "$TMPD/in/data/pairs.jsonl" --acts "$TMPD/in/data/acts.safetensors" >/dev/null
ok $? "init the workspace (d 16, layer blocks.3.hook_resid_post)"

for name in jump_none std_none std_ln jump_cnr jump_eavg std_eavg_est std_nobdec jump_pre6; do
	"$SAFER" load-sae "$WS" "$TMPD/in/$name" >"$TMPD/out" 2>"$TMPD/err"
	ok $? "$name: loads"
	for rows in sentence all; do
		"$SAFER" stats "$WS" --rows $rows --sort id >"$TMPD/stats" 2>/dev/null &&
			"$PY" "$REF" check "$TMPD/in/$name.$rows.tsv" "$TMPD/stats" 2e-4 >"$TMPD/cmp"
		ok $? "$name: statistics on $rows rows equal numpy's ($(tail -1 "$TMPD/cmp"))"
	done
done
grep -q "JumpReLU" "$TMPD/out" 2>/dev/null || "$SAFER" load-sae "$WS" "$TMPD/in/jump_none" | grep -q "JumpReLU"
ok $? "load-sae names the kind"
"$SAFER" load-sae "$WS" "$TMPD/in/std_eavg_est" 2>"$TMPD/err" >/dev/null
grep -q "note: the SAE gives no activation scale (expected_average_only_in): estimated as SAELens does" "$TMPD/err"
ok $? "a scale neither cfg.json nor activation_scaler.json gives is estimated, saying so"
"$SAFER" load-sae "$WS" "$TMPD/in/jump_eavg" 2>"$TMPD/err" >/dev/null
! grep -q "estimated" "$TMPD/err"
ok $? "activation_scaler.json's scale is used as it is"
"$SAFER" info "$WS" | grep -q "^latents"
ok $? "info after a JumpReLU SAE"

# the latents hold a varying count per row: the cache reopens and a damaged
# one is rebuilt to the same statistics
"$SAFER" load-sae "$WS" "$TMPD/in/jump_cnr" >/dev/null 2>&1
"$SAFER" stats "$WS" --sort id >"$TMPD/s1" 2>/dev/null
"$SAFER" encode "$WS" | grep -q "up to date"
ok $? "the varying latents cache is current after stats"
printf 'x' | dd of="$WS/latents.bin" bs=1 seek=300 conv=notrunc 2>/dev/null
rm -f "$WS"/stats-*.bin "$WS"/index.bin
"$SAFER" stats "$WS" --sort id >"$TMPD/s2" 2>"$TMPD/err"
cmp -s "$TMPD/s1" "$TMPD/s2" && grep -q "was damaged and has been rebuilt" "$TMPD/err"
ok $? "a damaged varying latents cache is rebuilt to the same statistics"
"$SAFER" stats "$WS" --sort id --read-only >"$TMPD/s3" 2>/dev/null
cmp -s "$TMPD/s1" "$TMPD/s3"
ok $? "read-only: the cache is read as it is"
rm -f "$WS/latents.bin" "$WS"/stats-*.bin "$WS"/index.bin
"$SAFER" stats "$WS" --sort id --read-only >"$TMPD/s4" 2>/dev/null
cmp -s "$TMPD/s1" "$TMPD/s4"
ok $? "read-only without a cache: encoded in memory, the same statistics"
"$SAFER" top "$WS" "$(sed -n 2p "$TMPD/s1" | cut -f1)" -n 3 >/dev/null
ok $? "top reads the varying latents"

expect_fail 1 'SAE hook "blocks.7.hook_resid_post" is not the workspace.s layer 4 \(blocks.3.hook_resid_post, layers.3, hidden_states\[4\]\); --force' \
	"a hook that is not the workspace's layer is refused, naming both" -- "$SAFER" load-sae "$WS" "$TMPD/in/bad_hook"
"$SAFER" load-sae "$WS" "$TMPD/in/bad_hook" --force >/dev/null 2>&1
ok $? "--force loads it anyway"
expect_fail 1 'architecture "batchtopk" is a training checkpoint.*jumprelu' \
	"a BatchTopK training checkpoint is refused, saying how SAELens saves it" -- "$SAFER" load-sae "$WS" "$TMPD/in/bad_batchtopk"
expect_fail 1 '600.0 active latents per row on average over a sample of .* more than the 512' \
	"an SAE denser than the stated cap is refused" -- "$SAFER" load-sae "$WS" "$TMPD/in/bad_dense"
expect_fail 1 'a transcoder \("transcode": true\)' "a sparsify transcoder is refused, saying why" -- \
	"$SAFER" load-sae "$WS" "$TMPD/in/bad_transcode"
expect_fail 1 'has a skip connection .*bypasses the latents' \
	"a sparsify skip connection is refused, saying why" -- "$SAFER" load-sae "$WS" "$TMPD/in/bad_skip"
expect_fail 1 'skip connection \(tensor W_skip\)' "a W_skip tensor alone is refused too" -- \
	"$SAFER" load-sae "$WS" "$TMPD/in/bad_skip_tensor"
expect_fail 1 "cannot continue training a JumpReLU SAE" "train --continue refuses a JumpReLU SAE" -- \
	"$SAFER" train "$WS" --continue --epochs 1

# export-sae: written as SAELens / sparsify save, read back by load-sae as
# the same SAE, and by a numpy stand-in of each library's loader
WS2=$TMPD/ws2
"$SAFER" init "$WS2" --pairs "$TMPD/in/data/pairs.jsonl" --acts "$TMPD/in/data/acts.safetensors" >/dev/null
n=0
for src in jump_none std_ln jump_cnr train-standardize train-none; do
	case $src in
	train-*) "$SAFER" train "$WS" --latents 32 --k 4 --epochs 2 --batch 16 --seed 2 \
		--normalize "${src#train-}" >/dev/null 2>&1 ;;
	*) "$SAFER" load-sae "$WS" "$TMPD/in/$src" >/dev/null 2>&1 ;;
	esac
	"$SAFER" stats "$WS" --sort id >"$TMPD/before" 2>/dev/null
	fp=$(sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p' "$WS/sae/cfg.json")
	for layout in saelens sparsify; do
		case $src:$layout in jump*:sparsify|std*:sparsify|train-standardize:sparsify) continue ;; esac
		n=$((n + 1))
		out=$TMPD/exp$n
		"$SAFER" export-sae "$WS" --layout $layout --out "$out" >/dev/null 2>"$TMPD/err"
		ok $? "$src: export-sae --layout $layout"
		"$SAFER" load-sae "$WS2" "$out" >/dev/null 2>&1 &&
			"$SAFER" stats "$WS2" --sort id >"$TMPD/after" 2>/dev/null &&
			cmp -s "$TMPD/before" "$TMPD/after"
		ok $? "$src: load-sae reads the $layout files back to the same statistics"
		fp2=$(sed -n 's/.*"fingerprint": "\(.*\)".*/\1/p' "$WS2/sae/cfg.json")
		[ "$fp" = "$fp2" ]
		ok $? "$src: ... and the same SAE (fingerprint $fp)"
		"$PY" "$REF" reload "$out" "$TMPD/in/data" all "$TMPD/lib.tsv" &&
			"$SAFER" stats "$WS" --rows all --sort id >"$TMPD/ours" 2>/dev/null &&
			"$PY" "$REF" check "$TMPD/lib.tsv" "$TMPD/ours" 2e-4 >"$TMPD/cmp"
		ok $? "$src: $layout's own loader (numpy stand-in) gives the same statistics ($(tail -1 "$TMPD/cmp"))"
	done
done
grep -q "note: SAELens reads normalize_activations layer_norm with eps 1e-5" "$TMPD/err" ||
	{ "$SAFER" train "$WS" --latents 32 --k 4 --epochs 1 --batch 16 --normalize standardize >/dev/null 2>&1
	  "$SAFER" export-sae "$WS" --layout saelens --out "$TMPD/expn" 2>&1 >/dev/null | grep -q "eps 1e-5"; }
ok $? "export says where the library reads the SAE differently"
expect_fail 1 "exists; give a new directory" "export-sae refuses an existing directory" -- \
	"$SAFER" export-sae "$WS" --layout saelens --out "$TMPD/exp1"
expect_fail 1 "is inside the workspace" "export-sae refuses a directory inside the workspace" -- \
	"$SAFER" export-sae "$WS" --layout saelens --out "$WS/exported"
"$SAFER" load-sae "$WS" "$TMPD/in/jump_none" >/dev/null 2>&1
expect_fail 1 "sparsify holds TopK SAEs only; this one is JumpReLU" \
	"export-sae refuses a JumpReLU SAE for sparsify" -- "$SAFER" export-sae "$WS" --layout sparsify --out "$TMPD/nope"
[ ! -e "$TMPD/nope" ] && [ -z "$(ls -d "$TMPD"/nope.new-* 2>/dev/null)" ]
ok $? "a refused export leaves nothing behind"
expect_usage "--layout takes saelens or sparsify" "export-sae --layout checks its value" -- \
	"$SAFER" export-sae "$WS" --layout torch --out "$TMPD/x"
done_testing
