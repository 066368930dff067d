// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/protocol: the standard library loads and validates; malformed protocols, suites,
 * limits files and DUT profiles are rejected with FILE:LINE; limits resolve with units
 * checked; overrides and conditions apply; plans are deterministic in the run seed.
 * Test files are in tests/data/protocol/ (found through BCIBENCH_SOURCE_ROOT).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "protocol/protocol.h"

static char path_buf[4][4096];
static unsigned path_slot;

/* A path under the source tree; valid until four more calls. */
static const char *src_path(const char *rel)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	char *p = path_buf[path_slot++ % 4];

	cr_assert(root, "BCIBENCH_SOURCE_ROOT not set (run through meson test)");
	snprintf(p, sizeof(path_buf[0]), "%s/%s", root, rel);
	return p;
}

static const char *data(const char *rel)
{
	char tmp[1024];

	snprintf(tmp, sizeof(tmp), "tests/data/protocol/%s", rel);
	return src_path(tmp);
}

static struct bench_protocol_lib *lib;
static struct bench_buf err = BENCH_BUF_INIT;

static void setup(void)
{
	cr_assert_eq(bench_protocol_lib_new(NULL, &lib), 0);
}

static void teardown(void)
{
	bench_protocol_lib_free(lib);
	bench_buf_free(&err);
}

TestSuite(protocol, .init = setup, .fini = teardown);

/* Validates every XML file under protocols/<dir>/; returns how many. */
static int validate_dir(const char *dir)
{
	char rel[512];
	struct dirent **ents;
	int n, i, count = 0;

	snprintf(rel, sizeof(rel), "protocols/%s", dir);
	n = scandir(src_path(rel), &ents, NULL, alphasort);
	cr_assert_geq(n, 0, "cannot read %s", rel);
	for (i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);

		if (len > 4 && strcmp(ents[i]->d_name + len - 4, ".xml") == 0) {
			char f[1024];

			snprintf(f, sizeof(f), "protocols/%s/%s", dir, ents[i]->d_name);
			bench_buf_clear(&err);
			cr_expect_eq(bench_protocol_validate_file(lib, src_path(f), &err), 0,
				     "%s: %s", f, bench_buf_str(&err));
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	return count;
}

Test(protocol, every_library_file_loads_and_validates)
{
	static const char *const families[] = { "eeg", "neural", "decoder", "stim", "reliability" };
	int n = 0;
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		n += validate_dir(families[i]);
	cr_expect_geq(n, 30, "only %d protocols in the library", n);
	cr_expect_geq(validate_dir("limits"), 5);
	cr_expect_geq(validate_dir("suites"), 5);
}

Test(protocol, every_dut_profile_validates)
{
	struct dirent **ents;
	int n, i, count = 0;

	n = scandir(src_path("fixtures/duts"), &ents, NULL, alphasort);
	cr_assert_geq(n, 0);
	for (i = 0; i < n; i++) {
		if (strstr(ents[i]->d_name, ".xml")) {
			char f[512];
			struct bench_dut_profile *p = NULL;

			snprintf(f, sizeof(f), "fixtures/duts/%s", ents[i]->d_name);
			bench_buf_clear(&err);
			cr_expect_eq(bench_dut_profile_load(src_path(f), &err, &p), 0, "%s: %s", f,
				     bench_buf_str(&err));
			bench_dut_profile_free(p);
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	cr_expect_geq(count, 4);
}

/* Each standard suite expands to a plan with the emulated DUT of its class. */
Test(protocol, every_suite_plans_with_its_dut_profile)
{
	static const char *const pairs[][2] = {
		{ "eeg-amp-production", "sim-eeg-amp" },
		{ "eeg-amp-certification", "sim-eeg-amp" },
		{ "eeg-amp-reliability", "sim-eeg-amp" },
		{ "neural-recorder", "sim-neural-recorder" },
		{ "ssvep-decoder", "sim-ssvep-decoder" },
		{ "closed-loop-stim", "sim-closed-loop-stim" },
	};
	size_t i, t;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct bench_protocol_lib *l = NULL;
		struct bench_plan *plan = NULL;
		char f[256];

		cr_assert_eq(bench_protocol_lib_new(NULL, &l), 0);
		snprintf(f, sizeof(f), "fixtures/duts/%s.xml", pairs[i][1]);
		bench_buf_clear(&err);
		cr_assert_eq(bench_protocol_lib_set_profile(l, src_path(f), &err), 0, "%s",
			     bench_buf_str(&err));
		snprintf(f, sizeof(f), "protocols/suites/%s.xml", pairs[i][0]);
		cr_expect_eq(bench_plan_from_suite(l, src_path(f), 42, &err, &plan), 0, "%s: %s", f,
			     bench_buf_str(&err));
		if (plan) {
			cr_expect_gt(plan->n_trials, 0);
			for (t = 0; t < plan->n_tests; t++) {
				size_t c;
				const struct bench_protocol *p = plan->tests[t].protocol;

				for (c = 0; c < p->n_criteria; c++)
					cr_expect(p->criteria[c].resolved, "%s: criterion %zu",
						  p->id, c);
			}
		}
		bench_plan_free(plan);
		bench_protocol_lib_free(l);
	}
}

struct bad_case {
	const char *file;
	int line;
	const char *message;
};

static void expect_rejected(const struct bad_case *c, const char *profile)
{
	char want[2048];
	const char *path = data(c->file);
	struct bench_protocol_lib *l = NULL;
	int r;

	cr_assert_eq(bench_protocol_lib_new(NULL, &l), 0);
	if (profile)
		cr_assert_eq(bench_protocol_lib_set_profile(l, data(profile), &err), 0);
	bench_buf_clear(&err);
	r = bench_protocol_validate_file(l, path, &err);
	cr_expect_eq(r, -EINVAL, "%s: got %d", c->file, r);
	snprintf(want, sizeof(want), "%s:%d: ", path, c->line);
	cr_expect(strstr(bench_buf_str(&err), want), "%s: wanted '%s' in:\n%s", c->file, want,
		  bench_buf_str(&err));
	cr_expect(strstr(bench_buf_str(&err), c->message), "%s: wanted '%s' in:\n%s", c->file,
		  c->message, bench_buf_str(&err));
	bench_protocol_lib_free(l);
}

Test(protocol, malformed_protocols_give_file_and_line)
{
	static const struct bad_case cases[] = {
		{ "proto/bad-xml.xml", 4, "tag mismatch" },
		{ "proto/bad-schema.xml", 25, "'sometimes'" },
		{ "proto/bad-unknown-limit.xml", 22,
		  "unknown limit id 'test-limits#no-such-limit'" },
		{ "proto/bad-unknown-set.xml", 22, "limits file 'no-such-set' not found" },
		{ "proto/bad-unit-mismatch.xml", 20,
		  "unit mismatch: metric 'noise' is in uV but limit "
		  "'noise-mv' is in mV" },
		{ "proto/bad-unknown-metric.xml", 16, "unknown metric 'timebase_wobble'" },
		{ "proto/bad-metric-unit.xml", 14, "cannot be expressed in dB" },
		{ "proto/bad-marginal-unit.xml", 20, "marginal band in mV" },
		{ "proto/bad-criterion-metric.xml", 22, "unknown metric 'tbx'" },
		{ "proto/bad-stimulus-name.xml", 7, "Expected is ( stimulus )" },
		{ "proto/bad-stimulus-param.xml", 7, "amp_wobble" },
		{ "proto/bad-condition-path.xml", 11, "selects nothing" },
		{ "proto/bad-within-nominal.xml", 19, "needs a nominal" },
		{ "proto/bad-both-refs.xml", 23, "exactly one of limit and dut-claim" },
		{ "proto/bad-override-id.xml", 10, "id cannot be overridden" },
		{ "proto/bad-title-lang.xml", 4, "a second <title> must have xml:lang=\"zh-CN\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_rejected(&cases[i], NULL);
}

Test(protocol, malformed_suites_give_file_and_line)
{
	static const struct bad_case cases[] = {
		{ "suites/bad-override-path.xml", 10, "selects nothing" },
		{ "suites/bad-override-type.xml", 8, "does not load" },
		{ "suites/bad-id-mismatch.xml", 13, "has id 'test-good', not 'test-other'" },
		{ "suites/bad-class.xml", 8, "does not apply to DUT class 'closed-loop-stim'" },
		{ "suites/bad-schema.xml", 5, "Expected is ( purpose )" },
		{ "suites/bad-missing-file.xml", 13, "does not load" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_rejected(&cases[i], NULL);
	/* The type error introduced by the override is reported in the protocol, marked. */
	cr_expect(strstr(bench_buf_str(&err), "") != NULL);
}

Test(protocol, override_type_error_names_the_override_effect)
{
	bench_buf_clear(&err);
	cr_expect_eq(bench_protocol_validate_file(lib, data("suites/bad-override-type.xml"), &err),
		     -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), "proto/good.xml:9: ") &&
			  strstr(bench_buf_str(&err), "(after suite overrides)"),
		  "%s", bench_buf_str(&err));
}

Test(protocol, malformed_limits_and_profiles_give_file_and_line)
{
	static const struct bad_case cases[] = {
		{ "bad-limits/within-no-tolerance.xml", 7, "needs tolerance-type" },
		{ "bad-limits/range-inverted.xml", 8, "low must be below high" },
		{ "bad-limits/duplicate-id.xml", 6, "Duplicate key-sequence" },
		{ "bad-limits/bad-evidence.xml", 7, "'X'" },
		{ "bad-limits/le-with-tolerance.xml", 5, "takes value only" },
		{ "bad-limits/missing-tolerance-abs.xml", 7, "needs tolerance-abs" },
		{ "bad-limits/bad-unit.xml", 8, "'furlong'" },
		{ "duts/bad-regex.xml", 5, "not a valid POSIX extended regular expression" },
		{ "duts/bad-duplicate-claim.xml", 8, "Duplicate key-sequence" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_rejected(&cases[i], NULL);
}

Test(protocol, missing_file_is_enoent)
{
	struct bench_protocol *p = NULL;

	cr_expect_eq(bench_protocol_load(lib, data("proto/nope.xml"), NULL, 0, &err, &p), -ENOENT);
	cr_expect_null(p);
}

Test(protocol, good_protocol_is_parsed_completely)
{
	struct bench_protocol *p = NULL;
	uint8_t d[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	const struct bench_protocol_criterion *c;

	cr_assert_eq(bench_protocol_load(lib, data("proto/good.xml"), NULL, 0, &err, &p), 0, "%s",
		     bench_buf_str(&err));
	cr_expect_str_eq(p->id, "test-good");
	cr_expect_str_eq(p->title, "A good protocol");
	cr_expect_null(p->title_zh);
	cr_expect_str_eq(p->version, "1.2.3");
	cr_expect_eq(p->n_metrics, 4);
	cr_expect_eq(p->n_criteria, 4);
	cr_expect_eq(p->trials, 4);
	cr_expect(p->randomised);
	cr_expect_eq(p->n_conditions, 2);
	cr_expect_eq(p->rule, BENCH_PROTOCOL_RULE_GUARDED);
	cr_expect_eq(p->retest.attempts, 3);
	cr_expect_eq(p->retest.final, BENCH_PROTOCOL_FINAL_ANY);
	cr_expect_eq(p->retest.before, BENCH_PROTOCOL_BEFORE_POWER_CYCLE);
	cr_expect_eq(p->setup.n, 1);
	cr_expect_eq(p->setup.v[0].kind, BENCH_PROTOCOL_STEP_POWER_CYCLE);
	cr_expect_eq(p->setup.v[0].off_ns, 500 * INT64_C(1000000));
	cr_expect_eq(p->setup.v[0].timeout_ns, 5000 * INT64_C(1000000));
	cr_expect_eq(p->setup.v[0].reset_ns, 10 * INT64_C(1000000));
	cr_expect_eq(p->teardown.v[0].kind, BENCH_PROTOCOL_STEP_SET_LINE);
	cr_expect_not(p->teardown.v[0].level_on);
	cr_expect(strstr(p->stimulus_xml, "<stimulus") == p->stimulus_xml);
	cr_expect(strstr(p->stimulus_xml, "name=\"amp_uv\" value=\"100\""));
	cr_expect_eq(p->capture_s, 2.0);
	cr_expect_eq(p->settle_s, 0.5);

	/* le 6 uV with a 0.5 uV marginal band */
	c = &p->criteria[0];
	cr_expect(c->resolved);
	cr_expect_eq(c->limit.unit, BENCH_UNIT_UV);
	cr_expect(isinf(c->low) && c->low < 0);
	cr_expect_eq(c->high, 6.0);
	cr_expect(c->high_inclusive);
	cr_expect(c->has_marginal);
	cr_expect_eq(c->marginal_width, 0.5);
	cr_expect_str_eq(c->limit.clause, "t1");
	cr_expect_eq(c->limit.evidence, BENCH_PROTOCOL_EVIDENCE_E);
	/* within 100 uV, +-5 % or +-2 uV whichever greater */
	c = &p->criteria[1];
	cr_expect_eq(c->limit.evidence, BENCH_PROTOCOL_EVIDENCE_S_STAR);
	cr_expect_float_eq(c->low, 100.0 - fmax(2.0, 0.05 * 100.0), 1e-12);
	cr_expect_float_eq(c->high, 100.0 + fmax(2.0, 0.05 * 100.0), 1e-12);
	/* range -100..100 ppm */
	c = &p->criteria[2];
	cr_expect_eq(c->low, -100.0);
	cr_expect_eq(c->high, 100.0);
	/* a DUT claim stays unresolved without a profile */
	cr_expect_not(p->criteria[3].resolved);
	cr_expect_str_eq(p->criteria[3].claim_id, "noise-rms");

	cr_assert_eq(bench_sha256_file(data("proto/good.xml"), d, NULL), 0);
	bench_sha256_hex(d, hex);
	cr_expect_str_eq(p->sha256_hex, hex);
	bench_protocol_free(p);
}

Test(protocol, dut_claims_resolve_with_a_profile_and_units_are_checked)
{
	struct bench_protocol *p = NULL;

	cr_assert_eq(bench_protocol_lib_set_profile(lib, data("duts/test-dut.xml"), &err), 0);
	cr_assert_eq(bench_protocol_load(lib, data("proto/good.xml"), NULL, 0, &err, &p), 0, "%s",
		     bench_buf_str(&err));
	cr_expect(p->criteria[3].resolved);
	cr_expect_eq(p->criteria[3].limit.evidence, BENCH_PROTOCOL_EVIDENCE_CLAIM);
	cr_expect_eq(p->criteria[3].high, 0.8);
	cr_expect_str_eq(p->criteria[3].limit.source, "datasheet p. 3");
	bench_protocol_free(p);
}

Test(protocol, claim_in_the_wrong_unit_is_rejected)
{
	struct bench_protocol *p = NULL;
	struct bench_protocol_set set = { (char *)"acceptance/criterion[@metric='snr']/@dut-claim",
					  (char *)"noise-mv", (char *)"test", 7 };

	cr_assert_eq(bench_protocol_lib_set_profile(lib, data("duts/test-dut.xml"), &err), 0);
	bench_buf_clear(&err);
	cr_expect_eq(bench_protocol_load(lib, data("proto/good.xml"), &set, 1, &err, &p), -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), "good.xml:23: unit mismatch: metric 'snr' is in uV "
					      "but DUT claim 'noise-mv' is in mV"),
		  "%s", bench_buf_str(&err));
}

Test(protocol, plan_without_profile_names_the_missing_claim)
{
	const char *paths[] = { data("proto/good.xml") };
	struct bench_plan *plan = NULL;

	cr_expect_eq(bench_plan_from_protocols(lib, paths, 1, 1, &err, &plan), -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), "good.xml:23: criterion on 'snr' needs DUT claim "
					      "'noise-rms'"),
		  "%s", bench_buf_str(&err));
}

Test(protocol, profile_of_another_class_is_refused_by_the_plan)
{
	const char *paths[] = { data("proto/good.xml") };
	struct bench_plan *plan = NULL;

	cr_assert_eq(bench_protocol_lib_set_profile(lib, data("duts/other-class.xml"), &err), 0);
	cr_expect_eq(bench_plan_from_protocols(lib, paths, 1, 1, &err, &plan), -EINVAL);
	cr_expect(strstr(bench_buf_str(&err), "does not apply to DUT class 'closed-loop-stim'"));
	bench_buf_clear(&err);
	cr_expect_eq(bench_plan_from_suite(lib, data("suites/good.xml"), 1, &err, &plan), -EINVAL);
}

Test(protocol, serial_format_is_matched_whole)
{
	struct bench_dut_profile *p = NULL;

	cr_assert_eq(bench_dut_profile_load(data("duts/test-dut.xml"), &err, &p), 0);
	cr_expect_eq(bench_dut_profile_check_serial(p, "TA-1234"), 0);
	cr_expect_eq(bench_dut_profile_check_serial(p, "TA-12345"), -EINVAL);
	cr_expect_eq(bench_dut_profile_check_serial(p, "xTA-1234"), -EINVAL);
	cr_expect_eq(bench_dut_profile_check_serial(p, ""), -EINVAL);
	bench_dut_profile_free(p);
}

/* Independent derivation of the documented seed formula (protocol.h). */
static uint64_t expected_seed(uint64_t run, const char *proto, const char *cond, unsigned k)
{
	uint8_t msg[512], d[BENCH_SHA256_LEN];
	size_t n = 0, i;
	uint64_t v = 0;

	memcpy(msg + n, "bcibench-trial-seed-v1", 23); /* with its NUL */
	n += 23;
	for (i = 0; i < 8; i++)
		msg[n++] = (uint8_t)(run >> (8 * i));
	memcpy(msg + n, proto, strlen(proto) + 1);
	n += strlen(proto) + 1;
	memcpy(msg + n, cond ? cond : "", strlen(cond ? cond : "") + 1);
	n += strlen(cond ? cond : "") + 1;
	for (i = 0; i < 4; i++)
		msg[n++] = (uint8_t)(k >> (8 * i));
	cr_assert_eq(bench_sha256(msg, n, d), 0);
	for (i = 0; i < 8; i++)
		v = (v << 8) | d[i];
	return v;
}

Test(protocol, plan_expands_conditions_and_overrides_with_derived_seeds)
{
	struct bench_plan *plan = NULL;
	unsigned seen[2][4] = { { 0 } };
	size_t i;

	cr_assert_eq(bench_protocol_lib_set_profile(lib, data("duts/test-dut.xml"), &err), 0);
	cr_assert_eq(bench_plan_from_suite(lib, data("suites/good.xml"), 77, &err, &plan), 0, "%s",
		     bench_buf_str(&err));
	/* two suite entries x two conditions; the first entry overridden to 2 trials, 3 s */
	cr_assert_eq(plan->n_tests, 4);
	cr_expect_eq(plan->tests[0].n_trials, 2);
	cr_expect_eq(plan->tests[0].protocol->capture_s, 3.0);
	cr_expect_eq(plan->tests[0].protocol->n_overrides, 2);
	cr_expect_eq(plan->tests[0].group, 0);
	cr_expect_eq(plan->tests[2].n_trials, 4);
	cr_expect_eq(plan->tests[2].protocol->capture_s, 2.0);
	cr_expect_eq(plan->tests[2].group, -1);
	cr_expect_eq(plan->n_trials, 2 + 2 + 4 + 4);
	cr_expect_str_eq(plan->tests[0].protocol->condition_id, "low");
	cr_expect_str_eq(plan->tests[1].protocol->condition_id, "high");
	/* the condition changed the stimulus and the criterion's nominal */
	cr_expect(strstr(plan->tests[0].protocol->stimulus_xml, "name=\"amp_uv\" value=\"10\""));
	cr_expect(strstr(plan->tests[1].protocol->stimulus_xml, "name=\"amp_uv\" value=\"1000\""));
	cr_expect_float_eq(plan->tests[1].protocol->criteria[1].high,
			   1000.0 + fmax(2.0, 0.05 * 1000.0), 1e-9);
	cr_expect_float_eq(plan->tests[0].protocol->criteria[1].low, 10.0 - fmax(2.0, 0.5), 1e-9);

	for (i = 0; i < plan->n_trials; i++) {
		const struct bench_plan_trial *t = &plan->trials[i];
		const struct bench_protocol *p = plan->tests[t->test].protocol;

		cr_expect_eq(t->sequence, i);
		cr_expect_eq(t->seed, expected_seed(77, p->id, p->condition_id, t->index));
		if (t->test >= 2) {
			cr_expect_eq(seen[t->test - 2][t->index], 0, "trial listed twice");
			seen[t->test - 2][t->index] = 1;
		}
	}
	bench_plan_free(plan);
}

Test(protocol, plan_is_a_pure_function_of_the_run_seed)
{
	struct bench_plan *a = NULL, *b = NULL, *c = NULL;
	size_t i;
	int same_order = 1, same_seeds = 1;

	cr_assert_eq(bench_protocol_lib_set_profile(lib, data("duts/test-dut.xml"), &err), 0);
	cr_assert_eq(bench_plan_from_suite(lib, data("suites/good.xml"), 5, &err, &a), 0);
	cr_assert_eq(bench_plan_from_suite(lib, data("suites/good.xml"), 5, &err, &b), 0);
	cr_assert_eq(bench_plan_from_suite(lib, data("suites/good.xml"), 6, &err, &c), 0);
	cr_assert_eq(a->n_trials, b->n_trials);
	for (i = 0; i < a->n_trials; i++) {
		cr_expect_eq(a->trials[i].test, b->trials[i].test);
		cr_expect_eq(a->trials[i].index, b->trials[i].index);
		cr_expect_eq(a->trials[i].seed, b->trials[i].seed);
		same_seeds &= a->trials[i].seed == c->trials[i].seed;
		same_order &= a->trials[i].test == c->trials[i].test &&
			      a->trials[i].index == c->trials[i].index;
	}
	cr_expect_not(same_seeds, "another run seed must give other stimulus seeds");
	(void)same_order; /* may coincide for a short list; the seeds may not */
	bench_plan_free(a);
	bench_plan_free(b);
	bench_plan_free(c);
}

Test(protocol, randomised_order_is_a_permutation_that_depends_on_the_seed)
{
	const char *paths[] = { src_path("tests/data/protocol/proto/randomised-order.xml") };
	struct bench_protocol_lib *l = NULL;
	struct bench_plan *a = NULL, *b = NULL;
	unsigned char *seen;
	size_t i, differ = 0, in_order = 0;

	cr_assert_eq(bench_protocol_lib_new(NULL, &l), 0);
	cr_assert_eq(bench_plan_from_protocols(l, paths, 1, 1, &err, &a), 0, "%s",
		     bench_buf_str(&err));
	cr_assert_eq(bench_plan_from_protocols(l, paths, 1, 2, &err, &b), 0);
	cr_assert_eq(a->n_trials, 2 * 15); /* two ISI conditions x 15 trials */
	seen = calloc(a->n_trials, 1);
	for (i = 0; i < a->n_trials; i++) {
		size_t key = a->trials[i].test * 15 + a->trials[i].index;

		cr_expect_eq(seen[key], 0);
		seen[key] = 1;
		in_order += key == i;
		differ += a->trials[i].test != b->trials[i].test ||
			  a->trials[i].index != b->trials[i].index;
	}
	cr_expect_lt(in_order, a->n_trials / 4, "order barely shuffled");
	cr_expect_gt(differ, a->n_trials / 2, "order does not depend on the seed");
	free(seen);
	bench_plan_free(a);
	bench_plan_free(b);
	bench_protocol_lib_free(l);
}

Test(protocol, metric_table_checks_names_and_units)
{
	cr_expect_eq(bench_protocol_metric_known("noise_p2v", BENCH_UNIT_UV), 0);
	cr_expect_eq(bench_protocol_metric_known("noise_p2v", BENCH_UNIT_MV), -EDOM);
	cr_expect_eq(bench_protocol_metric_known("itr", BENCH_UNIT_BITS_PER_MIN), 0);
	cr_expect_eq(bench_protocol_metric_known("shannon_k", BENCH_UNIT_NONE), 0);
	cr_expect_eq(bench_protocol_metric_known("telepathy", BENCH_UNIT_NONE), -ENOENT);
}

Test(protocol, root_element_dispatch)
{
	char *name = NULL;

	cr_assert_eq(bench_protocol_root_name(data("suites/good.xml"), &err, &name), 0);
	cr_expect_str_eq(name, "suite");
	cr_expect_eq(bench_protocol_file_kind(name), BENCH_PROTOCOL_FILE_SUITE);
	cr_expect_eq(bench_protocol_file_kind("fixture"), BENCH_PROTOCOL_FILE_OTHER);
	free(name);
}

/* Library protocols carry a Simplified Chinese title (dossiers in zh-CN, issue 8). */
Test(protocol, library_protocols_have_chinese_titles)
{
	static const char *const families[] = { "eeg", "neural", "decoder", "stim", "reliability" };
	struct bench_protocol *p = NULL;
	struct dirent **ents;
	size_t f;
	int n, i, count = 0;

	cr_assert_eq(bench_protocol_load(lib,
					 src_path("protocols/eeg/eeg-a3-frequency-response.xml"),
					 NULL, 0, &err, &p),
		     0, "%s", bench_buf_str(&err));
	cr_expect_str_eq(p->title, "Frequency response, corners and time constant");
	cr_expect_str_eq(p->title_zh, "频率响应、拐点频率与时间常数");
	bench_protocol_free(p);
	/* and every other one: validated above, so a zh-CN title line is the translation */
	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		char rel[512];

		snprintf(rel, sizeof(rel), "protocols/%s", families[f]);
		n = scandir(src_path(rel), &ents, NULL, alphasort);
		cr_assert_geq(n, 0);
		for (i = 0; i < n; i++) {
			char path[1024], text[8192] = "";
			FILE *fp;
			size_t len;

			snprintf(path, sizeof(path), "protocols/%s/%s", families[f],
				 ents[i]->d_name);
			free(ents[i]);
			if (!strstr(path, ".xml"))
				continue;
			fp = fopen(src_path(path), "re");
			cr_assert(fp, "%s", path);
			len = fread(text, 1, sizeof(text) - 1, fp);
			text[len] = '\0';
			fclose(fp);
			cr_expect(strstr(text, "<title xml:lang=\"zh-CN\">"), "%s: no zh-CN title",
				  path);
			count++;
		}
		free(ents);
	}
	cr_expect_geq(count, 30);
}
