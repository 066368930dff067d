// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for score/spectrum.h and score/sine.h against scipy/numpy on
 * the same data (tests/ref/score_ref.py): Welch PSD bin by bin vs
 * scipy.signal.welch (1e-9 relative), 3-parameter fit vs numpy.linalg.lstsq
 * (1e-9), 4-parameter fit vs scipy.optimize.least_squares (frequency 1e-10,
 * amplitude 1e-8 relative, phase 1e-7 rad), THD/SFDR vs numpy.fft (0.01 dB);
 * closed forms for rms, band power of white noise, peak-to-valley, ENOB.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "score/sine.h"
#include "score/spectrum.h"
#include "score-ref.h"

static void fini(void)
{
	bench_score_cleanup();
}

TestSuite(score_spectrum, .fini = fini);

/* 10 Hz sine of 50 uV + 5 uV white noise + 3 uV offset at 250 Hz. */
static double *make_signal(size_t n, double fs, double f, unsigned long long seed)
{
	struct ref_rng rng = { seed };
	double *x = malloc(n * sizeof(*x));
	size_t i;

	cr_assert_not_null(x);
	for (i = 0; i < n; i++)
		x[i] = 50.0 * cos(2 * M_PI * f * (double)i / fs + 0.7) + 3.0 +
		       5.0 * ref_normal(&rng);
	return x;
}

Test(score_spectrum, welch_matches_scipy_bin_by_bin)
{
	const size_t n = 10000, nperseg = 256;
	double *x = make_signal(n, 250.0, 10.0, 7), psd[129], ref[130] = { 0 };
	char f[64], args[256];
	size_t k;

	cr_assert_eq(bench_score_welch_psd(x, n, 250.0, nperseg, 128, psd), 0);
	cr_assert_eq(ref_write(x, n, f, sizeof(f)), 0);
	snprintf(args, sizeof(args), "welch %s 250 256 128", f);
	cr_assert_eq(ref_run(args, ref, 130), 129);
	unlink(f);
	for (k = 0; k < 129; k++)
		cr_expect(ref_reldiff(psd[k], ref[k], 1e-30) < 1e-9, "bin %zu: %.17g vs %.17g", k,
			  psd[k], ref[k]);
	free(x);
}

Test(score_spectrum, welch_odd_segment_and_other_overlap_match_scipy)
{
	const size_t n = 3001;
	double *x = make_signal(n, 1000.0, 37.0, 8), psd[51], ref[52] = { 0 };
	char f[64], args[256];
	size_t k;

	cr_assert_eq(bench_score_welch_psd(x, n, 1000.0, 101, 30, psd), 0);
	cr_assert_eq(ref_write(x, n, f, sizeof(f)), 0);
	snprintf(args, sizeof(args), "welch %s 1000 101 30", f);
	cr_assert_eq(ref_run(args, ref, 52), 51);
	unlink(f);
	for (k = 0; k < 51; k++)
		cr_expect(ref_reldiff(psd[k], ref[k], 1e-30) < 1e-9, "bin %zu", k);
	free(x);
}

Test(score_spectrum, band_power_of_white_noise_is_its_variance)
{
	/* sigma 2 uV white noise: integral of the one-sided PSD over 0..fs/2 = 4 uV^2 */
	struct ref_rng rng = { 99 };
	const size_t n = 200000;
	double *x = malloc(n * sizeof(*x)), rms;
	size_t i;

	for (i = 0; i < n; i++)
		x[i] = 2.0 * ref_normal(&rng);
	cr_assert_eq(bench_score_rms_in_band(x, n, 1000.0, 512, 0.0, 500.0, &rms), 0);
	cr_expect(fabs(rms - 2.0) < 0.02, "rms in band %g", rms); /* ~0.5 % sampling error */
	cr_assert_eq(bench_score_rms_in_band(x, n, 1000.0, 512, 0.0, 250.0, &rms), 0);
	cr_expect(fabs(rms - sqrt(2.0)) < 0.02, "half band %g", rms);
	cr_expect_eq(bench_score_rms_in_band(x, n, 1000.0, 512, 300.0, 200.0, &rms), -EINVAL);
	free(x);
}

Test(score_spectrum, rms_removes_the_mean)
{
	const double x[] = { 10.0, 12.0, 10.0, 12.0 };
	double rms;

	cr_assert_eq(bench_score_rms(x, 4, &rms), 0);
	cr_expect_float_eq(rms, 1.0, 1e-15);
	cr_expect_eq(bench_score_rms(x, 0, &rms), -EINVAL);
}

Test(score_spectrum, peak_to_valley_finds_the_worst_window)
{
	double x[1000], ptp;
	size_t i, start;

	for (i = 0; i < 1000; i++)
		x[i] = (i % 2) ? 0.5 : -0.5; /* 1 uV p-p everywhere */
	x[700] = 4.0;			     /* a 4.5 uV excursion */
	x[760] = -2.0;			     /* 6 uV p-v only if 700 and 760 share a window */
	cr_assert_eq(bench_score_noise_ptp(x, 1000, 50, &ptp, &start), 0);
	cr_expect_float_eq(ptp, 4.5, 1e-12);
	cr_assert_eq(bench_score_noise_ptp(x, 1000, 61, &ptp, &start), 0);
	cr_expect_float_eq(ptp, 6.0, 1e-12);
	cr_expect_eq(start, 700);
	cr_expect_eq(bench_score_noise_ptp(x, 10, 11, &ptp, NULL), -EINVAL);
}

Test(score_spectrum, peak_to_valley_and_rms_match_numpy_brute_force)
{
	const size_t n = 5000;
	double *x = make_signal(n, 250.0, 10.0, 13), ref[3] = { 0 }, ptp, rms;
	char f[64], args[256];
	size_t start;

	cr_assert_eq(ref_write(x, n, f, sizeof(f)), 0);
	snprintf(args, sizeof(args), "ptp %s 250", f);
	cr_assert_eq(ref_run(args, ref, 3), 3);
	unlink(f);
	cr_assert_eq(bench_score_noise_ptp(x, n, 250, &ptp, &start), 0);
	cr_assert_eq(bench_score_rms(x, n, &rms), 0);
	cr_expect_eq(ptp, ref[0], "%.17g vs %.17g", ptp, ref[0]); /* same samples: exact */
	cr_expect_eq((double)start, ref[1]);
	cr_expect(ref_reldiff(rms, ref[2], 1e-30) < 1e-12);
	free(x);
}

Test(score_spectrum, sine_fit3_matches_numpy_lstsq)
{
	const size_t n = 5000;
	double *x = make_signal(n, 250.0, 10.0, 11), ref[4] = { 0 };
	struct bench_sine_fit fit;
	char f[64], args[256];

	cr_assert_eq(bench_score_sine_fit3(x, n, 250.0, 10.0, &fit), 0);
	cr_assert_eq(ref_write(x, n, f, sizeof(f)), 0);
	snprintf(args, sizeof(args), "fit3 %s 250 10", f);
	cr_assert_eq(ref_run(args, ref, 4), 4);
	unlink(f);
	cr_expect(ref_reldiff(fit.amplitude, ref[0], 1e-30) < 1e-9);
	cr_expect(fabs(fit.phase_rad - ref[1]) < 1e-9);
	cr_expect(ref_reldiff(fit.offset, ref[2], 1e-30) < 1e-9);
	cr_expect(ref_reldiff(fit.residual_rms, ref[3], 1e-30) < 1e-9);
	/* and the truth, within noise: 50 uV, 0.7 rad, 3 uV */
	cr_expect(fabs(fit.amplitude - 50.0) < 0.5);
	cr_expect(fabs(fit.phase_rad - 0.7) < 0.01);
	free(x);
}

Test(score_spectrum, sine_fit4_matches_scipy_least_squares)
{
	const size_t n = 4096;
	const double f_true = 10.0 * (1.0 + 80e-6); /* an 80 ppm fast source */
	double *x = make_signal(n, 250.0, f_true, 12), ref[5] = { 0 };
	struct bench_sine_fit fit;
	char f[64], args[256];

	cr_assert_eq(bench_score_sine_fit4(x, n, 250.0, 0.0, &fit), 0);
	cr_assert_eq(ref_write(x, n, f, sizeof(f)), 0);
	snprintf(args, sizeof(args), "fit4 %s 250 10.0", f);
	cr_assert_eq(ref_run(args, ref, 5), 5);
	unlink(f);
	cr_expect(ref_reldiff(fit.freq_hz, ref[0], 1e-30) < 1e-10, "%.15g vs %.15g", fit.freq_hz,
		  ref[0]);
	cr_expect(ref_reldiff(fit.amplitude, ref[1], 1e-30) < 1e-8);
	cr_expect(fabs(fit.phase_rad - ref[2]) < 1e-7);
	cr_expect(ref_reldiff(fit.offset, ref[3], 1e-30) < 1e-7);
	cr_expect(ref_reldiff(fit.residual_rms, ref[4], 1e-30) < 1e-9);
	cr_expect(fabs(fit.freq_hz - f_true) < 1e-3);
	free(x);
}

Test(score_spectrum, fits_refuse_bad_input)
{
	double x[1000];
	struct bench_sine_fit fit;
	size_t i;

	for (i = 0; i < 1000; i++)
		x[i] = 7.0; /* no tone at all */
	cr_expect_eq(bench_score_sine_fit4(x, 1000, 250.0, 10.0, &fit), -EDOM);
	for (i = 0; i < 1000; i++)
		x[i] = 0.0;
	cr_expect_eq(bench_score_sine_fit4(x, 1000, 250.0, 10.0, &fit), -EDOM);
	{
		struct ref_rng rng = { 8 };

		for (i = 0; i < 1000; i++)
			x[i] = ref_normal(&rng); /* noise only: the largest bin is not a tone */
		cr_expect_eq(bench_score_sine_fit4(x, 1000, 250.0, 10.0, &fit), -EDOM);
	}
	cr_expect_eq(bench_score_sine_fit3(x, 1000, 250.0, 200.0, &fit), -EINVAL); /* > fs/2 */
	x[10] = NAN;
	cr_expect_eq(bench_score_sine_fit3(x, 1000, 250.0, 10.0, &fit), -EINVAL);
}

Test(score_spectrum, sinad_and_enob_of_an_ideal_quantiser)
{
	/* a full-scale sine quantised to 12 bits: ENOB close to 12 */
	const size_t n = 8192;
	double fs = 1000.0, f, *x = malloc(n * sizeof(*x)), q = 2.0 / 4096.0;
	struct bench_sine_fit fit;
	size_t i, j;

	cr_assert_eq(bench_score_coherent_freq(fs, n, 37.0, &f, &j), 0);
	for (i = 0; i < n; i++)
		x[i] = q * floor((1.0 - q / 2) * sin(2 * M_PI * f * (double)i / fs) / q + 0.5);
	cr_assert_eq(bench_score_sine_fit4(x, n, fs, f, &fit), 0);
	cr_expect(fabs(bench_score_enob_bits(fit.residual_rms, 2.0) - 12.0) < 0.05, "enob %g",
		  bench_score_enob_bits(fit.residual_rms, 2.0));
	cr_expect(fabs(bench_score_sinad_db(&fit) - (6.02 * 12 + 1.76)) < 0.3, "sinad %g",
		  bench_score_sinad_db(&fit));
	cr_expect_float_eq(bench_score_enob_from_sinad(74.0), (74.0 - 1.7609) / 6.0206, 1e-3);
	free(x);
}

Test(score_spectrum, coherent_frequency_is_coprime_with_the_record)
{
	double f;
	size_t j;

	cr_assert_eq(bench_score_coherent_freq(1000.0, 4096, 10.0, &f, &j), 0);
	cr_expect_eq(j, 41); /* 40.96 -> 41, odd hence coprime with 4096 */
	cr_expect_float_eq(f, 41.0 * 1000.0 / 4096.0, 1e-12);
	cr_assert_eq(bench_score_coherent_freq(1000.0, 1000, 10.0, &f, &j), 0);
	cr_expect_eq(j, 11); /* 10 shares factors with 1000; 9 and 11 do not, 11 tried first */
}

Test(score_spectrum, thd_and_sfdr_match_numpy_fft)
{
	const size_t n = 4096;
	double fs = 1000.0, f, *x = malloc(n * sizeof(*x)), ref[2] = { 0 };
	struct bench_harmonics h;
	struct ref_rng rng = { 5 };
	char file[64], args[256];
	size_t i;

	cr_assert_eq(bench_score_coherent_freq(fs, n, 50.0, &f, NULL), 0);
	for (i = 0; i < n; i++) {
		double ph = 2 * M_PI * f * (double)i / fs;

		/* -60 dB 2nd, -70 dB 3rd harmonic, noise far below */
		x[i] = cos(ph) + 1e-3 * cos(2 * ph + 0.3) +
		       10.0 * 1e-4 * 0.316227766 * cos(3 * ph) + 1e-6 * ref_normal(&rng);
	}
	cr_assert_eq(bench_score_harmonics(x, n, fs, 0.0, 10, BENCH_WINDOW_RECT, 0, &h), 0);
	cr_assert_eq(ref_write(x, n, file, sizeof(file)), 0);
	snprintf(args, sizeof(args), "harm %s 1000 10", file);
	cr_assert_eq(ref_run(args, ref, 2), 2);
	unlink(file);
	cr_expect(fabs(h.thd_db - ref[0]) < 0.01, "thd %g vs %g", h.thd_db, ref[0]);
	cr_expect(fabs(h.sfdr_db - ref[1]) < 0.01, "sfdr %g vs %g", h.sfdr_db, ref[1]);
	/* closed form: 10 log10(1e-6 + 1e-7) = -59.59 dB, SFDR 60 dB */
	cr_expect(fabs(h.thd_db - 10.0 * log10(1.1e-6)) < 0.01);
	cr_expect(fabs(h.sfdr_db - 60.0) < 0.01);
	cr_expect(fabs(h.harmonic_db[2] + 60.0) < 0.01);
	free(x);
}

Test(score_spectrum, windowed_thd_of_a_non_coherent_tone)
{
	const size_t n = 8192;
	double fs = 1000.0, *x = malloc(n * sizeof(*x));
	struct bench_harmonics h;
	size_t i;

	for (i = 0; i < n; i++) {
		double ph = 2 * M_PI * 47.3 * (double)i / fs;

		x[i] = cos(ph) + 1e-3 * cos(2 * ph);
	}
	cr_assert_eq(bench_score_harmonics(x, n, fs, 47.3, 9, BENCH_WINDOW_BH4, 4, &h), 0);
	cr_expect(fabs(h.thd_db + 60.0) < 0.1, "thd %g", h.thd_db);
	free(x);
}

struct worker {
	const double *x;
	size_t n, nperseg;
	double psd[513];
	int rc;
};

static void *welch_worker(void *arg)
{
	struct worker *w = arg;
	int k;

	for (k = 0; k < 20 && w->rc == 0; k++)
		w->rc = bench_score_welch_psd(w->x, w->n, 1000.0, w->nperseg, w->nperseg / 2,
					      w->psd);
	return NULL;
}

Test(score_spectrum, plan_cache_is_safe_from_concurrent_threads)
{
	const size_t n = 20000, sizes[] = { 128, 256, 1000, 1024, 128, 256, 1000, 1024 };
	double *x = make_signal(n, 1000.0, 37.0, 21), expect[513];
	struct worker w[8];
	pthread_t th[8];
	int i;

	bench_score_cleanup(); /* start with an empty cache: threads race to plan */
	for (i = 0; i < 8; i++) {
		w[i].x = x;
		w[i].n = n;
		w[i].nperseg = sizes[i];
		w[i].rc = 0;
		cr_assert_eq(pthread_create(&th[i], NULL, welch_worker, &w[i]), 0);
	}
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 8; i++) {
		cr_assert_eq(w[i].rc, 0);
		cr_assert_eq(bench_score_welch_psd(x, n, 1000.0, sizes[i], sizes[i] / 2, expect),
			     0);
		cr_expect(memcmp(expect, w[i].psd, (sizes[i] / 2 + 1) * sizeof(double)) == 0,
			  "thread %d differs", i);
	}
	free(x);
}
