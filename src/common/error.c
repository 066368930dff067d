// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Error text and the debug-build trap behind BENCH_ALWAYS()/BENCH_NEVER().
 */
#include "common/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

const char *bench_strerror(int err)
{
	if (err < 0)
		err = -err;

	switch (err) {
	case 0:
		return "success";
	case EINVAL:
		return "invalid argument or malformed input";
	case ERANGE:
		return "value out of range (safety envelope or unit range)";
	case ENOENT:
		return "no such device, channel, record or file";
	case EIO:
		return "device or backend I/O error";
	case ETIMEDOUT:
		return "device did not answer in time";
	case ENOSPC:
		return "no space left to write the record";
	case EROFS:
		return "the record is read-only";
	case EBUSY:
		return "resource busy";
	case ECANCELED:
		return "aborted";
	case EOVERFLOW:
		return "arithmetic overflow";
	case ENOMEM:
		return "out of memory";
	default:
		/* strerror() is not thread-safe in general, glibc's table is static. */
		return strerror(err);
	}
}

#ifndef NDEBUG
void bench_assert_fail(const char *expr, const char *file, int line)
{
	/* The one place outside src/cli that writes to stderr: a broken invariant. */
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, expr);
	abort();
}
#endif
