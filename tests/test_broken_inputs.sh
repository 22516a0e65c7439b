#!/bin/sh
# The broken-input corpus (tests/broken/, made by make_broken.py): every
# file must make `safer init` exit 1 with one line on stderr naming the
# file and the problem - never a crash - and leave no workspace behind.
. "$srcdir/tests/lib.sh"
B="$srcdir/tests/broken"
GOODP="$B/good.jsonl"
GOODA="$B/good.safetensors"
n=0

# acts FILE PATTERN: init with the good pairs and a broken activation file.
acts() {
	n=$((n + 1))
	expect_fail 1 "$1.*$2" "acts $1: $2" -- "$SAFER" init "$TMPD/ws$n" --pairs "$GOODP" --acts "$B/$1"
	[ ! -e "$TMPD/ws$n" ]
	ok $? "acts $1: no workspace left behind"
}

# pairs FILE PATTERN: init with a broken pairs file and the good activations.
pairs() {
	n=$((n + 1))
	expect_fail 1 "$1.*$2" "pairs $1: $2" -- "$SAFER" init "$TMPD/ws$n" --pairs "$B/$1" --acts "$GOODA"
	[ ! -e "$TMPD/ws$n" ]
	ok $? "pairs $1: no workspace left behind"
}

acts empty.safetensors 'truncated: 0 bytes'
acts tiny.safetensors 'truncated: 5 bytes'
acts truncated.safetensors 'header length .* past the end|outside the data block'
acts hdr_past_eof.safetensors 'runs past the end'
acts hdr_huge.safetensors 'exceeds the .*-byte limit'
acts hdr_not_json.safetensors 'not valid JSON'
acts shape_negative.safetensors 'shape\[0\] is not a non-negative integer'
acts shape_huge.safetensors 'needs'
acts shape_overflow.safetensors 'overflows'
acts shape_float.safetensors 'shape\[0\] is not a non-negative integer'
acts offsets_outside.safetensors 'outside the data block'
acts offsets_overlap.safetensors 'overlap'
acts nbytes_mismatch.safetensors 'data bytes, but F16'
acts dtype_unknown.safetensors 'unknown dtype "F8_E4M3"'
acts meta_not_string.safetensors '__metadata__ value of "layer" is not a string'
acts pair_wrong_dtype.safetensors 'tensor "pair" has dtype I64, expected I32'
acts side_wrong_dtype.safetensors 'tensor "side" has dtype I32, expected U8'
acts acts_int.safetensors 'tensor "acts" has dtype I32, expected F32, F16 or BF16'
acts acts_1d.safetensors 'tensor "acts" has 1 dimensions, expected 2'
acts missing_tok_off.safetensors 'missing tensor "tok_off"'
acts missing_acts.safetensors 'missing tensor "acts"'
acts index_short.safetensors 'tensor "pos" has 62 entries, expected 63'
acts unsorted_rows.safetensors 'row 4: rows not sorted by \(pair, side, pos\)'
acts duplicate_rows.safetensors 'row 4: rows not sorted'
acts pair_out_of_range.safetensors 'pair index 7 out of range \(the pairs file has 7 pairs\)'
acts pair_negative.safetensors 'row 0: pair index -1 out of range'
acts side_3.safetensors 'side value 3'
acts tok_off_not_monotone.safetensors 'tok_off not monotone at row 5'
acts tok_off_past_end.safetensors 'tok_off\[63\] is .* but tok_bytes holds'
acts tok_off_start.safetensors 'tok_off\[0\] is 1, must be 0'
acts nan_row.safetensors 'row 9 \(pair 1, prompt, pos 0\) holds NaN at column 2'
acts inf_row_f32.safetensors 'row 11 \(pair 1, prompt, pos 2\) holds an infinite value at column 0'
acts no_such_file.safetensors 'cannot open'

pairs empty.jsonl 'no pairs'
pairs bad_json_line.jsonl ':4: invalid JSON'
pairs missing_field.jsonl ':3: missing field "rejected"'
pairs missing_prompt.jsonl ':2: missing field "prompt"'
pairs wrong_type.jsonl ':5: field "chosen" is not a string'
pairs non_utf8.jsonl ':6: not valid UTF-8'
pairs id_float.jsonl ':1: field "id" must be a string or an integer'
pairs split_bad.jsonl ':7: field "split" must be "train" or "test"'
pairs pku_bad_id.jsonl ':4: field "safer_response_id" must be 0 or 1'
pairs not_object.jsonl ':3: not a JSON object'
pairs category_not_string.jsonl ':1: field "category" is not a string'
pairs duplicate_key.jsonl ':2: invalid JSON: duplicate'

done_testing
