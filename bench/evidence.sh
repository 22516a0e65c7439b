#!/bin/sh
# Feature-evidence speed on synthetic latents of 1,000,000 rows with k = 64
# and m = 16384 (bench/bench_evidence.c; the decoder cosine at d = 2048,
# the quality pass on 20,000 rows at d = 2048), against numpy doing the
# same computations on data of the same shape in the same run.
# Target: every per-feature answer (intervals, random rows, density,
# cosine and Jaccard neighbours, a text search) under 0.2 s.
: "${top_builddir:=.}"
B="$top_builddir/bench/bench_evidence"
PY=${PYTHON3:-/usr/bin/python3}
N=${N:-1000000}
NQ=${NQ:-20000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
"$B" "$DIR" "$N" 64 16384 2048 "$NQ" >"$DIR/out" || exit 1
cat "$DIR/out"
"$PY" - "$DIR/out" "$N" "$NQ" <<'PYEOF'
import sys, time
import numpy as np
res = dict(l.split() for l in open(sys.argv[1]))
N, NQ, k, m, D = int(sys.argv[2]), int(sys.argv[3]), 64, 16384, 2048
rng = np.random.default_rng(1)
idx = (rng.random((N, k)) ** 2 * m).astype(np.int64)     # same skew; duplicates allowed
val = rng.uniform(1, 10, (N, k)).astype(np.float32)
side = np.where((np.arange(N) % 100) < 50, 1, 2)
flags = (np.arange(N) % 8) == 7
vocab = np.array([" the", " sorry", " here", " is", " how", " cannot", ".", " help"])
tok = np.where(flags, ".", vocab[rng.integers(0, 8, N)])

def timed(fn, reps=3):
    best = 1e9
    for _ in range(reps):
        t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
    return best

f = 0                                     # the busiest feature under the skew
def rows_of(f):
    r, c = np.nonzero(idx == f)
    return r, val[r, c]
r_f, a_f = rows_of(f)
def intervals():                          # the sorted activations of one feature, both sides
    for s in (1, 2):
        use = flags[r_f] & (side[r_f] == s)
        a = np.sort(a_f[use]); n = len(a)
        b = [q * n // 10 for q in range(11)]
        [(a[b[q]], a[b[q + 1] - 1]) for q in range(10) if b[q + 1] > b[q]]
def random_rows():
    for s in (1, 2):
        use = np.nonzero(flags[r_f] & (side[r_f] == s))[0]
        np.random.default_rng(1).choice(use, size=min(100, len(use)), replace=False)
def density():
    a = a_f[flags[r_f]]
    np.histogram(np.log10(a), bins=40)
def jaccard():
    rows = r_f[flags[r_f]]
    both = np.bincount(idx[rows].ravel(), minlength=m)
    active = np.bincount(idx[flags].ravel(), minlength=m)
    j = both / (len(rows) + active - both)
    np.argsort(-j)[:20]
W = rng.uniform(-0.5, 0.5, (m, D)).astype(np.float32)
def cosine():
    q = W[7]
    c = W @ q / (np.linalg.norm(W, axis=1) * np.linalg.norm(q))
    np.argpartition(-c, 20)[:20]
def search():
    match = np.char.find(np.char.lower(tok), "sorry") >= 0
    np.bincount(idx[match].ravel(), weights=val[match].ravel(), minlength=m)
xq = rng.standard_normal((NQ, D)).astype(np.float32)
iq = (rng.random((NQ, k)) ** 2 * m).astype(np.int64)
vq = rng.uniform(1, 10, (NQ, k)).astype(np.float32)
def quality():                            # standardise, decode k latents per row, EV and NMSE
    xt = (xq - xq.mean(1, keepdims=True)) / (xq.std(1, ddof=1, keepdims=True) + 1e-6)
    err = 0.0; nm = 0.0
    for b in range(0, NQ, 1024):
        xh = np.einsum("rk,rkd->rd", vq[b:b + 1024], W[iq[b:b + 1024]])
        e = ((xh - xt[b:b + 1024]) ** 2).sum(1)
        err += e.sum(); nm += (e / (xt[b:b + 1024] ** 2).sum(1)).sum()
    1 - err / ((xt - xt.mean(0)) ** 2).sum()
peer = {"intervals_busiest": intervals, "random_busiest": random_rows, "density_busiest": density,
        "jaccard_busiest": jaccard, "cosine": cosine, "search_all_rows": search}
worst = 0.0
for name, fn in peer.items():
    t = timed(fn)
    c = float(res[name])
    worst = max(worst, c)
    print("numpy_%s %.4f  (safer %.4f: %.1fx)" % (name, t, c, t / c))
t = timed(quality, 1)
c = float(res["quality_fit"])
print("numpy_quality_fit %.4f  (safer %.4f: %.1fx; %.0f rows/s)" % (t, c, t / c, NQ / c))
print("targets %s (slowest answer %.4f s)" % ("met" if worst < 0.2 else "MISSED", worst))
PYEOF
