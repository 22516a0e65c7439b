# sae: TopK SAE model, trainer, encoder, latents cache; train/load-sae/encode
engine_libengine_a_SOURCES += engine/sae.c engine/sae.h engine/topk.c engine/topk.h \
	engine/train.c engine/train.h engine/latents.c engine/latents_file.h engine/encode.c
tui_safer_SOURCES += tui/cmd_train.c tui/cmd_load_sae.c tui/cmd_encode.c

check_PROGRAMS += tests/test_sae tests/test_topk
TESTS += tests/test_sae tests/test_topk
tests_test_sae_LDADD = $(ENGINE_LIBS)
tests_test_topk_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += tests/sae_ref.py tests/fixtures/sae

check_PROGRAMS += tests/test_sae_recovery
TESTS += tests/test_sae_recovery
tests_test_sae_recovery_LDADD = $(ENGINE_LIBS)

noinst_PROGRAMS += bench/bench_sae
bench_bench_sae_LDADD = $(ENGINE_LIBS)
BENCHES += bench/sae.sh
EXTRA_DIST += bench/sae.sh bench/sae_torch.py

TESTS += tests/test_sae_cli.sh
dist_check_SCRIPTS += tests/test_sae_cli.sh
