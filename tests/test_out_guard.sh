#!/bin/sh
# No output writes over what it must not: every file a user names as an
# output (plan --out, export --out, labels --export) is checked before
# anything is written. Refused, whatever the spelling (another path, a
# symlink, a hard link): the workspace's pairs and activation files, the
# command's own plan file, the workspace directory and every file in it.
# An existing file is replaced only with --force. A refusal is one line,
# exit 1, and changes nothing: not the file, not the current plan.
. "$srcdir/tests/lib.sh"
cd "$TMPD" || exit 1
"$PYTHON3" "$srcdir/tests/harden_fixture.py" data --pairs 48 >/dev/null || exit 1
ws=$TMPD/ws
"$SAFER" init "$ws" --pairs data/pairs.jsonl --acts data/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train "$ws" --latents 64 --k 4 --epochs 2 >/dev/null 2>&1 &&
	"$SAFER" label "$ws" 3 --name kept --safety 5 >/dev/null 2>&1 &&
	"$SAFER" plan "$ws" --poison 0.1 >/dev/null 2>&1
ok $? "a workspace with an SAE, a label and a current plan"

# sums: the checksum of everything that must survive
sums() { cksum data/pairs.jsonl data/acts.safetensors "$ws"/manifest.msgpack \
	"$ws"/labels.msgpack "$ws"/plan.jsonl "$ws"/sae/* "$ws"/latents.bin; }
sums >before.sum
ok $? "checksums taken"

# refused NAME PATTERN CMD...: exit 1, one line matching PATTERN, and
# nothing that must survive has changed
refused() {
	local name=$1 pat=$2
	shift 2
	expect_fail 1 "$pat" "$name" -- "$@"
	sums >after.sum
	cmp -s before.sum after.sum
	ok $? "$name: nothing changed"
}

mkdir -p other sub
ln data/pairs.jsonl other/hard-pairs.jsonl
ln -s ../data/acts.safetensors other/link-acts
ln -s "$ws" other/link-ws
"$SAFER" plan "$ws" --poison 0.2 --out mine.jsonl >/dev/null 2>&1
ok $? "plan --out a new file"
sums >before.sum

# --- the workspace's inputs, however they are named ---
refused "export --out the pairs file" "pairs file" \
	"$SAFER" export "$ws" --plan mine.jsonl --out data/pairs.jsonl --force
refused "export --out the pairs file by another spelling" "pairs file" \
	"$SAFER" export "$ws" --plan mine.jsonl --out "./sub/../data//pairs.jsonl" --force
refused "export --out a hard link of the pairs file" "pairs file" \
	"$SAFER" export "$ws" --out other/hard-pairs.jsonl --force
refused "plan --out the activation file" "activation file" \
	"$SAFER" plan "$ws" --poison 0.3 --out data/acts.safetensors --force
refused "plan --out a symlink to the activation file" "activation file" \
	"$SAFER" plan "$ws" --poison 0.3 --out other/link-acts --force
refused "labels --export the pairs file" "pairs file" \
	"$SAFER" labels "$ws" --export data/pairs.jsonl --force
refused "export --out its own --plan file" "an input of this command" \
	"$SAFER" export "$ws" --plan mine.jsonl --out mine.jsonl --force

# --- the workspace directory and what is in it ---
refused "plan --out WS/labels.msgpack" "inside the workspace" \
	"$SAFER" plan "$ws" --poison 0.3 --out "$ws/labels.msgpack" --force
refused "labels --export WS/manifest.msgpack" "inside the workspace" \
	"$SAFER" labels "$ws" --export "$ws/manifest.msgpack" --force
refused "export --out WS/plan.jsonl" "inside the workspace" \
	"$SAFER" export "$ws" --out "$ws/plan.jsonl" --force
refused "plan --out a new file in WS/sae" "inside the workspace" \
	"$SAFER" plan "$ws" --poison 0.3 --out "$ws/sae/new.jsonl"
refused "plan --out a new file through a symlink to WS" "inside the workspace" \
	"$SAFER" plan "$ws" --poison 0.3 --out other/link-ws/new.jsonl
refused "labels --export the workspace directory" "a directory" \
	"$SAFER" labels "$ws" --export "$ws"
[ ! -e "$ws/sae/new.jsonl" ] && [ ! -e "$ws/new.jsonl" ]
ok $? "no file was made in the workspace"

# --- an existing file: replaced only with --force ---
cp mine.jsonl mine.keep
echo '[]' >labels.json
refused "plan --out an existing file" "exists; --force replaces it" \
	"$SAFER" plan "$ws" --poison 0.3 --out mine.jsonl
cmp -s mine.jsonl mine.keep
ok $? "the existing file is as it was"
refused "export --out an existing file" "exists; --force replaces it" \
	"$SAFER" export "$ws" --out mine.jsonl
refused "labels --export an existing file" "exists; --force replaces it" \
	"$SAFER" labels "$ws" --export labels.json
[ "$(cat labels.json)" = "[]" ]
ok $? "labels.json is as it was"
"$SAFER" plan "$ws" --poison 0.3 --out mine.jsonl --force >/dev/null 2>&1 &&
	! cmp -s mine.jsonl mine.keep && [ "$(wc -l <mine.jsonl)" -gt 0 ]
ok $? "plan --out F --force replaces F"
"$SAFER" labels "$ws" --export labels.json --force 2>/dev/null && grep -q '"kept"' labels.json
ok $? "labels --export F --force replaces F"
"$SAFER" export "$ws" --out edited.jsonl 2>/dev/null && "$SAFER" export "$ws" --out edited.jsonl --force 2>/dev/null
ok $? "export --out: new, then --force"
"$SAFER" plan "$ws" --poison 0.3 --force >/dev/null 2>usage.err
[ $? -eq 2 ] && grep -q -- "--force goes with --out" usage.err
ok $? "plan --force without --out is a usage error"

# --- "-" is standard output ---
"$SAFER" plan "$ws" --poison 0.1 --out - 2>/dev/null >plan.out &&
	"$SAFER" plan "$ws" --poison 0.1 2>/dev/null | cmp -s - plan.out && [ ! -e ./- ]
ok $? "plan --out - prints the plan"
"$SAFER" labels "$ws" --export - 2>/dev/null | grep -q '"kept"' && [ ! -e ./- ]
ok $? "labels --export - prints the labels"
"$SAFER" export "$ws" --out edited2.jsonl 2>/dev/null &&
	"$SAFER" export "$ws" --out - 2>/dev/null | cmp -s - edited2.jsonl && [ ! -e ./- ]
ok $? "export --out - prints the edited dataset"

# --- the help says so ---
for c in plan export labels; do
	"$SAFER" help $c | grep -q -- "--force"
	ok $? "safer help $c documents --force"
done
done_testing
