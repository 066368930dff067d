/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The results store: bcibench's record of truth in one SQLite file.
 *
 * Schema and column meanings: docs/database.md. The engine writes a run as it
 * happens: identities (station, operator, instruments, calibrations, fixture,
 * DUT, protocols, limit set) deduplicated by SHA-256, then run_begin,
 * test_begin, one bench_store_trial_commit() per completed trial (the trial,
 * its measurements, artifacts and events in ONE transaction), test_end and a
 * final run status. Every write appends a row to the audit hash chain in the
 * same transaction; bench_store_verify() recomputes it.
 *
 * Units: measurement values, uncertainties and limits are in the unit named
 * by the measurement's unit string (common/units.h spellings). Wall-clock
 * times are int64_t ns since the Unix epoch (bench_clock_wall_ns()) and are
 * stored as ISO 8601 UTC text; monotonic times are int64_t ns on the bench
 * clock. Sizes are bytes.
 *
 * Errors are negative errno, converted from SQLite result codes in one place:
 *   -ENOSPC  disk full (SQLITE_FULL, or an I/O error with errno ENOSPC/EDQUOT)
 *   -EROFS   read-only database or file system (SQLITE_READONLY, EROFS, EACCES
 *            on write)
 *   -EBUSY   another process held the lock past the busy timeout and retries
 *   -EIO     other I/O errors, SQLITE_CORRUPT, SQLITE_NOTADB
 *   -EINVAL  bad argument, or a constraint the caller violated
 *            (duplicate seq, unknown foreign row, bad verdict string)
 *   -ENOENT  a named run/test/file does not exist
 *   -ENOMEM  out of memory
 *   -EPROTO  the database was written by a newer bcibench (schema too new)
 * After a failed write nothing of that operation is stored (the transaction
 * is rolled back) and everything committed earlier is intact.
 *
 * A struct bench_store is one connection; use it from one thread at a time.
 * Several processes may open the same file and write concurrently.
 */
#ifndef BENCH_STORE_STORE_H
#define BENCH_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_buf;
struct bench_store;

/* Schema version this build writes (the last schemas/sql migration). */
#define BENCH_STORE_SCHEMA_VERSION 3

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" plus NUL. */
#define BENCH_STORE_UUID_LEN 37

/* Canonical verdict strings stored in trial.status, measurement.verdict, test.verdict. */
#define BENCH_STORE_PASS "PASS"
#define BENCH_STORE_MARGINAL "MARGINAL"
#define BENCH_STORE_FAIL "FAIL"
#define BENCH_STORE_ERROR "ERROR"
#define BENCH_STORE_SKIPPED "SKIPPED"
#define BENCH_STORE_ABORTED "ABORTED"

/* True if @s is one of the six canonical verdict strings above. */
bool bench_store_verdict_valid(const char *s);

enum bench_store_open_flags {
	/* Open read-only (readers, verify); no migration, no recovery. */
	BENCH_STORE_OPEN_READONLY = 1u << 0,
	/* Do not create a missing file: -ENOENT instead. */
	BENCH_STORE_OPEN_EXISTING = 1u << 1,
	/* Skip the dead-writer scan (tests that look at a run left `running`). */
	BENCH_STORE_OPEN_NO_RECOVER = 1u << 2,
};

/**
 * bench_store_open() - open (and create or migrate) a results database.
 * @path:      database file; its run folder is "@path.d/" (docs/database.md).
 * @flags:     enum bench_store_open_flags, or 0.
 * @ret_store: receives the connection, released with bench_store_close().
 *
 * Read-write opens set WAL, foreign keys, a busy timeout, apply every missing
 * migration (each in its own transaction, audited), then look for runs left
 * `running` by a process that is gone (same host: pid not alive or another
 * boot) and mark them `interrupted` with an audit row and an event.
 *
 * Return: 0; -ENOENT (EXISTING or READONLY and no file), -EPROTO (schema newer
 * than this build), -EIO (not a database, corrupt), -EROFS, -ENOSPC, -EBUSY,
 * -ENOMEM.
 */
int bench_store_open(const char *path, unsigned flags, struct bench_store **ret_store);

/* Closes the connection (checkpointing is left to SQLite). Accepts NULL. */
void bench_store_close(struct bench_store *st);

/* Schema version of the open database (PRAGMA user_version), or negative errno. */
int bench_store_schema_version(struct bench_store *st);

/**
 * bench_store_create_at_version() - test hook: create @path at schema @version.
 * @path:    a file that does not exist yet.
 * @version: 0 .. BENCH_STORE_SCHEMA_VERSION.
 *
 * Applies only the first @version migrations, so tests can check migration
 * from every earlier version. Return: 0, -EEXIST, -EINVAL, or an open error.
 */
int bench_store_create_at_version(const char *path, int version);

/**
 * bench_store_set_busy_timeout() - how long a write waits for another writer.
 * @timeout_ms: per attempt (default 5000); a write is attempted 3 times
 *              before it fails with -EBUSY. 0 = fail at once.
 *
 * Return: 0, -EINVAL (negative).
 */
int bench_store_set_busy_timeout(struct bench_store *st, int timeout_ms);

/**
 * bench_store_set_actor() - name recorded in audit.who for this connection.
 * @who: e.g. the operator login; copied. NULL restores the default
 *       "<login>@<host>" of the process.
 *
 * Return: 0, -ENOMEM.
 */
int bench_store_set_actor(struct bench_store *st, const char *who);

/*
 * Identity registration. Each writer inserts a row unless one with the same
 * SHA-256 exists, and returns the row id either way (dedup). String fields
 * are borrowed for the call; NULL means "not known" (stored as NULL) except
 * where marked required. Return: 0, -EINVAL (a required field NULL), or a
 * write error listed at the top of this file.
 */
struct bench_store_station {
	const char *name; /* required */
	const char *host;
	const char *location;
	const char *description;
};
int bench_store_add_station(struct bench_store *st, const struct bench_store_station *s,
			    int64_t *ret_id);

struct bench_store_operator {
	const char *login; /* required */
	const char *name;
	const char *role;
};
int bench_store_add_operator(struct bench_store *st, const struct bench_store_operator *o,
			     int64_t *ret_id);

struct bench_store_instrument {
	int64_t station_id; /* 0 = none */
	const char *kind;   /* required: "dac", "adc", "rig", "attenuator", ... */
	const char *manufacturer;
	const char *model;  /* required */
	const char *serial; /* required */
	const char *firmware;
};
int bench_store_add_instrument(struct bench_store *st, const struct bench_store_instrument *in,
			       int64_t *ret_id);

struct bench_store_calibration {
	int64_t instrument_id;	 /* required */
	const char *channel;	 /* required */
	double gain;		 /* dimensionless */
	double offset;		 /* in offset_unit */
	const char *offset_unit; /* required, e.g. "uV" */
	double u_gain;		 /* standard uncertainty; NaN = unknown (NULL) */
	double u_offset;	 /* standard uncertainty in offset_unit; NaN = unknown */
	const char *method;	 /* required: "certificate" or "loopback" */
	const char *certificate;
	const char *cal_date; /* required, ISO 8601 date */
	const char *due_date; /* ISO 8601 date */
};
int bench_store_add_calibration(struct bench_store *st, const struct bench_store_calibration *c,
				int64_t *ret_id);

/* @content: the whole file (@len bytes, need not be NUL-terminated); its SHA-256 is the key. */
int bench_store_add_fixture(struct bench_store *st, const char *name, const char *content,
			    size_t len, int64_t *ret_id);

struct bench_store_dut {
	const char *manufacturer;
	const char *model;  /* required */
	const char *serial; /* required */
	const char *firmware;
	const char *hardware_rev;
};
int bench_store_add_dut(struct bench_store *st, const struct bench_store_dut *d, int64_t *ret_id);

struct bench_store_protocol {
	const char *protocol_id; /* required, e.g. "noise.input-referred" */
	const char *version;	 /* required */
	const char *title;
	const char *standard;
	const char *edition;
	const char *clause;
	const char *xml; /* required: the whole file */
	size_t xml_len;
};
int bench_store_add_protocol(struct bench_store *st, const struct bench_store_protocol *p,
			     int64_t *ret_id);

int bench_store_add_limit_set(struct bench_store *st, const char *name, const char *version,
			      const char *content, size_t len, int64_t *ret_id);

/* Runs. */
enum bench_store_run_type {
	BENCH_STORE_RUN_ENGINEERING,
	BENCH_STORE_RUN_PRODUCTION,
	BENCH_STORE_RUN_CERTIFICATION,
	BENCH_STORE_RUN_TYPE_COUNT,
};

enum bench_store_run_status {
	BENCH_STORE_RUN_RUNNING,
	BENCH_STORE_RUN_PASSED,
	BENCH_STORE_RUN_FAILED,
	BENCH_STORE_RUN_ERROR,
	BENCH_STORE_RUN_ABORTED,
	BENCH_STORE_RUN_INTERRUPTED,
	BENCH_STORE_RUN_STATUS_COUNT,
};

/* "engineering", ...; "running", ...: the strings stored in the database. NULL if out of range. */
const char *bench_store_run_type_name(enum bench_store_run_type t);
const char *bench_store_run_status_name(enum bench_store_run_status s);
/* Return: 0 or -EINVAL. */
int bench_store_run_status_parse(const char *s, enum bench_store_run_status *ret_status);

struct bench_store_run_info {
	enum bench_store_run_type run_type;
	int64_t station_id; /* 0 = none, likewise below */
	int64_t operator_id;
	int64_t dut_id;
	int64_t fixture_id;
	int64_t limit_set_id;
	const char *suite;    /* NULL if protocols were given one by one */
	uint64_t seed;	      /* master seed (stored as its int64 bit pattern) */
	int slot;	      /* parallel DUT slot, -1 = none */
	int64_t resumed_from; /* run row id, 0 = none */
	int64_t rescored_from;
	const int64_t *calibration_ids; /* calibrations in force; borrowed */
	size_t n_calibrations;
};

/**
 * bench_store_run_begin() - start a run (status `running`, owned by this process).
 * @info:        header; borrowed.
 * @ret_run_id:  receives the run row id.
 * @ret_uuid:    if not NULL, receives the run UUID (BENCH_STORE_UUID_LEN bytes).
 *
 * A certification run switches this connection to synchronous=FULL.
 * Return: 0, -EINVAL (bad type, unknown identity row), or a write error.
 */
int bench_store_run_begin(struct bench_store *st, const struct bench_store_run_info *info,
			  int64_t *ret_run_id, char *ret_uuid);

/**
 * bench_store_run_set_status() - change a run's status (audited).
 * @status: any status; a final one (not running/interrupted) also sets end_utc.
 * @why:    reason, stored in run.status_reason and audit.why; may be NULL.
 *
 * Return: 0, -ENOENT (no such run), or a write error.
 */
int bench_store_run_set_status(struct bench_store *st, int64_t run_id,
			       enum bench_store_run_status status, const char *why);

/**
 * bench_store_run_resume() - take over an interrupted run to continue it.
 *
 * Sets status `running`, records this process as the writer (host, pid,
 * boot id), appends a `resumed` event; audited. Use
 * bench_store_trials_completed() to know where to continue.
 *
 * Return: 0, -ENOENT, -EINVAL (the run is not `interrupted`), a write error.
 */
int bench_store_run_resume(struct bench_store *st, int64_t run_id, const char *why);

/**
 * bench_store_rescore_begin() - start a run that re-scores the record of run @src_run_id.
 * @why:        reason, recorded in the new run's audit row (e.g. "bcibench rescore").
 * @ret_run_id: receives the new run's row id.
 * @ret_uuid:   if not NULL, receives its UUID (BENCH_STORE_UUID_LEN bytes).
 *
 * The new run (status `running`, owned by this process) copies the source run's type,
 * station, operator, DUT, fixture, limit set, suite, seed, slot and calibrations, and
 * has rescored_from = @src_run_id; software_version and build_id are this build's (the
 * metric code that re-scores). Its trials are committed with source_trial_id and
 * source_artifact_ids set (table rescore_input). A certification source run switches
 * the connection to synchronous=FULL like bench_store_run_begin().
 *
 * Return: 0, -ENOENT (no such run), -EINVAL (the source run is still `running`), or a
 * write error.
 */
int bench_store_rescore_begin(struct bench_store *st, int64_t src_run_id, const char *why,
			      int64_t *ret_run_id, char *ret_uuid);

/**
 * bench_store_test_protocol() - the protocol a test executed, as recorded.
 * @xml:             receives the whole protocol file (appended; not NUL-terminated
 *                   beyond bench_buf's own terminator).
 * @ret_protocol_row: if not NULL, receives the protocol row id.
 *
 * Return: 0, -ENOENT (no such test), -ENOMEM, -EIO.
 */
int bench_store_test_protocol(struct bench_store *st, int64_t test_id, struct bench_buf *xml,
			      int64_t *ret_protocol_row);

/**
 * bench_store_run_find() - resolve a run given on a command line.
 * @name: a UUID, a unique UUID prefix (>= 4 characters), or a decimal row id.
 *
 * Return: 0, -ENOENT (none), -EINVAL (ambiguous prefix or bad syntax).
 */
int bench_store_run_find(struct bench_store *st, const char *name, int64_t *ret_run_id);

/**
 * bench_store_run_dir() - the run folder, where the run's artifact files live.
 * @out: receives "<db path>.d/<uuid>" (appended; not created on disk).
 *
 * Return: 0, -ENOENT, -ENOMEM.
 */
int bench_store_run_dir(struct bench_store *st, int64_t run_id, struct bench_buf *out);

/**
 * bench_store_run_dir_make() - create the run folder (and "<db path>.d/") if missing.
 * @out: receives the folder path as bench_store_run_dir() does.
 *
 * Return: 0, -ENOENT (no such run), -errno from mkdir (e.g. -EROFS, -ENOSPC), -ENOMEM.
 */
int bench_store_run_dir_make(struct bench_store *st, int64_t run_id, struct bench_buf *out);

/* Tests. */

/**
 * bench_store_test_begin() - start protocol @protocol_row_id as test @seq of a run.
 * @protocol_row_id: id returned by bench_store_add_protocol().
 * @seq:             order within the run, from 0, unique in the run.
 * @name:            display name; required.
 *
 * Return: 0, -EINVAL (seq already used, unknown run/protocol), a write error.
 */
int bench_store_test_begin(struct bench_store *st, int64_t run_id, int64_t protocol_row_id, int seq,
			   const char *name, int64_t *ret_test_id);

/* Sets the test's verdict (canonical string) and end time; audited. -EINVAL on a bad verdict. */
int bench_store_test_end(struct bench_store *st, int64_t test_id, const char *verdict);

/* Finds test @seq of a run (for resume). Return: 0 or -ENOENT. */
int bench_store_test_find(struct bench_store *st, int64_t run_id, int seq, int64_t *ret_test_id);

/* Trials. */

/* One measured quantity. NaN in an optional double = not applicable (NULL). */
struct bench_store_measurement {
	const char *name;	   /* required */
	double value;		   /* in unit; NaN = not measured */
	const char *unit;	   /* required, canonical spelling */
	double u;		   /* standard uncertainty */
	double u_expanded;	   /* expanded uncertainty U = k * u */
	double k;		   /* coverage factor */
	double limit_low;	   /* NaN = no lower limit */
	double limit_high;	   /* NaN = no upper limit */
	const char *comparator;	   /* e.g. "GELE" */
	double marginal_low;	   /* NaN = none */
	double marginal_high;	   /* NaN = none */
	const char *decision_rule; /* e.g. "simple", "guarded" */
	const char *verdict;	   /* required, canonical verdict string */
	const char *evidence;	   /* "S", "S*", "E" */
	const char *clause;
};

/*
 * An artifact: either a file the caller has already written (and closed)
 * under the run folder, named by @path relative to it, or an inline @blob.
 * The store computes SHA-256 and size.
 */
struct bench_store_artifact {
	const char *kind;	/* required: "stimulus", "capture", ... */
	const char *path;	/* relative to the run folder, no "..", or NULL */
	const void *blob;	/* inline content if @path is NULL; borrowed */
	size_t blob_len;	/* bytes */
	const char *media_type; /* required */
};

/* Sentinel for "no monotonic time" in bench_store_event.t_ns. */
#define BENCH_STORE_NO_TIME INT64_MIN

struct bench_store_event {
	const char *kind; /* required: "safe_state", "fault", "underflow", "operator", ... */
	const char *source;
	const char *message;
	int64_t t_wall_ns; /* wall clock; 0 = now */
	int64_t t_ns;	   /* bench monotonic clock, or BENCH_STORE_NO_TIME */
};

/*
 * trial.seq of a test's pooled row: the measurements pooled over the trials of one
 * attempt (src/engine/pool.h), committed like a trial (audited, no artifacts) after them.
 */
#define BENCH_STORE_TRIAL_POOLED (-1)

struct bench_store_trial {
	int seq;	    /* trial index within the test, from 0; or BENCH_STORE_TRIAL_POOLED */
	int attempt;	    /* 1 = first try, 2.. = retests */
	uint64_t seed;	    /* stimulus seed (int64 bit pattern in the db) */
	const char *status; /* required, canonical verdict string */
	int64_t start_wall_ns; /* wall clock */
	int64_t end_wall_ns;   /* wall clock; 0 = now */
	const char *note;
	const struct bench_store_measurement *measurements;
	size_t n_measurements;
	const struct bench_store_artifact *artifacts;
	size_t n_artifacts;
	const struct bench_store_event *events;
	size_t n_events;
	/*
	 * Re-scored trials only (bench_store_rescore_begin()): the trial of the source run
	 * this one was recomputed from, and the ids of that trial's artifacts that were read
	 * (each recorded in rescore_input with the artifact's stored SHA-256, which the caller
	 * has checked against the content). 0 / NULL / 0 for a trial that was measured.
	 */
	int64_t source_trial_id;
	const int64_t *source_artifact_ids;
	size_t n_source_artifacts;
};

/**
 * bench_store_trial_commit() - record one completed trial, all or nothing.
 * @test_id:      from bench_store_test_begin().
 * @trial:        borrowed; arrays may be NULL when their count is 0.
 * @ret_trial_id: if not NULL, receives the trial row id.
 *
 * Artifact files are hashed first (outside the write lock), then the trial,
 * its measurements, artifacts, events and one audit row are inserted in one
 * transaction. If this fails the caller must treat the trial as ERROR and
 * the run as a bench error: nothing of the trial is stored.
 *
 * Return: 0; -EINVAL (bad field, duplicate seq/attempt, artifact path absent
 * or escaping the run folder: -ENOENT for a missing file), -ENOSPC, -EROFS,
 * -EBUSY, -EIO, -ENOMEM.
 */
int bench_store_trial_commit(struct bench_store *st, int64_t test_id,
			     const struct bench_store_trial *trial, int64_t *ret_trial_id);

/* A run-level (or trial-level, @trial_id != 0) artifact outside a trial commit. */
int bench_store_artifact_add(struct bench_store *st, int64_t run_id, int64_t trial_id,
			     const struct bench_store_artifact *a, int64_t *ret_id);

/* An event outside a trial commit (safe-state call, fault, operator action). */
int bench_store_event_add(struct bench_store *st, int64_t run_id, int64_t trial_id,
			  const struct bench_store_event *e, int64_t *ret_id);

/*
 * Readers. They call a callback per row; every pointer in the row is
 * borrowed and valid only during the call. A callback returning non-zero
 * stops the walk and that value is returned. A callback must not call into
 * the same struct bench_store (the walk's statement is in use); open a
 * second connection for nested queries. Return otherwise: 0, -ENOENT
 * (no such run), -EIO, -ENOMEM, -EBUSY.
 */
struct bench_store_run_row {
	int64_t id;
	const char *uuid;
	const char *run_type;
	const char *status;
	const char *status_reason; /* may be NULL */
	const char *start_utc;
	const char *end_utc;	/* may be NULL */
	const char *dut_model;	/* may be NULL (no DUT) */
	const char *dut_serial; /* may be NULL */
	const char *dut_firmware;
	const char *station;	    /* station name, may be NULL */
	const char *operator_login; /* may be NULL */
	const char *suite;	    /* may be NULL */
	uint64_t seed;
	const char *software_version;
	const char *build_id;
	const char *host;
	int slot;	       /* -1 = none */
	int64_t resumed_from;  /* 0 = none */
	int64_t rescored_from; /* 0 = none */
	int64_t n_tests;
	int64_t n_trials;
	int64_t n_measurements;
};
typedef int (*bench_store_run_fn)(void *ctx, const struct bench_store_run_row *row);

struct bench_store_run_filter {
	const char *dut_serial; /* NULL = any */
	const char *since_utc; /* ISO 8601 prefix compare on start_utc ("2026-11-01"), NULL = any */
	const char *status;    /* NULL = any */
	int limit;	       /* 0 = no limit */
};

/* Lists runs matching @filter (NULL = all), newest first. */
int bench_store_runs_list(struct bench_store *st, const struct bench_store_run_filter *filter,
			  bench_store_run_fn fn, void *ctx);

/* Calls @fn once with the run. Return: 0, -ENOENT, ... */
int bench_store_run_get(struct bench_store *st, int64_t run_id, bench_store_run_fn fn, void *ctx);

struct bench_store_test_row {
	int64_t id;
	int seq;
	const char *name;
	const char *protocol_id; /* textual protocol id */
	const char *protocol_version;
	const char *standard; /* may be NULL, likewise clause */
	const char *clause;
	const char *verdict; /* NULL while the test has not ended */
	const char *start_utc;
	const char *end_utc;
};
typedef int (*bench_store_test_fn)(void *ctx, const struct bench_store_test_row *row);

/* Tests of a run in seq order. */
int bench_store_tests_list(struct bench_store *st, int64_t run_id, bench_store_test_fn fn,
			   void *ctx);

/* A measurement with its trial and test context, as read back. */
struct bench_store_measurement_row {
	int test_seq;
	const char *test_name;
	int trial_seq;
	int attempt;
	uint64_t trial_seed;
	const char *trial_status;
	int seq;
	struct bench_store_measurement m; /* NaN for NULL doubles, NULL for NULL strings */
};
typedef int (*bench_store_measurement_fn)(void *ctx, const struct bench_store_measurement_row *row);

/* Every measurement of a run, ordered by test, trial, attempt, measurement seq. */
int bench_store_measurements_list(struct bench_store *st, int64_t run_id,
				  bench_store_measurement_fn fn, void *ctx);

/*
 * The measurements of attempt @attempt of every trial of test @test_id (the pooled row
 * excluded), ordered by trial seq and measurement seq: what src/engine/pool.c pools. A
 * trial without measurements gives one row whose m.name is NULL.
 * Return: 0, -EINVAL, a read error, or the first nonzero return of @fn.
 */
int bench_store_test_measurements(struct bench_store *st, int64_t test_id, int attempt,
				  bench_store_measurement_fn fn, void *ctx);

/* A completed trial, for resume. */
struct bench_store_trial_row {
	int64_t id;
	int64_t test_id;
	int test_seq;
	int64_t protocol_row_id;
	int seq;
	int attempt;
	uint64_t seed;
	const char *status;
};
typedef int (*bench_store_trial_fn)(void *ctx, const struct bench_store_trial_row *row);

/*
 * Every trial recorded for a run (all were committed complete), ordered by
 * test seq, trial seq, attempt. Resume continues after the last one listed
 * for each test, regenerating stimuli from the stored seeds.
 */
int bench_store_trials_completed(struct bench_store *st, int64_t run_id, bench_store_trial_fn fn,
				 void *ctx);

/* A calibration in force for a run (run header traceability, ISO/IEC 17025 6.4/6.5). */
struct bench_store_calibration_row {
	int64_t id;
	const char *instrument_kind;
	const char *instrument_manufacturer; /* may be NULL */
	const char *instrument_model;
	const char *instrument_serial;
	struct bench_store_calibration cal; /* instrument_id set; NaN / NULL for unknown */
};
typedef int (*bench_store_calibration_fn)(void *ctx, const struct bench_store_calibration_row *row);

/* Calibrations linked to a run at run_begin, ordered by instrument serial and channel. */
int bench_store_run_calibrations(struct bench_store *st, int64_t run_id,
				 bench_store_calibration_fn fn, void *ctx);

/* An artifact of a run, as recorded. */
struct bench_store_artifact_row {
	int64_t id;
	int64_t trial_id; /* 0 = run-level */
	const char *kind;
	const char *path; /* relative to the run folder, or NULL for an inline blob */
	const void *blob; /* inline content (NULL for a file) */
	size_t blob_len;
	const char *media_type;
	const char *sha256; /* hex, as stored */
	int64_t size_bytes;
};
typedef int (*bench_store_artifact_fn)(void *ctx, const struct bench_store_artifact_row *row);

/* Artifacts of a run in id order (trial-level and run-level). */
int bench_store_artifacts_list(struct bench_store *st, int64_t run_id, bench_store_artifact_fn fn,
			       void *ctx);

/* Events of a run in insertion order. */
struct bench_store_event_row {
	int64_t id;
	int64_t trial_id; /* 0 = run-level */
	const char *t_utc;
	int64_t t_ns; /* BENCH_STORE_NO_TIME if unknown */
	const char *kind;
	const char *source;
	const char *message;
};
typedef int (*bench_store_event_fn)(void *ctx, const struct bench_store_event_row *row);
int bench_store_events_list(struct bench_store *st, int64_t run_id, bench_store_event_fn fn,
			    void *ctx);

/* Compare two runs (nightly regression). */
enum bench_store_diff_kind {
	BENCH_STORE_DIFF_VERDICT, /* verdict flipped (PASS -> FAIL, ...) */
	BENCH_STORE_DIFF_SHIFT,	  /* same verdict, value moved beyond uncertainty */
	BENCH_STORE_DIFF_ONLY_A,  /* measured in A only */
	BENCH_STORE_DIFF_ONLY_B,  /* measured in B only */
	BENCH_STORE_DIFF_UNIT,	  /* same quantity in different units: not comparable */
	BENCH_STORE_DIFF_KIND_COUNT,
};

/* "verdict", "shift", "only_a", "only_b", "unit". */
const char *bench_store_diff_kind_name(enum bench_store_diff_kind k);

/*
 * Measurements are matched by (protocol id, test name, trial seq, measurement
 * name, measurement seq), using the last attempt of each trial; the test name
 * tells the conditions of one protocol apart ("id[condition]"). A shift is
 * reported when the normalised error En = |b - a| / sqrt(Ua^2 + Ub^2) > 1
 * (ISO 13528), U the expanded uncertainties; with no uncertainty on either
 * side any difference is a shift. A verdict flip is reported even when the
 * values also shifted. For ONLY_A / ONLY_B the other side's fields are
 * NaN/NULL.
 */
struct bench_store_diff {
	enum bench_store_diff_kind kind;
	const char *protocol_id;
	const char *test_name; /* test.name, e.g. "eeg-a2-amplitude-accuracy[a10uv]" */
	int trial_seq;
	const char *name;
	int seq;
	const char *unit_a, *unit_b;
	double value_a, value_b;
	double u_expanded_a, u_expanded_b; /* NaN if unknown */
	const char *verdict_a, *verdict_b;
	double en; /* normalised error; NaN if not computable, INFINITY if no uncertainty */
};
typedef int (*bench_store_diff_fn)(void *ctx, const struct bench_store_diff *d);

/* Calls @fn for each difference; *@ret_n_same (if not NULL) gets the number of unchanged ones. */
int bench_store_compare(struct bench_store *st, int64_t run_a, int64_t run_b,
			bench_store_diff_fn fn, void *ctx, int64_t *ret_n_same);

/* Audit chain verification. */
struct bench_store_verify_result {
	bool ok;
	int64_t n_audit;     /* audit rows checked */
	int64_t n_rows;	     /* table rows checked against the chain */
	int64_t n_artifacts; /* artifacts whose content was hashed */
	/* When !ok: what failed first, e.g. "measurement row 17 does not match
	 * audit row 5" or "artifact 3: file run.db.d/<uuid>/x.bdf: SHA-256 differs". */
	char what[512];
};

/**
 * bench_store_verify() - recompute the audit chain and every artifact hash.
 * @ret: receives the outcome; a mismatch is data (ok = false), not an error.
 *
 * Return: 0 when the check ran (see @ret->ok), or -EIO/-ENOMEM/-EBUSY if it
 * could not run.
 */
int bench_store_verify(struct bench_store *st, struct bench_store_verify_result *ret);

/* Outbox (files to upload until acknowledged). */
struct bench_store_outbox_row {
	int64_t id;
	int64_t run_id; /* 0 = none */
	const char *path;
	const char *kind;
	const char *sha256;
	int64_t size_bytes;
	int attempts;
	const char *last_error; /* may be NULL */
};
typedef int (*bench_store_outbox_fn)(void *ctx, const struct bench_store_outbox_row *row);

/* Queues @path (hashed now). Return: 0, -ENOENT (no file), a write error. */
int bench_store_outbox_add(struct bench_store *st, int64_t run_id, const char *path,
			   const char *kind, int64_t *ret_id);
/* Lists entries not acknowledged yet, oldest first. */
int bench_store_outbox_pending(struct bench_store *st, bench_store_outbox_fn fn, void *ctx);
/* Records a failed attempt (@error: message) . Return: 0, -ENOENT, write error. */
int bench_store_outbox_failed(struct bench_store *st, int64_t id, const char *error);
/* Marks acknowledged; @ack_ref: server receipt or NULL. Return: 0, -ENOENT, write error. */
int bench_store_outbox_ack(struct bench_store *st, int64_t id, const char *ack_ref);

#endif /* BENCH_STORE_STORE_H */
