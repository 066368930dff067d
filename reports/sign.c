// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Enveloped XML-DSig through xmlsec1 with the OpenSSL backend: signing with a PEM key and its
 * X.509 certificate, verification with or without a trusted certificate, and certificate
 * fingerprints (SHA-256 of the DER encoding) for the PDF cover and the verify report.
 * xmlsec is initialised once per process (pthread_once) and never shut down.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/templates.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/x509.h>

#include "common/log.h"
#include "reports/sign.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

/* xmlsec's own reports go to the log (debug level); the caller reports the outcome. */
static void xmlsec_error(const char *file, int line, const char *func, const char *obj,
			 const char *subj, int reason, const char *msg)
{
	(void)file;
	(void)line;
	bench_log(BENCH_LOG_DEBUG, "reports", "xmlsec1: %s: %s: %s (reason %d): %s",
		  func ? func : "?", obj ? obj : "?", subj ? subj : "?", reason, msg ? msg : "");
}

static void xmlsec_init(void)
{
	xmlInitParser();
	xmlSecErrorsSetCallback(xmlsec_error);
	if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 || xmlSecCryptoAppInit(NULL) < 0 ||
	    xmlSecCryptoInit() < 0) {
		bench_log(BENCH_LOG_ERROR, "reports", "xmlsec1 initialisation failed");
		init_result = -EIO;
	}
}

static int ensure_init(void)
{
	pthread_once(&init_once, xmlsec_init);
	return init_result;
}

static int check_file(const char *path)
{
	struct stat st;

	if (!path)
		return -EINVAL;
	if (stat(path, &st) < 0) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

int bench_report_sign_doc(xmlDocPtr doc, const char *key_path, const char *cert_path)
{
	xmlSecTransformId method;
	xmlSecDSigCtxPtr ctx = NULL;
	xmlNodePtr sig, ref, ki, x509;
	xmlSecKeyPtr key;
	int r;

	r = ensure_init();
	if (r < 0)
		return r;
	r = check_file(key_path);
	if (r == 0)
		r = check_file(cert_path);
	if (r < 0)
		return r;

	key = xmlSecCryptoAppKeyLoad(key_path, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
	if (!key) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: not a usable PEM private key", key_path);
		return -EINVAL;
	}
	if (xmlSecCryptoAppKeyCertLoad(key, cert_path, xmlSecKeyDataFormatPem) < 0) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: not a usable PEM certificate",
			  cert_path);
		xmlSecKeyDestroy(key);
		return -EINVAL;
	}
	if (xmlSecKeyDataCheckId(xmlSecKeyGetValue(key), xmlSecKeyDataRsaId)) {
		method = xmlSecTransformRsaSha256Id;
	} else if (xmlSecKeyDataCheckId(xmlSecKeyGetValue(key), xmlSecKeyDataEcdsaId)) {
		method = xmlSecTransformEcdsaSha256Id;
	} else {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: key is neither RSA nor EC", key_path);
		xmlSecKeyDestroy(key);
		return -EINVAL;
	}

	r = -ENOMEM;
	sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformInclC14NId, method, NULL);
	if (!sig)
		goto err_key;
	xmlAddChild(xmlDocGetRootElement(doc), sig);
	ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "",
					      NULL);
	if (!ref || !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId))
		goto err_unlink;
	ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	x509 = ki ? xmlSecTmplKeyInfoAddX509Data(ki) : NULL;
	if (!x509 || !xmlSecTmplX509DataAddCertificate(x509) ||
	    !xmlSecTmplX509DataAddSubjectName(x509))
		goto err_unlink;

	ctx = xmlSecDSigCtxCreate(NULL);
	if (!ctx)
		goto err_unlink;
	ctx->signKey = key; /* owned by ctx from here */
	key = NULL;
	if (xmlSecDSigCtxSign(ctx, sig) < 0) {
		bench_log(BENCH_LOG_ERROR, "reports", "xmlsec1 could not sign the dossier");
		r = -EIO;
		goto err_unlink;
	}
	xmlSecDSigCtxDestroy(ctx);
	return 0;

err_unlink:
	if (sig) {
		xmlUnlinkNode(sig);
		xmlFreeNode(sig);
	}
	xmlSecDSigCtxDestroy(ctx);
err_key:
	if (key)
		xmlSecKeyDestroy(key);
	return r;
}

static void cert_info(X509 *cert, struct bench_report_sig_info *info)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (!cert)
		return;
	if (X509_digest(cert, EVP_sha256(), md, &len) == 1 && len == BENCH_SHA256_LEN) {
		for (i = 0; i < len; i++)
			snprintf(info->cert_sha256_hex + 2 * i, 3, "%02x", md[i]);
	}
	X509_NAME_oneline(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
}

/* One Reference, URI="" (whole document), or the signature does not sign the dossier. */
static bool shape_ok(xmlSecDSigCtxPtr ctx)
{
	xmlSecDSigReferenceCtxPtr ref;

	if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1)
		return false;
	ref = xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0);
	return ref && ref->uri && ref->uri[0] == '\0';
}

int bench_report_verify_doc(xmlDocPtr doc, const char *trusted_pem,
			    struct bench_report_sig_info *ret_info)
{
	struct bench_report_sig_info info;
	xmlSecKeysMngrPtr mngr;
	xmlSecDSigCtxPtr ctx;
	xmlNodePtr node;
	int r;

	memset(&info, 0, sizeof(info));
	r = ensure_init();
	if (r < 0)
		return r;
	if (trusted_pem) {
		r = check_file(trusted_pem);
		if (r < 0)
			return r;
	}
	node = xmlSecFindNode(xmlDocGetRootElement(doc), xmlSecNodeSignature, xmlSecDSigNs);
	if (!node) {
		info.status = BENCH_REPORT_SIG_MISSING;
		*ret_info = info;
		return 0;
	}

	mngr = xmlSecKeysMngrCreate();
	if (!mngr)
		return -ENOMEM;
	if (xmlSecCryptoAppDefaultKeysMngrInit(mngr) < 0) {
		xmlSecKeysMngrDestroy(mngr);
		return -EIO;
	}
	if (trusted_pem &&
	    xmlSecCryptoAppKeysMngrCertLoad(mngr, trusted_pem, xmlSecKeyDataFormatPem,
					    xmlSecKeyDataTypeTrusted) < 0) {
		bench_log(BENCH_LOG_ERROR, "reports", "%s: not a usable PEM certificate",
			  trusted_pem);
		xmlSecKeysMngrDestroy(mngr);
		return -EINVAL;
	}
	ctx = xmlSecDSigCtxCreate(mngr);
	if (!ctx) {
		xmlSecKeysMngrDestroy(mngr);
		return -ENOMEM;
	}
	/* Never dereference anything outside this document. */
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
	if (!trusted_pem)
		ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;

	if (xmlSecDSigCtxVerify(ctx, node) < 0 || ctx->status != xmlSecDSigStatusSucceeded) {
		info.status = BENCH_REPORT_SIG_INVALID;
	} else if (!shape_ok(ctx)) {
		info.status = BENCH_REPORT_SIG_BAD_SHAPE;
	} else {
		xmlSecKeyDataPtr x509 = NULL;

		info.status = BENCH_REPORT_SIG_VALID;
		info.trusted = trusted_pem != NULL;
		if (ctx->signKey)
			x509 = xmlSecKeyGetData(ctx->signKey, xmlSecOpenSSLKeyDataX509Id);
		if (x509)
			cert_info(xmlSecOpenSSLKeyDataX509GetKeyCert(x509), &info);
	}
	xmlSecDSigCtxDestroy(ctx);
	xmlSecKeysMngrDestroy(mngr);
	*ret_info = info;
	return 0;
}

int bench_report_cert_fingerprint(const char *cert_path, char hex[BENCH_SHA256_HEX_LEN])
{
	struct bench_report_sig_info info;
	X509 *cert;
	FILE *f;

	f = fopen(cert_path, "re");
	if (!f)
		return -errno;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert)
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	cert_info(cert, &info);
	X509_free(cert);
	if (!info.cert_sha256_hex[0])
		return -ENOMEM;
	memcpy(hex, info.cert_sha256_hex, BENCH_SHA256_HEX_LEN);
	return 0;
}
