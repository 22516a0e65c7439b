# harden: fuzz harnesses (libFuzzer via scripts/fuzz; replayed without it
# in `make check`), crash-safety, lock and terminal-safety tests,
# valgrind run of the CLI tests.

# Each harness tests/fuzz/fuzz_NAME.c also links with tests/fuzz/replay.c
# into tests/fuzz/replay_NAME, which test_fuzz_regress.sh runs on the seed
# corpus and on every crash ever found.
check_PROGRAMS += tests/fuzz/replay_textsafe tests/fuzz/replay_safetensors \
	tests/fuzz/replay_store tests/fuzz/replay_pairs tests/fuzz/replay_mpk \
	tests/fuzz/replay_plan tests/fuzz/replay_sae tests/fuzz/replay_labels_mpk \
	tests/fuzz/replay_labels_json tests/fuzz/replay_manifest
FUZZ_REPLAY_COMMON = tests/fuzz/replay.c tests/fuzz/fuzz.h
FUZZ_REPLAY_LIBS = $(WIDGET_LIBS) $(ENGINE_LIBS)
tests_fuzz_replay_textsafe_SOURCES = tests/fuzz/fuzz_textsafe.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_textsafe_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_safetensors_SOURCES = tests/fuzz/fuzz_safetensors.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_safetensors_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_store_SOURCES = tests/fuzz/fuzz_store.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_store_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_pairs_SOURCES = tests/fuzz/fuzz_pairs.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_pairs_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_mpk_SOURCES = tests/fuzz/fuzz_mpk.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_mpk_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_plan_SOURCES = tests/fuzz/fuzz_plan.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_plan_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_sae_SOURCES = tests/fuzz/fuzz_sae.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_sae_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_labels_mpk_SOURCES = tests/fuzz/fuzz_labels_mpk.c tests/fuzz/labels_common.h \
	$(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_labels_mpk_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_labels_json_SOURCES = tests/fuzz/fuzz_labels_json.c tests/fuzz/labels_common.h \
	$(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_labels_json_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_manifest_SOURCES = tests/fuzz/fuzz_manifest.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_manifest_LDADD = $(FUZZ_REPLAY_LIBS)

TESTS += tests/test_fuzz_regress.sh

# Bounds and resource limits.
check_PROGRAMS += tests/test_mpk_bounds
tests_test_mpk_bounds_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_mpk_bounds tests/test_limits.sh
EXTRA_DIST += tests/test_limits.sh tests/limits_fixture.py

# Crash safety: SIGKILL while saving labels; damaged caches.
check_PROGRAMS += tests/kill_labels_driver
tests_kill_labels_driver_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_kill_labels.sh
EXTRA_DIST += tests/test_kill_labels.sh tests/harden_fixture.py

# Nothing from a dataset drives the terminal (CLI paths, on a pty); edit
# lists on a terminal and with a huge line.
TESTS += tests/test_terminal_safety.sh tests/test_harden_open.sh
EXTRA_DIST += tests/test_terminal_safety.sh tests/test_harden_open.sh \
	tests/term_check.py

# One writer per workspace (the driver's "hold" mode holds the lock).
TESTS += tests/test_lock.sh
EXTRA_DIST += tests/test_lock.sh
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/regress tests/fuzz/make_seeds.py tests/fuzz/README.md \
	tests/fuzz/safetensors.dict tests/fuzz/store.dict tests/fuzz/pairs.dict \
	tests/fuzz/plan.dict tests/fuzz/labels_json.dict tests/fuzz/sae.dict \
	tests/fuzz/manifest.dict tests/fuzz/labels_common.h \
	tests/test_fuzz_regress.sh tests/test_fuzz_open.sh

# `make check-valgrind`: the CLI tests with every safer under memcheck.
# The tests that train on the 3000-pair sample (test_explore.sh,
# test_sample_*.sh) take hours under memcheck and are left out by default;
# VALGRIND_TESTS= (empty) runs every CLI test.
VALGRIND_TESTS = tests/test_formats_cli.sh tests/test_broken_inputs.sh \
	tests/test_analysis_cli.sh tests/test_terminal_safety.sh tests/test_limits.sh \
	tests/test_kill_labels.sh tests/test_lock.sh tests/test_explore_hostile.sh
.PHONY: check-valgrind
check-valgrind: all $(check_PROGRAMS)
	srcdir='$(srcdir)' top_builddir='$(top_builddir)' PYTHON3='$(PYTHON3)' \
		$(SHELL) $(srcdir)/scripts/check-valgrind $(VALGRIND_TESTS)

# `make fuzz` runs every harness for FUZZ_SECONDS each (libFuzzer, clang).
FUZZ_SECONDS = 60
.PHONY: fuzz
fuzz:
	$(srcdir)/scripts/fuzz $(FUZZ_SECONDS)
