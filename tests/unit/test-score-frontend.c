// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for score/frontend.h: frequency response of a known gain and
 * phase, -3 dB corner of an analytic first-order high-pass (0.5 %), time
 * constant of an exponential (0.1 %), CMRR/crosstalk/impedance closed forms
 * with the impedance uncertainty checked by finite differences, recovery
 * time, time-base ppm sign, jitter of a known pattern, and delay by
 * cross-correlation against scipy.signal.correlate with the same
 * sub-sample interpolation (1e-9 s) and against the true delay (0.05 sample);
 * the joint multi-tone fit (A3) against numpy.linalg.lstsq on the same data
 * (1e-9 relative) and the corner and ripple it gives for the exact response
 * of a first-order 0.1 Hz high-pass (1 % and 0.05 points of %).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "score/frontend.h"
#include "score/sine.h"
#include "score/spectrum.h"
#include "score-ref.h"

static void fini(void)
{
	bench_score_cleanup();
}

TestSuite(score_frontend, .fini = fini);

Test(score_frontend, response_point_recovers_gain_and_phase)
{
	const size_t n = 2500;
	double in[2500], out[2500];
	struct bench_response_point p;
	struct ref_rng rng = { 3 };
	size_t i;

	for (i = 0; i < n; i++) {
		double ph = 2 * M_PI * 10.0 * (double)i / 250.0;

		in[i] = 100.0 * sin(ph + 0.2);
		out[i] = 50.0 * sin(ph + 0.2 - 0.3) + 0.1 * ref_normal(&rng);
	}
	cr_assert_eq(bench_score_response_point(in, out, n, 250.0, 10.0, &p), 0);
	cr_expect(fabs(p.gain - 0.5) < 1e-3);
	cr_expect(fabs(p.gain_db + 6.0206) < 0.02);
	cr_expect(fabs(p.phase_rad + 0.3) < 1e-3);
}

Test(score_frontend, corner_of_a_first_order_high_pass)
{
	/* |H| = f / sqrt(f^2 + fc^2), fc = 0.16 Hz; 20 points per decade 0.01..100 Hz */
	double f[81], g[81], corner;
	size_t i, ref = 0;

	for (i = 0; i < 81; i++) {
		f[i] = pow(10.0, -2.0 + (double)i / 20.0);
		g[i] = 20.0 * log10(f[i] / sqrt(f[i] * f[i] + 0.16 * 0.16));
		if (fabs(f[i] - 10.0) < 1e-9)
			ref = i;
	}
	cr_assert_eq(ref, 60);
	cr_assert_eq(bench_score_corner_3db(f, g, 81, ref, 0, &corner), 0);
	cr_expect(fabs(corner / 0.16 - 1.0) < 0.005, "corner %g Hz", corner);
	cr_expect_eq(bench_score_corner_3db(f, g, 81, ref, 1, &corner), -ENOENT);
}

Test(score_frontend, time_constant_of_an_exponential_decay)
{
	double x[1000], tau;
	size_t i;

	for (i = 0; i < 1000; i++)
		x[i] = 100.0 * exp(-(double)i / 250.0 / 0.32);
	cr_assert_eq(bench_score_time_constant(x, 1000, 250.0, 0.0, &tau), 0);
	cr_expect(fabs(tau / 0.32 - 1.0) < 1e-3, "tau %g", tau);
	for (i = 0; i < 1000; i++)
		x[i] = 5.0 - 80.0 * exp(-(double)i / 250.0 / 0.32); /* negative step to 5 */
	cr_assert_eq(bench_score_time_constant(x, 1000, 250.0, NAN, &tau), 0);
	cr_expect(fabs(tau / 0.32 - 1.0) < 2e-3, "tau %g", tau);
}

Test(score_frontend, cmrr_and_crosstalk_closed_forms)
{
	double a[1000], v[1000], xt;
	size_t i;

	/* G_d = 1000, 1 V common mode gives 10 uV at the output: G_c = 1e-5, 160 dB */
	cr_expect_float_eq(bench_score_cmrr_db(1000.0, 10e-6, 1.0), 160.0, 1e-9);
	cr_expect(isnan(bench_score_cmrr_db(1000.0, 0.0, 1.0)));
	for (i = 0; i < 1000; i++) {
		a[i] = 1000.0 * sin(2 * M_PI * 10.0 * (double)i / 500.0);
		v[i] = 5.0 * sin(2 * M_PI * 10.0 * (double)i / 500.0 + 1.0) +
		       20.0 * sin(2 * M_PI * 50.0 * (double)i / 500.0);
	}
	cr_assert_eq(bench_score_crosstalk_db(a, v, 1000, 500.0, 10.0, &xt), 0);
	cr_expect(fabs(xt - 20.0 * log10(5.0 / 1000.0)) < 1e-6, "xt %g", xt);
}

Test(score_frontend, divider_impedance_and_its_uncertainty)
{
	struct bench_impedance z, zp;
	double h = 1e-6, num;

	/* R = 10 Mohm, V1 = 100, V2 = 95.2381: Z = 10M * 95.2381 / 4.7619 = 200 Mohm */
	cr_assert_eq(bench_score_input_impedance(10e6, 0.0, 100.0, 0.0, 100.0 * 20.0 / 21.0, 0.0,
						 &z),
		     0);
	cr_expect(fabs(z.z_ohm / 200e6 - 1.0) < 1e-12);
	/* sensitivity to V2 by finite difference matches the analytic u_z */
	cr_assert_eq(bench_score_input_impedance(10e6, 0.0, 100.0, 0.0, 95.0, 0.01, &z), 0);
	cr_assert_eq(bench_score_input_impedance(10e6, 0.0, 100.0, 0.0, 95.0 + h, 0.0, &zp), 0);
	num = (zp.z_ohm - z.z_ohm) / h * 0.01;
	cr_expect(fabs(z.u_z_ohm / num - 1.0) < 1e-4, "%g vs %g", z.u_z_ohm, num);
	cr_expect_eq(bench_score_input_impedance(10e6, 0.0, 90.0, 0.0, 95.0, 0.0, &z), -EDOM);
	cr_expect_float_eq(bench_score_gain_change_pct(95.0, 100.0), -5.0, 1e-12);
}

Test(score_frontend, recovery_time_after_saturation)
{
	double x[1000], t;
	size_t i;

	for (i = 0; i < 1000; i++)
		x[i] = i < 300 ? 5000.0 : (i < 420 ? 5000.0 * exp(-((double)i - 300) / 20.0) : 1.0);
	x[430] = 80.0; /* settled at 393, but a glitch at 430 restarts the hold */
	cr_assert_eq(bench_score_recovery_time(x, 1000, 1000.0, 300, -50.0, 50.0, 50, &t), 0);
	cr_expect_float_eq(t, 131.0 / 1000.0, 1e-12); /* from 431 on, 50 samples inside */
	cr_assert_eq(bench_score_recovery_time(x, 1000, 1000.0, 300, -0.5, 0.5, 50, &t), 0);
	cr_expect(isinf(t));
}

Test(score_frontend, timebase_ppm_sign_and_jitter)
{
	int64_t ts[101];
	struct bench_jitter j;
	size_t i;

	/* DUT clock 50 ppm fast: a 10 Hz tone shows up at 10 / 1.00005 Hz */
	cr_expect(fabs(bench_score_timebase_ppm(10.0, 10.0 / 1.00005) - 50.0) < 1e-6);
	/* period 4 ms, alternate +-100 ns (odd count: no slope bias): TIE p-p 200 ns */
	for (i = 0; i < 101; i++)
		ts[i] = 1700000000000000000LL + (int64_t)i * 4000000 + ((i % 2) ? 100 : -100);
	cr_assert_eq(bench_score_jitter(ts, 101, &j), 0);
	cr_expect(fabs(j.period_ns - 4000000.0) < 0.1, "period %f", j.period_ns);
	cr_expect(fabs(j.tie_rms_ns - 100.0) < 0.5, "tie %f", j.tie_rms_ns);
	cr_expect(fabs(j.tie_pp_ns - 200.0) < 1e-6, "p-p %f", j.tie_pp_ns);
	cr_expect(fabs(j.period_sd_ns - 200.0 * sqrt(100.0 / 99.0)) < 1e-6, "sd %f",
		  j.period_sd_ns);
}

Test(score_frontend, delay_matches_scipy_correlate_and_the_truth)
{
	const size_t n = 4000;
	const double fs = 1000.0, delay = 3.4 / fs;
	double *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b)), d, peak, ref[1] = { 0 };
	char fa[64], fb[64], args[256];
	struct ref_rng rng = { 77 };
	size_t i;

	for (i = 0; i < n; i++) {
		double t = (double)i / fs;

		a[i] = sin(2 * M_PI * 7.0 * t) + 0.5 * sin(2 * M_PI * 23.0 * t + 1.0) +
		       0.01 * ref_normal(&rng);
		b[i] = sin(2 * M_PI * 7.0 * (t - delay)) +
		       0.5 * sin(2 * M_PI * 23.0 * (t - delay) + 1.0) + 0.01 * ref_normal(&rng);
	}
	cr_assert_eq(bench_score_delay(a, b, n, fs, 50, &d, &peak), 0);
	cr_assert_eq(ref_write(a, n, fa, sizeof(fa)), 0);
	cr_assert_eq(ref_write(b, n, fb, sizeof(fb)), 0);
	snprintf(args, sizeof(args), "xcorr %s %s 1000 50", fa, fb);
	cr_assert_eq(ref_run(args, ref, 1), 1);
	unlink(fa);
	unlink(fb);
	cr_expect(fabs(d - ref[0]) < 1e-9, "%.12g vs scipy %.12g", d, ref[0]);
	cr_expect(fabs(d - delay) < 0.05 / fs, "%.6g vs true %.6g", d, delay);
	cr_expect(peak > 0.95);
	cr_assert_eq(bench_score_delay(b, a, n, fs, 50, &d, NULL), 0);
	cr_expect(fabs(d + delay) < 0.05 / fs);
	free(a);
	free(b);
}

Test(score_frontend, passband_ripple_deviation_and_peak_to_peak)
{
	const double g[] = { 0.95, 1.0, 1.08, 1.02 };
	struct bench_ripple r;

	cr_assert_eq(bench_score_passband_ripple(g, 4, 1.0, &r), 0);
	cr_expect_float_eq(r.dev_pct, 8.0, 1e-9);
	cr_expect_float_eq(r.pp_db, 20.0 * log10(1.08 / 0.95), 1e-12);
	cr_expect_eq(bench_score_passband_ripple(g, 0, 1.0, &r), -EINVAL);
}

/* 0.05-350 Hz tones as in eeg-a3-frequency-response, through a known response. */
static const double a3_tones[] = { 0.05, 0.07, 0.1, 0.14, 0.2, 0.3, 0.5, 1,   2,   5,	10,
				   20,	 40,   70,  100,  150, 200, 225, 250, 275, 300, 350 };
#define A3_N (sizeof(a3_tones) / sizeof(a3_tones[0]))

Test(score_frontend, multisine_fit_matches_numpy_lstsq)
{
	const size_t n = 60000;
	const double fs = 1000.0;
	double *x = malloc(n * sizeof(*x)), amp[A3_N], ref[A3_N + 1], res;
	char fx[64], args[1024];
	struct ref_rng rng = { 5 };
	size_t i, k, len;

	for (i = 0; i < n; i++) {
		x[i] = 3.0 + 1e-4 * (double)i + 0.3 * ref_normal(&rng);
		for (k = 0; k < A3_N; k++)
			x[i] += (10.0 + (double)k) *
				sin(2 * M_PI * a3_tones[k] * (double)i / fs + 0.3 * (double)k);
	}
	cr_assert_eq(bench_score_multisine_fit(x, n, fs, a3_tones, A3_N, amp, &res), 0);
	cr_assert_eq(ref_write(x, n, fx, sizeof(fx)), 0);
	len = (size_t)snprintf(args, sizeof(args), "multifit %s 1000", fx);
	for (k = 0; k < A3_N; k++)
		len += (size_t)snprintf(args + len, sizeof(args) - len, " %g", a3_tones[k]);
	cr_assert_eq(ref_run(args, ref, A3_N + 1), (int)A3_N + 1);
	unlink(fx);
	for (k = 0; k < A3_N; k++) {
		cr_expect(fabs(amp[k] - ref[k]) < 1e-9 * ref[k], "tone %g Hz: %.12g vs numpy %.12g",
			  a3_tones[k], amp[k], ref[k]);
		/* and near the truth: 0.3 rms noise over 60000 samples resolves ~2 mV */
		cr_expect(fabs(amp[k] - (10.0 + (double)k)) < 0.02, "tone %g Hz: %.6g", a3_tones[k],
			  amp[k]);
	}
	cr_expect(fabs(res - ref[A3_N]) < 1e-9 * ref[A3_N]);
	/* unseparable: the same tone twice */
	{
		const double twice[] = { 10, 10, 20 };

		cr_expect_eq(bench_score_multisine_fit(x, n, fs, twice, 3, amp, NULL), -EDOM);
	}
	free(x);
}

Test(score_frontend, corner_and_ripple_from_the_multitone_response)
{
	/* |H| of a first-order 0.1 Hz high-pass times a flat passband: the corner is 0.1 Hz */
	double gain[A3_N], db[A3_N], pass[A3_N], fc;
	struct bench_ripple rip;
	size_t k, ref = 10, np = 0; /* a3_tones[10] = 10 Hz */

	for (k = 0; k < A3_N; k++) {
		double u = a3_tones[k] / 0.1;

		gain[k] = u / sqrt(1 + u * u);
		if (a3_tones[k] >= 1 && a3_tones[k] <= 70)
			pass[np++] = gain[k];
	}
	for (k = 0; k < A3_N; k++)
		db[k] = 20 * log10(gain[k] / gain[ref]);
	cr_assert_eq(bench_score_corner_3db(a3_tones, db, A3_N, ref, 0, &fc), 0);
	cr_expect(fabs(fc - 0.1) < 0.001, "corner %.6g Hz", fc);
	cr_assert_eq(bench_score_passband_ripple(pass, np, gain[ref], &rip), 0);
	/* the largest deviation is at 1 Hz: 1/sqrt(1.01) against 10 Hz's 1/sqrt(1.0001) */
	cr_expect(fabs(rip.dev_pct - (1 - sqrt(1.0001 / 1.01)) * 100) < 0.0005, "%.6g %%",
		  rip.dev_pct);
}
