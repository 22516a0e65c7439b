#!/bin/sh
# Atomic writes replace regular files only. A symlink is followed and the
# file it names is replaced (the link stays); a dangling one is refused. A
# FIFO and a character device (a terminal, a stand-in for /dev/null) are
# written to directly and stay what they are; a FIFO nobody reads is
# refused after a few seconds instead of hanging. A terminal gets the
# edited dataset as printable ASCII. Only files under $TMPD are used: a
# character device is made there with mknod when running as root, and a
# pty stands for one in every case.
. "$srcdir/tests/lib.sh"
cd "$TMPD" || exit 1
check=$srcdir/tests/term_check.py
"$PYTHON3" "$srcdir/tests/harden_fixture.py" data --pairs 48 --hostile >/dev/null || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs data/pairs.jsonl --acts data/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train "$ws" --latents 64 --k 4 --epochs 2 >/dev/null 2>&1 &&
	"$SAFER" label "$ws" 3 --name kept --safety 5 >/dev/null 2>&1 &&
	"$SAFER" plan "$ws" --poison 0.2 --out plan.jsonl >/dev/null 2>&1 &&
	"$SAFER" export "$ws" --out edited.jsonl >/dev/null 2>&1 &&
	"$SAFER" labels "$ws" --export labels.json >/dev/null 2>&1
ok $? "a workspace with an SAE, a label and a plan; each output written once to a file"

# --- symlinks: the file named is replaced, the link stays ---
mkdir -p real
echo old >real/plan.jsonl
ln -s real/plan.jsonl link.jsonl
"$SAFER" plan "$ws" --poison 0.2 --out link.jsonl --force >/dev/null 2>&1
ok $? "plan --out a symlink to an existing file, with --force"
[ -L link.jsonl ] && cmp -s real/plan.jsonl plan.jsonl
ok $? "the link is still a link, and the file it names holds the plan"
ln -s link.jsonl link2.jsonl
echo old >real/plan.jsonl
"$SAFER" plan "$ws" --poison 0.2 --out link2.jsonl --force >/dev/null 2>&1 &&
	[ -L link2.jsonl ] && [ -L link.jsonl ] && cmp -s real/plan.jsonl plan.jsonl
ok $? "a chain of two symlinks: both stay, the file at its end is replaced"
ls real >real.ls
[ "$(cat real.ls)" = "plan.jsonl" ]
ok $? "no temporary file left next to it ($(tr '\n' ' ' <real.ls))"
ln -s real/nothing.jsonl dangling.jsonl
expect_fail 1 "dangling symlink" "plan --out a dangling symlink is refused" -- \
	"$SAFER" plan "$ws" --poison 0.2 --out dangling.jsonl --force
[ -L dangling.jsonl ] && [ ! -e real/nothing.jsonl ]
ok $? "the dangling symlink is left as it was"

# --- the workspace's own files are never written through a symlink ---
echo keep >victim
cp "$ws/plan.jsonl" plan.saved
rm "$ws/plan.jsonl"
ln -s ../victim "$ws/plan.jsonl"
"$SAFER" plan "$ws" --poison 0.2 >/dev/null 2>&1
ok $? "plan with WS/plan.jsonl a symlink to a file outside"
[ "$(cat victim)" = keep ] && [ -f "$ws/plan.jsonl" ] && [ ! -L "$ws/plan.jsonl" ] &&
	cmp -s "$ws/plan.jsonl" plan.saved
ok $? "the link itself is replaced by the plan; the file it named is untouched"

# --- a FIFO with a reader: written through, still a FIFO ---
# reader FIFO OUT: copy what comes through FIFO into OUT, in the background
# (for at most 30 s: a FIFO replaced by a file has no writer to end it)
reader() { timeout 30 cat "$1" >"$2" & }
for c in plan export labels; do
	rm -f fifo got
	mkfifo fifo
	reader fifo got
	case $c in
	plan) "$SAFER" plan "$ws" --poison 0.2 --out fifo >/dev/null 2>&1; want=plan.jsonl ;;
	export) "$SAFER" export "$ws" --out fifo >/dev/null 2>&1; want=edited.jsonl ;;
	labels) "$SAFER" labels "$ws" --export fifo >/dev/null 2>&1; want=labels.json ;;
	esac
	rc=$?
	wait
	[ $rc -eq 0 ] && [ -p fifo ] && cmp -s got $want
	ok $? "$c: written through a FIFO that is read (exit $rc), and it is still a FIFO"
done

# --- a FIFO nobody reads: refused, not a hang ---
rm -f fifo
mkfifo fifo
cp "$ws/plan.jsonl" plan.before
start=$(date +%s)
timeout 60 "$SAFER" plan "$ws" --poison 0.3 --out fifo >/dev/null 2>err.txt
rc=$?
took=$(($(date +%s) - start))
[ $rc -eq 1 ] && grep -q "FIFO that no program reads" err.txt && [ "$(wc -l <err.txt)" -ge 1 ]
ok $? "a FIFO nobody reads: refused (exit $rc after ${took}s): $(tail -1 err.txt)"
[ $took -lt 30 ] && [ -p fifo ]
ok $? "it did not hang, and the FIFO is still a FIFO"
cmp -s "$ws/plan.jsonl" plan.before
ok $? "the current plan is as it was (the output is opened before it is saved)"
timeout 60 "$SAFER" labels "$ws" --export fifo >/dev/null 2>err.txt
[ $? -eq 1 ] && grep -q "FIFO that no program reads" err.txt
ok $? "labels --export to a FIFO nobody reads: refused too"

# --- a character device: written to, never replaced ---
if [ "$(id -u)" = 0 ]; then
	# a stand-in for /dev/null (c 1 3) in the test's own directory
	if mknod nulldev c 1 3 2>/dev/null; then
		for c in plan export labels; do
			case $c in
			plan) "$SAFER" plan "$ws" --poison 0.2 --out nulldev >/dev/null 2>err.txt ;;
			export) "$SAFER" export "$ws" --out nulldev >/dev/null 2>err.txt ;;
			labels) "$SAFER" labels "$ws" --export nulldev >/dev/null 2>err.txt ;;
			esac
			rc=$?
			[ $rc -eq 0 ] && [ -c nulldev ]
			ok $? "$c to a character device (c 1 3): exit $rc, still a character device"
		done
		ls | grep -q 'nulldev.tmp-'
		[ $? -ne 0 ]
		ok $? "no temporary file was left next to the device"
	else
		diag "mknod refused here (a container without the capability): the pty below stands in"
	fi
else
	diag "not root: no mknod; the pty below is the character device"
fi

# on_pty OUT CMD...: run CMD with @TTY@ replaced by a new pty's slave
# path; what the pty receives goes to OUT; prints "exit TYPE" (the slave's
# file type after the run: 'c' for a character device).
cat >pty_run.py <<'PY'
import os, pty, select, stat, subprocess, sys
out = sys.argv[1]
master, slave = pty.openpty()
name = os.ttyname(slave)
args = [a.replace("@TTY@", name) for a in sys.argv[2:]]
p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=open(out + ".err", "wb"))
data = b""
while True:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            data += os.read(master, 65536)
        except OSError:
            break
    elif p.poll() is not None:
        break
open(out, "wb").write(data)
kind = "c" if stat.S_ISCHR(os.stat(name).st_mode) else "other"
print(p.returncode, kind)
PY
for c in plan export labels; do
	case $c in
	plan) r=$("$PYTHON3" pty_run.py pty.out "$SAFER" plan "$ws" --poison 0.2 --out @TTY@) ;;
	export) r=$("$PYTHON3" pty_run.py pty.out "$SAFER" export "$ws" --out @TTY@) ;;
	labels) r=$("$PYTHON3" pty_run.py pty.out "$SAFER" labels "$ws" --export @TTY@) ;;
	esac
	[ "$r" = "0 c" ] && [ "$(wc -c <pty.out)" -gt 50 ]
	ok $? "$c to a pty: written to it, still a character device ($r, $(wc -c <pty.out) bytes)"
	"$PYTHON3" "$check" pty.out >check.out
	ok $? "$c to a pty: nothing on the terminal that can drive it"
	cat check.out
done
# "-" on a terminal: the same printable JSON
script -qec "'$SAFER' export '$ws' --out -" /dev/null </dev/null >tty.out 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(wc -c <tty.out)" -gt 1000 ] && "$PYTHON3" "$check" tty.out >check.out
ok $? "export --out - on a terminal: nothing that can drive it (exit $rc, $(wc -c <tty.out) bytes)"
cat check.out
# the dataset as written to a file holds the attack; on the terminal it did not
LC_ALL=C grep -q "$(printf '\302\233')" edited.jsonl
ok $? "the edited dataset in a file holds raw C1 controls (the attack is there)"
done_testing
