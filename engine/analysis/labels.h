/* Feature labels: a name, a 1-5 safety rating (safer-method.md §5 rubric:
 * 5 strongly safety-related ... 1 no safety relevance; 0 = not rated), a
 * note, and when it last changed. Kept in WS/labels.msgpack, rewritten
 * atomically after every change; exported and imported as the JSON of
 * formats.md:
 *   [{"feature": 123, "name": "...", "safety": 5, "note": "...",
 *     "updated": "2026-11-27T21:00:00Z"}]
 * An import is validated whole before anything changes. */
#ifndef ENGINE_ANALYSIS_LABELS_H
#define ENGINE_ANALYSIS_LABELS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

#define LABEL_MAX_TEXT 4096 /* bytes of a name or note */

typedef struct sf_label {
	int feature;
	char *name;      /* "" when unset; never NULL */
	int safety;      /* 1..5, 0 = not rated */
	char *note;      /* "" when unset; never NULL */
	int64_t updated; /* unix seconds, UTC */
} sf_label;

typedef struct sf_labels {
	int m;          /* features that exist: 0..m-1 */
	size_t n;
	sf_label *v;    /* sorted by feature, unique */
	char path[4096];/* WS/labels.msgpack ("" when not bound to a workspace) */
	int readonly;
	char sae[17];   /* fingerprint of the SAE the labels describe ("" unknown) */
	char notice[512]; /* set by labels_load (labels_ws.h) when it switched sets */
} sf_labels;

/* The "sae" fingerprint ("" when absent) and "m" of a labels file without
 * checking its entries; *exists = 0 for a missing file. */
int labels_peek(const char *path, char sae[17], int64_t *m, int *exists, sf_err *e);
/* Same from a given file path (bound to it). */
int labels_load_file(sf_labels *out, const char *path, int m, sf_err *e);
/* An empty, unbound set (tests, tools). */
void labels_init(sf_labels *out, int m);
void labels_free(sf_labels *L);

/* The label of a feature, or NULL. O(log n). */
const sf_label *labels_get(const sf_labels *L, int feature);
/* Number of features with a rating (safety > 0). */
size_t labels_rated(const sf_labels *L);

/* Change one feature's label: name/note NULL = keep, safety -1 = keep,
 * 0 = clear the rating. Validates (feature < m, safety in 0..5, text
 * bounded and UTF-8), then rewrites the file; on any failure L and the
 * file are unchanged. Refuses when the workspace is read-only. */
int labels_set(sf_labels *L, int feature, const char *name, int safety, const char *note,
               sf_err *e);
/* Remove a feature's label (no-op when absent); same rules. */
int labels_remove(sf_labels *L, int feature, sf_err *e);

/* Bind an unbound set to a file (tests): later changes write there. path
 * must be shorter than L->path (labels_load_file checks). */
void labels_bind(sf_labels *L, const char *path);
/* Write the msgpack file (labels_set does it). */
int labels_save(const sf_labels *L, sf_err *e);

/* JSON export (to a user-named output: atomic_open_out) and import.
 * Import merges: every entry in the file replaces that feature's label
 * (keeping its "updated" when given); the whole file is validated first. */
int labels_export_json(const sf_labels *L, const char *path, sf_err *e);
int labels_import_json(sf_labels *L, const char *path, size_t *n_imported, sf_err *e);

/* "2026-11-27T21:00:00Z" <-> unix seconds. */
void labels_format_time(int64_t t, char buf[32]);
int labels_parse_time(const char *s, int64_t *t);

#endif
