/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stimulation-output metrics (test-catalogue.md 2B: B1, B4, B5, B7, and
 * shutdown on fault) from a captured current waveform: per-pulse phase
 * amplitudes, widths, interphase gap, rate, charge per phase by
 * integration, net charge and imbalance, DC (mean) current, Shannon k with
 * the electrode area, accuracy against programmed values, and shutdown
 * latency after a fault.
 *
 * Units: current in uA (cathodic negative, anodic positive), time in s and
 * us, charge in uC (1 uA * 1 s = 1 uC), area in cm^2, charge density in
 * uC/cm^2, DC in nA.
 */
#ifndef BENCH_SCORE_STIM_H
#define BENCH_SCORE_STIM_H

#include <stdbool.h>
#include <stddef.h>

/**
 * bench_score_shannon_k() - Shannon (1992) k = log10(D) + log10(Q) (B4).
 * @q_uc:      charge per phase, uC (> 0).
 * @area_cm2:  geometric electrode area, cm^2 (> 0).
 * @ret_d_uc_per_cm2: optional: receives D = Q / A.
 *
 * Valid for macroelectrodes only (>= 1 mm^2); the catalogue's limit is
 * k < 1.85. Example: 0.06 cm^2 at 3 mA x 90 us: Q = 0.27 uC, D = 4.5
 * uC/cm^2, k = 0.085.
 *
 * Return: k, or NaN for non-positive input.
 */
double bench_score_shannon_k(double q_uc, double area_cm2, double *ret_d_uc_per_cm2);

/* Relative error in percent: (measured - programmed) / programmed * 100. NaN if programmed is 0. */
double bench_score_error_pct(double measured, double programmed);

/* Averages over the pulses of a train; per-phase values use the phase's own sign. */
struct bench_stim_train {
	size_t n_pulses;      /* biphasic pulses found (cathodic then anodic) */
	double amp_cath_ua;   /* mean plateau amplitude of the cathodic phase (negative) */
	double amp_anod_ua;   /* ... of the anodic phase (positive) */
	double width_cath_us; /* mean width at 50 % of the phase's plateau */
	double width_anod_us;
	double interphase_us;	  /* mean gap between the 50 % crossings */
	double rate_hz;		  /* (pulses - 1) / (last start - first start); NaN for 1 pulse */
	double q_cath_uc;	  /* mean charge of the cathodic phase (negative) */
	double q_anod_uc;	  /* mean charge of the anodic phase (positive) */
	double q_net_uc;	  /* mean net charge per pulse, q_cath + q_anod */
	double imbalance_pct;	  /* 100 * |q_net| / |q_cath| (mean pulse) */
	double imbalance_max_pct; /* worst single pulse */
	double dc_na;		  /* mean current over whole pulse periods, nA */
};

/**
 * bench_score_stim_train() - measure a train of biphasic current pulses.
 * @i_ua:      @n samples of current in uA, borrowed.
 * @fs_hz:     sample rate (at least ~10 samples per phase for good widths).
 * @thresh_ua: detection threshold (> 0), e.g. half the programmed amplitude;
 *             a phase is a run of samples beyond +-thresh.
 * @ret:       receives the averages.
 *
 * A cathodic phase followed by an anodic one (each found by thresholding)
 * forms a pulse when the anodic phase starts before the next cathodic one.
 * Plateau amplitude: median of the samples above threshold in the phase.
 * Width: between the interpolated 50 %-of-plateau crossings. Charge: the
 * trapezoidal integral of the current over the phase, extended outward from
 * the threshold crossings to where the current returns to 5 % of the
 * plateau (so the rising and falling edges are included). DC: the mean
 * current from the first pulse's start to the last pulse's start (whole
 * periods only).
 *
 * Return: 0, -EINVAL, -ENOENT if no complete biphasic pulse is found,
 * -ENOMEM.
 */
int bench_score_stim_train(const double *i_ua, size_t n, double fs_hz, double thresh_ua,
			   struct bench_stim_train *ret);

/**
 * bench_score_shutdown_latency() - time from a fault to the end of output.
 * @i_ua:       @n samples of output current (uA), borrowed.
 * @fault:      index of the fault (e.g. the GPIO edge mapped to samples).
 * @thresh_ua:  output is "on" while |i| > thresh (> 0).
 * @hold:       the output must stay off for this many samples at the end
 *              of the capture to count as shut down (>= 1).
 * @ret_s:      receives (last on-sample + 1 - fault) / fs, 0 if nothing
 *              after the fault is on, +INFINITY if the output is still on
 *              within the last @hold samples (never shut down).
 *
 * Return: 0, -EINVAL, -ENODATA if the output was never on before the fault
 * (nothing to shut down: a dead stimulator must not pass this test).
 */
int bench_score_shutdown_latency(const double *i_ua, size_t n, double fs_hz, size_t fault,
				 double thresh_ua, size_t hold, double *ret_s);

/**
 * bench_score_event_threshold() - smallest reliably detected event amplitude (B12).
 * @amp_uv:          @n injected event amplitudes (uV), borrowed.
 * @detected:        @n flags: event i was detected.
 * @min_sensitivity: fraction in (0, 1], e.g. 0.9.
 * @ret_uv:          receives the smallest injected amplitude A such that at least
 *                   @min_sensitivity of the events with amplitude >= A were detected;
 *                   +INFINITY when no such A exists (the threshold lies above the tested
 *                   range: nothing is detected reliably).
 *
 * Return: 0, -EINVAL (n == 0, a non-finite amplitude or a bad level), -ENOMEM.
 */
int bench_score_event_threshold(const double *amp_uv, const bool *detected, size_t n,
				double min_sensitivity, double *ret_uv);

#define BENCH_XSPEC_MAX_BINS 512

/*
 * Band-limited transfer between a reference x (what was injected) and a response y (what
 * the DUT recorded) from averaged cross-spectra over Hann windows: per DFT bin k in the
 * band, H_k = S_xy,k / S_xx,k; the power gain in the band is
 * G = sum_k |H_k|^2 S_xx,k / sum_k S_xx,k (|H|^2 weighted by the input power). Noise in y
 * that is uncorrelated with x averages out of S_xy (unlike a plain power ratio).
 */
struct bench_xspec {
	size_t win;	     /* window length, samples */
	size_t k_lo, n_bins; /* first bin, bins in the band */
	size_t n_windows;    /* windows added */
	double sxy_re[BENCH_XSPEC_MAX_BINS], sxy_im[BENCH_XSPEC_MAX_BINS];
	double sxx[BENCH_XSPEC_MAX_BINS], syy[BENCH_XSPEC_MAX_BINS];
};

/* Prepares @acc for windows of @win samples at @fs_hz and the band [lo, hi] Hz.
 * Return: 0, -EINVAL (no bin in the band, win < 8, or more than BENCH_XSPEC_MAX_BINS). */
int bench_score_xspec_init(struct bench_xspec *acc, size_t win, double fs_hz, double lo_hz,
			   double hi_hz);
/* Adds one window (acc->win samples of each, mean removed, Hann). Return: 0, -EINVAL. */
int bench_score_xspec_add(struct bench_xspec *acc, const double *x, const double *y);
/*
 * The band power gain G (see above) and, if @ret_u_rel is not NULL, its relative standard
 * uncertainty from the coherence: 2 sqrt((1 - c) / (2 N c)) with c the power-weighted
 * magnitude-squared coherence and N = windows x bins (Bendat & Piersol, gain estimate).
 * Return: 0, -ENODATA (no window, or no input power in the band).
 */
int bench_score_xspec_gain(const struct bench_xspec *acc, double *ret_gain, double *ret_u_rel);

#endif /* BENCH_SCORE_STIM_H */
