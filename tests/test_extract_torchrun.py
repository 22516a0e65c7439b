#!/usr/bin/env python3
"""safer-extract under torchrun: two processes on the CPU (gloo) share a
tiny safer-tinyrm model's extraction into a set of shards, each rank the
shards i with i mod 2 = rank; the set holds exactly the rows of one
single-process extraction into a file, `safer init` reads it, and a rerun
after losing shards of both ranks computes only those again. TAP output.

torchrun is started as `python3 -m torch.distributed.run` with
`--redirects 2 --tee 2`: torch 1.13 on Python 3.11 (Debian 12) parses its
default `--redirects 0` to nothing and fails before starting a worker;
sending stderr through its log files (and on to ours) works everywhere."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
SRC = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(SRC, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from tap import done, ok  # noqa: E402

from safer_extract import stfile  # noqa: E402

PY = os.environ.get("PYTHON3") or sys.executable
EXTRACT = os.path.join(SRC, "scripts", "safer-extract")
PER_SHARD = ("first_pair", "truncated", "shard", "rank")
NAMES = ("acts", "pair", "side", "pos", "flags", "tok_off", "tok_bytes")


def env():
	e = dict(os.environ)
	e["PYTHONDONTWRITEBYTECODE"] = "1"
	e["OMP_NUM_THREADS"] = "1"
	e["GLOO_SOCKET_IFNAME"] = "lo"  # gloo on loopback, whatever the host's name resolves to
	return e


def run(args, cwd):
	r = subprocess.run(args, capture_output=True, env=env(), cwd=cwd)
	return r.returncode, r.stderr.decode(errors="replace")


def free_port():
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def torchrun(args, cwd, n=2):
	# One node, its store on 127.0.0.1 by address: "localhost" and the
	# host's name need not resolve (a minimal machine has no /etc/hosts).
	return run([PY, "-m", "torch.distributed.run", "--nnodes", "1", "--node_rank", "0",
	            "--master_addr", "127.0.0.1", "--master_port", str(free_port()),
	            "--nproc_per_node", str(n), "--redirects", "2", "--tee", "2", EXTRACT] + args, cwd)


def make_pairs(path, n):
	rng = np.random.default_rng(5)
	words = ["the", "cat", "sat", "here", "is", "how", "sorry", "no", "yes", "do", "it", "."]
	with open(path, "w") as f:
		for i in range(n):
			g = lambda k: " ".join(words[j] for j in rng.integers(len(words), size=k))
			f.write(json.dumps({"id": i, "prompt": g(4), "chosen": g(int(rng.integers(1, 9))),
			                    "rejected": g(int(rng.integers(1, 9)))}) + "\n")


def joined(paths):
	"""The tensors of a shard set end to end (tok_off rebased), its
	metadata without the per-shard keys, and its reward_head."""
	parts = [stfile.load(p, mmap=False) for p in paths]
	out = {}
	for n in NAMES:
		if n == "tok_off":
			offs, base = [], 0
			for t, _ in parts:
				offs.append(t[n][:-1] + base)
				base += int(t[n][-1])
			out[n] = np.concatenate(offs + [np.array([base], np.int64)])
		else:
			out[n] = np.concatenate([t[n] for t, _ in parts])
	metas = [{k: v for k, v in m.items() if k not in PER_SHARD} for _, m in parts]
	heads = [t.get("reward_head") for t, _ in parts]
	return out, metas, heads


def main():
	tmp = tempfile.mkdtemp(prefix="test_extract_torchrun.")
	try:
		body(tmp)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)
	return done()


def body(tmp):
	pj = os.path.join(tmp, "pairs.jsonl")
	make_pairs(pj, 30)
	rm = os.path.join(tmp, "rm")
	rc, err = run([PY, os.path.join(SRC, "scripts", "safer-tinyrm"), "train", pj, "--out", rm,
	               "--d", "16", "--layers", "2", "--heads", "2", "--epochs", "1", "--batch", "8",
	               "--vocab", "100", "--seed", "3"], tmp)
	if not ok(rc == 0, "a tiny safer-tinyrm model", err):
		return
	common = [rm, pj, "--layer", "2", "--shard-pairs", "7", "--batch-size", "4", "--device", "cpu"]
	one = os.path.join(tmp, "one.safetensors")
	rc, err = run([PY, EXTRACT] + common + ["-o", one], tmp)
	if not ok(rc == 0, "one process, one file", err):
		return

	d = os.path.join(tmp, "d")
	rc, err = torchrun(common + ["--shards", d], tmp)
	if not ok(rc == 0, "torchrun --nproc_per_node 2: the ranks write a set of shards", err):
		return
	names = sorted(n for n in os.listdir(d) if n.endswith(".safetensors"))
	shards = [os.path.join(d, n) for n in names]
	ok(names == ["shard-%06d.safetensors" % i for i in range(5)],
	   "5 shards of 7 pairs for 30 pairs", names)
	ranks = [stfile.load(p, mmap=False)[1].get("rank") for p in shards]
	ok(ranks == ["0", "1", "0", "1", "0"], "shard i was computed by rank i mod 2", ranks)
	ok(re.search(r"rank 0: .*3 computed, 0 reused", err) and
	   re.search(r"rank 1: .*2 computed, 0 reused", err) and
	   re.search(r"5 shards, \d+ rows, d 16, layer 2, 30 pairs", err),
	   "each rank reports its share; rank 0 the whole set", err)

	ref, ref_meta = stfile.load(one, mmap=False)
	got, metas, heads = joined(shards)
	same = [n for n in NAMES if not np.array_equal(np.asarray(ref[n]), got[n])]
	ok(not same, "the shards end to end hold exactly the single file's rows (%d rows)"
	   % len(ref["pair"]), same)
	ok(all(m == ref_meta for m in metas) and ref_meta.get("format") == "safer-acts/1",
	   "every shard carries the file's metadata (besides its own keys)",
	   [sorted(set(m.items()) ^ set(ref_meta.items())) for m in metas])
	ok("reward_head" in ref and all(h is not None and np.array_equal(h, ref["reward_head"])
	                                for h in heads),
	   "the last layer's reward head is in every shard")

	safer = os.environ.get("SAFER")
	if safer and os.access(safer, os.X_OK):
		infos = []
		for name, acts in (("ws1", one), ("ws2", d)):
			ws = os.path.join(tmp, name)
			r1 = subprocess.run([safer, "init", ws, "--pairs", pj, "--acts", acts],
			                    capture_output=True)
			r2 = subprocess.run([safer, "info", ws], capture_output=True)
			infos.append((r1.returncode, r1.stdout.decode(), [
				ln for ln in r2.stdout.decode().splitlines()
				if not ln.startswith(("workspace", "acts_file", "fingerprint"))]))
		ok(infos[1][0] == 0 and "in 5 shards" in infos[1][1],
		   "safer init reads the directory of shards", infos[1][1])
		ok(infos[0][2] == infos[1][2] and infos[0][2], "safer info: the same rows and metadata "
		   "as from the single file")
	else:
		ok(False, "SAFER names the built program")

	# resume: shards of both ranks lost; only they are computed again
	before = {p: open(p, "rb").read() for p in shards}
	os.unlink(shards[0])
	os.unlink(shards[3])
	with open(os.path.join(d, "shard-000002.safetensors.tmp-99999"), "wb") as f:
		f.write(b"partial")
	rc, err = torchrun(common + ["--shards", d], tmp)
	ok(rc == 0 and re.search(r"rank 0: .*1 computed, 2 reused", err) and
	   re.search(r"rank 1: .*1 computed, 1 reused", err),
	   "a rerun computes the lost shards only, each by its rank", err)
	ok(all(open(p, "rb").read() == b for p, b in before.items()),
	   "and writes them as they were")
	ok(not any(".tmp-" in n for n in os.listdir(d)), "a killed write's temp file is removed")

	# the same set from one process: any number of ranks resumes any set
	os.unlink(shards[4])
	rc, err = run([PY, EXTRACT] + common + ["--shards", d], tmp)
	ok(rc == 0 and "1 computed, 4 reused" in err, "one process resumes a set torchrun began",
	   err)

	rc, err = torchrun(common + ["-o", os.path.join(tmp, "x.safetensors")], tmp)
	ok(rc != 0 and "give --shards DIR" in err and not os.path.exists(os.path.join(tmp, "x.safetensors")),
	   "under torchrun, one output file is refused: the ranks write shards", err[-400:])
	rc, err = torchrun(common[:2] + ["--layer", "1"] + common[4:] + ["--shards", d], tmp)
	ok(rc != 0 and "other settings" in err and "layer" in err,
	   "a rerun with other settings is refused, naming the setting", err[-400:])


if __name__ == "__main__":
	sys.exit(main())
