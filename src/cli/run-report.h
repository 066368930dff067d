/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The end of `bcibench run`: the dossier (XML, PDF, JUnit through bench_report_generate())
 * and the automatic upload through the database's outbox (net/upload.h), configured by
 * options of `run`:
 *
 *   --report-dir DIR      write DIR/<report id>.xml, .pdf and -junit.xml
 *   --xml F --pdf F --junit F   write these (override --report-dir per file)
 *   --lang en|zh-CN       language of the PDF
 *   --sign-key K --sign-cert C  sign the XML dossier (both or neither)
 *   --upload-url URL      queue the written files in the outbox, then send every pending
 *                         outbox entry (this run's and any an earlier outage left)
 *   --upload-header 'N: v' (repeatable), --upload-token-env VAR, --upload-cacert PEM,
 *   --upload-retries N, --upload-retry-delay-ms MS
 *
 * Everything given is checked before the run starts (key and certificate readable, report
 * folder writable, URL scheme, token variable set), so a run is never spent to learn that
 * its dossier cannot be written. The token is read from the environment when sending and
 * is never stored. Only src/cli prints: these functions print their own messages.
 */
#ifndef BENCH_CLI_RUN_REPORT_H
#define BENCH_CLI_RUN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "net/upload.h"
#include "reports/report.h"

struct bench_store;

#define BENCH_CLI_RUN_REPORT_MAX_HEADERS 16

struct bench_cli_run_report {
	const char *dir;   /* --report-dir, or NULL */
	const char *xml;   /* --xml, or NULL */
	const char *pdf;   /* --pdf, or NULL */
	const char *junit; /* --junit, or NULL */
	const char *lang;  /* --lang, default "en" */
	const char *sign_key;
	const char *sign_cert;
	struct bench_net_upload_opts up; /* up.url NULL: no upload */
	const char *headers[BENCH_CLI_RUN_REPORT_MAX_HEADERS];
	size_t n_headers;
};

/* Empty configuration: no dossier, no upload. */
void bench_cli_run_report_init(struct bench_cli_run_report *rr);

/**
 * bench_cli_run_report_parse() - take argv[*i] (and its value) if it is one of the options
 * above.
 * Return: 1 taken (*i advanced past the value), 0 not ours, or BENCH_EXIT_USAGE (a usage
 * message was printed).
 */
int bench_cli_run_report_parse(const struct bench_cli_command *cmd, struct bench_cli_run_report *rr,
			       int argc, char **argv, size_t *i);

/**
 * bench_cli_run_report_check() - validate the configuration before the run.
 * Return: BENCH_EXIT_PASS, or BENCH_EXIT_USAGE with a message printed.
 */
int bench_cli_run_report_check(const struct bench_cli_command *cmd,
			       const struct bench_cli_run_report *rr);

/* True when a dossier file is to be written or an upload is configured. */
bool bench_cli_run_report_wanted(const struct bench_cli_run_report *rr);

/**
 * bench_cli_run_report_finish() - write the dossier of the recorded run, then upload.
 * @st:     the run's store, open read-write (for the outbox).
 * @db:     its path (bench_report_generate() reads the run from it).
 * @run:    run UUID (or row id) as bcibench report takes it.
 * @run_id: its row id, for the outbox entries.
 *
 * Return: BENCH_EXIT_PASS, or BENCH_EXIT_ERROR when a dossier file could not be written
 * (the run stays recorded; the message names the `bcibench report` command that retries).
 * An upload that fails is a warning: the files stay in the outbox for the next run or
 * `bcibench upload`, and the exit code is not changed by it.
 */
int bench_cli_run_report_finish(const struct bench_cli_run_report *rr, struct bench_store *st,
				const char *db, const char *run, int64_t run_id);

#endif /* BENCH_CLI_RUN_REPORT_H */
