/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Protocols, suites, limit files and DUT profiles: parse, validate, resolve, plan.
 *
 * A protocol (protocols/<family>/<id>.xml, schemas/protocol.xsd) is the method of one test.
 * Its acceptance criteria reference limits by "SET#ID" (protocols/limits/SET.xml,
 * schemas/limits.xsd) or claims of a DUT profile (fixtures/duts/, schemas/dut-profile.xsd).
 * A suite (protocols/suites/, schemas/suite.xsd) lists protocols with parameter overrides.
 * A plan is a suite or a list of protocols expanded into tests (protocol x condition) and
 * trials with per-trial seeds derived from the run seed, so a resumed run replays identical
 * stimuli.
 *
 * Every file is parsed with line numbers and validated against its XSD. Errors are
 * appended to the caller's @reterr buffer as lines "FILE:LINE: message\n" (FILE as given
 * by the caller), and the function returns -EINVAL; nothing is printed. Units are those of
 * common/units.h; a criterion whose limit unit differs from its metric's unit is rejected
 * at load time (no silent conversion between uV and mV).
 *
 * All structures below are owned by the object that returned them and are read-only for
 * callers. Strings are NUL-terminated UTF-8.
 */
#ifndef BENCH_PROTOCOL_PROTOCOL_H
#define BENCH_PROTOCOL_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sha256.h"
#include "common/units.h"

struct bench_buf;

/* Comparators of schemas/protocol-types.xsd. */
enum bench_protocol_cmp {
	BENCH_PROTOCOL_CMP_LE,	   /* value <= limit */
	BENCH_PROTOCOL_CMP_LT,	   /* value < limit */
	BENCH_PROTOCOL_CMP_GE,	   /* value >= limit */
	BENCH_PROTOCOL_CMP_GT,	   /* value > limit */
	BENCH_PROTOCOL_CMP_WITHIN, /* |value - nominal| <= tolerance */
	BENCH_PROTOCOL_CMP_RANGE,  /* low <= value <= high */
	BENCH_PROTOCOL_CMP_COUNT,
};

enum bench_protocol_tol {
	BENCH_PROTOCOL_TOL_NONE,
	BENCH_PROTOCOL_TOL_ABSOLUTE,	      /* +- tol_abs (in the limit's unit) */
	BENCH_PROTOCOL_TOL_RELATIVE,	      /* +- tol_rel_pct % of the nominal */
	BENCH_PROTOCOL_TOL_WHICHEVER_GREATER, /* the larger of the two */
	BENCH_PROTOCOL_TOL_COUNT,
};

/* Evidence tags of test-catalogue.md section 0; CLAIM for a DUT profile's datasheet claim. */
enum bench_protocol_evidence {
	BENCH_PROTOCOL_EVIDENCE_S,
	BENCH_PROTOCOL_EVIDENCE_S_STAR,
	BENCH_PROTOCOL_EVIDENCE_E,
	BENCH_PROTOCOL_EVIDENCE_CLAIM,
	BENCH_PROTOCOL_EVIDENCE_COUNT,
};

/* One value of a limits file, or one claim of a DUT profile. */
struct bench_protocol_limit {
	char *id;	/* limit or claim ID */
	char *set_id;	/* limits file ID or DUT profile ID */
	char *standard; /* limits: standard and edition of the file; claims: model name */
	char *edition;
	char *clause; /* limits: clause; claims: NULL */
	enum bench_protocol_evidence evidence;
	enum bench_protocol_cmp cmp;
	enum bench_unit unit;
	double value;	/* le/lt/ge/gt */
	double low;	/* range */
	double high;	/* range */
	double nominal; /* within; valid if has_nominal */
	bool has_nominal;
	enum bench_protocol_tol tol_type;
	double tol_abs;	    /* in unit */
	double tol_rel_pct; /* percent of the nominal */
	char *source;	    /* where the value comes from */
	char *note;	    /* may be NULL */
	char *file;	    /* file that defined it */
	int line;
};

struct bench_protocol_limits {
	char *id;
	char *version;
	char *title;
	char *standard;
	char *edition;
	char *note; /* may be NULL */
	char *path;
	char sha256_hex[BENCH_SHA256_HEX_LEN];
	size_t n_limits;
	struct bench_protocol_limit *limits;
};

struct bench_dut_profile {
	char *id;
	char *version;
	char *manufacturer;
	char *model;
	char *hardware_revision; /* may be NULL */
	char *dut_class;
	char *serial_format; /* POSIX ERE matched against the whole serial */
	unsigned channels;   /* 0 if not stated */
	double rate_hz;	     /* 0 if not stated */
	char *path;
	char sha256_hex[BENCH_SHA256_HEX_LEN];
	size_t n_claims;
	struct bench_protocol_limit *claims; /* evidence CLAIM */
};

enum bench_protocol_step_kind {
	BENCH_PROTOCOL_STEP_SET_LINE,
	BENCH_PROTOCOL_STEP_WAIT_LINE,
	BENCH_PROTOCOL_STEP_PULSE,
	BENCH_PROTOCOL_STEP_DELAY,
	BENCH_PROTOCOL_STEP_POWER_CYCLE,
	BENCH_PROTOCOL_STEP_KIND_COUNT,
};

/* One setup or teardown step, executed by the engine through the fixture's lines. */
struct bench_protocol_step {
	enum bench_protocol_step_kind kind;
	char *role;	    /* line role (set/wait/pulse); NULL for delay and power-cycle */
	bool level_on;	    /* set-line, wait-line */
	int64_t timeout_ns; /* wait-line, power-cycle (ready line) */
	int64_t width_ns;   /* pulse; delay */
	int64_t off_ns;	    /* power-cycle: time powered off */
	int64_t reset_ns;   /* power-cycle: reset pulse width, 0 for none */
	int line;
};

struct bench_protocol_steps {
	size_t n;
	struct bench_protocol_step *v;
};

enum bench_protocol_final {
	BENCH_PROTOCOL_FINAL_LAST, /* the last attempt decides */
	BENCH_PROTOCOL_FINAL_ALL,  /* every attempt must pass */
	BENCH_PROTOCOL_FINAL_ANY,  /* the best attempt counts */
	BENCH_PROTOCOL_FINAL_COUNT,
};

enum bench_protocol_retest_on {
	BENCH_PROTOCOL_RETEST_ON_FAIL,
	BENCH_PROTOCOL_RETEST_ON_ERROR,
	BENCH_PROTOCOL_RETEST_ON_FAIL_OR_ERROR,
	BENCH_PROTOCOL_RETEST_ON_COUNT,
};

enum bench_protocol_before {
	BENCH_PROTOCOL_BEFORE_NOTHING,
	BENCH_PROTOCOL_BEFORE_SETUP,
	BENCH_PROTOCOL_BEFORE_POWER_CYCLE,
	BENCH_PROTOCOL_BEFORE_COUNT,
};

/* Retest policy (score/verdict.h enum bench_retest_policy forms the final verdict).
 * attempts == 1 means no retest. Every attempt is recorded. */
struct bench_protocol_retest {
	unsigned attempts;
	enum bench_protocol_final final;
	enum bench_protocol_retest_on retest_on;
	enum bench_protocol_before before;
};

/* A parameter override: XPath @path (relative to the protocol root) set to @value. */
struct bench_protocol_set {
	char *path;
	char *value;
	char *file; /* where the override is written (suite or protocol) */
	int line;
};

struct bench_protocol_condition {
	char *id;
	size_t n_sets;
	struct bench_protocol_set *sets;
	int line;
};

struct bench_protocol_param {
	char *name;
	char *value;	/* as written */
	bool is_number; /* value parsed as a finite double */
	double number;	/* valid if is_number */
	bool has_unit;
	enum bench_unit unit;
};

enum bench_protocol_reduce {
	BENCH_PROTOCOL_REDUCE_WORST,  /* the channel farthest into the reject side */
	BENCH_PROTOCOL_REDUCE_MEAN,   /* mean over channels */
	BENCH_PROTOCOL_REDUCE_EACH,   /* every channel judged separately */
	BENCH_PROTOCOL_REDUCE_POOLED, /* one value from all trials together (rates, ITR) */
	BENCH_PROTOCOL_REDUCE_COUNT,
};

/*
 * Statistics of a metric pooled over the trials of a test (over="trials"), computed by
 * src/engine/pool.c from the source metric's value in every trial of one attempt.
 */
enum bench_protocol_statistic {
	BENCH_PROTOCOL_STAT_MEAN,	  /* mean, u = s / sqrt(n) (type A) */
	BENCH_PROTOCOL_STAT_SD,		  /* repeatability standard deviation s */
	BENCH_PROTOCOL_STAT_PASS_RATE,	  /* trials within accept-low..high, Clopper-Pearson */
	BENCH_PROTOCOL_STAT_ZERO_FAILURE, /* demonstrated reliability: one-sided lower bound */
	BENCH_PROTOCOL_STAT_DRIFT_SLOPE,  /* OLS slope versus the "time" metric */
	BENCH_PROTOCOL_STAT_COUNT,
};

struct bench_protocol_metric {
	char *id;   /* unique in the protocol */
	char *name; /* metric function of src/score, e.g. "noise_p2v"; for a pooled metric
		     * the statistic's name ("mean", "pass-rate", ...) */
	enum bench_unit unit;
	enum bench_protocol_reduce reduce;
	size_t n_params;
	struct bench_protocol_param *params;
	int line;
	/* over="trials": computed once per attempt from every trial's value of metric @of
	 * (src/engine/pool.h), never per trial. */
	bool pooled;
	char *of;				 /* source metric id (pooled), else NULL */
	size_t of_index;			 /* into bench_protocol.metrics (pooled) */
	enum bench_protocol_statistic statistic; /* (pooled) */
};

/* "mean", "sd", "pass-rate", "zero-failure", "drift-slope"; "?" if out of range. */
const char *bench_protocol_statistic_name(enum bench_protocol_statistic s);

/*
 * A resolved acceptance criterion. The accept zone is [low, high] (each end inclusive or
 * not, -INFINITY / +INFINITY when open), in @limit.unit, which equals the metric's unit.
 * A value inside the zone but within @marginal_width of an end is MARGINAL; the decision
 * rule of the protocol adds the guard band U under guarded acceptance.
 */
struct bench_protocol_criterion {
	char *metric_id;
	size_t metric_index; /* into bench_protocol.metrics */
	char *limit_ref;     /* "SET#ID", or NULL for a DUT claim */
	char *claim_id;	     /* DUT claim ID, or NULL */
	bool resolved;	     /* false only for a claim while no DUT profile is known */
	struct bench_protocol_limit limit; /* copy of the limit or claim (valid if resolved) */
	double low;
	double high;
	bool low_inclusive;
	bool high_inclusive;
	bool has_marginal;
	double marginal_width; /* in limit.unit */
	bool has_nominal;      /* nominal given by the criterion */
	double nominal;
	int line;
};

enum bench_protocol_rule {
	BENCH_PROTOCOL_RULE_SIMPLE,  /* simple acceptance */
	BENCH_PROTOCOL_RULE_GUARDED, /* guarded acceptance with U = k * u */
	BENCH_PROTOCOL_RULE_COUNT,
};

struct bench_protocol_standard {
	char *name;
	char *edition;
	char *clause;
};

struct bench_protocol_input {
	char *role;	/* capture device role of the fixture */
	char *channels; /* "all" or names separated by spaces */
};

struct bench_protocol_priv;

struct bench_protocol {
	char *id;
	char *version;
	char *title;
	char *title_zh;	   /* <title xml:lang="zh-CN">, or NULL */
	char *description; /* may be NULL */
	char *catalogue;   /* test-catalogue.md ID (e.g. "A1"), may be NULL */
	size_t n_standards;
	struct bench_protocol_standard *standards; /* [0] is the primary reference */
	size_t n_dut_classes;
	char **dut_classes;
	struct bench_protocol_steps setup;
	struct bench_protocol_steps teardown;
	struct bench_protocol_steps before_trial; /* run before every trial */
	char *stimulus_xml; /* the <stimulus> element, serialised after overrides */
	int stimulus_line;
	double capture_s;  /* capture duration per trial */
	double settle_s;   /* discarded at the start of each trial */
	bool measure_gaps; /* <capture gaps="measure">: DUT timestamp gaps are data, not ERROR */
	size_t n_inputs;
	struct bench_protocol_input *inputs;
	unsigned trials; /* per condition */
	bool randomised;
	size_t n_conditions;
	struct bench_protocol_condition *conditions;
	const char *condition_id; /* the applied condition of a plan test, else NULL */
	size_t n_metrics;
	struct bench_protocol_metric *metrics;
	size_t n_criteria;
	struct bench_protocol_criterion *criteria;
	enum bench_protocol_rule rule;
	double k; /* coverage factor of the expanded uncertainty */
	bool has_retest;
	struct bench_protocol_retest retest; /* attempts 1 if !has_retest */
	char *path;
	char sha256_hex[BENCH_SHA256_HEX_LEN]; /* SHA-256 of the file bytes */
	size_t n_overrides;		       /* suite overrides applied (for the record) */
	struct bench_protocol_set *overrides;
	struct bench_protocol_priv *priv;
};

struct bench_protocol_lib;

/**
 * bench_protocol_lib_new() - a loading context: where limit files are, which DUT profile.
 * @limits_dir: directory of the limits files (SET.xml), borrowed and copied; NULL means
 *              "protocols/limits next to the protocol file, else the standard library".
 * @ret_lib:    receives the context; free with bench_protocol_lib_free().
 *
 * Limit files are loaded on first use and cached.
 *
 * Return: 0 or -ENOMEM.
 */
int bench_protocol_lib_new(const char *limits_dir, struct bench_protocol_lib **ret_lib);

/**
 * bench_protocol_lib_set_profile() - load the DUT profile used to resolve DUT claims.
 * @path:   a dut-profile XML file.
 * @reterr: receives "FILE:LINE: message" lines on failure (may be NULL).
 *
 * Return: 0, -EINVAL (invalid file; details in @reterr), -ENOENT, -ENOMEM.
 */
int bench_protocol_lib_set_profile(struct bench_protocol_lib *lib, const char *path,
				   struct bench_buf *reterr);

/* The profile set by bench_protocol_lib_set_profile(), or NULL. */
const struct bench_dut_profile *bench_protocol_lib_profile(const struct bench_protocol_lib *lib);

/* Accepts NULL. */
void bench_protocol_lib_free(struct bench_protocol_lib *lib);

/**
 * bench_protocol_load() - parse, validate and resolve one protocol.
 * @lib:         loading context (limits, DUT profile); borrowed.
 * @path:        the protocol file.
 * @sets:        overrides applied to the document before it is read (suite parameters),
 *               may be NULL when @n_sets is 0; borrowed.
 * @n_sets:      number of overrides.
 * @reterr:      receives "FILE:LINE: message" lines (may be NULL).
 * @ret_protocol: receives the protocol; free with bench_protocol_free().
 *
 * Checks: schema; stimulus element present; metric names known to the metric table and
 * their units plausible; criteria name a metric of the protocol; limit references exist
 * (an unknown "SET#ID" is an error at the criterion's line); the limit's unit equals the
 * metric's unit; marginal band units; within-limits have a nominal. DUT claims are resolved
 * when @lib has a profile.
 *
 * Return: 0, -EINVAL (details in @reterr), -ENOENT (no such file), -ENOMEM, -EIO.
 */
int bench_protocol_load(struct bench_protocol_lib *lib, const char *path,
			const struct bench_protocol_set *sets, size_t n_sets,
			struct bench_buf *reterr, struct bench_protocol **ret_protocol);

/* Accepts NULL. */
void bench_protocol_free(struct bench_protocol *protocol);

/* True if some metric of @protocol is pooled over its trials (over="trials"). */
bool bench_protocol_has_pooled(const struct bench_protocol *protocol);

/* <param name=NAME> of metric @m, or NULL. Borrowed from @m. */
const struct bench_protocol_param *bench_protocol_metric_param(
	const struct bench_protocol_metric *m, const char *name);
/* Its numeric value, or @def when absent or not a number. */
double bench_protocol_metric_param_num(const struct bench_protocol_metric *m, const char *name,
				       double def);

/* True if the protocol lists @dut_class in its applies-to. */
bool bench_protocol_applies_to(const struct bench_protocol *protocol, const char *dut_class);

/**
 * bench_protocol_limits_load() - parse and validate a limits file.
 *
 * Return: 0, -EINVAL (details in @reterr), -ENOENT, -ENOMEM, -EIO.
 */
int bench_protocol_limits_load(const char *path, struct bench_buf *reterr,
			       struct bench_protocol_limits **ret_limits);

/* Accepts NULL. */
void bench_protocol_limits_free(struct bench_protocol_limits *limits);

/* Looks up a limit by ID; NULL if absent. */
const struct bench_protocol_limit *bench_protocol_limits_find(
	const struct bench_protocol_limits *limits, const char *id);

/**
 * bench_dut_profile_load() - parse and validate a DUT profile (serial format must compile).
 *
 * Return: 0, -EINVAL (details in @reterr), -ENOENT, -ENOMEM, -EIO.
 */
int bench_dut_profile_load(const char *path, struct bench_buf *reterr,
			   struct bench_dut_profile **ret_profile);

/* Accepts NULL. */
void bench_dut_profile_free(struct bench_dut_profile *profile);

/* Return: 0 if @serial matches the profile's serial format as a whole, else -EINVAL. */
int bench_dut_profile_check_serial(const struct bench_dut_profile *profile, const char *serial);

/* One entry of a suite: a protocol file and its overrides, optionally inside a group. */
struct bench_suite_entry {
	char *protocol_id;
	char *href; /* as written */
	char *path; /* resolved against the suite's directory */
	int group;  /* index into bench_suite.groups, -1 if not in a group */
	/* steps="suite": the protocol's setup and teardown are replaced by the suite's */
	bool suite_steps;
	size_t n_sets;
	struct bench_protocol_set *sets;
	int line;
};

struct bench_suite_group {
	char *id;
	bool has_retest;
	struct bench_protocol_retest retest;
	int line;
};

struct bench_suite {
	char *id;
	char *version;
	char *title;
	char *description; /* may be NULL */
	char *dut_class;
	char *purpose;
	struct bench_protocol_steps setup;
	struct bench_protocol_steps teardown;
	size_t n_entries;
	struct bench_suite_entry *entries;
	size_t n_groups;
	struct bench_suite_group *groups;
	char *path;
	char sha256_hex[BENCH_SHA256_HEX_LEN];
};

/**
 * bench_suite_load() - parse and validate a suite, and load every protocol it lists with
 * its overrides applied (so a bad override or a protocol that does not apply to the
 * suite's DUT class is reported at load time).
 * @ret_protocols: if not NULL, receives an array of the loaded protocols, one per entry
 *                 (free each with bench_protocol_free() and the array with free()).
 *
 * Return: 0, -EINVAL (details in @reterr), -ENOENT, -ENOMEM, -EIO.
 */
int bench_suite_load(struct bench_protocol_lib *lib, const char *path, struct bench_buf *reterr,
		     struct bench_suite **ret_suite, struct bench_protocol ***ret_protocols);

/* Accepts NULL. */
void bench_suite_free(struct bench_suite *suite);

/* One test of a plan: a protocol instance (suite overrides and condition applied). */
struct bench_plan_test {
	struct bench_protocol *protocol; /* owned by the plan */
	size_t entry; /* suite entry (or protocol file) it comes from; tests of one entry
		       * are consecutive and their trials are interleaved when randomised */
	int group;    /* index into the suite's groups, -1 if none */
	size_t n_trials;
	/*
	 * The suite entry says steps="suite": the protocol's setup and teardown were cleared
	 * (the suite's setup prepared the DUT; if it failed, the trials are ERROR).
	 */
	bool suite_steps;
};

/* One trial, in execution order. */
struct bench_plan_trial {
	size_t test;	 /* index into bench_plan.tests */
	unsigned index;	 /* trial index within its test, 0-based */
	uint64_t seed;	 /* stimulus seed: bench_plan_trial_seed() */
	size_t sequence; /* position in the run, 0-based (== array index) */
};

struct bench_plan {
	uint64_t run_seed;
	struct bench_suite *suite; /* owned; NULL when built from protocol files */
	size_t n_entries;	   /* suite entries (or protocol files) expanded */
	size_t n_tests;
	struct bench_plan_test *tests;
	size_t n_trials;
	struct bench_plan_trial *trials;
};

/**
 * bench_plan_trial_seed() - the stimulus seed of one trial.
 *
 * The first 8 bytes (big-endian) of SHA-256("bcibench-trial-seed-v1" NUL, run_seed as 8
 * bytes little-endian, protocol_id NUL, condition_id or "" NUL, trial index as 4 bytes
 * little-endian). The same inputs give the same seed on every platform, so a resumed run
 * replays identical stimuli.
 *
 * Return: 0, -ENOMEM, -EIO.
 */
int bench_plan_trial_seed(uint64_t run_seed, const char *protocol_id, const char *condition_id,
			  unsigned trial_index, uint64_t *ret_seed);

/**
 * bench_plan_from_suite() - expand a suite into a plan.
 * @lib:      loading context; if it has a DUT profile, the suite's DUT class must match it.
 * @path:     the suite file.
 * @run_seed: the run seed.
 *
 * Each protocol becomes one test per condition (one if it has none); the trials of a
 * protocol with order="randomised" are shuffled together with a PRNG seeded from the run
 * seed and the protocol ID. Every DUT claim must resolve, so a DUT profile is needed when
 * a protocol has DUT-claim criteria.
 *
 * Return: 0, -EINVAL (details in @reterr), -ENOENT, -ENOMEM, -EIO.
 */
int bench_plan_from_suite(struct bench_protocol_lib *lib, const char *path, uint64_t run_seed,
			  struct bench_buf *reterr, struct bench_plan **ret_plan);

/* As bench_plan_from_suite() for a list of protocol files run in the given order. */
int bench_plan_from_protocols(struct bench_protocol_lib *lib, const char *const *paths,
			      size_t n_paths, uint64_t run_seed, struct bench_buf *reterr,
			      struct bench_plan **ret_plan);

/* Accepts NULL. */
void bench_plan_free(struct bench_plan *plan);

/* Kinds of files `bcibench validate` knows, by root element. */
enum bench_protocol_file_kind {
	BENCH_PROTOCOL_FILE_PROTOCOL,
	BENCH_PROTOCOL_FILE_SUITE,
	BENCH_PROTOCOL_FILE_LIMITS,
	BENCH_PROTOCOL_FILE_DUT_PROFILE,
	BENCH_PROTOCOL_FILE_OTHER, /* some other root element; see bench_protocol_root_name() */
	BENCH_PROTOCOL_FILE_KIND_COUNT,
};

/**
 * bench_protocol_root_name() - the root element's local name of an XML file, without
 * validating it (used by `bcibench validate` to dispatch).
 * @ret_name: receives a malloc'd string on success; the caller frees it.
 *
 * Return: 0, -EINVAL (not well-formed; details in @reterr), -ENOENT, -ENOMEM.
 */
int bench_protocol_root_name(const char *path, struct bench_buf *reterr, char **ret_name);

/* The kind for a root element name. */
enum bench_protocol_file_kind bench_protocol_file_kind(const char *root_name);

/**
 * bench_protocol_validate_file() - validate a protocol, suite, limits or DUT-profile file
 * completely (schema and references, as the loaders do).
 *
 * Return: 0, -EINVAL (details in @reterr), -ENOENT, -ENOMEM, -EIO, -EPROTONOSUPPORT (the
 * root element is not one of the four kinds).
 */
int bench_protocol_validate_file(struct bench_protocol_lib *lib, const char *path,
				 struct bench_buf *reterr);

/* Directory of the XSD files (BCIBENCH_SCHEMA_DIR, else the build's schemas/). */
const char *bench_protocol_schema_dir(void);

/* Directory of the standard protocol library (BCIBENCH_PROTOCOL_DIR, else protocols/). */
const char *bench_protocol_library_dir(void);

/* Names for the record and the reports. */
const char *bench_protocol_cmp_name(enum bench_protocol_cmp cmp);
const char *bench_protocol_evidence_name(enum bench_protocol_evidence ev);
const char *bench_protocol_rule_name(enum bench_protocol_rule rule);
const char *bench_protocol_final_name(enum bench_protocol_final final);

/**
 * bench_protocol_metric_known() - whether @name is a metric of the metric table, and if
 * @unit is a unit it can be expressed in.
 *
 * Return: 0, -ENOENT (unknown metric), -EDOM (unit not allowed for that metric).
 */
int bench_protocol_metric_known(const char *name, enum bench_unit unit);

/**
 * bench_protocol_render_markdown() - append the docs/protocols.md section of a protocol.
 *
 * Return: 0, -ENOMEM.
 */
int bench_protocol_render_markdown(const struct bench_protocol *protocol, struct bench_buf *out);

#endif /* BENCH_PROTOCOL_PROTOCOL_H */
