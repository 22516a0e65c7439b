/* The activation store: one safetensors file of token rows (see
 * doc/formats.md), or a set of such files (shards) read as one, opened
 * through mmap and validated once.
 *
 * Shapes: N rows, d model width. Rows are sorted by (pair, side, pos), so
 * the rows of one response are contiguous. Index arrays are exposed as
 * plain arrays (copied out of the mapping only when the file leaves them
 * unaligned, or when several shards are joined: the index arrays of a set
 * are copied end to end, the activations never); activations are
 * converted to f32 on the way out.
 *
 * A set of shards is one store when every shard is a valid activation
 * file on its own (one of several may have no rows), all share d, dtype
 * and metadata (except the per-shard keys first_pair, truncated, shard,
 * rank), and their rows, shards taken by their first row, continue one
 * (pair, side, pos) order: each shard holds its own range of pairs. Every
 * message about a row names the shard and the row's place in it. */
#ifndef ENGINE_FORMATS_STORE_H
#define ENGINE_FORMATS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/base/progress.h"

enum { SIDE_PROMPT = 0, SIDE_CHOSEN = 1, SIDE_REJECTED = 2, SIDE_COUNT = 3 };
enum { ROW_SENT_END = 1 }; /* flags bit 0 */
/* The flags bits defined; a row with any other bit set is refused (they
 * are reserved, so that a file meaning more by them is not misread). */
enum { STORE_FLAGS_KNOWN = ROW_SENT_END };

/* "prompt", "chosen", "rejected" ("?" for another value). */
const char *store_side_name(int side);

typedef struct store store;

/* Open and validate. n_pairs is the number of pairs the rows must refer
 * to (every pair index < n_pairs). Fails with "FILE: problem". */
int store_open(store **out, const char *path, size_t n_pairs, sf_err *e);
/* The same for count files (shards) taken as one store, in any order. */
#define STORE_MAX_FILES 16384
int store_open_set(store **out, const char *const *paths, size_t count, size_t n_pairs,
                   sf_err *e);
void store_close(store *s);

size_t store_nrows(const store *s);
int store_dim(const store *s);
const char *store_dtype_name(const store *s); /* "F32", "F16", "BF16" */
const char *store_path(const store *s); /* the (first) file */
size_t store_nfiles(const store *s);     /* 1, or the number of shards */
const char *store_file_path(const store *s, size_t i); /* in row order */

const int32_t *store_pair(const store *s);  /* [N] */
const uint8_t *store_side(const store *s);  /* [N] */
const int32_t *store_pos(const store *s);   /* [N] */
const uint8_t *store_flags(const store *s); /* [N] */

/* Rows [first, first+count) as f32 into out [count, d]. Fails naming the
 * row when a value is NaN or infinite. */
int store_rows_f32(const store *s, size_t first, size_t count, float *out, sf_err *e);
/* The listed rows, in that order, into out [count, d]. */
int store_gather_f32(const store *s, const size_t *rows, size_t count, float *out,
                     sf_err *e);

/* Token text of row r: bytes (not NUL-terminated, may be invalid UTF-8). */
const char *store_token(const store *s, size_t r, size_t *len);

/* Rows of (pair, side): [*begin, *end); empty when the response has none. */
void store_response_rows(const store *s, size_t pair, int side, size_t *begin, size_t *end);

/* Pairs below n_pairs without rows on their chosen or their rejected side
 * (they cannot be scored): how many, and the first max_first of them into
 * first (ascending). -1 when out of memory. */
long store_pairs_without_rows(const store *s, size_t n_pairs, size_t *first, size_t max_first);

/* ne of n rows, evenly spread (rows[i] = floor(i n / ne)), into rows [ne]:
 * the sample that checks and estimates read. */
void store_sample_rows(size_t n, size_t ne, size_t *rows);
/* The reward model's own linear score head when the files carry one
 * (tensor reward_head, F32 [d], checked finite at open, the same in every
 * shard; *bias from the metadata reward_bias, 0 without): w [d], or NULL.
 * bias may be NULL. */
const float *store_reward_head(const store *s, double *bias);
/* Rows per side (side [SIDE_COUNT]) and rows that end a sentence. */
void store_count_rows(const store *s, size_t *side, size_t *sentence_end);

/* A string from the file's __metadata__ (the first shard's), or NULL. */
const char *store_meta(const store *s, const char *key);

/* Read every activation once (with pread, so resident memory stays small)
 * and fail naming the first row that holds NaN or inf. Used at init;
 * cancellable through prog. */
int store_check_finite(const store *s, const sf_progress *prog, sf_err *e);

#endif
