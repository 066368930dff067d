// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark: scoring throughput of the src/score computations behind an
 * EEG front-end suite (A1 noise, A2 amplitude, A3 response + corners, A4
 * CMRR, A7 crosstalk, A8 time base, A9 ADC, A10 skew) on synthetic 8-channel
 * captures, next to the duration of the stimuli those captures represent.
 * Only the metric computations are timed (no I/O, no protocol parsing).
 * Prints the figures; asserts nothing about time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/clock.h"
#include "score/filter.h"
#include "score/frontend.h"
#include "score/sine.h"
#include "score/spectrum.h"
#include "score-ref.h"

#define FS 500.0
#define CH 8

static double *capture(size_t n, double f, double amp, double noise, unsigned long long seed)
{
	struct ref_rng rng = { seed };
	double *x = malloc(n * sizeof(*x));
	size_t i;

	for (i = 0; x && i < n; i++)
		x[i] = amp * sin(2 * M_PI * f * (double)i / FS) + noise * ref_normal(&rng);
	return x;
}

int main(void)
{
	const double noise_s = 60.0, amp_s = 10.0, step_s = 5.0, xt_s = 10.0, tb_s = 60.0;
	const size_t n_freq = 20;
	double stim_s = 0.0, sink = 0.0;
	struct bench_biquad sos[BENCH_FILTER_MAX_SECTIONS];
	int64_t t0, t1;
	size_t ns, c, k;
	int bad = 0;

	t0 = bench_clock_now_ns();
	/* A1/A1b: 60 s of noise per channel: band 0.5-100 Hz, p-v over 1 s, rms in band */
	bad |= bench_score_butter(BENCH_FILTER_BANDPASS, 2, 0.5, 100.0, FS, sos, &ns);
	for (c = 0; c < CH; c++) {
		size_t n = (size_t)(noise_s * FS);
		double *x = capture(n, 10.0, 0.0, 1.0, 100 + c), *y = malloc(n * sizeof(*y));
		double ptp, rms;

		bad |= !x || !y;
		bad |= bench_score_sos_filtfilt(sos, ns, x, n, y);
		bad |= bench_score_noise_ptp(y + 1000, n - 2000, (size_t)FS, &ptp, NULL);
		bad |= bench_score_rms_in_band(x, n, FS, 512, 0.5, 100.0, &rms);
		sink += ptp + rms;
		free(x);
		free(y);
	}
	stim_s += noise_s;
	/* A2: 10 s of 100 uV 10 Hz, 3-parameter fit per channel */
	for (c = 0; c < CH; c++) {
		size_t n = (size_t)(amp_s * FS);
		double *x = capture(n, 10.0, 100.0, 1.0, 200 + c);
		struct bench_sine_fit f;

		bad |= !x || bench_score_sine_fit3(x, n, FS, 10.0, &f);
		sink += f.amplitude;
		free(x);
	}
	stim_s += amp_s;
	/* A3: 20 frequencies x 5 s, response point per channel, then both corners */
	for (c = 0; c < CH; c++) {
		double fr[20], g[20], lo, hi;

		for (k = 0; k < n_freq; k++) {
			size_t n = (size_t)(step_s * FS);
			double f = 0.2 * pow(10.0, (double)k * 3.0 / 19.0); /* 0.2..200 Hz */
			double *in = capture(n, f, 50.0, 0.0, 1),
			       *out = capture(n, f, 49.0, 0.5, 300);
			struct bench_response_point p;

			bad |= !in || !out || bench_score_response_point(in, out, n, FS, f, &p);
			fr[k] = f;
			g[k] = p.gain_db - (k < 3 ? 6.0 : 0.0) - (k > 16 ? 6.0 : 0.0);
			free(in);
			free(out);
		}
		bad |= bench_score_corner_3db(fr, g, n_freq, 10, 0, &lo);
		bad |= bench_score_corner_3db(fr, g, n_freq, 10, 1, &hi);
		sink += lo + hi;
	}
	stim_s += (double)n_freq * step_s;
	/* A4 + A7: 10 s at 50 Hz common mode; crosstalk, aggressor on each channel in turn */
	for (c = 0; c < CH; c++) {
		size_t n = (size_t)(xt_s * FS), v;
		double *a = capture(n, 50.0, 1000.0, 0.5, 400 + c);

		for (v = 0; v < CH; v++) {
			double *x = capture(n, 50.0, 1.0, 0.5, 500 + v), db;

			bad |= !a || !x || bench_score_crosstalk_db(a, x, n, FS, 50.0, &db);
			sink += db;
			free(x);
		}
		free(a);
	}
	stim_s += (double)CH * xt_s + xt_s;
	/* A8 + A9: 60 s reference tone, 4-parameter fit, SINAD, THD; A10: skew vs channel 0 */
	{
		size_t n = (size_t)(tb_s * FS);
		double *ref0 = capture(n, 10.0, 1000.0, 0.5, 600);

		for (c = 0; c < CH; c++) {
			double *x = capture(n, 10.0, 1000.0, 0.5, 700 + c), d;
			struct bench_sine_fit f;
			struct bench_harmonics h;

			bad |= !x || bench_score_sine_fit4(x, n, FS, 10.0, &f);
			bad |= bench_score_harmonics(x, n, FS, 10.0, 10, BENCH_WINDOW_BH4, 4, &h);
			bad |= bench_score_delay(ref0, x, n, FS, 10, &d, NULL);
			sink += f.freq_hz + bench_score_sinad_db(&f) + h.thd_db + d;
			free(x);
		}
		free(ref0);
	}
	stim_s += tb_s;
	t1 = bench_clock_now_ns();

	printf("EEG front-end scoring (A1-A4, A7-A10, %d channels at %g Hz): %.3f s of compute "
	       "for %.0f s of stimulus = %.0fx faster than real time (checksum %.3g)\n",
	       CH, FS, (double)(t1 - t0) * 1e-9, stim_s, stim_s / ((double)(t1 - t0) * 1e-9), sink);
	bench_score_cleanup();
	return bad ? 2 : 0;
}
