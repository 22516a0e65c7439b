# engine/formats: safetensors, half floats, JSON errors, msgpack, pairs JSONL, the activation store
engine_libengine_a_SOURCES += \
	engine/formats/half.c \
	engine/formats/half.h \
	engine/formats/jsonerr.c \
	engine/formats/jsonerr.h \
	engine/formats/mpk.c \
	engine/formats/mpk.h \
	engine/formats/pairs.c \
	engine/formats/pairs.h \
	engine/formats/safetensors.c \
	engine/formats/safetensors.h \
	engine/formats/store.c \
	engine/formats/store.h
