/* Bounded msgpack pre-pass (mpk_unpack). An accepted message unpacks into
 * an object tree whose every str/bin points inside the input, whose
 * container sizes fit the input, and whose depth is bounded; walking it
 * touches only valid memory. Any input, accepted or not, allocates in
 * proportion to its size (libFuzzer's -malloc_limit_mb catches the rest). */
#include <string.h>

#include "engine/formats/mpk.h"
#include "tests/fuzz/fuzz.h"

static const uint8_t *in_lo, *in_hi;

/* Returns the number of objects in the tree. */
static size_t walk(const msgpack_object *o, int depth)
{
	FUZZ_CHECK(depth <= MPK_MAX_DEPTH + 1, "nesting bounded by MPK_MAX_DEPTH");
	size_t n = 1;
	switch (o->type) {
	case MSGPACK_OBJECT_STR:
	case MSGPACK_OBJECT_BIN: {
		const uint8_t *p = (const uint8_t *)o->via.str.ptr;
		size_t len = o->via.str.size;
		if (len) {
			FUZZ_CHECK(p >= in_lo && p + len <= in_hi, "str/bin inside the input");
			fuzz_touch(p, len);
		}
		break;
	}
	case MSGPACK_OBJECT_EXT:
		if (o->via.ext.size) {
			const uint8_t *p = (const uint8_t *)o->via.ext.ptr;
			FUZZ_CHECK(p >= in_lo && p + o->via.ext.size <= in_hi, "ext inside the input");
		}
		break;
	case MSGPACK_OBJECT_ARRAY:
		FUZZ_CHECK(o->via.array.size <= (size_t)(in_hi - in_lo), "array count fits the input");
		for (uint32_t i = 0; i < o->via.array.size; i++)
			n += walk(&o->via.array.ptr[i], depth + 1);
		break;
	case MSGPACK_OBJECT_MAP:
		FUZZ_CHECK(o->via.map.size <= (size_t)(in_hi - in_lo) / 2, "map count fits the input");
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			n += walk(&o->via.map.ptr[i].key, depth + 1);
			n += walk(&o->via.map.ptr[i].val, depth + 1);
		}
		break;
	default:
		break;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy: the unpacked strings point into it. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	in_lo = buf;
	in_hi = buf + size;
	msgpack_unpacked u;
	sf_err e = {{0}};
	if (mpk_unpack(buf, size, (size_t)1 << 20, &u, &e) == 0) {
		size_t n = walk(&u.data, 0);
		/* every object takes at least one byte of the message */
		FUZZ_CHECK(n <= size, "no more objects than bytes");
		const msgpack_object *v = mpk_map_get(&u.data, "labels");
		if (v) {
			char *s = mpk_strdup(v);
			fuzz_strlen(s);
			free(s);
		}
		msgpack_unpacked_destroy(&u);
	} else {
		FUZZ_CHECK_MSG(e.msg);
	}
	free(buf);
	return 0;
}
