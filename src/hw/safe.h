/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safe state: every DAC of every open rig to 0 (its output buffer cancelled,
 * which closes it, and each channel's raw attribute written to 0 where the
 * device has one) and every output line to its declared safe level.
 *
 * bench_safe_state() is idempotent, allocates nothing, and is called on normal
 * end, error, abort, timeout, SIGINT/SIGTERM (by the CLI's loop once the
 * handler installed here has flagged the signal), and at start-up after an
 * unclean stop (detected with a marker file). Each call is passed to the
 * recorder hook so that the engine can store it.
 */
#ifndef BENCH_HW_SAFE_H
#define BENCH_HW_SAFE_H

#include <stdbool.h>
#include <stdint.h>

/* Recorder hook: @reason e.g. "normal-end", "SIGTERM", "unclean-stop"; @result 0 or -errno. */
typedef void (*bench_safe_record_fn)(void *ctx, const char *reason, int result, int64_t t_ns);

/* Installs the recorder (NULL to remove). Not thread-safe against a running safe state. */
void bench_safe_set_recorder(bench_safe_record_fn fn, void *ctx);

/**
 * bench_safe_state() - park every open rig.
 * @reason: why (a string literal; stored by the recorder).
 *
 * Every stream of every rig is told to stop, the output buffer cancelled, the
 * output thread given up to 2 s to release it, DAC channels written to 0 and
 * lines set to their safe levels. Every step is attempted even after one fails.
 * Return: 0, or the first negative errno met (the rest was still done).
 */
int bench_safe_state(const char *reason);

/* How many times bench_safe_state() ran in this process. */
unsigned bench_safe_state_count(void);

/**
 * bench_safe_marker_arm() - note "a run is live" in @path (pid and time).
 * Until bench_safe_marker_disarm(), a crash leaves the file behind and the next
 * start finds it with bench_safe_marker_check().
 * Return: 0, or the errno of open/write.
 */
int bench_safe_marker_arm(const char *path);

/* Removes the armed marker. Return: 0 or -errno. */
int bench_safe_marker_disarm(void);

/**
 * bench_safe_marker_check() - did the previous run stop uncleanly?
 * @ret_unclean: true if @path exists (the caller then runs bench_safe_state("unclean-stop")
 *               once its rig is open and disarms/re-arms).
 * Return: 0 or -errno (other than ENOENT).
 */
int bench_safe_marker_check(const char *path, bool *ret_unclean);

/**
 * bench_safe_catch_signals() - SIGINT, SIGTERM and SIGHUP set a flag (and tell
 * every open rig's streams to stop); nothing else happens in the handler.
 * Return: 0 or -errno.
 */
int bench_safe_catch_signals(void);

/* The signal caught since the last call (0 if none); clears it. */
int bench_safe_take_signal(void);

/* The signal caught, without clearing it (0 if none). */
int bench_safe_pending_signal(void);

#endif /* BENCH_HW_SAFE_H */
