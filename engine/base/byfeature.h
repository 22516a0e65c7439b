/* Arrays of records kept sorted by a leading `int feature` (labels, judge
 * verdicts): one binary search serves them all. */
#ifndef ENGINE_BASE_BYFEATURE_H
#define ENGINE_BASE_BYFEATURE_H

#include <stddef.h>

/* Position of feature f among the n records of size `size` at v (each
 * starting with its int feature, ascending), or where it would go. */
size_t byfeature_find(const void *v, size_t n, size_t size, int f);

#endif
