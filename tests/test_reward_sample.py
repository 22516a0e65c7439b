#!/usr/bin/python3
"""The planted reward head of the sample data (TAP): the generator writes
the reward_head of its generative model (w . D_c = +1 on the safety
concepts of chosen responses, -1 on those of rejected ones, 0 on the other
planted concepts, plus a noise direction; truth.json records each target
as "reward"). On a workspace trained on the sample:

  1. safer head reports the reward model's own head, the file's tensor;
  2. the SAE features matched to the rewarded safety concepts (largest
     cosine between the decoder row and the centred atom) have the largest
     |reward_effect| of all features, each with its concept's sign;
  3. on the swapped (mislabelled) pairs, explain names them: its top
     feature is one of them, and the margin says the rejected response is
     the one the head prefers.

Thresholds are set below what was measured on this data (printed as TAP
comments). Usage: test_reward_sample.py [KEEP_DIR]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reward_ref as ref  # noqa: E402
from tap import ok, done  # noqa: E402

SAFER = os.environ.get("SAFER", "tui/safer")
GEN = os.environ.get("SAMPLE_GEN") or os.path.join(
    os.environ.get("top_builddir", "."), "sample-data", "safer-sample-gen")


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line)
    sys.stdout.flush()


def run(*args):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0:
        diag("failed: %s\n%s" % (" ".join(args), r.stderr))
        print("Bail out! command failed")
        sys.exit(1)
    return r


def checks(tmp):
    data, ws = os.path.join(tmp, "sample"), os.path.join(tmp, "ws")
    if not os.path.exists(os.path.join(data, "truth.json")):
        run(GEN, "--out", data)
    if not os.path.exists(os.path.join(ws, "latents.bin")):
        run(SAFER, "init", ws, "--pairs", os.path.join(data, "pairs.jsonl"),
            "--acts", os.path.join(data, "acts.safetensors"))
        run(SAFER, "train", ws, "--latents", "1024", "--k", "16", "--seed", "1")
    truth = json.load(open(os.path.join(data, "truth.json")))
    acts, meta = ref.read_safetensors(os.path.join(data, "acts.safetensors"))
    ok("reward_head" in acts and meta.get("reward_bias") == "0",
       "the sample's activation file carries the planted reward head")

    r = run(SAFER, "head", ws, "--format", "json")
    w = np.array([x["weight"] for x in json.loads(r.stdout)])
    ok("own score head" in r.stderr and np.array_equal(w.astype(np.float32), acts["reward_head"]),
       "safer head reports the file's own head")

    atoms, _ = ref.read_safetensors(os.path.join(data, "atoms.safetensors"))
    A = atoms["atoms"].astype(np.float64)
    A = A - A.mean(1, keepdims=True)  # the SAE sees standardised rows
    A /= np.linalg.norm(A, axis=1, keepdims=True)
    sae, _ = ref.load_sae(ws)
    W = sae["W_dec"].astype(np.float64)
    cos = (W / np.linalg.norm(W, axis=1, keepdims=True)) @ A.T
    stats = json.loads(run(SAFER, "stats", ws, "--format", "json", "--sort", "id").stdout)
    e = np.array([s["reward_effect"] for s in stats])
    order = np.argsort(-np.abs(e), kind="stable")
    rank = np.empty(len(e), int)
    rank[order] = np.arange(len(e))

    rewarded = [c for c in truth["concepts"] if c.get("reward", 0) != 0]
    planted, signs, worst = set(), 0, 0
    for c in rewarded:
        f = int(np.argmax(cos[:, c["atom"]]))
        planted.add(f)
        signs += np.sign(e[f]) == np.sign(c["reward"])
        worst = max(worst, rank[f])
        diag("concept %-22s reward %+.0f -> feature %4d cos %.2f reward_effect %+.3f rank %d"
             % (c["name"], c["reward"], f, cos[f, c["atom"]], e[f], rank[f]))
    n = len(rewarded)
    ok(n >= 4, "the truth has rewarded safety concepts (%d)" % n)
    ok(signs == n, "every rewarded concept's feature has the sign of its reward")
    ok(len(planted & set(order[:n].tolist())) >= n - 1 and worst < n + 3,
       "their features have the largest |reward_effect| (worst rank %d of %d)" % (worst, len(e)))

    swapped = truth["mislabelled"]
    top1 = neg = 0
    for i in swapped:
        rows = json.loads(run(SAFER, "explain", ws, str(i), "-n", "3", "--format", "json").stdout)
        top1 += rows[0]["feature"] in planted
        neg += sum(x["contribution"] for x in rows) < 0
    diag("swapped pairs %d: top feature a planted one %d, negative margin %d"
         % (len(swapped), top1, neg))
    ok(len(swapped) >= 20 and top1 >= 0.8 * len(swapped),
       "explain on a swapped pair names a planted safety feature first")
    ok(neg >= 0.85 * len(swapped), "on a swapped pair the head prefers the rejected response")


def main():
    keep = sys.argv[1] if len(sys.argv) > 1 else None
    tmp = keep or tempfile.mkdtemp(prefix="safer-rs-")
    try:
        checks(tmp)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return done()


sys.exit(main())
