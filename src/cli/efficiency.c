// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real-time efficiency of a run: wall time over stimulus time; see efficiency.h.
 */
#include "cli/efficiency.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
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

/* One line of the breakdown; the mean per trial when @n > 0. */
static int phase(struct bench_buf *out, const char *name, double total_s, size_t n,
		 const char *what)
{
	if (n)
		return bench_buf_appendf(out, "  %-9s %8.3f s %7.3f s/trial  %s\n", name, total_s,
					 total_s / (double)n, what);
	return bench_buf_appendf(out, "  %-9s %8.3f s %15s  %s\n", name, total_s, "", what);
}

int bench_cli_efficiency_breakdown(const struct bench_cli_efficiency *e, const char *pace,
				   const struct bench_engine_rig_io_times *rig,
				   const struct bench_engine_result *res, struct bench_buf *out)
{
	bool fast = pace && strcmp(pace, "fast") == 0;
	double rest = wall_s(e) - e->steps_wall_s - e->trial_wall_s;
	size_t n = e->n_trials, k = rig ? rig->n_trials : 0;
	char what[160];
	int r = 0;

	r |= bench_buf_appendf(out, "where the wall time went (%.2f s, %zu trials):\n", wall_s(e),
			       n);
	if (rig && rig->n_power_cycles)
		snprintf(what, sizeof(what),
			 "%zu power cycles: %.3f s switching off, %.3f s powered off, %.3f s "
			 "powering up to ready; %.3f s other steps",
			 rig->n_power_cycles, rig->power_off_s, rig->off_time_s, rig->power_up_s,
			 rig->other_steps_s);
	else
		snprintf(what, sizeof(what), "setup, teardown, before-trial steps");
	r |= phase(out, "steps", e->steps_wall_s, 0, what);
	if (k) {
		r |= phase(out, "open", rig->open_s, k, "stimulus generator, stream rings");
		if (fast) {
			/* The emulated rig's clock runs ahead of the wall: no play phases. */
			r |= phase(out, "stream",
				   rig->prefill_s + rig->start_s + rig->stimulus_s + rig->tail_s +
					   rig->stop_s,
				   k,
				   "stimulus and capture (fast pace: the rig's clock runs ahead)");
		} else {
			r |= phase(out, "prefill", rig->prefill_s, k,
				   "stimulus made before the DAC starts");
			r |= phase(out, "start", rig->start_s, k,
				   "libiio buffers created, first DAC block, until it plays");
			r |= phase(out, "stimulus", rig->stimulus_s, k, "the physics of the test");
			r |= phase(out, "tail", rig->tail_s, k,
				   "captured after the stimulus (< 0: the capture began before it)");
			r |= phase(out, "stop", rig->stop_s, k,
				   "DAC queue drained, buffers destroyed, threads joined");
		}
		r |= phase(out, "close", rig->close_s, k, "traces converted, stream freed");
		r |= phase(out, k == n ? "trial-io" : "failed", e->trial_wall_s - rig->trial_s,
			   k == n ? n : 0,
			   k == n ?
				   "in the I/O outside the phases above" :
				   "trials the I/O ended with an error, and the I/O outside phases");
	} else {
		r |= phase(out, "trials", e->trial_wall_s, n, "stimulus and capture");
	}
	if (res) {
		r |= phase(out, "score", res->score_s, n, "metrics and verdicts");
		r |= phase(out, "files", res->files_s, n, "BDF captures and capture records");
		r |= phase(out, "plots", res->plots_s, n, "plot data for the dossier");
		r |= phase(out, "commit", res->commit_s, n, "store transactions");
		rest -= res->score_s + res->files_s + res->plots_s + res->commit_s;
	}
	r |= phase(out, "rest", rest, 0, "run records, bookkeeping between phases");
	return r < 0 ? -ENOMEM : 0;
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
