/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One call for "write the dossier of this run": load from the database (load.h), then the
 * XML (validated, optionally signed), the PDF and JUnit, in that order. Used by
 * `bcibench report` and meant for the end of `bcibench run` (the engine), followed by
 * bench_net_outbox_flush() (net/upload.h) when uploading is configured.
 */
#ifndef BENCH_REPORTS_REPORT_H
#define BENCH_REPORTS_REPORT_H

#include <stdint.h>

#include "reports/dossier.h"
#include "reports/i18n.h"

struct bench_report_request {
	const char *xml_path;	/* NULL: no XML */
	const char *pdf_path;	/* NULL: no PDF */
	const char *junit_path; /* NULL: no JUnit */
	enum bench_report_lang lang;
	const char *sign_key;  /* PEM key, or NULL for an unsigned dossier */
	const char *sign_cert; /* PEM certificate (with sign_key) */
	int64_t issued_ns;     /* wall-clock issue time; 0 = now */
};

struct bench_report_summary {
	char report_id[128];
	int64_t run_id;
	size_t n_tests;
	enum bench_dossier_verdict verdict;
	unsigned pdf_pages;
	/* on error: the step that failed: "request", "load", "xml", "pdf" or "junit" */
	const char *failed_step;
};

/**
 * bench_report_generate() - build every requested output of one run.
 * @db_path: results database.
 * @run:     row id or unique uuid prefix.
 * @req:     outputs and options.
 * @ret:     receives the summary; on error only failed_step is meaningful.
 *
 * Outputs are written in the order XML, PDF, JUnit; a failure stops at that step (earlier
 * files stay). Return: 0; errors of bench_report_load() (step "load"); -EINVAL for an invalid
 * dossier (step "xml": a bench error, never the user's), bad key/cert (-EINVAL/-ENOENT, step
 * "request" when the certificate cannot be read); errors writing the files.
 */
int bench_report_generate(const char *db_path, const char *run,
			  const struct bench_report_request *req, struct bench_report_summary *ret);

#endif /* BENCH_REPORTS_REPORT_H */
