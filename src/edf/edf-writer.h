/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BDF+ (24-bit) and EDF+ (16-bit) files through EDFlib: a streaming writer
 * that takes float microvolt blocks of any size, and a whole-file reader for
 * tests and rescoring.
 *
 * Units: samples are microvolts (uV) at the DUT input; the header's physical
 * dimension is "uV" and its physical range is the caller's range rounded
 * outward to what the 8-character header field can hold, so EDFbrowser, MNE and
 * EDFlib show true microvolts. Times are sample indices or nanoseconds.
 *
 * The writer converts uV to digital codes itself (round to nearest, clip to
 * the digital range, count clipped samples) so a value read back differs from
 * the value written by at most half a step: (phys_max - phys_min) / (2^24 - 1)
 * for BDF+, / (2^16 - 1) for EDF+.
 *
 * EDFlib limits that callers see: at most 512 data channels here (EDFlib's
 * limit is 640 signals including annotation signals), labels of 16
 * characters, annotation text of 40 bytes, annotation onsets with 100 us
 * resolution, and at most annotations_per_record annotations per data record
 * (EDFlib stores one annotation per annotation signal and record). Annotations
 * beyond that capacity are dropped in onset order and reported by close().
 *
 * Not thread-safe: EDFlib keeps global state, so use one writer or reader at a
 * time per thread and do not share a writer.
 */
#ifndef BENCH_EDF_EDF_WRITER_H
#define BENCH_EDF_EDF_WRITER_H

#include <stddef.h>
#include <stdint.h>

enum bench_edf_format {
	BENCH_EDF_FORMAT_BDFPLUS, /* 24-bit, "BIOSEMI" header, BDF+ continuous */
	BENCH_EDF_FORMAT_EDFPLUS, /* 16-bit, EDF+ continuous */
	BENCH_EDF_FORMAT_COUNT,
};

/* Sample layout of a block passed to bench_edf_writer_write(). */
enum bench_edf_layout {
	BENCH_EDF_LAYOUT_INTERLEAVED, /* frame 0 ch 0, frame 0 ch 1, ..., frame 1 ch 0, ... */
	BENCH_EDF_LAYOUT_PLANAR,      /* ch 0 frames 0..n-1, then ch 1, ... (stride = frames) */
	BENCH_EDF_LAYOUT_COUNT,
};

#define BENCH_EDF_MAX_CHANNELS 512
#define BENCH_EDF_LABEL_LEN 16	    /* bytes, without the NUL */
#define BENCH_EDF_ANNOTATION_LEN 40 /* bytes of annotation text kept, without the NUL */
#define BENCH_EDF_MAX_ANNOT_PER_RECORD 64

/*
 * Options for bench_edf_writer_open(). Zero-initialise and set what you need;
 * zero/NULL fields take the default named in each comment.
 */
struct bench_edf_writer_opts {
	/*
	 * Samples per channel in one data record. 0: the largest of rate x
	 * {1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01} s that is a whole number of
	 * samples and keeps a record under 4 MiB. The record duration
	 * (record_frames / rate_hz) must be a whole number of 10 us.
	 */
	uint32_t record_frames;
	/* Annotations one data record can hold (1..64). 0: 1. */
	unsigned annotations_per_record;
	/* Header fields (ASCII, truncated to 80 bytes). NULL: left empty. */
	const char *equipment;
	const char *recording_additional;
	/* Per-channel prefilter text, e.g. "HP:0.1Hz LP:100Hz"; NULL: empty. */
	const char *prefilter;
};

struct bench_edf_writer;

/**
 * bench_edf_writer_open() - create a BDF+/EDF+ file for writing.
 * @path:        file to create (an existing file is overwritten).
 * @format:      BENCH_EDF_FORMAT_BDFPLUS or BENCH_EDF_FORMAT_EDFPLUS.
 * @n_channels:  data channels, 1..BENCH_EDF_MAX_CHANNELS.
 * @rate_hz:     sampling rate of every channel, > 0.
 * @labels:      @n_channels labels (borrowed, copied; longer than 16 bytes is
 *               -EINVAL), or NULL for "ch1", "ch2", ...
 * @phys_min_uv: @n_channels physical minima in uV (borrowed, copied).
 * @phys_max_uv: @n_channels physical maxima in uV; each > its minimum.
 * @opts:        options, or NULL for the defaults.
 * @ret_writer:  the new writer on success (free with bench_edf_writer_close()).
 *
 * Return: 0; -EINVAL (bad argument: non-finite or empty range, rate that
 * gives no whole record, label too long); -ERANGE (too many channels or
 * samples per record); -ENOENT (directory missing); -EIO (EDFlib refused);
 * -ENOMEM.
 */
int bench_edf_writer_open(const char *path, enum bench_edf_format format, unsigned n_channels,
			  double rate_hz, const char *const *labels, const double *phys_min_uv,
			  const double *phys_max_uv, const struct bench_edf_writer_opts *opts,
			  struct bench_edf_writer **ret_writer);

/**
 * bench_edf_writer_write() - append @frames frames of float microvolts.
 * @w:      the writer.
 * @uv:     samples (borrowed), n_channels x @frames in @layout. NaN is written
 *          as 0 uV and counted as clipped; values beyond the physical range are
 *          clipped to it and counted.
 * @frames: any number, including 0; whole data records are written as they
 *          fill, the rest is kept for the next call.
 * @layout: BENCH_EDF_LAYOUT_INTERLEAVED or BENCH_EDF_LAYOUT_PLANAR.
 *
 * Return: 0; -EINVAL (bad layout or NULL); -EIO (write failed; the writer is
 * then only good for close()).
 */
int bench_edf_writer_write(struct bench_edf_writer *w, const float *uv, size_t frames,
			   enum bench_edf_layout layout);

/**
 * bench_edf_writer_annotate() - add an annotation (ground truth, an event).
 * @w:           the writer.
 * @onset_ns:    onset from the first sample, ns, >= 0 (stored to 100 us).
 * @duration_ns: duration in ns, or -1 for "no duration".
 * @text:        UTF-8 text (borrowed, copied; cut to 40 bytes).
 *
 * Annotations may be added in any order and at any time before close; they
 * are sorted by onset when the file is closed.
 *
 * Return: 0; -EINVAL (negative onset, NULL text); -ENOMEM.
 */
int bench_edf_writer_annotate(struct bench_edf_writer *w, int64_t onset_ns, int64_t duration_ns,
			      const char *text);

/* Same, with the onset and duration in samples at the file's rate. */
int bench_edf_writer_annotate_samples(struct bench_edf_writer *w, uint64_t onset_sample,
				      int64_t duration_samples, const char *text);

/* Frames written so far (including those still buffered). */
uint64_t bench_edf_writer_frames(const struct bench_edf_writer *w);

/* Samples clipped to the physical range (or NaN) so far, over all channels. */
uint64_t bench_edf_writer_clipped(const struct bench_edf_writer *w);

/* Samples per channel in one data record (what the last record is padded to). */
uint32_t bench_edf_writer_record_frames(const struct bench_edf_writer *w);

/* Digital step of channel @ch in uV, as the file will state it. */
double bench_edf_writer_step_uv(const struct bench_edf_writer *w, unsigned ch);

/**
 * bench_edf_writer_close() - finish the file and free the writer.
 * @w:               the writer, or NULL (then returns 0).
 * @ret_annots_lost: if not NULL, receives the number of annotations that did
 *                   not fit (always written, even on error).
 *
 * A partial last record is padded with 0 uV (the file's duration is then a
 * whole number of records). Annotations are written sorted by onset, as many
 * as the records can hold.
 *
 * Return: 0; -ENOSPC (some annotations did not fit; the file is otherwise
 * complete); -EIO (a write failed; the file is incomplete).
 */
int bench_edf_writer_close(struct bench_edf_writer *w, uint64_t *ret_annots_lost);

/* One annotation read back from a file. */
struct bench_edf_annotation {
	int64_t onset_ns;    /* from the start of the file, 100 ns resolution */
	int64_t duration_ns; /* -1 if the file gives none */
	char text[BENCH_EDF_ANNOTATION_LEN * 4 + 1];
};

/* A whole EDF/EDF+/BDF/BDF+ file in memory (see bench_edf_read()). */
struct bench_edf_data {
	enum bench_edf_format format; /* EDF and BDF without "+" map to the "+" value */
	unsigned n_channels;
	double rate_hz;	 /* of channel 0 */
	uint64_t frames; /* samples per channel (channel 0) */
	char (*labels)[BENCH_EDF_LABEL_LEN + 1];
	char (*units)[9]; /* physical dimension per channel, e.g. "uV" */
	double *phys_min; /* per channel, as stated in the header */
	double *phys_max;
	double *step;	 /* (phys_max - phys_min) / (dig_max - dig_min) */
	double *samples; /* planar: channel c at samples[c * frames] */
	size_t n_annotations;
	struct bench_edf_annotation *annotations;
};

/**
 * bench_edf_read() - read a whole file with EDFlib (for tests and rescoring).
 * @path:     the file.
 * @ret_data: the contents on success (free with bench_edf_data_free()).
 *
 * Every channel must have the rate of channel 0.
 *
 * Return: 0; -ENOENT (no such file); -EINVAL (not a valid EDF/BDF file, or
 * channels of different rates); -EFBIG (more than 2^31 samples per channel);
 * -EIO; -ENOMEM.
 */
int bench_edf_read(const char *path, struct bench_edf_data **ret_data);

/* Frees what bench_edf_read() returned; NULL is fine. */
void bench_edf_data_free(struct bench_edf_data *data);

/* "BDF+" / "EDF+"; NULL for a bad value. */
const char *bench_edf_format_name(enum bench_edf_format format);

#endif /* BENCH_EDF_EDF_WRITER_H */
