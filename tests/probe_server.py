#!/usr/bin/python3
"""A stand-in probe server for the explorer's Probe screen tests, written
from the protocol of doc/formats.md alone, on 127.0.0.1.

    probe_server.py DIR D

Listens on a free loopback port, writes it to DIR/port, and logs every
POST body as one JSON line in DIR/requests.jsonl. Rows have width D. The
response is split at spaces into tokens; the activations are fixed for a
text (drawn from a generator seeded by its bytes), and a token ending in
'.' is a sentence end; the reward is the response's length / 10. What it
does is read from DIR/mode at each request:
  ok      answer
  slow    sleep 20 s first
  escape  500 with terminal escape sequences in the error message
It runs until killed."""
import base64
import hashlib
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

DIR, D = sys.argv[1], int(sys.argv[2])


def mode():
	try:
		with open(os.path.join(DIR, "mode")) as f:
			return f.read().strip() or "ok"
	except OSError:
		return "ok"


def rows(response):
	toks = []
	for i, w in enumerate(response.split(" ")):
		toks.append((w if i == 0 else " " + w).encode())
	seed = int.from_bytes(hashlib.sha256(response.encode()).digest()[:8], "little")
	acts = (np.random.default_rng(seed).normal(size=(len(toks), D)) * 2).astype("<f4")
	return acts, toks


class Handler(BaseHTTPRequestHandler):
	protocol_version = "HTTP/1.1"

	def log_message(self, *a):
		pass

	def reply(self, status, obj):
		body = json.dumps(obj).encode()
		self.send_response(status)
		self.send_header("Content-Type", "application/json")
		self.send_header("Content-Length", str(len(body)))
		self.end_headers()
		self.wfile.write(body)

	def do_GET(self):
		self.reply(200, {"model": "stand-in", "d": D, "hook": "h", "reward": True})

	def do_POST(self):
		req = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode())
		with open(os.path.join(DIR, "requests.jsonl"), "a") as f:
			f.write(json.dumps(req) + "\n")
		m = mode()
		if m == "slow":
			time.sleep(20)
		if m == "escape":
			return self.reply(500, {"error": "boom \x1b[31mRED\x1b[0m \x1b]0;title\x07"})
		acts, toks = rows(req["response"])
		self.reply(200, {"d": D, "dtype": "f32", "n": len(toks),
		                 "acts": base64.b64encode(acts.tobytes()).decode(),
		                 "tokens": [{"bytes": base64.b64encode(t).decode(),
		                             "sentence_end": t.endswith(b".")} for t in toks],
		                 "reward": len(req["response"]) / 10})


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(os.path.join(DIR, "port.tmp"), "w") as f:
	f.write(str(srv.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
srv.serve_forever()
