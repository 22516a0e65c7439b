#!/bin/sh
# Inputs that are not regular files: a FIFO (or a pipe from process
# substitution) given as any input, or put in place of a workspace file,
# is refused at once with one line saying what it is - never a hang
# waiting for a writer that will not come. Each command runs under a
# timeout, so a hang fails the test instead of stalling the suite.
. "$srcdir/tests/lib.sh"
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" >/dev/null || exit 1
cd "$TMPD" || exit 1
ws=ws
"$SAFER" init $ws --pairs data/pairs.jsonl --acts data/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train $ws --latents 32 --k 4 --epochs 1 >/dev/null 2>&1 &&
	"$SAFER" label $ws 3 --name kept --safety 2 >/dev/null 2>&1 &&
	"$SAFER" stats $ws >/dev/null 2>&1
ok $? "workspace with an SAE and a label"
mkfifo fifo
FIFO_MSG="not a regular file \(a FIFO\)"

# refused NAME CMD...: exit 1 within the timeout, one line naming fifo
refused() {
	local name=$1
	shift
	expect_fail 1 "$FIFO_MSG" "$name" -- timeout 20 "$@"
}

refused "init --pairs FIFO" "$SAFER" init w2 --pairs fifo --acts data/acts.safetensors
[ ! -e w2 ]
ok $? "nothing made for it"
refused "init --acts FIFO" "$SAFER" init w3 --pairs data/pairs.jsonl --acts fifo
refused "labels --import FIFO" "$SAFER" labels $ws --import fifo
refused "eval --plan FIFO" "$SAFER" eval $ws --plan fifo
refused "export --plan FIFO" "$SAFER" export $ws --plan fifo --out "$TMPD/out.jsonl"
refused "load-sae FIFO" "$SAFER" load-sae $ws fifo
mkdir d1 d2
mkfifo d1/sae.safetensors
cp $ws/sae/sae.safetensors d2/ && mkfifo d2/cfg.json
refused "load-sae DIR whose weights are a FIFO" "$SAFER" load-sae $ws d1
refused "load-sae DIR whose cfg.json is a FIFO" "$SAFER" load-sae $ws d2

# process substitution names a pipe: the same message (bash only)
if command -v bash >/dev/null; then
	expect_fail 1 "/dev/fd/[0-9]+: $FIFO_MSG" "labels --import <(...)" -- \
		timeout 20 bash -c '"$1" labels "$2" --import <(echo "[]")' sh "$SAFER" $ws
fi

# a workspace file replaced by a FIFO: every command that reads it refuses
for f in manifest.msgpack labels.msgpack sae/cfg.json; do
	rm -rf wf && cp -r $ws wf && rm -f wf/$f && mkfifo wf/$f || exit 1
	refused "stats with WS/$f a FIFO" "$SAFER" stats wf
	refused "labels with WS/$f a FIFO" "$SAFER" labels wf
done
rm -rf wf && cp -r $ws wf && rm -f wf/sae/sae.safetensors && mkfifo wf/sae/sae.safetensors
out=$(timeout 20 "$SAFER" info wf 2>&1)
rc=$?
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -Eq "sae/sae.safetensors: $FIFO_MSG"
ok $? "info with WS/sae/sae.safetensors a FIFO says so (exit $rc)"
# the workspace's own inputs replaced by a FIFO
for f in pairs.jsonl acts.safetensors; do
	mv data/$f data/$f.keep && mkfifo data/$f || exit 1
	refused "stats with its $f a FIFO" "$SAFER" stats $ws
	rm data/$f && mv data/$f.keep data/$f
done
# a cache replaced by a FIFO is rebuilt, not waited on
rm -rf wf && cp -r $ws wf && rm -f wf/latents.bin && mkfifo wf/latents.bin
timeout 20 "$SAFER" top wf 3 >/dev/null 2>&1
ok $? "top with WS/latents.bin a FIFO rebuilds the cache"
[ -f wf/latents.bin ]
ok $? "the cache is a regular file again"
done_testing
