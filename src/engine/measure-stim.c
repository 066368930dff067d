// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stimulation metrics (catalogue B1, B4, B7, B12, shutdown on fault): pulse amplitude, width
 * and rate, charge per phase and density, Shannon k, charge imbalance and DC, shutdown
 * latency, on the bench ADC's stimulation-monitor trace; closed-loop sensing (B12): the
 * detection threshold from the DUT's burst events against the injected bursts, and the
 * in-band sensing gain during stimulation against without.
 *
 * The monitor trace carries the voltage across the sense resistor in uV (metric param
 * "sense" in ohm, default 1000): I [uA] = V [uV] / R [ohm]. Param "channel" picks the
 * monitor channel (default 0). Programmed values come from the metric's "programmed"
 * param with its unit (uA, us or Hz). Uncertainty (GUM, type B): the ADC resolution
 * q/sqrt(12) per sample, and +-half a sample per edge for times.
 * Routed by name from measure.c (see measure-internal.h for the table format).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/units.h"
#include "engine/measure-internal.h"
#include "score/stats.h"
#include "score/stim.h"
#include "siggen.h"

#define EV_STIM_ON 3u
#define EV_BURST 5u
#define EV_FAULT 6u

static const struct bench_engine_trace *trace_by_role(const struct bench_engine_capture *cap,
						      const char *role)
{
	size_t i;

	for (i = 0; i < cap->n_traces; i++)
		if (strcmp(cap->traces[i].role, role) == 0)
			return &cap->traces[i];
	return NULL;
}

/* The DUT's event codes: the first trace that has them. */
static const struct bench_engine_trace *event_trace(const struct bench_engine_capture *cap)
{
	size_t i;

	for (i = 0; i < cap->n_traces; i++)
		if (cap->traces[i].events)
			return &cap->traces[i];
	return NULL;
}

/* Current in uA of the monitor channel, frames [from, to); malloc'd. */
static double *monitor_current(const struct bench_protocol_metric *m,
			       const struct bench_engine_trace *t, size_t from, size_t to,
			       double *ret_lsb_ua, char *reterr, size_t errlen)
{
	double sense = bench_protocol_metric_param_num(m, "sense", 1000.0);
	size_t ch = (size_t)bench_protocol_metric_param_num(m, "channel", 0), i;
	double *x;

	if (ch >= t->n_channels || !(sense > 0) || to <= from) {
		MEASURE_ERRF("no monitor channel %zu or bad sense resistor %g ohm", ch, sense);
		return NULL;
	}
	x = malloc((to - from) * sizeof(*x));
	if (!x)
		return NULL;
	for (i = from; i < to; i++)
		x[i - from] = t->uv[ch * t->n_frames + i] / sense;
	*ret_lsb_ua = t->lsb_uv / sense;
	return x;
}

/* Half the programmed amplitude, else half the largest |current|: the phase threshold. */
static double pulse_threshold(const struct bench_protocol_metric *m, const double *x, size_t n)
{
	const struct bench_protocol_param *pp = bench_protocol_metric_param(m, "programmed");
	double mx = 0;
	size_t i;

	if (pp && pp->is_number && pp->has_unit && pp->unit == BENCH_UNIT_UA && pp->number > 0)
		return 0.5 * pp->number;
	if (pp && pp->is_number && pp->has_unit && pp->unit == BENCH_UNIT_MA && pp->number > 0)
		return 0.5e3 * pp->number;
	for (i = 0; i < n; i++)
		mx = fmax(mx, fabs(x[i]));
	return 0.5 * mx;
}

/* The programmed value in @want (uA, us or Hz; mA, ms, s, kHz not used), or NaN. */
static double programmed(const struct bench_protocol_metric *m, enum bench_unit want)
{
	const struct bench_protocol_param *pp = bench_protocol_metric_param(m, "programmed");

	if (!pp || !pp->is_number || !pp->has_unit)
		return NAN;
	if (pp->unit == want)
		return pp->number;
	if (want == BENCH_UNIT_UA && pp->unit == BENCH_UNIT_MA)
		return pp->number * 1e3;
	if (want == BENCH_UNIT_US && pp->unit == BENCH_UNIT_MS)
		return pp->number * 1e3;
	return NAN;
}

/*
 * The pulse-train metrics (B1, B4, B7): one bench_score_stim_train() over the monitor
 * trace from the settling time to the stimulus end, then the metric the name asks for.
 */
static int m_train(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		   const struct bench_protocol_criterion *cr,
		   const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		   struct bench_quantity *q, char *reterr, size_t errlen)
{
	size_t end = bench_measure_stim_end(t), n, nph;
	double fs = t->rate_hz, lsb, u_s, u_edge_s, area, v = NAN, u = 0, prog, q_c, u_q;
	double *x;
	struct bench_stim_train tr;
	int r;

	(void)cr;
	(void)cap;
	if (end <= t->settle_frames + 16) {
		MEASURE_ERRF("capture too short (%zu frames)", end);
		return -ENODATA;
	}
	n = end - t->settle_frames;
	x = monitor_current(m, t, t->settle_frames, end, &lsb, reterr, errlen);
	if (!x)
		return reterr && reterr[0] ? -EINVAL : -ENOMEM;
	r = bench_score_stim_train(x, n, fs, pulse_threshold(m, x, n), &tr);
	free(x);
	if (r == -ENOENT) {
		MEASURE_ERRF("no complete biphasic pulse on the stimulation monitor");
		return -ENODATA;
	}
	if (r < 0) {
		MEASURE_ERRF("pulse analysis failed (%s)", strerror(-r));
		return r;
	}
	u_s = bench_unc_resolution(lsb); /* uA per sample */
	u_edge_s = 1.0 / fs / sqrt(6.0); /* two edges, each +-half a sample */
	nph = (size_t)ceil(tr.width_cath_us * 1e-6 * fs) + 1;
	q_c = fabs(tr.q_cath_uc);
	/* charge: resolution of the integrated samples and the edge timing */
	u_q = hypot(sqrt((double)nph) * u_s / fs, fabs(tr.amp_cath_ua) * u_edge_s);
	area = bench_protocol_metric_param_num(m, "electrode-area-cm2", NAN);

	if (strcmp(m->name, "stim_amplitude_error") == 0) {
		prog = programmed(m, BENCH_UNIT_UA);
		v = bench_score_error_pct(fabs(tr.amp_cath_ua), prog);
		u = u_s / prog * 100.0;
	} else if (strcmp(m->name, "stim_width_error") == 0) {
		prog = programmed(m, BENCH_UNIT_US);
		v = bench_score_error_pct(tr.width_cath_us, prog);
		u = u_edge_s * 1e6 / prog * 100.0;
	} else if (strcmp(m->name, "stim_rate_error") == 0) {
		prog = programmed(m, BENCH_UNIT_HZ);
		v = bench_score_error_pct(tr.rate_hz, prog);
		u = tr.n_pulses > 1 ?
			    u_edge_s * tr.rate_hz / ((double)(tr.n_pulses - 1) / tr.rate_hz) /
				    prog * 100.0 :
			    NAN;
	} else if (strcmp(m->name, "charge_per_phase") == 0) {
		v = q_c;
		u = u_q;
		if (m->unit == BENCH_UNIT_NC) {
			v *= 1e3;
			u *= 1e3;
		}
	} else if (strcmp(m->name, "charge_density") == 0 || strcmp(m->name, "shannon_k") == 0) {
		double d;

		if (!(area > 0)) {
			MEASURE_ERRF("'%s' needs param electrode-area-cm2", m->id);
			return -EINVAL;
		}
		v = bench_score_shannon_k(q_c, area, &d);
		u = 2.0 / log(10.0) * u_q / q_c;
		if (strcmp(m->name, "charge_density") == 0) {
			v = d;
			u = u_q / area;
		}
	} else if (strcmp(m->name, "charge_imbalance") == 0) {
		/* both phases' resolution terms; the edges cancel for equal widths */
		v = tr.imbalance_pct;
		u = 100.0 * sqrt(2.0 * (double)nph) * u_s / fs / q_c;
	} else if (strcmp(m->name, "dc_current") == 0) {
		double min_pulses = bench_protocol_metric_param_num(m, "min-pulses", 0);

		if ((double)tr.n_pulses < min_pulses) {
			MEASURE_ERRF("only %zu pulses in the capture, the metric needs %.0f",
				     tr.n_pulses, min_pulses);
			return -ENODATA;
		}
		v = fabs(tr.dc_na);
		u = u_s * 1e3 / sqrt((double)tr.n_pulses);
		if (m->unit == BENCH_UNIT_UA) {
			v *= 1e-3;
			u *= 1e-3;
		}
	}
	if (!isfinite(v)) {
		MEASURE_ERRF("'%s' is not defined here (missing param 'programmed' with its unit?)",
			     m->id);
		return -EINVAL;
	}
	bench_quantity_init(q, v, m->unit, 0, u, p->k);
	return 0;
}

/*
 * The bench's own fault-line edge as a frame of the monitor @t: the first frame of the
 * lines trace @lt (the rig's record of its lines, param "line-bit": the line's bit in a
 * sampled lines word, or -1 (default) for a 0/1 level) where the line is high after being
 * low, mapped onto @t by the device timestamps (both on the rig clock), else by time from
 * the capture start. SIZE_MAX when the line never rose within @t.
 */
static size_t line_edge(const struct bench_protocol_metric *m, const struct bench_engine_trace *lt,
			const struct bench_engine_trace *t)
{
	double bit = bench_protocol_metric_param_num(m, "line-bit", -1);
	size_t i, j;

	for (i = 1; i < lt->n_frames; i++) {
		double a = lt->uv[i - 1], b = lt->uv[i];
		bool was, is;

		if (bit >= 0 && bit < 31) {
			uint32_t mask = 1u << (unsigned)bit;

			was = ((uint32_t)llround(fmax(a, 0)) & mask) != 0;
			is = ((uint32_t)llround(fmax(b, 0)) & mask) != 0;
		} else {
			was = a > 0.5;
			is = b > 0.5;
		}
		if (is && !was)
			break;
	}
	if (i >= lt->n_frames)
		return SIZE_MAX;
	if (lt->ts_ns && t->ts_ns) {
		for (j = 0; j < t->n_frames && t->ts_ns[j] < lt->ts_ns[i]; j++)
			;
		return j < t->n_frames ? j : SIZE_MAX;
	}
	j = (size_t)llround((double)i / lt->rate_hz * t->rate_hz);
	return j < t->n_frames ? j : SIZE_MAX;
}

/*
 * Shutdown on a fault: the latency from the fault edge to the end of the last pulse
 * (bench_score_shutdown_latency(), the output must stay off for 10 ms). The edge is the
 * bench's own observation of its fault line when the protocol captures it (input
 * "fault-lines", param "edge" = "bench-line"): a DUT that is slow to notice the fault, and
 * therefore also slow to report it, is timed from the line. With "edge" = "dut-event" it is
 * the DUT's fault event (code 6) on its event channel, mapped to the monitor's sample clock
 * (both start with the stimulus). A DUT still stimulating at the end of the capture gives
 * +INF (never shut down).
 */
static int m_shutdown(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		      const struct bench_protocol_criterion *cr,
		      const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		      struct bench_quantity *q, char *reterr, size_t errlen)
{
	const struct bench_protocol_param *edge = bench_protocol_metric_param(m, "edge");
	bool from_line = edge && strcmp(edge->value, "bench-line") == 0;
	const struct bench_engine_trace *ev = event_trace(cap), *lt = NULL;
	size_t i, fault = SIZE_MAX, hold;
	double lsb, s, *x, u, edge_rate_hz;
	int r;

	(void)cr;
	if (edge && !from_line && strcmp(edge->value, "dut-event") != 0) {
		MEASURE_ERRF("shutdown_latency: edge is 'bench-line' or 'dut-event', not '%s'",
			     edge->value);
		return -EINVAL;
	}
	if (from_line) {
		lt = trace_by_role(cap, "fault-lines");
		if (!lt || lt->n_channels < 1) {
			MEASURE_ERRF(
				"shutdown_latency with edge=bench-line needs input fault-lines "
				"(the rig's record of its fault line)");
			return -ENODATA;
		}
		fault = line_edge(m, lt, t);
		if (fault == SIZE_MAX) {
			MEASURE_ERRF("the fault line never rose during the capture");
			return -ENODATA;
		}
		edge_rate_hz = lt->rate_hz;
	} else {
		if (!ev) {
			MEASURE_ERRF("shutdown_latency needs the DUT event channel (input "
				     "dut-events)");
			return -ENODATA;
		}
		for (i = 0; i < ev->n_frames && fault == SIZE_MAX; i++)
			if (ev->events[i] && (ev->events[i] >> 24) == EV_FAULT)
				fault = (size_t)llround((double)i / ev->rate_hz * t->rate_hz);
		if (fault == SIZE_MAX || fault >= t->n_frames) {
			MEASURE_ERRF(
				"no fault acknowledged by the DUT (event 6) after the fault line "
				"was asserted");
			return -ENODATA;
		}
		edge_rate_hz = ev->rate_hz;
	}
	x = monitor_current(m, t, 0, t->n_frames, &lsb, reterr, errlen);
	if (!x)
		return reterr && reterr[0] ? -EINVAL : -ENOMEM;
	hold = (size_t)llround(0.010 * t->rate_hz);
	if (hold < 1)
		hold = 1;
	r = bench_score_shutdown_latency(x, t->n_frames, t->rate_hz, fault,
					 pulse_threshold(m, x, t->n_frames), hold, &s);
	free(x);
	if (r == -ENODATA) {
		MEASURE_ERRF("the DUT was not stimulating before the fault: nothing to shut down");
		return r;
	}
	if (r < 0) {
		MEASURE_ERRF("shutdown analysis failed (%s)", strerror(-r));
		return r;
	}
	/* the fault edge is known to one sample of its trace, the last pulse to one monitor
	 * sample */
	u = hypot(1.0 / edge_rate_hz, 1.0 / t->rate_hz) / sqrt(12.0);
	if (m->unit == BENCH_UNIT_MS) {
		s *= 1e3;
		u *= 1e3;
	} else if (m->unit == BENCH_UNIT_US) {
		s *= 1e6;
		u *= 1e6;
	}
	bench_quantity_init(q, s, m->unit, 0, u, p->k);
	return 0;
}

/* splitmix64: the bootstrap's resampling, seeded so a rescore gives the same figure */
static uint64_t boot_next(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Type A standard uncertainty of the threshold estimate: the standard deviation of the
 * estimator over "bootstrap" (param, default 1000) resamples of the bursts with replacement
 * (Efron), resamples where nothing is detected reliably left out. 0 with fewer than 2 bursts.
 */
static double threshold_bootstrap_u(const struct bench_protocol_metric *m, const double *amp,
				    const bool *hit, size_t n, double sens)
{
	size_t nb = (size_t)fmax(0, bench_protocol_metric_param_num(m, "bootstrap", 1000)), b, i,
	       k = 0;
	double *ra = malloc((n + 1) * sizeof(*ra)), s1 = 0, s2 = 0, v;
	bool *rh = malloc((n + 1) * sizeof(*rh));
	uint64_t st = 0x5b12b007ull ^ (uint64_t)n;

	if (!ra || !rh || n < 2 || nb < 2) {
		free(ra);
		free(rh);
		return 0;
	}
	for (b = 0; b < nb; b++) {
		for (i = 0; i < n; i++) {
			size_t j = (size_t)(boot_next(&st) % n);

			ra[i] = amp[j];
			rh[i] = hit[j];
		}
		if (bench_score_event_threshold(ra, rh, n, sens, &v) == 0 && isfinite(v)) {
			s1 += v;
			s2 += v * v;
			k++;
		}
	}
	free(ra);
	free(rh);
	return k > 1 ? sqrt(fmax(0, (s2 - s1 * s1 / (double)k) / (double)(k - 1))) : 0;
}

/*
 * B12 detection threshold: the injected beta bursts (stimulus truth, after the settling
 * time, ending with their tolerance inside the capture) against the DUT's burst events
 * (code 5). Each event is credited to one burst only: the latest burst that started at or
 * before it, if the event falls before that burst's end plus the tolerance (param, default
 * 500 ms); so with closely spaced bursts a late detection of one is never counted for two.
 * The threshold is the smallest injected amplitude above which at least "sensitivity"
 * (param, default 90 %) of the bursts were detected (bench_score_event_threshold()); +INF
 * when nothing is detected reliably. Its standard uncertainty is type A, from a bootstrap
 * over the bursts (threshold_bootstrap_u()): the estimate rests on a few missed bursts.
 */
static int m_threshold(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		       const struct bench_protocol_criterion *cr,
		       const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		       struct bench_quantity *q, char *reterr, size_t errlen)
{
	const struct bench_engine_trace *ev = event_trace(cap);
	const struct bench_protocol_param *tp = bench_protocol_metric_param(m, "tolerance");
	double tol_s = tp && tp->has_unit && tp->unit == BENCH_UNIT_MS ? tp->number * 1e-3 :
		       tp && tp->has_unit && tp->unit == BENCH_UNIT_S  ? tp->number :
									 0.5;
	double sens = bench_protocol_metric_param_num(m, "sensitivity", 90) / 100.0, v, u, end_s;
	double *amp = NULL, *t0 = NULL, *t1 = NULL;
	bool *hit = NULL;
	size_t i, f, n = 0, last = 0;
	int r;

	(void)cr;
	(void)t;
	if (!ev) {
		MEASURE_ERRF("detection_threshold needs the DUT event channel");
		return -ENODATA;
	}
	end_s = (double)ev->n_frames / ev->rate_hz;
	amp = calloc(cap->n_truth + 1, sizeof(*amp));
	t0 = calloc(cap->n_truth + 1, sizeof(*t0));
	t1 = calloc(cap->n_truth + 1, sizeof(*t1));
	hit = calloc(cap->n_truth + 1, sizeof(*hit));
	if (!amp || !t0 || !t1 || !hit) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cap->n_truth; i++) {
		const struct bench_engine_truth_event *e = &cap->truth[i];

		if (e->type != SIGGEN_EVENT_BETA_BURST ||
		    e->start_s * ev->rate_hz < (double)ev->settle_frames ||
		    e->end_s + tol_s > end_s)
			continue;
		/* the model emits its bursts in time order, one at a time */
		if (n > 0 && e->start_s < t0[n - 1]) {
			MEASURE_ERRF("beta bursts of the stimulus truth out of time order");
			r = -EINVAL;
			goto out;
		}
		amp[n] = e->amplitude_uv;
		t0[n] = e->start_s;
		t1[n] = e->end_s + tol_s;
		n++;
	}
	if (n == 0) {
		MEASURE_ERRF("no beta burst in the stimulus truth");
		r = -ENODATA;
		goto out;
	}
	for (f = 0; f < ev->n_frames; f++) {
		double ts = (double)f / ev->rate_hz;

		if (!ev->events[f] || (ev->events[f] >> 24) != EV_BURST)
			continue;
		while (last + 1 < n && t0[last + 1] <= ts)
			last++;
		if (t0[last] <= ts && ts < t1[last])
			hit[last] = true;
	}
	for (i = 0; i < n; i++)
		bench_log(BENCH_LOG_DEBUG, "engine", "B12 burst at %.3f s: %.3f uV, %.0f ms, %s",
			  t0[i], amp[i], (t1[i] - tol_s - t0[i]) * 1e3,
			  hit[i] ? "detected" : "missed");
	r = bench_score_event_threshold(amp, hit, n, sens, &v);
	if (r < 0) {
		MEASURE_ERRF("threshold analysis failed (%s)", strerror(-r));
		goto out;
	}
	u = isfinite(v) ? threshold_bootstrap_u(m, amp, hit, n, sens) : 0;
	bench_quantity_init(q, m->unit == BENCH_UNIT_MV ? v * 1e-3 : v, m->unit,
			    m->unit == BENCH_UNIT_MV ? u * 1e-3 : u, 0, p->k);
out:
	free(amp);
	free(t0);
	free(t1);
	free(hit);
	return r;
}

/* The lag (frames, y behind x > 0) maximising sum x[j] y[j + lag] over j >= @from. */
static long best_lag(const double *x, const double *y, size_t n, size_t from, size_t max_lag)
{
	double best = -INFINITY, mx = 0, my = 0;
	long lag, l = 0;
	size_t j;

	if (n <= from + 2 * max_lag + 1)
		return 0;
	for (j = from; j < n; j++) {
		mx += x[j];
		my += y[j];
	}
	mx /= (double)(n - from);
	my /= (double)(n - from);
	for (lag = -(long)max_lag; lag <= (long)max_lag; lag++) {
		double c = 0;

		for (j = from + max_lag; j + max_lag < n; j++)
			c += (x[j] - mx) * (y[(size_t)((long)j + lag)] - my);
		if (c > best) {
			best = c;
			l = lag;
		}
	}
	return l;
}

/*
 * B12 sensing error during stimulation: the in-band power gain from the injected signal
 * (the bench ADC's loopback of the DAC, param "reference-channel", default 1, block-averaged
 * to the DUT rate) to the DUT's recording (param "channel" of the DUT data, default 0),
 * from cross-spectra over Hann windows (param "window", default 250 ms, 50 % overlap) while the DUT
 * stimulates (a pulse on the monitor within the last 1.5 periods for the whole window)
 * against windows without any stimulation; value |G_on / G_off - 1| in %.
 */
static int m_on_off(const struct bench_protocol *p, const struct bench_protocol_metric *m,
		    const struct bench_protocol_criterion *cr,
		    const struct bench_engine_capture *cap, const struct bench_engine_trace *t,
		    struct bench_quantity *q, char *reterr, size_t errlen)
{
	const struct bench_engine_trace *dut = trace_by_role(cap, "dut-data");
	const struct bench_engine_trace *mon = trace_by_role(cap, "stim-monitor");
	const struct bench_protocol_param *cmp = bench_protocol_metric_param(m, "compare");
	double lo = bench_protocol_metric_param_num(m, "band-low", 13),
	       hi = bench_protocol_metric_param_num(m, "band-high", 30);
	size_t ch = (size_t)bench_protocol_metric_param_num(m, "channel", 0);
	size_t rch = (size_t)bench_protocol_metric_param_num(m, "reference-channel", 1);
	size_t sch = (size_t)bench_protocol_metric_param_num(m, "monitor-channel", 0);
	double sense = bench_protocol_metric_param_num(m, "sense", 1000.0), thr, mx = 0, g_on,
	       g_off, v;
	double u_on, u_off;
	struct bench_xspec *on = NULL, *off = NULL;
	double *ref = NULL, *y = NULL;
	unsigned char *act = NULL;
	size_t ratio, n, i, j, w, look, since = SIZE_MAX, n_on = 0, n_off = 0;
	long lag;
	int r;

	(void)cr;
	(void)t;
	if (!cmp || strcmp(cmp->value, "stim-on-vs-off") != 0) {
		MEASURE_ERRF("band_power_on_off needs compare=stim-on-vs-off");
		return -EINVAL;
	}
	if (!dut || !mon || ch >= dut->n_channels || rch >= mon->n_channels ||
	    sch >= mon->n_channels) {
		MEASURE_ERRF("needs inputs dut-data and stim-monitor (current and DAC loopback)");
		return -ENODATA;
	}
	ratio = (size_t)llround(mon->rate_hz / dut->rate_hz);
	if (ratio < 1 || fabs((double)ratio * dut->rate_hz - mon->rate_hz) > 1e-6 * mon->rate_hz) {
		MEASURE_ERRF("the monitor rate is not a multiple of the DUT rate");
		return -EINVAL;
	}
	n = bench_measure_stim_end(dut);
	if (n * ratio > mon->n_frames)
		n = mon->n_frames / ratio;
	w = (size_t)llround(bench_protocol_metric_param_num(m, "window", 0.25) * dut->rate_hz);
	on = calloc(1, sizeof(*on));
	off = calloc(1, sizeof(*off));
	ref = calloc(n + 1, sizeof(*ref));
	y = calloc(n + 1, sizeof(*y));
	act = calloc(n + 1, 1);
	if (!on || !off || !ref || !y || !act) {
		r = -ENOMEM;
		goto out;
	}
	r = bench_score_xspec_init(on, w, dut->rate_hz, lo, hi);
	if (r == 0)
		r = bench_score_xspec_init(off, w, dut->rate_hz, lo, hi);
	if (r < 0) {
		MEASURE_ERRF("band %g-%g Hz not resolvable with %zu-sample windows", lo, hi, w);
		goto out;
	}
	for (i = 0; i < mon->n_frames; i++)
		mx = fmax(mx, fabs(mon->uv[sch * mon->n_frames + i]));
	thr = 0.5 * mx;
	if (!(mx / sense > 1e-3)) {
		MEASURE_ERRF("the DUT never stimulated: no ON segment to compare");
		r = -ENODATA;
		goto out;
	}
	/* stimulation active at DUT frame j: a pulse sample within the last `look` frames */
	look = (size_t)ceil(1.5 * dut->rate_hz /
			    bench_protocol_metric_param_num(m, "min-rate", 50));
	for (j = 0; j < n; j++) {
		double s = 0;

		for (i = j * ratio; i < (j + 1) * ratio; i++) {
			s += mon->uv[rch * mon->n_frames + i];
			if (fabs(mon->uv[sch * mon->n_frames + i]) > thr)
				since = j;
		}
		ref[j] = s / (double)ratio;
		y[j] = dut->uv[ch * dut->n_frames + j];
		act[j] = since != SIZE_MAX && j - since <= look;
	}
	/*
	 * The DUT's recording lags the injected signal (its filters, and its capture may
	 * start at another sample of the rig): align by the cross-correlation peak within
	 * +-"max-lag" s (default 0.3) before windowing, so a burst sits in the same window
	 * of both.
	 */
	lag = best_lag(ref, y, n, dut->settle_frames,
		       (size_t)llround(bench_protocol_metric_param_num(m, "max-lag", 0.3) *
				       dut->rate_hz));
	if (lag > 0) {
		memmove(y, y + lag, (n - (size_t)lag) * sizeof(*y));
		n -= (size_t)lag;
	} else if (lag < 0) {
		memmove(ref, ref + (size_t)-lag, (n - (size_t)-lag) * sizeof(*ref));
		memmove(act, act + (size_t)-lag, n - (size_t)-lag);
		n -= (size_t)-lag;
	}
	/*
	 * The same first difference on both (it cancels in H): flattens the 1/f background,
	 * so its strong low frequencies do not leak into the band through the window.
	 */
	for (j = n - 1; j > 0; j--) {
		ref[j] -= ref[j - 1];
		y[j] -= y[j - 1];
	}
	ref[0] = y[0] = 0;
	for (j = dut->settle_frames; j + w <= n; j += w / 2) { /* Hann, 50 % overlap */
		size_t k, a = 0;

		for (k = j; k < j + w; k++)
			a += act[k];
		if (a == w) {
			r = bench_score_xspec_add(on, ref + j, y + j);
			n_on++;
		} else if (a == 0 && (j < look || !act[j - look])) {
			r = bench_score_xspec_add(off, ref + j, y + j);
			n_off++;
		}
		if (r < 0)
			goto out;
	}
	if (n_on < 4 || n_off < 4) {
		MEASURE_ERRF("too few windows with and without stimulation (%zu on, %zu off)", n_on,
			     n_off);
		r = -ENODATA;
		goto out;
	}
	r = bench_score_xspec_gain(on, &g_on, &u_on);
	if (r == 0)
		r = bench_score_xspec_gain(off, &g_off, &u_off);
	if (r < 0 || !(g_off > 0)) {
		MEASURE_ERRF("no input power in the band");
		r = -ENODATA;
		goto out;
	}
	v = fabs(g_on / g_off - 1.0) * 100.0;
	/* type A: the two gain estimates' spread from their coherence, on the ratio */
	bench_quantity_init(q, v, m->unit, 100.0 * g_on / g_off * hypot(u_on, u_off), 0, p->k);
	r = 0;
out:
	free(on);
	free(off);
	free(ref);
	free(y);
	free(act);
	return r;
}

const struct bench_measure_route bench_measure_routes_stim[] = {
	{ "stim_amplitude_error", NULL, m_train }, { "stim_width_error", NULL, m_train },
	{ "stim_rate_error", NULL, m_train },	   { "charge_per_phase", NULL, m_train },
	{ "charge_density", NULL, m_train },	   { "shannon_k", NULL, m_train },
	{ "charge_imbalance", NULL, m_train },	   { "dc_current", NULL, m_train },
	{ "shutdown_latency", NULL, m_shutdown },  { "detection_threshold", NULL, m_threshold },
	{ "band_power_on_off", NULL, m_on_off },   { NULL, NULL, NULL },
};
