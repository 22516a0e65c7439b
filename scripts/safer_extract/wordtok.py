"""The tiny reward model's tokenizer: a word vocabulary learned from the
training text, with byte fallback. numpy-free, torch-free.

Text is split into pieces (a word of letters and digits with inner
apostrophes or hyphens, with its leading space; one punctuation character,
with its leading space; a newline; a run of other white space), so the
pieces of a text concatenate back to it exactly. A piece in the vocabulary
is one token; any other piece is spelled with the word's leading space as
one token and the rest as its UTF-8 bytes, one token per byte. Every token
has its own exact bytes, so the tokens of a text concatenate back to it.

Special tokens are written into a rendered text as Unicode noncharacters
(U+FDD0 ...), which encode() reads back as the special ids; they never
occur in ordinary text."""

import json
import re
from collections import Counter

SPECIALS = ["<pad>", "<bos>", "<user>", "<assistant>", "<end>"]
PAD, BOS, USER, ASSISTANT, END = range(len(SPECIALS))
MARK = {chr(0xFDD0 + i): i for i in range(len(SPECIALS))}
MARK_OF = {i: c for c, i in MARK.items()}
N_BYTES = 256
BYTE0 = len(SPECIALS)            # id of byte 0
WORD0 = BYTE0 + N_BYTES          # first word id

PIECE = re.compile(r" ?[^\W_]+(?:['\u2019-][^\W_]+)*| ?[^\s\w]| ?_|\n|[^\S\n]+(?!\S)|[^\S\n]+")
MARKS = re.compile("[%s]" % "".join(MARK))
FORMAT = "safer-tinyrm-wordtok/1"


class TokError(Exception):
	"""A tokenizer file that cannot be used; one line."""


def pieces(text):
	"""The pieces of text, with their [start, end) character ranges."""
	return [(m.group(), m.start(), m.end()) for m in PIECE.finditer(text)]


def render(prompt, response):
	"""The text the model reads for one side of a pair."""
	return (MARK_OF[BOS] + MARK_OF[USER] + prompt + MARK_OF[ASSISTANT] + response +
	        MARK_OF[END])


class WordTok:
	"""Satisfies safer_extract.core's tokenizer protocol (encode,
	encode_offsets, token_bytes, special_ids, pad_id, render)."""

	def __init__(self, words):
		self.words = list(words)
		self.index = {w: WORD0 + i for i, w in enumerate(self.words)}
		self.vocab_size = WORD0 + len(self.words)
		self.special_ids = set(range(len(SPECIALS)))
		self.pad_id = PAD
		self.render = render
		self._bytes = [s.encode() for s in SPECIALS] + [bytes([b]) for b in range(N_BYTES)] + \
			[w.encode("utf-8") for w in self.words]

	@classmethod
	def learn(cls, texts, size, min_count=2):
		"""Keep the `size` most frequent multi-byte pieces of texts that
		occur at least min_count times (ties broken by the piece itself, so
		the vocabulary depends on the texts alone)."""
		c = Counter()
		for t in texts:
			c.update(p for p, _, _ in pieces(MARKS.sub("", t)))
		cand = [(n, p) for p, n in c.items() if n >= min_count and len(p.encode("utf-8")) > 1]
		cand.sort(key=lambda x: (-x[0], x[1]))
		return cls([p for _, p in cand[:max(0, size)]])

	def _piece_ids(self, p, start, end, ids, offs):
		i = self.index.get(p)
		if i is not None:
			ids.append(i)
			offs.append((start, end))
			return
		if p[0] == " " and len(p) > 1:
			ids.append(BYTE0 + 0x20)
			offs.append((start, start + 1))
			p, start = p[1:], start + 1
			i = self.index.get(p)
			if i is not None:
				ids.append(i)
				offs.append((start, end))
				return
		for k, ch in enumerate(p):
			for b in ch.encode("utf-8", "surrogatepass"):
				ids.append(BYTE0 + b)
				offs.append((start + k, start + k + 1))

	def encode_offsets(self, text):
		"""ids and the [start, end) character range of each (specials: an
		empty range at their place)."""
		ids, offs = [], []
		pos = 0
		for m in list(MARKS.finditer(text)) + [None]:
			seg_end = m.start() if m else len(text)
			for p, a, b in pieces(text[pos:seg_end]):
				self._piece_ids(p, pos + a, pos + b, ids, offs)
			if m:
				ids.append(MARK[m.group()])
				offs.append((m.start(), m.start()))
				pos = m.end()
		return ids, offs

	def encode(self, text):
		return self.encode_offsets(text)[0]

	def token_bytes(self, i):
		return self._bytes[int(i)]

	def decode(self, ids):
		return b"".join(self._bytes[i] for i in ids if i not in self.special_ids).decode(
			"utf-8", "replace")

	# ------------------------------------------------------------ files

	def to_json(self):
		return {"format": FORMAT, "specials": SPECIALS, "bytes": N_BYTES, "words": self.words}

	@classmethod
	def from_json(cls, obj, where="tokenizer.json"):
		if not isinstance(obj, dict) or obj.get("format") != FORMAT:
			raise TokError("%s: not a %s file" % (where, FORMAT))
		if obj.get("specials") != SPECIALS or obj.get("bytes") != N_BYTES:
			raise TokError("%s: special tokens or byte range differ from this version's" % where)
		words = obj.get("words")
		if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
			raise TokError("%s: 'words' must be a list of non-empty strings" % where)
		if len(set(words)) != len(words):
			raise TokError("%s: 'words' holds duplicates" % where)
		return cls(words)

	@classmethod
	def load(cls, path):
		try:
			with open(path, "rb") as f:
				raw = f.read(64 << 20)
			obj = json.loads(raw.decode("utf-8"))
		except (UnicodeDecodeError, ValueError) as exc:
			raise TokError("%s: not JSON (%s)" % (path, exc))
		return cls.from_json(obj, path)
