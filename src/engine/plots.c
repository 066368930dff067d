// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plot data for the dossier (plots.h): from one trial's capture to compact CSV artifacts.
 * Only routing and reduction live here; the spectra and matching come from src/score. The
 * stimulus of an overlay or Bode plot is regenerated with the trial's seed at the rate of
 * the capture (signal-gen output depends on the spec and seed only), so the engine never
 * keeps the played stimulus in memory. Units: s, ms, Hz, dB, degrees, the capture's unit.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/log.h"
#include "engine/measure-internal.h"
#include "engine/plots.h"
#include "score/events.h"
#include "score/spectrum.h"
#include "siggen.h"

#define OVERLAY_WINDOW_S 1.0
#define OVERLAY_MAX_POINTS 600 /* per series: ~1.4 points per pt of a PDF plot */
#define PSD_MAX_POINTS 400
#define BODE_POINTS 80
#define RASTER_WINDOW_S 2.0
#define RASTER_MAX_EVENTS 600 /* per series */
#define HIST_BINS 24
#define CHARGE_MAX_PULSES 200 /* stems stay readable; the metrics use every pulse */

static struct bench_engine_plot *plot_new(struct bench_engine_plots *pl, const char *kind,
					  const char *xlabel, const char *ylabel)
{
	struct bench_engine_plot *p;

	if (pl->n >= BENCH_ENGINE_MAX_PLOTS)
		return NULL;
	p = &pl->plot[pl->n];
	memset(p, 0, sizeof(*p));
	snprintf(p->kind, sizeof(p->kind), "plot-%s", kind);
	if (bench_buf_appendf(&p->csv, "series,%s,%s\n", xlabel, ylabel) < 0) {
		bench_buf_free(&p->csv);
		return NULL;
	}
	pl->n++;
	return p;
}

/* Drops the last plot (it turned out empty or failed). */
static void plot_drop(struct bench_engine_plots *pl)
{
	bench_buf_free(&pl->plot[--pl->n].csv);
}

static int point(struct bench_engine_plot *p, const char *series, double x, double y)
{
	return bench_buf_appendf(&p->csv, "%s,%.7g,%.7g\n", series, x, y);
}

/* The trace the protocol's first input names (what its metrics read by default). */
static const struct bench_engine_trace *main_trace(const struct bench_protocol *p,
						   const struct bench_engine_capture *cap)
{
	const char *role = p->n_inputs ? p->inputs[0].role : "dut-data";
	size_t i;

	for (i = 0; i < cap->n_traces; i++)
		if (strcmp(cap->traces[i].role, role) == 0 && cap->traces[i].n_frames &&
		    cap->traces[i].n_channels && cap->traces[i].uv)
			return &cap->traces[i];
	return NULL;
}

static bool has_metric(const struct bench_protocol *p, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < p->n_metrics; i++)
		if (strncmp(p->metrics[i].name, prefix, n) == 0)
			return true;
	return false;
}

static const struct bench_protocol_metric *metric_named(const struct bench_protocol *p,
							const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < p->n_metrics; i++)
		if (strncmp(p->metrics[i].name, prefix, n) == 0)
			return &p->metrics[i];
	return NULL;
}

/*
 * Channel 0 of the stimulus for frames [0, @frames) at @rate_hz, regenerated with @seed.
 * Return: a malloc'd array, or NULL (no stimulus model, or it does not parse).
 */
static double *stimulus_ch0(const struct bench_protocol *p, uint64_t seed, double rate_hz,
			    size_t frames)
{
	struct siggen_spec *spec = NULL;
	struct siggen *gen = NULL;
	xmlDocPtr doc;
	double *out = NULL;
	float *buf = NULL;
	char v[64], msg[256];
	size_t done = 0, nch;
	int r;

	if (!p->stimulus_xml || rate_hz <= 0 || rate_hz > SIGGEN_MAX_RATE_HZ)
		return NULL;
	doc = xmlReadMemory(p->stimulus_xml, (int)strlen(p->stimulus_xml), "stimulus.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return NULL;
	snprintf(v, sizeof(v), "%.17g", rate_hz);
	xmlSetProp(xmlDocGetRootElement(doc), BAD_CAST "rate_hz", BAD_CAST v);
	snprintf(v, sizeof(v), "%.17g", (double)frames / rate_hz + 1.0);
	xmlSetProp(xmlDocGetRootElement(doc), BAD_CAST "duration_s", BAD_CAST v);
	r = siggen_spec_parse_node(xmlDocGetRootElement(doc), p->path, &spec, msg, sizeof(msg));
	xmlFreeDoc(doc);
	if (r == 0)
		r = siggen_open(spec, seed, &gen);
	siggen_spec_free(spec);
	if (r < 0)
		return NULL;
	nch = siggen_channels(gen);
	out = calloc(frames + 1, sizeof(*out));
	buf = calloc(4096 * (nch ? nch : 1), sizeof(*buf));
	while (out && buf && done < frames) {
		size_t want = frames - done < 4096 ? frames - done : 4096, i;
		int64_t got = siggen_read2(gen, buf, NULL, want, SIGGEN_LAYOUT_INTERLEAVED);

		if (got <= 0)
			break;
		for (i = 0; i < (size_t)got; i++)
			out[done + i] = buf[i * nch];
		done += (size_t)got;
	}
	free(buf);
	siggen_close(gen);
	if (out && done < frames) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Appends x[from..to) at times (i / rate) as min/max pairs per bucket, <= max_points. */
static int decimated(struct bench_engine_plot *p, const char *series, const double *x, size_t from,
		     size_t to, double rate_hz, size_t max_points)
{
	size_t n = to - from, bucket = (2 * n + max_points - 1) / max_points, i, j;
	int r = 0;

	if (bucket < 2) {
		for (i = from; i < to && r == 0; i++)
			r = point(p, series, (double)i / rate_hz, x[i]);
		return r;
	}
	for (i = from; i < to && r == 0; i += bucket) {
		size_t end = i + bucket < to ? i + bucket : to, lo = i, hi = i;

		for (j = i; j < end; j++) {
			lo = x[j] < x[lo] ? j : lo;
			hi = x[j] > x[hi] ? j : hi;
		}
		/* in time order, so the line goes through both extremes */
		r = point(p, series, (double)(lo < hi ? lo : hi) / rate_hz, x[lo < hi ? lo : hi]);
		if (r == 0 && lo != hi)
			r = point(p, series, (double)(lo < hi ? hi : lo) / rate_hz,
				  x[lo < hi ? hi : lo]);
	}
	return r;
}

/*
 * A stimulator's output current in uA from its monitor trace, as measure-stim.c reads it:
 * the voltage across the sense resistor (the first metric's "sense" param in ohm, default
 * 1000) on the "channel" param's channel (default 0). Return: malloc'd n_frames values.
 */
static double *monitor_current_ua(const struct bench_protocol *p,
				  const struct bench_engine_trace *t)
{
	double sense = p->n_metrics ?
			       bench_protocol_metric_param_num(&p->metrics[0], "sense", 1000.0) :
			       1000.0;
	size_t ch = p->n_metrics ?
			    (size_t)bench_protocol_metric_param_num(&p->metrics[0], "channel", 0) :
			    0,
	       i;
	double *x;

	if (ch >= t->n_channels || !(sense > 0))
		return NULL;
	x = malloc(t->n_frames * sizeof(*x));
	for (i = 0; x && i < t->n_frames; i++)
		x[i] = t->uv[ch * t->n_frames + i] / sense;
	return x;
}

static void plot_overlay(struct bench_engine_plots *pl, const struct bench_protocol *p,
			 uint64_t seed, const struct bench_engine_trace *t)
{
	size_t from = t->settle_frames, end = bench_measure_stim_end(t), to;
	bool stim_out = strcmp(t->role, "stim-monitor") == 0;
	struct bench_engine_plot *pp;
	double *stim = NULL;
	int r = 0;

	if (end <= from + 8)
		return;
	to = from + (size_t)(OVERLAY_WINDOW_S * t->rate_hz);
	to = to < end ? to : end;
	pp = plot_new(pl, "overlay", "time / s", stim_out ? "current / uA" : "voltage / uV");
	if (!pp)
		return;
	/* a stimulator's output is not in the stimulus' unit: no overlay of the two */
	if (!stim_out) {
		stim = stimulus_ch0(p, seed, t->rate_hz, to);
		if (stim)
			r = decimated(pp, "stimulus", stim, from, to, t->rate_hz,
				      OVERLAY_MAX_POINTS);
		if (r == 0)
			r = decimated(pp, "response", t->uv, from, to, t->rate_hz,
				      OVERLAY_MAX_POINTS);
	} else {
		stim = monitor_current_ua(p, t);
		r = stim ? decimated(pp, "output", stim, from, to, t->rate_hz, OVERLAY_MAX_POINTS) :
			   -ENODATA;
	}
	free(stim);
	if (r < 0)
		plot_drop(pl);
}

static size_t pow2_floor(size_t n)
{
	size_t k = 1;

	while (k * 2 <= n)
		k *= 2;
	return k;
}

static void plot_psd(struct bench_engine_plots *pl, const struct bench_engine_trace *t)
{
	size_t from = t->settle_frames, end = bench_measure_stim_end(t), nper, nb, k, last = 0;
	struct bench_engine_plot *pp;
	double *psd, step;
	int r;

	if (end <= from + 64)
		return;
	/* at least 8 segments (with 50 % overlap) for a readable estimate, at most 4096 */
	nper = pow2_floor((end - from) / 4);
	nper = nper > 4096 ? 4096 : nper < 64 ? 64 : nper;
	nb = nper / 2 + 1;
	psd = calloc(nb, sizeof(*psd));
	if (!psd)
		return;
	r = bench_score_welch_psd(t->uv + from, end - from, t->rate_hz, nper, nper / 2, psd);
	pp = r == 0 ? plot_new(pl, "psd", "frequency / Hz",
			       strcmp(t->role, "stim-monitor") == 0 ? "PSD / dB re 1 uA^2/Hz" :
								      "PSD / dB re 1 uV^2/Hz") :
		      NULL;
	/* bins 1..nb-1 thinned to about PSD_MAX_POINTS on a log frequency scale */
	step = pow((double)(nb - 1), 1.0 / PSD_MAX_POINTS);
	for (k = 1; pp && r == 0 && k < nb; k++) {
		if (k > 1 && (double)k < (double)last * step && k + 1 < nb)
			continue;
		last = k;
		r = point(pp, "PSD", (double)k * t->rate_hz / (double)nper,
			  10 * log10(psd[k] > 1e-30 ? psd[k] : 1e-30));
	}
	if (pp && r < 0)
		plot_drop(pl);
	free(psd);
}

/* DFT of x[0..n) at @f_hz with a Hann window, by phasor rotation. */
static void dft_at(const double *x, size_t n, double rate_hz, double f_hz, double *re, double *im)
{
	double w = 2 * M_PI * f_hz / rate_hz, cr = cos(w), ci = -sin(w), pr = 1, pi = 0;
	double wr = cos(2 * M_PI / (double)n), wi = sin(2 * M_PI / (double)n), hr = 1, hi = 0;
	double sr = 0, si = 0, t;
	size_t i;

	for (i = 0; i < n; i++) {
		double win = 0.5 - 0.5 * hr;

		sr += win * x[i] * pr;
		si += win * x[i] * pi;
		t = pr * cr - pi * ci;
		pi = pr * ci + pi * cr;
		pr = t;
		t = hr * wr - hi * wi;
		hi = hr * wi + hi * wr;
		hr = t;
		if ((i & 1023) == 1023) { /* renormalise the rotating phasors */
			double a = hypot(pr, pi), b = hypot(hr, hi);

			pr /= a;
			pi /= a;
			hr /= b;
			hi /= b;
		}
	}
	*re = sr;
	*im = si;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The tone frequencies of a multi-sine stimulus (freq_hz of its sine sources) within
 * [lo, hi], sorted, at most @max. Return: how many.
 */
static size_t sine_tones(const struct bench_protocol *p, double lo, double hi, double *ret,
			 size_t max)
{
	xmlDocPtr doc = xmlReadMemory(p->stimulus_xml, (int)strlen(p->stimulus_xml), "s.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr src, prm;
	size_t n = 0;

	if (!doc)
		return 0;
	for (src = xmlDocGetRootElement(doc)->children; src && n < max; src = src->next) {
		xmlChar *model = src->type == XML_ELEMENT_NODE ? xmlGetProp(src, BAD_CAST "model") :
								 NULL;

		if (model && xmlStrcmp(model, BAD_CAST "sine") == 0)
			for (prm = src->children; prm && n < max; prm = prm->next) {
				xmlChar *name = prm->type == XML_ELEMENT_NODE ?
							xmlGetProp(prm, BAD_CAST "name") :
							NULL;
				xmlChar *val = name ? xmlGetProp(prm, BAD_CAST "value") : NULL;
				char *end = NULL;
				double f = val ? strtod((const char *)val, &end) : NAN;

				if (name && xmlStrcmp(name, BAD_CAST "freq_hz") == 0 && end &&
				    *end == '\0' && f >= lo && f <= hi)
					ret[n++] = f;
				xmlFree(name);
				xmlFree(val);
			}
		xmlFree(model);
	}
	xmlFreeDoc(doc);
	qsort(ret, n, sizeof(*ret), cmp_double);
	return n;
}

static void plot_bode(struct bench_engine_plots *pl, const struct bench_protocol *p, uint64_t seed,
		      const struct bench_engine_trace *t)
{
	size_t from = t->settle_frames, end = bench_measure_stim_end(t), n, k, n_f;
	struct bench_engine_plot *pp;
	double f0, f1, lo, hi, *stim, mag[BODE_POINTS], ph[BODE_POINTS], fr[BODE_POINTS];
	double prev = 0, unwrap = 0;
	int r = 0;

	if (end <= from + 64)
		return;
	n = end - from;
	lo = 4.0 * t->rate_hz / (double)n; /* a few cycles in the record */
	hi = 0.45 * t->rate_hz;
	n_f = sine_tones(p, lo, hi, fr, BODE_POINTS);
	if (n_f < 3) {
		if (bench_measure_stimulus_param(p, "f0_hz", &f0) < 0 ||
		    bench_measure_stimulus_param(p, "f1_hz", &f1) < 0)
			return;
		lo = fmax(fmax(f0, 1e-3), lo);
		hi = fmin(f1, hi);
		if (!(hi > lo * 1.01))
			return;
		for (k = 0; k < BODE_POINTS; k++)
			fr[k] = lo * pow(hi / lo, (double)k / (BODE_POINTS - 1));
		n_f = BODE_POINTS;
	}
	stim = stimulus_ch0(p, seed, t->rate_hz, end);
	if (!stim)
		return;
	for (k = 0; k < n_f; k++) {
		double f = fr[k];
		double xr, xi, yr, yi, d, hr, hi2, a;

		dft_at(stim + from, n, t->rate_hz, f, &xr, &xi);
		dft_at(t->uv + from, n, t->rate_hz, f, &yr, &yi);
		d = xr * xr + xi * xi;
		if (!(d > 0)) {
			mag[k] = ph[k] = NAN;
			continue;
		}
		hr = (yr * xr + yi * xi) / d; /* Y / X */
		hi2 = (yi * xr - yr * xi) / d;
		mag[k] = 20 * log10(fmax(hypot(hr, hi2), 1e-12));
		a = atan2(hi2, hr) * 180 / M_PI;
		if (k > 0) { /* unwrap to follow the delay's phase ramp */
			while (a + unwrap - prev > 180)
				unwrap -= 360;
			while (a + unwrap - prev < -180)
				unwrap += 360;
		}
		ph[k] = a + unwrap;
		prev = ph[k];
	}
	free(stim);
	pp = plot_new(pl, "bode", "frequency / Hz", "magnitude / dB");
	for (k = 0; pp && r == 0 && k < n_f; k++)
		if (isfinite(mag[k]))
			r = point(pp, "magnitude / dB", fr[k], mag[k]);
	for (k = 0; pp && r == 0 && k < n_f; k++)
		if (isfinite(ph[k]))
			r = point(pp, "phase / deg", fr[k], ph[k]);
	if (pp && r < 0)
		plot_drop(pl);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The first truth event type among spikes and beta bursts, or -1. */
static int event_truth_type(const struct bench_engine_capture *cap)
{
	size_t i;

	for (i = 0; i < cap->n_truth; i++)
		if (cap->truth[i].type == SIGGEN_EVENT_SPIKE ||
		    cap->truth[i].type == SIGGEN_EVENT_BETA_BURST)
			return cap->truth[i].type;
	return -1;
}

/*
 * Latency histogram: the same matching as the "latency" metric (measure-events.c): truth
 * onsets after the settling time against DUT events of the metric's kind within its window.
 */
static void plot_latency(struct bench_engine_plots *pl, const struct bench_protocol *p,
			 const struct bench_engine_capture *cap)
{
	const struct bench_protocol_metric *m = metric_named(p, "latency");
	const struct bench_engine_trace *t = m ? bench_measure_trace_for(p, m, cap) : NULL;
	int type = event_truth_type(cap);
	unsigned kind = type == SIGGEN_EVENT_SPIKE ? 1u : 3u;
	int64_t *ref = NULL, *det = NULL, *delay = NULL, settle_ns;
	size_t nr = 0, nd = 0, i, nl = 0;
	double *lat = NULL, lo = INFINITY, hi = -INFINITY, bw;
	unsigned counts[HIST_BINS] = { 0 };
	struct bench_engine_plot *pp;
	struct bench_match mt;
	int r = 0;

	if (!t || !t->events || type < 0)
		return;
	settle_ns = (int64_t)llround((double)t->settle_frames / t->rate_hz * 1e9);
	ref = calloc(cap->n_truth + 1, sizeof(*ref));
	delay = calloc(cap->n_truth + 1, sizeof(*delay));
	det = calloc(t->n_frames + 1, sizeof(*det));
	lat = calloc(cap->n_truth + 1, sizeof(*lat));
	if (!ref || !delay || !det || !lat)
		goto out;
	for (i = 0; i < cap->n_truth; i++) {
		const struct bench_engine_truth_event *e = &cap->truth[i];
		int64_t at = (int64_t)llround(
			(type == SIGGEN_EVENT_SPIKE ? e->peak_s : e->start_s) * 1e9);

		if (e->type == type && at >= settle_ns)
			ref[nr++] = at;
	}
	for (i = t->settle_frames; i < t->n_frames; i++)
		if (t->events[i] && (t->events[i] >> 24) == kind)
			det[nd++] = (int64_t)llround((double)i / t->rate_hz * 1e9);
	qsort(ref, nr, sizeof(*ref), cmp_i64);
	if (bench_score_match_events(
		    ref, nr, det, nd, 0,
		    (int64_t)llround(bench_protocol_metric_param_num(m, "window", 1.0) * 1e9), &mt,
		    delay) < 0)
		goto out;
	for (i = 0; i < nr; i++) {
		if (delay[i] == INT64_MIN)
			continue;
		lat[nl] = (double)delay[i] * 1e-6;
		lo = fmin(lo, lat[nl]);
		hi = fmax(hi, lat[nl]);
		nl++;
	}
	if (!nl)
		goto out;
	if (!(hi - lo > 1e-3)) {
		lo -= 0.05;
		hi += 0.05;
	}
	bw = (hi - lo) / HIST_BINS;
	for (i = 0; i < nl; i++) {
		size_t b = (size_t)((lat[i] - lo) / bw);

		counts[b < HIST_BINS ? b : HIST_BINS - 1]++;
	}
	pp = plot_new(pl, "histogram", "latency / ms", "events");
	for (i = 0; pp && r == 0 && i < HIST_BINS; i++)
		r = point(pp, "latency", lo + ((double)i + 0.5) * bw, counts[i]);
	if (pp && r < 0)
		plot_drop(pl);
out:
	free(ref);
	free(delay);
	free(det);
	free(lat);
}

/* Confusion matrix: the same trial/decision pairing as the classification metrics. */
static void plot_confusion(struct bench_engine_plots *pl, const struct bench_protocol *p,
			   const struct bench_engine_capture *cap)
{
	const struct bench_protocol_metric *m = metric_named(p, "accuracy");
	const struct bench_engine_trace *t;
	unsigned k, n_classes;
	int *truth = NULL, *pred = NULL;
	double *start = NULL;
	uint64_t *matrix = NULL;
	struct bench_engine_plot *pp;
	size_t n = 0;
	int r = 0;

	m = m ? m : metric_named(p, "kappa");
	m = m ? m : metric_named(p, "itr");
	t = m ? bench_measure_trace_for(p, m, cap) : NULL;
	if (!t || !t->events)
		return;
	n_classes = (unsigned)bench_protocol_metric_param_num(m, "classes", 0);
	if (bench_measure_classify_trials(m, cap, t, &n_classes, &truth, &pred, &start, &n) < 0 ||
	    n_classes * n_classes > BENCH_ENGINE_PLOT_MAX_POINTS)
		goto out;
	matrix = calloc((size_t)n_classes * n_classes, sizeof(*matrix));
	if (!matrix || bench_score_confusion(truth, pred, n, n_classes, matrix) < 0)
		goto out;
	pp = plot_new(pl, "confusion", "predicted class", "true class");
	/* sparse: the non-zero cells, and the last cell so the reader knows k */
	for (k = 0; pp && r == 0 && k < n_classes * n_classes; k++)
		if (matrix[k] || k + 1 == n_classes * n_classes)
			r = point(pp, "counts", k, (double)matrix[k]);
	if (pp && r < 0)
		plot_drop(pl);
out:
	free(matrix);
	free(truth);
	free(pred);
	free(start);
}

/*
 * Spike raster of the first RASTER_WINDOW_S after the settling time: truth spikes
 * (peak time, channel), DUT spike detections (event code 1, value = channel) and the
 * detections matched to a truth spike within the metric's tolerance (default 0.4 ms).
 */
static void plot_raster(struct bench_engine_plots *pl, const struct bench_protocol *p,
			const struct bench_engine_capture *cap)
{
	const struct bench_protocol_metric *m = metric_named(p, "event_");
	const struct bench_engine_trace *t = m ? bench_measure_trace_for(p, m, cap) : NULL;
	double tol = m ? bench_protocol_metric_param_num(m, "tolerance", 0.4) * 1e-3 : 4e-4;
	double t0, t1;
	struct bench_engine_plot *pp;
	size_t i, j, n_truth = 0, n_det = 0, n_match = 0;
	int r = 0;

	if (!t || !t->events || event_truth_type(cap) != SIGGEN_EVENT_SPIKE)
		return;
	t0 = (double)t->settle_frames / t->rate_hz;
	t1 = fmin(t0 + RASTER_WINDOW_S, (double)t->n_frames / t->rate_hz);
	pp = plot_new(pl, "raster", "time / s", "channel");
	if (!pp)
		return;
	for (i = 0; r == 0 && i < cap->n_truth && n_truth < RASTER_MAX_EVENTS; i++) {
		const struct bench_engine_truth_event *e = &cap->truth[i];

		if (e->type == SIGGEN_EVENT_SPIKE && e->peak_s >= t0 && e->peak_s < t1 &&
		    e->channel >= 0 && (size_t)e->channel < t->n_channels) {
			r = point(pp, "truth", e->peak_s, e->channel);
			n_truth++;
		}
	}
	for (i = t->settle_frames; r == 0 && i < t->n_frames && n_det < RASTER_MAX_EVENTS; i++) {
		uint32_t ev = t->events[i];
		double at = (double)i / t->rate_hz;

		if (at >= t1)
			break;
		if (ev && (ev >> 24) == 1u) {
			r = point(pp, "detected", at, (double)(ev & 0xffffffu));
			n_det++;
		}
	}
	/* matched: a detection within the tolerance of a truth spike on its channel */
	for (i = t->settle_frames; r == 0 && i < t->n_frames && n_match < RASTER_MAX_EVENTS; i++) {
		uint32_t ev = t->events[i];
		double at = (double)i / t->rate_hz;

		if (at >= t1)
			break;
		if (!ev || (ev >> 24) != 1u)
			continue;
		for (j = 0; j < cap->n_truth; j++) {
			const struct bench_engine_truth_event *e = &cap->truth[j];

			if (e->type == SIGGEN_EVENT_SPIKE &&
			    e->channel == (int32_t)(ev & 0xffffffu) &&
			    fabs(e->peak_s - at) <= tol) {
				r = point(pp, "matched", at, (double)(ev & 0xffffffu));
				n_match++;
				break;
			}
		}
	}
	if (r < 0 || (n_truth == 0 && n_det == 0))
		plot_drop(pl);
}

/*
 * Charge per biphasic pulse on a stimulator's output current (uA): phases are runs beyond
 * half the peak |current|; a pulse is a cathodic (negative) phase followed by an anodic one
 * before the next cathodic phase. Series "cathodic": the integral of the current over the
 * cathodic phase; "net": from the start of the cathodic phase to the end of the anodic
 * one; each phase widened by a quarter of its length so the edges are included. The
 * cathodic charge gives the scale against which the net charge is read. nC = uA*s*1000.
 */
static void plot_charge(struct bench_engine_plots *pl, const struct bench_protocol *p,
			const struct bench_engine_trace *t)
{
	size_t from = t->settle_frames, end = bench_measure_stim_end(t), i, n = 0, k;
	double *x = monitor_current_ua(p, t), peak = 0, th, qc[CHARGE_MAX_PULSES],
	       qn[CHARGE_MAX_PULSES];
	struct bench_engine_plot *pp = NULL;
	int r = 0;

	for (i = from; x && i < end; i++)
		peak = fmax(peak, fabs(x[i]));
	if (!(peak > 0) || !isfinite(peak)) {
		free(x);
		return;
	}
	th = peak / 2;
	i = from;
	while (i < end && n < CHARGE_MAX_PULSES) {
		size_t c0, c1, a0, a1, lo, hi;
		double q = 0;

		while (i < end && x[i] > -th)
			i++;
		c0 = i;
		while (i < end && x[i] <= -th)
			i++;
		c1 = i;
		while (i < end && x[i] < th && x[i] > -th)
			i++;
		if (i >= end || x[i] <= -th)
			continue; /* no anodic phase before the next cathodic one */
		a0 = i;
		while (i < end && x[i] >= th)
			i++;
		a1 = i;
		lo = c0 > from + (c1 - c0) / 4 ? c0 - (c1 - c0) / 4 : from;
		hi = a1 + (a1 - a0) / 4 < end ? a1 + (a1 - a0) / 4 : end;
		qc[n] = 0;
		for (k = lo; k + 1 < hi; k++) {
			q += 0.5 * (x[k] + x[k + 1]) / t->rate_hz;
			if (k + 1 <= c1 + (c1 - c0) / 4)
				qc[n] = q;
		}
		qn[n++] = q;
	}
	free(x);
	if (n)
		pp = plot_new(pl, "charge", "pulse", "charge / nC");
	for (k = 0; pp && r == 0 && k < n; k++)
		r = point(pp, "cathodic", (double)(k + 1), qc[k] * 1e3);
	for (k = 0; pp && r == 0 && k < n; k++)
		r = point(pp, "net", (double)(k + 1), qn[k] * 1e3);
	if (pp && r < 0)
		plot_drop(pl);
}

void bench_engine_plots_make(const struct bench_protocol *p, unsigned trial, uint64_t seed,
			     const struct bench_engine_capture *cap, struct bench_engine_plots *ret)
{
	const struct bench_engine_trace *t = main_trace(p, cap);
	bool events = has_metric(p, "event_") || has_metric(p, "latency");
	bool classes = has_metric(p, "accuracy") || has_metric(p, "kappa") || has_metric(p, "itr");
	bool stim_out = t && strcmp(t->role, "stim-monitor") == 0;

	if (!t)
		return;
	if (trial > 0) {
		/* later trials: only the confusion matrix, summed over the trials by the loader */
		if (classes)
			plot_confusion(ret, p, cap);
		return;
	}
	plot_overlay(ret, p, seed, t);
	if (has_metric(p, "latency"))
		plot_latency(ret, p, cap);
	if (classes)
		plot_confusion(ret, p, cap);
	if (has_metric(p, "event_"))
		plot_raster(ret, p, cap);
	if (stim_out)
		plot_charge(ret, p, t);
	plot_bode(ret, p, seed, t);
	if (!events && !classes && !stim_out)
		plot_psd(ret, t);
}

size_t bench_engine_plots_artifacts(const struct bench_engine_plots *pl,
				    struct bench_store_artifact *arts, size_t max)
{
	size_t i;

	for (i = 0; i < pl->n && i < max; i++) {
		memset(&arts[i], 0, sizeof(arts[i]));
		arts[i].kind = pl->plot[i].kind;
		arts[i].blob = pl->plot[i].csv.data;
		arts[i].blob_len = pl->plot[i].csv.len;
		arts[i].media_type = "text/csv";
	}
	return i;
}

void bench_engine_plots_clear(struct bench_engine_plots *pl)
{
	size_t i;

	if (!pl)
		return;
	for (i = 0; i < pl->n; i++)
		bench_buf_free(&pl->plot[i].csv);
	memset(pl, 0, sizeof(*pl));
}
