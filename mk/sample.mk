# sample: the planted-feature sample data generator
noinst_PROGRAMS += sample-data/safer-sample-gen
sample_data_safer_sample_gen_SOURCES = sample-data/gen.c sample-data/templates.c \
	sample-data/templates.h
sample_data_safer_sample_gen_LDADD = $(ENGINE_LIBS)

TESTS += tests/test_sample_gen.sh tests/test_sample_truth.py tests/test_sample_ws.sh
dist_check_SCRIPTS += tests/test_sample_gen.sh tests/test_sample_truth.py tests/test_sample_ws.sh
EXTRA_DIST += sample-data/README.md sample-data/make-sample-ws
