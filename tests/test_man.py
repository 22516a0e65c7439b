#!/usr/bin/python3
"""safer(1), made at build time from the help texts, as TAP: it renders
without a warning (groff -ww, man -l), has a section per command, and each
section says word for word what `safer help CMD` says."""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import done, ok  # noqa: E402



def run(argv, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run(argv, capture_output=True, env=e)


safer = os.environ.get("SAFER", "tui/safer")
page = os.path.join(os.environ.get("top_builddir", "."), "doc", "safer.1")
if not ok(os.path.isfile(page), "the build made doc/safer.1"):
    sys.exit(done() or 1)

utf8 = {"LC_ALL": "C.UTF-8"}
for dev, env in (("utf8", utf8), ("ascii", {"LC_ALL": "C"})):
    r = run(["groff", "-man", "-ww", "-z", "-T", dev, page], env)
    ok(r.returncode == 0 and not r.stderr, "groff -ww -T %s: no warning" % dev,
       r.stderr.decode(errors="replace"))

r = run(["man", "--warnings=w", "-l", page], dict(utf8, MANWIDTH="80", MANPAGER="cat",
                                                  PAGER="cat"))
shown = r.stdout.decode(errors="replace")
ok(r.returncode == 0 and not r.stderr and "SAFER(1)" in shown,
   "man -l shows the page without a warning", r.stderr.decode(errors="replace"))
width = max(len(line) for line in shown.splitlines())
ok(width <= 80, "man -l fits 80 columns (widest line %d)" % width)

version = run([safer, "--version"]).stdout.decode().split()[-1]
ok(("safer " + version) in shown, "the page names version " + version)

# The text as groff sets it, without bold or underline.
r = run(["groff", "-man", "-T", "utf8", "-P", "-c", "-P", "-b", "-P", "-u", page], utf8)
text = r.stdout.decode()
lines = text.splitlines()

overview = run([safer, "help"]).stdout.decode()
cmds = re.findall(r"^  ([a-z][a-z-]*) ", overview.split("commands:\n", 1)[1].split("\n\n")[0],
                  re.M)
ok(len(cmds) >= 10, "safer help lists the commands (%d)" % len(cmds))


def section(cmd):
    """The words of the page's section for cmd."""
    head = "   safer " + cmd
    try:
        start = lines.index(head)
    except ValueError:
        return None
    words = []
    for line in lines[start + 1:]:
        if line.startswith("   safer ") or re.match(r"^[A-Z]", line):
            break
        words += line.split()
    return words


for cmd in cmds:
    h = run([safer, "help", cmd])
    want = h.stdout.decode().split()
    if want and want[0] == "usage:":
        want = want[1:]
    want = [w for w in want if w != "usage:"]
    got = section(cmd)
    if got is None:
        ok(False, "the page has a section for " + cmd)
        continue
    diff = ""
    if got != want:
        i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got),
                                                                            len(want)))
        diff = "first difference at word %d:\n page: %s\n help: %s" % (
            i, " ".join(got[i:i + 8]), " ".join(want[i:i + 8]))
    ok(h.returncode == 0 and got == want, "section '%s' says what 'safer help %s' says"
       % (cmd, cmd), diff)

m = re.search(r"^EXIT STATUS\n(.*?)^[A-Z]", text, re.M | re.S)
ok(m and all(re.search(r"^\s+%d\s" % c, m.group(1), re.M) for c in (0, 1, 2)),
   "EXIT STATUS states 0, 1 and 2")
for word in ("--quiet", "NO_COLOR", "--color=never"):
    ok(word in text, "the page documents " + word)

sys.exit(done())
