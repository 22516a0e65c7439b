/* The Feature screen's evidence beyond the top rows: which rows a view
 * shows (top, intervals of activation, random), the feature's density on
 * a log scale as a mirrored chart (chosen up, rejected down), and the
 * features like it (decoder cosine, co-occurrence). The engine computes
 * (intervals.h, density.h, similar.h); this file wires it to the model. */
#ifndef TUI_EXPLORE_FEATURE_EVIDENCE_H
#define TUI_EXPLORE_FEATURE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/density.h"
#include "engine/analysis/similar.h"
#include "tui/explore/explore.h"
#include "widgets/widget.h"

/* The views (tabs) of the Feature screen. */
enum { FV_TOP, FV_INTERVALS, FV_RANDOM, FV_SIMILAR, FV_N };
extern const char *const xfe_view_names[FV_N];

/* Intervals shown: FE_Q of FE_PER rows each (FE_Q * FE_PER rows a side). */
enum { FE_Q = 10, FE_PER = 10, FE_SIMILAR = 50 };

/* The rows of one side under view (not FV_SIMILAR) into rows[cap]
 * (quant[cap] the interval of each for FV_INTERVALS, else -1); seed for
 * FV_RANDOM. 0, or -1 with the message in e. */
int xfe_rows(const xmodel *m, int f, int view, int side, uint64_t seed, int window,
             sf_top_row *rows, int *quant, size_t cap, size_t *n, size_t *total, sf_err *e);

/* Both neighbour lists of f: by decoder cosine (needs the SAE: read from
 * the session the first time, so not while a job runs) and by Jaccard
 * co-occurrence over the rows in use. */
typedef struct xfe_similar {
	sf_neighbour cos[FE_SIMILAR], co[FE_SIMILAR];
	size_t ncos, nco;
} xfe_similar;
int xfe_similar_load(xmodel *m, int f, xfe_similar *out, sf_err *e);

/* The density chart of f in r (mirrored log-density, labelled axes) with
 * the share of rows active per side on its first line. */
void xfe_density_draw(const xmodel *m, int f, wrect r);
/* Lines the chart wants in a body of h lines (0: no room). */
int xfe_density_lines(int h);

#endif
