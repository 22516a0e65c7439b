# widgets: ncurses building blocks that know nothing of SAEs
widgets_libwidgets_a_SOURCES += \
	widgets/bars.c \
	widgets/bars.h \
	widgets/chart.c \
	widgets/chart.h \
	widgets/draw.c \
	widgets/draw.h \
	widgets/input.c \
	widgets/input.h \
	widgets/keys.c \
	widgets/keys.h \
	widgets/mirror.c \
	widgets/mirror.h \
	widgets/search.c \
	widgets/search.h \
	widgets/table.c \
	widgets/table.h \
	widgets/theme.c \
	widgets/theme.h \
	widgets/tokview.c \
	widgets/tokview.h \
	widgets/widget.h
