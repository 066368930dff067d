// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Limit files (protocols/limits/SET.xml) and DUT profiles (fixtures/duts/): both hold
 * limit values with a comparator and a unit (the limit-value attribute group of
 * schemas/protocol-types.xsd). The schema checks types; this file checks that each
 * comparator has the attributes it needs, e.g. 'within' a tolerance, 'range' low < high.
 */
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "protocol/internal.h"
#include "protocol/protocol.h"
#include "protocol/xml.h"

static const char *const cmp_names[BENCH_PROTOCOL_CMP_COUNT] = {
	[BENCH_PROTOCOL_CMP_LE] = "le",		[BENCH_PROTOCOL_CMP_LT] = "lt",
	[BENCH_PROTOCOL_CMP_GE] = "ge",		[BENCH_PROTOCOL_CMP_GT] = "gt",
	[BENCH_PROTOCOL_CMP_WITHIN] = "within", [BENCH_PROTOCOL_CMP_RANGE] = "range",
};

static const char *const tol_names[BENCH_PROTOCOL_TOL_COUNT] = {
	[BENCH_PROTOCOL_TOL_NONE] = "none",
	[BENCH_PROTOCOL_TOL_ABSOLUTE] = "absolute",
	[BENCH_PROTOCOL_TOL_RELATIVE] = "relative",
	[BENCH_PROTOCOL_TOL_WHICHEVER_GREATER] = "whichever-greater",
};

static const char *const evidence_names[BENCH_PROTOCOL_EVIDENCE_COUNT] = {
	[BENCH_PROTOCOL_EVIDENCE_S] = "S",
	[BENCH_PROTOCOL_EVIDENCE_S_STAR] = "S*",
	[BENCH_PROTOCOL_EVIDENCE_E] = "E",
	[BENCH_PROTOCOL_EVIDENCE_CLAIM] = "claim",
};

const char *bench_protocol_cmp_name(enum bench_protocol_cmp cmp)
{
	return (unsigned)cmp < BENCH_PROTOCOL_CMP_COUNT ? cmp_names[cmp] : "?";
}

const char *bench_protocol_evidence_name(enum bench_protocol_evidence ev)
{
	return (unsigned)ev < BENCH_PROTOCOL_EVIDENCE_COUNT ? evidence_names[ev] : "?";
}

const char *proto_tol_name(enum bench_protocol_tol tol)
{
	return (unsigned)tol < BENCH_PROTOCOL_TOL_COUNT ? tol_names[tol] : "?";
}

int proto_lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

void proto_limit_clear(struct bench_protocol_limit *l)
{
	if (!l)
		return;
	free(l->id);
	free(l->set_id);
	free(l->standard);
	free(l->edition);
	free(l->clause);
	free(l->source);
	free(l->note);
	free(l->file);
	memset(l, 0, sizeof(*l));
}

int proto_limit_copy(struct bench_protocol_limit *dst, const struct bench_protocol_limit *src)
{
	*dst = *src;
	dst->id = pxml_strdup(src->id);
	dst->set_id = pxml_strdup(src->set_id);
	dst->standard = pxml_strdup(src->standard);
	dst->edition = pxml_strdup(src->edition);
	dst->clause = pxml_strdup(src->clause);
	dst->source = pxml_strdup(src->source);
	dst->note = pxml_strdup(src->note);
	dst->file = pxml_strdup(src->file);
	if ((src->id && !dst->id) || (src->set_id && !dst->set_id) ||
	    (src->standard && !dst->standard) || (src->edition && !dst->edition) ||
	    (src->clause && !dst->clause) || (src->source && !dst->source) ||
	    (src->note && !dst->note) || (src->file && !dst->file)) {
		proto_limit_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

/* Reads the limit-value attributes of @node into @l and checks their combination. */
static int parse_limit_value(xmlNodePtr node, const char *file, struct bench_buf *err,
			     struct bench_protocol_limit *l)
{
	long line = pxml_line(node);
	char *s;
	int idx, r = 0;

	s = pxml_attr(node, "comparator");
	idx = proto_lookup(cmp_names, BENCH_PROTOCOL_CMP_COUNT, s);
	free(s);
	if (idx < 0)
		return pxml_err(err, file, line, "unknown comparator");
	l->cmp = (enum bench_protocol_cmp)idx;

	s = pxml_attr(node, "unit");
	if (!s || bench_unit_parse(s, &l->unit) < 0)
		r = pxml_err(err, file, line, "unknown unit '%s'", s ? s : "");
	free(s);
	if (r < 0)
		return r;

	l->tol_type = BENCH_PROTOCOL_TOL_NONE;
	s = pxml_attr(node, "tolerance-type");
	if (s) {
		idx = proto_lookup(tol_names, BENCH_PROTOCOL_TOL_COUNT, s);
		free(s);
		if (idx <= 0)
			return pxml_err(err, file, line, "unknown tolerance-type");
		l->tol_type = (enum bench_protocol_tol)idx;
	}
	l->has_nominal = pxml_attr_double(node, "nominal", &l->nominal) == 0;

	switch (l->cmp) {
	case BENCH_PROTOCOL_CMP_LE:
	case BENCH_PROTOCOL_CMP_LT:
	case BENCH_PROTOCOL_CMP_GE:
	case BENCH_PROTOCOL_CMP_GT:
		if (pxml_attr_double(node, "value", &l->value) < 0)
			return pxml_err(err, file, line, "comparator '%s' needs a value attribute",
					cmp_names[l->cmp]);
		if (l->tol_type != BENCH_PROTOCOL_TOL_NONE || pxml_has_attr(node, "low") ||
		    pxml_has_attr(node, "high"))
			return pxml_err(err, file, line,
					"comparator '%s' takes value only (no tolerance, low or "
					"high)",
					cmp_names[l->cmp]);
		break;
	case BENCH_PROTOCOL_CMP_RANGE:
		if (pxml_attr_double(node, "low", &l->low) < 0 ||
		    pxml_attr_double(node, "high", &l->high) < 0)
			return pxml_err(err, file, line, "comparator 'range' needs low and high");
		if (!(l->low < l->high))
			return pxml_err(err, file, line, "range: low must be below high");
		break;
	case BENCH_PROTOCOL_CMP_WITHIN:
		if (l->tol_type == BENCH_PROTOCOL_TOL_NONE)
			return pxml_err(err, file, line,
					"comparator 'within' needs tolerance-type");
		if (l->tol_type != BENCH_PROTOCOL_TOL_RELATIVE &&
		    pxml_attr_double(node, "tolerance-abs", &l->tol_abs) < 0)
			return pxml_err(err, file, line, "tolerance-type '%s' needs tolerance-abs",
					tol_names[l->tol_type]);
		if (l->tol_type != BENCH_PROTOCOL_TOL_ABSOLUTE &&
		    pxml_attr_double(node, "tolerance-rel", &l->tol_rel_pct) < 0)
			return pxml_err(err, file, line, "tolerance-type '%s' needs tolerance-rel",
					tol_names[l->tol_type]);
		break;
	default:
		return pxml_err(err, file, line, "unknown comparator");
	}
	return 0;
}

static int parse_limit_common(xmlNodePtr node, const char *file, const char *set_id,
			      struct bench_buf *err, struct bench_protocol_limit *l)
{
	xmlNodePtr c;
	int r;

	l->line = (int)pxml_line(node);
	l->id = pxml_attr(node, "id");
	l->set_id = pxml_strdup(set_id);
	l->file = pxml_strdup(file);
	if (!l->id || !l->set_id || !l->file)
		return -ENOMEM;
	r = parse_limit_value(node, file, err, l);
	if (r < 0)
		return r;
	c = pxml_child(node, "source");
	if (c) {
		l->source = pxml_text(c);
		if (!l->source)
			return -ENOMEM;
	}
	c = pxml_child(node, "note");
	if (c) {
		l->note = pxml_text(c);
		if (!l->note)
			return -ENOMEM;
	}
	return 0;
}

void bench_protocol_limits_free(struct bench_protocol_limits *limits)
{
	size_t i;

	if (!limits)
		return;
	for (i = 0; i < limits->n_limits; i++)
		proto_limit_clear(&limits->limits[i]);
	free(limits->limits);
	free(limits->id);
	free(limits->version);
	free(limits->title);
	free(limits->standard);
	free(limits->edition);
	free(limits->note);
	free(limits->path);
	free(limits);
}

const struct bench_protocol_limit *bench_protocol_limits_find(
	const struct bench_protocol_limits *limits, const char *id)
{
	size_t i;

	for (i = 0; limits && i < limits->n_limits; i++)
		if (strcmp(limits->limits[i].id, id) == 0)
			return &limits->limits[i];
	return NULL;
}

static size_t count_children(xmlNodePtr parent, const char *name)
{
	xmlNodePtr c;
	size_t n = 0;

	for (c = pxml_first_element(parent); c; c = pxml_next_element(c))
		if (pxml_is(c, name))
			n++;
	return n;
}

int bench_protocol_limits_load(const char *path, struct bench_buf *reterr,
			       struct bench_protocol_limits **ret_limits)
{
	struct bench_protocol_limits *lim;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, c;
	int r;
	int bad = 0;

	lim = calloc(1, sizeof(*lim));
	if (!lim)
		return -ENOMEM;
	r = pxml_read(path, reterr, &doc, lim->sha256_hex);
	if (r < 0)
		goto err;
	root = xmlDocGetRootElement(doc);
	if (!pxml_is(root, "limits")) {
		r = pxml_err(reterr, path, pxml_line(root), "root element must be <limits>");
		goto err;
	}
	r = pxml_validate(doc, path, "limits.xsd", NULL, reterr);
	if (r < 0)
		goto err;

	lim->path = strdup(path);
	lim->id = pxml_attr(root, "id");
	lim->version = pxml_attr(root, "version");
	lim->title = pxml_text(pxml_child(root, "title"));
	c = pxml_child(root, "standard");
	lim->standard = pxml_attr(c, "name");
	lim->edition = pxml_attr(c, "edition");
	if (pxml_child(root, "note"))
		lim->note = pxml_text(pxml_child(root, "note"));
	lim->limits = calloc(count_children(root, "limit"), sizeof(*lim->limits));
	if (!lim->path || !lim->id || !lim->version || !lim->title || !lim->standard ||
	    !lim->edition || !lim->limits) {
		r = -ENOMEM;
		goto err;
	}
	for (c = pxml_first_element(root); c; c = pxml_next_element(c)) {
		struct bench_protocol_limit *l;
		char *ev;
		int idx;

		if (!pxml_is(c, "limit"))
			continue;
		l = &lim->limits[lim->n_limits++];
		r = parse_limit_common(c, path, lim->id, reterr, l);
		if (r == -ENOMEM)
			goto err;
		if (r < 0) {
			bad = 1;
			continue;
		}
		l->standard = strdup(lim->standard);
		l->edition = strdup(lim->edition);
		l->clause = pxml_attr(c, "clause");
		ev = pxml_attr(c, "evidence");
		idx = proto_lookup(evidence_names, BENCH_PROTOCOL_EVIDENCE_CLAIM, ev);
		free(ev);
		if (!l->standard || !l->edition || !l->clause) {
			r = -ENOMEM;
			goto err;
		}
		if (idx < 0) {
			bad = 1;
			pxml_err(reterr, path, l->line, "unknown evidence tag");
			continue;
		}
		l->evidence = (enum bench_protocol_evidence)idx;
	}
	if (bad) {
		r = -EINVAL;
		goto err;
	}
	xmlFreeDoc(doc);
	*ret_limits = lim;
	return 0;
err:
	xmlFreeDoc(doc);
	bench_protocol_limits_free(lim);
	return r;
}

void bench_dut_profile_free(struct bench_dut_profile *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_claims; i++)
		proto_limit_clear(&p->claims[i]);
	free(p->claims);
	free(p->id);
	free(p->version);
	free(p->manufacturer);
	free(p->model);
	free(p->hardware_revision);
	free(p->dut_class);
	free(p->serial_format);
	free(p->path);
	free(p);
}

/* Compiles the serial format anchored at both ends. Return: 0, -EINVAL, -ENOMEM. */
static int compile_serial(const char *format, regex_t *re)
{
	struct bench_buf b = BENCH_BUF_INIT;
	int r;

	r = bench_buf_appendf(&b, "^(%s)$", format);
	if (r < 0)
		return r;
	r = regcomp(re, bench_buf_str(&b), REG_EXTENDED | REG_NOSUB);
	bench_buf_free(&b);
	return r == 0 ? 0 : -EINVAL;
}

int bench_dut_profile_check_serial(const struct bench_dut_profile *profile, const char *serial)
{
	regex_t re;
	int r;

	if (!profile || !serial || !*serial)
		return -EINVAL;
	r = compile_serial(profile->serial_format, &re);
	if (r < 0)
		return r;
	r = regexec(&re, serial, 0, NULL, 0) == 0 ? 0 : -EINVAL;
	regfree(&re);
	return r;
}

int bench_dut_profile_load(const char *path, struct bench_buf *reterr,
			   struct bench_dut_profile **ret_profile)
{
	struct bench_dut_profile *p;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, c, claims;
	regex_t re;
	uint64_t u;
	int r, bad = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	r = pxml_read(path, reterr, &doc, p->sha256_hex);
	if (r < 0)
		goto err;
	root = xmlDocGetRootElement(doc);
	if (!pxml_is(root, "dut-profile")) {
		r = pxml_err(reterr, path, pxml_line(root), "root element must be <dut-profile>");
		goto err;
	}
	r = pxml_validate(doc, path, "dut-profile.xsd", NULL, reterr);
	if (r < 0)
		goto err;
	p->path = strdup(path);
	p->id = pxml_attr(root, "id");
	p->version = pxml_attr(root, "version");
	c = pxml_child(root, "model");
	p->manufacturer = pxml_attr(c, "manufacturer");
	p->model = pxml_attr(c, "name");
	p->hardware_revision = pxml_attr(c, "hardware-revision");
	p->dut_class = pxml_text(pxml_child(root, "class"));
	c = pxml_child(root, "serial-format");
	p->serial_format = pxml_text(c);
	if (!p->path || !p->id || !p->version || !p->manufacturer || !p->model || !p->dut_class ||
	    !p->serial_format) {
		r = -ENOMEM;
		goto err;
	}
	if (compile_serial(p->serial_format, &re) < 0) {
		bad = 1;
		pxml_err(reterr, path, pxml_line(c),
			 "serial-format is not a valid POSIX extended regular expression");
	} else {
		regfree(&re);
	}
	c = pxml_child(root, "channels");
	if (c) {
		if (pxml_attr_u64(c, "count", &u) < 0 || u > 1u << 20) {
			bad = 1;
			pxml_err(reterr, path, pxml_line(c), "bad channel count");
		} else {
			p->channels = (unsigned)u;
		}
		if (pxml_attr_double(c, "rate-hz", &p->rate_hz) < 0) {
			bad = 1;
			pxml_err(reterr, path, pxml_line(c), "bad rate-hz");
		}
	}
	claims = pxml_child(root, "claims");
	p->claims = calloc(count_children(claims, "claim"), sizeof(*p->claims));
	if (!p->claims) {
		r = -ENOMEM;
		goto err;
	}
	for (c = pxml_first_element(claims); c; c = pxml_next_element(c)) {
		struct bench_protocol_limit *l = &p->claims[p->n_claims++];

		r = parse_limit_common(c, path, p->id, reterr, l);
		if (r == -ENOMEM)
			goto err;
		if (r < 0) {
			bad = 1;
			continue;
		}
		l->evidence = BENCH_PROTOCOL_EVIDENCE_CLAIM;
		l->standard = strdup(p->model);
		l->edition = strdup(p->version);
		if (!l->standard || !l->edition) {
			r = -ENOMEM;
			goto err;
		}
	}
	if (bad) {
		r = -EINVAL;
		goto err;
	}
	xmlFreeDoc(doc);
	*ret_profile = p;
	return 0;
err:
	xmlFreeDoc(doc);
	bench_dut_profile_free(p);
	return r;
}
