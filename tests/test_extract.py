#!/usr/bin/env python3
"""safer-extract's core on a tiny torch model and a tiny tokenizer, both
written here. The written file is checked against hidden states computed
directly, one sequence at a time, with token spans found independently of
the core (from the template's special tokens). TAP output."""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import types

sys.dont_write_bytecode = True
SRC = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(SRC, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from tap import done, ok  # noqa: E402

import safer_extract as se  # noqa: E402



def raises(fn, exc, pattern):
	try:
		fn()
	except exc as e:
		return re.search(pattern, str(e)) is not None, str(e)
	return False, "no exception"


# ------------------------------------------------------------ tokenizer

SPECIALS = ["<pad>", "<s>", "</s>", "<u>", "</u>", "<a>", "</a>"]
MERGES = [b"the", b" the", b"ing", b"ok", b"\n\n", b" is", b" a", b"ab", b"bc", b"ll", b"."]


class ToyTok:
	"""Greedy longest-match over bytes: 256 single bytes, a few merges and
	special tokens. Multi-byte UTF-8 characters split into byte tokens, so
	token texts are partial UTF-8. template=True renders
	<s><u>PROMPT</u><a>RESPONSE</a> with the contents trimmed (as Llama 3's
	template does); otherwise encode() adds <s> ... </s> itself."""

	def __init__(self, offsets, template):
		self.vocab = [s.encode() for s in SPECIALS] + [bytes([b]) for b in range(256)] + MERGES
		self.nspecial = len(SPECIALS)
		self.special_ids = set(range(self.nspecial))
		self.pad_id = 0
		self.with_offsets = offsets
		self.template = template
		if template:
			self.render = lambda p, r: "<s><u>" + p.strip() + "</u><a>" + r.strip() + "</a>"
		self.by_len = sorted(range(self.nspecial, len(self.vocab)), key=lambda i: -len(self.vocab[i]))

	def _pieces(self, text):
		"""ids and byte ranges, specials parsed out of the text."""
		b = text.encode()
		ids, rng = [], []
		pat = re.compile(b"|".join(re.escape(s.encode()) for s in SPECIALS))
		pos = 0
		for m in list(pat.finditer(b)) + [None]:
			seg_end = m.start() if m else len(b)
			while pos < seg_end:
				for i in self.by_len:
					v = self.vocab[i]
					if b.startswith(v, pos) and pos + len(v) <= seg_end:
						ids.append(i)
						rng.append((pos, pos + len(v)))
						pos += len(v)
						break
			if m:
				ids.append(SPECIALS.index(m.group().decode()))
				rng.append((m.start(), m.end()))
				pos = m.end()
		return ids, rng, b

	def _full(self, text):
		ids, rng, b = self._pieces(text)
		if not self.template:
			ids = [1] + ids + [2]
			rng = [None] + rng + [None]
		return ids, rng, b

	def encode(self, text):
		return self._full(text)[0]

	def encode_offsets(self, text):
		if not self.with_offsets:
			return None
		ids, rng, b = self._full(text)
		# byte -> char index
		cidx = []
		for ci, ch in enumerate(text):
			cidx += [ci] * len(ch.encode())
		offs = []
		for r, i in zip(rng, ids):
			if r is None or i in self.special_ids:
				offs.append((0, 0))
			else:
				offs.append((cidx[r[0]], cidx[r[1] - 1] + 1))
		return ids, offs

	def token_bytes(self, i):
		return self.vocab[i]


# ----------------------------------------------------------------- model

class ToyModel(torch.nn.Module):
	"""Embedding, L pre-norm causal attention + MLP blocks, final norm on
	the last hidden state (as Hugging Face decoders do)."""

	def __init__(self, vocab, d=24, L=3, as_tuple=False):
		super().__init__()
		g = torch.Generator().manual_seed(7)
		self.emb = torch.nn.Parameter(torch.randn(vocab, d, generator=g) * 2.0)
		self.blocks = torch.nn.ModuleList()
		for _ in range(L):
			b = torch.nn.Module()
			b.ln1 = torch.nn.LayerNorm(d)
			b.qkv = torch.nn.Linear(d, 3 * d)
			b.ln2 = torch.nn.LayerNorm(d)
			b.up = torch.nn.Linear(d, 4 * d)
			b.down = torch.nn.Linear(4 * d, d)
			for p in b.parameters():
				with torch.no_grad():
					p.copy_(torch.randn(p.shape, generator=g) * 0.3)
			self.blocks.append(b)
		self.lnf = torch.nn.LayerNorm(d)
		self.as_tuple = as_tuple
		self.calls = 0

	def forward(self, input_ids, attention_mask=None, output_hidden_states=False):
		self.calls += 1
		B, T = input_ids.shape
		x = self.emb[input_ids]
		if attention_mask is None:
			attention_mask = torch.ones_like(input_ids)
		causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
		allow = causal[None] & attention_mask[:, None, :].bool()
		hs = [x]
		for i, b in enumerate(self.blocks):
			q, k, v = b.qkv(b.ln1(x)).chunk(3, dim=-1)
			att = (q @ k.transpose(1, 2)) / q.shape[-1] ** 0.5
			att = att.masked_fill(~allow, -1e9).softmax(-1)
			x = x + att @ v
			x = x + b.down(torch.nn.functional.gelu(b.up(b.ln2(x))))
			hs.append(self.lnf(x) if i == len(self.blocks) - 1 else x)
		if self.as_tuple:
			return tuple(hs)
		return types.SimpleNamespace(hidden_states=tuple(hs), logits=x[:, -1, :1])


# ------------------------------------------------------------------ data

PAIRS = [
	{"prompt": "How do I bake bread?", "chosen": "Mix the flour, water and yeast. Let it rise "
	 "for an hour, then bake it at 220 degrees. Cool it before cutting!",
	 "rejected": "I will not help.", "category": "chat"},
	{"prompt": "Tell me a secret about café owners.", "chosen": "  I cannot share private "
	 "information about people; is there something else?\n\nI'm happy to talk about coffee. ",
	 "rejected": "The owner of the café on Main St is hiding something; his address is 12 "
	 "Elm. He is ok with it, I guess", "id": "p1"},
	{"prompt": "", "chosen": "Nothing was asked, so nothing is answered.", "rejected": ""},
	{"prompt": "Explain ab and bc?", "chosen": "abc is a string; bc is too. Really, all "
	 "strings are. ünïcödé ok.", "rejected": "no"},
	{"prompt": "Is this the end?", "chosen": "Yes. It is the end of the list, the final "
	 "pair; nothing follows it.", "rejected": "No!!! It is not... really not, I promise.\n"},
]


def write_jsonl(path, rows):
	with open(path, "w", encoding="utf-8") as f:
		for r in rows:
			f.write(json.dumps(r, ensure_ascii=False) + "\n")


def parse_st(path):
	"""An independent reader: header, and each tensor as a numpy array."""
	with open(path, "rb") as f:
		raw = f.read()
	(hl,) = struct.unpack("<Q", raw[:8])
	h = json.loads(raw[8:8 + hl])
	base = 8 + hl
	npdt = {"F16": "<f2", "BF16": "<u2", "I32": "<i4", "U8": "u1", "I64": "<i8", "F32": "<f4"}
	out = {}
	spans = []
	for k, t in h.items():
		if k == "__metadata__":
			continue
		b, e = t["data_offsets"]
		spans.append((b, e, np.dtype(npdt[t["dtype"]]).itemsize))
		out[k] = np.frombuffer(raw[base + b:base + e], npdt[t["dtype"]]).reshape(t["shape"])
	spans.sort()
	contiguous = spans[0][0] == 0 and all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1)) \
		and spans[-1][1] == len(raw) - base
	aligned = base % 8 == 0 and all(b % sz == 0 for b, _, sz in spans)
	return h, out, contiguous, aligned


# ------------------------------------------------------- the reference

def ref_rule(toks):
	"""safer-method.md 1, written independently: find maximal runs of
	punctuation tokens, take each run's last token, keep those at least 5
	tokens after the previous kept one (the first at position >= 4)."""
	punct = [any(c in b".,?!;\n" for c in t) for t in toks]
	ends = [i for i in range(len(toks)) if punct[i] and (i == len(toks) - 1 or not punct[i + 1])]
	kept, last = [], -1
	for i in ends:
		if i - last >= 5:
			kept.append(i)
			last = i
	return [1 if i in kept else 0 for i in range(len(toks))]


def reference(tok, model, pairs, layer, keep_prompt):
	"""rows (pair, side, pos, token bytes, f32 vector) computed one
	sequence at a time, spans from the template's special tokens."""
	rows = []
	for p, (prompt, chosen, rejected) in enumerate(pairs):
		for side, resp in ((1, chosen), (2, rejected)):
			text = tok.render(prompt, resp)
			ids = tok.encode(text)
			with torch.no_grad():
				hs = model(input_ids=torch.tensor([ids]), output_hidden_states=True)
			hs = se.core.hidden_states_of(hs)[layer][0]
			spans = {side: (ids.index(5) + 1, ids.index(6))}
			if keep_prompt and side == 1:
				spans[0] = (ids.index(3) + 1, ids.index(4))
			for s in sorted(spans):
				a, e = spans[s]
				toks = [tok.token_bytes(i) for i in ids[a:e]]
				fl = ref_rule(toks)
				for j in range(a, e):
					rows.append((p, s, j - a, toks[j - a], fl[j - a], hs[j].numpy()))
	rows.sort(key=lambda r: (r[0], r[1], r[2]))
	return rows


def check_file(path, ref, d, dtype, tag):
	h, t, contiguous, aligned = parse_st(path)
	N = len(ref)
	ok(contiguous and aligned, "%s: tensors contiguous, aligned, fill the file" % tag)
	shapes = {k: (v["dtype"], v["shape"]) for k, v in h.items() if k != "__metadata__"}
	want = {"acts": (dtype, [N, d]), "pair": ("I32", [N]), "side": ("U8", [N]), "pos": ("I32", [N]),
	        "flags": ("U8", [N]), "tok_off": ("I64", [N + 1]),
	        "tok_bytes": ("U8", [sum(len(r[3]) for r in ref)])}
	ok(shapes == want, "%s: tensor names, dtypes and shapes" % tag, "%s\n%s" % (shapes, want))
	if shapes != want:
		return h, t
	ok(list(t["pair"]) == [r[0] for r in ref] and list(t["side"]) == [r[1] for r in ref]
	   and list(t["pos"]) == [r[2] for r in ref], "%s: pair, side, pos exact" % tag)
	toks = [bytes(t["tok_bytes"][t["tok_off"][i]:t["tok_off"][i + 1]]) for i in range(N)]
	ok(t["tok_off"][0] == 0 and toks == [r[3] for r in ref], "%s: token bytes exact" % tag)
	ok(list(t["flags"]) == [r[4] for r in ref], "%s: sentence-end flags follow the rule" % tag)
	x = np.stack([r[5] for r in ref]).astype(np.float32)
	if dtype == "F16":
		got = t["acts"].astype(np.float32)
		rel = 2.0 ** -10
	else:
		got = (t["acts"].astype(np.uint32) << 16).view(np.float32)
		rel = 2.0 ** -7
	err = np.abs(got - x) - rel * np.abs(x) - 1e-5
	ok(err.max() <= 0, "%s: activations match the direct forward within %s precision" % (tag, dtype),
	   "worst excess %g at row %d" % (err.max(), int(err.max(axis=1).argmax())))
	m = h["__metadata__"]
	ok(m.get("format") == "safer-acts/1" and m.get("d_model") == str(d)
	   and m.get("layer") is not None and m.get("hook", "").startswith("hidden_states["),
	   "%s: metadata format, d_model, layer, hook" % tag, m)
	return h, t


# A stand-in for the transformers package, so that the safer-extract script
# itself (argument parsing, the tokenizer adapter, model loading) runs here.
FAKE_TRANSFORMERS = """
import json, sys, torch
import test_extract as T
import safer_extract as se

ENC = {b: c for c, b in se.core.BYTELEVEL.items()}


class _Backend:
	def to_str(self):
		return json.dumps({"decoder": {"type": "ByteLevel"}})


class Tok:
	is_fast = True
	pad_token_id = None
	eos_token_id = 2
	chat_template = "toy"
	backend_tokenizer = _Backend()

	def __init__(self):
		self.t = T.ToyTok(offsets=True, template=True)
		self.all_special_ids = sorted(self.t.special_ids)

	def apply_chat_template(self, msgs, tokenize=True):
		assert not tokenize and [m["role"] for m in msgs] == ["user", "assistant"]
		return self.t.render(msgs[0]["content"], msgs[1]["content"])

	def __call__(self, text, add_special_tokens=True, return_offsets_mapping=False):
		assert not add_special_tokens
		ids, offs = self.t.encode_offsets(text)
		out = {"input_ids": ids}
		if return_offsets_mapping:
			out["offset_mapping"] = offs
		return out

	def convert_ids_to_tokens(self, i):
		if i in self.t.special_ids:
			return T.SPECIALS[i]
		return "".join(ENC[b] for b in self.t.vocab[i])


class AutoTokenizer:
	@staticmethod
	def from_pretrained(name, trust_remote_code=False):
		return Tok()


class _Cfg:
	pad_token_id = None
	num_labels = 1


class AutoModelForSequenceClassification:
	@staticmethod
	def from_pretrained(name, torch_dtype=None, trust_remote_code=False):
		if name not in T.TOY_HEADS:
			raise OSError("%s is not a model here" % name)
		m = T.ToyModel(len(T.SPECIALS) + 256 + len(T.MERGES)).to(torch_dtype)
		m.config = _Cfg()
		m.score, m.config.num_labels = T.toy_score(name)
		return m


AutoModel = AutoModelForSequenceClassification
"""


# the stand-in models' score heads: name -> (out features, bias)
TOY_HEADS = {"toy-rm": (1, False), "toy-rm-bias": (1, True), "toy-rm-2labels": (2, False)}


def toy_score(name):
	"""The `score` layer of stand-in model `name` (seeded) and its labels."""
	out, bias = TOY_HEADS[name]
	torch.manual_seed(11)
	return torch.nn.Linear(24, out, bias=bias), out


def head_tests(tmp, pj):
	"""The score head of a Hugging Face model is written at the last layer
	only, and only when it is one linear map to one number."""
	for name, layer, want in (("toy-rm", 3, True), ("toy-rm-bias", 3, True), ("toy-rm", 2, False),
	                          ("toy-rm-2labels", 3, False)):
		out = os.path.join(tmp, "head-%s-%d.safetensors" % (name, layer))
		r = run_script(tmp, [name, pj, "--layer", str(layer), "-o", out, "--device", "cpu"])
		if not ok(r.returncode == 0, "script %s --layer %d runs" % (name, layer),
		          r.stderr.decode(errors="replace")):
			continue
		h, t = parse_st(out)[:2]
		m = h["__metadata__"]
		lin, _ = toy_score(name)
		if want:
			w = lin.weight.detach().numpy().reshape(-1)
			b = float(lin.bias.detach()[0]) if lin.bias is not None else 0.0
			ok("reward_head" in t and np.array_equal(t["reward_head"], w) and
			   float(m.get("reward_bias", "nan")) == b,
			   "%s, last layer: the score layer is written as reward_head and reward_bias" % name)
		else:
			ok("reward_head" not in t and "reward_bias" not in m,
			   "%s, layer %d: no reward_head (%s)" % (name, layer,
			                                          "not the last" if layer < 3 else "2 labels"))


def run_script(tmp, args):
	fake = os.path.join(tmp, "fake")
	os.makedirs(os.path.join(fake, "transformers"), exist_ok=True)
	with open(os.path.join(fake, "transformers", "__init__.py"), "w") as f:
		f.write(FAKE_TRANSFORMERS)
	env = dict(os.environ)
	env["PYTHONPATH"] = os.pathsep.join([fake, os.path.dirname(os.path.abspath(__file__)),
	                                     os.path.join(SRC, "scripts")])
	env["PYTHONDONTWRITEBYTECODE"] = "1"
	py = os.environ.get("PYTHON3") or sys.executable
	return subprocess.run([py, os.path.join(SRC, "scripts", "safer-extract")] + args,
	                      capture_output=True, env=env, cwd=tmp)


def script_tests(tmp, pj, a1):
	"""The script with the stand-in transformers gives the core's file."""
	out = os.path.join(tmp, "cli.safetensors")
	r = run_script(tmp, ["toy-rm", pj, "--layer", "2", "-o", out, "--prompt", "--shard-pairs", "2",
	                     "--batch-size", "3", "--device", "cpu"])
	err = r.stderr.decode(errors="replace")
	if not ok(r.returncode == 0, "safer-extract script runs (stand-in transformers)", err):
		return
	h, t = parse_st(out)[:2]
	_, t1 = parse_st(a1)[:2]
	ok(all(np.array_equal(t[k], t1[k]) for k in t1),
	   "script: byte-level pieces decode to the same tokens; same rows as the core")
	m = h["__metadata__"]
	ok(m.get("model") == "toy-rm" and m.get("chat_template") == "yes" and m.get("dataset") == "pairs.jsonl"
	   and m.get("torch_dtype") == "float32" and len(m.get("dataset_sha256", "")) == 64,
	   "script: metadata names model, dataset, dtype, template", m)
	ok("rows, d 24, layer 2" in err and "sides 10/10" in err, "script: progress and summary on stderr", err)
	bad = os.path.join(tmp, "bad.jsonl")
	write_jsonl(bad, [PAIRS[0], {"prompt": "p", "chosen": "c"}])
	r = run_script(tmp, ["toy-rm", bad, "--layer", "2", "-o", os.path.join(tmp, "no.safetensors")])
	err = r.stderr.decode(errors="replace")
	ok(r.returncode == 1 and err.count("\n") == 1 and ":2: missing field 'rejected'" in err
	   and not os.path.exists(os.path.join(tmp, "no.safetensors")),
	   "script: bad pairs file is one line on stderr, exit 1, no output", err)
	r = run_script(tmp, ["toy-rm", pj, "-o", os.path.join(tmp, "no.safetensors")])
	ok(r.returncode == 2, "script: missing --layer is a usage error (exit 2)")
	r = run_script(tmp, ["toy-rm", pj, "--layer", "7", "-o", os.path.join(tmp, "no.safetensors")])
	err = r.stderr.decode(errors="replace")
	ok(r.returncode == 1 and "4 hidden states" in err, "script: layer out of range, exit 1", err)
	r = run_script(tmp, ["--help"])
	hl = r.stdout.decode()
	ok(r.returncode == 0 and "hidden_states[0] is the embedding output" in hl and "layers.11" in hl,
	   "script: --help explains the layer numbering")


# ------------------------------------------------------------------ tests

def main():
	tmp = tempfile.mkdtemp(prefix="test_extract.")
	try:
		run(tmp)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)
	return done()


def run(tmp):
	# The rule on hand-made token lists.
	T = [b"a"] * 4 + [b"."] + [b"b"] * 2 + [b"!", b"\n"] + [b"c"] * 5 + [b"?"]
	ok(se.sentence_ends(T) == ref_rule(T) and se.sentence_ends(T)[4] == 1
	   and se.sentence_ends(T)[8] == 0 and se.sentence_ends(T)[14] == 1,
	   "sentence ends: punctuation at pos 4 counts, a run's last token, gap of 5",
	   se.sentence_ends(T))
	T2 = [b"x"] * 3 + [b","] + [b"y"] * 10
	ok(se.sentence_ends(T2) == [0] * 14, "sentence ends: none closer than 5 tokens to the start")
	rng = np.random.default_rng(3)
	alphabet = [b"a", b"b", b".", b",", b"\n", b" x;", b"?!"]
	agree = all(se.sentence_ends(t) == ref_rule(t) for t in
	            ([alphabet[i] for i in rng.integers(0, len(alphabet), rng.integers(0, 40))]
	             for _ in range(300)))
	ok(agree, "sentence ends: rule agrees with an independent version on 300 random lists")

	# Pieces to bytes.
	ok(se.piece_bytes("\u0120the", "bytelevel") == b" the" and
	   se.piece_bytes("\u00c3\u00a9", "bytelevel") == "é".encode() and
	   se.piece_bytes("\u00c3", "bytelevel") == b"\xc3" and
	   se.piece_bytes("\u010a", "bytelevel") == b"\n", "byte-level pieces keep partial UTF-8 bytes")
	ok(se.piece_bytes("\u2581the", "sentencepiece") == b" the" and
	   se.piece_bytes("<0x0A>", "sentencepiece") == b"\n" and
	   se.piece_bytes("<0xE2>", "sentencepiece") == b"\xe2", "sentencepiece pieces and byte fallback")

	# Token spans with and without offsets, a token straddling the boundary.
	tk = ToyTok(offsets=True, template=False)
	text = "xabcd"
	ids, offs = tk.encode_offsets(text)
	sp_off = se.token_span(tk, text, ids, offs, 2, 5)
	sp_diff = se.token_span(tk, text, ids, None, 2, 5)
	ok(sp_off == sp_diff == (2, 5) and tk.vocab[ids[2]] == b"ab",
	   "token span: straddling token belongs to the response, with and without offsets",
	   (sp_off, sp_diff, [tk.vocab[i] for i in ids]))
	ok(se.token_span(tk, text, ids, None, 0, 5) == (1, 5),
	   "token span without offsets: BOS and EOS left out")

	ok(se.layer_aliases(12, 17) == {"sparsify_hookpoint": "layers.11",
	                                "saelens_hook": "blocks.11.hook_resid_post"}
	   and se.layer_aliases(16, 17) == {}, "layer aliases: hidden_states[12] is layers.11")

	# Pairs files, including PKU-SafeRLHF rows.
	pj = os.path.join(tmp, "pairs.jsonl")
	write_jsonl(pj, PAIRS)
	with open(pj, "a") as f:
		f.write("\n   \n")  # blank lines are not pairs
	pairs, sha = se.read_pairs(pj)
	ok(len(pairs) == len(PAIRS) and pairs[1][1] == PAIRS[1]["chosen"], "pairs JSONL read")
	pku = os.path.join(tmp, "pku.jsonl")
	pku_rows = []
	for i, r in enumerate(PAIRS):
		sid = i % 2
		resp = [r["rejected"], r["chosen"]] if sid else [r["chosen"], r["rejected"]]
		pku_rows.append({"prompt": r["prompt"], "response_0": resp[0], "response_1": resp[1],
		                 "is_response_0_safe": sid == 0, "is_response_1_safe": sid == 1,
		                 "better_response_id": 1 - sid, "safer_response_id": sid})
	write_jsonl(pku, pku_rows)
	pk, _ = se.read_pairs(pku)
	ok(pk == pairs, "PKU-SafeRLHF rows: chosen is response_<safer_response_id>")

	bad = os.path.join(tmp, "bad.jsonl")
	for rows, pat, name in (
			([PAIRS[0], PAIRS[1], {"prompt": "p", "chosen": "c"}], r"bad\.jsonl:3: missing field 'rejected'",
			 "missing field named with its line"),
			([PAIRS[0], {"prompt": "p", "response_0": "a", "response_1": "b", "safer_response_id": 2}],
			 r":2: safer_response_id must be 0 or 1", "bad safer_response_id"),
			([{"prompt": 3, "chosen": "c", "rejected": "r"}], r":1: non-string field 'prompt'",
			 "non-string field")):
		write_jsonl(bad, rows)
		good, msg = raises(lambda: se.read_pairs(bad), se.InputError, pat)
		ok(good, "pairs error: " + name, msg)
	with open(bad, "w") as f:
		f.write('{"prompt": "a", "chosen": "b", "rejected": "c"}\n{"prompt": "a", \n')
	good, msg = raises(lambda: se.read_pairs(bad), se.InputError, r"bad\.jsonl:2: bad JSON")
	ok(good, "pairs error: bad JSON line", msg)

	# The core against the reference.
	L = 2
	ttok = ToyTok(offsets=True, template=True)
	model = ToyModel(len(ttok.vocab))
	model.eval()
	ref = reference(ttok, model, pairs, L, keep_prompt=True)
	d = 24
	a1 = os.path.join(tmp, "a1.safetensors")
	s = se.extract(pairs, ttok, model, a1, L, keep_prompt=True, batch_size=3, shard_pairs=2,
	               meta={"model": "toy", "dataset": "pairs.jsonl"})
	ok(s["rows"] == len(ref) and s["computed"] == 3, "extract: rows and shards", s)
	h, t = check_file(a1, ref, d, "F16", "chat template, offsets, prompt rows")
	ok(not os.path.exists(a1 + ".parts"), "shards removed after the merge")
	ok(any(r[1] == 1 and any(c >= 0x80 for c in r[3]) and len(r[3]) == 1 for r in ref),
	   "the data holds partial UTF-8 tokens (so the byte check means something)")
	ok(sum(r[4] for r in ref) >= 6, "the data holds sentence ends (%d)" % sum(r[4] for r in ref))

	# Same tokenizer without offsets: the prefix-diff path gives the same file.
	a2 = os.path.join(tmp, "a2.safetensors")
	se.extract(pairs, ToyTok(offsets=False, template=True), model, a2, L, keep_prompt=True,
	           batch_size=2, shard_pairs=3, meta={"model": "toy", "dataset": "pairs.jsonl"})
	_, t2 = parse_st(a2)[:2]
	ok(all(np.array_equal(t[k], t2[k]) for k in ("pair", "side", "pos", "flags", "tok_off", "tok_bytes"))
	   and np.abs(t["acts"].astype(np.float32) - t2["acts"].astype(np.float32)).max() <= 2e-3,
	   "no offsets: same rows, tokens and flags")

	# No chat template: plain render, BOS/EOS added by the tokenizer; a
	# model returning a bare tuple; BF16 storage; no prompt rows.
	ptok = ToyTok(offsets=False, template=False)
	ptok.render = se.plain_render()
	tmodel = ToyModel(len(ptok.vocab), as_tuple=True)
	pref = []
	for p, (prompt, chosen, rejected) in enumerate(pairs):
		for side, resp in ((1, chosen), (2, rejected)):
			ids = ptok.encode(prompt + "\n\n" + resp)
			start = 1 + len(ptok._pieces(prompt + "\n\n")[0])
			end = len(ids) - 1
			with torch.no_grad():
				hs = tmodel(input_ids=torch.tensor([ids]))[3][0]
			toks = [ptok.token_bytes(i) for i in ids[start:end]]
			fl = ref_rule(toks)
			for j in range(start, end):
				pref.append((p, side, j - start, toks[j - start], fl[j - start], hs[j].numpy()))
	a3 = os.path.join(tmp, "a3.safetensors")
	del ptok.render
	se.extract(pairs, ptok, tmodel, a3, 3, acts_dtype="bf16", batch_size=4,
	           meta={"model": "toy", "dataset": "pairs.jsonl"})
	h3, _ = check_file(a3, pref, d, "BF16", "plain text, tuple output, last layer, bf16")
	ok(h3["__metadata__"].get("sides") == "chosen,rejected", "metadata: sides")

	# --max-length truncates; every row still lies inside the limit.
	a4 = os.path.join(tmp, "a4.safetensors")
	s4 = se.extract(pairs, ttok, model, a4, 1, max_length=20, batch_size=8)
	_, t4 = parse_st(a4)[:2]
	short = [r for r in reference(ttok, model, pairs, 1, False)]
	ok(s4["truncated"] > 0 and len(t4["pos"]) < len(short) and len(t4["pos"]) > 0,
	   "max-length: fewer rows, truncations counted (%d)" % s4["truncated"])

	# Layer out of range names the count.
	good, msg = raises(lambda: se.extract(pairs, ttok, model, os.path.join(tmp, "x.st"), 9),
	                   se.ExtractError, r"4 hidden states")
	ok(good, "layer out of range: error names the number of hidden states", msg)
	s7 = se.extract(pairs, ttok, model, os.path.join(tmp, "x.st"), 1)
	ok(s7["computed"] == 1 and not os.path.exists(os.path.join(tmp, "x.st.parts")),
	   "a run that finished no shard does not block a rerun with other settings")
	os.makedirs(os.path.join(tmp, "y.st.parts"))
	with open(os.path.join(tmp, "y.st.parts", "notes.txt"), "w") as f:
		f.write("mine")
	good, msg = raises(lambda: se.extract(pairs, ttok, model, os.path.join(tmp, "y.st"), 1),
	                   se.ExtractError, r"not shards")
	ok(good and os.path.exists(os.path.join(tmp, "y.st.parts", "notes.txt")),
	   "a shard directory holding other files is left alone", msg)

	# Resume: interrupt after the first shard, rerun, same bytes.
	a5 = os.path.join(tmp, "a5.safetensors")

	def stop(i):
		raise KeyboardInterrupt

	try:
		se.extract(pairs, ttok, model, a5, L, keep_prompt=True, batch_size=3, shard_pairs=2,
		           meta={"model": "toy", "dataset": "pairs.jsonl"}, on_shard=stop)
		stopped = False
	except KeyboardInterrupt:
		stopped = True
	parts = sorted(os.listdir(a5 + ".parts"))
	ok(stopped and not os.path.exists(a5) and parts == ["config.json", "shard-000000.safetensors"],
	   "interrupted run leaves one shard and no output", parts)
	good, msg = raises(lambda: se.extract(pairs, ttok, model, a5, 1, keep_prompt=True,
	                                      shard_pairs=2), se.ExtractError, r"layer: 2, now 1")
	ok(good, "resume with other settings is refused, naming the difference", msg)
	model.calls = 0
	s5 = se.extract(pairs, ttok, model, a5, L, keep_prompt=True, batch_size=3, shard_pairs=2,
	                meta={"model": "toy", "dataset": "pairs.jsonl"})
	ok(s5["reused"] == 1 and s5["computed"] == 2 and model.calls == 3,
	   "resume skips the finished shard (%d forward calls)" % model.calls, s5)
	with open(a1, "rb") as f1, open(a5, "rb") as f5:
		ok(f1.read() == f5.read(), "resumed file is byte-identical to an uninterrupted run")

	# PKU-shaped input gives the same rows as the converted pairs.
	a6 = os.path.join(tmp, "a6.safetensors")
	se.extract(pk, ttok, model, a6, L, keep_prompt=True, batch_size=3, shard_pairs=2,
	           meta={"model": "toy", "dataset": "pku.jsonl"})
	_, t6 = parse_st(a6)[:2]
	ok(all(np.array_equal(t[k], t6[k]) for k in t), "PKU-SafeRLHF file: same tensors")

	script_tests(tmp, pj, a1)
	head_tests(tmp, pj)

	# safer init + info on the written file.
	safer = os.environ.get("SAFER")
	if not ok(bool(safer) and os.access(safer, os.X_OK), "$SAFER is set to the built binary"):
		return
	ws = os.path.join(tmp, "ws")
	r = subprocess.run([safer, "init", ws, "--pairs", pj, "--acts", a1], capture_output=True)
	ok(r.returncode == 0, "safer init accepts the file", r.stderr.decode(errors="replace"))
	r = subprocess.run([safer, "info", ws], capture_output=True)
	out = r.stdout.decode(errors="replace")
	ok(r.returncode == 0 and re.search(r"\b24\b", out) and "toy" in out
	   and re.search(r"hidden_states\[2\]|\blayer\b.*\b2\b", out),
	   "safer info shows d 24, the model and layer 2", out + r.stderr.decode(errors="replace"))
	ws2 = os.path.join(tmp, "ws2")
	r = subprocess.run([safer, "init", ws2, "--pairs", pku, "--acts", a6], capture_output=True)
	ok(r.returncode == 0, "safer init accepts the PKU-SafeRLHF file and its activations",
	   r.stderr.decode(errors="replace"))


if __name__ == "__main__":
	sys.exit(main())
