// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics and reliability metrics; see stats.h.
 *
 * I_x(a, b) is evaluated with the classical continued fraction
 * (Abramowitz & Stegun 26.5.8) by the modified Lentz method, on the side of
 * the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where it converges fast. The
 * inverse is Newton's method on I_x - p kept inside a shrinking bracket
 * (bisection whenever a Newton step would leave it), so it always converges.
 */
#include "score/stats.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* log B(a, b), thread-safe (lgamma_r does not touch the global signgam). */
static double log_beta(double a, double b)
{
	int s;

	return lgamma_r(a, &s) + lgamma_r(b, &s) - lgamma_r(a + b, &s);
}

/* 1 / (1 + d1 / (1 + d2 / (1 + ...))) for I_x(a, b), modified Lentz. */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double f = 1.0, c = 1.0, d = 0.0;
	int m;

	for (m = 1; m <= 20000; m++) {
		int k = m / 2;
		double num, delta;

		if (m & 1) /* d_{2k+1} */
			num = -(a + k) * (a + b + k) * x / ((a + 2 * k) * (a + 2 * k + 1));
		else /* d_{2k} */
			num = k * (b - k) * x / ((a + 2 * k - 1) * (a + 2 * k));
		d = 1.0 + num * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		delta = c * d;
		f *= delta;
		if (fabs(delta - 1.0) < 1e-16)
			break;
	}
	return 1.0 / f;
}

double bench_score_betainc(double a, double b, double x)
{
	double front;

	if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0) || isinf(a) || isinf(b))
		return NAN;
	if (x == 0.0)
		return 0.0;
	if (x == 1.0)
		return 1.0;
	if (x > (a + 1.0) / (a + b + 2.0))
		return 1.0 - bench_score_betainc(b, a, 1.0 - x);
	front = exp(a * log(x) + b * log1p(-x) - log_beta(a, b)) / a;
	return front * beta_cf(a, b, x);
}

double bench_score_betainc_inv(double a, double b, double p)
{
	double lo = 0.0, hi = 1.0, x, lb;
	int i;

	if (!(a > 0.0) || !(b > 0.0) || !(p >= 0.0 && p <= 1.0) || isinf(a) || isinf(b))
		return NAN;
	if (p == 0.0)
		return 0.0;
	if (p == 1.0)
		return 1.0;
	lb = log_beta(a, b);

	/*
	 * Start in the tail when p is small or large (I_x ~ x^a / (a B) near 0,
	 * 1 - I_x ~ (1-x)^b / (b B) near 1), else at the mean.
	 */
	x = a / (a + b);
	if (p < bench_score_betainc(a, b, x)) {
		double g = exp((log(p) + log(a) + lb) / a);

		if (g > 0.0 && g < x)
			x = g;
	} else {
		double g = 1.0 - exp((log1p(-p) + log(b) + lb) / b);

		if (g > x && g < 1.0)
			x = g;
	}

	for (i = 0; i < 400; i++) {
		double f = bench_score_betainc(a, b, x) - p;
		double pdf, xn;

		if (f == 0.0)
			break;
		if (f < 0.0)
			lo = x;
		else
			hi = x;
		pdf = exp((a - 1.0) * log(x) + (b - 1.0) * log1p(-x) - lb);
		xn = (pdf > 0.0 && isfinite(pdf)) ? x - f / pdf : NAN;
		if (!(xn > lo && xn < hi))
			xn = 0.5 * (lo + hi);
		if (fabs(xn - x) <= 4.0 * DBL_EPSILON * xn || hi - lo <= 2.0 * DBL_MIN) {
			x = xn;
			break;
		}
		x = xn;
	}
	return x;
}

double bench_score_t_ppf(double p, double df)
{
	double q, x;

	if (!(p > 0.0 && p < 1.0) || !(df > 0.0))
		return NAN;
	if (p == 0.5)
		return 0.0;
	if (p < 0.5)
		return -bench_score_t_ppf(1.0 - p, df);
	/* P(|T| > t) = q = I_{df/(df+t^2)}(df/2, 1/2) */
	q = 2.0 * (1.0 - p);
	if (q < 0.5) {
		x = bench_score_betainc_inv(0.5 * df, 0.5, q);
		return sqrt(df * (1.0 - x) / x);
	}
	/* small t: solve for y = 1 - x directly to avoid cancellation */
	x = bench_score_betainc_inv(0.5, 0.5 * df, 1.0 - q);
	return sqrt(df * x / (1.0 - x));
}

int bench_score_clopper_pearson(uint64_t successes, uint64_t trials, double confidence,
				struct bench_proportion *ret)
{
	double alpha, x, n;

	if (trials == 0 || successes > trials || !(confidence > 0.0 && confidence < 1.0))
		return -EINVAL;
	alpha = 1.0 - confidence;
	x = (double)successes;
	n = (double)trials;
	ret->successes = successes;
	ret->trials = trials;
	ret->confidence = confidence;
	ret->rate = x / n;
	ret->low = successes == 0 ? 0.0 : bench_score_betainc_inv(x, n - x + 1.0, alpha / 2.0);
	ret->high = successes == trials ?
			    1.0 :
			    bench_score_betainc_inv(x + 1.0, n - x, 1.0 - alpha / 2.0);
	return 0;
}

int bench_score_zero_failure_n(double confidence, double reliability, uint64_t *ret_n)
{
	double n;

	if (!(confidence > 0.0 && confidence < 1.0) || !(reliability > 0.0 && reliability < 1.0))
		return -EINVAL;
	n = log1p(-confidence) / log(reliability);
	/* guard against ln() rounding pushing an exact integer just above it */
	n = ceil(n * (1.0 - 4.0 * DBL_EPSILON));
	if (n > (double)(UINT64_MAX / 2))
		return -EOVERFLOW;
	*ret_n = n < 1.0 ? 1 : (uint64_t)n;
	return 0;
}

int bench_score_linfit(const double *x, const double *y, size_t n, double confidence,
		       struct bench_linfit *ret)
{
	double mx = 0.0, my = 0.0, sxx = 0.0, sxy = 0.0, syy = 0.0, sse = 0.0;
	double slope, icpt, sd, se, t;
	size_t i;

	if (!x || !y || n < 3 || !(confidence > 0.0 && confidence < 1.0))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return -EINVAL;
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (!(sxx > 0.0))
		return -EINVAL;
	slope = sxy / sxx;
	icpt = my - slope * mx;
	for (i = 0; i < n; i++) {
		double r = y[i] - (icpt + slope * x[i]);

		sse += r * r;
	}
	sd = sqrt(sse / (double)(n - 2));
	se = sd / sqrt(sxx);
	t = bench_score_t_ppf(1.0 - (1.0 - confidence) / 2.0, (double)(n - 2));

	ret->slope = slope;
	ret->intercept = icpt;
	ret->slope_se = se;
	ret->slope_low = slope - t * se;
	ret->slope_high = slope + t * se;
	ret->residual_sd = sd;
	ret->r2 = syy > 0.0 ? (sxy * sxy) / (sxx * syy) : NAN;
	ret->confidence = confidence;
	ret->n = n;
	return 0;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

static double pct_sorted(const double *s, size_t n, double pct)
{
	double h = (double)(n - 1) * pct / 100.0;
	size_t lo = (size_t)floor(h);

	if (lo >= n - 1)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

static int sorted_copy(const double *x, size_t n, double **ret)
{
	double *s;
	size_t i;

	if (!x || n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (isnan(x[i]))
			return -EINVAL;
	}
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	*ret = s;
	return 0;
}

int bench_score_percentile(const double *x, size_t n, double pct, double *ret)
{
	double *s;
	int r;

	if (!(pct >= 0.0 && pct <= 100.0))
		return -EINVAL;
	r = sorted_copy(x, n, &s);
	if (r < 0)
		return r;
	*ret = pct_sorted(s, n, pct);
	free(s);
	return 0;
}

int bench_score_distribution(const double *x, size_t n, double budget,
			     struct bench_distribution *ret)
{
	double *s, mean = 0.0, ss = 0.0;
	size_t i, within = 0;
	int r;

	r = sorted_copy(x, n, &s);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++) {
		mean += s[i];
		if (!isnan(budget) && s[i] <= budget)
			within++;
	}
	mean /= (double)n;
	for (i = 0; i < n; i++)
		ss += (s[i] - mean) * (s[i] - mean);
	ret->n = n;
	ret->min = s[0];
	ret->max = s[n - 1];
	ret->mean = mean;
	ret->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
	ret->median = pct_sorted(s, n, 50.0);
	ret->p95 = pct_sorted(s, n, 95.0);
	ret->p99 = pct_sorted(s, n, 99.0);
	ret->frac_within = isnan(budget) ? NAN : (double)within / (double)n;
	free(s);
	return 0;
}

int bench_score_dropouts(const uint64_t *counter, size_t n, uint64_t modulus,
			 struct bench_dropouts *ret)
{
	struct bench_dropouts d = { 0 };
	size_t i;

	if (!counter || n == 0 || modulus == 1)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (modulus != 0 && counter[i] >= modulus)
			return -EINVAL;
	}
	d.received = n;
	for (i = 1; i < n; i++) {
		/* unsigned wrap-around gives the step mod 2^64 */
		uint64_t step = counter[i] - counter[i - 1];

		if (modulus != 0)
			step = counter[i] >= counter[i - 1] ? counter[i] - counter[i - 1] :
							      modulus - counter[i - 1] + counter[i];
		if (step == 0) {
			d.duplicates++;
			continue;
		}
		if (step > 1) {
			d.lost += step - 1;
			d.gaps++;
			if (step - 1 > d.longest_gap)
				d.longest_gap = step - 1;
		}
	}
	d.expected = d.received - d.duplicates + d.lost;
	d.loss_fraction = (double)d.lost / (double)d.expected;
	*ret = d;
	return 0;
}
