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

struct bench_engine_rig_io {
	struct bench_engine_io io; /* pass &rio->io to bench_engine_run() */
	struct bench_rig *rig;	   /* borrowed; must outlive the run */
	int64_t tail_ns;	   /* capture after the stimulus (rig and DUT delay) */
};

/* Fills @rio for @rig. */
void bench_engine_rig_io_init(struct bench_engine_rig_io *rio, struct bench_rig *rig);

#endif /* BENCH_ENGINE_RIG_IO_H */
