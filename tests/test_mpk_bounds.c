/* The bounded msgpack reader stops "a few bytes ask for gigabytes".
 *
 * msgpack-c allocates what a message's counts claim before it reads the
 * elements. mpk_unpack must refuse such messages in its own pre-pass, so
 * every hostile message here must fail with one line that is not
 * msgpack-c's own "cannot unpack" - and without a large allocation: the
 * address space is capped at its current size + 256 MB (under ASan, whose
 * shadow memory makes that impossible, single allocations are capped at
 * 256 MB instead), so an attempt to allocate gigabytes fails visibly.
 * A control shows that msgpack-c alone does try. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/formats/mpk.h"
#include "tests/tap.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "max_allocation_size_mb=256:allocator_may_return_null=1";
}
#else
#define UNDER_ASAN 0
#endif

static long vm_size_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmSize:", 7))
			kb = strtol(line + 7, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static void cap_address_space(void)
{
	if (UNDER_ASAN)
		return;
	long kb = vm_size_kb();
	if (kb < 0)
		return;
	struct rlimit rl = { (rlim_t)(kb + 256 * 1024) * 1024, (rlim_t)(kb + 256 * 1024) * 1024 };
	ok(setrlimit(RLIMIT_AS, &rl) == 0, "address space capped at %ld MB", kb / 1024 + 256);
}

/* mpk_unpack must refuse msg in its pre-pass. */
static void refused(const void *msg, size_t len, const char *name)
{
	msgpack_unpacked u;
	sf_err e = {{0}};
	int rc = mpk_unpack(msg, len, (size_t)16 << 20, &u, &e);
	int clean = rc == -1 && e.msg[0] && !strchr(e.msg, '\n') && !strstr(e.msg, "cannot unpack");
	ok(clean, "%s refused by the pre-pass", name);
	if (!clean)
		diag("rc %d, message \"%s\"", rc, e.msg);
	if (rc == 0)
		msgpack_unpacked_destroy(&u);
}

static void accepted(const void *msg, size_t len, const char *name)
{
	msgpack_unpacked u;
	sf_err e = {{0}};
	int rc = mpk_unpack(msg, len, (size_t)16 << 20, &u, &e);
	ok(rc == 0, "%s accepted", name);
	if (rc)
		diag("%s", e.msg);
	else
		msgpack_unpacked_destroy(&u);
}

int main(void)
{
	cap_address_space();

	/* Containers and blobs whose 32-bit counts claim ~4 billion items. */
	refused("\xdd\xff\xff\xff\xff", 5, "array32 of 2^32-1 elements in 5 bytes");
	refused("\xdf\xff\xff\xff\xff", 5, "map32 of 2^32-1 pairs in 5 bytes");
	refused("\xdb\xff\xff\xff\xff", 5, "str32 of 4 GB in 5 bytes");
	refused("\xc6\xff\xff\xff\xff", 5, "bin32 of 4 GB in 5 bytes");
	refused("\xc9\xff\xff\xff\xff\x01", 6, "ext32 of 4 GB in 6 bytes");
	refused("\xdc\xff\xff\xc0\xc0", 5, "array16 of 65535 with 2 elements");
	refused("\xde\x80\x00\xc0", 4, "map16 of 32768 pairs with 1 byte");
	/* The count fits the bytes, but each element claims gigabytes. */
	refused("\x93\xdb\xff\xff\xff\xff\xc0\xc0", 8, "array of str32 claiming 4 GB");
	refused("\x92\xdd\x7f\xff\xff\xff\xdd\x7f\xff\xff\xff", 11,
	        "array of two array32 claiming 2^31 each");
	/* A map's count doubles: 3 pairs need 6 objects. */
	refused("\x83\xc0\xc0\xc0\xc0\xc0", 6, "fixmap of 3 pairs with 5 objects");

	/* Deep nesting: a million nested one-element arrays (msgpack-c's own
	 * stack is 32 deep; recursion here must be bounded too). */
	size_t deep = 1000000;
	unsigned char *d = malloc(deep + 1);
	memset(d, 0x91, deep);
	d[deep] = 0xc0;
	refused(d, deep + 1, "a million nested arrays");
	for (size_t i = 0; i < deep; i += 2) {
		d[i] = 0x81; /* {nil: {nil: ...}} */
		d[i + 1] = 0xc0;
	}
	refused(d, deep + 1, "half a million nested maps");
	free(d);
	unsigned char nest[MPK_MAX_DEPTH + 2];
	memset(nest, 0x91, sizeof nest);
	nest[sizeof nest - 1] = 0xc0;
	refused(nest, sizeof nest, "one level deeper than MPK_MAX_DEPTH");

	/* Truncations, stray bytes, reserved type byte, size cap. */
	refused("\x92\xc0", 2, "array missing an element");
	refused("\xc0\xc0", 2, "two messages where one is expected");
	refused("\xc1", 1, "reserved type byte 0xc1");
	refused("", 0, "empty message");
	{
		msgpack_unpacked u;
		sf_err e = {{0}};
		static unsigned char big[(1 << 20) + 1];
		int rc = mpk_unpack(big, sizeof big, 1 << 20, &u, &e);
		ok(rc == -1 && strstr(e.msg, "limit"), "a message over max_len refused (%s)", e.msg);
	}

	/* Controls: what the pre-pass lets through still unpacks. */
	accepted("\x93\x01\xa1x\xc0", 5, "small array");
	accepted("\x82\xa1" "a\x01\xa1" "b\x92\xc2\xc3", 9, "small map");
	unsigned char ok_nest[MPK_MAX_DEPTH];
	memset(ok_nest, 0x91, sizeof ok_nest);
	ok_nest[sizeof ok_nest - 1] = 0xc0;
	accepted(ok_nest, sizeof ok_nest, "nesting within the bound");
	{
		/* a 1 MB array of nils is big but honest */
		size_t n = 1 << 20;
		unsigned char *a = malloc(n + 5);
		a[0] = 0xdd;
		a[1] = (unsigned char)(n >> 24);
		a[2] = (unsigned char)(n >> 16);
		a[3] = (unsigned char)(n >> 8);
		a[4] = (unsigned char)n;
		memset(a + 5, 0xc0, n);
		accepted(a, n + 5, "array32 of 2^20 nils in 2^20+5 bytes");
		free(a);
	}

	/* The class is real: msgpack-c on its own asks for the memory, and
	 * fails only because the cap is there. */
	{
		msgpack_unpacked u;
		msgpack_unpacked_init(&u);
		size_t off = 0;
		msgpack_unpack_return r = msgpack_unpack_next(&u, "\xdd\x10\x00\x00\x00", 5, &off);
		ok(r != MSGPACK_UNPACK_SUCCESS, "control: plain msgpack-c on array32 of 2^28 (code %d)",
		   (int)r);
		msgpack_unpacked_destroy(&u);
	}

	/* mpk_read_file refuses an oversized file before reading it: a 4 GB
	 * sparse file. */
	{
		char path[] = "/tmp/safer-mpk-bounds.XXXXXX";
		int fd = mkstemp(path);
		int sized = fd >= 0 && ftruncate(fd, (off_t)4 << 30) == 0;
		mpk_doc doc;
		sf_err e = {{0}};
		int rc = sized ? mpk_read_file(&doc, path, (size_t)1 << 20, &e) : 0;
		ok(sized && rc == -1 && strstr(e.msg, path) && strstr(e.msg, "limit"),
		   "a 4 GB file refused by size (%s)", e.msg);
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
	}
	return done_testing();
}
