// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Neural models: background EEG (1/f^alpha + alpha rhythm, mixed across
 * channels), extracellular spikes (templated units, Poisson with refractory
 * period, jitter, bursts, multi-unit hum, noise), LFP (1/f + theta + beta
 * bursts), white noise. Parameters in uV, Hz, s, ms; samples in uV.
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

/* ---------- shared helpers ---------- */

/* A unit-amplitude sine/cosine by complex rotation, renormalised every 1024 samples. */
struct osc {
	double c, s, cr, sr;
};

static void osc_init(struct osc *o, double f_hz, double fs, double phase)
{
	o->c = cos(phase);
	o->s = sin(phase);
	o->cr = cos(2 * M_PI * f_hz / fs);
	o->sr = sin(2 * M_PI * f_hz / fs);
}

static inline double osc_step(struct osc *o, uint64_t t)
{
	double v = o->s, c = o->c * o->cr - o->s * o->sr, s = o->c * o->sr + o->s * o->cr;

	if ((t & 1023) == 1023) {
		double m = 1.0 / sqrt(c * c + s * s);

		c *= m;
		s *= m;
	}
	o->c = c;
	o->s = s;
	return v;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---------- eeg ---------- */

enum {
	EEG_RMS,
	EEG_EXP,
	EEG_FLO,
	EEG_AUV,
	EEG_AHZ,
	EEG_AMOD,
	EEG_ATAU,
	EEG_CORR,
	EEG_NSH
};

static const struct siggen_param_info eeg_params[] = {
	{ "rms_uv", "uV", 20, 0, 1e4, "rms of the 1/f background per channel" },
	{ "exponent", "", 1.0, 0, 2,
	  "spectral exponent alpha of 1/f^alpha (0 white, 1 pink, 2 brown)" },
	{ "f_lo_hz", "Hz", 0.1, 0.01, 10, "below this the spectrum is flat" },
	{ "alpha_uv", "uV", 10, 0, 1e4, "alpha rhythm amplitude (peak) at posterior channels" },
	{ "alpha_hz", "Hz", 10, 1, 40, "alpha rhythm frequency" },
	{ "alpha_mod", "", 0.5, 0, 1, "waxing/waning depth of the alpha amplitude" },
	{ "alpha_tau_s", "s", 1.0, 0.05, 60, "time scale of the waxing/waning envelope" },
	{ "spatial_corr", "", 0.5, 0, 1, "share of background power common to channels (mixing)" },
	{ "n_shared", "", 4, 1, 16, "shared latent sources in the mixing matrix" },
	END_PARAMS,
};

struct eeg {
	unsigned nr, nsh;
	struct sg_pink *own, *sh;
	struct sg_rng *own_rng, *sh_rng;
	float *w;     /* nr x nsh mixing weights */
	float *aw;    /* nr alpha weights */
	float *lat;   /* nsh x SG_CHUNK */
	float *alpha; /* SG_CHUNK */
	struct osc osc;
	struct sg_env env;
};

static void eeg_free(struct sg_src *s)
{
	struct eeg *e = s->st;

	if (!e)
		return;
	free(e->own);
	free(e->sh);
	free(e->own_rng);
	free(e->sh_rng);
	free(e->w);
	free(e->aw);
	free(e->lat);
	free(e->alpha);
	free(e);
	s->st = NULL;
}

static int eeg_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct eeg *e = calloc(1, sizeof(*e));
	struct sg_rng shape;
	unsigned k, j;

	if (!e)
		return -ENOMEM;
	s->st = e;
	e->nr = s->ss->n_route;
	e->nsh = (unsigned)s->p[EEG_NSH];
	e->own = calloc(e->nr, sizeof(*e->own));
	e->sh = calloc(e->nsh, sizeof(*e->sh));
	e->own_rng = calloc(e->nr, sizeof(*e->own_rng));
	e->sh_rng = calloc(e->nsh, sizeof(*e->sh_rng));
	e->w = calloc((size_t)e->nr * e->nsh, sizeof(float));
	e->aw = calloc(e->nr, sizeof(float));
	e->lat = calloc((size_t)e->nsh * SG_CHUNK, sizeof(float));
	e->alpha = calloc(SG_CHUNK, sizeof(float));
	if (!e->own || !e->sh || !e->own_rng || !e->sh_rng || !e->w || !e->aw || !e->lat ||
	    !e->alpha) {
		eeg_free(s);
		return -ENOMEM;
	}
	sg_pink_init(&e->own[0], s->p[EEG_EXP], s->fs, s->p[EEG_FLO], 0.45 * s->fs);
	for (k = 0; k < e->nr; k++) {
		e->own[k] = e->own[0];
		sg_rng_init(&e->own_rng[k], s->seed, s->index, k, SG_P_NOISE);
		e->aw[k] = (float)sg_name_posterior(ctx->spec->names[s->ss->route[k]]);
	}
	for (j = 0; j < e->nsh; j++) {
		e->sh[j] = e->own[0];
		sg_rng_init(&e->sh_rng[j], s->seed, s->index, 0x10000 + j, SG_P_NOISE);
	}
	/* Mixing weights: random, each channel's row normalised to unit length. */
	sg_rng_init(&shape, s->seed, s->index, 0, SG_P_SHAPE);
	for (k = 0; k < e->nr; k++) {
		double n2 = 0;

		for (j = 0; j < e->nsh; j++) {
			double v = sg_normal(&shape);

			e->w[k * e->nsh + j] = (float)v;
			n2 += v * v;
		}
		for (j = 0; j < e->nsh; j++)
			e->w[k * e->nsh + j] = (float)(e->w[k * e->nsh + j] /
						       sqrt(n2 > 0 ? n2 : 1));
	}
	osc_init(&e->osc, s->p[EEG_AHZ], s->fs, 0);
	sg_env_init(&e->env, s->seed, s->index, 0, s->fs, s->p[EEG_ATAU]);
	return 0;
}

static void eeg_prepare(struct sg_src *s, uint64_t t0, size_t n)
{
	struct eeg *e = s->st;
	double rms = s->p[EEG_RMS], rho = s->p[EEG_CORR];
	float a_sh = (float)(rms * sqrt(rho));
	double a_uv = s->p[EEG_AUV], mod = s->p[EEG_AMOD];
	unsigned j;
	size_t i;

	if (t0 == 0)
		sg_emit(s, SIGGEN_EVENT_BACKGROUND, -1, 0, s->total, 0, 0, (float)rms,
			(float)s->p[EEG_AHZ]);
	for (j = 0; j < e->nsh; j++)
		for (i = 0; i < n; i++)
			e->lat[j * SG_CHUNK + i] = a_sh *
						   (float)sg_pink_step(&e->sh[j],
								       sg_normal(&e->sh_rng[j]));
	for (i = 0; i < n; i++) {
		double env = 1 + mod * clampd(sg_env_step(&e->env), -1 / (mod + 1e-9), 2);

		e->alpha[i] = (float)(a_uv * env * osc_step(&e->osc, t0 + i));
	}
}

static void eeg_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			  unsigned k0, unsigned k1)
{
	struct eeg *e = s->st;
	double rms = s->p[EEG_RMS], rho = s->p[EEG_CORR];
	float a_own = (float)(rms * sqrt(1 - rho));
	unsigned k, j;
	size_t i;

	(void)t0;
	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, g = s->ss->gain[k];
		const float *w = e->w + (size_t)k * e->nsh;
		struct sg_pink *pk = &e->own[k];
		struct sg_rng *r = &e->own_rng[k];
		float aw = e->aw[k];

		for (i = 0; i < n; i++) {
			float v = a_own * (float)sg_pink_step(pk, sg_normal(r)) + aw * e->alpha[i];

			for (j = 0; j < e->nsh; j++)
				v += w[j] * e->lat[j * SG_CHUNK + i];
			o[i] += g * v;
		}
	}
}

static double eeg_peak(const struct sg_src *s)
{
	return 5 * s->p[EEG_RMS] + s->p[EEG_AUV] * (1 + 2 * s->p[EEG_AMOD]);
}

const struct sg_model sg_model_eeg = {
	.name = "eeg",
	.doc = "background EEG: 1/f^alpha noise mixed across channels plus a waxing/waning alpha "
	       "rhythm",
	.params = eeg_params,
	.init = eeg_init,
	.free = eeg_free,
	.peak_uv = eeg_peak,
	.prepare = eeg_prepare,
	.render_ch = eeg_render_ch,
};

/* ---------- noise ---------- */

static const struct siggen_param_info noise_params[] = {
	{ "rms_uv", "uV", 10, 0, 1e5, "rms of white Gaussian noise, independent per channel" },
	END_PARAMS,
};

struct noise {
	unsigned nr;
	uint64_t key[];
};

static int noise_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct noise *z = calloc(1, sizeof(*z) + s->ss->n_route * sizeof(uint64_t));
	unsigned k;

	(void)ctx;
	if (!z)
		return -ENOMEM;
	z->nr = s->ss->n_route;
	for (k = 0; k < z->nr; k++)
		z->key[k] = sg_key(s->seed, s->index, k, SG_P_NOISE);
	s->st = z;
	return 0;
}

static void noise_prepare(struct sg_src *s, uint64_t t0, size_t n)
{
	(void)n;
	if (t0 == 0)
		sg_emit(s, SIGGEN_EVENT_BACKGROUND, -1, 0, s->total, 0, 0, (float)s->p[0], 0);
}

static void noise_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			    unsigned k0, unsigned k1)
{
	struct noise *z = s->st;
	unsigned k;

	for (k = k0; k < k1; k++)
		sg_noise_add(z->key[k], t0, out + (size_t)s->ss->route[k] * stride, n,
			     (float)s->p[0] * s->ss->gain[k]);
}

static void free_st(struct sg_src *s)
{
	free(s->st);
	s->st = NULL;
}

static double noise_peak(const struct sg_src *s)
{
	return 5 * s->p[0];
}

const struct sg_model sg_model_noise = {
	.name = "noise",
	.doc = "white Gaussian noise, independent per channel",
	.params = noise_params,
	.init = noise_init,
	.free = free_st,
	.peak_uv = noise_peak,
	.prepare = noise_prepare,
	.render_ch = noise_render_ch,
};

/* ---------- spikes ---------- */

enum {
	SP_UNITS,
	SP_RATE,
	SP_RATE_INH,
	SP_INH_FRAC,
	SP_REFR,
	SP_AMIN,
	SP_AMAX,
	SP_JIT,
	SP_WMIN,
	SP_WMAX,
	SP_TRI,
	SP_BPROB,
	SP_BLEN,
	SP_BISI,
	SP_BDECAY,
	SP_NOISE,
	SP_MUA_RATE,
	SP_MUA_UV,
	SP_DRIFT,
	SP_DRIFT_TAU,
	SP_NOISE_LO,
	SP_NOISE_HI,
};

static const struct siggen_param_info spike_params[] = {
	{ "units", "", 2, 0, 16, "units per channel" },
	{ "rate_hz", "Hz", 5, 0, 500, "mean firing rate of excitatory units" },
	{ "rate_inh_hz", "Hz", 15, 0, 500, "mean firing rate of inhibitory units" },
	{ "inh_fraction", "", 0.2, 0, 1, "probability that a unit is inhibitory" },
	{ "refractory_ms", "ms", 2, 0, 100, "absolute refractory period, never violated" },
	{ "amp_min_uv", "uV", 50, 0, 1e4, "smallest unit peak amplitude (trough)" },
	{ "amp_max_uv", "uV", 300, 0, 1e4, "largest unit peak amplitude" },
	{ "amp_jitter", "", 0.1, 0, 1, "relative sd of the spike-to-spike amplitude" },
	{ "width_min_ms", "ms", 1, 0.2, 10, "shortest template duration" },
	{ "width_max_ms", "ms", 2, 0.2, 10, "longest template duration" },
	{ "triphasic_fraction", "", 0.3, 0, 1, "probability that a unit's template is triphasic" },
	{ "burst_prob", "", 0, 0, 1, "probability that a spike starts a burst" },
	{ "burst_len", "", 3, 2, 10, "spikes in a burst" },
	{ "burst_isi_ms", "ms", 4, 1, 50, "interval between spikes in a burst" },
	{ "burst_decay", "", 0.8, 0.1, 1, "amplitude ratio between successive burst spikes" },
	{ "noise_uv", "uV", 10, 0, 1e4, "rms of white Gaussian noise per channel" },
	{ "mua_rate_hz", "Hz", 300, 0, 1e4, "rate of the small background (multi-unit) spikes" },
	{ "mua_uv", "uV", 8, 0, 1e3, "amplitude of the multi-unit spikes" },
	{ "amp_drift", "", 0, 0, 2,
	  "slow unit amplitude drift: sd of the log amplitude (0 = none, 0.2 = +-20 %)" },
	{ "amp_drift_tau_s", "s", 120, 1, 36000, "time constant of the amplitude drift" },
	{ "noise_lo_hz", "Hz", 0, 0, 1e5,
	  "noise high-pass corner (2nd-order Butterworth; 0 = none, MEArec: 300)" },
	{ "noise_hi_hz", "Hz", 0, 0, 1e5,
	  "noise low-pass corner (2nd-order Butterworth; 0 = none, MEArec: 6000)" },
	END_PARAMS,
};

#define SP_TPL_MAX 2048
#define SP_HUM_TPL 4

struct sp_unit {
	float *tpl; /* len samples, trough = -1 */
	unsigned len, peak;
	float amp;	 /* uV, positive */
	double next;	 /* next spike start, samples */
	double mean_gap; /* samples: 1/lambda' */
	unsigned burst_left;
	float burst_amp;
	struct sg_rng rng;
	/* Amplitude drift: an Ornstein-Uhlenbeck state sampled at each spike. */
	struct sg_rng drift_rng;
	double drift_x;
	uint64_t drift_t;
};

struct sp_active {
	const float *tpl;
	uint64_t start;
	unsigned len;
	float amp;
	int id; /* unit index, or -1 for multi-unit hum */
};

/* A biquad, transposed direct form II, in double. */
struct bq {
	double b0, b1, b2, a1, a2;
};

struct sp_chan {
	struct sp_active *act;
	unsigned n_act, cap_act;
	uint64_t noise;
	double z[2][2]; /* band-limiting filter state: 2 biquads */
	struct sg_rng hum;
	double hum_next;
};

struct spikes {
	unsigned nr, nu;
	unsigned n_bq; /* 0 (white noise), 1 or 2 */
	struct bq bq[2];
	double bq_norm;	   /* unit rms after the filters */
	double refr;	   /* samples */
	struct sp_unit *u; /* nr x nu */
	struct sp_chan *c;
	float *hum_tpl[SP_HUM_TPL];
	unsigned hum_len;
};

/* Template over u in [0,1): optional pre-peak, trough, rebound; trough = -1. */
static void make_template(float *tpl, unsigned len, bool tri, double skew, unsigned *ret_peak)
{
	double mn = 0;
	unsigned i, pk = 0, at = (unsigned)(0.3 * len);

	for (i = 0; i < len; i++) {
		/* The trough falls exactly on sample @at, so short templates keep it. */
		double u = ((double)i - at) / len + 0.3, v;

		v = -exp(-0.5 * pow((u - 0.3) / 0.06, 2)) +
		    (0.25 + 0.2 * skew) * exp(-0.5 * pow((u - 0.55) / 0.14, 2));
		if (tri)
			v += 0.2 * exp(-0.5 * pow((u - 0.15) / 0.045, 2));
		tpl[i] = (float)v;
		if (v < mn) {
			mn = v;
			pk = i;
		}
	}
	for (i = 0; i < len; i++)
		tpl[i] = (float)(tpl[i] / -mn);
	*ret_peak = pk;
}

static void spikes_free(struct sg_src *s)
{
	struct spikes *z = s->st;
	unsigned k;

	if (!z)
		return;
	if (z->u)
		for (k = 0; k < z->nr * z->nu; k++)
			free(z->u[k].tpl);
	if (z->c)
		for (k = 0; k < z->nr; k++)
			free(z->c[k].act);
	for (k = 0; k < SP_HUM_TPL; k++)
		free(z->hum_tpl[k]);
	free(z->u);
	free(z->c);
	free(z);
	s->st = NULL;
}

static double isi_gap(double rate_hz, double refr_s, double fs)
{
	double mean = rate_hz > 0 ? 1.0 / rate_hz : INFINITY;

	/* ISI = refractory + exponential: keeps the mean rate at rate_hz. */
	if (mean - refr_s <= 1.0 / fs)
		return 1.0;
	return (mean - refr_s) * fs;
}

/* 2nd-order Butterworth by the bilinear transform with prewarping. */
static struct bq butter2(double fc, double fs, bool high)
{
	double k = tan(M_PI * fc / fs), q = sqrt(2), d = 1 + k * q + k * k;
	struct bq f;

	if (high) {
		f.b0 = 1 / d;
		f.b1 = -2 / d;
	} else {
		f.b0 = k * k / d;
		f.b1 = 2 * k * k / d;
	}
	f.b2 = f.b0;
	f.a1 = 2 * (k * k - 1) / d;
	f.a2 = (1 - k * q + k * k) / d;
	return f;
}

static inline double bq_step(const struct bq *f, double *z, double x)
{
	double y = f->b0 * x + z[0];

	z[0] = f->b1 * x - f->a1 * y + z[1];
	z[1] = f->b2 * x - f->a2 * y;
	return y;
}

/* Band-limiting of the noise: filters and the gain that keeps noise_uv rms. */
static void noise_band_init(struct spikes *z, const double *p, double fs)
{
	double energy = 0, st[2][2] = { { 0 } };
	unsigned i, j;

	z->n_bq = 0;
	if (p[SP_NOISE_LO] > 0 && p[SP_NOISE_LO] < 0.45 * fs)
		z->bq[z->n_bq++] = butter2(p[SP_NOISE_LO], fs, true);
	if (p[SP_NOISE_HI] > 0 && p[SP_NOISE_HI] < 0.45 * fs)
		z->bq[z->n_bq++] = butter2(p[SP_NOISE_HI], fs, false);
	z->bq_norm = 1;
	if (!z->n_bq)
		return;
	/* Variance gain for white input = energy of the impulse response. */
	for (i = 0; i < (1u << 22); i++) {
		double v = i == 0;

		for (j = 0; j < z->n_bq; j++)
			v = bq_step(&z->bq[j], st[j], v);
		energy += v * v;
		if (i > 1000 && v * v < 1e-30)
			break;
	}
	z->bq_norm = energy > 0 ? 1 / sqrt(energy) : 1;
}

static int spikes_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct spikes *z = calloc(1, sizeof(*z));
	const double *p = s->p;
	unsigned k, j;

	(void)ctx;
	if (!z)
		return -ENOMEM;
	s->st = z;
	z->nr = s->ss->n_route;
	z->nu = (unsigned)p[SP_UNITS];
	z->refr = p[SP_REFR] * 1e-3 * s->fs;
	noise_band_init(z, p, s->fs);
	z->u = calloc((size_t)z->nr * (z->nu ? z->nu : 1), sizeof(*z->u));
	z->c = calloc(z->nr, sizeof(*z->c));
	if (!z->u || !z->c)
		goto oom;
	z->hum_len = (unsigned)clampd(nearbyint(1.2e-3 * s->fs), 3, SP_TPL_MAX);
	for (j = 0; j < SP_HUM_TPL; j++) {
		unsigned pk;

		z->hum_tpl[j] = malloc(z->hum_len * sizeof(float));
		if (!z->hum_tpl[j])
			goto oom;
		make_template(z->hum_tpl[j], z->hum_len, j % 2, j / 4.0, &pk);
	}
	for (k = 0; k < z->nr; k++) {
		struct sp_chan *c = &z->c[k];

		c->noise = sg_key(s->seed, s->index, k, SG_P_NOISE);
		sg_rng_init(&c->hum, s->seed, s->index, k, SG_P_ENV);
		c->hum_next = p[SP_MUA_RATE] > 0 ? sg_exp(&c->hum) * s->fs / p[SP_MUA_RATE] :
						   INFINITY;
		for (j = 0; j < z->nu; j++) {
			struct sp_unit *u = &z->u[k * z->nu + j];
			double wms, rate;
			bool inh, tri;

			sg_rng_init(&u->rng, s->seed, s->index, k, SG_P_UNIT + j);
			inh = sg_uniform(&u->rng) < p[SP_INH_FRAC];
			tri = sg_uniform(&u->rng) < p[SP_TRI];
			wms = p[SP_WMIN] + (p[SP_WMAX] - p[SP_WMIN]) * sg_uniform(&u->rng);
			if (inh)
				wms *= 0.6; /* fast-spiking interneurons: narrow spikes */
			u->amp = (float)(p[SP_AMIN] +
					 (p[SP_AMAX] - p[SP_AMIN]) * sg_uniform(&u->rng));
			u->len = (unsigned)clampd(nearbyint(wms * 1e-3 * s->fs), 3, SP_TPL_MAX);
			u->tpl = malloc(u->len * sizeof(float));
			if (!u->tpl)
				goto oom;
			make_template(u->tpl, u->len, tri, sg_uniform(&u->rng), &u->peak);
			rate = inh ? p[SP_RATE_INH] : p[SP_RATE];
			u->mean_gap = rate > 0 ? isi_gap(rate, p[SP_REFR] * 1e-3, s->fs) : INFINITY;
			/* The first spike: exponential from 0 (no refractory before it). */
			u->next = rate > 0 ? sg_exp(&u->rng) * u->mean_gap : INFINITY;
			/* Its own stream: drift on or off leaves the spike times alone. */
			sg_rng_init(&u->drift_rng, s->seed, s->index, k, SG_P_DRIFT + j);
			u->drift_x = sg_normal(&u->drift_rng); /* stationary start */
		}
	}
	return 0;
oom:
	spikes_free(s);
	return -ENOMEM;
}

/*
 * Active spikes are kept sorted by (start, id) and removed in place, so every
 * sample sums its spikes in the same order whatever the block sizes were
 * (float addition is not associative).
 */
static int add_active(struct sp_chan *c, const float *tpl, uint64_t start, unsigned len, float amp,
		      int id)
{
	unsigned i;

	if (c->n_act == c->cap_act) {
		unsigned cap = c->cap_act ? c->cap_act * 2 : 16;
		struct sp_active *q = realloc(c->act, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		c->act = q;
		c->cap_act = cap;
	}
	i = c->n_act;
	while (i > 0 && (c->act[i - 1].start > start ||
			 (c->act[i - 1].start == start && c->act[i - 1].id > id))) {
		c->act[i] = c->act[i - 1];
		i--;
	}
	c->act[i] = (struct sp_active){ tpl, start, len, amp, id };
	c->n_act++;
	return 0;
}

/* Places the unit's spikes starting before @t_end; emits their truth. */
static void schedule_unit(struct sg_src *s, struct spikes *z, unsigned k, unsigned j,
			  uint64_t t_end)
{
	struct sp_unit *u = &z->u[k * z->nu + j];
	struct sp_chan *c = &z->c[k];
	const double *p = s->p;
	float g = s->ss->gain[k];

	while (u->next < (double)t_end) {
		uint64_t st = (uint64_t)u->next;
		double amp, gap;

		if (u->burst_left) {
			amp = u->burst_amp;
		} else {
			double base = u->amp;

			if (p[SP_DRIFT] > 0) {
				/* Exact OU step over the time since the last spike. */
				double r = exp(-(double)(st - u->drift_t) /
					       (p[SP_DRIFT_TAU] * s->fs));

				u->drift_x = u->drift_x * r +
					     sqrt(1 - r * r) * sg_normal(&u->drift_rng);
				u->drift_t = st;
				base *= exp(p[SP_DRIFT] * u->drift_x);
			}
			amp = base * (1 + p[SP_JIT] * sg_normal(&u->rng));
			if (amp < 0)
				amp = 0;
		}
		/* Out of memory drops the spike and its truth together. */
		if (add_active(c, u->tpl, st, u->len, (float)amp, (int)j) == 0)
			sg_emit(s, SIGGEN_EVENT_SPIKE, (int32_t)s->ss->route[k], st, st + u->len,
				st + u->peak, (int32_t)j, (float)(-amp * g), 0);
		/* Next: burst continuation, or a new ISI (refractory + exponential). */
		if (u->burst_left) {
			u->burst_left--;
			u->burst_amp = (float)(u->burst_amp * p[SP_BDECAY]);
		} else if (p[SP_BPROB] > 0 && sg_uniform(&u->rng) < p[SP_BPROB]) {
			u->burst_left = (unsigned)p[SP_BLEN] - 1;
			u->burst_amp = (float)(amp * p[SP_BDECAY]);
		}
		if (u->burst_left) {
			gap = p[SP_BISI] * 1e-3 * s->fs;
			if (gap < z->refr)
				gap = z->refr;
		} else {
			gap = z->refr + sg_exp(&u->rng) * u->mean_gap;
		}
		if (gap < 1)
			gap = 1;
		/* Keep refractoriness exact after flooring to whole samples. */
		u->next = floor(u->next) + ceil(gap - 1e-9);
		if (u->next - (double)st < z->refr)
			u->next = (double)st + ceil(z->refr);
	}
}

static void render_active(struct sp_chan *c, float *o, uint64_t t0, size_t n, float g)
{
	unsigned a, keep = 0;

	for (a = 0; a < c->n_act; a++) {
		struct sp_active *x = &c->act[a];
		uint64_t b = x->start > t0 ? x->start : t0;
		uint64_t e = x->start + x->len < t0 + n ? x->start + x->len : t0 + n;
		float amp = g * x->amp;
		uint64_t t;

		for (t = b; t < e; t++)
			o[t - t0] += amp * x->tpl[t - x->start];
		if (x->start + x->len > t0 + n)
			c->act[keep++] = *x;
	}
	c->n_act = keep;
}

static void spikes_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			     unsigned k0, unsigned k1)
{
	struct spikes *z = s->st;
	const double *p = s->p;
	float sigma = (float)p[SP_NOISE];
	unsigned k, j;

	for (k = k0; k < k1; k++) {
		struct sp_chan *c = &z->c[k];
		float *o = out + (size_t)s->ss->route[k] * stride, g = s->ss->gain[k];

		if (sigma > 0 && z->n_bq) {
			/* Band-limited: unit noise through the filters, then scaled in. */
			float *w = sg_tmp(s), a = (float)(sigma * g * z->bq_norm);
			size_t i;

			memset(w, 0, n * sizeof(float));
			sg_noise_add(c->noise, t0, w, n, 1.0f);
			for (i = 0; i < n; i++) {
				double v = w[i];

				for (j = 0; j < z->n_bq; j++)
					v = bq_step(&z->bq[j], c->z[j], v);
				o[i] += a * (float)v;
			}
		} else if (sigma > 0) {
			sg_noise_add(c->noise, t0, o, n, sigma * g);
		}
		/* Multi-unit hum: small spikes, no truth. */
		while (c->hum_next < (double)(t0 + n)) {
			unsigned which = (unsigned)(sg_next(&c->hum) >> 62);
			float amp = (float)(p[SP_MUA_UV] * (0.3 + 0.7 * sg_uniform(&c->hum)));

			add_active(c, z->hum_tpl[which], (uint64_t)c->hum_next, z->hum_len, amp,
				   -1);
			c->hum_next += 1 + sg_exp(&c->hum) * s->fs / p[SP_MUA_RATE];
		}
		for (j = 0; j < z->nu; j++)
			schedule_unit(s, z, k, j, t0 + n);
		render_active(c, o, t0, n, g);
	}
}

static double spikes_peak(const struct sg_src *s)
{
	return s->p[SP_AMAX] * exp(3 * s->p[SP_DRIFT]) * (1 + 3 * s->p[SP_JIT]) * 2 +
	       5 * s->p[SP_NOISE] + 3 * s->p[SP_MUA_UV];
}

const struct sg_model sg_model_spikes = {
	.name = "spikes",
	.doc = "extracellular spikes: templated units per channel, Poisson with refractory period, "
	       "jitter, bursts, overlaps, multi-unit hum and noise",
	.params = spike_params,
	.init = spikes_init,
	.free = spikes_free,
	.peak_uv = spikes_peak,
	.render_ch = spikes_render_ch,
};

/* ---------- lfp ---------- */

enum {
	LFP_RMS,
	LFP_EXP,
	LFP_NSH,
	LFP_THETA_UV,
	LFP_THETA_HZ,
	LFP_BETA_UV,
	LFP_BETA_HZ,
	LFP_BRATE,
	LFP_BDUR
};

static const struct siggen_param_info lfp_params[] = {
	{ "rms_uv", "uV", 50, 0, 1e4, "rms of the 1/f background" },
	{ "exponent", "", 1.5, 0, 2, "spectral exponent of the background" },
	{ "n_shared", "", 4, 1, 16, "latent sources mixed onto the channels" },
	{ "theta_uv", "uV", 20, 0, 1e4, "theta oscillation amplitude (waxing/waning)" },
	{ "theta_hz", "Hz", 6, 1, 20, "theta frequency" },
	{ "beta_uv", "uV", 30, 0, 1e4, "beta burst peak amplitude" },
	{ "beta_hz", "Hz", 20, 8, 40, "beta burst frequency" },
	{ "burst_rate_hz", "Hz", 1, 0, 20, "beta bursts per second (Poisson)" },
	{ "burst_ms", "ms", 200, 20, 5000, "mean beta burst duration" },
	END_PARAMS,
};

struct lfp {
	unsigned nr, nsh;
	struct sg_pink *sh;
	struct sg_rng *sh_rng, ev;
	float *w, *lat, *common;
	struct osc theta, beta;
	struct sg_env env;
	double next; /* next burst start, samples */
	uint64_t b_start, b_end;
	float b_amp;
};

static void lfp_free(struct sg_src *s)
{
	struct lfp *e = s->st;

	if (!e)
		return;
	free(e->sh);
	free(e->sh_rng);
	free(e->w);
	free(e->lat);
	free(e->common);
	free(e);
	s->st = NULL;
}

static int lfp_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct lfp *e = calloc(1, sizeof(*e));
	struct sg_rng shape;
	unsigned k, j;

	(void)ctx;
	if (!e)
		return -ENOMEM;
	s->st = e;
	e->nr = s->ss->n_route;
	e->nsh = (unsigned)s->p[LFP_NSH];
	e->sh = calloc(e->nsh, sizeof(*e->sh));
	e->sh_rng = calloc(e->nsh, sizeof(*e->sh_rng));
	e->w = calloc((size_t)e->nr * e->nsh, sizeof(float));
	e->lat = calloc((size_t)e->nsh * SG_CHUNK, sizeof(float));
	e->common = calloc(SG_CHUNK, sizeof(float));
	if (!e->sh || !e->sh_rng || !e->w || !e->lat || !e->common) {
		lfp_free(s);
		return -ENOMEM;
	}
	sg_pink_init(&e->sh[0], s->p[LFP_EXP], s->fs, 0.5, 500);
	for (j = 0; j < e->nsh; j++) {
		e->sh[j] = e->sh[0];
		sg_rng_init(&e->sh_rng[j], s->seed, s->index, 0x10000 + j, SG_P_NOISE);
	}
	sg_rng_init(&shape, s->seed, s->index, 0, SG_P_SHAPE);
	for (k = 0; k < e->nr; k++) {
		double n2 = 0;

		/* Neighbouring channels share latents: a smooth bump over the latent index. */
		for (j = 0; j < e->nsh; j++) {
			double pos = (double)k / (e->nr > 1 ? e->nr - 1 : 1) * (e->nsh - 1);
			double v = exp(-0.5 * (pos - j) * (pos - j)) *
				   (0.8 + 0.4 * sg_uniform(&shape));

			e->w[k * e->nsh + j] = (float)v;
			n2 += v * v;
		}
		for (j = 0; j < e->nsh; j++)
			e->w[k * e->nsh + j] = (float)(e->w[k * e->nsh + j] / sqrt(n2));
	}
	osc_init(&e->theta, s->p[LFP_THETA_HZ], s->fs, 0);
	osc_init(&e->beta, s->p[LFP_BETA_HZ], s->fs, 0);
	sg_env_init(&e->env, s->seed, s->index, 1, s->fs, 0.5);
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	e->next = s->p[LFP_BRATE] > 0 ? sg_exp(&e->ev) * s->fs / s->p[LFP_BRATE] : INFINITY;
	return 0;
}

static void lfp_prepare(struct sg_src *s, uint64_t t0, size_t n)
{
	struct lfp *e = s->st;
	float a = (float)s->p[LFP_RMS];
	double th = s->p[LFP_THETA_UV];
	unsigned j;
	size_t i;

	if (t0 == 0)
		sg_emit(s, SIGGEN_EVENT_BACKGROUND, -1, 0, s->total, 0, 0, a, 0);
	for (j = 0; j < e->nsh; j++)
		for (i = 0; i < n; i++)
			e->lat[j * SG_CHUNK + i] = a *
						   (float)sg_pink_step(&e->sh[j],
								       sg_normal(&e->sh_rng[j]));
	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double v = th * (1 + 0.5 * clampd(sg_env_step(&e->env), -2, 2)) *
			   osc_step(&e->theta, t);
		double b = osc_step(&e->beta, t);

		if (t >= e->b_end && e->next < (double)(t + 1)) {
			/* A burst starts: duration ~ exponential around burst_ms (>= 2 cycles). */
			double dur = s->p[LFP_BDUR] * 1e-3 * s->fs * (0.5 + sg_exp(&e->ev) * 0.5);
			double min = 2 * s->fs / s->p[LFP_BETA_HZ];

			if (dur < min)
				dur = min;
			e->b_start = t;
			e->b_end = t + (uint64_t)dur;
			if (e->b_end > s->total)
				e->b_end = s->total;
			e->b_amp = (float)(s->p[LFP_BETA_UV] * (0.7 + 0.6 * sg_uniform(&e->ev)));
			sg_emit(s, SIGGEN_EVENT_BETA_BURST, -1, e->b_start, e->b_end, e->b_start, 0,
				e->b_amp, (float)s->p[LFP_BETA_HZ]);
			e->next = (double)e->b_end + sg_exp(&e->ev) * s->fs / s->p[LFP_BRATE];
		}
		if (t >= e->b_start && t < e->b_end) {
			/* Hann envelope over the burst. */
			double x = (double)(t - e->b_start) / (double)(e->b_end - e->b_start);
			double h = 0.5 - 0.5 * cos(2 * M_PI * x);

			v += e->b_amp * h * b;
		}
		e->common[i] = (float)v;
	}
}

/* Cloned for wider vectors: the fused mixing loop is the model's hot path. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void lfp_render_ch(
	struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride, unsigned k0,
	unsigned k1)
{
	struct lfp *e = s->st;
	unsigned k, j;
	size_t i;

	(void)t0;
	for (k = k0; k < k1; k++) {
		float *restrict o = out + (size_t)s->ss->route[k] * stride;
		float *restrict acc = sg_tmp(s);
		const float *w = e->w + (size_t)k * e->nsh;
		float g = s->ss->gain[k];

		if (e->nsh == 4) {
			/* The default: one fused pass. */
			const float *restrict c = e->common, *restrict l0 = e->lat,
					      *restrict l1 = l0 + SG_CHUNK,
					      *restrict l2 = l1 + SG_CHUNK,
					      *restrict l3 = l2 + SG_CHUNK;
			float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];

			for (i = 0; i < n; i++)
				o[i] += g *
					(c[i] + w0 * l0[i] + w1 * l1[i] + w2 * l2[i] + w3 * l3[i]);
			continue;
		}
		/* Latent-outer loops over a chunk in L1: these vectorise. */
		memcpy(acc, e->common, n * sizeof(float));
		for (j = 0; j < e->nsh; j++) {
			const float *restrict l = e->lat + (size_t)j * SG_CHUNK;
			float wj = w[j];

			for (i = 0; i < n; i++)
				acc[i] += wj * l[i];
		}
		for (i = 0; i < n; i++)
			o[i] += g * acc[i];
	}
}

static double lfp_peak(const struct sg_src *s)
{
	return 5 * s->p[LFP_RMS] + 3 * s->p[LFP_THETA_UV] + 1.3 * s->p[LFP_BETA_UV];
}

const struct sg_model sg_model_lfp = {
	.name = "lfp",
	.doc = "local field potential: 1/f background mixed over neighbouring channels, theta, and "
	       "beta bursts of known onset and offset",
	.params = lfp_params,
	.init = lfp_init,
	.free = lfp_free,
	.peak_uv = lfp_peak,
	.prepare = lfp_prepare,
	.render_ch = lfp_render_ch,
};
