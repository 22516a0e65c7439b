# From the help text of every subcommand (doc/help-texts), one line per
# command: "CMD<TAB>SUMMARY<TAB>WORD WORD...", where a WORD is a
# positional argument "@KIND", a flag "--opt" or an option with a value
# "--opt=KIND". KIND: ws, feature, sae (a .safetensors file or a
# directory), jsonl, json, safetensors, an enumeration "a|b|c", or "_"
# (free text). The synopsis ("usage:" up to the first blank line) gives the
# positional arguments and options; indented lines that start with an
# option ("  --opt VALUE   what it does") give the rest.

function kind(meta) {
	if (meta == "WS") return "ws"
	if (meta == "FEATURE") return "feature"
	if (meta == "PATH") return "sae"
	if (meta ~ /\.jsonl$/) return "jsonl"
	if (meta ~ /\.json$/) return "json"
	if (meta ~ /\.safetensors$/) return "safetensors"
	if (meta ~ /^[0-9]+-[0-9]+$/) {
		split(meta, r, "-")
		s = r[1]
		for (v = r[1] + 1; v <= r[2]; v++) s = s "|" v
		return s
	}
	if (meta ~ /^[a-z0-9]+(\|[a-z0-9]+)+$/) return meta
	return "_"
}

# once per option name: the synopsis says it first
function add(w,   name) {
	name = w
	sub(/=.*/, "", name)
	if (!(name in seen)) {
		seen[name] = 1
		out = out " " w
	}
}

# The words of a synopsis or an option tag; positional arguments only from
# the synopsis.
function scan(text, positional,   n, t, i, w, nx, o) {
	gsub(/\[=[^] ]*\]/, "", text) # --flag[=off|on]: a flag
	gsub(/[][()]/, " ", text)
	n = split(text, t, " ")
	for (i = 1; i <= n; i++) {
		w = t[i]
		if (w == "|" || w == "safer" || w == cmd || w == "usage:") continue
		if (w ~ /^--?[a-z]/) {
			o = w
			if (o ~ /[A-Z]/) continue # --NAME: a placeholder
			nx = (i < n) ? t[i + 1] : ""
			if (nx != "" && nx != "|" && nx !~ /^-/ && nx !~ /^\.\.\./) {
				add(o "=" kind(nx))
				i++
			} else {
				add(o)
			}
		} else if (positional && w ~ /^[A-Z]+$/) {
			add("@" kind(w))
		}
	}
}

# the line goes between single quotes in the completion scripts
function flush(line) {
	if (cmd == "") return
	line = cmd "\t" summary "\t" substr(out, 2)
	gsub(/'/, "'\\''", line)
	print line
}

/^@@ / {
	flush()
	cmd = $2
	summary = $0
	sub(/^[^\t]*\t/, "", summary)
	out = ""
	split("", seen)
	insyn = 0
	next
}
/^usage: / || (insyn && /^ /) { insyn = 1; scan($0, 1); next }
/^       safer / { insyn = 1; scan($0, 1); next }
{ insyn = 0 }
/^  --?[a-z]/ {
	tag = $0
	sub(/^  /, "", tag)
	sub(/   *[^ ].*$/, "", tag) # the tag ends at a gap of two spaces
	scan(tag, 0)
}
END { flush() }
