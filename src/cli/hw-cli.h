/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the CLI subcommands that drive a rig (calibrate, run --stimulus):
 * options, fixture loading with FILE:LINE errors, the unclean-stop marker,
 * signal handling, opening the rig, and safe state on every way out.
 */
#ifndef BENCH_CLI_HW_CLI_H
#define BENCH_CLI_HW_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_cli_command;
struct bench_fixture;
struct bench_rig;
struct bench_sim;
struct bench_envelope_violation;
struct bench_selfcal_result;
struct bench_store;
struct bench_store_instrument;

struct bench_hw_cli_opts {
	const char *fixture;
	const char *uri;    /* --uri override */
	const char *marker; /* --marker FILE: the unclean-stop marker */
	bool certification; /* --certification: calibration must be valid */
	unsigned rig_flags;
	/*
	 * Results store holding loopback calibrations (`bcibench calibrate --db`):
	 * if set, bench_hw_cli_begin() installs the newest valid one per DAC
	 * channel (bench_hw_cli_apply_stored_calibration()). NULL: fixture values.
	 */
	const char *cal_db;
};

struct bench_hw_cli_session {
	struct bench_fixture *fx;
	struct bench_rig *rig;
	char marker[512];
	char sim_uri[64];      /* ip:127.0.0.1:PORT of an emulated rig we started, or "" */
	struct bench_sim *sim; /* that rig (in-process, fast pace), or NULL */
	/* Store calibration rows in force (ids, for run_begin's calibration_ids); owned. */
	int64_t *cal_ids;
	size_t n_cal_ids;
};

void bench_hw_cli_opts_init(struct bench_hw_cli_opts *o);

/*
 * Consumes a common option at argv[*i] (advancing *i past its value).
 * Return: 1 consumed, 0 not a common option, -1 usage error (already printed).
 */
int bench_hw_cli_parse_common(const struct bench_cli_command *cmd, struct bench_hw_cli_opts *o,
			      int argc, char **argv, size_t *i);

/*
 * Loads the fixture (64 on a bad file), starts the emulated rig in-process
 * when the fixture's context is sim:NAME and no --uri was given, handles an unclean previous stop,
 * installs the signal handlers, opens the rig (64 if the fixture does not
 * match the rig, 2 if the rig cannot be reached) and arms the marker.
 * Return: BENCH_EXIT_PASS with @ses filled, or the exit code (nothing left open).
 */
int bench_hw_cli_begin(const struct bench_hw_cli_opts *o, struct bench_hw_cli_session *ses);

/* Prints a bench error: envelope violation (-ERANGE) or the device a stream error names. */
void bench_hw_cli_report_error(const struct bench_hw_cli_session *ses, int err,
			       const struct bench_envelope_violation *v, const char *device);

/*
 * Safe state (reason from @rc and any caught signal), closes the rig, disarms
 * the marker, frees the fixture. Return: the exit code (2 if a signal came or
 * safe state failed, else @rc).
 */
int bench_hw_cli_end(struct bench_hw_cli_session *ses, int rc);

/*
 * The store identity of the fixture's DAC: the <instrument> its dac/@instrument
 * names (make, model, serial), else kind "dac", model = the DAC device name and
 * serial "fixture:<fixture name>". Strings point into @fx.
 */
void bench_hw_cli_dac_instrument(const struct bench_fixture *fx,
				 struct bench_store_instrument *ret);

/*
 * For every DAC channel, the newest calibration of that channel in @st that is
 * not past due replaces the fixture's cal-gain / cal-offset-uv in the code map
 * (bench_rig_set_dac_calibration()); its id is appended to @ses->cal_ids. One
 * line per installed record goes to stderr. Return: the number installed, or a
 * negative errno (store read error, -ENOMEM).
 */
int bench_hw_cli_apply_stored_calibration(struct bench_hw_cli_session *ses, struct bench_store *st);

/*
 * Records one loopback result in @st: the DAC instrument (bench_hw_cli_dac_instrument()),
 * and a calibration row for the channel: gain = cal_gain_new, offset =
 * cal_offset_new_uv in uV, their standard uncertainties, method "loopback",
 * cal_date now (UTC), due_date @valid_days later. Return: 0 or negative errno.
 */
int bench_hw_cli_store_calibration(struct bench_hw_cli_session *ses, struct bench_store *st,
				   const struct bench_selfcal_result *res, unsigned valid_days,
				   int64_t *ret_id);

#endif /* BENCH_CLI_HW_CLI_H */
