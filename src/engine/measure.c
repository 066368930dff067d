// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From a protocol metric (name, unit, parameters) and a trial's capture to a measured
 * quantity with its uncertainty, by calling the metric functions of src/score. This file
 * only routes data: which trace, which samples (after the settling time), which parameters
 * and which reduction over channels. A metric not wired here gives -ENOSYS, which the
 * engine records as ERROR (never a pass).
 *
 * Uncertainty per trial (GUM): type B from the converter resolution (q/sqrt(12) per
 * sample, combined as the metric needs) and, for fitted amplitudes, the fit residual;
 * type A across trials is not pooled: every trial is judged on its own.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "engine/measure-internal.h"
#include "score/stats.h"

/* A numeric <param name="NAME" value="V"/> of the first stimulus source that has it. */
int bench_measure_stimulus_param(const struct bench_protocol *p, const char *name, double *ret)
{
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	xmlXPathObjectPtr res;
	char expr[128];
	int r = -ENOENT;

	doc = xmlReadMemory(p->stimulus_xml, (int)strlen(p->stimulus_xml), "stimulus.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return -EINVAL;
	xp = xmlXPathNewContext(doc);
	snprintf(expr, sizeof(expr), "string((//param[@name='%s'])[1]/@value)", name);
	res = xp ? xmlXPathEvalExpression((const xmlChar *)expr, xp) : NULL;
	if (res && res->type == XPATH_STRING && res->stringval && res->stringval[0]) {
		char *end;
		double v = strtod((const char *)res->stringval, &end);

		if (*end == '\0' && isfinite(v)) {
			*ret = v;
			r = 0;
		}
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	return r;
}

/* The trace a metric reads: the protocol's first input role unless param "input" says. */
const struct bench_engine_trace *bench_measure_trace_for(const struct bench_protocol *p,
							 const struct bench_protocol_metric *m,
							 const struct bench_engine_capture *cap)
{
	const struct bench_protocol_param *in = bench_protocol_metric_param(m, "input");
	const char *role = in ? in->value : (p->n_inputs ? p->inputs[0].role : "dut-data");
	size_t i;

	for (i = 0; i < cap->n_traces; i++)
		if (strcmp(cap->traces[i].role, role) == 0)
			return &cap->traces[i];
	return NULL;
}

/* One past the last frame of @t that responds to the stimulus (the capture tail excluded). */
size_t bench_measure_stim_end(const struct bench_engine_trace *t)
{
	return t->stim_frames && t->stim_frames < t->n_frames ? t->stim_frames : t->n_frames;
}

/* Direction of "worse" for a criterion: +1 larger is worse, -1 smaller, 0 farther from centre. */
static int worse_direction(const struct bench_protocol_criterion *cr)
{
	if (!cr || !cr->resolved)
		return 1;
	if (isinf(cr->low) && !isinf(cr->high))
		return 1;
	if (!isinf(cr->low) && isinf(cr->high))
		return -1;
	return 0;
}

/* Reduces per-channel values (and their standard uncertainties) to one. */
static void reduce(const struct bench_protocol_metric *m, const struct bench_protocol_criterion *cr,
		   const double *v, const double *u, size_t n, double *ret_v, double *ret_u)
{
	size_t i, pick = 0;
	int dir = worse_direction(cr);
	double centre = cr && cr->resolved ? (cr->low + cr->high) / 2 : 0;

	if (m->reduce == BENCH_PROTOCOL_REDUCE_MEAN) {
		double s = 0, su = 0;

		for (i = 0; i < n; i++) {
			s += v[i];
			su += u[i] * u[i];
		}
		*ret_v = s / (double)n;
		*ret_u = sqrt(su) / (double)n;
		return;
	}
	for (i = 1; i < n; i++) {
		bool worse = dir > 0 ? v[i] > v[pick] :
			     dir < 0 ? v[i] < v[pick] :
				       fabs(v[i] - centre) > fabs(v[pick] - centre);

		if (worse)
			pick = i;
	}
	*ret_v = v[pick];
	*ret_u = u[pick];
}

void bench_engine_limit_from_criterion(const struct bench_protocol *p,
				       const struct bench_protocol_criterion *cr,
				       struct bench_limit *ret)
{
	struct bench_limit l;
	bool lo = !isinf(cr->low), hi = !isinf(cr->high);

	memset(&l, 0, sizeof(l));
	l.unit = cr->limit.unit;
	l.low = lo ? cr->low : NAN;
	l.high = hi ? cr->high : NAN;
	l.marginal = cr->has_marginal ? cr->marginal_width : 0;
	l.rule = p->rule == BENCH_PROTOCOL_RULE_GUARDED ? BENCH_RULE_GUARDED : BENCH_RULE_SIMPLE;
	if (lo && hi)
		l.cmp = cr->low_inclusive ? (cr->high_inclusive ? BENCH_CMP_GELE : BENCH_CMP_GELT) :
					    (cr->high_inclusive ? BENCH_CMP_GTLE : BENCH_CMP_GTLT);
	else if (hi)
		l.cmp = cr->high_inclusive ? BENCH_CMP_LE : BENCH_CMP_LT;
	else if (lo)
		l.cmp = cr->low_inclusive ? BENCH_CMP_GE : BENCH_CMP_GT;
	else
		l.cmp = BENCH_CMP_LOG;
	*ret = l;
}

static const struct bench_measure_route *const route_tables[] = {
	bench_measure_routes_frontend, bench_measure_routes_events,	 bench_measure_routes_stim,
	bench_measure_routes_response, bench_measure_routes_reliability,
};

static const struct bench_measure_route *route_find(const char *name)
{
	const struct bench_measure_route *rt;
	size_t i, len;

	for (i = 0; i < sizeof(route_tables) / sizeof(route_tables[0]); i++) {
		for (rt = route_tables[i]; rt->name; rt++) {
			len = strlen(rt->name);
			if (len && rt->name[len - 1] == '*' ?
				    strncmp(rt->name, name, len - 1) == 0 :
				    strcmp(rt->name, name) == 0)
				return rt;
		}
	}
	return NULL;
}

int bench_engine_measure(const struct bench_protocol *p, size_t metric,
			 const struct bench_protocol_criterion *cr,
			 const struct bench_engine_capture *cap, struct bench_quantity *ret_q,
			 char *reterr, size_t errlen)
{
	const struct bench_protocol_metric *m = &p->metrics[metric];
	const struct bench_engine_trace *t = bench_measure_trace_for(p, m, cap);
	const struct bench_measure_route *rt;
	double *v = NULL, *u = NULL, val, unc;
	size_t c, n;
	int r = 0;

	if (reterr && errlen)
		reterr[0] = '\0';
	if (!t) {
		MEASURE_ERRF("no captured input for metric '%s'", m->id);
		return -ENODATA;
	}
	rt = route_find(m->name);
	if (!rt) {
		MEASURE_ERRF("metric '%s' is not wired into the engine in this build", m->name);
		return -ENOSYS;
	}
	if (rt->whole)
		return rt->whole(p, m, cr, cap, t, ret_q, reterr, errlen);
	if (t->n_channels == 0 || bench_measure_stim_end(t) <= t->settle_frames + 8) {
		MEASURE_ERRF("capture too short (%zu frames)", bench_measure_stim_end(t));
		return -ENODATA;
	}
	n = bench_measure_stim_end(t) - t->settle_frames;
	v = calloc(t->n_channels, sizeof(*v));
	u = calloc(t->n_channels, sizeof(*u));
	if (!v || !u) {
		r = -ENOMEM;
		goto out;
	}
	for (c = 0; c < t->n_channels; c++) {
		r = rt->channel(p, m, t, t->uv + c * t->n_frames + t->settle_frames, n, &v[c],
				&u[c], reterr, errlen);
		if (r < 0)
			goto out;
		if (!isfinite(v[c])) {
			MEASURE_ERRF("metric '%s' is not finite on channel %zu", m->id, c);
			r = -EDOM;
			goto out;
		}
	}
	reduce(m, cr, v, u, t->n_channels, &val, &unc);
	bench_quantity_init(ret_q, val, m->unit, 0, unc, p->k);
out:
	free(v);
	free(u);
	return r;
}
