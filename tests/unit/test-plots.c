// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/engine/plots.c on a synthetic capture of the library's A3 protocol (a 60 s multi-sine):
 * the DUT is a known system (one-pole low-pass at 100 Hz after a 3-sample delay) applied to
 * the stimulus regenerated here with signal-gen, so the Bode plot must match the analytic
 * magnitude and phase; the overlay must carry the same stimulus; every plot is bounded.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/buf.h"
#include "engine/plots.h"
#include "siggen.h"

#define RATE_HZ 1000.0
#define FC_HZ 100.0
#define DELAY 3
#define SEED 424242u

static char path_buf[2][4096];

static const char *src_path(const char *rel, int slot)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");

	cr_assert(root, "BCIBENCH_SOURCE_ROOT not set (run through meson test)");
	snprintf(path_buf[slot], sizeof(path_buf[0]), "%s/%s", root, rel);
	return path_buf[slot];
}

/* Channel 0 of the protocol's stimulus at RATE_HZ, as plots.c regenerates it. */
static double *stimulus(const struct bench_protocol *p, size_t frames)
{
	struct siggen_spec *spec = NULL;
	struct siggen *gen = NULL;
	xmlDocPtr doc = xmlReadMemory(p->stimulus_xml, (int)strlen(p->stimulus_xml), "s.xml", NULL,
				      XML_PARSE_NONET);
	char v[64], msg[256];
	double *x = calloc(frames, sizeof(*x));
	float *buf;
	size_t i, nch;

	cr_assert(doc && x);
	snprintf(v, sizeof(v), "%.17g", RATE_HZ);
	xmlSetProp(xmlDocGetRootElement(doc), BAD_CAST "rate_hz", BAD_CAST v);
	snprintf(v, sizeof(v), "%.17g", (double)frames / RATE_HZ + 1.0);
	xmlSetProp(xmlDocGetRootElement(doc), BAD_CAST "duration_s", BAD_CAST v);
	cr_assert_eq(siggen_spec_parse_node(xmlDocGetRootElement(doc), "s.xml", &spec, msg,
					    sizeof(msg)),
		     0, "%s", msg);
	xmlFreeDoc(doc);
	cr_assert_eq(siggen_open(spec, SEED, &gen), 0);
	siggen_spec_free(spec);
	nch = siggen_channels(gen);
	buf = calloc(frames * nch, sizeof(*buf));
	cr_assert(buf);
	cr_assert_eq(siggen_read2(gen, buf, NULL, frames, SIGGEN_LAYOUT_INTERLEAVED),
		     (int64_t)frames);
	for (i = 0; i < frames; i++)
		x[i] = buf[i * nch];
	free(buf);
	siggen_close(gen);
	return x;
}

static const struct bench_engine_plot *find(const struct bench_engine_plots *pl, const char *kind)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		if (strcmp(pl->plot[i].kind, kind) == 0)
			return &pl->plot[i];
	return NULL;
}

/* Data lines of @series in @pl (the header line excluded): count, and x/y of each. */
static size_t points(const struct bench_engine_plot *pl, const char *series, double *xs, double *ys,
		     size_t max)
{
	const char *s = bench_buf_str(&pl->csv);
	size_t n = 0, len = strlen(series);

	for (s = strchr(s, '\n'); s && s[1]; s = strchr(s + 1, '\n')) {
		const char *line = s + 1;

		if (strncmp(line, series, len) != 0 || line[len] != ',')
			continue;
		if (n < max && xs && ys)
			cr_assert_eq(sscanf(line + len + 1, "%lf,%lf", &xs[n], &ys[n]), 2);
		n++;
	}
	return n;
}

Test(plots, bode_overlay_and_psd_of_a_known_system)
{
	struct bench_protocol_lib *lib = NULL;
	struct bench_protocol *p = NULL;
	struct bench_buf err = BENCH_BUF_INIT;
	struct bench_engine_capture cap;
	struct bench_engine_plots pl = { 0 };
	const struct bench_engine_plot *bode, *ov, *psd;
	size_t frames = 60000, i, n, checked = 0;
	double a = exp(-2 * M_PI * FC_HZ / RATE_HZ), *x, yprev = 0, f[200], m[200], ph[200];
	double sx[2000], sy[2000];

	cr_assert_eq(bench_protocol_lib_new(NULL, &lib), 0);
	cr_assert_eq(bench_protocol_lib_set_profile(lib,
						    src_path("fixtures/duts/sim-eeg-amp.xml", 0),
						    &err),
		     0, "%s", bench_buf_str(&err));
	cr_assert_eq(bench_protocol_load(lib,
					 src_path("protocols/eeg/eeg-a3-frequency-response.xml", 1),
					 NULL, 0, &err, &p),
		     0, "%s", bench_buf_str(&err));
	x = stimulus(p, frames);
	memset(&cap, 0, sizeof(cap));
	cap.n_traces = 1;
	snprintf(cap.traces[0].role, sizeof(cap.traces[0].role), "dut-data");
	cap.traces[0].rate_hz = RATE_HZ;
	cap.traces[0].n_channels = 1;
	cap.traces[0].n_frames = frames;
	cap.traces[0].settle_frames = 2000;
	cap.traces[0].uv = calloc(frames, sizeof(double));
	cr_assert(cap.traces[0].uv);
	for (i = 0; i < frames; i++) { /* y[n] = (1 - a) x[n - DELAY] + a y[n - 1] */
		yprev = (1 - a) * (i >= DELAY ? x[i - DELAY] : 0) + a * yprev;
		cap.traces[0].uv[i] = yprev;
	}

	bench_engine_plots_make(p, 0, SEED, &cap, &pl);
	bode = find(&pl, "plot-bode");
	ov = find(&pl, "plot-overlay");
	psd = find(&pl, "plot-psd");
	cr_assert(bode, "no Bode plot for a multi-sine stimulus");
	cr_assert(ov && psd, "overlay and PSD expected");
	cr_expect(find(&pl, "plot-raster") == NULL && find(&pl, "plot-confusion") == NULL);

	n = points(bode, "magnitude / dB", f, m, 200);
	cr_assert_eq(points(bode, "phase / deg", f, ph, 200), n);
	cr_assert_geq(n, 5, "one point per tone of the multi-sine");
	for (i = 0; i < n; i++) {
		double w = 2 * M_PI * f[i] / RATE_HZ;
		double re = 1 - a * cos(w), im = a * sin(w); /* denominator 1 - a e^{-jw} */
		double mag = 20 * log10((1 - a) / hypot(re, im));
		double phase = (-atan2(im, re) - w * DELAY) * 180 / M_PI;

		if (f[i] < 0.5 || f[i] > 300)
			continue; /* the record holds few cycles / near Nyquist */
		cr_expect(fabs(m[i] - mag) < 0.5, "%.3g Hz: |H| %.3f dB, wanted %.3f dB", f[i],
			  m[i], mag);
		cr_expect(fabs(ph[i] - phase) < 5, "%.3g Hz: phase %.2f deg, wanted %.2f deg", f[i],
			  ph[i], phase);
		checked++;
	}
	cr_expect_geq(checked, 4);

	/* the overlay's stimulus is the injected signal, sample for sample where not decimated */
	n = points(ov, "stimulus", sx, sy, 2000);
	cr_expect_eq(points(ov, "response", NULL, NULL, 0) + n <= BENCH_ENGINE_PLOT_MAX_POINTS,
		     true);
	cr_assert_gt(n, 100);
	for (i = 0; i < n && i < 2000; i++) {
		size_t k = (size_t)llround(sx[i] * RATE_HZ);

		cr_expect(k >= 2000 && k < 3000 && fabs(sy[i] - x[k]) < 1e-4 * (1 + fabs(x[k])),
			  "overlay point %zu (t %.4f s): %g vs %g", i, sx[i], sy[i], x[k]);
	}
	cr_expect_leq(points(psd, "PSD", NULL, NULL, 0), 400);
	cr_expect(strncmp(bench_buf_str(&psd->csv), "series,frequency / Hz,", 22) == 0);

	bench_engine_plots_clear(&pl);
	bench_engine_capture_clear(&cap);
	free(x);
	bench_protocol_free(p);
	bench_protocol_lib_free(lib);
	bench_buf_free(&err);
}

/* A classification trial: a sparse confusion matrix whose last cell gives k. */
Test(plots, confusion_is_sparse_with_the_last_cell)
{
	struct bench_protocol_lib *lib = NULL;
	struct bench_protocol *p = NULL;
	struct bench_buf err = BENCH_BUF_INIT;
	struct bench_engine_capture cap;
	struct bench_engine_plots pl = { 0 };
	const struct bench_engine_plot *cm;
	size_t frames = 2500, k = 0, i;
	double xs[8], ys[8];

	cr_assert_eq(bench_protocol_lib_new(NULL, &lib), 0);
	cr_assert_eq(bench_protocol_lib_set_profile(
			     lib, src_path("fixtures/duts/sim-ssvep-decoder.xml", 0), &err),
		     0, "%s", bench_buf_str(&err));
	cr_assert_eq(bench_protocol_load(lib, src_path("protocols/decoder/decoder-c3-ssvep.xml", 1),
					 NULL, 0, &err, &p),
		     0, "%s", bench_buf_str(&err));
	memset(&cap, 0, sizeof(cap));
	cap.n_traces = 2;
	snprintf(cap.traces[0].role, sizeof(cap.traces[0].role), "dut-data");
	snprintf(cap.traces[1].role, sizeof(cap.traces[1].role), "dut-events");
	for (i = 0; i < 2; i++) {
		cap.traces[i].rate_hz = RATE_HZ;
		cap.traces[i].n_channels = 1;
		cap.traces[i].n_frames = frames;
		cap.traces[i].uv = calloc(frames, sizeof(double));
		cap.traces[i].events = calloc(frames, sizeof(uint32_t));
		cr_assert(cap.traces[i].uv && cap.traces[i].events);
	}
	cap.n_truth = 1;
	cap.truth = calloc(1, sizeof(*cap.truth));
	cr_assert(cap.truth);
	cap.truth[0].type = SIGGEN_EVENT_SSVEP;
	cap.truth[0].start_s = 0.1;
	cap.truth[0].label = 7;
	for (i = 0; i < 2; i++)
		cap.traces[i].events[1200] = (2u << 24) | 7u; /* the DUT decides class 7 */

	bench_engine_plots_make(p, 3, SEED, &cap, &pl); /* a later trial: confusion only */
	cm = find(&pl, "plot-confusion");
	cr_assert(cm, "no confusion plot");
	cr_expect_eq(pl.n, 1, "later trials store only the confusion matrix");
	k = points(cm, "counts", xs, ys, 8);
	cr_assert_eq(k, 2, "one decision and the last cell:\n%s", bench_buf_str(&cm->csv));
	cr_expect(xs[0] >= 0 && ys[0] == 1);
	cr_expect(ys[1] == 0 && llround(sqrt(xs[1] + 1)) * llround(sqrt(xs[1] + 1)) == xs[1] + 1);
	/* row 7, column 7 of a k x k matrix */
	cr_expect_eq((long)xs[0], 7 * llround(sqrt(xs[1] + 1)) + 7);

	bench_engine_plots_clear(&pl);
	bench_engine_capture_clear(&cap);
	bench_protocol_free(p);
	bench_protocol_lib_free(lib);
	bench_buf_free(&err);
}
