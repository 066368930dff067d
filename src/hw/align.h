/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sample alignment between what the DAC was told to play and what a capture
 * device recorded, for rigs without a clock shared by DAC and capture: the
 * lag is the peak of the normalised cross-correlation between the stimulus
 * and a loopback reference channel (or the DUT channel itself), refined to a
 * fraction of a sample by a parabola through the peak and its neighbours.
 *
 * With a clock shared by DAC and capture (the emulated rig says when the DAC
 * played its first frame) bench_align_shared_clock() reads the onset off the
 * capture timestamps instead: exact, no correlation needed.
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
#include <stdint.h>

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

/**
 * bench_align_shared_clock() - alignment on a clock shared by DAC and capture.
 * @ts_ns:    the capture's @n frame timestamps (ns, the rig clock); borrowed.
 * @onset_ns: when the DAC played stimulus frame 0, on the same clock
 *            (bench_stream_stats.dac_start_ns).
 * @rate_hz:  the capture's nominal rate.
 *
 * lag_frames is the first frame at or after the onset; lag_frac_frames the
 * onset in frames from the first frame (a fraction when the capture runs at
 * another rate than the DAC), from the timestamps on both sides of it. The
 * clock is exact, so u_lag_frames is 0 for an onset on a frame and
 * 1/sqrt(12) otherwise (the fraction is known only to the timestamps'
 * resolution of one frame). peak_corr and gain are NaN (nothing correlated).
 * Return: 0, -EINVAL (bad argument), -ERANGE (@onset_ns outside the capture).
 */
int bench_align_shared_clock(const int64_t *ts_ns, size_t n, int64_t onset_ns, double rate_hz,
			     struct bench_alignment *ret);

#endif /* BENCH_HW_ALIGN_H */
