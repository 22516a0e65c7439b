#!/bin/sh
# Replays every fuzz seed (tests/fuzz/corpus/NAME) and every crash the
# fuzzers found (tests/fuzz/regress/NAME) through the same harness entry
# point, linked without libFuzzer (tests/fuzz/replay_NAME). A crash,
# sanitizer report or broken harness property fails the test.
# Crashes not fixed yet wait in tests/fuzz/regress/NAME/open/ (replayed by
# tests/test_fuzz_open.sh, not part of `make check`).
. "$srcdir/tests/lib.sh"
bindir=${top_builddir:-.}/tests/fuzz
n=0
for bin in "$bindir"/replay_*; do
	[ -x "$bin" ] || continue
	h=${bin##*/replay_}
	n=$((n + 1))
	for kind in corpus regress; do
		dir=$srcdir/tests/fuzz/$kind/$h
		[ -d "$dir" ] || continue
		"$bin" "$dir" >"$TMPD/out" 2>"$TMPD/err"
		rc=$?
		ok $rc "$h: $kind inputs replay cleanly ($(cat "$TMPD/out"))"
		[ $rc -eq 0 ] || { diag "last input and error:"; tail -n 5 "$TMPD/err" | sed 's/^/# /'; }
	done
done
[ $n -gt 0 ]
ok $? "replay harnesses are built ($n)"
done_testing
