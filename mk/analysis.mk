# analysis: index, stats, top, labels, scores, plans, reward-head eval
tui_safer_SOURCES += tui/cmd_stats.c tui/cmd_top.c tui/cmd_label.c tui/cmd_labels.c tui/cmd_score.c tui/cmd_plan.c tui/cmd_eval.c tui/cmd_export.c
