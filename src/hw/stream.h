/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The streaming engine: stimulus out through the rig's DAC and capture in
 * from its capture devices, continuously and in constant memory.
 *
 * One output thread pushes libiio buffers from a ring of DAC codes; one
 * capture thread per capture device refills libiio buffers into a ring of
 * microvolt frames (+ device timestamps). The caller writes stimulus with
 * bench_stream_write() (every block passes the safety envelope and the code
 * map of calib.h first; a refused block is not queued at all) and reads
 * captures with bench_stream_read(). Memory is fixed at open: the rings
 * never grow, so a stream can run for hours. The output ring holds at least
 * 1 s of stimulus (ring_buffers device buffers if that is more), which
 * bench_stream_run() fills before the DAC starts.
 *
 * Anything that would make the data untrustworthy stops the stream with an
 * error naming the device: output underflow (the stimulus was not supplied
 * in time; -ENODATA, also when the DAC's `underflows` debug counter grew),
 * a capture device's `overflows` counter that grew (-EOVERFLOW), a gap in a
 * device's timestamps (samples lost; -EBADMSG), a timeout (libiio 0.24 reports
 * it as EPIPE), a disconnect or any other I/O error. The error
 * is returned by the next write/read and by bench_stream_stop(); the trial is
 * then ERROR, never PASS.
 *
 * One exception, asked for by the caller: with measure_gaps, a forward jump in
 * a capture's timestamps is the DUT's loss, to be measured (catalogue A13, D3):
 * the stream keeps the intact frames with their timestamps, counts the gap and
 * the frames it spans (stats.gaps, stats.lost_frames) and goes on. Timestamps
 * that go backwards or repeat stay -EBADMSG (the clock cannot be trusted), and
 * every bench-side loss above stays an error. On a rig whose capture device has
 * no `overflows` counter, samples the device dropped because the bench read too
 * late would look like the DUT's gaps; the bench's own rings never drop (the
 * capture thread waits for the reader).
 *
 * Units: uV at the DUT (stimulus) and at the input (capture), rates in Hz,
 * timestamps in ns of the device's clock (IIO timestamp channel).
 */
#ifndef BENCH_HW_STREAM_H
#define BENCH_HW_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bench_rig;
struct bench_stream;
struct bench_envelope_violation;

struct bench_stream_config {
	bool output;	       /* play stimulus on the DAC */
	bool cyclic;	       /* play the first dac.buffer_frames frames in a loop */
	unsigned capture_mask; /* bit k: fixture capture k; 0 = none */
	size_t ring_buffers; /* ring size in device buffers per direction; 0 = 8 (output: >= 1 s) */
	/* Output underflow is an error (realtime rigs); otherwise the thread waits. */
	bool underflow_is_error;
	/*
	 * Realtime scheduling: the output thread (SCHED_RR 2), the capture threads and
	 * bench_stream_run()'s loop with its fill/sink callbacks (SCHED_RR 1; the caller's
	 * policy is restored when it returns), when the process may (CAP_SYS_NICE or
	 * RLIMIT_RTPRIO), so a loaded machine does not starve the DAC; otherwise they stay
	 * at normal priority and the stream logs one warning.
	 */
	bool rt_priority;
	/* Timestamp gaps of the captures are measured, not errors (see above). */
	bool measure_gaps;
};

struct bench_stream_stats {
	uint64_t frames_out;	  /* frames pushed to the DAC (stimulus + zero padding) */
	uint64_t stimulus_frames; /* frames written by the caller */
	uint64_t frames_in[8];	  /* frames captured per capture (first 8) */
	uint64_t underflows;	  /* output underflows: the bench's own and the DAC's counter */
	uint64_t overflows;	  /* capture devices' overflow counters (samples dropped there) */
	uint64_t gaps;		  /* timestamp jumps seen (an error unless measure_gaps) */
	uint64_t lost_frames[8];  /* frames the gaps span, per capture (measure_gaps) */
	uint64_t ring_full_waits; /* capture thread waited for the reader */
	/*
	 * Output feeding margin (not errors by themselves): the least stimulus queued in the
	 * output ring when the output thread came for its next buffer, before the stimulus
	 * ended (-1 before the second buffer), and how often that was less than a buffer (the
	 * thread waited for the caller; in realtime the device's queue covers the wait, or the
	 * DAC counts an underflow).
	 */
	int64_t out_min_queued_frames;
	uint64_t out_short_waits;
	/*
	 * Output thread timing after its first push (diagnostics, ns): the longest push (the
	 * device holds a push while its queue is full, about one buffer period; far longer
	 * means the device stopped taking data) and the longest time from the end of one push
	 * to the start of the next (waiting for stimulus, or not scheduled).
	 */
	int64_t out_push_max_ns;
	int64_t out_between_max_ns;
	int64_t first_ts_ns[8]; /* device timestamp of the first captured frame, or -1 */
	/*
	 * Shared rig clock: time (on the captures' timestamp clock) at which the
	 * DAC played the stream's first frame, from the DAC's `start_ns` debug
	 * attribute (the emulated rig), read when the stream stops; -1 if the rig
	 * does not say. With it, alignment needs no correlation (bench_align_shared_clock()).
	 */
	int64_t dac_start_ns;
	size_t ring_bytes; /* memory held by the rings (constant) */
};

/**
 * bench_stream_open() - set up rings and channel maps; no I/O yet.
 * @rig:  borrowed, must outlive the stream.
 * @cfg:  copied.
 * Return: 0, -EINVAL (nothing to stream, output without a DAC, cyclic without output),
 * -ENOMEM.
 */
int bench_stream_open(struct bench_rig *rig, const struct bench_stream_config *cfg,
		      struct bench_stream **ret_stream);

/**
 * bench_stream_write() - queue stimulus frames.
 * @uv:       @n_frames frames x fx->dac.n_channels interleaved (fixture channel
 *            order), uV at the DUT; borrowed for the call only.
 * @reterr:   may be NULL; the envelope violation on -ERANGE.
 *
 * May be called before bench_stream_start() to pre-fill. Blocks while the ring
 * is full. Return: 0, -ERANGE (envelope or code range: nothing of the block is
 * queued), -EINTR (stopped by safe state or a signal), or the stream's error.
 */
int bench_stream_write(struct bench_stream *s, const float *uv, size_t n_frames,
		       struct bench_envelope_violation *reterr);

/* No more stimulus: the output pads with 0 uV until the stream stops. Return: 0. */
int bench_stream_end_output(struct bench_stream *s);

/* Starts the threads (creates the libiio buffers). Return: 0, -EINTR (signal pending), -errno. */
int bench_stream_start(struct bench_stream *s);

/**
 * bench_stream_read() - take captured frames of capture @index.
 * @uv:        room for @max_frames x (n_channels [+1 event column]) floats, uV
 *             (the event column is the raw event code: bench_stream_event_code()).
 * @ts_ns:     NULL, or room for @max_frames device timestamps (-1 without one).
 * @timeout_ns: how long to wait for at least one frame.
 * @ret_frames: frames written (0 only on timeout).
 * Return: 0, -ETIMEDOUT, -EINTR (stopped), or the stream's error (-EPIPE, -EIO, ...).
 */
int bench_stream_read(struct bench_stream *s, size_t index, float *uv, int64_t *ts_ns,
		      size_t max_frames, int64_t timeout_ns, size_t *ret_frames);

/*
 * The event column of a captured frame holds the device's raw event code (e.g.
 * the sim's u32 kind << 24 | value) bit-for-bit in the float slot: a float value
 * cannot hold 32-bit codes exactly. Read it with this, never with a cast.
 */
static inline uint32_t bench_stream_event_code(float slot)
{
	uint32_t code;

	memcpy(&code, &slot, sizeof(code));
	return code;
}

/* Values per captured frame of capture @index (channels + 1 if it has an event channel). */
size_t bench_stream_capture_width(const struct bench_stream *s, size_t index);

/**
 * bench_stream_stop() - stop the threads, destroy the libiio buffers (the DAC
 * stops), join. Idempotent.
 * Return: 0, or the error that stopped the stream.
 */
int bench_stream_stop(struct bench_stream *s);

/* The error that stopped the stream (0 if none) and the device it names ("" if none). */
int bench_stream_error(const struct bench_stream *s, const char **ret_device);

void bench_stream_get_stats(struct bench_stream *s, struct bench_stream_stats *ret_stats);

/* Frames bench_stream_write() can take now without blocking (0 without output). */
size_t bench_stream_out_room(struct bench_stream *s);

/*
 * Stimulus source for bench_stream_run(): write up to @max_frames frames x
 * n_dac_channels uV into @uv and set *@ret_frames (0 = the stimulus is over).
 * Return 0 or a negative errno (the run stops with it).
 */
typedef int (*bench_stream_fill_fn)(void *ctx, float *uv, size_t max_frames, size_t *ret_frames);

/*
 * Capture sink for bench_stream_run(): @n_frames frames of capture @index
 * (bench_stream_capture_width() values each) and their device timestamps.
 * Borrowed for the call. Return 0 or a negative errno (the run stops with it).
 */
typedef int (*bench_stream_sink_fn)(void *ctx, size_t index, const float *uv, const int64_t *ts_ns,
				    size_t n_frames);

struct bench_stream_run_result {
	uint64_t stimulus_frames;    /* frames the source produced and the DAC took */
	uint64_t captured_frames[8]; /* frames delivered to the sink, per capture */
	struct bench_stream_stats stats;
	const char *error_device; /* device named by a stream error, or "" */
};

/**
 * bench_stream_run() - play a whole stimulus and capture it plus a tail.
 * @s:        an opened, not yet started stream.
 * @fill:     stimulus source (NULL for capture only: @tail_ns of capture).
 * @sink:     capture sink; may be NULL to discard.
 * @tail_ns:  capture this long after the stimulus (the rig's delay and the
 *            DUT's response), >= 0.
 * @reterr:   envelope violation on -ERANGE (the refused block and everything
 *            after it was not played); may be NULL.
 * @ret:      may be NULL; counts and stats.
 *
 * Runs in the caller's thread: writes stimulus when the output ring has room,
 * drains the captures in between, so neither side waits on the other. Each
 * capture gets stimulus_frames * (its rate / DAC rate) + tail frames (with
 * measure_gaps: that many frame periods of its timestamps, so frames the DUT
 * lost shorten the capture by their count, not extend it in time). The
 * stream is stopped before this returns (the DAC buffer is destroyed).
 * Return: 0, -ERANGE (envelope), -EINTR (signal or safe state), the stream's
 * error (-EPIPE timeout, -ENODATA underflow, -EBADMSG gap, -EIO ...), or the
 * callbacks' error.
 */
int bench_stream_run(struct bench_stream *s, bench_stream_fill_fn fill, void *fill_ctx,
		     bench_stream_sink_fn sink, void *sink_ctx, int64_t tail_ns,
		     struct bench_envelope_violation *reterr, struct bench_stream_run_result *ret);

/**
 * bench_stream_preflight() - check a whole stimulus before anything is played.
 * @rig:   the rig whose envelope and code maps apply.
 * @fill:  the stimulus source, run to its end (the caller rewinds or
 *         recreates it afterwards); its frames go nowhere.
 * @reterr: the first violation on -ERANGE.
 *
 * Runs the same envelope and code-range checks bench_stream_write() does, on a
 * fresh envelope state, so that a stimulus that would be refused at second 50
 * is refused before second 0. Return: 0, -ERANGE, -EINVAL, -ENOMEM, or the
 * source's error.
 */
int bench_stream_preflight(struct bench_rig *rig, bench_stream_fill_fn fill, void *fill_ctx,
			   struct bench_envelope_violation *reterr);

/* Stops (if running) and frees. Accepts NULL. */
void bench_stream_close(struct bench_stream *s);

#endif /* BENCH_HW_STREAM_H */
