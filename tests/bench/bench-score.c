// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark: Welch PSD and 4-parameter sine fit of src/score next to
 * scipy.signal.welch and scipy.optimize.least_squares (tests/ref/score_ref.py
 * bench) on the same 2^18 samples in the same run. Prints both timings, the
 * speed-up and the largest relative difference of the results; asserts
 * nothing about time (exit 1 only if the results disagree by more than
 * 1e-6 relative, exit 2 if the reference could not run).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/clock.h"
#include "score/sine.h"
#include "score/spectrum.h"
#include "score-ref.h"

#define N (1u << 18)
#define FS 1000.0
#define F0 10.003
#define NPERSEG 256
#define NB (NPERSEG / 2 + 1)
#define REPS_C 20
#define REPS_PY 2

int main(void)
{
	double *x = malloc(N * sizeof(*x)), psd[NB], *ref = malloc((NB + 16) * sizeof(*ref));
	struct ref_rng rng = { 12345 };
	struct bench_sine_fit fit;
	double t_welch, t_fit, max_psd = 0.0, d_f, d_a, d_o, d_p, worst;
	char file[64], args[256];
	int64_t t0, t1;
	size_t i;
	int k, got, rc = 2;

	if (!x || !ref)
		goto out_free;
	for (i = 0; i < N; i++)
		x[i] = 50.0 * cos(2 * M_PI * F0 * (double)i / FS + 0.4) + 2.0 +
		       3.0 * ref_normal(&rng);

	t0 = bench_clock_now_ns();
	for (k = 0; k < REPS_C; k++) {
		if (bench_score_welch_psd(x, N, FS, NPERSEG, NPERSEG / 2, psd) < 0)
			goto out_free;
	}
	t1 = bench_clock_now_ns();
	t_welch = (double)(t1 - t0) * 1e-9 / REPS_C;
	t0 = bench_clock_now_ns();
	for (k = 0; k < REPS_C; k++) {
		if (bench_score_sine_fit4(x, N, FS, 10.0, &fit) < 0)
			goto out_free;
	}
	t1 = bench_clock_now_ns();
	t_fit = (double)(t1 - t0) * 1e-9 / REPS_C;

	if (ref_write(x, N, file, sizeof(file)) < 0)
		goto out_free;
	snprintf(args, sizeof(args), "bench %s %g %d 10.0 %d", file, FS, NPERSEG, REPS_PY);
	got = ref_run(args, ref, NB + 16);
	unlink(file);
	if (got != 2 + NB + 5) {
		fprintf(stderr, "bench-score: reference script failed (%d values)\n", got);
		goto out_free;
	}
	for (i = 0; i < NB; i++)
		max_psd = fmax(max_psd, ref_reldiff(psd[i], ref[2 + i], 1e-300));
	d_f = ref_reldiff(fit.freq_hz, ref[2 + NB], 1e-300);
	d_a = ref_reldiff(fit.amplitude, ref[3 + NB], 1e-300);
	d_p = fabs(fit.phase_rad - ref[4 + NB]);
	d_o = fabs(fit.offset - ref[5 + NB]) / fit.amplitude;

	printf("data: %u samples at %g Hz, %g Hz sine + noise\n", N, FS, F0);
	printf("welch  nperseg=%d: bcibench %8.3f ms  scipy %8.3f ms  speed-up %6.1fx  "
	       "max rel diff %.2e\n",
	       NPERSEG, t_welch * 1e3, ref[0] * 1e3, ref[0] / t_welch, max_psd);
	printf("fit4 (IEEE 1057):   bcibench %8.3f ms  scipy %8.3f ms  speed-up %6.1fx  "
	       "rel diff f %.2e A %.2e offset/A %.2e, phase %.2e rad (%u iterations)\n",
	       t_fit * 1e3, ref[1] * 1e3, ref[1] / t_fit, d_f, d_a, d_o, d_p, fit.iterations);
	worst = fmax(fmax(max_psd, d_f), fmax(d_a, fmax(d_o, d_p)));
	printf("largest difference %.2e (target <= 1e-6)\n", worst);
	rc = worst <= 1e-6 ? 0 : 1;
out_free:
	bench_score_cleanup();
	free(ref);
	free(x);
	return rc;
}
