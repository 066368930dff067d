// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/edf: write BDF+/EDF+ files in odd block sizes and
 * layouts, read them back with EDFlib, and check channel count, rate, labels,
 * values to the digital step (uV) and annotations (onset, duration, text).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edf/edf-writer.h"

TestSuite(edf);

static void tmp_path(char *buf, size_t n, const char *ext)
{
	snprintf(buf, n, "/tmp/bench-test-edf-%ld-%s", (long)getpid(), ext);
}

/* A deterministic test signal in uV: a sine plus a ramp, different per channel. */
static float signal_uv(unsigned ch, uint64_t i)
{
	return (float)(300.0 * sin(0.01 * (double)i * (ch + 1)) + (double)(i % 97) - 48.0 +
		       10.0 * ch);
}

static void write_and_check(enum bench_edf_format fmt, enum bench_edf_layout layout, size_t block,
			    double tolerance_steps)
{
	const char *labels[] = { "Fp1", "Fp2", "Cz" };
	double lo[] = { -1000, -1000, -2000.5 }, hi[] = { 1000, 1000, 2000.5 };
	struct bench_edf_writer *w;
	struct bench_edf_data *d;
	char path[128];
	enum {
		CH = 3,
		RATE = 250,
		FRAMES = 1000
	};
	float *buf;
	uint64_t i0;
	uint64_t lost = 99;
	unsigned c;

	tmp_path(path, sizeof(path), fmt == BENCH_EDF_FORMAT_BDFPLUS ? "a.bdf" : "a.edf");
	cr_assert_eq(bench_edf_writer_open(path, fmt, CH, RATE, labels, lo, hi, NULL, &w), 0);
	buf = malloc(sizeof(float) * CH * block);
	cr_assert(buf);
	for (i0 = 0; i0 < FRAMES; i0 += block) {
		size_t n = FRAMES - i0 < block ? FRAMES - i0 : block, k;

		for (k = 0; k < n; k++)
			for (c = 0; c < CH; c++) {
				float v = signal_uv(c, i0 + k);

				if (layout == BENCH_EDF_LAYOUT_PLANAR)
					buf[c * n + k] = v;
				else
					buf[k * CH + c] = v;
			}
		cr_assert_eq(bench_edf_writer_write(w, buf, n, layout), 0);
	}
	free(buf);
	cr_expect_eq(bench_edf_writer_frames(w), FRAMES);
	cr_expect_eq(bench_edf_writer_clipped(w), 0);
	cr_assert_eq(bench_edf_writer_annotate_samples(w, 500, 25, "target"), 0);
	cr_assert_eq(bench_edf_writer_annotate(w, 1000000000LL, -1, "second"), 0);
	cr_assert_eq(bench_edf_writer_annotate(w, 0, 0, "start"), 0);
	cr_assert_eq(bench_edf_writer_close(w, &lost), 0);
	cr_expect_eq(lost, 0);

	cr_assert_eq(bench_edf_read(path, &d), 0);
	cr_expect_eq(d->format, fmt);
	cr_expect_eq(d->n_channels, CH);
	cr_expect_float_eq(d->rate_hz, RATE, 1e-9);
	cr_expect_eq(d->frames, FRAMES); /* 4 whole 1 s records */
	for (c = 0; c < CH; c++) {
		double worst = 0;
		uint64_t i;

		cr_expect_str_eq(d->labels[c], labels[c]);
		cr_expect_str_eq(d->units[c], "uV");
		cr_expect_leq(d->phys_min[c], lo[c]);
		cr_expect_geq(d->phys_max[c], hi[c]);
		for (i = 0; i < FRAMES; i++) {
			double e = fabs(d->samples[c * d->frames + i] - signal_uv(c, i));

			if (e > worst)
				worst = e;
		}
		cr_expect_leq(worst, d->step[c] * tolerance_steps, "ch %u: error %g uV, step %g uV",
			      c, worst, d->step[c]);
	}
	cr_assert_eq(d->n_annotations, 3);
	cr_expect_str_eq(d->annotations[0].text, "start");
	cr_expect_eq(d->annotations[0].onset_ns, 0);
	cr_expect_eq(d->annotations[0].duration_ns, 0);
	cr_expect_str_eq(d->annotations[1].text, "second");
	cr_expect_eq(d->annotations[1].onset_ns, 1000000000LL);
	cr_expect_lt(d->annotations[1].duration_ns, 0);
	cr_expect_str_eq(d->annotations[2].text, "target");
	cr_expect_eq(d->annotations[2].onset_ns, 2000000000LL);
	cr_expect_eq(d->annotations[2].duration_ns, 100000000LL);
	bench_edf_data_free(d);
	unlink(path);
}

Test(edf, bdf_interleaved_blocks_of_7_round_trip_to_half_a_step)
{
	write_and_check(BENCH_EDF_FORMAT_BDFPLUS, BENCH_EDF_LAYOUT_INTERLEAVED, 7, 0.5 + 1e-6);
}

Test(edf, bdf_planar_blocks_of_1_and_4096_round_trip)
{
	write_and_check(BENCH_EDF_FORMAT_BDFPLUS, BENCH_EDF_LAYOUT_PLANAR, 1, 0.5 + 1e-6);
	write_and_check(BENCH_EDF_FORMAT_BDFPLUS, BENCH_EDF_LAYOUT_PLANAR, 4096, 0.5 + 1e-6);
}

Test(edf, edf_16_bit_round_trips_to_half_a_step)
{
	write_and_check(BENCH_EDF_FORMAT_EDFPLUS, BENCH_EDF_LAYOUT_INTERLEAVED, 33, 0.5 + 1e-6);
}

Test(edf, bdf_step_is_range_over_2_pow_24)
{
	double lo = -1000, hi = 1000;
	struct bench_edf_writer *w;
	char path[128];

	tmp_path(path, sizeof(path), "step.bdf");
	cr_assert_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1, 1000, NULL, &lo, &hi,
					   NULL, &w),
		     0);
	cr_expect_float_eq(bench_edf_writer_step_uv(w, 0), 2000.0 / 16777215.0, 1e-15);
	cr_expect_eq(bench_edf_writer_close(w, NULL), 0);
	unlink(path);
}

Test(edf, clipping_and_nan_are_counted_and_bounded)
{
	double lo = -100, hi = 100;
	float v[] = { 50, 1e6f, -1e6f, NAN, -100, 100 };
	struct bench_edf_writer *w;
	struct bench_edf_data *d;
	char path[128];

	tmp_path(path, sizeof(path), "clip.bdf");
	cr_assert_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1, 100, NULL, &lo, &hi,
					   NULL, &w),
		     0);
	cr_assert_eq(bench_edf_writer_write(w, v, 6, BENCH_EDF_LAYOUT_INTERLEAVED), 0);
	cr_expect_eq(bench_edf_writer_clipped(w), 3);
	cr_assert_eq(bench_edf_writer_close(w, NULL), 0);
	cr_assert_eq(bench_edf_read(path, &d), 0);
	cr_expect_eq(d->frames, 100, "the partial record is padded");
	cr_expect_float_eq(d->samples[1], d->phys_max[0], 1e-9);
	cr_expect_float_eq(d->samples[2], d->phys_min[0], 1e-9);
	cr_expect_float_eq(d->samples[3], 0, d->step[0]);
	cr_expect_float_eq(d->samples[50], 0, d->step[0], "padding is 0 uV");
	cr_expect_eq(strcmp(d->labels[0], "ch1"), 0);
	bench_edf_data_free(d);
	unlink(path);
}

Test(edf, annotations_beyond_capacity_are_reported)
{
	struct bench_edf_writer_opts opts = { .annotations_per_record = 2 };
	double lo = -10, hi = 10;
	struct bench_edf_writer *w;
	struct bench_edf_data *d;
	float zero[1000] = { 0 };
	char path[128], text[32];
	uint64_t lost = 0;
	int i;

	tmp_path(path, sizeof(path), "cap.bdf");
	cr_assert_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1, 1000, NULL, &lo, &hi,
					   &opts, &w),
		     0);
	cr_assert_eq(bench_edf_writer_write(w, zero, 1000, BENCH_EDF_LAYOUT_PLANAR), 0);
	cr_assert_eq(bench_edf_writer_write(w, zero, 1000, BENCH_EDF_LAYOUT_PLANAR), 0);
	for (i = 9; i >= 0; i--) {
		snprintf(text, sizeof(text), "e%d", i);
		cr_assert_eq(bench_edf_writer_annotate(w, i * 1000000LL, -1, text), 0);
	}
	cr_expect_eq(bench_edf_writer_close(w, &lost), -ENOSPC);
	cr_expect_eq(lost, 6, "2 records x 2 annotations hold 4 of 10");
	cr_assert_eq(bench_edf_read(path, &d), 0);
	cr_assert_eq(d->n_annotations, 4);
	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "e%d", i);
		cr_expect_str_eq(d->annotations[i].text, text, "kept in onset order");
		cr_expect_eq(d->annotations[i].onset_ns, i * 1000000LL);
	}
	bench_edf_data_free(d);
	unlink(path);
}

Test(edf, high_rate_uses_short_records)
{
	double lo[64], hi[64];
	struct bench_edf_writer *w;
	char path[128];
	int i;

	for (i = 0; i < 64; i++) {
		lo[i] = -5000;
		hi[i] = 5000;
	}
	tmp_path(path, sizeof(path), "fast.bdf");
	cr_assert_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 64, 30000, NULL, lo, hi,
					   NULL, &w),
		     0);
	cr_expect_eq(bench_edf_writer_record_frames(w), 15000, "64 x 15000 x 3 B < 4 MiB");
	cr_expect_eq(bench_edf_writer_close(w, NULL), 0);
	unlink(path);
}

Test(edf, bad_arguments_are_rejected)
{
	double lo = -1, hi = 1, nan_v = NAN;
	const char *long_label[] = { "a-label-longer-than-16" };
	struct bench_edf_writer *w = NULL;
	char path[128];

	tmp_path(path, sizeof(path), "bad.bdf");
	cr_expect_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 0, 100, NULL, &lo, &hi,
					   NULL, &w),
		     -EINVAL);
	cr_expect_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1, -100, NULL, &lo, &hi,
					   NULL, &w),
		     -EINVAL);
	cr_expect_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1, 100, NULL, &hi, &lo,
					   NULL, &w),
		     -EINVAL);
	cr_expect_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1, 100, NULL, &nan_v,
					   &hi, NULL, &w),
		     -EINVAL);
	cr_expect_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1, 100, long_label, &lo,
					   &hi, NULL, &w),
		     -EINVAL);
	cr_expect_eq(bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, 1000, 100, NULL, &lo,
					   &hi, NULL, &w),
		     -ERANGE);
	cr_expect_eq(bench_edf_writer_open("/nonexistent-dir/x.bdf", BENCH_EDF_FORMAT_BDFPLUS, 1,
					   100, NULL, &lo, &hi, NULL, &w),
		     -ENOENT);
	cr_expect_null(w, "ret_writer untouched on failure");
	cr_expect_eq(bench_edf_writer_close(NULL, NULL), 0);
	cr_expect_eq(bench_edf_read("/nonexistent-file.bdf", NULL), -EINVAL);
	{
		struct bench_edf_data *d = NULL;
		FILE *f;

		tmp_path(path, sizeof(path), "garbage.bdf");
		f = fopen(path, "w");
		cr_assert(f);
		fputs("this is not an EDF file\n", f);
		fclose(f);
		cr_expect_eq(bench_edf_read(path, &d), -EINVAL);
		cr_expect_null(d);
		unlink(path);
	}
}
