// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Front-end metrics (catalogue A1-A13): noise, output DC offset, sine-fit amplitude and gain,
 * time base, SINAD/ENOB/THD/SFDR, CMRR, crosstalk, channel skew, dropouts and gaps. Uncertainty per
 * trial (GUM): type B from the converter resolution (q/sqrt(12) per sample) and, for
 * fitted amplitudes, the fit residual.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"
#include "engine/measure-internal.h"
#include "score/events.h"
#include "score/filter.h"
#include "score/frontend.h"
#include "score/sine.h"
#include "score/spectrum.h"
#include "score/stats.h"
#include "siggen.h"

static int m_noise_p2v(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		       double *ret_u, char *reterr, size_t errlen)
{
	double window_s = bench_protocol_metric_param_num(m, "window", 1.0);
	double lo = bench_protocol_metric_param_num(m, "band-low", NAN),
	       hi = bench_protocol_metric_param_num(m, "band-high", NAN);
	size_t w = (size_t)llround(window_s * t->rate_hz);
	int r;

	if (!isnan(lo) && !isnan(hi)) {
		/*
		 * Band-limit (catalogue A1/A1b): 2nd-order Butterworth band-pass run forward
		 * and backward over the whole trace (settling time included, mean removed),
		 * then the backward pass's start-up transient at the end is dropped: one
		 * period of the low edge, at most a tenth of the trace.
		 */
		struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
		const double *full = x - t->settle_frames;
		size_t nf = n + t->settle_frames, ns, i, tail;
		double *y, mean = 0;

		hi = fmin(hi, 0.45 * t->rate_hz);
		r = bench_score_butter(BENCH_FILTER_BANDPASS, 2, lo, hi, t->rate_hz, sos, &ns);
		if (r < 0) {
			MEASURE_ERRF("band %g-%g Hz not possible at %g Hz", lo, hi, t->rate_hz);
			return r;
		}
		y = malloc(nf * sizeof(*y));
		if (!y)
			return -ENOMEM;
		for (i = 0; i < nf; i++)
			mean += full[i] / (double)nf;
		for (i = 0; i < nf; i++)
			y[i] = full[i] - mean;
		r = bench_score_sos_filtfilt(sos, ns, y, nf, y);
		tail = (size_t)fmin((double)n / 10, t->rate_hz / lo);
		if (r == 0 && (w < 2 || w > n - tail)) {
			MEASURE_ERRF("window %g s does not fit the band-limited capture", window_s);
			r = -ENODATA;
		}
		if (r == 0)
			r = bench_score_noise_ptp(y + t->settle_frames, n - tail, w, ret_v, NULL);
		free(y);
		*ret_u = sqrt(2.0) * bench_unc_resolution(t->lsb_uv);
		return r;
	}
	if (w < 2 || w > n) {
		MEASURE_ERRF("window %g s does not fit the %zu-sample capture", window_s, n);
		return -ENODATA;
	}
	r = bench_score_noise_ptp(x, n, w, ret_v, NULL);
	/* max - min of two quantised samples: sqrt(2) q/sqrt(12) */
	*ret_u = sqrt(2.0) * bench_unc_resolution(t->lsb_uv);
	return r;
}

static size_t pow2_floor(size_t n)
{
	size_t p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

static int m_noise_rms(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		       double *ret_u, char *reterr, size_t errlen)
{
	double lo = bench_protocol_metric_param_num(m, "band-low", NAN),
	       hi = bench_protocol_metric_param_num(m, "band-high", NAN);
	size_t nperseg;

	*ret_u = bench_unc_resolution(t->lsb_uv);
	if (isnan(lo) || isnan(hi))
		return bench_score_rms(x, n, ret_v);
	if (hi > t->rate_hz / 2)
		hi = t->rate_hz / 2;
	/* Segments of about 2 s (0.5 Hz bins), at least 8 of them overlapping by half. */
	nperseg = pow2_floor((size_t)fmin((double)n / 4, 2 * t->rate_hz));
	if (nperseg < 16) {
		MEASURE_ERRF("capture too short for a band-limited rms");
		return -ENODATA;
	}
	return bench_score_rms_in_band(x, n, t->rate_hz, nperseg, lo, hi, ret_v);
}

/*
 * Output DC offset (A1 with the inputs at zero): |mean| of the input-referred trace after the
 * settling time, worst channel. Standard uncertainty: the standard error of the mean over
 * "corr-ms" (param, default 10 ms) blocks, so the noise's correlation through the DUT filters
 * is not counted as independent samples, combined with the resolution q/sqrt(12) (no
 * dither assumed).
 */
static int m_dc_offset(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		       double *ret_u, char *reterr, size_t errlen)
{
	size_t blk = (size_t)fmax(1, llround(bench_protocol_metric_param_num(m, "corr-ms", 10) *
					     1e-3 * t->rate_hz));
	double mean = 0, rms, u[2];
	size_t i;
	int r;

	(void)p;
	if (n < 2 * blk) {
		MEASURE_ERRF("capture too short for a DC offset (%zu samples)", n);
		return -ENODATA;
	}
	for (i = 0; i < n; i++)
		mean += x[i] / (double)n;
	r = bench_score_rms(x, n, &rms);
	if (r < 0)
		return r;
	*ret_v = fabs(mean) * (m->unit == BENCH_UNIT_MV ? 1e-3 : 1.0);
	u[0] = rms / sqrt((double)(n / blk));
	u[1] = bench_unc_resolution(t->lsb_uv);
	*ret_u = bench_unc_combine(u, 2) * (m->unit == BENCH_UNIT_MV ? 1e-3 : 1.0);
	return 0;
}

static int fit_at_stimulus(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			   const struct bench_engine_trace *t, const double *x, size_t n, bool four,
			   struct bench_sine_fit *fit, double *ret_freq, char *reterr,
			   size_t errlen)
{
	double f = bench_protocol_metric_param_num(m, "frequency", NAN);
	int r;

	if (isnan(f))
		f = bench_protocol_metric_param_num(m, "reference", NAN);
	if (isnan(f) && bench_measure_stimulus_param(p, "freq_hz", &f) < 0) {
		MEASURE_ERRF("no frequency: give <param name=\"frequency\"> or a stimulus freq_hz");
		return -EINVAL;
	}
	*ret_freq = f;
	r = four ? bench_score_sine_fit4(x, n, t->rate_hz, f, fit) :
		   bench_score_sine_fit3(x, n, t->rate_hz, f, fit);
	if (r < 0)
		MEASURE_ERRF("sine fit failed (%s)", strerror(-r));
	return r;
}

static int m_sine_amplitude(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			    const struct bench_engine_trace *t, const double *x, size_t n,
			    double *ret_v, double *ret_u, char *reterr, size_t errlen)
{
	struct bench_sine_fit fit;
	double f, u[2];
	int r = fit_at_stimulus(p, m, t, x, n, false, &fit, &f, reterr, errlen);

	if (r < 0)
		return r;
	*ret_v = m->unit == BENCH_UNIT_MV ? fit.amplitude * 1e-3 : fit.amplitude;
	/* least-squares amplitude: residual rms * sqrt(2/n); resolution averages out likewise */
	u[0] = fit.residual_rms * sqrt(2.0 / (double)n);
	u[1] = bench_unc_resolution(t->lsb_uv) * sqrt(2.0 / (double)n);
	*ret_u = bench_unc_combine(u, 2) * (m->unit == BENCH_UNIT_MV ? 1e-3 : 1.0);
	return 0;
}

static int m_gain_error(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			const struct bench_engine_trace *t, const double *x, size_t n,
			double *ret_v, double *ret_u, char *reterr, size_t errlen)
{
	struct bench_sine_fit fit;
	double f, a_in;
	int r;

	if (bench_measure_stimulus_param(p, "amp_uv", &a_in) < 0 || a_in == 0) {
		MEASURE_ERRF("gain_error needs the stimulus amp_uv");
		return -EINVAL;
	}
	r = fit_at_stimulus(p, m, t, x, n, false, &fit, &f, reterr, errlen);
	if (r < 0)
		return r;
	*ret_v = (fit.amplitude / fabs(a_in) - 1.0) * 100.0;
	*ret_u = fit.residual_rms * sqrt(2.0 / (double)n) / fabs(a_in) * 100.0;
	return 0;
}

static int m_timebase(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		      double *ret_u, char *reterr, size_t errlen)
{
	struct bench_sine_fit fit;
	double f;
	int r = fit_at_stimulus(p, m, t, x, n, true, &fit, &f, reterr, errlen);

	if (r < 0)
		return r;
	/*
	 * The DUT believes it runs at its nominal rate: a fast clock shows a low frequency,
	 * which bench_score_timebase_ppm() already turns into a positive error.
	 */
	*ret_v = bench_score_timebase_ppm(f, fit.freq_hz);
	/* Cramer-Rao bound of the frequency of a sine in white noise, in ppm of f. */
	*ret_u = sqrt(12.0) * fit.residual_rms /
		 (2 * M_PI * fit.amplitude * pow((double)n, 1.5) / t->rate_hz) / f * 1e6;
	return 0;
}

static int m_sinad(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		   const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		   double *ret_u, char *reterr, size_t errlen)
{
	struct bench_sine_fit fit;
	double f;
	int r = fit_at_stimulus(p, m, t, x, n, true, &fit, &f, reterr, errlen);

	if (r < 0)
		return r;
	*ret_v = bench_score_sinad_db(&fit);
	/*
	 * The noise-and-distortion rms is estimated from n samples: relative standard
	 * uncertainty 1/sqrt(2n) (chi-square), i.e. 20 log10(e)/sqrt(2n) dB. The stimulus
	 * purity is not part of it (the fixture's calibration covers the stimulus).
	 */
	*ret_u = 20.0 / M_LN10 / sqrt(2.0 * (double)n);
	if (strcmp(m->name, "enob") == 0) {
		*ret_v = bench_score_enob_from_sinad(*ret_v);
		*ret_u /= 6.02;
	}
	return 0;
}

static int m_harmonics(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		       double *ret_u, char *reterr, size_t errlen)
{
	struct bench_harmonics h;
	double f = NAN;
	int r;

	if (bench_measure_stimulus_param(p, "freq_hz", &f) < 0)
		f = 0;
	r = bench_score_harmonics(x, n, t->rate_hz, f,
				  (unsigned)bench_protocol_metric_param_num(m, "harmonics", 10),
				  BENCH_WINDOW_BH4, 4, &h);
	if (r < 0) {
		MEASURE_ERRF("harmonic analysis failed (%s)", strerror(-r));
		return r;
	}
	*ret_v = strcmp(m->name, "thd") == 0 ? h.thd_db : h.sfdr_db;
	/*
	 * Standard uncertainty from the noise in the bins (type A in closed form; upper
	 * bounds, exact when the harmonics or the spur are at the noise floor and smaller when
	 * they stand out of it):
	 * THD: the harmonic power summed over (H-1) groups of 2m+1 Blackman-Harris bins
	 * (ENBW 2.0 bins) is a chi-square estimate with nu = 2 (H-1)(2m+1)/2.0 degrees of
	 * freedom: relative u = sqrt(2/nu), i.e. 10 log10(e) sqrt(2/nu) dB.
	 * SFDR: the largest of N = n/2 bin powers; at the noise floor that maximum is
	 * Gumbel-distributed around ln N noise units with standard deviation pi/sqrt(6), so
	 * u = 10 log10(e) (pi/sqrt(6)) / ln N dB. The fundamental's power is known to far better.
	 */
	if (strcmp(m->name, "thd") == 0) {
		unsigned hmax = (unsigned)bench_protocol_metric_param_num(m, "harmonics", 10);
		double nu = 2.0 * (hmax > 1 ? hmax - 1 : 1) * (2 * 4 + 1) / 2.0;

		*ret_u = 10.0 / M_LN10 * sqrt(2.0 / nu);
	} else {
		*ret_u = 10.0 / M_LN10 * (M_PI / sqrt(6.0)) / log(fmax((double)n / 2, 3));
	}
	if (m->unit == BENCH_UNIT_PERCENT && strcmp(m->name, "thd") == 0) {
		*ret_v = pow(10.0, h.thd_db / 20.0) * 100.0;
		*ret_u = *ret_v * M_LN10 / 20.0 * *ret_u; /* d(10^(x/20))/dx */
	}
	return 0;
}

static int m_cmrr(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		  const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		  double *ret_u, char *reterr, size_t errlen)
{
	struct bench_sine_fit fit;
	double f, vcm;
	int r;

	if (bench_measure_stimulus_param(p, "amp_uv", &vcm) < 0 || vcm == 0) {
		MEASURE_ERRF("cmrr needs the common-mode stimulus amp_uv");
		return -EINVAL;
	}
	r = fit_at_stimulus(p, m, t, x, n, false, &fit, &f, reterr, errlen);
	if (r < 0)
		return r;
	/* Differential gain 1: the capture is input-referred (A2 checks the gain). */
	*ret_v = bench_score_cmrr_db(1.0, fit.amplitude, fabs(vcm));
	if (!isfinite(*ret_v)) /* no common-mode leak at all: better than we can resolve */
		*ret_v = bench_score_cmrr_db(1.0, fmax(fit.residual_rms, 1e-9), fabs(vcm));
	{
		/* The leak amplitude's standard uncertainty (fit residual and resolution,
		 * as for sine_fit_amplitude), in dB of the leak amplitude. */
		double u[2] = { fit.residual_rms * sqrt(2.0 / (double)n),
				bench_unc_resolution(t->lsb_uv) * sqrt(2.0 / (double)n) };
		double a = fmax(fit.amplitude, bench_unc_combine(u, 2));

		*ret_u = a > 0 ? 20.0 / M_LN10 * bench_unc_combine(u, 2) / a : 0;
	}
	return 0;
}

/* Crosstalk (A7): the aggressor is channel "aggressor" (default 0), the worst victim counts. */
static int m_crosstalk(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_protocol_criterion *cr,
		       const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		       struct bench_quantity *q, char *reterr, size_t errlen)
{
	size_t agg = (size_t)bench_protocol_metric_param_num(m, "aggressor", 0), n, c;
	double f, worst = -INFINITY, db, u_db;
	int r;

	if (bench_measure_stimulus_param(p, "freq_hz", &f) < 0 || t->n_channels < 2 ||
	    agg >= t->n_channels) {
		MEASURE_ERRF("crosstalk needs a stimulus freq_hz and at least two channels");
		return -ENODATA;
	}
	if (bench_measure_stim_end(t) <= t->settle_frames + 8) {
		MEASURE_ERRF("capture too short (%zu frames)", bench_measure_stim_end(t));
		return -ENODATA;
	}
	n = bench_measure_stim_end(t) - t->settle_frames;
	for (c = 0; c < t->n_channels; c++) {
		if (c == agg)
			continue;
		r = bench_score_crosstalk_db(t->uv + agg * t->n_frames + t->settle_frames,
					     t->uv + c * t->n_frames + t->settle_frames, n,
					     t->rate_hz, f, &db);
		if (r < 0) {
			MEASURE_ERRF("crosstalk fit failed (%s)", strerror(-r));
			return r;
		}
		worst = fmax(worst, db);
	}
	{
		/*
		 * Type B: the victim amplitude (aggressor amplitude x 10^(dB/20)) resolved to
		 * q/sqrt(12) x sqrt(2/n) by the least-squares fit, in dB of that amplitude; the
		 * aggressor amplitude from its rms (a sine: sqrt(2) x rms).
		 */
		double rms_agg = 0, a_v,
		       u_a = bench_unc_resolution(t->lsb_uv) * sqrt(2.0 / (double)n);

		if (bench_score_rms(t->uv + agg * t->n_frames + t->settle_frames, n, &rms_agg) < 0)
			rms_agg = 0;
		a_v = sqrt(2.0) * rms_agg * pow(10.0, worst / 20.0);
		u_db = a_v > 0 ? 20.0 / M_LN10 * u_a / fmax(a_v, u_a) : 0;
	}
	bench_quantity_init(q, worst, m->unit, 0, u_db, p->k);
	return 0;
}

/* Skew (A10): the largest |delay| of a channel against channel 0, by cross-correlation. */
static int m_skew(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		  const struct bench_protocol_criterion *cr, const struct bench_engine_capture *cap,
		  const struct bench_engine_trace *t, struct bench_quantity *q, char *reterr,
		  size_t errlen)
{
	double f = 10, worst = 0, d, scale;
	size_t n = bench_measure_stim_end(t) > t->settle_frames ?
			   bench_measure_stim_end(t) - t->settle_frames :
			   0,
	       lag, c;
	int r;

	if (n < 8) {
		MEASURE_ERRF("capture too short (%zu frames)", bench_measure_stim_end(t));
		return -ENODATA;
	}
	if (t->n_channels < 2) {
		MEASURE_ERRF("skew needs at least two channels");
		return -ENODATA;
	}
	bench_measure_stimulus_param(p, "freq_hz", &f);
	/* search within a quarter period so the sine's periodicity cannot alias the lag */
	lag = (size_t)fmax(1, fmin((double)n / 4, t->rate_hz / f / 4));
	for (c = 1; c < t->n_channels; c++) {
		r = bench_score_delay(t->uv + t->settle_frames,
				      t->uv + c * t->n_frames + t->settle_frames, n, t->rate_hz,
				      lag, &d, NULL);
		if (r < 0) {
			MEASURE_ERRF("cross-correlation failed (%s)", strerror(-r));
			return r;
		}
		worst = fmax(worst, fabs(d));
	}
	scale = m->unit == BENCH_UNIT_SAMPLES ? t->rate_hz :
		m->unit == BENCH_UNIT_US      ? 1e6 :
		m->unit == BENCH_UNIT_MS      ? 1e3 :
						1.0;
	/* sub-sample interpolation: about 1/sqrt(12) of a sample */
	bench_quantity_init(q, worst * scale, m->unit, 0, bench_unc_resolution(scale / t->rate_hz),
			    p->k);
	return 0;
}

/*
 * Detected events against the stimulus truth (C6 spikes, B12/B13 bursts): reference times
 * from the truth events of the model the protocol injects, detections from the DUT event
 * channel (docs/sim.md event codes: 1 spike, 5 burst detected, 3 stimulation on). The
 * capture's frame 0 is taken as the stimulus start (same clock on the emulated rig).
 */
/*
 * Whole-trace metrics from the DUT's sample timestamps: lost samples (A13, D3). The
 * capture keeps the frames around a gap when the protocol measures gaps (<capture
 * gaps="measure">, src/hw/stream.h); otherwise a gap has already made the trial ERROR.
 * dropout_rate = lost / (lost + received) in %, with the binomial (Clopper-Pearson)
 * standard uncertainty of that proportion (type A): 0 lost of 20 000 is not a rate of
 * exactly 0. longest_gap: the most consecutive lost samples, in samples or time; a gap is
 * known to the frame, u = one sample period / sqrt(12).
 */
static int m_dropouts(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_protocol_criterion *cr,
		      const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		      struct bench_quantity *q, char *reterr, size_t errlen)
{
	double period_ns = 1e9 / t->rate_hz, lost = 0, longest = 0, u, scale;
	size_t i;

	if (!t->ts_ns || t->n_frames < 2) {
		MEASURE_ERRF("the capture has no device timestamps");
		return -ENODATA;
	}
	for (i = 1; i < t->n_frames; i++) {
		double gap = (double)(t->ts_ns[i] - t->ts_ns[i - 1]) / period_ns - 1.0;

		if (gap > 0.5) {
			lost += round(gap);
			longest = fmax(longest, round(gap));
		}
	}
	if (strcmp(m->name, "dropout_rate") == 0) {
		uint64_t nl = (uint64_t)lost, total = nl + t->n_frames;

		if (bench_score_proportion_u(nl, total, &u) < 0)
			u = NAN;
		bench_quantity_init(q, (double)nl / (double)total * 100.0, m->unit, 0, u * 100.0,
				    p->k);
		return 0;
	}
	scale = m->unit == BENCH_UNIT_SAMPLES ? 1.0 :
		m->unit == BENCH_UNIT_S	      ? period_ns * 1e-9 :
		m->unit == BENCH_UNIT_US      ? period_ns * 1e-3 :
						period_ns * 1e-6;
	bench_quantity_init(q, longest * scale, m->unit, 0, bench_unc_resolution(scale), p->k);
	return 0;
}
/*
 * End-to-end latency of the data path (A14 on an amplifier without a detector): for every
 * short metrology waveform of the stimulus truth (an impulse: shorter than 0.1 s), the time
 * from its start to the first sample of the DUT trace at half of the impulse's largest
 * departure from the preceding baseline (median of the "baseline-ms" before it), linearly
 * interpolated, searched within "window" s; the worst channel counts per event. The
 * "percentile" of the latencies is the value (ms unless the unit says otherwise). Frame 0 of
 * the capture is the stimulus start (same clock on the rig); a lab subtracts its measured
 * loopback latency through the fixture calibration.
 */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int m_impulse_latency(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			     const struct bench_protocol_criterion *cr,
			     const struct bench_engine_capture *cap,
			     const struct bench_engine_trace *t, struct bench_quantity *q,
			     char *reterr, size_t errlen)
{
	size_t win = (size_t)llround(bench_protocol_metric_param_num(m, "window", 0.1) *
				     t->rate_hz);
	size_t nb = (size_t)fmax(3, llround(bench_protocol_metric_param_num(m, "baseline-ms", 20) *
					    1e-3 * t->rate_hz));
	size_t end = bench_measure_stim_end(t), i, k, c, n_lat = 0;
	double *lat = calloc(cap->n_truth + 1, sizeof(double)), *tmp = malloc(nb * sizeof(double));
	double v, scale = m->unit == BENCH_UNIT_US ? 1e3 : m->unit == BENCH_UNIT_S ? 1e-3 : 1.0;
	int r = 0;

	if (!lat || !tmp) {
		free(lat);
		free(tmp);
		return -ENOMEM;
	}
	for (i = 0; i < cap->n_truth; i++) {
		const struct bench_engine_truth_event *e = &cap->truth[i];
		size_t s0 = (size_t)ceil(e->start_s * t->rate_hz);
		double worst = -1;

		if (e->type != SIGGEN_EVENT_WAVEFORM || e->end_s - e->start_s >= 0.1 ||
		    s0 < t->settle_frames + nb || s0 + win > end)
			continue;
		for (c = 0; c < t->n_channels; c++) {
			const double *x = t->uv + c * t->n_frames;
			double base, peak = 0, half;

			memcpy(tmp, x + s0 - nb, nb * sizeof(double));
			qsort(tmp, nb, sizeof(double), cmp_double);
			base = tmp[nb / 2];
			for (k = s0; k < s0 + win; k++)
				peak = fmax(peak, fabs(x[k] - base));
			half = peak / 2;
			/* a dead channel has no impulse: it cannot give a latency */
			if (!(peak > 10 * bench_unc_resolution(t->lsb_uv) * sqrt(12.0)))
				continue;
			for (k = s0; k < s0 + win && fabs(x[k] - base) < half; k++)
				;
			if (k > s0 && k < s0 + win) {
				double a = fabs(x[k - 1] - base), b = fabs(x[k] - base);
				double at = (double)(k - 1) + (half - a) / (b - a);

				worst = fmax(worst, at / t->rate_hz - e->start_s);
			} else if (k == s0) {
				worst = fmax(worst, (double)s0 / t->rate_hz - e->start_s);
			}
		}
		if (worst >= 0)
			lat[n_lat++] = worst * 1e3; /* ms */
	}
	free(tmp);
	if (n_lat == 0) {
		MEASURE_ERRF("no stimulus impulse seen in the DUT data");
		free(lat);
		return -ENODATA;
	}
	r = bench_score_percentile(lat, n_lat, bench_protocol_metric_param_num(m, "percentile", 50),
				   &v);
	free(lat);
	if (r < 0)
		return r;
	/* the crossing's interpolation within one DUT sample: 1/sqrt(12) of a sample */
	bench_quantity_init(q, v * scale, m->unit, 0,
			    bench_unc_resolution(1e3 / t->rate_hz) * scale, p->k);
	return 0;
}

const struct bench_measure_route bench_measure_routes_frontend[] = {
	{ "impulse_latency", NULL, m_impulse_latency },
	{ "noise_p2v", m_noise_p2v, NULL },
	{ "noise_rms", m_noise_rms, NULL },
	{ "dc_offset", m_dc_offset, NULL },
	{ "sine_fit_amplitude", m_sine_amplitude, NULL },
	{ "gain_error", m_gain_error, NULL },
	{ "timebase_ppm", m_timebase, NULL },
	{ "sinad", m_sinad, NULL },
	{ "enob", m_sinad, NULL },
	{ "thd", m_harmonics, NULL },
	{ "sfdr", m_harmonics, NULL },
	{ "cmrr", m_cmrr, NULL },
	{ "crosstalk", NULL, m_crosstalk },
	{ "skew", NULL, m_skew },
	{ "dropout_rate", NULL, m_dropouts },
	{ "longest_gap", NULL, m_dropouts },
	{ NULL, NULL, NULL },
};
