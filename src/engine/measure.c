// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From a protocol metric (name, unit, parameters) and a trial's capture to a measured
 * quantity with its uncertainty, by calling the metric functions of src/score. This file
 * only routes data: which trace, which samples (after the settling time), which parameters
 * and which reduction over channels. A metric not wired here gives -ENOSYS, which the
 * engine records as ERROR (never a pass).
 *
 * Uncertainty per trial (GUM): type B from the converter resolution (q/sqrt(12) per
 * sample, combined as the metric needs) and, for fitted amplitudes, the fit residual;
 * type A across trials is not pooled: every trial is judged on its own.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "common/log.h"
#include "common/units.h"
#include "engine/engine.h"
#include "score/events.h"
#include "score/filter.h"
#include "score/frontend.h"
#include "score/stats.h"
#include "siggen.h"
#include "score/sine.h"
#include "score/spectrum.h"

#define ERRF(...) (reterr ? snprintf(reterr, errlen, __VA_ARGS__) : 0)

static const struct bench_protocol_param *param(const struct bench_protocol_metric *m,
						const char *name)
{
	size_t i;

	for (i = 0; i < m->n_params; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return &m->params[i];
	return NULL;
}

static double param_num(const struct bench_protocol_metric *m, const char *name, double def)
{
	const struct bench_protocol_param *p = param(m, name);

	return p && p->is_number ? p->number : def;
}

/* A numeric <param name="NAME" value="V"/> of the first stimulus source that has it. */
static int stimulus_param(const struct bench_protocol *p, const char *name, double *ret)
{
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	xmlXPathObjectPtr res;
	char expr[128];
	int r = -ENOENT;

	doc = xmlReadMemory(p->stimulus_xml, (int)strlen(p->stimulus_xml), "stimulus.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return -EINVAL;
	xp = xmlXPathNewContext(doc);
	snprintf(expr, sizeof(expr), "string((//param[@name='%s'])[1]/@value)", name);
	res = xp ? xmlXPathEvalExpression((const xmlChar *)expr, xp) : NULL;
	if (res && res->type == XPATH_STRING && res->stringval && res->stringval[0]) {
		char *end;
		double v = strtod((const char *)res->stringval, &end);

		if (*end == '\0' && isfinite(v)) {
			*ret = v;
			r = 0;
		}
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	return r;
}

/* The trace a metric reads: the protocol's first input role unless param "input" says. */
static const struct bench_engine_trace *trace_for(const struct bench_protocol *p,
						  const struct bench_protocol_metric *m,
						  const struct bench_engine_capture *cap)
{
	const struct bench_protocol_param *in = param(m, "input");
	const char *role = in ? in->value : (p->n_inputs ? p->inputs[0].role : "dut-data");
	size_t i;

	for (i = 0; i < cap->n_traces; i++)
		if (strcmp(cap->traces[i].role, role) == 0)
			return &cap->traces[i];
	return NULL;
}

/* One past the last frame of @t that responds to the stimulus (the capture tail excluded). */
static size_t stim_end(const struct bench_engine_trace *t)
{
	return t->stim_frames && t->stim_frames < t->n_frames ? t->stim_frames : t->n_frames;
}

/* Direction of "worse" for a criterion: +1 larger is worse, -1 smaller, 0 farther from centre. */
static int worse_direction(const struct bench_protocol_criterion *cr)
{
	if (!cr || !cr->resolved)
		return 1;
	if (isinf(cr->low) && !isinf(cr->high))
		return 1;
	if (!isinf(cr->low) && isinf(cr->high))
		return -1;
	return 0;
}

/* Reduces per-channel values (and their standard uncertainties) to one. */
static void reduce(const struct bench_protocol_metric *m, const struct bench_protocol_criterion *cr,
		   const double *v, const double *u, size_t n, double *ret_v, double *ret_u)
{
	size_t i, pick = 0;
	int dir = worse_direction(cr);
	double centre = cr && cr->resolved ? (cr->low + cr->high) / 2 : 0;

	if (m->reduce == BENCH_PROTOCOL_REDUCE_MEAN) {
		double s = 0, su = 0;

		for (i = 0; i < n; i++) {
			s += v[i];
			su += u[i] * u[i];
		}
		*ret_v = s / (double)n;
		*ret_u = sqrt(su) / (double)n;
		return;
	}
	for (i = 1; i < n; i++) {
		bool worse = dir > 0 ? v[i] > v[pick] :
			     dir < 0 ? v[i] < v[pick] :
				       fabs(v[i] - centre) > fabs(v[pick] - centre);

		if (worse)
			pick = i;
	}
	*ret_v = v[pick];
	*ret_u = u[pick];
}

void bench_engine_limit_from_criterion(const struct bench_protocol *p,
				       const struct bench_protocol_criterion *cr,
				       struct bench_limit *ret)
{
	struct bench_limit l;
	bool lo = !isinf(cr->low), hi = !isinf(cr->high);

	memset(&l, 0, sizeof(l));
	l.unit = cr->limit.unit;
	l.low = lo ? cr->low : NAN;
	l.high = hi ? cr->high : NAN;
	l.marginal = cr->has_marginal ? cr->marginal_width : 0;
	l.rule = p->rule == BENCH_PROTOCOL_RULE_GUARDED ? BENCH_RULE_GUARDED : BENCH_RULE_SIMPLE;
	if (lo && hi)
		l.cmp = cr->low_inclusive ? (cr->high_inclusive ? BENCH_CMP_GELE : BENCH_CMP_GELT) :
					    (cr->high_inclusive ? BENCH_CMP_GTLE : BENCH_CMP_GTLT);
	else if (hi)
		l.cmp = cr->high_inclusive ? BENCH_CMP_LE : BENCH_CMP_LT;
	else if (lo)
		l.cmp = cr->low_inclusive ? BENCH_CMP_GE : BENCH_CMP_GT;
	else
		l.cmp = BENCH_CMP_LOG;
	*ret = l;
}

/* Per-channel computation. Return: 0 or -errno with reterr set. */
typedef int (*channel_fn)(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			  const struct bench_engine_trace *t, const double *x, size_t n,
			  double *ret_v, double *ret_u, char *reterr, size_t errlen);

static int m_noise_p2v(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		       double *ret_u, char *reterr, size_t errlen)
{
	double window_s = param_num(m, "window", 1.0);
	double lo = param_num(m, "band-low", NAN), hi = param_num(m, "band-high", NAN);
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
			ERRF("band %g-%g Hz not possible at %g Hz", lo, hi, t->rate_hz);
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
			ERRF("window %g s does not fit the band-limited capture", window_s);
			r = -ENODATA;
		}
		if (r == 0)
			r = bench_score_noise_ptp(y + t->settle_frames, n - tail, w, ret_v, NULL);
		free(y);
		*ret_u = sqrt(2.0) * bench_unc_resolution(t->lsb_uv);
		return r;
	}
	if (w < 2 || w > n) {
		ERRF("window %g s does not fit the %zu-sample capture", window_s, n);
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
	double lo = param_num(m, "band-low", NAN), hi = param_num(m, "band-high", NAN);
	size_t nperseg;

	*ret_u = bench_unc_resolution(t->lsb_uv);
	if (isnan(lo) || isnan(hi))
		return bench_score_rms(x, n, ret_v);
	if (hi > t->rate_hz / 2)
		hi = t->rate_hz / 2;
	/* Segments of about 2 s (0.5 Hz bins), at least 8 of them overlapping by half. */
	nperseg = pow2_floor((size_t)fmin((double)n / 4, 2 * t->rate_hz));
	if (nperseg < 16) {
		ERRF("capture too short for a band-limited rms");
		return -ENODATA;
	}
	return bench_score_rms_in_band(x, n, t->rate_hz, nperseg, lo, hi, ret_v);
}

static int fit_at_stimulus(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			   const struct bench_engine_trace *t, const double *x, size_t n, bool four,
			   struct bench_sine_fit *fit, double *ret_freq, char *reterr,
			   size_t errlen)
{
	double f = param_num(m, "frequency", NAN);
	int r;

	if (isnan(f))
		f = param_num(m, "reference", NAN);
	if (isnan(f) && stimulus_param(p, "freq_hz", &f) < 0) {
		ERRF("no frequency: give <param name=\"frequency\"> or a stimulus freq_hz");
		return -EINVAL;
	}
	*ret_freq = f;
	r = four ? bench_score_sine_fit4(x, n, t->rate_hz, f, fit) :
		   bench_score_sine_fit3(x, n, t->rate_hz, f, fit);
	if (r < 0)
		ERRF("sine fit failed (%s)", strerror(-r));
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

	if (stimulus_param(p, "amp_uv", &a_in) < 0 || a_in == 0) {
		ERRF("gain_error needs the stimulus amp_uv");
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

	if (stimulus_param(p, "freq_hz", &f) < 0)
		f = 0;
	r = bench_score_harmonics(x, n, t->rate_hz, f, (unsigned)param_num(m, "harmonics", 10),
				  BENCH_WINDOW_BH4, 4, &h);
	if (r < 0) {
		ERRF("harmonic analysis failed (%s)", strerror(-r));
		return r;
	}
	*ret_v = strcmp(m->name, "thd") == 0 ? h.thd_db : h.sfdr_db;
	if (m->unit == BENCH_UNIT_PERCENT && strcmp(m->name, "thd") == 0)
		*ret_v = pow(10.0, h.thd_db / 20.0) * 100.0;
	*ret_u = 0;
	return 0;
}

static int m_cmrr(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		  const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		  double *ret_u, char *reterr, size_t errlen)
{
	struct bench_sine_fit fit;
	double f, vcm;
	int r;

	if (stimulus_param(p, "amp_uv", &vcm) < 0 || vcm == 0) {
		ERRF("cmrr needs the common-mode stimulus amp_uv");
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

struct route {
	const char *name;
	channel_fn fn;
};

static const struct route routes[] = {
	{ "noise_p2v", m_noise_p2v },
	{ "noise_rms", m_noise_rms },
	{ "sine_fit_amplitude", m_sine_amplitude },
	{ "gain_error", m_gain_error },
	{ "timebase_ppm", m_timebase },
	{ "sinad", m_sinad },
	{ "enob", m_sinad },
	{ "thd", m_harmonics },
	{ "sfdr", m_harmonics },
	{ "cmrr", m_cmrr },
};

/* Crosstalk (A7): the aggressor is channel "aggressor" (default 0), the worst victim counts. */
static int m_crosstalk(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_engine_trace *t, struct bench_quantity *q, char *reterr,
		       size_t errlen)
{
	size_t agg = (size_t)param_num(m, "aggressor", 0), n, c;
	double f, worst = -INFINITY, db, u_db;
	int r;

	if (stimulus_param(p, "freq_hz", &f) < 0 || t->n_channels < 2 || agg >= t->n_channels) {
		ERRF("crosstalk needs a stimulus freq_hz and at least two channels");
		return -ENODATA;
	}
	if (stim_end(t) <= t->settle_frames + 8) {
		ERRF("capture too short (%zu frames)", stim_end(t));
		return -ENODATA;
	}
	n = stim_end(t) - t->settle_frames;
	for (c = 0; c < t->n_channels; c++) {
		if (c == agg)
			continue;
		r = bench_score_crosstalk_db(t->uv + agg * t->n_frames + t->settle_frames,
					     t->uv + c * t->n_frames + t->settle_frames, n,
					     t->rate_hz, f, &db);
		if (r < 0) {
			ERRF("crosstalk fit failed (%s)", strerror(-r));
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
		  const struct bench_engine_trace *t, struct bench_quantity *q, char *reterr,
		  size_t errlen)
{
	double f = 10, worst = 0, d, scale;
	size_t n = stim_end(t) > t->settle_frames ? stim_end(t) - t->settle_frames : 0, lag, c;
	int r;

	if (n < 8) {
		ERRF("capture too short (%zu frames)", stim_end(t));
		return -ENODATA;
	}
	if (t->n_channels < 2) {
		ERRF("skew needs at least two channels");
		return -ENODATA;
	}
	stimulus_param(p, "freq_hz", &f);
	/* search within a quarter period so the sine's periodicity cannot alias the lag */
	lag = (size_t)fmax(1, fmin((double)n / 4, t->rate_hz / f / 4));
	for (c = 1; c < t->n_channels; c++) {
		r = bench_score_delay(t->uv + t->settle_frames,
				      t->uv + c * t->n_frames + t->settle_frames, n, t->rate_hz,
				      lag, &d, NULL);
		if (r < 0) {
			ERRF("cross-correlation failed (%s)", strerror(-r));
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
static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int m_events(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		    const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		    struct bench_quantity *q, char *reterr, size_t errlen)
{
	double tol_s = param_num(m, "tolerance", 0.4) * 1e-3;
	double pct = param_num(m, "percentile", 50);
	unsigned kind = 0;
	int truth_type = -1;
	int64_t *ref = NULL, *det = NULL, *delay = NULL;
	size_t n_ref = 0, i, c;
	struct bench_match mt;
	double v = NAN;
	int r;

	if (!t->events) {
		ERRF("the capture has no DUT event channel");
		return -ENODATA;
	}
	for (i = 0; i < cap->n_truth && truth_type < 0; i++)
		if (cap->truth[i].type == SIGGEN_EVENT_SPIKE ||
		    cap->truth[i].type == SIGGEN_EVENT_BETA_BURST) /* spike, beta burst */
			truth_type = cap->truth[i].type;
	if (truth_type < 0) {
		ERRF("the stimulus has no spike or burst ground truth");
		return -ENODATA;
	}
	kind = truth_type == SIGGEN_EVENT_SPIKE ? 1u : (strcmp(m->name, "latency") == 0 ? 3u : 5u);
	if (truth_type == SIGGEN_EVENT_BETA_BURST && param(m, "tolerance") &&
	    param(m, "tolerance")->has_unit && param(m, "tolerance")->unit == BENCH_UNIT_MS)
		tol_s = param(m, "tolerance")->number * 1e-3;
	ref = calloc(cap->n_truth + 1, sizeof(*ref));
	det = calloc(t->n_frames + 1, sizeof(*det));
	delay = calloc(cap->n_truth + 1, sizeof(*delay));
	if (!ref || !det || !delay) {
		r = -ENOMEM;
		goto out;
	}
	memset(&mt, 0, sizeof(mt));
	/*
	 * Spikes are matched per channel (the DUT's event value is the channel); burst
	 * detections and stimulation onsets are device-wide. Channels beyond the trace's
	 * are not part of the test.
	 */
	for (c = 0; c < (truth_type == SIGGEN_EVENT_SPIKE ? t->n_channels : 1); c++) {
		struct bench_match one;
		int64_t settle_ns = (int64_t)llround((double)t->settle_frames / t->rate_hz * 1e9);
		size_t nr = 0, nd = 0;

		for (i = 0; i < cap->n_truth; i++) {
			const struct bench_engine_truth_event *e = &cap->truth[i];
			int64_t at = (int64_t)llround(
				(truth_type == SIGGEN_EVENT_SPIKE ? e->peak_s : e->start_s) * 1e9);

			if (e->type != truth_type || at < settle_ns)
				continue;
			if (truth_type == SIGGEN_EVENT_SPIKE && e->channel != (int32_t)c)
				continue;
			ref[nr++] = at;
		}
		for (i = t->settle_frames; i < t->n_frames; i++) {
			uint32_t ev = t->events[i];

			if (!ev || (ev >> 24) != kind)
				continue;
			if (truth_type == SIGGEN_EVENT_SPIKE && (ev & 0xffffffu) != c)
				continue;
			det[nd++] = (int64_t)llround((double)i / t->rate_hz * 1e9);
		}
		qsort(ref, nr, sizeof(*ref), cmp_i64);
		bench_log(BENCH_LOG_DEBUG, "engine",
			  "%s channel %zu: %zu reference events (first %.6f s), %zu detections "
			  "(first %.6f s)",
			  m->id, c, nr, nr ? (double)ref[0] * 1e-9 : NAN, nd,
			  nd ? (double)det[0] * 1e-9 : NAN);
		if (strcmp(m->name, "latency") == 0)
			r = bench_score_match_events(ref, nr, det, nd, 0,
						     (int64_t)llround(param_num(m, "window", 1.0) *
								      1e9),
						     &one, delay);
		else
			r = bench_score_match_events(ref, nr, det, nd,
						     (int64_t)llround(tol_s * 1e9),
						     (int64_t)llround(tol_s * 1e9), &one, NULL);
		if (r < 0) {
			ERRF("event matching failed (%s)", strerror(-r));
			goto out;
		}
		mt.tp += one.tp;
		mt.fp += one.fp;
		mt.fn += one.fn;
		n_ref = nr;
	}
	mt.sensitivity = mt.tp + mt.fn ? (double)mt.tp / (double)(mt.tp + mt.fn) : NAN;
	mt.precision = mt.tp + mt.fp ? (double)mt.tp / (double)(mt.tp + mt.fp) : NAN;
	mt.accuracy = mt.tp + mt.fp + mt.fn ? (double)mt.tp / (double)(mt.tp + mt.fp + mt.fn) : NAN;
	if (strcmp(m->name, "event_sensitivity") == 0)
		v = mt.sensitivity;
	else if (strcmp(m->name, "event_precision") == 0)
		v = mt.precision;
	else if (strcmp(m->name, "event_accuracy") == 0)
		v = mt.accuracy;
	else {
		double *lat = calloc(n_ref + 1, sizeof(double));
		size_t n_lat = 0;

		if (!lat) {
			r = -ENOMEM;
			goto out;
		}
		for (i = 0; i < n_ref; i++)
			if (delay[i] != INT64_MIN)
				lat[n_lat++] = (double)delay[i] * 1e-6; /* ms */
		r = n_lat ? bench_score_percentile(lat, n_lat, pct, &v) : -ENODATA;
		free(lat);
		if (r < 0) {
			ERRF("no matched events for the latency");
			goto out;
		}
		v = m->unit == BENCH_UNIT_US ? v * 1e3 : m->unit == BENCH_UNIT_S ? v * 1e-3 : v;
	}
	if (m->unit == BENCH_UNIT_PERCENT && strcmp(m->name, "latency") != 0)
		v *= 100.0;
	bench_quantity_init(q, v, m->unit, 0, 0, p->k);
	r = isfinite(v) ? 0 : -ENODATA;
	if (r < 0)
		ERRF("no reference events in the capture");
out:
	free(ref);
	free(det);
	free(delay);
	return r;
}

/* Whole-trace metrics from timestamps: lost samples (A13, D3). */
static int m_dropouts(const struct bench_protocol_metric *m, const struct bench_engine_trace *t,
		      struct bench_quantity *q, char *reterr, size_t errlen)
{
	double period_ns = 1e9 / t->rate_hz, lost = 0, longest = 0;
	size_t i;

	if (!t->ts_ns || t->n_frames < 2) {
		ERRF("the capture has no device timestamps");
		return -ENODATA;
	}
	for (i = 1; i < t->n_frames; i++) {
		double gap = (double)(t->ts_ns[i] - t->ts_ns[i - 1]) / period_ns - 1.0;

		if (gap > 0.5) {
			lost += round(gap);
			longest = fmax(longest, round(gap));
		}
	}
	if (strcmp(m->name, "dropout_rate") == 0)
		bench_quantity_init(q, lost / (lost + (double)t->n_frames) * 100.0, m->unit, 0, 0,
				    2);
	else if (m->unit == BENCH_UNIT_SAMPLES)
		bench_quantity_init(q, longest, m->unit, 0, 0, 2);
	else
		bench_quantity_init(q,
				    longest * period_ns * (m->unit == BENCH_UNIT_S ? 1e-9 : 1e-6),
				    m->unit, 0, 0, 2);
	return 0;
}

/*
 * Classification (C1-C4): each labelled trial of the stimulus truth (SSVEP class, MI
 * class, ERP target) against the first DUT class decision (event code 2) between its
 * start and the next trial's start; a trial without a decision counts as wrong.
 */
static int m_classify(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		      struct bench_quantity *q, char *reterr, size_t errlen)
{
	unsigned n_classes = (unsigned)param_num(m, "classes", 0);
	struct bench_classification cl;
	uint64_t *matrix = NULL;
	int *truth = NULL, *pred = NULL;
	double *start = NULL, v, span = 0;
	size_t n = 0, i, f;
	int r;

	if (!t->events) {
		ERRF("the capture has no DUT event channel");
		return -ENODATA;
	}
	truth = calloc(cap->n_truth + 1, sizeof(*truth));
	pred = calloc(cap->n_truth + 1, sizeof(*pred));
	start = calloc(cap->n_truth + 1, sizeof(*start));
	if (!truth || !pred || !start) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cap->n_truth; i++) {
		const struct bench_engine_truth_event *e = &cap->truth[i];

		if (e->type != SIGGEN_EVENT_SSVEP && e->type != SIGGEN_EVENT_MI &&
		    e->type != SIGGEN_EVENT_ERP)
			continue;
		if (e->start_s * t->rate_hz < (double)t->settle_frames || e->label < 0)
			continue;
		truth[n] = e->label;
		start[n] = e->start_s;
		if (n_classes <= (unsigned)e->label)
			n_classes = (unsigned)e->label + 1;
		n++;
	}
	if (n == 0 || n_classes < 2 || n_classes > 64) {
		ERRF("no labelled trials in the stimulus truth");
		r = -ENODATA;
		goto out;
	}
	for (i = 0; i < n; i++) {
		double end = i + 1 < n ? start[i + 1] : (double)t->n_frames / t->rate_hz;

		pred[i] = (truth[i] + 1) % (int)n_classes; /* no decision: wrong */
		for (f = (size_t)(start[i] * t->rate_hz); f < t->n_frames && f < end * t->rate_hz;
		     f++)
			if (t->events[f] && (t->events[f] >> 24) == 2u) {
				pred[i] = (int)(t->events[f] & 0xffffffu) % (int)n_classes;
				break;
			}
		if (i + 1 < n)
			span += start[i + 1] - start[i];
	}
	matrix = calloc((size_t)n_classes * n_classes, sizeof(*matrix));
	if (!matrix) {
		r = -ENOMEM;
		goto out;
	}
	r = bench_score_confusion(truth, pred, n, n_classes, matrix);
	if (r == 0)
		r = bench_score_classification(matrix, n_classes, &cl);
	if (r < 0) {
		ERRF("classification scoring failed (%s)", strerror(-r));
		goto out;
	}
	if (strcmp(m->name, "kappa") == 0) {
		v = cl.kappa;
	} else if (strcmp(m->name, "itr") == 0) {
		double sel = n > 1 ? span / (double)(n - 1) : p->capture_s;

		v = m->unit == BENCH_UNIT_BITS ?
			    bench_score_itr_bits(n_classes, cl.accuracy) :
			    bench_score_itr_bits_per_min(n_classes, cl.accuracy, sel);
	} else {
		v = m->unit == BENCH_UNIT_PERCENT ? cl.accuracy * 100.0 : cl.accuracy;
	}
	bench_quantity_init(q, v, m->unit, 0, 0, p->k);
	r = isfinite(v) ? 0 : -EDOM;
	if (r < 0)
		ERRF("'%s' is not defined for this confusion matrix", m->name);
out:
	free(matrix);
	free(truth);
	free(pred);
	free(start);
	return r;
}

int bench_engine_measure(const struct bench_protocol *p, size_t metric,
			 const struct bench_protocol_criterion *cr,
			 const struct bench_engine_capture *cap, struct bench_quantity *ret_q,
			 char *reterr, size_t errlen)
{
	const struct bench_protocol_metric *m = &p->metrics[metric];
	const struct bench_engine_trace *t = trace_for(p, m, cap);
	channel_fn fn = NULL;
	double *v = NULL, *u = NULL, val, unc;
	size_t i, c, n;
	int r = 0;

	if (reterr && errlen)
		reterr[0] = '\0';
	if (!t) {
		ERRF("no captured input for metric '%s'", m->id);
		return -ENODATA;
	}
	if (strcmp(m->name, "dropout_rate") == 0 || strcmp(m->name, "longest_gap") == 0)
		return m_dropouts(m, t, ret_q, reterr, errlen);
	if (strcmp(m->name, "crosstalk") == 0)
		return m_crosstalk(p, m, t, ret_q, reterr, errlen);
	if (strcmp(m->name, "skew") == 0)
		return m_skew(p, m, t, ret_q, reterr, errlen);
	if (!strcmp(m->name, "accuracy") || !strcmp(m->name, "kappa") || !strcmp(m->name, "itr"))
		return m_classify(p, m, cap, t, ret_q, reterr, errlen);
	if (!strncmp(m->name, "event_", 6) || strcmp(m->name, "latency") == 0)
		return m_events(p, m, cap, t, ret_q, reterr, errlen);
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].name, m->name) == 0)
			fn = routes[i].fn;
	if (!fn) {
		ERRF("metric '%s' is not wired into the engine in this build", m->name);
		return -ENOSYS;
	}
	if (t->n_channels == 0 || stim_end(t) <= t->settle_frames + 8) {
		ERRF("capture too short (%zu frames)", stim_end(t));
		return -ENODATA;
	}
	n = stim_end(t) - t->settle_frames;
	v = calloc(t->n_channels, sizeof(*v));
	u = calloc(t->n_channels, sizeof(*u));
	if (!v || !u) {
		r = -ENOMEM;
		goto out;
	}
	for (c = 0; c < t->n_channels; c++) {
		r = fn(p, m, t, t->uv + c * t->n_frames + t->settle_frames, n, &v[c], &u[c], reterr,
		       errlen);
		if (r < 0)
			goto out;
		if (!isfinite(v[c])) {
			ERRF("metric '%s' is not finite on channel %zu", m->id, c);
			r = -EDOM;
			goto out;
		}
	}
	reduce(m, cr, v, u, t->n_channels, &val, &unc);
	bench_quantity_init(ret_q, val, m->unit, 0, unc, p->k);
out:
	free(v);
	free(u);
	return r;
}
