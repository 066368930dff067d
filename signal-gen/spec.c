// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stimulus specs built in code: rate (Hz), channels and their names, duration
 * (frames), sources with model parameters in their physical units, routing
 * and gains. Also the model registry and the 10-20/10-10 channel names.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siggen-internal.h"

const struct sg_model *const sg_models[] = {
	&sg_model_eeg,		 &sg_model_spikes,  &sg_model_lfp,	  &sg_model_noise,
	&sg_model_erp,		 &sg_model_ssvep,   &sg_model_mi,	  &sg_model_seizure,
	&sg_model_blink,	 &sg_model_emg,	    &sg_model_mains,	  &sg_model_pop,
	&sg_model_drift,	 &sg_model_motion,  &sg_model_sine,	  &sg_model_square,
	&sg_model_triangle,	 &sg_model_chirp,   &sg_model_multitone,  &sg_model_impulse,
	&sg_model_dc_step,	 &sg_model_silence, &sg_model_stim,	  &sg_model_ecg,
	&sg_model_stim_artifact, &sg_model_prbs,    &sg_model_saturation, &sg_model_p300speller,
};
const size_t sg_n_models = sizeof(sg_models) / sizeof(sg_models[0]);

/* 10-10 names in an order whose first 19/21 are the classic 10-20 montage. */
static const char *const names_1010[] = {
	"Fp1", "Fp2", "F7", "F3", "Fz",	 "F4",	"F8",  "T7",  "C3",  "Cz",  "C4",  "T8",   "P7",
	"P3",  "Pz",  "P4", "P8", "O1",	 "O2",	"Oz",  "Fpz", "AF7", "AF3", "AFz", "AF4",  "AF8",
	"F5",  "F1",  "F2", "F6", "FT7", "FC5", "FC3", "FC1", "FCz", "FC2", "FC4", "FC6",  "FT8",
	"C5",  "C1",  "C2", "C6", "TP7", "CP5", "CP3", "CP1", "CPz", "CP2", "CP4", "CP6",  "TP8",
	"P5",  "P1",  "P2", "P6", "PO7", "PO3", "POz", "PO4", "PO8", "Iz",  "TP9", "TP10",
};

const char *sg_default_name(unsigned ch, unsigned channels, char *buf, size_t len)
{
	if (channels <= sizeof(names_1010) / sizeof(names_1010[0]))
		return names_1010[ch];
	snprintf(buf, len, "ch%u", ch + 1);
	return buf;
}

int sg_name_side(const char *name)
{
	size_t n = strlen(name);
	char last;

	if (n < 2)
		return 0;
	last = name[n - 1];
	if (last == 'z' || last == 'Z')
		return 0;
	if (last >= '0' && last <= '9') {
		int d = last - '0';

		if (n >= 3 && name[n - 2] == '1') /* TP10, ... */
			d += 10;
		return d % 2 ? -1 : 1;
	}
	return 0;
}

double sg_name_posterior(const char *name)
{
	if (name[0] == 'O' || name[0] == 'I' || (name[0] == 'P' && name[1] != 'r'))
		return 1.0;
	if (name[0] == 'C' || name[0] == 'T')
		return 0.6;
	if (name[0] == 'F' || name[0] == 'A')
		return 0.3;
	return 1.0;
}

size_t siggen_model_count(void)
{
	return sg_n_models;
}

const char *siggen_model_name(size_t i)
{
	return i < sg_n_models ? sg_models[i]->name : NULL;
}

const char *siggen_model_doc(size_t i)
{
	return i < sg_n_models ? sg_models[i]->doc : NULL;
}

const struct siggen_param_info *siggen_model_param(size_t i, size_t k)
{
	size_t j;

	if (i >= sg_n_models)
		return NULL;
	for (j = 0; j <= k; j++)
		if (!sg_models[i]->params[j].name)
			return NULL;
	return &sg_models[i]->params[k];
}

int siggen_model_find(const char *name)
{
	size_t i;

	if (!name)
		return -ENOENT;
	for (i = 0; i < sg_n_models; i++)
		if (strcmp(sg_models[i]->name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int sg_param_index(const struct sg_model *m, const char *name)
{
	int k;

	for (k = 0; m->params[k].name; k++)
		if (strcmp(m->params[k].name, name) == 0)
			return k;
	return -1;
}

double siggen_coherent_freq(double rate_hz, uint64_t record_frames, double f_hz)
{
	double j;

	if (!(rate_hz > 0) || record_frames < 4 || !(f_hz > 0))
		return 0;
	j = nearbyint(f_hz * (double)record_frames / rate_hz);
	if ((uint64_t)j % 2 == 0)
		j += (f_hz * (double)record_frames / rate_hz >= j) ? 1 : -1;
	if (j < 1)
		j = 1;
	while (j >= (double)record_frames / 2)
		j -= 2;
	if (j < 1)
		return 0;
	return j * rate_hz / (double)record_frames;
}

int siggen_spec_new(double rate_hz, unsigned channels, double duration_s,
		    struct siggen_spec **ret_spec)
{
	struct siggen_spec *s;
	double frames;
	unsigned c;

	if (!ret_spec || !isfinite(rate_hz) || !isfinite(duration_s) || rate_hz <= 0 ||
	    duration_s <= 0 || channels == 0)
		return -EINVAL;
	if (rate_hz > SIGGEN_MAX_RATE_HZ || channels > SIGGEN_MAX_CHANNELS)
		return -ERANGE;
	frames = nearbyint(duration_s * rate_hz);
	if (frames < 1)
		return -EINVAL;
	if (frames > (double)SIGGEN_MAX_FRAMES)
		return -ERANGE;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->names = calloc(channels, sizeof(*s->names));
	if (!s->names) {
		free(s);
		return -ENOMEM;
	}
	s->rate_hz = rate_hz;
	s->channels = channels;
	s->frames = (uint64_t)frames;
	for (c = 0; c < channels; c++) {
		char buf[SIGGEN_NAME_LEN + 1];

		snprintf(s->names[c], sizeof(s->names[c]), "%s",
			 sg_default_name(c, channels, buf, sizeof(buf)));
	}
	*ret_spec = s;
	return 0;
}

void siggen_spec_free(struct siggen_spec *s)
{
	unsigned i;

	if (!s)
		return;
	for (i = 0; i < s->n_src; i++) {
		free(s->src[i].route);
		free(s->src[i].gain);
	}
	free(s->names);
	free(s);
}

static int parse_uint(const char **p, unsigned long *ret)
{
	char *end;
	unsigned long v;

	while (**p == ' ')
		(*p)++;
	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(*p, &end, 10);
	if (errno)
		return -EINVAL;
	*p = end;
	while (**p == ' ')
		(*p)++;
	*ret = v;
	return 0;
}

/* Parses "0-3,7" into a sorted-as-given list of channels < @channels. */
static int parse_channels(const char *list, unsigned channels, unsigned **ret, unsigned *ret_n)
{
	unsigned *out = NULL, n = 0, cap = 0;
	const char *p = list;

	if (!list || !*list) {
		unsigned c;

		out = malloc(channels * sizeof(*out));
		if (!out)
			return -ENOMEM;
		for (c = 0; c < channels; c++)
			out[c] = c;
		*ret = out;
		*ret_n = channels;
		return 0;
	}
	for (;;) {
		unsigned long a, b, c;

		if (parse_uint(&p, &a) < 0)
			goto err;
		b = a;
		if (*p == '-') {
			p++;
			if (parse_uint(&p, &b) < 0)
				goto err;
		}
		if (b < a || b >= channels)
			goto err;
		for (c = a; c <= b; c++) {
			unsigned k;

			for (k = 0; k < n; k++)
				if (out[k] == c)
					goto err; /* duplicate */
			if (n == cap) {
				unsigned *q;

				cap = cap ? cap * 2 : 16;
				q = realloc(out, cap * sizeof(*q));
				if (!q) {
					free(out);
					return -ENOMEM;
				}
				out = q;
			}
			out[n++] = (unsigned)c;
		}
		if (*p == '\0')
			break;
		if (*p != ',')
			goto err;
		p++;
	}
	*ret = out;
	*ret_n = n;
	return 0;
err:
	free(out);
	return -EINVAL;
}

int siggen_spec_add_source(struct siggen_spec *spec, const char *model, const char *id,
			   const char *channels, double gain, unsigned *ret_index)
{
	struct sg_source_spec *ss;
	const struct sg_model *m;
	unsigned i, k;
	int mi, rc;

	if (!spec)
		return -EINVAL;
	mi = siggen_model_find(model);
	if (mi < 0)
		return -ENOENT;
	if (!isfinite(gain))
		return -EINVAL;
	if (spec->n_src >= SIGGEN_MAX_SOURCES)
		return -ERANGE;
	if (id && (!*id || strlen(id) > SIGGEN_ID_LEN || strchr(id, '.')))
		return -EINVAL;
	m = sg_models[mi];
	ss = &spec->src[spec->n_src];
	memset(ss, 0, sizeof(*ss));
	if (id)
		snprintf(ss->id, sizeof(ss->id), "%s", id);
	else
		snprintf(ss->id, sizeof(ss->id), "%s%u", m->name, spec->n_src);
	for (i = 0; i < spec->n_src; i++)
		if (strcmp(spec->src[i].id, ss->id) == 0)
			return -EINVAL;
	rc = parse_channels(channels, spec->channels, &ss->route, &ss->n_route);
	if (rc < 0)
		return rc;
	ss->gain = malloc(ss->n_route * sizeof(float));
	if (!ss->gain) {
		free(ss->route);
		ss->route = NULL;
		return -ENOMEM;
	}
	for (k = 0; k < ss->n_route; k++)
		ss->gain[k] = (float)gain;
	ss->model = mi;
	for (k = 0; m->params[k].name; k++)
		ss->p[k] = m->params[k].def;
	ss->routing = SIGGEN_ROUTING_DIFFERENTIAL;
	if (ret_index)
		*ret_index = spec->n_src;
	spec->n_src++;
	return 0;
}

int siggen_spec_set_routing(struct siggen_spec *spec, unsigned index, enum siggen_routing routing)
{
	if (!spec || index >= spec->n_src || (unsigned)routing >= SIGGEN_ROUTING_COUNT)
		return -EINVAL;
	spec->src[index].routing = routing;
	return 0;
}

static int set_one(struct sg_source_spec *ss, const char *pname, double value, bool *found)
{
	const struct sg_model *m = sg_models[ss->model];
	int k = sg_param_index(m, pname);

	if (k < 0)
		return 0;
	*found = true;
	if (value < m->params[k].min || value > m->params[k].max)
		return -ERANGE;
	ss->p[k] = value;
	return 0;
}

int siggen_spec_set_param(struct siggen_spec *spec, const char *name, double value)
{
	const char *dot, *pname;
	bool found = false;
	unsigned i;

	if (!spec || !name)
		return -EINVAL;
	if (!isfinite(value))
		return -EINVAL;
	dot = strchr(name, '.');
	pname = dot ? dot + 1 : name;
	/* Check every target first, so a range error changes nothing. */
	for (i = 0; i < spec->n_src; i++) {
		struct sg_source_spec *ss = &spec->src[i];
		const struct sg_model *m = sg_models[ss->model];
		int k;

		if (dot && (strlen(ss->id) != (size_t)(dot - name) ||
			    strncmp(ss->id, name, (size_t)(dot - name)) != 0))
			continue;
		k = sg_param_index(m, pname);
		if (k < 0)
			continue;
		found = true;
		if (value < m->params[k].min || value > m->params[k].max)
			return -ERANGE;
	}
	if (!found)
		return -ENOENT;
	for (i = 0; i < spec->n_src; i++) {
		struct sg_source_spec *ss = &spec->src[i];
		bool f = false;

		if (dot && (strlen(ss->id) != (size_t)(dot - name) ||
			    strncmp(ss->id, name, (size_t)(dot - name)) != 0))
			continue;
		set_one(ss, pname, value, &f);
	}
	return 0;
}

int siggen_spec_get_param(const struct siggen_spec *spec, const char *name, double *ret_value)
{
	const char *dot, *pname;
	unsigned i;

	if (!spec || !name || !ret_value)
		return -EINVAL;
	dot = strchr(name, '.');
	pname = dot ? dot + 1 : name;
	for (i = 0; i < spec->n_src; i++) {
		const struct sg_source_spec *ss = &spec->src[i];
		int k;

		if (dot && (strlen(ss->id) != (size_t)(dot - name) ||
			    strncmp(ss->id, name, (size_t)(dot - name)) != 0))
			continue;
		k = sg_param_index(sg_models[ss->model], pname);
		if (k >= 0) {
			*ret_value = ss->p[k];
			return 0;
		}
	}
	return -ENOENT;
}

int siggen_spec_set_channel_name(struct siggen_spec *spec, unsigned ch, const char *name)
{
	if (!spec || ch >= spec->channels || !name || !*name || strlen(name) > SIGGEN_NAME_LEN)
		return -EINVAL;
	snprintf(spec->names[ch], sizeof(spec->names[ch]), "%s", name);
	return 0;
}

int siggen_spec_from_model(const char *model, unsigned channels, double rate_hz, double duration_s,
			   struct siggen_spec **ret_spec)
{
	struct siggen_spec *s;
	int rc;

	if (siggen_model_find(model) < 0)
		return -ENOENT;
	rc = siggen_spec_new(rate_hz, channels, duration_s, &s);
	if (rc < 0)
		return rc;
	rc = siggen_spec_add_source(s, model, model, NULL, 1.0, NULL);
	if (rc < 0) {
		siggen_spec_free(s);
		return rc;
	}
	*ret_spec = s;
	return 0;
}

int siggen_spec_copy(const struct siggen_spec *spec, struct siggen_spec **ret_copy)
{
	struct siggen_spec *s;
	unsigned i;

	if (!spec || !ret_copy)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = *spec;
	s->n_src = 0;
	s->names = malloc(spec->channels * sizeof(*s->names));
	if (!s->names)
		goto err;
	memcpy(s->names, spec->names, spec->channels * sizeof(*s->names));
	for (i = 0; i < spec->n_src; i++) {
		struct sg_source_spec *d = &s->src[i];

		d->route = malloc(d->n_route * sizeof(*d->route) + 1);
		d->gain = malloc(d->n_route * sizeof(*d->gain) + 1);
		s->n_src = i + 1;
		if (!d->route || !d->gain)
			goto err;
		memcpy(d->route, spec->src[i].route, d->n_route * sizeof(*d->route));
		memcpy(d->gain, spec->src[i].gain, d->n_route * sizeof(*d->gain));
	}
	*ret_copy = s;
	return 0;
err:
	siggen_spec_free(s);
	return -ENOMEM;
}

unsigned siggen_spec_channels(const struct siggen_spec *spec)
{
	return spec ? spec->channels : 0;
}

double siggen_spec_rate_hz(const struct siggen_spec *spec)
{
	return spec ? spec->rate_hz : 0;
}

uint64_t siggen_spec_frames(const struct siggen_spec *spec)
{
	return spec ? spec->frames : 0;
}

unsigned siggen_spec_sources(const struct siggen_spec *spec)
{
	return spec ? spec->n_src : 0;
}

const char *siggen_spec_source_model(const struct siggen_spec *spec, unsigned index)
{
	if (!spec || index >= spec->n_src)
		return NULL;
	return sg_models[spec->src[index].model]->name;
}
