# engine/probe: the probe protocol's client, its messages, and encoding a probe's rows
engine_libengine_a_SOURCES += \
	engine/probe/client.c \
	engine/probe/client.h \
	engine/probe/record.c \
	engine/probe/record.h \
	engine/probe/reply.c \
	engine/probe/reply.h \
	engine/probe/result.c \
	engine/probe/result.h
