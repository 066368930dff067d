/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsiggen internals shared by the spec, the generator and the models: the
 * random streams (xoshiro256** + ziggurat normals), the source and model
 * structures, and the event queue. Units as in siggen.h: uV, Hz, samples.
 */
#ifndef SIGGEN_SIGGEN_INTERNAL_H
#define SIGGEN_SIGGEN_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "siggen.h"

#define SIGGEN_MAX_PARAMS 24
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- random streams ---- */

struct sg_rng {
	uint64_t s[4];
};

/* Stream purposes, part of the stream key. */
enum {
	SG_P_NOISE = 1,
	SG_P_EVENTS,
	SG_P_SHAPE,
	SG_P_ENV,
	SG_P_UNIT = 16,	 /* + unit index */
	SG_P_DRIFT = 64, /* + unit index */
};

void sg_rng_init(struct sg_rng *r, uint64_t seed, uint32_t source, uint32_t channel,
		 uint32_t purpose);

static inline uint64_t sg_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t sg_next(struct sg_rng *r)
{
	uint64_t *s = r->s, out = sg_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sg_rotl(s[3], 45);
	return out;
}

/* Uniform in (0, 1): never 0, so log() is safe. */
static inline double sg_uniform(struct sg_rng *r)
{
	return ((double)(sg_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Exponential with mean 1. */
static inline double sg_exp(struct sg_rng *r)
{
	return -log(sg_uniform(r));
}

/* Ziggurat tables (Marsaglia & Tsang 2000, 128 layers), built once. */
extern uint32_t sg_zig_k[128];
extern float sg_zig_w[128];
extern float sg_zig_f[128];
void sg_zig_init(void);
float sg_normal_slow(struct sg_rng *r, uint64_t u);

/* Standard normal, float. */
static inline float sg_normal(struct sg_rng *r)
{
	uint64_t u = sg_next(r);
	unsigned i = (unsigned)(u & 127);
	int32_t h = (int32_t)(u >> 32);
	uint32_t a = h < 0 ? (uint32_t)(-(int64_t)h) : (uint32_t)h;

	if (a < sg_zig_k[i])
		return (float)h * sg_zig_w[i];
	return sg_normal_slow(r, u);
}

/*
 * Counter-based Gaussian noise for the wide hot paths: sample t of stream
 * @key is (T[a] + T[b]) / sqrt(2), where T holds the 65536 stratified
 * quantiles of N(0,1) and (a, b) are the halves of a two-round 32-bit hash of
 * (key, t). Stateless, so block sizes cannot change it; the loop vectorises.
 * Tails reach 6.2 sd. Adds sigma * N(t) to out[i] for t = t0 + i.
 */
uint64_t sg_key(uint64_t seed, uint32_t source, uint32_t channel, uint32_t purpose);
void sg_noise_add(uint64_t key, uint64_t t0, float *out, size_t n, float sigma);

/* ---- spec ---- */

struct sg_source_spec {
	int model;
	char id[SIGGEN_ID_LEN + 1];
	double p[SIGGEN_MAX_PARAMS];
	unsigned n_route;
	unsigned *route; /* output channels */
	float *gain;	 /* per routed channel */
	enum siggen_routing routing;
};

struct siggen_spec {
	double rate_hz;
	unsigned channels;
	uint64_t frames;
	char (*names)[SIGGEN_NAME_LEN + 1];
	unsigned n_src;
	struct sg_source_spec src[SIGGEN_MAX_SOURCES];
};

/* ---- generator and models ---- */

struct sg_src;

struct sg_ctx {
	const struct siggen_spec *spec;
	uint64_t seed;
	double fs;
	struct siggen *gen;
};

/*
 * A model. render() ADDS its signal for frames [t0, t0 + n) into out:
 * output channel c at out[c * stride + i]. It emits events whose start is in
 * [t0, t0 + n) with sg_emit().
 *
 * The split form, which lets threads share a source: prepare() (optional)
 * does the serial part of a chunk (state shared by the channels, events) on
 * the calling thread; render_ch() then ADDS routed channels k0..k1-1 (route
 * indices) and runs on several threads at once for disjoint ranges, so it
 * may only touch per-channel state (indexed by k), read shared state, call
 * sg_emit() and use sg_tmp() as scratch. A model sets render, or render_ch
 * (+ prepare); the generator prefers render_ch.
 */
struct sg_model {
	const char *name;
	const char *doc;
	const struct siggen_param_info *params; /* NULL-name terminated */
	int (*init)(struct sg_src *s, const struct sg_ctx *ctx);
	void (*render)(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride);
	void (*free)(struct sg_src *s);
	double (*peak_uv)(const struct sg_src *s); /* for siggen_suggested_range_uv() */
	void (*prepare)(struct sg_src *s, uint64_t t0, size_t n);
	void (*render_ch)(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
			  unsigned k0, unsigned k1);
};

struct sg_src {
	const struct sg_model *m;
	const struct sg_source_spec *ss;
	const double *p; /* parameters, in the model's table order */
	unsigned index;	 /* source index */
	double fs;
	uint64_t total;
	uint64_t seed;
	struct siggen *gen;
	void *st;    /* model state */
	float *wave; /* scratch for single-waveform models, one chunk */
};

extern const struct sg_model *const sg_models[];
extern const size_t sg_n_models;

void sg_emit(struct sg_src *s, enum siggen_event_type type, int32_t channel, uint64_t start,
	     uint64_t end, uint64_t peak, int32_t label, float amp, float value);

/* Adds wave[0..n) x gain to every routed channel. */
void sg_add_wave(const struct sg_src *s, const float *wave, size_t n, float *out, size_t stride);
/* Adds wave[0..n) x gain[k] (x w[k] unless w is NULL) to routed channels k0..k1-1. */
void sg_add_wave_ch(const struct sg_src *s, const float *wave, const float *w, size_t n, float *out,
		    size_t stride, unsigned k0, unsigned k1);
/* render_ch() for models whose prepare() leaves one waveform in s->wave. */
void sg_wave_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
		       unsigned k0, unsigned k1);
/* SG_CHUNK floats of scratch private to the calling thread (for render_ch()). */
float *sg_tmp(const struct sg_src *s);

/* Frames per internal chunk (scratch size), and scratch for wave models. */
#define SG_CHUNK 1024

/* Model tables (models-*.c). */
extern const struct sg_model sg_model_eeg, sg_model_spikes, sg_model_lfp, sg_model_noise,
	sg_model_erp, sg_model_ssvep, sg_model_mi, sg_model_seizure, sg_model_blink, sg_model_emg,
	sg_model_mains, sg_model_pop, sg_model_drift, sg_model_motion, sg_model_sine,
	sg_model_square, sg_model_triangle, sg_model_chirp, sg_model_multitone, sg_model_impulse,
	sg_model_dc_step, sg_model_silence, sg_model_stim, sg_model_ecg, sg_model_stim_artifact,
	sg_model_prbs, sg_model_saturation, sg_model_p300speller;

/* Index of parameter @name in model @m, or -1. */
int sg_param_index(const struct sg_model *m, const char *name);

/* A 1/f^alpha noise shaper: cascade of first-order pole-zero sections. */
#define SG_PINK_MAX 24
struct sg_pink {
	int n;
	double b0[SG_PINK_MAX], b1[SG_PINK_MAX], a1[SG_PINK_MAX];
	double x1[SG_PINK_MAX], y1[SG_PINK_MAX];
	double norm;	    /* scales to unit rms */
	double integ, leak; /* for alpha near 2 */
};
void sg_pink_init(struct sg_pink *p, double alpha, double fs, double f_lo_hz, double f_hi_hz);
static inline double sg_pink_step(struct sg_pink *p, double x)
{
	int k;

	for (k = 0; k < p->n; k++) {
		double y = p->b0[k] * x + p->b1[k] * p->x1[k] - p->a1[k] * p->y1[k];

		p->x1[k] = x;
		p->y1[k] = y;
		x = y;
	}
	return x * p->norm;
}

/* Smooth random envelope: low-passed normal noise, mean 0, rms ~1. */
struct sg_env {
	struct sg_rng rng;
	double a, y1, y2, norm;
};
void sg_env_init(struct sg_env *e, uint64_t seed, uint32_t src, uint32_t ch, double fs,
		 double tau_s);
static inline double sg_env_step(struct sg_env *e)
{
	double x = sg_normal(&e->rng);

	e->y1 += e->a * (x - e->y1);
	e->y2 += e->a * (e->y1 - e->y2);
	return e->y2 * e->norm;
}

/* 10-20 / 10-10 name helpers: hemisphere -1 left, +1 right, 0 midline/unknown. */
int sg_name_side(const char *name);
/* Posterior (O, P) -> 1, central 0.6, frontal 0.3, unknown 1. */
double sg_name_posterior(const char *name);
const char *sg_default_name(unsigned ch, unsigned channels, char *buf, size_t len);

#endif /* SIGGEN_SIGGEN_INTERNAL_H */
