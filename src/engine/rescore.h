/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Re-scoring a recorded run: the lossless capture record of each trial and `bcibench
 * rescore`.
 *
 * The capture record ("trial record") is the file the engine writes next to the BDF+
 * captures of every trial: every trace exactly as the metrics saw it (samples as the
 * converter's integer codes, int16 or int32, plus one scale per channel when every sample
 * is exactly (float)(code * scale) as the capture path makes it; else IEEE-754 binary64, or
 * binary32 when every sample is exactly a float; per-frame event codes and
 * device timestamps when the DUT has them; rate, resolution, settle and stimulus frames),
 * the stimulus truth events of signal-gen, and the protocol instance (suite overrides and
 * condition) the trial ran under. BDF+ is for people and MNE; it quantises to 24 bits and
 * has no room for timestamps, so the record is what re-scoring reads. The format is in
 * docs/database.md ("Trial capture record"); it is little-endian.
 *
 * bench_engine_rescore() recomputes every measurement of a run from those records with the
 * metric code of this build (bench_engine_score_trial(), the same function the engine
 * scores with) and the protocol XML stored in the database, and records the result as a
 * NEW run whose rescored_from names the old one; each new trial lists the artifacts it was
 * computed from (rescore_input). Every artifact of the run is hashed first: one whose
 * SHA-256 or size differs from the record refuses the whole rescore and nothing is
 * written. Limits and DUT claims are resolved with the caller's protocol library, as for
 * `bcibench run` (so changed limit files show up as changed verdicts).
 *
 * Units: values in the unit of each protocol metric; samples in uV; rates in Hz; times in
 * s (truth) or ns (timestamps). Errors are negative errno; nothing is printed.
 */
#ifndef BENCH_ENGINE_RESCORE_H
#define BENCH_ENGINE_RESCORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "engine/engine.h"

/* artifact.kind and media type of a trial capture record. */
#define BENCH_ENGINE_RECORD_KIND "capture-record"
#define BENCH_ENGINE_RECORD_MEDIA "application/x-bcibench-capture"

/* The protocol instance a record was captured under. */
struct bench_engine_record_origin {
	size_t n_sets;
	struct bench_protocol_set *sets; /* suite overrides, in the order applied */
	char *condition_id;		 /* NULL: no condition */
};

/**
 * bench_engine_record_save() - write the capture record of one trial.
 * @path:     file to create (replaced if it exists); written, fsync'd and closed.
 * @protocol: the protocol instance that was run (its overrides and condition are saved).
 * @cap:      the capture as scored; borrowed.
 *
 * Return: 0, -EINVAL (more than 4 traces, a role longer than 31 bytes), -ENOMEM, or
 * -errno of open/write/fsync (-ENOSPC, -EROFS, ...). On failure the file is removed.
 */
int bench_engine_record_save(const char *path, const struct bench_protocol *protocol,
			     const struct bench_engine_capture *cap);

/**
 * bench_engine_record_load() - read a capture record.
 * @ret_cap:    receives the capture (free with bench_engine_capture_clear()).
 * @ret_origin: if not NULL, receives the protocol instance (free with
 *              bench_engine_record_origin_free()).
 *
 * Both are written only on success. Return: 0, -ENOENT, -EBADMSG (not a record, truncated
 * or inconsistent sizes), -ENOMEM, -EIO.
 */
int bench_engine_record_load(const char *path, struct bench_engine_capture *ret_cap,
			     struct bench_engine_record_origin *ret_origin);

/* Frees the fields of @o and zeroes it. Accepts NULL. */
void bench_engine_record_origin_free(struct bench_engine_record_origin *o);

/* artifact.kind of the limits files and the DUT profile recorded with a run. */
#define BENCH_ENGINE_INPUT_LIMITS "limits"
#define BENCH_ENGINE_INPUT_PROFILE "dut-profile"

/**
 * bench_engine_record_inputs() - record the limits files and DUT profile of a run.
 * @plan: the run's plan (protocols as loaded, criteria resolved); borrowed.
 *
 * Every file a resolved criterion took its limit from (limit.file: a limits file, or the
 * DUT profile for a claim) is copied byte for byte into the run folder as
 * "limits/<file name>" or "dut-profile/<file name>" and recorded as a run-level artifact
 * of kind BENCH_ENGINE_INPUT_LIMITS or BENCH_ENGINE_INPUT_PROFILE (the store computes its
 * SHA-256 and size and audits the row), once per file. A second file with the name of one
 * already recorded (the same set id from another folder) is logged and skipped.
 *
 * Return: 0, -EINVAL, -E2BIG (more than 64 files), -ENOMEM, -errno reading the source or
 * writing the copy (-ENOSPC, -EROFS, ...), or a store error.
 */
int bench_engine_record_inputs(struct bench_store *st, int64_t run_id,
			       const struct bench_plan *plan);

/**
 * bench_engine_rescore_inputs() - where the recorded inputs of a run are.
 * @ret_limits_dir: receives "<run folder>/limits" (appended) if the run recorded limits
 *                  files; left alone otherwise.
 * @ret_profile:    receives the path of the recorded DUT profile likewise.
 *
 * The files are not checked here: bench_engine_rescore() hashes every artifact of the run
 * (these included) before it writes anything. Return: 0, -EINVAL, -ENOENT (no such run),
 * -ENOMEM, or a store read error.
 */
int bench_engine_rescore_inputs(struct bench_store *st, int64_t run_id,
				struct bench_buf *ret_limits_dir, struct bench_buf *ret_profile);

struct bench_engine_rescore_options {
	struct bench_store *store;	/* opened read-write; borrowed */
	int64_t run_id;			/* the run to re-score (not `running`) */
	struct bench_protocol_lib *lib; /* limits and DUT profile; borrowed */
	const char *why;		/* audit reason; NULL = "bcibench rescore" */
};

struct bench_engine_rescore_result {
	int64_t run_id; /* the new run */
	char uuid[BENCH_STORE_UUID_LEN];
	enum bench_verdict verdict; /* worst final test verdict of the new run */
	size_t n_tests;
	size_t n_trials;       /* trials recomputed from their record */
	size_t n_carried;      /* trials with no capture (failed before capturing): copied */
	size_t n_measurements; /* measurements recomputed */
	size_t n_artifacts;    /* artifacts whose hash was checked */
	/* On failure: the file, trial or protocol at fault and why (NUL-terminated). */
	char what[512];
};

/**
 * bench_engine_rescore() - recompute a recorded run as a new run.
 * @ret: receives the outcome; on failure only @ret->what is meaningful.
 *
 * Return: 0 (the new run is recorded, status passed/failed/error from its verdicts);
 * -EBADMSG (an artifact's content does not match its recorded SHA-256 or size, or a
 * record is malformed: @ret->what names the file), -ENOENT (no such run, or an artifact
 * file is missing: named), -ENODATA (a trial has captures but no capture record: recorded
 * by a build before records existed), -EINVAL (the run is still `running`, or a stored
 * protocol no longer loads: @ret->what has the FILE:LINE message), or a store error.
 * Every artifact is hashed before the new run is started, so a tampered or missing file
 * writes nothing; an error found later (a malformed record, a protocol that no longer
 * loads, a store error) leaves the new run recorded with status `error` and the reason.
 */
int bench_engine_rescore(const struct bench_engine_rescore_options *opts,
			 struct bench_engine_rescore_result *ret);

#endif /* BENCH_ENGINE_RESCORE_H */
