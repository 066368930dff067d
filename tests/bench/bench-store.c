// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark of the results store (issue 7), printing figures next to a
 * reference measured in the same run; asserts nothing about time.
 *
 *  1. measurements inserted per second through bench_store_trial_commit()
 *     (the engine's real write path: one transaction per trial with its
 *     audit row), for 1000 and 20 measurements per trial, with
 *     synchronous=NORMAL (engineering) and FULL (certification); reference:
 *     plain SQLite prepared INSERTs of the same rows, one transaction per
 *     trial, no audit;
 *  2. database size per 1000 trials of 20 measurements;
 *  3. reading a 10000-measurement run: bench_store_measurements_list(), and
 *     `bcibench show` / `show --json` end to end (output to /dev/null).
 *
 * Files go to $BENCH_STORE_DIR or /tmp.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "store/store.h"

static char dir[256];

static double now_s(void)
{
	return (double)bench_clock_now_ns() * 1e-9;
}

/*
 * CPU time of this process: on a shared, loaded machine the wall time of a
 * loop mostly measures the other tenants, so both are printed.
 */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double last_cpu_s;

static void fill(struct bench_store_measurement *m, size_t n, int trial)
{
	static const char *const names[] = { "noise_rms", "noise_pp", "cmrr",	"gain_error",
					     "thd",	  "latency",  "jitter", "snr" };
	size_t i;

	for (i = 0; i < n; i++) {
		m[i] = (struct bench_store_measurement){
			.name = names[i % 8],
			.value = 1.0 + (double)((trial * 131 + (int)i) % 1000) * 1e-3,
			.unit = "uV",
			.u = 0.01,
			.u_expanded = 0.02,
			.k = 2.0,
			.limit_low = NAN,
			.limit_high = 6.0,
			.comparator = "LE",
			.marginal_low = NAN,
			.marginal_high = 5.98,
			.decision_rule = "guarded",
			.verdict = "PASS",
			.evidence = "S",
			.clause = "201.12.4.4",
		};
	}
}

static void cleanup(const char *db)
{
	char p[512];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

static long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* Writes @n_trials trials of @per measurements into a new run. Returns seconds or -1. */
static double store_write(const char *db, enum bench_store_run_type type, int n_trials, size_t per,
			  int64_t *ret_run)
{
	struct bench_store_protocol p = {
		.protocol_id = "bench", .version = "1", .xml = "<p/>", .xml_len = 4
	};
	struct bench_store_run_info info = { .run_type = type, .slot = -1, .seed = 1 };
	struct bench_store_measurement *m = calloc(per, sizeof(*m));
	struct bench_store *st;
	int64_t proto, run, test;
	double t0, t1;
	int i, r;

	if (!m)
		return -1;
	r = bench_store_open(db, 0, &st);
	if (r == 0)
		r = bench_store_add_protocol(st, &p, &proto);
	if (r == 0)
		r = bench_store_run_begin(st, &info, &run, NULL);
	if (r == 0)
		r = bench_store_test_begin(st, run, proto, 0, "bench", &test);
	if (r < 0) {
		fprintf(stderr, "bench-store: setup: %s\n", strerror(-r));
		free(m);
		return -1;
	}
	t0 = now_s();
	last_cpu_s = cpu_s();
	for (i = 0; i < n_trials && r == 0; i++) {
		struct bench_store_trial t = { .seq = i,
					       .attempt = 1,
					       .seed = (uint64_t)i,
					       .status = "PASS",
					       .measurements = m,
					       .n_measurements = per };

		fill(m, per, i);
		r = bench_store_trial_commit(st, test, &t, NULL);
	}
	t1 = now_s();
	last_cpu_s = cpu_s() - last_cpu_s;
	if (r == 0)
		r = bench_store_test_end(st, test, "PASS");
	if (r == 0)
		r = bench_store_run_set_status(st, run, BENCH_STORE_RUN_PASSED, NULL);
	bench_store_close(st);
	free(m);
	if (r < 0) {
		fprintf(stderr, "bench-store: write: %s\n", strerror(-r));
		return -1;
	}
	if (ret_run)
		*ret_run = run;
	return t1 - t0;
}

/*
 * Reference: the same rows with plain prepared INSERTs into the same table
 * with the same constraints (foreign key, CHECK, UNIQUE), one transaction per
 * trial, but no audit chain and no argument checks; @batch rows per INSERT
 * statement (1: one statement step per row; 32: as the store does).
 */
#define RAW_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

static void raw_bind(sqlite3_stmt *s, int base, sqlite3_int64 tid, int seq,
		     const struct bench_store_measurement *m)
{
	sqlite3_bind_int64(s, base + 1, tid);
	sqlite3_bind_int(s, base + 2, seq);
	sqlite3_bind_text(s, base + 3, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, base + 4, m->value);
	sqlite3_bind_text(s, base + 5, m->unit, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, base + 6, m->u);
	sqlite3_bind_double(s, base + 7, m->u_expanded);
	sqlite3_bind_double(s, base + 8, m->k);
	sqlite3_bind_null(s, base + 9);
	sqlite3_bind_double(s, base + 10, m->limit_high);
	sqlite3_bind_text(s, base + 11, m->comparator, -1, SQLITE_STATIC);
	sqlite3_bind_null(s, base + 12);
	sqlite3_bind_double(s, base + 13, m->marginal_high);
	sqlite3_bind_text(s, base + 14, m->decision_rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, base + 15, m->verdict, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, base + 16, m->evidence, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, base + 17, m->clause, -1, SQLITE_STATIC);
}

static double raw_write_batched(const char *db, const char *sync, int n_trials, size_t per,
				size_t batch);

static double raw_write(const char *db, const char *sync, int n_trials, size_t per)
{
	return raw_write_batched(db, sync, n_trials, per, 1);
}

static double raw_write_batched(const char *db, const char *sync, int n_trials, size_t per,
				size_t batch)
{
	static const char *const schema =
		"PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
		"CREATE TABLE trial (id INTEGER PRIMARY KEY, seq "
		"INTEGER); CREATE TABLE measurement (id INTEGER PRIMARY KEY, trial_id INTEGER "
		"NOT NULL REFERENCES trial(id), seq INTEGER NOT NULL, name TEXT NOT NULL, value "
		"REAL, unit TEXT NOT NULL, u REAL, u_expanded REAL, k REAL, limit_low REAL, "
		"limit_high REAL, comparator TEXT, marginal_low REAL, marginal_high REAL, "
		"decision_rule TEXT, verdict TEXT NOT NULL CHECK (verdict IN ('PASS', 'MARGINAL', "
		"'FAIL', 'ERROR', 'SKIPPED', 'ABORTED')), evidence TEXT, clause TEXT, "
		"UNIQUE (trial_id, seq))";
	struct bench_store_measurement *m = calloc(per, sizeof(*m));
	sqlite3_stmt *ins_t, *ins_m, *ins_1;
	char pragma[64], sql[2048];
	double t0, t1;
	sqlite3 *h;
	size_t j, k, len;
	int i;

	if (!m || sqlite3_open(db, &h) != SQLITE_OK) {
		free(m);
		return -1;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA synchronous = %s", sync);
	sqlite3_exec(h, schema, NULL, NULL, NULL);
	sqlite3_exec(h, pragma, NULL, NULL, NULL);
	sqlite3_prepare_v2(h, "INSERT INTO trial (seq) VALUES (?)", -1, &ins_t, NULL);
	len = (size_t)snprintf(
		sql, sizeof(sql), "%s",
		"INSERT INTO measurement (trial_id, seq, name, value, unit, u, "
		"u_expanded, k, limit_low, limit_high, comparator, marginal_low, "
		"marginal_high, decision_rule, verdict, evidence, clause) VALUES " RAW_ROW);
	sqlite3_prepare_v2(h, sql, -1, &ins_1, NULL);
	for (k = 1; k < batch && len + 60 < sizeof(sql); k++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", " RAW_ROW);
	sqlite3_prepare_v2(h, sql, -1, &ins_m, NULL);
	t0 = now_s();
	last_cpu_s = cpu_s();
	for (i = 0; i < n_trials; i++) {
		sqlite3_int64 tid;

		fill(m, per, i);
		sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_int(ins_t, 1, i);
		sqlite3_step(ins_t);
		sqlite3_reset(ins_t);
		tid = sqlite3_last_insert_rowid(h);
		for (j = 0; j + batch <= per; j += batch) {
			for (k = 0; k < batch; k++)
				raw_bind(ins_m, (int)(17 * k), tid, (int)(j + k), &m[j + k]);
			sqlite3_step(ins_m);
			sqlite3_reset(ins_m);
		}
		for (; j < per; j++) {
			raw_bind(ins_1, 0, tid, (int)j, &m[j]);
			sqlite3_step(ins_1);
			sqlite3_reset(ins_1);
		}
		sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	}
	t1 = now_s();
	last_cpu_s = cpu_s() - last_cpu_s;
	sqlite3_finalize(ins_t);
	sqlite3_finalize(ins_m);
	sqlite3_finalize(ins_1);
	sqlite3_close(h);
	free(m);
	return t1 - t0;
}

static void rate_line(const char *what, double s, long long n)
{
	if (s <= 0)
		printf("  %-58s failed\n", what);
	else
		printf("  %-56s %7lld in %6.3f s = %7.0f/s wall; CPU %6.3f s = %7.0f/s\n", what, n,
		       s, (double)n / s, last_cpu_s, (double)n / last_cpu_s);
}

static int count_row(void *ctx, const struct bench_store_measurement_row *r)
{
	(*(long long *)ctx)++;
	return r->m.value < 0; /* touch the row */
}

static double run_cli(const char *bin, const char *args)
{
	char cmd[1024];
	double t0;
	FILE *p;
	int rc;

	snprintf(cmd, sizeof(cmd), "'%s' %s >/dev/null", bin, args);
	t0 = now_s();
	p = popen(cmd, "r");
	if (!p)
		return -1;
	rc = pclose(p);
	return rc == 0 ? now_s() - t0 : -1;
}

int main(void)
{
	const char *base = getenv("BENCH_STORE_DIR");
	const char *bin = getenv("BCIBENCH");
	char db[512], db2[512], args[700];
	struct bench_store *st;
	long long n_read = 0, size;
	int64_t run;
	double s;

	snprintf(dir, sizeof(dir), "%s/bench-store-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir))
		return 2;
	snprintf(db, sizeof(db), "%s/w.db", dir);
	snprintf(db2, sizeof(db2), "%s/raw.db", dir);

	printf("bench-store: SQLite %s, files in %s\n", sqlite3_libversion(), dir);
	if (getenv("BENCH_STORE_PROFILE")) {
		/* Only the store's write path, for perf record. */
		s = store_write(db, BENCH_STORE_RUN_ENGINEERING, 300, 1000, NULL);
		rate_line("bench_store_trial_commit, 300 x 1000", s, 300000);
		cleanup(db);
		rmdir(dir);
		return 0;
	}
	printf("1. measurements per second, one transaction per trial:\n");
	s = store_write(db, BENCH_STORE_RUN_ENGINEERING, 100, 1000, NULL);
	rate_line("bench_store_trial_commit, 100 x 1000, synchronous=NORMAL", s, 100000);
	cleanup(db);
	s = raw_write(db2, "NORMAL", 100, 1000);
	rate_line("reference: plain SQLite INSERT, 100 x 1000, NORMAL", s, 100000);
	cleanup(db2);
	s = raw_write_batched(db2, "NORMAL", 100, 1000, 32);
	rate_line("reference: plain SQLite 32-row INSERTs, 100 x 1000, NORMAL", s, 100000);
	cleanup(db2);
	s = store_write(db, BENCH_STORE_RUN_CERTIFICATION, 100, 1000, NULL);
	rate_line("bench_store_trial_commit, 100 x 1000, synchronous=FULL", s, 100000);
	cleanup(db);
	s = raw_write(db2, "FULL", 100, 1000);
	rate_line("reference: plain SQLite INSERT, 100 x 1000, FULL", s, 100000);
	cleanup(db2);
	s = store_write(db, BENCH_STORE_RUN_ENGINEERING, 1000, 20, NULL);
	rate_line("bench_store_trial_commit, 1000 x 20, synchronous=NORMAL", s, 20000);
	printf("     = %.0f trials/s\n", s > 0 ? 1000 / s : 0.0);
	cleanup(db);
	s = raw_write(db2, "NORMAL", 1000, 20);
	rate_line("reference: plain SQLite INSERT, 1000 x 20, NORMAL", s, 20000);
	cleanup(db2);

	printf("2. database size per 1000 trials of 20 measurements:\n");
	s = store_write(db, BENCH_STORE_RUN_ENGINEERING, 1000, 20, NULL);
	if (s > 0 && bench_store_open(db, 0, &st) == 0)
		bench_store_close(st); /* the last close checkpoints the WAL into the file */
	size = file_size(db);
	printf("  bcibench store (with audit chain): %lld bytes = %.1f KiB per 1000 trials, "
	       "%.0f bytes per measurement\n",
	       size, (double)size / 1024, (double)size / 20000);
	cleanup(db);
	raw_write(db2, "NORMAL", 1000, 20);
	size = file_size(db2);
	printf("  reference (measurement rows only): %lld bytes = %.1f KiB\n", size,
	       (double)size / 1024);
	cleanup(db2);

	printf("3. reading a run of 10000 measurements (10 trials x 1000):\n");
	s = store_write(db, BENCH_STORE_RUN_ENGINEERING, 10, 1000, &run);
	if (s > 0 && bench_store_open(db, BENCH_STORE_OPEN_READONLY, &st) == 0) {
		double t0 = now_s();

		bench_store_measurements_list(st, run, count_row, &n_read);
		printf("  bench_store_measurements_list: %lld rows in %.3f s\n", n_read,
		       now_s() - t0);
		bench_store_close(st);
	}
	if (bin) {
		snprintf(args, sizeof(args), "show --db '%s' %lld", db, (long long)run);
		s = run_cli(bin, args);
		printf("  bcibench show (text, end to end):  %.3f s\n", s);
		snprintf(args, sizeof(args), "show --db '%s' %lld --json", db, (long long)run);
		s = run_cli(bin, args);
		printf("  bcibench show --json:              %.3f s\n", s);
		snprintf(args, sizeof(args), "verify --db '%s'", db);
		s = run_cli(bin, args);
		printf("  bcibench verify --db (10000 rows): %.3f s\n", s);
		s = run_cli("sqlite3", "-version");
		snprintf(args, sizeof(args), "'%s' 'SELECT * FROM measurement' >/dev/null; true",
			 db);
		s = run_cli("sqlite3", args);
		printf("  reference: sqlite3 CLI SELECT * FROM measurement: %.3f s\n", s);
	} else {
		printf("  (BCIBENCH not set: CLI timings skipped)\n");
	}
	cleanup(db);
	rmdir(dir);
	return 0;
}
