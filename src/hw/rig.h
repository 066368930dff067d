/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A rig: the fixture made live. bench_rig_open() connects to the fixture's
 * IIO context through libiio, checks every device and channel the fixture
 * names against it (FILE:LINE errors), sets sample rates, builds the per
 * channel code maps (calib.h), claims every line at its safe level, parks the
 * DAC at 0 and registers the rig with bench_safe_state().
 *
 * Units: sample rates in Hz, times in ns on the bench monotonic clock.
 */
#ifndef BENCH_HW_RIG_H
#define BENCH_HW_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixture/fixture.h"

struct bench_rig;
struct bench_line;

enum {
	/* Open only the fixture's gpiod lines, no IIO context (kernel-in-the-loop tests). */
	BENCH_RIG_LINES_ONLY = 1u << 0,
	/* Skip the lines (stream benchmarks against a bare device). */
	BENCH_RIG_NO_LINES = 1u << 1,
	/*
	 * Observe only: no lines, no parking at open, not reached by
	 * bench_safe_state() (tests reading what another process left behind).
	 */
	BENCH_RIG_PROBE = 1u << 2,
};

/**
 * bench_rig_open() - connect a fixture to its rig.
 * @fx:     fixture; borrowed, must outlive the rig.
 * @uri:    NULL to use the fixture's context URI, or an override such as
 *          "ip:127.0.0.1:30502" (needed when the fixture says "sim:..."; the
 *          caller starts the emulated rig). Copied: libiio 0.24 writes into
 *          the string it is given (iiod-protocol.md 2.2).
 * @flags:  0, BENCH_RIG_LINES_ONLY or BENCH_RIG_NO_LINES.
 * @ret_rig: receives the rig, owned by the caller (bench_rig_close()).
 * @reterr: may be NULL; "FILE:LINE: what is wrong" naming the fixture element
 *          that does not match the rig.
 *
 * Return: 0; -EINVAL (sim: URI without override, bad rate), -ENODEV (context,
 * device or gpiochip not found), -ENOENT (channel or line not found),
 * -ENOTSUP (an iio line with BENCH_RIG_LINES_ONLY), -EBUSY (line in use),
 * -ENOSPC (too many rigs open), -ENOMEM, or libiio's errno.
 */
int bench_rig_open(const struct bench_fixture *fx, const char *uri, unsigned flags,
		   struct bench_rig **ret_rig, struct bench_fixture_error *reterr);

/* Puts the rig in safe state (recorded as "close"), releases it. Accepts NULL. */
void bench_rig_close(struct bench_rig *rig);

const struct bench_fixture *bench_rig_fixture(const struct bench_rig *rig);

/* The URI actually used (with port). */
const char *bench_rig_uri(const struct bench_rig *rig);

/* Borrowed line by fixture name or role; NULL if none. Valid until bench_rig_close(). */
struct bench_line *bench_rig_line(struct bench_rig *rig, const char *name);
struct bench_line *bench_rig_line_by_role(struct bench_rig *rig, enum bench_fixture_line_role role);

/* DAC sample rate in Hz (0 if the rig has no DAC). */
double bench_rig_dac_rate_hz(const struct bench_rig *rig);

/* Sample rate of capture @index (fixture order) in Hz; 0 if out of range. */
double bench_rig_capture_rate_hz(const struct bench_rig *rig, size_t index);

/* The code map of DAC channel @index (fixture order); NULL if out of range. */
const struct bench_calib_dac *bench_rig_dac_calib(const struct bench_rig *rig, size_t index);

/*
 * The calibration record in force for DAC channel @index: the fixture's
 * cal-gain / cal-offset-uv, or what bench_rig_set_dac_calibration() installed.
 * Return: 0, or -EINVAL (no DAC or @index out of range).
 */
int bench_rig_dac_calibration(const struct bench_rig *rig, size_t index, double *ret_gain,
			      double *ret_offset_uv);

/*
 * bench_rig_set_dac_calibration() - use another calibration record for DAC
 * channel @index (e.g. a loopback calibration from the results store): its code
 * map is recomputed in calib.c from the fixture chain and @gain (measured /
 * nominal) and @offset_uv (at the DUT). Not while an output stream plays.
 * Return: 0, or -EINVAL (no such channel, @gain not > 0, a value not finite, or
 * the output is live).
 */
int bench_rig_set_dac_calibration(struct bench_rig *rig, size_t index, double gain,
				  double offset_uv);

/*
 * The resolution (one code) of channel @ch of capture @index in uV at the DUT input,
 * through the channel's scale and gain; 0 if out of range or not opened.
 */
double bench_rig_capture_lsb_uv(const struct bench_rig *rig, size_t index, size_t ch);

/**
 * bench_rig_capture_range_uv() - the uV range channel @ch of capture @index can
 * report (the converter's code range through the channel's scale and gain).
 * Return: 0, -EINVAL (out of range or not opened).
 */
int bench_rig_capture_range_uv(const struct bench_rig *rig, size_t index, size_t ch,
			       double *ret_min_uv, double *ret_max_uv);

/**
 * bench_rig_read_attr() - read an attribute of a device on the rig's context.
 * @device: IIO device name or id.
 * @channel: NULL for a device attribute, else the channel id (input first).
 * @debug:  true for a debug attribute (device only).
 * Return: 0, -ENODEV, -ENOENT, or libiio's errno.
 */
int bench_rig_read_attr(struct bench_rig *rig, const char *device, const char *channel,
			const char *attr, bool debug, char *buf, size_t size);

/* As bench_rig_read_attr(), writing @value. */
int bench_rig_write_attr(struct bench_rig *rig, const char *device, const char *channel,
			 const char *attr, bool debug, const char *value);

/**
 * bench_rig_power_up() - the DUT power-up sequence of the fixture's <power-up>.
 *
 * dut-power active; wait settle-ms; if a ready line exists, wait until it is
 * active (ready-timeout-ms); if a dut-reset line exists and reset-pulse-ms > 0,
 * pulse it. Without a <power-up> element only the power line is switched on.
 * On failure the DUT is powered off again.
 * Return: 0, -ENOENT (no dut-power line), -ETIMEDOUT (ready never came), -EIO.
 */
int bench_rig_power_up(struct bench_rig *rig);

/* Powers the DUT off (dut-power inactive). Return: 0, -ENOENT, -EIO. */
int bench_rig_power_down(struct bench_rig *rig);

#endif /* BENCH_HW_RIG_H */
