"""TAP for the Python tests: ok() prints one result, done() the plan and
the exit status."""
import sys

_n = 0
_failed = 0


def ok(cond, name, diag=None):
    """One test: "ok N - name" or "not ok N - name" with diag as # lines."""
    global _n, _failed
    _n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", _n, name))
    if not cond:
        _failed += 1
        for line in str(diag or "").splitlines():
            print("# " + line)
    sys.stdout.flush()
    return cond


def done():
    """Print the plan; the exit status: 1 when a test failed."""
    print("1..%d" % _n)
    return 1 if _failed else 0
