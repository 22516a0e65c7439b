#!/usr/bin/env python3
"""The peer for bench/open.sh: open the activation file the way Python
users do, and touch what `safer info` reports (row counts per side,
sentence ends, d).
    peer_open.py load FILE     safetensors.numpy.load_file's approach: read
                               the whole file, np.frombuffer per tensor
    peer_open.py mmap FILE     np.memmap of each tensor (the careful way)"""
import json
import struct
import sys

import numpy as np

mode, path = sys.argv[1], sys.argv[2]
DT = {"F16": np.float16, "F32": np.float32, "BF16": np.uint16, "I32": np.int32,
      "I64": np.int64, "U8": np.uint8}
with open(path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    hdr = json.loads(f.read(n))
    base = 8 + n
    if mode == "load":
        f.seek(0)
        buf = f.read()
t = {}
for k, v in hdr.items():
    if k == "__metadata__":
        continue
    b, e = v["data_offsets"]
    if mode == "load":
        a = np.frombuffer(buf, DT[v["dtype"]], (e - b) // np.dtype(DT[v["dtype"]]).itemsize,
                          base + b)
    else:
        a = np.memmap(path, DT[v["dtype"]], "r", base + b, tuple(v["shape"]))
    t[k] = a.reshape(v["shape"])
side, flags = t["side"], t["flags"]
print(np.bincount(side, minlength=3).tolist(), int((flags & 1).sum()), t["acts"].shape[1])
