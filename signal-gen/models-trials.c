// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Trial-based and event models: ERP/P300 oddball, P300 row/column speller, SSVEP,
 * motor imagery (mu/beta ERD/ERS), seizures (evolving rhythmic discharge, 3 Hz spike and
 * wave). Parameters in uV, Hz, s, ms; truth per trial or per seizure.
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

/* Per routed channel weight from its name (posterior-heavy). */
static float *posterior_weights(const struct sg_src *s, const struct sg_ctx *ctx)
{
	float *w = malloc(s->ss->n_route * sizeof(float) + 1);
	unsigned k;

	if (!w)
		return NULL;
	for (k = 0; k < s->ss->n_route; k++)
		w[k] = (float)sg_name_posterior(ctx->spec->names[s->ss->route[k]]);
	return w;
}

/* ---------- erp ---------- */

enum {
	ERP_SOA,
	ERP_PT,
	ERP_P3,
	ERP_P3LAT,
	ERP_P3W,
	ERP_N1,
	ERP_P2,
	ERP_NT,
	ERP_FIRST
};

static const struct siggen_param_info erp_params[] = {
	{ "soa_s", "s", 1.0, 0.1, 60, "stimulus onset asynchrony (one trial per soa)" },
	{ "target_prob", "", 0.2, 0, 1, "probability that a trial is a target (oddball)" },
	{ "p300_uv", "uV", 10, -1e3, 1e3, "P300 peak amplitude on target trials" },
	{ "p300_latency_ms", "ms", 300, 50, 1000, "P300 peak latency" },
	{ "p300_width_ms", "ms", 80, 5, 500, "P300 Gaussian sd" },
	{ "n100_uv", "uV", 4, 0, 1e3, "N100 amplitude (negative peak at 100 ms), all trials" },
	{ "p200_uv", "uV", 3, 0, 1e3, "P200 amplitude (at 200 ms), all trials" },
	{ "nontarget_p300", "", 0.1, 0, 1, "P300 fraction on non-target trials" },
	{ "first_s", "s", 0.5, 0, 3600, "onset of the first trial" },
	END_PARAMS,
};

struct erp {
	float *tpl[2]; /* non-target, target */
	unsigned len;
	float *w;
	struct sg_rng ev;
	uint64_t next;
	uint64_t act_start[64];
	int act_label[64];
	unsigned n_act;
};

static void erp_free(struct sg_src *s)
{
	struct erp *e = s->st;

	if (!e)
		return;
	free(e->tpl[0]);
	free(e->tpl[1]);
	free(e->w);
	free(e);
	s->st = NULL;
}

static int erp_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct erp *e = calloc(1, sizeof(*e));
	const double *p = s->p;
	unsigned i, l;

	if (!e)
		return -ENOMEM;
	s->st = e;
	e->len = (unsigned)sec(s, (p[ERP_P3LAT] + 4 * p[ERP_P3W]) * 1e-3 + 0.1);
	if (e->len < 2)
		e->len = 2;
	e->tpl[0] = malloc(e->len * sizeof(float));
	e->tpl[1] = malloc(e->len * sizeof(float));
	e->w = posterior_weights(s, ctx);
	if (!e->tpl[0] || !e->tpl[1] || !e->w) {
		erp_free(s);
		return -ENOMEM;
	}
	for (l = 0; l < 2; l++)
		for (i = 0; i < e->len; i++) {
			double t = i / s->fs * 1e3, p3 = l ? p[ERP_P3] : p[ERP_P3] * p[ERP_NT];

			e->tpl[l][i] = (float)(-p[ERP_N1] * exp(-0.5 * pow((t - 100) / 25, 2)) +
					       p[ERP_P2] * exp(-0.5 * pow((t - 200) / 30, 2)) +
					       p3 * exp(-0.5 *
							pow((t - p[ERP_P3LAT]) / p[ERP_P3W], 2)));
		}
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	e->next = sec(s, p[ERP_FIRST]);
	return 0;
}

static void erp_render(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride)
{
	struct erp *e = s->st;
	const double *p = s->p;
	unsigned a, k;

	while (e->next < t0 + n && e->next < s->total) {
		int label = sg_uniform(&e->ev) < p[ERP_PT];

		if (e->n_act < 64) {
			e->act_start[e->n_act] = e->next;
			e->act_label[e->n_act++] = label;
			sg_emit(s, SIGGEN_EVENT_ERP, -1, e->next, e->next + e->len, e->next, label,
				(float)(label ? p[ERP_P3] : p[ERP_P3] * p[ERP_NT]),
				(float)p[ERP_P3LAT]);
		}
		e->next += sec(s, p[ERP_SOA]) ? sec(s, p[ERP_SOA]) : 1;
	}
	a = 0;
	while (a < e->n_act) {
		uint64_t st = e->act_start[a], b = st > t0 ? st : t0;
		uint64_t en = st + e->len < t0 + n ? st + e->len : t0 + n;
		const float *tpl = e->tpl[e->act_label[a]];

		for (k = 0; k < s->ss->n_route; k++) {
			float *o = out + (size_t)s->ss->route[k] * stride;
			float g = s->ss->gain[k] * e->w[k];
			uint64_t t;

			for (t = b; t < en; t++)
				o[t - t0] += g * tpl[t - st];
		}
		if (st + e->len <= t0 + n) {
			/* Remove in place: the summation order stays chronological. */
			memmove(e->act_start + a, e->act_start + a + 1,
				(e->n_act - a - 1) * sizeof(e->act_start[0]));
			memmove(e->act_label + a, e->act_label + a + 1,
				(e->n_act - a - 1) * sizeof(e->act_label[0]));
			e->n_act--;
		} else {
			a++;
		}
	}
}

static double erp_peak(const struct sg_src *s)
{
	return fabs(s->p[ERP_P3]) + s->p[ERP_N1] + s->p[ERP_P2];
}

const struct sg_model sg_model_erp = {
	.name = "erp",
	.doc = "ERP / P300 oddball trials: N100, P200 and a P300 on targets, posterior-weighted",
	.params = erp_params,
	.init = erp_init,
	.render = erp_render,
	.free = erp_free,
	.peak_uv = erp_peak,
};

/* ---------- ssvep ---------- */

enum {
	SV_F0,
	SV_DF,
	SV_NCLS,
	SV_PHSTEP,
	SV_HARM,
	SV_AMP,
	SV_SNR,
	SV_TRIAL,
	SV_REST,
	SV_FIRST,
	SV_CLASS
};

static const struct siggen_param_info ssvep_params[] = {
	{ "f0_hz", "Hz", 8, 1, 100, "frequency of class 0" },
	{ "df_hz", "Hz", 0.2, 0, 10, "frequency step between classes" },
	{ "n_classes", "", 40, 1, 200, "number of classes (frequency/phase pairs)" },
	{ "phase_step_pi", "pi", 0.5, 0, 2, "phase step between classes, in units of pi" },
	{ "harmonics", "", 3, 1, 10, "harmonics (amplitude of harmonic h = amp / h)" },
	{ "amp_uv", "uV", 5, 0, 1e4, "amplitude of the fundamental at occipital channels" },
	{ "snr_db", "dB", 100, -40, 100, "broadband SNR of added white noise (100 = no noise)" },
	{ "trial_s", "s", 4, 0.1, 600, "stimulation duration per trial" },
	{ "rest_s", "s", 1, 0, 600, "rest between trials" },
	{ "first_s", "s", 0.5, 0, 3600, "onset of the first trial" },
	{ "class", "", -1, -1, 199, "fixed class for every trial, or -1 for random" },
	END_PARAMS,
};

#define SV_HMAX 10

struct ssvep {
	float *w;
	struct sg_rng ev, *noise;
	uint64_t next, start, end;
	int cls;
	double c[SV_HMAX], sn[SV_HMAX], cr[SV_HMAX], sr[SV_HMAX];
	float sigma;
};

static void ssvep_free(struct sg_src *s)
{
	struct ssvep *e = s->st;

	if (!e)
		return;
	free(e->w);
	free(e->noise);
	free(e);
	s->st = NULL;
}

static int ssvep_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct ssvep *e = calloc(1, sizeof(*e));
	const double *p = s->p;
	double psig = 0;
	unsigned k, h;

	if (!e)
		return -ENOMEM;
	s->st = e;
	e->w = posterior_weights(s, ctx);
	e->noise = calloc(s->ss->n_route + 1, sizeof(*e->noise));
	if (!e->w || !e->noise) {
		ssvep_free(s);
		return -ENOMEM;
	}
	for (k = 0; k < s->ss->n_route; k++)
		sg_rng_init(&e->noise[k], s->seed, s->index, k, SG_P_NOISE);
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	for (h = 1; h <= (unsigned)p[SV_HARM]; h++)
		psig += 0.5 * pow(p[SV_AMP] / h, 2);
	e->sigma = p[SV_SNR] >= 100 ? 0 : (float)sqrt(psig / pow(10, p[SV_SNR] / 10));
	e->next = sec(s, p[SV_FIRST]);
	e->cls = -1;
	return 0;
}

static void ssvep_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct ssvep *e = s->st;
	const double *p = s->p;
	unsigned nh = (unsigned)p[SV_HARM], h;
	float *wave = s->wave;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double v = 0;

		if (t == e->next && t < s->total) {
			int ncls = (int)p[SV_NCLS];
			double f, ph;

			e->cls = p[SV_CLASS] >= 0 ? (int)p[SV_CLASS] % ncls :
						    (int)(sg_uniform(&e->ev) * ncls);
			f = p[SV_F0] + p[SV_DF] * e->cls;
			ph = p[SV_PHSTEP] * M_PI * e->cls;
			for (h = 0; h < nh; h++) {
				e->c[h] = cos((h + 1) * ph);
				e->sn[h] = sin((h + 1) * ph);
				e->cr[h] = cos(2 * M_PI * (h + 1) * f / s->fs);
				e->sr[h] = sin(2 * M_PI * (h + 1) * f / s->fs);
			}
			e->start = t;
			e->end = t + sec(s, p[SV_TRIAL]);
			if (e->end > s->total)
				e->end = s->total;
			sg_emit(s, SIGGEN_EVENT_SSVEP, -1, e->start, e->end, e->start, e->cls,
				(float)p[SV_AMP], (float)f);
			e->next = e->end + sec(s, p[SV_REST]);
			if (e->next == e->end)
				e->next++;
		}
		if (e->cls >= 0 && t >= e->start && t < e->end) {
			for (h = 0; h < nh; h++) {
				double c = e->c[h] * e->cr[h] - e->sn[h] * e->sr[h];
				double sn = e->c[h] * e->sr[h] + e->sn[h] * e->cr[h];

				v += p[SV_AMP] / (h + 1) * e->sn[h];
				if ((t & 1023) == 1023) {
					double m = 1 / sqrt(c * c + sn * sn);

					c *= m;
					sn *= m;
				}
				e->c[h] = c;
				e->sn[h] = sn;
			}
		}
		wave[i] = (float)v;
	}
}

static void ssvep_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			    unsigned k0, unsigned k1)
{
	struct ssvep *e = s->st;
	const float *wave = s->wave;
	unsigned k;
	size_t i;

	(void)t0;
	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride;
		float g = s->ss->gain[k], gw = g * e->w[k];

		for (i = 0; i < n; i++)
			o[i] += gw * wave[i];
		if (e->sigma > 0)
			for (i = 0; i < n; i++)
				o[i] += g * e->sigma * sg_normal(&e->noise[k]);
	}
}

static double ssvep_peak(const struct sg_src *s)
{
	double pk = 0;
	unsigned h;

	for (h = 1; h <= (unsigned)s->p[SV_HARM]; h++)
		pk += s->p[SV_AMP] / h;
	if (s->p[SV_SNR] < 100)
		pk += 5 * s->p[SV_AMP] / pow(10, s->p[SV_SNR] / 20);
	return pk;
}

const struct sg_model sg_model_ssvep = {
	.name = "ssvep",
	.doc = "SSVEP trials: one frequency/phase class per trial with harmonics, optional noise "
	       "at a set SNR",
	.params = ssvep_params,
	.init = ssvep_init,
	.free = ssvep_free,
	.peak_uv = ssvep_peak,
	.prepare = ssvep_wave,
	.render_ch = ssvep_render_ch,
};

/* ---------- motor imagery ---------- */

enum {
	MI_NCLS,
	MI_TRIAL,
	MI_REST,
	MI_FIRST,
	MI_MU_UV,
	MI_MU_HZ,
	MI_BETA_UV,
	MI_BETA_HZ,
	MI_ERD,
	MI_ERS,
	MI_RAMP,
	MI_CLASS
};

static const struct siggen_param_info mi_params[] = {
	{ "n_classes", "", 2, 2, 3, "classes: 0 left hand, 1 right hand, 2 feet" },
	{ "trial_s", "s", 4, 0.5, 600, "imagery duration per trial" },
	{ "rest_s", "s", 3, 0.5, 600, "rest between trials (includes the beta rebound)" },
	{ "first_s", "s", 2, 0, 3600, "onset of the first trial" },
	{ "mu_uv", "uV", 10, 0, 1e4, "mu rhythm amplitude at rest" },
	{ "mu_hz", "Hz", 10, 7, 14, "mu frequency" },
	{ "beta_uv", "uV", 5, 0, 1e4, "beta rhythm amplitude at rest" },
	{ "beta_hz", "Hz", 22, 14, 35, "beta frequency" },
	{ "erd", "", 0.6, 0, 1, "fractional amplitude drop over the contralateral hemisphere" },
	{ "ers", "", 0.5, 0, 5, "fractional beta rebound after the trial (1 s)" },
	{ "ramp_s", "s", 0.5, 0.01, 5, "ERD onset/offset ramp" },
	{ "class", "", -1, -1, 2, "fixed class for every trial, or -1 for random" },
	END_PARAMS,
};

struct mi {
	int *group; /* per routed channel: 0 left, 1 right, 2 midline */
	struct sg_rng ev;
	double mu_c[3], mu_s[3], be_c[3], be_s[3], mcr, msr, bcr, bsr;
	struct sg_env env[3];
	uint64_t next, start, end;
	int cls;
	float *gw; /* 3 x SG_CHUNK */
};

static void mi_free(struct sg_src *s)
{
	struct mi *e = s->st;

	if (!e)
		return;
	free(e->group);
	free(e->gw);
	free(e);
	s->st = NULL;
}

static int mi_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct mi *e = calloc(1, sizeof(*e));
	unsigned k, nr = s->ss->n_route, sided = 0;
	int g;

	if (!e)
		return -ENOMEM;
	s->st = e;
	e->group = calloc(nr + 1, sizeof(int));
	e->gw = calloc(3 * SG_CHUNK, sizeof(float));
	if (!e->group || !e->gw) {
		mi_free(s);
		return -ENOMEM;
	}
	for (k = 0; k < nr; k++) {
		int side = sg_name_side(ctx->spec->names[s->ss->route[k]]);

		e->group[k] = side < 0 ? 0 : side > 0 ? 1 : 2;
		sided += side != 0;
	}
	if (!sided) /* no 10-20 names: first half left, second half right */
		for (k = 0; k < nr; k++)
			e->group[k] = 2 * k < nr ? 0 : 1;
	for (g = 0; g < 3; g++) {
		double ph = 2.1 * g;

		e->mu_c[g] = cos(ph);
		e->mu_s[g] = sin(ph);
		e->be_c[g] = cos(1.3 * ph);
		e->be_s[g] = sin(1.3 * ph);
		sg_env_init(&e->env[g], s->seed, s->index, (uint32_t)g, s->fs, 0.5);
	}
	e->mcr = cos(2 * M_PI * s->p[MI_MU_HZ] / s->fs);
	e->msr = sin(2 * M_PI * s->p[MI_MU_HZ] / s->fs);
	e->bcr = cos(2 * M_PI * s->p[MI_BETA_HZ] / s->fs);
	e->bsr = sin(2 * M_PI * s->p[MI_BETA_HZ] / s->fs);
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	e->next = sec(s, s->p[MI_FIRST]);
	e->cls = -1;
	return 0;
}

static void rot(double *c, double *sn, double cr, double sr, uint64_t t)
{
	double a = *c * cr - *sn * sr, b = *c * sr + *sn * cr;

	if ((t & 1023) == 1023) {
		double m = 1 / sqrt(a * a + b * b);

		a *= m;
		b *= m;
	}
	*c = a;
	*sn = b;
}

static void mi_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct mi *e = s->st;
	const double *p = s->p;
	double ramp = p[MI_RAMP] * s->fs;
	size_t i;
	int g;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;

		if (t == e->next && t < s->total) {
			int ncls = (int)p[MI_NCLS];

			e->cls = p[MI_CLASS] >= 0 ? (int)p[MI_CLASS] % ncls :
						    (int)(sg_uniform(&e->ev) * ncls);
			e->start = t;
			e->end = t + sec(s, p[MI_TRIAL]);
			sg_emit(s, SIGGEN_EVENT_MI, -1, e->start,
				e->end > s->total ? s->total : e->end, e->start, e->cls,
				(float)p[MI_MU_UV], (float)p[MI_ERD]);
			e->next = e->end + sec(s, p[MI_REST]);
		}
		for (g = 0; g < 3; g++) {
			/* Contralateral: class 0 (left hand) -> right hemisphere (group 1). */
			int target = e->cls == 0 ? 1 : e->cls == 1 ? 0 : 2;
			double m_mu = 1, m_be = 1, env;

			if (e->cls >= 0 && g == target) {
				if (t >= e->start && t < e->end) {
					double x = (double)(t - e->start), y = (double)(e->end - t);
					double r = fmin(1, fmin(x / ramp, y / ramp));

					m_mu = m_be = 1 - p[MI_ERD] * r;
				} else if (t >= e->end && (double)(t - e->end) < s->fs) {
					double x = (double)(t - e->end) / s->fs;

					m_be = 1 + p[MI_ERS] * sin(M_PI * x);
				}
			}
			env = 1 + 0.3 * fmax(-2, fmin(2, sg_env_step(&e->env[g])));
			e->gw[g * SG_CHUNK + i] = (float)(env *
							  (m_mu * p[MI_MU_UV] * e->mu_s[g] +
							   m_be * p[MI_BETA_UV] * e->be_s[g]));
			rot(&e->mu_c[g], &e->mu_s[g], e->mcr, e->msr, t);
			rot(&e->be_c[g], &e->be_s[g], e->bcr, e->bsr, t);
		}
	}
}

static void mi_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			 unsigned k0, unsigned k1)
{
	const struct mi *e = s->st;
	unsigned k;
	size_t i;

	(void)t0;
	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, gk = s->ss->gain[k];
		const float *w = e->gw + (size_t)e->group[k] * SG_CHUNK;

		for (i = 0; i < n; i++)
			o[i] += gk * w[i];
	}
}

static double mi_peak(const struct sg_src *s)
{
	return 1.6 * (s->p[MI_MU_UV] + s->p[MI_BETA_UV] * (1 + s->p[MI_ERS]));
}

const struct sg_model sg_model_mi = {
	.name = "mi",
	.doc = "motor imagery trials: mu/beta ERD over the contralateral hemisphere (midline for "
	       "feet) and a post-trial beta rebound",
	.params = mi_params,
	.init = mi_init,
	.free = mi_free,
	.peak_uv = mi_peak,
	.prepare = mi_wave,
	.render_ch = mi_render_ch,
};

/* ---------- seizure ---------- */

enum {
	SZ_ONSET,
	SZ_DUR,
	SZ_F0,
	SZ_F1,
	SZ_AMP,
	SZ_SW,
	SZ_RATE,
	SZ_RAMP,
	SZ_PI_DEPTH,
	SZ_PI_HOLD,
	SZ_PI_REC,
};

static const struct siggen_param_info sz_params[] = {
	{ "onset_s", "s", 10, 0, 1e6, "onset of the first seizure" },
	{ "duration_s", "s", 30, 1, 3600, "seizure duration" },
	{ "f_start_hz", "Hz", 8, 1, 40, "discharge frequency at onset" },
	{ "f_end_hz", "Hz", 3, 0.5, 40, "discharge frequency at offset" },
	{ "amp_uv", "uV", 150, 0, 1e5, "discharge amplitude at full evolution" },
	{ "spike_wave", "", 1, 0, 1, "1: second half is spike-and-wave morphology" },
	{ "rate_per_hour", "1/h", 0, 0, 60, "further seizures (Poisson) after the first" },
	{ "ramp_s", "s", 3, 0.1, 600, "amplitude build-up and decay time" },
	{ "postictal_depth", "", 0.8, 0, 1,
	  "post-ictal suppression: fraction of the earlier sources' amplitude removed" },
	{ "postictal_s", "s", 20, 0, 3600,
	  "post-ictal suppression held at full depth after offset" },
	{ "recovery_s", "s", 40, 0, 3600,
	  "raised-cosine recovery to full amplitude after the hold" },
	END_PARAMS,
};

#define SZ_TAB 1024

struct seizure {
	float sine[SZ_TAB + 1], sw[SZ_TAB + 1];
	struct sg_rng ev;
	uint64_t next, start, end;
	double phase; /* cycles */
	bool on;
	/* Post-ictal window [pi_start, pi_end), full depth until pi_hold. */
	uint64_t pi_start, pi_hold, pi_end;
	bool pi_on;
	bool supp_chunk; /* this chunk has a gain below 1 somewhere */
	float supp[SG_CHUNK];
};

static int sz_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct seizure *e = calloc(1, sizeof(*e));
	unsigned i;

	(void)ctx;
	if (!e)
		return -ENOMEM;
	for (i = 0; i <= SZ_TAB; i++) {
		double u = (double)i / SZ_TAB;

		e->sine[i] = (float)sin(2 * M_PI * u);
		/* Spike (sharp, negative at the scalp) then a slow positive wave. */
		e->sw[i] = (float)(-1.0 * exp(-0.5 * pow((u - 0.1) / 0.025, 2)) +
				   0.45 * exp(-0.5 * pow((u - 0.55) / 0.15, 2)) -
				   0.12 * exp(-0.5 * pow((u - 0.18) / 0.04, 2)));
	}
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	e->next = sec(s, s->p[SZ_ONSET]);
	s->st = e;
	return 0;
}

static void sz_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct seizure *e = s->st;
	const double *p = s->p;
	double ramp = p[SZ_RAMP] * s->fs;
	size_t i;

	e->supp_chunk = false;
	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double v = 0;

		if (!e->on && t == e->next && t < s->total) {
			e->on = true;
			e->start = t;
			e->end = t + sec(s, p[SZ_DUR]);
			e->phase = 0;
			sg_emit(s, SIGGEN_EVENT_SEIZURE, -1, e->start,
				e->end > s->total ? s->total : e->end, e->start, 0,
				(float)p[SZ_AMP], (float)p[SZ_F0]);
		}
		if (e->on) {
			double len = (double)(e->end - e->start), x = (double)(t - e->start);
			double f = p[SZ_F0] + (p[SZ_F1] - p[SZ_F0]) * x / len;
			double a = p[SZ_AMP] * fmin(1, fmin((x + 1) / ramp, (len - x) / ramp));
			double ph = e->phase - floor(e->phase), idx = ph * SZ_TAB;
			unsigned j = (unsigned)idx;
			const float *tab = p[SZ_SW] > 0.5 && x > len / 2 ? e->sw : e->sine;
			double fr = idx - j;

			/* Amplitude also grows from 30% while the discharge evolves. */
			a *= 0.3 + 0.7 * fmin(1, 2 * x / len);
			v = a * (tab[j] + fr * (tab[j + 1] - tab[j]));
			e->phase += f / s->fs;
			if (t + 1 >= e->end) {
				e->on = false;
				if (p[SZ_PI_DEPTH] > 0 && p[SZ_PI_HOLD] + p[SZ_PI_REC] > 0 &&
				    e->end < s->total) {
					e->pi_on = true;
					e->pi_start = e->end;
					e->pi_hold = e->end + sec(s, p[SZ_PI_HOLD]);
					e->pi_end = e->pi_hold + sec(s, p[SZ_PI_REC]);
				}
				e->next = p[SZ_RATE] > 0 ?
						  e->end + 1 +
							  (uint64_t)(sg_exp(&e->ev) * 3600 * s->fs /
								     p[SZ_RATE]) :
						  UINT64_MAX;
			}
		}
		s->wave[i] = (float)v;
		e->supp[i] = 1;
		if (e->pi_on && t >= e->pi_start) {
			double d = p[SZ_PI_DEPTH];

			if (t == e->pi_start)
				sg_emit(s, SIGGEN_EVENT_POSTICTAL, -1, e->pi_start,
					e->pi_end > s->total ? s->total : e->pi_end, e->pi_hold, 0,
					0, (float)p[SZ_PI_DEPTH]);
			if (t >= e->pi_end) {
				e->pi_on = false;
			} else {
				if (t >= e->pi_hold) /* raised-cosine recovery */
					d *= 0.5 + 0.5 * cos(M_PI * (double)(t - e->pi_hold) /
							     (double)(e->pi_end - e->pi_hold));
				e->supp[i] = (float)(1 - d);
				e->supp_chunk = true;
			}
		}
	}
}

/*
 * Post-ictal suppression scales what the sources before this one put on the
 * channel (the background), then the discharge is added.
 */
static void sz_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			 unsigned k0, unsigned k1)
{
	const struct seizure *e = s->st;
	unsigned k;
	size_t i;

	if (e->supp_chunk)
		for (k = k0; k < k1; k++) {
			float *o = out + (size_t)s->ss->route[k] * stride;

			for (i = 0; i < n; i++)
				o[i] *= e->supp[i];
		}
	sg_wave_render_ch(s, t0, n, out, stride, k0, k1);
}

static double sz_peak(const struct sg_src *s)
{
	return s->p[SZ_AMP] * 1.1;
}

static void free_plain(struct sg_src *s)
{
	free(s->st);
	s->st = NULL;
}

const struct sg_model sg_model_seizure = {
	.name = "seizure",
	.doc = "seizures: evolving rhythmic discharge slowing from f_start to f_end, ending in 3 Hz "
	       "spike-and-wave, then post-ictal suppression of the sources listed before it; "
	       "onset/offset truth",
	.params = sz_params,
	.init = sz_init,
	.free = free_plain,
	.peak_uv = sz_peak,
	.prepare = sz_wave,
	.render_ch = sz_render_ch,
};

/* ---------- p300speller ---------- */

/*
 * A row/column P300 speller (Farwell & Donchin 1988; the BCI2000 P3Speller of Sellers
 * 2006): an M x M symbol matrix, each selection one target symbol, then `repetitions`
 * sequences in which every row and every column flashes once in a random order, one flash
 * per SOA. Every flash evokes an N100/P200; a flash of the target's row or column also a
 * P300 with per-flash amplitude and latency jitter. Stimulus codes: rows 0..M-1, columns
 * M..2M-1; symbol = row x M + column.
 */
enum {
	PS_M,
	PS_REP,
	PS_SOA,
	PS_PAUSE,
	PS_FIRST,
	PS_P3,
	PS_P3LAT,
	PS_P3W,
	PS_AJIT,
	PS_LJIT,
	PS_N1,
	PS_P2,
	PS_TRIG,
	PS_TRIGMS,
	PS_TARGET,
};

static const struct siggen_param_info ps_params[] = {
	{ "matrix", "", 6, 2, 8, "rows = columns of the symbol matrix (M)" },
	{ "repetitions", "", 5, 1, 50,
	  "sequences per selection (each flashes every row and column)" },
	{ "soa_s", "s", 0.175, 0.05, 2, "flash onset asynchrony (ISI)" },
	{ "pause_s", "s", 2, 0, 60, "from one SOA after the last flash to the next selection" },
	{ "first_s", "s", 1, 0, 3600, "first flash of the first selection" },
	{ "p300_uv", "uV", 8, -1e3, 1e3, "P300 peak amplitude after a target row/column flash" },
	{ "p300_latency_ms", "ms", 300, 100, 800, "P300 peak latency" },
	{ "p300_width_ms", "ms", 70, 5, 300, "P300 Gaussian sd" },
	{ "amp_jitter", "", 0.3, 0, 2,
	  "sd of the P300 amplitude per flash, fraction (floored at 0)" },
	{ "latency_jitter_ms", "ms", 25, 0, 200, "sd of the P300 latency per flash" },
	{ "n100_uv", "uV", 2, 0, 1e3, "N100 amplitude at 100 ms, every flash" },
	{ "p200_uv", "uV", 2, 0, 1e3, "P200 amplitude at 200 ms, every flash" },
	{ "trigger_uv", "uV", 0, 0, 1e4,
	  "0: none; else the last routed channel is a trigger input: code c as (c + 1) x this" },
	{ "trigger_ms", "ms", 40, 1, 1000, "trigger pulse width" },
	{ "target", "", -1, -1, 63, "fixed target symbol for every selection, or -1 for random" },
	END_PARAMS,
};

#define PS_MAX_ACT 64
#define PS_MAX_CODES 16

struct p300speller {
	float *w;
	float *trig; /* SG_CHUNK: the trigger channel's wave */
	struct sg_rng ev, jit;
	unsigned m, n_flash; /* flashes per selection: 2 M x repetitions */
	uint64_t sel_start, next_flash, trig_end;
	uint64_t end_at; /* selection-end trigger due (UINT64_MAX: none) */
	unsigned flash;	 /* index of the next flash in the selection */
	int row, col;
	int perm[PS_MAX_CODES];
	float trig_level;
	uint64_t act_start[PS_MAX_ACT];
	float act_amp[PS_MAX_ACT], act_lat[PS_MAX_ACT];
	unsigned n_act;
	unsigned len; /* samples of one flash response */
};

static void ps_free(struct sg_src *s)
{
	struct p300speller *e = s->st;

	if (!e)
		return;
	free(e->w);
	free(e->trig);
	free(e);
	s->st = NULL;
}

static int ps_init(struct sg_src *s, const struct sg_ctx *ctx)
{
	struct p300speller *e = calloc(1, sizeof(*e));
	const double *p = s->p;

	if (!e)
		return -ENOMEM;
	s->st = e;
	e->w = posterior_weights(s, ctx);
	e->trig = calloc(SG_CHUNK, sizeof(float));
	if (!e->w || !e->trig) {
		ps_free(s);
		return -ENOMEM;
	}
	e->m = (unsigned)p[PS_M];
	e->n_flash = 2 * e->m * (unsigned)p[PS_REP];
	e->len = (unsigned)sec(s, (p[PS_P3LAT] + 4 * p[PS_LJIT] + 4 * p[PS_P3W]) * 1e-3 + 0.05);
	sg_rng_init(&e->ev, s->seed, s->index, 0, SG_P_EVENTS);
	sg_rng_init(&e->jit, s->seed, s->index, 0, SG_P_SHAPE);
	e->sel_start = e->next_flash = sec(s, p[PS_FIRST]);
	e->end_at = UINT64_MAX;
	return 0;
}

/* Starts a trigger pulse for stimulus code @code at sample @t. */
static void ps_trigger(struct p300speller *e, const struct sg_src *s, uint64_t t, int code)
{
	e->trig_level = (float)(s->p[PS_TRIG] * (code + 1));
	e->trig_end = t + (sec(s, s->p[PS_TRIGMS] * 1e-3) ? sec(s, s->p[PS_TRIGMS] * 1e-3) : 1);
}

static void ps_flash(struct sg_src *s, uint64_t t)
{
	struct p300speller *e = s->st;
	const double *p = s->p;
	unsigned m2 = 2 * e->m, i;
	int code, tgt;
	double a = 0, lat;

	if (e->flash == 0) {
		int sym = p[PS_TARGET] >= 0 ? (int)p[PS_TARGET] % (int)(e->m * e->m) :
					      (int)(sg_uniform(&e->ev) * e->m * e->m);

		e->row = sym / (int)e->m;
		e->col = sym % (int)e->m;
		e->sel_start = t;
		sg_emit(s, SIGGEN_EVENT_SPELLER_CUE, -1, t,
			t + sec(s, e->n_flash * p[PS_SOA]) < s->total ?
				t + sec(s, e->n_flash * p[PS_SOA]) :
				s->total,
			t, sym, (float)p[PS_P3], (float)p[PS_REP]);
	}
	if (e->flash % m2 == 0) { /* a new sequence: every row and column once, shuffled */
		for (i = 0; i < m2; i++)
			e->perm[i] = (int)i;
		for (i = m2 - 1; i > 0; i--) {
			unsigned j = (unsigned)(sg_uniform(&e->ev) * (i + 1));
			int tmp = e->perm[i];

			e->perm[i] = e->perm[j];
			e->perm[j] = tmp;
		}
	}
	code = e->perm[e->flash % m2];
	tgt = code == e->row || code == (int)e->m + e->col;
	/* Both jitter draws on every flash, so the stream does not depend on the target. */
	a = 1 + p[PS_AJIT] * sg_normal(&e->jit);
	lat = p[PS_P3LAT] + p[PS_LJIT] * sg_normal(&e->jit);
	a = tgt ? p[PS_P3] * fmax(0, a) : 0;
	lat = fmin(fmax(lat, 50), p[PS_P3LAT] + 4 * p[PS_LJIT]);
	if (e->n_act < PS_MAX_ACT) {
		e->act_start[e->n_act] = t;
		e->act_amp[e->n_act] = (float)a;
		e->act_lat[e->n_act++] = (float)lat;
	}
	sg_emit(s, SIGGEN_EVENT_SPELLER_FLASH, -1, t, t + e->len < s->total ? t + e->len : s->total,
		t + sec(s, lat * 1e-3), code, (float)a, (float)tgt);
	if (p[PS_TRIG] > 0)
		ps_trigger(e, s, t, code);
	if (++e->flash < e->n_flash) {
		e->next_flash = e->sel_start + sec(s, e->flash * p[PS_SOA]);
	} else {
		e->flash = 0;
		e->next_flash = e->sel_start + sec(s, e->n_flash * p[PS_SOA] + p[PS_PAUSE]);
		e->end_at = e->sel_start + sec(s, e->n_flash * p[PS_SOA]);
	}
}

static void ps_wave(struct sg_src *s, uint64_t t0, size_t n)
{
	struct p300speller *e = s->st;
	const double *p = s->p;
	double n1 = p[PS_N1], p2 = p[PS_P2], w3 = p[PS_P3W];
	size_t i;
	unsigned a;

	for (i = 0; i < n; i++) {
		uint64_t t = t0 + i;
		double v = 0;

		if (t == e->end_at) {
			/* selection end: code 2M on the trigger input, one SOA after the last flash */
			if (p[PS_TRIG] > 0)
				ps_trigger(e, s, t, (int)(2 * e->m));
			e->end_at = UINT64_MAX;
		}
		if (t == e->next_flash && t < s->total)
			ps_flash(s, t);
		for (a = 0; a < e->n_act; a++) {
			double ms = (double)(t - e->act_start[a]) / s->fs * 1e3;

			v += -n1 * exp(-0.5 * ((ms - 100) / 25) * ((ms - 100) / 25)) +
			     p2 * exp(-0.5 * ((ms - 200) / 30) * ((ms - 200) / 30));
			if (e->act_amp[a] != 0)
				v += e->act_amp[a] * exp(-0.5 * ((ms - e->act_lat[a]) / w3) *
							 ((ms - e->act_lat[a]) / w3));
		}
		/* Responses that ended leave the list in order (the sum stays chronological). */
		while (e->n_act > 0 && t + 1 >= e->act_start[0] + e->len) {
			memmove(e->act_start, e->act_start + 1, (e->n_act - 1) * sizeof(uint64_t));
			memmove(e->act_amp, e->act_amp + 1, (e->n_act - 1) * sizeof(float));
			memmove(e->act_lat, e->act_lat + 1, (e->n_act - 1) * sizeof(float));
			e->n_act--;
		}
		s->wave[i] = (float)v;
		e->trig[i] = t < e->trig_end ? e->trig_level : 0.0f;
	}
}

static void ps_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			 unsigned k0, unsigned k1)
{
	const struct p300speller *e = s->st;
	unsigned k, last = s->ss->n_route - 1;
	size_t i;

	(void)t0;
	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, g = s->ss->gain[k];

		if (s->p[PS_TRIG] > 0 && k == last) {
			for (i = 0; i < n; i++)
				o[i] += g * e->trig[i];
		} else {
			float gw = g * e->w[k];

			for (i = 0; i < n; i++)
				o[i] += gw * s->wave[i];
		}
	}
}

static double ps_peak(const struct sg_src *s)
{
	return fmax(fabs(s->p[PS_P3]) * (1 + 3 * s->p[PS_AJIT]) * 3 + s->p[PS_N1] + s->p[PS_P2],
		    s->p[PS_TRIG] * (2 * s->p[PS_M] + 1));
}

const struct sg_model sg_model_p300speller = {
	.name = "p300speller",
	.doc = "P300 row/column speller: M x M matrix, per selection a target symbol and "
	       "repetitions of shuffled row/column flashes; P300 after target flashes; optional "
	       "trigger-code channel",
	.params = ps_params,
	.init = ps_init,
	.free = ps_free,
	.peak_uv = ps_peak,
	.prepare = ps_wave,
	.render_ch = ps_render_ch,
};
