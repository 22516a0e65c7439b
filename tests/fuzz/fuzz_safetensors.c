/* safetensors reader (st_open). Properties of an accepted file:
 *  - every tensor's bytes equal the input's bytes at the declared
 *    data_offsets, and those lie inside the input;
 *  - nbytes = dtype size x product(shape), ndim <= ST_MAX_DIMS;
 *  - names and metadata are NUL-terminated strings.
 * A rejected file must come with a one-line message. */
#include <jansson.h>
#include <string.h>

#include "engine/formats/safetensors.h"
#include "tests/fuzz/fuzz.h"

/* Where the input says tensor `name` starts, relative to the data block;
 * -1 when the header cannot be read back (then no check is made). */
static long long declared_begin(const uint8_t *data, size_t size, const char *name,
                                size_t *data_start)
{
	uint64_t h = 0;
	for (int i = 0; i < 8; i++)
		h |= (uint64_t)data[i] << (8 * i);
	if (h > size - 8)
		return -1;
	*data_start = 8 + (size_t)h;
	json_t *root = json_loadb((const char *)data + 8, (size_t)h, 0, NULL);
	long long b = -1;
	json_t *o = root ? json_object_get(root, name) : NULL;
	json_t *off = o ? json_object_get(o, "data_offsets") : NULL;
	if (off && json_is_integer(json_array_get(off, 0)))
		b = json_integer_value(json_array_get(off, 0));
	json_decref(root);
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	st_file *f = NULL;
	sf_err e = {{0}};
	if (st_open(&f, path, &e)) {
		FUZZ_CHECK(f == NULL, "no file handle on failure");
		FUZZ_CHECK_MSG(e.msg);
		close(fd);
		return 0;
	}
	size_t n = st_count(f);
	for (size_t i = 0; i < n; i++) {
		const st_tensor *t = st_at(f, i);
		FUZZ_CHECK(t && t->name, "tensor has a name");
		FUZZ_CHECK(st_find(f, t->name) != NULL, "st_find finds a listed tensor");
		FUZZ_CHECK(t->ndim >= 0 && t->ndim <= ST_MAX_DIMS, "ndim in range");
		size_t ne = 1;
		for (int j = 0; j < t->ndim; j++) {
			FUZZ_CHECK(t->shape[j] >= 0, "shape is non-negative");
			ne *= (size_t)t->shape[j];
		}
		FUZZ_CHECK(ne == t->nelem, "nelem is the shape product");
		FUZZ_CHECK(t->nbytes == t->nelem * st_dtype_size(t->dtype), "nbytes = nelem x size");
		FUZZ_CHECK(t->nbytes <= size, "tensor no larger than the file");
		size_t start = 0;
		long long b = declared_begin(data, size, t->name, &start);
		if (b >= 0) {
			FUZZ_CHECK((size_t)b <= size && start + (size_t)b + t->nbytes <= size,
			           "tensor bytes inside the file");
			FUZZ_CHECK(!memcmp(t->data, data + start + b, t->nbytes),
			           "tensor bytes are the file's bytes at data_offsets");
		}
	}
	const char *fmt = st_meta(f, "format");
	fuzz_strlen(fmt);
	st_close(f);
	close(fd);
	return 0;
}
