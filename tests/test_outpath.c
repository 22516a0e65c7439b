/* outpath_check and the two kinds of atomic target (engine/ws/outpath.h,
 * engine/base/atomic.h) on a small workspace of the broken-input corpus's
 * good files: what is refused and why, by identity; what each open
 * replaces (a symlink followed or replaced, a FIFO written or replaced,
 * a file's mode kept). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/base/atomic.h"
#include "engine/ws/outpath.h"
#include "engine/ws/workspace.h"
#include "tests/broken_src.h"
#include "tests/tap.h"
#include "tests/testfile.h"

static char tmp[] = "/tmp/safer-outpath-XXXXXX";

static const char *tpath(const char *name)
{
	static char buf[8][600];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
	return buf[k];
}

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int holds(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return !strcmp(buf, text);
}

/* refused: outpath_check fails and its message holds want */
static void refused(const char *path, const ws *w, const char *const *in, const char *how,
                    const char *want, const char *name)
{
	sf_err e = { { 0 } };
	int rc = outpath_check(path, w, in, how, &e);
	ok(rc == -1 && strstr(e.msg, want), "%s: refused (%s)", name, e.msg);
}

static void allowed(const char *path, const ws *w, const char *how, const char *name)
{
	sf_err e = { { 0 } };
	ok(outpath_check(path, w, NULL, how, &e) == 0, "%s: allowed%s%s", name, e.msg[0] ? ": " : "",
	   e.msg);
}

static int write_text(int out, const char *path, const char *text, sf_err *e)
{
	atomic_file af;
	if (out ? atomic_open_out(&af, path, e) : atomic_open(&af, path, e))
		return -1;
	fputs(text, af.f);
	return atomic_commit(&af, e);
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	sf_err e = { { 0 } };
	copy_file(src("good.jsonl"), tpath("p.jsonl"));
	copy_file(src("good.safetensors"), tpath("a.safetensors"));
	ws *w;
	if (ws_init(tpath("ws"), tpath("p.jsonl"), tpath("a.safetensors"), &e) ||
	    ws_open(&w, tpath("ws"), WS_READONLY, &e)) {
		printf("Bail out! workspace: %s\n", e.msg);
		return 1;
	}
	mkdir(tpath("d"), 0777);
	if (symlink("../ws", tpath("d/ws-link")) || symlink("../p.jsonl", tpath("d/p-link")) ||
	    link(tpath("a.safetensors"), tpath("d/a-hard")) || put(tpath("mine.jsonl"), "mine") ||
	    symlink("nowhere", tpath("dangling"))) {
		printf("Bail out! fixture links: %s\n", strerror(errno));
		return 1;
	}

	/* what is refused */
	refused(tpath("p.jsonl"), w, NULL, NULL, "the workspace's pairs file", "the pairs file");
	refused(tpath("d/../p.jsonl"), w, NULL, NULL, "pairs file", "the pairs file, other spelling");
	refused(tpath("d/p-link"), w, NULL, NULL, "pairs file", "a symlink to the pairs file");
	refused(tpath("d/a-hard"), w, NULL, NULL, "the workspace's activation file",
	        "a hard link of the activation file");
	refused(tpath("ws/manifest.msgpack"), w, NULL, NULL, "inside the workspace", "the manifest");
	refused(tpath("d/ws-link/new.jsonl"), w, NULL, NULL, "inside the workspace",
	        "a new file through a symlink to the workspace");
	refused(tpath("ws"), w, NULL, NULL, "a directory", "the workspace directory");
	const char *in[] = { tpath("mine.jsonl"), NULL };
	refused(tpath("mine.jsonl"), w, in, NULL, "an input of this command", "the command's input");
	refused(tpath("mine.jsonl"), w, NULL, "--force", "exists; --force replaces it",
	        "an existing file without --force");
	refused(tpath("dangling"), w, NULL, NULL, "dangling symlink", "a dangling symlink");
	refused(tpath("none/x.jsonl"), w, NULL, NULL, "cannot find the directory",
	        "a file in a directory that is not there");
	refused("", w, NULL, NULL, "empty", "an empty name");

	/* what is allowed */
	allowed(tpath("mine.jsonl"), w, NULL, "an existing file with --force");
	allowed(tpath("new.jsonl"), w, "--force", "a new file");
	allowed("-", w, "--force", "standard output");
	allowed(tpath("p.jsonl"), NULL, NULL, "the pairs file when there is no workspace");

	/* user-named outputs: a symlink is followed, the link stays, the mode too */
	chmod(tpath("mine.jsonl"), 0640);
	symlink("mine.jsonl", tpath("mine-link"));
	struct stat sb;
	ok(write_text(1, tpath("mine-link"), "new", &e) == 0 && holds(tpath("mine.jsonl"), "new") &&
	   lstat(tpath("mine-link"), &sb) == 0 && S_ISLNK(sb.st_mode),
	   "atomic_open_out through a symlink replaces the file it names, keeps the link");
	unsigned mode = stat(tpath("mine.jsonl"), &sb) == 0 ? (unsigned)(sb.st_mode & 0777) : 0;
	ok(mode == 0640, "the replaced file keeps its mode (%o)", mode);
	ok(write_text(1, tpath("dangling"), "x", &e) == -1 && strstr(e.msg, "dangling"),
	   "atomic_open_out refuses a dangling symlink: %s", e.msg);
	ok(write_text(1, tpath("d"), "x", &e) == -1 && strstr(e.msg, "a directory"),
	   "atomic_open_out refuses a directory: %s", e.msg);

	/* a program's own file: the symlink in its place is what is replaced */
	put(tpath("victim"), "keep");
	symlink("victim", tpath("own"));
	ok(write_text(0, tpath("own"), "own", &e) == 0 && holds(tpath("victim"), "keep") &&
	   lstat(tpath("own"), &sb) == 0 && S_ISREG(sb.st_mode) && holds(tpath("own"), "own"),
	   "atomic_open replaces a symlink in its place, not the file it names");
	mkfifo(tpath("own-fifo"), 0600);
	ok(write_text(0, tpath("own-fifo"), "own", &e) == 0 && lstat(tpath("own-fifo"), &sb) == 0 &&
	   S_ISREG(sb.st_mode), "atomic_open replaces a FIFO in its place (without waiting)");

	ws_close(w);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return done_testing();
}
