// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IEEE 1057 sine fits and IEEE 1241 dynamic metrics; see sine.h.
 *
 * Internally time is the sample index n and the angular frequency w is in
 * radians per sample, which keeps the 4-parameter normal equations well
 * scaled; results are converted to Hz at the end.
 */
#include "score/sine.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "score/fft.h"

#define REANCHOR 256

/*
 * Solves the k x k symmetric positive definite system m * sol = v (k <= 4)
 * by Cholesky after scaling rows and columns by 1/sqrt(diag). Return: 0 or
 * -EDOM if the matrix is not positive definite.
 */
static int spd_solve(double m[4][4], const double *v, int k, double *sol)
{
	double l[4][4] = { { 0 } }, d[4], y[4], s;
	int i, j, p;

	for (i = 0; i < k; i++) {
		if (!(m[i][i] > 0.0))
			return -EDOM;
		d[i] = 1.0 / sqrt(m[i][i]);
	}
	for (i = 0; i < k; i++) {
		for (j = 0; j <= i; j++) {
			s = m[i][j] * d[i] * d[j];
			for (p = 0; p < j; p++)
				s -= l[i][p] * l[j][p];
			if (i == j) {
				if (!(s > 1e-13))
					return -EDOM;
				l[i][i] = sqrt(s);
			} else {
				l[i][j] = s / l[j][j];
			}
		}
	}
	for (i = 0; i < k; i++) {
		s = v[i] * d[i];
		for (p = 0; p < i; p++)
			s -= l[i][p] * y[p];
		y[i] = s / l[i][i];
	}
	for (i = k - 1; i >= 0; i--) {
		s = y[i];
		for (p = i + 1; p < k; p++)
			s -= l[p][i] * sol[p];
		sol[i] = s / l[i][i];
	}
	for (i = 0; i < k; i++)
		sol[i] *= d[i];
	return 0;
}

/*
 * One least-squares pass at angular frequency w (rad/sample). With @deriv,
 * adds the column n * (-a0 sin + b0 cos) for the frequency correction.
 * sol = { a, b, c[, dw] }.
 */
static int fit_pass(const double *x, size_t n, double w, bool deriv, double a0, double b0,
		    double *sol)
{
	/* explicit scalar sums: the compiler keeps them in registers */
	double scc = 0, scs = 0, sc = 0, sss = 0, ss = 0, sxc = 0, sxs = 0, sx = 0;
	double sdc = 0, sds = 0, sd = 0, sdd = 0, sxd = 0;
	double m[4][4], v[4];
	double cw = cos(w), sw = sin(w), c = 1.0, s = 0.0;
	size_t t;

	for (t = 0; t < n; t++) {
		double tmp, xt = x[t];

		if (t % REANCHOR == 0) {
			c = cos(w * (double)t);
			s = sin(w * (double)t);
		}
		scc += c * c;
		scs += c * s;
		sc += c;
		sss += s * s;
		ss += s;
		sxc += xt * c;
		sxs += xt * s;
		sx += xt;
		if (deriv) {
			double d = (double)t * (b0 * c - a0 * s);

			sdc += d * c;
			sds += d * s;
			sd += d;
			sdd += d * d;
			sxd += xt * d;
		}
		tmp = c * cw - s * sw;
		s = s * cw + c * sw;
		c = tmp;
	}
	m[0][0] = scc;
	m[0][1] = m[1][0] = scs;
	m[0][2] = m[2][0] = sc;
	m[1][1] = sss;
	m[1][2] = m[2][1] = ss;
	m[2][2] = (double)n;
	m[0][3] = m[3][0] = sdc;
	m[1][3] = m[3][1] = sds;
	m[2][3] = m[3][2] = sd;
	m[3][3] = sdd;
	v[0] = sxc;
	v[1] = sxs;
	v[2] = sx;
	v[3] = sxd;
	return spd_solve(m, v, deriv ? 4 : 3, sol);
}

static double residual_rms(const double *x, size_t n, double w, double a, double b, double off)
{
	double cw = cos(w), sw = sin(w), c = 1.0, s = 0.0, ss = 0.0;
	size_t t;

	for (t = 0; t < n; t++) {
		double r, tmp;

		if (t % REANCHOR == 0) {
			c = cos(w * (double)t);
			s = sin(w * (double)t);
		}
		r = x[t] - (a * c + b * s + off);
		ss += r * r;
		tmp = c * cw - s * sw;
		s = s * cw + c * sw;
		c = tmp;
	}
	return sqrt(ss / (double)n);
}

static void fill(struct bench_sine_fit *ret, const double *x, size_t n, double fs_hz, double w,
		 const double *sol, unsigned iterations)
{
	ret->freq_hz = w * fs_hz / (2.0 * M_PI);
	ret->a_cos = sol[0];
	ret->b_sin = sol[1];
	ret->offset = sol[2];
	ret->amplitude = hypot(sol[0], sol[1]);
	ret->phase_rad = atan2(-sol[1], sol[0]);
	ret->residual_rms = residual_rms(x, n, w, sol[0], sol[1], sol[2]);
	ret->iterations = iterations;
}

static bool args_ok(const double *x, size_t n, double fs_hz)
{
	size_t i;

	if (!x || n < 4 || !(fs_hz > 0.0) || !isfinite(fs_hz))
		return false;
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return false;
	}
	return true;
}

int bench_score_sine_fit3(const double *x, size_t n, double fs_hz, double freq_hz,
			  struct bench_sine_fit *ret)
{
	double sol[4], w;
	int r;

	if (!ret || !args_ok(x, n, fs_hz) || !(freq_hz > 0.0 && freq_hz < fs_hz / 2.0))
		return -EINVAL;
	w = 2.0 * M_PI * freq_hz / fs_hz;
	r = fit_pass(x, n, w, false, 0.0, 0.0, sol);
	if (r < 0)
		return r;
	fill(ret, x, n, fs_hz, w, sol, 0);
	ret->freq_hz = freq_hz;
	return 0;
}

/*
 * Frequency of the largest non-DC peak, rad/sample, Hann window + Gaussian
 * interpolation. With @w_hint > 0 only bins within [0.8, 1.25] * hint (and at
 * least +-3 bins) are searched: a hint picks the tone, the FFT refines it to a
 * small fraction of a bin, which Gauss-Newton needs over long records.
 */
static int estimate_w(const double *x, size_t n, double w_hint, double *ret_w)
{
	size_t nb = n / 2 + 1, k, best = 0, i, k_lo = 2, k_hi = nb - 2;
	double *buf, *mag, mean = 0.0, delta = 0.0;
	fftw_complex *spec;
	fftw_plan plan;
	int r;

	if (nb < 4)
		return -EINVAL;
	r = score_fft_plan_r2c(n, &plan);
	if (r < 0)
		return r;
	buf = fftw_malloc(n * sizeof(*buf));
	spec = fftw_malloc(nb * sizeof(*spec));
	mag = malloc(nb * sizeof(*mag));
	if (!buf || !spec || !mag) {
		r = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		buf[i] = (x[i] - mean) * (0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)n));
	fftw_execute_dft_r2c(plan, buf, spec);
	for (k = 0; k < nb; k++)
		mag[k] = hypot(spec[k][0], spec[k][1]);
	if (w_hint > 0.0) {
		double kh = w_hint * (double)n / (2.0 * M_PI);
		double lo = fmin(0.8 * kh, kh - 3.0), hi = fmax(1.25 * kh, kh + 3.0);

		if (lo > (double)k_lo)
			k_lo = (size_t)lo;
		if (hi < (double)k_hi)
			k_hi = (size_t)ceil(hi);
	}
	/* skip DC and its Hann leakage bin (k_lo >= 2) */
	for (k = k_lo; k <= k_hi; k++) {
		if (best == 0 || mag[k] > mag[best])
			best = k;
	}
	if (best == 0) {
		r = -EINVAL;
		goto out_free;
	}
	if (mag[best - 1] > 0.0 && mag[best + 1] > 0.0 && mag[best] > 0.0) {
		double lm = log(mag[best - 1]), l0 = log(mag[best]), lp = log(mag[best + 1]);
		double den = lm - 2.0 * l0 + lp;

		if (den < 0.0)
			delta = 0.5 * (lm - lp) / den;
	}
	*ret_w = 2.0 * M_PI * ((double)best + delta) / (double)n;
	r = 0;
out_free:
	free(mag);
	fftw_free(spec);
	fftw_free(buf);
	return r;
}

int bench_score_sine_fit4(const double *x, size_t n, double fs_hz, double freq_guess_hz,
			  struct bench_sine_fit *ret)
{
	struct bench_sine_fit fit;
	double w, sol[4];
	unsigned it;
	int r;

	if (!ret || !args_ok(x, n, fs_hz) || !(freq_guess_hz < fs_hz / 2.0))
		return -EINVAL;
	r = estimate_w(x, n, freq_guess_hz > 0.0 ? 2.0 * M_PI * freq_guess_hz / fs_hz : 0.0, &w);
	if (r < 0)
		return r;
	r = fit_pass(x, n, w, false, 0.0, 0.0, sol);
	if (r < 0)
		return r;
	for (it = 1; it <= 50; it++) {
		double a0 = sol[0], b0 = sol[1], dw;

		r = fit_pass(x, n, w, true, a0, b0, sol);
		if (r < 0)
			return r;
		dw = sol[3];
		w += dw;
		if (!(w > 0.0 && w < M_PI))
			return -EDOM;
		if (fabs(dw) < 1e-12 * w) {
			/* final 3-parameter pass at the converged frequency */
			r = fit_pass(x, n, w, false, 0.0, 0.0, sol);
			if (r < 0)
				return r;
			fill(&fit, x, n, fs_hz, w, sol, it);
			/*
			 * A frequency is only meaningful for a tone well above the
			 * noise: amplitude >= 10 standard uncertainties of the
			 * amplitude estimate (NAD * sqrt(2/n)) and not rounding
			 * noise on a constant. Otherwise a dead channel could yield
			 * a plausible frequency and pass a time-base test.
			 */
			if (!(fit.amplitude > 10.0 * fit.residual_rms * sqrt(2.0 / (double)n)) ||
			    !(fit.amplitude > 1e-12 * fabs(fit.offset)))
				return -EDOM;
			*ret = fit;
			return 0;
		}
	}
	return -EDOM; /* no convergence: not a clean single tone */
}

double bench_score_sinad_db(const struct bench_sine_fit *fit)
{
	if (!fit || !(fit->residual_rms > 0.0))
		return NAN;
	return 20.0 * log10(fit->amplitude / sqrt(2.0) / fit->residual_rms);
}

double bench_score_enob_bits(double nad_rms, double fsr)
{
	if (!(nad_rms > 0.0) || !(fsr > 0.0))
		return NAN;
	return log2(fsr / (nad_rms * sqrt(12.0)));
}

double bench_score_enob_from_sinad(double sinad_db)
{
	/* 10*log10(1.5) = 1.7609 dB, 20*log10(2) = 6.0206 dB */
	return (sinad_db - 10.0 * log10(1.5)) / (20.0 * log10(2.0));
}

static double window_value(enum bench_window win, size_t i, size_t n)
{
	double p = 2.0 * M_PI * (double)i / (double)n;

	switch (win) {
	case BENCH_WINDOW_HANN:
		return 0.5 - 0.5 * cos(p);
	case BENCH_WINDOW_BH4:
		return 0.35875 - 0.48829 * cos(p) + 0.14128 * cos(2.0 * p) - 0.01168 * cos(3.0 * p);
	default:
		return 1.0;
	}
}

static size_t fold_bin(unsigned long long h, size_t k1, size_t n)
{
	size_t b = (size_t)((h * k1) % n);

	return b > n / 2 ? n - b : b;
}

static double tone_power(const double *p, size_t nb, size_t b, unsigned m)
{
	size_t lo = b > m ? b - m : 0, hi = b + m < nb ? b + m : nb - 1, j;
	double s = 0.0;

	for (j = lo; j <= hi; j++)
		s += p[j];
	return s;
}

int bench_score_harmonics(const double *x, size_t n, double fs_hz, double fund_hz,
			  unsigned n_harmonics, enum bench_window window, unsigned half_width,
			  struct bench_harmonics *ret)
{
	size_t nb = n / 2 + 1, k, k1 = 0, i;
	double *buf, *pw, mean = 0.0, p1, hsum = 0.0, spur = 0.0;
	struct bench_harmonics h;
	fftw_complex *spec;
	fftw_plan plan;
	unsigned hh;
	int r;

	if (!ret || !args_ok(x, n, fs_hz) || n_harmonics < 2 || n_harmonics > 15 ||
	    (unsigned)window >= BENCH_WINDOW_COUNT || half_width > nb / 8 ||
	    !(fund_hz < fs_hz / 2.0))
		return -EINVAL;
	r = score_fft_plan_r2c(n, &plan);
	if (r < 0)
		return r;
	buf = fftw_malloc(n * sizeof(*buf));
	spec = fftw_malloc(nb * sizeof(*spec));
	pw = malloc(nb * sizeof(*pw));
	if (!buf || !spec || !pw) {
		r = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		buf[i] = (x[i] - mean) * window_value(window, i, n);
	fftw_execute_dft_r2c(plan, buf, spec);
	for (k = 0; k < nb; k++)
		pw[k] = spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1];

	if (fund_hz > 0.0) {
		size_t lo, hi;

		k1 = (size_t)llround(fund_hz * (double)n / fs_hz);
		lo = k1 > half_width ? k1 - half_width : 1;
		hi = k1 + half_width < nb ? k1 + half_width : nb - 1;
		for (k = lo; k <= hi; k++) {
			if (pw[k] > pw[k1])
				k1 = k;
		}
	} else {
		k1 = half_width + 1;
		for (k = half_width + 1; k < nb; k++) {
			if (pw[k] > pw[k1])
				k1 = k;
		}
	}
	if (k1 <= half_width || k1 >= nb) {
		r = -EINVAL;
		goto out_free;
	}
	p1 = tone_power(pw, nb, k1, half_width);
	for (hh = 0; hh < 16; hh++)
		h.harmonic_db[hh] = NAN;
	for (hh = 2; hh <= n_harmonics; hh++) {
		double ph = tone_power(pw, nb, fold_bin(hh, k1, n), half_width);

		hsum += ph;
		h.harmonic_db[hh] = 10.0 * log10(ph / p1);
	}
	for (k = half_width + 1; k < nb; k++) {
		if (k + half_width >= k1 && k <= k1 + half_width)
			continue;
		if (pw[k] > spur)
			spur = pw[k];
	}
	h.fund_hz = (double)k1 * fs_hz / (double)n;
	h.thd_db = 10.0 * log10(hsum / p1);
	h.sfdr_db = 10.0 * log10(pw[k1] / spur);
	*ret = h;
	r = 0;
out_free:
	free(pw);
	fftw_free(spec);
	fftw_free(buf);
	return r;
}

static size_t gcd_size(size_t a, size_t b)
{
	while (b) {
		size_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

int bench_score_coherent_freq(double fs_hz, size_t n, double target_hz, double *ret_hz,
			      size_t *ret_cycles)
{
	double j0;
	size_t d;

	if (!ret_hz || n < 4 || !(fs_hz > 0.0) || !(target_hz > 0.0 && target_hz < fs_hz / 2.0))
		return -EINVAL;
	j0 = floor(target_hz * (double)n / fs_hz + 0.5);
	for (d = 0; d < n; d++) {
		double cand[2] = { j0 + (double)d, j0 - (double)d };
		int c;

		for (c = 0; c < 2; c++) {
			size_t j;

			if (cand[c] < 1.0 || cand[c] >= (double)n / 2.0)
				continue;
			j = (size_t)cand[c];
			if (gcd_size(j, n) == 1) {
				*ret_hz = (double)j * fs_hz / (double)n;
				if (ret_cycles)
					*ret_cycles = j;
				return 0;
			}
		}
	}
	return -ERANGE;
}

/*
 * Multi-tone least squares: columns cos/sin per tone, then 1 and a linear trend. The normal
 * equations are accumulated block by block (cos/sin by exact evaluation every block start and
 * a rotation recurrence inside), scaled to unit diagonal and solved by Cholesky.
 */
#define MULTI_BLOCK 256

int bench_score_multisine_fit(const double *x, size_t n, double fs_hz, const double *freq_hz,
			      size_t n_tones, double *ret_amplitude, double *ret_residual_rms)
{
	size_t m = 2 * n_tones + 2, i, j, k, t;
	double *ata = NULL, *atb = NULL, *row = NULL, *c = NULL, *s = NULL, *cw = NULL, *sw = NULL,
	       *sol = NULL, *scale = NULL, ss = 0;
	int r = -ENOMEM;

	if (!args_ok(x, n, fs_hz) || n_tones == 0 || n_tones > 256 || !ret_amplitude || n < m + 1)
		return -EINVAL;
	for (t = 0; t < n_tones; t++)
		if (!(freq_hz[t] > 0) || freq_hz[t] >= fs_hz / 2)
			return -EINVAL;
	ata = calloc(m * m, sizeof(*ata));
	atb = calloc(m, sizeof(*atb));
	row = calloc(m, sizeof(*row));
	c = calloc(n_tones, sizeof(*c));
	s = calloc(n_tones, sizeof(*s));
	cw = calloc(n_tones, sizeof(*cw));
	sw = calloc(n_tones, sizeof(*sw));
	sol = calloc(m, sizeof(*sol));
	scale = calloc(m, sizeof(*scale));
	if (!ata || !atb || !row || !c || !s || !cw || !sw || !sol || !scale)
		goto out;
	for (t = 0; t < n_tones; t++) {
		cw[t] = cos(2 * M_PI * freq_hz[t] / fs_hz);
		sw[t] = sin(2 * M_PI * freq_hz[t] / fs_hz);
	}
	for (i = 0; i < n; i++) {
		if (i % MULTI_BLOCK == 0) {
			for (t = 0; t < n_tones; t++) {
				double ph = fmod(freq_hz[t] / fs_hz * (double)i, 1.0) * 2 * M_PI;

				c[t] = cos(ph);
				s[t] = sin(ph);
			}
		}
		for (t = 0; t < n_tones; t++) {
			row[2 * t] = c[t];
			row[2 * t + 1] = s[t];
		}
		row[m - 2] = 1;
		row[m - 1] = (double)i / (double)n - 0.5;
		/* upper triangle only */
		for (j = 0; j < m; j++) {
			double rj = row[j], *a = ata + j * m;

			for (k = j; k < m; k++)
				a[k] += rj * row[k];
			atb[j] += rj * x[i];
		}
		for (t = 0; t < n_tones; t++) {
			double cn = c[t] * cw[t] - s[t] * sw[t];

			s[t] = s[t] * cw[t] + c[t] * sw[t];
			c[t] = cn;
		}
	}
	/* unit-diagonal scaling, then Cholesky (lower, in place) */
	for (j = 0; j < m; j++) {
		if (!(ata[j * m + j] > 0)) {
			r = -EDOM;
			goto out;
		}
		scale[j] = 1 / sqrt(ata[j * m + j]);
	}
	for (j = 0; j < m; j++)
		for (k = j; k < m; k++)
			ata[k * m + j] = ata[j * m + k] * scale[j] * scale[k];
	for (j = 0; j < m; j++) {
		double d = ata[j * m + j];

		for (k = 0; k < j; k++)
			d -= ata[j * m + k] * ata[j * m + k];
		if (!(d > 1e-13)) { /* tones too close for the record: not separable */
			r = -EDOM;
			goto out;
		}
		d = sqrt(d);
		ata[j * m + j] = d;
		for (i = j + 1; i < m; i++) {
			double e = ata[i * m + j];

			for (k = 0; k < j; k++)
				e -= ata[i * m + k] * ata[j * m + k];
			ata[i * m + j] = e / d;
		}
	}
	for (j = 0; j < m; j++) { /* L y = D b */
		double e = atb[j] * scale[j];

		for (k = 0; k < j; k++)
			e -= ata[j * m + k] * sol[k];
		sol[j] = e / ata[j * m + j];
	}
	for (j = m; j-- > 0;) { /* L^T z = y */
		double e = sol[j];

		for (k = j + 1; k < m; k++)
			e -= ata[k * m + j] * sol[k];
		sol[j] = e / ata[j * m + j];
	}
	for (j = 0; j < m; j++)
		sol[j] *= scale[j];
	if (ret_residual_rms) {
		for (i = 0; i < n; i++) {
			double y = sol[m - 2] + sol[m - 1] * ((double)i / (double)n - 0.5);

			for (t = 0; t < n_tones; t++) {
				double ph = fmod(freq_hz[t] / fs_hz * (double)i, 1.0) * 2 * M_PI;

				y += sol[2 * t] * cos(ph) + sol[2 * t + 1] * sin(ph);
			}
			ss += (x[i] - y) * (x[i] - y);
		}
		*ret_residual_rms = sqrt(ss / (double)n);
	}
	for (t = 0; t < n_tones; t++)
		ret_amplitude[t] = hypot(sol[2 * t], sol[2 * t + 1]);
	r = 0;
out:
	free(ata);
	free(atb);
	free(row);
	free(c);
	free(s);
	free(cw);
	free(sw);
	free(sol);
	free(scale);
	return r;
}
