#!/bin/sh
# Paths never reach the terminal raw in what the commands say when they
# succeed ("created ...", "saved ...", "encoded ... into ...", "loaded
# ...", "wrote ...", "imported ...") any more than in their errors. Every
# command family is run on a workspace, an SAE and outputs inside a
# directory whose name holds an OSC 52 clipboard write, a clear-screen,
# a C1 CSI (U+009B as UTF-8), a bidi override (U+202E) and a newline:
# messages are checked written to files (where they are still messages,
# escaped as error messages are) and on a pty (tests/term_check.py looks
# at every byte). Each message must also stay one line.
. "$srcdir/tests/lib.sh"
check=$srcdir/tests/term_check.py
cd "$TMPD" || exit 1
"$PYTHON3" "$srcdir/tests/harden_fixture.py" data --pairs 48 >/dev/null || exit 1
H=$TMPD/$(printf 'x\033]52;c;cm0gLXJmIH4=\007y\033[2Jz\302\233m\342\200\256w\nv')
mkdir "$H" && [ -d "$H" ]
ok $? "a directory with OSC 52, ESC [2J, a C1 CSI, U+202E and a newline in its name"
ws=$H/ws

# said NAME CMD...: run CMD with stdout and stderr in files; neither may
# hold anything that can drive a terminal, and each message is one line
# (no line may start with the end of the name after its newline).
said() {
	local name=$1
	shift
	"$@" >out.txt 2>err.txt
	local rc=$?
	cat out.txt err.txt >both.txt
	"$PYTHON3" "$check" both.txt >check.out && ! grep -q '^v' both.txt
	ok $? "$name: its messages are escaped (exit $rc): $(head -c 160 both.txt | tr "\n" "|" | cat -v)"
	cat check.out
	return $rc
}

# on_tty NAME CMD...: CMD with stdout and stderr on a pty (script(1));
# nothing that reached the terminal may drive it.
on_tty() {
	local name=$1 cmd="" a
	shift
	for a in "$@"; do
		cmd="$cmd '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
	done
	script -qec "$cmd" /dev/null </dev/null >tty.out 2>&1
	local rc=$?
	"$PYTHON3" "$check" tty.out >check.out
	ok $? "$name on a terminal: nothing raw (exit $rc, $(wc -c <tty.out) bytes)"
	cat check.out
}

said "init: created" "$SAFER" init "$ws" --pairs data/pairs.jsonl --acts data/acts.safetensors
grep -q '^created ' out.txt && [ "$(wc -l <out.txt)" -eq 1 ]
ok $? "init said 'created' on one line"
said "train: saved" "$SAFER" train "$ws" --latents 64 --k 4 --epochs 2
grep -q 'saved .*/sae' out.txt
ok $? "train said where it saved the SAE"
said "encode: encoded ... into" "$SAFER" encode "$ws" --force
grep -q '^encoded .* into ' out.txt
ok $? "encode said what it encoded into"
said "encode: up to date" "$SAFER" encode "$ws"
cp -r "$ws/sae" "$H/sae-src"
said "load-sae: loaded" "$SAFER" load-sae "$ws" "$H/sae-src"
grep -q '^loaded ' out.txt
ok $? "load-sae said what it loaded"
"$SAFER" label "$ws" 3 --name named --safety 5 >/dev/null 2>&1
said "labels --export" "$SAFER" labels "$ws" --export "$H/labels.json"
said "labels --import: imported" "$SAFER" labels "$ws" --import "$H/labels.json"
grep -q 'imported ' err.txt
ok $? "labels --import said how many it imported"
said "plan --out" "$SAFER" plan "$ws" --poison 0.2 --out "$H/plan.jsonl"
said "plan --out an existing file (refused)" "$SAFER" plan "$ws" --poison 0.2 --out "$H/plan.jsonl"
grep -q 'exists; --force' err.txt
ok $? "the refusal names the file, escaped"
said "plan --out inside the workspace (refused)" "$SAFER" plan "$ws" --poison 0.2 --out "$ws/x.jsonl"
said "export: wrote" "$SAFER" export "$ws" --plan "$H/plan.jsonl" --out "$H/edited.jsonl"
grep -q 'wrote ' err.txt
ok $? "export said what it wrote"
said "eval --plan" "$SAFER" eval "$ws" --plan "$H/plan.jsonl" --seeds 1
said "an unknown command named like the directory" "$SAFER" "$H"
said "init over an existing workspace (refused)" "$SAFER" init "$ws" --pairs data/pairs.jsonl \
	--acts data/acts.safetensors
said "a missing workspace" "$SAFER" info "$H/none"
said "help for a command named like the directory" "$SAFER" help "$H"

# The tables name the workspace too (info's workspace, pairs_file); on a
# terminal they are escaped; in a file they are data, left as they are.
on_tty "init: created" "$SAFER" init "$H/ws2" --pairs data/pairs.jsonl --acts data/acts.safetensors
on_tty "encode --force" "$SAFER" encode "$ws" --force
on_tty "load-sae" "$SAFER" load-sae "$ws" "$H/sae-src"
on_tty "info" "$SAFER" info "$ws"
on_tty "stats" "$SAFER" stats "$ws" -n 5
on_tty "top" "$SAFER" top "$ws" 3 -n 2
on_tty "labels" "$SAFER" labels "$ws"
on_tty "labels --import" "$SAFER" labels "$ws" --import "$H/labels.json"
on_tty "score" "$SAFER" score "$ws"
on_tty "plan --out --force" "$SAFER" plan "$ws" --poison 0.2 --out "$H/plan.jsonl" --force
on_tty "eval --plan" "$SAFER" eval "$ws" --plan "$H/plan.jsonl" --seeds 1
on_tty "export --force" "$SAFER" export "$ws" --out "$H/edited.jsonl" --force
on_tty "train --epochs 1" "$SAFER" train "$ws" --latents 64 --k 4 --epochs 1
done_testing
