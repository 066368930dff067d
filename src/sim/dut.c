// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DUT models of the emulated rig: eeg-amp, neural-recorder, ssvep-decoder,
 * closed-loop-stim, and the injectable faults.
 *
 * Signal path per virtual-clock tick (DAC rate fb):
 *   DAC V -> attenuator (uV) -> resampler to the DUT rate fd (windowed-sinc
 *   low-pass at 0.45 fd, Blackman window, 8 zero crossings each side: stop band
 *   below -70 dB, so nothing above fd/2 aliases into the band) -> front end
 *   (crosstalk, common-mode leak, high-pass and low-pass Butterworth biquads,
 *   gain, offset, noise, saturation with recovery, quantisation) -> detector
 *   (spike threshold, SSVEP classifier or beta-burst detector) -> events.
 * Units: uV inside the model, uA for stimulation current, ns for timestamps.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "sim/dut.h"
#include "sim/dut-p300.h"

#define NOISE_TABLE 4096
#define KERNEL_ZEROS 8
#define KERNEL_PHASES 64
#define EVQ_CAP 4096
#define SSVEP_MAX_F 6

static const char *const state_names[SIM_DUT_STATE_COUNT] = {
	"off", "booting", "ready", "fault", "crashed",
};

const char *sim_dut_state_name(enum sim_dut_state s)
{
	return s < SIM_DUT_STATE_COUNT ? state_names[s] : "?";
}

uint64_t sim_prng_next(uint64_t *s)
{
	/* splitmix64: tiny, seedable, good enough for noise and fault dice. */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double prng_uniform(uint64_t *s)
{
	return (double)(sim_prng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- biquads (RBJ cookbook, bilinear transform) ---- */

struct biquad {
	double b0, b1, b2, a1, a2;
};

static struct biquad biquad_design(int type, double f_hz, double q, double fs_hz)
{
	double w = 2 * M_PI * f_hz / fs_hz, cw = cos(w), alpha = sin(w) / (2 * q);
	double a0 = 1 + alpha;
	struct biquad b;

	if (type == 0) { /* low-pass */
		b.b0 = (1 - cw) / 2;
		b.b1 = 1 - cw;
		b.b2 = (1 - cw) / 2;
	} else if (type == 1) { /* high-pass */
		b.b0 = (1 + cw) / 2;
		b.b1 = -(1 + cw);
		b.b2 = (1 + cw) / 2;
	} else { /* band-pass, 0 dB peak */
		b.b0 = alpha;
		b.b1 = 0;
		b.b2 = -alpha;
	}
	b.a1 = -2 * cw;
	b.a2 = 1 - alpha;
	b.b0 /= a0;
	b.b1 /= a0;
	b.b2 /= a0;
	b.a1 /= a0;
	b.a2 /= a0;
	return b;
}

static inline double biquad_run(const struct biquad *b, double *z, double x)
{
	double y = b->b0 * x + z[0];

	z[0] = b->b1 * x - b->a1 * y + z[1];
	z[1] = b->b2 * x - b->a2 * y;
	return y;
}

/* First-order high-pass (bilinear, pre-warped): an RC input coupling, as EEG amplifiers use. */
static struct biquad hp1_design(double f_hz, double fs_hz)
{
	double k = tan(M_PI * f_hz / fs_hz);
	struct biquad b = { 1 / (1 + k), -1 / (1 + k), 0, (k - 1) / (k + 1), 0 };

	return b;
}

/* The model's high-pass: param hp_order 1 (RC coupling) or 2 (Butterworth). */
static struct biquad hp_design(const struct sim_rig *rig, double fs_hz)
{
	double f = sim_rig_param(rig, "hp_hz");

	if (sim_rig_param(rig, "hp_order") == 1)
		return hp1_design(f, fs_hz);
	return biquad_design(1, f, M_SQRT1_2, fs_hz);
}

/* Complex response of @b at @f_hz: returns magnitude, writes phase (rad). */
static double biquad_resp(const struct biquad *b, double f_hz, double fs_hz, double *ret_phase)
{
	double w = 2 * M_PI * f_hz / fs_hz;
	double nr = b->b0 + b->b1 * cos(-w) + b->b2 * cos(-2 * w);
	double ni = b->b1 * sin(-w) + b->b2 * sin(-2 * w);
	double dr = 1 + b->a1 * cos(-w) + b->a2 * cos(-2 * w);
	double di = b->a1 * sin(-w) + b->a2 * sin(-2 * w);

	*ret_phase = atan2(ni, nr) - atan2(di, dr);
	return hypot(nr, ni) / hypot(dr, di);
}

/* ---- events ---- */

struct evq_item {
	uint64_t due; /* DUT sample index */
	uint32_t code;
};

/* ---- the model ---- */

struct sim_dut {
	const struct sim_rig *rig;
	unsigned nch;
	unsigned ncol; /* resampled columns: nch differential inputs, then the common-mode node */
	double fb_hz, fd_hz;
	uint64_t prng;
	float noise[NOISE_TABLE];

	/* resampler */
	bool bypass;
	double half;	   /* kernel half width, input ticks */
	unsigned hist_len; /* power of two */
	double *hist;	   /* hist_len x nch */
	uint64_t n_in;
	uint64_t k_out; /* next DUT sample index */
	float *kernel;	/* (2*half*PHASES + 2) taps */
	unsigned kernel_n;
	double *frame; /* nch, resampled input uV */

	/* front end */
	struct biquad hp, lp;
	double *z; /* nch x 4 */
	double gain, offset_uv, noise_uv_rms, range_uv, cm_leak, xt_k, clock_ppm, inv_lsb;
	double zin_mohm, series_mohm, series_noise_uv; /* the rig's series resistor (A5) */
	unsigned series_ch;
	unsigned recovery_samples;
	unsigned *recover_left;
	double *last_y;
	int32_t code_max, code_min;
	int32_t *codes[2];
	bool *stuck_hold;

	/* state machine */
	enum sim_dut_state state;
	uint64_t boot_left; /* DUT samples until ready */
	bool prev_trigger;
	uint64_t events;

	/* event queue, sorted by due */
	struct evq_item evq[EVQ_CAP];
	unsigned evq_n;

	/* neural recorder */
	float *nwin; /* nch x nwin_len, |y| every 4th sample */
	unsigned nwin_len, nwin_pos, nwin_sub;
	double *thr_uv; /* per channel, negative; 0 = no estimate yet */
	uint32_t *refr_left;
	double thr_sigma;
	unsigned refr_samples;

	/* ssvep */
	double *swin; /* nch x swin_len ring */
	unsigned swin_len, swin_pos, swin_fill, step_samples, step_left;
	double freqs[SSVEP_MAX_F];
	unsigned n_freqs, harmonics;
	double min_ratio;

	/* cue-locked decoder (cue_channel >= 0): see cue_decode() */
	int cue_ch;
	double cue_thr_uv, cue_delay_s, cue_t0_s;
	int64_t cue_n; /* DUT samples since the cue was detected; -1 idle */
	unsigned n_targets, next_dec, n_dec;
	uint64_t dec_n[3];     /* decision times, samples after the detection */
	double *tgt;	       /* n_targets x harmonics x 3: omega (rad/s), phase (rad), weight */
	double *corr, *ener;   /* per target: sum x * template, sum template^2 */
	unsigned paradigm;     /* 0 SSVEP, 1 motor imagery */
	struct biquad mu;      /* MI: 8-30 Hz band-pass (mu and beta) */
	double *zmu;	       /* nch x 2 */
	double pow_lr[2];      /* MI: band power of the left and right channel halves */
	uint64_t mi_skip;      /* MI: samples after the cue left out (visual evoked response) */
	struct sim_p300 *p300; /* paradigm 2: P300 speller (dut-p300.c) */
	double trig_in;	       /* P300: the trigger input before the front end (uV) */

	/* closed-loop stim */
	struct biquad beta;
	double zb[2], env, env_k;
	unsigned sense_ch, burst_min, hold_samples, above, hold_left;
	double burst_thr_uv;
	bool train, was_on;
	uint64_t fault_seen; /* DUT samples the fault line has been high while ready */
	uint64_t stop_left;  /* DUT samples of stimulation left after entering the fault state */
	uint64_t pulse_tick;
	unsigned period_ticks, phase_ticks, gap_ticks;
	double stim_ua;
};

void sim_faults_init(struct sim_faults *f)
{
	memset(f, 0, sizeof(*f));
	f->swap_a = -1;
	f->swap_b = -1;
}

static int parse_ch(const char *v, unsigned nch, int *ret)
{
	int c;

	if (bench_parse_int(v, &c) < 0 || c < 0 || (unsigned)c >= nch)
		return -EINVAL;
	*ret = c;
	return 0;
}

int sim_faults_apply(struct sim_faults *f, const char *spec, unsigned nch)
{
	static const struct {
		const char *name;
		size_t off;
		double lo, hi;
	} dbl[] = {
#define D(n, lo, hi) { #n, offsetof(struct sim_faults, n), lo, hi }
		D(gain_error_pct, -100, 1000),
		D(offset_uv, -1e6, 1e6),
		D(noise_uv, 0, 1e6),
		D(crosstalk_pct, 0, 100),
		D(clock_ppm, -1e5, 1e5),
		D(event_latency_ms, 0, 10000),
		D(event_jitter_ms, 0, 10000),
		D(miss_pct, 0, 100),
		D(false_rate_hz, 0, 10000),
		D(stim_amp_error_pct, -100, 1000),
		D(charge_imbalance_pct, -100, 100),
		D(disconnect_after_s, 0, 1e6),
		D(crash_after_s, 0, 1e6),
		D(slow_ms, 0, 600000),
		D(corrupt_ppm, 0, 1e6),
		D(cmrr_db, 0, 200),
		D(zin_mohm, 0, 1e6),
		D(fault_delay_ms, 0, 10000),
		D(stop_delay_ms, 0, 10000),
#undef D
	};
	char name[48], val[48];
	const char *eq = strchr(spec, '=');
	struct sim_faults nf = *f;
	double d;
	size_t i, nl;
	int c;

	if (!eq)
		return -EINVAL;
	nl = (size_t)(eq - spec);
	if (nl == 0 || nl >= sizeof(name) || strlen(eq + 1) >= sizeof(val))
		return -EINVAL;
	memcpy(name, spec, nl);
	name[nl] = '\0';
	snprintf(val, sizeof(val), "%s", eq + 1);

	for (i = 0; i < sizeof(dbl) / sizeof(dbl[0]); i++) {
		if (strcmp(name, dbl[i].name) != 0)
			continue;
		if (bench_parse_double(val, &d) < 0 || d < dbl[i].lo || d > dbl[i].hi)
			return -EINVAL;
		*(double *)((char *)&nf + dbl[i].off) = d;
		*f = nf;
		return 0;
	}
	if (strcmp(name, "dead") == 0 || strcmp(name, "stuck") == 0) {
		bool dead = name[0] == 'd';
		unsigned *n = dead ? &nf.n_dead : &nf.n_stuck;
		int *arr = dead ? nf.dead : nf.stuck;

		if (parse_ch(val, nch, &c) < 0 || *n >= SIM_MAX_FAULT_CH)
			return -EINVAL;
		arr[(*n)++] = c;
	} else if (strcmp(name, "swap") == 0) {
		char *colon = strchr(val, ':');
		int a, b;

		if (!colon)
			return -EINVAL;
		*colon = '\0';
		if (parse_ch(val, nch, &a) < 0 || parse_ch(colon + 1, nch, &b) < 0 || a == b)
			return -EINVAL;
		nf.swap_a = a;
		nf.swap_b = b;
	} else if (strcmp(name, "drop_every") == 0) {
		uint64_t u;

		if (bench_parse_u64(val, &u) < 0 || u == 1 || u > 1000000000u)
			return -EINVAL;
		nf.drop_every = (unsigned)u;
	} else if (strcmp(name, "no_shutdown") == 0) {
		if (strcmp(val, "0") != 0 && strcmp(val, "1") != 0)
			return -EINVAL;
		nf.no_shutdown = val[0] == '1';
	} else if (strcmp(name, "clear") == 0) {
		sim_faults_init(&nf);
	} else {
		return -EINVAL;
	}
	*f = nf;
	return 0;
}

void sim_faults_format(const struct sim_faults *f, char *buf, size_t size)
{
	size_t n = 0;
	unsigned i;

#define PUT(...)                                                               \
	do {                                                                   \
		if (n < size)                                                  \
			n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); \
	} while (0)
#define DBL(x)                                   \
	do {                                     \
		if (f->x != 0)                   \
			PUT("%s=%g ", #x, f->x); \
	} while (0)
	buf[0] = '\0';
	DBL(gain_error_pct);
	DBL(offset_uv);
	DBL(noise_uv);
	for (i = 0; i < f->n_dead; i++)
		PUT("dead=%d ", f->dead[i]);
	for (i = 0; i < f->n_stuck; i++)
		PUT("stuck=%d ", f->stuck[i]);
	if (f->swap_a >= 0)
		PUT("swap=%d:%d ", f->swap_a, f->swap_b);
	DBL(crosstalk_pct);
	if (f->drop_every)
		PUT("drop_every=%u ", f->drop_every);
	DBL(clock_ppm);
	DBL(event_latency_ms);
	DBL(event_jitter_ms);
	DBL(miss_pct);
	DBL(false_rate_hz);
	DBL(stim_amp_error_pct);
	DBL(charge_imbalance_pct);
	if (f->no_shutdown)
		PUT("no_shutdown=1 ");
	DBL(fault_delay_ms);
	DBL(stop_delay_ms);
	DBL(disconnect_after_s);
	DBL(crash_after_s);
	DBL(slow_ms);
	DBL(corrupt_ppm);
	DBL(cmrr_db);
	DBL(zin_mohm);
#undef DBL
#undef PUT
	if (buf[0] == '\0')
		snprintf(buf, size, "none");
	else if (n > 0 && n <= size)
		buf[n - 1] = '\0';
}

/* ---- construction ---- */

static double param(const struct sim_dut *d, const char *name)
{
	return sim_rig_param(d->rig, name);
}

static double blackman(double u) /* u in [0, 1] */
{
	return 0.42 - 0.5 * cos(2 * M_PI * u) + 0.08 * cos(4 * M_PI * u);
}

static int resampler_init(struct sim_dut *d)
{
	double fc = 0.45 * d->fd_hz / d->fb_hz; /* cycles per input tick */
	unsigned i, need;
	double sum = 0;

	if (fc > 0.45)
		fc = 0.45;
	d->half = KERNEL_ZEROS / (2 * fc);
	d->kernel_n = (unsigned)ceil(2 * d->half * KERNEL_PHASES) + 2;
	d->kernel = calloc(d->kernel_n, sizeof(float));
	if (!d->kernel)
		return -ENOMEM;
	for (i = 0; i < d->kernel_n; i++) {
		double x = (double)i / KERNEL_PHASES - d->half;
		double u = (x + d->half) / (2 * d->half);
		double s = x == 0 ? 1.0 : sin(2 * M_PI * fc * x) / (2 * M_PI * fc * x);

		d->kernel[i] = u >= 0 && u <= 1 ? (float)(2 * fc * s * blackman(u)) : 0.0f;
	}
	/* Normalise the DC gain at integer offsets to exactly 1. */
	for (i = 0; i < d->kernel_n; i += KERNEL_PHASES)
		sum += d->kernel[i];
	/* i = 0 is x = -half which may be fractional; good enough, the window is ~0 there. */
	for (i = 0; i < d->kernel_n; i++)
		d->kernel[i] = (float)(d->kernel[i] / sum);
	need = (unsigned)(2 * d->half) + 8;
	d->hist_len = 1;
	while (d->hist_len < need)
		d->hist_len <<= 1;
	d->hist = calloc((size_t)d->hist_len * d->ncol, sizeof(double));
	return d->hist ? 0 : -ENOMEM;
}

static void event_push(struct sim_dut *d, uint32_t code, const struct sim_faults *f);

/*
 * Cue-locked SSVEP decoding (a speller that drives its own display, so it knows the code):
 * target k flickers at f0 + k df with phase k phase_step (joint frequency-phase
 * modulation, Chen 2015 / Wang 2017). The DUT's input channel cue_channel carries the
 * trial cue (a pulse at flicker onset, like the trigger input of an EEG amplifier); its
 * rising edge through cue_threshold_uv starts a trial. Each template is
 * sum_h |H(h f)| / h sin(2 pi h f t + h phi + arg H(h f)), H being the DUT's own
 * filters (a calibrated decoder's templates include them), t the time since flicker
 * onset. At each decision time the target with the largest normalised correlation
 * (sum x T / sqrt(sum T^2), x = sum of the other channels) is emitted.
 */
static int cue_init(struct sim_dut *d)
{
	double y = 0, prev = 0, zs[4] = { 0 };
	unsigned k, h, i;

	d->cue_ch = (int)param(d, "cue_channel");
	d->cue_n = -1;
	if (d->cue_ch < 0)
		return 0;
	if ((unsigned)d->cue_ch >= d->nch || d->nch < 2)
		return -EINVAL;
	d->paradigm = (unsigned)param(d, "paradigm");
	if (d->paradigm == 2)
		return sim_p300_new(d->rig, d->nch, d->cue_ch, d->fd_hz, &d->p300);
	d->cue_thr_uv = param(d, "cue_threshold_uv");
	d->n_targets = (unsigned)param(d, "n_targets");
	if (d->n_targets < 2 || d->harmonics < 1 || !(d->cue_thr_uv > 0))
		return -EINVAL;
	for (i = 0; i < 3; i++) {
		char nm[16];
		double t_s;

		snprintf(nm, sizeof(nm), "decision%u_s", i);
		t_s = param(d, nm);
		if (t_s > 0)
			d->dec_n[d->n_dec++] = (uint64_t)llround(t_s * d->fd_hz);
	}
	if (d->n_dec == 0)
		return -EINVAL;
	if (d->paradigm == 1) {
		/*
		 * Motor imagery: the other channels split in two halves, first half over the
		 * left hemisphere (C3 side), second half over the right (C4 side), as the
		 * signal generator lays out a montage without 10-20 names. Imagery of one
		 * hand desynchronises mu and beta over the opposite hemisphere (ERD), so the
		 * class is the side with more 8-30 Hz power: left half stronger = left hand
		 * (class 0), from 0.5 s after the cue to the decision.
		 */
		d->mu = biquad_design(2, sqrt(8.0 * 30.0), sqrt(8.0 * 30.0) / 22.0, d->fd_hz);
		d->zmu = calloc((size_t)d->nch * 2, sizeof(double));
		d->mi_skip = (uint64_t)llround(0.5 * d->fd_hz);
		return d->zmu ? 0 : -ENOMEM;
	}
	d->tgt = calloc((size_t)d->n_targets * d->harmonics * 3, sizeof(double));
	d->corr = calloc(d->n_targets, sizeof(double));
	d->ener = calloc(d->n_targets, sizeof(double));
	if (!d->tgt || !d->corr || !d->ener)
		return -ENOMEM;
	for (k = 0; k < d->n_targets; k++) {
		double f = param(d, "f0_hz") + param(d, "df_hz") * k;
		double phi = param(d, "phase_step_pi") * M_PI * k;

		for (h = 1; h <= d->harmonics; h++) {
			double *t = d->tgt + ((size_t)k * d->harmonics + h - 1) * 3, p1 = 0, p2 = 0;
			double m = 0;

			if (h * f < d->fd_hz / 2)
				m = biquad_resp(&d->hp, h * f, d->fd_hz, &p1) *
				    biquad_resp(&d->lp, h * f, d->fd_hz, &p2);
			t[0] = 2 * M_PI * h * f;
			t[1] = h * phi + p1 + p2;
			t[2] = m / h;
		}
	}
	/*
	 * Delay from flicker onset to the threshold crossing of the filtered cue: the cue's
	 * step response through the DUT filters, the onset sample at half height (a
	 * band-limited step is 0.5 at its onset). The cue amplitude is taken as twice the
	 * threshold; the crossing is interpolated between samples, as on the live input.
	 */
	for (i = 0; i < (unsigned)d->fd_hz && y < d->cue_thr_uv; i++) {
		double in = (i == 0 ? 0.5 : 1.0) * 2 * d->cue_thr_uv;

		prev = y;
		y = d->gain * biquad_run(&d->lp, zs + 2, biquad_run(&d->hp, zs, in));
	}
	if (y < d->cue_thr_uv)
		return -EINVAL;
	d->cue_delay_s = ((double)i - 1 - (y - d->cue_thr_uv) / (y - prev)) / d->fd_hz;
	return 0;
}

/* Motor imagery after the cue: hemisphere band power, one decision per decision time. */
static void mi_decode(struct sim_dut *d, const double *y, const struct sim_faults *f)
{
	unsigned c, half = 0, k = 0;

	for (c = 0; c < d->nch; c++)
		half += (int)c != d->cue_ch;
	half /= 2;
	for (c = 0; c < d->nch; c++) {
		double b;

		if ((int)c == d->cue_ch)
			continue;
		b = biquad_run(&d->mu, d->zmu + (size_t)c * 2, y[c]);
		if (d->cue_n >= 0 && (uint64_t)d->cue_n >= d->mi_skip && half > 0)
			d->pow_lr[k < half ? 0 : 1] += b * b;
		k++;
	}
	if (d->cue_n < 0)
		return;
	d->cue_n++;
	if (d->next_dec < d->n_dec && (uint64_t)d->cue_n >= d->dec_n[d->next_dec]) {
		event_push(d, SIM_EVENT(SIM_EVENT_CLASS, d->pow_lr[0] >= d->pow_lr[1] ? 0 : 1), f);
		if (++d->next_dec == d->n_dec)
			d->cue_n = -1;
	}
}

static void cue_decode(struct sim_dut *d, const double *y, const struct sim_faults *f)
{
	double x = 0, t_s;
	unsigned c, k, h;

	if (y[d->cue_ch] >= d->cue_thr_uv && d->last_y[d->cue_ch] < d->cue_thr_uv) {
		double fr = (y[d->cue_ch] - d->cue_thr_uv) / (y[d->cue_ch] - d->last_y[d->cue_ch]);

		/* this sample is fr samples after the crossing, which is cue_delay_s after onset */
		d->cue_t0_s = fr / d->fd_hz + d->cue_delay_s;
		d->cue_n = 0;
		d->next_dec = 0;
		if (d->corr) {
			memset(d->corr, 0, d->n_targets * sizeof(double));
			memset(d->ener, 0, d->n_targets * sizeof(double));
		}
		d->pow_lr[0] = d->pow_lr[1] = 0;
	}
	if (d->paradigm == 1) {
		mi_decode(d, y, f);
		return;
	}
	if (d->cue_n < 0)
		return;
	for (c = 0; c < d->nch; c++)
		if ((int)c != d->cue_ch)
			x += y[c];
	t_s = d->cue_t0_s + (double)d->cue_n / d->fd_hz; /* time since flicker onset */
	for (k = 0; k < d->n_targets; k++) {
		const double *t = d->tgt + (size_t)k * d->harmonics * 3;
		double tpl = 0;

		for (h = 0; h < d->harmonics; h++, t += 3)
			if (t[2] > 0)
				tpl += t[2] * sin(t[0] * t_s + t[1]);
		d->corr[k] += x * tpl;
		d->ener[k] += tpl * tpl;
	}
	d->cue_n++;
	if (d->next_dec < d->n_dec && (uint64_t)d->cue_n >= d->dec_n[d->next_dec]) {
		unsigned best = 0;

		for (k = 1; k < d->n_targets; k++)
			if (d->corr[k] / sqrt(d->ener[k] + 1e-300) >
			    d->corr[best] / sqrt(d->ener[best] + 1e-300))
				best = k;
		event_push(d, SIM_EVENT(SIM_EVENT_CLASS, best), f);
		if (++d->next_dec == d->n_dec)
			d->cue_n = -1;
	}
}

int sim_dut_new(const struct sim_rig *rig, const struct sim_faults *faults, uint64_t seed,
		struct sim_dut **ret_dut)
{
	struct sim_dut *d = calloc(1, sizeof(*d));
	unsigned i, nch = rig->dut_channels;
	double lp;

	(void)faults;
	if (!d)
		return -ENOMEM;
	d->rig = rig;
	d->nch = nch;
	d->ncol = nch + 1;
	d->fb_hz = rig->dac_rate_hz;
	d->fd_hz = rig->dut_rate_hz;
	d->prng = seed ^ 0x5eedf00dull;
	for (i = 0; i < NOISE_TABLE; i += 2) {
		double u1 = prng_uniform(&d->prng), u2 = prng_uniform(&d->prng);
		double r = sqrt(-2 * log(u1 > 1e-300 ? u1 : 1e-300));

		d->noise[i] = (float)(r * cos(2 * M_PI * u2));
		d->noise[i + 1] = (float)(r * sin(2 * M_PI * u2));
	}
	if (resampler_init(d) < 0)
		goto err;
	d->frame = calloc(d->ncol, sizeof(double));
	d->z = calloc((size_t)nch * 4, sizeof(double));
	d->codes[0] = calloc(nch, sizeof(int32_t));
	d->codes[1] = calloc(nch, sizeof(int32_t));
	d->recover_left = calloc(nch, sizeof(unsigned));
	d->last_y = calloc(nch, sizeof(double));
	d->stuck_hold = calloc(nch, sizeof(bool));
	d->thr_uv = calloc(nch, sizeof(double));
	d->refr_left = calloc(nch, sizeof(uint32_t));
	if (!d->frame || !d->z || !d->codes[0] || !d->codes[1] || !d->recover_left || !d->last_y ||
	    !d->stuck_hold || !d->thr_uv || !d->refr_left)
		goto err;

	d->hp = hp_design(rig, d->fd_hz);
	lp = param(d, "lp_hz");
	d->lp = biquad_design(0, lp, M_SQRT1_2, d->fd_hz);
	d->gain = param(d, "gain");
	d->clock_ppm = param(d, "clock_ppm");
	d->inv_lsb = 1.0 / rig->dut_lsb_uv;
	d->offset_uv = param(d, "offset_uv");
	d->noise_uv_rms = param(d, "noise_uv_rms");
	d->range_uv = param(d, "range_uv");
	d->recovery_samples = (unsigned)(param(d, "recovery_ms") * 1e-3 * d->fd_hz);
	d->cm_leak = pow(10, -param(d, "cmrr_db") / 20);
	d->xt_k = pow(10, param(d, "crosstalk_db") / 20);
	d->zin_mohm = param(d, "zin_mohm");
	d->series_mohm = param(d, "series_mohm");
	d->series_ch = (unsigned)param(d, "series_ch");
	/* Johnson noise of the series resistor over the DUT's Nyquist band, sqrt(4kTRB), 300 K */
	d->series_noise_uv = sqrt(4 * 1.380649e-23 * 300 * d->series_mohm * 1e6 * d->fd_hz / 2) *
			     1e6;
	d->code_max = (int32_t)((1ll << (rig->dut_bits - 1)) - 1);
	d->code_min = (int32_t)(-(1ll << (rig->dut_bits - 1)));
	d->state = SIM_DUT_OFF;

	if (rig->model == SIM_MODEL_NEURAL_RECORDER) {
		d->nwin_len = (unsigned)(param(d, "noise_window_ms") * 1e-3 * d->fd_hz / 4);
		if (d->nwin_len < 16)
			d->nwin_len = 16;
		d->nwin = calloc((size_t)nch * d->nwin_len, sizeof(float));
		if (!d->nwin)
			goto err;
		d->thr_sigma = param(d, "threshold_sigma");
		d->refr_samples = (unsigned)(param(d, "refractory_ms") * 1e-3 * d->fd_hz);
	} else if (rig->model == SIM_MODEL_SSVEP_DECODER) {
		char nm[16];

		for (i = 0; i < SSVEP_MAX_F; i++) {
			snprintf(nm, sizeof(nm), "freq%u_hz", i);
			if (param(d, nm) > 0)
				d->freqs[d->n_freqs++] = param(d, nm);
		}
		d->swin_len = (unsigned)(param(d, "window_s") * d->fd_hz);
		d->step_samples = (unsigned)(param(d, "step_s") * d->fd_hz);
		if (d->swin_len < 8 || d->step_samples < 1 || d->n_freqs < 2)
			goto err;
		d->harmonics = (unsigned)param(d, "harmonics");
		d->min_ratio = param(d, "min_ratio");
		d->swin = calloc((size_t)nch * d->swin_len, sizeof(double));
		if (!d->swin)
			goto err;
		if (cue_init(d) < 0)
			goto err;
	} else if (rig->model == SIM_MODEL_CLOSED_LOOP_STIM) {
		double lo = param(d, "beta_lo_hz"), hi = param(d, "beta_hi_hz");
		double fc = sqrt(lo * hi);

		d->beta = biquad_design(2, fc, fc / (hi - lo), d->fd_hz);
		d->env_k = 1 - exp(-2 * M_PI * 5.0 / d->fd_hz); /* 5 Hz envelope smoothing */
		d->sense_ch = (unsigned)param(d, "sense_channel");
		if (d->sense_ch >= nch)
			d->sense_ch = 0;
		d->burst_thr_uv = param(d, "burst_threshold_uv");
		d->burst_min = (unsigned)(param(d, "burst_min_ms") * 1e-3 * d->fd_hz);
		d->hold_samples = (unsigned)(param(d, "stim_hold_ms") * 1e-3 * d->fd_hz);
		d->period_ticks = (unsigned)lround(d->fb_hz / param(d, "stim_rate_hz"));
		d->phase_ticks = (unsigned)lround(param(d, "phase_us") * 1e-6 * d->fb_hz);
		d->gap_ticks = (unsigned)lround(param(d, "gap_us") * 1e-6 * d->fb_hz);
		if (d->phase_ticks < 1)
			d->phase_ticks = 1;
		if (d->period_ticks < 2 * d->phase_ticks + d->gap_ticks + 1)
			d->period_ticks = 2 * d->phase_ticks + d->gap_ticks + 1;
		d->stim_ua = param(d, "stim_ua");
	}
	*ret_dut = d;
	return 0;
err:
	sim_dut_free(d);
	return -ENOMEM;
}

void sim_dut_free(struct sim_dut *d)
{
	if (!d)
		return;
	free(d->hist);
	free(d->kernel);
	free(d->frame);
	free(d->z);
	free(d->codes[0]);
	free(d->codes[1]);
	free(d->recover_left);
	free(d->last_y);
	free(d->stuck_hold);
	free(d->thr_uv);
	free(d->refr_left);
	free(d->nwin);
	free(d->swin);
	free(d->tgt);
	free(d->zmu);
	free(d->corr);
	free(d->ener);
	sim_p300_free(d->p300);
	free(d);
}

enum sim_dut_state sim_dut_state(const struct sim_dut *d)
{
	return d->state;
}

uint64_t sim_dut_events(const struct sim_dut *d)
{
	return d->events;
}

/* ---- events ---- */

static void event_push(struct sim_dut *d, uint32_t code, const struct sim_faults *f)
{
	uint64_t due = d->k_out;
	unsigned i;

	if (f->miss_pct > 0 && (code >> 24) != SIM_EVENT_READY && (code >> 24) != SIM_EVENT_FAULT &&
	    prng_uniform(&d->prng) * 100 < f->miss_pct)
		return;
	if (f->event_latency_ms > 0 || f->event_jitter_ms > 0) {
		/* Draw only for jitter, so a pure latency fault leaves the noise sequence alone. */
		double ms = f->event_latency_ms +
			    (f->event_jitter_ms > 0 ? f->event_jitter_ms * prng_uniform(&d->prng) :
						      0);

		due += (uint64_t)llround(ms * 1e-3 * d->fd_hz);
	}
	if (d->evq_n >= EVQ_CAP)
		return; /* DUT's own event FIFO overflows: the event is lost */
	i = d->evq_n;
	while (i > 0 && d->evq[i - 1].due > due) {
		d->evq[i] = d->evq[i - 1];
		i--;
	}
	d->evq[i].due = due;
	d->evq[i].code = code;
	d->evq_n++;
}

static uint32_t event_pop(struct sim_dut *d)
{
	uint32_t code;

	if (d->evq_n == 0 || d->evq[0].due > d->k_out)
		return 0;
	code = d->evq[0].code;
	memmove(&d->evq[0], &d->evq[1], (d->evq_n - 1) * sizeof(d->evq[0]));
	d->evq_n--;
	d->events++;
	return code;
}

/* ---- detectors ---- */

/* Hoare's quickselect: the k-th smallest of a[0..n-1] (reorders a). O(n) on average. */
static float select_kth(float *a, unsigned n, unsigned k)
{
	unsigned lo = 0, hi = n - 1;

	while (lo < hi) {
		float pivot = a[lo + (hi - lo) / 2];
		unsigned i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				float t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

static void neural_detect(struct sim_dut *d, const double *y, const struct sim_faults *f)
{
	unsigned c;

	if ((d->nwin_sub++ & 3) == 0) {
		for (c = 0; c < d->nch; c++)
			d->nwin[(size_t)c * d->nwin_len + d->nwin_pos] = (float)fabs(y[c]);
		if (++d->nwin_pos == d->nwin_len) {
			/* Robust noise estimate (Quiroga 2004): sigma = median(|x|) / 0.6745. */
			float *tmp = malloc(d->nwin_len * sizeof(float));

			d->nwin_pos = 0;
			for (c = 0; tmp && c < d->nch; c++) {
				memcpy(tmp, d->nwin + (size_t)c * d->nwin_len,
				       d->nwin_len * sizeof(float));
				d->thr_uv[c] = -d->thr_sigma *
					       select_kth(tmp, d->nwin_len, d->nwin_len / 2) /
					       0.6745;
			}
			free(tmp);
		}
	}
	for (c = 0; c < d->nch; c++) {
		if (d->refr_left[c] > 0) {
			d->refr_left[c]--;
			continue;
		}
		if (d->thr_uv[c] < 0 && y[c] < d->thr_uv[c] && d->last_y[c] >= d->thr_uv[c]) {
			event_push(d, SIM_EVENT(SIM_EVENT_SPIKE, c), f);
			d->refr_left[c] = d->refr_samples;
		}
	}
	if (f->false_rate_hz > 0 && prng_uniform(&d->prng) < f->false_rate_hz / d->fd_hz)
		event_push(d, SIM_EVENT(SIM_EVENT_SPIKE, sim_prng_next(&d->prng) % d->nch), f);
}

static void ssvep_detect(struct sim_dut *d, const double *y, const struct sim_faults *f)
{
	double score[SSVEP_MAX_F], best = -1, second = -1;
	unsigned c, i, h, n, besti = 0;

	if (d->p300) {
		int sym = sim_p300_step(d->p300, y, d->trig_in);

		if (sym >= 0)
			event_push(d, SIM_EVENT(SIM_EVENT_CLASS, sym), f);
		if (f->false_rate_hz > 0 && prng_uniform(&d->prng) < f->false_rate_hz / d->fd_hz)
			event_push(d,
				   SIM_EVENT(SIM_EVENT_CLASS,
					     sim_prng_next(&d->prng) % sim_p300_symbols(d->p300)),
				   f);
		return;
	}
	if (d->cue_ch >= 0) {
		cue_decode(d, y, f);
		if (f->false_rate_hz > 0 && prng_uniform(&d->prng) < f->false_rate_hz / d->fd_hz)
			event_push(d,
				   SIM_EVENT(SIM_EVENT_CLASS,
					     sim_prng_next(&d->prng) % d->n_targets),
				   f);
		return;
	}
	for (c = 0; c < d->nch; c++)
		d->swin[(size_t)c * d->swin_len + d->swin_pos] = y[c];
	d->swin_pos = (d->swin_pos + 1) % d->swin_len;
	if (d->swin_fill < d->swin_len) {
		d->swin_fill++;
		if (d->swin_fill < d->swin_len)
			return;
		d->step_left = 0;
	}
	if (d->step_left > 0) {
		d->step_left--;
		return;
	}
	d->step_left = d->step_samples - 1;
	/*
	 * Spectral projection classifier: for each candidate frequency, the
	 * energy of every channel's window projected on sin/cos at f and its
	 * harmonics, summed over channels. Same decision as CCA for a single
	 * dominant source; documented as "projection, not full CCA".
	 */
	for (i = 0; i < d->n_freqs; i++) {
		score[i] = 0;
		for (h = 1; h <= d->harmonics; h++) {
			double w = 2 * M_PI * d->freqs[i] * h / d->fd_hz;

			for (c = 0; c < d->nch; c++) {
				const double *x = d->swin + (size_t)c * d->swin_len;
				double re = 0, im = 0;

				for (n = 0; n < d->swin_len; n++) {
					double v = x[(d->swin_pos + n) % d->swin_len];

					re += v * cos(w * n);
					im += v * sin(w * n);
				}
				score[i] += (re * re + im * im) / h;
			}
		}
		if (score[i] > best) {
			second = best;
			best = score[i];
			besti = i;
		} else if (score[i] > second) {
			second = score[i];
		}
	}
	if (best > 0 && best >= d->min_ratio * (second > 0 ? second : 0))
		event_push(d, SIM_EVENT(SIM_EVENT_CLASS, besti), f);
	if (f->false_rate_hz > 0 &&
	    prng_uniform(&d->prng) < f->false_rate_hz * d->step_samples / d->fd_hz)
		event_push(d, SIM_EVENT(SIM_EVENT_CLASS, sim_prng_next(&d->prng) % d->n_freqs), f);
}

static void stim_detect(struct sim_dut *d, const double *y, bool *lines, const struct sim_faults *f)
{
	double b = biquad_run(&d->beta, d->zb, y[d->sense_ch]);
	bool on;

	/* Envelope amplitude of a sine: mean |x| = 2A/pi. */
	d->env += d->env_k * (fabs(b) * M_PI / 2 - d->env);
	if (d->env > d->burst_thr_uv) {
		if (d->above < d->burst_min)
			d->above++;
	} else {
		d->above = 0;
	}
	on = d->above >= d->burst_min;
	/*
	 * Every detection (rising edge of the detector) is reported; one outside a train
	 * starts a train. A missed detection (fault miss_pct) does neither.
	 */
	if (on && !d->was_on && d->state == SIM_DUT_READY &&
	    !(f->miss_pct > 0 && prng_uniform(&d->prng) * 100 < f->miss_pct)) {
		event_push(d, SIM_EVENT(SIM_EVENT_BURST, d->sense_ch), f);
		if (!d->train) {
			d->train = true;
			d->pulse_tick = 0;
			event_push(d, SIM_EVENT(SIM_EVENT_STIM_ON, 0), f);
		}
	}
	d->was_on = on;
	if (on && d->train)
		d->hold_left = d->hold_samples;
	if (d->train && !on) {
		if (d->hold_left > 0) {
			d->hold_left--;
		} else {
			d->train = false;
			event_push(d, SIM_EVENT(SIM_EVENT_STIM_OFF, 0), f);
		}
	}
	if (f->false_rate_hz > 0 && !d->train &&
	    prng_uniform(&d->prng) < f->false_rate_hz / d->fd_hz) {
		/* a false detection: the detector fires, then the DUT stimulates */
		event_push(d, SIM_EVENT(SIM_EVENT_BURST, d->sense_ch), f);
		d->train = true;
		d->pulse_tick = 0;
		d->hold_left = d->hold_samples;
		event_push(d, SIM_EVENT(SIM_EVENT_STIM_ON, 0), f);
	}
	lines[SIM_LINE_STIM_ACTIVE] = d->train;
}

/* Biphasic, cathodic first: -I for phase, 0 for gap, +I for phase, then rest. */
static double stim_current(struct sim_dut *d, const struct sim_faults *f)
{
	unsigned t;
	double amp;

	if (!d->train)
		return 0;
	t = (unsigned)(d->pulse_tick++ % d->period_ticks);
	amp = d->stim_ua * (1 + f->stim_amp_error_pct / 100);
	if (t < d->phase_ticks)
		return -amp;
	if (t < d->phase_ticks + d->gap_ticks)
		return 0;
	if (t < 2 * d->phase_ticks + d->gap_ticks)
		return amp * (1 - f->charge_imbalance_pct / 100);
	return 0;
}

/* ---- front end, one DUT sample ---- */

static bool in_list(const int *arr, unsigned n, unsigned c)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if ((unsigned)arr[i] == c)
			return true;
	return false;
}

static void front_end(struct sim_dut *d, double *x, int32_t *codes, bool *lines,
		      const struct sim_faults *f)
{
	double g = d->gain * (1 + f->gain_error_pct / 100);
	double noise = d->noise_uv_rms, xt = d->xt_k + f->crosstalk_pct / 100;
	/*
	 * Common mode (eeg-amp A4): x[nch] is the voltage of the common-mode node, present on
	 * both inputs of every channel (the electrode and the reference) alike. The
	 * differential amplifier cancels it down to 1/CMRR: output = G (V_diff + V_cm / CMRR).
	 */
	double cm_leak = f->cmrr_db > 0 ? pow(10, -f->cmrr_db / 20) : d->cm_leak;
	double cm = x[d->nch];
	double extra = f->noise_uv;
	unsigned c;
	uint64_t rbits = 0;
	bool live = d->state == SIM_DUT_READY || d->state == SIM_DUT_FAULT;

	if (d->p300) {
		/* the trigger port is DC-coupled: read before the filters (dut-p300.h) */
		d->trig_in = x[d->cue_ch];
		if (!live)
			sim_p300_reset(d->p300);
	}
	if (f->swap_a >= 0) {
		double t = x[f->swap_a];

		x[f->swap_a] = x[f->swap_b];
		x[f->swap_b] = t;
	}
	for (c = 0; c < d->nch; c++) {
		double *z = d->z + (size_t)c * 4;
		double in = x[c], y;
		uint64_t r;

		if (xt > 1e-9 && d->nch > 1)
			in += xt * x[c + 1 < d->nch ? c + 1 : c - 1];
		if (d->series_mohm > 0 && c == d->series_ch) {
			/*
			 * The rig's series resistor R (A5) in front of this input: with the DUT's
			 * input impedance Zin it divides the source by Zin / (Zin + R), and adds its
			 * own thermal noise through the same divider.
			 */
			double zin = f->zin_mohm > 0 ? f->zin_mohm : d->zin_mohm;
			double k = zin / (zin + d->series_mohm);

			in = k * (in + d->series_noise_uv *
					       d->noise[sim_prng_next(&d->prng) % NOISE_TABLE]);
		}
		in += cm * cm_leak;
		if (fabs(in) > d->range_uv) {
			in = in > 0 ? d->range_uv : -d->range_uv;
			d->recover_left[c] = d->recovery_samples + 1;
		}
		y = biquad_run(&d->lp, z + 2, biquad_run(&d->hp, z, in));
		y = y * g + d->offset_uv + f->offset_uv;
		/* One 64-bit draw feeds two channels' noise (two 14-bit table indices). */
		if ((c & 1) == 0)
			rbits = sim_prng_next(&d->prng);
		r = rbits >> (c & 1 ? 32 : 0);
		y += noise * d->noise[r % NOISE_TABLE];
		if (extra > 0)
			y += extra * d->noise[(r >> 16) % NOISE_TABLE];
		if (d->recover_left[c] > 0) {
			/*
			 * Saturated: the output sits at the rail until the front end recovers;
			 * its fast-recovery switch then discharges the input coupling (the
			 * high-pass state restarts at zero), as amplifiers with a "block reset" do.
			 */
			if (--d->recover_left[c] == 0)
				z[0] = z[1] = 0;
			y = d->last_y[c] >= 0 ? d->range_uv * g : -d->range_uv * g;
		}
		if (!live) {
			/* unpowered or booting: output 0, and the front end starts from rest */
			y = 0;
			z[0] = z[1] = z[2] = z[3] = 0;
			d->recover_left[c] = 0;
		}
		if (f->n_dead && in_list(f->dead, f->n_dead, c))
			y = 0;
		if (f->n_stuck && in_list(f->stuck, f->n_stuck, c)) {
			y = d->last_y[c];
		} else {
			/* remember the last live value for stuck channels */
		}
		{
			double q = y * d->inv_lsb;
			int32_t code;

			if (q > d->code_max)
				code = d->code_max;
			else if (q < d->code_min)
				code = d->code_min;
			else
				code = (int32_t)(q >= 0 ? q + 0.5 : q - 0.5);
			if (f->corrupt_ppm > 0 && prng_uniform(&d->prng) * 1e6 < f->corrupt_ppm)
				code = (int32_t)(sim_prng_next(&d->prng) % (uint64_t)d->code_max);
			codes[c] = code;
		}
		x[c] = y; /* detectors see the DUT's own digitised view (uV) */
	}
	if (live) {
		if (d->rig->model == SIM_MODEL_NEURAL_RECORDER)
			neural_detect(d, x, f);
		else if (d->rig->model == SIM_MODEL_SSVEP_DECODER)
			ssvep_detect(d, x, f);
		else if (d->rig->model == SIM_MODEL_CLOSED_LOOP_STIM)
			stim_detect(d, x, lines, f);
	}
	memcpy(d->last_y, x, d->nch * sizeof(double));
}

static void state_step(struct sim_dut *d, bool *lines, const struct sim_faults *f)
{
	double t_s = (double)d->k_out / d->fd_hz;

	if (!lines[SIM_LINE_POWER]) {
		d->state = SIM_DUT_OFF;
	} else if (lines[SIM_LINE_RESET]) {
		d->state = SIM_DUT_BOOTING;
		d->boot_left = (uint64_t)(param(d, "boot_ms") * 1e-3 * d->fd_hz);
	} else if (d->state == SIM_DUT_OFF) {
		d->state = SIM_DUT_BOOTING;
		d->boot_left = (uint64_t)(param(d, "boot_ms") * 1e-3 * d->fd_hz);
	} else if (d->state == SIM_DUT_BOOTING) {
		if (d->boot_left > 0) {
			d->boot_left--;
		} else {
			d->state = SIM_DUT_READY;
			event_push(d, SIM_EVENT(SIM_EVENT_READY, 0), f);
		}
	}
	/*
	 * Fault line: the DUT enters its fault state (line and event 6) once it has seen the
	 * line high for fault_delay_ms (fault: a slow fault monitor, 0 = at once); it stops
	 * stimulating stop_delay_ms later (fault: reports on time, keeps stimulating).
	 */
	if (d->state == SIM_DUT_READY && lines[SIM_LINE_FAULT_INJECT]) {
		if ((double)d->fault_seen++ >= f->fault_delay_ms * 1e-3 * d->fd_hz) {
			d->state = SIM_DUT_FAULT;
			d->stop_left = (uint64_t)llround(f->stop_delay_ms * 1e-3 * d->fd_hz);
			event_push(d, SIM_EVENT(SIM_EVENT_FAULT, 1), f);
		}
	} else if (!lines[SIM_LINE_FAULT_INJECT]) {
		d->fault_seen = 0;
	}
	if ((d->state == SIM_DUT_READY || d->state == SIM_DUT_FAULT) && f->crash_after_s > 0 &&
	    t_s >= f->crash_after_s) {
		d->state = SIM_DUT_CRASHED;
	}
	if (d->state != SIM_DUT_READY && d->state != SIM_DUT_FAULT) {
		d->evq_n = 0;
		d->thr_uv[0] = d->thr_uv[0]; /* thresholds survive; estimate restarts below */
	}
	if (d->state == SIM_DUT_FAULT && !f->no_shutdown && d->train) {
		if (d->stop_left > 0) {
			d->stop_left--;
		} else {
			d->train = false;
			event_push(d, SIM_EVENT(SIM_EVENT_STIM_OFF, 0), f);
		}
	}
	if (lines[SIM_LINE_TRIGGER] && !d->prev_trigger && d->state == SIM_DUT_READY)
		event_push(d, SIM_EVENT(SIM_EVENT_TRIGGER, 0), f);
	d->prev_trigger = lines[SIM_LINE_TRIGGER];
	lines[SIM_LINE_READY] = d->state == SIM_DUT_READY || d->state == SIM_DUT_FAULT;
	lines[SIM_LINE_FAULT] = d->state == SIM_DUT_FAULT;
	if (d->state != SIM_DUT_READY && d->state != SIM_DUT_FAULT && d->train) {
		d->train = false;
	}
	if (!lines[SIM_LINE_READY] || (d->state == SIM_DUT_FAULT && !f->no_shutdown))
		lines[SIM_LINE_STIM_ACTIVE] = d->train;
}

void sim_dut_tick(struct sim_dut *d, const double *dac_v, bool *lines, const struct sim_faults *f,
		  struct sim_dut_out *out)
{
	const struct sim_rig *rig = d->rig;
	unsigned dk;
	double *h = d->hist + (size_t)(d->n_in & (d->hist_len - 1)) * d->ncol;
	double step = d->fb_hz / (d->fd_hz * (1 + (d->clock_ppm + f->clock_ppm) * 1e-6));
	unsigned c;

	out->n_frames = 0;
	out->codes[0] = d->codes[0];
	out->codes[1] = d->codes[1];
	/* DUT input c is driven by the (c mod n)-th differential DAC channel. */
	for (c = 0, dk = rig->cm_dac == 0 ? 1 : 0; c < d->nch; c++) {
		h[c] = dac_v[dk] * rig->atten_uv_per_v;
		do {
			if (++dk == rig->dac_channels)
				dk = 0;
		} while ((int)dk == rig->cm_dac);
	}
	h[d->nch] = rig->cm_dac >= 0 ? dac_v[rig->cm_dac] * rig->cm_uv_per_v : 0;
	d->n_in++;
	d->bypass = step == 1.0;

	while (out->n_frames < 2) {
		double t = (double)d->k_out * step;
		int32_t *codes = d->codes[out->n_frames];
		bool dropped;

		if (d->bypass) {
			if ((double)(d->n_in - 1) < t)
				break;
			memcpy(d->frame, h, d->ncol * sizeof(double));
		} else {
			int64_t i0, i1, i;

			if ((double)(d->n_in - 1) < t + d->half)
				break;
			i0 = (int64_t)ceil(t - d->half);
			i1 = (int64_t)floor(t + d->half);
			memset(d->frame, 0, d->ncol * sizeof(double));
			for (i = i0 < 0 ? 0 : i0; i <= i1; i++) {
				double pos = (t - (double)i + d->half) * KERNEL_PHASES;
				unsigned k = (unsigned)pos;
				double fr = pos - k, w;
				const double *x = d->hist +
						  (size_t)(i & (d->hist_len - 1)) * d->ncol;

				if (k + 1 >= d->kernel_n)
					continue;
				w = d->kernel[k] + fr * (d->kernel[k + 1] - d->kernel[k]);
				for (c = 0; c < d->ncol; c++)
					d->frame[c] += w * x[c];
			}
		}
		state_step(d, lines, f);
		front_end(d, d->frame, codes, lines, f);
		dropped = f->drop_every > 0 && (d->k_out + 1) % f->drop_every == 0;
		if (!dropped) {
			out->event[out->n_frames] = event_pop(d);
			out->ts_ns[out->n_frames] = (int64_t)llround((double)d->k_out * 1e9 /
								     d->fd_hz);
			out->n_frames++;
		}
		d->k_out++;
	}
	out->stim_ua = 0;
	if (d->state == SIM_DUT_READY ||
	    (d->state == SIM_DUT_FAULT && (f->no_shutdown || d->stop_left > 0)))
		out->stim_ua = stim_current(d, f);
}

int sim_dut_response(const struct sim_rig *rig, double freq_hz, double *ret_gain,
		     double *ret_delay_s)
{
	double fd = rig->dut_rate_hz, ph1, ph2, m;
	struct biquad hp, lp;

	if (!(freq_hz > 0) || freq_hz >= fd / 2)
		return -EINVAL;
	hp = hp_design(rig, fd);
	lp = biquad_design(0, sim_rig_param(rig, "lp_hz"), M_SQRT1_2, fd);
	m = biquad_resp(&hp, freq_hz, fd, &ph1) * biquad_resp(&lp, freq_hz, fd, &ph2);
	*ret_gain = m * sim_rig_param(rig, "gain");
	/* Phase delay; the resampler is zero-phase (symmetric kernel centred on the sample). */
	*ret_delay_s = -(ph1 + ph2) / (2 * M_PI * freq_hz);
	return 0;
}
