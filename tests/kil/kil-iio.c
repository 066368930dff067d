// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IIO checks against the kernel's iio_dummy through libiio (kil-iio.h).
 * The dummy's triggered buffer pushes fixed codes (iio_simple_dummy_buffer.c:
 * voltage0 = 7, accel_x = 344) with a kernel timestamp in ns; its output
 * channel voltage0 keeps the raw code written to it. The trigger rate
 * (1000 Hz) only paces the capture: TCG is not real time, so nothing here
 * depends on how fast samples arrive.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "kil-check.h"
#include "kil-iio.h"

/* Values the dummy driver's trigger handler pushes (drivers/iio/dummy). */
#define DUMMY_VOLTAGE0_CODE 7
#define DUMMY_ACCEL_X_CODE 344

/* Sign- or zero-extend one converted sample to 64 bits. */
static long long sample_value(const struct iio_channel *ch, const void *src)
{
	const struct iio_data_format *fmt = iio_channel_get_data_format(ch);
	uint8_t raw[8] = { 0 };

	iio_channel_convert(ch, raw, src);
	switch (fmt->length) {
	case 64: {
		int64_t v;
		memcpy(&v, raw, sizeof(v));
		return v;
	}
	case 32: {
		int32_t s;
		uint32_t u;
		memcpy(&s, raw, sizeof(s));
		memcpy(&u, raw, sizeof(u));
		return fmt->is_signed ? s : (long long)u;
	}
	default: {
		int16_t s;
		uint16_t u;
		memcpy(&s, raw, sizeof(s));
		memcpy(&u, raw, sizeof(u));
		return fmt->is_signed ? s : (long long)u;
	}
	}
}

static void check_capture(struct iio_device *dev, unsigned int samples)
{
	struct iio_channel *v0 = iio_device_find_channel(dev, "voltage0", false);
	struct iio_channel *ax = iio_device_find_channel(dev, "accel_x", false);
	struct iio_channel *ts = iio_device_find_channel(dev, "timestamp", false);
	struct iio_buffer *buf;
	unsigned int n = 0, bad_v0 = 0, bad_ax = 0, bad_ts = 0;
	long long prev_ts = 0;
	ssize_t got;

	if (!KIL_CHECK(v0 && ax && ts, "adc0 has voltage0, accel_x and timestamp inputs"))
		return;
	KIL_CHECK(iio_channel_is_scan_element(v0) && iio_channel_is_scan_element(ts),
		  "voltage0 and timestamp are scan elements");
	iio_channel_enable(v0);
	iio_channel_enable(ax);
	iio_channel_enable(ts);
	buf = iio_device_create_buffer(dev, samples, false);
	if (!KIL_CHECK(buf, "create a %u-sample buffer (errno %d)", samples, buf ? 0 : errno))
		goto out;
	got = iio_buffer_refill(buf);
	if (!KIL_CHECK(got > 0, "refill from the hrtimer-triggered buffer: %zd", got))
		goto out_buf;
	for (const uint8_t *p = iio_buffer_first(buf, v0); p < (const uint8_t *)iio_buffer_end(buf);
	     p += iio_buffer_step(buf)) {
		ptrdiff_t off = p - (const uint8_t *)iio_buffer_first(buf, v0);
		long long t = sample_value(ts, (const uint8_t *)iio_buffer_first(buf, ts) + off);

		bad_v0 += sample_value(v0, p) != DUMMY_VOLTAGE0_CODE;
		bad_ax += sample_value(ax, (const uint8_t *)iio_buffer_first(buf, ax) + off) !=
			  DUMMY_ACCEL_X_CODE;
		bad_ts += n > 0 && t <= prev_ts;
		prev_ts = t;
		n++;
	}
	KIL_CHECK(n == samples, "buffer holds %u samples, wanted %u", n, samples);
	KIL_CHECK(bad_v0 == 0, "voltage0 is the driver's code %d in every sample (%u differ)",
		  DUMMY_VOLTAGE0_CODE, bad_v0);
	KIL_CHECK(bad_ax == 0, "accel_x is the driver's code %d in every sample (%u differ)",
		  DUMMY_ACCEL_X_CODE, bad_ax);
	KIL_CHECK(bad_ts == 0 && prev_ts > 0, "kernel timestamps increase (%u out of order)",
		  bad_ts);
out_buf:
	iio_buffer_destroy(buf);
out:
	iio_channel_disable(v0);
	iio_channel_disable(ax);
	iio_channel_disable(ts);
}

static void check_output(struct iio_device *dev)
{
	struct iio_channel *out = iio_device_find_channel(dev, "voltage0", true);
	long long back = -1;
	int ret;

	if (!KIL_CHECK(out, "adc0 has the output channel voltage0"))
		return;
	ret = iio_channel_attr_write_longlong(out, "raw", 1234);
	KIL_CHECK(ret == 0, "write out_voltage0_raw = 1234: %d", ret);
	ret = iio_channel_attr_read_longlong(out, "raw", &back);
	KIL_CHECK(ret == 0 && back == 1234, "read back out_voltage0_raw: %d, %lld", ret, back);
	ret = iio_channel_attr_write_longlong(out, "raw", 0);
	KIL_CHECK(ret == 0, "write out_voltage0_raw = 0: %d", ret);
}

void kil_iio_checks(struct iio_context *ctx, unsigned int samples)
{
	struct iio_device *dev = iio_context_find_device(ctx, KIL_IIO_DEVICE);
	struct iio_device *trig = iio_context_find_device(ctx, KIL_IIO_TRIGGER);
	const struct iio_device *cur = NULL;
	int ret;

	iio_context_set_timeout(ctx, 30000);
	if (!KIL_CHECK(dev && trig, "context has device %s and trigger %s", KIL_IIO_DEVICE,
		       KIL_IIO_TRIGGER))
		return;
	KIL_CHECK(iio_device_is_trigger(trig), "%s is a trigger", KIL_IIO_TRIGGER);
	ret = iio_device_attr_write_longlong(trig, "sampling_frequency", 1000);
	KIL_CHECK(ret == 0, "set %s sampling_frequency = 1000 Hz: %d", KIL_IIO_TRIGGER, ret);
	ret = iio_device_set_trigger(dev, trig);
	KIL_CHECK(ret == 0, "attach %s to %s: %d", KIL_IIO_TRIGGER, KIL_IIO_DEVICE, ret);
	ret = iio_device_get_trigger(dev, &cur);
	KIL_CHECK(ret == 0 && cur && strcmp(iio_device_get_name(cur), KIL_IIO_TRIGGER) == 0,
		  "current_trigger reads back %s: %d", KIL_IIO_TRIGGER, ret);
	check_capture(dev, samples);
	check_output(dev);
}
