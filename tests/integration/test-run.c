// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The protocol runner end to end on the emulated rig: libsiggen stimulus -> src/hw
 * streams over libiio -> `bcibench sim` EEG amplifier model (in-process) -> capture ->
 * src/engine metrics and verdicts -> results store. A good DUT passes the small suite
 * (tests/data/run/eeg-small.xml); seeded DUT faults make the intended protocol fail.
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "engine/engine.h"
#include "engine/rig-io.h"
#include "fixture/fixture.h"
#include "hw/rig.h"
#include "sim/sim.h"

static char dbpath[256];

static const char *src(const char *rel)
{
	static char buf[4][1024];
	static unsigned k;
	char *p = buf[k++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", getenv("BCIBENCH_SOURCE_ROOT"), rel);
	return p;
}

struct outcome {
	struct bench_engine_result res;
	char verdict[8][16]; /* per test, from the record */
	char name[8][64];
	unsigned n;
};

static int on_test(void *ctx, const struct bench_store_test_row *row)
{
	struct outcome *o = ctx;

	if (o->n < 8) {
		snprintf(o->verdict[o->n], 16, "%s", row->verdict ? row->verdict : "(none)");
		snprintf(o->name[o->n], 64, "%s", row->name);
	}
	o->n++;
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Runs the small suite on the emulated EEG amplifier with @faults; fills @out. */
static void run_suite(const char *const *faults, size_t n_faults, struct outcome *out)
{
	struct bench_sim_options so = { 0 };
	struct bench_sim *sim = NULL;
	struct bench_fixture *fx = NULL;
	struct bench_fixture_error ferr;
	struct bench_rig *rig = NULL;
	struct bench_protocol_lib *lib = NULL;
	struct bench_plan *plan = NULL;
	struct bench_store *st = NULL;
	struct bench_buf err = BENCH_BUF_INIT;
	struct bench_engine_rig_io rio;
	struct bench_engine_options eo = { 0 };
	char uri[64], side[300];

	memset(out, 0, sizeof(*out));
	/* As bcibench does (hw-cli): a peer that vanishes is an error, not a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	so.dut_name = "eeg-amp";
	so.pace = BENCH_SIM_PACE_FAST;
	so.seed = 7;
	so.faults = faults;
	so.n_faults = n_faults;
	cr_assert_eq(bench_sim_start(&so, &sim), 0);
	cr_assert_eq(bench_sim_uri(sim, uri, sizeof(uri)), 0);
	cr_assert_eq(bench_fixture_load(src("fixtures/sim/eeg-amp.fixture.xml"), 0,
					bench_fixture_today_days(), &fx, &ferr),
		     0, "%s", ferr.text);
	cr_assert_eq(bench_rig_open(fx, uri, 0, &rig, &ferr), 0, "%s", ferr.text);
	cr_assert_eq(bench_protocol_lib_new(NULL, &lib), 0);
	cr_assert_eq(bench_protocol_lib_set_profile(lib, src("fixtures/duts/sim-eeg-amp.xml"),
						    &err),
		     0);
	cr_assert_eq(bench_plan_from_suite(lib, src("tests/data/run/eeg-small.xml"), 1, &err,
					   &plan),
		     0, "%s", bench_buf_str(&err));
	snprintf(dbpath, sizeof(dbpath), "/tmp/bcibench-test-run-%d.db", (int)getpid());
	unlink(dbpath);
	cr_assert_eq(bench_store_open(dbpath, 0, &st), 0);

	bench_engine_rig_io_init(&rio, rig);
	eo.plan = plan;
	eo.store = st;
	eo.io = &rio.io;
	eo.dut_serial = "SIM-EEG-0001";
	eo.dut_model = "emulated EEG amplifier";
	eo.fixture_path = src("fixtures/sim/eeg-amp.fixture.xml");
	eo.run_type = BENCH_STORE_RUN_ENGINEERING;
	cr_assert_eq(bench_engine_run(&eo, &out->res), 0);
	cr_assert_eq(bench_store_tests_list(st, out->res.run_id, on_test, out), 0);

	bench_store_close(st);
	bench_plan_free(plan);
	bench_protocol_lib_free(lib);
	bench_rig_close(rig);
	bench_fixture_free(fx);
	bench_sim_stop(sim);
	bench_buf_free(&err);
	unlink(dbpath);
	snprintf(side, sizeof(side), "%s-wal", dbpath);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", dbpath);
	unlink(side);
	snprintf(side, sizeof(side), "%s.d", dbpath);
	nftw(side, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static const char *verdict_of(const struct outcome *o, const char *name)
{
	unsigned i;

	for (i = 0; i < o->n && i < 8; i++)
		if (strcmp(o->name[i], name) == 0)
			return o->verdict[i];
	return "(missing)";
}

Test(run, good_dut_passes_the_small_suite_and_is_recorded, .timeout = 120)
{
	struct outcome o;

	run_suite(NULL, 0, &o);
	cr_expect_eq(o.res.verdict, BENCH_VERDICT_PASS, "got %s",
		     bench_verdict_name(o.res.verdict));
	cr_expect_eq(o.n, 5, "five tests recorded");
	cr_expect_str_eq(verdict_of(&o, "eeg-a1-input-noise"), "PASS");
	cr_expect_str_eq(verdict_of(&o, "eeg-a2-amplitude-accuracy[a100uv]"), "PASS");
	cr_expect_str_eq(verdict_of(&o, "eeg-a8-time-base"), "PASS");
	cr_expect_eq(o.res.trials_run, 5);
}

Test(run, gain_fault_fails_amplitude_accuracy_only, .timeout = 120)
{
	const char *faults[] = { "gain_error_pct=10" };
	struct outcome o;

	run_suite(faults, 1, &o);
	cr_expect_eq(o.res.verdict, BENCH_VERDICT_FAIL, "got %s",
		     bench_verdict_name(o.res.verdict));
	cr_expect_str_eq(verdict_of(&o, "eeg-a2-amplitude-accuracy[a100uv]"), "FAIL");
	cr_expect_str_eq(verdict_of(&o, "eeg-a2-amplitude-accuracy[a1000uv]"), "FAIL");
	cr_expect_str_eq(verdict_of(&o, "eeg-a8-time-base"), "PASS");
	/* A2 is retested once after a power cycle: 3 conditions x 2 attempts, + A1 + A8 */
	cr_expect_eq(o.res.trials_run, 3 * 2 + 2);
}

Test(run, noise_fault_fails_input_noise, .timeout = 120)
{
	const char *faults[] = { "noise_uv=5" };
	struct outcome o;

	run_suite(faults, 1, &o);
	cr_expect_str_eq(verdict_of(&o, "eeg-a1-input-noise"), "FAIL");
	cr_expect_eq(o.res.verdict, BENCH_VERDICT_FAIL);
}

Test(run, clock_fault_fails_the_time_base, .timeout = 120)
{
	const char *faults[] = { "clock_ppm=500" };
	struct outcome o;

	run_suite(faults, 1, &o);
	cr_expect_str_eq(verdict_of(&o, "eeg-a8-time-base"), "FAIL");
	cr_expect_str_eq(verdict_of(&o, "eeg-a2-amplitude-accuracy[a100uv]"), "PASS");
}

Test(run, disconnecting_rig_is_error_never_pass, .timeout = 120)
{
	const char *faults[] = { "disconnect_after_s=2" };
	struct outcome o;

	run_suite(faults, 1, &o);
	cr_expect(o.res.verdict == BENCH_VERDICT_ERROR, "got %s",
		  bench_verdict_name(o.res.verdict));
	cr_expect_eq(o.res.n_verdicts[BENCH_VERDICT_PASS] + o.res.n_verdicts[BENCH_VERDICT_ERROR],
		     o.res.n_tests);
}
