#!/usr/bin/env python3
"""Peer of bench/pairs.sh: read a pairs JSONL file the way a Python tool
would, json.loads per line, keeping what safer's index keeps (split,
category and id of every record).   peer_pairs.py FILE"""
import json
import sys

split, cat, ids = [], [], []
with open(sys.argv[1], "rb") as f:
    for line in f:
        if not line.strip():
            continue
        o = json.loads(line)
        split.append(o.get("split") == "test")
        cat.append(o.get("category"))
        ids.append(o.get("id"))
print(len(split), sum(split), len(set(cat)), len(set(ids)))
