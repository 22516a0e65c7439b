#!/usr/bin/env python3
"""SAEs of every kind and normalisation as SAELens and sparsify save them,
written by a numpy stand-in of their save code, and the feature statistics
(safer-method.md section 4) that an independent numpy encoder gives on a
tiny workspace.

SAELens (sae_lens/saes/sae.py save_model): DIR/sae_weights.safetensors
holding W_enc [d,m], b_enc [m], W_dec [m,d], b_dec [d] (and threshold [m]
for jumprelu), and DIR/cfg.json = cfg.to_dict(): d_in, d_sae, dtype, device,
apply_b_dec_to_input, normalize_activations, reshape_activations,
architecture and the metadata object (hook_name, ...). Its encoder:
sae_in = norm_in(x) - b_dec * apply_b_dec_to_input; pre = sae_in @ W_enc +
b_enc; standard: relu(pre); jumprelu: relu(pre) * (pre > threshold).
norm_in: layer_norm ((x - mean) / (std + 1e-5), std unbiased),
constant_norm_rescale (x * sqrt(d) / |x|), expected_average_only_in (x * c,
c from activation_scaler.json, {"scaling_factor": c}, or sqrt(d) / mean |x|
estimated on the activations).

sparsify (sparse_coder.py save_to_disk): DIR/sae.safetensors (encoder.weight,
encoder.bias, W_dec, b_dec, W_skip when skip_connection) and DIR/cfg.json =
cfg.to_dict() + d_in.

usage: sae_kinds_ref.py OUTDIR     writes OUTDIR/data (pairs, acts) and the
                                   SAE directories, and for each good one
                                   OUTDIR/NAME.sentence.tsv / NAME.all.tsv:
                                   feature chosen_sum rejected_sum salience
       sae_kinds_ref.py check REF.tsv STATS.tsv TOL
       sae_kinds_ref.py reload DIR DATADIR ROWS OUT.tsv
                                   read DIR as SAELens's loader (or sparsify's)
                                   would and write its statistics
"""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labels_sae_fixture  # noqa: E402

D, M, HOOK = 16, 40, "blocks.3.hook_resid_post"


def write_safetensors(path, tensors, meta=None):
    """tensors: name -> array, written by the shared numpy writer."""
    names = {"float32": "F32", "float16": "F16", "int32": "I32", "int64": "I64", "uint8": "U8"}
    labels_sae_fixture.write_safetensors(
        path, [(k, names[a.dtype.name], a) for k, a in tensors.items()], meta)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    hdr = json.loads(raw[8:8 + n])
    out = {}
    dt = {"F32": np.float32, "F16": np.float16, "I32": np.int32, "I64": np.int64, "U8": np.uint8}
    for k, v in hdr.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(raw[8 + n + a:8 + n + b], dt[v["dtype"]]).reshape(v["shape"])
    return out, hdr.get("__metadata__", {})


def data(out, P=24, seed=5):
    """A workspace's inputs: rows with a structure an SAE can see, and the
    layer names that safer-extract records (saelens_hook blocks.3...)."""
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "pairs.jsonl"), "w") as f:
        for i in range(P):
            f.write(json.dumps({"id": "p%d" % i, "prompt": "q%d" % i, "chosen": "yes",
                                "rejected": "no", "category": "safety" if i % 2 else "chat"}) + "\n")
    pair, side, pos, flags, toks = [], [], [], [], []
    for i in range(P):
        for s in (0, 1, 2):
            n = 2 if s == 0 else 6
            for q in range(n):
                pair.append(i), side.append(s), pos.append(q)
                flags.append(1 if s and q in (2, n - 1) else 0)
                toks.append(b" t%d" % q)
    N = len(pair)
    acts = (rng.normal(size=(N, D)) * 2.0 + 0.7).astype(np.float32)
    acts[np.array(side) == 1, :4] += 1.5  # the chosen side leans one way
    off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
    write_safetensors(os.path.join(out, "acts.safetensors"), {
        "acts": acts, "pair": np.array(pair, np.int32), "side": np.array(side, np.uint8),
        "pos": np.array(pos, np.int32), "flags": np.array(flags, np.uint8), "tok_off": off,
        "tok_bytes": np.frombuffer(b"".join(toks), np.uint8)},
        {"format": "safer-acts/1", "layer": "4", "hook": "hidden_states[4]", "d_model": str(D),
         "sparsify_hookpoint": "layers.3", "saelens_hook": HOOK})
    return acts, np.array(side), np.array(flags)


def saelens_save(dirn, W_enc, b_enc, W_dec, b_dec, arch, norm="none", threshold=None,
                 apply_b_dec=True, hook=HOOK, pre6=False, scaler=None):
    """SAE.save_model: state dict to sae_weights.safetensors, cfg.to_dict() to cfg.json."""
    os.makedirs(dirn, exist_ok=True)
    sd = {"W_dec": W_dec, "W_enc": W_enc, "b_dec": b_dec, "b_enc": b_enc}
    if threshold is not None:
        sd["threshold"] = threshold
    write_safetensors(os.path.join(dirn, "sae_weights.safetensors"), sd)
    if pre6:  # the 5.x layout: hook and the rest at the top level
        cfg = {"architecture": arch, "d_in": D, "d_sae": W_enc.shape[1], "dtype": "float32",
               "device": "cpu", "model_name": "tiny", "hook_name": hook, "hook_layer": 3,
               "apply_b_dec_to_input": apply_b_dec, "normalize_activations": norm,
               "sae_lens_training_version": "5.9.0"}
    else:
        cfg = {"d_in": D, "d_sae": W_enc.shape[1], "dtype": "float32", "device": "cpu",
               "apply_b_dec_to_input": apply_b_dec, "normalize_activations": norm,
               "reshape_activations": "none",
               "metadata": {"model_name": "tiny", "hook_name": hook, "hook_head_index": None,
                            "sae_lens_version": "6.12.1"},
               "architecture": arch}
    with open(os.path.join(dirn, "cfg.json"), "w") as f:
        json.dump(cfg, f)
    if scaler is not None:  # ActivationScaler.save
        with open(os.path.join(dirn, "activation_scaler.json"), "w") as f:
            json.dump({"scaling_factor": scaler}, f)


def saelens_encode(x, W_enc, b_enc, b_dec, arch, norm, threshold=None, apply_b_dec=True,
                   scale=None, k=None):
    x = x.astype(np.float64)
    if norm == "layer_norm":
        mu = x.mean(-1, keepdims=True)
        x = x - mu
        x = x / (x.std(-1, ddof=1, keepdims=True) + 1e-5)
    elif norm == "constant_norm_rescale":
        x = x * (np.sqrt(D) / np.linalg.norm(x, axis=-1, keepdims=True))
    elif norm == "expected_average_only_in":
        x = x * scale
    sae_in = x - b_dec * (1.0 if apply_b_dec else 0.0)
    pre = sae_in @ W_enc.astype(np.float64) + b_enc
    z = np.maximum(pre, 0)
    if arch == "jumprelu":
        z = z * (pre > threshold)
    if arch == "topk":  # TopK then ReLU (SAELens), ReLU then TopK (sparsify): the same
        keep = np.argsort(-pre, axis=1, kind="stable")[:, :k]
        z = np.zeros_like(pre)
        np.put_along_axis(z, keep, np.maximum(np.take_along_axis(pre, keep, 1), 0), 1)
    return z


def stats_tsv(path, z, side, flags, mode):
    use = side > 0
    if mode == "sentence":
        use &= (flags & 1).astype(bool)
    zp = np.where(use[:, None], z, 0)
    C = zp[side == 1].sum(0)
    R = zp[side == 2].sum(0)
    mu = (C.sum() + R.sum()) / (2 * len(C))
    den = C + R + 2 * mu
    s = np.where(den != 0, (C - R) / np.where(den != 0, den, 1), 0)
    with open(path, "w") as f:
        f.write("feature\tchosen_sum\trejected_sum\tsalience\n")
        for j in range(len(C)):
            f.write("%d\t%.9g\t%.9g\t%.9g\n" % (j, C[j], R[j], s[j]))


def weights(rng, m=M):
    W_dec = rng.normal(size=(m, D)).astype(np.float32)
    W_dec /= np.linalg.norm(W_dec, axis=1, keepdims=True)
    W_enc = (W_dec.T * 0.9 + rng.normal(size=(D, m)) * 0.1).astype(np.float32)
    b_enc = (rng.normal(size=m) * 0.3 - 0.2).astype(np.float32)
    b_dec = (rng.normal(size=D) * 0.2).astype(np.float32)
    thr = np.abs(rng.normal(size=m) * 0.8).astype(np.float32)
    return W_enc, b_enc, W_dec, b_dec, thr


def main(out):
    acts, side, flags = data(os.path.join(out, "data"))
    rng = np.random.default_rng(11)
    est = np.sqrt(D) / np.linalg.norm(acts.astype(np.float64), axis=-1).mean()
    cases = [  # name, arch, norm, threshold?, apply_b_dec, scaler file, pre6
        ("jump_none", "jumprelu", "none", True, True, None, False),
        ("std_none", "standard", "none", False, True, None, False),
        ("std_ln", "standard", "layer_norm", False, True, None, False),
        ("jump_cnr", "jumprelu", "constant_norm_rescale", True, True, None, False),
        ("jump_eavg", "jumprelu", "expected_average_only_in", True, True, 0.37, False),
        ("std_eavg_est", "standard", "expected_average_only_in", False, True, None, False),
        ("std_nobdec", "standard", "none", False, False, None, False),
        ("jump_pre6", "jumprelu", "none", True, True, None, True),
    ]
    for name, arch, norm, has_thr, ab, scaler, pre6 in cases:
        W_enc, b_enc, W_dec, b_dec, thr = weights(rng)
        saelens_save(os.path.join(out, name), W_enc, b_enc, W_dec, b_dec, arch, norm,
                     thr if has_thr else None, ab, pre6=pre6, scaler=scaler)
        scale = scaler if scaler is not None else est
        z = saelens_encode(acts, W_enc, b_enc, b_dec, arch, norm, thr if has_thr else None, ab,
                           scale)
        for mode in ("sentence", "all"):
            stats_tsv(os.path.join(out, "%s.%s.tsv" % (name, mode)), z, side, flags, mode)
    # refusals
    W_enc, b_enc, W_dec, b_dec, thr = weights(rng)
    saelens_save(os.path.join(out, "bad_hook"), W_enc, b_enc, W_dec, b_dec, "jumprelu", "none",
                 thr, hook="blocks.7.hook_resid_post")
    saelens_save(os.path.join(out, "bad_batchtopk"), W_enc, b_enc, W_dec, b_dec, "batchtopk")
    Wd, Wb = rng.normal(size=(600, D)).astype(np.float32), np.full(600, 50, np.float32)
    saelens_save(os.path.join(out, "bad_dense"), Wd.T.copy(), Wb, Wd, b_dec, "jumprelu", "none",
                 np.full(600, -1, np.float32))
    for name, extra, skip in (("bad_transcode", {"transcode": True}, False),
                              ("bad_skip", {"skip_connection": True}, True),
                              ("bad_skip_tensor", {}, True)):
        dirn = os.path.join(out, name)
        os.makedirs(dirn, exist_ok=True)
        sd = {"encoder.weight": W_dec.copy(), "encoder.bias": b_enc, "W_dec": W_dec,
              "b_dec": b_dec}
        if skip:
            sd["W_skip"] = np.zeros((D, D), np.float32)
        write_safetensors(os.path.join(dirn, "sae.safetensors"), sd)
        cfg = {"activation": "topk", "expansion_factor": 32, "normalize_decoder": True,
               "num_latents": M, "k": 4, "multi_topk": False, "skip_connection": False,
               "transcode": False, "d_in": D}
        cfg.update(extra)
        with open(os.path.join(dirn, "cfg.json"), "w") as f:
            json.dump(cfg, f)


def reload(dirn, datadir, rows, out):
    """What SAELens's load_from_disk (sae_weights.safetensors) or sparsify's
    load_from_disk (sae.safetensors, encoder.weight [m,d]) reads from dirn."""
    with open(os.path.join(dirn, "cfg.json")) as f:
        cfg = json.load(f)
    data, _ = read_safetensors(os.path.join(datadir, "acts.safetensors"))
    if os.path.exists(os.path.join(dirn, "sae_weights.safetensors")):
        w, _ = read_safetensors(os.path.join(dirn, "sae_weights.safetensors"))
        z = saelens_encode(data["acts"], w["W_enc"], w["b_enc"], w["b_dec"], cfg["architecture"],
                           cfg["normalize_activations"], w.get("threshold"),
                           cfg["apply_b_dec_to_input"], k=cfg.get("k"))
    else:
        w, _ = read_safetensors(os.path.join(dirn, "sae.safetensors"))
        assert not cfg["transcode"] and not cfg["skip_connection"]
        z = saelens_encode(data["acts"], w["encoder.weight"].T, w["encoder.bias"], w["b_dec"],
                           "topk", "none", k=cfg["k"])
    stats_tsv(out, z, data["side"], data["flags"], rows)


def check(ref, got, tol):
    """Compare safer stats TSV (columns by name) against the reference."""
    def load(p):
        with open(p) as f:
            head = f.readline().rstrip("\n").split("\t")
            rows = [dict(zip(head, line.rstrip("\n").split("\t"))) for line in f]
        return {int(r["feature"]): r for r in rows}
    R, G = load(ref), load(got)
    bad = 0
    if sorted(R) != sorted(G):
        print("features differ: %d vs %d" % (len(R), len(G)))
        return 1
    worst = 0.0
    for j in R:
        for col in ("chosen_sum", "rejected_sum", "salience"):
            a, b = float(R[j][col]), float(G[j][col])
            err = abs(a - b) / max(1.0, abs(a))
            worst = max(worst, err)
            if err > tol:
                bad += 1
                if bad <= 5:
                    print("feature %d %s: reference %.9g, safer %.9g" % (j, col, a, b))
    print("worst relative difference %.3g over %d features" % (worst, len(R)))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], float(sys.argv[4])))
    if sys.argv[1] == "reload":
        sys.exit(reload(*sys.argv[2:6]))
    main(sys.argv[1])
