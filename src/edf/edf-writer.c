// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * BDF+/EDF+ writer and reader on EDFlib (see edf-writer.h). Samples arrive as
 * float microvolts in blocks of any size, are converted to digital codes here
 * (round to nearest, clip and count), buffered per channel until a data record
 * is full, and handed to EDFlib one record at a time. Annotations are kept
 * here, sorted by onset and given to EDFlib at close, which writes them into
 * the records' annotation signals (onset resolution 100 us).
 */
#include <edflib.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/log.h"
#include "edf/edf-writer.h"

#define RECORD_MAX_BYTES (4u << 20)

struct annot {
	int64_t onset_ns;
	int64_t duration_ns;
	size_t seq; /* insertion order, for a stable sort */
	char text[BENCH_EDF_ANNOTATION_LEN + 1];
};

struct bench_edf_writer {
	int handle;
	enum bench_edf_format format;
	unsigned n_channels;
	double rate_hz;
	uint32_t spr; /* samples per channel per record */
	unsigned annot_per_record;
	int dig_min, dig_max;
	double *scale;	/* per channel: digital = uv * scale - offset */
	double *offset; /* per channel, EDFlib's convention */
	double *step_uv;
	int *rec;      /* n_channels x spr digital codes */
	uint32_t fill; /* frames in rec */
	uint64_t frames;
	uint64_t records;
	uint64_t clipped;
	bool failed;
	struct annot *annots;
	size_t n_annots, cap_annots;
};

const char *bench_edf_format_name(enum bench_edf_format format)
{
	switch (format) {
	case BENCH_EDF_FORMAT_BDFPLUS:
		return "BDF+";
	case BENCH_EDF_FORMAT_EDFPLUS:
		return "EDF+";
	default:
		return NULL;
	}
}

/*
 * The header stores physical limits in 8 ASCII characters. Round @v outward
 * (up for a maximum, down for a minimum) to the most precise value that fits,
 * so the file states exactly the range the codes were computed with.
 */
static int fit_header_number(double v, bool up, double *ret)
{
	char s[64];
	int d;

	for (d = 7; d >= 0; d--) {
		double p = pow(10.0, d), r = up ? ceil(v * p - 1e-9) / p : floor(v * p + 1e-9) / p;
		char *end;

		snprintf(s, sizeof(s), "%.*f", d, r);
		if (strlen(s) <= 8) {
			double back = strtod(s, &end);

			if (*end != '\0')
				return -EINVAL;
			if (up ? back < v - 1e-9 * fabs(v) : back > v + 1e-9 * fabs(v))
				continue;
			*ret = back;
			return 0;
		}
	}
	return -ERANGE;
}

static bool whole(double x)
{
	return x >= 1.0 && fabs(x - nearbyint(x)) <= 1e-9 * x;
}

static int choose_record(double rate_hz, unsigned n_channels, unsigned bytes, uint32_t want,
			 uint32_t *ret_spr, int *ret_dur_10us)
{
	static const double durations_s[] = { 1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01 };
	size_t i;

	if (want) {
		double dur = want / rate_hz * 1e5;

		if (!whole(dur) || dur < 100 || dur > 6e6)
			return -EINVAL;
		if ((uint64_t)want * n_channels * bytes > RECORD_MAX_BYTES)
			return -ERANGE;
		*ret_spr = want;
		*ret_dur_10us = (int)nearbyint(dur);
		return 0;
	}
	for (i = 0; i < sizeof(durations_s) / sizeof(durations_s[0]); i++) {
		double spr = rate_hz * durations_s[i];

		if (!whole(spr) || spr > (double)UINT32_MAX)
			continue;
		if (spr * n_channels * bytes > RECORD_MAX_BYTES)
			continue;
		*ret_spr = (uint32_t)nearbyint(spr);
		*ret_dur_10us = (int)nearbyint(durations_s[i] * 1e5);
		return 0;
	}
	return -EINVAL;
}

static int edf_fail(struct bench_edf_writer *w, const char *what)
{
	bench_log(BENCH_LOG_ERROR, "edf", "EDFlib refused %s", what);
	(void)w;
	return -EIO;
}

static void writer_free(struct bench_edf_writer *w)
{
	if (!w)
		return;
	free(w->scale);
	free(w->offset);
	free(w->step_uv);
	free(w->rec);
	free(w->annots);
	free(w);
}

static int setup_header(struct bench_edf_writer *w, const char *const *labels, const double *pmin,
			const double *pmax, int dur_10us, const struct bench_edf_writer_opts *opts)
{
	unsigned c;
	char name[32];

	if (edf_set_datarecord_duration(w->handle, dur_10us) < 0)
		return edf_fail(w, "the record duration");
	if (edf_set_number_of_annotation_signals(w->handle, (int)w->annot_per_record) < 0)
		return edf_fail(w, "the annotation signal count");
	if (opts && opts->equipment && edf_set_equipment(w->handle, opts->equipment) < 0)
		return edf_fail(w, "the equipment field");
	if (opts && opts->recording_additional &&
	    edf_set_recording_additional(w->handle, opts->recording_additional) < 0)
		return edf_fail(w, "the recording field");
	for (c = 0; c < w->n_channels; c++) {
		double lo, hi, bit;
		int rc;

		rc = fit_header_number(pmin[c], false, &lo);
		if (rc == 0)
			rc = fit_header_number(pmax[c], true, &hi);
		if (rc < 0)
			return rc;
		if (labels)
			snprintf(name, sizeof(name), "%s", labels[c]);
		else
			snprintf(name, sizeof(name), "ch%u", c + 1);
		if (edf_set_samplefrequency(w->handle, (int)c, (int)w->spr) < 0 ||
		    edf_set_physical_minimum(w->handle, (int)c, lo) < 0 ||
		    edf_set_physical_maximum(w->handle, (int)c, hi) < 0 ||
		    edf_set_digital_minimum(w->handle, (int)c, w->dig_min) < 0 ||
		    edf_set_digital_maximum(w->handle, (int)c, w->dig_max) < 0 ||
		    edf_set_label(w->handle, (int)c, name) < 0 ||
		    edf_set_physical_dimension(w->handle, (int)c, "uV") < 0)
			return edf_fail(w, "a signal parameter");
		if (opts && opts->prefilter &&
		    edf_set_prefilter(w->handle, (int)c, opts->prefilter) < 0)
			return edf_fail(w, "the prefilter field");
		/* EDFlib's reader: phys = bit * (offset + digital). */
		bit = (hi - lo) / ((double)w->dig_max - (double)w->dig_min);
		w->step_uv[c] = bit;
		w->scale[c] = 1.0 / bit;
		w->offset[c] = hi / bit - (double)w->dig_max;
	}
	return 0;
}

int bench_edf_writer_open(const char *path, enum bench_edf_format format, unsigned n_channels,
			  double rate_hz, const char *const *labels, const double *phys_min_uv,
			  const double *phys_max_uv, const struct bench_edf_writer_opts *opts,
			  struct bench_edf_writer **ret_writer)
{
	struct bench_edf_writer *w;
	unsigned c, bytes;
	int dur_10us, rc, h;

	if (!path || !phys_min_uv || !phys_max_uv || !ret_writer || !isfinite(rate_hz) ||
	    rate_hz <= 0 ||
	    (format != BENCH_EDF_FORMAT_BDFPLUS && format != BENCH_EDF_FORMAT_EDFPLUS))
		return -EINVAL;
	if (n_channels == 0)
		return -EINVAL;
	if (n_channels > BENCH_EDF_MAX_CHANNELS)
		return -ERANGE;
	if (opts && opts->annotations_per_record > BENCH_EDF_MAX_ANNOT_PER_RECORD)
		return -EINVAL;
	for (c = 0; c < n_channels; c++) {
		if (!isfinite(phys_min_uv[c]) || !isfinite(phys_max_uv[c]) ||
		    !(phys_max_uv[c] > phys_min_uv[c]))
			return -EINVAL;
		if (labels && (!labels[c] || strlen(labels[c]) > BENCH_EDF_LABEL_LEN))
			return -EINVAL;
	}

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->handle = -1;
	w->format = format;
	w->n_channels = n_channels;
	w->rate_hz = rate_hz;
	w->annot_per_record = opts && opts->annotations_per_record ? opts->annotations_per_record :
								     1;
	bytes = format == BENCH_EDF_FORMAT_BDFPLUS ? 3 : 2;
	w->dig_min = format == BENCH_EDF_FORMAT_BDFPLUS ? -8388608 : -32768;
	w->dig_max = format == BENCH_EDF_FORMAT_BDFPLUS ? 8388607 : 32767;
	rc = choose_record(rate_hz, n_channels, bytes, opts ? opts->record_frames : 0, &w->spr,
			   &dur_10us);
	if (rc < 0)
		goto err_free;
	if (w->spr > INT_MAX / 2) {
		rc = -ERANGE;
		goto err_free;
	}
	w->scale = calloc(n_channels, sizeof(double));
	w->offset = calloc(n_channels, sizeof(double));
	w->step_uv = calloc(n_channels, sizeof(double));
	w->rec = calloc((size_t)n_channels * w->spr, sizeof(int));
	if (!w->scale || !w->offset || !w->step_uv || !w->rec) {
		rc = -ENOMEM;
		goto err_free;
	}

	h = edfopen_file_writeonly(path,
				   format == BENCH_EDF_FORMAT_BDFPLUS ? EDFLIB_FILETYPE_BDFPLUS :
									EDFLIB_FILETYPE_EDFPLUS,
				   (int)n_channels);
	if (h < 0) {
		rc = h == EDFLIB_NO_SUCH_FILE_OR_DIRECTORY ? -ENOENT :
		     h == EDFLIB_MALLOC_ERROR		   ? -ENOMEM :
							     -EIO;
		bench_log(BENCH_LOG_ERROR, "edf", "%s: EDFlib cannot create the file (%d)", path,
			  h);
		goto err_free;
	}
	w->handle = h;
	rc = setup_header(w, labels, phys_min_uv, phys_max_uv, dur_10us, opts);
	if (rc < 0)
		goto err_close;
	*ret_writer = w;
	return 0;

err_close:
	edfclose_file(w->handle);
	remove(path);
err_free:
	writer_free(w);
	return rc;
}

static int flush_record(struct bench_edf_writer *w)
{
	unsigned c;

	for (c = 0; c < w->n_channels; c++) {
		if (edfwrite_digital_samples(w->handle, w->rec + (size_t)c * w->spr) < 0) {
			w->failed = true;
			return edf_fail(w, "a data record");
		}
	}
	w->records++;
	w->fill = 0;
	return 0;
}

static inline int to_digital(struct bench_edf_writer *w, unsigned c, float uv)
{
	double d;

	if (isnan(uv)) {
		w->clipped++;
		uv = 0.0f;
	}
	d = nearbyint((double)uv * w->scale[c] - w->offset[c]);
	if (d < (double)w->dig_min) {
		w->clipped++;
		d = w->dig_min;
	} else if (d > (double)w->dig_max) {
		w->clipped++;
		d = w->dig_max;
	}
	return (int)d;
}

int bench_edf_writer_write(struct bench_edf_writer *w, const float *uv, size_t frames,
			   enum bench_edf_layout layout)
{
	size_t done = 0;

	if (!w || (!uv && frames) ||
	    (layout != BENCH_EDF_LAYOUT_INTERLEAVED && layout != BENCH_EDF_LAYOUT_PLANAR))
		return -EINVAL;
	if (w->failed)
		return -EIO;
	while (done < frames) {
		size_t n = w->spr - w->fill, i;
		unsigned c;

		if (n > frames - done)
			n = frames - done;
		for (c = 0; c < w->n_channels; c++) {
			int *dst = w->rec + (size_t)c * w->spr + w->fill;

			if (layout == BENCH_EDF_LAYOUT_PLANAR) {
				const float *src = uv + (size_t)c * frames + done;

				for (i = 0; i < n; i++)
					dst[i] = to_digital(w, c, src[i]);
			} else {
				const float *src = uv + done * w->n_channels + c;

				for (i = 0; i < n; i++)
					dst[i] = to_digital(w, c, src[i * w->n_channels]);
			}
		}
		w->fill += (uint32_t)n;
		w->frames += n;
		done += n;
		if (w->fill == w->spr) {
			int rc = flush_record(w);

			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int bench_edf_writer_annotate(struct bench_edf_writer *w, int64_t onset_ns, int64_t duration_ns,
			      const char *text)
{
	struct annot *a;
	size_t len;

	if (!w || !text || onset_ns < 0)
		return -EINVAL;
	if (w->n_annots == w->cap_annots) {
		size_t cap = w->cap_annots ? w->cap_annots * 2 : 64;
		struct annot *p;

		if (cap > SIZE_MAX / sizeof(*p))
			return -ENOMEM;
		p = realloc(w->annots, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		w->annots = p;
		w->cap_annots = cap;
	}
	a = &w->annots[w->n_annots];
	a->onset_ns = onset_ns;
	a->duration_ns = duration_ns < 0 ? -1 : duration_ns;
	a->seq = w->n_annots;
	len = strlen(text);
	if (len > BENCH_EDF_ANNOTATION_LEN) {
		len = BENCH_EDF_ANNOTATION_LEN;
		/* do not cut a UTF-8 sequence in half */
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(a->text, text, len);
	a->text[len] = '\0';
	w->n_annots++;
	return 0;
}

int bench_edf_writer_annotate_samples(struct bench_edf_writer *w, uint64_t onset_sample,
				      int64_t duration_samples, const char *text)
{
	double on, dur;

	if (!w)
		return -EINVAL;
	on = nearbyint((double)onset_sample / w->rate_hz * 1e9);
	dur = duration_samples < 0 ? -1 : nearbyint((double)duration_samples / w->rate_hz * 1e9);
	if (on > 9.2e18 || dur > 9.2e18)
		return -EINVAL;
	return bench_edf_writer_annotate(w, (int64_t)on, (int64_t)dur, text);
}

uint64_t bench_edf_writer_frames(const struct bench_edf_writer *w)
{
	return w ? w->frames : 0;
}

uint64_t bench_edf_writer_clipped(const struct bench_edf_writer *w)
{
	return w ? w->clipped : 0;
}

uint32_t bench_edf_writer_record_frames(const struct bench_edf_writer *w)
{
	return w ? w->spr : 0;
}

double bench_edf_writer_step_uv(const struct bench_edf_writer *w, unsigned ch)
{
	return w && ch < w->n_channels ? w->step_uv[ch] : NAN;
}

static int annot_cmp(const void *a, const void *b)
{
	const struct annot *x = a, *y = b;

	if (x->onset_ns != y->onset_ns)
		return x->onset_ns < y->onset_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int bench_edf_writer_close(struct bench_edf_writer *w, uint64_t *ret_annots_lost)
{
	uint64_t capacity, lost = 0;
	size_t i;
	int rc = 0;

	if (ret_annots_lost)
		*ret_annots_lost = 0;
	if (!w)
		return 0;
	/* Pad the last record (or write one if nothing came) with 0 uV. */
	if (!w->failed && (w->fill > 0 || w->records == 0)) {
		uint64_t clipped = w->clipped;

		while (w->fill < w->spr) {
			unsigned c;

			for (c = 0; c < w->n_channels; c++)
				w->rec[(size_t)c * w->spr + w->fill] = to_digital(w, c, 0.0f);
			w->fill++;
		}
		w->clipped = clipped; /* padding is not the caller's data */
		rc = flush_record(w);
	}
	if (w->n_annots > 1)
		qsort(w->annots, w->n_annots, sizeof(*w->annots), annot_cmp);
	capacity = w->records * w->annot_per_record;
	for (i = 0; i < w->n_annots; i++) {
		const struct annot *a = &w->annots[i];
		long long on = (a->onset_ns + 50000) / 100000;
		long long dur = a->duration_ns < 0 ? -1 : (a->duration_ns + 50000) / 100000;

		if (i >= capacity) {
			lost++;
			continue;
		}
		if (edfwrite_annotation_utf8(w->handle, on, dur, a->text) < 0) {
			lost++;
			if (rc == 0)
				rc = edf_fail(w, "an annotation");
		}
	}
	if (edfclose_file(w->handle) < 0 && rc == 0)
		rc = edf_fail(w, "to close the file");
	if (lost && rc == 0) {
		bench_log(BENCH_LOG_WARNING, "edf", "%llu of %zu annotations did not fit",
			  (unsigned long long)lost, w->n_annots);
		rc = -ENOSPC;
	}
	if (ret_annots_lost)
		*ret_annots_lost = lost;
	writer_free(w);
	return rc;
}

void bench_edf_data_free(struct bench_edf_data *d)
{
	if (!d)
		return;
	free(d->labels);
	free(d->units);
	free(d->phys_min);
	free(d->phys_max);
	free(d->step);
	free(d->samples);
	free(d->annotations);
	free(d);
}

static int read_samples(int handle, struct bench_edf_data *d)
{
	unsigned c;

	for (c = 0; c < d->n_channels; c++) {
		double *dst = d->samples + (size_t)c * d->frames;
		uint64_t got = 0;

		while (got < d->frames) {
			uint64_t want = d->frames - got;
			int n;

			if (want > (1u << 20))
				want = 1u << 20;
			n = edfread_physical_samples(handle, (int)c, (int)want, dst + got);
			if (n <= 0)
				return -EIO;
			got += (uint64_t)n;
		}
	}
	return 0;
}

int bench_edf_read(const char *path, struct bench_edf_data **ret_data)
{
	struct edf_hdr_struct *hdr;
	struct bench_edf_data *d;
	struct stat st;
	unsigned c;
	size_t i;
	int rc = 0;

	if (!path || !ret_data)
		return -EINVAL;
	if (stat(path, &st) < 0)
		return -errno;
	hdr = calloc(1, sizeof(*hdr));
	d = calloc(1, sizeof(*d));
	if (!hdr || !d) {
		rc = -ENOMEM;
		goto err_free;
	}
	if (edfopen_file_readonly(path, hdr, EDFLIB_READ_ALL_ANNOTATIONS) < 0) {
		bench_log(BENCH_LOG_ERROR, "edf", "%s: EDFlib cannot read the file (%d)", path,
			  hdr->filetype);
		rc = hdr->filetype == EDFLIB_NO_SUCH_FILE_OR_DIRECTORY ? -ENOENT :
		     hdr->filetype == EDFLIB_MALLOC_ERROR	       ? -ENOMEM :
									 -EINVAL;
		goto err_free;
	}
	d->format = hdr->filetype == EDFLIB_FILETYPE_EDF ||
				    hdr->filetype == EDFLIB_FILETYPE_EDFPLUS ?
			    BENCH_EDF_FORMAT_EDFPLUS :
			    BENCH_EDF_FORMAT_BDFPLUS;
	if (hdr->edfsignals <= 0 || hdr->datarecord_duration <= 0) {
		rc = -EINVAL;
		goto err_close;
	}
	d->n_channels = (unsigned)hdr->edfsignals;
	d->rate_hz = (double)hdr->signalparam[0].smp_in_datarecord * EDFLIB_TIME_DIMENSION /
		     (double)hdr->datarecord_duration;
	d->frames = (uint64_t)hdr->signalparam[0].smp_in_file;
	if (d->frames > INT32_MAX) {
		rc = -EFBIG;
		goto err_close;
	}
	for (c = 1; c < d->n_channels; c++) {
		if (hdr->signalparam[c].smp_in_datarecord !=
		    hdr->signalparam[0].smp_in_datarecord) {
			rc = -EINVAL;
			goto err_close;
		}
	}
	d->labels = calloc(d->n_channels, sizeof(*d->labels));
	d->units = calloc(d->n_channels, sizeof(*d->units));
	d->phys_min = calloc(d->n_channels, sizeof(double));
	d->phys_max = calloc(d->n_channels, sizeof(double));
	d->step = calloc(d->n_channels, sizeof(double));
	d->samples = calloc((size_t)d->n_channels * (d->frames ? d->frames : 1), sizeof(double));
	d->n_annotations = (size_t)hdr->annotations_in_file;
	d->annotations = calloc(d->n_annotations ? d->n_annotations : 1, sizeof(*d->annotations));
	if (!d->labels || !d->units || !d->phys_min || !d->phys_max || !d->step || !d->samples ||
	    !d->annotations) {
		rc = -ENOMEM;
		goto err_close;
	}
	for (c = 0; c < d->n_channels; c++) {
		const struct edf_param_struct *p = &hdr->signalparam[c];
		size_t n;

		snprintf(d->labels[c], sizeof(d->labels[c]), "%s", p->label);
		/* EDF pads labels with spaces */
		n = strlen(d->labels[c]);
		while (n > 0 && d->labels[c][n - 1] == ' ')
			d->labels[c][--n] = '\0';
		snprintf(d->units[c], sizeof(d->units[c]), "%s", p->physdimension);
		n = strlen(d->units[c]);
		while (n > 0 && d->units[c][n - 1] == ' ')
			d->units[c][--n] = '\0';
		d->phys_min[c] = p->phys_min;
		d->phys_max[c] = p->phys_max;
		d->step[c] = (p->phys_max - p->phys_min) /
			     ((double)p->dig_max - (double)p->dig_min);
	}
	rc = read_samples(hdr->handle, d);
	if (rc < 0)
		goto err_close;
	for (i = 0; i < d->n_annotations; i++) {
		struct edf_annotation_struct a;

		if (edf_get_annotation(hdr->handle, (int)i, &a) < 0) {
			rc = -EIO;
			goto err_close;
		}
		d->annotations[i].onset_ns = a.onset * 100;
		d->annotations[i].duration_ns = a.duration[0] ? a.duration_l * 100 : -1;
		{
			size_t n = strnlen(a.annotation, sizeof(d->annotations[i].text) - 1);

			memcpy(d->annotations[i].text, a.annotation, n);
			d->annotations[i].text[n] = '\0';
		}
	}
	edfclose_file(hdr->handle);
	free(hdr);
	*ret_data = d;
	return 0;

err_close:
	edfclose_file(hdr->handle);
err_free:
	free(hdr);
	bench_edf_data_free(d);
	return rc;
}
