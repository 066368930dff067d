// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading the emulated rig's description (fixtures/sim/<name>.rig.xml).
 * libxml2 parses with line numbers, the XSD (schemas/sim-rig.xsd) checks the
 * structure, then the semantic checks here (rates, channel references, model
 * parameters) report the offending element's line. Every error is reported as
 * "FILE:LINE: what is wrong".
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "common/parse.h"
#include "sim/rig.h"

struct param_def {
	const char *name;
	double value;
};

/* Model parameters and their defaults (docs/sim.md lists their meaning). */
static const struct param_def common_params[] = {
	{ "gain", 1.0 },	  { "offset_uv", 0.0 },
	{ "noise_uv_rms", 1.0 },  { "hp_hz", 0.5 },
	{ "lp_hz", 100.0 },	  { "boot_ms", 50.0 },
	{ "range_uv", 400000.0 }, { "recovery_ms", 0.0 },
	{ "cmrr_db", 100.0 },	  { "crosstalk_db", -120.0 },
	{ "clock_ppm", 0.0 },	  { "hp_order", 2.0 },
	{ "zin_mohm", 1000.0 },	  { "series_mohm", 0.0 },
	{ "series_ch", 0.0 },	  { NULL, 0 },
};

static const struct param_def neural_params[] = {
	{ "threshold_sigma", 4.5 },
	{ "refractory_ms", 1.0 },
	{ "noise_window_ms", 250.0 },
	{ NULL, 0 },
};

static const struct param_def ssvep_params[] = {
	{ "freq0_hz", 8.0 },
	{ "freq1_hz", 10.0 },
	{ "freq2_hz", 12.0 },
	{ "freq3_hz", 15.0 },
	{ "freq4_hz", 0.0 },
	{ "freq5_hz", 0.0 },
	{ "window_s", 2.0 },
	{ "step_s", 0.5 },
	{ "harmonics", 2.0 },
	{ "min_ratio", 2.0 },
	/* cue-locked decoding (docs/sim.md): cue input, 40-target JFPM code, decision times */
	{ "cue_channel", -1.0 },
	{ "cue_threshold_uv", 150.0 },
	{ "n_targets", 0.0 },
	{ "f0_hz", 8.0 },
	{ "df_hz", 0.2 },
	{ "phase_step_pi", 0.5 },
	{ "paradigm", 0.0 },
	{ "decision0_s", 0.5 },
	{ "decision1_s", 1.0 },
	{ "decision2_s", 2.0 },
	/* P300 speller (paradigm 2, dut-p300.h): matrix, trigger code step, epoch, template */
	{ "matrix", 6.0 },
	{ "trigger_step_uv", 20.0 },
	{ "epoch_s", 0.8 },
	{ "p300_latency_ms", 300.0 },
	{ "p300_width_ms", 70.0 },
	{ NULL, 0 },
};

static const struct param_def stim_params[] = {
	{ "sense_channel", 0.0 },
	{ "beta_lo_hz", 13.0 },
	{ "beta_hi_hz", 30.0 },
	{ "burst_threshold_uv", 20.0 },
	{ "burst_min_ms", 50.0 },
	{ "stim_ua", 100.0 },
	{ "phase_us", 100.0 },
	{ "gap_us", 50.0 },
	{ "stim_rate_hz", 130.0 },
	{ "stim_hold_ms", 100.0 },
	{ NULL, 0 },
};

static const char *const model_names[SIM_MODEL_COUNT] = {
	[SIM_MODEL_EEG_AMP] = "eeg-amp",
	[SIM_MODEL_NEURAL_RECORDER] = "neural-recorder",
	[SIM_MODEL_SSVEP_DECODER] = "ssvep-decoder",
	[SIM_MODEL_CLOSED_LOOP_STIM] = "closed-loop-stim",
};

static const char *const line_names[SIM_LINE_COUNT] = {
	[SIM_LINE_POWER] = "power",	[SIM_LINE_RESET] = "reset",
	[SIM_LINE_TRIGGER] = "trigger", [SIM_LINE_FAULT_INJECT] = "fault_inject",
	[SIM_LINE_READY] = "ready",	[SIM_LINE_STIM_ACTIVE] = "stim_active",
	[SIM_LINE_FAULT] = "fault",
};

unsigned sim_storage_bits(unsigned bits)
{
	return bits <= 16 ? 16 : 32;
}

const char *sim_model_name(enum sim_model m)
{
	return m < SIM_MODEL_COUNT ? model_names[m] : "?";
}

int sim_model_from_name(const char *name, enum sim_model *ret_model)
{
	unsigned i;

	for (i = 0; i < SIM_MODEL_COUNT; i++) {
		if (strcmp(name, model_names[i]) == 0) {
			*ret_model = (enum sim_model)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *sim_line_name(enum sim_line l)
{
	return l < SIM_LINE_COUNT ? line_names[l] : "?";
}

static const struct param_def *model_table(enum sim_model m)
{
	switch (m) {
	case SIM_MODEL_NEURAL_RECORDER:
		return neural_params;
	case SIM_MODEL_SSVEP_DECODER:
		return ssvep_params;
	case SIM_MODEL_CLOSED_LOOP_STIM:
		return stim_params;
	default:
		return NULL;
	}
}

/* Model-specific defaults of the common parameters. */
static bool model_common_default(enum sim_model m, const char *name, double *ret)
{
	static const struct {
		enum sim_model m;
		const char *name;
		double value;
	} tab[] = {
		{ SIM_MODEL_NEURAL_RECORDER, "hp_hz", 300.0 },
		{ SIM_MODEL_NEURAL_RECORDER, "lp_hz", 6000.0 },
		{ SIM_MODEL_NEURAL_RECORDER, "noise_uv_rms", 3.0 },
		{ SIM_MODEL_NEURAL_RECORDER, "range_uv", 6000.0 },
		{ SIM_MODEL_NEURAL_RECORDER, "boot_ms", 20.0 },
		{ SIM_MODEL_EEG_AMP, "noise_uv_rms", 0.5 },
		{ SIM_MODEL_EEG_AMP, "lp_hz", 200.0 },
		{ SIM_MODEL_EEG_AMP, "recovery_ms", 200.0 },
		{ SIM_MODEL_SSVEP_DECODER, "hp_hz", 1.0 },
		{ SIM_MODEL_SSVEP_DECODER, "lp_hz", 45.0 },
		{ SIM_MODEL_CLOSED_LOOP_STIM, "hp_hz", 1.0 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (tab[i].m == m && strcmp(tab[i].name, name) == 0) {
			*ret = tab[i].value;
			return true;
		}
	}
	return false;
}

double sim_model_param_default(enum sim_model m, const char *name)
{
	const struct param_def *t;
	double v;

	for (t = common_params; t->name; t++) {
		if (strcmp(t->name, name) == 0) {
			if (model_common_default(m, name, &v))
				return v;
			return t->value;
		}
	}
	t = model_table(m);
	for (; t && t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t->value;
	return NAN;
}

double sim_rig_param(const struct sim_rig *rig, const char *name)
{
	unsigned i;

	for (i = 0; i < rig->n_params; i++)
		if (strcmp(rig->params[i].name, name) == 0)
			return rig->params[i].value;
	return sim_model_param_default(rig->model, name);
}

/* ---- error collection ---- */

struct load_ctx {
	const char *path;
	char *error; /* first error, malloc'd */
};

static void set_error(struct load_ctx *lc, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(struct load_ctx *lc, long line, const char *fmt, ...)
{
	char msg[512];
	char *out;
	va_list ap;
	int n;

	if (lc->error)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(NULL, 0, "%s:%ld: %s", lc->path, line, msg);
	if (n < 0)
		return;
	out = malloc((size_t)n + 1);
	if (!out)
		return;
	snprintf(out, (size_t)n + 1, "%s:%ld: %s", lc->path, line, msg);
	lc->error = out;
}

static void schema_error(void *ctx, xmlErrorPtr err)
{
	struct load_ctx *lc = ctx;
	char msg[400];
	size_t n;

	if (!err || !err->message)
		return;
	snprintf(msg, sizeof(msg), "%s", err->message);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	set_error(lc, err->line, "%s", msg);
}

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* ---- attribute helpers ---- */

static int get_double(struct load_ctx *lc, xmlNode *n, const char *attr, double *ret, bool req)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
	int r;

	if (!v) {
		if (req)
			set_error(lc, xmlGetLineNo(n), "<%s> lacks attribute %s", n->name, attr);
		return req ? -EINVAL : 1;
	}
	r = bench_parse_double((const char *)v, ret);
	if (r < 0)
		set_error(lc, xmlGetLineNo(n), "<%s %s=\"%s\">: not a number", n->name, attr, v);
	xmlFree(v);
	return r < 0 ? -EINVAL : 0;
}

static int get_uint(struct load_ctx *lc, xmlNode *n, const char *attr, unsigned lo, unsigned hi,
		    unsigned *ret)
{
	double d;
	int r = get_double(lc, n, attr, &d, true);

	if (r < 0)
		return r;
	if (d != floor(d) || d < lo || d > hi) {
		set_error(lc, xmlGetLineNo(n), "<%s %s=\"%g\">: must be an integer in %u..%u",
			  n->name, attr, d, lo, hi);
		return -EINVAL;
	}
	*ret = (unsigned)d;
	return 0;
}

static int get_positive(struct load_ctx *lc, xmlNode *n, const char *attr, double *ret)
{
	int r = get_double(lc, n, attr, ret, true);

	if (r < 0)
		return r;
	if (!(*ret > 0)) {
		set_error(lc, xmlGetLineNo(n), "<%s %s>: must be > 0", n->name, attr);
		return -EINVAL;
	}
	return 0;
}

static bool is_elem(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int load_adc(struct load_ctx *lc, xmlNode *n, struct sim_rig *rig)
{
	xmlNode *c;
	unsigned k = 0;

	if (get_uint(lc, n, "bits", 8, 32, &rig->adc_bits) < 0 ||
	    get_positive(lc, n, "full-scale-v", &rig->adc_full_scale_v) < 0 ||
	    get_positive(lc, n, "sense-ohm", &rig->sense_ohm) < 0)
		return -EINVAL;
	for (c = n->children; c; c = c->next) {
		xmlChar *src;
		int r = 0;

		if (!is_elem(c, "channel"))
			continue;
		if (k >= SIM_MAX_ADC_CH) {
			set_error(lc, xmlGetLineNo(c), "more than %d ADC channels", SIM_MAX_ADC_CH);
			return -EINVAL;
		}
		src = xmlGetProp(c, (const xmlChar *)"source");
		if (!src) {
			set_error(lc, xmlGetLineNo(c), "<channel> lacks attribute source");
			return -EINVAL;
		}
		if (strcmp((const char *)src, "stim-current") == 0) {
			rig->adc_source[k] = SIM_ADC_SRC_STIM;
		} else if (strncmp((const char *)src, "dac", 3) == 0) {
			int ch;

			r = bench_parse_int((const char *)src + 3, &ch);
			if (r < 0 || ch < 0 || (unsigned)ch >= rig->dac_channels) {
				set_error(lc, xmlGetLineNo(c),
					  "source \"%s\": no such DAC channel (the DAC has %u)",
					  src, rig->dac_channels);
				r = -EINVAL;
			} else {
				rig->adc_source[k] = ch;
			}
		} else {
			set_error(lc, xmlGetLineNo(c), "unknown source \"%s\"", src);
			r = -EINVAL;
		}
		xmlFree(src);
		if (r < 0)
			return -EINVAL;
		k++;
	}
	rig->adc_channels = k;
	return 0;
}

static int load_dut(struct load_ctx *lc, xmlNode *n, struct sim_rig *rig)
{
	xmlChar *model = xmlGetProp(n, (const xmlChar *)"model");
	xmlNode *c;
	int r;

	if (!model) {
		set_error(lc, xmlGetLineNo(n), "<dut> lacks attribute model");
		return -EINVAL;
	}
	r = sim_model_from_name((const char *)model, &rig->model);
	if (r < 0)
		set_error(lc, xmlGetLineNo(n), "unknown DUT model \"%s\"", model);
	xmlFree(model);
	if (r < 0)
		return -EINVAL;
	if (get_uint(lc, n, "channels", 1, SIM_MAX_DUT_CH, &rig->dut_channels) < 0 ||
	    get_uint(lc, n, "bits", 8, 32, &rig->dut_bits) < 0 ||
	    get_positive(lc, n, "rate-hz", &rig->dut_rate_hz) < 0 ||
	    get_positive(lc, n, "lsb-uv", &rig->dut_lsb_uv) < 0)
		return -EINVAL;
	if (rig->dut_rate_hz > rig->dac_rate_hz) {
		set_error(lc, xmlGetLineNo(n),
			  "DUT rate %g Hz above the DAC rate %g Hz: the stimulus could not "
			  "cover the DUT band",
			  rig->dut_rate_hz, rig->dac_rate_hz);
		return -EINVAL;
	}
	for (c = n->children; c; c = c->next) {
		xmlChar *name;
		struct sim_param *p;
		double v;

		if (!is_elem(c, "param"))
			continue;
		if (rig->n_params >= SIM_MAX_PARAMS) {
			set_error(lc, xmlGetLineNo(c), "more than %d parameters", SIM_MAX_PARAMS);
			return -EINVAL;
		}
		name = xmlGetProp(c, (const xmlChar *)"name");
		if (!name || strlen((const char *)name) >= sizeof(p->name) ||
		    isnan(sim_model_param_default(rig->model, (const char *)name))) {
			set_error(lc, xmlGetLineNo(c), "\"%s\" is not a parameter of model %s",
				  name ? (const char *)name : "", sim_model_name(rig->model));
			xmlFree(name);
			return -EINVAL;
		}
		if (get_double(lc, c, "value", &v, true) < 0) {
			xmlFree(name);
			return -EINVAL;
		}
		p = &rig->params[rig->n_params++];
		snprintf(p->name, sizeof(p->name), "%s", (const char *)name);
		p->value = v;
		xmlFree(name);
	}
	if (sim_rig_param(rig, "lp_hz") >= rig->dut_rate_hz / 2) {
		set_error(lc, xmlGetLineNo(n), "lp_hz %g must be below the DUT Nyquist %g Hz",
			  sim_rig_param(rig, "lp_hz"), rig->dut_rate_hz / 2);
		return -EINVAL;
	}
	return 0;
}

static int load_lines(struct load_ctx *lc, xmlNode *n, struct sim_rig *rig)
{
	xmlNode *c;

	for (c = n->children; c; c = c->next) {
		xmlChar *name;
		double v;
		int k, found = -1;

		if (!is_elem(c, "line"))
			continue;
		name = xmlGetProp(c, (const xmlChar *)"name");
		for (k = 0; name && k < SIM_LINE_COUNT; k++)
			if (strcmp((const char *)name, line_names[k]) == 0)
				found = k;
		if (found < 0 || found >= SIM_LINE_READY) {
			set_error(lc, xmlGetLineNo(c),
				  "line \"%s\": only bench->DUT lines (power, reset, trigger, "
				  "fault_inject) take an initial level",
				  name ? (const char *)name : "");
			xmlFree(name);
			return -EINVAL;
		}
		xmlFree(name);
		if (get_double(lc, c, "initial", &v, true) < 0)
			return -EINVAL;
		rig->line_initial[found] = v != 0;
	}
	return 0;
}

static int load_root(struct load_ctx *lc, xmlNode *root, struct sim_rig *rig)
{
	xmlChar *name = xmlGetProp(root, (const xmlChar *)"name");
	xmlNode *n;

	snprintf(rig->name, sizeof(rig->name), "%s", name ? (const char *)name : "rig");
	xmlFree(name);
	rig->line_initial[SIM_LINE_POWER] = true;
	rig->cm_dac = -1;
	for (n = root->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(n, "dac")) {
			if (get_uint(lc, n, "channels", 1, SIM_MAX_DAC_CH, &rig->dac_channels) <
				    0 ||
			    get_uint(lc, n, "bits", 8, 32, &rig->dac_bits) < 0 ||
			    get_positive(lc, n, "rate-hz", &rig->dac_rate_hz) < 0 ||
			    get_positive(lc, n, "full-scale-v", &rig->dac_full_scale_v) < 0)
				return -EINVAL;
		} else if (is_elem(n, "attenuator")) {
			double cm;
			int r;

			if (get_positive(lc, n, "uv-per-v", &rig->atten_uv_per_v) < 0)
				return -EINVAL;
			r = get_double(lc, n, "common-mode-dac", &cm, false);
			if (r < 0)
				return -EINVAL;
			if (r == 0) {
				if (cm != floor(cm) || cm < 0 || cm >= rig->dac_channels ||
				    rig->dac_channels < 2) {
					set_error(
						lc, xmlGetLineNo(n),
						"<attenuator common-mode-dac=\"%g\">: not a DAC channel "
						"(0..%u, and one must stay differential)",
						cm, rig->dac_channels ? rig->dac_channels - 1 : 0);
					return -EINVAL;
				}
				rig->cm_dac = (int)cm;
				if (get_positive(lc, n, "common-mode-uv-per-v", &rig->cm_uv_per_v) <
				    0)
					return -EINVAL;
			}
		} else if (is_elem(n, "adc")) {
			if (load_adc(lc, n, rig) < 0)
				return -EINVAL;
		} else if (is_elem(n, "dut")) {
			if (load_dut(lc, n, rig) < 0)
				return -EINVAL;
		} else if (is_elem(n, "lines")) {
			if (load_lines(lc, n, rig) < 0)
				return -EINVAL;
		} else if (is_elem(n, "fault")) {
			xmlChar *fn = xmlGetProp(n, (const xmlChar *)"name");
			xmlChar *fv = xmlGetProp(n, (const xmlChar *)"value");

			if (rig->n_faults >= SIM_MAX_RIG_FAULTS || !fn || !fv) {
				set_error(lc, xmlGetLineNo(n), "bad or too many <fault> elements");
				xmlFree(fn);
				xmlFree(fv);
				return -EINVAL;
			}
			snprintf(rig->faults[rig->n_faults++], sizeof(rig->faults[0]), "%s=%s", fn,
				 fv);
			xmlFree(fn);
			xmlFree(fv);
		}
	}
	return 0;
}

int sim_rig_load(const char *path, const char *schema, struct sim_rig **ret_rig, char **ret_error)
{
	struct load_ctx lc = { path, NULL };
	xmlSchemaParserCtxtPtr pctx = NULL;
	xmlSchemaValidCtxtPtr vctx = NULL;
	xmlSchemaPtr xsd = NULL;
	struct sim_rig *rig = NULL;
	xmlDocPtr doc = NULL;
	int r = -EINVAL;

	if (access(path, R_OK) != 0) {
		r = errno == ENOENT ? -ENOENT : -EINVAL;
		set_error(&lc, 0, "cannot read rig file: %s", strerror(errno));
		goto out;
	}
	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(&lc, schema_error);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	if (!doc) {
		set_error(&lc, 0, "not well-formed XML");
		goto out;
	}
	pctx = xmlSchemaNewParserCtxt(schema);
	if (!pctx) {
		r = -ENOMEM;
		goto out;
	}
	xsd = xmlSchemaParse(pctx);
	if (!xsd) {
		free(lc.error);
		lc.error = NULL;
		set_error(&lc, 0, "cannot load schema %s", schema);
		r = -EIO;
		goto out;
	}
	vctx = xmlSchemaNewValidCtxt(xsd);
	if (!vctx) {
		r = -ENOMEM;
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(vctx, schema_error, &lc);
	if (xmlSchemaValidateDoc(vctx, doc) != 0) {
		set_error(&lc, 0, "does not match schemas/sim-rig.xsd");
		goto out;
	}
	rig = calloc(1, sizeof(*rig));
	if (!rig) {
		r = -ENOMEM;
		goto out;
	}
	snprintf(rig->path, sizeof(rig->path), "%s", path);
	if (load_root(&lc, xmlDocGetRootElement(doc), rig) < 0)
		goto out;
	if (rig->dac_channels == 0 || rig->atten_uv_per_v <= 0 || rig->dut_channels == 0) {
		set_error(&lc, 1, "rig lacks <dac>, <attenuator> or <dut>");
		goto out;
	}
	*ret_rig = rig;
	rig = NULL;
	r = 0;
out:
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(xsd);
	xmlSchemaFreeParserCtxt(pctx);
	xmlFreeDoc(doc);
	free(rig);
	if (r < 0 && ret_error) {
		*ret_error = lc.error;
		lc.error = NULL;
	}
	free(lc.error);
	return r;
}
