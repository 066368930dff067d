// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pooling over trials (pool.h): the statistics of a per-trial metric over the trials of
 * one attempt of a test, judged like any measurement and recorded as the test's pooled
 * row. Values are in the unit of each protocol metric; trial times in s.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/log.h"
#include "engine/pool.h"
#include "score/stats.h"

#define POOL_ERRF(...)                                         \
	do {                                                   \
		if (reterr && errlen)                          \
			snprintf(reterr, errlen, __VA_ARGS__); \
	} while (0)

/* Index of the per-trial metric @id of @p, or p->n_metrics. */
static size_t metric_index(const struct bench_protocol *p, const char *id)
{
	size_t i;

	for (i = 0; id && i < p->n_metrics; i++)
		if (!p->metrics[i].pooled && strcmp(p->metrics[i].id, id) == 0)
			return i;
	return p->n_metrics;
}

/* Pass rate and demonstrated reliability: successes among the trials. */
static int stat_proportion(const struct bench_protocol *p, const struct bench_protocol_metric *m,
			   const double *x, size_t n, struct bench_quantity *q, char *reterr,
			   size_t errlen)
{
	const struct bench_protocol_param *bound = bench_protocol_metric_param(m, "bound");
	double lo = bench_protocol_metric_param_num(m, "accept-low", -INFINITY),
	       hi = bench_protocol_metric_param_num(m, "accept-high", INFINITY);
	double conf = bench_protocol_metric_param_num(m, "confidence", 0.95);
	double rel = bench_protocol_metric_param_num(m, "demonstrate-reliability", NAN);
	struct bench_proportion pr;
	size_t i, pass = 0;
	double v, u;
	int r;

	if (n < 1) {
		POOL_ERRF("no trials");
		return -EDOM;
	}
	if (!(conf > 0 && conf < 1)) {
		POOL_ERRF("confidence %g is not in (0, 1)", conf);
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		pass += isfinite(x[i]) && x[i] >= lo && x[i] <= hi;
	if (m->statistic == BENCH_PROTOCOL_STAT_ZERO_FAILURE) {
		/* one-sided lower bound at C = the lower end of the two-sided 2C - 1 interval */
		r = bench_score_clopper_pearson(pass, n, 2 * conf - 1, &pr);
		v = pr.low;
		u = 0;
	} else {
		if (isfinite(rel)) {
			uint64_t need;

			r = bench_score_zero_failure_n(conf, rel, &need);
			if (r < 0 || n < need) {
				POOL_ERRF("%zu trials cannot demonstrate R=%g at C=%g (needs %llu)",
					  n, rel, conf, (unsigned long long)(r < 0 ? 0 : need));
				return -EDOM;
			}
		}
		r = bench_score_clopper_pearson(pass, n, conf, &pr);
		v = bound && strcmp(bound->value, "lower") == 0 ? pr.low :
		    bound && strcmp(bound->value, "upper") == 0 ? pr.high :
								  pr.rate;
		/* a 95 % interval spans about +-2 u: a quarter of its width */
		u = (pr.high - pr.low) / 4.0;
	}
	if (r < 0) {
		POOL_ERRF("Clopper-Pearson interval failed (%s)", strerror(-r));
		return r;
	}
	if (m->unit == BENCH_UNIT_PERCENT) {
		v *= 100.0;
		u *= 100.0;
	}
	bench_quantity_init(q, v, m->unit, u, 0, p->k);
	return 0;
}

int bench_engine_pool_stat(const struct bench_protocol *p, size_t metric, const double *values,
			   size_t n, struct bench_quantity *ret_q, char *reterr, size_t errlen)
{
	const struct bench_protocol_metric *m;
	size_t nm, i, ti = 0;
	double *x = NULL, *t = NULL, mean = 0, ss = 0;
	struct bench_linfit lf;
	int r = 0;

	if (!p || metric >= p->n_metrics || !p->metrics[metric].pooled || (n && !values) || !ret_q)
		return -EINVAL;
	m = &p->metrics[metric];
	nm = p->n_metrics;
	if (m->statistic == BENCH_PROTOCOL_STAT_DRIFT_SLOPE) {
		const struct bench_protocol_param *tp = bench_protocol_metric_param(m, "time");

		ti = metric_index(p, tp ? tp->value : NULL);
		if (ti == nm) {
			POOL_ERRF("drift slope needs param time (a per-trial metric)");
			return -EINVAL;
		}
	}
	x = calloc(n + 1, sizeof(*x));
	t = calloc(n + 1, sizeof(*t));
	if (!x || !t) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		x[i] = values[i * nm + m->of_index];
		t[i] = values[i * nm + ti];
	}
	switch (m->statistic) {
	case BENCH_PROTOCOL_STAT_PASS_RATE:
	case BENCH_PROTOCOL_STAT_ZERO_FAILURE:
		r = stat_proportion(p, m, x, n, ret_q, reterr, errlen);
		goto out;
	default:
		break;
	}
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) ||
		    (m->statistic == BENCH_PROTOCOL_STAT_DRIFT_SLOPE && !isfinite(t[i]))) {
			POOL_ERRF("trial %zu has no value of '%s'%s", i + 1, m->of,
				  isfinite(x[i]) ? " time" : "");
			r = -EDOM;
			goto out;
		}
	}
	if (n < (m->statistic == BENCH_PROTOCOL_STAT_DRIFT_SLOPE ? 3u : 2u)) {
		POOL_ERRF("%s over %zu trials: too few", m->name, n);
		r = -EDOM;
		goto out;
	}
	switch (m->statistic) {
	case BENCH_PROTOCOL_STAT_MEAN:
		r = bench_quantity_from_repeats(x, n, m->unit, 0, 0, p->k, ret_q);
		break;
	case BENCH_PROTOCOL_STAT_SD:
		for (i = 0; i < n; i++)
			mean += x[i] / (double)n;
		for (i = 0; i < n; i++)
			ss += (x[i] - mean) * (x[i] - mean);
		ss = sqrt(ss / (double)(n - 1));
		/* standard deviation of s for normal data: s / sqrt(2 (n - 1)) */
		bench_quantity_init(ret_q, ss, m->unit, ss / sqrt(2.0 * (double)(n - 1)), 0, p->k);
		break;
	case BENCH_PROTOCOL_STAT_DRIFT_SLOPE: {
		double per = bench_protocol_metric_param_num(m, "per", 86400);

		r = bench_score_linfit(t, x, n, 0.95, &lf);
		if (r < 0) {
			POOL_ERRF("regression failed (%s): the trial times must differ",
				  strerror(-r));
			break;
		}
		bench_quantity_init(ret_q, lf.slope * per, m->unit, lf.slope_se * per, 0, p->k);
		break;
	}
	default:
		r = -EINVAL;
		break;
	}
out:
	free(x);
	free(t);
	return r;
}

/* Limit, comparator, rule and clause of criterion @cr into @m (as the trial scoring does). */
static void fill_limit(const struct bench_protocol *p, const struct bench_protocol_criterion *cr,
		       struct bench_limit *lim, struct bench_store_measurement *m, char *clause)
{
	bench_engine_limit_from_criterion(p, cr, lim);
	m->limit_low = lim->cmp == BENCH_CMP_LE || lim->cmp == BENCH_CMP_LT ? NAN : lim->low;
	m->limit_high = lim->cmp == BENCH_CMP_GE || lim->cmp == BENCH_CMP_GT ? NAN : lim->high;
	m->comparator = bench_cmp_name(lim->cmp);
	m->marginal_low = lim->marginal > 0 && isfinite(m->limit_low) ?
				  m->limit_low + lim->marginal :
				  NAN;
	m->marginal_high = lim->marginal > 0 && isfinite(m->limit_high) ?
				   m->limit_high - lim->marginal :
				   NAN;
	m->decision_rule = bench_decision_rule_name(lim->rule);
	if (cr->limit.evidence == BENCH_PROTOCOL_EVIDENCE_CLAIM) {
		m->evidence = NULL;
		snprintf(clause, BENCH_ENGINE_CLAUSE_LEN, "DUT claim %s (%s)", cr->claim_id,
			 cr->limit.set_id);
	} else {
		m->evidence = bench_protocol_evidence_name(cr->limit.evidence);
		snprintf(clause, BENCH_ENGINE_CLAUSE_LEN, "%s %s %s", cr->limit.standard,
			 cr->limit.edition, cr->limit.clause);
	}
	m->clause = clause;
}

enum bench_verdict bench_engine_pool_score(const struct bench_protocol *p, const double *values,
					   size_t n_trials, struct bench_store_measurement *ms,
					   size_t *ret_n, char (*names)[BENCH_ENGINE_NAME_LEN],
					   char (*clauses)[BENCH_ENGINE_CLAUSE_LEN],
					   struct bench_buf *note)
{
	enum bench_verdict worst = BENCH_VERDICT_SKIPPED, v;
	struct bench_quantity q;
	struct bench_limit lim;
	char why[160];
	size_t i, j, n = 0;
	bool judged;

	for (i = 0; i < p->n_criteria; i++) {
		const struct bench_protocol_criterion *cr = &p->criteria[i];
		struct bench_store_measurement *m;

		if (!p->metrics[cr->metric_index].pooled)
			continue;
		m = &ms[n];
		memset(m, 0, sizeof(*m));
		snprintf(names[n], BENCH_ENGINE_NAME_LEN, "%s", cr->metric_id);
		for (j = 0; j < i; j++)
			if (strcmp(p->criteria[j].metric_id, cr->metric_id) == 0)
				snprintf(names[n], BENCH_ENGINE_NAME_LEN, "%s (%s)", cr->metric_id,
					 cr->limit_ref ? cr->limit_ref : cr->claim_id);
		m->name = names[n];
		m->unit = bench_unit_name(p->metrics[cr->metric_index].unit);
		fill_limit(p, cr, &lim, m, clauses[n]);
		if (bench_engine_pool_stat(p, cr->metric_index, values, n_trials, &q, why,
					   sizeof(why)) < 0) {
			m->value = m->u = m->u_expanded = NAN;
			m->k = p->k;
			v = BENCH_VERDICT_ERROR;
			bench_buf_appendf(note, "%s: %s; ", names[n], why);
		} else {
			m->value = q.value;
			m->u = q.u_c;
			m->u_expanded = q.u_expanded;
			m->k = q.k;
			v = bench_limit_judge(&lim, &q);
		}
		m->verdict = bench_verdict_name(v);
		worst = bench_verdict_worst(worst, v);
		n++;
	}
	for (i = 0; i < p->n_metrics; i++) {
		struct bench_store_measurement *m;

		if (!p->metrics[i].pooled)
			continue;
		for (judged = false, j = 0; j < p->n_criteria; j++)
			judged |= p->criteria[j].metric_index == i;
		if (judged)
			continue;
		m = &ms[n];
		memset(m, 0, sizeof(*m));
		snprintf(names[n], BENCH_ENGINE_NAME_LEN, "%s", p->metrics[i].id);
		m->name = names[n];
		m->unit = bench_unit_name(p->metrics[i].unit);
		m->limit_low = m->limit_high = m->marginal_low = m->marginal_high = NAN;
		m->comparator = "LOG";
		m->decision_rule = bench_protocol_rule_name(p->rule);
		m->verdict = bench_verdict_name(BENCH_VERDICT_SKIPPED);
		if (bench_engine_pool_stat(p, i, values, n_trials, &q, why, sizeof(why)) < 0) {
			m->value = m->u = m->u_expanded = NAN;
			m->k = p->k;
			bench_buf_appendf(note, "%s (not judged): %s; ", names[n], why);
		} else {
			m->value = q.value;
			m->u = q.u_c;
			m->u_expanded = q.u_expanded;
			m->k = q.k;
		}
		n++;
	}
	*ret_n = n;
	return worst;
}

/* The trials of one attempt read back: seq and a row of metric values per trial. */
struct gather {
	const struct bench_protocol *p;
	size_t n;
	int last_seq;
	uint64_t seed0;
	double *v; /* n x p->n_metrics */
	int err;
};

static int on_row(void *ctx, const struct bench_store_measurement_row *row)
{
	struct gather *g = ctx;
	size_t nm = g->p->n_metrics, i;

	if (g->n == 0 || row->trial_seq != g->last_seq) {
		double *v = realloc(g->v, (g->n + 1) * nm * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->v = v;
		for (i = 0; i < nm; i++)
			v[g->n * nm + i] = NAN;
		if (g->n == 0)
			g->seed0 = row->trial_seed;
		g->n++;
		g->last_seq = row->trial_seq;
	}
	/* A measurement named after a per-trial metric's id is its value in that trial. */
	i = metric_index(g->p, row->m.name);
	if (i < nm)
		g->v[(g->n - 1) * nm + i] = row->m.value;
	return 0;
}

int bench_engine_pool_attempt(struct bench_store *st, int64_t test_id,
			      const struct bench_protocol *p, unsigned attempt,
			      enum bench_verdict *ret_v)
{
	struct gather g = { .p = p };
	struct bench_store_measurement *ms = NULL;
	char(*names)[BENCH_ENGINE_NAME_LEN] = NULL;
	char(*clauses)[BENCH_ENGINE_CLAUSE_LEN] = NULL;
	struct bench_store_trial tr = { 0 };
	struct bench_buf note = BENCH_BUF_INIT;
	enum bench_verdict v;
	size_t n_ms = 0, cap;
	int r;

	if (!st || !p || !ret_v || attempt < 1 || !p->n_metrics)
		return -EINVAL;
	tr.start_wall_ns = bench_clock_wall_ns();
	r = bench_store_test_measurements(st, test_id, (int)attempt, on_row, &g);
	if (r == 0 && g.n == 0)
		r = -ENODATA;
	if (r < 0)
		goto out;
	cap = p->n_criteria + p->n_metrics + 1;
	ms = calloc(cap, sizeof(*ms));
	names = calloc(cap, sizeof(*names));
	clauses = calloc(cap, sizeof(*clauses));
	if (!ms || !names || !clauses) {
		r = -ENOMEM;
		goto out;
	}
	v = bench_engine_pool_score(p, g.v, g.n, ms, &n_ms, names, clauses, &note);
	bench_buf_appendf(&note, "pooled over %zu trial%s of attempt %u", g.n, g.n == 1 ? "" : "s",
			  attempt);
	tr.seq = BENCH_STORE_TRIAL_POOLED;
	tr.attempt = (int)attempt;
	tr.seed = g.seed0;
	tr.status = bench_verdict_name(v);
	tr.note = bench_buf_str(&note);
	tr.measurements = ms;
	tr.n_measurements = n_ms;
	r = bench_store_trial_commit(st, test_id, &tr, NULL);
	if (r == 0)
		*ret_v = v;
out:
	if (r < 0)
		bench_log(BENCH_LOG_ERROR, "engine", "%s: pooling attempt %u failed: %s", p->id,
			  attempt, strerror(-r));
	free(g.v);
	free(ms);
	free(names);
	free(clauses);
	bench_buf_free(&note);
	return r;
}
