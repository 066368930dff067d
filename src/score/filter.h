/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Band-limiting for noise metrics (A1b: p-p noise in 0.5-100 Hz; A1c: rms
 * in 300-6000 Hz and 0.1-300 Hz): digital Butterworth low-pass, high-pass
 * and band-pass filters designed by the bilinear transform with
 * pre-warping (the design of scipy.signal.butter), as second-order
 * sections, applied once (causal) or forward and backward (zero phase,
 * squared magnitude response, no padding: discard the edge transients).
 *
 * Frequencies are in Hz at the sample rate fs_hz; samples in any unit X.
 */
#ifndef BENCH_SCORE_FILTER_H
#define BENCH_SCORE_FILTER_H

#include <stddef.h>

enum bench_filter_kind {
	BENCH_FILTER_LOWPASS,  /* passes f < f1 */
	BENCH_FILTER_HIGHPASS, /* passes f > f1 */
	BENCH_FILTER_BANDPASS, /* passes f1 < f < f2 */
	BENCH_FILTER_KIND_COUNT,
};

/* One biquad: y = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) x; a[0] is 1. */
struct bench_biquad {
	double b[3];
	double a[3];
};

#define BENCH_FILTER_MAX_ORDER 8
/* Sections for the largest design: a band-pass of order 8 has 8. */
#define BENCH_FILTER_MAX_SECTIONS 8

/**
 * bench_score_butter() - design a Butterworth filter as biquads.
 * @kind:         low-pass, high-pass or band-pass.
 * @order:        1..8 (a band-pass of order N has 2N poles, like scipy).
 * @f1_hz:        the cut-off (lower edge for band-pass), 0 < f1 < fs/2.
 * @f2_hz:        the upper edge for band-pass (f1 < f2 < fs/2); ignored otherwise.
 * @fs_hz:        sample rate.
 * @ret_sos:      caller's array of BENCH_FILTER_MAX_SECTIONS biquads.
 * @ret_sections: receives the number of sections used.
 *
 * The -3 dB points fall exactly on f1 (and f2); the gain is 1 at DC
 * (low-pass), at fs/2 (high-pass) or at the pre-warped geometric centre
 * (band-pass), as with scipy.signal.butter(order, ..., fs=fs, output='sos').
 *
 * Return: 0, -EINVAL for bad arguments.
 */
int bench_score_butter(enum bench_filter_kind kind, unsigned order, double f1_hz, double f2_hz,
		       double fs_hz, struct bench_biquad *ret_sos, size_t *ret_sections);

/**
 * bench_score_sos_filter() - apply biquads in cascade (transposed direct form II).
 * @sos, @n_sections: from bench_score_butter(), borrowed.
 * @x:                @n input samples, borrowed.
 * @y:                @n output samples; may be the same array as @x.
 *
 * The state starts at zero (scipy.signal.sosfilt without zi).
 *
 * Return: 0, -EINVAL.
 */
int bench_score_sos_filter(const struct bench_biquad *sos, size_t n_sections, const double *x,
			   size_t n, double *y);

/**
 * bench_score_sos_filtfilt() - zero-phase filtering: forward, then backward.
 *
 * Both passes start from zero state and nothing is padded, so the first
 * and last few time constants carry transients: capture a margin and skip
 * it (this differs from scipy.signal.sosfiltfilt, which pads by reflection).
 *
 * Return: 0, -EINVAL.
 */
int bench_score_sos_filtfilt(const struct bench_biquad *sos, size_t n_sections, const double *x,
			     size_t n, double *y);

/* |H(f)| of the cascade at @f_hz (one pass), for checks and reports. */
double bench_score_sos_gain(const struct bench_biquad *sos, size_t n_sections, double f_hz,
			    double fs_hz);

#endif /* BENCH_SCORE_FILTER_H */
