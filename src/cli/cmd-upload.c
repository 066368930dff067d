// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench upload --url URL [--db FILE] [FILES...]`: queue FILES in the outbox of the
 * results database, then send every pending entry (these and any left by earlier outages).
 * Options: --header 'Name: value' (repeatable), --token-env VAR (bearer token read from the
 * environment, never stored), --cacert PEM, --retries N, --retry-delay-ms MS, --kind K.
 * Exit: 0 nothing left pending, 2 some files could not be delivered (kept for the next
 * run), 64 usage.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "common/parse.h"
#include "net/upload.h"
#include "store/store.h"

int bench_cmd_upload(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("upload");
	const char *db = getenv("BCIBENCH_DB"), *kind = "file";
	struct bench_net_upload_opts o;
	struct bench_net_flush_stats stats;
	const char **headers = NULL, **files = NULL;
	size_t n_headers = 0, n_files = 0, k;
	struct bench_store *st = NULL;
	int i, r, rc = BENCH_EXIT_USAGE;

	if (!db || !db[0])
		db = "bcibench.db";
	bench_net_upload_opts_init(&o, NULL);
	headers = calloc((size_t)argc, sizeof(*headers));
	files = calloc((size_t)argc, sizeof(*files));
	if (!headers || !files) {
		bench_cli_error("out of memory");
		rc = BENCH_EXIT_ERROR;
		goto out;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		int v;

		if (strcmp(a, "--url") == 0 && has_value) {
			o.url = argv[++i];
		} else if (strcmp(a, "--db") == 0 && has_value) {
			db = argv[++i];
		} else if (strcmp(a, "--header") == 0 && has_value) {
			headers[n_headers++] = argv[++i];
		} else if (strcmp(a, "--token-env") == 0 && has_value) {
			o.token_env = argv[++i];
		} else if (strcmp(a, "--cacert") == 0 && has_value) {
			o.cacert = argv[++i];
		} else if (strcmp(a, "--kind") == 0 && has_value) {
			kind = argv[++i];
		} else if ((strcmp(a, "--retries") == 0 || strcmp(a, "--retry-delay-ms") == 0) &&
			   has_value) {
			if (bench_parse_int(argv[i + 1], &v) < 0 || v < 0 || v > 600000) {
				rc = bench_cli_usage_error(cmd, "%s: bad value '%s'", a,
							   argv[i + 1]);
				goto out;
			}
			if (a[8] == '-')
				o.backoff_ms = (unsigned)v;
			else
				o.retries = (unsigned)v;
			i++;
		} else if (a[0] == '-') {
			rc = bench_cli_usage_error(cmd, "unexpected argument '%s'", a);
			goto out;
		} else {
			files[n_files++] = a;
		}
	}
	if (!o.url) {
		rc = bench_cli_usage_error(cmd, "--url URL is required");
		goto out;
	}
	if (strncmp(o.url, "https://", 8) != 0 && strncmp(o.url, "http://", 7) != 0) {
		rc = bench_cli_usage_error(cmd, "--url must be http:// or https://");
		goto out;
	}
	o.headers = headers;
	o.n_headers = n_headers;
	if (o.token_env && !getenv(o.token_env)) {
		rc = bench_cli_usage_error(cmd, "--token-env %s: variable not set", o.token_env);
		goto out;
	}

	r = bench_store_open(db, 0, &st);
	if (r < 0) {
		bench_cli_error("%s: cannot open: %s", db, bench_strerror(r));
		rc = BENCH_EXIT_ERROR;
		goto out;
	}
	for (k = 0; k < n_files; k++) {
		char abs[PATH_MAX];

		if (!realpath(files[k], abs)) {
			bench_cli_error("%s: %s", files[k], strerror(errno));
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		r = bench_store_outbox_add(st, 0, abs, kind, NULL);
		if (r < 0) {
			bench_cli_error("%s: cannot queue %s: %s", db, abs, bench_strerror(r));
			rc = BENCH_EXIT_ERROR;
			goto out;
		}
	}
	r = bench_net_outbox_flush(st, db, &o, &stats);
	if (r < 0) {
		bench_cli_error("%s: outbox: %s", db, bench_strerror(r));
		rc = BENCH_EXIT_ERROR;
		goto out;
	}
	printf("uploaded %u file(s); %u still pending\n", stats.sent, stats.failed);
	if (stats.failed) {
		bench_cli_error("not delivered (kept in the outbox, retried by the next upload): %s",
				stats.first_error);
		rc = BENCH_EXIT_ERROR;
	} else {
		rc = BENCH_EXIT_PASS;
	}
out:
	bench_store_close(st);
	free(headers);
	free(files);
	return rc;
}
