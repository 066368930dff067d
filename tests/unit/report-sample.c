// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sample dossier of report-sample.h. Deterministic: the data come from closed-form
 * signals and a fixed-seed xorshift generator, the times from a fixed epoch.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/sha256.h"
#include "report-sample.h"

#define T0_NS INT64_C(1795294800000000000) /* 2026-11-21T09:00:00Z */

struct kind {
	const char *title, *title_zh, *proto, *clause, *method;
	const char *meas, *unit;
	double value, U, low, high;
	enum bench_dossier_cmp cmp;
	enum bench_dossier_rule rule;
	const char *evidence;
	enum bench_dossier_verdict verdict;
	enum bench_dossier_plot_kind plot;
};

static const struct kind kinds[REPORT_SAMPLE_KINDS] = {
	{ "Gain accuracy", "增益准确度", "eeg.gain", "201.12.1.101.2",
	  "10 Hz sine of 1 mV at the inputs; gain from a least-squares sine fit of the output.",
	  "gain error", "%", 0.42, 0.18, -5, 5, BENCH_DOSSIER_CMP_GELE, BENCH_DOSSIER_RULE_SIMPLE,
	  "S*", BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_OVERLAY },
	{ "Input noise", "输入噪声", "eeg.noise", "201.12.1.101.3",
	  "Inputs shorted through 10 kOhm; 60 s record filtered 0.5-100 Hz; peak-to-peak.",
	  "input-referred noise", "uV", 3.1, 0.4, 0, 6, BENCH_DOSSIER_CMP_LE,
	  BENCH_DOSSIER_RULE_GUARDED, "E", BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_PSD },
	{ "Frequency response", "频率响应", "eeg.bandwidth", "201.12.1.101.4",
	  "Log sine sweep 0.1-500 Hz, 100 uV; -3 dB points of the fitted magnitude.",
	  "-3 dB high corner", "Hz", 212.0, 3.0, 100, 1000, BENCH_DOSSIER_CMP_GE,
	  BENCH_DOSSIER_RULE_SIMPLE, "S", BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_BODE },
	{ "Common-mode rejection", "共模抑制比", "eeg.cmrr", "201.12.1.101.5",
	  "50 Hz, 1 V rms common mode through 51 kOhm || 47 nF imbalance; ratio to differential gain.",
	  "CMRR", "dB", 104.2, 1.5, 90, 0, BENCH_DOSSIER_CMP_GE, BENCH_DOSSIER_RULE_GUARDED, "S",
	  BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_PSD },
	{ "Input impedance", "输入阻抗", "eeg.zin", "201.12.1.101.6",
	  "10 Hz sine through a series resistor switched in and out; divider ratio.",
	  "input impedance", "MOhm", 48.0, 4.0, 10, 0, BENCH_DOSSIER_CMP_GE,
	  BENCH_DOSSIER_RULE_SIMPLE, "S*", BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_OVERLAY },
	{ "Channel crosstalk", "通道串扰", "eeg.crosstalk", "201.12.1.101.7",
	  "1 mV 10 Hz on one channel, others shorted; worst neighbour amplitude ratio.",
	  "crosstalk", "dB", -54.0, 1.2, 0, -60, BENCH_DOSSIER_CMP_LE, BENCH_DOSSIER_RULE_SIMPLE,
	  "E", BENCH_DOSSIER_FAIL, BENCH_DOSSIER_PLOT_PSD },
	{ "Sample rate accuracy", "采样率准确度", "eeg.rate", "JJG 954 5.3",
	  "Reference 10 Hz tone from the bench clock; frequency fitted over 600 s.",
	  "sample rate error", "ppm", 92.0, 15.0, -100, 100, BENCH_DOSSIER_CMP_GELE,
	  BENCH_DOSSIER_RULE_GUARDED, "E", BENCH_DOSSIER_MARGINAL, BENCH_DOSSIER_PLOT_OVERLAY },
	{ "Trigger latency", "触发延迟", "bci.latency", "YY/T 1996 6.4",
	  "500 GPIO trigger edges; latency to the DUT event marker; 95th percentile.",
	  "latency p95", "ms", 6.8, 0.3, 0, 10, BENCH_DOSSIER_CMP_LE, BENCH_DOSSIER_RULE_SIMPLE,
	  "E", BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_HISTOGRAM },
	{ "SSVEP classification", "SSVEP 分类", "bci.ssvep", "YY/T 1996 6.6",
	  "4-class SSVEP (8, 10, 12, 15 Hz) synthetic EEG, 40 trials per class, 2 s windows.",
	  "accuracy", "%", 91.9, 4.3, 80, 0, BENCH_DOSSIER_CMP_GE, BENCH_DOSSIER_RULE_SIMPLE, "E",
	  BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_CONFUSION },
	{ "Spike detection", "锋电位检测", "neural.spikes", "FDA 2021 IV.B",
	  "8 channels, 30 kS/s, Poisson units at 20 Hz in 10 uV rms noise; +-0.5 ms matching.",
	  "sensitivity", "%", 96.5, 1.1, 90, 0, BENCH_DOSSIER_CMP_GE, BENCH_DOSSIER_RULE_GUARDED,
	  "E", BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_RASTER },
	{ "Stimulation charge balance", "刺激电荷平衡", "stim.charge", "ISO 14708-3 5.3",
	  "100 biphasic pulses, 1 mA, 200 us per phase into 1 kOhm; net charge per pulse.",
	  "max net charge", "nC", 0.21, 0.03, 0, 0.5, BENCH_DOSSIER_CMP_LE,
	  BENCH_DOSSIER_RULE_SIMPLE, "E", BENCH_DOSSIER_PASS, BENCH_DOSSIER_PLOT_CHARGE },
};

static uint64_t xs_state = 0x9e3779b97f4a7c15u;

static double urand(void)
{
	xs_state ^= xs_state << 13;
	xs_state ^= xs_state >> 7;
	xs_state ^= xs_state << 17;
	return (double)(xs_state >> 11) / 9007199254740992.0;
}

static double grand(void)
{
	double u = urand() + 1e-12, v = urand();

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static int add_plot(struct bench_dossier *d, struct bench_dossier_test *t, const struct kind *k,
		    unsigned idx)
{
	enum {
		N = 400
	};
	struct bench_dossier_plot *p = bench_dossier_add_plot(d, t);
	double x[N], y[N], y2[N];
	int i;

	if (!p)
		return -ENOMEM;
	p->kind = k->plot;
	p->id = bench_dossier_strdupf(d, "P%03u", idx);
	p->title = bench_dossier_strdup(d, k->title);
	switch (k->plot) {
	case BENCH_DOSSIER_PLOT_OVERLAY:
		p->x_label = bench_dossier_strdup(d, "time / s");
		p->y_label = bench_dossier_strdup(d, "amplitude / uV");
		for (i = 0; i < N; i++) {
			x[i] = i / 1000.0;
			y[i] = 1000 * sin(2 * M_PI * 10 * x[i]);
			y2[i] = 1004.2 * sin(2 * M_PI * 10 * x[i] - 0.05) + 3 * grand();
		}
		if (!bench_dossier_plot_add_series(d, p, "stimulus", N, x, y) ||
		    !bench_dossier_plot_add_series(d, p, "response", N, x, y2))
			return -ENOMEM;
		break;
	case BENCH_DOSSIER_PLOT_PSD:
		p->x_label = bench_dossier_strdup(d, "frequency / Hz");
		p->y_label = bench_dossier_strdup(d, "PSD / dB(uV^2/Hz)");
		for (i = 0; i < N; i++) {
			x[i] = 0.5 + i * 0.5;
			y[i] = -20 + 10 * log10(1 + 5 / x[i]) + 0.8 * grand() +
			       (fabs(x[i] - 50) < 0.3 ? 25 : 0);
		}
		if (!bench_dossier_plot_add_series(d, p, "DUT output", N, x, y))
			return -ENOMEM;
		break;
	case BENCH_DOSSIER_PLOT_BODE:
		p->x_label = bench_dossier_strdup(d, "frequency / Hz");
		p->y_label = bench_dossier_strdup(d, "magnitude / dB");
		for (i = 0; i < N; i++) {
			double f = 0.1 * pow(5000.0, i / (double)(N - 1));
			double hp = f / 0.5, lp = f / 212.0;

			x[i] = f;
			y[i] = 20 * log10(hp / sqrt(1 + hp * hp)) - 10 * log10(1 + pow(lp, 4));
			y2[i] = (atan2(1, hp) - 2 * atan(lp)) * 180 / M_PI;
		}
		if (!bench_dossier_plot_add_series(d, p, "magnitude", N, x, y) ||
		    !bench_dossier_plot_add_series(d, p, "phase", N, x, y2))
			return -ENOMEM;
		break;
	case BENCH_DOSSIER_PLOT_HISTOGRAM:
		p->x_label = bench_dossier_strdup(d, "latency / ms");
		p->y_label = bench_dossier_strdup(d, "count");
		for (i = 0; i < 30; i++) {
			x[i] = 4.0 + i * 0.125;
			y[i] = floor(120 * exp(-pow((x[i] - 5.6) / 0.6, 2)));
		}
		if (!bench_dossier_plot_add_series(d, p, "trials", 30, x, y))
			return -ENOMEM;
		break;
	case BENCH_DOSSIER_PLOT_CONFUSION: {
		static const double cm[16] = { 38, 1, 1, 0, 2, 36, 1, 1, 0, 2, 37, 1, 1, 1, 2, 36 };

		p->classes = 4;
		p->x_label = bench_dossier_strdup(d, "predicted class");
		p->y_label = bench_dossier_strdup(d, "true class");
		if (!bench_dossier_plot_add_series(d, p, "counts", 16, NULL, cm))
			return -ENOMEM;
		break;
	}
	case BENCH_DOSSIER_PLOT_RASTER: {
		int n = 0, m = 0, ch;

		p->x_label = bench_dossier_strdup(d, "time / s");
		p->y_label = bench_dossier_strdup(d, "channel");
		for (ch = 0; ch < 8 && n < N / 2; ch++) {
			double tt = 0;

			while (n < N / 2) {
				tt += -log(urand() + 1e-12) / 20.0;
				if (tt > 1.0)
					break;
				x[n] = tt;
				y[n] = ch;
				n++;
				if (urand() < 0.965 && m < N / 2) {
					y2[m] = ch; /* detected spikes: a little jitter, some missed */
					x[N / 2 + m] = tt + 0.0002 * grand();
					m++;
				}
			}
		}
		if (!bench_dossier_plot_add_series(d, p, "truth", (size_t)n, x, y) ||
		    !bench_dossier_plot_add_series(d, p, "detected", (size_t)m, x + N / 2, y2))
			return -ENOMEM;
		break;
	}
	case BENCH_DOSSIER_PLOT_CHARGE:
		p->x_label = bench_dossier_strdup(d, "pulse");
		p->y_label = bench_dossier_strdup(d, "net charge / nC");
		for (i = 0; i < 100; i++) {
			x[i] = i;
			y[i] = 0.05 * grand() + 0.02;
		}
		if (!bench_dossier_plot_add_series(d, p, "net charge", 100, x, y))
			return -ENOMEM;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int add_artifact(struct bench_dossier *d, const char *dir, const char *id, const char *name,
			const char *media, size_t bytes)
{
	struct bench_dossier_artifact *a;
	struct bench_buf path = BENCH_BUF_INIT;
	uint8_t dig[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	uint64_t size;
	FILE *f;
	size_t i;
	int r;

	r = bench_buf_appendf(&path, "%s/%s", dir, name);
	if (r < 0)
		return r;
	f = fopen(bench_buf_str(&path), "wb");
	if (!f) {
		bench_buf_free(&path);
		return -errno;
	}
	for (i = 0; i < bytes; i++)
		fputc((int)((i * 2654435761u) >> 13) & 0xff, f);
	fclose(f);
	r = bench_sha256_file(bench_buf_str(&path), dig, &size);
	bench_buf_free(&path);
	if (r < 0)
		return r;
	bench_sha256_hex(dig, hex);
	a = bench_dossier_add_artifact(d);
	if (!a)
		return -ENOMEM;
	a->id = bench_dossier_strdup(d, id);
	a->media_type = bench_dossier_strdup(d, media);
	a->path = bench_dossier_strdup(d, name);
	a->sha256_hex = bench_dossier_strdup(d, hex);
	a->size_bytes = size;
	return 0;
}

static void fake_hash(struct bench_dossier *d, const char *what, char **out)
{
	uint8_t dig[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];

	bench_sha256(what, strlen(what), dig);
	bench_sha256_hex(dig, hex);
	*out = bench_dossier_strdup(d, hex);
}

int report_sample_build(unsigned n_tests, const char *artifact_dir, struct bench_dossier **ret)
{
	struct bench_dossier *d;
	struct bench_dossier_instrument *in;
	struct bench_dossier_event *ev;
	unsigned i;
	int r;

	xs_state = 0x9e3779b97f4a7c15u;
	r = bench_dossier_new(&d);
	if (r < 0)
		return r;
	d->report_id = bench_dossier_strdup(d, "BCB-20261121-000042");
	d->run_id = 42;
	d->lab_name = bench_dossier_strdup(d, "Example Neurotech Test Lab (TEST DATA)");
	d->lab_address = bench_dossier_strdup(d, "1 Bench Road, Suzhou, China");
	d->station_id = bench_dossier_strdup(d, "station-07");
	d->operator_name = bench_dossier_strdup(d, "Li Wei");
	d->start_ns = T0_NS;
	d->end_ns = T0_NS + INT64_C(3600) * 1000000000;
	d->issued_ns = d->end_ns + INT64_C(60) * 1000000000;
	d->dut_manufacturer = bench_dossier_strdup(d, "Acme Neuro");
	d->dut_model = bench_dossier_strdup(d, "EEG-32 amplifier");
	d->dut_serial = bench_dossier_strdup(d, "SN-A1B2C3-0042");
	d->dut_hw_rev = bench_dossier_strdup(d, "rev C");
	d->dut_fw_rev = bench_dossier_strdup(d, "2.4.1");
	d->fixture_id = bench_dossier_strdup(d, "sim-eeg32");
	d->fixture_name = bench_dossier_strdup(d, "emulated EEG rig, 32 channels");
	fake_hash(d, "fixture", &d->fixture_sha256_hex);
	d->software_name = bench_dossier_strdup(d, "bcibench");
	d->software_version = bench_dossier_strdup(d, "0.1.0");
	d->software_build_id = bench_dossier_strdup(d, "g1234abc");
	d->decision_rule = bench_dossier_strdup(
		d, "Simple acceptance (ILAC-G8:09/2019 4.2.1) unless the protocol states guarded "
		   "acceptance; under guarded acceptance the acceptance zone is the limit reduced "
		   "by the expanded uncertainty U (k = 2, about 95 % coverage) and a result inside "
		   "the guard band is reported MARGINAL.");

	in = bench_dossier_add_instrument(d);
	if (!in)
		goto nomem;
	in->id = bench_dossier_strdup(d, "dac0");
	in->description = bench_dossier_strdup(d, "stimulus DAC");
	in->model = bench_dossier_strdup(d, "AD5791 eval board");
	in->serial = bench_dossier_strdup(d, "DAC-7781");
	in->cal_cert = bench_dossier_strdup(d, "CAL-2026-0815");
	in->cal_due = bench_dossier_strdup(d, "2027-08-15");
	in->cal_status = BENCH_DOSSIER_CAL_VALID;
	in = bench_dossier_add_instrument(d);
	if (!in)
		goto nomem;
	in->id = bench_dossier_strdup(d, "adc0");
	in->description = bench_dossier_strdup(d, "bench ADC");
	in->model = bench_dossier_strdup(d, "AD7768-1");
	in->serial = bench_dossier_strdup(d, "ADC-1204");
	in->cal_status = BENCH_DOSSIER_CAL_NONE;

	for (i = 0; i < REPORT_SAMPLE_KINDS && i < n_tests; i++) {
		const struct kind *k = &kinds[i];
		struct bench_dossier_protocol *p = bench_dossier_add_protocol(d);
		struct bench_dossier_param *sp;

		if (!p)
			goto nomem;
		p->id = bench_dossier_strdup(d, k->proto);
		p->version = bench_dossier_strdup(d, "1.0");
		fake_hash(d, k->proto, &p->sha256_hex);
		p->standard = bench_dossier_strdup(d, i < 7 ? "IEC 80601-2-26:2019" :
							      (i < 10 ? "YY/T 1996-2025" :
									"ISO 14708-3:2017"));
		p->clause = bench_dossier_strdup(d, k->clause);
		p->method = bench_dossier_strdup(d, k->method);
		p->seed = 1000 + i;
		sp = bench_dossier_add_stimulus(d, p);
		if (!sp)
			goto nomem;
		sp->name = bench_dossier_strdup(d, "amplitude");
		sp->value = bench_dossier_strdup(d, "1000");
		sp->unit = bench_dossier_strdup(d, "uV");
		sp = bench_dossier_add_stimulus(d, p);
		if (!sp)
			goto nomem;
		sp->name = bench_dossier_strdup(d, "frequency");
		sp->value = bench_dossier_strdup(d, "10");
		sp->unit = bench_dossier_strdup(d, "Hz");
	}

	if (artifact_dir) {
		r = add_artifact(d, artifact_dir, "A1", "capture-T001.bin",
				 "application/octet-stream", 4096);
		if (r == 0)
			r = add_artifact(d, artifact_dir, "A2", "stimulus-T001.bin",
					 "application/octet-stream", 1024);
		if (r < 0)
			goto err;
	}

	for (i = 0; i < n_tests; i++) {
		const struct kind *k = &kinds[i % REPORT_SAMPLE_KINDS];
		struct bench_dossier_test *t = bench_dossier_add_test(d);
		struct bench_dossier_measurement *m;

		if (!t)
			goto nomem;
		t->id = bench_dossier_strdupf(d, "T%03u", i + 1);
		t->title = i < REPORT_SAMPLE_KINDS ?
				   bench_dossier_strdup(d, k->title) :
				   bench_dossier_strdupf(d, "%s (repeat %u)", k->title,
							 i / REPORT_SAMPLE_KINDS);
		t->title_zh = bench_dossier_strdup(d, k->title_zh);
		t->protocol_id = bench_dossier_strdup(d, k->proto);
		t->start_ns = T0_NS + (int64_t)i * 10 * 1000000000;
		t->end_ns = t->start_ns + INT64_C(8) * 1000000000;
		t->verdict = k->verdict;
		t->attempts = k->verdict == BENCH_DOSSIER_FAIL ? 2 : 1;
		m = bench_dossier_add_meas(d, t);
		if (!m)
			goto nomem;
		m->name = bench_dossier_strdup(d, k->meas);
		m->unit = bench_dossier_strdup(d, k->unit);
		m->value = k->value;
		m->u = k->U / 2;
		m->u_expanded = k->U;
		m->k = 2;
		m->cmp = k->cmp;
		m->has_low = k->cmp == BENCH_DOSSIER_CMP_GELE || k->cmp == BENCH_DOSSIER_CMP_GE;
		m->has_high = k->cmp == BENCH_DOSSIER_CMP_GELE || k->cmp == BENCH_DOSSIER_CMP_LE;
		m->low = k->low;
		m->high = k->high;
		m->rule = k->rule;
		m->evidence = bench_dossier_strdup(d, k->evidence);
		m->verdict = k->verdict;
		r = add_plot(d, t, k, i + 1);
		if (r < 0)
			goto err;
		if (artifact_dir && i == 0) {
			r = bench_dossier_test_add_artifact(d, t, "A1");
			if (r == 0)
				r = bench_dossier_test_add_artifact(d, t, "A2");
			if (r < 0)
				goto err;
		}
		d->verdict = bench_dossier_verdict_worst(d->verdict, t->verdict);
	}

	ev = bench_dossier_add_event(d);
	if (!ev)
		goto nomem;
	ev->time_ns = T0_NS + INT64_C(55) * 1000000000;
	ev->kind = bench_dossier_strdup(d, "retest");
	ev->test_id = n_tests >= 6 ? bench_dossier_strdup(d, "T006") : NULL;
	ev->message = bench_dossier_strdup(d, "crosstalk out of limit; retested once, same result");
	ev = bench_dossier_add_event(d);
	if (!ev)
		goto nomem;
	ev->time_ns = d->end_ns;
	ev->kind = bench_dossier_strdup(d, "safe-state");
	ev->message = bench_dossier_strdup(d, "end of run: DAC to 0 V, lines to safe level");

	*ret = d;
	return 0;
nomem:
	r = -ENOMEM;
err:
	bench_dossier_free(d);
	return r;
}
