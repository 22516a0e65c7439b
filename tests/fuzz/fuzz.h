/* Shared by the fuzz harnesses (tests/fuzz/fuzz_*.c).
 *
 * Each harness defines LLVMFuzzerTestOneInput. It is linked either with
 * libFuzzer (scripts/fuzz, clang -fsanitize=fuzzer) or with replay.c, a
 * plain main() that feeds it files, so that every crash found stays a
 * regression test in `make check`.
 *
 * Readers that take a path get the input through a memfd, opened as
 * /proc/self/fd/N: no temporary files, nothing left behind. A harness
 * signals a broken property with FUZZ_CHECK, which aborts. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, what)                                                        \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__,    \
			        __LINE__, what);                                      \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* FUZZ_SKIP="name,name": properties a long fuzzing run should not stop
 * at, because the finding is known and kept in regress/NAME/open/ (e.g.
 * "msg" for one-line messages). Replays never set it. */
static inline int fuzz_skip(const char *name)
{
	const char *s = getenv("FUZZ_SKIP");
	size_t n = strlen(name);
	while (s && *s) {
		if (!strncmp(s, name, n) && (s[n] == ',' || s[n] == '\0'))
			return 1;
		s = strchr(s, ',');
		s = s ? s + 1 : NULL;
	}
	return 0;
}

/* An engine error message: present and one line. Shown when it is not. */
#define FUZZ_CHECK_MSG(msg)                                                           \
	do {                                                                          \
		const char *m_ = (msg);                                               \
		if (fuzz_skip("msg") && m_[0])                                        \
			break;                                                        \
		if (!m_[0] || strchr(m_, '\n')) {                                    \
			fprintf(stderr, "message: \"");                              \
			for (const char *q_ = m_; *q_; q_++)                          \
				fprintf(stderr, *q_ == '\n' ? "\\n" : "%c", *q_);   \
			fprintf(stderr, "\"\n");                                      \
		}                                                                     \
		FUZZ_CHECK(m_[0] && !strchr(m_, '\n'), "one-line error message");   \
	} while (0)

/* A memfd holding data; its path goes into path (>= 32 bytes). Returns the
 * fd (close it when done) or -1. */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t n)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

/* Touch every byte of a region the reader said is valid, so that a wrong
 * bound shows up under ASan (or as SIGBUS/SIGSEGV past a mapping). */
static inline unsigned fuzz_touch(const void *p, size_t n)
{
	const volatile unsigned char *b = p;
	unsigned s = 0;
	for (size_t i = 0; i < n; i++)
		s += b[i];
	return s;
}

/* A string the reader returned must be NUL-terminated within reason. */
static inline size_t fuzz_strlen(const char *s) { return s ? __builtin_strlen(s) : 0; }

#endif
