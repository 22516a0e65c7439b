#!/bin/sh
# The bash completion (completion/safer, made from the help texts) driven
# as bash drives it: COMP_WORDS and COMP_CWORD set, _safer called, COMPREPLY
# read. Feature ids come from a small workspace with an SAE and labels.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
comp=$top_builddir/completion/safer
[ -f "$comp" ]
ok $? "the build made completion/safer"
cd "$TMPD" || exit 1
"$PY" "$srcdir/tests/labels_sae_fixture.py" in >/dev/null &&
	"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" load-sae ws in/saeA >/dev/null 2>&1 &&
	"$SAFER" label ws 3 --name refusal --safety 5 >/dev/null &&
	"$SAFER" label ws 30 --name harm --safety 4 >/dev/null
ok $? "a workspace with an SAE and two labels"
touch pairs2.jsonl labels.json acts2.safetensors notes.txt
mkdir -p sub
bin=$TMPD/bin
mkdir -p "$bin" && ln -s "$SAFER" "$bin/safer"

# complete WORD...: the completions of the last word, one per line, sorted
complete_words() {
	PATH=$bin:$PATH bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_safer; printf "%s\n" "${COMPREPLY[@]}"' bash "$comp" "$@" | sort
}
# expect "WANT (space-separated)" WORD...: exactly these completions
expect() {
	want=$(printf '%s\n' $1 | sort)
	shift
	got=$(complete_words "$@")
	if [ "$got" = "$want" ]; then
		ok 0 "complete '$*'"
	else
		ok 1 "complete '$*'"
		diag "want: $(echo $want)"
		diag "got:  $(echo $got)"
	fi
}
# has WORD WORD...: WORD (the first argument) is among the completions
has() {
	w=$1
	shift
	complete_words "$@" | grep -qxF -- "$w"
	ok $? "complete '$*' offers $w"
}

cmds=$("$SAFER" help | sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
expect "$cmds help --help --version --quiet" safer ''
expect "train top" safer t
expect "$cmds" safer help ''
expect "train" safer --quiet tr
expect "chosen rejected" safer top ws 3 --side ''
expect "rejected" safer top ws 3 --side r
expect "rejected" safer top ws 3 --side = r
expect "tsv json" safer stats ws --format ''
expect "json" safer stats ws --format = j
expect "--format=json" safer stats ws --format=j
expect "sentence all" safer score ws --rows ''
expect "sentence all auto" safer train ws --rows ''
expect "1 2 3 4 5" safer label ws 3 --safety ''
expect "flip drop" safer plan ws --mark 1 --action ''
expect "none standardize" safer load-sae ws in/saeA --normalize ''
# files by kind: the extension the option wants, and directories (bash
# shows these with a slash: -o filenames)
expect "pairs2.jsonl bin in sub ws" safer init new --pairs ''
expect "acts2.safetensors bin in sub ws" safer init new --pairs p.jsonl --acts ''
expect "labels.json bin in sub ws" safer labels ws --import ''
expect "pairs2.jsonl bin in sub ws" safer eval ws --plan ''
expect "bin in sub ws" safer stats ''
expect "ws" safer info w
expect "acts2.safetensors bin in sub ws" safer load-sae ws ''
# a free value (a number, a name) gets nothing
expect "" safer top ws 3 -n ''
expect "" safer label ws 3 --name ''
# feature ids: the labelled ones; with digits typed, every id they begin
m=$("$SAFER" stats ws --read-only 2>/dev/null | tail -n +2 | wc -l)
[ "$m" -gt 30 ] && [ ! -e ws/stats-sentence.bin ]
ok $? "the SAE has $m features, the statistics are not cached"
expect "3 30" safer top ws ''
expect "3 30" safer label ws --format tsv ''
expect "" safer top nowhere ''
want=$(awk -v m="$m" 'BEGIN { for (i = 0; i < m; i++) if (i ~ /^3/) print i }')
expect "$want" safer top ws 3
# the query behind it: ids with their names, made safe for a terminal
"$SAFER" label ws 30 --name "$(printf 'harm\033[31m\tred')" >/dev/null
"$SAFER" __complete features ws >q.txt
ok $? "__complete features WS"
[ "$(cut -f1 q.txt | tr '\n' ' ')" = "3 30 " ] && grep -q '^30	harm^\[\[31m^Ired$' q.txt &&
	! grep -q "$(printf '\033')" q.txt
ok $? "__complete: the labelled ids, names without raw control characters"
"$SAFER" __complete features nowhere >q2.txt 2>&1
[ $? -ne 0 ] && [ ! -s q2.txt ]
ok $? "__complete on no workspace: fails and prints nothing"
"$SAFER" stats ws >/dev/null 2>&1
n=$(complete_words safer top ws '' | wc -l)
[ "$n" -gt 2 ]
ok $? "with the statistics cached, the most salient features join the labelled ones ($n)"

# every option a command's help names in its synopsis or its option lines
# is offered after "--", and nothing its help does not mention
opts() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
for c in $cmds; do
	"$SAFER" help "$c" >help.txt
	want=$(sed -n '1,/^$/p; /^  -/p' help.txt | opts)
	all=$(opts <help.txt)
	got=$(complete_words safer "$c" ws -- | grep -v -- '^--help$\|^--quiet$')
	missing=$(printf '%s\n' "$want" | while read -r o; do
		printf '%s\n' "$got" | grep -qxF -- "$o" || echo "$o"; done)
	extra=$(printf '%s\n' "$got" | while read -r o; do
		printf '%s\n' "$all" | grep -qxF -- "$o" || echo "$o"; done)
	[ -n "$want" ] && [ -z "$missing" ] && [ -z "$extra" ]
	ok $? "'safer $c --' offers the options of 'safer help $c'"
	[ -z "$missing$extra" ] || diag "missing: $(echo $missing) extra: $(echo $extra)"
done
has --quiet safer stats ws --q
has --help safer top ws --h
done_testing
