// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for score/events.h: tolerance-window event matching and
 * latencies (closed forms), confusion matrix and Cohen's kappa (hand
 * computed), Wolpaw ITR (catalogue C2 example: 4.32 bits, 173 bits/min),
 * and SzCORE event scoring against a 10 Hz mask implementation of the
 * timescoring rules in tests/ref/score_ref.py on random annotations (exact
 * counts) plus hand-made cases for each rule.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "common/error.h"
#include "score/events.h"
#include "score/stats.h"
#include "score-ref.h"

TestSuite(score_events);

Test(score_events, matching_counts_tp_fp_fn_within_the_window)
{
	/* tolerance 400 us each side (spike matching, C6) */
	const int64_t ref[] = { 1000000, 2000000, 3000000, 4000000 };
	const int64_t det[] = { 900000, 1300000, 2350000, 3500000, 4000000, 9000000 };
	int64_t delay[4];
	struct bench_match m;

	cr_assert_eq(bench_score_match_events(ref, 4, det, 6, 400000, 400000, &m, delay), 0);
	/* 1000000<-900000, 2000000<-2350000, 3000000 missed, 4000000<-4000000 */
	cr_expect_eq(m.tp, 3);
	cr_expect_eq(m.fn, 1);
	cr_expect_eq(m.fp, 3); /* 1300000, 3500000, 9000000 */
	cr_expect_float_eq(m.sensitivity, 0.75, 1e-15);
	cr_expect_float_eq(m.precision, 0.5, 1e-15);
	cr_expect_float_eq(m.accuracy, 3.0 / 7.0, 1e-15);
	cr_expect_eq(delay[0], -100000);
	cr_expect_eq(delay[1], 350000);
	cr_expect_eq(delay[2], INT64_MIN);
	cr_expect_eq(delay[3], 0);
}

Test(score_events, matching_is_one_to_one_and_maximal)
{
	/* two refs 1 ms apart, two detections that each fit both windows */
	const int64_t ref[] = { 0, 1000000 };
	const int64_t det[] = { 600000, 700000 };
	struct bench_match m;

	cr_assert_eq(bench_score_match_events(ref, 2, det, 2, 1000000, 1000000, &m, NULL), 0);
	cr_expect_eq(m.tp, 2);
	cr_expect_eq(m.fp, 0);
	cr_expect_eq(bench_score_match_events(det, 2, ref, 2, 0, 0, &m, NULL), 0);
	cr_expect_eq(m.tp, 0);
	cr_expect_eq(bench_score_match_events(det, 2, ref, 2, -1, 0, &m, NULL), -EINVAL);
}

Test(score_events, empty_reference_gives_nan_sensitivity)
{
	const int64_t det[] = { 5 };
	struct bench_match m;

	cr_assert_eq(bench_score_match_events(NULL, 0, det, 1, 10, 10, &m, NULL), 0);
	cr_expect(isnan(m.sensitivity));
	cr_expect_float_eq(m.precision, 0.0, 1e-15);
}

Test(score_events, kappa_of_a_two_class_matrix)
{
	/* [[20, 5], [10, 15]]: p_o = 0.7, p_e = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = 0.4 */
	const int truth[] = { 0, 0, 0, 1, 1, 1 };
	const int pred[] = { 0, 1, 0, 1, 0, 1 };
	const uint64_t mat[] = { 20, 5, 10, 15 };
	struct bench_classification c;
	uint64_t cm[4];

	cr_assert_eq(bench_score_classification(mat, 2, &c), 0);
	cr_expect_float_eq(c.accuracy, 0.7, 1e-15);
	cr_expect_float_eq(c.chance, 0.5, 1e-15);
	cr_expect_float_eq(c.kappa, 0.4, 1e-15);
	cr_assert_eq(bench_score_confusion(truth, pred, 6, 2, cm), 0);
	cr_expect_eq(cm[0], 2);
	cr_expect_eq(cm[1], 1);
	cr_expect_eq(cm[2], 1);
	cr_expect_eq(cm[3], 2);
}

Test(score_events, itr_matches_the_catalogue_example)
{
	double b = bench_score_itr_bits(40, 0.9);
	double closed = log2(40.0) + 0.9 * log2(0.9) + 0.1 * log2(0.1 / 39.0);

	cr_expect_float_eq(b, closed, 1e-12);
	cr_expect(fabs(b - 4.32) < 0.005, "%g bits/selection", b);
	cr_expect(fabs(bench_score_itr_bits_per_min(40, 0.9, 1.5) - 173.0) < 0.5);
	cr_expect_float_eq(bench_score_itr_bits(4, 1.0), 2.0, 1e-15);
	cr_expect_eq(bench_score_itr_bits(4, 0.25), 0.0);
	cr_expect(isnan(bench_score_itr_bits(1, 0.9)));
}

static struct bench_szcore sz(const struct bench_interval *r, size_t nr,
			      const struct bench_interval *h, size_t nh, double dur)
{
	struct bench_szcore s;

	cr_assert_eq(bench_score_szcore(r, nr, h, nh, dur, NULL, &s), 0);
	return s;
}

Test(score_events, szcore_tolerance_30s_before_60s_after)
{
	const struct bench_interval ref[] = { { 1000, 1060 } };
	const struct bench_interval early[] = { { 975, 990 } };	  /* within 30 s before */
	const struct bench_interval late[] = { { 1110, 1115 } };  /* within 60 s after */
	const struct bench_interval far[] = { { 960, 965 } };	  /* 35 s before: outside */
	const struct bench_interval spill[] = { { 1100, 1130 } }; /* overlaps, runs past +60 */
	struct bench_szcore s;

	s = sz(ref, 1, early, 1, 86400);
	cr_expect(s.tp == 1 && s.fp == 0);
	s = sz(ref, 1, late, 1, 86400);
	cr_expect(s.tp == 1 && s.fp == 0);
	s = sz(ref, 1, far, 1, 86400);
	cr_expect(s.tp == 0 && s.fp == 1);
	cr_expect_float_eq(s.fp_per_24h, 1.0, 1e-12);
	s = sz(ref, 1, spill, 1, 86400);
	cr_expect(s.tp == 1 && s.fp == 1); /* detected, but the tail counts as a false alarm */
}

Test(score_events, szcore_merges_within_90s_and_splits_at_5min)
{
	const struct bench_interval ref[] = { { 1000, 1700 } }; /* 700 s: 300 + 300 + 100 */
	const struct bench_interval hyp[] = { { 1000, 1010 }, { 1050, 1060 } }; /* merged */
	struct bench_szcore s;

	s = sz(ref, 1, hyp, 2, 86400);
	cr_expect_eq(s.ref_events, 3);
	cr_expect_eq(s.hyp_events, 1);
	cr_expect_eq(s.tp, 1);
	cr_expect_eq(s.fp, 0);
	cr_expect_float_eq(s.sensitivity, 1.0 / 3.0, 1e-12);
}

Test(score_events, szcore_matches_a_mask_implementation_on_random_annotations)
{
	struct ref_rng rng = { 2024 };
	struct bench_interval ref[12], hyp[30];
	double fr[24], fh[60], out[6] = { 0 }, t;
	char pr[64], ph[64], args[256];
	struct bench_szcore s;
	const double dur = 36000.0;
	int trial, i;

	for (trial = 0; trial < 3; trial++) {
		/* times on the 0.1 s grid so the 10 Hz mask is exact */
		for (i = 0, t = 100.0; i < 12; i++) {
			t += 10.0 * floor(ref_uniform(&rng) * 300.0) / 10.0 + 60.0;
			ref[i].start_s = t;
			t += floor(ref_uniform(&rng) * 4000.0) / 10.0 + 5.0;
			ref[i].end_s = t;
			fr[2 * i] = ref[i].start_s;
			fr[2 * i + 1] = ref[i].end_s;
		}
		for (i = 0, t = 50.0; i < 30; i++) {
			t += floor(ref_uniform(&rng) * 12000.0) / 10.0 + 1.0;
			hyp[i].start_s = t;
			t += floor(ref_uniform(&rng) * 900.0) / 10.0 + 1.0;
			hyp[i].end_s = t;
			fh[2 * i] = hyp[i].start_s;
			fh[2 * i + 1] = hyp[i].end_s;
		}
		cr_assert(ref[11].end_s < dur && hyp[29].end_s < dur);
		cr_assert_eq(ref_write(fr, 24, pr, sizeof(pr)), 0);
		cr_assert_eq(ref_write(fh, 60, ph, sizeof(ph)), 0);
		snprintf(args, sizeof(args), "szcore %s %s %.1f", pr, ph, dur);
		cr_assert_eq(ref_run(args, out, 6), 6);
		unlink(pr);
		unlink(ph);
		s = sz(ref, 12, hyp, 30, dur);
		cr_expect_eq((double)s.tp, out[0], "trial %d tp %llu vs %g", trial,
			     (unsigned long long)s.tp, out[0]);
		cr_expect_eq((double)s.fp, out[1], "trial %d fp %llu vs %g", trial,
			     (unsigned long long)s.fp, out[1]);
		cr_expect_float_eq(s.f1, out[4], 1e-12);
		cr_expect_float_eq(s.fp_per_24h, out[5], 1e-9);
	}
}

Test(score_events, detection_threshold_interpolates_the_rate_curve)
{
	const double amp_uv[] = { 5, 10, 20, 40, 80 };
	const double rate[] = { 0.0, 0.2, 0.6, 0.95, 1.0 };
	double a;

	/* 0.5 lies between 10 uV (0.2) and 20 uV (0.6): 10 + 0.3/0.4 * 10 = 17.5 uV */
	cr_assert_eq(bench_score_detection_threshold(amp_uv, rate, 5, 0.5, &a), 0);
	cr_expect_float_eq(a, 17.5, 1e-12);
	cr_assert_eq(bench_score_detection_threshold(amp_uv, rate, 5, 0.9, &a), 0);
	cr_expect_float_eq(a, 20.0 + 0.3 / 0.35 * 20.0, 1e-12);
	cr_expect_eq(bench_score_detection_threshold(amp_uv, rate, 3, 0.9, &a), -ENOENT);
}

Test(score_events, response_latency_by_event_matching_and_its_distribution)
{
	/* biomarker crossings every 1 s; responses 12..21 ms later; one missed, one early */
	int64_t ref[10], det[10], delay[10];
	double lat_ms[10];
	struct bench_distribution d;
	struct bench_match m;
	size_t i, k = 0;

	for (i = 0; i < 10; i++) {
		ref[i] = (int64_t)i * 1000000000;
		det[i] = ref[i] + (int64_t)(12 + i) * 1000000;
	}
	det[3] = ref[3] - 5000000;  /* before the crossing: not a response */
	det[7] = ref[7] + 80000000; /* beyond the 50 ms budget */
	cr_assert_eq(bench_score_match_events(ref, 10, det, 10, 0, 50000000, &m, delay), 0);
	cr_expect_eq(m.tp, 8);
	cr_expect_eq(m.fn, 2);
	cr_expect_eq(m.fp, 2);
	for (i = 0; i < 10; i++) {
		if (delay[i] != INT64_MIN)
			lat_ms[k++] = (double)delay[i] * 1e-6;
	}
	cr_assert_eq(k, 8);
	cr_assert_eq(bench_score_distribution(lat_ms, k, 20.0, &d), 0);
	/* 12 13 14 16 17 18 20 21 ms: median 16.5, max 21, 7 of 8 within 20 ms */
	cr_expect_float_eq(d.median, 16.5, 1e-9);
	cr_expect_float_eq(d.max, 21.0, 1e-9);
	cr_expect_float_eq(d.frac_within, 0.875, 1e-12);
}

/*
 * The standard uncertainty of an event ratio is half the 68.27 % Clopper-Pearson interval:
 * low = Beta^-1(a/2; x, n-x+1), high = Beta^-1(1-a/2; x+1, n-x), a = 1 - erf(1/sqrt 2),
 * checked against scipy.stats.beta.ppf, plus the closed form at x = n, where
 * low = (a/2)^(1/n) and high = 1.
 */
Test(score_events, proportion_uncertainty_is_half_the_clopper_pearson_interval)
{
	const uint64_t x[] = { 45, 140, 1, 7 }, n[] = { 50, 1400, 3, 9 };
	const double a = 1.0 - erf(M_SQRT1_2);
	double ref[8], u;
	char args[512];
	size_t i, len = 0;

	len += (size_t)snprintf(args + len, sizeof(args) - len, "betappf");
	for (i = 0; i < 4; i++)
		len += (size_t)snprintf(args + len, sizeof(args) - len,
					" %llu %llu %.17g %llu %llu %.17g",
					(unsigned long long)x[i],
					(unsigned long long)(n[i] - x[i] + 1), a / 2,
					(unsigned long long)(x[i] + 1),
					(unsigned long long)(n[i] - x[i]), 1 - a / 2);
	cr_assert_eq(ref_run(args, ref, 8), 8, "scipy reference did not run");
	for (i = 0; i < 4; i++) {
		double want = (ref[2 * i + 1] - ref[2 * i]) / 2;

		cr_assert_eq(bench_score_proportion_u(x[i], n[i], &u), 0);
		cr_expect(fabs(u - want) <= 1e-9 * want, "%llu/%llu: u %.12g, scipy %.12g",
			  (unsigned long long)x[i], (unsigned long long)n[i], u, want);
	}
	/* 20 of 20: not a certainty; closed form */
	cr_assert_eq(bench_score_proportion_u(20, 20, &u), 0);
	cr_expect_float_eq(u, (1 - pow(a / 2, 1.0 / 20)) / 2, 1e-12);
	cr_expect_gt(u, 0.02);
	cr_assert_eq(bench_score_proportion_u(0, 20, &u), 0);
	cr_expect_float_eq(u, (1 - pow(a / 2, 1.0 / 20)) / 2, 1e-12);
	cr_expect_eq(bench_score_proportion_u(3, 2, &u), -EINVAL);
	cr_expect_eq(bench_score_proportion_u(0, 0, &u), -EINVAL);
}
