/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulated rig: an iiod-compatible TCP server (libiio 0.24 text protocol,
 * ../shared/docs/iiod-protocol.md) serving a virtual IIO context built from a
 * rig description (fixtures/sim/<name>.rig.xml, schemas/sim-rig.xsd):
 *
 *   iio:device0 bench-dac   output buffer, the stimulus DAC (scale: V per code)
 *   iio:device1 bench-adc   input buffer, what the DUT drives out (scale: V per code)
 *   iio:device2 dut         input buffer, the DUT's digitised channels (scale: uV per
 *                           code, input-referred), event channel count0, timestamp
 *   iio:device3 bench-lines digital lines: one attribute channel per line and a
 *                           sampled bit-per-line buffer channel
 *   trigger0    bench-trig  a trigger for iio_readdev -t
 *
 * Samples flow DAC -> attenuator -> DUT model -> outputs on one virtual clock
 * ticking at the DAC rate. Times on the wire (timestamp channels) are ns of
 * virtual time since the server started. docs/sim.md is the user manual.
 *
 * Threads: one listener thread, one thread per client connection and, in
 * realtime pace, one clock thread. All simulated state sits behind one mutex.
 */
#ifndef BENCH_SIM_SIM_H
#define BENCH_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_sim;

enum bench_sim_pace {
	/* Time advances with the data: a capture read waits for the stimulus covering it. */
	BENCH_SIM_PACE_FAST,
	/* Time advances with the wall clock; late stimulus is an underflow. */
	BENCH_SIM_PACE_REALTIME,
	BENCH_SIM_PACE_COUNT,
};

struct bench_sim_options {
	/* Rig description file; NULL: fixtures/sim/<dut>.rig.xml under @fixture_dir. */
	const char *rig_path;
	/* DUT model name used when @rig_path is NULL ("neural-recorder" if NULL too). */
	const char *dut_name;
	/* Directory holding <dut>.rig.xml; NULL means the source tree's fixtures/sim. */
	const char *fixture_dir;
	/* IPv4 address to bind; NULL means "127.0.0.1". */
	const char *listen_host;
	/* TCP port; 0 picks a free one (read it back with bench_sim_port()). */
	uint16_t port;
	enum bench_sim_pace pace;
	/* "NAME=VALUE" fault specs (docs/sim.md), borrowed for the call only. */
	const char *const *faults;
	size_t n_faults;
	/* Seed of the model noise generators; same seed, same samples (fast pace). */
	uint64_t seed;
	/*
	 * Realtime pace: run the clock thread under SCHED_RR priority 1 (needs
	 * CAP_SYS_NICE; silently normal priority otherwise), so the virtual clock
	 * keeps up with the wall clock on a loaded machine. Off by default.
	 */
	bool rt_priority;
	/*
	 * Where rig-file errors go: on -EINVAL, if non-NULL, receives a malloc'd
	 * "FILE:LINE: what is wrong" text the caller frees. May be NULL.
	 */
	char **ret_error;
};

/**
 * bench_sim_start() - load the rig, bind the socket and start serving.
 * @opts:    options; borrowed for the duration of the call.
 * @ret_sim: receives the running server, to be stopped with bench_sim_stop().
 *
 * Return: 0; -EINVAL for a bad rig file, bad fault spec or bad option (see
 * @opts->ret_error); -ENOENT if the rig file does not exist; -EADDRINUSE,
 * -EACCES or another negative errno from socket/bind/listen; -ENOMEM.
 */
int bench_sim_start(const struct bench_sim_options *opts, struct bench_sim **ret_sim);

/* The TCP port actually bound (useful with port 0). */
uint16_t bench_sim_port(const struct bench_sim *sim);

/**
 * bench_sim_uri() - writes "ip:127.0.0.1:PORT" into @buf.
 *
 * Remember libiio 0.24 writes into the URI string it is given: pass it a
 * writable copy. Return: 0, or -ENOSPC if @size is too small.
 */
int bench_sim_uri(const struct bench_sim *sim, char *buf, size_t size);

/**
 * bench_sim_set_fault() - apply one fault spec "NAME=VALUE" while running.
 *
 * Same effect as writing the spec to the debug attribute `fault` of the dut
 * device. Return: 0, or -EINVAL for an unknown name or bad value.
 */
int bench_sim_set_fault(struct bench_sim *sim, const char *spec);

/**
 * bench_sim_dut_response() - the DUT model's nominal response at @freq_hz.
 * @ret_gain:    |output uV| / |input uV at the DUT| (attenuator not included).
 * @ret_delay_s: phase delay of the whole path DAC sample -> DUT sample, s.
 *
 * Lets tests check the captured sine against what the model should do.
 * Return: 0, or -EINVAL for a frequency outside (0, DUT Nyquist).
 */
int bench_sim_dut_response(const struct bench_sim *sim, double freq_hz, double *ret_gain,
			   double *ret_delay_s);

/* Attenuator of the loaded rig: uV at the DUT input per V at the DAC output. */
double bench_sim_attenuator_uv_per_v(const struct bench_sim *sim);

/**
 * bench_sim_wait() - block until bench_sim_request_stop() or a crash fault.
 * Used by `bcibench sim` on its main thread. Return: 0.
 */
int bench_sim_wait(struct bench_sim *sim);

/* Async-signal-safe: asks bench_sim_wait() to return. */
void bench_sim_request_stop(struct bench_sim *sim);

/* Stops serving, closes every connection, joins threads, frees. Accepts NULL. */
void bench_sim_stop(struct bench_sim *sim);

#endif /* BENCH_SIM_SIM_H */
