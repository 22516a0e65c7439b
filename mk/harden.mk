# harden: fuzz harnesses (libFuzzer via scripts/fuzz; replayed without it
# in `make check`), crash-safety, lock and terminal-safety tests,
# valgrind run of the CLI tests.

# Each harness tests/fuzz/fuzz_NAME.c also links with tests/fuzz/replay.c
# into tests/fuzz/replay_NAME, which test_fuzz_regress.sh runs on the seed
# corpus and on every crash ever found.
check_PROGRAMS += tests/fuzz/replay_textsafe tests/fuzz/replay_safetensors
tests_fuzz_replay_textsafe_SOURCES = tests/fuzz/fuzz_textsafe.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_textsafe_LDADD = $(WIDGET_LIBS)
tests_fuzz_replay_safetensors_SOURCES = tests/fuzz/fuzz_safetensors.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_safetensors_LDADD = $(ENGINE_LIBS)

TESTS += tests/test_fuzz_regress.sh
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/regress tests/fuzz/make_seeds.py \
	tests/fuzz/safetensors.dict tests/fuzz/store.dict \
	tests/test_fuzz_regress.sh

# `make fuzz` runs every harness for FUZZ_SECONDS each (libFuzzer, clang).
FUZZ_SECONDS = 60
.PHONY: fuzz
fuzz:
	$(srcdir)/scripts/fuzz $(FUZZ_SECONDS)
