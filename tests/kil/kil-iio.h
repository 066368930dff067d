/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IIO half of the kernel-in-the-loop checks, shared by the in-guest
 * program (libiio local backend) and the host program (libiio network backend
 * against the guest's real iiod). The device is the kernel's iio_dummy
 * ("adc0") with an hrtimer trigger ("t0"), as vm-setup.sh creates them.
 * Sample values are raw codes; the trigger rate is in Hz; timestamps are the
 * kernel's, in ns.
 */
#ifndef BENCH_TESTS_KIL_IIO_H
#define BENCH_TESTS_KIL_IIO_H

#include <iio.h>

/* Names vm-setup.sh gives the dummy device and its trigger. */
#define KIL_IIO_DEVICE "adc0"
#define KIL_IIO_TRIGGER "t0"

/*
 * kil_iio_checks() - capture a triggered buffer from the dummy ADC, check the
 * driver's fixed sample values and increasing kernel timestamps, and write and
 * read back the dummy's output channel. Results go to the kil tally.
 * @ctx: a libiio context (local or network); borrowed.
 * @samples: samples per buffer, at least 2.
 */
void kil_iio_checks(struct iio_context *ctx, unsigned int samples);

#endif /* BENCH_TESTS_KIL_IIO_H */
