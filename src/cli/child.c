// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Child processes for demo and qualify; see child.h.
 */
#include "cli/child.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/clock.h"

int bench_cli_run_child(int (*cmd)(int, char **), int argc, char **argv, const char *log_path)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return BENCH_EXIT_ERROR;
	if (pid == 0) {
		if (log_path) {
			int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
				close(fd);
			}
		}
		_exit(cmd(argc, argv));
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return BENCH_EXIT_ERROR;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fprintf(stderr, "bcibench: '%s' ended by signal %d\n", argv[0], WTERMSIG(status));
	return BENCH_EXIT_ERROR;
}

/* Reads the first line of @fd within @timeout_ms. Return: length, or -EIO. */
static int read_line(int fd, char *buf, size_t size, int timeout_ms)
{
	int64_t end = bench_clock_now_ns() + (int64_t)timeout_ms * 1000000;
	size_t n = 0;

	while (n + 1 < size) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left_ms = (end - bench_clock_now_ns()) / 1000000;
		ssize_t r;

		if (left_ms <= 0 || poll(&p, 1, (int)left_ms) <= 0)
			return -EIO;
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return -EIO;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return (int)n;
}

int bench_cli_sim_spawn(const char *model, uint64_t seed, bool realtime, const char *const *faults,
			size_t n_faults, struct bench_cli_sim *ret)
{
	char seed_s[32], line[128];
	const char *argv[64];
	size_t argc = 0, i;
	int fds[2], r;
	pid_t pid;

	if (n_faults > 24)
		return -EINVAL;
	snprintf(seed_s, sizeof(seed_s), "%" PRIu64, seed);
	argv[argc++] = "bcibench";
	argv[argc++] = "sim";
	argv[argc++] = strstr(model, ".rig.xml") ? "--rig" : "--dut";
	argv[argc++] = model;
	argv[argc++] = "--pace";
	argv[argc++] = realtime ? "realtime" : "fast";
	argv[argc++] = "--port";
	argv[argc++] = "0";
	argv[argc++] = "--seed";
	argv[argc++] = seed_s;
	for (i = 0; i < n_faults; i++) {
		argv[argc++] = "--fault";
		argv[argc++] = faults[i];
	}
	argv[argc] = NULL;

	if (pipe(fds) < 0)
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	r = read_line(fds[0], line, sizeof(line), 20000);
	close(fds[0]);
	ret->pid = pid;
	if (r < 0 || strncmp(line, "listening ", 10) != 0) {
		bench_cli_sim_stop(ret);
		return -EIO;
	}
	snprintf(ret->uri, sizeof(ret->uri), "%.100s", line + 10);
	return 0;
}

void bench_cli_sim_stop(struct bench_cli_sim *sim)
{
	int64_t end;
	int status;

	if (!sim || sim->pid <= 0)
		return;
	kill(sim->pid, SIGTERM);
	end = bench_clock_now_ns() + 5 * INT64_C(1000000000);
	while (waitpid(sim->pid, &status, WNOHANG) == 0) {
		struct timespec ts = { 0, 20000000 };

		if (bench_clock_now_ns() > end) {
			kill(sim->pid, SIGKILL);
			waitpid(sim->pid, &status, 0);
			break;
		}
		nanosleep(&ts, NULL);
	}
	sim->pid = 0;
}
