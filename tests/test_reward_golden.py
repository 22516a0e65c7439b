#!/usr/bin/python3
"""The reward head, reward effects, explain and paired salience
(safer-method.md sections 10 and 12) against the numpy reference of
tests/reward_ref.py, on two small workspaces: one whose activation file
carries no head (the proxy head) with a standardising SAE, one whose file
carries the reward model's own head and bias with an SAE on raw inputs,
and a JumpReLU SAE saved as SAELens saves it (a varying number of active
latents per row), against the encoder of tests/sae_kinds_ref.py.

Tolerances: reward effects 1e-6 relative (both sides sum the same float
weights in double); contributions 1e-4 of the largest |contribution| and
the margin 1e-5 relative (the reference encodes the rows itself in double,
safer in float); the rows of a listing add up to the margin within 1e-4
relative, as the contract asks; paired means and the bootstrap interval
1e-5 of the largest |mean| (the same resamples: the reference replays
safer's splitmix64 draws, and numpy's linear percentile is the
interpolation safer uses). The normal-theory interval is printed beside it
as a sanity check, not asserted.
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
import sae_kinds_ref as kinds  # noqa: E402
from labels_sae_fixture import write_pairs, write_safetensors  # noqa: E402
from tap import ok, done  # noqa: E402

SAFER = os.environ.get("SAFER", "tui/safer")


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line)


def run(*args, want=0):
    r = subprocess.run([SAFER] + list(args), capture_output=True, text=True)
    if r.returncode != want:
        diag("safer %s: exit %d\n%s" % (" ".join(args), r.returncode, r.stderr))
        print("Bail out! command failed")
        sys.exit(1)
    return r


def write_acts(path, acts, pair, side, pos, flags, toks, head=None, head_dtype="F32", meta=None):
    off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
    tensors = [("acts", "F32", acts.astype(np.float32)), ("tok_off", "I64", off),
               ("pair", "I32", pair.astype(np.int32)), ("pos", "I32", pos.astype(np.int32)),
               ("side", "U8", side.astype(np.uint8)), ("flags", "U8", flags.astype(np.uint8)),
               ("tok_bytes", "U8", np.frombuffer(b"".join(toks), dtype=np.uint8))]
    if head is not None:
        h = np.asarray(head)
        tensors.append(("reward_head", head_dtype, h.astype(np.float16 if head_dtype == "F16"
                                                           else np.float32)))
    md = {"format": "safer-acts/1"}
    md.update(meta or {})
    write_safetensors(path, tensors, md)


def fixture(tmp, seed):
    """80 pairs (every 5th a test pair), d 16, planted chosen/rejected directions."""
    rng = np.random.default_rng(seed)
    P, d = 80, 16
    write_pairs(tmp, P)
    pair, side, pos, flags, toks = [], [], [], [], []
    for i in range(P):
        for s in (0, 1, 2):
            n = 3 if s == 0 else int(rng.integers(5, 12))
            for q in range(n):
                pair.append(i); side.append(s); pos.append(q)
                flags.append(1 if s and (q % 3 == 2 or q == n - 1) and rng.random() < 0.9 else 0)
                toks.append(b"." if q % 3 == 2 else b" w")
    pair, side, pos, flags = map(np.array, (pair, side, pos, flags))
    u, v = rng.normal(size=d), rng.normal(size=d)
    acts = (rng.normal(size=(len(pair), d)) + np.outer(side == 1, u) * 1.5 +
            np.outer(side == 2, v) * 1.2 + rng.normal(size=(len(pair), 1)) * 0.5) * \
        rng.uniform(0.5, 2.0, size=(len(pair), 1))
    return acts.astype(np.float32), pair, side, pos, flags, toks


def tsv(text):
    lines = text.rstrip("\n").split("\n")
    cols = lines[0].split("\t")
    return [dict(zip(cols, l.split("\t"))) for l in lines[1:]]


def check_ws(ws, acts, pair, side, flags, want_kind, own=None):
    P = int(pair.max()) + 1
    train = np.array([i % 5 != 4 for i in range(P)])
    r = run("head", ws, "--format", "json")
    head = json.loads(r.stdout)
    w = np.array([h["weight"] for h in head])
    ok(len(w) == acts.shape[1] and all(h["head"] == want_kind for h in head),
       "%s: safer head gives d weights of the %s head" % (ws, want_kind))
    ok(("own score head" if want_kind == "own" else "proxy head") in r.stderr,
       "%s: stderr says which head" % ws, r.stderr)
    if own is not None:
        ok(np.array_equal(w.astype(np.float32), own.astype(np.float32)),
           "%s: the own head is the file's tensor, value for value" % ws)
    sae, cfg = ref.load_sae(ws)
    e_ref = ref.effects(sae, w)
    stats = json.loads(run("stats", ws, "--format", "json", "--sort", "id").stdout)
    e = np.array([s["reward_effect"] for s in stats])
    err = np.abs(e - e_ref).max() / np.abs(e_ref).max()
    ok(err < 1e-6, "%s: reward_effect = w . d_j (rel err %.2g)" % (ws, err))

    worst_c, worst_sum, worst_m, worst_top = 0.0, 0.0, 0.0, 0
    for i in [0, 1, 2, 7, 13, 21, 38, 55, 79]:
        c_ref, m_ref, res_ref = ref.attribution(acts, pair, side, i, sae, cfg, w)
        rows = tsv(run("explain", ws, str(i), "-n", "0").stdout)
        feats = {int(x["feature"]): float(x["contribution"]) for x in rows[:-1]}
        total = sum(float(x["contribution"]) for x in rows)
        scale = np.abs(c_ref).max()
        got = np.zeros_like(c_ref)
        for f, v in feats.items():
            got[f] = v
        worst_c = max(worst_c, np.abs(got - c_ref).max() / scale)
        worst_m = max(worst_m, abs(total - m_ref) / abs(m_ref))
        worst_sum = max(worst_sum, abs(float(rows[-1]["contribution"]) - res_ref) / abs(m_ref))
        top = tsv(run("explain", ws, str(i), "-n", "3").stdout)
        want = set(np.argsort(-np.abs(c_ref), kind="stable")[:3])
        worst_top += set(int(x["feature"]) for x in top[:3]) != want
        worst_m = max(worst_m, abs(sum(float(x["contribution"]) for x in top) - m_ref) / abs(m_ref))
        ok(rows[-1]["feature"] == "residual" and top[-1]["feature"] == "residual" and len(top) == 4,
           "%s: pair %d: the listing ends with the residual row" % (ws, i))
    ok(worst_c < 1e-4, "%s: contributions match the reference (max err %.2g of the largest)" % (ws, worst_c))
    ok(worst_m < 1e-4, "%s: every listing adds up to the reference margin (rel err %.2g)" % (ws, worst_m))
    ok(worst_sum < 1e-4, "%s: with -n 0 the residual is margin - sum of all contributions (%.2g)"
       % (ws, worst_sum))
    ok(worst_top == 0, "%s: -n 3 lists the three largest |contribution|" % ws)

    for mode in ("sentence", "all"):
        st = json.loads(run("stats", ws, "--format", "json", "--sort", "id", "--rows", mode).stdout)
        z = ref.encode(acts, sae, cfg)
        z[side == 0] = 0
        D = ref.pair_differences(z, pair, side, flags, train, mode)
        mean, lo, hi = ref.bootstrap(D)
        nlo, nhi = ref.normal_interval(D)
        got = np.array([[s["paired_mean"], s["paired_lo"], s["paired_hi"]] for s in st])
        scale = np.abs(mean).max()
        err = np.abs(got - np.stack([mean, lo, hi], 1)).max() / scale
        ok(err < 1e-5, "%s: rows %s: paired mean and bootstrap interval match numpy (err %.2g)"
           % (ws, mode, err))
        ok(np.all(got[:, 1] <= got[:, 0] + 1e-12) and np.all(got[:, 0] <= got[:, 2] + 1e-12),
           "%s: rows %s: lo <= mean <= hi" % (ws, mode))
        diag("rows %s: bootstrap vs normal interval: max |lo diff| %.3g, max |hi diff| %.3g "
             "(of max |mean| %.3g)" % (mode, np.abs(lo - nlo).max(), np.abs(hi - nhi).max(), scale))
    again = json.loads(run("stats", ws, "--format", "json", "--sort", "id").stdout)
    ok(again == stats, "%s: a second run reads the caches to the same numbers" % ws)
    ok(all(os.path.exists(os.path.join(ws, f)) for f in
           ("effects.bin", "paired-sentence.bin", "paired-all.bin")), "%s: the caches are kept" % ws)


def saelens_scale(x, norm):
    """s_r with x = mu_r + s_r x~ (layer_norm) or x = s_r x~ (constant_norm_rescale)."""
    x = x.astype(np.float64)
    if norm == "layer_norm":
        return x.std(1, ddof=1) + 1e-5
    if norm == "constant_norm_rescale":
        return np.linalg.norm(x, axis=1) / np.sqrt(x.shape[1])
    return np.ones(len(x))


def check_jumprelu(ws, acts, pair, side, flags, own, norm):
    """A JumpReLU SAE: a varying count of active latents per row."""
    P = int(pair.max()) + 1
    train = np.array([i % 5 != 4 for i in range(P)])
    rng = np.random.default_rng(12)
    W_enc, b_enc, W_dec, b_dec, thr = kinds.weights(rng, 48)
    sae_dir = ws + "-sae-" + norm
    kinds.saelens_save(sae_dir, W_enc, b_enc, W_dec, b_dec, "jumprelu", norm=norm, threshold=thr)
    run("load-sae", ws, sae_dir)
    z = kinds.saelens_encode(acts, W_enc, b_enc, b_dec, "jumprelu", norm, threshold=thr)
    sz = z * saelens_scale(acts, norm)[:, None]
    l0 = (z > 0).sum(1)
    ok(l0.min() != l0.max(), "jumprelu, %s: the rows have %d to %d active latents"
       % (norm, l0.min(), l0.max()))
    e_ref = W_dec.astype(np.float64) @ own.astype(np.float64)
    stats = json.loads(run("stats", ws, "--format", "json", "--sort", "id").stdout)
    e = np.array([x["reward_effect"] for x in stats])
    err = np.abs(e - e_ref).max() / np.abs(e_ref).max()
    ok(err < 1e-6, "jumprelu, %s: reward_effect = w . d_j (rel err %.2g)" % (norm, err))
    worst_c, worst_m = 0.0, 0.0
    for i in [0, 3, 9, 40, 77]:
        c = [sz[(pair == i) & (side == sd)].mean(0) * e_ref for sd in (1, 2)]
        c_ref = c[0] - c[1]
        m_ref = float(np.dot(own, acts[(pair == i) & (side == 1)].astype(np.float64).mean(0) -
                             acts[(pair == i) & (side == 2)].astype(np.float64).mean(0)))
        rows = tsv(run("explain", ws, str(i), "-n", "0").stdout)
        got = np.zeros_like(c_ref)
        for x in rows[:-1]:
            got[int(x["feature"])] = float(x["contribution"])
        worst_c = max(worst_c, np.abs(got - c_ref).max() / np.abs(c_ref).max())
        worst_m = max(worst_m, abs(sum(float(x["contribution"]) for x in rows) - m_ref) / abs(m_ref))
    ok(worst_c < 1e-4, "jumprelu, %s: contributions (s_r z e) match numpy (max err %.2g of the "
       "largest)" % (norm, worst_c))
    ok(worst_m < 1e-4, "jumprelu, %s: every listing adds up to the margin (rel err %.2g)"
       % (norm, worst_m))
    if norm != "none":
        return
    for mode in ("sentence", "all"):
        st = json.loads(run("stats", ws, "--format", "json", "--sort", "id", "--rows", mode).stdout)
        zz = z.copy()
        zz[side == 0] = 0
        mean, lo, hi = ref.bootstrap(ref.pair_differences(zz, pair, side, flags, train, mode))
        got = np.array([[x["paired_mean"], x["paired_lo"], x["paired_hi"]] for x in st])
        err = np.abs(got - np.stack([mean, lo, hi], 1)).max() / np.abs(mean).max()
        ok(err < 1e-5, "jumprelu, none: rows %s: paired mean and interval match numpy (err %.2g)"
           % (mode, err))


def main():
    tmp = tempfile.mkdtemp(prefix="safer-rw-")
    try:
        return checks(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def checks(tmp):
    # 1. no head in the file: the proxy; a standardising SAE
    a = os.path.join(tmp, "a")
    os.mkdir(a)
    acts, pair, side, pos, flags, toks = fixture(a, 5)
    write_acts(os.path.join(a, "acts.safetensors"), acts, pair, side, pos, flags, toks)
    run("init", a + "/ws", "--pairs", a + "/pairs.jsonl", "--acts", a + "/acts.safetensors")
    run("train", a + "/ws", "--latents", "32", "--k", "4", "--epochs", "2", "--batch", "64")
    check_ws(a + "/ws", acts, pair, side, flags, "proxy")
    ok(os.path.exists(a + "/ws/head.bin"), "the proxy head is kept in WS/head.bin")

    # 2. the reward model's own head and bias; an SAE on raw inputs
    b = os.path.join(tmp, "b")
    os.mkdir(b)
    acts, pair, side, pos, flags, toks = fixture(b, 6)
    own = np.random.default_rng(3).normal(size=acts.shape[1]).astype(np.float32)
    write_acts(os.path.join(b, "acts.safetensors"), acts, pair, side, pos, flags, toks, head=own,
               meta={"reward_bias": "0.25"})
    run("init", b + "/ws", "--pairs", b + "/pairs.jsonl", "--acts", b + "/acts.safetensors")
    run("train", b + "/ws", "--latents", "32", "--k", "4", "--epochs", "2", "--batch", "64",
        "--normalize", "none")
    check_ws(b + "/ws", acts, pair, side, flags, "own", own)
    r = run("head", b + "/ws")
    ok("bias 0.25" in r.stderr, "the own head's bias is reported", r.stderr)
    ok(not os.path.exists(b + "/ws/head.bin"), "the own head is not cached")
    for norm in ("none", "layer_norm", "constant_norm_rescale"):
        check_jumprelu(b + "/ws", acts, pair, side, flags, own, norm)

    # 3. a bad reward_head is refused at init, naming the file and the tensor
    bad = [("shape", dict(head=own[:-1])), ("NaN", dict(head=np.where(np.arange(16) == 3, np.nan, own))),
           ("dtype", dict(head=own, head_dtype="F16")),
           ("bias", dict(head=own, meta={"reward_bias": "lots"})),
           ("bias without head", dict(meta={"reward_bias": "1"}))]
    for what, kw in bad:
        p = os.path.join(b, "bad.safetensors")
        write_acts(p, acts, pair, side, pos, flags, toks, **kw)
        r = run("init", b + "/bad-ws", "--pairs", b + "/pairs.jsonl", "--acts", p, want=1)
        ok(r.stderr.count("\n") == 1 and "bad.safetensors" in r.stderr and "reward_" in r.stderr,
           "a reward_head with a bad %s is refused in one line" % what, r.stderr)

    # 4. explain's usage and failures
    r = run("explain", a + "/ws", "80", want=1)
    ok("no pair 80" in r.stderr, "explain refuses a pair out of range", r.stderr)
    run("explain", a + "/ws", "x", want=2)
    run("explain", a + "/ws", "3", "-n", "-1", want=2)
    run("explain", a + "/ws", want=2)
    run("head", want=2)
    r = run("stats", a + "/ws", "-n", "3", "--sort", "paired")
    got = [abs(float(x["paired_mean"])) for x in tsv(r.stdout)]
    ok(got == sorted(got, reverse=True), "stats --sort paired orders by |paired_mean|")
    r = run("stats", a + "/ws", "-n", "3", "--sort", "effect")
    got = [abs(float(x["reward_effect"])) for x in tsv(r.stdout)]
    ok(got == sorted(got, reverse=True), "stats --sort effect orders by |reward_effect|")
    return done()


sys.exit(main())
