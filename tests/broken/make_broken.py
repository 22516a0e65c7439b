#!/usr/bin/env python3
"""Make the broken-input corpus in tests/broken/ (and the valid files it
is derived from). Deterministic: rerunning gives the same bytes.

    python3 tests/broken/make_broken.py tests/broken

Valid inputs:
    good.jsonl            7 pairs: categories, splits, string and integer ids,
                          one PKU-SafeRLHF row, an extra field
    good.safetensors      rows for every pair, F16 acts [N, 8]
    good_bf16.safetensors, good_f32.safetensors   the same rows in BF16, F32
    expected_f16.bin, expected_bf16.bin   numpy's f32 values of those acts
Every other file breaks exactly one rule; tests/test_broken_inputs.sh
lists what each must be refused for.

Only numpy is needed: write_safetensors() below is the whole format."""
import json
import os
import struct
import sys

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def header_bytes(tensors, metadata):
    """tensors: list of (name, dtype string, shape, raw bytes)."""
    hdr, off = {}, 0
    if metadata:
        hdr["__metadata__"] = metadata
    for name, dt, shape, raw in tensors:
        hdr[name] = {"dtype": dt, "shape": list(shape), "data_offsets": [off, off + len(raw)]}
        off += len(raw)
    h = json.dumps(hdr, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return h


def write_raw(path, header, data, hlen=None):
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header) if hlen is None else hlen))
        f.write(header)
        f.write(data)


def write_safetensors(path, arrays, metadata=None, dtypes=None):
    """arrays: dict name -> numpy array (written in that order)."""
    names = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16",
             np.dtype(np.int32): "I32", np.dtype(np.int64): "I64",
             np.dtype(np.uint8): "U8"}
    ts = []
    for k, a in arrays.items():
        dt = (dtypes or {}).get(k) or names[a.dtype]
        ts.append((k, dt, a.shape, np.ascontiguousarray(a).tobytes()))
    h = header_bytes(ts, metadata)
    write_raw(path, h, b"".join(t[3] for t in ts))


PAIRS = [
    {"id": "a1", "prompt": "How do I bake bread?", "chosen": "Mix flour and water.",
     "rejected": "No.", "category": "chat"},
    {"id": 2, "prompt": "How to pick a lock?", "chosen": "I can't help with that.",
     "rejected": "Use a tension wrench.", "category": "safety", "source": "extra field"},
    {"prompt": "Tell me a joke.", "chosen": "Why did the chicken cross the road?",
     "rejected": "...", "category": "chat", "split": "test"},
    {"id": "p4", "prompt": "Insult my coworker.", "response_0": "You are dumb.",
     "response_1": "I'd rather help you talk to them.", "safer_response_id": 1,
     "category": "safety"},
    {"id": "a5", "prompt": "Capital of France?", "chosen": "Paris.", "rejected": "Rome.",
     "split": "test", "category": "safety"},
    {"id": "a6", "prompt": "Unicode: caf\u00e9 \u2603", "chosen": "ok \u00e9",
     "rejected": "nul \u0000 inside", "category": "chat"},
    {"id": "a7", "prompt": "Last one", "chosen": "Yes.", "rejected": "No!"},
]
D = 8


def rows():
    """(pair, side, pos, flags, token bytes) for every token row, sorted."""
    out = []
    for p in range(len(PAIRS)):
        for side in (0, 1, 2):
            n = 2 + (p + side) % 3
            for pos in range(n):
                tok = b"t%d" % pos if (p, side, pos) != (1, 1, 0) else b"\xe2\x96"  # half a UTF-8 char
                flags = 1 if pos == n - 1 else 0
                out.append((p, side, pos, flags, tok))
    return out


def acts_arrays(R, dtype=np.float16):
    n = len(R)
    rng = np.random.default_rng(7)
    acts = rng.standard_normal((n, D)).astype(np.float32)
    toks = [r[4] for r in R]
    off = np.zeros(n + 1, np.int64)
    off[1:] = np.cumsum([len(t) for t in toks])
    return {
        "acts": acts.astype(dtype),
        "pair": np.array([r[0] for r in R], np.int32),
        "side": np.array([r[1] for r in R], np.uint8),
        "pos": np.array([r[2] for r in R], np.int32),
        "flags": np.array([r[3] for r in R], np.uint8),
        "tok_off": off,
        "tok_bytes": np.frombuffer(b"".join(toks), np.uint8),
    }


META = {"format": "safer-acts/1", "model": "tiny-test-rm", "layer": "3",
        "hook": "blocks.3.hook_resid_post", "d_model": str(D), "dataset": "corpus"}


def st(name, arrays, meta=META, dtypes=None):
    write_safetensors(os.path.join(OUT, name), arrays, meta, dtypes)


def good():
    with open(os.path.join(OUT, "good.jsonl"), "w") as f:
        for i, p in enumerate(PAIRS):
            f.write(json.dumps(p) + "\n")
            if i == 2:
                f.write("\n")  # blank lines do not count
    A = acts_arrays(rows())
    st("good.safetensors", A)
    B = dict(A)
    B["acts"] = A["acts"].astype(np.float32)
    st("good_f32.safetensors", B)
    # bf16: the top half of each f32 (these values are exact in bf16 after
    # rounding them there first)
    u = B["acts"].view(np.uint32) & np.uint32(0xFFFF0000)
    B16 = dict(A)
    B16["acts"] = (u >> 16).astype(np.uint16).view(np.uint8).reshape(len(u), 2 * D)
    write_bf16(os.path.join(OUT, "good_bf16.safetensors"), B16)
    # expected f32 values of the F16 and BF16 files, computed by numpy
    A["acts"].astype(np.float32).astype("<f4").tofile(os.path.join(OUT, "expected_f16.bin"))
    u.astype("<u4").view("<f4").tofile(os.path.join(OUT, "expected_bf16.bin"))
    return A


def write_bf16(path, arrays):
    ts = []
    names = {np.dtype(np.int32): "I32", np.dtype(np.int64): "I64", np.dtype(np.uint8): "U8"}
    for k, a in arrays.items():
        if k == "acts":
            ts.append((k, "BF16", (a.shape[0], a.shape[1] // 2), a.tobytes()))
        else:
            ts.append((k, names[a.dtype], a.shape, a.tobytes()))
    write_raw(path, header_bytes(ts, META), b"".join(t[3] for t in ts))


def broken_acts(A):
    good_path = os.path.join(OUT, "good.safetensors")
    raw = open(good_path, "rb").read()
    hl = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + hl])
    data = raw[8 + hl:]

    def rewrite(name, edit, hlen=None, payload=None):
        h = json.loads(json.dumps(header))
        edit(h)
        hb = json.dumps(h, separators=(",", ":")).encode()
        write_raw(os.path.join(OUT, name), hb, data if payload is None else payload, hlen)

    with open(os.path.join(OUT, "truncated.safetensors"), "wb") as f:
        f.write(raw[: len(raw) // 2])
    with open(os.path.join(OUT, "tiny.safetensors"), "wb") as f:
        f.write(raw[:5])
    open(os.path.join(OUT, "empty.safetensors"), "wb").close()
    rewrite("hdr_past_eof.safetensors", lambda h: None, hlen=len(raw) * 4)
    rewrite("hdr_huge.safetensors", lambda h: None, hlen=1 << 60)
    write_raw(os.path.join(OUT, "hdr_not_json.safetensors"), b"{not json at all}", data)

    def set_(k, field, v):
        return lambda h: h[k].__setitem__(field, v)

    n = A["acts"].shape[0]
    rewrite("shape_negative.safetensors", set_("acts", "shape", [-n, D]))
    rewrite("shape_huge.safetensors", set_("acts", "shape", [1 << 40, D]))
    rewrite("shape_overflow.safetensors", set_("acts", "shape", [1 << 62, 1 << 62]))
    rewrite("shape_float.safetensors", set_("acts", "shape", [float(n), D]))
    b, e = header["acts"]["data_offsets"]
    rewrite("offsets_outside.safetensors",
            set_("acts", "data_offsets", [b + len(data), e + len(data)]))
    pb, pe = header["pair"]["data_offsets"]
    rewrite("offsets_overlap.safetensors", set_("pair", "data_offsets", [b, b + (pe - pb)]))
    rewrite("nbytes_mismatch.safetensors", set_("acts", "shape", [n, D + 1]))
    rewrite("dtype_unknown.safetensors", set_("acts", "dtype", "F8_E4M3"))

    def arr(name, **changes):
        B = dict(A)
        B.update(changes)
        return B

    st("pair_wrong_dtype.safetensors", arr("x", pair=A["pair"].astype(np.int64)))
    st("side_wrong_dtype.safetensors", arr("x", side=A["side"].astype(np.int32)))
    st("acts_int.safetensors", arr("x", acts=A["acts"].astype(np.int32)))
    st("acts_1d.safetensors", arr("x", acts=A["acts"].reshape(-1)))
    B = dict(A)
    del B["tok_off"]
    st("missing_tok_off.safetensors", B)
    B = dict(A)
    del B["acts"]
    st("missing_acts.safetensors", B)
    st("index_short.safetensors", arr("x", pos=A["pos"][:-1]))
    s = A["pos"].copy()
    s[[3, 4]] = s[[4, 3]]
    st("unsorted_rows.safetensors", arr("x", pos=s))
    d = A["pos"].copy()
    d[4] = d[3]
    st("duplicate_rows.safetensors", arr("x", pos=d))
    p = A["pair"].copy()
    p[p == p.max()] = len(PAIRS)
    st("pair_out_of_range.safetensors", arr("x", pair=p))
    p = A["pair"].copy()
    p[0] = -1
    st("pair_negative.safetensors", arr("x", pair=p))
    sd = A["side"].copy()
    last = np.where(A["pair"] == A["pair"].max())[0]
    sd[last[-1]] = 3
    st("side_3.safetensors", arr("x", side=sd))
    o = A["tok_off"].copy()
    o[5] = o[7]
    st("tok_off_not_monotone.safetensors", arr("x", tok_off=o))
    o = A["tok_off"].copy()
    o[-1] += 5
    st("tok_off_past_end.safetensors", arr("x", tok_off=o))
    o = A["tok_off"].copy()
    o[0] = 1
    st("tok_off_start.safetensors", arr("x", tok_off=o))
    a = A["acts"].copy()
    a[9, 2] = np.nan
    st("nan_row.safetensors", arr("x", acts=a))
    a = A["acts"].astype(np.float32)
    a[11, 0] = -np.inf
    st("inf_row_f32.safetensors", arr("x", acts=a))
    st("meta_not_string.safetensors", A, meta={"format": "safer-acts/1", "layer": 3})


def broken_pairs():
    lines = [json.dumps(p) for p in PAIRS]

    def write(name, repl_idx, text):
        L = list(lines)
        L[repl_idx] = text
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"\n".join(x if isinstance(x, bytes) else x.encode() for x in L) + b"\n")

    write("bad_json_line.jsonl", 3, '{"prompt": "x", "chosen": "y", "rejected": ')
    write("missing_field.jsonl", 2, json.dumps({"prompt": "x", "chosen": "y"}))
    write("missing_prompt.jsonl", 1, json.dumps({"chosen": "y", "rejected": "z"}))
    write("wrong_type.jsonl", 4, json.dumps({"prompt": "x", "chosen": 5, "rejected": "z"}))
    write("non_utf8.jsonl", 5, b'{"prompt": "caf\xe9", "chosen": "y", "rejected": "z"}')
    write("id_float.jsonl", 0, json.dumps({"id": 1.5, "prompt": "x", "chosen": "y",
                                           "rejected": "z"}))
    write("split_bad.jsonl", 6, json.dumps({"prompt": "x", "chosen": "y", "rejected": "z",
                                            "split": "validation"}))
    write("pku_bad_id.jsonl", 3, json.dumps({"prompt": "x", "response_0": "a",
                                             "response_1": "b", "safer_response_id": 2}))
    write("not_object.jsonl", 2, json.dumps(["prompt", "chosen", "rejected"]))
    write("category_not_string.jsonl", 0, json.dumps({"prompt": "x", "chosen": "y",
                                                      "rejected": "z", "category": 7}))
    write("duplicate_key.jsonl", 1, '{"prompt": "x", "prompt": "y", "chosen": "y", '
          '"rejected": "z"}')
    open(os.path.join(OUT, "empty.jsonl"), "w").close()


def main():
    os.makedirs(OUT, exist_ok=True)
    A = good()
    broken_acts(A)
    broken_pairs()


if __name__ == "__main__":
    main()
