#!/bin/sh
# The engine session (tests/test_session.c) on a small generated workspace
# that has an SAE but no latents, and on one without an SAE.
. "$srcdir/tests/lib.sh"
gen=${top_builddir:-.}/sample-data/safer-sample-gen
"$gen" --out "$TMPD/data" --pairs 120 >/dev/null 2>&1 &&
	"$SAFER" init "$TMPD/ws" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
		>/dev/null 2>&1 &&
	"$SAFER" init "$TMPD/bare" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
		>/dev/null 2>&1 &&
	"$SAFER" train "$TMPD/ws" --latents 64 --k 4 --epochs 2 >/dev/null 2>&1 &&
	rm -f "$TMPD/ws/latents.bin" "$TMPD/ws/index.bin" "$TMPD/ws"/stats-*.bin
if [ $? -ne 0 ]; then
	echo "not ok 1 - fixture workspace"
	echo "1..1"
	exit 1
fi
exec "${top_builddir:-.}/tests/test_session" "$TMPD/ws" "$TMPD/bare"
