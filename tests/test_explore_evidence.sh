#!/bin/sh
# The feature evidence in the explorer, each view against the command
# behind it: the Feature screen's views (top, intervals, random, similar)
# and its log-scale density chart, Enter on a similar feature, the
# Features table's token-text mode (/t:TEXT), and the Quality screen.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"
cd "$TMPD" || exit 1
x_fixture
f=$("$SAFER" stats "$X_WS" -n 1 | awk -F'\t' 'NR == 2 {print $1}')
# the index and the reward caches made first: no background job in the
# explorer reloads the table (keeping its selection) under a test's keys
"$SAFER" top "$X_WS" "$f" -n 1 >/dev/null 2>&1

x_start "'$SAFER' explore '$X_WS'"
x_wait "Features" 20
ok $? "the explorer opens on the Features table"
x_keys Enter
x_wait "Feature $f ·"
ok $? "Enter opens the most salient feature ($f)"
x_wait "density (log scale)"
ok $? "the Feature screen shows the density on a log scale"
share=$("$SAFER" stats "$X_WS" --sort id | awk -F'\t' -v f="$f" '$1 == f {printf "%.2f%%", $7 * 100}')
x_wait "chosen $share of"
ok $? "with the share of chosen rows where it is active ($share, as safer stats)"
x_wait "activation"
ok $? "and a labelled activation axis"
x_keys v
x_wait "intervals of"
ok $? "v: the intervals view"
lo=$("$SAFER" top "$X_WS" "$f" --quantiles 10 -n 10 --side chosen |
	awk -F'\t' 'NR == 2 {printf "%5.1f", $7}')
x_wait "q0  $lo"
ok $? "its first row is safer top --quantiles' first (q0, activation $lo)"
x_keys v
x_wait "random of"
ok $? "v: the random view"
x_wait "seed 1"
ok $? "seeded"
x_keys r
x_wait "seed 2"
ok $? "r draws other rows (seed 2)"
x_keys v
x_wait "similar by decoder cosine"
ok $? "v: the similar features"
x_wait "co-occurring on sentence rows"
ok $? "by cosine and by co-occurrence"
s1=$("$SAFER" similar "$X_WS" "$f" -n 1 | awk -F'\t' 'NR == 2 {print $1}')
x_keys Enter
x_wait "Feature $s1 ·"
ok $? "Enter opens the nearest feature by cosine ($s1, as safer similar)"
x_wait " top "
x_keys q
x_wait "Features"

t1=$("$SAFER" search "$X_WS" sorry -n 1 2>/dev/null | awk -F'\t' 'NR == 2 {print $1}')
x_keys /
x_type "t:sorry"
x_keys Enter
x_wait 'token text "sorry"'
ok $? "/t:sorry narrows the table to the features on that token text"
x_keys g; x_settle # the first rows of the new table
x_screen | awk -v t="$t1" '/│ *[0-9]+ / {print; exit}' | grep -q "^│ *$t1 "
ok $? "the first is safer search's first ($t1)"
x_keys /
x_type "t:"
x_keys Enter
x_wait "sort: |salience|"
ok $? "/t: with no text goes back to the whole table"

x_keys Q
x_wait "explained variance" 60
ok $? "Q opens the Quality screen"
ev=$("$SAFER" quality "$X_WS" --format json | "$PYTHON3" -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["explained_variance"])')
x_wait "$ev"
ok $? "with safer quality's explained variance ($ev)"
x_wait "SAE reconstructions"
ok $? "and the head's accuracy on the reconstructions"
x_wait "share of rows (log scale)"
ok $? "and the density histogram"
x_resize 60 20
x_settle
x_screen | grep -q "explained variance"
ok $? "a small terminal still shows it"
x_keys q
x_keys q
x_wait "EXITED 0"
ok $? "quits cleanly"

done_testing
