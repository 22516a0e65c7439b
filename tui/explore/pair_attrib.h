/* The Pair screen's reward attribution (safer-method.md §10): the pair's
 * margin under the reward head split over the features, as signed bars
 * (right: towards chosen, left: towards rejected), the largest first,
 * ending with the residual that makes them add up to the margin. A bar
 * opens its feature (Enter). Computed through the session when the pair
 * or the data change and the reward effects and the latents are there. */
#ifndef TUI_EXPLORE_PAIR_ATTRIB_H
#define TUI_EXPLORE_PAIR_ATTRIB_H

#include <stddef.h>

#include "tui/explore/explore.h"
#include "widgets/widget.h"

enum { XATTRIB_TOP = 30 }; /* features listed before the residual */

typedef struct xattrib {
	sf_attrib a;
	int has;               /* a holds pair's attribution */
	size_t pair;
	unsigned long seen;    /* XG_DATA generation it was made for */
	int sel, top;          /* selected and first shown row */
	char err[512];         /* why there is none */
} xattrib;

/* Rows listed: the features shown, then the residual (0 when none). */
int xattrib_rows(const xattrib *x);
/* Bring x up to pair p of m (cheap when it is already). */
void xattrib_sync(xattrib *x, xmodel *m, size_t p);
/* Draw in r (a box with a title); focused: the selection shows. */
void xattrib_draw(xattrib *x, const xmodel *m, wrect r, int focused);
/* j/k, arrows, g/G move; Enter opens the selected feature. */
int xattrib_key(xattrib *x, xmodel *m, int key);
void xattrib_free(xattrib *x);

#endif
