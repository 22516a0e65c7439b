# formats: safetensors, half floats, pairs JSONL, activation store, workspace, init/info
engine_libengine_a_SOURCES += engine/half.c engine/half.h engine/safetensors.c engine/safetensors.h \
	engine/fingerprint.c engine/fingerprint.h engine/mpk.c engine/mpk.h \
	engine/pairs.c engine/pairs.h engine/store.c engine/store.h \
	engine/lock.c engine/lock.h engine/workspace.c engine/workspace.h
tui_safer_SOURCES += tui/cmd_init.c tui/cmd_info.c

check_PROGRAMS += tests/test_half tests/test_safetensors
TESTS += tests/test_half tests/test_safetensors
tests_test_half_LDADD = $(ENGINE_LIBS)
tests_test_safetensors_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_broken_inputs.sh
EXTRA_DIST += tests/test_broken_inputs.sh tests/broken
check_PROGRAMS += tests/test_store
TESTS += tests/test_store
tests_test_store_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += tests/broken_src.h
check_PROGRAMS += tests/test_workspace
TESTS += tests/test_workspace
tests_test_workspace_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_formats_cli.sh
EXTRA_DIST += tests/test_formats_cli.sh
BENCHES += bench/open.sh
EXTRA_DIST += bench/open.sh bench/make_open_data.py bench/measure.py bench/peer_open.py
