/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statistics and reliability metrics (test-catalogue.md 2D, D1-D5):
 * the regularized incomplete beta function and its inverse, Student t
 * quantiles, the Clopper-Pearson exact interval for a pass rate, the
 * zero-failure (success-run) demonstration size, an ordinary least-squares
 * slope with its confidence interval (drift), percentiles, and dropouts and
 * gaps in a counter-coded sample stream.
 *
 * The special functions are implemented here (continued fraction plus a
 * bracketed Newton inverse), checked against scipy.stats.beta.ppf and
 * scipy.stats.t.ppf in tests/unit/test-score-stats.c. Units: the slope is in
 * units of y per unit of x (e.g. ppm per hour when x is hours); everything
 * else is dimensionless or a count. Pure functions, thread-safe.
 */
#ifndef BENCH_SCORE_STATS_H
#define BENCH_SCORE_STATS_H

#include <stddef.h>
#include <stdint.h>

/**
 * bench_score_betainc() - regularized incomplete beta I_x(a, b).
 * @a, @b: shape parameters, > 0.
 * @x:     in [0, 1].
 *
 * Return: I_x(a, b) in [0, 1] (relative accuracy about 1e-14), or NaN for
 * arguments outside the domain.
 */
double bench_score_betainc(double a, double b, double x);

/**
 * bench_score_betainc_inv() - the x with I_x(a, b) = p (scipy.stats.beta.ppf).
 * @p: probability in [0, 1]; 0 gives 0 and 1 gives 1.
 *
 * Return: x in [0, 1], or NaN outside the domain.
 */
double bench_score_betainc_inv(double a, double b, double p);

/**
 * bench_score_t_ppf() - quantile of Student's t distribution (scipy.stats.t.ppf).
 * @p:  probability in (0, 1).
 * @df: degrees of freedom, > 0.
 *
 * Return: t with P(T <= t) = p; NaN outside the domain.
 */
double bench_score_t_ppf(double p, double df);

/* A proportion with a confidence interval (probabilities in [0, 1]). */
struct bench_proportion {
	uint64_t successes;
	uint64_t trials;
	double rate;	   /* successes / trials */
	double low;	   /* lower confidence bound */
	double high;	   /* upper confidence bound */
	double confidence; /* two-sided confidence level, e.g. 0.95 */
};

/**
 * bench_score_clopper_pearson() - pass rate with its exact two-sided interval.
 * @successes:  passes, <= @trials.
 * @trials:     >= 1.
 * @confidence: two-sided level in (0, 1), e.g. 0.95 (alpha = 1 - confidence).
 * @ret:        receives the rate and the interval on success.
 *
 * low = Beta^-1(alpha/2; x, n-x+1) (0 when x = 0); high = Beta^-1(1-alpha/2;
 * x+1, n-x) (1 when x = n).
 *
 * Return: 0, -EINVAL for trials == 0, successes > trials or a bad level.
 */
int bench_score_clopper_pearson(uint64_t successes, uint64_t trials, double confidence,
				struct bench_proportion *ret);

/**
 * bench_score_zero_failure_n() - success-run demonstration size.
 * @confidence:  C in (0, 1), e.g. 0.95.
 * @reliability: R in (0, 1), e.g. 0.95.
 * @ret_n:       receives ceil(ln(1 - C) / ln(R)): 59 for 95/95, 299 for
 *               C 95 % R 99 %, 22 for 90/90, 2995 for C 95 % R 99.9 %.
 *
 * Return: 0, -EINVAL outside the domain, -EOVERFLOW if n exceeds UINT64_MAX/2.
 */
int bench_score_zero_failure_n(double confidence, double reliability, uint64_t *ret_n);

/* Ordinary least-squares line y = intercept + slope * x with a slope interval. */
struct bench_linfit {
	double slope;	    /* y units per x unit */
	double intercept;   /* y units */
	double slope_se;    /* standard error of the slope */
	double slope_low;   /* slope - t(1-alpha/2, n-2) * slope_se */
	double slope_high;  /* slope + t(1-alpha/2, n-2) * slope_se */
	double residual_sd; /* sqrt(SSE / (n - 2)) */
	double r2;	    /* coefficient of determination (NaN if y is constant) */
	double confidence;  /* two-sided level of the slope interval */
	size_t n;
};

/**
 * bench_score_linfit() - drift slope with its confidence interval (D5).
 * @x, @y:      @n points, borrowed; x not all equal.
 * @n:          >= 3 (the interval needs n - 2 >= 1 degrees of freedom).
 * @confidence: two-sided level in (0, 1), e.g. 0.95.
 * @ret:        receives the fit on success.
 *
 * Return: 0, -EINVAL for n < 3, non-finite input, all x equal, or a bad level.
 */
int bench_score_linfit(const double *x, const double *y, size_t n, double confidence,
		       struct bench_linfit *ret);

/**
 * bench_score_percentile() - percentile with linear interpolation between
 * order statistics (numpy.percentile default, Hyndman-Fan type 7).
 * @x:   @n values, borrowed (not modified; a sorted copy is made).
 * @pct: in [0, 100].
 * @ret: receives the percentile.
 *
 * Return: 0, -EINVAL for n == 0, NaN input or pct outside [0, 100], -ENOMEM.
 */
int bench_score_percentile(const double *x, size_t n, double pct, double *ret);

/* Summary of a latency (or any) distribution, same unit as the input. */
struct bench_distribution {
	size_t n;
	double min, max, mean, sd; /* sd: sample standard deviation (n-1), 0 if n == 1 */
	double median, p95, p99;   /* type 7 percentiles */
	double frac_within;	   /* fraction of values <= the budget given (NaN if none) */
};

/**
 * bench_score_distribution() - median, p95, p99, max, mean of @n values (C8, B13).
 * @budget: a value for frac_within (e.g. the latency budget); NaN to skip.
 *
 * Return: 0, -EINVAL for n == 0 or a NaN value, -ENOMEM.
 */
int bench_score_distribution(const double *x, size_t n, double budget,
			     struct bench_distribution *ret);

/* Dropouts in a counter-coded stream (D3). */
struct bench_dropouts {
	uint64_t received;    /* samples present */
	uint64_t expected;    /* received - duplicates + lost */
	uint64_t lost;	      /* samples missing according to the counter */
	uint64_t gaps;	      /* number of places where samples are missing */
	uint64_t longest_gap; /* most consecutive samples missing at one place */
	uint64_t duplicates;  /* repeated counter values (step 0) */
	double loss_fraction; /* lost / expected */
};

/**
 * bench_score_dropouts() - lost samples and gaps from a sample counter.
 * @counter: the counter value carried by each received sample, borrowed.
 * @n:       >= 1.
 * @modulus: the counter wraps at this value (e.g. 65536 for 16 bits); >= 2,
 *           0 means 2^64.
 * @ret:     receives the counts.
 *
 * Each step d = (c[i] - c[i-1]) mod modulus means d - 1 lost samples
 * (one gap when d > 1); d = 0 is a duplicate. Gaps of a full modulus or
 * more cannot be seen, so choose a counter wider than the longest outage.
 *
 * Return: 0, -EINVAL for n == 0, modulus 1, or a counter value >= modulus.
 */
int bench_score_dropouts(const uint64_t *counter, size_t n, uint64_t modulus,
			 struct bench_dropouts *ret);

#endif /* BENCH_SCORE_STATS_H */
