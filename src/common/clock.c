// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Monotonic and manual clocks; see clock.h.
 */
#include "common/clock.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "common/units.h"

static int64_t ts_to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * BENCH_NS_PER_S + ts->tv_nsec;
}

int64_t bench_clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_to_ns(&ts);
}

int64_t bench_clock_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts_to_ns(&ts);
}

const struct bench_clock bench_clock_monotonic = { 0 };

static int64_t manual_now(const struct bench_clock *clk)
{
	return clk->manual_ns;
}

void bench_clock_manual_init(struct bench_clock *clk, int64_t start_ns)
{
	clk->now_ns = manual_now;
	clk->manual_ns = start_ns;
}

void bench_clock_advance(struct bench_clock *clk, int64_t delta_ns)
{
	if (clk->now_ns == manual_now && delta_ns > 0)
		clk->manual_ns += delta_ns;
}

int64_t bench_clock_read_ns(const struct bench_clock *clk)
{
	if (!clk || !clk->now_ns)
		return bench_clock_now_ns();
	return clk->now_ns(clk);
}

int bench_clock_format_utc(int64_t wall_ns, char *buf, unsigned size)
{
	time_t secs;
	struct tm tm;
	int n;

	if (size < 32 || wall_ns < 0)
		return -EINVAL;
	secs = (time_t)(wall_ns / BENCH_NS_PER_S);
	if (!gmtime_r(&secs, &tm))
		return -EINVAL;
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (int)(wall_ns % BENCH_NS_PER_S / BENCH_NS_PER_MS));
	if (n < 0 || (unsigned)n >= size)
		return -EINVAL;
	return 0;
}
