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
#include "common/clock.h"
#include "common/error.h"
#include "reports/i18n.h"
#include "reports/junit.h"
#include "reports/load.h"
#include "reports/pdf.h"
#include "reports/sign.h"
#include "reports/xml.h"
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
	const char *db = getenv("BCIBENCH_DB"), *run = NULL, *xml = NULL, *pdf = NULL;
	const char *junit = NULL, *key = NULL, *cert = NULL, *lang_s = "en";
	struct bench_report_pdf_opts opts = { BENCH_REPORT_LANG_EN, NULL };
	char fp[BENCH_SHA256_HEX_LEN];
	struct bench_dossier *d;
	bool do_queue = false;
	unsigned pages = 0;
	int i, r, rc = BENCH_EXIT_PASS;

	if (!db || !db[0])
		db = "bcibench.db";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = strcmp(a, "--db") == 0	  ? &db :
				    strcmp(a, "--run") == 0	  ? &run :
				    strcmp(a, "--xml") == 0	  ? &xml :
				    strcmp(a, "--pdf") == 0	  ? &pdf :
				    strcmp(a, "--junit") == 0	  ? &junit :
				    strcmp(a, "--lang") == 0	  ? &lang_s :
				    strcmp(a, "--sign-key") == 0  ? &key :
				    strcmp(a, "--sign-cert") == 0 ? &cert :
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
	if (!xml && !pdf && !junit)
		return bench_cli_usage_error(cmd, "nothing to write: give --xml, --pdf or --junit");
	if ((key != NULL) != (cert != NULL))
		return bench_cli_usage_error(cmd, "--sign-key and --sign-cert go together");
	if (key && !xml)
		return bench_cli_usage_error(cmd, "--sign-key signs the XML dossier: give --xml");
	if (bench_report_lang_parse(lang_s, &opts.lang) < 0)
		return bench_cli_usage_error(cmd, "--lang must be en or zh-CN, not '%s'", lang_s);
	if (cert) {
		r = bench_report_cert_fingerprint(cert, fp);
		if (r < 0) {
			bench_cli_error("%s: not a readable PEM certificate: %s", cert,
					bench_strerror(r));
			return BENCH_EXIT_USAGE;
		}
		opts.signature_fingerprint = fp;
	}

	r = bench_report_load(db, run, bench_clock_wall_ns(), &d);
	if (r < 0) {
		bench_cli_error("%s: cannot build the dossier of run %s: %s", db, run,
				bench_strerror(r));
		return r == -ENOENT || r == -EINVAL ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	}
	if (xml) {
		r = bench_report_write_xml(d, xml, key, cert);
		if (r < 0) {
			/* an invalid dossier is the bench's fault, never the user's input */
			bench_cli_error("%s: dossier not written: %s", xml, bench_strerror(r));
			rc = r == -ENOENT ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
			goto out;
		}
		printf("wrote %s (%s%s)\n", xml, d->report_id, key ? ", signed" : ", not signed");
	}
	if (pdf) {
		r = bench_report_write_pdf(d, pdf, &opts, &pages);
		if (r < 0) {
			bench_cli_error("%s: PDF not written: %s", pdf, bench_strerror(r));
			rc = BENCH_EXIT_ERROR;
			goto out;
		}
		printf("wrote %s (%u pages, %s)\n", pdf, pages, bench_report_lang_tag(opts.lang));
	}
	if (junit) {
		r = bench_report_write_junit(d, junit, xml);
		if (r < 0) {
			bench_cli_error("%s: JUnit not written: %s", junit, bench_strerror(r));
			rc = BENCH_EXIT_ERROR;
			goto out;
		}
		printf("wrote %s\n", junit);
	}
	printf("run %lld: %zu tests, overall verdict %s\n", (long long)d->run_id, d->n_tests,
	       bench_dossier_verdict_name(d->verdict));
	if (do_queue) {
		const char *const paths[3] = { xml, pdf, junit };
		const char *const kinds[3] = { "dossier-xml", "dossier-pdf", "junit" };

		rc = queue(db, d->run_id, paths, kinds);
	}
out:
	bench_dossier_free(d);
	return rc;
}
