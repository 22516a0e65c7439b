#!/usr/bin/env python3
"""safer probe and safer probes against a stand-in probe server written
here from the protocol of doc/formats.md alone: fixed activations for each
request, checked against encoding them with the workspace's SAE in numpy
(features, totals, max, rows, a(resp)); d and layer mismatches refused;
timeouts, refusals and malformed replies as one-line errors with nothing
raw on the terminal; the bearer token sent and never shown; saved probes.
The server listens on loopback, on a free port, for this test only. TAP."""

import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import sae_kinds_ref as kinds  # noqa: E402
from tap import done, ok  # noqa: E402

SAFER = os.environ.get("SAFER") or os.path.join(os.getcwd(), "tui", "safer")
D, LAYER = 16, 3


def st_write(path, tensors, meta):
	header, blobs, off = {}, [], 0
	for name, (dt, arr) in tensors.items():
		raw = np.ascontiguousarray(arr).tobytes()
		header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
		blobs.append(raw)
		off += len(raw)
	header["__metadata__"] = meta
	h = json.dumps(header).encode()
	h += b" " * ((8 - len(h) % 8) % 8)
	with open(path, "wb") as f:
		f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def st_read(path):
	with open(path, "rb") as f:
		raw = f.read()
	n = struct.unpack("<Q", raw[:8])[0]
	h = json.loads(raw[8:8 + n])
	out = {}
	for k, v in h.items():
		if k == "__metadata__":
			continue
		a, b = v["data_offsets"]
		dt = {"F32": "<f4", "F16": "<f2"}[v["dtype"]]
		out[k] = np.frombuffer(raw[8 + n + a:8 + n + b], dt).reshape(v["shape"]).astype(np.float64)
	return out


def make_inputs(tmp):
	rng = np.random.default_rng(11)
	P = 40
	with open(os.path.join(tmp, "pairs.jsonl"), "w") as f:
		for i in range(P):
			f.write(json.dumps({"prompt": "question %d?" % i, "chosen": "I cannot help %d." % i,
			                    "rejected": "Sure, step %d." % i}) + "\n")
	pair, side, pos, flags, toks = [], [], [], [], []
	for i in range(P):
		for s in (1, 2):
			n = int(rng.integers(6, 12))
			for q in range(n):
				pair.append(i)
				side.append(s)
				pos.append(q)
				flags.append(1 if q % 4 == 3 or q == n - 1 else 0)
				toks.append(b" w%d" % q)
	N = len(pair)
	u = rng.normal(size=D)
	acts = (rng.normal(size=(N, D)) + np.outer(np.array(side) == 1, u) * 2).astype(np.float32)
	off = np.concatenate([[0], np.cumsum([len(t) for t in toks])]).astype(np.int64)
	st_write(os.path.join(tmp, "acts.safetensors"), {
		"acts": ("F32", acts), "pair": ("I32", np.array(pair, np.int32)),
		"side": ("U8", np.array(side, np.uint8)), "pos": ("I32", np.array(pos, np.int32)),
		"flags": ("U8", np.array(flags, np.uint8)), "tok_off": ("I64", off),
		"tok_bytes": ("U8", np.frombuffer(b"".join(toks), np.uint8))},
		{"format": "safer-acts/1", "layer": str(LAYER), "d_model": str(D)})
	return u


# ------------------------------------------------------------ the server

class Stand:
	"""What the stand-in server answers; changed by the tests."""
	mode = "ok"
	d = D
	layer = LAYER
	dtype = "f32"
	reward = 0.75
	token = None
	acts = None      # [n, d] float32
	tokens = None    # [(bytes, sentence_end)]
	last = None      # the last request body
	auth = None      # the last Authorization header


class Handler(BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"

	def log_message(self, *a):
		pass

	def reply(self, status, body, ctype="application/json"):
		if isinstance(body, (dict, list)):
			body = json.dumps(body).encode()
		self.send_response(status)
		self.send_header("Content-Type", ctype)
		self.send_header("Content-Length", str(len(body)))
		self.end_headers()
		self.wfile.write(body)

	def authorised(self):
		Stand.auth = self.headers.get("Authorization")
		if Stand.token and Stand.auth != "Bearer " + Stand.token:
			self.reply(401, {"error": "token required"})
			return False
		return True

	def do_GET(self):
		if not self.authorised():
			return
		if self.path != "/v1/info":
			return self.reply(404, {"error": "nothing here"})
		self.reply(200, {"model": "stand-in", "layer": Stand.layer, "d": Stand.d,
		                 "hook": "h", "reward": Stand.reward is not None})

	def do_POST(self):
		n = int(self.headers.get("Content-Length", "0"))
		body = self.rfile.read(n)
		if not self.authorised():
			return
		Stand.last = json.loads(body.decode())
		m = Stand.mode
		if m == "slow":
			time.sleep(4)
		if m == "notjson":
			return self.reply(200, b"<html>\x1b]0;pwned\x07 oops</html>", "text/html")
		if m == "error":
			return self.reply(500, {"error": "model crashed \x1b[31mred\x1b[0m \u009b\u202e"})
		if m == "refuse":
			return self.reply(400, {"error": "bad \x1b[2J request"})
		a = Stand.acts
		if m == "wide":
			a = np.concatenate([a, a[:, :1]], axis=1)
		raw = a.astype("<f2" if Stand.dtype == "f16" else "<f4").tobytes()
		rep = {"d": int(a.shape[1]), "layer": Stand.layer, "dtype": Stand.dtype,
		       "n": int(a.shape[0]), "acts": base64.b64encode(raw).decode(),
		       "tokens": [{"bytes": base64.b64encode(t).decode(), "sentence_end": s}
		                  for t, s in Stand.tokens], "reward": Stand.reward}
		if m == "short":
			rep["n"] = rep["n"] + 1
		if m == "badb64":
			rep["acts"] = "!!" + rep["acts"][2:]
		if m == "nan":
			bad = a.astype(np.float32).copy()
			bad[1, 2] = np.nan
			rep["acts"] = base64.b64encode(bad.astype("<f4").tobytes()).decode()
		self.reply(200, rep)


def start_server():
	srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
	srv.daemon_threads = True
	t = threading.Thread(target=srv.serve_forever, daemon=True)
	t.start()
	return srv


# ------------------------------------------------------------ reference

def load_sae(ws):
	t = st_read(os.path.join(ws, "sae", "sae.safetensors"))
	with open(os.path.join(ws, "sae", "cfg.json")) as f:
		cfg = json.load(f)
	return t, cfg


def encode(t, cfg, x):
	"""TopK code of rows x, float64, per safer-method.md §2-3."""
	x = x.astype(np.float64)
	if cfg.get("normalize", "standardize") == "standardize":
		x = (x - x.mean(1, keepdims=True)) / (x.std(1, ddof=1, keepdims=True) + 1e-6)
	pre = (x - t["b_dec"]) @ t["encoder.weight"].T + t["encoder.bias"]
	if cfg.get("relu", True):
		pre = np.maximum(pre, 0)
	k = int(cfg["k"])
	z = np.zeros_like(pre)
	top = np.argsort(-pre, axis=1, kind="stable")[:, :k]
	for r in range(pre.shape[0]):
		z[r, top[r]] = pre[r, top[r]]
	return z


def run(args, stdin=None, env=None):
	e = dict(os.environ)
	e.pop("SAFER_PROBE_TOKEN", None)
	e.update(env or {})
	return subprocess.run([SAFER] + args, capture_output=True, input=stdin, env=e, timeout=120)


def on_terminal(argv):
	"""What argv writes to a terminal (stdout and stderr on a pty)."""
	import pty
	m, sl = pty.openpty()
	p = subprocess.Popen(argv, stdout=sl, stderr=sl, stdin=subprocess.DEVNULL, close_fds=True)
	os.close(sl)
	out = b""
	while True:
		try:
			c = os.read(m, 65536)
		except OSError:
			break
		if not c:
			break
		out += c
	p.wait(60)
	os.close(m)
	return out


def one_line_error(r, pattern, name):
	err = r.stderr.decode("utf-8", "replace")
	lines = err.strip("\n").split("\n")
	clean = b"\x1b" not in r.stderr and b"\x07" not in r.stderr and b"\xc2\x9b" not in r.stderr \
		and "\u202e" not in err
	return ok(r.returncode == 1 and len(lines) == 1 and pattern in err and clean and
	          not r.stdout, name, "rc %d: %r" % (r.returncode, err))


def main():
	tmp = tempfile.mkdtemp(prefix="test_probe.")
	srv = None
	try:
		body(tmp, lambda: srv)
		srv = None
	finally:
		shutil.rmtree(tmp, ignore_errors=True)
	return done()


def body(tmp, _):
	make_inputs(tmp)
	ws = os.path.join(tmp, "ws")
	r = run(["init", ws, "--pairs", os.path.join(tmp, "pairs.jsonl"), "--acts",
	         os.path.join(tmp, "acts.safetensors")])
	if not ok(r.returncode == 0, "a workspace", r.stderr):
		return
	r = run(["train", ws, "--latents", "32", "--k", "4", "--epochs", "2", "--batch", "64"])
	if not ok(r.returncode == 0, "an SAE", r.stderr):
		return
	t, cfg = load_sae(ws)
	# Rate a few features so that S+ and S- are known: by the sign of their salience.
	st = json.loads(run(["stats", ws, "--format", "json"]).stdout)
	sal = {s["feature"]: s["salience"] for s in st}
	rated = sorted(sal, key=lambda f: -abs(sal[f]))[:6]
	for f in rated:
		run(["label", ws, str(f), "--safety", "5", "--name", "f%d \x1b[7mx" % f])
	plus = [f for f in rated if sal[f] > 0]
	minus = [f for f in rated if sal[f] < 0]

	srv = start_server()
	url = "http://127.0.0.1:%d" % srv.server_address[1]
	try:
		checks(tmp, ws, url, t, cfg, plus, minus)
	finally:
		srv.shutdown()
		srv.server_close()


def checks(tmp, ws, url, t, cfg, plus, minus):
	rng = np.random.default_rng(5)
	n = 9
	Stand.acts = (rng.normal(size=(n, D)) * 2).astype(np.float32)
	Stand.tokens = [(b" tok%d" % i if i != 4 else b"\x1b[31m\xff", i in (3, 8)) for i in range(n)]
	sent = np.array([s for _, s in Stand.tokens])

	# TSV: features, totals, max, rows against numpy.
	r = run(["probe", ws, "--url", url, "--prompt", "Hi", "--response", "Hello there."])
	if not ok(r.returncode == 0, "safer probe runs against the stand-in server", r.stderr):
		return
	ok(Stand.last == {"prompt": "Hi", "response": "Hello there."},
	   "the request is the protocol's {prompt, response}", Stand.last)
	lines = r.stdout.decode().rstrip("\n").split("\n")
	ok(lines[0] == "feature\ttotal\tmax\trows\tlabel", "TSV header: feature total max rows label",
	   lines[0])
	got = [ln.split("\t") for ln in lines[1:]]
	z = encode(t, cfg, Stand.acts)
	zp = np.maximum(z, 0)
	tot = zp.sum(0)
	want = sorted([j for j in range(z.shape[1]) if tot[j] > 0], key=lambda j: (-tot[j], j))
	ok([int(g[0]) for g in got] == want, "the features active on the response, by total",
	   ([g[0] for g in got], want))
	good = len(got) == len(want) and all(
		abs(float(g[1]) - tot[j]) <= 1e-4 * max(1, tot[j]) and
		abs(float(g[2]) - zp[:, j].max()) <= 1e-4 * max(1, zp[:, j].max()) and
		int(g[3]) == int((z[:, j] > 0).sum()) for g, j in zip(got, want))
	ok(good, "totals, max and rows equal a numpy encode with the SAE (rel 1e-4)")
	labelled = [g for g in got if int(g[0]) in plus + minus]
	ok(labelled and all(g[4] == "f%s \x1b[7mx" % g[0] for g in labelled),
	   "labels shown (as they are, to a pipe)", labelled)
	out = on_terminal([SAFER, "probe", ws, "--url", url, "--prompt", "Hi", "--response", "Hello."])
	ok(b"\x1b" not in out and b"^[[7mx" in out and b"feature" in out,
	   "on a terminal, labels and server text are made visible (^[), nothing raw", out[:300])
	err = r.stderr.decode()
	a = (zp[sent][:, plus].sum(1) - zp[sent][:, minus].sum(1)).mean()
	ok("a(resp) " in err and abs(float(err.split("a(resp) ")[1].split()[0]) - a) <= 1e-4 * max(1, abs(a))
	   and "reward 0.75" in err and "over 2 sentence-end rows" in err,
	   "a(resp) over the sentence ends under S+/S- and the reward, on stderr", (err, a))

	# JSON: the same, plus tokens; f16 values.
	Stand.dtype = "f16"
	Stand.reward = None
	r = run(["probe", ws, "--url", url, "--prompt", "Hi", "--response", "x", "--format", "json",
	         "--rows", "all", "--top", "2"])
	ok(r.returncode == 0 and b"\x1b" not in r.stdout, "JSON output, ASCII only", r.stderr)
	try:
		j = json.loads(r.stdout)
	except ValueError:
		j = {}
	z16 = encode(t, cfg, Stand.acts.astype(np.float16).astype(np.float32))
	zp16 = np.maximum(z16, 0)
	tot16 = zp16.sum(0)
	a16 = (zp16[:, plus].sum(1) - zp16[:, minus].sum(1)).mean()
	feats = j.get("features", [])
	ok(len(feats) == int((tot16 > 0).sum()) and
	   all(abs(f["total"] - tot16[f["feature"]]) <= 1e-4 * max(1, tot16[f["feature"]]) for f in feats),
	   "JSON features from f16 rows equal numpy's", feats[:3])
	ok(j.get("reward") is None and abs(j.get("score", 1e9) - a16) <= 1e-4 * max(1, abs(a16)),
	   "JSON: score is a(resp) over all rows (--rows all), reward null", (j.get("score"), a16))
	toks = j.get("tokens", [])
	ok(len(toks) == n and toks[4]["text"] == "\x1b[31m\ufffd" and toks[3]["sentence_end"] and
	   not toks[2]["sentence_end"] and all(len(x["top"]) <= 2 for x in toks) and
	   toks[0]["top"][0]["feature"] == int(np.argmax(z16[0])),
	   "JSON tokens: text (UTF-8 repaired, escaped in JSON), sentence end, top features",
	   toks[:5])
	Stand.dtype = "f32"
	Stand.reward = 0.75

	# --pair / --side, --response-file -.
	r = run(["probe", ws, "--url", url, "--pair", "7", "--side", "rejected"])
	ok(r.returncode == 0 and Stand.last == {"prompt": "question 7?", "response": "Sure, step 7."},
	   "--pair I --side rejected sends the pair's texts", (Stand.last, r.stderr))
	r = run(["probe", ws, "--url", url, "--pair", "7", "--response-file", "-"],
	        stdin=b"edited text\n")
	ok(r.returncode == 0 and Stand.last == {"prompt": "question 7?", "response": "edited text\n"},
	   "--pair with --response-file - replaces the response", Stand.last)

	# Mismatches, refusals, malformed replies, timeouts.
	Stand.layer = 5
	r = run(["probe", ws, "--url", url, "--prompt", "a", "--response", "b"])
	one_line_error(r, "layer 5, the workspace's activations layer 3",
	               "another layer: refused, naming both")
	Stand.layer = LAYER
	Stand.mode = "wide"
	r = run(["probe", ws, "--url", url, "--prompt", "a", "--response", "b"])
	one_line_error(r, "d 17, the workspace's activations d 16", "another d: refused, naming both")
	for mode, pat, name in (("notjson", "not JSON", "a reply that is not JSON"),
	                        ("short", "n 10 x d 16", "n that does not fit the bytes"),
	                        ("badb64", "not base64", "acts that are not base64"),
	                        ("nan", "NaN", "NaN in the activations"),
	                        ("error", "HTTP 500", "a server error with escapes in it"),
	                        ("refuse", "refused the request: HTTP 400", "a refusal")):
		Stand.mode = mode
		r = run(["probe", ws, "--url", url, "--prompt", "a", "--response", "b"])
		one_line_error(r, pat, name + ": one line, nothing raw")
	Stand.mode = "slow"
	t0 = time.time()
	r = run(["probe", ws, "--url", url, "--prompt", "a", "--response", "b", "--timeout", "1"])
	one_line_error(r, "no reply within 1 s", "a slow server: a timeout, one line")
	ok(time.time() - t0 < 3.5, "the timeout is kept", time.time() - t0)
	Stand.mode = "ok"
	srv2 = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
	dead = "http://127.0.0.1:%d" % srv2.server_address[1]
	srv2.server_close()
	r = run(["probe", ws, "--url", dead, "--prompt", "a", "--response", "b"])
	one_line_error(r, dead, "a server that is down: one line naming it")
	r = run(["probe", ws, "--url", "ftp://x", "--prompt", "a", "--response", "b"])
	ok(r.returncode == 2, "a URL that is not http: usage error")
	r = run(["probe", ws, "--url", url, "--response", "b"])
	ok(r.returncode == 2 and b"--prompt" in r.stderr, "no prompt: usage error")

	# The bearer token.
	Stand.token = "tok-123"
	r = run(["probe", ws, "--url", url, "--prompt", "a", "--response", "b"])
	one_line_error(r, "HTTP 401", "a server that wants a token, none given: one line")
	r = run(["probe", ws, "--url", url, "--prompt", "a", "--response", "b", "--token-env", "MYTOK"],
	        env={"MYTOK": "tok-123"})
	ok(r.returncode == 0 and Stand.auth == "Bearer tok-123" and b"tok-123" not in r.stderr,
	   "--token-env: the token is sent as a bearer token, never printed", r.stderr)
	Stand.token = None

	# Saved probes.
	r = run(["probe", ws, "--url", url, "--prompt", "Hi", "--response", "Hello there.",
	         "--save", "hello-1"])
	ok(r.returncode == 0 and os.path.isfile(os.path.join(ws, "probes", "hello-1.json")),
	   "--save keeps WS/probes/NAME.json", r.stderr)
	tsv = r.stdout
	r = run(["probes", ws])
	lines = r.stdout.decode().rstrip("\n").split("\n")
	ok(r.returncode == 0 and lines[0].split("\t")[:4] == ["name", "saved", "score", "reward"] and
	   len(lines) == 2 and lines[1].startswith("hello-1\t") and "\tHi\tHello there." in lines[1],
	   "safer probes lists it", lines)
	r = run(["probes", ws, "hello-1"])
	ok(r.returncode == 0 and r.stdout == tsv, "safer probes WS NAME shows its features as printed",
	   (r.stdout[:200], tsv[:200]))
	r = run(["probes", ws, "hello-1", "--format", "json"])
	try:
		j = json.loads(r.stdout)
	except ValueError:
		j = {}
	ok(j.get("prompt") == "Hi" and j.get("response") == "Hello there." and j.get("name") == "hello-1"
	   and len(j.get("tokens", [])) == n and j.get("layer") == LAYER and j.get("url") == url,
	   "the saved record holds the texts, the result and where it came from", sorted(j))
	r = run(["probe", ws, "--url", url, "--prompt", "a", "--response", "b", "--save", "../x"])
	ok(r.returncode == 2, "a probe name with a slash: usage error")
	r = run(["probes", ws, "nosuch"])
	ok(r.returncode == 1 and b"no saved probe" in r.stderr, "an unknown probe: one line", r.stderr)
	jumprelu(tmp, ws, url)


def jumprelu(tmp, ws, url):
	"""A JumpReLU SAE (a varying count of active latents per row) saved as
	SAELens saves it: the probe's features equal its numpy encoder's."""
	W_enc, b_enc, W_dec, b_dec, thr = kinds.weights(np.random.default_rng(4), 40)
	d = os.path.join(tmp, "jumprelu")
	kinds.saelens_save(d, W_enc, b_enc, W_dec, b_dec, "jumprelu", threshold=thr)
	r = run(["load-sae", ws, d])
	if not ok(r.returncode == 0, "a JumpReLU SAE loads", r.stderr):
		return
	Stand.dtype, Stand.mode = "f32", "ok"
	r = run(["probe", ws, "--url", url, "--prompt", "Hi", "--response", "Hello.", "--format",
	         "json", "--rows", "all", "--top", "1000"])
	try:
		j = json.loads(r.stdout)
	except ValueError:
		j = {}
	z = kinds.saelens_encode(Stand.acts, W_enc, b_enc, b_dec, "jumprelu", "none", threshold=thr)
	l0 = (z > 0).sum(1)
	tot = z.sum(0)
	want = {f: tot[f] for f in range(z.shape[1]) if tot[f] > 0}
	got = {f["feature"]: f["total"] for f in j.get("features", [])}
	ok(l0.min() != l0.max() and sorted(got) == sorted(want) and
	   all(abs(got[f] - want[f]) <= 1e-4 * max(1, want[f]) for f in want),
	   "JumpReLU: the features and totals equal a numpy encode (rows with %d to %d active)"
	   % (l0.min(), l0.max()), (sorted(got), sorted(want)))
	rows = [sorted(t["feature"] for t in tok["top"]) for tok in j.get("tokens", [])]
	ok(rows == [sorted(np.nonzero(z[i] > 0)[0].tolist()) for i in range(len(z))],
	   "JumpReLU: each token's active latents are the encoder's", rows[:3])


if __name__ == "__main__":
	sys.exit(main())
