/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run: plan -> trials -> stimulus and capture (through an I/O interface) -> metrics ->
 * verdicts -> store, one transaction per trial, with retests and resume.
 *
 * The engine is independent of the hardware: it drives a struct bench_engine_io, whose
 * implementation over src/hw, the fixture's lines and signal-gen is in engine/rig-io.h
 * (tests use their own). For each plan test the engine records a test row; for each
 * trial attempt it commits one trial with its measurements (one per acceptance
 * criterion, plus metrics without a criterion recorded as SKIPPED, i.e. not judged).
 *
 * Verdicts (score/verdict.h): a trial's verdict is the worst of its criteria; an
 * attempt's verdict is the worst of its trials; a test's final verdict combines its
 * attempts with the protocol's (or the suite group's) retest rule. A metric the engine
 * cannot compute, a capture that failed or a record that could not be written is ERROR,
 * never PASS. Units: values in the unit of the protocol metric; times in ns.
 *
 * Resume: with @resume_run_id the engine takes over an interrupted run, keeps every
 * trial already committed (its stored verdict) and runs the rest with the same plan,
 * hence the same seeds and stimuli.
 */
#ifndef BENCH_ENGINE_ENGINE_H
#define BENCH_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/protocol.h"
#include "score/verdict.h"
#include "store/store.h"

struct bench_buf;

/* One captured input of a trial, as the I/O layer hands it to the engine. */
struct bench_engine_trace {
	char role[32];	      /* protocol capture role: "dut-data", "stim-monitor", ... */
	double rate_hz;	      /* sample rate of this trace */
	size_t n_channels;    /* channels in @uv */
	size_t n_frames;      /* frames per channel */
	double *uv;	      /* planar: channel c at uv[c * n_frames + i]; uV input-referred */
	uint32_t *events;     /* n_frames event codes (0 = none), or NULL */
	int64_t *ts_ns;	      /* n_frames device timestamps, or NULL */
	double lsb_uv;	      /* resolution of the converter in uV, 0 if unknown */
	size_t settle_frames; /* frames at the start to discard (the protocol's settle-s) */
	/*
	 * Frames from the start that respond to the stimulus (its duration at this rate);
	 * the rest is the capture tail after the stimulus, kept for late events. Signal
	 * metrics read frames settle_frames..stim_frames-1. 0: the whole trace.
	 */
	size_t stim_frames;
};

/* What the stimulus generator put in, as ground truth for the metrics. */
struct bench_engine_truth_event {
	int type;	 /* siggen event type */
	int32_t channel; /* stimulus channel or -1 */
	double start_s;	 /* from the stimulus start */
	double end_s;
	double peak_s; /* extremum (spikes), else = start_s */
	int32_t label;
	double amplitude_uv;
	double value;
};

struct bench_engine_capture {
	size_t n_traces;
	struct bench_engine_trace traces[4];
	size_t n_truth;
	struct bench_engine_truth_event *truth; /* malloc'd, may be NULL */
	char note[256];				/* what the I/O layer wants recorded, or "" */
};

/* Frees the arrays of @cap and zeroes it. Accepts NULL. */
void bench_engine_capture_clear(struct bench_engine_capture *cap);

/*
 * The I/O the engine drives. Each function returns 0 or a negative errno; a negative
 * value makes the step ERROR (and is recorded), it never aborts the run unless it is
 * -ECANCELED / -EINTR (the operator or a signal stopped the run).
 */
struct bench_engine_io {
	void *ctx;
	/* Runs setup/teardown/before-trial steps through the fixture's lines. */
	int (*steps)(void *ctx, const struct bench_protocol_steps *steps, const char *what);
	/*
	 * Plays the stimulus of @protocol (its stimulus_xml) with @seed for the
	 * protocol's capture duration and captures its inputs into @ret (zeroed by the
	 * caller; the engine frees it with bench_engine_capture_clear()).
	 */
	int (*trial)(void *ctx, const struct bench_protocol *protocol, uint64_t seed,
		     struct bench_engine_capture *ret);
	/* DAC to zero and lines to their safe levels; @reason is recorded. Idempotent. */
	int (*safe_state)(void *ctx, const char *reason);
};

/* Progress callbacks (all optional). */
struct bench_engine_progress {
	void *ctx;
	void (*test_start)(void *ctx, size_t test, size_t n_tests, const char *name,
			   unsigned attempt);
	void (*trial_done)(void *ctx, size_t done, size_t total, const char *name,
			   enum bench_verdict verdict);
	void (*test_end)(void *ctx, size_t test, const char *name, enum bench_verdict verdict,
			 unsigned attempts, const char *detail);
};

struct bench_engine_options {
	const struct bench_plan *plan; /* borrowed */
	struct bench_store *store;     /* borrowed; required: no record, no run */
	const struct bench_engine_io *io;
	struct bench_engine_progress progress;
	const char *dut_serial; /* required */
	const char *dut_model;	/* NULL: the DUT profile's model, else "unknown" */
	const char *dut_manufacturer;
	const char *operator_login; /* NULL: the process user */
	const char *fixture_path;   /* recorded with its content; may be NULL */
	enum bench_store_run_type run_type;
	int64_t resume_run_id; /* 0: a new run */
	/* Calibration records in force (store row ids), linked to the run; borrowed. */
	const int64_t *calibration_ids;
	size_t n_calibration_ids;
};

struct bench_engine_result {
	int64_t run_id;
	char uuid[BENCH_STORE_UUID_LEN];
	enum bench_verdict verdict; /* the run: worst of the final test verdicts */
	size_t n_tests;
	size_t n_verdicts[BENCH_VERDICT_COUNT]; /* final test verdicts by kind */
	size_t trials_run;			/* trial attempts executed now */
	size_t trials_resumed;			/* trial attempts taken from the record */
	/*
	 * Wall time of the engine's own work on the trials run (s, monotonic clock): measuring
	 * and judging, writing the capture files and records, plot data, store commits.
	 */
	double score_s, files_s, plots_s, commit_s;
};

/**
 * bench_engine_run() - run a plan and record it.
 * @opts: borrowed.
 * @ret:  receives the outcome (also when the run ended with ERROR verdicts).
 *
 * The I/O's safe_state is called at the end whatever happened. The run's status in the
 * store is passed, failed, error or aborted accordingly.
 *
 * Return: 0 (the run was executed; verdicts are in @ret), -EINVAL (bad options, or the
 * run to resume does not match the plan), -ECANCELED (stopped by a signal; recorded as
 * aborted), or a store error when even the run header could not be written.
 */
int bench_engine_run(const struct bench_engine_options *opts, struct bench_engine_result *ret);

/**
 * bench_engine_measure() - compute one metric of @protocol on a capture.
 * @metric:    index into protocol->metrics.
 * @criterion: the criterion it is judged against (for "worst" over channels), or NULL.
 * @ret_q:     receives the value with its uncertainty in the metric's unit.
 * @reterr:    receives a short reason on failure (may be NULL).
 *
 * Return: 0, -ENOSYS (metric not wired into the engine in this build), -ENODATA (the
 * capture lacks what the metric needs), -EINVAL (bad parameters), or the score error.
 */
int bench_engine_measure(const struct bench_protocol *protocol, size_t metric,
			 const struct bench_protocol_criterion *criterion,
			 const struct bench_engine_capture *cap, struct bench_quantity *ret_q,
			 char *reterr, size_t errlen);

/* Sizes of the name and clause buffers bench_engine_score_trial() fills. */
#define BENCH_ENGINE_NAME_LEN 96
#define BENCH_ENGINE_CLAUSE_LEN 160

/**
 * bench_engine_score_trial() - measure and judge every criterion of one trial.
 * @protocol: the protocol instance.
 * @cap:      the capture; borrowed.
 * @ms:       receives the measurements (room for n_criteria + n_metrics entries); their
 *            name and clause strings point into @names and @clauses.
 * @ret_n:    receives the number of measurements written.
 * @note:     reasons for ERROR / not judged are appended.
 *
 * The engine scores with this function and `bcibench rescore` re-scores with it, so both
 * give the same numbers from the same capture. Return: the trial's verdict.
 */
enum bench_verdict bench_engine_score_trial(const struct bench_protocol *protocol,
					    const struct bench_engine_capture *cap,
					    struct bench_store_measurement *ms, size_t *ret_n,
					    char (*names)[BENCH_ENGINE_NAME_LEN],
					    char (*clauses)[BENCH_ENGINE_CLAUSE_LEN],
					    struct bench_buf *note);

/* The score/verdict.h limit for a resolved criterion under @protocol's decision rule. */
void bench_engine_limit_from_criterion(const struct bench_protocol *protocol,
				       const struct bench_protocol_criterion *criterion,
				       struct bench_limit *ret_limit);

#endif /* BENCH_ENGINE_ENGINE_H */
