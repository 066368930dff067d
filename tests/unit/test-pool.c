// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pooling over trials (src/engine/pool.h): every statistic against an independent
 * reference on the same data - numpy for the mean and standard deviation,
 * scipy.stats.linregress for the drift slope and its standard error,
 * scipy.stats.beta.ppf for the Clopper-Pearson bounds (tests/ref/pool_ref.py, Debian's
 * /usr/bin/python3) - and closed forms (the success-run bound (1-C)^(1/n)); the protocol
 * format of pooled metrics (accepted, and FILE:LINE errors for malformed ones); judging.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/parse.h"
#include "engine/pool.h"
#include "score-ref.h"

/* Runs "pool_ref.py ARGS" and reads up to @max numbers. Return: the count read. */
static int pool_ref(const char *args, double *out, int max)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	char cmd[1024];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "%s %s/tests/ref/pool_ref.py %s", REF_PY, root ? root : ".",
		 args);
	p = popen(cmd, "r");
	cr_assert(p, "popen");
	while (n < max && fscanf(p, "%lf", &out[n]) == 1)
		n++;
	cr_assert_eq(pclose(p), 0, "%s failed", cmd);
	return n;
}

/* A protocol with one per-trial source metric (index 0), a time metric (1), and @stat. */
struct fake {
	struct bench_protocol p;
	struct bench_protocol_metric m[3];
	struct bench_protocol_param pa[4];
};

static void fake_init(struct fake *f, enum bench_protocol_statistic stat, enum bench_unit unit)
{
	memset(f, 0, sizeof(*f));
	f->p.id = "fake";
	f->p.k = 2;
	f->p.metrics = f->m;
	f->p.n_metrics = 3;
	f->m[0].id = "x";
	f->m[0].name = "gain_error";
	f->m[0].unit = BENCH_UNIT_PERCENT;
	f->m[1].id = "t";
	f->m[1].name = "trial_time";
	f->m[1].unit = BENCH_UNIT_S;
	f->m[2].id = "pooled";
	f->m[2].name = (char *)bench_protocol_statistic_name(stat);
	f->m[2].unit = unit;
	f->m[2].pooled = true;
	f->m[2].of = "x";
	f->m[2].of_index = 0;
	f->m[2].statistic = stat;
	f->m[2].params = f->pa;
}

static void add_param(struct fake *f, const char *name, const char *value)
{
	struct bench_protocol_param *pa = &f->pa[f->m[2].n_params++];

	pa->name = (char *)name;
	pa->value = (char *)value;
	pa->is_number = bench_parse_double(value, &pa->number) == 0;
}

/* Rows of 3 values (x, t, unused) per trial. */
static double *rows(const double *x, const double *t, size_t n)
{
	double *v = calloc(3 * n + 1, sizeof(*v));
	size_t i;

	cr_assert(v);
	for (i = 0; i < n; i++) {
		v[3 * i] = x[i];
		v[3 * i + 1] = t ? t[i] : NAN;
		v[3 * i + 2] = NAN;
	}
	return v;
}

Test(pool, mean_and_sd_match_numpy)
{
	struct ref_rng rng = { 0x5eed1234ULL };
	double x[25], ref[4], *v;
	char path[64], args[160];
	struct bench_quantity q;
	struct fake f;
	size_t i;

	for (i = 0; i < 25; i++)
		x[i] = 0.3 + 0.05 * ref_normal(&rng);
	cr_assert_eq(ref_write(x, 25, path, sizeof(path)), 0);
	snprintf(args, sizeof(args), "moments %s", path);
	cr_assert_eq(pool_ref(args, ref, 4), 4);
	unlink(path);
	v = rows(x, NULL, 25);

	fake_init(&f, BENCH_PROTOCOL_STAT_MEAN, BENCH_UNIT_PERCENT);
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 25, &q, NULL, 0), 0);
	cr_expect_leq(ref_reldiff(q.value, ref[0], 1e-12), 1e-12, "mean %.17g vs %.17g", q.value,
		      ref[0]);
	cr_expect_leq(ref_reldiff(q.u_a, ref[1], 1e-15), 1e-10, "u %.17g vs %.17g", q.u_a, ref[1]);
	cr_expect_leq(ref_reldiff(q.u_expanded, 2 * ref[1], 1e-15), 1e-10);

	fake_init(&f, BENCH_PROTOCOL_STAT_SD, BENCH_UNIT_PERCENT);
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 25, &q, NULL, 0), 0);
	cr_expect_leq(ref_reldiff(q.value, ref[2], 1e-15), 1e-10, "sd %.17g vs %.17g", q.value,
		      ref[2]);
	cr_expect_leq(ref_reldiff(q.u_c, ref[3], 1e-15), 1e-10, "u(s) %.17g vs %.17g", q.u_c,
		      ref[3]);

	/* a trial without the source value: the mean is not computed */
	v[3 * 7] = NAN;
	cr_expect_eq(bench_engine_pool_stat(&f.p, 2, v, 25, &q, NULL, 0), -EDOM);
	/* one trial cannot give a spread */
	cr_expect_eq(bench_engine_pool_stat(&f.p, 2, v, 1, &q, NULL, 0), -EDOM);
	free(v);
}

Test(pool, drift_slope_matches_linregress)
{
	struct ref_rng rng = { 0xd71f7ULL };
	double x[12], t[12], ref[2], *v;
	char px[64], pt[64], args[200];
	struct bench_quantity q;
	struct fake f;
	size_t i;

	for (i = 0; i < 12; i++) {
		t[i] = 1.091 + 30.8 * (double)i + 0.01 * ref_uniform(&rng);
		x[i] = -0.05 + 2e-6 * t[i] + 0.0004 * ref_normal(&rng);
	}
	cr_assert_eq(ref_write(x, 12, px, sizeof(px)), 0);
	cr_assert_eq(ref_write(t, 12, pt, sizeof(pt)), 0);
	snprintf(args, sizeof(args), "slope %s %s", pt, px);
	cr_assert_eq(pool_ref(args, ref, 2), 2);
	unlink(px);
	unlink(pt);
	v = rows(x, t, 12);
	fake_init(&f, BENCH_PROTOCOL_STAT_DRIFT_SLOPE, BENCH_UNIT_PERCENT);
	add_param(&f, "time", "t");
	add_param(&f, "per", "86400");
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 12, &q, NULL, 0), 0);
	cr_expect_leq(ref_reldiff(q.value, ref[0] * 86400, 1e-12), 1e-9, "slope %.17g vs %.17g",
		      q.value, ref[0] * 86400);
	cr_expect_leq(ref_reldiff(q.u_a, ref[1] * 86400, 1e-12), 1e-9, "se %.17g vs %.17g", q.u_a,
		      ref[1] * 86400);
	/* two trials leave no degrees of freedom for the standard error */
	cr_expect_eq(bench_engine_pool_stat(&f.p, 2, v, 2, &q, NULL, 0), -EDOM);
	/* no time metric named: a protocol error */
	f.pa[0].value = "nosuch";
	cr_expect_eq(bench_engine_pool_stat(&f.p, 2, v, 12, &q, NULL, 0), -EINVAL);
	free(v);
}

Test(pool, pass_rate_matches_clopper_pearson)
{
	double x[40], ref[2], *v;
	struct bench_quantity q;
	struct fake f;
	size_t i;

	/* 37 of 40 trials within [-5, 5]; one failure is a missing value */
	for (i = 0; i < 40; i++)
		x[i] = i == 3 ? 7.5 : i == 11 ? -6.0 : i == 20 ? NAN : 0.1 * (double)(i % 7);
	v = rows(x, NULL, 40);
	cr_assert_eq(pool_ref("cp 37 40 0.95", ref, 2), 2);
	fake_init(&f, BENCH_PROTOCOL_STAT_PASS_RATE, BENCH_UNIT_PERCENT);
	add_param(&f, "accept-low", "-5");
	add_param(&f, "accept-high", "5");
	add_param(&f, "bound", "lower");
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 40, &q, NULL, 0), 0);
	cr_expect_leq(fabs(q.value - 100 * ref[0]), 1e-9, "lower %.17g vs %.17g", q.value,
		      100 * ref[0]);
	cr_expect_leq(fabs(q.u_c - 100 * (ref[1] - ref[0]) / 4), 1e-9);
	f.pa[2].value = "upper";
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 40, &q, NULL, 0), 0);
	cr_expect_leq(fabs(q.value - 100 * ref[1]), 1e-9, "upper %.17g vs %.17g", q.value,
		      100 * ref[1]);
	f.pa[2].value = "observed";
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 40, &q, NULL, 0), 0);
	cr_expect_float_eq(q.value, 92.5, 1e-12);

	/* 40 of 40: lower bound (alpha/2)^(1/n) in closed form, 91.19 % (D1's margin) */
	for (i = 0; i < 40; i++)
		v[3 * i] = 0;
	f.pa[2].value = "lower";
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 40, &q, NULL, 0), 0);
	cr_expect_leq(fabs(q.value - 100 * pow(0.025, 1.0 / 40)), 1e-9, "%.17g", q.value);

	/* unit 1: a fraction */
	f.m[2].unit = BENCH_UNIT_NONE;
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 40, &q, NULL, 0), 0);
	cr_expect_leq(fabs(q.value - pow(0.025, 1.0 / 40)), 1e-11);

	/* too few trials to demonstrate R = 0.95 at C = 0.95 (59 needed) */
	add_param(&f, "demonstrate-reliability", "0.95");
	cr_expect_eq(bench_engine_pool_stat(&f.p, 2, v, 40, &q, NULL, 0), -EDOM);
	free(v);
}

Test(pool, zero_failure_is_the_success_run_bound)
{
	double x[59], ref[1], *v;
	struct bench_quantity q;
	struct fake f;
	size_t i;

	for (i = 0; i < 59; i++)
		x[i] = 100;
	v = rows(x, NULL, 59);
	fake_init(&f, BENCH_PROTOCOL_STAT_ZERO_FAILURE, BENCH_UNIT_PERCENT);
	add_param(&f, "accept-low", "100");
	add_param(&f, "confidence", "0.95");
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 59, &q, NULL, 0), 0);
	/* (1 - C)^(1/n): 95.049 % for 59 passes, just above R = 95 % */
	cr_expect_leq(fabs(q.value - 100 * pow(0.05, 1.0 / 59)), 1e-9, "%.17g", q.value);
	cr_expect_gt(q.value, 95.0);
	cr_assert_eq(pool_ref("lower1 59 59 0.95", ref, 1), 1);
	cr_expect_leq(fabs(q.value - 100 * ref[0]), 1e-9);
	/* 58 passes: beta.ppf(1 - C, x, n - x + 1), below 95 % */
	v[3 * 30] = 0;
	cr_assert_eq(pool_ref("lower1 58 59 0.95", ref, 1), 1);
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 59, &q, NULL, 0), 0);
	cr_expect_leq(fabs(q.value - 100 * ref[0]), 1e-9, "%.17g vs %.17g", q.value, 100 * ref[0]);
	cr_expect_lt(q.value, 95.0);
	/* 58 trials, all passed: one short of the demonstration */
	v[3 * 30] = 100;
	cr_assert_eq(bench_engine_pool_stat(&f.p, 2, v, 58, &q, NULL, 0), 0);
	cr_expect_lt(q.value, 95.0);
	free(v);
}

static const char *root_dir(void)
{
	const char *r = getenv("BCIBENCH_SOURCE_ROOT");

	cr_assert(r, "BCIBENCH_SOURCE_ROOT not set (run through meson test)");
	return r;
}

/* Writes a D1-like protocol whose <metrics> are @metrics and criterion metric @crit. */
static void write_protocol(const char *path, const char *metrics, const char *crit)
{
	FILE *f = fopen(path, "w");

	cr_assert(f);
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<protocol id=\"pool-test\" version=\"1.0.0\">\n"
		"  <title>pool test</title>\n"
		"  <standard name=\"x\" edition=\"1\" clause=\"D1\"/>\n"
		"  <applies-to><dut-class>eeg-amp</dut-class></applies-to>\n"
		"  <stimulus rate_hz=\"1000\" channels=\"4\" duration_s=\"1.5\">\n"
		"    <source model=\"sine\"><param name=\"amp_uv\" value=\"100\"/>"
		"<param name=\"freq_hz\" value=\"10\"/></source>\n"
		"  </stimulus>\n"
		"  <capture duration-s=\"1.5\" settle-s=\"0.5\"><input role=\"dut-data\"/></capture>\n"
		"  <trials count=\"5\"/>\n"
		"  <metrics>\n%s  </metrics>\n"
		"  <acceptance>\n"
		"    <criterion metric=\"%s\" limit=\"bcibench-defaults-2026#d1.pass-rate\"/>\n"
		"  </acceptance>\n"
		"  <decision rule=\"simple\"/>\n"
		"</protocol>\n",
		metrics, crit);
	cr_assert_eq(fclose(f), 0);
}

static const char good_metrics[] =
	"    <metric id=\"x\" name=\"gain_error\" unit=\"%\"/>\n"
	"    <metric id=\"t\" name=\"trial_time\" unit=\"s\"/>\n"
	"    <metric id=\"rate\" over=\"trials\" of=\"x\" statistic=\"pass-rate\" unit=\"%\">\n"
	"      <param name=\"accept-low\" value=\"-5\" unit=\"%\"/>\n"
	"      <param name=\"accept-high\" value=\"5\" unit=\"%\"/>\n"
	"      <param name=\"bound\" value=\"lower\"/>\n"
	"    </metric>\n"
	"    <metric id=\"m\" over=\"trials\" of=\"x\" statistic=\"mean\" unit=\"%\"/>\n"
	"    <metric id=\"d\" over=\"trials\" of=\"x\" statistic=\"drift-slope\" unit=\"%\">\n"
	"      <param name=\"time\" value=\"t\"/>\n"
	"    </metric>\n";

static int load(const char *metrics, const char *crit, struct bench_buf *err,
		struct bench_protocol **ret)
{
	struct bench_protocol_lib *lib = NULL;
	char path[] = "/tmp/bench-pool-XXXXXX.xml";
	char limits[512];
	int fd, r;

	fd = mkstemps(path, 4);
	cr_assert(fd >= 0);
	close(fd);
	write_protocol(path, metrics, crit);
	snprintf(limits, sizeof(limits), "%s/protocols/limits", root_dir());
	cr_assert_eq(bench_protocol_lib_new(limits, &lib), 0);
	r = bench_protocol_load(lib, path, NULL, 0, err, ret);
	bench_protocol_lib_free(lib);
	unlink(path);
	return r;
}

Test(pool, protocol_format)
{
	struct bench_buf err = BENCH_BUF_INIT;
	struct bench_protocol *p = NULL;

	cr_assert_eq(load(good_metrics, "rate", &err, &p), 0, "%s", bench_buf_str(&err));
	cr_assert(bench_protocol_has_pooled(p));
	cr_expect(!p->metrics[0].pooled);
	cr_expect(p->metrics[2].pooled);
	cr_expect_eq(p->metrics[2].statistic, BENCH_PROTOCOL_STAT_PASS_RATE);
	cr_expect_eq(p->metrics[2].of_index, 0u);
	cr_expect_str_eq(p->metrics[2].name, "pass-rate");
	cr_expect_eq(p->metrics[4].statistic, BENCH_PROTOCOL_STAT_DRIFT_SLOPE);
	bench_protocol_free(p);
	p = NULL;

	/* source not a per-trial metric of the protocol: FILE:LINE */
	bench_buf_clear(&err);
	cr_expect_eq(load("    <metric id=\"x\" name=\"gain_error\" unit=\"%\"/>\n"
			  "    <metric id=\"rate\" over=\"trials\" of=\"nosuch\" "
			  "statistic=\"mean\" unit=\"%\"/>\n",
			  "rate", &err, &p),
		     -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), ".xml:13: metric 'rate': of='nosuch'"), "%s",
		  bench_buf_str(&err));
	/* a pooled metric with a name, or without a statistic */
	bench_buf_clear(&err);
	cr_expect_eq(load("    <metric id=\"x\" name=\"gain_error\" unit=\"%\"/>\n"
			  "    <metric id=\"rate\" name=\"pass_rate\" over=\"trials\" of=\"x\" "
			  "statistic=\"mean\" unit=\"%\"/>\n",
			  "rate", &err, &p),
		     -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), ":13: metric 'rate': a metric over=\"trials\""), "%s",
		  bench_buf_str(&err));
	/* mean in another unit than its source */
	bench_buf_clear(&err);
	cr_expect_eq(load("    <metric id=\"x\" name=\"gain_error\" unit=\"%\"/>\n"
			  "    <metric id=\"rate\" over=\"trials\" of=\"x\" statistic=\"mean\" "
			  "unit=\"uV\"/>\n",
			  "x", &err, &p),
		     -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), ":13: metric 'rate': unit uV differs"), "%s",
		  bench_buf_str(&err));
	/* pass rate without its acceptance interval; drift without a time in s */
	bench_buf_clear(&err);
	cr_expect_eq(load("    <metric id=\"x\" name=\"gain_error\" unit=\"%\"/>\n"
			  "    <metric id=\"rate\" over=\"trials\" of=\"x\" "
			  "statistic=\"pass-rate\" unit=\"%\"/>\n"
			  "    <metric id=\"d\" over=\"trials\" of=\"x\" "
			  "statistic=\"drift-slope\" unit=\"%\"><param name=\"time\" "
			  "value=\"x\"/></metric>\n",
			  "rate", &err, &p),
		     -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), ":13: metric 'rate': a trial passes"), "%s",
		  bench_buf_str(&err));
	cr_expect(strstr(bench_buf_str(&err), ":14: metric 'd': a drift slope needs"), "%s",
		  bench_buf_str(&err));
	cr_expect_null(p);
	bench_buf_free(&err);
}

Test(pool, score_judges_pooled_criteria_only)
{
	struct bench_buf err = BENCH_BUF_INIT, note = BENCH_BUF_INIT;
	struct bench_protocol *p = NULL;
	struct bench_store_measurement ms[16];
	char names[16][BENCH_ENGINE_NAME_LEN], clauses[16][BENCH_ENGINE_CLAUSE_LEN];
	double v[5 * 5];
	enum bench_verdict verdict;
	size_t n = 0, i;

	cr_assert_eq(load(good_metrics, "rate", &err, &p), 0, "%s", bench_buf_str(&err));
	cr_assert_eq(p->n_metrics, 5u);
	for (i = 0; i < 5; i++) {
		v[5 * i + 0] = 0.5;		 /* x: within +-5 % */
		v[5 * i + 1] = 10.0 * (double)i; /* t */
		v[5 * i + 2] = v[5 * i + 3] = v[5 * i + 4] = NAN;
	}
	/* 5 of 5: lower bound 0.025^(1/5) = 47.8 %, below the 90 % limit: FAIL */
	verdict = bench_engine_pool_score(p, v, 5, ms, &n, names, clauses, &note);
	cr_expect_eq(verdict, BENCH_VERDICT_FAIL);
	cr_assert_eq(n, 3u, "one criterion and two unjudged pooled metrics");
	cr_expect_str_eq(ms[0].name, "rate");
	cr_expect_str_eq(ms[0].verdict, "FAIL");
	cr_expect_leq(fabs(ms[0].value - 100 * pow(0.025, 0.2)), 1e-9);
	cr_expect_float_eq(ms[0].limit_low, 90.0, 1e-12);
	cr_expect_str_eq(ms[0].comparator, "GE");
	cr_expect_str_eq(ms[1].name, "m");
	cr_expect_str_eq(ms[1].comparator, "LOG");
	cr_expect_float_eq(ms[1].value, 0.5, 1e-12);
	cr_expect_float_eq(ms[1].u, 0.0, 1e-12);
	cr_expect_str_eq(ms[2].name, "d");
	cr_expect_float_eq(ms[2].value, 0.0, 1e-9);
	/* no trials with a time: the drift is recorded as not measured, with a note */
	for (i = 0; i < 5; i++)
		v[5 * i + 1] = NAN;
	bench_buf_clear(&note);
	verdict = bench_engine_pool_score(p, v, 5, ms, &n, names, clauses, &note);
	cr_expect(isnan(ms[2].value));
	cr_expect(strstr(bench_buf_str(&note), "d (not judged): trial 1 has no value"), "%s",
		  bench_buf_str(&note));
	bench_protocol_free(p);
	bench_buf_free(&err);
	bench_buf_free(&note);
}
