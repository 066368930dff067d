// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * <stimulus> XML to struct siggen_spec: XSD validation against the embedded
 * schemas/stimulus.xsd, then semantic checks (known model and parameter,
 * values finite and in range, channels in range), every error reported as
 * "FILE:LINE: message". Units as in the model parameter tables.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siggen-internal.h"

#include "stimulus-xsd.h" /* sg_stimulus_xsd[], generated from schemas/stimulus.xsd */

struct perr {
	char *buf;
	size_t len;
	const char *file;
	bool set;
};

static void fail(struct perr *e, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct perr *e, long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t n;

	if (e->set || !e->buf || !e->len)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	snprintf(e->buf, e->len, "%s:%ld: %s", e->file ? e->file : "<stimulus>", line, msg);
	e->set = true;
}

static void schema_error(void *ctx, xmlErrorPtr err)
{
	struct perr *e = ctx;

	fail(e, err->line, "%s", err->message ? err->message : "invalid");
}

static int parse_double(const char *s, double *ret)
{
	char *end;
	double v;

	if (!s)
		return -EINVAL;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end || errno == ERANGE || !isfinite(v))
		return -EINVAL;
	*ret = v;
	return 0;
}

static int get_double(xmlNode *n, const char *attr, double def, double *ret, struct perr *e)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
	int rc = 0;

	if (!v) {
		*ret = def;
		return 0;
	}
	if (parse_double((const char *)v, ret) < 0) {
		fail(e, xmlGetLineNo(n), "%s=\"%s\" is not a finite number", attr, (const char *)v);
		rc = -EINVAL;
	}
	xmlFree(v);
	return rc;
}

static int validate(xmlNode *node, struct perr *e)
{
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr copy;
	int rc = -ENOMEM;

	pc = xmlSchemaNewMemParserCtxt(sg_stimulus_xsd, (int)strlen(sg_stimulus_xsd));
	if (!pc)
		return -ENOMEM;
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!schema)
		return -EIO; /* the embedded schema is broken: a build error */
	doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!doc)
		goto out;
	copy = xmlDocCopyNode(node, doc, 1);
	if (!copy)
		goto out;
	xmlDocSetRootElement(doc, copy);
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc)
		goto out;
	xmlSchemaSetValidStructuredErrors(vc, schema_error, e);
	rc = xmlSchemaValidateDoc(vc, doc) == 0 ? 0 : -EINVAL;
	if (rc < 0 && !e->set)
		fail(e, xmlGetLineNo(node), "does not match the stimulus schema");
out:
	xmlSchemaFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	xmlSchemaFree(schema);
	return rc;
}

static int parse_source(struct siggen_spec *spec, xmlNode *n, struct perr *e)
{
	xmlChar *model = xmlGetProp(n, (const xmlChar *)"model");
	xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
	xmlChar *chans = xmlGetProp(n, (const xmlChar *)"channels");
	xmlChar *routing = xmlGetProp(n, (const xmlChar *)"routing");
	long line = xmlGetLineNo(n);
	double gain;
	unsigned idx;
	xmlNode *c;
	int rc;

	rc = get_double(n, "gain", 1.0, &gain, e);
	if (rc < 0)
		goto out;
	rc = siggen_spec_add_source(spec, (const char *)model, (const char *)id,
				    (const char *)chans, gain, &idx);
	if (rc == -ENOENT) {
		fail(e, line, "unknown model '%s'", (const char *)model);
		rc = -EINVAL;
	} else if (rc == -ERANGE) {
		fail(e, line, "more than %d sources", SIGGEN_MAX_SOURCES);
	} else if (rc == -EINVAL) {
		fail(e, line, "bad source: channels '%s' not within 0..%u, or duplicate id",
		     chans ? (const char *)chans : "", spec->channels - 1);
	}
	if (rc < 0)
		goto out;
	if (routing && strcmp((const char *)routing, "common") == 0)
		siggen_spec_set_routing(spec, idx, SIGGEN_ROUTING_COMMON);
	for (c = n->children; c; c = c->next) {
		const struct sg_model *m = sg_models[spec->src[idx].model];
		const struct siggen_param_info *pi;
		xmlChar *pname;
		double v;
		int k;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		pname = xmlGetProp(c, (const xmlChar *)"name");
		k = pname ? sg_param_index(m, (const char *)pname) : -1;
		if (k < 0) {
			fail(e, xmlGetLineNo(c), "model '%s' has no parameter '%s'", m->name,
			     pname ? (const char *)pname : "");
			xmlFree(pname);
			rc = -EINVAL;
			goto out;
		}
		xmlFree(pname);
		pi = &m->params[k];
		rc = get_double(c, "value", 0, &v, e);
		if (rc < 0)
			goto out;
		if (v < pi->min || v > pi->max) {
			fail(e, xmlGetLineNo(c), "%s = %g %s is outside %g..%g", pi->name, v,
			     pi->unit, pi->min, pi->max);
			rc = -EINVAL;
			goto out;
		}
		spec->src[idx].p[k] = v;
	}
out:
	xmlFree(model);
	xmlFree(id);
	xmlFree(chans);
	xmlFree(routing);
	return rc;
}

static int parse_stimulus(xmlNode *root, struct perr *e, struct siggen_spec **ret)
{
	struct siggen_spec *spec = NULL;
	double rate, dur, chans;
	long line = xmlGetLineNo(root);
	xmlNode *n;
	int rc;

	if (!root || root->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)root->name, "stimulus") != 0) {
		fail(e, root ? xmlGetLineNo(root) : 0, "expected a <stimulus> element");
		return -EINVAL;
	}
	rc = validate(root, e);
	if (rc < 0)
		return rc;
	if (get_double(root, "rate_hz", 0, &rate, e) < 0 ||
	    get_double(root, "channels", 0, &chans, e) < 0 ||
	    get_double(root, "duration_s", 0, &dur, e) < 0)
		return -EINVAL;
	if (!(rate > 0) || !(dur > 0) || !(chans >= 1)) {
		fail(e, line, "rate_hz, channels and duration_s must be positive");
		return -EINVAL;
	}
	if (rate > SIGGEN_MAX_RATE_HZ || chans > SIGGEN_MAX_CHANNELS ||
	    dur * rate > (double)SIGGEN_MAX_FRAMES) {
		fail(e, line, "too big: at most %g Hz, %d channels, %llu frames",
		     SIGGEN_MAX_RATE_HZ, SIGGEN_MAX_CHANNELS,
		     (unsigned long long)SIGGEN_MAX_FRAMES);
		return -EINVAL;
	}
	rc = siggen_spec_new(rate, (unsigned)chans, dur, &spec);
	if (rc < 0) {
		fail(e, line, "bad rate/channels/duration (%s)", strerror(-rc));
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	for (n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "channel") == 0) {
			xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
			double idx;

			rc = get_double(n, "index", 0, &idx, e);
			if (rc == 0 && (idx >= spec->channels ||
					siggen_spec_set_channel_name(spec, (unsigned)idx,
								     (const char *)name) < 0)) {
				fail(e, xmlGetLineNo(n), "channel index %g is not below %u", idx,
				     spec->channels);
				rc = -EINVAL;
			}
			xmlFree(name);
		} else if (strcmp((const char *)n->name, "source") == 0) {
			rc = parse_source(spec, n, e);
		}
		if (rc < 0) {
			siggen_spec_free(spec);
			return rc == -ENOMEM ? rc : -EINVAL;
		}
	}
	*ret = spec;
	return 0;
}

int siggen_spec_parse_node(struct _xmlNode *node, const char *filename,
			   struct siggen_spec **ret_spec, char *err, size_t errlen)
{
	struct perr e = { err, errlen, filename, false };

	if (err && errlen)
		err[0] = '\0';
	if (!node || !ret_spec)
		return -EINVAL;
	return parse_stimulus(node, &e, ret_spec);
}

static int parse_doc(xmlParserCtxtPtr ctxt, xmlDocPtr doc, const char *filename,
		     struct siggen_spec **ret_spec, char *err, size_t errlen)
{
	struct perr e = { err, errlen, filename, false };
	int rc;

	if (!doc) {
		xmlErrorPtr x = xmlCtxtGetLastError(ctxt);

		fail(&e, x ? x->line : 0, "%s",
		     x && x->message ? x->message : "not well-formed XML");
		return -EINVAL;
	}
	rc = parse_stimulus(xmlDocGetRootElement(doc), &e, ret_spec);
	xmlFreeDoc(doc);
	return rc;
}

int siggen_spec_parse_file(const char *path, struct siggen_spec **ret_spec, char *err,
			   size_t errlen)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	FILE *f;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !ret_spec)
		return -EINVAL;
	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	fclose(f);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	doc = xmlCtxtReadFile(ctxt, path, NULL,
			      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	rc = parse_doc(ctxt, doc, path, ret_spec, err, errlen);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

int siggen_spec_parse_memory(const char *xml, size_t len, const char *filename,
			     struct siggen_spec **ret_spec, char *err, size_t errlen)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!xml || !ret_spec || len > INT32_MAX)
		return -EINVAL;
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, filename, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	rc = parse_doc(ctxt, doc, filename, ret_spec, err, errlen);
	xmlFreeParserCtxt(ctxt);
	return rc;
}
