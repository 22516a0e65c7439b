# zsh_complete.zsh FPATH_DIR LINE: the matches zsh's completion offers at
# the end of LINE (typed, then Tab), one a line, from an interactive zsh on a
# pseudo-terminal whose compadd prints every match it is given.
zmodload zsh/zpty || exit 2
dir=$1 line=$2
setup=$(mktemp "${TMPDIR:-/tmp}/zsh-complete.XXXXXX")
cat >"$setup" <<'EOS'
PS1= PS2= RPS1=
autoload -U compinit && compinit -u -D
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
# every match compadd adds, printed
compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"
		return
	fi
	local -a __m
	builtin compadd -A __m "$@"
	local x
	for x in $__m; do print -r -- "MATCH:$x"; done
	builtin compadd "$@" # added for real, as the completion system expects
}
_zc_end() { print -r -- "END-MATCHES"; exit }
comppostfuncs=(_zc_end)
print READY
EOS
zpty z zsh -f -i
zpty -w z "fpath=(${(q)dir} \$fpath); source ${(q)setup}"
out=
while zpty -r z out; do [[ $out == READY* ]] && break; done
zpty -w -n z "$line"$'\t'
while zpty -r z out; do
	out=${out//$'\r'/}
	out=${out%$'\n'}
	[[ $out == *END-MATCHES* ]] && break
	[[ $out == *MATCH:* ]] && print -r -- "${out##*MATCH:}"
done
zpty -d z
rm -f "$setup"
