widgets_libwidgets_a_SOURCES += widgets/textsafe.c widgets/textsafe.h
check_PROGRAMS += tests/test_textsafe
TESTS += tests/test_textsafe
tests_test_textsafe_LDADD = $(WIDGET_LIBS)
