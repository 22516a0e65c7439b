# sample-data/: the planted-feature sample generator
noinst_PROGRAMS += sample-data/safer-sample-gen
sample_data_safer_sample_gen_SOURCES = sample-data/gen.c sample-data/templates.c \
	sample-data/templates.h
sample_data_safer_sample_gen_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += sample-data/README.md sample-data/make-sample-ws
