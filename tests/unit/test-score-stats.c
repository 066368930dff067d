// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for score/stats.h against scipy.stats (beta.ppf, t.ppf,
 * linregress) and numpy.percentile on the same inputs, and against closed
 * forms: success-run sizes 59/299/22/2995, Clopper-Pearson with x = 0
 * (upper = 1 - (alpha/2)^(1/n)), dropout counts of a hand-made counter.
 * Tolerances: 1e-10 relative for quantiles and the slope interval, exact for
 * counts.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "common/error.h"
#include "score/stats.h"
#include "score-ref.h"

TestSuite(score_stats);

Test(score_stats, betainc_matches_closed_forms)
{
	/* I_x(1, b) = 1 - (1-x)^b ; I_x(a, 1) = x^a ; I_0.5(a, a) = 0.5 */
	cr_expect_float_eq(bench_score_betainc(1.0, 7.0, 0.3), 1.0 - pow(0.7, 7.0), 1e-14);
	cr_expect_float_eq(bench_score_betainc(3.5, 1.0, 0.42), pow(0.42, 3.5), 1e-14);
	cr_expect_float_eq(bench_score_betainc(40.0, 40.0, 0.5), 0.5, 1e-13);
	cr_expect(isnan(bench_score_betainc(-1.0, 1.0, 0.5)));
}

Test(score_stats, beta_ppf_matches_scipy)
{
	static const double abp[][3] = {
		{ 1, 59, 0.025 },	   { 58, 2, 0.975 },
		{ 0.5, 0.5, 0.3 },	   { 2.5, 400, 0.999 },
		{ 120, 3, 1e-6 },	   { 1000, 1000, 0.5 },
		{ 0.7, 20, 0.9 },	   { 5, 999996, 0.025 },
		{ 500000, 500001, 0.025 }, /* Clopper-Pearson, n = 1e6 */
	};
	char args[1024];
	double ref[16] = { 0 };
	size_t i, len = 0;
	int n;

	len += (size_t)snprintf(args, sizeof(args), "betappf");
	for (i = 0; i < BENCH_ARRAY_SIZE(abp); i++)
		len += (size_t)snprintf(args + len, sizeof(args) - len, " %.17g %.17g %.17g",
					abp[i][0], abp[i][1], abp[i][2]);
	n = ref_run(args, ref, 16);
	cr_assert_eq(n, (int)BENCH_ARRAY_SIZE(abp), "reference script failed (%d)", n);
	for (i = 0; i < BENCH_ARRAY_SIZE(abp); i++) {
		double v = bench_score_betainc_inv(abp[i][0], abp[i][1], abp[i][2]);

		cr_expect(ref_reldiff(v, ref[i], 1e-300) < 1e-10,
			  "ppf(%g; %g, %g) = %.17g, scipy %.17g", abp[i][2], abp[i][0], abp[i][1],
			  v, ref[i]);
	}
}

/*
 * scipy.stats.t.ppf itself is only good to ~2e-9 relative at some points
 * (p = 0.995, df = 3 gives 5.84090929976, the true value is 5.84090930973):
 * compare with scipy at 1e-8 and with a 40-digit mpmath root at 1e-12.
 */
Test(score_stats, t_ppf_matches_scipy_and_mpmath)
{
	static const double pdf[][2] = {
		{ 0.975, 1 }, { 0.975, 2 },  { 0.975, 10 },   { 0.995, 3 },
		{ 0.6, 5 },   { 0.025, 28 }, { 0.9999, 4.5 }, { 0.51, 1000 },
	};
	char args[1024];
	double ref[16] = { 0 };
	size_t i, len = 0;
	int n;

	len += (size_t)snprintf(args, sizeof(args), "tppf   ");
	for (i = 0; i < BENCH_ARRAY_SIZE(pdf); i++)
		len += (size_t)snprintf(args + len, sizeof(args) - len, " %.17g %.17g", pdf[i][0],
					pdf[i][1]);
	n = ref_run(args, ref, 16);
	cr_assert_eq(n, (int)BENCH_ARRAY_SIZE(pdf), "reference script failed (%d)", n);
	memcpy(args, "tppf_mp", 7); /* same arguments, 7-letter command replaces "tppf   " */
	for (i = 0; i < BENCH_ARRAY_SIZE(pdf); i++) {
		double v = bench_score_t_ppf(pdf[i][0], pdf[i][1]);

		cr_expect(ref_reldiff(v, ref[i], 1e-300) < 1e-8, "t(%g, %g) = %.17g, scipy %.17g",
			  pdf[i][0], pdf[i][1], v, ref[i]);
	}
	n = ref_run(args, ref, 16);
	cr_assert_eq(n, (int)BENCH_ARRAY_SIZE(pdf), "mpmath reference failed (%d)", n);
	for (i = 0; i < BENCH_ARRAY_SIZE(pdf); i++) {
		double v = bench_score_t_ppf(pdf[i][0], pdf[i][1]);

		cr_expect(ref_reldiff(v, ref[i], 1e-300) < 1e-12, "t(%g, %g) = %.17g, mpmath %.17g",
			  pdf[i][0], pdf[i][1], v, ref[i]);
	}
	/* closed form: df = 1 is Cauchy, t = tan(pi (p - 1/2)) */
	cr_expect_float_eq(bench_score_t_ppf(0.975, 1.0), tan(M_PI * 0.475), 1e-12);
}

Test(score_stats, zero_failure_sizes_match_the_catalogue)
{
	uint64_t n;

	cr_assert_eq(bench_score_zero_failure_n(0.95, 0.95, &n), 0);
	cr_expect_eq(n, 59);
	cr_assert_eq(bench_score_zero_failure_n(0.95, 0.99, &n), 0);
	cr_expect_eq(n, 299);
	cr_assert_eq(bench_score_zero_failure_n(0.90, 0.90, &n), 0);
	cr_expect_eq(n, 22);
	cr_assert_eq(bench_score_zero_failure_n(0.95, 0.999, &n), 0);
	cr_expect_eq(n, 2995);
	cr_expect_eq(bench_score_zero_failure_n(1.0, 0.9, &n), -EINVAL);
}

Test(score_stats, clopper_pearson_zero_failures_closed_form)
{
	struct bench_proportion p;

	/* x = n = 59 passes: lower = (alpha/2)^(1/n); x = 0: upper = 1 - (alpha/2)^(1/n) */
	cr_assert_eq(bench_score_clopper_pearson(59, 59, 0.95, &p), 0);
	cr_expect_float_eq(p.low, pow(0.025, 1.0 / 59.0), 1e-12);
	cr_expect_eq(p.high, 1.0);
	cr_assert_eq(bench_score_clopper_pearson(0, 59, 0.95, &p), 0);
	cr_expect_eq(p.low, 0.0);
	cr_expect_float_eq(p.high, 1.0 - pow(0.025, 1.0 / 59.0), 1e-12);
	cr_expect_eq(bench_score_clopper_pearson(3, 2, 0.95, &p), -EINVAL);
}

Test(score_stats, clopper_pearson_matches_scipy_beta_ppf)
{
	struct bench_proportion p;
	double ref[4] = { 0 };

	/* 45 passes of 50 at 95 %: Beta(45, 6).ppf(0.025), Beta(46, 5).ppf(0.975) */
	cr_assert_eq(ref_run("betappf 45 6 0.025 46 5 0.975", ref, 4), 2);
	cr_assert_eq(bench_score_clopper_pearson(45, 50, 0.95, &p), 0);
	cr_expect(ref_reldiff(p.low, ref[0], 1e-300) < 1e-10, "%.17g vs %.17g", p.low, ref[0]);
	cr_expect(ref_reldiff(p.high, ref[1], 1e-300) < 1e-10, "%.17g vs %.17g", p.high, ref[1]);
	cr_expect_float_eq(p.rate, 0.9, 1e-15);
}

Test(score_stats, drift_slope_interval_matches_scipy_linregress)
{
	struct ref_rng rng = { 0x5eed1234ULL };
	double x[40], y[40], ref[8] = { 0 };
	char fx[64], fy[64], args[256];
	struct bench_linfit fit;
	int i;

	for (i = 0; i < 40; i++) {
		x[i] = 0.5 * i;					   /* hours */
		y[i] = 3.0 + 0.12 * x[i] + 0.4 * ref_normal(&rng); /* ppm */
	}
	cr_assert_eq(ref_write(x, 40, fx, sizeof(fx)), 0);
	cr_assert_eq(ref_write(y, 40, fy, sizeof(fy)), 0);
	snprintf(args, sizeof(args), "linfit %s %s 0.95", fx, fy);
	cr_assert_eq(ref_run(args, ref, 8), 5);
	unlink(fx);
	unlink(fy);
	cr_assert_eq(bench_score_linfit(x, y, 40, 0.95, &fit), 0);
	cr_expect(ref_reldiff(fit.slope, ref[0], 1e-12) < 1e-10);
	cr_expect(ref_reldiff(fit.intercept, ref[1], 1e-12) < 1e-10);
	cr_expect(ref_reldiff(fit.slope_se, ref[2], 1e-12) < 1e-10);
	cr_expect(ref_reldiff(fit.slope_low, ref[3], 1e-12) < 1e-10);
	cr_expect(ref_reldiff(fit.slope_high, ref[4], 1e-12) < 1e-10);
}

Test(score_stats, percentiles_match_numpy)
{
	struct ref_rng rng = { 42 };
	double x[101], ref[8] = { 0 }, v;
	const double pcts[] = { 0, 50, 95, 99, 100, 37.5 };
	char f[64], args[256];
	struct bench_distribution d;
	int i;

	for (i = 0; i < 101; i++)
		x[i] = 10.0 + 3.0 * ref_uniform(&rng); /* ms */
	cr_assert_eq(ref_write(x, 101, f, sizeof(f)), 0);
	snprintf(args, sizeof(args), "pct %s 0 50 95 99 100 37.5", f);
	cr_assert_eq(ref_run(args, ref, 8), 6);
	unlink(f);
	for (i = 0; i < 6; i++) {
		cr_assert_eq(bench_score_percentile(x, 101, pcts[i], &v), 0);
		cr_expect(ref_reldiff(v, ref[i], 1e-12) < 1e-12, "p%g: %.17g vs %.17g", pcts[i], v,
			  ref[i]);
	}
	cr_assert_eq(bench_score_distribution(x, 101, 11.5, &d), 0);
	cr_expect_float_eq(d.median, ref[1], 1e-12);
	cr_expect_float_eq(d.p95, ref[2], 1e-12);
	cr_expect_float_eq(d.p99, ref[3], 1e-12);
	cr_expect_float_eq(d.max, ref[4], 1e-12);
	cr_expect(d.frac_within > 0.3 && d.frac_within < 0.7);
}

Test(score_stats, dropouts_from_a_wrapping_counter)
{
	/* 16-bit counter wrapping; 2 lost at 65534..65535 -> 0, 3 lost 4 -> 8, one duplicate */
	const uint64_t c[] = { 65530, 65531, 65532, 65533, 0, 1, 2, 3, 4, 8, 8, 9 };
	struct bench_dropouts d;

	cr_assert_eq(bench_score_dropouts(c, BENCH_ARRAY_SIZE(c), 65536, &d), 0);
	cr_expect_eq(d.lost, 2 + 3);
	cr_expect_eq(d.gaps, 2);
	cr_expect_eq(d.longest_gap, 3);
	cr_expect_eq(d.duplicates, 1);
	cr_expect_eq(d.received, 12);
	cr_expect_eq(d.expected, 12 - 1 + 5);
	cr_expect_eq(bench_score_dropouts(c, 3, 100, &d), -EINVAL);
}
