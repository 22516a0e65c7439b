#!/usr/bin/env python3
"""Write a large pairs file for bench/pairs.sh:  make_pairs_data.py FILE P

P ordinary records (id, category, split and three texts of a few hundred
bytes: about 950 bytes a line), streamed to disk. The texts are drawn from
a small vocabulary, with now and then an escape or a non-ASCII word, so
that the JSON reader sees what real datasets hold."""
import json
import random
import sys

path, P = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
words = ("the a of to and in is it you that for on with as can be this how what not "
         "please help write code bread recipe safety model answer question explain "
         "why when steps list café naïve \"quoted\" line\nbreak tab\there").split(" ")


def text(n):
    return " ".join(rng.choice(words) for _ in range(n))


cats = ["chat", "safety", "code", "math"]
with open(path, "w", encoding="utf-8") as f:
    for i in range(P):
        rec = {"id": "p%07d" % i, "prompt": text(30), "chosen": text(64),
               "rejected": text(64), "category": cats[i % len(cats)],
               "split": "test" if i % 10 == 0 else "train"}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
