// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event metrics: detected events against the stimulus truth (spikes, bursts, latency)
 * and classification (accuracy, kappa, ITR) of the DUT's decisions.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/units.h"
#include "engine/measure-internal.h"
#include "score/events.h"
#include "score/stats.h"
#include "siggen.h"

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
		    const struct bench_protocol_criterion *cr,
		    const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		    struct bench_quantity *q, char *reterr, size_t errlen)
{
	double tol_s = bench_measure_param_num(m, "tolerance", 0.4) * 1e-3;
	double pct = bench_measure_param_num(m, "percentile", 50);
	unsigned kind = 0;
	int truth_type = -1;
	int64_t *ref = NULL, *det = NULL, *delay = NULL;
	size_t n_ref = 0, i, c;
	struct bench_match mt;
	double v = NAN;
	int r;

	if (!t->events) {
		MEASURE_ERRF("the capture has no DUT event channel");
		return -ENODATA;
	}
	for (i = 0; i < cap->n_truth && truth_type < 0; i++)
		if (cap->truth[i].type == SIGGEN_EVENT_SPIKE ||
		    cap->truth[i].type == SIGGEN_EVENT_BETA_BURST) /* spike, beta burst */
			truth_type = cap->truth[i].type;
	if (truth_type < 0) {
		MEASURE_ERRF("the stimulus has no spike or burst ground truth");
		return -ENODATA;
	}
	kind = truth_type == SIGGEN_EVENT_SPIKE ? 1u : (strcmp(m->name, "latency") == 0 ? 3u : 5u);
	if (truth_type == SIGGEN_EVENT_BETA_BURST && bench_measure_param(m, "tolerance") &&
	    bench_measure_param(m, "tolerance")->has_unit &&
	    bench_measure_param(m, "tolerance")->unit == BENCH_UNIT_MS)
		tol_s = bench_measure_param(m, "tolerance")->number * 1e-3;
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
			r = bench_score_match_events(
				ref, nr, det, nd, 0,
				(int64_t)llround(bench_measure_param_num(m, "window", 1.0) * 1e9),
				&one, delay);
		else
			r = bench_score_match_events(ref, nr, det, nd,
						     (int64_t)llround(tol_s * 1e9),
						     (int64_t)llround(tol_s * 1e9), &one, NULL);
		if (r < 0) {
			MEASURE_ERRF("event matching failed (%s)", strerror(-r));
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
			MEASURE_ERRF("no matched events for the latency");
			goto out;
		}
		v = m->unit == BENCH_UNIT_US ? v * 1e3 : m->unit == BENCH_UNIT_S ? v * 1e-3 : v;
	}
	if (m->unit == BENCH_UNIT_PERCENT && strcmp(m->name, "latency") != 0)
		v *= 100.0;
	bench_quantity_init(q, v, m->unit, 0, 0, p->k);
	r = isfinite(v) ? 0 : -ENODATA;
	if (r < 0)
		MEASURE_ERRF("no reference events in the capture");
out:
	free(ref);
	free(det);
	free(delay);
	return r;
}

/*
 * Classification (C1-C4): each labelled trial of the stimulus truth (SSVEP class, MI
 * class, ERP target) against the first DUT class decision (event code 2) between its
 * start and the next trial's start; a trial without a decision counts as wrong.
 */
static int m_classify(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_protocol_criterion *cr,
		      const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		      struct bench_quantity *q, char *reterr, size_t errlen)
{
	unsigned n_classes = (unsigned)bench_measure_param_num(m, "classes", 0);
	struct bench_classification cl;
	uint64_t *matrix = NULL;
	int *truth = NULL, *pred = NULL;
	double *start = NULL, v, span = 0;
	size_t n = 0, i, f;
	int r;

	if (!t->events) {
		MEASURE_ERRF("the capture has no DUT event channel");
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
		MEASURE_ERRF("no labelled trials in the stimulus truth");
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
		MEASURE_ERRF("classification scoring failed (%s)", strerror(-r));
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
		MEASURE_ERRF("'%s' is not defined for this confusion matrix", m->name);
out:
	free(matrix);
	free(truth);
	free(pred);
	free(start);
	return r;
}
const struct bench_measure_route bench_measure_routes_events[] = {
	{ "accuracy", NULL, m_classify }, { "kappa", NULL, m_classify },
	{ "itr", NULL, m_classify },	  { "event_*", NULL, m_events },
	{ "latency", NULL, m_events },	  { NULL, NULL, NULL },
};
