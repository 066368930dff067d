// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Durability of the results store with real processes and file systems:
 * SIGKILL of a writer at random moments (10 times, then resume), a full disk
 * (a small tmpfs), a read-only file system, and two writers at once. The
 * writer is tests/integration/store-writer (path in $STORE_WRITER).
 * The tmpfs tests need root (mount); without it they skip and say why.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

extern char **environ;

static char dir[64];
static char db[192];
static char mnt[128];
static bool mounted;
static pid_t children[4];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test-store-dur-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/r.db", dir);
	mounted = false;
	memset(children, 0, sizeof(children));
}

static void teardown(void)
{
	char cmd[160];
	FILE *p;
	size_t i;

	/* Never leave a writer behind. */
	for (i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
		}
	}
	if (mounted)
		umount2(mnt, MNT_DETACH);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	p = popen(cmd, "r");
	if (p)
		pclose(p);
}

TestSuite(store_durability, .init = setup, .fini = teardown, .timeout = 120);

static const char *writer_path(void)
{
	const char *w = getenv("STORE_WRITER");

	cr_assert_not_null(w, "STORE_WRITER is not set (run through meson test)");
	return w;
}

/* Starts store-writer with stdout on a pipe; returns the read end as a FILE. */
static FILE *spawn_writer(const char *path, const char *seed, const char *n, const char *mode,
			  const char *n_meas, int slot)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)writer_path(), (char *)path,	(char *)seed, (char *)n,
			 (char *)mode,		(char *)n_meas, NULL };
	int fds[2];
	FILE *f;

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(posix_spawn_file_actions_init(&fa), 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	cr_assert_eq(posix_spawn(&children[slot], argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	cr_assert_not_null(f);
	return f;
}

static int wait_child(int slot)
{
	int status;

	cr_assert_eq(waitpid(children[slot], &status, 0), children[slot]);
	children[slot] = 0;
	return status;
}

static long long raw_int(const char *path, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;
	sqlite3 *h;

	cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

static void expect_integrity_ok(const char *path)
{
	sqlite3 *h;
	sqlite3_stmt *s;

	cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	sqlite3_close(h);
}

static void expect_verified(const char *path)
{
	struct bench_store_verify_result res;
	struct bench_store *st;

	cr_assert_eq(bench_store_open(path, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_verify(st, &res), 0);
	cr_expect(res.ok, "%s: verify: %s", path, res.what);
	bench_store_close(st);
}

/* The measurements of a run as (seed, value) pairs, in order. */
struct series {
	size_t n, cap;
	uint64_t *seed;
	double *value;
};

static int collect(void *ctx, const struct bench_store_measurement_row *r)
{
	struct series *s = ctx;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->seed = realloc(s->seed, s->cap * sizeof(*s->seed));
		s->value = realloc(s->value, s->cap * sizeof(*s->value));
		cr_assert(s->seed && s->value);
	}
	s->seed[s->n] = r->trial_seed;
	s->value[s->n] = r->m.value;
	s->n++;
	return 0;
}

static void read_series(const char *path, int64_t run_id, struct series *s)
{
	struct bench_store *st;

	cr_assert_eq(bench_store_open(path, BENCH_STORE_OPEN_READONLY, &st), 0);
	cr_assert_eq(bench_store_measurements_list(st, run_id, collect, s), 0);
	bench_store_close(st);
}

struct trial_check {
	int n;
	bool contiguous;
};

static int check_trial(void *ctx, const struct bench_store_trial_row *r)
{
	struct trial_check *c = ctx;

	if (r->seq != c->n || r->attempt != 1)
		c->contiguous = false;
	c->n++;
	return 0;
}

/* Deterministic "random" numbers for the kill points (no rand()). */
static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(store_durability, sigkill_at_random_points_then_resume_matches_an_uninterrupted_run)
{
	const int n_trials = 60;
	uint64_t rng = 0x5eed1234abcdULL;
	struct series got = { 0 }, want = { 0 };
	char ref[160], line[64];
	int kill_no, status, committed_total = 0;
	long long run_id;
	FILE *out;

	for (kill_no = 0; kill_no < 10; kill_no++) {
		int lines = 0, target = 1 + (int)(xorshift(&rng) % 4);
		volatile uint64_t spin;
		uint64_t delay = xorshift(&rng) % 2000000;
		struct trial_check tc = { 0, true };
		struct bench_store *st;

		out = spawn_writer(db, "42", "60", kill_no ? "resume" : "new", "50", 0);
		while (lines < target && fgets(line, sizeof(line), out))
			if (strncmp(line, "committed ", 10) == 0)
				lines++;
		cr_assert_eq(lines, target, "writer %d ended early", kill_no);
		/* A random moment inside the next trial's work or commit. */
		for (spin = 0; spin < delay; spin++)
			;
		kill(children[0], SIGKILL);
		status = wait_child(0);
		fclose(out);
		cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		committed_total += lines;

		expect_integrity_ok(db);
		/* The next open finds the dead writer's run and marks it interrupted. */
		cr_assert_eq(bench_store_open(db, 0, &st), 0);
		run_id = raw_int(db, "SELECT id FROM run");
		cr_expect_eq(raw_int(db, "SELECT status = 'interrupted' FROM run"), 1,
			     "kill %d: run not interrupted", kill_no);
		cr_assert_eq(bench_store_trials_completed(st, run_id, check_trial, &tc), 0);
		bench_store_close(st);
		cr_expect(tc.contiguous, "kill %d: completed trials are not 0..n-1", kill_no);
		/*
		 * Every trial the writer reported is there. Under load the writer can
		 * commit several more trials between its last report and the kill, so
		 * the only upper bound is the plan itself.
		 */
		cr_expect_geq(tc.n, committed_total);
		cr_expect_leq(tc.n, n_trials);
		committed_total = tc.n;
		cr_expect_eq(raw_int(db, "SELECT count(*) FROM measurement"), 50LL * tc.n);
		expect_verified(db);
	}
	cr_expect_eq(raw_int(db, "SELECT count(*) FROM event WHERE kind = 'interrupted'"), 10);

	/* Resume to the end, then the same seed uninterrupted in another database. */
	out = spawn_writer(db, "42", "60", "resume", "50", 0);
	while (fgets(line, sizeof(line), out))
		;
	fclose(out);
	status = wait_child(0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_expect_eq(raw_int(db, "SELECT status = 'passed' FROM run"), 1);

	snprintf(ref, sizeof(ref), "%s/ref.db", dir);
	out = spawn_writer(ref, "42", "60", "new", "50", 0);
	while (fgets(line, sizeof(line), out))
		;
	fclose(out);
	status = wait_child(0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	read_series(db, run_id, &got);
	read_series(ref, raw_int(ref, "SELECT id FROM run"), &want);
	cr_assert_eq(got.n, (size_t)n_trials * 50);
	cr_assert_eq(got.n, want.n);
	cr_expect_eq(memcmp(got.seed, want.seed, got.n * sizeof(*got.seed)), 0);
	cr_expect_eq(memcmp(got.value, want.value, got.n * sizeof(*got.value)), 0);
	expect_integrity_ok(db);
	expect_verified(db);
	free(got.seed);
	free(got.value);
	free(want.seed);
	free(want.value);
}

Test(store_durability, two_writers_at_once_lose_nothing)
{
	char line[64];
	FILE *a, *b;
	int status;

	/* Create the schema first so both start on the same file. */
	{
		struct bench_store *st;

		cr_assert_eq(bench_store_open(db, 0, &st), 0);
		bench_store_close(st);
	}
	a = spawn_writer(db, "1", "150", "new", "20", 0);
	b = spawn_writer(db, "2", "150", "new", "20", 1);
	while (fgets(line, sizeof(line), a))
		;
	while (fgets(line, sizeof(line), b))
		;
	fclose(a);
	fclose(b);
	status = wait_child(0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	status = wait_child(1);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_expect_eq(raw_int(db, "SELECT count(*) FROM run WHERE status = 'passed'"), 2);
	cr_expect_eq(raw_int(db, "SELECT count(*) FROM trial"), 300);
	cr_expect_eq(raw_int(db, "SELECT count(*) FROM measurement"), 6000);
	expect_integrity_ok(db);
	expect_verified(db); /* one linear audit chain across both processes */
}

/* Mounts a tmpfs of @size at dir/mnt; false (and a reason) if this is impossible. */
static bool mount_tmpfs(const char *size)
{
	char opts[64];

	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	cr_assert_eq(mkdir(mnt, 0755), 0);
	snprintf(opts, sizeof(opts), "size=%s,mode=0755", size);
	if (mount("tmpfs", mnt, "tmpfs", 0, opts) < 0)
		return false;
	mounted = true;
	snprintf(db, sizeof(db), "%s/r.db", mnt);
	return true;
}

static struct bench_store_measurement big_meas(const char *clause)
{
	struct bench_store_measurement m = {
		.name = "noise_rms",
		.value = 1.5,
		.unit = "uV",
		.u = NAN,
		.u_expanded = NAN,
		.k = NAN,
		.limit_low = NAN,
		.limit_high = 6.0,
		.marginal_low = NAN,
		.marginal_high = NAN,
		.verdict = "PASS",
		.clause = clause,
	};
	return m;
}

static void begin(struct bench_store *st, int64_t *ret_run, int64_t *ret_test)
{
	struct bench_store_protocol p = {
		.protocol_id = "p", .version = "1", .xml = "<p/>", .xml_len = 4
	};
	struct bench_store_run_info info = { .run_type = BENCH_STORE_RUN_PRODUCTION, .slot = -1 };
	int64_t proto;

	cr_assert_eq(bench_store_add_protocol(st, &p, &proto), 0);
	cr_assert_eq(bench_store_run_begin(st, &info, ret_run, NULL), 0);
	cr_assert_eq(bench_store_test_begin(st, *ret_run, proto, 0, "t", ret_test), 0);
}

Test(store_durability, a_full_disk_is_enospc_and_keeps_every_earlier_trial)
{
	static char clause[2000];
	struct bench_store_measurement m[20];
	struct bench_store *st;
	int64_t run, test;
	int seq, r = 0, ok = 0;
	size_t i;

	if (!mount_tmpfs("600k"))
		cr_skip_test("cannot mount a tmpfs (%s): needs root", strerror(errno));
	memset(clause, 'c', sizeof(clause) - 1);
	for (i = 0; i < 20; i++)
		m[i] = big_meas(clause);
	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin(st, &run, &test);
	for (seq = 0; seq < 10000; seq++) {
		struct bench_store_trial t = { .seq = seq,
					       .attempt = 1,
					       .status = "PASS",
					       .measurements = m,
					       .n_measurements = 20 };

		r = bench_store_trial_commit(st, test, &t, NULL);
		if (r < 0)
			break;
		ok++;
	}
	cr_expect_eq(r, -ENOSPC, "got %d (%s) after %d trials", r, strerror(-r), ok);
	cr_expect_gt(ok, 0);
	/* The bench marks the run as an error; that may itself fail on a full disk. */
	bench_store_run_set_status(st, run, BENCH_STORE_RUN_ERROR, "disk full");
	bench_store_close(st);

	expect_integrity_ok(db);
	cr_expect_eq(raw_int(db, "SELECT count(*) FROM trial"), ok);
	cr_expect_eq(raw_int(db, "SELECT count(*) FROM measurement"), 20LL * ok);
	expect_verified(db);
}

Test(store_durability, a_read_only_file_system_is_erofs_and_keeps_every_earlier_trial)
{
	struct bench_store_measurement m = big_meas("x");
	struct bench_store_trial t = {
		.seq = 0, .attempt = 1, .status = "PASS", .measurements = &m, .n_measurements = 1
	};
	struct bench_store *st = NULL;
	int64_t run, test;
	int r;

	if (!mount_tmpfs("4m"))
		cr_skip_test("cannot mount a tmpfs (%s): needs root", strerror(errno));
	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	begin(st, &run, &test);
	cr_assert_eq(bench_store_trial_commit(st, test, &t, NULL), 0);
	bench_store_close(st);

	cr_assert_eq(mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0, "%s",
		     strerror(errno));
	/* Either the open or the first write says so; never a silent success. */
	r = bench_store_open(db, 0, &st);
	if (r == 0) {
		t.seq = 1;
		r = bench_store_trial_commit(st, test, &t, NULL);
		bench_store_close(st);
	}
	cr_expect_eq(r, -EROFS, "got %d (%s)", r, strerror(-r));
	/* The record stays readable and verifiable on the read-only medium. */
	expect_verified(db);

	cr_assert_eq(mount(NULL, mnt, NULL, MS_REMOUNT, NULL), 0, "%s", strerror(errno));
	expect_integrity_ok(db);
	cr_expect_eq(raw_int(db, "SELECT count(*) FROM trial"), 1);
	expect_verified(db);
}
