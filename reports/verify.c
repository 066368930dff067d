// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench verify DOSSIER.xml`: parse with line numbers, validate against the compiled-in
 * XSD, verify the signature, re-hash every listed artifact.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/sha256.h"
#include "reports/verify.h"
#include "reports/xml.h"

static void parse_error(void *ctx, xmlErrorPtr err)
{
	const char *path = ctx;
	char msg[512];
	size_t n;

	if (!err || err->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "not well-formed");
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	bench_log(BENCH_LOG_ERROR, "reports", "%s:%d: %s", path, err->line, msg);
}

static void check_artifact(xmlNodePtr n, const char *dir, struct bench_report_verify_result *res)
{
	xmlChar *id = xmlGetProp(n, BAD_CAST "id");
	xmlChar *path = xmlGetProp(n, BAD_CAST "path");
	xmlChar *sha = xmlGetProp(n, BAD_CAST "sha256");
	xmlChar *size = xmlGetProp(n, BAD_CAST "size");
	struct bench_buf full = BENCH_BUF_INIT;
	uint8_t want[BENCH_SHA256_LEN], got[BENCH_SHA256_LEN];
	uint64_t want_size = 0, got_size = 0;
	const char *why = NULL;
	int r;

	res->artifacts++;
	if (!path || !sha || bench_sha256_from_hex((const char *)sha, want) < 0 || !size ||
	    bench_parse_u64((const char *)size, &want_size) < 0) {
		why = "incomplete artifact entry";
		goto out;
	}
	if (strncmp((const char *)path, "db:", 3) == 0) {
		/* inline blob kept in the database: bcibench verify --db checks it */
		res->artifacts_in_db++;
		goto out;
	}
	if (path[0] == '/')
		r = bench_buf_append_str(&full, (const char *)path);
	else
		r = bench_buf_appendf(&full, "%s/%s", dir, (const char *)path);
	if (r < 0) {
		why = "out of memory";
		goto out;
	}
	r = bench_sha256_file(bench_buf_str(&full), got, &got_size);
	if (r < 0)
		why = strerror(-r);
	else if (memcmp(want, got, sizeof(want)) != 0)
		why = "SHA-256 differs";
	else if (want_size != got_size)
		why = "size differs";
out:
	if (why) {
		if (res->artifacts_bad == 0)
			snprintf(res->first_bad, sizeof(res->first_bad), "%s: %s: %s",
				 id ? (const char *)id : "?", path ? (const char *)path : "?", why);
		res->artifacts_bad++;
	}
	bench_buf_free(&full);
	xmlFree(id);
	xmlFree(path);
	xmlFree(sha);
	xmlFree(size);
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	for (n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0)
			return n;
	return NULL;
}

int bench_report_verify_file(const char *path, const char *trusted_pem,
			     struct bench_report_verify_result *ret)
{
	struct bench_report_verify_result res;
	xmlParserCtxtPtr pctx;
	xmlNodePtr root, arts, n;
	xmlDocPtr doc;
	xmlChar *rid;
	char *dcopy, *dir;
	FILE *f;
	int r;

	memset(&res, 0, sizeof(res));
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		bench_log(BENCH_LOG_ERROR, "reports", "%s: %s", path, strerror(-r));
		return r;
	}
	fclose(f);
	pctx = xmlNewParserCtxt();
	if (!pctx)
		return -ENOMEM;
	/*
	 * libxml2 2.9 has no per-context handler; the structured one is per thread. Put back
	 * whatever handler was installed before.
	 */
	{
		xmlStructuredErrorFunc old_fn = xmlStructuredError;
		void *old_ctx = xmlStructuredErrorContext;

		xmlSetStructuredErrorFunc((void *)path, parse_error);
		doc = xmlCtxtReadFile(pctx, path, NULL, XML_PARSE_NONET);
		xmlSetStructuredErrorFunc(old_ctx, old_fn);
	}
	xmlFreeParserCtxt(pctx);
	if (!doc)
		return -EINVAL;

	root = xmlDocGetRootElement(doc);
	rid = root ? xmlGetProp(root, BAD_CAST "reportId") : NULL;
	if (rid)
		snprintf(res.report_id, sizeof(res.report_id), "%s", (const char *)rid);
	xmlFree(rid);

	r = bench_report_xml_validate(doc, path);
	if (r == -ENOMEM || r == -EIO)
		goto out;
	res.schema_valid = r == 0;

	r = bench_report_verify_doc(doc, trusted_pem, &res.sig);
	if (r < 0)
		goto out;

	dcopy = strdup(path);
	if (!dcopy) {
		r = -ENOMEM;
		goto out;
	}
	dir = dirname(dcopy);
	arts = child(root, "artifacts");
	for (n = arts ? arts->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST "artifact") == 0)
			check_artifact(n, dir, &res);
	free(dcopy);
	*ret = res;
	r = 0;
out:
	xmlFreeDoc(doc);
	return r;
}

bool bench_report_verify_ok(const struct bench_report_verify_result *res)
{
	return res->schema_valid && res->sig.status == BENCH_REPORT_SIG_VALID &&
	       res->artifacts_bad == 0;
}
