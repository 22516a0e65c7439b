/* A workspace is a directory that ties one pairs file and one activation
 * file together and holds everything computed from them:
 *
 *   manifest.msgpack   inputs (absolute paths, sizes, fingerprints; every shard)
 *   sae/               the SAE: sae.safetensors + cfg.json
 *   latents.bin        top-k (index, value) of every row (cache)
 *   index.bin          per-feature rows by activation (cache)
 *   pooled.bin         pooled activations of the reward head (cache)
 *   pairs.bin          the index of the pairs file (cache; pairs_ws.h)
 *   stats-<rows>.bin   feature statistics per rows mode (cache)
 *   labels.msgpack     the user's feature labels
 *   plan.jsonl         the current edit plan
 *   lock               pid of the process saving a change right now
 *
 * Caches (cache.h) record the fingerprint of what they were computed from
 * and are rebuilt when it differs. User work (labels, plan) is written
 * atomically. */
#ifndef ENGINE_WS_WORKSPACE_H
#define ENGINE_WS_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"
#include "engine/formats/pairs.h"
#include "engine/base/progress.h"
#include "engine/formats/store.h"

typedef struct ws ws;

enum { WS_READONLY = 1 };

/* Create dir (or reuse an empty one), validate the inputs against each
 * other, write the manifest. Fails without leaving a manifest behind. */
int ws_init(const char *dir, const char *pairs_path, const char *acts_path, sf_err *e);
/* The same, reporting progress (and honouring cancel) while every row is
 * checked for NaN and inf. */
int ws_init_progress(const char *dir, const char *pairs_path, const char *acts_path,
                     const sf_progress *prog, sf_err *e);
/* The same for activations in shards: each of acts is a file, or a
 * directory whose *.safetensors files are shards; together they are one
 * store (engine/formats/store.h), recorded in row order. */
int ws_init_set(const char *dir, const char *pairs_path, const char *const *acts, size_t nacts,
                const sf_progress *prog, sf_err *e);

/* Open a workspace: read the manifest, index the pairs (from WS/pairs.bin
 * when it fits), open the store, check the inputs still match their
 * fingerprint. No lock is held while
 * it is open: writers take it for each save (ws_write_begin), so several
 * processes can have one workspace open. It is read-only (ws_readonly,
 * with the reason in ws_readonly_reason) when WS_READONLY is asked or the
 * directory is not writable. A writable open removes the temp files of
 * saves that were killed. */
int ws_open(ws **out, const char *dir, int flags, sf_err *e);
void ws_close(ws *w);

const char *ws_dir(const ws *w);
/* dir + "/" + name into buf; -1 (and e) if it does not fit. */
int ws_file(const ws *w, const char *name, char *buf, size_t n, sf_err *e);
const pairs *ws_pairs(const ws *w);
const store *ws_store(const ws *w);
/* 16 hex digits naming the input data (pairs + activations). */
const char *ws_fingerprint(const ws *w);
int ws_readonly(const ws *w);
const char *ws_readonly_reason(const ws *w);

/* Hold the writer lock around a change of the workspace's files (labels,
 * plan, SAE): waits a few seconds for another process's save to end, then
 * fails saying who holds it. Refuses a read-only workspace. Nests; every
 * successful begin is matched by one end. */
int ws_write_begin(ws *w, sf_err *e);
void ws_write_end(ws *w);

/* A save that only spares work later (a cache, a label set switched to
 * follow the SAE) failed, e.g. on a full disk: the workspace is read-only
 * for the rest of this process, with why as the reason, so that what is
 * computed from now on stays in memory and a read-only command still
 * gives its answer. */
void ws_cannot_write(ws *w, const char *why);

#endif
