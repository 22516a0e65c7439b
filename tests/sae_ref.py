#!/usr/bin/python3
"""Independent reference for the TopK SAE (safer-method.md sections 2-3),
written with torch in float64, dense as the SAFER reference code is.

  sae_ref.py fixtures OUTDIR   write the committed fixtures (tests/fixtures/sae)
  sae_ref.py bad OUTDIR        write broken SAE files for the bad-input tests

Fixture cases (ref.safetensors, tensors prefixed "<case>."):
  A  standardize, raw TopK (SAFER)          3 Adam steps
  B  no normalisation, ReLU (sparsify)      3 Adam steps
  C  ReLU + AuxK with a given dead mask     3 Adam steps
For each: initial weights, three input batches, expected codes of batch 0
(idx, val sorted largest first), the loss of each step (main NMSE term) and
the four parameter tensors after the third step.

Layouts: the weights of case B written as sparsify (F32, F16, BF16),
SAELens and SAFER-reference files, with the codes each must produce.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

D, M, K, B = 24, 64, 6, 10
LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-8
KAUX, AUX_COEF = 4, 1.0 / 32


def write_safetensors(path, tensors, meta=None):
    """Minimal safetensors writer (the format is 8-byte length + JSON + data)."""
    header, blobs, off = {}, [], 0
    dt = {np.dtype(np.float32): "F32", np.dtype(np.int32): "I32", np.dtype(np.uint8): "U8",
          np.dtype(np.int64): "I64", np.dtype(np.uint16): None}
    for name, (arr, dtype) in tensors.items():
        raw = np.ascontiguousarray(arr).tobytes()
        header[name] = {"dtype": dtype or dt[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    if meta:
        header["__metadata__"] = meta
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def f32(t):
    return (np.asarray(t.detach().numpy() if torch.is_tensor(t) else t, dtype=np.float32), "F32")


def to_bf16_bits(a):
    """float32 -> bfloat16 bits, round to nearest even."""
    u = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    return r


def bf16_bits_to_f32(b):
    return (b.astype(np.uint32) << 16).view(np.float32)


def standardize(x):
    mu = x.mean(1, keepdim=True)
    sd = x.std(1, unbiased=True, keepdim=True)
    return (x - mu) / (sd + 1e-6)


def forward(p, x, k, norm, relu, dead=None):
    """Returns (loss, aux, idx, val) for the batch x."""
    xt = standardize(x) if norm else x
    pre = (xt - p["b_pre"]) @ p["W_enc"].T + p["b_lat"]
    val, idx = pre.topk(k, dim=1, sorted=True)
    if relu:
        val = torch.relu(val)
    z = torch.zeros_like(pre).scatter(1, idx, val)
    xh = z @ p["W_dec"] + p["b_pre"]
    rn = (xt ** 2).sum(1)
    loss = (((xh - xt) ** 2).sum(1) / rn).mean()
    aux = torch.zeros(())
    if dead is not None and dead.any():
        nd = int(dead.sum())
        kk, scale = min(KAUX, nd), min(nd / KAUX, 1.0)
        apre = pre.masked_fill(~dead[None, :], float("-inf"))
        av, ai = apre.topk(kk, dim=1)
        if relu:
            av = torch.relu(av)
        za = torch.zeros_like(pre).scatter(1, ai, av)
        eh = za @ p["W_dec"]
        target = (xt - xh).detach()
        aux = scale * (((eh - target) ** 2).sum(1) / rn).mean()
    return loss, aux, idx, val


def make_weights(g):
    W_enc = torch.randn(M, D, generator=g) / D ** 0.5
    W_dec = torch.randn(M, D, generator=g)
    W_dec = W_dec / W_dec.norm(dim=1, keepdim=True)
    b_lat = 0.05 * torch.randn(M, generator=g)
    b_pre = 0.1 * torch.randn(D, generator=g)
    return {"W_enc": W_enc, "b_lat": b_lat, "W_dec": W_dec, "b_pre": b_pre}


def make_batch(g):
    # rows with their own offset and scale, as hidden states have
    x = torch.randn(B, D, generator=g) * (0.5 + torch.rand(B, 1, generator=g)) \
        + 0.3 * torch.randn(B, 1, generator=g)
    return x.float().double()  # exactly representable in f32


def run_case(name, g, norm, relu, dead, out):
    p0 = make_weights(g)
    p0 = {n: v.float().double() for n, v in p0.items()}  # f32-representable start
    xs = [make_batch(g) for _ in range(3)]
    params = {n: v.clone().requires_grad_(True) for n, v in p0.items()}
    opt = torch.optim.Adam(list(params.values()), lr=LR, betas=BETAS, eps=EPS)
    losses = []
    with torch.no_grad():
        _, _, idx0, val0 = forward(params, xs[0], K, norm, relu)
    for x in xs:
        opt.zero_grad()
        loss, aux, _, _ = forward(params, x, K, norm, relu, dead)
        (loss + AUX_COEF * aux).backward()
        opt.step()
        losses.append(loss.item())
    for n, v in p0.items():
        out[f"{name}.{n}"] = f32(v)
        out[f"{name}.{n}.after"] = f32(params[n])
    for i, x in enumerate(xs):
        out[f"{name}.x{i}"] = f32(x)
    out[f"{name}.idx"] = (idx0.numpy().astype(np.int32), "I32")
    out[f"{name}.val"] = f32(val0)
    out[f"{name}.loss"] = f32(torch.tensor(losses))
    out[f"{name}.flags"] = (np.array([norm, relu, 0 if dead is None else 1], np.int32), "I32")
    if dead is not None:
        out[f"{name}.dead"] = (dead.numpy().astype(np.uint8), "U8")
    return p0, xs


def codes(p, x, norm, relu):
    with torch.no_grad():
        _, _, idx, val = forward(p, x, K, norm, relu)
    return idx.numpy().astype(np.int32), val.numpy().astype(np.float32)


def write_layouts(outdir, p, x, out):
    np32 = {n: v.numpy().astype(np.float32) for n, v in p.items()}
    # sparsify: encoder.weight [m,d], encoder.bias [m], W_dec [m,d], b_dec [d]
    sp = os.path.join(outdir, "sparsify")
    os.makedirs(sp, exist_ok=True)
    write_safetensors(os.path.join(sp, "sae.safetensors"), {
        "encoder.weight": (np32["W_enc"], "F32"), "encoder.bias": (np32["b_lat"], "F32"),
        "W_dec": (np32["W_dec"], "F32"), "b_dec": (np32["b_pre"], "F32")})
    with open(os.path.join(sp, "cfg.json"), "w") as f:
        json.dump({"expansion_factor": M // D, "normalize_decoder": True, "num_latents": M,
                   "k": K, "multi_topk": False, "d_in": D}, f)
    # SAELens: W_enc [d,m], b_enc [m], W_dec [m,d], b_dec [d]
    sl = os.path.join(outdir, "saelens")
    os.makedirs(sl, exist_ok=True)
    write_safetensors(os.path.join(sl, "sae_weights.safetensors"), {
        "W_enc": (np32["W_enc"].T.copy(), "F32"), "b_enc": (np32["b_lat"], "F32"),
        "W_dec": (np32["W_dec"], "F32"), "b_dec": (np32["b_pre"], "F32")})
    with open(os.path.join(sl, "cfg.json"), "w") as f:
        json.dump({"architecture": "topk", "d_in": D, "d_sae": M,
                   "activation_fn_kwargs": {"k": K}, "normalize_activations": "none",
                   "hook_name": "blocks.3.hook_resid_post", "dtype": "float32"}, f)
    # SAFER reference: encoder.weight [m,d], latent_bias [m], decoder.weight [d,m], pre_bias [d]
    write_safetensors(os.path.join(outdir, "safer.safetensors"), {
        "encoder.weight": (np32["W_enc"], "F32"), "latent_bias": (np32["b_lat"], "F32"),
        "decoder.weight": (np32["W_dec"].T.copy(), "F32"), "pre_bias": (np32["b_pre"], "F32")})
    # half-precision copies of the sparsify file, and the codes their
    # rounded weights give
    h = {n: v.astype(np.float16) for n, v in np32.items()}
    write_safetensors(os.path.join(outdir, "sparsify_f16.safetensors"), {
        "encoder.weight": (h["W_enc"], "F16"), "encoder.bias": (h["b_lat"], "F16"),
        "W_dec": (h["W_dec"], "F16"), "b_dec": (h["b_pre"], "F16")}, {"k": str(K)})
    bf = {n: to_bf16_bits(v) for n, v in np32.items()}
    write_safetensors(os.path.join(outdir, "sparsify_bf16.safetensors"), {
        "encoder.weight": (bf["W_enc"], "BF16"), "encoder.bias": (bf["b_lat"], "BF16"),
        "W_dec": (bf["W_dec"], "BF16"), "b_dec": (bf["b_pre"], "BF16")}, {"k": str(K)})
    ph = {n: torch.from_numpy(v.astype(np.float64)) for n, v in h.items()}
    pb = {n: torch.from_numpy(bf16_bits_to_f32(v).astype(np.float64)) for n, v in bf.items()}
    out["layout.x"] = f32(x)
    for tag, pp, relu in (("relu", p, 1), ("raw", p, 0), ("f16", ph, 1), ("bf16", pb, 1)):
        i, v = codes(pp, x, 0, relu)
        out[f"layout.{tag}.idx"] = (i, "I32")
        out[f"layout.{tag}.val"] = (v, "F32")


def fixtures(outdir):
    os.makedirs(outdir, exist_ok=True)
    g = torch.Generator().manual_seed(20240707)
    out = {}
    run_case("A", g, 1, 0, None, out)
    pB, xsB = run_case("B", g, 0, 1, None, out)
    dead = torch.zeros(M, dtype=torch.bool)
    dead[torch.randperm(M, generator=g)[: M // 2]] = True
    run_case("C", g, 0, 1, dead, out)
    write_layouts(outdir, pB, xsB[1], out)
    write_safetensors(os.path.join(outdir, "ref.safetensors"), out,
                      {"D": str(D), "M": str(M), "K": str(K), "B": str(B), "lr": str(LR),
                       "k_aux": str(KAUX)})


def tiny_workspace_inputs(outdir, d, rng, n_pairs=40, toks=4):
    """pairs.jsonl + acts.safetensors (safer-acts/1) of width d."""
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "pairs.jsonl"), "w") as f:
        for i in range(n_pairs):
            f.write(json.dumps({"prompt": f"question {i}", "chosen": f"safe answer {i}",
                                "rejected": f"unsafe answer {i}"}) + "\n")
    pair, side, pos, flags, words = [], [], [], [], []
    for i in range(n_pairs):
        for sd in range(3):
            for t in range(toks):
                pair.append(i), side.append(sd), pos.append(t)
                flags.append(1 if t == toks - 1 else 0)
                words.append(f" w{t}".encode())
    n = len(pair)
    atoms = rng.standard_normal((3 * d, d)).astype(np.float32)
    codes = (rng.random((n, 3 * d)) < 0.05) * rng.random((n, 3 * d))
    acts = (codes @ atoms + 0.01 * rng.standard_normal((n, d))).astype(np.float32)
    off = np.zeros(n + 1, np.int64)
    off[1:] = np.cumsum([len(w) for w in words])
    write_safetensors(os.path.join(outdir, "acts.safetensors"), {
        "acts": (acts, "F32"), "pair": (np.array(pair, np.int32), "I32"),
        "side": (np.array(side, np.uint8), "U8"), "pos": (np.array(pos, np.int32), "I32"),
        "flags": (np.array(flags, np.uint8), "U8"), "tok_off": (off, "I64"),
        "tok_bytes": (np.frombuffer(b"".join(words), np.uint8), "U8")},
        {"format": "safer-acts/1", "d_model": str(d)})


def bad(outdir):
    """Broken SAEs for the bad-input tests; each is a directory or file."""
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(5)
    d, m = 16, 32
    W = rng.standard_normal((m, d)).astype(np.float32)
    bm, bd = np.zeros(m, np.float32), np.zeros(d, np.float32)

    def sp(name, enc=W, benc=bm, dec=W, bdec=bd, cfg=None, meta=None):
        p = os.path.join(outdir, name)
        os.makedirs(p, exist_ok=True)
        write_safetensors(os.path.join(p, "sae.safetensors"), {
            "encoder.weight": (enc, "F32"), "encoder.bias": (benc, "F32"),
            "W_dec": (dec, "F32"), "b_dec": (bdec, "F32")}, meta)
        if cfg is not None:
            with open(os.path.join(p, "cfg.json"), "w") as f:
                json.dump(cfg, f)

    ok_cfg = {"k": 4, "num_latents": m, "d_in": d}
    sp("good", cfg=ok_cfg, meta={"hook": "layers.7"})
    sp("shape", dec=W[:, : d - 1].copy(), cfg=ok_cfg)
    sp("kbig", cfg={"k": m + 1, "num_latents": m, "d_in": d})
    Wn = W.copy()
    Wn[3, 5] = np.nan
    sp("nan", enc=Wn, cfg=ok_cfg)
    Wi = W.copy()
    Wi[7, 1] = np.inf
    sp("inf", dec=Wi, cfg=ok_cfg)
    sp("cfgd", cfg={"k": 4, "num_latents": m, "d_in": d + 8})
    sp("cfgm", cfg={"k": 4, "num_latents": 2 * m, "d_in": d})
    sp("nok", cfg=None)
    tiny_workspace_inputs(os.path.join(outdir, "data"), d, rng)
    W8 = rng.standard_normal((m, 8)).astype(np.float32)
    sp("d8", enc=W8, dec=W8, bdec=np.zeros(8, np.float32),
       cfg={"k": 4, "num_latents": m, "d_in": 8}, meta={"hook": "layers.7"})


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("fixtures", "bad"):
        sys.exit("usage: sae_ref.py fixtures|bad OUTDIR")
    (fixtures if sys.argv[1] == "fixtures" else bad)(sys.argv[2])
