// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench report --db F --run ID [--xml F] [--pdf F] [--junit F] [--lang en|zh-CN]
 * [--sign-key K --sign-cert C] [--queue]`: the dossier of a recorded run, built from the
 * database alone (reports/load.h). The XML is validated before it is written; an invalid
 * dossier is a bench error (exit 2). --queue puts the written files in the database's
 * outbox for `bcibench upload`. Exit: 0 written, 2 bench error, 64 usage / no such run.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "reports/i18n.h"
#include "reports/report.h"
#include "store/store.h"

static int queue(const char *db, int64_t run_id, const char *const paths[3],
		 const char *const kinds[3])
{
	struct bench_store *st;
	int i, r;

	r = bench_store_open(db, BENCH_STORE_OPEN_EXISTING, &st);
	if (r < 0) {
		bench_cli_error("%s: cannot open for the outbox: %s", db, bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	for (i = 0; i < 3 && r == 0; i++) {
		char abs[PATH_MAX];

		if (!paths[i])
			continue;
		if (!realpath(paths[i], abs)) {
			r = -errno;
			bench_cli_error("%s: %s", paths[i], strerror(errno));
			break;
		}
		/* absolute: the outbox may be flushed from another directory */
		r = bench_store_outbox_add(st, run_id, abs, kinds[i], NULL);
		if (r < 0)
			bench_cli_error("%s: cannot queue %s: %s", db, paths[i], bench_strerror(r));
		else
			printf("queued %s for upload\n", paths[i]);
	}
	bench_store_close(st);
	return r < 0 ? BENCH_EXIT_ERROR : BENCH_EXIT_PASS;
}

int bench_cmd_report(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("report");
	const char *db = getenv("BCIBENCH_DB"), *run = NULL, *lang_s = "en";
	struct bench_report_request req = { 0 };
	struct bench_report_summary sum;
	bool do_queue = false;
	int i, r;

	if (!db || !db[0])
		db = "bcibench.db";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--db") == 0	  ? &db :
				    strcmp(a, "--run") == 0	  ? &run :
				    strcmp(a, "--xml") == 0	  ? &req.xml_path :
				    strcmp(a, "--pdf") == 0	  ? &req.pdf_path :
				    strcmp(a, "--junit") == 0	  ? &req.junit_path :
				    strcmp(a, "--lang") == 0	  ? &lang_s :
				    strcmp(a, "--sign-key") == 0  ? &req.sign_key :
				    strcmp(a, "--sign-cert") == 0 ? &req.sign_cert :
								    NULL;

		if (strcmp(a, "--queue") == 0) {
			do_queue = true;
			continue;
		}
		if (!slot)
			return bench_cli_usage_error(cmd, "unexpected argument '%s'", a);
		if (i + 1 >= argc)
			return bench_cli_usage_error(cmd, "%s needs a value", a);
		*slot = argv[++i];
	}
	if (!run)
		return bench_cli_usage_error(cmd, "--run ID is required");
	if (!req.xml_path && !req.pdf_path && !req.junit_path)
		return bench_cli_usage_error(cmd, "nothing to write: give --xml, --pdf or --junit");
	if ((req.sign_key != NULL) != (req.sign_cert != NULL))
		return bench_cli_usage_error(cmd, "--sign-key and --sign-cert go together");
	if (req.sign_key && !req.xml_path)
		return bench_cli_usage_error(cmd, "--sign-key signs the XML dossier: give --xml");
	if (bench_report_lang_parse(lang_s, &req.lang) < 0)
		return bench_cli_usage_error(cmd, "--lang must be en or zh-CN, not '%s'", lang_s);

	r = bench_report_generate(db, run, &req, &sum);
	if (r < 0) {
		const char *step = sum.failed_step ? sum.failed_step : "?";

		bench_cli_error("%s: run %s: %s step failed: %s", db, run, step, bench_strerror(r));
		if (strcmp(step, "request") == 0)
			return BENCH_EXIT_USAGE;
		if (strcmp(step, "load") == 0)
			return r == -ENOENT || r == -EINVAL ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
		/* a key file that does not exist is the user's; an invalid dossier is ours */
		return r == -ENOENT ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	}
	if (req.xml_path)
		printf("wrote %s (%s, %s)\n", req.xml_path, sum.report_id,
		       req.sign_key ? "signed" : "not signed");
	if (req.pdf_path)
		printf("wrote %s (%u pages, %s)\n", req.pdf_path, sum.pdf_pages,
		       bench_report_lang_tag(req.lang));
	if (req.junit_path)
		printf("wrote %s\n", req.junit_path);
	printf("run %lld: %zu tests, overall verdict %s\n", (long long)sum.run_id, sum.n_tests,
	       bench_dossier_verdict_name(sum.verdict));
	if (do_queue) {
		const char *const paths[3] = { req.xml_path, req.pdf_path, req.junit_path };
		const char *const kinds[3] = { "dossier-xml", "dossier-pdf", "junit" };

		return queue(db, sum.run_id, paths, kinds);
	}
	return BENCH_EXIT_PASS;
}
