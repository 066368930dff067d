/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XML-DSig for dossiers, through xmlsec1 (OpenSSL backend).
 *
 * The signature is enveloped: a ds:Signature element, last child of the root, with one
 * Reference URI="" (the whole document) using the enveloped-signature transform, inclusive
 * C14N 1.0, SHA-256 digests, RSA-SHA256 or ECDSA-SHA256 by key type, and the signer's X.509
 * certificate in KeyInfo/X509Data. Because the reference is URI="", no ID attribute is
 * involved and `xmlsec1 --verify --trusted-pem CERT.pem DOSSIER.xml` checks it as is.
 *
 * Verification accepts only that shape (one reference, URI="", same document), so a
 * signature over some other part of the file cannot pass for a signature of the dossier.
 */
#ifndef BENCH_REPORTS_SIGN_H
#define BENCH_REPORTS_SIGN_H

#include <stdbool.h>
#include <libxml/tree.h>

#include "common/sha256.h"

/**
 * bench_report_sign_doc() - append an enveloped signature to @doc and compute it.
 * @doc:       the document (its root gets the ds:Signature child).
 * @key_path:  PEM private key, RSA or EC (unencrypted).
 * @cert_path: PEM X.509 certificate matching the key.
 *
 * Return: 0; -ENOENT (file missing); -EINVAL (not a usable key or certificate, key type
 * neither RSA nor EC); -EIO (xmlsec failed); -ENOMEM.
 */
int bench_report_sign_doc(xmlDocPtr doc, const char *key_path, const char *cert_path);

enum bench_report_sig_status {
	BENCH_REPORT_SIG_VALID,	    /* digest and signature value check out */
	BENCH_REPORT_SIG_INVALID,   /* the document or signature was changed, or untrusted */
	BENCH_REPORT_SIG_MISSING,   /* no ds:Signature element */
	BENCH_REPORT_SIG_BAD_SHAPE, /* not one enveloped Reference URI="" */
};

struct bench_report_sig_info {
	enum bench_report_sig_status status;
	bool trusted; /* chain checked against a trusted certificate given by the caller */
	char cert_sha256_hex[BENCH_SHA256_HEX_LEN]; /* fingerprint of the signer's cert (DER) */
	char subject[256];			    /* signer's subject, one line */
};

/**
 * bench_report_verify_doc() - verify the enveloped signature of @doc.
 * @doc:         the document.
 * @trusted_pem: PEM certificate (or CA) to trust; NULL checks integrity against the
 *               certificate embedded in KeyInfo without a trust decision (info->trusted
 *               false).
 * @ret_info:    receives the outcome.
 *
 * A changed document is a status, not an error. Return: 0 (see @ret_info); -ENOENT or
 * -EINVAL (@trusted_pem missing or unusable); -EIO (xmlsec could not run); -ENOMEM.
 */
int bench_report_verify_doc(xmlDocPtr doc, const char *trusted_pem,
			    struct bench_report_sig_info *ret_info);

/**
 * bench_report_cert_fingerprint() - SHA-256 of a PEM certificate's DER encoding.
 * @cert_path: PEM file.
 * @hex:       receives 64 lower-case hex digits.
 *
 * Return: 0, -ENOENT, -EINVAL (not a certificate), -ENOMEM.
 */
int bench_report_cert_fingerprint(const char *cert_path, char hex[BENCH_SHA256_HEX_LEN]);

#endif /* BENCH_REPORTS_SIGN_H */
