// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Response metrics (catalogue A3, A5, A6, A12): frequency response corners and time
 * constant, input impedance, DC-offset gain change, saturation recovery.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"
#include "engine/measure-internal.h"
#include "score/frontend.h"

const struct bench_measure_route bench_measure_routes_response[] = {
	{ NULL, NULL, NULL },
};
