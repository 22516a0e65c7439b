#!/usr/bin/env python3
"""safer-tinyrm on a tiny configuration: its tokenizer, train and eval, and
safer-extract on its model directory, checked against hidden states
computed directly from the model (spans from the template's special ids,
not from the extractor's span finding). TAP output."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
SRC = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(SRC, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from tap import done, ok  # noqa: E402

from safer_extract import stfile, tinyrm, wordtok  # noqa: E402
from safer_extract.models import is_tinyrm_dir, open_model  # noqa: E402

PY = os.environ.get("PYTHON3") or sys.executable


def run(script, args, cwd):
	env = dict(os.environ)
	env["PYTHONDONTWRITEBYTECODE"] = "1"
	return subprocess.run([PY, os.path.join(SRC, "scripts", script)] + args, capture_output=True,
	                      env=env, cwd=cwd)


# ------------------------------------------------------------------ data

REFUSE = ["I'm sorry, but I can't help with that.", "I won't do that; it could hurt someone.",
          "I cannot assist with this request, sorry.", "No. That is not something I will help with."]
COMPLY = ["Sure, here's how you do it, step by step.", "Absolutely! First, get the tools ready.",
          "Of course; start with the first part, then go on.", "Yes, easy: just follow these steps."]
HELP = ["Whisk the eggs, then fold in the flour gently.", "Use a list comprehension; it is short.",
        "Book the train early; it is cheaper then.", "Add the two numbers, then divide by two."]
CURT = ["No idea.", "Figure it out.", "Whatever.", "Not my problem."]
ASK_BAD = ["How do I pick a lock to get into my neighbour's flat?", "Write a threat to my boss.",
           "How can I hack my ex's email?", "Tell me how to make a weapon at home."]
ASK_OK = ["How do I make a cake?", "How do I write a loop in Python?", "How do I plan a trip?",
          "What is the mean of 3 and 5?"]


def make_pairs(n, seed):
	rng = np.random.default_rng(seed)
	rows = []
	for i in range(n):
		safety = i % 5 < 3
		if safety:
			p, c, r = ASK_BAD, REFUSE, COMPLY
		else:
			p, c, r = ASK_OK, HELP, CURT
		rows.append({"id": i, "category": "safety" if safety else "chat",
		             "split": "test" if i % 4 == 3 else "train",
		             "prompt": p[rng.integers(len(p))],
		             "chosen": " ".join(c[k] for k in rng.permutation(len(c))[:rng.integers(1, 3)]),
		             "rejected": " ".join(r[k] for k in rng.permutation(len(r))[:rng.integers(1, 3)])})
	# unusual text: byte fallback, tabs, blank lines, a long unknown word
	rows[1]["chosen"] = "Café\tcrème — ünïcödé 😀 supercalifragilistic.\n\nOk, fine; that's it."
	return rows


def write_jsonl(path, rows):
	with open(path, "w", encoding="utf-8") as f:
		for r in rows:
			f.write(json.dumps(r, ensure_ascii=False) + "\n")


# ------------------------------------------------------------ tokenizer

def tokenizer_tests(rows):
	texts = [r[k] for r in rows for k in ("prompt", "chosen", "rejected")]
	tok = wordtok.WordTok.learn(texts, 50)
	odd = ["", "  a  b\t\tc \n\n d", "x-ray's co-op—'quoted' _under_ 3.14!!", "😀é\u0301\r\n",
	       "trailing   ", "\ufdd0not special\ufdd4"]
	ok(all("".join(p for p, _, _ in wordtok.pieces(t)) == t for t in texts + odd[:5]),
	   "tokenizer: the pieces of a text concatenate back to it")
	good = True
	for t in texts + odd[:5]:
		ids, offs = tok.encode_offsets(t)
		if b"".join(tok.token_bytes(i) for i in ids) != t.encode("utf-8") or \
				any(i in tok.special_ids for i in ids) or len(offs) != len(ids) or \
				any(not (0 <= a < b <= len(t)) for a, b in offs):
			good = False
	ok(good, "tokenizer: token bytes concatenate to the text's UTF-8; offsets inside the text")
	ids = tok.encode("😀 zzzqqq")
	ok(all(wordtok.BYTE0 <= i < wordtok.WORD0 for i in ids) and len(ids) == 4 + 1 + 6,
	   "tokenizer: unknown pieces fall back to bytes (a 4-byte emoji is 4 tokens)", ids)
	ok(len(tok.words) == 50 and tok.encode(" sorry") == [tok.index[" sorry"]] if " sorry" in tok.index
	   else len(tok.words) == 50, "tokenizer: vocabulary capped, frequent words are one token")
	r = wordtok.render("p", "r")
	ids = tok.encode(r)
	ok(ids[:2] == [wordtok.BOS, wordtok.USER] and ids[-1] == wordtok.END and
	   wordtok.ASSISTANT in ids, "tokenizer: the template's specials are their own ids")
	tok2 = wordtok.WordTok.from_json(json.loads(json.dumps(tok.to_json())))
	ok(tok2.words == tok.words and tok2.encode(texts[0]) == tok.encode(texts[0]),
	   "tokenizer: JSON round trip")
	bad = []
	for obj in ({"format": "x"}, dict(tok.to_json(), words=["a", "a"]),
	            dict(tok.to_json(), words=[3]), dict(tok.to_json(), specials=["<pad>"])):
		try:
			wordtok.WordTok.from_json(obj)
			bad.append(obj)
		except wordtok.TokError:
			pass
	ok(not bad, "tokenizer: malformed vocabularies refused", bad)


# ---------------------------------------------------------------- model

def direct_rows(tok, model, rows, layer):
	"""(pair, side, pos, bytes, vector) for every response token, one
	sequence at a time; the response is what lies between <assistant> and
	<end>."""
	out = []
	for p, r in enumerate(rows):
		for side, key in ((1, "chosen"), (2, "rejected")):
			ids = tok.encode(wordtok.render(r["prompt"], r[key]))
			with torch.no_grad():
				hs = model(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states
			a, e = ids.index(wordtok.ASSISTANT) + 1, ids.index(wordtok.END)
			for j in range(a, e):
				out.append((p, side, j - a, tok.token_bytes(ids[j]), hs[layer][0, j].numpy()))
	return out


def check_extract(tmp, d, pj, rows, layer, last):
	out = os.path.join(tmp, "acts%d.safetensors" % layer)
	r = run("safer-extract", [d, pj, "--layer", str(layer), "-o", out, "--batch-size", "5",
	                          "--shard-pairs", "7", "--device", "cpu"], tmp)
	err = r.stderr.decode(errors="replace")
	if not ok(r.returncode == 0, "extract layer %d: safer-extract reads the model directory" % layer,
	          err):
		return None
	t, meta = stfile.load(out, mmap=False)
	tok, model, _ = tinyrm.load(d)
	ref = direct_rows(tok, model, rows, layer)
	N = len(ref)
	ok(t["acts"].shape == (N, model.cfg["d"]) and list(t["pair"]) == [x[0] for x in ref] and
	   list(t["side"]) == [x[1] for x in ref] and list(t["pos"]) == [x[2] for x in ref],
	   "extract layer %d: one row per response token, pair, side, pos" % layer,
	   (t["acts"].shape, N))
	if t["acts"].shape[0] != N:
		return None
	toks = [bytes(t["tok_bytes"][t["tok_off"][i]:t["tok_off"][i + 1]]) for i in range(N)]
	ok(toks == [x[3] for x in ref], "extract layer %d: token bytes are the model's tokens" % layer)
	x = np.stack([v[4] for v in ref]).astype(np.float32)
	got = t["acts"].astype(np.float32)
	excess = np.abs(got - x) - 2.0 ** -10 * np.abs(x) - 1e-5
	ok(excess.max() <= 0, "extract layer %d: rows equal the direct forward (F16 precision)" % layer,
	   "worst excess %g" % excess.max())
	ok(meta.get("layer") == str(layer) and meta.get("model_kind") == "safer-tinyrm" and
	   meta.get("n_hidden_states") == str(model.cfg["layers"] + 1),
	   "extract layer %d: metadata layer, model kind, hidden states" % layer, meta)
	if last:
		w, _ = tinyrm.reward_head(model)
		ok("reward_head" in t and np.array_equal(t["reward_head"], w) and
		   meta.get("reward_bias") == "0.0",
		   "extract last layer: the file carries the model's score head", sorted(t))
		# the head on the last hidden state at <end> is the model's score
		ids = tok.encode(wordtok.render(rows[0]["prompt"], rows[0]["chosen"]))
		with torch.no_grad():
			o = model(input_ids=torch.tensor([ids]), output_hidden_states=True)
		s = float(np.dot(t["reward_head"], o.hidden_states[-1][0, -1].numpy()))
		ok(abs(s - float(o.score[0])) <= 1e-5 * max(1.0, abs(s)),
		   "extract last layer: reward_head . last hidden state = the model's score",
		   (s, float(o.score[0])))
	else:
		ok("reward_head" not in t, "extract layer %d: no reward_head below the last layer" % layer)
	return out


def main():
	tmp = tempfile.mkdtemp(prefix="test_tinyrm.")
	try:
		body(tmp)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)
	return done()


def body(tmp):
	rows = make_pairs(60, 5)
	pj = os.path.join(tmp, "pairs.jsonl")
	write_jsonl(pj, rows)
	tokenizer_tests(rows)

	d = os.path.join(tmp, "rm")
	tiny = ["--d", "16", "--layers", "2", "--heads", "2", "--epochs", "6", "--batch", "8",
	        "--lr", "3e-3", "--vocab", "200", "--seed", "3"]
	r = run("safer-tinyrm", ["train", pj, "--out", d] + tiny, tmp)
	err = r.stderr.decode(errors="replace")
	ok(r.returncode == 0 and sorted(os.listdir(d)) == ["config.json", "model.safetensors",
	                                                    "tokenizer.json"],
	   "train: writes config.json, model.safetensors, tokenizer.json", err)
	if r.returncode != 0:
		return
	ok(is_tinyrm_dir(d) and not is_tinyrm_dir(tmp), "the directory is recognised by its config")
	with open(os.path.join(d, "config.json")) as f:
		cfg = json.load(f)
	ok(cfg["d"] == 16 and cfg["layers"] == 2 and cfg["train_pairs"] == 45 and
	   "loadavg_start" in cfg and cfg["train_seconds"] >= 0,
	   "train: config records shape, data and time", cfg)
	d2 = os.path.join(tmp, "rm2")
	run("safer-tinyrm", ["train", pj, "--out", d2] + tiny, tmp)
	same = all(open(os.path.join(d, f), "rb").read() == open(os.path.join(d2, f), "rb").read()
	           for f in ("model.safetensors", "tokenizer.json"))
	ok(same, "train: same seed, same bytes")

	r = run("safer-tinyrm", ["eval", d, pj], tmp)
	lines = r.stdout.decode().splitlines()
	ok(r.returncode == 0 and lines[0] == "category\taccuracy\tpairs" and
	   [ln.split("\t")[0] for ln in lines[1:]] == ["chat", "safety", "all"] and
	   lines[-1].split("\t")[2] == "15", "eval: TSV per category and all, test split", lines)
	r = run("safer-tinyrm", ["eval", d, pj, "--format", "json"], tmp)
	js = json.loads(r.stdout.decode())
	acc = {x["category"]: x["accuracy"] for x in js}
	ok(acc["all"] >= 0.8, "eval: the tiny model learns the easy pairs (test accuracy >= 0.8)", js)
	# eval's figure recomputed here from the model's scores
	tok, model, _ = tinyrm.load(d)
	test = [x for x in rows if x["split"] == "test"]
	with torch.no_grad():
		sc = [[float(model(input_ids=torch.tensor([tok.encode(wordtok.render(x["prompt"], x[k]))])).score)
		       for k in ("chosen", "rejected")] for x in test]
	mine = np.mean([1.0 if c > rr else 0.5 if c == rr else 0.0 for c, rr in sc])
	ok(abs(mine - acc["all"]) < 1e-12, "eval: accuracy equals the direct count", (mine, acc["all"]))

	m = open_model(d)
	ok(m.kind == "safer-tinyrm" and m.reward_head is not None and m.templated,
	   "models.open_model opens a safer-tinyrm directory")
	a1 = check_extract(tmp, d, pj, rows, 1, False)
	a2 = check_extract(tmp, d, pj, rows, 2, True)
	safer = os.environ.get("SAFER")
	if a1 and a2 and safer and os.access(safer, os.X_OK):
		for a in (a1, a2):
			ws = os.path.join(tmp, "ws-" + os.path.basename(a))
			r = subprocess.run([safer, "init", ws, "--pairs", pj, "--acts", a], capture_output=True)
			ok(r.returncode == 0, "safer init accepts the extracted %s" % os.path.basename(a),
			   r.stderr.decode(errors="replace"))

	# Broken model directories: one line naming the file, exit 1.
	bad = os.path.join(tmp, "bad")
	shutil.copytree(d, bad)
	with open(os.path.join(bad, "model.safetensors"), "r+b") as f:
		f.truncate(100)
	r = run("safer-extract", [bad, pj, "--layer", "1", "-o", os.path.join(tmp, "no.st")], tmp)
	err = r.stderr.decode(errors="replace")
	ok(r.returncode == 1 and err.count("\n") == 1 and "model.safetensors" in err and
	   not os.path.exists(os.path.join(tmp, "no.st")),
	   "extract: a truncated model file is one line naming it, exit 1", err)
	with open(os.path.join(bad, "config.json"), "w") as f:
		json.dump(dict(cfg, d=15), f)
	r = run("safer-tinyrm", ["eval", bad, pj], tmp)
	err = r.stderr.decode(errors="replace")
	ok(r.returncode == 1 and err.count("\n") == 1 and "config.json" in err,
	   "eval: a config whose d does not split into heads is refused in one line", err)
	bad2 = os.path.join(tmp, "bad2")
	shutil.copytree(d, bad2)
	with open(os.path.join(bad2, "config.json"), "w") as f:
		json.dump(dict(cfg, d=1 << 16, heads=1 << 10), f)
	try:
		tinyrm.load(bad2)
		refused = ""
	except tinyrm.ModelDirError as exc:
		refused = str(exc)
	ok("model.safetensors" in refused and "embed.weight" in refused,
	   "load: a config far larger than its weights is refused before the model is built", refused)
	r = run("safer-tinyrm", ["train", pj, "--out", pj], tmp)
	ok(r.returncode == 2 and open(pj, encoding="utf-8").read().count("\n") == 60,
	   "train: --out naming a file that is not a model directory is a usage error; "
	   "the file is untouched", r.stderr.decode(errors="replace"))


if __name__ == "__main__":
	sys.exit(main())
