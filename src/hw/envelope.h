/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The safety envelope: the one choke point every DAC sample passes before it
 * is written (architecture.md, "Rules that protect the DUT").
 *
 * Limits come from the fixture's <envelope>, per DAC channel, in microvolts at
 * the DUT:
 *   max-abs-uv         |x[n]| <= limit
 *   max-slew-uv-per-s  |x[n] - x[n-1]| * rate <= limit (x[-1] is the last
 *                      sample accepted, 0 at the start of a stream)
 *   max-dc-uv          |m[n]| <= limit, m = one-pole running mean with a 1 s
 *                      time constant (m[n] = m[n-1] + (x[n]-m[n-1]) / (rate*1 s))
 *   max-continuous-s   frames accepted since the last bench_envelope_reset()
 *                      / rate <= limit
 * A block with any sample outside the envelope is refused whole (-ERANGE):
 * nothing of it is accepted and the state (last sample, running mean, duration)
 * is left as it was. The violation says which channel, sample and limit.
 * Values are never clipped.
 */
#ifndef BENCH_HW_ENVELOPE_H
#define BENCH_HW_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

struct bench_fixture;
struct bench_envelope;

enum bench_envelope_limit_kind {
	BENCH_ENVELOPE_ABS,
	BENCH_ENVELOPE_SLEW,
	BENCH_ENVELOPE_DC,
	BENCH_ENVELOPE_DURATION,
	BENCH_ENVELOPE_LIMIT_COUNT,
};

struct bench_envelope_violation {
	const char *channel;  /* DAC channel name (borrowed from the fixture) */
	size_t channel_index; /* index in fx->dac.channels */
	uint64_t sample;      /* frame index since the stream started */
	size_t block_frame;   /* frame index inside the refused block */
	enum bench_envelope_limit_kind kind;
	double value;	/* the offending value (uV, uV/s, uV or s) */
	double limit;	/* the limit it broke, same unit */
	int limit_line; /* fixture line of the limit */
};

/**
 * bench_envelope_new() - envelope state for every DAC channel of @fx.
 * @fx:      borrowed; must outlive the envelope.
 * @rate_hz: DAC sample rate (> 0).
 * Return: 0, -EINVAL (no DAC, bad rate, a channel without a limit), -ENOMEM.
 */
int bench_envelope_new(const struct bench_fixture *fx, double rate_hz,
		       struct bench_envelope **ret_env);

/* Accepts NULL. */
void bench_envelope_free(struct bench_envelope *env);

/**
 * bench_envelope_check() - check and, if it passes, accept a block.
 * @uv:       @n_frames frames of fx->dac.n_channels interleaved values, uV at
 *            the DUT, in fixture channel order; borrowed.
 * @reterr:   may be NULL; receives the first violation on -ERANGE.
 *
 * Allocation-free. Return: 0 (block accepted, state advanced) or -ERANGE.
 */
int bench_envelope_check(struct bench_envelope *env, const float *uv, size_t n_frames,
			 struct bench_envelope_violation *reterr);

/* Starts a new continuous stretch (after the DAC was parked at 0). */
void bench_envelope_reset(struct bench_envelope *env);

/* "max-abs-uv" etc., the fixture attribute name of a limit kind. */
const char *bench_envelope_limit_name(enum bench_envelope_limit_kind kind);

#endif /* BENCH_HW_ENVELOPE_H */
