#!/bin/sh
# Reward attribution and paired salience on a synthetic 1,000,000-row
# workspace (k = 64, m = 16384, pairs of 100 rows, d = 2048), against
# numpy doing the same computations on data of the same shape in the same
# run (the paired bootstrap with PEER_B resamples, default 50, scaled to
# 1000: numpy has no sparse matrix product without scipy, so each resample
# is one bincount over the pairs' non-zero differences).
# Targets: every cached answer and one pair's attribution < 200 ms.
: "${top_builddir:=.}"
B="$top_builddir/bench/bench_reward"
PY=${PYTHON3:-/usr/bin/python3}
N=${N:-1000000}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
"$B" "$N" 64 16384 2048 >"$OUT" || exit 1
cat "$OUT"
"$PY" - "$OUT" "$N" "${PEER_B:-50}" <<'PYEOF'
import sys, time
import numpy as np
res = dict(l.split() for l in open(sys.argv[1]))
N, k, m, d, R, Bp = int(sys.argv[2]), 64, 16384, 2048, 100, int(sys.argv[3])
P = N // R
rng = np.random.default_rng(1)
idx = (rng.random((N, k)) ** 2 * m).astype(np.int64)
val = rng.uniform(1, 10, (N, k)).astype(np.float32)
pair = np.arange(N) // R
side = np.where((np.arange(N) % R) < R // 2, 1, 2)
use = (np.arange(N) % 8) == 7
train = np.arange(P) % 5 != 4
t = time.perf_counter()
# per pair and feature: mean over the side's rows in use, chosen minus rejected
n_side = np.bincount(pair[use] * 2 + (side[use] - 1), minlength=2 * P).reshape(P, 2)
n_side = np.maximum(n_side, 1)
u = np.repeat(use, k)
pr, sd = np.repeat(pair, k)[u], np.repeat(side, k)[u]
f, v = idx.ravel()[u], val.ravel()[u].astype(np.float64)
w = np.where(sd == 1, 1.0 / n_side[pr, 0], -1.0 / n_side[pr, 1]) * v
key = pr * m + f
uk, inv = np.unique(key, return_inverse=True)
D = np.bincount(inv, weights=w)
dp, df = uk // m, uk % m
keep = train[dp]
pos = np.cumsum(train) - 1
dp, df, D = pos[dp[keep]], df[keep], D[keep]
n = int(train.sum())
mean = np.bincount(df, weights=D, minlength=m) / n
t_diff = time.perf_counter() - t
t = time.perf_counter()
means = np.empty((Bp, m))
for b in range(Bp):
    cnt = np.bincount(rng.integers(0, n, n), minlength=n)
    means[b] = np.bincount(df, weights=D * cnt[dp], minlength=m) / n
lo, hi = np.percentile(means, [2.5, 97.5], axis=0)
t_boot = (time.perf_counter() - t) * 1000 / Bp
W = rng.standard_normal((m, d), dtype=np.float32)
wv = rng.standard_normal(d, dtype=np.float32)
t = time.perf_counter()
e = W.astype(np.float64) @ wv.astype(np.float64)
t_eff = time.perf_counter() - t
x = rng.standard_normal((R, d), dtype=np.float32)
t = time.perf_counter()
s = x.astype(np.float64).std(1, ddof=1) + 1e-6
z = np.zeros((R, m))
np.put_along_axis(z, idx[:R], val[:R].astype(np.float64), 1)
c = ((s[:, None] * z)[:R // 2].mean(0) - (s[:, None] * z)[R // 2:].mean(0)) * e
order = np.argsort(-np.abs(c))
t_pair = time.perf_counter() - t
c_paired = float(res["paired_sentence"])
print("numpy_paired %.3f (differences %.3f + bootstrap %.3f scaled from %d resamples; "
      "safer %.3f: %.1fx)" % (t_diff + t_boot, t_diff, t_boot, Bp, c_paired,
                               (t_diff + t_boot) / c_paired))
print("numpy_effects %.4f (safer %.4f: %.1fx)" % (t_eff, float(res["effects"]),
      t_eff / float(res["effects"])))
print("numpy_explain_pair %.4f (safer %.4f: %.1fx)" % (t_pair, float(res["explain_pair"]),
      t_pair / float(res["explain_pair"])))
ok = (float(res["paired_cached"]) < 0.2 and float(res["explain_pair"]) < 0.2
      and float(res["effects"]) < 0.2 and res["cache_roundtrip"] == "1")
print("explain on the CLI: latents open %.3f + the pair %.4f" % (float(res["latents_open"]),
      float(res["explain_pair"])))
print("targets %s" % ("met" if ok else "MISSED"))
PYEOF
