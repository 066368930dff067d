// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for score/filter.h: Butterworth designs checked by their
 * closed-form magnitude (|H(f1)| = 1/sqrt 2, |H| = 1/sqrt(1 + (f/fc)^(2N))
 * after pre-warping, 1e-9) and by filtering the same data as scipy
 * (signal.butter + sosfilt forward and backward) to 1e-9 of full scale.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "score/filter.h"
#include "score-ref.h"

TestSuite(score_filter);

static double warp(double f, double fs)
{
	return tan(M_PI * f / fs);
}

Test(score_filter, lowpass_and_highpass_follow_the_butterworth_magnitude)
{
	struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
	const double fs = 1000.0, fc = 100.0;
	size_t ns;
	unsigned order;

	for (order = 1; order <= 8; order++) {
		double f, h;

		cr_assert_eq(bench_score_butter(BENCH_FILTER_LOWPASS, order, fc, 0.0, fs, sos, &ns),
			     0);
		cr_expect_eq(ns, (order + 1) / 2);
		for (f = 10.0; f < 500.0; f += 70.0) {
			h = 1.0 / sqrt(1.0 + pow(warp(f, fs) / warp(fc, fs), 2.0 * order));
			cr_expect(fabs(bench_score_sos_gain(sos, ns, f, fs) - h) < 1e-9,
				  "LP order %u f %g", order, f);
		}
		cr_assert_eq(bench_score_butter(BENCH_FILTER_HIGHPASS, order, fc, 0.0, fs, sos,
						&ns),
			     0);
		for (f = 10.0; f < 500.0; f += 70.0) {
			h = 1.0 / sqrt(1.0 + pow(warp(fc, fs) / warp(f, fs), 2.0 * order));
			cr_expect(fabs(bench_score_sos_gain(sos, ns, f, fs) - h) < 1e-9,
				  "HP order %u f %g", order, f);
		}
	}
}

Test(score_filter, bandpass_edges_are_minus_3_db)
{
	struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
	size_t ns;

	cr_assert_eq(bench_score_butter(BENCH_FILTER_BANDPASS, 4, 0.5, 100.0, 500.0, sos, &ns), 0);
	cr_expect_eq(ns, 4);
	cr_expect(fabs(bench_score_sos_gain(sos, ns, 0.5, 500.0) - M_SQRT1_2) < 1e-9);
	cr_expect(fabs(bench_score_sos_gain(sos, ns, 100.0, 500.0) - M_SQRT1_2) < 1e-9);
	cr_expect(fabs(bench_score_sos_gain(sos, ns, 10.0, 500.0) - 1.0) < 1e-3);
	cr_expect(bench_score_sos_gain(sos, ns, 200.0, 500.0) < 0.01);
	cr_expect_eq(bench_score_butter(BENCH_FILTER_BANDPASS, 4, 100.0, 50.0, 500.0, sos, &ns),
		     -EINVAL);
	cr_expect_eq(bench_score_butter(BENCH_FILTER_LOWPASS, 9, 10.0, 0.0, 500.0, sos, &ns),
		     -EINVAL);
}

static void compare_with_scipy(const char *kind, enum bench_filter_kind k, unsigned order,
			       double f1, double f2, double fs)
{
	const size_t n = 3000;
	struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
	double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
	double *ref = calloc(n + 1, sizeof(*ref)), scale = 0.0, worst = 0.0;
	struct ref_rng rng = { 31 };
	char file[64], args[256];
	size_t i, ns;

	for (i = 0; i < n; i++)
		x[i] = 20.0 * sin(2 * M_PI * 50.0 * (double)i / fs) + 10.0 * ref_normal(&rng) + 5.0;
	cr_assert_eq(bench_score_butter(k, order, f1, f2, fs, sos, &ns), 0);
	cr_assert_eq(bench_score_sos_filtfilt(sos, ns, x, n, y), 0);
	cr_assert_eq(ref_write(x, n, file, sizeof(file)), 0);
	snprintf(args, sizeof(args), "butter %s %s %u %.17g %.17g %.17g", file, kind, order, f1, f2,
		 fs);
	cr_assert_eq(ref_run(args, ref, n + 1), (int)n);
	unlink(file);
	for (i = 0; i < n; i++) {
		scale = fmax(scale, fabs(ref[i]));
		worst = fmax(worst, fabs(y[i] - ref[i]));
	}
	cr_expect(worst <= 1e-9 * scale, "%s order %u: max diff %g of %g", kind, order, worst,
		  scale);
	free(ref);
	free(y);
	free(x);
}

Test(score_filter, zero_phase_output_matches_scipy)
{
	compare_with_scipy("bandpass", BENCH_FILTER_BANDPASS, 2, 0.5, 100.0, 500.0);
	compare_with_scipy("bandpass", BENCH_FILTER_BANDPASS, 3, 300.0, 6000.0, 30000.0);
	compare_with_scipy("bandpass", BENCH_FILTER_BANDPASS, 3, 0.1, 200.0,
			   500.0); /* real poles */
	compare_with_scipy("lowpass", BENCH_FILTER_LOWPASS, 5, 70.0, 0.0, 250.0);
	compare_with_scipy("highpass", BENCH_FILTER_HIGHPASS, 4, 1.0, 0.0, 250.0);
}

Test(score_filter, filtering_in_place_equals_out_of_place)
{
	struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
	double x[500], y[500];
	size_t i, ns;

	for (i = 0; i < 500; i++)
		x[i] = (double)(i % 17) - 8.0;
	cr_assert_eq(bench_score_butter(BENCH_FILTER_LOWPASS, 3, 20.0, 0.0, 250.0, sos, &ns), 0);
	cr_assert_eq(bench_score_sos_filter(sos, ns, x, 500, y), 0);
	cr_assert_eq(bench_score_sos_filter(sos, ns, x, 500, x), 0);
	for (i = 0; i < 500; i++)
		cr_expect_eq(x[i], y[i]);
}
