#!/usr/bin/env python3
"""numpy peer of bench_kinds: the same encoders on the same rows and weights
(pre = (x - b_dec) W_enc^T + b_enc; TopK by argpartition, JumpReLU and ReLU
by a mask and the indices of what is active), batch by batch.

usage: kinds_peer.py D M K BATCH STEPS X.f32 W.f32"""
import sys
import time

import numpy as np

d, m, k, B, steps = (int(a) for a in sys.argv[1:6])
x = np.fromfile(sys.argv[6], np.float32).reshape(B * steps, d)
w = np.fromfile(sys.argv[7], np.float32)
W = w[:m * d].reshape(m, d)
b_enc, thr, b_dec = w[m * d:m * d + m], w[m * d + m:m * d + 2 * m], w[m * d + 2 * m:]
for kind in ("topk", "jumprelu", "relu"):
    tot, t0 = 0, None
    for st in range(-1, steps):
        if st == 0:
            t0 = time.perf_counter()
        xb = x[max(st, 0) * B:(max(st, 0) + 1) * B]
        pre = (xb - b_dec) @ W.T + b_enc
        if kind == "topk":
            top = np.argpartition(-pre, k, axis=1)[:, :k]
            v = np.maximum(np.take_along_axis(pre, top, 1), 0)
            n = int((v > 0).sum())
        else:
            mask = pre > 0
            if kind == "jumprelu":
                mask &= pre > thr
            r, c = np.nonzero(mask)
            v = pre[r, c]
            n = len(v)
        if st >= 0:
            tot += n
    dt = time.perf_counter() - t0
    print("kind=%s rows_s=%.0f l0=%.1f" % (kind, B * steps / dt, tot / (B * steps)))
