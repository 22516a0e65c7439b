/* Saved probes in the workspace (see probes_ws.h). */
#include "engine/ws/probes_ws.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/base/infile.h"
#include "engine/formats/store.h"
#include "engine/probe/client.h"

int probes_ws_name_check(const char *name, sf_err *e)
{
	size_t n = strlen(name);
	if (!n || n > PROBE_NAME_MAX || name[0] == '.')
		return sf_fail(e, "a probe name has 1-%d characters and does not start with '.'",
		               PROBE_NAME_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return sf_fail(e, "a probe name holds only letters, digits, '.', '_' and '-'");
	}
	return 0;
}

static int probe_path(ws *w, const char *name, char *buf, size_t n, sf_err *e)
{
	char rel[PROBE_NAME_MAX + 16];
	snprintf(rel, sizeof rel, "probes/%s.json", name);
	return probes_ws_name_check(name, e) || ws_file(w, rel, buf, n, e) ? -1 : 0;
}

int probes_ws_save(ws *w, const char *name, const char *json, sf_err *e)
{
	char dir[4200], path[4200];
	if (probe_path(w, name, path, sizeof path, e) || ws_file(w, "probes", dir, sizeof dir, e))
		return -1;
	if (ws_write_begin(w, e))
		return -1;
	int rc = 0;
	struct stat sb;
	if (mkdir(dir, 0777) && errno != EEXIST)
		rc = sf_fail_errno(e, "%s: cannot create", dir);
	else if (lstat(dir, &sb) || !S_ISDIR(sb.st_mode))
		rc = sf_fail(e, "%s: not a directory", dir);
	else
		rc = atomic_write(path, json, strlen(json), e);
	ws_write_end(w);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void probes_ws_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int probes_ws_list(ws *w, char ***names, size_t *n, sf_err *e)
{
	char dir[4200];
	*names = NULL;
	*n = 0;
	if (ws_file(w, "probes", dir, sizeof dir, e))
		return -1;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : sf_fail_errno(e, "%s: cannot read", dir);
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		char nm[PROBE_NAME_MAX + 8];
		if (len - 5 > PROBE_NAME_MAX)
			continue;
		memcpy(nm, de->d_name, len - 5);
		nm[len - 5] = 0;
		if (probes_ws_name_check(nm, NULL))
			continue; /* a temp file or someone else's */
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			char **nv = realloc(*names, cap * sizeof *nv);
			if (!nv)
				goto oom;
			*names = nv;
		}
		if (!((*names)[*n] = strdup(nm)))
			goto oom;
		(*n)++;
	}
	closedir(d);
	qsort(*names, *n, sizeof **names, by_name);
	return 0;
oom:
	closedir(d);
	probes_ws_list_free(*names, *n);
	*names = NULL;
	*n = 0;
	return sf_fail(e, "out of memory");
}

char *probes_ws_read(ws *w, const char *name, size_t *len, sf_err *e)
{
	char path[4200];
	if (probe_path(w, name, path, sizeof path, e))
		return NULL;
	struct stat sb;
	int fd = infile_open(path, &sb, e);
	if (fd < 0) {
		if (errno == ENOENT)
			sf_fail(e, "no saved probe '%s' (see safer probes)", name);
		return NULL;
	}
	if ((size_t)sb.st_size > PROBE_FILE_MAX) {
		close(fd);
		sf_fail(e, "%s: larger than %zu bytes", path, PROBE_FILE_MAX);
		return NULL;
	}
	char *buf = malloc((size_t)sb.st_size + 1);
	size_t got = 0;
	while (buf && got < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!buf || got != (size_t)sb.st_size) {
		free(buf);
		sf_fail(e, "%s: cannot read", path);
		return NULL;
	}
	buf[got] = 0;
	*len = got;
	return buf;
}

int probes_ws_check(ws *w, const sae *s, const probe_rows *r, const char *url, sf_err *e)
{
	const store *st = ws_store(w);
	if (r->d != store_dim(st))
		return sf_fail(e, "%s: the server's rows have d %d, the workspace's activations d %d: "
		               "another model", url, r->d, store_dim(st));
	if (s && r->d != s->d)
		return sf_fail(e, "%s: the server's rows have d %d, the workspace's SAE d %d", url,
		               r->d, s->d);
	const char *lv = store_meta(st, "layer");
	char *end;
	long layer = lv ? strtol(lv, &end, 10) : -1;
	if (lv && (*end || end == lv))
		layer = -1;
	if (layer >= 0 && r->layer >= 0 && layer != r->layer)
		return sf_fail(e, "%s: the server's rows are layer %d, the workspace's activations "
		               "layer %ld (safer-serve --layer %ld)", url, r->layer, layer, layer);
	return 0;
}

int probes_ws_url_get(ws *w, char *buf, size_t n)
{
	char path[4200];
	if (ws_file(w, "probe-url", path, sizeof path, NULL))
		return 0;
	FILE *f = infile_fopen(path, NULL, NULL);
	if (!f)
		return 0;
	size_t got = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[got] = 0;
	buf[strcspn(buf, "\r\n")] = 0;
	return buf[0] && !probe_check_url(buf, NULL);
}

int probes_ws_url_set(ws *w, const char *url, sf_err *e)
{
	char path[4200], line[2100];
	if (probe_check_url(url, e) || ws_file(w, "probe-url", path, sizeof path, e))
		return -1;
	snprintf(line, sizeof line, "%s\n", url);
	if (ws_write_begin(w, e))
		return -1;
	int rc = atomic_write(path, line, strlen(line), e);
	ws_write_end(w);
	return rc;
}
