#!/bin/sh
# The README's tour of the command line, in several orders, on fresh
# workspaces that get their SAE from `load-sae` (trained in another
# workspace) or from `train`, never running `safer encode`: every command
# works in any order, takes the steps it needs itself (progress on stderr),
# does not take them twice, and the results are the same whatever the order.
. "$srcdir/tests/lib.sh"
cd "$TMPD" || exit 1
"$PYTHON3" "$srcdir/tests/harden_fixture.py" data --pairs 48 >/dev/null || exit 1
TRAIN="--latents 64 --k 4 --epochs 2"

# fresh NAME: a new workspace on the fixture
fresh() { "$SAFER" init "$1" --pairs data/pairs.jsonl --acts data/acts.safetensors >/dev/null 2>&1; }

# step WS NAME CMD ARGS...: run `safer CMD WS ARGS...`, stdout in
# WS.NAME.out, stderr in WS.NAME.err; one test that it succeeded.
step() {
	local w=$1 name=$2 cmd=$3
	shift 3
	"$SAFER" "$cmd" "$w" "$@" >"$w.$name.out" 2>"$w.$name.err"
	local rc=$?
	ok $rc "$w: safer $cmd $* ($name)"
	[ $rc -eq 0 ] || diag "$(head -3 "$w.$name.err")"
}

# took WS NAME STEP: the command's stderr shows progress of STEP
took() { grep -q "^$3: [0-9]*%" "$1.$2.err"; }

# snapshot WS: every result at the end, into WS.snap/ (labels without
# their time stamps, which differ by construction)
snapshot() {
	local w=$1 s=$1.snap
	mkdir -p "$s"
	"$SAFER" stats "$w" >"$s/stats" 2>/dev/null &&
		"$SAFER" top "$w" "$F" -n 5 >"$s/top" 2>/dev/null &&
		"$SAFER" top "$w" "$F" --judge >"$s/judge" 2>/dev/null &&
		"$SAFER" score "$w" --all --format json >"$s/score" 2>/dev/null &&
		"$SAFER" plan "$w" --denoise 0.1 --out "$s/denoise.jsonl" >/dev/null 2>&1 &&
		"$SAFER" eval "$w" --plan "$s/denoise.jsonl" --seeds 2 >"$s/eval" 2>/dev/null &&
		"$SAFER" export "$w" --out "$s/edited.jsonl" >/dev/null 2>&1 &&
		"$SAFER" labels "$w" | cut -f1-4 >"$s/labels"
	ok $? "$w: every result at the end"
}

# ---- the SAE, trained in a workspace of its own, never encoded ---------------
fresh src && "$SAFER" train src $TRAIN --no-encode >/dev/null 2>src.train.err
ok $? "src: init and train (--no-encode)"
[ ! -e src/latents.bin ]
ok $? "src: no latents yet"

# ---- order A: load-sae, then stats first ------------------------------------
fresh A
step A load load-sae src/sae
! grep -q "safer encode" A.load.out A.load.err
ok $? "A: load-sae does not send the user to safer encode"
step A info0 info
grep -qx "sae	yes" A.info0.out && grep -qx "latents	no" A.info0.out
ok $? "A: info after load-sae: sae yes, latents no"
step A stats1 stats
took A stats1 encoding && took A stats1 statistics
ok $? "A: the first stats encodes the rows and computes the statistics, saying so"
step A info1 info
grep -qx "latents	yes" A.info1.out
ok $? "A: info now says latents yes"
step A stats2 stats
cmp -s A.stats1.out A.stats2.out
ok $? "A: a second stats gives the same table"
! took A stats2 encoding
ok $? "A: a second stats does not encode again"
! took A stats2 statistics && [ -f A/stats-sentence.bin ]
ok $? "A: nor compute the statistics: it reads them from their cache"
# the feature of the tour: the most salient one
F=$(sed -n 2p A.stats1.out | cut -f1)
[ -n "$F" ]
ok $? "A: the most salient feature is $F"
step A top top "$F" --side rejected -n 10
took A top index && ! took A top encoding
ok $? "A: top builds the index, from the latents stats wrote"
step A label label "$F" --name "step-by-step compliance" --safety 5
step A stats3 stats
cut -f1-10 A.stats1.out >A.stats1.num
cut -f1-10 A.stats3.out | cmp -s - A.stats1.num &&
	awk -F'\t' -v f="$F" '$1 == f && $11 == "step-by-step compliance" && $12 == "5" { y = 1 } END { exit !y }' A.stats3.out
ok $? "A: after the label, stats shows it; the numbers are unchanged"
step A score score --format json
step A poison plan --poison 0.05
cp A.poison.out A.poison5.jsonl
step A mark plan --mark 17,42 --action drop
step A eval eval --plan A.poison5.jsonl
step A export export --plan A.poison5.jsonl --out A.edited.jsonl
step A labels labels
snapshot A

# ---- order B: load-sae, label before anything, eval before plan -------------
fresh B
step B load load-sae src/sae
step B label label "$F" --name "step-by-step compliance" --safety 5
! took B label encoding
ok $? "B: label before anything needs no encoding"
step B eval0 eval
[ "$(cut -f1 B.eval0.out | sort -u | tr '\n' ' ')" = "edit none " ]
ok $? "B: eval before any plan: the data as is only"
! took B eval0 encoding && took B eval0 pooling
ok $? "B: eval pools the activations and needs no latents"
step B poison plan --poison 0.05
took B poison encoding && took B poison statistics
ok $? "B: plan before stats encodes and computes what it needs"
cmp -s B.poison.out A.poison.out
ok $? "B: the same poison plan as A"
step B mark plan --mark 17,42 --action drop
cmp -s B.mark.out A.mark.out
ok $? "B: the same manual plan as A"
step B eval1 eval
cut -f1 B.eval1.out | grep -qx plan
ok $? "B: eval without --plan evaluates the current plan"
step B stats stats
! took B stats encoding
ok $? "B: stats after plan does not encode again"
cmp -s B.stats.out A.stats3.out
ok $? "B: the statistics (with the label) are A's"
step B top top "$F" --side rejected -n 10
cmp -s B.top.out A.top.out
ok $? "B: top is A's"
step B export export --out B.edited.jsonl
"$SAFER" export A --plan A.mark.out --out A.cur.jsonl 2>/dev/null && cmp -s B.edited.jsonl A.cur.jsonl
ok $? "B: export without --plan writes the current plan's dataset"
snapshot B

# ---- order C: load-sae, marks first, then top, then the rest ----------------
fresh C
step C load load-sae src/sae
step C mark0 plan --mark 17,42 --action drop
took C mark0 encoding
ok $? "C: marks on a fresh workspace get scores: the rows are encoded for them"
step C top top "$F" --side rejected -n 10
! took C top encoding && cmp -s C.top.out A.top.out
ok $? "C: top reuses the latents and is A's"
step C label label "$F" --name "step-by-step compliance" --safety 5
step C score score --format json
cmp -s C.score.out A.score.out
ok $? "C: score is A's"
step C poison plan --poison 0.05
cmp -s C.poison.out A.poison.out
ok $? "C: the poison plan is A's"
step C mark plan --mark 17,42 --action drop
step C stats stats
cmp -s C.stats.out A.stats3.out
ok $? "C: stats (with the label) is A's"
snapshot C

# ---- order D: train, then label, plan, eval, export -------------------------
fresh D
step D train train $TRAIN
took D train encoding
ok $? "D: train encodes at its end"
step D label label "$F" --name "step-by-step compliance" --safety 5
step D poison plan --poison 0.05
! took D poison encoding
ok $? "D: plan after train does not encode again"
step D mark plan --mark 17,42 --action drop
step D eval eval
step D export export --out D.edited.jsonl
snapshot D

# ---- order E: train --no-encode, score first --------------------------------
fresh E
step E train train $TRAIN --no-encode
step E score0 score
took E score0 encoding && took E score0 statistics
ok $? "E: score first encodes and computes the statistics"
step E label label "$F" --name "step-by-step compliance" --safety 5
step E stats stats
step E poison plan --poison 0.05
step E mark plan --mark 17,42 --action drop
snapshot E

# ---- src itself: trained without encoding, marks before the poison plan ----
step src label label "$F" --name "step-by-step compliance" --safety 5
step src mark plan --mark 17,42 --action drop
step src poison plan --poison 0.05
step src mark2 plan --mark 17,42 --action drop
snapshot src

# ---- order R: load-sae, then only read-only commands ------------------------
fresh R
step R load load-sae src/sae
ls R >R.before
step R stats stats --read-only
cmp -s R.stats.out A.stats1.out && took R stats encoding
ok $? "R: stats --read-only encodes in memory and gives A's table"
step R score score --read-only
step R top top "$F" --side rejected -n 10 --read-only
cmp -s R.top.out A.top.out
ok $? "R: top --read-only is A's"
ls R | cmp -s - R.before
ok $? "R: nothing was written in the workspace"

# ---- the same results whatever the order -------------------------------------
for w in B C D E src; do
	bad=
	for f in stats top judge score denoise.jsonl eval edited.jsonl labels; do
		cmp -s "A.snap/$f" "$w.snap/$f" || bad="$bad $f"
	done
	[ -z "$bad" ]
	ok $? "$w: every final result equals A's${bad:+ (differ:$bad)}"
done
# the plans made in the tour: poison 0.05, then pairs 17 and 42 dropped by
# hand (src and C marked them before as well; the poison plan replaced that)
cp src.mark2.out src.mark.out
for w in B C D E src; do
	cmp -s A.mark.out "$w.mark.out"
	ok $? "$w: the manual plan equals A's"
done
# nothing ever had to be encoded by hand
for w in A B C D E src; do
	[ -f "$w/latents.bin" ] && [ -f "$w/index.bin" ]
	ok $? "$w: the latents and the index are cached in the workspace"
done
done_testing
