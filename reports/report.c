// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_report_generate(): load, then XML, PDF and JUnit (see report.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "reports/junit.h"
#include "reports/load.h"
#include "reports/pdf.h"
#include "reports/report.h"
#include "reports/sign.h"
#include "reports/xml.h"

int bench_report_generate(const char *db_path, const char *run,
			  const struct bench_report_request *req, struct bench_report_summary *ret)
{
	struct bench_report_pdf_opts opts = { BENCH_REPORT_LANG_EN, NULL };
	char fp[BENCH_SHA256_HEX_LEN];
	struct bench_dossier *d;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->failed_step = "request";
	if (!req || !db_path || !run || (req->sign_key != NULL) != (req->sign_cert != NULL))
		return -EINVAL;
	opts.lang = req->lang;
	if (req->sign_cert) {
		r = bench_report_cert_fingerprint(req->sign_cert, fp);
		if (r < 0)
			return r;
		opts.signature_fingerprint = fp;
	}
	ret->failed_step = "load";
	r = bench_report_load(db_path, run, req->issued_ns ? req->issued_ns : bench_clock_wall_ns(),
			      &d);
	if (r < 0)
		return r;
	ret->run_id = d->run_id;
	ret->n_tests = d->n_tests;
	ret->verdict = d->verdict;
	snprintf(ret->report_id, sizeof(ret->report_id), "%s", d->report_id ? d->report_id : "");
	if (req->xml_path) {
		ret->failed_step = "xml";
		r = bench_report_write_xml(d, req->xml_path, req->sign_key, req->sign_cert);
	}
	if (r == 0 && req->pdf_path) {
		ret->failed_step = "pdf";
		r = bench_report_write_pdf(d, req->pdf_path, &opts, &ret->pdf_pages);
	}
	if (r == 0 && req->junit_path) {
		ret->failed_step = "junit";
		r = bench_report_write_junit(d, req->junit_path, req->xml_path);
	}
	if (r == 0)
		ret->failed_step = NULL;
	bench_dossier_free(d);
	return r;
}
