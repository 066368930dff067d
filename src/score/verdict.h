/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Measurements with uncertainty, acceptance limits, decision rules and
 * verdicts (ISO/IEC 17025 7.6 and 7.8.6; GUM JCGM 100 for the uncertainty;
 * ILAC-G8 for guarded acceptance).
 *
 * A measurement (struct bench_quantity) carries its value, its unit (enum
 * bench_unit from common/units.h), its combined standard uncertainty u_c and
 * its expanded uncertainty U = k * u_c (k = 2 by default, about 95 %
 * coverage for a normal distribution). u_c combines, in quadrature:
 *   - type A: the experimental standard deviation of the mean of n repeats,
 *     s / sqrt(n);
 *   - type B: the calibration record of the bench (a standard uncertainty
 *     taken from the certificate, i.e. its U divided by its k), and the
 *     resolution of the converter, q / sqrt(12) for a quantisation step q
 *     (rectangular distribution of full width q).
 *
 * A limit (struct bench_limit) is data from a protocol's limits file: a
 * comparator, one or two bounds in one unit, an optional marginal band and a
 * decision rule. bench_limit_judge() turns a quantity and a limit into an
 * enum bench_verdict. Units are never converted silently: a measurement in uV
 * judged against a limit in mV is BENCH_VERDICT_ERROR, and so is a NaN value
 * or a malformed limit. A verdict is data, never an error code.
 *
 * Everything here is a pure function: no allocation, no I/O, thread-safe.
 */
#ifndef BENCH_SCORE_VERDICT_H
#define BENCH_SCORE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/units.h"

/*
 * The outcome of one test step. The order is not a severity order; use
 * bench_verdict_worst() to combine steps.
 */
enum bench_verdict {
	BENCH_VERDICT_PASS,	/* conforms under the protocol's decision rule */
	BENCH_VERDICT_MARGINAL, /* inside the limit but inside the guard/marginal band */
	BENCH_VERDICT_FAIL,	/* does not conform */
	BENCH_VERDICT_ERROR,	/* the bench could not measure or judge (never a pass) */
	BENCH_VERDICT_ABORTED,	/* the run was stopped (operator, signal, timeout) */
	BENCH_VERDICT_SKIPPED,	/* not applicable or not run, by decision */
	BENCH_VERDICT_COUNT,
};

/* Canonical name: "PASS", "MARGINAL", "FAIL", "ERROR", "ABORTED", "SKIPPED"; "?" if unknown. */
const char *bench_verdict_name(enum bench_verdict v);

/**
 * bench_verdict_parse() - map a canonical verdict name to its code.
 * @name:        exactly one of the canonical names (upper case).
 * @ret_verdict: receives the code on success.
 *
 * Return: 0, or -EINVAL for NULL or an unknown name.
 */
int bench_verdict_parse(const char *name, enum bench_verdict *ret_verdict);

/**
 * bench_verdict_worst() - combine two step verdicts into a group verdict.
 *
 * Severity, highest first: ABORTED > ERROR > FAIL > MARGINAL > PASS > SKIPPED.
 * A SKIPPED step does not hide a PASS; a group of only SKIPPED is SKIPPED.
 * An out-of-range code counts as ERROR.
 */
enum bench_verdict bench_verdict_worst(enum bench_verdict a, enum bench_verdict b);

/*
 * How the final verdict of a retested step is formed from its attempts.
 * Every attempt is recorded by the caller; this only forms the final verdict.
 */
enum bench_retest_policy {
	/*
	 * "any": the best attempt counts (PASS if any attempt passed). Order,
	 * best first: PASS > MARGINAL > FAIL > ERROR > ABORTED. Use for
	 * transient bench problems; the record shows how many attempts it took.
	 */
	BENCH_RETEST_ANY,
	/* "all": every attempt must pass; the worst attempt counts (bench_verdict_worst()). */
	BENCH_RETEST_ALL,
	/* "last": the last attempt that was not SKIPPED counts. */
	BENCH_RETEST_LAST,
	BENCH_RETEST_POLICY_COUNT,
};

/* "any", "all", "last"; "?" if unknown. */
const char *bench_retest_policy_name(enum bench_retest_policy p);

/* Return: 0, or -EINVAL for NULL or an unknown name. */
int bench_retest_policy_parse(const char *name, enum bench_retest_policy *ret_policy);

/**
 * bench_verdict_combine_attempts() - final verdict of a retested step.
 * @attempts:   verdict of each attempt, in order; borrowed.
 * @n_attempts: number of attempts; 0 gives ERROR (nothing was measured).
 * @policy:     see enum bench_retest_policy; an unknown policy gives ERROR.
 *
 * SKIPPED attempts are ignored unless all attempts are SKIPPED (then
 * SKIPPED). Under every policy an ABORTED attempt that is the last one
 * aborts the step (the run was stopped; later attempts never happened),
 * except that "any" keeps an earlier PASS.
 *
 * Return: the final verdict.
 */
enum bench_verdict bench_verdict_combine_attempts(const enum bench_verdict *attempts,
						  size_t n_attempts,
						  enum bench_retest_policy policy);

/* ---------------------------------------------------------------------- */
/* Uncertainty */

/* The default coverage factor: about 95 % for a normal distribution. */
#define BENCH_COVERAGE_K 2.0

/*
 * One measured value. All uncertainties are in @unit, non-negative.
 * Fill with bench_quantity_init() or bench_quantity_from_repeats().
 */
struct bench_quantity {
	double value; /* the measurement result (mean of the repeats) */
	enum bench_unit unit;
	double u_a;	    /* type A standard uncertainty, s/sqrt(n); 0 if single */
	double u_b;	    /* type B standard uncertainty (calibration and resolution, RSS) */
	double u_c;	    /* combined standard uncertainty sqrt(u_a^2 + u_b^2) */
	double k;	    /* coverage factor used for u_expanded */
	double u_expanded;  /* expanded uncertainty U = k * u_c */
	unsigned n_repeats; /* number of repeats behind value (>= 1) */
};

/* Standard uncertainty of a quantisation step @q: q / sqrt(12). @q >= 0. */
double bench_unc_resolution(double q);

/* Standard uncertainty of a rectangular distribution of half-width @a: a / sqrt(3). */
double bench_unc_rectangular(double a);

/* Root-sum-square of @n standard uncertainties (borrowed). NaN if any is NaN or < 0. */
double bench_unc_combine(const double *u, size_t n);

/**
 * bench_unc_db() - standard uncertainty of 20 log10(ratio) from that of the ratio.
 * @ratio:   an amplitude ratio, > 0.
 * @u_ratio: its standard uncertainty, >= 0.
 *
 * First-order GUM propagation: u_dB = 20 / ln(10) * u_ratio / ratio
 * (8.686 dB per unit relative uncertainty). Return: u_dB, NaN outside the domain.
 */
double bench_unc_db(double ratio, double u_ratio);

/**
 * bench_unc_type_a() - mean and type A standard uncertainty of repeats.
 * @x:          @n repeated readings, borrowed.
 * @n:          >= 1.
 * @ret_mean:   receives the arithmetic mean.
 * @ret_u:      receives s/sqrt(n), s the sample standard deviation (n-1);
 *              0 when n == 1 (no type A information).
 *
 * Return: 0, -EINVAL if @n is 0 or a reading is not finite.
 */
int bench_unc_type_a(const double *x, size_t n, double *ret_mean, double *ret_u);

/**
 * bench_quantity_init() - a quantity from a value and its budget.
 * @q:        receives the quantity (always written).
 * @value:    measured value in @unit.
 * @unit:     its unit.
 * @u_a:      type A standard uncertainty (0 if none).
 * @u_b:      type B standard uncertainty (0 if none), e.g. from
 *            bench_unc_combine() of the calibration and resolution terms.
 * @k:        coverage factor (BENCH_COVERAGE_K); <= 0 or NaN uses 2.
 *
 * A negative or NaN uncertainty propagates as NaN into u_c and U, which
 * bench_limit_judge() turns into ERROR under guarded acceptance.
 */
void bench_quantity_init(struct bench_quantity *q, double value, enum bench_unit unit, double u_a,
			 double u_b, double k);

/**
 * bench_quantity_from_repeats() - a quantity from n repeated readings.
 * @x:            the readings in @unit, borrowed.
 * @n:            >= 1.
 * @unit:         their unit.
 * @u_cal:        standard uncertainty of the bench calibration in @unit (certificate U / k).
 * @resolution:   quantisation step of the converter in @unit (0 if negligible).
 * @k:            coverage factor (<= 0 uses 2).
 * @ret_q:        receives the quantity on success.
 *
 * value = mean, u_a = s/sqrt(n), u_b = sqrt(u_cal^2 + (resolution/sqrt(12))^2).
 *
 * Return: 0, -EINVAL for n == 0, a non-finite reading, or a negative/NaN
 * @u_cal or @resolution.
 */
int bench_quantity_from_repeats(const double *x, size_t n, enum bench_unit unit, double u_cal,
				double resolution, double k, struct bench_quantity *ret_q);

/* ---------------------------------------------------------------------- */
/* Limits and the decision rule */

/*
 * Comparators (names as written in limits files). Bounds that the comparator
 * does not use are ignored (may be NaN).
 */
enum bench_cmp {
	BENCH_CMP_GE,	/* "GE":   value >= low */
	BENCH_CMP_GT,	/* "GT":   value >  low */
	BENCH_CMP_LE,	/* "LE":   value <= high */
	BENCH_CMP_LT,	/* "LT":   value <  high */
	BENCH_CMP_GELE, /* "GELE": low <= value <= high */
	BENCH_CMP_GTLT, /* "GTLT": low <  value <  high */
	BENCH_CMP_GELT, /* "GELT": low <= value <  high */
	BENCH_CMP_GTLE, /* "GTLE": low <  value <= high */
	BENCH_CMP_LOG,	/* "LOG":  no limit; a finite value is recorded as PASS */
	BENCH_CMP_COUNT,
};

const char *bench_cmp_name(enum bench_cmp c);
int bench_cmp_parse(const char *name, enum bench_cmp *ret_cmp);

enum bench_decision_rule {
	/*
	 * "simple": ILAC-G8 simple acceptance (shared risk, guard band w = 0):
	 * the measured value alone is compared with the limit.
	 */
	BENCH_RULE_SIMPLE,
	/*
	 * "guarded": guarded acceptance with w = U: PASS only if the whole
	 * interval value +- U lies in the acceptance zone; a value inside the
	 * limit but closer than U to a bound is MARGINAL (conformity not
	 * demonstrated); a value outside the limit is FAIL. Requires a finite
	 * U >= 0, otherwise ERROR.
	 */
	BENCH_RULE_GUARDED,
	BENCH_RULE_COUNT,
};

/* "simple", "guarded"; "?" if unknown. */
const char *bench_decision_rule_name(enum bench_decision_rule r);
int bench_decision_rule_parse(const char *name, enum bench_decision_rule *ret_rule);

struct bench_limit {
	enum bench_cmp cmp;
	double low;		       /* lower bound in @unit (comparators with a low side) */
	double high;		       /* upper bound in @unit (comparators with a high side) */
	enum bench_unit unit;	       /* unit of the bounds; must equal the quantity's */
	double marginal;	       /* optional marginal band in @unit, >= 0 (0: none) */
	enum bench_decision_rule rule; /* how uncertainty enters the verdict */
};

/**
 * bench_limit_from_interval() - a limit from an accept interval.
 * @low, @high:         the accept zone in @unit; -INFINITY / +INFINITY for an open end.
 * @low_incl, @high_incl: whether each finite end belongs to the zone.
 * @marginal:           marginal band (>= 0) in @unit.
 * @rule:               decision rule.
 * @ret_lim:            receives the limit with the matching comparator
 *                      (GE/GT for an open high end, LE/LT for an open low end,
 *                      GELE/GTLT/GELT/GTLE otherwise).
 *
 * Return: 0, -EINVAL if both ends are open, either is NaN, or the result
 * fails bench_limit_check().
 */
int bench_limit_from_interval(double low, bool low_incl, double high, bool high_incl,
			      enum bench_unit unit, double marginal, enum bench_decision_rule rule,
			      struct bench_limit *ret_lim);

/**
 * bench_limit_margin() - signed distance of a value to the limit.
 * @lim:   a limit that passes bench_limit_check() (LOG gives +INFINITY).
 * @value: in the limit's unit.
 *
 * Distance to the nearest bound the comparator uses: positive inside the
 * accept zone, negative outside, 0 on a bound. Use it to pick the worst
 * channel ("farthest into the reject side" = smallest margin).
 *
 * Return: the margin, NaN for a NaN value or a malformed limit.
 */
double bench_limit_margin(const struct bench_limit *lim, double value);

/**
 * bench_limit_check() - validate a limit read from a file.
 * @lim: the limit, borrowed.
 *
 * Return: 0, or -EINVAL for an unknown comparator or rule, an unknown unit,
 * a used bound that is NaN, low > high for a two-sided comparator (low ==
 * high only with GELE), or a negative/NaN marginal band.
 */
int bench_limit_check(const struct bench_limit *lim);

/**
 * bench_limit_judge() - the verdict of one measurement against one limit.
 * @lim: the limit, borrowed.
 * @q:   the measurement, borrowed.
 *
 * Let g = marginal + (rule == guarded ? q->u_expanded : 0).
 *   - ERROR: units differ, value is NaN, the limit fails bench_limit_check(),
 *     or the rule is guarded and U is NaN/negative/infinite. An infinite value
 *     may FAIL but is never PASS or MARGINAL (ERROR instead): infinity cannot
 *     demonstrate conformity.
 *   - FAIL: the value does not satisfy the comparator.
 *   - MARGINAL: the value satisfies the comparator but lies within g of a
 *     bound the comparator uses (for strict comparators: value <= low + g or
 *     value >= high - g).
 *   - PASS: otherwise. LOG gives PASS for any finite value.
 *
 * Return: the verdict (never an errno).
 */
enum bench_verdict bench_limit_judge(const struct bench_limit *lim, const struct bench_quantity *q);

/**
 * bench_limit_judge_reason() - bench_limit_judge() plus why.
 * @ret_reason: receives a static English phrase such as "unit mismatch",
 *              "below low limit", "within guard band of high limit", "within
 *              limits"; may be NULL.
 */
enum bench_verdict bench_limit_judge_reason(const struct bench_limit *lim,
					    const struct bench_quantity *q,
					    const char **ret_reason);

/**
 * bench_verdict_exit_code() - the CLI exit code for an overall verdict.
 *
 * Return: 0 for PASS and SKIPPED, 1 for FAIL and MARGINAL (not accepted),
 * 2 for ERROR, ABORTED and unknown codes (docs/conventions.md).
 */
int bench_verdict_exit_code(enum bench_verdict v);

#endif /* BENCH_SCORE_VERDICT_H */
