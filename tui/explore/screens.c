/* The screen registry: xm_open finds a screen here by its id. */
#include "tui/explore/screens.h"

#include "tui/explore/probe_screen.h"

const xscreen_def *const xm_screen_defs[XS_N] = {
	[XS_FEATURES] = &xs_features_def,
	[XS_FEATURE] = &xs_feature_def,
	[XS_PAIR] = &xs_pair_def,
	[XS_EDITS] = &xs_edits_def,
	[XS_TRAIN] = &xs_train_def,
	[XS_PROBE] = &xs_probe_def,
};

const xscreen_tick_fn xm_screen_ticks[XS_N] = {
	[XS_PROBE] = xprobe_tick,
};
