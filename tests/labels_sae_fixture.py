#!/usr/bin/env python3
"""Inputs for the labels-per-SAE test: a tiny workspace's pairs and
activations, and SAE directories in the sparsify layout (sae.safetensors
with encoder.weight [m,d], encoder.bias [m], W_dec [m,d], b_dec [d], plus
cfg.json), each with its own seed so their fingerprints differ.

usage: labels_sae_fixture.py OUTDIR"""
import json, os, struct, sys
import numpy as np


def write_safetensors(path, tensors, meta=None):
    hdr, blobs, at = {}, [], 0
    if meta:
        hdr["__metadata__"] = meta
    for name, dt, a in tensors:
        b = np.ascontiguousarray(a).tobytes()
        hdr[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(hdr).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def write_pairs(out, P):
    """out/pairs.jsonl: P pairs, safety and chat in turn, every 5th a test pair."""
    with open(os.path.join(out, "pairs.jsonl"), "w") as f:
        for i in range(P):
            rec = {"id": "p%d" % i, "prompt": "q%d" % i, "chosen": "yes %d" % i,
                   "rejected": "no %d" % i, "category": "safety" if i % 2 else "chat"}
            if i % 5 == 4:
                rec["split"] = "test"
            f.write(json.dumps(rec) + "\n")


def data(out, P=20, d=16, seed=3):
    rng = np.random.default_rng(seed)
    write_pairs(out, P)
    pair, side, pos, flags, toks = [], [], [], [], []
    for i in range(P):
        for s in (0, 1, 2):
            n = 3 if s == 0 else 5
            for q in range(n):
                pair.append(i); side.append(s); pos.append(q)
                flags.append(1 if s and q == n - 1 else 0)
                toks.append(b" w%d" % q)
    N = len(pair)
    acts = rng.normal(size=(N, d)).astype(np.float32)
    off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
    tb = np.frombuffer(b"".join(toks), dtype=np.uint8)
    write_safetensors(os.path.join(out, "acts.safetensors"), [
        ("acts", "F32", acts), ("tok_off", "I64", off),
        ("pair", "I32", np.array(pair, np.int32)), ("pos", "I32", np.array(pos, np.int32)),
        ("side", "U8", np.array(side, np.uint8)), ("flags", "U8", np.array(flags, np.uint8)),
        ("tok_bytes", "U8", tb)], {"format": "safer-acts/1"})


def sae(out, name, m, d=16, k=4, seed=0):
    rng = np.random.default_rng(seed)
    dirn = os.path.join(out, name)
    os.makedirs(dirn, exist_ok=True)
    W = rng.normal(size=(m, d)).astype(np.float32) / np.sqrt(d)
    write_safetensors(os.path.join(dirn, "sae.safetensors"), [
        ("encoder.weight", "F32", W), ("encoder.bias", "F32", np.zeros(m, np.float32)),
        ("W_dec", "F32", W.copy()), ("b_dec", "F32", np.zeros(d, np.float32))])
    with open(os.path.join(dirn, "cfg.json"), "w") as f:
        json.dump({"k": k, "d_in": d, "num_latents": m}, f)


def legacy_labels(path, m, feature, name):
    """labels.msgpack as written before labels recorded their SAE: no "sae"."""
    def s(x):
        b = x.encode()
        assert len(b) < 32
        return bytes([0xa0 | len(b)]) + b
    def i(x):
        return b"\xd3" + struct.pack(">q", x)
    entry = b"\x85" + s("feature") + i(feature) + s("name") + s(name) + s("safety") + i(4) + \
        s("note") + s("") + s("updated") + i(1700000000)
    doc = b"\x83" + s("format") + s("safer-labels/1") + s("m") + i(m) + s("labels") + b"\x91" + entry
    with open(path, "wb") as f:
        f.write(doc)


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if len(sys.argv) > 2 and sys.argv[2] == "legacy":
        legacy_labels(sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
        sys.exit(0)
    data(out)
    sae(out, "saeA", 32, seed=1)
    sae(out, "saeB", 24, seed=2)
    sae(out, "saeC", 32, seed=3)
