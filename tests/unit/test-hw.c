// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/hw parts that need no rig: code maps (calib), the safety
 * envelope, cross-correlation alignment, the unclean-stop marker and safe
 * state with no rig open.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture/fixture.h"
#include "hw/align.h"
#include "hw/calib.h"
#include "hw/envelope.h"
#include "hw/rig.h"
#include "hw/safe.h"

TestSuite(hw);

static struct bench_fixture *load_sim(void)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	struct bench_fixture_error err;
	struct bench_fixture *fx = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/sim/eeg-amp.fixture.xml", root ? root : ".");
	cr_assert_eq(bench_fixture_load(path, 0, 0, &fx, &err), 0, "%s", err.text);
	return fx;
}

Test(hw, dac_code_follows_scale_attenuator_and_calibration)
{
	struct bench_fixture_dac_channel ch = { .attenuation_uv_per_v = 1000,
						.cal_gain = 1.0,
						.cal_offset_uv = 0 };
	struct bench_calib_dac c;
	int32_t code = 7;

	/* 16-bit signed, 100 uV per volt... 1 mV per code at the DAC -> 1 uV per code at DUT. */
	cr_assert_eq(bench_calib_dac_init(&ch, 1e-3, 16, true, &c), 0);
	cr_expect_eq(bench_calib_dac_code(&c, 250.4, &code), 0);
	cr_expect_eq(code, 250);
	cr_expect_eq(bench_calib_dac_code(&c, -32768.0, &code), 0);
	cr_expect_eq(code, -32768);
	cr_expect_eq(bench_calib_dac_code(&c, 32767.6, &code), -ERANGE);
	cr_expect_eq(code, -32768, "untouched when refused");
	cr_expect_eq(bench_calib_dac_code(&c, NAN, &code), -ERANGE);

	/* A rig that measured 2 % high with +3 uV offset needs fewer codes. */
	ch.cal_gain = 1.02;
	ch.cal_offset_uv = 3;
	cr_assert_eq(bench_calib_dac_init(&ch, 1e-3, 16, true, &c), 0);
	cr_expect_eq(bench_calib_dac_code(&c, 105.0, &code), 0);
	cr_expect_eq(code, 100);
	cr_expect_float_eq(bench_calib_dac_uv(&c, 100), 105.0, 1e-9);
	cr_expect_eq(bench_calib_dac_init(&ch, 0, 16, true, &c), -EINVAL);
}

Test(hw, adc_code_is_raw_times_scale_over_gain)
{
	struct bench_fixture_capture_channel ch = { .gain = 0.001 };
	struct bench_calib_adc c;

	cr_assert_eq(bench_calib_adc_init(&ch, 1e-6, &c), 0);
	cr_expect_float_eq(bench_calib_adc_uv(&c, 123), 123000.0, 1e-6);
	ch.gain = 0;
	cr_expect_eq(bench_calib_adc_init(&ch, 1e-6, &c), -EINVAL);
}

/* Frames of the sim fixture's DAC channels, interleaved; the test sets values per channel. */
static float *frames(const struct bench_fixture *fx, size_t n)
{
	float *f = calloc(n * fx->dac.n_channels, sizeof(float));

	cr_assert_not_null(f);
	return f;
}

Test(hw, envelope_accepts_inside_and_refuses_whole_block_one_uv_over)
{
	struct bench_fixture *fx = load_sim();
	size_t nch = fx->dac.n_channels, i;
	struct bench_envelope *env = NULL;
	struct bench_envelope_violation v;
	float *block = frames(fx, 100);

	cr_assert_eq(bench_envelope_new(fx, 1000.0, &env), 0);
	for (i = 0; i < 100; i++)
		block[nch * i] = (float)(399.0 * sin(2 * M_PI * 10 * i / 1000.0));
	cr_expect_eq(bench_envelope_check(env, block, 100, &v), 0);
	block[nch * 57 + 1] = 401.0f; /* stim1, frame 57: 1 uV over 400 */
	block[nch * 56 + 1] = 395.0f;
	block[nch * 58 + 1] = 395.0f;
	cr_expect_eq(bench_envelope_check(env, block, 100, &v), -ERANGE);
	cr_expect_str_eq(v.channel, "stim1");
	cr_expect_eq(v.channel_index, 1);
	cr_expect_eq(v.block_frame, 57);
	cr_expect_eq(v.sample, 157);
	cr_expect_eq(v.kind, BENCH_ENVELOPE_ABS);
	cr_expect_float_eq(v.limit, 400.0, 1e-9);
	cr_expect_gt(v.limit_line, 0);
	bench_envelope_free(env);
	bench_fixture_free(fx);
	free(block);
}

Test(hw, envelope_refuses_slew_and_dc_and_keeps_state_after_refusal)
{
	struct bench_fixture *fx = load_sim();
	size_t nch = fx->dac.n_channels, i;
	struct bench_envelope *env = NULL;
	struct bench_envelope_violation v;
	float *step = frames(fx, 1), *dc = frames(fx, 1000);

	/* At 1 MHz the slew limit 2e6 uV/s is 2 uV per sample. */
	cr_assert_eq(bench_envelope_new(fx, 1e6, &env), 0);
	step[0] = 100.0f; /* 100 uV in 1 us = 1e8 uV/s > 2e6 */
	cr_expect_eq(bench_envelope_check(env, step, 1, &v), -ERANGE);
	cr_expect_eq(v.kind, BENCH_ENVELOPE_SLEW);
	step[0] = 1.5f; /* 1.5e6 uV/s: fine, because the refused block left last = 0 */
	cr_expect_eq(bench_envelope_check(env, step, 1, &v), 0);
	bench_envelope_free(env);

	/* A constant 390 uV pushes the 1 s running mean past 200 uV after ~0.72 s. */
	cr_assert_eq(bench_envelope_new(fx, 1000.0, &env), 0);
	for (i = 0; i < 1000; i++)
		dc[nch * i] = 390.0f;
	cr_expect_eq(bench_envelope_check(env, dc, 1000, &v), -ERANGE);
	cr_expect_eq(v.kind, BENCH_ENVELOPE_DC);
	cr_expect_str_eq(bench_envelope_limit_name(v.kind), "max-dc-uv");
	cr_expect_gt(v.block_frame, 600);
	cr_expect_lt(v.block_frame, 800);
	bench_envelope_free(env);
	bench_fixture_free(fx);
	free(step);
	free(dc);
}

Test(hw, envelope_limits_continuous_duration)
{
	struct bench_fixture *fx = load_sim();
	struct bench_envelope *env = NULL;
	struct bench_envelope_violation v;
	float *z = frames(fx, 3600);

	/* 1 Hz: 3600 frames is the whole hour allowed. */
	cr_assert_eq(bench_envelope_new(fx, 1.0, &env), 0);
	cr_expect_eq(bench_envelope_check(env, z, 3600, &v), 0);
	cr_expect_eq(bench_envelope_check(env, z, 1, &v), -ERANGE);
	cr_expect_eq(v.kind, BENCH_ENVELOPE_DURATION);
	bench_envelope_reset(env);
	cr_expect_eq(bench_envelope_check(env, z, 1, &v), 0);
	bench_envelope_free(env);
	bench_fixture_free(fx);
	free(z);
}

Test(hw, xcorr_finds_delay_and_gain_of_a_spike_train)
{
	enum {
		N = 4000,
		DELAY = 37
	};
	float *ref = calloc(N, sizeof(float)), *sig = calloc(N, sizeof(float));
	struct bench_alignment a;
	unsigned seed = 12345;
	size_t i;

	cr_assert(ref && sig);
	for (i = 0; i < N; i += 1 + (seed = seed * 1103515245u + 12345u) % 97)
		ref[i] = 100.0f;
	for (i = 0; i + DELAY < N; i++)
		sig[i + DELAY] = 0.5f * ref[i];
	cr_assert_eq(bench_align_xcorr(ref, sig, N, 200, &a), 0);
	cr_expect_eq(a.lag_frames, DELAY);
	cr_expect_float_eq(a.gain, 0.5, 0.01);
	cr_expect_gt(a.peak_corr, 0.99);
	cr_expect_leq(a.u_lag_frames, 0.5);
	free(ref);
	free(sig);
}

Test(hw, xcorr_refuses_a_silent_reference)
{
	float ref[64] = { 0 }, sig[64] = { 0 };
	struct bench_alignment a;

	cr_expect_eq(bench_align_xcorr(ref, sig, 64, 8, &a), -EINVAL);
}

static int recorded;
static char last_reason[32];

static void recorder(void *ctx, const char *reason, int result, int64_t t_ns)
{
	(void)ctx;
	(void)t_ns;
	recorded += result == 0;
	snprintf(last_reason, sizeof(last_reason), "%s", reason);
}

Test(hw, safe_state_is_recorded_and_idempotent_without_rigs)
{
	unsigned before = bench_safe_state_count();

	bench_safe_set_recorder(recorder, NULL);
	cr_expect_eq(bench_safe_state("test"), 0);
	cr_expect_eq(bench_safe_state("test-again"), 0);
	cr_expect_eq(bench_safe_state_count(), before + 2);
	cr_expect_eq(recorded, 2);
	cr_expect_str_eq(last_reason, "test-again");
	bench_safe_set_recorder(NULL, NULL);
}

Test(hw, marker_survives_a_crash_and_is_removed_on_disarm)
{
	char path[] = "/tmp/test-hw-marker-XXXXXX";
	bool unclean = true;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
	cr_expect_eq(bench_safe_marker_check(path, &unclean), 0);
	cr_expect_not(unclean);
	cr_expect_eq(bench_safe_marker_arm(path), 0);
	cr_expect_eq(bench_safe_marker_check(path, &unclean), 0);
	cr_expect(unclean, "an armed marker is what a crash leaves behind");
	cr_expect_eq(bench_safe_marker_disarm(), 0);
	cr_expect_eq(bench_safe_marker_check(path, &unclean), 0);
	cr_expect_not(unclean);
}

Test(hw, gpiod_line_that_cannot_be_claimed_names_the_fixture_line)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	struct bench_fixture_error err;
	struct bench_fixture *fx = NULL;
	struct bench_rig *rig = NULL;
	char path[512], want[600];
	int r;

	snprintf(path, sizeof(path), "%s/fixtures/examples/linux-board.fixture.xml",
		 root ? root : ".");
	cr_assert_eq(bench_fixture_load(path, 0, 0, &fx, &err), 0, "%s", err.text);
	/* No such chip here (or no such line name on it): the gpiod backend refuses the claim. */
	r = bench_rig_open(fx, NULL, BENCH_RIG_LINES_ONLY, &rig, &err);
	cr_expect_lt(r, 0);
	cr_expect_null(rig);
	snprintf(want, sizeof(want), "%s:%d: line 'dut-power'", path,
		 bench_fixture_line(fx, "dut-power")->line);
	cr_expect(strncmp(err.text, want, strlen(want)) == 0, "want '%s', got '%s'", want,
		  err.text);
	cr_expect(strstr(err.text, "gpiochip0") != NULL, "%s", err.text);
	bench_fixture_free(fx);
}

Test(hw, lines_only_rig_refuses_iio_lines_with_the_fixture_line)
{
	struct bench_fixture_error err;
	struct bench_fixture *fx = load_sim();
	struct bench_rig *rig = NULL;

	cr_expect_eq(bench_rig_open(fx, NULL, BENCH_RIG_LINES_ONLY, &rig, &err), -ENOTSUP);
	cr_expect(strstr(err.text, "is an IIO line") != NULL, "%s", err.text);
	bench_fixture_free(fx);
}
