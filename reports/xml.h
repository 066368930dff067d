/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XML dossier: struct bench_dossier -> document in namespace urn:bcibench:dossier:1,
 * validated against schemas/dossier.xsd (compiled into the library) before anything is
 * written, optionally signed (reports/sign.h), and written atomically (temp file + rename).
 * An invalid dossier is a bench error: nothing is written and the XSD messages are logged
 * through bench_log() with their line numbers.
 *
 * Numbers are written with 10 significant digits in the measurement's unit; times as
 * ISO 8601 UTC.
 */
#ifndef BENCH_REPORTS_XML_H
#define BENCH_REPORTS_XML_H

#include <libxml/tree.h>

#include "reports/dossier.h"

#define BENCH_DOSSIER_NS "urn:bcibench:dossier:1"
#define BENCH_DOSSIER_SCHEMA_VERSION 1

/**
 * bench_report_xml_build() - build the XML document of a dossier and validate it.
 * @d:       the dossier (borrowed).
 * @ret_doc: receives the document (caller frees with xmlFreeDoc()).
 *
 * Return: 0; -EINVAL if the document does not validate against schemas/dossier.xsd (missing
 * required field, bad hash, dangling reference; each error is logged); -ENOMEM.
 */
int bench_report_xml_build(const struct bench_dossier *d, xmlDocPtr *ret_doc);

/**
 * bench_report_xml_validate() - validate a document against the compiled-in dossier XSD.
 * @doc:  the document.
 * @name: file name used in the logged "NAME:LINE: message" errors.
 *
 * Return: 0 if valid; -EINVAL if not (errors logged); -ENOMEM.
 */
int bench_report_xml_validate(xmlDocPtr doc, const char *name);

/**
 * bench_report_xml_validate_with() - validate against a compiled-in schema text.
 * @doc:      the document.
 * @xsd:      NUL-terminated XSD text.
 * @name:     file name for error messages.
 *
 * Return: 0, -EINVAL (invalid, errors logged), -ENOMEM, -EIO (the XSD itself is broken).
 */
int bench_report_xml_validate_with(xmlDocPtr doc, const char *xsd, const char *name);

/**
 * bench_report_xml_save() - write a document to @path atomically (temp file, fsync, rename).
 *
 * The document is written without reformatting, so a signature stays valid.
 * Return: 0, -errno from the file system, -ENOMEM.
 */
int bench_report_xml_save(xmlDocPtr doc, const char *path);

/**
 * bench_report_write_xml() - build, validate, sign (optional), re-validate and save.
 * @d:         the dossier.
 * @path:      output file.
 * @key_path:  PEM private key (RSA or ECDSA), or NULL for an unsigned dossier.
 * @cert_path: PEM X.509 certificate of @key_path (required with @key_path).
 *
 * Return: 0; -EINVAL (invalid dossier, or unusable key/certificate); -ENOENT (key or cert
 * file missing); -EIO (signing failed); -errno writing @path. Nothing is written on error.
 */
int bench_report_write_xml(const struct bench_dossier *d, const char *path, const char *key_path,
			   const char *cert_path);

/* The compiled-in schemas (NUL-terminated text). */
const char *bench_report_dossier_xsd(void);
const char *bench_report_junit_xsd(void);

#endif /* BENCH_REPORTS_XML_H */
