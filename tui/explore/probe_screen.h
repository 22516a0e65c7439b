/* The Probe screen (its definition for the registry, screens.c): its entry points for the
 * other screens, the `:probe` command and `safer explore --probe-url`. */
#ifndef TUI_EXPLORE_PROBE_SCREEN_H
#define TUI_EXPLORE_PROBE_SCREEN_H

#include <stddef.h>

#include "tui/explore/explore.h"

extern const xscreen_def xs_probe_def;

/* The xm_open argument that opens the Probe screen on pair's side. */
long xprobe_arg(size_t pair, int side);
/* Use url as the probe server (checked); remember: keep it in the
 * workspace too (when writable). 0, or -1 with a message. */
int xprobe_set_url(xmodel *m, const char *url, int remember);

/* The screen's tick (xm_screen_ticks): a request that ended is taken in
 * and the spinner turns. */
void xprobe_tick(screen *s);

#endif
