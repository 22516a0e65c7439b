#!/usr/bin/env python3
"""Split an activation file into shards by pair ranges, as an extraction in
shards writes them, or into a broken set of one kind.

  shard_fixture.py ACTS OUTDIR K [--break overlap|width|meta|nan|dtype]

Shard i holds the rows of pairs [i*P/K, (i+1)*P/K) (P = the number of
pairs the rows refer to), with the file's metadata plus the per-shard keys
first_pair and shard. Breaks: overlap (the last shard also holds the
previous shard's last row), width (the last shard one column narrower),
meta (the last shard names another model), nan (row 1 of the last shard
holds NaN at column 3), dtype (the last shard in F16, or in F32 when the file is F16). Prints the rows of
each shard."""
import os
import sys

sys.dont_write_bytecode = True
SRC = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(SRC, "scripts"))

import numpy as np  # noqa: E402

from safer_extract import stfile  # noqa: E402

NAMES = ["acts", "pair", "side", "pos", "flags", "tok_off", "tok_bytes"]


def main(argv):
	src, out, k = argv[0], argv[1], int(argv[2])
	brk = argv[4] if len(argv) > 4 and argv[3] == "--break" else None
	h, _, _ = stfile.read_header(src)
	t, meta = stfile.load(src, mmap=False)
	acts_dt = h["acts"]["dtype"]
	arr = {n: np.asarray(t[n]) for n in NAMES}
	pair = arr["pair"]
	npairs = int(pair.max()) + 1
	os.makedirs(out, exist_ok=True)
	bounds = [np.searchsorted(pair, i * npairs // k) for i in range(k)] + [len(pair)]
	for i in range(k):
		a, b = int(bounds[i]), int(bounds[i + 1])
		last = i == k - 1
		if last and brk == "overlap":
			a -= 1
		off = arr["tok_off"]
		tb = arr["tok_bytes"][off[a]:off[b]]
		acts = arr["acts"][a:b].copy()
		dt = acts_dt
		if last and brk == "width":
			acts = acts[:, :-1].copy()
		if last and brk == "nan":
			acts[1, 3] = np.nan
		if last and brk == "dtype":
			dt = "F16" if acts_dt == "F32" else "F32"
			acts = acts.astype(np.float16 if dt == "F16" else np.float32)
		m = dict(meta, first_pair=str(int(pair[a])) if b > a else "0", shard=str(i))
		if last and brk == "meta":
			m["model"] = "another-model"
		extra = {}
		if brk in ("head", "samehead"):  # the reward model's head, in every shard
			w = np.linspace(-1, 1, acts.shape[1]).astype(np.float32)
			if last and brk == "head":
				w = w[::-1].copy()
			extra["reward_head"] = ("F32", w)
		stfile.save(os.path.join(out, "part-%03d.safetensors" % i), dict(extra, **{
			"acts": (dt, acts),
			"pair": ("I32", pair[a:b]),
			"side": ("U8", arr["side"][a:b]),
			"pos": ("I32", arr["pos"][a:b]),
			"flags": ("U8", arr["flags"][a:b]),
			"tok_off": ("I64", (off[a:b + 1] - off[a]).astype(np.int64)),
			"tok_bytes": ("U8", tb),
		}), m)
		print(b - a)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1:]))
