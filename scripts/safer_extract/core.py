"""The model-running core of safer-extract.

It knows nothing of Hugging Face: it takes

  model      any callable model(input_ids=LongTensor[B,T],
             attention_mask=LongTensor[B,T], output_hidden_states=True)
             returning an object with .hidden_states, a dict with
             "hidden_states", or the tuple of hidden states itself;
             hidden_states[0] is the embedding output and
             hidden_states[N] the residual stream after block N.
  tok        a tokenizer-like object:
               encode(text) -> [int]             ids as the model sees them
               encode_offsets(text) -> (ids, [(start, end)]) or None
                                                 optional; char offsets
               token_bytes(id) -> bytes          the token's own bytes
                                                 (may be partial UTF-8)
               special_ids                       optional set of ids that
                                                 never belong to a text
               pad_id                            optional (default 0)
  render     render(prompt, response) -> str, the text the model reads
             (a chat template, or plain_render(FMT)).

and writes the activation file of doc/formats.md: for every pair, the rows
of the chosen and rejected responses (and optionally the prompt) at one
layer, in shards of pairs that are merged at the end, or kept as a set of
shards that `safer init` reads as one (shards_dir). Shards already written
by an interrupted run with the same settings are reused.

Several processes (torchrun's ranks) share one extraction into a shard
set: rank r of w computes the shards i with i % w == r. Rank 0 prepares
the directory while the others wait at a barrier; all meet again at the
end, when the set is complete.

numpy is needed to import this module; torch only to run a model.
"""

import json
import os
import re

import numpy as np

from . import stfile

SIDE_PROMPT, SIDE_CHOSEN, SIDE_REJECTED = 0, 1, 2
FLAG_SENT_END = 1
SENT_PUNCT = frozenset(b".,?!;\n")
SENT_GAP = 5
FORMAT = "safer-acts/1"


class ExtractError(Exception):
	"""A problem with the model, the settings or the output; one line."""


# ---------------------------------------------------------------- sentences

def _is_punct(tb):
	return any(c in SENT_PUNCT for c in tb)


def sentence_ends(toks):
	"""Sentence-end flags of one side's tokens (list of bytes), per
	safer-method.md 1: the last token of each run of tokens holding
	sentence punctuation (. , ? ! ;) or a newline, when it lies at least
	SENT_GAP tokens after the previous sentence end (the first one at
	least SENT_GAP tokens into the text)."""
	n = len(toks)
	flags = [0] * n
	prev = -1
	for i, t in enumerate(toks):
		if not _is_punct(t) or (i + 1 < n and _is_punct(toks[i + 1])):
			continue
		if i - prev >= SENT_GAP:
			flags[i] = FLAG_SENT_END
			prev = i
	return flags


# ---------------------------------------------------------- token bytes

def _bytelevel_table():
	# GPT-2's reversible byte <-> printable-unicode map used by byte-level
	# BPE vocabularies (GPT-2, Llama 3, Qwen, ...).
	bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + \
		list(range(0xAE, 0x100))
	cs = bs[:]
	n = 0
	for b in range(256):
		if b not in bs:
			bs.append(b)
			cs.append(256 + n)
			n += 1
	return {chr(c): b for b, c in zip(bs, cs)}


BYTELEVEL = _bytelevel_table()
_SP_BYTE = re.compile(r"<0x([0-9A-Fa-f]{2})>\Z")


def piece_bytes(piece, scheme):
	"""Bytes of a vocabulary piece. scheme: "bytelevel" (GPT-2 style),
	"sentencepiece" (U+2581 for space, <0xNN> byte fallback) or "text"."""
	if scheme == "bytelevel":
		try:
			return bytes(BYTELEVEL[c] for c in piece)
		except KeyError:
			return piece.encode("utf-8", "surrogatepass")
	if scheme == "sentencepiece":
		m = _SP_BYTE.match(piece)
		if m:
			return bytes([int(m.group(1), 16)])
		return piece.replace("\u2581", " ").encode("utf-8", "surrogatepass")
	return piece.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------- spans

_SENT_R = "\u241eSAFERRESPONSE\u241e"
_SENT_P = "\u241eSAFERPROMPT\u241e"


def plain_render(fmt="{prompt}\n\n{response}"):
	"""A render function for models without a chat template."""
	if fmt.count("{prompt}") != 1 or fmt.count("{response}") != 1 or \
			fmt.index("{prompt}") > fmt.index("{response}"):
		raise ExtractError("format %r needs {prompt} once, then {response} once" % fmt)

	def render(prompt, response):
		a, rest = fmt.split("{prompt}")
		b, c = rest.split("{response}")
		return a + prompt + b + response + c
	return render


def _char_span(render, text, prompt, response, which):
	"""[start, end) of the prompt or response inside text: render again with
	a sentinel in its place, and take what the sentinel's surroundings
	leave. Templates that trim content (Llama 3 does) are allowed."""
	sent = _SENT_R if which == "response" else _SENT_P
	t = render(prompt, sent) if which == "response" else render(sent, response)
	i = t.find(sent)
	if i < 0 or t.find(sent, i + 1) >= 0:
		raise ExtractError("the template does not place the %s once in the text" % which)
	pre, suf = t[:i], t[i + len(sent):]
	want = response if which == "response" else prompt
	if len(pre) + len(suf) <= len(text) and text.startswith(pre) and text.endswith(suf):
		mid = text[len(pre):len(text) - len(suf)]
		if mid == want or mid.strip() == want.strip():
			return len(pre), len(text) - len(suf)
	raise ExtractError("the template changes the %s text; cannot find its tokens" % which)


def _common(a, b):
	n = min(len(a), len(b))
	i = 0
	while i < n and a[i] == b[i]:
		i += 1
	return i


def token_span(tok, text, ids, offs, cs, ce):
	"""Token indices [start, end) of the characters [cs, ce) of text.

	With offsets, a token belongs if its character range overlaps [cs, ce).
	Without, tokenize text[:cs] and text[:ce] and compare with the full
	tokenization: the first token that differs from the prefix's starts
	the span (a token straddling the boundary belongs to the text it
	ends in). Special tokens never belong."""
	special = getattr(tok, "special_ids", None) or ()
	if cs >= ce:
		return 0, 0
	if offs is not None:
		sel = [i for i, (a, b) in enumerate(offs)
		       if b > a and a < ce and b > cs and ids[i] not in special]
		if not sel:
			return 0, 0
		return sel[0], sel[-1] + 1
	start = _common(tok.encode(text[:cs]), ids)
	e_ids = tok.encode(text[:ce])
	c = _common(e_ids, ids)
	if c == len(e_ids) or e_ids[c] in special:
		end = c
	else:
		end = min(c + 1, len(ids))
	while start < end and ids[start] in special:
		start += 1
	while end > start and ids[end - 1] in special:
		end -= 1
	return start, max(start, end)


def _encode(tok, text):
	f = getattr(tok, "encode_offsets", None)
	if f is not None:
		r = f(text)
		if r is not None:
			ids, offs = r
			return list(ids), [tuple(o) for o in offs]
	return list(tok.encode(text)), None


class Seq:
	"""One side of one pair as the model reads it."""
	__slots__ = ("pair", "side", "ids", "spans", "truncated")


def prepare(tok, render, pair, side, prompt, response, keep_prompt, max_length):
	text = render(prompt, response)
	ids, offs = _encode(tok, text)
	s = Seq()
	s.pair, s.side = pair, side
	s.spans = {}
	rs, re_ = _char_span(render, text, prompt, response, "response")
	s.spans[side] = token_span(tok, text, ids, offs, rs, re_)
	if keep_prompt:
		ps, pe = _char_span(render, text, prompt, response, "prompt")
		s.spans[SIDE_PROMPT] = token_span(tok, text, ids, offs, ps, pe)
	s.truncated = False
	if max_length and len(ids) > max_length:
		ids = ids[:max_length]
		s.truncated = s.spans[side][1] > max_length
		s.spans = {k: (min(a, max_length), min(b, max_length)) for k, (a, b) in s.spans.items()}
	if not ids:
		raise ExtractError("pair %d: the text tokenizes to nothing" % pair)
	s.ids = ids
	return s


# ------------------------------------------------------------- the model

def hidden_states_of(out):
	hs = getattr(out, "hidden_states", None)
	if hs is None and isinstance(out, dict):
		hs = out.get("hidden_states")
	if hs is None and isinstance(out, (tuple, list)):
		hs = out
	if hs is None:
		raise ExtractError("the model returned no hidden states")
	return hs


def run_batch(model, seqs, layer, pad_id, device):
	"""hidden_states[layer] of a batch, right-padded: [B, T, d] tensor, and
	the number of hidden states the model returns."""
	import torch
	T = max(len(s.ids) for s in seqs)
	x = torch.full((len(seqs), T), int(pad_id), dtype=torch.long)
	m = torch.zeros((len(seqs), T), dtype=torch.long)
	for i, s in enumerate(seqs):
		x[i, :len(s.ids)] = torch.tensor(s.ids, dtype=torch.long)
		m[i, :len(s.ids)] = 1
	with torch.inference_mode():
		out = model(input_ids=x.to(device), attention_mask=m.to(device),
		            output_hidden_states=True)
		hs = hidden_states_of(out)
		if not 0 <= layer < len(hs):
			raise ExtractError("--layer %d: the model returns %d hidden states "
			                   "(0 = embeddings .. %d = after the last block)" %
			                   (layer, len(hs), len(hs) - 1))
		return hs[layer], len(hs)


def to_storage(rows, acts_dtype):
	"""[n, d] tensor -> numpy array of the stored bits (float16, or uint16
	holding bfloat16)."""
	import torch
	if not bool(torch.isfinite(rows).all()):
		raise ExtractError("the model produced NaN or infinite activations")
	if acts_dtype == "F16":
		h = rows.to(torch.float16)
		if bool(torch.isinf(h).any()):
			raise ExtractError("activations exceed the F16 range (max 65504); "
			                   "use --acts-dtype bf16")
		return h.cpu().numpy()
	h = rows.to(torch.bfloat16).cpu()
	return h.view(torch.int16).numpy().view(np.uint16)


# ---------------------------------------------------------------- shards

def layer_aliases(layer, n_hidden):
	"""Names of hidden_states[layer] in other tools, where they are exact."""
	n_blocks = n_hidden - 1
	if layer == 0:
		return {"sparsify_hookpoint": "embed_tokens", "saelens_hook": "blocks.0.hook_resid_pre"}
	if 0 < layer < n_blocks:
		return {"sparsify_hookpoint": "layers.%d" % (layer - 1),
		        "saelens_hook": "blocks.%d.hook_resid_post" % (layer - 1)}
	return {}  # the last hidden state carries the final norm in most models


def _shard_name(i):
	return "shard-%06d.safetensors" % i


class _Shard:
	def __init__(self):
		self.acts, self.pair, self.side, self.pos, self.flags = [], [], [], [], []
		self.toks = []

	def add(self, pair, side, rows, toks):
		n = len(toks)
		self.acts.append(rows)
		self.pair += [pair] * n
		self.side += [side] * n
		self.pos += list(range(n))
		self.flags += sentence_ends(toks)
		self.toks += toks

	def save(self, path, d, np_dtype, st_dtype, meta, extra=None):
		acts = np.concatenate(self.acts, axis=0) if self.acts else np.zeros((0, d), np_dtype)
		off = np.zeros(len(self.toks) + 1, np.int64)
		np.cumsum([len(t) for t in self.toks], out=off[1:])
		stfile.save(path, dict(extra or {}, **{
			"acts": (st_dtype, acts.reshape(-1, d)),
			"pair": ("I32", np.asarray(self.pair, np.int32)),
			"side": ("U8", np.asarray(self.side, np.uint8)),
			"pos": ("I32", np.asarray(self.pos, np.int32)),
			"flags": ("U8", np.asarray(self.flags, np.uint8)),
			"tok_off": ("I64", off),
			"tok_bytes": ("U8", np.frombuffer(b"".join(self.toks), np.uint8)),
		}), meta)


def _run_shard(model, tok, render, pairs, first, opts, progress, done):
	"""Compute one shard: pairs [first, first + len(pairs)). Returns the
	_Shard, d, the number of hidden states and the truncation count."""
	seqs = []
	for j, (prompt, chosen, rejected) in enumerate(pairs):
		p = first + j
		seqs.append(prepare(tok, render, p, SIDE_CHOSEN, prompt, chosen,
		                    opts["keep_prompt"], opts["max_length"]))
		seqs.append(prepare(tok, render, p, SIDE_REJECTED, prompt, rejected,
		                    False, opts["max_length"]))
	rows = {}
	d = n_hidden = None
	order = sorted(range(len(seqs)), key=lambda i: -len(seqs[i].ids))
	bs = opts["batch_size"]
	for b in range(0, len(order), bs):
		batch = [seqs[i] for i in order[b:b + bs]]
		hs, n_hidden = run_batch(model, batch, opts["layer"], opts["pad_id"], opts["device"])
		d = int(hs.shape[-1])
		for i, s in enumerate(batch):
			for side, (a, e) in s.spans.items():
				rows[(s.pair, side)] = (to_storage(hs[i, a:e], opts["acts_dtype"]),
				                        [tok.token_bytes(t) for t in s.ids[a:e]])
		done[0] += len(batch)
		if progress:
			progress(done[0], done[1])
	sh = _Shard()
	sides = ([SIDE_PROMPT] if opts["keep_prompt"] else []) + [SIDE_CHOSEN, SIDE_REJECTED]
	for j in range(len(pairs)):
		for side in sides:
			r, toks = rows[(first + j, side)]
			sh.add(first + j, side, r, toks)
	return sh, d, n_hidden, sum(s.truncated for s in seqs)


def _ours(name):
	return name == "config.json" or name.startswith("shard-") or name.startswith("config.json.tmp-")


def _read_config(parts):
	try:
		with open(os.path.join(parts, "config.json")) as f:
			return json.load(f)
	except (OSError, ValueError):
		return None


def _check_parts(parts, config):
	"""Make or reuse the shard directory. Reuse needs the same settings; a
	directory with no finished shard is simply taken over. Run by one
	process while no other writes there (its temp files are removed)."""
	cfg_path = os.path.join(parts, "config.json")
	if os.path.isdir(parts):
		names = os.listdir(parts)
		if not all(_ours(n) for n in names):
			raise ExtractError("%s: exists and holds files that are not shards; move it away "
			                   "or choose another -o" % parts)
		for n in names:
			if ".tmp-" in n:
				os.unlink(os.path.join(parts, n))
		old = _read_config(parts)
		if old == config:
			return
		shards = [n for n in names if n.startswith("shard-") and ".tmp-" not in n]
		if shards:
			diff = ""
			if isinstance(old, dict):
				keys = [k for k in sorted(set(old) | set(config)) if old.get(k) != config.get(k)]
				k = keys[0]
				diff = " (%s: %s, now %s)" % (k, json.dumps(old.get(k)), json.dumps(config.get(k)))
			raise ExtractError("%s: left by an extraction with other settings%s; "
			                   "remove it, or rerun with the same settings to resume"
			                   % (parts, diff))
	else:
		os.makedirs(parts)
	with stfile.AtomicFile(cfg_path) as f:
		f.write(json.dumps(config, sort_keys=True, indent=1).encode())


def _remove_parts(parts):
	for n in os.listdir(parts):
		if _ours(n):
			os.unlink(os.path.join(parts, n))
	os.rmdir(parts)


def _file_meta(meta, layer, d, n_hidden, keep_prompt, max_length, reward_head):
	"""The metadata and extra tensors of an activation file (or of every
	shard of a set)."""
	meta_out = {"format": FORMAT}
	meta_out.update(meta or {})
	meta_out.update({"layer": str(layer), "hook": "hidden_states[%d]" % layer,
	                 "d_model": str(d), "n_hidden_states": str(n_hidden),
	                 "sides": "prompt,chosen,rejected" if keep_prompt else "chosen,rejected",
	                 "max_length": str(max_length or 0)})
	meta_out.update(layer_aliases(layer, n_hidden))
	extra = {}
	if reward_head is not None and layer == n_hidden - 1:
		w = np.asarray(reward_head[0], np.float32).reshape(-1)
		if w.shape[0] != d or not np.isfinite(w).all():
			raise ExtractError("the score head has %d entries, the hidden states %d" % (w.shape[0], d))
		extra["reward_head"] = ("F32", w)
		meta_out["reward_bias"] = repr(float(reward_head[1]))
	return meta_out, extra


def set_summary(shards):
	"""Rows, token bytes, d and truncations of a finished shard set."""
	rows = tb = trunc = 0
	d = None
	for p in shards:
		h, _, _ = stfile.read_header(p)
		rows += h["pair"]["shape"][0]
		tb += h["tok_bytes"]["shape"][0]
		m = h.get("__metadata__", {})
		d = int(m["d_model"])
		trunc += int(m["truncated"])
	return {"rows": rows, "token_bytes": tb, "d_model": d, "truncated": trunc}


def extract(pairs, tok, model, out, layer, render=None, keep_prompt=False, batch_size=8,
            max_length=None, acts_dtype="F16", shard_pairs=256, device="cpu", meta=None,
            config=None, progress=None, on_shard=None, keep_parts=False, reward_head=None,
            shards_dir=None, rank=0, world=1, barrier=None):
	"""Write the activation file `out` for `pairs` [(prompt, chosen,
	rejected)]. Shards go to out + ".parts/" and are merged at the end;
	with shards_dir, they go there, each a complete activation file, and
	stay: the set is the output (out is not used). config: what the caller
	knows of its settings (model, dataset hash...); a rerun reuses shards
	only if it is equal. on_shard(i) is called after shard i is on disk.
	reward_head: (w [d], bias), the model's linear score head on its last
	hidden state; written as the tensor reward_head and the metadata
	reward_bias when layer is the last one. rank, world, barrier: this
	process's share of a shard set that world processes write together;
	barrier() returns when all of them have called it. Returns a summary
	dict."""
	if not pairs:
		raise ExtractError("no pairs to extract")
	acts_dtype = acts_dtype.upper()
	if acts_dtype not in ("F16", "BF16"):
		raise ExtractError("--acts-dtype must be f16 or bf16")
	if layer < 0:
		raise ExtractError("--layer must be >= 0")
	render = render or getattr(tok, "render", None) or plain_render()
	opts = {"keep_prompt": bool(keep_prompt), "max_length": max_length, "layer": int(layer),
	        "batch_size": max(1, int(batch_size)), "pad_id": getattr(tok, "pad_id", None) or 0,
	        "device": device, "acts_dtype": acts_dtype}
	cfg = dict(config or {})
	cfg.update({"layer": opts["layer"], "keep_prompt": opts["keep_prompt"],
	            "max_length": max_length, "acts_dtype": acts_dtype,
	            "shard_pairs": int(shard_pairs), "n_pairs": len(pairs), "format": FORMAT})
	if world > 1 and not shards_dir:
		raise ExtractError("several processes write a set of shards: give --shards DIR")
	if not 0 <= rank < world:
		raise ExtractError("rank %d of %d processes" % (rank, world))
	parts = shards_dir or out + ".parts"
	if rank == 0:
		_check_parts(parts, cfg)
	if barrier:
		barrier()
	if rank != 0 and _read_config(parts) != cfg:
		raise ExtractError("%s: rank 0 left other settings in config.json than this rank's; "
		                   "start every rank with the same command" % parts)
	np_dtype = np.float16 if acts_dtype == "F16" else np.uint16
	nshards = (len(pairs) + shard_pairs - 1) // shard_pairs
	mine = [i for i in range(nshards) if i % world == rank]
	done = [0, 2 * sum(len(pairs[i * shard_pairs:(i + 1) * shard_pairs]) for i in mine)]
	summary = {"computed": 0, "reused": 0, "truncated": 0, "shards": nshards}
	d = n_hidden = None
	for i in mine:
		path = os.path.join(parts, _shard_name(i))
		first = i * shard_pairs
		chunk = pairs[first:first + shard_pairs]
		if os.path.exists(path):
			try:
				h, _, _ = stfile.read_header(path)
				m = h.get("__metadata__", {})
				d, n_hidden = int(m["d_model"]), int(m["n_hidden_states"])
				summary["truncated"] += int(m["truncated"])
				summary["reused"] += 1
				done[0] += 2 * len(chunk)
				if progress:
					progress(done[0], done[1])
				continue
			except (stfile.FormatError, KeyError, ValueError):
				os.unlink(path)  # unreadable: compute it again
		sh, d, n_hidden, trunc = _run_shard(model, tok, render, chunk, first, opts,
		                                    progress, done)
		# Every shard carries the file's metadata, so that a set of them is
		# an activation store as it stands; the last keys are its own.
		m, extra = _file_meta(meta, layer, d, n_hidden, keep_prompt, max_length, reward_head)
		m.update({"truncated": str(trunc), "first_pair": str(first), "shard": str(i),
		          "rank": str(rank)})
		sh.save(path, d, np_dtype, acts_dtype, m, extra)
		summary["computed"] += 1
		summary["truncated"] += trunc
		if on_shard:
			on_shard(i)
	if barrier:
		barrier()
	paths = [os.path.join(parts, _shard_name(i)) for i in range(nshards)]
	if shards_dir:
		total = set_summary(paths)
		summary.update(rows=total["rows"], token_bytes=total["token_bytes"],
		               d_model=total["d_model"], truncated_all=total["truncated"])
		return summary
	meta_out, extra = _file_meta(meta, layer, d, n_hidden, keep_prompt, max_length, reward_head)
	summary.update(merge(paths, out, meta_out, extra))
	summary["d_model"] = d
	if not keep_parts:
		_remove_parts(parts)
	return summary


def merge(shards, out, meta, extra=None):
	"""Concatenate shard files (in pair order) into one activation file,
	streaming: only one shard's tok_off is held in memory at a time.
	extra: {name: (dtype, array)}, small tensors written as they are."""
	heads = []
	for p in shards:
		h, data, _ = stfile.read_header(p)
		heads.append((p, h, data))
	d = heads[0][1]["acts"]["shape"][1]
	dt = heads[0][1]["acts"]["dtype"]
	N = sum(h["pair"]["shape"][0] for _, h, _ in heads)
	T = sum(h["tok_bytes"]["shape"][0] for _, h, _ in heads)
	specs = [("acts", dt, (N, d)), ("pair", "I32", (N,)), ("side", "U8", (N,)),
	         ("pos", "I32", (N,)), ("flags", "U8", (N,)), ("tok_off", "I64", (N + 1,)),
	         ("tok_bytes", "U8", (T,))]
	extra = extra or {}
	specs += [(k, dt_, a.shape) for k, (dt_, a) in extra.items()]
	for p, h, _ in heads:
		if h["acts"]["shape"][1] != d or h["acts"]["dtype"] != dt:
			raise ExtractError("%s: acts %s %s, others %s [.., %d]" %
			                   (p, h["acts"]["dtype"], h["acts"]["shape"], dt, d))
	with stfile.AtomicFile(out) as f:
		w = stfile.Writer(f, specs, meta)
		for name in w.order:
			if name in extra:
				w.write(name, extra[name][1])
				continue
			base = 0
			for p, h, data in heads:
				b, e = h[name]["data_offsets"]
				if name == "tok_off":
					with open(p, "rb") as g:
						g.seek(data + b)
						off = np.frombuffer(g.read(e - b), "<i8")
					w.write(name, off[:-1] + base)
					base += int(off[-1])
				else:
					stfile.copy_bytes(p, data + b, e - b, lambda x, n=name: w.write(n, x))
			if name == "tok_off":
				w.write(name, np.asarray([base], np.int64))
		w.finish()
	return {"rows": N, "token_bytes": T}
