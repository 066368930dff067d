// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The generator: renders every source into a planar scratch of SG_CHUNK
 * frames, copies it out in the caller's layout (float uV), and keeps the
 * ground-truth events whose start sample has been rendered, sorted within
 * each chunk so the event order does not depend on block sizes.
 *
 * Threads (siggen_open2()): the output channels are split into one
 * contiguous range per thread. Each chunk runs every source's serial part
 * (prepare(): shared state and events) on the calling thread, then walks the
 * sources in spec order in phases: a run of consecutive sources that can be
 * split (render_ch(), sorted routes, differential) is one parallel phase in
 * which every thread renders its own channels of each source in turn; any
 * other source is a serial phase on the calling thread. Every output sample
 * is therefore the same sum in the same order whatever the thread count, and
 * every random stream belongs to one (source, channel), so samples and events
 * are bit-identical for 1..SIGGEN_MAX_THREADS threads.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siggen-internal.h"

/* Output rows rendered together through a parallel phase (kept in L1). */
#ifndef SG_CH_BLOCK
#define SG_CH_BLOCK 32
#endif

/* Ground-truth events: live ones are [head, len). */
struct sg_evq {
	struct siggen_event *ev;
	size_t head, len, cap;
	int oom;
};

/* A phase of one chunk: sources [first, last], parallel or on the calling thread. */
struct sg_phase {
	unsigned first, last;
	bool par;
};

enum {
	JOB_RENDER,
	JOB_TRANSPOSE,
	JOB_QUIT
};

struct sg_worker {
	struct siggen *g;
	unsigned idx;
	pthread_t th;
	bool started;
	struct sg_evq q;
	float *tmp; /* SG_CHUNK floats for models (sg_tmp()) */
};

struct siggen {
	struct siggen_spec *spec;
	uint64_t seed;
	uint64_t pos;
	size_t chunk;
	float *scratch; /* channels x chunk */
	float *cm;	/* common-mode sum, chunk */
	float *cm_tmp;	/* channels x chunk for common-mode sources */
	float *tmp;	/* SG_CHUNK floats for models on the calling thread */
	bool has_cm;
	unsigned n_src;
	struct sg_src *src;
	struct sg_evq q;

	/* threads */
	unsigned n_th;	     /* threads including the caller's, >= 1 */
	unsigned *cr;	     /* n_th + 1 channel bounds */
	unsigned *kr;	     /* n_src x (n_th + 1) route-index bounds */
	struct sg_phase *ph; /* phases in spec order */
	unsigned n_ph;
	struct sg_worker *wk; /* n_th - 1 helpers (index 1..n_th-1) */
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	bool sync_ok;
	uint64_t job_no;
	unsigned pending;
	int job;
	const struct sg_phase *job_ph;
	bool job_zero;
	uint64_t job_t0;
	size_t job_n, job_stride;
	float *job_dst, *job_out; /* job_out: interleaved destination for JOB_TRANSPOSE */
};

/* The worker a helper thread serves; NULL on callers' threads. */
static _Thread_local struct sg_worker *tl_worker;

static void evq_push(struct sg_evq *q, const struct siggen_event *src)
{
	if (q->len == q->cap) {
		size_t cap;
		struct siggen_event *p;

		if (q->head > 0 && q->head >= q->len / 2) {
			memmove(q->ev, q->ev + q->head, (q->len - q->head) * sizeof(*q->ev));
			q->len -= q->head;
			q->head = 0;
		} else {
			cap = q->cap ? q->cap * 2 : 256;
			p = realloc(q->ev, cap * sizeof(*p));
			if (!p) {
				q->oom = 1;
				return;
			}
			q->ev = p;
			q->cap = cap;
		}
	}
	q->ev[q->len++] = *src;
}

void sg_emit(struct sg_src *s, enum siggen_event_type type, int32_t channel, uint64_t start,
	     uint64_t end, uint64_t peak, int32_t label, float amp, float value)
{
	struct siggen_event e;

	memset(&e, 0, sizeof(e)); /* padding too: events compare with memcmp */
	e.type = type;
	e.channel = channel;
	e.start = start;
	e.end = end;
	e.peak = peak;
	e.label = label;
	e.source = (uint16_t)s->index;
	e.amplitude_uv = amp;
	e.value = value;
	evq_push(tl_worker ? &tl_worker->q : &s->gen->q, &e);
}

float *sg_tmp(const struct sg_src *s)
{
	return tl_worker ? tl_worker->tmp : s->gen->tmp;
}

void sg_add_wave_ch(const struct sg_src *s, const float *wave, const float *w, size_t n, float *out,
		    size_t stride, unsigned k0, unsigned k1)
{
	unsigned k;
	size_t i;

	for (k = k0; k < k1; k++) {
		float *o = out + (size_t)s->ss->route[k] * stride, gk = s->ss->gain[k];

		if (w)
			gk *= w[k];
		for (i = 0; i < n; i++)
			o[i] += gk * wave[i];
	}
}

void sg_add_wave(const struct sg_src *s, const float *wave, size_t n, float *out, size_t stride)
{
	sg_add_wave_ch(s, wave, NULL, n, out, stride, 0, s->ss->n_route);
}

void sg_wave_render_ch(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride,
		       unsigned k0, unsigned k1)
{
	(void)t0;
	sg_add_wave_ch(s, s->wave, NULL, n, out, stride, k0, k1);
}

/* One source over all its channels, on the calling thread. */
static void render_source(struct sg_src *s, uint64_t t0, size_t n, float *out, size_t stride)
{
	if (s->m->render_ch)
		s->m->render_ch(s, t0, n, out, stride, 0, s->ss->n_route);
	else
		s->m->render(s, t0, n, out, stride);
}

/* Thread @w's share of the current job. */
static void run_job(struct siggen *g, unsigned w)
{
	unsigned c0 = g->cr[w], c1 = g->cr[w + 1], c, i, T = g->n_th, first;
	unsigned cur[SIGGEN_MAX_SOURCES];
	size_t n = g->job_n, stride = g->job_stride, k;

	if (g->job == JOB_TRANSPOSE) {
		unsigned ch = g->spec->channels;

		for (c = c0; c < c1; c++) {
			const float *src = g->job_dst + (size_t)c * stride;
			float *dst = g->job_out + c;

			for (k = 0; k < n; k++)
				dst[k * ch] = src[k];
		}
		return;
	}
	/*
	 * Channel-major: a few rows at a time through every source of the phase,
	 * so the rows stay in L1 from the zeroing to the last source (each row is
	 * still summed in source order).
	 */
	first = g->job_ph->first;
	for (i = first; i <= g->job_ph->last; i++)
		cur[i - first] = g->kr[i * (T + 1) + w];
	for (c = c0; c < c1; c += SG_CH_BLOCK) {
		unsigned ce = c + SG_CH_BLOCK < c1 ? c + SG_CH_BLOCK : c1, cz;

		if (g->job_zero)
			for (cz = c; cz < ce; cz++)
				memset(g->job_dst + (size_t)cz * stride, 0, n * sizeof(float));
		for (i = first; i <= g->job_ph->last; i++) {
			struct sg_src *s = &g->src[i];
			unsigned k0 = cur[i - first], k1 = k0, kend = g->kr[i * (T + 1) + w + 1];

			while (k1 < kend && s->ss->route[k1] < ce)
				k1++;
			if (k1 > k0)
				s->m->render_ch(s, g->job_t0, n, g->job_dst, stride, k0, k1);
			cur[i - first] = k1;
		}
	}
}

static void *worker_main(void *arg)
{
	struct sg_worker *wk = arg;
	struct siggen *g = wk->g;
	uint64_t seen = 0;

	tl_worker = wk;
	for (;;) {
		pthread_mutex_lock(&g->mu);
		while (g->job_no == seen)
			pthread_cond_wait(&g->go, &g->mu);
		seen = g->job_no;
		pthread_mutex_unlock(&g->mu);
		if (g->job == JOB_QUIT)
			return NULL;
		run_job(g, wk->idx);
		pthread_mutex_lock(&g->mu);
		if (--g->pending == 0)
			pthread_cond_signal(&g->done);
		pthread_mutex_unlock(&g->mu);
	}
}

/* Runs the job set up in g on every thread and waits for all of them. */
static void dispatch(struct siggen *g, int job)
{
	g->job = job;
	if (g->n_th == 1) {
		run_job(g, 0);
		return;
	}
	pthread_mutex_lock(&g->mu);
	g->pending = g->n_th - 1;
	g->job_no++;
	pthread_cond_broadcast(&g->go);
	pthread_mutex_unlock(&g->mu);
	run_job(g, 0);
	pthread_mutex_lock(&g->mu);
	while (g->pending)
		pthread_cond_wait(&g->done, &g->mu);
	pthread_mutex_unlock(&g->mu);
}

static void stop_workers(struct siggen *g)
{
	unsigned w;

	if (!g->wk)
		return;
	if (g->sync_ok) {
		pthread_mutex_lock(&g->mu);
		g->job = JOB_QUIT;
		g->job_no++;
		pthread_cond_broadcast(&g->go);
		pthread_mutex_unlock(&g->mu);
	}
	for (w = 1; w < g->n_th; w++) {
		if (g->wk[w].started)
			pthread_join(g->wk[w].th, NULL);
		free(g->wk[w].q.ev);
		free(g->wk[w].tmp);
	}
	free(g->wk);
	g->wk = NULL;
}

void siggen_close(struct siggen *g)
{
	unsigned i;

	if (!g)
		return;
	stop_workers(g);
	if (g->sync_ok) {
		pthread_mutex_destroy(&g->mu);
		pthread_cond_destroy(&g->go);
		pthread_cond_destroy(&g->done);
	}
	for (i = 0; i < g->n_src; i++) {
		if (g->src[i].m && g->src[i].m->free)
			g->src[i].m->free(&g->src[i]);
		free(g->src[i].wave);
	}
	free(g->src);
	free(g->scratch);
	free(g->cm);
	free(g->cm_tmp);
	free(g->tmp);
	free(g->q.ev);
	free(g->cr);
	free(g->kr);
	free(g->ph);
	siggen_spec_free(g->spec);
	free(g);
}

static bool splittable(const struct sg_src *s)
{
	unsigned k;

	if (!s->m->render_ch || s->ss->routing == SIGGEN_ROUTING_COMMON)
		return false;
	for (k = 1; k < s->ss->n_route; k++)
		if (s->ss->route[k] <= s->ss->route[k - 1])
			return false;
	return true;
}

/* Channel ranges, per-source route-index ranges, phases and helper threads. */
static int setup_threads(struct siggen *g, unsigned threads)
{
	unsigned ch = g->spec->channels, T, w, i, k;
	int rc;

	if (threads < 1)
		threads = 1;
	T = threads < ch ? threads : ch;
	g->n_th = T;
	g->cr = calloc(T + 1, sizeof(*g->cr));
	g->kr = calloc((size_t)g->n_src * (T + 1), sizeof(*g->kr));
	g->ph = calloc(g->n_src, sizeof(*g->ph));
	if (!g->cr || !g->kr || !g->ph)
		return -ENOMEM;
	for (w = 0; w <= T; w++)
		g->cr[w] = (unsigned)((uint64_t)ch * w / T);
	for (i = 0; i < g->n_src; i++) {
		const struct sg_source_spec *ss = g->src[i].ss;
		unsigned *kr = g->kr + (size_t)i * (T + 1);
		bool par = splittable(&g->src[i]);

		/* kr[w] = first route index whose channel is >= cr[w] (routes are sorted). */
		for (w = 0, k = 0; w <= T; w++) {
			while (k < ss->n_route && ss->route[k] < g->cr[w])
				k++;
			kr[w] = w == T ? ss->n_route : k;
		}
		if (par && g->n_ph > 0 && g->ph[g->n_ph - 1].par)
			g->ph[g->n_ph - 1].last = i;
		else
			g->ph[g->n_ph++] = (struct sg_phase){ i, i, par };
	}
	if (T == 1)
		return 0;
	if (pthread_mutex_init(&g->mu, NULL) != 0)
		return -ENOMEM;
	if (pthread_cond_init(&g->go, NULL) != 0) {
		pthread_mutex_destroy(&g->mu);
		return -ENOMEM;
	}
	if (pthread_cond_init(&g->done, NULL) != 0) {
		pthread_cond_destroy(&g->go);
		pthread_mutex_destroy(&g->mu);
		return -ENOMEM;
	}
	g->sync_ok = true;
	g->wk = calloc(T, sizeof(*g->wk));
	if (!g->wk)
		return -ENOMEM;
	for (w = 1; w < T; w++) {
		g->wk[w].g = g;
		g->wk[w].idx = w;
		g->wk[w].tmp = calloc(SG_CHUNK, sizeof(float));
		if (!g->wk[w].tmp)
			return -ENOMEM;
		rc = pthread_create(&g->wk[w].th, NULL, worker_main, &g->wk[w]);
		if (rc != 0)
			return -rc;
		g->wk[w].started = true;
	}
	return 0;
}

int siggen_open2(const struct siggen_spec *spec, uint64_t seed, const struct siggen_opts *opts,
		 struct siggen **ret_gen)
{
	unsigned threads = opts ? opts->threads : 1;
	struct siggen *g;
	struct sg_ctx ctx;
	unsigned i;
	int rc;

	if (!spec || !ret_gen)
		return -EINVAL;
	if (spec->n_src == 0 || threads > SIGGEN_MAX_THREADS)
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
	g->tmp = calloc(SG_CHUNK, sizeof(float));
	g->src = calloc(spec->n_src, sizeof(*g->src));
	if (!g->scratch || !g->cm || !g->tmp || !g->src) {
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
	rc = setup_threads(g, threads);
	if (rc < 0)
		goto err;
	*ret_gen = g;
	return 0;
err:
	siggen_close(g);
	return rc;
}

int siggen_open(const struct siggen_spec *spec, uint64_t seed, struct siggen **ret_gen)
{
	return siggen_open2(spec, seed, NULL, ret_gen);
}

unsigned siggen_threads(const struct siggen *g)
{
	return g ? g->n_th : 0;
}

static int cmp_f(float a, float b)
{
	return a < b ? -1 : a > b;
}

/* A total order on events (any two that compare equal are identical). */
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
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->peak != y->peak)
		return x->peak < y->peak ? -1 : 1;
	if (cmp_f(x->amplitude_uv, y->amplitude_uv))
		return cmp_f(x->amplitude_uv, y->amplitude_uv);
	return cmp_f(x->value, y->value);
}

/* Renders frames [pos, pos + n) into dst (channel c at dst[c * stride]). */
static void render_chunk(struct siggen *g, size_t n, float *dst, size_t stride)
{
	unsigned ch = g->spec->channels, i, c, w;
	size_t first_ev = g->q.len, k;
	bool zeroed = false;

	memset(g->cm, 0, n * sizeof(float));
	for (i = 0; i < g->n_src; i++)
		if (g->src[i].m->prepare)
			g->src[i].m->prepare(&g->src[i], g->pos, n);
	g->job_t0 = g->pos;
	g->job_n = n;
	g->job_dst = dst;
	g->job_stride = stride;
	for (w = 0; w < g->n_ph; w++) {
		const struct sg_phase *ph = &g->ph[w];
		struct sg_src *s = &g->src[ph->first];

		if (ph->par) {
			g->job_ph = ph;
			g->job_zero = !zeroed;
			dispatch(g, JOB_RENDER);
			zeroed = true;
			continue;
		}
		if (!zeroed) {
			for (c = 0; c < ch; c++)
				memset(dst + (size_t)c * stride, 0, n * sizeof(float));
			zeroed = true;
		}
		if (s->ss->routing == SIGGEN_ROUTING_COMMON) {
			/* Render alone, then fold the first routed channel into the CM sum. */
			memset(g->cm_tmp, 0, (size_t)ch * g->chunk * sizeof(float));
			render_source(s, g->pos, n, g->cm_tmp, g->chunk);
			if (s->ss->n_route) {
				const float *c0 = g->cm_tmp + (size_t)s->ss->route[0] * g->chunk;

				for (k = 0; k < n; k++)
					g->cm[k] += c0[k];
			}
		} else {
			render_source(s, g->pos, n, dst, stride);
		}
	}
	/* Helpers' events join the queue; the sort makes the order thread-independent. */
	for (w = 1; w < g->n_th; w++) {
		struct sg_evq *q = &g->wk[w].q;

		for (k = q->head; k < q->len; k++)
			evq_push(&g->q, &q->ev[k]);
		if (q->oom)
			g->q.oom = 1;
		q->head = q->len = 0;
	}
	if (g->q.len - first_ev > 1)
		qsort(g->q.ev + first_ev, g->q.len - first_ev, sizeof(*g->q.ev), ev_cmp);
}

int64_t siggen_read2(struct siggen *g, float *out, float *cm, size_t frames,
		     enum siggen_layout layout)
{
	size_t done = 0;

	if (!g || (!out && frames) ||
	    (layout != SIGGEN_LAYOUT_PLANAR && layout != SIGGEN_LAYOUT_INTERLEAVED))
		return -EINVAL;
	if (g->q.oom)
		return -ENOMEM;
	if (frames > g->spec->frames - g->pos)
		frames = (size_t)(g->spec->frames - g->pos);
	while (done < frames) {
		size_t n = frames - done;

		if (n > g->chunk)
			n = g->chunk;
		if (layout == SIGGEN_LAYOUT_PLANAR) {
			/* Straight into the caller's rows: no copy. */
			render_chunk(g, n, out + done, frames);
		} else {
			render_chunk(g, n, g->scratch, g->chunk);
			g->job_out = out + done * g->spec->channels;
			g->job_dst = g->scratch;
			g->job_stride = g->chunk;
			dispatch(g, JOB_TRANSPOSE);
		}
		if (cm)
			memcpy(cm + done, g->cm, n * sizeof(float));
		g->pos += n;
		done += n;
		if (g->q.oom)
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
		*ret_n = g->q.len - g->q.head;
	return g->q.ev ? g->q.ev + g->q.head : NULL;
}

void siggen_truth_drop(struct siggen *g, size_t n)
{
	if (!g)
		return;
	if (n > g->q.len - g->q.head)
		n = g->q.len - g->q.head;
	g->q.head += n;
	if (g->q.head == g->q.len)
		g->q.head = g->q.len = 0;
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
	[SIGGEN_EVENT_POSTICTAL] = "postictal",
	[SIGGEN_EVENT_STIM_ARTIFACT] = "stim_artifact",
	[SIGGEN_EVENT_SATURATION] = "saturation",
	[SIGGEN_EVENT_SPELLER_CUE] = "speller_cue",
	[SIGGEN_EVENT_SPELLER_FLASH] = "speller_flash",
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
