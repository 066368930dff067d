// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The emulated P300 speller decoder: trigger codes in, one symbol per selection out
 * (see dut-p300.h for the algorithm). Units: uV, samples at the DUT rate.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/dut-p300.h"

#define P300_MAX_M 8
#define P300_MAX_EPOCHS 64

struct p300_epoch {
	uint64_t onset; /* sample of the flash onset */
	unsigned code;
	unsigned gen; /* selection it belongs to */
};

struct sim_p300 {
	unsigned nch, m;
	int trig_ch;
	double step_uv;
	uint64_t n;	   /* samples seen */
	double *ring;	   /* ring_len: channel mean */
	unsigned ring_len; /* power of two */
	double *tpl;	   /* len: zero-mean template */
	unsigned len;	   /* epoch, samples */
	unsigned read_n;   /* samples from the trigger edge to reading its code */
	/* trigger input */
	bool high;
	uint64_t edge, read_at;
	/* epochs waiting to complete, in onset order */
	struct p300_epoch ep[P300_MAX_EPOCHS];
	unsigned n_ep;
	double score[2][2 * P300_MAX_M];
	unsigned gen;
	bool decide; /* a selection ended: decide when its epochs are complete */
	unsigned end_gen;
	bool dirty;
};

int sim_p300_new(const struct sim_rig *rig, unsigned nch, int trig_ch, double fd_hz,
		 struct sim_p300 **ret_p300)
{
	double m = sim_rig_param(rig, "matrix"), step = sim_rig_param(rig, "trigger_step_uv");
	double ep_s = sim_rig_param(rig, "epoch_s"), lat = sim_rig_param(rig, "p300_latency_ms");
	double wid = sim_rig_param(rig, "p300_width_ms"), mean = 0;
	struct sim_p300 *p;
	unsigned i;

	if (!(m >= 2 && m <= P300_MAX_M) || !(step > 0) || !(ep_s > 0 && ep_s <= 4) || !(wid > 0) ||
	    trig_ch < 0 || (unsigned)trig_ch >= nch || nch < 2 || !(fd_hz > 0))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->nch = nch;
	p->m = (unsigned)m;
	p->trig_ch = trig_ch;
	p->step_uv = step;
	p->len = (unsigned)llround(ep_s * fd_hz);
	p->read_n = (unsigned)llround(0.02 * fd_hz) + 1; /* 20 ms: the pulse has settled */
	if (p->len < 4)
		p->len = 4;
	p->ring_len = 1;
	while (p->ring_len < p->len + p->read_n + 4)
		p->ring_len <<= 1;
	p->ring = calloc(p->ring_len, sizeof(double));
	p->tpl = calloc(p->len, sizeof(double));
	if (!p->ring || !p->tpl) {
		sim_p300_free(p);
		return -ENOMEM;
	}
	for (i = 0; i < p->len; i++) {
		double ms = i / fd_hz * 1e3;

		p->tpl[i] = exp(-0.5 * ((ms - lat) / wid) * ((ms - lat) / wid));
		mean += p->tpl[i];
	}
	for (i = 0; i < p->len; i++)
		p->tpl[i] -= mean / p->len;
	*ret_p300 = p;
	return 0;
}

void sim_p300_free(struct sim_p300 *p)
{
	if (!p)
		return;
	free(p->ring);
	free(p->tpl);
	free(p);
}

void sim_p300_reset(struct sim_p300 *p)
{
	if (!p->dirty)
		return;
	memset(p->ring, 0, p->ring_len * sizeof(double));
	memset(p->score, 0, sizeof(p->score));
	p->n = 0;
	p->high = false;
	p->n_ep = 0;
	p->gen = 0;
	p->decide = false;
	p->dirty = false;
}

unsigned sim_p300_symbols(const struct sim_p300 *p)
{
	return p->m * p->m;
}

static unsigned argmax(const double *v, unsigned n)
{
	unsigned i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

int sim_p300_step(struct sim_p300 *p, const double *y, double trig_uv)
{
	uint64_t t = p->n++;
	double x = 0;
	unsigned c, i, k = 0;
	int sym = -1;

	p->dirty = true;
	for (c = 0; c < p->nch; c++)
		if ((int)c != p->trig_ch)
			x += y[c];
	p->ring[t & (p->ring_len - 1)] = x / (p->nch - 1);

	/* Trigger input: a rising edge through half a step starts a code, read 20 ms later. */
	if (!p->high && trig_uv >= 0.5 * p->step_uv) {
		p->high = true;
		p->edge = t;
		p->read_at = t + p->read_n;
	} else if (p->high && trig_uv < 0.5 * p->step_uv) {
		p->high = false; /* a pulse shorter than the read delay carries no code */
	}
	if (p->high && t == p->read_at) {
		long code = lround(trig_uv / p->step_uv) - 1;

		if (code >= 0 && (unsigned)code < 2 * p->m && p->n_ep < P300_MAX_EPOCHS) {
			p->ep[p->n_ep].onset = p->edge;
			p->ep[p->n_ep].code = (unsigned)code;
			p->ep[p->n_ep++].gen = p->gen;
		} else if (code == 2 * (long)p->m) {
			p->decide = true;
			p->end_gen = p->gen++;
		}
	}

	/* Epochs complete at onset + len - 1: project on the template, add to the code. */
	for (i = 0; i < p->n_ep; i++) {
		struct p300_epoch *e = &p->ep[i];

		if (t >= e->onset + p->len - 1) {
			double s = 0;
			unsigned o;

			for (o = 0; o < p->len; o++)
				s += p->ring[(e->onset + o) & (p->ring_len - 1)] * p->tpl[o];
			p->score[e->gen & 1][e->code] += s;
		} else {
			p->ep[k++] = *e;
		}
	}
	p->n_ep = k;

	if (p->decide) {
		bool open = false;

		for (i = 0; i < p->n_ep; i++)
			open |= p->ep[i].gen == p->end_gen;
		if (!open) {
			double *sc = p->score[p->end_gen & 1];

			sym = (int)(argmax(sc, p->m) * p->m + argmax(sc + p->m, p->m));
			memset(sc, 0, sizeof(p->score[0]));
			p->decide = false;
		}
	}
	return sym;
}
