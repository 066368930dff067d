/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real-time efficiency of a run (issue 10): the suite's wall time divided by the sum of
 * its stimulus durations. On a real rig, or the emulated one in `--pace realtime`, the
 * physics of the test costs exactly the stimulus time, so 1.00 means the bench costs
 * nothing on top; the target is <= 1.05. In fast pace the same ratio says how much faster
 * than real time the emulated run went (well below 1).
 *
 * It works by wrapping the engine's I/O: every trial that completes adds its protocol's
 * stimulus duration (capture_s, the length of the stimulus the I/O plays) to a sum (a trial
 * the I/O ended with an error is counted apart: its stimulus may have stopped early, or
 * never started, so its wall time counts and its stimulus does not), and the time
 * spent inside trials is kept apart from the steps (setup, power cycles) and the scoring
 * around them. Units: seconds of wall time (monotonic clock) and of stimulus.
 */
#ifndef BENCH_CLI_EFFICIENCY_H
#define BENCH_CLI_EFFICIENCY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/rig-io.h"
#include "store/store.h"

struct bench_buf;

struct bench_cli_efficiency {
	struct bench_engine_io io;	     /* give this to the engine */
	const struct bench_engine_io *inner; /* the real I/O, borrowed */
	int64_t start_ns;		     /* monotonic, set by _init */
	int64_t end_ns;			     /* set by bench_cli_efficiency_stop() */
	double stimulus_s;		     /* sum of the stimulus durations of trials played */
	double trial_wall_s;		     /* wall time spent inside trials */
	double steps_wall_s;		     /* wall time in setup/teardown/before-trial steps */
	size_t n_trials;		     /* trial attempts played (not resumed ones) */
	size_t n_failed;		     /* of those, ended by an I/O error */
};

/* Wraps @inner (borrowed, must outlive @e) and starts the wall clock. */
void bench_cli_efficiency_init(struct bench_cli_efficiency *e, const struct bench_engine_io *inner);

/* Stops the wall clock (call right after bench_engine_run()). */
void bench_cli_efficiency_stop(struct bench_cli_efficiency *e);

/* Wall time / stimulus time; 0 when no stimulus was played. */
double bench_cli_efficiency_ratio(const struct bench_cli_efficiency *e);

/*
 * Formats "real-time efficiency R (wall W s / stimulus S s, N trials, T s in trials, U s in
 * steps, pace P)"
 * into @buf; @pace is "fast", "realtime" or "rig" (a context given with --uri).
 */
void bench_cli_efficiency_format(const struct bench_cli_efficiency *e, const char *pace, char *buf,
				 size_t size);

/*
 * Appends to @out where the wall time went, one phase a line with its total and its mean
 * per trial (s): the steps (power cycles split into switching, powered-off time and the
 * wait for ready), the rig I/O's trial phases (@rig: open, prefill, start, stimulus, tail,
 * stop, close; NULL to leave out), the engine's own work (@res: scoring, capture files,
 * plot data, store commits; NULL to leave out) and the rest of the wall time (run records,
 * gaps between the measured phases). The totals add up to the wall time. With @pace "fast"
 * the emulated rig's clock runs ahead of the wall: prefill to stop are one "stream" phase.
 * Return: 0 or -ENOMEM.
 */
int bench_cli_efficiency_breakdown(const struct bench_cli_efficiency *e, const char *pace,
				   const struct bench_engine_rig_io_times *rig,
				   const struct bench_engine_result *res, struct bench_buf *out);

/*
 * Records the formatted line as an event of kind "efficiency" on run @run_id.
 * Return: 0, or the store's error (nothing is recorded when no trial was played: -ENODATA).
 */
int bench_cli_efficiency_record(const struct bench_cli_efficiency *e, const char *pace,
				struct bench_store *st, int64_t run_id);

#endif /* BENCH_CLI_EFFICIENCY_H */
