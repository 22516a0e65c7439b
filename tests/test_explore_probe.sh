#!/bin/sh
# The explorer's Probe screen against a stand-in probe server on loopback
# (tests/probe_server.py, written from the protocol): the screen without a
# server, :probe URL kept in the workspace, p from a pair, an edit in
# $EDITOR and one on the readline line, the features beside the original's
# (equal to `safer probe`'s for the same text), saving, and a slow, failing
# and vanished server that never freezes the screen.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/explore-lib.sh"
PY=${PYTHON3:-python3}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy SAFER_PROBE_TOKEN
cd "$TMPD" || exit 1

"$PY" "$srcdir/tests/judge_ws.py" . &&
	"$SAFER" init ws --pairs pairs.jsonl --acts acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" train ws --latents 32 --k 4 --epochs 2 --batch 64 >/dev/null 2>&1
ok $? "a small workspace with an SAE"
mkdir srv
"$PY" "$srcdir/tests/probe_server.py" srv 16 &
srv=$!
trap 'kill $srv 2>/dev/null; x_kill_all; rm -rf "$TMPD"' EXIT
for _ in $(seq 100); do [ -f srv/port ] && break; sleep 0.1; done
URL=http://127.0.0.1:$(cat srv/port)
printf '#!/bin/sh\nprintf "edited response here." > "$1"\n' > ed.sh
chmod +x ed.sh
last_request() { tail -n 1 srv/requests.jsonl 2>/dev/null; }

x_start "VISUAL= EDITOR='$TMPD/ed.sh' '$SAFER' explore ws"
x_wait "Features" 20
x_keys p
x_wait "No probe server"
ok $? "p on the Features table: the Probe screen says how to start a server"
x_wait "scripts/safer-serve MODEL --layer N"
ok $? "with the command to start one"
x_keys ':'; x_type "probe $URL"; x_keys Enter
x_wait "probe server $URL (kept"
ok $? ":probe URL uses the server"
[ "$(cat ws/probe-url)" = "$URL" ]
ok $? "and keeps it in WS/probe-url"

x_keys q
x_keys ':'; x_type 'pair 3'; x_keys Enter
x_wait "Pair 3 of"
x_keys p
x_wait "a(resp) +"
ok $? "p on a pair: its chosen response probed, a(resp) and reward shown"
[ "$(last_request)" = '{"prompt": "q3", "response": "yes 3"}' ]
ok $? "the request holds the pair's prompt and chosen response"
x_wait "pair score"
ok $? "with the pair's score"

x_keys e
x_wait "(edited)"
ok $? "e: the response edited in \$EDITOR (the terminal handed over and back)"
x_wait "reward +0.5000 → +2.1000"
ok $? "the reward before and after the edit"
[ "$(last_request)" = '{"prompt": "q3", "response": "edited response here."}' ]
ok $? "the edited text was sent"
# The screen's top feature and total for the edited text, against safer probe's.
cli=$("$SAFER" probe ws --url "$URL" --prompt q3 --response 'edited response here.' 2>/dev/null |
	awk -F'\t' 'NR > 1 { printf "%d %.4f\n", $1, $2 }' | sort -k2,2gr | head -1)
scr=$(x_screen | awk '/feature +edited +original/ { on = 1; next } on && NF >= 4 { print $1, $2; exit }')
[ -n "$cli" ] && [ "$cli" = "$scr" ]
ok $? "the top feature and its total equal safer probe's ($cli / $scr)"
x_screen | grep -q "delta"
ok $? "features beside the original's, with deltas"

x_keys c
x_wait "reward +0.5000 → +0.5000"
ok $? "c: back to the original (from the cache)"
n=$(wc -l < srv/requests.jsonl)
x_keys e
x_wait "reward +0.5000 → +2.1000"
[ "$(wc -l < srv/requests.jsonl)" -eq "$n" ]
ok $? "the same text again: answered from the cache, nothing sent"

x_keys i
x_wait "response: "
x_keys C-u; x_type 'short.'; x_keys Enter
x_wait "reward +0.5000 → +0.6000"
ok $? "i: a one-line edit"
[ "$(last_request)" = '{"prompt": "q3", "response": "short."}' ]
ok $? "its text was sent"

x_keys S
x_wait "save probe as"
x_type 'cf-1'; x_keys Enter
x_wait "saved probe cf-1"
ok $? "S saves the probe"
"$SAFER" probes ws | grep -q '^cf-1	.*	q3	short\.$'
ok $? "safer probes lists it"

echo slow > srv/mode
x_keys i; x_wait "response: "; x_keys C-u; x_type 'wait for me.'; x_keys Enter
x_wait "asking $URL"
ok $? "a slow server: the spinner shows"
x_keys s
x_wait "heat: safety score"
ok $? "and the screen still answers keys"
x_keys x
x_wait "cancelled"
ok $? "x cancels the request"

echo escape > srv/mode
x_keys r
x_wait "HTTP 500"
ok $? "a server error is shown on one line"
x_screen | grep -qF '^[[31mRED'
ok $? "its escape sequences made visible, not sent to the terminal"

echo ok > srv/mode
kill $srv
wait $srv 2>/dev/null
x_keys r
x_wait "$URL/v1/activations: " 15
ok $? "a server that went away: an error, the screen alive"
x_keys q q
x_wait "Features 32 of 32"
x_keys q
x_wait "EXITED 0"
ok $? "the explorer quits cleanly"
done_testing
