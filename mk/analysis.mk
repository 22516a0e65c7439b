# engine/analysis: index, stats, top rows, labels, safety sets, scores, plans, reward head
engine_libengine_a_SOURCES += \
	engine/analysis/bteval.c \
	engine/analysis/bteval.h \
	engine/analysis/catstats.c \
	engine/analysis/catstats.h \
	engine/analysis/index.c \
	engine/analysis/index.h \
	engine/analysis/labels.c \
	engine/analysis/labels.h \
	engine/analysis/plan.c \
	engine/analysis/plan.h \
	engine/analysis/safety.c \
	engine/analysis/safety.h \
	engine/analysis/scores.c \
	engine/analysis/scores.h \
	engine/analysis/stats.c \
	engine/analysis/stats.h \
	engine/analysis/top.c \
	engine/analysis/top.h
