// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dossier and upload at the end of `bcibench run` (run-report.h): option parsing, the
 * checks done before the run, and the writing, queueing and sending done after it. The
 * run is already committed to the database when this runs: a failure here never loses it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/run-report.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/parse.h"
#include "reports/i18n.h"
#include "reports/sign.h"
#include "store/store.h"

void bench_cli_run_report_init(struct bench_cli_run_report *rr)
{
	memset(rr, 0, sizeof(*rr));
	rr->lang = "en";
	bench_net_upload_opts_init(&rr->up, NULL);
}

int bench_cli_run_report_parse(const struct bench_cli_command *cmd, struct bench_cli_run_report *rr,
			       int argc, char **argv, size_t *i)
{
	const char *a = argv[*i];
	const char **slot = strcmp(a, "--report-dir") == 0	 ? &rr->dir :
			    strcmp(a, "--xml") == 0		 ? &rr->xml :
			    strcmp(a, "--pdf") == 0		 ? &rr->pdf :
			    strcmp(a, "--junit") == 0		 ? &rr->junit :
			    strcmp(a, "--lang") == 0		 ? &rr->lang :
			    strcmp(a, "--sign-key") == 0	 ? &rr->sign_key :
			    strcmp(a, "--sign-cert") == 0	 ? &rr->sign_cert :
			    strcmp(a, "--upload-url") == 0	 ? &rr->up.url :
			    strcmp(a, "--upload-token-env") == 0 ? &rr->up.token_env :
			    strcmp(a, "--upload-cacert") == 0	 ? &rr->up.cacert :
								   NULL;
	bool header = strcmp(a, "--upload-header") == 0;
	bool retries = strcmp(a, "--upload-retries") == 0;
	bool delay = strcmp(a, "--upload-retry-delay-ms") == 0;
	int v;

	if (!slot && !header && !retries && !delay)
		return 0;
	if (*i + 1 >= (size_t)argc)
		return bench_cli_usage_error(cmd, "%s needs a value", a);
	(*i)++;
	if (slot) {
		*slot = argv[*i];
		return 1;
	}
	if (header) {
		if (rr->n_headers == BENCH_CLI_RUN_REPORT_MAX_HEADERS)
			return bench_cli_usage_error(cmd, "at most %d --upload-header options",
						     BENCH_CLI_RUN_REPORT_MAX_HEADERS);
		if (!strchr(argv[*i], ':'))
			return bench_cli_usage_error(cmd, "--upload-header wants 'Name: value'");
		rr->headers[rr->n_headers++] = argv[*i];
		rr->up.headers = rr->headers;
		rr->up.n_headers = rr->n_headers;
		return 1;
	}
	if (bench_parse_int(argv[*i], &v) < 0 || v < 0 || v > 600000)
		return bench_cli_usage_error(cmd, "%s: bad value '%s'", a, argv[*i]);
	if (retries)
		rr->up.retries = (unsigned)v;
	else
		rr->up.backoff_ms = (unsigned)v;
	return 1;
}

bool bench_cli_run_report_wanted(const struct bench_cli_run_report *rr)
{
	return rr->dir || rr->xml || rr->pdf || rr->junit || rr->up.url;
}

int bench_cli_run_report_check(const struct bench_cli_command *cmd,
			       const struct bench_cli_run_report *rr)
{
	enum bench_report_lang lang;
	char fp[BENCH_SHA256_HEX_LEN];
	int r;

	if (bench_report_lang_parse(rr->lang, &lang) < 0)
		return bench_cli_usage_error(cmd, "--lang must be en or zh-CN, not '%s'", rr->lang);
	if ((rr->sign_key != NULL) != (rr->sign_cert != NULL))
		return bench_cli_usage_error(cmd, "--sign-key and --sign-cert go together");
	if (rr->sign_key && !rr->xml && !rr->dir)
		return bench_cli_usage_error(cmd, "--sign-key signs the XML dossier: give --xml "
						  "or --report-dir");
	if (rr->sign_key && access(rr->sign_key, R_OK) != 0) {
		bench_cli_error("--sign-key %s: %s", rr->sign_key, strerror(errno));
		return BENCH_EXIT_USAGE;
	}
	if (rr->sign_cert) {
		r = bench_report_cert_fingerprint(rr->sign_cert, fp);
		if (r < 0) {
			bench_cli_error("--sign-cert %s: not a readable PEM certificate: %s",
					rr->sign_cert, bench_strerror(r));
			return BENCH_EXIT_USAGE;
		}
	}
	if (rr->dir && access(rr->dir, W_OK | X_OK) != 0) {
		bench_cli_error("--report-dir %s: %s", rr->dir, strerror(errno));
		return BENCH_EXIT_USAGE;
	}
	if (rr->up.url && strncmp(rr->up.url, "https://", 8) != 0 &&
	    strncmp(rr->up.url, "http://", 7) != 0)
		return bench_cli_usage_error(cmd, "--upload-url must be http:// or https://");
	if (!rr->up.url && (rr->up.token_env || rr->up.cacert || rr->n_headers))
		return bench_cli_usage_error(cmd, "--upload-* options need --upload-url");
	if (rr->up.token_env && !getenv(rr->up.token_env))
		return bench_cli_usage_error(cmd, "--upload-token-env %s: variable not set",
					     rr->up.token_env);
	return BENCH_EXIT_PASS;
}

/* @explicit, else DIR/<report id><suffix> when --report-dir is given, else NULL. */
static const char *out_path(const struct bench_cli_run_report *rr, const char *explicit,
			    const char *report_id, const char *suffix, struct bench_buf *b)
{
	if (explicit)
		return explicit;
	if (!rr->dir)
		return NULL;
	bench_buf_clear(b);
	if (bench_buf_appendf(b, "%s/%s%s", rr->dir, report_id, suffix) < 0)
		return NULL;
	return bench_buf_str(b);
}

/* Queues the written files of the run, then sends everything pending. Never fails the run. */
static void upload(const struct bench_cli_run_report *rr, struct bench_store *st, const char *db,
		   int64_t run_id, const char *const paths[3])
{
	static const char *const kinds[3] = { "dossier-xml", "dossier-pdf", "junit" };
	struct bench_net_flush_stats stats;
	int i, r;

	for (i = 0; i < 3; i++) {
		char abs[PATH_MAX];

		if (!paths[i])
			continue;
		if (!realpath(paths[i], abs)) {
			bench_cli_error("warning: %s: %s: not queued for upload", paths[i],
					strerror(errno));
			continue;
		}
		/* absolute: the outbox may be flushed later from another directory */
		r = bench_store_outbox_add(st, run_id, abs, kinds[i], NULL);
		if (r < 0)
			bench_cli_error("warning: %s: cannot queue %s: %s", db, abs,
					bench_strerror(r));
	}
	r = bench_net_outbox_flush(st, db, &rr->up, &stats);
	if (r < 0) {
		bench_cli_error("warning: %s: outbox: %s; the files stay queued", db,
				bench_strerror(r));
		return;
	}
	printf("uploaded %u file(s) to %s; %u still pending\n", stats.sent, rr->up.url,
	       stats.failed);
	if (stats.failed)
		bench_cli_error("warning: not delivered (kept in the outbox of %s, sent by the next "
				"run or 'bcibench upload'): %s",
				db, stats.first_error);
}

int bench_cli_run_report_finish(const struct bench_cli_run_report *rr, struct bench_store *st,
				const char *db, const char *run, int64_t run_id)
{
	struct bench_report_request req = { 0 };
	struct bench_report_summary sum;
	struct bench_buf bx = BENCH_BUF_INIT, bp = BENCH_BUF_INIT, bj = BENCH_BUF_INIT;
	char report_id[128];
	int r, rc = BENCH_EXIT_PASS;

	if (!bench_cli_run_report_wanted(rr))
		return BENCH_EXIT_PASS;
	/* The report id is "BCB-" and the run UUID (docs/dossier.md). */
	snprintf(report_id, sizeof(report_id), "BCB-%s", run);
	req.xml_path = out_path(rr, rr->xml, report_id, ".xml", &bx);
	req.pdf_path = out_path(rr, rr->pdf, report_id, ".pdf", &bp);
	req.junit_path = out_path(rr, rr->junit, report_id, "-junit.xml", &bj);
	req.sign_key = rr->sign_key;
	req.sign_cert = rr->sign_cert;
	if (bench_report_lang_parse(rr->lang, &req.lang) < 0)
		req.lang = BENCH_REPORT_LANG_EN;
	if (req.xml_path || req.pdf_path || req.junit_path) {
		r = bench_report_generate(db, run, &req, &sum);
		if (r < 0) {
			bench_cli_error("dossier of run %s: %s step failed: %s; the run is recorded "
					"in %s: 'bcibench report --db %s --run %s ...' writes it",
					run, sum.failed_step ? sum.failed_step : "?",
					bench_strerror(r), db, db, run);
			rc = BENCH_EXIT_ERROR;
			goto out;
		}
		if (req.xml_path)
			printf("wrote %s (%s, %s)\n", req.xml_path, sum.report_id,
			       req.sign_key ? "signed" : "not signed");
		if (req.pdf_path)
			printf("wrote %s (%u pages, %s)\n", req.pdf_path, sum.pdf_pages,
			       bench_report_lang_tag(req.lang));
		if (req.junit_path)
			printf("wrote %s\n", req.junit_path);
	}
	if (rr->up.url) {
		const char *const paths[3] = { req.xml_path, req.pdf_path, req.junit_path };

		fflush(stdout);
		upload(rr, st, db, run_id, paths);
	}
out:
	fflush(stdout);
	bench_buf_free(&bx);
	bench_buf_free(&bp);
	bench_buf_free(&bj);
	return rc;
}
