#!/usr/bin/env python3
"""safer-serve on a tiny safer-tinyrm model: /v1/info, /v1/activations
compared with what safer-extract writes for the same text (and with the
model's own score), bounded requests, the bearer token. Servers listen on
loopback only, on free ports, and are stopped here. TAP output."""

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True
SRC = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(SRC, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from tap import done, ok  # noqa: E402
from test_tinyrm import make_pairs, write_jsonl  # noqa: E402

from safer_extract import stfile, tinyrm  # noqa: E402

PY = os.environ.get("PYTHON3") or sys.executable


def env():
	e = dict(os.environ)
	e["PYTHONDONTWRITEBYTECODE"] = "1"
	return e


def run(script, args, cwd):
	return subprocess.run([PY, os.path.join(SRC, "scripts", script)] + args, capture_output=True,
	                      env=env(), cwd=cwd)


class Server:
	"""safer-serve on port 0; the port read from its first stderr line."""

	def __init__(self, args, cwd, extra_env=None):
		e = env()
		e.update(extra_env or {})
		self.p = subprocess.Popen([PY, os.path.join(SRC, "scripts", "safer-serve")] + args,
		                          stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, cwd=cwd, env=e)
		self.line = b""
		self.port = None
		t_end = time.time() + 60
		while time.time() < t_end and self.p.poll() is None and b"\n" not in self.line:
			r, _, _ = select.select([self.p.stderr], [], [], 0.5)
			if r:
				c = os.read(self.p.stderr.fileno(), 4096)
				if not c:
					break
				self.line += c
		text = self.line.decode(errors="replace")
		if "listening on http://127.0.0.1:" in text:
			self.port = int(text.split("listening on http://127.0.0.1:")[1].split()[0])

	def url(self, path):
		return "http://127.0.0.1:%d%s" % (self.port, path)

	def stop(self):
		if self.p.poll() is None:
			self.p.terminate()
			try:
				self.p.wait(10)
			except subprocess.TimeoutExpired:
				self.p.kill()
				self.p.wait()


def http(url, body=None, headers=None, raw=None):
	"""(status, parsed JSON or None)."""
	data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
	req = urllib.request.Request(url, data=data, headers=headers or {},
	                             method="POST" if data is not None else "GET")
	try:
		with urllib.request.urlopen(req, timeout=30) as r:
			return r.status, json.loads(r.read().decode())
	except urllib.error.HTTPError as exc:
		try:
			return exc.code, json.loads(exc.read().decode())
		except ValueError:
			return exc.code, None


def decode(reply):
	dt = {"f16": "<f2", "f32": "<f4"}[reply["dtype"]]
	a = np.frombuffer(base64.b64decode(reply["acts"]), dt).reshape(reply["n"], reply["d"])
	toks = [base64.b64decode(t["bytes"]) for t in reply["tokens"]]
	flags = [1 if t["sentence_end"] else 0 for t in reply["tokens"]]
	return a, toks, flags


def check_rows(tmp, rm, pj, rows, layer, last):
	"""Extraction rows of pair 0 (chosen, rejected) against the server's."""
	out = os.path.join(tmp, "acts%d.safetensors" % layer)
	r = run("safer-extract", [rm, pj, "--layer", str(layer), "-o", out, "--batch-size", "1",
	                          "--device", "cpu"], tmp)
	if not ok(r.returncode == 0, "layer %d: safer-extract runs" % layer, r.stderr.decode()):
		return
	t, _ = stfile.load(out, mmap=False)
	s = Server([rm, "--layer", str(layer), "--port", "0"], tmp)
	try:
		if not ok(s.port is not None, "layer %d: safer-serve starts and says where it listens" % layer,
		          s.line.decode(errors="replace")):
			return
		st, info = http(s.url("/v1/info"))
		_, model, cfg = tinyrm.load(rm)
		ok(st == 200 and info["layer"] == layer and info["d"] == cfg["d"] and
		   info["reward"] is True and info["hook"] == "hidden_states[%d]" % layer,
		   "layer %d: /v1/info gives layer, d, hook, reward" % layer, info)
		same = True
		diag = ""
		for p in range(3):
			for side, key in ((1, "chosen"), (2, "rejected")):
				sel = (t["pair"] == p) & (t["side"] == side)
				ref = t["acts"][sel]
				idx = np.nonzero(sel)[0]
				rtoks = [bytes(t["tok_bytes"][t["tok_off"][i]:t["tok_off"][i + 1]]) for i in idx]
				rflags = [int(t["flags"][i]) & 1 for i in idx]
				st, rep = http(s.url("/v1/activations"),
				               {"prompt": rows[p]["prompt"], "response": rows[p][key]})
				if st != 200:
					same, diag = False, "HTTP %d %s" % (st, rep)
					break
				a, toks, flags = decode(rep)
				if not (a.shape == ref.shape and np.array_equal(a.view(np.uint16),
				                                                ref.view(np.uint16)) and
				        toks == rtoks and flags == rflags):
					same, diag = False, "pair %d side %d: %s vs %s" % (p, side, a.shape, ref.shape)
		ok(same, "layer %d: rows, token bytes and sentence ends equal extraction's, bit for bit"
		   % layer, diag)
		# The reward is the model's own score of the whole sequence.
		st, rep = http(s.url("/v1/activations"), {"prompt": rows[0]["prompt"],
		                                           "response": rows[0]["chosen"]})
		tok, model, _ = tinyrm.load(rm)
		ids = tok.encode(tok.render(rows[0]["prompt"], rows[0]["chosen"]))
		with torch.no_grad():
			o = model(input_ids=torch.tensor([ids]), output_hidden_states=True)
		want = float(o.score[0])
		ok(st == 200 and abs(rep["reward"] - want) <= 1e-6 * max(1.0, abs(want)),
		   "layer %d: reward = the model's score of the sequence" % layer, (rep.get("reward"), want))
		if last:
			w, _ = tinyrm.reward_head(model)
			ok(abs(float(np.dot(w, o.hidden_states[-1][0, -1].numpy())) - rep["reward"]) <= 1e-5,
			   "last layer: reward = score head . last hidden state")
	finally:
		s.stop()


def limits(tmp, rm):
	s = Server([rm, "--layer", "1", "--port", "0", "--max-bytes", "2000", "--max-tokens", "40"],
	           tmp)
	try:
		if not ok(s.port is not None, "limits: the server starts", s.line.decode(errors="replace")):
			return
		st, rep = http(s.url("/v1/activations"), {"prompt": "x", "response": "y" * 3000})
		ok(st == 413 and "limit of 2000" in rep["error"], "a body over --max-bytes: 413, JSON error",
		   (st, rep))
		st, rep = http(s.url("/v1/activations"),
		               {"prompt": "hi", "response": " ".join(["sorry"] * 60)})
		ok(st == 413 and "limit of 40" in rep["error"] and "tokens" in rep["error"],
		   "a text over --max-tokens: 413, JSON error", (st, rep))
		st, rep = http(s.url("/v1/activations"), raw=b"{not json")
		ok(st == 400 and "not JSON" in rep["error"], "malformed JSON: 400 with a message", (st, rep))
		st, rep = http(s.url("/v1/activations"), {"prompt": "hi", "response": 3})
		ok(st == 400 and "response" in rep["error"], "a response that is no string: 400", (st, rep))
		st, rep = http(s.url("/v2/nothing"))
		ok(st == 404 and "error" in rep, "an unknown path: 404 with a message", (st, rep))
		st, rep = http(s.url("/v1/activations"), {"prompt": "hi", "response": "Fine."})
		ok(st == 200 and rep["n"] == len(rep["tokens"]) and rep["n"] > 0,
		   "the server keeps serving after refusals", (st, rep))
	finally:
		s.stop()


def tokens(tmp, rm):
	r = run("safer-serve", [rm, "--layer", "1", "--host", "0.0.0.0", "--port", "0"], tmp)
	ok(r.returncode == 2 and b"not a loopback address" in r.stderr and b"--token-env" in r.stderr,
	   "off loopback without a token: refused before listening", r.stderr)
	r = run("safer-serve", [rm, "--layer", "1", "--token-env", "SAFER_TEST_UNSET_TOKEN",
	                        "--port", "0"], tmp)
	ok(r.returncode == 2 and b"SAFER_TEST_UNSET_TOKEN" in r.stderr,
	   "--token-env naming an unset variable: refused", r.stderr)
	s = Server([rm, "--layer", "1", "--port", "0", "--token-env", "PROBE_TOKEN"], tmp,
	           {"PROBE_TOKEN": "s3cret-token"})
	try:
		if not ok(s.port is not None, "token: the server starts", s.line.decode(errors="replace")):
			return
		st, rep = http(s.url("/v1/info"))
		ok(st == 401 and "token" in rep["error"], "a token given: requests without it get 401",
		   (st, rep))
		st, rep = http(s.url("/v1/activations"), {"prompt": "a", "response": "b"},
		               {"Authorization": "Bearer wrong"})
		ok(st == 401, "a wrong token: 401", (st, rep))
		st, rep = http(s.url("/v1/info"), headers={"Authorization": "Bearer s3cret-token"})
		ok(st == 200 and rep["layer"] == 1, "the right token: 200", (st, rep))
		ok(b"s3cret" not in s.line, "the token is not printed")
	finally:
		s.stop()
	r = run("safer-serve", [rm, "--layer", "9", "--port", "0"], tmp)
	ok(r.returncode == 1 and b"--layer 9" in r.stderr, "a layer the model lacks: one line, exit 1",
	   r.stderr)


def main():
	tmp = tempfile.mkdtemp(prefix="test_serve.")
	try:
		rows = make_pairs(12, 5)
		pj = os.path.join(tmp, "pairs.jsonl")
		write_jsonl(pj, rows)
		rm = os.path.join(tmp, "rm")
		r = run("safer-tinyrm", ["train", pj, "--out", rm, "--d", "16", "--layers", "2",
		                         "--heads", "2", "--epochs", "2", "--batch", "8", "--vocab", "120",
		                         "--seed", "3"], tmp)
		if ok(r.returncode == 0, "a tiny reward model to serve", r.stderr.decode()):
			check_rows(tmp, rm, pj, rows, 1, False)
			check_rows(tmp, rm, pj, rows, 2, True)
			limits(tmp, rm)
			tokens(tmp, rm)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)
	return done()


if __name__ == "__main__":
	sys.exit(main())
