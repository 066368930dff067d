// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `bcibench validate` support: find a file's root element, and validate the four kinds
 * of file this module owns completely (schema, references, units), as the loaders do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "protocol/protocol.h"
#include "protocol/xml.h"

int bench_protocol_root_name(const char *path, struct bench_buf *reterr, char **ret_name)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	char *name;
	int r;

	r = pxml_read(path, reterr, &doc, NULL);
	if (r < 0)
		return r;
	root = xmlDocGetRootElement(doc);
	if (!root) {
		xmlFreeDoc(doc);
		return pxml_err(reterr, path, 1, "no root element");
	}
	name = strdup((const char *)root->name);
	xmlFreeDoc(doc);
	if (!name)
		return -ENOMEM;
	*ret_name = name;
	return 0;
}

enum bench_protocol_file_kind bench_protocol_file_kind(const char *root_name)
{
	if (strcmp(root_name, "protocol") == 0)
		return BENCH_PROTOCOL_FILE_PROTOCOL;
	if (strcmp(root_name, "suite") == 0)
		return BENCH_PROTOCOL_FILE_SUITE;
	if (strcmp(root_name, "limits") == 0)
		return BENCH_PROTOCOL_FILE_LIMITS;
	if (strcmp(root_name, "dut-profile") == 0)
		return BENCH_PROTOCOL_FILE_DUT_PROFILE;
	return BENCH_PROTOCOL_FILE_OTHER;
}

int bench_protocol_validate_file(struct bench_protocol_lib *lib, const char *path,
				 struct bench_buf *reterr)
{
	struct bench_protocol_limits *limits = NULL;
	struct bench_dut_profile *profile = NULL;
	struct bench_protocol *p = NULL;
	struct bench_suite *s = NULL;
	char *root = NULL;
	int r;

	r = bench_protocol_root_name(path, reterr, &root);
	if (r < 0)
		return r;
	switch (bench_protocol_file_kind(root)) {
	case BENCH_PROTOCOL_FILE_PROTOCOL:
		r = bench_protocol_load(lib, path, NULL, 0, reterr, &p);
		bench_protocol_free(p);
		break;
	case BENCH_PROTOCOL_FILE_SUITE:
		r = bench_suite_load(lib, path, reterr, &s, NULL);
		bench_suite_free(s);
		break;
	case BENCH_PROTOCOL_FILE_LIMITS:
		r = bench_protocol_limits_load(path, reterr, &limits);
		bench_protocol_limits_free(limits);
		break;
	case BENCH_PROTOCOL_FILE_DUT_PROFILE:
		r = bench_dut_profile_load(path, reterr, &profile);
		bench_dut_profile_free(profile);
		break;
	default:
		r = -EPROTONOSUPPORT;
		break;
	}
	free(root);
	return r;
}
