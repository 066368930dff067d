/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bcibench command line: the only code that prints or exits.
 *
 * Each subcommand lives in cmd-<name>.c and is registered in the table in
 * main.c. A subcommand returns one of the exit codes below; it never calls
 * exit() itself (the demo and the tests call subcommands in-process).
 */
#ifndef BENCH_CLI_CLI_H
#define BENCH_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit codes CI can tell apart (architecture.md, LAVA's infra-vs-test split). */
enum bench_exit {
	BENCH_EXIT_PASS = 0,   /* every test passed */
	BENCH_EXIT_FAIL = 1,   /* some test failed (a DUT verdict) */
	BENCH_EXIT_ERROR = 2,  /* the bench could not do its job: error, incomplete, aborted */
	BENCH_EXIT_USAGE = 64, /* usage error or invalid input file (EX_USAGE) */
};

struct bench_cli_command {
	const char *name;
	const char *summary; /* one line for `bcibench --help` */
	const char *usage;   /* full text for `bcibench NAME --help` */
	/* argv[0] is the subcommand name; returns an enum bench_exit value. */
	int (*run)(int argc, char **argv);
};

/* The table in main.c, terminated by a zeroed entry. */
extern const struct bench_cli_command bench_cli_commands[];

/* Prints "bcibench: <message>" to stderr. */
void bench_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "usage: ..." for @cmd to stderr and returns BENCH_EXIT_USAGE. */
int bench_cli_usage_error(const struct bench_cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Finds a command by name; NULL if unknown. */
const struct bench_cli_command *bench_cli_find(const char *name);

/* True if argv has -h or --help before any "--". */
bool bench_cli_wants_help(int argc, char **argv);

/* Map a negative errno from a library call to an exit code (input errors -> 64). */
int bench_cli_exit_from_errno(int err);

/* Subcommands implemented in this build. */
int bench_cmd_version(int argc, char **argv);
int bench_cmd_demo(int argc, char **argv);
int bench_cmd_qualify(int argc, char **argv);
/* `bcibench run --slots K ...` (cmd-slots.c), dispatched from bench_cmd_run(). */
int bench_cli_run_slots(int argc, char **argv);
int bench_cmd_validate(int argc, char **argv);
/* cmd-run.c: the protocol runner (src/engine). */
int bench_cmd_run(int argc, char **argv);
int bench_cmd_sim(int argc, char **argv);
/* cmd-store.c: readers of the results database. */
int bench_cmd_runs(int argc, char **argv);
int bench_cmd_show(int argc, char **argv);
int bench_cmd_compare(int argc, char **argv);
/*
 * The differences between runs @a and @b as `bcibench compare` prints them: a table and a
 * summary line, or with @json the members "differences":[...],"summary":{...} of an
 * object the caller opens and closes. *@ret_n_changes gets the number of differences.
 * Return: 0 or the store's negative errno.
 */
struct bench_store;
int bench_cli_compare_print(struct bench_store *st, int64_t a, int64_t b, bool json,
			    int64_t *ret_n_changes);
/* cmd-rescore.c: recompute a run from its stored artifacts (engine/rescore.h). */
int bench_cmd_rescore(int argc, char **argv);
/* `bcibench verify --db FILE`: the audit chain and artifact hashes of a database. */
int bench_cli_verify_db(int argc, char **argv);

/* cmd-report.c, cmd-verify.c: dossiers (reports/). verify dispatches --db to the above. */
int bench_cmd_report(int argc, char **argv);
int bench_cmd_verify(int argc, char **argv);
/* cmd-upload.c: the outbox and src/net. */
int bench_cmd_upload(int argc, char **argv);
int bench_cmd_calibrate(int argc, char **argv);
/* The minimal run path (cmd-inject.c): stimulus in, capture out, on one fixture. */
int bench_cli_run_raw(int argc, char **argv);
int bench_cmd_gen(int argc, char **argv);

#endif /* BENCH_CLI_CLI_H */
