// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for src/fixture: every shipped fixture loads, and each kind of bad
 * file is refused with FILE:LINE naming the offending line.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture/fixture.h"

TestSuite(fixture);

static char tmp_path[256];

static const char *src_root(void)
{
	const char *r = getenv("BCIBENCH_SOURCE_ROOT");

	return r ? r : ".";
}

/* Writes @text to a fresh temporary file; returns its path. */
static const char *write_tmp(const char *text)
{
	int fd;
	FILE *f;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/test-fixture-XXXXXX");
	fd = mkstemp(tmp_path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return tmp_path;
}

static int load_text(const char *text, unsigned flags, int32_t today,
		     struct bench_fixture_error *err, struct bench_fixture **ret)
{
	const char *p = write_tmp(text);
	int r = bench_fixture_load(p, flags, today, ret, err);

	unlink(p);
	return r;
}

/* Line 1 is the XML declaration; the body below starts on line 2. */
#define HEAD "<?xml version=\"1.0\"?>\n<fixture version=\"1\" name=\"t\">\n"
#define CONTEXT "  <context uri=\"ip:127.0.0.1:30500\"/>\n"
#define DAC1                                                                     \
	"  <dac device=\"bench-dac\" scale-unit=\"V\">\n"                        \
	"    <channel name=\"stim0\" iio-channel=\"voltage0\" dut-input=\"ch0\"" \
	" attenuation-uv-per-v=\"1000\"/>\n"                                     \
	"  </dac>\n"
#define ENV                                                                     \
	"  <envelope max-continuous-s=\"60\">\n"                                \
	"    <limit channel=\"*\" max-abs-uv=\"500\" max-slew-uv-per-s=\"1e6\"" \
	" max-dc-uv=\"50\"/>\n"                                                 \
	"  </envelope>\n"
#define TAIL "</fixture>\n"

static void expect_error_at(const char *text, int line, const char *needle)
{
	struct bench_fixture_error err;
	struct bench_fixture *fx = NULL;
	char want[300];
	int r = load_text(text, 0, 0, &err, &fx);

	cr_expect_lt(r, 0, "must be refused: %s", text);
	cr_expect_null(fx);
	snprintf(want, sizeof(want), "%s:%d: ", tmp_path, line);
	cr_expect(strncmp(err.text, want, strlen(want)) == 0, "want '%s...', got '%s'", want,
		  err.text);
	cr_expect_eq(err.line, line, "line %d, got %d (%s)", line, err.line, err.text);
	if (needle)
		cr_expect(strstr(err.text, needle) != NULL, "'%s' not in '%s'", needle, err.text);
}

Test(fixture, loads_the_minimal_fixture_with_defaults)
{
	struct bench_fixture *fx = NULL;
	const struct bench_fixture_dac_channel *ch;

	cr_assert_eq(load_text(HEAD CONTEXT DAC1 ENV TAIL, 0, 0, NULL, &fx), 0);
	cr_expect_str_eq(fx->uri, "ip:127.0.0.1:30500");
	cr_expect_eq(fx->dac.n_channels, 1);
	cr_expect_eq(fx->dac.buffer_frames, 1024);
	cr_expect_float_eq(fx->dac.scale_unit_v, 1.0, 1e-12);
	ch = bench_fixture_dac_channel(fx, "stim0");
	cr_assert_not_null(ch);
	cr_expect_eq(ch->routing, BENCH_FIXTURE_ROUTING_SINGLE);
	cr_expect_float_eq(ch->cal_gain, 1.0, 1e-12);
	cr_expect_float_eq(ch->attenuation_uv_per_v, 1000.0, 1e-9);
	cr_expect_eq(ch->line, 5);
	cr_expect_float_eq(bench_fixture_limit_for(fx, "stim0")->max_abs_uv, 500.0, 1e-9);
	cr_expect_eq(fx->envelope.max_continuous_ns, 60LL * 1000000000LL);
	bench_fixture_free(fx);
}

Test(fixture, every_shipped_fixture_loads_and_is_consistent)
{
	static const char *const files[] = {
		"fixtures/sim/eeg-amp.fixture.xml",
		"fixtures/sim/neural-recorder-256.fixture.xml",
		"fixtures/sim/neural-recorder.fixture.xml",
		"fixtures/examples/adalm2000.fixture.xml",
		"fixtures/examples/linux-board.fixture.xml",
	};
	struct bench_fixture_error err;
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct bench_fixture *fx = NULL;

		snprintf(path, sizeof(path), "%s/%s", src_root(), files[i]);
		cr_expect_eq(bench_fixture_load(path, BENCH_FIXTURE_CERTIFICATION,
						bench_fixture_today_days(), &fx, &err),
			     0, "%s: %s", files[i], err.text);
		if (fx) {
			cr_expect(fx->has_dac);
			cr_expect_gt(fx->n_lines, 0);
			cr_expect_not_null(
				bench_fixture_line_by_role(fx, BENCH_LINE_ROLE_DUT_POWER));
		}
		bench_fixture_free(fx);
	}
}

Test(fixture, sim_uri_is_reported_for_the_engine_to_start)
{
	struct bench_fixture *fx = NULL;
	char name[64];
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/sim/eeg-amp.fixture.xml", src_root());
	cr_assert_eq(bench_fixture_load(path, 0, 0, &fx, NULL), 0);
	cr_expect(bench_fixture_uri_is_sim(fx, name, sizeof(name)));
	cr_expect_str_eq(name, "eeg-amp");
	cr_expect_not_null(bench_fixture_capture_of_kind(fx, BENCH_FIXTURE_CAPTURE_DUT));
	cr_expect_str_eq(bench_fixture_capture(fx, "dut")->event_channel, "count0");
	bench_fixture_free(fx);
}

Test(fixture, differential_pair_is_parsed)
{
	struct bench_fixture *fx = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/examples/linux-board.fixture.xml", src_root());
	cr_assert_eq(bench_fixture_load(path, 0, 0, &fx, NULL), 0);
	cr_expect_eq(fx->dac.channels[0].routing, BENCH_FIXTURE_ROUTING_DIFF_POS);
	cr_expect_eq(fx->dac.channels[1].routing, BENCH_FIXTURE_ROUTING_DIFF_NEG);
	cr_expect_str_eq(fx->dac.channels[0].pair, "ch1-neg");
	cr_expect_eq(bench_fixture_line(fx, "trigger")->offset, 17);
	cr_expect(bench_fixture_line(fx, "dut-reset")->active_low);
	cr_expect(bench_fixture_line(fx, "dut-reset")->safe_active);
	bench_fixture_free(fx);
}

Test(fixture, missing_file_is_enoent)
{
	struct bench_fixture_error err;
	struct bench_fixture *fx = NULL;

	cr_expect_eq(bench_fixture_load("/nonexistent/x.fixture.xml", 0, 0, &fx, &err), -ENOENT);
	cr_expect(strstr(err.text, "/nonexistent/x.fixture.xml") == err.text);
}

Test(fixture, not_well_formed_names_the_line)
{
	expect_error_at(HEAD CONTEXT "  <dac device=\"x\">\n" ENV TAIL, 8, "mismatch");
}

Test(fixture, schema_violation_names_the_line)
{
	expect_error_at(HEAD CONTEXT "  <dac device=\"bench-dac\" bogus=\"1\">\n"
				     "    <channel name=\"stim0\" iio-channel=\"voltage0\" "
				     "dut-input=\"ch0\" attenuation-uv-per-v=\"1000\"/>\n"
				     "  </dac>\n" ENV TAIL,
			4, "bogus");
}

Test(fixture, negative_attenuation_is_a_schema_error)
{
	expect_error_at(HEAD CONTEXT "  <dac device=\"bench-dac\">\n"
				     "    <channel name=\"stim0\" iio-channel=\"voltage0\" "
				     "dut-input=\"ch0\" attenuation-uv-per-v=\"-1\"/>\n"
				     "  </dac>\n" ENV TAIL,
			5, "attenuation-uv-per-v");
}

Test(fixture, missing_envelope_is_refused)
{
	expect_error_at(HEAD CONTEXT DAC1 TAIL, 2, "envelope");
}

Test(fixture, channel_without_a_limit_is_refused)
{
	expect_error_at(HEAD CONTEXT DAC1
			"  <envelope max-continuous-s=\"60\">\n"
			"    <limit channel=\"other\" max-abs-uv=\"1\" max-slew-uv-per-s=\"1\" "
			"max-dc-uv=\"1\"/>\n"
			"  </envelope>\n" TAIL,
			5, "no envelope limit");
}

Test(fixture, duplicate_dac_channel_is_refused)
{
	expect_error_at(HEAD CONTEXT
			"  <dac device=\"bench-dac\">\n"
			"    <channel name=\"a\" iio-channel=\"voltage0\" dut-input=\"x\" "
			"attenuation-uv-per-v=\"1\"/>\n"
			"    <channel name=\"a\" iio-channel=\"voltage1\" dut-input=\"y\" "
			"attenuation-uv-per-v=\"1\"/>\n"
			"  </dac>\n" ENV TAIL,
			6, "already used at line 5");
}

Test(fixture, half_a_differential_pair_is_refused)
{
	expect_error_at(HEAD CONTEXT
			"  <dac device=\"bench-dac\">\n"
			"    <channel name=\"p\" iio-channel=\"voltage0\" dut-input=\"x\" "
			"routing=\"diff-pos\" pair=\"n\" attenuation-uv-per-v=\"1\"/>\n"
			"    <channel name=\"n\" iio-channel=\"voltage1\" dut-input=\"x\" "
			"routing=\"single\" attenuation-uv-per-v=\"1\"/>\n"
			"  </dac>\n" ENV TAIL,
			5, "pair");
}

Test(fixture, output_line_needs_a_safe_level)
{
	expect_error_at(HEAD CONTEXT DAC1
			"  <lines>\n"
			"    <line name=\"pwr\" role=\"dut-power\" direction=\"output\">\n"
			"      <gpiod chip=\"gpiochip0\" offset=\"3\"/>\n"
			"    </line>\n"
			"  </lines>\n" ENV TAIL,
			8, "safe level");
}

Test(fixture, dut_power_safe_level_must_be_off)
{
	expect_error_at(
		HEAD CONTEXT DAC1
		"  <lines>\n"
		"    <line name=\"pwr\" role=\"dut-power\" direction=\"output\" safe=\"active\">\n"
		"      <gpiod chip=\"gpiochip0\" offset=\"3\"/>\n"
		"    </line>\n"
		"  </lines>\n" ENV TAIL,
		8, "inactive");
}

Test(fixture, gpiod_line_needs_exactly_one_of_name_and_offset)
{
	expect_error_at(
		HEAD CONTEXT DAC1
		"  <lines>\n"
		"    <line name=\"pwr\" role=\"dut-power\" direction=\"output\" safe=\"inactive\">\n"
		"      <gpiod chip=\"gpiochip0\" offset=\"3\" line-name=\"PWR\"/>\n"
		"    </line>\n"
		"  </lines>\n" ENV TAIL,
		9, "exactly one");
}

Test(fixture, ready_line_must_be_an_input)
{
	expect_error_at(
		HEAD CONTEXT DAC1
		"  <lines>\n"
		"    <line name=\"rdy\" role=\"ready\" direction=\"output\" safe=\"inactive\">\n"
		"      <iio device=\"bench-lines\" channel=\"ready\"/>\n"
		"    </line>\n"
		"  </lines>\n" ENV TAIL,
		8, "must be an input");
}

#define INSTR(due)                                                                       \
	"  <instruments>\n"                                                              \
	"    <instrument id=\"dac\" make=\"m\" model=\"x\" serial=\"S1\">\n"             \
	"      <calibration certificate=\"C-1\" date=\"2025-01-01\" due=\"" due "\"/>\n" \
	"    </instrument>\n"                                                            \
	"  </instruments>\n"

Test(fixture, expired_calibration_is_refused_for_certification_only)
{
	struct bench_fixture_error err;
	struct bench_fixture *fx = NULL;
	int32_t today;
	char want[300];

	cr_assert_eq(bench_fixture_parse_date("2026-06-01", &today), 0);
	cr_expect_eq(load_text(HEAD CONTEXT INSTR("2026-01-01") DAC1 ENV TAIL, 0, today, &err, &fx),
		     0, "%s", err.text);
	bench_fixture_free(fx);
	fx = NULL;
	cr_expect_eq(load_text(HEAD CONTEXT INSTR("2026-01-01") DAC1 ENV TAIL,
			       BENCH_FIXTURE_CERTIFICATION, today, &err, &fx),
		     -EKEYEXPIRED);
	cr_expect_null(fx);
	snprintf(want, sizeof(want), "%s:6: ", tmp_path);
	cr_expect(strncmp(err.text, want, strlen(want)) == 0, "%s", err.text);
	cr_expect(strstr(err.text, "expired 151 day(s) ago") != NULL, "%s", err.text);
	cr_expect_eq(load_text(HEAD CONTEXT INSTR("2026-06-01") DAC1 ENV TAIL,
			       BENCH_FIXTURE_CERTIFICATION, today, &err, &fx),
		     0, "due today is still valid: %s", err.text);
	bench_fixture_free(fx);
}

Test(fixture, dates_are_days_since_the_epoch)
{
	int32_t d = 0;

	cr_expect_eq(bench_fixture_parse_date("1970-01-01", &d), 0);
	cr_expect_eq(d, 0);
	cr_expect_eq(bench_fixture_parse_date("2000-03-01", &d), 0);
	cr_expect_eq(d, 11017);
	cr_expect_eq(bench_fixture_parse_date("2026-13-01", &d), -EINVAL);
	cr_expect_eq(bench_fixture_parse_date("2026-1-01", &d), -EINVAL);
	cr_expect_eq(d, 11017, "untouched on failure");
}
