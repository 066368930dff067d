// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench verify DOSSIER.xml [--trusted-pem CERT] [--json]`: schema, enveloped signature
 * and the hash of every artifact the dossier lists. `bcibench verify --db FILE` is the audit
 * chain of a results database (cmd-store.c). Exit: 0 verified, 1 something does not match,
 * 2 could not verify, 64 usage or a file that is not XML.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "reports/verify.h"

static const char *sig_text(enum bench_report_sig_status s)
{
	switch (s) {
	case BENCH_REPORT_SIG_VALID:
		return "valid";
	case BENCH_REPORT_SIG_INVALID:
		return "INVALID (the dossier or its signature was changed, or the signer is not "
		       "trusted)";
	case BENCH_REPORT_SIG_MISSING:
		return "MISSING (the dossier is not signed)";
	default:
		return "INVALID (the signature does not cover the whole document)";
	}
}

static void json_str(const char *key, const char *v, bool comma)
{
	const char *p;

	printf("%s\"%s\":\"", comma ? "," : "", key);
	for (p = v; p && *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			printf("\\u%04x", (unsigned)*p);
		else
			putchar(*p);
	}
	putchar('"');
}

int bench_cmd_verify(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("verify");
	struct bench_report_verify_result res;
	const char *file = NULL, *trusted = NULL;
	bool json = false, ok;
	int i, r;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--db") == 0)
			return bench_cli_verify_db(argc, argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--trusted-pem") == 0 && i + 1 < argc)
			trusted = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-' || file)
			return bench_cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
		else
			file = argv[i];
	}
	if (!file)
		return bench_cli_usage_error(cmd, "a dossier file (or --db FILE) is required");

	r = bench_report_verify_file(file, trusted, &res);
	if (r < 0) {
		bench_cli_error("%s: cannot verify: %s", file, bench_strerror(r));
		return r == -EINVAL || r == -ENOENT ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	}
	ok = bench_report_verify_ok(&res);
	if (json) {
		putchar('{');
		json_str("dossier", file, false);
		printf(",\"ok\":%s,\"schema_valid\":%s", ok ? "true" : "false",
		       res.schema_valid ? "true" : "false");
		json_str("report_id", res.report_id, true);
		json_str("signature",
			 res.sig.status == BENCH_REPORT_SIG_VALID   ? "valid" :
			 res.sig.status == BENCH_REPORT_SIG_MISSING ? "missing" :
								      "invalid",
			 true);
		printf(",\"signer_trusted\":%s", res.sig.trusted ? "true" : "false");
		json_str("signer_sha256", res.sig.cert_sha256_hex, true);
		json_str("signer_subject", res.sig.subject, true);
		printf(",\"artifacts\":%zu,\"artifacts_bad\":%zu,\"artifacts_in_db\":%zu",
		       res.artifacts, res.artifacts_bad, res.artifacts_in_db);
		json_str("first_bad_artifact", res.first_bad, true);
		puts("}");
	} else {
		printf("%s: report %s\n", file, res.report_id[0] ? res.report_id : "(none)");
		printf("  schema:    %s\n",
		       res.schema_valid ? "valid (urn:bcibench:dossier:1)" : "INVALID");
		printf("  signature: %s\n", sig_text(res.sig.status));
		if (res.sig.status == BENCH_REPORT_SIG_VALID) {
			printf("  signer:    %s\n", res.sig.subject);
			printf("  cert SHA-256: %s\n", res.sig.cert_sha256_hex);
			if (!res.sig.trusted)
				printf("  note: signer not checked against a trust anchor; compare "
				       "the fingerprint with the PDF cover or pass --trusted-pem\n");
		}
		printf("  artifacts: %zu listed, %zu do not match, %zu kept in the database\n",
		       res.artifacts, res.artifacts_bad, res.artifacts_in_db);
		if (res.artifacts_bad)
			printf("  first mismatch: %s\n", res.first_bad);
		printf("%s: %s\n", file, ok ? "OK" : "FAILED");
	}
	return ok ? BENCH_EXIT_PASS : BENCH_EXIT_FAIL;
}
