#!/usr/bin/python3
"""Run a command on a pseudo-terminal (100x30) until it exits; print the
wall time in milliseconds (with EXPLORE_PTY_RSS=1 in the environment, also
its peak resident memory in MB, from wait4). Used by bench/explore.sh and
bench/scale.sh to time the explorer from launch to its first drawn
screen."""
import fcntl
import os
import pty
import struct
import sys
import termios
import time

def run(argv):
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    while True:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    if status != 0:
        sys.exit("command failed: %s (status %d)" % (" ".join(argv), status))
    return (t1 - t0) * 1e3, ru.ru_maxrss / 1024

if __name__ == "__main__":
    ms, mb = run(sys.argv[1:])
    if os.environ.get("EXPLORE_PTY_RSS") == "1":
        print("%.3f %.1f" % (ms, mb))
    else:
        print("%.3f" % ms)
