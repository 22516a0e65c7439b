# Helpers for the explorer tests: drive the real binary in a private tmux
# server and poll the pane for what should appear (never fixed sleeps).
# Source after lib.sh:  . "$srcdir/tests/explore-lib.sh"
#
#   x_fixture            -> $X_WS: a copy of the shared sample workspace
#   x_start CMD...       start CMD in a 100x30 pane (exit status shown as
#                        "EXITED N" when it ends)
#   x_wait TEXT [SECS]   poll until the pane shows TEXT (fixed string)
#   x_keys KEYS...       tmux send-keys
#   x_screen             the pane's text
#   x_resize W H
: "${top_builddir:=.}"
X_N=0
X_SOCK="safer-x$$-0"
X_T=$TMPD
export LC_ALL=C.UTF-8
unset NO_COLOR
x_kill_all() {
	local i=0
	while [ $i -le $X_N ]; do
		tmux -L "safer-x$$-$i" kill-server 2>/dev/null
		i=$((i + 1))
	done
}
trap 'x_kill_all; rm -rf "$TMPD"' EXIT

command -v tmux >/dev/null || { echo "Bail out! tmux is needed for the explorer tests"; exit 1; }

# The sample workspace, built once per build tree and shared by the
# explorer tests (under a lock: they may run in parallel). Each test
# works on its own copy, since they write labels and plans.
x_fixture() {
	local fx="$top_builddir/tests/explore-fixture"
	local gen="$top_builddir/sample-data/safer-sample-gen"
	mkdir -p "$top_builddir/tests"
	(
		flock 9
		if [ ! -f "$fx/ws/latents.bin" ] || [ "$gen" -nt "$fx/ws/latents.bin" ] ||
			[ "$SAFER" -nt "$fx/ws/latents.bin" ]; then
			rm -rf "$fx" && mkdir -p "$fx" &&
				"$gen" --out "$fx/data" --pairs 400 >/dev/null 2>&1 &&
				"$SAFER" init "$fx/ws" --pairs "$fx/data/pairs.jsonl" \
					--acts "$fx/data/acts.safetensors" >/dev/null 2>&1 &&
				"$SAFER" train "$fx/ws" --latents 256 --k 16 --seed 1 >/dev/null 2>&1
		fi
	) 9>"$top_builddir/tests/explore-fixture.lock"
	[ -f "$fx/ws/latents.bin" ] || { echo "Bail out! could not build the sample workspace"; exit 1; }
	X_WS=$X_T/ws
	rm -rf "$X_WS"
	cp -r "$fx/ws" "$X_WS"
	rm -f "$X_WS/lock"
}

# Each start gets its own server: a server being killed may still hold
# its socket for a moment.
x_start() {
	tmux -L "$X_SOCK" kill-server 2>/dev/null
	X_N=$((X_N + 1))
	X_SOCK="safer-x$$-$X_N"
	tmux -L "$X_SOCK" -f /dev/null new -d -x 100 -y 30 \
		"cd '$X_T' && $*; echo EXITED \$?; sleep 600"
	tmux -L "$X_SOCK" set -g remain-on-exit off >/dev/null 2>&1
}

# The pid of the safer process in the pane: the pane runs a shell, safer is
# its child (read from /proc, so no procps is needed).
x_pid() {
	local shell p
	shell=$(tmux -L "$X_SOCK" display -p '#{pane_pid}' 2>/dev/null) || return 1
	for p in /proc/[0-9]*; do
		[ "$(cut -d' ' -f4 "$p/stat" 2>/dev/null)" = "$shell" ] &&
			[ "$(cat "$p/comm" 2>/dev/null)" = safer ] && { echo "${p#/proc/}"; return 0; }
	done
	return 1
}

x_screen() { tmux -L "$X_SOCK" capture-pane -p 2>/dev/null; }

x_wait() {
	local want=$1 secs=${2:-10} i=0
	local n=$((secs * 20))
	while [ $i -lt $n ]; do
		if x_screen | grep -qF -- "$want"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	diag "timed out waiting for: $want"
	x_screen | sed 's/^/#   /'
	return 1
}

# Poll until the pane stops changing (three equal captures in a row):
# after a resize, old content matches any x_wait until the redraw.
x_settle() {
	local prev="" cur same=0 i=0
	while [ $i -lt 200 ] && [ $same -lt 3 ]; do
		cur=$(x_screen)
		if [ "$cur" = "$prev" ]; then same=$((same + 1)); else same=0; fi
		prev=$cur
		sleep 0.05
		i=$((i + 1))
	done
}

x_keys() { tmux -L "$X_SOCK" send-keys "$@"; }
x_type() { tmux -L "$X_SOCK" send-keys -l "$1"; }

x_resize() { tmux -L "$X_SOCK" resize-window -x "$1" -y "$2"; }

# A left click at column x, row y (0-based), as the terminal reports it
# to a program that enabled the mouse (X10 encoding: ESC [ M b x y).
x_click() {
	local cx cy
	cx=$(printf "\\$(printf %o $((33 + $1)))")
	cy=$(printf "\\$(printf %o $((33 + $2)))")
	tmux -L "$X_SOCK" send-keys -l "$(printf '\033[M ')$cx$cy$(printf '\033[M#')$cx$cy"
}
