/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calibration look-up in the results store (kept apart from store.h so that
 * the calibration reader and the rest of the store evolve independently).
 *
 * `bcibench calibrate --db F` records one calibration row per DAC channel
 * (bench_store_add_calibration(), method "loopback"); later runs on the same
 * instrument find the newest one still valid with
 * bench_store_find_calibration() and compute their DAC codes from it
 * (src/hw/calib.c). Dates are ISO 8601 text: cal_date a UTC date-time, due_date
 * a date; "valid" means due_date is absent or not before @today.
 */
#ifndef BENCH_STORE_STORE_CALIB_H
#define BENCH_STORE_STORE_CALIB_H

#include <stdint.h>

#include "store/store.h"

/* A calibration found in the store; text fields are copies (NUL-terminated, may be ""). */
struct bench_store_calibration_found {
	int64_t id;	       /* calibration row id (for run_begin's calibration_ids) */
	int64_t instrument_id; /* instrument row id */
	double gain;	       /* dimensionless */
	double offset;	       /* in offset_unit */
	double u_gain;	       /* NaN if unknown */
	double u_offset;       /* NaN if unknown */
	char offset_unit[16];
	char method[24];
	char cal_date[40];
	char due_date[40];
};

/**
 * bench_store_find_calibration() - the newest valid calibration of one channel.
 * @in:      the instrument's identity: kind, model and serial are matched
 *           (manufacturer and firmware are not); borrowed.
 * @channel: channel name as recorded (the fixture's DAC channel name).
 * @method:  "loopback", "certificate", or NULL for either.
 * @today:   "YYYY-MM-DD"; rows whose due_date is before it are skipped.
 * @ret:     filled on success only.
 *
 * Newest = latest cal_date, then highest id. Return: 0, -ENOENT (none valid),
 * -EINVAL (NULL argument or missing identity field), or a store read error.
 */
int bench_store_find_calibration(struct bench_store *st, const struct bench_store_instrument *in,
				 const char *channel, const char *method, const char *today,
				 struct bench_store_calibration_found *ret);

#endif /* BENCH_STORE_STORE_CALIB_H */
