// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture and capture checks through the bench's own code (kil-bench.h).
 * The driver's codes (iio_simple_dummy_buffer.c: voltage0 = 7, accel_x =
 * 344) are fixed; the expected microvolts follow from the bench's rule
 * uV = code x scale (V per code) x 1e6 / gain, with voltage0's scale read
 * from the device (mV per code, the kernel ABI) and accel_x's from the
 * fixture. Nothing here depends on how fast samples arrive (TCG).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "common/units.h"
#include "fixture/fixture.h"
#include "hw/rig.h"
#include "hw/stream.h"
#include "kil-bench.h"
#include "kil-check.h"

#define DUMMY_VOLTAGE0_CODE 7
#define DUMMY_ACCEL_X_CODE 344
#define READ_BOUND_NS (30 * BENCH_NS_PER_S) /* failure bound, not a timing check */

struct bench_fixture *kil_load_fixture(const char *path)
{
	static const struct {
		const char *name;
		enum bench_fixture_line_role role;
		bool output;
	} want[] = {
		{ "dut-power", BENCH_LINE_ROLE_DUT_POWER, true },
		{ "dut-reset", BENCH_LINE_ROLE_DUT_RESET, true },
		{ "trigger", BENCH_LINE_ROLE_TRIGGER, true },
		{ "ready", BENCH_LINE_ROLE_READY, false },
		{ "fault", BENCH_LINE_ROLE_FAULT, false },
	};
	struct bench_fixture_error err = { .text = "" };
	struct bench_fixture *fx = NULL;
	bool ok = true;
	int r;

	r = bench_fixture_load(path, BENCH_FIXTURE_CERTIFICATION, bench_fixture_today_days(), &fx,
			       &err);
	if (!KIL_CHECK(r == 0, "load %s as a certification run: %d %s", path, r, err.text))
		return NULL;
	ok &= KIL_CHECK(fx->n_lines == 5 && fx->n_captures == 1 && !fx->has_dac,
			"fixture has 5 lines, 1 capture, no DAC (%zu, %zu, %d)", fx->n_lines,
			fx->n_captures, fx->has_dac);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct bench_fixture_line *fl = bench_fixture_line(fx, want[i].name);

		ok &= KIL_CHECK(fl && fl->role == want[i].role && fl->output == want[i].output &&
					fl->backend == BENCH_LINE_BACKEND_GPIOD,
				"fixture line %s: gpiod %s, role %s", want[i].name,
				want[i].output ? "output" : "input",
				bench_fixture_role_name(want[i].role));
	}
	if (!ok) {
		bench_fixture_free(fx);
		return NULL;
	}
	return fx;
}

static bool near(float got, double want)
{
	return fabs((double)got - want) <= 1e-5 * fabs(want) + 1e-9;
}

void kil_capture_checks(struct bench_rig *rig, size_t frames)
{
	const struct bench_fixture_capture *c = &bench_rig_fixture(rig)->captures[0];
	struct bench_stream_config cfg = { .capture_mask = 1 };
	struct bench_stream_stats st;
	struct bench_stream *s = NULL;
	float *uv = NULL;
	size_t got = 0, bad_v0 = 0, bad_ax = 0, width;
	double scale_mv = 0, want_v0, want_ax;
	char text[64];
	int r;

	r = bench_rig_read_attr(rig, c->device, "voltage0", "scale", false, text, sizeof(text));
	KIL_CHECK(r == 0 && bench_parse_double(text, &scale_mv) == 0 && scale_mv > 0,
		  "read %s voltage0 scale through the rig: %d '%s'", c->device, r, r ? "" : text);
	want_v0 = DUMMY_VOLTAGE0_CODE * scale_mv * 1e-3 * 1e6 / c->channels[0].gain;
	want_ax = DUMMY_ACCEL_X_CODE * c->channels[1].scale_v_per_code * 1e6 / c->channels[1].gain;

	r = bench_stream_open(rig, &cfg, &s);
	if (!KIL_CHECK(r == 0, "open a capture stream on '%s': %d", c->name, r))
		return;
	width = bench_stream_capture_width(s, 0);
	KIL_CHECK(width == 2, "capture frames are 2 values wide: %zu", width);
	uv = calloc(frames * (width ? width : 1), sizeof(*uv));
	r = bench_stream_start(s);
	if (!KIL_CHECK(r == 0 && uv && width == 2, "start the capture: %d", r))
		goto out;
	while (got < frames) {
		size_t n = 0;

		r = bench_stream_read(s, 0, uv + got * width, NULL, frames - got, READ_BOUND_NS,
				      &n);
		if (r < 0)
			break;
		for (size_t f = got; f < got + n; f++) {
			bad_v0 += !near(uv[f * width], want_v0);
			bad_ax += !near(uv[f * width + 1], want_ax);
		}
		got += n;
	}
	KIL_CHECK(r == 0 && got == frames, "read %zu frames through bench_stream_read: %d, %zu",
		  frames, r, got);
	KIL_CHECK(got > 0 && bad_v0 == 0,
		  "v0 = %d codes x %g mV = %.6f uV in every frame (%zu differ, first %.6f)",
		  DUMMY_VOLTAGE0_CODE, scale_mv, want_v0, bad_v0, got ? (double)uv[0] : 0.0);
	KIL_CHECK(got > 0 && bad_ax == 0,
		  "ax = %d codes x 1 uV = %.1f uV in every frame (%zu differ)", DUMMY_ACCEL_X_CODE,
		  want_ax, bad_ax);
out:
	r = bench_stream_stop(s);
	KIL_CHECK(r == 0, "stop the capture without a stream error: %d", r);
	bench_stream_get_stats(s, &st);
	KIL_CHECK(st.frames_in[0] >= got && st.gaps == 0, "stream stats: %llu frames in, %llu gaps",
		  (unsigned long long)st.frames_in[0], (unsigned long long)st.gaps);
	bench_stream_close(s);
	free(uv);
}
