// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stimulation-output metrics; see stim.h.
 */
#include "score/stim.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

double bench_score_shannon_k(double q_uc, double area_cm2, double *ret_d_uc_per_cm2)
{
	double d;

	if (!(q_uc > 0.0) || !(area_cm2 > 0.0) || !isfinite(q_uc) || !isfinite(area_cm2))
		return NAN;
	d = q_uc / area_cm2;
	if (ret_d_uc_per_cm2)
		*ret_d_uc_per_cm2 = d;
	return log10(d) + log10(q_uc);
}

double bench_score_error_pct(double measured, double programmed)
{
	if (programmed == 0.0 || !isfinite(programmed) || !isfinite(measured))
		return NAN;
	return (measured - programmed) / programmed * 100.0;
}

struct phase {
	int sign;	   /* -1 cathodic, +1 anodic */
	size_t s, e;	   /* first and last sample beyond the threshold */
	double plateau_ua; /* signed */
	double t_left;	   /* 50 % crossings, fractional sample index */
	double t_right;
	double q_uc; /* signed */
};

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

static int measure_phase(const double *x, size_t n, double fs_hz, struct phase *ph, double *tmp)
{
	size_t len = ph->e - ph->s + 1, k, peak = ph->s, a, b;
	double sg = (double)ph->sign, half, edge, q = 0.0;

	memcpy(tmp, x + ph->s, len * sizeof(*tmp));
	qsort(tmp, len, sizeof(*tmp), cmp_double);
	ph->plateau_ua = len % 2 ? tmp[len / 2] : 0.5 * (tmp[len / 2 - 1] + tmp[len / 2]);
	half = 0.5 * fabs(ph->plateau_ua);
	edge = 0.05 * fabs(ph->plateau_ua);

	for (k = ph->s; k <= ph->e; k++) {
		if (sg * x[k] > sg * x[peak])
			peak = k;
	}
	/* 50 % crossings, interpolated; walk out from the peak */
	k = peak;
	while (k > 0 && sg * x[k - 1] >= half)
		k--;
	if (k == 0)
		return -ENOENT; /* phase starts before the capture */
	ph->t_left = (double)(k - 1) + (half - sg * x[k - 1]) / (sg * x[k] - sg * x[k - 1]);
	k = peak;
	while (k + 1 < n && sg * x[k + 1] >= half)
		k++;
	if (k + 1 >= n)
		return -ENOENT; /* runs past the end */
	ph->t_right = (double)k + (sg * x[k] - half) / (sg * x[k] - sg * x[k + 1]);

	/* charge: every sample of this sign above 5 % of the plateau, contiguous */
	a = peak;
	while (a > 0 && sg * x[a - 1] > edge)
		a--;
	b = peak;
	while (b + 1 < n && sg * x[b + 1] > edge)
		b++;
	for (k = a; k <= b; k++)
		q += x[k];
	ph->q_uc = q / fs_hz; /* uA * s = uC */
	return 0;
}

int bench_score_stim_train(const double *i_ua, size_t n, double fs_hz, double thresh_ua,
			   struct bench_stim_train *ret)
{
	struct phase *ph = NULL;
	struct bench_stim_train t = { 0 };
	size_t n_ph = 0, cap = 0, i, k;
	double *tmp = NULL, first_start = 0.0, last_start = 0.0, dc_sum = 0.0;
	size_t dc_lo, dc_hi;
	int r = 0;

	if (!i_ua || !ret || n < 3 || !(fs_hz > 0.0) || !(thresh_ua > 0.0))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isfinite(i_ua[i]))
			return -EINVAL;
	}
	/* phases: runs beyond +-threshold */
	for (i = 0; i < n;) {
		int sign = i_ua[i] < -thresh_ua ? -1 : i_ua[i] > thresh_ua ? 1 : 0;
		size_t s = i;

		if (!sign) {
			i++;
			continue;
		}
		while (i < n && (double)sign * i_ua[i] > thresh_ua)
			i++;
		if (n_ph == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct phase *np = realloc(ph, nc * sizeof(*np));

			if (!np) {
				r = -ENOMEM;
				goto out_free;
			}
			ph = np;
			cap = nc;
		}
		ph[n_ph].sign = sign;
		ph[n_ph].s = s;
		ph[n_ph].e = i - 1;
		n_ph++;
	}
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		r = -ENOMEM;
		goto out_free;
	}
	for (k = 0; k + 1 < n_ph; k++) {
		struct phase *c = &ph[k], *an = &ph[k + 1];
		double qnet, imb;

		if (c->sign != -1 || an->sign != 1)
			continue;
		if (measure_phase(i_ua, n, fs_hz, c, tmp) < 0 ||
		    measure_phase(i_ua, n, fs_hz, an, tmp) < 0)
			continue;
		if (t.n_pulses == 0)
			first_start = c->t_left;
		last_start = c->t_left;
		t.n_pulses++;
		t.amp_cath_ua += c->plateau_ua;
		t.amp_anod_ua += an->plateau_ua;
		t.width_cath_us += (c->t_right - c->t_left) / fs_hz * 1e6;
		t.width_anod_us += (an->t_right - an->t_left) / fs_hz * 1e6;
		t.interphase_us += (an->t_left - c->t_right) / fs_hz * 1e6;
		t.q_cath_uc += c->q_uc;
		t.q_anod_uc += an->q_uc;
		qnet = c->q_uc + an->q_uc;
		t.q_net_uc += qnet;
		imb = 100.0 * fabs(qnet) / fabs(c->q_uc);
		if (imb > t.imbalance_max_pct)
			t.imbalance_max_pct = imb;
		k++; /* the anodic phase is used */
	}
	if (t.n_pulses == 0) {
		r = -ENOENT;
		goto out_free;
	}
	t.amp_cath_ua /= (double)t.n_pulses;
	t.amp_anod_ua /= (double)t.n_pulses;
	t.width_cath_us /= (double)t.n_pulses;
	t.width_anod_us /= (double)t.n_pulses;
	t.interphase_us /= (double)t.n_pulses;
	t.q_cath_uc /= (double)t.n_pulses;
	t.q_anod_uc /= (double)t.n_pulses;
	t.q_net_uc /= (double)t.n_pulses;
	t.imbalance_pct = 100.0 * fabs(t.q_net_uc) / fabs(t.q_cath_uc);
	if (t.n_pulses > 1) {
		t.rate_hz = (double)(t.n_pulses - 1) / ((last_start - first_start) / fs_hz);
		dc_lo = (size_t)floor(first_start);
		dc_hi = (size_t)floor(last_start);
	} else {
		t.rate_hz = NAN;
		dc_lo = 0;
		dc_hi = n;
	}
	for (i = dc_lo; i < dc_hi; i++)
		dc_sum += i_ua[i];
	t.dc_na = dc_sum / (double)(dc_hi - dc_lo) * 1e3;
	*ret = t;
out_free:
	free(tmp);
	free(ph);
	return r;
}

int bench_score_shutdown_latency(const double *i_ua, size_t n, double fs_hz, size_t fault,
				 double thresh_ua, size_t hold, double *ret_s)
{
	size_t i, last = SIZE_MAX;

	if (!i_ua || !ret_s || fault >= n || !(fs_hz > 0.0) || !(thresh_ua > 0.0) || hold == 0 ||
	    hold > n)
		return -EINVAL;
	/* a stimulator that was never on cannot demonstrate a shutdown */
	for (i = 0; i < fault && fabs(i_ua[i]) <= thresh_ua; i++)
		;
	if (i == fault)
		return -ENODATA;
	for (i = fault; i < n; i++) {
		if (!(fabs(i_ua[i]) <= thresh_ua)) /* NaN counts as on */
			last = i;
	}
	if (last == SIZE_MAX) {
		*ret_s = 0.0;
		return 0;
	}
	if (last >= n - hold) {
		*ret_s = INFINITY;
		return 0;
	}
	*ret_s = (double)(last + 1 - fault) / fs_hz;
	return 0;
}

struct amp_flag {
	double amp;
	bool hit;
};

static int cmp_amp_desc(const void *pa, const void *pb)
{
	double a = ((const struct amp_flag *)pa)->amp, b = ((const struct amp_flag *)pb)->amp;

	return (a < b) - (a > b);
}

int bench_score_event_threshold(const double *amp_uv, const bool *detected, size_t n,
				double min_sensitivity, double *ret_uv)
{
	struct amp_flag *v;
	size_t i, hits = 0;
	double best = INFINITY;

	if (!amp_uv || !detected || !ret_uv || n == 0 || !(min_sensitivity > 0) ||
	    min_sensitivity > 1)
		return -EINVAL;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!isfinite(amp_uv[i])) {
			free(v);
			return -EINVAL;
		}
		v[i].amp = amp_uv[i];
		v[i].hit = detected[i];
	}
	qsort(v, n, sizeof(*v), cmp_amp_desc);
	/* From the largest down: the set {amplitude >= v[i].amp} is v[0..i] (ties included). */
	for (i = 0; i < n; i++) {
		hits += v[i].hit;
		if (i + 1 < n && v[i + 1].amp == v[i].amp)
			continue;
		if ((double)hits >= min_sensitivity * (double)(i + 1) - 1e-12)
			best = v[i].amp;
	}
	free(v);
	*ret_uv = best;
	return 0;
}

int bench_score_xspec_init(struct bench_xspec *acc, size_t win, double fs_hz, double lo_hz,
			   double hi_hz)
{
	double df;
	size_t k_lo, k_hi;

	if (!acc || win < 8 || !(fs_hz > 0) || !(lo_hz >= 0) || !(hi_hz > lo_hz))
		return -EINVAL;
	df = fs_hz / (double)win;
	k_lo = (size_t)ceil(lo_hz / df - 1e-9);
	k_hi = (size_t)floor(hi_hz / df + 1e-9);
	if (k_lo == 0)
		k_lo = 1;
	if (k_hi >= win / 2)
		k_hi = win / 2 - 1;
	if (k_hi < k_lo || k_hi - k_lo + 1 > BENCH_XSPEC_MAX_BINS)
		return -EINVAL;
	memset(acc, 0, sizeof(*acc));
	acc->win = win;
	acc->k_lo = k_lo;
	acc->n_bins = k_hi - k_lo + 1;
	return 0;
}

int bench_score_xspec_add(struct bench_xspec *acc, const double *x, const double *y)
{
	size_t n = acc->win, i, b;
	double mx = 0, my = 0;

	if (!x || !y)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return -EINVAL;
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (b = 0; b < acc->n_bins; b++) {
		double w0 = 2 * M_PI * (double)(acc->k_lo + b) / (double)n;
		double xr = 0, xi = 0, yr = 0, yi = 0;

		for (i = 0; i < n; i++) {
			double h = 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)n);
			double c = cos(w0 * (double)i), s = -sin(w0 * (double)i);
			double xv = (x[i] - mx) * h, yv = (y[i] - my) * h;

			xr += xv * c;
			xi += xv * s;
			yr += yv * c;
			yi += yv * s;
		}
		/* S_xy = Y conj(X) */
		acc->sxy_re[b] += yr * xr + yi * xi;
		acc->sxy_im[b] += yi * xr - yr * xi;
		acc->sxx[b] += xr * xr + xi * xi;
		acc->syy[b] += yr * yr + yi * yi;
	}
	acc->n_windows++;
	return 0;
}

int bench_score_xspec_gain(const struct bench_xspec *acc, double *ret_gain, double *ret_u_rel)
{
	double num = 0, den = 0, syy = 0, c;
	size_t b;

	if (!acc || !ret_gain || acc->n_windows == 0)
		return -ENODATA;
	for (b = 0; b < acc->n_bins; b++) {
		if (!(acc->sxx[b] > 0))
			continue;
		/* |H|^2 S_xx = |S_xy|^2 / S_xx */
		num += (acc->sxy_re[b] * acc->sxy_re[b] + acc->sxy_im[b] * acc->sxy_im[b]) /
		       acc->sxx[b];
		den += acc->sxx[b];
		syy += acc->syy[b];
	}
	if (!(den > 0) || !(syy > 0))
		return -ENODATA;
	*ret_gain = num / den;
	if (ret_u_rel) {
		c = fmin(num / syy, 1.0);
		*ret_u_rel = c > 0 ? 2.0 * sqrt((1.0 - c) /
						(2.0 * (double)(acc->n_windows * acc->n_bins) *
						 c)) :
				     INFINITY;
	}
	return 0;
}
