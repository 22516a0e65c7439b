/* The workspace writer lock: one process at a time may change a
 * workspace, and only for as long as a save takes. The lock is an flock(2)
 * on WS/lock, so the kernel drops it when the holder exits or crashes - a
 * stale lock file left by a dead process is simply taken over. The holder
 * writes its pid into the file so that others can say who holds it, when
 * the disk has room for it: taking the lock never fails for want of space.
 * Readers take no lock: every file is replaced by a rename, so a reader
 * sees the old file or the new one. */
#ifndef ENGINE_WS_LOCK_H
#define ENGINE_WS_LOCK_H

#include <stddef.h>

#include "engine/base/err.h"

typedef struct ws_lock ws_lock;

/* 0: taken (*out set). 1: not taken, because another live process held it
 * for all of wait_ms milliseconds: reason says who, e.g. "in use by process
 * 4242". 2: not taken because the lock file cannot be created (read-only
 * directory, full disk): reason says why. -1: error (e). */
int lock_take(ws_lock **out, const char *path, int wait_ms, char *reason, size_t reason_len,
              sf_err *e);
/* Release and free (NULL is fine). */
void lock_release(ws_lock *l);

#endif
