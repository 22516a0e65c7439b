#!/usr/bin/env python3
"""Write a large activation file and a matching small pairs file for
bench/open.sh:  make_open_data.py DIR N D [PAIRS]

acts is F16 [N, D], streamed to disk in blocks (never held whole); every
pair gets N/PAIRS consecutive rows split 1:2:2 over prompt, chosen and
rejected. Values are a tiled random block: realistic bytes, cheap to make."""
import json
import os
import struct
import sys

import numpy as np

out, N, D = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
P = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
P = min(P, N)

r = np.arange(N, dtype=np.int64)
pair = (r * P) // N
first = np.searchsorted(pair, np.arange(P))            # first row of each pair
cnt = np.diff(np.append(first, N))
local = r - first[pair]
c = cnt[pair]
side = np.where(local < c // 5, 0, np.where(local < (3 * c) // 5, 1, 2)).astype(np.uint8)
start = np.where(side == 0, 0, np.where(side == 1, c // 5, (3 * c) // 5))
pos = (local - start).astype(np.int32)
flags = ((pos % 16) == 15).astype(np.uint8)
tok_off = np.arange(N + 1, dtype=np.int64) * 2
index = [("pair", "I32", [N], pair.astype(np.int32).tobytes()),
         ("side", "U8", [N], side.tobytes()),
         ("pos", "I32", [N], pos.tobytes()),
         ("flags", "U8", [N], flags.tobytes()),
         ("tok_off", "I64", [N + 1], tok_off.tobytes()),
         ("tok_bytes", "U8", [2 * N], b"ab" * N)]

acts_bytes = N * D * 2
hdr = {"__metadata__": {"format": "safer-acts/1", "model": "bench", "layer": "0",
                        "hook": "bench", "d_model": str(D)},
       "acts": {"dtype": "F16", "shape": [N, D], "data_offsets": [0, acts_bytes]}}
off = acts_bytes
for name, dt, shape, raw in index:
    hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(raw)]}
    off += len(raw)
h = json.dumps(hdr).encode()
h += b" " * (-len(h) % 8)

rng = np.random.default_rng(1)
block_rows = max(1, min(N, (16 << 20) // (2 * D)))
block = rng.standard_normal((block_rows, D)).astype(np.float16).tobytes()
with open(os.path.join(out, "acts.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h)
    left = N
    while left:
        k = min(left, block_rows)
        f.write(block[: k * D * 2])
        left -= k
    for _, _, _, raw in index:
        f.write(raw)

with open(os.path.join(out, "pairs.jsonl"), "w") as f:
    for i in range(P):
        f.write(json.dumps({"id": i, "prompt": "p%d" % i, "chosen": "c", "rejected": "r",
                            "category": "safety" if i % 2 else "chat",
                            "split": "test" if i % 10 == 0 else "train"}) + "\n")
