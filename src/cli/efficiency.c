// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real-time efficiency of a run: wall time over stimulus time; see efficiency.h.
 */
#include "cli/efficiency.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"

static int eff_steps(void *ctx, const struct bench_protocol_steps *steps, const char *what)
{
	struct bench_cli_efficiency *e = ctx;
	int64_t t0 = bench_clock_now_ns();
	int r = e->inner->steps ? e->inner->steps(e->inner->ctx, steps, what) : 0;

	e->steps_wall_s += (double)(bench_clock_now_ns() - t0) * 1e-9;
	return r;
}

static int eff_trial(void *ctx, const struct bench_protocol *protocol, uint64_t seed,
		     struct bench_engine_capture *ret)
{
	struct bench_cli_efficiency *e = ctx;
	int64_t t0 = bench_clock_now_ns();
	int r = e->inner->trial(e->inner->ctx, protocol, seed, ret);

	e->trial_wall_s += (double)(bench_clock_now_ns() - t0) * 1e-9;
	e->n_trials++;
	if (r == 0)
		e->stimulus_s += protocol->capture_s;
	else
		e->n_failed++; /* how much of its stimulus was played is unknown: not counted */
	return r;
}

static int eff_safe_state(void *ctx, const char *reason)
{
	struct bench_cli_efficiency *e = ctx;

	return e->inner->safe_state ? e->inner->safe_state(e->inner->ctx, reason) : 0;
}

void bench_cli_efficiency_init(struct bench_cli_efficiency *e, const struct bench_engine_io *inner)
{
	memset(e, 0, sizeof(*e));
	e->inner = inner;
	e->io.ctx = e;
	e->io.steps = eff_steps;
	e->io.trial = eff_trial;
	e->io.safe_state = eff_safe_state;
	e->start_ns = bench_clock_now_ns();
}

void bench_cli_efficiency_stop(struct bench_cli_efficiency *e)
{
	e->end_ns = bench_clock_now_ns();
}

static double wall_s(const struct bench_cli_efficiency *e)
{
	int64_t end = e->end_ns ? e->end_ns : bench_clock_now_ns();

	return (double)(end - e->start_ns) * 1e-9;
}

double bench_cli_efficiency_ratio(const struct bench_cli_efficiency *e)
{
	return e->stimulus_s > 0 ? wall_s(e) / e->stimulus_s : 0;
}

void bench_cli_efficiency_format(const struct bench_cli_efficiency *e, const char *pace, char *buf,
				 size_t size)
{
	snprintf(buf, size,
		 "real-time efficiency %.3f (wall %.2f s / stimulus %.2f s, %zu trials%s, "
		 "%.2f s in trials, %.2f s in steps, pace %s)",
		 bench_cli_efficiency_ratio(e), wall_s(e), e->stimulus_s, e->n_trials,
		 e->n_failed ? ", some not played to the end" : "", e->trial_wall_s,
		 e->steps_wall_s, pace);
}

int bench_cli_efficiency_record(const struct bench_cli_efficiency *e, const char *pace,
				struct bench_store *st, int64_t run_id)
{
	char msg[256];
	struct bench_store_event ev = { .kind = "efficiency",
					.source = "bcibench run",
					.message = msg,
					.t_ns = BENCH_STORE_NO_TIME };

	if (!e->n_trials || e->stimulus_s <= 0)
		return -ENODATA;
	bench_cli_efficiency_format(e, pace, msg, sizeof(msg));
	return bench_store_event_add(st, run_id, 0, &ev, NULL);
}
