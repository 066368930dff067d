/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sample alignment between what the DAC was told to play and what a capture
 * device recorded, for rigs without a clock shared by DAC and capture: the
 * lag is the peak of the normalised cross-correlation between the stimulus
 * and a loopback reference channel (or the DUT channel itself), refined to a
 * fraction of a sample by a parabola through the peak and its neighbours.
 *
 * Residual uncertainty: the integer lag is exact when the peak is unique; the
 * fractional part is reported with a standard uncertainty of 1/sqrt(12)
 * sample (a uniform distribution over the sample interval, the resolution of
 * the capture clock), widened to the parabola's vertex offset when the peak
 * is flat. A periodic stimulus correlates equally at every whole period; the
 * smallest such lag is taken, so the search range (@max_lag) must be shorter than
 * one period or the stimulus must start with a non-periodic segment.
 * Units: samples (frames) of the capture rate, which must equal the stimulus rate.
 */
#ifndef BENCH_HW_ALIGN_H
#define BENCH_HW_ALIGN_H

#include <stddef.h>

struct bench_alignment {
	long lag_frames;	/* capture[k + lag] matches stimulus[k] */
	double lag_frac_frames; /* refined lag (lag_frames + fraction) */
	double u_lag_frames;	/* standard uncertainty of lag_frac_frames */
	double peak_corr;	/* normalised correlation at the peak, -1..1 */
	double gain;		/* least-squares capture/stimulus at the integer lag */
};

/**
 * bench_align_xcorr() - find the lag of @sig (captured) against @ref (stimulus).
 * @ref, @sig:  @n samples each (one channel); borrowed.
 * @max_lag:    lags 0..@max_lag are searched (captures lag their stimulus).
 * Return: 0, -EINVAL (n <= max_lag + 2, or @ref is all zero), -ENODATA (no correlation).
 */
int bench_align_xcorr(const float *ref, const float *sig, size_t n, size_t max_lag,
		      struct bench_alignment *ret);

#endif /* BENCH_HW_ALIGN_H */
