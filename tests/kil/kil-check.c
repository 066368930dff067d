// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kil check harness (kil-check.h): counts checks, prints one line each.
 * Output goes to stdout, which inside the guest is the serial console the
 * host harness records.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kil-check.h"

struct kil_tally kil_tally;

bool kil_check_at(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		kil_tally.passed++;
		printf("ok   ");
	} else {
		kil_tally.failed++;
		printf("FAIL %s:%d: %s: ", file, line, expr);
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

int kil_summary(const char *what)
{
	printf("%s: %u passed, %u failed\n", what, kil_tally.passed, kil_tally.failed);
	fflush(stdout);
	return kil_tally.failed == 0 && kil_tally.passed > 0 ? 0 : 1;
}
