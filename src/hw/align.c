// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cross-correlation alignment; see align.h. Direct O(n * max_lag) sum: the
 * lags searched are short (a few ms of rig delay), so an FFT would not pay.
 */
#include "hw/align.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static double corr_at(const float *ref, const float *sig, size_t n, size_t lag, double *ret_rr,
		      double *ret_ss)
{
	double rs = 0, rr = 0, ss = 0;
	size_t k;

	for (k = 0; k + lag < n; k++) {
		rs += (double)ref[k] * sig[k + lag];
		rr += (double)ref[k] * ref[k];
		ss += (double)sig[k + lag] * sig[k + lag];
	}
	*ret_rr = rr;
	*ret_ss = ss;
	return rs;
}

int bench_align_xcorr(const float *ref, const float *sig, size_t n, size_t max_lag,
		      struct bench_alignment *ret)
{
	double best = -2, c[3] = { 0, 0, 0 }, rr, ss, rs, delta = 0;
	size_t lag, best_lag = 0;

	if (!ref || !sig || !ret || n <= max_lag + 2)
		return -EINVAL;
	for (lag = 0; lag <= max_lag; lag++) {
		double v;

		rs = corr_at(ref, sig, n, lag, &rr, &ss);
		if (rr <= 0)
			return -EINVAL;
		v = ss > 0 ? rs / sqrt(rr * ss) : 0;
		/*
		 * Periodic stimuli correlate equally at every period: keep the smallest
		 * lag unless a later one is clearly better (rounding noise is not).
		 */
		if (v > best + 1e-6) {
			best = v;
			best_lag = lag;
		}
	}
	if (!(best > 0))
		return -ENODATA;
	/* Parabolic refinement on the normalised correlation around the peak. */
	if (best_lag > 0 && best_lag < max_lag) {
		size_t i;

		for (i = 0; i < 3; i++) {
			rs = corr_at(ref, sig, n, best_lag + i - 1, &rr, &ss);
			c[i] = ss > 0 ? rs / sqrt(rr * ss) : 0;
		}
		if (c[0] - 2 * c[1] + c[2] < 0)
			delta = 0.5 * (c[0] - c[2]) / (c[0] - 2 * c[1] + c[2]);
		if (delta > 0.5 || delta < -0.5)
			delta = 0;
	}
	rs = corr_at(ref, sig, n, best_lag, &rr, &ss);
	ret->lag_frames = (long)best_lag;
	ret->lag_frac_frames = (double)best_lag + delta;
	ret->u_lag_frames = fmax(1.0 / sqrt(12.0), fabs(delta));
	ret->peak_corr = best;
	ret->gain = rs / rr;
	return 0;
}

int bench_align_shared_clock(const int64_t *ts_ns, size_t n, int64_t onset_ns, double rate_hz,
			     struct bench_alignment *ret)
{
	size_t lo = 0, hi;
	double frac;

	if (!ts_ns || !ret || n == 0 || !(rate_hz > 0))
		return -EINVAL;
	if (onset_ns < ts_ns[0] || onset_ns > ts_ns[n - 1])
		return -ERANGE;
	/* First frame at or after the onset (timestamps increase). */
	hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ts_ns[mid] < onset_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (ts_ns[lo] == onset_ns || lo == 0) {
		frac = (double)lo;
	} else {
		/* Between frames lo-1 and lo: interpolate on their timestamps. */
		frac = (double)(lo - 1) +
		       (double)(onset_ns - ts_ns[lo - 1]) / (double)(ts_ns[lo] - ts_ns[lo - 1]);
	}
	memset(ret, 0, sizeof(*ret));
	ret->lag_frames = (long)lo;
	ret->lag_frac_frames = frac;
	ret->u_lag_frames = ts_ns[lo] == onset_ns ? 0.0 : 1.0 / sqrt(12.0);
	ret->peak_corr = NAN;
	ret->gain = NAN;
	return 0;
}
