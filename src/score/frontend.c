// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Front-end metrics; see frontend.h.
 */
#include "score/frontend.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/fft.h"
#include "score/sine.h"

static double wrap_pi(double a)
{
	a = fmod(a, 2.0 * M_PI);
	if (a > M_PI)
		a -= 2.0 * M_PI;
	else if (a <= -M_PI)
		a += 2.0 * M_PI;
	return a;
}

int bench_score_response_point(const double *in, const double *out, size_t n, double fs_hz,
			       double freq_hz, struct bench_response_point *ret)
{
	struct bench_sine_fit fi, fo;
	int r;

	if (!ret)
		return -EINVAL;
	r = bench_score_sine_fit3(in, n, fs_hz, freq_hz, &fi);
	if (r < 0)
		return r;
	r = bench_score_sine_fit3(out, n, fs_hz, freq_hz, &fo);
	if (r < 0)
		return r;
	if (!(fi.amplitude > 0.0))
		return -EDOM;
	ret->freq_hz = freq_hz;
	ret->gain = fo.amplitude / fi.amplitude;
	ret->gain_db = 20.0 * log10(ret->gain);
	ret->phase_rad = wrap_pi(fo.phase_rad - fi.phase_rad);
	return 0;
}

int bench_score_corner_3db(const double *freq_hz, const double *gain_db, size_t n, size_t ref_index,
			   int upper, double *ret_hz)
{
	double target;
	size_t i;

	if (!freq_hz || !gain_db || !ret_hz || ref_index >= n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!(freq_hz[i] > 0.0) || !isfinite(gain_db[i]) ||
		    (i && !(freq_hz[i] > freq_hz[i - 1])))
			return -EINVAL;
	}
	target = gain_db[ref_index] - 10.0 * log10(2.0);
	i = ref_index;
	for (;;) {
		size_t j;
		double l0, l1, t;

		if (upper ? i + 1 >= n : i == 0)
			return -ENOENT;
		j = upper ? i + 1 : i - 1;
		if (gain_db[j] <= target) {
			l0 = log10(freq_hz[i]);
			l1 = log10(freq_hz[j]);
			t = (gain_db[i] - target) / (gain_db[i] - gain_db[j]);
			*ret_hz = pow(10.0, l0 + t * (l1 - l0));
			return 0;
		}
		i = j;
	}
}

int bench_score_passband_ripple(const double *gain, size_t n, double ref_gain,
				struct bench_ripple *ret)
{
	double gmin = INFINITY, gmax = 0.0, dev = 0.0;
	size_t i;

	if (!gain || !ret || n == 0 || !(ref_gain > 0.0) || !isfinite(ref_gain))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!(gain[i] > 0.0) || !isfinite(gain[i]))
			return -EINVAL;
		gmin = fmin(gmin, gain[i]);
		gmax = fmax(gmax, gain[i]);
		dev = fmax(dev, fabs(gain[i] / ref_gain - 1.0));
	}
	ret->dev_pct = dev * 100.0;
	ret->pp_db = 20.0 * log10(gmax / gmin);
	return 0;
}

int bench_score_time_constant(const double *x, size_t n, double fs_hz, double final,
			      double *ret_tau_s)
{
	double d0, level;
	size_t i;

	if (!x || n < 2 || !(fs_hz > 0.0) || !ret_tau_s)
		return -EINVAL;
	if (isnan(final)) {
		size_t tail = n / 20 ? n / 20 : 1;

		final = 0.0;
		for (i = n - tail; i < n; i++)
			final += x[i];
		final /= (double)tail;
	}
	d0 = x[0] - final;
	if (!(fabs(d0) > 0.0) || !isfinite(d0))
		return -EINVAL;
	level = d0 / M_E;
	for (i = 1; i < n; i++) {
		double d = (x[i] - final) * (d0 > 0 ? 1.0 : -1.0);
		double l = fabs(level);

		if (d <= l) {
			double dp = (x[i - 1] - final) * (d0 > 0 ? 1.0 : -1.0);
			double frac = (dp - l) / (dp - d);

			*ret_tau_s = ((double)(i - 1) + frac) / fs_hz;
			return 0;
		}
	}
	return -ENOENT;
}

double bench_score_cmrr_db(double gain_diff, double vout_cm, double vcm)
{
	if (!(gain_diff > 0.0) || !(vout_cm > 0.0) || !(vcm > 0.0))
		return NAN;
	return 20.0 * log10(gain_diff / (vout_cm / vcm));
}

int bench_score_crosstalk_db(const double *aggressor, const double *victim, size_t n, double fs_hz,
			     double freq_hz, double *ret_db)
{
	struct bench_sine_fit fa, fv;
	int r;

	if (!ret_db)
		return -EINVAL;
	r = bench_score_sine_fit3(aggressor, n, fs_hz, freq_hz, &fa);
	if (r < 0)
		return r;
	r = bench_score_sine_fit3(victim, n, fs_hz, freq_hz, &fv);
	if (r < 0)
		return r;
	if (!(fa.amplitude > 0.0))
		return -EDOM;
	*ret_db = 20.0 * log10(fv.amplitude / fa.amplitude);
	return 0;
}

int bench_score_input_impedance(double r_ohm, double u_r_ohm, double v1, double u_v1, double v2,
				double u_v2, struct bench_impedance *ret)
{
	double d, cr, c1, c2;

	if (!ret || !(r_ohm > 0.0) || !(v2 > 0.0) || !(u_r_ohm >= 0.0) || !(u_v1 >= 0.0) ||
	    !(u_v2 >= 0.0) || !isfinite(v1))
		return -EINVAL;
	d = v1 - v2;
	if (!(d > 0.0))
		return -EDOM;
	cr = v2 / d;
	c1 = -r_ohm * v2 / (d * d);
	c2 = r_ohm * v1 / (d * d);
	ret->z_ohm = r_ohm * v2 / d;
	ret->u_z_ohm = sqrt(cr * cr * u_r_ohm * u_r_ohm + c1 * c1 * u_v1 * u_v1 +
			    c2 * c2 * u_v2 * u_v2);
	return 0;
}

double bench_score_gain_change_pct(double a_with, double a_without)
{
	if (!(a_without > 0.0) || !isfinite(a_with))
		return NAN;
	return (a_with - a_without) / a_without * 100.0;
}

int bench_score_recovery_time(const double *x, size_t n, double fs_hz, size_t start, double lo,
			      double hi, size_t hold, double *ret_s)
{
	size_t i, run = 0;

	if (!x || !ret_s || start >= n || hold == 0 || !(fs_hz > 0.0) || !(lo <= hi))
		return -EINVAL;
	for (i = start; i < n; i++) {
		if (x[i] >= lo && x[i] <= hi) {
			run++;
			if (run == hold) {
				*ret_s = (double)(i + 1 - hold - start) / fs_hz;
				return 0;
			}
		} else {
			run = 0;
		}
	}
	*ret_s = INFINITY;
	return 0;
}

double bench_score_timebase_ppm(double ref_hz, double meas_hz)
{
	if (!(ref_hz > 0.0) || !(meas_hz > 0.0))
		return NAN;
	return (ref_hz / meas_hz - 1.0) * 1e6;
}

int bench_score_jitter(const int64_t *t_ns, size_t n, struct bench_jitter *ret)
{
	double mi = (double)(n - 1) / 2.0, mt = 0.0, sxx = 0.0, sxy = 0.0, slope, icpt;
	double ss = 0.0, rmin = INFINITY, rmax = -INFINITY, pm = 0.0, pss = 0.0;
	size_t i;

	if (!t_ns || !ret || n < 3)
		return -EINVAL;
	/* work relative to the first stamp: ns since epoch do not fit a double exactly */
	for (i = 0; i < n; i++) {
		if (i && t_ns[i] < t_ns[i - 1])
			return -EINVAL;
		mt += (double)(t_ns[i] - t_ns[0]);
	}
	mt /= (double)n;
	for (i = 0; i < n; i++) {
		double di = (double)i - mi;

		sxx += di * di;
		sxy += di * ((double)(t_ns[i] - t_ns[0]) - mt);
	}
	slope = sxy / sxx;
	icpt = mt - slope * mi;
	for (i = 0; i < n; i++) {
		double r = (double)(t_ns[i] - t_ns[0]) - (icpt + slope * (double)i);

		ss += r * r;
		rmin = fmin(rmin, r);
		rmax = fmax(rmax, r);
	}
	for (i = 1; i < n; i++)
		pm += (double)(t_ns[i] - t_ns[i - 1]);
	pm /= (double)(n - 1);
	for (i = 1; i < n; i++) {
		double d = (double)(t_ns[i] - t_ns[i - 1]) - pm;

		pss += d * d;
	}
	ret->period_ns = slope;
	ret->tie_rms_ns = sqrt(ss / (double)n);
	ret->tie_pp_ns = rmax - rmin;
	ret->period_sd_ns = n > 2 ? sqrt(pss / (double)(n - 2)) : 0.0;
	return 0;
}

int bench_score_delay(const double *a, const double *b, size_t n, double fs_hz, size_t max_lag,
		      double *ret_delay_s, double *ret_peak)
{
	size_t m, nb, i;
	double *pa = NULL, *pb = NULL, ma = 0.0, mb = 0.0, ea = 0.0, eb = 0.0;
	double best = -INFINITY, d = 0.0;
	fftw_complex *fa = NULL, *fb = NULL;
	fftw_plan fwd, inv;
	long k, kbest = 0, lag = (long)max_lag;
	int r;

	if (!a || !b || !ret_delay_s || n < 2 || max_lag >= n || !(fs_hz > 0.0))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isfinite(a[i]) || !isfinite(b[i]))
			return -EINVAL;
		ma += a[i];
		mb += b[i];
	}
	ma /= (double)n;
	mb /= (double)n;
	/* linear (not circular) correlation for |lag| <= max_lag needs m >= n + max_lag */
	m = score_fft_good_size(n + max_lag + 1);
	nb = m / 2 + 1;
	r = score_fft_plan_r2c(m, &fwd);
	if (r == 0)
		r = score_fft_plan_c2r(m, &inv);
	if (r < 0)
		return r;
	pa = fftw_malloc(m * sizeof(*pa));
	pb = fftw_malloc(m * sizeof(*pb));
	fa = fftw_malloc(nb * sizeof(*fa));
	fb = fftw_malloc(nb * sizeof(*fb));
	if (!pa || !pb || !fa || !fb) {
		r = -ENOMEM;
		goto out_free;
	}
	memset(pa, 0, m * sizeof(*pa));
	memset(pb, 0, m * sizeof(*pb));
	for (i = 0; i < n; i++) {
		pa[i] = a[i] - ma;
		pb[i] = b[i] - mb;
		ea += pa[i] * pa[i];
		eb += pb[i] * pb[i];
	}
	if (!(ea > 0.0) || !(eb > 0.0)) {
		r = -EDOM;
		goto out_free;
	}
	fftw_execute_dft_r2c(fwd, pa, fa);
	fftw_execute_dft_r2c(fwd, pb, fb);
	/* c[k] = sum a[i] b[i+k]  <=>  IFFT(conj(A) B) */
	for (i = 0; i < nb; i++) {
		double re = fa[i][0] * fb[i][0] + fa[i][1] * fb[i][1];
		double im = fa[i][0] * fb[i][1] - fa[i][1] * fb[i][0];

		fb[i][0] = re / (double)m;
		fb[i][1] = im / (double)m;
	}
	fftw_execute_dft_c2r(inv, fb, pb); /* pb now holds c, lag k at index k mod m */
	for (k = -lag; k <= lag; k++) {
		double c = pb[k >= 0 ? (size_t)k : m - (size_t)(-k)];

		if (c > best) {
			best = c;
			kbest = k;
		}
	}
	if (kbest > -lag && kbest < lag) {
		double cm = pb[kbest - 1 >= 0 ? (size_t)(kbest - 1) : m - (size_t)(1 - kbest)];
		double cp = pb[kbest + 1 >= 0 ? (size_t)(kbest + 1) : m - (size_t)(-kbest - 1)];
		double den = cm - 2.0 * best + cp;

		if (den < 0.0)
			d = 0.5 * (cm - cp) / den;
	}
	*ret_delay_s = ((double)kbest + d) / fs_hz;
	if (ret_peak)
		*ret_peak = best / sqrt(ea * eb);
	r = 0;
out_free:
	fftw_free(fb);
	fftw_free(fa);
	fftw_free(pb);
	fftw_free(pa);
	return r;
}
