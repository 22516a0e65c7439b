#!/bin/sh
# The explorer's keys as terminals really send them, under two terminfo
# entries (xterm-256color, screen-256color): the Home, End, Delete and F1
# variants of xterm, tmux, screen, rxvt and the Linux console are
# recognised; sequences no entry names (and Alt with a key) are dropped
# whole, never split into Esc (back), '[' (previous feature), '1' (rate);
# a lone Esc still means back.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"

x_fixture
ws=$X_WS
stats=$("$SAFER" stats "$ws" 2>/dev/null)
top=$(echo "$stats" | awk -F'\t' 'NR > 1 && $9 == 0 { print $1 }')
nf=$(echo "$stats" | tail -n +2 | wc -l)
last=$(echo "$stats" | awk -F'\t' -v r=$((nf - 1)) 'NR > 1 && $9 == r { print $1 }')
[ -n "$top" ] && [ -n "$last" ]
ok $? "reference features from the CLI (first $top, last $last by |salience|)"

esc=$(printf '\033')
# seq_send BYTES...: each argument typed as one burst, as a terminal does.
seq_send() { for s in "$@"; do x_type "$s"; done; }

for T in xterm-256color screen-256color; do
	x_start "TERM=$T $SAFER explore ws"
	x_resize 100 30
	x_wait "Features 256 of 256" || continue

	# End, in each terminal's spelling, then Enter: the last feature.
	for s in "[4~" "[8~" "[F" "OF" "[1;5F" "[4\$"; do
		x_keys g
		x_type "$esc$s"
		x_keys Enter
		x_wait "Feature $last ·" 5
		ok $? "$T: End as ESC $s goes to the last row (feature $last), and quits nothing"
		x_keys q; x_wait "Features 256 of 256" 5
	done
	# Home, likewise: the first feature.
	for s in "[1~" "[7~" "[H" "OH" "[1;5H" "[7^"; do
		x_keys G
		x_type "$esc$s"
		x_keys Enter
		x_wait "Feature $top ·" 5
		ok $? "$T: Home as ESC $s goes to the first row (feature $top)"
		x_keys q; x_wait "Features 256 of 256" 5
	done

	# On a Feature screen, keys it has no use for and sequences nobody
	# knows do nothing at all: no rating, no step to another feature, no
	# going back. '?' after them proves they were all read.
	x_keys g Enter; x_wait "Feature $top ·"
	seq_send "$esc[1~" "$esc[4~" "$esc[3~" "$esc[2~" "$esc[99~" "$esc[1;3A" \
		"$esc[1;2C" "$esc[200~" "$esc[?1;2c" "${esc}q" "${esc}1" "$esc[3;5~" \
		"$esc[2\$" "$esc[5^" "${esc}O2R" "$esc[25~" "${esc}Oz" "$esc$esc[A" \
		"$esc[>0;276;0c" "$esc[I" "$esc[O"
	x_keys h
	x_wait "Keys of the Feature screen" 5
	ok $? "$T: after 21 unknown or unused sequences the program still runs and reads keys"
	x_keys q; x_wait "Feature $top ·" 5
	ok $? "$T: ... and is still on feature $top"
	x_screen | grep -q "rating unrated"
	ok $? "$T: ... which no '1' or '5' from a sequence rated"
	! "$SAFER" labels "$ws" 2>/dev/null | grep -q "^$top	"
	ok $? "$T: ... and nothing was saved for it"

	# F1 in the xterm, rxvt, Linux console and modified spellings: help.
	for s in "OP" "[11~" "[[A" "[1;2P"; do
		x_type "$esc$s"
		x_wait "Keys of the Feature screen" 5
		ok $? "$T: F1 as ESC $s opens help"
		x_keys q; x_wait "Feature $top ·" 5
	done

	# The command line: Home and Delete edit it, an unknown sequence
	# inserts nothing.
	x_keys ':'; x_wait ':' 5
	x_type "xoto $top"
	x_type "$esc[1~"; x_type "$esc[3~"; x_type "$esc[99~"; x_type g
	x_type "$esc[4~"; x_keys Enter
	x_wait "Feature $top ·" 5 && ! x_screen | grep -q "unknown command"
	ok $? "$T: Home, Delete, End and an unknown sequence in the : line (goto $top)"

	# A lone Esc: back, after ESCDELAY.
	x_keys Escape
	x_wait "Features 256 of 256" 5
	ok $? "$T: a lone Esc goes back"
	x_keys Escape
	x_wait "EXITED 0" 5
	ok $? "$T: a lone Esc on the first screen quits"
done

done_testing
