// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/hw against the emulated rig (bcibench sim, in-process and as a separate
 * process): loopback gain and delay of a sine and a pulse train, envelope
 * refusal with nothing emitted, safe state on SIGTERM/SIGINT, the DAC at zero
 * after SIGKILL, a rig that disconnects, crashes or stalls, bad fixtures, and
 * the DUT power-up over the IIO line backend.
 *
 * Units: uV at the DUT, ns of the rig's virtual clock (device timestamps).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <iio.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/parse.h"
#include "edf/edf-writer.h"
#include "fixture/fixture.h"
#include "hw/align.h"
#include "hw/calib.h"
#include "hw/envelope.h"
#include "hw/line.h"
#include "hw/rig.h"
#include "hw/safe.h"
#include "hw/selfcal.h"
#include "hw/stream.h"
#include "sim/sim.h"
#include "store/store-calib.h"
#include "store/store.h"

extern char **environ;

#define DAC_HZ 8000.0 /* eeg-amp rig: DAC and bench ADC rate */
#define DUT_HZ 1000.0 /* eeg-amp rig: DUT rate */
#define NS_PER_DAC_TICK 125000

static struct bench_sim *sim;
static struct bench_fixture *fx;
static char uri[64];
static pid_t children[16];
static size_t n_children;

static const char *src_root(void)
{
	const char *r = getenv("BCIBENCH_SOURCE_ROOT");

	return r ? r : ".";
}

static void start_sim(enum bench_sim_pace pace, const char *fault)
{
	struct bench_sim_options o = { 0 };
	const char *faults[1] = { fault };
	char *err = NULL;

	o.dut_name = "eeg-amp";
	o.pace = pace;
	o.seed = 7;
	o.faults = faults;
	o.n_faults = fault ? 1 : 0;
	o.ret_error = &err;
	cr_assert_eq(bench_sim_start(&o, &sim), 0, "%s", err ? err : "sim failed");
	cr_assert_eq(bench_sim_uri(sim, uri, sizeof(uri)), 0);
}

static void load_fx(void)
{
	struct bench_fixture_error err;
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/sim/eeg-amp.fixture.xml", src_root());
	cr_assert_eq(bench_fixture_load(path, 0, 0, &fx, &err), 0, "%s", err.text);
}

static void teardown(void)
{
	size_t i;

	for (i = 0; i < n_children; i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
		}
	}
	n_children = 0;
	bench_sim_stop(sim);
	sim = NULL;
	bench_fixture_free(fx);
	fx = NULL;
}

static void setup(void)
{
	load_fx();
}

TestSuite(hw_sim, .init = setup, .fini = teardown, .timeout = 60);

/* ---- in-process recording of one run ------------------------------------ */

enum stim_kind {
	STIM_SINE,
	STIM_PULSES
};

struct rec {
	enum stim_kind kind;
	double amp_uv, hz;
	uint64_t frame, total;
	uint64_t next_pulse;
	unsigned seed;
	size_t nch;
	float *stim; /* stim0 as commanded */
	float *ref, *dut;
	int64_t *ref_ts, *dut_ts;
	size_t n_ref, n_dut, cap_ref, cap_dut;
	size_t ref_w, dut_w;
	int64_t dac_start_ns; /* the rig's shared clock: DAC frame 0 played at */
};

/* Biphasic pulse (derivative of a Gaussian, sigma 10 ms, peak @amp_uv): zero DC. */
static double pulse(double t_s, double amp_uv)
{
	const double sigma = 0.010;
	double u = t_s / sigma;

	return amp_uv * -u * exp(0.5 - 0.5 * u * u);
}

static int rec_fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct rec *r = ctx;
	size_t n = 0, c;

	while (n < max_frames && r->frame < r->total) {
		double x = 0;

		if (r->kind == STIM_SINE) {
			x = r->amp_uv * sin(2 * M_PI * r->hz * (double)r->frame / DAC_HZ);
		} else {
			/* Pulses 150..350 ms apart, seeded; each lasts +-60 ms around its centre. */
			double dt;

			if (r->frame >= r->next_pulse + 480) {
				r->seed = r->seed * 1103515245u + 12345u;
				r->next_pulse += 1200 + (r->seed >> 8) % 1600;
			}
			dt = ((double)r->frame - (double)r->next_pulse) / DAC_HZ;
			if (fabs(dt) < 0.06)
				x = pulse(dt, r->amp_uv);
		}
		for (c = 0; c < r->nch; c++)
			uv[n * r->nch + c] = c == 0 ? (float)x : 0.0f;
		if (r->stim)
			r->stim[r->frame] = (float)x;
		r->frame++;
		n++;
	}
	*ret_frames = n;
	return 0;
}

static int rec_sink(void *ctx, size_t index, const float *uv, const int64_t *ts, size_t n)
{
	struct rec *r = ctx;
	size_t f;

	for (f = 0; f < n; f++) {
		if (index == 0 && r->n_ref < r->cap_ref) {
			r->ref[r->n_ref] = uv[f * r->ref_w];
			r->ref_ts[r->n_ref++] = ts[f];
		} else if (index == 1 && r->n_dut < r->cap_dut) {
			r->dut[r->n_dut] = uv[f * r->dut_w];
			r->dut_ts[r->n_dut++] = ts[f];
		}
	}
	return 0;
}

static void rec_init(struct rec *r, enum stim_kind kind, double amp_uv, double hz, double seconds)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->amp_uv = amp_uv;
	r->hz = hz;
	r->total = (uint64_t)(seconds * DAC_HZ);
	r->next_pulse = 2000;
	r->seed = 99;
	r->nch = fx->dac.n_channels;
	r->stim = calloc(r->total, sizeof(float));
	r->cap_ref = r->total + 8000;
	r->cap_dut = r->total / 8 + 1000;
	r->ref = calloc(r->cap_ref, sizeof(float));
	r->ref_ts = calloc(r->cap_ref, sizeof(int64_t));
	r->dut = calloc(r->cap_dut, sizeof(float));
	r->dut_ts = calloc(r->cap_dut, sizeof(int64_t));
	cr_assert(r->stim && r->ref && r->ref_ts && r->dut && r->dut_ts);
}

static void rec_free(struct rec *r)
{
	free(r->stim);
	free(r->ref);
	free(r->ref_ts);
	free(r->dut);
	free(r->dut_ts);
}

/*
 * Plays @r and records ref (capture 0) and dut (capture 1); returns the stream
 * error. Resets the recording first, so a run can be repeated.
 */
static int rec_try(struct rec *r, struct bench_rig *rig)
{
	struct bench_stream_config cfg = { .output = true, .capture_mask = 0x3 };
	struct bench_stream_run_result res;
	struct bench_stream *s = NULL;
	int rc;

	r->frame = 0;
	r->next_pulse = 2000;
	r->seed = 99;
	r->n_ref = r->n_dut = 0;
	cr_assert_eq(bench_stream_open(rig, &cfg, &s), 0);
	r->ref_w = bench_stream_capture_width(s, 0);
	r->dut_w = bench_stream_capture_width(s, 1);
	rc = bench_stream_run(s, rec_fill, r, rec_sink, r, 200000000, NULL, &res);
	r->dac_start_ns = res.stats.dac_start_ns;
	bench_stream_close(s);
	return rc;
}

/* Plays @r on a fresh rig and records ref (capture 0) and dut (capture 1). */
static void rec_run(struct rec *r, struct bench_rig *rig)
{
	struct bench_stream_config cfg = { .output = true, .capture_mask = 0x3 };
	struct bench_stream_run_result res;
	struct bench_stream *s = NULL;
	int rc;

	cr_assert_eq(bench_stream_open(rig, &cfg, &s), 0);
	r->ref_w = bench_stream_capture_width(s, 0);
	r->dut_w = bench_stream_capture_width(s, 1);
	rc = bench_stream_run(s, rec_fill, r, rec_sink, r, 200000000, NULL, &res);
	cr_assert_eq(rc, 0, "stream: %s on %s (underflows %llu, gaps %llu)", strerror(-rc),
		     res.error_device, (unsigned long long)res.stats.underflows,
		     (unsigned long long)res.stats.gaps);
	cr_expect_eq(res.stimulus_frames, r->total);
	cr_expect_eq(res.stats.gaps, 0);
	cr_expect_eq(res.stats.underflows, 0);
	r->dac_start_ns = res.stats.dac_start_ns;
	bench_stream_close(s);
}

/*
 * Stimulus onset on the rig clock: the loopback ADC frame that matches
 * stimulus frame 0 (cross-correlation), read from the ADC's timestamps.
 */
static int64_t stimulus_t0_ns(const struct rec *r)
{
	struct bench_alignment a;
	size_t n = r->n_ref < r->total ? r->n_ref : (size_t)r->total;

	cr_assert_eq(bench_align_xcorr(r->stim, r->ref, n, 4000, &a), 0);
	cr_expect_gt(a.peak_corr, 0.999, "loopback must match the stimulus");
	cr_expect_float_eq(a.gain, 1.0, 0.002, "loopback gain %f", a.gain);
	return r->ref_ts[a.lag_frames];
}

static struct bench_rig *open_rig(unsigned flags)
{
	struct bench_fixture_error err;
	struct bench_rig *rig = NULL;

	cr_assert_eq(bench_rig_open(fx, uri, flags, &rig, &err), 0, "%s", err.text);
	return rig;
}

/* RMS of loopback[k + lag] - stimulus[k] over the k where both exist (@lag may be -1). */
static double shift_err_uv(const struct rec *r, long lag, size_t n)
{
	double ss = 0;
	size_t k = lag < 0 ? (size_t)-lag : 0, used = 0;

	for (; k < n && (long)k + lag < (long)r->n_ref; k++, used++) {
		double e = r->ref[(size_t)((long)k + lag)] - r->stim[k];

		ss += e * e;
	}
	return sqrt(ss / (double)used);
}

/*
 * Realtime pace (issue 5, alignment): the captures start before the first DAC
 * push, by an amount that depends on scheduling. The rig's shared clock gives
 * the onset exactly; the loopback then matches the stimulus at that frame and
 * not one frame off, and correlation around it agrees.
 */
Test(hw_sim, realtime_alignment_is_sample_accurate_on_the_shared_clock)
{
	struct bench_alignment al, ad, ax;
	struct bench_rig *rig;
	double e0, em, ep;
	size_t n, w0;
	struct rec r;
	int rc = 0, tries;

	start_sim(BENCH_SIM_PACE_REALTIME, NULL);
	rig = open_rig(0);
	cr_assert_eq(bench_rig_power_up(rig), 0);
	rec_init(&r, STIM_PULSES, 300.0, 0, 2.0);
	/*
	 * Realtime is at the mercy of the machine: a run whose stimulus could not be
	 * pushed in time (an underflow, which the stream reports as ERROR) says
	 * nothing about alignment and is repeated, at most 3 times.
	 */
	for (tries = 0; tries < 3; tries++) {
		rc = rec_try(&r, rig);
		if (rc != -ENODATA)
			break;
	}
	cr_assert_eq(rc, 0, "stream: %s after %d tries", strerror(-rc), tries + 1);
	cr_assert_geq(r.dac_start_ns, 0, "the rig reports when the DAC started");
	cr_assert_eq(bench_align_shared_clock(r.ref_ts, r.n_ref, r.dac_start_ns, DAC_HZ, &al), 0);
	/*
	 * The capture opened before the DAC: lag_frames >= 0 ticks of the virtual
	 * clock ran in between (0 when the clock thread did not run meanwhile).
	 */
	cr_expect_geq(al.lag_frames, 0);
	cr_expect_eq(al.u_lag_frames, 0.0, "an onset on a frame of the same clock is exact");
	cr_assert_eq(r.ref_ts[al.lag_frames], r.dac_start_ns);
	n = (size_t)r.total;
	cr_assert_geq(r.n_ref, (size_t)al.lag_frames + n);
	e0 = shift_err_uv(&r, al.lag_frames, n);
	em = shift_err_uv(&r, al.lag_frames - 1, n);
	ep = shift_err_uv(&r, al.lag_frames + 1, n);
	cr_expect_lt(e0 * 5, em, "one frame early: %.4f uV vs %.4f uV at the onset", em, e0);
	cr_expect_lt(e0 * 5, ep, "one frame late: %.4f uV vs %.4f uV at the onset", ep, e0);
	/* Correlation over +-100 frames around the clock's answer finds the same frame. */
	w0 = al.lag_frames > 100 ? (size_t)al.lag_frames - 100 : 0;
	cr_assert_eq(bench_align_xcorr(r.stim, r.ref + w0, n, 200, &ax), 0);
	cr_expect_eq(ax.lag_frames, al.lag_frames - (long)w0, "xcorr lag %ld, clock %ld",
		     ax.lag_frames + (long)w0, al.lag_frames);
	/* The DUT (1 kS/s, its own clock) gets the onset between two of its frames. */
	cr_assert_eq(bench_align_shared_clock(r.dut_ts, r.n_dut, r.dac_start_ns, DUT_HZ, &ad), 0);
	cr_expect_geq(r.dut_ts[ad.lag_frames], r.dac_start_ns);
	cr_expect(ad.lag_frames == 0 || r.dut_ts[ad.lag_frames - 1] < r.dac_start_ns);
	cr_expect_leq(ad.u_lag_frames, 0.3);
	cr_expect(fabs(ad.lag_frac_frames -
		       (double)(r.dac_start_ns - r.dut_ts[0]) * DUT_HZ * 1e-9) < 0.01,
		  "fraction %.4f", ad.lag_frac_frames);
	bench_rig_close(rig);
	rec_free(&r);
}

Test(hw_sim, loopback_sine_has_the_model_gain_and_delay)
{
	struct bench_rig *rig;
	struct rec r;
	double gm, dm, sa = 0, sb = 0, ss = 0, sc = 0, w = 2 * M_PI * 10.0;
	double m[3][3] = { { 0 } }, v[3] = { 0 }, a, b, g, d;
	int64_t t0;
	size_t j, used = 0;

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	rig = open_rig(0);
	cr_assert_eq(bench_rig_power_up(rig), 0);
	rec_init(&r, STIM_SINE, 200.0, 10.0, 4.0);
	rec_run(&r, rig);
	t0 = stimulus_t0_ns(&r);

	/* Least-squares y = a sin(wt) + b cos(wt) + c over 1.5..3.5 s (filters settled). */
	for (j = 0; j < r.n_dut; j++) {
		double t = (double)(r.dut_ts[j] - t0) * 1e-9, x[3];
		size_t p, q;

		if (t < 1.5 || t > 3.5)
			continue;
		x[0] = sin(w * t);
		x[1] = cos(w * t);
		x[2] = 1;
		for (p = 0; p < 3; p++) {
			for (q = 0; q < 3; q++)
				m[p][q] += x[p] * x[q];
			v[p] += x[p] * r.dut[j];
		}
		used++;
	}
	cr_assert_gt(used, 1900);
	/* The sine and cosine columns are orthogonal over whole periods; solve 2x2 (c ~ 0). */
	sa = m[0][0];
	sb = m[1][1];
	sc = m[0][1];
	ss = sa * sb - sc * sc;
	a = (v[0] * sb - v[1] * sc) / ss;
	b = (v[1] * sa - v[0] * sc) / ss;
	g = sqrt(a * a + b * b) / 200.0;
	d = atan2(-b, a) / w;
	cr_assert_eq(bench_sim_dut_response(sim, 10.0, &gm, &dm), 0);
	cr_expect(fabs(g / gm - 1) < 0.005, "gain %.5f, model %.5f", g, gm);
	cr_expect(fabs(d - dm) < 1.0 / DUT_HZ, "delay %.6f s, model %.6f s", d, dm);
	rec_free(&r);
	bench_rig_close(rig);
}

Test(hw_sim, loopback_pulse_train_has_the_model_gain_and_delay)
{
	struct bench_alignment al;
	struct bench_rig *rig;
	struct rec r;
	float *expect, *got;
	double gm, dm, sxx = 0, syy = 0;
	int64_t t0;
	size_t j, n = 0, k;

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	rig = open_rig(0);
	cr_assert_eq(bench_rig_power_up(rig), 0);
	rec_init(&r, STIM_PULSES, 200.0, 0, 6.0);
	rec_run(&r, rig);
	t0 = stimulus_t0_ns(&r);

	/* The stimulus at each DUT sample time (DUT ticks fall on DAC ticks), after 1 s. */
	expect = calloc(r.n_dut, sizeof(float));
	got = calloc(r.n_dut, sizeof(float));
	cr_assert(expect && got);
	for (j = 0; j < r.n_dut; j++) {
		int64_t dt = r.dut_ts[j] - t0;

		if (dt < 1000000000 || dt % NS_PER_DAC_TICK != 0)
			continue;
		k = (size_t)(dt / NS_PER_DAC_TICK);
		if (k >= r.total)
			break;
		expect[n] = r.stim[k];
		got[n++] = r.dut[j];
	}
	cr_assert_gt(n, 4000);
	cr_assert_eq(bench_align_xcorr(expect, got, n, 20, &al), 0);
	cr_expect_gt(al.peak_corr, 0.99);
	for (j = 0; j + (size_t)al.lag_frames < n; j++) {
		sxx += (double)expect[j] * expect[j];
		syy += (double)got[j + (size_t)al.lag_frames] * got[j + (size_t)al.lag_frames];
	}
	/* The pulses' energy sits around 16 Hz. */
	cr_assert_eq(bench_sim_dut_response(sim, 16.0, &gm, &dm), 0);
	cr_expect(fabs(sqrt(syy / sxx) / gm - 1) < 0.005, "gain %.5f, model %.5f", sqrt(syy / sxx),
		  gm);
	cr_expect(fabs(al.lag_frac_frames / DUT_HZ - dm) <= 1.0 / DUT_HZ,
		  "delay %.2f samples, model %.2f samples", al.lag_frac_frames, dm * DUT_HZ);
	free(expect);
	free(got);
	rec_free(&r);
	bench_rig_close(rig);
}

static void read_attr(struct bench_rig *rig, const char *dev, const char *ch, const char *attr,
		      bool debug, char *buf, size_t size)
{
	cr_assert_eq(bench_rig_read_attr(rig, dev, ch, attr, debug, buf, size), 0, "%s/%s", dev,
		     attr);
}

Test(hw_sim, stimulus_one_uv_over_the_envelope_is_refused_and_nothing_is_emitted)
{
	struct bench_stream_config cfg = { .output = true, .capture_mask = 0x1 };
	struct bench_envelope_violation v;
	struct bench_stream *s = NULL;
	struct bench_rig *rig;
	struct rec r;
	char buf[64];

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	rig = open_rig(0);
	rec_init(&r, STIM_SINE, 401.0, 10.0, 1.0); /* limit: max-abs-uv 400 */
	cr_expect_eq(bench_stream_preflight(rig, rec_fill, &r, &v), -ERANGE);
	cr_expect_str_eq(v.channel, "stim0");
	cr_expect_eq(v.kind, BENCH_ENVELOPE_ABS);
	cr_expect_float_eq(v.limit, 400.0, 1e-9);
	cr_expect_gt(v.value, 400.0);
	/* Even straight into a stream, the block is refused before anything is queued. */
	r.frame = 0;
	cr_assert_eq(bench_stream_open(rig, &cfg, &s), 0);
	cr_expect_eq(bench_stream_run(s, rec_fill, &r, NULL, NULL, 0, &v, NULL), -ERANGE);
	bench_stream_close(s);
	read_attr(rig, "bench-dac", NULL, "peak_code", true, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0");
	read_attr(rig, "bench-dac", NULL, "samples_in", true, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0");
	rec_free(&r);
	bench_rig_close(rig);
}

Test(hw_sim, power_up_sequence_brings_the_dut_to_ready_and_close_powers_it_off)
{
	struct bench_rig *rig, *probe;
	bool on = false;
	char buf[64];

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	rig = open_rig(0);
	cr_assert_eq(bench_line_get(bench_rig_line(rig, "dut-power"), &on), 0);
	cr_expect_not(on, "open parks the rig: DUT power off");
	cr_assert_eq(bench_rig_power_up(rig), 0);
	cr_assert_eq(bench_line_get(bench_rig_line(rig, "ready"), &on), 0);
	cr_expect(on);
	cr_expect_eq(bench_line_set(bench_rig_line(rig, "ready"), true), -EPERM);
	cr_expect_str_eq(bench_line_backend_name(bench_rig_line(rig, "ready")), "iio");
	bench_rig_close(rig);
	probe = open_rig(BENCH_RIG_PROBE);
	read_attr(probe, "bench-lines", "power", "raw", false, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0", "closing the rig leaves the DUT unpowered");
	bench_rig_close(probe);
}

/* ---- the bench as a separate process ------------------------------------- */

struct child {
	pid_t pid;
	int fd;
	char log[16384];
	size_t len;
};

static void spawn(struct child *c, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	size_t i;
	int p[2];

	memset(c, 0, sizeof(*c));
	cr_assert_eq(pipe(p), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	cr_assert_eq(posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	c->fd = p[0];
	for (i = 0; i < n_children && children[i] > 0; i++)
		;
	cr_assert_lt(i, sizeof(children) / sizeof(children[0]));
	children[i] = c->pid;
	if (i == n_children)
		n_children++;
}

/* Reads the child's output until @needle appears (true) or it closes (false). */
static bool wait_for(struct child *c, const char *needle)
{
	while (!strstr(c->log, needle)) {
		ssize_t n = read(c->fd, c->log + c->len, sizeof(c->log) - 1 - c->len);

		if (n <= 0)
			return false;
		c->len += (size_t)n;
		c->log[c->len] = '\0';
	}
	return true;
}

/* Reads to EOF and reaps; returns the exit status, or 128 + signal. */
static int finish(struct child *c)
{
	size_t i;
	int st;

	wait_for(c, "\x01never\x01");
	close(c->fd);
	cr_assert_eq(waitpid(c->pid, &st, 0), c->pid);
	for (i = 0; i < n_children; i++)
		if (children[i] == c->pid)
			children[i] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static const char *bench_bin(void)
{
	const char *b = getenv("BCIBENCH");

	cr_assert_not_null(b, "BCIBENCH must point at the bcibench binary");
	return b;
}

static char fixture_path[512];
static char marker_path[64];

static void run_bench(struct child *c, const char *seconds, const char *extra)
{
	char *argv[16];
	int n = 0;

	snprintf(fixture_path, sizeof(fixture_path), "%s/fixtures/sim/eeg-amp.fixture.xml",
		 src_root());
	snprintf(marker_path, sizeof(marker_path), "/tmp/test-hw-sim-marker-%ld", (long)getpid());
	argv[n++] = (char *)bench_bin();
	argv[n++] = "-v";
	argv[n++] = "run";
	argv[n++] = "--fixture";
	argv[n++] = fixture_path;
	argv[n++] = "--uri";
	argv[n++] = uri;
	argv[n++] = "--marker";
	argv[n++] = marker_path;
	argv[n++] = "--seconds";
	argv[n++] = (char *)seconds;
	argv[n++] = "--sine";
	argv[n++] = extra ? (char *)extra : "100@10";
	argv[n] = NULL;
	spawn(c, argv);
}

/*
 * The DAC output as the loopback ADC sees it: captures @seconds and returns
 * the largest |uV| over the last quarter (after any queued samples drained).
 */
static double loopback_peak_uv(double seconds)
{
	struct bench_stream_config cfg = { .capture_mask = 0x1 };
	struct bench_stream *s = NULL;
	struct bench_rig *probe = open_rig(BENCH_RIG_PROBE);
	size_t want = (size_t)(seconds * DAC_HZ), got = 0, n, k, w;
	float buf[800 * 2];
	double peak = 0;

	cr_assert_eq(bench_stream_open(probe, &cfg, &s), 0);
	w = bench_stream_capture_width(s, 0);
	cr_assert_eq(bench_stream_start(s), 0);
	while (got < want) {
		cr_assert_eq(bench_stream_read(s, 0, buf, NULL, 800 * 2 / w, 3000000000LL, &n), 0);
		for (k = 0; k < n; k++)
			if (got + k > want * 3 / 4 && fabs(buf[k * w]) > peak)
				peak = fabs(buf[k * w]);
		got += n;
	}
	bench_stream_close(s);
	bench_rig_close(probe);
	return peak;
}

static void expect_signal_leaves_rig_safe(int sig)
{
	struct child c;
	struct bench_rig *probe;
	char buf[64];
	int rc;

	start_sim(BENCH_SIM_PACE_REALTIME, NULL);
	run_bench(&c, "30", NULL);
	cr_assert(wait_for(&c, "stream started"), "%s", c.log);
	cr_assert(wait_for(&c, "capture"), "%s", c.log);
	kill(c.pid, sig);
	rc = finish(&c);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, c.log);
	cr_expect(strstr(c.log, sig == SIGTERM ? "safe state (SIGTERM): done" :
						 "safe state (SIGINT): done") != NULL,
		  "%s", c.log);
	probe = open_rig(BENCH_RIG_PROBE);
	read_attr(probe, "bench-lines", "power", "raw", false, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0", "DUT power must be off");
	read_attr(probe, "bench-dac", "voltage0", "raw", false, buf, sizeof(buf));
	cr_expect_str_eq(buf, "0", "DAC static level must be 0");
	bench_rig_close(probe);
	cr_expect_lt(loopback_peak_uv(1.0), 0.05, "the DAC must be at 0 uV");
	unlink(marker_path);
}

Test(hw_sim, sigterm_mid_run_leaves_dac_at_zero_and_dut_off, .timeout = 60)
{
	expect_signal_leaves_rig_safe(SIGTERM);
}

Test(hw_sim, sigint_mid_run_leaves_dac_at_zero_and_dut_off, .timeout = 60)
{
	expect_signal_leaves_rig_safe(SIGINT);
}

Test(hw_sim, sigkill_mid_run_leaves_dac_at_zero_and_next_start_applies_safe_state, .timeout = 60)
{
	struct child c, c2;
	int rc;

	start_sim(BENCH_SIM_PACE_REALTIME, NULL);
	run_bench(&c, "30", NULL);
	cr_assert(wait_for(&c, "stream started"), "%s", c.log);
	kill(c.pid, SIGKILL);
	rc = finish(&c);
	cr_expect_eq(rc, 128 + SIGKILL);
	/* No safe state ran: the server closing the buffer on disconnect is what stops it. */
	cr_expect_lt(loopback_peak_uv(1.0), 0.05, "the DAC must be at 0 uV");
	/* The marker is still there: the next start parks the rig first and says so. */
	cr_expect_eq(access(marker_path, F_OK), 0);
	run_bench(&c2, "0.1", NULL);
	rc = finish(&c2);
	cr_expect_eq(rc, 0, "%s", c2.log);
	cr_expect(strstr(c2.log, "stopped uncleanly") != NULL, "%s", c2.log);
	cr_expect(strstr(c2.log, "safe state (unclean-stop): done") != NULL, "%s", c2.log);
	cr_expect_neq(access(marker_path, F_OK), 0, "a clean end removes the marker");
}

static void expect_rig_error(const char *fault, const char *seconds)
{
	struct child c;
	int rc;

	start_sim(BENCH_SIM_PACE_FAST, fault);
	run_bench(&c, seconds, NULL);
	rc = finish(&c);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, c.log);
	cr_expect(strstr(c.log, "ERROR: device ") != NULL, "no device named: %s", c.log);
	cr_expect(strstr(c.log, "safe state (error)") != NULL, "%s", c.log);
	unlink(marker_path);
}

Test(hw_sim, rig_that_disconnects_mid_trial_is_an_error_naming_the_device)
{
	expect_rig_error("disconnect_after_s=1", "3");
}

Test(hw_sim, rig_that_stalls_mid_trial_is_an_error_naming_the_device, .timeout = 60)
{
	struct child c;
	int rc;

	start_sim(BENCH_SIM_PACE_REALTIME, NULL);
	run_bench(&c, "30", NULL);
	cr_assert(wait_for(&c, "stream started"), "%s", c.log);
	/* Every answer now takes 6 s: past the 5 s client timeout (EPIPE in libiio 0.24). */
	cr_assert_eq(bench_sim_set_fault(sim, "slow_ms=6000"), 0);
	cr_assert(wait_for(&c, "ERROR: device "), "%s", c.log);
	/* Let safe state reach the rig again. */
	cr_assert_eq(bench_sim_set_fault(sim, "clear=1"), 0);
	rc = finish(&c);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, c.log);
	cr_expect(strstr(c.log, "safe state (error)") != NULL, "%s", c.log);
	unlink(marker_path);
}

Test(hw_sim, rig_that_crashes_mid_trial_is_an_error_naming_the_device, .timeout = 60)
{
	struct child srv, c;
	char *argv[] = { (char *)bench_bin(), "sim", "--dut", "eeg-amp", "--port", "0", "--pace",
			 "realtime",	      NULL };
	char *nl;
	int rc;

	spawn(&srv, argv);
	cr_assert(wait_for(&srv, "\n"), "%s", srv.log);
	cr_assert(sscanf(srv.log, "listening %63s", uri) == 1, "%s", srv.log);
	nl = strchr(uri, '\n');
	if (nl)
		*nl = '\0';
	run_bench(&c, "30", NULL);
	cr_assert(wait_for(&c, "stream started"), "%s", c.log);
	kill(srv.pid, SIGKILL);
	finish(&srv);
	rc = finish(&c);
	cr_expect_eq(rc, 2, "exit %d: %s", rc, c.log);
	cr_expect(strstr(c.log, "ERROR: device ") != NULL, "no device named: %s", c.log);
	unlink(marker_path);
}

/* Writes the sim fixture with @from replaced by @to into a temp file. */
static void write_variant(char *path, size_t size, const char *from, const char *to)
{
	char src[512], *text, *at;
	FILE *f;
	long len;
	int fd;

	snprintf(src, sizeof(src), "%s/fixtures/sim/eeg-amp.fixture.xml", src_root());
	f = fopen(src, "r");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	at = strstr(text, from);
	cr_assert_not_null(at, "%s", from);
	snprintf(path, size, "/tmp/test-hw-sim-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fwrite(text, 1, (size_t)(at - text), f);
	fputs(to, f);
	fputs(at + strlen(from), f);
	fclose(f);
	free(text);
}

static void expect_bad_fixture(const char *from, const char *to, const char *cert,
			       const char *needle)
{
	char path[64], want[128];
	char *argv[16];
	struct child c;
	int n = 0, rc;

	write_variant(path, sizeof(path), from, to);
	argv[n++] = (char *)bench_bin();
	argv[n++] = "run";
	argv[n++] = "--fixture";
	argv[n++] = path;
	argv[n++] = "--uri";
	argv[n++] = uri;
	argv[n++] = "--seconds";
	argv[n++] = "1";
	argv[n++] = "--sine";
	argv[n++] = "10@10";
	if (cert)
		argv[n++] = (char *)cert;
	argv[n] = NULL;
	spawn(&c, argv);
	rc = finish(&c);
	unlink(path);
	cr_expect_eq(rc, 64, "exit %d: %s", rc, c.log);
	snprintf(want, sizeof(want), "%s:", path);
	cr_expect(strstr(c.log, want) != NULL, "no FILE:LINE: %s", c.log);
	cr_expect(strstr(c.log, needle) != NULL, "'%s' not in: %s", needle, c.log);
}

Test(hw_sim, bad_fixtures_give_file_line_and_exit_64)
{
	start_sim(BENCH_SIM_PACE_FAST, NULL);
	/* a device the context does not have */
	expect_bad_fixture("device=\"bench-dac\"", "device=\"no-such-dac\"", NULL,
			   "DAC device 'no-such-dac' is not on the context");
	/* a channel the device does not have */
	expect_bad_fixture("iio-channel=\"voltage3\" dut-input=\"ch3\"",
			   "iio-channel=\"voltage9\" dut-input=\"ch3\"", NULL,
			   "has no output scan channel 'voltage9'");
	/* a line the rig does not have */
	expect_bad_fixture("channel=\"trigger\"", "channel=\"trigger7\"", NULL, "trigger7");
	/* schema violation */
	expect_bad_fixture("buffer-frames=\"800\"", "buffer-frames=\"0\"", NULL, "buffer-frames");
	/* envelope missing */
	expect_bad_fixture("<envelope max-continuous-s=\"3600\">\n    <limit channel=\"*\" "
			   "max-abs-uv=\"400\" max-slew-uv-per-s=\"2000000\" max-dc-uv=\"200\"/>\n"
			   "  </envelope>\n",
			   "", NULL, "envelope");
	/* calibration expired, certification run */
	expect_bad_fixture("date=\"2026-01-01\" due=\"2099-12-31\"/>\n    </instrument>\n"
			   "    <instrument id=\"adc\"",
			   "date=\"2020-01-01\" due=\"2020-12-31\"/>\n    </instrument>\n"
			   "    <instrument id=\"adc\"",
			   "--certification", "expired");
}

Test(hw_sim, run_path_writes_stimulus_and_captures_as_bdf_with_the_onset_marked)
{
	char dir[] = "/tmp/test-hw-run-XXXXXX", path[128], *argv[16];
	struct bench_edf_data *stim = NULL, *dut = NULL;
	struct child c;
	double peak = 0;
	size_t k, onset = 0;
	bool found = false;
	int n = 0, rc;

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(fixture_path, sizeof(fixture_path), "%s/fixtures/sim/eeg-amp.fixture.xml",
		 src_root());
	snprintf(marker_path, sizeof(marker_path), "/tmp/test-hw-sim-marker-%ld", (long)getpid());
	argv[n++] = (char *)bench_bin();
	argv[n++] = "run";
	argv[n++] = "--fixture";
	argv[n++] = fixture_path;
	argv[n++] = "--uri";
	argv[n++] = uri;
	argv[n++] = "--marker";
	argv[n++] = marker_path;
	argv[n++] = "--seconds";
	argv[n++] = "2";
	argv[n++] = "--sine";
	argv[n++] = "100@10";
	argv[n++] = "--out";
	argv[n++] = dir;
	argv[n] = NULL;
	spawn(&c, argv);
	rc = finish(&c);
	cr_assert_eq(rc, 0, "%s", c.log);
	snprintf(path, sizeof(path), "%s/stimulus.bdf", dir);
	cr_assert_eq(bench_edf_read(path, &stim), 0);
	cr_expect_eq(stim->n_channels, 4);
	cr_expect_float_eq(stim->rate_hz, DAC_HZ, 1e-9);
	cr_expect_geq(stim->frames, 16000);
	snprintf(path, sizeof(path), "%s/dut.bdf", dir);
	cr_assert_eq(bench_edf_read(path, &dut), 0);
	cr_expect_float_eq(dut->rate_hz, DUT_HZ, 1e-9);
	for (k = 0; k < dut->n_annotations; k++)
		if (!strcmp(dut->annotations[k].text, "stimulus onset")) {
			found = true;
			onset = (size_t)(dut->annotations[k].onset_ns / 1000000);
		}
	cr_expect(found, "the DUT file marks the stimulus onset");
	/* Between 0.5 s and 1.5 s after the onset the DUT shows the 100 uV sine. */
	for (k = onset + 500; k < onset + 1500 && k < dut->frames; k++)
		peak = fmax(peak, fabs(dut->samples[k]));
	cr_expect(fabs(peak - 100.0) < 2.0, "peak %.3f uV", peak);
	bench_edf_data_free(stim);
	bench_edf_data_free(dut);
	snprintf(path, sizeof(path), "%s/stimulus.bdf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ref.bdf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/dut.bdf", dir);
	unlink(path);
	rmdir(dir);
}

Test(hw_sim, run_path_plays_a_signal_gen_stimulus_on_an_in_process_rig)
{
	char spec[] = "/tmp/test-hw-stim-XXXXXX", *argv[12];
	struct child c;
	FILE *f;
	int fd, n = 0, rc;

	fd = mkstemp(spec);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	fputs("<?xml version=\"1.0\"?>\n<stimulus rate_hz=\"8000\" channels=\"1\" duration_s=\"1\">\n"
	      "  <source model=\"sine\" channels=\"0\"><param name=\"amp_uv\" value=\"150\"/>"
	      "<param name=\"freq_hz\" value=\"12\"/></source>\n</stimulus>\n",
	      f);
	fclose(f);
	snprintf(fixture_path, sizeof(fixture_path), "%s/fixtures/sim/eeg-amp.fixture.xml",
		 src_root());
	snprintf(marker_path, sizeof(marker_path), "/tmp/test-hw-sim-marker-%ld", (long)getpid());
	argv[n++] = (char *)bench_bin();
	argv[n++] = "run";
	argv[n++] = "--fixture";
	argv[n++] = fixture_path; /* sim:eeg-amp, no --uri: the rig runs in-process */
	argv[n++] = "--marker";
	argv[n++] = marker_path;
	argv[n++] = "--stimulus";
	argv[n++] = spec;
	argv[n] = NULL;
	spawn(&c, argv);
	rc = finish(&c);
	unlink(spec);
	cr_expect_eq(rc, 0, "%s", c.log);
	cr_expect(strstr(c.log, "stimulus: 8000 frames at 8000.0 Hz") != NULL, "%s", c.log);
	/* 150 uV sine: rms 106 uV over the stimulus, less over the 100 ms tail */
	cr_expect(strstr(c.log, "capture dut (dut): 1100 frames") != NULL, "%s", c.log);
}

Test(hw_sim, self_calibration_recovers_a_wrong_calibration_record)
{
	struct bench_fixture_error err;
	struct bench_fixture *wrong = NULL;
	struct bench_selfcal_result res;
	struct bench_envelope_violation v;
	struct bench_rig *rig = NULL;
	char path[64];

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	/* The record claims the DAC path is 2 % hot: the bench then plays 2 % low. */
	write_variant(path, sizeof(path), "dut-input=\"ch0\" attenuation-uv-per-v=\"100\"",
		      "dut-input=\"ch0\" attenuation-uv-per-v=\"100\" cal-gain=\"1.02\"");
	cr_assert_eq(bench_fixture_load(path, 0, 0, &wrong, &err), 0, "%s", err.text);
	unlink(path);
	cr_assert_eq(bench_rig_open(wrong, uri, 0, &rig, &err), 0, "%s", err.text);
	cr_assert_eq(bench_selfcal_channel(rig, 0, 0, 1.0, &res, &v), 0);
	cr_expect_str_eq(res.channel, "stim0");
	cr_expect_str_eq(res.loopback, "ref0");
	cr_expect(fabs(res.gain - 1 / 1.02) < 1e-3, "gain %.6f", res.gain);
	cr_expect(fabs(res.cal_gain_new - 1.0) < 1e-3, "corrected record %.6f", res.cal_gain_new);
	cr_expect_lt(res.u_gain, 1e-3);
	cr_expect(fabs(res.offset_uv) < 0.1, "offset %.4f uV", res.offset_uv);
	/* A channel without a loopback tap cannot be self-calibrated. */
	cr_expect_eq(bench_selfcal_channel(rig, 1, 0, 1.0, &res, &v), -ENOENT);
	bench_rig_close(rig);
	bench_fixture_free(wrong);
}

Test(hw_sim, calibrate_command_reports_gain_and_offset_per_channel)
{
	char *argv[10];
	struct child c;
	int n = 0, rc;

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	snprintf(fixture_path, sizeof(fixture_path), "%s/fixtures/sim/eeg-amp.fixture.xml",
		 src_root());
	snprintf(marker_path, sizeof(marker_path), "/tmp/test-hw-sim-marker-%ld", (long)getpid());
	argv[n++] = (char *)bench_bin();
	argv[n++] = "calibrate";
	argv[n++] = "--fixture";
	argv[n++] = fixture_path;
	argv[n++] = "--uri";
	argv[n++] = uri;
	argv[n++] = "--marker";
	argv[n++] = marker_path;
	argv[n] = NULL;
	spawn(&c, argv);
	rc = finish(&c);
	cr_expect_eq(rc, 0, "%s", c.log);
	cr_expect(strstr(c.log, "stim0        ref0") != NULL, "%s", c.log);
	cr_expect(strstr(c.log, "cal-gain=\"1.0000") != NULL, "%s", c.log);
}

/*
 * The capture conversion of plain s16 channels (one vectorised loop per frame)
 * gives exactly code x uV-per-code rounded once to float: the same samples read
 * raw through libiio from a second rig with the same seed (fast pace: same
 * seed, same samples) convert bit for bit.
 */
Test(hw_sim, s16_capture_conversion_is_bit_exact)
{
	struct bench_sim_options o = { .dut_name = "neural-recorder", .seed = 11 };
	struct bench_stream_config cfg = { 0 };
	struct bench_fixture_error err;
	struct bench_fixture *nfx = NULL;
	struct bench_sim *sim_b = NULL;
	struct bench_stream *st = NULL;
	struct bench_rig *rig = NULL;
	struct iio_context *ctx;
	struct iio_device *dev;
	struct iio_buffer *buf;
	char path[512], uri_b[64];
	const size_t want = 12000; /* 0.4 s: past the DUT's boot */
	size_t cap_i = 0, nch, w, got = 0, k, f, nonzero = 0, bad = 0;
	float *bench_uv;
	double *lsb;

	snprintf(path, sizeof(path), "%s/fixtures/sim/neural-recorder.fixture.xml", src_root());
	cr_assert_eq(bench_fixture_load(path, 0, 0, &nfx, &err), 0, "%s", err.text);
	while (cap_i < nfx->n_captures && nfx->captures[cap_i].kind != BENCH_FIXTURE_CAPTURE_DUT)
		cap_i++;
	cr_assert_lt(cap_i, nfx->n_captures);
	nch = nfx->captures[cap_i].n_channels;
	cr_assert_eq(bench_sim_start(&o, &sim), 0);
	cr_assert_eq(bench_sim_uri(sim, uri, sizeof(uri)), 0);
	cr_assert_eq(bench_sim_start(&o, &sim_b), 0);
	cr_assert_eq(bench_sim_uri(sim_b, uri_b, sizeof(uri_b)), 0);

	/* Rig A through the bench's stream path (probe: the lines, and so the DUT, untouched). */
	cr_assert_eq(bench_rig_open(nfx, uri, BENCH_RIG_PROBE, &rig, &err), 0, "%s", err.text);
	cfg.capture_mask = 1u << cap_i;
	cr_assert_eq(bench_stream_open(rig, &cfg, &st), 0);
	w = bench_stream_capture_width(st, cap_i);
	bench_uv = calloc((want + 1000) * w, sizeof(float));
	lsb = calloc(nch, sizeof(double));
	cr_assert(bench_uv && lsb);
	for (k = 0; k < nch; k++)
		lsb[k] = bench_rig_capture_lsb_uv(rig, cap_i, k);
	cr_assert_eq(bench_stream_start(st), 0);
	while (got < want) {
		size_t n = 0;

		cr_assert_eq(bench_stream_read(st, cap_i, bench_uv + got * w, NULL, 1000,
					       5000000000LL, &n),
			     0);
		got += n;
	}
	bench_stream_close(st);
	bench_rig_close(rig);

	/* Rig B raw: the same channels' codes. */
	ctx = iio_create_context_from_uri(uri_b);
	cr_assert_not_null(ctx);
	dev = iio_context_find_device(ctx, "dut");
	cr_assert_not_null(dev);
	for (k = 0; k < nch; k++)
		iio_channel_enable(
			iio_device_find_channel(dev, nfx->captures[cap_i].channels[k].iio_channel,
						false));
	buf = iio_device_create_buffer(dev, 1000, false);
	cr_assert_not_null(buf);
	for (f = 0; f < want;) {
		size_t n;

		cr_assert_gt(iio_buffer_refill(buf), 0);
		n = (size_t)(((char *)iio_buffer_end(buf) - (char *)iio_buffer_start(buf)) /
			     iio_buffer_step(buf));
		for (k = 0; k < nch; k++) {
			struct iio_channel *ch = iio_device_find_channel(
				dev, nfx->captures[cap_i].channels[k].iio_channel, false);
			const char *p = iio_buffer_first(buf, ch);
			size_t i;

			for (i = 0; i < n && f + i < want; i++) {
				int16_t code;
				float expect;

				memcpy(&code, p + i * (size_t)iio_buffer_step(buf), 2);
				expect = (float)((double)code * lsb[k]);
				nonzero += code != 0;
				bad += memcmp(&expect, &bench_uv[(f + i) * w + k], sizeof(float)) !=
				       0;
			}
		}
		f += n;
	}
	iio_buffer_destroy(buf);
	iio_context_destroy(ctx);
	cr_expect_gt(nonzero, want * nch / 2, "the DUT must be producing noise codes");
	cr_expect_eq(bad, 0, "%zu of %zu values differ", bad, want * nch);
	free(bench_uv);
	free(lsb);
	bench_sim_stop(sim_b);
	bench_fixture_free(nfx);
}

/*
 * calibrate --db stores the corrected record (issue 5 item 4), and a later run
 * on the same store computes its DAC codes from it instead of the fixture's.
 */
Test(hw_sim, calibrate_db_record_drives_later_dac_codes)
{
	struct bench_store_instrument in = { .kind = "dac",
					     .model = "sim bench-dac",
					     .serial = "SIM-DAC-0001" };
	struct bench_store_calibration_found f;
	struct bench_fixture_error err;
	struct bench_fixture *wrong = NULL;
	struct bench_store *st = NULL;
	struct bench_rig *rig = NULL;
	char path[64], db[96], today[16], due[16], shm[112];
	int32_t code_wrong, code_good, code_after;
	time_t now = time(NULL), later = now + 30 * 86400;
	struct tm tm;
	char *argv[16];
	struct child c;
	int n = 0, rc;

	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	gmtime_r(&later, &tm);
	strftime(due, sizeof(due), "%Y-%m-%d", &tm);
	start_sim(BENCH_SIM_PACE_FAST, NULL);
	/* A fixture whose record claims the DAC path is 2 % hot. */
	write_variant(path, sizeof(path), "dut-input=\"ch0\" attenuation-uv-per-v=\"100\"",
		      "dut-input=\"ch0\" attenuation-uv-per-v=\"100\" cal-gain=\"1.02\"");
	snprintf(db, sizeof(db), "/tmp/test-hw-sim-cal-%ld.db", (long)getpid());
	unlink(db);
	snprintf(marker_path, sizeof(marker_path), "/tmp/test-hw-sim-marker-%ld", (long)getpid());
	argv[n++] = (char *)bench_bin();
	argv[n++] = "calibrate";
	argv[n++] = "--fixture";
	argv[n++] = path;
	argv[n++] = "--uri";
	argv[n++] = uri;
	argv[n++] = "--marker";
	argv[n++] = marker_path;
	argv[n++] = "--seconds";
	argv[n++] = "1";
	argv[n++] = "--db";
	argv[n++] = db;
	argv[n] = NULL;
	spawn(&c, argv);
	rc = finish(&c);
	cr_assert_eq(rc, 0, "%s", c.log);
	cr_expect(strstr(c.log, "stored: ") != NULL, "%s", c.log);

	/* The record: corrected gain ~1, in uV, loopback, dated today, due in 30 days. */
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_find_calibration(st, &in, "stim0", "loopback", today, &f), 0);
	cr_expect(fabs(f.gain - 1.0) < 1e-3, "stored gain %.6f", f.gain);
	cr_expect(fabs(f.offset) < 0.5, "stored offset %.3f uV", f.offset);
	cr_expect_str_eq(f.offset_unit, "uV");
	cr_expect_str_eq(f.method, "loopback");
	cr_expect(f.u_gain > 0 && f.u_gain < 1e-3, "u(gain) %g", f.u_gain);
	cr_expect(strncmp(f.cal_date, today, 10) == 0, "cal_date %s", f.cal_date);
	cr_expect_str_eq(f.due_date, due);
	/* Channels without a loopback tap got no record; past its due date none is valid. */
	cr_expect_eq(bench_store_find_calibration(st, &in, "stim1", NULL, today, &f), -ENOENT);
	cr_expect_eq(bench_store_find_calibration(st, &in, "stim0", NULL, "2999-01-01", &f),
		     -ENOENT);

	/* DAC codes: the wrong record gives 2 % less code; the stored one restores it. */
	cr_assert_eq(bench_fixture_load(path, 0, 0, &wrong, &err), 0, "%s", err.text);
	cr_assert_eq(bench_rig_open(wrong, uri, 0, &rig, &err), 0, "%s", err.text);
	cr_assert_eq(bench_calib_dac_code(bench_rig_dac_calib(rig, 0), 300.0, &code_wrong), 0);
	cr_assert_eq(bench_store_find_calibration(st, &in, "stim0", NULL, today, &f), 0);
	cr_assert_eq(bench_rig_set_dac_calibration(rig, 0, f.gain, f.offset), 0);
	cr_assert_eq(bench_calib_dac_code(bench_rig_dac_calib(rig, 0), 300.0, &code_after), 0);
	bench_rig_close(rig);
	rig = NULL;
	cr_assert_eq(bench_rig_open(fx, uri, 0, &rig, &err), 0, "%s", err.text);
	cr_assert_eq(bench_calib_dac_code(bench_rig_dac_calib(rig, 0), 300.0, &code_good), 0);
	bench_rig_close(rig);
	cr_expect_lt(code_wrong, code_good - 20, "wrong %d good %d", code_wrong, code_good);
	cr_expect_leq(abs(code_after - code_good), 1, "after %d good %d", code_after, code_good);
	bench_store_close(st);

	/* The CLI run path picks the stored record up by itself. */
	n = 0;
	argv[n++] = (char *)bench_bin();
	argv[n++] = "run";
	argv[n++] = "--fixture";
	argv[n++] = path;
	argv[n++] = "--uri";
	argv[n++] = uri;
	argv[n++] = "--marker";
	argv[n++] = marker_path;
	argv[n++] = "--seconds";
	argv[n++] = "0.2";
	argv[n++] = "--sine";
	argv[n++] = "100@10";
	argv[n++] = "--db";
	argv[n++] = db;
	argv[n] = NULL;
	spawn(&c, argv);
	rc = finish(&c);
	cr_expect_eq(rc, 0, "%s", c.log);
	cr_expect(strstr(c.log, "calibration in force for stim0: gain 1.00") != NULL, "%s", c.log);
	unlink(path);
	bench_fixture_free(wrong);
	unlink(db);
	snprintf(shm, sizeof(shm), "%s-wal", db);
	unlink(shm);
	snprintf(shm, sizeof(shm), "%s-shm", db);
	unlink(shm);
}

struct spikes {
	uint64_t frame, total;
	size_t nch;
	uint32_t codes[256];
	size_t n_codes, width;
};

/* Negative Gaussian spikes (-100 uV, sigma 0.2 ms) every 50 ms on DAC channel 1. */
static int spikes_fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct spikes *sp = ctx;
	size_t n = 0, c;

	while (n < max_frames && sp->frame < sp->total) {
		double t = (double)(sp->frame % 1500) / 30000.0 - 0.025;

		for (c = 0; c < sp->nch; c++)
			uv[n * sp->nch + c] = c == 1 ? (float)(-100.0 * exp(-0.5 * t * t /
									    (0.0002 * 0.0002))) :
						       0.0f;
		sp->frame++;
		n++;
	}
	*ret_frames = n;
	return 0;
}

static int spikes_sink(void *ctx, size_t index, const float *uv, const int64_t *ts, size_t n)
{
	struct spikes *sp = ctx;
	size_t f;

	(void)ts;
	for (f = 0; index == 1 && f < n; f++) {
		uint32_t code = bench_stream_event_code(uv[f * sp->width + sp->width - 1]);

		if (code && sp->n_codes < 256)
			sp->codes[sp->n_codes++] = code;
	}
	return 0;
}

Test(hw_sim, dut_event_codes_arrive_bit_exact)
{
	struct bench_stream_config cfg = { .output = true, .capture_mask = 0x3 };
	struct bench_sim_options o = { 0 };
	struct bench_fixture_error err;
	struct bench_fixture *nr = NULL;
	struct bench_stream *s = NULL;
	struct bench_rig *rig = NULL;
	struct spikes sp = { 0 };
	char path[512];
	size_t k, spikes = 0;

	o.dut_name = "neural-recorder";
	o.pace = BENCH_SIM_PACE_FAST;
	o.seed = 3;
	cr_assert_eq(bench_sim_start(&o, &sim), 0);
	cr_assert_eq(bench_sim_uri(sim, uri, sizeof(uri)), 0);
	snprintf(path, sizeof(path), "%s/fixtures/sim/neural-recorder.fixture.xml", src_root());
	cr_assert_eq(bench_fixture_load(path, 0, 0, &nr, &err), 0, "%s", err.text);
	cr_assert_eq(bench_rig_open(nr, uri, 0, &rig, &err), 0, "%s", err.text);
	cr_assert_eq(bench_rig_power_up(rig), 0);
	sp.nch = nr->dac.n_channels;
	sp.total = 30000;
	cr_assert_eq(bench_stream_open(rig, &cfg, &s), 0);
	sp.width = bench_stream_capture_width(s, 1);
	cr_assert_eq(sp.width, 65, "64 channels + the event column");
	cr_assert_eq(bench_stream_run(s, spikes_fill, &sp, spikes_sink, &sp, 100000000, NULL, NULL),
		     0);
	bench_stream_close(s);
	/* Spike detections (kind 1) on DUT channels driven by DAC channel 1: 1, 9, 17, ... */
	for (k = 0; k < sp.n_codes; k++) {
		if (sp.codes[k] >> 24 != 1)
			continue;
		spikes++;
		cr_expect_eq((sp.codes[k] & 0xffffff) % 8, 1, "code 0x%08x", sp.codes[k]);
	}
	cr_expect_geq(spikes, 8, "%zu detections of %zu events", spikes, sp.n_codes);
	bench_rig_close(rig);
	bench_fixture_free(nr);
}

/*
 * DUT sample loss (sim fault drop_every=N: every Nth DUT sample is not sent, its
 * timestamp slot stays empty, docs/sim.md). With measure_gaps the stream keeps the intact
 * frames and their timestamps, counts each gap and the frames it spans, and the capture
 * still covers the stimulus + tail in time. Without it the first gap is an error naming
 * the DUT device.
 */
static char gap_device[64];

static int gap_run(bool measure, struct rec *r, struct bench_stream_run_result *res)
{
	struct bench_stream_config cfg = { .output = true,
					   .capture_mask = 0x3,
					   .measure_gaps = measure };
	struct bench_stream *s = NULL;
	struct bench_rig *rig;
	int rc;

	start_sim(BENCH_SIM_PACE_FAST, "drop_every=10");
	rig = open_rig(0);
	cr_assert_eq(bench_rig_power_up(rig), 0);
	rec_init(r, STIM_SINE, 200.0, 10.0, 2.0);
	cr_assert_eq(bench_stream_open(rig, &cfg, &s), 0);
	r->ref_w = bench_stream_capture_width(s, 0);
	r->dut_w = bench_stream_capture_width(s, 1);
	rc = bench_stream_run(s, rec_fill, r, rec_sink, r, 200000000, NULL, res);
	/* res->error_device points into the stream */
	snprintf(gap_device, sizeof(gap_device), "%s", res->error_device);
	res->error_device = gap_device;
	bench_stream_close(s);
	bench_rig_close(rig);
	return rc;
}

Test(hw_sim, dut_timestamp_gaps_are_measured_when_the_capture_asks)
{
	struct bench_stream_run_result res;
	struct rec r;
	uint64_t lost = 0, gaps = 0, span;
	size_t j;
	int rc;

	rc = gap_run(true, &r, &res);
	cr_assert_eq(rc, 0, "stream: %s on %s", strerror(-rc), res.error_device);
	cr_assert_gt(r.n_dut, 1000);
	cr_expect_eq(res.captured_frames[1], r.n_dut);
	/* Every step of the kept timestamps is one period, or two across a lost sample. */
	for (j = 1; j < r.n_dut; j++) {
		int64_t step = r.dut_ts[j] - r.dut_ts[j - 1];

		cr_assert(step == 1000000 || step == 2000000, "step %lld ns at frame %zu",
			  (long long)step, j);
		if (step == 2000000) {
			gaps++;
			lost++;
		}
	}
	/* 1 in 10 lost, as the fault says; the stream's counters agree with the data. */
	span = (uint64_t)((r.dut_ts[r.n_dut - 1] - r.dut_ts[0]) / 1000000) + 1;
	cr_expect_eq(span, r.n_dut + lost);
	cr_expect(fabs((double)lost / (double)span - 0.1) < 1.5 / (double)span, "lost %llu of %llu",
		  (unsigned long long)lost, (unsigned long long)span);
	/* (the stream also counts the frames it reads past the end while the DAC drains) */
	cr_expect_geq(res.stats.lost_frames[1], lost);
	cr_expect_eq(res.stats.lost_frames[1], res.stats.gaps);
	cr_expect_geq(res.stats.gaps, gaps);
	/* The capture covers the 2 s stimulus and the 0.2 s tail in time, not in frames. */
	cr_expect(span >= 2199 && span <= 2200, "capture spans %llu DUT periods",
		  (unsigned long long)span);
	cr_expect_eq(res.stats.underflows, 0);
	cr_expect_eq(res.stats.overflows, 0);
	rec_free(&r);
}

Test(hw_sim, dut_timestamp_gap_is_an_error_naming_the_device_by_default)
{
	struct bench_stream_run_result res;
	struct rec r;
	int rc;

	rc = gap_run(false, &r, &res);
	cr_expect_eq(rc, -EBADMSG, "stream: %s", strerror(-rc));
	cr_expect_str_eq(res.error_device, "dut");
	cr_expect_geq(res.stats.gaps, 1);
	cr_expect_eq(res.stats.lost_frames[1], 0);
	rec_free(&r);
}

/*
 * rt_priority: the stream's threads and bench_stream_run()'s loop run under SCHED_RR where
 * the process may (else a warning, normal priority); either way the run completes and the
 * caller's own scheduling is what it was before.
 */
static int sink_policy = -1;

static int rt_sink(void *ctx, size_t index, const float *uv, const int64_t *ts, size_t n)
{
	struct sched_param sp;

	if (sink_policy < 0)
		pthread_getschedparam(pthread_self(), &sink_policy, &sp);
	return rec_sink(ctx, index, uv, ts, n);
}

/* May this process use SCHED_RR (CAP_SYS_NICE or RLIMIT_RTPRIO)? Tries and reverts. */
static bool rt_permitted(void)
{
	struct sched_param sp0, sp = { .sched_priority = 1 };
	int pol0;
	bool ok;

	pthread_getschedparam(pthread_self(), &pol0, &sp0);
	ok = pthread_setschedparam(pthread_self(), SCHED_RR, &sp) == 0;
	pthread_setschedparam(pthread_self(), pol0, &sp0);
	return ok;
}

Test(hw_sim, rt_priority_stream_completes_and_restores_the_callers_scheduling)
{
	struct bench_stream_config cfg = { .output = true,
					   .capture_mask = 0x3,
					   .rt_priority = true };
	struct bench_stream_run_result res;
	struct bench_stream *s = NULL;
	struct sched_param sp0, sp1;
	struct bench_rig *rig;
	struct rec r;
	int pol0, pol1, rc;

	start_sim(BENCH_SIM_PACE_FAST, NULL);
	rig = open_rig(0);
	cr_assert_eq(bench_rig_power_up(rig), 0);
	rec_init(&r, STIM_SINE, 200.0, 10.0, 0.5);
	cr_assert_eq(pthread_getschedparam(pthread_self(), &pol0, &sp0), 0);
	cr_assert_eq(bench_stream_open(rig, &cfg, &s), 0);
	r.ref_w = bench_stream_capture_width(s, 0);
	r.dut_w = bench_stream_capture_width(s, 1);
	rc = bench_stream_run(s, rec_fill, &r, rt_sink, &r, 100000000, NULL, &res);
	cr_expect_eq(rc, 0, "stream: %s", strerror(-rc));
	cr_expect_eq(res.stimulus_frames, r.total);
	cr_expect_eq(res.captured_frames[1], 500 + 100);
	/* the callbacks ran in the run loop, realtime where the process may */
	cr_expect_eq(sink_policy, rt_permitted() ? SCHED_RR : pol0);
	cr_assert_eq(pthread_getschedparam(pthread_self(), &pol1, &sp1), 0);
	cr_expect_eq(pol1, pol0);
	cr_expect_eq(sp1.sched_priority, sp0.sched_priority);
	bench_stream_close(s);
	bench_rig_close(rig);
	rec_free(&r);
}
