#!/usr/bin/env python3
"""Inputs for the report test: a small workspace's pairs and activations
whose texts - prompts, responses, ids, categories and token texts - hold
markup and Markdown meant to escape (<script>, "><img onerror=...>,
pipes, links), in two categories and both splits.

usage: report_fixture.py OUTDIR"""
import json, os, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labels_sae_fixture import write_safetensors  # noqa: E402

HOSTILE = ['<script>alert("p")</script>', '"><img src=x onerror=alert(1)>',
           '| pipe | *star* [link](http://example.invalid) `tick`']
TOKENS = [b" <script>", b"alert(2)", b"</script>", b' "><img src=x onerror=alert(3)>',
          b" |", b" *", b" ok", b"."]


def main(out, P=48, d=16, seed=5):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    with open(os.path.join(out, "pairs.jsonl"), "w") as f:
        for i in range(P):
            h = HOSTILE[i % len(HOSTILE)]
            rec = {"id": "id%d%s" % (i, "<b>" if i % 7 == 0 else ""),
                   "prompt": "question %d %s" % (i, h), "chosen": "safe %d %s" % (i, h),
                   "rejected": "unsafe %d" % i,
                   "category": "safety" if i % 2 else "<i>chat</i>"}
            if i % 4 == 3 or i % 8 == 2:
                rec["split"] = "test"
            f.write(json.dumps(rec) + "\n")
    pair, side, pos, flags, toks = [], [], [], [], []
    for i in range(P):
        for s in (0, 1, 2):
            n = 3 if s == 0 else 8
            for q in range(n):
                pair.append(i); side.append(s); pos.append(q)
                flags.append(1 if s and q in (3, n - 1) else 0)
                toks.append(TOKENS[(i + q) % len(TOKENS)])
    N = len(pair)
    acts = rng.normal(size=(N, d)).astype(np.float32)
    # a direction that chosen responses carry: salience to find and a head to learn
    acts[np.array(side) == 1, 0] += 2.5
    off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
    tb = np.frombuffer(b"".join(toks), dtype=np.uint8)
    write_safetensors(os.path.join(out, "acts.safetensors"), [
        ("acts", "F32", acts), ("tok_off", "I64", off),
        ("pair", "I32", np.array(pair, np.int32)), ("pos", "I32", np.array(pos, np.int32)),
        ("side", "U8", np.array(side, np.uint8)), ("flags", "U8", np.array(flags, np.uint8)),
        ("tok_bytes", "U8", tb)],
        {"format": "safer-acts/1", "model": "<script>m</script>", "layer": "3"})


if __name__ == "__main__":
    main(sys.argv[1])
