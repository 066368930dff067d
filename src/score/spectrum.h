/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Spectral and amplitude-domain noise metrics on sampled traces (A1, A1b,
 * A1c, B12): Welch power spectral density, band power and rms in a band,
 * rms, and peak-to-valley noise over sliding windows.
 *
 * Input samples are in any amplitude unit X (usually uV referred to the
 * input); the PSD is in X^2/Hz, band power in X^2, rms and peak-to-valley in
 * X. Sample rates are in Hz. FFTW plans are cached by size and reused
 * (thread-safe); bench_score_cleanup() releases them at exit.
 */
#ifndef BENCH_SCORE_SPECTRUM_H
#define BENCH_SCORE_SPECTRUM_H

#include <stddef.h>

/**
 * bench_score_welch_psd() - one-sided Welch PSD, identical to the defaults of
 * scipy.signal.welch(x, fs, nperseg=nperseg, noverlap=noverlap):
 * periodic Hann window (scipy get_window('hann')), segments of @nperseg
 * samples every nperseg - noverlap samples (a trailing partial segment is
 * dropped), each segment's mean removed (detrend='constant'), nfft = nperseg,
 * density scaling 1 / (fs * sum(w^2)), bins 1..nfft/2-1 doubled (and the
 * Nyquist bin not doubled when nperseg is even), mean over segments.
 * @x:        @n samples in X, borrowed.
 * @n:        >= @nperseg.
 * @fs_hz:    sample rate, > 0.
 * @nperseg:  segment length, >= 2 (scipy's default is 256).
 * @noverlap: overlap in samples, < @nperseg (scipy's default is nperseg/2).
 * @ret_psd:  caller's array of nperseg/2 + 1 values, X^2/Hz at frequency
 *            k * fs / nperseg; written only on success.
 *
 * Return: 0, -EINVAL for bad sizes, a non-positive rate or a non-finite
 * sample, -ENOMEM.
 */
int bench_score_welch_psd(const double *x, size_t n, double fs_hz, size_t nperseg, size_t noverlap,
			  double *ret_psd);

/**
 * bench_score_band_power() - power in [f_lo_hz, f_hi_hz] from a one-sided PSD.
 * @psd:       @n_bins values in X^2/Hz at k * df_hz (k = 0..n_bins-1).
 * @df_hz:     bin spacing (fs / nperseg for bench_score_welch_psd()).
 * @ret_power: receives sum(psd[k] * df) over bins with f_lo <= k*df <= f_hi
 *             (rectangle rule, as scipy users do with psd[mask].sum() * df), in X^2.
 *
 * Return: 0, -EINVAL for f_lo > f_hi, a non-positive df or no bin in the band.
 */
int bench_score_band_power(const double *psd, size_t n_bins, double df_hz, double f_lo_hz,
			   double f_hi_hz, double *ret_power);

/**
 * bench_score_rms_in_band() - sqrt of bench_score_welch_psd() band power.
 *
 * Return: 0 or the errors of the two functions above; @ret_rms in X.
 */
int bench_score_rms_in_band(const double *x, size_t n, double fs_hz, size_t nperseg, double f_lo_hz,
			    double f_hi_hz, double *ret_rms);

/**
 * bench_score_rms() - sqrt(mean((x - mean(x))^2)) (catalogue section 3: mean removed).
 *
 * Return: 0, -EINVAL for n == 0 or a non-finite sample.
 */
int bench_score_rms(const double *x, size_t n, double *ret_rms);

/**
 * bench_score_noise_ptp() - largest peak-to-valley over sliding windows (A1).
 * @x:          @n samples in X (band-limit them first if the protocol says so).
 * @window:     window length in samples (e.g. fs * 1 s), 1 <= window <= n.
 * @ret_ptp:    receives max over every window start i of
 *              (max(x[i..i+window-1]) - min(...)), in X.
 * @ret_start:  receives the start index of that window; may be NULL.
 *
 * O(n) with monotone queues; every window position (step 1) is examined.
 *
 * Return: 0, -EINVAL for a bad window or a non-finite sample, -ENOMEM.
 */
int bench_score_noise_ptp(const double *x, size_t n, size_t window, double *ret_ptp,
			  size_t *ret_start);

/* Releases every cached FFTW plan (call once at exit; safe to call twice). */
void bench_score_cleanup(void);

#endif /* BENCH_SCORE_SPECTRUM_H */
