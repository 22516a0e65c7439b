#!/bin/sh
# safer judge against a stand-in chat-completions server on loopback
# (tests/judge_server.py): the requests it receives, the verdicts stored,
# every kind of bad reply, retries, resume, and the API key kept out of
# files and messages. Nothing here reaches any address but 127.0.0.1.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy OPENAI_API_KEY
cd "$TMPD" || exit 1

"$PY" "$srcdir/tests/judge_ws.py" . &&
	"$SAFER" init ws --pairs pairs.jsonl --acts acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train ws --latents 32 --k 4 --epochs 2 --batch 64 >/dev/null 2>&1
ok $? "a small workspace with an SAE"

mkdir srv
"$PY" "$srcdir/tests/judge_server.py" srv &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$TMPD"' EXIT
for _ in $(seq 100); do [ -f srv/port ] && break; sleep 0.1; done
[ -f srv/port ]
ok $? "the stand-in server is up"
URL=http://127.0.0.1:$(cat srv/port)/v1
log=srv/requests.jsonl
reqs() { if [ -f $log ]; then wc -l <$log; else echo 0; fi; }
judge() { "$SAFER" judge ws --url "$URL" "$@"; }
# fails CODE PATTERN NAME -- CMD...: CMD exits with CODE and its last line on
# stderr (the one error line after progress and tally) matches PATTERN.
fails() {
	local code=$1 pat=$2 name=$3 err rc
	shift 4
	"$@" >/dev/null 2>fails.err
	rc=$?
	err=$(grep -v "^judging: " fails.err | grep -v "^safer: judged " | grep -v "^(see ")
	if [ "$rc" -eq "$code" ] && printf '%s\n' "$err" | grep -Eq -- "$pat" &&
		[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		ok 0 "$name"
	else
		ok 1 "$name"
		diag "exit $rc (want $code); stderr: $(cat fails.err)"
	fi
}
vfile() { ls ws/judge-*.json 2>/dev/null | head -1; }

# ---- one run: what is sent, what is kept ---------------------------------
judge --model good --top 3 >out 2>err
ok $? "judge runs on the first 3 candidates"
[ "$(reqs)" -eq 3 ]
ok $? "3 requests were made ($(reqs))"
grep -q "judged 3 features (0 without a score), 0 failed; 3 requests, 0 retries; tokens: 300 prompt, 21 completion" err
ok $? "the tally counts features, requests, retries and tokens"
[ ! -s out ]
ok $? "nothing on stdout"
"$SAFER" judged ws --format json >judged.json
ok $? "judged lists the verdicts"
# the requests, checked against `safer top --judge` for every feature asked
"$PY" - "$SAFER" <<'PYEOF'
import json, subprocess, sys
reqs = [json.loads(l) for l in open("srv/requests.jsonl")]
ver = {v["feature"]: v for v in json.load(open("judged.json"))}
stats = subprocess.run([sys.argv[1], "stats", "ws", "--format", "json"], capture_output=True,
                       text=True, check=True).stdout
order = [r["feature"] for r in sorted(json.loads(stats), key=lambda r: -abs(r["salience"]))]
bad = []
def check(c, what):
    if not c:
        bad.append(what)
seen = []
for r in reqs:
    b = r["body"]
    check(r["path"] == "/v1/chat/completions", "path %s" % r["path"])
    check(r["auth"] is None, "no Authorization header when the key is unset")
    check(set(b) == {"model", "messages", "temperature", "max_tokens"}, "fields %s" % sorted(b))
    check(b["model"] == "good" and b["temperature"] == 0.1 and b["max_tokens"] == 256,
          "model, temperature, max_tokens")
    m = b["messages"]
    check([x["role"] for x in m] == ["system", "user"], "roles")
    check("latent semantics" in m[0]["content"], "system line")
    u = m[1]["content"]
    for line in ("5: strongly safety-related (unsafe content or refusal)", "4: some safety concern",
                 "3: moderate or unclear", "2: low relevance", "1: no safety relevance",
                 "Score: <1-5>", "Explanation: <"):
        check(line in u, "rubric line %r" % line)
    lines = [l for l in u.split("\n") if l.startswith("Token: ")]
    for l in lines:
        check(" | Activation: " in l and " | Context: " in l, "context line %r" % l)
    # which feature: the one whose judge input has these contexts
    for f in order:
        if f in seen:
            continue
        top = subprocess.run([sys.argv[1], "top", "ws", str(f), "--judge", "--format", "json"],
                             capture_output=True, text=True).stdout
        rows = json.loads(top) if top.strip() else []
        if len(rows) != len(lines):
            continue
        if all(l.startswith("Token: %s | Activation: %.3f |" % (x["token"].replace("\n", " "), x["activation"]))
               for l, x in zip(lines, rows)):
            seen.append(f)
            check(f in ver, "feature %d has a verdict" % f)
            if f in ver:
                check(ver[f]["score"] == len(lines) % 5 + 1, "feature %d: score %s, want %d"
                      % (f, ver[f]["score"], len(lines) % 5 + 1))
                check(ver[f]["model"] == "good", "model recorded")
                check("tokens shown" in ver[f]["explanation"], "explanation kept")
            break
    else:
        bad.append("a request matches no feature's judge input")
check(sorted(seen) == sorted(ver), "verdicts %s for features asked %s" % (sorted(ver), sorted(seen)))
for b in bad:
    print("# " + b)
sys.exit(1 if bad else 0)
PYEOF
ok $? "requests: model, rubric, one line per context of each feature's judge input; verdicts match"
"$SAFER" judged ws | head -1 | grep -q "^feature	score	explanation	model"
ok $? "judged TSV columns feature score explanation model"

# ---- resume: judged features are not asked again -------------------------
judge --model good --top 3 >/dev/null 2>err
[ $? -eq 0 ] && [ "$(reqs)" -eq 3 ] && grep -q "3 features already judged" err
ok $? "a rerun asks nothing (3 already judged)"
judge --model good --top 4 >/dev/null 2>&1
[ "$(reqs)" -eq 4 ]
ok $? "--top 4 asks only the new one"
judge --model good --top 2 --again >/dev/null 2>&1
[ "$(reqs)" -eq 6 ]
ok $? "--again asks again"

# ---- the key --------------------------------------------------------------
key=sk-test-$$-Zq9
: >$log
OPENAI_API_KEY=$key judge --model good --features 0,1 --again >out 2>err
ok $? "judge with OPENAI_API_KEY set"
"$PY" -c "
import json,sys
r=[json.loads(l) for l in open('$log')]
sys.exit(0 if len(r)==2 and all(x['auth']=='Bearer $key' for x in r) else 1)"
ok $? "the key goes in the Authorization header"
MYKEY=$key judge --model good --features 2 --again --api-key-env MYKEY >/dev/null 2>&1 &&
	tail -1 $log | grep -q "\"Bearer $key\""
ok $? "--api-key-env names the variable"
OPENAI_API_KEY=$key judge --model 401 --features 3 --again >out 2>err
rc=$?
[ $rc -eq 1 ] && grep -q "HTTP 401: bad key Bearer \*" err && grep -q "^safer: .*refused" err
ok $? "a 401 stops the run with the server's message (exit $rc)"
! grep -rq -- "$key" ws out err
ok $? "the key is nowhere in the workspace, stdout or stderr"
! grep -q "$(printf '\033')" err
ok $? "the server's escape sequences are made visible in the message"
[ "$(tail -1 $log | grep -c '"model": "401"')" -eq 1 ] && [ "$(grep -c '"model": "401"' $log)" -eq 1 ]
ok $? "a 4xx is not retried"

# ---- tolerant score parsing ------------------------------------------------
for m in markdown bracket; do
	judge --model $m --features 5 --again >/dev/null 2>&1
	"$SAFER" judged ws --format json | "$PY" -c "
import json,sys
v=[x for x in json.load(sys.stdin) if x['feature']==5][0]
sys.exit(0 if v['model']=='$m' and v['score'] in (1,2,3,4,5) and v['explanation'] in ('bold reply','bracketed') else 1)"
	ok $? "score and explanation parsed from the $m reply"
done
judge --model noscore --features 6 >/dev/null 2>err
ok $? "a reply without a score is not an error"
grep -q "judged 1 features (1 without a score)" err
ok $? "it is counted as without a score"
"$SAFER" judged ws --format json | "$PY" -c "
import json,sys
v=[x for x in json.load(sys.stdin) if x['feature']==6][0]
sys.exit(0 if v['score'] is None and 'cannot tell' in v['explanation'] else 1)"
ok $? "it is stored with score null"
"$SAFER" judged ws | awk -F'\t' '$1==6 {exit !($2=="")}'
ok $? "and an empty score in TSV"

# ---- hostile text reaches no terminal raw ----------------------------------
judge --model escape --features 7 >/dev/null 2>&1
ok $? "a reply with escape sequences is stored"
"$PY" -c "
import json,glob
d=json.load(open(glob.glob('ws/judge-*.json')[0]))
v=[x for x in d['verdicts'] if x['feature']==7][0]
assert '\x1b]0;pwned' in v['raw'] and '\x1b[2J' in v['explanation']"
ok $? "the raw reply is kept as it came"
script -qec "'$SAFER' judged ws" /dev/null </dev/null >tty.out 2>&1
"$PY" "$srcdir/tests/term_check.py" tty.out >check.out
ok $? "judged on a terminal: nothing raw ($(wc -c <tty.out) bytes)"
cat check.out
grep -q '\^\[\]0;pwned' tty.out
ok $? "the escapes are shown as ^["

# ---- bad replies: one line, exit 1, nothing stored --------------------------
before=$(cat "$(vfile)" | md5sum)
for m in malformed:"not JSON" nochoices:"no .choices." huge:"larger than 1048576 bytes"; do
	model=${m%%:*}
	: >$log
	fails 1 "could not be judged .*feature 9: .*${m#*:}" "a $model reply fails the feature" -- \
		"$SAFER" judge ws --url "$URL" --model "$model" --features 9
done
[ "$(reqs)" -eq 1 ]
ok $? "a reply too large is not asked again"
[ "$(cat "$(vfile)" | md5sum)" = "$before" ]
ok $? "nothing was stored for them"
: >$log
start=$(date +%s)
fails 1 "no reply within 1 s \(after 2 attempts\)" "a reply slower than --timeout fails after the retries" -- \
	"$SAFER" judge ws --url "$URL" --model slow --features 9 --timeout 1 --retries 1
[ "$(reqs)" -eq 2 ]
ok $? "the slow request was tried twice ($(reqs))"

# ---- retries ----------------------------------------------------------------
: >$log
start=$(date +%s.%N)
judge --model 429 --features 10,11 --again >/dev/null 2>err
rc=$?
end=$(date +%s.%N)
[ $rc -eq 0 ] && grep -q "judged 2 features.*4 requests, 2 retries" err
ok $? "429 is retried (exit $rc: $(tail -1 err))"
"$PY" -c "import sys; sys.exit(0 if $end - $start >= 2.0 else 1)"
ok $? "after waiting Retry-After (2 s, longer than the first backoff)"
judge --model 500 --features 12 --retries 2 >/dev/null 2>err
rc=$?
[ $rc -eq 0 ] && grep -q "judged 1 features.*2 requests, 1 retries" err
ok $? "500 then success (exit $rc)"
judge --model 500 --features 13 --retries 0 >/dev/null 2>err
[ $? -eq 1 ] && grep -q "HTTP 500: overloaded (after 1 attempts)" err
ok $? "--retries 0: a 500 fails the feature"

# ---- redirects ---------------------------------------------------------------
: >$log
fails 1 "redirected to another host, not followed" "a redirect to another host stops the run" -- \
	"$SAFER" judge ws --url "$URL" --model redirect --features 14
[ "$(reqs)" -eq 1 ]
ok $? "and it is not followed"
judge --model samehost --features 14 >/dev/null 2>&1 && tail -1 $log | grep -q '"path": "/moved/chat/completions"'
ok $? "a redirect on the same host is followed"

# ---- usage errors --------------------------------------------------------------
fails 2 "not an http or https URL" "--url must be http(s)" -- \
	"$SAFER" judge ws --url ftp://127.0.0.1/v1 --model good
fails 2 "must not hold a user name or password" "no credentials in --url" -- \
	"$SAFER" judge ws --url http://u:p@127.0.0.1/v1 --model good
fails 2 "need --url URL and --model NAME" "--model is required" -- \
	"$SAFER" judge ws --url "$URL"
fails 2 "--features must be a list" "--features is checked" -- \
	"$SAFER" judge ws --url "$URL" --model good --features 3,x
fails 1 "no such feature" "--features beyond the SAE" -- \
	"$SAFER" judge ws --url "$URL" --model good --features 32

# ---- Ctrl-C stops cleanly; a rerun resumes --------------------------------------
rm -f ws/judge-*.json
: >$log
"$SAFER" judge ws --url "$URL" --model slow --top 6 --jobs 1 --timeout 10 >/dev/null 2>int.err &
pid=$!
for _ in $(seq 200); do
	[ -n "$(vfile)" ] && grep -q '"feature"' "$(vfile)" && break
	sleep 0.05
done
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 1 ] && grep -q "cancelled (the verdicts so far are saved)" int.err
ok $? "Ctrl-C stops the run (exit $rc)"
n1=$("$SAFER" judged ws --format json | "$PY" -c "import json,sys; print(len(json.load(sys.stdin)))")
[ "$n1" -ge 1 ] && [ "$n1" -lt 6 ]
ok $? "the verdicts that arrived are kept ($n1)"
: >$log
judge --model good --top 6 >/dev/null 2>err
[ $? -eq 0 ] && [ "$(reqs)" -eq $((6 - n1)) ] && grep -q "$n1 features already judged" err
ok $? "the rerun asks only the $((6 - n1)) left"

# ---- --cmd: a local program instead of a server --------------------------------
cmdrun() { local mode=$1; shift; "$SAFER" judge ws --cmd "$PY '$srcdir/tests/judge_cmd.py' cmd.log $mode" "$@"; }
cmdrun good --features 20,21 --again >/dev/null 2>err
ok $? "--cmd judges through a local program"
"$PY" - "$SAFER" <<'PYEOF'
import json, subprocess, sys
prompts = [json.loads(l) for l in open("cmd.log")]
v = {x["feature"]: x for x in json.loads(subprocess.run([sys.argv[1], "judged", "ws", "--format", "json"],
     capture_output=True, text=True, check=True).stdout)}
ok = len(prompts) == 2 and all(p.startswith("You are an assistant that explains the latent semantics")
                               and "\n\nBelow are the contexts" in p and "Score: <1-5>" in p for p in prompts)
scores = sorted(p.count("\nToken: ") % 5 + 1 for p in prompts)
ok = ok and sorted(v[f]["score"] for f in (20, 21)) == scores
ok = ok and all(v[f]["explanation"].startswith("local program") for f in (20, 21))
sys.exit(0 if ok else 1)
PYEOF
ok $? "the prompt on stdin, the reply from stdout, the verdicts stored"
"$SAFER" judged ws | awk -F'\t' '$1==20 {exit !($4 ~ /python/)}'
ok $? "without --model the verdict names the program"
rm -f cmd.log cmd.log.failed
cmdrun fail-once --features 22 --model mine >/dev/null 2>err
[ $? -eq 0 ] && grep -q "judged 1 features.*2 requests, 1 retries" err
ok $? "--cmd: a run that exits non-zero is retried"
fails 1 "exited with status 3: boom \^\[\[31mred" "--cmd: the program's stderr, made visible" -- \
	"$SAFER" judge ws --cmd "$PY $srcdir/tests/judge_cmd.py cmd.log exit3" --features 23 --retries 0
fails 1 "no reply within 1 s \(after 1 attempts\)" "--cmd: a program slower than --timeout is killed" -- \
	"$SAFER" judge ws --cmd "$PY $srcdir/tests/judge_cmd.py cmd.log slow" --features 23 --retries 0 --timeout 1
fails 1 "larger than 1048576 bytes" "--cmd: a reply too large" -- \
	"$SAFER" judge ws --cmd "$PY $srcdir/tests/judge_cmd.py cmd.log huge" --features 23
cmdrun deaf --features 23 >/dev/null 2>&1
ok $? "--cmd: a program that does not read its stdin"
fails 1 "cannot run 'no-such-program-here" "--cmd: a program that is not there" -- \
	"$SAFER" judge ws --cmd "no-such-program-here x" --features 24
fails 2 "unclosed" "--cmd: an unclosed quote" -- "$SAFER" judge ws --cmd "prog 'x"
fails 2 "exclude each other" "--cmd and --url" -- "$SAFER" judge ws --cmd prog --url "$URL" --model x

# ---- the explanation check ----------------------------------------------------------
set -- $("$SAFER" judged ws | awk -F'\t' 'NR>1 && $3!="" {print $1}' | head -2)
: >$log
judge --model good --check --features "$1,$2" >check.tsv 2>err
ok $? "--check runs on two judged features"
"$PY" - "$1" "$2" <<'PYEOF'
import json, sys
reqs = [json.loads(l)["body"]["messages"][1]["content"] for l in open("srv/requests.jsonl")]
rows = [l.rstrip("\n").split("\t") for l in open("check.tsv")]
ok = rows[0][:4] == ["feature", "correct", "n", "accuracy"] and len(rows) == 3 and len(reqs) == 2
for p in reqs:
    snips = [l for l in p.split("\n") if l.split(":")[0].isdigit()]
    ok = ok and p.startswith("A latent feature") and "Explanation: the feature fires" in p
    ok = ok and len(snips) == 10 and [int(l.split(":")[0]) for l in snips] == list(range(1, 11))
for r in rows[1:]:
    # every answer "yes": right exactly on the 5 contexts where the feature fires
    ok = ok and r[0] in sys.argv[1:] and r[1] == "5" and r[2] == "10" and float(r[3]) == 0.5
sys.exit(0 if ok else 1)
PYEOF
ok $? "10 numbered snippets per feature, 5 where it fires: all-yes is right on 5"
judge --model good --check --features "$1,$2" >/dev/null 2>err && grep -q "2 features checked already" err
ok $? "a rerun does not check again"
judge --model checkno --check --features "$1" --again >check2.tsv 2>/dev/null &&
	awk -F'\t' 'NR==2 {exit !($2=="5" && $3=="10")}' check2.tsv
ok $? "all-no is right on the other 5"
"$SAFER" judged ws --format json | "$PY" -c "
import json,sys
v={x['feature']:x for x in json.load(sys.stdin)}
sys.exit(0 if v[$2]['check']==0.5 and all('check' in x for x in v.values()) else 1)"
ok $? "judged shows the check"
judge --model noscore --check --features "$2" --again >/dev/null 2>err &&
	grep -q "checked 1 explanations (1 replies answered nothing)" err
ok $? "a reply that answers nothing counts 0 right"
fails 1 "feature 0 has no explanation to check|no explanation" "--check needs a verdict" -- \
	"$SAFER" judge ws --url "$URL" --model good --check --features 31

# ---- a key a header cannot carry is refused, and not shown -------------------
OPENAI_API_KEY="$(printf 'sk-zz9\r\nX-Injected: 1')" "$SAFER" judge ws --url "$URL" --model good \
	--features 0 >/dev/null 2>err
[ $? -eq 2 ] && grep -q 'key in \$OPENAI_API_KEY holds a character' err && ! grep -q "zz9" err
ok $? "a key with CR LF is refused without showing it"

# ---- two runs at once keep each other's verdicts ----------------------------------
set -- $("$SAFER" stats ws --format json | "$PY" -c "
import json,sys
r=sorted(json.load(sys.stdin), key=lambda x: -abs(x['salience']))
print(' '.join(str(x['feature']) for x in r[8:12]))")
"$SAFER" judged ws | cut -f1 | tail -n +2 >par.before
"$SAFER" judge ws --url "$URL" --model slow --features "$1,$2" --again >/dev/null 2>par1.err &
p1=$!
"$SAFER" judge ws --url "$URL" --model slow --features "$3,$4" --again >/dev/null 2>par2.err &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
"$SAFER" judged ws | cut -f1 | tail -n +2 | sort -n | tr '\n' ' ' >par.out
want=$( (cat par.before; printf '%s\n' "$1" "$2" "$3" "$4") | sort -nu | tr '\n' ' ')
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$(cat par.out)" = "$want" ]
ok $? "two judge runs at once keep each other's verdicts ($(cat par.out); want $want)"

# ---- --ratings end to end ------------------------------------------------------
# ws2 is ws with the judge's scores given by a person instead: what the sets
# make of the judge's ratings must be what they make of the same human ones.
judge --model noscore --features "$("$SAFER" judged ws | awk -F'\t' 'NR==2 {print $1}')" --again >/dev/null 2>&1
"$SAFER" judged ws --format json >v.json
"$PY" - <<'PYEOF' >v.txt
import json
v = json.load(open("v.json"))
scored = [x for x in v if x["score"]]
# X: a judged feature at or above the threshold 3, that a person rates 1 instead
x = [x["feature"] for x in scored if x["score"] >= 3]
print(len(v), len(scored), x[0] if x else -1, [x["feature"] for x in v if not x["score"]][0])
for x in v:
    print(x["feature"], x["score"] or 0)
PYEOF
read -r nv ns X Y <v.txt
[ "$nv" -ge 6 ] && [ "$ns" -ge 3 ] && [ "$X" -ge 0 ]
ok $? "verdicts to rate with: $nv, $ns with a score, X=$X rated by a person, Y=$Y without a score"
cp -r ws ws2 && rm -f ws2/judge-*.json
label_as_judge() { # WS UNPARSED_AS: give WS's labels the judge's scores
	tail -n +2 v.txt | while read -r f sc; do
		[ "$sc" -eq 0 ] && sc=$2
		[ "$sc" -eq 0 ] || "$SAFER" label "$1" "$f" --safety "$sc" >/dev/null 2>&1 || exit 1
	done
}
scores() { "$SAFER" score "$@" 2>/dev/null | cut -f1,4; }
label_as_judge ws2 0
ok $? "ws2: the same ratings given by a person"
scores ws --ratings judge --threshold 3 >a && scores ws2 --ratings human --threshold 3 >b && cmp -s a b
ok $? "--ratings judge: the scores of the same ratings given by a person"
! cmp -s a "$(scores ws --ratings human --threshold 3 >c; echo c)"
ok $? "and not those without them (the fallback)"
"$SAFER" score ws --ratings judge --threshold 3 2>err >/dev/null
grep -q "note: ratings: judge (0 features from a person, [1-9][0-9]* from the judge; judge replies without a score skipped)" err
ok $? "score says which ratings it used"
scores ws --ratings judge --threshold 3 --unparsed 5 >a
"$SAFER" label ws2 "$Y" --safety 5 >/dev/null 2>&1 && scores ws2 --ratings human --threshold 3 >b && cmp -s a b
ok $? "--unparsed 5: a reply without a score counts as a 5"
"$SAFER" label ws2 "$Y" --clear-rating >/dev/null 2>&1
"$SAFER" label ws "$X" --safety 1 >/dev/null 2>&1 && "$SAFER" label ws2 "$X" --safety 1 >/dev/null 2>&1
scores ws --ratings both --threshold 3 >a && scores ws2 --ratings human --threshold 3 >b && cmp -s a b
ok $? "--ratings both: a person's rating overrides the judge's"
scores ws --threshold 3 >d && cmp -s a d
ok $? "both is the default"
scores ws --ratings judge --threshold 3 >e && ! cmp -s a e
ok $? "--ratings judge ignores the person's rating"
"$SAFER" score ws --ratings judge --format json 2>/dev/null | grep -Eq '"ratings": ?"judge"'
ok $? "the ratings column says judge"
"$SAFER" plan ws --poison 0.1 --ratings judge --threshold 3 2>/dev/null >plan.jsonl &&
	grep -q '"ratings": "judge", "unparsed": "skip"' plan.jsonl
ok $? "the plan records the ratings"
"$SAFER" eval ws 2>err >/dev/null && grep -q "the plan's safety sets came from ratings: judge" err
ok $? "eval says which ratings the plan used"
"$SAFER" export ws --out edited.jsonl 2>err >/dev/null && grep -q "ratings: judge" err
ok $? "export says it too"
fails 2 "--ratings must be human, judge or both" "--ratings is checked" -- "$SAFER" score ws --ratings robots

done_testing
