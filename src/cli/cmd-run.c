// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcibench run: the protocol runner. Loads the plan (a suite or protocol files, with the
 * DUT profile's claims), opens the results database, starts the emulated rig in-process
 * when the fixture's context is "sim:NAME" (unless --uri is given), opens the rig, and
 * hands everything to src/engine. Progress goes to stderr (a bar on a terminal, plain
 * lines otherwise); one verdict line per test goes to stdout.
 *
 * At the end, when asked (--report-dir, --xml, --pdf, --junit, --upload-url ...), the dossier
 * of the recorded run is written and uploaded through the outbox (cli/run-report.h); a
 * dossier that cannot be written is a bench error (exit 2) but the run stays recorded.
 *
 * `--seconds/--sine` selects the minimal raw path of src/hw (bench_cli_run_raw).
 * Exit: 0 all PASS, 1 a FAIL or MARGINAL, 2 ERROR/ABORTED or a bench error, 64 usage or
 * an invalid input file (protocol, suite, limits, profile, fixture, serial).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/efficiency.h"
#include "cli/hw-cli.h"
#include "cli/run-report.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/parse.h"
#include "engine/engine.h"
#include "engine/rig-io.h"
#include "fixture/fixture.h"
#include "sim/sim.h"

struct progress {
	bool tty;
	size_t last_len;
};

static void p_trial(void *ctx, size_t done, size_t total, const char *name, enum bench_verdict v)
{
	struct progress *pg = ctx;
	char bar[41];
	size_t i, fill = total ? done * 40 / total : 40;

	if (!pg->tty) {
		fprintf(stderr, "trial %zu/%zu %s: %s\n", done, total, name, bench_verdict_name(v));
		return;
	}
	for (i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu %-40.40s", bar, done, total, name);
	fflush(stderr);
	pg->last_len = 1;
}

static void p_test_end(void *ctx, size_t test, const char *name, enum bench_verdict v,
		       unsigned attempts, const char *detail)
{
	struct progress *pg = ctx;

	if (pg->tty && pg->last_len) {
		fputs("\r\033[K", stderr);
		pg->last_len = 0;
	}
	printf("%-8s %s (%s)\n", bench_verdict_name(v), name, detail);
	fflush(stdout);
	(void)test;
	(void)attempts;
}

struct run_args {
	const char *suite;
	const char **protocols;
	size_t n_protocols;
	const char *serial;
	const char *profile;
	const char *operator_login;
	const char *db;
	const char *resume;
	const char *limits_dir;
	uint64_t seed;
	bool has_seed;
	bool realtime; /* --pace realtime: the in-process emulated rig runs in real time */
	bool has_pace;
};

static int find_run_seed(void *ctx, const struct bench_store_run_row *row)
{
	*(uint64_t *)ctx = row->seed;
	return 0;
}

/* The UUID of a resumed run (the engine only fills it for a new run). */
static int find_run_uuid(void *ctx, const struct bench_store_run_row *row)
{
	snprintf(ctx, BENCH_STORE_UUID_LEN, "%s", row->uuid ? row->uuid : "");
	return 0;
}

static int wants_raw(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--sine") || !strcmp(argv[i], "--seconds") ||
		    !strcmp(argv[i], "--stimulus"))
			return 1;
	return 0;
}

int bench_cmd_run(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("run");
	struct bench_hw_cli_opts o;
	struct bench_hw_cli_session ses;
	struct run_args a = { 0 };
	struct bench_protocol_lib *lib = NULL;
	struct bench_plan *plan = NULL;
	struct bench_store *st = NULL;
	struct bench_sim *sim = NULL;
	struct bench_buf err = BENCH_BUF_INIT;
	struct bench_engine_rig_io rio;
	struct bench_cli_efficiency eff;
	char eff_line[256];
	struct bench_engine_options eo = { 0 };
	struct bench_engine_result res;
	struct progress pg = { 0 };
	struct bench_cli_run_report rr;
	const struct bench_dut_profile *prof;
	int64_t resume_id = 0;
	char sim_uri[64], sim_name[256];
	size_t i;
	int r, rc = BENCH_EXIT_ERROR;

	if (wants_raw(argc, argv))
		return bench_cli_run_raw(argc, argv); /* the minimal path of src/hw */
	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--slots") == 0)
			return bench_cli_run_slots(argc, argv); /* K DUTs at once: cmd-slots.c */

	bench_hw_cli_opts_init(&o);
	bench_cli_run_report_init(&rr);
	a.protocols = calloc((size_t)argc, sizeof(*a.protocols));
	if (!a.protocols)
		return BENCH_EXIT_ERROR;
	a.db = "bcibench.db";
	for (i = 1; i < (size_t)argc; i++) {
		const char *opt = argv[i];
		bool has_val = i + 1 < (size_t)argc;

		r = bench_hw_cli_parse_common(cmd, &o, argc, argv, &i);
		if (r > 0)
			continue;
		if (r < 0) {
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		r = bench_cli_run_report_parse(cmd, &rr, argc, argv, &i);
		if (r != 0) {
			if (r == 1)
				continue;
			rc = r;
			goto out;
		}
		if (!has_val) {
			rc = bench_cli_usage_error(cmd, "unknown or incomplete option '%s'", opt);
			goto out;
		}
		if (!strcmp(opt, "--suite")) {
			a.suite = argv[++i];
		} else if (!strcmp(opt, "--protocol")) {
			a.protocols[a.n_protocols++] = argv[++i];
		} else if (!strcmp(opt, "--dut-serial")) {
			a.serial = argv[++i];
		} else if (!strcmp(opt, "--dut-profile")) {
			a.profile = argv[++i];
		} else if (!strcmp(opt, "--operator")) {
			a.operator_login = argv[++i];
		} else if (!strcmp(opt, "--db")) {
			a.db = argv[++i];
		} else if (!strcmp(opt, "--resume")) {
			a.resume = argv[++i];
		} else if (!strcmp(opt, "--pace")) {
			i++;
			if (strcmp(argv[i], "fast") && strcmp(argv[i], "realtime")) {
				rc = bench_cli_usage_error(cmd, "--pace is fast or realtime");
				goto out;
			}
			a.realtime = !strcmp(argv[i], "realtime");
			a.has_pace = true;
		} else if (!strcmp(opt, "--limits-dir")) {
			a.limits_dir = argv[++i];
		} else if (!strcmp(opt, "--seed")) {
			if (bench_parse_u64(argv[++i], &a.seed) < 0) {
				rc = bench_cli_usage_error(cmd, "bad --seed '%s'", argv[i]);
				goto out;
			}
			a.has_seed = true;
		} else {
			rc = bench_cli_usage_error(cmd, "unknown option '%s'", opt);
			goto out;
		}
	}
	if (!o.fixture || !a.serial || (!a.suite == !a.n_protocols)) {
		rc = bench_cli_usage_error(
			cmd,
			"--fixture, --dut-serial and one of --suite or --protocol are required");
		goto out;
	}
	rc = bench_cli_run_report_check(cmd, &rr);
	if (rc != BENCH_EXIT_PASS)
		goto out;
	rc = BENCH_EXIT_ERROR;

	/* The plan: every input file checked before anything touches the rig. */
	if (bench_protocol_lib_new(a.limits_dir, &lib) < 0)
		goto out;
	if (a.profile && bench_protocol_lib_set_profile(lib, a.profile, &err) < 0) {
		fputs(bench_buf_str(&err), stderr);
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	prof = bench_protocol_lib_profile(lib);
	if (prof && bench_dut_profile_check_serial(prof, a.serial) < 0) {
		bench_cli_error("DUT serial '%s' does not match the serial format '%s' of %s",
				a.serial, prof->serial_format, prof->path);
		rc = BENCH_EXIT_USAGE;
		goto out;
	}

	r = bench_store_open(a.db, 0, &st);
	if (r < 0) {
		bench_cli_error("%s: %s", a.db, bench_strerror(r));
		goto out;
	}
	if (a.resume) {
		uint64_t stored = 0;

		r = bench_store_run_find(st, a.resume, &resume_id);
		if (r == 0)
			r = bench_store_run_get(st, resume_id, find_run_seed, &stored);
		if (r < 0) {
			bench_cli_error("--resume %s: %s", a.resume, bench_strerror(r));
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		if (a.has_seed && a.seed != stored) {
			bench_cli_error("--seed %" PRIu64 " differs from the seed %" PRIu64
					" of the run to resume",
					a.seed, stored);
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		a.seed = stored;
		a.has_seed = true;
	}
	if (!a.has_seed)
		a.seed = (uint64_t)bench_clock_wall_ns();
	bench_buf_clear(&err);
	r = a.suite ?
		    bench_plan_from_suite(lib, a.suite, a.seed, &err, &plan) :
		    bench_plan_from_protocols(lib, a.protocols, a.n_protocols, a.seed, &err, &plan);
	if (r < 0) {
		fputs(bench_buf_str(&err), stderr);
		rc = r == -EINVAL || r == -ENOENT ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
		goto out;
	}

	/* An emulated rig named by the fixture runs in this process. */
	if (!o.uri) {
		struct bench_fixture *fx = NULL;
		struct bench_fixture_error ferr;

		r = bench_fixture_load(o.fixture, 0, bench_fixture_today_days(), &fx, &ferr);
		if (r < 0) {
			fprintf(stderr, "%s\n", ferr.text);
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		if (bench_fixture_uri_is_sim(fx, sim_name, sizeof(sim_name))) {
			struct bench_sim_options so = { 0 };
			bool is_path = strstr(sim_name, ".rig.xml") != NULL;

			so.rig_path = is_path ? sim_name : NULL;
			so.dut_name = is_path ? NULL : sim_name;
			so.pace = a.realtime ? BENCH_SIM_PACE_REALTIME : BENCH_SIM_PACE_FAST;
			so.seed = a.seed;
			r = bench_sim_start(&so, &sim);
			if (r == 0)
				r = bench_sim_uri(sim, sim_uri, sizeof(sim_uri));
			if (r < 0) {
				bench_cli_error("cannot start the emulated rig '%s': %s", sim_name,
						bench_strerror(r));
				bench_fixture_free(fx);
				goto out;
			}
			o.uri = sim_uri;
		}
		bench_fixture_free(fx);
	}

	o.cal_db = a.db; /* DAC codes from the newest stored loopback calibration */
	rc = bench_hw_cli_begin(&o, &ses);
	if (rc != BENCH_EXIT_PASS)
		goto out;
	bench_engine_rig_io_init(&rio, ses.rig);
	pg.tty = isatty(STDERR_FILENO);
	eo.plan = plan;
	eo.store = st;
	bench_cli_efficiency_init(&eff, &rio.io);
	eo.io = &eff.io;
	eo.progress.ctx = &pg;
	eo.progress.trial_done = p_trial;
	eo.progress.test_end = p_test_end;
	eo.dut_serial = a.serial;
	eo.dut_model = prof ? prof->model : NULL;
	eo.dut_manufacturer = prof ? prof->manufacturer : NULL;
	eo.operator_login = a.operator_login;
	eo.fixture_path = o.fixture;
	eo.run_type = o.certification ? BENCH_STORE_RUN_CERTIFICATION :
		      plan->suite && !strcmp(plan->suite->purpose, "production") ?
					BENCH_STORE_RUN_PRODUCTION :
					BENCH_STORE_RUN_ENGINEERING;
	eo.resume_run_id = resume_id;
	eo.calibration_ids = ses.cal_ids; /* the records bench_hw_cli_begin() put in force */
	eo.n_calibration_ids = ses.n_cal_ids;
	r = bench_engine_run(&eo, &res);
	bench_cli_efficiency_stop(&eff);
	if (r < 0 && r != -ECANCELED) {
		bench_cli_error("run failed: %s", bench_strerror(r));
		rc = bench_hw_cli_end(&ses, BENCH_EXIT_ERROR);
		goto out;
	}
	printf("run %s (id %" PRId64 ", seed %" PRIu64 "): %s - %zu tests: %zu pass, %zu marginal, "
	       "%zu fail, %zu error%s; %zu trials run, %zu taken from the record; database %s\n",
	       res.uuid[0] ? res.uuid : a.resume, res.run_id, a.seed,
	       bench_verdict_name(res.verdict), res.n_tests, res.n_verdicts[BENCH_VERDICT_PASS],
	       res.n_verdicts[BENCH_VERDICT_MARGINAL], res.n_verdicts[BENCH_VERDICT_FAIL],
	       res.n_verdicts[BENCH_VERDICT_ERROR], r == -ECANCELED ? " (aborted)" : "",
	       res.trials_run, res.trials_resumed, a.db);
	/* Wall time over stimulus time (efficiency.h); a --uri rig's pace is what --pace says. */
	if (eff.n_trials) {
		const char *pace = a.has_pace	    ? (a.realtime ? "realtime" : "fast") :
				   o.uri == sim_uri ? "fast" :
						      "rig";

		bench_cli_efficiency_format(&eff, pace, eff_line, sizeof(eff_line));
		printf("%s\n", eff_line);
		bench_buf_clear(&err);
		if (bench_cli_efficiency_breakdown(&eff, pace, &rio.times, &res, &err) == 0)
			fputs(bench_buf_str(&err), stdout);
		bench_cli_efficiency_record(&eff, pace, st, res.run_id);
	}
	fflush(stdout);
	rc = bench_hw_cli_end(&ses, bench_verdict_exit_code(res.verdict));
	if (bench_cli_run_report_wanted(&rr) && res.run_id) {
		if (!res.uuid[0])
			bench_store_run_get(st, res.run_id, find_run_uuid, res.uuid);
		if (bench_cli_run_report_finish(&rr, st, a.db, res.uuid[0] ? res.uuid : a.resume,
						res.run_id) != BENCH_EXIT_PASS)
			rc = BENCH_EXIT_ERROR;
	}
out:
	bench_sim_stop(sim);
	bench_store_close(st);
	bench_plan_free(plan);
	bench_protocol_lib_free(lib);
	bench_buf_free(&err);
	free(a.protocols);
	return rc;
}
