// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Safe state over every open rig, the unclean-stop marker and the signal
 * flag; see safe.h. The registry is a fixed array so that safe state never
 * allocates; registration is serialised by a mutex, safe state only reads it.
 */
#include "hw/safe.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "hw/rig-private.h"

#define MAX_RIGS 8

static struct bench_rig *rigs[MAX_RIGS];
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static bench_safe_record_fn record_fn;
static void *record_ctx;
static atomic_uint safe_count;
static volatile sig_atomic_t caught_signal;
static char marker_path[512];

int bench_safe_register(struct bench_rig *rig)
{
	int i, r = -ENOSPC;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < MAX_RIGS; i++) {
		if (!rigs[i]) {
			rigs[i] = rig;
			rig->slot = i;
			r = 0;
			break;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	return r;
}

void bench_safe_unregister(struct bench_rig *rig)
{
	pthread_mutex_lock(&reg_lock);
	if (rig->slot >= 0 && rig->slot < MAX_RIGS && rigs[rig->slot] == rig)
		rigs[rig->slot] = NULL;
	rig->slot = -1;
	pthread_mutex_unlock(&reg_lock);
}

void bench_safe_set_recorder(bench_safe_record_fn fn, void *ctx)
{
	record_fn = fn;
	record_ctx = ctx;
}

int bench_safe_state(const char *reason)
{
	int first = 0, r, i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < MAX_RIGS; i++) {
		if (!rigs[i])
			continue;
		atomic_store(&rigs[i]->stop, true);
		r = bench_rig_safe(rigs[i]);
		if (r < 0 && first == 0)
			first = r;
	}
	pthread_mutex_unlock(&reg_lock);
	atomic_fetch_add(&safe_count, 1);
	bench_log(first ? BENCH_LOG_ERROR : BENCH_LOG_INFO, "hw", "safe state (%s): %s",
		  reason ? reason : "?", first ? strerror(-first) : "done");
	if (record_fn)
		record_fn(record_ctx, reason ? reason : "?", first, bench_clock_now_ns());
	return first;
}

int bench_safe_state_rig(struct bench_rig *rig, const char *reason)
{
	int r;

	atomic_store(&rig->stop, true);
	r = bench_rig_safe(rig);
	atomic_fetch_add(&safe_count, 1);
	if (record_fn)
		record_fn(record_ctx, reason, r, bench_clock_now_ns());
	return r;
}

unsigned bench_safe_state_count(void)
{
	return atomic_load(&safe_count);
}

int bench_safe_marker_arm(const char *path)
{
	char text[64];
	int fd, n;

	if (!path || strlen(path) >= sizeof(marker_path))
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "pid %ld wall_ns %lld\n", (long)getpid(),
		     (long long)bench_clock_wall_ns());
	if (write(fd, text, (size_t)n) != n || fsync(fd) < 0) {
		int e = errno ? -errno : -EIO;

		close(fd);
		return e;
	}
	close(fd);
	snprintf(marker_path, sizeof(marker_path), "%s", path);
	return 0;
}

int bench_safe_marker_disarm(void)
{
	if (!marker_path[0])
		return 0;
	if (unlink(marker_path) < 0 && errno != ENOENT)
		return -errno;
	marker_path[0] = '\0';
	return 0;
}

int bench_safe_marker_check(const char *path, bool *ret_unclean)
{
	if (!path || !ret_unclean)
		return -EINVAL;
	if (access(path, F_OK) == 0) {
		*ret_unclean = true;
		return 0;
	}
	if (errno != ENOENT)
		return -errno;
	*ret_unclean = false;
	return 0;
}

static void on_signal(int sig)
{
	int i;

	caught_signal = sig;
	/* Lock-free atomic stores only: async-signal-safe. The registry is read racily on purpose. */
	for (i = 0; i < MAX_RIGS; i++) {
		struct bench_rig *rig = rigs[i];

		if (rig)
			atomic_store(&rig->stop, true);
	}
}

int bench_safe_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -errno;
	/* A vanished iiod must give EPIPE, not kill the bench before safe state. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int bench_safe_take_signal(void)
{
	int s = caught_signal;

	caught_signal = 0;
	return s;
}

int bench_safe_pending_signal(void)
{
	return caught_signal;
}
