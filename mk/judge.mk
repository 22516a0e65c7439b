# engine/judge: the LLM judge's request, reply parsing, HTTP client and verdicts
engine_libengine_a_SOURCES += \
	engine/judge/check.c \
	engine/judge/check.h \
	engine/judge/command.c \
	engine/judge/command.h \
	engine/judge/http.c \
	engine/judge/http.h \
	engine/judge/prompt.c \
	engine/judge/prompt.h \
	engine/judge/reply.c \
	engine/judge/reply.h \
	engine/judge/verdicts.c \
	engine/judge/verdicts.h
