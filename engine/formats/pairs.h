/* Preference pairs from JSONL (see doc/formats.md).
 *
 * One JSON object per non-blank line; its 0-based index among non-blank
 * lines is the pair index. Fields: prompt, chosen, rejected (strings,
 * required), id (string or integer), category (string), split ("train" or
 * "test"). PKU-SafeRLHF rows (prompt, response_0, response_1,
 * safer_response_id) are mapped: chosen = response_<safer_response_id>.
 * The whole record is kept so that unknown fields pass through on export. */
#ifndef ENGINE_FORMATS_PAIRS_H
#define ENGINE_FORMATS_PAIRS_H

#include <stddef.h>

#include "engine/base/err.h"

enum { SPLIT_TRAIN = 0, SPLIT_TEST = 1 };

typedef struct pair_rec {
	const char *prompt, *chosen, *rejected; /* valid UTF-8, NUL-terminated */
	size_t prompt_len, chosen_len, rejected_len; /* bytes (text may hold \u0000) */
	char *id_json;        /* the id as JSON text ("\"a7\"" or "17"); NULL if absent */
	const char *category; /* NULL if absent */
	int split;            /* SPLIT_TRAIN (default) or SPLIT_TEST */
	size_t line;          /* 1-based line number in the file, for messages */
	void *record;         /* the parsed object (json_t *), for pass-through */
} pair_rec;

typedef struct pairs {
	size_t n;
	pair_rec *v;
	char *path;
} pairs;

/* Load and validate every line. A bad line fails the whole load with
 * "FILE:LINE: problem". Lines are capped (PAIRS_MAX_LINE bytes). */
#define PAIRS_MAX_LINE ((size_t)64 << 20)
int pairs_load(pairs *out, const char *path, sf_err *e);
void pairs_free(pairs *p);

/* Distinct categories in first-seen order ("" stands for none). The
 * array is malloc'd (free() it); the strings belong to p. */
size_t pairs_categories(const pairs *p, const char ***names_out);

#endif
