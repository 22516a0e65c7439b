#!/bin/sh
# The explorer end to end in tmux: sort, open a feature, label it through
# readline, reopen and find the label, plan and export (same file as
# `safer plan`), resize.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"

x_fixture
ws=$X_WS

# Expected: the feature ranked first by |salience| and its strongest rows.
top=$("$SAFER" stats "$ws" 2>/dev/null | awk -F'\t' 'NR > 1 && $9 == 0 { print $1 }')
act_c=$("$SAFER" top "$ws" "$top" --side chosen -n 1 2>/dev/null | awk -F'\t' 'NR == 2 { printf "%.1f", $4 }')
act_r=$("$SAFER" top "$ws" "$top" --side rejected -n 1 2>/dev/null | awk -F'\t' 'NR == 2 { printf "%.1f", $4 }')
[ -n "$top" ] && [ -n "$act_c" ] && [ -n "$act_r" ]
ok $? "reference figures from the CLI (feature $top, top acts $act_c / $act_r)"

x_start "$SAFER explore ws"
x_wait "Features 256 of 256"
ok $? "explorer opens on the Features screen"

# Sort by another column, then by salience through the command line.
x_keys ':'; x_wait ':' && x_type 'sort max'; x_keys Enter
x_wait "sort: max▼"
ok $? ":sort max"
x_keys ':'; x_type 'sort sal'; x_keys Tab; x_keys Enter
x_wait "sort: |salience|▼"
ok $? ":sort salience (completed with Tab)"
first=$(x_screen | sed -n 4p | awk -F'│' '{ print $2 }' | awk '{ print $1 }')
[ "$first" = "$top" ]
ok $? "first row is the top feature by |salience| ($first, want $top)"

# Open it: tokens with activations on both sides.
x_keys Enter
x_wait "Feature $top ·"
ok $? "Enter opens feature $top"
x_wait "chosen (top" && x_wait "rejected (top"
ok $? "chosen and rejected panes"
# Stacked at 100 columns: chosen pane above, rejected below.
rows_c=$(x_screen | sed -n '/chosen (top/,/rejected (top/p')
rows_r=$(x_screen | sed -n '/rejected (top/,$p')
row=$(echo "$rows_c" | grep -F "│$(printf '%5s' "$act_c") " | head -1)
[ -n "$row" ] && echo "$rows_r" | grep -qF "│$(printf '%5s' "$act_r") "
ok $? "strongest rows on both sides shown with their activations ($act_c, $act_r)"
[ "$(echo "$row" | awk -F'│' '{ print length($2) }')" -gt 40 ]
ok $? "context tokens drawn next to them"

# Wide terminal: the two sides side by side.
x_resize 130 30
x_settle
x_screen | grep "chosen (top" | grep -q "rejected (top"
ok $? "side by side at 130 columns"
x_resize 100 30
x_settle

# A pair from the strongest chosen row; ] steps to the pair of the next
# top row (as safer top lists them, each pair once); safety heat.
pairs=$("$SAFER" top "$ws" "$top" --side chosen -n 100 2>/dev/null | awk -F'\t' 'NR > 1 && !seen[$1]++ { print $1 }')
p0=$(echo "$pairs" | sed -n 1p)
p1=$(echo "$pairs" | sed -n 2p)
x_keys Enter
x_wait "Pair $p0 of" && x_wait "1/$(echo "$pairs" | wc -l) of the chosen top rows"
ok $? "Enter opens pair $p0 (the first of the chosen top rows)"
x_keys ']'
x_wait "Pair $p1 of" && x_wait "2/"
ok $? "] steps to the next pair of those rows ($p1)"
x_keys '['; x_wait "Pair $p0 of"; x_keys '['
x_wait "the first pair of the chosen top rows"
ok $? "[ at the first says so"
x_keys H
x_wait "heat: safety score"
ok $? "s switches the heat to the safety score"
x_keys q
x_wait "Feature $top ·"

# Label it: name through readline, rating 5.
x_keys l; x_wait "name for feature $top:"
x_type "efusal phras"; x_keys C-a; x_type "r"; x_keys C-e; x_type "ing"; x_keys Enter
x_wait "label: refusal phrasing"
ok $? "label name typed with readline editing keys"
x_keys 5
x_wait "★★★★★"
ok $? "rating 5"
x_keys 3; x_wait "★★★☆☆" && x_keys u && x_wait "★★★★★"
ok $? "undo restores the previous rating"
x_keys q; x_wait "Features 256"
x_keys q; x_wait "EXITED 0"
ok $? "q back, q quits with status 0"
"$SAFER" labels "$ws" 2>/dev/null | grep -q "^$top	refusal phrasing	5	"
ok $? "label saved in the workspace (safer labels)"

# Reopen: the label is there.
x_start "$SAFER explore ws"
x_wait "· 1 label ·"
x_keys ':'; x_type 'filter labelled'; x_keys Enter
x_wait "filter: labelled" && x_wait "refusal phrasing"
ok $? "reopened: the label shows in the table"
x_screen | grep "refusal phrasing" | grep -qF "★★★★★"
ok $? "with its rating"

# Plan and export: the same edit list as `safer plan`.
x_keys ':'; x_type 'plan poison 5%'; x_keys Enter
x_wait "poison 5%:"
ok $? ":plan poison 5% opens the Edits screen"
x_keys ':'; x_type "export $X_T/explore-edits.jsonl"; x_keys Enter
x_wait "wrote $X_T/explore-edits.jsonl"
ok $? ":export writes the edit list"
# An existing file is replaced only by :export!; the workspace never.
cp "$X_T/explore-edits.jsonl" "$X_T/edits.before"
x_keys ':'; x_type "export $X_T/explore-edits.jsonl"; x_keys Enter
x_wait "explore-edits.jsonl exists. Replace it?" && x_keys n && x_settle &&
	cmp -s "$X_T/explore-edits.jsonl" "$X_T/edits.before"
ok $? ":export asks before replacing an existing file, and n keeps it"
x_keys ':'; x_type "export! $X_T/explore-edits.jsonl"; x_keys Enter
x_wait "wrote $X_T/explore-edits.jsonl"
ok $? ":export! replaces it"
cp "$ws/labels.msgpack" "$X_T/labels.before"
x_keys ':'; x_type "export-dataset! $ws/labels.msgpack"; x_keys Enter
x_wait "is inside the workspace" && cmp -s "$ws/labels.msgpack" "$X_T/labels.before"
ok $? ":export-dataset! into the workspace is refused, the file as it was"

# The edited dataset through the W key, a path typed with readline, and
# the confirm dialog when the file exists.
x_keys W; x_wait "write edited dataset to:"
x_type "$X_T/explore-data.jsonl"; x_keys Enter
x_wait "wrote $X_T/explore-data.jsonl"
ok $? "W writes the edited dataset"
x_keys W; x_wait "write edited dataset to:"
x_keys Up; x_keys Enter
x_wait "Replace it?"
ok $? "confirm dialog when the file exists (path from readline history)"
x_keys n
: >"$X_T/explore-data.jsonl"
x_keys W; x_wait "write edited dataset to:"
x_keys Up; x_keys Enter
x_wait "Replace it?" && x_keys y
# the status line still says "wrote" from before: wait for the file itself
for _ in $(seq 400); do [ -s "$X_T/explore-data.jsonl" ] && break; sleep 0.05; done
[ -s "$X_T/explore-data.jsonl" ]
ok $? "confirmed, the existing file is replaced"
# Manual exclude: the first pair leaves the plan, which becomes manual.
n_plan=$(wc -l < "$X_T/explore-edits.jsonl")
x_keys g i
x_wait "plan: manual ($((n_plan - 1)) pairs)"
ok $? "i excludes a pair by hand (manual plan of $((n_plan - 1)))"
[ "$(wc -l < "$ws/plan.jsonl")" -eq $((n_plan - 1)) ]
ok $? "the hand-edited plan is saved as the current plan"
x_keys ':'; x_type 'label refusal phrasing v2'; x_keys Enter
x_wait "labelled (saved)"
ok $? ":label on the current feature"

# Resize: reflow, too-small message, back.
x_resize 70 24
x_settle
x_screen | sed -n 24p | grep -q "p poison" && x_screen | sed -n 1p | grep -q "^safer"
ok $? "redrawn at 70x24 (title on line 1, key bar on line 24)"
x_resize 30 8
x_wait "Terminal too small"
ok $? "too-small message at 30x8"
x_resize 100 30
x_wait "train pairs by score" && x_settle && x_screen | sed -n 30p | grep -q "p poison"
ok $? "drawn again at 100x30"
x_keys q; x_wait "Features"; x_keys q; x_wait "EXITED 0"
ok $? "quit"

"$SAFER" plan "$ws" --poison 0.05 --out "$X_T/cli-edits.jsonl" 2>/dev/null
cmp -s "$X_T/cli-edits.jsonl" "$X_T/explore-edits.jsonl"
ok $? "exported edit list equals safer plan --poison 0.05"
[ "$(wc -l < "$X_T/explore-edits.jsonl")" -gt 0 ]
ok $? "and is not empty"
"$SAFER" export "$ws" --plan "$X_T/cli-edits.jsonl" --out "$X_T/cli-data.jsonl" 2>/dev/null
cmp -s "$X_T/cli-data.jsonl" "$X_T/explore-data.jsonl"
ok $? "exported dataset equals safer export of the same plan"

done_testing
