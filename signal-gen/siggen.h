/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsiggen: synthetic neural and metrology signals with ground truth,
 * seeded and bit-reproducible, streamed in blocks of any size.
 *
 * Units: samples are float microvolts (uV) at the DUT input; rates in Hz;
 * times in samples (uint64_t, from the first sample) unless a name says _s or
 * _ms. Model parameters are doubles in the unit their table states
 * (siggen_model_param()).
 *
 * A spec (struct siggen_spec) says the rate, the channel count and names, the
 * duration, and a list of sources: each source is one model with parameters,
 * routed onto some channels with a gain per channel. It comes from a
 * <stimulus> XML element (schemas/stimulus.xsd) or is built in code. A
 * generator (struct siggen) streams the sum of the sources for a seed, and the
 * ground truth as an event list.
 *
 * Determinism: every random choice comes from a xoshiro256** stream seeded by
 * SplitMix64 from (seed, source, channel, purpose); each stream is consumed in
 * sample order only, so the same spec and seed give bit-identical samples and
 * events whatever block sizes are used to read them. Different seeds give
 * independent streams.
 *
 * The same holds whatever the number of threads a generator uses
 * (siggen_open2()): channels are split between threads, every stream belongs
 * to one (source, channel), and each sample is summed in spec order.
 *
 * Errors: functions return 0 (or a count) or a negative errno. Parse errors
 * are written to the caller's buffer as "FILE:LINE: message". The library
 * never prints or exits. Objects are not thread-safe (a generator's own
 * helper threads are internal); distinct objects may be used from distinct
 * threads.
 */
#ifndef SIGGEN_SIGGEN_H
#define SIGGEN_SIGGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct _xmlNode;

/* Limits (a spec beyond them is -ERANGE): */
#define SIGGEN_MAX_CHANNELS 4096
#define SIGGEN_MAX_SOURCES 64
#define SIGGEN_MAX_RATE_HZ 1e6
#define SIGGEN_MAX_FRAMES (UINT64_C(1) << 40) /* ~ 1 year at 30 kS/s */
#define SIGGEN_NAME_LEN 15		      /* channel name, bytes without the NUL */
#define SIGGEN_ID_LEN 31		      /* source id, bytes without the NUL */
#define SIGGEN_MAX_THREADS 64

enum siggen_layout {
	SIGGEN_LAYOUT_PLANAR,	   /* channel c at out[c * frames + i] */
	SIGGEN_LAYOUT_INTERLEAVED, /* channel c at out[i * channels + c] */
	SIGGEN_LAYOUT_COUNT,
};

/* How a source reaches the DUT (metrology): see siggen_read2(). */
enum siggen_routing {
	SIGGEN_ROUTING_DIFFERENTIAL, /* between each routed input and the reference */
	SIGGEN_ROUTING_COMMON,	     /* on all inputs and the reference alike */
	SIGGEN_ROUTING_COUNT,
};

/* Ground-truth event types. */
enum siggen_event_type {
	SIGGEN_EVENT_BACKGROUND, /* a continuous source starts: eeg, lfp, noise, mains, drift */
	SIGGEN_EVENT_SPIKE,	 /* label = unit id (channel-local, 0..), amplitude = peak uV */
	SIGGEN_EVENT_BETA_BURST, /* LFP beta burst; value = frequency Hz */
	SIGGEN_EVENT_ERP,	 /* oddball trial; label 1 target, 0 non-target */
	SIGGEN_EVENT_SSVEP,	 /* SSVEP trial; label = class, value = frequency Hz */
	SIGGEN_EVENT_MI,	 /* motor-imagery trial; label = class (0 left, 1 right, 2 feet) */
	SIGGEN_EVENT_SEIZURE,	 /* seizure onset..offset */
	SIGGEN_EVENT_BLINK,
	SIGGEN_EVENT_EMG,
	SIGGEN_EVENT_POP, /* electrode pop on one channel */
	SIGGEN_EVENT_MOTION,
	SIGGEN_EVENT_WAVEFORM, /* a metrology waveform; value = frequency Hz (0 if none) */
	SIGGEN_EVENT_STIM,     /* one biphasic stimulation pulse */
	SIGGEN_EVENT_ECG,      /* a heartbeat; peak = R wave, value = bpm of the next RR interval */
	SIGGEN_EVENT_POSTICTAL,	    /* suppression after a seizure; peak = recovery starts,
				 * value = depth (fraction of amplitude removed) */
	SIGGEN_EVENT_STIM_ARTIFACT, /* artifact of one stimulation pulse on recording channels;
				     * end = pulse end + 5 tail time constants */
	SIGGEN_EVENT_SATURATION,    /* front end over range: held at the rail, then recovering;
				  * peak = recovery starts, amplitude = the rail */
	SIGGEN_EVENT_SPELLER_CUE,   /* P300 speller selection: label = target symbol (row x
				     * matrix + column), start = first flash, end = one SOA after
				     * the last flash, amplitude = P300 uV, value = repetitions */
	SIGGEN_EVENT_SPELLER_FLASH, /* one row/column flash: label = stimulus code (rows 0..M-1,
				     * columns M..2M-1), peak = P300 peak, amplitude = its P300 uV
				     * (0 on a non-target flash), value = 1 target / 0 non-target */
	SIGGEN_EVENT_TYPE_COUNT,
};

/*
 * One ground-truth event. Times are sample indices from the first sample;
 * end is exclusive. channel is an output channel, or -1 for every channel the
 * source is routed to. amplitude_uv is at the model (before the routing gain)
 * for channel -1, after the gain for a single channel.
 */
struct siggen_event {
	enum siggen_event_type type;
	int32_t channel;
	uint64_t start;
	uint64_t end;
	uint64_t peak;	 /* sample of the extremum (spikes), else = start */
	int32_t label;	 /* unit id, class, or 0 */
	uint16_t source; /* index of the source in the spec */
	float amplitude_uv;
	float value; /* model-specific (frequency in Hz for oscillatory events) */
};

/* One model parameter (see siggen_model_param()). */
struct siggen_param_info {
	const char *name; /* e.g. "rate_hz" */
	const char *unit; /* e.g. "Hz", "uV", "s", "" */
	double def, min, max;
	const char *doc;
};

struct siggen_spec;
struct siggen;

/* ---- models ---- */

/* Number of models; model i has the name siggen_model_name(i). */
size_t siggen_model_count(void);
/* NULL if @i is out of range. */
const char *siggen_model_name(size_t i);
/* One line on what the model makes. */
const char *siggen_model_doc(size_t i);
/* Parameter @k of model @i, or NULL past the last. */
const struct siggen_param_info *siggen_model_param(size_t i, size_t k);
/* Index of model @name. Return: index, -ENOENT. */
int siggen_model_find(const char *name);

/**
 * siggen_coherent_freq() - the frequency nearest @f_hz with an odd whole
 * number J of cycles in @record_frames samples: J * rate_hz / record_frames,
 * J odd (so coprime to a power-of-two record) and 1 <= J < record_frames / 2.
 *
 * Return: the frequency in Hz, or 0 if none exists.
 */
double siggen_coherent_freq(double rate_hz, uint64_t record_frames, double f_hz);

/* ---- specs ---- */

/**
 * siggen_spec_new() - an empty spec (no sources).
 * @rate_hz:    sample rate, (0, SIGGEN_MAX_RATE_HZ].
 * @channels:   1..SIGGEN_MAX_CHANNELS; named by 10-20/10-10 names when there
 *              are at most 64, else "ch1", "ch2", ...
 * @duration_s: > 0; frames = round(duration_s * rate_hz), at most
 *              SIGGEN_MAX_FRAMES.
 * Return: 0, -EINVAL (not finite or not positive), -ERANGE (too big), -ENOMEM.
 */
int siggen_spec_new(double rate_hz, unsigned channels, double duration_s,
		    struct siggen_spec **ret_spec);

/**
 * siggen_spec_add_source() - add one model to a spec.
 * @model:    a model name (siggen_model_find()).
 * @id:       source id for parameter overrides, or NULL for "<model><index>".
 * @channels: "0-3,7" (0-based, ranges inclusive), or NULL/"" for all.
 * @gain:     gain applied on every routed channel (finite).
 * @ret_index: if not NULL, receives the source index.
 *
 * Parameters start at their defaults. Return: 0, -ENOENT (unknown model),
 * -EINVAL (bad channel list, gain or duplicate id), -ERANGE (too many
 * sources), -ENOMEM.
 */
int siggen_spec_add_source(struct siggen_spec *spec, const char *model, const char *id,
			   const char *channels, double gain, unsigned *ret_index);

/* Sets the routing of source @index. Return: 0, -EINVAL. */
int siggen_spec_set_routing(struct siggen_spec *spec, unsigned index, enum siggen_routing routing);

/**
 * siggen_spec_set_param() - override a parameter by name.
 * @name:  "param" (every source whose model has it) or "id.param" (one source).
 * @value: in the parameter's unit; must be finite and within its range.
 *
 * Return: 0, -ENOENT (no source has it), -EINVAL (NaN/inf), -ERANGE (out of
 * the parameter's range).
 */
int siggen_spec_set_param(struct siggen_spec *spec, const char *name, double value);

/* Reads back a parameter ("id.param" or the first source's "param"). Return: 0, -ENOENT. */
int siggen_spec_get_param(const struct siggen_spec *spec, const char *name, double *ret_value);

/* Renames channel @ch (at most SIGGEN_NAME_LEN bytes). Return: 0, -EINVAL. */
int siggen_spec_set_channel_name(struct siggen_spec *spec, unsigned ch, const char *name);

/**
 * siggen_spec_parse_file() - read and validate a file whose root is <stimulus>.
 * @err: receives "FILE:LINE: message" on -EINVAL (may be NULL).
 *
 * Return: 0; -ENOENT (no such file); -EINVAL (not well-formed, XSD-invalid
 * or semantically wrong: unknown model or parameter, out-of-range value,
 * channel out of range); -ERANGE (beyond the limits above); -ENOMEM.
 */
int siggen_spec_parse_file(const char *path, struct siggen_spec **ret_spec, char *err,
			   size_t errlen);

/**
 * siggen_spec_parse_node() - the same for a <stimulus> element inside another
 * document (a protocol). @filename is only used in error messages; line
 * numbers are those of @node's document. The element is validated against
 * the stimulus XSD on its own.
 */
int siggen_spec_parse_node(struct _xmlNode *node, const char *filename,
			   struct siggen_spec **ret_spec, char *err, size_t errlen);

/* Parses XML text held in memory (for tests and for embedding). */
int siggen_spec_parse_memory(const char *xml, size_t len, const char *filename,
			     struct siggen_spec **ret_spec, char *err, size_t errlen);

/**
 * siggen_spec_from_model() - a spec with one source @model on every channel.
 * Return: as siggen_spec_new() and siggen_spec_add_source().
 */
int siggen_spec_from_model(const char *model, unsigned channels, double rate_hz, double duration_s,
			   struct siggen_spec **ret_spec);

/* Deep copy. Return: 0, -ENOMEM. */
int siggen_spec_copy(const struct siggen_spec *spec, struct siggen_spec **ret_copy);

void siggen_spec_free(struct siggen_spec *spec);

unsigned siggen_spec_channels(const struct siggen_spec *spec);
double siggen_spec_rate_hz(const struct siggen_spec *spec);
uint64_t siggen_spec_frames(const struct siggen_spec *spec);
unsigned siggen_spec_sources(const struct siggen_spec *spec);
/* Model name of source @index, or NULL. */
const char *siggen_spec_source_model(const struct siggen_spec *spec, unsigned index);

/* ---- generators ---- */

/**
 * siggen_open() - a generator for @spec and @seed.
 * @spec: copied; the caller may free it afterwards.
 *
 * Return: 0, -EINVAL (spec without sources), -ENOMEM.
 */
int siggen_open(const struct siggen_spec *spec, uint64_t seed, struct siggen **ret_gen);

/* Options for siggen_open2(); zero-initialise, then set what you need. */
struct siggen_opts {
	/*
	 * Threads rendering each block, the caller's included: 0 or 1 = the
	 * caller's thread only; at most SIGGEN_MAX_THREADS; more threads than
	 * channels are not started. Samples and events do not depend on it.
	 */
	unsigned threads;
};

/**
 * siggen_open2() - siggen_open() with options (@opts may be NULL).
 *
 * With threads > 1 the generator starts threads - 1 helper threads that
 * live until siggen_close(); each siggen_read() splits the channels of the
 * sources that support it between them and the caller (sources that do not,
 * common-mode ones, and the events' serial part run on the caller's thread).
 * The helpers do not survive fork(): a child must not read a generator its
 * parent opened with threads > 1 (open a new one in the child).
 *
 * Return: 0, -EINVAL (spec without sources, threads > SIGGEN_MAX_THREADS),
 * -ENOMEM, -EAGAIN (the system refused a thread).
 */
int siggen_open2(const struct siggen_spec *spec, uint64_t seed, const struct siggen_opts *opts,
		 struct siggen **ret_gen);

/* Threads the generator renders with (>= 1), or 0 for NULL. */
unsigned siggen_threads(const struct siggen *gen);

/**
 * siggen_read() - the next @frames frames (or fewer at the end).
 * @out_uv: channels x @frames floats in @layout.
 *
 * Return: frames written (0 at the end), -EINVAL (NULL or bad layout).
 */
int64_t siggen_read(struct siggen *gen, float *out_uv, size_t frames, enum siggen_layout layout);

/**
 * siggen_read2() - siggen_read() that also returns the common-mode drive:
 * the sum of the sources routed SIGGEN_ROUTING_COMMON (one signal, uV, to be
 * applied to every input and the reference together). Such sources add
 * nothing to @out_uv. @cm_uv may be NULL (the common-mode signal is dropped).
 */
int64_t siggen_read2(struct siggen *gen, float *out_uv, float *cm_uv, size_t frames,
		     enum siggen_layout layout);

unsigned siggen_channels(const struct siggen *gen);
double siggen_rate_hz(const struct siggen *gen);
uint64_t siggen_total_frames(const struct siggen *gen);
/* Frames read so far. */
uint64_t siggen_position(const struct siggen *gen);
/* Name of channel @ch, or NULL. */
const char *siggen_channel_name(const struct siggen *gen, unsigned ch);
/* The largest |sample| the spec can produce is not bounded (noise); this is a
 * suggested physical range in uV (covers every source's peak with margin). */
double siggen_suggested_range_uv(const struct siggen *gen);

/**
 * siggen_truth() - events whose start sample has been read and that were not
 * yet dropped with siggen_truth_drop(), sorted by (start, source, channel,
 * label). The order does not depend on block sizes.
 * @ret_n: receives the count.
 *
 * Return: a pointer valid until the next read or drop. For constant memory
 * over long runs, drop events as you consume them.
 */
const struct siggen_event *siggen_truth(const struct siggen *gen, size_t *ret_n);

/* Drops the first @n events returned by siggen_truth(). */
void siggen_truth_drop(struct siggen *gen, size_t n);

/* Lowercase name of an event type ("spike", ...), or NULL. */
const char *siggen_event_type_name(enum siggen_event_type type);

/* Formats @ev as short text for an annotation ("spike u2 -153.4uV"). Return: snprintf's. */
int siggen_event_format(const struct siggen_event *ev, char *buf, size_t len);

void siggen_close(struct siggen *gen);

#endif /* SIGGEN_SIGGEN_H */
