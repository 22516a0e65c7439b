#!/bin/sh
# The workspace writer lock is held only while a change is saved. Another
# process having the workspace open (a session, the explorer) does not stop
# a writer, and a change made meanwhile is not lost when that process saves
# its own. A save waits for another's save, and gives up after a while
# with one line naming the holder. A lock left by a process that died
# (SIGKILL, or a lock file naming a dead pid) is taken over. Racing
# writers lose nothing. A read-only workspace refuses writes in one line.
. "$srcdir/tests/lib.sh"
driver=${top_builddir:-.}/tests/kill_labels_driver
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs "$TMPD/data/pairs.jsonl" --acts "$TMPD/data/acts.safetensors" \
	>/dev/null 2>&1 &&
	"$SAFER" train "$ws" --latents 64 --k 4 --epochs 2 >/dev/null 2>&1 &&
	"$SAFER" label "$ws" 5 --name before --safety 2 >/dev/null 2>&1
ok $? "workspace with an SAE and one label"

pids=
sock=safer-lock-$$
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	tmux -L $sock kill-server 2>/dev/null
	chmod -R u+w "$TMPD" 2>/dev/null
	rm -rf "$TMPD"
}
trap cleanup EXIT

# start OUT MODE ARGS...: run the driver in the background, wait (polling,
# not sleeping blindly) for its first line; its pid in $last.
start() {
	local out=$1
	shift
	"$driver" "$@" >"$out" 2>&1 &
	last=$!
	pids="$pids $last"
	for _ in $(seq 200); do
		grep -q . "$out" && break
		sleep 0.05
	done
}

# stop PID: kill -9 and reap.
stop() {
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

labels() { "$SAFER" labels "$ws" --format tsv 2>/dev/null; }

# ---- another process has the workspace open --------------------------------
start "$TMPD/open.out" open "$ws" 11
opener=$last
grep -qx open "$TMPD/open.out"
ok $? "a second process has a session open on the workspace, labels loaded"
[ ! -s "$ws/lock" ]
ok $? "having it open holds no lock"
"$SAFER" label "$ws" 7 --name second --safety 3 >/dev/null 2>"$TMPD/err"
ok $? "safer label saves while it is open ($(head -1 "$TMPD/err"))"
echo '[{"feature": 9, "name": "imported", "safety": 4}]' >"$TMPD/imp.json"
"$SAFER" labels "$ws" --import "$TMPD/imp.json" >/dev/null 2>"$TMPD/err"
ok $? "safer labels --import saves too ($(head -1 "$TMPD/err"))"
# the open session read the labels before those changes; its own save
# must keep them
kill -USR1 "$opener"
for _ in $(seq 200); do
	grep -q "saved\|failed" "$TMPD/open.out" && break
	sleep 0.05
done
grep -qx saved "$TMPD/open.out"
ok $? "the open session saves its own label ($(tail -1 "$TMPD/open.out"))"
labels >"$TMPD/labels.tsv"
grep -q "	before	" "$TMPD/labels.tsv" && grep -q "	second	" "$TMPD/labels.tsv" &&
	grep -q "	imported	" "$TMPD/labels.tsv" && grep -q "^11	from holder	4" "$TMPD/labels.tsv"
ok $? "every label is there: its save did not undo the others'"
stop "$opener"

# The explorer open on the workspace does not stop a writer either.
tmux -L $sock -f /dev/null new -d -x 120 -y 30 "$SAFER explore $ws" 2>/dev/null
up=1
for _ in $(seq 200); do
	tmux -L $sock capture-pane -p 2>/dev/null | grep -q "features" && { up=0; break; }
	sleep 0.05
done
ok $up "the explorer is open on the workspace"
"$SAFER" label "$ws" 8 --name "beside the explorer" >/dev/null 2>"$TMPD/err" &&
	labels | grep -q "beside the explorer"
ok $? "safer label saves while the explorer is open ($(head -1 "$TMPD/err"))"
tmux -L $sock kill-server 2>/dev/null

# ---- a save in progress ----------------------------------------------------
cp "$ws/labels.msgpack" "$TMPD/labels.keep"
start "$TMPD/hold.out" hold "$ws"
holder=$last
grep -qx held "$TMPD/hold.out"
ok $? "a process takes the writer lock as a save does"
grep -qx "$holder" "$ws/lock"
ok $? "the lock file names the holder ($(cat "$ws/lock"))"
# (reading the labels may switch them to another SAE's set, a change: a
# writable open waits for the save like any writer; --read-only does not)
timeout 5 "$SAFER" top "$ws" 1 >/dev/null 2>&1 && timeout 5 "$SAFER" info "$ws" >/dev/null 2>&1 &&
	timeout 5 "$SAFER" labels "$ws" --read-only 2>/dev/null | grep -q before
ok $? "readers are not held up by a save in progress"
"$SAFER" label "$ws" 12 --name waited >/dev/null 2>"$TMPD/wait.err" &
waiter=$!
sleep 1
kill -0 $waiter 2>/dev/null
ok $? "a second save waits for the first"
stop "$holder"
wait $waiter
rc=$?
[ $rc -eq 0 ] && labels | grep -q "	waited	"
ok $? "and saves once the first is done (exit $rc $(head -1 "$TMPD/wait.err"))"

start "$TMPD/hold.out" hold "$ws"
holder=$last
cp "$ws/labels.msgpack" "$TMPD/labels.keep"
start=$(date +%s)
expect_fail 1 "busy \(in use by process $holder\); try again" \
	"a save held up too long gives up in one line naming the holder" \
	-- "$SAFER" label "$ws" 13 --name too-late
waited=$(($(date +%s) - start))
[ $waited -ge 5 ] && [ $waited -le 30 ]
ok $? "after waiting a while for it (${waited} s)"
cmp -s "$ws/labels.msgpack" "$TMPD/labels.keep"
ok $? "the labels file is untouched by the refused save"

# ---- stale locks -----------------------------------------------------------
# The holder dies by SIGKILL; its pid stays in the file.
stop "$holder"
dead=$holder
[ -s "$ws/lock" ] && diag "lock file after SIGKILL: $(cat "$ws/lock")"
"$SAFER" label "$ws" 14 --name after-kill --safety 3 >/dev/null 2>"$TMPD/err"
ok $? "a lock whose holder was killed is taken over ($(head -1 "$TMPD/err"))"
# A lock file naming a pid that does not exist (e.g. copied from another
# machine, or left by a crash before the kernel lock existed).
echo 999999 >"$ws/lock"
"$SAFER" label "$ws" 15 --name stale-pid --safety 1 >/dev/null 2>"$TMPD/err"
ok $? "a lock file naming dead pid 999999 is taken over ($(head -1 "$TMPD/err"))"
labels >"$TMPD/labels.tsv"
grep -q after-kill "$TMPD/labels.tsv" && grep -q stale-pid "$TMPD/labels.tsv" &&
	grep -q "	before	" "$TMPD/labels.tsv"
ok $? "labels from before and after the takeovers are all there"
[ ! -s "$ws/lock" ] || ! grep -qx "$dead" "$ws/lock"
ok $? "no process is named as holder once all writers are gone"

# ---- racing writers --------------------------------------------------------
for i in $(seq 0 7); do
	"$SAFER" label "$ws" $((20 + i)) --name "race $i" --safety 2 >"$TMPD/race$i.out" 2>"$TMPD/race$i.err" &
done
wait
bad=0
for i in $(seq 0 7); do
	if [ -s "$TMPD/race$i.err" ] || ! grep -q "race $i" "$TMPD/race$i.out"; then
		bad=$((bad + 1))
		diag "racer $i: $(cat "$TMPD/race$i.err")"
	fi
done
labels >"$TMPD/labels.tsv"
for i in $(seq 0 7); do
	if ! grep -q "^$((20 + i))	race $i	" "$TMPD/labels.tsv"; then
		bad=$((bad + 1))
		diag "racer $i: its label is missing"
	fi
done
grep -q "	before	" "$TMPD/labels.tsv" || bad=$((bad + 1))
[ $bad -eq 0 ]
ok $? "8 racing writers of distinct features: all saved, all 8 labels there ($bad problems)"

# ---- read-only -------------------------------------------------------------
cp "$ws/labels.msgpack" "$TMPD/labels.keep"
expect_fail 1 "read-only \(opened read-only\)" "opened --read-only: safer label refuses in one line" \
	-- "$SAFER" label "$ws" 30 --name ro --read-only
expect_fail 1 "read-only \(opened read-only\)" "opened --read-only: safer plan --mark refuses in one line" \
	-- "$SAFER" plan "$ws" --mark 0 --action drop --read-only
chmod a-w "$ws"
if [ -w "$ws" ]; then
	# root writes whatever the permissions say: the --read-only checks
	# above stand for the directory case
	diag "running as root: $ws stays writable without write permission"
else
	expect_fail 1 "read-only \(the directory is not writable\)" \
		"a directory without write permission: safer label refuses in one line" \
		-- "$SAFER" label "$ws" 30 --name ro
	expect_fail 1 "read-only \(the directory is not writable\)" \
		"and so does safer labels --import" -- "$SAFER" labels "$ws" --import "$TMPD/imp.json"
	"$SAFER" labels "$ws" >/dev/null 2>&1
	ok $? "reading still works there"
fi
chmod u+w "$ws"
cmp -s "$ws/labels.msgpack" "$TMPD/labels.keep"
ok $? "refused writes left the labels file as it was"
done_testing
