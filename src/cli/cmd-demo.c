// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench demo`: the main job on the emulated rig, in one command.
 *
 * For each reference DUT model it runs the model's standard suite on the emulated rig
 * (the fixture's `sim:` context starts the rig in-process on a free loopback port),
 * records everything in DIR/bcibench.db, then builds the signed XML dossier, the PDF and
 * the JUnit file from that database alone, and prints a summary table.
 *
 * Each step is the real subcommand (`run`, `report`) executed in a forked child, so the
 * demo exercises exactly the code a user runs, and a crash in one DUT's run cannot take
 * the others (or the table) with it. The models run in parallel worker processes, at most
 * --jobs at a time (default: the number of online CPUs), into the one database; each
 * model's run and report output goes to DIR/MODEL.log. The signing key is the test-only key of
 * fixtures/keys/: a demo dossier proves the mechanism, not the identity of a lab.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/child.h"
#include "cli/cli.h"
#include "cli/reference-duts.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/parse.h"
#include "store/store.h"

struct demo_result {
	int run_rc;	    /* exit code of `bcibench run` */
	int report_rc;	    /* exit code of `bcibench report`, -1 if not attempted */
	int64_t run_id;	    /* 0 if no run was recorded */
	char uuid[40];	    /* run UUID, "" if none */
	char status[24];    /* run status in the record */
	double seconds;	    /* wall time of the run */
	char xml[PATH_MAX]; /* dossier paths */
	char pdf[PATH_MAX];
	char junit[PATH_MAX];
};

struct newest {
	const char *serial;
	struct demo_result *res;
};

static int take_newest(void *ctx, const struct bench_store_run_row *row)
{
	struct newest *n = ctx;

	if (n->res->run_id)
		return 0;
	n->res->run_id = row->id;
	snprintf(n->res->uuid, sizeof(n->res->uuid), "%s", row->uuid ? row->uuid : "");
	snprintf(n->res->status, sizeof(n->res->status), "%s", row->status ? row->status : "?");
	return 0;
}

/* Finds the run just recorded for @serial (the newest one). */
static int find_run(const char *db, const char *serial, struct demo_result *res)
{
	struct bench_store_run_filter filter = { .dut_serial = serial, .limit = 1 };
	struct newest n = { serial, res };
	struct bench_store *st;
	int r;

	r = bench_store_open(db, BENCH_STORE_OPEN_READONLY | BENCH_STORE_OPEN_EXISTING, &st);
	if (r < 0)
		return r;
	r = bench_store_runs_list(st, &filter, take_newest, &n);
	bench_store_close(st);
	if (r < 0)
		return r;
	return res->run_id ? 0 : -ENOENT;
}

static void path_join(char *buf, size_t size, const char *a, const char *b)
{
	snprintf(buf, size, "%s/%s", a, b);
}

static int demo_one(const struct bench_reference_dut *d, const char *out, const char *db,
		    const char *lang, const char *seed, struct demo_result *res)
{
	char fixture[PATH_MAX], suite[PATH_MAX], profile[PATH_MAX], key[PATH_MAX], cert[PATH_MAX],
		run_id[32], log[PATH_MAX];
	int64_t t0;

	memset(res, 0, sizeof(*res));
	res->report_rc = -1;
	bench_cli_data_path(fixture, sizeof(fixture), d->fixture);
	bench_cli_data_path(suite, sizeof(suite), d->suite);
	bench_cli_data_path(profile, sizeof(profile), d->profile);
	bench_cli_data_path(key, sizeof(key), "fixtures/keys/test-signer-rsa.key");
	bench_cli_data_path(cert, sizeof(cert), "fixtures/keys/test-signer-rsa.crt");

	snprintf(log, sizeof(log), "%s/%s.log", out, d->model);
	{
		char *argv[] = { "run",	     "--fixture",    fixture,
				 "--suite",  suite,	     "--dut-profile",
				 profile,    "--dut-serial", (char *)d->serial,
				 "--seed",   (char *)seed,   "--db",
				 (char *)db, "--operator",   "demo",
				 NULL };

		t0 = bench_clock_now_ns();
		res->run_rc = bench_cli_run_child(bench_cmd_run, (int)BENCH_ARRAY_SIZE(argv) - 1,
						  argv, log);
		res->seconds = (double)(bench_clock_now_ns() - t0) * 1e-9;
	}
	if (find_run(db, d->serial, res) < 0) {
		snprintf(res->status, sizeof(res->status), "not recorded");
		return 0;
	}

	snprintf(res->xml, sizeof(res->xml), "%s/%s.dossier.xml", out, d->model);
	snprintf(res->pdf, sizeof(res->pdf), "%s/%s%s.pdf", out, d->model,
		 strcmp(lang, "en") ? ".zh-CN" : "");
	snprintf(res->junit, sizeof(res->junit), "%s/%s.junit.xml", out, d->model);
	snprintf(run_id, sizeof(run_id), "%" PRId64, res->run_id);
	{
		char *argv[] = { "report",	"--db",	  (char *)db,	"--run",      run_id,
				 "--xml",	res->xml, "--pdf",	res->pdf,     "--junit",
				 res->junit,	"--lang", (char *)lang, "--sign-key", key,
				 "--sign-cert", cert,	  NULL };

		res->report_rc = bench_cli_run_child(bench_cmd_report,
						     (int)BENCH_ARRAY_SIZE(argv) - 1, argv, log);
	}
	return 0;
}

/* Exit code of the demo: worst of the runs (0 all passed, 1 a test failed, 2 bench error). */
static int worst_exit(int a, int b)
{
	int rank_a = a == 0 ? 0 : a == 1 ? 1 : 2, rank_b = b == 0 ? 0 : b == 1 ? 1 : 2;

	return rank_a >= rank_b ? (rank_a == 2 ? BENCH_EXIT_ERROR : a) :
				  (rank_b == 2 ? BENCH_EXIT_ERROR : b);
}

/* Waits for one demo worker and prints its line. Return: true if one was reaped. */
static bool reap_one(pid_t *pids, struct demo_result *res)
{
	int status;
	pid_t pid = wait(&status);
	size_t i;

	if (pid < 0)
		return errno != EINTR; /* ECHILD: nothing left to wait for */
	for (i = 0; i < bench_n_reference_duts; i++) {
		if (pids[i] != pid)
			continue;
		pids[i] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			snprintf(res[i].status, sizeof(res[i].status), "worker died");
		printf("   %-17s %-12s in %.1f s\n", bench_reference_duts[i].model, res[i].status,
		       res[i].seconds);
		fflush(stdout);
		return true;
	}
	return false; /* not one of ours (cannot happen: the workers are our only children) */
}

int bench_cmd_demo(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("demo");
	struct demo_result *res;
	pid_t pids[32] = { 0 };
	size_t running = 0, n_jobs;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t jobs_opt = 0;
	const char *out = "bcibench-demo", *model = NULL, *lang = "en", *seed = "1";
	char db[PATH_MAX], state[PATH_MAX];
	int64_t t0 = bench_clock_now_ns();
	size_t i, n_done = 0;
	int i_arg, rc = BENCH_EXIT_PASS;
	uint64_t seed_value;

	for (i_arg = 1; i_arg < argc; i_arg++) {
		const char *a = argv[i_arg];

		if (i_arg + 1 >= argc && a[0] == '-')
			return bench_cli_usage_error(cmd, "%s needs a value", a);
		if (strcmp(a, "--out") == 0)
			out = argv[++i_arg];
		else if (strcmp(a, "--dut") == 0)
			model = argv[++i_arg];
		else if (strcmp(a, "--lang") == 0)
			lang = argv[++i_arg];
		else if (strcmp(a, "--seed") == 0)
			seed = argv[++i_arg];
		else if (strcmp(a, "--jobs") == 0) {
			if (bench_parse_u64(argv[++i_arg], &jobs_opt) < 0 || jobs_opt < 1 ||
			    jobs_opt > 8)
				return bench_cli_usage_error(cmd, "--jobs must be 1..8");
		} else
			return bench_cli_usage_error(cmd, "unknown argument '%s'", a);
	}
	if (strcmp(lang, "en") != 0 && strcmp(lang, "zh-CN") != 0)
		return bench_cli_usage_error(cmd, "--lang must be en or zh-CN, not '%s'", lang);
	if (bench_parse_u64(seed, &seed_value) < 0)
		return bench_cli_usage_error(cmd, "--seed must be a non-negative integer");
	if (model) {
		if (!bench_reference_dut_find(model))
			return bench_cli_usage_error(cmd,
						     "unknown --dut '%s' (eeg-amp, neural-recorder, "
						     "ssvep-decoder, closed-loop-stim)",
						     model);
	}
	n_jobs = jobs_opt ? (size_t)jobs_opt : cpus > 0 ? (size_t)cpus : 1;
	if (bench_n_reference_duts > BENCH_ARRAY_SIZE(pids)) {
		bench_cli_error("demo: more than %zu reference models", BENCH_ARRAY_SIZE(pids));
		return BENCH_EXIT_ERROR;
	}
	if (mkdir(out, 0777) < 0 && errno != EEXIST) {
		bench_cli_error("demo: cannot create %s: %s", out, strerror(errno));
		return BENCH_EXIT_ERROR;
	}
	path_join(db, sizeof(db), out, "bcibench.db");
	/* The crash marker of the safe-state path lives with the demo's output. */
	path_join(state, sizeof(state), out, "state");
	if (mkdir(state, 0777) < 0 && errno != EEXIST) {
		bench_cli_error("demo: cannot create %s: %s", state, strerror(errno));
		return BENCH_EXIT_ERROR;
	}
	setenv("BCIBENCH_STATE_DIR", state, 1);

	printf("bcibench demo: emulated rig, reference DUT models, results in %s, %zu at a time\n",
	       out, n_jobs);
	/* Workers write their result into shared memory; a worker that dies leaves ERROR. */
	res = mmap(NULL, sizeof(*res) * bench_n_reference_duts, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		bench_cli_error("demo: %s", strerror(errno));
		return BENCH_EXIT_ERROR;
	}
	fflush(stdout);
	for (i = 0; i < bench_n_reference_duts; i++) {
		const struct bench_reference_dut *d = &bench_reference_duts[i];

		memset(&res[i], 0, sizeof(res[i]));
		if (model && strcmp(model, d->model) != 0) {
			res[i].run_rc = -1;
			continue;
		}
		res[i].run_rc = BENCH_EXIT_ERROR;
		res[i].report_rc = -1;
		snprintf(res[i].status, sizeof(res[i].status), "no result");
		while (running >= n_jobs)
			running -= reap_one(pids, res) ? 1 : 0;
		fflush(stdout);
		fflush(stderr);
		pids[i] = fork();
		if (pids[i] == 0) {
			demo_one(d, out, db, lang, seed, &res[i]);
			_exit(0);
		}
		if (pids[i] < 0) {
			pids[i] = 0;
			continue;
		}
		printf("   %-17s started (suite %s; output in %s/%s.log)\n", d->model, d->suite,
		       out, d->model);
		fflush(stdout);
		running++;
		n_done++;
	}
	while (running > 0)
		running -= reap_one(pids, res) ? 1 : 0;

	printf("\n%-17s %-15s %-12s %-8s %-36s %s\n", "DUT model", "serial", "run status", "time",
	       "run UUID", "dossier / PDF / JUnit");
	for (i = 0; i < bench_n_reference_duts; i++) {
		int this_rc;

		if (res[i].run_rc < 0)
			continue;
		this_rc = res[i].run_rc;
		if (res[i].run_id == 0 || res[i].report_rc != 0)
			this_rc = BENCH_EXIT_ERROR;
		rc = worst_exit(rc, this_rc);
		printf("%-17s %-15s %-12s %6.1f s %-36s %s\n", bench_reference_duts[i].model,
		       bench_reference_duts[i].serial, res[i].status, res[i].seconds,
		       res[i].uuid[0] ? res[i].uuid : "-",
		       res[i].report_rc == 0 ? res[i].xml : "(no dossier)");
		if (res[i].report_rc == 0)
			printf("%-17s %-15s %-12s %8s %-36s %s\n%-17s %-15s %-12s %8s %-36s %s\n",
			       "", "", "", "", "", res[i].pdf, "", "", "", "", "", res[i].junit);
	}
	printf("\ndatabase: %s (bcibench runs --db %s; bcibench verify --db %s)\n", db, db, db);
	printf("%zu DUT models in %.1f s; overall: %s\n", n_done,
	       (double)(bench_clock_now_ns() - t0) * 1e-9,
	       rc == BENCH_EXIT_PASS ? "PASS" :
	       rc == BENCH_EXIT_FAIL ? "FAIL" :
				       "ERROR");
	munmap(res, sizeof(*res) * bench_n_reference_duts);
	return rc;
}
