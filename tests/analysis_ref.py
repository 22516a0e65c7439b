#!/usr/bin/env python3
"""Independent numpy reference for the analysis engine (safer-method.md
sections 4-8). Makes a small random fixture and writes it, with the answers,
to tests/data/analysis_golden.txt, which tests/test_analysis_golden.c reads.

    /usr/bin/python3 tests/analysis_ref.py > tests/data/analysis_golden.txt

Format: sections "name count" followed by count whitespace-separated values.
"""
import math
import sys

import numpy as np

rng = np.random.default_rng(20260101)
P, m, k, d = 40, 24, 4, 8           # pairs, features, entries per row, model width
SIDES = (1, 2)                       # chosen, rejected (prompt rows get 0 entries)

# rows sorted by (pair, side, pos); a few responses have no sentence ends
pair, side, flags = [], [], []
for p in range(P):
    for s in (0, 1, 2):
        n = int(rng.integers(1, 7)) if s else 2
        for q in range(n):
            pair.append(p)
            side.append(s)
            flags.append(1 if (s and rng.random() < 0.35) else 0)
pair, side, flags = np.array(pair), np.array(side), np.array(flags)
N = len(pair)
idx = np.zeros((N, k), np.int64)
val = np.zeros((N, k), np.float32)
for r in range(N):
    idx[r] = rng.choice(m, size=k, replace=False)
    if side[r] == 0:
        continue  # unencoded prompt rows hold 0
    v = rng.gamma(1.5, 1.0, size=k).astype(np.float32)
    v[rng.random(k) < 0.15] *= -1  # a few negative kept values
    # feature-dependent side bias so salience has structure
    bias = np.where(idx[r] % 3 == 0, 1.6, 1.0) if side[r] == 1 else np.where(idx[r] % 3 == 1, 1.6, 1.0)
    val[r] = np.sort((v * bias).astype(np.float32))[::-1]
    # entries sorted by value, desc (the latents contract); reorder idx too
    order = np.argsort(-(v * bias).astype(np.float32), kind="stable")
    idx[r] = idx[r][order]
    val[r] = (v * bias).astype(np.float32)[order]
split = (rng.random(P) < 0.3).astype(np.int64)  # 1 = test
cat = rng.integers(0, 2, size=P)                # 0 safety, 1 chat


def stats(mode):
    use = (side > 0) & ((flags & 1) | (mode == 1)).astype(bool)
    zp = np.maximum(val.astype(np.float64), 0)
    C, R = np.zeros(m), np.zeros(m)
    dc, dr = np.zeros(m), np.zeros(m)
    mx = np.zeros(m)
    for r in np.nonzero(use)[0]:
        for j, v in zip(idx[r], zp[r]):
            if v <= 0:
                continue
            (C if side[r] == 1 else R)[j] += v
            (dc if side[r] == 1 else dr)[j] += 1
            mx[j] = max(mx[j], v)
    mu = np.concatenate([C, R]).mean()
    den = C + R + 2 * mu
    s = np.where(den != 0, (C - R) / np.where(den != 0, den, 1), 0.0)
    nc = np.sum(use & (side == 1))
    nr = np.sum(use & (side == 2))
    order = sorted(range(m), key=lambda j: (-abs(s[j]), j))
    return C, R, s, dc / max(nc, 1), dr / max(nr, 1), mx, order, use


def top_rows(f, sd, use):
    rows = [(-float(val[r][list(idx[r]).index(f)]), r) for r in range(N)
            if side[r] == sd and use[r] and f in idx[r] and val[r][list(idx[r]).index(f)] > 0]
    return [r for _, r in sorted(rows)]


TOKENS = ["The", "the", " A", "a", "Hi", "hi", "X"]


def token(r):
    return TOKENS[r % len(TOKENS)]


def judge(f, use):
    """Section 5 judge input: contexts grouped by lower-cased token text,
    <= 10 per token, strongest first; dropped when > 32 texts or <= 4
    contexts. Returns (texts, contexts, dropped, groups [(text, rows)])."""
    firing = []
    for r in range(N):
        if use[r] and f in idx[r]:
            v = float(val[r][list(idx[r]).index(f)])
            if v > 0:
                firing.append((-v, r))
    groups = {}
    for _, r in sorted(firing):
        groups.setdefault(token(r).lower(), []).append(r)
    kept = [(t, rows[:10]) for t, rows in groups.items()]
    nctx = sum(len(rows) for _, rows in kept)
    dropped = len(groups) > 32 or nctx <= 4
    return len(groups), nctx, int(dropped), kept


def scores(plus, minus, use):
    w = np.zeros(m)
    w[plus] = 1
    w[minus] = -1
    a = np.zeros((P, 3))
    n = np.zeros((P, 3))
    for r in np.nonzero(use)[0]:
        a[pair[r], side[r]] += sum(w[j] * max(float(v), 0) for j, v in zip(idx[r], val[r]))
        n[pair[r], side[r]] += 1
    a = a / np.maximum(n, 1)
    return a[:, 1] - a[:, 2]


def plan(score, strategy, ratio):
    tr = [i for i in range(P) if split[i] == 0]
    key = (lambda i: (-score[i], i)) if strategy == "poison" else (lambda i: (score[i], i))
    tr.sort(key=key)
    return tr[: int(math.floor(ratio * len(tr) + 1e-9))]


def bt_head(diff, y, l2):
    """Newton's method on mean softplus(-y x.w) + l2/2 |w|^2, features scaled
    by one constant to unit mean square (over train pairs in use)."""
    X = diff / math.sqrt(np.mean(diff ** 2))
    keep = y != 0
    X, y = X[keep], y[keep]
    w = np.zeros(X.shape[1])
    for _ in range(100):
        t = X @ w
        sg = 1 / (1 + np.exp(y * t))            # sigma(-y t)
        g = -(X * (y * sg)[:, None]).mean(0) + l2 * w
        Hm = (X * (sg * (1 - sg))[:, None]).T @ X / len(y) + l2 * np.eye(len(w))
        w -= np.linalg.solve(Hm, g)
    return w / math.sqrt(np.mean(diff ** 2))


def out(name, arr, fmt="%.9g"):
    arr = list(arr)
    print(name, len(arr))
    print(" ".join(fmt % v for v in arr) if arr else "")


out("shape", [N, k, m, P, d], "%d")
out("idx", idx.ravel(), "%d")
out("val", val.ravel())
out("pair", pair, "%d")
out("side", side, "%d")
out("flags", flags, "%d")
out("split", split, "%d")
out("cat", cat, "%d")
for mode, name in ((0, "sentence"), (1, "all")):
    C, R, s, dc, dr, mx, order, use = stats(mode)
    out(f"{name}.C", C, "%.17g")
    out(f"{name}.R", R, "%.17g")
    out(f"{name}.s", s, "%.17g")
    out(f"{name}.dc", dc, "%.17g")
    out(f"{name}.dr", dr, "%.17g")
    out(f"{name}.max", mx)
    out(f"{name}.order", order, "%d")
    for f in (order[0], order[1], 5):
        for sd in SIDES:
            out(f"{name}.top.{f}.{sd}", top_rows(f, sd, use), "%d")
    for f in order[:3] + [order[-1]]:
        nt, nctx, dropped, kept = judge(f, use)
        out(f"{name}.judge.{f}", [nt, nctx, dropped, len(kept)], "%d")
        out(f"{name}.judge.{f}.sizes", [len(rows) for _, rows in kept], "%d")
        out(f"{name}.judge.{f}.rows", [r for _, rows in kept for r in rows], "%d")
    # fallback sets: the top 6 by |s|, split by sign
    top6 = order[:6]
    plus = [j for j in top6 if s[j] > 0]
    minus = [j for j in top6 if s[j] < 0]
    out(f"{name}.plus", plus, "%d")
    out(f"{name}.minus", minus, "%d")
    sc = scores(plus, minus, use)
    out(f"{name}.score", sc, "%.17g")
    out(f"{name}.poison.0.2", plan(sc, "poison", 0.2), "%d")
    out(f"{name}.denoise.0.15", plan(sc, "denoise", 0.15), "%d")

# reward head on pooled raw activations (random d-dim rows)
acts = rng.normal(size=(N, d)).astype(np.float32)
wtrue = rng.normal(size=d)
acts[side == 1] += (0.3 * wtrue).astype(np.float32)
diff = np.zeros((P, d))
for p in range(P):
    mc = acts[(pair == p) & (side == 1)].astype(np.float64).mean(0)
    mr = acts[(pair == p) & (side == 2)].astype(np.float64).mean(0)
    diff[p] = mc - mr
diff = diff.astype(np.float32).astype(np.float64)
out("acts", acts.ravel())
out("diff", diff.ravel())
l2 = 0.05
tr = split == 0
_, _, s0, _, _, _, o0, u0 = stats(0)
flip_plan = plan(scores([j for j in o0[:6] if s0[j] > 0], [j for j in o0[:6] if s0[j] < 0], u0),
                 "poison", 0.25)
for name, flip in (("none", []), ("plan", flip_plan)):
    y = np.ones(P)
    y[flip] = -1
    w = bt_head(diff[tr], y[tr], l2)
    out(f"bt.{name}.flip", flip, "%d")
    out(f"bt.{name}.w", w, "%.17g")
    accs = []
    for c in (0, 1):
        te = (split == 1) & (cat == c)
        mm = diff[te] @ w
        accs.append(float(np.mean(np.where(mm > 0, 1, np.where(mm == 0, 0.5, 0)))))
    te = split == 1
    mm = diff[te] @ w
    accs.append(float(np.mean(np.where(mm > 0, 1, np.where(mm == 0, 0.5, 0)))))
    out(f"bt.{name}.acc", accs, "%.17g")
out("bt.l2", [l2], "%.17g")

# ---- judge input drop rules (section 5), on a second store ---------------
# Its own generator so the sections above stay as they are. Features are
# built to sit on each side of the rules, the numbers below come from
# judge2() alone (asserts only check that the construction hit its cases):
#   0: exactly 32 lower-cased texts (kept), some texts well over 10 contexts
#   1: 33 texts, the 33rd only at the weakest activation (dropped)
#   2: exactly 5 contexts (kept)          3: exactly 4 contexts (dropped)
#   4: 80 raw texts that lower-case to 20 (kept: texts count lower-cased)
#   5: "\u00c4" and "\u00e4" (lower-casing is ASCII only), prompt rows and
#      non-positive values that must not count
rng2 = np.random.default_rng(20260102)
P2, k2, m2 = 30, 4, 10               # features 6..9 only fill slots (<= 0)
WORDS = [f"tok{i:02d}" for i in range(40)]


def variants(w):
    return [w, w.capitalize(), w.upper(), w[0] + w[1].upper() + w[2:]]


SPECIAL = ["\u00c4", "\u00e4", " Hi", " hi"]
POOL = [v for w in WORDS for v in variants(w)] + SPECIAL

pair2, side2, flags2, tok2 = [], [], [], []
for p in range(P2):
    for s in (0, 1, 2):
        for q in range(int(rng2.integers(1, 3)) if s == 0 else int(rng2.integers(4, 10))):
            pair2.append(p)
            side2.append(s)
            flags2.append(int(s > 0 and rng2.random() < 0.5))
            tok2.append(POOL[int(rng2.integers(len(POOL)))])
N2 = len(pair2)
# tokens are set per row below where a feature needs a particular text
ent = [dict() for _ in range(N2)]    # row -> {feature: value}
resp = [r for r in range(N2) if side2[r] > 0]


def free_rows(exclude=None):
    """Rows no feature fires on yet (their token text is still free), or
    with exclude, any row with a slot left that is not in exclude."""
    if exclude is None:
        return [r for r in resp if not ent[r]]
    return [r for r in resp if len(ent[r]) < k2 - 1 and r not in exclude]


def fire(f, texts_rows, extra_texts, n_extra):
    """f fires on one fresh row per (text) in texts_rows (token set to it),
    then on n_extra more rows whose token is set from extra_texts."""
    rows = []
    cand = free_rows()
    picks = rng2.choice(cand, size=len(texts_rows) + n_extra, replace=False)
    for r, t in zip(picks[: len(texts_rows)], texts_rows):
        tok2[r] = t
        rows.append(int(r))
    for r in picks[len(texts_rows):]:
        tok2[r] = extra_texts[int(rng2.integers(len(extra_texts)))]
        rows.append(int(r))
    for r in rows:
        ent[r][f] = float(np.float32(rng2.uniform(0.5, 6.0)))
    return rows


def lower_ascii(t):
    return bytes(b + 32 if 65 <= b <= 90 else b for b in t.encode()).decode()


# 0: 32 texts (each in some case), words 0-2 frequent
fire(0, [variants(w)[i % 4] for i, w in enumerate(WORDS[:32])],
     [v for w in WORDS[:3] for v in variants(w)], 40)
# 1: 33 texts; the row of the 33rd gets the weakest value
r1 = fire(1, [variants(w)[(i + 1) % 4] for i, w in enumerate(WORDS[:33])], WORDS[:32], 10)
ent[r1[32]][1] = float(np.float32(0.25))
# 2 and 3: 5 and 4 contexts
fire(2, ["\u00c4", "tok05", "TOK05", "tok06", " Hi"], [], 0)
fire(3, ["tok07", "Tok07", "tok08", "tok09"], [], 0)
# 4: every case of words 20-39 -> 80 raw texts, 20 lower-cased
fire(4, [v for w in WORDS[20:40] for v in variants(w)], [], 0)
# 5: a few positive rows, non-positive values elsewhere, prompt rows
r5 = fire(5, ["\u00c4", "\u00e4", "\u00c4", " hi", " Hi", "tok10"], [], 0)
for r in rng2.choice(free_rows(r5), size=6, replace=False):
    ent[int(r)][5] = float(np.float32(-rng2.uniform(0.1, 3.0))) if r % 2 else 0.0
prompt_rows = [r for r in range(N2) if side2[r] == 0]
for r in prompt_rows[:4]:
    ent[r][5] = float(np.float32(rng2.uniform(0.5, 6.0)))

idx2 = np.zeros((N2, k2), np.int64)
val2 = np.zeros((N2, k2), np.float32)
for r in range(N2):
    items = sorted(ent[r].items(), key=lambda fv: -fv[1])
    fill = [j for j in range(6, m2) if j not in ent[r]]
    items += [(fill[i], float(np.float32(-rng2.uniform(0, 1)))) for i in range(k2 - len(items))]
    items.sort(key=lambda fv: -fv[1])
    idx2[r] = [j for j, _ in items]
    val2[r] = [v for _, v in items]


def judge2(f, use):
    """The section 5 rules as written, over all in-use rows where f's value
    is positive: groups by lower-cased (ASCII) text, strongest first."""
    firing = sorted((-float(val2[r][j]), r) for r in range(N2) if use[r]
                    for j in range(k2) if idx2[r][j] == f and val2[r][j] > 0)
    assert len({v for v, _ in firing}) == len(firing), "ties would leave the order open"
    groups = {}
    for _, r in firing:
        groups.setdefault(lower_ascii(tok2[r]), []).append(r)
    kept = [(t, rows[:10]) for t, rows in groups.items()]
    nctx = sum(len(rows) for _, rows in kept)
    most = max((len(rows) for rows in groups.values()), default=0)
    return len(groups), nctx, int(len(groups) > 32 or nctx <= 4), kept, most


tb = [t.encode() for t in tok2]
out("j2.shape", [N2, k2, m2, P2], "%d")
out("j2.idx", idx2.ravel(), "%d")
out("j2.val", val2.ravel())
out("j2.pair", pair2, "%d")
out("j2.side", side2, "%d")
out("j2.flags", flags2, "%d")
out("j2.tokoff", np.cumsum([0] + [len(b) for b in tb]), "%d")
out("j2.tokbytes", b"".join(tb), "%d")
want_all = {0: (32, 0), 1: (33, 1), 2: (None, 0), 3: (None, 1), 4: (20, 0), 5: (None, 0)}
for mode, name in ((0, "sentence"), (1, "all")):
    use = np.array([side2[r] > 0 and (mode == 1 or flags2[r] & 1) for r in range(N2)])
    for f in range(6):
        nt, nctx, dropped, kept, most = judge2(f, use)
        if mode == 1:  # the construction hit its case
            assert want_all[f][0] in (None, nt) and want_all[f][1] == dropped, (f, nt, dropped)
            assert f != 2 or nctx == 5
            assert f != 3 or nctx == 4
            assert f != 0 or most > 10
        out(f"j2.{name}.judge.{f}", [nt, nctx, dropped, len(kept)], "%d")
        out(f"j2.{name}.judge.{f}.sizes", [len(rows) for _, rows in kept], "%d")
        out(f"j2.{name}.judge.{f}.rows", [r for _, rows in kept for r in rows], "%d")
        out(f"j2.{name}.judge.{f}.toklen", [len(t.encode()) for t, _ in kept], "%d")
        out(f"j2.{name}.judge.{f}.tokbytes", b"".join(t.encode() for t, _ in kept), "%d")
