#!/usr/bin/env python3
"""A random TopK SAE in the sparsify layout for bench/scale.sh:
    make_scale_sae.py DIR D M K
DIR/sae.safetensors (encoder.weight [M,D], encoder.bias [M], W_dec [M,D],
b_dec [D], F32) and DIR/cfg.json. Random unit-norm rows: the bench times
encoding, indexing and the explorer, which do not depend on what the SAE
learned."""
import json
import os
import struct
import sys

import numpy as np

out, D, M, K = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
W = rng.standard_normal((M, D)).astype(np.float32)
W /= np.linalg.norm(W, axis=1, keepdims=True)
tensors = [("encoder.weight", W), ("W_dec", W.copy()),
           ("encoder.bias", np.zeros(M, np.float32)), ("b_dec", np.zeros(D, np.float32))]
hdr, off = {}, 0
for name, a in tensors:
    hdr[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
    off += a.nbytes
h = json.dumps(hdr).encode()
h += b" " * (-len(h) % 8)
with open(os.path.join(out, "sae.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h)
    for _, a in tensors:
        f.write(a.tobytes())
with open(os.path.join(out, "cfg.json"), "w") as f:
    json.dump({"k": K, "num_latents": M, "d_in": D}, f)
