#!/usr/bin/env python3
"""Run a command REPEATS times; print its median wall time and its peak
resident set (from wait4's rusage, so no /usr/bin/time is needed).
    measure.py REPEATS CMD [ARGS...]   ->  "wall_s peak_rss_mb" on stdout
The command's output is discarded (stderr shown if it fails); a failure
stops the run."""
import os
import statistics
import subprocess
import sys
import time

reps = int(sys.argv[1])
cmd = sys.argv[2:]
walls, rss = [], 0
for _ in range(reps):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    walls.append(time.perf_counter() - t)
    if status != 0:
        sys.stderr.write(err.decode(errors="replace"))
        sys.exit("measure.py: %s failed (status %d)" % (cmd[0], status))
    rss = max(rss, ru.ru_maxrss)  # KiB on Linux
print("%.4f %.1f" % (statistics.median(walls), rss / 1024))
