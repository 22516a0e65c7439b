/* The workspace writer lock: one process at a time may change a
 * workspace, and only for as long as a save takes. The lock is an flock(2)
 * on WS/lock, so the kernel drops it when the holder exits or crashes - a stale lock file left by a dead
 * process is simply taken over. The holder writes its pid into the file
 * so that others can say who holds it. */
#ifndef ENGINE_WS_LOCK_H
#define ENGINE_WS_LOCK_H

#include <stddef.h>

#include "engine/base/err.h"

typedef struct ws_lock ws_lock;

/* 0: taken (*out set). 1: not taken, because another live process held it
 * for all of wait_ms milliseconds or the lock file cannot be created
 * (read-only directory): reason holds one line saying which, e.g. "in use
 * by process 4242". -1: error (e). */
int lock_take(ws_lock **out, const char *path, int wait_ms, char *reason, size_t reason_len,
              sf_err *e);
/* Release and free (NULL is fine). */
void lock_release(ws_lock *l);

#endif
