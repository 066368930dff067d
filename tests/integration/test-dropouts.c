// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Catalogue A13 end to end on the emulated EEG amplifier (in-process `bcibench sim`): DUT
 * sample loss is a measurement, not a stream stop. The library protocol measures timestamp
 * gaps (<capture gaps="measure">), so a DUT with the sim fault drop_every=N (every Nth DUT
 * sample not sent, docs/sim.md) gives FAIL with a loss rate of 1/N and a non-zero
 * uncertainty; the good DUT gives PASS at 0 %; and the same protocol with gaps="error"
 * gives ERROR on the first gap. Suites: tests/data/run/a13-*.xml (5 s, one trial).
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
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
	char verdict[16]; /* of the A13 test */
	double rate_pct, rate_u, longest_ms;
	unsigned n_meas;
};

static int on_test(void *ctx, const struct bench_store_test_row *row)
{
	struct outcome *o = ctx;

	if (strcmp(row->name, "eeg-a13-dropouts") == 0)
		snprintf(o->verdict, sizeof(o->verdict), "%s",
			 row->verdict ? row->verdict : "(none)");
	return 0;
}

static int on_meas(void *ctx, const struct bench_store_measurement_row *row)
{
	struct outcome *o = ctx;

	if (strcmp(row->m.name, "dropout-rate") == 0 || strcmp(row->m.name, "dropout_rate") == 0) {
		o->rate_pct = row->m.value;
		o->rate_u = row->m.u;
		o->n_meas++;
	} else if (strcmp(row->m.name, "longest-gap") == 0 ||
		   strcmp(row->m.name, "longest_gap") == 0) {
		o->longest_ms = row->m.value;
		o->n_meas++;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Runs @suite (tests/data/run/...) on the emulated EEG amplifier with @fault (or none). */
static void run_a13(const char *suite, const char *fault, struct outcome *out)
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
	const char *faults[1] = { fault };
	char uri[64], db[256], side[300];

	memset(out, 0, sizeof(*out));
	out->rate_pct = out->rate_u = out->longest_ms = NAN;
	signal(SIGPIPE, SIG_IGN);
	so.dut_name = "eeg-amp";
	so.pace = BENCH_SIM_PACE_FAST;
	so.seed = 7;
	so.faults = faults;
	so.n_faults = fault ? 1 : 0;
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
	cr_assert_eq(bench_plan_from_suite(lib, src(suite), 1, &err, &plan), 0, "%s",
		     bench_buf_str(&err));
	snprintf(db, sizeof(db), "/tmp/bcibench-test-dropouts-%d.db", (int)getpid());
	unlink(db);
	cr_assert_eq(bench_store_open(db, 0, &st), 0);

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
	cr_assert_eq(bench_store_measurements_list(st, out->res.run_id, on_meas, out), 0);

	bench_store_close(st);
	bench_plan_free(plan);
	bench_protocol_lib_free(lib);
	bench_rig_close(rig);
	bench_fixture_free(fx);
	bench_sim_stop(sim);
	bench_buf_free(&err);
	unlink(db);
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s.d", db);
	nftw(side, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(dropouts, .timeout = 120);

Test(dropouts, good_dut_passes_with_no_loss)
{
	struct outcome o;

	run_a13("tests/data/run/a13-dropouts.xml", NULL, &o);
	cr_expect_str_eq(o.verdict, "PASS");
	cr_expect_eq(o.res.verdict, BENCH_VERDICT_PASS, "got %s",
		     bench_verdict_name(o.res.verdict));
	cr_expect_eq(o.n_meas, 2, "dropout rate and longest gap recorded");
	cr_expect_eq(o.rate_pct, 0.0);
	cr_expect_eq(o.longest_ms, 0.0);
	/* 0 lost of ~5000 is not a certainty: the binomial bound is above 0 */
	cr_expect(o.rate_u > 0 && o.rate_u < 0.1, "u %g %%", o.rate_u);
}

Test(dropouts, dut_that_drops_every_100th_sample_fails_with_a_one_percent_loss)
{
	struct outcome o;

	run_a13("tests/data/run/a13-dropouts.xml", "drop_every=100", &o);
	cr_expect_str_eq(o.verdict, "FAIL");
	cr_expect_eq(o.res.verdict, BENCH_VERDICT_FAIL, "got %s",
		     bench_verdict_name(o.res.verdict));
	cr_expect_eq(o.n_meas, 2);
	/* 1 of 100 samples, over ~5000 DUT periods: within 1.5 samples of 1 % */
	cr_expect(fabs(o.rate_pct - 1.0) < 100.0 * 1.5 / 5000, "rate %g %%", o.rate_pct);
	cr_expect(o.rate_u > 0.05 && o.rate_u < 0.3, "u %g %%", o.rate_u);
	/* one sample at a time: 1 ms at the DUT's 1 kS/s */
	cr_expect_float_eq(o.longest_ms, 1.0, 1e-9, "longest gap %g ms", o.longest_ms);
}

Test(dropouts, gap_in_a_capture_that_does_not_measure_gaps_is_an_error)
{
	struct outcome o;

	run_a13("tests/data/run/a13-gaps-error.xml", "drop_every=100", &o);
	cr_expect_str_eq(o.verdict, "ERROR");
	cr_expect_eq(o.res.verdict, BENCH_VERDICT_ERROR, "got %s",
		     bench_verdict_name(o.res.verdict));
}
