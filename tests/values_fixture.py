#!/usr/bin/python3
"""values_fixture.py MODE ...: inputs whose values are wrong while their
format is right, for tests/test_values.sh.

  scale IN OUT S        copy the activation file IN with every activation
                        times S (F32, so 1e-30 and 1e36 stay finite)
  flags IN OUT ROW V    copy IN with the flags byte of row ROW set to V
  spike IN OUT ROWS V   copy IN with every activation of rows ROWS (R or A:B,
                        rows A to B-1) set to V
  sae DIR KIND M D      write DIR/sae.safetensors (+ DIR/cfg.json) of an
                        M x D sparsify-layout SAE; KIND:
                          huge      finite weights of 3e38: every code overflows
                          big       weights of 1e10: codes overflow on rows of 1e30
                          k62       cfg.json k = 2^62
                          kbig      cfg.json k = M + 1
                          kmeta     no cfg.json, metadata k = 2^40
                          nok       cfg.json without k
                          array     cfg.json holds an array
                          badjson   cfg.json is not JSON (on line 2)
                          encT      encoder.weight transposed
                          decT      W_dec transposed
                          bias      encoder.bias one entry too long
                          saelensT  SAELens layout, W_enc transposed
Files are written directly (8-byte header length, JSON header, data)."""
import json
import os
import struct
import sys

import numpy as np

DT = {"F32": np.float32, "I32": np.int32, "U8": np.uint8, "I64": np.int64, "F16": np.float16}


def read_st(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    hdr = json.loads(raw[8:8 + n])
    meta = hdr.pop("__metadata__", None)
    data = raw[8 + n:]
    out = []
    for name, t in sorted(hdr.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, e = t["data_offsets"]
        a = np.frombuffer(data[b:e], DT[t["dtype"]]).reshape(t["shape"]).copy()
        out.append((name, a))
    return out, meta


def write_st(path, tensors, meta=None):
    names = {np.float32: "F32", np.int32: "I32", np.uint8: "U8", np.int64: "I64",
             np.float16: "F16"}
    hdr, blobs, o = {}, [], 0
    for name, a in tensors:
        b = np.ascontiguousarray(a).tobytes()
        hdr[name] = {"dtype": names[a.dtype.type], "shape": list(a.shape),
                     "data_offsets": [o, o + len(b)]}
        blobs.append(b)
        o += len(b)
    if meta:
        hdr["__metadata__"] = meta
    h = json.dumps(hdr).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def sae(out, kind, m, d):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(3)
    enc = rng.standard_normal((m, d)).astype(np.float32)
    dec = rng.standard_normal((m, d)).astype(np.float32)
    benc = np.zeros(m, np.float32)
    bdec = np.zeros(d, np.float32)
    cfg, meta = {"k": 4}, None
    names = ["encoder.weight", "encoder.bias", "W_dec", "b_dec"]
    if kind == "huge":
        enc = np.full((m, d), 3e38, np.float32) * np.sign(enc)
        dec = np.full((m, d), 3e38, np.float32)
    elif kind == "big":
        enc = (enc * 1e10).astype(np.float32)
    elif kind == "k62":
        cfg = {"k": 2 ** 62}
    elif kind == "kbig":
        cfg = {"k": m + 1}
    elif kind == "kmeta":
        cfg, meta = None, {"k": str(2 ** 40)}
    elif kind == "nok":
        cfg = {"d_in": d}
    elif kind in ("array", "badjson"):
        cfg = kind
    elif kind == "encT":
        enc = enc.T.copy()
    elif kind == "decT":
        dec = dec.T.copy()
    elif kind == "bias":
        benc = np.zeros(m + 1, np.float32)
    elif kind == "saelensT":
        names = ["W_enc", "b_enc", "W_dec", "b_dec"]  # W_enc should be [d, m]
    else:
        sys.exit("unknown SAE kind " + kind)
    write_st(os.path.join(out, "sae.safetensors"),
             list(zip(names, [enc, benc, dec, bdec])), meta)
    cp = os.path.join(out, "cfg.json")
    if cfg == "array":
        open(cp, "w").write("[1, 2]\n")
    elif cfg == "badjson":
        open(cp, "w").write('{"k": 4,\n "d_in": }\n')
    elif cfg is not None:
        json.dump(cfg, open(cp, "w"))
    elif os.path.exists(cp):
        os.unlink(cp)


def number(s):
    """a float, also in hex (0x1p-100: an exact power of 2)"""
    return float.fromhex(s) if "0x" in s else float(s)


def main():
    a = sys.argv[1:]
    if a[0] == "scale":
        t, meta = read_st(a[1])
        t = [(n, (x.astype(np.float64) * number(a[3])).astype(np.float32) if n == "acts" else x)
             for n, x in t]
        write_st(a[2], t, meta)
    elif a[0] == "flags":
        t, meta = read_st(a[1])
        for n, x in t:
            if n == "flags":
                x[int(a[3])] = int(a[4])
        write_st(a[2], t, meta)
    elif a[0] == "spike":
        t, meta = read_st(a[1])
        for n, x in t:
            if n == "acts":
                lo, _, hi = a[3].partition(":")
                x[int(lo):int(hi) if hi else int(lo) + 1] = number(a[4])
        write_st(a[2], t, meta)
    elif a[0] == "sae":
        sae(a[1], a[2], int(a[3]), int(a[4]))
    else:
        sys.exit("unknown mode " + a[0])


if __name__ == "__main__":
    main()
