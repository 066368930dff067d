/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Physical units. Every identifier that holds a quantity carries its unit in
 * its name (_uv, _mv, _v, _na, _ua, _ma, _hz, _ns, _us, _ms, _s, _ohm, _db,
 * _ppm). These helpers convert between the scales used in the project and
 * name the unit strings stored in the record, so that a measurement in uV is
 * never compared with a limit in mV (score/verdict.h refuses mismatches).
 *
 * Time on the bench is int64_t nanoseconds on the monotonic clock
 * (common/clock.h); +-292 years fit, so no overflow checks are needed for
 * durations of a run.
 */
#ifndef BENCH_COMMON_UNITS_H
#define BENCH_COMMON_UNITS_H

#include <math.h>
#include <stdint.h>

#define BENCH_NS_PER_US INT64_C(1000)
#define BENCH_NS_PER_MS INT64_C(1000000)
#define BENCH_NS_PER_S INT64_C(1000000000)

static inline double bench_uv_from_v(double v)
{
	return v * 1e6;
}

static inline double bench_v_from_uv(double uv)
{
	return uv * 1e-6;
}

static inline double bench_uv_from_mv(double mv)
{
	return mv * 1e3;
}

static inline double bench_s_from_ns(int64_t ns)
{
	return (double)ns * 1e-9;
}

/* Rounds to the nearest nanosecond; saturates at the int64_t range. */
static inline int64_t bench_ns_from_s(double s)
{
	double ns = s * 1e9;

	if (ns >= 9.2e18)
		return INT64_MAX;
	if (ns <= -9.2e18)
		return INT64_MIN;
	return (int64_t)llround(ns);
}

/* Duration of @frames samples at @rate_hz, in ns (rounded). */
static inline int64_t bench_ns_from_frames(uint64_t frames, double rate_hz)
{
	return bench_ns_from_s((double)frames / rate_hz);
}

/* Amplitude ratio to decibels: 20*log10(ratio). */
static inline double bench_db_from_ratio(double ratio)
{
	return 20.0 * log10(ratio);
}

static inline double bench_ratio_from_db(double db)
{
	return pow(10.0, db / 20.0);
}

/* Relative frequency error in parts per million. */
static inline double bench_ppm(double measured, double nominal)
{
	return (measured - nominal) / nominal * 1e6;
}

/*
 * Unit codes used in protocols, limits and the record. Strings are the
 * canonical spellings written to XML and SQLite.
 */
enum bench_unit {
	BENCH_UNIT_NONE,	 /* dimensionless ratio or count: "1" */
	BENCH_UNIT_UV,		 /* microvolt */
	BENCH_UNIT_MV,		 /* millivolt */
	BENCH_UNIT_V,		 /* volt */
	BENCH_UNIT_NA,		 /* nanoampere */
	BENCH_UNIT_UA,		 /* microampere */
	BENCH_UNIT_MA,		 /* milliampere */
	BENCH_UNIT_UC,		 /* microcoulomb */
	BENCH_UNIT_NC,		 /* nanocoulomb */
	BENCH_UNIT_UC_PER_CM2,	 /* microcoulomb per square centimetre */
	BENCH_UNIT_HZ,		 /* hertz */
	BENCH_UNIT_S,		 /* second */
	BENCH_UNIT_MS,		 /* millisecond */
	BENCH_UNIT_US,		 /* microsecond */
	BENCH_UNIT_DB,		 /* decibel */
	BENCH_UNIT_PERCENT,	 /* percent */
	BENCH_UNIT_PPM,		 /* parts per million */
	BENCH_UNIT_PPM_PER_H,	 /* parts per million per hour */
	BENCH_UNIT_OHM,		 /* ohm */
	BENCH_UNIT_MOHM,	 /* megaohm */
	BENCH_UNIT_BITS,	 /* bits (ENOB, ITR per selection) */
	BENCH_UNIT_BITS_PER_MIN, /* information transfer rate */
	BENCH_UNIT_SAMPLES,	 /* a count of samples */
	BENCH_UNIT_PER_24H,	 /* events per 24 hours */
	BENCH_UNIT_COUNT,
};

/* Canonical string ("uV", "Hz", ...); "?" for an unknown code. */
const char *bench_unit_name(enum bench_unit unit);

/**
 * bench_unit_parse() - map a canonical unit string to its code.
 * @name:     e.g. "uV"; "µV" is accepted as a synonym of "uV".
 * @ret_unit: receives the code on success.
 *
 * Return: 0, or -EINVAL for an unknown unit.
 */
int bench_unit_parse(const char *name, enum bench_unit *ret_unit);

#endif /* BENCH_COMMON_UNITS_H */
