#!/usr/bin/env python3
"""Two SAEs whose decoders share directions, for carrying labels from one to
the other, and the matching numpy makes of them (labels by decoder cosine:
each labelled old feature to the new feature of largest cosine, one to one,
best first, cosine >= the floor).

usage: carry_ref.py OUTDIR        writes OUTDIR/saeA, OUTDIR/saeB (sparsify
                                  layout, d 16) and OUTDIR/expected.tsv
                                  (old new cosine) for the features labelled
                                  in OUTDIR/labelled.txt
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sae_kinds_ref import write_safetensors  # noqa: E402

D = 16


def save(dirn, W_dec, k=4):
    os.makedirs(dirn, exist_ok=True)
    m = W_dec.shape[0]
    write_safetensors(os.path.join(dirn, "sae.safetensors"), {
        "encoder.weight": W_dec.copy(), "encoder.bias": np.zeros(m, np.float32),
        "W_dec": W_dec, "b_dec": np.zeros(D, np.float32)})
    with open(os.path.join(dirn, "cfg.json"), "w") as f:
        json.dump({"k": k, "d_in": D, "num_latents": m}, f)


def main(out, floor=0.9):
    rng = np.random.default_rng(7)
    mA, mB = 30, 36
    A = rng.normal(size=(mA, D)).astype(np.float32)
    B = rng.normal(size=(mB, D)).astype(np.float32)
    perm = rng.permutation(mB)
    # old features 0..11 reappear in B at perm[j], scaled, slightly turned
    for j in range(12):
        B[perm[j]] = A[j] * (1.5 + j * 0.1) + rng.normal(size=D).astype(np.float32) * 0.04 * j
    # old 12 and 13 both resemble old 0's new home: one to one keeps only the best
    A[12] = A[0] + rng.normal(size=D).astype(np.float32) * 0.2
    A[13] = A[0] + rng.normal(size=D).astype(np.float32) * 0.3
    os.makedirs(out, exist_ok=True)
    save(os.path.join(out, "saeA"), A)
    save(os.path.join(out, "saeB"), B)
    labelled = list(range(0, 15))
    with open(os.path.join(out, "labelled.txt"), "w") as f:
        f.write(" ".join(map(str, labelled)) + "\n")
    An = A / np.linalg.norm(A, axis=1, keepdims=True)
    Bn = B / np.linalg.norm(B, axis=1, keepdims=True)
    cos = An[labelled].astype(np.float64) @ Bn.T.astype(np.float64)
    cands = sorted(((-cos[i, f], labelled[i], f) for i in range(len(labelled))
                    for f in range(mB) if cos[i, f] >= floor))
    used_o, used_n, res = set(), set(), []
    for c, o, f in cands:
        if o in used_o or f in used_n:
            continue
        used_o.add(o), used_n.add(f)
        res.append((o, f, -c))
    with open(os.path.join(out, "expected.tsv"), "w") as f:
        for o, n, c in res:
            f.write("%d\t%d\t%.6f\n" % (o, n, c))


if __name__ == "__main__":
    main(sys.argv[1])
