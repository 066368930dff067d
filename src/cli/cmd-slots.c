// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench run --slots K`: the same suite on K DUTs at once, into one database.
 *
 * Each slot is an independent `bcibench run` in its own process, with its own serial, its
 * own rig connection, its own safe state and its own verdict; the results store takes the
 * concurrent writers (WAL, busy timeout, retries). A slot that fails or crashes does not
 * disturb the others: its exit code is reported in the table and folded into ours.
 *
 * On the emulated rig each slot gets its own `bcibench sim` process (a rig per DUT, as on a
 * QA line with K test sockets); `--slot-fault N:NAME=VALUE` seeds a defect into slot N's rig.
 * A real station gives each slot's context with `--slot-uri N:URI`.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/child.h"
#include "cli/cli.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/parse.h"

#define MAX_SLOTS 16

struct slot {
	char serial[64];
	const char *fault; /* NAME=VALUE for the slot's emulated rig, or NULL */
	const char *uri;   /* a real rig's context, or NULL for an emulated one */
	struct bench_cli_sim sim;
	pid_t pid;
	int rc;
	double seconds;
};

/* Parses "N:REST" with 1 <= N <= k. Return: 0 and *ret_n, *ret_rest, or -EINVAL. */
static int slot_arg(const char *s, int k, int *ret_n, const char **ret_rest)
{
	const char *colon = strchr(s, ':');
	char num[16];
	int n;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = '\0';
	if (bench_parse_int(num, &n) < 0 || n < 1 || n > k)
		return -EINVAL;
	*ret_n = n;
	*ret_rest = colon + 1;
	return 0;
}

/* The emulated DUT model named by a fixture's "sim:NAME" context, read from the file. */
static int sim_model_of(const char *fixture, char *buf, size_t size)
{
	char line[512];
	FILE *f = fopen(fixture, "r");
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "\"sim:");
		char *end;

		if (!p)
			continue;
		p += 5;
		end = strchr(p, '"');
		if (!end)
			break;
		*end = '\0';
		/* "sim:eeg-amp" or "sim:path/eeg-amp.rig.xml" -> "eeg-amp" */
		if (strrchr(p, '/'))
			p = strrchr(p, '/') + 1;
		if (strstr(p, ".rig.xml"))
			*strstr(p, ".rig.xml") = '\0';
		snprintf(buf, size, "%s", p);
		r = 0;
		break;
	}
	fclose(f);
	return r;
}

int bench_cli_run_slots(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("run");
	struct slot slots[MAX_SLOTS];
	char *pass[128], model[128] = "", uri_opt[] = "--uri", serial_opt[] = "--dut-serial";
	const char *fixture = NULL, *serials = NULL;
	int64_t t0 = bench_clock_now_ns();
	int k = 0, i, n_pass = 0, rc = BENCH_EXIT_PASS, r;
	uint64_t seed = 1;

	memset(slots, 0, sizeof(slots));
	/* First pass: --slots and the serial list; everything else is passed to each slot. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--slots") == 0 && i + 1 < argc) {
			if (bench_parse_int(argv[++i], &k) < 0 || k < 1 || k > MAX_SLOTS)
				return bench_cli_usage_error(cmd, "--slots must be 1..%d",
							     MAX_SLOTS);
		}
	}
	if (k < 1)
		return bench_cli_usage_error(cmd, "--slots K is required here");
	pass[n_pass++] = "run";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int n;
		const char *rest;

		if (strcmp(a, "--slots") == 0) {
			i++;
		} else if (strcmp(a, "--dut-serial") == 0 && i + 1 < argc) {
			serials = argv[++i];
		} else if (strcmp(a, "--slot-fault") == 0 && i + 1 < argc) {
			if (slot_arg(argv[++i], k, &n, &rest) < 0)
				return bench_cli_usage_error(cmd,
							     "--slot-fault takes N:NAME=VALUE");
			slots[n - 1].fault = rest;
		} else if (strcmp(a, "--slot-uri") == 0 && i + 1 < argc) {
			if (slot_arg(argv[++i], k, &n, &rest) < 0)
				return bench_cli_usage_error(cmd, "--slot-uri takes N:URI");
			slots[n - 1].uri = rest;
		} else if (strcmp(a, "--uri") == 0) {
			return bench_cli_usage_error(cmd, "with --slots, give --slot-uri N:URI");
		} else {
			if (strcmp(a, "--fixture") == 0 && i + 1 < argc)
				fixture = argv[i + 1];
			if (strcmp(a, "--seed") == 0 && i + 1 < argc &&
			    bench_parse_u64(argv[i + 1], &seed) < 0)
				return bench_cli_usage_error(cmd, "bad --seed");
			if (n_pass >= (int)BENCH_ARRAY_SIZE(pass) - 6)
				return bench_cli_usage_error(cmd, "too many arguments");
			pass[n_pass++] = argv[i];
		}
	}
	if (!fixture)
		return bench_cli_usage_error(cmd, "--fixture is required");
	if (!serials)
		return bench_cli_usage_error(cmd, "--dut-serial needs K comma-separated serials");

	/* One serial per slot, in order. */
	{
		const char *p = serials;

		for (i = 0; i < k; i++) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);

			if (len == 0 || len >= sizeof(slots[i].serial))
				return bench_cli_usage_error(cmd, "--dut-serial: %d serials needed",
							     k);
			memcpy(slots[i].serial, p, len);
			slots[i].serial[len] = '\0';
			if (!comma && i + 1 < k)
				return bench_cli_usage_error(cmd, "--dut-serial: %d serials needed",
							     k);
			p = comma ? comma + 1 : p + len;
		}
		if (*p)
			return bench_cli_usage_error(cmd, "--dut-serial: more than %d serials", k);
	}

	/* Rigs: an emulated rig per slot unless the slot's URI is given. */
	for (i = 0; i < k; i++) {
		if (slots[i].uri)
			continue;
		if (!model[0] && sim_model_of(fixture, model, sizeof(model)) < 0) {
			bench_cli_error("%s: not an emulated rig (sim:...); give --slot-uri N:URI "
					"for every slot",
					fixture);
			rc = BENCH_EXIT_USAGE;
			goto out_stop;
		}
		r = bench_cli_sim_spawn(model, seed + (uint64_t)i, &slots[i].fault,
					slots[i].fault ? 1 : 0, &slots[i].sim);
		if (r < 0) {
			bench_cli_error("slot %d: cannot start the emulated rig '%s': %s", i + 1,
					model, bench_strerror(r));
			rc = BENCH_EXIT_ERROR;
			goto out_stop;
		}
		slots[i].uri = slots[i].sim.uri;
	}

	/* Start every slot, then wait for all of them. */
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < k; i++) {
		slots[i].pid = fork();
		if (slots[i].pid < 0) {
			slots[i].rc = BENCH_EXIT_ERROR;
			continue;
		}
		if (slots[i].pid == 0) {
			char *args[136];
			int j;

			for (j = 0; j < n_pass; j++)
				args[j] = pass[j];
			args[j++] = serial_opt;
			args[j++] = slots[i].serial;
			args[j++] = uri_opt;
			args[j++] = (char *)slots[i].uri;
			args[j] = NULL;
			_exit(bench_cmd_run(j, args));
		}
	}
	for (i = 0; i < k; i++) {
		int status;

		if (slots[i].pid <= 0)
			continue;
		while (waitpid(slots[i].pid, &status, 0) < 0 && errno == EINTR)
			;
		slots[i].seconds = (double)(bench_clock_now_ns() - t0) * 1e-9;
		slots[i].rc = WIFEXITED(status) ? WEXITSTATUS(status) : BENCH_EXIT_ERROR;
		if (WIFSIGNALED(status))
			bench_cli_error("slot %d (%s) ended by signal %d", i + 1, slots[i].serial,
					WTERMSIG(status));
	}

	printf("\n%-5s %-20s %-8s %-9s %s\n", "slot", "serial", "verdict", "ended", "fault");
	for (i = 0; i < k; i++) {
		int s = slots[i].rc;

		printf("%-5d %-20s %-8s %7.1f s %s\n", i + 1, slots[i].serial,
		       s == 0  ? "PASS" :
		       s == 1  ? "FAIL" :
		       s == 64 ? "USAGE" :
				 "ERROR",
		       slots[i].seconds, slots[i].fault ? slots[i].fault : "-");
		if (s == BENCH_EXIT_USAGE)
			rc = BENCH_EXIT_USAGE;
		else if (rc != BENCH_EXIT_USAGE && (s == BENCH_EXIT_ERROR || s > 2))
			rc = BENCH_EXIT_ERROR;
		else if (rc == BENCH_EXIT_PASS && s == BENCH_EXIT_FAIL)
			rc = BENCH_EXIT_FAIL;
	}
	printf("%d slots in %.1f s (%.0f units/hour)\n", k,
	       (double)(bench_clock_now_ns() - t0) * 1e-9,
	       k * 3600.0 / ((double)(bench_clock_now_ns() - t0) * 1e-9));

out_stop:
	for (i = 0; i < k; i++)
		bench_cli_sim_stop(&slots[i].sim);
	return rc;
}
