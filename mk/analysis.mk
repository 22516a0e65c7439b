# analysis: index, stats, top, labels, scores, plans, reward-head eval
engine_libengine_a_SOURCES += engine/index.c engine/index.h engine/stats.c engine/stats.h \
	engine/top.c engine/top.h engine/labels.c engine/labels.h engine/safety.c engine/safety.h \
	engine/scores.c engine/scores.h engine/plan.c engine/plan.h engine/bteval.c engine/bteval.h \
	engine/analysis_ws.c
tui_safer_SOURCES += tui/analysis_cli.c tui/analysis_cli.h tui/cmd_stats.c tui/cmd_top.c tui/cmd_label.c tui/cmd_labels.c tui/cmd_score.c tui/cmd_plan.c tui/cmd_eval.c tui/cmd_export.c

check_PROGRAMS += tests/test_analysis_golden
TESTS += tests/test_analysis_golden
tests_test_analysis_golden_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += tests/analysis_ref.py tests/data/analysis_golden.txt

TESTS += tests/test_analysis_cli.sh tests/test_analysis_sample.py
dist_check_SCRIPTS += tests/test_analysis_cli.sh tests/test_analysis_sample.py

noinst_PROGRAMS += bench/bench_analysis
bench_bench_analysis_SOURCES = bench/bench_analysis.c
bench_bench_analysis_LDADD = $(ENGINE_LIBS)
BENCHES += bench/analysis.sh
EXTRA_DIST += bench/analysis.sh
TESTS += tests/test_analysis_labels_sae.sh
dist_check_SCRIPTS += tests/test_analysis_labels_sae.sh
EXTRA_DIST += tests/labels_sae_fixture.py
TESTS += tests/test_analysis_plan_marks.sh
dist_check_SCRIPTS += tests/test_analysis_plan_marks.sh
