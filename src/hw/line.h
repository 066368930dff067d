/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Digital lines of a rig: DUT power and reset, trigger, fault injection,
 * ready/fault inputs, a stim-active marker. Two real backends behind one
 * interface (line-backend.h): libgpiod 1.6 for local gpiochips, and IIO
 * channel attributes (the emulated rig, ADALM2000-style digital I/O).
 *
 * Levels in this API are logical: true means "active" as the fixture defines
 * it (active="high" or "low"); the backends only see physical levels.
 * Lines are opened by bench_rig_open() and owned by the rig; the pointers
 * returned here are borrowed and valid until bench_rig_close().
 * Times are nanoseconds: the gpiod backend reports the kernel's event
 * timestamp (CLOCK_MONOTONIC since Linux 5.7, the bench clock), the iio
 * backend the bench clock at detection (it polls every 1 ms: iiod 0.24 has no
 * event transport).
 */
#ifndef BENCH_HW_LINE_H
#define BENCH_HW_LINE_H

#include <stdbool.h>
#include <stdint.h>

struct bench_line;
struct bench_fixture_line;

/**
 * bench_line_set() - drive an output line.
 * @active: logical level.
 * Return: 0, -EPERM (input line), -EIO (backend refused; e.g. the rig went away).
 */
int bench_line_set(struct bench_line *line, bool active);

/**
 * bench_line_get() - read a line (an output reads back its driven level).
 * Return: 0, -EIO.
 */
int bench_line_get(struct bench_line *line, bool *ret_active);

/**
 * bench_line_wait_edge() - wait for the next level change of an input line.
 * @timeout_ns: how long to wait, >= 0.
 * @ret_ts_ns:  may be NULL; the edge's timestamp.
 * @ret_active: may be NULL; the logical level after the edge.
 * Return: 0, -ETIMEDOUT, -EPERM (output line), -EIO.
 */
int bench_line_wait_edge(struct bench_line *line, int64_t timeout_ns, int64_t *ret_ts_ns,
			 bool *ret_active);

/**
 * bench_line_wait_level() - wait until an input line reads @active.
 * Returns at once if it already does. Return: 0, -ETIMEDOUT, -EPERM, -EIO.
 */
int bench_line_wait_level(struct bench_line *line, bool active, int64_t timeout_ns);

/* Drives an output to its safe level (no-op for inputs). Allocation-free. Return: 0, -EIO. */
int bench_line_safe(struct bench_line *line);

/* The fixture description of the line (borrowed). */
const struct bench_fixture_line *bench_line_fixture(const struct bench_line *line);

/* "gpiod" or "iio". */
const char *bench_line_backend_name(const struct bench_line *line);

#endif /* BENCH_HW_LINE_H */
