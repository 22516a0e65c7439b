# explore: the interactive explorer (tui screens) and its tmux tests
tui_safer_SOURCES += tui/cmd_explore.c tui/app.c tui/app.h tui/explore.c tui/explore.h \
	tui/screen_features.c tui/screen_feature.c tui/screen_pair.c tui/screen_edits.c \
	tui/screen_train.c
TESTS += tests/test_explore.sh
dist_check_SCRIPTS += tests/test_explore.sh
EXTRA_DIST += tests/explore-lib.sh
CLEANFILES += tests/explore-fixture.lock
TESTS += tests/test_explore_hostile.sh
dist_check_SCRIPTS += tests/test_explore_hostile.sh
BENCHES += bench/explore.sh
EXTRA_DIST += bench/explore.sh bench/explore_pty.py
TESTS += tests/test_explore_train.sh
dist_check_SCRIPTS += tests/test_explore_train.sh
