# tui/cli: main, option parsing, one cmd_*.c per subcommand
tui_safer_SOURCES += \
	tui/cli/analysis_cli.c \
	tui/cli/analysis_cli.h \
	tui/cli/cli.c \
	tui/cli/cli.h \
	tui/cli/cmd_encode.c \
	tui/cli/cmd_eval.c \
	tui/cli/cmd_explore.c \
	tui/cli/cmd_export.c \
	tui/cli/cmd_info.c \
	tui/cli/cmd_judge.c \
	tui/cli/cmd_judged.c \
	tui/cli/cmd_init.c \
	tui/cli/cmd_label.c \
	tui/cli/cmd_labels.c \
	tui/cli/cmd_load_sae.c \
	tui/cli/cmd_plan.c \
	tui/cli/cmd_report.c \
	tui/cli/cmd_score.c \
	tui/cli/cmd_stats.c \
	tui/cli/cmd_top.c \
	tui/cli/cmd_train.c \
	tui/cli/commands.c \
	tui/cli/commands.h \
	tui/cli/complete.c \
	tui/cli/complete.h \
	tui/cli/main.c \
	tui/cli/options.c \
	tui/cli/options.h \
	tui/cli/stats_cat.c \
	tui/cli/stats_cat.h
