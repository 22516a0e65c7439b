"""The probe server's work (doc/formats.md, "Probe protocol"): the rows of
one response at one layer, computed exactly as safer-extract computes them
(the same rendering, response span, layer numbering, sentence ends, token
bytes and stored precision), and the model's scalar reward for the
sequence when it has a score head.

The HTTP side lives in scripts/safer-serve; this module needs numpy, and
torch to run a model."""

import base64
import ipaddress

import numpy as np

from .core import (ExtractError, SIDE_CHOSEN, hidden_states_of, plain_render, prepare,
                   sentence_ends, to_storage)


class RequestError(Exception):
	"""A request the server refuses: status and one line."""

	def __init__(self, status, msg):
		Exception.__init__(self, msg)
		self.status = status


def is_loopback(host):
	"""127.0.0.0/8, ::1 or the name localhost."""
	if host == "localhost":
		return True
	try:
		return ipaddress.ip_address(host.strip("[]")).is_loopback
	except ValueError:
		return False


def _reward_of(out):
	"""The model's scalar score of the one sequence in out, or None."""
	s = getattr(out, "score", None)
	if s is None:
		s = getattr(out, "logits", None)
	if s is None and isinstance(out, dict):
		s = out.get("score", out.get("logits"))
	if s is None or not hasattr(s, "numel") or s.numel() != 1:
		return None
	v = float(s.reshape(-1)[0])
	return v if np.isfinite(v) else None


class Prober:
	"""One opened model (a safer_extract.models.Loaded) at one layer.

	acts_dtype: "f16" (what safer-extract stores by default, so rows are
	bit for bit the file's) or "f32". max_tokens bounds the rendered
	sequence: longer requests are refused, never cut."""

	def __init__(self, loaded, layer, acts_dtype="f16", max_tokens=2048, name="model"):
		if acts_dtype not in ("f16", "f32"):
			raise ExtractError("--acts-dtype must be f16 or f32")
		self.m = loaded
		self.layer = int(layer)
		self.acts_dtype = acts_dtype
		self.max_tokens = int(max_tokens)
		self.name = name
		self.render = getattr(loaded.tok, "render", None) or plain_render()
		# One forward pass up front: d, the layer's range, whether there is a score head.
		_, _, self.d, r = self._forward("Hello.", "Hello there.")
		self.reward = r is not None

	def _forward(self, prompt, response):
		import torch
		tok = self.m.tok
		try:
			s = prepare(tok, self.render, 0, SIDE_CHOSEN, prompt, response, False, None)
		except ExtractError as exc:
			raise RequestError(400, str(exc).replace("pair 0: ", ""))
		if len(s.ids) > self.max_tokens:
			raise RequestError(413, "the text is %d tokens, more than the server's limit of %d"
			                   % (len(s.ids), self.max_tokens))
		a, e = s.spans[SIDE_CHOSEN]
		x = torch.tensor([s.ids], dtype=torch.long, device=self.m.device)
		with torch.inference_mode():
			out = self.m.model(input_ids=x, attention_mask=torch.ones_like(x),
			                   output_hidden_states=True)
			hs = hidden_states_of(out)
			if not 0 <= self.layer < len(hs):
				raise ExtractError("--layer %d: the model returns %d hidden states "
				                   "(0 = embeddings .. %d = after the last block)" %
				                   (self.layer, len(hs), len(hs) - 1))
			h = hs[self.layer][0]
			rows = h[a:e]
			reward = _reward_of(out)
		return rows, [tok.token_bytes(t) for t in s.ids[a:e]], int(h.shape[-1]), reward

	def info(self):
		return {"model": self.name, "layer": self.layer, "d": self.d,
		        "hook": "hidden_states[%d]" % self.layer, "reward": bool(self.reward),
		        "dtype": self.acts_dtype, "max_tokens": self.max_tokens}

	def activations(self, prompt, response):
		"""The protocol's reply to {"prompt", "response"}."""
		rows, toks, d, reward = self._forward(prompt, response)
		if self.acts_dtype == "f16":
			stored = to_storage(rows, "F16")
		else:
			stored = rows.float().cpu().numpy()
			if not np.isfinite(stored).all():
				raise ExtractError("the model produced NaN or infinite activations")
		flags = sentence_ends(toks)
		data = np.ascontiguousarray(stored, dtype="<f2" if self.acts_dtype == "f16" else "<f4")
		return {"d": d, "layer": self.layer, "dtype": self.acts_dtype, "n": len(toks),
		        "acts": base64.b64encode(data.tobytes()).decode("ascii"),
		        "tokens": [{"bytes": base64.b64encode(t).decode("ascii"), "sentence_end": bool(f)}
		                   for t, f in zip(toks, flags)],
		        "reward": reward}
