// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The metric table: every metric name a protocol may use, with the units its result can
 * be expressed in. The names are those of src/score (test-catalogue.md section 3); a
 * protocol naming an unknown metric, or a unit the metric cannot have (noise in dB, a
 * latency in uV), is rejected at load time.
 */
#include <errno.h>
#include <string.h>

#include "common/error.h"
#include "protocol/protocol.h"

#define U(x) BENCH_UNIT_##x
#define ANY_UNIT BENCH_UNIT_COUNT

struct metric_def {
	const char *name;
	enum bench_unit units[4]; /* allowed; list ends at the first NONE after [0], or ANY */
	unsigned n_units;
};

static const struct metric_def metrics[] = {
	/* A1, A1b, A1c: noise */
	{ "noise_p2v", { U(UV) }, 1 },
	{ "noise_rms", { U(UV) }, 1 },
	{ "dc_offset", { U(UV), U(MV) }, 2 }, /* A1: output offset, inputs at zero */
	{ "welch_band_power", { U(UV), U(DB), U(PERCENT) }, 3 }, /* uV: rms in the band */
	/* A2: amplitude */
	{ "sine_fit_amplitude", { U(UV), U(MV) }, 2 },
	{ "gain_error", { U(PERCENT) }, 1 },
	/* A3: frequency response */
	{ "corner_freq", { U(HZ) }, 1 },
	{ "passband_ripple", { U(PERCENT), U(DB) }, 2 },
	{ "time_constant", { U(S), U(MS) }, 2 },
	/* A4, A5, A6, A7 */
	{ "cmrr", { U(DB) }, 1 },
	{ "input_impedance", { U(MOHM), U(OHM) }, 2 },
	{ "gain_change", { U(PERCENT) }, 1 },
	{ "crosstalk", { U(DB) }, 1 },
	/* A8, A9, A10 */
	{ "timebase_ppm", { U(PPM) }, 1 },
	{ "jitter", { U(US), U(MS) }, 2 },
	{ "thd", { U(DB), U(PERCENT) }, 2 },
	{ "sinad", { U(DB) }, 1 },
	{ "enob", { U(BITS) }, 1 },
	{ "sfdr", { U(DB) }, 1 },
	{ "skew", { U(US), U(SAMPLES), U(MS) }, 3 },
	/* A12, A13, A14, D3, D4 */
	{ "recovery_time", { U(S), U(MS) }, 2 },
	{ "dropout_rate", { U(PERCENT) }, 1 },
	{ "longest_gap", { U(MS), U(S), U(SAMPLES) }, 3 },
	{ "latency", { U(MS), U(US), U(S) }, 3 },
	{ "impulse_latency", { U(MS), U(US), U(S) }, 3 },
	/* C1-C6, B13: events and classification */
	{ "event_sensitivity", { U(PERCENT), U(NONE) }, 2 },
	{ "event_precision", { U(PERCENT), U(NONE) }, 2 },
	{ "event_accuracy", { U(PERCENT), U(NONE) }, 2 },
	{ "event_false_rate", { U(HZ) }, 1 },
	{ "false_alarm_rate", { U(PER_24H) }, 1 },
	{ "accuracy", { U(PERCENT), U(NONE) }, 2 },
	{ "kappa", { U(NONE) }, 1 },
	{ "itr", { U(BITS_PER_MIN), U(BITS) }, 2 },
	{ "detection_threshold", { U(UV) }, 1 },
	/* B1, B4, B7: stimulation */
	{ "stim_amplitude_error", { U(PERCENT) }, 1 },
	{ "stim_width_error", { U(PERCENT) }, 1 },
	{ "stim_rate_error", { U(PERCENT) }, 1 },
	{ "charge_per_phase", { U(UC), U(NC) }, 2 },
	{ "charge_density", { U(UC_PER_CM2) }, 1 },
	{ "shannon_k", { U(NONE) }, 1 },
	{ "charge_imbalance", { U(PERCENT) }, 1 },
	{ "dc_current", { U(NA), U(UA) }, 2 },
	{ "shutdown_latency", { U(MS), U(US) }, 2 },
	{ "band_power_on_off", { U(PERCENT) }, 1 },	/* B12: in-band gain, stim ON vs OFF */
	{ "power_cycle_recovery", { U(S), U(MS) }, 2 }, /* D4: power-on to valid data */
	/* D1, D2, D5 */
	{ "pass_rate", { U(PERCENT) }, 1 },
	{ "drift_slope", { ANY_UNIT }, 1 },
	{ "trial_time", { U(S) }, 1 }, /* D5: device time of the trial (pool drift axis) */
};

int bench_protocol_metric_known(const char *name, enum bench_unit unit)
{
	size_t i;
	unsigned j;

	for (i = 0; i < BENCH_ARRAY_SIZE(metrics); i++) {
		if (strcmp(metrics[i].name, name) != 0)
			continue;
		for (j = 0; j < metrics[i].n_units; j++)
			if (metrics[i].units[j] == ANY_UNIT || metrics[i].units[j] == unit)
				return 0;
		return -EDOM;
	}
	return -ENOENT;
}
