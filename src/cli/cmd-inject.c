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
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/hw-cli.h"
#include "common/parse.h"
#include "common/units.h"
#include "edf/edf-writer.h"
#include "fixture/fixture.h"
#include "hw/align.h"
#include "hw/envelope.h"
#include "hw/rig.h"
#include "hw/safe.h"
#include "hw/stream.h"
#include "siggen.h"

#define RUN_USAGE                                                                        \
	"usage: bcibench run --fixture F (--seconds T --sine UV@HZ | --stimulus FILE)\n" \
	"                    [--seconds T] [--seed N] [--uri URI] [--out DIR]\n"         \
	"                    [--channel NAME] [--tail-ms MS] [--no-power-up]\n"          \
	"                    [--certification] [--marker FILE] [--db FILE]\n"

/*
 * The stimulus: a built-in sine on one DAC channel, or a signal-gen spec
 * (--stimulus FILE) whose channel k drives DAC channel k.
 */
struct sine_gen {
	size_t nch, ch;
	double amp_uv, w;
	uint64_t frame, total;
	/* signal-gen */
	struct siggen_spec *spec;
	struct siggen *sg;
	uint64_t seed;
	unsigned sg_ch;
	float *tmp;
	size_t tmp_frames;
};

/* Back to frame 0 (the generator is deterministic for a seed). Return: 0 or -errno. */
static int gen_rewind(struct sine_gen *g)
{
	g->frame = 0;
	if (!g->spec)
		return 0;
	siggen_close(g->sg);
	g->sg = NULL;
	return siggen_open(g->spec, g->seed, &g->sg);
}

static int sine_fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct sine_gen *g = ctx;
	size_t n = 0, c;

	if (g->sg) {
		size_t want = max_frames, f;
		int64_t got;

		if (want > g->tmp_frames)
			want = g->tmp_frames;
		if (g->total - g->frame < want)
			want = (size_t)(g->total - g->frame);
		got = want ? siggen_read(g->sg, g->tmp, want, SIGGEN_LAYOUT_INTERLEAVED) : 0;
		if (got < 0)
			return (int)got;
		for (f = 0; f < (size_t)got; f++)
			for (c = 0; c < g->nch; c++)
				uv[f * g->nch + c] = c < g->sg_ch ? g->tmp[f * g->sg_ch + c] : 0.0f;
		g->frame += (uint64_t)got;
		*ret_frames = (size_t)got;
		return 0;
	}
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

#define MAX_CAP 8
#define ALIGN_FRAMES_MAX 65536 /* stimulus/loopback kept for alignment (constant memory) */

/* Everything the run writes: BDF+ files, RMS figures, and what alignment needs. */
struct recorder {
	struct sine_gen *gen;
	struct bench_edf_writer *stim_w;
	struct bench_edf_writer *cap_w[MAX_CAP];
	size_t width[MAX_CAP], nch[MAX_CAP];
	double sum_sq[MAX_CAP];
	uint64_t n[MAX_CAP];
	uint64_t events[MAX_CAP];
	float *planar; /* scratch: one capture block without its event column */
	size_t planar_frames;
	int err;
	/* alignment: the stimulus channel that has a loopback tap, and that tap */
	int align_dac; /* DAC channel index, -1 if none */
	size_t align_cap, align_col;
	float *a_stim, *a_loop;
	size_t n_a_stim, n_a_loop;
};

static int rec_fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct recorder *rec = ctx;
	size_t f;
	int r = sine_fill(rec->gen, uv, max_frames, ret_frames);

	if (r < 0 || !*ret_frames)
		return r;
	for (f = 0; rec->align_dac >= 0 && f < *ret_frames && rec->n_a_stim < ALIGN_FRAMES_MAX; f++)
		rec->a_stim[rec->n_a_stim++] = uv[f * rec->gen->nch + (size_t)rec->align_dac];
	if (rec->stim_w)
		return bench_edf_writer_write(rec->stim_w, uv, *ret_frames,
					      BENCH_EDF_LAYOUT_INTERLEAVED);
	return 0;
}

static int rec_sink(void *ctx, size_t index, const float *uv, const int64_t *ts_ns, size_t n_frames)
{
	struct recorder *rec = ctx;
	size_t f, c, w, nch;
	int r;

	(void)ts_ns;
	if (index >= MAX_CAP)
		return 0;
	w = rec->width[index];
	nch = rec->nch[index];
	for (f = 0; f < n_frames; f++) {
		rec->sum_sq[index] += (double)uv[f * w] * uv[f * w];
		if (index == rec->align_cap && rec->align_dac >= 0 &&
		    rec->n_a_loop < ALIGN_FRAMES_MAX)
			rec->a_loop[rec->n_a_loop++] = uv[f * w + rec->align_col];
	}
	if (rec->cap_w[index]) {
		if (n_frames > rec->planar_frames)
			return -EINVAL;
		for (f = 0; f < n_frames; f++)
			for (c = 0; c < nch; c++)
				rec->planar[f * nch + c] = uv[f * w + c];
		r = bench_edf_writer_write(rec->cap_w[index], rec->planar, n_frames,
					   BENCH_EDF_LAYOUT_INTERLEAVED);
		if (r < 0)
			return r;
		/* The event column: one annotation per non-zero event code. */
		for (f = 0; w > nch && f < n_frames; f++) {
			uint32_t code = bench_stream_event_code(uv[f * w + nch]);
			char text[32];

			if (!code)
				continue;
			snprintf(text, sizeof(text), "event 0x%08x", code);
			rec->events[index]++;
			r = bench_edf_writer_annotate_samples(rec->cap_w[index], rec->n[index] + f,
							      -1, text);
			if (r < 0)
				return r;
		}
	}
	rec->n[index] += n_frames;
	return 0;
}

/* Opens DIR/stimulus.bdf and DIR/<capture>.bdf. Return: 0 or -errno (message printed). */
static int open_files(struct recorder *rec, const struct bench_hw_cli_session *ses,
		      struct bench_stream *s, const char *dir)
{
	const struct bench_fixture *fx = ses->fx;
	const char *labels[BENCH_EDF_MAX_CHANNELS];
	double lo[BENCH_EDF_MAX_CHANNELS], hi[BENCH_EDF_MAX_CHANNELS];
	struct bench_edf_writer_opts o = { 0 };
	char path[1024];
	size_t i, c, max_frames = 0;
	int r;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		bench_cli_error("cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (fx->dac.n_channels > BENCH_EDF_MAX_CHANNELS)
		return -ERANGE;
	o.equipment = fx->name;
	o.recording_additional = "bcibench run: stimulus as commanded (uV at the DUT)";
	o.annotations_per_record = 8;
	for (c = 0; c < fx->dac.n_channels; c++) {
		const struct bench_fixture_limit *lim =
			bench_fixture_limit_for(fx, fx->dac.channels[c].name);

		labels[c] = fx->dac.channels[c].name;
		lo[c] = -lim->max_abs_uv;
		hi[c] = lim->max_abs_uv;
	}
	snprintf(path, sizeof(path), "%s/stimulus.bdf", dir);
	r = bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, (unsigned)fx->dac.n_channels,
				  bench_rig_dac_rate_hz(ses->rig), labels, lo, hi, &o,
				  &rec->stim_w);
	if (r < 0) {
		bench_cli_error("cannot write %s: %s", path, strerror(-r));
		return r;
	}
	for (i = 0; i < fx->n_captures && i < MAX_CAP; i++) {
		const struct bench_fixture_capture *cap = &fx->captures[i];

		if (cap->n_channels > BENCH_EDF_MAX_CHANNELS)
			return -ERANGE;
		for (c = 0; c < cap->n_channels; c++) {
			labels[c] = cap->channels[c].name;
			r = bench_rig_capture_range_uv(ses->rig, i, c, &lo[c], &hi[c]);
			if (r < 0)
				return r;
		}
		o.recording_additional = cap->kind == BENCH_FIXTURE_CAPTURE_DUT ?
						 "bcibench run: DUT capture (uV input-referred)" :
						 "bcibench run: bench ADC capture (uV at the DUT)";
		snprintf(path, sizeof(path), "%s/%s.bdf", dir, cap->name);
		r = bench_edf_writer_open(path, BENCH_EDF_FORMAT_BDFPLUS, (unsigned)cap->n_channels,
					  bench_rig_capture_rate_hz(ses->rig, i), labels, lo, hi,
					  &o, &rec->cap_w[i]);
		if (r < 0) {
			bench_cli_error("cannot write %s: %s", path, strerror(-r));
			return r;
		}
		if (cap->buffer_frames > max_frames)
			max_frames = cap->buffer_frames;
		rec->nch[i] = cap->n_channels;
	}
	(void)s;
	rec->planar_frames = max_frames;
	rec->planar = malloc(max_frames * BENCH_EDF_MAX_CHANNELS * sizeof(float));
	return rec->planar ? 0 : -ENOMEM;
}

/* Finds a DAC channel with a loopback tap; sets align_* (align_dac = -1 if none). */
static void find_alignment_tap(struct recorder *rec, const struct bench_fixture *fx)
{
	size_t i, j;

	rec->align_dac = -1;
	for (i = 0; i < fx->n_captures && i < MAX_CAP; i++)
		for (j = 0; j < fx->captures[i].n_channels; j++)
			if (fx->captures[i].channels[j].loopback && rec->align_dac < 0) {
				rec->align_dac = bench_fixture_dac_index(
					fx, fx->captures[i].channels[j].loopback_of);
				rec->align_cap = i;
				rec->align_col = j;
			}
}

static int close_files(struct recorder *rec)
{
	int r = 0, rr;
	size_t i;

	rr = bench_edf_writer_close(rec->stim_w, NULL);
	if (rr < 0 && !r)
		r = rr;
	rec->stim_w = NULL;
	for (i = 0; i < MAX_CAP; i++) {
		rr = bench_edf_writer_close(rec->cap_w[i], NULL);
		if (rr < 0 && !r)
			r = rr;
		rec->cap_w[i] = NULL;
	}
	return r;
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

/*
 * Stimulus onset on each capture's clock: the loopback frame matching stimulus
 * frame 0 (cross-correlation), read on the loopback device's timestamps; other
 * captures on the same rig clock (timestamps) are referred to it. Writes
 * "stimulus onset" annotations and prints the offsets and the uncertainty.
 */
static void align_and_annotate(struct recorder *rec, const struct bench_hw_cli_session *ses,
			       const struct bench_stream_run_result *res)
{
	const struct bench_fixture *fx = ses->fx;
	struct bench_alignment al;
	double loop_hz = 0, u_ns;
	int64_t t0;
	size_t i, n;
	int r = -ENOENT;

	if (rec->align_dac >= 0) {
		n = rec->n_a_stim < rec->n_a_loop ? rec->n_a_stim : rec->n_a_loop;
		loop_hz = bench_rig_capture_rate_hz(ses->rig, rec->align_cap);
		r = bench_align_xcorr(rec->a_stim, rec->a_loop, n, n / 4 < 4096 ? n / 4 : 4096,
				      &al);
	}
	if (res->stats.dac_start_ns >= 0) {
		/* A clock shared by DAC and captures: the onset is read, not estimated. */
		t0 = res->stats.dac_start_ns;
		u_ns = 0;
		printf("alignment: shared rig clock: stimulus frame 0 played at t = %.9f s of the "
		       "rig clock, u = 0 ns\n",
		       (double)t0 * 1e-9);
		if (r == 0 && res->stats.first_ts_ns[rec->align_cap] >= 0) {
			double want = (double)(t0 - res->stats.first_ts_ns[rec->align_cap]) *
				      loop_hz * 1e-9;

			printf("  loopback cross-check: %s frame %ld by correlation (corr %.4f), "
			       "%.0f by the clock: %s\n",
			       fx->captures[rec->align_cap].name, al.lag_frames, al.peak_corr, want,
			       fabs(want - (double)al.lag_frames) < 0.5 ? "agree" : "DISAGREE");
		}
	} else if (rec->align_dac < 0) {
		printf("alignment: no loopback tap in the fixture and no shared clock; captures "
		       "start with the stimulus to within one capture buffer\n");
		return;
	} else if (r < 0 || res->stats.first_ts_ns[rec->align_cap] < 0) {
		printf("alignment: not possible (%s)\n",
		       r < 0 ? "no correlation with the loopback" : "no timestamps");
		return;
	} else {
		t0 = res->stats.first_ts_ns[rec->align_cap] +
		     bench_ns_from_frames((uint64_t)al.lag_frames, loop_hz);
		u_ns = al.u_lag_frames / loop_hz * 1e9;
		printf("alignment: stimulus frame 0 = %s frame %ld (corr %.4f, loopback gain "
		       "%.5f), u = %.0f ns\n",
		       fx->captures[rec->align_cap].name, al.lag_frames, al.peak_corr, al.gain,
		       u_ns);
	}
	bench_edf_writer_annotate(rec->stim_w, 0, -1, "stimulus onset");
	for (i = 0; i < fx->n_captures && i < MAX_CAP; i++) {
		int64_t first = res->stats.first_ts_ns[i], off;
		char text[96];

		if (first < 0)
			continue;
		off = t0 - first;
		printf("  %s: stimulus onset at %+.6f s of its file\n", fx->captures[i].name,
		       (double)off * 1e-9);
		if (rec->cap_w[i] && off >= 0)
			bench_edf_writer_annotate(rec->cap_w[i], off, -1, "stimulus onset");
		snprintf(text, sizeof(text), "%s starts %+.4f s", fx->captures[i].name,
			 (double)-off * 1e-9);
		if (rec->stim_w)
			bench_edf_writer_annotate(rec->stim_w, 0, -1, text);
	}
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
	struct recorder rec;
	const char *channel = NULL, *sine = NULL, *out = NULL, *stimulus = NULL;
	uint64_t seed = 1;
	double seconds = 0, amp_uv = 0, hz = 0, tail_ms = 100;
	bool power = true;
	size_t i;
	int r, rc;

	memset(&rec, 0, sizeof(rec));
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
		} else if (!strcmp(argv[i], "--stimulus") && i + 1 < (size_t)argc) {
			stimulus = argv[++i];
		} else if (!strcmp(argv[i], "--seed") && i + 1 < (size_t)argc) {
			if (bench_parse_u64(argv[++i], &seed) < 0)
				return bench_cli_usage_error(cmd, "bad --seed '%s'", argv[i]);
		} else if (!strcmp(argv[i], "--out") && i + 1 < (size_t)argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--no-power-up")) {
			power = false;
		} else if (!strcmp(argv[i], "--channel") && i + 1 < (size_t)argc) {
			channel = argv[++i];
		} else if (!strcmp(argv[i], "--db") && i + 1 < (size_t)argc) {
			o.cal_db = argv[++i]; /* stored loopback calibration for the DAC codes */
		} else {
			return bench_cli_usage_error(cmd, "unknown argument '%s'\n%s", argv[i],
						     RUN_USAGE);
		}
	}
	if (!o.fixture || !(seconds > 0 || stimulus) || !(sine || stimulus) || (sine && stimulus))
		return bench_cli_usage_error(cmd,
					     "--fixture and one of --sine UV@HZ (with --seconds) or "
					     "--stimulus FILE are required\n%s",
					     RUN_USAGE);
	if (stimulus) {
		char err[512] = "";

		r = siggen_spec_parse_file(stimulus, &gen.spec, err, sizeof(err));
		if (r < 0) {
			bench_cli_error("%s", err[0] ? err : strerror(-r));
			return r == -ENOMEM ? BENCH_EXIT_ERROR : BENCH_EXIT_USAGE;
		}
	}

	rc = bench_hw_cli_begin(&o, &ses);
	if (rc != BENCH_EXIT_PASS) {
		siggen_spec_free(gen.spec);
		return rc;
	}
	if (!ses.fx->has_dac) {
		bench_cli_error("%s: the fixture has no <dac>", ses.fx->path);
		rc = BENCH_EXIT_USAGE;
		goto out_free_gen;
	}
	gen.nch = ses.fx->dac.n_channels;
	if (channel) {
		r = bench_fixture_dac_index(ses.fx, channel);
		if (r < 0) {
			bench_cli_error("%s: no DAC channel '%s'", ses.fx->path, channel);
			rc = BENCH_EXIT_USAGE;
			goto out_free_gen;
		}
		gen.ch = (size_t)r;
	}
	gen.amp_uv = amp_uv;
	gen.w = 2 * M_PI * hz / bench_rig_dac_rate_hz(ses.rig);
	gen.total = (uint64_t)llround(seconds * bench_rig_dac_rate_hz(ses.rig));
	if (gen.spec) {
		double sg_hz = siggen_spec_rate_hz(gen.spec);

		gen.sg_ch = siggen_spec_channels(gen.spec);
		if (fabs(sg_hz - bench_rig_dac_rate_hz(ses.rig)) > 1e-9 * sg_hz ||
		    gen.sg_ch > gen.nch) {
			bench_cli_error(
				"%s: the stimulus (%u channels at %.3f Hz) does not fit the DAC "
				"of %s (%zu channels at %.3f Hz)",
				stimulus, gen.sg_ch, sg_hz, ses.fx->path, gen.nch,
				bench_rig_dac_rate_hz(ses.rig));
			rc = BENCH_EXIT_USAGE;
			goto out_free_gen;
		}
		if (!(seconds > 0) || gen.total > siggen_spec_frames(gen.spec))
			gen.total = siggen_spec_frames(gen.spec);
		gen.seed = seed;
		gen.tmp_frames = ses.fx->dac.buffer_frames;
		gen.tmp = malloc(gen.tmp_frames * gen.sg_ch * sizeof(float));
		r = gen.tmp ? gen_rewind(&gen) : -ENOMEM;
		if (r < 0) {
			bench_cli_error("cannot open the stimulus generator: %s", strerror(-r));
			rc = BENCH_EXIT_ERROR;
			goto out_free_gen;
		}
	}

	/* The whole stimulus passes the envelope before the first sample is played. */
	r = bench_stream_preflight(ses.rig, sine_fill, &gen, &v);
	if (r == 0)
		r = gen_rewind(&gen);
	if (r < 0) {
		bench_hw_cli_report_error(&ses, r, &v, NULL);
		rc = BENCH_EXIT_ERROR;
		goto out_free_gen;
	}
	if (power && bench_rig_line_by_role(ses.rig, BENCH_LINE_ROLE_DUT_POWER)) {
		r = bench_rig_power_up(ses.rig);
		if (r < 0) {
			bench_cli_error("ERROR: DUT power-up failed: %s", strerror(-r));
			rc = BENCH_EXIT_ERROR;
			goto out_free_gen;
		}
	}
	cfg.output = true;
	cfg.capture_mask = ses.fx->n_captures >= MAX_CAP ? 0xffu : (1u << ses.fx->n_captures) - 1;
	r = bench_stream_open(ses.rig, &cfg, &s);
	if (r < 0) {
		bench_hw_cli_report_error(&ses, r, NULL, NULL);
		rc = BENCH_EXIT_ERROR;
		goto out_free_gen;
	}
	rec.gen = &gen;
	for (i = 0; i < ses.fx->n_captures && i < MAX_CAP; i++) {
		rec.width[i] = bench_stream_capture_width(s, i);
		rec.nch[i] = ses.fx->captures[i].n_channels;
	}
	find_alignment_tap(&rec, ses.fx);
	rec.a_stim = malloc(ALIGN_FRAMES_MAX * sizeof(float));
	rec.a_loop = malloc(ALIGN_FRAMES_MAX * sizeof(float));
	if (!rec.a_stim || !rec.a_loop) {
		rc = BENCH_EXIT_ERROR;
		goto out_close;
	}
	if (out) {
		r = open_files(&rec, &ses, s, out);
		if (r < 0) {
			rc = BENCH_EXIT_ERROR;
			goto out_close;
		}
	}
	r = bench_stream_run(s, rec_fill, &rec, rec_sink, &rec, bench_ns_from_s(tail_ms * 1e-3), &v,
			     &res);
	if (r < 0) {
		bench_hw_cli_report_error(&ses, r, &v, res.error_device);
		rc = BENCH_EXIT_ERROR;
		goto out_close;
	}
	printf("stimulus: %llu frames at %.1f Hz on %s\n", (unsigned long long)res.stimulus_frames,
	       bench_rig_dac_rate_hz(ses.rig), ses.fx->dac.device);
	for (i = 0; i < ses.fx->n_captures && i < MAX_CAP; i++)
		printf("capture %s (%s): %llu frames at %.1f Hz, rms(ch0) %.3f uV, %llu events\n",
		       ses.fx->captures[i].name, ses.fx->captures[i].device,
		       (unsigned long long)res.captured_frames[i],
		       bench_rig_capture_rate_hz(ses.rig, i),
		       rec.n[i] ? sqrt(rec.sum_sq[i] / (double)rec.n[i]) : 0.0,
		       (unsigned long long)rec.events[i]);
	align_and_annotate(&rec, &ses, &res);

out_close:
	r = close_files(&rec);
	if (r < 0 && rc == BENCH_EXIT_PASS) {
		bench_cli_error("ERROR: writing the BDF+ files failed: %s", strerror(-r));
		rc = BENCH_EXIT_ERROR;
	}
	if (out && rc == BENCH_EXIT_PASS)
		printf("wrote %s/stimulus.bdf and one BDF+ file per capture\n", out);
	free(rec.planar);
	free(rec.a_stim);
	free(rec.a_loop);
	bench_stream_close(s);
out_free_gen:
	siggen_close(gen.sg);
	siggen_spec_free(gen.spec);
	free(gen.tmp);
	return bench_hw_cli_end(&ses, rc);
}
