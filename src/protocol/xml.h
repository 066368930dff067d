/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/protocol: libxml2 reading with line numbers, XSD validation, and the
 * "FILE:LINE: message" error lines every loader appends to the caller's buffer.
 */
#ifndef BENCH_PROTOCOL_XML_H
#define BENCH_PROTOCOL_XML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "common/sha256.h"

struct bench_buf;

/* Appends "FILE:LINE: message\n" to @err (if not NULL); always returns -EINVAL. */
int pxml_err(struct bench_buf *err, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Reads @path whole, computes the SHA-256 of its bytes, and parses it with line numbers
 * (no network, no entity expansion, no DTD loading). Parse errors go to @err.
 * Return: 0, -ENOENT, -EIO, -ENOMEM, -EINVAL.
 */
int pxml_read(const char *path, struct bench_buf *err, xmlDocPtr *ret_doc,
	      char sha256_hex[BENCH_SHA256_HEX_LEN]);

/*
 * Validates @doc against schemas/@xsd_name; each violation becomes an error line naming
 * @file and the line of the offending node. @suffix (may be NULL) is appended to each
 * message (e.g. " (after overrides)").
 * Return: 0, -EINVAL, -ENOMEM, -EIO (schema missing or not compilable).
 */
int pxml_validate(xmlDocPtr doc, const char *file, const char *xsd_name, const char *suffix,
		  struct bench_buf *err);

/* Attribute value as a malloc'd string, or NULL if absent (or on allocation failure:
 * check with pxml_has_attr when the difference matters). */
char *pxml_attr(xmlNodePtr node, const char *name);
bool pxml_has_attr(xmlNodePtr node, const char *name);

/* Element text (all text children) as a malloc'd string, trimmed; NULL on ENOMEM. */
char *pxml_text(xmlNodePtr node);

/* First element child named @name, or NULL. */
xmlNodePtr pxml_child(xmlNodePtr node, const char *name);

/* Next element sibling of @node (any name), or NULL. */
xmlNodePtr pxml_next_element(xmlNodePtr node);

/* First element child, or NULL. */
xmlNodePtr pxml_first_element(xmlNodePtr node);

bool pxml_is(xmlNodePtr node, const char *name);

long pxml_line(xmlNodePtr node);

/* Numeric attributes validated by the schema already; parse again strictly.
 * Return: 0, -EINVAL (absent or malformed), -ERANGE. */
int pxml_attr_double(xmlNodePtr node, const char *name, double *ret_value);
int pxml_attr_u64(xmlNodePtr node, const char *name, uint64_t *ret_value);

/* strdup that accepts NULL (returns NULL). */
char *pxml_strdup(const char *s);

#endif /* BENCH_PROTOCOL_XML_H */
