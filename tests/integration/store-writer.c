// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for the store's durability tests: a bench-like writer that
 * records trials of one test in a loop, the way the engine does, and can be
 * killed at any moment.
 *
 *   store-writer DB SEED N_TRIALS [new|resume] [MEASUREMENTS]
 *
 * "new" begins a run; "resume" takes over the newest interrupted run and
 * continues after its last completed trial. Every trial's seed and values
 * derive from SEED and the trial index only, so a resumed run records what an
 * uninterrupted one would. Each trial also writes a small artifact file.
 * Prints "committed SEQ" after each commit and "done RUN_ID" at the end.
 * Exit: 0 done, 2 store error (message on stderr), 64 usage.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/parse.h"
#include "store/store.h"

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int fail(const char *what, int r)
{
	fprintf(stderr, "store-writer: %s: %s\n", what, strerror(-r));
	return 2;
}

struct last {
	int next_seq;
};

static int last_trial(void *ctx, const struct bench_store_trial_row *row)
{
	struct last *l = ctx;

	if (row->seq + 1 > l->next_seq)
		l->next_seq = row->seq + 1;
	return 0;
}

static int newest_interrupted(void *ctx, const struct bench_store_run_row *row)
{
	*(int64_t *)ctx = row->id;
	return 1; /* newest first: stop at the first */
}

static int write_artifact(struct bench_store *st, int64_t run_id, int seq, uint64_t tseed,
			  struct bench_store_artifact *a, char *rel, size_t rel_size)
{
	struct bench_buf path = BENCH_BUF_INIT;
	uint64_t words[64];
	FILE *f;
	int r, i;

	r = bench_store_run_dir(st, run_id, &path);
	if (r < 0)
		return r;
	mkdir(bench_buf_str(&path), 0755); /* "<db>.d/" is made by the caller */
	snprintf(rel, rel_size, "trial-%04d.bin", seq);
	r = bench_buf_appendf(&path, "/%s", rel);
	if (r < 0)
		goto out;
	for (i = 0; i < 64; i++)
		words[i] = splitmix64(tseed + (uint64_t)i);
	f = fopen(bench_buf_str(&path), "wb");
	if (!f) {
		r = -errno;
		goto out;
	}
	if (fwrite(words, sizeof(words), 1, f) != 1)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	a->kind = "capture";
	a->path = rel;
	a->media_type = "application/octet-stream";
out:
	bench_buf_free(&path);
	return r;
}

int main(int argc, char **argv)
{
	struct bench_store_dut dut = { .model = "ACME-1", .serial = "SN-KILL" };
	struct bench_store_protocol proto = { .protocol_id = "noise.input-referred",
					      .version = "1",
					      .xml = "<protocol id='noise'/>",
					      .xml_len = 22 };
	struct bench_store_run_info info = { .run_type = BENCH_STORE_RUN_CERTIFICATION,
					     .slot = -1 };
	struct bench_store_measurement *m;
	struct bench_store *st;
	struct bench_buf dir = BENCH_BUF_INIT;
	struct last last = { 0 };
	uint64_t seed, n_trials, n_meas = 50;
	int64_t run_id = 0, test_id;
	bool resume;
	int r, seq;
	size_t i;

	if (argc < 5 || bench_parse_u64(argv[2], &seed) < 0 ||
	    bench_parse_u64(argv[3], &n_trials) < 0 ||
	    (strcmp(argv[4], "new") != 0 && strcmp(argv[4], "resume") != 0) ||
	    (argc > 5 && bench_parse_u64(argv[5], &n_meas) < 0) || n_meas == 0 || n_meas > 100000) {
		fprintf(stderr, "usage: store-writer DB SEED N_TRIALS new|resume [MEASUREMENTS]\n");
		return 64;
	}
	resume = strcmp(argv[4], "resume") == 0;
	m = calloc(n_meas, sizeof(*m));
	if (!m)
		return 2;

	r = bench_store_open(argv[1], 0, &st);
	if (r < 0)
		return fail("open", r);
	bench_buf_appendf(&dir, "%s.d", argv[1]);
	mkdir(bench_buf_str(&dir), 0755);
	bench_buf_free(&dir);

	if (resume) {
		struct bench_store_run_filter f = { .status = "interrupted" };

		r = bench_store_runs_list(st, &f, newest_interrupted, &run_id);
		if (r < 0)
			return fail("list", r);
		if (!run_id) {
			fprintf(stderr, "store-writer: no interrupted run\n");
			return 2;
		}
		r = bench_store_run_resume(st, run_id, "store-writer resume");
		if (r < 0)
			return fail("resume", r);
		r = bench_store_test_find(st, run_id, 0, &test_id);
		if (r < 0)
			return fail("test_find", r);
		r = bench_store_trials_completed(st, run_id, last_trial, &last);
		if (r < 0)
			return fail("trials_completed", r);
	} else {
		int64_t proto_id;

		info.seed = seed;
		r = bench_store_add_dut(st, &dut, &info.dut_id);
		if (r == 0)
			r = bench_store_add_protocol(st, &proto, &proto_id);
		if (r == 0)
			r = bench_store_run_begin(st, &info, &run_id, NULL);
		if (r == 0)
			r = bench_store_test_begin(st, run_id, proto_id, 0, "noise", &test_id);
		if (r < 0)
			return fail("begin", r);
	}

	for (seq = last.next_seq; seq < (int)n_trials; seq++) {
		uint64_t tseed = splitmix64(seed ^ (uint64_t)seq);
		struct bench_store_artifact art;
		struct bench_store_trial t = {
			.seq = seq,
			.attempt = 1,
			.seed = tseed,
			.status = "PASS",
			.measurements = m,
			.n_measurements = n_meas,
			.artifacts = &art,
			.n_artifacts = 1,
		};
		char names[8][16];
		char rel[64];

		for (i = 0; i < 8; i++)
			snprintf(names[i], sizeof(names[i]), "metric_%zu", i);
		for (i = 0; i < n_meas; i++) {
			uint64_t v = splitmix64(tseed + i);

			m[i] = (struct bench_store_measurement){
				.name = names[i % 8],
				.value = (double)(v >> 11) * 0x1.0p-53 * 10.0,
				.unit = "uV",
				.u = 0.01,
				.u_expanded = 0.02,
				.k = 2.0,
				.limit_low = NAN,
				.limit_high = 10.0,
				.comparator = "LE",
				.marginal_low = NAN,
				.marginal_high = 9.98,
				.decision_rule = "guarded",
				.verdict = "PASS",
				.evidence = "S",
				.clause = "201.12.4.4",
			};
		}
		r = write_artifact(st, run_id, seq, tseed, &art, rel, sizeof(rel));
		if (r < 0)
			return fail("artifact", r);
		r = bench_store_trial_commit(st, test_id, &t, NULL);
		if (r < 0)
			return fail("trial_commit", r);
		printf("committed %d\n", seq);
		fflush(stdout);
	}
	r = bench_store_test_end(st, test_id, "PASS");
	if (r == 0)
		r = bench_store_run_set_status(st, run_id, BENCH_STORE_RUN_PASSED, "all passed");
	if (r < 0)
		return fail("end", r);
	printf("done %lld\n", (long long)run_id);
	bench_store_close(st);
	free(m);
	return 0;
}
