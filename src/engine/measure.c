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

#include "common/units.h"
#include "engine/engine.h"
#include "score/frontend.h"
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
	size_t w = (size_t)llround(window_s * t->rate_hz);
	int r;

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
	/* The DUT believes it runs at its nominal rate: a fast clock shows a low frequency. */
	*ret_v = -bench_score_timebase_ppm(f, fit.freq_hz);
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
	if (strcmp(m->name, "enob") == 0)
		*ret_v = bench_score_enob_from_sinad(*ret_v);
	*ret_u = 0; /* dominated by the stimulus purity, not estimated per trial */
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
};

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
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].name, m->name) == 0)
			fn = routes[i].fn;
	if (!fn) {
		ERRF("metric '%s' is not wired into the engine in this build", m->name);
		return -ENOSYS;
	}
	if (t->n_channels == 0 || t->n_frames <= t->settle_frames + 8) {
		ERRF("capture too short (%zu frames)", t->n_frames);
		return -ENODATA;
	}
	n = t->n_frames - t->settle_frames;
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
