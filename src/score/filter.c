// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Butterworth design and biquad filtering; see filter.h.
 *
 * Design path: analog low-pass prototype poles on the unit circle, frequency
 * transformation (low-pass, high-pass or band-pass) at the pre-warped edges
 * 2 fs tan(pi f / fs), bilinear transform z = (2 fs + s) / (2 fs - s) (zeros
 * at infinity map to z = -1), gain fixed so the passband reference has unit
 * gain, then conjugate poles grouped into biquads.
 */
#include "score/filter.h"

#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* Gain of one biquad at z = e^{jw}. */
static double complex biquad_h(const struct bench_biquad *q, double complex z1)
{
	double complex num = q->b[0] + q->b[1] * z1 + q->b[2] * z1 * z1;
	double complex den = q->a[0] + q->a[1] * z1 + q->a[2] * z1 * z1;

	return num / den;
}

double bench_score_sos_gain(const struct bench_biquad *sos, size_t n_sections, double f_hz,
			    double fs_hz)
{
	double complex z1 = cexp(-I * 2.0 * M_PI * f_hz / fs_hz), h = 1.0;
	size_t i;

	for (i = 0; i < n_sections; i++)
		h *= biquad_h(&sos[i], z1);
	return cabs(h);
}

int bench_score_butter(enum bench_filter_kind kind, unsigned order, double f1_hz, double f2_hz,
		       double fs_hz, struct bench_biquad *ret_sos, size_t *ret_sections)
{
	double complex poles[2 * BENCH_FILTER_MAX_ORDER];
	double complex zero_a = 0.0, zero_b = 0.0; /* the two zeros every 2nd-order section gets */
	struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
	double w1, w2, ref_hz, g;
	size_t np = 0, ns = 0, i;
	bool used[2 * BENCH_FILTER_MAX_ORDER] = { false };
	unsigned k;

	if (!ret_sos || !ret_sections || (unsigned)kind >= BENCH_FILTER_KIND_COUNT || order < 1 ||
	    order > BENCH_FILTER_MAX_ORDER || !(fs_hz > 0.0) ||
	    !(f1_hz > 0.0 && f1_hz < fs_hz / 2.0))
		return -EINVAL;
	if (kind == BENCH_FILTER_BANDPASS && !(f2_hz > f1_hz && f2_hz < fs_hz / 2.0))
		return -EINVAL;

	w1 = 2.0 * fs_hz * tan(M_PI * f1_hz / fs_hz);
	w2 = kind == BENCH_FILTER_BANDPASS ? 2.0 * fs_hz * tan(M_PI * f2_hz / fs_hz) : 0.0;
	for (k = 0; k < order; k++) {
		/* left-half-plane prototype pole */
		double complex p = cexp(I * M_PI * (2.0 * k + order + 1.0) / (2.0 * order));
		double complex s1, s2, disc;

		switch (kind) {
		case BENCH_FILTER_LOWPASS:
			s1 = p * w1;
			poles[np++] = (2.0 * fs_hz + s1) / (2.0 * fs_hz - s1);
			break;
		case BENCH_FILTER_HIGHPASS:
			s1 = w1 / p;
			poles[np++] = (2.0 * fs_hz + s1) / (2.0 * fs_hz - s1);
			break;
		default:
			/* s^2 - p bw s + w0^2 = 0 for each prototype pole */
			disc = csqrt(p * p * (w2 - w1) * (w2 - w1) / 4.0 - w1 * w2);
			s1 = p * (w2 - w1) / 2.0 + disc;
			s2 = p * (w2 - w1) / 2.0 - disc;
			poles[np++] = (2.0 * fs_hz + s1) / (2.0 * fs_hz - s1);
			poles[np++] = (2.0 * fs_hz + s2) / (2.0 * fs_hz - s2);
			break;
		}
	}
	if (kind == BENCH_FILTER_LOWPASS) {
		zero_a = -1.0;
		zero_b = -1.0;
	} else if (kind == BENCH_FILTER_HIGHPASS) {
		zero_a = 1.0;
		zero_b = 1.0;
	} else {
		zero_a = 1.0;
		zero_b = -1.0;
	}

	/* group: each complex pole with its conjugate, real poles in pairs */
	for (i = 0; i < np; i++) {
		double complex p = poles[i];
		struct bench_biquad *q;
		size_t j, mate = np;

		if (used[i])
			continue;
		used[i] = true;
		q = &sos[ns++];
		if (fabs(cimag(p)) > 1e-12 * cabs(p)) {
			for (j = i + 1; j < np; j++) {
				if (!used[j] && cabs(poles[j] - conj(p)) < 1e-9 * (1.0 + cabs(p))) {
					mate = j;
					break;
				}
			}
			if (mate == np)
				return -EINVAL; /* cannot happen for Butterworth poles */
			used[mate] = true;
			q->a[0] = 1.0;
			q->a[1] = -2.0 * creal(p);
			q->a[2] = creal(p * conj(p));
			q->b[0] = 1.0;
			q->b[1] = -creal(zero_a + zero_b);
			q->b[2] = creal(zero_a * zero_b);
			continue;
		}
		for (j = i + 1; j < np; j++) {
			if (!used[j] && fabs(cimag(poles[j])) <= 1e-12 * cabs(poles[j])) {
				mate = j;
				break;
			}
		}
		q->a[0] = 1.0;
		if (mate < np) {
			used[mate] = true;
			q->a[1] = -(creal(p) + creal(poles[mate]));
			q->a[2] = creal(p) * creal(poles[mate]);
			q->b[0] = 1.0;
			q->b[1] = -creal(zero_a + zero_b);
			q->b[2] = creal(zero_a * zero_b);
		} else {
			/* odd order low/high-pass: a first-order section */
			q->a[1] = -creal(p);
			q->a[2] = 0.0;
			q->b[0] = 1.0;
			q->b[1] = -creal(zero_a);
			q->b[2] = 0.0;
		}
	}

	/* unit gain at the passband reference */
	if (kind == BENCH_FILTER_LOWPASS)
		ref_hz = 0.0;
	else if (kind == BENCH_FILTER_HIGHPASS)
		ref_hz = fs_hz / 2.0;
	else
		ref_hz = fs_hz / M_PI * atan(sqrt(w1 * w2) / (2.0 * fs_hz));
	g = bench_score_sos_gain(sos, ns, ref_hz, fs_hz);
	if (!(g > 0.0) || !isfinite(g))
		return -EINVAL;
	for (i = 0; i < 3; i++)
		sos[0].b[i] /= g;
	memcpy(ret_sos, sos, ns * sizeof(*sos));
	*ret_sections = ns;
	return 0;
}

int bench_score_sos_filter(const struct bench_biquad *sos, size_t n_sections, const double *x,
			   size_t n, double *y)
{
	size_t s, i;

	if (!sos || !x || !y || n_sections == 0)
		return -EINVAL;
	if (y != x)
		memmove(y, x, n * sizeof(*y));
	for (s = 0; s < n_sections; s++) {
		const struct bench_biquad *q = &sos[s];
		double z1 = 0.0, z2 = 0.0;

		for (i = 0; i < n; i++) {
			double in = y[i], out = q->b[0] * in + z1;

			z1 = q->b[1] * in - q->a[1] * out + z2;
			z2 = q->b[2] * in - q->a[2] * out;
			y[i] = out;
		}
	}
	return 0;
}

static void reverse(double *y, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		double t = y[i];

		y[i] = y[n - 1 - i];
		y[n - 1 - i] = t;
	}
}

int bench_score_sos_filtfilt(const struct bench_biquad *sos, size_t n_sections, const double *x,
			     size_t n, double *y)
{
	int r;

	r = bench_score_sos_filter(sos, n_sections, x, n, y);
	if (r < 0)
		return r;
	reverse(y, n);
	r = bench_score_sos_filter(sos, n_sections, y, n, y);
	reverse(y, n);
	return r;
}
