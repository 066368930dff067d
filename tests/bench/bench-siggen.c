// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark: libsiggen throughput on one core, in samples/s and times real
 * time, for (a) 1024 channels x 30 kS/s spikes + LFP + noise and (b) 64
 * channels x 1 kS/s EEG with artifacts, next to a numpy implementation of the
 * same models (bench-siggen-numpy.py, run with /usr/bin/python3) in the same
 * run. Both sides are timed in CPU seconds of this process (the figure that
 * means "one core" on a shared machine) and in wall seconds. Prints figures;
 * asserts nothing about time.
 *
 * usage: bench-siggen [SECONDS_A [SECONDS_B [NUMPY_SCRIPT]]]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static double run(const char *name, struct siggen_spec *s, size_t block)
{
	unsigned ch = siggen_spec_channels(s);
	double rate = siggen_spec_rate_hz(s), secs, wall, sps;
	uint64_t frames = 0;
	struct siggen *g;
	int64_t t0, t1, w0, w1, got;
	float *buf;
	size_t n_ev = 0, n;

	buf = malloc(sizeof(float) * ch * block);
	if (!buf || siggen_open(s, 1, &g) < 0) {
		fprintf(stderr, "bench-siggen: cannot set up %s\n", name);
		exit(2);
	}
	w0 = bench_clock_now_ns();
	t0 = cpu_ns();
	while ((got = siggen_read(g, buf, block, SIGGEN_LAYOUT_PLANAR)) > 0) {
		frames += (uint64_t)got;
		siggen_truth(g, &n);
		n_ev += n;
		siggen_truth_drop(g, n);
	}
	t1 = cpu_ns();
	w1 = bench_clock_now_ns();
	secs = (double)(t1 - t0) * 1e-9;
	wall = (double)(w1 - w0) * 1e-9;
	sps = (double)frames * ch / secs;
	printf("libsiggen %s: %u ch x %.0f S/s, %.1f s of signal in %.3f CPU s (%.3f wall s): "
	       "%.3g samples/s = %.2fx real time on one core (%zu truth events)\n",
	       name, ch, rate, (double)frames / rate, secs, wall, sps, sps / (ch * rate), n_ev);
	siggen_close(g);
	free(buf);
	return sps;
}

int main(int argc, char **argv)
{
	double dur_a = 3, dur_b = 120, sps_a, sps_b;
	const char *script = argc > 3 ? argv[3] : NULL;
	struct siggen_spec *a, *b;
	char cmd[1024], line[512];
	FILE *p;

	if (argc > 1 && bench_parse_double(argv[1], &dur_a) < 0)
		return 64;
	if (argc > 2 && bench_parse_double(argv[2], &dur_b) < 0)
		return 64;
	a = spec_a(dur_a);
	b = spec_b(dur_b);
	if (!a || !b)
		return 2;
	sps_a = run("(a) spikes+LFP+noise", a, 1024);
	sps_b = run("(b) EEG+artifacts   ", b, 1000);
	siggen_spec_free(a);
	siggen_spec_free(b);
	if (!script)
		return 0;

	/* The numpy reference, same models, same run. It prints "a SPS" and "b SPS" lines. */
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' %g %g", script, dur_a, dur_b);
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
	return 0;
}
