// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loopback self-calibration; see selfcal.h.
 */
#include "hw/selfcal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture/fixture.h"
#include "hw/rig-private.h"
#include "hw/rig.h"
#include "hw/stream.h"

struct sine_src {
	size_t nch, ch;
	double amp_uv, w; /* rad per frame */
	uint64_t frame, total;
	float *log; /* what was commanded, channel @ch */
};

static int sine_fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct sine_src *src = ctx;
	size_t n = 0, c;

	while (n < max_frames && src->frame < src->total) {
		double x = src->amp_uv * sin(src->w * (double)src->frame);

		for (c = 0; c < src->nch; c++)
			uv[n * src->nch + c] = c == src->ch ? (float)x : 0.0f;
		src->log[src->frame] = (float)x;
		src->frame++;
		n++;
	}
	*ret_frames = n;
	return 0;
}

struct cap_sink {
	size_t index, column;
	float *data;
	size_t n, cap;
};

static int cap_store(void *ctx, size_t index, const float *uv, const int64_t *ts_ns,
		     size_t n_frames, size_t width)
{
	struct cap_sink *k = ctx;
	size_t f;

	(void)ts_ns;
	if (index != k->index)
		return 0;
	for (f = 0; f < n_frames && k->n < k->cap; f++)
		k->data[k->n++] = uv[f * width + k->column];
	return 0;
}

struct sink_ctx {
	struct cap_sink k;
	size_t width;
};

static int sink_fn(void *ctx, size_t index, const float *uv, const int64_t *ts_ns, size_t n_frames)
{
	struct sink_ctx *s = ctx;

	return cap_store(&s->k, index, uv, ts_ns, n_frames, s->width);
}

/* Finds the capture channel that taps DAC channel @name. */
static bool find_loopback(const struct bench_fixture *fx, const char *name, size_t *ret_cap,
			  size_t *ret_col)
{
	size_t i, j;

	for (i = 0; i < fx->n_captures; i++)
		for (j = 0; j < fx->captures[i].n_channels; j++)
			if (fx->captures[i].channels[j].loopback &&
			    strcmp(fx->captures[i].channels[j].loopback_of, name) == 0) {
				*ret_cap = i;
				*ret_col = j;
				return true;
			}
	return false;
}

int bench_selfcal_channel(struct bench_rig *rig, size_t dac_index, double amplitude_uv,
			  double seconds, struct bench_selfcal_result *ret,
			  struct bench_envelope_violation *reterr)
{
	const struct bench_fixture *fx = rig->fx;
	const struct bench_fixture_dac_channel *ch;
	const struct bench_fixture_limit *lim;
	struct bench_stream_config cfg = { 0 };
	struct bench_stream *s = NULL;
	struct sine_src src = { 0 };
	struct sink_ctx sk = { 0 };
	struct bench_alignment al;
	size_t cap_i, col, n, k, max_lag;
	double f_hz, sx = 0, sy = 0, sxx = 0, sxy = 0, g, o, ss = 0, den, cal_gain, cal_offset_uv;
	int r;

	if (!rig->dac || dac_index >= fx->dac.n_channels || !(seconds > 0) || !ret)
		return -EINVAL;
	ch = &fx->dac.channels[dac_index];
	if (!find_loopback(fx, ch->name, &cap_i, &col))
		return -ENOENT;
	if (fabs(rig->cap[cap_i].rate_hz - rig->dac_rate_hz) > 1e-6 * rig->dac_rate_hz)
		return -EINVAL;
	lim = bench_fixture_limit_for(fx, ch->name);
	if (!(amplitude_uv > 0))
		amplitude_uv = 0.5 * lim->max_abs_uv;
	/* A few periods per second, inside the slew limit with a factor 2 margin. */
	f_hz = fmin(fmin(10.0, rig->dac_rate_hz / 20.0),
		    lim->max_slew_uv_per_s / (2 * M_PI * amplitude_uv) / 2);
	src.nch = fx->dac.n_channels;
	src.ch = dac_index;
	src.amp_uv = amplitude_uv;
	src.w = 2 * M_PI * f_hz / rig->dac_rate_hz;
	src.total = (uint64_t)llround(seconds * rig->dac_rate_hz);
	max_lag = (size_t)fmin((double)src.total / 4, rig->dac_rate_hz * 0.05 + 2);
	src.log = calloc(src.total, sizeof(float));
	sk.k.index = cap_i;
	sk.k.column = col;
	sk.k.cap = src.total + max_lag;
	sk.k.data = calloc(sk.k.cap, sizeof(float));
	if (!src.log || !sk.k.data) {
		r = -ENOMEM;
		goto out_free;
	}
	cfg.output = true;
	cfg.capture_mask = 1u << cap_i;
	r = bench_stream_open(rig, &cfg, &s);
	if (r < 0)
		goto out_free;
	sk.width = bench_stream_capture_width(s, cap_i);
	r = bench_stream_run(s, sine_fill, &src, sink_fn, &sk,
			     (int64_t)((double)max_lag / rig->dac_rate_hz * 1e9) + 1, reterr, NULL);
	if (r < 0)
		goto out_free;
	n = sk.k.n < src.total ? sk.k.n : (size_t)src.total;
	r = bench_align_xcorr(src.log, sk.k.data, n, max_lag, &al);
	if (r < 0)
		goto out_free;
	n -= (size_t)al.lag_frames;
	for (k = 0; k < n; k++) {
		double x = src.log[k], y = sk.k.data[k + (size_t)al.lag_frames];

		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	den = (double)n * sxx - sx * sx;
	if (!(den > 0) || n < 3) {
		r = -ENODATA;
		goto out_free;
	}
	g = ((double)n * sxy - sx * sy) / den;
	o = (sy - g * sx) / (double)n;
	for (k = 0; k < n; k++) {
		double e = sk.k.data[k + (size_t)al.lag_frames] - (g * src.log[k] + o);

		ss += e * e;
	}
	memset(ret, 0, sizeof(*ret));
	ret->channel = ch->name;
	ret->loopback = fx->captures[cap_i].channels[col].name;
	ret->amplitude_uv = amplitude_uv;
	ret->freq_hz = f_hz;
	ret->gain = g;
	ret->offset_uv = o;
	/* Standard errors of an ordinary least-squares line. */
	ret->residual_rms_uv = sqrt(ss / (double)n);
	ret->u_gain = sqrt(ss / (double)(n - 2) * (double)n / den);
	ret->u_offset_uv = sqrt(ss / (double)(n - 2) * sxx / den);
	/* Relative to the record in force (the fixture's, or one loaded from the store). */
	if (bench_rig_dac_calibration(rig, dac_index, &cal_gain, &cal_offset_uv) < 0) {
		cal_gain = ch->cal_gain;
		cal_offset_uv = ch->cal_offset_uv;
	}
	ret->cal_gain_new = g * cal_gain;
	ret->cal_offset_new_uv = o + g * cal_offset_uv;
	ret->align = al;
	ret->frames = n;
	r = 0;

out_free:
	bench_stream_close(s);
	free(src.log);
	free(sk.k.data);
	return r;
}
