/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny check harness for the kernel-in-the-loop programs. They run inside
 * the qemu guest (a busybox initramfs without Criterion's runtime) or on the
 * host against the guest's iiod, and report like tests/unit/test-cli.sh: one
 * "ok"/"FAIL" line per check and a final "N passed, N failed" line; the exit
 * status is non-zero when any check failed. No units here.
 */
#ifndef BENCH_TESTS_KIL_CHECK_H
#define BENCH_TESTS_KIL_CHECK_H

#include <stdbool.h>
#include <stdio.h>

struct kil_tally {
	unsigned int passed;
	unsigned int failed;
};

extern struct kil_tally kil_tally;

/*
 * KIL_CHECK() - record one check. @cond is evaluated once; on failure the
 * printf-style message explains what was seen. Returns the truth value so a
 * caller can stop a sequence whose later steps need this one.
 */
#define KIL_CHECK(cond, ...) kil_check_at(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

bool kil_check_at(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* kil_summary() - print "N passed, N failed"; return the process exit status. */
int kil_summary(const char *what);

#endif /* BENCH_TESTS_KIL_CHECK_H */
