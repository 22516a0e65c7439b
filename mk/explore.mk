# explore: the interactive explorer (tui screens) and its tmux tests
tui_safer_SOURCES += tui/cmd_explore.c
