#!/usr/bin/python3
"""judge_ws.py DIR: pairs.jsonl and acts.safetensors of a small workspace for
the judge tests: 80 pairs, d 16, a planted direction on chosen rows, and
tokens from a small vocabulary so that features pass the §5 drop rules."""
import json
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
P, d = 80, 16
words = [" help", " cannot", " sorry", " here", " steps", " bomb", " cake", " the", " a", " safe"]
with open(os.path.join(out, "pairs.jsonl"), "w") as f:
    for i in range(P):
        rec = {"id": "p%d" % i, "prompt": "q%d" % i, "chosen": "yes %d" % i, "rejected": "no %d" % i,
               "category": "safety" if i % 2 else "chat"}
        if i % 5 == 4:
            rec["split"] = "test"
        f.write(json.dumps(rec) + "\n")
pair, side, pos, flags, toks = [], [], [], [], []
for i in range(P):
    for s in (0, 1, 2):
        n = 3 if s == 0 else int(rng.integers(8, 14))
        for q in range(n):
            pair.append(i)
            side.append(s)
            pos.append(q)
            flags.append(1 if s and (q % 3 == 2 or q == n - 1) else 0)
            toks.append(("." if q % 3 == 2 else words[int(rng.integers(0, len(words)))]).encode())
N = len(pair)
u = rng.normal(size=d)
acts = (rng.normal(size=(N, d)) + np.outer(np.array(side) == 1, u) * 1.5).astype(np.float32)
off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
tb = np.frombuffer(b"".join(toks), dtype=np.uint8)
tensors = [("acts", "F32", [N, d], acts), ("tok_off", "I64", [N + 1], off),
           ("pair", "I32", [N], np.array(pair, np.int32)), ("pos", "I32", [N], np.array(pos, np.int32)),
           ("side", "U8", [N], np.array(side, np.uint8)), ("flags", "U8", [N], np.array(flags, np.uint8)),
           ("tok_bytes", "U8", [len(tb)], tb)]
hdr, blobs, at = {"__metadata__": {"format": "safer-acts/1"}}, [], 0
for name, dt, shape, a in tensors:
    b = a.tobytes()
    hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [at, at + len(b)]}
    blobs.append(b)
    at += len(b)
h = json.dumps(hdr).encode()
h += b" " * (-len(h) % 8)
with open(os.path.join(out, "acts.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
