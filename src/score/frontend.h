/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Acquisition front-end metrics (test-catalogue.md 2A: A2-A8, A10, A12, A14):
 * frequency response from per-frequency sine fits, -3 dB corners, time
 * constant from a decay, CMRR, crosstalk, input impedance from a divider,
 * gain change under DC offset, saturation recovery, time-base error, drift
 * and jitter, channel skew and latency by cross-correlation.
 *
 * Amplitudes are in any unit X shared by the arrays compared; sample rates
 * in Hz, times in seconds (double) or ns (int64_t, named _ns); ratios in dB
 * are 20*log10 of amplitude ratios; impedances in ohm.
 */
#ifndef BENCH_SCORE_FRONTEND_H
#define BENCH_SCORE_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

/* One point of a frequency response H(f) = out / in. */
struct bench_response_point {
	double freq_hz;
	double gain;	  /* |H|, amplitude ratio out/in */
	double gain_db;	  /* 20 log10 gain */
	double phase_rad; /* arg H = phase(out) - phase(in), wrapped to (-pi, pi] */
};

/**
 * bench_score_response_point() - H(f) from 3-parameter fits of input and output.
 * @in, @out: @n samples each, captured simultaneously at @fs_hz, borrowed.
 * @freq_hz:  the stimulus frequency (known, e.g. from the generator).
 *
 * Return: 0, the errors of bench_score_sine_fit3(), -EDOM if the input
 * amplitude is 0.
 */
int bench_score_response_point(const double *in, const double *out, size_t n, double fs_hz,
			       double freq_hz, struct bench_response_point *ret);

/**
 * bench_score_corner_3db() - a -3 dB corner by interpolation.
 * @freq_hz:    @n frequencies, strictly increasing, > 0.
 * @gain_db:    the response at each, dB.
 * @ref_index:  index of the reference (passband) point, e.g. 10 Hz.
 * @upper:      0 searches below the reference (high-pass corner), 1 above
 *              (low-pass corner).
 * @ret_hz:     receives the frequency where the response first crosses
 *              gain_db[ref] - 3.0103 dB (half power) walking away from the
 *              reference, interpolated linearly in (log10 f, dB).
 *
 * Return: 0, -EINVAL, -ENOENT if the response never drops 3 dB in range.
 */
int bench_score_corner_3db(const double *freq_hz, const double *gain_db, size_t n, size_t ref_index,
			   int upper, double *ret_hz);

/* Passband flatness of a measured response (A3 "passband ripple"). */
struct bench_ripple {
	double dev_pct; /* max over the points of |gain / ref_gain - 1| * 100 */
	double pp_db;	/* 20 log10(max gain / min gain) */
};

/**
 * bench_score_passband_ripple() - ripple over the passband points.
 * @gain:     @n >= 1 amplitude ratios (not dB) of the points inside the
 *            declared passband, borrowed.
 * @ref_gain: the reference gain (e.g. at 10 Hz, or the nominal gain), > 0.
 *
 * Return: 0, -EINVAL for n == 0, a non-positive gain or reference.
 */
int bench_score_passband_ripple(const double *gain, size_t n, double ref_gain,
				struct bench_ripple *ret);

/**
 * bench_score_time_constant() - time to decay to 1/e (36.8 %) (A3).
 * @x:          samples after the edge, borrowed; x[0] is the start of the decay.
 * @n:          >= 2.
 * @fs_hz:      sample rate.
 * @final:      the level the decay tends to (0 for an AC-coupled input); NaN
 *              takes the mean of the last 5 % of @x.
 * @ret_tau_s:  receives t where (x - final) first falls to (x[0] - final)/e,
 *              linearly interpolated between samples, in seconds.
 *
 * Return: 0, -EINVAL, -ENOENT if it never decays that far.
 */
int bench_score_time_constant(const double *x, size_t n, double fs_hz, double final,
			      double *ret_tau_s);

/* CMRR in dB: 20 log10(G_d / G_c) with G_c = vout_cm / vcm (A4). NaN if not positive. */
double bench_score_cmrr_db(double gain_diff, double vout_cm, double vcm);

/**
 * bench_score_crosstalk_db() - 20 log10(V_victim / V_aggressor) at a known frequency (A7).
 * @aggressor, @victim: @n samples each, borrowed.
 *
 * Amplitudes come from 3-parameter fits at @freq_hz, which reject noise
 * and the other frequencies. Return: 0, the fit errors, -EDOM if the
 * aggressor amplitude is 0.
 */
int bench_score_crosstalk_db(const double *aggressor, const double *victim, size_t n, double fs_hz,
			     double freq_hz, double *ret_db);

/* An input impedance from a series resistor divider, with propagated uncertainty. */
struct bench_impedance {
	double z_ohm;	/* R * V2 / (V1 - V2) */
	double u_z_ohm; /* standard uncertainty from u(R), u(V1), u(V2) (uncorrelated) */
};

/**
 * bench_score_input_impedance() - Z_in from a divider (A5).
 * @r_ohm:   the known series resistor; @u_r_ohm its standard uncertainty.
 * @v1:      amplitude with the source connected directly (any unit X), @u_v1.
 * @v2:      amplitude through the resistor (same unit), @u_v2.
 *
 * Sensitivities: dZ/dR = V2/(V1-V2), dZ/dV1 = -R V2/(V1-V2)^2,
 * dZ/dV2 = R V1/(V1-V2)^2 (GUM law of propagation, first order).
 *
 * Return: 0, -EINVAL for non-positive R or V2, -EDOM if V1 <= V2 (no
 * measurable drop: Z is beyond what this R can resolve).
 */
int bench_score_input_impedance(double r_ohm, double u_r_ohm, double v1, double u_v1, double v2,
				double u_v2, struct bench_impedance *ret);

/* Gain change in percent: (a_with - a_without) / a_without * 100 (A6). NaN if a_without <= 0. */
double bench_score_gain_change_pct(double a_with, double a_without);

/**
 * bench_score_recovery_time() - time until a trace settles (A6 steps, A12, D4).
 * @x:         samples in X, borrowed.
 * @start:     index of the release (end of the overload or offset step).
 * @lo, @hi:   the band the trace must return into (e.g. baseline +- 50 uV).
 * @hold:      samples it must then stay inside (>= 1).
 * @ret_s:     receives (i - start) / fs for the first i >= start such that
 *             x[i .. i+hold-1] are all inside [lo, hi]; +INFINITY if the
 *             trace never does within the capture (judged FAIL against an
 *             upper limit, never PASS).
 *
 * Return: 0, -EINVAL.
 */
int bench_score_recovery_time(const double *x, size_t n, double fs_hz, size_t start, double lo,
			      double hi, size_t hold, double *ret_s);

/**
 * bench_score_timebase_ppm() - DUT sample-clock error from a reference tone (A8).
 * @ref_hz:  the true frequency of the reference tone (disciplined source).
 * @meas_hz: the frequency found by bench_score_sine_fit4() in the DUT's
 *           samples at its nominal rate.
 *
 * A DUT clock that runs fast by e takes more samples per cycle, so the tone
 * appears at ref / (1 + e). Return: e in ppm, (ref/meas - 1) * 1e6; positive
 * means the DUT samples faster than nominal. NaN for non-positive input.
 */
double bench_score_timebase_ppm(double ref_hz, double meas_hz);

/* Jitter of a nominally periodic event train (timestamps). */
struct bench_jitter {
	double period_ns;    /* least-squares slope of t_i against i */
	double tie_rms_ns;   /* rms time-interval error: residuals from that line */
	double tie_pp_ns;    /* peak-to-peak of the residuals */
	double period_sd_ns; /* sample standard deviation of t_i - t_{i-1} */
};

/**
 * bench_score_jitter() - period and jitter from @n >= 3 sorted timestamps (A8).
 *
 * Return: 0, -EINVAL.
 */
int bench_score_jitter(const int64_t *t_ns, size_t n, struct bench_jitter *ret);

/**
 * bench_score_delay() - delay of @b relative to @a by cross-correlation (A10, A14).
 * @a, @b:      @n samples each (same rate), borrowed. The means are removed.
 * @fs_hz:      sample rate.
 * @max_lag:    search lags in [-max_lag, +max_lag] samples (< n).
 * @ret_delay_s: receives (lag + d) / fs where lag maximises
 *              c[k] = sum_i a[i] b[i + k] and d in (-0.5, 0.5) is the
 *              parabolic interpolation of c around it (sub-sample).
 *              Positive means @b lags @a.
 * @ret_peak:   optional: the normalised correlation at the peak, in [-1, 1].
 *              Gate on it (e.g. >= 0.5): uncorrelated traces (a dead channel
 *              with noise) still have a largest lag, which means nothing.
 *
 * The correlation is computed by FFT (zero-padded, cached plans).
 *
 * Return: 0, -EINVAL, -EDOM if either trace is constant, -ENOMEM.
 */
int bench_score_delay(const double *a, const double *b, size_t n, double fs_hz, size_t max_lag,
		      double *ret_delay_s, double *ret_peak);

#endif /* BENCH_SCORE_FRONTEND_H */
