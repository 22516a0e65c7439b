# completion/: bash and zsh completion, made from `safer help` at build time
# (doc/help-texts, completion/spec.awk) so that they offer what the help says.
bashcompdir = $(datadir)/bash-completion/completions
zshcompdir = $(datadir)/zsh/site-functions
bashcomp_DATA = completion/safer
zshcomp_DATA = completion/_safer
CLEANFILES += completion/safer completion/_safer completion/spec.txt
EXTRA_DIST += completion/spec.awk completion/safer.bash completion/safer.zsh

completion/spec.txt: tui/safer$(EXEEXT) $(srcdir)/doc/help-texts $(srcdir)/completion/spec.awk
	@$(MKDIR_P) completion
	$(AM_V_GEN)$(SHELL) $(srcdir)/doc/help-texts tui/safer$(EXEEXT) | \
		$(AWK) -f $(srcdir)/completion/spec.awk > $@.tmp && mv $@.tmp $@

completion/safer: completion/spec.txt $(srcdir)/completion/safer.bash
	$(AM_V_GEN)sed -e '/^@SPEC@$$/r completion/spec.txt' -e '/^@SPEC@$$/d' \
		$(srcdir)/completion/safer.bash > $@.tmp && mv $@.tmp $@

completion/_safer: completion/spec.txt $(srcdir)/completion/safer.zsh
	$(AM_V_GEN)sed -e '/^@SPEC@$$/r completion/spec.txt' -e '/^@SPEC@$$/d' \
		$(srcdir)/completion/safer.zsh > $@.tmp && mv $@.tmp $@
