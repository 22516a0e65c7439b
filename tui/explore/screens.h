/* The screens of the explorer, each defined in its screen_*.c and listed
 * by id in xm_screen_defs (screens.c). */
#ifndef TUI_EXPLORE_SCREENS_H
#define TUI_EXPLORE_SCREENS_H

#include "tui/explore/explore.h"

extern const xscreen_def xs_features_def, xs_feature_def, xs_pair_def, xs_edits_def,
	xs_train_def, xs_quality_def;

#endif
