/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/sim: the emulated P300 row/column speller decoder (paradigm 2 of the
 * ssvep-decoder model, rig fixtures/sim/p300-decoder.rig.xml; docs/sim.md).
 *
 * The decoder reads the stimulus codes on its trigger input (one analog input used as
 * the trigger port of an EEG amplifier, read DC-coupled before the front-end filters): a
 * pulse of height (code + 1) x trigger_step_uv at every flash onset, code 0..M-1 a row and
 * M..2M-1 a column of the M x M matrix, and code 2M when a selection's flashes are over.
 * For every flash it takes the epoch of epoch_s after the onset from the mean of the other
 * (filtered) channels, projects it on a P300 template (a Gaussian at p300_latency_ms with
 * sd p300_width_ms, made zero-mean over the epoch), and adds the score to that code. When
 * the selection ends and its last epoch is complete, it picks the row and the column with
 * the largest summed score (the sum over repetitions is the average up to a constant) and
 * returns the symbol row x M + column. Units: uV, samples at the DUT rate.
 */
#ifndef BENCH_SIM_DUT_P300_H
#define BENCH_SIM_DUT_P300_H

#include "sim/rig.h"

struct sim_p300;

/**
 * sim_p300_new() - a decoder for @nch DUT channels at @fd_hz, channel @trig_ch the
 * trigger input; its parameters come from @rig (matrix, trigger_step_uv, epoch_s,
 * p300_latency_ms, p300_width_ms). Return: 0, -EINVAL (a parameter out of range),
 * -ENOMEM.
 */
int sim_p300_new(const struct sim_rig *rig, unsigned nch, int trig_ch, double fd_hz,
		 struct sim_p300 **ret_p300);
void sim_p300_free(struct sim_p300 *p);

/* Forgets every epoch and score (the DUT powered down or rebooted). */
void sim_p300_reset(struct sim_p300 *p);

/**
 * sim_p300_step() - one DUT sample.
 * @y:       nch channel values after the front end (uV).
 * @trig_uv: the trigger input before the front-end filters (uV).
 * Return: the symbol decided at this sample (0..M x M - 1), or -1.
 */
int sim_p300_step(struct sim_p300 *p, const double *y, double trig_uv);

/* Symbols of the matrix (M x M). */
unsigned sim_p300_symbols(const struct sim_p300 *p);

#endif /* BENCH_SIM_DUT_P300_H */
