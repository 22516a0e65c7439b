#include "engine/base/mapguard.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/base/err.h"

#define SLOTS 64
#define MSG_LEN 640

/* A slot is in use while its key is non-zero. Writers (under the mutex)
 * fill the text first and publish the key last; the handler reads the
 * key, then the text, and never takes the mutex. */
typedef struct map_slot {
	_Atomic uintptr_t base; /* key */
	_Atomic size_t len;
	char msg[MSG_LEN]; /* the whole line, newline included */
} map_slot;

typedef struct temp_slot {
	_Atomic int used;
	char path[4096];
} temp_slot;

static map_slot maps[SLOTS];
static temp_slot temps[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char prefix_[64];
static char unnamed[MSG_LEN];

static void put(const char *s)
{
	size_t n = strlen(s);
	while (n) {
		ssize_t w = write(2, s, n);
		if (w <= 0)
			return;
		s += w, n -= (size_t)w;
	}
}

void mapguard_fault(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	const char *msg = unnamed;
	for (int i = 0; i < SLOTS; i++) {
		uintptr_t b = atomic_load(&maps[i].base);
		if (b && a >= b && a - b < atomic_load(&maps[i].len)) {
			msg = maps[i].msg;
			break;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (atomic_load(&temps[i].used))
			unlink(temps[i].path);
	put(msg);
	_exit(1);
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	mapguard_fault(si->si_addr);
}

void mapguard_prefix(const char *prefix)
{
	snprintf(prefix_, sizeof prefix_, "%s", prefix);
	snprintf(unnamed, sizeof unnamed, "%s: a mapped input file changed size while in use\n",
	         prefix_);
}

int mapguard_install(const char *prefix)
{
	mapguard_prefix(prefix);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL) == 0 ? 0 : -1;
}

void mapguard_map(const void *base, size_t len, const char *path)
{
	if (!base || !len)
		return;
	/* the line as any message shows it: control characters made visible */
	sf_err e;
	sf_fail(&e, "%s: changed size while in use", path);
	pthread_mutex_lock(&mu);
	for (int i = 0; i < SLOTS; i++)
		if (!atomic_load(&maps[i].base)) {
			snprintf(maps[i].msg, MSG_LEN, "%s%s%s\n", prefix_, prefix_[0] ? ": " : "",
			         e.msg);
			atomic_store(&maps[i].len, len);
			atomic_store(&maps[i].base, (uintptr_t)base);
			break;
		}
	pthread_mutex_unlock(&mu);
}

void mapguard_unmap(const void *base)
{
	if (!base)
		return;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < SLOTS; i++)
		if (atomic_load(&maps[i].base) == (uintptr_t)base) {
			atomic_store(&maps[i].base, 0);
			break;
		}
	pthread_mutex_unlock(&mu);
}

void mapguard_temp(const char *path)
{
	if (!path || strlen(path) >= sizeof temps[0].path)
		return;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < SLOTS; i++)
		if (!atomic_load(&temps[i].used)) {
			memcpy(temps[i].path, path, strlen(path) + 1);
			atomic_store(&temps[i].used, 1);
			break;
		}
	pthread_mutex_unlock(&mu);
}

void mapguard_untemp(const char *path)
{
	if (!path)
		return;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < SLOTS; i++)
		if (atomic_load(&temps[i].used) && !strcmp(temps[i].path, path)) {
			atomic_store(&temps[i].used, 0);
			break;
		}
	pthread_mutex_unlock(&mu);
}
