# engine/report: the audit report, one walk over a session written through
# a format's writer (HTML, Markdown)
engine_libengine_a_SOURCES += \
	engine/report/html.c \
	engine/report/html.h \
	engine/report/md.c \
	engine/report/md.h \
	engine/report/report.c \
	engine/report/report.h \
	engine/report/writer.c \
	engine/report/writer.h
