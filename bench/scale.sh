#!/bin/sh
# How safer scales with the number of rows N: generated workspaces of N
# rows x 256 F16 (40 rows a pair: prompt, chosen, rejected 1:2:2) with a
# random TopK SAE (4096 latents, k 32), at N = 1M, 3M and 10M by default.
# For each N: safer init (reads every value once), load-sae, encode (the
# latents of every row), the feature index (first `safer top`), the
# statistics (first `safer stats`), safer info (open only), and the
# explorer from launch to its first screen with warm caches (median of 3),
# each with its wall time and peak resident memory; then the disk the
# caches take. Last, each figure's growth exponent between the smallest
# and largest N (t ~ N^e: 1 is linear; 0 does not grow). Peers: the same
# encode as one numpy sgemm + argpartition top-k on 1M rows, in this run.
# Files go under TMPDIR and are removed after each N; an N that does not
# fit on the disk (with 2 GB spare) is skipped, saying so.
#   SCALE_ROWS="1000000 3000000 10000000" sh bench/scale.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
SAFER=${SAFER:-$PWD/tui/safer}
PY=${PYTHON3:-/usr/bin/python3}
ROWS=${SCALE_ROWS:-1000000 3000000 10000000}
D=256 M=4096 K=32
[ -x "$SAFER" ] || { echo "scale.sh: no safer binary at $SAFER (run from the build directory)" >&2; exit 1; }
base=$(mktemp -d "${TMPDIR:-/tmp}/safer-bench-scale.XXXXXX")
trap 'rm -rf "$base"' EXIT INT TERM
export TERM=xterm-256color LC_ALL=C.UTF-8
m="$PY $here/measure.py"
echo "threads $(nproc), OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$here/make_scale_sae.py" "$base/sae" $D $M $K
res=$base/results
: >"$res"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for N in $ROWS; do
	dir=$base/n$N
	mkdir -p "$dir"
	# acts 512 B a row, latents and index about 8 B per kept code each
	need_kb=$(( N * (2 * D + 20 + 2 * 8 * K) / 1024 + 2097152 ))
	avail=$(df -P -k "$dir" | awk 'NR == 2 { print $4 }')
	if [ "$avail" -lt "$need_kb" ]; then
		echo "N $N: skipped, needs $((need_kb / 1048576)) GB on $(df -P "$dir" | awk 'NR==2{print $6}'), $((avail / 1048576)) GB free"
		rm -rf "$dir"
		continue
	fi
	t0=$(date +%s.%N)
	"$PY" "$here/make_open_data.py" "$dir" "$N" $D $((N / 40))
	t1=$(date +%s.%N)
	echo "N $N: $(stat -c %s "$dir/acts.safetensors") bytes of activations, $((N / 40)) pairs (made in $(awk "BEGIN { printf \"%.0f\", $t1 - $t0 }") s)"
	one() { # NAME CMD...: one run, "NAME N wall_s rss_mb" into the results
		name=$1
		shift
		r=$($m 1 "$@")
		echo "$name $N $r" >>"$res"
		printf '  %-8s %8.2f s  %7.1f MB resident\n' "$name" ${r% *} ${r#* }
	}
	one init "$SAFER" init "$dir/ws" --pairs "$dir/pairs.jsonl" --acts "$dir/acts.safetensors"
	one load "$SAFER" load-sae "$dir/ws" "$base/sae"
	one encode "$SAFER" encode "$dir/ws"
	one index "$SAFER" top "$dir/ws" 0 -n 10
	one stats "$SAFER" stats "$dir/ws"
	one info "$SAFER" info "$dir/ws"
	: >"$dir/launch"
	for i in 1 2 3 4; do
		SAFER_EXPLORE_EXIT_AFTER_DRAW=1 EXPLORE_PTY_RSS=1 "$PY" "$here/explore_pty.py" \
			"$SAFER" explore "$dir/ws" >>"$dir/launch"
	done
	# the first launch warms what the others reuse
	ms=$(tail -n 3 "$dir/launch" | cut -d' ' -f1 | median)
	mb=$(tail -n 3 "$dir/launch" | cut -d' ' -f2 | sort -g | tail -1)
	echo "explore $N $(awk "BEGIN { print $ms / 1000 }") $mb" >>"$res"
	printf '  %-8s %8.3f s  %7.1f MB resident (median of 3 warm launches)\n' explore \
		"$(awk "BEGIN { print $ms / 1000 }")" "$mb"
	echo "  caches: latents $(du -m "$dir/ws/latents.bin" | cut -f1) MB, index $(du -m "$dir/ws/index.bin" | cut -f1) MB, stats $(du -ck "$dir"/ws/stats-*.bin | tail -1 | cut -f1) KB"
	if [ "$N" = "$(echo $ROWS | cut -d' ' -f1)" ]; then
		peer=$("$PY" - "$dir/acts.safetensors" "$base/sae/sae.safetensors" $N $D $M $K <<'PYEOF'
import json, struct, sys, time
import numpy as np
acts, sae, N, D, M, K = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
def tensor(path, name):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        h = json.loads(f.read(n))
    t = h[name]
    dt = {"F16": np.float16, "F32": np.float32}[t["dtype"]]
    b, e = t["data_offsets"]
    return np.memmap(path, dtype=dt, mode="r", offset=8 + n + b, shape=tuple(t["shape"]))
X, W = tensor(acts, "acts"), np.ascontiguousarray(tensor(sae, "encoder.weight"))
t = time.perf_counter()
for r in range(0, N, 8192):
    pre = X[r:r + 8192].astype(np.float32) @ W.T
    idx = np.argpartition(-pre, K, axis=1)[:, :K]
    val = np.take_along_axis(pre, idx, 1)
print(time.perf_counter() - t)
PYEOF
)
		echo "  peer: numpy encode (F16 -> F32, sgemm, argpartition top-k) of the same $N rows: $(awk "BEGIN { printf \"%.2f\", $peer }") s"
		echo "peer_encode $N $peer 0" >>"$res"
	fi
	rm -rf "$dir"
done

first=$(echo $ROWS | cut -d' ' -f1)
echo "growth from the smallest to the largest N (t ~ N^e, rss ~ N^e):"
awk -v lo="$first" '
	$2 == lo { t0[$1] = $3; r0[$1] = $4 }
	{ if (!($1 in nmax) || $2 > nmax[$1]) { nmax[$1] = $2; t1[$1] = $3; r1[$1] = $4 } }
	END {
		split("init load encode index stats info explore", order, " ")
		for (i = 1; i <= 7; i++) {
			k = order[i]
			if (!(k in t0) || nmax[k] == lo) continue
			f = log(nmax[k] / lo)
			printf "  %-8s time e = %5.2f (%.2f s -> %.2f s), memory e = %5.2f (%.0f MB -> %.0f MB)\n",
				k, log(t1[k] / t0[k]) / f, t0[k], t1[k], log(r1[k] / r0[k]) / f, r0[k], r1[k]
		}
	}' "$res"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
