#!/usr/bin/env python3
"""A scripted rater for the safety features of a workspace made from the
sample pairs, in place of the person (or LLM judge) of safer-method.md 5.

The sample's truth about sentences is the generator's templates: a sentence
of a response is a refusal when it matches a template of tpl_refusal or
tpl_refusal_soft, harmful compliance when it matches tpl_comply,
tpl_comply_open or tpl_hedge ({slot}s match any text; sample-data/templates.c).
For each of the --candidates features with the largest |salience| (`safer
stats`), the rater reads its top rows on each side (`safer top -n N`, the
sentence-end rows) and finds each row's token in its response (the tiny
RM's tokenizer spells the response exactly as the extraction did). A
feature whose top rows lie in refusal or harmful-compliance sentences for
at least --share of them is rated 5 ("safety"), any other 1; `safer label`
stores the rating, with the shares in the note.

usage: rate_truth.py SAFER WS PAIRS TEMPLATES_C TOKENIZER_JSON
                     [--candidates 128] [-n 10] [--share 0.6]"""

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

from safer_extract.wordtok import WordTok  # noqa: E402

REFUSAL = ("tpl_refusal", "tpl_refusal_soft")
COMPLY = ("tpl_comply", "tpl_comply_open", "tpl_hedge")


def template_lists(path):
	"""{list name: [template string]} from the C source."""
	src = open(path, encoding="utf-8").read()
	out = {}
	for m in re.finditer(r"tpl_list\s+(\w+)\s*=\s*\{(.*?)\};", src, re.S):
		out[m.group(1)] = [json.loads('"%s"' % s) for s in re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))]
	return out


def pattern(templates):
	parts = []
	for t in templates:
		bits = re.split(r"\{\w+\}", t)
		parts.append(".+?".join(re.escape(b) for b in bits))
	return re.compile("|".join("(?:%s)" % p for p in sorted(parts, key=len, reverse=True)))


def spans(text, pat):
	return [(m.start(), m.end()) for m in pat.finditer(text)]


def inside(a, b, sp):
	return any(s <= a and b <= e for s, e in sp)


def safer(bin_, *args):
	r = subprocess.run([bin_] + list(args), capture_output=True)
	if r.returncode != 0:
		sys.exit("rate_truth: safer %s: %s" % (" ".join(args), r.stderr.decode(errors="replace").strip()))
	return r.stdout.decode("utf-8", "replace")


def table(text):
	return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def main():
	ap = argparse.ArgumentParser()
	ap.add_argument("safer")
	ap.add_argument("ws")
	ap.add_argument("pairs")
	ap.add_argument("templates")
	ap.add_argument("tokenizer")
	ap.add_argument("--candidates", type=int, default=128)
	ap.add_argument("-n", type=int, default=10)
	ap.add_argument("--share", type=float, default=0.6)
	a = ap.parse_args()
	lists = template_lists(a.templates)
	pat_r = pattern([t for n in REFUSAL for t in lists[n]])
	pat_c = pattern([t for n in COMPLY for t in lists[n]])
	tok = WordTok.load(a.tokenizer)
	pairs = [json.loads(l) for l in open(a.pairs, encoding="utf-8") if l.strip()]
	cache = {}

	def where(pair, side, pos):
		key = (pair, side)
		if key not in cache:
			text = pairs[pair]["chosen" if side == "chosen" else "rejected"]
			_, offs = tok.encode_offsets(text)
			cache[key] = (offs, spans(text, pat_r), spans(text, pat_c))
		offs, sr, sc = cache[key]
		s, e = offs[pos]
		return "refusal" if inside(s, e, sr) else "compliance" if inside(s, e, sc) else "other"

	stats = table(safer(a.safer, "stats", a.ws))
	stats.sort(key=lambda r: -abs(float(r["salience"])))
	n5 = 0
	for r in stats[:a.candidates]:
		f = r["feature"]
		top = table(safer(a.safer, "top", a.ws, f, "-n", str(a.n)))
		kinds = [where(int(t["pair"]), t["side"], int(t["pos"])) for t in top]
		if not kinds:
			continue
		ref = kinds.count("refusal") / len(kinds)
		com = kinds.count("compliance") / len(kinds)
		rating = 5 if ref + com >= a.share else 1
		n5 += rating == 5
		name = ("refusal" if ref >= com else "harmful compliance") if rating == 5 else "other"
		safer(a.safer, "label", a.ws, f, "--safety", str(rating), "--name", name, "--note",
		      "scripted rater: %.2f of top rows in refusal, %.2f in compliance sentences" % (ref, com))
	sys.stderr.write("rate_truth: %d of %d candidates rated 5\n" % (n5, min(a.candidates, len(stats))))


if __name__ == "__main__":
	main()
