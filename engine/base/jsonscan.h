/* The shape of a JSON text, measured without building it, so that a
 * reader can refuse one that would take too much memory before jansson
 * allocates a value per element (a megabyte of "{}," is a third of a
 * million objects). Strings are skipped (escapes included); the syntax
 * is left to the real parser, so the counts of a malformed text are
 * only approximate, and always finite. */
#ifndef ENGINE_BASE_JSONSCAN_H
#define ENGINE_BASE_JSONSCAN_H

#include <stddef.h>

typedef struct json_shape {
	size_t values;   /* containers, and values after a ',' or ':' */
	size_t top_keys; /* members of the outermost object */
	int depth;       /* deepest nesting of arrays and objects */
} json_shape;

/* Measure s[0..n), stopping early (with *out as far as counted) once
 * values exceeds max_values or depth exceeds max_depth: 1 then, else 0. */
int json_scan(const char *s, size_t n, size_t max_values, int max_depth, json_shape *out);

#endif
