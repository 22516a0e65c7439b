#!/usr/bin/python3
"""Feature evidence against an independent numpy computation (TAP).

A small workspace with planted directions is made, its SAE trained by
safer; numpy then encodes every row itself from the SAE's weights
(safer-method.md sections 2-3) and computes what the commands print:

  safer top --quantiles    interval bounds and samples (section 11)
  safer top --random       distinct activating rows, seeded
  safer top --histogram    log10-activation bins per side
  safer similar            decoder-cosine neighbours; --cooccur Jaccard
  safer search             features on rows whose token contains a text
  safer quality            explained variance (section 13), NMSE, L0,
                           dead/dense features, log10-density histogram,
                           and the proxy head's raw accuracy = safer eval's

Tolerances: activations and figures agree to 1e-4 relative (float32
encoding in both, summed in a different order); counts and ids exactly.
"""
import json
import os
import struct
import subprocess
import sys
import shutil
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.environ.get("srcdir", "."), "tests"))
from tap import done, ok  # noqa: E402

SAFER = os.environ.get("SAFER", "tui/safer")
RTOL = 1e-4


def run(*args):
    r = subprocess.run([SAFER] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        print("Bail out! safer %s failed: %s" % (" ".join(args), r.stderr.strip()))
        sys.exit(1)
    return r.stdout


def tsv(*args):
    lines = run(*args).rstrip("\n").split("\n")
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"))) for ln in lines[1:] if ln]


def read_safetensors(path):
    buf = open(path, "rb").read()
    (hlen,) = struct.unpack("<Q", buf[:8])
    hdr = json.loads(buf[8:8 + hlen])
    dt = {"F32": "<f4", "I32": "<i4", "I64": "<i8", "U8": "u1"}
    out = {}
    for name, t in hdr.items():
        if name == "__metadata__":
            continue
        b, e = t["data_offsets"]
        a = np.frombuffer(buf, dtype=dt[t["dtype"]], count=(e - b) // np.dtype(dt[t["dtype"]]).itemsize,
                          offset=8 + hlen + b)
        out[name] = a.reshape(t["shape"])
    return out


def make_inputs(tmp):
    rng = np.random.default_rng(19)
    P, d = 80, 16
    words = [" sure", " Sorry", " here", " is", " how", " cannot", " help", " step"]
    with open(os.path.join(tmp, "pairs.jsonl"), "w") as f:
        for i in range(P):
            rec = {"prompt": "q%d" % i, "chosen": "c%d" % i, "rejected": "r%d" % i,
                   "category": "safety" if i % 2 else "chat"}
            if i % 4 == 3:
                rec["split"] = "test"
            f.write(json.dumps(rec) + "\n")
    atoms = rng.normal(size=(12, d))
    pair, side, pos, flags, toks, rows = [], [], [], [], [], []
    for i in range(P):
        flip = rng.random() < 0.35                         # the stance a response shows
        for s in (0, 1, 2):
            n = 3 if s == 0 else int(rng.integers(8, 16))
            for q in range(n):
                w = int(rng.integers(len(words)))
                end = s and (q % 4 == 3 or q == n - 1)
                tok = "." if end else words[w]
                pair.append(i); side.append(s); pos.append(q); flags.append(1 if end else 0)
                toks.append(tok.encode())
                x = rng.normal(size=d) * 0.3
                x += atoms[w] * rng.exponential(1.0)           # lexical
                x += atoms[8 + ((s == 1) != flip)] * (1.5 if end else 0.1) * rng.exponential(1.0)
                x += atoms[10 + (q % 2)] * rng.exponential(0.5)
                rows.append(x)
    N = len(pair)
    acts = np.array(rows, np.float32)
    off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
    tb = np.frombuffer(b"".join(toks), dtype=np.uint8)
    tensors = [("acts", "F32", [N, d], acts), ("tok_off", "I64", [N + 1], off),
               ("pair", "I32", [N], np.array(pair, np.int32)), ("pos", "I32", [N], np.array(pos, np.int32)),
               ("side", "U8", [N], np.array(side, np.uint8)), ("flags", "U8", [N], np.array(flags, np.uint8)),
               ("tok_bytes", "U8", [len(tb)], tb)]
    hdr, blobs, at = {"__metadata__": {"format": "safer-acts/1"}}, [], 0
    for name, dt, shape, a in tensors:
        b = a.tobytes()
        hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": [at, at + len(b)]}
        blobs.append(b); at += len(b)
    h = json.dumps(hdr).encode(); h += b" " * (-len(h) % 8)
    with open(os.path.join(tmp, "acts.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def standardize(x):
    mu = x.mean(1, keepdims=True)
    sd = x.std(1, ddof=1, keepdims=True)
    return (x - mu) / (sd + 1e-6), mu, sd + 1e-6


def close(a, b, rtol=RTOL, atol=1e-6):
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=atol)


def main():
    tmp = tempfile.mkdtemp(prefix="safer-ev-")
    make_inputs(tmp)
    ws = os.path.join(tmp, "ws")
    run("init", ws, "--pairs", os.path.join(tmp, "pairs.jsonl"), "--acts",
        os.path.join(tmp, "acts.safetensors"), "--quiet")
    run("train", ws, "--latents", "48", "--k", "4", "--epochs", "3", "--batch", "64", "--seed", "3",
        "--quiet")
    A = read_safetensors(os.path.join(tmp, "acts.safetensors"))
    W = read_safetensors(os.path.join(ws, "sae", "sae.safetensors"))
    cfg = json.load(open(os.path.join(ws, "sae", "cfg.json")))
    x = A["acts"].astype(np.float64)
    side, flags = A["side"].astype(int), A["flags"].astype(int)
    off, tb = A["tok_off"], A["tok_bytes"].tobytes()
    toks = [tb[off[r]:off[r + 1]].decode() for r in range(len(side))]
    We, be, Wd, bd = W["encoder.weight"], W["encoder.bias"], W["W_dec"], W["b_dec"]
    m, k = We.shape[0], int(cfg["k"])
    ok(cfg["normalize"] == "standardize", "the SAE standardises its inputs")
    xt, mu, sc = standardize(x)
    pre = (xt - bd) @ We.T + be
    top = np.argsort(-pre, axis=1, kind="stable")[:, :k]
    z = np.zeros_like(pre)
    np.put_along_axis(z, top, np.take_along_axis(pre, top, 1), 1)
    if cfg.get("relu"):
        z = np.maximum(z, 0)
    resp = side > 0
    z[~resp] = 0                                     # prompt rows are not encoded
    zp = np.maximum(z, 0)
    use = {"sentence": resp & (flags & 1 == 1), "all": resp}
    feats = np.argsort(-(zp > 0).sum(0))[:4]         # the busiest features

    # --- intervals (section 11)
    good = True
    for rows in ("sentence", "all"):
        for f in feats[:3]:
            for Q in (1, 3, 5):
                out = tsv("top", ws, str(f), "--quantiles", str(Q), "-n", "3", "--rows", rows)
                for sd_name, sd in (("chosen", 1), ("rejected", 2)):
                    a = np.sort(zp[use[rows] & (side == sd), f])
                    a = a[a > 0]
                    n = len(a)
                    got = [r for r in out if r["side"] == sd_name]
                    want = []
                    for q in range(Q):
                        b, e = q * n // Q, (q + 1) * n // Q
                        c = e - b
                        if not c:
                            continue
                        take = min(3, c)
                        ranks = range(b, e) if take == c else [b + (2 * t + 1) * c // (2 * take) for t in range(take)]
                        for rk in ranks:
                            want.append((q, a[b], a[e - 1], a[rk]))
                    g = [(int(r["quantile"]), float(r["lo"]), float(r["hi"]), float(r["activation"])) for r in got]
                    if len(g) != len(want) or any(gq != wq or not close(gv[1:], wv[1:]) for gq, wq, gv, wv in
                                                  zip([t[0] for t in g], [t[0] for t in want], g, want)):
                        good = False
                        print("# feature %d Q %d %s %s: got %s want %s" % (f, Q, sd_name, rows, g[:4], want[:4]))
    ok(good, "interval bounds and samples match numpy (Q 1, 3, 5; both rows modes)")

    # --- random samples
    f = int(feats[0])
    r1 = tsv("top", ws, str(f), "--random", "7", "--seed", "5")
    r2 = tsv("top", ws, str(f), "--random", "7", "--seed", "5")
    r3 = tsv("top", ws, str(f), "--random", "7", "--seed", "6")
    rows1 = [int(r["row"]) for r in r1]
    nact = {sd: int(((zp[:, f] > 0) & use["sentence"] & (side == v)).sum()) for sd, v in (("chosen", 1), ("rejected", 2))}
    ok(r1 == r2 and r1 != r3, "random samples: one seed, the same rows; another, others")
    ok(all(sum(r["side"] == sd for r in r1) == min(7, nact[sd]) for sd in nact) and len(set(rows1)) == len(rows1)
       and all(zp[int(r["row"]), f] > 0 and use["sentence"][int(r["row"])] for r in r1),
       "random samples: distinct activating rows in use, min(N, active) per side")
    ok(all(close(float(r["activation"]), zp[int(r["row"]), f]) for r in r1), "random samples: activations")

    # --- log10 histogram
    h = tsv("top", ws, str(f), "--histogram", "--bins", "6")
    both = zp[use["sentence"], f]
    both = both[both > 0]
    lo, hi = np.log10(both.min()), np.log10(both.max())
    good = len(h) == 12
    for sd_name, sd in (("chosen", 1), ("rejected", 2)):
        v = zp[use["sentence"] & (side == sd), f]
        v = v[v > 0]
        b = np.clip(((np.log10(v) - lo) * 6 / (hi - lo)).astype(int), 0, 5)
        cnt = np.bincount(b, minlength=6)
        got = [int(r["rows"]) for r in h if r["side"] == sd_name]
        nrows = (use["sentence"] & (side == sd)).sum()
        share = sum(float(r["share"]) for r in h if r["side"] == sd_name)
        good &= got == list(cnt) and close(share, len(v) / nrows)
    good &= close(float(h[0]["lo"]), both.min()) and close(float(h[5]["hi"]), both.max())
    ok(good, "log10 density histogram: counts, edges and active share per side")

    # --- decoder cosine
    nrm = np.linalg.norm(Wd, axis=1)
    good = True
    for f in feats:
        cos = Wd @ Wd[f] / (nrm * nrm[f])
        cos[f] = -np.inf
        order = sorted(range(m), key=lambda j: (-cos[j], j))[:6]
        got = tsv("similar", ws, str(f), "-n", "6")
        good &= [int(r["feature"]) for r in got] == order and close([float(r["cosine"]) for r in got], cos[order], atol=1e-5)
    ok(good, "similar: decoder-cosine neighbours and values")

    # --- Jaccard
    good = True
    for rows in ("sentence", "all"):
        act = (zp > 0) & use[rows][:, None]
        for f in feats[:2]:
            inter = (act & act[:, [f]]).sum(0)
            uni = (act | act[:, [f]]).sum(0)
            jac = np.where(uni > 0, inter / np.maximum(uni, 1), 0)
            cand = [j for j in range(m) if j != f and inter[j] > 0]
            order = sorted(cand, key=lambda j: (-jac[j], j))[:8]
            got = tsv("similar", ws, str(f), "--cooccur", "-n", "8", "--rows", rows)
            good &= [int(r["feature"]) for r in got] == order and close([float(r["jaccard"]) for r in got], jac[order])
    ok(good, "similar --cooccur: Jaccard neighbours and values, both rows modes")

    # --- search
    good = True
    for text, sd, rows in (("SORRY", 0, "all"), ("e", 1, "all"), ("ep", 2, "all"), (".", 0, "sentence")):
        match = use[rows] & np.array([text.lower() in t.lower() for t in toks])
        if sd:
            match &= side == sd
        rows_f = ((zp > 0) & match[:, None]).sum(0)
        tot = (zp * match[:, None]).sum(0)
        cand = [j for j in range(m) if rows_f[j] > 0]
        order = sorted(cand, key=lambda j: (-tot[j], j))[:10]
        args = ["search", ws, text, "-n", "10", "--rows", rows]
        if sd:
            args += ["--side", "chosen" if sd == 1 else "rejected"]
        got = tsv(*args)
        good &= ([int(r["feature"]) for r in got] == order and [int(r["rows"]) for r in got] == list(rows_f[order])
                 and close([float(r["total"]) for r in got], tot[order]))
    ok(good, "search: features, rows and totals on the matching rows")

    # --- quality (sections 3 and 13)
    q = json.loads(run("quality", ws, "--format", "json"))
    u = use["sentence"]
    xh = z @ Wd + bd
    err = ((xt - xh) ** 2).sum(1)
    ev = 1 - err[u].sum() / ((xt[u] - xt[u].mean(0)) ** 2).sum()
    nmse = (err[u] / (xt[u] ** 2).sum(1)).mean()
    l0 = (z[u] > 0).sum(1).mean()
    ok(close(q["explained_variance"], ev) and close(q["nmse"], nmse) and close(q["l0"], l0),
       "quality: explained variance, NMSE, L0 (%.4f %.4f %.2f)" % (ev, nmse, l0))
    dens = (zp[u] > 0).mean(0)
    hist = q["density_histogram"]
    live = dens[dens > 0]
    lo0, step = hist[0]["lo"], hist[0]["hi"] - hist[0]["lo"]
    b = np.clip(np.floor((np.log10(live) - lo0) / step + 1e-9).astype(int), 0, len(hist) - 1)
    ok(q["dead"] == int((dens == 0).sum()) and q["dense"] == int((dens > 0.1).sum())
       and [h_["features"] for h_ in hist] == list(np.bincount(b, minlength=len(hist)))
       and hist[-1]["hi"] == 0 and q["rows_in_use"] == int(u.sum()),
       "quality: dead and dense features, log10-density histogram")
    ev_rows = tsv("eval", ws)
    none_all = [r for r in ev_rows if r["edit"] == "none" and r["category"] == "all"][0]
    ok(q["head"] and q["head"]["test_pairs"] == int(none_all["pairs"])
       and close(q["head"]["accuracy_raw"], float(none_all["accuracy"]), rtol=1e-6)
       and 0 <= q["head"]["accuracy_reconstructed"] <= 1,
       "quality: the head's raw accuracy is safer eval's (%s), reconstructed %.3f" %
       (none_all["accuracy"], q["head"]["accuracy_reconstructed"]))
    q2 = json.loads(run("quality", ws, "--format", "json"))
    ok(q2 == q and os.path.exists(os.path.join(ws, "quality-sentence.bin")), "quality: cached, read back the same")
    qa = json.loads(run("quality", ws, "--format", "json", "--rows", "all"))
    ua = use["all"]
    eva = 1 - err[ua].sum() / ((xt[ua] - xt[ua].mean(0)) ** 2).sum()
    ok(close(qa["explained_variance"], eva) and qa["rows"] == "all", "quality --rows all: explained variance")

    # --- what the commands refuse: usage errors exit 2, failures 1 with one line
    def status(*args):
        r = subprocess.run([SAFER] + list(args), capture_output=True, text=True)
        err = r.stderr.strip()
        return r.returncode, err != "" and (r.returncode != 1 or "\n" not in err)
    bad = [(2, ("top", ws, "0", "--quantiles", "0")), (2, ("top", ws, "0", "--quantiles", "3", "--random", "2")),
           (2, ("top", ws, "0", "--random", "20000")), (2, ("top", ws, "0", "--histogram", "--bins", "0")),
           (2, ("similar", ws)), (2, ("similar", ws, "x1")), (2, ("similar", ws, "1", "-n", "0")),
           (1, ("similar", ws, str(m))), (1, ("top", ws, str(m + 5), "--random", "3")),
           (2, ("search", ws)), (2, ("search", ws, "")), (2, ("search", ws, "a", "--side", "both")),
           (2, ("search", ws, "a", "b")), (2, ("quality", ws, "extra")), (2, ("quality", ws, "--rows", "most")),
           (1, ("quality", os.path.join(tmp, "nowhere")))]
    got = [status(*args) for _, args in bad]
    ok(all(g == (want, True) for (want, _), g in zip(bad, got)),
       "bad arguments: exit 2 for usage, 1 for failures (one line on stderr)",
       "\n".join("%s -> %s" % (a, g) for (w, a), g in zip(bad, got) if g != (w, True)))
    hits = tsv("search", ws, "--", "-")
    ok(hits == [], "search after --: a text that starts with '-' (none here)")
    os.remove(os.path.join(ws, "quality-all.bin"))
    before = sorted(os.listdir(ws))
    qr = json.loads(run("quality", ws, "--rows", "all", "--format", "json", "--read-only"))
    ok(sorted(os.listdir(ws)) == before and close(qr["explained_variance"], eva),
       "quality --read-only computes in memory and writes nothing")

    # --- damaged caches: rebuilt when writable, refused (one line) when read-only
    base_sim = run("similar", ws, str(feats[0]), "-n", "5")
    base_q = run("quality", ws, "--format", "json")
    good = True
    for name, args, want in (("similar.bin", ("similar", ws, str(feats[0]), "-n", "5"), base_sim),
                             ("quality-sentence.bin", ("quality", ws, "--format", "json"), base_q)):
        path = os.path.join(ws, name)
        blob = bytearray(open(path, "rb").read())
        blob[-3] ^= 0x55
        open(path, "wb").write(blob)
        r = subprocess.run([SAFER] + list(args) + ["--read-only"], capture_output=True, text=True)
        good &= r.returncode == 1 and name in r.stderr and r.stderr.strip().count("\n") == 0
        good &= run(*args) == want and open(path, "rb").read() != bytes(blob)
    ok(good, "damaged similar.bin and quality-sentence.bin: refused read-only, rebuilt otherwise")
    shutil.rmtree(tmp)
    return done()


if __name__ == "__main__":
    sys.exit(main())
