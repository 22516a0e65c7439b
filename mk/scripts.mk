# scripts/: the Python entry points (installed in $(bindir)) and the
# packages they import (installed in $(pkgdatadir)/scripts/PACKAGE). In the
# source tree an entry point imports its package from beside itself; the
# installed copy has PACKAGE_DIR set to where the packages went. A new
# entry point goes into PY_ENTRY_POINTS, its package's files into
# nobase_dist_pkgdata_DATA.
PY_ENTRY_POINTS = safer-extract safer-tinyrm safer-serve
nobase_dist_pkgdata_DATA = \
	scripts/safer_extract/__init__.py \
	scripts/safer_extract/core.py \
	scripts/safer_extract/models.py \
	scripts/safer_extract/pairs.py \
	scripts/safer_extract/serve.py \
	scripts/safer_extract/stfile.py \
	scripts/safer_extract/tinyrm.py \
	scripts/safer_extract/wordtok.py
EXTRA_DIST += scripts/setup scripts/fuzz scripts/check-valgrind \
	$(PY_ENTRY_POINTS:%=scripts/%)

install-exec-local:
	@$(NORMAL_INSTALL)
	$(MKDIR_P) '$(DESTDIR)$(bindir)' scripts
	@for s in $(PY_ENTRY_POINTS); do \
		echo " INSTALL  $(bindir)/$$s"; \
		sed "s|^PACKAGE_DIR = None$$|PACKAGE_DIR = '$(pkgdatadir)/scripts'|" \
			$(srcdir)/scripts/$$s > scripts/$$s.inst && \
		$(INSTALL_SCRIPT) scripts/$$s.inst '$(DESTDIR)$(bindir)'/$$s && \
		rm -f scripts/$$s.inst || exit 1; \
	done

uninstall-local:
	@$(NORMAL_UNINSTALL)
	for s in $(PY_ENTRY_POINTS); do rm -f '$(DESTDIR)$(bindir)'/$$s; done
	rm -rf '$(DESTDIR)$(pkgdatadir)'/scripts/*/__pycache__
