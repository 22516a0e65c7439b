#!/bin/sh
# The explorer against hostile text, and terminal hygiene: escape
# sequences and invalid UTF-8 from the dataset show as ^[ and U+FFFD
# (the terminal never obeys them), NO_COLOR means no colour, --read-only
# writes nothing, Ctrl-C and a crash restore the terminal.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"

ws=$X_T/hws
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$X_T/data" --hostile --pairs 40 >/dev/null &&
	"$SAFER" init "$ws" --pairs "$X_T/data/pairs.jsonl" --acts "$X_T/data/acts.safetensors" \
		>/dev/null 2>&1 &&
	"$SAFER" train "$ws" --latents 32 --k 4 --seed 1 >/dev/null 2>&1
ok $? "hostile workspace built"

x_start "$SAFER explore hws"
x_wait "Features 32 of 32"
ok $? "explorer opens on it"
title0=$(tmux -L "$X_SOCK" display -p '#{pane_title}')
x_keys Enter
x_wait "rejected (top"
# Open the side where the top feature fires and then a pair.
x_screen | grep -q '│ *[0-9]*\.[0-9] …' 
ok $? "contexts drawn"
scr=$(x_screen)
echo "$scr" | grep -qF '^[[2J' || echo "$scr" | grep -qF '^[]0;pwned'
ok $? "escape sequences in tokens shown as ^["
echo "$scr" | grep -qF '�'
ok $? "invalid UTF-8 in tokens shown as U+FFFD"
[ "$(tmux -L "$X_SOCK" display -p '#{pane_title}')" = "$title0" ]
ok $? "pane title unchanged (OSC from the data not obeyed)"
echo "$scr" | head -1 | grep -q "^safer — ws"
ok $? "screen not cleared by the data (title line intact)"
printf '%s' "$scr" | LC_ALL=C grep -q "$(printf '\033')"
[ $? -ne 0 ]
ok $? "no raw ESC byte on the screen"

# A pair: prompt and responses hold every C0/C1 control.
x_keys Tab; x_keys Enter
x_wait "Pair "
ok $? "pair opens"
x_screen | grep -qF '^[' && x_screen | grep -qF '<U+202E>'
ok $? "pair text: controls as ^[ and bidi overrides as <U+202E>"

# A second explorer asked to be read-only says so, with the reason, and
# writes nothing. (Two writable ones can share a workspace: the lock is
# only held while a change is saved; see test_explore_session.sh.)
first=$X_SOCK
tmux -L "$X_SOCK" new-window -d "cd '$X_T' && $SAFER explore hws --read-only; echo EXITED \$?; sleep 600"
i=0
while [ $i -lt 200 ]; do
	tmux -L "$X_SOCK" capture-pane -p -t :1 | grep -q "Features 32 of 32" && break
	sleep 0.05
	i=$((i + 1))
done
tmux -L "$X_SOCK" capture-pane -p -t :1 | grep -q "READ-ONLY" &&
	tmux -L "$X_SOCK" capture-pane -p -t :1 | grep -q "read-only: opened"
ok $? "read-only explorer says read-only, with the reason"
tmux -L "$X_SOCK" send-keys -t :1 5
i=0
while [ $i -lt 100 ]; do
	tmux -L "$X_SOCK" capture-pane -p -t :1 | grep -q "nothing is saved" && break
	sleep 0.05
	i=$((i + 1))
done
tmux -L "$X_SOCK" capture-pane -p -t :1 | grep -q "nothing is saved" && [ ! -f "$ws/labels.msgpack" ]
ok $? "read-only explorer does not write labels"
tmux -L "$X_SOCK" send-keys -t :1 q

# Ctrl-C: the loop ends, the terminal is restored, status 130.
x_keys C-c
x_wait "EXITED 130"
ok $? "Ctrl-C quits with status 130"
[ "$(tmux -L "$X_SOCK" display -p '#{alternate_on}')" = 0 ]
ok $? "terminal restored (alternate screen off)"

# A crash (SIGSEGV) restores the terminal before dying.
x_start "$SAFER explore hws"
x_wait "Features 32"
pid=$(x_pid)
[ -n "$pid" ] && kill -SEGV "$pid"
x_wait "EXITED 139"
ok $? "crash: exit by SIGSEGV"
[ "$(tmux -L "$X_SOCK" display -p '#{alternate_on}')" = 0 ]
ok $? "crash: terminal restored"

# NO_COLOR: attributes only, no colours.
x_start "NO_COLOR=1 $SAFER explore hws"
x_wait "Features 32"
esc=$(printf '\033')
tmux -L "$X_SOCK" capture-pane -p -e | grep -qE "$esc\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]"
[ $? -ne 0 ]
ok $? "NO_COLOR: no colour in the pane"
tmux -L "$X_SOCK" capture-pane -p -e | grep -qE "$esc\[([0-9;]*;)?7[;m]"
ok $? "NO_COLOR: selection still shown (reverse video)"
x_keys q
x_wait "EXITED 0"
ok $? "quit"

# --color: never is NO_COLOR, always overrides it.
colour() { tmux -L "$X_SOCK" capture-pane -p -e | grep -qE "$esc\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]"; }
x_start "$SAFER explore hws --color=never"
x_wait "Features 32"
colour
[ $? -ne 0 ]
ok $? "--color=never: no colour in the pane"
x_keys q
x_wait "EXITED 0"
x_start "NO_COLOR=1 $SAFER explore hws --color always"
x_wait "Features 32"
colour
ok $? "--color always: colour despite NO_COLOR"
x_keys q
x_wait "EXITED 0"
ok $? "quit"

done_testing
