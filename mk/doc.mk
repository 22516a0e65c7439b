# doc/: the man page safer(1), made at build time from the help texts the
# program prints (doc/help-texts, doc/man.awk) around the prose of
# doc/safer.1.in, and the documents installed in $(docdir).
man_MANS = doc/safer.1
dist_doc_DATA = README.md doc/formats.md doc/byo.md
CLEANFILES += doc/safer.1 doc/commands.roff
EXTRA_DIST += doc/help-texts doc/man.awk doc/safer.1.in

doc/commands.roff: tui/safer$(EXEEXT) $(srcdir)/doc/help-texts $(srcdir)/doc/man.awk
	@$(MKDIR_P) doc
	$(AM_V_GEN)$(SHELL) $(srcdir)/doc/help-texts tui/safer$(EXEEXT) | \
		LC_ALL=C $(AWK) -f $(srcdir)/doc/man.awk > $@.tmp && mv $@.tmp $@

doc/safer.1: doc/commands.roff $(srcdir)/doc/safer.1.in
	$(AM_V_GEN)sed -e 's|%VERSION%|$(VERSION)|g' -e 's|%DOCDIR%|$(docdir)|g' \
		-e '/^@COMMANDS@$$/r doc/commands.roff' -e '/^@COMMANDS@$$/d' \
		$(srcdir)/doc/safer.1.in > $@.tmp && mv $@.tmp $@
