// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark: libsiggen throughput on one core, in samples/s and times real
 * time, for (a) 1024 channels x 30 kS/s spikes + LFP + noise and (b) 64
 * channels x 1 kS/s EEG with artifacts, next to a numpy implementation of the
 * same models (bench-siggen-numpy.py, run with /usr/bin/python3) in the same
 * run. Both sides are timed in CPU seconds of this process (the figure that
 * means "one core" on a shared machine) and in wall seconds. Workload (a) is
 * also run with THREADS threads (siggen_open2()): its figure is in wall
 * seconds (and checked to give the same samples as one thread). Prints the
 * load average next to the figures; asserts nothing about time.
 *
 * Each single-thread figure is the best of REPEATS runs (default 3), and so
 * is numpy's: CPU time on a shared machine only ever grows under contention.
 *
 * usage: bench-siggen [SECONDS_A [SECONDS_B [NUMPY_SCRIPT [THREADS [REPEATS]]]]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/parse.h"
#include "siggen.h"

static struct siggen_spec *spec_a(double dur)
{
	struct siggen_spec *s;

	if (siggen_spec_new(30000, 1024, dur, &s) < 0 ||
	    siggen_spec_add_source(s, "spikes", "sp", NULL, 1, NULL) < 0 ||
	    siggen_spec_add_source(s, "lfp", "lfp", NULL, 1, NULL) < 0)
		return NULL;
	return s;
}

static struct siggen_spec *spec_b(double dur)
{
	static const char *const models[] = { "eeg", "blink", "emg",   "mains",
					      "pop", "drift", "motion" };
	struct siggen_spec *s;
	size_t i;

	if (siggen_spec_new(1000, 64, dur, &s) < 0)
		return NULL;
	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (siggen_spec_add_source(s, models[i], models[i], NULL, 1, NULL) < 0)
			return NULL;
	return s;
}

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void print_load(const char *when)
{
	double la[3];

	if (getloadavg(la, 3) == 3)
		printf("load average %s: %.2f %.2f %.2f (%ld CPUs online)\n", when, la[0], la[1],
		       la[2], sysconf(_SC_NPROCESSORS_ONLN));
}

/* FNV-1a over the samples, to check that threads change nothing. */
static uint64_t hash_samples(uint64_t h, const float *x, size_t n)
{
	const unsigned char *b = (const unsigned char *)x;
	size_t i;

	for (i = 0; i < n * sizeof(float); i++)
		h = (h ^ b[i]) * UINT64_C(0x100000001b3);
	return h;
}

static double run(const char *name, struct siggen_spec *s, size_t block, unsigned threads,
		  uint64_t *ret_hash)
{
	unsigned ch = siggen_spec_channels(s);
	double rate = siggen_spec_rate_hz(s), secs, wall, sps;
	uint64_t frames = 0;
	struct siggen *g;
	int64_t t0, t1, w0, w1, got;
	float *buf;
	size_t n_ev = 0, n;

	uint64_t h = UINT64_C(0xcbf29ce484222325);
	struct siggen_opts o = { .threads = threads };

	buf = malloc(sizeof(float) * ch * block);
	if (!buf || siggen_open2(s, 1, &o, &g) < 0) {
		fprintf(stderr, "bench-siggen: cannot set up %s\n", name);
		exit(2);
	}
	w0 = bench_clock_now_ns();
	t0 = cpu_ns();
	while ((got = siggen_read(g, buf, block, SIGGEN_LAYOUT_PLANAR)) > 0) {
		frames += (uint64_t)got;
		/* Hash only the first block: enough to compare, cheap next to the work. */
		if (ret_hash && frames == (uint64_t)got)
			h = hash_samples(h, buf, (size_t)got * ch);
		siggen_truth(g, &n);
		n_ev += n;
		siggen_truth_drop(g, n);
	}
	t1 = cpu_ns();
	w1 = bench_clock_now_ns();
	secs = (double)(t1 - t0) * 1e-9;
	wall = (double)(w1 - w0) * 1e-9;
	if (threads <= 1) {
		sps = (double)frames * ch / secs;
		printf("libsiggen %s: %u ch x %.0f S/s, %.1f s of signal in %.3f CPU s (%.3f wall "
		       "s): %.3g samples/s = %.2fx real time on one core (%zu truth events)\n",
		       name, ch, rate, (double)frames / rate, secs, wall, sps, sps / (ch * rate),
		       n_ev);
	} else {
		sps = (double)frames * ch / wall;
		printf("libsiggen %s, %u threads: %.1f s of signal in %.3f wall s (%.3f CPU s): "
		       "%.3g samples/s = %.2fx real time in wall time (%zu truth events)\n",
		       name, siggen_threads(g), (double)frames / rate, wall, secs, sps,
		       sps / (ch * rate), n_ev);
	}
	if (ret_hash)
		*ret_hash = h;
	siggen_close(g);
	free(buf);
	return sps;
}

int main(int argc, char **argv)
{
	double dur_a = 3, dur_b = 120, sps_a, sps_b;
	uint64_t h1, hn;
	int64_t threads = 2, reps = 3, r;
	const char *script = argc > 3 ? argv[3] : NULL;
	struct siggen_spec *a, *b;
	char cmd[1024], line[512];
	FILE *p;

	if (argc > 1 && bench_parse_double(argv[1], &dur_a) < 0)
		return 64;
	if (argc > 2 && bench_parse_double(argv[2], &dur_b) < 0)
		return 64;
	if (argc > 4 &&
	    (bench_parse_i64(argv[4], &threads) < 0 || threads < 1 || threads > SIGGEN_MAX_THREADS))
		return 64;
	if (argc > 5 && (bench_parse_i64(argv[5], &reps) < 0 || reps < 1 || reps > 100))
		return 64;
	if (script && !*script)
		script = NULL;
	a = spec_a(dur_a);
	b = spec_b(dur_b);
	if (!a || !b)
		return 2;
	print_load("before");
	sps_a = sps_b = 0;
	for (r = 0; r < reps; r++) {
		double x = run("(a) spikes+LFP+noise", a, 1024, 1, &h1);

		sps_a = x > sps_a ? x : sps_a;
	}
	for (r = 0; r < reps; r++) {
		double x = run("(b) EEG+artifacts   ", b, 1000, 1, NULL);

		sps_b = x > sps_b ? x : sps_b;
	}
	printf("best of %d: (a) %.3g samples/s = %.2fx real time, (b) %.3g samples/s = %.2fx real "
	       "time, on one core\n",
	       (int)reps, sps_a, sps_a / (1024 * 30000.0), sps_b, sps_b / (64 * 1000.0));
	run("(a) spikes+LFP+noise", a, 1024, (unsigned)threads, &hn);
	printf("(a) with %u threads: %s samples as with one thread\n", (unsigned)threads,
	       h1 == hn ? "the same" : "DIFFERENT");
	siggen_spec_free(a);
	siggen_spec_free(b);
	if (!script)
		return 0;

	/* The numpy reference, same models, same run. It prints "a SPS" and "b SPS" lines. */
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' %g %g %d", script, dur_a, dur_b,
		 (int)reps);
	p = popen(cmd, "r");
	if (!p) {
		printf("numpy reference: cannot run %s\n", script);
		return 0;
	}
	while (fgets(line, sizeof(line), p)) {
		double sps;
		char which;

		if (sscanf(line, "RESULT %c %lf", &which, &sps) == 2 && sps > 0)
			printf("numpy     (%c): %.3g samples/s -> libsiggen is %.1fx numpy\n",
			       which, sps, (which == 'a' ? sps_a : sps_b) / sps);
		else
			fputs(line, stdout);
	}
	pclose(p);
	print_load("after");
	return 0;
}
