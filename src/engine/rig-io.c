// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_engine_io over src/hw and libsiggen (see rig-io.h). One trial = one
 * bench_stream_run(): the stimulus is generated block by block straight into the DAC
 * ring (constant memory), the captures are appended to growing arrays (a trial is
 * seconds to minutes long) and handed to the engine as planar traces.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/units.h"
#include "engine/rig-io.h"
#include "fixture/fixture.h"
#include "hw/envelope.h"
#include "hw/line.h"
#include "hw/rig.h"
#include "hw/safe.h"
#include "hw/stream.h"
#include "siggen.h"

static void sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / BENCH_NS_PER_S), (long)(ns % BENCH_NS_PER_S) };

	while (ns > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR && !bench_safe_pending_signal())
		;
}

static struct bench_line *line_for(struct bench_rig *rig, const char *role)
{
	unsigned r;

	for (r = 0; r < BENCH_LINE_ROLE_COUNT; r++)
		if (strcmp(bench_fixture_role_name((enum bench_fixture_line_role)r), role) == 0)
			return bench_rig_line_by_role(rig, (enum bench_fixture_line_role)r);
	return bench_rig_line(rig, role); /* a role the fixture names its line after */
}

/*
 * The powered-off time of a power cycle, spent capturing: a rig whose clock advances
 * with the data (the emulated rig in fast pace) only applies the power-off, and drops
 * the ready line, while samples flow; otherwise the power-up could see the ready line
 * of before the power-off and start the trial on a booting DUT. On a real rig this is
 * the same wait with the capture running.
 */
static int off_time(struct bench_engine_rig_io *rio, int64_t off_ns)
{
	const struct bench_fixture *fx = bench_rig_fixture(rio->rig);
	struct bench_stream_config cfg = { 0 };
	struct bench_stream *s = NULL;
	int r;

	if (fx->n_captures == 0) {
		sleep_ns(off_ns);
		return 0;
	}
	cfg.capture_mask = 1u;
	r = bench_stream_open(rio->rig, &cfg, &s);
	if (r == 0)
		r = bench_stream_run(s, NULL, NULL, NULL, NULL, off_ns, NULL, NULL);
	bench_stream_close(s);
	return r;
}

static int rig_steps(void *ctx, const struct bench_protocol_steps *steps, const char *what)
{
	struct bench_engine_rig_io *rio = ctx;
	size_t i;
	int r = 0;

	for (i = 0; i < steps->n && r == 0; i++) {
		const struct bench_protocol_step *st = &steps->v[i];
		struct bench_line *line = st->role ? line_for(rio->rig, st->role) : NULL;
		int64_t t0 = bench_clock_now_ns(), t1, t2;

		if (bench_safe_pending_signal())
			return -EINTR;
		if (st->role && !line) {
			bench_log(BENCH_LOG_ERROR, "engine", "%s: the fixture has no '%s' line",
				  what, st->role);
			return -ENOENT;
		}
		switch (st->kind) {
		case BENCH_PROTOCOL_STEP_SET_LINE:
			r = bench_line_set(line, st->level_on);
			break;
		case BENCH_PROTOCOL_STEP_WAIT_LINE:
			r = bench_line_wait_level(line, st->level_on, st->timeout_ns);
			break;
		case BENCH_PROTOCOL_STEP_PULSE:
			r = bench_line_set(line, true);
			sleep_ns(st->width_ns);
			if (r == 0)
				r = bench_line_set(line, false);
			break;
		case BENCH_PROTOCOL_STEP_DELAY:
			/* spent capturing, like the power-off time (a fast-pace rig advances) */
			r = off_time(rio, st->width_ns);
			break;
		case BENCH_PROTOCOL_STEP_POWER_CYCLE:
			/* Timings of the fixture's <power-up> (the rig's ready and reset lines). */
			r = bench_rig_power_down(rio->rig);
			t1 = bench_clock_now_ns();
			if (r == 0)
				r = off_time(rio, st->off_ns);
			t2 = bench_clock_now_ns();
			if (r == 0)
				r = bench_rig_power_up(rio->rig);
			rio->times.n_power_cycles++;
			rio->times.power_off_s += bench_s_from_ns(t1 - t0);
			rio->times.off_time_s += bench_s_from_ns(t2 - t1);
			rio->times.power_up_s += bench_s_from_ns(bench_clock_now_ns() - t2);
			continue;
		default:
			r = -EINVAL;
		}
		rio->times.other_steps_s += bench_s_from_ns(bench_clock_now_ns() - t0);
	}
	if (r < 0)
		bench_log(BENCH_LOG_ERROR, "engine", "%s step %zu failed: %s", what, i,
			  strerror(-r));
	return r;
}

static int rig_safe(void *ctx, const char *reason)
{
	(void)ctx;
	return bench_safe_state(reason);
}

/* The protocol's stimulus re-targeted to the rig. */
static int make_spec(struct bench_engine_rig_io *rio, const struct bench_protocol *p,
		     struct siggen_spec **ret_spec, char *msg, size_t len)
{
	const struct bench_fixture *fx = bench_rig_fixture(rio->rig);
	xmlDocPtr doc;
	xmlNodePtr root;
	char v[64];
	int r;

	doc = xmlReadMemory(p->stimulus_xml, (int)strlen(p->stimulus_xml), p->path, NULL,
			    XML_PARSE_NONET);
	if (!doc)
		return -ENOMEM;
	root = xmlDocGetRootElement(doc);
	snprintf(v, sizeof(v), "%.17g", bench_rig_dac_rate_hz(rio->rig));
	xmlSetProp(root, (const xmlChar *)"rate_hz", (const xmlChar *)v);
	snprintf(v, sizeof(v), "%zu", fx->dac.n_channels);
	xmlSetProp(root, (const xmlChar *)"channels", (const xmlChar *)v);
	snprintf(v, sizeof(v), "%.17g", p->capture_s);
	xmlSetProp(root, (const xmlChar *)"duration_s", (const xmlChar *)v);
	r = siggen_spec_parse_node(root, p->path, ret_spec, msg, len);
	xmlFreeDoc(doc);
	return r;
}

struct collect {
	struct siggen *gen;
	size_t nch_out;
	int cm_channel; /* DAC channel routed to the common-mode node, or -1 */
	float *cm;	/* common-mode drive of one block */
	size_t cm_cap;
	/* per capture index: interleaved frames */
	float *data[8];
	int64_t *ts[8];
	size_t n[8], cap[8], width[8];
	struct bench_engine_truth_event *truth;
	size_t n_truth;
	double stim_rate_hz;
	/* a line the stimulus asserts mid-trial (metric params fault-line, fault-at) */
	struct bench_line *fault_line;
	uint64_t fault_frame, made;
	bool fault_set;
	/* timing (rig-io.h, struct bench_engine_rig_io_times): monotonic ns */
	int time_idx;	     /* the capture whose blocks date the phases, or -1 */
	double time_rate_hz; /* its rate */
	int64_t prefill_ns;  /* spent generating stimulus before the first captured block */
	int64_t first_ns;    /* arrival of the first captured block, minus its frames; 0 none */
	int64_t last_ns;     /* arrival of the last captured block */
};

static int fill(void *ctx, float *uv, size_t max_frames, size_t *ret_frames)
{
	struct collect *c = ctx;
	const struct siggen_event *ev;
	int64_t n, t0 = bench_clock_now_ns();
	size_t i, k;

	if (!c->first_ns)
		c->prefill_ns -= t0; /* + the time at return, below */
	if (max_frames > c->cm_cap) {
		float *cm = realloc(c->cm, max_frames * sizeof(float));

		if (!cm)
			return -ENOMEM;
		c->cm = cm;
		c->cm_cap = max_frames;
	}
	n = siggen_read2(c->gen, uv, c->cm, max_frames, SIGGEN_LAYOUT_INTERLEAVED);
	if (n < 0)
		return (int)n;
	/*
	 * Sources routed "common" drive the common-mode node, which only a DAC channel the
	 * fixture routes there can reach. Without one the stimulus cannot be applied as
	 * written: refuse the trial rather than play nothing and score it.
	 */
	for (i = 0; i < (size_t)n; i++) {
		if (c->cm[i] == 0.0f)
			continue;
		if (c->cm_channel < 0)
			return -ENOTSUP;
		break;
	}
	/*
	 * The DAC channel routed to the common-mode node drives every DUT input and the
	 * reference together: it carries the common-mode sources only, never a differential
	 * source that the stimulus routes to "every channel".
	 */
	if (c->cm_channel >= 0)
		for (i = 0; i < (size_t)n; i++)
			uv[i * c->nch_out + (size_t)c->cm_channel] = c->cm[i];
	*ret_frames = (size_t)n;
	c->made += (uint64_t)n;
	if (c->fault_line && !c->fault_set && c->made >= c->fault_frame) {
		/*
		 * Asserted when the stimulus reaches fault-at: the rig plays it at most the
		 * output buffering later, so the edge lands at or before fault-at in the
		 * capture; metrics take the edge from the DUT's fault acknowledgement.
		 */
		int r = bench_line_set(c->fault_line, true);

		if (r < 0)
			return r;
		c->fault_set = true;
	}
	ev = siggen_truth(c->gen, &k);
	if (k) {
		struct bench_engine_truth_event *t = realloc(c->truth,
							     (c->n_truth + k) * sizeof(*t));

		if (!t)
			return -ENOMEM;
		c->truth = t;
		for (i = 0; i < k; i++) {
			t = &c->truth[c->n_truth++];
			t->type = (int)ev[i].type;
			t->channel = ev[i].channel;
			t->start_s = (double)ev[i].start / c->stim_rate_hz;
			t->end_s = (double)ev[i].end / c->stim_rate_hz;
			t->peak_s = (double)ev[i].peak / c->stim_rate_hz;
			t->label = ev[i].label;
			t->amplitude_uv = ev[i].amplitude_uv;
			t->value = ev[i].value;
		}
		siggen_truth_drop(c->gen, k);
	}
	if (!c->first_ns)
		c->prefill_ns += bench_clock_now_ns();
	return 0;
}

static int sink(void *ctx, size_t index, const float *uv, const int64_t *ts_ns, size_t n_frames)
{
	struct collect *c = ctx;
	size_t need;

	if (index >= 8)
		return 0;
	if ((int)index == c->time_idx) {
		c->last_ns = bench_clock_now_ns();
		if (!c->first_ns)
			c->first_ns = c->last_ns - bench_ns_from_frames(n_frames, c->time_rate_hz);
	}
	need = c->n[index] + n_frames;
	if (need > c->cap[index]) {
		size_t cap = need * 2;
		float *d = realloc(c->data[index], cap * c->width[index] * sizeof(float));
		int64_t *t;

		if (!d)
			return -ENOMEM;
		c->data[index] = d;
		t = realloc(c->ts[index], cap * sizeof(int64_t));
		if (!t)
			return -ENOMEM;
		c->ts[index] = t;
		c->cap[index] = cap;
	}
	memcpy(c->data[index] + c->n[index] * c->width[index], uv,
	       n_frames * c->width[index] * sizeof(float));
	if (ts_ns)
		memcpy(c->ts[index] + c->n[index], ts_ns, n_frames * sizeof(int64_t));
	else
		memset(c->ts[index] + c->n[index], 0xff, n_frames * sizeof(int64_t));
	c->n[index] = need;
	return 0;
}

/* Which fixture capture a protocol role reads. */
static int capture_for_role(const struct bench_fixture *fx, const char *role)
{
	enum bench_fixture_capture_kind kind = BENCH_FIXTURE_CAPTURE_DUT;
	size_t i;

	/* a capture named like the role (e.g. "dut-zin") first, then by kind */
	for (i = 0; i < fx->n_captures && i < 8; i++)
		if (strcmp(fx->captures[i].name, role) == 0)
			return (int)i;
	if (strcmp(role, "stim-monitor") == 0 || strcmp(role, "bench-adc") == 0)
		kind = BENCH_FIXTURE_CAPTURE_BENCH_ADC;
	for (i = 0; i < fx->n_captures && i < 8; i++)
		if (fx->captures[i].kind == kind)
			return (int)i;
	return -ENOENT;
}

static int to_trace(struct bench_rig *rig, const struct bench_fixture *fx, struct collect *c,
		    size_t idx, const char *role, double rate_hz, double settle_s, double stim_s,
		    struct bench_engine_trace *t)
{
	const struct bench_fixture_capture *fc = &fx->captures[idx];
	size_t nch = fc->n_channels, w = c->width[idx], i, ch;
	bool has_events = w > nch;

	snprintf(t->role, sizeof(t->role), "%s", role);
	t->rate_hz = rate_hz;
	t->n_channels = nch;
	t->n_frames = c->n[idx];
	t->settle_frames = (size_t)llround(settle_s * rate_hz);
	/* The coarsest channel's code: the resolution term of every metric's uncertainty. */
	for (ch = 0; ch < nch; ch++)
		t->lsb_uv = fmax(t->lsb_uv, bench_rig_capture_lsb_uv(rig, idx, ch));
	t->stim_frames = (size_t)llround(stim_s * rate_hz);
	if (t->stim_frames > t->n_frames)
		t->stim_frames = t->n_frames;
	t->uv = calloc(nch * t->n_frames + 1, sizeof(double));
	t->ts_ns = malloc((t->n_frames + 1) * sizeof(int64_t));
	t->events = has_events ? calloc(t->n_frames + 1, sizeof(uint32_t)) : NULL;
	if (!t->uv || !t->ts_ns || (has_events && !t->events))
		return -ENOMEM;
	for (i = 0; i < t->n_frames; i++) {
		const float *f = c->data[idx] + i * w;

		for (ch = 0; ch < nch; ch++)
			t->uv[ch * t->n_frames + i] = f[ch];
		if (has_events)
			t->events[i] = bench_stream_event_code(f[nch]);
		t->ts_ns[i] = c->ts[idx][i];
	}
	if (t->n_frames && t->ts_ns[0] < 0) {
		free(t->ts_ns);
		t->ts_ns = NULL;
	}
	return 0;
}

/*
 * The capture tail a trial needs (rig-io.h): a response that may follow the stimulus
 * (DUT events and decisions, a stimulator's monitor) gets the full tail_ns. A protocol
 * that reads only continuous DUT data is scored inside the stimulus window, frames
 * [settle, stimulus length) of the capture (bench_measure_stim_end()); the capture opens
 * before the DAC plays, so that window ends at or before the stimulus does and nothing
 * after the stimulus is scored: tail_min_ns (0) is enough. Every 100 ms of tail also
 * costs up to one DAC buffer of zero padding that the stream drains before it stops.
 */
static int64_t tail_for(const struct bench_engine_rig_io *rio, const struct bench_protocol *p)
{
	size_t i;

	for (i = 0; i < p->n_inputs; i++)
		if (strcmp(p->inputs[i].role, "dut-data") != 0 &&
		    strcmp(p->inputs[i].role, "dut-zin") != 0)
			return rio->tail_ns;
	return rio->tail_min_ns < rio->tail_ns ? rio->tail_min_ns : rio->tail_ns;
}

/*
 * Adds one trial's phases (rig-io.h). The rig plays the stimulus's first frame at the
 * first captured frame, or later by the gap between the device timestamps of the two
 * when the rig says when its DAC started (the emulated rig: captures open first).
 */
static void add_times(struct bench_engine_rig_io_times *tm, const struct collect *c,
		      const struct bench_stream_run_result *res, double stim_s, int64_t t_begin,
		      int64_t t_run, int64_t t_ret)
{
	int64_t play0 = c->first_ns, first_ts = res->stats.first_ts_ns[c->time_idx],
		t_end = bench_clock_now_ns();

	if (res->stats.dac_start_ns >= 0 && first_ts >= 0)
		play0 += res->stats.dac_start_ns - first_ts;
	tm->n_trials++;
	tm->trial_s += bench_s_from_ns(t_end - t_begin);
	tm->open_s += bench_s_from_ns(t_run - t_begin);
	tm->prefill_s += bench_s_from_ns(c->prefill_ns);
	tm->start_s += bench_s_from_ns(play0 - t_run - c->prefill_ns);
	tm->stimulus_s += stim_s;
	tm->tail_s += bench_s_from_ns(c->last_ns - play0) - stim_s;
	tm->stop_s += bench_s_from_ns(t_ret - c->last_ns);
	tm->close_s += bench_s_from_ns(t_end - t_ret);
}

static int rig_trial(void *ctx, const struct bench_protocol *p, uint64_t seed,
		     struct bench_engine_capture *ret)
{
	struct bench_engine_rig_io *rio = ctx;
	const struct bench_fixture *fx = bench_rig_fixture(rio->rig);
	struct bench_stream_config cfg = { 0 };
	struct bench_stream_run_result res;
	struct bench_envelope_violation v = { 0 };
	struct siggen_spec *spec = NULL;
	struct bench_stream *s = NULL;
	struct collect c;
	int idx[4] = { -1, -1, -1, -1 };
	int64_t t_begin = bench_clock_now_ns(), t_run = 0, t_ret = 0;
	size_t i, k;
	int r;

	memset(&c, 0, sizeof(c));
	c.time_idx = -1;
	if (!fx->has_dac) {
		snprintf(ret->note, sizeof(ret->note), "the fixture has no DAC");
		return -ENODEV;
	}
	r = make_spec(rio, p, &spec, ret->note, sizeof(ret->note));
	if (r < 0)
		return r;
	r = siggen_open(spec, seed, &c.gen);
	siggen_spec_free(spec);
	if (r < 0)
		return r;
	c.stim_rate_hz = bench_rig_dac_rate_hz(rio->rig);
	c.nch_out = fx->dac.n_channels;
	c.cm_channel = -1;
	for (i = 0; i < fx->dac.n_channels; i++)
		if (fx->dac.channels[i].routing == BENCH_FIXTURE_ROUTING_COMMON_MODE)
			c.cm_channel = (int)i;
	for (i = 0; i < p->n_metrics && !c.fault_line; i++) {
		const struct bench_protocol_metric *m = &p->metrics[i];
		size_t j;
		const char *role = NULL;
		double at = NAN;

		for (j = 0; j < m->n_params; j++) {
			if (strcmp(m->params[j].name, "fault-line") == 0)
				role = m->params[j].value;
			else if (strcmp(m->params[j].name, "fault-at") == 0 &&
				 m->params[j].is_number)
				at = m->params[j].number;
		}
		if (!role || !(at >= 0))
			continue;
		c.fault_line = line_for(rio->rig, role);
		if (!c.fault_line) {
			snprintf(ret->note, sizeof(ret->note), "the fixture has no '%s' line",
				 role);
			r = -ENOENT;
			goto out;
		}
		c.fault_frame = (uint64_t)llround(at * c.stim_rate_hz);
	}
	cfg.output = true;
	cfg.measure_gaps = p->measure_gaps;
	for (i = 0; i < p->n_inputs && i < 4; i++) {
		idx[i] = capture_for_role(fx, p->inputs[i].role);
		if (idx[i] < 0) {
			snprintf(ret->note, sizeof(ret->note),
				 "the fixture has no capture for '%s'", p->inputs[i].role);
			r = -ENOENT;
			goto out;
		}
		cfg.capture_mask |= 1u << idx[i];
	}
	r = bench_stream_open(rio->rig, &cfg, &s);
	if (r < 0)
		goto out;
	for (i = 0; i < fx->n_captures && i < 8; i++)
		c.width[i] = bench_stream_capture_width(s, i);
	c.time_idx = idx[0];
	c.time_rate_hz = bench_rig_capture_rate_hz(rio->rig, (size_t)idx[0]);
	t_run = bench_clock_now_ns();
	r = bench_stream_run(s, fill, &c, sink, &c, tail_for(rio, p), &v, &res);
	t_ret = bench_clock_now_ns();
	if (r == -ENOTSUP) {
		snprintf(ret->note, sizeof(ret->note),
			 "the stimulus has a common-mode source but the fixture routes no DAC "
			 "channel to the common-mode node");
	} else if (r == -ERANGE && v.channel) {
		snprintf(ret->note, sizeof(ret->note),
			 "stimulus refused by the safety envelope: channel %s sample %llu: %s %.3f "
			 "exceeds %.3f (%.80s:%d)",
			 v.channel, (unsigned long long)v.sample, bench_envelope_limit_name(v.kind),
			 v.value, v.limit, fx->path, v.limit_line);
	} else if (r < 0 && res.error_device && *res.error_device) {
		snprintf(ret->note, sizeof(ret->note), "device %.64s: %s", res.error_device,
			 strerror(-r));
	}
	if (r < 0)
		goto out;
	for (i = 0, k = 0; i < p->n_inputs && i < 4; i++) {
		size_t j;
		bool dup = false;

		for (j = 0; j < i; j++)
			dup |= idx[j] == idx[i];
		if (dup)
			continue; /* dut-events comes with dut-data */
		r = to_trace(rio->rig, fx, &c, (size_t)idx[i], p->inputs[i].role,
			     bench_rig_capture_rate_hz(rio->rig, (size_t)idx[i]), p->settle_s,
			     p->capture_s, &ret->traces[k]);
		ret->n_traces = ++k;
		if (r < 0)
			goto out;
	}
	ret->truth = c.truth;
	ret->n_truth = c.n_truth;
	c.truth = NULL;
out:
	bench_stream_close(s);
	if (c.fault_set) {
		int rc = bench_line_set(c.fault_line, false);

		r = r < 0 ? r : rc;
	}
	if (r == 0 && c.first_ns)
		add_times(&rio->times, &c, &res, p->capture_s, t_begin, t_run, t_ret);
	siggen_close(c.gen);
	for (i = 0; i < 8; i++) {
		free(c.data[i]);
		free(c.ts[i]);
	}
	free(c.truth);
	free(c.cm);
	if (r < 0 && bench_safe_pending_signal())
		r = -EINTR;
	return r;
}

void bench_engine_rig_io_init(struct bench_engine_rig_io *rio, struct bench_rig *rig)
{
	memset(rio, 0, sizeof(*rio));
	rio->rig = rig;
	rio->tail_ns = 100 * BENCH_NS_PER_MS;
	rio->tail_min_ns = 0;
	rio->io.ctx = rio;
	rio->io.steps = rig_steps;
	rio->io.trial = rig_trial;
	rio->io.safe_state = rig_safe;
}
