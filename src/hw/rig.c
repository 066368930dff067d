// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening a rig from a fixture through libiio and libgpiod; see rig.h.
 * libiio returns NULL + errno or negative errno; converted here, once.
 */
#include "hw/rig.h"

#include <errno.h>
#include <iio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/units.h"
#include "hw/line.h"
#include "hw/rig-private.h"

static int errno_or(int def)
{
	return errno > 0 ? -errno : def;
}

static void sleep_ns(int64_t ns)
{
	struct timespec ts;

	if (ns <= 0)
		return;
	ts.tv_sec = (time_t)(ns / BENCH_NS_PER_S);
	ts.tv_nsec = (long)(ns % BENCH_NS_PER_S);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static struct iio_device *find_device(struct bench_rig *rig, const char *name)
{
	return rig->ctx ? iio_context_find_device(rig->ctx, name) : NULL;
}

/* The channel's scale in V per code: the fixture's value, else the device's attribute. */
static int channel_scale(struct iio_channel *ch, double fixture_v, double unit_v, double *ret_v)
{
	double s;
	int r;

	if (fixture_v > 0) {
		*ret_v = fixture_v;
		return 0;
	}
	if (!iio_channel_find_attr(ch, "scale"))
		return -ENOENT;
	r = iio_channel_attr_read_double(ch, "scale", &s);
	if (r < 0)
		return r;
	if (!(s > 0))
		return -EINVAL;
	*ret_v = s * unit_v;
	return 0;
}

/* Sets (if @want_hz > 0) and reads back the device's sampling_frequency. */
static int device_rate(struct iio_device *dev, double want_hz, double *ret_hz)
{
	double hz = 0;
	int r;

	if (!iio_device_find_attr(dev, "sampling_frequency")) {
		if (!(want_hz > 0))
			return -ENOENT;
		*ret_hz = want_hz;
		return 0;
	}
	if (want_hz > 0) {
		r = iio_device_attr_write_double(dev, "sampling_frequency", want_hz);
		if (r < 0)
			return r;
	}
	r = iio_device_attr_read_double(dev, "sampling_frequency", &hz);
	if (r < 0)
		return r;
	if (!(hz > 0))
		return -EINVAL;
	*ret_hz = hz;
	return 0;
}

static int open_dac(struct bench_rig *rig, struct bench_fixture_error *err)
{
	const struct bench_fixture *fx = rig->fx;
	const struct bench_fixture_dac *d = &fx->dac;
	size_t i;
	int r;

	rig->dac = find_device(rig, d->device);
	if (!rig->dac)
		return bench_fixture_fail(fx, d->line, err, -ENODEV,
					  "DAC device '%s' is not on the context %s", d->device,
					  rig->uri);
	rig->dac_ch = calloc(d->n_channels, sizeof(*rig->dac_ch));
	rig->dac_cal = calloc(d->n_channels, sizeof(*rig->dac_cal));
	rig->dac_scale_v = calloc(d->n_channels, sizeof(double));
	rig->dac_cal_gain = calloc(d->n_channels, sizeof(double));
	rig->dac_cal_offset_uv = calloc(d->n_channels, sizeof(double));
	if (!rig->dac_ch || !rig->dac_cal || !rig->dac_scale_v || !rig->dac_cal_gain ||
	    !rig->dac_cal_offset_uv)
		return -ENOMEM;
	for (i = 0; i < d->n_channels; i++) {
		const struct bench_fixture_dac_channel *fc = &d->channels[i];
		const struct iio_data_format *fmt;
		double scale;
		struct iio_channel *ch = iio_device_find_channel(rig->dac, fc->iio_channel, true);

		if (!ch || !iio_channel_is_scan_element(ch))
			return bench_fixture_fail(fx, fc->line, err, -ENOENT,
						  "DAC channel '%s' (%s): device '%s' has no output "
						  "scan channel '%s'",
						  fc->name, fc->dut_input, d->device,
						  fc->iio_channel);
		r = channel_scale(ch, fc->scale_v_per_code, d->scale_unit_v, &scale);
		if (r < 0)
			return bench_fixture_fail(
				fx, fc->line, err, r,
				"DAC channel '%s': no scale-v-per-code in the fixture "
				"and no usable 'scale' attribute on %s/%s",
				fc->name, d->device, fc->iio_channel);
		fmt = iio_channel_get_data_format(ch);
		r = bench_calib_dac_init(fc, scale, fmt->bits, fmt->is_signed, &rig->dac_cal[i]);
		if (r < 0)
			return bench_fixture_fail(fx, fc->line, err, r,
						  "DAC channel '%s': bad code map", fc->name);
		rig->dac_ch[i] = ch;
		rig->dac_scale_v[i] = scale;
		rig->dac_cal_gain[i] = fc->cal_gain;
		rig->dac_cal_offset_uv[i] = fc->cal_offset_uv;
	}
	r = device_rate(rig->dac, d->rate_hz, &rig->dac_rate_hz);
	if (r < 0)
		return bench_fixture_fail(fx, d->line, err, r == -ENOENT ? -EINVAL : r,
					  "DAC '%s': cannot set or read its sample rate (%s)",
					  d->device, strerror(-r));
	return 0;
}

static int open_capture(struct bench_rig *rig, size_t k, struct bench_fixture_error *err)
{
	const struct bench_fixture *fx = rig->fx;
	const struct bench_fixture_capture *c = &fx->captures[k];
	struct bench_rig_capture *rc = &rig->cap[k];
	size_t i;
	int r;

	rc->dev = find_device(rig, c->device);
	if (!rc->dev)
		return bench_fixture_fail(fx, c->line, err, -ENODEV,
					  "capture device '%s' is not on the context %s", c->device,
					  rig->uri);
	rc->ch = calloc(c->n_channels, sizeof(*rc->ch));
	rc->cal = calloc(c->n_channels, sizeof(*rc->cal));
	if (!rc->ch || !rc->cal)
		return -ENOMEM;
	for (i = 0; i < c->n_channels; i++) {
		const struct bench_fixture_capture_channel *fc = &c->channels[i];
		struct iio_channel *ch = iio_device_find_channel(rc->dev, fc->iio_channel, false);
		double scale;

		if (!ch || !iio_channel_is_scan_element(ch))
			return bench_fixture_fail(fx, fc->line, err, -ENOENT,
						  "capture channel '%s': device '%s' has no input "
						  "scan channel '%s'",
						  fc->name, c->device, fc->iio_channel);
		r = channel_scale(ch, fc->scale_v_per_code, c->scale_unit_v, &scale);
		if (r < 0)
			return bench_fixture_fail(fx, fc->line, err, r,
						  "capture channel '%s': no scale-v-per-code and no "
						  "usable 'scale' attribute on %s/%s",
						  fc->name, c->device, fc->iio_channel);
		r = bench_calib_adc_init(fc, scale, &rc->cal[i]);
		if (r < 0)
			return bench_fixture_fail(fx, fc->line, err, r,
						  "capture channel '%s': bad scale", fc->name);
		rc->ch[i] = ch;
	}
	if (c->timestamp) {
		rc->ts = iio_device_find_channel(rc->dev, "timestamp", false);
		if (!rc->ts)
			return bench_fixture_fail(
				fx, c->line, err, -ENOENT,
				"capture '%s': device '%s' has no timestamp channel "
				"(set timestamp=\"false\")",
				c->name, c->device);
	}
	if (c->event_channel[0]) {
		rc->event = iio_device_find_channel(rc->dev, c->event_channel, false);
		if (!rc->event || !iio_channel_is_scan_element(rc->event))
			return bench_fixture_fail(fx, c->line, err, -ENOENT,
						  "capture '%s': device '%s' has no event scan "
						  "channel '%s'",
						  c->name, c->device, c->event_channel);
	}
	r = device_rate(rc->dev, c->rate_hz, &rc->rate_hz);
	if (r < 0)
		return bench_fixture_fail(fx, c->line, err, r == -ENOENT ? -EINVAL : r,
					  "capture '%s': cannot set or read the sample rate of '%s'",
					  c->name, c->device);
	return 0;
}

static int open_lines(struct bench_rig *rig, struct bench_fixture_error *err)
{
	const struct bench_fixture *fx = rig->fx;
	size_t i;
	int r;

	for (i = 0; i < fx->n_lines; i++) {
		struct bench_line *ln = &rig->lines[i];
		const struct bench_fixture_line *fl = &fx->lines[i];

		ln->fl = fl;
		ln->rig = rig;
		if (fl->backend == BENCH_LINE_BACKEND_IIO && !rig->ctx)
			return bench_fixture_fail(fx, fl->line, err, -ENOTSUP,
						  "line '%s' is an IIO line; this rig was opened "
						  "for gpiod lines only",
						  fl->name);
		r = bench_line_claim(ln);
		if (r < 0) {
			if (fl->backend == BENCH_LINE_BACKEND_GPIOD)
				return bench_fixture_fail(
					fx, fl->line, err, r,
					"line '%s': cannot claim %s line %s%s on chip '%s': %s",
					fl->name, fl->output ? "output" : "input",
					fl->line_name[0] ? fl->line_name : "offset ",
					fl->line_name[0] ? "" : "", fl->chip, strerror(-r));
			return bench_fixture_fail(fx, fl->line, err, r,
						  "line '%s': device '%s' has no channel '%s' with "
						  "attribute '%s' (%s)",
						  fl->name, fl->iio_device, fl->iio_channel,
						  fl->iio_attr, strerror(-r));
		}
	}
	return 0;
}

int bench_rig_open(const struct bench_fixture *fx, const char *uri, unsigned flags,
		   struct bench_rig **ret_rig, struct bench_fixture_error *reterr)
{
	struct bench_rig *rig;
	char uri_copy[256];
	size_t i;
	int r;

	if (!fx || !ret_rig)
		return -EINVAL;
	rig = calloc(1, sizeof(*rig));
	if (!rig)
		return -ENOMEM;
	rig->fx = fx;
	rig->flags = flags;
	rig->slot = -1;
	pthread_mutex_init(&rig->out_lock, NULL);
	atomic_init(&rig->out_live, false);
	atomic_init(&rig->stop, false);
	rig->lines = calloc(fx->n_lines ? fx->n_lines : 1, sizeof(*rig->lines));
	rig->cap = calloc(fx->n_captures ? fx->n_captures : 1, sizeof(*rig->cap));
	if (!rig->lines || !rig->cap) {
		r = -ENOMEM;
		goto err_close;
	}
	snprintf(rig->uri, sizeof(rig->uri), "%s", uri ? uri : fx->uri);

	if (!(flags & BENCH_RIG_LINES_ONLY)) {
		if (strncmp(rig->uri, "sim:", 4) == 0) {
			r = bench_fixture_fail(fx, fx->context_line, reterr, -EINVAL,
					       "context %s is an emulated rig: start it (bcibench "
					       "sim) and pass its ip: URI as an override",
					       rig->uri);
			goto err_close;
		}
		/* libiio 0.24 writes into the URI (iiod-protocol.md 2.2): give it a copy. */
		snprintf(uri_copy, sizeof(uri_copy), "%s", rig->uri);
		errno = 0;
		rig->ctx = iio_create_context_from_uri(uri_copy);
		if (!rig->ctx) {
			r = errno_or(-EIO);
			r = bench_fixture_fail(fx, fx->context_line, reterr, r,
					       "cannot open the IIO context %s: %s", rig->uri,
					       strerror(-r));
			goto err_close;
		}
		if (fx->timeout_ns > 0) {
			r = iio_context_set_timeout(rig->ctx,
						    (unsigned)(fx->timeout_ns / BENCH_NS_PER_MS));
			if (r < 0)
				goto err_close;
		}
		if (fx->has_dac) {
			r = open_dac(rig, reterr);
			if (r < 0)
				goto err_close;
		}
		for (i = 0; i < fx->n_captures; i++) {
			r = open_capture(rig, i, reterr);
			if (r < 0)
				goto err_close;
		}
	}
	if (flags & BENCH_RIG_PROBE) {
		*ret_rig = rig;
		return 0;
	}
	if (!(flags & BENCH_RIG_NO_LINES)) {
		r = open_lines(rig, reterr);
		if (r < 0)
			goto err_close;
	}
	r = bench_safe_register(rig);
	if (r < 0) {
		bench_fixture_fail(fx, 0, reterr, r, "too many rigs open");
		goto err_close;
	}
	r = bench_rig_safe(rig);
	if (r < 0) {
		bench_fixture_fail(fx, fx->context_line, reterr, r,
				   "cannot park the rig at its safe state: %s", strerror(-r));
		goto err_close;
	}
	*ret_rig = rig;
	return 0;

err_close:
	bench_rig_close(rig);
	return r;
}

int bench_rig_safe(struct bench_rig *rig)
{
	const struct bench_fixture *fx = rig->fx;
	struct iio_buffer *buf;
	int first = 0, r;
	size_t i;

	pthread_mutex_lock(&rig->out_lock);
	buf = rig->out_buf;
	if (buf)
		iio_buffer_cancel(buf);
	pthread_mutex_unlock(&rig->out_lock);
	/* The output thread sees the cancel (or the stop flag) and destroys the buffer. */
	for (i = 0; i < 2000 && atomic_load(&rig->out_live); i++)
		sleep_ns(BENCH_NS_PER_MS);
	if (atomic_load(&rig->out_live))
		first = -ETIMEDOUT;
	for (i = 0; rig->dac && i < fx->dac.n_channels; i++) {
		if (!iio_channel_find_attr(rig->dac_ch[i], "raw"))
			continue;
		r = iio_channel_attr_write_longlong(rig->dac_ch[i], "raw", 0);
		if (r < 0 && first == 0)
			first = r;
	}
	for (i = 0; i < fx->n_lines; i++) {
		r = bench_line_safe(&rig->lines[i]);
		if (r < 0 && first == 0)
			first = r;
	}
	return first;
}

void bench_rig_close(struct bench_rig *rig)
{
	size_t i;

	if (!rig)
		return;
	if (rig->slot >= 0) {
		bench_safe_state_rig(rig, "close");
		bench_safe_unregister(rig);
	}
	for (i = 0; rig->lines && i < rig->fx->n_lines; i++)
		bench_line_release(&rig->lines[i]);
	for (i = 0; rig->cap && i < rig->fx->n_captures; i++) {
		free(rig->cap[i].ch);
		free(rig->cap[i].cal);
	}
	free(rig->cap);
	free(rig->lines);
	free(rig->dac_ch);
	free(rig->dac_cal);
	free(rig->dac_scale_v);
	free(rig->dac_cal_gain);
	free(rig->dac_cal_offset_uv);
	if (rig->ctx)
		iio_context_destroy(rig->ctx);
	pthread_mutex_destroy(&rig->out_lock);
	free(rig);
}

const struct bench_fixture *bench_rig_fixture(const struct bench_rig *rig)
{
	return rig->fx;
}

const char *bench_rig_uri(const struct bench_rig *rig)
{
	return rig->uri;
}

struct bench_line *bench_rig_line(struct bench_rig *rig, const char *name)
{
	size_t i;

	for (i = 0; i < rig->fx->n_lines; i++)
		if (rig->lines[i].claimed && strcmp(rig->fx->lines[i].name, name) == 0)
			return &rig->lines[i];
	return NULL;
}

struct bench_line *bench_rig_line_by_role(struct bench_rig *rig, enum bench_fixture_line_role role)
{
	size_t i;

	for (i = 0; i < rig->fx->n_lines; i++)
		if (rig->lines[i].claimed && rig->fx->lines[i].role == role)
			return &rig->lines[i];
	return NULL;
}

double bench_rig_dac_rate_hz(const struct bench_rig *rig)
{
	return rig->dac ? rig->dac_rate_hz : 0;
}

double bench_rig_capture_rate_hz(const struct bench_rig *rig, size_t index)
{
	return index < rig->fx->n_captures ? rig->cap[index].rate_hz : 0;
}

const struct bench_calib_dac *bench_rig_dac_calib(const struct bench_rig *rig, size_t index)
{
	return rig->dac && index < rig->fx->dac.n_channels ? &rig->dac_cal[index] : NULL;
}

int bench_rig_dac_calibration(const struct bench_rig *rig, size_t index, double *ret_gain,
			      double *ret_offset_uv)
{
	if (!rig || !rig->dac || !rig->dac_cal_gain || index >= rig->fx->dac.n_channels ||
	    !ret_gain || !ret_offset_uv)
		return -EINVAL;
	*ret_gain = rig->dac_cal_gain[index];
	*ret_offset_uv = rig->dac_cal_offset_uv[index];
	return 0;
}

int bench_rig_set_dac_calibration(struct bench_rig *rig, size_t index, double gain,
				  double offset_uv)
{
	struct bench_fixture_dac_channel ch;
	const struct iio_data_format *fmt;
	struct bench_calib_dac map;
	int r;

	if (!rig || !rig->dac || !rig->dac_cal_gain || index >= rig->fx->dac.n_channels ||
	    !isfinite(gain) || !(gain > 0) || !isfinite(offset_uv) || atomic_load(&rig->out_live))
		return -EINVAL;
	/* The same one place as at open (calib.c), with this record instead of the fixture's. */
	ch = rig->fx->dac.channels[index];
	ch.cal_gain = gain;
	ch.cal_offset_uv = offset_uv;
	fmt = iio_channel_get_data_format(rig->dac_ch[index]);
	r = bench_calib_dac_init(&ch, rig->dac_scale_v[index], fmt->bits, fmt->is_signed, &map);
	if (r < 0)
		return r;
	rig->dac_cal[index] = map;
	rig->dac_cal_gain[index] = gain;
	rig->dac_cal_offset_uv[index] = offset_uv;
	return 0;
}

double bench_rig_capture_lsb_uv(const struct bench_rig *rig, size_t index, size_t ch)
{
	if (!rig->ctx || !rig->cap || index >= rig->fx->n_captures ||
	    ch >= rig->fx->captures[index].n_channels)
		return 0;
	return fabs(rig->cap[index].cal[ch].uv_per_code);
}

int bench_rig_capture_range_uv(const struct bench_rig *rig, size_t index, size_t ch,
			       double *ret_min_uv, double *ret_max_uv)
{
	const struct iio_data_format *fmt;
	double lo, hi, a, b;

	if (!rig->ctx || index >= rig->fx->n_captures || ch >= rig->fx->captures[index].n_channels)
		return -EINVAL;
	fmt = iio_channel_get_data_format(rig->cap[index].ch[ch]);
	if (fmt->bits < 1 || fmt->bits > 63)
		return -EINVAL;
	if (fmt->is_signed) {
		lo = -ldexp(1.0, (int)fmt->bits - 1);
		hi = ldexp(1.0, (int)fmt->bits - 1) - 1;
	} else {
		lo = 0;
		hi = ldexp(1.0, (int)fmt->bits) - 1;
	}
	a = bench_calib_adc_uv(&rig->cap[index].cal[ch], (int64_t)lo);
	b = bench_calib_adc_uv(&rig->cap[index].cal[ch], (int64_t)hi);
	*ret_min_uv = a < b ? a : b;
	*ret_max_uv = a < b ? b : a;
	return 0;
}

static int attr_target(struct bench_rig *rig, const char *device, const char *channel,
		       struct iio_device **ret_dev, struct iio_channel **ret_ch)
{
	struct iio_device *dev = find_device(rig, device);

	if (!dev)
		return -ENODEV;
	*ret_dev = dev;
	*ret_ch = NULL;
	if (channel) {
		*ret_ch = iio_device_find_channel(dev, channel, false);
		if (!*ret_ch)
			*ret_ch = iio_device_find_channel(dev, channel, true);
		if (!*ret_ch)
			return -ENOENT;
	}
	return 0;
}

int bench_rig_read_attr(struct bench_rig *rig, const char *device, const char *channel,
			const char *attr, bool debug, char *buf, size_t size)
{
	struct iio_device *dev;
	struct iio_channel *ch;
	ssize_t n;
	int r = attr_target(rig, device, channel, &dev, &ch);

	if (r < 0)
		return r;
	if (ch)
		n = iio_channel_attr_read(ch, attr, buf, size);
	else if (debug)
		n = iio_device_debug_attr_read(dev, attr, buf, size);
	else
		n = iio_device_attr_read(dev, attr, buf, size);
	return n < 0 ? (int)n : 0;
}

int bench_rig_write_attr(struct bench_rig *rig, const char *device, const char *channel,
			 const char *attr, bool debug, const char *value)
{
	struct iio_device *dev;
	struct iio_channel *ch;
	ssize_t n;
	int r = attr_target(rig, device, channel, &dev, &ch);

	if (r < 0)
		return r;
	if (ch)
		n = iio_channel_attr_write(ch, attr, value);
	else if (debug)
		n = iio_device_debug_attr_write(dev, attr, value);
	else
		n = iio_device_attr_write(dev, attr, value);
	return n < 0 ? (int)n : 0;
}

/*
 * Waits for the ready line. While waiting, one buffer of the first capture
 * device is read and discarded per check: on rigs whose time advances with the
 * data (the emulated rig in fast pace, docs/sim.md) this is what lets the DUT
 * boot; on real rigs it costs nothing. Without a capture device the line is
 * simply waited on.
 */
static int wait_ready(struct bench_rig *rig, struct bench_line *ready, int64_t timeout_ns)
{
	const struct bench_fixture *fx = rig->fx;
	int64_t deadline = bench_clock_now_ns() + timeout_ns;
	struct bench_rig_capture *rc;
	struct iio_buffer *buf;
	bool on = false;
	ssize_t n;
	size_t k;
	int r;

	if (!rig->ctx || fx->n_captures == 0)
		return bench_line_wait_level(ready, true, timeout_ns);
	rc = &rig->cap[0];
	for (k = 0; k < fx->captures[0].n_channels; k++)
		iio_channel_enable(rc->ch[k]);
	errno = 0;
	buf = iio_device_create_buffer(rc->dev, fx->captures[0].buffer_frames, false);
	if (!buf)
		return errno_or(-EIO);
	for (;;) {
		r = bench_line_get(ready, &on);
		if (r < 0 || on)
			break;
		if (bench_clock_now_ns() >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		n = iio_buffer_refill(buf);
		if (n < 0) {
			r = (int)n;
			break;
		}
	}
	iio_buffer_destroy(buf);
	return r;
}

int bench_rig_power_up(struct bench_rig *rig)
{
	const struct bench_fixture_power_up *pu = &rig->fx->power_up;
	struct bench_line *pwr = bench_rig_line_by_role(rig, BENCH_LINE_ROLE_DUT_POWER);
	struct bench_line *ready = bench_rig_line_by_role(rig, BENCH_LINE_ROLE_READY);
	struct bench_line *reset = bench_rig_line_by_role(rig, BENCH_LINE_ROLE_DUT_RESET);
	int r;

	if (!pwr)
		return -ENOENT;
	r = bench_line_set(pwr, true);
	if (r < 0)
		goto err_power_off;
	if (!pu->present)
		return 0;
	sleep_ns(pu->settle_ns);
	if (ready) {
		r = wait_ready(rig, ready, pu->ready_timeout_ns);
		if (r < 0) {
			bench_log(BENCH_LOG_ERROR, "hw", "DUT not ready within %.0f ms on line %s",
				  (double)pu->ready_timeout_ns / 1e6, ready->fl->name);
			goto err_power_off;
		}
	}
	if (reset && pu->reset_pulse_ns > 0) {
		r = bench_line_set(reset, true);
		if (r < 0)
			goto err_power_off;
		sleep_ns(pu->reset_pulse_ns);
		r = bench_line_set(reset, false);
		if (r < 0)
			goto err_power_off;
	}
	return 0;

err_power_off:
	bench_line_set(pwr, false);
	return r;
}

int bench_rig_power_down(struct bench_rig *rig)
{
	struct bench_line *pwr = bench_rig_line_by_role(rig, BENCH_LINE_ROLE_DUT_POWER);

	if (!pwr)
		return -ENOENT;
	return bench_line_set(pwr, false);
}
