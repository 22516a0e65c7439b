# The COMMANDS section of safer(1), in man(7) roff, from the help text of
# every subcommand (`safer help CMD`, each preceded by a line "@@ CMD").
# Run with LC_ALL=C so that the text is read as bytes.
#
# The help texts follow a few conventions, which become roff:
#   "usage: ..." and its indented continuation lines   the synopsis (.SY)
#   a line at column 0                                 prose (filled)
#   "  --opt VALUE   what it does" (a gap of 2 spaces)  a tagged paragraph
#   "  other text", deeper lines continuing it         an indented item
#   a blank line                                       a paragraph break
# Words are kept as they are, so that the page says what `safer help` says.

BEGIN {
	for (i = 0; i < 256; i++) ord[sprintf("%c", i)] = i
	fallback["00A7"] = "S"; fallback["2014"] = "\\-\\-"; fallback["2013"] = "\\-"
	fallback["2265"] = ">="; fallback["2264"] = "<="; fallback["00D7"] = "x"
	fallback["2026"] = "..."; fallback["2018"] = "'"; fallback["2019"] = "'"
	fallback["201C"] = "\""; fallback["201D"] = "\""
	state = ""
}

# UTF-8 sequences as \[uXXXX] (remembered for the fallbacks below); bytes
# that are not UTF-8 as \[u00XX].
function utf8(s,   out, i, n, c, cp, len, j, b, hex) {
	out = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		b = ord[c]
		if (b < 128) { out = out c; continue }
		len = b >= 240 ? 4 : b >= 224 ? 3 : b >= 192 ? 2 : 1
		cp = len == 4 ? b - 240 : len == 3 ? b - 224 : len == 2 ? b - 192 : b
		for (j = 1; j < len; j++) {
			b = ord[substr(s, i + j, 1)]
			if (b < 128 || b >= 192) { len = 1; cp = ord[c]; break }
			cp = cp * 64 + b - 128
		}
		i += len - 1
		hex = sprintf("%04X", cp)
		used[hex] = 1
		out = out "\\[u" hex "]"
	}
	return out
}

function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	s = utf8(s)
	if (s ~ /^[.']/) s = "\\&" s
	return s
}

function emit(s) { body = body s "\n" }

function indent_of(s) { match(s, /^ */); return RLENGTH }

# leave a list: restore the paragraph spacing
function end_list() {
	if (state == "item") emit(".PD")
	state = ""
}

# A synopsis form: .SY "safer CMD" and the rest, filled with a hanging
# indent; spaces inside brackets do not break ("[--side chosen|rejected]"),
# except around the "|" of a parenthesised choice, whose alternatives may
# each be long ("(--url URL ... | --cmd ...)").
function synopsis(s,   i, c, depth, open, out, brk) {
	out = ""
	depth = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "[" || c == "(") open[++depth] = c
		if (c == "]" || c == ")") depth--
		brk = depth == 0 || (open[depth] == "(" && \
		      (substr(s, i - 1, 1) == "|" || substr(s, i + 1, 1) == "|"))
		out = out ((c == " " && !brk) ? "\\ " : c)
	}
	return out
}

function end_syn() {
	if (syn != "") {
		emit(".SY \"safer " cmd "\"")
		emit(synopsis(esc(syn)))
		emit(".YS")
		emit(".nh") # .YS turns hyphenation back on; words stay whole
	}
	syn = ""
}

/^@@ / {
	end_list()
	cmd = $2
	emit(".SS \"safer " cmd "\"")
	state = "syn"
	syn = ""
	next
}
state == "syn" && (/^usage: safer / || /^       safer /) {
	end_syn()
	syn = $0
	sub(/^(usage:)? *safer [^ ]* */, "", syn)
	next
}
state == "syn" && /^ / { t = $0; sub(/^ */, "", t); syn = syn " " t; next }
state == "syn" { end_syn(); state = "" }

/^$/ { end_list(); pp = 1; next }

/^[^ ]/ {
	if (state != "prose") { end_list(); emit(".PP") }
	else if (pp) emit(".PP")
	pp = 0
	state = "prose"
	emit(esc($0))
	next
}

{
	ind = indent_of($0)
	text = substr($0, ind + 1)
	if ((state == "item" || state == "tag") && ind > item_ind) {
		emit(esc(text)) # a continuation line
		next
	}
	pp = 0
	item_ind = ind
	if (text ~ /^-/) {
		end_list()
		tag = text
		desc = ""
		if (match(text, /   */) && RLENGTH >= 2) {
			tag = substr(text, 1, RSTART - 1)
			desc = substr(text, RSTART + RLENGTH)
		}
		emit(".TP")
		emit("\\fB" esc(tag) "\\fR")
		if (desc != "") emit(esc(desc))
		state = "tag"
	} else {
		if (state != "item") { end_list(); emit(".PD 0") }
		emit(".IP \"\" " (ind + 2) "n")
		emit(esc(text))
		state = "item"
	}
}

END {
	end_list()
	for (h in used)
		printf ".if !c\\[u%s] .char \\[u%s] %s\n", h, h, (h in fallback) ? fallback[h] : "?"
	printf "%s", body
}
