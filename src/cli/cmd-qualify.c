// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench qualify`: is the bench fit for purpose (ISO/IEC 17025 7.2.2 method validation)?
 *
 * For each reference DUT model it runs the model's standard suite against the good emulated
 * DUT over N seeds (any FAIL or ERROR there is a false fail), then once against every single
 * fault of the emulated rig's fault list (docs/sim.md) at a documented severity. Each run is
 * the real `bcibench run` against a separate `bcibench sim` process started with the fault,
 * recorded in DIR/qualify.db with a "qualify" event naming the condition. The detection
 * matrix (fault -> tests that failed, with measured value and limit) is printed and written
 * to DIR/qualify-matrix.md and .csv. A fault that no test catches is shown as a GAP.
 *
 * Exit: 0 no false fail and no gap, 1 a false fail or a gap, 2 the bench could not run.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/child.h"
#include "cli/cli.h"
#include "cli/reference-duts.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/parse.h"
#include "store/store.h"

/* A seeded defect, its severity and the DUT models it applies to ("*" = every model). */
struct qualify_fault {
	const char *spec;   /* NAME=VALUE for bcibench sim --fault */
	const char *models; /* space-separated model names, or "*" */
	const char *expect; /* what the bench should report (docs/sim.md) */
};

static const struct qualify_fault qualify_faults[] = {
	{ "gain_error_pct=20", "*", "amplitude / gain FAIL" },
	{ "offset_uv=5000", "eeg-amp neural-recorder", "DC offset / noise FAIL" },
	{ "noise_uv=20", "*", "noise / SNR FAIL" },
	{ "dead=0", "*", "dead channel FAIL" },
	{ "stuck=0", "eeg-amp neural-recorder", "stuck channel FAIL" },
	{ "swap=0:1", "eeg-amp neural-recorder", "channel map FAIL" },
	{ "crosstalk_pct=5", "eeg-amp neural-recorder", "crosstalk FAIL" },
	{ "drop_every=500", "*", "sample loss / dropouts FAIL" },
	{ "clock_ppm=2000", "eeg-amp neural-recorder", "time base FAIL" },
	{ "event_latency_ms=300", "neural-recorder ssvep-decoder closed-loop-stim",
	  "latency FAIL" },
	{ "miss_pct=60", "neural-recorder ssvep-decoder closed-loop-stim", "sensitivity FAIL" },
	{ "false_rate_hz=20", "neural-recorder ssvep-decoder closed-loop-stim",
	  "false detections FAIL" },
	{ "stim_amp_error_pct=40", "closed-loop-stim", "stimulation amplitude FAIL" },
	{ "charge_imbalance_pct=10", "closed-loop-stim", "charge balance FAIL" },
	{ "no_shutdown=1", "closed-loop-stim", "no shutdown on fault FAIL" },
	{ "corrupt_ppm=2000", "*", "corrupted samples FAIL" },
	{ "crash_after_s=1", "*", "DUT crash: ERROR or FAIL, never PASS" },
	{ "disconnect_after_s=1", "*", "device vanished: ERROR" },
};

static bool fault_applies(const struct qualify_fault *f, const char *model)
{
	const char *p = f->models;
	size_t n = strlen(model);

	if (strcmp(p, "*") == 0)
		return true;
	while ((p = strstr(p, model))) {
		if ((p == f->models || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* What one run found: exit code, and the failing tests with value and limit. */
struct qualify_outcome {
	int rc;
	int64_t run_id;
	struct bench_buf detail; /* "test: name value unit (limit ...); ..." */
	size_t n_failed;
};

struct newest_ctx {
	int64_t run_id;
};

static int take_newest(void *ctx, const struct bench_store_run_row *row)
{
	struct newest_ctx *n = ctx;

	if (!n->run_id)
		n->run_id = row->id;
	return 0;
}

static int collect_failed(void *ctx, const struct bench_store_measurement_row *row)
{
	struct qualify_outcome *o = ctx;
	const struct bench_store_measurement *m = &row->m;

	if (!m->verdict || (strcmp(m->verdict, "FAIL") != 0 && strcmp(m->verdict, "ERROR") != 0))
		return 0;
	if (o->n_failed++ >= 4)
		return 0; /* the matrix names the first few; the record has them all */
	bench_buf_appendf(&o->detail, "%s%s %s: ", o->detail.len ? "; " : "", row->test_name,
			  m->name ? m->name : "?");
	if (isnan(m->value))
		bench_buf_appendf(&o->detail, "%s", m->verdict);
	else
		bench_buf_appendf(&o->detail, "%.4g %s", m->value, m->unit ? m->unit : "");
	if (!isnan(m->limit_low) || !isnan(m->limit_high)) {
		bench_buf_appendf(&o->detail, " (limit %s", m->comparator ? m->comparator : "");
		if (!isnan(m->limit_low))
			bench_buf_appendf(&o->detail, " %.4g", m->limit_low);
		if (!isnan(m->limit_high))
			bench_buf_appendf(&o->detail, " %.4g", m->limit_high);
		bench_buf_appendf(&o->detail, ")");
	}
	return 0;
}

/* Reads the newest run of @serial, records the condition on it, and collects failures. */
static int examine(const char *db, const char *serial, const char *condition,
		   struct qualify_outcome *o)
{
	struct bench_store_run_filter filter = { .dut_serial = serial, .limit = 1 };
	struct bench_store_event ev = { .kind = "qualify",
					.source = "bcibench qualify",
					.message = condition,
					.t_ns = BENCH_STORE_NO_TIME };
	struct newest_ctx n = { 0 };
	struct bench_store *st;
	int r;

	r = bench_store_open(db, BENCH_STORE_OPEN_EXISTING, &st);
	if (r < 0)
		return r;
	r = bench_store_runs_list(st, &filter, take_newest, &n);
	if (r == 0 && n.run_id) {
		o->run_id = n.run_id;
		r = bench_store_event_add(st, n.run_id, 0, &ev, NULL);
		if (r == 0)
			r = bench_store_measurements_list(st, n.run_id, collect_failed, o);
	}
	bench_store_close(st);
	return r;
}

/* One suite run against a fresh emulated rig with @fault (NULL = the good DUT). */
static int run_condition(const struct bench_reference_dut *d, const char *db, const char *log,
			 uint64_t seed, const char *fault, struct qualify_outcome *o)
{
	char fixture[PATH_MAX], suite[PATH_MAX], profile[PATH_MAX], seed_s[32], cond[128];
	struct bench_cli_sim sim = { 0 };
	const char *faults[1] = { fault };
	int r;

	memset(o, 0, sizeof(*o));
	bench_cli_data_path(fixture, sizeof(fixture), d->fixture);
	bench_cli_data_path(suite, sizeof(suite), d->suite);
	bench_cli_data_path(profile, sizeof(profile), d->profile);
	snprintf(seed_s, sizeof(seed_s), "%" PRIu64, seed);

	r = bench_cli_sim_spawn(d->model, seed, false, faults, fault ? 1 : 0, &sim);
	if (r < 0) {
		bench_cli_error("qualify: cannot start the emulated rig for %s: %s", d->model,
				bench_strerror(r));
		o->rc = BENCH_EXIT_ERROR;
		return r;
	}
	{
		char *argv[] = { "run",	       "--fixture",    fixture,
				 "--suite",    suite,	       "--dut-profile",
				 profile,      "--dut-serial", (char *)d->serial,
				 "--seed",     seed_s,	       "--db",
				 (char *)db,   "--uri",	       sim.uri,
				 "--operator", "qualify",      NULL };

		o->rc = bench_cli_run_child(bench_cmd_run, (int)BENCH_ARRAY_SIZE(argv) - 1, argv,
					    log);
	}
	bench_cli_sim_stop(&sim);

	snprintf(cond, sizeof(cond), "%s seed %" PRIu64 ": %s", d->model, seed,
		 fault ? fault : "good DUT");
	r = examine(db, d->serial, cond, o);
	if (r < 0 && o->rc == 0)
		o->rc = BENCH_EXIT_ERROR;
	return 0;
}

static const char *rc_name(int rc)
{
	return rc == 0 ? "PASS" : rc == 1 ? "FAIL" : rc == 2 ? "ERROR" : "USAGE";
}

int bench_cmd_qualify(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("qualify");
	const char *out = "bcibench-qualify", *model = NULL;
	char db[PATH_MAX], log[PATH_MAX], md_path[PATH_MAX], csv_path[PATH_MAX];
	uint64_t seeds = 3, s;
	size_t i, k, false_fails = 0, gaps = 0, good_runs = 0, fault_runs = 0, errors = 0;
	int64_t t0 = bench_clock_now_ns();
	FILE *md, *csv;
	int a;

	for (a = 1; a < argc; a++) {
		if (a + 1 >= argc)
			return bench_cli_usage_error(cmd, "%s needs a value", argv[a]);
		if (strcmp(argv[a], "--seeds") == 0) {
			if (bench_parse_u64(argv[++a], &seeds) < 0 || seeds < 1 || seeds > 1000)
				return bench_cli_usage_error(cmd, "--seeds must be 1..1000");
		} else if (strcmp(argv[a], "--out") == 0) {
			out = argv[++a];
		} else if (strcmp(argv[a], "--dut") == 0) {
			model = argv[++a];
			if (!bench_reference_dut_find(model))
				return bench_cli_usage_error(cmd, "unknown --dut '%s'", model);
		} else {
			return bench_cli_usage_error(cmd, "unknown argument '%s'", argv[a]);
		}
	}
	if (mkdir(out, 0777) < 0 && errno != EEXIST) {
		bench_cli_error("qualify: cannot create %s: %s", out, strerror(errno));
		return BENCH_EXIT_ERROR;
	}
	snprintf(db, sizeof(db), "%s/qualify.db", out);
	snprintf(log, sizeof(log), "%s/qualify.log", out);
	snprintf(md_path, sizeof(md_path), "%s/qualify-matrix.md", out);
	snprintf(csv_path, sizeof(csv_path), "%s/qualify-matrix.csv", out);
	md = fopen(md_path, "w");
	csv = fopen(csv_path, "w");
	if (!md || !csv) {
		bench_cli_error("qualify: cannot write the matrix in %s: %s", out, strerror(errno));
		if (md)
			fclose(md);
		if (csv)
			fclose(csv);
		return BENCH_EXIT_ERROR;
	}
	fprintf(md,
		"# Bench qualification: detection matrix\n\n"
		"| DUT model | condition | expected | verdict | run | failed tests (value, limit) |\n"
		"|---|---|---|---|---|---|\n");
	fprintf(csv, "model,condition,expected,verdict,run_id,detail\n");

	for (i = 0; i < bench_n_reference_duts; i++) {
		const struct bench_reference_dut *d = &bench_reference_duts[i];
		struct qualify_outcome o;

		if (model && strcmp(model, d->model) != 0)
			continue;
		printf("== %s: good DUT over %" PRIu64 " seeds\n", d->model, seeds);
		for (s = 1; s <= seeds; s++) {
			run_condition(d, db, log, s, NULL, &o);
			good_runs++;
			if (o.rc != BENCH_EXIT_PASS) {
				false_fails++;
				if (o.rc == BENCH_EXIT_ERROR)
					errors++;
			}
			printf("   seed %-4" PRIu64 " %-5s %s\n", s, rc_name(o.rc),
			       bench_buf_str(&o.detail));
			fprintf(md,
				"| %s | good, seed %" PRIu64 " | PASS | %s%s | %" PRId64
				" | %s |\n",
				d->model, s, rc_name(o.rc), o.rc ? " (false fail)" : "", o.run_id,
				bench_buf_str(&o.detail));
			fprintf(csv, "%s,good seed %" PRIu64 ",PASS,%s,%" PRId64 ",\"%s\"\n",
				d->model, s, rc_name(o.rc), o.run_id, bench_buf_str(&o.detail));
			bench_buf_free(&o.detail);
		}
		printf("== %s: seeded faults\n", d->model);
		for (k = 0; k < BENCH_ARRAY_SIZE(qualify_faults); k++) {
			const struct qualify_fault *f = &qualify_faults[k];

			if (!fault_applies(f, d->model))
				continue;
			run_condition(d, db, log, 1, f->spec, &o);
			fault_runs++;
			if (o.rc == BENCH_EXIT_PASS)
				gaps++;
			printf("   %-26s %-5s %s\n", f->spec,
			       o.rc == BENCH_EXIT_PASS ? "GAP" : rc_name(o.rc),
			       bench_buf_str(&o.detail));
			fprintf(md, "| %s | %s | %s | %s | %" PRId64 " | %s |\n", d->model, f->spec,
				f->expect,
				o.rc == BENCH_EXIT_PASS ? "PASS (GAP: not caught)" : rc_name(o.rc),
				o.run_id, bench_buf_str(&o.detail));
			fprintf(csv, "%s,%s,\"%s\",%s,%" PRId64 ",\"%s\"\n", d->model, f->spec,
				f->expect, o.rc == BENCH_EXIT_PASS ? "GAP" : rc_name(o.rc),
				o.run_id, bench_buf_str(&o.detail));
			bench_buf_free(&o.detail);
		}
	}
	fprintf(md,
		"\n%zu good-DUT runs, %zu false fails (%zu of them bench errors); "
		"%zu fault runs, %zu not caught.\n",
		good_runs, false_fails, errors, fault_runs, gaps);
	fclose(md);
	fclose(csv);

	printf("\n%zu good-DUT runs: %zu false fails; %zu seeded faults: %zu caught, %zu gaps\n",
	       good_runs, false_fails, fault_runs, fault_runs - gaps, gaps);
	printf("matrix: %s, %s; record: %s; run output: %s (%.1f s)\n", md_path, csv_path, db, log,
	       (double)(bench_clock_now_ns() - t0) * 1e-9);
	return false_fails || gaps ? BENCH_EXIT_FAIL : BENCH_EXIT_PASS;
}
