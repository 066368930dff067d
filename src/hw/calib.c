// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-channel code maps; see calib.h for the formulas.
 */
#include "hw/calib.h"

#include <errno.h>
#include <math.h>

#include "fixture/fixture.h"

int bench_calib_dac_init(const struct bench_fixture_dac_channel *ch, double scale_v_per_code,
			 unsigned bits, bool is_signed, struct bench_calib_dac *ret)
{
	double uv_per_code;

	if (!ch || !ret || !(scale_v_per_code > 0) || !(ch->attenuation_uv_per_v > 0) ||
	    !(ch->cal_gain > 0) || bits < 1 || bits > 32)
		return -EINVAL;
	uv_per_code = scale_v_per_code * ch->attenuation_uv_per_v * ch->cal_gain;
	ret->codes_per_uv = 1.0 / uv_per_code;
	ret->offset_uv = ch->cal_offset_uv;
	if (is_signed) {
		ret->code_min = bits == 32 ? INT32_MIN : -(int32_t)(UINT32_C(1) << (bits - 1));
		ret->code_max = bits == 32 ? INT32_MAX : (int32_t)((UINT32_C(1) << (bits - 1)) - 1);
	} else {
		/* Unsigned codes: 0 V is still code 0 (the IIO ABI has no offset here). */
		ret->code_min = 0;
		ret->code_max = bits >= 31 ? INT32_MAX : (int32_t)((UINT32_C(1) << bits) - 1);
	}
	return 0;
}

int bench_calib_dac_code(const struct bench_calib_dac *c, double uv, int32_t *ret_code)
{
	double code;

	if (!isfinite(uv))
		return -ERANGE;
	code = nearbyint((uv - c->offset_uv) * c->codes_per_uv);
	if (code < (double)c->code_min || code > (double)c->code_max)
		return -ERANGE;
	*ret_code = (int32_t)code;
	return 0;
}

double bench_calib_dac_uv(const struct bench_calib_dac *c, int32_t code)
{
	return (double)code / c->codes_per_uv + c->offset_uv;
}

int bench_calib_adc_init(const struct bench_fixture_capture_channel *ch, double scale_v_per_code,
			 struct bench_calib_adc *ret)
{
	if (!ch || !ret || !(scale_v_per_code > 0) || !(ch->gain > 0))
		return -EINVAL;
	ret->uv_per_code = scale_v_per_code * 1e6 / ch->gain;
	return 0;
}
