/* Crash-safe file replacement: write to a temporary file in the same
 * directory, fsync it, rename it over the target, fsync the directory.
 * A reader sees either the old file or the new one, never a mix.
 *
 * Two kinds of target. A program's own file (a workspace's labels, its
 * caches: atomic_open, atomic_write) is the directory entry itself: a
 * symlink or a FIFO found there is replaced like a file, never written
 * through, so that a workspace from elsewhere cannot aim a save at
 * another file. A file the user named as an output (atomic_open_out) is
 * what the path leads to: a symlink is followed and the file at its end
 * replaced, the link staying (a dangling one is refused, as cp does); only
 * a regular file is replaced by rename; a character device or a FIFO is
 * written to directly (a terminal, /dev/null, a pipe to another program),
 * a FIFO opened without blocking and retried for a few seconds while no
 * program reads it, then refused, so that it cannot hang the writer; a
 * directory, block device or socket is refused; "-" is standard output. */
#ifndef ENGINE_BASE_ATOMIC_H
#define ENGINE_BASE_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

#include "engine/base/err.h"

/* Write len bytes to path atomically. */
int atomic_write(const char *path, const void *data, size_t len, sf_err *e);

/* Streamed variant for large outputs: atomic_open gives a FILE* on a
 * temporary file; atomic_commit flushes, fsyncs and renames it over the
 * target; atomic_abort removes it and leaves the target untouched. */
typedef struct atomic_file {
	FILE *f;
	char *tmp_path; /* NULL when written directly */
	char *path;     /* the file replaced or written */
	int tty;        /* f is a terminal: callers keep their text printable */
} atomic_file;

int atomic_open(atomic_file *af, const char *path, sf_err *e);
/* The same for a user-named output (see above); af->tty tells a
 * terminal. */
int atomic_open_out(atomic_file *af, const char *path, sf_err *e);
int atomic_commit(atomic_file *af, sf_err *e);
void atomic_abort(atomic_file *af);

/* fsync the directory that holds path (after a rename or unlink). */
int fsync_parent_dir(const char *path, sf_err *e);

#endif
