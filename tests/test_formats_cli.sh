#!/bin/sh
# safer init / info: the happy path on every acts dtype, the table in TSV
# and JSON, usage errors (exit 2), refusals (exit 1, one line).
. "$srcdir/tests/lib.sh"
B="$srcdir/tests/broken"

for dt in good good_bf16 good_f32; do
	"$SAFER" init "$TMPD/$dt" --pairs "$B/good.jsonl" --acts "$B/$dt.safetensors" >"$TMPD/out" 2>"$TMPD/err"
	ok $? "init on $dt.safetensors"
	grep -q "7 pairs, 63 rows, d 8" "$TMPD/out"
	ok $? "init reports pairs, rows and d"
	[ ! -s "$TMPD/err" ]
	ok $? "init is quiet on stderr for a small file"
done

"$SAFER" info "$TMPD/good" >"$TMPD/info.tsv"
ok $? "info exits 0"
val() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$TMPD/info.tsv"; }
[ "$(head -1 "$TMPD/info.tsv")" = "$(printf 'key\tvalue')" ]
ok $? "TSV header line: key value"
check() {
	[ "$(val "$1")" = "$2" ]
	ok $? "info $1 = $2 (got '$(val "$1")')"
}
check pairs 7
check pairs.train 5
check pairs.test 2
check category.chat.train 2
check category.chat.test 1
check category.safety.train 2
check category.safety.test 1
check category..train 1
check rows 63
check rows.prompt 20
check rows.chosen 21
check rows.rejected 22
check rows.sentence_end 21
check d 8
check dtype F16
check model tiny-test-rm
check layer 3
check hook blocks.3.hook_resid_post
check d_model 8
check sae no
check latents no
check acts_file "$(cd "$B" && pwd -P)/good.safetensors"

"$SAFER" info "$TMPD/good_bf16" | grep -q "^dtype	BF16$"
ok $? "BF16 workspace says so"

"$SAFER" info "$TMPD/good" --format json >"$TMPD/info.json"
ok $? "info --format json exits 0"
"$PYTHON3" - "$TMPD/info.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
kv = {r["key"]: r["value"] for r in rows}
assert kv["pairs"] == 7 and kv["d"] == 8 and kv["hook"] == "blocks.3.hook_resid_post", kv
assert len(kv["fingerprint"]) == 16
PY
ok $? "JSON parses; numbers are numbers"

# info agrees with the other commands: files that only carry the names
# are no SAE (the reason on stderr) and no latents.
mkdir -p "$TMPD/good/sae" &&
	touch "$TMPD/good/sae/cfg.json" "$TMPD/good/sae/sae.safetensors" "$TMPD/good/latents.bin"
"$SAFER" info "$TMPD/good" >"$TMPD/info.out" 2>"$TMPD/info.err"
[ $? -eq 0 ] && [ "$(grep -c -E "^(sae|latents)	no$" "$TMPD/info.out")" -eq 2 ] &&
	[ "$(wc -l <"$TMPD/info.err")" -eq 1 ] && grep -q "^safer: note: .*sae" "$TMPD/info.err"
ok $? "info: empty SAE files are no SAE, and stderr says why ($(cat "$TMPD/info.err"))"
"$SAFER" encode "$TMPD/good" >/dev/null 2>"$TMPD/enc.err"
[ $? -eq 1 ] && grep -qF "$(sed 's/^safer: note: //' "$TMPD/info.err")" "$TMPD/enc.err"
ok $? "encode refuses that SAE with the same message"
"$SAFER" stats "$TMPD/good" >/dev/null 2>&1
[ $? -eq 1 ]
ok $? "and so does stats"
rm -f "$TMPD/good/sae/sae.safetensors"
"$SAFER" info "$TMPD/good" 2>"$TMPD/info.err" | grep -c -E "^(sae|latents)	no$" | grep -qx 2 &&
	[ ! -s "$TMPD/info.err" ]
ok $? "info: a cfg.json alone is no SAE, as for the commands"
rm -rf "$TMPD/good/sae" "$TMPD/good/latents.bin"

# usage errors: exit 2, the problem first, then a hint (may be two lines)
usage() {
	pat=$1 name=$2
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] && printf '%s\n' "$err" | head -1 | grep -Eq -- "$pat"
	ok $? "$name (exit $rc)"
}
usage "--pairs" "init without --acts: usage error" -- "$SAFER" init "$TMPD/x" --pairs "$B/good.jsonl"
usage "workspace" "init without a directory: usage error" -- "$SAFER" init --pairs "$B/good.jsonl" --acts "$B/good.safetensors"
usage "unknown option" "init with an unknown option" -- "$SAFER" init "$TMPD/x" --pairs "$B/good.jsonl" --acts "$B/good.safetensors" --bogus
usage "tsv or json" "info --format xml" -- "$SAFER" info "$TMPD/good" --format xml
usage "workspace" "info without a directory" -- "$SAFER" info
expect_fail 1 "already a workspace" "init over a workspace" -- "$SAFER" init "$TMPD/good" --pairs "$B/good.jsonl" --acts "$B/good.safetensors"
mkdir "$TMPD/full" && touch "$TMPD/full/something"
expect_fail 1 "full: directory is not empty" "init into a non-empty directory" -- "$SAFER" init "$TMPD/full" --pairs "$B/good.jsonl" --acts "$B/good.safetensors"
expect_fail 1 "not a workspace" "info on a plain directory" -- "$SAFER" info "$TMPD/full"
expect_fail 1 "nope: cannot open workspace" "info on a missing directory" -- "$SAFER" info "$TMPD/nope"
"$SAFER" init --help | grep -q -- "--pairs"
ok $? "init --help"
"$SAFER" help info | grep -q "key value"
ok $? "help info"

# inputs changed after init: info refuses, naming the file
cp "$B/good.jsonl" "$TMPD/p.jsonl"
"$SAFER" init "$TMPD/ws2" --pairs "$TMPD/p.jsonl" --acts "$B/good.safetensors" >/dev/null
echo '{"prompt":"p","chosen":"c","rejected":"r"}' >>"$TMPD/p.jsonl"
expect_fail 1 "p.jsonl: changed since the workspace was made" "changed pairs file" -- "$SAFER" info "$TMPD/ws2"

# Pairs are parsed on several threads: the first bad line of the file is
# the one named, whatever the thread count.
"$PYTHON3" -c '
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        bad = i in (int(sys.argv[2]) - 1, 2499)
        f.write("{\"prompt\": \"x\", \"chosen\": 1}\n" if bad else
                json.dumps({"prompt": "p%d" % i, "chosen": "c", "rejected": "r"}) + "\n")
' "$TMPD/many.jsonl" 100
for t in 1 2 4; do
	expect_fail 1 "many.jsonl:100: field \"chosen\" is not a string" \
		"first bad line named with $t threads" -- \
		env OPENBLAS_NUM_THREADS=$t "$SAFER" init "$TMPD/many$t" --pairs "$TMPD/many.jsonl" \
		--acts "$B/good.safetensors"
done
"$PYTHON3" -c '
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write("{\"prompt\": \"x\", \"chosen\": 1}\n" if i == 2499 else
                json.dumps({"prompt": "p%d" % i, "chosen": "c", "rejected": "r"}) + "\n")
' "$TMPD/late.jsonl"
expect_fail 1 "late.jsonl:2500: field" "a bad line in the second thread's share is named" -- \
	env OPENBLAS_NUM_THREADS=2 "$SAFER" init "$TMPD/late" --pairs "$TMPD/late.jsonl" \
	--acts "$B/good.safetensors"

done_testing
