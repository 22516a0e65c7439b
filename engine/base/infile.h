/* Opening a file the program reads. Every input (pairs, activations, an
 * SAE, labels, an edit list, a workspace file) is opened here, so that a
 * FIFO, a device or a socket in its place is refused at once with one
 * line saying what it is, instead of blocking forever on an open or a read
 * that no writer will ever satisfy. Process substitution (<(...)) names a
 * pipe and is refused the same way. */
#ifndef ENGINE_BASE_INFILE_H
#define ENGINE_BASE_INFILE_H

#include <stdio.h>
#include <sys/stat.h>

#include "engine/base/err.h"

/* Open path read-only (close-on-exec, never as a controlling terminal).
 * Returns the descriptor, or -1 with e set: "PATH: cannot open: REASON"
 * (errno kept, so ENOENT can be told apart) or "PATH: not a regular file
 * (a FIFO)" (errno EINVAL). sb, when non-NULL, gets the file's
 * stat. The descriptor blocks as usual. */
int infile_open(const char *path, struct stat *sb, sf_err *e);

/* The same as a stdio stream ("rb"); NULL with e set. */
FILE *infile_fopen(const char *path, struct stat *sb, sf_err *e);

/* The same, except that "-" is the standard input (a copy of it, closed
 * with fclose), for the inputs a command streams through once and may
 * take from a pipe (a labels import, an edit list). A standard input that
 * is a terminal is refused ("-: standard input is a terminal"), as nobody
 * would be typing a file there. */
FILE *infile_fopen_or_stdin(const char *path, sf_err *e);

/* What kind of file mode is, for messages: "a FIFO", "a directory", ... */
const char *infile_kind(mode_t mode);

#endif
