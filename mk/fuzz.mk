# tests/fuzz/: libFuzzer harnesses (scripts/fuzz), replayed without libFuzzer in make check
# Each harness tests/fuzz/fuzz_NAME.c also links with tests/fuzz/replay.c
# into tests/fuzz/replay_NAME, which test_fuzz_regress.sh runs on the seed
# corpus and on every crash ever found.
check_PROGRAMS += tests/fuzz/replay_textsafe tests/fuzz/replay_safetensors \
	tests/fuzz/replay_store tests/fuzz/replay_pairs tests/fuzz/replay_mpk \
	tests/fuzz/replay_plan tests/fuzz/replay_sae tests/fuzz/replay_labels_mpk \
	tests/fuzz/replay_labels_json tests/fuzz/replay_manifest tests/fuzz/replay_judge_reply \
	tests/fuzz/replay_verdicts tests/fuzz/replay_probe_reply
FUZZ_REPLAY_COMMON = tests/fuzz/replay.c tests/fuzz/fuzz.h
FUZZ_REPLAY_LIBS = $(ENGINE_LIBS)
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
tests_fuzz_replay_judge_reply_SOURCES = tests/fuzz/fuzz_judge_reply.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_judge_reply_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_verdicts_SOURCES = tests/fuzz/fuzz_verdicts.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_verdicts_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_probe_reply_SOURCES = tests/fuzz/fuzz_probe_reply.c $(FUZZ_REPLAY_COMMON)
tests_fuzz_replay_probe_reply_LDADD = $(FUZZ_REPLAY_LIBS)
TESTS += tests/test_fuzz_regress.sh
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/regress tests/fuzz/make_seeds.py tests/fuzz/README.md \
	tests/fuzz/safetensors.dict tests/fuzz/store.dict tests/fuzz/pairs.dict \
	tests/fuzz/plan.dict tests/fuzz/labels_json.dict tests/fuzz/sae.dict \
	tests/fuzz/manifest.dict tests/fuzz/labels_common.h \
	tests/test_fuzz_regress.sh tests/test_fuzz_open.sh
# `make fuzz` runs every harness for FUZZ_SECONDS each (libFuzzer, clang).
FUZZ_SECONDS = 60
.PHONY: fuzz
fuzz:
	$(srcdir)/scripts/fuzz $(FUZZ_SECONDS)
