#!/bin/sh
# Activations in shards: a workspace made from the shards of a file, given
# one by one in any order or as their directory, reads the same rows as
# one made from the file itself, and so gives the same SAE, statistics,
# tops, scores, plans and evaluation. A set whose shards disagree (width,
# dtype, metadata, overlapping rows) or hold a NaN is refused, naming the
# shard; a shard that changes after init is caught like a changed file.
. "$srcdir/tests/lib.sh"
cd "$TMPD" || exit 1
"$PYTHON3" "$srcdir/tests/harden_fixture.py" data --pairs 48 >/dev/null || exit 1
"$PYTHON3" "$srcdir/tests/shard_fixture.py" data/acts.safetensors sh 3 >sh.rows
ok $? "the file split into 3 shards of pairs ($(tr '\n' ' ' <sh.rows))"
P=data/pairs.jsonl

"$SAFER" init M --pairs $P --acts data/acts.safetensors >M.init 2>&1
ok $? "init on the merged file"
"$SAFER" init D --pairs $P --acts sh >D.init 2>&1
ok $? "init on the directory of shards"
grep -q "864 rows in 3 shards" D.init
ok $? "init says the rows come in 3 shards ($(cat D.init))"
"$SAFER" init L --pairs $P --acts sh/part-002.safetensors --acts sh/part-000.safetensors \
	--acts=sh/part-001.safetensors >/dev/null 2>&1
ok $? "init on the shards listed out of order"
"$SAFER" info L >L.info 2>/dev/null && grep -qx "acts_files	3" L.info &&
	grep -qx "acts_file	$TMPD/sh/part-000.safetensors" L.info &&
	grep -qx "rows	864" L.info
ok $? "info: 3 files, the first in row order, 864 rows"
"$SAFER" info M | grep -v "^workspace\|^acts_file\|^fingerprint" >M.info
"$SAFER" info D | grep -v "^workspace\|^acts_file\|^fingerprint" >D.info
cmp -s M.info D.info
ok $? "info (rows per side, metadata, pairs without rows) is the merged file's"

# the same results: train in each (same seed), then every result
snap() {
	local w=$1 s=$1.snap
	mkdir -p "$s"
	"$SAFER" train "$w" --latents 64 --k 4 --epochs 2 >/dev/null 2>&1 &&
		cp "$w/sae/sae.safetensors" "$s/sae" &&
		"$SAFER" stats "$w" >"$s/stats" 2>/dev/null &&
		"$SAFER" top "$w" 40 -n 8 >"$s/top" 2>/dev/null &&
		"$SAFER" top "$w" 40 --side rejected -n 8 >"$s/topr" 2>/dev/null &&
		"$SAFER" score "$w" --all --format json >"$s/score" 2>/dev/null &&
		"$SAFER" plan "$w" --poison 0.05 2>/dev/null | sed 's/"fingerprint": "[0-9a-f]*"//' \
			>"$s/poison" &&
		"$SAFER" plan "$w" --denoise 0.1 --out "$w.denoise.jsonl" >/dev/null 2>&1 &&
		sed 's/"fingerprint": "[0-9a-f]*"//' "$w.denoise.jsonl" >"$s/denoise" &&
		"$SAFER" eval "$w" --plan "$w.denoise.jsonl" --seeds 2 >"$s/eval" 2>/dev/null
	ok $? "$w: train, stats, top, score, plan, eval"
}
for w in M D L; do snap $w; done
[ -s M.snap/stats ] && [ "$(wc -l <M.snap/stats)" -gt 10 ] && [ -s M.snap/poison ]
ok $? "the merged workspace gives results to compare"
for w in D L; do
	bad=
	for f in sae stats top topr score poison denoise eval; do
		cmp -s M.snap/$f $w.snap/$f || bad="$bad $f"
	done
	[ -z "$bad" ]
	ok $? "$w: the same SAE, statistics, tops, scores, plans and evaluation as the merged file${bad:+ (differ:$bad)}"
done

# an output never goes over a shard
expect_fail 1 "part-001.safetensors.*activations" "plan --out over a shard is refused" -- \
	"$SAFER" plan D --poison 0.05 --out sh/part-001.safetensors

# broken sets
for b in overlap width meta nan dtype head samehead; do
	"$PYTHON3" "$srcdir/tests/shard_fixture.py" data/acts.safetensors bad-$b 3 --break $b >/dev/null
done
expect_fail 1 "bad-overlap/part-002.safetensors: rows overlap those of .*part-001.safetensors" \
	"overlapping shards are refused, naming both" -- "$SAFER" init X --pairs $P --acts bad-overlap
expect_fail 1 "bad-width/part-002.safetensors: acts are F32 of width 15 but .* width 16" \
	"a shard of another width is refused" -- "$SAFER" init X --pairs $P --acts bad-width
expect_fail 1 "bad-dtype/part-002.safetensors: acts are F16 of width 16 but .* holds F32" \
	"a shard of another dtype is refused" -- \
	"$SAFER" init X --pairs $P --acts sh/part-000.safetensors --acts bad-dtype/part-002.safetensors
expect_fail 1 'bad-meta/part-002.safetensors: metadata "model" is "another-model"' \
	"a shard of another model is refused" -- "$SAFER" init X --pairs $P --acts bad-meta
expect_fail 1 "bad-head/part-002.safetensors: its reward_head is not .*part-000.safetensors's" \
	"a shard with another reward head is refused" -- "$SAFER" init X --pairs $P --acts bad-head
"$SAFER" init H --pairs $P --acts bad-samehead >/dev/null 2>&1 &&
	"$SAFER" head H --format json 2>/dev/null | grep -q '"head": *"own"'
ok $? "shards that all carry the reward model's head give it as the own head"
expect_fail 1 "bad-nan/part-002.safetensors: row 1 \(pair 32, .*\) holds NaN at column 3" \
	"a NaN is named by its shard and its row there" -- "$SAFER" init X --pairs $P --acts bad-nan
expect_fail 1 "part-000.safetensors: given twice" "a shard given twice is refused" -- \
	"$SAFER" init X --pairs $P --acts sh --acts sh/part-000.safetensors
mkdir empty
expect_fail 1 "empty: holds no \*.safetensors shards" "a directory without shards is refused" -- \
	"$SAFER" init X --pairs $P --acts empty
[ ! -e X ]
ok $? "no failed init left a workspace behind"

# a shard changed after init
cp -r sh sh2 && "$SAFER" init C --pairs $P --acts sh2 >/dev/null 2>&1 &&
	cp bad-meta/part-002.safetensors sh2/part-002.safetensors
expect_fail 1 "sh2/part-002.safetensors: changed since the workspace was made" \
	"a shard changed after init is named" -- "$SAFER" info C
done_testing
