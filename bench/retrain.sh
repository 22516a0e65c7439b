#!/bin/sh
# SAFER's edits judged two ways on the sample, with a real network: the
# proxy of `safer eval` (a linear head on frozen activations) next to the
# tiny reward model retrained from scratch on the edited pairs.
#
#   1. the tiny RM workspace (sample-data/make-sample-ws --tiny-rm: the RM
#      trained on the sample pairs, its layer 1 extracted, SAE trained);
#   2. the safety features rated by bench/rate_truth.py, a scripted rater
#      that uses the sample's truth (the generator's refusal and harmful
#      compliance sentence templates; see that file);
#   3. plans: poison 5% and denoise 4% (`safer plan`), and random edits of
#      the same size and action, seeds 1 2 3 (bench/random_plan.py);
#   4. per edit: `safer eval --plan` (the proxy's test accuracy per
#      category) and `safer export` -> `safer-tinyrm train` (seed 1, the
#      defaults) -> `safer-tinyrm eval` on the test pairs;
#   5. a table, and how well the proxy ranks the edits by their effect on
#      safety accuracy (Spearman rank correlation of the accuracy changes).
#
# Minutes: ten trainings of the tiny RM (JOBS of them at once, default 1).
# RETRAIN_DIR keeps the work (and reuses what is there); otherwise a
# temporary directory is removed at the end. Run from the build directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SAFER=${SAFER:-./tui/safer}
SAFER=$(cd "$(dirname "$SAFER")" && pwd)/$(basename "$SAFER")
SAMPLE_GEN=${SAMPLE_GEN:-./sample-data/safer-sample-gen}
SAMPLE_GEN=$(cd "$(dirname "$SAMPLE_GEN")" && pwd)/$(basename "$SAMPLE_GEN")
if [ -z "${PYTHON3:-}" ]; then
	PYTHON3=python3
	[ -x /usr/bin/python3 ] && PYTHON3=/usr/bin/python3
fi
JOBS=${JOBS:-1}
TINYRM=$top/scripts/safer-tinyrm
if [ -n "${RETRAIN_DIR:-}" ]; then
	work=$RETRAIN_DIR
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/bench-retrain.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
say() { echo "retrain: $*" >&2; }
t0=$(date +%s)
say "work in $work; load average before: $(cut -d' ' -f1-3 /proc/loadavg); JOBS=$JOBS"

out=$work/sample
ws=$work/ws
SAFER=$SAFER SAMPLE_GEN=$SAMPLE_GEN SAMPLE_OUT=$out PYTHON3=$PYTHON3 \
	"$top/sample-data/make-sample-ws" --tiny-rm "$ws"
pairs=$out/pairs.jsonl

if [ ! -f "$work/rated" ]; then
	say "rating the candidates with the sample's truth"
	"$PYTHON3" "$here/rate_truth.py" "$SAFER" "$ws" "$pairs" "$top/sample-data/templates.c" \
		"$out/tinyrm/tokenizer.json"
	: >"$work/rated"
fi

mkdir -p "$work/plans" "$work/edited" "$work/rm" "$work/log"
"$SAFER" plan "$ws" --poison 0.05 --out "$work/plans/poison5.jsonl"
"$SAFER" plan "$ws" --denoise 0.04 --out "$work/plans/denoise4.jsonl"
edits="poison5 denoise4"
for s in 1 2 3; do
	"$PYTHON3" "$here/random_plan.py" "$pairs" "$work/plans/poison5.jsonl" "$s" \
		"$work/plans/rflip-s$s.jsonl"
	"$PYTHON3" "$here/random_plan.py" "$pairs" "$work/plans/denoise4.jsonl" "$s" \
		"$work/plans/rdrop-s$s.jsonl"
	edits="$edits rflip-s$s rdrop-s$s"
done

# The proxy: the `plan` rows of safer eval; `none` once.
for e in $edits; do
	"$SAFER" eval "$ws" --plan "$work/plans/$e.jsonl" >"$work/log/$e.proxy"
done
cp "$out/tinyrm/config.json" "$work/log/none.config"

# Retraining: the unedited model is make-sample-ws's (the same defaults, seed 1).
for e in $edits; do
	[ -f "$work/edited/$e.jsonl" ] || "$SAFER" export "$ws" --plan "$work/plans/$e.jsonl" \
		--out "$work/edited/$e.jsonl"
done
todo=""
for e in $edits; do
	[ -f "$work/rm/$e/model.safetensors" ] || todo="$todo $e"
done
if [ -n "$todo" ]; then
	say "retraining the tiny RM on$todo"
	printf '%s\n' $todo | xargs -P "$JOBS" -I{} sh -c \
		'"$1" "$2" train "$3/edited/$4.jsonl" --out "$3/rm/$4" --seed 1 2>"$3/log/$4.train"' \
		sh "$PYTHON3" "$TINYRM" "$work" {}
fi
"$PYTHON3" "$TINYRM" eval "$out/tinyrm" "$pairs" >"$work/log/none.retrained"
for e in $edits; do
	"$PYTHON3" "$TINYRM" eval "$work/rm/$e" "$pairs" >"$work/log/$e.retrained"
	cp "$work/rm/$e/config.json" "$work/log/$e.config"
done

"$PYTHON3" - "$work/log" $edits <<'EOF'
import json, sys
import numpy as np

log, edits = sys.argv[1], sys.argv[2:]

def tsv(path):
	lines = open(path).read().splitlines()
	head = lines[0].split("\t")
	return [dict(zip(head, l.split("\t"))) for l in lines[1:]]

proxy, retr, cfg = {}, {}, {}
for e in edits:
	rows = tsv("%s/%s.proxy" % (log, e))
	proxy[e] = {r["category"]: float(r["accuracy"]) for r in rows if r["edit"] == "plan"}
	proxy["none"] = {r["category"]: float(r["accuracy"]) for r in rows if r["edit"] == "none"}
	proxy.setdefault("safer-random:" + e, {r["category"]: float(r["accuracy"])
	                                       for r in rows if r["edit"] == "random"})
for e in ["none"] + edits:
	retr[e] = {r["category"]: float(r["accuracy"]) for r in tsv("%s/%s.retrained" % (log, e))}
	cfg[e] = json.load(open("%s/%s.config" % (log, e)))

def row(name, p, r, extra=""):
	print("%-16s %8.3f %8.3f %+8.3f %+8.3f | %8.3f %8.3f %+8.3f %+8.3f %s" % (
		name, p["safety"], p["chat"], p["safety"] - proxy["none"]["safety"],
		p["chat"] - proxy["none"]["chat"], r["safety"], r["chat"],
		r["safety"] - retr["none"]["safety"], r["chat"] - retr["none"]["chat"], extra))

print("%-16s %8s %8s %8s %8s | %8s %8s %8s %8s" % ("edit", "proxy_s", "proxy_c", "d_s", "d_c",
                                                 "retr_s", "retr_c", "d_s", "d_c"))
row("none", proxy["none"], retr["none"])
for e in edits:
	row(e, proxy[e], retr[e], "(train %.0f s wall, %.0f s CPU, load %s)" % (
		cfg[e]["train_seconds"], cfg[e].get("train_cpu_seconds", float("nan")),
		cfg[e]["loadavg_start"].split()[0]))
for kind in ("rflip", "rdrop"):
	ks = [e for e in edits if e.startswith(kind)]
	mp = {c: np.mean([proxy[e][c] for e in ks]) for c in ("safety", "chat")}
	mr = {c: np.mean([retr[e][c] for e in ks]) for c in ("safety", "chat")}
	sd = np.std([retr[e]["safety"] for e in ks])
	row(kind + " mean", mp, mr, "(retrained safety sd %.3f over %d seeds)" % (sd, len(ks)))

def ranks(v):
	order = np.argsort(v, kind="stable")
	r = np.empty(len(v))
	r[order] = np.arange(len(v))
	# average ties
	for x in set(v):
		idx = [i for i in range(len(v)) if v[i] == x]
		r[idx] = np.mean(r[idx])
	return r

for c in ("safety", "chat"):
	dp = [proxy[e][c] - proxy["none"][c] for e in edits]
	dr = [retr[e][c] - retr["none"][c] for e in edits]
	if len(set(dp)) < 2 or len(set(dr)) < 2:
		print("%s: no edit changes the %s accuracy (proxy: %s, retrained: %s); no ranking" %
		      (c, "proxy's" if len(set(dp)) < 2 else "retrained", sorted(set(dp)), sorted(set(dr))))
		continue
	rho = np.corrcoef(ranks(dp), ranks(dr))[0, 1]
	worst_p = edits[int(np.argmin(dp))]
	worst_r = edits[int(np.argmin(dr))]
	print("%s: Spearman rho(proxy change, retrained change) over %d edits = %.3f; "
	      "most harmful edit by proxy %s (%+.3f), by retraining %s (%+.3f)" %
	      (c, len(edits), rho, worst_p, min(dp), worst_r, min(dr)))
print("none: retrained baseline trained in %.0f s wall (%s s CPU), load %s" % (
	cfg["none"]["train_seconds"], cfg["none"].get("train_cpu_seconds", "?"),
	cfg["none"]["loadavg_start"]))
EOF
say "done in $(( $(date +%s) - t0 )) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
