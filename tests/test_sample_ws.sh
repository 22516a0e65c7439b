# sample-data/make-sample-ws: does each step only when it is needed. The
# generator and safer are stand-ins that log their calls and create the
# files the real ones would (the real ones are tested elsewhere).
. "$srcdir/tests/lib.sh"

MAKE_WS="$top_srcdir/sample-data/make-sample-ws"
LOG="$TMPD/calls"

cat >"$TMPD/gen" <<EOF
#!/bin/sh
echo "gen \$*" >>"$LOG"
[ "\$1" = --out ] || exit 2
mkdir -p "\$2"
for f in pairs.jsonl acts.safetensors atoms.safetensors truth.json; do echo x >"\$2/\$f"; done
EOF
cat >"$TMPD/safer" <<EOF
#!/bin/sh
echo "\$1" >>"$LOG"
case "\$1" in
init) mkdir -p "\$2" && echo m >"\$2/manifest.msgpack" ;;
train) mkdir -p "\$2/sae" && echo s >"\$2/sae/sae.safetensors" && echo l >"\$2/latents.bin" ;;
encode) echo l >"\$2/latents.bin" ;;
*) exit 1 ;;
esac
EOF
chmod +x "$TMPD/gen" "$TMPD/safer"
export SAFER="$TMPD/safer" SAMPLE_GEN="$TMPD/gen" SAMPLE_OUT="$TMPD/out"
ws="$TMPD/ws"

calls() { tr '\n' ' ' <"$LOG" | sed 's/ $//'; }
run() { : >"$LOG"; "$MAKE_WS" "$ws" 2>"$TMPD/err"; }

run
ok $? "fresh: succeeds"
[ "$(calls)" = "gen --out $TMPD/out init train" ]
ok $? "fresh: generates, inits, trains (train encodes)"
diag "calls: $(calls)"
grep -q "training" "$TMPD/err"
ok $? "says what it does on stderr"

run
ok $? "up to date: succeeds"
[ ! -s "$LOG" ]
ok $? "up to date: calls nothing"

rm "$ws/latents.bin"
run
[ "$(calls)" = "encode" ]
ok $? "latents missing: encodes only"

rm -r "$ws/sae" "$ws/latents.bin"
run
[ "$(calls)" = "train" ]
ok $? "SAE missing: trains only"

sleep 1
touch "$TMPD/gen"
run
[ "$(calls)" = "gen --out $TMPD/out init train" ]
ok $? "generator newer than the data: regenerates and rebuilds the workspace"
[ "$(ls -d "$ws".stale-* 2>/dev/null | wc -l)" -eq 1 ]
ok $? "the outdated workspace is moved aside, not deleted"

sleep 1
touch "$TMPD/out/acts.safetensors"
run
[ "$(calls)" = "init train" ]
ok $? "data newer than the workspace: rebuilds the workspace only"
[ "$(ls -d "$ws".stale-* 2>/dev/null | wc -l)" -eq 2 ]
ok $? "... and moves the old one aside"

"$MAKE_WS" 2>/dev/null
[ $? -eq 2 ]
ok $? "no argument is a usage error"

SAFER="$TMPD/missing" "$MAKE_WS" "$ws" 2>"$TMPD/err"
[ $? -eq 1 ] && grep -q "not built" "$TMPD/err"
ok $? "a missing safer binary is named"

# --tiny-rm: the tiny reward model is trained and its layer extracted, each
# only when missing or older than the pairs; the workspace is made from it.
cat >"$TMPD/tinyrm" <<EOF
echo "tinyrm \$*" >>"$LOG"
mkdir -p "\$4" && echo w >"\$4/model.safetensors"
EOF
cat >"$TMPD/extract" <<EOF
echo "extract \$*" >>"$LOG"
echo a >"\$6"
EOF
export TINYRM="$TMPD/tinyrm" EXTRACT="$TMPD/extract" PYTHON3=/bin/sh
ws="$TMPD/tws"
tiny_calls="tinyrm train $TMPD/out/pairs.jsonl --out $TMPD/out/tinyrm extract $TMPD/out/tinyrm $TMPD/out/pairs.jsonl --layer 1 -o $TMPD/out/tinyrm-acts.safetensors init train"
: >"$LOG"
"$MAKE_WS" --tiny-rm "$ws" 2>"$TMPD/err"
ok $? "--tiny-rm fresh: succeeds"
[ "$(calls)" = "$tiny_calls" ]
ok $? "--tiny-rm fresh: trains the tiny RM, extracts layer 1, inits, trains"
diag "calls: $(calls)"
: >"$LOG"
"$MAKE_WS" --tiny-rm "$ws" 2>"$TMPD/err"
[ ! -s "$LOG" ]
ok $? "--tiny-rm up to date: calls nothing"
sleep 1
touch "$TMPD/out/pairs.jsonl"
: >"$LOG"
"$MAKE_WS" --tiny-rm "$ws" 2>"$TMPD/err"
[ "$(calls)" = "$tiny_calls" ]
ok $? "--tiny-rm, pairs newer than the model: retrains, extracts, rebuilds the workspace"
"$MAKE_WS" --tiny-rm 2>/dev/null
[ $? -eq 2 ]
ok $? "--tiny-rm without a workspace is a usage error"

done_testing
