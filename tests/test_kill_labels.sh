#!/bin/sh
# Crash safety of the labels file: a driver saves labels in a loop through
# the engine (labels_set: temp file, fsync, rename, directory fsync) and is
# killed with SIGKILL at random moments, many times. After every kill the
# workspace must open, its labels must load, and every label whose save
# had completed ("saved N" printed) must be there, intact.
#
# Then the caches: a latents.bin or index.bin with flipped bytes is either
# rebuilt (and the results equal those of the intact cache) or refused with
# a one-line message - never trusted.
. "$srcdir/tests/lib.sh"
driver=${top_builddir:-.}/tests/kill_labels_driver
M=4096
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
	>/dev/null 2>&1
ok $? "fixture workspace created"
"$SAFER" train "$ws" --latents $M --k 4 --epochs 2 >/dev/null 2>&1
ok $? "small SAE ($M features) trained and rows encoded"

# Random delays from a seeded generator, so a failure can be replayed
# (KILL_SEED=...); 0-40 ms covers load, many saves, and mid-save moments.
seed=${KILL_SEED:-$$}
diag "KILL_SEED=$seed"
iters=${KILL_ITERS:-60}
lost=0 broken=0 completed=0 i=0 kills=0
deadline=$(($(date +%s) + 15))
while [ $i -lt "$iters" ] && [ "$(date +%s)" -lt $deadline ]; do
	i=$((i + 1))
	delay=$(awk -v s="$seed" -v i="$i" 'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * 0.04 }')
	"$driver" save "$ws" $M >"$TMPD/out" 2>"$TMPD/err" &
	pid=$!
	# Odd runs: the delay counts from the start (kills land while opening
	# and loading too). Even runs: from the end of loading, so that slow
	# builds (sanitizers) still get killed mid-save.
	if [ $((i % 2)) -eq 0 ]; then
		for _ in $(seq 500); do
			grep -q '^loaded' "$TMPD/out" && break
			sleep 0.01
		done
	fi
	sleep "$delay"
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	if grep -q . "$TMPD/err"; then
		diag "iteration $i: driver said: $(cat "$TMPD/err")"
		broken=$((broken + 1))
	fi
	n=$(grep '^saved ' "$TMPD/out" | tail -1 | cut -d' ' -f2)
	[ -n "$n" ] && completed=$n
	if ! "$driver" check "$ws" $M "$completed" 2>"$TMPD/cerr"; then
		diag "iteration $i (delay $delay s, $completed saves completed): $(cat "$TMPD/cerr")"
		lost=$((lost + 1))
	fi
done
diag "$i runs, $kills killed, $completed labels saved"
[ $broken -eq 0 ]
ok $? "the driver never failed to open or save ($broken failures)"
[ $lost -eq 0 ]
ok $? "after every SIGKILL the workspace opens with every completed label ($lost bad)"
# Enough saves that kills fell between them, whatever the machine's speed
# (a sanitizer build on a loaded machine manages a few dozen in the window).
[ $kills -ge $((i / 2)) ] && [ "$completed" -gt 20 ]
ok $? "kills landed mid-run ($kills of $i) and saves progressed ($completed)"
"$SAFER" labels "$ws" --format tsv >"$TMPD/labels.tsv" 2>"$TMPD/err"
ok $? "safer labels reads the workspace after the kills"
[ -s "$TMPD/err" ] && diag "$(cat "$TMPD/err")"
[ "$(($(wc -l <"$TMPD/labels.tsv") - 1))" -ge "$completed" ]
ok $? "safer labels lists at least the $completed completed labels"
# Killed saves leave NAME.tmp-XXXXXX behind; the next writable open (it
# holds the writer lock, so no live save owns them) must sweep them away.
ntemp=$(find "$ws" -name '*.tmp-??????' | wc -l)
diag "$ntemp temp files from killed saves before a writable open"
: >"$ws/labels.msgpack.tmp-Zz09aB"
[ -d "$ws/sae" ] && : >"$ws/sae/sae.safetensors.tmp-q1W2e3"
: >"$ws/notes.tmp-keep"
"$SAFER" stats "$ws" --format tsv >/dev/null 2>"$TMPD/err"
ok $? "a writable open after the kills succeeds"
find "$ws" -name '*.tmp-??????' >"$TMPD/temps"
[ ! -s "$TMPD/temps" ]
ok $? "no temp files remain after a writable open: $(tr '\n' ' ' <"$TMPD/temps")"
[ -f "$ws/notes.tmp-keep" ]
ok $? "files that only resemble temp names are kept"
rm -f "$ws/notes.tmp-keep"
ls "$ws" | grep -v -E '^(manifest\.msgpack|labels\.msgpack|lock|sae|latents\.bin|index\.bin|pairs\.bin|stats-(sentence|all)\.bin|pooled\.bin|head\.bin|effects\.bin|paired-(sentence|all)\.bin)$' \
	>"$TMPD/extra"
[ ! -s "$TMPD/extra" ]
ok $? "nothing else left behind: $(tr '\n' ' ' <"$TMPD/extra")"
: >"$ws/labels.msgpack.tmp-Ro0000"
# a read-only open (--read-only) sweeps nothing
"$SAFER" stats "$ws" --format tsv --read-only >/dev/null 2>&1
[ -f "$ws/labels.msgpack.tmp-Ro0000" ]
ok $? "a read-only open leaves temp files alone"
rm -f "$ws/labels.msgpack.tmp-Ro0000"

# ---- damaged caches --------------------------------------------------------
"$SAFER" stats "$ws" --format tsv >"$TMPD/stats.good" 2>/dev/null
ok $? "stats on intact caches"
"$SAFER" top "$ws" 1 --format tsv >"$TMPD/top.good" 2>/dev/null
# judge WHAT OUT GOOD RC: a damaged cache is rebuilt, never trusted nor
# refused, when the workspace is writable: same results as intact caches.
judge() {
	local what=$1 out=$2 good=$3 rc=$4
	[ "$rc" -eq 0 ] && cmp -s "$out" "$good"
	ok $? "$what: rebuilt, results unchanged (exit $rc) $(grep -v '%' "$TMPD/err" | head -1)"
}

flip() {
	"$PYTHON3" -c "
import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read()); b[o] ^= 0x5a
open(p, 'wb').write(b)" "$1" "$2"
}

for cache in latents.bin index.bin; do
	[ -f "$ws/$cache" ] || { ok 1 "$cache exists"; continue; }
	cp "$ws/$cache" "$TMPD/$cache.orig"
	size=$(wc -c <"$ws/$cache")
	# a byte in the header, then bytes spread over the body
	for off in 20 $((size / 7)) $((size * 2 / 7)) $((size * 3 / 7)) $((size * 4 / 7)) \
		$((size * 5 / 7)) $((size * 6 / 7)) $((size - 3)) trunc; do
		cp "$TMPD/$cache.orig" "$ws/$cache"
		if [ "$off" = trunc ]; then
			truncate -s $((size / 2)) "$ws/$cache"
		else
			flip "$ws/$cache" "$off"
		fi
		"$SAFER" stats "$ws" --format tsv >"$TMPD/stats.out" 2>"$TMPD/err"
		judge "$cache damaged at $off of $size, stats" "$TMPD/stats.out" "$TMPD/stats.good" $?
		cp "$TMPD/$cache.orig" "$ws/$cache"
		if [ "$off" = trunc ]; then
			truncate -s $((size / 2)) "$ws/$cache"
		else
			flip "$ws/$cache" "$off"
		fi
		"$SAFER" top "$ws" 1 --format tsv >"$TMPD/top.out" 2>"$TMPD/err"
		judge "$cache damaged at $off of $size, top" "$TMPD/top.out" "$TMPD/top.good" $?
	done
	# Read-only: refused, one line naming the cache and saying why it was
	# not rebuilt.
	cp "$TMPD/$cache.orig" "$ws/$cache"
	flip "$ws/$cache" $((size / 2))
	"$SAFER" top "$ws" 1 --format tsv --read-only >/dev/null 2>"$TMPD/err"
	rc=$?
	# (notes aside: the session notes once that a read-only workspace
	# computes in memory)
	[ $rc -eq 1 ] && grep -q "$cache.*read-only" "$TMPD/err" &&
		[ "$(grep -vc '^safer: note: ' "$TMPD/err")" -eq 1 ]
	ok $? "$cache damaged, read-only: refused (exit $rc): $(grep -v "^safer: note: " "$TMPD/err" | head -1)"
	cmp -s "$ws/$cache" "$TMPD/$cache.orig"
	[ $? -ne 0 ]
	ok $? "$cache damaged, read-only: the damaged file was left as it was"
	cp "$TMPD/$cache.orig" "$ws/$cache"
done
done_testing
