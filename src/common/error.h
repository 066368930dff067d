/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error conventions shared by every bcibench module.
 *
 * Functions that can fail return int: 0 (or a non-negative count) on success,
 * a negative errno on failure. Errors from libiio, libgpiod, SQLite and libxml2
 * are converted once, at the module boundary that calls them. A DUT verdict is
 * never an error code: verdicts are enum bench_verdict values (score/verdict.h);
 * a negative errno means "the bench could not do its job".
 *
 * Errno values with a fixed meaning across the project:
 *   -EINVAL    bad argument or malformed input (file errors carry FILE:LINE)
 *   -ERANGE    a request outside the safety envelope or a unit's range
 *   -ENOENT    a named thing (device, channel, run, file) does not exist
 *   -EIO       a device or backend refused or vanished
 *   -ETIMEDOUT a device did not answer in time
 *   -ENOSPC    the record could not be written (disk full)
 *   -EROFS     the record is read-only
 *   -EBUSY     a resource is held by someone else
 *   -ECANCELED the run was aborted (signal or operator)
 *   -EOVERFLOW checked arithmetic overflowed
 *   -ENOMEM    allocation failed
 */
#ifndef BENCH_COMMON_ERROR_H
#define BENCH_COMMON_ERROR_H

#include <stdbool.h>

/**
 * bench_strerror() - text for a negative (or positive) errno value.
 * @err: -errno or errno.
 *
 * Return: a static string; never NULL. Thread-safe.
 */
const char *bench_strerror(int err);

/*
 * SQLite-style defensive checks for conditions that "cannot happen" but would
 * hurt the DUT or the record if they did: debug builds trap, release builds
 * evaluate to the condition so the caller takes the safe branch.
 */
#ifdef NDEBUG
#define BENCH_ALWAYS(x) (x)
#define BENCH_NEVER(x) (x)
#else
void bench_assert_fail(const char *expr, const char *file, int line);
#define BENCH_ALWAYS(x) ((x) ? true : (bench_assert_fail(#x, __FILE__, __LINE__), false))
#define BENCH_NEVER(x) ((x) ? (bench_assert_fail(#x, __FILE__, __LINE__), true) : false)
#endif

#define BENCH_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* BENCH_COMMON_ERROR_H */
