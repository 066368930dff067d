// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event matching, classification, ITR and SzCORE scoring; see events.h.
 */
#include "score/events.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "score/stats.h"

static double ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : NAN;
}

static bool sorted_i64(const int64_t *t, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (t[i] < t[i - 1])
			return false;
	}
	return true;
}

int bench_score_match_events(const int64_t *ref_ns, size_t n_ref, const int64_t *det_ns,
			     size_t n_det, int64_t before_ns, int64_t after_ns,
			     struct bench_match *ret, int64_t *ret_delay_ns)
{
	struct bench_match m = { 0 };
	size_t i, j = 0;

	if (!ret || (n_ref && !ref_ns) || (n_det && !det_ns) || before_ns < 0 || after_ns < 0 ||
	    !sorted_i64(ref_ns, n_ref) || !sorted_i64(det_ns, n_det))
		return -EINVAL;
	for (i = 0; i < n_ref; i++) {
		/* saturating window edges: no overflow near INT64 limits */
		int64_t lo = ref_ns[i] < INT64_MIN + before_ns ? INT64_MIN : ref_ns[i] - before_ns;
		int64_t hi = ref_ns[i] > INT64_MAX - after_ns ? INT64_MAX : ref_ns[i] + after_ns;

		/* too early for this reference, hence for every later one */
		while (j < n_det && det_ns[j] < lo) {
			m.fp++;
			j++;
		}
		if (j < n_det && det_ns[j] <= hi) {
			if (ret_delay_ns)
				ret_delay_ns[i] = det_ns[j] - ref_ns[i];
			m.tp++;
			j++;
		} else {
			if (ret_delay_ns)
				ret_delay_ns[i] = INT64_MIN;
			m.fn++;
		}
	}
	m.fp += n_det - j;
	m.sensitivity = ratio(m.tp, m.tp + m.fn);
	m.precision = ratio(m.tp, m.tp + m.fp);
	m.accuracy = ratio(m.tp, m.tp + m.fn + m.fp);
	m.f1 = ratio(2 * m.tp, 2 * m.tp + m.fp + m.fn);
	*ret = m;
	return 0;
}

int bench_score_proportion_u(uint64_t successes, uint64_t trials, double *ret_u)
{
	struct bench_proportion pr;
	int r;

	if (!ret_u)
		return -EINVAL;
	/* 68.27 %: the probability of |Z| <= 1 for a standard normal Z (erf(1 / sqrt 2)). */
	r = bench_score_clopper_pearson(successes, trials, erf(M_SQRT1_2), &pr);
	if (r < 0)
		return r;
	*ret_u = (pr.high - pr.low) / 2.0;
	return 0;
}

int bench_score_confusion(const int *truth, const int *pred, size_t n, unsigned n_classes,
			  uint64_t *ret_matrix)
{
	size_t i;

	if (!truth || !pred || !ret_matrix || n_classes < 2 || n_classes > 64)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (truth[i] < 0 || truth[i] >= (int)n_classes || pred[i] < 0 ||
		    pred[i] >= (int)n_classes)
			return -EINVAL;
	}
	memset(ret_matrix, 0, (size_t)n_classes * n_classes * sizeof(*ret_matrix));
	for (i = 0; i < n; i++)
		ret_matrix[(size_t)truth[i] * n_classes + (size_t)pred[i]]++;
	return 0;
}

int bench_score_classification(const uint64_t *matrix, unsigned n_classes,
			       struct bench_classification *ret)
{
	uint64_t total = 0, diag = 0;
	double pe = 0.0;
	unsigned t, p;

	if (!matrix || !ret || n_classes < 2 || n_classes > 64)
		return -EINVAL;
	for (t = 0; t < n_classes; t++) {
		for (p = 0; p < n_classes; p++)
			total += matrix[t * n_classes + p];
		diag += matrix[t * n_classes + t];
	}
	if (total == 0)
		return -EINVAL;
	for (t = 0; t < n_classes; t++) {
		uint64_t row = 0, col = 0;

		for (p = 0; p < n_classes; p++) {
			row += matrix[t * n_classes + p];
			col += matrix[p * n_classes + t];
		}
		pe += ((double)row / (double)total) * ((double)col / (double)total);
	}
	ret->trials = total;
	ret->correct = diag;
	ret->accuracy = (double)diag / (double)total;
	ret->chance = pe;
	ret->kappa = pe < 1.0 ? (ret->accuracy - pe) / (1.0 - pe) : NAN;
	return 0;
}

double bench_score_itr_bits(unsigned n_classes, double p)
{
	double n = (double)n_classes, b;

	if (n_classes < 2 || !(p >= 0.0 && p <= 1.0))
		return NAN;
	if (p <= 1.0 / n)
		return 0.0;
	b = log2(n) + p * log2(p);
	if (p < 1.0)
		b += (1.0 - p) * log2((1.0 - p) / (n - 1.0));
	return b;
}

double bench_score_itr_bits_per_min(unsigned n_classes, double p, double selection_s)
{
	if (!(selection_s > 0.0) || !isfinite(selection_s))
		return NAN;
	return bench_score_itr_bits(n_classes, p) * 60.0 / selection_s;
}

int bench_score_detection_threshold(const double *amp, const double *rate, size_t n, double target,
				    double *ret_amp)
{
	size_t i;

	if (!amp || !rate || !ret_amp || n == 0 || !(target > 0.0 && target <= 1.0))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isfinite(amp[i]) || !(rate[i] >= 0.0 && rate[i] <= 1.0) ||
		    (i && !(amp[i] > amp[i - 1])))
			return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (rate[i] >= target) {
			if (i == 0)
				*ret_amp = amp[0];
			else
				*ret_amp = amp[i - 1] + (target - rate[i - 1]) /
								(rate[i] - rate[i - 1]) *
								(amp[i] - amp[i - 1]);
			return 0;
		}
	}
	return -ENOENT;
}

void bench_szcore_params_default(struct bench_szcore_params *p)
{
	p->tol_before_s = 30.0;
	p->tol_after_s = 60.0;
	p->min_overlap = 0.0;
	p->max_event_s = 300.0;
	p->min_gap_s = 90.0;
}

/* A growable interval list. */
struct ivl {
	struct bench_interval *v;
	size_t n, cap;
};

static int ivl_push(struct ivl *l, double s, double e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct bench_interval *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].start_s = s;
	l->v[l->n].end_s = e;
	l->n++;
	return 0;
}

static bool ivl_valid(const struct bench_interval *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(v[i].start_s) || !isfinite(v[i].end_s) ||
		    !(v[i].start_s < v[i].end_s))
			return false;
		if (i && v[i].start_s < v[i - 1].start_s)
			return false;
	}
	return true;
}

/* Merge events closer than @gap (timescoring: start - previous end < gap), then split. */
static int merge_split(const struct bench_interval *in, size_t n, double gap, double max_len,
		       struct ivl *out)
{
	struct ivl merged = { 0 };
	size_t i;
	int r = 0;

	for (i = 0; i < n && r == 0; i++) {
		if (merged.n && in[i].start_s - merged.v[merged.n - 1].end_s < gap) {
			if (in[i].end_s > merged.v[merged.n - 1].end_s)
				merged.v[merged.n - 1].end_s = in[i].end_s;
		} else {
			r = ivl_push(&merged, in[i].start_s, in[i].end_s);
		}
	}
	for (i = 0; i < merged.n && r == 0; i++) {
		double s = merged.v[i].start_s, e = merged.v[i].end_s;

		while (r == 0 && e - s > max_len) {
			r = ivl_push(out, s, s + max_len);
			s += max_len;
		}
		if (r == 0)
			r = ivl_push(out, s, e);
	}
	free(merged.v);
	return r;
}

int bench_score_szcore(const struct bench_interval *ref, size_t n_ref,
		       const struct bench_interval *hyp, size_t n_hyp, double duration_s,
		       const struct bench_szcore_params *params, struct bench_szcore *ret)
{
	struct bench_szcore_params def;
	struct ivl r_ev = { 0 }, h_ev = { 0 }, tp_union = { 0 };
	struct bench_szcore s = { 0 };
	size_t i, j;
	int r;

	if (!params) {
		bench_szcore_params_default(&def);
		params = &def;
	}
	if (!ret || (n_ref && !ref) || (n_hyp && !hyp) || !(duration_s > 0.0) ||
	    !(params->tol_before_s >= 0.0) || !(params->tol_after_s >= 0.0) ||
	    !(params->min_overlap >= 0.0 && params->min_overlap < 1.0) ||
	    !(params->max_event_s > 0.0) || !(params->min_gap_s >= 0.0) || !ivl_valid(ref, n_ref) ||
	    !ivl_valid(hyp, n_hyp))
		return -EINVAL;

	r = merge_split(ref, n_ref, params->min_gap_s, params->max_event_s, &r_ev);
	if (r == 0)
		r = merge_split(hyp, n_hyp, params->min_gap_s, params->max_event_s, &h_ev);
	if (r < 0)
		goto out_free;

	for (i = 0; i < r_ev.n; i++) {
		double es = fmax(0.0, r_ev.v[i].start_s - params->tol_before_s);
		double ee = fmin(duration_s, r_ev.v[i].end_s + params->tol_after_s);
		double cover = 0.0;

		if (!(ee > es))
			continue;
		for (j = 0; j < h_ev.n; j++) {
			double lo = fmax(es, h_ev.v[j].start_s), hi = fmin(ee, h_ev.v[j].end_s);

			if (hi > lo)
				cover += hi - lo;
		}
		if (cover / (ee - es) > params->min_overlap + 1e-6) {
			s.tp++;
			/* extended starts are non-decreasing: merge into the union */
			if (tp_union.n && es <= tp_union.v[tp_union.n - 1].end_s) {
				if (ee > tp_union.v[tp_union.n - 1].end_s)
					tp_union.v[tp_union.n - 1].end_s = ee;
			} else {
				r = ivl_push(&tp_union, es, ee);
				if (r < 0)
					goto out_free;
			}
		}
	}
	for (j = 0; j < h_ev.n; j++) {
		bool covered = false;

		for (i = 0; i < tp_union.n && !covered; i++)
			covered = h_ev.v[j].start_s >= tp_union.v[i].start_s &&
				  h_ev.v[j].end_s <= tp_union.v[i].end_s;
		if (!covered)
			s.fp++;
	}
	s.ref_events = r_ev.n;
	s.hyp_events = h_ev.n;
	s.sensitivity = ratio(s.tp, s.ref_events);
	s.precision = ratio(s.tp, s.tp + s.fp);
	if (isnan(s.sensitivity) || isnan(s.precision))
		s.f1 = NAN;
	else if (s.sensitivity + s.precision == 0.0)
		s.f1 = 0.0;
	else
		s.f1 = 2.0 * s.sensitivity * s.precision / (s.sensitivity + s.precision);
	s.fp_per_24h = (double)s.fp / (duration_s / 86400.0);
	*ret = s;
	r = 0;
out_free:
	free(tp_union.v);
	free(h_ev.v);
	free(r_ev.v);
	return r;
}
