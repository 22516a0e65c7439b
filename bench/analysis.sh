#!/bin/sh
# Analysis speed on a synthetic 1,000,000-row workspace with k = 64 and
# m = 16384 (and the reward head on 10,000 pairs at d = 2048), against numpy
# doing the same reductions on data of the same shape in the same run.
# Targets: index < 10 s, all stats < 2 s, top-N < 10 ms, all pair scores
# < 1 s, eval < 10 s.
: "${top_builddir:=.}"
B="$top_builddir/bench/bench_analysis"
PY=${PYTHON3:-/usr/bin/python3}
N=${N:-1000000}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
"$B" "$N" 64 16384 10000 2048 >"$OUT" || exit 1
cat "$OUT"
"$PY" - "$OUT" "$N" <<'PYEOF'
import sys, time
import numpy as np
res = dict(l.split() for l in open(sys.argv[1]))
N, k, m = int(sys.argv[2]), 64, 16384
rng = np.random.default_rng(1)
idx = (rng.random((N, k)) ** 2 * m).astype(np.int64)     # same skew; duplicates allowed
val = rng.uniform(1, 10, (N, k)).astype(np.float32)
side = np.where((np.arange(N) % 100) < 50, 1, 2)
flags = (np.arange(N) % 8) == 7
t = time.perf_counter()
for mask in (flags, np.ones(N, bool)):
    use = mask[:, None] & (val > 0)
    ch = use & (side == 1)[:, None]
    C = np.bincount(idx[ch], weights=val[ch], minlength=m)
    R = np.bincount(idx[use & ~ch], weights=val[use & ~ch], minlength=m)
    mu = np.concatenate([C, R]).mean()
    s = (C - R) / (C + R + 2 * mu)
t_stats = time.perf_counter() - t
t = time.perf_counter()
key = idx.ravel() * 3 + np.repeat(side, k)
order = np.lexsort((-val.ravel(), key))
t_index = time.perf_counter() - t
c_stats = float(res["stats_sentence"]) + float(res["stats_all"])
print("numpy_stats_both %.4f  (safer %.4f: %.1fx)" % (t_stats, c_stats, t_stats / c_stats))
print("numpy_index_lexsort %.4f  (safer %.4f: %.1fx)" % (t_index, float(res["index_build"]),
      t_index / float(res["index_build"])))
ok = (float(res["index_build"]) < 10 and c_stats < 2 and float(res["top20_worst"]) < 0.01
      and float(res["scores"]) < 1 and float(res["eval"]) < 10)
print("targets %s" % ("met" if ok else "MISSED"))
PYEOF
