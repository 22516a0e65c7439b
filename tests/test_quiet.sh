#!/bin/sh
# --quiet, anywhere on the command line, silences the progress on stderr
# and nothing else: the output is the same, errors still print.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/labels_sae_fixture.py" in >/dev/null &&
	"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" load-sae ws in/saeA >/dev/null 2>&1
ok $? "a workspace with an SAE"
progress() { grep -cE '^[a-z ]+: [0-9]+%' "$1"; }

"$SAFER" stats ws --read-only >out1 2>err1
ok $? "stats --read-only"
[ "$(progress err1)" -gt 0 ]
ok $? "without --quiet, progress lines on stderr ($(progress err1))"
"$SAFER" stats ws --read-only --quiet >out2 2>err2
ok $? "stats --read-only --quiet"
[ "$(progress err2)" -eq 0 ] && cmp -s out1 out2
ok $? "with --quiet after the command: no progress, the same table"
"$SAFER" --quiet stats ws --read-only >out3 2>err3
[ "$(progress err3)" -eq 0 ] && cmp -s out1 out3
ok $? "with --quiet before the command: the same"
"$SAFER" --quiet train ws --epochs 1 --latents 16 --k 4 >out4 2>err4
ok $? "train --quiet"
[ "$(progress err4)" -eq 0 ] && grep -q NMSE out4
ok $? "train --quiet: its summary, no progress"
"$SAFER" label ws 3 --name=--quiet >out5
ok $? "label --name=--quiet"
grep -q -- '--quiet' out5
ok $? "--quiet as part of an option's value is a value"
expect_fail 1 "no such file|cannot|not" "errors still print under --quiet" -- \
	"$SAFER" --quiet info nowhere
done_testing
