#compdef safer
# zsh completion for safer. The table below is made from `safer help` at
# build time (completion/spec.awk): per command its summary, its positional
# arguments (@KIND) and its options (--opt, or --opt=KIND when it takes a
# value). KIND: ws, feature, sae, jsonl, json, safetensors, a|b|c, or _.

_safer_spec='
@SPEC@
'

# the _arguments action for a value of kind $1
_safer_action() {
	case $1 in
	ws) REPLY='_files -/' ;;
	sae | safetensors) REPLY='_files -g "*.safetensors(-.)"' ;;
	jsonl | json) REPLY="_files -g \"*.$1(-.)\"" ;;
	feature) REPLY='_safer_features' ;;
	*'|'*) REPLY="(${1//|/ })" ;;
	*) REPLY=' ' ;;
	esac
}

# feature ids of the workspace (the first argument after the command), with
# their labels; with a prefix typed, every id that starts with it
_safer_features() {
	local ws id name i
	local -a feats
	for ((i = 2; i < CURRENT; i++)); do
		if [[ $words[i] != -* ]]; then
			ws=${(Q)words[i]}
			break
		fi
	done
	[[ -n $ws ]] || return 1
	while IFS=$'\t' read -r id name; do
		feats+=("$id:${name:-feature $id}")
	done < <($_safer_prog __complete features ${~ws} $PREFIX 2>/dev/null)
	_describe -t features 'feature' feats -V1
}

_safer() {
	local _safer_prog=$words[1] line c rest w REPLY
	local -a cmds specs
	local curcontext=$curcontext state state_descr line_ opt_args
	for line in ${(f)_safer_spec}; do
		c=${line%%$'\t'*}
		rest=${line#*$'\t'}
		cmds+=("$c:${rest%%$'\t'*}")
	done
	cmds+=('help:explain a command')
	_arguments -C '--quiet[no progress on standard error]' \
		'(- *)--version[print the version]' '(- *)--help[list the commands]' \
		'1: :->cmd' '*:: :->args' && return
	case $state in
	cmd) _describe -t commands 'safer command' cmds ;;
	args)
		if [[ $words[1] == help ]]; then
			(( CURRENT == 2 )) && _describe -t commands 'safer command' cmds
			return
		fi
		for line in ${(f)_safer_spec}; do
			[[ ${line%%$'\t'*} == $words[1] ]] || continue
			local n=1
			specs=('(- *)--help[print the help of the command]' '--quiet[no progress]')
			for w in ${=${line##*$'\t'}}; do
				case $w in
				@*)
					_safer_action ${w#@}
					specs+=("$n:${w#@}:$REPLY")
					(( n++ ))
					;;
				--*=*)
					_safer_action ${w#*=}
					specs+=("${w%%=*}=:${w#*=}:$REPLY")
					;;
				-*=*)
					_safer_action ${w#*=}
					specs+=("${w%%=*}+:${w#*=}:$REPLY")
					;;
				*) specs+=("$w") ;;
				esac
			done
			_arguments -S $specs
			return
		done
		;;
	esac
}

_safer "$@"
