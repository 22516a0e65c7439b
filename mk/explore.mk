# tui/explore: the explorer's app loop, model, commands and screens
tui_safer_SOURCES += \
	tui/explore/app.c \
	tui/explore/app.h \
	tui/explore/commands.c \
	tui/explore/commands.h \
	tui/explore/explore.c \
	tui/explore/explore.h \
	tui/explore/carry.c \
	tui/explore/carry.h \
	tui/explore/judge.c \
	tui/explore/judge.h \
	tui/explore/pair_attrib.c \
	tui/explore/pair_attrib.h \
	tui/explore/probe_edit.c \
	tui/explore/probe_edit.h \
	tui/explore/probe_screen.c \
	tui/explore/probe_screen.h \
	tui/explore/probe_work.c \
	tui/explore/probe_work.h \
	tui/explore/screen_edits.c \
	tui/explore/screen_feature.c \
	tui/explore/screen_features.c \
	tui/explore/screen_pair.c \
	tui/explore/screen_train.c \
	tui/explore/screens.c \
	tui/explore/screens.h
