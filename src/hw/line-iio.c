// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IIO-digital line backend: one channel attribute (default "raw") of an IIO
 * device holds the level, 0 or 1; the emulated rig's bench-lines device and
 * ADALM2000-style rigs expose their digital I/O this way. iiod 0.24 carries
 * no events, so edges are found by reading the attribute every 1 ms and are
 * timestamped with the bench clock at detection (resolution 1 ms + one
 * round trip).
 */
#include <errno.h>
#include <iio.h>
#include <time.h>

#include "common/clock.h"
#include "fixture/fixture.h"
#include "hw/line-backend.h"
#include "hw/rig-private.h"

#define POLL_NS (1000 * 1000)

static int iio_claim(struct bench_line *line, bool initial_phys)
{
	const struct bench_fixture_line *fl = line->fl;
	struct iio_device *dev;

	if (!line->rig || !line->rig->ctx)
		return -ENOTSUP;
	dev = iio_context_find_device(line->rig->ctx, fl->iio_device);
	if (!dev)
		return -ENODEV;
	/* Lines are output channels when driven and input channels when read; accept both. */
	line->ch = iio_device_find_channel(dev, fl->iio_channel, fl->output);
	if (!line->ch)
		line->ch = iio_device_find_channel(dev, fl->iio_channel, !fl->output);
	if (!line->ch)
		return -ENOENT;
	if (!iio_channel_find_attr(line->ch, fl->iio_attr))
		return -ENOENT;
	if (fl->output)
		return line->ops->set(line, initial_phys);
	return line->ops->get(line, &line->last_phys);
}

static int iio_set(struct bench_line *line, bool phys)
{
	int r = iio_channel_attr_write_longlong(line->ch, line->fl->iio_attr, phys ? 1 : 0);

	return r < 0 ? r : 0;
}

static int iio_get(struct bench_line *line, bool *ret_phys)
{
	long long v;
	int r = iio_channel_attr_read_longlong(line->ch, line->fl->iio_attr, &v);

	if (r < 0)
		return r;
	*ret_phys = v != 0;
	return 0;
}

static int iio_wait_edge(struct bench_line *line, int64_t timeout_ns, int64_t *ret_ts_ns,
			 bool *ret_phys)
{
	int64_t deadline = bench_clock_now_ns() + timeout_ns;
	const struct timespec poll = { 0, POLL_NS };
	bool now;
	int r;

	for (;;) {
		r = iio_get(line, &now);
		if (r < 0)
			return r;
		if (now != line->last_phys) {
			line->last_phys = now;
			*ret_ts_ns = bench_clock_now_ns();
			*ret_phys = now;
			return 0;
		}
		if (bench_clock_now_ns() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&poll, NULL);
	}
}

static void iio_release(struct bench_line *line)
{
	line->ch = NULL;
}

const struct bench_line_ops bench_line_iio_ops = {
	.name = "iio",
	.claim = iio_claim,
	.set = iio_set,
	.get = iio_get,
	.wait_edge = iio_wait_edge,
	.release = iio_release,
};
