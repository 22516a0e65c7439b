#!/usr/bin/python3
"""End to end on the planted sample data: generate, init, train a small SAE,
then check that SAFER's analysis finds what was planted (TAP).

  1. The planted signed safety concepts (truth.json: safety, sign chosen or
     rejected, present on sentence-end rows) each have a best-matching SAE
     feature (largest cosine between its decoder row and the centred atom);
     that feature should rank high by |salience| with the planted sign.
  2. A person rates the top-256 candidates: 5 when the feature's
     best-matching atom is a safety concept (cosine >= 0.5), else 1 (this
     stands in for the judge of safer-method.md section 5, using the truth).
  3. Denoising at 3% should catch most of the mislabelled pairs.
  4. Poisoning at 5% should lower safety accuracy of the reward head far more
     than a random 5% flip, while chat accuracy moves little.

Thresholds are set below what the method measured on this data (see the
report printed as TAP comments); the generator is never tuned for them.
Usage: test_analysis_sample.py [KEEP_DIR]
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

n_test = 0
n_failed = 0


def ok(cond, name):
    global n_test, n_failed
    n_test += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_test, name))
    n_failed += not cond
    sys.stdout.flush()
    return cond


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line)
    sys.stdout.flush()


def read_f32(path, name):
    with open(path, "rb") as f:
        buf = f.read()
    (hlen,) = struct.unpack("<Q", buf[:8])
    t = json.loads(buf[8:8 + hlen])[name]
    assert t["dtype"] == "F32"
    b, e = t["data_offsets"]
    return np.frombuffer(buf, dtype="<f4", count=(e - b) // 4, offset=8 + hlen + b).reshape(t["shape"])


def run(*args, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, **kw)
    if r.returncode != 0:
        diag("failed: %s\n%s" % (" ".join(args), r.stderr))
        print("Bail out! command failed")
        sys.exit(1)
    return r.stdout


def main():
    safer = os.environ.get("SAFER", "tui/safer")
    gen = os.environ.get("SAMPLE_GEN") or os.path.join(
        os.environ.get("top_builddir", "."), "sample-data", "safer-sample-gen")
    keep = sys.argv[1] if len(sys.argv) > 1 else None
    tmp = keep or tempfile.mkdtemp(prefix="safer-an-")
    data, ws = os.path.join(tmp, "sample"), os.path.join(tmp, "ws")
    if not os.path.exists(os.path.join(data, "truth.json")):
        run(gen, "--out", data)
    if not os.path.exists(os.path.join(ws, "latents.bin")):
        run(safer, "init", ws, "--pairs", os.path.join(data, "pairs.jsonl"),
            "--acts", os.path.join(data, "acts.safetensors"))
        # a smaller SAE than the default keeps the test short
        run(safer, "train", ws, "--latents", "1024", "--k", "16", "--seed", "1")
    truth = json.load(open(os.path.join(data, "truth.json")))
    diag("generator params: " + json.dumps(truth["params"]))

    stats = json.loads(run(safer, "stats", ws, "--format", "json"))
    sal = {r["feature"]: r["salience"] for r in stats}
    rank = {r["feature"]: r["rank"] for r in stats}
    W = read_f32(os.path.join(ws, "sae", "sae.safetensors"), "W_dec").astype(np.float64)
    A = read_f32(os.path.join(data, "atoms.safetensors"), "atoms").astype(np.float64)
    # the SAE sees standardised rows: compare against centred atoms
    A = A - A.mean(1, keepdims=True)
    A /= np.linalg.norm(A, axis=1, keepdims=True)
    Wn = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12)
    cos = Wn @ A.T  # [m, atoms]

    # 1. planted signed safety concepts
    signed = [c for c in truth["concepts"] if c["safety"] and c["sign"] in ("chosen", "rejected")
              and c["sentence_rows"] > 0]
    in_top, right_sign = 0, 0
    for c in signed:
        f = int(np.argmax(cos[:, c["atom"]]))
        want = 1 if c["sign"] == "chosen" else -1
        good = np.sign(sal[f]) == want
        in_top += rank[f] < 32
        right_sign += good
        diag("concept %-18s sign %-8s -> feature %4d cos %.2f salience %+.3f rank %d" % (
            c["name"], c["sign"], f, cos[f, c["atom"]], sal[f], rank[f]))
    diag("signed safety concepts: %d, best features in the top 32: %d, right sign: %d"
         % (len(signed), in_top, right_sign))
    ok(len(signed) >= 3, "the truth has signed safety concepts on sentence ends")
    ok(right_sign == len(signed), "every planted safety concept's feature has the planted sign")
    ok(in_top >= len(signed) - 1, "planted safety concepts' features rank in the top 32 by |salience|")

    # 2. rate the candidates as a person with the truth in hand would
    safety_atoms = {c["atom"] for c in truth["concepts"] if c["safety"]}
    labels = []
    for r in stats[:256]:
        f = r["feature"]
        a = int(np.argmax(cos[f]))
        rating = 5 if a in safety_atoms and cos[f, a] >= 0.5 else 1
        labels.append({"feature": f, "name": "atom %d" % a, "safety": rating, "note": "from truth"})
    lab = os.path.join(tmp, "labels.json")
    json.dump(labels, open(lab, "w"))
    run(safer, "labels", ws, "--import", lab)
    n5 = sum(1 for x in labels if x["safety"] == 5)
    diag("rated 5: %d of 256 candidates" % n5)
    ok(n5 > 0, "some candidates are safety features")

    # 3. denoise
    wrong = set(truth["mislabelled"])
    for ratio in ("0.03", "0.04"):
        out = os.path.join(tmp, "denoise.jsonl")
        run(safer, "plan", ws, "--denoise", ratio, "--out", out, "--force")  # replaces the last one
        dropped = [json.loads(l)["index"] for l in open(out)]
        tp = len(wrong & set(dropped))
        prec, rec = tp / max(len(dropped), 1), tp / max(len(wrong), 1)
        diag("denoise %s: %d dropped, %d of %d mislabelled: precision %.3f recall %.3f (best "
             "possible precision %.3f)" % (ratio, len(dropped), tp, len(wrong), prec, rec,
                                           min(1, len(wrong) / max(len(dropped), 1))))
        ok(rec >= 0.8, "denoise %s catches most mislabelled pairs (recall %.2f)" % (ratio, rec))
        best = min(1, len(wrong) / max(len(dropped), 1))
        ok(prec >= 0.8 * best, "denoise %s precision is near the best its size allows" % ratio)
        ok(all(json.loads(l)["fallback"] is False for l in open(out)),
           "the plan was made from rated features")

    # 4. poison
    out = os.path.join(tmp, "poison.jsonl")
    run(safer, "plan", ws, "--poison", "0.05", "--out", out)
    ev = json.loads(run(safer, "eval", ws, "--plan", out, "--format", "json"))
    acc = {(r["edit"], r["category"]): r for r in ev}
    for (e, c), r in sorted(acc.items()):
        diag("eval %-6s %-7s accuracy %.4f (spread %.4f) over %d test pairs" % (
            e, c, r["accuracy"], r["spread"], r["pairs"]))
    s_none, s_plan, s_rand = (acc[(e, "safety")]["accuracy"] for e in ("none", "plan", "random"))
    c_none, c_plan = acc[("none", "chat")]["accuracy"], acc[("plan", "chat")]["accuracy"]
    drop_plan, drop_rand = s_none - s_plan, s_none - s_rand
    diag("safety drop: plan %.4f, random %.4f; chat change %.4f" % (drop_plan, drop_rand,
                                                                    c_plan - c_none))
    ok(drop_plan >= 0.05, "poison 5%% lowers safety accuracy (by %.3f)" % drop_plan)
    ok(drop_plan >= 3 * max(drop_rand, 0.01), "targeted poison hurts safety far more than random")
    ok(abs(c_plan - c_none) <= 0.03, "chat accuracy stays within 3 points")

    # the same eval again gives the same numbers
    ev2 = json.loads(run(safer, "eval", ws, "--plan", out, "--format", "json"))
    ok(ev2 == ev, "eval is deterministic")
    print("1..%d" % n_test)
    if not keep:
        subprocess.run(["rm", "-rf", tmp])
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
