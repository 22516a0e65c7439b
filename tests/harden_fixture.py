#!/usr/bin/python3
"""Write a small pairs JSONL + activation safetensors for the hardening tests.

  harden_fixture.py OUTDIR [--hostile] [--pairs N] [--d D]

Writes OUTDIR/pairs.jsonl and OUTDIR/acts.safetensors, the activation file
in the format of doc/formats.md written directly (8-byte header length,
JSON header, row-major data) with numpy, no safetensors package needed.
Rows: 6 tokens per side, every third a sentence end; activations carry a
few planted directions so that an SAE has something to find.

--hostile puts terminal attacks into every text a user can see: prompts,
responses, ids, categories and the token texts of the activation file -
every C0 control, DEL, every C1 control (as UTF-8), ESC/CSI/OSC/DCS/APC
sequences, bidi overrides and isolates, line separators, invalid and
overlong UTF-8 in the token bytes. The hostile byte set is printed to
stdout as hex, one code per line, for the test to look for."""
import json
import os
import struct
import sys

import numpy as np

# Each attack is text (str) for JSON; JSON cannot hold invalid UTF-8, so
# byte-level attacks go into the token bytes only.
C0 = "".join(chr(c) for c in range(0x20)) + "\x7f"
C1 = "".join(chr(c) for c in range(0x80, 0xA0))
SEQS = ["\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
        "\x1bP+q544e\x1b\\", "\x1b_apc\x1b\\", "\x9b31m", "\x9d0;t\x9c", "\x1b[6n",
        "\x1b[?1049h", "\x1bc"]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029"
HOSTILE_TEXTS = [C0, C1, BIDI] + SEQS
BAD_UTF8 = [b"\xff", b"\xc0\x9b", b"\xc0\xaf", b"\xe0\x80\x9b", b"\xed\xa0\x80", b"\xc2",
            b"\xf4\x90\x80\x80", b"\xfe\xfe"]


def texts(i, hostile):
    if not hostile:
        return ("prompt %d" % i, "Sure, here is a safe answer %d." % i,
                "I refuse %d." % i)
    h = HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)]
    g = HOSTILE_TEXTS[(i + 1) % len(HOSTILE_TEXTS)]
    return ("ask " + h + " end", "yes " + g + " ok", "no " + h + g)


def main():
    args = sys.argv[1:]
    out = args[0]
    hostile = "--hostile" in args
    n_pairs = int(args[args.index("--pairs") + 1]) if "--pairs" in args else 12
    d = int(args[args.index("--d") + 1]) if "--d" in args else 16
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)

    with open(os.path.join(out, "pairs.jsonl"), "w", encoding="utf-8") as f:
        for i in range(n_pairs):
            p, c, r = texts(i, hostile)
            rec = {"prompt": p, "chosen": c, "rejected": r, "id": "id%d" % i,
                   "category": "safety" if i % 2 else "chat"}
            if hostile:
                rec["id"] = "\x1b]0;id%d\x07\u202e" % i
                rec["category"] = "\x1b[31mcat\u202e" if i % 2 else "chat\x9b"
            if i == n_pairs - 1:
                rec["split"] = "test"
            f.write(json.dumps(rec) + "\n")

    atoms = rng.standard_normal((4, d)).astype(np.float32)
    pair, side, pos, flags, toks, acts = [], [], [], [], [], []
    for i in range(n_pairs):
        for s in range(3):
            for t in range(6):
                pair.append(i)
                side.append(s)
                pos.append(t)
                flags.append(1 if t % 3 == 2 else 0)
                x = 0.3 * rng.standard_normal(d).astype(np.float32)
                x += (1.0 + (s == 1)) * atoms[(i + t) % 4]
                acts.append(x)
                if hostile:
                    k = len(toks)
                    tok = (HOSTILE_TEXTS[k % len(HOSTILE_TEXTS)].encode("utf-8") +
                           BAD_UTF8[k % len(BAD_UTF8)])
                else:
                    tok = b" tok%d" % t
                toks.append(tok)
    n = len(pair)
    off = np.zeros(n + 1, np.int64)
    off[1:] = np.cumsum([len(t) for t in toks])
    tensors = [("acts", np.array(acts, np.float32)), ("pair", np.array(pair, np.int32)),
               ("side", np.array(side, np.uint8)), ("pos", np.array(pos, np.int32)),
               ("flags", np.array(flags, np.uint8)), ("tok_off", off),
               ("tok_bytes", np.frombuffer(b"".join(toks), np.uint8))]
    dt = {np.float32: "F32", np.int32: "I32", np.uint8: "U8", np.int64: "I64"}
    hdr, blobs, o = {}, [], 0
    for name, a in tensors:
        b = a.tobytes()
        hdr[name] = {"dtype": dt[a.dtype.type], "shape": list(a.shape),
                     "data_offsets": [o, o + len(b)]}
        blobs.append(b)
        o += len(b)
    model = "\x1b]0;model\x07\u202e" if hostile else "fixture"
    hdr["__metadata__"] = {"format": "safer-acts/1", "model": model, "layer": "3",
                           "d_model": str(d)}
    h = json.dumps(hdr).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(out, "acts.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


if __name__ == "__main__":
    main()
