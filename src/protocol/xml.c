// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libxml2 boundary of src/protocol: files are read whole (their bytes are hashed for the
 * record), parsed with line numbers and without network, entity expansion or DTD loading,
 * and validated against schemas/. libxml2 reports errors through structured callbacks;
 * they are turned into "FILE:LINE: message" lines here, once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "common/buf.h"
#include "common/parse.h"
#include "protocol/protocol.h"
#include "protocol/xml.h"

int pxml_err(struct bench_buf *err, const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		bench_buf_appendf(err, "%s:%ld: %s\n", file, line, msg);
	else
		bench_buf_appendf(err, "%s: %s\n", file, msg);
	return -EINVAL;
}

struct err_sink {
	struct bench_buf *err;
	const char *file;
	const char *suffix;
	unsigned count;
};

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct err_sink *sink = ctx;
	char msg[1024];
	size_t n;
	const char *file = sink->file;

	if (!e || e->level == XML_ERR_WARNING)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "XML error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* An error inside a schema file (a bug of the build, not of the input) names it. */
	if (e->file && strstr(e->file, ".xsd"))
		file = e->file;
	sink->count++;
	pxml_err(sink->err, file, e->line, "%s%s", msg, sink->suffix ? sink->suffix : "");
}

static int read_all(const char *path, struct bench_buf *out)
{
	char chunk[65536];
	int fd;
	ssize_t n;
	int r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		r = bench_buf_append(out, chunk, (size_t)n);
		if (r < 0)
			break;
		if (out->len > (64u << 20)) { /* 64 MiB: no protocol file is this large */
			r = -EFBIG;
			break;
		}
	}
	close(fd);
	return r;
}

int pxml_read(const char *path, struct bench_buf *err, xmlDocPtr *ret_doc,
	      char sha256_hex[BENCH_SHA256_HEX_LEN])
{
	struct bench_buf bytes = BENCH_BUF_INIT;
	struct err_sink sink = { err, path, NULL, 0 };
	uint8_t digest[BENCH_SHA256_LEN];
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int r;

	r = read_all(path, &bytes);
	if (r < 0) {
		if (r == -ENOENT)
			pxml_err(err, path, 0, "no such file");
		else if (r == -EFBIG)
			r = pxml_err(err, path, 0, "file too large");
		else
			pxml_err(err, path, 0, "cannot read: %s", strerror(-r));
		goto out;
	}
	if (bytes.len == 0) {
		r = pxml_err(err, path, 1, "empty file");
		goto out;
	}
	if (sha256_hex) {
		r = bench_sha256(bytes.data, bytes.len, digest);
		if (r < 0)
			goto out;
		bench_sha256_hex(digest, sha256_hex);
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		r = -ENOMEM;
		goto out;
	}
	xmlSetStructuredErrorFunc(&sink, on_xml_error);
	doc = xmlCtxtReadMemory(ctxt, (const char *)bytes.data, (int)bytes.len, path, NULL,
				XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(ctxt);
	if (!doc || sink.count > 0) {
		xmlFreeDoc(doc);
		if (sink.count == 0)
			pxml_err(err, path, 1, "not well-formed XML");
		r = -EINVAL;
		goto out;
	}
	*ret_doc = doc;
	r = 0;
out:
	bench_buf_free(&bytes);
	return r;
}

int pxml_validate(xmlDocPtr doc, const char *file, const char *xsd_name, const char *suffix,
		  struct bench_buf *err)
{
	struct err_sink sink = { err, file, suffix, 0 };
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlSchemaValidCtxtPtr vctxt = NULL;
	xmlSchemaPtr schema = NULL;
	char xsd[4096];
	int r, rc;

	snprintf(xsd, sizeof(xsd), "%s/%s", bench_protocol_schema_dir(), xsd_name);
	if (access(xsd, R_OK) != 0) {
		pxml_err(err, xsd, 0, "schema not found (set BCIBENCH_SCHEMA_DIR)");
		return -EIO;
	}
	pctxt = xmlSchemaNewParserCtxt(xsd);
	if (!pctxt)
		return -ENOMEM;
	xmlSchemaSetParserStructuredErrors(pctxt, on_xml_error, &sink);
	schema = xmlSchemaParse(pctxt);
	if (!schema) {
		r = -EIO;
		goto out;
	}
	vctxt = xmlSchemaNewValidCtxt(schema);
	if (!vctxt) {
		r = -ENOMEM;
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, on_xml_error, &sink);
	rc = xmlSchemaValidateDoc(vctxt, doc);
	if (rc < 0) {
		r = pxml_err(err, file, 0, "schema validation could not run");
		r = -EIO;
	} else if (rc > 0 || sink.count > 0) {
		if (sink.count == 0)
			pxml_err(err, file, 0, "does not match %s", xsd_name);
		r = -EINVAL;
	} else {
		r = 0;
	}
out:
	xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctxt);
	return r;
}

char *pxml_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *pxml_attr(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

bool pxml_has_attr(xmlNodePtr node, const char *name)
{
	return xmlHasProp(node, (const xmlChar *)name) != NULL;
}

char *pxml_text(xmlNodePtr node)
{
	xmlChar *v = xmlNodeGetContent(node);
	const char *b, *e;
	char *s;

	if (!v)
		return strdup("");
	b = (const char *)v;
	while (*b == ' ' || *b == '\n' || *b == '\t' || *b == '\r')
		b++;
	e = b + strlen(b);
	while (e > b && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	s = strndup(b, (size_t)(e - b));
	xmlFree(v);
	return s;
}

bool pxml_is(xmlNodePtr node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)node->name, name) == 0;
}

xmlNodePtr pxml_first_element(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr pxml_next_element(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = node ? node->next : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr pxml_child(xmlNodePtr node, const char *name)
{
	xmlNodePtr c;

	for (c = pxml_first_element(node); c; c = pxml_next_element(c))
		if (pxml_is(c, name))
			return c;
	return NULL;
}

long pxml_line(xmlNodePtr node)
{
	return node ? xmlGetLineNo(node) : 0;
}

int pxml_attr_double(xmlNodePtr node, const char *name, double *ret_value)
{
	char *s = pxml_attr(node, name);
	int r;

	if (!s)
		return -EINVAL;
	r = bench_parse_double(s, ret_value);
	free(s);
	return r;
}

int pxml_attr_u64(xmlNodePtr node, const char *name, uint64_t *ret_value)
{
	char *s = pxml_attr(node, name);
	int r;

	if (!s)
		return -EINVAL;
	r = bench_parse_u64(s, ret_value);
	free(s);
	return r;
}
