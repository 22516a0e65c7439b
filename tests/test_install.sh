#!/bin/sh
# `make install` lays out what a Unix tool installs, under DESTDIR and the
# prefix given: the program, safer(1), the bash and zsh completion,
# safer-extract with the package it imports, the docs; the installed pieces
# work from there; `make uninstall` takes all of it away again.
. "$srcdir/tests/lib.sh"
PY=${PYTHON3:-python3}
# a make of its own: not the jobserver of the make running the tests
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} -s -C "$top_builddir" "$@" \
		>"$TMPD/make.log" 2>&1
}

dest=$TMPD/dest
mk install DESTDIR="$dest" prefix=/usr/local
rc=$?
ok $rc "make install DESTDIR=... prefix=/usr/local"
[ $rc -eq 0 ] || diag "$(tail -5 "$TMPD/make.log")"
u=$dest/usr/local
for f in bin/safer bin/safer-extract bin/safer-tinyrm bin/safer-serve share/man/man1/safer.1 \
	share/bash-completion/completions/safer share/zsh/site-functions/_safer \
	share/safer/scripts/safer_extract/__init__.py share/safer/scripts/safer_extract/core.py \
	share/doc/safer/README.md share/doc/safer/formats.md share/doc/safer/byo.md; do
	[ -f "$u/$f" ]
	ok $? "installs \$prefix/$f"
done
[ -x "$u/bin/safer" ] && [ -x "$u/bin/safer-extract" ]
ok $? "the programs are executable"
[ "$(find "$dest" -type f | wc -l)" -eq "$(find "$u" -type f | wc -l)" ]
ok $? "everything lies under DESTDIR/prefix"
for s in safer-extract safer-tinyrm safer-serve; do
	grep -qx "PACKAGE_DIR = '/usr/local/share/safer/scripts'" "$u/bin/$s"
	ok $? "the installed $s names where its package went (without DESTDIR)"
done
"$u/bin/safer" --version | grep -q '^safer '
ok $? "the installed safer runs"
cmp -s "$u/share/man/man1/safer.1" "$top_builddir/doc/safer.1"
ok $? "the installed man page is the one built"
err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -l "$u/share/man/man1/safer.1" 2>&1 >"$TMPD/man.txt")
[ -z "$err" ] && grep -q 'safer top' "$TMPD/man.txt"
ok $? "man -l shows the installed page"
got=$(PATH=$u/bin:$PATH bash -c '. "$1"; COMP_WORDS=(safer to); COMP_CWORD=1
	_safer; echo "${COMPREPLY[*]}"' bash "$u/share/bash-completion/completions/safer")
[ "$got" = top ]
ok $? "the installed bash completion completes 'safer to' to top"
mk uninstall DESTDIR="$dest" prefix=/usr/local
ok $? "make uninstall"
left=$(find "$dest" -type f)
[ -z "$left" ]
ok $? "make uninstall leaves no file"
[ -z "$left" ] || diag "left: $left"

# Installed without DESTDIR, safer-extract imports its package from the
# prefix (nothing of the source tree beside it).
p=$TMPD/prefix
mk install prefix="$p"
ok $? "make install prefix=$p"
(cd "$TMPD" && "$PY" "$p/bin/safer-extract" --help >"$TMPD/x.txt" 2>"$TMPD/x.err")
ok $? "the installed safer-extract runs (--help)"
grep -q 'safer init' "$TMPD/x.txt"
ok $? "its help is the program's"
(cd "$TMPD" && "$PY" "$p/bin/safer-tinyrm" --help >"$TMPD/t.txt" 2>"$TMPD/t.err")
ok $? "the installed safer-tinyrm runs (--help)"
grep -q 'Bradley-Terry' "$TMPD/t.txt"
ok $? "its help is the program's"
mk uninstall prefix="$p"
[ -z "$(find "$p" -type f)" ]
ok $? "uninstalled, nothing is left (bytecode caches included)"
done_testing
