// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcibench gen end to end: run the binary ($BCIBENCH), read its BDF+/EDF+ back
 * with EDFlib (src/edf) and compare with libsiggen run in-process on the same
 * spec and seed: channel count, rate, labels, values to half a digital step
 * (uV), annotations against the ground truth.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "edf/edf-writer.h"
#include "siggen.h"

extern char **environ;

TestSuite(gen);

static int run(char *const argv[])
{
	pid_t pid;
	int st;

	cr_assert_eq(posix_spawn(&pid, argv[0], NULL, NULL, argv, environ), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void check_file(const char *ext, const char *model, unsigned ch, double rate, double dur)
{
	const char *bin = getenv("BCIBENCH");
	char path[256], chs[16], rates[32], durs[32];
	struct siggen_spec *spec;
	struct bench_edf_data *d;
	struct siggen *g;
	const struct siggen_event *ev;
	float *x;
	size_t n_ev, i, a;
	unsigned c;

	cr_assert(bin, "BCIBENCH is not set");
	snprintf(path, sizeof(path), "/tmp/bench-test-gen-%ld.%s", (long)getpid(), ext);
	snprintf(chs, sizeof(chs), "%u", ch);
	snprintf(rates, sizeof(rates), "%g", rate);
	snprintf(durs, sizeof(durs), "%g", dur);
	{
		char *argv[] = { (char *)bin, "gen",	"--model", (char *)model, "--channels",
				 chs,	      "--rate", rates,	   "--duration",  durs,
				 "--seed",    "77",	"--out",   path,	  NULL };

		cr_assert_eq(run(argv), 0);
	}
	cr_assert_eq(bench_edf_read(path, &d), 0);
	cr_expect_eq(d->n_channels, ch);
	cr_expect_float_eq(d->rate_hz, rate, 1e-9);
	cr_assert_geq(d->frames, (uint64_t)(rate * dur));

	cr_assert_eq(siggen_spec_from_model(model, ch, rate, dur, &spec), 0);
	cr_assert_eq(siggen_open(spec, 77, &g), 0);
	x = malloc(sizeof(float) * ch * (size_t)(rate * dur));
	cr_assert(x);
	cr_assert_eq(siggen_read(g, x, (size_t)(rate * dur), SIGGEN_LAYOUT_PLANAR),
		     (int64_t)(rate * dur));
	for (c = 0; c < ch; c++) {
		double worst = 0;

		cr_expect_str_eq(d->labels[c], siggen_channel_name(g, c));
		cr_expect_str_eq(d->units[c], "uV");
		for (i = 0; i < (size_t)(rate * dur); i++) {
			double e = fabs(d->samples[c * d->frames + i] -
					x[c * (size_t)(rate * dur) + i]);

			if (e > worst)
				worst = e;
		}
		cr_expect_leq(worst, d->step[c] * 0.5 + 1e-6, "%s ch %u: %g uV off, step %g uV",
			      ext, c, worst, d->step[c]);
	}
	/* Every event is an annotation at its onset (100 us resolution). */
	ev = siggen_truth(g, &n_ev);
	cr_expect_eq(d->n_annotations, n_ev);
	for (i = 0, a = 0; i < n_ev && a < d->n_annotations; i++, a++) {
		double want_ns = ev[i].start / rate * 1e9;

		cr_expect(fabs((double)d->annotations[a].onset_ns - want_ns) <= 50000,
			  "annotation %zu at %lld ns, event at %.0f ns", a,
			  (long long)d->annotations[a].onset_ns, want_ns);
		cr_expect(strncmp(d->annotations[a].text, siggen_event_type_name(ev[i].type),
				  strlen(siggen_event_type_name(ev[i].type))) == 0,
			  "'%s' is not a %s", d->annotations[a].text,
			  siggen_event_type_name(ev[i].type));
	}
	free(x);
	siggen_close(g);
	siggen_spec_free(spec);
	bench_edf_data_free(d);
	unlink(path);
}

Test(gen, bdf_matches_the_generator_to_half_a_24_bit_step)
{
	check_file("bdf", "erp", 8, 1000, 12);
}

Test(gen, edf_matches_the_generator_to_half_a_16_bit_step)
{
	check_file("edf", "blink", 4, 250, 30);
}

Test(gen, spikes_at_30_khz_round_trip)
{
	check_file("bdf", "ssvep", 3, 30000, 3);
}
