// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The line interface: logical levels, direction checks, safe levels. The
 * backends (line-gpiod.c, line-iio.c) only move physical bits.
 */
#include "hw/line.h"

#include <errno.h>
#include <stddef.h>

#include "common/clock.h"
#include "fixture/fixture.h"
#include "hw/line-backend.h"

static bool phys_of(const struct bench_line *line, bool active)
{
	return line->fl->active_low ? !active : active;
}

int bench_line_claim(struct bench_line *line)
{
	int r;

	line->ops = line->fl->backend == BENCH_LINE_BACKEND_GPIOD ? &bench_line_gpiod_ops :
								    &bench_line_iio_ops;
	r = line->ops->claim(line, phys_of(line, line->fl->safe_active));
	if (r == 0)
		line->claimed = true;
	return r;
}

void bench_line_release(struct bench_line *line)
{
	if (!line || !line->claimed)
		return;
	bench_line_safe(line);
	line->ops->release(line);
	line->claimed = false;
}

int bench_line_set(struct bench_line *line, bool active)
{
	if (!line || !line->claimed)
		return -EINVAL;
	if (!line->fl->output)
		return -EPERM;
	return line->ops->set(line, phys_of(line, active));
}

int bench_line_get(struct bench_line *line, bool *ret_active)
{
	bool phys;
	int r;

	if (!line || !line->claimed || !ret_active)
		return -EINVAL;
	r = line->ops->get(line, &phys);
	if (r < 0)
		return r;
	*ret_active = phys_of(line, phys);
	return 0;
}

int bench_line_wait_edge(struct bench_line *line, int64_t timeout_ns, int64_t *ret_ts_ns,
			 bool *ret_active)
{
	int64_t ts;
	bool phys;
	int r;

	if (!line || !line->claimed || timeout_ns < 0)
		return -EINVAL;
	if (line->fl->output)
		return -EPERM;
	r = line->ops->wait_edge(line, timeout_ns, &ts, &phys);
	if (r < 0)
		return r;
	if (ret_ts_ns)
		*ret_ts_ns = ts;
	if (ret_active)
		*ret_active = phys_of(line, phys);
	return 0;
}

int bench_line_wait_level(struct bench_line *line, bool active, int64_t timeout_ns)
{
	int64_t deadline = bench_clock_now_ns() + timeout_ns;
	bool now;
	int r;

	r = bench_line_get(line, &now);
	while (r == 0 && now != active) {
		int64_t left = deadline - bench_clock_now_ns();

		if (left <= 0)
			return -ETIMEDOUT;
		/*
		 * An edge only says that the line moved; a queued edge can be older than
		 * the level now (found by the kernel-in-the-loop tier: a stale rising edge
		 * of 'ready' counted as ready while the line read 0). Read the level again.
		 */
		r = bench_line_wait_edge(line, left, NULL, &now);
		if (r == 0)
			r = bench_line_get(line, &now);
	}
	return r;
}

int bench_line_safe(struct bench_line *line)
{
	if (!line || !line->claimed || !line->fl->output)
		return 0;
	return line->ops->set(line, phys_of(line, line->fl->safe_active));
}

const struct bench_fixture_line *bench_line_fixture(const struct bench_line *line)
{
	return line ? line->fl : NULL;
}

const char *bench_line_backend_name(const struct bench_line *line)
{
	return line && line->ops ? line->ops->name : "?";
}
