/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dossier model: everything a certification report says about one run, as a plain C
 * struct tree. It is filled from the results database alone (reports/load.h) or built in code
 * (tests, benchmarks), and rendered to XML (xml.h), PDF (pdf.h) and JUnit (junit.h).
 *
 * What it carries follows ISO/IEC 17025:2017 7.8.2.1 (unique report id, lab, item
 * identification, dates, method, results with units), 6.4/6.5 (equipment and calibration
 * status), 7.6 (measurement uncertainty) and 7.8.6 (decision rule and statement of
 * conformity).
 *
 * Units: every measurement carries its unit string (common/units.h spellings, e.g. "uV",
 * "Hz", "dB"); value, u (standard uncertainty) and U (expanded uncertainty, coverage factor
 * k) and limits are all in that unit. Times are wall-clock ns since the Unix epoch (UTC).
 *
 * Ownership: the dossier owns everything reachable from it. Strings are copied in with
 * bench_dossier_strdup() (NULL stays NULL); arrays grow through the bench_dossier_add_*()
 * helpers, which return a pointer to the new zeroed element. That pointer stays valid until
 * the next add on the same parent array (the array may move). bench_dossier_free() releases
 * the whole tree. Not thread-safe; one dossier per thread.
 */
#ifndef BENCH_REPORTS_DOSSIER_H
#define BENCH_REPORTS_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sha256.h"

/* Verdict of a measurement, a test or the run. Data, never an error code. */
enum bench_dossier_verdict {
	BENCH_DOSSIER_PASS,
	BENCH_DOSSIER_MARGINAL, /* inside the guard band of a guarded decision rule */
	BENCH_DOSSIER_FAIL,
	BENCH_DOSSIER_ERROR,   /* the bench could not measure or record */
	BENCH_DOSSIER_NOT_RUN, /* planned but not executed (aborted run, skipped) */
	BENCH_DOSSIER_VERDICT_COUNT,
};

/* How a value is compared with its limits (ATML 1636.1 comparator names). */
enum bench_dossier_cmp {
	BENCH_DOSSIER_CMP_GELE, /* low <= value <= high */
	BENCH_DOSSIER_CMP_GE,	/* value >= low */
	BENCH_DOSSIER_CMP_LE,	/* value <= high */
	BENCH_DOSSIER_CMP_GT,	/* value > low */
	BENCH_DOSSIER_CMP_LT,	/* value < high */
	BENCH_DOSSIER_CMP_EQ,	/* value == low (counts, states) */
	BENCH_DOSSIER_CMP_NONE, /* recorded for information, no limit */
	BENCH_DOSSIER_CMP_COUNT,
};

/* The decision rule applied to a limit (ISO/IEC 17025 7.8.6, ILAC-G8). */
enum bench_dossier_rule {
	BENCH_DOSSIER_RULE_SIMPLE,  /* simple acceptance: value against the limit, U reported */
	BENCH_DOSSIER_RULE_GUARDED, /* guarded acceptance: accept zone shrunk by U */
	BENCH_DOSSIER_RULE_COUNT,
};

/* Calibration status of an instrument at the time of the run. */
enum bench_dossier_cal {
	BENCH_DOSSIER_CAL_VALID,
	BENCH_DOSSIER_CAL_EXPIRED,
	BENCH_DOSSIER_CAL_NONE, /* not calibrated (e.g. the emulated rig) */
	BENCH_DOSSIER_CAL_COUNT,
};

/* What a plot draws; decides how its series are read (see struct bench_dossier_plot). */
enum bench_dossier_plot_kind {
	BENCH_DOSSIER_PLOT_OVERLAY,   /* stimulus vs response over time: series x=s, y=value */
	BENCH_DOSSIER_PLOT_PSD,	      /* power spectral density: x=Hz (log), y=dB */
	BENCH_DOSSIER_PLOT_BODE,      /* series 0 magnitude dB, series 1 phase deg, x=Hz (log) */
	BENCH_DOSSIER_PLOT_HISTOGRAM, /* x=bin centre, y=count */
	BENCH_DOSSIER_PLOT_CONFUSION, /* one series, y = k*k counts row-major (true x predicted) */
	BENCH_DOSSIER_PLOT_RASTER,    /* x=time s, y=channel; series "truth" and "detected" */
	BENCH_DOSSIER_PLOT_CHARGE,    /* x=pulse index, y=net charge per pulse */
	BENCH_DOSSIER_PLOT_KIND_COUNT,
};

/* A name = value [unit] pair (stimulus parameters, environment). */
struct bench_dossier_param {
	char *name;
	char *value; /* text as recorded, e.g. "10" or "sine" */
	char *unit;  /* NULL when dimensionless or textual */
};

struct bench_dossier_instrument {
	char *id;	   /* fixture-local id, e.g. "dac0" */
	char *description; /* e.g. "stimulus DAC" */
	char *model;	   /* manufacturer + model */
	char *serial;	   /* serial number */
	char *cal_cert;	   /* calibration certificate id, NULL if none */
	char *cal_due;	   /* due date YYYY-MM-DD, NULL if none */
	enum bench_dossier_cal cal_status;
};

struct bench_dossier_protocol {
	char *id;	  /* e.g. "eeg.gain" */
	char *version;	  /* protocol file version */
	char *sha256_hex; /* SHA-256 of the protocol file, 64 hex digits */
	char *standard;	  /* e.g. "IEC 80601-2-26:2019" */
	char *clause;	  /* e.g. "201.12.1.101.2" */
	char *method;	  /* method summary (one paragraph) */
	char *title;	  /* protocol title (not written to the XML: tests carry it), or NULL */
	char *title_zh;	  /* its <title xml:lang="zh-CN">, or NULL */
	uint64_t seed;	  /* stimulus PRNG seed */
	struct bench_dossier_param *stimulus;
	size_t n_stimulus;
};

struct bench_dossier_measurement {
	char *name;	   /* e.g. "gain error" */
	char *unit;	   /* common/units.h spelling */
	double value;	   /* in unit */
	double u;	   /* standard uncertainty, in unit; NAN if not evaluated */
	double u_expanded; /* expanded uncertainty U = k*u, in unit; NAN if not evaluated */
	double k;	   /* coverage factor (usually 2) */
	bool has_low, has_high;
	double low, high; /* limits in unit */
	enum bench_dossier_cmp cmp;
	enum bench_dossier_rule rule;
	char *evidence; /* evidence tag of the limit: "S", "S*", "E" (test-catalogue.md); NULL if
			 * not recorded */
	enum bench_dossier_verdict verdict;
};

/*
 * One data series of a plot. x and y are owned arrays of n doubles (x may be NULL for
 * series indexed 0..n-1). artifact_sha256_hex names the stored artifact the data came from
 * (NULL when the series was built in memory).
 */
struct bench_dossier_series {
	char *name; /* legend, e.g. "stimulus", "response", "truth", "detected" */
	size_t n;
	double *x;
	double *y;
	char *artifact_sha256_hex;
};

struct bench_dossier_plot {
	char *id;
	enum bench_dossier_plot_kind kind;
	char *title;
	char *x_label; /* axis label with unit, e.g. "frequency / Hz" */
	char *y_label;
	unsigned classes; /* CONFUSION: number of classes k */
	unsigned attempt; /* loader bookkeeping: attempt of the trial it came from (not written) */
	struct bench_dossier_series *series;
	size_t n_series;
};

/* A stored file the dossier refers to (raw capture, stimulus, EDF, CSV). */
struct bench_dossier_artifact {
	char *id;
	char *media_type; /* e.g. "application/x-edf" */
	char *path;	  /* where it is kept, relative to the dossier's folder or absolute */
	char *sha256_hex; /* 64 hex digits */
	uint64_t size_bytes;
};

struct bench_dossier_test {
	char *id;	   /* unique within the run, e.g. "T03" */
	char *title;	   /* English title */
	char *title_zh;	   /* Chinese title, NULL to use the English one */
	char *protocol_id; /* refers to a struct bench_dossier_protocol id */
	int64_t start_ns, end_ns;
	unsigned attempts; /* 1 unless retested */
	enum bench_dossier_verdict verdict;
	struct bench_dossier_measurement *meas;
	size_t n_meas;
	struct bench_dossier_plot *plots;
	size_t n_plots;
	char **artifact_ids; /* ids of struct bench_dossier_artifact this test produced */
	size_t n_artifact_ids;
};

/* Safe-state calls, faults, retests, aborts, operator notes. */
struct bench_dossier_event {
	int64_t time_ns;
	char *kind;    /* "safe-state", "fault", "retest", "abort", "note" */
	char *test_id; /* NULL for run-level events */
	char *message;
};

struct bench_dossier {
	char *report_id; /* unique; e.g. "BCB-20261121-000042" */
	int64_t run_id;	 /* run id in the database */
	char *lab_name;
	char *lab_address;
	char *station_id;
	char *operator_name;
	int64_t start_ns, end_ns, issued_ns;

	char *dut_manufacturer, *dut_model, *dut_serial, *dut_hw_rev, *dut_fw_rev;

	char *fixture_id, *fixture_name, *fixture_sha256_hex;
	struct bench_dossier_instrument *instruments;
	size_t n_instruments;

	char *software_name, *software_version, *software_build_id;

	struct bench_dossier_protocol *protocols;
	size_t n_protocols;
	struct bench_dossier_test *tests;
	size_t n_tests;
	struct bench_dossier_artifact *artifacts;
	size_t n_artifacts;
	struct bench_dossier_event *events;
	size_t n_events;

	enum bench_dossier_verdict verdict; /* overall verdict of the run */
	char *decision_rule;		    /* the decision-rule statement, one paragraph */

	void *priv; /* allocation list; do not touch */
};

/* Return: 0 or -ENOMEM. The new dossier is zeroed (verdict PASS, no strings). */
int bench_dossier_new(struct bench_dossier **ret_dossier);

/* Releases the dossier and everything it owns. Accepts NULL. */
void bench_dossier_free(struct bench_dossier *d);

/*
 * Copies @s into storage owned by @d. Return: the copy, or NULL if @s is NULL or memory ran
 * out (callers that must tell the two apart check @s first).
 */
char *bench_dossier_strdup(struct bench_dossier *d, const char *s);

/* Like bench_dossier_strdup() with printf formatting. Return: the copy or NULL. */
char *bench_dossier_strdupf(struct bench_dossier *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Appenders: each returns a zeroed new element at the end of the array, or NULL on -ENOMEM.
 * Measurements start with u, u_expanded = NAN and k = 2.
 */
struct bench_dossier_instrument *bench_dossier_add_instrument(struct bench_dossier *d);
struct bench_dossier_protocol *bench_dossier_add_protocol(struct bench_dossier *d);
struct bench_dossier_param *bench_dossier_add_stimulus(struct bench_dossier *d,
						       struct bench_dossier_protocol *p);
struct bench_dossier_test *bench_dossier_add_test(struct bench_dossier *d);
struct bench_dossier_measurement *bench_dossier_add_meas(struct bench_dossier *d,
							 struct bench_dossier_test *t);
struct bench_dossier_plot *bench_dossier_add_plot(struct bench_dossier *d,
						  struct bench_dossier_test *t);
struct bench_dossier_artifact *bench_dossier_add_artifact(struct bench_dossier *d);
struct bench_dossier_event *bench_dossier_add_event(struct bench_dossier *d);

/* Records that test @t produced artifact @artifact_id (copied). Return: 0 or -ENOMEM. */
int bench_dossier_test_add_artifact(struct bench_dossier *d, struct bench_dossier_test *t,
				    const char *artifact_id);

/**
 * bench_dossier_plot_add_series() - add a data series to a plot (data copied).
 * @d:    the dossier that owns @p.
 * @p:    the plot.
 * @name: legend text (copied).
 * @n:    number of points (may be 0).
 * @x:    n x values, or NULL for 0..n-1.
 * @y:    n y values (NULL only when @n is 0).
 *
 * Return: the new series, or NULL on -ENOMEM / -EINVAL.
 */
struct bench_dossier_series *bench_dossier_plot_add_series(struct bench_dossier *d,
							   struct bench_dossier_plot *p,
							   const char *name, size_t n,
							   const double *x, const double *y);

/* The SHA-256 of a series' data: n, then x[i], y[i] as little-endian IEEE 754 doubles. */
int bench_dossier_series_sha256(const struct bench_dossier_series *s,
				uint8_t out[BENCH_SHA256_LEN]);

/* Names used in XML and JUnit ("PASS", "GELE", "guarded-acceptance", "valid", "psd"...). */
const char *bench_dossier_verdict_name(enum bench_dossier_verdict v);
const char *bench_dossier_cmp_name(enum bench_dossier_cmp c);
const char *bench_dossier_rule_name(enum bench_dossier_rule r);
const char *bench_dossier_cal_name(enum bench_dossier_cal c);
const char *bench_dossier_plot_kind_name(enum bench_dossier_plot_kind k);

/* Inverse of the names above. Return: 0 or -EINVAL for an unknown name. */
int bench_dossier_verdict_parse(const char *s, enum bench_dossier_verdict *ret);
int bench_dossier_cmp_parse(const char *s, enum bench_dossier_cmp *ret);
int bench_dossier_rule_parse(const char *s, enum bench_dossier_rule *ret);
int bench_dossier_cal_parse(const char *s, enum bench_dossier_cal *ret);
int bench_dossier_plot_kind_parse(const char *s, enum bench_dossier_plot_kind *ret);

/*
 * Worst of two verdicts for aggregation: ERROR > FAIL > NOT_RUN > MARGINAL > PASS.
 * (An incomplete run is never PASS.)
 */
enum bench_dossier_verdict bench_dossier_verdict_worst(enum bench_dossier_verdict a,
						       enum bench_dossier_verdict b);

/* Counts of tests per verdict, for summaries and JUnit. @counts has VERDICT_COUNT entries. */
void bench_dossier_count(const struct bench_dossier *d, size_t counts[BENCH_DOSSIER_VERDICT_COUNT]);

/*
 * Formats the limit of @m as text in its unit: "[-2, 2] %", ">= 90 dB", "<= 1 uV", "> x",
 * "< x", or "-" without limits. Always NUL-terminates @buf (truncating).
 */
void bench_dossier_format_limit(const struct bench_dossier_measurement *m, char *buf, size_t size);

/* Finds a protocol or artifact by id. Return: the element or NULL. */
const struct bench_dossier_protocol *bench_dossier_find_protocol(const struct bench_dossier *d,
								 const char *id);
const struct bench_dossier_artifact *bench_dossier_find_artifact(const struct bench_dossier *d,
								 const char *id);

#endif /* BENCH_REPORTS_DOSSIER_H */
