// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Trial capture records and `bcibench rescore` (engine/rescore.h).
 *
 * A record is written once per trial by the engine and read back only here. Its layout
 * (docs/database.md, "Trial capture record"), all integers and floats little-endian:
 *
 *   "BCICAPT2"                                   magic, 8 bytes; the digit is the version
 *                                                ("BCICAPT1" files are still read)
 *   u32 n_sets, then per set: str path, str value   suite overrides, in order
 *   str condition_id (length 0xffffffff = none)
 *   str note                                      what the I/O layer noted
 *   u32 n_traces (<= 4), then per trace:
 *     str role; f64 rate_hz; u64 n_channels; u64 n_frames; f64 lsb_uv;
 *     u64 settle_frames; u64 stim_frames; u32 flags (1 samples are f32, 2 events, 4 ts,
 *     8 samples are int16 codes, 16 samples are int32 codes; 8 and 16 since version 2)
 *     with flag 8 or 16: n_channels f64 scales (uV per code)
 *     samples: n_channels * n_frames f64 (or f32, int16, int32), planar as in struct
 *     bench_engine_trace; a code c of channel k is (double)(float)((double)c * scale[k])
 *     events:  n_frames u32 (flag 2); timestamps: n_frames i64 ns (flag 4)
 *   u32 n_truth, then per event: i32 type, i32 channel, f64 start_s, f64 end_s, f64 peak_s,
 *     i32 label, f64 amplitude_uv, f64 value
 *   "BCICEND1"                                   trailer: a truncated file is rejected
 *
 * where str is u32 length + bytes (no NUL). Samples are stored as codes only when every one
 * reconstructs bit for bit from its code, else as f32 only when every one converts back to
 * the same double, else as f64, so loading always gives the exact doubles scored.
 *
 * Rescore: hash every artifact of the run (refuse on the first mismatch), start a new run
 * linked to the old one, then per test load the stored protocol XML (written to a private
 * temporary file, since the protocol loader reads files) with the overrides and condition
 * of its records, and per trial score the record with bench_engine_score_trial() and commit
 * it with its source artifacts. Test verdicts combine attempts with the protocol's retest
 * rule, as the engine does.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/sha256.h"
#include "engine/pool.h"
#include "engine/rescore.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the capture record is written in host order, which must be little-endian"
#endif

/* The digit is the format version: 1 (samples binary64/binary32), 2 (adds converter codes). */
#define REC_MAGIC_V1 "BCICAPT1"
#define REC_MAGIC "BCICAPT2"
#define REC_END "BCICEND1"
#define REC_F32 1u
#define REC_EVENTS 2u
#define REC_TS 4u
#define REC_CODES16 8u	/* version 2: f64 scale per channel, then int16 codes */
#define REC_CODES32 16u /* version 2: f64 scale per channel, then int32 codes */
#define REC_KNOWN_V1 (REC_F32 | REC_EVENTS | REC_TS)
#define REC_KNOWN (REC_KNOWN_V1 | REC_CODES16 | REC_CODES32)
#define REC_NONE 0xffffffffu

/* Writing. */

static int put(struct bench_buf *b, const void *p, size_t n)
{
	return bench_buf_append(b, p, n);
}

static int put_u32(struct bench_buf *b, uint32_t v)
{
	return put(b, &v, sizeof(v));
}

static int put_u64(struct bench_buf *b, uint64_t v)
{
	return put(b, &v, sizeof(v));
}

static int put_f64(struct bench_buf *b, double v)
{
	return put(b, &v, sizeof(v));
}

static int put_str(struct bench_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int r;

	if (n >= REC_NONE)
		return -EINVAL;
	r = put_u32(b, s ? (uint32_t)n : REC_NONE);
	return r == 0 && n ? put(b, s, n) : r;
}

static bool exact_f32(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((double)(float)x[i] != x[i] && !(x[i] != x[i])) /* NaN stays NaN */
			return false;
	return true;
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Converter codes. The capture path (src/hw/stream.c) makes every sample as
 * (float)((double)code * uv_per_code): an integer code times the channel's scale in double,
 * rounded to float once. A trace whose every sample is exactly that for the converter's
 * resolution (+-lsb_uv, one scale per channel) is stored as the codes (int16 when they all
 * fit, else int32) plus the scales; reconst() is the one formula both sides use, and every
 * sample is checked bit for bit before the codes are chosen.
 */
static double reconst(int64_t code, double scale_uv)
{
	return (double)(float)((double)code * scale_uv);
}

static bool same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* The code of @x at @scale_uv, or false when none reconstructs @x bit for bit. */
static bool code_of(double x, double scale_uv, int32_t *ret)
{
	double q = x / scale_uv;
	int64_t c;

	if (!(fabs(q) <= 2147483647.0))
		return false;
	c = (int64_t)llrint(q);
	if (c < INT32_MIN || c > INT32_MAX || !same_bits(reconst(c, scale_uv), x))
		return false;
	*ret = (int32_t)c;
	return true;
}

/*
 * Chooses the scale of every channel of @t (into @scales, n_channels entries) and returns
 * REC_CODES16 or REC_CODES32, or 0 when some sample is not a code times +-lsb_uv.
 */
static uint32_t codes_fit(const struct bench_engine_trace *t, double *scales)
{
	int32_t lo = 0, hi = 0, c;
	size_t ch, i, k;

	if (!(t->lsb_uv > 0) || !isfinite(t->lsb_uv) || !t->n_channels || !t->n_frames)
		return 0;
	for (ch = 0; ch < t->n_channels; ch++) {
		const double *x = t->uv + ch * t->n_frames;
		const double cand[2] = { t->lsb_uv, -t->lsb_uv };
		int32_t clo[2] = { 0, 0 }, chi[2] = { 0, 0 };
		bool ok[2] = { false, false };
		size_t pick;

		/* Both signs can fit (codes negated); prefer the one whose codes fit int16. */
		for (k = 0; k < 2; k++) {
			for (i = 0; i < t->n_frames; i++) {
				if (!code_of(x[i], cand[k], &c))
					break;
				clo[k] = c < clo[k] ? c : clo[k];
				chi[k] = c > chi[k] ? c : chi[k];
			}
			ok[k] = i == t->n_frames;
			if (ok[k] && clo[k] >= INT16_MIN && chi[k] <= INT16_MAX)
				break;
		}
		if (!ok[0] && !ok[1])
			return 0;
		pick = k < 2 ? k : ok[0] ? 0 : 1;
		scales[ch] = cand[pick];
		lo = clo[pick] < lo ? clo[pick] : lo;
		hi = chi[pick] > hi ? chi[pick] : hi;
	}
	return lo >= INT16_MIN && hi <= INT16_MAX ? REC_CODES16 : REC_CODES32;
}

/* Writes the codes of @t (chosen by codes_fit()) channel after channel. */
static int write_codes(int fd, const struct bench_engine_trace *t, const double *scales,
		       uint32_t flags)
{
	size_t width = (flags & REC_CODES16) ? sizeof(int16_t) : sizeof(int32_t), ch, i;
	uint8_t *out = malloc(t->n_frames * width);
	int r = 0;

	if (!out)
		return -ENOMEM;
	for (ch = 0; r == 0 && ch < t->n_channels; ch++) {
		const double *x = t->uv + ch * t->n_frames;

		for (i = 0; i < t->n_frames; i++) {
			int32_t c = 0;

			if (!code_of(x[i], scales[ch], &c)) { /* codes_fit() said it would */
				r = -EIO;
				break;
			}
			if (width == sizeof(int16_t)) {
				int16_t c16 = (int16_t)c;

				memcpy(out + i * width, &c16, width);
			} else {
				memcpy(out + i * width, &c, width);
			}
		}
		if (r == 0)
			r = write_all(fd, out, t->n_frames * width);
	}
	free(out);
	return r;
}

/* Header fields of one trace (without the sample arrays). */
static int put_trace_header(struct bench_buf *b, const struct bench_engine_trace *t, uint32_t flags)
{
	int r = put_str(b, t->role);

	if (r == 0)
		r = put_f64(b, t->rate_hz);
	if (r == 0)
		r = put_u64(b, t->n_channels);
	if (r == 0)
		r = put_u64(b, t->n_frames);
	if (r == 0)
		r = put_f64(b, t->lsb_uv);
	if (r == 0)
		r = put_u64(b, t->settle_frames);
	if (r == 0)
		r = put_u64(b, t->stim_frames);
	if (r == 0)
		r = put_u32(b, flags);
	return r;
}

int bench_engine_record_save(const char *path, const struct bench_protocol *p,
			     const struct bench_engine_capture *cap)
{
	struct bench_buf b = BENCH_BUF_INIT;
	double *scales = NULL;
	uint32_t codes;
	size_t i, k;
	float *f = NULL;
	int fd, r = 0;

	if (!path || !p || !cap || cap->n_traces > 4)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = put(&b, REC_MAGIC, 8);
	if (r == 0)
		r = put_u32(&b, (uint32_t)p->n_overrides);
	for (i = 0; r == 0 && i < p->n_overrides; i++) {
		r = put_str(&b, p->overrides[i].path);
		if (r == 0)
			r = put_str(&b, p->overrides[i].value);
	}
	if (r == 0)
		r = put_str(&b, p->condition_id);
	if (r == 0)
		r = put_str(&b, cap->note);
	if (r == 0)
		r = put_u32(&b, (uint32_t)cap->n_traces);
	for (k = 0; r == 0 && k < cap->n_traces; k++) {
		const struct bench_engine_trace *t = &cap->traces[k];
		size_t n = t->n_channels * t->n_frames;
		uint32_t flags = (t->events ? REC_EVENTS : 0) | (t->ts_ns ? REC_TS : 0);

		if (strlen(t->role) >= sizeof(t->role) || (n && !t->uv)) {
			r = -EINVAL;
			break;
		}
		codes = 0;
		if (n) {
			scales = realloc(scales, t->n_channels * sizeof(*scales));
			if (!scales) {
				r = -ENOMEM;
				break;
			}
			codes = codes_fit(t, scales);
		}
		if (codes)
			flags |= codes;
		else if (exact_f32(t->uv, n))
			flags |= REC_F32;
		r = put_trace_header(&b, t, flags);
		for (i = 0; r == 0 && codes && i < t->n_channels; i++)
			r = put_f64(&b, scales[i]);
		/* The sample arrays go straight to the file, not through the buffer. */
		if (r == 0)
			r = write_all(fd, b.data, b.len);
		bench_buf_clear(&b);
		if (r == 0 && codes) {
			r = write_codes(fd, t, scales, flags);
		} else if (r == 0 && (flags & REC_F32) && n) {
			f = malloc(n * sizeof(*f));
			if (!f) {
				r = -ENOMEM;
				break;
			}
			for (i = 0; i < n; i++)
				f[i] = (float)t->uv[i];
			r = write_all(fd, f, n * sizeof(*f));
			free(f);
			f = NULL;
		} else if (r == 0) {
			r = write_all(fd, t->uv, n * sizeof(*t->uv));
		}
		if (r == 0 && t->events)
			r = write_all(fd, t->events, t->n_frames * sizeof(*t->events));
		if (r == 0 && t->ts_ns)
			r = write_all(fd, t->ts_ns, t->n_frames * sizeof(*t->ts_ns));
	}
	if (r == 0)
		r = put_u32(&b, (uint32_t)cap->n_truth);
	for (i = 0; r == 0 && i < cap->n_truth; i++) {
		const struct bench_engine_truth_event *e = &cap->truth[i];

		r = put(&b, &e->type, 4);
		if (r == 0)
			r = put(&b, &e->channel, 4);
		if (r == 0)
			r = put_f64(&b, e->start_s);
		if (r == 0)
			r = put_f64(&b, e->end_s);
		if (r == 0)
			r = put_f64(&b, e->peak_s);
		if (r == 0)
			r = put(&b, &e->label, 4);
		if (r == 0)
			r = put_f64(&b, e->amplitude_uv);
		if (r == 0)
			r = put_f64(&b, e->value);
	}
	if (r == 0)
		r = put(&b, REC_END, 8);
	if (r == 0)
		r = write_all(fd, b.data, b.len);
	/* Committed trials point at this file: it must survive a power cut like the row. */
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	free(scales);
	bench_buf_free(&b);
	if (r < 0)
		unlink(path);
	return r;
}

/* Reading. */

struct rd {
	const uint8_t *p;
	size_t left;
};

static int take(struct rd *d, void *out, size_t n)
{
	if (n > d->left)
		return -EBADMSG;
	if (out)
		memcpy(out, d->p, n);
	d->p += n;
	d->left -= n;
	return 0;
}

static int take_u32(struct rd *d, uint32_t *v)
{
	return take(d, v, sizeof(*v));
}

static int take_u64(struct rd *d, uint64_t *v)
{
	return take(d, v, sizeof(*v));
}

static int take_f64(struct rd *d, double *v)
{
	return take(d, v, sizeof(*v));
}

/* A string into a malloc'd copy (*ret NULL for "none"). */
static int take_str(struct rd *d, char **ret)
{
	uint32_t n;
	char *s;
	int r = take_u32(d, &n);

	*ret = NULL;
	if (r < 0 || n == REC_NONE)
		return r;
	if (n > d->left)
		return -EBADMSG;
	s = malloc((size_t)n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, d->p, n);
	s[n] = '\0';
	d->p += n;
	d->left -= n;
	*ret = s;
	return 0;
}

/* n * size, or SIZE_MAX when it overflows or exceeds what is left. */
static size_t span(const struct rd *d, uint64_t n, size_t size)
{
	if (n > d->left / size)
		return SIZE_MAX;
	return (size_t)n * size;
}

static int read_whole(const char *path, struct bench_buf *out)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		r = bench_buf_append(out, chunk, (size_t)n);
		if (r < 0)
			break;
	}
	close(fd);
	return r;
}

/* Samples from int16 or int32 codes and one scale per channel (version 2). */
static int load_codes(struct rd *d, struct bench_engine_trace *t, uint32_t flags)
{
	size_t width = (flags & REC_CODES16) ? sizeof(int16_t) : sizeof(int32_t), ch, i;
	size_t bytes = span(d, t->n_channels, sizeof(double));
	const uint8_t *p;
	double *scales;

	if (bytes == SIZE_MAX)
		return -EBADMSG;
	scales = malloc(bytes ? bytes : 1);
	if (!scales)
		return -ENOMEM;
	take(d, scales, bytes);
	bytes = span(d, (uint64_t)t->n_channels * t->n_frames, width);
	if (bytes == SIZE_MAX) {
		free(scales);
		return -EBADMSG;
	}
	p = d->p;
	for (ch = 0; ch < t->n_channels; ch++) {
		double *x = t->uv + ch * t->n_frames;

		for (i = 0; i < t->n_frames; i++, p += width) {
			int16_t c16;
			int32_t c32;

			if (width == sizeof(int16_t)) {
				memcpy(&c16, p, width);
				x[i] = reconst(c16, scales[ch]);
			} else {
				memcpy(&c32, p, width);
				x[i] = reconst(c32, scales[ch]);
			}
		}
	}
	take(d, NULL, bytes);
	free(scales);
	return 0;
}

static int load_trace(struct rd *d, struct bench_engine_trace *t, int version)
{
	uint64_t nch = 0, nfr = 0, settle = 0, stim = 0;
	uint32_t flags = 0, codes;
	size_t n, bytes, i;
	char *role = NULL;
	int r;

	r = take_str(d, &role);
	if (r == 0 && (!role || strlen(role) >= sizeof(t->role)))
		r = -EBADMSG;
	if (r == 0)
		snprintf(t->role, sizeof(t->role), "%s", role);
	free(role);
	if (r == 0)
		r = take_f64(d, &t->rate_hz);
	if (r == 0)
		r = take_u64(d, &nch);
	if (r == 0)
		r = take_u64(d, &nfr);
	if (r == 0)
		r = take_f64(d, &t->lsb_uv);
	if (r == 0)
		r = take_u64(d, &settle);
	if (r == 0)
		r = take_u64(d, &stim);
	if (r == 0)
		r = take_u32(d, &flags);
	if (r < 0)
		return r;
	codes = flags & (REC_CODES16 | REC_CODES32);
	if ((flags & ~(version >= 2 ? REC_KNOWN : REC_KNOWN_V1)) ||
	    (codes && ((flags & REC_F32) || codes == (REC_CODES16 | REC_CODES32))))
		return -EBADMSG;
	if (nch && nfr > SIZE_MAX / nch)
		return -EBADMSG;
	n = (size_t)(nch * nfr);
	bytes = codes		  ? (codes == REC_CODES16 ? sizeof(int16_t) : sizeof(int32_t)) :
		(flags & REC_F32) ? sizeof(float) :
				    sizeof(double);
	bytes = span(d, n, bytes);
	if (bytes == SIZE_MAX || settle > nfr || stim > nfr)
		return -EBADMSG;
	t->n_channels = (size_t)nch;
	t->n_frames = (size_t)nfr;
	t->settle_frames = (size_t)settle;
	t->stim_frames = (size_t)stim;
	t->uv = malloc((n ? n : 1) * sizeof(double));
	if (!t->uv)
		return -ENOMEM;
	if (codes) {
		int r2 = load_codes(d, t, flags);

		if (r2 < 0)
			return r2;
	} else if (flags & REC_F32) {
		for (i = 0; i < n; i++) {
			float f;

			memcpy(&f, d->p + i * sizeof(f), sizeof(f));
			t->uv[i] = f;
		}
		take(d, NULL, bytes);
	} else {
		take(d, t->uv, bytes);
	}
	if (flags & REC_EVENTS) {
		bytes = span(d, nfr, sizeof(uint32_t));
		if (bytes == SIZE_MAX)
			return -EBADMSG;
		t->events = malloc(bytes ? bytes : 1);
		if (!t->events)
			return -ENOMEM;
		take(d, t->events, bytes);
	}
	if (flags & REC_TS) {
		bytes = span(d, nfr, sizeof(int64_t));
		if (bytes == SIZE_MAX)
			return -EBADMSG;
		t->ts_ns = malloc(bytes ? bytes : 1);
		if (!t->ts_ns)
			return -ENOMEM;
		take(d, t->ts_ns, bytes);
	}
	return 0;
}

void bench_engine_record_origin_free(struct bench_engine_record_origin *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->n_sets; i++) {
		free(o->sets[i].path);
		free(o->sets[i].value);
		free(o->sets[i].file);
	}
	free(o->sets);
	free(o->condition_id);
	memset(o, 0, sizeof(*o));
}

static int load_origin(struct rd *d, const char *path, struct bench_engine_record_origin *o)
{
	uint32_t n = 0, i;
	int r = take_u32(d, &n);

	if (r < 0)
		return r;
	if (n > d->left / 8)
		return -EBADMSG;
	o->sets = calloc(n ? n : 1, sizeof(*o->sets));
	if (!o->sets)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct bench_protocol_set *s = &o->sets[o->n_sets++];

		r = take_str(d, &s->path);
		if (r == 0)
			r = take_str(d, &s->value);
		if (r == 0 && (!s->path || !s->value))
			r = -EBADMSG;
		if (r == 0) {
			s->file = strdup(path);
			r = s->file ? 0 : -ENOMEM;
		}
		if (r < 0)
			return r;
	}
	return take_str(d, &o->condition_id);
}

static int load_truth(struct rd *d, struct bench_engine_capture *cap)
{
	uint32_t n = 0, i;
	int r = take_u32(d, &n);

	if (r < 0)
		return r;
	if (n > d->left / 52)
		return -EBADMSG;
	cap->truth = calloc(n ? n : 1, sizeof(*cap->truth));
	if (!cap->truth)
		return -ENOMEM;
	for (i = 0; i < n && r == 0; i++) {
		struct bench_engine_truth_event *e = &cap->truth[i];

		r = take(d, &e->type, 4);
		if (r == 0)
			r = take(d, &e->channel, 4);
		if (r == 0)
			r = take_f64(d, &e->start_s);
		if (r == 0)
			r = take_f64(d, &e->end_s);
		if (r == 0)
			r = take_f64(d, &e->peak_s);
		if (r == 0)
			r = take(d, &e->label, 4);
		if (r == 0)
			r = take_f64(d, &e->amplitude_uv);
		if (r == 0)
			r = take_f64(d, &e->value);
	}
	cap->n_truth = n;
	return r;
}

int bench_engine_record_load(const char *path, struct bench_engine_capture *ret_cap,
			     struct bench_engine_record_origin *ret_origin)
{
	struct bench_buf file = BENCH_BUF_INIT;
	struct bench_engine_capture cap;
	struct bench_engine_record_origin o;
	struct rd d;
	char magic[8], *note = NULL;
	uint32_t n_traces = 0, k;
	int r, version = 0;

	if (!path || !ret_cap)
		return -EINVAL;
	memset(&cap, 0, sizeof(cap));
	memset(&o, 0, sizeof(o));
	r = read_whole(path, &file);
	if (r < 0)
		goto out;
	d.p = file.data;
	d.left = file.len;
	r = take(&d, magic, 8);
	if (r == 0 && memcmp(magic, REC_MAGIC, 8) == 0)
		version = 2;
	else if (r == 0 && memcmp(magic, REC_MAGIC_V1, 8) == 0)
		version = 1;
	else if (r == 0)
		r = -EBADMSG;
	if (r == 0)
		r = load_origin(&d, path, &o);
	if (r == 0)
		r = take_str(&d, &note);
	if (r == 0 && note)
		snprintf(cap.note, sizeof(cap.note), "%s", note);
	free(note);
	if (r == 0)
		r = take_u32(&d, &n_traces);
	if (r == 0 && n_traces > 4)
		r = -EBADMSG;
	for (k = 0; r == 0 && k < n_traces; k++) {
		cap.n_traces++;
		r = load_trace(&d, &cap.traces[k], version);
	}
	if (r == 0)
		r = load_truth(&d, &cap);
	if (r == 0)
		r = take(&d, magic, 8);
	if (r == 0 && (memcmp(magic, REC_END, 8) != 0 || d.left != 0))
		r = -EBADMSG;
out:
	bench_buf_free(&file);
	if (r < 0) {
		bench_engine_capture_clear(&cap);
		bench_engine_record_origin_free(&o);
		return r;
	}
	*ret_cap = cap;
	if (ret_origin)
		*ret_origin = o;
	else
		bench_engine_record_origin_free(&o);
	return 0;
}

/* Rescore. */

struct art {
	int64_t id;
	int64_t trial_id;
	char *kind;
	char *path; /* NULL for a blob */
};

struct trl {
	int64_t id;
	int64_t test_id;
	int seq;
	int attempt;
	uint64_t seed;
	enum bench_verdict status;
};

struct tst {
	int64_t id;
	int seq;
	char *name;
	enum bench_verdict verdict;
};

struct rs {
	const struct bench_engine_rescore_options *o;
	struct bench_engine_rescore_result *res;
	struct bench_buf dir; /* the old run's folder */
	struct art *arts;
	size_t n_arts;
	struct trl *trials;
	size_t n_trials;
	struct tst *tests;
	size_t n_tests;
	int err; /* first error of a walk callback */
};

static void what(struct bench_engine_rescore_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#include <stdarg.h>

static void what(struct bench_engine_rescore_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->what[0])
		return;
	va_start(ap, fmt);
	vsnprintf(res->what, sizeof(res->what), fmt, ap);
	va_end(ap);
}

/* Hashes one artifact against the record; copies its identity. */
static int on_artifact(void *ctx, const struct bench_store_artifact_row *a)
{
	struct rs *rs = ctx;
	uint8_t digest[BENCH_SHA256_LEN];
	char hex[BENCH_SHA256_HEX_LEN];
	struct bench_buf path = BENCH_BUF_INIT;
	uint64_t size = 0;
	struct art *n;
	int r;

	n = realloc(rs->arts, (rs->n_arts + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	rs->arts = n;
	n = &rs->arts[rs->n_arts++];
	memset(n, 0, sizeof(*n));
	n->id = a->id;
	n->trial_id = a->trial_id;
	n->kind = strdup(a->kind);
	if (a->path)
		n->path = strdup(a->path);
	if (!n->kind || (a->path && !n->path))
		return -ENOMEM;
	if (a->path) {
		r = bench_buf_appendf(&path, "%s/%s", bench_buf_str(&rs->dir), a->path);
		if (r == 0)
			r = bench_sha256_file(bench_buf_str(&path), digest, &size);
		if (r < 0)
			what(rs->res, "artifact %lld: %s: %s", (long long)a->id,
			     bench_buf_str(&path), strerror(-r));
	} else {
		r = bench_sha256(a->blob, a->blob_len, digest);
		size = a->blob_len;
	}
	if (r == 0) {
		bench_sha256_hex(digest, hex);
		if (strcmp(hex, a->sha256) != 0 || (int64_t)size != a->size_bytes) {
			what(rs->res, "artifact %lld: %s: %s differs from the record",
			     (long long)a->id, a->path ? bench_buf_str(&path) : "inline blob",
			     strcmp(hex, a->sha256) ? "SHA-256" : "size");
			r = -EBADMSG;
		}
	}
	bench_buf_free(&path);
	rs->res->n_artifacts++;
	return r;
}

static int on_trial(void *ctx, const struct bench_store_trial_row *t)
{
	struct rs *rs = ctx;
	struct trl *n = realloc(rs->trials, (rs->n_trials + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	rs->trials = n;
	n = &n[rs->n_trials++];
	n->id = t->id;
	n->test_id = t->test_id;
	n->seq = t->seq;
	n->attempt = t->attempt;
	n->seed = t->seed;
	if (bench_verdict_parse(t->status, &n->status) < 0)
		n->status = BENCH_VERDICT_ERROR;
	return 0;
}

static int on_test(void *ctx, const struct bench_store_test_row *t)
{
	struct rs *rs = ctx;
	struct tst *n = realloc(rs->tests, (rs->n_tests + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	rs->tests = n;
	n = &n[rs->n_tests++];
	n->id = t->id;
	n->seq = t->seq;
	n->name = strdup(t->name);
	if (!t->verdict || bench_verdict_parse(t->verdict, &n->verdict) < 0)
		n->verdict = BENCH_VERDICT_ERROR;
	return n->name ? 0 : -ENOMEM;
}

struct status_cb {
	const char *status;
	char buf[16];
};

static int on_run(void *ctx, const struct bench_store_run_row *r)
{
	struct status_cb *s = ctx;

	snprintf(s->buf, sizeof(s->buf), "%s", r->status);
	s->status = s->buf;
	return 0;
}

static const struct art *record_of(const struct rs *rs, int64_t trial_id)
{
	size_t i;

	for (i = 0; i < rs->n_arts; i++)
		if (rs->arts[i].trial_id == trial_id &&
		    strcmp(rs->arts[i].kind, BENCH_ENGINE_RECORD_KIND) == 0 && rs->arts[i].path)
			return &rs->arts[i];
	return NULL;
}

static bool has_capture(const struct rs *rs, int64_t trial_id)
{
	size_t i;

	for (i = 0; i < rs->n_arts; i++)
		if (rs->arts[i].trial_id == trial_id && strcmp(rs->arts[i].kind, "capture") == 0)
			return true;
	return false;
}

/* Reads the run: status, tests, trials; hashes every artifact; checks every trial has a record. */
static int survey(struct rs *rs)
{
	struct bench_store *st = rs->o->store;
	struct status_cb sc = { 0 };
	size_t i;
	int r;

	r = bench_store_run_get(st, rs->o->run_id, on_run, &sc);
	if (r == -ENOENT)
		what(rs->res, "no run %lld", (long long)rs->o->run_id);
	if (r < 0)
		return r;
	if (!sc.status || strcmp(sc.status, "running") == 0) {
		what(rs->res, "run %lld is still running: its record is incomplete",
		     (long long)rs->o->run_id);
		return -EINVAL;
	}
	r = bench_store_run_dir(st, rs->o->run_id, &rs->dir);
	if (r == 0)
		r = bench_store_tests_list(st, rs->o->run_id, on_test, rs);
	if (r == 0)
		r = bench_store_trials_completed(st, rs->o->run_id, on_trial, rs);
	if (r == 0)
		r = bench_store_artifacts_list(st, rs->o->run_id, on_artifact, rs);
	for (i = 0; r == 0 && i < rs->n_trials; i++) {
		if (record_of(rs, rs->trials[i].id) || !has_capture(rs, rs->trials[i].id))
			continue;
		what(rs->res,
		     "trial %lld has captures but no capture record (recorded by an older "
		     "bcibench): it cannot be re-scored exactly",
		     (long long)rs->trials[i].id);
		r = -ENODATA;
	}
	return r;
}

static bool same_origin(const struct bench_engine_record_origin *a,
			const struct bench_engine_record_origin *b)
{
	size_t i;

	if (a->n_sets != b->n_sets || !a->condition_id != !b->condition_id ||
	    (a->condition_id && strcmp(a->condition_id, b->condition_id) != 0))
		return false;
	for (i = 0; i < a->n_sets; i++)
		if (strcmp(a->sets[i].path, b->sets[i].path) != 0 ||
		    strcmp(a->sets[i].value, b->sets[i].value) != 0)
			return false;
	return true;
}

/*
 * Loads the protocol stored for a test (@xml_path: a private copy of the stored XML) as
 * the instance @origin describes: suite overrides, then the condition's own settings,
 * exactly the order the plan applied them in.
 */
static int load_instance(struct rs *rs, const char *xml_path,
			 const struct bench_engine_record_origin *origin,
			 struct bench_protocol **ret)
{
	struct bench_buf err = BENCH_BUF_INIT;
	struct bench_protocol *base = NULL, *inst = NULL;
	struct bench_protocol_set *all = NULL;
	size_t i, n = origin->n_sets;
	int r;

	r = bench_protocol_load(rs->o->lib, xml_path, origin->sets, origin->n_sets, &err, &base);
	if (r == 0 && origin->condition_id) {
		const struct bench_protocol_condition *c = NULL;

		for (i = 0; i < base->n_conditions; i++)
			if (strcmp(base->conditions[i].id, origin->condition_id) == 0)
				c = &base->conditions[i];
		if (!c) {
			bench_buf_appendf(&err, "%s: no condition '%s'", xml_path,
					  origin->condition_id);
			r = -EINVAL;
		} else {
			all = calloc(n + c->n_sets + 1, sizeof(*all));
			if (!all)
				r = -ENOMEM;
		}
		if (r == 0) {
			memcpy(all, origin->sets, n * sizeof(*all));
			memcpy(all + n, c->sets, c->n_sets * sizeof(*all));
			r = bench_protocol_load(rs->o->lib, xml_path, all, n + c->n_sets, &err,
						&inst);
		}
		free(all);
		bench_protocol_free(base);
		base = inst;
	}
	if (r < 0) {
		what(rs->res, "stored protocol does not load: %s",
		     err.len ? bench_buf_str(&err) : strerror(-r));
		bench_protocol_free(base);
	} else {
		*ret = base;
	}
	bench_buf_free(&err);
	return r;
}

static enum bench_retest_policy policy_of(const struct bench_protocol *p)
{
	return p->retest.final == BENCH_PROTOCOL_FINAL_ALL ? BENCH_RETEST_ALL :
	       p->retest.final == BENCH_PROTOCOL_FINAL_ANY ? BENCH_RETEST_ANY :
							     BENCH_RETEST_LAST;
}

/* Scores and commits one trial from its record (or carries over a trial without one). */
static int rescore_trial(struct rs *rs, int64_t new_test, const struct trl *t, const char *xml_path,
			 struct bench_protocol **proto, struct bench_engine_record_origin *cur,
			 enum bench_verdict *ret_v)
{
	const struct art *rec = record_of(rs, t->id);
	struct bench_store_trial tr = { 0 };
	struct bench_engine_capture cap;
	struct bench_engine_record_origin origin = { 0 };
	struct bench_buf path = BENCH_BUF_INIT, note = BENCH_BUF_INIT;
	struct bench_store_measurement *ms = NULL;
	char(*names)[BENCH_ENGINE_NAME_LEN] = NULL;
	char(*clauses)[BENCH_ENGINE_CLAUSE_LEN] = NULL;
	int64_t *src = NULL;
	enum bench_verdict v = t->status;
	size_t i, n_src = 0, n_ms = 0, cap_ms;
	int r = 0;

	memset(&cap, 0, sizeof(cap));
	tr.start_wall_ns = bench_clock_wall_ns();
	if (!rec) {
		/* Failed before anything was captured: nothing to recompute. */
		bench_buf_appendf(&note, "not re-scored (no capture) from trial %lld",
				  (long long)t->id);
		rs->res->n_carried++;
		goto commit;
	}
	r = bench_buf_appendf(&path, "%s/%s", bench_buf_str(&rs->dir), rec->path);
	if (r == 0)
		r = bench_engine_record_load(bench_buf_str(&path), &cap, &origin);
	if (r < 0) {
		what(rs->res, "%s: %s", bench_buf_str(&path),
		     r == -EBADMSG ? "not a valid capture record" : strerror(-r));
		goto out;
	}
	if (!*proto || !same_origin(&origin, cur)) {
		bench_protocol_free(*proto);
		*proto = NULL;
		bench_engine_record_origin_free(cur);
		*cur = origin;
		memset(&origin, 0, sizeof(origin));
		r = load_instance(rs, xml_path, cur, proto);
		if (r < 0)
			goto out;
	}
	cap_ms = (*proto)->n_criteria + (*proto)->n_metrics + 1;
	ms = calloc(cap_ms, sizeof(*ms));
	names = calloc(cap_ms, sizeof(*names));
	clauses = calloc(cap_ms, sizeof(*clauses));
	src = calloc(rs->n_arts + 1, sizeof(*src));
	if (!ms || !names || !clauses || !src) {
		r = -ENOMEM;
		goto out;
	}
	v = bench_engine_score_trial(*proto, &cap, ms, &n_ms, names, clauses, &note);
	bench_buf_appendf(&note, "%sre-scored from trial %lld", note.len ? "; " : "",
			  (long long)t->id);
	for (i = 0; i < rs->n_arts; i++)
		if (rs->arts[i].trial_id == t->id)
			src[n_src++] = rs->arts[i].id;
	rs->res->n_trials++;
	rs->res->n_measurements += n_ms;
commit:
	tr.seq = t->seq;
	tr.attempt = t->attempt;
	tr.seed = t->seed;
	tr.status = bench_verdict_name(v);
	tr.note = bench_buf_str(&note);
	tr.measurements = ms;
	tr.n_measurements = n_ms;
	tr.source_trial_id = t->id;
	tr.source_artifact_ids = src;
	tr.n_source_artifacts = n_src;
	r = bench_store_trial_commit(rs->o->store, new_test, &tr, NULL);
	if (r < 0)
		what(rs->res, "trial %lld: not recorded: %s", (long long)t->id, strerror(-r));
	else
		*ret_v = v;
out:
	bench_engine_capture_clear(&cap);
	bench_engine_record_origin_free(&origin);
	bench_buf_free(&path);
	bench_buf_free(&note);
	free(ms);
	free(names);
	free(clauses);
	free(src);
	return r;
}

/*
 * Writes @xml to a private temporary file named after the test; *@ret_path receives it.
 * It sits in @tmpdir/protocol/, so the loader's "../limits next to the protocol" is the
 * empty @tmpdir/limits and limits come from the caller's library.
 */
static int temp_protocol(const char *tmpdir, int seq, const struct bench_buf *xml,
			 struct bench_buf *ret_path)
{
	int fd, r;

	bench_buf_clear(ret_path);
	r = bench_buf_appendf(ret_path, "%s/protocol/test%d.xml", tmpdir, seq);
	if (r < 0)
		return r;
	fd = open(bench_buf_str(ret_path), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, xml->data, xml->len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* Re-scores test @ti into the new run. */
static int rescore_test(struct rs *rs, int64_t new_run, const char *tmpdir, size_t ti)
{
	const struct tst *tt = &rs->tests[ti];
	struct bench_buf xml = BENCH_BUF_INIT, xml_path = BENCH_BUF_INIT;
	struct bench_engine_record_origin cur = { 0 };
	struct bench_protocol *proto = NULL;
	enum bench_verdict att[64], v = BENCH_VERDICT_ERROR;
	unsigned n_att = 0;
	int64_t proto_row = 0, new_test = 0;
	size_t i;
	int r;

	for (i = 0; i < 64; i++)
		att[i] = BENCH_VERDICT_SKIPPED;
	r = bench_store_test_protocol(rs->o->store, tt->id, &xml, &proto_row);
	if (r == 0)
		r = temp_protocol(tmpdir, tt->seq, &xml, &xml_path);
	if (r == 0)
		r = bench_store_test_begin(rs->o->store, new_run, proto_row, tt->seq, tt->name,
					   &new_test);
	for (i = 0; r == 0 && i < rs->n_trials; i++) {
		const struct trl *t = &rs->trials[i];

		/* the pooled row is recomputed below from the re-scored trials */
		if (t->test_id != tt->id || t->seq == BENCH_STORE_TRIAL_POOLED)
			continue;
		if (t->attempt < 1 || t->attempt > 64) {
			what(rs->res, "trial %lld: attempt %d out of range", (long long)t->id,
			     t->attempt);
			r = -EBADMSG;
			break;
		}
		r = rescore_trial(rs, new_test, t, bench_buf_str(&xml_path), &proto, &cur, &v);
		if (r < 0)
			break;
		att[t->attempt - 1] = bench_verdict_worst(att[t->attempt - 1], v);
		if ((unsigned)t->attempt > n_att)
			n_att = (unsigned)t->attempt;
	}
	/* Metrics pooled over each attempt's trials, as the engine pools them (pool.h). */
	for (i = 1; r == 0 && proto && bench_protocol_has_pooled(proto) && i <= n_att; i++) {
		r = bench_engine_pool_attempt(rs->o->store, new_test, proto, (unsigned)i, &v);
		if (r < 0)
			what(rs->res, "test %d: pooling attempt %zu failed: %s", tt->seq, i,
			     strerror(-r));
		else
			att[i - 1] = bench_verdict_worst(att[i - 1], v);
	}
	if (r < 0)
		goto out;
	/*
	 * The protocol's retest rule forms the final verdict, as in the engine. A test none
	 * of whose trials had a capture keeps its recorded verdict.
	 */
	v = proto ? bench_verdict_combine_attempts(att, n_att ? n_att : 1, policy_of(proto)) :
		    tt->verdict;
	r = bench_store_test_end(rs->o->store, new_test, bench_verdict_name(v));
	if (r == 0) {
		rs->res->verdict = bench_verdict_worst(rs->res->verdict, v);
		rs->res->n_tests++;
	}
out:
	bench_protocol_free(proto);
	bench_engine_record_origin_free(&cur);
	if (xml_path.len)
		unlink(bench_buf_str(&xml_path));
	bench_buf_free(&xml);
	bench_buf_free(&xml_path);
	return r;
}

int bench_engine_rescore(const struct bench_engine_rescore_options *o,
			 struct bench_engine_rescore_result *ret)
{
	struct bench_engine_rescore_result res;
	enum bench_store_run_status status;
	struct rs rs;
	char tmpdir[448], sub[480];
	const char *tmp;
	size_t i;
	int r;

	if (!o || !o->store || !o->lib || !ret)
		return -EINVAL;
	memset(&res, 0, sizeof(res));
	memset(&rs, 0, sizeof(rs));
	res.verdict = BENCH_VERDICT_SKIPPED;
	rs.o = o;
	rs.res = &res;
	tmpdir[0] = '\0';
	r = survey(&rs);
	if (r < 0)
		goto out;
	tmp = getenv("TMPDIR");
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/bcibench-rescore.XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") >= sizeof(tmpdir)) {
		r = -ENAMETOOLONG;
		tmpdir[0] = '\0';
	} else if (!mkdtemp(tmpdir)) {
		r = -errno;
		tmpdir[0] = '\0';
	} else {
		snprintf(sub, sizeof(sub), "%s/protocol", tmpdir);
		if (mkdir(sub, 0700) < 0)
			r = -errno;
	}
	if (r < 0) {
		what(&res, "cannot create a temporary folder: %s", strerror(-r));
		goto out;
	}
	r = bench_store_rescore_begin(o->store, o->run_id, o->why ? o->why : "bcibench rescore",
				      &res.run_id, res.uuid);
	if (r < 0) {
		what(&res, "cannot start the new run: %s", strerror(-r));
		goto out;
	}
	for (i = 0; r == 0 && i < rs.n_tests; i++)
		r = rescore_test(&rs, res.run_id, tmpdir, i);
	if (r < 0)
		res.verdict = BENCH_VERDICT_ERROR;
	status = res.verdict == BENCH_VERDICT_PASS || res.verdict == BENCH_VERDICT_SKIPPED ?
			 BENCH_STORE_RUN_PASSED :
		 res.verdict == BENCH_VERDICT_FAIL || res.verdict == BENCH_VERDICT_MARGINAL ?
			 BENCH_STORE_RUN_FAILED :
		 res.verdict == BENCH_VERDICT_ABORTED ? BENCH_STORE_RUN_ABORTED :
							BENCH_STORE_RUN_ERROR;
	{
		int rc = bench_store_run_set_status(o->store, res.run_id, status,
						    r < 0 ? res.what :
							    bench_verdict_name(res.verdict));

		if (r == 0 && rc < 0) {
			what(&res, "cannot set the new run's status: %s", strerror(-rc));
			r = rc;
		}
	}
out:
	if (tmpdir[0]) {
		snprintf(sub, sizeof(sub), "%s/protocol", tmpdir);
		rmdir(sub);
		rmdir(tmpdir);
	}
	for (i = 0; i < rs.n_arts; i++) {
		free(rs.arts[i].kind);
		free(rs.arts[i].path);
	}
	for (i = 0; i < rs.n_tests; i++)
		free(rs.tests[i].name);
	free(rs.arts);
	free(rs.trials);
	free(rs.tests);
	bench_buf_free(&rs.dir);
	*ret = res;
	return r;
}

/* Inputs: the limits files and the DUT profile of a run, recorded with it. */

/* Writes @len bytes to @path (replaced), fsync'd like the capture record. */
static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlink(path);
	return r;
}

static int record_input(struct bench_store *st, int64_t run_id, const char *run_dir,
			const char *kind, const char *src, char (*done)[2][256], size_t *n_done,
			size_t max_done)
{
	struct bench_store_artifact a = { 0 };
	struct bench_buf content = BENCH_BUF_INIT, path = BENCH_BUF_INIT;
	const char *base = strrchr(src, '/');
	uint8_t digest[BENCH_SHA256_LEN];
	char rel[256], hex[BENCH_SHA256_HEX_LEN];
	size_t i;
	int r;

	base = base ? base + 1 : src;
	if (!*base || strcmp(base, "..") == 0 || strcmp(base, ".") == 0 ||
	    (size_t)snprintf(rel, sizeof(rel), "%s/%s", kind, base) >= sizeof(rel))
		return -EINVAL;
	r = read_whole(src, &content);
	if (r == 0)
		r = bench_sha256(content.data, content.len, digest);
	if (r < 0)
		goto out;
	bench_sha256_hex(digest, hex);
	for (i = 0; i < *n_done; i++) {
		if (strcmp(done[i][0], rel) != 0)
			continue;
		/* the same file (perhaps by another path), or another one of the same name */
		if (strcmp(done[i][1], hex) != 0)
			bench_log(BENCH_LOG_WARNING, "rescore", "run %lld: %s not recorded: %s is",
				  (long long)run_id, src, rel);
		goto out;
	}
	if (*n_done == max_done) {
		r = -E2BIG;
		goto out;
	}
	if (r == 0)
		r = bench_buf_appendf(&path, "%s/%s", run_dir, kind);
	if (r == 0 && mkdir(bench_buf_str(&path), 0755) < 0 && errno != EEXIST)
		r = -errno;
	if (r == 0)
		r = bench_buf_appendf(&path, "/%s", base);
	if (r == 0)
		r = write_file(bench_buf_str(&path), content.data, content.len);
	if (r == 0) {
		a.kind = kind;
		a.path = rel;
		a.media_type = "application/xml";
		r = bench_store_artifact_add(st, run_id, 0, &a, NULL);
	}
	if (r == 0) {
		snprintf(done[*n_done][0], sizeof(done[0][0]), "%s", rel);
		snprintf(done[*n_done][1], sizeof(done[0][1]), "%s", hex);
		(*n_done)++;
	}
out:
	bench_buf_free(&content);
	bench_buf_free(&path);
	return r;
}

int bench_engine_record_inputs(struct bench_store *st, int64_t run_id,
			       const struct bench_plan *plan)
{
	enum {
		MAX_INPUTS = 64
	};
	struct bench_buf dir = BENCH_BUF_INIT;
	char(*done)[2][256] = NULL;
	size_t i, j, n_done = 0;
	int r;

	if (!st || !plan)
		return -EINVAL;
	done = calloc(MAX_INPUTS, sizeof(*done));
	if (!done)
		return -ENOMEM;
	r = bench_store_run_dir_make(st, run_id, &dir);
	for (i = 0; r == 0 && i < plan->n_tests; i++) {
		const struct bench_protocol *p = plan->tests[i].protocol;

		for (j = 0; r == 0 && p && j < p->n_criteria; j++) {
			const struct bench_protocol_criterion *cr = &p->criteria[j];

			if (!cr->resolved || !cr->limit.file)
				continue;
			r = record_input(st, run_id, bench_buf_str(&dir),
					 cr->claim_id ? BENCH_ENGINE_INPUT_PROFILE :
							BENCH_ENGINE_INPUT_LIMITS,
					 cr->limit.file, done, &n_done, MAX_INPUTS);
		}
	}
	free(done);
	bench_buf_free(&dir);
	return r;
}

struct inputs_ctx {
	struct bench_buf *limits_dir;
	struct bench_buf *profile;
	const char *run_dir;
	int err;
};

static int on_input(void *ctx, const struct bench_store_artifact_row *a)
{
	struct inputs_ctx *c = ctx;

	if (a->trial_id || !a->path)
		return 0;
	if (strcmp(a->kind, BENCH_ENGINE_INPUT_LIMITS) == 0 && !c->limits_dir->len)
		c->err = bench_buf_appendf(c->limits_dir, "%s/%s", c->run_dir,
					   BENCH_ENGINE_INPUT_LIMITS);
	else if (strcmp(a->kind, BENCH_ENGINE_INPUT_PROFILE) == 0 && !c->profile->len)
		c->err = bench_buf_appendf(c->profile, "%s/%s", c->run_dir, a->path);
	return c->err;
}

int bench_engine_rescore_inputs(struct bench_store *st, int64_t run_id,
				struct bench_buf *ret_limits_dir, struct bench_buf *ret_profile)
{
	struct bench_buf dir = BENCH_BUF_INIT, lim = BENCH_BUF_INIT, prof = BENCH_BUF_INIT;
	struct inputs_ctx c = { &lim, &prof, NULL, 0 };
	int r;

	if (!st || !ret_limits_dir || !ret_profile)
		return -EINVAL;
	r = bench_store_run_dir(st, run_id, &dir);
	if (r == 0) {
		c.run_dir = bench_buf_str(&dir);
		r = bench_store_artifacts_list(st, run_id, on_input, &c);
	}
	if (r == 0 && lim.len)
		r = bench_buf_appendf(ret_limits_dir, "%s", bench_buf_str(&lim));
	if (r == 0 && prof.len)
		r = bench_buf_appendf(ret_profile, "%s", bench_buf_str(&prof));
	bench_buf_free(&dir);
	bench_buf_free(&lim);
	bench_buf_free(&prof);
	return r;
}
