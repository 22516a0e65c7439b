/* A feature's activation density on a log scale: how many of each side's
 * rows in use it fires on, binned by log10 of the activation.
 *
 * Activations of a sparse feature are heavy-tailed: most firing rows are
 * weak and a few are strong, over two or three decades. Equal bins in
 * log10(activation), shared by both sides, show the weak bulk and the
 * strong tail at once, where linear bins put nearly every row in the
 * first bin. Counts stay linear so that the two sides compare by area.
 *
 * Bins: nbins equal steps in log10 over [log10 min, log10 max] of the
 * feature's positive activations on the rows in use of both sides (one
 * decade around the value when they are all equal). The top edge belongs
 * to the last bin. */
#ifndef ENGINE_ANALYSIS_DENSITY_H
#define ENGINE_ANALYSIS_DENSITY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/analysis/index.h"
#include "engine/base/err.h"
#include "engine/formats/store.h"

enum { DENSITY_MAX_BINS = 200 };

typedef struct sf_density {
	int nbins;
	double lo, hi;          /* log10 of the bins' outer edges; lo = hi = 0 when it never fires */
	size_t active[2];       /* firing rows in use: chosen, rejected */
	size_t rows[2];         /* rows in use of each side */
	uint32_t count[2][DENSITY_MAX_BINS];
} sf_density;

/* The edges of bin b in activation units (10^edge). */
double density_edge(const sf_density *d, int b);

/* The density of feature on the rows in use (rows_chosen/rows_rejected:
 * the sides' rows in use, as the statistics count them). */
int density_feature(const sf_index *ix, const store *s, int feature, int rows_mode,
                    size_t rows_chosen, size_t rows_rejected, int nbins, sf_density *out,
                    sf_err *e);

#endif
