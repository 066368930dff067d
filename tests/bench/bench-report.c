// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Benchmark: XML dossier + XML-DSig signature + PDF (English and Chinese) for a 200-test run
 * built in memory (tests/unit/report-sample.c), target < 3 s for XML + signature + PDF.
 * Each test also gets the two plots src/engine/plots.c stores for a signal test at their
 * size bounds: an overlay of 2 x 600 points and a PSD of 400 points (what a real run's
 * dossier carries: about three plots per test).
 * Prints each stage's time, the PDF sizes and page counts; next to it, the time of
 * `xmlsec1 --verify` on the same signed file as a reference measured in the same run.
 * Asserts nothing about time. Usage: bench-report [N_TESTS [OUT_DIR]] (OUT_DIR kept).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/parse.h"
#include "reports/dossier.h"
#include "reports/junit.h"
#include "reports/pdf.h"
#include "reports/sign.h"
#include "reports/xml.h"
#include "report-sample.h"

static double since(int64_t t0)
{
	return (double)(bench_clock_now_ns() - t0) * 1e-9;
}

/* CPU time of this process in s: the machine may be shared, wall time is not the cost. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* The engine's overlay and PSD at their size bounds (src/engine/plots.h), for every test. */
static int add_engine_plots(struct bench_dossier *d)
{
	static double x[600], y[600], y2[600], f[400], psd[400];
	size_t i, k;

	for (k = 0; k < 600; k++) {
		x[k] = (double)k / 600.0;
		y[k] = 100 * sin(2 * M_PI * 10 * x[k]);
		y2[k] = 99 * sin(2 * M_PI * 10 * x[k] - 0.3) + 2 * sin(2 * M_PI * 50 * x[k]);
	}
	for (k = 0; k < 400; k++) {
		f[k] = 0.5 * pow(1000.0, (double)k / 400.0);
		psd[k] = -30 + 40 * exp(-pow(log10(f[k] / 10) * 20, 2)) - 3 * log10(f[k]);
	}
	for (i = 0; i < d->n_tests; i++) {
		struct bench_dossier_test *t = &d->tests[i];
		struct bench_dossier_plot *p = bench_dossier_add_plot(d, t);

		if (!p)
			return -ENOMEM;
		p->kind = BENCH_DOSSIER_PLOT_OVERLAY;
		p->id = bench_dossier_strdupf(d, "E%zuo", i);
		p->title = t->title;
		p->x_label = bench_dossier_strdup(d, "time / s");
		p->y_label = bench_dossier_strdup(d, "voltage / uV");
		if (!bench_dossier_plot_add_series(d, p, "stimulus", 600, x, y) ||
		    !bench_dossier_plot_add_series(d, p, "response", 600, x, y2))
			return -ENOMEM;
		p = bench_dossier_add_plot(d, t);
		if (!p)
			return -ENOMEM;
		p->kind = BENCH_DOSSIER_PLOT_PSD;
		p->id = bench_dossier_strdupf(d, "E%zup", i);
		p->title = t->title;
		p->x_label = bench_dossier_strdup(d, "frequency / Hz");
		p->y_label = bench_dossier_strdup(d, "PSD / dB re 1 uV^2/Hz");
		if (!bench_dossier_plot_add_series(d, p, "PSD", 400, f, psd))
			return -ENOMEM;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *root = getenv("BCIBENCH_SOURCE_ROOT");
	char dir[256], key[600], cert[600], xml[300], pdf[300], pdfzh[300], junit[300], cmd[2048];
	struct bench_report_pdf_opts o = { BENCH_REPORT_LANG_EN, NULL };
	char fp[BENCH_SHA256_HEX_LEN];
	struct bench_dossier *d;
	unsigned n = 200, pages = 0, pages_zh = 0;
	bool keep = argc > 2;
	double t_build, t_xml, t_pdf, t_pdfzh, t_junit, t_ref;
	double c0, c_xml, c_pdf, c_pdfzh, c_junit;
	int64_t t0;
	int r;

	if (argc > 1) {
		int v;

		if (bench_parse_int(argv[1], &v) < 0 || v < 1)
			return 64;
		n = (unsigned)v;
	}
	if (keep) {
		snprintf(dir, sizeof(dir), "%s", argv[2]);
		mkdir(dir, 0755);
	} else {
		snprintf(dir, sizeof(dir), "/tmp/bcibench-bench-report-XXXXXX");
		if (!mkdtemp(dir))
			return 2;
	}
	snprintf(key, sizeof(key), "%s/fixtures/keys/test-signer-rsa.key", root ? root : ".");
	snprintf(cert, sizeof(cert), "%s/fixtures/keys/test-signer-rsa.crt", root ? root : ".");
	snprintf(xml, sizeof(xml), "%s/dossier.xml", dir);
	snprintf(pdf, sizeof(pdf), "%s/dossier-en.pdf", dir);
	snprintf(pdfzh, sizeof(pdfzh), "%s/dossier-zh-CN.pdf", dir);
	snprintf(junit, sizeof(junit), "%s/junit.xml", dir);

	t0 = bench_clock_now_ns();
	r = report_sample_build(n, dir, &d);
	if (r == 0) {
		r = add_engine_plots(d);
		if (r < 0)
			bench_dossier_free(d);
	}
	t_build = since(t0);
	if (r < 0) {
		fprintf(stderr, "sample: %s\n", strerror(-r));
		return 2;
	}
	t0 = bench_clock_now_ns();
	c0 = cpu_s();
	r = bench_report_write_xml(d, xml, key, cert);
	t_xml = since(t0);
	c_xml = cpu_s() - c0;
	if (r == 0)
		r = bench_report_cert_fingerprint(cert, fp);
	o.signature_fingerprint = fp;
	t0 = bench_clock_now_ns();
	c0 = cpu_s();
	if (r == 0)
		r = bench_report_write_pdf(d, pdf, &o, &pages);
	t_pdf = since(t0);
	c_pdf = cpu_s() - c0;
	o.lang = BENCH_REPORT_LANG_ZH_CN;
	t0 = bench_clock_now_ns();
	c0 = cpu_s();
	if (r == 0)
		r = bench_report_write_pdf(d, pdfzh, &o, &pages_zh);
	t_pdfzh = since(t0);
	c_pdfzh = cpu_s() - c0;
	t0 = bench_clock_now_ns();
	c0 = cpu_s();
	if (r == 0)
		r = bench_report_write_junit(d, junit, "dossier.xml");
	t_junit = since(t0);
	c_junit = cpu_s() - c0;
	if (r < 0) {
		fprintf(stderr, "bench-report: %s\n", strerror(-r));
		bench_dossier_free(d);
		return 2;
	}

	snprintf(cmd, sizeof(cmd), "xmlsec1 --verify --trusted-pem '%s' '%s' >/dev/null 2>&1", cert,
		 xml);
	t0 = bench_clock_now_ns();
	{
		FILE *p = popen(cmd, "r");

		r = p ? pclose(p) : -1;
	}
	t_ref = since(t0);

	printf("dossier for %u tests, 3 plots each (sample build %.3f s, not counted)\n", n,
	       t_build);
	printf("  (wall s / CPU s of this process; wall includes waiting for a shared CPU)\n");
	printf("  XML + XSD validation + RSA signature: %.3f / %.3f s, %ld bytes\n", t_xml, c_xml,
	       file_size(xml));
	printf("  PDF en:    %.3f / %.3f s, %u pages, %ld bytes\n", t_pdf, c_pdf, pages,
	       file_size(pdf));
	printf("  PDF zh-CN: %.3f / %.3f s, %u pages, %ld bytes\n", t_pdfzh, c_pdfzh, pages_zh,
	       file_size(pdfzh));
	printf("  JUnit:     %.3f / %.3f s, %ld bytes\n", t_junit, c_junit, file_size(junit));
	printf("  XML + signature + PDF (en): %.3f s wall, %.3f s CPU (target < 3 s)\n",
	       t_xml + t_pdf, c_xml + c_pdf);
	printf("reference: xmlsec1 --verify of the same file: %.3f s (exit %d)\n", t_ref, r);
	bench_dossier_free(d);
	if (!keep) {
		const char *files[] = { xml, pdf, pdfzh, junit };

		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			unlink(files[i]);
		snprintf(cmd, sizeof(cmd), "%s/capture-T001.bin", dir);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/stimulus-T001.bin", dir);
		unlink(cmd);
		rmdir(dir);
	}
	return 0;
}
