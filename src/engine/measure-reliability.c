// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reliability metrics (catalogue D1, D2, D4, D5; D3 dropouts are routed with the
 * front-end metrics): pass rate with its Clopper-Pearson interval, zero-failure
 * demonstration, recovery time after a power cycle, drift slope with its interval.
 *
 * pass_rate and drift_slope judge repeats or soak points that are segments of one trial's
 * capture: param "repeats" (pass_rate) or "segments" (drift_slope) splits the capture
 * after the settling time into equal parts. The reliability protocols now repeat real
 * trials instead and pool them (src/engine/pool.h, metrics over="trials"); trial_time is
 * the time axis of such a pooled drift. Each repeat is the protocol's sine
 * check: an IEEE 1057 3-parameter fit at the stimulus freq_hz on every channel, amplitude
 * within "tolerance" % of the stimulus amp_uv. Units: s, %, ppm.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"
#include "engine/measure-internal.h"
#include "score/sine.h"
#include "score/stats.h"

/* The stimulus sine: amp_uv and freq_hz. */
static int stim_sine(const struct bench_protocol *p, double *ret_amp, double *ret_f, char *reterr,
		     size_t errlen)
{
	if (bench_measure_stimulus_param(p, "amp_uv", ret_amp) < 0 || !(*ret_amp > 0) ||
	    bench_measure_stimulus_param(p, "freq_hz", ret_f) < 0 || !(*ret_f > 0)) {
		MEASURE_ERRF("needs a sine stimulus (amp_uv, freq_hz)");
		return -EINVAL;
	}
	return 0;
}

/*
 * One repeat of the amplitude check on frames [a, b) of every channel: 1 pass, 0 fail.
 * @ret_worst receives the largest |amplitude error| in % over the channels.
 */
static int check_window(const struct bench_engine_trace *t, size_t a, size_t b, double amp,
			double f, double tol_pct, double *ret_worst)
{
	struct bench_sine_fit fit;
	double worst = 0;
	size_t c;
	int r;

	for (c = 0; c < t->n_channels; c++) {
		r = bench_score_sine_fit3(t->uv + c * t->n_frames + a, b - a, t->rate_hz, f, &fit);
		if (r == -EDOM || (r == 0 && !isfinite(fit.amplitude))) {
			worst = INFINITY;
			continue;
		}
		if (r < 0)
			return r;
		worst = fmax(worst, fabs(fit.amplitude / amp - 1.0) * 100.0);
	}
	if (ret_worst)
		*ret_worst = worst;
	return worst <= tol_pct;
}

/*
 * D1/D2 pass rate over "repeats" segments of the capture. Param "bound": "lower" (the
 * lower end of the two-sided Clopper-Pearson interval at "confidence", default 0.95),
 * "observed" (x/n). With "demonstrate-reliability" R, fewer repeats than the success-run
 * size for (confidence, R) is an ERROR: the plan cannot demonstrate what it claims.
 */
static int m_pass_rate(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_protocol_criterion *cr,
		       const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		       struct bench_quantity *q, char *reterr, size_t errlen)
{
	const struct bench_protocol_param *bound = bench_protocol_metric_param(m, "bound");
	const struct bench_protocol_param *check = bench_protocol_metric_param(m, "check");
	double conf = bench_protocol_metric_param_num(m, "confidence", 0.95);
	double tol = bench_protocol_metric_param_num(m, "tolerance", 5);
	double rel = bench_protocol_metric_param_num(m, "demonstrate-reliability", NAN);
	size_t reps = (size_t)bench_protocol_metric_param_num(m, "repeats", 0), end, len, i,
	       pass = 0;
	struct bench_proportion pr;
	double amp, f, v, u;
	int r;

	(void)cr;
	(void)cap;
	if (check && strcmp(check->value, "sine_fit_amplitude") != 0) {
		MEASURE_ERRF("pass_rate: unknown check '%s'", check->value);
		return -EINVAL;
	}
	r = stim_sine(p, &amp, &f, reterr, errlen);
	if (r < 0)
		return r;
	end = bench_measure_stim_end(t);
	if (reps < 1 || end <= t->settle_frames) {
		MEASURE_ERRF("pass_rate needs param repeats >= 1 and a capture");
		return -EINVAL;
	}
	len = (end - t->settle_frames) / reps;
	if ((double)len < 2.0 * t->rate_hz / f) {
		MEASURE_ERRF("repeats of %zu frames hold less than 2 cycles", len);
		return -EINVAL;
	}
	if (isfinite(rel)) {
		uint64_t need;

		r = bench_score_zero_failure_n(conf, rel, &need);
		if (r < 0 || reps < need) {
			MEASURE_ERRF("%zu repeats cannot demonstrate R=%g at C=%g (needs %llu)",
				     reps, rel, conf, (unsigned long long)(r < 0 ? 0 : need));
			return -EINVAL;
		}
	}
	for (i = 0; i < reps; i++) {
		size_t a = t->settle_frames + i * len;

		r = check_window(t, a, a + len, amp, f, tol, NULL);
		if (r < 0) {
			MEASURE_ERRF("repeat %zu: sine fit failed (%s)", i, strerror(-r));
			return r;
		}
		pass += (size_t)r;
	}
	r = bench_score_clopper_pearson(pass, reps, conf, &pr);
	if (r < 0) {
		MEASURE_ERRF("Clopper-Pearson interval failed (%s)", strerror(-r));
		return r;
	}
	v = bound && strcmp(bound->value, "lower") == 0 ? pr.low :
	    bound && strcmp(bound->value, "upper") == 0 ? pr.high :
							  pr.rate;
	/* the interval is the statement of uncertainty; as a standard uncertainty, a quarter
	 * of its width (a 95 % interval spans about +-2 u) */
	u = (pr.high - pr.low) / 4.0;
	if (m->unit == BENCH_UNIT_PERCENT) {
		v *= 100.0;
		u *= 100.0;
	}
	bench_quantity_init(q, v, m->unit, u, 0, p->k);
	return 0;
}

/*
 * D4 recovery: the DUT is powered on just before the capture starts (the protocol's
 * before-trial steps); windows of "window" s (default 0.2) every "hop" s (default 0.01)
 * are checked as above; the recovery time is the end of the first window from which every
 * later window passes (valid data has then been seen), from the capture start. Never
 * recovered: +INF.
 */
static int m_recovery(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_protocol_criterion *cr,
		      const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		      struct bench_quantity *q, char *reterr, size_t errlen)
{
	double win_s = bench_protocol_metric_param_num(m, "window", 0.2);
	double hop_s = bench_protocol_metric_param_num(m, "hop", 0.01);
	double tol = bench_protocol_metric_param_num(m, "tolerance", 5), amp, f, v, u;
	size_t end = bench_measure_stim_end(t), w, h, a, first_ok = SIZE_MAX;
	int r;

	(void)cr;
	(void)cap;
	r = stim_sine(p, &amp, &f, reterr, errlen);
	if (r < 0)
		return r;
	w = (size_t)llround(win_s * t->rate_hz);
	h = (size_t)llround(hop_s * t->rate_hz);
	if (w < 8 || h < 1 || w > end) {
		MEASURE_ERRF("window %g s / hop %g s do not fit the capture", win_s, hop_s);
		return -EINVAL;
	}
	for (a = 0; a + w <= end; a += h) {
		r = check_window(t, a, a + w, amp, f, tol, NULL);
		if (r < 0) {
			MEASURE_ERRF("sine fit failed at %.3f s (%s)", (double)a / t->rate_hz,
				     strerror(-r));
			return r;
		}
		if (r == 0)
			first_ok = SIZE_MAX;
		else if (first_ok == SIZE_MAX)
			first_ok = a;
	}
	v = first_ok == SIZE_MAX ? INFINITY : (double)(first_ok + w) / t->rate_hz;
	u = (double)h / t->rate_hz / sqrt(12.0);
	if (m->unit == BENCH_UNIT_MS) {
		v *= 1e3;
		u *= 1e3;
	}
	bench_quantity_init(q, v, m->unit, 0, u, p->k);
	return 0;
}

/*
 * D5 drift: "of" gain_error (3-parameter fit amplitude vs amp_uv, %, mean over channels)
 * per segment at the segment's centre time, or timebase_ppm (frequency offset in ppm from
 * the phase advance between consecutive segments, at their boundary), regressed on time;
 * the slope is scaled to the metric's unit (%/"per" s, default per 24 h; ppm/h). Type A
 * uncertainty: the slope's standard error.
 */
static int m_drift(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		   const struct bench_protocol_criterion *cr,
		   const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		   struct bench_quantity *q, char *reterr, size_t errlen)
{
	const struct bench_protocol_param *of = bench_protocol_metric_param(m, "of");
	size_t segs = (size_t)bench_protocol_metric_param_num(m, "segments", 10), end, len, i, c;
	double per = bench_protocol_metric_param_num(m, "per", 86400), amp, f, scale;
	double *x = NULL, *y = NULL, *ph = NULL;
	struct bench_linfit lf;
	bool gain;
	int r;

	(void)cr;
	(void)cap;
	if (!of ||
	    (strcmp(of->value, "gain_error") != 0 && strcmp(of->value, "timebase_ppm") != 0)) {
		MEASURE_ERRF("drift_slope needs of=gain_error or of=timebase_ppm");
		return -EINVAL;
	}
	gain = strcmp(of->value, "gain_error") == 0;
	r = stim_sine(p, &amp, &f, reterr, errlen);
	if (r < 0)
		return r;
	end = bench_measure_stim_end(t);
	if (segs < 4 || end <= t->settle_frames) {
		MEASURE_ERRF("drift_slope needs at least 4 segments");
		return -EINVAL;
	}
	len = (end - t->settle_frames) / segs;
	if ((double)len < 4.0 * t->rate_hz / f) {
		MEASURE_ERRF("segments of %zu frames hold less than 4 cycles", len);
		return -EINVAL;
	}
	x = calloc(segs, sizeof(*x));
	y = calloc(segs, sizeof(*y));
	ph = calloc(segs * t->n_channels, sizeof(*ph));
	if (!x || !y || !ph) {
		r = -ENOMEM;
		goto out;
	}
	if (!gain) {
		/*
		 * Time base: the phase of a 3-parameter fit at the nominal frequency per segment
		 * and channel, referred to the capture start; the frequency between consecutive
		 * segments is their phase advance over the spacing (unambiguous while the
		 * offset stays below half a cycle per segment), averaged over the channels, in
		 * ppm at the segment boundary. Much finer than a 4-parameter fit per segment.
		 */
		double dt = (double)len / t->rate_hz;

		for (i = 0; i < segs; i++) {
			size_t a = t->settle_frames + i * len;

			for (c = 0; c < t->n_channels; c++) {
				struct bench_sine_fit fit;

				r = bench_score_sine_fit3(t->uv + c * t->n_frames + a, len,
							  t->rate_hz, f, &fit);
				if (r < 0) {
					MEASURE_ERRF("segment %zu channel %zu: fit failed (%s)", i,
						     c, strerror(-r));
					goto out;
				}
				ph[i * t->n_channels + c] = fit.phase_rad -
							    2 * M_PI * f * (double)a / t->rate_hz;
			}
		}
		for (i = 0; i + 1 < segs; i++) {
			x[i] = (double)(t->settle_frames + (i + 1) * len) / t->rate_hz;
			y[i] = 0;
			for (c = 0; c < t->n_channels; c++) {
				double d = ph[(i + 1) * t->n_channels + c] -
					   ph[i * t->n_channels + c];

				d = remainder(d, 2 * M_PI);
				y[i] += d / (2 * M_PI * dt) / f * 1e6 / (double)t->n_channels;
			}
		}
		segs--;
	}
	for (i = 0; i < segs && gain; i++) {
		size_t a = t->settle_frames + i * len;

		x[i] = ((double)a + (double)len / 2) / t->rate_hz;
		for (c = 0; c < t->n_channels; c++) {
			struct bench_sine_fit fit;
			const double *s = t->uv + c * t->n_frames + a;

			r = bench_score_sine_fit3(s, len, t->rate_hz, f, &fit);
			if (r < 0) {
				MEASURE_ERRF("segment %zu channel %zu: fit failed (%s)", i, c,
					     strerror(-r));
				goto out;
			}
			y[i] += (fit.amplitude / amp - 1.0) * 100.0 / (double)t->n_channels;
		}
	}
	r = bench_score_linfit(x, y, segs, 0.95, &lf);
	if (r < 0) {
		MEASURE_ERRF("regression failed (%s)", strerror(-r));
		goto out;
	}
	scale = m->unit == BENCH_UNIT_PPM_PER_H ? 3600.0 : per;
	bench_quantity_init(q, lf.slope * scale, m->unit, lf.slope_se * scale, 0, p->k);
out:
	free(x);
	free(y);
	free(ph);
	return r;
}

/*
 * D5 time axis of a drift pooled over trials (pool.h): the DUT's own timestamp of the first
 * scored frame (after the settling time), in s (or ms). The device clock keeps running
 * between trials, so the spacing of the trials is what the DUT lived through; a DUT that
 * does not stamp its frames cannot give it (ERROR). Type B: one frame period / sqrt(12).
 */
static int m_trial_time(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			const struct bench_protocol_criterion *cr,
			const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
			struct bench_quantity *q, char *reterr, size_t errlen)
{
	double v;

	(void)cr;
	(void)cap;
	if (!t->ts_ns || t->settle_frames >= t->n_frames || !(t->rate_hz > 0)) {
		MEASURE_ERRF("trial_time needs device timestamps on the '%s' capture", t->role);
		return -ENODATA;
	}
	v = (double)t->ts_ns[t->settle_frames] * 1e-9;
	bench_quantity_init(q, v, m->unit, 0, 1.0 / t->rate_hz / sqrt(12.0), p->k);
	return 0;
}

const struct bench_measure_route bench_measure_routes_reliability[] = {
	{ "pass_rate", NULL, m_pass_rate },
	{ "power_cycle_recovery", NULL, m_recovery },
	{ "drift_slope", NULL, m_drift },
	{ "trial_time", NULL, m_trial_time },
	{ NULL, NULL, NULL },
};
