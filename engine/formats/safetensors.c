/* safetensors reader (mmap, every header field checked before any tensor
 * byte is touched) and atomic writer. See engine/formats/safetensors.h. */
#include "engine/formats/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/base/infile.h"
#include "engine/base/mapguard.h"
#include "engine/base/jsonscan.h"

struct st_file {
	char *path;
	const unsigned char *base; /* the whole file, mapped */
	size_t size;
	size_t n;
	st_tensor *t;
	size_t nmeta;
	char **meta; /* key, value, key, value, ... */
};

static const struct {
	const char *name;
	size_t size;
} dtypes[ST_DTYPE_COUNT] = {
	[ST_F32] = {"F32", 4},   [ST_F16] = {"F16", 2}, [ST_BF16] = {"BF16", 2},
	[ST_F64] = {"F64", 8},   [ST_I64] = {"I64", 8}, [ST_I32] = {"I32", 4},
	[ST_I16] = {"I16", 2},   [ST_I8] = {"I8", 1},   [ST_U8] = {"U8", 1},
	[ST_BOOL] = {"BOOL", 1},
};

size_t st_dtype_size(st_dtype t)
{
	return (unsigned)t < ST_DTYPE_COUNT ? dtypes[t].size : 0;
}

const char *st_dtype_name(st_dtype t)
{
	return (unsigned)t < ST_DTYPE_COUNT ? dtypes[t].name : "?";
}

static int dtype_parse(const char *s, st_dtype *out)
{
	for (int i = 0; i < ST_DTYPE_COUNT; i++)
		if (!strcmp(s, dtypes[i].name)) {
			*out = (st_dtype)i;
			return 0;
		}
	return -1;
}

size_t st_count(const st_file *f) { return f->n; }
const st_tensor *st_at(const st_file *f, size_t i) { return i < f->n ? &f->t[i] : NULL; }
const char *st_path(const st_file *f) { return f->path; }
size_t st_file_size(const st_file *f) { return f->size; }

size_t st_data_offset(const st_file *f, const st_tensor *t)
{
	return (size_t)((const unsigned char *)t->data - f->base);
}

const st_tensor *st_find(const st_file *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->t[i].name, name))
			return &f->t[i];
	return NULL;
}

const char *st_meta(const st_file *f, const char *key)
{
	for (size_t i = 0; i < f->nmeta; i++)
		if (!strcmp(f->meta[2 * i], key))
			return f->meta[2 * i + 1];
	return NULL;
}

size_t st_meta_count(const st_file *f) { return f->nmeta; }
const char *st_meta_key(const st_file *f, size_t i) { return i < f->nmeta ? f->meta[2 * i] : NULL; }
const char *st_meta_value(const st_file *f, size_t i)
{
	return i < f->nmeta ? f->meta[2 * i + 1] : NULL;
}

void st_close(st_file *f)
{
	if (!f)
		return;
	if (f->base) {
		mapguard_unmap(f->base);
		munmap((void *)f->base, f->size);
	}
	for (size_t i = 0; i < f->n; i++)
		free((char *)f->t[i].name);
	free(f->t);
	for (size_t i = 0; i < 2 * f->nmeta; i++)
		free(f->meta[i]);
	free(f->meta);
	free(f->path);
	free(f);
}

/* ---- header parsing ---------------------------------------------------- */

/* A JSON integer in [0, max], else -1 with a message. */
static int get_u64(json_t *v, uint64_t max, uint64_t *out)
{
	if (!json_is_integer(v))
		return -1;
	json_int_t x = json_integer_value(v);
	if (x < 0 || (uint64_t)x > max)
		return -1;
	*out = (uint64_t)x;
	return 0;
}

static int parse_tensor(st_file *f, const char *name, json_t *o, size_t data_len,
                        st_tensor *t, sf_err *e)
{
	const char *p = f->path;
	if (!json_is_object(o))
		return sf_fail(e, "%s: tensor \"%s\": header entry is not an object", p, name);
	json_t *jd = json_object_get(o, "dtype");
	json_t *js = json_object_get(o, "shape");
	json_t *jo = json_object_get(o, "data_offsets");
	if (!json_is_string(jd))
		return sf_fail(e, "%s: tensor \"%s\": missing or non-string dtype", p, name);
	if (dtype_parse(json_string_value(jd), &t->dtype))
		return sf_fail(e, "%s: tensor \"%s\": unknown dtype \"%.16s\"", p, name,
		               json_string_value(jd));
	if (!json_is_array(js))
		return sf_fail(e, "%s: tensor \"%s\": missing or non-array shape", p, name);
	if (json_array_size(js) > ST_MAX_DIMS)
		return sf_fail(e, "%s: tensor \"%s\": %zu dimensions (at most %d)", p, name,
		               json_array_size(js), ST_MAX_DIMS);
	t->ndim = (int)json_array_size(js);
	size_t nelem = 1;
	for (int i = 0; i < t->ndim; i++) {
		uint64_t dim;
		if (get_u64(json_array_get(js, (size_t)i), (uint64_t)INT64_MAX, &dim))
			return sf_fail(e, "%s: tensor \"%s\": shape[%d] is not a non-negative integer",
			               p, name, i);
		t->shape[i] = (int64_t)dim;
		if (dim > SIZE_MAX || sf_mul_size(nelem, (size_t)dim, &nelem))
			return sf_fail(e, "%s: tensor \"%s\": shape product overflows", p, name);
	}
	for (int i = t->ndim; i < ST_MAX_DIMS; i++)
		t->shape[i] = 0;
	t->nelem = nelem;
	if (sf_mul_size(nelem, dtypes[t->dtype].size, &t->nbytes))
		return sf_fail(e, "%s: tensor \"%s\": byte size overflows", p, name);
	if (!json_is_array(jo) || json_array_size(jo) != 2)
		return sf_fail(e, "%s: tensor \"%s\": data_offsets must be [begin, end]", p, name);
	uint64_t b, en;
	if (get_u64(json_array_get(jo, 0), UINT64_MAX, &b) ||
	    get_u64(json_array_get(jo, 1), UINT64_MAX, &en))
		return sf_fail(e, "%s: tensor \"%s\": data_offsets are not non-negative integers",
		               p, name);
	if (b > en || en > data_len)
		return sf_fail(e, "%s: tensor \"%s\": data_offsets [%llu, %llu] outside the data "
		               "block (%zu bytes)", p, name, (unsigned long long)b,
		               (unsigned long long)en, data_len);
	if (en - b != t->nbytes)
		return sf_fail(e, "%s: tensor \"%s\": %llu data bytes, but %s x %zu elements "
		               "needs %zu", p, name, (unsigned long long)(en - b),
		               dtypes[t->dtype].name, nelem, t->nbytes);
	t->data = f->base + (f->size - data_len) + b;
	return 0;
}

static int parse_meta(st_file *f, json_t *m, sf_err *e)
{
	if (!json_is_object(m))
		return sf_fail(e, "%s: __metadata__ is not an object", f->path);
	size_t n = json_object_size(m);
	f->meta = calloc(2 * n + 1, sizeof *f->meta);
	if (!f->meta)
		return sf_fail(e, "%s: out of memory", f->path);
	const char *k;
	json_t *v;
	json_object_foreach(m, k, v) {
		if (!json_is_string(v))
			return sf_fail(e, "%s: __metadata__ value of \"%.64s\" is not a string",
			               f->path, k);
		f->meta[2 * f->nmeta] = strdup(k);
		f->meta[2 * f->nmeta + 1] = strdup(json_string_value(v));
		f->nmeta++;
		if (!f->meta[2 * f->nmeta - 2] || !f->meta[2 * f->nmeta - 1])
			return sf_fail(e, "%s: out of memory", f->path);
	}
	return 0;
}

static int cmp_by_data(const void *a, const void *b)
{
	const st_tensor *x = *(const st_tensor *const *)a, *y = *(const st_tensor *const *)b;
	if (x->data != y->data)
		return (const char *)x->data < (const char *)y->data ? -1 : 1;
	return x->nbytes < y->nbytes ? -1 : x->nbytes > y->nbytes;
}

/* Tensors must not share bytes. Empty tensors occupy nothing. */
static int check_overlap(st_file *f, sf_err *e)
{
	if (f->n < 2)
		return 0;
	const st_tensor **v = malloc(f->n * sizeof *v);
	if (!v)
		return sf_fail(e, "%s: out of memory", f->path);
	for (size_t i = 0; i < f->n; i++)
		v[i] = &f->t[i];
	qsort(v, f->n, sizeof *v, cmp_by_data);
	int rc = 0;
	const st_tensor *prev = NULL;
	for (size_t i = 0; i < f->n; i++) {
		if (!v[i]->nbytes)
			continue;
		if (prev && (const char *)prev->data + prev->nbytes > (const char *)v[i]->data) {
			rc = sf_fail(e, "%s: tensors \"%s\" and \"%s\" overlap", f->path,
			             prev->name, v[i]->name);
			break;
		}
		prev = v[i];
	}
	free(v);
	return rc;
}

static int too_many(const st_file *f, sf_err *e)
{
	return sf_fail(e, "%s: header lists more than %d tensors (safer reads at most %d; "
	               "activations need 7, an SAE a handful)", f->path, ST_MAX_TENSORS,
	               ST_MAX_TENSORS);
}

static int parse_header(st_file *f, const char *hdr, size_t hlen, size_t data_len, sf_err *e)
{
	json_shape sh;
	int big = json_scan(hdr, hlen, ST_MAX_HEADER_VALUES, ST_MAX_HEADER_DEPTH, &sh);
	if (sh.top_keys > ST_MAX_TENSORS + 1) /* + __metadata__ */
		return too_many(f, e);
	if (big)
		return sf_fail(e, "%s: header is too large a JSON value (more than %zu values or "
		               "nested deeper than %d)", f->path, ST_MAX_HEADER_VALUES,
		               ST_MAX_HEADER_DEPTH);
	json_error_t je;
	json_t *root = json_loadb(hdr, hlen, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return sf_fail(e, "%s: header is not valid JSON (%s at byte %d)", f->path, je.text,
		               je.position);
	int rc = 0;
	if (!json_is_object(root)) {
		rc = sf_fail(e, "%s: header is not a JSON object", f->path);
		goto out;
	}
	size_t cap = json_object_size(root);
	if (cap - (json_object_get(root, "__metadata__") != NULL) > ST_MAX_TENSORS) {
		rc = too_many(f, e);
		goto out;
	}
	f->t = calloc(cap ? cap : 1, sizeof *f->t);
	if (!f->t) {
		rc = sf_fail(e, "%s: out of memory", f->path);
		goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(root, k, v) {
		if (!strcmp(k, "__metadata__")) {
			if ((rc = parse_meta(f, v, e)))
				goto out;
			continue;
		}
		st_tensor *t = &f->t[f->n];
		t->name = strdup(k);
		if (!t->name) {
			rc = sf_fail(e, "%s: out of memory", f->path);
			goto out;
		}
		f->n++;
		if ((rc = parse_tensor(f, k, v, data_len, t, e)))
			goto out;
	}
	rc = check_overlap(f, e);
out:
	json_decref(root);
	return rc;
}

int st_open(st_file **out, const char *path, sf_err *e)
{
	*out = NULL;
	st_file *f = calloc(1, sizeof *f);
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return sf_fail(e, "%s: out of memory", path);
	}
	struct stat sb;
	int fd = infile_open(path, &sb, e);
	if (fd < 0) {
		st_close(f);
		return -1;
	}
	if (sb.st_size < 8) {
		sf_fail(e, "%s: truncated: %lld bytes, a safetensors file starts with an 8-byte "
		        "header length", path, (long long)sb.st_size);
		goto fail;
	}
	if ((uint64_t)sb.st_size > SIZE_MAX) {
		sf_fail(e, "%s: too large to map", path);
		goto fail;
	}
	f->size = (size_t)sb.st_size;
	void *m = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		sf_fail_errno(e, "%s: cannot map", path);
		goto fail;
	}
	f->base = m;
	mapguard_map(m, f->size, path);
	close(fd);
	fd = -1;

	uint64_t hlen = 0;
	for (int i = 7; i >= 0; i--)
		hlen = hlen << 8 | f->base[i];
	if (hlen > ST_MAX_HEADER) {
		sf_fail(e, "%s: header length %llu exceeds the %llu-byte limit", path,
		        (unsigned long long)hlen, (unsigned long long)ST_MAX_HEADER);
		goto fail;
	}
	if (hlen > f->size - 8) {
		sf_fail(e, "%s: truncated: header length %llu runs past the end of the file "
		        "(%zu bytes)", path, (unsigned long long)hlen, f->size);
		goto fail;
	}
	if (hlen < 2 || f->base[8] != '{') {
		sf_fail(e, "%s: not a safetensors file (header does not start with '{')", path);
		goto fail;
	}
	if (parse_header(f, (const char *)f->base + 8, (size_t)hlen, f->size - 8 - (size_t)hlen,
	                 e))
		goto fail;
	*out = f;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	st_close(f);
	return -1;
}

/* ---- writer ------------------------------------------------------------- */

static size_t align8(size_t x) { return (x + 7) & ~(size_t)7; }

static int tensor_in_bytes(const st_tensor_in *t, size_t *nbytes)
{
	if (t->ndim < 0 || t->ndim > ST_MAX_DIMS || (unsigned)t->dtype >= ST_DTYPE_COUNT)
		return -1;
	size_t n = 1;
	for (int i = 0; i < t->ndim; i++) {
		if (t->shape[i] < 0 || (uint64_t)t->shape[i] > SIZE_MAX ||
		    sf_mul_size(n, (size_t)t->shape[i], &n))
			return -1;
	}
	return sf_mul_size(n, dtypes[t->dtype].size, nbytes);
}

/* The JSON header, padded with spaces so that the data block starts on an
 * 8-byte boundary. Returns a malloc'd string and its length. */
static char *build_header(const st_tensor_in *t, size_t n, const char *const *meta,
                          const size_t *off, const size_t *nb, size_t *len, const char *path,
                          sf_err *e)
{
	json_t *root = json_object();
	if (!root)
		goto oom;
	if (meta && meta[0]) {
		json_t *m = json_object();
		if (!m || json_object_set_new(root, "__metadata__", m))
			goto oom;
		for (size_t i = 0; meta[i]; i += 2) {
			if (!meta[i + 1]) {
				json_decref(root);
				sf_fail(e, "%s: metadata key \"%s\" has no value", path, meta[i]);
				return NULL;
			}
			if (json_object_set_new(m, meta[i], json_string(meta[i + 1])))
				goto oom;
		}
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object(), *s = json_array();
		if (!o || !s || json_object_set_new(root, t[i].name, o))
			goto oom;
		json_object_set_new(o, "dtype", json_string(dtypes[t[i].dtype].name));
		for (int j = 0; j < t[i].ndim; j++)
			json_array_append_new(s, json_integer(t[i].shape[j]));
		json_object_set_new(o, "shape", s);
		json_object_set_new(o, "data_offsets",
		                    json_pack("[II]", (json_int_t)off[i], (json_int_t)(off[i] + nb[i])));
	}
	char *txt = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!txt)
		goto oom_nofree;
	size_t l = strlen(txt), padded = align8(8 + l) - 8;
	char *h = realloc(txt, padded + 1);
	if (!h) {
		free(txt);
		goto oom_nofree;
	}
	memset(h + l, ' ', padded - l);
	h[padded] = 0;
	*len = padded;
	return h;
oom:
	json_decref(root);
oom_nofree:
	sf_fail(e, "%s: out of memory", path);
	return NULL;
}

static int check_inputs(const char *path, const st_tensor_in *t, size_t n, size_t *nb,
                        sf_err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].name || !t[i].name[0] || !strcmp(t[i].name, "__metadata__"))
			return sf_fail(e, "%s: tensor %zu has an invalid name", path, i);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(t[i].name, t[j].name))
				return sf_fail(e, "%s: tensor \"%s\" given twice", path, t[i].name);
		if (tensor_in_bytes(&t[i], &nb[i]))
			return sf_fail(e, "%s: tensor \"%s\": invalid dtype or shape", path,
			               t[i].name);
		if (nb[i] && !t[i].data)
			return sf_fail(e, "%s: tensor \"%s\": no data", path, t[i].name);
	}
	return 0;
}

int st_write(const char *path, const st_tensor_in *t, size_t n, const char *const *meta,
             sf_err *e)
{
	size_t *nb = calloc(n ? 2 * n : 1, sizeof *nb);
	if (!nb)
		return sf_fail(e, "%s: out of memory", path);
	size_t *off = nb + n;
	int rc = -1;
	char *hdr = NULL;
	if (check_inputs(path, t, n, nb, e))
		goto out;
	/* The data block is contiguous (the reference reader rejects gaps), laid
	 * out by descending element size so every tensor is naturally aligned:
	 * all earlier byte counts are multiples of the later element sizes. */
	size_t pos = 0;
	for (size_t es = 8; es >= 1; es /= 2)
		for (size_t i = 0; i < n; i++) {
			if (dtypes[t[i].dtype].size != es)
				continue;
			off[i] = pos;
			if (sf_add_size(pos, nb[i], &pos)) {
				sf_fail(e, "%s: tensors too large", path);
				goto out;
			}
		}
	size_t hlen;
	if (!(hdr = build_header(t, n, meta, off, nb, &hlen, path, e)))
		goto out;
	atomic_file af;
	if (atomic_open(&af, path, e))
		goto out;
	unsigned char lenb[8];
	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
	int bad = fwrite(lenb, 1, 8, af.f) != 8 || fwrite(hdr, 1, hlen, af.f) != hlen;
	for (size_t es = 8; es >= 1 && !bad; es /= 2)
		for (size_t i = 0; i < n && !bad; i++)
			if (dtypes[t[i].dtype].size == es && nb[i])
				bad = fwrite(t[i].data, 1, nb[i], af.f) != nb[i];
	if (bad) {
		sf_fail_errno(e, "%s: write failed", path);
		atomic_abort(&af);
		goto out;
	}
	rc = atomic_commit(&af, e);
out:
	free(hdr);
	free(nb);
	return rc;
}
