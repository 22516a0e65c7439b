/* WS/pairs.bin: the index of the pairs file (engine/formats/pairs.h) as
 * a cache (cache.h, kind "PAIR"; payload the index buffer), keyed by the
 * pairs file's fingerprint. It also stands for the fingerprint: while
 * the file keeps the stat identity it had when indexed (size, mtime,
 * ctime, inode, device; see pairs_identity_trusted), opening a workspace
 * does not read the pairs file at all. Otherwise the file is hashed
 * again, and indexed again when the index does not fit it. */
#ifndef ENGINE_WS_PAIRS_WS_H
#define ENGINE_WS_PAIRS_WS_H

#include <stdint.h>

#include "engine/base/err.h"
#include "engine/formats/pairs.h"

/* The pairs of a workspace from path, whose fingerprint the manifest
 * says is want_fp, with its index in file (WS/PAIRS_WS_FILE); ro_reason
 * is NULL for a writable workspace, else why it is read-only. 0: loaded, and *size, *fp (the file's now) are the manifest's.
 * 1: the file's fingerprint is no longer want_fp (*size, *fp say what it
 * is; out is empty). -1: e says why (a damaged WS/pairs.bin in a
 * read-only workspace is refused). A rebuilt index is written back when
 * the workspace is writable. */
int pairs_open_ws(pairs *out, const char *file, const char *ro_reason, const char *path,
                  uint64_t want_fp, uint64_t *size, uint64_t *fp, sf_err *e);
#define PAIRS_WS_FILE "pairs.bin"

/* Write p's index to file, a workspace's PAIRS_WS_FILE (at init, before
 * the manifest makes the directory a workspace). */
int pairs_save_ws(const pairs *p, const char *file, sf_err *e);

#endif
