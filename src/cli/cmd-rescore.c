// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench rescore RUN`: recompute a recorded run from its trial capture records with
 * this build's metric code (engine/rescore.h) as a new run linked to RUN, then print what
 * changed as `bcibench compare RUN NEW` does. Limits and DUT claims come from the files
 * recorded with RUN (its run-level `limits` and `dut-profile` artifacts) unless
 * --limits-dir / --dut-profile name others. Exit: 0 nothing changed, 1 verdict flips or
 * shifts beyond uncertainty, 2 an artifact does not match its recorded hash (the file is
 * named) or the bench failed, 64 usage, unknown run, invalid limits or profile file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/error.h"
#include "engine/rescore.h"
#include "protocol/protocol.h"
#include "store/store.h"

struct rescore_args {
	const char *db;
	const char *run;
	const char *limits_dir;
	const char *profile;
	bool json;
};

static int parse_args(const struct bench_cli_command *cmd, int argc, char **argv,
		      struct rescore_args *a)
{
	const char *env = getenv("BCIBENCH_DB");
	int i;

	memset(a, 0, sizeof(*a));
	a->db = env && env[0] ? env : "bcibench.db";
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		bool has_val = i + 1 < argc;

		if (strcmp(o, "--json") == 0)
			a->json = true;
		else if (strcmp(o, "--db") == 0 && has_val)
			a->db = argv[++i];
		else if (strcmp(o, "--limits-dir") == 0 && has_val)
			a->limits_dir = argv[++i];
		else if (strcmp(o, "--dut-profile") == 0 && has_val)
			a->profile = argv[++i];
		else if (o[0] == '-' && o[1])
			return bench_cli_usage_error(cmd, "unknown or incomplete option '%s'", o);
		else if (!a->run)
			a->run = o;
		else
			return bench_cli_usage_error(cmd, "unexpected argument '%s'", o);
	}
	if (!a->run)
		return bench_cli_usage_error(cmd, "missing RUN");
	return 0;
}

static int open_lib(const struct rescore_args *a, struct bench_protocol_lib **ret)
{
	struct bench_buf err = BENCH_BUF_INIT;
	int r;

	r = bench_protocol_lib_new(a->limits_dir, ret);
	if (r < 0) {
		bench_cli_error("%s", bench_strerror(r));
		return BENCH_EXIT_ERROR;
	}
	if (a->profile) {
		r = bench_protocol_lib_set_profile(*ret, a->profile, &err);
		if (r < 0) {
			if (err.len)
				fputs(bench_buf_str(&err), stderr);
			else
				bench_cli_error("%s: %s", a->profile, bench_strerror(r));
			bench_buf_free(&err);
			bench_protocol_lib_free(*ret);
			*ret = NULL;
			return BENCH_EXIT_USAGE;
		}
	}
	bench_buf_free(&err);
	return 0;
}

int bench_cmd_rescore(int argc, char **argv)
{
	const struct bench_cli_command *cmd = bench_cli_find("rescore");
	struct bench_engine_rescore_options o = { 0 };
	struct bench_engine_rescore_result res;
	struct bench_protocol_lib *lib = NULL;
	struct bench_buf rec_limits = BENCH_BUF_INIT, rec_profile = BENCH_BUF_INIT;
	struct bench_store *st = NULL;
	struct rescore_args a;
	int64_t run_id, n_changes = 0;
	int r, rc;

	rc = parse_args(cmd, argc, argv, &a);
	if (rc)
		return rc;
	r = bench_store_open(a.db, BENCH_STORE_OPEN_EXISTING, &st);
	if (r == -ENOENT) {
		bench_cli_error("%s: no such database", a.db);
		return BENCH_EXIT_USAGE;
	}
	if (r < 0) {
		bench_cli_error("%s: cannot open the database: %s", a.db, bench_strerror(r));
		return r == -EPROTO ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	}
	r = bench_store_run_find(st, a.run, &run_id);
	if (r < 0) {
		bench_cli_error("%s: %s run '%s'", a.db,
				r == -EINVAL ? "ambiguous or malformed" : "no", a.run);
		bench_store_close(st);
		return r == -ENOENT || r == -EINVAL ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
	}
	/* Limits and DUT profile: the options, else the files recorded with the run. */
	r = bench_engine_rescore_inputs(st, run_id, &rec_limits, &rec_profile);
	if (r < 0) {
		bench_cli_error("%s: %s", a.db, bench_strerror(r));
		rc = BENCH_EXIT_ERROR;
		goto out;
	}
	if (!a.limits_dir && rec_limits.len)
		a.limits_dir = bench_buf_str(&rec_limits);
	if (!a.profile && rec_profile.len)
		a.profile = bench_buf_str(&rec_profile);
	rc = open_lib(&a, &lib);
	if (rc)
		goto out;
	o.store = st;
	o.run_id = run_id;
	o.lib = lib;
	r = bench_engine_rescore(&o, &res);
	if (r < 0) {
		bench_cli_error("rescore of run '%s' refused: %s%s%s", a.run, res.what,
				res.what[0] ? ": " : "", bench_strerror(r));
		rc = r == -EINVAL && !res.run_id ? BENCH_EXIT_USAGE : BENCH_EXIT_ERROR;
		goto out;
	}
	if (a.json) {
		printf("{\"rescored_from\":%" PRId64 ",\"run\":{\"id\":%" PRId64
		       ",\"uuid\":\"%s\",\"verdict\":\"%s\"},\"tests\":%zu,\"trials\":%zu,"
		       "\"carried\":%zu,\"measurements\":%zu,\"artifacts_verified\":%zu,",
		       run_id, res.run_id, res.uuid, bench_verdict_name(res.verdict), res.n_tests,
		       res.n_trials, res.n_carried, res.n_measurements, res.n_artifacts);
	} else {
		printf("rescored run %s as %s (run %" PRId64 "): %zu tests, %zu trials "
		       "recomputed, %zu carried over, %zu measurements, %zu artifacts verified; "
		       "verdict %s\n\n",
		       a.run, res.uuid, res.run_id, res.n_tests, res.n_trials, res.n_carried,
		       res.n_measurements, res.n_artifacts, bench_verdict_name(res.verdict));
	}
	r = bench_cli_compare_print(st, run_id, res.run_id, a.json, &n_changes);
	if (a.json)
		fputs("}\n", stdout);
	if (r < 0) {
		bench_cli_error("%s: %s", a.db, bench_strerror(r));
		rc = BENCH_EXIT_ERROR;
	} else {
		rc = n_changes ? BENCH_EXIT_FAIL : BENCH_EXIT_PASS;
	}
out:
	bench_protocol_lib_free(lib);
	bench_store_close(st);
	bench_buf_free(&rec_limits);
	bench_buf_free(&rec_profile);
	return rc;
}
