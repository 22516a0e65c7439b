# The sample generator: deterministic, seedable, fast, and its output is a
# valid workspace input for safer init / safer info.
. "$srcdir/tests/lib.sh"

GEN=${SAMPLE_GEN:-${top_builddir:-.}/sample-data/safer-sample-gen}
FILES="pairs.jsonl acts.safetensors atoms.safetensors truth.json"

start=$(date +%s)
"$GEN" --out "$TMPD/a" 2>"$TMPD/a.err"
ok $? "generator runs with the default seed"
end=$(date +%s)
diag "default run took $((end - start)) s (wall, not a timed test)"

"$GEN" --seed 1 --out "$TMPD/b" 2>/dev/null
ok $? "generator runs again with --seed 1 (the default)"
same=0
for f in $FILES; do
	cmp -s "$TMPD/a/$f" "$TMPD/b/$f" || { same=1; diag "$f differs"; }
done
ok $same "same seed, same bytes"

"$GEN" --seed 2 --pairs 300 --out "$TMPD/c" 2>/dev/null
ok $? "generator takes --seed and --pairs"
! cmp -s "$TMPD/a/pairs.jsonl" "$TMPD/c/pairs.jsonl"
ok $? "another seed gives other data"
[ "$(wc -l <"$TMPD/c/pairs.jsonl")" -eq 300 ]
ok $? "--pairs 300 writes 300 pairs"

"$GEN" --pairs 5 --out "$TMPD/d" 2>/dev/null
[ $? -eq 2 ] && [ ! -e "$TMPD/d/acts.safetensors" ]
ok $? "too few pairs is a usage error and writes nothing"

"$GEN" --out /dev/null/x 2>"$TMPD/e.err"
[ $? -eq 1 ] && [ "$(wc -l <"$TMPD/e.err")" -eq 1 ]
ok $? "an unwritable output directory fails with one line"

# the workspace commands accept the files
"$SAFER" init "$TMPD/ws" --pairs "$TMPD/a/pairs.jsonl" --acts "$TMPD/a/acts.safetensors" \
	2>"$TMPD/init.err" >/dev/null
rc=$?
ok $rc "safer init accepts the sample files"
[ $rc -eq 0 ] || diag "$(head -c 300 "$TMPD/init.err")"
"$SAFER" info "$TMPD/ws" >"$TMPD/info.out" 2>"$TMPD/info.err"
rc=$?
ok $rc "safer info reads the sample workspace"
[ $rc -eq 0 ] || diag "$(head -c 300 "$TMPD/info.err")"
grep -q 3000 "$TMPD/info.out"
ok $? "safer info reports the 3000 pairs"

done_testing
