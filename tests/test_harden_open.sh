#!/bin/sh
# Edit lists at the edges: printed on a terminal, and a huge line.
#
# 1. safer plan WS --poison R without --out writes the edit list as JSONL
# to stdout; on a terminal, ids must go out as ASCII escapes, so bidi
# overrides (U+202E), DEL and other controls never reach the screen.
. "$srcdir/tests/lib.sh"
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" --hostile || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
	>/dev/null 2>&1 && "$SAFER" train "$ws" --latents 64 --k 4 --epochs 2 >/dev/null 2>&1
ok $? "hostile workspace created and an SAE trained"
script -qec "'$SAFER' plan '$ws' --poison 0.3" /dev/null </dev/null >"$TMPD/tty.out" 2>&1
"$PYTHON3" "$srcdir/tests/term_check.py" "$TMPD/tty.out" >"$TMPD/check.out"
ok $? "safer plan (JSONL on the terminal): nothing raw on the terminal"
cat "$TMPD/check.out"

# 2. An edit list whose first line is 2 GB long (a sparse file of zeros):
# reading it must fail with a message, within a 1 GB address-space limit -
# the line cap is checked while reading, and no failed read is taken for
# the end of the file (which would read the plan as empty and succeed).
truncate -s 2G "$TMPD/huge.jsonl"
run_capped 1000000 "$SAFER" export "$ws" --plan "$TMPD/huge.jsonl" \
	--out "$TMPD/edited.jsonl" >/dev/null 2>"$TMPD/err"
rc=$?
[ $rc -eq 1 ] && grep -q "huge.jsonl" "$TMPD/err" && [ ! -e "$TMPD/edited.jsonl" ]
ok $? "export with a 2 GB edit-list line: refused, nothing written (exit $rc)"
done_testing
