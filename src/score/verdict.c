// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verdicts, uncertainty budgets and the decision rule; see verdict.h. Values
 * and uncertainties are in the unit carried next to them; nothing converts.
 */
#include "score/verdict.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static const char *const verdict_names[BENCH_VERDICT_COUNT] = {
	[BENCH_VERDICT_PASS] = "PASS",	     [BENCH_VERDICT_MARGINAL] = "MARGINAL",
	[BENCH_VERDICT_FAIL] = "FAIL",	     [BENCH_VERDICT_ERROR] = "ERROR",
	[BENCH_VERDICT_ABORTED] = "ABORTED", [BENCH_VERDICT_SKIPPED] = "SKIPPED",
};

static const char *const policy_names[BENCH_RETEST_POLICY_COUNT] = {
	[BENCH_RETEST_ANY] = "any",
	[BENCH_RETEST_ALL] = "all",
	[BENCH_RETEST_LAST] = "last",
};

static const char *const cmp_names[BENCH_CMP_COUNT] = {
	[BENCH_CMP_GE] = "GE",	   [BENCH_CMP_GT] = "GT",     [BENCH_CMP_LE] = "LE",
	[BENCH_CMP_LT] = "LT",	   [BENCH_CMP_GELE] = "GELE", [BENCH_CMP_GTLT] = "GTLT",
	[BENCH_CMP_GELT] = "GELT", [BENCH_CMP_GTLE] = "GTLE", [BENCH_CMP_LOG] = "LOG",
};

static const char *const rule_names[BENCH_RULE_COUNT] = {
	[BENCH_RULE_SIMPLE] = "simple",
	[BENCH_RULE_GUARDED] = "guarded",
};

static int lookup(const char *const *names, unsigned n, const char *name, unsigned *ret)
{
	unsigned i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (names[i] && strcmp(name, names[i]) == 0) {
			*ret = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *bench_verdict_name(enum bench_verdict v)
{
	if ((unsigned)v >= BENCH_VERDICT_COUNT)
		return "?";
	return verdict_names[v];
}

int bench_verdict_parse(const char *name, enum bench_verdict *ret_verdict)
{
	unsigned i;
	int r;

	r = lookup(verdict_names, BENCH_VERDICT_COUNT, name, &i);
	if (r < 0)
		return r;
	*ret_verdict = (enum bench_verdict)i;
	return 0;
}

const char *bench_retest_policy_name(enum bench_retest_policy p)
{
	if ((unsigned)p >= BENCH_RETEST_POLICY_COUNT)
		return "?";
	return policy_names[p];
}

int bench_retest_policy_parse(const char *name, enum bench_retest_policy *ret_policy)
{
	unsigned i;
	int r;

	r = lookup(policy_names, BENCH_RETEST_POLICY_COUNT, name, &i);
	if (r < 0)
		return r;
	*ret_policy = (enum bench_retest_policy)i;
	return 0;
}

const char *bench_cmp_name(enum bench_cmp c)
{
	if ((unsigned)c >= BENCH_CMP_COUNT)
		return "?";
	return cmp_names[c];
}

int bench_cmp_parse(const char *name, enum bench_cmp *ret_cmp)
{
	unsigned i;
	int r;

	r = lookup(cmp_names, BENCH_CMP_COUNT, name, &i);
	if (r < 0)
		return r;
	*ret_cmp = (enum bench_cmp)i;
	return 0;
}

const char *bench_decision_rule_name(enum bench_decision_rule r)
{
	if ((unsigned)r >= BENCH_RULE_COUNT)
		return "?";
	return rule_names[r];
}

int bench_decision_rule_parse(const char *name, enum bench_decision_rule *ret_rule)
{
	unsigned i;
	int r;

	r = lookup(rule_names, BENCH_RULE_COUNT, name, &i);
	if (r < 0)
		return r;
	*ret_rule = (enum bench_decision_rule)i;
	return 0;
}

/* Severity rank for "worst": higher is worse. SKIPPED is the weakest. */
static int severity(enum bench_verdict v)
{
	switch (v) {
	case BENCH_VERDICT_SKIPPED:
		return 0;
	case BENCH_VERDICT_PASS:
		return 1;
	case BENCH_VERDICT_MARGINAL:
		return 2;
	case BENCH_VERDICT_FAIL:
		return 3;
	case BENCH_VERDICT_ERROR:
		return 4;
	case BENCH_VERDICT_ABORTED:
		return 5;
	default:
		return 4; /* unknown codes count as ERROR */
	}
}

static enum bench_verdict sanitize(enum bench_verdict v)
{
	if ((unsigned)v >= BENCH_VERDICT_COUNT)
		return BENCH_VERDICT_ERROR;
	return v;
}

enum bench_verdict bench_verdict_worst(enum bench_verdict a, enum bench_verdict b)
{
	a = sanitize(a);
	b = sanitize(b);
	return severity(a) >= severity(b) ? a : b;
}

/* Preference for "any" when no attempt passed: higher is better. */
static int merit(enum bench_verdict v)
{
	switch (v) {
	case BENCH_VERDICT_PASS:
		return 4;
	case BENCH_VERDICT_MARGINAL:
		return 3;
	case BENCH_VERDICT_FAIL:
		return 2;
	case BENCH_VERDICT_ERROR:
		return 1;
	default:
		return 0;
	}
}

enum bench_verdict bench_verdict_combine_attempts(const enum bench_verdict *attempts,
						  size_t n_attempts,
						  enum bench_retest_policy policy)
{
	enum bench_verdict acc = BENCH_VERDICT_SKIPPED, last = BENCH_VERDICT_SKIPPED;
	bool any_run = false;
	size_t i;

	if (!attempts || n_attempts == 0 || (unsigned)policy >= BENCH_RETEST_POLICY_COUNT)
		return BENCH_VERDICT_ERROR;

	for (i = 0; i < n_attempts; i++) {
		enum bench_verdict v = sanitize(attempts[i]);

		if (v == BENCH_VERDICT_SKIPPED)
			continue;
		last = v;
		if (!any_run) {
			acc = v;
			any_run = true;
			continue;
		}
		if (policy == BENCH_RETEST_ALL)
			acc = bench_verdict_worst(acc, v);
		else if (policy == BENCH_RETEST_ANY && merit(v) > merit(acc))
			acc = v;
	}
	if (!any_run)
		return BENCH_VERDICT_SKIPPED;

	switch (policy) {
	case BENCH_RETEST_ANY:
		if (acc == BENCH_VERDICT_PASS)
			return acc;
		/* the run was stopped before a retest could pass */
		if (last == BENCH_VERDICT_ABORTED)
			return BENCH_VERDICT_ABORTED;
		return acc;
	case BENCH_RETEST_ALL:
		return acc;
	case BENCH_RETEST_LAST:
	default:
		return last;
	}
}

int bench_verdict_exit_code(enum bench_verdict v)
{
	switch (v) {
	case BENCH_VERDICT_PASS:
	case BENCH_VERDICT_SKIPPED:
		return 0;
	case BENCH_VERDICT_FAIL:
	case BENCH_VERDICT_MARGINAL:
		return 1;
	default:
		return 2;
	}
}

double bench_unc_resolution(double q)
{
	if (!(q >= 0.0))
		return NAN;
	return q / sqrt(12.0);
}

double bench_unc_rectangular(double a)
{
	if (!(a >= 0.0))
		return NAN;
	return a / sqrt(3.0);
}

double bench_unc_db(double ratio, double u_ratio)
{
	if (!(ratio > 0.0) || !(u_ratio >= 0.0))
		return NAN;
	return 20.0 / log(10.0) * u_ratio / ratio;
}

double bench_unc_combine(const double *u, size_t n)
{
	double s = 0.0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(u[i] >= 0.0))
			return NAN;
		s += u[i] * u[i];
	}
	return sqrt(s);
}

int bench_unc_type_a(const double *x, size_t n, double *ret_mean, double *ret_u)
{
	double mean = 0.0, ss = 0.0;
	size_t i;

	if (!x || n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return -EINVAL;
		mean += x[i];
	}
	mean /= (double)n;
	/* two-pass variance: no cancellation for readings with a large offset */
	for (i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	*ret_mean = mean;
	*ret_u = n > 1 ? sqrt(ss / (double)(n - 1)) / sqrt((double)n) : 0.0;
	return 0;
}

void bench_quantity_init(struct bench_quantity *q, double value, enum bench_unit unit, double u_a,
			 double u_b, double k)
{
	q->value = value;
	q->unit = unit;
	q->u_a = u_a;
	q->u_b = u_b;
	q->k = (k > 0.0 && isfinite(k)) ? k : BENCH_COVERAGE_K;
	q->u_c = (u_a >= 0.0 && u_b >= 0.0) ? sqrt(u_a * u_a + u_b * u_b) : NAN;
	q->u_expanded = q->k * q->u_c;
	q->n_repeats = 1;
}

int bench_quantity_from_repeats(const double *x, size_t n, enum bench_unit unit, double u_cal,
				double resolution, double k, struct bench_quantity *ret_q)
{
	double mean, u_a, terms[2];
	int r;

	if (!(u_cal >= 0.0) || !(resolution >= 0.0) || !isfinite(u_cal) || !isfinite(resolution))
		return -EINVAL;
	r = bench_unc_type_a(x, n, &mean, &u_a);
	if (r < 0)
		return r;
	terms[0] = u_cal;
	terms[1] = bench_unc_resolution(resolution);
	bench_quantity_init(ret_q, mean, unit, u_a, bench_unc_combine(terms, 2), k);
	ret_q->n_repeats = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
	return 0;
}

static bool has_low(enum bench_cmp c)
{
	return c == BENCH_CMP_GE || c == BENCH_CMP_GT || c == BENCH_CMP_GELE ||
	       c == BENCH_CMP_GTLT || c == BENCH_CMP_GELT || c == BENCH_CMP_GTLE;
}

static bool has_high(enum bench_cmp c)
{
	return c == BENCH_CMP_LE || c == BENCH_CMP_LT || c == BENCH_CMP_GELE ||
	       c == BENCH_CMP_GTLT || c == BENCH_CMP_GELT || c == BENCH_CMP_GTLE;
}

static bool low_strict(enum bench_cmp c)
{
	return c == BENCH_CMP_GT || c == BENCH_CMP_GTLT || c == BENCH_CMP_GTLE;
}

static bool high_strict(enum bench_cmp c)
{
	return c == BENCH_CMP_LT || c == BENCH_CMP_GTLT || c == BENCH_CMP_GELT;
}

int bench_limit_check(const struct bench_limit *lim)
{
	if (!lim || (unsigned)lim->cmp >= BENCH_CMP_COUNT ||
	    (unsigned)lim->rule >= BENCH_RULE_COUNT || (unsigned)lim->unit >= BENCH_UNIT_COUNT)
		return -EINVAL;
	if (!(lim->marginal >= 0.0) || !isfinite(lim->marginal))
		return -EINVAL;
	if (has_low(lim->cmp) && isnan(lim->low))
		return -EINVAL;
	if (has_high(lim->cmp) && isnan(lim->high))
		return -EINVAL;
	if (has_low(lim->cmp) && has_high(lim->cmp)) {
		if (lim->low > lim->high)
			return -EINVAL;
		if (lim->low == lim->high && lim->cmp != BENCH_CMP_GELE)
			return -EINVAL; /* empty acceptance zone */
	}
	return 0;
}

int bench_limit_from_interval(double low, bool low_incl, double high, bool high_incl,
			      enum bench_unit unit, double marginal, enum bench_decision_rule rule,
			      struct bench_limit *ret_lim)
{
	struct bench_limit lim = {
		.low = low,
		.high = high,
		.unit = unit,
		.marginal = marginal,
		.rule = rule,
	};
	bool lo_open = isinf(low) && low < 0, hi_open = isinf(high) && high > 0;

	if (!ret_lim || isnan(low) || isnan(high) || (lo_open && hi_open))
		return -EINVAL;
	if (hi_open)
		lim.cmp = low_incl ? BENCH_CMP_GE : BENCH_CMP_GT;
	else if (lo_open)
		lim.cmp = high_incl ? BENCH_CMP_LE : BENCH_CMP_LT;
	else if (low_incl)
		lim.cmp = high_incl ? BENCH_CMP_GELE : BENCH_CMP_GELT;
	else
		lim.cmp = high_incl ? BENCH_CMP_GTLE : BENCH_CMP_GTLT;
	if (bench_limit_check(&lim) < 0)
		return -EINVAL;
	*ret_lim = lim;
	return 0;
}

double bench_limit_margin(const struct bench_limit *lim, double value)
{
	double m = INFINITY;

	if (bench_limit_check(lim) < 0 || isnan(value))
		return NAN;
	if (has_low(lim->cmp))
		m = fmin(m, value - lim->low);
	if (has_high(lim->cmp))
		m = fmin(m, lim->high - value);
	return m;
}

static enum bench_verdict judge(const struct bench_limit *lim, const struct bench_quantity *q,
				const char **why)
{
	double v, g = 0.0;

	if (!lim || !q) {
		*why = "missing limit or measurement";
		return BENCH_VERDICT_ERROR;
	}
	if (bench_limit_check(lim) < 0) {
		*why = "malformed limit";
		return BENCH_VERDICT_ERROR;
	}
	if (q->unit != lim->unit) {
		*why = "unit mismatch"; /* never compare mV with uV */
		return BENCH_VERDICT_ERROR;
	}
	v = q->value;
	if (isnan(v)) {
		*why = "value is NaN";
		return BENCH_VERDICT_ERROR;
	}
	if (lim->rule == BENCH_RULE_GUARDED) {
		if (!(q->u_expanded >= 0.0) || !isfinite(q->u_expanded)) {
			*why = "guarded acceptance without a valid expanded uncertainty";
			return BENCH_VERDICT_ERROR;
		}
		g = q->u_expanded;
	}
	g += lim->marginal;

	if (has_low(lim->cmp)) {
		if (low_strict(lim->cmp) ? !(v > lim->low) : !(v >= lim->low)) {
			*why = "below low limit";
			return BENCH_VERDICT_FAIL;
		}
	}
	if (has_high(lim->cmp)) {
		if (high_strict(lim->cmp) ? !(v < lim->high) : !(v <= lim->high)) {
			*why = "above high limit";
			return BENCH_VERDICT_FAIL;
		}
	}
	if (isinf(v)) {
		*why = "infinite value cannot demonstrate conformity";
		return BENCH_VERDICT_ERROR;
	}
	if (g > 0.0 && has_low(lim->cmp)) {
		if (low_strict(lim->cmp) ? v <= lim->low + g : v < lim->low + g) {
			*why = "within guard band of low limit";
			return BENCH_VERDICT_MARGINAL;
		}
	}
	if (g > 0.0 && has_high(lim->cmp)) {
		if (high_strict(lim->cmp) ? v >= lim->high - g : v > lim->high - g) {
			*why = "within guard band of high limit";
			return BENCH_VERDICT_MARGINAL;
		}
	}
	*why = lim->cmp == BENCH_CMP_LOG ? "recorded (no limit)" : "within limits";
	return BENCH_VERDICT_PASS;
}

enum bench_verdict bench_limit_judge_reason(const struct bench_limit *lim,
					    const struct bench_quantity *q, const char **ret_reason)
{
	const char *why = "";
	enum bench_verdict v;

	v = judge(lim, q, &why);
	if (ret_reason)
		*ret_reason = why;
	return v;
}

enum bench_verdict bench_limit_judge(const struct bench_limit *lim, const struct bench_quantity *q)
{
	return bench_limit_judge_reason(lim, q, NULL);
}
