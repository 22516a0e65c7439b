/* Where a command may write a file the user named (--out, --export, the
 * explorer's :export): checked before anything is written, so that no
 * output destroys what the command works from.
 *
 * Refused, by identity (st_dev/st_ino of what the path leads to after its
 * symlinks; for a file not there yet, of the directory that would hold
 * it), never by spelling:
 *   - the workspace directory or anything inside it (the workspace's own
 *     files are written by the commands that own them, not through a
 *     user-named output)
 *   - the workspace's inputs: its pairs file and its activation file
 *   - the command's own inputs (a plan file read by the same command)
 *   - a directory, block device or socket
 *   - an existing regular file, unless the command was told to replace it
 * Allowed: a new file, "-" (standard output), a character device or FIFO
 * (written directly by atomic_open, nothing replaced). */
#ifndef ENGINE_WS_OUTPATH_H
#define ENGINE_WS_OUTPATH_H

#include "engine/base/err.h"
#include "engine/ws/workspace.h"

/* 0 when path may be written; -1 with one line saying why not. w: the
 * workspace the command works on (NULL: none). inputs: the command's
 * other input files, NULL-terminated (may be NULL). how_to_replace: NULL
 * when an existing regular file may be replaced, else how to ask for it,
 * quoted by the refusal ("--force", ":export! FILE"). */
int outpath_check(const char *path, const ws *w, const char *const *inputs,
                  const char *how_to_replace, sf_err *e);

#endif
