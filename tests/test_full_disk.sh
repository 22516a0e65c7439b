#!/bin/sh
# Read-only commands on a full disk. A disk with no room is stood in for
# by a file-size limit of 0 (ulimit -f 0, SIGXFSZ ignored so that a write
# fails with EFBIG the way it fails with ENOSPC on a full disk): nothing
# can be written, reading works. Commands that only read must still give
# their answer - taking the writer lock writes nothing they depend on,
# caches they cannot save are kept in memory, and a label set that would
# switch to follow a new SAE switches in memory only - and must leave the
# workspace exactly as it was. A command that must write fails in one
# line and changes nothing.
. "$srcdir/tests/lib.sh"
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" >/dev/null || exit 1
cd "$TMPD" || exit 1
ws=ws
# labels made for one SAE, then another SAE trained: the next load of the
# labels switches sets (archives the old one), which writes
"$SAFER" init $ws --pairs data/pairs.jsonl --acts data/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train $ws --latents 32 --k 4 --epochs 1 >/dev/null 2>&1 &&
	"$SAFER" label $ws 3 --name first --safety 2 >/dev/null 2>&1 &&
	"$SAFER" train $ws --latents 32 --k 4 --epochs 1 --seed 9 >/dev/null 2>&1 &&
	rm -f $ws/latents.bin
ok $? "workspace whose labels belong to an older SAE, no caches"
[ -e $ws/lock ]
ok $? "its lock file exists (the saves made it)"

snapshot() { (cd $ws && find . -type f | sort | xargs md5sum); }
snapshot >before.txt

# full CMD...: run CMD where no file can grow; its stdout and stderr (read
# through a pipe, which the limit does not cover) end up in out.txt
full() {
	local out rc
	out=$( (trap '' XFSZ; ulimit -f 0 && exec "$@") 2>&1)
	rc=$?
	printf '%s\n' "$out" >out.txt
	return $rc
}

full "$SAFER" labels $ws --format tsv
rc=$?
[ $rc -eq 0 ] && grep -q "^feature	name" out.txt && ! grep -q "lock" out.txt
ok $? "labels on a full disk: answers (exit $rc: $(grep safer: out.txt | head -1))"
grep -q "not saved: .*nothing moved yet" out.txt
ok $? "it says the label set switch was not saved"

full "$SAFER" stats $ws
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c '	sentence	' out.txt)" -eq 32 ]
ok $? "stats on a full disk: one row per feature (exit $rc: $(grep safer: out.txt | head -1))"
grep -q "computed in memory, not cached" out.txt
ok $? "it says the results are not cached"

full "$SAFER" top $ws 0
rc=$?
[ $rc -eq 0 ] && grep -q "^pair	side" out.txt
ok $? "top on a full disk (exit $rc: $(grep safer: out.txt | head -1))"

full "$SAFER" info $ws
ok $? "info on a full disk"

snapshot >after.txt
cmp -s before.txt after.txt
ok $? "the workspace is exactly as it was"
diff before.txt after.txt | sed 's/^/# /'

# A command that must write fails, and changes nothing.
full "$SAFER" label $ws 4 --name second --safety 1
rc=$?
[ $rc -eq 1 ] && tail -1 out.txt | grep -q "labels not changed: .*File too large"
ok $? "label on a full disk fails saying why (exit $rc: $(tail -1 out.txt))"
snapshot >after.txt
cmp -s before.txt after.txt
ok $? "and the workspace is still as it was"

# With room again, everything goes on: the switch is saved, the old labels kept.
"$SAFER" labels $ws --format tsv >/dev/null 2>&1 && ls $ws/labels-*.msgpack >/dev/null 2>&1
ok $? "with room again the label set switch is saved"
done_testing
