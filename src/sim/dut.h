/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/sim: the DUT models and the fault set.
 *
 * sim_dut_tick() is called once per tick of the virtual clock (the DAC rate)
 * with the DAC output in V. It applies the attenuator (uV at the DUT input),
 * the anti-alias resampler to the DUT rate (windowed sinc, no aliasing into the
 * band; bypassed when the rates are equal and the clock is exact), the model's
 * front end (filters, gain, noise, quantisation) and its detector, and returns
 * the DUT frames completed during this tick (0, 1, rarely 2) plus the
 * stimulation current the DUT drives (uA) and the DUT->bench line levels.
 */
#ifndef BENCH_SIM_DUT_H
#define BENCH_SIM_DUT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/rig.h"

/* Event codes on the dut device's count0 channel: (kind << 24) | value. */
enum sim_event_kind {
	SIM_EVENT_NONE = 0,
	SIM_EVENT_SPIKE = 1,	/* value: channel */
	SIM_EVENT_CLASS = 2,	/* value: class index (0 = freq0_hz) */
	SIM_EVENT_STIM_ON = 3,	/* value: 0 */
	SIM_EVENT_STIM_OFF = 4, /* value: 0 */
	SIM_EVENT_BURST = 5,	/* value: sensing channel */
	SIM_EVENT_FAULT = 6,	/* value: 1 fault line, 2 crash */
	SIM_EVENT_READY = 7,	/* value: 0 (boot finished) */
	SIM_EVENT_TRIGGER = 8,	/* value: 0 (rising edge of the trigger line) */
};

#define SIM_EVENT(kind, value) (((uint32_t)(kind) << 24) | ((uint32_t)(value)&0xffffffu))

enum sim_dut_state {
	SIM_DUT_OFF,
	SIM_DUT_BOOTING,
	SIM_DUT_READY,
	SIM_DUT_FAULT,
	SIM_DUT_CRASHED,
	SIM_DUT_STATE_COUNT,
};

const char *sim_dut_state_name(enum sim_dut_state s);

#define SIM_MAX_FAULT_CH 8

/* Every injectable fault; zero = fault off. docs/sim.md documents each. */
struct sim_faults {
	double gain_error_pct;
	double offset_uv;
	double noise_uv;
	int dead[SIM_MAX_FAULT_CH];
	unsigned n_dead;
	int stuck[SIM_MAX_FAULT_CH];
	unsigned n_stuck;
	int swap_a, swap_b; /* -1: none */
	double crosstalk_pct;
	unsigned drop_every;
	double clock_ppm;
	double event_latency_ms;
	double event_jitter_ms;
	double miss_pct;
	double false_rate_hz;
	double stim_amp_error_pct;
	double charge_imbalance_pct;
	bool no_shutdown;
	double fault_delay_ms; /* the fault line is noticed v ms late: reports and stops late */
	double stop_delay_ms;  /* the fault is reported at once, stimulation stops v ms later */
	double disconnect_after_s;
	double crash_after_s;
	double slow_ms;
	double corrupt_ppm;
	double cmrr_db;	 /* eeg-amp front end: CMRR degraded to v dB (0: the model's own) */
	double zin_mohm; /* front end: input impedance degraded to v Mohm (0: the model's own) */
};

void sim_faults_init(struct sim_faults *f);

/**
 * sim_faults_apply() - parse "NAME=VALUE" and update @f.
 * "clear=1" resets every fault. Return: 0, or -EINVAL (nothing changed).
 */
int sim_faults_apply(struct sim_faults *f, const char *spec, unsigned dut_channels);

/* Writes the active faults as "name=value ..." (or "none") into @buf. */
void sim_faults_format(const struct sim_faults *f, char *buf, size_t size);

struct sim_dut;

struct sim_dut_out {
	unsigned n_frames; /* DUT frames completed in this tick: 0..2 */
	int32_t *codes[2]; /* per frame, dut_channels codes (owned by the dut) */
	uint32_t event[2]; /* per frame, event code or 0 */
	int64_t ts_ns[2];  /* per frame, the DUT's own timestamp */
	double stim_ua;	   /* stimulation current driven during this tick */
};

int sim_dut_new(const struct sim_rig *rig, const struct sim_faults *faults, uint64_t seed,
		struct sim_dut **ret_dut);
void sim_dut_free(struct sim_dut *dut);

/*
 * One tick. @dac_v: rig->dac_channels volts. @lines: all SIM_LINE_COUNT levels;
 * the bench->DUT ones are read, the DUT->bench ones written. @faults borrowed.
 */
void sim_dut_tick(struct sim_dut *dut, const double *dac_v, bool *lines,
		  const struct sim_faults *faults, struct sim_dut_out *out);

enum sim_dut_state sim_dut_state(const struct sim_dut *dut);
uint64_t sim_dut_events(const struct sim_dut *dut);

/* Nominal response of the model at @freq_hz (see bench_sim_dut_response). */
int sim_dut_response(const struct sim_rig *rig, double freq_hz, double *ret_gain,
		     double *ret_delay_s);

/* Deterministic PRNG used by the models and faults (xoshiro-like, seeded). */
uint64_t sim_prng_next(uint64_t *state);

#endif /* BENCH_SIM_DUT_H */
