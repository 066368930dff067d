/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loopback self-calibration: play a known sine on one DAC channel (all others
 * at 0 uV), capture the bench ADC channel that taps it (loopback-of= in the
 * fixture), align by cross-correlation and fit measured = g * commanded + o by
 * least squares. From g and o and the channel's current calibration record the
 * corrected record follows (cal_gain_new = g * cal_gain, cal_offset_new = o +
 * g * cal_offset). Uncertainties are the standard errors of the fit (type A);
 * the loopback ADC's own calibration uncertainty is not included.
 * Units: uV at the DUT, Hz, s.
 */
#ifndef BENCH_HW_SELFCAL_H
#define BENCH_HW_SELFCAL_H

#include <stddef.h>

#include "hw/align.h"

struct bench_rig;
struct bench_envelope_violation;

struct bench_selfcal_result {
	const char *channel;  /* DAC channel name (borrowed from the fixture) */
	const char *loopback; /* the capture channel used */
	double amplitude_uv;  /* commanded sine amplitude */
	double freq_hz;
	double gain;   /* measured / commanded */
	double u_gain; /* standard uncertainty of gain */
	double offset_uv;
	double u_offset_uv;
	double cal_gain_new; /* corrected calibration record */
	double cal_offset_new_uv;
	double residual_rms_uv; /* of the fit */
	struct bench_alignment align;
	size_t frames;
};

/**
 * bench_selfcal_channel() - loopback calibration of DAC channel @dac_index.
 * @amplitude_uv: sine amplitude; 0 = half the channel's max-abs-uv, reduced
 *                until the sine respects max-slew.
 * @seconds:      stimulus length (> 0).
 * Return: 0; -ENOENT (no loopback channel taps it), -EINVAL (loopback rate
 * differs from the DAC rate), -ENODATA (no correlation: nothing came back),
 * -ERANGE (envelope), or a stream error.
 */
int bench_selfcal_channel(struct bench_rig *rig, size_t dac_index, double amplitude_uv,
			  double seconds, struct bench_selfcal_result *ret,
			  struct bench_envelope_violation *reterr);

#endif /* BENCH_HW_SELFCAL_H */
