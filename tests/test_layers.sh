#!/bin/sh
# The layering rules of the source tree (tests/layers.py does the work):
# no #include cycle inside engine/ or inside tui/ (a .c and its header are
# one node); the engine includes no curses, readline, widgets/ or tui/
# header; widgets/ includes no engine header but engine/base/textsafe.h;
# every function engine/x.c exports is declared in engine/x.h; and every
# function a header declares is defined in the .c of the same name.
# First the checker is shown to catch each kind of violation in a small
# tree made for it, then the real tree is checked; each violation is
# listed as a diagnostic.
. "$srcdir/tests/lib.sh"
: "${top_srcdir:=$srcdir}"
PY=${PYTHON3:-python3}
LAYERS=$srcdir/tests/layers.py
CHECKS="cycles-engine cycles-tui engine-no-ui widgets-no-engine engine-declared
defined-engine defined-widgets defined-tui"

# ---- a tree with one violation of each kind -------------------------
T=$TMPD/tree
mkdir -p "$T/engine/a" "$T/engine/base" "$T/widgets" "$T/tui/p"
cat >"$T/engine/a/x.h" <<'EOF'
/* #include "engine/a/y.h" in a comment is no include */
int x_one(void);
int y_elsewhere(void);
EOF
cat >"$T/engine/a/x.c" <<'EOF'
#include "engine/a/x.h"
#include "engine/a/y.h"
static int local_fn(void) { return 1; }
int x_one(void) { return local_fn(); }
int x_hidden(int a)
{
	return a;
}
EOF
printf '/* empty */\n' >"$T/engine/a/y.h"
cat >"$T/engine/a/y.c" <<'EOF'
#include "engine/a/y.h"
#include "engine/a/x.h"
int y_elsewhere(void) { return 2; }
EOF
cat >"$T/engine/a/ui.c" <<'EOF'
#include <ncursesw/curses.h>
#include "widgets/w.h"
EOF
printf 'int textsafe_ok(void);\n' >"$T/engine/base/textsafe.h"
printf 'void w_draw(void);\n' >"$T/widgets/w.h"
cat >"$T/widgets/w.c" <<'EOF'
#include "widgets/w.h"
#include "engine/base/textsafe.h"
#include "engine/a/x.h"
void w_draw(void) {}
EOF
printf '#include "tui/p/r.h"\n' >"$T/tui/p/q.c"
printf '#include "tui/p/q.h"\n' >"$T/tui/p/r.c"
: >"$T/tui/p/q.h"
: >"$T/tui/p/r.h"

# expect CHECK PATTERN NAME: the check fails on the made tree and its
# report matches PATTERN (extended regex)
expect() {
	out=$("$PY" "$LAYERS" "$T" "$1")
	rc=$?
	if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "exit $rc; report:"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}
expect cycles-engine "engine/a/x -> engine/a/y -> engine/a/x" "made tree: an engine include cycle is found"
expect cycles-tui "tui/p/q -> tui/p/r -> tui/p/q" "made tree: a tui include cycle is found"
expect engine-no-ui "ui.c includes <ncursesw/curses.h>" "made tree: curses in the engine is found"
expect engine-no-ui 'ui.c includes "widgets/w.h"' "made tree: a widgets header in the engine is found"
expect widgets-no-engine 'w.c includes "engine/a/x.h"' "made tree: an engine header in widgets is found"
out=$("$PY" "$LAYERS" "$T" widgets-no-engine)
! printf '%s\n' "$out" | grep -q textsafe
ok $? "made tree: engine/base/textsafe.h is allowed in widgets"
expect engine-declared "x.c:5: x_hidden is not declared in engine/a/x.h" \
	"made tree: an exported function missing from its header is found"
out=$("$PY" "$LAYERS" "$T" engine-declared)
! printf '%s\n' "$out" | grep -Eq "local_fn|x_one"
ok $? "made tree: static and declared functions are not reported"
expect defined-engine "x.h:3: y_elsewhere is defined in engine/a/y.c, not engine/a/x.c" \
	"made tree: a function defined away from its header is found"
"$PY" "$LAYERS" "$T" no-such-check >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "an unknown check is a usage error"

# ---- the real tree --------------------------------------------------
for c in $CHECKS; do
	out=$("$PY" "$LAYERS" "$top_srcdir" "$c")
	rc=$?
	ok $rc "source tree: $c"
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
done
done_testing
