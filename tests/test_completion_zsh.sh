#!/bin/sh
# The zsh completion (completion/_safer, made from the help texts) as zsh
# runs it: an interactive zsh on a pseudo-terminal (zsh/zpty) loads it with
# compinit, a line is typed and Tab pressed, and the matches compadd gets
# are compared with what the command's help says.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
[ -f "$top_builddir/completion/_safer" ]
ok $? "the build made completion/_safer"
cd "$TMPD" || exit 1
mkdir fp bin && cp "$top_builddir/completion/_safer" fp/ && ln -s "$SAFER" bin/safer
"$PY" "$srcdir/tests/labels_sae_fixture.py" in >/dev/null &&
	"$SAFER" init ws --pairs in/pairs.jsonl --acts in/acts.safetensors >/dev/null 2>&1 &&
	"$SAFER" load-sae ws in/saeA >/dev/null 2>&1 &&
	"$SAFER" label ws 3 --name refusal --safety 5 >/dev/null &&
	"$SAFER" label ws 30 --name 'harm: "quoted"' --safety 4 >/dev/null
ok $? "a workspace with an SAE and two labels"
touch pairs2.jsonl acts2.safetensors

# matches LINE: the completions zsh offers, sorted, on one line
matches() {
	PATH=$TMPD/bin:$PATH timeout 60 zsh -f "$srcdir/tests/zsh_complete.zsh" "$TMPD/fp" "$1" |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}
# expect "WANT" LINE: exactly these (sorted, space-separated)
expect() {
	want=$(printf '%s\n' $1 | sort -u | tr '\n' ' ' | sed 's/ $//')
	got=$(matches "$2")
	[ "$got" = "$want" ]
	ok $? "zsh: '$2'"
	[ "$got" = "$want" ] || diag "want: $want" "got: $got"
}
# has WORD LINE: WORD among the matches
has() {
	matches "$2" | tr ' ' '\n' | grep -qxF -- "$1"
	ok $? "zsh: '$2' offers $1"
}

cmds=$("$SAFER" help | sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
expect "$(echo $cmds) help" "safer "
expect "train top" "safer t"
expect "stats" "safer --quiet st"
expect "$(echo $cmds) help" "safer help "
expect "chosen rejected" "safer top ws 3 --side "
expect "tsv json" "safer stats ws --format="
expect "1 2 3 4 5" "safer label ws 3 --safety "
expect "flip drop" "safer plan ws --mark 1 --action "
expect "none standardize" "safer train ws --normalize "
expect "--read-only --rows" "safer stats ws --r"
expect "3 30" "safer top ws "
expect "3 30" "safer label ws --name x "
expect "3 30 31" "safer top ws 3"
has pairs2.jsonl "safer init new --pairs "
has acts2.safetensors "safer init new --pairs p.jsonl --acts "
has ws "safer info "
matches "safer info " | tr ' ' '\n' | grep -qxF pairs2.jsonl
[ $? -ne 0 ]
ok $? "zsh: 'safer info ' offers directories only"
has --judge "safer top ws 3 --"
has --lr "safer train ws --"
done_testing
