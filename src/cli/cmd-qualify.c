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
 * to DIR/qualify-matrix.md and .csv. A fault that no test catches is shown as a GAP; so is
 * one whose run only failed tests that also fail on a good-DUT run of the same model (the
 * fault is masked: such a test cannot tell it from the good DUT). The csv's caught_by column
 * names the tests that did catch it ("PROTOCOL:VERDICT").
 *
 * Conditions are independent, so they run in parallel worker processes (--jobs, default the
 * number of online CPUs); each condition's DUT gets its own serial (the reference serial's
 * prefix and the condition's number), which is how its run is found in the shared database,
 * and its own log file in DIR/log/. `--suites screening` uses the short screening suites of
 * tests/data/qualify/ (the same protocols with fewer, shorter trials) to fit CI time.
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
#include <sys/wait.h>
#include <unistd.h>

#include "cli/child.h"
#include "cli/cli.h"
#include "cli/reference-duts.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/parse.h"
#include "fixture/fixture.h"
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
	{ "event_latency_ms=300", "neural-recorder ssvep-decoder closed-loop-stim p300-decoder",
	  "latency FAIL" },
	{ "miss_pct=60", "neural-recorder ssvep-decoder closed-loop-stim p300-decoder",
	  "sensitivity FAIL" },
	{ "false_rate_hz=20", "neural-recorder ssvep-decoder closed-loop-stim p300-decoder",
	  "false detections FAIL" },
	{ "stim_amp_error_pct=40", "closed-loop-stim", "stimulation amplitude FAIL" },
	{ "charge_imbalance_pct=10", "closed-loop-stim", "charge balance FAIL" },
	{ "no_shutdown=1", "closed-loop-stim", "no shutdown on fault FAIL" },
	{ "fault_delay_ms=50", "closed-loop-stim", "late fault notice: shutdown latency FAIL" },
	{ "stop_delay_ms=50", "closed-loop-stim", "late stop after the report: shutdown FAIL" },
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
	struct bench_buf tests;	 /* "PROTOCOL:VERDICT" of every test not passed, space-separated */
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

/* Appends @name to the space-separated list @b unless it is there already. */
static void add_word(struct bench_buf *b, const char *name)
{
	const char *p = bench_buf_str(b);
	size_t n = strlen(name);

	while ((p = strstr(p, name))) {
		if ((p == bench_buf_str(b) || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return;
		p += n;
	}
	bench_buf_appendf(b, "%s%s", b->len ? " " : "", name);
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

/* Every test that did not pass, as "PROTOCOL:VERDICT" (once per protocol and verdict). */
static int collect_tests(void *ctx, const struct bench_store_test_row *row)
{
	struct qualify_outcome *o = ctx;
	char word[160];

	if (!row->verdict || !strcmp(row->verdict, "PASS"))
		return 0;
	snprintf(word, sizeof(word), "%s:%s", row->protocol_id ? row->protocol_id : "?",
		 row->verdict);
	add_word(&o->tests, word);
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
		if (r == 0)
			r = bench_store_tests_list(st, n.run_id, collect_tests, o);
	} else if (r == 0) {
		r = -ENOENT;
	}
	bench_store_close(st);
	return r;
}

/* One condition: a DUT model, a seed, one fault or none, and what its run found. */
struct qualify_job {
	const struct bench_reference_dut *d;
	const struct qualify_fault *fault; /* NULL: the good DUT */
	uint64_t seed;
	char serial[64]; /* unique per condition */
	char log[PATH_MAX];
	struct qualify_outcome o;
	pid_t pid;
	int fd; /* read end of the worker's result pipe */
};

/* One suite run against a fresh emulated rig with the job's fault (NULL = the good DUT). */
static void run_condition(struct qualify_job *j, const char *db, bool screening)
{
	const struct bench_reference_dut *d = j->d;
	char fixture[PATH_MAX], suite[PATH_MAX], profile[PATH_MAX], seed_s[32], cond[160], rig[256];
	struct bench_cli_sim sim = { 0 };
	const char *faults[1] = { j->fault ? j->fault->spec : NULL };
	int r;

	memset(&j->o, 0, sizeof(j->o));
	bench_cli_data_path(fixture, sizeof(fixture), d->fixture);
	bench_cli_data_path(suite, sizeof(suite), screening ? d->screen_suite : d->suite);
	bench_cli_data_path(profile, sizeof(profile), d->profile);
	snprintf(seed_s, sizeof(seed_s), "%" PRIu64, j->seed);

	/* The emulated rig the fixture names (sim:NAME), else the model's own. */
	{
		struct bench_fixture *fx = NULL;

		snprintf(rig, sizeof(rig), "%s", d->model);
		if (bench_fixture_load(fixture, 0, bench_fixture_today_days(), &fx, NULL) == 0)
			bench_fixture_uri_is_sim(fx, rig, sizeof(rig));
		bench_fixture_free(fx);
	}
	r = bench_cli_sim_spawn(rig, j->seed, false, faults, j->fault ? 1 : 0, &sim);
	if (r < 0) {
		bench_cli_error("qualify: cannot start the emulated rig for %s: %s", d->model,
				bench_strerror(r));
		j->o.rc = BENCH_EXIT_ERROR;
		return;
	}
	{
		char *argv[] = { "run",	       "--fixture",    fixture,
				 "--suite",    suite,	       "--dut-profile",
				 profile,      "--dut-serial", j->serial,
				 "--seed",     seed_s,	       "--db",
				 (char *)db,   "--uri",	       sim.uri,
				 "--operator", "qualify",      NULL };

		j->o.rc = bench_cli_run_child(bench_cmd_run, (int)BENCH_ARRAY_SIZE(argv) - 1, argv,
					      j->log);
	}
	bench_cli_sim_stop(&sim);

	snprintf(cond, sizeof(cond), "%s seed %" PRIu64 ": %s", d->model, j->seed,
		 j->fault ? j->fault->spec : "good DUT");
	r = examine(db, j->serial, cond, &j->o);
	if (r < 0 && j->o.rc == 0)
		j->o.rc = BENCH_EXIT_ERROR;
}

/* Worker side: runs the job and writes "rc run_id n_failed\ntests\ndetail" to @fd. */
static void worker(struct qualify_job *j, const char *db, bool screening, int fd)
{
	struct bench_buf msg = BENCH_BUF_INIT;
	size_t off = 0;

	run_condition(j, db, screening);
	bench_buf_appendf(&msg, "%d %" PRId64 " %zu\n%s\n%s", j->o.rc, j->o.run_id, j->o.n_failed,
			  bench_buf_str(&j->o.tests), bench_buf_str(&j->o.detail));
	while (off < msg.len) {
		ssize_t w = write(fd, bench_buf_str(&msg) + off, msg.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
}

/* Parent side: reads a finished worker's result. A worker that died is a bench error. */
static void collect(struct qualify_job *j, int status)
{
	struct bench_buf in = BENCH_BUF_INIT;
	char chunk[4096], *nl1, *nl2;
	ssize_t n;
	long long run_id;
	size_t n_failed;
	int rc;

	memset(&j->o, 0, sizeof(j->o));
	j->o.rc = BENCH_EXIT_ERROR;
	while ((n = read(j->fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		bench_buf_append(&in, chunk, (size_t)n);
	}
	close(j->fd);
	j->fd = -1;
	nl1 = strchr(bench_buf_str(&in), '\n');
	nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && nl2 &&
	    sscanf(bench_buf_str(&in), "%d %lld %zu", &rc, &run_id, &n_failed) == 3) {
		j->o.rc = rc;
		j->o.run_id = run_id;
		j->o.n_failed = n_failed;
		bench_buf_append(&j->o.tests, nl1 + 1, (size_t)(nl2 - nl1 - 1));
		bench_buf_appendf(&j->o.detail, "%s", nl2 + 1);
	} else {
		bench_buf_appendf(&j->o.detail, "qualify worker ended abnormally (status %d)",
				  status);
	}
	bench_buf_free(&in);
}

/* Runs every job, at most @n_jobs at a time. */
static void run_all(struct qualify_job *jobs, size_t n, size_t n_jobs, const char *db,
		    bool screening)
{
	size_t next = 0, running = 0, done = 0, i;

	fflush(stdout);
	fflush(stderr);
	while (done < n) {
		while (running < n_jobs && next < n) {
			struct qualify_job *j = &jobs[next++];
			int p[2];

			if (pipe(p) < 0) {
				j->o.rc = BENCH_EXIT_ERROR;
				done++;
				continue;
			}
			j->pid = fork();
			if (j->pid == 0) {
				close(p[0]);
				worker(j, db, screening, p[1]);
				_exit(0);
			}
			close(p[1]);
			if (j->pid < 0) {
				close(p[0]);
				j->o.rc = BENCH_EXIT_ERROR;
				done++;
				continue;
			}
			j->fd = p[0];
			running++;
		}
		if (!running)
			break;
		{
			int status;
			pid_t pid = waitpid(-1, &status, 0);

			if (pid < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (i = 0; i < next; i++) {
				if (jobs[i].pid != pid || jobs[i].fd < 0)
					continue;
				collect(&jobs[i], status);
				running--;
				done++;
				printf("   [%zu/%zu] %-17s %-26s %s\n", done, n, jobs[i].d->model,
				       jobs[i].fault ? jobs[i].fault->spec : "good DUT",
				       jobs[i].o.rc == 0 ? (jobs[i].fault ? "GAP" : "PASS") :
				       jobs[i].o.rc == 1 ? "FAIL" :
							   "ERROR");
				fflush(stdout);
				break;
			}
		}
	}
}

/* Does the space-separated "PROTOCOL:VERDICT" list @list name @protocol (any verdict)? */
static bool names_protocol(const char *list, const char *protocol, size_t len)
{
	const char *p = list;

	while ((p = strstr(p, protocol))) {
		if ((p == list || p[-1] == ' ') && p[len] == ':')
			return true;
		p += len;
	}
	return false;
}

/*
 * What caught fault job @j: its tests that did not pass, less every protocol that also
 * did not pass on some good-DUT run of the same model (such a test cannot tell the fault
 * from the good DUT). A run that failed without a recorded test is caught by "run".
 * Empty: a GAP, also when the run did not pass (the fault is masked).
 */
static void caught_by(const struct qualify_job *j, const struct qualify_job *jobs, size_t n,
		      struct bench_buf *out)
{
	const char *p = bench_buf_str(&j->o.tests);
	size_t i;

	if (j->o.rc == BENCH_EXIT_PASS || j->o.rc == BENCH_EXIT_USAGE)
		return; /* a run refused as invalid input tested nothing */
	if (!*p) {
		bench_buf_appendf(out, "run:%s", j->o.rc == 1 ? "FAIL" : "ERROR");
		return;
	}
	while (*p) {
		const char *end = strchr(p, ' '), *colon = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool in_good = false;
		char id[128];

		if (colon && colon < p + len && (size_t)(colon - p) < sizeof(id)) {
			memcpy(id, p, (size_t)(colon - p));
			id[colon - p] = '\0';
			for (i = 0; i < n && !in_good; i++)
				in_good = !jobs[i].fault && jobs[i].d == j->d &&
					  names_protocol(bench_buf_str(&jobs[i].o.tests), id,
							 strlen(id));
		}
		if (!in_good)
			bench_buf_appendf(out, "%s%.*s", out->len ? " " : "", (int)len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
}

static const char *rc_name(int rc)
{
	return rc == 0 ? "PASS" : rc == 1 ? "FAIL" : rc == 2 ? "ERROR" : "USAGE";
}

/* The condition's serial: the reference serial's letters and a 5-digit condition number. */
static void job_serial(char *buf, size_t size, const char *ref, size_t index)
{
	size_t n = strlen(ref);

	while (n && ref[n - 1] >= '0' && ref[n - 1] <= '9')
		n--;
	snprintf(buf, size, "%.*s%05zu", (int)n, ref, index + 1);
}

/* A file-name-safe copy of @s. */
static void safe_name(char *buf, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		buf[i] = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
					 (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
					 s[i] == '.' ?
				 s[i] :
				 '_';
	buf[i] = '\0';
}

int bench_cmd_qualify(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("qualify");
	const char *out = "bcibench-qualify", *model = NULL;
	char db[PATH_MAX], logdir[PATH_MAX], md_path[PATH_MAX], csv_path[PATH_MAX];
	uint64_t seeds = 3, n_jobs_opt = 0;
	size_t i, k, false_fails = 0, gaps = 0, good_runs = 0, fault_runs = 0, errors = 0;
	size_t n = 0, cap, n_jobs;
	struct qualify_job *jobs;
	int64_t t0 = bench_clock_now_ns();
	bool screening = false;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	FILE *md, *csv;
	int a;

	for (a = 1; a < argc; a++) {
		if (a + 1 >= argc)
			return bench_cli_usage_error(cmd, "%s needs a value", argv[a]);
		if (strcmp(argv[a], "--seeds") == 0) {
			if (bench_parse_u64(argv[++a], &seeds) < 0 || seeds < 1 || seeds > 1000)
				return bench_cli_usage_error(cmd, "--seeds must be 1..1000");
		} else if (strcmp(argv[a], "--jobs") == 0) {
			if (bench_parse_u64(argv[++a], &n_jobs_opt) < 0 || n_jobs_opt < 1 ||
			    n_jobs_opt > 64)
				return bench_cli_usage_error(cmd, "--jobs must be 1..64");
		} else if (strcmp(argv[a], "--suites") == 0) {
			a++;
			if (strcmp(argv[a], "standard") && strcmp(argv[a], "screening"))
				return bench_cli_usage_error(cmd,
							     "--suites is standard or screening");
			screening = strcmp(argv[a], "screening") == 0;
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
	n_jobs = n_jobs_opt ? (size_t)n_jobs_opt : cpus > 0 ? (size_t)cpus : 1;
	snprintf(logdir, sizeof(logdir), "%s/log", out);
	if ((mkdir(out, 0777) < 0 && errno != EEXIST) ||
	    (mkdir(logdir, 0777) < 0 && errno != EEXIST)) {
		bench_cli_error("qualify: cannot create %s: %s", logdir, strerror(errno));
		return BENCH_EXIT_ERROR;
	}
	snprintf(db, sizeof(db), "%s/qualify.db", out);
	snprintf(md_path, sizeof(md_path), "%s/qualify-matrix.md", out);
	snprintf(csv_path, sizeof(csv_path), "%s/qualify-matrix.csv", out);

	/* The conditions: per model, the good DUT over the seeds, then each applicable fault. */
	cap = bench_n_reference_duts * ((size_t)seeds + BENCH_ARRAY_SIZE(qualify_faults));
	jobs = calloc(cap, sizeof(*jobs));
	if (!jobs)
		return BENCH_EXIT_ERROR;
	for (i = 0; i < bench_n_reference_duts; i++) {
		const struct bench_reference_dut *d = &bench_reference_duts[i];

		if (model && strcmp(model, d->model) != 0)
			continue;
		for (k = 0; k < (size_t)seeds + BENCH_ARRAY_SIZE(qualify_faults); k++) {
			struct qualify_job *j = &jobs[n];
			char cond[64];
			int w;

			j->d = d;
			j->fd = -1;
			if (k < (size_t)seeds) {
				j->seed = k + 1;
			} else {
				j->fault = &qualify_faults[k - (size_t)seeds];
				j->seed = 1;
				if (!fault_applies(j->fault, d->model))
					continue;
			}
			job_serial(j->serial, sizeof(j->serial), d->serial, n);
			safe_name(cond, sizeof(cond), j->fault ? j->fault->spec : "good");
			w = snprintf(j->log, sizeof(j->log), "%s/%03zu-%s-%s-seed%" PRIu64 ".log",
				     logdir, n + 1, d->model, cond, j->seed);
			if (w < 0 || (size_t)w >= sizeof(j->log)) {
				bench_cli_error("qualify: --out %s is too long", out);
				free(jobs);
				return BENCH_EXIT_USAGE;
			}
			n++;
		}
	}
	printf("bcibench qualify: %zu conditions (%" PRIu64 " seeds per model, %s suites), "
	       "%zu at a time\n",
	       n, seeds, screening ? "screening" : "standard", n_jobs);
	run_all(jobs, n, n_jobs, db, screening);

	md = fopen(md_path, "w");
	csv = fopen(csv_path, "w");
	if (!md || !csv) {
		bench_cli_error("qualify: cannot write the matrix in %s: %s", out, strerror(errno));
		if (md)
			fclose(md);
		if (csv)
			fclose(csv);
		for (i = 0; i < n; i++) {
			bench_buf_free(&jobs[i].o.detail);
			bench_buf_free(&jobs[i].o.tests);
		}
		free(jobs);
		return BENCH_EXIT_ERROR;
	}
	fprintf(md,
		"# Bench qualification: detection matrix\n\n"
		"| DUT model | condition | expected | verdict | run | failed tests (value, limit) |\n"
		"|---|---|---|---|---|---|\n");
	fprintf(csv,
		"model,condition,expected,verdict,run_id,serial,caught_by,failed_tests,detail\n");
	for (i = 0; i < n; i++) {
		struct qualify_job *j = &jobs[i];
		struct bench_buf caught = BENCH_BUF_INIT;
		const char *verdict;

		if (j->fault)
			caught_by(j, jobs, n, &caught);
		verdict = j->fault && !caught.len ? "GAP" : rc_name(j->o.rc);

		if (i == 0 || j->d != jobs[i - 1].d)
			printf("== %s (%s suite %s)\n", j->d->model,
			       screening ? "screening" : "standard",
			       screening ? j->d->screen_suite : j->d->suite);
		if (!j->fault) {
			good_runs++;
			if (j->o.rc != BENCH_EXIT_PASS) {
				false_fails++;
				if (j->o.rc == BENCH_EXIT_ERROR)
					errors++;
			}
			printf("   good, seed %-4" PRIu64 "     %-5s %s\n", j->seed,
			       rc_name(j->o.rc), bench_buf_str(&j->o.detail));
			fprintf(md,
				"| %s | good, seed %" PRIu64 " | PASS | %s%s | %" PRId64
				" | %s |\n",
				j->d->model, j->seed, rc_name(j->o.rc),
				j->o.rc ? " (false fail)" : "", j->o.run_id,
				bench_buf_str(&j->o.detail));
			fprintf(csv,
				"%s,good seed %" PRIu64 ",PASS,%s,%" PRId64 ",%s,,\"%s\",\"%s\"\n",
				j->d->model, j->seed, rc_name(j->o.rc), j->o.run_id, j->serial,
				bench_buf_str(&j->o.tests), bench_buf_str(&j->o.detail));
		} else {
			fault_runs++;
			if (!caught.len)
				gaps++;
			printf("   %-26s %-5s %s%s%s\n", j->fault->spec, verdict,
			       caught.len ? "caught by " : "", bench_buf_str(&caught),
			       caught.len ? "" :
			       j->o.rc	  ? "only tests that also fail on the good DUT failed" :
					    "every test passed");
			fprintf(md, "| %s | %s | %s | %s | %" PRId64 " | %s%s%s |\n", j->d->model,
				j->fault->spec, j->fault->expect,
				caught.len   ? verdict :
				j->o.rc == 0 ? "PASS (GAP: not caught)" :
					       "GAP (masked: only tests failing on the good DUT)",
				j->o.run_id, bench_buf_str(&caught), caught.len ? ": " : "",
				bench_buf_str(&j->o.detail));
			fprintf(csv, "%s,%s,\"%s\",%s,%" PRId64 ",%s,\"%s\",\"%s\",\"%s\"\n",
				j->d->model, j->fault->spec, j->fault->expect, verdict, j->o.run_id,
				j->serial, bench_buf_str(&caught), bench_buf_str(&j->o.tests),
				bench_buf_str(&j->o.detail));
		}
		bench_buf_free(&caught);
	}
	for (i = 0; i < n; i++) {
		bench_buf_free(&jobs[i].o.detail);
		bench_buf_free(&jobs[i].o.tests);
	}
	free(jobs);
	fprintf(md,
		"\n%zu good-DUT runs, %zu false fails (%zu of them bench errors); "
		"%zu fault runs, %zu not caught.\n",
		good_runs, false_fails, errors, fault_runs, gaps);
	fclose(md);
	fclose(csv);

	printf("\n%zu good-DUT runs: %zu false fails; %zu seeded faults: %zu caught, %zu gaps\n",
	       good_runs, false_fails, fault_runs, fault_runs - gaps, gaps);
	printf("matrix: %s, %s; record: %s; run output: %s/ (%.1f s)\n", md_path, csv_path, db,
	       logdir, (double)(bench_clock_now_ns() - t0) * 1e-9);
	return false_fails || gaps ? BENCH_EXIT_FAIL : BENCH_EXIT_PASS;
}
