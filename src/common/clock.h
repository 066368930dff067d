/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bench's one time base: int64_t nanoseconds on CLOCK_MONOTONIC.
 * Wall-clock time appears only in record headers (bench_clock_wall_ns()).
 *
 * Code that waits or timestamps takes a struct bench_clock so tests can use a
 * manual clock that only moves when told to (no test sleeps).
 */
#ifndef BENCH_COMMON_CLOCK_H
#define BENCH_COMMON_CLOCK_H

#include <stdint.h>

/* Monotonic time in ns since an arbitrary origin (CLOCK_MONOTONIC). */
int64_t bench_clock_now_ns(void);

/* Wall-clock time in ns since the Unix epoch, for record headers only. */
int64_t bench_clock_wall_ns(void);

struct bench_clock {
	/* NULL means the real monotonic clock; otherwise the manual time. */
	int64_t (*now_ns)(const struct bench_clock *clk);
	int64_t manual_ns;
};

/* A clock that reads CLOCK_MONOTONIC. */
extern const struct bench_clock bench_clock_monotonic;

/* Initialises @clk as a manual clock reading @start_ns. */
void bench_clock_manual_init(struct bench_clock *clk, int64_t start_ns);

/* Moves a manual clock forward by @delta_ns (>= 0). No effect on the real clock. */
void bench_clock_advance(struct bench_clock *clk, int64_t delta_ns);

/* Reads @clk (the real monotonic clock when @clk is NULL). */
int64_t bench_clock_read_ns(const struct bench_clock *clk);

/**
 * bench_clock_format_utc() - format wall-clock ns as ISO 8601 UTC.
 * @wall_ns: ns since the epoch.
 * @buf:     receives e.g. "2026-11-21T21:05:03.123Z"; at least 32 bytes.
 * @size:    size of @buf.
 *
 * Return: 0, or -EINVAL if @size is too small or the time is out of range.
 */
int bench_clock_format_utc(int64_t wall_ns, char *buf, unsigned size);

#endif /* BENCH_COMMON_CLOCK_H */
