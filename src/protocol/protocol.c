// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Protocol files: read with line numbers, validate against schemas/protocol.xsd, apply
 * parameter overrides (suite <set> and trial conditions, XPath into the document, then
 * validated again), and resolve every acceptance criterion to a limit value with its unit,
 * clause and evidence tag. The accept zone of each criterion is computed here once, so the
 * engine and the reports use the same numbers.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xpath.h>

#include "common/buf.h"
#include "common/parse.h"
#include "common/units.h"
#include "protocol/internal.h"
#include "protocol/protocol.h"
#include "protocol/xml.h"
#include "siggen.h"

#ifndef BENCH_SCHEMA_DIR
#error "BENCH_SCHEMA_DIR must be defined by the build"
#endif
#ifndef BENCH_PROTOCOL_DIR
#error "BENCH_PROTOCOL_DIR must be defined by the build"
#endif

struct bench_protocol_priv {
	char *condition_id;
};

struct limits_cache {
	char *path;
	struct bench_protocol_limits *limits; /* NULL if it failed to load */
};

struct bench_protocol_lib {
	char *limits_dir;
	size_t n_cache;
	struct limits_cache *cache;
	struct bench_dut_profile *profile;
};

const char *bench_protocol_schema_dir(void)
{
	const char *d = getenv("BCIBENCH_SCHEMA_DIR");

	return d && *d ? d : BENCH_SCHEMA_DIR;
}

const char *bench_protocol_library_dir(void)
{
	const char *d = getenv("BCIBENCH_PROTOCOL_DIR");

	return d && *d ? d : BENCH_PROTOCOL_DIR;
}

static const char *const rule_names[BENCH_PROTOCOL_RULE_COUNT] = { "simple", "guarded" };
static const char *const final_names[BENCH_PROTOCOL_FINAL_COUNT] = { "last", "all", "any" };
static const char *const retest_on_names[BENCH_PROTOCOL_RETEST_ON_COUNT] = { "fail", "error",
									     "fail-or-error" };
static const char *const before_names[BENCH_PROTOCOL_BEFORE_COUNT] = { "nothing", "setup",
								       "power-cycle" };
static const char *const reduce_names[BENCH_PROTOCOL_REDUCE_COUNT] = { "worst", "mean", "each",
								       "pooled" };
static const char *const statistic_names[BENCH_PROTOCOL_STAT_COUNT] = { "mean", "sd", "pass-rate",
									"zero-failure",
									"drift-slope" };

const char *bench_protocol_statistic_name(enum bench_protocol_statistic s)
{
	return (unsigned)s < BENCH_PROTOCOL_STAT_COUNT ? statistic_names[s] : "?";
}

bool bench_protocol_has_pooled(const struct bench_protocol *p)
{
	size_t i;

	for (i = 0; p && i < p->n_metrics; i++)
		if (p->metrics[i].pooled)
			return true;
	return false;
}

const char *bench_protocol_rule_name(enum bench_protocol_rule rule)
{
	return (unsigned)rule < BENCH_PROTOCOL_RULE_COUNT ? rule_names[rule] : "?";
}

const char *bench_protocol_final_name(enum bench_protocol_final final)
{
	return (unsigned) final < BENCH_PROTOCOL_FINAL_COUNT ? final_names[final] : "?";
}

int bench_protocol_lib_new(const char *limits_dir, struct bench_protocol_lib **ret_lib)
{
	struct bench_protocol_lib *lib = calloc(1, sizeof(*lib));

	if (!lib)
		return -ENOMEM;
	if (limits_dir) {
		lib->limits_dir = strdup(limits_dir);
		if (!lib->limits_dir) {
			free(lib);
			return -ENOMEM;
		}
	}
	*ret_lib = lib;
	return 0;
}

void bench_protocol_lib_free(struct bench_protocol_lib *lib)
{
	size_t i;

	if (!lib)
		return;
	for (i = 0; i < lib->n_cache; i++) {
		free(lib->cache[i].path);
		bench_protocol_limits_free(lib->cache[i].limits);
	}
	free(lib->cache);
	bench_dut_profile_free(lib->profile);
	free(lib->limits_dir);
	free(lib);
}

int bench_protocol_lib_set_profile(struct bench_protocol_lib *lib, const char *path,
				   struct bench_buf *reterr)
{
	struct bench_dut_profile *p;
	int r;

	r = bench_dut_profile_load(path, reterr, &p);
	if (r < 0)
		return r;
	bench_dut_profile_free(lib->profile);
	lib->profile = p;
	return 0;
}

const struct bench_dut_profile *bench_protocol_lib_profile(const struct bench_protocol_lib *lib)
{
	return lib ? lib->profile : NULL;
}

/* Directory part of @path ("." if none), malloc'd. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/*
 * Finds limits file SET for a protocol at @proto_path: the lib's directory if given, else
 * ../limits next to the protocol's family folder, else the standard library's limits/.
 * Errors of the limits file itself are appended to @err once (the file is cached).
 */
static int get_limits(struct bench_protocol_lib *lib, const char *proto_path, const char *set,
		      struct bench_buf *err, const struct bench_protocol_limits **ret)
{
	struct bench_buf path = BENCH_BUF_INIT;
	struct limits_cache *nc;
	char *dir = NULL;
	size_t i;
	int r;

	if (lib->limits_dir) {
		r = bench_buf_appendf(&path, "%s/%s.xml", lib->limits_dir, set);
	} else {
		dir = dir_of(proto_path);
		if (!dir)
			return -ENOMEM;
		r = bench_buf_appendf(&path, "%s/../limits/%s.xml", dir, set);
		if (r == 0 && access(bench_buf_str(&path), F_OK) != 0) {
			bench_buf_clear(&path);
			r = bench_buf_appendf(&path, "%s/limits/%s.xml",
					      bench_protocol_library_dir(), set);
		}
		free(dir);
	}
	if (r < 0)
		goto out;
	for (i = 0; i < lib->n_cache; i++) {
		if (strcmp(lib->cache[i].path, bench_buf_str(&path)) == 0) {
			*ret = lib->cache[i].limits;
			r = lib->cache[i].limits ? 0 : -ENOENT;
			goto out;
		}
	}
	nc = realloc(lib->cache, (lib->n_cache + 1) * sizeof(*nc));
	if (!nc) {
		r = -ENOMEM;
		goto out;
	}
	lib->cache = nc;
	nc = &lib->cache[lib->n_cache];
	nc->path = strdup(bench_buf_str(&path));
	nc->limits = NULL;
	if (!nc->path) {
		r = -ENOMEM;
		goto out;
	}
	lib->n_cache++;
	if (access(nc->path, F_OK) == 0) {
		r = bench_protocol_limits_load(nc->path, err, &nc->limits);
		if (r == -ENOMEM)
			goto out;
		if (r == 0 && strcmp(nc->limits->id, set) != 0) {
			pxml_err(err, nc->path, 0, "limits id '%s' does not match its file name",
				 nc->limits->id);
			bench_protocol_limits_free(nc->limits);
			nc->limits = NULL;
		}
	}
	*ret = nc->limits;
	r = nc->limits ? 0 : -ENOENT;
out:
	bench_buf_free(&path);
	return r;
}

void proto_steps_clear(struct bench_protocol_steps *steps)
{
	size_t i;

	for (i = 0; i < steps->n; i++)
		free(steps->v[i].role);
	free(steps->v);
	steps->v = NULL;
	steps->n = 0;
}

static int64_t ms_attr(xmlNodePtr node, const char *name)
{
	uint64_t ms = 0;

	if (pxml_attr_u64(node, name, &ms) < 0 || ms > (uint64_t)INT64_MAX / BENCH_NS_PER_MS)
		return -1;
	return (int64_t)ms * BENCH_NS_PER_MS;
}

int proto_parse_steps(xmlNodePtr node, const char *file, struct bench_buf *err,
		      struct bench_protocol_steps *ret_steps)
{
	struct bench_protocol_steps s = { 0, NULL };
	xmlNodePtr c;
	size_t n = 0;

	for (c = pxml_first_element(node); c; c = pxml_next_element(c))
		n++;
	if (n == 0) {
		*ret_steps = s;
		return 0;
	}
	s.v = calloc(n, sizeof(*s.v));
	if (!s.v)
		return -ENOMEM;
	for (c = pxml_first_element(node); c; c = pxml_next_element(c)) {
		struct bench_protocol_step *st = &s.v[s.n++];
		char *level;

		st->line = (int)pxml_line(c);
		if (pxml_is(c, "set-line") || pxml_is(c, "wait-line") || pxml_is(c, "pulse")) {
			st->role = pxml_attr(c, "role");
			if (!st->role) {
				proto_steps_clear(&s);
				return -ENOMEM;
			}
		}
		level = pxml_attr(c, "level");
		st->level_on = level && strcmp(level, "on") == 0;
		free(level);
		if (pxml_is(c, "set-line")) {
			st->kind = BENCH_PROTOCOL_STEP_SET_LINE;
		} else if (pxml_is(c, "wait-line")) {
			st->kind = BENCH_PROTOCOL_STEP_WAIT_LINE;
			st->timeout_ns = ms_attr(c, "timeout-ms");
		} else if (pxml_is(c, "pulse")) {
			st->kind = BENCH_PROTOCOL_STEP_PULSE;
			st->width_ns = ms_attr(c, "width-ms");
		} else if (pxml_is(c, "delay")) {
			st->kind = BENCH_PROTOCOL_STEP_DELAY;
			st->width_ns = ms_attr(c, "ms");
		} else if (pxml_is(c, "power-cycle")) {
			st->kind = BENCH_PROTOCOL_STEP_POWER_CYCLE;
			st->off_ns = ms_attr(c, "off-ms");
			st->timeout_ns = ms_attr(c, "timeout-ms");
			st->reset_ns = pxml_has_attr(c, "reset-ms") ? ms_attr(c, "reset-ms") : 0;
		} else {
			pxml_err(err, file, st->line, "unknown step <%s>", (const char *)c->name);
			proto_steps_clear(&s);
			return -EINVAL;
		}
		if (st->timeout_ns < 0 || st->width_ns < 0 || st->off_ns < 0 || st->reset_ns < 0) {
			pxml_err(err, file, st->line, "step time out of range");
			proto_steps_clear(&s);
			return -EINVAL;
		}
	}
	*ret_steps = s;
	return 0;
}

int proto_parse_retest(xmlNodePtr node, const char *file, struct bench_buf *err,
		       struct bench_protocol_retest *ret_retest)
{
	struct bench_protocol_retest rt;
	uint64_t attempts = 0;
	char *s;
	int i;

	if (pxml_attr_u64(node, "attempts", &attempts) < 0 || attempts == 0 || attempts > 20)
		return pxml_err(err, file, pxml_line(node), "retest attempts must be 1..20");
	rt.attempts = (unsigned)attempts;
	s = pxml_attr(node, "final");
	i = proto_lookup(final_names, BENCH_PROTOCOL_FINAL_COUNT, s);
	free(s);
	if (i < 0)
		return pxml_err(err, file, pxml_line(node), "unknown retest final rule");
	rt.final = (enum bench_protocol_final)i;
	s = pxml_attr(node, "retest-on");
	i = s ? proto_lookup(retest_on_names, BENCH_PROTOCOL_RETEST_ON_COUNT, s) :
		BENCH_PROTOCOL_RETEST_ON_FAIL_OR_ERROR;
	free(s);
	if (i < 0)
		return pxml_err(err, file, pxml_line(node), "unknown retest-on");
	rt.retest_on = (enum bench_protocol_retest_on)i;
	s = pxml_attr(node, "before");
	i = s ? proto_lookup(before_names, BENCH_PROTOCOL_BEFORE_COUNT, s) :
		BENCH_PROTOCOL_BEFORE_SETUP;
	free(s);
	if (i < 0)
		return pxml_err(err, file, pxml_line(node), "unknown retest before");
	rt.before = (enum bench_protocol_before)i;
	*ret_retest = rt;
	return 0;
}

void proto_sets_free(struct bench_protocol_set *sets, size_t n)
{
	size_t i;

	for (i = 0; sets && i < n; i++) {
		free(sets[i].path);
		free(sets[i].value);
		free(sets[i].file);
	}
	free(sets);
}

int proto_parse_sets(xmlNodePtr node, const char *file, struct bench_protocol_set **ret_sets,
		     size_t *ret_n)
{
	struct bench_protocol_set *sets;
	xmlNodePtr c;
	size_t n = 0;

	for (c = pxml_first_element(node); c; c = pxml_next_element(c))
		if (pxml_is(c, "set"))
			n++;
	sets = calloc(n ? n : 1, sizeof(*sets));
	if (!sets)
		return -ENOMEM;
	n = 0;
	for (c = pxml_first_element(node); c; c = pxml_next_element(c)) {
		if (!pxml_is(c, "set"))
			continue;
		sets[n].path = pxml_attr(c, "path");
		sets[n].value = pxml_attr(c, "value");
		sets[n].file = strdup(file);
		sets[n].line = (int)pxml_line(c);
		n++;
		if (!sets[n - 1].path || !sets[n - 1].value || !sets[n - 1].file) {
			proto_sets_free(sets, n);
			return -ENOMEM;
		}
	}
	*ret_sets = sets;
	*ret_n = n;
	return 0;
}

/*
 * Applies overrides to @doc. Each XPath must select at least one attribute, or elements
 * whose content is text only; the id and version of the protocol cannot be overridden.
 */
static int apply_sets(xmlDocPtr doc, const struct bench_protocol_set *sets, size_t n,
		      struct bench_buf *err)
{
	xmlXPathContextPtr xp;
	size_t i;
	int r = 0;

	xp = xmlXPathNewContext(doc);
	if (!xp)
		return -ENOMEM;
	xp->node = xmlDocGetRootElement(doc);
	for (i = 0; i < n; i++) {
		const struct bench_protocol_set *s = &sets[i];
		xmlXPathObjectPtr res;
		int j;

		xmlSetStructuredErrorFunc(NULL, NULL);
		res = xmlXPathEvalExpression((const xmlChar *)s->path, xp);
		if (!res || res->type != XPATH_NODESET || !res->nodesetval ||
		    res->nodesetval->nodeNr == 0) {
			r = pxml_err(err, s->file, s->line,
				     "override path '%s' selects nothing in the protocol", s->path);
			xmlXPathFreeObject(res);
			continue;
		}
		for (j = 0; j < res->nodesetval->nodeNr; j++) {
			xmlNodePtr node = res->nodesetval->nodeTab[j];

			if (node->type == XML_ATTRIBUTE_NODE) {
				if (node->parent == xmlDocGetRootElement(doc) &&
				    (strcmp((const char *)node->name, "id") == 0 ||
				     strcmp((const char *)node->name, "version") == 0)) {
					r = pxml_err(err, s->file, s->line,
						     "the protocol's %s cannot be overridden",
						     (const char *)node->name);
					continue;
				}
				if (!xmlSetProp(node->parent, node->name,
						(const xmlChar *)s->value)) {
					r = -ENOMEM;
					break;
				}
			} else if (node->type == XML_ELEMENT_NODE && !pxml_first_element(node)) {
				xmlNodePtr t = xmlNewDocText(doc, (const xmlChar *)s->value);

				if (!t) {
					r = -ENOMEM;
					break;
				}
				while (node->children) {
					xmlNodePtr old = node->children;

					xmlUnlinkNode(old);
					xmlFreeNode(old);
				}
				xmlAddChild(node, t);
			} else {
				r = pxml_err(err, s->file, s->line,
					     "override path '%s' must select attributes or text "
					     "elements",
					     s->path);
			}
		}
		xmlXPathFreeObject(res);
		if (r == -ENOMEM)
			break;
	}
	xmlXPathFreeContext(xp);
	return r;
}

static void free_metric(struct bench_protocol_metric *m)
{
	size_t i;

	for (i = 0; i < m->n_params; i++) {
		free(m->params[i].name);
		free(m->params[i].value);
	}
	free(m->params);
	free(m->id);
	free(m->name);
	free(m->of);
}

void bench_protocol_free(struct bench_protocol *p)
{
	size_t i;

	if (!p)
		return;
	free(p->id);
	free(p->version);
	free(p->title);
	free(p->title_zh);
	free(p->description);
	free(p->catalogue);
	for (i = 0; i < p->n_standards; i++) {
		free(p->standards[i].name);
		free(p->standards[i].edition);
		free(p->standards[i].clause);
	}
	free(p->standards);
	for (i = 0; i < p->n_dut_classes; i++)
		free(p->dut_classes[i]);
	free(p->dut_classes);
	proto_steps_clear(&p->setup);
	proto_steps_clear(&p->teardown);
	proto_steps_clear(&p->before_trial);
	free(p->stimulus_xml);
	for (i = 0; i < p->n_inputs; i++) {
		free(p->inputs[i].role);
		free(p->inputs[i].channels);
	}
	free(p->inputs);
	for (i = 0; i < p->n_conditions; i++) {
		free(p->conditions[i].id);
		proto_sets_free(p->conditions[i].sets, p->conditions[i].n_sets);
	}
	free(p->conditions);
	for (i = 0; i < p->n_metrics; i++)
		free_metric(&p->metrics[i]);
	free(p->metrics);
	for (i = 0; i < p->n_criteria; i++) {
		free(p->criteria[i].metric_id);
		free(p->criteria[i].limit_ref);
		free(p->criteria[i].claim_id);
		proto_limit_clear(&p->criteria[i].limit);
	}
	free(p->criteria);
	free(p->path);
	proto_sets_free(p->overrides, p->n_overrides);
	if (p->priv)
		free(p->priv->condition_id);
	free(p->priv);
	free(p);
}

bool bench_protocol_applies_to(const struct bench_protocol *p, const char *dut_class)
{
	size_t i;

	for (i = 0; p && dut_class && i < p->n_dut_classes; i++)
		if (strcmp(p->dut_classes[i], dut_class) == 0)
			return true;
	return false;
}

static size_t count_named(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c;
	size_t n = 0;

	for (c = pxml_first_element(parent); c; c = pxml_next_element(c))
		if (pxml_is(c, name))
			n++;
	return n;
}

static int parse_metric(xmlNodePtr node, const char *file, struct bench_buf *err,
			struct bench_protocol_metric *m)
{
	xmlNodePtr c;
	char *s;
	int i, r;

	m->line = (int)pxml_line(node);
	m->id = pxml_attr(node, "id");
	if (!m->id)
		return -ENOMEM;
	s = pxml_attr(node, "over");
	m->pooled = s && strcmp(s, "trials") == 0;
	free(s);
	m->of = pxml_attr(node, "of");
	m->name = pxml_attr(node, "name");
	s = pxml_attr(node, "statistic");
	if (m->pooled) {
		i = s ? proto_lookup(statistic_names, BENCH_PROTOCOL_STAT_COUNT, s) : -1;
		free(s);
		if (m->name || !m->of || i < 0)
			return pxml_err(err, file, m->line,
					"metric '%s': a metric over=\"trials\" has of (the source "
					"metric) and statistic, and no name",
					m->id);
		m->statistic = (enum bench_protocol_statistic)i;
		m->name = strdup(statistic_names[i]);
		if (!m->name)
			return -ENOMEM;
	} else {
		free(s);
		if (!m->name || m->of)
			return pxml_err(err, file, m->line,
					"metric '%s': a per-trial metric has a name and no of or "
					"statistic",
					m->id);
	}
	s = pxml_attr(node, "unit");
	r = s ? bench_unit_parse(s, &m->unit) : -EINVAL;
	free(s);
	if (r < 0)
		return pxml_err(err, file, m->line, "metric '%s': unknown unit", m->id);
	s = pxml_attr(node, "reduce");
	i = s ? proto_lookup(reduce_names, BENCH_PROTOCOL_REDUCE_COUNT, s) :
		BENCH_PROTOCOL_REDUCE_WORST;
	free(s);
	if (i < 0)
		return pxml_err(err, file, m->line, "metric '%s': unknown reduce", m->id);
	m->reduce = (enum bench_protocol_reduce)i;
	r = m->pooled ? 0 : bench_protocol_metric_known(m->name, m->unit);
	if (r == -ENOENT)
		return pxml_err(err, file, m->line, "unknown metric '%s'", m->name);
	if (r == -EDOM)
		return pxml_err(err, file, m->line, "metric '%s' cannot be expressed in %s",
				m->name, bench_unit_name(m->unit));
	m->params = calloc(count_named(node, "param") + 1, sizeof(*m->params));
	if (!m->params)
		return -ENOMEM;
	for (c = pxml_first_element(node); c; c = pxml_next_element(c)) {
		struct bench_protocol_param *pa = &m->params[m->n_params++];

		pa->name = pxml_attr(c, "name");
		pa->value = pxml_attr(c, "value");
		if (!pa->name || !pa->value)
			return -ENOMEM;
		pa->is_number = bench_parse_double(pa->value, &pa->number) == 0;
		s = pxml_attr(c, "unit");
		if (s) {
			pa->has_unit = true;
			r = bench_unit_parse(s, &pa->unit);
			free(s);
			if (r < 0)
				return pxml_err(err, file, pxml_line(c), "unknown unit");
			if (!pa->is_number)
				return pxml_err(err, file, pxml_line(c),
						"parameter '%s' has a unit but no numeric value",
						pa->name);
		}
	}
	return 0;
}

const struct bench_protocol_param *bench_protocol_metric_param(
	const struct bench_protocol_metric *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_params; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return &m->params[i];
	return NULL;
}

double bench_protocol_metric_param_num(const struct bench_protocol_metric *m, const char *name,
				       double def)
{
	const struct bench_protocol_param *pa = bench_protocol_metric_param(m, name);

	return pa && pa->is_number ? pa->number : def;
}

/* Index of the per-trial metric @id, or -1. */
static ssize_t trial_metric(const struct bench_protocol *p, const char *id)
{
	size_t i;

	for (i = 0; id && i < p->n_metrics; i++)
		if (!p->metrics[i].pooled && strcmp(p->metrics[i].id, id) == 0)
			return (ssize_t)i;
	return -1;
}

/*
 * Pooled metrics: "of" names a per-trial metric of the protocol; mean and sd keep its
 * unit; a pass rate or demonstrated reliability is in % or 1 and needs its acceptance
 * interval; a drift slope needs "time", a per-trial metric in s.
 */
static int resolve_pooled(struct bench_protocol *p, struct bench_buf *err)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < p->n_metrics; i++) {
		struct bench_protocol_metric *m = &p->metrics[i];
		const struct bench_protocol_param *tp;
		ssize_t k;

		if (!m->pooled)
			continue;
		k = trial_metric(p, m->of);
		if (k < 0) {
			bad |= pxml_err(err, p->path, m->line,
					"metric '%s': of='%s' is not a per-trial metric of the "
					"protocol",
					m->id, m->of);
			continue;
		}
		m->of_index = (size_t)k;
		switch (m->statistic) {
		case BENCH_PROTOCOL_STAT_MEAN:
		case BENCH_PROTOCOL_STAT_SD:
			if (m->unit != p->metrics[k].unit)
				bad |= pxml_err(err, p->path, m->line,
						"metric '%s': unit %s differs from the unit %s of "
						"'%s'",
						m->id, bench_unit_name(m->unit),
						bench_unit_name(p->metrics[k].unit), m->of);
			break;
		case BENCH_PROTOCOL_STAT_PASS_RATE:
		case BENCH_PROTOCOL_STAT_ZERO_FAILURE:
			if (m->unit != BENCH_UNIT_PERCENT && m->unit != BENCH_UNIT_NONE)
				bad |= pxml_err(err, p->path, m->line,
						"metric '%s': a %s is in %% or 1", m->id, m->name);
			if (!bench_protocol_metric_param(m, "accept-low") &&
			    !bench_protocol_metric_param(m, "accept-high"))
				bad |= pxml_err(err, p->path, m->line,
						"metric '%s': a trial passes when '%s' is within "
						"params accept-low..accept-high (give at least one)",
						m->id, m->of);
			break;
		case BENCH_PROTOCOL_STAT_DRIFT_SLOPE:
			tp = bench_protocol_metric_param(m, "time");
			k = tp ? trial_metric(p, tp->value) : -1;
			if (k < 0 || p->metrics[k].unit != BENCH_UNIT_S)
				bad |= pxml_err(err, p->path, m->line,
						"metric '%s': a drift slope needs param time naming "
						"a per-trial metric in s (e.g. trial_time)",
						m->id);
			break;
		default:
			break;
		}
	}
	return bad ? -EINVAL : 0;
}

/* Accept zone of a criterion from its limit (see struct bench_protocol_criterion). */
static int compute_zone(struct bench_protocol_criterion *cr, const char *file,
			struct bench_buf *err)
{
	const struct bench_protocol_limit *l = &cr->limit;
	double nominal, tol = 0;

	cr->low = -INFINITY;
	cr->high = INFINITY;
	cr->low_inclusive = cr->high_inclusive = true;
	switch (l->cmp) {
	case BENCH_PROTOCOL_CMP_LE:
	case BENCH_PROTOCOL_CMP_LT:
		cr->high = l->value;
		cr->high_inclusive = l->cmp == BENCH_PROTOCOL_CMP_LE;
		break;
	case BENCH_PROTOCOL_CMP_GE:
	case BENCH_PROTOCOL_CMP_GT:
		cr->low = l->value;
		cr->low_inclusive = l->cmp == BENCH_PROTOCOL_CMP_GE;
		break;
	case BENCH_PROTOCOL_CMP_RANGE:
		cr->low = l->low;
		cr->high = l->high;
		break;
	case BENCH_PROTOCOL_CMP_WITHIN:
		if (l->has_nominal && cr->has_nominal && l->nominal != cr->nominal)
			return pxml_err(err, file, cr->line,
					"nominal %g differs from the limit's nominal %g",
					cr->nominal, l->nominal);
		if (!l->has_nominal && !cr->has_nominal)
			return pxml_err(err, file, cr->line,
					"limit '%s' is 'within' a tolerance and needs a nominal "
					"(attribute nominal of the criterion)",
					l->id);
		nominal = l->has_nominal ? l->nominal : cr->nominal;
		switch (l->tol_type) {
		case BENCH_PROTOCOL_TOL_ABSOLUTE:
			tol = l->tol_abs;
			break;
		case BENCH_PROTOCOL_TOL_RELATIVE:
			tol = fabs(nominal) * l->tol_rel_pct / 100.0;
			break;
		case BENCH_PROTOCOL_TOL_WHICHEVER_GREATER:
			tol = fmax(l->tol_abs, fabs(nominal) * l->tol_rel_pct / 100.0);
			break;
		default:
			return pxml_err(err, file, cr->line, "limit '%s' has no tolerance", l->id);
		}
		cr->low = nominal - tol;
		cr->high = nominal + tol;
		break;
	default:
		return pxml_err(err, file, cr->line, "bad comparator");
	}
	if (cr->has_marginal && isfinite(cr->low) && isfinite(cr->high) &&
	    2 * cr->marginal_width >= cr->high - cr->low)
		return pxml_err(err, file, cr->line, "marginal band %g %s leaves no accept zone",
				cr->marginal_width, bench_unit_name(l->unit));
	return 0;
}

/* Copies @src into the criterion and checks units. */
static int bind_limit(struct bench_protocol *p, struct bench_protocol_criterion *cr,
		      const struct bench_protocol_limit *src, struct bench_buf *err)
{
	const struct bench_protocol_metric *m = &p->metrics[cr->metric_index];
	int r;

	if (src->unit != m->unit)
		return pxml_err(err, p->path, cr->line,
				"unit mismatch: metric '%s' is in %s but %s '%s' is in %s (%s:%d)",
				m->id, bench_unit_name(m->unit),
				cr->claim_id ? "DUT claim" : "limit", src->id,
				bench_unit_name(src->unit), src->file, src->line);
	r = proto_limit_copy(&cr->limit, src);
	if (r < 0)
		return r;
	cr->resolved = true;
	return compute_zone(cr, p->path, err);
}

int proto_resolve_claims(struct bench_protocol *p, const struct bench_dut_profile *profile,
			 struct bench_buf *err)
{
	size_t i, j;
	int r, bad = 0;

	for (i = 0; i < p->n_criteria; i++) {
		struct bench_protocol_criterion *cr = &p->criteria[i];
		const struct bench_protocol_limit *claim = NULL;

		if (!cr->claim_id || cr->resolved)
			continue;
		if (!profile) {
			pxml_err(err, p->path, cr->line,
				 "criterion on '%s' needs DUT claim '%s' but no DUT profile was "
				 "given",
				 cr->metric_id, cr->claim_id);
			bad = 1;
			continue;
		}
		for (j = 0; j < profile->n_claims; j++)
			if (strcmp(profile->claims[j].id, cr->claim_id) == 0)
				claim = &profile->claims[j];
		if (!claim) {
			pxml_err(err, p->path, cr->line, "DUT profile %s (%s) has no claim '%s'",
				 profile->id, profile->path, cr->claim_id);
			bad = 1;
			continue;
		}
		r = bind_limit(p, cr, claim, err);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			bad = 1;
	}
	return bad ? -EINVAL : 0;
}

static int parse_criterion(struct bench_protocol_lib *lib, struct bench_protocol *p,
			   xmlNodePtr node, struct bench_buf *err,
			   struct bench_protocol_criterion *cr)
{
	const struct bench_protocol_limits *set = NULL;
	const struct bench_protocol_limit *lim;
	xmlNodePtr mg;
	char *hash;
	size_t i;
	int r;

	cr->line = (int)pxml_line(node);
	cr->metric_id = pxml_attr(node, "metric");
	cr->limit_ref = pxml_attr(node, "limit");
	cr->claim_id = pxml_attr(node, "dut-claim");
	if (!cr->metric_id)
		return -ENOMEM;
	cr->has_nominal = pxml_attr_double(node, "nominal", &cr->nominal) == 0;
	for (i = 0; i < p->n_metrics; i++)
		if (strcmp(p->metrics[i].id, cr->metric_id) == 0)
			break;
	if (i == p->n_metrics)
		return pxml_err(err, p->path, cr->line, "criterion names unknown metric '%s'",
				cr->metric_id);
	cr->metric_index = i;
	if (!cr->limit_ref == !cr->claim_id)
		return pxml_err(err, p->path, cr->line,
				"criterion needs exactly one of limit and dut-claim");
	mg = pxml_child(node, "marginal");
	if (mg) {
		enum bench_unit u;
		char *s = pxml_attr(mg, "unit");

		r = s ? bench_unit_parse(s, &u) : -EINVAL;
		free(s);
		if (r < 0 || pxml_attr_double(mg, "width", &cr->marginal_width) < 0)
			return pxml_err(err, p->path, pxml_line(mg), "bad marginal band");
		if (u != p->metrics[i].unit)
			return pxml_err(err, p->path, pxml_line(mg),
					"unit mismatch: marginal band in %s for metric '%s' in %s",
					bench_unit_name(u), cr->metric_id,
					bench_unit_name(p->metrics[i].unit));
		cr->has_marginal = true;
	}
	if (cr->claim_id)
		return 0; /* resolved against the DUT profile, when there is one */

	hash = strchr(cr->limit_ref, '#');
	if (!hash)
		return pxml_err(err, p->path, cr->line, "limit reference must be SET#ID");
	*hash = '\0';
	r = get_limits(lib, p->path, cr->limit_ref, err, &set);
	*hash = '#';
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return pxml_err(err, p->path, cr->line,
				"limit '%s': limits file '%.*s' not found or invalid",
				cr->limit_ref, (int)(hash - cr->limit_ref), cr->limit_ref);
	lim = bench_protocol_limits_find(set, hash + 1);
	if (!lim)
		return pxml_err(err, p->path, cr->line, "unknown limit id '%s' (no '%s' in %s)",
				cr->limit_ref, hash + 1, set->path);
	return bind_limit(p, cr, lim, err);
}

/* The stimulus is the element right before <capture> (a wildcard in protocol.xsd). */
static int parse_stimulus(struct bench_protocol *p, xmlDocPtr doc, xmlNodePtr capture,
			  struct bench_buf *err)
{
	xmlNodePtr st = capture ? capture->prev : NULL;
	xmlBufferPtr xb;
	int r = 0;

	while (st && st->type != XML_ELEMENT_NODE)
		st = st->prev;
	if (!st || strcmp((const char *)st->name, "stimulus") != 0)
		return pxml_err(err, p->path, st ? pxml_line(st) : pxml_line(capture),
				"expected a <stimulus> element before <capture>");
	p->stimulus_line = (int)pxml_line(st);
	/* libsiggen's own checks: models, parameter names and ranges, channel lists. */
	{
		struct siggen_spec *spec = NULL;
		char msg[1024];

		msg[0] = '\0';
		r = siggen_spec_parse_node(st, p->path, &spec, msg, sizeof(msg));
		siggen_spec_free(spec);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (msg[0])
				bench_buf_appendf(err, "%s\n", msg);
			else
				pxml_err(err, p->path, p->stimulus_line, "invalid stimulus (%s)",
					 strerror(-r));
			return -EINVAL;
		}
	}
	xb = xmlBufferCreate();
	if (!xb)
		return -ENOMEM;
	if (xmlNodeDump(xb, doc, st, 0, 0) < 0)
		r = -ENOMEM;
	else
		p->stimulus_xml = strdup((const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	if (r == 0 && !p->stimulus_xml)
		r = -ENOMEM;
	return r;
}

/*
 * The titles: the first <title> is English and has no xml:lang; an optional second one is
 * its translation with xml:lang="zh-CN" (the only language the dossiers have besides
 * English). Return: 0, -ENOMEM, or -EINVAL with a FILE:LINE message in @err.
 */
static int parse_titles(struct bench_protocol *p, xmlNodePtr root, struct bench_buf *err)
{
	xmlNodePtr c;
	unsigned n = 0;
	int bad = 0;

	for (c = pxml_first_element(root); c; c = pxml_next_element(c)) {
		xmlChar *lang;

		if (!pxml_is(c, "title"))
			continue;
		lang = xmlNodeGetLang(c);
		if (n++ == 0) {
			if (lang)
				bad |= pxml_err(err, p->path, pxml_line(c),
						"the first <title> is the English one: no xml:lang") <
				       0;
		} else if (!lang || xmlStrcmp(lang, BAD_CAST "zh-CN") != 0) {
			bad |= pxml_err(err, p->path, pxml_line(c),
					"a second <title> must have xml:lang=\"zh-CN\"") < 0;
		} else if (!(p->title_zh = pxml_text(c))) {
			xmlFree(lang);
			return -ENOMEM;
		}
		xmlFree(lang);
	}
	return bad ? -EINVAL : 0;
}

static int parse_protocol(struct bench_protocol_lib *lib, struct bench_protocol *p, xmlDocPtr doc,
			  struct bench_buf *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr c, n;
	uint64_t u;
	char *s;
	int r, i, bad = 0;

	p->id = pxml_attr(root, "id");
	p->version = pxml_attr(root, "version");
	p->title = pxml_text(pxml_child(root, "title"));
	if (!p->id || !p->version || !p->title)
		return -ENOMEM;
	r = parse_titles(p, root, err);
	if (r == -ENOMEM)
		return r;
	bad |= r < 0;
	if ((c = pxml_child(root, "description")) && !(p->description = pxml_text(c)))
		return -ENOMEM;
	if ((c = pxml_child(root, "catalogue")) && !(p->catalogue = pxml_attr(c, "ref")))
		return -ENOMEM;

	p->standards = calloc(count_named(root, "standard"), sizeof(*p->standards));
	if (!p->standards)
		return -ENOMEM;
	for (c = pxml_first_element(root); c; c = pxml_next_element(c)) {
		struct bench_protocol_standard *sd;

		if (!pxml_is(c, "standard"))
			continue;
		sd = &p->standards[p->n_standards++];
		sd->name = pxml_attr(c, "name");
		sd->edition = pxml_attr(c, "edition");
		sd->clause = pxml_attr(c, "clause");
		if (!sd->name || !sd->edition || !sd->clause)
			return -ENOMEM;
	}
	n = pxml_child(root, "applies-to");
	p->dut_classes = calloc(count_named(n, "dut-class"), sizeof(char *));
	if (!p->dut_classes)
		return -ENOMEM;
	for (c = pxml_first_element(n); c; c = pxml_next_element(c))
		if (!(p->dut_classes[p->n_dut_classes++] = pxml_text(c)))
			return -ENOMEM;

	r = proto_parse_steps(pxml_child(root, "setup"), p->path, err, &p->setup);
	if (r == -ENOMEM)
		return r;
	bad |= r < 0;
	r = proto_parse_steps(pxml_child(root, "teardown"), p->path, err, &p->teardown);
	if (r == -ENOMEM)
		return r;
	bad |= r < 0;

	n = pxml_child(root, "capture");
	r = parse_stimulus(p, doc, n, err);
	if (r == -ENOMEM)
		return r;
	bad |= r < 0;
	if (pxml_attr_double(n, "duration-s", &p->capture_s) < 0 || !(p->capture_s > 0))
		bad |= pxml_err(err, p->path, pxml_line(n), "bad capture duration") < 0;
	if (pxml_has_attr(n, "settle-s") && pxml_attr_double(n, "settle-s", &p->settle_s) < 0)
		bad |= pxml_err(err, p->path, pxml_line(n), "bad settle-s") < 0;
	if (p->settle_s >= p->capture_s)
		bad |= pxml_err(err, p->path, pxml_line(n),
				"settle-s must be shorter than the capture") < 0;
	if (pxml_has_attr(n, "gaps")) {
		char *g = pxml_attr(n, "gaps");

		if (!g)
			return -ENOMEM;
		p->measure_gaps = strcmp(g, "measure") == 0;
		free(g);
	}
	p->inputs = calloc(count_named(n, "input"), sizeof(*p->inputs));
	if (!p->inputs)
		return -ENOMEM;
	for (c = pxml_first_element(n); c; c = pxml_next_element(c)) {
		struct bench_protocol_input *in = &p->inputs[p->n_inputs++];

		in->role = pxml_attr(c, "role");
		in->channels = pxml_has_attr(c, "channels") ? pxml_attr(c, "channels") :
							      strdup("all");
		if (!in->role || !in->channels)
			return -ENOMEM;
	}

	n = pxml_child(root, "trials");
	if (pxml_attr_u64(n, "count", &u) < 0 || u == 0 || u > 100000)
		bad |= pxml_err(err, p->path, pxml_line(n), "bad trial count") < 0;
	else
		p->trials = (unsigned)u;
	s = pxml_attr(n, "order");
	p->randomised = s && strcmp(s, "randomised") == 0;
	free(s);
	r = proto_parse_steps(pxml_child(n, "before-trial"), p->path, err, &p->before_trial);
	if (r == -ENOMEM)
		return r;
	bad |= r < 0;
	p->conditions = calloc(count_named(n, "condition") + 1, sizeof(*p->conditions));
	if (!p->conditions)
		return -ENOMEM;
	for (c = pxml_first_element(n); c; c = pxml_next_element(c)) {
		struct bench_protocol_condition *cd;

		if (!pxml_is(c, "condition"))
			continue;
		cd = &p->conditions[p->n_conditions++];

		cd->id = pxml_attr(c, "id");
		cd->line = (int)pxml_line(c);
		if (!cd->id || proto_parse_sets(c, p->path, &cd->sets, &cd->n_sets) < 0)
			return -ENOMEM;
	}

	n = pxml_child(root, "metrics");
	p->metrics = calloc(count_named(n, "metric"), sizeof(*p->metrics));
	if (!p->metrics)
		return -ENOMEM;
	for (c = pxml_first_element(n); c; c = pxml_next_element(c)) {
		r = parse_metric(c, p->path, err, &p->metrics[p->n_metrics++]);
		if (r == -ENOMEM)
			return r;
		bad |= r < 0;
	}
	if (!bad)
		bad = resolve_pooled(p, err) < 0;
	if (bad)
		return -EINVAL; /* criteria need sound metrics */

	n = pxml_child(root, "acceptance");
	p->criteria = calloc(count_named(n, "criterion"), sizeof(*p->criteria));
	if (!p->criteria)
		return -ENOMEM;
	for (c = pxml_first_element(n); c; c = pxml_next_element(c)) {
		r = parse_criterion(lib, p, c, err, &p->criteria[p->n_criteria++]);
		if (r == -ENOMEM)
			return r;
		bad |= r < 0;
	}

	n = pxml_child(root, "decision");
	s = pxml_attr(n, "rule");
	i = proto_lookup(rule_names, BENCH_PROTOCOL_RULE_COUNT, s);
	free(s);
	if (i < 0)
		bad |= pxml_err(err, p->path, pxml_line(n), "unknown decision rule") < 0;
	else
		p->rule = (enum bench_protocol_rule)i;
	p->k = 2.0;
	if (pxml_has_attr(n, "k") && pxml_attr_double(n, "k", &p->k) < 0)
		bad |= pxml_err(err, p->path, pxml_line(n), "bad coverage factor k") < 0;

	p->retest.attempts = 1;
	p->retest.final = BENCH_PROTOCOL_FINAL_LAST;
	p->retest.retest_on = BENCH_PROTOCOL_RETEST_ON_FAIL_OR_ERROR;
	p->retest.before = BENCH_PROTOCOL_BEFORE_SETUP;
	n = pxml_child(root, "retest");
	if (n) {
		p->has_retest = true;
		r = proto_parse_retest(n, p->path, err, &p->retest);
		bad |= r < 0;
	}
	return bad ? -EINVAL : 0;
}

int proto_load(struct bench_protocol_lib *lib, const char *path,
	       const struct bench_protocol_set *sets, size_t n_sets, const char *condition_id,
	       struct bench_buf *err, struct bench_protocol **ret_protocol)
{
	struct bench_protocol *p;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	size_t i;
	int r;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->priv = calloc(1, sizeof(*p->priv));
	p->path = strdup(path);
	if (!p->priv || !p->path) {
		r = -ENOMEM;
		goto err;
	}
	r = pxml_read(path, err, &doc, p->sha256_hex);
	if (r < 0)
		goto err;
	root = xmlDocGetRootElement(doc);
	if (!pxml_is(root, "protocol")) {
		r = pxml_err(err, path, pxml_line(root), "root element must be <protocol>");
		goto err;
	}
	r = pxml_validate(doc, path, "protocol.xsd", NULL, err);
	if (r < 0)
		goto err;
	if (n_sets > 0) {
		p->overrides = calloc(n_sets, sizeof(*p->overrides));
		if (!p->overrides) {
			r = -ENOMEM;
			goto err;
		}
		for (i = 0; i < n_sets; i++) {
			p->overrides[i].path = strdup(sets[i].path);
			p->overrides[i].value = strdup(sets[i].value);
			p->overrides[i].file = strdup(sets[i].file);
			p->overrides[i].line = sets[i].line;
			p->n_overrides++;
			if (!p->overrides[i].path || !p->overrides[i].value ||
			    !p->overrides[i].file) {
				r = -ENOMEM;
				goto err;
			}
		}
		r = apply_sets(doc, sets, n_sets, err);
		if (r < 0)
			goto err;
		r = pxml_validate(doc, path, "protocol.xsd", " (after suite overrides)", err);
		if (r < 0)
			goto err;
	}
	if (condition_id) {
		struct bench_protocol_set *csets = NULL;
		size_t n_csets = 0;
		xmlNodePtr c;

		for (c = pxml_first_element(pxml_child(root, "trials")); c;
		     c = pxml_next_element(c)) {
			char *id = pxml_attr(c, "id");
			bool match = id && strcmp(id, condition_id) == 0;

			free(id);
			if (match)
				break;
		}
		if (!c) {
			r = pxml_err(err, path, 0, "no condition '%s'", condition_id);
			goto err;
		}
		r = proto_parse_sets(c, path, &csets, &n_csets);
		if (r == 0)
			r = apply_sets(doc, csets, n_csets, err);
		proto_sets_free(csets, n_csets);
		if (r < 0)
			goto err;
		r = pxml_validate(doc, path, "protocol.xsd", " (in condition)", err);
		if (r < 0)
			goto err;
		p->priv->condition_id = strdup(condition_id);
		if (!p->priv->condition_id) {
			r = -ENOMEM;
			goto err;
		}
		p->condition_id = p->priv->condition_id;
	}
	r = parse_protocol(lib, p, doc, err);
	if (r < 0)
		goto err;
	if (lib->profile) {
		r = proto_resolve_claims(p, lib->profile, err);
		if (r < 0)
			goto err;
	}
	/* Each condition must apply cleanly: check now so `validate` reports it. */
	for (i = 0; !condition_id && i < p->n_conditions; i++) {
		struct bench_protocol *inst = NULL;

		r = proto_load(lib, path, sets, n_sets, p->conditions[i].id, err, &inst);
		bench_protocol_free(inst);
		if (r < 0)
			goto err;
	}
	xmlFreeDoc(doc);
	*ret_protocol = p;
	return 0;
err:
	xmlFreeDoc(doc);
	bench_protocol_free(p);
	return r;
}

int bench_protocol_load(struct bench_protocol_lib *lib, const char *path,
			const struct bench_protocol_set *sets, size_t n_sets,
			struct bench_buf *reterr, struct bench_protocol **ret_protocol)
{
	return proto_load(lib, path, sets, n_sets, NULL, reterr, ret_protocol);
}
