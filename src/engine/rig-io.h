/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine's I/O over a real or emulated rig: setup/teardown steps through the
 * fixture's lines (src/hw), stimuli from libsiggen streamed through the DAC with the
 * capture devices recorded (bench_stream_run), safe state through bench_safe_state().
 *
 * The protocol's <stimulus> is re-targeted to the rig: rate_hz = the DAC rate,
 * channels = the fixture's DAC channels, duration_s = the protocol's capture duration.
 * Capture roles map to fixture captures: "dut-data" and "dut-events" to the DUT capture
 * (its event channel becomes the trace's event codes), "stim-monitor" and "bench-adc" to
 * the bench ADC. Units: uV at the DUT input; ns.
 */
#ifndef BENCH_ENGINE_RIG_IO_H
#define BENCH_ENGINE_RIG_IO_H

#include "engine/engine.h"

struct bench_rig;

/*
 * Where the wall time of the rig I/O went, summed over a run (seconds, monotonic clock).
 * A trial: open (stimulus generator and stream rings) -> prefill (stimulus generated
 * before the DAC starts) -> start (libiio buffers created and the first DAC block pushed,
 * until the rig plays the stimulus's first frame) -> stimulus (its nominal duration)
 * -> tail (captured after the stimulus, until the last frame kept) -> stop (DAC queue
 * drained, buffers destroyed, threads joined) -> close (traces converted, stream freed).
 * The start of play is dated from the first captured block (its arrival minus its
 * frames at the capture rate), so start and tail include the capture's block latency.
 */
struct bench_engine_rig_io_times {
	size_t n_trials; /* trials that reached the end of bench_stream_run() */
	double trial_s;	 /* wall time of those trials, all phases */
	double open_s, prefill_s, start_s, stimulus_s, tail_s, stop_s, close_s;
	/* steps: power switched off/on, the powered-off time, the wait for ready, the rest */
	size_t n_power_cycles;
	double power_off_s, off_time_s, power_up_s, other_steps_s;
};

struct bench_engine_rig_io {
	struct bench_engine_io io; /* pass &rio->io to bench_engine_run() */
	struct bench_rig *rig;	   /* borrowed; must outlive the run */
	/*
	 * Capture after the stimulus: tail_ns (100 ms) when the protocol reads a response
	 * that may follow the stimulus (DUT events or decisions, a stimulator's monitor);
	 * tail_min_ns (0) when it reads only continuous DUT data ("dut-data", "dut-zin"),
	 * which metrics score inside the stimulus window.
	 */
	int64_t tail_ns;
	int64_t tail_min_ns;
	struct bench_engine_rig_io_times times; /* zeroed by _init, summed by the I/O */
};

/* Fills @rio for @rig. */
void bench_engine_rig_io_init(struct bench_engine_rig_io *rio, struct bench_rig *rig);

#endif /* BENCH_ENGINE_RIG_IO_H */
