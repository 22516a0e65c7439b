/* Workspaces: see engine/ws/workspace.h.
 *
 * manifest.msgpack is a map:
 *   format       "safer-workspace/1"
 *   pairs, acts  {path: absolute, size: bytes, fingerprint: 16 hex}; acts is
 *                an array of such maps, in row order, for a set of shards
 *   fingerprint  16 hex naming both inputs together
 *   n_pairs, n_rows, d, dtype, created (unix seconds)
 *
 * The activation fingerprint must be cheap for a file of many gigabytes:
 * it hashes the size, the whole safetensors header and 64 blocks of 4 KB
 * spread evenly over the file (over each file of a set of shards). The
 * pairs file is hashed whole. */
#include "engine/ws/workspace.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/base/fingerprint.h"
#include "engine/base/infile.h"
#include "engine/ws/pairs_ws.h"
#include "engine/formats/mpk.h"
#include "engine/formats/safetensors.h"
#include "engine/ws/lock.h"

#define MANIFEST "manifest.msgpack"
#define MANIFEST_FORMAT "safer-workspace/1"
#define FP_BLOCKS 64
#define FP_BLOCK 4096
/* The manifest names every shard by its absolute path. */
#define MANIFEST_MAX (((size_t)1 << 20) + (size_t)STORE_MAX_FILES * (PATH_MAX + 64))

struct ws {
	char *dir;
	pairs p;
	store *s;
	char fp[FP_HEX_LEN];
	int ro;
	char reason[300];
	ws_lock *lock; /* held between ws_write_begin and ws_write_end */
	int lock_depth;
};

const char *ws_dir(const ws *w) { return w->dir; }
const pairs *ws_pairs(const ws *w) { return &w->p; }
const store *ws_store(const ws *w) { return w->s; }
const char *ws_fingerprint(const ws *w) { return w->fp; }
int ws_readonly(const ws *w) { return w->ro; }
const char *ws_readonly_reason(const ws *w) { return w->ro ? w->reason : NULL; }

int ws_file(const ws *w, const char *name, char *buf, size_t n, sf_err *e)
{
	int k = snprintf(buf, n, "%s/%s", w->dir, name);
	if (k < 0 || (size_t)k >= n)
		return sf_fail(e, "%s/%s: path too long", w->dir, name);
	return 0;
}

/* ---- fingerprints ------------------------------------------------------ */

static int pread_all(int fd, void *buf, size_t n, off_t at)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, at + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Open path read-only and stat it; the one way both fingerprints start. */
static int open_stat(const char *path, int *fd, struct stat *sb, sf_err *e)
{
	*fd = infile_open(path, sb, e);
	return *fd < 0 ? -1 : 0;
}

/* Fingerprint of an activation file: size, header, FP_BLOCKS sample blocks. */
static int fp_sampled(const char *path, uint64_t *size, uint64_t *fp, sf_err *e)
{
	int fd;
	struct stat sb;
	if (open_stat(path, &fd, &sb, e))
		return -1;
	uint64_t fsize = (uint64_t)sb.st_size, h = fp_u64(0x5afe, fsize);
	unsigned char len8[8];
	uint64_t head = fsize < 8 ? fsize : 8;
	if (fsize >= 8 && pread_all(fd, len8, 8, 0) == 0) {
		uint64_t hl = 0;
		for (int i = 7; i >= 0; i--)
			hl = hl << 8 | len8[i];
		if (hl <= ST_MAX_HEADER && hl <= fsize - 8)
			head = 8 + hl;
	}
	unsigned char *buf = malloc(head > FP_BLOCK ? head : FP_BLOCK);
	int rc = buf ? 0 : sf_fail(e, "%s: out of memory", path);
	if (!rc && pread_all(fd, buf, head, 0))
		rc = sf_fail_errno(e, "%s: read failed", path);
	if (!rc)
		h = fp_bytes(buf, head, h);
	for (int i = 0; !rc && i < FP_BLOCKS && fsize > head; i++) {
		uint64_t span = fsize - head, blk = span < FP_BLOCK ? span : FP_BLOCK;
		uint64_t at = head + (span - blk) * (uint64_t)i / (FP_BLOCKS - 1);
		if (pread_all(fd, buf, blk, (off_t)at))
			rc = sf_fail_errno(e, "%s: read failed", path);
		else
			h = fp_bytes(buf, blk, fp_u64(h, at));
	}
	free(buf);
	close(fd);
	*size = fsize;
	*fp = h;
	return rc;
}

typedef struct acts_in {
	char *path; /* absolute */
	uint64_t size, fp;
} acts_in;

typedef struct inputs {
	char pairs_path[PATH_MAX];
	uint64_t pairs_size, pairs_fp;
	acts_in *acts; /* one file, or the shards in row order */
	size_t nacts;
	char fp[FP_HEX_LEN];
} inputs;

static void inputs_free(inputs *in)
{
	for (size_t i = 0; i < in->nacts; i++)
		free(in->acts[i].path);
	free(in->acts);
	in->acts = NULL;
	in->nacts = 0;
}

/* Room for n activation files (their paths still NULL). */
static int inputs_acts(inputs *in, size_t n, sf_err *e)
{
	inputs_free(in);
	if (!(in->acts = calloc(n ? n : 1, sizeof *in->acts)))
		return sf_fail(e, "out of memory");
	in->nacts = n;
	return 0;
}

static int inputs_set_path(inputs *in, size_t i, const char *path, sf_err *e)
{
	free(in->acts[i].path);
	if (!(in->acts[i].path = strdup(path)))
		return sf_fail(e, "%s: out of memory", path);
	return 0;
}

/* The activation files' fingerprints, and all inputs together (the pairs
 * fingerprint comes from reading the pairs: engine/ws/pairs_ws.h). One
 * file keeps the fingerprint it has always had; a set folds its shards'. */
static int fingerprint_inputs(inputs *in, sf_err *e)
{
	uint64_t acts = fp_u64(0x5afe5, in->nacts);
	for (size_t i = 0; i < in->nacts; i++) {
		acts_in *a = &in->acts[i];
		if (fp_sampled(a->path, &a->size, &a->fp, e))
			return -1;
		acts = fp_u64(acts, a->fp);
	}
	if (in->nacts == 1)
		acts = in->acts[0].fp;
	fp_hex(fp_u64(fp_u64(0, in->pairs_fp), acts), in->fp);
	return 0;
}

/* ---- manifest ----------------------------------------------------------- */

static void pack_input(msgpack_packer *pk, const char *key, const char *path, uint64_t size,
                       uint64_t fp)
{
	char hex[FP_HEX_LEN];
	fp_hex(fp, hex);
	if (key) /* else an element of an array */
		mpk_pack_cstr(pk, key);
	msgpack_pack_map(pk, 3);
	mpk_pack_cstr(pk, "path");
	mpk_pack_cstr(pk, path);
	mpk_pack_cstr(pk, "size");
	msgpack_pack_uint64(pk, size);
	mpk_pack_cstr(pk, "fingerprint");
	mpk_pack_cstr(pk, hex);
}

static int write_manifest(const char *file, const inputs *in, const pairs *p, const store *s,
                          sf_err *e)
{
	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 9);
	mpk_pack_cstr(&pk, "format");
	mpk_pack_cstr(&pk, MANIFEST_FORMAT);
	pack_input(&pk, "pairs", in->pairs_path, in->pairs_size, in->pairs_fp);
	if (in->nacts == 1) {
		pack_input(&pk, "acts", in->acts[0].path, in->acts[0].size, in->acts[0].fp);
	} else {
		mpk_pack_cstr(&pk, "acts");
		msgpack_pack_array(&pk, in->nacts);
		for (size_t i = 0; i < in->nacts; i++)
			pack_input(&pk, NULL, in->acts[i].path, in->acts[i].size, in->acts[i].fp);
	}
	mpk_pack_cstr(&pk, "fingerprint");
	mpk_pack_cstr(&pk, in->fp);
	mpk_pack_cstr(&pk, "n_pairs");
	msgpack_pack_uint64(&pk, p->n);
	mpk_pack_cstr(&pk, "n_rows");
	msgpack_pack_uint64(&pk, store_nrows(s));
	mpk_pack_cstr(&pk, "d");
	msgpack_pack_int(&pk, store_dim(s));
	mpk_pack_cstr(&pk, "dtype");
	mpk_pack_cstr(&pk, store_dtype_name(s));
	mpk_pack_cstr(&pk, "created");
	msgpack_pack_int64(&pk, (int64_t)time(NULL));
	int rc = atomic_write(file, sb.data, sb.size, e);
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

/* One {path, size, fingerprint} map; *path is a fresh copy. */
static int read_input(const msgpack_object *o, const char *key, char **path, uint64_t *size,
                      uint64_t *fp, const char *file, sf_err *e)
{
	char *ps = mpk_strdup(mpk_map_get(o, "path"));
	char *hex = mpk_strdup(mpk_map_get(o, "fingerprint"));
	int rc = 0;
	if (!ps || !hex || strlen(ps) >= PATH_MAX || mpk_get_u64(mpk_map_get(o, "size"), size) ||
	    fp_parse_hex(hex, fp))
		rc = sf_fail(e, "%s: entry \"%s\" is missing or malformed", file, key);
	free(hex);
	if (rc)
		free(ps);
	else
		*path = ps;
	return rc;
}

/* "acts": one map, or an array of them (shards). */
static int read_acts(const msgpack_object *root, inputs *in, const char *file, sf_err *e)
{
	const msgpack_object *o = mpk_map_get(root, "acts");
	int many = o && o->type == MSGPACK_OBJECT_ARRAY;
	size_t n = many ? o->via.array.size : 1;
	if (many && (n == 0 || n > STORE_MAX_FILES))
		return sf_fail(e, "%s: entry \"acts\" lists %zu files (1 to %d)", file, n,
		               STORE_MAX_FILES);
	if (inputs_acts(in, n, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (read_input(many ? &o->via.array.ptr[i] : o, "acts", &in->acts[i].path,
		               &in->acts[i].size, &in->acts[i].fp, file, e))
			return -1;
	return 0;
}

static int read_manifest(const char *dir, inputs *in, sf_err *e)
{
	char file[PATH_MAX];
	if (snprintf(file, sizeof file, "%s/%s", dir, MANIFEST) >= (int)sizeof file)
		return sf_fail(e, "%s: path too long", dir);
	struct stat sb;
	if (stat(dir, &sb) != 0)
		return sf_fail_errno(e, "%s: cannot open workspace", dir);
	if (!S_ISDIR(sb.st_mode))
		return sf_fail(e, "%s: not a workspace directory", dir);
	if (access(file, F_OK) != 0)
		return sf_fail(e, "%s: not a workspace (no %s; create one with safer init)", dir,
		               MANIFEST);
	mpk_doc doc;
	if (mpk_read_file(&doc, file, MANIFEST_MAX, e))
		return -1;
	const msgpack_object *root = &doc.u.data;
	int rc = 0;
	if (!mpk_str_eq(mpk_map_get(root, "format"), MANIFEST_FORMAT))
		rc = sf_fail(e, "%s: not a %s manifest", file, MANIFEST_FORMAT);
	char *pp = NULL;
	if (!rc)
		rc = read_input(mpk_map_get(root, "pairs"), "pairs", &pp, &in->pairs_size,
		                &in->pairs_fp, file, e);
	if (!rc)
		strcpy(in->pairs_path, pp);
	free(pp);
	if (!rc)
		rc = read_acts(root, in, file, e);
	mpk_doc_free(&doc);
	return rc;
}

/* ---- init ----------------------------------------------------------------- */

/* 1 if dir exists and holds nothing, 0 if it does not exist, -1 otherwise. */
static int dir_state(const char *dir, sf_err *e)
{
	struct stat sb;
	if (stat(dir, &sb) != 0)
		return errno == ENOENT ? 0 : sf_fail_errno(e, "%s: cannot use as workspace", dir);
	if (!S_ISDIR(sb.st_mode))
		return sf_fail(e, "%s: exists and is not a directory", dir);
	DIR *d = opendir(dir);
	if (!d)
		return sf_fail_errno(e, "%s: cannot read directory", dir);
	struct dirent *de;
	int n = 0, manifest = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		manifest |= !strcmp(de->d_name, MANIFEST);
	}
	closedir(d);
	if (manifest)
		return sf_fail(e, "%s: already a workspace (remove it or choose another directory)",
		               dir);
	if (n)
		return sf_fail(e, "%s: directory is not empty", dir);
	return 1;
}

/* A name that a directory of shards contributes: NAME.safetensors. */
static int is_shard_name(const struct dirent *de)
{
	size_t l = strlen(de->d_name), k = strlen(".safetensors");
	return de->d_name[0] != '.' && l > k && !strcmp(de->d_name + l - k, ".safetensors");
}

static int add_act(char ***list, size_t *n, size_t *cap, const char *path, sf_err *e)
{
	char abs[PATH_MAX];
	if (!realpath(path, abs))
		return sf_fail_errno(e, "%s: cannot open", path);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], abs))
			return sf_fail(e, "%s: given twice as activations", path);
	if (*n == STORE_MAX_FILES)
		return sf_fail(e, "%s: more than %d activation files", path, STORE_MAX_FILES);
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		char **l = realloc(*list, c * sizeof *l);
		if (!l)
			return sf_fail(e, "%s: out of memory", path);
		*list = l, *cap = c;
	}
	if (!((*list)[*n] = strdup(abs)))
		return sf_fail(e, "%s: out of memory", path);
	(*n)++;
	return 0;
}

/* The files named: each a file, or a directory whose *.safetensors are
 * its shards. */
static int expand_acts(inputs *in, const char *const *acts, size_t nacts, sf_err *e)
{
	char **list = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (size_t i = 0; i < nacts && !rc; i++) {
		struct stat sb;
		if (stat(acts[i], &sb) != 0) {
			rc = sf_fail_errno(e, "%s: cannot open", acts[i]);
			break;
		}
		if (!S_ISDIR(sb.st_mode)) {
			rc = add_act(&list, &n, &cap, acts[i], e);
			continue;
		}
		struct dirent **names = NULL;
		int k = scandir(acts[i], &names, is_shard_name, alphasort);
		if (k < 0)
			rc = sf_fail_errno(e, "%s: cannot read directory", acts[i]);
		else if (k == 0)
			rc = sf_fail(e, "%s: holds no *.safetensors shards", acts[i]);
		for (int j = 0; j < (k > 0 ? k : 0); j++) {
			char path[PATH_MAX];
			if (!rc && snprintf(path, sizeof path, "%s/%s", acts[i], names[j]->d_name) >=
			           (int)sizeof path)
				rc = sf_fail(e, "%s/%s: path too long", acts[i], names[j]->d_name);
			if (!rc)
				rc = add_act(&list, &n, &cap, path, e);
			free(names[j]);
		}
		free(names);
	}
	if (!rc && n == 0)
		rc = sf_fail(e, "no activation file given");
	if (!rc && !(rc = inputs_acts(in, n, e)))
		for (size_t i = 0; i < n; i++)
			in->acts[i].path = list[i], list[i] = NULL;
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}

/* The store of in's activation files; in->acts then follows its row order. */
static int open_acts(store **s, inputs *in, size_t n_pairs, sf_err *e)
{
	const char **paths = malloc(in->nacts * sizeof *paths);
	if (!paths)
		return sf_fail(e, "out of memory");
	for (size_t i = 0; i < in->nacts; i++)
		paths[i] = in->acts[i].path;
	int rc = store_open_set(s, paths, in->nacts, n_pairs, e);
	free(paths);
	for (size_t i = 0; !rc && i < in->nacts; i++)
		rc = inputs_set_path(in, i, store_file_path(*s, i), e);
	return rc;
}

int ws_init_set(const char *dir, const char *pairs_path, const char *const *acts, size_t nacts,
                const sf_progress *prog, sf_err *e)
{
	inputs in;
	memset(&in, 0, sizeof in);
	if (!realpath(pairs_path, in.pairs_path))
		return sf_fail_errno(e, "%s: cannot open", pairs_path);
	if (expand_acts(&in, acts, nacts, e))
		return -1;
	int state = dir_state(dir, e);
	if (state < 0) {
		inputs_free(&in);
		return -1;
	}
	pairs p;
	store *s = NULL;
	if (pairs_index(&p, in.pairs_path, e)) {
		inputs_free(&in);
		return -1;
	}
	pairs_stat ps;
	pairs_file_stat(&p, &ps, NULL);
	in.pairs_size = ps.size, in.pairs_fp = pairs_file_fp(&p);
	int rc = open_acts(&s, &in, p.n, e);
	if (!rc)
		rc = store_check_finite(s, prog, e);
	if (!rc)
		rc = fingerprint_inputs(&in, e);
	int made = 0;
	if (!rc && state == 0) {
		if (mkdir(dir, 0777) != 0)
			rc = sf_fail_errno(e, "%s: cannot create directory", dir);
		else
			made = 1;
	}
	char file[PATH_MAX], bin[PATH_MAX];
	if (!rc && (snprintf(file, sizeof file, "%s/%s", dir, MANIFEST) >= (int)sizeof file ||
	            snprintf(bin, sizeof bin, "%s/%s", dir, PAIRS_WS_FILE) >= (int)sizeof bin))
		rc = sf_fail(e, "%s: path too long", dir);
	/* the index first: the manifest is what makes the directory a workspace */
	int indexed = 0;
	if (!rc) {
		rc = pairs_save_ws(&p, bin, e);
		indexed = rc == 0;
	}
	if (!rc)
		rc = write_manifest(file, &in, &p, s, e);
	if (rc && indexed)
		unlink(bin);
	if (rc && made)
		rmdir(dir);
	store_close(s);
	pairs_free(&p);
	inputs_free(&in);
	return rc;
}

int ws_init_progress(const char *dir, const char *pairs_path, const char *acts_path,
                     const sf_progress *prog, sf_err *e)
{
	return ws_init_set(dir, pairs_path, &acts_path, 1, prog, e);
}

int ws_init(const char *dir, const char *pairs_path, const char *acts_path, sf_err *e)
{
	return ws_init_progress(dir, pairs_path, acts_path, NULL, e);
}

/* ---- open ------------------------------------------------------------------ */

/* now holds the pairs file's size and fingerprint (pairs_open_ws). */
static int check_unchanged(const inputs *want, inputs *now, sf_err *e)
{
	if (fingerprint_inputs(now, e))
		return -1;
	const char *path = NULL;
	uint64_t was = 0, is = 0;
	if (now->pairs_size != want->pairs_size || now->pairs_fp != want->pairs_fp)
		path = want->pairs_path, was = want->pairs_size, is = now->pairs_size;
	for (size_t i = 0; !path && i < want->nacts; i++) {
		const acts_in *a = &want->acts[i], *b = &now->acts[i];
		if (b->size != a->size || b->fp != a->fp)
			path = a->path, was = a->size, is = b->size;
	}
	if (!path)
		return 0;
	if (was != is)
		return sf_fail(e, "%s: changed since the workspace was made (%llu bytes, was %llu)",
		               path, (unsigned long long)is, (unsigned long long)was);
	return sf_fail(e, "%s: changed since the workspace was made (fingerprint differs)", path);
}

void ws_close(ws *w)
{
	if (!w)
		return;
	store_close(w->s);
	pairs_free(&w->p);
	lock_release(w->lock);
	free(w->dir);
	free(w);
}

/* "NAME.tmp-XXXXXX": the shape of engine/base/atomic.c's temp files (mkostemp suffix). */
static int is_atomic_temp(const char *name)
{
	const char *t = strstr(name, ".tmp-");
	while (t && strstr(t + 1, ".tmp-"))
		t = strstr(t + 1, ".tmp-");
	if (!t || t == name || strlen(t + 5) != 6)
		return 0;
	for (const char *c = t + 5; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return 0;
	return 1;
}

/* Temp files left by a save that was killed before its rename. A live
 * save holds an flock on its temp file (atomic.c), which the kernel drops
 * when the writer dies, so a temp file we can lock is dead. Best effort: a
 * file that will not go away is harmless. */
static void sweep_temps(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!is_atomic_temp(de->d_name))
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
			continue;
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct stat sb;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		close(fd);
	}
	closedir(d);
}

/* How long a writer waits for another one's save to finish. */
#define WS_LOCK_WAIT_MS 10000

int ws_write_begin(ws *w, sf_err *e)
{
	if (w->ro)
		return sf_fail(e, "%s: read-only (%s)", w->dir, w->reason);
	if (w->lock_depth++ > 0)
		return 0;
	char lockfile[PATH_MAX], reason[300] = "";
	int r = -1;
	if (ws_file(w, "lock", lockfile, sizeof lockfile, e) == 0)
		r = lock_take(&w->lock, lockfile, WS_LOCK_WAIT_MS, reason, sizeof reason, e);
	if (r == 0)
		return 0;
	w->lock_depth = 0;
	if (r == 1)
		sf_fail(e, "%s: busy (%s); try again", w->dir, reason);
	else if (r == 2)
		sf_fail(e, "%s: %s", w->dir, reason);
	return -1;
}

void ws_cannot_write(ws *w, const char *why)
{
	if (w->ro)
		return;
	w->ro = 1;
	snprintf(w->reason, sizeof w->reason, "%s", why);
}

void ws_write_end(ws *w)
{
	if (w->lock_depth > 0 && --w->lock_depth == 0) {
		lock_release(w->lock);
		w->lock = NULL;
	}
}

int ws_open(ws **out, const char *dir, int flags, sf_err *e)
{
	*out = NULL;
	ws *w = calloc(1, sizeof *w);
	if (!w || !(w->dir = strdup(dir))) {
		free(w);
		return sf_fail(e, "%s: out of memory", dir);
	}
	size_t l = strlen(w->dir);
	while (l > 1 && w->dir[l - 1] == '/')
		w->dir[--l] = 0;
	inputs want, now;
	memset(&want, 0, sizeof want);
	memset(&now, 0, sizeof now);
	if (read_manifest(w->dir, &want, e))
		goto fail;
	if (flags & WS_READONLY) {
		w->ro = 1;
		snprintf(w->reason, sizeof w->reason, "opened read-only");
	} else if (access(w->dir, W_OK) != 0) {
		w->ro = 1;
		snprintf(w->reason, sizeof w->reason, "the directory is not writable");
	} else {
		char sub[PATH_MAX];
		sweep_temps(w->dir);
		if (!ws_file(w, "sae", sub, sizeof sub, NULL))
			sweep_temps(sub);
	}
	strcpy(now.pairs_path, want.pairs_path);
	if (inputs_acts(&now, want.nacts, e))
		goto fail;
	for (size_t i = 0; i < want.nacts; i++)
		if (inputs_set_path(&now, i, want.acts[i].path, e))
			goto fail;
	char bin[PATH_MAX];
	int pr = ws_file(w, PAIRS_WS_FILE, bin, sizeof bin, e) ? -1
	         : pairs_open_ws(&w->p, bin, ws_readonly_reason(w), want.pairs_path,
	                         want.pairs_fp, &now.pairs_size, &now.pairs_fp, e);
	if (pr < 0 || check_unchanged(&want, &now, e) || open_acts(&w->s, &want, w->p.n, e))
		goto fail;
	memcpy(w->fp, now.fp, sizeof w->fp);
	inputs_free(&want);
	inputs_free(&now);
	*out = w;
	return 0;
fail:
	inputs_free(&want);
	inputs_free(&now);
	ws_close(w);
	return -1;
}
