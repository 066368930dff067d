/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calibration: the one place where microvolts at the DUT become converter
 * codes (DAC) and codes become microvolts (capture), per channel.
 *
 * DAC:     v_dac = (uv - cal_offset_uv) / (cal_gain * attenuation_uv_per_v)
 *          code  = round(v_dac / scale_v_per_code), refused outside the
 *                  converter's code range (never clipped).
 * Capture: uv    = code * scale_v_per_code * 1e6 / gain (the IIO raw x scale rule).
 *
 * The fixture gives the nominal chain and the calibration record (gain/offset
 * from the last `bcibench calibrate`); src/hw fills in the device's own scale
 * and code range when the fixture leaves them out.
 */
#ifndef BENCH_HW_CALIB_H
#define BENCH_HW_CALIB_H

#include <stdbool.h>
#include <stdint.h>

struct bench_fixture_dac_channel;
struct bench_fixture_capture_channel;

struct bench_calib_dac {
	double codes_per_uv; /* 1 / (scale * attenuation * gain) */
	double offset_uv;    /* subtracted before scaling */
	int32_t code_min;    /* converter range, inclusive */
	int32_t code_max;
};

struct bench_calib_adc {
	double uv_per_code;
};

/**
 * bench_calib_dac_init() - the code map of one DAC channel.
 * @ch:               fixture channel; borrowed.
 * @scale_v_per_code: the channel's scale (fixture value or device attribute), > 0.
 * @bits:             converter resolution (1..32).
 * @is_signed:        two's complement codes when true, offset-binary range otherwise.
 * @ret:              receives the map; untouched on failure.
 *
 * Return: 0, -EINVAL (non-positive scale/attenuation/gain or bad @bits).
 */
int bench_calib_dac_init(const struct bench_fixture_dac_channel *ch, double scale_v_per_code,
			 unsigned bits, bool is_signed, struct bench_calib_dac *ret);

/**
 * bench_calib_dac_code() - the code that puts @uv at the DUT.
 * Return: 0, or -ERANGE when the code is outside the converter's range or @uv
 * is not finite (*ret_code untouched).
 */
int bench_calib_dac_code(const struct bench_calib_dac *c, double uv, int32_t *ret_code);

/* Inverse of bench_calib_dac_code(): the uV at the DUT that @code produces. */
double bench_calib_dac_uv(const struct bench_calib_dac *c, int32_t code);

/* Capture map. Return: 0 or -EINVAL (non-positive scale or gain). */
int bench_calib_adc_init(const struct bench_fixture_capture_channel *ch, double scale_v_per_code,
			 struct bench_calib_adc *ret);

static inline double bench_calib_adc_uv(const struct bench_calib_adc *c, int64_t code)
{
	return (double)code * c->uv_per_code;
}

#endif /* BENCH_HW_CALIB_H */
