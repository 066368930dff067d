// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Suites (protocols/suites/, schemas/suite.xsd) and plans. A plan expands a suite, or a
 * list of protocol files, into tests (protocol x condition, each loaded with its overrides
 * applied) and trials in execution order with per-trial stimulus seeds. Seeds and the
 * randomised order are pure functions of the run seed and the protocol, so a resumed run
 * replays the same stimuli in the same order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "protocol/internal.h"
#include "protocol/protocol.h"
#include "protocol/xml.h"

void bench_suite_free(struct bench_suite *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_entries; i++) {
		free(s->entries[i].protocol_id);
		free(s->entries[i].href);
		free(s->entries[i].path);
		proto_sets_free(s->entries[i].sets, s->entries[i].n_sets);
	}
	free(s->entries);
	for (i = 0; i < s->n_groups; i++)
		free(s->groups[i].id);
	free(s->groups);
	proto_steps_clear(&s->setup);
	proto_steps_clear(&s->teardown);
	free(s->id);
	free(s->version);
	free(s->title);
	free(s->description);
	free(s->dut_class);
	free(s->purpose);
	free(s->path);
	free(s);
}

static int add_entry(struct bench_suite *s, xmlNodePtr node, int group, const char *dir)
{
	struct bench_suite_entry *e = &s->entries[s->n_entries++];
	struct bench_buf b = BENCH_BUF_INIT;
	char *steps;

	e->group = group;
	e->line = (int)pxml_line(node);
	e->protocol_id = pxml_attr(node, "id");
	e->href = pxml_attr(node, "href");
	if (!e->protocol_id || !e->href)
		return -ENOMEM;
	steps = pxml_attr(node, "steps");
	e->suite_steps = steps && strcmp(steps, "suite") == 0;
	free(steps);
	if (e->href[0] == '/' ? bench_buf_append_str(&b, e->href) :
				bench_buf_appendf(&b, "%s/%s", dir, e->href))
		return -ENOMEM;
	e->path = bench_buf_steal(&b, NULL);
	if (!e->path)
		return -ENOMEM;
	return proto_parse_sets(node, s->path, &e->sets, &e->n_sets);
}

static int parse_suite(struct bench_suite *s, xmlNodePtr root, struct bench_buf *err)
{
	xmlNodePtr c, g;
	size_t n_entries = 0, n_groups = 0;
	char *dir;
	const char *slash;
	int r, bad = 0;

	s->id = pxml_attr(root, "id");
	s->version = pxml_attr(root, "version");
	s->title = pxml_text(pxml_child(root, "title"));
	s->dut_class = pxml_text(pxml_child(root, "dut-class"));
	s->purpose = pxml_text(pxml_child(root, "purpose"));
	if (!s->id || !s->version || !s->title || !s->dut_class || !s->purpose)
		return -ENOMEM;
	if ((c = pxml_child(root, "description")) && !(s->description = pxml_text(c)))
		return -ENOMEM;
	r = proto_parse_steps(pxml_child(root, "setup"), s->path, err, &s->setup);
	if (r == -ENOMEM)
		return r;
	bad |= r < 0;
	r = proto_parse_steps(pxml_child(root, "teardown"), s->path, err, &s->teardown);
	if (r == -ENOMEM)
		return r;
	bad |= r < 0;

	for (c = pxml_first_element(root); c; c = pxml_next_element(c)) {
		if (pxml_is(c, "protocol"))
			n_entries++;
		if (pxml_is(c, "group")) {
			n_groups++;
			for (g = pxml_first_element(c); g; g = pxml_next_element(g))
				n_entries += pxml_is(g, "protocol");
		}
	}
	s->entries = calloc(n_entries + 1, sizeof(*s->entries));
	s->groups = calloc(n_groups + 1, sizeof(*s->groups));
	slash = strrchr(s->path, '/');
	dir = slash ? strndup(s->path, (size_t)(slash - s->path)) : strdup(".");
	if (!s->entries || !s->groups || !dir) {
		free(dir);
		return -ENOMEM;
	}
	for (c = pxml_first_element(root); c && r >= 0; c = pxml_next_element(c)) {
		if (pxml_is(c, "protocol")) {
			r = add_entry(s, c, -1, dir);
		} else if (pxml_is(c, "group")) {
			struct bench_suite_group *gr = &s->groups[s->n_groups];
			size_t i;

			gr->id = pxml_attr(c, "id");
			gr->line = (int)pxml_line(c);
			gr->retest.attempts = 1;
			if (!gr->id) {
				r = -ENOMEM;
				break;
			}
			for (i = 0; i < s->n_groups; i++)
				if (strcmp(s->groups[i].id, gr->id) == 0)
					bad |= pxml_err(err, s->path, gr->line,
							"duplicate group id '%s'", gr->id) < 0;
			s->n_groups++;
			for (g = pxml_first_element(c); g && r >= 0; g = pxml_next_element(g)) {
				if (pxml_is(g, "retest")) {
					gr->has_retest = true;
					r = proto_parse_retest(g, s->path, err, &gr->retest);
					bad |= r < 0;
					r = r == -ENOMEM ? r : 0;
				} else if (pxml_is(g, "protocol")) {
					r = add_entry(s, g, (int)s->n_groups - 1, dir);
				}
			}
		}
	}
	free(dir);
	if (r < 0)
		return r;
	for (n_entries = 0; n_entries < s->n_entries; n_entries++)
		if (s->entries[n_entries].suite_steps && s->setup.n == 0)
			bad |= pxml_err(err, s->path, s->entries[n_entries].line,
					"protocol '%s' has steps=\"suite\" but the suite has no "
					"<setup> to prepare the DUT",
					s->entries[n_entries].protocol_id) < 0;
	return bad ? -EINVAL : 0;
}

int bench_suite_load(struct bench_protocol_lib *lib, const char *path, struct bench_buf *reterr,
		     struct bench_suite **ret_suite, struct bench_protocol ***ret_protocols)
{
	struct bench_protocol **protos = NULL;
	struct bench_suite *s;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	size_t i;
	int r, bad = 0;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->path = strdup(path);
	if (!s->path) {
		r = -ENOMEM;
		goto err;
	}
	r = pxml_read(path, reterr, &doc, s->sha256_hex);
	if (r < 0)
		goto err;
	root = xmlDocGetRootElement(doc);
	if (!pxml_is(root, "suite")) {
		r = pxml_err(reterr, path, pxml_line(root), "root element must be <suite>");
		goto err;
	}
	r = pxml_validate(doc, path, "suite.xsd", NULL, reterr);
	if (r < 0)
		goto err;
	r = parse_suite(s, root, reterr);
	if (r < 0)
		goto err;

	protos = calloc(s->n_entries + 1, sizeof(*protos));
	if (!protos) {
		r = -ENOMEM;
		goto err;
	}
	for (i = 0; i < s->n_entries; i++) {
		struct bench_suite_entry *e = &s->entries[i];
		struct bench_buf perr = BENCH_BUF_INIT;

		r = bench_protocol_load(lib, e->path, e->sets, e->n_sets, &perr, &protos[i]);
		if (r < 0) {
			pxml_err(reterr, path, e->line,
				 "protocol '%s' (%s) does not load:", e->protocol_id, e->href);
			bench_buf_append(reterr, perr.data, perr.len);
			bench_buf_free(&perr);
			if (r == -ENOMEM)
				goto err;
			bad = 1;
			continue;
		}
		bench_buf_free(&perr);
		if (strcmp(protos[i]->id, e->protocol_id) != 0) {
			bad = 1;
			pxml_err(reterr, path, e->line, "%s has id '%s', not '%s'", e->href,
				 protos[i]->id, e->protocol_id);
		}
		if (!bench_protocol_applies_to(protos[i], s->dut_class)) {
			bad = 1;
			pxml_err(reterr, path, e->line,
				 "protocol '%s' does not apply to DUT class '%s'", e->protocol_id,
				 s->dut_class);
		}
	}
	if (bad) {
		r = -EINVAL;
		goto err;
	}
	xmlFreeDoc(doc);
	if (ret_protocols)
		*ret_protocols = protos;
	else
		for (i = 0; i < s->n_entries; i++)
			bench_protocol_free(protos[i]);
	if (!ret_protocols)
		free(protos);
	*ret_suite = s;
	return 0;
err:
	for (i = 0; protos && i < s->n_entries; i++)
		bench_protocol_free(protos[i]);
	free(protos);
	xmlFreeDoc(doc);
	bench_suite_free(s);
	return r;
}

/* --- plans ---------------------------------------------------------------------------- */

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int seed_hash(uint64_t run_seed, const char *protocol_id, const char *condition_id,
		     const char *salt, unsigned index, uint64_t *ret_seed)
{
	static const char tag[] = "bcibench-trial-seed-v1";
	struct bench_sha256 *ctx;
	uint8_t b8[8], b4[4], d[BENCH_SHA256_LEN];
	uint64_t v = 0;
	unsigned i;
	int r;

	r = bench_sha256_new(&ctx);
	if (r < 0)
		return r;
	put_le(b8, run_seed, 8);
	put_le(b4, index, 4);
	if ((r = bench_sha256_update(ctx, salt ? salt : tag, strlen(salt ? salt : tag) + 1)) ||
	    (r = bench_sha256_update(ctx, b8, 8)) ||
	    (r = bench_sha256_update(ctx, protocol_id, strlen(protocol_id) + 1)) ||
	    (r = bench_sha256_update(ctx, condition_id ? condition_id : "",
				     strlen(condition_id ? condition_id : "") + 1)) ||
	    (r = bench_sha256_update(ctx, b4, 4)) || (r = bench_sha256_final(ctx, d))) {
		bench_sha256_free(ctx);
		return r;
	}
	bench_sha256_free(ctx);
	for (i = 0; i < 8; i++)
		v = (v << 8) | d[i];
	*ret_seed = v;
	return 0;
}

int bench_plan_trial_seed(uint64_t run_seed, const char *protocol_id, const char *condition_id,
			  unsigned trial_index, uint64_t *ret_seed)
{
	return seed_hash(run_seed, protocol_id, condition_id, NULL, trial_index, ret_seed);
}

/* splitmix64: a small, well-mixed PRNG for the shuffle (not for stimuli). */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

void bench_plan_free(struct bench_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->n_tests; i++)
		bench_protocol_free(plan->tests[i].protocol);
	free(plan->tests);
	free(plan->trials);
	bench_suite_free(plan->suite);
	free(plan);
}

/* Appends the tests and trials of one protocol (already loaded as @base, taken over). */
static int plan_add(struct bench_protocol_lib *lib, struct bench_plan *plan,
		    struct bench_protocol *base, const struct bench_protocol_set *sets,
		    size_t n_sets, int group, struct bench_buf *err)
{
	size_t n_inst = base->n_conditions ? base->n_conditions : 1;
	size_t first_test = plan->n_tests, first_trial = plan->n_trials;
	size_t i, total = 0;
	struct bench_plan_test *nt;
	struct bench_plan_trial *ntr;
	uint64_t state;
	unsigned k;
	int r;

	nt = realloc(plan->tests, (plan->n_tests + n_inst) * sizeof(*nt));
	if (!nt) {
		bench_protocol_free(base);
		return -ENOMEM;
	}
	plan->tests = nt;
	for (i = 0; i < n_inst; i++) {
		struct bench_protocol *inst = base;

		if (base->n_conditions) {
			r = proto_load(lib, base->path, sets, n_sets, base->conditions[i].id, err,
				       &inst);
			if (r < 0) {
				bench_protocol_free(base);
				return r;
			}
		}
		r = proto_resolve_claims(inst, bench_protocol_lib_profile(lib), err);
		if (r < 0) {
			if (inst != base)
				bench_protocol_free(inst);
			bench_protocol_free(base);
			return r;
		}
		nt[plan->n_tests].protocol = inst;
		nt[plan->n_tests].entry = plan->n_entries;
		nt[plan->n_tests].group = group;
		nt[plan->n_tests].n_trials = inst->trials;
		nt[plan->n_tests].suite_steps = false; /* set by bench_plan_from_suite() */
		plan->n_tests++;
		total += inst->trials;
	}
	if (base->n_conditions)
		bench_protocol_free(base);

	ntr = realloc(plan->trials, (plan->n_trials + total) * sizeof(*ntr));
	if (!ntr)
		return -ENOMEM;
	plan->trials = ntr;
	for (i = first_test; i < plan->n_tests; i++) {
		const struct bench_protocol *p = plan->tests[i].protocol;

		for (k = 0; k < plan->tests[i].n_trials; k++) {
			struct bench_plan_trial *t = &ntr[plan->n_trials++];

			t->test = i;
			t->index = k;
			r = bench_plan_trial_seed(plan->run_seed, p->id, p->condition_id, k,
						  &t->seed);
			if (r < 0)
				return r;
		}
	}
	if (plan->tests[first_test].protocol->randomised && total > 1) {
		r = seed_hash(plan->run_seed, plan->tests[first_test].protocol->id, NULL,
			      "bcibench-trial-order-v1", 0, &state);
		if (r < 0)
			return r;
		for (i = total - 1; i > 0; i--) {
			size_t j = (size_t)(splitmix64(&state) % (uint64_t)(i + 1));
			struct bench_plan_trial tmp = ntr[first_trial + i];

			ntr[first_trial + i] = ntr[first_trial + j];
			ntr[first_trial + j] = tmp;
		}
	}
	for (i = first_trial; i < plan->n_trials; i++)
		ntr[i].sequence = i;
	plan->n_entries++;
	return 0;
}

static int check_profile_class(struct bench_protocol_lib *lib, const struct bench_protocol *p,
			       struct bench_buf *err)
{
	const struct bench_dut_profile *prof = bench_protocol_lib_profile(lib);

	if (prof && !bench_protocol_applies_to(p, prof->dut_class))
		return pxml_err(err, p->path, 0,
				"protocol '%s' does not apply to DUT class '%s' (%s)", p->id,
				prof->dut_class, prof->path);
	return 0;
}

int bench_plan_from_suite(struct bench_protocol_lib *lib, const char *path, uint64_t run_seed,
			  struct bench_buf *reterr, struct bench_plan **ret_plan)
{
	const struct bench_dut_profile *prof = bench_protocol_lib_profile(lib);
	struct bench_protocol **protos = NULL;
	struct bench_plan *plan;
	size_t i;
	int r;

	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	plan->run_seed = run_seed;
	r = bench_suite_load(lib, path, reterr, &plan->suite, &protos);
	if (r < 0)
		goto err;
	if (prof && strcmp(prof->dut_class, plan->suite->dut_class) != 0) {
		r = pxml_err(reterr, path, 0,
			     "suite is for DUT class '%s' but the DUT profile %s is '%s'",
			     plan->suite->dut_class, prof->path, prof->dut_class);
		goto err;
	}
	for (i = 0; i < plan->suite->n_entries; i++) {
		const struct bench_suite_entry *e = &plan->suite->entries[i];
		struct bench_protocol *p = protos[i];
		size_t t0 = plan->n_tests, t;

		protos[i] = NULL;
		r = plan_add(lib, plan, p, e->sets, e->n_sets, e->group, reterr);
		if (r < 0)
			goto err;
		/* steps="suite" (suite.xsd): the suite's setup and teardown stand for these. */
		for (t = t0; e->suite_steps && t < plan->n_tests; t++) {
			proto_steps_clear(&plan->tests[t].protocol->setup);
			proto_steps_clear(&plan->tests[t].protocol->teardown);
			plan->tests[t].suite_steps = true;
		}
	}
	free(protos);
	*ret_plan = plan;
	return 0;
err:
	for (i = 0; protos && plan->suite && i < plan->suite->n_entries; i++)
		bench_protocol_free(protos[i]);
	free(protos);
	bench_plan_free(plan);
	return r;
}

int bench_plan_from_protocols(struct bench_protocol_lib *lib, const char *const *paths,
			      size_t n_paths, uint64_t run_seed, struct bench_buf *reterr,
			      struct bench_plan **ret_plan)
{
	struct bench_plan *plan;
	size_t i;
	int r = 0, bad = 0;

	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	plan->run_seed = run_seed;
	for (i = 0; i < n_paths; i++) {
		struct bench_protocol *p;

		r = bench_protocol_load(lib, paths[i], NULL, 0, reterr, &p);
		if (r == -ENOMEM)
			goto err;
		if (r < 0) {
			bad = 1;
			continue;
		}
		if (check_profile_class(lib, p, reterr) < 0) {
			bench_protocol_free(p);
			bad = 1;
			continue;
		}
		r = plan_add(lib, plan, p, NULL, 0, -1, reterr);
		if (r == -ENOMEM)
			goto err;
		bad |= r < 0;
	}
	if (bad) {
		r = -EINVAL;
		goto err;
	}
	*ret_plan = plan;
	return 0;
err:
	bench_plan_free(plan);
	return r;
}
