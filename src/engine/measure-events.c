// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event metrics: detected events against the stimulus truth (spikes, bursts, latency)
 * and classification (accuracy, kappa, ITR) of the DUT's decisions.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
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
 * Detected events against the stimulus truth (C6 spikes, B12/B13 bursts, A14 impulses):
 * reference times from the truth events of the model the protocol injects, detections
 * from the DUT event channel (docs/sim.md event codes: 1 spike, 5 burst detected, 3
 * stimulation on). The capture's frame 0 is taken as the stimulus start (same clock on
 * the emulated rig).
 */
static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* DUT event kinds that answer a stimulus: spike, class decision, stimulation on, burst. */
static bool response_kind(unsigned kind)
{
	return kind == 1u || kind == 2u || kind == 3u || kind == 5u;
}

/*
 * The truth that @m is scored against: spikes or beta bursts; for a latency also the
 * impulses of a metrology stimulus (A14: a WAVEFORM event per impulse).
 */
static int events_truth_type(const struct bench_engine_capture *cap, bool latency)
{
	size_t i;

	for (i = 0; i < cap->n_truth; i++)
		if (cap->truth[i].type == SIGGEN_EVENT_SPIKE ||
		    cap->truth[i].type == SIGGEN_EVENT_BETA_BURST)
			return cap->truth[i].type;
	for (i = 0; latency && i < cap->n_truth; i++)
		if (cap->truth[i].type == SIGGEN_EVENT_WAVEFORM)
			return SIGGEN_EVENT_WAVEFORM;
	return -1;
}

/*
 * Numerator and denominator of the event ratio @name (sensitivity, precision, accuracy);
 * for the false-detection rate the false detections over 1.
 */
static void ratio_counts(const char *name, const struct bench_match *mt, uint64_t *ret_num,
			 uint64_t *ret_den)
{
	*ret_num = mt->tp;
	if (strcmp(name, "event_false_rate") == 0) {
		*ret_num = mt->fp;
		*ret_den = 1;
	} else if (strcmp(name, "event_sensitivity") == 0)
		*ret_den = mt->tp + mt->fn;
	else if (strcmp(name, "event_precision") == 0)
		*ret_den = mt->tp + mt->fp;
	else
		*ret_den = mt->tp + mt->fp + mt->fn; /* event_accuracy */
}

static int m_events(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		    const struct bench_protocol_criterion *cr,
		    const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		    struct bench_quantity *q, char *reterr, size_t errlen)
{
	bool latency = strcmp(m->name, "latency") == 0;
	/* A decoder's decision comes a decision window after the cue: latency counts from its end. */
	double dwin_s = latency ? bench_protocol_metric_param_num(m, "decision-window", 0) : 0;
	double tol_s = bench_protocol_metric_param_num(m, "tolerance", 0.4) * 1e-3;
	double pct = bench_protocol_metric_param_num(m, "percentile", 50);
	int truth_type = events_truth_type(cap, latency);
	int64_t *ref = NULL, *det = NULL, *delay = NULL;
	bool false_rate = strcmp(m->name, "event_false_rate") == 0;
	size_t n_ref = 0, n_ch = 1, worst_ch = SIZE_MAX, i, c;
	uint64_t num = 0, den = 0;
	unsigned kind = 0;
	struct bench_match mt;
	double v = NAN, u = 0;
	int r;

	if (!t->events) {
		MEASURE_ERRF("the capture has no DUT event channel");
		return -ENODATA;
	}
	if (truth_type < 0) {
		MEASURE_ERRF("the stimulus has no spike, burst or impulse ground truth");
		return -ENODATA;
	}
	if (truth_type == SIGGEN_EVENT_SPIKE)
		kind = 1u;
	else if (truth_type == SIGGEN_EVENT_BETA_BURST)
		kind = latency ? 3u : 5u;
	if (truth_type == SIGGEN_EVENT_BETA_BURST && bench_protocol_metric_param(m, "tolerance") &&
	    bench_protocol_metric_param(m, "tolerance")->has_unit &&
	    bench_protocol_metric_param(m, "tolerance")->unit == BENCH_UNIT_MS)
		tol_s = bench_protocol_metric_param(m, "tolerance")->number * 1e-3;
	/*
	 * Spikes are matched per channel (the DUT's event value is the channel), on the
	 * capture channels that carry a stimulus channel: stimulus channel k drives DUT
	 * input k (the fixture's DAC order), so channels beyond the last one with ground
	 * truth are not part of the test (on the emulated rig they repeat the stimulus
	 * channels and would count every detection as false). Bursts, stimulation onsets
	 * and impulse responses are device-wide.
	 */
	if (truth_type == SIGGEN_EVENT_SPIKE) {
		n_ch = 0;
		for (i = 0; i < cap->n_truth; i++)
			if (cap->truth[i].type == SIGGEN_EVENT_SPIKE &&
			    cap->truth[i].channel >= 0 && (size_t)cap->truth[i].channel + 1 > n_ch)
				n_ch = (size_t)cap->truth[i].channel + 1;
		if (n_ch > t->n_channels)
			n_ch = t->n_channels;
	}
	ref = calloc(cap->n_truth + 1, sizeof(*ref));
	det = calloc(t->n_frames + 1, sizeof(*det));
	delay = calloc(cap->n_truth + 1, sizeof(*delay));
	if (!ref || !det || !delay) {
		r = -ENOMEM;
		goto out;
	}
	memset(&mt, 0, sizeof(mt));
	for (c = 0; c < n_ch; c++) {
		struct bench_match one;
		int64_t settle_ns = (int64_t)llround((double)t->settle_frames / t->rate_hz * 1e9);
		size_t nr = 0, nd = 0;

		for (i = 0; i < cap->n_truth; i++) {
			const struct bench_engine_truth_event *e = &cap->truth[i];
			int64_t at = (int64_t)llround(
				(truth_type == SIGGEN_EVENT_SPIKE ? e->peak_s : e->start_s) * 1e9);

			if (e->type != truth_type || at < settle_ns)
				continue;
			at += (int64_t)llround(dwin_s * 1e9); /* when the decision is due */
			if (truth_type == SIGGEN_EVENT_SPIKE && e->channel != (int32_t)c)
				continue;
			ref[nr++] = at;
		}
		for (i = t->settle_frames; i < t->n_frames; i++) {
			uint32_t ev = t->events[i];

			if (!ev || (kind ? (ev >> 24) != kind : !response_kind(ev >> 24)))
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
		if (latency)
			r = bench_score_match_events(
				ref, nr, det, nd, 0,
				(int64_t)llround(bench_protocol_metric_param_num(m, "window", 1.0) *
						 1e9),
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
		if (!latency && m->reduce == BENCH_PROTOCOL_REDUCE_WORST) {
			/* The worst channel that has something to score (a dead one scores 0). */
			uint64_t cn, cd;

			ratio_counts(m->name, &one, &cn, &cd);
			if (false_rate ? cn > num || worst_ch == SIZE_MAX :
					 cd && (den == 0 || (double)cn / (double)cd <
								    (double)num / (double)den)) {
				num = cn;
				den = cd;
				worst_ch = c;
			}
		}
	}
	if (latency || m->reduce != BENCH_PROTOCOL_REDUCE_WORST)
		ratio_counts(m->name, &mt, &num, &den);
	if (false_rate) {
		/*
		 * False detections per second of scored capture (per channel for spikes):
		 * a Poisson count, u = sqrt(n) / T with n at least 1 (0 seen is not 0 certain).
		 */
		double span_s = (double)(bench_measure_stim_end(t) - t->settle_frames) / t->rate_hz;

		v = span_s > 0 ? (double)num / span_s : NAN;
		u = span_s > 0 ? sqrt(num ? (double)num : 1.0) / span_s : NAN;
	} else if (!latency) {
		/* A ratio of counts: binomial (Clopper-Pearson) standard uncertainty, type A. */
		v = den ? (double)num / (double)den : NAN;
		if (den && bench_score_proportion_u(num, den, &u) < 0)
			u = NAN;
		bench_log(BENCH_LOG_DEBUG, "engine",
			  "%s: tp %llu fp %llu fn %llu on %zu channels; value %llu/%llu%s%zu",
			  m->id, (unsigned long long)mt.tp, (unsigned long long)mt.fp,
			  (unsigned long long)mt.fn, n_ch, (unsigned long long)num,
			  (unsigned long long)den,
			  m->reduce == BENCH_PROTOCOL_REDUCE_WORST ? " from channel " : " pooled ",
			  worst_ch);
	} else {
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
		/* Type B: each event time is known to one DUT sample (rectangular, q/sqrt(12)). */
		u = 1e3 / t->rate_hz / sqrt(12.0);
		v = m->unit == BENCH_UNIT_US ? v * 1e3 : m->unit == BENCH_UNIT_S ? v * 1e-3 : v;
		u = m->unit == BENCH_UNIT_US ? u * 1e3 : m->unit == BENCH_UNIT_S ? u * 1e-3 : u;
	}
	if (m->unit == BENCH_UNIT_PERCENT && !latency) {
		v *= 100.0;
		u *= 100.0;
	}
	if (latency)
		bench_quantity_init(q, v, m->unit, 0, u, p->k);
	else
		bench_quantity_init(q, v, m->unit, u, 0, p->k);
	r = isfinite(v) ? 0 : -ENODATA;
	if (r < 0)
		MEASURE_ERRF("no reference events in the capture");
out:
	free(ref);
	free(det);
	free(delay);
	return r;
}

int bench_measure_classify_trials(const struct bench_protocol_metric *m,
				  const struct bench_engine_capture *cap,
				  const struct bench_engine_trace *t, unsigned *n_classes,
				  int **ret_truth, int **ret_pred, double **ret_start,
				  size_t *ret_n)
{
	double win_s = bench_protocol_metric_param_num(m, "window", NAN);
	double late_s = bench_protocol_metric_param_num(m, "max-delay", NAN);
	int *truth, *pred;
	double *start, *from;
	size_t n = 0, i, f;

	if (!t->events)
		return -ENODATA;
	truth = calloc(cap->n_truth + 1, sizeof(*truth));
	pred = calloc(cap->n_truth + 1, sizeof(*pred));
	start = calloc(cap->n_truth + 1, sizeof(*start));
	from = calloc(cap->n_truth + 1, sizeof(*from));
	if (!truth || !pred || !start || !from) {
		free(truth);
		free(pred);
		free(start);
		free(from);
		return -ENOMEM;
	}
	for (i = 0; i < cap->n_truth; i++) {
		const struct bench_engine_truth_event *e = &cap->truth[i];

		if (e->type != SIGGEN_EVENT_SSVEP && e->type != SIGGEN_EVENT_MI &&
		    e->type != SIGGEN_EVENT_ERP && e->type != SIGGEN_EVENT_SPELLER_CUE)
			continue;
		if (e->start_s * t->rate_hz < (double)t->settle_frames || e->label < 0)
			continue;
		truth[n] = e->label;
		start[n] = e->start_s;
		/*
		 * A speller selection is decided once its flashes are over (the truth event's
		 * end); a cue-locked trial a decision window after its start.
		 */
		from[n] = e->type == SIGGEN_EVENT_SPELLER_CUE ? e->end_s :
			  isfinite(win_s)		      ? e->start_s + win_s :
								e->start_s;
		/* a selection whose decision span the capture does not cover is not scored */
		if (e->type == SIGGEN_EVENT_SPELLER_CUE &&
		    (from[n] + (isfinite(late_s) ? late_s : 0)) * t->rate_hz > (double)t->n_frames)
			continue;
		if (*n_classes <= (unsigned)e->label)
			*n_classes = (unsigned)e->label + 1;
		n++;
	}
	if (n == 0 || *n_classes < 2 || *n_classes > 64) {
		free(truth);
		free(pred);
		free(start);
		free(from);
		return -ENODATA;
	}
	for (i = 0; i < n; i++) {
		double end = i + 1 < n ? start[i + 1] : (double)t->n_frames / t->rate_hz;

		pred[i] = (truth[i] + 1) % (int)*n_classes; /* no decision: wrong */
		if (isfinite(late_s) && (isfinite(win_s) || from[i] != start[i]) &&
		    from[i] + late_s < end)
			end = from[i] + late_s; /* later than that: no decision */
		for (f = (size_t)ceil(from[i] * t->rate_hz);
		     f < t->n_frames && f < end * t->rate_hz; f++)
			if (t->events[f] && (t->events[f] >> 24) == 2u) {
				pred[i] = (int)(t->events[f] & 0xffffffu) % (int)*n_classes;
				break;
			}
	}
	free(from);
	*ret_truth = truth;
	*ret_pred = pred;
	*ret_start = start;
	*ret_n = n;
	return 0;
}

/*
 * Classification (C1-C4): each labelled trial of the stimulus truth (SSVEP class, MI
 * class, ERP target, P300 speller symbol) against the first DUT class decision (event
 * code 2) in its decision span (bench_measure_classify_trials()); a trial without a
 * decision counts as wrong. ITR: T per selection is the window plus the gaze shift when
 * the protocol gives both, else the mean spacing of the selections in the truth (for the
 * speller: repetitions x 2M x SOA + pause, every pause included, as Wolpaw 2002 asks).
 */
static int m_classify(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_protocol_criterion *cr,
		      const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		      struct bench_quantity *q, char *reterr, size_t errlen)
{
	unsigned n_classes = (unsigned)bench_protocol_metric_param_num(m, "classes", 0);
	double win_s = bench_protocol_metric_param_num(m, "window", NAN);
	double gaze_s = bench_protocol_metric_param_num(m, "gaze-shift", NAN);
	double u = 0, u_acc = 0;
	struct bench_classification cl;
	uint64_t *matrix = NULL;
	int *truth = NULL, *pred = NULL;
	double *start = NULL, v, span = 0;
	size_t n = 0, i;
	int r;

	if (!t->events) {
		MEASURE_ERRF("the capture has no DUT event channel");
		return -ENODATA;
	}
	r = bench_measure_classify_trials(m, cap, t, &n_classes, &truth, &pred, &start, &n);
	if (r == -ENODATA) {
		MEASURE_ERRF("no labelled trials in the stimulus truth");
		goto out;
	}
	if (r < 0)
		goto out;
	for (i = 0; i + 1 < n; i++)
		span += start[i + 1] - start[i];
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
	/* Accuracy is a binomial proportion: Clopper-Pearson standard uncertainty (type A). */
	if (bench_score_proportion_u(cl.correct, cl.trials, &u_acc) < 0)
		u_acc = NAN;
	if (strcmp(m->name, "kappa") == 0) {
		v = cl.kappa;
		/* kappa = (p_o - p_e) / (1 - p_e), p_e taken as exact (Cohen 1960's simple SE) */
		u = u_acc / (1.0 - cl.chance);
	} else if (strcmp(m->name, "itr") == 0) {
		/*
		 * T per selection: the decision window plus the gaze shift when the protocol
		 * gives both (C3: T includes every pause), else the mean trial spacing.
		 */
		double sel = isfinite(win_s) && isfinite(gaze_s) ? win_s + gaze_s :
			     n > 1				 ? span / (double)(n - 1) :
								   p->capture_s;
		double lo = fmax(cl.accuracy - u_acc, 0), hi = fmin(cl.accuracy + u_acc, 1);

		v = m->unit == BENCH_UNIT_BITS ?
			    bench_score_itr_bits(n_classes, cl.accuracy) :
			    bench_score_itr_bits_per_min(n_classes, cl.accuracy, sel);
		/* propagated through the ITR curve: half its change over accuracy +- u */
		u = m->unit == BENCH_UNIT_BITS ?
			    (bench_score_itr_bits(n_classes, hi) -
			     bench_score_itr_bits(n_classes, lo)) /
				    2 :
			    (bench_score_itr_bits_per_min(n_classes, hi, sel) -
			     bench_score_itr_bits_per_min(n_classes, lo, sel)) /
				    2;
	} else {
		v = m->unit == BENCH_UNIT_PERCENT ? cl.accuracy * 100.0 : cl.accuracy;
		u = m->unit == BENCH_UNIT_PERCENT ? u_acc * 100.0 : u_acc;
	}
	bench_quantity_init(q, v, m->unit, u, 0, p->k);
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
