#!/bin/sh
# Explorer latency on the sample workspace (and, with SAFER_BENCH_LARGE=1,
# on a workspace of about a million rows; SAFER_BENCH_WS=DIR benches DIR
# alone):
#   launch: from exec to the first drawn screen (warm caches), median of 9,
#           against `safer stats` on the same workspace (the CLI computing
#           the numbers the first screen shows) as the peer;
#   switch: key press to finished redraw when stepping to the next feature
#           on the Feature screen (timed inside the program around dispatch
#           and doupdate), median of 60, against one `safer top` call for a
#           feature (what the CLI takes to show the same rows) as the peer.
set -eu
: "${top_builddir:=.}"
: "${srcdir:=.}"
SAFER=${SAFER:-$top_builddir/tui/safer}
GEN=$top_builddir/sample-data/safer-sample-gen
PY=${PYTHON3:-/usr/bin/python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/safer-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export TERM=xterm-256color LC_ALL=C.UTF-8

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

now_ms() { "$PY" -c 'import time; print("%.3f" % (time.perf_counter() * 1e3))'; }

bench_ws() {
	ws=$1
	label=$2
	# warm the caches (index.bin, page cache)
	"$SAFER" stats "$ws" >/dev/null 2>&1
	SAFER_EXPLORE_EXIT_AFTER_DRAW=1 "$PY" "$srcdir/bench/explore_pty.py" "$SAFER" explore "$ws" >/dev/null
	: > "$T/launch"
	: > "$T/peer"
	for i in 1 2 3 4 5 6 7 8 9; do
		SAFER_EXPLORE_EXIT_AFTER_DRAW=1 "$PY" "$srcdir/bench/explore_pty.py" "$SAFER" explore "$ws" >> "$T/launch"
		"$PY" "$srcdir/bench/explore_pty.py" "$SAFER" stats "$ws" >> "$T/peer"
	done
	launch=$(median < "$T/launch")
	peer=$(median < "$T/peer")
	# Enter opens the top feature; then 60 times ']' (next feature).
	keys=$(printf '\r'; i=0; while [ $i -lt 60 ]; do printf ']'; i=$((i + 1)); done)
	SAFER_EXPLORE_BENCH_KEYS=$keys SAFER_EXPLORE_BENCH_OUT=$T/keys \
		"$PY" "$srcdir/bench/explore_pty.py" "$SAFER" explore "$ws" >/dev/null
	switch=$(tail -n +2 "$T/keys" | median)
	p90=$(tail -n +2 "$T/keys" | sort -g | awk '{ v[NR] = $1 } END { print v[int(NR * 0.9)] }')
	feat=$("$SAFER" stats "$ws" 2>/dev/null | awk -F'\t' 'NR > 1 && $9 == 1 { print $1 }')
	: > "$T/top"
	for i in 1 2 3 4 5; do
		"$PY" "$srcdir/bench/explore_pty.py" "$SAFER" top "$ws" "$feat" -n 100 >> "$T/top"
	done
	top=$(median < "$T/top")
	rows=$("$SAFER" info "$ws" 2>/dev/null | awk -F'\t' '/rows/ { print $2; exit }')
	echo "explore $label ($rows rows):"
	awk -v a="$launch" -v b="$peer" 'BEGIN { printf "  launch to first screen  %8.1f ms   (safer stats %.1f ms, ratio %.2f; target < 300 ms)\n", a, b, a / b }'
	awk -v a="$switch" -v q="$p90" -v b="$top" 'BEGIN { printf "  next feature, redraw   %8.2f ms median, %.2f ms p90   (safer top %.1f ms, ratio %.3f; target < 50 ms)\n", a, q, b, a / b }'
}

# An existing workspace given by the caller.
if [ -n "${SAFER_BENCH_WS:-}" ]; then
	bench_ws "$SAFER_BENCH_WS" "$SAFER_BENCH_WS"
	exit 0
fi

# The sample workspace: 400 pairs, as the explorer tests use.
"$GEN" --out "$T/data" --pairs 400 >/dev/null 2>&1
"$SAFER" init "$T/ws" --pairs "$T/data/pairs.jsonl" --acts "$T/data/acts.safetensors" >/dev/null 2>&1
"$SAFER" train "$T/ws" --latents 256 --k 16 --seed 1 >/dev/null 2>&1
bench_ws "$T/ws" "sample workspace"

if [ "${SAFER_BENCH_LARGE:-0}" = 1 ]; then
	"$GEN" --out "$T/big" --pairs 14000 >/dev/null 2>&1
	"$SAFER" init "$T/bws" --pairs "$T/big/pairs.jsonl" --acts "$T/big/acts.safetensors" >/dev/null 2>&1
	"$SAFER" train "$T/bws" --latents 1024 --k 32 --epochs 1 --seed 1 >/dev/null 2>&1
	bench_ws "$T/bws" "large workspace"
fi
