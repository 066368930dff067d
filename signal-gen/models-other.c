// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Artifacts (blink, EMG, mains, electrode pop, drift/DC offset, motion),
 * metrology waveforms (sine, square, triangle, chirp, multitone, impulse, DC
 * step, silence) and biphasic stimulation pulse trains. Parameters in uV, Hz,
 * s, ms, us; every event has truth.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "siggen-internal.h"

#define END_PARAMS                        \
	{                                 \
		NULL, NULL, 0, 0, 0, NULL \
	}

static uint64_t sec(const struct sg_src *s, double t_s)
{
	double v = nearbyint(t_s * s->fs);

	return v <= 0 ? 0 : (uint64_t)v;
}

static void free_plain(struct sg_src *s)
{
	free(s->st);
	s->st = NULL;
}

static double amp_peak(const struct sg_src *s)
{
	return fabs(s->p[0]) * 1.05;
}

/* Weight of an ocular artifact by channel name: frontal-polar 1 down to 0.05. */
static float eog_weight(const char *name)
{
	if (!strncmp(name, "Fp", 2) || !strncmp(name, "AF", 2))
		return 1.0f;
	if (name[0] == 'F' && name[1] != 'C' && name[1] != 'T')
		return 0.5f;
	if (name[0] == 'F' || name[0] == 'C' || name[0] == 'T')
		return 0.2f;
	if (name[0] == 'P' || name[0] == 'O' || name[0] == 'I')
		return 0.05f;
	return 1.0f;
}

/* ---------- a generic Poisson-event source with a per-event waveform ---------- */

struct evsrc {
	struct sg_rng ev;
	double next; /* samples */
	uint64_t start, end;
	bool on;
	int channel; /* routed index or -1 */
	float amp, f;
	double state;
	float *w;
	struct sg_rng *noise;
	double *prev;
};

static void evsrc_free(struct sg_src *s)
{
	struct evsrc *e = s->st;

	if (!e)
		return;
	free(e->w);
	free(e->noise);
	free(e->prev);
	free(e);
	s->st = NULL;
}

static int evsrc_init(struct sg_src *s, const struct sg_ctx *ctx, double rate_per_min, bool eog,
		      bool noise)
{
	struct evsrc *e = calloc(1, sizeof(*e));
	unsigned k;

	if (!e)
		return -ENOMEM;
	s->st = e;
	e->w = malloc(s->ss->n_route * sizeof(float) + 1);
	if (!e->w)
		goto oom;
	for (k = 0; k < s->ss->n_route; k++)
		e->w[k] = eog ? eog_weight(ctx->spec->names[s->ss->route[k]]) : 1.0f;
	if (noise) {
		e->noise = calloc(s->ss->n_route + 1, sizeof(*e->noise));
		e->prev = calloc(s->ss->n_route + 1, sizeof(double));
		if (!e->noise || !e->prev)
			goto oom;
		for (k = 0; k < s->ss->n_route; k++)
			sg_rng_init(&e->noise[k], s->seed, s->index, k, SG_P_NOISE);
	}
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	e->next = rate_per_min > 0 ? sg_exp(&e->ev) * 60 * s->fs / rate_per_min : INFINITY;
	return 0;
oom:
	evsrc_free(s);
	return -ENOMEM;
}

/* Starts an event at @t if due; returns true if one started. */
static bool evsrc_due(struct sg_src *s, struct evsrc *e, uint64_t t, double rate_per_min,
		      double dur_s)
{
	if (e->on || e->next >= (double)(t + 1) || t >= s->total)
		return false;
	e->on = true;
	e->start = t;
	e->end = t + (uint64_t)fmax(1, nearbyint(dur_s * s->fs));
	e->next = (double)e->end + sg_exp(&e->ev) * 60 * s->fs / rate_per_min;
	return true;
}

/* ---------- blink ---------- */

static const struct siggen_param_info blink_params[] = {
	{ "amp_uv", "uV", 150, 0, 1e4, "blink peak at frontal-polar channels" },
	{ "rate_per_min", "1/min", 15, 0, 600, "blinks per minute (Poisson)" },
	{ "duration_ms", "ms", 400, 50, 2000, "blink duration" },
	END_PARAMS,
};

static int blink_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	return evsrc_init(s, ctx, s->p[1], true, false);
}

static void blink_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct evsrc *e = s->st;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double v = 0;

		if (evsrc_due(s, e, t, s->p[1], s->p[2] * 1e-3)) {
			e->amp = (float)(s->p[0] * (0.8 + 0.4 * sg_uniform(&e->ev)));
			sg_emit(s, SIGGEN_EVENT_BLINK, -1, e->start, e->end,
				e->start + (uint64_t)((e->end - e->start) * 0.3), 0, e->amp, 0);
		}
		if (e->on) {
			/* Skewed bump: x^2 e^(-x) shape over the duration, peak 1 at 30%. */
			double x = (double)(t - e->start) / (double)(e->end - e->start) / 0.3 * 2;

			v = e->amp * x * x * exp(2 - x) / 4;
			if (t + 1 >= e->end)
				e->on = false;
		}
		s->wave[i] = (float)v;
	}
}

static void blink_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			    unsigned k0, unsigned k1)
{
	const struct evsrc *e = s->st;

	(void)t0;
	sg_add_wave_ch(s, s->wave, e->w, n, out, stride, k0, k1);
}

const struct sg_model sg_model_blink = {
	.name = "blink",
	.doc = "eye blinks (EOG): skewed 400 ms bumps, strongest at frontal-polar channels",
	.params = blink_params,
	.init = blink_init,
	.free = evsrc_free,
	.peak_uv = amp_peak,
	.prepare = blink_wave,
	.render_ch = blink_render_ch,
};

/* ---------- emg ---------- */

static const struct siggen_param_info emg_params[] = {
	{ "rms_uv", "uV", 30, 0, 1e4, "rms of the burst at its peak" },
	{ "rate_per_min", "1/min", 6, 0, 600, "bursts per minute (Poisson)" },
	{ "duration_s", "s", 1, 0.05, 60, "burst duration" },
	END_PARAMS,
};

static int emg_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	return evsrc_init(s, ctx, s->p[1], false, true);
}

static void emg_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct evsrc *e = s->st;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double env = 0;

		if (evsrc_due(s, e, t, s->p[1], s->p[2]))
			sg_emit(s, SIGGEN_EVENT_EMG, -1, e->start, e->end, e->start, 0,
				(float)s->p[0], 0);
		if (e->on) {
			double x = (double)(t - e->start) / (double)(e->end - e->start);

			env = sin(M_PI * x);
			if (t + 1 >= e->end)
				e->on = false;
		}
		s->wave[i] = (float)env;
	}
}

static void emg_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			  unsigned k0, unsigned k1)
{
	struct evsrc *e = s->st;
	unsigned k;
	size_t i;

	(void)t0;
	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, g = s->ss->gain[k];
		/* First difference of white noise: high-frequency; sd of diff = sqrt(2). */
		float a = (float)(s->p[0] / sqrt(2.0));

		for (i = 0; i < n; i++) {
			double x = sg_normal(&e->noise[k]);

			if (s->wave[i] != 0)
				o[i] += g * a * s->wave[i] * (float)(x - e->prev[k]);
			e->prev[k] = x;
		}
	}
}

static double emg_peak(const struct sg_src *s)
{
	return 5 * s->p[0];
}

const struct sg_model sg_model_emg = {
	.name = "emg",
	.doc = "EMG bursts: high-frequency noise under a half-sine envelope",
	.params = emg_params,
	.init = emg_init,
	.free = evsrc_free,
	.peak_uv = emg_peak,
	.prepare = emg_wave,
	.render_ch = emg_render_ch,
};

/* ---------- pop ---------- */

static const struct siggen_param_info pop_params[] = {
	{ "amp_uv", "uV", 300, -1e5, 1e5, "step at the pop" },
	{ "rate_per_min", "1/min", 2, 0, 600, "pops per minute (Poisson), each on one channel" },
	{ "tau_s", "s", 0.3, 0.001, 60, "exponential recovery time constant" },
	END_PARAMS,
};

static int pop_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	return evsrc_init(s, ctx, s->p[1], false, false);
}

static void pop_render(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride)
{
	struct evsrc *e = s->st;
	double decay = exp(-1 / (s->p[2] * s->fs));
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;

		if (evsrc_due(s, e, t, s->p[1], 5 * s->p[2])) {
			e->channel = (int)(sg_uniform(&e->ev) * s->ss->n_route);
			e->state = s->p[0];
			sg_emit(s, SIGGEN_EVENT_POP, (int32_t)s->ss->route[e->channel], e->start,
				e->end, e->start, 0, (float)(s->p[0] * s->ss->gain[e->channel]), 0);
		}
		if (e->on) {
			out[(size_t)s->ss->route[e->channel] * stride + i] +=
				s->ss->gain[e->channel] * (float)e->state;
			e->state *= decay;
			if (t + 1 >= e->end)
				e->on = false;
		}
	}
}

const struct sg_model sg_model_pop = {
	.name = "pop",
	.doc = "electrode pops: a step with exponential recovery on one random channel",
	.params = pop_params,
	.init = pop_init,
	.render = pop_render,
	.free = evsrc_free,
	.peak_uv = amp_peak,
};

/* ---------- motion ---------- */

static const struct siggen_param_info motion_params[] = {
	{ "amp_uv", "uV", 200, 0, 1e5, "peak of the motion swing" },
	{ "rate_per_min", "1/min", 1, 0, 600, "motion episodes per minute (Poisson)" },
	{ "duration_s", "s", 2, 0.1, 60, "episode duration" },
	END_PARAMS,
};

static int motion_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct sg_rng r;
	unsigned k;
	int rc = evsrc_init(s, ctx, s->p[1], false, false);
	struct evsrc *e = s->st;

	if (rc < 0)
		return rc;
	sg_rng_init(&r, s->seed, s->index, 0, SG_P_SHAPE);
	for (k = 0; k < s->ss->n_route; k++)
		e->w[k] = (float)(0.5 + sg_uniform(&r));
	return 0;
}

static void motion_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct evsrc *e = s->st;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double v = 0;

		if (evsrc_due(s, e, t, s->p[1], s->p[2])) {
			e->f = (float)(1 + 3 * sg_uniform(&e->ev));
			sg_emit(s, SIGGEN_EVENT_MOTION, -1, e->start, e->end, e->start, 0,
				(float)s->p[0], e->f);
		}
		if (e->on) {
			double x = (double)(t - e->start) / (double)(e->end - e->start);

			v = s->p[0] * sin(M_PI * x) *
			    sin(2 * M_PI * e->f * (double)(t - e->start) / s->fs);
			if (t + 1 >= e->end)
				e->on = false;
		}
		s->wave[i] = (float)v;
	}
}

static void motion_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			     unsigned k0, unsigned k1)
{
	const struct evsrc *e = s->st;

	(void)t0;
	sg_add_wave_ch(s, s->wave, e->w, n, out, stride, k0, k1);
}

static double motion_peak(const struct sg_src *s)
{
	return 1.5 * s->p[0];
}

const struct sg_model sg_model_motion = {
	.name = "motion",
	.doc = "motion artifacts: 1-4 Hz swings under a half-sine envelope, weighted per channel",
	.params = motion_params,
	.init = motion_init,
	.free = evsrc_free,
	.peak_uv = motion_peak,
	.prepare = motion_wave,
	.render_ch = motion_render_ch,
};

/* ---------- ecg ---------- */

static const struct siggen_param_info ecg_params[] = {
	{ "amp_uv", "uV", 50, -1e5, 1e5, "R-wave amplitude (at channel weight 1)" },
	{ "rate_bpm", "1/min", 70, 20, 250, "mean heart rate" },
	{ "hrv", "", 0.05, 0, 0.5, "relative sd of the RR interval" },
	END_PARAMS,
};

#define ECG_PRE_S 0.3
#define ECG_POST_S 0.45

struct ecg {
	struct sg_rng ev;
	float *tpl, *w;
	unsigned len, r_at;
	double next; /* next beat's template start, samples */
	uint64_t act[4];
	unsigned n_act;
};

static void ecg_free(struct sg_src *s)
{
	struct ecg *e = s->st;

	if (!e)
		return;
	free(e->tpl);
	free(e->w);
	free(e);
	s->st = NULL;
}

static int ecg_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	/* P, Q, R, S, T as Gaussians: time (s), sd (s), relative amplitude. */
	static const double waves[5][3] = { { -0.2, 0.025, 0.15 },
					    { -0.03, 0.008, -0.12 },
					    { 0, 0.01, 1 },
					    { 0.03, 0.01, -0.25 },
					    { 0.25, 0.04, 0.3 } };
	struct ecg *e = calloc(1, sizeof(*e));
	struct sg_rng r;
	unsigned i, k;

	(void)ctx;
	if (!e)
		return -ENOMEM;
	s->st = e;
	e->len = (unsigned)sec(s, ECG_PRE_S + ECG_POST_S);
	e->r_at = (unsigned)sec(s, ECG_PRE_S);
	if (e->len < 2)
		e->len = 2;
	e->tpl = calloc(e->len, sizeof(float));
	e->w = malloc(s->ss->n_route * sizeof(float) + 1);
	if (!e->tpl || !e->w) {
		ecg_free(s);
		return -ENOMEM;
	}
	for (i = 0; i < e->len; i++) {
		double t = ((double)i - e->r_at) / s->fs, v = 0;

		for (k = 0; k < 5; k++)
			v += waves[k][2] * exp(-0.5 * pow((t - waves[k][0]) / waves[k][1], 2));
		e->tpl[i] = (float)v;
	}
	/* Volume conduction: a fixed weight per channel, some inverted. */
	sg_rng_init(&r, s->seed, s->index, 0, SG_P_SHAPE);
	for (k = 0; k < s->ss->n_route; k++)
		e->w[k] = (float)((0.2 + 0.8 * sg_uniform(&r)) * (sg_uniform(&r) < 0.2 ? -1 : 1));
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	e->next = sg_uniform(&e->ev) * 60 / s->p[1] * s->fs;
	return 0;
}

static void ecg_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct ecg *e = s->st;
	float amp = (float)s->p[0];
	unsigned a;

	while (e->next < (double)(t0 + n)) {
		uint64_t st = (uint64_t)e->next;
		double rr = 60 / s->p[1] * (1 + s->p[2] * sg_normal(&e->ev));

		if (rr < 0.25)
			rr = 0.25;
		if (e->n_act < 4 && st < s->total) {
			e->act[e->n_act++] = st;
			sg_emit(s, SIGGEN_EVENT_ECG, -1, st, st + e->len, st + e->r_at, 0, amp,
				(float)(60 / rr));
		}
		e->next += rr * s->fs;
	}
	memset(s->wave, 0, n * sizeof(float));
	a = 0;
	while (a < e->n_act) {
		uint64_t st = e->act[a], b = st > t0 ? st : t0;
		uint64_t en = st + e->len < t0 + n ? st + e->len : t0 + n;
		uint64_t t;

		for (t = b; t < en; t++)
			s->wave[t - t0] += amp * e->tpl[t - st];
		if (st + e->len <= t0 + n) {
			memmove(e->act + a, e->act + a + 1, (e->n_act - a - 1) * sizeof(e->act[0]));
			e->n_act--;
		} else {
			a++;
		}
	}
}

static void ecg_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			  unsigned k0, unsigned k1)
{
	const struct ecg *e = s->st;

	(void)t0;
	sg_add_wave_ch(s, s->wave, e->w, n, out, stride, k0, k1);
}

static double ecg_peak(const struct sg_src *s)
{
	return fabs(s->p[0]) * 1.3;
}

const struct sg_model sg_model_ecg = {
	.name = "ecg",
	.doc = "ECG contamination: PQRST beats with heart-rate variability, a fixed weight per channel",
	.params = ecg_params,
	.init = ecg_init,
	.free = ecg_free,
	.peak_uv = ecg_peak,
	.prepare = ecg_wave,
	.render_ch = ecg_render_ch,
};

/* ---------- mains ---------- */

static const struct siggen_param_info mains_params[] = {
	{ "amp_uv", "uV", 20, 0, 1e5, "amplitude of the fundamental" },
	{ "freq_hz", "Hz", 50, 45, 65, "mains frequency (50 or 60)" },
	{ "harmonics", "", 3, 1, 20, "number of harmonics including the fundamental" },
	{ "harmonic_ratio", "", 0.3, 0, 1, "amplitude ratio between successive harmonics" },
	END_PARAMS,
};

struct mains {
	double c[20], sn[20], cr[20], sr[20];
};

static int mains_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct mains *m = calloc(1, sizeof(*m));
	unsigned h;

	(void)ctx;
	if (!m)
		return -ENOMEM;
	for (h = 0; h < (unsigned)s->p[2]; h++) {
		double w = 2 * M_PI * (h + 1) * s->p[1] / s->fs;

		m->c[h] = 1;
		m->sn[h] = 0;
		m->cr[h] = cos(w);
		m->sr[h] = sin(w);
	}
	s->st = m;
	return 0;
}

static void mains_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct mains *m = s->st;
	unsigned nh = (unsigned)s->p[2], h;
	size_t i;

	if (t0 == 0)
		sg_emit(s, SIGGEN_EVENT_BACKGROUND, -1, 0, s->total, 0, 0, (float)s->p[0],
			(float)s->p[1]);
	for (i = 0; i < n; i++) {
		double v = 0, a = s->p[0];

		for (h = 0; h < nh; h++) {
			double c = m->c[h] * m->cr[h] - m->sn[h] * m->sr[h];
			double sn = m->c[h] * m->sr[h] + m->sn[h] * m->cr[h];

			/* Harmonics above Nyquist alias like a real ADC would see them. */
			v += a * m->sn[h];
			a *= s->p[3];
			if (((t0 + i) & 1023) == 1023) {
				double r = 1 / sqrt(c * c + sn * sn);

				c *= r;
				sn *= r;
			}
			m->c[h] = c;
			m->sn[h] = sn;
		}
		s->wave[i] = (float)v;
	}
}

static double mains_peak(const struct sg_src *s)
{
	double pk = 0, a = s->p[0];
	unsigned h;

	for (h = 0; h < (unsigned)s->p[2]; h++, a *= s->p[3])
		pk += a;
	return pk;
}

const struct sg_model sg_model_mains = {
	.name = "mains",
	.doc = "power-line interference: 50/60 Hz and harmonics",
	.params = mains_params,
	.init = mains_init,
	.free = free_plain,
	.peak_uv = mains_peak,
	.prepare = mains_wave,
	.render_ch = sg_wave_render_ch,
};

/* ---------- drift ---------- */

static const struct siggen_param_info drift_params[] = {
	{ "offset_uv", "uV", 0, -1e6, 1e6, "DC offset on every routed channel" },
	{ "drift_uv", "uV", 50, 0, 1e6, "rms of the slow baseline wander" },
	{ "tau_s", "s", 10, 0.1, 3600, "time scale of the wander" },
	END_PARAMS,
};

struct drift {
	unsigned nr;
	struct sg_env env[];
};

static int drift_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct drift *d = calloc(1, sizeof(*d) + s->ss->n_route * sizeof(struct sg_env));
	unsigned k;

	(void)ctx;
	if (!d)
		return -ENOMEM;
	d->nr = s->ss->n_route;
	for (k = 0; k < d->nr; k++)
		sg_env_init(&d->env[k], s->seed, s->index, k, s->fs, s->p[2]);
	s->st = d;
	return 0;
}

static void drift_prepare(struct sg_src *s, uint64_t t0, size_t n)
{
	(void)n;
	if (t0 == 0)
		sg_emit(s, SIGGEN_EVENT_BACKGROUND, -1, 0, s->total, 0, 0, (float)s->p[1], 0);
}

static void drift_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			    unsigned k0, unsigned k1)
{
	struct drift *d = s->st;
	unsigned k;
	size_t i;

	(void)t0;
	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, g = s->ss->gain[k];

		for (i = 0; i < n; i++)
			o[i] += g * (float)(s->p[0] + s->p[1] * sg_env_step(&d->env[k]));
	}
}

static double drift_peak(const struct sg_src *s)
{
	return fabs(s->p[0]) + 4 * s->p[1];
}

const struct sg_model sg_model_drift = {
	.name = "drift",
	.doc = "baseline drift and DC offset: a slow random wander per channel plus a constant",
	.params = drift_params,
	.init = drift_init,
	.free = free_plain,
	.peak_uv = drift_peak,
	.prepare = drift_prepare,
	.render_ch = drift_render_ch,
};

/* ---------- metrology ---------- */

/* Phase in cycles of f_hz at sample t, exact for long runs (long double). */
static double cycles_at(double f_hz, double fs, uint64_t t)
{
	long double c = (long double)f_hz / (long double)fs * (long double)t;

	return (double)(c - floorl(c));
}

static void emit_waveform(struct sg_src *s, uint64_t t0, float amp, float f)
{
	if (t0 == 0)
		sg_emit(s, SIGGEN_EVENT_WAVEFORM, -1, 0, s->total, 0, s->ss->model, amp, f);
}

static const struct siggen_param_info sine_params[] = {
	{ "amp_uv", "uV", 100, -1e6, 1e6, "amplitude (peak)" },
	{ "freq_hz", "Hz", 10, 0, 5e5, "frequency (made coherent if coherent_frames > 0)" },
	{ "phase_deg", "deg", 0, -360, 360, "phase at sample 0" },
	{ "offset_uv", "uV", 0, -1e6, 1e6, "DC offset" },
	{ "coherent_frames", "", 0, 0, 1e9, "record length M: use J*fs/M, J odd, nearest freq_hz" },
	END_PARAMS,
};

static double sine_freq(const struct sg_src *s)
{
	if (s->p[4] >= 4)
		return siggen_coherent_freq(s->fs, (uint64_t)s->p[4], s->p[1]);
	return s->p[1];
}

static void sine_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	double f = sine_freq(s), ph = s->p[2] / 360.0;
	size_t i;

	emit_waveform(s, t0, (float)s->p[0], (float)f);
	for (i = 0; i < n; i++)
		s->wave[i] = (float)(s->p[3] +
				     s->p[0] * sin(2 * M_PI * (cycles_at(f, s->fs, t0 + i) + ph)));
}

static double offset_peak(const struct sg_src *s)
{
	return fabs(s->p[0]) + fabs(s->p[3]);
}

const struct sg_model sg_model_sine = {
	.name = "sine",
	.doc = "sine (phase exact over long runs), optionally at a coherent frequency J*fs/M",
	.params = sine_params,
	.peak_uv = offset_peak,
	.prepare = sine_wave,
	.render_ch = sg_wave_render_ch,
};

static const struct siggen_param_info square_params[] = {
	{ "amp_uv", "uV", 100, -1e6, 1e6, "high level (unipolar) or +-amplitude (bipolar)" },
	{ "freq_hz", "Hz", 1, 0, 5e5, "repetition frequency" },
	{ "duty", "", 0.5, 0, 1, "fraction of the period at the high level" },
	{ "offset_uv", "uV", 0, -1e6, 1e6, "DC offset" },
	{ "unipolar", "", 1, 0, 1, "1: 0..amp (calibration pulse), 0: -amp..+amp" },
	END_PARAMS,
};

static void square_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	double lo = s->p[4] > 0.5 ? 0 : -s->p[0];
	size_t i;

	emit_waveform(s, t0, (float)s->p[0], (float)s->p[1]);
	for (i = 0; i < n; i++)
		s->wave[i] = (float)(s->p[3] +
				     (cycles_at(s->p[1], s->fs, t0 + i) < s->p[2] ? s->p[0] : lo));
}

const struct sg_model sg_model_square = {
	.name = "square",
	.doc = "square wave / calibration pulse (IFCN: 100 uV, 1-2 s)",
	.params = square_params,
	.peak_uv = offset_peak,
	.prepare = square_wave,
	.render_ch = sg_wave_render_ch,
};

static const struct siggen_param_info tri_params[] = {
	{ "amp_uv", "uV", 100, -1e6, 1e6, "amplitude (peak)" },
	{ "freq_hz", "Hz", 1, 0, 5e5, "frequency" },
	{ "phase_deg", "deg", 0, -360, 360, "phase at sample 0" },
	{ "offset_uv", "uV", 0, -1e6, 1e6, "DC offset" },
	END_PARAMS,
};

static void tri_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	size_t i;

	emit_waveform(s, t0, (float)s->p[0], (float)s->p[1]);
	for (i = 0; i < n; i++) {
		double c = cycles_at(s->p[1], s->fs, t0 + i) + s->p[2] / 360.0;

		c -= floor(c);

		/* 0 at c = 0, +amp at 0.25, -amp at 0.75 (in phase with sine). */
		s->wave[i] = (float)(s->p[3] + s->p[0] * (c < 0.25 ? 4 * c :
							  c < 0.75 ? 2 - 4 * c :
								     4 * c - 4));
	}
}

const struct sg_model sg_model_triangle = {
	.name = "triangle",
	.doc = "triangle wave in phase with a sine",
	.params = tri_params,
	.peak_uv = offset_peak,
	.prepare = tri_wave,
	.render_ch = sg_wave_render_ch,
};

static const struct siggen_param_info chirp_params[] = {
	{ "amp_uv", "uV", 100, -1e6, 1e6, "amplitude" },
	{ "f0_hz", "Hz", 1, 0.001, 5e5, "start frequency" },
	{ "f1_hz", "Hz", 100, 0.001, 5e5, "end frequency" },
	{ "sweep_s", "s", 10, 0.001, 1e6, "sweep duration (repeats)" },
	{ "log", "", 0, 0, 1, "0 linear, 1 logarithmic sweep" },
	END_PARAMS,
};

static void chirp_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	double f0 = s->p[1], f1 = s->p[2], T = s->p[3];
	uint64_t per = sec(s, T) ? sec(s, T) : 1;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double x = (double)(t % per) / s->fs, ph;

		if (t % per == 0)
			sg_emit(s, SIGGEN_EVENT_WAVEFORM, -1, t,
				t + per > s->total ? s->total : t + per, t, s->ss->model,
				(float)s->p[0], (float)f0);
		if (s->p[4] > 0.5 && f1 != f0) {
			double k = f1 / f0;

			ph = f0 * T / log(k) * (pow(k, x / T) - 1);
		} else {
			ph = f0 * x + (f1 - f0) * x * x / (2 * T);
		}
		s->wave[i] = (float)(s->p[0] * sin(2 * M_PI * (ph - floor(ph))));
	}
}

const struct sg_model sg_model_chirp = {
	.name = "chirp",
	.doc = "linear or logarithmic frequency sweep, repeated every sweep_s",
	.params = chirp_params,
	.peak_uv = amp_peak,
	.prepare = chirp_wave,
	.render_ch = sg_wave_render_ch,
};

static const struct siggen_param_info multi_params[] = {
	{ "amp_uv", "uV", 20, -1e6, 1e6, "amplitude of each tone" },
	{ "f0_hz", "Hz", 10, 0, 5e5, "first tone" },
	{ "df_hz", "Hz", 10, 0, 5e5, "tone spacing" },
	{ "n_tones", "", 8, 1, 256, "number of tones" },
	END_PARAMS,
};

static void multi_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	unsigned nt = (unsigned)s->p[3], k;
	size_t i;

	emit_waveform(s, t0, (float)s->p[0], (float)s->p[1]);
	for (i = 0; i < n; i++) {
		double v = 0;

		for (k = 0; k < nt; k++) {
			/* Schroeder phases keep the crest factor low. */
			double ph = -(double)k * (k + 1) / (2.0 * nt);

			v += sin(2 * M_PI * (cycles_at(s->p[1] + k * s->p[2], s->fs, t0 + i) + ph));
		}
		s->wave[i] = (float)(s->p[0] * v);
	}
}

static double multi_peak(const struct sg_src *s)
{
	return fabs(s->p[0]) * s->p[3];
}

const struct sg_model sg_model_multitone = {
	.name = "multitone",
	.doc = "sum of equally spaced tones with Schroeder phases",
	.params = multi_params,
	.peak_uv = multi_peak,
	.prepare = multi_wave,
	.render_ch = sg_wave_render_ch,
};

static const struct siggen_param_info imp_params[] = {
	{ "amp_uv", "uV", 1000, -1e6, 1e6, "impulse height" },
	{ "width_samples", "", 1, 1, 1e6, "impulse width" },
	{ "period_s", "s", 1, 1e-6, 1e6, "repetition period" },
	{ "first_s", "s", 0.5, 0, 1e6, "first impulse" },
	END_PARAMS,
};

static void imp_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	uint64_t first = sec(s, s->p[3]), per = sec(s, s->p[2]) ? sec(s, s->p[2]) : 1;
	uint64_t w = (uint64_t)s->p[1];
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i, ph;

		s->wave[i] = 0;
		if (t < first)
			continue;
		ph = (t - first) % per;
		if (ph == 0)
			sg_emit(s, SIGGEN_EVENT_WAVEFORM, -1, t, t + w, t, s->ss->model,
				(float)s->p[0], 0);
		if (ph < w)
			s->wave[i] = (float)s->p[0];
	}
}

const struct sg_model sg_model_impulse = {
	.name = "impulse",
	.doc = "periodic rectangular impulses of a set width in samples",
	.params = imp_params,
	.peak_uv = amp_peak,
	.prepare = imp_wave,
	.render_ch = sg_wave_render_ch,
};

static const struct siggen_param_info step_params[] = {
	{ "level_uv", "uV", 100, -1e6, 1e6, "level after the step" },
	{ "at_s", "s", 1, 0, 1e6, "time of the step" },
	{ "from_uv", "uV", 0, -1e6, 1e6, "level before the step" },
	END_PARAMS,
};

static void step_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	uint64_t at = sec(s, s->p[1]);
	size_t i;

	for (i = 0; i < n; i++) {
		if (t0 + i == at)
			sg_emit(s, SIGGEN_EVENT_WAVEFORM, -1, at, s->total, at, s->ss->model,
				(float)(s->p[0] - s->p[2]), 0);
		s->wave[i] = (float)(t0 + i < at ? s->p[2] : s->p[0]);
	}
}

static double step_peak(const struct sg_src *s)
{
	return fmax(fabs(s->p[0]), fabs(s->p[2]));
}

const struct sg_model sg_model_dc_step = {
	.name = "dc_step",
	.doc = "a DC step from from_uv to level_uv at at_s",
	.params = step_params,
	.peak_uv = step_peak,
	.prepare = step_wave,
	.render_ch = sg_wave_render_ch,
};

static const struct siggen_param_info silence_params[] = {
	END_PARAMS,
};

static void silence_render(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride)
{
	(void)n;
	(void)out;
	(void)stride;
	emit_waveform(s, t0, 0, 0);
}

const struct sg_model sg_model_silence = {
	.name = "silence",
	.doc = "zero output (for noise floor and crosstalk measurements)",
	.params = silence_params,
	.render = silence_render,
};

/* ---------- stimulation pulse trains ---------- */

static const struct siggen_param_info stim_params[] = {
	{ "amp_uv", "uV", 1000, -1e7, 1e7, "first-phase amplitude" },
	{ "phase1_us", "us", 100, 1, 1e6, "first phase width" },
	{ "gap_us", "us", 50, 0, 1e6, "interphase gap" },
	{ "phase2_us", "us", 100, 1, 1e6, "second phase width (amplitude keeps charge balance)" },
	{ "rate_hz", "Hz", 130, 0.01, 1e5, "pulse rate" },
	{ "cathodic_first", "", 1, 0, 1, "1: first phase negative" },
	{ "first_s", "s", 0.1, 0, 1e6, "first pulse" },
	END_PARAMS,
};

static void stim_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	uint64_t first = sec(s, s->p[6]), per = sec(s, 1 / s->p[4]) ? sec(s, 1 / s->p[4]) : 1;
	uint64_t w1 = sec(s, s->p[1] * 1e-6), gap = sec(s, s->p[2] * 1e-6),
		 w2 = sec(s, s->p[3] * 1e-6);
	double a1 = s->p[5] > 0.5 ? -s->p[0] : s->p[0], a2;
	size_t i;

	if (w1 < 1)
		w1 = 1;
	if (w2 < 1)
		w2 = 1;
	a2 = -a1 * (double)w1 / (double)w2; /* charge balance in sampled widths */
	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i, ph;

		s->wave[i] = 0;
		if (t < first)
			continue;
		ph = (t - first) % per;
		if (ph == 0)
			sg_emit(s, SIGGEN_EVENT_STIM, -1, t, t + w1 + gap + w2, t, 0, (float)a1,
				(float)s->p[4]);
		if (ph < w1)
			s->wave[i] = (float)a1;
		else if (ph >= w1 + gap && ph < w1 + gap + w2)
			s->wave[i] = (float)a2;
	}
}

static double stim_peak(const struct sg_src *s)
{
	return fabs(s->p[0]) * fmax(1, s->p[1] / s->p[3]);
}

const struct sg_model sg_model_stim = {
	.name = "stim",
	.doc = "biphasic charge-balanced stimulation pulse trains (amplitude, widths, gap, rate)",
	.params = stim_params,
	.peak_uv = stim_peak,
	.prepare = stim_wave,
	.render_ch = sg_wave_render_ch,
};

/* ---------- stimulation artifacts on recording channels ---------- */

enum {
	SA_AMP,
	SA_W1,
	SA_GAP,
	SA_W2,
	SA_RATE,
	SA_CATH,
	SA_FIRST,
	SA_TAIL,
	SA_TAU,
	SA_CHAN,
	SA_SPREAD,
};

static const struct siggen_param_info sa_params[] = {
	{ "amp_uv", "uV", 500, -1e7, 1e7, "artifact of the first phase at weight 1" },
	{ "phase1_us", "us", 100, 1, 1e6, "first phase width" },
	{ "gap_us", "us", 50, 0, 1e6, "interphase gap" },
	{ "phase2_us", "us", 100, 1, 1e6, "second phase width (charge-balanced amplitude)" },
	{ "rate_hz", "Hz", 130, 0.01, 1e5, "pulse rate" },
	{ "cathodic_first", "", 1, 0, 1, "1: first phase negative" },
	{ "first_s", "s", 0.1, 0, 1e6, "first pulse (same timing as a stim source)" },
	{ "tail_uv", "uV", 50, -1e6, 1e6, "exponential recovery tail after each pulse" },
	{ "tau_ms", "ms", 2, 0.01, 1000, "time constant of the tail" },
	{ "stim_channel", "", -1, -1, SIGGEN_MAX_CHANNELS - 1,
	  "output channel nearest the stimulating contact (-1: weight 1 everywhere)" },
	{ "spread_ch", "ch", 4, 0.1, SIGGEN_MAX_CHANNELS,
	  "channels over which the artifact falls by e (exp(-distance / spread_ch))" },
	END_PARAMS,
};

struct stim_art {
	float *w;     /* per routed channel */
	double tail;  /* current tail, uV at weight 1 */
	double decay; /* per sample */
};

static void sa_free(struct sg_src *s)
{
	struct stim_art *e = s->st;

	if (!e)
		return;
	free(e->w);
	free(e);
	s->st = NULL;
}

static int sa_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct stim_art *e = calloc(1, sizeof(*e));
	unsigned k;

	(void)ctx;
	if (!e)
		return -ENOMEM;
	s->st = e;
	e->w = malloc(s->ss->n_route * sizeof(float) + 1);
	if (!e->w) {
		sa_free(s);
		return -ENOMEM;
	}
	for (k = 0; k < s->ss->n_route; k++)
		e->w[k] = s->p[SA_CHAN] < 0 ?
				  1.0f :
				  (float)exp(-fabs((double)s->ss->route[k] - s->p[SA_CHAN]) /
					     s->p[SA_SPREAD]);
	e->decay = exp(-1 / (s->p[SA_TAU] * 1e-3 * s->fs));
	return 0;
}

static void sa_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct stim_art *e = s->st;
	const double *p = s->p;
	uint64_t first = sec(s, p[SA_FIRST]),
		 per = sec(s, 1 / p[SA_RATE]) ? sec(s, 1 / p[SA_RATE]) : 1;
	uint64_t w1 = sec(s, p[SA_W1] * 1e-6), gap = sec(s, p[SA_GAP] * 1e-6),
		 w2 = sec(s, p[SA_W2] * 1e-6), settle;
	double a1 = p[SA_CATH] > 0.5 ? -p[SA_AMP] : p[SA_AMP], a2;
	size_t i;

	if (w1 < 1)
		w1 = 1;
	if (w2 < 1)
		w2 = 1;
	a2 = -a1 * (double)w1 / (double)w2;
	settle = (uint64_t)ceil(5 * p[SA_TAU] * 1e-3 * s->fs);
	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i, ph;
		double v = e->tail;

		e->tail *= e->decay;
		if (t >= first) {
			ph = (t - first) % per;
			if (ph == 0)
				sg_emit(s, SIGGEN_EVENT_STIM_ARTIFACT, -1, t,
					t + w1 + gap + w2 + settle < s->total ?
						t + w1 + gap + w2 + settle :
						s->total,
					t, 0, (float)a1, (float)p[SA_RATE]);
			if (ph < w1)
				v += a1;
			else if (ph >= w1 + gap && ph < w1 + gap + w2)
				v += a2;
			if (ph + 1 == w1 + gap + w2) /* the tail starts on the next sample */
				e->tail += p[SA_TAIL];
		}
		s->wave[i] = (float)v;
	}
}

static void sa_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			 unsigned k0, unsigned k1)
{
	const struct stim_art *e = s->st;

	(void)t0;
	sg_add_wave_ch(s, s->wave, e->w, n, out, stride, k0, k1);
}

static double sa_peak(const struct sg_src *s)
{
	return fabs(s->p[SA_AMP]) * fmax(1, s->p[SA_W1] / s->p[SA_W2]) + fabs(s->p[SA_TAIL]);
}

const struct sg_model sg_model_stim_artifact = {
	.name = "stim_artifact",
	.doc = "stimulation artifact on recording channels: each biphasic pulse through the "
	       "tissue, weighted by distance from the stimulating channel, then an exponential "
	       "recovery tail",
	.params = sa_params,
	.init = sa_init,
	.free = sa_free,
	.peak_uv = sa_peak,
	.prepare = sa_wave,
	.render_ch = sa_render_ch,
};

/* ---------- PRBS timing code ---------- */

enum {
	PR_AMP,
	PR_RATE,
	PR_ORDER,
	PR_BIPOLAR,
	PR_FIRST,
};

static const struct siggen_param_info prbs_params[] = {
	{ "amp_uv", "uV", 100, -1e6, 1e6, "level of a 1 bit (a 0 bit is -amp, or 0 if unipolar)" },
	{ "bit_rate_hz", "Hz", 100, 0.001, 1e6, "bits per second" },
	{ "order", "", 7, 7, 31,
	  "ITU-T O.150 sequence: 7, 9, 11, 15, 23 or 31 (others: the next lower one)" },
	{ "bipolar", "", 1, 0, 1, "1: +-amp, 0: 0..amp" },
	{ "first_s", "s", 0, 0, 1e6, "start of the first bit (0 before)" },
	END_PARAMS,
};

struct prbs {
	uint32_t reg, mask;
	unsigned n, tap; /* x^n + x^tap + 1 */
	uint64_t bit;	 /* index of the current bit */
	uint64_t next;	 /* first sample of bit + 1 */
	uint64_t period; /* 2^n - 1 bits */
	int level;	 /* current bit, -1 before the first */
};

/* The first sample of bit @b: first + ceil(b fs / rate), exact for long runs. */
static uint64_t prbs_edge(const struct sg_src *s, uint64_t b)
{
	long double x = (long double)b * (long double)s->fs / (long double)s->p[PR_RATE];

	return sec(s, s->p[PR_FIRST]) + (uint64_t)ceill(x - 1e-9L);
}

static int prbs_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	static const unsigned orders[][2] = { { 31, 28 }, { 23, 18 }, { 15, 14 },
					      { 11, 9 },  { 9, 5 },   { 7, 6 } };
	struct prbs *e = calloc(1, sizeof(*e));
	unsigned i;

	(void)ctx;
	if (!e)
		return -ENOMEM;
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		if (orders[i][0] <= (unsigned)s->p[PR_ORDER])
			break;
	e->n = orders[i][0];
	e->tap = orders[i][1];
	e->mask = e->n == 32 ? 0xffffffffu : (1u << e->n) - 1;
	e->reg = e->mask; /* all ones */
	e->period = ((uint64_t)1 << e->n) - 1;
	e->next = prbs_edge(s, 0);
	e->level = -1;
	s->st = e;
	return 0;
}

static void prbs_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct prbs *e = s->st;
	double hi = s->p[PR_AMP], lo = s->p[PR_BIPOLAR] > 0.5 ? -hi : 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;

		while (t >= e->next) {
			/* Fibonacci LFSR, output = the new bit. */
			uint32_t b = ((e->reg >> (e->n - 1)) ^ (e->reg >> (e->tap - 1))) & 1;

			if (e->bit % e->period == 0 && t < s->total)
				sg_emit(s, SIGGEN_EVENT_WAVEFORM, -1, t,
					prbs_edge(s, e->bit + e->period) < s->total ?
						prbs_edge(s, e->bit + e->period) :
						s->total,
					t, (int32_t)e->n, (float)s->p[PR_AMP],
					(float)s->p[PR_RATE]);
			e->reg = ((e->reg << 1) | b) & e->mask;
			e->level = (int)b;
			e->bit++;
			e->next = prbs_edge(s, e->bit);
		}
		s->wave[i] = (float)(e->level < 0 ? 0 : e->level ? hi : lo);
	}
}

const struct sg_model sg_model_prbs = {
	.name = "prbs",
	.doc = "PRBS timing code (ITU-T O.150 PRBS7..PRBS31) at a set bit rate, for latency and "
	       "alignment",
	.params = prbs_params,
	.init = prbs_init,
	.free = free_plain,
	.peak_uv = amp_peak,
	.prepare = prbs_wave,
	.render_ch = sg_wave_render_ch,
};

/* ---------- front-end saturation (over-range) ---------- */

enum {
	SAT_RAIL,
	SAT_RATE,
	SAT_DUR,
	SAT_TAU,
};

static const struct siggen_param_info sat_params[] = {
	{ "rail_uv", "uV", 5000, -1e7, 1e7, "level the channels are held at (the rail)" },
	{ "rate_per_min", "1/min", 1, 0, 600, "episodes per minute (Poisson)" },
	{ "duration_ms", "ms", 200, 0.01, 60000, "time held at the rail" },
	{ "tau_ms", "ms", 100, 0.01, 60000, "exponential recovery back to the signal" },
	END_PARAMS,
};

struct sat {
	struct evsrc ev;   /* Poisson episodes */
	uint64_t rec_end;  /* end of the recovery (exclusive) */
	uint64_t held_end; /* end of the hold */
	double decay, r;   /* recovery weight of the rail, per sample */
	bool chunk_on;
	float a[SG_CHUNK]; /* per sample: o = a * o + b */
	float b[SG_CHUNK];
};

static int sat_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct sat *e = calloc(1, sizeof(*e));

	(void)ctx;
	if (!e)
		return -ENOMEM;
	sg_rng_init(&e->ev.ev, s->seed, s->index, 0, SG_P_EVENTS);
	e->ev.next = s->p[SAT_RATE] > 0 ? sg_exp(&e->ev.ev) * 60 * s->fs / s->p[SAT_RATE] :
					  INFINITY;
	e->decay = exp(-1 / (s->p[SAT_TAU] * 1e-3 * s->fs));
	s->st = e;
	return 0;
}

static void sat_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct sat *e = s->st;
	double rail = s->p[SAT_RAIL];
	size_t i;

	e->chunk_on = false;
	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;

		e->a[i] = 1;
		e->b[i] = 0;
		if (t >= e->rec_end && e->ev.next < (double)(t + 1) && t < s->total) {
			uint64_t hold = (uint64_t)fmax(1, nearbyint(s->p[SAT_DUR] * 1e-3 * s->fs));

			e->held_end = t + hold;
			e->rec_end = e->held_end + (uint64_t)ceil(5 * s->p[SAT_TAU] * 1e-3 * s->fs);
			e->r = 1;
			sg_emit(s, SIGGEN_EVENT_SATURATION, -1, t,
				e->rec_end < s->total ? e->rec_end : s->total, e->held_end, 0,
				(float)rail, 0);
			e->ev.next = (double)e->rec_end +
				     sg_exp(&e->ev.ev) * 60 * s->fs / s->p[SAT_RATE];
		}
		if (t < e->held_end) {
			e->a[i] = 0;
			e->b[i] = (float)rail;
			e->chunk_on = true;
		} else if (t < e->rec_end) {
			e->r *= e->decay;
			e->a[i] = (float)(1 - e->r);
			e->b[i] = (float)(e->r * rail);
			e->chunk_on = true;
		}
	}
}

/* Replaces what the sources before this one put on the channel: held at the rail, recovering. */
static void sat_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			  unsigned k0, unsigned k1)
{
	const struct sat *e = s->st;
	unsigned k;
	size_t i;

	(void)t0;
	if (!e->chunk_on)
		return;
	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, g = s->ss->gain[k];

		for (i = 0; i < n; i++)
			o[i] = e->a[i] * o[i] + g * e->b[i];
	}
}

const struct sg_model sg_model_saturation = {
	.name = "saturation",
	.doc = "front-end over-range: the channels (the sources listed before this one) held at "
	       "the rail, then an exponential recovery",
	.params = sat_params,
	.init = sat_init,
	.free = free_plain,
	.peak_uv = amp_peak,
	.prepare = sat_wave,
	.render_ch = sat_render_ch,
};
