// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench sim`: serve the emulated rig (src/sim) until SIGTERM or SIGINT.
 * The first stdout line is exactly "listening ip:127.0.0.1:PORT" (flushed),
 * so scripts and tests started with --port 0 can read the port.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/parse.h"
#include "sim/sim.h"

#define MAX_FAULTS 64

static struct bench_sim *volatile running;
static volatile sig_atomic_t stop_asked;

/*
 * SIGTERM/SIGINT are blocked while the server's threads are created, so they
 * inherit a blocked mask and the signal always lands on the main thread (no
 * EINTR in a connection's send/recv); a signal that arrives before the server
 * runs is remembered in stop_asked and honoured as soon as it does.
 */
static void on_signal(int sig)
{
	struct bench_sim *sim = running;

	(void)sig;
	stop_asked = 1;
	if (sim)
		bench_sim_request_stop(sim);
}

static int parse_listen(const char *arg, char *host, size_t size, uint16_t *ret_port)
{
	const char *colon = strrchr(arg, ':');
	int64_t port;

	if (!colon || (size_t)(colon - arg) >= size || colon == arg)
		return -EINVAL;
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	if (bench_parse_i64(colon + 1, &port) < 0 || port < 0 || port > 65535)
		return -EINVAL;
	*ret_port = (uint16_t)port;
	return 0;
}

int bench_cmd_sim(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("sim");
	struct bench_sim_options o;
	const char *faults[MAX_FAULTS];
	char host[64] = "127.0.0.1";
	char *err = NULL;
	struct sigaction sa;
	sigset_t block, old;
	struct bench_sim *sim = NULL;
	int i, r;

	memset(&o, 0, sizeof(o));
	o.faults = faults;
	o.pace = BENCH_SIM_PACE_FAST;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--rig") == 0 || strcmp(a, "--fixture") == 0) {
			if (!v)
				return bench_cli_usage_error(cmd, "%s needs a file", a);
			o.rig_path = v;
		} else if (strcmp(a, "--dut") == 0) {
			if (!v)
				return bench_cli_usage_error(cmd, "--dut needs a model name");
			o.dut_name = v;
		} else if (strcmp(a, "--listen") == 0) {
			if (!v || parse_listen(v, host, sizeof(host), &o.port) < 0)
				return bench_cli_usage_error(cmd, "--listen needs HOST:PORT");
		} else if (strcmp(a, "--port") == 0) {
			int64_t p;

			if (!v || bench_parse_i64(v, &p) < 0 || p < 0 || p > 65535)
				return bench_cli_usage_error(cmd, "--port needs 0..65535");
			o.port = (uint16_t)p;
		} else if (strcmp(a, "--pace") == 0) {
			if (v && strcmp(v, "fast") == 0)
				o.pace = BENCH_SIM_PACE_FAST;
			else if (v && strcmp(v, "realtime") == 0)
				o.pace = BENCH_SIM_PACE_REALTIME;
			else
				return bench_cli_usage_error(cmd, "--pace is fast or realtime");
		} else if (strcmp(a, "--fault") == 0) {
			if (!v || !strchr(v, '='))
				return bench_cli_usage_error(cmd, "--fault needs NAME=VALUE");
			if (o.n_faults >= MAX_FAULTS)
				return bench_cli_usage_error(cmd, "too many --fault options");
			faults[o.n_faults++] = v;
		} else if (strcmp(a, "--rt-priority") == 0) {
			o.rt_priority = true;
			continue; /* no value */
		} else if (strcmp(a, "--seed") == 0) {
			uint64_t s;

			if (!v || bench_parse_u64(v, &s) < 0)
				return bench_cli_usage_error(cmd, "--seed needs a number");
			o.seed = s;
		} else {
			return bench_cli_usage_error(cmd, "unknown option '%s'", a);
		}
		i++;
	}
	if (o.rig_path && o.dut_name)
		return bench_cli_usage_error(cmd, "give --rig or --dut, not both");
	o.listen_host = host;
	o.ret_error = &err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);

	r = bench_sim_start(&o, &sim);
	if (r == 0) {
		running = sim;
		if (stop_asked)
			bench_sim_request_stop(sim);
	}
	/* Pending signals are delivered here, to this thread only. */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		if (err)
			fprintf(stderr, "%s\n", err);
		else
			bench_cli_error("sim: %s", strerror(-r));
		free(err);
		return r == -EINVAL || r == -ENOENT ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	}
	printf("listening ip:%s:%u\n", host, bench_sim_port(sim));
	fflush(stdout);

	bench_sim_wait(sim);
	/* Further signals stay pending: the handler must not see a freed server. */
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	running = NULL;
	bench_sim_stop(sim);
	return BENCH_EXIT_PASS;
}
