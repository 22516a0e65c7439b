/* JSON shapes without parsing: see engine/base/jsonscan.h. */
#include "engine/base/jsonscan.h"

#include <string.h>

int json_scan(const char *s, size_t n, size_t max_values, int max_depth, json_shape *out)
{
	memset(out, 0, sizeof *out);
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '"':
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			continue;
		case '{':
		case '[':
			out->values++;
			if (++depth > out->depth)
				out->depth = depth;
			break;
		case '}':
		case ']':
			depth--;
			break;
		case ':':
			out->top_keys += depth == 1;
			out->values++;
			break;
		case ',':
			out->values++;
			break;
		default:
			continue;
		}
		if (out->values > max_values || out->depth > max_depth)
			return 1;
	}
	return 0;
}
