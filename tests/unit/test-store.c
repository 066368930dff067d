// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of src/store: migrations, identity dedup, the trial write path,
 * readers, compare, the audit chain and verify, dead-writer recovery and
 * resume. Each test works in its own temporary directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "store/store.h"

static char dir[64];
static char db[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/r.db", dir);
}

static void teardown(void)
{
	char cmd[128];
	FILE *p;

	/* rm -rf through a pipe-less popen: no system(). */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	p = popen(cmd, "r");
	if (p)
		pclose(p);
}

TestSuite(store, .init = setup, .fini = teardown);

/* Runs raw SQL on the file behind the store's back (tampering, inspection). */
static void raw_sql(const char *sql)
{
	sqlite3 *h;
	char *err = NULL;

	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql,
		     err ? err : "");
	sqlite3_close(h);
}

static long long raw_int(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	long long v = -1;

	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

static struct bench_store_measurement meas(const char *name, double value, const char *verdict)
{
	struct bench_store_measurement m = {
		.name = name,
		.value = value,
		.unit = "uV",
		.u = 0.05,
		.u_expanded = 0.1,
		.k = 2.0,
		.limit_low = NAN,
		.limit_high = 6.0,
		.comparator = "LE",
		.marginal_low = NAN,
		.marginal_high = 5.9,
		.decision_rule = "guarded",
		.verdict = verdict,
		.evidence = "S",
		.clause = "201.12.4.4",
	};
	return m;
}

struct fixture_ids {
	int64_t run, test, proto;
};

static void begin_run(struct bench_store *st, uint64_t seed, const char *serial,
		      struct fixture_ids *ids)
{
	struct bench_store_dut dut = { .model = "ACME-1", .serial = serial, .firmware = "1.0" };
	struct bench_store_protocol p = { .protocol_id = "noise.input-referred",
					  .version = "1",
					  .title = "Input-referred noise",
					  .xml = "<protocol/>",
					  .xml_len = 11 };
	struct bench_store_run_info info = { .run_type = BENCH_STORE_RUN_ENGINEERING,
					     .seed = seed,
					     .slot = -1 };

	cr_assert_eq(bench_store_add_dut(st, &dut, &info.dut_id), 0);
	cr_assert_eq(bench_store_add_protocol(st, &p, &ids->proto), 0);
	cr_assert_eq(bench_store_run_begin(st, &info, &ids->run, NULL), 0);
	cr_assert_eq(bench_store_test_begin(st, ids->run, ids->proto, 0, "noise", &ids->test), 0);
}

static int commit_trial(struct bench_store *st, int64_t test, int seq, double value,
			const char *verdict)
{
	struct bench_store_measurement m[2] = { meas("noise_rms", value, verdict),
						meas("noise_pp", value * 6, "PASS") };
	struct bench_store_trial t = { .seq = seq,
				       .attempt = 1,
				       .seed = 1000 + (uint64_t)seq,
				       .status = verdict,
				       .measurements = m,
				       .n_measurements = 2 };

	return bench_store_trial_commit(st, test, &t, NULL);
}

static void expect_verified(struct bench_store *st)
{
	struct bench_store_verify_result res;

	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect(res.ok, "verify failed: %s", res.what);
}

Test(store, migrates_an_empty_file_to_the_current_version)
{
	struct bench_store *st;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_expect_eq(bench_store_schema_version(st), BENCH_STORE_SCHEMA_VERSION);
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM audit WHERE action = 'migrate'"),
		     BENCH_STORE_SCHEMA_VERSION);
	cr_expect_eq(raw_int("PRAGMA user_version"), BENCH_STORE_SCHEMA_VERSION);
}

Test(store, migrates_from_every_earlier_version)
{
	struct bench_store *st;
	int v;

	for (v = 0; v < BENCH_STORE_SCHEMA_VERSION; v++) {
		snprintf(db, sizeof(db), "%s/v%d.db", dir, v);
		cr_assert_eq(bench_store_create_at_version(db, v), 0);
		cr_expect_eq(raw_int("PRAGMA user_version"), v);
		cr_assert_eq(bench_store_open(db, 0, &st), 0);
		cr_expect_eq(bench_store_schema_version(st), BENCH_STORE_SCHEMA_VERSION);
		expect_verified(st);
		bench_store_close(st);
	}
}

Test(store, reopening_does_not_migrate_twice)
{
	struct bench_store *st;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	bench_store_close(st);
	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM audit"), BENCH_STORE_SCHEMA_VERSION);
}

Test(store, refuses_a_schema_newer_than_the_build)
{
	struct bench_store *st = NULL;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	bench_store_close(st);
	raw_sql("PRAGMA user_version = 999");
	cr_expect_eq(bench_store_open(db, 0, &st), -EPROTO);
	cr_expect_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), -EPROTO);
}

Test(store, refuses_a_file_that_is_not_a_database)
{
	struct bench_store *st = NULL;
	FILE *f = fopen(db, "w");

	cr_assert_not_null(f);
	fputs("this is not an SQLite database, just some text that is long enough.\n", f);
	fclose(f);
	cr_expect_eq(bench_store_open(db, 0, &st), -EIO);
}

Test(store, readonly_open_of_a_missing_file_is_enoent)
{
	struct bench_store *st = NULL;

	cr_expect_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), -ENOENT);
	cr_expect_eq(access(db, F_OK), -1);
}

Test(store, identities_are_deduplicated_by_sha256)
{
	struct bench_store_dut d = { .model = "ACME-1", .serial = "SN1", .firmware = "1.0" };
	struct bench_store_dut d2 = { .model = "ACME-1", .serial = "SN1", .firmware = "1.1" };
	struct bench_store *st;
	int64_t a, b, c, f1, f2;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_assert_eq(bench_store_add_dut(st, &d, &a), 0);
	cr_assert_eq(bench_store_add_dut(st, &d, &b), 0);
	cr_assert_eq(bench_store_add_dut(st, &d2, &c), 0);
	cr_expect_eq(a, b);
	cr_expect_neq(a, c);
	cr_assert_eq(bench_store_add_fixture(st, "sim", "<fixture/>", 10, &f1), 0);
	cr_assert_eq(bench_store_add_fixture(st, "sim", "<fixture/>", 10, &f2), 0);
	cr_expect_eq(f1, f2);
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM dut"), 2);
	cr_expect_eq(raw_int("SELECT count(*) FROM fixture"), 1);
}

static int check_cal(void *ctx, const struct bench_store_calibration_row *r)
{
	cr_expect_str_eq(r->instrument_serial, "D-7");
	cr_expect_str_eq(r->cal.certificate, "CAL-2026-118");
	cr_expect_str_eq(r->cal.due_date, "2027-06-01");
	cr_expect_eq(r->cal.gain, 1.0002);
	cr_expect(isnan(r->cal.u_offset));
	(*(int *)ctx)++;
	return 0;
}

Test(store, registers_calibration_traceability_for_a_run)
{
	int n_cal = 0;
	struct bench_store_instrument in = { .kind = "dac", .model = "AD5791", .serial = "D-7" };
	struct bench_store_calibration cal = { .channel = "stim0",
					       .gain = 1.0002,
					       .offset = -0.4,
					       .offset_unit = "uV",
					       .u_gain = 1e-5,
					       .u_offset = NAN,
					       .method = "certificate",
					       .certificate = "CAL-2026-118",
					       .cal_date = "2026-06-01",
					       .due_date = "2027-06-01" };
	struct bench_store_run_info info = { .run_type = BENCH_STORE_RUN_CERTIFICATION, .slot = 2 };
	struct bench_store *st;
	int64_t run, cal_id;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_assert_eq(bench_store_add_instrument(st, &in, &cal.instrument_id), 0);
	cr_assert_eq(bench_store_add_calibration(st, &cal, &cal_id), 0);
	info.calibration_ids = &cal_id;
	info.n_calibrations = 1;
	cr_assert_eq(bench_store_run_begin(st, &info, &run, NULL), 0);
	expect_verified(st);
	cr_assert_eq(bench_store_run_calibrations(st, run, check_cal, &n_cal), 0);
	cr_expect_eq(n_cal, 1);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM run_calibration rc JOIN calibration c ON "
			     "c.id = rc.calibration_id WHERE c.certificate = 'CAL-2026-118'"),
		     1);
	cr_expect_eq(raw_int("SELECT u_offset IS NULL FROM calibration"), 1);
	cr_expect_eq(raw_int("SELECT slot FROM run"), 2);
}

Test(store, rejects_a_run_with_an_unknown_dut)
{
	struct bench_store_run_info info = { .run_type = BENCH_STORE_RUN_PRODUCTION,
					     .dut_id = 42,
					     .slot = -1 };
	struct bench_store *st;
	int64_t run = -1;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_expect_eq(bench_store_run_begin(st, &info, &run, NULL), -EINVAL);
	cr_expect_eq(run, -1);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM run"), 0);
}

struct collect {
	int n;
	double values[16];
	const char *verdict;
	char names[16][32];
	uint64_t seeds[16];
	int seqs[16];
};

static int collect_meas(void *ctx, const struct bench_store_measurement_row *r)
{
	struct collect *c = ctx;

	cr_assert_lt(c->n, 16);
	c->values[c->n] = r->m.value;
	snprintf(c->names[c->n], sizeof(c->names[0]), "%s", r->m.name);
	c->seeds[c->n] = r->trial_seed;
	c->n++;
	return 0;
}

/* Loads tests/data/store/v1.sql (+ its run folder) as @path. */
static void load_v1(const char *path)
{
	const char *src = getenv("BCIBENCH_SOURCE_ROOT");
	char sqlfile[512], cmd[1200];
	char *sql = NULL, *err = NULL;
	size_t len = 0;
	sqlite3 *h;
	FILE *f;

	cr_assert_not_null(src, "BCIBENCH_SOURCE_ROOT is not set (run through meson test)");
	snprintf(sqlfile, sizeof(sqlfile), "%s/tests/data/store/v1.sql", src);
	f = fopen(sqlfile, "r");
	cr_assert_not_null(f, "%s", sqlfile);
	cr_assert_geq(getdelim(&sql, &len, '\0', f), 0);
	fclose(f);
	cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, &err), SQLITE_OK, "%s", err ? err : "");
	sqlite3_close(h);
	free(sql);
	snprintf(cmd, sizeof(cmd), "cp -r '%s/tests/data/store/v1.db.d' '%s.d'", src, path);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	cr_assert_eq(pclose(f), 0);
}

Test(store, migrates_a_version_1_database_with_data_keeping_every_hash)
{
	struct bench_store *st;
	struct fixture_ids ids;
	struct collect c = { 0 };

	load_v1(db);
	cr_expect_eq(raw_int("PRAGMA user_version"), 1);
	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_expect_eq(bench_store_schema_version(st), BENCH_STORE_SCHEMA_VERSION);
	/* Old rows still match the hashes recorded before the migration. */
	expect_verified(st);
	cr_assert_eq(bench_store_measurements_list(st, 1, collect_meas, &c), 0);
	cr_expect_eq(c.n, 6);
	/* And new runs are written with the new columns. */
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(commit_trial(st, ids.test, 0, 5.0, "PASS"), 0);
	expect_verified(st);
	bench_store_close(st);
	/* The dump's own migration to 1, then one audit row per migration since. */
	cr_expect_eq(raw_int("SELECT count(*) FROM audit WHERE action = 'migrate'"),
		     BENCH_STORE_SCHEMA_VERSION);
	cr_expect_eq(raw_int("SELECT count(*) FROM run WHERE writer_start_ticks IS NOT NULL"), 1);
}

Test(store, a_trial_reads_back_exactly_as_written)
{
	struct bench_store *st;
	struct fixture_ids ids;
	struct collect c = { 0 };

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(commit_trial(st, ids.test, 0, 0.1 + 0.2, "PASS"), 0);
	cr_assert_eq(bench_store_measurements_list(st, ids.run, collect_meas, &c), 0);
	cr_assert_eq(c.n, 2);
	cr_expect_eq(c.values[0], 0.1 + 0.2); /* bit-exact, not approximately */
	cr_expect_eq(c.values[1], (0.1 + 0.2) * 6);
	cr_expect_str_eq(c.names[0], "noise_rms");
	cr_expect_eq(c.seeds[0], 1000);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT limit_low IS NULL AND limit_high = 6.0 FROM measurement "
			     "WHERE seq = 0"),
		     1);
}

Test(store, a_not_measured_value_is_stored_as_null_and_read_as_nan)
{
	struct bench_store_measurement m = meas("latency", NAN, "ERROR");
	struct bench_store_trial t = {
		.seq = 0, .attempt = 1, .status = "ERROR", .measurements = &m, .n_measurements = 1
	};
	struct bench_store *st;
	struct fixture_ids ids;
	struct collect c = { 0 };

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(bench_store_trial_commit(st, ids.test, &t, NULL), 0);
	cr_assert_eq(bench_store_measurements_list(st, ids.run, collect_meas, &c), 0);
	cr_expect(isnan(c.values[0]));
	expect_verified(st);
	bench_store_close(st);
}

Test(store, edge_values_events_and_blobs_verify_after_the_fast_write_path)
{
	struct bench_store_measurement m[4] = { meas("zero", -0.0, "PASS"),
						meas("inf", INFINITY, "FAIL"),
						meas("tiny", 5e-324, "PASS"),
						meas("big", 1e300, "PASS") };
	struct bench_store_event ev[2] = {
		{ .kind = "underflow", .source = "adc0", .message = "1 buffer", .t_ns = 12345 },
		{ .kind = "safe_state", .t_ns = BENCH_STORE_NO_TIME },
	};
	struct bench_store_artifact art = {
		.kind = "log", .blob = "", .blob_len = 0, .media_type = "text/plain"
	};
	struct bench_store_trial t = { .seq = 0,
				       .attempt = 1,
				       .seed = UINT64_MAX,
				       .status = "FAIL",
				       .note = "line one\nline two",
				       .measurements = m,
				       .n_measurements = 4,
				       .events = ev,
				       .n_events = 2,
				       .artifacts = &art,
				       .n_artifacts = 1 };
	struct bench_store *st;
	struct fixture_ids ids;
	struct collect c = { 0 };

	m[0].unit = "\xc2\xb5V"; /* UTF-8 micro sign */
	m[1].clause = NULL;
	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(bench_store_trial_commit(st, ids.test, &t, NULL), 0);
	expect_verified(st);
	cr_assert_eq(bench_store_measurements_list(st, ids.run, collect_meas, &c), 0);
	cr_expect_eq(c.values[1], INFINITY);
	cr_expect_eq(c.values[2], 5e-324);
	cr_expect_eq(c.seeds[0], UINT64_MAX);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM event WHERE trial_id IS NOT NULL"), 2);
}

Test(store, a_failed_trial_commit_stores_nothing_of_it)
{
	struct bench_store_measurement m[2] = { meas("a", 1.0, "PASS"), meas("b", 2.0, "PASS") };
	struct bench_store_trial t = {
		.seq = 0, .attempt = 1, .status = "PASS", .measurements = m, .n_measurements = 2
	};
	struct bench_store *st;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(bench_store_trial_commit(st, ids.test, &t, NULL), 0);
	/* Same seq and attempt again: the trial insert violates UNIQUE. */
	cr_expect_eq(bench_store_trial_commit(st, ids.test, &t, NULL), -EINVAL);
	m[1].verdict = "GREAT";
	t.seq = 1;
	cr_expect_eq(bench_store_trial_commit(st, ids.test, &t, NULL), -EINVAL);
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM trial"), 1);
	cr_expect_eq(raw_int("SELECT count(*) FROM measurement"), 2);
}

Test(store, retests_are_new_attempts_of_the_same_trial)
{
	struct bench_store_measurement m = meas("a", 1.0, "FAIL");
	struct bench_store_trial t = {
		.seq = 0, .attempt = 1, .status = "FAIL", .measurements = &m, .n_measurements = 1
	};
	struct bench_store *st;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(bench_store_trial_commit(st, ids.test, &t, NULL), 0);
	t.attempt = 2;
	t.status = "PASS";
	m.verdict = "PASS";
	cr_assert_eq(bench_store_trial_commit(st, ids.test, &t, NULL), 0);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM trial WHERE seq = 0"), 2);
	cr_expect_eq(raw_int("SELECT status = 'PASS' FROM trial WHERE attempt = 2"), 1);
}

Test(store, run_status_changes_are_audited_and_set_end_time)
{
	struct bench_store *st;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(bench_store_test_end(st, ids.test, "PASS"), 0);
	cr_expect_eq(bench_store_test_end(st, ids.test, "pass"), -EINVAL);
	cr_assert_eq(bench_store_run_set_status(st, ids.run, BENCH_STORE_RUN_PASSED, "all passed"),
		     0);
	cr_expect_eq(bench_store_run_set_status(st, 999, BENCH_STORE_RUN_PASSED, NULL), -ENOENT);
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM audit WHERE action = 'status' AND tbl = 'run' "
			     "AND why = 'all passed'"),
		     1);
	cr_expect_eq(raw_int("SELECT end_utc IS NOT NULL FROM run"), 1);
	cr_expect_eq(raw_int("SELECT verdict = 'PASS' FROM test"), 1);
}

static int count_runs(void *ctx, const struct bench_store_run_row *r)
{
	(*(int *)ctx)++;
	return 0;
}

Test(store, runs_are_listed_with_filters)
{
	struct bench_store_run_filter f = { 0 };
	struct bench_store *st;
	struct fixture_ids a, b;
	int n = 0;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 1, "SN1", &a);
	begin_run(st, 2, "SN2", &b);
	cr_assert_eq(bench_store_runs_list(st, NULL, count_runs, &n), 0);
	cr_expect_eq(n, 2);
	n = 0;
	f.dut_serial = "SN2";
	cr_assert_eq(bench_store_runs_list(st, &f, count_runs, &n), 0);
	cr_expect_eq(n, 1);
	n = 0;
	f.dut_serial = NULL;
	f.since_utc = "2999-01-01";
	cr_assert_eq(bench_store_runs_list(st, &f, count_runs, &n), 0);
	cr_expect_eq(n, 0);
	bench_store_close(st);
}

Test(store, finds_runs_by_uuid_prefix_and_id)
{
	struct bench_store_run_info info = { .run_type = BENCH_STORE_RUN_ENGINEERING, .slot = -1 };
	char uuid[BENCH_STORE_UUID_LEN], prefix[9], id_text[24];
	struct bench_store *st;
	int64_t run, found = 0;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_assert_eq(bench_store_run_begin(st, &info, &run, uuid), 0);
	cr_expect_eq(strlen(uuid), 36);
	cr_expect_eq(uuid[14], '4');
	cr_assert_eq(bench_store_run_find(st, uuid, &found), 0);
	cr_expect_eq(found, run);
	snprintf(prefix, sizeof(prefix), "%.8s", uuid);
	found = 0;
	cr_assert_eq(bench_store_run_find(st, prefix, &found), 0);
	cr_expect_eq(found, run);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)run);
	found = 0;
	cr_assert_eq(bench_store_run_find(st, id_text, &found), 0);
	cr_expect_eq(found, run);
	cr_expect_eq(bench_store_run_find(st, "ffffffff-0000", &found), -ENOENT);
	cr_expect_eq(bench_store_run_find(st, "x'; DROP", &found), -EINVAL);
	bench_store_close(st);
}

struct diffs {
	int n[BENCH_STORE_DIFF_KIND_COUNT];
	char flipped[32];
};

static int collect_diff(void *ctx, const struct bench_store_diff *d)
{
	struct diffs *c = ctx;

	c->n[d->kind]++;
	if (d->kind == BENCH_STORE_DIFF_VERDICT)
		snprintf(c->flipped, sizeof(c->flipped), "%s", d->name);
	return 0;
}

Test(store, compare_reports_verdict_flips_and_shifts_beyond_uncertainty)
{
	struct bench_store *st;
	struct fixture_ids a, b;
	struct diffs d = { 0 };
	int64_t same = -1;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 1, "SN1", &a);
	begin_run(st, 1, "SN1", &b);
	/* trial 0: within uncertainty (|0.05| < sqrt(0.1^2 + 0.1^2)); trial 1: shift. */
	cr_assert_eq(commit_trial(st, a.test, 0, 5.00, "PASS"), 0);
	cr_assert_eq(commit_trial(st, b.test, 0, 5.05, "PASS"), 0);
	cr_assert_eq(commit_trial(st, a.test, 1, 5.00, "PASS"), 0);
	cr_assert_eq(commit_trial(st, b.test, 1, 5.50, "PASS"), 0);
	/* trial 2: verdict flip. */
	cr_assert_eq(commit_trial(st, a.test, 2, 5.00, "PASS"), 0);
	cr_assert_eq(commit_trial(st, b.test, 2, 5.00, "FAIL"), 0);
	/* trial 3: only in A. */
	cr_assert_eq(commit_trial(st, a.test, 3, 5.00, "PASS"), 0);
	cr_assert_eq(bench_store_compare(st, a.run, b.run, collect_diff, &d, &same), 0);
	cr_expect_eq(d.n[BENCH_STORE_DIFF_VERDICT], 1);
	cr_expect_str_eq(d.flipped, "noise_rms");
	/* noise_pp = 6 x value: trial 0 moves 0.3 (> 0.14), trial 1 moves 3.0. */
	cr_expect_eq(d.n[BENCH_STORE_DIFF_SHIFT], 3);
	cr_expect_eq(d.n[BENCH_STORE_DIFF_ONLY_A], 2);
	cr_expect_eq(d.n[BENCH_STORE_DIFF_ONLY_B], 0);
	cr_expect_eq(same, 2); /* trial 0 noise_rms, trial 2 noise_pp */
	bench_store_close(st);
}

Test(store, verify_names_a_measurement_row_changed_by_one_byte)
{
	struct bench_store_verify_result res;
	struct bench_store *st;
	struct fixture_ids ids;
	long long id;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(commit_trial(st, ids.test, 0, 5.0, "PASS"), 0);
	cr_assert_eq(commit_trial(st, ids.test, 1, 5.1, "PASS"), 0);
	expect_verified(st);
	bench_store_close(st);

	id = raw_int("SELECT id FROM measurement WHERE seq = 1 AND trial_id = "
		     "(SELECT id FROM trial WHERE seq = 1)");
	raw_sql("UPDATE measurement SET name = 'noise_pq' WHERE name = 'noise_pp' AND trial_id = "
		"(SELECT id FROM trial WHERE seq = 1)");
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect_not(res.ok);
	cr_expect(strstr(res.what, "measurement row") != NULL, "%s", res.what);
	{
		char want[64];

		snprintf(want, sizeof(want), "measurement row %lld ", id);
		cr_expect(strstr(res.what, want) != NULL, "%s (wanted %s)", res.what, want);
	}
	bench_store_close(st);
}

Test(store, verify_names_a_changed_value_and_a_deleted_row)
{
	struct bench_store_verify_result res;
	struct bench_store *st;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(commit_trial(st, ids.test, 0, 5.0, "FAIL"), 0);
	bench_store_close(st);
	raw_sql("UPDATE measurement SET verdict = 'PASS' WHERE verdict = 'FAIL'");
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect_not(res.ok);
	cr_expect(strstr(res.what, "measurement row") != NULL, "%s", res.what);
	bench_store_close(st);

	raw_sql("UPDATE measurement SET verdict = 'FAIL' WHERE seq = 0");
	raw_sql("DELETE FROM measurement WHERE seq = 1");
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect_not(res.ok);
	cr_expect(strstr(res.what, "missing") != NULL, "%s", res.what);
	bench_store_close(st);
}

Test(store, verify_detects_a_rewritten_audit_row)
{
	struct bench_store_verify_result res;
	struct bench_store *st;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	bench_store_close(st);
	raw_sql("UPDATE audit SET who = 'mallory' WHERE id = 2");
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect_not(res.ok);
	cr_expect(strstr(res.what, "audit row 2:") != NULL, "%s", res.what);
	bench_store_close(st);
}

Test(store, verify_detects_a_row_inserted_behind_its_back)
{
	struct bench_store_verify_result res;
	struct bench_store *st;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	bench_store_close(st);
	raw_sql("INSERT INTO operator (login, sha256, created_utc) VALUES ('x', 'y', 'z')");
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect_not(res.ok);
	cr_expect(strstr(res.what, "operator row 1 is not in the audit chain") != NULL, "%s",
		  res.what);
	bench_store_close(st);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

Test(store, artifacts_are_hashed_and_a_changed_byte_is_named)
{
	struct bench_store_artifact a[2] = {
		{ .kind = "capture", .path = "t0/capture.bdf", .media_type = "application/x-bdf" },
		{ .kind = "log", .blob = "ok\n", .blob_len = 3, .media_type = "text/plain" },
	};
	struct bench_store_trial t = {
		.seq = 0, .attempt = 1, .status = "PASS", .artifacts = a, .n_artifacts = 2
	};
	struct bench_buf run_dir = BENCH_BUF_INIT;
	struct bench_store_verify_result res;
	char path[512], cmd[600];
	struct bench_store *st;
	struct fixture_ids ids;
	FILE *p;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(bench_store_run_dir_make(st, ids.run, &run_dir), 0);
	snprintf(cmd, sizeof(cmd), "mkdir '%s/t0'", bench_buf_str(&run_dir));
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	pclose(p);
	snprintf(path, sizeof(path), "%s/t0/capture.bdf", bench_buf_str(&run_dir));
	/* The file does not exist yet: the trial is refused, nothing stored. */
	cr_expect_eq(bench_store_trial_commit(st, ids.test, &t, NULL), -ENOENT);
	write_file(path, "0123456789");
	cr_assert_eq(bench_store_trial_commit(st, ids.test, &t, NULL), 0);
	expect_verified(st);
	write_file(path, "0123456788");
	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect_not(res.ok);
	cr_expect(strstr(res.what, "capture.bdf") != NULL, "%s", res.what);
	cr_expect(strstr(res.what, "artifact 1") != NULL, "%s", res.what);
	bench_store_close(st);
	bench_buf_free(&run_dir);
	cr_expect_eq(raw_int("SELECT size_bytes FROM artifact WHERE kind = 'capture'"), 10);
	cr_expect_eq(raw_int("SELECT length(blob) FROM artifact WHERE kind = 'log'"), 3);
}

Test(store, refuses_artifact_paths_outside_the_run_folder)
{
	struct bench_store_artifact a = { .kind = "x", .path = "../r.db", .media_type = "x" };
	struct bench_store *st;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_expect_eq(bench_store_artifact_add(st, ids.run, 0, &a, NULL), -EINVAL);
	a.path = "/etc/passwd";
	cr_expect_eq(bench_store_artifact_add(st, ids.run, 0, &a, NULL), -EINVAL);
	bench_store_close(st);
}

struct trials {
	int n;
	int seq[16];
	uint64_t seed[16];
};

static int collect_trial(void *ctx, const struct bench_store_trial_row *r)
{
	struct trials *c = ctx;

	c->seq[c->n] = r->seq;
	c->seed[c->n] = r->seed;
	c->n++;
	return 0;
}

Test(store, a_run_left_running_by_a_dead_process_is_interrupted_at_open)
{
	struct bench_store *st;
	struct fixture_ids ids;
	struct trials tr = { 0 };
	pid_t pid;
	int status;

	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct bench_store *cst;
		struct fixture_ids cids;

		if (bench_store_open(db, 0, &cst) < 0)
			_exit(3);
		begin_run(cst, 99, "SN9", &cids);
		if (commit_trial(cst, cids.test, 0, 1.0, "PASS") < 0 ||
		    commit_trial(cst, cids.test, 1, 1.0, "PASS") < 0)
			_exit(4);
		_exit(0); /* vanish without closing the run */
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_expect_eq(raw_int("SELECT status = 'interrupted' FROM run"), 1);
	cr_expect_eq(raw_int("SELECT count(*) FROM event WHERE kind = 'interrupted'"), 1);
	cr_expect_eq(raw_int("SELECT count(*) FROM audit WHERE action = 'status'"), 1);
	ids.run = raw_int("SELECT id FROM run");
	cr_assert_eq(bench_store_trials_completed(st, ids.run, collect_trial, &tr), 0);
	cr_expect_eq(tr.n, 2);
	cr_expect_eq(tr.seed[1], 1001);
	/* Resume: running again, owned by us, and a second resume is refused. */
	cr_assert_eq(bench_store_run_resume(st, ids.run, "operator resumed"), 0);
	cr_expect_eq(bench_store_run_resume(st, ids.run, NULL), -EINVAL);
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT status = 'running' FROM run"), 1);
	cr_expect_eq(raw_int("SELECT pid FROM run"), (long long)getpid());
	cr_expect_eq(raw_int("SELECT count(*) FROM event WHERE kind = 'resumed'"), 1);
}

Test(store, a_reused_pid_does_not_keep_a_dead_writers_run_running)
{
	struct bench_store *st;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 1, "SN1", &ids);
	bench_store_close(st);
	/* Our pid is alive, but the recorded writer started at another time. */
	raw_sql("UPDATE run SET writer_start_ticks = writer_start_ticks - 1");
	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT status = 'interrupted' FROM run"), 1);
}

Test(store, a_live_writers_run_is_left_running)
{
	struct bench_store *st, *st2;
	struct fixture_ids ids;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 1, "SN1", &ids);
	cr_assert_eq(bench_store_open(db, 0, &st2), 0);
	bench_store_close(st2);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT status = 'running' FROM run"), 1);
}

Test(store, readonly_connections_refuse_writes_with_erofs)
{
	struct bench_store_dut d = { .model = "M", .serial = "S" };
	struct bench_store *st;
	int64_t id = -1;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	bench_store_close(st);
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_expect_eq(bench_store_add_dut(st, &d, &id), -EROFS);
	cr_expect_eq(id, -1);
	bench_store_close(st);
}

Test(store, a_write_blocked_by_another_writer_fails_with_ebusy_and_stores_nothing)
{
	struct bench_store_dut d = { .model = "M", .serial = "S" };
	struct bench_store *st;
	sqlite3 *other;
	int64_t id = -1;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_assert_eq(bench_store_set_busy_timeout(st, 10), 0);
	cr_assert_eq(sqlite3_open(db, &other), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	cr_expect_eq(bench_store_add_dut(st, &d, &id), -EBUSY);
	cr_expect_eq(id, -1);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	/* Once the other writer is gone, the same write goes through. */
	cr_expect_eq(bench_store_add_dut(st, &d, &id), 0);
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM dut"), 1);
}

static int count_outbox(void *ctx, const struct bench_store_outbox_row *r)
{
	(*(int *)ctx)++;
	return 0;
}

Test(store, outbox_entries_stay_pending_until_acknowledged)
{
	struct bench_store *st;
	char path[256];
	int64_t id;
	int n = 0;

	snprintf(path, sizeof(path), "%s/dossier.xml", dir);
	write_file(path, "<dossier/>");
	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_assert_eq(bench_store_outbox_add(st, 0, path, "dossier-xml", &id), 0);
	cr_assert_eq(bench_store_outbox_failed(st, id, "connection refused"), 0);
	cr_assert_eq(bench_store_outbox_pending(st, count_outbox, &n), 0);
	cr_expect_eq(n, 1);
	cr_assert_eq(bench_store_outbox_ack(st, id, "receipt-1"), 0);
	cr_expect_eq(bench_store_outbox_ack(st, id, "receipt-1"), -ENOENT);
	n = 0;
	cr_assert_eq(bench_store_outbox_pending(st, count_outbox, &n), 0);
	cr_expect_eq(n, 0);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT attempts FROM outbox"), 2);
}

/* Every measurement of a run read back in order: value and seq. */
struct collect_all {
	int n;
	double values[64];
	int seqs[64];
};

static int collect_all_meas(void *ctx, const struct bench_store_measurement_row *r)
{
	struct collect_all *c = ctx;

	cr_assert_lt(c->n, 64);
	c->values[c->n] = r->m.value;
	c->seqs[c->n] = r->seq;
	c->n++;
	return 0;
}

/*
 * Trial sizes that use every multi-row INSERT batch (32, 8, 1) and their mixes: every row
 * reads back bit-exactly, in order, and the audit hashes computed from the bound values
 * match the rows as verify reads them (NaN and -0.0 included).
 */
Test(store, multi_row_batches_store_and_cover_every_measurement)
{
	static const int sizes[] = { 1, 7, 8, 9, 31, 32, 33, 41, 64 };
	struct bench_store_measurement m[64];
	struct bench_store *st;
	struct fixture_ids ids;
	size_t k;
	int i;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct bench_store_trial t = { .seq = (int)k,
					       .attempt = 1,
					       .seed = 1,
					       .status = "PASS",
					       .measurements = m,
					       .n_measurements = (size_t)sizes[k] };
		struct bench_store_run_info info = { .run_type = BENCH_STORE_RUN_ENGINEERING,
						     .seed = 1,
						     .slot = -1 };
		struct collect_all c = { 0 };
		int64_t run, test;

		for (i = 0; i < sizes[k]; i++) {
			m[i] = meas("metric", 0.1 * i + (double)k, "PASS");
			m[i].u = i % 5 == 0 ? NAN : (i % 7 == 0 ? -0.0 : 0.01 * i);
			m[i].clause = i % 3 ? "201.12.4.4" : NULL;
		}
		cr_assert_eq(bench_store_run_begin(st, &info, &run, NULL), 0);
		cr_assert_eq(bench_store_test_begin(st, run, ids.proto, 0, "t", &test), 0);
		cr_assert_eq(bench_store_trial_commit(st, test, &t, NULL), 0);
		cr_assert_eq(bench_store_measurements_list(st, run, collect_all_meas, &c), 0);
		cr_assert_eq(c.n, sizes[k]);
		for (i = 0; i < sizes[k]; i++) {
			cr_expect_eq(c.seqs[i], i);
			cr_expect_eq(c.values[i], 0.1 * i + (double)k);
		}
	}
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT count(*) FROM measurement"),
		     1 + 7 + 8 + 9 + 31 + 32 + 33 + 41 + 64);
}

/* A re-scored run: linked to its source, its trials list their source artifacts (audited). */
Test(store, rescore_run_is_linked_and_its_inputs_are_audited)
{
	struct bench_store_artifact a = { .kind = "capture-record",
					  .blob = "x",
					  .blob_len = 1,
					  .media_type = "application/octet-stream" };
	struct bench_store_measurement m = meas("noise_rms", 1.0, "PASS");
	struct bench_store_trial t = { .seq = 0,
				       .attempt = 1,
				       .seed = 5,
				       .status = "PASS",
				       .measurements = &m,
				       .n_measurements = 1,
				       .artifacts = &a,
				       .n_artifacts = 1 };
	struct bench_store *st;
	struct fixture_ids ids;
	int64_t trial, art, run2, test2, other = 0;
	char uuid[BENCH_STORE_UUID_LEN];

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin_run(st, 7, "SN1", &ids);
	cr_assert_eq(bench_store_trial_commit(st, ids.test, &t, &trial), 0);
	/* A running source cannot be re-scored. */
	cr_expect_eq(bench_store_rescore_begin(st, ids.run, "test", &run2, uuid), -EINVAL);
	cr_assert_eq(bench_store_test_end(st, ids.test, "PASS"), 0);
	cr_assert_eq(bench_store_run_set_status(st, ids.run, BENCH_STORE_RUN_PASSED, NULL), 0);
	cr_expect_eq(bench_store_rescore_begin(st, 999, "test", &run2, uuid), -ENOENT);
	cr_assert_eq(bench_store_rescore_begin(st, ids.run, "test", &run2, uuid), 0);
	cr_assert_eq(bench_store_test_begin(st, run2, ids.proto, 0, "noise", &test2), 0);
	art = raw_int("SELECT id FROM artifact");
	t.artifacts = NULL;
	t.n_artifacts = 0;
	t.source_trial_id = trial;
	t.source_artifact_ids = &art;
	t.n_source_artifacts = 1;
	/* An artifact that is not the source trial's is refused, nothing stored. */
	other = art + 100;
	t.source_artifact_ids = &other;
	cr_expect_eq(bench_store_trial_commit(st, test2, &t, NULL), -EINVAL);
	t.source_artifact_ids = &art;
	cr_assert_eq(bench_store_trial_commit(st, test2, &t, NULL), 0);
	expect_verified(st);
	bench_store_close(st);
	cr_expect_eq(raw_int("SELECT rescored_from FROM run WHERE id = 2"), ids.run);
	cr_expect_eq(raw_int("SELECT count(*) FROM rescore_input WHERE source_trial_id = 1 AND "
			     "artifact_id = 1 AND sha256 = (SELECT sha256 FROM artifact)"),
		     1);
	cr_expect_eq(raw_int("SELECT count(*) FROM trial"), 2);
	/* Changing the recorded input is caught by verify. */
	raw_sql("UPDATE rescore_input SET sha256 = 'x'");
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st), 0);
	{
		struct bench_store_verify_result res;

		cr_assert_eq(bench_store_verify(st, &res), 0);
		cr_expect(!res.ok);
		cr_expect(strstr(res.what, "rescore_input row 1") != NULL, "%s", res.what);
	}
	bench_store_close(st);
}
