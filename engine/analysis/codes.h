/* Per-row sparse codes as the analysis takes them: idx/val [N, k] (k
 * entries a row, off NULL), or a varying count per row with row offsets
 * off [N+1] (row r's entries are off[r] .. off[r+1]). */
#ifndef ENGINE_ANALYSIS_CODES_H
#define ENGINE_ANALYSIS_CODES_H

#include <stddef.h>
#include <stdint.h>

/* Row r's entries: their number, and where they begin in idx/val. */
static inline size_t codes_row(const uint64_t *off, int k, size_t r, size_t *begin)
{
	if (off) {
		*begin = (size_t)off[r];
		return (size_t)(off[r + 1] - off[r]);
	}
	*begin = r * (size_t)k;
	return (size_t)k;
}

#endif
