#!/bin/sh
# The explorer on the engine session: it opens a workspace in any state
# (an SAE without latents is encoded; no SAE offers training or loading
# one), notices labels, plans and SAEs changed by other processes, completes
# `:` arguments per argument, and a click on a key-bar label sends that
# label's own key (a range like "1-5 rate" sends none).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"

x_fixture
title() { x_screen | sed -n 1p; }
keybar() { x_screen | sed -n 30p; }
# 0-based column where TEXT starts on the key bar (ASCII only there).
bar_col() { keybar | awk -v t=" $1" '{ i = index($0, t); print i ? i : -1 }'; }

top=$("$SAFER" stats "$X_WS" 2>/dev/null | awk -F'\t' 'NR > 1 && $9 == 0 { print $1 }')
second=$("$SAFER" stats "$X_WS" 2>/dev/null | awk -F'\t' 'NR > 1 && $9 == 1 { print $1 }')
[ -n "$top" ] && [ -n "$second" ]
ok $? "reference features from the CLI ($top, $second)"

# (a) An SAE without latents: encoded on open, then the Features table.
cp -r "$X_WS" "$X_T/a"
rm -f "$X_T/a/latents.bin" "$X_T/a/index.bin" "$X_T/a"/stats-*.bin
"$SAFER" info "$X_T/a" 2>/dev/null | grep -q "^sae	yes" &&
	"$SAFER" info "$X_T/a" 2>/dev/null | grep -q "^latents	no"
ok $? "workspace a: safer info says SAE yes, latents no"
x_start "$SAFER explore a"
x_wait "safer — ws: a"
title | grep -q "no SAE"
[ $? -ne 0 ]
ok $? "title never says 'no SAE' while the latents are encoded: $(title | cut -c1-60)"
x_wait "Features 256 of 256" 60
ok $? "an SAE without latents reaches the Features table"
# The latents and index load right after the table; then the title has k.
x_wait "SAE 256×k16" 30 && title | grep -q "SAE 256×k16"
ok $? "title shows the SAE"
[ -f "$X_T/a/latents.bin" ] && "$SAFER" info "$X_T/a" 2>/dev/null | grep -q "^latents	yes"
ok $? "latents encoded into the workspace"
x_keys q; x_wait "EXITED 0"

# (b) No SAE: the Train screen with the load action; L opens :load-sae
# (paths complete with Tab) and the SAE loads, encodes, ends on Features.
cp -r "$X_WS" "$X_T/b"
rm -rf "$X_T/b/sae" "$X_T/b/latents.bin" "$X_T/b/index.bin" "$X_T/b/labels.msgpack"
cp -r "$X_WS/sae" "$X_T/sae-src"
x_start "$SAFER explore b"
x_wait "Train the workspace's TopK SAE"
ok $? "no SAE: opens on the Train screen"
x_wait "No SAE in this workspace yet" && keybar | grep -q "L load an SAE" && title | grep -q "no SAE"
ok $? "says what is missing, offers L to load one, title says no SAE"
x_keys ':'; x_type 'set '; x_keys Tab
x_wait "bpre-sample" && keybar | grep -q "epochs"
ok $? ":set + Tab lists the hyperparameter names"
x_keys C-u; x_type 'set rows '; x_keys Tab
x_wait "sentence" && keybar | grep -qw "auto" && ! keybar | grep -q "epochs"
ok $? ":set rows + Tab lists the values rows takes: $(keybar)"
x_keys Escape
x_wait "L load an SAE"
x_keys ':'; x_type "load-sae $X_T/does-not-exist"; x_keys Enter
x_wait "does-not-exist: cannot open" && x_screen | grep -q "Train the workspace's TopK SAE"
ok $? ":load-sae of a missing path fails with a message and stays on Train"
x_keys L
i=0
while [ $i -lt 200 ] && [ "$(x_screen | sed -n 29p)" != ":load-sae" ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$(x_screen | sed -n 29p)" = ":load-sae" ]
ok $? "L opens the command line on :load-sae"
x_type "$X_T/sae-s"; x_keys Tab
x_wait "sae-src/"
ok $? "Tab completes the path"
x_keys Enter
x_wait "Features 256 of 256" 60
ok $? ":load-sae PATH reaches the Features table"
x_wait "loaded $X_T/sae-src" && x_wait "SAE 256×k16" 30
ok $? "with a message saying what was loaded, and the SAE in the title"
[ -f "$X_T/b/sae/cfg.json" ] && [ -f "$X_T/b/latents.bin" ]
ok $? "SAE installed and encoded in the workspace"
x_keys q; x_wait "EXITED 0"

# (c) Another process changes labels, the plan and the SAE while the
# explorer is open: the command succeeds and the explorer reloads.
ws=$X_WS
x_start "$SAFER explore ws"
x_wait "Features 256 of 256"
"$SAFER" label "$ws" "$top" --name "from the shell" --safety 5 >/dev/null 2>"$X_T/err"
ok $? "safer label works while the explorer is open ($(cat "$X_T/err"))"
x_wait "labels changed on disk: reloaded"
ok $? "the explorer says the labels changed"
x_wait "from the shell" && x_screen | grep "from the shell" | grep -q "★★★★★"
ok $? "and shows the new label with its rating"
# A rating made here keeps the one made in the shell.
x_keys j 3
x_wait "feature $second labelled (saved)"
"$SAFER" labels "$ws" 2>/dev/null | grep -q "^$top	from the shell	5	" &&
	"$SAFER" labels "$ws" 2>/dev/null | grep -q "^$second		3	"
ok $? "both labels saved (the explorer re-read the shell's before saving)"
"$SAFER" plan "$ws" --poison 0.05 --out "$X_T/shell-plan.jsonl" >/dev/null 2>&1
x_wait "plan changed on disk: reloaded" && x_wait "plan: poison 5% ($(wc -l < "$X_T/shell-plan.jsonl") pairs)"
ok $? "a plan made by safer plan shows up"
cp -r "$ws/sae" "$X_T/sae-again"
"$SAFER" load-sae "$ws" "$X_T/sae-again" >/dev/null 2>&1
x_wait "the SAE changed on disk: reloaded" 30 && x_wait "Features 256 of 256"
ok $? "an SAE installed by safer load-sae is loaded again"

# (d) Tab completes per argument: column names after :sort, not commands.
x_keys ':'; x_type 'sort '; x_keys Tab
x_wait "density-rejected"
ok $? ":sort + Tab lists the column names"
keybar | grep -q "density-chosen" && ! keybar | grep -qE "filter|goto|export"
ok $? "and only them: $(keybar | cut -c1-70)"
x_type 'dens'; x_keys Tab
x_wait ":sort density-"
ok $? "a column prefix completes to its common part"
x_keys C-u; x_type 'fil'; x_keys Tab
x_wait ":filter"
ok $? "the first word completes to a command"
x_keys Tab
x_wait "unlabelled" && ! keybar | grep -q "density"
ok $? ":filter + Tab lists the filters"
x_keys C-u; x_type 's'; x_keys Tab
x_wait "search  set  sort"
ok $? "commands offered are those of this screen (:set works on every screen)"
x_keys Escape
x_wait "Enter open"

# (e) Key bar clicks: "1-5 rate" rates nothing; "Tab ←/→" switches sides.
x_keys g j j
before=$("$SAFER" labels "$ws" 2>/dev/null)
col=$(bar_col "1-5 rate")
[ "$col" -gt 0 ] && x_click "$col" 29
x_wait "press 1-5: rate"
ok $? "clicking '1-5 rate' (column $col) says which keys to press"
[ "$("$SAFER" labels "$ws" 2>/dev/null)" = "$before" ]
ok $? "and changes no rating"
x_screen | sed -n 6p | grep -q "★"
[ $? -ne 0 ]
ok $? "the selected feature is still unrated on screen"
pc=$("$SAFER" top "$ws" "$second" --side chosen -n 1 2>/dev/null | awk -F'\t' 'NR == 2 { print $1 }')
pr=$("$SAFER" top "$ws" "$second" --side rejected -n 1 2>/dev/null | awk -F'\t' 'NR == 2 { print $1 }')
[ -n "$pc" ] && [ -n "$pr" ] && [ "$pc" != "$pr" ]
ok $? "feature $second's top pairs differ by side ($pc, $pr)"
x_keys ':'; x_type "goto $second"; x_keys Enter
x_wait "Feature $second ·"
col=$(bar_col "Tab ←/→")
[ "$col" -gt 0 ] && x_click "$col" 29
x_keys Enter
x_wait "Pair $pr of"
ok $? "clicking 'Tab ←/→' switches to the rejected side (Enter opens pair $pr)"
x_keys q; x_wait "Feature $second ·"
x_keys q; x_wait "Features 256"
x_keys q; x_wait "EXITED 0"
ok $? "quit"

done_testing
