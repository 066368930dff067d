// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trial capture record (engine/rescore.h): a capture saved and loaded back is
 * bit-identical (binary64 samples, binary32 samples, int16 and int32 converter codes with
 * one scale per channel, NaN, events, timestamps, truth, the protocol instance); a trace
 * that is not exactly code x scale falls back to binary32 or binary64; version 1 files
 * still load; truncated, extended or foreign files are -EBADMSG, a missing one -ENOENT,
 * and nothing is returned on failure.
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
	rewrite("BCICAPT9 not a record", 21, NULL);
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), -EBADMSG);
	rewrite(orig, full, NULL);
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), 0);
	bench_engine_capture_clear(&got);
	unlink(path);
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), -ENOENT);
	bench_engine_capture_clear(&cap);
	free(orig);
}

/* Converter codes (format version 2). */

/* One trace of @nch x @nfr samples made as the capture path does: (float)(code * scale). */
static void make_coded(struct bench_engine_capture *cap, size_t nch, size_t nfr, double lsb_uv,
		       int32_t max_code)
{
	struct bench_engine_trace *t = &cap->traces[0];
	size_t ch, i;

	memset(cap, 0, sizeof(*cap));
	cap->n_traces = 1;
	snprintf(t->role, sizeof(t->role), "dut");
	t->rate_hz = 30000.0;
	t->n_channels = nch;
	t->n_frames = nfr;
	t->lsb_uv = lsb_uv;
	t->uv = malloc(nch * nfr * sizeof(double));
	t->ts_ns = malloc(nfr * sizeof(int64_t));
	cr_assert(t->uv && t->ts_ns);
	for (ch = 0; ch < nch; ch++) {
		/* odd channels have a negative uV-per-code (an inverting front end) */
		double s = ch % 2 ? -lsb_uv : lsb_uv;

		for (i = 0; i < nfr; i++) {
			int64_t c = (int64_t)((i * 7919u + ch * 104729u) %
					      (2u * (uint32_t)max_code)) -
				    max_code;

			if (i == 0)
				c = max_code;
			if (i == 1)
				c = -(int64_t)max_code - 1;
			t->uv[ch * nfr + i] = (double)(float)((double)c * s);
		}
	}
	for (i = 0; i < nfr; i++)
		t->ts_ns[i] = 1000000 + 33333 * (int64_t)i;
}

/* Saves @cap with no overrides, condition or note; returns the first trace's flags. */
static uint32_t save_plain(const struct bench_engine_capture *cap, size_t *ret_size)
{
	struct bench_protocol p = { 0 };
	uint8_t head[256];
	uint32_t flags;
	size_t off, got;
	FILE *f;

	cr_assert_eq(bench_engine_record_save(path, &p, cap), 0);
	f = fopen(path, "rb");
	cr_assert_not_null(f);
	got = fread(head, 1, sizeof(head), f);
	fseek(f, 0, SEEK_END);
	*ret_size = (size_t)ftell(f);
	fclose(f);
	cr_assert_eq(memcmp(head, "BCICAPT2", 8), 0);
	/* magic, n_sets, condition (none), note (empty), n_traces, role, 6 x 8 bytes */
	off = 8 + 4 + 4 + 4 + 4 + 4 + strlen(cap->traces[0].role) + 6 * 8;
	cr_assert_lt(off + 4, got);
	memcpy(&flags, head + off, 4);
	return flags;
}

static void expect_round_trip(const struct bench_engine_capture *cap)
{
	const struct bench_engine_trace *a = &cap->traces[0], *b;
	struct bench_engine_capture got;
	size_t i;

	cr_assert_eq(bench_engine_record_load(path, &got, NULL), 0);
	cr_assert_eq(got.n_traces, 1);
	b = &got.traces[0];
	cr_assert_eq(b->n_channels, a->n_channels);
	cr_assert_eq(b->n_frames, a->n_frames);
	same_bits(b->lsb_uv, a->lsb_uv);
	for (i = 0; i < a->n_channels * a->n_frames; i++)
		same_bits(b->uv[i], a->uv[i]);
	for (i = 0; i < a->n_frames; i++)
		cr_expect_eq(b->ts_ns[i], a->ts_ns[i]);
	bench_engine_capture_clear(&got);
}

Test(record, stores_16_bit_codes_bit_exactly)
{
	struct bench_engine_capture cap;
	size_t size, n = 4 * 3000;

	/* the sim's 16-bit DUT converter: 0.195 uV per code, full scale */
	make_coded(&cap, 4, 3000, 0.195, 32767);
	cr_expect_eq(save_plain(&cap, &size), 4u | 8u); /* timestamps + int16 codes */
	cr_expect_lt(size, n * 2 + 3000 * 8 + 4 * 8 + 200);
	expect_round_trip(&cap);
	bench_engine_capture_clear(&cap);
}

Test(record, stores_24_bit_codes_as_int32_bit_exactly)
{
	struct bench_engine_capture cap;
	size_t size;

	make_coded(&cap, 3, 2000, 0.02235174, (1 << 23) - 1);
	cr_expect_eq(save_plain(&cap, &size), 4u | 16u); /* timestamps + int32 codes */
	expect_round_trip(&cap);
	bench_engine_capture_clear(&cap);
}

Test(record, falls_back_when_a_sample_is_not_code_times_scale)
{
	struct bench_engine_capture cap;
	size_t size;
	float f;

	/* one sample one float ulp off its code: binary32 */
	make_coded(&cap, 2, 500, 0.195, 32767);
	f = (float)cap.traces[0].uv[777];
	f = nextafterf(f, INFINITY);
	cap.traces[0].uv[777] = f;
	cr_expect_eq(save_plain(&cap, &size), 4u | 1u);
	expect_round_trip(&cap);
	/* -0.0 (code 0 only at a negative scale) and +0.0 (only at a positive one): binary32 */
	bench_engine_capture_clear(&cap);
	make_coded(&cap, 1, 500, 0.195, 32767);
	cap.traces[0].uv[5] = -0.0;
	cap.traces[0].uv[6] = 0.0;
	cr_expect_eq(save_plain(&cap, &size), 4u | 1u);
	expect_round_trip(&cap);
	/* a double that is no float (a calibrated sample): binary64 */
	cap.traces[0].uv[5] = 0.1;
	cr_expect_eq(save_plain(&cap, &size), 4u);
	expect_round_trip(&cap);
	/* unknown resolution: no codes */
	bench_engine_capture_clear(&cap);
	make_coded(&cap, 1, 500, 0.195, 32767);
	cap.traces[0].lsb_uv = 0;
	cr_expect_eq(save_plain(&cap, &size), 4u | 1u);
	expect_round_trip(&cap);
	bench_engine_capture_clear(&cap);
}

/* A version 1 record, byte by byte: binary32 samples; flags of version 2 are refused in it. */
static size_t v1_record(uint8_t *out, uint32_t flags)
{
	const float x[3] = { 0.5f, -1.25f, 3.0f };
	const uint32_t none = 0xffffffffu, zero = 0, one = 1, role_len = 3;
	const uint64_t nch = 1, nfr = 3, settle = 1, stim = 2;
	const double rate = 500.0, lsb = 0.25;
	size_t n = 0;

#define PUT(p, len)                          \
	do {                                 \
		memcpy(out + n, (p), (len)); \
		n += (len);                  \
	} while (0)
	PUT("BCICAPT1", 8);
	PUT(&zero, 4); /* no overrides */
	PUT(&none, 4); /* no condition */
	PUT(&zero, 4); /* empty note */
	PUT(&one, 4);
	PUT(&role_len, 4);
	PUT("dut", 3);
	PUT(&rate, 8);
	PUT(&nch, 8);
	PUT(&nfr, 8);
	PUT(&lsb, 8);
	PUT(&settle, 8);
	PUT(&stim, 8);
	PUT(&flags, 4);
	PUT(x, sizeof(x));
	PUT(&zero, 4); /* no truth events */
	PUT("BCICEND1", 8);
#undef PUT
	return n;
}

Test(record, reads_version_1_records)
{
	struct bench_engine_capture got;
	uint8_t buf[256];
	size_t n = v1_record(buf, 1);

	rewrite((const char *)buf, n, NULL);
	cr_assert_eq(bench_engine_record_load(path, &got, NULL), 0);
	cr_assert_eq(got.n_traces, 1);
	cr_expect_str_eq(got.traces[0].role, "dut");
	cr_expect_eq(got.traces[0].n_frames, 3);
	cr_expect_eq(got.traces[0].settle_frames, 1);
	same_bits(got.traces[0].uv[1], -1.25);
	same_bits(got.traces[0].lsb_uv, 0.25);
	bench_engine_capture_clear(&got);
	n = v1_record(buf, 8); /* int16 codes did not exist in version 1 */
	rewrite((const char *)buf, n, NULL);
	cr_expect_eq(bench_engine_record_load(path, &got, NULL), -EBADMSG);
}
