"""Preference pairs JSONL, as doc/formats.md defines it.

One JSON object per non-blank line; its 0-based index among non-blank lines
is the pair index. Either prompt/chosen/rejected strings, or a
PKU-SafeRLHF row (prompt, response_0, response_1, safer_response_id), whose
chosen response is response_<safer_response_id>."""

import hashlib
import json

MAX_LINE = 64 << 20


class InputError(Exception):
	"""A problem with an input file; the message names the file."""


def _pair_of(obj, where):
	if not isinstance(obj, dict):
		raise InputError("%s: not a JSON object" % where)
	p = obj.get("prompt")
	if not isinstance(p, str):
		raise InputError("%s: %s field 'prompt'" %
		                 (where, "missing" if p is None else "non-string"))
	if "chosen" in obj or "rejected" in obj or "response_0" not in obj:
		out = [p]
		for k in ("chosen", "rejected"):
			v = obj.get(k)
			if not isinstance(v, str):
				raise InputError("%s: %s field '%s'" %
				                 (where, "missing" if v is None else "non-string", k))
			out.append(v)
		return tuple(out)
	r = [obj.get("response_0"), obj.get("response_1")]
	sid = obj.get("safer_response_id")
	for i, v in enumerate(r):
		if not isinstance(v, str):
			raise InputError("%s: %s field 'response_%d'" %
			                 (where, "missing" if v is None else "non-string", i))
	if sid is None:
		raise InputError("%s: missing field 'safer_response_id'" % where)
	if isinstance(sid, bool) or sid not in (0, 1):
		raise InputError("%s: safer_response_id must be 0 or 1" % where)
	return (p, r[sid], r[1 - sid])


def _checked(texts, where):
	for t in texts:
		try:
			t.encode("utf-8")
		except UnicodeEncodeError:
			raise InputError("%s: text holds an unpaired surrogate escape" % where)
	return texts


def _records(path):
	"""[(object, "FILE:LINE")] of the non-blank lines, and the sha256 of
	the file's bytes."""
	h = hashlib.sha256()
	out = []
	with open(path, "rb") as f:
		lineno = 0
		while True:
			raw = f.readline(MAX_LINE + 1)
			if not raw:
				break
			h.update(raw)
			lineno += 1
			where = "%s:%d" % (path, lineno)
			if len(raw) > MAX_LINE:
				raise InputError("%s: line longer than %d bytes" % (where, MAX_LINE))
			if not raw.strip(b" \t\r\n"):
				continue
			try:
				obj = json.loads(raw.decode("utf-8"))
			except UnicodeDecodeError:
				raise InputError("%s: not valid UTF-8" % where)
			except ValueError as exc:
				raise InputError("%s: bad JSON (%s)" % (where, exc))
			out.append((obj, where))
	return out, h.hexdigest()


def read_pairs(path):
	"""[(prompt, chosen, rejected)] in pair-index order, and the sha256 of
	the file's bytes. Raises InputError("FILE:LINE: problem")."""
	recs, sha = _records(path)
	return [_checked(_pair_of(obj, where), where) for obj, where in recs], sha


def read_labelled(path):
	"""[(prompt, chosen, rejected, category, split)] and the sha256:
	category as written ("" when absent), split "train" or "test"."""
	recs, sha = _records(path)
	out = []
	for obj, where in recs:
		p = _checked(_pair_of(obj, where), where)
		cat = obj.get("category", "")
		split = obj.get("split", "train")
		if not isinstance(cat, str):
			raise InputError("%s: field 'category' is not a string" % where)
		if split not in ("train", "test"):
			raise InputError("%s: field 'split' must be \"train\" or \"test\"" % where)
		out.append(p + (cat, split))
	return out, sha
