/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event and decoder metrics (test-catalogue.md 2C, B13): matching detected
 * events to reference events within a tolerance window (spikes C6,
 * closed-loop responses B13, latency by event matching), classification
 * accuracy with a confusion matrix and Cohen's kappa (C1), Wolpaw ITR (C2),
 * and SzCORE event scoring of seizure detections (C7).
 *
 * Event times are int64_t nanoseconds on one clock (common/clock.h);
 * seizure intervals are in seconds (double) as in SzCORE. Ratios are in
 * [0, 1]; a ratio with a zero denominator is NaN (bench_limit_judge() then
 * gives ERROR rather than a pass on no data).
 */
#ifndef BENCH_SCORE_EVENTS_H
#define BENCH_SCORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct bench_match {
	uint64_t tp, fp, fn;
	double sensitivity; /* tp / (tp + fn), recall */
	double precision;   /* tp / (tp + fp) */
	double accuracy;    /* tp / (tp + fn + fp), SpikeInterface's "accuracy" */
	double f1;	    /* 2 tp / (2 tp + fp + fn) */
};

/**
 * bench_score_match_events() - one-to-one matching within a window.
 * @ref_ns:        @n_ref reference event times, sorted ascending, borrowed.
 * @det_ns:        @n_det detected event times, sorted ascending, borrowed.
 * @before_ns:     a detection may precede its reference by up to this (>= 0).
 * @after_ns:      a detection may follow its reference by up to this (>= 0);
 *                 e.g. 0.4 ms each side for spikes (C6), or before 0 and
 *                 after = the latency budget for closed-loop responses.
 * @ret:           receives the counts and ratios.
 * @ret_delay_ns:  optional (may be NULL), caller's array of n_ref entries;
 *                 entry i receives det - ref of the detection matched to
 *                 reference i, or INT64_MIN when reference i was missed.
 *                 These are the per-event latencies.
 *
 * Matching is greedy in time order: each reference takes the earliest
 * unmatched detection inside [ref - before, ref + after]. Because every
 * window has the same length, this gives the largest possible number of
 * matches.
 *
 * Return: 0, -EINVAL for unsorted input or a negative window.
 */
int bench_score_match_events(const int64_t *ref_ns, size_t n_ref, const int64_t *det_ns,
			     size_t n_det, int64_t before_ns, int64_t after_ns,
			     struct bench_match *ret, int64_t *ret_delay_ns);

/**
 * bench_score_proportion_u() - standard uncertainty of a ratio of event counts.
 * @successes:  numerator (e.g. tp), <= @trials.
 * @trials:     denominator (e.g. tp + fn for sensitivity, tp + fp for precision,
 *              tp + fn + fp for accuracy, trials for classification accuracy), >= 1.
 * @ret_u:      receives u = (high - low) / 2 of the two-sided Clopper-Pearson interval
 *              at the 68.27 % level (the coverage of +-1 standard deviation), so that
 *              U = 2 u spans roughly the 95 % interval. Unlike sqrt(p (1 - p) / n) it is
 *              not 0 at p = 0 or p = 1: 20 of 20 detections is not a certainty.
 *
 * The counts are treated as binomial (independent events with one common probability).
 *
 * Return: 0, -EINVAL for trials == 0 or successes > trials.
 */
int bench_score_proportion_u(uint64_t successes, uint64_t trials, double *ret_u);

/**
 * bench_score_confusion() - confusion matrix of a classification run.
 * @truth, @pred: @n class labels in [0, n_classes), borrowed.
 * @n_classes:    2..64.
 * @ret_matrix:   caller's n_classes * n_classes array; [t * n_classes + p]
 *                counts trials of true class t predicted as p.
 *
 * Return: 0, -EINVAL for a label out of range or bad sizes.
 */
int bench_score_confusion(const int *truth, const int *pred, size_t n, unsigned n_classes,
			  uint64_t *ret_matrix);

struct bench_classification {
	uint64_t trials, correct;
	double accuracy; /* correct / trials (p_o) */
	double chance;	 /* p_e, expected agreement from the marginals */
	double kappa;	 /* Cohen's kappa (p_o - p_e) / (1 - p_e); NaN if p_e == 1 */
};

/* Accuracy and Cohen's kappa from a confusion matrix. Return: 0, -EINVAL (no trials). */
int bench_score_classification(const uint64_t *matrix, unsigned n_classes,
			       struct bench_classification *ret);

/**
 * bench_score_itr_bits() - Wolpaw information transfer per selection.
 * @n_classes: N >= 2 equally likely targets.
 * @p:         accuracy P in [0, 1].
 *
 * B = log2 N + P log2 P + (1 - P) log2((1 - P)/(N - 1)) (Wolpaw 2002), with
 * 0 log 0 = 0. Valid only for equiprobable targets, memoryless selection and
 * evenly spread errors (Speier 2013). For P <= 1/N the formula is not
 * meaningful and 0 is returned.
 *
 * Return: bits per selection, NaN for bad arguments.
 */
double bench_score_itr_bits(unsigned n_classes, double p);

/**
 * bench_score_itr_bits_per_min() - B * 60 / T.
 * @selection_s: time per selection T in seconds, including every pause.
 *
 * Example: N = 40, P = 0.9, T = 1.5 s: 4.32 bits/selection, 173 bits/min.
 */
double bench_score_itr_bits_per_min(unsigned n_classes, double p, double selection_s);

/**
 * bench_score_detection_threshold() - smallest amplitude reliably detected (B12, spikes vs SNR).
 * @amp:        @n stimulus amplitudes (e.g. uV), strictly increasing, borrowed.
 * @rate:       detection rate (sensitivity, 0..1) measured at each amplitude.
 * @target:     the rate that defines "detected", e.g. 0.5 or 0.9, in (0, 1].
 * @ret_amp:    receives the amplitude where the rate first reaches @target
 *              walking up from the smallest amplitude, interpolated linearly
 *              between the two bracketing points (the lowest amplitude itself
 *              if it already reaches the target).
 *
 * Return: 0, -EINVAL, -ENOENT if no amplitude reaches the target.
 */
int bench_score_detection_threshold(const double *amp, const double *rate, size_t n, double target,
				    double *ret_amp);

/* A seizure (or any) event interval in seconds from the start of the recording. */
struct bench_interval {
	double start_s, end_s; /* start < end */
};

/* SzCORE event-scoring parameters (Dan et al. 2025, `timescoring` defaults). */
struct bench_szcore_params {
	double tol_before_s; /* 30: a detection may start up to this before onset */
	double tol_after_s;  /* 60: ... and end up to this after offset */
	double min_overlap;  /* 0: any overlap counts */
	double max_event_s;  /* 300: longer events are split into 5-minute pieces */
	double min_gap_s;    /* 90: events closer than this are merged */
};

/* Fills the SzCORE defaults above. */
void bench_szcore_params_default(struct bench_szcore_params *p);

struct bench_szcore {
	uint64_t ref_events; /* after merging and splitting */
	uint64_t hyp_events; /* after merging and splitting */
	uint64_t tp, fp;
	double sensitivity; /* tp / ref_events (NaN if none) */
	double precision;   /* tp / (tp + fp) (NaN if none) */
	double f1;	    /* NaN if either is NaN; 0 if both are 0 */
	double fp_per_24h;  /* fp / (duration in days) */
};

/**
 * bench_score_szcore() - event-based seizure scoring with SzCORE rules.
 * @ref, @hyp:   reference and detected intervals in seconds, sorted by start,
 *               borrowed.
 * @duration_s:  length of the recording (> 0), for FP per 24 h and to clip
 *               the tolerance extension.
 * @params:      NULL for the defaults.
 * @ret:         receives the scores.
 *
 * Same order of operations as the reference `timescoring` EventScoring:
 * merge events separated by less than min_gap_s, split events longer than
 * max_event_s, extend each reference by [-tol_before, +tol_after] (clipped
 * to the recording); a reference is a TP if the detections cover more than
 * min_overlap of its extended interval (any overlap by default); a detection
 * is a FP if any part of it lies outside the union of the extended intervals
 * of the references counted as TP. Computed on continuous time (the
 * reference library works on a 10 Hz mask, so edges can differ by 0.1 s).
 *
 * Return: 0, -EINVAL for unsorted or empty intervals or bad parameters,
 * -ENOMEM.
 */
int bench_score_szcore(const struct bench_interval *ref, size_t n_ref,
		       const struct bench_interval *hyp, size_t n_hyp, double duration_s,
		       const struct bench_szcore_params *params, struct bench_szcore *ret);

#endif /* BENCH_SCORE_EVENTS_H */
