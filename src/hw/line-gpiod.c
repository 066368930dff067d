// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libgpiod 1.6 line backend: a local gpiochip found by name, path, label or
 * number (gpiod_chip_open_lookup), a line by name or offset. Outputs are
 * requested with their safe level as the initial value, so claiming never
 * glitches the DUT. Inputs are requested for both edges; event timestamps are
 * the kernel's (CLOCK_MONOTONIC on Linux >= 5.7 with the v1 uAPI).
 * libgpiod reports -1 + errno; converted here, once.
 */
#include <errno.h>
#include <gpiod.h>
#include <time.h>

#include "common/units.h"
#include "fixture/fixture.h"
#include "hw/line-backend.h"

#define CONSUMER "bcibench"

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static int gpiod_claim(struct bench_line *line, bool initial_phys)
{
	const struct bench_fixture_line *fl = line->fl;
	int r;

	errno = 0;
	line->chip = gpiod_chip_open_lookup(fl->chip);
	if (!line->chip)
		return errno == ENOENT || errno == 0 ? -ENODEV : -errno;
	errno = 0;
	if (fl->line_name[0])
		line->gl = gpiod_chip_find_line(line->chip, fl->line_name);
	else
		line->gl = gpiod_chip_get_line(line->chip, (unsigned)fl->offset);
	if (!line->gl) {
		r = errno && errno != ENOENT ? -errno : -ENOENT;
		goto err_close_chip;
	}
	errno = 0;
	if (fl->output)
		r = gpiod_line_request_output(line->gl, CONSUMER, initial_phys ? 1 : 0);
	else
		r = gpiod_line_request_both_edges_events(line->gl, CONSUMER);
	if (r < 0) {
		r = neg_errno();
		goto err_close_chip;
	}
	return 0;

err_close_chip:
	gpiod_chip_close(line->chip);
	line->chip = NULL;
	line->gl = NULL;
	return r;
}

static int gpiod_set(struct bench_line *line, bool phys)
{
	errno = 0;
	if (gpiod_line_set_value(line->gl, phys ? 1 : 0) < 0)
		return neg_errno();
	return 0;
}

static int gpiod_get(struct bench_line *line, bool *ret_phys)
{
	int v;

	errno = 0;
	v = gpiod_line_get_value(line->gl);
	if (v < 0)
		return neg_errno();
	*ret_phys = v != 0;
	return 0;
}

static int gpiod_wait_edge(struct bench_line *line, int64_t timeout_ns, int64_t *ret_ts_ns,
			   bool *ret_phys)
{
	struct timespec ts = {
		.tv_sec = (time_t)(timeout_ns / BENCH_NS_PER_S),
		.tv_nsec = (long)(timeout_ns % BENCH_NS_PER_S),
	};
	struct gpiod_line_event ev;
	int r;

	errno = 0;
	r = gpiod_line_event_wait(line->gl, &ts);
	if (r < 0)
		return neg_errno();
	if (r == 0)
		return -ETIMEDOUT;
	if (gpiod_line_event_read(line->gl, &ev) < 0)
		return neg_errno();
	*ret_ts_ns = (int64_t)ev.ts.tv_sec * BENCH_NS_PER_S + ev.ts.tv_nsec;
	*ret_phys = ev.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
	return 0;
}

static void gpiod_release(struct bench_line *line)
{
	gpiod_line_release(line->gl);
	gpiod_chip_close(line->chip);
	line->gl = NULL;
	line->chip = NULL;
}

const struct bench_line_ops bench_line_gpiod_ops = {
	.name = "gpiod",
	.claim = gpiod_claim,
	.set = gpiod_set,
	.get = gpiod_get,
	.wait_edge = gpiod_wait_edge,
	.release = gpiod_release,
};
