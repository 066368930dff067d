// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/engine against a scripted I/O (no rig): verdicts from the captured data, retests
 * with every attempt recorded, group retests, ERROR for what cannot be measured or
 * captured, abort, and resume of an interrupted run with the same seeds.
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "engine/engine.h"
#include "siggen.h"

static char dbpath[256];
static struct bench_store *st;
static struct bench_protocol_lib *lib;
static struct bench_buf err = BENCH_BUF_INIT;

static const char *data(const char *rel)
{
	static char buf[4][1024];
	static unsigned k;
	char *p = buf[k++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/tests/data/engine/%s", getenv("BCIBENCH_SOURCE_ROOT"), rel);
	return p;
}

static const char *src_path_decoder(void)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s/protocols/decoder/decoder-c1-motor-imagery.xml",
		 getenv("BCIBENCH_SOURCE_ROOT"));
	return buf;
}

struct fake {
	double gain;	 /* DUT gain */
	double bad_gain; /* gain of the first @n_bad trial calls */
	unsigned n_bad;
	int cancel_at;	/* trial call that returns -ECANCELED, -1 never */
	int error_at;	/* trial call that returns -EIO, -1 never */
	double tone_uv; /* > 0: a 37 Hz tone of this amplitude instead of the noise */
	unsigned calls;
	unsigned steps;
	unsigned power_cycles;
	unsigned safe;
	bool fail_suite_setup; /* the "suite setup" steps return -EIO */
	uint64_t seeds[64];
};

static int fake_steps(void *ctx, const struct bench_protocol_steps *s, const char *what)
{
	struct fake *f = ctx;
	size_t i;

	f->steps++;
	for (i = 0; i < s->n; i++)
		f->power_cycles += s->v[i].kind == BENCH_PROTOCOL_STEP_POWER_CYCLE;
	if (f->fail_suite_setup && strcmp(what, "suite setup") == 0)
		return -EIO;
	return 0;
}

/* A 10 Hz, 100 uV sine times the gain plus +-0.5 uV uniform noise seeded by the trial seed. */
static int fake_trial(void *ctx, const struct bench_protocol *p, uint64_t seed,
		      struct bench_engine_capture *cap)
{
	struct fake *f = ctx;
	struct bench_engine_trace *t = &cap->traces[0];
	unsigned call = f->calls++;
	double g = call < f->n_bad ? f->bad_gain : f->gain;
	uint64_t x = seed | 1;
	size_t i, c;

	if (call < 64)
		f->seeds[call] = seed;
	if ((int)call == f->cancel_at)
		return -ECANCELED;
	if ((int)call == f->error_at)
		return -EIO;
	snprintf(t->role, sizeof(t->role), "dut-data");
	t->rate_hz = 1000;
	t->n_channels = 2;
	t->n_frames = (size_t)llround(p->capture_s * t->rate_hz);
	t->settle_frames = (size_t)llround(p->settle_s * t->rate_hz);
	t->lsb_uv = 0.02;
	t->uv = calloc(t->n_channels * t->n_frames, sizeof(double));
	cr_assert(t->uv);
	for (c = 0; c < t->n_channels; c++)
		for (i = 0; i < t->n_frames; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			t->uv[c * t->n_frames + i] =
				g * 100.0 * sin(2 * M_PI * 10.0 * (double)i / t->rate_hz) +
				(f->tone_uv > 0 ? f->tone_uv * sin(2 * M_PI * 37.0 * (double)i /
								   t->rate_hz) :
						  ((double)(x >> 11) / 9007199254740992.0 - 0.5));
		}
	cap->n_traces = 1;
	return 0;
}

static int fake_safe(void *ctx, const char *reason)
{
	((struct fake *)ctx)->safe++;
	(void)reason;
	return 0;
}

static struct fake fk;
static struct bench_engine_io io = { &fk, fake_steps, fake_trial, fake_safe };

static void setup(void)
{
	snprintf(dbpath, sizeof(dbpath), "/tmp/bcibench-engine-test-%d.db", (int)getpid());
	unlink(dbpath);
	cr_assert_eq(bench_store_open(dbpath, 0, &st), 0);
	cr_assert_eq(bench_protocol_lib_new(NULL, &lib), 0);
	memset(&fk, 0, sizeof(fk));
	fk.gain = 1.0;
	fk.cancel_at = fk.error_at = -1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	char p[300];

	bench_store_close(st);
	bench_protocol_lib_free(lib);
	bench_buf_free(&err);
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s.d", dbpath); /* the run folders with the capture files */
	nftw(p, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(engine, .init = setup, .fini = teardown);

static struct bench_plan *plan_of(const char *proto, uint64_t seed)
{
	const char *paths[] = { data(proto) };
	struct bench_plan *plan = NULL;

	cr_assert_eq(bench_plan_from_protocols(lib, paths, 1, seed, &err, &plan), 0, "%s",
		     bench_buf_str(&err));
	return plan;
}

static int run(struct bench_plan *plan, int64_t resume, struct bench_engine_result *res)
{
	struct bench_engine_options o = { 0 };

	o.plan = plan;
	o.store = st;
	o.io = &io;
	o.dut_serial = "TA-0001";
	o.dut_model = "test amp";
	o.run_type = BENCH_STORE_RUN_ENGINEERING;
	o.resume_run_id = resume;
	return bench_engine_run(&o, res);
}

struct rows {
	unsigned n;
	unsigned attempt_max;
	char status[32][16];
	int attempt[32];
	uint64_t seed[32];
	char notes[512];
};

static int on_meas(void *ctx, const struct bench_store_measurement_row *row)
{
	struct rows *r = ctx;

	if (r->n < 32) {
		snprintf(r->status[r->n], 16, "%s", row->m.verdict);
		r->attempt[r->n] = row->attempt;
		r->seed[r->n] = row->trial_seed;
	}
	if ((unsigned)row->attempt > r->attempt_max)
		r->attempt_max = (unsigned)row->attempt;
	r->n++;
	return 0;
}

Test(engine, good_dut_passes_and_every_trial_is_recorded)
{
	struct bench_plan *plan = plan_of("proto/amp.xml", 11);
	struct bench_engine_result res;
	struct rows rows = { 0 };
	size_t i;

	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_PASS, "got %s", bench_verdict_name(res.verdict));
	cr_expect_eq(res.trials_run, 3);
	cr_expect_eq(fk.safe, 1);
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_meas, &rows), 0);
	/* 3 trials x (2 criteria + the unjudged gain metric) */
	cr_expect_eq(rows.n, 9);
	for (i = 0; i < 3; i++)
		cr_expect_eq(fk.seeds[i], plan->trials[i].seed);
	bench_plan_free(plan);
}

Test(engine, low_gain_fails_after_a_power_cycled_retest)
{
	struct bench_plan *plan = plan_of("proto/amp.xml", 11);
	struct bench_engine_result res;
	struct rows rows = { 0 };

	fk.gain = 0.9;
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_FAIL, "got %s", bench_verdict_name(res.verdict));
	cr_expect_eq(res.trials_run, 6, "both attempts run");
	/* the protocol's setup power cycle twice plus the retest power cycle */
	cr_expect_eq(fk.power_cycles, 3);
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_meas, &rows), 0);
	cr_expect_eq(rows.attempt_max, 2, "the retest is recorded as attempt 2");
	bench_plan_free(plan);
}

Test(engine, transient_failure_passes_on_retest_with_both_attempts_recorded)
{
	struct bench_plan *plan = plan_of("proto/amp.xml", 11);
	struct bench_engine_result res;
	struct rows rows = { 0 };
	unsigned i, fails = 0;

	fk.n_bad = 1; /* only the very first capture is off */
	fk.bad_gain = 0.8;
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_PASS, "'last' rule: the retest decides");
	cr_expect_eq(res.trials_run, 6);
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_meas, &rows), 0);
	for (i = 0; i < rows.n && i < 32; i++)
		fails += strcmp(rows.status[i], "FAIL") == 0 && rows.attempt[i] == 1;
	/* both criteria (amplitude, gain) of the first trial of attempt 1 */
	cr_expect_eq(fails, 2, "the failed first attempt stays in the record");
	bench_plan_free(plan);
}

Test(engine, value_within_the_guard_band_is_marginal)
{
	struct bench_plan *plan = plan_of("proto/amp.xml", 11);
	struct bench_engine_result res;

	/*
	 * 104.995 uV with a deterministic 0.5 uV tone off the fit frequency: the residual
	 * (0.35 uV rms) gives U = 2 * 0.35 * sqrt(2/1500) = 0.026 uV > 0.005 uV to the limit.
	 */
	fk.gain = 1.04995;
	fk.tone_uv = 0.5;
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_MARGINAL, "got %s",
		     bench_verdict_name(res.verdict));
	bench_plan_free(plan);
}

Test(engine, unwired_metric_and_failed_capture_are_error_never_pass)
{
	struct bench_plan *plan = plan_of("proto/unwired.xml", 1);
	struct bench_engine_result res;

	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_ERROR);
	bench_plan_free(plan);

	plan = plan_of("proto/amp.xml", 1);
	fk.calls = 0;
	fk.error_at = 0;
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_PASS, "an I/O error on attempt 1 is retested");
	fk.calls = 0;
	fk.error_at = -1;
	fk.n_bad = 100;
	fk.bad_gain = NAN; /* the DUT returns garbage: metric not finite */
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_ERROR);
	bench_plan_free(plan);
}

Test(engine, group_is_retested_as_a_whole_under_rule_all)
{
	struct bench_plan *plan = NULL;
	struct bench_engine_result res;

	cr_assert_eq(bench_plan_from_suite(lib, data("suites/group.xml"), 3, &err, &plan), 0, "%s",
		     bench_buf_str(&err));
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_PASS);
	cr_expect_eq(res.trials_run, 3 * 3, "rule 'all' runs every attempt of both entries");
	bench_plan_free(plan);
}

Test(engine, suite_steps_power_cycle_once_for_the_entries_that_ask)
{
	struct bench_plan *plan = NULL;
	struct bench_engine_result res;
	size_t i;

	cr_assert_eq(bench_plan_from_suite(lib, data("suites/suite-steps.xml"), 3, &err, &plan), 0,
		     "%s", bench_buf_str(&err));
	cr_assert_eq(plan->n_tests, 3);
	for (i = 0; i < 2; i++) {
		cr_expect(plan->tests[i].suite_steps);
		cr_expect_eq(plan->tests[i].protocol->setup.n, 0, "steps=\"suite\" clears setup");
		cr_expect_eq(plan->tests[i].protocol->teardown.n, 0);
	}
	cr_expect_not(plan->tests[2].suite_steps);
	cr_expect_eq(plan->tests[2].protocol->setup.n, 1, "the protocol's own setup stays");
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_PASS);
	cr_expect_eq(res.trials_run, 4);
	/* the suite's setup and the third entry's own setup: 2, not 4 */
	cr_expect_eq(fk.power_cycles, 2, "%u power cycles", fk.power_cycles);
	bench_plan_free(plan);
}

Test(engine, failed_suite_setup_makes_suite_steps_entries_error)
{
	struct bench_plan *plan = NULL;
	struct bench_engine_result res;
	fk.fail_suite_setup = true;
	cr_assert_eq(bench_plan_from_suite(lib, data("suites/suite-steps.xml"), 3, &err, &plan), 0,
		     "%s", bench_buf_str(&err));
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_ERROR);
	cr_expect_eq(res.n_verdicts[BENCH_VERDICT_ERROR], 2, "the two steps=\"suite\" entries");
	cr_expect_eq(res.n_verdicts[BENCH_VERDICT_PASS], 1, "the entry with its own setup");
	/* the trials of the suite-steps entries never played: no trial call for them */
	cr_expect_eq(fk.calls, 1, "%u trial calls", fk.calls);
	bench_plan_free(plan);
}

Test(engine, suite_steps_without_a_suite_setup_is_refused_with_file_and_line)
{
	struct bench_plan *plan = NULL;

	cr_expect_eq(bench_plan_from_suite(lib, data("suites/suite-steps-no-setup.xml"), 3, &err,
					   &plan),
		     -EINVAL);
	cr_expect_null(plan);
	cr_expect(strstr(bench_buf_str(&err), "suite-steps-no-setup.xml:7:"), "%s",
		  bench_buf_str(&err));
	cr_expect(strstr(bench_buf_str(&err), "no <setup>"), "%s", bench_buf_str(&err));
}

Test(engine, abort_then_resume_finishes_with_the_same_seeds)
{
	struct bench_plan *plan = plan_of("proto/amp.xml", 99);
	struct bench_engine_result res, res2;
	uint64_t first[3];

	fk.cancel_at = 2;
	cr_expect_eq(run(plan, 0, &res), -ECANCELED);
	cr_expect_eq(res.verdict, BENCH_VERDICT_ABORTED);
	cr_expect_eq(fk.safe, 1, "safe state on abort");
	memcpy(first, fk.seeds, sizeof(first));
	/* What the store's crash recovery does for a run whose writer died. */
	cr_assert_eq(bench_store_run_set_status(st, res.run_id, BENCH_STORE_RUN_INTERRUPTED,
						"test"),
		     0);
	memset(&fk, 0, sizeof(fk));
	fk.gain = 1.0;
	fk.cancel_at = fk.error_at = -1;
	cr_assert_eq(run(plan, res.run_id, &res2), 0);
	cr_expect_eq(res2.verdict, BENCH_VERDICT_PASS, "got %s", bench_verdict_name(res2.verdict));
	cr_expect_eq(res2.trials_resumed, 2);
	cr_expect_eq(res2.trials_run, 1);
	cr_expect_eq(fk.seeds[0], first[2], "the aborted trial is replayed with its seed");
	bench_plan_free(plan);
}

Test(engine, limit_mapping_keeps_bounds_and_rule)
{
	struct bench_plan *plan = plan_of("proto/amp.xml", 1);
	const struct bench_protocol *p = plan->tests[0].protocol;
	struct bench_limit l;

	bench_engine_limit_from_criterion(p, &p->criteria[0], &l);
	cr_expect_eq(l.cmp, BENCH_CMP_GELE);
	cr_expect_float_eq(l.low, 95.0, 1e-12);
	cr_expect_float_eq(l.high, 105.0, 1e-12);
	cr_expect_eq(l.rule, BENCH_RULE_GUARDED);
	cr_expect_eq(bench_limit_check(&l), 0);
	bench_engine_limit_from_criterion(p, &p->criteria[1], &l);
	cr_expect_eq(l.cmp, BENCH_CMP_GELE);
	cr_expect_eq(l.low, -5.0);
	cr_expect_eq(l.unit, BENCH_UNIT_PERCENT);
	bench_plan_free(plan);
}

/* Classification from truth trials and DUT decisions: 8 of 10 right, one wrong per class. */
Test(engine, classification_metrics_from_truth_and_decisions)
{
	struct bench_protocol *p = NULL;
	struct bench_engine_capture cap;
	struct bench_engine_trace *t = &cap.traces[0];
	struct bench_quantity q;
	double b;
	size_t i, k;
	char why[128];

	cr_assert_eq(bench_protocol_load(lib, src_path_decoder(), NULL, 0, &err, &p), 0, "%s",
		     bench_buf_str(&err));
	memset(&cap, 0, sizeof(cap));
	cap.n_traces = 1;
	snprintf(t->role, sizeof(t->role), "dut-data");
	t->rate_hz = 250;
	t->n_channels = 1;
	t->n_frames = 10 * 6 * 250;
	t->uv = calloc(t->n_frames, sizeof(double));
	t->events = calloc(t->n_frames, sizeof(uint32_t));
	cap.truth = calloc(10, sizeof(*cap.truth));
	cap.n_truth = 10;
	for (i = 0; i < 10; i++) {
		int label = (int)(i % 2), said = (i == 3 || i == 6) ? 1 - label : label;

		cap.truth[i].type = SIGGEN_EVENT_MI;
		cap.truth[i].start_s = 6.0 * (double)i;
		cap.truth[i].end_s = cap.truth[i].start_s + 4;
		cap.truth[i].label = label;
		t->events[i * 1500 + 1000] = (2u << 24) | (uint32_t)said;
	}
	for (k = 0; k < p->n_metrics; k++) {
		cr_assert_eq(bench_engine_measure(p, k, NULL, &cap, &q, why, sizeof(why)), 0,
			     "%s: %s", p->metrics[k].id, why);
		if (!strcmp(p->metrics[k].name, "accuracy"))
			cr_expect_float_eq(q.value, 80.0, 1e-9);
		if (!strcmp(p->metrics[k].name, "kappa"))
			cr_expect_float_eq(q.value, (0.8 - 0.5) / (1 - 0.5), 1e-9);
		if (!strcmp(p->metrics[k].name, "itr")) {
			b = 1 + 0.8 * log2(0.8) + 0.2 * log2(0.2); /* Wolpaw, N = 2 */
			cr_expect_float_eq(q.value, b * 60.0 / 6.0, 1e-9);
		}
	}
	bench_engine_capture_clear(&cap);
	bench_protocol_free(p);
}

/* Pooled rows (trial seq -1) of a run: their verdicts by attempt, and the trial verdicts. */
struct pooled {
	unsigned n_pooled;   /* pooled measurements */
	char verdict[4][16]; /* of gain-mean, by attempt - 1 */
	double mean[4];
	unsigned n_trial_fail; /* FAIL among the trials' own measurements */
	unsigned n_trial_rows;
};

static int on_pooled(void *ctx, const struct bench_store_measurement_row *row)
{
	struct pooled *p = ctx;

	if (row->trial_seq >= 0) {
		p->n_trial_rows++;
		p->n_trial_fail += strcmp(row->m.verdict, "FAIL") == 0;
		return 0;
	}
	p->n_pooled++;
	if (strcmp(row->m.name, "gain-mean") == 0 && row->attempt >= 1 && row->attempt <= 4) {
		snprintf(p->verdict[row->attempt - 1], 16, "%s", row->m.verdict);
		p->mean[row->attempt - 1] = row->m.value;
	}
	return 0;
}

Test(engine, pooled_metric_is_judged_into_the_test_verdict)
{
	struct bench_plan *plan = plan_of("proto/pooled.xml", 5);
	struct bench_engine_result res;
	struct pooled pl = { 0 };

	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_PASS, "got %s", bench_verdict_name(res.verdict));
	cr_expect_eq(res.trials_run, 4);
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_pooled, &pl), 0);
	cr_expect_eq(pl.n_pooled, 2, "gain-mean and gain-sd, once");
	cr_expect_str_eq(pl.verdict[0], "PASS");
	cr_expect_lt(fabs(pl.mean[0]), 0.1, "mean gain error %g %%", pl.mean[0]);
	cr_expect_eq(pl.n_trial_rows, 4, "each trial records its source value");
	bench_plan_free(plan);
}

Test(engine, pooled_fail_fails_the_test_and_is_retested)
{
	struct bench_plan *plan = plan_of("proto/pooled.xml", 5);
	struct bench_engine_result res;
	struct pooled pl = { 0 };

	fk.gain = 1.1; /* +10 %: every trial measured, the pooled mean outside +-5 % */
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_FAIL, "got %s", bench_verdict_name(res.verdict));
	cr_expect_eq(res.trials_run, 8, "the FAIL of the pooled row triggers the retest");
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_pooled, &pl), 0);
	cr_expect_eq(pl.n_pooled, 4, "one pooled row per attempt");
	cr_expect_str_eq(pl.verdict[0], "FAIL");
	cr_expect_str_eq(pl.verdict[1], "FAIL");
	cr_expect_float_eq(pl.mean[0], 10.0, 0.1);
	cr_expect_eq(pl.n_trial_fail, 0, "no trial is judged on its own");
	bench_plan_free(plan);
}

Test(engine, pooled_retest_passes_with_the_last_rule)
{
	struct bench_plan *plan = plan_of("proto/pooled.xml", 5);
	struct bench_engine_result res;
	struct pooled pl = { 0 };

	fk.bad_gain = 1.1;
	fk.n_bad = 4; /* the whole first attempt */
	cr_assert_eq(run(plan, 0, &res), 0);
	cr_expect_eq(res.verdict, BENCH_VERDICT_PASS, "got %s", bench_verdict_name(res.verdict));
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_pooled, &pl), 0);
	cr_expect_str_eq(pl.verdict[0], "FAIL");
	cr_expect_str_eq(pl.verdict[1], "PASS");
	bench_plan_free(plan);
}

Test(engine, resumed_run_pools_recorded_and_new_trials)
{
	struct bench_plan *plan = plan_of("proto/pooled.xml", 8);
	struct bench_engine_result res, res2;
	struct pooled pl = { 0 };

	fk.cancel_at = 2;
	cr_expect_eq(run(plan, 0, &res), -ECANCELED);
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_pooled, &pl), 0);
	cr_expect_eq(pl.n_pooled, 0, "an aborted attempt is not pooled");
	cr_assert_eq(bench_store_run_set_status(st, res.run_id, BENCH_STORE_RUN_INTERRUPTED,
						"test"),
		     0);
	memset(&fk, 0, sizeof(fk));
	fk.gain = 1.0;
	fk.cancel_at = fk.error_at = -1;
	cr_assert_eq(run(plan, res.run_id, &res2), 0);
	cr_expect_eq(res2.verdict, BENCH_VERDICT_PASS, "got %s", bench_verdict_name(res2.verdict));
	cr_expect_eq(res2.trials_resumed, 2);
	cr_expect_eq(res2.trials_run, 2);
	memset(&pl, 0, sizeof(pl));
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_pooled, &pl), 0);
	cr_expect_eq(pl.n_pooled, 2);
	cr_expect_eq(pl.n_trial_rows, 4, "pooled over the 2 recorded and the 2 new trials");
	cr_expect_str_eq(pl.verdict[0], "PASS");
	/* a second resume of the finished run takes the pooled row from the record */
	memset(&fk, 0, sizeof(fk));
	fk.gain = 1.0;
	fk.cancel_at = fk.error_at = -1;
	cr_assert_eq(bench_store_run_set_status(st, res.run_id, BENCH_STORE_RUN_INTERRUPTED,
						"test"),
		     0);
	cr_assert_eq(run(plan, res.run_id, &res2), 0);
	cr_expect_eq(res2.verdict, BENCH_VERDICT_PASS);
	cr_expect_eq(res2.trials_run, 0);
	memset(&pl, 0, sizeof(pl));
	cr_assert_eq(bench_store_measurements_list(st, res.run_id, on_pooled, &pl), 0);
	cr_expect_eq(pl.n_pooled, 2, "not pooled twice");
	bench_plan_free(plan);
}
