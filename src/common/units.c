// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit names; see units.h.
 */
#include "common/units.h"

#include <errno.h>
#include <string.h>

static const char *const unit_names[BENCH_UNIT_COUNT] = {
	[BENCH_UNIT_NONE] = "1",	  [BENCH_UNIT_UV] = "uV",
	[BENCH_UNIT_MV] = "mV",		  [BENCH_UNIT_V] = "V",
	[BENCH_UNIT_NA] = "nA",		  [BENCH_UNIT_UA] = "uA",
	[BENCH_UNIT_MA] = "mA",		  [BENCH_UNIT_UC] = "uC",
	[BENCH_UNIT_NC] = "nC",		  [BENCH_UNIT_UC_PER_CM2] = "uC/cm2",
	[BENCH_UNIT_HZ] = "Hz",		  [BENCH_UNIT_S] = "s",
	[BENCH_UNIT_MS] = "ms",		  [BENCH_UNIT_US] = "us",
	[BENCH_UNIT_DB] = "dB",		  [BENCH_UNIT_PERCENT] = "%",
	[BENCH_UNIT_PPM] = "ppm",	  [BENCH_UNIT_PPM_PER_H] = "ppm/h",
	[BENCH_UNIT_OHM] = "ohm",	  [BENCH_UNIT_MOHM] = "Mohm",
	[BENCH_UNIT_BITS] = "bit",	  [BENCH_UNIT_BITS_PER_MIN] = "bit/min",
	[BENCH_UNIT_SAMPLES] = "samples", [BENCH_UNIT_PER_24H] = "1/24h",
};

const char *bench_unit_name(enum bench_unit unit)
{
	if ((unsigned)unit >= BENCH_UNIT_COUNT)
		return "?";
	return unit_names[unit];
}

int bench_unit_parse(const char *name, enum bench_unit *ret_unit)
{
	unsigned i;

	if (!name)
		return -EINVAL;
	if (strcmp(name, "\xc2\xb5V") == 0) { /* U+00B5 MICRO SIGN */
		*ret_unit = BENCH_UNIT_UV;
		return 0;
	}
	for (i = 0; i < BENCH_UNIT_COUNT; i++) {
		if (strcmp(name, unit_names[i]) == 0) {
			*ret_unit = (enum bench_unit)i;
			return 0;
		}
	}
	return -EINVAL;
}
