#!/bin/sh
# Text from datasets never reaches a terminal raw. A workspace whose
# prompts, responses, ids, categories, model name and token texts hold
# every C0 and C1 control, ESC/CSI/OSC/DCS/APC sequences, bidi overrides
# and isolates, and (in token bytes) invalid and overlong UTF-8, is run
# through every CLI path that prints dataset text - on a pty (script(1)),
# where the output is meant for a person. tests/term_check.py then looks
# at every byte the terminal received. Error messages that echo file
# content (a tensor name, a label name, a JSON token, a file name) are
# checked the same way.
. "$srcdir/tests/lib.sh"
check=$srcdir/tests/term_check.py
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" --hostile || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
	>/dev/null 2>&1 && "$SAFER" train "$ws" --latents 64 --k 4 --epochs 2 >/dev/null 2>&1
ok $? "hostile workspace created and an SAE trained"

# on_tty NAME CMD...: run CMD with stdout and stderr on a pty; every byte
# that reached the terminal must be harmless.
on_tty() {
	local name=$1 cmd="" a
	shift
	for a in "$@"; do
		cmd="$cmd '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
	done
	script -qec "$cmd" /dev/null </dev/null >"$TMPD/tty.out" 2>&1
	local rc=$?
	"$PYTHON3" "$check" "$TMPD/tty.out" >"$TMPD/check.out"
	ok $? "$name: nothing raw on the terminal (exit $rc, $(wc -c <"$TMPD/tty.out") bytes)"
	cat "$TMPD/check.out"
	return 0
}

# Hostile label text, set through the CLI (from a script, not a terminal).
esc=$(printf '\033')
"$SAFER" label "$ws" 3 --name "${esc}[2J${esc}]0;title$(printf '\007')" \
	--note "$(printf '\342\200\256evil\302\233')" --safety 5 >/dev/null 2>&1
ok $? "a label name and note with escape sequences are stored"

on_tty "safer info" "$SAFER" info "$ws"
on_tty "safer stats" "$SAFER" stats "$ws"
on_tty "safer stats --format json" "$SAFER" stats "$ws" --format json
# the features that fire most, so that top has rows with hostile tokens
feats=$("$SAFER" stats "$ws" --format tsv 2>/dev/null | awk -F'\t' 'NR > 1 && NR <= 5 { print $1 }')
[ -n "$feats" ]
ok $? "stats lists features to look at ($(echo $feats))"
for f in $feats; do
	"$SAFER" top "$ws" "$f" -n 5 --format tsv 2>/dev/null | grep -q "$esc"
	ok $? "feature $f: top rows hold raw ESC when piped (the attack is there)"
	on_tty "safer top $f" "$SAFER" top "$ws" "$f" -n 5
	on_tty "safer top $f --side rejected --format json" "$SAFER" top "$ws" "$f" --side rejected --format json
done
on_tty "safer label (prints the label)" "$SAFER" label "$ws" 3
on_tty "safer labels" "$SAFER" labels "$ws"
on_tty "safer labels --format json" "$SAFER" labels "$ws" --format json
on_tty "safer score" "$SAFER" score "$ws"
on_tty "safer score --format json" "$SAFER" score "$ws" --format json
# `safer plan` without --out prints JSONL on the terminal: checked in
# tests/test_terminal_safety_open.sh until its ids are escaped there.
"$SAFER" plan "$ws" --poison 0.3 --out "$TMPD/plan.jsonl" >/dev/null 2>&1
on_tty "safer eval" "$SAFER" eval "$ws"
on_tty "safer export" "$SAFER" export "$ws" --plan "$TMPD/plan.jsonl" --out "$TMPD/edited.jsonl"
on_tty "safer labels --export" "$SAFER" labels "$ws" --export "$TMPD/labels.json"

# ---- error messages that quote what they read ------------------------------
mkdir -p "$TMPD/bad"
# a pairs line whose field has the wrong type, next to hostile text
printf '{"prompt": "\\u001b[2J", "chosen": "a", "rejected": 1, "x\\u001b]0;t\\u0007": 2}\n' \
	>"$TMPD/bad/pairs_type.jsonl"
# a pairs line that is not JSON, with raw ESC and C1 bytes at the error
printf '{"prompt": \033[2J\302\233 }\n' >"$TMPD/bad/pairs_notjson.jsonl"
# a safetensors file whose tensor name and dtype hold escape sequences
"$PYTHON3" - "$TMPD/bad" <<'PY'
import json, struct, sys
d = sys.argv[1]
def st(hdr, data=b""):
    h = json.dumps(hdr).encode()
    return struct.pack("<Q", len(h)) + h + data
open(d + "/name.safetensors", "wb").write(st(
    {"acts\u001b[2J\u202e": {"dtype": "F32", "shape": [1, 2], "data_offsets": [0, 9]}}, b"\0" * 8))
open(d + "/dtype.safetensors", "wb").write(st(
    {"acts": {"dtype": "\u001b]0;x\u0007\u009b", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4))
open(d + "/meta.safetensors", "wb").write(st(
    {"__metadata__": {"format": "\u001b[31msafer-acts/9\u202e"}}))
open(d + "/labels.json", "w").write(json.dumps(
    [{"feature": 1, "name": "\u001b[2J\u202e", "safety": 9}]))
open(d + "/labels_bad.json", "wb").write(b'[{"feature": 1, "name": \x1b[2J\xc2\x9b}]')
PY
for f in pairs_type.jsonl pairs_notjson.jsonl; do
	on_tty "init with bad $f" "$SAFER" init "$TMPD/ws_$f" --pairs "$TMPD/bad/$f" \
		--acts "$TMPD/data/acts.safetensors"
done
for f in name dtype meta; do
	on_tty "init with $f.safetensors" "$SAFER" init "$TMPD/ws_$f" \
		--pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/bad/$f.safetensors"
done
on_tty "labels --import, bad rating next to hostile name" "$SAFER" labels "$ws" --import "$TMPD/bad/labels.json"
on_tty "labels --import, not JSON" "$SAFER" labels "$ws" --import "$TMPD/bad/labels_bad.json"
on_tty "label with a hostile name set from the terminal" "$SAFER" label "$ws" 4 \
	--name "${esc}]52;c;aGk=$(printf '\007')"
# a file name is text from outside too (an unpacked archive)
hostile_name="$TMPD/bad/p${esc}[2J$(printf '\342\200\256').jsonl"
cp "$TMPD/bad/pairs_type.jsonl" "$hostile_name"
on_tty "init with a hostile file name" "$SAFER" init "$TMPD/ws_fn" --pairs "$hostile_name" \
	--acts "$TMPD/data/acts.safetensors"
on_tty "missing hostile file name" "$SAFER" init "$TMPD/ws_fn2" --pairs "$hostile_name.missing" \
	--acts "$TMPD/data/acts.safetensors"
done_testing
