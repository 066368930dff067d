// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Streaming engine; see stream.h. Rings are single-producer single-consumer
 * under a mutex and a condition variable: simple, and cheap next to the
 * network transfer of a whole device buffer per lock. Indices move under the
 * lock; the data does not need it: a capture thread converts a refilled buffer
 * straight into the free slots after head and then publishes them, the reader
 * copies only what lies between tail and head.
 */
#include "hw/stream.h"

#include <errno.h>
#include <iio.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/checked.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/units.h"
#include "fixture/fixture.h"
#include "hw/envelope.h"
#include "hw/rig-private.h"
#include "hw/safe.h"

#define MAX_CAPTURES 8

struct chan_io {
	struct iio_channel *ch;
	ptrdiff_t off; /* bytes from the start of a frame */
	unsigned length;
	bool is_signed;
	bool direct; /* little-endian host and sample, no shift, bits == length */
};

struct ring {
	uint8_t *data;
	int64_t *ts; /* capture rings only */
	size_t frame_bytes;
	size_t cap_frames;
	uint64_t head; /* frames written */
	uint64_t tail; /* frames read */
	bool ended;    /* producer finished */
};

struct capture {
	struct bench_stream *s;
	size_t index;
	struct bench_rig_capture *rc;
	const struct bench_fixture_capture *fc;
	size_t width;
	struct ring ring;
	struct iio_buffer *buf;
	pthread_t thread;
	bool running;
	bool exited; /* the thread left its loop (guarded by the stream lock) */
	int64_t last_ts;
	int64_t period_ns;
	struct chan_io *io; /* channels + event column */
	struct chan_io io_ts;
	double *uv_per_code; /* per channel, from the rig's calibration map */
};

struct bench_stream {
	struct bench_rig *rig;
	struct bench_stream_config cfg;
	struct bench_envelope *env;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* any ring or state change */
	struct ring out;
	bool out_ended;
	int32_t *codes; /* scratch for one write block, channel-interleaved */
	struct chan_io *out_io;
	size_t codes_frames;
	pthread_t out_thread;
	bool out_running;
	bool out_exited;
	size_t n_cap;
	struct capture cap[MAX_CAPTURES];
	bool started;
	bool stopping;
	size_t n_opened;	   /* capture buffers created */
	bool go;		   /* output started: captures may read (stream lock) */
	uint64_t pad_max_frames;   /* 0 uV frames pushed after the stimulus at most (0: no limit) */
	long long dac_underflows0; /* device counters at start, -1 if the device has none */
	long long cap_overflows0[MAX_CAPTURES];
	bool counters_checked;
	bool out_finish; /* the output thread closes the DAC once its ring is empty */
	bool rt_refused; /* rt_priority asked for and refused (logged once) */
	uint64_t padded;
	int error;
	char error_device[BENCH_FIXTURE_NAME_MAX];
	struct bench_stream_stats stats;
};

static void set_error(struct bench_stream *s, int err, const char *device)
{
	pthread_mutex_lock(&s->lock);
	if (!s->error) {
		s->error = err;
		snprintf(s->error_device, sizeof(s->error_device), "%s", device);
		bench_log(BENCH_LOG_ERROR, "hw", "stream stopped: %s on device %s", strerror(-err),
			  device);
	}
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

static bool halted(struct bench_stream *s)
{
	return s->stopping || s->error || atomic_load(&s->rig->stop);
}

static int ring_init(struct ring *r, size_t frame_bytes, size_t frames, bool with_ts)
{
	size_t bytes;

	if (bench_mul_size(frame_bytes, frames, &bytes) < 0)
		return -EOVERFLOW;
	r->data = malloc(bytes);
	if (!r->data)
		return -ENOMEM;
	if (with_ts) {
		r->ts = malloc(frames * sizeof(int64_t));
		if (!r->ts)
			return -ENOMEM;
	}
	r->frame_bytes = frame_bytes;
	r->cap_frames = frames;
	return 0;
}

static size_t ring_used(const struct ring *r)
{
	return (size_t)(r->head - r->tail);
}

/* Deadline for a condition wait, @ns from now on CLOCK_REALTIME (pthread default). */
static struct timespec deadline_in(int64_t ns)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns += ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / BENCH_NS_PER_S);
	ts.tv_nsec = (long)(ns % BENCH_NS_PER_S);
	return ts;
}

/*
 * Stimulus queued ahead of the DAC output thread: @nbuf device buffers, and at least
 * OUT_QUEUE_NS of it, so the loop that fills the ring may be descheduled that long (plus
 * what the device queues) before the DAC runs dry. 1 s of 8 channels at 30 kS/s is 1 MB.
 */
#define OUT_QUEUE_NS BENCH_NS_PER_S

static size_t out_ring_frames(size_t buffer_frames, double rate_hz, size_t nbuf)
{
	double want = ceil(bench_s_from_ns(OUT_QUEUE_NS) * rate_hz / (double)buffer_frames);

	return (want > (double)nbuf ? (size_t)want : nbuf) * buffer_frames;
}

int bench_stream_open(struct bench_rig *rig, const struct bench_stream_config *cfg,
		      struct bench_stream **ret_stream)
{
	const struct bench_fixture *fx;
	struct bench_stream *s;
	size_t nbuf, k;
	int r;

	if (!rig || !cfg || !ret_stream || !rig->ctx)
		return -EINVAL;
	fx = rig->fx;
	if ((cfg->output && !rig->dac) || (cfg->cyclic && !cfg->output) ||
	    (!cfg->output && !cfg->capture_mask))
		return -EINVAL;
	if (cfg->capture_mask >> (fx->n_captures < 32 ? fx->n_captures : 31))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rig = rig;
	s->cfg = *cfg;
	/* A new stream starts un-stopped unless a signal asked the bench to stop. */
	if (!bench_safe_pending_signal())
		atomic_store(&rig->stop, false);
	nbuf = cfg->ring_buffers ? cfg->ring_buffers : 8;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	for (k = 0; k < MAX_CAPTURES; k++)
		s->stats.first_ts_ns[k] = -1;
	s->stats.dac_start_ns = -1;
	s->stats.out_min_queued_frames = -1;
	if (cfg->output) {
		r = bench_envelope_new(fx, rig->dac_rate_hz, &s->env);
		if (r < 0)
			goto err_close;
		r = ring_init(&s->out, fx->dac.n_channels * sizeof(int32_t),
			      cfg->cyclic ? fx->dac.buffer_frames :
					    out_ring_frames(fx->dac.buffer_frames, rig->dac_rate_hz,
							    nbuf),
			      false);
		if (r < 0)
			goto err_close;
		s->codes_frames = fx->dac.buffer_frames;
		s->codes = malloc(s->codes_frames * fx->dac.n_channels * sizeof(int32_t));
		s->out_io = calloc(fx->dac.n_channels, sizeof(*s->out_io));
		if (!s->codes || !s->out_io) {
			r = -ENOMEM;
			goto err_close;
		}
		s->stats.ring_bytes += s->out.cap_frames * s->out.frame_bytes;
	}
	for (k = 0; k < fx->n_captures && k < MAX_CAPTURES; k++) {
		struct capture *c;

		if (!(cfg->capture_mask & (1u << k)))
			continue;
		c = &s->cap[s->n_cap++];
		c->s = s;
		c->index = k;
		c->rc = &rig->cap[k];
		c->fc = &fx->captures[k];
		c->width = c->fc->n_channels + (c->rc->event ? 1 : 0);
		c->last_ts = -1;
		c->period_ns = (int64_t)llround(1e9 / c->rc->rate_hz);
		r = ring_init(&c->ring, c->width * sizeof(float), nbuf * c->fc->buffer_frames,
			      true);
		if (r < 0)
			goto err_close;
		c->io = calloc(c->width, sizeof(*c->io));
		c->uv_per_code = calloc(c->width, sizeof(double));
		if (!c->io || !c->uv_per_code) {
			r = -ENOMEM;
			goto err_close;
		}
		s->stats.ring_bytes += c->ring.cap_frames * (c->ring.frame_bytes + 8);
	}
	*ret_stream = s;
	return 0;

err_close:
	bench_stream_close(s);
	return r;
}

static struct capture *find_capture(struct bench_stream *s, size_t index)
{
	size_t i;

	for (i = 0; i < s->n_cap; i++)
		if (s->cap[i].index == index)
			return &s->cap[i];
	return NULL;
}

size_t bench_stream_capture_width(const struct bench_stream *s, size_t index)
{
	size_t i;

	for (i = 0; i < s->n_cap; i++)
		if (s->cap[i].index == index)
			return s->cap[i].width;
	return 0;
}

/* ---- output --------------------------------------------------------------- */

/* Envelope check + code map for a block of at most codes_frames frames, then into the ring. */
static int write_block(struct bench_stream *s, const float *uv, size_t n,
		       struct bench_envelope_violation *reterr)
{
	const struct bench_fixture *fx = s->rig->fx;
	size_t nch = fx->dac.n_channels, f, c, done = 0;
	int r;

	r = bench_envelope_check(s->env, uv, n, reterr);
	if (r < 0)
		return r;
	for (f = 0; f < n; f++)
		for (c = 0; c < nch; c++) {
			r = bench_calib_dac_code(&s->rig->dac_cal[c], uv[f * nch + c],
						 &s->codes[f * nch + c]);
			if (r < 0) {
				/* Inside the envelope but outside the converter: refuse too. */
				if (reterr) {
					memset(reterr, 0, sizeof(*reterr));
					reterr->channel = fx->dac.channels[c].name;
					reterr->channel_index = c;
					reterr->block_frame = f;
					reterr->kind = BENCH_ENVELOPE_ABS;
					reterr->value = uv[f * nch + c];
					reterr->limit = bench_calib_dac_uv(
						&s->rig->dac_cal[c], s->rig->dac_cal[c].code_max);
					reterr->limit_line = fx->dac.channels[c].line;
				}
				return -ERANGE;
			}
		}
	pthread_mutex_lock(&s->lock);
	while (done < n) {
		size_t room, chunk, pos, first;

		while (!halted(s) && ring_used(&s->out) == s->out.cap_frames)
			pthread_cond_wait(&s->changed, &s->lock);
		if (halted(s)) {
			r = s->error ? s->error : -EINTR;
			break;
		}
		room = s->out.cap_frames - ring_used(&s->out);
		chunk = n - done < room ? n - done : room;
		pos = (size_t)(s->out.head % s->out.cap_frames);
		first = s->out.cap_frames - pos < chunk ? s->out.cap_frames - pos : chunk;
		memcpy(s->out.data + pos * s->out.frame_bytes,
		       (uint8_t *)s->codes + done * s->out.frame_bytes, first * s->out.frame_bytes);
		memcpy(s->out.data, (uint8_t *)s->codes + (done + first) * s->out.frame_bytes,
		       (chunk - first) * s->out.frame_bytes);
		s->out.head += chunk;
		done += chunk;
		s->stats.stimulus_frames += chunk;
		pthread_cond_broadcast(&s->changed);
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

int bench_stream_write(struct bench_stream *s, const float *uv, size_t n_frames,
		       struct bench_envelope_violation *reterr)
{
	size_t nch, done = 0;
	int r;

	if (!s || !s->cfg.output || (!uv && n_frames))
		return -EINVAL;
	if (s->out_ended)
		return -EINVAL;
	if (s->error)
		return s->error;
	nch = s->rig->fx->dac.n_channels;
	while (done < n_frames) {
		size_t n = n_frames - done < s->codes_frames ? n_frames - done : s->codes_frames;

		r = write_block(s, uv + done * nch, n, reterr);
		if (r < 0) {
			if (reterr && r == -ERANGE)
				reterr->sample += 0;
			return r;
		}
		done += n;
	}
	return 0;
}

int bench_stream_end_output(struct bench_stream *s)
{
	if (!s)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	s->out_ended = true;
	s->out.ended = true;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/*
 * Where a channel's sample sits in a libiio buffer frame and how to read or
 * write it. iio_buffer_first() walks every channel (O(channels)), so it is
 * called once per channel when the libiio buffer is created (the layout is
 * fixed for its life), never per refill or sample; plain little-endian samples
 * (the common case) are copied directly, anything else goes through
 * iio_channel_convert().
 */

static bool host_is_le(void)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return b == 1;
}

static void chan_io_init(struct chan_io *io, struct iio_channel *ch, struct iio_buffer *buf)
{
	const struct iio_data_format *fmt = iio_channel_get_data_format(ch);

	io->ch = ch;
	io->off = (const uint8_t *)iio_buffer_first(buf, ch) -
		  (const uint8_t *)iio_buffer_start(buf);
	io->length = fmt->length;
	io->is_signed = fmt->is_signed;
	io->direct = host_is_le() && !fmt->is_be && fmt->shift == 0 && fmt->bits == fmt->length &&
		     (fmt->length == 8 || fmt->length == 16 || fmt->length == 32 ||
		      fmt->length == 64) &&
		     fmt->repeat <= 1;
}

static int64_t read_code(const struct chan_io *io, const uint8_t *frame)
{
	const uint8_t *src = frame + io->off;
	uint8_t tmp[8] = { 0 };

	if (!io->direct) {
		iio_channel_convert(io->ch, tmp, src);
		src = tmp;
	}
	switch (io->length) {
	case 8: {
		int8_t v;

		memcpy(&v, src, 1);
		return io->is_signed ? v : (uint8_t)v;
	}
	case 16: {
		int16_t v;

		memcpy(&v, src, 2);
		return io->is_signed ? v : (uint16_t)v;
	}
	case 32: {
		int32_t v;

		memcpy(&v, src, 4);
		return io->is_signed ? (int64_t)v : (int64_t)(uint32_t)v;
	}
	default: {
		int64_t v;

		memcpy(&v, src, 8);
		return v;
	}
	}
}

static void write_code(const struct chan_io *io, uint8_t *frame, int32_t code)
{
	uint8_t *dst = frame + io->off;
	int8_t v8 = (int8_t)code;
	int16_t v16 = (int16_t)code;
	int64_t v64 = code;
	const void *src;
	size_t len;

	switch (io->length) {
	case 8:
		src = &v8;
		len = 1;
		break;
	case 16:
		src = &v16;
		len = 2;
		break;
	case 32:
		src = &code;
		len = 4;
		break;
	default:
		src = &v64;
		len = 8;
		break;
	}
	if (io->direct)
		memcpy(dst, src, len);
	else
		iio_channel_convert_inverse(io->ch, dst, src);
}

/* Writes one frame of codes into the libiio buffer. */
static void put_frame(const struct chan_io *io, size_t nch, uint8_t *frame, const int32_t *codes)
{
	size_t c;

	for (c = 0; c < nch; c++)
		write_code(&io[c], frame, codes ? codes[c] : 0);
}

/*
 * Kernel-side (or iiod-side) buffering: enough device buffers to cover
 * KERNEL_QUEUE_NS of samples (at least 4, the libiio default, at most 64), so
 * a bench thread that the machine does not schedule for a while neither
 * starves the DAC nor overflows a capture. Best effort: a device that refuses
 * keeps its default. Called before the buffer is created.
 */
#define KERNEL_QUEUE_NS (500 * BENCH_NS_PER_MS)

static void set_kernel_buffers(struct iio_device *dev, size_t frames, double rate_hz)
{
	double want = bench_s_from_ns(KERNEL_QUEUE_NS) * rate_hz / (double)frames;
	unsigned n = want > 64 ? 64 : want < 4 ? 4 : (unsigned)ceil(want);
	int r = iio_device_set_kernel_buffers_count(dev, n);

	if (r < 0)
		bench_log(BENCH_LOG_DEBUG, "hw", "%s: kernel buffers count %u refused (%d)",
			  iio_device_get_name(dev) ? iio_device_get_name(dev) : "?", n, r);
}

/*
 * cfg.rt_priority: every thread that moves stream data runs under SCHED_RR, the DAC output
 * thread above the others, so a loaded machine delays none of them behind ordinary work.
 * Needs CAP_SYS_NICE or an RLIMIT_RTPRIO; without it the thread stays at normal priority
 * and the stream logs that once. The threads block on I/O and condition variables between
 * buffers, and the kernel's RT throttling (sched_rt_runtime_us) bounds them anyway.
 */
#define RT_PRIO_OUTPUT 2
#define RT_PRIO_DATA 1

static void rt_enter(struct bench_stream *s, int prio, const char *who)
{
	struct sched_param sp = { .sched_priority = prio };
	int r;

	if (!s->cfg.rt_priority)
		return;
	r = pthread_setschedparam(pthread_self(), SCHED_RR, &sp);
	if (r == 0)
		return;
	pthread_mutex_lock(&s->lock);
	if (!s->rt_refused)
		bench_log(BENCH_LOG_WARNING, "hw",
			  "realtime priority refused (%s): %s and the other stream threads run at "
			  "normal priority",
			  strerror(r), who);
	s->rt_refused = true;
	pthread_mutex_unlock(&s->lock);
}

static void *output_thread(void *arg)
{
	struct bench_stream *s = arg;
	struct bench_rig *rig = s->rig;
	const struct bench_fixture *fx = rig->fx;
	size_t frames = fx->dac.buffer_frames, nch = fx->dac.n_channels, f;
	int64_t period_ns = bench_ns_from_frames(frames, rig->dac_rate_hz);
	int64_t t_push, t_done, t_prev_done = 0;
	struct iio_buffer *buf;
	struct chan_io *io;
	ssize_t pushed;
	uint8_t *start;
	ptrdiff_t step;
	int r = 0;

	rt_enter(s, RT_PRIO_OUTPUT, "the DAC output thread");
	for (f = 0; f < nch; f++)
		iio_channel_enable(rig->dac_ch[f]);
	if (!s->cfg.cyclic)
		set_kernel_buffers(rig->dac, frames, rig->dac_rate_hz);
	errno = 0;
	buf = iio_device_create_buffer(rig->dac, frames, s->cfg.cyclic);
	if (!buf) {
		set_error(s, errno ? -errno : -EIO, fx->dac.device);
		atomic_store(&rig->out_live, false);
		pthread_mutex_lock(&s->lock);
		s->out_exited = true;
		pthread_cond_broadcast(&s->changed);
		pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	pthread_mutex_lock(&rig->out_lock);
	rig->out_buf = buf;
	pthread_mutex_unlock(&rig->out_lock);
	/* The frame layout is fixed for the buffer's life. */
	io = s->out_io;
	for (f = 0; f < nch; f++)
		chan_io_init(&io[f], rig->dac_ch[f], buf);
	step = iio_buffer_step(buf);

	for (;;) {
		size_t got = 0;

		pthread_mutex_lock(&s->lock);
		if (s->out_finish && s->out.ended && ring_used(&s->out) == 0) {
			pthread_mutex_unlock(&s->lock);
			break; /* drain_output(): close the DAC now */
		}
		/* Wait for a whole buffer, or the end of stimulus. */
		if (s->out.ended && ring_used(&s->out) == 0 && s->pad_max_frames &&
		    s->padded >= s->pad_max_frames) {
			/*
			 * Enough 0 uV after the stimulus: close the DAC now rather than leave
			 * it open with nothing more to play. An open realtime DAC that runs dry
			 * counts an underflow (the trial would be ERROR) if the run loop is
			 * slow to notice the end; a closed one plays out what it holds and
			 * then outputs 0 V (docs/sim.md), and the captures run on.
			 */
			pthread_mutex_unlock(&s->lock);
			break;
		} else if (!s->cfg.cyclic || s->stats.frames_out == 0) {
			struct timespec dl = deadline_in(
				s->cfg.underflow_is_error ? period_ns : BENCH_NS_PER_S);

			/* How close the feeding loop came to starving the DAC (stats). */
			if (!s->out.ended && s->stats.frames_out > 0) {
				int64_t q = (int64_t)ring_used(&s->out);

				if (s->stats.out_min_queued_frames < 0 ||
				    q < s->stats.out_min_queued_frames)
					s->stats.out_min_queued_frames = q;
				if ((size_t)q < frames)
					s->stats.out_short_waits++;
			}

			while (!halted(s) && ring_used(&s->out) < frames && !s->out.ended) {
				if (pthread_cond_timedwait(&s->changed, &s->lock, &dl) ==
				    ETIMEDOUT) {
					if (s->cfg.underflow_is_error)
						break;
					dl = deadline_in(BENCH_NS_PER_S);
				}
			}
		} else {
			/* Cyclic: the waveform plays on its own; wait for the stop. */
			while (!halted(s))
				pthread_cond_wait(&s->changed, &s->lock);
		}
		if (halted(s)) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		if (ring_used(&s->out) < frames && !s->out.ended) {
			s->stats.underflows++;
			pthread_mutex_unlock(&s->lock);
			r = -ENODATA;
			break;
		}
		start = iio_buffer_start(buf);
		for (f = 0; f < frames; f++) {
			if (ring_used(&s->out) > 0) {
				size_t pos = (size_t)(s->out.tail % s->out.cap_frames);

				put_frame(io, nch, start + (ptrdiff_t)f * step,
					  (const int32_t *)(s->out.data +
							    pos * s->out.frame_bytes));
				s->out.tail++;
				got++;
			} else {
				/* After the stimulus: 0 uV is code 0 on every channel. */
				s->padded++;
				put_frame(io, nch, start + (ptrdiff_t)f * step, NULL);
			}
		}
		pthread_cond_broadcast(&s->changed);
		pthread_mutex_unlock(&s->lock);
		(void)got;
		t_push = bench_clock_now_ns();
		pushed = iio_buffer_push(buf);
		if (pushed < 0) {
			if (!halted(s))
				r = (int)pushed;
			break;
		}
		t_done = bench_clock_now_ns();
		pthread_mutex_lock(&s->lock);
		/* Diagnostics: a push held past the device's queue, or a thread not scheduled. */
		if (s->stats.frames_out > 0) {
			if (t_done - t_push > s->stats.out_push_max_ns)
				s->stats.out_push_max_ns = t_done - t_push;
			if (t_push - t_prev_done > s->stats.out_between_max_ns)
				s->stats.out_between_max_ns = t_push - t_prev_done;
		}
		t_prev_done = t_done;
		s->stats.frames_out += frames;
		if (!s->go) {
			s->go = true;
			pthread_cond_broadcast(&s->changed);
		}
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_lock(&rig->out_lock);
	rig->out_buf = NULL;
	pthread_mutex_unlock(&rig->out_lock);
	/* Destroying the buffer closes its connection: the server stops the DAC. */
	iio_buffer_destroy(buf);
	atomic_store(&rig->out_live, false);
	if (r < 0)
		set_error(s, r, fx->dac.device);
	pthread_mutex_lock(&s->lock);
	s->out_exited = true;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- capture --------------------------------------------------------------- */

/*
 * The common layout of a multichannel capture: every channel a plain
 * little-endian s16 (no shift), channel k right after channel k-1. Then a
 * frame converts in one tight loop the compiler vectorises, with the same
 * arithmetic as bench_calib_adc_uv() (code x uV-per-code in double, then
 * rounded to float once), so the result is bit-identical to the general path.
 */
static bool packed_s16(const struct chan_io *io, size_t nch)
{
	size_t k;

	for (k = 0; k < nch; k++)
		if (!io[k].direct || io[k].length != 16 || !io[k].is_signed ||
		    io[k].off != io[0].off + (ptrdiff_t)(2 * k))
			return false;
	return nch > 0;
}

/*
 * Built twice where the compiler can (x86-64: AVX2 and baseline, picked at load time): the
 * same IEEE operations in wider vectors, so the result is the same bit for bit; at 256
 * channels x 30 kS/s this loop is most of the capture thread's CPU.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define BENCH_CONVERT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BENCH_CONVERT_CLONES
#endif

BENCH_CONVERT_CLONES
static void convert_s16(const uint8_t *src, const double *uv_per_code, size_t nch, float *dst)
{
	size_t k;

	for (k = 0; k < nch; k++) {
		int16_t v;

		memcpy(&v, src + 2 * k, 2);
		dst[k] = (float)((double)v * uv_per_code[k]);
	}
}

/* Frames missing between the last timestamp and @ts (> last): periods spanned - 1. */
static uint64_t frames_lost(const struct capture *c, int64_t ts)
{
	double periods = (double)(ts - c->last_ts) * c->rc->rate_hz / 1e9;

	return periods > 1.5 ? (uint64_t)llround(periods) - 1 : 0;
}

/*
 * Converts frame @f of the libiio buffer into ring slot @slot: uV per channel, the event
 * code, the timestamp; checks the timestamp against the previous frame's. Returns 0, or
 * -EBADMSG for a gap the stream does not measure (the frame is then not stored).
 */
static int convert_frame(struct capture *c, const uint8_t *frame, bool packed, size_t slot,
			 uint64_t *gaps, uint64_t *lost)
{
	struct bench_rig_capture *rc = c->rc;
	size_t nch = c->fc->n_channels, k;
	float *dst = (float *)(void *)(c->ring.data + slot * c->ring.frame_bytes);
	int64_t ts = -1;

	if (rc->ts) {
		ts = read_code(&c->io_ts, frame);
		/* Samples lost between buffers or inside one: the clock jumped. */
		if (c->last_ts >= 0 &&
		    (ts - c->last_ts > c->period_ns * 3 / 2 || ts <= c->last_ts)) {
			(*gaps)++;
			if (!c->s->cfg.measure_gaps || ts <= c->last_ts)
				return -EBADMSG;
			*lost += frames_lost(c, ts);
		}
		c->last_ts = ts;
	}
	if (packed)
		convert_s16(frame + c->io[0].off, c->uv_per_code, nch, dst);
	else
		for (k = 0; k < nch; k++)
			dst[k] = (float)bench_calib_adc_uv(&rc->cal[k],
							   read_code(&c->io[k], frame));
	if (rc->event) {
		/* Bit-for-bit: see bench_stream_event_code(). */
		uint32_t code = (uint32_t)read_code(&c->io[nch], frame);

		memcpy(&dst[nch], &code, sizeof(code));
	}
	c->ring.ts[slot] = ts;
	return 0;
}

static void *capture_thread(void *arg)
{
	struct capture *c = arg;
	struct bench_stream *s = c->s;
	struct bench_rig_capture *rc = c->rc;
	const struct bench_fixture_capture *fc = c->fc;
	size_t nch = fc->n_channels, n, f, k;
	uint64_t gaps = 0, lost = 0;
	ptrdiff_t step;
	ssize_t got;
	bool packed;
	int r = 0;

	rt_enter(s, RT_PRIO_DATA, "a capture thread");
	for (k = 0; k < nch; k++) {
		iio_channel_enable(rc->ch[k]);
		c->uv_per_code[k] = rc->cal[k].uv_per_code;
	}
	if (rc->ts)
		iio_channel_enable(rc->ts);
	if (rc->event)
		iio_channel_enable(rc->event);
	set_kernel_buffers(rc->dev, fc->buffer_frames, rc->rate_hz);
	errno = 0;
	pthread_mutex_lock(&s->lock);
	c->buf = iio_device_create_buffer(rc->dev, fc->buffer_frames, false);
	pthread_mutex_unlock(&s->lock);
	if (!c->buf) {
		set_error(s, errno ? -errno : -EIO, fc->device);
		pthread_mutex_lock(&s->lock);
		c->exited = true;
		c->ring.ended = true;
		pthread_cond_broadcast(&s->changed);
		pthread_mutex_unlock(&s->lock);
		return NULL;
	}
	/*
	 * Where each channel sits in a frame: fixed for the buffer's life, so found once
	 * (iio_buffer_first() walks every channel: once per channel per refill was O(ch^2),
	 * a third of the capture CPU at 256 channels).
	 */
	for (k = 0; k < nch; k++)
		chan_io_init(&c->io[k], rc->ch[k], c->buf);
	if (rc->event)
		chan_io_init(&c->io[nch], rc->event, c->buf);
	if (rc->ts)
		chan_io_init(&c->io_ts, rc->ts, c->buf);
	packed = packed_s16(c->io, nch);
	step = iio_buffer_step(c->buf);
	/* Tell start() this capture is open, then wait until the DAC has its first block. */
	pthread_mutex_lock(&s->lock);
	s->n_opened++;
	pthread_cond_broadcast(&s->changed);
	while (!s->go && !halted(s))
		pthread_cond_wait(&s->changed, &s->lock);
	pthread_mutex_unlock(&s->lock);
	while (!halted(s) && r == 0) {
		const uint8_t *start;

		got = iio_buffer_refill(c->buf);
		if (got < 0) {
			if (!halted(s))
				r = (int)got;
			break;
		}
		n = step > 0 ? (size_t)got / (size_t)step : 0;
		if (n > fc->buffer_frames)
			n = fc->buffer_frames;
		start = iio_buffer_start(c->buf);
		/*
		 * Straight into the ring: the reader only touches frames in [tail, head), so the
		 * free slots after head are converted into outside the lock and published after.
		 * When the ring is full, wait for the reader (backpressure).
		 */
		for (f = 0; f < n && r == 0;) {
			size_t room, pos, run, done;

			pthread_mutex_lock(&s->lock);
			while (!halted(s) && ring_used(&c->ring) == c->ring.cap_frames) {
				s->stats.ring_full_waits++;
				pthread_cond_wait(&s->changed, &s->lock);
			}
			room = c->ring.cap_frames - ring_used(&c->ring);
			pos = (size_t)(c->ring.head % c->ring.cap_frames);
			pthread_mutex_unlock(&s->lock);
			if (halted(s))
				break;
			run = n - f;
			if (run > room)
				run = room;
			if (run > c->ring.cap_frames - pos)
				run = c->ring.cap_frames - pos;
			for (done = 0; done < run; done++) {
				r = convert_frame(c, start + (ptrdiff_t)(f + done) * step, packed,
						  pos + done, &gaps, &lost);
				if (r < 0)
					break;
			}
			pthread_mutex_lock(&s->lock);
			if (done && rc->ts && c->index < 8 && s->stats.first_ts_ns[c->index] < 0)
				s->stats.first_ts_ns[c->index] = c->ring.ts[pos];
			c->ring.head += done;
			s->stats.gaps += gaps;
			if (c->index < 8) {
				s->stats.frames_in[c->index] += done;
				s->stats.lost_frames[c->index] += lost;
			}
			gaps = lost = 0;
			pthread_cond_broadcast(&s->changed);
			pthread_mutex_unlock(&s->lock);
			f += done;
		}
	}
	if (r < 0)
		set_error(s, r, fc->device);
	pthread_mutex_lock(&s->lock);
	c->ring.ended = true;
	c->exited = true;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int bench_stream_read(struct bench_stream *s, size_t index, float *uv, int64_t *ts_ns,
		      size_t max_frames, int64_t timeout_ns, size_t *ret_frames)
{
	struct capture *c;
	struct timespec dl;
	size_t n, f;
	int r = 0;

	if (!s || !uv || !ret_frames || !max_frames)
		return -EINVAL;
	c = find_capture(s, index);
	if (!c)
		return -EINVAL;
	dl = deadline_in(timeout_ns);
	pthread_mutex_lock(&s->lock);
	while (ring_used(&c->ring) == 0 && !halted(s) && !c->ring.ended) {
		if (pthread_cond_timedwait(&s->changed, &s->lock, &dl) == ETIMEDOUT)
			break;
	}
	n = ring_used(&c->ring);
	if (n == 0) {
		if (s->error)
			r = s->error;
		else if (halted(s) || c->ring.ended)
			r = -EINTR;
		else
			r = -ETIMEDOUT;
		pthread_mutex_unlock(&s->lock);
		return r;
	}
	if (n > max_frames)
		n = max_frames;
	/* At most two contiguous runs of the ring. */
	for (f = 0; f < n;) {
		size_t pos = (size_t)((c->ring.tail + f) % c->ring.cap_frames);
		size_t run = c->ring.cap_frames - pos < n - f ? c->ring.cap_frames - pos : n - f;

		memcpy(uv + f * c->width, c->ring.data + pos * c->ring.frame_bytes,
		       run * c->ring.frame_bytes);
		if (ts_ns)
			memcpy(ts_ns + f, c->ring.ts + pos, run * sizeof(int64_t));
		f += run;
	}
	c->ring.tail += n;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	*ret_frames = n;
	return 0;
}

/*
 * Device-side counters: a DAC that exposes an `underflows` debug attribute and
 * capture devices with `overflows` (the emulated rig; iiod-backed rigs whose
 * drivers count) are read at start and stop. Any increase is an error naming
 * the device: samples were lost where the bench could not see it.
 */
static long long read_counter(struct iio_device *dev, const char *attr)
{
	long long v = -1;

	if (!dev || !iio_device_find_debug_attr(dev, attr))
		return -1;
	if (iio_device_debug_attr_read_longlong(dev, attr, &v) < 0)
		return -1;
	return v;
}

static void read_counters(struct bench_stream *s, long long *dac, long long *cap)
{
	size_t i;

	*dac = s->cfg.output ? read_counter(s->rig->dac, "underflows") : -1;
	for (i = 0; i < s->n_cap; i++)
		cap[i] = read_counter(s->cap[i].rc->dev, "overflows");
}

static void check_counters(struct bench_stream *s)
{
	long long dac, cap[MAX_CAPTURES], start = -1;
	size_t i;

	read_counters(s, &dac, cap);
	if (s->cfg.output && s->stats.frames_out > 0 && s->rig->dac &&
	    iio_device_find_debug_attr(s->rig->dac, "start_ns") &&
	    iio_device_debug_attr_read_longlong(s->rig->dac, "start_ns", &start) == 0) {
		pthread_mutex_lock(&s->lock);
		s->stats.dac_start_ns = start;
		pthread_mutex_unlock(&s->lock);
	}
	if (dac >= 0 && s->dac_underflows0 >= 0 && dac > s->dac_underflows0) {
		pthread_mutex_lock(&s->lock);
		s->stats.underflows += (uint64_t)(dac - s->dac_underflows0);
		pthread_mutex_unlock(&s->lock);
		set_error(s, -ENODATA, s->rig->fx->dac.device);
	}
	for (i = 0; i < s->n_cap; i++)
		if (cap[i] >= 0 && s->cap_overflows0[i] >= 0 && cap[i] > s->cap_overflows0[i]) {
			pthread_mutex_lock(&s->lock);
			s->stats.overflows += (uint64_t)(cap[i] - s->cap_overflows0[i]);
			pthread_mutex_unlock(&s->lock);
			set_error(s, -EOVERFLOW, s->cap[i].fc->device);
		}
}

int bench_stream_start(struct bench_stream *s)
{
	size_t i;
	int r;

	if (!s || s->started)
		return -EINVAL;
	if (bench_safe_pending_signal())
		return -EINTR;
	atomic_store(&s->rig->stop, false);
	read_counters(s, &s->dac_underflows0, s->cap_overflows0);
	s->started = true;
	s->go = !s->cfg.output;
	/* Captures first: they must be open before the stimulus they should see. */
	for (i = 0; i < s->n_cap; i++) {
		r = pthread_create(&s->cap[i].thread, NULL, capture_thread, &s->cap[i]);
		if (r) {
			bench_stream_stop(s);
			return -r;
		}
		s->cap[i].running = true;
	}
	pthread_mutex_lock(&s->lock);
	while (s->n_opened < s->n_cap && !halted(s))
		pthread_cond_wait(&s->changed, &s->lock);
	r = s->error;
	pthread_mutex_unlock(&s->lock);
	if (r < 0) {
		bench_stream_stop(s);
		return r;
	}
	if (s->cfg.output) {
		atomic_store(&s->rig->out_live, true);
		r = pthread_create(&s->out_thread, NULL, output_thread, s);
		if (r) {
			atomic_store(&s->rig->out_live, false);
			bench_stream_stop(s);
			return -r;
		}
		s->out_running = true;
	}
	bench_log(BENCH_LOG_INFO, "hw", "stream started: %s%zu capture(s)",
		  s->cfg.output ? "output + " : "", s->n_cap);
	return 0;
}

/* All threads left their loops (lock held). */
static bool all_exited(const struct bench_stream *s)
{
	size_t i;

	if (s->out_running && !s->out_exited)
		return false;
	for (i = 0; i < s->n_cap; i++)
		if (s->cap[i].running && !s->cap[i].exited)
			return false;
	return true;
}

int bench_stream_stop(struct bench_stream *s)
{
	struct timespec dl;
	size_t i;

	if (!s)
		return -EINVAL;
	/*
	 * Ask the threads to finish their current transfer and leave, so the buffers
	 * close cleanly (CLOSE on the wire); cancel only what has not left after
	 * 500 ms (a stalled or vanished server).
	 */
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->changed);
	/*
	 * (rteff, issue 10) Once the output is done (or there is none), nothing the captures
	 * would still deliver is wanted: cancel their transfers now rather than wait for the
	 * current one, which cost up to one capture buffer of wall time per stream (100 ms for
	 * 100 frames at 1 kS/s). Their connections then close without CLOSE on the wire;
	 * iiod and the emulated rig free a buffer when its connection closes.
	 */
	if (!s->out_running || s->out_exited)
		for (i = 0; i < s->n_cap; i++)
			if (s->cap[i].buf && !s->cap[i].exited)
				iio_buffer_cancel(s->cap[i].buf);
	dl = deadline_in(500 * BENCH_NS_PER_MS);
	while (!all_exited(s))
		if (pthread_cond_timedwait(&s->changed, &s->lock, &dl) == ETIMEDOUT)
			break;
	for (i = 0; i < s->n_cap; i++)
		if (s->cap[i].buf && !s->cap[i].exited)
			iio_buffer_cancel(s->cap[i].buf);
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&s->rig->out_lock);
	if (s->rig->out_buf)
		iio_buffer_cancel(s->rig->out_buf);
	pthread_mutex_unlock(&s->rig->out_lock);
	if (s->out_running) {
		pthread_join(s->out_thread, NULL);
		s->out_running = false;
	}
	for (i = 0; i < s->n_cap; i++) {
		if (s->cap[i].running) {
			pthread_join(s->cap[i].thread, NULL);
			s->cap[i].running = false;
		}
		if (s->cap[i].buf) {
			iio_buffer_destroy(s->cap[i].buf);
			s->cap[i].buf = NULL;
		}
	}
	if (s->started && !s->counters_checked) {
		s->counters_checked = true;
		check_counters(s);
	}
	return s->error;
}

int bench_stream_error(const struct bench_stream *s, const char **ret_device)
{
	if (ret_device)
		*ret_device = s->error_device;
	return s->error;
}

void bench_stream_get_stats(struct bench_stream *s, struct bench_stream_stats *ret_stats)
{
	pthread_mutex_lock(&s->lock);
	*ret_stats = s->stats;
	pthread_mutex_unlock(&s->lock);
}

void bench_stream_close(struct bench_stream *s)
{
	size_t i;

	if (!s)
		return;
	if (s->started)
		bench_stream_stop(s);
	for (i = 0; i < s->n_cap; i++) {
		free(s->cap[i].ring.data);
		free(s->cap[i].ring.ts);
		free(s->cap[i].io);
		free(s->cap[i].uv_per_code);
	}
	free(s->out.data);
	free(s->out_io);
	free(s->codes);
	bench_envelope_free(s->env);
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

size_t bench_stream_out_room(struct bench_stream *s)
{
	size_t room;

	if (!s || !s->cfg.output)
		return 0;
	pthread_mutex_lock(&s->lock);
	room = s->out.cap_frames - ring_used(&s->out);
	pthread_mutex_unlock(&s->lock);
	return room;
}

/*
 * After the captures have what they need: close the DAC once its ring is pushed, then read
 * the captures on (discarding the frames) until their clock has passed the last DAC frame
 * pushed. A rig that plays its queue out after the DAC buffer closes (the emulated rig,
 * docs/sim.md) would otherwise play that leftover (zero padding, or stimulus the captures
 * stopped short of) at the start of the next stream, so the next stimulus would start
 * late against its capture, and the stimulus window of that capture would hold neither
 * only stimulus nor all of it. A capture's first frame is the DAC's first frame (captures
 * open before the DAC and read only after its first push), so frame counts suffice.
 * Gives up after 2 s without a frame (a rig whose captures stop with the DAC).
 */
static int drain_output(struct bench_stream *s, float *cap, size_t max_frames)
{
	int64_t idle_since = bench_clock_now_ns();
	uint64_t frames_out, in[MAX_CAPTURES] = { 0 };
	size_t i, n;
	int r;

	pthread_mutex_lock(&s->lock);
	s->out_finish = true;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
	if (s->out_running) {
		pthread_join(s->out_thread, NULL);
		s->out_running = false;
	}
	pthread_mutex_lock(&s->lock);
	frames_out = s->stats.frames_out;
	r = s->error;
	pthread_mutex_unlock(&s->lock);
	if (r < 0)
		return r;
	for (;;) {
		bool progress = false;

		/* Frames each capture thread took from the device so far (read or not). */
		pthread_mutex_lock(&s->lock);
		for (i = 0; i < s->n_cap; i++)
			in[i] = s->cap[i].index < 8 ?
					s->stats.frames_in[s->cap[i].index] +
						s->stats.lost_frames[s->cap[i].index] :
					0;
		pthread_mutex_unlock(&s->lock);
		for (i = 0; i < s->n_cap; i++) {
			const struct capture *c = &s->cap[i];
			double ratio = c->rc->rate_hz / s->rig->dac_rate_hz;

			if ((double)in[i] >= ceil((double)frames_out * ratio))
				return 0;
		}
		for (i = 0; i < s->n_cap; i++) {
			n = 0;
			r = bench_stream_read(s, s->cap[i].index, cap, NULL, max_frames,
					      20 * BENCH_NS_PER_MS, &n);
			if (r == -ETIMEDOUT)
				continue;
			if (r < 0)
				return r;
			progress |= n > 0;
		}
		if (progress)
			idle_since = bench_clock_now_ns();
		else if (bench_clock_now_ns() - idle_since > 2 * BENCH_NS_PER_S)
			return 0;
		if (bench_safe_pending_signal() || atomic_load(&s->rig->stop))
			return -EINTR;
	}
}

/*
 * With measured gaps, a capture's length is time, not a frame count: @n frames just read
 * (device timestamps @ts) end at frame position (ts - ts of the capture's first frame) x
 * rate + 1, lost frames included. Once @stim_done, frames past @want are dropped and the
 * capture is complete. Updates *@ts0 (first timestamp) and *@pos; returns the frames kept.
 */
static size_t clip_by_time(const struct capture *c, const int64_t *ts, size_t n, bool stim_done,
			   uint64_t want, int64_t *ts0, uint64_t *pos)
{
	double per_ns = c->rc->rate_hz / 1e9;
	size_t keep = n;

	if (*ts0 < 0)
		*ts0 = ts[0];
	if (stim_done)
		for (keep = 0; keep < n; keep++)
			if ((uint64_t)llround((double)(ts[keep] - *ts0) * per_ns) + 1 > want)
				break;
	if (keep)
		*pos = (uint64_t)llround((double)(ts[keep - 1] - *ts0) * per_ns) + 1;
	if (keep < n && *pos < want)
		*pos = want; /* the next frame is past the end: a gap spans it */
	return keep;
}

int bench_stream_run(struct bench_stream *s, bench_stream_fill_fn fill, void *fill_ctx,
		     bench_stream_sink_fn sink, void *sink_ctx, int64_t tail_ns,
		     struct bench_envelope_violation *reterr, struct bench_stream_run_result *ret)
{
	const struct bench_fixture *fx;
	size_t nch = 0, block = 0, i, max_width = 0, max_frames = 0;
	float *stim = NULL, *cap = NULL;
	int64_t *ts = NULL;
	uint64_t want[MAX_CAPTURES] = { 0 }, got[MAX_CAPTURES] = { 0 }, stim_frames = 0;
	uint64_t pos[MAX_CAPTURES] = { 0 }; /* frames of capture time delivered, lost included */
	int64_t ts0[MAX_CAPTURES] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	struct sched_param sched0;
	bool rt_restore = false;
	int policy0;
	bool stim_done = !fill;
	int r = 0, rs;

	if (!s || s->started || tail_ns < 0 || (fill && !s->cfg.output))
		return -EINVAL;
	fx = s->rig->fx;
	if (s->cfg.output) {
		nch = fx->dac.n_channels;
		block = fx->dac.buffer_frames;
		stim = malloc(block * nch * sizeof(float));
		if (!stim)
			return -ENOMEM;
	}
	for (i = 0; i < s->n_cap; i++) {
		if (s->cap[i].width > max_width)
			max_width = s->cap[i].width;
		if (s->cap[i].fc->buffer_frames > max_frames)
			max_frames = s->cap[i].fc->buffer_frames;
	}
	if (s->n_cap) {
		cap = malloc(max_frames * max_width * sizeof(float));
		ts = malloc(max_frames * sizeof(int64_t));
		if (!cap || !ts) {
			r = -ENOMEM;
			goto out_free;
		}
	}
	/* Pre-fill the output ring before the DAC starts, so it never starts empty. */
	while (!stim_done && bench_stream_out_room(s) >= block) {
		size_t n = 0;

		r = fill(fill_ctx, stim, block, &n);
		if (r < 0)
			goto out_free;
		if (n == 0) {
			stim_done = true;
			break;
		}
		r = bench_stream_write(s, stim, n, reterr);
		if (r < 0)
			goto out_free;
		stim_frames += n;
	}
	if (stim_done && s->cfg.output)
		bench_stream_end_output(s);
	/* Pad the tail (and one buffer) with 0 uV, no more: the rest of the queue would only
	 * delay the next run on a rig that drains its queue (docs/sim.md). */
	if (s->cfg.output)
		s->pad_max_frames = (uint64_t)llround(bench_s_from_ns(tail_ns) *
						      s->rig->dac_rate_hz) +
				    block;
	/* This loop feeds the output ring and drains the captures: realtime too, if asked. */
	if (s->cfg.rt_priority && pthread_getschedparam(pthread_self(), &policy0, &sched0) == 0) {
		rt_enter(s, RT_PRIO_DATA, "the stream's run loop");
		rt_restore = true;
	}
	r = bench_stream_start(s);
	if (r < 0)
		goto out_stop;

	for (;;) {
		bool wrote = false, all_done = stim_done;

		if (bench_safe_pending_signal() || atomic_load(&s->rig->stop)) {
			r = -EINTR;
			break;
		}
		while (!stim_done && bench_stream_out_room(s) >= block) {
			size_t n = 0;

			r = fill(fill_ctx, stim, block, &n);
			if (r < 0)
				goto out_stop;
			if (n == 0) {
				stim_done = true;
				bench_stream_end_output(s);
				break;
			}
			r = bench_stream_write(s, stim, n, reterr);
			if (r < 0)
				goto out_stop;
			stim_frames += n;
			wrote = true;
		}
		for (i = 0; i < s->n_cap; i++) {
			struct capture *c = &s->cap[i];
			double ratio = s->cfg.output ? c->rc->rate_hz / s->rig->dac_rate_hz : 0;
			size_t n = 0;

			want[i] = (uint64_t)llround((double)stim_frames * ratio) +
				  (uint64_t)llround(bench_s_from_ns(tail_ns) * c->rc->rate_hz);
			if (pos[i] >= want[i] && stim_done)
				continue;
			rs = bench_stream_read(s, c->index, cap, ts, max_frames,
					       wrote ? 0 : 20 * BENCH_NS_PER_MS, &n);
			if (rs == -ETIMEDOUT)
				continue;
			if (rs < 0) {
				r = rs;
				goto out_stop;
			}
			if (s->cfg.measure_gaps && n && ts[0] >= 0) {
				n = clip_by_time(c, ts, n, stim_done, want[i], &ts0[i], &pos[i]);
			} else {
				if (stim_done && pos[i] + n > want[i])
					n = (size_t)(want[i] - pos[i]);
				pos[i] += n;
			}
			if (sink && n) {
				r = sink(sink_ctx, c->index, cap, ts, n);
				if (r < 0)
					goto out_stop;
			}
			got[i] += n;
		}
		for (i = 0; i < s->n_cap; i++)
			if (pos[i] < want[i])
				all_done = false;
		if (!s->n_cap && stim_done) {
			/* Output only: wait until the DAC took the whole stimulus. */
			pthread_mutex_lock(&s->lock);
			all_done = ring_used(&s->out) == 0 || s->error;
			if (!all_done) {
				struct timespec dl = deadline_in(20 * BENCH_NS_PER_MS);

				pthread_cond_timedwait(&s->changed, &s->lock, &dl);
			}
			pthread_mutex_unlock(&s->lock);
		}
		if (all_done)
			break;
		if (s->error) {
			r = s->error;
			break;
		}
	}
	if (r == 0 && s->cfg.output && !s->cfg.cyclic && s->n_cap)
		r = drain_output(s, cap, max_frames);

out_stop:
	rs = bench_stream_stop(s);
	if (r == 0)
		r = rs;
	if (rt_restore)
		pthread_setschedparam(pthread_self(), policy0, &sched0);
out_free:
	if (ret) {
		memset(ret, 0, sizeof(*ret));
		ret->stimulus_frames = stim_frames;
		for (i = 0; i < s->n_cap && i < MAX_CAPTURES; i++)
			ret->captured_frames[s->cap[i].index] = got[i];
		bench_stream_get_stats(s, &ret->stats);
		ret->error_device = s->error_device;
	}
	free(stim);
	free(cap);
	free(ts);
	return r;
}

int bench_stream_preflight(struct bench_rig *rig, bench_stream_fill_fn fill, void *fill_ctx,
			   struct bench_envelope_violation *reterr)
{
	const struct bench_fixture *fx;
	struct bench_envelope *env = NULL;
	size_t nch, block, n, f, c;
	float *uv;
	int32_t code;
	int r;

	if (!rig || !fill || !rig->dac)
		return -EINVAL;
	fx = rig->fx;
	nch = fx->dac.n_channels;
	block = fx->dac.buffer_frames;
	r = bench_envelope_new(fx, rig->dac_rate_hz, &env);
	if (r < 0)
		return r;
	uv = malloc(block * nch * sizeof(float));
	if (!uv) {
		bench_envelope_free(env);
		return -ENOMEM;
	}
	for (;;) {
		r = fill(fill_ctx, uv, block, &n);
		if (r < 0 || n == 0)
			break;
		r = bench_envelope_check(env, uv, n, reterr);
		if (r < 0)
			break;
		for (f = 0; f < n && r == 0; f++)
			for (c = 0; c < nch && r == 0; c++)
				r = bench_calib_dac_code(&rig->dac_cal[c], uv[f * nch + c], &code);
		if (r < 0) {
			if (reterr) {
				memset(reterr, 0, sizeof(*reterr));
				reterr->channel = fx->dac.channels[c - 1].name;
				reterr->channel_index = c - 1;
				reterr->block_frame = f - 1;
				reterr->kind = BENCH_ENVELOPE_ABS;
				reterr->value = uv[(f - 1) * nch + c - 1];
				reterr->limit = bench_calib_dac_uv(&rig->dac_cal[c - 1],
								   rig->dac_cal[c - 1].code_max);
				reterr->limit_line = fx->dac.channels[c - 1].line;
			}
			break;
		}
	}
	free(uv);
	bench_envelope_free(env);
	return r;
}
