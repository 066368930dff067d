/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Child processes of the CLI's orchestration commands (demo, qualify): a subcommand run
 * in a forked child, so a crash stays in the child, and the emulated rig run as a
 * separate `bcibench sim` process with faults, as a user would start it.
 */
#ifndef BENCH_CLI_CHILD_H
#define BENCH_CLI_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Runs @cmd(@argc, @argv) in a forked child and returns its exit code; a child killed by
 * a signal counts as BENCH_EXIT_ERROR (and is reported on stderr). With @log_path the
 * child's stdout and stderr are appended to that file instead of the terminal.
 */
int bench_cli_run_child(int (*cmd)(int, char **), int argc, char **argv, const char *log_path);

struct bench_cli_sim {
	pid_t pid;     /* the `bcibench sim` process, 0 when not running */
	char uri[128]; /* "ip:127.0.0.1:PORT" (a writable copy for libiio 0.24) */
};

/**
 * bench_cli_sim_spawn() - start `bcibench sim --dut @model --port 0` with @faults.
 * @model:    a DUT model name, or a rig file path (ending in .rig.xml, given as --rig).
 * @realtime: `--pace realtime` instead of the default fast pace.
 * @faults:   "NAME=VALUE" specs (docs/sim.md), @n_faults of them.
 * @ret:    receives the process and its URI, read from its first stdout line.
 *
 * Return: 0, -EIO (the rig did not start or did not print its address within 20 s),
 * or -errno from pipe/fork.
 */
int bench_cli_sim_spawn(const char *model, uint64_t seed, bool realtime, const char *const *faults,
			size_t n_faults, struct bench_cli_sim *ret);

/* Stops the rig with SIGTERM (SIGKILL after 5 s) and reaps it. Accepts pid 0. */
void bench_cli_sim_stop(struct bench_cli_sim *sim);

#endif /* BENCH_CLI_CHILD_H */
