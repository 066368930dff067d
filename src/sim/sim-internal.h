/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/sim: the served IIO context (devices, channels, sample
 * layouts) shared by the server (server.c) and the engine (engine.c).
 */
#ifndef BENCH_SIM_SIM_INTERNAL_H
#define BENCH_SIM_SIM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "sim/dut.h"
#include "sim/rig.h"
#include "sim/sim.h"

enum sim_dev {
	SIM_DEV_DAC,
	SIM_DEV_ADC,
	SIM_DEV_DUT,
	SIM_DEV_LINES,
	SIM_DEV_TRIG,
	SIM_DEV_COUNT,
};

#define SIM_N_BUFDEV SIM_DEV_TRIG /* devices with a buffer */

enum sim_chan_role {
	SIM_CH_CONV,	  /* converter channel voltageK (DAC, ADC, DUT) */
	SIM_CH_EVENT,	  /* dut count0 */
	SIM_CH_TIMESTAMP, /* timestamp */
	SIM_CH_LINES,	  /* bench-lines sampled bit-per-line channel */
	SIM_CH_LINE,	  /* one line as an attribute-only channel */
};

struct sim_chan {
	char id[24];
	char name[24]; /* "" if none */
	bool output;
	enum sim_chan_role role;
	unsigned k;	/* converter index or line number */
	int scan_index; /* -1: attribute only */
	unsigned bits, storage_bits;
	bool is_signed;
	double scale; /* 0: no scale attribute */
};

struct sim_device {
	const char *id;
	const char *name;
	struct sim_chan *chans; /* sorted: scan channels by index, then the others */
	unsigned n_chans;
	unsigned n_scan;
	const char *const *attrs;
	const char *const *dbg;
	size_t full_size; /* bytes per sample with every scan channel enabled */
	size_t *full_off; /* per scan channel, offset in the full layout */
};

/* A stream layout for one mask: where each enabled channel sits. */
struct sim_layout {
	unsigned n; /* enabled scan channels */
	unsigned ch[SIM_MAX_DUT_CH + 4];
	size_t off[SIM_MAX_DUT_CH + 4]; /* offset in the mask layout */
	size_t sample_size;
	bool full; /* mask == every scan channel: mask layout == full layout */
};

/* Fills @l for @mask (bit n = channel n). Return 0 or -EINVAL (no scan bit set). */
int sim_layout_compute(const struct sim_device *dev, const uint32_t *mask, struct sim_layout *l);

#endif /* BENCH_SIM_SIM_INTERNAL_H */
