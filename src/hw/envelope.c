// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Safety envelope checks; see envelope.h for the rules. The check runs on a
 * scratch copy of the per-channel state and commits only when the whole block
 * passes, so a refused block leaves no trace.
 */
#include "hw/envelope.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"
#include "fixture/fixture.h"

struct chan_state {
	double last_uv;
	double mean_uv;
	const struct bench_fixture_limit *lim;
};

struct bench_envelope {
	const struct bench_fixture *fx;
	double rate_hz;
	double alpha; /* running-mean coefficient, 1 / (rate * 1 s) */
	size_t n_ch;
	uint64_t frames;     /* accepted since the stream started */
	uint64_t stretch;    /* accepted since the last reset */
	uint64_t max_frames; /* max-continuous-s in frames */
	struct chan_state *st;
};

const char *bench_envelope_limit_name(enum bench_envelope_limit_kind kind)
{
	static const char *const names[BENCH_ENVELOPE_LIMIT_COUNT] = {
		[BENCH_ENVELOPE_ABS] = "max-abs-uv",
		[BENCH_ENVELOPE_SLEW] = "max-slew-uv-per-s",
		[BENCH_ENVELOPE_DC] = "max-dc-uv",
		[BENCH_ENVELOPE_DURATION] = "max-continuous-s",
	};

	return (unsigned)kind < BENCH_ENVELOPE_LIMIT_COUNT ? names[kind] : "?";
}

int bench_envelope_new(const struct bench_fixture *fx, double rate_hz,
		       struct bench_envelope **ret_env)
{
	struct bench_envelope *env;
	size_t i;

	if (!fx || !ret_env || !fx->has_dac || !(rate_hz > 0) || !isfinite(rate_hz))
		return -EINVAL;
	env = calloc(1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	env->st = calloc(fx->dac.n_channels, sizeof(*env->st));
	if (!env->st) {
		free(env);
		return -ENOMEM;
	}
	env->fx = fx;
	env->rate_hz = rate_hz;
	env->alpha = 1.0 / rate_hz;
	if (env->alpha > 1.0)
		env->alpha = 1.0;
	env->n_ch = fx->dac.n_channels;
	env->max_frames = (uint64_t)floor(bench_s_from_ns(fx->envelope.max_continuous_ns) *
					  rate_hz);
	for (i = 0; i < env->n_ch; i++) {
		env->st[i].lim = bench_fixture_limit_for(fx, fx->dac.channels[i].name);
		if (!env->st[i].lim) {
			bench_envelope_free(env);
			return -EINVAL;
		}
	}
	*ret_env = env;
	return 0;
}

void bench_envelope_free(struct bench_envelope *env)
{
	if (!env)
		return;
	free(env->st);
	free(env);
}

void bench_envelope_reset(struct bench_envelope *env)
{
	size_t i;

	if (!env)
		return;
	env->stretch = 0;
	for (i = 0; i < env->n_ch; i++) {
		env->st[i].last_uv = 0;
		env->st[i].mean_uv = 0;
	}
}

static int refuse(struct bench_envelope *env, size_t ch, size_t frame,
		  enum bench_envelope_limit_kind kind, double value, double limit,
		  struct bench_envelope_violation *reterr)
{
	if (reterr) {
		reterr->channel = env->fx->dac.channels[ch].name;
		reterr->channel_index = ch;
		reterr->sample = env->frames + frame;
		reterr->block_frame = frame;
		reterr->kind = kind;
		reterr->value = value;
		reterr->limit = limit;
		reterr->limit_line = kind == BENCH_ENVELOPE_DURATION ? env->fx->envelope.line :
								       env->st[ch].lim->line;
	}
	return -ERANGE;
}

int bench_envelope_check(struct bench_envelope *env, const float *uv, size_t n_frames,
			 struct bench_envelope_violation *reterr)
{
	size_t ch, f;

	if (!env || (!uv && n_frames))
		return -EINVAL;
	if (env->stretch + n_frames > env->max_frames)
		return refuse(env, 0, (size_t)(env->max_frames - env->stretch),
			      BENCH_ENVELOPE_DURATION,
			      (double)(env->stretch + n_frames) / env->rate_hz,
			      (double)env->max_frames / env->rate_hz, reterr);

	/* Channel-major pass: state in registers, nothing written until all pass. */
	for (ch = 0; ch < env->n_ch; ch++) {
		const struct bench_fixture_limit *lim = env->st[ch].lim;
		double last = env->st[ch].last_uv, mean = env->st[ch].mean_uv;
		double max_step = lim->max_slew_uv_per_s / env->rate_hz;

		for (f = 0; f < n_frames; f++) {
			double x = uv[f * env->n_ch + ch];

			if (!isfinite(x) || fabs(x) > lim->max_abs_uv)
				return refuse(env, ch, f, BENCH_ENVELOPE_ABS, x, lim->max_abs_uv,
					      reterr);
			if (fabs(x - last) > max_step)
				return refuse(env, ch, f, BENCH_ENVELOPE_SLEW,
					      fabs(x - last) * env->rate_hz, lim->max_slew_uv_per_s,
					      reterr);
			mean += (x - mean) * env->alpha;
			if (fabs(mean) > lim->max_dc_uv)
				return refuse(env, ch, f, BENCH_ENVELOPE_DC, mean, lim->max_dc_uv,
					      reterr);
			last = x;
		}
	}
	/* Commit. */
	for (ch = 0; ch < env->n_ch && n_frames; ch++) {
		double mean = env->st[ch].mean_uv;

		for (f = 0; f < n_frames; f++)
			mean += (uv[f * env->n_ch + ch] - mean) * env->alpha;
		env->st[ch].mean_uv = mean;
		env->st[ch].last_uv = uv[(n_frames - 1) * env->n_ch + ch];
	}
	env->frames += n_frames;
	env->stretch += n_frames;
	return 0;
}
