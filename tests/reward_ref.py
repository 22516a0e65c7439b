"""Independent numpy reference for the reward head's attribution and the
paired salience (safer-method.md sections 10 and 12), used by
tests/test_reward_golden.py and bench/reward.sh.

Everything is computed from the raw inputs: the activation file, the SAE's
weights (encoded here with numpy, not taken from safer's latents) and the
head's weights."""
import json
import struct

import numpy as np

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def read_safetensors(path):
    """{name: array} and the metadata of a safetensors file."""
    with open(path, "rb") as f:
        buf = f.read()
    (hlen,) = struct.unpack("<Q", buf[:8])
    hdr = json.loads(buf[8:8 + hlen])
    meta = hdr.pop("__metadata__", {})
    dt = {"F32": "<f4", "F16": "<f2", "I32": "<i4", "I64": "<i8", "U8": "u1"}
    out = {}
    for name, t in hdr.items():
        b, e = t["data_offsets"]
        a = np.frombuffer(buf, dtype=dt[t["dtype"]], count=(e - b) // np.dtype(dt[t["dtype"]]).itemsize,
                          offset=8 + hlen + b)
        out[name] = a.reshape(t["shape"])
    return out, meta


def load_sae(ws):
    """The workspace's SAE (sparsify layout) and its cfg."""
    t, _ = read_safetensors(ws + "/sae/sae.safetensors")
    cfg = json.load(open(ws + "/sae/cfg.json"))
    return t, cfg


def row_scale(x, standardize):
    """s_r of each row: std (n-1) + 1e-6 when standardising, else 1."""
    if not standardize:
        return np.ones(len(x))
    return x.astype(np.float64).std(axis=1, ddof=1) + 1e-6


def encode(x, sae, cfg):
    """TopK codes of rows x [n, d]: dense z [n, m] (all k kept values)."""
    x = x.astype(np.float64)
    if cfg["normalize"] == "standardize":
        x = (x - x.mean(1, keepdims=True)) / (x.std(1, ddof=1, keepdims=True) + 1e-6)
    W, b = sae["encoder.weight"].astype(np.float64), sae["encoder.bias"].astype(np.float64)
    pre = (x - sae["b_dec"].astype(np.float64)) @ W.T + b
    if cfg.get("relu"):
        pre = np.maximum(pre, 0)
    k = cfg["k"]
    top = np.argsort(-pre, axis=1, kind="stable")[:, :k]
    z = np.zeros_like(pre)
    np.put_along_axis(z, top, np.take_along_axis(pre, top, 1), 1)
    return z


def effects(sae, w):
    """e_j = w . d_j."""
    return sae["W_dec"].astype(np.float64) @ np.asarray(w, np.float64)


def attribution(acts, pair, side, i, sae, cfg, w):
    """(contribution [m], margin, residual) of pair i."""
    e = effects(sae, w)
    std = cfg["normalize"] == "standardize"
    c, pools = [], []
    for sd in (1, 2):
        x = acts[(pair == i) & (side == sd)].astype(np.float64)
        z = encode(x, sae, cfg)
        c.append((row_scale(x, std)[:, None] * z).mean(0) * e)
        pools.append(x.mean(0))
    contrib = c[0] - c[1]
    margin = float(np.dot(w, pools[0] - pools[1]))
    return contrib, margin, margin - contrib.sum()


def splitmix_units(seed, n):
    """The first n outputs of splitmix64 from state seed, as
    sf_unit_double: uniform in [0, 1)."""
    with np.errstate(over="ignore"):
        z = (np.uint64(seed) + np.arange(1, n + 1, dtype=np.uint64) * np.uint64(GOLDEN))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def pair_differences(z, pair, side, flags, train, rows_mode):
    """D [n_train, m]: per train pair, mean z+ over chosen rows in use minus
    over rejected rows in use (n = 1 where a side has none)."""
    zp = np.maximum(z, 0)
    use = (side > 0) & ((flags & 1).astype(bool) | (rows_mode == "all"))
    D = []
    for i in np.flatnonzero(train):
        row = np.zeros(z.shape[1])
        for sd, sign in ((1, 1.0), (2, -1.0)):
            r = use & (pair == i) & (side == sd)
            n = max(int(r.sum()), 1)
            row += sign * zp[r].sum(0) / n
        D.append(row)
    return np.array(D)


def bootstrap(D, resamples=1000, seed=1):
    """Paired mean and the 2.5/97.5 percentiles (numpy's linear) of the
    means of `resamples` resamples; resample b draws train position
    floor(u * n) for the n units of splitmix64 from state seed + b."""
    n = len(D)
    means = np.empty((resamples, D.shape[1]))
    for b in range(resamples):
        pick = np.minimum((splitmix_units(seed + b, n) * n).astype(np.int64), n - 1)
        means[b] = D[pick].sum(0) / n
    return D.mean(0), np.percentile(means, 2.5, axis=0), np.percentile(means, 97.5, axis=0)


def normal_interval(D):
    """The normal-theory 95% interval of the paired mean, for comparison."""
    n = len(D)
    se = D.std(0, ddof=1) / np.sqrt(n)
    return D.mean(0) - 1.959964 * se, D.mean(0) + 1.959964 * se
