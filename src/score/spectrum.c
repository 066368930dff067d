// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Welch PSD, band power, rms and sliding peak-to-valley; see spectrum.h.
 * The Welch definition follows scipy.signal.welch so the reference test can
 * compare bin by bin (tests/ref/score_ref.py welch).
 */
#include "score/spectrum.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/fft.h"

static int all_finite(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return 0;
	}
	return 1;
}

int bench_score_welch_psd(const double *x, size_t n, double fs_hz, size_t nperseg, size_t noverlap,
			  double *ret_psd)
{
	size_t nb = nperseg / 2 + 1, step, nseg, s, i;
	double *win = NULL, *seg = NULL, *acc = NULL, wss = 0.0, scale;
	fftw_complex *spec = NULL;
	fftw_plan plan;
	int r;

	if (!x || !ret_psd || nperseg < 2 || noverlap >= nperseg || n < nperseg || !(fs_hz > 0.0) ||
	    !isfinite(fs_hz) || !all_finite(x, n))
		return -EINVAL;
	r = score_fft_plan_r2c(nperseg, &plan);
	if (r < 0)
		return r;
	step = nperseg - noverlap;
	nseg = (n - noverlap) / step;

	win = malloc(nperseg * sizeof(*win));
	acc = calloc(nb, sizeof(*acc));
	seg = fftw_malloc(nperseg * sizeof(*seg));
	spec = fftw_malloc(nb * sizeof(*spec));
	if (!win || !acc || !seg || !spec) {
		r = -ENOMEM;
		goto out_free;
	}
	/* periodic Hann (scipy.signal.get_window('hann', N), fftbins=True) */
	for (i = 0; i < nperseg; i++) {
		win[i] = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)nperseg);
		wss += win[i] * win[i];
	}

	for (s = 0; s < nseg; s++) {
		const double *xs = x + s * step;
		double mean = 0.0;

		for (i = 0; i < nperseg; i++)
			mean += xs[i];
		mean /= (double)nperseg;
		for (i = 0; i < nperseg; i++)
			seg[i] = (xs[i] - mean) * win[i];
		fftw_execute_dft_r2c(plan, seg, spec);
		for (i = 0; i < nb; i++)
			acc[i] += spec[i][0] * spec[i][0] + spec[i][1] * spec[i][1];
	}

	scale = 1.0 / (fs_hz * wss) / (double)nseg;
	for (i = 0; i < nb; i++) {
		double v = acc[i] * scale;

		/* one-sided: double all but DC and (even nfft) Nyquist */
		if (i > 0 && !(nperseg % 2 == 0 && i == nb - 1))
			v *= 2.0;
		ret_psd[i] = v;
	}
	r = 0;

out_free:
	fftw_free(spec);
	fftw_free(seg);
	free(acc);
	free(win);
	return r;
}

int bench_score_band_power(const double *psd, size_t n_bins, double df_hz, double f_lo_hz,
			   double f_hi_hz, double *ret_power)
{
	double p = 0.0;
	size_t k, used = 0;

	if (!psd || !(df_hz > 0.0) || !(f_lo_hz <= f_hi_hz))
		return -EINVAL;
	for (k = 0; k < n_bins; k++) {
		double f = (double)k * df_hz;

		if (f >= f_lo_hz && f <= f_hi_hz) {
			p += psd[k] * df_hz;
			used++;
		}
	}
	if (used == 0)
		return -EINVAL;
	*ret_power = p;
	return 0;
}

int bench_score_rms_in_band(const double *x, size_t n, double fs_hz, size_t nperseg, double f_lo_hz,
			    double f_hi_hz, double *ret_rms)
{
	double *psd, p;
	int r;

	if (nperseg < 2)
		return -EINVAL;
	psd = malloc((nperseg / 2 + 1) * sizeof(*psd));
	if (!psd)
		return -ENOMEM;
	r = bench_score_welch_psd(x, n, fs_hz, nperseg, nperseg / 2, psd);
	if (r == 0)
		r = bench_score_band_power(psd, nperseg / 2 + 1, fs_hz / (double)nperseg, f_lo_hz,
					   f_hi_hz, &p);
	if (r == 0)
		*ret_rms = sqrt(p);
	free(psd);
	return r;
}

int bench_score_rms(const double *x, size_t n, double *ret_rms)
{
	double mean = 0.0, ss = 0.0;
	size_t i;

	if (!x || n == 0 || !all_finite(x, n))
		return -EINVAL;
	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	*ret_rms = sqrt(ss / (double)n);
	return 0;
}

int bench_score_noise_ptp(const double *x, size_t n, size_t window, double *ret_ptp,
			  size_t *ret_start)
{
	/* monotone deques of indices: maxq decreasing values, minq increasing */
	size_t *maxq, *minq, mh = 0, mt = 0, nh = 0, nt = 0, i, best_i = 0;
	double best = -1.0;

	if (!x || window == 0 || window > n || !all_finite(x, n))
		return -EINVAL;
	maxq = malloc(n * sizeof(*maxq));
	minq = malloc(n * sizeof(*minq));
	if (!maxq || !minq) {
		free(maxq);
		free(minq);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		while (mt > mh && x[maxq[mt - 1]] <= x[i])
			mt--;
		maxq[mt++] = i;
		while (nt > nh && x[minq[nt - 1]] >= x[i])
			nt--;
		minq[nt++] = i;
		if (i + 1 >= window) {
			size_t start = i + 1 - window;
			double ptp;

			while (maxq[mh] < start)
				mh++;
			while (minq[nh] < start)
				nh++;
			ptp = x[maxq[mh]] - x[minq[nh]];
			if (ptp > best) {
				best = ptp;
				best_i = start;
			}
		}
	}
	free(maxq);
	free(minq);
	*ret_ptp = best;
	if (ret_start)
		*ret_start = best_i;
	return 0;
}
