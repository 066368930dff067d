// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for reports/: the dossier model, the XML writer against schemas/dossier.xsd
 * (ours and xmllint), XML-DSig with RSA and ECDSA (ours and `xmlsec1 --verify`), one-byte
 * tampering, artifact hashes, the PDF in English and Chinese (pdftotext, pdftoppm, pdffonts)
 * and JUnit (python3 xml.etree). Built on the 11-test EEG amplifier sample of report-sample.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "reports/dossier.h"
#include "reports/i18n.h"
#include "reports/junit.h"
#include "reports/pdf.h"
#include "reports/sign.h"
#include "reports/verify.h"
#include "reports/xml.h"

#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include "report-sample.h"

#ifdef REPORT_TEST_ZH_ONLY
/* the helpers below serve both executables */
#pragma GCC diagnostic ignored "-Wunused-function"
#endif

extern char **environ;

static char dir[64];
static char src_root[512];

static void setup(void)
{
	const char *s = getenv("BCIBENCH_SOURCE_ROOT");

	snprintf(dir, sizeof(dir), "/tmp/bcibench-report-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(src_root, sizeof(src_root), "%s", s ? s : ".");
}

static void teardown(void)
{
	char *const argv[] = { "rm", "-rf", dir, NULL };
	pid_t pid;
	int st;

	if (dir[0] && posix_spawnp(&pid, "rm", NULL, NULL, argv, environ) == 0)
		waitpid(pid, &st, 0);
}

TestSuite(report, .init = setup, .fini = teardown);

static const char *path_in(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static const char *key(const char *name)
{
	static char buf[4][600];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/fixtures/keys/%s", src_root, name);
	return buf[k];
}

/* Runs argv; stdout (and stderr) to @out or /dev/null. Return: exit status or -1. */
static int run(const char *out, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	struct bench_buf b = BENCH_BUF_INIT;
	char chunk[4096];
	size_t n;

	cr_assert_not_null(f, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cr_assert_eq(bench_buf_append(&b, chunk, n), 0);
	fclose(f);
	if (ret_len)
		*ret_len = b.len;
	if (!b.data)
		bench_buf_append(&b, "", 0);
	return bench_buf_steal(&b, NULL);
}

static void spit(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	return n;
}

static struct bench_dossier *sample(unsigned n, bool artifacts)
{
	struct bench_dossier *d = NULL;

	cr_assert_eq(report_sample_build(n, artifacts ? dir : NULL, &d), 0);
	return d;
}

/* Changes the first occurrence of @from into @to (same length) in the file. */
static void tamper(const char *path, const char *from, const char *to)
{
	size_t len;
	char *s = slurp(path, &len), *p;

	cr_assert_eq(strlen(from), strlen(to));
	p = strstr(s, from);
	cr_assert_not_null(p, "'%s' not in %s", from, path);
	memcpy(p, to, strlen(to));
	spit(path, s, len);
	free(s);
}

static unsigned count_files(const char *prefix)
{
	unsigned n = 0;
	char p[300];

	for (unsigned i = 1; i < 1000; i++) {
		snprintf(p, sizeof(p), "%s-%02u.png", prefix, i);
		if (access(p, F_OK) == 0) {
			n++;
			continue;
		}
		snprintf(p, sizeof(p), "%s-%03u.png", prefix, i);
		if (access(p, F_OK) == 0)
			n++;
		else
			break;
	}
	return n;
}

static char *pdf_text(const char *pdf, const char *txt)
{
	char *const argv[] = { "pdftotext", "-enc", "UTF-8", (char *)pdf, (char *)txt, NULL };

	cr_assert_eq(run(NULL, argv), 0, "pdftotext failed on %s", pdf);
	return slurp(txt, NULL);
}

#ifndef REPORT_TEST_ZH_ONLY
Test(report, enum_names_round_trip)
{
	enum bench_dossier_verdict v;
	enum bench_dossier_cmp c;
	enum bench_dossier_plot_kind k;

	for (unsigned i = 0; i < BENCH_DOSSIER_VERDICT_COUNT; i++) {
		cr_expect_eq(bench_dossier_verdict_parse(
				     bench_dossier_verdict_name((enum bench_dossier_verdict)i), &v),
			     0);
		cr_expect_eq((unsigned)v, i);
	}
	cr_expect_eq(bench_dossier_cmp_parse("GELE", &c), 0);
	cr_expect_eq(c, BENCH_DOSSIER_CMP_GELE);
	cr_expect_eq(bench_dossier_plot_kind_parse("raster", &k), 0);
	cr_expect_eq(k, BENCH_DOSSIER_PLOT_RASTER);
	cr_expect_eq(bench_dossier_cmp_parse("BETWEEN", &c), -EINVAL);
}

Test(report, worst_verdict_never_makes_incomplete_runs_pass)
{
	cr_expect_eq(bench_dossier_verdict_worst(BENCH_DOSSIER_PASS, BENCH_DOSSIER_NOT_RUN),
		     BENCH_DOSSIER_NOT_RUN);
	cr_expect_eq(bench_dossier_verdict_worst(BENCH_DOSSIER_FAIL, BENCH_DOSSIER_MARGINAL),
		     BENCH_DOSSIER_FAIL);
	cr_expect_eq(bench_dossier_verdict_worst(BENCH_DOSSIER_FAIL, BENCH_DOSSIER_ERROR),
		     BENCH_DOSSIER_ERROR);
}

Test(report, limit_text_names_comparator_and_unit)
{
	struct bench_dossier_measurement m = {
		.unit = "dB", .cmp = BENCH_DOSSIER_CMP_GE, .has_low = true, .low = 90
	};
	char b[64];

	bench_dossier_format_limit(&m, b, sizeof(b));
	cr_expect_str_eq(b, ">= 90 dB");
	m.cmp = BENCH_DOSSIER_CMP_GELE;
	m.has_high = true;
	m.low = -5;
	m.high = 5;
	m.unit = "%";
	bench_dossier_format_limit(&m, b, sizeof(b));
	cr_expect_str_eq(b, "[-5, 5] %");
}

Test(report, series_hash_depends_on_every_value)
{
	struct bench_dossier_series s = { 0 };
	double x[3] = { 0, 1, 2 }, y[3] = { 1, 2, 3 };
	uint8_t a[32], b[32];

	s.n = 3;
	s.x = x;
	s.y = y;
	cr_assert_eq(bench_dossier_series_sha256(&s, a), 0);
	y[2] = 3.0000001;
	cr_assert_eq(bench_dossier_series_sha256(&s, b), 0);
	cr_expect_neq(memcmp(a, b, 32), 0);
}

Test(report, unsigned_dossier_validates_with_xmllint)
{
	struct bench_dossier *d = sample(REPORT_SAMPLE_KINDS, true);
	const char *xml = path_in("d.xml");
	char xsd[600];
	char *s;

	cr_assert_eq(bench_report_write_xml(d, xml, NULL, NULL), 0);
	snprintf(xsd, sizeof(xsd), "%s/schemas/dossier.xsd", src_root);
	{
		char *const argv[] = { "xmllint", "--noout", "--schema", xsd, (char *)xml, NULL };

		cr_expect_eq(run(path_in("xmllint.txt"), argv), 0, "xmllint rejects the dossier");
	}
	s = slurp(xml, NULL);
	cr_expect_eq(count(s, "<test "), REPORT_SAMPLE_KINDS);
	cr_expect_eq(count(s, "<plot "), REPORT_SAMPLE_KINDS);
	cr_expect(strstr(s, "xmlns=\"urn:bcibench:dossier:1\"") != NULL);
	cr_expect(strstr(s, "serial=\"SN-A1B2C3-0042\"") != NULL);
	cr_expect(strstr(s, "verdict=\"FAIL\" tests=\"11\"") != NULL);
	free(s);
	bench_dossier_free(d);
}

Test(report, invalid_dossier_is_an_error_and_writes_nothing)
{
	struct bench_dossier *d = sample(3, false);
	const char *xml = path_in("bad.xml");

	d->dut_serial = NULL; /* required by 17025 7.8.2.1: unambiguous item identification */
	cr_expect_eq(bench_report_write_xml(d, xml, NULL, NULL), -EINVAL);
	cr_expect_eq(access(xml, F_OK), -1, "an invalid dossier must not be written");

	d->dut_serial = bench_dossier_strdup(d, "SN-1");
	d->tests[1].protocol_id = bench_dossier_strdup(d, "no.such.protocol");
	cr_expect_eq(bench_report_write_xml(d, xml, NULL, NULL), -EINVAL,
		     "dangling protocol reference must fail the XSD keyref");
	bench_dossier_free(d);
}

static void sign_and_check(const char *keyname, const char *certname)
{
	struct bench_dossier *d = sample(REPORT_SAMPLE_KINDS, true);
	struct bench_report_verify_result res;
	const char *xml = path_in("signed.xml");
	char fp[BENCH_SHA256_HEX_LEN];

	cr_assert_eq(bench_report_write_xml(d, xml, key(keyname), key(certname)), 0);
	cr_assert_eq(bench_report_verify_file(xml, key(certname), &res), 0);
	cr_expect(res.schema_valid);
	cr_expect_eq(res.sig.status, BENCH_REPORT_SIG_VALID);
	cr_expect(res.sig.trusted);
	cr_expect_eq(res.artifacts, 2);
	cr_expect_eq(res.artifacts_bad, 0);
	cr_expect(bench_report_verify_ok(&res));
	cr_expect_str_eq(res.report_id, "BCB-20261121-000042");
	cr_assert_eq(bench_report_cert_fingerprint(key(certname), fp), 0);
	cr_expect_str_eq(res.sig.cert_sha256_hex, fp);
	{
		char *const argv[] = { "xmlsec1",	"--verify",
				       "--trusted-pem", (char *)key(certname),
				       (char *)xml,	NULL };

		cr_expect_eq(run(path_in("xmlsec1.txt"), argv), 0,
			     "xmlsec1 --verify rejects our signature");
	}

	/* one byte changed: a digit of the first measurement's value */
	tamper(xml, "value=\"0.42\"", "value=\"0.43\"");
	cr_assert_eq(bench_report_verify_file(xml, key(certname), &res), 0);
	cr_expect(res.schema_valid, "the change keeps the document schema-valid");
	cr_expect_eq(res.sig.status, BENCH_REPORT_SIG_INVALID);
	cr_expect_not(bench_report_verify_ok(&res));
	{
		char *const argv[] = { "xmlsec1",	"--verify",
				       "--trusted-pem", (char *)key(certname),
				       (char *)xml,	NULL };

		cr_expect_neq(run(path_in("xmlsec1-bad.txt"), argv), 0,
			      "xmlsec1 --verify accepts a changed dossier");
	}
	bench_dossier_free(d);
}

Test(report, rsa_signature_verifies_with_us_and_xmlsec1_and_detects_one_byte)
{
	sign_and_check("test-signer-rsa.key", "test-signer-rsa.crt");
}

Test(report, ecdsa_signature_verifies_with_us_and_xmlsec1_and_detects_one_byte)
{
	sign_and_check("test-signer-ec.key", "test-signer-ec.crt");
}

Test(report, signature_from_another_signer_is_not_trusted)
{
	struct bench_dossier *d = sample(2, false);
	struct bench_report_verify_result res;
	const char *xml = path_in("other.xml");

	cr_assert_eq(bench_report_write_xml(d, xml, key("test-signer-rsa.key"),
					    key("test-signer-rsa.crt")),
		     0);
	cr_assert_eq(bench_report_verify_file(xml, key("test-signer-ec.crt"), &res), 0);
	cr_expect_eq(res.sig.status, BENCH_REPORT_SIG_INVALID);
	/* without a trust anchor the integrity check passes but is marked untrusted */
	cr_assert_eq(bench_report_verify_file(xml, NULL, &res), 0);
	cr_expect_eq(res.sig.status, BENCH_REPORT_SIG_VALID);
	cr_expect_not(res.sig.trusted);
	bench_dossier_free(d);
}

/*
 * A valid signature that covers only a ds:Object of its own, not the dossier, must not pass
 * for a signature of the dossier: `xmlsec1 --verify` accepts it (it checks the signature,
 * not what it covers); bcibench allows only one Reference with URI="".
 */
Test(report, signature_over_a_fragment_is_rejected)
{
	struct bench_dossier *d = sample(2, false);
	struct bench_report_verify_result res;
	xmlDocPtr doc, warm;
	xmlNodePtr sig, ref, obj, ki;
	xmlSecDSigCtxPtr ctx;
	xmlSecKeyPtr k;
	const char *xml = path_in("fragment.xml");

	cr_assert_eq(bench_report_xml_build(d, &doc), 0);
	/* initialise xmlsec through the library once */
	cr_assert_eq(bench_report_xml_build(d, &warm), 0);
	cr_assert_eq(bench_report_sign_doc(warm, key("test-signer-rsa.key"),
					   key("test-signer-rsa.crt")),
		     0);
	xmlFreeDoc(warm);

	sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformInclC14NId, xmlSecTransformRsaSha256Id,
					NULL);
	cr_assert_not_null(sig);
	xmlAddChild(xmlDocGetRootElement(doc), sig);
	obj = xmlSecTmplSignatureAddObject(sig, BAD_CAST "obj", NULL, NULL);
	cr_assert_not_null(obj);
	xmlNodeSetContent(obj, BAD_CAST "harmless");
	ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL, BAD_CAST "#obj",
					      NULL);
	cr_assert_not_null(ref);
	ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	cr_assert_not_null(xmlSecTmplX509DataAddCertificate(xmlSecTmplKeyInfoAddX509Data(ki)));
	xmlAddID(NULL, doc, BAD_CAST "obj", xmlHasProp(obj, BAD_CAST "Id"));
	k = xmlSecCryptoAppKeyLoad(key("test-signer-rsa.key"), xmlSecKeyDataFormatPem, NULL, NULL,
				   NULL);
	cr_assert_not_null(k);
	cr_assert_eq(xmlSecCryptoAppKeyCertLoad(k, key("test-signer-rsa.crt"),
						xmlSecKeyDataFormatPem),
		     0);
	ctx = xmlSecDSigCtxCreate(NULL);
	ctx->signKey = k;
	cr_assert_eq(xmlSecDSigCtxSign(ctx, sig), 0);
	xmlSecDSigCtxDestroy(ctx);
	cr_assert_eq(bench_report_xml_save(doc, xml), 0);
	xmlFreeDoc(doc);

	cr_assert_eq(bench_report_verify_file(xml, key("test-signer-rsa.crt"), &res), 0);
	cr_expect_neq(res.sig.status, BENCH_REPORT_SIG_VALID,
		      "a signature over a fragment passed for the dossier's");
	{
		/* xmlsec1 on its own calls this signature fine: it does not know the shape */
		char *const argv[] = { "xmlsec1",	"--verify",
				       "--trusted-pem", (char *)key("test-signer-rsa.crt"),
				       (char *)xml,	NULL };

		cr_expect_eq(run(path_in("xmlsec1-frag.txt"), argv), 0,
			     "expected xmlsec1 to accept the fragment signature");
	}
	cr_expect_not(bench_report_verify_ok(&res));
	bench_dossier_free(d);
}

Test(report, key_and_certificate_errors_are_reported)
{
	struct bench_dossier *d = sample(1, false);

	cr_expect_eq(bench_report_write_xml(d, path_in("x.xml"), path_in("missing.key"),
					    key("test-signer-rsa.crt")),
		     -ENOENT);
	cr_expect_eq(bench_report_write_xml(d, path_in("x.xml"), key("test-signer-rsa.crt"),
					    key("test-signer-rsa.crt")),
		     -EINVAL, "a certificate is not a private key");
	cr_expect_eq(access(path_in("x.xml"), F_OK), -1);
	bench_dossier_free(d);
}

Test(report, changed_or_missing_artifact_fails_verification)
{
	struct bench_dossier *d = sample(2, true);
	struct bench_report_verify_result res;
	const char *xml = path_in("art.xml");
	char *data;
	size_t len;

	cr_assert_eq(bench_report_write_xml(d, xml, key("test-signer-ec.key"),
					    key("test-signer-ec.crt")),
		     0);
	data = slurp(path_in("capture-T001.bin"), &len);
	data[100] ^= 1;
	spit(path_in("capture-T001.bin"), data, len);
	free(data);
	cr_assert_eq(bench_report_verify_file(xml, NULL, &res), 0);
	cr_expect_eq(res.sig.status, BENCH_REPORT_SIG_VALID);
	cr_expect_eq(res.artifacts_bad, 1);
	cr_expect(strstr(res.first_bad, "A1") != NULL, "%s", res.first_bad);
	cr_expect_not(bench_report_verify_ok(&res));

	unlink(path_in("stimulus-T001.bin"));
	cr_assert_eq(bench_report_verify_file(xml, NULL, &res), 0);
	cr_expect_eq(res.artifacts_bad, 2);
	bench_dossier_free(d);
}

Test(report, malformed_dossier_is_invalid_input)
{
	struct bench_report_verify_result res;
	const char *xml = path_in("broken.xml");

	spit(xml, "<dossier>\n<oops>\n", 17);
	cr_expect_eq(bench_report_verify_file(xml, NULL, &res), -EINVAL);
	cr_expect_eq(bench_report_verify_file(path_in("nope.xml"), NULL, &res), -ENOENT);
}

Test(report, english_pdf_has_text_for_every_test_and_renders_every_page)
{
	struct bench_dossier *d = sample(REPORT_SAMPLE_KINDS, true);
	struct bench_report_pdf_opts o = { BENCH_REPORT_LANG_EN, NULL };
	const char *pdf = path_in("en.pdf");
	char fp[BENCH_SHA256_HEX_LEN], prefix[256];
	unsigned pages = 0;
	char *txt;

	cr_assert_eq(bench_report_cert_fingerprint(key("test-signer-rsa.crt"), fp), 0);
	o.signature_fingerprint = fp;
	cr_assert_eq(bench_report_write_pdf(d, pdf, &o, &pages), 0);
	cr_expect_gt(pages, 4);
	txt = pdf_text(pdf, path_in("en.txt"));
	cr_expect(strstr(txt, "BCB-20261121-000042") != NULL);
	cr_expect(strstr(txt, "SN-A1B2C3-0042") != NULL);
	cr_expect(strstr(txt, fp) != NULL, "cover must carry the certificate fingerprint");
	cr_expect(strstr(txt, "Annex A: Traceability") != NULL);
	cr_expect(strstr(txt, "CAL-2026-0815") != NULL);
	for (size_t i = 0; i < d->n_tests; i++)
		cr_expect(strstr(txt, d->tests[i].title) != NULL, "missing title '%s'",
			  d->tests[i].title);
	cr_expect_geq(count(txt, "PASS"), 9);
	cr_expect_geq(count(txt, "FAIL"), 2);
	cr_expect_geq(count(txt, "MARGINAL"), 2);
	/* every page: report id in the footer and "Page N of M" */
	cr_expect_geq(count(txt, "Report ID: BCB-20261121-000042"), pages);
	{
		char last[64];

		snprintf(last, sizeof(last), "Page %u of %u", pages, pages);
		cr_expect(strstr(txt, last) != NULL, "no '%s'", last);
	}
	free(txt);

	snprintf(prefix, sizeof(prefix), "%s/en-page", dir);
	{
		char *const argv[] = { "pdftoppm", "-r", "40", "-png", (char *)pdf, prefix, NULL };

		cr_assert_eq(run(NULL, argv), 0, "pdftoppm failed");
	}
	cr_expect_eq(count_files(prefix), pages, "pdftoppm must render every page");
	bench_dossier_free(d);
}

#endif /* !REPORT_TEST_ZH_ONLY */

#ifdef REPORT_TEST_ZH_ONLY
Test(report, chinese_pdf_has_chinese_labels_and_embedded_cjk_font)
{
	struct bench_dossier *d = sample(REPORT_SAMPLE_KINDS, false);
	struct bench_report_pdf_opts o = { BENCH_REPORT_LANG_ZH_CN, NULL };
	const char *pdf = path_in("zh.pdf");
	unsigned pages = 0;
	char *txt, *fonts;

	cr_assert_eq(bench_report_write_pdf(d, pdf, &o, &pages), 0);
	txt = pdf_text(pdf, path_in("zh.txt"));
	cr_expect(strstr(txt, "认证测试报告") != NULL);
	cr_expect(strstr(txt, "结果汇总") != NULL);
	cr_expect(strstr(txt, "附录 A") != NULL);
	cr_expect(strstr(txt, "被测设备") != NULL);
	cr_expect(strstr(txt, "不通过 FAIL") != NULL);
	cr_expect(strstr(txt, "增益准确度") != NULL, "Chinese test titles");
	cr_expect(strstr(txt, "SN-A1B2C3-0042") != NULL);
	{
		char last[64];

		snprintf(last, sizeof(last), "第 %u 页，共 %u 页", pages, pages);
		cr_expect(strstr(txt, last) != NULL, "no '%s'", last);
	}
	free(txt);
	{
		char *const argv[] = { "pdffonts", (char *)pdf, NULL };

		cr_assert_eq(run(path_in("fonts.txt"), argv), 0);
	}
	fonts = slurp(path_in("fonts.txt"), NULL);
	cr_expect(strstr(fonts, "NotoSansCJK") != NULL, "%s", fonts);
	/* pdffonts prints "no" in the emb column for fonts that are not embedded */
	cr_expect(strstr(fonts, " no  ") == NULL || strstr(fonts, "yes") != NULL, "%s", fonts);
	free(fonts);
	bench_dossier_free(d);
}

#endif /* REPORT_TEST_ZH_ONLY */

#ifndef REPORT_TEST_ZH_ONLY
Test(report, junit_parses_with_python_and_counts_match)
{
	struct bench_dossier *d = sample(REPORT_SAMPLE_KINDS, false);
	const char *junit = path_in("junit.xml");
	char script[1024];
	char *out, *s;

	cr_assert_eq(bench_report_write_junit(d, junit, "dossier.xml"), 0);
	snprintf(script, sizeof(script),
		 "import xml.etree.ElementTree as E\n"
		 "r = E.parse('%s').getroot()\n"
		 "s = r.find('testsuite')\n"
		 "c = s.findall('testcase')\n"
		 "print(len(c), sum(1 for x in c if x.find('failure') is not None),"
		 " sum(1 for x in c if x.find('error') is not None),"
		 " s.get('tests'), s.get('failures'), r.get('tests'))\n",
		 junit);
	{
		char *const argv[] = { "/usr/bin/python3", "-c", script, NULL };

		cr_assert_eq(run(path_in("py.txt"), argv), 0);
	}
	out = slurp(path_in("py.txt"), NULL);
	cr_expect_str_eq(out, "11 1 0 11 1 11\n");
	free(out);
	s = slurp(junit, NULL);
	cr_expect(strstr(s, "crosstalk = -54 dB (U = 1.2 dB, k = 2) against &lt;= -60 dB") != NULL,
		  "failure message must give the measurement and the limit");
	cr_expect(strstr(s, "[[ATTACHMENT|dossier.xml]]") != NULL);
	free(s);
	bench_dossier_free(d);
}
#endif /* !REPORT_TEST_ZH_ONLY */
