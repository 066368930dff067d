// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dossiers from the results database alone: a run is recorded through the store's writer API
 * (identities, calibration, protocol XML, three tests, a retest, file and inline artifacts
 * including plot CSVs, events), then bench_report_load() and `bcibench report` / `verify`
 * are checked against it, with xmllint and xmlsec1 as independent checkers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "reports/load.h"
#include "reports/verify.h"
#include "reports/xml.h"
#include "store/store.h"

extern char **environ;

static char dir[64], db[128], src_root[512];
static int64_t run_id;
static char uuid[BENCH_STORE_UUID_LEN];

static const char protocol_xml[] =
	"<?xml version=\"1.0\"?>\n<protocol id=\"eeg-a1-input-noise\" version=\"1.0.0\">"
	"<title>Input-referred noise</title>"
	"<description>Inputs tied to reference; largest peak-to-valley over 1 s windows."
	"</description><stimulus rate-hz=\"1000\" duration-s=\"10\"><source model=\"silence\" "
	"channels=\"all\"/></stimulus></protocol>\n";

#define T0 INT64_C(1795294800000000000)

static int run_cmd(const char *out, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *p(const char *name)
{
	static char b[4][300];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof(b[k]), "%s/%s", dir, name);
	return b[k];
}

static const char *keyf(const char *name)
{
	static char b[2][600];
	static int k;

	k = (k + 1) % 2;
	snprintf(b[k], sizeof(b[k]), "%s/fixtures/keys/%s", src_root, name);
	return b[k];
}

static void write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(data, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	struct bench_buf b = BENCH_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "%s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		bench_buf_append(&b, chunk, n);
	fclose(f);
	bench_buf_append(&b, "", 0);
	return bench_buf_steal(&b, NULL);
}

static struct bench_store_measurement meas(const char *name, double v, const char *unit, double lo,
					   double hi, const char *cmp, const char *rule,
					   const char *verdict)
{
	struct bench_store_measurement m = {
		.name = name,
		.value = v,
		.unit = unit,
		.u = 0.2,
		.u_expanded = 0.4,
		.k = 2,
		.limit_low = lo,
		.limit_high = hi,
		.comparator = cmp,
		.marginal_low = NAN,
		.marginal_high = NAN,
		.decision_rule = rule,
		.verdict = verdict,
		.evidence = "S",
		.clause = "201.12.1.101.3",
	};
	return m;
}

/* Records a complete three-test run; @finish false leaves it `running` (incomplete). */
static void record(bool finish)
{
	struct bench_store *st;
	struct bench_store_station sta = { "bench-3", "host1", "Suzhou EMC lab, room 2", NULL };
	struct bench_store_operator op = { "liwei", "Li Wei", "technician" };
	struct bench_store_dut dut = { "Acme Neuro", "EEG-32", "SN-DB-0001", "2.4.1", "rev C" };
	struct bench_store_protocol pr = { "eeg-a1-input-noise",
					   "1.0.0",
					   "Input-referred noise",
					   "IEC 80601-2-26",
					   "2019",
					   "201.12.1.101.3",
					   protocol_xml,
					   sizeof(protocol_xml) - 1 };
	int64_t station, oper, dutid, fix, proto, instr, cal, test;
	struct bench_store_run_info info = { 0 };
	struct bench_buf rd = BENCH_BUF_INIT;
	const char *fixture = "<fixture name=\"sim\"/>";
	int i;

	cr_assert_eq(bench_store_open(db, 0, &st), 0);
	cr_assert_eq(bench_store_add_station(st, &sta, &station), 0);
	cr_assert_eq(bench_store_add_operator(st, &op, &oper), 0);
	cr_assert_eq(bench_store_add_dut(st, &dut, &dutid), 0);
	cr_assert_eq(bench_store_add_fixture(st, "sim-eeg", fixture, strlen(fixture), &fix), 0);
	cr_assert_eq(bench_store_add_protocol(st, &pr, &proto), 0);
	{
		struct bench_store_instrument in = { station,  "dac",	   "Analog Devices",
						     "AD5791", "DAC-7781", NULL };
		struct bench_store_calibration c = {
			0,   "stim0",	    1.0002,	     -3.1,	   "uV",	1e-5,
			0.4, "certificate", "CAL-2026-0815", "2026-08-15", "2027-08-15"
		};

		cr_assert_eq(bench_store_add_instrument(st, &in, &instr), 0);
		c.instrument_id = instr;
		cr_assert_eq(bench_store_add_calibration(st, &c, &cal), 0);
	}
	info.run_type = BENCH_STORE_RUN_CERTIFICATION;
	info.station_id = station;
	info.operator_id = oper;
	info.dut_id = dutid;
	info.fixture_id = fix;
	info.seed = 77;
	info.slot = -1;
	info.calibration_ids = &cal;
	info.n_calibrations = 1;
	cr_assert_eq(bench_store_run_begin(st, &info, &run_id, uuid), 0);
	cr_assert_eq(bench_store_run_dir(st, run_id, &rd), 0);
	{
		struct bench_buf cmd = BENCH_BUF_INIT;
		char *const mk[] = { "mkdir", "-p", (char *)bench_buf_str(&rd), NULL };

		cr_assert_eq(run_cmd(NULL, mk), 0);
		bench_buf_appendf(&cmd, "%s/capture.bin", bench_buf_str(&rd));
		write_file(bench_buf_str(&cmd), "raw capture bytes\n");
		bench_buf_clear(&cmd);
		bench_buf_appendf(&cmd, "%s/overlay.csv", bench_buf_str(&rd));
		write_file(bench_buf_str(&cmd), "series,x,y\nstimulus,0,0\nstimulus,0.001,1\n"
						"stimulus,0.002,0\nresponse,0,0.1\nresponse,0.001,"
						"1.1\nresponse,0.002,0.1\n");
		bench_buf_free(&cmd);
	}

	for (i = 0; i < 3; i++) {
		static const char *const names[] = { "Input noise", "Gain", "Crosstalk" };
		static const char *const verdicts[] = { "PASS", "MARGINAL", "FAIL" };
		struct bench_store_measurement m[1];
		struct bench_store_trial tr = { 0 };
		struct bench_store_artifact art[2];
		struct bench_store_event ev = { "safe_state", "engine", "DAC to 0", 0,
						BENCH_STORE_NO_TIME };
		static const char psd[] = "series,x,y\nDUT,1,-20\nDUT,10,-25\nDUT,100,-30\n";

		cr_assert_eq(bench_store_test_begin(st, run_id, proto, i, names[i], &test), 0);
		tr.seed = 1000 + (uint64_t)i;
		tr.start_wall_ns = T0 + i * INT64_C(1000000000);
		tr.end_wall_ns = tr.start_wall_ns + 500000000;
		if (i == 2) {
			/* a failed first attempt, retested: only the last attempt is reported */
			m[0] = meas("crosstalk", -50, "dB", NAN, -60, "LE", "simple", "FAIL");
			tr.attempt = 1;
			tr.status = "FAIL";
			tr.measurements = m;
			tr.n_measurements = 1;
			cr_assert_eq(bench_store_trial_commit(st, test, &tr, NULL), 0);
			m[0] = meas("crosstalk", -54, "dB", NAN, -60, "LE", "simple", "FAIL");
			tr.attempt = 2;
		} else {
			m[0] = meas(i == 0 ? "noise_p2v" : "gain_error", i == 0 ? 3.1 : 4.8,
				    i == 0 ? "uV" : "%", i == 0 ? NAN : -5, i == 0 ? 6 : 5,
				    i == 0 ? "LE" : "GELE", i == 0 ? "guarded" : "guarded",
				    verdicts[i]);
			tr.attempt = 1;
		}
		tr.status = verdicts[i];
		tr.measurements = m;
		tr.n_measurements = 1;
		if (i == 0) {
			art[0] = (struct bench_store_artifact){ "capture", "capture.bin", NULL, 0,
								"application/octet-stream" };
			art[1] = (struct bench_store_artifact){ "plot-psd", NULL, psd,
								sizeof(psd) - 1, "text/csv" };
			tr.artifacts = art;
			tr.n_artifacts = 2;
			tr.events = &ev;
			tr.n_events = 1;
		} else if (i == 1) {
			art[0] = (struct bench_store_artifact){ "plot-overlay", "overlay.csv", NULL,
								0, "text/csv" };
			tr.artifacts = art;
			tr.n_artifacts = 1;
		}
		cr_assert_eq(bench_store_trial_commit(st, test, &tr, NULL), 0);
		if (finish || i < 2)
			cr_assert_eq(bench_store_test_end(st, test, verdicts[i]), 0);
	}
	if (finish)
		cr_assert_eq(bench_store_run_set_status(st, run_id, BENCH_STORE_RUN_FAILED,
							"crosstalk out of limit"),
			     0);
	bench_buf_free(&rd);
	bench_store_close(st);
}

static void setup(void)
{
	const char *s = getenv("BCIBENCH_SOURCE_ROOT");

	snprintf(dir, sizeof(dir), "/tmp/bcibench-report-db-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/results.db", dir);
	snprintf(src_root, sizeof(src_root), "%s", s ? s : ".");
}

static void teardown(void)
{
	char *const argv[] = { "rm", "-rf", dir, NULL };

	run_cmd(NULL, argv);
}

TestSuite(report_db, .init = setup, .fini = teardown);

Test(report_db, dossier_is_built_from_the_database_alone)
{
	struct bench_dossier *d;
	char rid[64];

	record(true);
	cr_assert_eq(bench_report_load(db, "1", T0 + INT64_C(7200000000000), &d), 0);
	snprintf(rid, sizeof(rid), "BCB-%s", uuid);
	cr_expect_str_eq(d->report_id, rid);
	cr_expect_str_eq(d->dut_serial, "SN-DB-0001");
	cr_expect_str_eq(d->dut_manufacturer, "Acme Neuro");
	cr_expect_str_eq(d->lab_name, "Suzhou EMC lab, room 2");
	cr_expect_str_eq(d->operator_name, "Li Wei (liwei)");
	cr_assert_eq(d->n_instruments, 1);
	cr_expect_str_eq(d->instruments[0].cal_cert, "CAL-2026-0815");
	cr_expect_str_eq(d->instruments[0].cal_due, "2027-08-15");
	cr_expect_eq(d->instruments[0].cal_status, BENCH_DOSSIER_CAL_VALID);
	cr_assert_eq(d->n_protocols, 1);
	cr_expect_str_eq(d->protocols[0].standard, "IEC 80601-2-26:2019");
	cr_expect(strstr(d->protocols[0].method, "peak-to-valley") != NULL);
	cr_expect_eq(d->protocols[0].n_stimulus, 4,
		     "rate-hz, duration-s, source.model, "
		     "source.channels");
	cr_expect_eq(d->protocols[0].seed, 1000);
	cr_assert_eq(d->n_tests, 3);
	cr_expect_eq(d->tests[0].verdict, BENCH_DOSSIER_PASS);
	cr_expect_eq(d->tests[1].verdict, BENCH_DOSSIER_MARGINAL);
	cr_expect_eq(d->tests[2].verdict, BENCH_DOSSIER_FAIL);
	cr_expect_eq(d->tests[2].attempts, 2);
	cr_assert_eq(d->tests[2].n_meas, 1, "only the last attempt");
	cr_expect_float_eq(d->tests[2].meas[0].value, -54, 1e-12);
	cr_expect_eq(d->tests[2].meas[0].cmp, BENCH_DOSSIER_CMP_LE);
	cr_expect_eq(d->tests[0].meas[0].rule, BENCH_DOSSIER_RULE_GUARDED);
	cr_assert_eq(d->tests[0].n_plots, 1);
	cr_expect_eq(d->tests[0].plots[0].kind, BENCH_DOSSIER_PLOT_PSD);
	cr_expect_eq(d->tests[0].plots[0].series[0].n, 3);
	cr_assert_eq(d->tests[1].n_plots, 1);
	cr_expect_eq(d->tests[1].plots[0].n_series, 2, "stimulus and response");
	cr_expect_eq(d->n_artifacts, 3);
	cr_expect_eq(d->verdict, BENCH_DOSSIER_FAIL);
	{
		size_t i, retest = 0, safe = 0;

		for (i = 0; i < d->n_events; i++) {
			retest += strcmp(d->events[i].kind, "retest") == 0;
			safe += strcmp(d->events[i].kind, "safe-state") == 0;
		}
		cr_expect_eq(retest, 1);
		cr_expect_eq(safe, 1);
	}
	cr_expect(strstr(d->decision_rule, "7.8.6") != NULL);
	bench_dossier_free(d);
}

Test(report_db, incomplete_run_is_never_pass)
{
	struct bench_dossier *d;

	record(false);
	cr_assert_eq(bench_report_load(db, uuid, T0, &d), 0);
	cr_expect_eq(d->tests[2].verdict, BENCH_DOSSIER_ERROR, "a test that never ended");
	cr_expect_eq(d->verdict, BENCH_DOSSIER_ERROR);
	bench_dossier_free(d);
}

Test(report_db, unknown_run_and_missing_database_are_reported)
{
	struct bench_dossier *d = NULL;

	record(true);
	cr_expect_eq(bench_report_load(db, "99", T0, &d), -ENOENT);
	cr_expect_eq(bench_report_load(db, "zz", T0, &d), -EINVAL);
	cr_expect_eq(bench_report_load(p("none.db"), "1", T0, &d), -ENOENT);
	cr_expect_null(d);
}

Test(report_db, cli_report_then_verify_with_xmlsec1_and_tamper)
{
	const char *bin = getenv("BCIBENCH");
	char xsd[600];
	char *out;

	cr_assert_not_null(bin);
	record(true);
	{
		char *const argv[] = { (char *)bin,   "report",
				       "--db",	      db,
				       "--run",	      "1",
				       "--xml",	      (char *)p("d.xml"),
				       "--pdf",	      (char *)p("d.pdf"),
				       "--junit",     (char *)p("j.xml"),
				       "--lang",      "zh-CN",
				       "--sign-key",  (char *)keyf("test-signer-ec.key"),
				       "--sign-cert", (char *)keyf("test-signer-ec.crt"),
				       NULL };

		const char *asan = getenv("ASAN_OPTIONS");
		char *saved = asan ? strdup(asan) : NULL;
		int rc;

		/*
		 * The Chinese PDF makes cairo 1.16 leak inside its CJK font subsetter; the
		 * suppression in tests/lsan.supp needs slow unwinding to see cairo's frames.
		 * Only this one child pays for it.
		 */
		setenv("ASAN_OPTIONS",
		       "abort_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=16",
		       1);
		rc = run_cmd(p("report.txt"), argv);
		if (saved)
			setenv("ASAN_OPTIONS", saved, 1);
		else
			unsetenv("ASAN_OPTIONS");
		free(saved);
		cr_assert_eq(rc, 0, "%s", slurp(p("report.txt")));
	}
	snprintf(xsd, sizeof(xsd), "%s/schemas/dossier.xsd", src_root);
	{
		char *const argv[] = { "xmllint", "--noout",	      "--schema",
				       xsd,	  (char *)p("d.xml"), NULL };

		cr_expect_eq(run_cmd(NULL, argv), 0, "xmllint rejects the dossier");
	}
	{
		char *const argv[] = { "xmlsec1",	   "--verify",
				       "--trusted-pem",	   (char *)keyf("test-signer-ec.crt"),
				       (char *)p("d.xml"), NULL };

		cr_expect_eq(run_cmd(NULL, argv), 0, "xmlsec1 rejects the dossier");
	}
	{
		char *const argv[] = { (char *)bin,
				       "verify",
				       (char *)p("d.xml"),
				       "--trusted-pem",
				       (char *)keyf("test-signer-ec.crt"),
				       NULL };

		cr_expect_eq(run_cmd(p("verify.txt"), argv), 0, "%s", slurp(p("verify.txt")));
	}
	{
		char *const argv[] = { (char *)bin, "verify", "--db", db, NULL };

		cr_expect_eq(run_cmd(NULL, argv), 0, "verify --db must reach the store");
	}
	{
		char *const argv[] = { "pdftotext",	   "-enc", "UTF-8", (char *)p("d.pdf"),
				       (char *)p("d.txt"), NULL };

		cr_assert_eq(run_cmd(NULL, argv), 0);
	}
	out = slurp(p("d.txt"));
	cr_expect(strstr(out, "SN-DB-0001") != NULL);
	cr_expect(strstr(out, "认证测试报告") != NULL);
	cr_expect(strstr(out, "Crosstalk") != NULL);
	cr_expect(strstr(out, uuid) != NULL);
	free(out);

	/* change one byte of the signed file: a measured value */
	out = slurp(p("d.xml"));
	{
		char *v = strstr(out, "value=\"-54\"");

		cr_assert_not_null(v);
		v[8] = '3';
		write_file(p("d.xml"), out);
	}
	free(out);
	{
		char *const argv[] = { (char *)bin, "verify", (char *)p("d.xml"), NULL };

		cr_expect_eq(run_cmd(NULL, argv), 1, "a changed dossier must fail verify");
	}
	{
		char *const argv[] = { "xmlsec1",	   "--verify",
				       "--trusted-pem",	   (char *)keyf("test-signer-ec.crt"),
				       (char *)p("d.xml"), NULL };

		cr_expect_neq(run_cmd(NULL, argv), 0, "xmlsec1 accepts a changed dossier");
	}
}

Test(report_db, cli_usage_errors)
{
	const char *bin = getenv("BCIBENCH");

	cr_assert_not_null(bin);
	record(true);
	{
		char *const argv[] = { (char *)bin, "report", "--db", db, "--run", "1", NULL };

		cr_expect_eq(run_cmd(NULL, argv), 64, "no output asked for");
	}
	{
		char *const argv[] = { (char *)bin, "report",		"--db", db, "--run", "42",
				       "--xml",	    (char *)p("x.xml"), NULL };

		cr_expect_eq(run_cmd(NULL, argv), 64, "no such run");
	}
	{
		char *const argv[] = { (char *)bin, "report", "--db",  db,
				       "--run",	    "1",      "--pdf", (char *)p("x.pdf"),
				       "--lang",    "fr",     NULL };

		cr_expect_eq(run_cmd(NULL, argv), 64, "unknown language");
	}
	{
		char *const argv[] = { (char *)bin, "verify", (char *)p("missing.xml"), NULL };

		cr_expect_eq(run_cmd(NULL, argv), 64);
	}
}

static int count_row(void *ctx, const struct bench_store_outbox_row *row)
{
	cr_expect(row->path[0] == '/', "outbox paths are absolute: %s", row->path);
	cr_expect_eq(row->run_id, run_id);
	(*(int *)ctx)++;
	return 0;
}

Test(report_db, queue_puts_every_written_file_in_the_outbox)
{
	const char *bin = getenv("BCIBENCH");
	struct bench_store *st;
	int n = 0;

	cr_assert_not_null(bin);
	record(true);
	{
		char *const argv[] = { (char *)bin, "report",
				       "--db",	    db,
				       "--run",	    "1",
				       "--xml",	    (char *)p("q.xml"),
				       "--pdf",	    (char *)p("q.pdf"),
				       "--junit",   (char *)p("qj.xml"),
				       "--queue",   NULL };

		cr_assert_eq(run_cmd(p("q.txt"), argv), 0, "%s", slurp(p("q.txt")));
	}
	cr_assert_eq(bench_store_open(db, BENCH_STORE_OPEN_EXISTING, &st), 0);
	cr_assert_eq(bench_store_outbox_pending(st, count_row, &n), 0);
	bench_store_close(st);
	cr_expect_eq(n, 3);
}

Test(report_db, invalid_dossier_is_a_bench_error_and_nothing_is_written)
{
	const char *bin = getenv("BCIBENCH");

	cr_assert_not_null(bin);
	record(true);
	{
		/* a record the schema refuses: an evidence tag that is not S, S* or E */
		char *const argv[] = { "sqlite3", db, "UPDATE measurement SET evidence = 'X'",
				       NULL };

		cr_assert_eq(run_cmd(NULL, argv), 0);
	}
	{
		char *const argv[] = { (char *)bin, "report", "--db",  db,
				       "--run",	    "1",      "--xml", (char *)p("bad.xml"),
				       NULL };

		cr_expect_eq(run_cmd(p("bad.txt"), argv), 2, "%s", slurp(p("bad.txt")));
	}
	cr_expect_eq(access(p("bad.xml"), F_OK), -1, "an invalid dossier must not be written");
	{
		char *log = slurp(p("bad.txt"));

		cr_expect(strstr(log, "evidence") != NULL, "the XSD error is reported: %s", log);
		free(log);
	}
}
