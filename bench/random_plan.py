#!/usr/bin/env python3
"""random_plan.py PAIRS PLAN SEED OUT: a random edit list of the same size
and action as PLAN (an edit list JSONL): as many train pairs, drawn
uniformly without replacement with numpy's default_rng(SEED), strategy
"manual". The control that safer-method.md 7 compares targeted edits with."""

import json
import sys

import numpy as np


def main():
	pairs_path, plan_path, seed, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
	pairs = [json.loads(l) for l in open(pairs_path, encoding="utf-8") if l.strip()]
	plan = [json.loads(l) for l in open(plan_path, encoding="utf-8") if l.strip()]
	actions = {e["action"] for e in plan}
	if len(actions) != 1:
		sys.exit("random_plan: %s: want one action, found %s" % (plan_path, sorted(actions)))
	train = [i for i, p in enumerate(pairs) if p.get("split", "train") == "train"]
	pick = sorted(np.random.default_rng(seed).choice(len(train), size=len(plan), replace=False))
	with open(out, "w", encoding="utf-8") as f:
		for k in pick:
			i = train[k]
			e = {"index": i, "action": next(iter(actions)),
			     "strategy": "manual"}
			if "id" in pairs[i]:
				e["id"] = pairs[i]["id"]
			f.write(json.dumps(e) + "\n")


if __name__ == "__main__":
	main()
