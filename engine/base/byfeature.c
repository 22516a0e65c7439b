#include "engine/base/byfeature.h"

#include <string.h>

size_t byfeature_find(const void *v, size_t n, size_t size, int f)
{
	const char *base = v;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int at;
		memcpy(&at, base + mid * size, sizeof at);
		if (at < f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
