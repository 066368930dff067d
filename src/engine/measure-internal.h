/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to src/engine: the pieces shared by the metric routing files.
 *
 * measure.c routes a protocol metric to a function by its name, through the tables
 * declared here; each measure-<family>.c file owns one table and the functions in it:
 *   measure-frontend.c  noise, sine fits, gain, time base, SINAD/ENOB/THD/SFDR, CMRR,
 *                       crosstalk, skew, dropouts (catalogue A1-A13)
 *   measure-events.c    event matching, latency, classification (A14, C1-C6, B12-B13)
 *   measure-stim.c      stimulation pulses and safety (B1, B4, B7, shutdown)
 *   measure-response.c  frequency response, impedance, DC offset, saturation recovery
 *                       (A3, A5, A6, A12)
 *   measure-reliability.c  pass rate, power-cycle recovery, drift (D1-D5)
 * A table entry has either @channel (called once per channel on the samples after the
 * settling time, reduced over channels by measure.c) or @whole (called once with the
 * whole capture). Names ending in '*' match by prefix. Errors: negative errno with a
 * short reason in reterr; values are in the protocol metric's unit.
 */
#ifndef BENCH_ENGINE_MEASURE_INTERNAL_H
#define BENCH_ENGINE_MEASURE_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "engine/engine.h"

#define MEASURE_ERRF(...) (reterr ? snprintf(reterr, errlen, __VA_ARGS__) : 0)

/* Per-channel computation on n samples of one channel (settling time removed). */
typedef int (*bench_measure_channel_fn)(const struct bench_protocol *p,
					const struct bench_protocol_metric *m,
					const struct bench_engine_trace *t, const double *x,
					size_t n, double *ret_v, double *ret_u, char *reterr,
					size_t errlen);

/* Whole-capture computation: @t is the metric's trace (bench_measure_trace_for()). */
typedef int (*bench_measure_whole_fn)(const struct bench_protocol *p,
				      const struct bench_protocol_metric *m,
				      const struct bench_protocol_criterion *cr,
				      const struct bench_engine_capture *cap,
				      const struct bench_engine_trace *t,
				      struct bench_quantity *ret_q, char *reterr, size_t errlen);

struct bench_measure_route {
	const char *name; /* metric name; "prefix*" matches by prefix; NULL ends a table */
	bench_measure_channel_fn channel;
	bench_measure_whole_fn whole;
};

extern const struct bench_measure_route bench_measure_routes_frontend[];
extern const struct bench_measure_route bench_measure_routes_events[];
extern const struct bench_measure_route bench_measure_routes_stim[];
extern const struct bench_measure_route bench_measure_routes_response[];
extern const struct bench_measure_route bench_measure_routes_reliability[];

/* Metric parameters: bench_protocol_metric_param() and _param_num() (protocol.h). */
/* A numeric <param name="NAME" value="V"/> of the first stimulus source that has it:
 * 0, -ENOENT (none), -EINVAL (the stimulus XML does not parse). */
int bench_measure_stimulus_param(const struct bench_protocol *p, const char *name, double *ret);
/* The trace a metric reads: param "input" or the protocol's first input role; or NULL. */
const struct bench_engine_trace *bench_measure_trace_for(const struct bench_protocol *p,
							 const struct bench_protocol_metric *m,
							 const struct bench_engine_capture *cap);
/* One past the last frame of @t that responds to the stimulus (the capture tail excluded). */
size_t bench_measure_stim_end(const struct bench_engine_trace *t);

/*
 * The labelled trials of a classification protocol (SSVEP, MI, ERP, P300 speller
 * selection truth events after the settling time) paired with the DUT's first class
 * decision (event code 2) in each trial, within the metric's "window" / "max-delay"
 * params (a speller selection: from the end of its flashes to "max-delay" after, and
 * before the next selection); no decision counts as wrong.
 * @n_classes: in, the protocol's class count or 0; out, raised to cover every label.
 * On success *ret_truth, *ret_pred (labels) and *ret_start (trial starts, s) are
 * malloc'd arrays of *ret_n entries the caller frees. Used by the metrics and the
 * dossier's confusion matrix, so both show the same decisions.
 * Return: 0, -ENODATA (no event channel, no labelled trials, or < 2 or > 64 classes),
 * -ENOMEM.
 */
int bench_measure_classify_trials(const struct bench_protocol_metric *m,
				  const struct bench_engine_capture *cap,
				  const struct bench_engine_trace *t, unsigned *n_classes,
				  int **ret_truth, int **ret_pred, double **ret_start,
				  size_t *ret_n);

#endif /* BENCH_ENGINE_MEASURE_INTERNAL_H */
