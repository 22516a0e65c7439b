#!/bin/sh
# The explorer's keys, searches and layouts as less and vim users expect
# them, under xterm-256color and screen-256color: / and ? search with
# regular expressions, matches highlighted, a wrap said; n on the Feature
# screen steps to the next match; l names and m notes everywhere; counts
# and ^D/^U; help from the tables; a bare ratio 1 refused; narrow layouts
# keep the rating; the safety heat in two hues; the : and / history and
# the plans replaced kept in the workspace across sessions; safer plan
# --history and --undo.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"

esc=$(printf '\033')
title() { x_screen | sed -n 1p; }

for T in xterm-256color screen-256color; do
	x_fixture
	ws=$X_WS
	stats=$("$SAFER" stats "$ws" 2>/dev/null)
	rank_of() { echo "$stats" | awk -F'\t' -v r="$1" 'NR > 1 && $9 == r { print $1 }'; }
	f0=$(rank_of 0) f1=$(rank_of 1) f2=$(rank_of 2) f3=$(rank_of 3)
	# Two labels with a word in common, one note.
	"$SAFER" label "$ws" "$f1" --name "refusal opener" >/dev/null 2>&1
	"$SAFER" label "$ws" "$f3" --name "Refusal closer" --note "ends with a helpline" >/dev/null 2>&1
	x_start "TERM=$T HOME=$X_T $SAFER explore ws"
	x_resize 100 30
	x_wait "Features 256 of 256" || continue
	x_wait "256×k16" 30

	# / with a regular expression, any case: the first match down.
	x_keys g '/'; x_type 'REFUSAL (OPEN|clos)'; x_keys Enter
	x_wait "/ REFUSAL (OPEN|clos)" 5 && x_keys Enter && x_wait "Feature $f1 ·" 5
	ok $? "$T: / takes a regular expression in any case (feature $f1 first)"
	x_keys q; x_wait "Features 256 of 256" 5
	tmux -L "$X_SOCK" capture-pane -p -e |
		grep -qE "7m($esc\[[0-9;]*m)*refusal open($esc\[[0-9;]*m)+er"
	ok $? "$T: the matched text (and only it) is drawn highlighted"
	x_keys n; x_keys Enter; x_wait "Feature $f3 ·" 5
	ok $? "$T: n goes on to the next match ($f3)"
	x_keys q; x_wait "Features 256 of 256" 5
	x_keys n; x_wait "search wrapped: hit the bottom" 5 && x_keys Enter && x_wait "Feature $f1 ·" 5
	ok $? "$T: past the last match n wraps to the top, and says so"
	x_keys q; x_wait "Features 256 of 256" 5
	x_keys G '?'; x_type 'helpline'; x_keys Enter
	x_wait "? helpline" 5 && x_keys Enter && x_wait "Feature $f3 ·" 5
	ok $? "$T: ? searches up, and notes are searched too ($f3's note)"
	x_keys q; x_wait "Features 256 of 256" 5
	x_keys '/'; x_type 'refusal ('; x_keys Enter
	x_wait "bad regular expression 'refusal ('" 5
	ok $? "$T: a bad expression is named"

	# The Feature screen: l names, m notes, n steps to the next match.
	x_keys ':'; x_type "goto $f0"; x_keys Enter; x_wait "Feature $f0 ·" 5
	x_keys '/'; x_type 'refusal'; x_keys Enter
	x_wait "Feature $f1 ·" 5 && x_keys n && x_wait "Feature $f3 ·" 5 && x_keys N &&
		x_wait "Feature $f1 ·" 5
	ok $? "$T: / on the Feature screen, then n and N, step through the matching features"
	x_keys l; x_wait "name for feature $f1:" 5 && x_keys C-u && x_type 'opener' && x_keys Enter &&
		x_wait "label: opener" 5
	ok $? "$T: l names the feature on the Feature screen too"
	x_keys m; x_wait "note for feature $f1:" 5 && x_type 'first words' && x_keys Enter &&
		x_wait "note: first words" 5
	ok $? "$T: m notes it"
	x_keys u; x_wait "undone: the note of feature $f1" 5 && x_wait "note: —" &&
		x_keys C-r && x_wait "redone: the note of feature $f1" 5 && x_wait "note: first words"
	ok $? "$T: u and ^R say what they undo and redo"
	x_keys h; x_wait "Keys of the Feature screen" 5 && x_wait "next/prev matching feature" &&
		x_wait "half a page down/up"
	ok $? "$T: h opens help with every key of the screen's table"
	x_keys G; x_wait ":pair N" 5 && x_wait ":rows sentence|all" && x_wait ":export-dataset" &&
		x_wait ":set"
	ok $? "$T: help lists :pair, :rows, :export-dataset and :set"
	x_keys q; x_wait "Feature $f1 ·" 5
	x_keys q; x_wait "Features 256 of 256" 5

	x_keys h; x_wait "Keys of the Features screen" 5 && x_wait "PgDn/PgUp Space ^F/^B page down/up"
	ok $? "$T: help gives long keys the room they need"
	x_keys q
	# ^D and ^U move half a page; the rows mode is in the title.
	x_keys ':'; x_type 'sort salience'; x_keys Enter; x_wait "sort: |salience|" 5
	x_keys g C-d Enter; x_wait "(rank " 5
	r=$(x_screen | sed -n 's/.*(rank \([0-9]*\) of 256).*/\1/p' | head -1)
	[ -n "$r" ] && [ "$r" -gt 5 ] && [ "$r" -lt 20 ]
	ok $? "$T: ^D moves half a page (to rank $r)"
	x_keys q C-u Enter; x_wait "Feature $f0 ·" 5
	ok $? "$T: ^U moves back"
	x_keys q; x_wait "Features 256 of 256" 5
	title | grep -q "rows (sentence)"
	ok $? "$T: the title shows the rows mode"

	# Edits: a bare 1 is refused as ambiguous; 1% and 0.01 are taken;
	# counts repeat moves.
	x_keys e; x_wait "no plan yet" 5
	x_keys p; x_wait "poison: share of the train pairs" 5; x_type '1'; x_keys Enter
	x_wait "would be all the pairs: type 1% for one in a hundred, or 100% for all" 5 &&
		[ ! -f "$ws/plan.jsonl" ]
	ok $? "$T: a bare ratio 1 is refused, saying why"
	x_keys p; x_wait "poison: share" 5; x_type '1%'; x_keys Enter
	x_wait "poison 1% ·" 10
	ok $? "$T: 1% plans one in a hundred"
	x_keys ':'; x_type 'plan poison 0.02'; x_keys Enter
	x_wait "poison 2% ·" 10
	ok $? "$T: 0.02 is 2%"
	x_keys g 5 j Enter
	x_wait "6/" 5
	ok $? "$T: 5j moves five rows (the sixth pair opens)"
	x_keys q; x_wait "train pairs by score" 5
	x_keys '/'; x_type '^2[0-9]$'; x_keys Enter
	x_settle
	x_keys Enter; x_wait "Pair 2" 5
	ok $? "$T: / on Edits finds pairs by index"
	x_keys q; x_wait "train pairs by score" 5

	# The plans replaced are kept: U reaches back, also in a later session.
	x_keys U; x_wait "the earlier plan is back: poison 1%" 5
	ok $? "$T: U brings the plan before back"
	[ "$("$SAFER" plan "$ws" --history 2>/dev/null | wc -l)" -eq 1 ]
	ok $? "$T: ... and takes it out of the kept plans (safer plan --history: none left)"
	x_keys ':'; x_type 'plan denoise 3%'; x_keys Enter; x_wait "denoise 3% ·" 10

	# : and / lines are kept for the next session.
	x_keys q q; x_wait "EXITED 0" 5
	grep -q '"kind":"command","text":"plan denoise 3%"' "$ws/history.jsonl" &&
		grep -q '"kind":"search","text":"refusal"' "$ws/history.jsonl"
	ok $? "$T: WS/history.jsonl holds the : and / lines"
	x_start "TERM=$T HOME=$X_T $SAFER explore ws"
	x_resize 100 30
	x_wait "Features 256 of 256" && x_wait "256×k16" 30
	x_keys ':' Up; x_wait ":plan denoise 3%" 5
	ok $? "$T: the : history comes back in a new session"
	x_keys Escape; x_settle
	x_keys e; x_wait "denoise 3% ·" 5 && x_keys U && x_wait "the earlier plan is back: poison 1%" 5
	ok $? "$T: U in a new session brings back a plan of the last one"

	# The safety heat: S+ in the warm hue, S- in the blue one.
	x_keys G Enter; x_wait "by score" 5 && x_keys H && x_wait "S+ warm, S− blue" 5
	tmux -L "$X_SOCK" capture-pane -p -e | grep -qE '48;5;(17|18|19|20|27)m'
	ok $? "$T: the lowest-scored pair shows S- heat in blue"
	x_keys q g Enter; x_wait " · 1/" 5 && x_wait "S+ warm, S− blue" 5 # the heat mode stays
	tmux -L "$X_SOCK" capture-pane -p -e | grep -qE '48;5;(52|94|130|166|202)m'
	ok $? "$T: the highest-scored one S+ heat in the warm hue"
	x_keys q q

	# Narrow: at 80 columns the rating column stays and long labels are
	# cut with …; the Feature screen keeps the rating; at 40x10 a context
	# still shows.
	x_wait "Features 256 of 256" 5
	x_keys ':'; x_type 'sort salience'; x_keys Enter
	x_keys g l; x_wait "name for feature $f0:" 5
	x_type "a label far too long to fit in any narrow column of the table at all"; x_keys Enter
	x_keys 4; x_wait "★★★★☆" 5
	x_resize 80 24; x_settle
	x_screen | grep -q "rating" && x_screen | grep "a label far" | grep -q "…" &&
		x_screen | grep "a label far" | grep -q "★★★★☆"
	ok $? "$T: at 80 columns the rating column stays, the label cut with …"
	x_keys Enter; x_wait "Feature $f0 ·" 5
	x_screen | grep "label: a label far" | grep -q "rating ★★★★☆"
	ok $? "$T: a long label leaves the rating on the Feature screen"
	x_resize 40 10; x_settle
	x_screen | grep -qE '^(│|x) *[0-9]+\.[0-9] '
	ok $? "$T: at 40x10 the Feature screen still shows a context"
	x_resize 100 30; x_settle
	x_keys q q; x_wait "EXITED 0" 5
done

# The CLI's plan history.
x_fixture
ws=$X_WS
"$SAFER" plan "$ws" --mark 3,5 --action drop >/dev/null 2>&1
err=$("$SAFER" plan "$ws" --poison 0.05 2>&1 >/dev/null)
echo "$err" | grep -q "the current plan's 2 hand-made edits were replaced; \`safer plan $ws --undo\` brings them back"
ok $? "safer plan --poison over hand-made edits says so: $(echo "$err" | grep hand-made)"
h=$("$SAFER" plan "$ws" --history 2>/dev/null)
[ "$(echo "$h" | sed -n 1p)" = "$(printf 'back\tstrategy\tratio\tedits\tflips\tdrops\tkept')" ] &&
	echo "$h" | sed -n 2p | grep -q "^1	manual	0	2	0	2	20"
ok $? "safer plan --history lists the kept manual plan"
"$SAFER" plan "$ws" --undo 2>/dev/null && [ "$(grep -c '"action": "drop"' "$ws/plan.jsonl")" -eq 2 ] &&
	[ "$(grep -c . "$ws/plan.jsonl")" -eq 2 ]
ok $? "safer plan --undo puts the hand-made plan back"
expect_fail 1 "no earlier plan kept" "--undo with nothing kept says so" -- "$SAFER" plan "$ws" --undo
expect_usage "--undo and --history go alone" "--undo with --poison is a usage error" -- \
	"$SAFER" plan "$ws" --undo --poison 0.1
for i in 1 2 3 4 5 6 7 8 9 10; do "$SAFER" plan "$ws" --poison 0.0$i >/dev/null 2>&1; done
[ "$(ls "$ws/plans" | wc -l)" -eq 8 ] && [ "$("$SAFER" plan "$ws" --history 2>/dev/null | wc -l)" -eq 9 ]
ok $? "at most 8 plans are kept"
# A history file from elsewhere: shown safe, a damaged one reported.
x_fixture
ws=$X_WS
printf '{"kind":"command","text":"goto \\u001b[31mred"}\n' > "$ws/history.jsonl"
x_start "TERM=xterm-256color $SAFER explore ws"
x_wait "Features 256 of 256"
x_keys ':' Up; x_wait ':goto ^[[31mred' 5
ok $? "an escape sequence in the history shows as ^["
x_keys Escape; x_settle; x_keys q; x_wait "EXITED 0" 5
printf 'not json\n' > "$ws/history.jsonl"
x_start "TERM=xterm-256color $SAFER explore ws"
x_wait "history.jsonl:1: not a history entry" 10
ok $? "a damaged history is named with its line"
x_keys q; x_wait "EXITED 0" 5

done_testing
