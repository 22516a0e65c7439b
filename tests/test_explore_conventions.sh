#!/bin/sh
# The explorer's keys and commands keep the conventions people's hands
# know, under xterm-256color and screen-256color: Space in Edits does what
# its key bar says; plan headers count what the plan does; ^C cancels a
# prompt; undo and redo go many levels; free text keeps its quotes; :set
# refuses bad values and works everywhere; messages give way to the next
# key; help pages and stops at its end; one rank convention; one newline
# glyph; training over an SAE asks first; a manual plan records the sets
# its scores came from.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"

title() { x_screen | sed -n 1p; }
plan_lines() { wc -l < "$X_WS/plan.jsonl"; }

for T in xterm-256color screen-256color; do
	x_fixture
	ws=$X_WS
	top=$("$SAFER" stats "$ws" 2>/dev/null | awk -F'\t' 'NR > 1 && $9 == 0 { print $1 }')
	x_start "TERM=$T HOME=$X_T $SAFER explore ws"
	x_resize 100 30
	x_wait "Features 256 of 256" || continue

	# A manual plan from nothing, with no ratings: it records the
	# fallback sets its scores came from.
	x_wait "256×k16" 30 # the rows are loaded: no job runs
	x_keys e; x_wait "no plan yet" && x_settle
	x_type ' '
	x_wait "manual · 1 pair flipped" 5
	ok $? "$T: Space in Edits includes the selected pair (manual · 1 pair flipped)"
	grep -q '"fallback": true' "$ws/plan.jsonl" && ! grep -q '"s_plus": \[\]' "$ws/plan.jsonl"
	ok $? "$T: a manual plan with no ratings records the fallback sets: $(cut -c1-60 "$ws/plan.jsonl")"

	# Denoise: drops; Space excludes and includes again as a drop; A cycles.
	x_keys ':'; x_type 'plan denoise 3%'; x_keys Enter
	x_wait "replaces the current plan's 1 hand-made edit " 5 && x_keys y
	x_wait "denoise 3% ·" 10 && x_wait "pairs dropped"
	n=$(plan_lines)
	grep -q '"ratio": 0.03,' "$ws/plan.jsonl"
	ok $? "$T: the plan's ratio is written 0.03"
	x_keys g; x_type ' '
	x_wait "manual · $((n - 1)) pairs dropped" 5 && ! x_screen | grep -q "manual0%"
	ok $? "$T: excluding a pair from a denoise plan: manual · $((n - 1)) pairs dropped"
	x_type ' '
	x_wait "manual · $n pairs dropped" 5
	ok $? "$T: including it again adds a drop, not a flip"
	x_keys A
	x_wait "manual · $((n - 1)) pairs dropped" 5 && x_keys A &&
		x_wait "manual · $n pairs: 1 flipped, $((n - 1)) dropped" 5
	ok $? "$T: A cycles a pair's action (none, then flip), and the header counts both"
	[ "$(plan_lines)" -eq "$n" ] && [ "$(grep -c '"action": "flip"' "$ws/plan.jsonl")" -eq 1 ]
	ok $? "$T: saved: $n edits, 1 flip"

	# A new plan over hand-made edits, or over half the data, asks first;
	# U brings the plan before back.
	x_keys p; x_wait "poison: share of the train pairs" 5; x_type '60%'; x_keys Enter
	x_wait "edits more than half the train pairs" 5 && x_wait "hand-made"
	ok $? "$T: poison 60% over hand-made edits asks first"
	x_keys n; x_settle
	[ "$(plan_lines)" -eq "$n" ]
	ok $? "$T: n keeps the plan"
	x_keys ':'; x_type 'plan poison 5%'; x_keys Enter
	x_wait "replaces the current plan's $n hand-made edits" 5 && x_keys y &&
		x_wait "poison 5% ·" 10
	ok $? "$T: y makes the new plan"
	x_keys U
	x_wait "the earlier plan is back: manual · $n pairs: 1 flipped" 5 && [ "$(plan_lines)" -eq "$n" ]
	ok $? "$T: U brings the hand-made plan back (saved)"
	# From Edits, [ ] on the Pair screen step through the plan's pairs.
	x_keys G Enter
	x_wait "$n/$n in the plan" 5 && x_keys ']' && x_wait "the last pair in the plan" 5 &&
		x_keys '[' && x_wait "$((n - 1))/$n in the plan" 5
	ok $? "$T: [ ] on a pair opened from Edits step through the plan's $n pairs"
	x_keys q; x_wait "train pairs by score" 5
	rm -f "$X_T/edited.jsonl"
	x_keys W; x_wait "write edited dataset to:" 5; x_type '~/edited.jsonl'; x_keys Enter
	x_wait "wrote $X_T/edited.jsonl" 5 && [ -s "$X_T/edited.jsonl" ]
	ok $? "$T: ~/ in a path is the home directory"

	# One newline glyph: the Edits table and preview show ↵, never ^J.
	seen_nl=1 seen_caret=1
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		s=$(x_screen)
		echo "$s" | grep -q '↵' && seen_nl=0
		echo "$s" | grep -qF '^J' && seen_caret=0
		x_type "$(printf '\033[6~')"
		x_settle
	done
	[ $seen_nl -eq 0 ] && [ $seen_caret -ne 0 ]
	ok $? "$T: newlines in the Edits screen show as ↵, never ^J"
	x_keys F; x_wait "Features 256 of 256"

	# Messages: the next key clears an error; a failed search leaves no
	# trace in the title.
	x_keys ':'; x_type 'goto nosuch'; x_keys Enter
	x_wait "no feature 'nosuch'" 5
	x_keys ':'; x_type 'sort max'; x_keys Enter
	x_wait "sort: max" 5 && x_settle && ! x_screen | grep -q "no feature 'nosuch'"
	ok $? "$T: an old error gives way to a later success"
	x_keys '/'; x_type 'zzzzqq'; x_keys Enter
	x_wait "no match for 'zzzzqq'" 5 && ! x_screen | grep -q "/ zzzzqq"
	ok $? "$T: a failed search is not left in the table title"
	x_keys ':'; x_type 'goto'; x_keys Enter
	x_wait "usage: :goto" 5
	ok $? "$T: :goto with no argument says how to use it"
	x_keys ':'; x_type 'filter'; x_keys Enter
	x_wait "filter: all (256 of 256 features)" 5
	ok $? "$T: :filter with no argument says what it shows"

	# :set everywhere: bad values refused, the S+/S- threshold in the title.
	x_keys ':'; x_type 'set k 999999'; x_keys Enter
	x_wait "k needs an integer from 1 to 65536" 5
	ok $? "$T: :set k 999999 is refused on the Features screen"
	x_keys ':'; x_type 'set lr -1'; x_keys Enter
	x_wait "lr needs a number from" 5
	ok $? "$T: :set lr -1 is refused"
	x_keys ':'; x_type 'set thresh'; x_keys Tab; x_type '4'; x_keys Enter
	x_wait "features rated 4 or more" 5 && title | grep -q "rated ≥4"
	ok $? "$T: :set threshold (completed) changes the sets and the title shows it"
	x_keys ':'; x_type 'set threshold 5'; x_keys Enter; x_wait "rated ≥5" 5

	# ^C in the : line cancels the line, not the program.
	x_keys ':'; x_type 'goto 12'; x_wait ':goto 12' 5 # read before the signal overtakes it
	x_keys C-c
	x_wait "cancelled" 5 && x_keys h && x_wait "Keys of the Features screen" 5
	ok $? "$T: ^C in the : line cancels it and the program goes on"

	# Help: pages, ends, never scrolls past its end.
	x_type "$(printf '\033[6~')"; x_settle
	! x_screen | grep -q "Keys of the Features screen"
	ok $? "$T: PgDn pages the help"
	x_keys g; x_wait "Keys of the Features screen" 5
	ok $? "$T: g goes to its top"
	x_keys G; x_wait ":q :quit" 5
	for i in 1 2 3 4 5 6 7 8 9 10; do x_keys j j j j j; done
	x_settle
	x_screen | grep -q ":q :quit" && [ "$(x_screen | grep -c ':')" -gt 10 ]
	ok $? "$T: G shows the end, and j past it keeps the page full"
	x_keys q; x_wait "Features 256 of 256"

	# Feature screen: rank as safer stats counts it; undo and redo. The
	# table was sorted by max above: back to |salience| so its first row is
	# the feature safer stats ranks 0, whatever feature fires highest.
	x_keys ':'; x_type 'sort salience'; x_keys Enter; x_wait "sort: |salience|" 5
	x_keys g Enter
	x_wait "Feature $top · salience" 5 && x_screen | grep -q "(rank 0 of 256)"
	ok $? "$T: the top feature is rank 0, as in safer stats"
	x_keys l; x_wait "name for feature $top:" 5 && x_keys Escape && x_settle &&
		! x_screen | grep -q "name for feature $top:"
	ok $? "$T: the name prompt says which feature it names"
	x_keys 1; x_wait "★☆☆☆☆" 5
	x_keys 2; x_wait "★★☆☆☆" 5
	x_keys 3; x_wait "★★★☆☆" 5
	x_keys u; x_wait "★★☆☆☆" 5 && x_keys u && x_wait "★☆☆☆☆" 5 && x_keys u &&
		x_wait "rating unrated" 5
	ok $? "$T: u undoes three label changes in turn"
	x_keys C-r; x_wait "★☆☆☆☆" 5 && x_keys C-r && x_wait "★★☆☆☆" 5
	ok $? "$T: ^R redoes them"
	"$SAFER" labels "$ws" 2>/dev/null | grep -q "^$top	[^	]*	2	"
	ok $? "$T: the redone rating is saved"
	x_keys ':'; x_type 'note a "quoted" word'; x_keys Enter
	x_wait "labelled (saved)" 5
	"$SAFER" labels "$ws" 2>/dev/null | grep -qF "$top		2	a \"quoted\" word	"
	ok $? "$T: :note keeps quotes: $("$SAFER" labels "$ws" 2>/dev/null | grep "^$top	")"
	x_screen | grep -q "below the S+/S− threshold 5"
	ok $? "$T: a rating under the threshold says it is not in the sets"

	# Training over an existing SAE asks first.
	x_keys t; x_wait "an SAE exists"
	x_keys Enter
	x_wait "Training replaces the workspace's SAE and archives its labels" 5
	ok $? "$T: Enter on the Train screen asks before replacing the SAE"
	x_keys n; x_settle
	! x_screen | grep -q "step "
	ok $? "$T: n leaves the SAE alone"
	# What the screen shows is what s trains with.
	ep=$(x_screen | sed -n 's/.*epochs auto (→ \([0-9]*\)).*/\1/p' | head -1)
	x_keys Enter; x_wait "Training replaces" 5; x_keys y
	[ -n "$ep" ] && x_wait "epoch 1/$ep " 30
	ok $? "$T: training runs the $ep epochs the Train screen shows"
	x_keys x; x_wait "training cancelled" 30
	x_settle
	x_keys q q q; x_wait "EXITED 0" 5
done

done_testing
