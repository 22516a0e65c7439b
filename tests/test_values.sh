#!/bin/sh
# Wrong results are never accepted silently. An SAE whose products
# overflow on the activations is refused (at load-sae on a sample of rows,
# at encoding on any row) naming the row, and no statistics, scores or plan
# come of it; activations far from unit scale (1e-30, 1e36) train with
# either normalisation and report a true NMSE; reserved flags bits and
# feature ids that no SAE has are refused, ids beyond the workspace's SAE
# noted (doc/formats.md).
. "$srcdir/tests/lib.sh"
gen=$srcdir/tests/values_fixture.py
cd "$TMPD" || exit 1
"$PYTHON3" "$srcdir/tests/harden_fixture.py" data --pairs 40 >/dev/null || exit 1
A=data/acts.safetensors
"$SAFER" init ws --pairs data/pairs.jsonl --acts $A >/dev/null 2>&1 &&
	"$SAFER" train ws --latents 32 --k 4 --epochs 2 >/dev/null 2>&1 &&
	"$SAFER" plan ws --poison 0.1 >/dev/null 2>&1
ok $? "small workspace with an SAE and a plan"
cp -r ws/sae sae.before && cp ws/plan.jsonl plan.before

# ---- SAE weights that overflow ----------------------------------------------
"$PYTHON3" "$gen" sae huge huge 32 16
expect_fail 1 "huge: encoding row [0-9]+ \(pair [0-9]+, [a-z]+, pos [0-9]+\) gives a non-finite latent \(weights too large" \
	"load-sae: weights of 3e38 refused, naming the row" -- "$SAFER" load-sae ws huge
diff -r ws/sae sae.before >/dev/null
ok $? "... and the workspace's SAE is untouched"
# Row 6 (pair 0, chosen, pos 0) is outside load-sae's sample of 512 of the
# 720 rows: weights of 1e10 pass the sample and overflow on that row alone.
"$PYTHON3" "$gen" spike $A spike.safetensors 6 1e30
"$PYTHON3" "$gen" sae big big 32 16
"$SAFER" init wsb --pairs data/pairs.jsonl --acts spike.safetensors >/dev/null 2>&1 &&
	"$SAFER" load-sae wsb big >/dev/null 2>&1
ok $? "an SAE that overflows on one unsampled row loads"
for cmd in stats score "plan --poison 0.1" encode; do
	expect_fail 1 "wsb/sae: encoding row 6 \(pair 0, chosen, pos 0\) gives a non-finite latent" \
		"$cmd refuses, naming the row" -- "$SAFER" $cmd wsb
done
[ ! -e wsb/latents.bin ] && [ ! -e wsb/plan.jsonl ]
ok $? "no latents and no plan are kept"

# Pair 0's chosen rows (6-11) at +3e38, its rejected rows (12-17) at
# -3e38: finite, but their difference is not a float. The reward head says
# so rather than train on infinities.
"$PYTHON3" "$gen" spike $A edge1.safetensors 6:12 3e38
"$PYTHON3" "$gen" spike edge1.safetensors edge.safetensors 12:18 -3e38
"$SAFER" init wse --pairs data/pairs.jsonl --acts edge.safetensors >/dev/null 2>&1
ok $? "activations at the F32 limit are finite: init takes them"
"$SAFER" eval wse >/dev/null 2>err.edge
rc=$?
[ $rc -eq 1 ] && tail -1 err.edge | grep -q "edge.safetensors: pair 0: its responses' mean activations differ by more than a float holds at column 0"
ok $? "eval: a pooled difference past the float range is refused, naming the pair (exit $rc: $(tail -1 err.edge))"

# ---- activations far from unit scale ---------------------------------------
nmse() { sed -n 's/^NMSE \([0-9.]*\) .*/\1/p' "$1"; }
for s in 0x1p-100 0x1p120 1e-30 1e36; do
	"$PYTHON3" "$gen" scale $A "a$s.safetensors" $s
	"$SAFER" init "w$s" --pairs data/pairs.jsonl --acts "a$s.safetensors" >/dev/null 2>&1
	for n in standardize none; do
		"$SAFER" train "w$s" --latents 32 --k 4 --epochs 4 --normalize $n >"out.$s.$n" 2>"err.$s.$n"
		rc=$?
		v=$(nmse "out.$s.$n")
		[ $rc -eq 0 ] && "$PYTHON3" -c "import sys; v = float(sys.argv[1]); sys.exit(not 0.01 < v < 0.6)" "$v"
		r=$?
		ok $r "activations x $s, --normalize $n: trains, NMSE $v is a real figure"
		[ $r -eq 0 ] || diag "exit $rc: $(tail -1 "err.$s.$n")"
		[ $n = none ] && "$SAFER" stats "w$s" --sort id | cut -f1,2 >"sal.$s"
	done
done
# With no normalisation, a power-of-2 scale is undone exactly: the same run.
[ -n "$(nmse out.0x1p-100.none)" ] && [ "$(nmse out.0x1p-100.none)" = "$(nmse out.0x1p120.none)" ]
ok $? "2^-100 and 2^120 times the rows train the same SAE (NMSE $(nmse out.0x1p-100.none), $(nmse out.0x1p120.none))"
cmp -s sal.0x1p-100 sal.0x1p120 && [ "$(wc -l <sal.0x1p-100)" -eq 33 ]
ok $? "... and give the same salience"

# ---- reserved flags bits ---------------------------------------------------
"$PYTHON3" "$gen" flags $A flags.safetensors 5 3
expect_fail 1 "flags.safetensors: row 5: flags 0x03 set reserved bits" \
	"reserved flags bits refused at init" -- "$SAFER" init wsf --pairs data/pairs.jsonl --acts flags.safetensors
[ ! -e wsf/manifest.msgpack ]
ok $? "... and no workspace is made"

# ---- feature ids in an edit list's sets ------------------------------------
"$PYTHON3" - plan.before <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
for name, ids in (("cap", [16777216]), ("neg", [-1]), ("beyond", [40])):
    with open("plan.%s.jsonl" % name, "w") as f:
        for o in lines:
            o = dict(o, s_plus=ids)
            f.write(json.dumps(o) + "\n")
PY
expect_fail 1 "plan.cap.jsonl:1: \"s_plus\"/\"s_minus\" must be arrays of feature ids \(integers from 0 to 16777215\)" \
	"eval: a feature id no SAE has is refused" -- "$SAFER" eval ws --plan plan.cap.jsonl
expect_fail 1 "plan.neg.jsonl:1: \"s_plus\"/\"s_minus\" must be arrays of feature ids" \
	"export: a negative feature id is refused" -- "$SAFER" export ws --plan plan.neg.jsonl --out x.jsonl
[ ! -e x.jsonl ]
ok $? "... and nothing is written"
for cmd in eval export; do
	extra=""
	[ $cmd = export ] && extra="--out beyond.$cmd.jsonl"
	"$SAFER" $cmd ws --plan plan.beyond.jsonl $extra >/dev/null 2>err.$cmd
	rc=$?
	[ $rc -eq 0 ] && grep -q "note: plan.beyond.jsonl: its feature sets name feature 40, but the SAE has 32 features (0-31)" err.$cmd
	ok $? "$cmd: a feature beyond the SAE's is noted, the edits used (exit $rc: $(head -c 300 err.$cmd))"
done
"$SAFER" eval ws >/dev/null 2>err.cur
! grep -q "its feature sets" err.cur
ok $? "the workspace's own plan draws no note"
diff -r ws/sae sae.before >/dev/null && cmp -s ws/plan.jsonl plan.before
ok $? "the workspace's SAE and plan are untouched"

done_testing
