// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bcibench: subcommand dispatch, --help, --version, exit codes.
 *
 * Adding a subcommand: write cmd-<name>.c with `int bench_cmd_<name>(int, char **)`,
 * declare it in cli.h, point its entry below at it, add the file to meson.build.
 * An entry with run == NULL is a subcommand of the stable interface
 * (architecture.md) that this build does not provide yet: it says so and exits 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/error.h"
#include "common/log.h"

const struct bench_cli_command bench_cli_commands[] = {
	{ "demo", "run the standard suites on the emulated rig and write dossiers",
	  "usage: bcibench demo [--out DIR] [--dut MODEL] [--lang en|zh-CN] [--seed N] [--jobs N]\n"
	  "Runs each reference DUT model's standard suite on the emulated rig (--jobs at a time,\n"
	  "default the CPU count) into DIR/bcibench.db (default DIR ./bcibench-demo), writes a\n"
	  "signed dossier, a PDF and JUnit per model, and prints a summary table.\n",
	  bench_cmd_demo },
	{ "sim", "serve the emulated rig (iiod protocol) with virtual converters and DUT models",
	  "usage: bcibench sim [--rig FILE | --dut NAME] [--listen HOST:PORT | --port N]\n"
	  "                    [--pace fast|realtime [--rt-priority]] [--fault NAME=VALUE]...\n"
	  "                    [--seed N]\n"
	  "Serves fixtures/sim/NAME.rig.xml (default neural-recorder; shipped: eeg-amp,\n"
	  "neural-recorder, neural-recorder-256, ssvep-decoder, closed-loop-stim) on 127.0.0.1;\n"
	  "--port 0 picks a free port. First stdout line: listening ip:HOST:PORT.\n"
	  "--fixture FILE is a synonym of --rig FILE. See docs/sim.md.\n",
	  bench_cmd_sim },
	{ "run", "run a suite or protocols on a fixture and record the results",
	  "usage: bcibench run --fixture F (--suite S | --protocol P...) --dut-serial SN\n"
	  "                    [--dut-profile FILE] [--operator NAME] [--seed N] [--db FILE]\n"
	  "                    [--resume RUN] [--uri URI] [--certification] [--limits-dir DIR]\n"
	  "                    [--pace fast|realtime]\n"
	  "                    [--report-dir DIR] [--xml F] [--pdf F] [--junit F] [--lang L]\n"
	  "                    [--sign-key K --sign-cert C] [--upload-url URL]\n"
	  "                    [--upload-header 'N: v']... [--upload-token-env VAR]\n"
	  "                    [--upload-cacert PEM] [--upload-retries N]\n"
	  "                    [--upload-retry-delay-ms MS]\n"
	  "       bcibench run --fixture F --seconds T --sine UV@HZ [--uri URI] [--channel C]\n"
	  "       bcibench run --slots K [--dut-serial SN1,...,SNK] [--slot-fault N:NAME=VALUE]...\n"
	  "                    [--slot-uri N:URI]... (other options as above, for every slot)\n"
	  "A fixture whose context is sim:NAME runs the emulated rig in-process (with --slots:\n"
	  "one 'bcibench sim' process per slot). With --slots the fixture's <slots> list gives\n"
	  "each slot its context and DUT serial (docs/fixtures.md). A run prints its real-time\n"
	  "efficiency: wall time / stimulus time (target <= 1.05 at --pace realtime).\n"
	  "At the end the dossier of the run is written (--report-dir DIR: DIR/BCB-<uuid>.xml,\n"
	  ".pdf, -junit.xml) and, with --upload-url, queued in the outbox of the database and\n"
	  "sent with whatever an outage left there.\n"
	  "Exit: 0 all pass, 1 a test failed or is marginal, 2 error/aborted, 64 bad input.\n",
	  bench_cmd_run },
	{ "gen", "generate synthetic neural and metrology signals with ground truth",
	  "usage: bcibench gen (--spec FILE | --model NAME) [--channels N] [--rate HZ]\n"
	  "                    [--duration S] [--seed N] --out FILE [--truth FILE.csv]\n"
	  "                    [--set [ID.]PARAM=VALUE]... [--range-uv UV] [--threads N]\n"
	  "       bcibench gen --list-models\n"
	  "  --threads N: render with N threads (the output does not depend on N).\n"
	  "  --out FILE.bdf (BDF+ 24-bit), FILE.edf (EDF+ 16-bit): truth as annotations;\n"
	  "  --out FILE.f32: raw float32 uV, interleaved, with FILE.f32.json describing it.\n"
	  "  Defaults with --model: 8 channels, 1000 Hz, 10 s; seed 1. See docs/signal-gen.md.\n",
	  bench_cmd_gen },
	{ "calibrate", "loopback self-calibration of a fixture's converters",
	  "usage: bcibench calibrate --fixture F [--uri URI] [--seconds S] [--amplitude-uv A]\n"
	  "                          [--db FILE [--valid-days N]]\n",
	  bench_cmd_calibrate },
	{ "validate", "validate a fixture, protocol, suite, limits or stimulus file",
	  "usage: bcibench validate [--limits-dir DIR] [--dut-profile FILE] FILE...\n",
	  bench_cmd_validate },
	{ "report", "build XML dossier, PDF and JUnit for a recorded run",
	  "usage: bcibench report --db F --run ID [--xml F] [--pdf F] [--junit F] [--lang L]\n"
	  "                       [--sign-key K --sign-cert C] [--queue]\n"
	  "The database defaults to $BCIBENCH_DB, else ./bcibench.db. --queue puts the files in\n"
	  "the outbox for 'bcibench upload'. RUN is a row id or a unique UUID prefix.\n",
	  bench_cmd_report },
	{ "verify", "verify a signed dossier, or the audit chain of a database",
	  "usage: bcibench verify DOSSIER.xml [--trusted-pem CERT] [--json]\n"
	  "       bcibench verify --db FILE [--json]\n"
	  "exit: 0 verified, 1 a record or file does not match, 2 could not verify\n",
	  bench_cmd_verify },
	{ "runs", "list recorded runs",
	  "usage: bcibench runs [--db FILE] [--dut SN] [--since DATE] [--status S] [--limit N]\n"
	  "                     [--json]\n"
	  "DATE is UTC: YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z] (a space may replace the T).\n"
	  "The database defaults to $BCIBENCH_DB, else ./bcibench.db.\n",
	  bench_cmd_runs },
	{ "show", "show the tests, measurements and verdicts of a run",
	  "usage: bcibench show [--db FILE] RUN [--json]\n"
	  "RUN is a run UUID, a unique UUID prefix, or a row id.\n",
	  bench_cmd_show },
	{ "compare", "compare two runs: verdict flips and shifts beyond uncertainty",
	  "usage: bcibench compare [--db FILE] RUN_A RUN_B [--json]\n"
	  "exit: 0 no change, 1 verdict flips or shifts beyond uncertainty, 2 error\n",
	  bench_cmd_compare },
	{ "rescore", "recompute a run's measurements from its stored artifacts",
	  "usage: bcibench rescore [--db FILE] RUN [--limits-dir DIR] [--dut-profile FILE]\n"
	  "                        [--json]\n"
	  "Recomputes every measurement of RUN from its trial capture records with this\n"
	  "build's metric code and the protocol XML stored in the database, as a new run\n"
	  "linked to RUN (rescored_from), and prints what changed as `compare` does.\n"
	  "Limits and DUT claims come from the files recorded with RUN, or from\n"
	  "--limits-dir and --dut-profile when given (as for `run`).\n"
	  "exit: 0 nothing changed, 1 verdict flips or shifts, 2 an artifact does not match\n"
	  "its recorded SHA-256 (named) or the bench failed, 64 usage, unknown run\n",
	  bench_cmd_rescore },
	{ "upload", "upload dossiers and results through the outbox",
	  "usage: bcibench upload --url URL [--db FILE] [--header 'N: V']... [--token-env VAR]\n"
	  "                       [--cacert PEM] [--retries N] [--retry-delay-ms MS] [--kind K]\n"
	  "                       [FILES...]\n"
	  "Queues FILES in the outbox, then sends every pending file (HTTPS verification on).\n"
	  "exit: 0 nothing pending, 2 some files kept for the next upload, 64 usage\n",
	  bench_cmd_upload },
	{ "qualify", "qualify the bench: good DUTs over seeds and every seeded fault",
	  "usage: bcibench qualify [--seeds N] [--out DIR] [--dut MODEL] [--jobs N]\n"
	  "                        [--suites standard|screening]\n"
	  "Runs the good reference DUTs over N seeds (default 3) and every seeded fault of\n"
	  "docs/sim.md, --jobs at a time (default: the CPU count), into DIR/qualify.db, and\n"
	  "writes the detection matrix to DIR/qualify-matrix.md and .csv.\n"
	  "Exit: 0 no false fail and no gap, 1 a false fail or a gap, 2 bench error.\n",
	  bench_cmd_qualify },
	{ "version", "print the bcibench version and the versions of linked libraries",
	  "usage: bcibench version   (same as bcibench --version)\n", bench_cmd_version },
	{ NULL, NULL, NULL, NULL },
};

void bench_cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("bcibench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int bench_cli_usage_error(const struct bench_cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bcibench %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(cmd->usage, stderr);
	return BENCH_EXIT_USAGE;
}

const struct bench_cli_command *bench_cli_find(const char *name)
{
	const struct bench_cli_command *c;

	for (c = bench_cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

bool bench_cli_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int bench_cli_exit_from_errno(int err)
{
	if (err >= 0)
		return BENCH_EXIT_PASS;
	switch (-err) {
	case EINVAL:
	case ENOENT:
		return BENCH_EXIT_USAGE;
	default:
		return BENCH_EXIT_ERROR;
	}
}

static void log_to_stderr(void *ctx, enum bench_log_level level, const char *module,
			  const char *msg)
{
	(void)ctx;
	fprintf(stderr, "bcibench: %s: %s: %s\n", bench_log_level_name(level), module, msg);
}

static void print_help(FILE *f)
{
	const struct bench_cli_command *c;

	fputs("usage: bcibench [--version] [--help] COMMAND [ARGS]\n\n"
	      "Hardware-in-the-loop test and certification bench for BCI devices.\n\n"
	      "Commands:\n",
	      f);
	for (c = bench_cli_commands; c->name; c++)
		fprintf(f, "  %-10s %s%s\n", c->name, c->summary,
			c->run ? "" : " (not in this build yet)");
	fputs("\nRun 'bcibench COMMAND --help' for a command's options.\n"
	      "Exit codes: 0 all passed, 1 a test failed, 2 bench error, 64 usage or bad input.\n",
	      f);
}

int main(int argc, char **argv)
{
	const struct bench_cli_command *cmd;
	enum bench_log_level level = BENCH_LOG_WARNING;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0)
			return bench_cmd_version(1, argv);
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return BENCH_EXIT_PASS;
		}
		if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
			level = level == BENCH_LOG_INFO ? BENCH_LOG_DEBUG : BENCH_LOG_INFO;
			i++;
			continue;
		}
		bench_cli_error("unknown option '%s'", argv[i]);
		fputs("usage: bcibench [--version] [--help] [--verbose] COMMAND [ARGS]\n", stderr);
		return BENCH_EXIT_USAGE;
	}
	if (i >= argc) {
		print_help(stderr);
		return BENCH_EXIT_USAGE;
	}

	cmd = bench_cli_find(argv[i]);
	if (!cmd) {
		bench_cli_error("unknown command '%s'", argv[i]);
		fputs("usage: bcibench [--version] [--help] COMMAND [ARGS]\n"
		      "Run 'bcibench --help' for the list of commands.\n",
		      stderr);
		return BENCH_EXIT_USAGE;
	}

	bench_log_set_handler(log_to_stderr, NULL, level);

	if (bench_cli_wants_help(argc - i, argv + i)) {
		fputs(cmd->usage, stdout);
		if (!cmd->run)
			printf("\n'%s' is part of bcibench's interface but not in this build yet.\n",
			       cmd->name);
		return BENCH_EXIT_PASS;
	}
	if (!cmd->run) {
		bench_cli_error("'%s' is not available in this build yet (%s)", cmd->name,
				cmd->summary);
		return BENCH_EXIT_ERROR;
	}
	return cmd->run(argc - i, argv + i);
}
