// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The generator: renders every source into a planar scratch of SG_CHUNK
 * frames, copies it out in the caller's layout (float uV), and keeps the
 * ground-truth events whose start sample has been rendered, sorted within
 * each chunk so the event order does not depend on block sizes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siggen-internal.h"

struct siggen {
	struct siggen_spec *spec;
	uint64_t seed;
	uint64_t pos;
	size_t chunk;
	float *scratch; /* channels x chunk */
	float *cm;	/* common-mode sum, chunk */
	float *cm_tmp;	/* channels x chunk for common-mode sources */
	bool has_cm;
	unsigned n_src;
	struct sg_src *src;
	struct siggen_event *ev;
	size_t ev_head, ev_len, ev_cap; /* live events are [ev_head, ev_len) */
	int oom;
};

void sg_emit(struct sg_src *s, enum siggen_event_type type, int32_t channel, uint64_t start,
	     uint64_t end, uint64_t peak, int32_t label, float amp, float value)
{
	struct siggen *g = s->gen;
	struct siggen_event *e;

	if (g->ev_len == g->ev_cap) {
		size_t cap;
		struct siggen_event *p;

		if (g->ev_head > 0 && g->ev_head >= g->ev_len / 2) {
			memmove(g->ev, g->ev + g->ev_head,
				(g->ev_len - g->ev_head) * sizeof(*g->ev));
			g->ev_len -= g->ev_head;
			g->ev_head = 0;
		} else {
			cap = g->ev_cap ? g->ev_cap * 2 : 256;
			p = realloc(g->ev, cap * sizeof(*p));
			if (!p) {
				g->oom = 1;
				return;
			}
			g->ev = p;
			g->ev_cap = cap;
		}
	}
	e = &g->ev[g->ev_len++];
	memset(e, 0, sizeof(*e)); /* padding too: events compare with memcmp */
	e->type = type;
	e->channel = channel;
	e->start = start;
	e->end = end;
	e->peak = peak;
	e->label = label;
	e->source = (uint16_t)s->index;
	e->amplitude_uv = amp;
	e->value = value;
}

void sg_add_wave(const struct sg_src *s, const float *wave, size_t n, float *out, size_t stride)
{
	unsigned k;
	size_t i;

	for (k = 0; k < s->ss->n_route; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, gk = s->ss->gain[k];

		for (i = 0; i < n; i++)
			o[i] += gk * wave[i];
	}
}

void siggen_close(struct siggen *g)
{
	unsigned i;

	if (!g)
		return;
	for (i = 0; i < g->n_src; i++) {
		if (g->src[i].m && g->src[i].m->free)
			g->src[i].m->free(&g->src[i]);
		free(g->src[i].wave);
	}
	free(g->src);
	free(g->scratch);
	free(g->cm);
	free(g->cm_tmp);
	free(g->ev);
	siggen_spec_free(g->spec);
	free(g);
}

int siggen_open(const struct siggen_spec *spec, uint64_t seed, struct siggen **ret_gen)
{
	struct siggen *g;
	struct sg_ctx ctx;
	unsigned i;
	int rc;

	if (!spec || !ret_gen)
		return -EINVAL;
	if (spec->n_src == 0)
		return -EINVAL;
	sg_zig_init();
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	rc = siggen_spec_copy(spec, &g->spec);
	if (rc < 0) {
		free(g);
		return rc;
	}
	g->seed = seed;
	/* Keep the scratch within L2 (256 KiB) for wide specs. */
	g->chunk = SG_CHUNK;
	while (g->chunk > 32 && (size_t)spec->channels * g->chunk > (1u << 20))
		g->chunk /= 2;
	g->scratch = malloc((size_t)spec->channels * g->chunk * sizeof(float));
	g->cm = calloc(g->chunk, sizeof(float));
	g->src = calloc(spec->n_src, sizeof(*g->src));
	if (!g->scratch || !g->cm || !g->src) {
		rc = -ENOMEM;
		goto err;
	}
	for (i = 0; i < spec->n_src; i++)
		if (spec->src[i].routing == SIGGEN_ROUTING_COMMON)
			g->has_cm = true;
	if (g->has_cm) {
		g->cm_tmp = malloc((size_t)spec->channels * g->chunk * sizeof(float));
		if (!g->cm_tmp) {
			rc = -ENOMEM;
			goto err;
		}
	}
	ctx.spec = g->spec;
	ctx.seed = seed;
	ctx.fs = spec->rate_hz;
	ctx.gen = g;
	g->n_src = spec->n_src;
	for (i = 0; i < spec->n_src; i++) {
		struct sg_src *s = &g->src[i];

		s->ss = &g->spec->src[i];
		s->m = sg_models[s->ss->model];
		s->p = s->ss->p;
		s->index = i;
		s->fs = spec->rate_hz;
		s->total = spec->frames;
		s->seed = seed;
		s->gen = g;
		s->wave = calloc(SG_CHUNK, sizeof(float));
		if (!s->wave) {
			rc = -ENOMEM;
			goto err;
		}
		if (s->m->init) {
			rc = s->m->init(s, &ctx);
			if (rc < 0) {
				s->m = NULL;
				goto err;
			}
		}
	}
	*ret_gen = g;
	return 0;
err:
	siggen_close(g);
	return rc;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct siggen_event *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	if (x->channel != y->channel)
		return x->channel < y->channel ? -1 : 1;
	if (x->label != y->label)
		return x->label < y->label ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Renders frames [pos, pos + n) into dst (channel c at dst[c * stride]). */
static void render_chunk(struct siggen *g, size_t n, float *dst, size_t stride)
{
	unsigned ch = g->spec->channels, i, c;
	size_t first_ev = g->ev_len, k;

	for (c = 0; c < ch; c++)
		memset(dst + (size_t)c * stride, 0, n * sizeof(float));
	memset(g->cm, 0, n * sizeof(float));
	for (i = 0; i < g->n_src; i++) {
		struct sg_src *s = &g->src[i];

		if (s->ss->routing == SIGGEN_ROUTING_COMMON) {
			/* Render alone, then fold the first routed channel into the CM sum. */
			memset(g->cm_tmp, 0, (size_t)ch * g->chunk * sizeof(float));
			s->m->render(s, g->pos, n, g->cm_tmp, g->chunk);
			if (s->ss->n_route) {
				const float *c0 = g->cm_tmp + (size_t)s->ss->route[0] * g->chunk;

				for (k = 0; k < n; k++)
					g->cm[k] += c0[k];
			}
		} else {
			s->m->render(s, g->pos, n, dst, stride);
		}
	}
	if (g->ev_len - first_ev > 1)
		qsort(g->ev + first_ev, g->ev_len - first_ev, sizeof(*g->ev), ev_cmp);
}

int64_t siggen_read2(struct siggen *g, float *out, float *cm, size_t frames,
		     enum siggen_layout layout)
{
	unsigned ch, c;
	size_t done = 0;

	if (!g || (!out && frames) ||
	    (layout != SIGGEN_LAYOUT_PLANAR && layout != SIGGEN_LAYOUT_INTERLEAVED))
		return -EINVAL;
	if (g->oom)
		return -ENOMEM;
	ch = g->spec->channels;
	if (frames > g->spec->frames - g->pos)
		frames = (size_t)(g->spec->frames - g->pos);
	while (done < frames) {
		size_t n = frames - done, i;

		if (n > g->chunk)
			n = g->chunk;
		if (layout == SIGGEN_LAYOUT_PLANAR) {
			/* Straight into the caller's rows: no copy. */
			render_chunk(g, n, out + done, frames);
		} else {
			render_chunk(g, n, g->scratch, g->chunk);
			for (c = 0; c < ch; c++) {
				const float *src = g->scratch + (size_t)c * g->chunk;
				float *dst = out + done * ch + c;

				for (i = 0; i < n; i++)
					dst[i * ch] = src[i];
			}
		}
		if (cm)
			memcpy(cm + done, g->cm, n * sizeof(float));
		g->pos += n;
		done += n;
		if (g->oom)
			return -ENOMEM;
	}
	return (int64_t)frames;
}

int64_t siggen_read(struct siggen *g, float *out, size_t frames, enum siggen_layout layout)
{
	return siggen_read2(g, out, NULL, frames, layout);
}

unsigned siggen_channels(const struct siggen *g)
{
	return g ? g->spec->channels : 0;
}

double siggen_rate_hz(const struct siggen *g)
{
	return g ? g->spec->rate_hz : 0;
}

uint64_t siggen_total_frames(const struct siggen *g)
{
	return g ? g->spec->frames : 0;
}

uint64_t siggen_position(const struct siggen *g)
{
	return g ? g->pos : 0;
}

const char *siggen_channel_name(const struct siggen *g, unsigned ch)
{
	return g && ch < g->spec->channels ? g->spec->names[ch] : NULL;
}

double siggen_suggested_range_uv(const struct siggen *g)
{
	double *sum;
	double worst = 0, decade;
	unsigned i, k, c;

	if (!g)
		return 0;
	sum = calloc(g->spec->channels, sizeof(double));
	if (!sum)
		return 10000;
	for (i = 0; i < g->n_src; i++) {
		const struct sg_src *s = &g->src[i];
		double pk = s->m->peak_uv ? s->m->peak_uv(s) : 0;

		for (k = 0; k < s->ss->n_route; k++)
			sum[s->ss->route[k]] += pk * fabs(s->ss->gain[k]);
	}
	for (c = 0; c < g->spec->channels; c++)
		if (sum[c] > worst)
			worst = sum[c];
	free(sum);
	/* 1.5x margin, rounded up to a 1-2-5 step, at least 100 uV. */
	worst *= 1.5;
	for (decade = 100;; decade *= 10) {
		static const double steps[] = { 1, 2, 5 };
		unsigned j;

		for (j = 0; j < 3; j++)
			if (decade * steps[j] >= worst || decade >= 1e7)
				return decade * steps[j];
	}
}

const struct siggen_event *siggen_truth(const struct siggen *g, size_t *ret_n)
{
	if (!g) {
		if (ret_n)
			*ret_n = 0;
		return NULL;
	}
	if (ret_n)
		*ret_n = g->ev_len - g->ev_head;
	return g->ev ? g->ev + g->ev_head : NULL;
}

void siggen_truth_drop(struct siggen *g, size_t n)
{
	if (!g)
		return;
	if (n > g->ev_len - g->ev_head)
		n = g->ev_len - g->ev_head;
	g->ev_head += n;
	if (g->ev_head == g->ev_len)
		g->ev_head = g->ev_len = 0;
}

static const char *const event_names[] = {
	[SIGGEN_EVENT_BACKGROUND] = "background",
	[SIGGEN_EVENT_SPIKE] = "spike",
	[SIGGEN_EVENT_BETA_BURST] = "beta_burst",
	[SIGGEN_EVENT_ERP] = "erp",
	[SIGGEN_EVENT_SSVEP] = "ssvep",
	[SIGGEN_EVENT_MI] = "mi",
	[SIGGEN_EVENT_SEIZURE] = "seizure",
	[SIGGEN_EVENT_BLINK] = "blink",
	[SIGGEN_EVENT_EMG] = "emg",
	[SIGGEN_EVENT_POP] = "pop",
	[SIGGEN_EVENT_MOTION] = "motion",
	[SIGGEN_EVENT_WAVEFORM] = "waveform",
	[SIGGEN_EVENT_STIM] = "stim",
	[SIGGEN_EVENT_ECG] = "ecg",
};

const char *siggen_event_type_name(enum siggen_event_type t)
{
	return (unsigned)t < SIGGEN_EVENT_TYPE_COUNT ? event_names[t] : NULL;
}

int siggen_event_format(const struct siggen_event *ev, char *buf, size_t len)
{
	const char *name = siggen_event_type_name(ev->type);
	char where[16] = "";

	if (ev->channel >= 0)
		snprintf(where, sizeof(where), " c%d", ev->channel);
	if (ev->value != 0)
		return snprintf(buf, len, "%s%s L%d %.1fuV %.2fHz", name ? name : "?", where,
				ev->label, ev->amplitude_uv, ev->value);
	return snprintf(buf, len, "%s%s L%d %.1fuV", name ? name : "?", where, ev->label,
			ev->amplitude_uv);
}
