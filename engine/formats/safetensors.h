/* safetensors files: read through mmap with every header field checked,
 * written atomically.
 *
 * Layout: 8-byte little-endian header length H, H bytes of JSON header
 * {"name": {"dtype": "F16", "shape": [N, d], "data_offsets": [b, e]}, ...,
 * "__metadata__": {"key": "string", ...}}, then the data block. Offsets
 * are relative to the data block, must lie inside the file, must not
 * overlap, and e - b must equal dtype size x product(shape). */
#ifndef ENGINE_FORMATS_SAFETENSORS_H
#define ENGINE_FORMATS_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/base/err.h"

typedef enum st_dtype {
	ST_F32, ST_F16, ST_BF16, ST_F64, ST_I64, ST_I32, ST_I16, ST_I8, ST_U8, ST_BOOL,
	ST_DTYPE_COUNT
} st_dtype;

#define ST_MAX_DIMS 8
#define ST_MAX_HEADER ((uint64_t)100 << 20) /* 100 MB, as the reference */
/* Checked on the header text before it is parsed: the activation file
 * has 7 tensors and an SAE a handful, and a header of a million empty
 * tensors (well inside 100 MB) would otherwise take gigabytes. */
#define ST_MAX_TENSORS 4096
#define ST_MAX_HEADER_VALUES ((size_t)1 << 17) /* JSON values in the header */
#define ST_MAX_HEADER_DEPTH 8

typedef struct st_tensor {
	const char *name;
	st_dtype dtype;
	int ndim;
	int64_t shape[ST_MAX_DIMS];
	size_t nelem;
	size_t nbytes;
	const void *data; /* inside the mapping; alignment not guaranteed */
} st_tensor;

typedef struct st_file st_file;

int st_open(st_file **out, const char *path, sf_err *e);
void st_close(st_file *f);
size_t st_count(const st_file *f);
const st_tensor *st_at(const st_file *f, size_t i);
const st_tensor *st_find(const st_file *f, const char *name); /* NULL if absent */
const char *st_meta(const st_file *f, const char *key);       /* NULL if absent */
/* The __metadata__ entries in header order: i < st_meta_count. */
size_t st_meta_count(const st_file *f);
const char *st_meta_key(const st_file *f, size_t i);
const char *st_meta_value(const st_file *f, size_t i);
const char *st_path(const st_file *f);
/* Byte offset of a tensor's data in the file (for pread-based scans that
 * should not fault the whole mapping in), and the file's size. */
size_t st_data_offset(const st_file *f, const st_tensor *t);
size_t st_file_size(const st_file *f);
size_t st_dtype_size(st_dtype t);
const char *st_dtype_name(st_dtype t);

/* Writing. meta is NULL or a NULL-terminated list of key, value, key,
 * value, ... strings. Tensors are listed in the header in the order
 * given; the data block is contiguous (as the reference reader demands)
 * and laid out by descending element size, so every tensor is naturally
 * aligned. Written through atomic_open/atomic_commit. */
typedef struct st_tensor_in {
	const char *name;
	st_dtype dtype;
	int ndim;
	int64_t shape[ST_MAX_DIMS];
	const void *data; /* nelem x dtype size bytes, little-endian */
} st_tensor_in;

int st_write(const char *path, const st_tensor_in *t, size_t n, const char *const *meta,
             sf_err *e);

#endif
