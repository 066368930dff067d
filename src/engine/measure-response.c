// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Response metrics (catalogue A3, A5, A6, A12): frequency response corners, passband ripple
 * and time constant, input impedance, DC-offset gain change, saturation recovery.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 *
 * Units: traces in uV (input-referred), frequencies in Hz, times in s, gains as ratios,
 * ripple and gain change in %, impedance in the metric's unit (ohm, kohm or Mohm).
 * Uncertainties are per trial (GUM type B): sine-fit amplitudes carry the residual and the
 * converter resolution, q/sqrt(12) x sqrt(2/n); times carry the sampling (or analysis step)
 * resolution, step/sqrt(12).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/units.h"
#include "engine/measure-internal.h"
#include "score/filter.h"
#include "score/frontend.h"
#include "score/sine.h"
#include "score/stats.h"

#define MAX_TONES 64

/* Seconds to the metric's time unit (s, ms or us). */
static double time_scale(const struct bench_protocol_metric *m)
{
	return m->unit == BENCH_UNIT_MS ? 1e3 : m->unit == BENCH_UNIT_US ? 1e6 : 1.0;
}

/* ---- the stimulus tones (A3): every <source model="sine"> with its freq_hz and amp_uv ---- */

static double xml_param(xmlNode *src, const char *name, double def)
{
	xmlNode *c;

	for (c = src->children; c; c = c->next) {
		xmlChar *nm, *v;
		double d = def;

		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "param") != 0)
			continue;
		nm = xmlGetProp(c, (const xmlChar *)"name");
		v = xmlGetProp(c, (const xmlChar *)"value");
		if (nm && v && strcmp((const char *)nm, name) == 0) {
			char *end;

			d = strtod((const char *)v, &end);
			if (*end != '\0' || !isfinite(d))
				d = def;
			xmlFree(nm);
			xmlFree(v);
			return d;
		}
		xmlFree(nm);
		xmlFree(v);
	}
	return def;
}

/* Tones sorted by frequency: 0, -EINVAL (unparsable stimulus), -ENOENT (fewer than 3 tones). */
static int stimulus_tones(const struct bench_protocol *p, double *freq, double *amp, size_t *ret_n)
{
	xmlDocPtr doc;
	xmlNode *root, *s;
	size_t n = 0, i, j;

	doc = xmlReadMemory(p->stimulus_xml, (int)strlen(p->stimulus_xml), "stimulus.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	for (s = root ? root->children : NULL; s && n < MAX_TONES; s = s->next) {
		xmlChar *model;
		bool sine;

		if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, "source") != 0)
			continue;
		model = xmlGetProp(s, (const xmlChar *)"model");
		sine = model && strcmp((const char *)model, "sine") == 0;
		xmlFree(model);
		if (!sine)
			continue;
		freq[n] = xml_param(s, "freq_hz", 10);
		amp[n] = fabs(xml_param(s, "amp_uv", 100));
		if (freq[n] > 0 && amp[n] > 0)
			n++;
	}
	xmlFreeDoc(doc);
	for (i = 1; i < n; i++) { /* insertion sort, n is small */
		double f = freq[i], a = amp[i];

		for (j = i; j > 0 && freq[j - 1] > f; j--) {
			freq[j] = freq[j - 1];
			amp[j] = amp[j - 1];
		}
		freq[j] = f;
		amp[j] = a;
	}
	if (n < 3)
		return -ENOENT;
	*ret_n = n;
	return 0;
}

/*
 * H(f) of one channel at every stimulus tone, as |out| / |in| (the fixture's calibration
 * makes the injected amplitude the amplitude at the DUT input), by one joint multi-tone fit.
 * @ret_ref: the index of the tone nearest the metric's "reference" (default 10 Hz).
 * @ret_u_rel: relative standard uncertainty of one gain (worst tone).
 */
static int response(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		    const struct bench_engine_trace *t, const double *x, size_t n, double *freq,
		    double *gain, size_t *ret_n, size_t *ret_ref, double *ret_u_rel, char *reterr,
		    size_t errlen)
{
	double amp[MAX_TONES], out[MAX_TONES], res = 0, ref_hz, u_a, worst_u = 0;
	size_t nt = 0, i, ref = 0;
	int r = stimulus_tones(p, freq, amp, &nt);

	if (r < 0) {
		MEASURE_ERRF("%s needs a stimulus of at least 3 sine sources (the tones)", m->name);
		return r;
	}
	for (i = 0; i < nt; i++)
		if (freq[i] >= 0.45 * t->rate_hz)
			break;
	nt = i; /* tones above 0.45 fs are beyond the DUT band and its anti-alias filter */
	r = bench_score_multisine_fit(x, n, t->rate_hz, freq, nt, out, &res);
	if (r < 0) {
		MEASURE_ERRF("multi-tone fit failed (%s)", strerror(-r));
		return r;
	}
	ref_hz = bench_protocol_metric_param_num(m, "reference", 10);
	u_a = hypot(res, bench_unc_resolution(t->lsb_uv)) * sqrt(2.0 / (double)n);
	for (i = 0; i < nt; i++) {
		gain[i] = out[i] / amp[i];
		if (fabs(log(freq[i] / ref_hz)) < fabs(log(freq[ref] / ref_hz)))
			ref = i;
		if (out[i] > 0)
			worst_u = fmax(worst_u, u_a / out[i]);
	}
	if (!(gain[ref] > 0)) {
		MEASURE_ERRF("no response at the %g Hz reference tone", freq[ref]);
		return -EDOM;
	}
	*ret_n = nt;
	*ret_ref = ref;
	*ret_u_rel = worst_u;
	return 0;
}

/* A3: the -3 dB corner below (edge "low") or above (edge "high") the reference tone. */
static int m_corner(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		    const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		    double *ret_u, char *reterr, size_t errlen)
{
	const struct bench_protocol_param *edge = bench_protocol_metric_param(m, "edge");
	bool upper = edge && strcmp(edge->value, "high") == 0;
	double freq[MAX_TONES], gain[MAX_TONES], db[MAX_TONES], u_rel, fc;
	size_t nt, ref, i, lo;
	int r = response(p, m, t, x, n, freq, gain, &nt, &ref, &u_rel, reterr, errlen);

	if (r < 0)
		return r;
	for (i = 0; i < nt; i++)
		db[i] = 20 * log10(fmax(gain[i], 1e-12) / gain[ref]);
	r = bench_score_corner_3db(freq, db, nt, ref, upper ? 1 : 0, &fc);
	if (r == -ENOENT) {
		MEASURE_ERRF("the response does not fall 3 dB %s %g Hz within the tones (%g-%g Hz)",
			     upper ? "above" : "below", freq[ref], freq[0], freq[nt - 1]);
		return r;
	}
	if (r < 0)
		return r;
	/*
	 * Type B: the interpolation between the two tones that bracket the corner, taken
	 * as a rectangular distribution over the bracket in log f, half-width a quarter of it
	 * (the response is smooth, the linear interpolation in (log f, dB) is close), and the
	 * gains' noise: u(dB) / slope of the response there.
	 */
	for (lo = 0; lo + 1 < nt && freq[lo + 1] < fc; lo++)
		;
	{
		size_t hi = lo + 1 < nt ? lo + 1 : lo;
		double span = log(freq[hi] / freq[lo]),
		       slope_db = fabs(db[hi] - db[lo]) / fmax(span, 1e-9);
		double u_interp = fc * span / 4 / sqrt(3.0);
		double u_noise = slope_db > 0 ? fc * (20 / M_LN10 * u_rel * sqrt(2.0)) / slope_db :
						0;

		*ret_u = hypot(u_interp, u_noise);
	}
	*ret_v = fc;
	return 0;
}

/* A3: the largest deviation (%) of the gain from the reference gain inside the passband. */
static int m_ripple(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		    const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		    double *ret_u, char *reterr, size_t errlen)
{
	double freq[MAX_TONES], gain[MAX_TONES], pass[MAX_TONES], u_rel;
	double lo = bench_protocol_metric_param_num(m, "band-low", 1),
	       hi = bench_protocol_metric_param_num(m, "band-high", 70);
	size_t nt, ref, i, np = 0;
	struct bench_ripple rip;
	int r = response(p, m, t, x, n, freq, gain, &nt, &ref, &u_rel, reterr, errlen);

	if (r < 0)
		return r;
	for (i = 0; i < nt; i++)
		if (freq[i] >= lo && freq[i] <= hi)
			pass[np++] = gain[i];
	if (np == 0) {
		MEASURE_ERRF("no stimulus tone inside the passband %g-%g Hz", lo, hi);
		return -ENODATA;
	}
	r = bench_score_passband_ripple(pass, np, gain[ref], &rip);
	if (r < 0) {
		MEASURE_ERRF("a passband gain is zero (dead channel?)");
		return -EDOM;
	}
	*ret_v = rip.dev_pct;
	/* a ratio of two fitted amplitudes: both relative uncertainties, in % */
	*ret_u = 100 * sqrt(2.0) * u_rel;
	return 0;
}

/* Index of the largest |x[i+1] - x[i]|: the step edge of a calibration pulse. */
static size_t edge_index(const double *x, size_t n)
{
	size_t i, best = 0;
	double d = -1;

	for (i = 0; i + 1 < n; i++)
		if (fabs(x[i + 1] - x[i]) > d) {
			d = fabs(x[i + 1] - x[i]);
			best = i + 1;
		}
	return best;
}

/*
 * A3 (IFCN): the low-frequency time constant from a calibration step (a long pulse): the
 * time for the response to fall to 1/e of its step, from the largest edge of the trace,
 * relative to the baseline of the "baseline-s" (default 1 s) before the edge.
 */
static int m_time_constant(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			   const struct bench_engine_trace *t, const double *x, size_t n,
			   double *ret_v, double *ret_u, char *reterr, size_t errlen)
{
	size_t e = edge_index(x, n),
	       nb = (size_t)(bench_protocol_metric_param_num(m, "baseline-s", 1) * t->rate_hz), i;
	double base = 0, tau;
	int r;

	if (e < 2 || n - e < 8) {
		MEASURE_ERRF("no step edge inside the capture");
		return -ENODATA;
	}
	if (nb > e - 1)
		nb = e - 1;
	for (i = e - nb; i < e; i++)
		base += x[i] / (double)nb;
	r = bench_score_time_constant(x + e, n - e, t->rate_hz, base, &tau);
	if (r == -ENOENT)
		MEASURE_ERRF("the step response does not decay to 1/e within the capture");
	if (r < 0)
		return r;
	*ret_v = tau * time_scale(m);
	/* the edge's position within one sample and the interpolation: two samples/sqrt(12) */
	*ret_u = sqrt(2.0) * bench_unc_resolution(1 / t->rate_hz) * time_scale(m);
	return 0;
}

/* Amplitude of the stimulus sine at @f on a trace band-limited to remove a DC transient. */
static int band_limited_fit(const struct bench_engine_trace *t, const double *x, size_t n, double f,
			    double drop_s, struct bench_sine_fit *fit, double *ret_filter_gain,
			    size_t *ret_n, char *reterr, size_t errlen)
{
	struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
	const double *full = x - t->settle_frames;
	size_t nf = n + t->settle_frames, ns, drop = (size_t)(drop_s * t->rate_hz);
	double *y, hp = f / 4;
	int r;

	/* 4th-order Butterworth high-pass at f/4 run forward and backward (8th order, zero
	 * phase): a slowly decaying 300 mV transient leaves nothing at f. */
	r = bench_score_butter(BENCH_FILTER_HIGHPASS, 4, hp, 0, t->rate_hz, sos, &ns);
	if (r < 0) {
		MEASURE_ERRF("high-pass at %g Hz not possible at %g Hz", hp, t->rate_hz);
		return r;
	}
	if (n <= 2 * drop + 16) {
		MEASURE_ERRF("capture too short for the band-limited fit");
		return -ENODATA;
	}
	y = malloc(nf * sizeof(*y));
	if (!y)
		return -ENOMEM;
	r = bench_score_sos_filtfilt(sos, ns, full, nf, y);
	if (r == 0)
		r = bench_score_sine_fit3(y + t->settle_frames + drop, n - 2 * drop, t->rate_hz, f,
					  fit);
	free(y);
	if (r < 0) {
		MEASURE_ERRF("sine fit failed (%s)", strerror(-r));
		return r;
	}
	*ret_filter_gain = pow(bench_score_sos_gain(sos, ns, f, t->rate_hz), 2);
	*ret_n = n - 2 * drop;
	return 0;
}

/*
 * A6: the gain at the stimulus frequency with the differential DC offset of the stimulus
 * applied, against the nominal input-referred gain (1: the injected amplitude), as the
 * magnitude |A_meas / A_injected - 1| x 100 %. The slow transient the offset step leaves
 * through the DUT's high-pass is removed by a zero-phase high-pass whose gain at f is
 * divided out.
 */
static int m_gain_change(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			 const struct bench_engine_trace *t, const double *x, size_t n,
			 double *ret_v, double *ret_u, char *reterr, size_t errlen)
{
	struct bench_sine_fit fit;
	double f = bench_protocol_metric_param_num(m, "frequency", NAN), a_in, hg, u[2];
	size_t nn;
	int r;

	if (isnan(f) && bench_measure_stimulus_param(p, "freq_hz", &f) < 0) {
		MEASURE_ERRF("no frequency: give <param name=\"frequency\"> or a stimulus freq_hz");
		return -EINVAL;
	}
	if (bench_measure_stimulus_param(p, "amp_uv", &a_in) < 0 || a_in == 0) {
		MEASURE_ERRF("gain_change needs the stimulus amp_uv");
		return -EINVAL;
	}
	r = band_limited_fit(t, x, n, f, bench_protocol_metric_param_num(m, "drop-s", 0.5), &fit,
			     &hg, &nn, reterr, errlen);
	if (r < 0)
		return r;
	*ret_v = fabs(fit.amplitude / hg / fabs(a_in) - 1.0) * 100.0;
	u[0] = fit.residual_rms * sqrt(2.0 / (double)nn);
	u[1] = bench_unc_resolution(t->lsb_uv) * sqrt(2.0 / (double)nn);
	*ret_u = bench_unc_combine(u, 2) / hg / fabs(a_in) * 100.0;
	return 0;
}

/*
 * A12: saturation recovery. The overload onset is the first sample, after the settling
 * time, that departs from the pre-event trace by more than half of the largest departure.
 * Before it, a 3-parameter fit at the stimulus sine frequency gives the baseline b0 and
 * amplitude a0. From the onset, windows of one sine period stepped by "step-ms" (10 ms)
 * give b and a; the DUT has recovered at the end of the first window from which b stays
 * within "baseline-band" uV of b0 and a within "gain-band" % of a0 for "hold-s" (1 s) or to
 * the end of the capture. The time is from the onset (the overload pulse itself counts).
 * A trace that never recovers gives +inf (FAIL against an upper limit).
 */
static int m_recovery(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_engine_trace *t, const double *x, size_t n, double *ret_v,
		      double *ret_u, char *reterr, size_t errlen)
{
	double f, band_uv = bench_protocol_metric_param_num(m, "baseline-band", 10),
		  band_rel = bench_protocol_metric_param_num(m, "gain-band", 5) / 100, peak = 0,
		  *err;
	double hold_s = bench_protocol_metric_param_num(m, "hold-s", 1.0), tr;
	size_t win, step, onset = n, i, nw, w0, hold;
	struct bench_sine_fit ref, fit;
	int r;

	if (bench_measure_stimulus_param(p, "freq_hz", &f) < 0 || !(f > 0)) {
		MEASURE_ERRF("recovery_time needs a stimulus sine freq_hz");
		return -EINVAL;
	}
	win = (size_t)llround(t->rate_hz / f);
	step = (size_t)fmax(1, llround(bench_protocol_metric_param_num(m, "step-ms", 10) * 1e-3 *
				       t->rate_hz));
	if (win < 4 || n < 4 * win) {
		MEASURE_ERRF("capture too short for windows of one %g Hz period", f);
		return -ENODATA;
	}
	/* the overload: largest departure from the first period's fit */
	r = bench_score_sine_fit3(x, win * 2, t->rate_hz, f, &ref);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++)
		peak = fmax(peak, fabs(x[i] - ref.offset));
	for (i = 0; i < n; i++)
		if (fabs(x[i] - ref.offset) > peak / 2 &&
		    peak > 10 * fmax(ref.amplitude, band_uv)) {
			onset = i;
			break;
		}
	if (onset == n || onset < 3 * win) {
		MEASURE_ERRF("no overload event after the first %zu samples of the capture",
			     3 * win);
		return -ENODATA;
	}
	r = bench_score_sine_fit3(x, onset - win, t->rate_hz, f, &ref);
	if (r < 0)
		return r;
	if (!(ref.amplitude > 10 * ref.residual_rms * sqrt(2.0 / (double)(onset - win)))) {
		MEASURE_ERRF("no %g Hz sine before the overload (dead channel or out of band)", f);
		return -EDOM;
	}
	nw = (n - onset - win) / step + 1;
	err = malloc(nw * sizeof(*err));
	if (!err)
		return -ENOMEM;
	for (w0 = 0; w0 < nw; w0++) {
		r = bench_score_sine_fit3(x + onset + w0 * step, win, t->rate_hz, f, &fit);
		if (r < 0) {
			free(err);
			return r;
		}
		err[w0] = fmax(fabs(fit.offset - ref.offset) / band_uv,
			       fabs(fit.amplitude / ref.amplitude - 1) / band_rel);
	}
	hold = (size_t)fmax(1, hold_s * t->rate_hz / (double)step);
	if (hold > nw)
		hold = nw;
	/* the last hold windows recovered count as recovered (capture end) */
	r = bench_score_recovery_time(err, nw, t->rate_hz / (double)step, 0, 0, 1, hold, &tr);
	free(err);
	if (r < 0)
		return r;
	if (isfinite(tr))
		tr += (double)win / t->rate_hz; /* to the end of the first good window */
	*ret_v = tr * time_scale(m);
	/* the analysis step and the onset sample: rectangular over one step */
	*ret_u = bench_unc_resolution((double)step / t->rate_hz) * time_scale(m);
	return 0;
}

/*
 * A5: input impedance from a divider in one capture: channel "direct-channel" (default 0)
 * sees the source directly (V1), channel "series-channel" (default 1) through the known
 * series resistor "series" (V2, same source); Zin = R V2 / (V1 - V2) with 3-parameter fit
 * amplitudes at the stimulus frequency. u(R) from "series-tolerance" (%, rectangular,
 * default 1 %), u(V) from the fit residual and the resolution; combined by
 * bench_score_input_impedance() (GUM first order). The two channels' gains are taken as
 * equal (A2 checks each against the nominal gain).
 */
static int m_input_impedance(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			     const struct bench_protocol_criterion *cr,
			     const struct bench_engine_capture *cap,
			     const struct bench_engine_trace *t, struct bench_quantity *q,
			     char *reterr, size_t errlen)
{
	const struct bench_protocol_param *rp = bench_protocol_metric_param(m, "series");
	size_t c1 = (size_t)bench_protocol_metric_param_num(m, "direct-channel", 0),
	       c2 = (size_t)bench_protocol_metric_param_num(m, "series-channel", 1), n;
	double f, r_ohm, u_r, u1, u2, scale;
	struct bench_sine_fit v1, v2;
	struct bench_impedance z;
	int r;

	if (!rp || !rp->is_number || !(rp->number > 0)) {
		MEASURE_ERRF("input_impedance needs <param name=\"series\"> (the resistor)");
		return -EINVAL;
	}
	r_ohm = rp->number * (rp->has_unit && rp->unit == BENCH_UNIT_MOHM ? 1e6 : 1.0);
	u_r = r_ohm * bench_protocol_metric_param_num(m, "series-tolerance", 1) / 100 / sqrt(3.0);
	if (c1 >= t->n_channels || c2 >= t->n_channels || c1 == c2) {
		MEASURE_ERRF("the capture has %zu channels: no direct/series pair %zu/%zu",
			     t->n_channels, c1, c2);
		return -ENODATA;
	}
	if (bench_measure_stimulus_param(p, "freq_hz", &f) < 0) {
		MEASURE_ERRF("input_impedance needs a stimulus freq_hz");
		return -EINVAL;
	}
	if (bench_measure_stim_end(t) <= t->settle_frames + 8) {
		MEASURE_ERRF("capture too short (%zu frames)", bench_measure_stim_end(t));
		return -ENODATA;
	}
	n = bench_measure_stim_end(t) - t->settle_frames;
	r = bench_score_sine_fit3(t->uv + c1 * t->n_frames + t->settle_frames, n, t->rate_hz, f,
				  &v1);
	if (r == 0)
		r = bench_score_sine_fit3(t->uv + c2 * t->n_frames + t->settle_frames, n,
					  t->rate_hz, f, &v2);
	if (r < 0) {
		MEASURE_ERRF("sine fit failed (%s)", strerror(-r));
		return r;
	}
	u1 = hypot(v1.residual_rms, bench_unc_resolution(t->lsb_uv)) * sqrt(2.0 / (double)n);
	u2 = hypot(v2.residual_rms, bench_unc_resolution(t->lsb_uv)) * sqrt(2.0 / (double)n);
	r = bench_score_input_impedance(r_ohm, u_r, v1.amplitude, u1, v2.amplitude, u2, &z);
	if (r == -EDOM) {
		/* no measurable drop: beyond what this resistor resolves, 2 u above V1 - V2 */
		MEASURE_ERRF("no drop across the series resistor (V1 %.4g, V2 %.4g uV)",
			     v1.amplitude, v2.amplitude);
		return r;
	}
	if (r < 0) {
		MEASURE_ERRF("no signal through the series resistor (V2 %.4g uV)", v2.amplitude);
		return r;
	}
	scale = m->unit == BENCH_UNIT_MOHM ? 1e-6 : 1.0;
	bench_quantity_init(q, z.z_ohm * scale, m->unit, 0, z.u_z_ohm * scale, p->k);
	return 0;
}

const struct bench_measure_route bench_measure_routes_response[] = {
	{ "input_impedance", NULL, m_input_impedance },
	{ "corner_freq", m_corner, NULL },
	{ "passband_ripple", m_ripple, NULL },
	{ "time_constant", m_time_constant, NULL },
	{ "gain_change", m_gain_change, NULL },
	{ "recovery_time", m_recovery, NULL },
	{ NULL, NULL, NULL },
};
