# engine/ws: the workspace, its lock, its caches and every function that reads or writes one
engine_libengine_a_SOURCES += \
	engine/ws/cache.c \
	engine/ws/cache.h \
	engine/ws/cache_ws.c \
	engine/ws/cache_ws.h \
	engine/ws/index_ws.c \
	engine/ws/judge_ws.c \
	engine/ws/judge_ws.h \
	engine/ws/index_ws.h \
	engine/ws/history_ws.c \
	engine/ws/history_ws.h \
	engine/ws/labels_ws.c \
	engine/ws/labels_ws.h \
	engine/ws/latents.c \
	engine/ws/latents.h \
	engine/ws/lock.c \
	engine/ws/lock.h \
	engine/ws/outpath.c \
	engine/ws/outpath.h \
	engine/ws/pairs_ws.c \
	engine/ws/plans_ws.c \
	engine/ws/plans_ws.h \
	engine/ws/pairs_ws.h \
	engine/ws/pooled_ws.c \
	engine/ws/pooled_ws.h \
	engine/ws/sae_ws.c \
	engine/ws/sae_ws.h \
	engine/ws/scores_ws.c \
	engine/ws/scores_ws.h \
	engine/ws/stats_ws.c \
	engine/ws/stats_ws.h \
	engine/ws/train_ws.c \
	engine/ws/train_ws.h \
	engine/ws/verdicts_ws.c \
	engine/ws/verdicts_ws.h \
	engine/ws/workspace.c \
	engine/ws/workspace.h
engine_libengine_a_SOURCES += engine/ws/session.c engine/ws/session.h
