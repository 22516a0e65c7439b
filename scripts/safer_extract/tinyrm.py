"""safer-tinyrm's model: a small Llama-style decoder (RMSNorm, rotary
positions, SwiGLU, causal attention) with a linear score head on the last
token's final hidden state, and the directory it lives in:

  config.json         the shape (TinyConfig) and what it was trained on
  model.safetensors   the weights, F32, written with stfile (no safetensors
                      package needed)
  tokenizer.json      the WordTok vocabulary

load(DIR) gives the tokenizer and model in the shape safer_extract.core
runs (and a probe server can reuse): model(input_ids, attention_mask,
output_hidden_states=True) returns .hidden_states (hidden_states[0] the
embeddings, hidden_states[N] after block N, the last one with the final
norm applied, as Hugging Face decoders return them) and .score [B], the
reward read at each sequence's last real token. Importing this module
needs torch."""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

from . import stfile
from .models import TINYRM_FORMAT as CONFIG_FORMAT
from .wordtok import TokError, WordTok

SHAPE_KEYS = ("vocab_size", "d", "layers", "heads", "ffn", "rope_theta", "norm_eps")


class ModelDirError(Exception):
	"""A safer-tinyrm directory that cannot be used; one line naming the file."""


class RMSNorm(torch.nn.Module):
	def __init__(self, d, eps):
		super().__init__()
		self.eps = eps
		self.weight = torch.nn.Parameter(torch.ones(d))

	def forward(self, x):
		return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotary(x, cos, sin):
	"""Rotate halves (the Llama convention): x [B, H, T, hd]."""
	h = x.shape[-1] // 2
	x1, x2 = x[..., :h], x[..., h:]
	return x * cos + torch.cat((-x2, x1), dim=-1) * sin


class Block(torch.nn.Module):
	def __init__(self, d, heads, ffn, eps):
		super().__init__()
		self.heads = heads
		self.attn_norm = RMSNorm(d, eps)
		self.q = torch.nn.Linear(d, d, bias=False)
		self.k = torch.nn.Linear(d, d, bias=False)
		self.v = torch.nn.Linear(d, d, bias=False)
		self.o = torch.nn.Linear(d, d, bias=False)
		self.mlp_norm = RMSNorm(d, eps)
		self.gate = torch.nn.Linear(d, ffn, bias=False)
		self.up = torch.nn.Linear(d, ffn, bias=False)
		self.down = torch.nn.Linear(ffn, d, bias=False)

	def forward(self, x, cos, sin, allow):
		B, T, d = x.shape
		h = self.attn_norm(x)
		sh = (B, T, self.heads, d // self.heads)
		q = rotary(self.q(h).view(sh).transpose(1, 2), cos, sin)
		k = rotary(self.k(h).view(sh).transpose(1, 2), cos, sin)
		v = self.v(h).view(sh).transpose(1, 2)
		att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(q.shape[-1]))
		a = att.masked_fill(~allow, float("-inf")).softmax(-1) @ v
		x = x + self.o(a.transpose(1, 2).reshape(B, T, d))
		h = self.mlp_norm(x)
		return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Output:
	__slots__ = ("hidden_states", "score", "logits")


class TinyRM(torch.nn.Module):
	def __init__(self, cfg):
		super().__init__()
		self.cfg = dict(cfg)
		d, L = cfg["d"], cfg["layers"]
		if d % cfg["heads"] or (d // cfg["heads"]) % 2:
			raise ValueError("d must split into heads of an even size")
		self.embed = torch.nn.Embedding(cfg["vocab_size"], d)
		self.blocks = torch.nn.ModuleList(Block(d, cfg["heads"], cfg["ffn"], cfg["norm_eps"])
		                                  for _ in range(L))
		self.norm = RMSNorm(d, cfg["norm_eps"])
		self.score = torch.nn.Linear(d, 1, bias=False)
		hd = d // cfg["heads"]
		self.inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))

	def init_weights(self, gen):
		"""Small normal weights (std 0.02, output projections scaled by
		depth, as GPT-2 and Llama initialise), unit norms, zero head."""
		std = 0.02
		with torch.no_grad():
			for name, p in self.named_parameters():
				if name.endswith("norm.weight"):
					p.fill_(1.0)
				elif name == "score.weight":
					p.zero_()
				else:
					s = std / math.sqrt(2 * self.cfg["layers"]) if name.endswith(("o.weight", "down.weight")) else std
					p.copy_(torch.randn(p.shape, generator=gen) * s)

	def forward(self, input_ids, attention_mask=None, output_hidden_states=False):
		B, T = input_ids.shape
		if attention_mask is None:
			attention_mask = torch.ones_like(input_ids)
		mask = attention_mask.bool()
		pos = torch.arange(T, dtype=torch.float32)
		ang = pos[:, None] * self.inv_freq[None, :]
		ang = torch.cat((ang, ang), dim=-1)
		cos, sin = ang.cos()[None, None], ang.sin()[None, None]
		causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
		# Padded queries still see themselves, so no row is all -inf.
		allow = (causal[None] & mask[:, None, :]) | torch.eye(T, dtype=torch.bool)[None]
		allow = allow[:, None]
		x = self.embed(input_ids)
		hs = [x]
		for b in self.blocks:
			x = b(x, cos, sin, allow)
			hs.append(x)
		x = self.norm(x)
		hs[-1] = x
		last = mask.long().sum(1).clamp(min=1) - 1
		out = Output()
		out.score = self.score(x[torch.arange(B), last]).squeeze(-1)
		out.logits = out.score[:, None]
		out.hidden_states = tuple(hs) if output_hidden_states else None
		return out


# ------------------------------------------------------------ the directory

def _check_config(cfg, where):
	if not isinstance(cfg, dict) or cfg.get("format") != CONFIG_FORMAT:
		raise ModelDirError("%s: not a %s config" % (where, CONFIG_FORMAT))
	for k in SHAPE_KEYS:
		v = cfg.get(k)
		if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
			raise ModelDirError("%s: '%s' must be a positive number" % (where, k))
	for k in ("vocab_size", "d", "layers", "heads", "ffn"):
		if cfg[k] != int(cfg[k]) or cfg[k] > 1 << 20:
			raise ModelDirError("%s: '%s' must be an integer up to 2^20" % (where, k))
	if cfg["d"] % cfg["heads"] or (cfg["d"] // cfg["heads"]) % 2:
		raise ModelDirError("%s: d %d does not split into %d heads of an even size" %
		                    (where, cfg["d"], cfg["heads"]))


def param_shapes(cfg):
	"""{parameter name: shape} of the model a config describes."""
	d, f = int(cfg["d"]), int(cfg["ffn"])
	out = {"embed.weight": (int(cfg["vocab_size"]), d)}
	for i in range(int(cfg["layers"])):
		b = "blocks.%d." % i
		out.update({b + "attn_norm.weight": (d,), b + "q.weight": (d, d), b + "k.weight": (d, d),
		            b + "v.weight": (d, d), b + "o.weight": (d, d), b + "mlp_norm.weight": (d,),
		            b + "gate.weight": (f, d), b + "up.weight": (f, d), b + "down.weight": (d, f)})
	out.update({"norm.weight": (d,), "score.weight": (1, d)})
	return out


def save(path, model, tok, extra):
	"""Write config.json, model.safetensors and tokenizer.json into path
	(each atomically)."""
	os.makedirs(path, exist_ok=True)
	cfg = {"format": CONFIG_FORMAT}
	cfg.update({k: model.cfg[k] for k in SHAPE_KEYS})
	cfg.update(extra)
	tensors = {k: ("F32", v.detach().float().contiguous().numpy())
	           for k, v in model.state_dict().items()}
	stfile.save(os.path.join(path, "model.safetensors"), tensors, {"format": CONFIG_FORMAT})
	with stfile.AtomicFile(os.path.join(path, "tokenizer.json")) as f:
		f.write(json.dumps(tok.to_json(), ensure_ascii=False).encode("utf-8"))
	with stfile.AtomicFile(os.path.join(path, "config.json")) as f:
		f.write((json.dumps(cfg, indent=1, sort_keys=True) + "\n").encode())


def load(path):
	"""(WordTok, TinyRM in eval mode, config dict) from a model directory."""
	cp = os.path.join(path, "config.json")
	try:
		with open(cp, "rb") as f:
			cfg = json.loads(f.read(1 << 20).decode("utf-8"))
	except (OSError, ValueError, UnicodeDecodeError) as exc:
		raise ModelDirError("%s: %s" % (cp, exc))
	_check_config(cfg, cp)
	try:
		tok = WordTok.load(os.path.join(path, "tokenizer.json"))
	except OSError as exc:
		raise ModelDirError("%s: %s" % (os.path.join(path, "tokenizer.json"), exc.strerror))
	except TokError as exc:
		raise ModelDirError(str(exc))
	if tok.vocab_size != cfg["vocab_size"]:
		raise ModelDirError("%s: vocab_size %d, but the tokenizer has %d tokens" %
		                    (cp, cfg["vocab_size"], tok.vocab_size))
	mp = os.path.join(path, "model.safetensors")
	try:
		arrays, _ = stfile.load(mp, mmap=True)
	except OSError as exc:
		raise ModelDirError("%s: %s" % (mp, exc.strerror))
	except stfile.FormatError as exc:
		raise ModelDirError(str(exc))
	# Shapes are checked against the config before anything is allocated.
	want = param_shapes(cfg)
	if set(arrays) != set(want):
		miss = sorted(set(want) ^ set(arrays))
		raise ModelDirError("%s: tensors differ from the config's model (e.g. %s)" % (mp, miss[0]))
	for k, shape in want.items():
		a = arrays[k]
		if tuple(a.shape) != shape or a.dtype != np.dtype("<f4"):
			raise ModelDirError("%s: tensor %s is %s %s, want F32 %s" %
			                    (mp, k, a.dtype, list(a.shape), list(shape)))
		if not np.isfinite(a).all():
			raise ModelDirError("%s: tensor %s holds NaN or infinity" % (mp, k))
	model = TinyRM(cfg)
	model.load_state_dict({k: torch.from_numpy(np.array(a)) for k, a in arrays.items()})
	model.eval()
	return tok, model, cfg


def reward_head(model):
	"""(w [d] float32, bias): the score head on the last hidden state."""
	return model.score.weight.detach().float().numpy().reshape(-1).copy(), 0.0
