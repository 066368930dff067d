/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plot data for the dossier, computed by the engine from a trial's capture and stored with
 * the trial as small inline CSV artifacts of kind "plot-<kind>" (docs/dossier.md, "Plots
 * from the record"). Which plots a test gets follows from its protocol:
 *
 *   plot-overlay    stimulus vs response, a window of at most 1 s after the settling time
 *                   (min/max decimated to <= 600 points per series); the stimulus is
 *                   regenerated with the trial's seed at the capture rate (signal-gen is
 *                   deterministic), channel 0 of each
 *   plot-psd        Welch PSD of channel 0 of the response in dB re 1 unit^2/Hz, bins
 *                   thinned on a log scale to <= 400 points
 *   plot-bode       |H| in dB and phase in degrees, when the stimulus covers frequencies:
 *                   at the tones of a multi-sine (>= 3 sine sources), or at 80 log-spaced
 *                   frequencies of a sweep (f0_hz/f1_hz parameters, e.g. a chirp);
 *                   H = Y/X from Hann-windowed DFTs of response and regenerated stimulus
 *   plot-histogram  latencies (ms) of the matched events, for "latency" metrics
 *   plot-confusion  k x k counts (true x predicted), for accuracy/kappa/itr metrics, from
 *                   every trial (the dossier sums them)
 *   plot-raster     truth spikes, DUT detections and matched detections (first 2 s), for
 *                   event_* metrics on spike ground truth
 *   plot-charge     cathodic and net charge per biphasic pulse (nC), first 200 pulses, on a
 *                   stim-monitor input (current = sense voltage / the "sense" param, ohm)
 *
 * Every plot holds at most 2000 points. Units: times s (raster) or ms (latency),
 * frequencies Hz, values in the capture's unit (uV input-referred), or uA for a stimulator's
 * output (the monitor's sense voltage over the first metric's "sense" param, as
 * measure-stim.c reads it; no PSD for it).
 * A plot that cannot be made (no data, not applicable) is simply absent: plots never
 * change a verdict and never fail a trial.
 */
#ifndef BENCH_ENGINE_PLOTS_H
#define BENCH_ENGINE_PLOTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "engine/engine.h"
#include "store/store.h"

#define BENCH_ENGINE_MAX_PLOTS 6
#define BENCH_ENGINE_PLOT_MAX_POINTS 2000

struct bench_engine_plot {
	char kind[24];	      /* artifact kind, "plot-psd" ... */
	struct bench_buf csv; /* "series,<x label>,<y label>" then "name,x,y" lines */
};

struct bench_engine_plots {
	size_t n;
	struct bench_engine_plot plot[BENCH_ENGINE_MAX_PLOTS];
};

/**
 * bench_engine_plots_make() - the plots of one trial.
 * @p:     the protocol (instance) of the trial.
 * @trial: the trial's index in its test: trial 0 gets every plot that applies, later
 *         trials only the confusion matrix (summed over trials by reports/load.c).
 * @seed:  the trial's stimulus seed (to regenerate the stimulus).
 * @cap:  its capture.
 * @ret:  zeroed by the caller; receives 0..BENCH_ENGINE_MAX_PLOTS plots. Free with
 *        bench_engine_plots_clear() whatever happened.
 */
void bench_engine_plots_make(const struct bench_protocol *p, unsigned trial, uint64_t seed,
			     const struct bench_engine_capture *cap,
			     struct bench_engine_plots *ret);

/*
 * Fills up to @max artifact descriptors (inline blobs, media type text/csv) borrowing the
 * buffers of @pl, which must outlive the store commit. Return: the number filled.
 */
size_t bench_engine_plots_artifacts(const struct bench_engine_plots *pl,
				    struct bench_store_artifact *arts, size_t max);

/* Frees the buffers and zeroes @pl. Accepts NULL. */
void bench_engine_plots_clear(struct bench_engine_plots *pl);

#endif /* BENCH_ENGINE_PLOTS_H */
