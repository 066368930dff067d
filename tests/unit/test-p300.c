// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The P300 speller (catalogue C4) end to end below the rig server: the signal-gen
 * p300speller model (matrix structure, truth, determinism, P300 only after target
 * flashes, trigger codes), the emulated decoder of the p300-decoder rig fed with that
 * signal (it decodes the cue truth; extra noise breaks it), and the C4 metrics from
 * speller truth and decisions against the closed forms (accuracy, Wolpaw ITR with the
 * real selection time). Units: uV, s, DUT samples.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "engine/engine.h"
#include "sim/dut.h"
#include "sim/rig.h"
#include "siggen.h"

static const char *root(void)
{
	const char *r = getenv("BCIBENCH_SOURCE_ROOT");

	return r ? r : ".";
}

/* 8 channels at @rate_hz: eeg background (if @eeg_uv > 0) on 0-6, the speller on 0-7. */
static struct siggen_spec *speller_spec(double rate_hz, double dur_s, double eeg_uv, double soa_s,
					double reps, double trigger_uv, double p300_uv)
{
	struct siggen_spec *s = NULL;
	static const char *const names[8] = { "Fz", "Cz", "Pz", "P3", "P4", "PO7", "PO8", "TRIG" };
	unsigned c;

	cr_assert_eq(siggen_spec_new(rate_hz, 8, dur_s, &s), 0);
	for (c = 0; c < 8; c++)
		cr_assert_eq(siggen_spec_set_channel_name(s, c, names[c]), 0);
	if (eeg_uv > 0) {
		cr_assert_eq(siggen_spec_add_source(s, "eeg", "bg", "0-6", 1, NULL), 0);
		cr_assert_eq(siggen_spec_set_param(s, "bg.rms_uv", eeg_uv), 0);
		cr_assert_eq(siggen_spec_set_param(s, "bg.alpha_uv", eeg_uv / 2), 0);
	}
	cr_assert_eq(siggen_spec_add_source(s, "p300speller", "sp", "0-7", 1, NULL), 0);
	cr_assert_eq(siggen_spec_set_param(s, "sp.soa_s", soa_s), 0);
	cr_assert_eq(siggen_spec_set_param(s, "sp.repetitions", reps), 0);
	cr_assert_eq(siggen_spec_set_param(s, "sp.pause_s", 1.5), 0);
	cr_assert_eq(siggen_spec_set_param(s, "sp.trigger_uv", trigger_uv), 0);
	cr_assert_eq(siggen_spec_set_param(s, "sp.p300_uv", p300_uv), 0);
	return s;
}

/*
 * 6x6, 3 repetitions, no background: per selection one cue with the target symbol, then
 * 36 flashes, each of the 12 codes 3 times and once per sequence, the target's row and
 * column flagged; the P300 (6 uV x Pz weight 1) only after those flashes, at 300 ms; the
 * trigger channel carries (code + 1) x 20 uV at each flash onset and 13 x 20 uV one SOA
 * after the last flash.
 */
Test(p300_siggen, speller_structure_truth_and_trigger_codes)
{
	const double fs = 1000, soa = 0.175;
	struct siggen_spec *s = speller_spec(fs, 30, 0, soa, 3, 20, 6);
	struct siggen *g = NULL;
	const struct siggen_event *ev;
	size_t n_ev, i, n_cue = 0, n_flash = 0;
	uint64_t frames = siggen_spec_frames(s), last_flash = 0;
	float *buf = malloc(frames * 8 * sizeof(float));
	unsigned count[12] = { 0 }, n_tgt = 0, k, c;
	const struct siggen_event *cue[8];
	int row, col;
	double tgt_sum = 0, non_sum = 0;
	unsigned n_t = 0, n_n = 0;

	cr_assert_not_null(buf);
	cr_assert_eq(siggen_open(s, 11, &g), 0);
	cr_assert_eq(siggen_read(g, buf, frames, SIGGEN_LAYOUT_PLANAR), (int64_t)frames);
	ev = siggen_truth(g, &n_ev);
	/* the selections (the truth is sorted by start, then label: a first flash may precede
	 * its cue), then each flash in the selection whose span holds it */
	for (i = 0; i < n_ev; i++)
		if (ev[i].type == SIGGEN_EVENT_SPELLER_CUE && n_cue < 8) {
			cr_assert(ev[i].label >= 0 && ev[i].label < 36);
			if (ev[i].end < frames)
				cr_expect_eq(ev[i].end - ev[i].start,
					     (uint64_t)llround(36 * soa * fs));
			cue[n_cue++] = &ev[i];
		}
	for (k = 0; k < n_cue; k++) {
		memset(count, 0, sizeof(count));
		n_tgt = 0;
		row = cue[k]->label / 6;
		col = cue[k]->label % 6;
		for (i = 0; i < n_ev; i++) {
			const struct siggen_event *e = &ev[i];
			bool tgt = e->label == row || e->label == 6 + col;

			if (e->type != SIGGEN_EVENT_SPELLER_FLASH || e->start < cue[k]->start ||
			    e->start >= cue[k]->end)
				continue;
			cr_assert(e->label >= 0 && e->label < 12);
			count[e->label]++;
			n_tgt += tgt;
			cr_expect_eq(e->value, tgt ? 1.0f : 0.0f);
			cr_expect(tgt ? e->amplitude_uv >= 0 : e->amplitude_uv == 0);
			/* trigger: (code + 1) x 20 uV, 5 ms after the onset */
			cr_expect_float_eq(buf[7 * frames + e->start + 5], 20.0f * (e->label + 1),
					   1e-3);
			last_flash = e->start;
			n_flash++;
			if (e->start + 0.3 * fs < frames) {
				/* Pz at 300 ms: the P300 (and the overlap of the neighbours) */
				double v = buf[2 * frames + e->start + 300];

				if (tgt) {
					tgt_sum += v;
					n_t++;
				} else {
					non_sum += v;
					n_n++;
				}
			}
		}
		if (cue[k]->end >= frames)
			continue;
		for (c = 0; c < 12; c++)
			cr_expect_eq(count[c], 3, "code %u flashed %u times", c, count[c]);
		cr_expect_eq(n_tgt, 6);
		/* end code (12) one SOA after the last flash */
		cr_expect_float_eq(buf[7 * frames + last_flash + (uint64_t)(soa * fs) + 5], 260.0f,
				   1e-3, "end code %.1f",
				   buf[7 * frames + last_flash + (uint64_t)(soa * fs) + 5]);
	}
	cr_expect_geq(n_cue, 2);
	cr_expect_geq(n_flash, 36);
	/* the mean target response exceeds the non-target one by about the P300 (6 uV) */
	cr_expect(tgt_sum / n_t - non_sum / n_n > 3.5 && tgt_sum / n_t - non_sum / n_n < 8,
		  "target %.2f non-target %.2f", tgt_sum / n_t, non_sum / n_n);
	siggen_close(g);

	/* the same seed read in odd blocks gives the same samples and truth */
	{
		float *b2 = malloc(frames * 8 * sizeof(float)),
		      *blk = malloc(37 * 8 * sizeof(float));
		struct siggen *g2 = NULL;
		uint64_t pos = 0;
		size_t n2;
		int64_t got;

		cr_assert(b2 && blk);
		cr_assert_eq(siggen_open(s, 11, &g2), 0);
		while ((got = siggen_read(g2, blk, 37, SIGGEN_LAYOUT_PLANAR)) > 0) {
			for (c = 0; c < 8; c++)
				memcpy(b2 + c * frames + pos, blk + (size_t)c * (size_t)got,
				       (size_t)got * sizeof(float));
			pos += (uint64_t)got;
		}
		cr_expect_eq(pos, frames);
		cr_expect_eq(memcmp(buf, b2, frames * 8 * sizeof(float)), 0);
		siggen_truth(g2, &n2);
		cr_expect_eq(n2, n_ev);
		siggen_close(g2);
		free(b2);
		free(blk);
	}
	free(buf);
	siggen_spec_free(s);
}

/* Symbols decided by the p300-decoder rig for @seed, with their selections' truth. */
struct decoded {
	size_t n_sel, correct, n_dec;
};

static void run_decoder(const char *fault, uint64_t seed, double dur_s, double reps, double p300_uv,
			struct decoded *ret)
{
	char path[512], xsd[512], *err = NULL;
	struct sim_rig *rig = NULL;
	struct sim_dut *dut = NULL;
	struct sim_faults f;
	struct siggen_spec *s;
	struct siggen *g = NULL;
	const struct siggen_event *ev;
	bool lines[SIM_LINE_COUNT] = { 0 };
	int sym[64];
	uint64_t sym_k[64], k_out = 0, end[64];
	size_t n_sym = 0, n_ev, i, j;
	float blk[8 * 250];
	int label[64];
	double v[SIM_MAX_DAC_CH] = { 0 };
	int64_t got;

	snprintf(path, sizeof(path), "%s/fixtures/sim/p300-decoder.rig.xml", root());
	snprintf(xsd, sizeof(xsd), "%s/schemas/sim-rig.xsd", root());
	cr_assert_eq(sim_rig_load(path, xsd, &rig, &err), 0, "%s", err ? err : "");
	sim_faults_init(&f);
	if (fault)
		cr_assert_eq(sim_faults_apply(&f, fault, rig->dut_channels), 0);
	lines[SIM_LINE_POWER] = true;
	cr_assert_eq(sim_dut_new(rig, &f, seed, &dut), 0);
	s = speller_spec(rig->dac_rate_hz, dur_s, 10, 0.175, reps, 20, p300_uv);
	cr_assert_eq(siggen_open(s, seed, &g), 0);
	while ((got = siggen_read(g, blk, 250, SIGGEN_LAYOUT_INTERLEAVED)) > 0) {
		for (i = 0; i < (size_t)got; i++) {
			struct sim_dut_out out;
			unsigned c;

			for (c = 0; c < 8; c++)
				v[c] = blk[i * 8 + c] / rig->atten_uv_per_v;
			sim_dut_tick(dut, v, lines, &f, &out);
			for (j = 0; j < out.n_frames; j++, k_out++)
				if (out.event[j] >> 24 == SIM_EVENT_CLASS && n_sym < 64) {
					sym[n_sym] = (int)(out.event[j] & 0xffffff);
					sym_k[n_sym++] = k_out;
				}
		}
	}
	ev = siggen_truth(g, &n_ev);
	memset(ret, 0, sizeof(*ret));
	for (i = 0; i < n_ev && ret->n_sel < 64; i++)
		if (ev[i].type == SIGGEN_EVENT_SPELLER_CUE && ev[i].end < siggen_spec_frames(s)) {
			label[ret->n_sel] = ev[i].label;
			end[ret->n_sel++] = ev[i].end;
		}
	ret->n_dec = n_sym;
	/* each selection: the first decision within 1.2 s after its flashes end */
	for (i = 0; i < ret->n_sel; i++)
		for (j = 0; j < n_sym; j++) {
			double t_dec = (double)sym_k[j] / rig->dut_rate_hz;
			double t_end = (double)end[i] / rig->dac_rate_hz;

			if (t_dec >= t_end && t_dec < t_end + 1.2) {
				ret->correct += sym[j] == label[i];
				break;
			}
		}
	siggen_close(g);
	siggen_spec_free(s);
	sim_dut_free(dut);
	free(rig);
}

/*
 * The good decoder spells 8 selections of 6x6 at 4 repetitions, ISI 175 ms, 8 uV P300 in
 * 6 uV P300 in 10 uV rms EEG: at least 7 right, and it decides once per selection. With
 * 150 uV of extra noise on every channel it falls far below the C4 limit: at most 4 right.
 */
Test(p300_sim, decoder_spells_the_cued_symbols_and_noise_breaks_it, .timeout = 120)
{
	struct decoded good, noisy;

	run_decoder(NULL, 5, 1 + 8 * 9.9, 4, 6, &good);
	cr_assert_eq(good.n_sel, 8);
	cr_expect_eq(good.n_dec, 8, "decisions %zu", good.n_dec);
	cr_expect_geq(good.correct, 7, "%zu of %zu right", good.correct, good.n_sel);
	cr_log_info("good: %zu of %zu right, %zu decisions", good.correct, good.n_sel, good.n_dec);
	run_decoder("noise_uv=150", 5, 1 + 8 * 9.9, 4, 6, &noisy);
	cr_expect_leq(noisy.correct, 4, "%zu of %zu right with noise", noisy.correct, noisy.n_sel);
	cr_log_info("noise_uv=150: %zu of %zu right", noisy.correct, noisy.n_sel);
}

/*
 * C4 metrics from a synthetic capture: 10 selections 9.9 s apart (4 x 12 x 0.175 s + 1.5 s),
 * 9 decided right within the span, one wrong; accuracy 90 %, ITR against Wolpaw's closed
 * form for N = 36, P = 0.9, T = 9.9 s: B = log2 36 + 0.9 log2 0.9 + 0.1 log2(0.1/35)
 * = 4.18800 bit, 25.382 bit/min. A decision before the flashes end or after the 1.2 s
 * span does not count (the selection is wrong).
 */
Test(p300_engine, c4_accuracy_and_itr_match_the_closed_form)
{
	struct bench_protocol_lib *lib = NULL;
	struct bench_protocol *p = NULL;
	struct bench_buf err = BENCH_BUF_INIT;
	struct bench_engine_capture cap;
	struct bench_engine_trace *t = &cap.traces[0];
	struct bench_quantity q;
	char path[512], why[160];
	const double T = 4 * 12 * 0.175 + 1.5, fl = 4 * 12 * 0.175;
	size_t i, k;

	snprintf(path, sizeof(path), "%s/protocols/decoder/decoder-c4-p300.xml", root());
	cr_assert_eq(bench_protocol_lib_new(NULL, &lib), 0);
	cr_assert_eq(bench_protocol_load(lib, path, NULL, 0, &err, &p), 0, "%s",
		     bench_buf_str(&err));
	for (int pass = 0; pass < 2; pass++) {
		memset(&cap, 0, sizeof(cap));
		cap.n_traces = 1;
		snprintf(t->role, sizeof(t->role), "dut-data");
		t->rate_hz = 250;
		t->n_channels = 1;
		t->n_frames = (size_t)((1 + 10 * T) * 250);
		t->uv = calloc(t->n_frames, sizeof(double));
		t->events = calloc(t->n_frames, sizeof(uint32_t));
		cap.truth = calloc(10, sizeof(*cap.truth));
		cap.n_truth = 10;
		for (i = 0; i < 10; i++) {
			int label = (int)(i * 7 % 36), said = i == 4 ? (label + 1) % 36 : label;
			double at = 1 + T * (double)i + fl + 0.6;

			cap.truth[i].type = SIGGEN_EVENT_SPELLER_CUE;
			cap.truth[i].start_s = 1 + T * (double)i;
			cap.truth[i].end_s = cap.truth[i].start_s + fl;
			cap.truth[i].label = label;
			if (pass == 1 && i == 2)
				at = cap.truth[i].end_s - 0.1; /* before the flashes end */
			if (pass == 1 && i == 3)
				at = cap.truth[i].end_s + 1.3; /* after the span */
			t->events[(size_t)llround(at * 250)] = (2u << 24) | (uint32_t)said;
		}
		for (k = 0; k < p->n_metrics; k++) {
			cr_assert_eq(bench_engine_measure(p, k, NULL, &cap, &q, why, sizeof(why)),
				     0, "%s: %s", p->metrics[k].id, why);
			if (!strcmp(p->metrics[k].name, "accuracy")) {
				cr_expect_float_eq(q.value, pass ? 70.0 : 90.0, 1e-9);
				cr_expect(q.u_a > 0, "accuracy carries its binomial uncertainty");
			}
			if (!strcmp(p->metrics[k].name, "itr") && pass == 0) {
				cr_expect_float_eq(q.value, 25.3818, 1e-3, "%.5f", q.value);
				cr_expect_float_eq(q.value,
						   (log2(36) + 0.9 * log2(0.9) +
						    0.1 * log2(0.1 / 35)) *
							   60 / T,
						   1e-9);
			}
		}
		bench_engine_capture_clear(&cap);
	}
	bench_protocol_free(p);
	bench_protocol_lib_free(lib);
	bench_buf_free(&err);
}

/*
 * Accuracy grows with repetitions, as in real spellers: a weak 3 uV P300 in 10 uV rms EEG,
 * 12 selections at ISI 175 ms: one repetition (T = 3.6 s) gets at most 8 right, eight
 * repetitions (T = 18.3 s) at least 9, and at least 3 more than one repetition (measured:
 * 4 and 10).
 */
Test(p300_sim, accuracy_grows_with_repetitions, .timeout = 120)
{
	struct decoded r1, r8;

	run_decoder(NULL, 9, 1 + 12 * 3.6, 1, 3, &r1);
	run_decoder(NULL, 9, 1 + 12 * 18.3, 8, 3, &r8);
	cr_assert_eq(r1.n_sel, 12);
	cr_assert_eq(r8.n_sel, 12);
	cr_log_info("right of 12: %zu with 1 repetition, %zu with 8", r1.correct, r8.correct);
	cr_expect_leq(r1.correct, 8, "1 repetition: %zu of 12", r1.correct);
	cr_expect_geq(r8.correct, 9, "8 repetitions: %zu of 12", r8.correct);
	cr_expect_geq(r8.correct, r1.correct + 3, "1: %zu, 8: %zu", r1.correct, r8.correct);
}
