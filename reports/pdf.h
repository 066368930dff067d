/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PDF dossier (cairo PDF surface, pango text, Noto Sans CJK for zh-CN; fonts are embedded
 * as subsets and text stays text, so pdftotext finds every word). Layout, A4 portrait:
 *   cover      report id, DUT, overall verdict, lab, dates, signature fingerprint
 *   summary    one row per test: id, title, clause, verdict; counts; decision rule
 *   tests      one section per test: protocol, standard + clause, method, stimulus + seed,
 *              measurements (value, U, limit, rule, evidence, verdict), plots
 *   annex A    traceability: fixture, instruments + calibration, software, protocol hashes,
 *              artifacts with SHA-256, events
 * Every page carries the report id and "Page N of M" (ISO/IEC 17025 7.8.2.1).
 */
#ifndef BENCH_REPORTS_PDF_H
#define BENCH_REPORTS_PDF_H

#include "reports/dossier.h"
#include "reports/i18n.h"

struct bench_report_pdf_opts {
	enum bench_report_lang lang;
	/* SHA-256 fingerprint (64 hex) of the signing certificate, NULL if unsigned. */
	const char *signature_fingerprint;
};

/**
 * bench_report_write_pdf() - render @d to a PDF file (written to a temp file, then renamed).
 * @d:         the dossier.
 * @path:      output file.
 * @opts:      language and signature fingerprint.
 * @ret_pages: if not NULL, receives the page count.
 *
 * Return: 0; -EIO (cairo failed; logged with cairo's status text); -ENOMEM; -errno writing.
 */
int bench_report_write_pdf(const struct bench_dossier *d, const char *path,
			   const struct bench_report_pdf_opts *opts, unsigned *ret_pages);

#endif /* BENCH_REPORTS_PDF_H */
