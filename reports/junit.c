// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JUnit XML writer (see junit.h). Times in seconds with millisecond resolution.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "reports/junit.h"
#include "reports/xml.h"

#define TRY(expr)                 \
	do {                      \
		r = (expr);       \
		if (r < 0)        \
			return r; \
	} while (0)

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST(value ? value : "")) < 0 ?
		       -ENOMEM :
		       0;
}

static int attr_u(xmlTextWriterPtr w, const char *name, size_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%zu", v);
	return attr(w, name, b);
}

static int attr_s(xmlTextWriterPtr w, const char *name, int64_t start_ns, int64_t end_ns)
{
	char b[32];
	double s = end_ns > start_ns ? (double)(end_ns - start_ns) * 1e-9 : 0.0;

	snprintf(b, sizeof(b), "%.3f", s);
	return attr(w, name, b);
}

static int start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, BAD_CAST name) < 0 ? -ENOMEM : 0;
}

static int end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -ENOMEM : 0;
}

/* "gain error = 3.2 % (U = 0.4 %, k = 2) against [-2, 2] % under simple-acceptance: FAIL" */
static int describe_meas(struct bench_buf *b, const struct bench_dossier_measurement *m)
{
	char lim[96];

	bench_dossier_format_limit(m, lim, sizeof(lim));
	if (isnan(m->u_expanded))
		return bench_buf_appendf(b, "%s = %.6g %s against %s under %s: %s",
					 m->name ? m->name : "?", m->value, m->unit ? m->unit : "",
					 lim, bench_dossier_rule_name(m->rule),
					 bench_dossier_verdict_name(m->verdict));
	return bench_buf_appendf(b, "%s = %.6g %s (U = %.3g %s, k = %.3g) against %s under %s: %s",
				 m->name ? m->name : "?", m->value, m->unit ? m->unit : "",
				 m->u_expanded, m->unit ? m->unit : "", m->k, lim,
				 bench_dossier_rule_name(m->rule),
				 bench_dossier_verdict_name(m->verdict));
}

static int write_case(xmlTextWriterPtr w, const struct bench_dossier_test *t)
{
	struct bench_buf msg = BENCH_BUF_INIT;
	const char *child = NULL;
	size_t i;
	int r = 0;

	TRY(start(w, "testcase"));
	{
		struct bench_buf name = BENCH_BUF_INIT;

		r = bench_buf_appendf(&name, "%s %s", t->id ? t->id : "?",
				      t->title ? t->title : "");
		if (r == 0)
			r = attr(w, "name", bench_buf_str(&name));
		bench_buf_free(&name);
		if (r < 0)
			return r;
	}
	TRY(attr(w, "classname", t->protocol_id));
	TRY(attr_s(w, "time", t->start_ns, t->end_ns));
	if (t->n_meas) {
		TRY(start(w, "properties"));
		for (i = 0; i < t->n_meas; i++) {
			const struct bench_dossier_measurement *m = &t->meas[i];
			char v[64];

			snprintf(v, sizeof(v), "%.6g %s", m->value, m->unit ? m->unit : "");
			TRY(start(w, "property"));
			TRY(attr(w, "name", m->name));
			TRY(attr(w, "value", v));
			TRY(end(w));
		}
		TRY(end(w));
	}

	switch (t->verdict) {
	case BENCH_DOSSIER_FAIL:
		child = "failure";
		break;
	case BENCH_DOSSIER_ERROR:
		child = "error";
		break;
	case BENCH_DOSSIER_NOT_RUN:
		TRY(start(w, "skipped"));
		TRY(attr(w, "message", "not run"));
		TRY(end(w));
		return end(w); /* testcase */
	default:
		break;
	}
	if (child) {
		for (i = 0; r == 0 && i < t->n_meas; i++) {
			if (t->meas[i].verdict != t->verdict)
				continue;
			if (msg.len)
				r = bench_buf_append_str(&msg, "; ");
			if (r == 0)
				r = describe_meas(&msg, &t->meas[i]);
		}
		if (r == 0 && msg.len == 0)
			r = bench_buf_appendf(&msg, "%s", bench_dossier_verdict_name(t->verdict));
		if (r == 0)
			r = start(w, child);
		if (r == 0)
			r = attr(w, "message", bench_buf_str(&msg));
		if (r == 0)
			r = attr(w, "type", bench_dossier_verdict_name(t->verdict));
		if (r == 0)
			r = xmlTextWriterWriteString(w, BAD_CAST bench_buf_str(&msg)) < 0 ?
				    -ENOMEM :
				    0;
		if (r == 0)
			r = end(w);
		bench_buf_free(&msg);
		if (r < 0)
			return r;
	} else if (t->verdict == BENCH_DOSSIER_MARGINAL) {
		TRY(xmlTextWriterWriteElement(w, BAD_CAST "system-out",
					      BAD_CAST "MARGINAL: inside the guard band of the "
						       "decision rule") < 0 ?
			    -ENOMEM :
			    0);
	}
	return end(w);
}

static int write_all(xmlTextWriterPtr w, const struct bench_dossier *d, const char *dossier_ref)
{
	size_t c[BENCH_DOSSIER_VERDICT_COUNT], i;
	char ts[40] = "";
	int r;

	bench_dossier_count(d, c);
	TRY(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ? -ENOMEM : 0);
	TRY(start(w, "testsuites"));
	TRY(attr(w, "name", "bcibench"));
	TRY(attr_u(w, "tests", d->n_tests));
	TRY(attr_u(w, "failures", c[BENCH_DOSSIER_FAIL]));
	TRY(attr_u(w, "errors", c[BENCH_DOSSIER_ERROR]));
	TRY(attr_u(w, "skipped", c[BENCH_DOSSIER_NOT_RUN]));
	TRY(attr_s(w, "time", d->start_ns, d->end_ns));
	TRY(start(w, "testsuite"));
	TRY(attr(w, "name", d->report_id));
	TRY(attr_u(w, "tests", d->n_tests));
	TRY(attr_u(w, "failures", c[BENCH_DOSSIER_FAIL]));
	TRY(attr_u(w, "errors", c[BENCH_DOSSIER_ERROR]));
	TRY(attr_u(w, "skipped", c[BENCH_DOSSIER_NOT_RUN]));
	TRY(attr_s(w, "time", d->start_ns, d->end_ns));
	if (d->start_ns && bench_clock_format_utc(d->start_ns, ts, sizeof(ts)) == 0)
		TRY(attr(w, "timestamp", ts));
	TRY(attr(w, "hostname", d->station_id));
	TRY(start(w, "properties"));
	{
		const char *props[][2] = {
			{ "dut.model", d->dut_model },
			{ "dut.serial", d->dut_serial },
			{ "lab", d->lab_name },
			{ "operator", d->operator_name },
			{ "software.version", d->software_version },
			{ "software.build", d->software_build_id },
			{ "verdict", bench_dossier_verdict_name(d->verdict) },
		};

		for (i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
			TRY(start(w, "property"));
			TRY(attr(w, "name", props[i][0]));
			TRY(attr(w, "value", props[i][1]));
			TRY(end(w));
		}
	}
	TRY(end(w));
	for (i = 0; i < d->n_tests; i++)
		TRY(write_case(w, &d->tests[i]));
	if (dossier_ref) {
		struct bench_buf att = BENCH_BUF_INIT;

		r = bench_buf_appendf(&att, "[[ATTACHMENT|%s]]", dossier_ref);
		if (r == 0)
			r = xmlTextWriterWriteElement(w, BAD_CAST "system-out",
						      BAD_CAST bench_buf_str(&att)) < 0 ?
				    -ENOMEM :
				    0;
		bench_buf_free(&att);
		if (r < 0)
			return r;
	}
	TRY(end(w));
	TRY(end(w));
	return xmlTextWriterEndDocument(w) < 0 ? -ENOMEM : 0;
}

int bench_report_write_junit(const struct bench_dossier *d, const char *path,
			     const char *dossier_ref)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	xmlDocPtr doc;
	int r;

	buf = xmlBufferCreate();
	if (!buf)
		return -ENOMEM;
	w = xmlNewTextWriterMemory(buf, 0);
	if (!w) {
		xmlBufferFree(buf);
		return -ENOMEM;
	}
	xmlTextWriterSetIndent(w, 1);
	r = write_all(w, d, dossier_ref);
	xmlFreeTextWriter(w);
	if (r < 0) {
		xmlBufferFree(buf);
		return r;
	}
	doc = xmlReadMemory((const char *)xmlBufferContent(buf), xmlBufferLength(buf), "junit.xml",
			    "UTF-8", XML_PARSE_NONET);
	xmlBufferFree(buf);
	if (!doc)
		return -ENOMEM;
	r = bench_report_xml_validate_with(doc, bench_report_junit_xsd(), path);
	if (r == 0)
		r = bench_report_xml_save(doc, path);
	xmlFreeDoc(doc);
	return r;
}
