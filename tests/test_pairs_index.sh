#!/bin/sh
# The pairs index (WS/pairs.bin): made at init, used by later opens,
# rebuilt or refused when damaged, redone when the file changes; the
# bounds on one record, unique ids, pairs without activation rows; and
# the tensor cap of safetensors headers.
. "$srcdir/tests/lib.sh"
good=$srcdir/tests/broken
acts=$good/good.safetensors
cp "$good/good.jsonl" "$TMPD/pairs.jsonl"
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs "$TMPD/pairs.jsonl" --acts "$acts" >/dev/null 2>"$TMPD/err"
ok $? "init"
[ -s "$ws/pairs.bin" ] && head -c 8 "$ws/pairs.bin" | grep -q SAFERCA1
ok $? "init writes the pairs index as a workspace cache"
"$SAFER" info "$ws" >"$TMPD/info1"
ok $? "info with the index"
"$SAFER" score "$ws" >/dev/null 2>&1 || true # any writable open refreshes the index

# a damaged index: refused read-only, rebuilt otherwise
cp "$ws/pairs.bin" "$TMPD/pairs.bin.good"
printf 'XXXX' | dd of="$ws/pairs.bin" bs=1 seek=200 conv=notrunc 2>/dev/null
expect_fail 1 "pairs.bin: damaged.*read-only" "a damaged index is refused read-only" -- \
	"$SAFER" info "$ws"
"$SAFER" labels "$ws" >/dev/null 2>&1
cmp -s "$ws/pairs.bin" "$TMPD/pairs.bin.good"
"$SAFER" info "$ws" >"$TMPD/info2" 2>&1 && cmp -s "$TMPD/info1" "$TMPD/info2"
ok $? "after a writable open the index is rebuilt and info says the same"

# the same bytes with a new mtime: hashed again and taken
touch -d '2001-01-01' "$TMPD/pairs.jsonl"
"$SAFER" info "$ws" >"$TMPD/info3" 2>&1 && cmp -s "$TMPD/info1" "$TMPD/info3"
ok $? "a touched pairs file with the same contents is accepted"
# other bytes of the same size: the fingerprint says so
sed 's/bake bread/bake BREAD/' "$good/good.jsonl" >"$TMPD/pairs.jsonl"
expect_fail 1 "pairs.jsonl: changed since the workspace was made" \
	"changed contents are found (same size, index still there)" -- "$SAFER" info "$ws"

# ids must be unique
{ cat "$good/good.jsonl"; printf '{"id": "a1", "prompt": "p", "chosen": "c", "rejected": "r"}\n'; } \
	>"$TMPD/dup.jsonl"
expect_fail 1 'dup.jsonl:9: id "a1" repeats the id of line 1' \
	"a repeated id is refused naming both lines" -- \
	"$SAFER" init "$TMPD/wsd" --pairs "$TMPD/dup.jsonl" --acts "$acts"
[ ! -e "$TMPD/wsd" ]
ok $? "and no workspace is left behind"
# 2 and "2" are different ids
{ cat "$good/good.jsonl"; printf '{"id": "2", "prompt": "p", "chosen": "c", "rejected": "r"}\n'; } \
	>"$TMPD/two.jsonl"
"$SAFER" init "$TMPD/ws2" --pairs "$TMPD/two.jsonl" --acts "$acts" >/dev/null 2>&1
ok $? "an integer id and the string of its digits differ"

# a pair with no activation rows: noted at init and by info
{ cat "$good/good.jsonl"; printf '{"id": "norows", "prompt": "p", "chosen": "c", "rejected": "r"}\n'; } \
	>"$TMPD/extra.jsonl"
"$SAFER" init "$TMPD/wsx" --pairs "$TMPD/extra.jsonl" --acts "$acts" >/dev/null 2>"$TMPD/err"
grep -q 'note: 1 of 8 pairs have no activation rows for a response: 7 (id "norows")' "$TMPD/err"
ok $? "init notes the pair without rows, by index and id"
"$SAFER" info "$TMPD/wsx" 2>"$TMPD/err" | grep -q "^pairs.without_rows	1$" &&
	grep -q "no activation rows" "$TMPD/err"
ok $? "info counts it (pairs.without_rows 1) and names it on stderr"
"$SAFER" init "$TMPD/ws0" --pairs "$good/good.jsonl" --acts "$acts" >/dev/null 2>"$TMPD/err" &&
	! grep -q "no activation rows" "$TMPD/err" &&
	"$SAFER" info "$TMPD/ws0" 2>/dev/null | grep -q "^pairs.without_rows	0$"
ok $? "pairs.without_rows is 0 when every pair has rows"

# one record of a million empty objects: refused by its bounds, in
# little memory (jansson alone would take gigabytes)
"$PYTHON3" -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\", \"x\": [" +
            ",".join(["{}"] * 4000000) + "]}\n")' "$TMPD/many.jsonl"
run_capped 1000000 "$SAFER" init "$TMPD/wsm" --pairs "$TMPD/many.jsonl" --acts "$acts" \
	>/dev/null 2>"$TMPD/err"
rc=$?
[ $rc -eq 1 ] && grep -q "many.jsonl:1: more than 100000 JSON values in one record" "$TMPD/err"
ok $? "a 12 MB record of 4M values is refused in under 1 GB (exit $rc: $(head -c 200 "$TMPD/err"))"
"$PYTHON3" -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\", \"x\": " +
            "[" * 100 + "]" * 100 + "}\n")' "$TMPD/deep.jsonl"
expect_fail 1 "deep.jsonl:1: values nested deeper than 64 levels" "deep nesting is refused" -- \
	"$SAFER" init "$TMPD/wsn" --pairs "$TMPD/deep.jsonl" --acts "$acts"
"$PYTHON3" -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\", \"id\": \"%s\"}\n" % ("i" * 5000))' \
	"$TMPD/longid.jsonl"
expect_fail 1 'longid.jsonl:1: field "id" is longer than 4094 bytes' "a huge id is refused" -- \
	"$SAFER" init "$TMPD/wsl" --pairs "$TMPD/longid.jsonl" --acts "$acts"

# safetensors: at most 4096 tensors, counted before the header is parsed
"$PYTHON3" -c '
import json, struct, sys
n = int(sys.argv[2])
h = json.dumps({"t%d" % i: {"dtype": "U8", "shape": [0], "data_offsets": [0, 0]}
                for i in range(n)}).encode()
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h)' "$TMPD/many.safetensors" 300000
run_capped 1000000 "$SAFER" init "$TMPD/wst" --pairs "$good/good.jsonl" \
	--acts "$TMPD/many.safetensors" >/dev/null 2>"$TMPD/err"
rc=$?
[ $rc -eq 1 ] && grep -q "many.safetensors: header lists more than 4096 tensors" "$TMPD/err" &&
	[ "$(wc -l <"$TMPD/err")" -eq 1 ]
ok $? "a header of 300,000 empty tensors is refused by the tensor cap (exit $rc)"
done_testing
