/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel-in-the-loop checks that go through the bench's own code (src/fixture,
 * src/hw), shared by the in-guest program (libiio local) and the host program
 * (libiio network, the guest's real iiod). The rig is fixtures/kil/kil-rig.fixture.xml.
 * Captured values are microvolts at the input, as the bench reports them.
 */
#ifndef BENCH_TESTS_KIL_BENCH_H
#define BENCH_TESTS_KIL_BENCH_H

#include <stddef.h>

struct bench_fixture;
struct bench_rig;

/*
 * kil_load_fixture() - load @path as a certification run would (schema,
 * semantic checks, calibration dates) and check that it describes the rig
 * vm-setup.sh builds. Returns the fixture, or NULL after a failed check.
 */
struct bench_fixture *kil_load_fixture(const char *path);

/*
 * kil_capture_checks() - the bench's capture path on iio_dummy "adc0":
 * bench_stream_open/start/read/stop on capture 0 of @rig for at least
 * @frames frames; every frame must hold the driver's fixed codes converted by
 * the bench's calibration (voltage0 = 7 codes x the device's scale attribute,
 * accel_x = 344 codes x the fixture's 1 uV per code).
 */
void kil_capture_checks(struct bench_rig *rig, size_t frames);

#endif /* BENCH_TESTS_KIL_BENCH_H */
