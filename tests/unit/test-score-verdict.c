// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for score/verdict.h: names and parsers, the uncertainty budget
 * (type A s/sqrt(n), type B q/sqrt(12), RSS, U = k*u_c), the judge under
 * simple and guarded acceptance, unit and NaN handling, and the retest
 * policies. Expected numbers are closed forms computed by hand here.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>

#include "score/verdict.h"

static struct bench_quantity qty(double v, enum bench_unit unit, double u_expanded)
{
	struct bench_quantity q;

	bench_quantity_init(&q, v, unit, u_expanded / 2.0, 0.0, 2.0);
	return q;
}

static struct bench_limit le_uv(double high, enum bench_decision_rule rule)
{
	struct bench_limit lim = {
		.cmp = BENCH_CMP_LE,
		.low = NAN,
		.high = high,
		.unit = BENCH_UNIT_UV,
		.marginal = 0.0,
		.rule = rule,
	};

	return lim;
}

TestSuite(score_verdict);

Test(score_verdict, names_round_trip_through_the_parser)
{
	enum bench_verdict v;
	int i;

	for (i = 0; i < BENCH_VERDICT_COUNT; i++) {
		cr_assert_eq(bench_verdict_parse(bench_verdict_name((enum bench_verdict)i), &v), 0);
		cr_expect_eq((int)v, i);
	}
	cr_expect_str_eq(bench_verdict_name(BENCH_VERDICT_PASS), "PASS");
	cr_expect_str_eq(bench_verdict_name(BENCH_VERDICT_MARGINAL), "MARGINAL");
	cr_expect_str_eq(bench_verdict_name(BENCH_VERDICT_COUNT), "?");
	cr_expect_eq(bench_verdict_parse("pass", &v), -EINVAL);
	cr_expect_eq(bench_verdict_parse(NULL, &v), -EINVAL);
}

Test(score_verdict, comparator_and_rule_names_parse)
{
	enum bench_cmp c;
	enum bench_decision_rule r;
	enum bench_retest_policy p;

	cr_assert_eq(bench_cmp_parse("GELE", &c), 0);
	cr_expect_eq(c, BENCH_CMP_GELE);
	cr_expect_eq(bench_cmp_parse("ge", &c), -EINVAL);
	cr_assert_eq(bench_decision_rule_parse("guarded", &r), 0);
	cr_expect_eq(r, BENCH_RULE_GUARDED);
	cr_assert_eq(bench_retest_policy_parse("any", &p), 0);
	cr_expect_eq(p, BENCH_RETEST_ANY);
	cr_expect_str_eq(bench_cmp_name(BENCH_CMP_LOG), "LOG");
}

Test(score_verdict, type_a_is_sample_sd_over_sqrt_n)
{
	/* mean 5, deviations -2..2: s^2 = 10/4, u = sqrt(2.5)/sqrt(5) */
	const double x[] = { 3, 4, 5, 6, 7 };
	double mean, u;

	cr_assert_eq(bench_unc_type_a(x, 5, &mean, &u), 0);
	cr_expect_float_eq(mean, 5.0, 1e-15);
	cr_expect_float_eq(u, sqrt(2.5 / 5.0), 1e-15);
	cr_expect_eq(bench_unc_type_a(x, 0, &mean, &u), -EINVAL);
}

Test(score_verdict, budget_combines_type_a_calibration_and_resolution)
{
	const double x[] = { 100.0, 102.0 };
	struct bench_quantity q;
	double ua = sqrt(2.0) / sqrt(2.0); /* s = sqrt(2), n = 2 */
	double ub = sqrt(0.3 * 0.3 + 0.5 * 0.5 / 12.0);

	cr_assert_eq(bench_quantity_from_repeats(x, 2, BENCH_UNIT_UV, 0.3, 0.5, 2.0, &q), 0);
	cr_expect_float_eq(q.value, 101.0, 1e-12);
	cr_expect_float_eq(q.u_a, ua, 1e-12);
	cr_expect_float_eq(q.u_b, ub, 1e-12);
	cr_expect_float_eq(q.u_c, sqrt(ua * ua + ub * ub), 1e-12);
	cr_expect_float_eq(q.u_expanded, 2.0 * q.u_c, 1e-12);
	cr_expect_eq(q.n_repeats, 2);
	cr_expect_float_eq(bench_unc_resolution(1.0), 0.28867513459481287, 1e-15);
	cr_expect_eq(bench_quantity_from_repeats(x, 2, BENCH_UNIT_UV, -1.0, 0.5, 2.0, &q), -EINVAL);
}

Test(score_verdict, db_uncertainty_by_first_order_propagation)
{
	/* 1 % relative uncertainty of a ratio is 0.0869 dB; check against a finite difference */
	double u = bench_unc_db(0.5, 0.005);
	double fd = 20.0 * log10(0.5 + 0.005) - 20.0 * log10(0.5);

	cr_expect_float_eq(u, 20.0 / log(10.0) * 0.01, 1e-15);
	cr_expect(fabs(u / fd - 1.0) < 0.01);
	cr_expect(isnan(bench_unc_db(0.0, 0.1)));
}

Test(score_verdict, unit_mismatch_is_error_never_pass)
{
	struct bench_limit lim = le_uv(6.0, BENCH_RULE_SIMPLE);
	struct bench_quantity q = qty(0.001, BENCH_UNIT_MV, 0.0); /* 1 uV, but in mV */
	const char *why;

	cr_expect_eq(bench_limit_judge_reason(&lim, &q, &why), BENCH_VERDICT_ERROR);
	cr_expect_str_eq(why, "unit mismatch");
}

Test(score_verdict, nan_value_and_malformed_limit_are_error)
{
	struct bench_limit lim = le_uv(6.0, BENCH_RULE_SIMPLE);
	struct bench_quantity q = qty(NAN, BENCH_UNIT_UV, 0.0);

	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_ERROR);
	q = qty(1.0, BENCH_UNIT_UV, 0.0);
	lim.high = NAN;
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_ERROR);
	lim = le_uv(6.0, BENCH_RULE_SIMPLE);
	lim.cmp = BENCH_CMP_GELE;
	lim.low = 7.0;
	cr_expect_eq(bench_limit_check(&lim), -EINVAL);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_ERROR);
}

Test(score_verdict, simple_acceptance_ignores_uncertainty)
{
	struct bench_limit lim = le_uv(6.0, BENCH_RULE_SIMPLE);
	struct bench_quantity q = qty(5.9, BENCH_UNIT_UV, 1.0);

	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_PASS);
	q = qty(6.0, BENCH_UNIT_UV, 1.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_PASS); /* LE is inclusive */
	q = qty(6.01, BENCH_UNIT_UV, 1.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_FAIL);
	lim.cmp = BENCH_CMP_LT;
	q = qty(6.0, BENCH_UNIT_UV, 1.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_FAIL); /* LT is strict */
}

Test(score_verdict, guarded_acceptance_needs_value_plus_u_inside)
{
	struct bench_limit lim = le_uv(6.0, BENCH_RULE_GUARDED);
	struct bench_quantity q = qty(4.9, BENCH_UNIT_UV, 1.0);

	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_PASS);
	q = qty(5.5, BENCH_UNIT_UV, 1.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_MARGINAL);
	q = qty(6.5, BENCH_UNIT_UV, 1.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_FAIL);
	q = qty(4.0, BENCH_UNIT_UV, NAN);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_ERROR);
}

Test(score_verdict, two_sided_marginal_band_applies_to_both_bounds)
{
	struct bench_limit lim = {
		.cmp = BENCH_CMP_GELE,
		.low = 95.0,
		.high = 105.0,
		.unit = BENCH_UNIT_UV,
		.marginal = 1.0,
		.rule = BENCH_RULE_SIMPLE,
	};
	struct bench_quantity q = qty(100.0, BENCH_UNIT_UV, 0.0);

	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_PASS);
	q = qty(95.5, BENCH_UNIT_UV, 0.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_MARGINAL);
	q = qty(104.2, BENCH_UNIT_UV, 0.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_MARGINAL);
	q = qty(94.0, BENCH_UNIT_UV, 0.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_FAIL);
}

Test(score_verdict, infinity_can_fail_but_never_pass)
{
	struct bench_limit lim = le_uv(6.0, BENCH_RULE_SIMPLE);
	struct bench_quantity q = qty(INFINITY, BENCH_UNIT_UV, 0.0);

	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_FAIL);
	lim.cmp = BENCH_CMP_GE;
	lim.low = 100.0;
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_ERROR);
}

Test(score_verdict, log_comparator_records_finite_values)
{
	struct bench_limit lim = { .cmp = BENCH_CMP_LOG,
				   .low = NAN,
				   .high = NAN,
				   .unit = BENCH_UNIT_DB,
				   .marginal = 0.0 };
	struct bench_quantity q = qty(-3.0, BENCH_UNIT_DB, 0.0);

	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_PASS);
	q = qty(NAN, BENCH_UNIT_DB, 0.0);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_ERROR);
}

Test(score_verdict, worst_orders_aborted_error_fail_marginal_pass_skipped)
{
	cr_expect_eq(bench_verdict_worst(BENCH_VERDICT_PASS, BENCH_VERDICT_SKIPPED),
		     BENCH_VERDICT_PASS);
	cr_expect_eq(bench_verdict_worst(BENCH_VERDICT_MARGINAL, BENCH_VERDICT_PASS),
		     BENCH_VERDICT_MARGINAL);
	cr_expect_eq(bench_verdict_worst(BENCH_VERDICT_FAIL, BENCH_VERDICT_ERROR),
		     BENCH_VERDICT_ERROR);
	cr_expect_eq(bench_verdict_worst(BENCH_VERDICT_ABORTED, BENCH_VERDICT_ERROR),
		     BENCH_VERDICT_ABORTED);
	cr_expect_eq(bench_verdict_worst(BENCH_VERDICT_PASS, (enum bench_verdict)99),
		     BENCH_VERDICT_ERROR);
}

Test(score_verdict, retest_policies_form_the_final_verdict)
{
	const enum bench_verdict fail_then_pass[] = { BENCH_VERDICT_FAIL, BENCH_VERDICT_PASS };
	const enum bench_verdict pass_then_abort[] = { BENCH_VERDICT_PASS, BENCH_VERDICT_ABORTED };
	const enum bench_verdict fail_then_abort[] = { BENCH_VERDICT_FAIL, BENCH_VERDICT_ABORTED };
	const enum bench_verdict skipped[] = { BENCH_VERDICT_SKIPPED, BENCH_VERDICT_SKIPPED };
	const enum bench_verdict err_fail[] = { BENCH_VERDICT_ERROR, BENCH_VERDICT_FAIL,
						BENCH_VERDICT_SKIPPED };

	cr_expect_eq(bench_verdict_combine_attempts(fail_then_pass, 2, BENCH_RETEST_ANY),
		     BENCH_VERDICT_PASS);
	cr_expect_eq(bench_verdict_combine_attempts(fail_then_pass, 2, BENCH_RETEST_ALL),
		     BENCH_VERDICT_FAIL);
	cr_expect_eq(bench_verdict_combine_attempts(fail_then_pass, 2, BENCH_RETEST_LAST),
		     BENCH_VERDICT_PASS);
	cr_expect_eq(bench_verdict_combine_attempts(pass_then_abort, 2, BENCH_RETEST_ANY),
		     BENCH_VERDICT_PASS);
	cr_expect_eq(bench_verdict_combine_attempts(fail_then_abort, 2, BENCH_RETEST_ANY),
		     BENCH_VERDICT_ABORTED);
	cr_expect_eq(bench_verdict_combine_attempts(skipped, 2, BENCH_RETEST_ALL),
		     BENCH_VERDICT_SKIPPED);
	cr_expect_eq(bench_verdict_combine_attempts(err_fail, 3, BENCH_RETEST_ANY),
		     BENCH_VERDICT_FAIL);
	cr_expect_eq(bench_verdict_combine_attempts(err_fail, 3, BENCH_RETEST_LAST),
		     BENCH_VERDICT_FAIL);
	cr_expect_eq(bench_verdict_combine_attempts(NULL, 0, BENCH_RETEST_ANY),
		     BENCH_VERDICT_ERROR);
}

Test(score_verdict, exit_codes_follow_the_conventions)
{
	cr_expect_eq(bench_verdict_exit_code(BENCH_VERDICT_PASS), 0);
	cr_expect_eq(bench_verdict_exit_code(BENCH_VERDICT_MARGINAL), 1);
	cr_expect_eq(bench_verdict_exit_code(BENCH_VERDICT_FAIL), 1);
	cr_expect_eq(bench_verdict_exit_code(BENCH_VERDICT_ERROR), 2);
	cr_expect_eq(bench_verdict_exit_code(BENCH_VERDICT_ABORTED), 2);
}

Test(score_verdict, limit_from_interval_picks_the_comparator)
{
	struct bench_limit lim;
	struct bench_quantity q = qty(6.0, BENCH_UNIT_UV, 0.0);

	cr_assert_eq(bench_limit_from_interval(-INFINITY, false, 6.0, true, BENCH_UNIT_UV, 0.0,
					       BENCH_RULE_SIMPLE, &lim),
		     0);
	cr_expect_eq(lim.cmp, BENCH_CMP_LE);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_PASS);
	cr_assert_eq(bench_limit_from_interval(-INFINITY, false, 6.0, false, BENCH_UNIT_UV, 0.0,
					       BENCH_RULE_SIMPLE, &lim),
		     0);
	cr_expect_eq(lim.cmp, BENCH_CMP_LT);
	cr_expect_eq(bench_limit_judge(&lim, &q), BENCH_VERDICT_FAIL);
	cr_assert_eq(bench_limit_from_interval(100.0, true, INFINITY, false, BENCH_UNIT_DB, 0.0,
					       BENCH_RULE_GUARDED, &lim),
		     0);
	cr_expect_eq(lim.cmp, BENCH_CMP_GE);
	cr_assert_eq(bench_limit_from_interval(95.0, false, 105.0, true, BENCH_UNIT_UV, 0.0,
					       BENCH_RULE_SIMPLE, &lim),
		     0);
	cr_expect_eq(lim.cmp, BENCH_CMP_GTLE);
	cr_expect_eq(bench_limit_from_interval(-INFINITY, true, INFINITY, true, BENCH_UNIT_UV, 0.0,
					       BENCH_RULE_SIMPLE, &lim),
		     -EINVAL);
	cr_expect_eq(bench_limit_from_interval(7.0, true, 6.0, true, BENCH_UNIT_UV, 0.0,
					       BENCH_RULE_SIMPLE, &lim),
		     -EINVAL);
}

Test(score_verdict, margin_is_signed_distance_to_the_nearest_bound)
{
	struct bench_limit lim;

	cr_assert_eq(bench_limit_from_interval(95.0, true, 105.0, true, BENCH_UNIT_UV, 0.0,
					       BENCH_RULE_SIMPLE, &lim),
		     0);
	cr_expect_float_eq(bench_limit_margin(&lim, 100.0), 5.0, 1e-12);
	cr_expect_float_eq(bench_limit_margin(&lim, 104.0), 1.0, 1e-12);
	cr_expect_float_eq(bench_limit_margin(&lim, 93.0), -2.0, 1e-12);
	cr_expect(isnan(bench_limit_margin(&lim, NAN)));
}
