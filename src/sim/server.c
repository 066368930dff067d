// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The emulated rig's iiod-compatible server and its virtual clock.
 *
 * Protocol: libiio 0.24 legacy text protocol exactly as in
 * ../shared/docs/iiod-protocol.md (section numbers below refer to it).
 * One thread per TCP connection parses commands from a byte stream; all
 * simulated state (the engine) sits behind sim->lock. The engine ticks at the
 * DAC rate: each tick takes one DAC frame (queued stimulus, cyclic waveform,
 * static `raw` level or zero), runs the DUT model (dut.c) and appends one
 * frame to each open input stream (bench-adc, bench-lines) and the DUT frames
 * the model completed to the dut stream.
 *
 * Pacing (docs/sim.md): fast pace advances the clock on demand, from the
 * thread that needs samples; a capture read waits for the stimulus covering
 * it. Realtime pace advances from a clock thread following CLOCK_MONOTONIC.
 * Times on the wire are ns of virtual time since start.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/checked.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/parse.h"
#include "sim/proto.h"
#include "sim/sim-internal.h"

#ifndef BENCH_SIM_SOURCE_ROOT
#define BENCH_SIM_SOURCE_ROOT "."
#endif

#define MASK_WORDS ((SIM_MAX_DUT_CH + 4 + 31) / 32)
#define IN_BUF 8192
#define FAST_CHUNK_TICKS 4096
#define RT_CHUNK_TICKS 1024
#define RT_STEP_TICKS 30 /* realtime: the clock thread wakes every 30 ticks (1 ms at 30 kS/s) */
#define WAIT_SLICE_NS (50 * 1000000ll)
#define MAX_WRITE_ATTR 65536
#define MAX_BUF_BYTES (256u << 20)
#define RING_S 2 /* seconds of input kept for a slow reader (realtime) */

struct ring {
	uint8_t *buf;
	size_t cap, rd, len; /* bytes: capacity, oldest frame, bytes held */
	size_t frame;	     /* bytes per frame; cap and limit are multiples of it */
	size_t limit;	     /* max bytes kept; older frames are dropped (overflow) */
};

struct stream {
	struct conn *owner;
	bool open, cyclic;
	uint64_t samples;
	uint32_t mask[MASK_WORDS];
	char mask_hex[MASK_WORDS * 8 + 1];
	struct sim_layout lay;
	unsigned buffers_count;
	struct ring ring;
	uint64_t count; /* samples delivered (input) or accepted (output) */
	uint64_t overflows;
	char trigger[24]; /* id of the assigned trigger, "" none */
};

struct conn {
	struct bench_sim *sim;
	int fd;
	uint8_t in[IN_BUF];
	size_t in_len;
	bool gone;
	int64_t timeout_ms;
	struct conn *next;
	struct bench_buf out;
};

struct bench_sim {
	struct sim_rig *rig;
	struct sim_device dev[SIM_DEV_COUNT];
	struct bench_buf xml;
	enum bench_sim_pace pace;

	int listen_fd;
	uint16_t port;
	int stop_pipe[2]; /* wakes the listener */
	int wait_pipe[2]; /* wakes bench_sim_wait() */
	pthread_t listener, clock_th;
	bool listener_started, clock_started;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	atomic_bool stop_flag;	 /* stopping, readable without the lock */
	atomic_int lock_waiters; /* threads blocked in sim_lock() */
	bool want_rt;		 /* options.rt_priority */
	bool clock_rt;		 /* the clock thread got SCHED_RR */

	pthread_mutex_t conns_lock;
	pthread_cond_t conns_cond;
	struct conn *conns;
	unsigned n_conns;

	/* engine, under lock */
	uint64_t tick;
	int64_t t0_ns;
	bool lines[SIM_LINE_COUNT];
	struct sim_dut *dut;
	struct sim_faults faults;
	struct stream st[SIM_N_BUFDEV];
	double dac_scale_v, adc_scale_v;
	int32_t dac_static_code[SIM_MAX_DAC_CH];
	double *dacq; /* circular, frames of dac_channels volts */
	size_t dacq_cap, dacq_rd, dacq_len;
	double *wave;
	size_t wave_len, wave_pos;
	bool dac_started, dac_dry;
	/*
	 * Shared clock (debug attribute start_ns): virtual time of the tick that
	 * played the first sample of the DAC stream opened last, -1 before it
	 * played. Samples still queued from an earlier stream at OPEN play first.
	 */
	int64_t dac_start_ns;
	bool dac_first_pending;
	size_t dac_skip;
	uint64_t underflows, underflow_samples;
	int64_t peak_code;
	int32_t adc_last[SIM_MAX_ADC_CH];
	int32_t *dut_last;
	uint32_t last_event;
	double trig_hz;
	bool disconnect_done;
	uint64_t rt_behind; /* realtime: clock steps that found the engine > 1 chunk late */
	uint8_t *frame;
};

/* Takes sim->lock, announcing the wait to the clock thread (see let_waiters_in()). */
static void sim_lock(struct bench_sim *sim)
{
	atomic_fetch_add(&sim->lock_waiters, 1);
	pthread_mutex_lock(&sim->lock);
	atomic_fetch_sub(&sim->lock_waiters, 1);
}

static const char *const dac_attrs[] = { "sampling_frequency", NULL };
static const char *const dac_dbg[] = { "samples_in",	    "underflows",
				       "underflow_samples", "peak_code",
				       "queued_samples",    "late_steps",
				       "start_ns",	    NULL };
static const char *const in_attrs[] = { "sampling_frequency", NULL };
static const char *const in_dbg[] = { "samples_out", "overflows", NULL };
static const char *const dut_attrs[] = { "sampling_frequency", "model", NULL };
static const char *const dut_dbg[] = { "samples_out", "overflows", "state", "events",
				       "fault",	      "time_ns",   NULL };
static const char *const trig_attrs[] = { "sampling_frequency", NULL };
static const char *const no_attrs[] = { NULL };

/* ------------------------------------------------------------------ context */

int sim_layout_compute(const struct sim_device *dev, const uint32_t *mask, struct sim_layout *l)
{
	size_t size = 0;
	unsigned i, n = 0;
	int prev_index = -1;

	for (i = 0; i < dev->n_scan; i++) {
		const struct sim_chan *c = &dev->chans[i];
		size_t len = c->storage_bits / 8;

		if (!(mask[i / 32] & (1u << (i % 32))))
			continue;
		if (c->scan_index == prev_index && n > 0) {
			l->ch[n] = i;
			l->off[n] = l->off[n - 1];
			n++;
			continue;
		}
		if (size % len)
			size += len - size % len;
		l->ch[n] = i;
		l->off[n] = size;
		size += len;
		prev_index = c->scan_index;
		n++;
	}
	if (n == 0)
		return -EINVAL;
	l->n = n;
	l->sample_size = size;
	l->full = n == dev->n_scan;
	return 0;
}

static void set_chan(struct sim_chan *c, const char *id, const char *name, bool output,
		     enum sim_chan_role role, unsigned k, int scan_index, unsigned bits,
		     unsigned storage, bool is_signed, double scale)
{
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	c->output = output;
	c->role = role;
	c->k = k;
	c->scan_index = scan_index;
	c->bits = bits;
	c->storage_bits = storage;
	c->is_signed = is_signed;
	c->scale = scale;
}

static int build_device(struct sim_device *d, unsigned n)
{
	d->chans = calloc(n, sizeof(*d->chans));
	d->full_off = calloc(n, sizeof(size_t));
	return d->chans && d->full_off ? 0 : -ENOMEM;
}

static int finish_device(struct sim_device *d)
{
	uint32_t mask[MASK_WORDS] = { 0 };
	struct sim_layout *l;
	unsigned i;

	d->n_scan = 0;
	for (i = 0; i < d->n_chans; i++)
		if (d->chans[i].scan_index >= 0)
			d->n_scan = i + 1;
	if (d->n_scan == 0)
		return 0;
	l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (i = 0; i < d->n_scan; i++)
		mask[i / 32] |= 1u << (i % 32);
	sim_layout_compute(d, mask, l);
	for (i = 0; i < l->n; i++)
		d->full_off[l->ch[i]] = l->off[i];
	d->full_size = l->sample_size;
	free(l);
	return 0;
}

static int build_context(struct bench_sim *sim)
{
	const struct sim_rig *rig = sim->rig;
	struct sim_device *d;
	char id[24], nm[24];
	unsigned i, n;

	sim->dac_scale_v = rig->dac_full_scale_v / (double)(1ll << (rig->dac_bits - 1));
	sim->adc_scale_v = rig->adc_full_scale_v / (double)(1ll << (rig->adc_bits - 1));

	d = &sim->dev[SIM_DEV_DAC];
	d->id = "iio:device0";
	d->name = "bench-dac";
	d->attrs = dac_attrs;
	d->dbg = dac_dbg;
	d->n_chans = rig->dac_channels;
	if (build_device(d, d->n_chans) < 0)
		return -ENOMEM;
	for (i = 0; i < rig->dac_channels; i++) {
		snprintf(id, sizeof(id), "voltage%u", i);
		set_chan(&d->chans[i], id, NULL, true, SIM_CH_CONV, i, (int)i, rig->dac_bits,
			 sim_storage_bits(rig->dac_bits), true, sim->dac_scale_v);
	}

	d = &sim->dev[SIM_DEV_ADC];
	d->id = "iio:device1";
	d->name = "bench-adc";
	d->attrs = in_attrs;
	d->dbg = in_dbg;
	d->n_chans = rig->adc_channels + 1;
	if (build_device(d, d->n_chans) < 0)
		return -ENOMEM;
	for (i = 0; i < rig->adc_channels; i++) {
		snprintf(id, sizeof(id), "voltage%u", i);
		if (rig->adc_source[i] == SIM_ADC_SRC_STIM)
			snprintf(nm, sizeof(nm), "stim-current");
		else
			snprintf(nm, sizeof(nm), "dac%d", rig->adc_source[i]);
		set_chan(&d->chans[i], id, nm, false, SIM_CH_CONV, i, (int)i, rig->adc_bits,
			 sim_storage_bits(rig->adc_bits), true, sim->adc_scale_v);
	}
	set_chan(&d->chans[i], "timestamp", NULL, false, SIM_CH_TIMESTAMP, 0, (int)i, 64, 64, true,
		 0);

	d = &sim->dev[SIM_DEV_DUT];
	d->id = "iio:device2";
	d->name = "dut";
	d->attrs = dut_attrs;
	d->dbg = dut_dbg;
	n = rig->dut_channels;
	d->n_chans = n + 2;
	if (build_device(d, d->n_chans) < 0)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "voltage%u", i);
		set_chan(&d->chans[i], id, NULL, false, SIM_CH_CONV, i, (int)i, rig->dut_bits,
			 sim_storage_bits(rig->dut_bits), true, rig->dut_lsb_uv);
	}
	set_chan(&d->chans[n], "count0", "events", false, SIM_CH_EVENT, 0, (int)n, 32, 32, false,
		 0);
	set_chan(&d->chans[n + 1], "timestamp", NULL, false, SIM_CH_TIMESTAMP, 0, (int)n + 1, 64,
		 64, true, 0);

	d = &sim->dev[SIM_DEV_LINES];
	d->id = "iio:device3";
	d->name = "bench-lines";
	d->attrs = in_attrs;
	d->dbg = in_dbg;
	d->n_chans = 2 + SIM_LINE_COUNT;
	if (build_device(d, d->n_chans) < 0)
		return -ENOMEM;
	set_chan(&d->chans[0], "voltage0", "lines", false, SIM_CH_LINES, 0, 0, 16, 16, false, 0);
	set_chan(&d->chans[1], "timestamp", NULL, false, SIM_CH_TIMESTAMP, 0, 1, 64, 64, true, 0);
	for (i = 0; i < SIM_LINE_COUNT; i++) {
		bool out = i < SIM_LINE_READY;

		/* bench->DUT lines: output voltage0..3; DUT->bench: input voltage1..3. */
		snprintf(id, sizeof(id), "voltage%u", out ? i : i - SIM_LINE_READY + 1);
		set_chan(&d->chans[2 + i], id, sim_line_name(i), out, SIM_CH_LINE, i, -1, 1, 0,
			 false, 0);
	}

	d = &sim->dev[SIM_DEV_TRIG];
	d->id = "trigger0";
	d->name = "bench-trig";
	d->attrs = trig_attrs;
	d->dbg = no_attrs;
	d->n_chans = 0;

	for (i = 0; i < SIM_DEV_COUNT; i++)
		if (finish_device(&sim->dev[i]) < 0)
			return -ENOMEM;
	return 0;
}

static const char *chan_attr_list(const struct sim_chan *c, const char **list)
{
	unsigned n = 0;

	switch (c->role) {
	case SIM_CH_CONV:
		list[n++] = "raw";
		list[n++] = "scale";
		break;
	case SIM_CH_EVENT:
	case SIM_CH_LINES:
	case SIM_CH_LINE:
		list[n++] = "raw";
		break;
	case SIM_CH_TIMESTAMP:
		break;
	}
	list[n] = NULL;
	return NULL;
}

static int build_xml(struct bench_sim *sim)
{
	struct bench_buf *b = &sim->xml;
	unsigned i, j;
	int r = 0;

	r |= bench_buf_append_str(
		b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		   "<!DOCTYPE context [<!ELEMENT context (device | context-attribute)*>"
		   "<!ELEMENT context-attribute EMPTY>"
		   "<!ELEMENT device (channel | attribute | debug-attribute | buffer-attribute)*>"
		   "<!ELEMENT channel (scan-element?, attribute*)><!ELEMENT attribute EMPTY>"
		   "<!ELEMENT scan-element EMPTY><!ELEMENT debug-attribute EMPTY>"
		   "<!ELEMENT buffer-attribute EMPTY>"
		   "<!ATTLIST context name CDATA #REQUIRED version-major CDATA #REQUIRED "
		   "version-minor CDATA #REQUIRED version-git CDATA #REQUIRED "
		   "description CDATA #IMPLIED>"
		   "<!ATTLIST context-attribute name CDATA #REQUIRED value CDATA #REQUIRED>"
		   "<!ATTLIST device id CDATA #REQUIRED name CDATA #IMPLIED label CDATA #IMPLIED>"
		   "<!ATTLIST channel id CDATA #REQUIRED type (input|output) #REQUIRED "
		   "name CDATA #IMPLIED>"
		   "<!ATTLIST scan-element index CDATA #REQUIRED format CDATA #REQUIRED "
		   "scale CDATA #IMPLIED>"
		   "<!ATTLIST attribute name CDATA #REQUIRED filename CDATA #IMPLIED>"
		   "<!ATTLIST debug-attribute name CDATA #REQUIRED>"
		   "<!ATTLIST buffer-attribute name CDATA #REQUIRED>]>\n");
	r |= bench_buf_appendf(b,
			       "<context name=\"network\" version-major=\"0\" version-minor=\"24\" "
			       "version-git=\"v0.24\" description=\"bcibench emulated rig %s\" >\n"
			       "<context-attribute name=\"hw_model\" value=\"bcibench-sim\" />\n"
			       "<context-attribute name=\"rig\" value=\"%s\" />\n"
			       "<context-attribute name=\"dut_model\" value=\"%s\" />\n"
			       "<context-attribute name=\"pace\" value=\"%s\" />\n",
			       sim->rig->name, sim->rig->name, sim_model_name(sim->rig->model),
			       sim->pace == BENCH_SIM_PACE_FAST ? "fast" : "realtime");
	for (i = 0; i < SIM_DEV_COUNT; i++) {
		const struct sim_device *d = &sim->dev[i];
		const char *const *a;

		r |= bench_buf_appendf(b, "<device id=\"%s\" name=\"%s\" >\n", d->id, d->name);
		for (j = 0; j < d->n_chans; j++) {
			const struct sim_chan *c = &d->chans[j];
			const char *list[4];
			unsigned k;

			r |= bench_buf_appendf(b, "<channel id=\"%s\"%s%s%s type=\"%s\" >", c->id,
					       c->name[0] ? " name=\"" : "", c->name,
					       c->name[0] ? "\"" : "",
					       c->output ? "output" : "input");
			if (c->scan_index >= 0) {
				r |= bench_buf_appendf(
					b,
					"<scan-element index=\"%d\" format=\"le:%c%u/%u&gt;&gt;0\"",
					c->scan_index, c->is_signed ? 's' : 'u', c->bits,
					c->storage_bits);
				if (c->scale > 0)
					r |= bench_buf_appendf(b, " scale=\"%.9g\"", c->scale);
				r |= bench_buf_append_str(b, " />");
			}
			chan_attr_list(c, list);
			for (k = 0; list[k]; k++)
				r |= bench_buf_appendf(b, "<attribute name=\"%s\" />", list[k]);
			r |= bench_buf_append_str(b, "</channel>\n");
		}
		for (a = d->attrs; *a; a++)
			r |= bench_buf_appendf(b, "<attribute name=\"%s\" />\n", *a);
		for (a = d->dbg; *a; a++)
			r |= bench_buf_appendf(b, "<debug-attribute name=\"%s\" />\n", *a);
		r |= bench_buf_append_str(b, "</device>\n");
	}
	r |= bench_buf_append_str(b, "</context>");
	return r ? -ENOMEM : 0;
}

/* ------------------------------------------------------------------ rings */

/*
 * A circular ring of whole frames: appending is O(1) also when it is full (the
 * oldest frame is dropped and counted), and a frame never wraps, because the
 * capacity is a multiple of the frame size. It grows by doubling up to @limit.
 */
static int ring_grow(struct ring *rg)
{
	size_t ncap = rg->cap ? rg->cap * 2 : 64 * rg->frame, first;
	uint8_t *nb;

	if (ncap > rg->limit)
		ncap = rg->limit;
	nb = malloc(ncap);
	if (!nb)
		return -ENOMEM;
	/* Linearise: the oldest frame goes to offset 0. */
	first = rg->cap - rg->rd < rg->len ? rg->cap - rg->rd : rg->len;
	if (rg->len) {
		memcpy(nb, rg->buf + rg->rd, first);
		memcpy(nb + first, rg->buf, rg->len - first);
	}
	free(rg->buf);
	rg->buf = nb;
	rg->cap = ncap;
	rg->rd = 0;
	return 0;
}

static int ring_append(struct ring *rg, const void *p, size_t n, uint64_t *overflows)
{
	if (rg->len + n > rg->cap) {
		if (rg->cap < rg->limit) {
			int r = ring_grow(rg);

			if (r < 0)
				return r;
		} else {
			/* The reader is too slow: drop the oldest frame (overflow). */
			rg->rd = (rg->rd + n) % rg->cap;
			rg->len -= n;
			(*overflows)++;
		}
	}
	memcpy(rg->buf + (rg->rd + rg->len) % rg->cap, p, n);
	rg->len += n;
	return 0;
}

static size_t ring_bytes(const struct ring *rg)
{
	return rg->len;
}

/* Sets the ring up for @frame-byte frames, at most @max_frames of them (no allocation yet). */
static void ring_setup(struct ring *rg, size_t frame, size_t max_frames)
{
	memset(rg, 0, sizeof(*rg));
	rg->frame = frame;
	rg->limit = (max_frames < 64 ? 64 : max_frames) * frame;
}

/* ------------------------------------------------------------------ engine */

static void put_le(uint8_t *p, int64_t v, unsigned storage_bits)
{
	unsigned i;

	for (i = 0; i < storage_bits / 8; i++)
		p[i] = (uint8_t)((uint64_t)v >> (8 * i));
}

static int64_t get_le(const uint8_t *p, const struct sim_chan *c)
{
	uint64_t v = 0;
	unsigned i, sh;

	for (i = 0; i < c->storage_bits / 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	if (c->bits < 64) {
		v &= (1ull << c->bits) - 1;
		if (c->is_signed && (v >> (c->bits - 1)) & 1) {
			sh = 64 - c->bits;
			return (int64_t)(v << sh) >> sh;
		}
	}
	return (int64_t)v;
}

static int32_t clip_code(double v, unsigned bits)
{
	double hi = (double)((1ll << (bits - 1)) - 1), lo = -(double)(1ll << (bits - 1));

	if (v > hi)
		return (int32_t)hi;
	if (v < lo)
		return (int32_t)lo;
	return (int32_t)lrint(v);
}

static bool stream_active(const struct bench_sim *sim, enum sim_dev d)
{
	return sim->st[d].open;
}

static void kill_all_conns(struct bench_sim *sim);

/* Fast pace: can the clock move without waiting for stimulus? */
static bool can_advance(const struct bench_sim *sim)
{
	const struct stream *dac = &sim->st[SIM_DEV_DAC];

	if (dac->open && dac->cyclic)
		return sim->wave != NULL;
	if (dac->open)
		return sim->dacq_len > 0;
	return true;
}

static void engine_tick(struct bench_sim *sim)
{
	const struct sim_rig *rig = sim->rig;
	struct stream *dac = &sim->st[SIM_DEV_DAC];
	double v[SIM_MAX_DAC_CH];
	struct sim_dut_out out;
	unsigned i, c;
	int64_t ts = (int64_t)llround((double)sim->tick * 1e9 / rig->dac_rate_hz);
	uint8_t *f = sim->frame;

	/* 1. the DAC frame */
	if (dac->open && dac->cyclic && sim->wave) {
		memcpy(v, sim->wave + sim->wave_pos * rig->dac_channels,
		       rig->dac_channels * sizeof(double));
		sim->wave_pos = (sim->wave_pos + 1) % sim->wave_len;
		if (sim->dac_first_pending) {
			sim->dac_start_ns = ts;
			sim->dac_first_pending = false;
		}
	} else if (sim->dacq_len > 0) {
		if (sim->dac_first_pending && sim->dac_skip > 0) {
			sim->dac_skip--; /* a sample of the previous stream */
		} else if (sim->dac_first_pending) {
			sim->dac_start_ns = ts;
			sim->dac_first_pending = false;
		}
		memcpy(v, sim->dacq + sim->dacq_rd * rig->dac_channels,
		       rig->dac_channels * sizeof(double));
		sim->dacq_rd = (sim->dacq_rd + 1) % sim->dacq_cap;
		sim->dacq_len--;
		sim->dac_dry = false;
	} else {
		if (dac->open && !dac->cyclic && sim->dac_started) {
			/* Realtime: the stimulus for this tick was not pushed in time. */
			if (!sim->dac_dry)
				sim->underflows++;
			sim->dac_dry = true;
			sim->underflow_samples++;
		}
		for (c = 0; c < rig->dac_channels; c++)
			v[c] = dac->open ? 0.0 : sim->dac_static_code[c] * sim->dac_scale_v;
	}

	/* 2. the DUT */
	sim_dut_tick(sim->dut, v, sim->lines, &sim->faults, &out);

	/* 3. bench ADC */
	for (i = 0; i < rig->adc_channels; i++) {
		double val = rig->adc_source[i] == SIM_ADC_SRC_STIM ?
				     out.stim_ua * 1e-6 * rig->sense_ohm :
				     v[rig->adc_source[i]];

		sim->adc_last[i] = clip_code(val / sim->adc_scale_v, rig->adc_bits);
	}
	if (stream_active(sim, SIM_DEV_ADC)) {
		const struct sim_device *d = &sim->dev[SIM_DEV_ADC];

		memset(f, 0, d->full_size);
		for (i = 0; i < rig->adc_channels; i++)
			put_le(f + d->full_off[i], sim->adc_last[i], d->chans[i].storage_bits);
		put_le(f + d->full_off[rig->adc_channels], ts, 64);
		ring_append(&sim->st[SIM_DEV_ADC].ring, f, d->full_size,
			    &sim->st[SIM_DEV_ADC].overflows);
	}

	/* 4. lines */
	if (stream_active(sim, SIM_DEV_LINES)) {
		const struct sim_device *d = &sim->dev[SIM_DEV_LINES];
		unsigned bits = 0;

		memset(f, 0, d->full_size);
		for (i = 0; i < SIM_LINE_COUNT; i++)
			bits |= (unsigned)sim->lines[i] << i;
		put_le(f + d->full_off[0], bits, 16);
		put_le(f + d->full_off[1], ts, 64);
		ring_append(&sim->st[SIM_DEV_LINES].ring, f, d->full_size,
			    &sim->st[SIM_DEV_LINES].overflows);
	}

	/* 5. DUT frames */
	for (i = 0; i < out.n_frames; i++) {
		const struct sim_device *d = &sim->dev[SIM_DEV_DUT];
		unsigned n = rig->dut_channels;

		memcpy(sim->dut_last, out.codes[i], n * sizeof(int32_t));
		if (out.event[i])
			sim->last_event = out.event[i];
		if (!stream_active(sim, SIM_DEV_DUT))
			continue;
		memset(f + n * (d->chans[0].storage_bits / 8), 0,
		       d->full_size - n * (d->chans[0].storage_bits / 8));
		if (d->chans[0].storage_bits == 16) {
			for (c = 0; c < n; c++) {
				int16_t s = (int16_t)out.codes[i][c];

				memcpy(f + 2 * c, &s, 2);
			}
		} else {
			for (c = 0; c < n; c++)
				memcpy(f + 4 * c, &out.codes[i][c], 4);
		}
		put_le(f + d->full_off[n], out.event[i], 32);
		put_le(f + d->full_off[n + 1], out.ts_ns[i], 64);
		ring_append(&sim->st[SIM_DEV_DUT].ring, f, d->full_size,
			    &sim->st[SIM_DEV_DUT].overflows);
	}
	sim->tick++;

	if (sim->faults.disconnect_after_s > 0 && !sim->disconnect_done &&
	    (double)sim->tick / rig->dac_rate_hz >= sim->faults.disconnect_after_s) {
		sim->disconnect_done = true;
		kill_all_conns(sim);
	}
}

static void engine_advance(struct bench_sim *sim, uint64_t ticks)
{
	while (ticks-- > 0) {
		if (sim->pace == BENCH_SIM_PACE_FAST && !can_advance(sim))
			break;
		engine_tick(sim);
	}
	pthread_cond_broadcast(&sim->cond);
}

/*
 * Lets threads blocked on sim->lock in (a short sleep, not sched_yield(): the
 * clock thread may run under SCHED_RR, where a yield only lets other realtime
 * threads run). glibc mutexes are not fair: without this a clock thread that
 * re-locks at once could starve the connections (pushes held back -> DAC
 * underflows) and bench_sim_stop() under load. Called without the lock.
 */
static void let_waiters_in(struct bench_sim *sim)
{
	struct timespec ts = { 0, 20000 };
	int i;

	for (i = 0; i < 50 && atomic_load(&sim->lock_waiters) > 0; i++)
		nanosleep(&ts, NULL);
}

/* Best effort: SCHED_RR priority 1 for the calling thread (needs CAP_SYS_NICE). */
static bool clock_priority_self(void)
{
	struct sched_param sp = { .sched_priority = 1 };

	return pthread_setschedparam(pthread_self(), SCHED_RR, &sp) == 0;
}

static void clock_priority(struct bench_sim *sim)
{
	sim->clock_rt = clock_priority_self();
}

static void *clock_thread(void *arg)
{
	struct bench_sim *sim = arg;
	struct timespec ts;

	if (sim->want_rt)
		clock_priority(sim);
	sim_lock(sim);
	sim->t0_ns = bench_clock_now_ns();
	while (!atomic_load(&sim->stop_flag)) {
		int64_t now = bench_clock_now_ns();
		uint64_t target = (uint64_t)((double)(now - sim->t0_ns) * 1e-9 *
					     sim->rig->dac_rate_hz);
		int64_t next_ns;

		if (target > sim->tick) {
			/*
			 * Bounded chunks, dropping the lock in between, so readers and
			 * writers get in even when the machine cannot keep up.
			 */
			uint64_t n = target - sim->tick;

			if (n > RT_CHUNK_TICKS) {
				n = RT_CHUNK_TICKS;
				sim->rt_behind++;
			}
			engine_advance(sim, n);
			pthread_mutex_unlock(&sim->lock);
			let_waiters_in(sim);
			sim_lock(sim);
			continue;
		}
		pthread_mutex_unlock(&sim->lock);
		/* Sleep until RT_STEP_TICKS more ticks are due: work in batches. */
		next_ns = sim->t0_ns + (int64_t)((double)(sim->tick + RT_STEP_TICKS) * 1e9 /
						 sim->rig->dac_rate_hz);
		now = bench_clock_now_ns();
		if (next_ns > now) {
			ts.tv_sec = (time_t)((next_ns - now) / 1000000000ll);
			ts.tv_nsec = (long)((next_ns - now) % 1000000000ll);
			nanosleep(&ts, NULL);
		}
		sim_lock(sim);
	}
	pthread_mutex_unlock(&sim->lock);
	return NULL;
}

/* Waits on sim->cond for at most WAIT_SLICE_NS. Called with the lock held. */
static void wait_slice(struct bench_sim *sim)
{
	struct timespec ts;
	int64_t t;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t = (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec + WAIT_SLICE_NS;
	ts.tv_sec = t / 1000000000ll;
	ts.tv_nsec = t % 1000000000ll;
	pthread_cond_timedwait(&sim->cond, &sim->lock, &ts);
}

/* True if the peer of @fd has closed or reset (no state touched: any thread may ask). */
static bool fd_peer_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Called by @cn's own thread only. */
static bool conn_peer_gone(struct conn *cn)
{
	if (!cn->gone && fd_peer_gone(cn->fd))
		cn->gone = true;
	return cn->gone;
}

/* ------------------------------------------------------------------ streams */

static void stream_close(struct bench_sim *sim, enum sim_dev d)
{
	struct stream *st = &sim->st[d];

	if (!st->open)
		return;
	st->open = false;
	st->owner = NULL;
	st->cyclic = false;
	free(st->ring.buf);
	memset(&st->ring, 0, sizeof(st->ring));
	if (d == SIM_DEV_DAC) {
		/* Queued stimulus still plays out (the DAC drains); a cyclic waveform stops. */
		free(sim->wave);
		sim->wave = NULL;
		sim->wave_len = 0;
		sim->dac_started = false;
	}
	pthread_cond_broadcast(&sim->cond);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_mask(const struct sim_device *d, const char *hex, uint32_t *mask)
{
	unsigned words = (d->n_chans + 31) / 32, w, i;

	if (words == 0 || strlen(hex) != words * 8)
		return -EINVAL;
	memset(mask, 0, MASK_WORDS * sizeof(uint32_t));
	for (w = 0; w < words; w++) {
		uint32_t v = 0;

		for (i = 0; i < 8; i++) {
			int h = hexval(hex[w * 8 + i]);

			if (h < 0)
				return -EINVAL;
			v = v << 4 | (uint32_t)h;
		}
		mask[words - 1 - w] = v; /* most significant word first (§6.11) */
	}
	/* only scan channels may be enabled */
	for (i = d->n_scan; i < words * 32; i++)
		if (mask[i / 32] & (1u << (i % 32)))
			return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------ attributes */

static const struct sim_device *find_dev(const struct bench_sim *sim, const char *w, int *ret_i)
{
	int i;

	for (i = 0; i < SIM_DEV_COUNT; i++) {
		if (strcmp(sim->dev[i].id, w) == 0 || strcmp(sim->dev[i].name, w) == 0) {
			*ret_i = i;
			return &sim->dev[i];
		}
	}
	return NULL;
}

static const struct sim_chan *find_chan(const struct sim_device *d, const char *w, bool output)
{
	unsigned i;

	for (i = 0; i < d->n_chans; i++) {
		const struct sim_chan *c = &d->chans[i];

		if (c->output == output && (strcmp(c->id, w) == 0 || strcmp(c->name, w) == 0))
			return c;
	}
	return NULL;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static double dev_rate(const struct bench_sim *sim, int di)
{
	if (di == SIM_DEV_DUT)
		return sim->rig->dut_rate_hz;
	if (di == SIM_DEV_TRIG)
		return sim->trig_hz;
	return sim->rig->dac_rate_hz;
}

/* Reads one attribute into @out. Lock held. Return 0 or -errno. */
static int attr_read(struct bench_sim *sim, int di, enum sim_attr_kind kind,
		     const struct sim_chan *c, const char *name, char *out, size_t size)
{
	const struct sim_device *d = &sim->dev[di];

	if (kind == SIM_ATTR_INPUT || kind == SIM_ATTR_OUTPUT) {
		const char *list[4];
		bool ok = false;
		unsigned k;

		chan_attr_list(c, list);
		for (k = 0; list[k]; k++)
			ok |= strcmp(list[k], name) == 0;
		if (!ok)
			return -ENOENT;
		if (strcmp(name, "scale") == 0) {
			snprintf(out, size, "%.9g", c->scale);
			return 0;
		}
		switch (c->role) {
		case SIM_CH_CONV:
			if (di == SIM_DEV_DAC)
				snprintf(out, size, "%d", sim->dac_static_code[c->k]);
			else if (di == SIM_DEV_ADC)
				snprintf(out, size, "%d", sim->adc_last[c->k]);
			else
				snprintf(out, size, "%d", sim->dut_last[c->k]);
			return 0;
		case SIM_CH_EVENT:
			snprintf(out, size, "%u", sim->last_event);
			return 0;
		case SIM_CH_LINES: {
			unsigned bits = 0, i;

			for (i = 0; i < SIM_LINE_COUNT; i++)
				bits |= (unsigned)sim->lines[i] << i;
			snprintf(out, size, "%u", bits);
			return 0;
		}
		case SIM_CH_LINE:
			snprintf(out, size, "%d", sim->lines[c->k] ? 1 : 0);
			return 0;
		default:
			return -ENOENT;
		}
	}
	if (kind == SIM_ATTR_BUFFER)
		return -ENOENT;
	if (kind == SIM_ATTR_DEVICE) {
		if (!in_list(d->attrs, name))
			return -ENOENT;
		if (strcmp(name, "sampling_frequency") == 0)
			snprintf(out, size, "%.9g", dev_rate(sim, di));
		else if (strcmp(name, "model") == 0)
			snprintf(out, size, "%s", sim_model_name(sim->rig->model));
		return 0;
	}
	/* debug */
	if (!in_list(d->dbg, name))
		return -ENOENT;
	if (strcmp(name, "samples_in") == 0 || strcmp(name, "samples_out") == 0)
		snprintf(out, size, "%llu", (unsigned long long)sim->st[di].count);
	else if (strcmp(name, "overflows") == 0)
		snprintf(out, size, "%llu", (unsigned long long)sim->st[di].overflows);
	else if (strcmp(name, "underflows") == 0)
		snprintf(out, size, "%llu", (unsigned long long)sim->underflows);
	else if (strcmp(name, "underflow_samples") == 0)
		snprintf(out, size, "%llu", (unsigned long long)sim->underflow_samples);
	else if (strcmp(name, "peak_code") == 0)
		snprintf(out, size, "%lld", (long long)sim->peak_code);
	else if (strcmp(name, "start_ns") == 0)
		snprintf(out, size, "%lld", (long long)sim->dac_start_ns);
	else if (strcmp(name, "late_steps") == 0)
		snprintf(out, size, "%llu", (unsigned long long)sim->rt_behind);
	else if (strcmp(name, "queued_samples") == 0)
		snprintf(out, size, "%zu", sim->dacq_len);
	else if (strcmp(name, "state") == 0)
		snprintf(out, size, "%s", sim_dut_state_name(sim_dut_state(sim->dut)));
	else if (strcmp(name, "events") == 0)
		snprintf(out, size, "%llu", (unsigned long long)sim_dut_events(sim->dut));
	else if (strcmp(name, "fault") == 0)
		sim_faults_format(&sim->faults, out, size);
	else if (strcmp(name, "time_ns") == 0)
		snprintf(out, size, "%lld",
			 (long long)llround((double)sim->tick * 1e9 / sim->rig->dac_rate_hz));
	return 0;
}

/* Applies "a=b c=d" (spaces or commas). Lock held. */
static int apply_faults(struct bench_sim *sim, const char *text)
{
	struct sim_faults nf = sim->faults;
	char tmp[512], *p, *s;

	if (strlen(text) >= sizeof(tmp))
		return -EINVAL;
	snprintf(tmp, sizeof(tmp), "%s", text);
	for (p = tmp; *p;) {
		while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != ' ' && *p != ',' && *p != '\n' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
		if (sim_faults_apply(&nf, s, sim->rig->dut_channels) < 0)
			return -EINVAL;
	}
	sim->faults = nf;
	if (nf.disconnect_after_s == 0)
		sim->disconnect_done = false;
	return 0;
}

/* Writes one attribute. Lock held. Return 0 or -errno. */
static int attr_write(struct bench_sim *sim, int di, enum sim_attr_kind kind,
		      const struct sim_chan *c, const char *name, const char *val)
{
	const struct sim_device *d = &sim->dev[di];
	double x;

	if (kind == SIM_ATTR_INPUT || kind == SIM_ATTR_OUTPUT) {
		char dummy[64];
		int r = attr_read(sim, di, kind, c, name, dummy, sizeof(dummy));

		if (r < 0)
			return r;
		if (strcmp(name, "raw") != 0)
			return -EACCES;
		if (bench_parse_double(val, &x) < 0)
			return -EINVAL;
		if (c->role == SIM_CH_LINE && c->output) {
			if (x != 0 && x != 1)
				return -EINVAL;
			sim->lines[c->k] = x != 0;
			return 0;
		}
		if (c->role == SIM_CH_CONV && di == SIM_DEV_DAC) {
			if (x != floor(x) || fabs(x) > (double)(1ll << (c->bits - 1)))
				return -EINVAL;
			sim->dac_static_code[c->k] = clip_code(x, c->bits);
			if (llabs((long long)x) > sim->peak_code)
				sim->peak_code = llabs((long long)x);
			return 0;
		}
		return -EACCES;
	}
	if (kind == SIM_ATTR_BUFFER)
		return -ENOENT;
	if (kind == SIM_ATTR_DEVICE) {
		if (!in_list(d->attrs, name))
			return -ENOENT;
		if (strcmp(name, "sampling_frequency") != 0)
			return -EACCES;
		if (bench_parse_double(val, &x) < 0 || !(x > 0))
			return -EINVAL;
		if (di == SIM_DEV_TRIG) {
			sim->trig_hz = x;
			return 0;
		}
		/* Converter rates are fixed by the rig file; only the current value is accepted. */
		return fabs(x - dev_rate(sim, di)) < 1e-6 * x ? 0 : -EINVAL;
	}
	if (!in_list(d->dbg, name))
		return -ENOENT;
	if (strcmp(name, "fault") == 0)
		return apply_faults(sim, val);
	return -EACCES;
}

/* ------------------------------------------------------------------ I/O */

static int send_all(struct conn *cn, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n > 0) {
		ssize_t w = send(cn->fd, b, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			cn->gone = true;
			return -EPIPE;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_int(struct conn *cn, long long v)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "%lld\n", v);

	return send_all(cn, s, (size_t)n);
}

static int fill(struct conn *cn)
{
	ssize_t r;

	if (cn->in_len == IN_BUF)
		return -ENOBUFS;
	do {
		r = recv(cn->fd, cn->in + cn->in_len, IN_BUF - cn->in_len, 0);
	} while (r < 0 && errno == EINTR);
	if (r <= 0) {
		cn->gone = true;
		return -EPIPE;
	}
	cn->in_len += (size_t)r;
	return 0;
}

static void consume(struct conn *cn, size_t n)
{
	memmove(cn->in, cn->in + n, cn->in_len - n);
	cn->in_len -= n;
}

/*
 * Reads one line (without "\r\n" / "\n", trailing blanks kept for the parser)
 * into @line. Return 0, -EPIPE (peer gone) or -E2BIG (line too long).
 */
static int read_line(struct conn *cn, char *line, size_t size)
{
	for (;;) {
		uint8_t *nl = memchr(cn->in, '\n', cn->in_len);

		if (nl) {
			size_t n = (size_t)(nl - cn->in);

			if (n >= size)
				return -E2BIG;
			memcpy(line, cn->in, n);
			line[n] = '\0';
			/* An embedded NUL must not hide garbage behind a valid prefix. */
			if (memchr(line, '\0', n))
				line[0] = '\x01';
			consume(cn, n + 1);
			while (n > 0 &&
			       (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
				line[--n] = '\0';
			return 0;
		}
		if (cn->in_len >= size || cn->in_len == IN_BUF)
			return -E2BIG;
		if (fill(cn) < 0)
			return -EPIPE;
	}
}

/* Reads exactly @n payload bytes; @dst NULL discards them. */
static int read_exact(struct conn *cn, uint8_t *dst, size_t n)
{
	while (n > 0) {
		size_t k;

		if (cn->in_len == 0 && fill(cn) < 0)
			return -EPIPE;
		k = cn->in_len < n ? cn->in_len : n;
		if (dst) {
			memcpy(dst, cn->in, k);
			dst += k;
		}
		consume(cn, k);
		n -= k;
	}
	return 0;
}

static void slow_fault(struct bench_sim *sim)
{
	double ms;
	int64_t until;

	sim_lock(sim);
	ms = sim->faults.slow_ms;
	until = bench_clock_now_ns() + (int64_t)(ms * 1e6);
	while (ms > 0 && !sim->stopping && bench_clock_now_ns() < until)
		wait_slice(sim);
	pthread_mutex_unlock(&sim->lock);
}

/* ------------------------------------------------------------------ commands */

static int do_read(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	const struct sim_device *d;
	const struct sim_chan *c = NULL;
	char val[1100];
	int di, r;

	d = find_dev(sim, cmd->dev, &di);
	if (!d)
		return send_int(cn, -ENODEV);
	if (cmd->kind == SIM_ATTR_INPUT || cmd->kind == SIM_ATTR_OUTPUT) {
		c = find_chan(d, cmd->chan, cmd->kind == SIM_ATTR_OUTPUT);
		if (!c)
			return send_int(cn, -ENXIO);
	}
	slow_fault(sim);
	if (cmd->attr[0] == '\0') {
		/* read-all blob (§6.6): be32 length, value + NUL, pad to 4 */
		const char *list[8], *const *names = list;
		struct bench_buf blob = BENCH_BUF_INIT;
		unsigned k;

		if (c)
			chan_attr_list(c, list);
		else if (cmd->kind == SIM_ATTR_DEVICE)
			names = d->attrs;
		else if (cmd->kind == SIM_ATTR_DEBUG)
			names = d->dbg;
		else
			names = no_attrs;
		sim_lock(sim);
		for (k = 0; names[k]; k++) {
			uint32_t be;
			size_t len;

			r = attr_read(sim, di, cmd->kind, c, names[k], val, sizeof(val));
			len = r < 0 ? 0 : strlen(val) + 1;
			be = htonl(r < 0 ? (uint32_t)r : (uint32_t)len);
			bench_buf_append(&blob, &be, 4);
			if (r >= 0) {
				bench_buf_append(&blob, val, len);
				while (blob.len % 4)
					bench_buf_append(&blob, "", 1);
			}
		}
		pthread_mutex_unlock(&sim->lock);
		r = send_int(cn, (long long)blob.len);
		if (r == 0)
			r = send_all(cn, blob.data ? blob.data : (const uint8_t *)"", blob.len);
		if (r == 0)
			r = send_all(cn, "\n", 1);
		bench_buf_free(&blob);
		return r;
	}
	sim_lock(sim);
	r = attr_read(sim, di, cmd->kind, c, cmd->attr, val, sizeof(val));
	pthread_mutex_unlock(&sim->lock);
	if (r < 0)
		return send_int(cn, r);
	/* value + NUL, then "\n" (§6.5) */
	r = send_int(cn, (long long)strlen(val) + 1);
	if (r == 0)
		r = send_all(cn, val, strlen(val) + 1);
	if (r == 0)
		r = send_all(cn, "\n", 1);
	return r;
}

static int do_write(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	const struct sim_device *d;
	const struct sim_chan *c = NULL;
	char *val;
	size_t n = cmd->num;
	int di, r;

	/* Always consume the payload first, to stay in sync (§6.7). */
	if (n > MAX_WRITE_ATTR) {
		r = read_exact(cn, NULL, n);
		return r < 0 ? r : send_int(cn, -EFBIG);
	}
	val = malloc(n + 1);
	if (!val)
		return -ENOMEM;
	r = read_exact(cn, (uint8_t *)val, n);
	if (r < 0) {
		free(val);
		return r;
	}
	val[n] = '\0';
	while (n > 0 && (val[n - 1] == '\0' || val[n - 1] == '\n' || val[n - 1] == ' '))
		val[--n] = '\0';

	d = find_dev(sim, cmd->dev, &di);
	if (!d) {
		r = send_int(cn, -ENODEV);
		goto out;
	}
	if (cmd->kind == SIM_ATTR_INPUT || cmd->kind == SIM_ATTR_OUTPUT) {
		c = find_chan(d, cmd->chan, cmd->kind == SIM_ATTR_OUTPUT);
		if (!c) {
			r = send_int(cn, -ENXIO);
			goto out;
		}
	}
	if (cmd->attr[0] == '\0') {
		r = send_int(cn, -ENOSYS); /* write-all is optional (§6.7) */
		goto out;
	}
	if (memchr(val, '\0', n)) {
		r = send_int(cn, -EINVAL);
		goto out;
	}
	sim_lock(sim);
	r = attr_write(sim, di, cmd->kind, c, cmd->attr, val);
	pthread_mutex_unlock(&sim->lock);
	r = send_int(cn, r < 0 ? r : (long long)cmd->num);
out:
	free(val);
	return r;
}

static int do_open(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	const struct sim_device *d;
	struct stream *st;
	uint32_t mask[MASK_WORDS];
	struct sim_layout lay;
	size_t bytes;
	int di, r;

	d = find_dev(sim, cmd->dev, &di);
	if (!d)
		return send_int(cn, -ENODEV);
	if (di >= SIM_N_BUFDEV || cmd->num == 0 || parse_mask(d, cmd->mask, mask) < 0 ||
	    sim_layout_compute(d, mask, &lay) < 0 || (cmd->cyclic && di != SIM_DEV_DAC) ||
	    bench_mul_size(cmd->num, lay.sample_size, &bytes) < 0 || bytes > MAX_BUF_BYTES)
		return send_int(cn, -EINVAL);
	sim_lock(sim);
	st = &sim->st[di];
	/* A stream whose client has vanished (EOF not yet seen by its thread) is free. */
	if (st->open && st->owner != cn && fd_peer_gone(st->owner->fd))
		stream_close(sim, (enum sim_dev)di);
	if (st->open) {
		r = -EBUSY; /* one opener per device (§6.11) */
	} else {
		st->open = true;
		st->owner = cn;
		st->cyclic = cmd->cyclic;
		st->samples = cmd->num;
		memcpy(st->mask, mask, sizeof(mask));
		snprintf(st->mask_hex, sizeof(st->mask_hex), "%s", cmd->mask);
		for (r = 0; st->mask_hex[r]; r++)
			if (st->mask_hex[r] >= 'A' && st->mask_hex[r] <= 'F')
				st->mask_hex[r] = (char)(st->mask_hex[r] + 32);
		st->lay = lay;
		if (st->buffers_count == 0)
			st->buffers_count = 4;
		/*
		 * Keep up to max(RING_S, buffers-count + 1 buffers) of samples, like a
		 * deep kernel buffer (SET BUFFERS_COUNT makes it deeper); fast pace keeps
		 * 16 times more, for clients that push all stimulus before reading.
		 */
		{
			size_t frames = (size_t)(dev_rate(sim, di) * RING_S);
			size_t bufs = ((size_t)st->buffers_count + 1) * cmd->num;

			if (bufs > frames)
				frames = bufs;
			if (sim->pace == BENCH_SIM_PACE_FAST)
				frames *= 16;
			ring_setup(&st->ring, d->full_size, frames);
		}
		if (di == SIM_DEV_DAC) {
			/* --rt-priority: the thread feeding the DAC queue runs like the clock. */
			if (sim->want_rt)
				clock_priority_self();
			sim->dac_started = false;
			sim->dac_dry = false;
			sim->dac_start_ns = -1;
			sim->dac_first_pending = true;
			sim->dac_skip = sim->dacq_len;
		}
		r = 0;
	}
	pthread_mutex_unlock(&sim->lock);
	return send_int(cn, r);
}

static void pack(const struct sim_device *d, const struct sim_layout *l, const uint8_t *src,
		 uint8_t *dst, size_t n)
{
	size_t s;
	unsigned i;

	if (l->full) {
		memcpy(dst, src, n * d->full_size);
		return;
	}
	memset(dst, 0, n * l->sample_size);
	for (s = 0; s < n; s++) {
		for (i = 0; i < l->n; i++) {
			unsigned ch = l->ch[i];

			memcpy(dst + l->off[i], src + d->full_off[ch],
			       d->chans[ch].storage_bits / 8);
		}
		src += d->full_size;
		dst += l->sample_size;
	}
}

static double frames_per_tick(const struct bench_sim *sim, int di)
{
	return di == SIM_DEV_DUT ? sim->rig->dut_rate_hz / sim->rig->dac_rate_hz : 1.0;
}

static int do_readbuf(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	const struct sim_device *d;
	struct stream *st;
	size_t need, have, bytes;
	int64_t deadline;
	char head[MASK_WORDS * 8 + 32];
	int di, r = 0, hn;

	d = find_dev(sim, cmd->dev, &di);
	if (!d)
		return send_int(cn, -ENODEV);
	sim_lock(sim);
	st = di < SIM_N_BUFDEV ? &sim->st[di] : NULL;
	if (!st || !st->open || st->owner != cn || di == SIM_DEV_DAC) {
		pthread_mutex_unlock(&sim->lock);
		return send_int(cn, -EBADF);
	}
	need = cmd->num / st->lay.sample_size;
	if (need == 0) {
		pthread_mutex_unlock(&sim->lock);
		return send_int(cn, 0);
	}
	if (need > st->samples * 4 + 65536) {
		pthread_mutex_unlock(&sim->lock);
		return send_int(cn, -EINVAL);
	}
	/* The ring must be able to hold one whole answer. */
	if (need * d->full_size > st->ring.limit)
		st->ring.limit = need * d->full_size;
	deadline = bench_clock_now_ns() + cn->timeout_ms * 1000000ll;
	for (;;) {
		have = ring_bytes(&st->ring) / d->full_size;
		if (have >= need)
			break;
		if (sim->stopping || !st->open || st->owner != cn || conn_peer_gone(cn)) {
			r = -EPIPE;
			break;
		}
		if (bench_clock_now_ns() > deadline) {
			r = -ETIMEDOUT;
			break;
		}
		if (sim->pace == BENCH_SIM_PACE_FAST && can_advance(sim)) {
			/* Exact for the DAC-rate streams, so a line write lands right after them. */
			double ticks = di == SIM_DEV_DUT ?
					       (double)(need - have) / frames_per_tick(sim, di) +
						       1 :
					       (double)(need - have);

			engine_advance(sim, ticks > FAST_CHUNK_TICKS ? FAST_CHUNK_TICKS :
								       (uint64_t)ticks);
			if (atomic_load(&sim->lock_waiters) > 0) {
				/* Between chunks, let others in (the stream is re-checked above). */
				pthread_mutex_unlock(&sim->lock);
				let_waiters_in(sim);
				sim_lock(sim);
			}
			/* Progress: the timeout only bounds waiting for stimulus. */
			deadline = bench_clock_now_ns() + cn->timeout_ms * 1000000ll;
		} else {
			wait_slice(sim);
		}
	}
	if (r < 0) {
		pthread_mutex_unlock(&sim->lock);
		return r == -EPIPE ? r : send_int(cn, r);
	}
	bytes = need * st->lay.sample_size;
	bench_buf_clear(&cn->out);
	hn = snprintf(head, sizeof(head), "%zu\n%s\n", bytes, st->mask_hex);
	r = bench_buf_reserve(&cn->out, (size_t)hn + bytes);
	if (r == 0) {
		bench_buf_append(&cn->out, head, (size_t)hn);
		struct ring *rg = &st->ring;
		size_t first = (rg->cap - rg->rd) / d->full_size;

		if (first > need)
			first = need;
		/* The frames may wrap around the end of the ring: two runs. */
		pack(d, &st->lay, rg->buf + rg->rd, cn->out.data + cn->out.len, first);
		pack(d, &st->lay, rg->buf, cn->out.data + cn->out.len + first * st->lay.sample_size,
		     need - first);
		cn->out.len += bytes;
		rg->rd = (rg->rd + need * d->full_size) % rg->cap;
		rg->len -= need * d->full_size;
		st->count += need;
	}
	pthread_mutex_unlock(&sim->lock);
	if (r < 0)
		return send_int(cn, r);
	slow_fault(sim);
	return send_all(cn, cn->out.data, cn->out.len);
}

static int dacq_push(struct bench_sim *sim, const double *frame)
{
	unsigned nch = sim->rig->dac_channels;

	if (sim->dacq_len == sim->dacq_cap) {
		size_t ncap = sim->dacq_cap ? sim->dacq_cap * 2 : 65536, i;
		double *nq = malloc(ncap * nch * sizeof(double));

		if (!nq)
			return -ENOMEM;
		for (i = 0; i < sim->dacq_len; i++)
			memcpy(nq + i * nch, sim->dacq + ((sim->dacq_rd + i) % sim->dacq_cap) * nch,
			       nch * sizeof(double));
		free(sim->dacq);
		sim->dacq = nq;
		sim->dacq_cap = ncap;
		sim->dacq_rd = 0;
	}
	memcpy(sim->dacq + ((sim->dacq_rd + sim->dacq_len) % sim->dacq_cap) * nch, frame,
	       nch * sizeof(double));
	sim->dacq_len++;
	return 0;
}

static bool any_input_open(const struct bench_sim *sim)
{
	return sim->st[SIM_DEV_ADC].open || sim->st[SIM_DEV_DUT].open ||
	       sim->st[SIM_DEV_LINES].open;
}

/*
 * Fast pace: how many DAC ticks can run before an open capture ring (bench ADC, lines,
 * DUT data) reaches its limit, i.e. before a frame would be dropped. UINT64_MAX when no
 * capture stream is open.
 */
static uint64_t input_room_ticks(const struct bench_sim *sim)
{
	static const int devs[] = { SIM_DEV_ADC, SIM_DEV_LINES, SIM_DEV_DUT };
	uint64_t room = UINT64_MAX;
	size_t i;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		const struct stream *st = &sim->st[devs[i]];
		size_t frame = sim->dev[devs[i]].full_size;
		double free_frames, ticks;

		if (!st->open || frame == 0)
			continue;
		free_frames = st->ring.limit > st->ring.len ?
				      (double)((st->ring.limit - st->ring.len) / frame) :
				      0.0;
		/* A DUT frame per tick is fractional: keep one frame of margin. */
		ticks = floor((free_frames - 1.0) / frames_per_tick(sim, devs[i]));
		if (ticks < 1.0)
			return 0;
		if (ticks < (double)room)
			room = (uint64_t)ticks;
	}
	return room;
}

static int do_writebuf(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	const struct sim_device *d;
	struct stream *st;
	size_t n, s, sample_size, limit;
	int64_t held_until;
	uint8_t *data;
	int di, r = 0;
	bool cyclic;

	d = find_dev(sim, cmd->dev, &di);
	if (!d)
		return send_int(cn, -ENODEV);
	sim_lock(sim);
	st = di < SIM_N_BUFDEV ? &sim->st[di] : NULL;
	if (!st || !st->open || st->owner != cn || di != SIM_DEV_DAC) {
		pthread_mutex_unlock(&sim->lock);
		return send_int(cn, -EBADF);
	}
	sample_size = st->lay.sample_size;
	cyclic = st->cyclic;
	pthread_mutex_unlock(&sim->lock);
	if (cmd->num > MAX_BUF_BYTES)
		return send_int(cn, -EINVAL);
	r = send_int(cn, 0);
	if (r < 0)
		return r;
	data = malloc(cmd->num ? cmd->num : 1);
	if (!data)
		return -ENOMEM;
	r = read_exact(cn, data, cmd->num);
	if (r < 0) {
		free(data);
		return r;
	}
	n = cmd->num / sample_size;

	sim_lock(sim);
	if (!st->open || st->owner != cn) {
		r = -EBADF;
	} else if (cyclic && sim->wave) {
		r = -EBUSY; /* a second push into a cyclic buffer (§6.13) */
	} else {
		unsigned nch = sim->rig->dac_channels, i;
		double frame[SIM_MAX_DAC_CH];

		if (cyclic) {
			sim->wave = calloc(n ? n * nch : 1, sizeof(double));
			sim->wave_len = n ? n : 1;
			sim->wave_pos = 0;
			if (!sim->wave)
				r = -ENOMEM;
		}
		for (s = 0; s < n && r == 0; s++) {
			memset(frame, 0, sizeof(frame));
			for (i = 0; i < st->lay.n; i++) {
				const struct sim_chan *c = &d->chans[st->lay.ch[i]];
				int64_t code = get_le(data + s * sample_size + st->lay.off[i], c);

				if (llabs(code) > sim->peak_code)
					sim->peak_code = llabs(code);
				frame[c->k] = (double)code * sim->dac_scale_v;
			}
			if (cyclic)
				memcpy(sim->wave + s * nch, frame, nch * sizeof(double));
			else
				r = dacq_push(sim, frame);
		}
		st->count += n;
		sim->dac_started = true;
		pthread_cond_broadcast(&sim->cond);
		/* Back-pressure (§6.13): hold the answer while too much is queued. */
		limit = (size_t)st->buffers_count * st->samples;
		held_until = bench_clock_now_ns() + cn->timeout_ms * 1000000ll;
		while (r == 0 && !cyclic && sim->dacq_len > limit && !sim->stopping &&
		       !conn_peer_gone(cn)) {
			if (sim->pace == BENCH_SIM_PACE_FAST) {
				/*
				 * Play the excess out, but only as far as the open capture
				 * rings have room: a reader that is late (a loaded machine)
				 * holds the writer back instead of losing frames. A stream
				 * nobody reads for a whole client timeout is played out
				 * anyway (its frames overflow, counted).
				 */
				uint64_t excess = sim->dacq_len - (any_input_open(sim) ? limit : 0);
				uint64_t room = input_room_ticks(sim);

				if (room > 0 || bench_clock_now_ns() > held_until) {
					engine_advance(sim,
						       room > 0 && room < excess ? room : excess);
					if (room >= excess || bench_clock_now_ns() > held_until)
						break;
					continue;
				}
			}
			wait_slice(sim);
		}
	}
	pthread_mutex_unlock(&sim->lock);
	free(data);
	slow_fault(sim);
	return send_int(cn, r < 0 ? r : (long long)cmd->num);
}

static int do_close(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	int di, r = -ENXIO;

	if (!find_dev(sim, cmd->dev, &di))
		return send_int(cn, -ENODEV);
	sim_lock(sim);
	if (di < SIM_N_BUFDEV && sim->st[di].open && sim->st[di].owner == cn) {
		stream_close(sim, (enum sim_dev)di);
		r = 0;
	}
	pthread_mutex_unlock(&sim->lock);
	return send_int(cn, r);
}

static int do_trig(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	int di, ti, r = 0;
	char name[32];

	if (!find_dev(sim, cmd->dev, &di))
		return send_int(cn, -ENODEV);
	if (di >= SIM_N_BUFDEV)
		return send_int(cn, -ENOENT); /* no trigger support (§6.8) */
	sim_lock(sim);
	if (cmd->op == SIM_OP_GETTRIG) {
		snprintf(name, sizeof(name), "%s",
			 sim->st[di].trigger[0] ? sim->dev[SIM_DEV_TRIG].name : "");
		pthread_mutex_unlock(&sim->lock);
		if (!name[0])
			return send_int(cn, 0);
		r = send_int(cn, (long long)strlen(name));
		if (r == 0)
			r = send_all(cn, name, strlen(name));
		return r == 0 ? send_all(cn, "\n", 1) : r;
	}
	if (!cmd->trigger) {
		sim->st[di].trigger[0] = '\0';
	} else if (find_dev(sim, cmd->trigger, &ti) && ti == SIM_DEV_TRIG) {
		snprintf(sim->st[di].trigger, sizeof(sim->st[di].trigger), "%s", sim->dev[ti].id);
	} else {
		r = -ENOENT;
	}
	pthread_mutex_unlock(&sim->lock);
	return send_int(cn, r);
}

static int do_buffers_count(struct conn *cn, const struct sim_cmd *cmd)
{
	struct bench_sim *sim = cn->sim;
	int di, r = 0;

	if (!find_dev(sim, cmd->dev, &di))
		return send_int(cn, -ENODEV);
	if (di >= SIM_N_BUFDEV || cmd->num < 1 || cmd->num > 1024)
		return send_int(cn, -EINVAL);
	sim_lock(sim);
	if (sim->st[di].open)
		r = -EBUSY;
	else
		sim->st[di].buffers_count = (unsigned)cmd->num;
	pthread_mutex_unlock(&sim->lock);
	return send_int(cn, r);
}

/* Returns < 0 to drop the connection, 1 on EXIT. */
static int dispatch(struct conn *cn, char *line)
{
	struct bench_sim *sim = cn->sim;
	struct sim_cmd cmd;
	int r;

	if (sim_proto_parse(line, &cmd) < 0)
		return send_int(cn, -EINVAL);
	switch (cmd.op) {
	case SIM_OP_EMPTY:
		return 0;
	case SIM_OP_PRINT:
		r = send_int(cn, (long long)sim->xml.len);
		if (r == 0)
			r = send_all(cn, sim->xml.data, sim->xml.len);
		return r == 0 ? send_all(cn, "\n", 1) : r;
	case SIM_OP_VERSION:
		return send_all(cn, "0.24.v0.24  \n", 13);
	case SIM_OP_TIMEOUT:
		/* The client's timeout is twice this (§2.4); wait at most that long. */
		cn->timeout_ms = cmd.num ? (int64_t)cmd.num : 3600000;
		return send_int(cn, 0);
	case SIM_OP_READ:
		return do_read(cn, &cmd);
	case SIM_OP_WRITE:
		return do_write(cn, &cmd);
	case SIM_OP_GETTRIG:
	case SIM_OP_SETTRIG:
		return do_trig(cn, &cmd);
	case SIM_OP_BUFFERS_COUNT:
		return do_buffers_count(cn, &cmd);
	case SIM_OP_OPEN:
		return do_open(cn, &cmd);
	case SIM_OP_READBUF:
		return do_readbuf(cn, &cmd);
	case SIM_OP_WRITEBUF:
		return do_writebuf(cn, &cmd);
	case SIM_OP_CLOSE:
		return do_close(cn, &cmd);
	case SIM_OP_EXIT:
		return 1;
	default:
		return send_int(cn, -EINVAL);
	}
}

static void *conn_thread(void *arg)
{
	struct conn *cn = arg;
	struct bench_sim *sim = cn->sim;
	struct conn **pp;
	char *line = malloc(SIM_PROTO_MAX_LINE + 2);
	int r, i;

	while (line) {
		r = read_line(cn, line, SIM_PROTO_MAX_LINE + 1);
		if (r == -E2BIG) {
			/* Overlong line: answer the error and drop this client only. */
			send_int(cn, -EINVAL);
			break;
		}
		if (r < 0)
			break;
		r = dispatch(cn, line);
		if (r != 0 || cn->gone)
			break;
	}
	free(line);

	/* Disconnect = CLOSE of everything this connection opened (§9). */
	sim_lock(sim);
	for (i = 0; i < SIM_N_BUFDEV; i++)
		if (sim->st[i].open && sim->st[i].owner == cn)
			stream_close(sim, (enum sim_dev)i);
	pthread_mutex_unlock(&sim->lock);

	pthread_mutex_lock(&sim->conns_lock);
	for (pp = &sim->conns; *pp; pp = &(*pp)->next) {
		if (*pp == cn) {
			*pp = cn->next;
			break;
		}
	}
	close(cn->fd);
	bench_buf_free(&cn->out);
	free(cn);
	sim->n_conns--;
	pthread_cond_broadcast(&sim->conns_cond);
	pthread_mutex_unlock(&sim->conns_lock);
	return NULL;
}

/* Called with sim->lock held (fault) or not (stop); only touches conns_lock. */
static void kill_all_conns(struct bench_sim *sim)
{
	struct conn *cn;

	pthread_mutex_lock(&sim->conns_lock);
	/* shutdown() wakes the connection's thread, which sees EOF / EPIPE and exits. */
	for (cn = sim->conns; cn; cn = cn->next)
		shutdown(cn->fd, SHUT_RDWR);
	pthread_mutex_unlock(&sim->conns_lock);
}

static void *listener_thread(void *arg)
{
	struct bench_sim *sim = arg;

	for (;;) {
		struct pollfd p[2] = { { .fd = sim->listen_fd, .events = POLLIN },
				       { .fd = sim->stop_pipe[0], .events = POLLIN } };
		pthread_attr_t attr;
		struct conn *cn;
		pthread_t th;
		int fd, one = 1;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept(sim->listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		cn = calloc(1, sizeof(*cn));
		if (!cn) {
			close(fd);
			continue;
		}
		cn->sim = sim;
		cn->fd = fd;
		cn->timeout_ms = 2500;
		pthread_mutex_lock(&sim->conns_lock);
		cn->next = sim->conns;
		sim->conns = cn;
		sim->n_conns++;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &attr, conn_thread, cn) != 0) {
			sim->conns = cn->next;
			sim->n_conns--;
			close(fd);
			free(cn);
		}
		pthread_attr_destroy(&attr);
		pthread_mutex_unlock(&sim->conns_lock);
	}
	return NULL;
}

/* ------------------------------------------------------------------ public API */

static int listen_on(struct bench_sim *sim, const char *host, uint16_t port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd, one = 1, r;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	sim->listen_fd = fd;
	sim->port = ntohs(a.sin_port);
	return 0;
}

static void set_error(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(char **ret_error, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (!ret_error)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*ret_error = strdup(msg);
}

/* The rig names (NAME.rig.xml) in @dir, sorted, comma separated, for the error text. */
static void list_rigs(const char *dir, char *out, size_t size)
{
	struct dirent **ents = NULL;
	size_t len = 0;
	int n, i;

	out[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);

		if (l > 8 && strcmp(nm + l - 8, ".rig.xml") == 0 && len + l < size) {
			int w = snprintf(out + len, size - len, "%s%.*s", len ? ", " : "",
					 (int)(l - 8), nm);

			if (w > 0 && (size_t)w < size - len)
				len += (size_t)w;
		}
		free(ents[i]);
	}
	free(ents);
	if (!out[0])
		snprintf(out, size, "none in %s", dir);
}

int bench_sim_start(const struct bench_sim_options *opts, struct bench_sim **ret_sim)
{
	struct bench_sim *sim;
	char path[512], schema[512];
	size_t i;
	int r;

	if (!opts || !ret_sim || opts->pace >= BENCH_SIM_PACE_COUNT)
		return -EINVAL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return -ENOMEM;
	sim->listen_fd = -1;
	sim->stop_pipe[0] = sim->stop_pipe[1] = -1;
	sim->wait_pipe[0] = sim->wait_pipe[1] = -1;
	{
		/*
		 * --rt-priority: the engine lock inherits the priority of its waiters, so a
		 * connection thread at normal priority that holds it (a capture READBUF) and
		 * is preempted on a loaded machine cannot hold up the realtime clock and DAC
		 * writer threads behind it (priority inversion: the DAC ran dry).
		 */
		pthread_mutexattr_t ma;

		pthread_mutexattr_init(&ma);
		if (opts->rt_priority)
			pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
		pthread_mutex_init(&sim->lock, &ma);
		pthread_mutexattr_destroy(&ma);
	}
	pthread_mutex_init(&sim->conns_lock, NULL);
	pthread_cond_init(&sim->conns_cond, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&sim->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	sim->pace = opts->pace;
	sim->dac_start_ns = -1;
	sim->want_rt = opts->rt_priority;
	sim->trig_hz = 100;

	snprintf(schema, sizeof(schema), "%s/schemas/sim-rig.xsd", BENCH_SIM_SOURCE_ROOT);
	if (opts->rig_path) {
		snprintf(path, sizeof(path), "%s", opts->rig_path);
	} else {
		const char *dut = opts->dut_name ? opts->dut_name : "neural-recorder";

		/* A model name or any rig name under fixtures/sim (e.g. neural-recorder-256). */
		if (strchr(dut, '/') || dut[0] == '.') {
			set_error(opts->ret_error, "--dut takes a rig name, not a path: '%s'", dut);
			r = -EINVAL;
			goto err;
		}
		snprintf(path, sizeof(path), "%s/%s.rig.xml",
			 opts->fixture_dir ? opts->fixture_dir :
					     BENCH_SIM_SOURCE_ROOT "/fixtures/sim",
			 dut);
		if (access(path, R_OK) != 0) {
			char names[400];

			list_rigs(opts->fixture_dir ? opts->fixture_dir :
						      BENCH_SIM_SOURCE_ROOT "/fixtures/sim",
				  names, sizeof(names));
			set_error(opts->ret_error, "unknown DUT '%s': no %s (rigs: %s)", dut, path,
				  names);
			r = -ENOENT;
			goto err;
		}
	}
	r = sim_rig_load(path, schema, &sim->rig, opts->ret_error);
	if (r < 0)
		goto err;
	sim_faults_init(&sim->faults);
	for (i = 0; i < sim->rig->n_faults; i++) {
		if (sim_faults_apply(&sim->faults, sim->rig->faults[i], sim->rig->dut_channels) <
		    0) {
			set_error(opts->ret_error, "bad <fault> in the rig file: %s",
				  sim->rig->faults[i]);
			r = -EINVAL;
			goto err;
		}
	}
	for (i = 0; i < opts->n_faults; i++) {
		if (sim_faults_apply(&sim->faults, opts->faults[i], sim->rig->dut_channels) < 0) {
			set_error(opts->ret_error, "bad fault '%s' (see docs/sim.md)",
				  opts->faults[i]);
			r = -EINVAL;
			goto err;
		}
	}
	for (i = 0; i < SIM_LINE_COUNT; i++)
		sim->lines[i] = sim->rig->line_initial[i];
	r = build_context(sim);
	if (r == 0)
		r = build_xml(sim);
	if (r == 0)
		r = sim_dut_new(sim->rig, &sim->faults, opts->seed, &sim->dut);
	if (r < 0)
		goto err;
	sim->dut_last = calloc(sim->rig->dut_channels, sizeof(int32_t));
	sim->frame = calloc(1,
			    sim->dev[SIM_DEV_DUT].full_size + sim->dev[SIM_DEV_ADC].full_size + 64);
	if (!sim->dut_last || !sim->frame) {
		r = -ENOMEM;
		goto err;
	}
	if (pipe(sim->stop_pipe) < 0 || pipe(sim->wait_pipe) < 0) {
		r = -errno;
		goto err;
	}
	r = listen_on(sim, opts->listen_host ? opts->listen_host : "127.0.0.1", opts->port);
	if (r < 0) {
		set_error(opts->ret_error, "cannot listen on %s",
			  opts->listen_host ? opts->listen_host : "127.0.0.1");
		goto err;
	}
	if (sim->pace == BENCH_SIM_PACE_REALTIME) {
		if (pthread_create(&sim->clock_th, NULL, clock_thread, sim) != 0) {
			r = -EAGAIN;
			goto err;
		}
		sim->clock_started = true;
	}
	if (pthread_create(&sim->listener, NULL, listener_thread, sim) != 0) {
		r = -EAGAIN;
		goto err;
	}
	sim->listener_started = true;
	bench_log(BENCH_LOG_INFO, "sim", "serving rig %s (%s) on 127.0.0.1:%u", sim->rig->name,
		  sim_model_name(sim->rig->model), sim->port);
	*ret_sim = sim;
	return 0;
err:
	bench_sim_stop(sim);
	return r;
}

uint16_t bench_sim_port(const struct bench_sim *sim)
{
	return sim->port;
}

int bench_sim_uri(const struct bench_sim *sim, char *buf, size_t size)
{
	int n = snprintf(buf, size, "ip:127.0.0.1:%u", sim->port);

	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int bench_sim_set_fault(struct bench_sim *sim, const char *spec)
{
	int r;

	sim_lock(sim);
	r = apply_faults(sim, spec);
	pthread_mutex_unlock(&sim->lock);
	return r;
}

int bench_sim_dut_response(const struct bench_sim *sim, double freq_hz, double *ret_gain,
			   double *ret_delay_s)
{
	return sim_dut_response(sim->rig, freq_hz, ret_gain, ret_delay_s);
}

double bench_sim_attenuator_uv_per_v(const struct bench_sim *sim)
{
	return sim->rig->atten_uv_per_v;
}

int bench_sim_wait(struct bench_sim *sim)
{
	char c;
	ssize_t r;

	do {
		r = read(sim->wait_pipe[0], &c, 1);
	} while (r < 0 && errno == EINTR);
	return 0;
}

void bench_sim_request_stop(struct bench_sim *sim)
{
	ssize_t r = write(sim->wait_pipe[1], "x", 1);

	(void)r;
}

void bench_sim_stop(struct bench_sim *sim)
{
	unsigned i;

	if (!sim)
		return;
	atomic_store(&sim->stop_flag, true);
	sim_lock(sim);
	sim->stopping = true;
	pthread_cond_broadcast(&sim->cond);
	pthread_mutex_unlock(&sim->lock);
	if (sim->listener_started) {
		ssize_t w = write(sim->stop_pipe[1], "x", 1);

		(void)w;
		pthread_join(sim->listener, NULL);
	}
	if (sim->clock_started)
		pthread_join(sim->clock_th, NULL);
	/*
	 * shutdown() wakes every connection thread (blocked in recv, send or a
	 * pacing wait, which checks sim->stopping). Repeat it until they are all
	 * gone, so that a thread caught between two blocking calls is woken too.
	 */
	pthread_mutex_lock(&sim->conns_lock);
	while (sim->n_conns > 0) {
		struct timespec ts;
		struct conn *cn;

		for (cn = sim->conns; cn; cn = cn->next)
			shutdown(cn->fd, SHUT_RDWR);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200000000l;
		if (ts.tv_nsec >= 1000000000l) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000l;
		}
		pthread_cond_timedwait(&sim->conns_cond, &sim->conns_lock, &ts);
	}
	pthread_mutex_unlock(&sim->conns_lock);
	if (sim->listen_fd >= 0)
		close(sim->listen_fd);
	for (i = 0; i < 2; i++) {
		if (sim->stop_pipe[i] >= 0)
			close(sim->stop_pipe[i]);
		if (sim->wait_pipe[i] >= 0)
			close(sim->wait_pipe[i]);
	}
	for (i = 0; i < SIM_N_BUFDEV; i++)
		free(sim->st[i].ring.buf);
	for (i = 0; i < SIM_DEV_COUNT; i++) {
		free(sim->dev[i].chans);
		free(sim->dev[i].full_off);
	}
	sim_dut_free(sim->dut);
	bench_buf_free(&sim->xml);
	free(sim->dacq);
	free(sim->wave);
	free(sim->dut_last);
	free(sim->frame);
	free(sim->rig);
	pthread_mutex_destroy(&sim->lock);
	pthread_mutex_destroy(&sim->conns_lock);
	pthread_cond_destroy(&sim->cond);
	pthread_cond_destroy(&sim->conns_cond);
	free(sim);
}
