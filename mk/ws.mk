# engine/ws: the workspace, its lock, its caches and every function that reads or writes one
engine_libengine_a_SOURCES += \
	engine/ws/analysis_ws.c \
	engine/ws/latents.c \
	engine/ws/latents.h \
	engine/ws/latents_file.h \
	engine/ws/lock.c \
	engine/ws/lock.h \
	engine/ws/sae_ws.c \
	engine/ws/workspace.c \
	engine/ws/workspace.h
engine_libengine_a_SOURCES += engine/ws/session.c engine/ws/session.h
