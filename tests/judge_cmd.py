#!/usr/bin/python3
"""A stand-in judge program for `safer judge --cmd`: reads the prompt on
stdin, appends it to LOG (one JSON string per line), and answers on stdout.

    judge_cmd.py LOG MODE

MODE: good (Score from the prompt: number of "Token: " lines % 5 + 1),
fail-once (exit 1 with a message on stderr the first time per LOG, then as
good), slow (sleeps 3 s), huge (3 MB), deaf (answers without reading its
stdin), exit3 (exit 3, escape sequences on stderr)."""
import json
import os
import sys
import time

log, mode = sys.argv[1], sys.argv[2]
if mode == "deaf":
    sys.stdout.write("Score: 2\nExplanation: did not read\n")
    sys.exit(0)
prompt = sys.stdin.read()
with open(log, "a") as f:
    f.write(json.dumps(prompt) + "\n")
s = prompt.count("\nToken: ") % 5 + 1
if mode == "fail-once" and not os.path.exists(log + ".failed"):
    open(log + ".failed", "w").close()
    sys.stderr.write("model not loaded yet\n")
    sys.exit(1)
if mode == "slow":
    time.sleep(3)
if mode == "huge":
    sys.stdout.write("Score: 5\nExplanation: " + "x" * (3 << 20))
    sys.exit(0)
if mode == "exit3":
    sys.stderr.write("boom \x1b[31mred\x1b]0;title\x07\n")
    sys.exit(3)
sys.stdout.write("Score: %d\nExplanation: local program (%d)\n" % (s, s))
