/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Verification of a dossier file: it parses, it is valid against schemas/dossier.xsd, its
 * enveloped signature checks out (reports/sign.h), and every artifact it lists still has the
 * SHA-256 and size it records (paths relative to the dossier's folder unless absolute).
 * Findings are data in struct bench_report_verify_result; only "could not check" is an error.
 */
#ifndef BENCH_REPORTS_VERIFY_H
#define BENCH_REPORTS_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/sign.h"

struct bench_report_verify_result {
	bool schema_valid;
	struct bench_report_sig_info sig;
	size_t artifacts;	/* artifacts listed */
	size_t artifacts_bad;	/* missing, or different hash or size */
	size_t artifacts_in_db; /* inline blobs ("db:" paths): checked by verify --db */
	char first_bad[512];	/* "ID: PATH: reason" of the first bad artifact */
	char report_id[128];	/* reportId attribute, "" if absent */
};

/**
 * bench_report_verify_file() - check a dossier file.
 * @path:        the dossier XML.
 * @trusted_pem: certificate/CA to trust for the signer, or NULL (integrity only).
 * @ret:         receives the findings.
 *
 * Return: 0 when all checks could run (findings in @ret); -EINVAL when the file is not
 * well-formed XML (logged as "FILE:LINE: message"); -ENOENT (@path or @trusted_pem missing);
 * -EIO, -ENOMEM.
 */
int bench_report_verify_file(const char *path, const char *trusted_pem,
			     struct bench_report_verify_result *ret);

/* True when every check passed: schema, signature VALID, no bad artifact. */
bool bench_report_verify_ok(const struct bench_report_verify_result *res);

#endif /* BENCH_REPORTS_VERIFY_H */
