// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The minimal run path (`bcibench run --fixture F --stimulus S ...`): inject a
 * stimulus for T seconds on a fixture, capture every capture device, and
 * report what was played and captured, with the loopback alignment. Until the
 * protocol engine lands, main.c routes `run` here; the engine will call
 * bench_cli_run_raw() when --stimulus is given.
 *
 * Exit codes: 0 done, 2 bench error (envelope refusal, stream error, signal;
 * always after safe state), 64 usage or bad fixture.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/hw-cli.h"
#include "common/parse.h"
#include "common/units.h"
#include "fixture/fixture.h"
#include "hw/align.h"
#include "hw/envelope.h"
#include "hw/rig.h"
#include "hw/safe.h"
#include "hw/stream.h"

#define RUN_USAGE                                                                                 \
	"usage: bcibench run --fixture F --seconds T (--sine UV@HZ) [--uri URI]\n"                \
	"                    [--channel NAME] [--tail-ms MS] [--no-power-up] [--certification]\n" \
	"                    [--marker FILE]\n"

/* Built-in stimulus: a sine on one DAC channel, the others at 0 uV. */
struct sine_gen {
	size_t nch, ch;
	double amp_uv, w;
	uint64_t frame, total;
};

static int sine_fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct sine_gen *g = ctx;
	size_t n = 0, c;

	while (n < max_frames && g->frame < g->total) {
		double x = g->amp_uv * sin(g->w * (double)g->frame);

		for (c = 0; c < g->nch; c++)
			uv[n * g->nch + c] = c == g->ch ? (float)x : 0.0f;
		g->frame++;
		n++;
	}
	*ret_frames = n;
	return 0;
}

struct counter {
	double sum_sq[8];
	uint64_t n[8];
	size_t width[8];
};

static int count_sink(void *ctx, size_t index, const float *uv, const int64_t *ts_ns,
		      size_t n_frames)
{
	struct counter *k = ctx;
	size_t f;

	(void)ts_ns;
	if (index >= 8)
		return 0;
	for (f = 0; f < n_frames; f++)
		k->sum_sq[index] += (double)uv[f * k->width[index]] * uv[f * k->width[index]];
	k->n[index] += n_frames;
	return 0;
}

static int parse_sine(const char *s, double *ret_uv, double *ret_hz)
{
	char buf[64];
	char *at;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, strlen(s) + 1);
	at = strchr(buf, '@');
	if (!at)
		return -EINVAL;
	*at = '\0';
	if (bench_parse_double(buf, ret_uv) < 0 || bench_parse_double(at + 1, ret_hz) < 0)
		return -EINVAL;
	return *ret_hz > 0 ? 0 : -EINVAL;
}

int bench_cli_run_raw(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("run");
	struct bench_hw_cli_opts o;
	struct bench_hw_cli_session ses;
	struct bench_stream_config cfg = { 0 };
	struct bench_stream *s = NULL;
	struct bench_stream_run_result res;
	struct bench_envelope_violation v = { 0 };
	struct sine_gen gen = { 0 };
	struct counter cnt = { { 0 }, { 0 }, { 0 } };
	const char *channel = NULL, *sine = NULL;
	double seconds = 0, amp_uv = 0, hz = 0, tail_ms = 100;
	bool power = true;
	size_t i;
	int r, rc;

	bench_hw_cli_opts_init(&o);
	for (i = 1; i < (size_t)argc; i++) {
		r = bench_hw_cli_parse_common(cmd, &o, argc, argv, &i);
		if (r > 0)
			continue;
		if (r < 0)
			return BENCH_EXIT_USAGE;
		if (!strcmp(argv[i], "--seconds") && i + 1 < (size_t)argc) {
			if (bench_parse_double(argv[++i], &seconds) < 0 || !(seconds > 0))
				return bench_cli_usage_error(cmd, "bad --seconds '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--tail-ms") && i + 1 < (size_t)argc) {
			if (bench_parse_double(argv[++i], &tail_ms) < 0 || tail_ms < 0)
				return bench_cli_usage_error(cmd, "bad --tail-ms '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--sine") && i + 1 < (size_t)argc) {
			sine = argv[++i];
			if (parse_sine(sine, &amp_uv, &hz) < 0)
				return bench_cli_usage_error(cmd, "bad --sine '%s' (want UV@HZ)",
							     sine);
		} else if (!strcmp(argv[i], "--no-power-up")) {
			power = false;
		} else if (!strcmp(argv[i], "--channel") && i + 1 < (size_t)argc) {
			channel = argv[++i];
		} else {
			return bench_cli_usage_error(cmd, "unknown argument '%s'\n%s", argv[i],
						     RUN_USAGE);
		}
	}
	if (!o.fixture || !(seconds > 0) || !sine)
		return bench_cli_usage_error(cmd,
					     "--fixture, --seconds and --sine are required\n%s",
					     RUN_USAGE);

	rc = bench_hw_cli_begin(&o, &ses);
	if (rc != BENCH_EXIT_PASS)
		return rc;
	if (!ses.fx->has_dac) {
		bench_cli_error("%s: the fixture has no <dac>", ses.fx->path);
		return bench_hw_cli_end(&ses, BENCH_EXIT_USAGE);
	}
	gen.nch = ses.fx->dac.n_channels;
	if (channel) {
		r = bench_fixture_dac_index(ses.fx, channel);
		if (r < 0) {
			bench_cli_error("%s: no DAC channel '%s'", ses.fx->path, channel);
			return bench_hw_cli_end(&ses, BENCH_EXIT_USAGE);
		}
		gen.ch = (size_t)r;
	}
	gen.amp_uv = amp_uv;
	gen.w = 2 * M_PI * hz / bench_rig_dac_rate_hz(ses.rig);
	gen.total = (uint64_t)llround(seconds * bench_rig_dac_rate_hz(ses.rig));
	cfg.output = true;
	cfg.capture_mask = ses.fx->n_captures >= 8 ? 0xffu : (1u << ses.fx->n_captures) - 1;
	/* The whole stimulus passes the envelope before the first sample is played. */
	r = bench_stream_preflight(ses.rig, sine_fill, &gen, &v);
	gen.frame = 0;
	if (r < 0) {
		bench_hw_cli_report_error(&ses, r, &v, NULL);
		return bench_hw_cli_end(&ses, BENCH_EXIT_ERROR);
	}
	if (power && bench_rig_line_by_role(ses.rig, BENCH_LINE_ROLE_DUT_POWER)) {
		r = bench_rig_power_up(ses.rig);
		if (r < 0) {
			bench_cli_error("ERROR: DUT power-up failed: %s", strerror(-r));
			return bench_hw_cli_end(&ses, BENCH_EXIT_ERROR);
		}
	}
	r = bench_stream_open(ses.rig, &cfg, &s);
	if (r < 0) {
		bench_hw_cli_report_error(&ses, r, NULL, NULL);
		return bench_hw_cli_end(&ses, BENCH_EXIT_ERROR);
	}
	for (i = 0; i < ses.fx->n_captures && i < 8; i++)
		cnt.width[i] = bench_stream_capture_width(s, i);
	r = bench_stream_run(s, sine_fill, &gen, count_sink, &cnt, bench_ns_from_s(tail_ms * 1e-3),
			     &v, &res);
	if (r < 0) {
		bench_hw_cli_report_error(&ses, r, &v, res.error_device);
		rc = BENCH_EXIT_ERROR;
	} else {
		printf("stimulus: %llu frames at %.1f Hz on %s\n",
		       (unsigned long long)res.stimulus_frames, bench_rig_dac_rate_hz(ses.rig),
		       ses.fx->dac.device);
		for (i = 0; i < ses.fx->n_captures && i < 8; i++)
			printf("capture %s (%s): %llu frames, rms(ch0) %.3f uV\n",
			       ses.fx->captures[i].name, ses.fx->captures[i].device,
			       (unsigned long long)res.captured_frames[i],
			       cnt.n[i] ? sqrt(cnt.sum_sq[i] / (double)cnt.n[i]) : 0.0);
	}
	bench_stream_close(s);
	return bench_hw_cli_end(&ses, rc);
}
