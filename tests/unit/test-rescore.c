// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trial capture record (engine/rescore.h): a capture saved and loaded back is
 * bit-identical (binary64 samples, binary32 samples, NaN, events, timestamps, truth, the
 * protocol instance); truncated, extended or foreign files are -EBADMSG, a missing one
 * -ENOENT, and nothing is returned on failure.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/rescore.h"

static char dir[64], path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test-rescore-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.bcap", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

TestSuite(record, .init = setup, .fini = teardown);

/* Two traces: 3 x 5 doubles (not floats), and 1 x 4 floats with events and timestamps. */
static void make_capture(struct bench_engine_capture *cap)
{
	struct bench_engine_trace *a = &cap->traces[0], *b = &cap->traces[1];
	size_t i;

	memset(cap, 0, sizeof(*cap));
	cap->n_traces = 2;
	snprintf(a->role, sizeof(a->role), "dut-data");
	a->rate_hz = 1000.0;
	a->n_channels = 3;
	a->n_frames = 5;
	a->lsb_uv = 0.1;
	a->settle_frames = 1;
	a->stim_frames = 4;
	a->uv = malloc(15 * sizeof(double));
	cr_assert_not_null(a->uv);
	for (i = 0; i < 15; i++)
		a->uv[i] = 0.1 * (double)i - 0.7;
	a->uv[7] = NAN;
	snprintf(b->role, sizeof(b->role), "stim-monitor");
	b->rate_hz = 30000.0;
	b->n_channels = 1;
	b->n_frames = 4;
	b->uv = malloc(4 * sizeof(double));
	b->events = calloc(4, sizeof(uint32_t));
	b->ts_ns = malloc(4 * sizeof(int64_t));
	cr_assert(b->uv && b->events && b->ts_ns);
	for (i = 0; i < 4; i++) {
		b->uv[i] = (double)(float)(1.5f * (float)i);
		b->ts_ns[i] = -5 + 33333 * (int64_t)i;
	}
	b->events[2] = 0xdeadbeefu;
	cap->n_truth = 2;
	cap->truth = calloc(2, sizeof(*cap->truth));
	cr_assert_not_null(cap->truth);
	cap->truth[0] = (struct bench_engine_truth_event){ 3, -1, 0.25, 0.5, 0.3, 7, 10.1, 0.1 };
	cap->truth[1] = (struct bench_engine_truth_event){ 4, 2, 1.0 / 3, 2.0, 1.5, -1, -5, NAN };
	snprintf(cap->note, sizeof(cap->note), "a note");
}

static void same_bits(double x, double y)
{
	cr_expect_eq(memcmp(&x, &y, sizeof(x)), 0, "%.17g != %.17g", x, y);
}

static void save(const struct bench_engine_capture *cap)
{
	struct bench_protocol_set sets[2] = {
		{ .path = (char *)"trials/@count", .value = (char *)"1" },
		{ .path = (char *)"capture/@duration-s", .value = (char *)"4" }
	};
	struct bench_protocol p = { 0 };

	p.overrides = sets;
	p.n_overrides = 2;
	p.condition_id = "a10uv";
	cr_assert_eq(bench_engine_record_save(path, &p, cap), 0);
}

Test(record, saves_and_loads_bit_identically)
{
	struct bench_engine_capture cap, got;
	struct bench_engine_record_origin o;
	size_t k, i;

	make_capture(&cap);
	save(&cap);
	cr_assert_eq(bench_engine_record_load(path, &got, &o), 0);
	cr_assert_eq(got.n_traces, 2);
	for (k = 0; k < 2; k++) {
		const struct bench_engine_trace *a = &cap.traces[k], *b = &got.traces[k];

		cr_expect_str_eq(b->role, a->role);
		same_bits(b->rate_hz, a->rate_hz);
		same_bits(b->lsb_uv, a->lsb_uv);
		cr_expect_eq(b->n_channels, a->n_channels);
		cr_expect_eq(b->n_frames, a->n_frames);
		cr_expect_eq(b->settle_frames, a->settle_frames);
		cr_expect_eq(b->stim_frames, a->stim_frames);
		for (i = 0; i < a->n_channels * a->n_frames; i++)
			same_bits(b->uv[i], a->uv[i]);
		cr_expect_eq(!b->events, !a->events);
		cr_expect_eq(!b->ts_ns, !a->ts_ns);
		for (i = 0; a->events && i < a->n_frames; i++)
			cr_expect_eq(b->events[i], a->events[i]);
		for (i = 0; a->ts_ns && i < a->n_frames; i++)
			cr_expect_eq(b->ts_ns[i], a->ts_ns[i]);
	}
	cr_assert_eq(got.n_truth, 2);
	for (i = 0; i < 2; i++) {
		cr_expect_eq(got.truth[i].type, cap.truth[i].type);
		cr_expect_eq(got.truth[i].channel, cap.truth[i].channel);
		cr_expect_eq(got.truth[i].label, cap.truth[i].label);
		same_bits(got.truth[i].start_s, cap.truth[i].start_s);
		same_bits(got.truth[i].end_s, cap.truth[i].end_s);
		same_bits(got.truth[i].peak_s, cap.truth[i].peak_s);
		same_bits(got.truth[i].amplitude_uv, cap.truth[i].amplitude_uv);
		same_bits(got.truth[i].value, cap.truth[i].value);
	}
	cr_expect_str_eq(got.note, "a note");
	cr_assert_eq(o.n_sets, 2);
	cr_expect_str_eq(o.sets[1].path, "capture/@duration-s");
	cr_expect_str_eq(o.sets[1].value, "4");
	cr_expect_str_eq(o.condition_id, "a10uv");
	bench_engine_record_origin_free(&o);
	bench_engine_capture_clear(&got);
	bench_engine_capture_clear(&cap);
}

/* Writes the first @len bytes of @orig plus @extra as the record (no fsync: fast). */
static void rewrite(const char *orig, size_t len, const char *extra)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	fwrite(orig, 1, len, f);
	if (extra)
		fputs(extra, f);
	fclose(f);
}

Test(record, refuses_truncated_extended_and_foreign_files)
{
	struct bench_engine_capture cap, got;
	char *orig = malloc(1 << 16);
	size_t cut, full;
	FILE *f;

	cr_assert_not_null(orig);
	make_capture(&cap);
	save(&cap);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	full = fread(orig, 1, 1 << 16, f);
	fclose(f);
	cr_assert_gt(full, 100);
	/* Every truncation point is refused, never read past the end (ASan). */
	for (cut = full; cut-- > 0;) {
		rewrite(orig, cut, NULL);
		memset(&got, 0x5a, sizeof(got));
		cr_expect_eq(bench_engine_record_load(path, &got, NULL), -EBADMSG, "cut at %zu",
			     cut);
		cr_expect_eq(got.n_traces, (size_t)0x5a5a5a5a5a5a5a5aull); /* untouched */
	}
	rewrite(orig, full, "x");
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), -EBADMSG);
	rewrite("BCICAPT2 not a record", 21, NULL);
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), -EBADMSG);
	rewrite(orig, full, NULL);
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), 0);
	bench_engine_capture_clear(&got);
	unlink(path);
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), -ENOENT);
	bench_engine_capture_clear(&cap);
	free(orig);
}
