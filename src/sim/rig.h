/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/sim: the emulated rig's hardware description, loaded from
 * fixtures/sim/<name>.rig.xml and validated against schemas/sim-rig.xsd.
 *
 * Units: rates in Hz, DAC/ADC full scale in V (scale = V per code), DUT LSB in
 * uV per code (input-referred), attenuator in uV at the DUT input per V at the
 * DAC output, sense resistor in ohm.
 */
#ifndef BENCH_SIM_RIG_H
#define BENCH_SIM_RIG_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_MAX_DAC_CH 64
#define SIM_MAX_ADC_CH 16
#define SIM_MAX_DUT_CH 1024
#define SIM_MAX_PARAMS 32
#define SIM_MAX_RIG_FAULTS 16

enum sim_model {
	SIM_MODEL_EEG_AMP,
	SIM_MODEL_NEURAL_RECORDER,
	SIM_MODEL_SSVEP_DECODER,
	SIM_MODEL_CLOSED_LOOP_STIM,
	SIM_MODEL_COUNT,
};

/* The digital lines, in bit order of the sampled `lines` channel. */
enum sim_line {
	SIM_LINE_POWER,	       /* bench -> DUT */
	SIM_LINE_RESET,	       /* bench -> DUT, active high */
	SIM_LINE_TRIGGER,      /* bench -> DUT, marks stimulus epochs (echoed as an event) */
	SIM_LINE_FAULT_INJECT, /* bench -> DUT, high forces the DUT into its fault state */
	SIM_LINE_READY,	       /* DUT -> bench */
	SIM_LINE_STIM_ACTIVE,  /* DUT -> bench */
	SIM_LINE_FAULT,	       /* DUT -> bench */
	SIM_LINE_COUNT,
};

/* Bench ADC channel sources. */
#define SIM_ADC_SRC_STIM (-1) /* DUT stimulation current through the sense resistor */

struct sim_param {
	char name[32];
	double value;
};

struct sim_rig {
	char name[64];
	char path[512];

	unsigned dac_channels;
	unsigned dac_bits;
	double dac_rate_hz;
	double dac_full_scale_v;

	double atten_uv_per_v;
	/*
	 * Common-mode path (optional, <attenuator common-mode-dac=K common-mode-uv-per-v=G>):
	 * DAC channel K drives the common-mode node, i.e. every DUT input and the DUT reference
	 * together, at G uV per V; it drives no differential input. -1: none.
	 */
	int cm_dac;
	double cm_uv_per_v;

	unsigned adc_channels;
	unsigned adc_bits;
	double adc_full_scale_v;
	double sense_ohm;
	int adc_source[SIM_MAX_ADC_CH]; /* SIM_ADC_SRC_STIM or a DAC channel index */

	enum sim_model model;
	unsigned dut_channels;
	unsigned dut_bits;
	double dut_rate_hz;
	double dut_lsb_uv;
	struct sim_param params[SIM_MAX_PARAMS];
	unsigned n_params;

	bool line_initial[SIM_LINE_COUNT];

	char faults[SIM_MAX_RIG_FAULTS][96]; /* "NAME=VALUE" applied at start */
	unsigned n_faults;
};

/* Storage bits for a converter resolution: 16 up to 16 bits, else 32. */
unsigned sim_storage_bits(unsigned bits);

const char *sim_model_name(enum sim_model m);
int sim_model_from_name(const char *name, enum sim_model *ret_model);
const char *sim_line_name(enum sim_line l);

/* Default of a model parameter, or NAN if @name is not a parameter of @m. */
double sim_model_param_default(enum sim_model m, const char *name);

/* Value of parameter @name: the rig's if set, else the model default. */
double sim_rig_param(const struct sim_rig *rig, const char *name);

/**
 * sim_rig_load() - parse, validate (XSD + semantics) and convert a rig file.
 * @path:       the file.
 * @schema:     path of schemas/sim-rig.xsd.
 * @ret_rig:    receives a malloc'd rig (free()) on success.
 * @ret_error:  on -EINVAL/-ENOENT, receives a malloc'd "FILE:LINE: ..." text; may be NULL.
 *
 * Return: 0, -ENOENT (no such file), -EINVAL (invalid file), -ENOMEM.
 */
int sim_rig_load(const char *path, const char *schema, struct sim_rig **ret_rig, char **ret_error);

#endif /* BENCH_SIM_RIG_H */
