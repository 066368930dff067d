// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench run --slots K`: the same suite on K DUTs at once, into one database.
 *
 * Each slot is an independent `bcibench run` in its own process, with its own serial, its
 * own rig connection, its own safe state and its own verdict; the results store takes the
 * concurrent writers (WAL, busy timeout, retries). A slot that fails or crashes does not
 * disturb the others: its exit code is reported in the table and folded into ours.
 *
 * The slots come from the fixture's <slots> section (docs/fixtures.md): one <slot> per test
 * socket with its context URI and, optionally, the serial of the DUT in it; the first K are
 * used. A fixture without <slots> gives K copies of its own context. A "sim:NAME" context
 * gets its own `bcibench sim` process per slot (a rig per DUT, as on a QA line with K test
 * sockets); `--slot-fault N:NAME=VALUE` seeds a defect into slot N's emulated rig,
 * `--slot-uri N:URI` replaces slot N's context, and `--dut-serial A,B,...` the serials.
 * Each slot has its own safe-state marker (MARKER-slot-NAME), so a crashed slot is found
 * unclean on its next start without touching its neighbours. After the runs, every slot's
 * run gets a "slot" event naming the socket and its context.
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
#include "fixture/fixture.h"
#include "store/store.h"

#define MAX_SLOTS 16

struct slot {
	char name[BENCH_FIXTURE_NAME_MAX];
	char serial[64];
	char uri[256];	   /* the slot's context: fixture, --slot-uri, or its emulated rig */
	char marker[512];  /* its own safe-state marker */
	const char *fault; /* NAME=VALUE for the slot's emulated rig, or NULL */
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

/* Splits "A,B,C" into the first @k slots' serials. Return: 0 or -EINVAL. */
static int split_serials(const char *list, struct slot *slots, int k)
{
	const char *p = list;
	int i;

	for (i = 0; i < k; i++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 0 || len >= sizeof(slots[i].serial) || (!comma && i + 1 < k))
			return -EINVAL;
		memcpy(slots[i].serial, p, len);
		slots[i].serial[len] = '\0';
		p = comma ? comma + 1 : p + len;
	}
	return *p ? -EINVAL : 0;
}

struct newest_run {
	int64_t id;
};

static int take_newest(void *ctx, const struct bench_store_run_row *row)
{
	struct newest_run *n = ctx;

	if (!n->id)
		n->id = row->id;
	return 0;
}

/* Adds a "slot" event to the newest run of @sl's serial in @db (if there is one). */
static void note_slot(const char *db, const char *fixture, const struct slot *sl)
{
	struct bench_store_run_filter filter = { .dut_serial = sl->serial, .limit = 1 };
	struct newest_run n = { 0 };
	struct bench_store *st;
	char msg[768];
	struct bench_store_event ev = { .kind = "slot",
					.source = "bcibench run --slots",
					.message = msg,
					.t_ns = BENCH_STORE_NO_TIME };

	snprintf(msg, sizeof(msg), "slot %s of %s, context %s%s%s", sl->name, fixture,
		 sl->sim.pid ? "emulated rig " : "", sl->uri, sl->fault ? ", seeded fault " : "");
	if (sl->fault)
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s", sl->fault);
	if (bench_store_open(db, BENCH_STORE_OPEN_EXISTING, &st) < 0)
		return;
	if (bench_store_runs_list(st, &filter, take_newest, &n) == 0 && n.id)
		bench_store_event_add(st, n.id, 0, &ev, NULL);
	bench_store_close(st);
}

int bench_cli_run_slots(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("run");
	struct slot slots[MAX_SLOTS];
	struct bench_fixture *fx = NULL;
	struct bench_fixture_error ferr;
	char *pass[128], uri_opt[] = "--uri", serial_opt[] = "--dut-serial",
			 marker_opt[] = "--marker", pace_opt[] = "--pace", fast[] = "fast";
	const char *fixture = NULL, *serials = NULL, *marker = NULL, *db = "bcibench.db";
	const char *state = getenv("BCIBENCH_STATE_DIR");
	int64_t t0 = bench_clock_now_ns();
	int k = 0, i, n_pass = 0, rc = BENCH_EXIT_PASS, r;
	char name[256];
	uint64_t seed = 1;
	bool realtime = false, pace_given = false;
	double total_s;

	memset(slots, 0, sizeof(slots));
	/* First pass: --slots; everything not slot-specific is passed to each slot's run. */
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
		const char *rest;
		int n;

		if (strcmp(a, "--slots") == 0) {
			i++;
		} else if (strcmp(a, "--dut-serial") == 0 && i + 1 < argc) {
			serials = argv[++i];
		} else if (strcmp(a, "--marker") == 0 && i + 1 < argc) {
			marker = argv[++i];
		} else if (strcmp(a, "--slot-fault") == 0 && i + 1 < argc) {
			if (slot_arg(argv[++i], k, &n, &rest) < 0)
				return bench_cli_usage_error(cmd,
							     "--slot-fault takes N:NAME=VALUE");
			slots[n - 1].fault = rest;
		} else if (strcmp(a, "--slot-uri") == 0 && i + 1 < argc) {
			if (slot_arg(argv[++i], k, &n, &rest) < 0 || !*rest ||
			    strlen(rest) >= sizeof(slots[0].uri))
				return bench_cli_usage_error(cmd, "--slot-uri takes N:URI");
			snprintf(slots[n - 1].uri, sizeof(slots[n - 1].uri), "%s", rest);
		} else if (strcmp(a, "--uri") == 0) {
			return bench_cli_usage_error(cmd, "with --slots, give --slot-uri N:URI");
		} else {
			if (strcmp(a, "--fixture") == 0 && i + 1 < argc)
				fixture = argv[i + 1];
			if (strcmp(a, "--db") == 0 && i + 1 < argc)
				db = argv[i + 1];
			if (strcmp(a, "--pace") == 0 && i + 1 < argc) {
				realtime = strcmp(argv[i + 1], "realtime") == 0;
				pace_given = true;
			}
			if (strcmp(a, "--seed") == 0 && i + 1 < argc &&
			    bench_parse_u64(argv[i + 1], &seed) < 0)
				return bench_cli_usage_error(cmd, "bad --seed");
			if (n_pass >= (int)BENCH_ARRAY_SIZE(pass) - 8)
				return bench_cli_usage_error(cmd, "too many arguments");
			pass[n_pass++] = argv[i];
		}
	}
	if (!fixture)
		return bench_cli_usage_error(cmd, "--fixture is required");
	r = bench_fixture_load(fixture, 0, bench_fixture_today_days(), &fx, &ferr);
	if (r < 0) {
		fprintf(stderr, "%s\n", ferr.text);
		return r == -ENOMEM ? BENCH_EXIT_ERROR : BENCH_EXIT_USAGE;
	}
	if (fx->n_slots && (size_t)k > fx->n_slots) {
		bench_cli_error("%s: --slots %d, but the fixture lists %zu slots", fixture, k,
				fx->n_slots);
		rc = BENCH_EXIT_USAGE;
		goto out_stop;
	}

	/* Each slot: name, serial, context and marker. */
	for (i = 0; i < k; i++) {
		struct slot *sl = &slots[i];
		const struct bench_fixture_slot *fs = fx->n_slots ? &fx->slots[i] : NULL;

		if (fs) {
			snprintf(sl->name, sizeof(sl->name), "%s", fs->name);
			snprintf(sl->serial, sizeof(sl->serial), "%s", fs->dut_serial);
		} else {
			snprintf(sl->name, sizeof(sl->name), "slot%d", i + 1);
		}
		if (!sl->uri[0])
			snprintf(sl->uri, sizeof(sl->uri), "%s", fs ? fs->uri : fx->uri);
		/* Formatted from a copy of the name: GCC's -Wrestrict cannot tell the members of
		 * one slot apart. */
		snprintf(name, sizeof(name), "%s", sl->name);
		if (marker)
			snprintf(sl->marker, sizeof(sl->marker), "%s-slot-%s", marker, name);
		else if (state && *state)
			snprintf(sl->marker, sizeof(sl->marker), "%s/bcibench-live-slot-%s", state,
				 name);
		else
			snprintf(sl->marker, sizeof(sl->marker), "/tmp/bcibench-live-%ld-slot-%s",
				 (long)getuid(), name);
		if (sl->fault && strncmp(sl->uri, "sim:", 4) != 0) {
			rc = bench_cli_usage_error(cmd, "--slot-fault %d: slot %s is not emulated",
						   i + 1, sl->name);
			goto out_stop;
		}
	}
	if (serials && split_serials(serials, slots, k) < 0) {
		rc = bench_cli_usage_error(cmd, "--dut-serial: exactly %d comma-separated serials",
					   k);
		goto out_stop;
	}
	for (i = 0; i < k; i++) {
		int j;

		if (!slots[i].serial[0]) {
			rc = bench_cli_usage_error(cmd,
						   "slot %s has no DUT serial: give dut-serial in "
						   "the fixture's <slot> or --dut-serial A,B,...",
						   slots[i].name);
			goto out_stop;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(slots[i].serial, slots[j].serial)) {
				rc = bench_cli_usage_error(cmd,
							   "DUT serial %s is in slots %s and %s",
							   slots[i].serial, slots[j].name,
							   slots[i].name);
				goto out_stop;
			}
	}

	/* Rigs: a "sim:" context becomes an emulated rig of its own for the slot. */
	for (i = 0; i < k; i++) {
		struct slot *sl = &slots[i];

		if (strncmp(sl->uri, "sim:", 4) != 0)
			continue;
		r = bench_cli_sim_spawn(sl->uri + 4, seed + (uint64_t)i, realtime, &sl->fault,
					sl->fault ? 1 : 0, &sl->sim);
		if (r < 0) {
			bench_cli_error("slot %s: cannot start the emulated rig '%s': %s", sl->name,
					sl->uri + 4, bench_strerror(r));
			rc = BENCH_EXIT_ERROR;
			goto out_stop;
		}
		snprintf(name, sizeof(name), "%s", sl->sim.uri);
		snprintf(sl->uri, sizeof(sl->uri), "%s", name);
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
			args[j++] = slots[i].uri;
			args[j++] = marker_opt;
			args[j++] = slots[i].marker;
			if (slots[i].sim.pid && !pace_given) {
				args[j++] = pace_opt; /* its emulated rig runs fast */
				args[j++] = fast;
			}
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
			bench_cli_error("slot %s (%s) ended by signal %d", slots[i].name,
					slots[i].serial, WTERMSIG(status));
	}
	total_s = (double)(bench_clock_now_ns() - t0) * 1e-9;
	for (i = 0; i < k; i++)
		note_slot(db, fixture, &slots[i]);

	printf("\n%-5s %-12s %-20s %-8s %-9s %s\n", "slot", "name", "serial", "verdict", "ended",
	       "fault");
	for (i = 0; i < k; i++) {
		int s = slots[i].rc;

		printf("%-5d %-12s %-20s %-8s %7.1f s %s\n", i + 1, slots[i].name, slots[i].serial,
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
	printf("%d slots in %.1f s (%.0f units/hour)\n", k, total_s, k * 3600.0 / total_s);

out_stop:
	for (i = 0; i < k; i++)
		bench_cli_sim_stop(&slots[i].sim);
	bench_fixture_free(fx);
	return rc;
}
