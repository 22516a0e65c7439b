# engine/base: base64, sorted-by-feature lookup, errors, atomic writes, progress, fingerprints, random numbers, text safety, threads, opening inputs, mapped inputs that shrink
engine_libengine_a_SOURCES += \
	engine/base/atomic.c \
	engine/base/atomic.h \
	engine/base/base64.c \
	engine/base/base64.h \
	engine/base/byfeature.c \
	engine/base/byfeature.h \
	engine/base/err.c \
	engine/base/err.h \
	engine/base/fingerprint.c \
	engine/base/fingerprint.h \
	engine/base/hot.h \
	engine/base/infile.c \
	engine/base/infile.h \
	engine/base/mapguard.c \
	engine/base/mapguard.h \
	engine/base/jsonscan.c \
	engine/base/jsonscan.h \
	engine/base/progress.h \
	engine/base/rng.c \
	engine/base/rng.h \
	engine/base/textsafe.c \
	engine/base/textsafe.h \
	engine/base/threads.c \
	engine/base/threads.h
