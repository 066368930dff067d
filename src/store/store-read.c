// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The readers: runs, tests, measurements, completed trials (resume), events,
 * the comparison of two runs and the outbox queue. Each walks a query and
 * hands borrowed rows to a callback. Values are in the units stored with them.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "store/store-internal.h"

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static double col_double(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NAN;
	return sqlite3_column_double(s, i);
}

/* Steps @s calling @row_fn for each row; returns the callback's non-zero value or an errno. */
static int walk(struct bench_store *st, sqlite3_stmt *s, int (*row_fn)(sqlite3_stmt *, void *),
		void *arg)
{
	int rc, r = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r = row_fn(s, arg);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = store_errno(st, rc);
	sqlite3_reset(s);
	return r;
}

static int run_exists(struct bench_store *st, int64_t run_id)
{
	char uuid[BENCH_STORE_UUID_LEN];

	return store_run_uuid(st, run_id, uuid);
}

/*
 * Runs @sql (one parameter: the run id) for a run that must exist, calling @row_fn per row.
 * Return: as walk(), or -ENOENT for an unknown run.
 */
static int walk_run(struct bench_store *st, int64_t run_id, const char *sql,
		    int (*row_fn)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt *s;
	int r;

	r = run_exists(st, run_id);
	if (r < 0)
		return r;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, run_id);
	return walk(st, s, row_fn, arg);
}

/* Runs. */

#define RUN_SELECT                                                                                 \
	"SELECT r.id, r.uuid, r.run_type, r.status, r.status_reason, r.start_utc, r.end_utc, "     \
	"d.model, d.serial, d.firmware, s.name, o.login, r.suite, r.seed, r.software_version, "    \
	"r.build_id, r.host, r.slot, r.resumed_from, r.rescored_from, "                            \
	"(SELECT count(*) FROM test t WHERE t.run_id = r.id), "                                    \
	"(SELECT count(*) FROM trial tr JOIN test t ON t.id = tr.test_id WHERE t.run_id = r.id), " \
	"(SELECT count(*) FROM measurement m JOIN trial tr ON tr.id = m.trial_id "                 \
	"JOIN test t ON t.id = tr.test_id WHERE t.run_id = r.id) "                                 \
	"FROM run r LEFT JOIN dut d ON d.id = r.dut_id "                                           \
	"LEFT JOIN station s ON s.id = r.station_id "                                              \
	"LEFT JOIN operator o ON o.id = r.operator_id "

struct run_walk {
	bench_store_run_fn fn;
	void *ctx;
};

static int run_row(sqlite3_stmt *s, void *arg)
{
	struct run_walk *w = arg;
	struct bench_store_run_row row = {
		.id = sqlite3_column_int64(s, 0),
		.uuid = col_text(s, 1),
		.run_type = col_text(s, 2),
		.status = col_text(s, 3),
		.status_reason = col_text(s, 4),
		.start_utc = col_text(s, 5),
		.end_utc = col_text(s, 6),
		.dut_model = col_text(s, 7),
		.dut_serial = col_text(s, 8),
		.dut_firmware = col_text(s, 9),
		.station = col_text(s, 10),
		.operator_login = col_text(s, 11),
		.suite = col_text(s, 12),
		.seed = (uint64_t)sqlite3_column_int64(s, 13),
		.software_version = col_text(s, 14),
		.build_id = col_text(s, 15),
		.host = col_text(s, 16),
		.slot = sqlite3_column_type(s, 17) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 17),
		.resumed_from = sqlite3_column_int64(s, 18),
		.rescored_from = sqlite3_column_int64(s, 19),
		.n_tests = sqlite3_column_int64(s, 20),
		.n_trials = sqlite3_column_int64(s, 21),
		.n_measurements = sqlite3_column_int64(s, 22),
	};

	return w->fn(w->ctx, &row);
}

int bench_store_runs_list(struct bench_store *st, const struct bench_store_run_filter *filter,
			  bench_store_run_fn fn, void *ctx)
{
	static const char *const sql = RUN_SELECT
		"WHERE (?1 IS NULL OR d.serial = ?1) AND (?2 IS NULL OR r.start_utc >= ?2) "
		"AND (?3 IS NULL OR r.status = ?3) ORDER BY r.start_utc DESC, r.id DESC LIMIT ?4";
	struct run_walk w = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if (!st || !fn)
		return -EINVAL;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	if (filter) {
		store_bind_text(s, 1, filter->dut_serial);
		store_bind_text(s, 2, filter->since_utc);
		store_bind_text(s, 3, filter->status);
	}
	sqlite3_bind_int(s, 4, filter && filter->limit > 0 ? filter->limit : -1);
	return walk(st, s, run_row, &w);
}

int bench_store_run_get(struct bench_store *st, int64_t run_id, bench_store_run_fn fn, void *ctx)
{
	static const char *const sql = RUN_SELECT "WHERE r.id = ?1";
	struct run_walk w = { fn, ctx };
	sqlite3_stmt *s;
	int rc, r;

	if (!st || !fn)
		return -EINVAL;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, run_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		r = run_row(s, &w);
	else
		r = rc == SQLITE_DONE ? -ENOENT : store_errno(st, rc);
	sqlite3_reset(s);
	return r;
}

/* Tests. */

struct test_walk {
	bench_store_test_fn fn;
	void *ctx;
};

static int test_row(sqlite3_stmt *s, void *arg)
{
	struct test_walk *w = arg;
	struct bench_store_test_row row = {
		.id = sqlite3_column_int64(s, 0),
		.seq = sqlite3_column_int(s, 1),
		.name = col_text(s, 2),
		.protocol_id = col_text(s, 3),
		.protocol_version = col_text(s, 4),
		.standard = col_text(s, 5),
		.clause = col_text(s, 6),
		.verdict = col_text(s, 7),
		.start_utc = col_text(s, 8),
		.end_utc = col_text(s, 9),
	};

	return w->fn(w->ctx, &row);
}

int bench_store_tests_list(struct bench_store *st, int64_t run_id, bench_store_test_fn fn,
			   void *ctx)
{
	static const char *const sql =
		"SELECT t.id, t.seq, t.name, p.protocol_id, p.version, p.standard, p.clause, "
		"t.verdict, t.start_utc, t.end_utc FROM test t JOIN protocol p ON p.id = "
		"t.protocol_id WHERE t.run_id = ? ORDER BY t.seq";
	struct test_walk w = { fn, ctx };

	if (!st || !fn)
		return -EINVAL;
	return walk_run(st, run_id, sql, test_row, &w);
}

/* Measurements. */

struct meas_walk {
	bench_store_measurement_fn fn;
	void *ctx;
};

static int meas_row(sqlite3_stmt *s, void *arg)
{
	struct meas_walk *w = arg;
	struct bench_store_measurement_row row = {
		.test_seq = sqlite3_column_int(s, 0),
		.test_name = col_text(s, 1),
		.trial_seq = sqlite3_column_int(s, 2),
		.attempt = sqlite3_column_int(s, 3),
		.trial_seed = (uint64_t)sqlite3_column_int64(s, 4),
		.trial_status = col_text(s, 5),
		.seq = sqlite3_column_int(s, 6),
		.m = {
			.name = col_text(s, 7),
			.value = col_double(s, 8),
			.unit = col_text(s, 9),
			.u = col_double(s, 10),
			.u_expanded = col_double(s, 11),
			.k = col_double(s, 12),
			.limit_low = col_double(s, 13),
			.limit_high = col_double(s, 14),
			.comparator = col_text(s, 15),
			.marginal_low = col_double(s, 16),
			.marginal_high = col_double(s, 17),
			.decision_rule = col_text(s, 18),
			.verdict = col_text(s, 19),
			.evidence = col_text(s, 20),
			.clause = col_text(s, 21),
		},
	};

	return w->fn(w->ctx, &row);
}

int bench_store_measurements_list(struct bench_store *st, int64_t run_id,
				  bench_store_measurement_fn fn, void *ctx)
{
	static const char *const sql =
		"SELECT t.seq, t.name, tr.seq, tr.attempt, tr.seed, tr.status, m.seq, m.name, "
		"m.value, m.unit, m.u, m.u_expanded, m.k, m.limit_low, m.limit_high, m.comparator, "
		"m.marginal_low, m.marginal_high, m.decision_rule, m.verdict, m.evidence, m.clause "
		"FROM test t JOIN trial tr ON tr.test_id = t.id JOIN measurement m ON m.trial_id "
		"= tr.id WHERE t.run_id = ? ORDER BY t.seq, tr.seq, tr.attempt, m.seq";
	struct meas_walk w = { fn, ctx };

	if (!st || !fn)
		return -EINVAL;
	return walk_run(st, run_id, sql, meas_row, &w);
}

int bench_store_test_measurements(struct bench_store *st, int64_t test_id, int attempt,
				  bench_store_measurement_fn fn, void *ctx)
{
	static const char *const sql =
		"SELECT t.seq, t.name, tr.seq, tr.attempt, tr.seed, tr.status, m.seq, m.name, "
		"m.value, m.unit, m.u, m.u_expanded, m.k, m.limit_low, m.limit_high, m.comparator, "
		"m.marginal_low, m.marginal_high, m.decision_rule, m.verdict, m.evidence, m.clause "
		"FROM test t JOIN trial tr ON tr.test_id = t.id LEFT JOIN measurement m ON "
		"m.trial_id = tr.id WHERE t.id = ? AND tr.attempt = ? AND tr.seq >= 0 "
		"ORDER BY tr.seq, m.seq";
	struct meas_walk w = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if (!st || !fn || attempt < 1)
		return -EINVAL;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, test_id);
	sqlite3_bind_int(s, 2, attempt);
	return walk(st, s, meas_row, &w);
}

/* Completed trials (resume). */

struct trial_walk {
	bench_store_trial_fn fn;
	void *ctx;
};

static int trial_row(sqlite3_stmt *s, void *arg)
{
	struct trial_walk *w = arg;
	struct bench_store_trial_row row = {
		.id = sqlite3_column_int64(s, 0),
		.test_id = sqlite3_column_int64(s, 1),
		.test_seq = sqlite3_column_int(s, 2),
		.protocol_row_id = sqlite3_column_int64(s, 3),
		.seq = sqlite3_column_int(s, 4),
		.attempt = sqlite3_column_int(s, 5),
		.seed = (uint64_t)sqlite3_column_int64(s, 6),
		.status = col_text(s, 7),
	};

	return w->fn(w->ctx, &row);
}

int bench_store_trials_completed(struct bench_store *st, int64_t run_id, bench_store_trial_fn fn,
				 void *ctx)
{
	static const char *const sql =
		"SELECT tr.id, t.id, t.seq, t.protocol_id, tr.seq, tr.attempt, tr.seed, tr.status "
		"FROM trial tr JOIN test t ON t.id = tr.test_id WHERE t.run_id = ? "
		"ORDER BY t.seq, tr.seq, tr.attempt";
	struct trial_walk w = { fn, ctx };

	if (!st || !fn)
		return -EINVAL;
	return walk_run(st, run_id, sql, trial_row, &w);
}

/* Calibrations of a run. */

struct cal_walk {
	bench_store_calibration_fn fn;
	void *ctx;
};

static int cal_row(sqlite3_stmt *s, void *arg)
{
	struct cal_walk *w = arg;
	struct bench_store_calibration_row row = {
		.id = sqlite3_column_int64(s, 0),
		.instrument_kind = col_text(s, 1),
		.instrument_manufacturer = col_text(s, 2),
		.instrument_model = col_text(s, 3),
		.instrument_serial = col_text(s, 4),
		.cal = {
			.instrument_id = sqlite3_column_int64(s, 5),
			.channel = col_text(s, 6),
			.gain = col_double(s, 7),
			.offset = col_double(s, 8),
			.offset_unit = col_text(s, 9),
			.u_gain = col_double(s, 10),
			.u_offset = col_double(s, 11),
			.method = col_text(s, 12),
			.certificate = col_text(s, 13),
			.cal_date = col_text(s, 14),
			.due_date = col_text(s, 15),
		},
	};

	return w->fn(w->ctx, &row);
}

int bench_store_run_calibrations(struct bench_store *st, int64_t run_id,
				 bench_store_calibration_fn fn, void *ctx)
{
	static const char *const sql =
		"SELECT c.id, i.kind, i.manufacturer, i.model, i.serial, c.instrument_id, "
		"c.channel, c.gain, c.offset, c.offset_unit, c.u_gain, c.u_offset, c.method, "
		"c.certificate, c.cal_date, c.due_date FROM run_calibration rc "
		"JOIN calibration c ON c.id = rc.calibration_id "
		"JOIN instrument i ON i.id = c.instrument_id WHERE rc.run_id = ? "
		"ORDER BY i.serial, c.channel, c.id";
	struct cal_walk w = { fn, ctx };

	if (!st || !fn)
		return -EINVAL;
	return walk_run(st, run_id, sql, cal_row, &w);
}

/* Events. */

struct event_walk {
	bench_store_event_fn fn;
	void *ctx;
};

static int event_row(sqlite3_stmt *s, void *arg)
{
	struct event_walk *w = arg;
	struct bench_store_event_row row = {
		.id = sqlite3_column_int64(s, 0),
		.trial_id = sqlite3_column_int64(s, 1),
		.t_utc = col_text(s, 2),
		.t_ns = sqlite3_column_type(s, 3) == SQLITE_NULL ? BENCH_STORE_NO_TIME :
								   sqlite3_column_int64(s, 3),
		.kind = col_text(s, 4),
		.source = col_text(s, 5),
		.message = col_text(s, 6),
	};

	return w->fn(w->ctx, &row);
}

int bench_store_events_list(struct bench_store *st, int64_t run_id, bench_store_event_fn fn,
			    void *ctx)
{
	static const char *const sql = "SELECT id, trial_id, t_utc, t_ns, kind, source, message "
				       "FROM event WHERE run_id = ? ORDER BY id";
	struct event_walk w = { fn, ctx };

	if (!st || !fn)
		return -EINVAL;
	return walk_run(st, run_id, sql, event_row, &w);
}

/* Artifacts. */

struct artifact_walk {
	bench_store_artifact_fn fn;
	void *ctx;
};

static int artifact_row(sqlite3_stmt *s, void *arg)
{
	struct artifact_walk *w = arg;
	struct bench_store_artifact_row row = {
		.id = sqlite3_column_int64(s, 0),
		.trial_id = sqlite3_column_int64(s, 1),
		.kind = col_text(s, 2),
		.path = col_text(s, 3),
		.media_type = col_text(s, 5),
		.sha256 = col_text(s, 6),
		.size_bytes = sqlite3_column_int64(s, 7),
	};

	if (sqlite3_column_type(s, 4) != SQLITE_NULL) {
		row.blob = sqlite3_column_blob(s, 4);
		row.blob_len = (size_t)sqlite3_column_bytes(s, 4);
		if (!row.blob)
			row.blob = "";
	}
	return w->fn(w->ctx, &row);
}

int bench_store_artifacts_list(struct bench_store *st, int64_t run_id, bench_store_artifact_fn fn,
			       void *ctx)
{
	static const char *const sql = "SELECT id, trial_id, kind, path, blob, media_type, sha256, "
				       "size_bytes FROM artifact WHERE run_id = ? ORDER BY id";
	struct artifact_walk w = { fn, ctx };

	if (!st || !fn)
		return -EINVAL;
	return walk_run(st, run_id, sql, artifact_row, &w);
}

int bench_store_test_protocol(struct bench_store *st, int64_t test_id, struct bench_buf *xml,
			      int64_t *ret_protocol_row)
{
	static const char *const sql = "SELECT p.id, p.xml FROM test t JOIN protocol p ON "
				       "p.id = t.protocol_id WHERE t.id = ?";
	sqlite3_stmt *s;
	int rc, r;

	if (!st || !xml)
		return -EINVAL;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, test_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		r = bench_buf_append(xml, sqlite3_column_text(s, 1),
				     (size_t)sqlite3_column_bytes(s, 1));
		if (r == 0 && ret_protocol_row)
			*ret_protocol_row = sqlite3_column_int64(s, 0);
	} else {
		r = rc == SQLITE_DONE ? -ENOENT : store_errno(st, rc);
	}
	sqlite3_reset(s);
	return r;
}

/* Compare. */

const char *bench_store_diff_kind_name(enum bench_store_diff_kind k)
{
	static const char *const names[] = { "verdict", "shift", "only_a", "only_b", "unit" };

	if ((unsigned)k >= BENCH_STORE_DIFF_KIND_COUNT)
		return NULL;
	return names[k];
}

/* Measurements of the last attempt of every trial of run ?N. */
#define LAST_ATTEMPT(N)                                                                           \
	"SELECT p.protocol_id AS pid, t.name AS tname, tr.seq AS tseq, m.name AS name, "          \
	"m.seq AS mseq, "                                                                         \
	"m.value AS value, m.unit AS unit, m.u_expanded AS uexp, m.verdict AS verdict "           \
	"FROM test t JOIN protocol p ON p.id = t.protocol_id JOIN trial tr ON tr.test_id = t.id " \
	"JOIN measurement m ON m.trial_id = tr.id WHERE t.run_id = " N " AND tr.attempt = "       \
	"(SELECT max(x.attempt) FROM trial x WHERE x.test_id = tr.test_id AND x.seq = tr.seq)"

struct cmp_walk {
	bench_store_diff_fn fn;
	void *ctx;
	int64_t n_same;
};

static bool same_text(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int cmp_row(sqlite3_stmt *s, void *arg)
{
	struct cmp_walk *w = arg;
	int side = sqlite3_column_int(s, 13);
	struct bench_store_diff d = {
		.protocol_id = col_text(s, 0),
		.test_name = col_text(s, 1),
		.trial_seq = sqlite3_column_int(s, 2),
		.name = col_text(s, 3),
		.seq = sqlite3_column_int(s, 4),
		.unit_a = col_text(s, 5),
		.unit_b = col_text(s, 6),
		.value_a = col_double(s, 7),
		.value_b = col_double(s, 8),
		.u_expanded_a = col_double(s, 9),
		.u_expanded_b = col_double(s, 10),
		.verdict_a = col_text(s, 11),
		.verdict_b = col_text(s, 12),
		.en = NAN,
	};
	double ua, ub, den, diff;

	if (side == 1) {
		d.kind = BENCH_STORE_DIFF_ONLY_A;
		return w->fn(w->ctx, &d);
	}
	if (side == 2) {
		d.kind = BENCH_STORE_DIFF_ONLY_B;
		return w->fn(w->ctx, &d);
	}
	if (!same_text(d.unit_a, d.unit_b)) {
		d.kind = BENCH_STORE_DIFF_UNIT;
		return w->fn(w->ctx, &d);
	}
	if (!isnan(d.value_a) && !isnan(d.value_b)) {
		ua = isnan(d.u_expanded_a) ? 0.0 : d.u_expanded_a;
		ub = isnan(d.u_expanded_b) ? 0.0 : d.u_expanded_b;
		den = sqrt(ua * ua + ub * ub);
		diff = fabs(d.value_b - d.value_a);
		if (den > 0.0)
			d.en = diff / den;
		else
			d.en = diff == 0.0 ? 0.0 : INFINITY;
	}
	if (!same_text(d.verdict_a, d.verdict_b)) {
		d.kind = BENCH_STORE_DIFF_VERDICT;
		return w->fn(w->ctx, &d);
	}
	/* One side measured, the other not: a change worth a line. */
	if (isnan(d.value_a) != isnan(d.value_b) || (!isnan(d.en) && d.en > 1.0)) {
		d.kind = BENCH_STORE_DIFF_SHIFT;
		return w->fn(w->ctx, &d);
	}
	w->n_same++;
	return 0;
}

int bench_store_compare(struct bench_store *st, int64_t run_a, int64_t run_b,
			bench_store_diff_fn fn, void *ctx, int64_t *ret_n_same)
{
	static const char *const sql = "WITH a AS (" LAST_ATTEMPT("?1") "), b AS (" LAST_ATTEMPT(
		"?2") ") "
		      "SELECT a.pid, a.tname, a.tseq, a.name, a.mseq, a.unit, b.unit, a.value, "
		      "b.value, a.uexp, b.uexp, a.verdict, b.verdict, "
		      "CASE WHEN b.pid IS NULL THEN 1 ELSE 0 END "
		      "FROM a LEFT JOIN b ON b.pid = a.pid AND b.tname = a.tname AND b.tseq = a.tseq "
		      "AND b.name = a.name AND b.mseq = a.mseq "
		      "UNION ALL "
		      "SELECT b.pid, b.tname, b.tseq, b.name, b.mseq, NULL, b.unit, NULL, b.value, "
		      "NULL, b.uexp, NULL, b.verdict, 2 FROM b LEFT JOIN a ON a.pid = b.pid "
		      "AND a.tname = b.tname AND a.tseq = b.tseq AND a.name = b.name "
		      "AND a.mseq = b.mseq WHERE a.pid IS NULL "
		      "ORDER BY 1, 2, 3, 5, 4";
	struct cmp_walk w = { fn, ctx, 0 };
	sqlite3_stmt *s;
	int r;

	if (!st || !fn)
		return -EINVAL;
	r = run_exists(st, run_a);
	if (r == 0)
		r = run_exists(st, run_b);
	if (r < 0)
		return r;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	sqlite3_bind_int64(s, 1, run_a);
	sqlite3_bind_int64(s, 2, run_b);
	r = walk(st, s, cmp_row, &w);
	if (r == 0 && ret_n_same)
		*ret_n_same = w.n_same;
	return r;
}

/* Outbox. */

struct outbox_walk {
	bench_store_outbox_fn fn;
	void *ctx;
};

static int outbox_row(sqlite3_stmt *s, void *arg)
{
	struct outbox_walk *w = arg;
	struct bench_store_outbox_row row = {
		.id = sqlite3_column_int64(s, 0),
		.run_id = sqlite3_column_int64(s, 1),
		.path = col_text(s, 2),
		.kind = col_text(s, 3),
		.sha256 = col_text(s, 4),
		.size_bytes = sqlite3_column_int64(s, 5),
		.attempts = sqlite3_column_int(s, 6),
		.last_error = col_text(s, 7),
	};

	return w->fn(w->ctx, &row);
}

int bench_store_outbox_pending(struct bench_store *st, bench_store_outbox_fn fn, void *ctx)
{
	static const char *const sql =
		"SELECT id, run_id, path, kind, sha256, size_bytes, attempts, last_error "
		"FROM outbox WHERE acked_utc IS NULL ORDER BY id";
	struct outbox_walk w = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if (!st || !fn)
		return -EINVAL;
	r = store_stmt(st, sql, &s);
	if (r < 0)
		return r;
	return walk(st, s, outbox_row, &w);
}
