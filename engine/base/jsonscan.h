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

/* 1 when s[0..n) is one well-formed JSON value (RFC 8259 grammar,
 * surrounding whitespace allowed, nesting at most max_depth), else 0.
 * Allocates nothing: a parser that failed on a text this accepts ran out
 * of memory (or met what the grammar leaves to it: bad UTF-8, repeated
 * keys). */
int json_valid(const char *s, size_t n, int max_depth);

#endif
