#!/bin/sh
# A workspace without an SAE opens on the Train screen; training runs on
# the worker thread with live progress while keys keep working, and ends
# on the Features screen. Also: help, search, goto.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"

ws=$X_T/tws
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$X_T/data" --pairs 200 >/dev/null &&
	"$SAFER" init "$ws" --pairs "$X_T/data/pairs.jsonl" --acts "$X_T/data/acts.safetensors" \
		>/dev/null 2>&1
ok $? "workspace without an SAE"

x_start "$SAFER explore tws"
x_wait "Train the workspace's TopK SAE"
ok $? "opens on the Train screen"
x_keys '?'
x_wait "Keys of the Train screen" && x_wait "Everywhere"
ok $? "? lists the keys of the current screen and the global ones"
x_keys q; x_wait "press Enter to start"
x_wait "k auto (→ 32)"
ok $? "automatic values are shown as they will be resolved"
x_keys ':'; x_type 'set m 48'; x_keys Enter
x_wait "latents 48"
ok $? ":set m 48 (m: another name for latents)"
x_keys ':'; x_type 'set k 0'; x_keys Enter
x_wait "k needs an integer from 1 to 65536, or auto, not '0'"
ok $? ":set refuses a value out of the limits safer train has, naming them"
x_keys ':'; x_type 'set k 64'; x_keys Enter
x_wait "k 64 exceeds latents 48"
ok $? ":set refuses k above latents"
x_keys '='; x_wait "set a training hyperparameter (e.g."; x_type 'epochs 1000'; x_keys Enter
x_wait "epochs 1000"
ok $? "= prompt sets epochs"
x_keys Enter
x_wait "step "
ok $? "training shows live progress"
# Keys work while it runs: help opens and closes; c cancels.
x_keys '?'; x_wait "Keys of the Train screen"
ok $? "keys keep working during training"
x_keys q c
x_wait "training cancelled"
ok $? "c cancels training"
x_keys ':'; x_type 'set epochs 20'; x_keys Enter; x_wait "epochs 20"
x_keys Enter
x_wait "Features 48 of 48" 60
ok $? "training ends on the Features screen"
x_wait "trained: NMSE"
ok $? "with its figures"
[ -f "$ws/latents.bin" ] && [ -f "$ws/sae/sae.safetensors" ]
ok $? "SAE and latents written"

# Search and goto.
f=$("$SAFER" stats "$ws" 2>/dev/null | awk -F'\t' 'NR > 1 && $9 == 5 { print $1 }')
x_keys ':'; x_type "goto $f"; x_keys Enter
x_wait "Feature $f ·"
ok $? ":goto $f"
x_keys l; x_wait "name for feature $f:"; x_type "needle"; x_keys Enter
x_wait "label: needle"
x_keys q; x_wait "Features 48"
x_keys g '/'; x_wait "/"; x_type "need"; x_keys Enter
x_keys Enter
x_wait "Feature $f ·"
ok $? "/ search selects the labelled row (Enter opens feature $f)"
x_keys q; x_wait "Features 48"
# Mouse: a click selects a row, Enter opens it.
want=$(x_screen | sed -n 7p | awk -F'│' '{ print $2 }' | awk '{ print $1 }')
x_click 10 6
x_keys Enter
x_wait "Feature $want ·"
ok $? "mouse click selects feature $want"
x_keys q; x_wait "Features 48"
x_keys q
x_wait "EXITED 0"
ok $? "quit"

done_testing
