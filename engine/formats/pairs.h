/* Preference pairs from JSONL (see doc/formats.md).
 *
 * One JSON object per non-blank line; its 0-based index among non-blank
 * lines is the pair index. Fields: prompt, chosen, rejected (strings,
 * required), id (string or integer, unique), category (string), split
 * ("train" or "test"). PKU-SafeRLHF rows (prompt, response_0, response_1,
 * safer_response_id) are mapped: chosen = response_<safer_response_id>.
 *
 * Reading is in two steps. pairs_index validates every line once and
 * keeps a compact index: each record's place in the file, line, split,
 * category and id (what most commands need), plus the file's size,
 * fingerprint and stat identity; no parsed record is kept. The index is
 * one flat buffer (pairs_index_bytes), so the workspace caches it and
 * later opens adopt it (pairs_adopt) without reading the file. A record's
 * texts and its whole object (for pass-through on export) are parsed on
 * demand from the file by pairs_get. */
#ifndef ENGINE_FORMATS_PAIRS_H
#define ENGINE_FORMATS_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

enum { SPLIT_TRAIN = 0, SPLIT_TEST = 1 };

/* Bounds on one record. A longer line, a deeper or larger value, or a
 * longer id or category is refused naming the file and line. */
#define PAIRS_MAX_LINE ((size_t)64 << 20) /* bytes of one line */
#define PAIRS_MAX_VALUES 100000           /* JSON values in one record */
#define PAIRS_MAX_DEPTH 64                /* nesting of arrays and objects */
#define PAIRS_MAX_ID 4096                 /* bytes of an id (as JSON) or a category */

/* One record, parsed by pairs_get; release with pair_rec_free. */
typedef struct pair_rec {
	const char *prompt, *chosen, *rejected; /* valid UTF-8, NUL-terminated */
	size_t prompt_len, chosen_len, rejected_len; /* bytes (text may hold \u0000) */
	const char *id_json;  /* the id as JSON text ("\"a7\"" or "17"); NULL if absent */
	const char *category; /* NULL if absent */
	int split;            /* SPLIT_TRAIN (default) or SPLIT_TEST */
	size_t line;          /* 1-based line number in the file, for messages */
	void *record;         /* the parsed object (json_t *), for pass-through */
} pair_rec;

/* The stat identity of a file: equal identities mean an unchanged file
 * (when it was not modified within the timestamps' resolution of being
 * read; see pairs_identity_trusted). */
typedef struct pairs_stat {
	uint64_t size, mtime_ns, ctime_ns, ino, dev;
} pairs_stat;

typedef struct pairs {
	size_t n;
	char *path;
	/* private */
	const void *ix_;      /* the index buffer (see pairs.c) */
	size_t ix_len_;
	void *own_;           /* ix_ when this struct owns it */
	const char *mem_;     /* records from memory (pairs_index_mem) instead of fd_ */
	int fd_;
} pairs;

/* Validate every line of path and index it. A bad line fails with
 * "FILE:LINE: problem"; two records with one id fail naming both lines. */
int pairs_index(pairs *out, const char *path, sf_err *e);
/* The same from a buffer (tests); buf must outlive out. */
int pairs_index_mem(pairs *out, const char *name, const char *buf, size_t len, sf_err *e);
/* Take an index made by pairs_index of path (checked: a damaged buffer
 * fails naming src). With copy 0 buf is used in place and must outlive
 * out. Opens path for pairs_get. */
int pairs_adopt(pairs *out, const char *path, const void *buf, size_t len, int copy,
                const char *src, sf_err *e);
void pairs_free(pairs *p);

/* The index as one buffer (belongs to p). */
const void *pairs_index_bytes(const pairs *p, size_t *len);
/* The file as it was read: size, fingerprint (engine/base/fingerprint.h
 * over the whole file, as the workspace manifest records it), identity
 * and the time it was taken (ns since the epoch). */
uint64_t pairs_file_fp(const pairs *p);
void pairs_file_stat(const pairs *p, pairs_stat *st, uint64_t *taken_ns);
/* Record a new identity for the same contents (after the file was found
 * unchanged by its fingerprint). Needs an owned index (copy 1). */
void pairs_set_stat(pairs *p, const pairs_stat *st, uint64_t taken_ns);
/* The identity of the open file now; 0, or -1 with e. */
int pairs_stat_now(const pairs *p, pairs_stat *st, uint64_t *now_ns, sf_err *e);
/* The open file's size and fingerprint now, read whole. */
int pairs_hash_file(const pairs *p, uint64_t *size, uint64_t *fp, sf_err *e);
/* 1 when now equals the recorded identity and the file's mtime was older
 * than its reading by more than the timestamp resolution (so that a change
 * made during the reading would show in the identity). */
int pairs_identity_trusted(const pairs *p, const pairs_stat *now);

int pairs_split(const pairs *p, size_t i);
const char *pairs_id(const pairs *p, size_t i);       /* JSON text, or NULL */
const char *pairs_category(const pairs *p, size_t i); /* NULL if absent */
size_t pairs_line(const pairs *p, size_t i);

/* Parse record i from the file. Fails naming file:line when it cannot be
 * read or no longer matches the index (the file changed). */
int pairs_get(const pairs *p, size_t i, pair_rec *r, sf_err *e);
void pair_rec_free(pair_rec *r);

/* Distinct categories in first-seen order ("" stands for none). The
 * array is malloc'd (free() it); the strings belong to p. */
size_t pairs_categories(const pairs *p, const char ***names_out);
/* The position of record i's category in that list. */
size_t pairs_category_no(const pairs *p, size_t i);
/* Every record's category number: a malloc'd [p->n] array, NULL when out
 * of memory. */
size_t *pairs_category_nos(const pairs *p);
/* Pairs per category (nc: the size of pairs_categories' list) and split:
 * a malloc'd [2 * nc] array, train then test for each, NULL when out of
 * memory. */
size_t *pairs_category_split_counts(const pairs *p, size_t nc);

#endif
