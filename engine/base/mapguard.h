/* Mapped inputs that shrink under us. Reading a page of a mapping past the
 * end of a file that was truncated after it was mapped raises SIGBUS,
 * which would kill the program with "Bus error" (exit 135). Every mapping
 * of an input is registered here with its file's name; the SIGBUS handler
 * finds the mapping that holds the faulting address (si_addr) and ends the
 * program with one line, "PREFIX: FILE: changed size while in use", exit
 * 1, after removing the temp files of saves in progress, so that the
 * workspace stays as it was: what was being written was never renamed
 * into place. The handler only calls write(2), unlink(2) and _exit(2),
 * all async-signal-safe, on messages and paths prepared beforehand.
 *
 * The engine registers; the program installs the handler once at start
 * (mapguard_install). Without it, registering costs nothing and a fault
 * ends the program the default way. */
#ifndef ENGINE_BASE_MAPGUARD_H
#define ENGINE_BASE_MAPGUARD_H

#include <stddef.h>

/* Install the SIGBUS handler; prefix starts every line it prints (the
 * program's name). 0, or -1 when sigaction fails. */
int mapguard_install(const char *prefix);

/* For a program with a SIGBUS handler of its own (one that restores the
 * terminal first): set the prefix without installing, and end the
 * program from that handler as mapguard's own would, for the fault
 * address si_addr. Does not return. */
void mapguard_prefix(const char *prefix);
void mapguard_fault(const void *addr) __attribute__((noreturn));

/* Register the mapping [base, base + len) of the file path; forget it
 * again (before munmap) with mapguard_unmap(base). When every slot is
 * taken the mapping goes unnamed: a fault in it still ends in one line,
 * naming no file. */
void mapguard_map(const void *base, size_t len, const char *path);
void mapguard_unmap(const void *base);

/* A temp file being written (removed if a fault ends the program), and
 * forgetting it once it was renamed into place or removed. */
void mapguard_temp(const char *path);
void mapguard_untemp(const char *path);

#endif
