"""Open a reward model for the tools that run one (safer-extract, a probe
server): a Hugging Face model name or directory, or a safer-tinyrm
directory. Either way the result is a Loaded: a tokenizer in the core's
protocol (encode, encode_offsets, token_bytes, special_ids, pad_id,
render), a torch model returning hidden states with the same numbering
(0 = embeddings, N = after block N), and, where known, the model's own
linear score head on the last hidden state.

torch is imported only when a model is opened; transformers only for a
Hugging Face model."""

import json
import os

from .core import ExtractError, piece_bytes, plain_render

TINYRM_FORMAT = "safer-tinyrm/1"


class Loaded:
	"""tok, model (eval mode, on device), device, dtype (a torch dtype
	name), kind ("hf" or "safer-tinyrm"), templated (the tokenizer's own
	template renders the text), reward_head ((w list of d floats, bias) or
	None: the score head on the last hidden state), config (the model's
	config as a dict, for the record)."""

	def __init__(self, **kw):
		self.reward_head = None
		self.config = {}
		for k, v in kw.items():
			setattr(self, k, v)


def _device(device):
	import torch
	if device == "auto":
		return "cuda" if torch.cuda.is_available() else "cpu"
	return device


def open_model(name, device="auto", dtype="auto", use_template=True,
               plain_format="{prompt}\n\n{response}", trust_remote_code=False):
	"""A safer-tinyrm directory (config.json says so) or a Hugging Face
	model. Raises ExtractError with one line."""
	if is_tinyrm_dir(name):
		return _open_tinyrm(name, device, dtype)
	return _open_hf(name, device, dtype, use_template, plain_format, trust_remote_code)


def is_tinyrm_dir(path):
	"""A directory whose config.json says it holds a safer-tinyrm model."""
	cfg = os.path.join(path, "config.json")
	if not os.path.isdir(path) or not os.path.isfile(cfg):
		return False
	try:
		with open(cfg, "rb") as f:
			return json.loads(f.read(1 << 20).decode("utf-8")).get("format") == TINYRM_FORMAT
	except (OSError, ValueError, UnicodeDecodeError, AttributeError):
		return False


def _open_tinyrm(path, device, dtype):
	from . import tinyrm
	try:
		tok, model, cfg = tinyrm.load(path)
	except tinyrm.ModelDirError as exc:
		raise ExtractError(str(exc))
	device = _device(device)
	if dtype not in ("auto", "float32"):
		raise ExtractError("%s: a safer-tinyrm model runs in float32 (--dtype %s)" % (path, dtype))
	model.to(device)
	w, b = tinyrm.reward_head(model)
	return Loaded(tok=tok, model=model, device=device, dtype="float32", kind="safer-tinyrm",
	              templated=True, reward_head=(w, b), config=cfg)


# ------------------------------------------------------ Hugging Face

class HFTokenizer:
	"""A transformers tokenizer seen through the core's protocol."""

	def __init__(self, tok, use_template, fmt):
		self.tok = tok
		self.templated = bool(use_template and getattr(tok, "chat_template", None))
		self.render = self._chat if self.templated else plain_render(fmt)
		self.special_ids = set(getattr(tok, "all_special_ids", []) or [])
		pad = getattr(tok, "pad_token_id", None)
		self.pad_id = pad if pad is not None else (getattr(tok, "eos_token_id", None) or 0)
		self.fast = bool(getattr(tok, "is_fast", False))
		self.scheme = _piece_scheme(tok)

	def _chat(self, prompt, response):
		return self.tok.apply_chat_template(
			[{"role": "user", "content": prompt}, {"role": "assistant", "content": response}],
			tokenize=False)

	def encode(self, text):
		# A chat template writes its own BOS; plain text gets the tokenizer's.
		return list(self.tok(text, add_special_tokens=not self.templated)["input_ids"])

	def encode_offsets(self, text):
		if not self.fast:
			return None
		enc = self.tok(text, add_special_tokens=not self.templated, return_offsets_mapping=True)
		return enc["input_ids"], enc["offset_mapping"]

	def token_bytes(self, i):
		if self.scheme == "text":
			return self.tok.decode([int(i)]).encode("utf-8", "surrogatepass")
		return piece_bytes(self.tok.convert_ids_to_tokens(int(i)), self.scheme)


def _piece_scheme(tok):
	"""How vocabulary pieces spell bytes: byte-level BPE, sentencepiece, or
	neither (then tokens are decoded one by one)."""
	backend = getattr(tok, "backend_tokenizer", None)
	if backend is not None:
		try:
			dec = json.dumps(json.loads(backend.to_str()).get("decoder"))
		except (ValueError, AttributeError):
			dec = ""
		if '"ByteLevel"' in dec:
			return "bytelevel"
		if '"ByteFallback"' in dec or '"Metaspace"' in dec or "\\u2581" in dec:
			return "sentencepiece"
		return "text"
	name = type(tok).__name__
	if "GPT2" in name or "Qwen" in name:
		return "bytelevel"
	if "Llama" in name or "T5" in name or "Gemma" in name or "SentencePiece" in name:
		return "sentencepiece"
	return "text"


def _open_hf(name, device, dtype, use_template, plain_format, trust_remote_code):
	try:
		import torch
		import transformers as tf
	except ImportError as exc:
		raise ExtractError("needs torch and transformers (pip install torch transformers): %s"
		                   % exc)
	device = _device(device)
	if dtype == "auto":
		dtype = "float32" if device == "cpu" else "bfloat16"
	kw = {"torch_dtype": getattr(torch, dtype), "trust_remote_code": trust_remote_code}
	tok = tf.AutoTokenizer.from_pretrained(name, trust_remote_code=trust_remote_code)
	try:
		model = tf.AutoModelForSequenceClassification.from_pretrained(name, **kw)
	except (ValueError, KeyError):
		model = tf.AutoModel.from_pretrained(name, **kw)
	if getattr(model.config, "pad_token_id", None) is None:
		model.config.pad_token_id = tok.pad_token_id if tok.pad_token_id is not None \
			else tok.eos_token_id
	model.to(device).eval()
	htok = HFTokenizer(tok, use_template, plain_format)
	return Loaded(tok=htok, model=model, device=device, dtype=dtype, kind="hf",
	              templated=htok.templated, reward_head=linear_score_head(model))


def linear_score_head(model):
	"""(w [d] float32, bias) of a Hugging Face sequence-classification
	reward model whose score head is one linear map of the last hidden
	state to one number (the `score` layer of the decoder models' *ForSequence-
	Classification, num_labels 1); None for anything else (several labels,
	a pooler or a deeper head in between), whose reward is not linear in
	that hidden state."""
	import torch
	head = getattr(model, "score", None)
	cfg = getattr(model, "config", None)
	if not isinstance(head, torch.nn.Linear) or head.out_features != 1:
		return None
	if getattr(cfg, "num_labels", 1) != 1:
		return None
	w = head.weight.detach().float().cpu().numpy().reshape(-1).copy()
	b = float(head.bias.detach().float().cpu().reshape(-1)[0]) if head.bias is not None else 0.0
	return w, b

