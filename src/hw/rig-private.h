/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/hw: the rig as the IIO context, its devices and channels,
 * the code maps, the lines, and what safe state needs to reach.
 */
#ifndef BENCH_HW_RIG_PRIVATE_H
#define BENCH_HW_RIG_PRIVATE_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "hw/calib.h"
#include "hw/line-backend.h"

struct iio_context;
struct iio_device;
struct iio_channel;
struct iio_buffer;
struct bench_fixture;

struct bench_rig_capture {
	struct iio_device *dev;
	struct iio_channel **ch; /* fixture order */
	struct iio_channel *ts;	 /* timestamp channel, or NULL */
	struct iio_channel *event;
	struct bench_calib_adc *cal;
	double rate_hz;
};

struct bench_rig {
	const struct bench_fixture *fx;
	char uri[256]; /* the URI used (a private, writable copy; see iiod-protocol.md 2.2) */
	unsigned flags;
	struct iio_context *ctx;
	struct iio_device *dac;
	struct iio_channel **dac_ch;
	struct bench_calib_dac *dac_cal;
	double *dac_scale_v;	   /* per DAC channel: V per code used by dac_cal */
	double *dac_cal_gain;	   /* per DAC channel: the calibration record in force */
	double *dac_cal_offset_uv; /* (fixture values, or bench_rig_set_dac_calibration()) */
	double dac_rate_hz;
	struct bench_rig_capture *cap;
	struct bench_line *lines;
	/* The output buffer a stream is playing; safe state cancels it. */
	pthread_mutex_t out_lock; /* guards out_buf against cancel-after-destroy */
	struct iio_buffer *out_buf;
	atomic_bool out_live; /* true until the output buffer is destroyed */
	atomic_bool stop;     /* set by safe state: every stream thread ends */
	int slot;	      /* safe-state registry slot, -1 if none */
};

/* safe.c: the registry of open rigs that bench_safe_state() reaches. */
int bench_safe_register(struct bench_rig *rig);
void bench_safe_unregister(struct bench_rig *rig);

/* safe.c: safe state of one rig, recorded with @reason. */
int bench_safe_state_rig(struct bench_rig *rig, const char *reason);

/* rig.c: parks the DAC of one rig at code 0 and its lines at safe levels. */
int bench_rig_safe(struct bench_rig *rig);

#endif /* BENCH_HW_RIG_PRIVATE_H */
