#!/bin/sh
# The activation file is truncated while a command has it mapped. Reading
# a page past the new end raises SIGBUS; the program must end with one
# line naming the file ("changed size while in use"), exit 1, and leave
# the workspace as it was: no temp file of the save in progress, no new
# SAE, the old latents untouched.
. "$srcdir/tests/lib.sh"
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" --pairs 2000 --d 64 >/dev/null || exit 1
cd "$TMPD" || exit 1
acts=$TMPD/data/acts.safetensors
ws=ws
"$SAFER" init $ws --pairs data/pairs.jsonl --acts "$acts" >/dev/null 2>&1 &&
	"$SAFER" train $ws --latents 4096 --k 8 --epochs 1 >/dev/null 2>&1 &&
	cp "$acts" acts.keep
ok $? "workspace with an SAE and its latents ($(wc -c <"$acts") bytes of activations)"

snapshot() { (cd $ws && find . -type f ! -name lock | sort | xargs md5sum); }
snapshot >before.txt

# shrink_during WORD CMD...: start CMD, wait for WORD in its progress,
# truncate the activations, wait for CMD to end; its exit code in $rc and
# its stderr in err.txt.
shrink_during() {
	local word=$1
	shift
	"$@" >/dev/null 2>err.txt &
	local pid=$!
	for _ in $(seq 1200); do
		grep -q "$word" err.txt && break
		sleep 0.05
	done
	truncate -s 100000 "$acts"
	wait $pid
	rc=$?
}

# last_line: the last line of err.txt, progress (\r-separated) left out
last_line() { tr '\r' '\n' <err.txt | grep . | tail -1; }

check_after() {
	local what=$1
	[ $rc -eq 1 ] && [ "$(last_line)" = "safer: $acts: changed size while in use" ]
	ok $? "$what: one line naming the file, exit 1 (exit $rc: $(last_line))"
	! grep -q "Bus error" err.txt
	ok $? "$what: no bus error"
	snapshot >after.txt
	cmp -s before.txt after.txt
	ok $? "$what: the workspace is as it was"
	diff before.txt after.txt | sed 's/^/# /'
	[ -z "$(find $ws -name '*.tmp-*' -o -name 'sae.new-*')" ]
	ok $? "$what: no temp file left behind"
	cp acts.keep "$acts"
}

shrink_during "training:" "$SAFER" train $ws --latents 64 --k 4 --epochs 100000
check_after "train"
shrink_during "encoding:" "$SAFER" encode $ws --force --prompt
check_after "encode"
"$SAFER" stats $ws >/dev/null 2>&1
ok $? "with the file restored the workspace works"
done_testing
