#!/bin/sh
# Crashes the fuzzers found that are not fixed yet, kept in
# tests/fuzz/regress/NAME/open/. Not part of `make check` while any fails;
# run it by hand (make check TESTS=tests/test_fuzz_open.sh). Once one
# passes, move its file up into tests/fuzz/regress/NAME/, where
# test_fuzz_regress.sh replays it in every `make check`.
. "$srcdir/tests/lib.sh"
bindir=${top_builddir:-.}/tests/fuzz
for dir in "$srcdir"/tests/fuzz/regress/*/open; do
	[ -d "$dir" ] || continue
	h=${dir%/open}
	h=${h##*/}
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		"$bindir/replay_$h" "$f" >/dev/null 2>"$TMPD/err"
		rc=$?
		ok $rc "$h: ${f##*/}"
		[ $rc -eq 0 ] || grep -E 'property|ERROR|SUMMARY|runtime error' "$TMPD/err" | head -3 | sed 's/^/# /'
	done
done
done_testing
