#!/bin/sh
# Encoder throughput of the SAE kinds (TopK, JumpReLU, ReLU) on the same
# weights and rows, safer (bench/bench_kinds) against numpy
# (bench/kinds_peer.py) in one run, with the mean active latents per row.
# The JumpReLU thresholds are set from the rows so that about 2k latents
# fire per row. Run from the build directory (make bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
bin=${BENCH_KINDS:-./bench/bench_kinds}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-kinds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

shape() { # d m k batch steps
	"$py" - "$@" "$tmp" <<'PYEOF'
import sys
import numpy as np
d, m, k, B, steps = (int(a) for a in sys.argv[1:6])
out = sys.argv[6]
rng = np.random.default_rng(1)
x = rng.standard_normal((B * steps, d)).astype(np.float32)
W = (rng.standard_normal((m, d)) / np.sqrt(d)).astype(np.float32)
b_enc = (rng.standard_normal(m) * 0.1).astype(np.float32)
b_dec = np.zeros(d, np.float32)
pre = x[:2048] @ W.T + b_enc
thr = np.quantile(pre, 1 - 2.0 * k / m, axis=0).astype(np.float32)
x.tofile(out + "/x.f32")
np.concatenate([W.ravel(), b_enc, thr, b_dec]).astype(np.float32).tofile(out + "/w.f32")
PYEOF
	ours=$("$bin" "$@" "$tmp/x.f32" "$tmp/w.f32")
	peer=$("$py" "$here/kinds_peer.py" "$@" "$tmp/x.f32" "$tmp/w.f32")
	echo "d $1 m $2 k $3 batch $4"
	for kind in topk jumprelu relu; do
		o=$(printf '%s\n' "$ours" | grep "^kind=$kind ")
		p=$(printf '%s\n' "$peer" | grep "^kind=$kind ")
		printf '%s\n%s\n' "$o" "$p" | awk -v kind="$kind" '
			{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[NR, kv[1]] = kv[2] } }
			END { printf "  %-8s safer %8.0f rows/s (L0 %6.1f) | numpy %8.0f rows/s (L0 %6.1f) | x%.2f\n",
			      kind, v[1, "rows_s"], v[1, "l0"], v[2, "rows_s"], v[2, "l0"], v[1, "rows_s"] / v[2, "rows_s"] }'
	done
}

shape 256 4096 32 1024 10
shape 2048 16384 64 1024 2
