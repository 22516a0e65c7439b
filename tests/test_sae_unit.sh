#!/bin/sh
# The workspace's SAE is saved as one unit. A process that installs one
# SAE after another is killed (SIGKILL) at random moments: after every
# kill the workspace holds a whole SAE - weights and cfg.json of the same
# one - never new weights with an old cfg.json. A mix made by hand (files
# copied in, or left by an older version) is named: "SAE damaged:
# retrain or load it again", and retraining repairs it.
. "$srcdir/tests/lib.sh"
driver=${top_builddir:-.}/tests/kill_sae_driver
"$PYTHON3" "$srcdir/tests/harden_fixture.py" "$TMPD/data" >/dev/null || exit 1
cd "$TMPD" || exit 1
ws=ws
# two SAEs of the same shape, large enough that a save takes a while
"$SAFER" init $ws --pairs data/pairs.jsonl --acts data/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train $ws --latents 4096 --k 4 --epochs 1 --seed 1 >/dev/null 2>&1 &&
	cp -r $ws/sae A &&
	"$SAFER" train $ws --latents 4096 --k 4 --epochs 1 --seed 2 >/dev/null 2>&1 &&
	cp -r $ws/sae B
ok $? "workspace and two SAEs"
! cmp -s A/cfg.json B/cfg.json
ok $? "the two SAEs differ"

seed=${KILL_SEED:-$$}
diag "KILL_SEED=$seed"
bad=0 kills=0 saved=0 i=0
deadline=$(($(date +%s) + 20))
while [ $i -lt 40 ] && [ "$(date +%s)" -lt $deadline ]; do
	i=$((i + 1))
	delay=$(awk -v s="$seed" -v i="$i" 'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * 0.3 }')
	"$driver" save $ws A B >out.txt 2>err.txt &
	pid=$!
	# the delay counts from the session being open, so kills land in saves
	for _ in $(seq 500); do
		grep -q '^open' out.txt && break
		sleep 0.01
	done
	sleep "$delay"
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	[ -s err.txt ] && diag "run $i: $(cat err.txt)"
	n=$(grep -c '^saved ' out.txt)
	saved=$((saved + n))
	if ! "$driver" check $ws 2>cerr.txt; then
		diag "run $i (delay $delay s, $n saves): $(cat cerr.txt)"
		bad=$((bad + 1))
		# start the next run from a whole SAE again
		rm -rf $ws/sae && cp -r A $ws/sae
	fi
done
diag "$i runs, $kills killed, $saved saves completed"
[ $bad -eq 0 ]
ok $? "after every kill the SAE is whole ($bad of $i mixed or unreadable)"
[ $kills -ge $((i / 2)) ] && [ $saved -ge $((i / 2)) ]
ok $? "kills landed while saving ($kills of $i killed, $saved saves)"
[ -z "$(find $ws -maxdepth 1 -name 'sae.new-*' -newer A 2>/dev/null | head -1)" ] ||
	"$SAFER" load-sae $ws A >/dev/null 2>&1
ok $? "a save after the kills succeeds"
[ -z "$(find $ws -maxdepth 1 -name 'sae.new-*')" ]
ok $? "and leaves no directory of a killed save behind"

# A mix made by hand: new weights, old cfg.json.
cp -r $ws mixed && cp A/sae.safetensors mixed/sae/ && cp B/cfg.json mixed/sae/
for cmd in stats top info; do
	arg=
	[ $cmd = top ] && arg=0
	out=$("$SAFER" $cmd mixed $arg 2>&1 >/dev/null)
	printf '%s\n' "$out" | grep -q "SAE damaged: retrain or load it again"
	ok $? "$cmd on mixed weights and cfg.json says the SAE is damaged"
	printf '%s\n' "$out" | grep -q "SAE damaged" || diag "$cmd: $out"
done
expect_fail 1 "mixed/sae: SAE damaged: retrain or load it again" "encode refuses a mixed SAE" -- \
	"$SAFER" encode mixed
# half an SAE: weights without cfg.json
cp -r $ws half && rm half/sae/cfg.json
expect_fail 1 "half/sae: SAE damaged: retrain or load it again" "an SAE without cfg.json is damaged" -- \
	"$SAFER" stats half
"$SAFER" train mixed --latents 32 --k 4 --epochs 1 >/dev/null 2>&1 &&
	"$SAFER" stats mixed >/dev/null 2>&1
ok $? "retraining repairs it"
"$SAFER" load-sae half A >/dev/null 2>&1 && "$SAFER" stats half >/dev/null 2>&1
ok $? "loading one again repairs it"
done_testing
