/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference DUT models of the emulated rig and their standard suites, shared by
 * `bcibench demo` and `bcibench qualify`. Paths are relative to the data root
 * (bench_cli_data_root()): the source tree, or $BCIBENCH_DATA for an installed bench.
 */
#ifndef BENCH_CLI_REFERENCE_DUTS_H
#define BENCH_CLI_REFERENCE_DUTS_H

#include <stddef.h>

struct bench_reference_dut {
	const char *model;   /* emulated DUT model = fixtures/sim/<model>.rig.xml */
	const char *fixture; /* bench-side fixture */
	const char *suite;   /* the model's standard suite */
	const char *profile; /* DUT profile (datasheet claims, serial format) */
	const char *serial;  /* a serial that matches the profile's format */
	/*
	 * The short screening suite of `bcibench qualify --suites screening` (the same
	 * protocols, fewer and shorter trials; the standard suite where it is short already).
	 */
	const char *screen_suite;
};

extern const struct bench_reference_dut bench_reference_duts[];
extern const size_t bench_n_reference_duts;

/* Finds a model by name; NULL if unknown. */
const struct bench_reference_dut *bench_reference_dut_find(const char *model);

/* Where fixtures/, protocols/ and schemas/ are: $BCIBENCH_DATA, else the source tree. */
const char *bench_cli_data_root(void);

/* Joins the data root and @rel into @buf. */
void bench_cli_data_path(char *buf, size_t size, const char *rel);

#endif /* BENCH_CLI_REFERENCE_DUTS_H */
