# tests/: unit, golden, CLI and explorer tests (tests/fuzz has its own fragment)
check_PROGRAMS += tests/test_base tests/test_half tests/test_safetensors
TESTS += tests/test_base tests/test_half tests/test_safetensors
tests_test_base_LDADD = $(ENGINE_LIBS)
tests_test_half_LDADD = $(ENGINE_LIBS)
tests_test_safetensors_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_broken_inputs.sh
EXTRA_DIST += tests/test_broken_inputs.sh tests/broken
check_PROGRAMS += tests/test_store
TESTS += tests/test_store
tests_test_store_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += tests/broken_src.h
check_PROGRAMS += tests/test_workspace
TESTS += tests/test_workspace
tests_test_workspace_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_formats_cli.sh
EXTRA_DIST += tests/test_formats_cli.sh
TESTS += tests/test_pairs_index.sh
EXTRA_DIST += tests/test_pairs_index.sh
check_PROGRAMS += tests/test_sae tests/test_topk
TESTS += tests/test_sae tests/test_topk
tests_test_sae_LDADD = $(ENGINE_LIBS)
tests_test_topk_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += tests/sae_ref.py tests/fixtures/sae
check_PROGRAMS += tests/test_sae_recovery
TESTS += tests/test_sae_recovery
tests_test_sae_recovery_LDADD = $(ENGINE_LIBS)
check_PROGRAMS += tests/test_train_params
TESTS += tests/test_train_params
tests_test_train_params_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_sae_cli.sh
dist_check_SCRIPTS += tests/test_sae_cli.sh
check_PROGRAMS += tests/test_analysis_golden
TESTS += tests/test_analysis_golden
tests_test_analysis_golden_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += tests/analysis_ref.py tests/data/analysis_golden.txt
TESTS += tests/test_analysis_cli.sh tests/test_analysis_sample.py
dist_check_SCRIPTS += tests/test_analysis_cli.sh tests/test_analysis_sample.py
TESTS += tests/test_analysis_labels_sae.sh
dist_check_SCRIPTS += tests/test_analysis_labels_sae.sh
EXTRA_DIST += tests/labels_sae_fixture.py
TESTS += tests/test_analysis_plan_marks.sh
dist_check_SCRIPTS += tests/test_analysis_plan_marks.sh
check_PROGRAMS += tests/test_textsafe tests/test_widgets
TESTS += tests/test_textsafe tests/test_widgets
tests_test_textsafe_LDADD = $(ENGINE_LIBS)
tests_test_widgets_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS) $(READLINE_CFLAGS)
tests_test_widgets_LDADD = $(WIDGET_LIBS) $(ENGINE_LIBS)
TESTS += tests/test_explore.sh
dist_check_SCRIPTS += tests/test_explore.sh
EXTRA_DIST += tests/explore-lib.sh
CLEANFILES += tests/explore-fixture.lock
TESTS += tests/test_explore_hostile.sh
dist_check_SCRIPTS += tests/test_explore_hostile.sh
TESTS += tests/test_explore_train.sh
dist_check_SCRIPTS += tests/test_explore_train.sh
TESTS += tests/test_explore_session.sh
dist_check_SCRIPTS += tests/test_explore_session.sh
TESTS += tests/test_explore_keys.sh
dist_check_SCRIPTS += tests/test_explore_keys.sh
TESTS += tests/test_explore_conventions.sh
dist_check_SCRIPTS += tests/test_explore_conventions.sh
TESTS += tests/test_extract.py
EXTRA_DIST += tests/test_extract.py tests/tap.py
TESTS += tests/test_tinyrm.py
EXTRA_DIST += tests/test_tinyrm.py
TESTS += tests/test_extract_torchrun.py
EXTRA_DIST += tests/test_extract_torchrun.py
check_PROGRAMS += tests/test_mpk_bounds
tests_test_mpk_bounds_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_mpk_bounds tests/test_limits.sh
EXTRA_DIST += tests/test_limits.sh tests/limits_fixture.py
check_PROGRAMS += tests/test_caches
TESTS += tests/test_caches
tests_test_caches_LDADD = $(ENGINE_LIBS)
check_PROGRAMS += tests/kill_labels_driver
tests_kill_labels_driver_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_kill_labels.sh
EXTRA_DIST += tests/test_kill_labels.sh tests/harden_fixture.py
TESTS += tests/test_terminal_safety.sh tests/test_harden_open.sh
EXTRA_DIST += tests/test_terminal_safety.sh tests/test_harden_open.sh \
	tests/term_check.py
TESTS += tests/test_lock.sh
EXTRA_DIST += tests/test_lock.sh
check_PROGRAMS += tests/test_outpath
TESTS += tests/test_outpath
tests_test_outpath_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_out_guard.sh tests/test_out_special.sh tests/test_message_paths.sh
EXTRA_DIST += tests/test_out_guard.sh tests/test_out_special.sh tests/test_message_paths.sh
TESTS += tests/test_cli_tour.sh
EXTRA_DIST += tests/test_cli_tour.sh
TESTS += tests/test_shards.sh
EXTRA_DIST += tests/test_shards.sh tests/shard_fixture.py
TESTS += tests/test_messages.sh tests/test_values.sh
check_PROGRAMS += tests/test_nonfinite
TESTS += tests/test_nonfinite
tests_test_nonfinite_LDADD = $(ENGINE_LIBS)
EXTRA_DIST += tests/test_messages.sh tests/test_values.sh tests/values_fixture.py
VALGRIND_TESTS = tests/test_formats_cli.sh tests/test_broken_inputs.sh \
	tests/test_analysis_cli.sh tests/test_terminal_safety.sh tests/test_limits.sh \
	tests/test_kill_labels.sh tests/test_lock.sh tests/test_explore_hostile.sh
.PHONY: check-valgrind
check-valgrind: all $(check_PROGRAMS)
	srcdir='$(srcdir)' top_builddir='$(top_builddir)' PYTHON3='$(PYTHON3)' \
		$(SHELL) $(srcdir)/scripts/check-valgrind $(VALGRIND_TESTS)
TESTS += tests/test_sample_gen.sh tests/test_sample_truth.py tests/test_sample_ws.sh
dist_check_SCRIPTS += tests/test_sample_gen.sh tests/test_sample_truth.py tests/test_sample_ws.sh
check_PROGRAMS += tests/test_session
tests_test_session_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_session.sh
EXTRA_DIST += tests/test_session.sh
# The layering rules (tests/layers.py).
EXTRA_DIST += tests/test_layers.sh tests/layers.py
TESTS += tests/test_layers.sh
TESTS += tests/test_judge.sh
dist_check_SCRIPTS += tests/test_judge.sh
EXTRA_DIST += tests/judge_server.py tests/judge_ws.py tests/judge_cmd.py
TESTS += tests/test_explore_judge.sh
dist_check_SCRIPTS += tests/test_explore_judge.sh
check_PROGRAMS += tests/test_judge_unit
TESTS += tests/test_judge_unit
tests_test_judge_unit_LDADD = $(ENGINE_LIBS)
# Inputs that are not regular files (FIFOs, pipes) are refused, never waited on.
TESTS += tests/test_special_inputs.sh
EXTRA_DIST += tests/test_special_inputs.sh
# Read-only commands on a full disk (a file-size limit of 0 stands in for it).
TESTS += tests/test_full_disk.sh
EXTRA_DIST += tests/test_full_disk.sh
# The SAE is saved as one unit: killed saves never leave a mix.
check_PROGRAMS += tests/kill_sae_driver
tests_kill_sae_driver_LDADD = $(ENGINE_LIBS)
TESTS += tests/test_sae_unit.sh
EXTRA_DIST += tests/test_sae_unit.sh
# A mapped input truncated while in use: one line naming it, nothing lost.
TESTS += tests/test_shrink.sh
EXTRA_DIST += tests/test_shrink.sh
# Installing: the completion, the man page, the layout of `make install`.
TESTS += tests/test_completion.sh tests/test_completion_zsh.sh
EXTRA_DIST += tests/test_completion.sh tests/test_completion_zsh.sh tests/zsh_complete.zsh
TESTS += tests/test_man.py
EXTRA_DIST += tests/test_man.py
TESTS += tests/test_install.sh tests/test_quiet.sh
EXTRA_DIST += tests/test_install.sh tests/test_quiet.sh
AM_TESTS_ENVIRONMENT += MAKE='$(MAKE)'; export MAKE;
