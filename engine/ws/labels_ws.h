/* WS/labels.msgpack: the labels of the workspace's current SAE, with the
 * sets of other SAEs kept beside it (labels-<fingerprint>.msgpack). */
#ifndef ENGINE_WS_LABELS_WS_H
#define ENGINE_WS_LABELS_WS_H

#include "engine/analysis/labels.h"
#include "engine/base/err.h"

struct ws;

/* Read WS/labels.msgpack (a missing file is an empty set). m is the SAE
 * width; labels for features >= m in the file are an error.
 *
 * Labels belong to one SAE: the file records its fingerprint. When the
 * workspace's SAE (WS/sae/cfg.json) is another one, the file is kept
 * whole as WS/labels-<old fingerprint>.msgpack and the set of the current
 * SAE is used instead: WS/labels-<fingerprint>.msgpack when an earlier
 * switch archived it, else empty; labels.msgpack is then rewritten for
 * the current SAE. Archive first, then the switch, each atomic, so no
 * label is lost at any point. A read-only workspace switches in memory
 * only. out->notice says what happened (empty when nothing did). A file
 * from before fingerprints were recorded is taken to be the current SAE's
 * unless its width differs (then archived as labels-legacy-m<M>.msgpack). */
int labels_load(sf_labels *out, struct ws *w, int m, sf_err *e);

#endif
