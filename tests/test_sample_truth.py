#!/usr/bin/python3
"""Checks the sample generator's output against its own ground truth,
from the files alone (numpy only), as TAP.

Usage: test_sample_truth.py [DIR]. Without DIR it runs the generator
($SAMPLE_GEN, else $top_builddir/sample-data/safer-sample-gen) into a
temporary directory with the default seed.
"""
import atexit
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

n_test = 0
n_failed = 0


def ok(cond, name, diag=None):
    global n_test, n_failed
    n_test += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_test, name))
    if not cond:
        n_failed += 1
        if diag:
            for line in str(diag).splitlines():
                print("# " + line)
    return cond


DTYPES = {"F16": np.float16, "F32": np.float32, "I32": np.int32, "I64": np.int64,
          "U8": np.uint8}


def read_safetensors(path):
    """Independent reader: header length, JSON header, little-endian data."""
    with open(path, "rb") as f:
        buf = f.read()
    (hlen,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + hlen])
    meta = header.pop("__metadata__", {})
    base = 8 + hlen
    out = {}
    for name, t in header.items():
        b, e = t["data_offsets"]
        dt = np.dtype(DTYPES[t["dtype"]]).newbyteorder("<")
        a = np.frombuffer(buf, dtype=dt, count=(e - b) // dt.itemsize, offset=base + b)
        out[name] = (t["dtype"], a.reshape(t["shape"]))
    return out, meta


def sentence_ends(tokens):
    """safer-method.md section 1, written independently of the generator:
    the last token of each run of '. , ? ! ;' or newline, at least 5 tokens
    after the previous sentence end (the first: at least 5 from the start)."""
    punct = [t in (".", ",", "?", "!", ";", "\n") for t in tokens]
    flags = []
    prev = -1
    for i, p in enumerate(punct):
        end = p and (i + 1 == len(tokens) or not punct[i + 1]) and i - prev >= 5
        if end:
            prev = i
        flags.append(1 if end else 0)
    return flags


def main():
    if len(sys.argv) > 1:
        out = sys.argv[1]
    else:
        gen = os.environ.get("SAMPLE_GEN") or os.path.join(
            os.environ.get("top_builddir", "."), "sample-data", "safer-sample-gen")
        tmp = tempfile.mkdtemp(prefix="safer-sample-")
        atexit.register(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "out")
        r = subprocess.run([gen, "--out", out], stderr=subprocess.PIPE)
        if not ok(r.returncode == 0, "generator runs", r.stderr.decode(errors="replace")):
            print("1..%d" % n_test)
            return 1

    pairs = [json.loads(l) for l in open(os.path.join(out, "pairs.jsonl"), encoding="utf-8")
             if l.strip()]
    truth = json.load(open(os.path.join(out, "truth.json")))
    acts, meta = read_safetensors(os.path.join(out, "acts.safetensors"))
    atoms_f, _ = read_safetensors(os.path.join(out, "atoms.safetensors"))
    params = truth["params"]
    N = len(pairs)

    # --- the pairs -----------------------------------------------------
    ok(N >= 2000 and N == params["n_pairs"], "at least 2000 pairs (%d)" % N)
    cat = np.array([p["category"] for p in pairs])
    split = np.array([p["split"] for p in pairs])
    safety_share = np.mean(cat == "safety")
    ok(abs(safety_share - 0.60) <= 0.02, "about 60%% safety (%.3f)" % safety_share)
    ok(set(cat) == {"safety", "chat"}, "categories are safety and chat")
    for c in ("safety", "chat"):
        s = np.mean(split[cat == c] == "test")
        ok(abs(s - 0.15) <= 0.02, "about 15%% of %s pairs are test (%.3f)" % (c, s))
    topics = {p["topic"] for p in pairs if p["category"] == "safety"}
    ok(len(topics) == 7, "seven harm areas", sorted(topics))
    n_resp_sent = [len([x for x in p[k].replace("\n", " ").split(". ") if x])
                   for p in pairs for k in ("chosen", "rejected")]
    ok(max(n_resp_sent) <= 6, "responses are short (at most ~5 sentences)")
    distinct = len({p["chosen"] for p in pairs}) / N
    ok(distinct > 0.5, "chosen responses are varied (%.2f distinct)" % distinct)

    # --- the activation file -------------------------------------------
    ok(meta.get("format") == "safer-acts/1", "metadata format safer-acts/1")
    for k in ("model", "layer", "hook", "d_model", "dataset"):
        ok(k in meta, "metadata has %s" % k)
    want = {"acts": "F16", "pair": "I32", "side": "U8", "pos": "I32", "flags": "U8",
            "tok_off": "I64", "tok_bytes": "U8"}
    ok(all(acts[k][0] == v for k, v in want.items()), "tensor dtypes as formats.md")
    X = acts["acts"][1]
    R, d = X.shape
    ok(d == 256 and meta.get("d_model") == "256", "d = 256")
    pair, side, pos = acts["pair"][1], acts["side"][1], acts["pos"][1]
    flags, off, tb = acts["flags"][1], acts["tok_off"][1], acts["tok_bytes"][1].tobytes()
    ok(len(off) == R + 1 and off[0] == 0 and off[-1] == len(tb) and np.all(np.diff(off) >= 0),
       "tok_off is [N+1], monotone, covers tok_bytes")
    key = (pair.astype(np.int64) * 4 + side) * 1000000 + pos
    ok(np.all(np.diff(key) > 0), "rows sorted by (pair, side, pos)")
    ok(100000 <= R <= 300000, "rows in 100k..300k (%d)" % R)
    rpp = R / N
    ok(40 <= rpp <= 100, "rows per pair %.1f" % rpp)
    ok(R == truth["stats"]["rows"], "row count matches truth.json")

    # token texts rebuild every text; sentence-end flags follow the rule
    texts_ok = flags_ok = pos_ok = True
    bad = ""
    starts = np.flatnonzero(np.r_[True, (pair[1:] != pair[:-1]) | (side[1:] != side[:-1])])
    ends = np.r_[starts[1:], R]
    names = ("prompt", "chosen", "rejected")
    for b, e in zip(starts, ends):
        toks = [tb[off[r]:off[r + 1]].decode("utf-8") for r in range(b, e)]
        p = pairs[pair[b]]
        if "".join(toks) != p[names[side[b]]]:
            texts_ok = False
            bad = "pair %d %s: %r" % (pair[b], names[side[b]], toks[:12])
        if list(pos[b:e]) != list(range(e - b)):
            pos_ok = False
        if sentence_ends(toks) != list(flags[b:e] & 1):
            flags_ok = False
    ok(texts_ok, "tokens concatenate to the texts in pairs.jsonl", bad)
    ok(pos_ok, "positions count from 0 in every text")
    ok(flags_ok, "sentence-end flags follow safer-method.md section 1")
    ok(len(starts) == 3 * N, "every pair has prompt, chosen and rejected rows")
    se = np.mean(flags & 1)
    ok(0.05 <= se <= 0.2, "sentence-end share %.3f" % se)

    # --- the swaps -----------------------------------------------------
    mis = truth["mislabelled"]
    train_safety = [i for i, p in enumerate(pairs)
                    if p["category"] == "safety" and p["split"] == "train"]
    ok(len(mis) == round(0.03 * len(train_safety)),
       "3%% of train safety pairs swapped (%d of %d)" % (len(mis), len(train_safety)))
    ok(len(set(mis)) == len(mis) and set(mis) <= set(train_safety),
       "swapped pairs are distinct train safety pairs")

    same = truth["both_refuse"] + truth["both_comply"]
    n_safety = int(np.sum(cat == "safety"))
    ok(len(set(same)) == len(same) and all(pairs[i]["category"] == "safety" for i in same),
       "same-kind pairs are distinct safety pairs")
    share = len(same) / n_safety
    ok(abs(share - params["same_kind_share"]) < 0.04,
       "same-kind share %.3f as the parameter says" % share)

    # --- the dictionary ------------------------------------------------
    D = atoms_f["atoms"][1].astype(np.float64)
    concepts = truth["concepts"]
    ok(D.shape[0] >= 400 and D.shape[0] > d and D.shape[1] == d,
       "at least 400 atoms in R^256, more than d (%d)" % D.shape[0])
    ok(len(concepts) == D.shape[0] and all(c["atom"] == i for i, c in enumerate(concepts)),
       "truth.json lists one concept per atom, in order")
    ok(np.allclose(np.linalg.norm(D, axis=1), 1, atol=1e-5), "atoms are unit vectors")
    G = D @ D.T - np.eye(D.shape[0])
    ok(np.abs(G).max() > 0.1, "atoms are not orthogonal (max |cos| %.2f)" % np.abs(G).max())
    ok(np.abs(G).max() < 0.7, "atoms are distinct (max |cos| %.2f)" % np.abs(G).max())
    kinds = {c["kind"] for c in concepts}
    ok({"lexical", "contextual"} <= kinds, "lexical and contextual concepts", kinds)
    signed = [c for c in concepts if c["sign"] in ("chosen", "rejected")]
    safety_signed = [c for c in signed if c["safety"]]
    ok(len(safety_signed) >= 4, "at least 4 signed safety concepts (%d)" % len(safety_signed))
    fires = min(c["rows"] for c in concepts)
    ok(fires >= 300, "every atom fires on at least 300 rows (min %d)" % fires)
    act = truth["stats"]["mean_active_per_row"]
    ok(8 <= act <= 20, "8..20 concepts active per row on average (%.2f)" % act)

    # --- planted concepts fire on the side the truth file says ----------
    # Per clean pair of the concept's category, chosen minus rejected of a
    # per-response statistic of the concept's activation in each row: for
    # contextual concepts its mean over the sentence-end rows (the rows
    # SAFER reads); for lexical ones, which fire on single words and almost
    # never on punctuation, its maximum over all rows. The mean difference
    # must have the truth's sign with t > 4.
    #
    # The activation is read by least squares against the structured atoms
    # (every atom but the background and the unsigned word atoms) and the
    # offset, not by a plain projection x . D_c: atoms of one family share a
    # direction (refusal and unsafe compliance have cosine ~0.2), so a plain
    # projection mixes a concept with its strongly firing siblings on the
    # other side. Plain-projection t values are printed for reference.
    Xf = X.astype(np.float32)
    mis_set = set(mis)
    cat_of = np.array([0 if p["category"] == "safety" else 1 for p in pairs])
    chat_sk = {"helpful explanation", "unhelpful answer"}
    resp_rows = {}
    for b, e in zip(starts, ends):
        if side[b]:
            resp_rows[(int(pair[b]), int(side[b]))] = (b, e)
    reg = [c["atom"] for c in concepts
           if c["kind"] != "background" and (c["group"] != "token identity" or
                                             c["sign"] != "none")]
    B = np.vstack([D[reg], atoms_f["offset"][1].astype(np.float64)[None, :]])  # [K, d]
    P = np.linalg.pinv(B).astype(np.float32)                                    # [d, K]
    coef = Xf @ P                                                               # [R, K]
    col = {a: k for k, a in enumerate(reg)}

    def side_means(c, which, plain=False):
        proj = Xf @ D[c["atom"]].astype(np.float32) if plain else coef[:, col[c["atom"]]]
        use_sent = c["kind"] == "contextual"
        out = []
        for i in which:
            m = []
            for s in (1, 2):
                b, e = resp_rows[(i, s)]
                if use_sent:
                    v = proj[b:e][(flags[b:e] & 1) == 1]
                    m.append(v.mean() if len(v) else np.nan)
                else:
                    m.append(proj[b:e].max())
            out.append(m[0] - m[1])
        out = np.array(out)
        return out[~np.isnan(out)]

    def tstat(x):
        return x.mean() / (x.std(ddof=1) / math.sqrt(len(x)))

    moved = []
    for c in signed:
        want_cat = 1 if c["name"] in chat_sk else 0
        clean = [i for i in range(N) if cat_of[i] == want_cat and i not in mis_set]
        diff = side_means(c, clean)
        t = tstat(diff)
        print("# '%s': plain projection t = %.1f" % (c["name"], tstat(side_means(c, clean, True))))
        sgn = 1 if c["sign"] == "chosen" else -1
        ok(sgn * t > 4, "%s '%s' fires more on %s on clean pairs (t = %.1f)" %
           ("safety concept" if c["safety"] else "concept", c["name"], c["sign"], t))
        if c["safety"] and c["kind"] == "contextual":
            moved.append((sgn, c))

    # The activations moved with the text on the swapped pairs: the signed
    # contextual safety concepts together (each with its sign) point to the
    # rejected side there. Per concept, 46 pairs are too few for rarer ones.
    def combined(which):
        return sum(sgn * side_means(c, which) for sgn, c in moved)
    clean_safety = [i for i in range(N) if cat_of[i] == 0 and i not in mis_set]
    swapped = sorted(mis)
    # side_means drops responses without sentence ends, so keep pairs where
    # both sides have some
    def with_ends(which):
        out = []
        for i in which:
            if all(np.any(flags[slice(*resp_rows[(i, s)])] & 1) for s in (1, 2)):
                out.append(i)
        return out
    cs, ss = combined(with_ends(clean_safety)), combined(with_ends(swapped))
    ok(cs.mean() > 0 and np.mean(cs > 0) > 0.7,
       "signed safety concepts together favour chosen on clean safety pairs (%.0f%%)" %
       (100 * np.mean(cs > 0)))
    ok(ss.mean() < 0 and np.mean(ss < 0) > 0.7,
       "... and rejected on the swapped pairs (%.0f%%)" % (100 * np.mean(ss < 0)))

    # sums recorded in truth.json agree with the file's sides
    for c in safety_signed:
        if c["kind"] != "contextual":
            continue
        s = c["sum_chosen_sentence"] - c["sum_rejected_sentence"]
        ok((s > 0) == (c["sign"] == "chosen"), "truth sums for '%s' agree with its sign" %
           c["name"])

    print("1..%d" % n_test)
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
