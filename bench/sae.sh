#!/bin/sh
# TopK SAE training step and encoder: safer (bench/bench_sae) against the
# PyTorch CPU step (bench/sae_torch.py: SAFER's dense formulation and a
# sparse-aware one), same rows, same thread count, in one run; plus
# OpenBLAS sgemm on the encoder's GEMM shape, for the fraction of the
# one-GEMM limit. OpenBLAS's environment is left as it is; torch gets the
# thread count OpenBLAS uses. Run from the build directory (make bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-/usr/bin/python3}
bin=${BENCH_SAE:-./bench/bench_sae}
threads=${OPENBLAS_NUM_THREADS:-$(nproc)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-sae.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "threads $threads (OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}," \
	"OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

shape() { # d m k batch steps
	d=$1 m=$2 k=$3 b=$4 steps=$5
	"$py" -c "import numpy as np; np.random.default_rng(1).standard_normal(($b*$steps,$d)).astype(np.float32).tofile('$tmp/x.f32')"
	ours=$("$bin" "$d" "$m" "$k" "$b" "$steps" "$tmp/x.f32" "$tmp/w.f32")
	peer=$("$py" "$here/sae_torch.py" "$d" "$m" "$k" "$b" "$steps" "$threads" "$tmp/x.f32")
	dense=$(printf '%s\n' "$peer" | sed -n 's/^variant=dense rows_s=\([0-9.]*\).*/\1/p')
	sparse=$(printf '%s\n' "$peer" | sed -n 's/^variant=sparse rows_s=\([0-9.]*\).*/\1/p')
	tr=$(field "$ours" train_rows_s)
	awk -v d="$d" -v m="$m" -v k="$k" -v b="$b" -v tr="$tr" -v en="$(field "$ours" encode_rows_s)" \
		-v gf="$(field "$ours" sgemm_gflops)" -v lim="$(field "$ours" gemm_limit_rows_s)" \
		-v dn="$dense" -v sp="$sparse" 'BEGIN {
		printf "d %d m %d k %d batch %d\n", d, m, k, b
		printf "  train   safer %8.0f rows/s | torch dense %8.0f (x%.2f) | torch sparse %8.0f (x%.2f)\n", tr, dn, tr / dn, sp, tr / sp
		printf "  sgemm   %.1f GFLOP/s on [%d,%d]x[%d,%d] -> one-GEMM limit %.0f rows/s; train at %.0f%% of it\n", gf, b, d, d, m, lim, 100 * tr / lim
		printf "  encode  safer %8.0f rows/s = %.0f%% of sgemm speed\n", en, 100 * en / lim
	}'
}

shape 256 4096 32 1024 10
shape 2048 16384 64 1024 2
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
