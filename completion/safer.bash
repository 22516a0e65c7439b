# bash completion for safer. The table below is made from `safer help` at
# build time (completion/spec.awk): per command its summary, its positional
# arguments (@KIND) and its options (--opt, or --opt=KIND when it takes a
# value). KIND: ws, feature, sae, jsonl, json, safetensors, a|b|c, or _.

_safer_spec='
@SPEC@
'

# the table's line for command $1 (empty when there is none)
_safer_line() {
	local c s w
	while IFS=$'\t' read -r c s w; do
		[[ -n $c && $c == "$1" ]] && { printf '%s\n' "$w"; return; }
	done <<< "$_safer_spec"
}

# candidates for a value of kind $1 that starts with $2; $3 is the workspace
_safer_value() {
	local kind=$1 cur=$2 ws=$3
	case $kind in
	ws) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
	sae | jsonl | json | safetensors)
		local ext=$kind
		[[ $kind == sae ]] && ext=safetensors
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X "!*.$ext" -- "$cur") $(compgen -d -- "$cur"))
		;;
	feature)
		[[ -n $ws ]] || return
		[[ $ws == "~"* ]] && ws=$HOME${ws#"~"}
		COMPREPLY=($("${COMP_WORDS[0]}" __complete features "$ws" "$cur" 2>/dev/null |
			cut -f1))
		;;
	*"|"*) COMPREPLY=($(compgen -W "${kind//|/ }" -- "$cur")) ;;
	esac
}

_safer() {
	local IFS=$' \t\n'
	local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]} opt= joined=
	COMPREPLY=()
	# COMP_WORDBREAKS splits "--opt=val" into "--opt" "=" "val"
	if [[ $cur == = ]]; then
		opt=${COMP_WORDS[cword - 1]} cur=
	elif ((cword > 1)) && [[ ${COMP_WORDS[cword - 1]} == = ]]; then
		opt=${COMP_WORDS[cword - 2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*} cur=${cur#*=} joined=1
	fi
	local cmds
	cmds=$(while IFS=$'\t' read -r c _; do printf '%s ' "$c"; done <<< "$_safer_spec")
	if ((cword == 1)); then
		COMPREPLY=($(compgen -W "$cmds help --help --version --quiet" -- "$cur"))
		return
	fi
	local cmd=${COMP_WORDS[1]} first=2
	if [[ $cmd == --quiet ]]; then
		cmd=${COMP_WORDS[2]} first=3
		if ((cword == 2)); then
			COMPREPLY=($(compgen -W "$cmds help" -- "$cur"))
			return
		fi
	fi
	if [[ $cmd == help ]]; then
		((cword == first)) && COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return
	fi
	local line w
	line=$(_safer_line "$cmd")
	[[ -n $line ]] || return
	# the options, their kinds, and the positional arguments' kinds
	local -A kinds=()
	local -a pos=() names=(--help --quiet)
	for w in $line; do
		case $w in
		@*) pos+=("${w#@}") ;;
		*=*) kinds[${w%%=*}]=${w#*=} names+=("${w%%=*}") ;;
		*) names+=("$w") ;;
		esac
	done
	# walk the words before the cursor: positional arguments given so far
	local i n=0 ws= prev=
	for ((i = first; i < cword; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == = ]]; then
			((i++)) # the value after "--opt="
		elif [[ $w == -* && $w != - ]]; then
			[[ -n ${kinds[$w]-} && ${COMP_WORDS[i + 1]-} != = ]] && ((i++))
		else
			((n == 0)) && ws=$w
			((n++))
		fi
	done
	((cword > first)) && prev=${COMP_WORDS[cword - 1]}
	if [[ -z $opt && $prev == -* && -n ${kinds[$prev]-} ]]; then
		opt=$prev
	fi
	if [[ -n $opt ]]; then
		_safer_value "${kinds[$opt]-_}" "$cur" "$ws"
		# "--opt=val" as one word (no "=" in COMP_WORDBREAKS): keep "--opt="
		[[ -n $joined ]] && COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${names[*]}" -- "$cur"))
	elif ((n < ${#pos[@]})); then
		_safer_value "${pos[n]}" "$cur" "$ws"
	fi
}

complete -F _safer safer
