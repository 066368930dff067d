// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dossier XML writer: xmlTextWriter into memory (indented), parsed back into a document,
 * validated against the compiled-in schemas/dossier.xsd, signed, re-validated and saved
 * atomically. Quantities are written in their own unit (the measurement's unit attribute).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "reports/sign.h"
#include "reports/xml.h"

extern const unsigned char bench_dossier_xsd_text[];
extern const unsigned char bench_junit_xsd_text[];

const char *bench_report_dossier_xsd(void)
{
	return (const char *)bench_dossier_xsd_text;
}

const char *bench_report_junit_xsd(void)
{
	return (const char *)bench_junit_xsd_text;
}

/* Writer helpers: each returns 0 or -ENOMEM (libxml2 reports only "failed"). */
static int w_start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, BAD_CAST name) < 0 ? -ENOMEM : 0;
}

static int w_end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -ENOMEM : 0;
}

/* Writes the attribute only when @value is not NULL. */
static int w_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	if (!value)
		return 0;
	return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value) < 0 ? -ENOMEM : 0;
}

/* Writes "NaN", "INF", "-INF" or 10 significant digits (xs:double lexical forms). */
static int w_double(xmlTextWriterPtr w, const char *name, double v)
{
	char b[40];

	if (isnan(v))
		snprintf(b, sizeof(b), "NaN");
	else if (isinf(v))
		snprintf(b, sizeof(b), "%sINF", v < 0 ? "-" : "");
	else
		snprintf(b, sizeof(b), "%.10g", v);
	return w_attr(w, name, b);
}

static int w_u64(xmlTextWriterPtr w, const char *name, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	return w_attr(w, name, b);
}

/* Writes a time attribute; 0 means "not recorded" and writes nothing. */
static int w_time(xmlTextWriterPtr w, const char *name, int64_t wall_ns)
{
	char b[40];

	if (wall_ns == 0)
		return 0;
	if (bench_clock_format_utc(wall_ns, b, sizeof(b)) < 0)
		return -EINVAL;
	return w_attr(w, name, b);
}

static int w_text_elem(xmlTextWriterPtr w, const char *name, const char *text)
{
	if (!text)
		return 0;
	return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text) < 0 ? -ENOMEM : 0;
}

#define TRY(expr)                 \
	do {                      \
		r = (expr);       \
		if (r < 0)        \
			return r; \
	} while (0)

static int write_protocol(xmlTextWriterPtr w, const struct bench_dossier_protocol *p)
{
	size_t i;
	int r;

	TRY(w_start(w, "protocol"));
	TRY(w_attr(w, "id", p->id));
	TRY(w_attr(w, "version", p->version));
	TRY(w_attr(w, "sha256", p->sha256_hex));
	TRY(w_attr(w, "standard", p->standard));
	TRY(w_attr(w, "clause", p->clause));
	TRY(w_text_elem(w, "method", p->method ? p->method : ""));
	TRY(w_start(w, "stimulus"));
	TRY(w_u64(w, "seed", p->seed));
	for (i = 0; i < p->n_stimulus; i++) {
		TRY(w_start(w, "param"));
		TRY(w_attr(w, "name", p->stimulus[i].name));
		TRY(w_attr(w, "value", p->stimulus[i].value ? p->stimulus[i].value : ""));
		TRY(w_attr(w, "unit", p->stimulus[i].unit));
		TRY(w_end(w));
	}
	TRY(w_end(w));
	return w_end(w);
}

static int write_meas(xmlTextWriterPtr w, const struct bench_dossier_measurement *m)
{
	int r;

	TRY(w_start(w, "measurement"));
	TRY(w_attr(w, "name", m->name));
	TRY(w_attr(w, "unit", m->unit));
	TRY(w_double(w, "value", m->value));
	if (!isnan(m->u))
		TRY(w_double(w, "u", m->u));
	if (!isnan(m->u_expanded)) {
		TRY(w_double(w, "U", m->u_expanded));
		TRY(w_double(w, "k", m->k));
	}
	TRY(w_attr(w, "comparator", bench_dossier_cmp_name(m->cmp)));
	if (m->has_low)
		TRY(w_double(w, "low", m->low));
	if (m->has_high)
		TRY(w_double(w, "high", m->high));
	TRY(w_attr(w, "rule", bench_dossier_rule_name(m->rule)));
	TRY(w_attr(w, "evidence", m->evidence));
	TRY(w_attr(w, "verdict", bench_dossier_verdict_name(m->verdict)));
	return w_end(w);
}

static int write_plot(xmlTextWriterPtr w, const struct bench_dossier_plot *p)
{
	uint8_t digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	size_t i;
	int r;

	TRY(w_start(w, "plot"));
	TRY(w_attr(w, "id", p->id));
	TRY(w_attr(w, "kind", bench_dossier_plot_kind_name(p->kind)));
	TRY(w_attr(w, "title", p->title ? p->title : ""));
	TRY(w_attr(w, "xLabel", p->x_label));
	TRY(w_attr(w, "yLabel", p->y_label));
	if (p->kind == BENCH_DOSSIER_PLOT_CONFUSION)
		TRY(w_u64(w, "classes", p->classes));
	for (i = 0; i < p->n_series; i++) {
		const struct bench_dossier_series *s = &p->series[i];

		TRY(bench_dossier_series_sha256(s, digest));
		bench_sha256_hex(digest, hex);
		TRY(w_start(w, "series"));
		TRY(w_attr(w, "name", s->name));
		TRY(w_u64(w, "points", s->n));
		TRY(w_attr(w, "sha256", hex));
		TRY(w_attr(w, "artifactSha256", s->artifact_sha256_hex));
		TRY(w_end(w));
	}
	return w_end(w);
}

static int write_test(xmlTextWriterPtr w, const struct bench_dossier_test *t)
{
	size_t i;
	int r;

	TRY(w_start(w, "test"));
	TRY(w_attr(w, "id", t->id));
	TRY(w_attr(w, "protocol", t->protocol_id));
	TRY(w_time(w, "start", t->start_ns));
	TRY(w_time(w, "end", t->end_ns));
	TRY(w_u64(w, "attempts", t->attempts));
	TRY(w_attr(w, "verdict", bench_dossier_verdict_name(t->verdict)));
	TRY(w_text_elem(w, "title", t->title));
	TRY(w_text_elem(w, "titleZh", t->title_zh));
	for (i = 0; i < t->n_meas; i++)
		TRY(write_meas(w, &t->meas[i]));
	for (i = 0; i < t->n_plots; i++)
		TRY(write_plot(w, &t->plots[i]));
	for (i = 0; i < t->n_artifact_ids; i++) {
		TRY(w_start(w, "artifactRef"));
		TRY(w_attr(w, "ref", t->artifact_ids[i]));
		TRY(w_end(w));
	}
	return w_end(w);
}

static int write_body(xmlTextWriterPtr w, const struct bench_dossier *d)
{
	size_t counts[BENCH_DOSSIER_VERDICT_COUNT];
	char run[24];
	size_t i;
	int r;

	snprintf(run, sizeof(run), "%" PRId64, d->run_id);
	TRY(xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ? -ENOMEM : 0);
	TRY(xmlTextWriterStartElementNS(w, NULL, BAD_CAST "dossier", BAD_CAST BENCH_DOSSIER_NS) <
			    0 ?
		    -ENOMEM :
		    0);
	TRY(w_u64(w, "schemaVersion", BENCH_DOSSIER_SCHEMA_VERSION));
	TRY(w_attr(w, "reportId", d->report_id));
	TRY(w_attr(w, "runId", run));

	TRY(w_start(w, "laboratory"));
	TRY(w_attr(w, "name", d->lab_name));
	TRY(w_attr(w, "address", d->lab_address));
	TRY(w_attr(w, "station", d->station_id));
	TRY(w_attr(w, "operator", d->operator_name));
	TRY(w_end(w));

	TRY(w_start(w, "period"));
	TRY(w_time(w, "start", d->start_ns));
	TRY(w_time(w, "end", d->end_ns));
	TRY(w_time(w, "issued", d->issued_ns));
	TRY(w_end(w));

	TRY(w_start(w, "dut"));
	TRY(w_attr(w, "manufacturer", d->dut_manufacturer));
	TRY(w_attr(w, "model", d->dut_model));
	TRY(w_attr(w, "serial", d->dut_serial));
	TRY(w_attr(w, "hardwareRevision", d->dut_hw_rev));
	TRY(w_attr(w, "firmwareRevision", d->dut_fw_rev));
	TRY(w_end(w));

	TRY(w_start(w, "fixture"));
	TRY(w_attr(w, "id", d->fixture_id));
	TRY(w_attr(w, "name", d->fixture_name));
	TRY(w_attr(w, "sha256", d->fixture_sha256_hex));
	for (i = 0; i < d->n_instruments; i++) {
		const struct bench_dossier_instrument *in = &d->instruments[i];

		TRY(w_start(w, "instrument"));
		TRY(w_attr(w, "id", in->id));
		TRY(w_attr(w, "description", in->description));
		TRY(w_attr(w, "model", in->model));
		TRY(w_attr(w, "serial", in->serial));
		TRY(w_attr(w, "calibrationStatus", bench_dossier_cal_name(in->cal_status)));
		TRY(w_attr(w, "calibrationCertificate", in->cal_cert));
		TRY(w_attr(w, "calibrationDue", in->cal_due));
		TRY(w_end(w));
	}
	TRY(w_end(w));

	TRY(w_start(w, "software"));
	TRY(w_attr(w, "name", d->software_name));
	TRY(w_attr(w, "version", d->software_version));
	TRY(w_attr(w, "buildId", d->software_build_id));
	TRY(w_end(w));

	TRY(w_start(w, "protocols"));
	for (i = 0; i < d->n_protocols; i++)
		TRY(write_protocol(w, &d->protocols[i]));
	TRY(w_end(w));

	TRY(w_start(w, "tests"));
	for (i = 0; i < d->n_tests; i++)
		TRY(write_test(w, &d->tests[i]));
	TRY(w_end(w));

	TRY(w_start(w, "artifacts"));
	for (i = 0; i < d->n_artifacts; i++) {
		const struct bench_dossier_artifact *a = &d->artifacts[i];

		TRY(w_start(w, "artifact"));
		TRY(w_attr(w, "id", a->id));
		TRY(w_attr(w, "mediaType", a->media_type));
		TRY(w_attr(w, "path", a->path));
		TRY(w_attr(w, "sha256", a->sha256_hex));
		TRY(w_u64(w, "size", a->size_bytes));
		TRY(w_end(w));
	}
	TRY(w_end(w));

	TRY(w_start(w, "events"));
	for (i = 0; i < d->n_events; i++) {
		const struct bench_dossier_event *e = &d->events[i];

		TRY(w_start(w, "event"));
		TRY(w_time(w, "time", e->time_ns));
		TRY(w_attr(w, "kind", e->kind));
		TRY(w_attr(w, "test", e->test_id));
		if (e->message)
			TRY(xmlTextWriterWriteString(w, BAD_CAST e->message) < 0 ? -ENOMEM : 0);
		TRY(w_end(w));
	}
	TRY(w_end(w));

	bench_dossier_count(d, counts);
	TRY(w_start(w, "conclusion"));
	TRY(w_attr(w, "verdict", bench_dossier_verdict_name(d->verdict)));
	TRY(w_u64(w, "tests", d->n_tests));
	TRY(w_u64(w, "passed", counts[BENCH_DOSSIER_PASS]));
	TRY(w_u64(w, "marginal", counts[BENCH_DOSSIER_MARGINAL]));
	TRY(w_u64(w, "failed", counts[BENCH_DOSSIER_FAIL]));
	TRY(w_u64(w, "errors", counts[BENCH_DOSSIER_ERROR]));
	TRY(w_u64(w, "notRun", counts[BENCH_DOSSIER_NOT_RUN]));
	TRY(w_text_elem(w, "decisionRule", d->decision_rule));
	TRY(w_end(w));

	TRY(w_end(w)); /* dossier */
	return xmlTextWriterEndDocument(w) < 0 ? -ENOMEM : 0;
}

struct err_ctx {
	const char *name;
	int count;
};

static void schema_error(void *ctx, xmlErrorPtr err)
{
	struct err_ctx *ec = ctx;
	size_t n;
	char msg[512];

	ec->count++;
	if (!err || ec->count > 20)
		return;
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "invalid");
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	bench_log(BENCH_LOG_ERROR, "reports", "%s:%d: %s", ec->name, err->line, msg);
}

int bench_report_xml_validate_with(xmlDocPtr doc, const char *xsd, const char *name)
{
	xmlSchemaParserCtxtPtr pctx;
	xmlSchemaValidCtxtPtr vctx;
	xmlSchemaPtr schema;
	struct err_ctx ec = { name ? name : "dossier", 0 };
	int r;

	pctx = xmlSchemaNewMemParserCtxt(xsd, (int)strlen(xsd));
	if (!pctx)
		return -ENOMEM;
	schema = xmlSchemaParse(pctx);
	xmlSchemaFreeParserCtxt(pctx);
	if (!schema) {
		bench_log(BENCH_LOG_ERROR, "reports", "compiled-in XSD does not parse");
		return -EIO;
	}
	vctx = xmlSchemaNewValidCtxt(schema);
	if (!vctx) {
		xmlSchemaFree(schema);
		return -ENOMEM;
	}
	xmlSchemaSetValidStructuredErrors(vctx, schema_error, &ec);
	r = xmlSchemaValidateDoc(vctx, doc);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	if (r < 0)
		return -ENOMEM;
	return r == 0 ? 0 : -EINVAL;
}

int bench_report_xml_validate(xmlDocPtr doc, const char *name)
{
	return bench_report_xml_validate_with(doc, bench_report_dossier_xsd(), name);
}

int bench_report_xml_build(const struct bench_dossier *d, xmlDocPtr *ret_doc)
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
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	r = write_body(w, d);
	xmlFreeTextWriter(w); /* flushes into buf */
	if (r < 0) {
		xmlBufferFree(buf);
		bench_log(BENCH_LOG_ERROR, "reports", "cannot build dossier XML: %s",
			  r == -EINVAL ? "time out of range" : "out of memory");
		return r;
	}
	doc = xmlReadMemory((const char *)xmlBufferContent(buf), xmlBufferLength(buf),
			    "dossier.xml", "UTF-8", XML_PARSE_NONET);
	xmlBufferFree(buf);
	if (!doc)
		return -ENOMEM;
	r = bench_report_xml_validate(doc, d->report_id ? d->report_id : "dossier");
	if (r < 0) {
		xmlFreeDoc(doc);
		return r;
	}
	*ret_doc = doc;
	return 0;
}

int bench_report_xml_save(xmlDocPtr doc, const char *path)
{
	struct bench_buf tmp = BENCH_BUF_INIT;
	xmlChar *mem = NULL;
	int size = 0, fd, r = 0;
	ssize_t n;
	size_t off = 0;

	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (!mem)
		return -ENOMEM;
	if (bench_buf_appendf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0) {
		xmlFree(mem);
		return -ENOMEM;
	}
	fd = open(bench_buf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	while (off < (size_t)size) {
		n = write(fd, mem + off, (size_t)size - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(bench_buf_str(&tmp), path) < 0)
		r = -errno;
	if (r < 0)
		unlink(bench_buf_str(&tmp));
out:
	if (r < 0)
		bench_log(BENCH_LOG_ERROR, "reports", "%s: cannot write: %s", path, strerror(-r));
	bench_buf_free(&tmp);
	xmlFree(mem);
	return r;
}

int bench_report_write_xml(const struct bench_dossier *d, const char *path, const char *key_path,
			   const char *cert_path)
{
	xmlDocPtr doc;
	int r;

	if (!path || (key_path && !cert_path) || (!key_path && cert_path))
		return -EINVAL;
	r = bench_report_xml_build(d, &doc);
	if (r < 0)
		return r;
	if (key_path) {
		r = bench_report_sign_doc(doc, key_path, cert_path);
		if (r == 0)
			r = bench_report_xml_validate(doc, path);
		if (r < 0)
			goto out;
	}
	r = bench_report_xml_save(doc, path);
out:
	xmlFreeDoc(doc);
	return r;
}
