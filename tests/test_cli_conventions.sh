#!/bin/sh
# The command line's shared conventions: - as standard input for the files
# a command streams (labels --import, eval --plan, export --plan) and a
# clear refusal where it cannot be (init's inputs, an SAE, a terminal);
# --color anywhere; --quiet on the report; the exit statuses the man page
# states.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/labels_sae_fixture.py" in >/dev/null &&
	"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" load-sae ws in/saeA >/dev/null 2>&1 &&
	"$SAFER" label ws 3 --name three --safety 5 >/dev/null &&
	"$SAFER" plan ws --poison 0.2 --out plan.jsonl --quiet >/dev/null 2>&1
ok $? "a workspace with an SAE, a label and a plan"

# - as standard input
"$SAFER" labels ws --export lab.json && "$SAFER" label ws 3 --name changed >/dev/null &&
	"$SAFER" labels ws --import - <lab.json 2>/dev/null &&
	"$SAFER" labels ws --format json | grep -q '"name":"three"'
ok $? "labels --import - reads standard input"
"$SAFER" eval ws --plan plan.jsonl --quiet >ev_file 2>/dev/null &&
	"$SAFER" eval ws --plan - --quiet <plan.jsonl >ev_stdin 2>/dev/null && cmp -s ev_file ev_stdin
ok $? "eval --plan - is eval --plan FILE"
grep -q '^plan	' ev_stdin
ok $? "... and evaluates the plan read"
"$SAFER" export ws --plan plan.jsonl --out e1.jsonl 2>/dev/null &&
	"$SAFER" export ws --plan - --out e2.jsonl <plan.jsonl 2>/dev/null && cmp -s e1.jsonl e2.jsonl
ok $? "export --plan - is export --plan FILE"
printf '{"index": 999, "action": "flip"}\n' |
	"$SAFER" eval ws --plan - >/dev/null 2>err
[ $? -eq 1 ] && grep -q '^safer: -:1: no pair 999' err
ok $? "a bad edit list on standard input is named - with its line"
"$PY" - "$SAFER" <<'PYEOF'
import os, pty, sys
# standard input a terminal: refused at once, not waited on
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "labels", "ws", "--import", "-"])
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
ok = os.WEXITSTATUS(st) == 1 and b"standard input is a terminal" in out
print("# %r exit %d" % (out.strip(), os.WEXITSTATUS(st)))
sys.exit(0 if ok else 1)
PYEOF
ok $? "labels --import - with a terminal on standard input is refused"
expect_usage "--pairs cannot be - \(standard input\)" "init --pairs - says why it cannot be" -- \
	"$SAFER" init ws2 --pairs - --acts in/acts.safetensors
expect_usage "--acts cannot be - \(standard input\).*mapped" "init --acts - says why" -- \
	"$SAFER" init ws2 --pairs in/pairs.jsonl --acts -
[ ! -e ws2 ]
ok $? "... and creates nothing"
expect_usage "PATH cannot be - \(standard input\)" "load-sae - says why" -- "$SAFER" load-sae ws -

# --color anywhere, checked
"$SAFER" --color=never info ws >c1 2>/dev/null && "$SAFER" info ws --color always >c2 2>/dev/null &&
	"$SAFER" info ws --color auto >c3 2>/dev/null && cmp -s c1 c2 && cmp -s c1 c3
ok $? "--color never|always|auto before or after the command; the table is the same"
"$SAFER" --color bad info ws >/dev/null 2>err
[ $? -eq 2 ] && grep -q -- "--color is never, always or auto, not 'bad'" err
ok $? "--color with another value is a usage error (exit 2)"
"$SAFER" label ws 3 --name=--color >/dev/null && "$SAFER" labels ws | grep -q -- '--color'
ok $? "--color as part of an option's value is a value"

# --quiet on the report: no progress, the same report
"$SAFER" report ws --out r1.md 2>err1 && "$SAFER" --quiet report ws --out r2.md 2>err2
ok $? "report with and without --quiet"
! grep -qE '^[a-z ]+: [0-9]+%' err2 && diff r1.md r2.md | grep -v 'written 20' | grep -q '^[<>]'
[ $? -ne 0 ]
ok $? "--quiet: no progress lines, the same report"

# exit statuses, as the man page states them
man=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' doc/safer.1 2>/dev/null || sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$OLDPWD/doc/safer.1")
echo "$man" | grep -q '^\.B 0' && echo "$man" | grep -q '^\.B 1' && echo "$man" | grep -q '^\.B 2'
ok $? "the man page states exit statuses 0, 1 and 2"
"$SAFER" info ws >/dev/null 2>&1; a=$?
"$SAFER" info nowhere >/dev/null 2>&1; b=$?
"$SAFER" info >/dev/null 2>&1; c=$?
[ "$a$b$c" = 012 ]
ok $? "0 ok, 1 failure, 2 usage ($a$b$c)"
done_testing
