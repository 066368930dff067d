// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for libsiggen: bit-identical output across block sizes, layouts
 * and runs; seeds; statistics of the models (1/f slope, Poisson rate,
 * refractory period, SSVEP and mains spectral peaks, ERP average); truth
 * against samples; spec parsing and its FILE:LINE errors. Samples in uV.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "siggen.h"

TestSuite(siggen);

/* Reads a whole generator output, planar, in blocks of @block frames. */
static float *read_all(struct siggen *g, size_t block, enum siggen_layout layout,
		       struct siggen_event **ret_ev, size_t *ret_n_ev)
{
	unsigned ch = siggen_channels(g);
	uint64_t total = siggen_total_frames(g), pos = 0;
	float *all = malloc(sizeof(float) * ch * total), *buf = malloc(sizeof(float) * ch * block);
	struct siggen_event *evs = NULL;
	size_t n_ev = 0;

	cr_assert(all && buf);
	for (;;) {
		int64_t got = siggen_read(g, buf, block, layout);
		const struct siggen_event *ev;
		size_t n, i;
		unsigned c;

		cr_assert_geq(got, 0);
		if (got == 0)
			break;
		for (c = 0; c < ch; c++)
			for (i = 0; i < (size_t)got; i++)
				all[c * total + pos + i] = layout == SIGGEN_LAYOUT_PLANAR ?
								   buf[c * got + i] :
								   buf[i * ch + c];
		pos += (uint64_t)got;
		ev = siggen_truth(g, &n);
		if (n) {
			evs = realloc(evs, (n_ev + n) * sizeof(*evs));
			cr_assert(evs);
			memcpy(evs + n_ev, ev, n * sizeof(*ev));
			n_ev += n;
			siggen_truth_drop(g, n);
		}
	}
	cr_assert_eq(pos, total);
	free(buf);
	if (ret_ev) {
		*ret_ev = evs;
		*ret_n_ev = n_ev;
	} else {
		free(evs);
	}
	return all;
}

static struct siggen_spec *every_model_spec(double rate, unsigned ch, double dur)
{
	struct siggen_spec *s;
	size_t i;

	cr_assert_eq(siggen_spec_new(rate, ch, dur, &s), 0);
	for (i = 0; i < siggen_model_count(); i++)
		cr_assert_eq(siggen_spec_add_source(s, siggen_model_name(i), siggen_model_name(i),
						    NULL, 0.5, NULL),
			     0, "%s", siggen_model_name(i));
	/* Make the event models busy in a short run. */
	cr_assert_eq(siggen_spec_set_param(s, "rate_per_min", 120), 0);
	cr_assert_eq(siggen_spec_set_param(s, "seizure.onset_s", 0.5), 0);
	cr_assert_eq(siggen_spec_set_param(s, "seizure.duration_s", 1), 0);
	cr_assert_eq(siggen_spec_set_param(s, "seizure.postictal_s", 0.3), 0);
	cr_assert_eq(siggen_spec_set_param(s, "seizure.recovery_s", 0.3), 0);
	cr_assert_eq(siggen_spec_set_param(s, "burst_prob", 0.3), 0);
	cr_assert_eq(siggen_spec_set_param(s, "trial_s", 0.5), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rest_s", 0.5), 0);
	/* Short over-range episodes: seeds still give different samples. */
	cr_assert_eq(siggen_spec_set_param(s, "saturation.duration_ms", 5), 0);
	cr_assert_eq(siggen_spec_set_param(s, "saturation.tau_ms", 2), 0);
	return s;
}

Test(siggen, bit_identical_across_threads_block_sizes_layouts_and_runs)
{
	/* 10 channels, so 8 threads really are 8; sources in both serial and parallel phases. */
	struct siggen_spec *s = every_model_spec(1000, 10, 2.5);
	static const size_t blocks[] = { 1, 7, 4096, 333 };
	static const unsigned threads[] = { 1, 2, 3, 8 };
	struct siggen_event *ev0 = NULL, *ev;
	size_t n0 = 0, n, b, t, checked = 0;
	unsigned cm;
	float *ref = NULL;
	uint64_t total = siggen_spec_frames(s);

	cr_assert_eq(siggen_spec_add_source(s, "noise", "unsorted", "7,2,5", 1, NULL), 0);
	cr_assert_eq(siggen_spec_add_source(s, "sine", "cm", NULL, 1, &cm), 0);
	cr_assert_eq(siggen_spec_set_routing(s, cm, SIGGEN_ROUTING_COMMON), 0);
	cr_assert_eq(siggen_spec_add_source(s, "spikes", "tail", "3-9", 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(s, "tail.noise_lo_hz", 100), 0);
	cr_assert_eq(siggen_spec_set_param(s, "tail.noise_hi_hz", 400), 0);
	cr_assert_eq(siggen_spec_set_param(s, "tail.amp_drift", 0.3), 0);
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
			struct siggen_opts o = { .threads = threads[t] };
			struct siggen *g;
			float *x;

			/* Block 333 only once: it adds a layout, not a thread case. */
			if (blocks[b] == 333 && threads[t] != 3)
				continue;
			cr_assert_eq(siggen_open2(s, 42, &o, &g), 0);
			cr_expect_eq(siggen_threads(g), threads[t]);
			x = read_all(g, blocks[b],
				     (b + t) % 2 ? SIGGEN_LAYOUT_INTERLEAVED : SIGGEN_LAYOUT_PLANAR,
				     &ev, &n);
			siggen_close(g);
			if (!ref) {
				ref = x;
				ev0 = ev;
				n0 = n;
				cr_expect_gt(n0, 50, "a busy spec has events (%zu)", n0);
				continue;
			}
			cr_expect_eq(memcmp(ref, x, sizeof(float) * 10 * total), 0,
				     "%u threads, block %zu differ from 1 thread, block 1",
				     threads[t], blocks[b]);
			cr_expect_eq(n, n0, "%u threads, block %zu: %zu events, not %zu",
				     threads[t], blocks[b], n, n0);
			if (n == n0)
				cr_expect_eq(memcmp(ev, ev0, n * sizeof(*ev)), 0,
					     "%u threads, block %zu: events differ", threads[t],
					     blocks[b]);
			checked++;
			free(x);
			free(ev);
		}
	}
	cr_expect_eq(checked, 12);
	for (b = 0; b < total * 10; b++)
		cr_assert(isfinite(ref[b]), "sample %zu is not finite", b);
	free(ref);
	free(ev0);
	siggen_spec_free(s);
}

Test(siggen, thread_options_are_checked)
{
	struct siggen_spec *s;
	struct siggen *g;

	cr_assert_eq(siggen_spec_from_model("noise", 3, 1000, 1, &s), 0);
	cr_expect_eq(siggen_open2(s, 1, &(struct siggen_opts){ .threads = SIGGEN_MAX_THREADS + 1 },
				  &g),
		     -EINVAL);
	cr_assert_eq(siggen_open2(s, 1, &(struct siggen_opts){ .threads = 16 }, &g), 0);
	cr_expect_eq(siggen_threads(g), 3, "no more threads than channels");
	siggen_close(g);
	cr_assert_eq(siggen_open2(s, 1, NULL, &g), 0);
	cr_expect_eq(siggen_threads(g), 1);
	siggen_close(g);
	cr_expect_eq(siggen_threads(NULL), 0);
	siggen_spec_free(s);
}

Test(siggen, different_seeds_differ_same_seed_repeats)
{
	struct siggen_spec *s = every_model_spec(1000, 4, 2.0);
	struct siggen *a, *b, *c;
	float *xa, *xb, *xc;
	size_t i, same = 0, n = 4 * 2000;

	cr_assert_eq(siggen_open(s, 1, &a), 0);
	cr_assert_eq(siggen_open(s, 2, &b), 0);
	cr_assert_eq(siggen_open(s, 1, &c), 0);
	xa = read_all(a, 100, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	xb = read_all(b, 100, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	xc = read_all(c, 100, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	for (i = 0; i < n; i++)
		same += xa[i] == xb[i];
	cr_expect_lt(same, n / 100, "seeds 1 and 2 share %zu of %zu samples", same, n);
	cr_expect_eq(memcmp(xa, xc, n * sizeof(float)), 0);
	free(xa);
	free(xb);
	free(xc);
	siggen_close(a);
	siggen_close(b);
	siggen_close(c);
	siggen_spec_free(s);
}

/* Welch PSD (Hann, 50% overlap) of x[0..n) into psd[0..seg/2]. */
static void welch(const float *x, size_t n, size_t seg, double *psd)
{
	double *in = fftw_malloc(sizeof(double) * seg);
	fftw_complex *out = fftw_malloc(sizeof(fftw_complex) * (seg / 2 + 1));
	fftw_plan p = fftw_plan_dft_r2c_1d((int)seg, in, out, FFTW_ESTIMATE);
	size_t st, k, segs = 0;

	memset(psd, 0, sizeof(double) * (seg / 2 + 1));
	for (st = 0; st + seg <= n; st += seg / 2, segs++) {
		for (k = 0; k < seg; k++)
			in[k] = x[st + k] * (0.5 - 0.5 * cos(2 * M_PI * k / seg));
		fftw_execute(p);
		for (k = 0; k <= seg / 2; k++)
			psd[k] += out[k][0] * out[k][0] + out[k][1] * out[k][1];
	}
	for (k = 0; k <= seg / 2; k++)
		psd[k] /= segs;
	fftw_destroy_plan(p);
	fftw_free(in);
	fftw_free(out);
}

/* Least-squares slope of log10 PSD against log10 f over [f1, f2], in log-spaced bins. */
static double loglog_slope(const double *psd, size_t seg, double fs, double f1, double f2)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	int nb = 20, b, m = 0;

	for (b = 0; b < nb; b++) {
		double lo = f1 * pow(f2 / f1, (double)b / nb),
		       hi = f1 * pow(f2 / f1, (b + 1.0) / nb);
		double acc = 0;
		int cnt = 0;
		size_t k;

		for (k = 1; k <= seg / 2; k++) {
			double f = k * fs / seg;

			if (f >= lo && f < hi) {
				acc += psd[k];
				cnt++;
			}
		}
		if (cnt) {
			double x = log10(sqrt(lo * hi)), y = log10(acc / cnt);

			sx += x;
			sy += y;
			sxx += x * x;
			sxy += x * y;
			m++;
		}
	}
	return (m * sxy - sx * sy) / (m * sxx - sx * sx);
}

Test(siggen, eeg_background_has_the_set_1_over_f_slope)
{
	static const double exps[] = { 0.5, 1.0, 1.5, 2.0 };
	size_t e;

	for (e = 0; e < sizeof(exps) / sizeof(exps[0]); e++) {
		struct siggen_spec *s;
		struct siggen *g;
		double psd[2049], slope;
		float *x;

		cr_assert_eq(siggen_spec_from_model("eeg", 1, 1000, 300, &s), 0);
		cr_assert_eq(siggen_spec_set_param(s, "exponent", exps[e]), 0);
		cr_assert_eq(siggen_spec_set_param(s, "alpha_uv", 0), 0);
		cr_assert_eq(siggen_open(s, 7, &g), 0);
		x = read_all(g, 4096, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
		welch(x, 300000, 4096, psd);
		slope = loglog_slope(psd, 4096, 1000, 1, 100);
		cr_expect(fabs(-slope - exps[e]) <= 0.1, "exponent %.1f: measured slope %.3f",
			  exps[e], slope);
		free(x);
		siggen_close(g);
		siggen_spec_free(s);
	}
}

Test(siggen, eeg_alpha_peak_and_rms)
{
	struct siggen_spec *s;
	struct siggen *g;
	double psd[2049], ss = 0, a_lo = 0, a_pk = 0;
	float *x;
	size_t i;

	cr_assert_eq(siggen_spec_from_model("eeg", 1, 500, 120, &s), 0);
	cr_assert_eq(siggen_spec_set_param(s, "alpha_uv", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rms_uv", 30), 0);
	cr_assert_eq(siggen_spec_set_param(s, "f_lo_hz", 1), 0);
	cr_assert_eq(siggen_open(s, 3, &g), 0);
	x = read_all(g, 1000, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	for (i = 0; i < 60000; i++)
		ss += (double)x[i] * x[i];
	cr_expect_float_eq(sqrt(ss / 60000), 30, 4.5, "rms %.2f uV, want 30", sqrt(ss / 60000));
	free(x);
	siggen_close(g);
	cr_assert_eq(siggen_spec_set_param(s, "alpha_uv", 20), 0);
	cr_assert_eq(siggen_open(s, 3, &g), 0);
	x = read_all(g, 1000, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	welch(x, 60000, 4096, psd);
	for (i = 0; i <= 2048; i++) {
		double f = i * 500.0 / 4096;

		if (f > 9.5 && f < 10.5 && psd[i] > a_pk)
			a_pk = psd[i];
		if (f > 14 && f < 16)
			a_lo = fmax(a_lo, psd[i]);
	}
	cr_expect_gt(a_pk, 10 * a_lo, "alpha peak at 10 Hz stands out");
	free(x);
	siggen_close(g);
	siggen_spec_free(s);
}

static struct siggen_spec *bare_spikes(unsigned ch, double rate, double dur)
{
	struct siggen_spec *s;

	cr_assert_eq(siggen_spec_from_model("spikes", ch, rate, dur, &s), 0);
	cr_assert_eq(siggen_spec_set_param(s, "noise_uv", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "mua_rate_hz", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "amp_jitter", 0), 0);
	return s;
}

Test(siggen, spike_rate_is_poisson_within_3_sigma)
{
	struct siggen_spec *s = bare_spikes(64, 10000, 100);
	struct siggen_event *ev;
	struct siggen *g;
	size_t n, i, spikes = 0;
	double expect = 64 * 5.0 * 100;
	float *x;

	cr_assert_eq(siggen_spec_set_param(s, "units", 1), 0);
	cr_assert_eq(siggen_spec_set_param(s, "inh_fraction", 0), 0);
	cr_assert_eq(siggen_open(s, 11, &g), 0);
	x = read_all(g, 10000, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 0; i < n; i++)
		spikes += ev[i].type == SIGGEN_EVENT_SPIKE;
	cr_expect(fabs((double)spikes - expect) <= 3 * sqrt(expect), "%zu spikes, expected %.0f",
		  spikes, expect);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, refractory_period_is_never_violated)
{
	struct siggen_spec *s = bare_spikes(8, 30000, 20);
	struct siggen_event *ev;
	struct siggen *g;
	uint64_t last[8][16];
	size_t n, i, checked = 0;
	float *x;

	cr_assert_eq(siggen_spec_set_param(s, "units", 3), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rate_hz", 200), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rate_inh_hz", 300), 0);
	cr_assert_eq(siggen_spec_set_param(s, "burst_prob", 0.5), 0);
	cr_assert_eq(siggen_spec_set_param(s, "burst_isi_ms", 1), 0); /* below refractory */
	cr_assert_eq(siggen_spec_set_param(s, "refractory_ms", 2), 0);
	cr_assert_eq(siggen_open(s, 5, &g), 0);
	x = read_all(g, 4096, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	memset(last, 0xff, sizeof(last));
	for (i = 0; i < n; i++) {
		uint64_t *l;

		if (ev[i].type != SIGGEN_EVENT_SPIKE)
			continue;
		l = &last[ev[i].channel][ev[i].label];
		if (*l != UINT64_MAX) {
			cr_assert_geq(ev[i].start - *l, 60, "ch %d unit %d: ISI %llu samples",
				      ev[i].channel, ev[i].label,
				      (unsigned long long)(ev[i].start - *l));
			checked++;
		}
		*l = ev[i].start;
	}
	cr_expect_gt(checked, 10000);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, spike_truth_matches_the_samples)
{
	struct siggen_spec *s = bare_spikes(4, 30000, 10);
	struct siggen_event *ev;
	struct siggen *g;
	size_t n, i, checked = 0;
	uint64_t total;
	float *x;

	cr_assert_eq(siggen_spec_set_param(s, "units", 1), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rate_hz", 2), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rate_inh_hz", 2), 0);
	cr_assert_eq(siggen_open(s, 9, &g), 0);
	total = siggen_total_frames(g);
	x = read_all(g, 1000, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 0; i < n; i++) {
		const float *c = x + (size_t)ev[i].channel * total;
		uint64_t t;

		if (ev[i].type != SIGGEN_EVENT_SPIKE || ev[i].end >= total)
			continue;
		/* Isolated spikes (one unit per channel, 2 Hz): the trough is the truth. */
		cr_expect_float_eq(c[ev[i].peak], ev[i].amplitude_uv,
				   1e-3 * fabsf(ev[i].amplitude_uv));
		for (t = ev[i].start; t < ev[i].end; t++)
			cr_expect_geq(c[t], ev[i].amplitude_uv - 1e-3f);
		checked++;
	}
	cr_expect_gt(checked, 40);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

/* Magnitude of the DFT of x at f (Hz). */
static double dft_mag(const float *x, size_t n, double fs, double f)
{
	double re = 0, im = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		re += x[i] * cos(2 * M_PI * f * i / fs);
		im -= x[i] * sin(2 * M_PI * f * i / fs);
	}
	return 2 * sqrt(re * re + im * im) / n;
}

Test(siggen, ssvep_peak_is_at_the_class_frequency)
{
	static const int classes[] = { 0, 7, 39 };
	size_t c;

	for (c = 0; c < 3; c++) {
		struct siggen_spec *s;
		struct siggen_event *ev;
		struct siggen *g;
		double f, best_f = 0, best = 0, fx;
		size_t n;
		float *x;

		cr_assert_eq(siggen_spec_from_model("ssvep", 1, 250, 6, &s), 0);
		cr_assert_eq(siggen_spec_set_channel_name(s, 0, "Oz"), 0);
		cr_assert_eq(siggen_spec_set_param(s, "class", classes[c]), 0);
		cr_assert_eq(siggen_spec_set_param(s, "snr_db", 0), 0);
		cr_assert_eq(siggen_spec_set_param(s, "trial_s", 5), 0);
		cr_assert_eq(siggen_open(s, 2, &g), 0);
		x = read_all(g, 250, SIGGEN_LAYOUT_PLANAR, &ev, &n);
		cr_assert_geq(n, 1);
		cr_expect_eq(ev[0].type, SIGGEN_EVENT_SSVEP);
		cr_expect_eq(ev[0].label, classes[c]);
		fx = 8 + 0.2 * classes[c];
		cr_expect_float_eq(ev[0].value, fx, 1e-4);
		/* Scan 6..18 Hz at 0.05 Hz over the 5 s trial. */
		for (f = 6; f <= 18; f += 0.05) {
			double m = dft_mag(x + ev[0].start, ev[0].end - ev[0].start, 250, f);

			if (m > best) {
				best = m;
				best_f = f;
			}
		}
		cr_expect(fabs(best_f - fx) <= 0.1, "class %d: peak at %.2f Hz, want %.2f",
			  classes[c], best_f, fx);
		cr_expect_float_eq(best, 5.0, 0.75, "fundamental amplitude %.2f uV", best);
		free(x);
		free(ev);
		siggen_close(g);
		siggen_spec_free(s);
	}
}

Test(siggen, mains_is_at_50_or_60_hz_with_harmonics)
{
	static const double freqs[] = { 50, 60 };
	size_t k;

	for (k = 0; k < 2; k++) {
		struct siggen_spec *s;
		struct siggen *g;
		float *x;

		cr_assert_eq(siggen_spec_from_model("mains", 2, 1000, 2, &s), 0);
		cr_assert_eq(siggen_spec_set_param(s, "freq_hz", freqs[k]), 0);
		cr_assert_eq(siggen_open(s, 1, &g), 0);
		x = read_all(g, 123, SIGGEN_LAYOUT_INTERLEAVED, NULL, NULL);
		cr_expect_float_eq(dft_mag(x, 2000, 1000, freqs[k]), 20, 0.05);
		cr_expect_float_eq(dft_mag(x, 2000, 1000, 2 * freqs[k]), 6, 0.05);
		cr_expect_float_eq(dft_mag(x, 2000, 1000, 3 * freqs[k]), 1.8, 0.05);
		cr_expect_lt(dft_mag(x, 2000, 1000, freqs[k] + 5), 0.05);
		free(x);
		siggen_close(g);
		siggen_spec_free(s);
	}
}

Test(siggen, erp_average_recovers_the_template)
{
	struct siggen_spec *s;
	struct siggen_event *ev;
	struct siggen *g;
	double avg[700] = { 0 }, best = -1e9, num = 0, da = 0, dt = 0;
	size_t n, i, trials = 0, best_i = 0;
	float *x;

	cr_assert_eq(siggen_spec_new(1000, 1, 200.5, &s), 0);
	cr_assert_eq(siggen_spec_set_channel_name(s, 0, "Pz"), 0);
	cr_assert_eq(siggen_spec_add_source(s, "erp", "erp", NULL, 1, NULL), 0);
	cr_assert_eq(siggen_spec_add_source(s, "noise", "bg", NULL, 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(s, "n100_uv", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "p200_uv", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "target_prob", 0.5), 0);
	cr_assert_eq(siggen_spec_set_param(s, "bg.rms_uv", 5), 0);
	cr_assert_eq(siggen_open(s, 4, &g), 0);
	x = read_all(g, 512, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 0; i < n; i++) {
		size_t k;

		if (ev[i].type != SIGGEN_EVENT_ERP || ev[i].label != 1 ||
		    ev[i].start + 700 > 200500)
			continue;
		for (k = 0; k < 700; k++)
			avg[k] += x[ev[i].start + k];
		trials++;
	}
	cr_assert_gt(trials, 60);
	for (i = 0; i < 700; i++) {
		double tpl = 10 * exp(-0.5 * pow((i - 300.0) / 80, 2));

		avg[i] /= trials;
		num += avg[i] * tpl;
		da += avg[i] * avg[i];
		dt += tpl * tpl;
		if (avg[i] > best) {
			best = avg[i];
			best_i = i;
		}
	}
	cr_expect_gt(num / sqrt(da * dt), 0.95, "correlation with the template");
	cr_expect(labs((long)best_i - 300) <= 20, "peak latency %zu ms", best_i);
	cr_expect_float_eq(best, 10, 1.5, "peak %.2f uV", best);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, metrology_truth_and_samples_agree)
{
	struct siggen_spec *s;
	struct siggen_event *ev;
	struct siggen *g;
	size_t n, i, stims = 0;
	float *x;

	cr_assert_eq(siggen_spec_new(10000, 3, 1, &s), 0);
	cr_assert_eq(siggen_spec_add_source(s, "dc_step", "step", "0", 1, NULL), 0);
	cr_assert_eq(siggen_spec_add_source(s, "stim", "stim", "1", 2, NULL), 0);
	cr_assert_eq(siggen_spec_add_source(s, "sine", "sine", "2", 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(s, "step.at_s", 0.25), 0);
	cr_assert_eq(siggen_spec_set_param(s, "sine.coherent_frames", 1024), 0);
	cr_assert_eq(siggen_spec_set_param(s, "sine.freq_hz", 1000), 0);
	cr_assert_eq(siggen_open(s, 1, &g), 0);
	x = read_all(g, 97, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	cr_expect_float_eq(x[2499], 0, 1e-6);
	cr_expect_float_eq(x[2500], 100, 1e-6);
	for (i = 0; i < n; i++) {
		if (ev[i].type == SIGGEN_EVENT_STIM) {
			const float *c = x + 10000;
			double charge = 0;
			uint64_t t;

			cr_expect_float_eq(c[ev[i].start], -2000, 1e-3, "cathodic first, gain 2");
			for (t = ev[i].start; t < ev[i].end; t++)
				charge += c[t];
			cr_expect_float_eq(charge, 0, 1e-3, "charge balanced");
			stims++;
		}
		if (ev[i].type == SIGGEN_EVENT_WAVEFORM && ev[i].source == 2)
			cr_expect_float_eq(ev[i].value, siggen_coherent_freq(10000, 1024, 1000),
					   1e-9);
	}
	cr_expect_geq(stims, 110, "130 Hz from 0.1 s: %zu pulses", stims);
	/* Coherent sine: exactly an odd number of cycles in 1024 samples. */
	cr_expect_float_eq(siggen_coherent_freq(10000, 1024, 1000), 103 * 10000.0 / 1024, 1e-9);
	cr_expect_float_eq(siggen_coherent_freq(10000, 1024, 990), 101 * 10000.0 / 1024, 1e-9);
	cr_expect_float_eq(x[2 * 10000 + 1024], x[2 * 10000], 1e-3);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, common_mode_sources_go_to_the_cm_output)
{
	struct siggen_spec *s;
	struct siggen *g;
	float out[2 * 100], cm[100];
	int i;

	cr_assert_eq(siggen_spec_new(1000, 2, 0.1, &s), 0);
	cr_assert_eq(siggen_spec_add_source(s, "sine", "cm", NULL, 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_routing(s, 0, SIGGEN_ROUTING_COMMON), 0);
	cr_assert_eq(siggen_open(s, 1, &g), 0);
	cr_assert_eq(siggen_read2(g, out, cm, 100, SIGGEN_LAYOUT_PLANAR), 100);
	for (i = 0; i < 100; i++) {
		cr_expect_eq(out[i], 0);
		cr_expect_float_eq(cm[i], 100 * sin(2 * M_PI * 10 * i / 1000.0), 1e-3);
	}
	cr_expect_eq(siggen_read(g, out, 100, SIGGEN_LAYOUT_PLANAR), 0, "end of the spec");
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, parameters_are_checked_and_overridden_by_name)
{
	struct siggen_spec *s;
	double v;

	cr_assert_eq(siggen_spec_new(1000, 4, 1, &s), 0);
	cr_assert_eq(siggen_spec_add_source(s, "spikes", "a", "0-1", 1, NULL), 0);
	cr_assert_eq(siggen_spec_add_source(s, "spikes", "b", "2,3", 1, NULL), 0);
	cr_expect_eq(siggen_spec_set_param(s, "rate_hz", 7), 0);
	cr_expect_eq(siggen_spec_set_param(s, "b.rate_hz", 9), 0);
	cr_expect_eq(siggen_spec_get_param(s, "a.rate_hz", &v), 0);
	cr_expect_eq(v, 7);
	cr_expect_eq(siggen_spec_get_param(s, "b.rate_hz", &v), 0);
	cr_expect_eq(v, 9);
	cr_expect_eq(siggen_spec_set_param(s, "rate_hz", -1), -ERANGE);
	cr_expect_eq(siggen_spec_set_param(s, "rate_hz", NAN), -EINVAL);
	cr_expect_eq(siggen_spec_set_param(s, "nonsense", 1), -ENOENT);
	cr_expect_eq(siggen_spec_set_param(s, "c.rate_hz", 1), -ENOENT);
	cr_expect_eq(siggen_spec_add_source(s, "nonsense", NULL, NULL, 1, NULL), -ENOENT);
	cr_expect_eq(siggen_spec_add_source(s, "eeg", NULL, "0-4", 1, NULL), -EINVAL);
	cr_expect_eq(siggen_spec_add_source(s, "eeg", "a", NULL, 1, NULL), -EINVAL);
	cr_expect_eq(siggen_spec_add_source(s, "eeg", NULL, NULL, NAN, NULL), -EINVAL);
	siggen_spec_free(s);
	cr_expect_eq(siggen_spec_new(-1000, 4, 1, &s), -EINVAL);
	cr_expect_eq(siggen_spec_new(NAN, 4, 1, &s), -EINVAL);
	cr_expect_eq(siggen_spec_new(1000, 0, 1, &s), -EINVAL);
	cr_expect_eq(siggen_spec_new(1000, 100000, 1, &s), -ERANGE);
	cr_expect_eq(siggen_spec_new(1e6, 4, 1e9, &s), -ERANGE);
	cr_expect_eq(siggen_spec_from_model("nonsense", 4, 1000, 1, &s), -ENOENT);
}

static const char good_xml[] = "<?xml version=\"1.0\"?>\n"
			       "<stimulus rate_hz=\"500\" channels=\"4\" duration_s=\"2\">\n"
			       "  <channel index=\"3\" name=\"Oz\"/>\n"
			       "  <source model=\"eeg\" id=\"bg\" gain=\"0.5\">\n"
			       "    <param name=\"exponent\" value=\"1.5\"/>\n"
			       "  </source>\n"
			       "  <source model=\"sine\" channels=\"0-1,3\" routing=\"common\">\n"
			       "    <param name=\"freq_hz\" value=\"12.5\"/>\n"
			       "  </source>\n"
			       "</stimulus>\n";

Test(siggen, parses_a_stimulus_element)
{
	struct siggen_spec *s = NULL;
	struct siggen *g;
	char err[256];
	double v;

	cr_assert_eq(siggen_spec_parse_memory(good_xml, strlen(good_xml), "good.xml", &s, err,
					      sizeof(err)),
		     0, "%s", err);
	cr_expect_eq(siggen_spec_channels(s), 4);
	cr_expect_eq(siggen_spec_rate_hz(s), 500);
	cr_expect_eq(siggen_spec_frames(s), 1000);
	cr_expect_eq(siggen_spec_sources(s), 2);
	cr_expect_str_eq(siggen_spec_source_model(s, 1), "sine");
	cr_expect_eq(siggen_spec_get_param(s, "bg.exponent", &v), 0);
	cr_expect_eq(v, 1.5);
	cr_expect_eq(siggen_spec_get_param(s, "freq_hz", &v), 0);
	cr_expect_eq(v, 12.5);
	cr_assert_eq(siggen_open(s, 1, &g), 0);
	cr_expect_str_eq(siggen_channel_name(g, 3), "Oz");
	cr_expect_str_eq(siggen_channel_name(g, 0), "Fp1");
	siggen_close(g);
	siggen_spec_free(s);
}

static void expect_error(const char *xml, const char *want)
{
	struct siggen_spec *s = NULL;
	char err[512];

	cr_expect_eq(siggen_spec_parse_memory(xml, strlen(xml), "bad.xml", &s, err, sizeof(err)),
		     -EINVAL, "accepted: %s", xml);
	cr_expect_null(s);
	cr_expect(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
}

Test(siggen, bad_specs_give_file_line_errors)
{
	expect_error("<stimulus rate_hz=\"500\" channels=\"4\" duration_s=\"2\">\n"
		     "\n  <source model=\"nonsense\"/>\n</stimulus>\n",
		     "bad.xml:3: unknown model 'nonsense'");
	expect_error("<stimulus rate_hz=\"-500\" channels=\"4\" duration_s=\"2\">\n"
		     "  <source model=\"eeg\"/>\n</stimulus>\n",
		     "bad.xml:1: ");
	expect_error("<stimulus rate_hz=\"NaN\" channels=\"4\" duration_s=\"2\">\n"
		     "  <source model=\"eeg\"/>\n</stimulus>\n",
		     "bad.xml:1: ");
	expect_error("<stimulus rate_hz=\"500\" channels=\"4\" duration_s=\"2\">\n"
		     "  <source model=\"eeg\">\n    <param name=\"exponent\" value=\"3\"/>\n"
		     "  </source>\n</stimulus>\n",
		     "bad.xml:3: exponent = 3  is outside 0..2");
	expect_error("<stimulus rate_hz=\"500\" channels=\"4\" duration_s=\"2\">\n"
		     "  <source model=\"eeg\">\n    <param name=\"bogus\" value=\"3\"/>\n"
		     "  </source>\n</stimulus>\n",
		     "bad.xml:3: model 'eeg' has no parameter 'bogus'");
	expect_error("<stimulus rate_hz=\"500\" channels=\"4\" duration_s=\"2\">\n"
		     "  <source model=\"eeg\" channels=\"2-9\"/>\n</stimulus>\n",
		     "bad.xml:2: bad source");
	expect_error("<stimulus rate_hz=\"500\" channels=\"4\" duration_s=\"2\">\n"
		     "  <source model=\"eeg\"/>\n  <wat/>\n</stimulus>\n",
		     "bad.xml:3: ");
	expect_error("<stimulus rate_hz=\"500\" channels=\"4\" duration_s=\"2\">\n</stimulus>\n",
		     "bad.xml:");
	expect_error("<stimulus rate_hz=\"1e6\" channels=\"4000\" duration_s=\"1e12\">\n"
		     "  <source model=\"eeg\"/>\n</stimulus>\n",
		     "too big");
	expect_error("<stimulus rate_hz=\"500\" channels=\"4\"", "bad.xml:1: ");
}

Test(siggen, truth_is_incremental_and_drops)
{
	struct siggen_spec *s;
	struct siggen *g;
	float buf[1000];
	size_t n;

	cr_assert_eq(siggen_spec_from_model("impulse", 1, 1000, 5, &s), 0);
	cr_assert_eq(siggen_spec_set_param(s, "first_s", 0), 0);
	cr_assert_eq(siggen_open(s, 1, &g), 0);
	cr_assert_eq(siggen_read(g, buf, 1000, SIGGEN_LAYOUT_PLANAR), 1000);
	siggen_truth(g, &n);
	cr_expect_eq(n, 1, "impulse at 0 s only");
	cr_assert_eq(siggen_read(g, buf, 1000, SIGGEN_LAYOUT_PLANAR), 1000);
	siggen_truth(g, &n);
	cr_expect_eq(n, 2);
	siggen_truth_drop(g, 1);
	cr_expect_eq(siggen_truth(g, &n)[0].start, 1000);
	cr_expect_eq(n, 1);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, noise_is_white_gaussian_with_the_set_rms)
{
	struct siggen_spec *s;
	struct siggen *g;
	double m = 0, m2 = 0, m4 = 0, r1 = 0, r7 = 0, beyond3 = 0, sd;
	size_t i, n = 2000000;
	float *x;

	cr_assert_eq(siggen_spec_from_model("noise", 1, 30000, n / 30000.0, &s), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rms_uv", 10), 0);
	cr_assert_eq(siggen_open(s, 8, &g), 0);
	n = siggen_total_frames(g);
	x = read_all(g, 4096, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	for (i = 0; i < n; i++)
		m += x[i];
	m /= n;
	for (i = 0; i < n; i++) {
		double d = x[i] - m;

		m2 += d * d;
		m4 += d * d * d * d;
		if (i >= 1)
			r1 += d * (x[i - 1] - m);
		if (i >= 7)
			r7 += d * (x[i - 7] - m);
	}
	sd = sqrt(m2 / n);
	for (i = 0; i < n; i++)
		beyond3 += fabs(x[i] - m) > 3 * sd;
	cr_expect_float_eq(sd, 10, 0.05, "rms %.4f uV", sd);
	cr_expect(fabs(m) < 0.05, "mean %.4f uV", m);
	cr_expect_float_eq(m4 / n / (sd * sd * sd * sd), 3.0, 0.03, "kurtosis");
	cr_expect(fabs(r1 / m2) < 4 / sqrt((double)n), "lag-1 correlation %.5f", r1 / m2);
	cr_expect(fabs(r7 / m2) < 4 / sqrt((double)n), "lag-7 correlation %.5f", r7 / m2);
	/* P(|z| > 3) = 0.0027; binomial sd over 2e6 samples is ~3.7e-5. */
	cr_expect_float_eq(beyond3 / n, 0.0027, 0.0002, "tail fraction %.5f", beyond3 / n);
	free(x);
	siggen_close(g);
	siggen_spec_free(s);
}

/* Parses every <stimulus> in @path; returns how many; fails the test on an error. */
static int parse_stimuli_in(const char *path)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	xmlXPathContextPtr xc;
	xmlXPathObjectPtr res;
	int i, n = 0;

	cr_assert(doc, "%s is not well-formed", path);
	xc = xmlXPathNewContext(doc);
	res = xmlXPathEvalExpression((const xmlChar *)"//*[local-name()='stimulus']", xc);
	for (i = 0; res && res->nodesetval && i < res->nodesetval->nodeNr; i++) {
		struct siggen_spec *s = NULL;
		struct siggen *g = NULL;
		char err[512];
		float buf[4 * 64];

		cr_expect_eq(siggen_spec_parse_node(res->nodesetval->nodeTab[i], path, &s, err,
						    sizeof(err)),
			     0, "%s", err);
		if (s && siggen_spec_channels(s) <= 4) {
			/* And it generates. */
			cr_expect_eq(siggen_open(s, 1, &g), 0);
			cr_expect_gt(siggen_read(g, buf, 64, SIGGEN_LAYOUT_PLANAR), 0);
			siggen_close(g);
		}
		siggen_spec_free(s);
		n++;
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	return n;
}

Test(siggen, every_stimulus_in_the_protocol_library_parses)
{
	static const char *const dirs[] = { "decoder", "eeg", "neural", "reliability", "stim" };
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	int found = 0;
	size_t d;

	cr_assert(root, "BCIBENCH_SOURCE_ROOT is not set");
	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char dir[1024];
		struct dirent *e;
		DIR *dp;

		snprintf(dir, sizeof(dir), "%s/protocols/%s", root, dirs[d]);
		dp = opendir(dir);
		if (!dp)
			continue;
		while ((e = readdir(dp))) {
			char path[2048];
			size_t len = strlen(e->d_name);

			if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			found += parse_stimuli_in(path);
		}
		closedir(dp);
	}
	cr_expect_gt(found, 0, "no <stimulus> found under %s/protocols", root);
}

Test(siggen, ecg_beats_have_their_r_wave_at_the_truth_peak)
{
	struct siggen_spec *s;
	struct siggen_event *ev;
	struct siggen *g;
	size_t n, i, beats = 0;
	float *x;

	cr_assert_eq(siggen_spec_from_model("ecg", 1, 500, 60, &s), 0);
	cr_assert_eq(siggen_open(s, 12, &g), 0);
	x = read_all(g, 77, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 0; i < n; i++) {
		uint64_t t, best = 0;
		float m = -1;

		cr_assert_eq(ev[i].type, SIGGEN_EVENT_ECG);
		beats++;
		if (ev[i].end > 30000)
			continue;
		for (t = ev[i].start; t < ev[i].end; t++)
			if (fabsf(x[t]) > m) {
				m = fabsf(x[t]);
				best = t;
			}
		cr_expect(best + 2 >= ev[i].peak && best <= ev[i].peak + 2,
			  "beat %zu: largest sample at %llu, R wave at %llu", i,
			  (unsigned long long)best, (unsigned long long)ev[i].peak);
	}
	cr_expect(beats >= 60 && beats <= 80, "%zu beats in 60 s at 70 bpm", beats);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, seizure_is_followed_by_postictal_suppression_with_recovery)
{
	struct siggen_spec *bg, *sz;
	struct siggen_event *ev;
	struct siggen *g;
	float *x0, *x1;
	size_t n, i, n_sz = 0, n_pi = 0;
	uint64_t t, off = 0, hold = 0, end = 0;

	/* The background alone, then the same background with a seizure after it. */
	cr_assert_eq(siggen_spec_new(250, 2, 120, &bg), 0);
	cr_assert_eq(siggen_spec_add_source(bg, "noise", "bg", NULL, 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(bg, "bg.rms_uv", 20), 0);
	cr_assert_eq(siggen_spec_copy(bg, &sz), 0);
	cr_assert_eq(siggen_spec_add_source(sz, "seizure", "sz", NULL, 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(sz, "sz.onset_s", 10), 0);
	cr_assert_eq(siggen_spec_set_param(sz, "sz.duration_s", 20), 0);
	cr_assert_eq(siggen_spec_set_param(sz, "sz.postictal_depth", 0.8), 0);
	cr_assert_eq(siggen_spec_set_param(sz, "sz.postictal_s", 20), 0);
	cr_assert_eq(siggen_spec_set_param(sz, "sz.recovery_s", 40), 0);
	cr_assert_eq(siggen_open(bg, 6, &g), 0);
	x0 = read_all(g, 1000, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	siggen_close(g);
	cr_assert_eq(siggen_open(sz, 6, &g), 0);
	x1 = read_all(g, 77, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	siggen_close(g);
	for (i = 0; i < n; i++) {
		if (ev[i].type == SIGGEN_EVENT_SEIZURE) {
			cr_expect_eq(ev[i].start, 2500);
			cr_expect_eq(ev[i].end, 7500);
			n_sz++;
		}
		if (ev[i].type == SIGGEN_EVENT_POSTICTAL) {
			off = ev[i].start;
			hold = ev[i].peak;
			end = ev[i].end;
			cr_expect_float_eq(ev[i].value, 0.8, 1e-6);
			n_pi++;
		}
	}
	cr_assert_eq(n_sz, 1);
	cr_assert_eq(n_pi, 1);
	cr_expect_eq(off, 7500, "suppression starts at the offset");
	cr_expect_eq(hold, 7500 + 5000, "held for postictal_s");
	cr_expect_eq(end, 7500 + 15000, "recovered after recovery_s");
	/* Before the onset and after the recovery the background is untouched. */
	for (t = 0; t < 2500; t++)
		cr_assert_eq(x1[t], x0[t], "sample %llu before the seizure", (unsigned long long)t);
	for (t = end; t < 30000; t++)
		cr_assert_eq(x1[t], x0[t], "sample %llu after recovery", (unsigned long long)t);
	/* Held at 20 % of the background, on both channels. */
	for (t = off; t < hold; t++) {
		cr_assert_eq(x1[t], x0[t] * 0.2f, "sample %llu in the hold", (unsigned long long)t);
		cr_assert_eq(x1[30000 + t], x0[30000 + t] * 0.2f);
	}
	/* Recovery: a gain between 0.2 and 1, rising; 0.6 half way. */
	for (t = hold; t < end; t++) {
		double gn = x0[t] != 0 ? x1[t] / x0[t] : 0.6;
		double want = 1 - 0.8 * (0.5 + 0.5 * cos(M_PI * (double)(t - hold) / 10000));

		cr_assert(fabs(gn - want) < 1e-5, "sample %llu: gain %.6f, want %.6f",
			  (unsigned long long)t, gn, want);
	}
	free(x0);
	free(x1);
	free(ev);
	siggen_spec_free(bg);
	siggen_spec_free(sz);
}

Test(siggen, spike_amplitudes_drift_slowly_and_the_truth_follows)
{
	struct siggen_spec *s = bare_spikes(8, 4000, 300);
	struct siggen_event *ev;
	struct siggen *g;
	double la[8][2] = { { 0 } }, sum = 0, sum2 = 0, dsum2 = 0;
	size_t n, i, cnt = 0, dcnt = 0, checked = 0;
	uint64_t total;
	float *x;

	cr_assert_eq(siggen_spec_set_param(s, "units", 1), 0);
	cr_assert_eq(siggen_spec_set_param(s, "inh_fraction", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rate_hz", 10), 0);
	cr_assert_eq(siggen_spec_set_param(s, "amp_min_uv", 100), 0);
	cr_assert_eq(siggen_spec_set_param(s, "amp_max_uv", 100), 0);
	cr_assert_eq(siggen_spec_set_param(s, "amp_drift", 0.3), 0);
	cr_assert_eq(siggen_spec_set_param(s, "amp_drift_tau_s", 5), 0);
	cr_assert_eq(siggen_open(s, 13, &g), 0);
	total = siggen_total_frames(g);
	x = read_all(g, 4096, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 0; i < n; i++) {
		double l;
		int c = ev[i].channel;

		if (ev[i].type != SIGGEN_EVENT_SPIKE)
			continue;
		/* The truth is each spike's own amplitude: the trough in the samples. */
		if (ev[i].end < total && checked < 2000) {
			cr_expect_float_eq(x[(size_t)c * total + ev[i].peak], ev[i].amplitude_uv,
					   1e-3 * fabsf(ev[i].amplitude_uv) + 1e-3);
			checked++;
		}
		l = log(-ev[i].amplitude_uv / 100.0);
		sum += l;
		sum2 += l * l;
		cnt++;
		if (la[c][1] > 0) {
			dsum2 += (l - la[c][0]) * (l - la[c][0]);
			dcnt++;
		}
		la[c][0] = l;
		la[c][1] = 1;
	}
	cr_assert_gt(cnt, 15000);
	/* sd of the log amplitude = amp_drift (8 x 60 time constants: +-~5 %). */
	cr_expect_float_eq(sqrt(sum2 / cnt - pow(sum / cnt, 2)), 0.3, 0.05, "sd %.3f",
			   sqrt(sum2 / cnt - pow(sum / cnt, 2)));
	/* Slow: over ~0.1 s between spikes it moves by ~0.3 * sqrt(2 * 0.1 / 5) = 0.06. */
	cr_expect_lt(sqrt(dsum2 / dcnt), 0.1, "spike-to-spike change %.3f", sqrt(dsum2 / dcnt));
	free(x);
	free(ev);
	siggen_close(g);
	/* Without drift (and without jitter) every spike of a unit has the same amplitude. */
	cr_assert_eq(siggen_spec_set_param(s, "amp_drift", 0), 0);
	cr_assert_eq(siggen_open(s, 13, &g), 0);
	x = read_all(g, 4096, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 1; i < n; i++)
		if (ev[i].type == SIGGEN_EVENT_SPIKE)
			cr_assert_eq(ev[i].amplitude_uv, -100.0f);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, stim_artifact_follows_the_pulses_with_truth)
{
	struct siggen_spec *s;
	struct siggen_event *ev;
	struct siggen *g;
	uint64_t stim_at[32], total;
	size_t n, i, n_stim = 0, n_art = 0;
	float *x;

	cr_assert_eq(siggen_spec_new(30000, 4, 1, &s), 0);
	cr_assert_eq(siggen_spec_add_source(s, "stim", "st", "3", 1, NULL), 0);
	cr_assert_eq(siggen_spec_add_source(s, "stim_artifact", "art", "0-2", 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(s, "rate_hz", 10), 0);
	cr_assert_eq(siggen_spec_set_param(s, "phase1_us", 200), 0);
	cr_assert_eq(siggen_spec_set_param(s, "phase2_us", 400), 0);
	cr_assert_eq(siggen_spec_set_param(s, "gap_us", 100), 0);
	cr_assert_eq(siggen_spec_set_param(s, "art.stim_channel", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "art.spread_ch", 2), 0);
	cr_assert_eq(siggen_spec_set_param(s, "art.tau_ms", 1), 0);
	cr_assert_eq(siggen_open(s, 1, &g), 0);
	total = siggen_total_frames(g);
	x = read_all(g, 1000, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 0; i < n; i++)
		if (ev[i].type == SIGGEN_EVENT_STIM && n_stim < 32)
			stim_at[n_stim++] = ev[i].start;
	for (i = 0; i < n; i++) {
		uint64_t t0 = ev[i].start, pend = t0 + 6 + 3 + 12; /* 200 + 100 + 400 us */
		double q = 0;
		uint64_t t;

		if (ev[i].type != SIGGEN_EVENT_STIM_ARTIFACT)
			continue;
		cr_expect_lt(n_art, n_stim);
		if (n_art < n_stim)
			cr_expect_eq(t0, stim_at[n_art], "the artifact coincides with the pulse");
		cr_expect_eq(ev[i].end, pend + 150, "blanking window: 5 tau after the pulse");
		cr_expect_float_eq(ev[i].amplitude_uv, -500, 1e-6);
		/* Cathodic first at the stimulating channel, falling by e every 2 channels. */
		cr_expect_float_eq(x[t0], -500, 1e-3);
		cr_expect_float_eq(x[total + t0], -500 * exp(-0.5), 1e-3);
		cr_expect_float_eq(x[2 * total + t0], -500 * exp(-1), 1e-3);
		for (t = t0; t < pend; t++)
			q += x[t];
		cr_expect_float_eq(q, 0, 1e-2, "charge balanced");
		/* The tail: 50 uV at the end of the pulse, 50/e one tau (30 samples) later. */
		cr_expect_float_eq(x[pend], 50, 1e-3);
		cr_expect_float_eq(x[pend + 30], 50 * exp(-1), 0.01);
		cr_expect_lt(fabsf(x[ev[i].end]), 50 * exp(-5) * 1.01);
		n_art++;
	}
	cr_expect_eq(n_art, 9, "10 Hz from 0.1 s over 1 s");
	cr_expect_eq(n_art, n_stim);
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, prbs7_is_a_maximal_length_sequence_with_period_truth)
{
	struct siggen_spec *s;
	struct siggen_event *ev;
	struct siggen *g;
	int bits[300];
	size_t n, i, ones = 0, w = 0;
	float *x;

	cr_assert_eq(siggen_spec_from_model("prbs", 1, 1000, 3, &s), 0);
	cr_assert_eq(siggen_spec_set_param(s, "bit_rate_hz", 100), 0);
	cr_assert_eq(siggen_open(s, 1, &g), 0);
	x = read_all(g, 7, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	for (i = 0; i < 300; i++) {
		/* 10 samples per bit, all at +-100 uV. */
		cr_assert(x[10 * i] == 100 || x[10 * i] == -100, "bit %zu: %g", i, x[10 * i]);
		cr_assert_eq(x[10 * i + 9], x[10 * i]);
		bits[i] = x[10 * i] > 0;
	}
	for (i = 0; i < 127; i++)
		ones += (size_t)bits[i];
	cr_expect_eq(ones, 64, "a maximal-length PRBS7 has 64 ones in 127 bits, not %zu", ones);
	for (i = 0; i + 127 < 300; i++)
		cr_assert_eq(bits[i], bits[i + 127], "period 127 at bit %zu", i);
	for (i = 0; i < n; i++) {
		if (ev[i].type != SIGGEN_EVENT_WAVEFORM)
			continue;
		cr_expect_eq(ev[i].start, 1270 * w, "sequence %zu starts at %llu", w,
			     (unsigned long long)ev[i].start);
		cr_expect_eq(ev[i].label, 7);
		w++;
	}
	cr_expect_eq(w, 3, "3 s at 100 bit/s: sequences at 0, 1.27 and 2.54 s");
	free(x);
	free(ev);
	siggen_close(g);
	siggen_spec_free(s);
}

Test(siggen, saturation_holds_the_rail_then_recovers)
{
	struct siggen_spec *bg, *sat;
	struct siggen_event *ev;
	struct siggen *g;
	float *x0, *x1;
	size_t n, i, eps = 0;
	uint64_t t, prev_end = 0;
	double decay = exp(-1 / (20e-3 * 1000));

	cr_assert_eq(siggen_spec_new(1000, 1, 20, &bg), 0);
	cr_assert_eq(siggen_spec_add_source(bg, "noise", "bg", NULL, 1, NULL), 0);
	cr_assert_eq(siggen_spec_copy(bg, &sat), 0);
	cr_assert_eq(siggen_spec_add_source(sat, "saturation", "sat", NULL, 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(sat, "rate_per_min", 30), 0);
	cr_assert_eq(siggen_spec_set_param(sat, "duration_ms", 100), 0);
	cr_assert_eq(siggen_spec_set_param(sat, "tau_ms", 20), 0);
	cr_assert_eq(siggen_open(bg, 2, &g), 0);
	x0 = read_all(g, 1000, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	siggen_close(g);
	cr_assert_eq(siggen_open(sat, 2, &g), 0);
	x1 = read_all(g, 33, SIGGEN_LAYOUT_PLANAR, &ev, &n);
	siggen_close(g);
	for (i = 0; i < n; i++) {
		uint64_t st = ev[i].start, held = ev[i].peak, end = ev[i].end;

		if (ev[i].type != SIGGEN_EVENT_SATURATION)
			continue;
		cr_expect_eq(held - st, 100);
		cr_expect_float_eq(ev[i].amplitude_uv, 5000, 1e-3);
		for (t = prev_end; t < st; t++)
			cr_assert_eq(x1[t], x0[t], "untouched at %llu", (unsigned long long)t);
		for (t = st; t < held && t < 20000; t++)
			cr_assert_eq(x1[t], 5000, "at the rail at %llu", (unsigned long long)t);
		if (end < 20000) {
			cr_expect_eq(end - held, 100, "5 tau of recovery");
			for (t = held; t < end; t++) {
				double r = pow(decay, (double)(t - held + 1));
				double want = (1 - r) * x0[t] + r * 5000;

				cr_assert(fabs(x1[t] - want) < 1e-3 * (1 + fabs(want)),
					  "recovery at %llu: %g, want %g", (unsigned long long)t,
					  x1[t], want);
			}
		}
		prev_end = end;
		eps++;
	}
	cr_expect_geq(eps, 3, "30 per minute over 20 s: %zu episodes", eps);
	free(x0);
	free(x1);
	free(ev);
	siggen_spec_free(bg);
	siggen_spec_free(sat);
}

Test(siggen, spike_noise_can_be_band_limited_to_300_6000_hz)
{
	struct siggen_spec *s = bare_spikes(1, 30000, 20);
	struct siggen *g;
	static double psd[2049];
	double ss = 0, in = 0, lo = 0, hi = 0;
	size_t i, n_in = 0, n_lo = 0, n_hi = 0;
	float *x;

	cr_assert_eq(siggen_spec_set_param(s, "units", 0), 0);
	cr_assert_eq(siggen_spec_set_param(s, "noise_uv", 10), 0);
	cr_assert_eq(siggen_spec_set_param(s, "noise_lo_hz", 300), 0);
	cr_assert_eq(siggen_spec_set_param(s, "noise_hi_hz", 6000), 0);
	cr_assert_eq(siggen_open(s, 3, &g), 0);
	x = read_all(g, 999, SIGGEN_LAYOUT_PLANAR, NULL, NULL);
	for (i = 0; i < 600000; i++)
		ss += (double)x[i] * x[i];
	cr_expect_float_eq(sqrt(ss / 600000), 10, 0.3, "rms %.3f uV, want noise_uv",
			   sqrt(ss / 600000));
	welch(x, 600000, 4096, psd);
	for (i = 1; i <= 2048; i++) {
		double f = i * 30000.0 / 4096;

		if (f >= 1000 && f <= 3000) {
			in += psd[i];
			n_in++;
		} else if (f >= 30 && f <= 100) {
			lo += psd[i];
			n_lo++;
		} else if (f >= 12000 && f <= 14000) {
			hi += psd[i];
			n_hi++;
		}
	}
	cr_expect_gt(in / n_in, 30 * lo / n_lo, "below 300 Hz is cut");
	cr_expect_gt(in / n_in, 10 * hi / n_hi, "above 6 kHz is cut");
	free(x);
	siggen_close(g);
	siggen_spec_free(s);
}
