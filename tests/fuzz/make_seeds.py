#!/usr/bin/python3
"""Write the seed corpora of the fuzz harnesses under tests/fuzz/corpus/.

Seeds are small valid files (and a few near misses) of each format in
doc/formats.md, written directly from the format's definition with numpy
and json, so that the fuzzer starts past the first checks.
Run from anywhere: /usr/bin/python3 tests/fuzz/make_seeds.py"""
import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

DT = {np.float32: "F32", np.float16: "F16", np.int32: "I32", np.int64: "I64",
      np.uint8: "U8", np.float64: "F64", np.int16: "I16", np.int8: "I8"}


def safetensors(tensors, meta=None, pad=True):
    """bytes of a safetensors file: tensors is a list of (name, ndarray)."""
    hdr = {}
    blobs = []
    off = 0
    for name, a in tensors:
        a = np.ascontiguousarray(a)
        b = a.tobytes()
        if a.dtype == np.uint16:  # stands for BF16 here
            dt = "BF16"
        else:
            dt = DT[a.dtype.type]
        hdr[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    if meta:
        hdr["__metadata__"] = meta
    h = json.dumps(hdr, separators=(",", ":")).encode()
    if pad:
        h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def acts_file(n_pairs=2, d=4, dtype=np.float32, rng=None, hostile=False):
    rng = rng or np.random.default_rng(0)
    pair, side, pos, toks = [], [], [], []
    for p in range(n_pairs):
        for s in range(3):
            for t in range(3):
                pair.append(p)
                side.append(s)
                pos.append(t)
                toks.append((b"\x1b[31m" if hostile and t == 1 else b"") + b"tok%d" % t)
    n = len(pair)
    acts = rng.standard_normal((n, d)).astype(dtype)
    flags = np.array([1 if i % 3 == 2 else 0 for i in range(n)], np.uint8)
    off = np.zeros(n + 1, np.int64)
    off[1:] = np.cumsum([len(t) for t in toks])
    tb = np.frombuffer(b"".join(toks), np.uint8)
    return safetensors([("acts", acts), ("pair", np.array(pair, np.int32)),
                        ("side", np.array(side, np.uint8)), ("pos", np.array(pos, np.int32)),
                        ("flags", flags), ("tok_off", off), ("tok_bytes", tb)],
                       {"format": "safer-acts/1", "d_model": str(d)})


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def pairs_lines(hostile=False):
    rows = [
        {"prompt": "How do I bake bread?", "chosen": "Mix flour and water.", "rejected": "No.",
         "id": "a1", "category": "chat"},
        {"prompt": "p", "chosen": "c", "rejected": "r", "id": 17, "split": "test",
         "category": "safety", "extra": [1, {"x": None}]},
        {"prompt": "q", "response_0": "r0", "response_1": "r1", "safer_response_id": 1},
    ]
    if hostile:
        rows.append({"prompt": "\u001b]0;owned\u0007", "chosen": "\u202eevil\u0000",
                     "rejected": "\u009b2J", "id": "\u001b[2J"})
    return "".join(json.dumps(r) + "\n" for r in rows)


def sae_files(layout, d=4, m=8, dtype=np.float32):
    rng = np.random.default_rng(1)
    r = lambda *s: rng.standard_normal(s).astype(dtype)
    if layout == "sparsify":
        t = [("encoder.weight", r(m, d)), ("encoder.bias", r(m)), ("W_dec", r(m, d)),
             ("b_dec", r(d))]
        cfg = {"k": 2, "num_latents": m, "d_in": d, "normalize": "standardize", "relu": True}
    elif layout == "saelens":
        t = [("W_enc", r(d, m)), ("b_enc", r(m)), ("W_dec", r(m, d)), ("b_dec", r(d))]
        cfg = {"d_in": d, "d_sae": m, "k": 2, "normalize_activations": "none",
               "architecture": "topk"}
    else:
        t = [("encoder.weight", r(m, d)), ("latent_bias", r(m)), ("decoder.weight", r(d, m)),
             ("pre_bias", r(d))]
        cfg = {"k": 2, "num_latents": m, "d_in": d}
    return safetensors(t), json.dumps(cfg)


def mp(o):
    """A minimal msgpack encoder (enough for seeds)."""
    if o is None:
        return b"\xc0"
    if o is True or o is False:
        return b"\xc3" if o else b"\xc2"
    if isinstance(o, int):
        if 0 <= o < 128:
            return bytes([o])
        if -32 <= o < 0:
            return struct.pack("b", o)
        return b"\xd3" + struct.pack(">q", o)
    if isinstance(o, float):
        return b"\xcb" + struct.pack(">d", o)
    if isinstance(o, str):
        o = o.encode()
        return (bytes([0xa0 | len(o)]) if len(o) < 32 else b"\xd9" + bytes([len(o)])) + o
    if isinstance(o, bytes):
        return b"\xc4" + bytes([len(o)]) + o
    if isinstance(o, list):
        return bytes([0x90 | len(o)]) + b"".join(mp(x) for x in o)
    if isinstance(o, dict):
        return bytes([0x80 | len(o)]) + b"".join(mp(k) + mp(v) for k, v in o.items())
    raise TypeError(o)


# Seeds that still crash their reader wait in regress/NAME/open/ (replayed
# by tests/test_fuzz_open.sh) until the reader is fixed; then drop them here.
OPEN = {}


def from_dir(harness, src, exts, prefix=b""):
    """Seeds from another test's files (tests/broken, tests/fixtures)."""
    d = os.path.join(HERE, "..", src)
    if not os.path.isdir(d):
        return
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if os.path.isfile(p) and name.endswith(exts) and os.path.getsize(p) <= 65536:
            with open(p, "rb") as f:
                data = prefix + f.read()
            if name in OPEN.get(harness, ()):
                d2 = os.path.join(HERE, "regress", harness, "open")
                os.makedirs(d2, exist_ok=True)
                with open(os.path.join(d2, "from_" + name), "wb") as f:
                    f.write(data)
            else:
                write(harness, "from_" + name, data)


def main():
    rng = np.random.default_rng(0)
    from_dir("safetensors", "broken", (".safetensors",))
    from_dir("store", "broken", (".safetensors",), struct.pack("<I", 3))
    from_dir("pairs", "broken", (".jsonl",))
    fx = os.path.join(HERE, "..", "fixtures", "sae")
    if os.path.isdir(fx):
        for name in sorted(os.listdir(fx)):
            p = os.path.join(fx, name)
            cfg, st = b"{}", None
            if os.path.isdir(p):
                files = sorted(os.listdir(p))
                if "cfg.json" in files:
                    cfg = open(os.path.join(p, "cfg.json"), "rb").read()
                sts = [f for f in files if f.endswith(".safetensors")]
                st = open(os.path.join(p, sts[0]), "rb").read() if sts else None
            elif name.endswith(".safetensors"):
                st = open(p, "rb").read()
            if st is not None and len(st) <= 65536:
                write("sae", "fixture_" + name, cfg + b"\0" + st)
    # labels.msgpack (as labels_save writes it) and near misses
    lab = [{"feature": 3, "name": "refusal", "safety": 5, "note": "", "updated": 1764277200},
           {"feature": 9, "name": "caf\u00e9", "safety": 0, "note": "x" * 40, "updated": 0}]
    write("labels_mpk", "labels", mp({"format": "safer-labels/1", "m": 4096, "labels": lab}))
    write("labels_mpk", "empty", mp({"format": "safer-labels/1", "m": 4096, "labels": []}))
    write("labels_mpk", "feature_too_big", mp({"format": "safer-labels/1", "m": 4096,
                                               "labels": [dict(lab[0], feature=4096)]}))
    write("labels_mpk", "unsorted", mp({"format": "safer-labels/1", "m": 4096,
                                        "labels": [lab[1], lab[0], lab[0]]}))
    # msgpack: shapes like the workspace manifest and labels file, and the
    # edge cases of the format
    write("mpk", "labels", mp({"version": 1, "labels": [
        {"feature": 3, "name": "refusal", "safety": 5, "note": "", "updated": 1764277200},
        {"feature": 9, "name": "\u001b[2J", "safety": 0, "note": "n" * 40, "updated": -1}]}))
    write("mpk", "manifest", mp({"format": "safer-ws/1", "pairs": "/x/p.jsonl",
                                 "acts": "/x/a.safetensors", "pairs_size": 123456789012,
                                 "fingerprint": "0123456789abcdef", "mtime": 1.5,
                                 "blob": b"\0\1", "flag": True, "none": None}))
    write("mpk", "ints", mp([0, 127, -1, -32, 2**40, -2**40, 1.0e300]) +
          b"")
    write("mpk", "ext_and_wide", b"\x93\xd4\x01\x02\xc7\x01\x05\xff\xdc\x00\x01\xc0")
    # textsafe: first byte = flags
    for i, t in enumerate([b"plain text", b"\x1b[31mred\x1b[0m", b"\x1b]0;title\x07",
                           b"\x1bP+q\x1b\\", "\u202eabc\u2066\u200f".encode(),
                           b"\xc2\x9b2J\xc2\x9d", b"\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80",
                           "caf\u00e9 \u4e2d\U0001f600\n\t".encode(), bytes(range(256))]):
        write("textsafe", "s%d" % i, bytes([i & 3]) + t)
    # safetensors reader
    write("safetensors", "acts_f32", acts_file(rng=rng))
    write("safetensors", "acts_f16", acts_file(dtype=np.float16, rng=rng))
    write("safetensors", "bf16", safetensors([("x", np.arange(6, dtype=np.uint16).reshape(2, 3))]))
    write("safetensors", "scalar_empty", safetensors([("s", np.float32(1.0).reshape(())),
                                                      ("e", np.zeros((0, 3), np.float32))]))
    write("safetensors", "all_dtypes", safetensors(
        [("f64", np.ones(2)), ("i16", np.ones(2, np.int16)), ("i8", np.ones(3, np.int8)),
         ("i64", np.ones(1, np.int64))], {"a": "b"}))
    write("safetensors", "no_pad", safetensors([("x", np.ones(3, np.float32))], pad=False))
    # activation store (same format, stricter checks): first 4 bytes of the
    # input give n_pairs to the harness
    for i, (dt, host) in enumerate([(np.float32, False), (np.float16, True), (np.float32, True)]):
        write("store", "acts%d" % i, struct.pack("<I", 2) + acts_file(dtype=dt, rng=rng,
                                                                      hostile=host))
    # pairs JSONL
    write("pairs", "basic.jsonl", pairs_lines())
    write("pairs", "hostile.jsonl", pairs_lines(hostile=True))
    write("pairs", "blank_lines.jsonl", "\n" + pairs_lines() + "\n\n")
    write("pairs", "bad_line.jsonl", pairs_lines() + '{"prompt": 1}\n')
    # label JSON import
    write("labels_json", "labels.json", json.dumps(
        [{"feature": 123, "name": "refusal phrasing", "safety": 5, "note": "n",
          "updated": "2026-11-27T21:00:00Z"}, {"feature": 0, "name": "x", "safety": 1}]))
    write("labels_json", "empty.json", "[]")
    # edit-list JSONL
    # as plan_write writes them, for the 8 pairs of fuzz_plan.c (6, 7: test)
    fp = {"fingerprint": "0123456789abcdef", "s_plus": [3, 9], "s_minus": [4],
          "fallback": False}
    write("plan", "poison.jsonl", "".join(json.dumps(dict(r, **fp)) + "\n" for r in [
        {"index": 0, "id": "a0", "action": "flip", "score": 0.93, "strategy": "poison",
         "ratio": 0.25},
        {"index": 1, "id": 1, "action": "flip", "score": 0.5, "strategy": "poison",
         "ratio": 0.25}]))
    write("plan", "denoise.jsonl", "".join(json.dumps(dict(r, **fp)) + "\n" for r in [
        {"index": 4, "action": "drop", "score": -0.2, "strategy": "denoise", "ratio": 0.2},
        {"index": 2, "action": "drop", "score": -0.1, "strategy": "denoise", "ratio": 0.2}]))
    write("plan", "manual.jsonl", json.dumps(dict(
        {"index": 5, "id": "a5", "action": "flip", "score": None, "strategy": "manual",
         "ratio": 0}, **fp)) + "\n")
    write("plan", "test_pair.jsonl", json.dumps(dict(
        {"index": 6, "action": "flip", "score": 1.0, "strategy": "poison", "ratio": 0.1},
        **fp)) + "\n")
    # SAE: cfg.json, then the safetensors; the harness splits at the first
    # NUL byte (cfg first)
    for lay in ("sparsify", "saelens", "reference"):
        st, cfg = sae_files(lay)
        write("sae", lay, cfg.encode() + b"\0" + st)
        st, cfg = sae_files(lay, dtype=np.float16)
        write("sae", lay + "_f16", cfg.encode() + b"\0" + st)


if __name__ == "__main__":
    sys.exit(main())
