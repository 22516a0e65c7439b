# widgets: ncurses building blocks that know nothing of SAEs
widgets_libwidgets_a_SOURCES += widgets/textsafe.c widgets/textsafe.h \
	widgets/widget.h widgets/theme.c widgets/theme.h widgets/draw.c widgets/draw.h \
	widgets/table.c widgets/table.h widgets/tokview.c widgets/tokview.h \
	widgets/chart.c widgets/chart.h widgets/bars.c widgets/bars.h \
	widgets/input.c widgets/input.h
check_PROGRAMS += tests/test_textsafe tests/test_widgets
TESTS += tests/test_textsafe tests/test_widgets
tests_test_textsafe_LDADD = $(WIDGET_LIBS)
tests_test_widgets_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS) $(READLINE_CFLAGS)
tests_test_widgets_LDADD = $(WIDGET_LIBS)
