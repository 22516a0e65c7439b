#!/usr/bin/python3
"""PyTorch CPU peer for bench/sae.sh: the same TopK SAE training step.

  sae_torch.py D M K BATCH STEPS THREADS IN.f32 [dense|sparse ...]

dense:  the SAFER reference's formulation: z = zeros.scatter(topk), x^ = z @ W_dec,
        autograd through dense [B,m] tensors (every backward GEMM is dense).
sparse: sparse-aware: the encoder GEMM under no_grad picks the indices, the k
        selected pre-activations are recomputed from W_enc[idx] with grad, and
        the decoder is an embedding-bag style gather; gradients touch k rows.
Both: per-row standardisation, NMSE loss, torch.optim.Adam (foreach), the
same rows as the C side (IN.f32, BATCH*STEPS rows of D floats).
Prints one line per variant: variant=... rows_s=... loss=...
"""
import sys
import time

import numpy as np
import torch


def standardize(x):
    return (x - x.mean(1, keepdim=True)) / (x.std(1, keepdim=True) + 1e-6)


def make_params(d, m, seed=1):
    g = torch.Generator().manual_seed(seed)
    W_enc = (torch.rand(m, d, generator=g) * 2 - 1) / d ** 0.5
    W_dec = W_enc / W_enc.norm(dim=1, keepdim=True)
    return [torch.nn.Parameter(t) for t in
            (W_enc, torch.zeros(m), W_dec.clone(), torch.zeros(d))]


def step_dense(p, x, k):
    W_enc, b_lat, W_dec, b_pre = p
    xt = standardize(x)
    pre = (xt - b_pre) @ W_enc.T + b_lat
    val, idx = pre.topk(k, dim=1, sorted=False)
    z = torch.zeros_like(pre).scatter(1, idx, val)
    xh = z @ W_dec + b_pre
    return (((xh - xt) ** 2).sum(1) / (xt ** 2).sum(1)).mean()


def step_sparse(p, x, k):
    W_enc, b_lat, W_dec, b_pre = p
    xt = standardize(x)
    xc = xt - b_pre
    with torch.no_grad():
        pre = xc @ W_enc.T + b_lat
        idx = pre.topk(k, dim=1, sorted=False).indices
    # the k selected pre-activations, with gradient to k rows of W_enc
    val = torch.einsum("bkd,bd->bk", W_enc[idx], xc) + b_lat[idx]
    xh = torch.nn.functional.embedding_bag(idx, W_dec, per_sample_weights=val,
                                           mode="sum") + b_pre
    return (((xh - xt) ** 2).sum(1) / (xt ** 2).sum(1)).mean()


def run(variant, d, m, k, B, steps, X):
    p = make_params(d, m)
    opt = torch.optim.Adam(p, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    fn = step_dense if variant == "dense" else step_sparse
    xs = [torch.from_numpy(X[i * B:(i + 1) * B]) for i in range(steps)]

    def one(x):
        opt.zero_grad(set_to_none=False)
        loss = fn(p, x, k)
        loss.backward()
        opt.step()
        return loss.item()

    one(xs[0])  # warm-up: allocations, first touches
    best = float("inf")
    for x in xs:  # the fastest step, as the C side reports
        t0 = time.perf_counter()
        loss = one(x)
        best = min(best, time.perf_counter() - t0)
    print(f"variant={variant} rows_s={B / best:.0f} loss={loss:.5f}", flush=True)


def main():
    d, m, k, B, steps, threads = (int(a) for a in sys.argv[1:7])
    torch.set_num_threads(threads)
    X = np.fromfile(sys.argv[7], dtype=np.float32, count=B * steps * d).reshape(-1, d)
    for v in sys.argv[8:] or ["dense", "sparse"]:
        run(v, d, m, k, B, steps, X)


if __name__ == "__main__":
    main()
